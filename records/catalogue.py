"""The default catalogue of record types, and how a record's sharing category is decided."""

from __future__ import annotations

from typing import Any

from partnership.models import Agency, AgencyKind, Service, ServiceKind
from records.models import IndicatorKind, RecordCategory, RecordKind

# (code, name, kind, indicator kind, has an end, description)
DEFAULT_TYPES: tuple[tuple[str, str, str, str, bool, str], ...] = (
    ("concern", "Concern", RecordKind.CONCERN, "", False, "A worry about a young person."),
    (
        "missing-episode",
        "Missing episode",
        RecordKind.EPISODE,
        "",
        True,
        "Missing from home or care, with the return and the return home interview.",
    ),
    (
        "return-home-interview",
        "Return home interview",
        RecordKind.EPISODE,
        "",
        False,
        "An independent conversation within 72 hours of return from a missing episode.",
    ),
    ("school-absence", "School absence", RecordKind.EPISODE, "", False, "Unauthorised absence."),
    (
        "late-after-registers-closed",
        "Arrived after registers closed",
        RecordKind.EPISODE,
        "",
        False,
        "DfE attendance code U.",
    ),
    (
        "lesson-missed",
        "Lessons missed after registration",
        RecordKind.EPISODE,
        "",
        False,
        "Registered for the session, then missing from lessons.",
    ),
    ("health-attendance", "Health attendance", RecordKind.EPISODE, "", False, ""),
    (
        "emergency-attendance",
        "Emergency department attendance",
        RecordKind.EPISODE,
        "",
        False,
        "",
    ),
    ("sexual-health-attendance", "Sexual health attendance", RecordKind.EPISODE, "", False, ""),
    ("school-nurse-contact", "School nurse contact", RecordKind.EPISODE, "", False, ""),
    ("arrest", "Arrest", RecordKind.EPISODE, "", False, ""),
    ("police-stop", "Police stop", RecordKind.EPISODE, "", False, ""),
    (
        "found-with-adult",
        "Found in the company of an adult",
        RecordKind.EPISODE,
        "",
        False,
        "Found with an adult of concern, for example in a car, hotel or address.",
    ),
    ("placement-move", "Placement move", RecordKind.EPISODE, "", False, ""),
    ("prior-abuse", "Prior abuse", RecordKind.INDICATOR, IndicatorKind.VULNERABILITY, False, ""),
    ("in-care", "In care", RecordKind.INDICATOR, IndicatorKind.VULNERABILITY, False, ""),
    ("disability", "Disability", RecordKind.INDICATOR, IndicatorKind.VULNERABILITY, False, ""),
    ("homelessness", "Homelessness", RecordKind.INDICATOR, IndicatorKind.VULNERABILITY, False, ""),
    (
        "substance-misuse",
        "Substance misuse",
        RecordKind.INDICATOR,
        IndicatorKind.VULNERABILITY,
        False,
        "",
    ),
    (
        "gang-association",
        "Gang association",
        RecordKind.INDICATOR,
        IndicatorKind.VULNERABILITY,
        False,
        "",
    ),
    (
        "out-of-education",
        "Out of education",
        RecordKind.INDICATOR,
        IndicatorKind.VULNERABILITY,
        False,
        "",
    ),
    ("gifts", "Unexplained gifts", RecordKind.INDICATOR, IndicatorKind.WARNING_SIGN, False, ""),
    (
        "older-boyfriend",
        "Older 'boyfriend' or 'girlfriend'",
        RecordKind.INDICATOR,
        IndicatorKind.WARNING_SIGN,
        False,
        "",
    ),
    (
        "unexplained-phone-or-money",
        "Unexplained phone or money",
        RecordKind.INDICATOR,
        IndicatorKind.WARNING_SIGN,
        False,
        "",
    ),
    (
        "seen-at-hot-spot",
        "Seen at a hot spot",
        RecordKind.INDICATOR,
        IndicatorKind.WARNING_SIGN,
        False,
        "",
    ),
    ("note", "Note", RecordKind.NOTE, "", False, "Anything else worth recording."),
    (
        "enrolment",
        "School enrolment",
        RecordKind.EPISODE,
        "",
        True,
        "On a school's roll, from the school roll feed: year group, dates, leaving reason.",
    ),
)

# (code, name): the categories of a low-level concern (the concerns import feed), held as data
# in ConcernCategory; these are the defaults a new installation starts with.
DEFAULT_CONCERN_CATEGORIES: tuple[tuple[str, str], ...] = (
    ("going_missing", "Going missing"),
    ("older_associate", "Older associate"),
    ("unexplained_gifts_or_money", "Unexplained gifts or money"),
    ("sexual_health", "Sexual health"),
    ("school_absence", "School absence"),
    ("online_contact", "Online contact"),
    ("substance_misuse", "Substance misuse"),
    ("change_in_behaviour", "Change in behaviour"),
    ("seen_in_hotspot", "Seen in a hotspot"),
    ("other", "Other"),
)

_CATEGORY_BY_AGENCY = {
    AgencyKind.POLICE: RecordCategory.POLICE,
    AgencyKind.CHILDRENS_SOCIAL_CARE: RecordCategory.SOCIAL_CARE,
    AgencyKind.HEALTH: RecordCategory.HEALTH,
    AgencyKind.EDUCATION: RecordCategory.EDUCATION,
    AgencyKind.YOUTH_OFFENDING: RecordCategory.YOUTH_JUSTICE,
    AgencyKind.PROBATION: RecordCategory.YOUTH_JUSTICE,
    AgencyKind.HOUSING: RecordCategory.HOUSING,
    AgencyKind.VOLUNTARY_SECTOR: RecordCategory.VOLUNTARY,
    AgencyKind.ADULT_SERVICES: RecordCategory.SOCIAL_CARE,
    AgencyKind.COMMUNITY_PARTNER: RecordCategory.COMMUNITY,
}


# Record types that are sexual health whoever holds them: an attendance at a sexual health
# clinic stays sexual health even when the agency's list of services does not show the clinic.
SEXUAL_HEALTH_TYPES = frozenset({"sexual-health-attendance"})


def category_for(
    agency: Agency,
    service: Service | None,
    *,
    record_type: str = "",
    intelligence: bool = False,
) -> str:
    """The sharing category of a record from who holds it and, for a few types, what it is.

    Sexual health services, sexual health record types and intelligence are stricter than the
    rest of their agency.
    """
    if record_type in SEXUAL_HEALTH_TYPES or (
        service is not None and service.kind == ServiceKind.SEXUAL_HEALTH
    ):
        return RecordCategory.SEXUAL_HEALTH.value
    if intelligence or (service is not None and service.kind == ServiceKind.INTELLIGENCE):
        return RecordCategory.INTELLIGENCE.value
    return _CATEGORY_BY_AGENCY[AgencyKind(agency.kind)].value


def ensure_concern_categories(category_model: Any = None) -> int:
    """Create any default concern category that is missing. Safe to run again."""
    if category_model is None:
        from records.models import ConcernCategory

        category_model = ConcernCategory
    created = 0
    for code, name in DEFAULT_CONCERN_CATEGORIES:
        _, made = category_model.objects.get_or_create(code=code, defaults={"name": name})
        created += int(made)
    return created


def ensure_catalogue(record_type_model: Any = None) -> int:
    """Create any default record type that is missing. Safe to run again."""
    if record_type_model is None:
        from records.models import RecordType

        record_type_model = RecordType
    created = 0
    for code, name, kind, indicator, has_end, description in DEFAULT_TYPES:
        _, made = record_type_model.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "kind": str(kind),
                "indicator_kind": str(indicator),
                "has_end": has_end,
                "description": description,
            },
        )
        created += int(made)
    return created

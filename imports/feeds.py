"""The six documented feeds: their columns, the rules each row must keep, and what it records.

``docs/import-formats.md`` describes the same columns for the people who prepare the files; the
tests check that every column here is documented there. Parsing is pure (no database): a raw row
(column name -> cell value, from CSV text or an XLSX cell) either becomes a :class:`ParsedRow`
or a list of :class:`Problem`, each naming the column and the rule broken.

An identifier that fails its check (UPN check letter, NHS number modulus 11, postcode format) is
reported as a problem with ``kept=True``: it is never trusted, so it is left out of the row and
cannot link the row to anyone, but the row is kept and matched on its other fields.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from imports.models import Feed
from partnership.models import AgencyKind, ServiceKind
from people.identifiers import (
    IdentifierError,
    date_of_birth_problem,
    name_problem,
    normalise_nhs_number,
    normalise_postcode,
    normalise_upn,
)
from people.models import Gender
from records.catalogue import DEFAULT_CONCERN_CATEGORIES

# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    # text, date, datetime, date_or_datetime, recorded, age, yes_no, choice, upn, nhs_number,
    # postcode, gender
    kind: str
    required: bool
    description: str
    choices: tuple[str, ...] = ()
    max_length: int = 200


IDENTITY_COLUMNS: tuple[Column, ...] = (
    Column(
        "given_name",
        "text",
        False,
        "Given (first) name as the agency holds it. A row needs a given_name or a family_name.",
        max_length=100,
    ),
    Column(
        "family_name",
        "text",
        False,
        "Family name (surname); blank when the agency did not record one.",
        max_length=100,
    ),
    Column(
        "other_names", "text", False, "Other names and nicknames, comma separated.", max_length=300
    ),
    Column("date_of_birth", "date", False, "Date of birth; blank when not known."),
    Column(
        "approximate_age",
        "age",
        False,
        "Age in whole years as the agency estimated it, when the date of birth is not known "
        "(0 to 30).",
    ),
    Column(
        "gender",
        "gender",
        False,
        "F, M, female, male, girl, boy, non-binary, self-described, X (indeterminate or not "
        "stated), U or not known; blank is not known.",
    ),
    Column("postcode", "postcode", False, "Home postcode."),
    Column("address", "text", False, "First line(s) of the home address.", max_length=300),
    Column("upn", "upn", False, "Unique Pupil Number (13 characters, with its check letter)."),
    Column("nhs_number", "nhs_number", False, "NHS number (10 digits, modulus 11 check)."),
    Column(
        "person_reference",
        "text",
        False,
        "The agency's own reference for the young person (MIS id, case number).",
        max_length=100,
    ),
)

# Every feed ends with this column: when the agency wrote the fact down, which can be days after
# it happened. The record keeps both; blank means the import is when it was recorded.
RECORDED_AT = Column(
    "recorded_at",
    "recorded",
    False,
    "When the agency recorded it (a date, or a date and time); blank is the time of import.",
)

NAME_COLUMNS = frozenset(
    {
        "given_name",
        "family_name",
        "other_names",
        "legal_forename",
        "preferred_forename",
        "middle_names",
        "surname",
    }
)

# DfE attendance codes (School attendance guidance, 2024), by what the mark means.
PRESENT_CODES = frozenset({"/", "\\", "L"})
APPROVED_ACTIVITY_CODES = frozenset({"K", "V", "P", "W", "B"})
AUTHORISED_ABSENCE_CODES = frozenset({"C", "C1", "C2", "E", "I", "M", "J1", "S", "T", "R", "Q"})
UNAUTHORISED_ABSENCE_CODES = frozenset({"G", "N", "O", "U"})
NOT_COUNTED_CODES = frozenset({"D", "X", "Z", "#", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7"})
ATTENDANCE_CODES = (
    PRESENT_CODES
    | APPROVED_ACTIVITY_CODES
    | AUTHORISED_ABSENCE_CODES
    | UNAUTHORISED_ABSENCE_CODES
    | NOT_COUNTED_CODES
)

HEALTH_SERVICE_TYPES = (
    "emergency_department",
    "sexual_health",
    "school_nursing",
    "gp",
    "mental_health",
    "community_paediatrics",
    "other",
)
SOCIAL_CARE_STATUSES = ("child_in_need", "child_protection_plan", "looked_after")
RHI_OUTCOMES = ("offered", "completed", "not_completed", "declined", "not_offered", "not_known")
RISK_GRADINGS = ("no_apparent_risk", "low", "medium", "high")

# The concerns feed's agency_kind column, in the words agencies use, and the kinds of member
# agency each may come from. A row whose agency_kind does not fit the importing agency is refused.
CONCERN_AGENCY_KINDS: dict[str, frozenset[str]] = {
    "school": frozenset({AgencyKind.EDUCATION}),
    "police": frozenset({AgencyKind.POLICE}),
    "health": frozenset({AgencyKind.HEALTH}),
    "social_care": frozenset({AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.ADULT_SERVICES}),
    "youth_service": frozenset({AgencyKind.YOUTH_OFFENDING, AgencyKind.COMMUNITY_PARTNER}),
    "voluntary_sector": frozenset({AgencyKind.VOLUNTARY_SECTOR}),
    "housing": frozenset({AgencyKind.HOUSING}),
    "probation": frozenset({AgencyKind.PROBATION}),
    "other": frozenset(AgencyKind.values),
}

SEN_PROVISIONS = ("none", "sen_support", "ehc_plan")

# The school roll's own names for the identity columns: the legal forename and surname are the
# identity's given and family name; the preferred forename and middle names are other names.
_ROLL_NAMES = {"legal_forename": "given_name", "surname": "family_name"}

FEED_COLUMNS: dict[str, tuple[Column, ...]] = {
    Feed.SCHOOL_ATTENDANCE: (
        Column("school", "text", True, "School name (or URN) that took the register."),
        *IDENTITY_COLUMNS,
        Column("attendance_date", "date", True, "The day of the register."),
        Column(
            "level",
            "choice",
            True,
            "session (the AM or PM register) or lesson (a lesson register).",
            choices=("session", "lesson"),
        ),
        Column("session", "choice", True, "AM or PM.", choices=("AM", "PM")),
        Column(
            "lesson",
            "text",
            False,
            "The lesson or period, e.g. P3; required when level is lesson.",
            max_length=60,
        ),
        Column(
            "code",
            "choice",
            True,
            "DfE attendance code, e.g. /, \\, L, U, O, G, N, I, M.",
            choices=tuple(sorted(ATTENDANCE_CODES)),
        ),
        RECORDED_AT,
    ),
    Feed.POLICE_MISSING: (
        *IDENTITY_COLUMNS,
        Column(
            "episode_reference",
            "text",
            True,
            "The force's reference for the missing episode.",
            max_length=60,
        ),
        Column("missing_from", "datetime", True, "When the young person was reported missing."),
        Column("missing_from_location", "text", False, "Where they went missing from."),
        Column("returned_at", "datetime", False, "When they returned or were found."),
        Column("found_location", "text", False, "Where they were found."),
        Column(
            "risk_grading",
            "choice",
            False,
            "The force's risk grading.",
            choices=RISK_GRADINGS,
        ),
        Column(
            "return_home_interview",
            "choice",
            False,
            "Return home interview: offered, completed, not_completed (offered or started but "
            "not completed), declined, not_offered or not_known.",
            choices=RHI_OUTCOMES,
        ),
        Column("return_home_interview_date", "date", False, "When the interview took place."),
        Column(
            "last_seen_at",
            "datetime",
            False,
            "When the young person was last seen, if the force recorded it.",
        ),
        Column(
            "reported_by",
            "text",
            False,
            "Who reported them missing, e.g. parent, carer, children's home staff.",
            max_length=100,
        ),
        Column(
            "circumstances",
            "text",
            False,
            "The circumstances of the episode, briefly.",
            max_length=1000,
        ),
        Column(
            "return_method",
            "text",
            False,
            "How they came back, e.g. returned of own accord, found by police, brought back "
            "by carer.",
            max_length=100,
        ),
        RECORDED_AT,
    ),
    Feed.HEALTH_ATTENDANCE: (
        *IDENTITY_COLUMNS,
        Column(
            "attendance_reference",
            "text",
            False,
            "The service's reference for the attendance.",
            max_length=60,
        ),
        Column(
            "attended_at",
            "date_or_datetime",
            True,
            "When the young person attended (a date, or a date and time).",
        ),
        Column(
            "service_type",
            "choice",
            True,
            "emergency_department, sexual_health, school_nursing, gp, mental_health, "
            "community_paediatrics or other.",
            choices=HEALTH_SERVICE_TYPES,
        ),
        Column("site", "text", False, "Clinic, hospital or school where it happened."),
        Column("reason", "text", False, "Reason for attendance, briefly.", max_length=500),
        Column("outcome", "text", False, "Outcome, e.g. discharged, referred.", max_length=200),
        Column(
            "accompanied_by",
            "text",
            False,
            "Who came with the young person, e.g. mother, friend, unknown adult, alone.",
            max_length=200,
        ),
        Column(
            "safeguarding_concern_noted",
            "yes_no",
            False,
            "Whether the service noted a safeguarding concern: yes or no; blank is not recorded.",
        ),
        RECORDED_AT,
    ),
    Feed.SOCIAL_CARE_STATUS: (
        *IDENTITY_COLUMNS,
        Column(
            "status",
            "choice",
            True,
            "child_in_need, child_protection_plan or looked_after.",
            choices=SOCIAL_CARE_STATUSES,
        ),
        Column("start_date", "date", True, "When the status began."),
        Column("end_date", "date", False, "When it ended; blank if it continues."),
        Column(
            "case_reference", "text", False, "Children's social care case number.", max_length=60
        ),
        Column(
            "category",
            "text",
            False,
            "Category of abuse for a plan, or legal status when looked after.",
            max_length=100,
        ),
        Column(
            "category_of_need",
            "text",
            False,
            "Category of need, e.g. N1 abuse or neglect, N4 family in acute stress.",
            max_length=100,
        ),
        Column(
            "placement_type",
            "text",
            False,
            "Placement type when looked after, e.g. foster care, children's home, supported "
            "accommodation.",
            max_length=100,
        ),
        RECORDED_AT,
    ),
    Feed.CONCERNS: (
        *IDENTITY_COLUMNS,
        Column(
            "school",
            "text",
            False,
            "The young person's school as the reporter recorded it.",
        ),
        Column(
            "concern_reference",
            "text",
            False,
            "The agency's reference for the concern; when given, it is what makes the row the "
            "same concern in a later file.",
            max_length=60,
        ),
        Column(
            "agency_kind",
            "choice",
            False,
            "The kind of agency that raised it: school, police, health, social_care, "
            "youth_service, voluntary_sector, housing, probation or other. Blank is the "
            "importing agency's kind; a kind that is not the importing agency's is refused.",
            choices=tuple(CONCERN_AGENCY_KINDS),
        ),
        Column(
            "reporter_role",
            "text",
            True,
            "The role of the person who raised it, e.g. teacher, PCSO, school nurse, youth worker.",
            max_length=100,
        ),
        Column(
            "concern_date",
            "date_or_datetime",
            True,
            "When the concern arose (a date, or a date and time).",
        ),
        Column(
            "category",
            "concern_category",
            True,
            "The category, from the partnership's list (held as data), e.g. going_missing, "
            "older_associate, unexplained_gifts_or_money, sexual_health, school_absence, "
            "online_contact, substance_misuse, change_in_behaviour, seen_in_hotspot, other.",
        ),
        Column(
            "concern",
            "text",
            True,
            "What was seen or heard, briefly (at most 1000 characters).",
            max_length=1000,
        ),
        RECORDED_AT,
    ),
    Feed.SCHOOL_ROLL: (
        Column("school", "text", True, "School name (or URN) whose roll this is."),
        Column("upn", "upn", True, "The pupil's Unique Pupil Number (13 characters)."),
        Column("legal_forename", "text", True, "Legal forename.", max_length=100),
        Column(
            "preferred_forename",
            "text",
            False,
            "The forename the pupil is known by, if not the legal one.",
            max_length=100,
        ),
        Column("middle_names", "text", False, "Middle names, space separated.", max_length=200),
        Column("surname", "text", True, "Legal surname.", max_length=100),
        Column("date_of_birth", "date", True, "Date of birth."),
        Column(
            "gender",
            "gender",
            False,
            "F, M, X or U, or the words the other feeds accept; blank is not known.",
        ),
        Column(
            "ethnicity_code", "text", False, "DfE ethnicity code, e.g. WBRI, MWBC.", max_length=10
        ),
        Column("address", "text", False, "First line(s) of the home address.", max_length=300),
        Column("postcode", "postcode", False, "Home postcode."),
        Column("year_group", "text", False, "Curriculum year, e.g. 7, R, N2.", max_length=4),
        Column("on_roll_from", "date", True, "The day the pupil joined the school's roll."),
        Column("on_roll_to", "date", False, "The day they left; blank while on roll."),
        Column(
            "leaving_reason",
            "text",
            False,
            "Why they left, e.g. moved school, elective home education, moved away.",
            max_length=100,
        ),
        Column(
            "sen_provision",
            "choice",
            False,
            "Special educational needs provision: none, sen_support or ehc_plan.",
            choices=SEN_PROVISIONS,
        ),
        Column("free_school_meals", "yes_no", False, "Eligible for free school meals: yes or no."),
        Column("looked_after", "yes_no", False, "Looked after by a local authority: yes or no."),
        Column(
            "person_reference",
            "text",
            False,
            "The school's own reference for the pupil (MIS id).",
            max_length=100,
        ),
        RECORDED_AT,
    ),
}

# Which kinds of agency send each feed: only their users may import it. Any member agency may
# send concerns.
FEED_AGENCY_KINDS: dict[str, frozenset[str]] = {
    Feed.SCHOOL_ATTENDANCE: frozenset({AgencyKind.EDUCATION}),
    Feed.POLICE_MISSING: frozenset({AgencyKind.POLICE}),
    Feed.HEALTH_ATTENDANCE: frozenset({AgencyKind.HEALTH}),
    Feed.SOCIAL_CARE_STATUS: frozenset({AgencyKind.CHILDRENS_SOCIAL_CARE}),
    Feed.CONCERNS: frozenset(AgencyKind.values),
    Feed.SCHOOL_ROLL: frozenset({AgencyKind.EDUCATION}),
}

IDENTITY_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "gender",
    "postcode",
    "address",
    "upn",
    "nhs_number",
    "school",
)


def required_columns(feed: str) -> list[str]:
    return [column.name for column in FEED_COLUMNS[feed] if column.required]


# --------------------------------------------------------------------------------------------
# Parsing one row
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    field: str
    rule: str
    kept: bool = False


@dataclass
class ParsedRow:
    identity: dict[str, Any]
    payload: dict[str, Any]
    natural_key: str
    problems: list[Problem] = field(default_factory=list)  # kept problems only


class _Refused(ValueError):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


def _date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    # Parsed by hand: strptime is slow enough to matter on a million rows.
    iso = _ISO_DATE.fullmatch(text)
    uk = None if iso else _UK_DATE.fullmatch(text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if uk:
            return date(int(uk[3]), int(uk[2]), int(uk[1]))
    except ValueError:
        pass
    raise _Refused("must be a date written YYYY-MM-DD or DD/MM/YYYY")


_ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)


def _aware(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        return timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _datetime(value: Any, *, date_allowed: bool = False) -> datetime:
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date) and date_allowed:
        return _aware(datetime.combine(value, time(12, 0)))
    text = _text(value)
    for fmt in _DATETIME_FORMATS:
        try:
            return _aware(datetime.strptime(text, fmt))
        except ValueError:
            continue
    if date_allowed:
        try:
            return _aware(datetime.combine(_date(text), time(12, 0)))
        except _Refused:
            pass
        raise _Refused("must be a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM)")
    raise _Refused("must be a date and time written YYYY-MM-DD HH:MM or DD/MM/YYYY HH:MM")


_GENDERS = {
    "f": Gender.GIRL,
    "female": Gender.GIRL,
    "girl": Gender.GIRL,
    "m": Gender.BOY,
    "male": Gender.BOY,
    "boy": Gender.BOY,
    "non-binary": Gender.NON_BINARY,
    "non_binary": Gender.NON_BINARY,
    "nonbinary": Gender.NON_BINARY,
    "self-described": Gender.SELF_DESCRIBED,
    "self_described": Gender.SELF_DESCRIBED,
    # X is "indeterminate or not stated" in police and health systems, U "unknown": neither says
    # anything about the young person, so both are held as not known.
    "x": Gender.NOT_KNOWN,
    "indeterminate": Gender.NOT_KNOWN,
    "not stated": Gender.NOT_KNOWN,
    "not_stated": Gender.NOT_KNOWN,
    "u": Gender.NOT_KNOWN,
    "unknown": Gender.NOT_KNOWN,
    "not known": Gender.NOT_KNOWN,
    "not_known": Gender.NOT_KNOWN,
}

_YES_NO = {
    "yes": True,
    "y": True,
    "true": True,
    "1": True,
    "no": False,
    "n": False,
    "false": False,
    "0": False,
}

# The young person age rule: Tessera holds children and young people (as for date_of_birth).
MAX_APPROXIMATE_AGE = 30


def _recorded(value: Any) -> date | datetime:
    """When the agency recorded it: a date and time, or a date alone (see _recorded_rules)."""
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, date):
        return value
    try:
        return _datetime(value)
    except _Refused:
        pass
    try:
        return _date(value)
    except _Refused:
        raise _Refused(
            "must be a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM)"
        ) from None


_IDENTIFIERS: dict[str, Callable[[str], str]] = {
    "upn": normalise_upn,
    "nhs_number": normalise_nhs_number,
    "postcode": normalise_postcode,
}


def _cell(column: Column, raw: Any) -> Any:
    """The cell's value in stored form, or raise _Refused/IdentifierError with the rule."""
    kind = column.kind
    if kind == "date":
        return _date(raw)
    if kind == "datetime":
        return _datetime(raw)
    if kind == "date_or_datetime":
        return _datetime(raw, date_allowed=True)
    if kind == "recorded":
        return _recorded(raw)
    text = _text(raw)
    # Whitespace is already collapsed; any control character left (a NUL byte above all, which
    # PostgreSQL cannot store) has no place in a cell.
    if any(unicodedata.category(ch) == "Cc" for ch in text):
        raise _Refused("must not contain control characters such as a NUL byte")
    if column.name in NAME_COLUMNS:
        problem = name_problem(text)
        if problem:
            raise _Refused(problem)
    if kind == "gender":
        try:
            return _GENDERS[text.lower()].value
        except KeyError:
            raise _Refused(
                "must be F, M, female, male, non-binary, self-described, X, U or not known"
            ) from None
    if kind == "age":
        if not text.isdigit() or not 0 <= int(text) <= MAX_APPROXIMATE_AGE:
            raise _Refused(
                f"must be a whole number of years from 0 to {MAX_APPROXIMATE_AGE}; "
                f"got '{text[:20]}'"
            )
        return int(text)
    if kind == "yes_no":
        try:
            return _YES_NO[text.lower()]
        except KeyError:
            raise _Refused(f"must be yes or no; got '{text[:20]}'") from None
    if kind in _IDENTIFIERS:
        return _IDENTIFIERS[kind](text)
    if kind == "choice":
        for choice in column.choices:
            if text == choice or (choice.isalpha() and text.lower() == choice.lower()):
                return choice
        shown = ", ".join(column.choices) if len(column.choices) <= 8 else "the documented list"
        raise _Refused(f"must be one of {shown}; got '{text[:20]}'")
    if len(text) > column.max_length:
        raise _Refused(f"must be at most {column.max_length} characters; got {len(text)}")
    return text


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_NONE_WHEN_BLANK = frozenset({"date", "datetime", "date_or_datetime", "recorded", "age", "yes_no"})


@dataclass(frozen=True)
class Context:
    """What some rules need to know beyond the row: who is importing, and the lists held as
    data. Loaded once per file (``load_context``) so parsing stays free of the database."""

    agency_kind: str | None = None
    # code -> name of the active concern categories
    concern_categories: Mapping[str, str] = field(
        default_factory=lambda: dict(DEFAULT_CONCERN_CATEGORIES)
    )
    # code -> name of the retired ones: refused, saying so
    retired_concern_categories: Mapping[str, str] = field(default_factory=dict)


def load_context(agency_kind: str | None) -> Context:
    """The context for a file imported by an agency of ``agency_kind``, from the database."""
    from records.models import ConcernCategory

    categories: dict[str, str] = {}
    retired: dict[str, str] = {}
    for code, name, active in ConcernCategory.objects.values_list(
        "code", "name", "is_active"
    ).order_by("code"):
        (categories if active else retired)[code] = name
    return Context(
        agency_kind=agency_kind,
        concern_categories=categories,
        retired_concern_categories=retired,
    )


def _concern_category(text: str, context: Context) -> str:
    code = text.strip().lower().replace(" ", "_").replace("-", "_")
    if code in context.concern_categories:
        return code
    for known, name in context.concern_categories.items():
        if text.strip().lower() == name.lower():
            return known
    for known, name in context.retired_concern_categories.items():
        if code == known or text.strip().lower() == name.lower():
            raise _Refused(
                f"'{text[:30]}' is a retired concern category: the partnership no longer "
                "accepts it (a coordinator can bring it back into use)"
            )
    raise _Refused(f"must be one of the partnership's concern categories; got '{text[:30]}'")


def parse_row(
    feed: str,
    raw: Mapping[str, Any],
    *,
    today: date | None = None,
    context: Context | None = None,
) -> ParsedRow:
    """Check one row of ``feed``. Raises :class:`RowRejected` listing every problem found."""
    today = today or timezone.localdate()
    context = context or Context()
    values: dict[str, Any] = {}
    refused: list[Problem] = []
    kept: list[Problem] = []
    for column in FEED_COLUMNS[feed]:
        cell = raw.get(column.name)
        if _is_blank(cell):
            if column.required:
                refused.append(Problem(column.name, "is required and must not be blank"))
            values[column.name] = None if column.kind in _NONE_WHEN_BLANK else ""
            continue
        try:
            if column.kind == "concern_category":
                values[column.name] = _concern_category(_text(cell), context)
            else:
                values[column.name] = _cell(column, cell)
        except IdentifierError as error:
            # Never trusted, never corrected: left out, and the row matched on other fields.
            kept.append(Problem(column.name, f"{error.rule}, so it was not used", kept=True))
            values[column.name] = ""
        except _Refused as error:
            refused.append(Problem(column.name, str(error)))
            values[column.name] = None
    born = values.get("date_of_birth")
    if isinstance(born, date):
        problem = date_of_birth_problem(born, today=today)
        if problem:
            refused.append(Problem("date_of_birth", problem))
    if feed == Feed.SCHOOL_ROLL:
        _roll_identity(values)
    elif _is_blank(raw.get("given_name")) and _is_blank(raw.get("family_name")):
        refused.append(
            Problem("family_name", "a row needs a given_name or a family_name; both are blank")
        )
    refused.extend(_feed_rules(feed, values))
    refused.extend(_context_rules(feed, values, context))
    refused.extend(_recorded_rules(feed, values, today))
    if refused:
        raise RowRejected(refused + kept)
    identity: dict[str, Any] = {
        name: values.get(name) or ("" if name != "date_of_birth" else None)
        for name in IDENTITY_FIELDS
    }
    if not identity["gender"]:
        identity["gender"] = Gender.NOT_KNOWN.value
    identity["source_reference"] = values.get("person_reference") or ""
    payload = {
        column.name: _json(values[column.name])
        for column in FEED_COLUMNS[feed]
        if column.name not in IDENTITY_FIELDS
        and column.name not in _ROLL_NAMES
        and column.name != "person_reference"
    }
    if feed == Feed.CONCERNS:
        payload["category_name"] = context.concern_categories.get(str(values["category"]), "")
    if feed == Feed.SCHOOL_ROLL:
        payload["school"] = values["school"]
    return ParsedRow(
        identity=identity,
        payload=payload,
        natural_key=_natural_key(feed, values),
        problems=kept,
    )


class RowRejected(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


def _json(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _roll_identity(values: dict[str, Any]) -> None:
    """The school roll's names as the identity every feed has: the legal forename and surname
    are the given and family name; the preferred forename and middle names are other names."""
    for roll_name, identity_name in _ROLL_NAMES.items():
        values[identity_name] = values.get(roll_name) or ""
    others = [values.get("preferred_forename") or "", values.get("middle_names") or ""]
    values["other_names"] = ", ".join(name for name in others if name)


def _context_rules(feed: str, values: dict[str, Any], context: Context) -> list[Problem]:
    if feed != Feed.CONCERNS:
        return []
    said = values.get("agency_kind")
    if not said:
        for word, kinds in CONCERN_AGENCY_KINDS.items():
            if context.agency_kind in kinds and word != "other":
                values["agency_kind"] = word
                break
        else:
            values["agency_kind"] = "other"
        return []
    if context.agency_kind is not None and context.agency_kind not in CONCERN_AGENCY_KINDS[said]:
        return [
            Problem(
                "agency_kind",
                f"must be the importing agency's kind ({context.agency_kind}) or left blank; "
                f"got '{said}'",
            )
        ]
    return []


def _event_moment(feed: str, values: dict[str, Any]) -> datetime | None:
    """When the row's event happened (its start), to check recorded_at against."""
    if feed == Feed.SCHOOL_ATTENDANCE:
        day, session = values.get("attendance_date"), values.get("session")
        if isinstance(day, date) and session in _SESSION_START:
            return _aware(datetime.combine(day, _SESSION_START[str(session)]))
        return None
    name = {
        Feed.POLICE_MISSING: "missing_from",
        Feed.HEALTH_ATTENDANCE: "attended_at",
        Feed.SOCIAL_CARE_STATUS: "start_date",
        Feed.CONCERNS: "concern_date",
        Feed.SCHOOL_ROLL: "on_roll_from",
    }[Feed(feed)]
    moment = values.get(name)
    if isinstance(moment, datetime):
        return moment
    if isinstance(moment, date):
        return _aware(datetime.combine(moment, time(0, 0)))
    return None


def _recorded_rules(feed: str, values: dict[str, Any], today: date) -> list[Problem]:
    """Check recorded_at, and settle a date alone as a moment: the end of that day (the latest
    the partnership could have known, never before an event of the same day), or now when the
    day is today."""
    recorded = values.get("recorded_at")
    now = timezone.now()
    if isinstance(recorded, date) and not isinstance(recorded, datetime):
        if recorded > today:
            return [Problem("recorded_at", "must not be in the future")]
        recorded = min(_aware(datetime.combine(recorded, time(23, 59))), now)
        values["recorded_at"] = recorded
    if not isinstance(recorded, datetime):
        return []
    if recorded > now:
        return [Problem("recorded_at", "must not be in the future")]
    event = _event_moment(feed, values)
    if event is not None and recorded < event:
        return [Problem("recorded_at", "must not be before the event it records")]
    return []


def _feed_rules(feed: str, values: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    if feed == Feed.SCHOOL_ATTENDANCE:
        if values.get("level") == "lesson" and not values.get("lesson"):
            problems.append(Problem("lesson", "is required when level is lesson"))
        if values.get("level") == "session" and values.get("lesson"):
            problems.append(Problem("lesson", "must be blank when level is session"))
    elif feed == Feed.POLICE_MISSING:
        start, end = values.get("missing_from"), values.get("returned_at")
        if isinstance(start, datetime) and isinstance(end, datetime) and end < start:
            problems.append(Problem("returned_at", "must not be before missing_from"))
        if isinstance(start, datetime) and start > timezone.now():
            problems.append(Problem("missing_from", "must not be in the future"))
        seen = values.get("last_seen_at")
        if isinstance(start, datetime) and isinstance(seen, datetime) and seen > start:
            problems.append(Problem("last_seen_at", "must not be after missing_from"))
        if values.get("return_home_interview_date") and values.get("return_home_interview") not in (
            "completed",
        ):
            problems.append(
                Problem(
                    "return_home_interview_date",
                    "may be given only when return_home_interview is completed",
                )
            )
    elif feed == Feed.HEALTH_ATTENDANCE:
        when = values.get("attended_at")
        if isinstance(when, datetime) and when.date() > timezone.localdate():
            problems.append(Problem("attended_at", "must not be in the future"))
    elif feed == Feed.SOCIAL_CARE_STATUS:
        start, end = values.get("start_date"), values.get("end_date")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            problems.append(Problem("end_date", "must not be before start_date"))
    elif feed == Feed.CONCERNS:
        when = values.get("concern_date")
        if isinstance(when, datetime) and when.date() > timezone.localdate():
            problems.append(Problem("concern_date", "must not be in the future"))
    elif feed == Feed.SCHOOL_ROLL:
        start, end = values.get("on_roll_from"), values.get("on_roll_to")
        if isinstance(start, date) and isinstance(end, date) and end < start:
            problems.append(Problem("on_roll_to", "must not be before on_roll_from"))
        if values.get("leaving_reason") and not end:
            problems.append(Problem("leaving_reason", "may be given only with on_roll_to"))
    return problems


def _person_key(values: dict[str, Any]) -> str:
    if values.get("upn"):
        return "upn:" + str(values["upn"])
    if values.get("nhs_number"):
        return "nhs:" + str(values["nhs_number"])
    if values.get("person_reference"):
        return "ref:" + str(values["person_reference"]).lower()
    born = values.get("date_of_birth")
    return "name:{}|{}|{}".format(
        str(values.get("family_name", "")).lower(),
        str(values.get("given_name", "")).lower(),
        born.isoformat() if isinstance(born, date) else "",
    )


def _natural_key(feed: str, values: dict[str, Any]) -> str:
    """The fields that make a row the same fact, whichever file it arrives in."""
    if feed == Feed.SCHOOL_ATTENDANCE:
        parts = [
            str(values["school"]).lower(),
            _person_key(values),
            str(_json(values["attendance_date"])),
            str(values["level"]),
            str(values["session"]),
            str(values.get("lesson", "")).lower(),
        ]
    elif feed == Feed.POLICE_MISSING:
        parts = [str(values["episode_reference"]).lower()]
    elif feed == Feed.HEALTH_ATTENDANCE:
        if values.get("attendance_reference"):
            parts = ["ref", str(values["attendance_reference"]).lower()]
        else:
            parts = [str(values["service_type"]), _person_key(values), _json(values["attended_at"])]
    elif feed == Feed.CONCERNS:
        if values.get("concern_reference"):
            parts = ["ref", str(values["concern_reference"]).lower()]
        else:
            parts = [
                _person_key(values),
                str(_json(values["concern_date"])),
                str(values["category"]),
                str(values["concern"]).lower(),
            ]
    elif feed == Feed.SCHOOL_ROLL:
        # One enrolment: a pupil at a school from a day. A later file with the leaving date
        # is a different row (the enrolment as it then stood).
        parts = [
            str(values["school"]).lower(),
            _person_key(values),
            str(_json(values["on_roll_from"])),
            str(_json(values.get("on_roll_to")) or ""),
        ]
    else:
        parts = [str(values["status"]), _person_key(values), _json(values["start_date"])]
    return hashlib.sha256("\x1f".join([feed, *parts]).encode()).hexdigest()


# --------------------------------------------------------------------------------------------
# What a linked row records
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFacts:
    record_type: str
    title: str
    occurred_at: datetime
    ended_at: datetime | None = None
    location: str = ""
    facts: dict[str, Any] = field(default_factory=dict)
    service_kind: str | None = None
    recorded_at: datetime | None = None  # when the agency recorded it, if the file said
    details: str = ""
    nature: str = "fact"  # records.models.Nature


_SESSION_START = {"AM": time(9, 0), "PM": time(13, 30)}

_HEALTH_TYPES = {
    "emergency_department": ("emergency-attendance", ServiceKind.EMERGENCY_DEPARTMENT),
    "sexual_health": ("sexual-health-attendance", ServiceKind.SEXUAL_HEALTH),
    "school_nursing": ("school-nurse-contact", ServiceKind.SCHOOL_NURSING),
}

_SOCIAL_CARE_TYPES = {
    "child_in_need": ("child-in-need", "Child in need"),
    "child_protection_plan": ("child-protection-plan", "Child protection plan"),
    "looked_after": ("in-care", "Looked after"),
}


def _parse_moment(text: str | None) -> datetime | None:
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    if isinstance(moment, datetime) and len(text) > 10:
        return _aware(moment)
    return _aware(datetime.combine(moment.date(), time(0, 0)))


# Kept in every record's facts when the row gave them.
_COMMON_FACTS = ("approximate_age",)


def record_facts(feed: str, payload: Mapping[str, Any]) -> RecordFacts | None:
    """The agency record a linked row adds to the chronology, or None when it adds none.

    Attendance marks that are present, an approved activity, an authorised absence or not
    counted add no record: the row is kept (and linked) as evidence only. The record keeps
    when the agency recorded it (``recorded_at``) beside when it happened.
    """
    facts = _record_facts(feed, payload)
    if facts is None:
        return None
    extra = {name: payload[name] for name in _COMMON_FACTS if payload.get(name) not in (None, "")}
    return replace(
        facts,
        facts={**facts.facts, **extra},
        recorded_at=_parse_moment(payload.get("recorded_at")),
    )


def _record_facts(feed: str, payload: Mapping[str, Any]) -> RecordFacts | None:
    if feed == Feed.SCHOOL_ATTENDANCE:
        code = str(payload["code"])
        if code not in UNAUTHORISED_ABSENCE_CODES:
            return None
        day = date.fromisoformat(str(payload["attendance_date"]))
        occurred = _aware(datetime.combine(day, _SESSION_START[str(payload["session"])]))
        facts = {
            "code": code,
            "level": payload["level"],
            "session": payload["session"],
            "lesson": payload.get("lesson", ""),
        }
        if payload["level"] == "lesson":
            return RecordFacts(
                "lesson-missed",
                f"Missed lesson {payload.get('lesson', '')} (code {code})".strip(),
                occurred,
                facts=facts,
            )
        if code == "U":
            return RecordFacts(
                "late-after-registers-closed",
                f"Arrived after registers closed ({payload['session']})",
                occurred,
                facts=facts,
            )
        return RecordFacts(
            "school-absence",
            f"Unauthorised absence ({payload['session']}, code {code})",
            occurred,
            facts=facts,
        )
    if feed == Feed.POLICE_MISSING:
        start = _parse_moment(payload["missing_from"])
        assert start is not None
        return RecordFacts(
            "missing-episode",
            f"Missing episode {payload['episode_reference']}",
            start,
            ended_at=_parse_moment(payload.get("returned_at")),
            location=str(payload.get("found_location", ""))[:200],
            facts={
                name: payload.get(name) or ""
                for name in (
                    "episode_reference",
                    "missing_from_location",
                    "found_location",
                    "risk_grading",
                    "return_home_interview",
                    "return_home_interview_date",
                    "last_seen_at",
                    "reported_by",
                    "circumstances",
                    "return_method",
                )
            },
        )
    if feed == Feed.HEALTH_ATTENDANCE:
        service_type = str(payload["service_type"])
        code, service_kind = _HEALTH_TYPES.get(service_type, ("health-attendance", None))
        when = _parse_moment(payload["attended_at"])
        assert when is not None
        label = service_type.replace("_", " ")
        return RecordFacts(
            code,
            f"Attended {label}",
            when,
            location=str(payload.get("site", ""))[:200],
            facts={
                **{
                    name: payload.get(name) or ""
                    for name in (
                        "attendance_reference",
                        "service_type",
                        "site",
                        "reason",
                        "outcome",
                        "accompanied_by",
                    )
                },
                # yes, no, or None when the service did not say
                "safeguarding_concern_noted": payload.get("safeguarding_concern_noted"),
            },
            service_kind=service_kind,
        )
    if feed == Feed.CONCERNS:
        when = _parse_moment(payload["concern_date"])
        assert when is not None
        name = str(payload.get("category_name") or payload["category"]).replace("_", " ")
        return RecordFacts(
            "concern",
            f"Concern: {name[:1].upper()}{name[1:]}",
            when,
            details=str(payload.get("concern") or ""),
            # What a practitioner saw and worried about: their professional view, kept apart
            # from fact (DPA 2018 s.38).
            nature="opinion",
            facts={
                name: payload.get(name) or ""
                for name in (
                    "category",
                    "category_name",
                    "agency_kind",
                    "reporter_role",
                    "concern_reference",
                )
            },
        )
    if feed == Feed.SCHOOL_ROLL:
        start = _parse_moment(payload["on_roll_from"])
        assert start is not None
        return RecordFacts(
            "enrolment",
            f"On roll at {payload['school']}"[:200],
            start,
            ended_at=_parse_moment(payload.get("on_roll_to")),
            location=str(payload.get("school", ""))[:200],
            facts={
                name: payload.get(name) if payload.get(name) is not None else ""
                for name in (
                    "school",
                    "year_group",
                    "on_roll_from",
                    "on_roll_to",
                    "leaving_reason",
                    "preferred_forename",
                    "ethnicity_code",
                    "sen_provision",
                    "free_school_meals",
                    "looked_after",
                )
            },
        )
    status = str(payload["status"])
    code, label = _SOCIAL_CARE_TYPES[status]
    start = _parse_moment(payload["start_date"])
    assert start is not None
    return RecordFacts(
        code,
        label,
        start,
        ended_at=_parse_moment(payload.get("end_date")),
        facts={
            name: payload.get(name) or ""
            for name in (
                "status",
                "case_reference",
                "category",
                "category_of_need",
                "placement_type",
            )
        },
    )

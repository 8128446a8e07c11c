"""Defaults in code for the policy held as data: the sharing agreement and retention schedule.

Until an administrator saves a version of their own, these are in force. Each saved version is
kept, so the agreement in force at any past moment can be shown.
"""

from __future__ import annotations

from functools import cache

from partnership.models import AgencyKind

# Levels: F full, S summary (type, date, owning agency, contact), E existence only, - nothing.
# Rows: the category of the record. Columns: the kind of agency looking (not the owner, who
# always sees its own records in full, subject to classification).
_COLUMNS = (
    AgencyKind.POLICE,
    AgencyKind.CHILDRENS_SOCIAL_CARE,
    AgencyKind.HEALTH,
    AgencyKind.EDUCATION,
    AgencyKind.YOUTH_OFFENDING,
    AgencyKind.PROBATION,
    AgencyKind.HOUSING,
    AgencyKind.VOLUNTARY_SECTOR,
    AgencyKind.ADULT_SERVICES,
)
_AGREEMENT = """
               police csc health educ yot probation housing voluntary adult
education        S     F    S      F    S    E         E       S         E
health           S     S    F      E    E    E         E       E         E
sexual_health    E     E    E      E    E    E         E       E         E
social_care      F     F    S      S    S    S         E       S         S
police           F     S    E      E    S    S         E       E         E
intelligence     S     E    -      -    -    -         -       -         -
youth_justice    S     S    E      E    F    S         E       E         E
housing          S     S    E      E    E    S         F       E         S
voluntary        S     S    S      S    S    E         E       S         E
community        F     S    E      E    E    E         E       E         E
"""
_LETTER = {"F": 3, "S": 2, "E": 1, "-": 0}

# Categories whose record type names are content ("Sexual health attendance" says what happened):
# below full level another agency sees a generic label ("Episode") instead (ADR 0010).
DEFAULT_TYPE_NAMES_ARE_CONTENT = frozenset({"sexual_health", "intelligence"})


def default_sharing_rules() -> dict[tuple[str, str], int]:
    """(viewer agency kind, record category) -> level. Community partners see nothing."""
    return dict(_parsed_default_rules())


@cache
def _parsed_default_rules() -> dict[tuple[str, str], int]:
    rules: dict[tuple[str, str], int] = {}
    lines = [line.split() for line in _AGREEMENT.strip().splitlines()[1:]]
    for category, *letters in lines:
        for kind, letter in zip(_COLUMNS, letters, strict=True):
            rules[(kind.value, category)] = _LETTER[letter]
        rules[(AgencyKind.COMMUNITY_PARTNER.value, category)] = 0
    return rules


# Records about a child are reviewed when the young person reaches 25, or after the number of
# years given, whichever is later (police information follows MoPI review periods).
DEFAULT_RETENTION: dict[str, tuple[int | None, int | None]] = {
    "education": (25, None),
    "health": (25, None),
    "sexual_health": (25, 8),
    "social_care": (25, None),
    "police": (25, 6),
    "intelligence": (None, 6),
    "youth_justice": (25, 6),
    "housing": (25, 6),
    "voluntary": (25, None),
    "community": (25, 6),
}

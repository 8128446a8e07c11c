"""The default screening tool, drawn from the research (Sharp-Jeffs, Coy and Kelly, 2017, and the
studies it cites). Loaded as version 1 by a data migration; the coordinator changes it from the
tool page, which saves a new version. Indicators are not evidence that exploitation has taken
place: they prompt professional curiosity and judgement.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

VULNERABILITY = "vulnerability"
WARNING_SIGN = "warning_sign"


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    wording: str
    kind: str
    weight: int
    high_if_young: bool = False


DEFAULT_INDICATORS: tuple[IndicatorSpec, ...] = (
    # Vulnerability factors: what makes a young person more vulnerable, not signs of harm.
    IndicatorSpec(
        "prior_abuse",
        "Has experienced abuse, including sexual abuse in the family",
        VULNERABILITY,
        3,
    ),
    IndicatorSpec("looked_after", "Is looked after (in care) or a care leaver", VULNERABILITY, 2),
    IndicatorSpec(
        "placement_moves",
        "Has had several placement or home moves, or is homeless",
        VULNERABILITY,
        2,
    ),
    IndicatorSpec(
        "learning_disability", "Has a learning disability or difficulty", VULNERABILITY, 2
    ),
    IndicatorSpec("substance_misuse", "Misuses alcohol or drugs", VULNERABILITY, 2),
    IndicatorSpec(
        "school_absence",
        "Often absent from school, excluded, or not in education",
        VULNERABILITY,
        2,
    ),
    IndicatorSpec(
        "gang_association",
        "Is associated with a gang, or close to people who are",
        VULNERABILITY,
        3,
    ),
    IndicatorSpec(
        "exploited_peers",
        "Has friends or siblings known to be sexually exploited",
        VULNERABILITY,
        3,
    ),
    IndicatorSpec(
        "domestic_abuse",
        "Lives with domestic abuse, or family members misuse substances",
        VULNERABILITY,
        1,
    ),
    # Warning signs: what professionals may see when exploitation is happening.
    IndicatorSpec(
        "missing_episodes",
        "Goes missing from home or school, including overnight",
        WARNING_SIGN,
        4,
        True,
    ),
    IndicatorSpec("missing_from_care", "Goes missing from a care placement", WARNING_SIGN, 4, True),
    IndicatorSpec(
        "older_associates",
        "Has an older 'boyfriend', or spends time with older adults not known to the family",
        WARNING_SIGN,
        5,
        True,
    ),
    IndicatorSpec(
        "gifts_money_phones",
        "Has gifts, money, a new phone or clothes they cannot account for",
        WARNING_SIGN,
        4,
        True,
    ),
    IndicatorSpec(
        "sexual_health",
        "Attends sexual health services, or has an STI, pregnancy or termination",
        WARNING_SIGN,
        4,
        True,
    ),
    IndicatorSpec(
        "hotels_taxis",
        "Seen at hotels, B&Bs or takeaways, or getting into taxis or cars with unknown adults",
        WARNING_SIGN,
        5,
        True,
    ),
    IndicatorSpec(
        "online_contact",
        "Sexualised online contact, or has shared or been asked for images",
        WARNING_SIGN,
        3,
        True,
    ),
    IndicatorSpec(
        "found_with_adults_of_concern",
        "Found by police or others with adults of concern",
        WARNING_SIGN,
        4,
        True,
    ),
    IndicatorSpec(
        "changed_behaviour",
        "Sudden change in behaviour, mood or appearance; secretive about phone or friends",
        WARNING_SIGN,
        2,
    ),
    IndicatorSpec(
        "self_harm", "Self-harms, or has significant mental health concerns", WARNING_SIGN, 2
    ),
    IndicatorSpec("injuries", "Has unexplained injuries", WARNING_SIGN, 3),
)

# Score thresholds for the suggested level: at or above each one, that level is suggested.
DEFAULT_LOW_FROM = 1
DEFAULT_MEDIUM_FROM = 6
DEFAULT_HIGH_FROM = 12
DEFAULT_YOUNG_AGE = 13

DEFAULT_REASON = "Default indicators drawn from the research on child sexual exploitation."


def load_default_tool(tool_version_model: Any, indicator_model: Any) -> Any:
    """Save the defaults above as version 1 (the migration passes its historical models)."""
    version = tool_version_model.objects.create(
        number=1,
        low_from=DEFAULT_LOW_FROM,
        medium_from=DEFAULT_MEDIUM_FROM,
        high_from=DEFAULT_HIGH_FROM,
        young_age=DEFAULT_YOUNG_AGE,
        reason=DEFAULT_REASON,
    )
    indicator_model.objects.bulk_create(
        indicator_model(
            version=version,
            code=spec.code,
            wording=spec.wording,
            kind=spec.kind,
            weight=spec.weight,
            high_if_young=spec.high_if_young,
            is_active=True,
            order=(index + 1) * 10,
        )
        for index, spec in enumerate(DEFAULT_INDICATORS)
    )
    return version

"""How the tool suggests a level: plain arithmetic over the answers, kept apart from the database.

1. The score is the sum of the weights of the indicators answered *present*. "Not known" adds
   nothing, but is counted so the professional can see how much is unknown.
2. If the young person is at the tool's young age (13 by default) or under on the assessment
   date, and any indicator marked "any one of these at 13 or under" is present, the suggestion
   is HIGH whatever the score.
3. Otherwise the score is compared with the thresholds: at or above ``high_from`` HIGH, at or
   above ``medium_from`` MEDIUM, at or above ``low_from`` LOW, else NOT APPARENT.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assessment.models import Level


@dataclass(frozen=True)
class Weighed:
    """One answer, as the arithmetic needs it."""

    code: str
    weight: int
    high_if_young: bool
    answer: str  # an assessment.models.Answer value


@dataclass(frozen=True)
class Thresholds:
    low_from: int
    medium_from: int
    high_from: int
    young_age: int


@dataclass(frozen=True)
class Suggestion:
    level: Level
    score: int
    present: int
    not_known: int
    young_rule: tuple[str, ...]  # codes that triggered the 13-or-under rule
    reason: str


def suggest(answers: Iterable[Weighed], age: int, thresholds: Thresholds) -> Suggestion:
    answers = list(answers)
    present = [a for a in answers if a.answer == "present"]
    not_known = sum(1 for a in answers if a.answer == "not_known")
    score = sum(a.weight for a in present)
    young = tuple(a.code for a in present if a.high_if_young) if age <= thresholds.young_age else ()
    if young:
        level = Level.HIGH
        reason = (
            f"Aged {age}, at or under {thresholds.young_age}, with "
            f"{len(young)} indicator{'s' if len(young) != 1 else ''} that alone suggest high "
            f"(score {score})."
        )
    else:
        if score >= thresholds.high_from:
            level = Level.HIGH
        elif score >= thresholds.medium_from:
            level = Level.MEDIUM
        elif score >= thresholds.low_from:
            level = Level.LOW
        else:
            level = Level.NOT_APPARENT
        plural = "s" if len(present) != 1 else ""
        reason = f"Score {score} from {len(present)} indicator{plural} present."
    return Suggestion(level, score, len(present), not_known, young, reason)

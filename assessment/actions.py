"""Every write in the screening tool: assessing a young person, and revising the tool."""

from __future__ import annotations

import calendar
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from assessment import queries
from assessment.models import (
    REASSESS_WITHIN_MONTHS,
    Answer,
    Assessment,
    AssessmentAnswer,
    Indicator,
    IndicatorKind,
    Level,
    ToolVersion,
)
from assessment.scoring import Suggestion, Weighed, suggest
from governance import audit, policy
from governance.models import AuditAction, AuditObject
from partnership.models import User
from people.models import YoungPerson

ADULT_AGE = 18


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the last day of that month if it is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def latest_due_date(assessed_on: date) -> date:
    """Reassessment is due at most three months after an assessment."""
    return add_months(assessed_on, REASSESS_WITHIN_MONTHS)


@dataclass(frozen=True)
class Given:
    """What the assessor said about one indicator."""

    answer: str
    evidence: str = ""
    evidence_source: str = ""
    opinion: str = ""


def suggestion_for(
    version: ToolVersion, answers: Mapping[str, str], age: int
) -> tuple[Suggestion, list[Indicator]]:
    """The tool's suggestion for these answers (indicator code -> Answer value) at this age."""
    indicators = list(version.indicators.filter(is_active=True))
    weighed = [
        Weighed(i.code, i.weight, i.high_if_young, answers.get(i.code, Answer.NOT_KNOWN))
        for i in indicators
    ]
    return suggest(weighed, age, queries.thresholds_of(version)), indicators


def do_assess(
    *,
    actor: User,
    young_person: YoungPerson,
    assessed_on: date,
    answers: Mapping[str, Given],
    chosen_level: Level | str,
    reason_for_difference: str = "",
    summary_opinion: str = "",
    next_due: date | None = None,
    version: ToolVersion | None = None,
    is_synthetic: bool = False,
    today: date | None = None,
) -> Assessment:
    """A professional assesses a young person with the tool in force.

    The tool suggests a level from the weights and the age rule; the professional chooses, and
    must say why when their choice differs. Reassessment is due at most three months later.
    """
    viewer = policy.viewer_for(actor, young_person)
    if not queries.can_assess(viewer):
        raise PermissionDenied("Only the coordinator or a member of the case team can assess.")
    version = version or queries.current_tool()
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if assessed_on > today:
        errors["assessed_on"] = "The assessment date cannot be in the future."
    elif assessed_on < young_person.date_of_birth:
        errors["assessed_on"] = "The assessment date is before the young person was born."
    elif young_person.age_on(assessed_on) >= ADULT_AGE:
        errors["assessed_on"] = (
            "The screening tool is for children: the young person was 18 or over on this date. "
            "Record concerns about an adult with adult services."
        )
    indicators = {i.code: i for i in version.indicators.filter(is_active=True)}
    for code in answers:
        if code not in indicators:
            errors[f"answer_{code}"] = "This indicator is not in the tool in force."
    for code in indicators:
        given = answers.get(code)
        if given is None or given.answer not in Answer.values:
            errors[f"answer_{code}"] = "Choose present, not present or not known."
            continue
        if given.evidence.strip() and not given.evidence_source.strip():
            errors[f"source_{code}"] = "Say where this evidence comes from."
        if given.answer == Answer.PRESENT and not (given.evidence.strip() or given.opinion.strip()):
            errors[f"evidence_{code}"] = (
                "Give the evidence for this, or your professional opinion if there is no fact."
            )
    if chosen_level not in Level.values:
        errors["chosen_level"] = "Choose the level you judge right."
    if errors:
        raise ValidationError(errors)
    age = young_person.age_on(assessed_on)
    suggestion, _ = suggestion_for(version, {c: g.answer for c, g in answers.items()}, age)
    chosen = Level(chosen_level)
    reason = reason_for_difference.strip()
    if chosen != suggestion.level and not reason:
        raise ValidationError(
            {
                "reason_for_difference": (
                    f"The tool suggested {suggestion.level.label.lower()}. Say why you chose "
                    f"{chosen.label.lower()}."
                )
            }
        )
    latest = latest_due_date(assessed_on)
    if next_due is None:
        next_due = latest
    elif next_due <= assessed_on:
        raise ValidationError({"next_due": "The next assessment must be after this one."})
    elif next_due > latest:
        raise ValidationError(
            {
                "next_due": "Reassess within three months: "
                f"by {latest.day} {latest:%B %Y} at the latest."
            }
        )
    if actor.agency is None:
        raise PermissionDenied("Only members of a partnership agency can assess.")
    with transaction.atomic():
        assessment = Assessment.objects.create(
            young_person=young_person,
            assessor=actor,
            assessor_agency=actor.agency,
            tool_version=version,
            assessed_on=assessed_on,
            age_at_assessment=age,
            score=suggestion.score,
            suggested_level=suggestion.level,
            suggestion_reason=suggestion.reason[:300],
            chosen_level=chosen,
            reason_for_difference=reason if chosen != suggestion.level else "",
            summary_opinion=summary_opinion.strip(),
            next_due=next_due,
            is_synthetic=is_synthetic,
        )
        AssessmentAnswer.objects.bulk_create(
            AssessmentAnswer(
                assessment=assessment,
                indicator=indicators[code],
                answer=given.answer,
                evidence=given.evidence.strip(),
                evidence_source=given.evidence_source.strip(),
                opinion=given.opinion.strip(),
            )
            for code, given in answers.items()
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.CSE_ASSESSMENT,
            object_id=assessment.pk,
            purpose=assessment.reason_for_difference,
            details={
                "young_person": young_person.pk,
                "tool_version": version.number,
                "suggested": suggestion.level.value,
                "chosen": chosen.value,
                "next_due": next_due.isoformat(),
            },
        )
    return assessment


@dataclass(frozen=True)
class IndicatorChange:
    """One indicator as it should be in the new version."""

    code: str
    wording: str
    kind: str
    weight: int
    high_if_young: bool
    is_active: bool
    order: int


def _snapshot(version: ToolVersion) -> tuple[tuple[int, int, int, int], list[IndicatorChange]]:
    thresholds = (version.low_from, version.medium_from, version.high_from, version.young_age)
    indicators = [
        IndicatorChange(i.code, i.wording, i.kind, i.weight, i.high_if_young, i.is_active, i.order)
        for i in version.indicators.all()
    ]
    return thresholds, sorted(indicators, key=lambda i: i.code)


def do_revise_tool(
    *,
    actor: User,
    based_on: ToolVersion,
    indicators: Sequence[IndicatorChange],
    low_from: int,
    medium_from: int,
    high_from: int,
    young_age: int,
    reason: str,
) -> ToolVersion:
    """The coordinator or an administrator changes indicators, weights or thresholds.

    Nothing is edited in place: a new version is saved, so each assessment keeps the tool it
    was made with. Saving is refused when another change was saved first, and when nothing
    changed.
    """
    if not queries.can_edit_tool(actor):
        raise PermissionDenied("Only the coordinator or an administrator can change the tool.")
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = "Say why the tool is changing."
    if low_from < 1:
        errors["low_from"] = "The low threshold must be at least 1."
    elif not low_from <= medium_from <= high_from:
        errors["medium_from"] = "Thresholds must rise: low, then medium, then high."
    if not 0 <= young_age <= 17:
        errors["young_age"] = "The young age must be between 0 and 17."
    codes = [i.code for i in indicators]
    if len(set(codes)) != len(codes):
        errors["new_code"] = "Each indicator needs its own code."
    for change in indicators:
        if not change.wording.strip():
            errors[f"wording_{change.code}"] = "Give the indicator's wording."
        if change.kind not in IndicatorKind.values:
            errors[f"kind_{change.code}"] = "Choose vulnerability factor or warning sign."
        if not 0 <= change.weight <= 20:
            errors[f"weight_{change.code}"] = "Weights run from 0 to 20."
    if not any(i.is_active for i in indicators):
        errors["reason"] = "Keep at least one indicator in use."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        newest = ToolVersion.objects.select_for_update().order_by("-number").first()
        if newest is None or newest.pk != based_on.pk:
            raise ValidationError(
                "Someone saved a newer version of the tool while you were editing. "
                "Your changes were not saved: open the tool again and make them there."
            )
        thresholds = (low_from, medium_from, high_from, young_age)
        proposed = sorted(
            (
                IndicatorChange(
                    i.code,
                    i.wording.strip(),
                    i.kind,
                    i.weight,
                    i.high_if_young,
                    i.is_active,
                    i.order,
                )
                for i in indicators
            ),
            key=lambda i: i.code,
        )
        if (thresholds, proposed) == _snapshot(based_on):
            raise ValidationError("Nothing has changed, so no new version was saved.")
        version = ToolVersion.objects.create(
            number=based_on.number + 1,
            low_from=low_from,
            medium_from=medium_from,
            high_from=high_from,
            young_age=young_age,
            reason=reason.strip(),
            created_by=actor,
        )
        Indicator.objects.bulk_create(
            Indicator(
                version=version,
                code=i.code,
                wording=i.wording,
                kind=i.kind,
                weight=i.weight,
                high_if_young=i.high_if_young,
                is_active=i.is_active,
                order=i.order,
            )
            for i in proposed
        )
        previous = {i.code: i for i in _snapshot(based_on)[1]}
        audit.record(
            AuditAction.CONFIGURE,
            actor=actor,
            object_type=AuditObject.SCREENING_TOOL,
            object_id=version.number,
            purpose=reason.strip(),
            details={
                "from_version": based_on.number,
                "thresholds": list(thresholds),
                "changed": sorted(c.code for c in proposed if previous.get(c.code) != c),
                "added": sorted(c.code for c in proposed if c.code not in previous),
            },
        )
    return version

"""Reading assessments, through the access gate.

The gate decides the level (``governance.policy.assessment_level``): an assessment is read like
a record held by the assessor's agency, so

- roles that do not read case content (administrators, strategic leads, community partners)
  see none;
- the assessor's own agency sees its assessments in full;
- another agency sees one in full only with a need to know (case team, break-glass, or the
  coordinator or MASH screener role), an information governance officer at summary (date,
  levels, who assessed: no indicator, evidence, source or opinion), and nobody beyond
  existence while the young person's declined consent blocks sharing.

``level_of`` decides one assessment; ``assessments_visible_to`` says the same as one query, and
the tests hold the two together.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from assessment.defaults import load_default_tool
from assessment.models import Assessment, Indicator, Level, ToolVersion
from assessment.scoring import Thresholds
from governance import policy
from governance.models import Level as GateLevel
from governance.permissions import Capability, may
from people.models import YoungPerson


def level_of(viewer: policy.Viewer, assessment: Assessment) -> GateLevel:
    return policy.assessment_level(viewer, assessment.assessor_agency_id)


def may_see(viewer: policy.Viewer, assessment: Assessment) -> bool:
    """May open it at all (summary or more); below that, only that it exists is shown."""
    return level_of(viewer, assessment) >= GateLevel.SUMMARY


def can_assess(viewer: policy.Viewer) -> bool:
    """Practitioners and MASH screeners in the young person's case team, and the coordinator."""
    user = viewer.user
    if not viewer.reads or not may(user, Capability.ASSESS):
        return False
    return may(user, Capability.ASSESS_WITHOUT_CASE_TEAM) or viewer.in_case_team


def can_edit_tool(user: Any) -> bool:
    return may(user, Capability.EDIT_SCREENING_TOOL)


def assessments_visible_to(
    user: Any, *, at_least: GateLevel = GateLevel.SUMMARY
) -> QuerySet[Assessment]:
    """Every assessment this user sees at ``at_least`` or more (``level_of``), as one query."""
    if not policy.reads_case_content(user):
        return Assessment.objects.none()
    own = Q(assessor_agency_id=user.agency_id) if user.agency_id is not None else Q(pk__in=[])
    other = policy.other_agency_reach(user, at_least, young_person_field="young_person_id")
    return Assessment.objects.filter(own | other)


def _latest(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """The newest assessment of each young person in ``assessments`` (by date, then entry)."""
    newest = (
        Assessment.objects.filter(young_person=OuterRef("young_person"))
        .order_by("-assessed_on", "-pk")
        .values("pk")[:1]
    )
    return assessments.filter(pk=Subquery(newest))


def latest_levels(young_person_ids: Iterable[int]) -> dict[int, Assessment]:
    """The newest assessment of each of these young people, keyed by young person id.

    Not gated: the caller decides what its viewer may see (``may_see``).
    """
    ids = set(young_person_ids)
    if not ids:
        return {}
    rows = _latest(Assessment.objects.filter(young_person_id__in=ids)).select_related(
        "young_person", "assessor_agency", "tool_version"
    )
    return {row.young_person_id: row for row in rows}


def _current(user: Any) -> QuerySet[Assessment]:
    """Each young person's newest assessment, kept only when this user may see it."""
    visible = assessments_visible_to(user)
    return _latest(Assessment.objects.all()).filter(pk__in=visible.values("pk"))


def high_risk_young_people(viewer: Any) -> list[tuple[YoungPerson, Assessment]]:
    """Young people whose newest assessment chose HIGH, as far as ``viewer`` may see them.

    The newest assessment decides: an older HIGH superseded by a newer LOW is not listed, and a
    young person whose newest assessment the viewer may not see is not listed either.
    """
    rows = (
        _current(viewer)
        .filter(chosen_level=Level.HIGH)
        .select_related("young_person", "assessor_agency", "tool_version")
        .order_by("next_due", "young_person__family_name", "young_person__given_name")
    )
    return [(row.young_person, row) for row in rows]


def _eighteenth_birthday_cutoff(today: date) -> date:
    """Born on or before this date means 18 or over today (29 February counts as 28th)."""
    try:
        return today.replace(year=today.year - 18)
    except ValueError:
        return today.replace(year=today.year - 18, day=28)


def reassessments_due(viewer: Any, within_days: int = 14) -> list[Assessment]:
    """Newest assessments whose reassessment is overdue or due within ``within_days``, soonest
    first, for young people still under 18 and as far as ``viewer`` may see them.

    A practitioner or screener sees those of young people in their case team; the coordinator
    sees the partnership's; other roles see none.
    """
    if not may(viewer, Capability.ASSESS):
        return []
    today = timezone.localdate()
    rows = _current(viewer).filter(
        next_due__lte=today + timedelta(days=within_days),
        young_person__date_of_birth__gt=_eighteenth_birthday_cutoff(today),
    )
    if not may(viewer, Capability.ASSESS_WITHOUT_CASE_TEAM):
        rows = rows.filter(
            young_person_id__in=policy.active_relationships(viewer).values("young_person_id")
        )
    return list(
        rows.select_related("young_person", "assessor_agency").order_by("next_due", "pk")[:500]
    )


def reassessments_due_count(viewer: Any, within_days: int = 14) -> int:
    """How many reassessments are overdue or due soon for this user (for home pages)."""
    return len(reassessments_due(viewer, within_days))


def history_of(young_person: YoungPerson) -> QuerySet[Assessment]:
    """Every assessment of one young person, oldest first (the trend). Gate with ``may_see``."""
    return (
        Assessment.objects.filter(young_person=young_person)
        .select_related("assessor", "assessor_agency", "tool_version")
        .order_by("assessed_on", "pk")
    )


def current_tool() -> ToolVersion:
    """The tool in force: the newest version. Version 1 is loaded by a migration; should the
    table ever be empty (a flushed database), the defaults in code are loaded again."""
    version = ToolVersion.objects.order_by("-number").first()
    if version is not None:
        return version
    try:
        with transaction.atomic():
            return cast(ToolVersion, load_default_tool(ToolVersion, Indicator))
    except IntegrityError:  # another request loaded them first
        return ToolVersion.objects.order_by("-number").get(number=1)


def thresholds_of(version: ToolVersion) -> Thresholds:
    return Thresholds(
        low_from=version.low_from,
        medium_from=version.medium_from,
        high_from=version.high_from,
        young_age=version.young_age,
    )

"""Reads for the review queue and the links list, through the access gate.

A reviewer sees a row and its candidate side by side only with need to know for the candidate:
coordinators and MASH screeners have it by role; an analyst through a legitimate relationship
or break-glass access for that young person.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from governance import policy
from governance.permissions import Capability, may
from imports.models import ImportedRow, MatchStatus
from matching.actions import may_review
from matching.models import ReviewItem, ReviewStatus


def _entitled(user: Any, field: str) -> Q:
    """The young people (by ``field``) this reviewer has need to know for."""
    if may(user, Capability.KNOW_EVERY_YOUNG_PERSON):
        return Q()
    now = timezone.now()
    return Q(
        **{f"{field}__in": policy.active_relationships(user, now).values("young_person_id")}
    ) | Q(**{f"{field}__in": policy.active_break_glass(user, now).values("young_person_id")})


def review_queue_for(user: Any, *, status: str = ReviewStatus.OPEN) -> QuerySet[ReviewItem]:
    """Items waiting for a decision, oldest first."""
    if not may_review(user):
        return ReviewItem.objects.none()
    return (
        ReviewItem.objects.filter(status=status, row__match_status=MatchStatus.IN_REVIEW)
        .filter(_entitled(user, "candidate_id"))
        .select_related("row", "row__batch", "row__agency", "candidate")
        .order_by("created_at", "pk")
    )


def linked_rows_for(user: Any, *, batch_id: int | None = None) -> QuerySet[ImportedRow]:
    """Rows linked to a young person this reviewer may see, newest imported first (to undo a
    link). Ordered by key, not by the time of linking, so a long list stays fast."""
    if not may_review(user):
        return ImportedRow.objects.none()
    rows = ImportedRow.objects.filter(match_status=MatchStatus.LINKED, young_person__isnull=False)
    if batch_id is not None:
        rows = rows.filter(batch_id=batch_id)
    return (
        rows.filter(_entitled(user, "young_person_id"))
        .select_related("young_person", "agency", "batch")
        .order_by("-pk")
    )

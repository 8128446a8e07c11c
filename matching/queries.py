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
from matching.actions import may_review
from matching.models import ReviewItem, ReviewStatus


def entitled(user: Any, field: str) -> Q:
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
        # A row waits in review exactly while it has an open or unsure item: linking a row
        # supersedes its other items, and so does sending it back to wait unmatched.
        ReviewItem.objects.filter(status=status)
        .filter(entitled(user, "candidate_id"))
        .select_related("row", "row__batch", "row__agency", "candidate")
        .order_by("created_at", "pk")
    )

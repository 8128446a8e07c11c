"""Chasing what is late, without waiting for anyone to open a page.

Run by the scheduled task ``notifications.periodic.check_overdue`` (see docs/notifications.md).
Both checks are idempotent: running them again, or twice at once, tells nobody twice.

- An open action past its due date is told once per due date to its owner (or, with nobody
  named, to the owning agency), the owning agency's coordinators and the lead professional of
  its case. ``Action.overdue_notified_on`` records the day; moving the due date later and
  missing it again is told again.
- An open case whose review date has passed is told once per review date to its lead
  professional, the coordinators in its team and the lead agency's coordinators.
  ``Case.review_overdue_notified_on`` records the day; a review sets the next date, and missing
  that one is told again.
- A referral still awaiting screening 24 hours after receipt is told once to the receiving
  agency's coordinators and MASH screeners (or the agency itself if it has neither). The
  notification itself marks it as told.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from cases.models import Action, ActionStatus, Case, CaseStatus
from governance import audit
from governance.models import AuditAction, AuditObject
from governance.permissions import Capability, may, roles_with
from notifications.api import notify
from notifications.models import Notification, NotificationKind
from partnership.models import Agency, User
from referrals.models import SCREENING_HOURS, Referral, ReferralStatus


@dataclass(frozen=True)
class OverdueRun:
    actions: int
    referrals: int
    notifications: int
    case_reviews: int = 0


def check_overdue(*, today: date | None = None, now: datetime | None = None) -> OverdueRun:
    today = today or timezone.localdate()
    now = now or timezone.now()
    actions, from_actions = _tell_each(_actions_to_tell(today), _tell_action_overdue, today)
    reviews, from_reviews = _tell_each(_cases_to_tell(today), _tell_case_review_overdue, today)
    referrals, from_referrals = _tell_each(_referrals_to_tell(now), _tell_referral_overdue, now)
    return OverdueRun(
        actions=actions,
        referrals=referrals,
        notifications=from_actions + from_reviews + from_referrals,
        case_reviews=reviews,
    )


def _tell_each(ids: list[int], tell: Callable[[int, Any], int], when: Any) -> tuple[int, int]:
    """How many of these were told (another run may have claimed some first), and how many
    notifications that made."""
    told = made = 0
    for pk in ids:
        count = tell(pk, when)
        if count:
            told += 1
            made += count
    return told, made


# --- Actions ------------------------------------------------------------------------------

# Not yet told since the current due date passed: never told, or told on or before the due
# date as it now stands (the date was moved later after a reminder).
NOT_TOLD_SINCE_DUE = Q(overdue_notified_on__isnull=True) | Q(overdue_notified_on__lte=F("due_on"))


def _actions_to_tell(today: date) -> list[int]:
    """The same actions as ``cases.queries.overdue_actions``, as of ``today``."""
    return list(
        Action.objects.filter(status=ActionStatus.OPEN, due_on__lt=today)
        .filter(NOT_TOLD_SINCE_DUE)
        .order_by("due_on", "pk")
        .values_list("pk", flat=True)
    )


def _active(users: list[User | None]) -> list[User]:
    seen: dict[int, User] = {}
    for user in users:
        if user is not None and user.is_active and user.agency_id is not None:
            seen.setdefault(user.pk, user)
    return list(seen.values())


def _tell_action_overdue(action_id: int, today: date) -> int:
    with transaction.atomic():
        # Claim the action for today: whoever updates the row first tells; anyone else stops.
        claimed = (
            Action.objects.filter(pk=action_id, status=ActionStatus.OPEN, due_on__lt=today)
            .filter(NOT_TOLD_SINCE_DUE)
            .update(overdue_notified_on=today)
        )
        if not claimed:
            return 0
        action = Action.objects.select_related("owner", "owner_agency", "case__lead").get(
            pk=action_id
        )
        coordinators = list(
            User.objects.filter(
                agency_id=action.owner_agency_id,
                role__in=roles_with(Capability.SEE_OVERDUE_ACTIONS),
                is_active=True,
            ).order_by("pk")
        )
        lead = action.case.lead if action.case is not None else None
        message = (
            f"An action was due on {action.due_on:%-d %B %Y} and is still open: {action.title}"
        )
        url = reverse("cases:action", args=[action.pk])

        def tell(users: list[User], agency: Agency | None = None) -> list[Notification]:
            return notify(
                kind=NotificationKind.ACTION_OVERDUE,
                message=message,
                users=users,
                agency=agency,
                url=url,
                object_type="action",
                object_id=action.pk,
            )

        # With nobody named, the owning agency as a whole is told, as well as the people below.
        made = tell([], action.owner_agency) if action.owner is None else []
        made += tell(_active([action.owner, *coordinators, lead]))
        audit.record(
            AuditAction.UPDATE,
            actor=None,
            object_type=AuditObject.ACTION,
            object_id=action.pk,
            details={
                "change": "overdue_notified",
                "due_on": action.due_on.isoformat(),
                "notifications": len(made),
            },
        )
    return len(made)


# --- Case reviews -------------------------------------------------------------------------

REVIEW_NOT_TOLD_SINCE_DUE = Q(review_overdue_notified_on__isnull=True) | Q(
    review_overdue_notified_on__lte=F("next_review_due")
)


def _late_untold_cases(today: date) -> QuerySet[Case]:
    """Open cases past their review date whose lateness nobody has been told about yet."""
    return (
        Case.objects.exclude(status=CaseStatus.CLOSED)
        .filter(next_review_due__lt=today)
        .filter(REVIEW_NOT_TOLD_SINCE_DUE)
    )


def _cases_to_tell(today: date) -> list[int]:
    return list(
        _late_untold_cases(today).order_by("next_review_due", "pk").values_list("pk", flat=True)
    )


def _tell_case_review_overdue(case_id: int, today: date) -> int:
    with transaction.atomic():
        # Claim the case for today, as for actions: whoever updates the row first tells.
        claimed = (
            _late_untold_cases(today).filter(pk=case_id).update(review_overdue_notified_on=today)
        )
        if not claimed:
            return 0
        case = Case.objects.select_related("lead").get(pk=case_id)
        in_team = case.members.filter(removed_at__isnull=True).values_list("user_id", flat=True)
        coordinators = list(
            User.objects.filter(role__in=roles_with(Capability.SEE_OVERDUE_ACTIONS), is_active=True)
            .filter(Q(agency_id=case.lead_agency_id) | Q(pk__in=in_team))
            .order_by("pk")
        )
        made = notify(
            kind=NotificationKind.CASE_REVIEW_OVERDUE,
            message=(
                f"The review of case {case.reference} was due on "
                f"{case.next_review_due:%-d %B %Y} and has not been recorded."
            ),
            users=_active([case.lead, *coordinators]),
            url=reverse("cases:review", args=[case.pk]),
            object_type="case",
            object_id=case.pk,
        )
        audit.record(
            AuditAction.UPDATE,
            actor=None,
            object_type=AuditObject.CASE,
            object_id=case.pk,
            details={
                "change": "review_overdue_notified",
                "next_review_due": case.next_review_due.isoformat(),
                "notifications": len(made),
            },
        )
    return len(made)


# --- Referrals ----------------------------------------------------------------------------


def _told_about_referral(referral_id: int) -> bool:
    return Notification.objects.filter(
        kind=NotificationKind.REFERRAL_OVERDUE, object_type="referral", object_id=str(referral_id)
    ).exists()


def _referrals_to_tell(now: datetime) -> list[int]:
    waiting = list(
        Referral.objects.filter(
            status=ReferralStatus.AWAITING_SCREENING,
            received_at__lt=now - timedelta(hours=SCREENING_HOURS),
        )
        .order_by("received_at", "pk")
        .values_list("pk", flat=True)
    )
    told = set(
        Notification.objects.filter(
            kind=NotificationKind.REFERRAL_OVERDUE,
            object_type="referral",
            object_id__in=[str(pk) for pk in waiting],
        ).values_list("object_id", flat=True)
    )
    return [pk for pk in waiting if str(pk) not in told]


def _tell_referral_overdue(referral_id: int, now: datetime) -> int:
    with transaction.atomic():
        # Lock the referral so that two runs at once cannot both tell (PostgreSQL); SQLite
        # lets one writer in at a time anyway.
        referral = (
            Referral.objects.select_for_update()
            .select_related("receiving_agency")
            .filter(pk=referral_id, status=ReferralStatus.AWAITING_SCREENING)
            .first()
        )
        if referral is None or referral.due_by >= now or _told_about_referral(referral_id):
            return 0
        watchers = list(
            User.objects.filter(
                agency_id=referral.receiving_agency_id,
                role__in=roles_with(Capability.SEE_SCREENING_QUEUE),
                is_active=True,
            ).order_by("pk")
        )
        message = (
            f"Referral {referral.receipt}, received "
            f"{timezone.localtime(referral.received_at):%-d %B %Y at %H:%M}, has not been "
            f"screened within {SCREENING_HOURS} hours."
        )

        def tell(users: list[User], agency: Agency | None, url: str) -> list[Notification]:
            return notify(
                kind=NotificationKind.REFERRAL_OVERDUE,
                message=message,
                users=users,
                agency=agency,
                url=url,
                object_type="referral",
                object_id=referral.pk,
            )

        # Screeners go straight to screening it; coordinators, who watch the clock but do not
        # screen, go to the queue.
        screeners = [
            user
            for user in watchers
            if may(user, Capability.SCREEN_REFERRAL, agency=referral.receiving_agency_id)
        ]
        coordinators = [user for user in watchers if user not in screeners]
        queue = reverse("referrals:mash-queue")
        made = tell(screeners, None, reverse("referrals:screen", args=[referral.pk]))
        made += tell(coordinators, None, queue)
        if not made:
            made = tell([], referral.receiving_agency, queue)
        audit.record(
            AuditAction.UPDATE,
            actor=None,
            object_type=AuditObject.REFERRAL,
            object_id=referral.pk,
            details={"change": "overdue_notified", "notifications": len(made)},
        )
    return len(made)

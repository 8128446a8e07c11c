"""Lines for the home page panels about cases and actions: (text, url) pairs, read through
the same queries as the pages they link to."""

from __future__ import annotations

from django.urls import reverse

from cases import queries
from cases.models import Case
from governance.permissions import Capability, may
from partnership.models import User

Line = tuple[str, str]


def _case_line(case: Case, note: str = "") -> Line:
    text = f"{case.reference} {case.young_person.full_name}"
    return (f"{text}: {note}" if note else text, reverse("cases:detail", args=[case.pk]))


def actions_you_own(user: User, limit: int = 10) -> list[Line]:
    lines = []
    for action in queries.actions_for_user(user)[:limit]:
        due = (
            f"overdue since {action.due_on:%-d %b}"
            if action.is_overdue
            else (f"due {action.due_on:%-d %b}")
        )
        whose = "" if action.owner_id else f" ({action.owner_agency.short_name})"
        lines.append((f"{action.title}{whose}: {due}", reverse("cases:action", args=[action.pk])))
    return lines


def cases_you_lead(user: User, limit: int = 10) -> list[Line]:
    """The coordinator's own cases, then what needs chasing across the partnership."""
    lines = []
    for case in queries.cases_for(user).filter(lead=user).exclude(status="closed")[:limit]:
        note = "review overdue" if case.review_overdue else f"review {case.next_review_due:%-d %b}"
        lines.append(_case_line(case, note))
    overdue_reviews = queries.cases_due_review(user, within_days=-1).count()
    if overdue_reviews:
        lines.append(
            (f"{overdue_reviews} case reviews overdue", reverse("cases:list") + "?show=review")
        )
    turning = queries.cases_turning_18(user).count()
    if turning:
        lines.append(
            (
                f"{turning} young people turn 18 within six months",
                reverse("cases:list") + "?show=transition",
            )
        )
    if may(user, Capability.ANSWER_REFERRAL):
        waiting = queries.referrals_without_outcome(user).count()
        if waiting:
            lines.append(
                (
                    f"{waiting} accepted referrals with no action or decision",
                    reverse("cases:without-outcome"),
                )
            )
    return lines


def overdue_action_lines(user: User, limit: int = 10) -> list[Line]:
    if not may(user, Capability.SEE_OVERDUE_ACTIONS):
        return []
    return [
        (
            f"{action.title} ({action.owner_agency.short_name}): due {action.due_on:%-d %b}",
            reverse("cases:action", args=[action.pk]),
        )
        for action in queries.overdue_actions()[:limit]
    ]

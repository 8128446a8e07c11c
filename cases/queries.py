"""Reading cases, actions, and referrals followed to an outcome: who may see which."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cases.models import (
    Action,
    ActionStatus,
    Case,
    CaseMember,
    CaseStatus,
    DecisionNotToAct,
    born_on_or_before_for_transition,
)
from governance import policy
from governance.permissions import Capability, may, within_reach
from partnership.models import User
from referrals.models import Referral, ReferralStatus, ScreeningDecision

# --- Cases and actions -------------------------------------------------------------------


def cases_for(viewer: User) -> QuerySet[Case]:
    """The cases this user may see: every case for the coordinator and MASH screeners; for
    anyone else who reads case content, the open cases they lead or are in the team of now
    (closing a case ends the team's need to know, so closed cases drop out of their view)."""
    if not policy.reads_case_content(viewer):
        return Case.objects.none()
    cases = Case.objects.select_related("young_person", "lead", "lead_agency")
    if may(viewer, Capability.SEE_EVERY_CASE):
        return cases
    current = CaseMember.objects.filter(user=viewer, removed_at__isnull=True).values("case_id")
    return cases.exclude(status=CaseStatus.CLOSED).filter(Q(lead=viewer) | Q(pk__in=current))


def case_or_404(viewer: User, pk: int) -> Case:
    """One case the user may see; otherwise Http404 (the view audits the refusal)."""
    try:
        return cases_for(viewer).get(pk=pk)
    except Case.DoesNotExist:
        raise Http404 from None


def cases_due_review(viewer: User, within_days: int = 14) -> QuerySet[Case]:
    """Open cases this user may see whose review is due within ``within_days`` (or overdue)."""
    horizon = timezone.localdate() + timedelta(days=within_days)
    return (
        cases_for(viewer)
        .exclude(status=CaseStatus.CLOSED)
        .filter(next_review_due__lte=horizon)
        .order_by("next_review_due", "pk")
    )


def actions_for_user(user: User) -> QuerySet[Action]:
    """Open actions this user owns, or that their agency owns with nobody named yet."""
    if not policy.reads_case_content(user) or user.agency_id is None:
        return Action.objects.none()
    return (
        Action.objects.filter(status=ActionStatus.OPEN)
        .filter(Q(owner=user) | Q(owner__isnull=True, owner_agency_id=user.agency_id))
        .select_related("owner_agency", "owner", "case")
        .order_by("due_on", "pk")
    )


def overdue_actions() -> QuerySet[Action]:
    """Every open action past its due date, across the partnership (for the scheduled job and
    the coordinator; not gated by viewer, so never render it without checking who asks)."""
    return (
        Action.objects.filter(status=ActionStatus.OPEN, due_on__lt=timezone.localdate())
        .select_related("owner_agency", "owner", "case")
        .order_by("due_on", "pk")
    )


def actions_visible_to(user: User) -> QuerySet[Action]:
    """Actions a user may open: the coordinator and MASH screeners all of them; others those
    they own, their agency owns, they set, that belong to a case they may see, or that are
    about the young person of such a case (from a MASE meeting, say)."""
    if not policy.reads_case_content(user):
        return Action.objects.none()
    actions = Action.objects.select_related("owner_agency", "owner", "case", "created_by")
    if may(user, Capability.SEE_EVERY_CASE):
        return actions
    return actions.filter(
        Q(owner=user)
        | Q(owner_agency_id=user.agency_id)
        | Q(created_by=user)
        | Q(case__in=cases_for(user).values("pk"))
        | Q(case__isnull=True, young_person_id__in=cases_for(user).values("young_person_id"))
    )


def cases_turning_18(viewer: User) -> QuerySet[Case]:
    """Open cases this user may see whose young person turns 18 within six months."""
    return (
        cases_for(viewer)
        .exclude(status=CaseStatus.CLOSED)
        .filter(young_person__date_of_birth__lte=born_on_or_before_for_transition())
        .order_by("young_person__date_of_birth", "pk")
    )


def _later_action_for_the_young_person() -> Exists:
    """An action about the referral's young person set after the referral arrived (from a MASE
    meeting, a disruption plan or any plan), not cancelled."""
    return Exists(
        Action.objects.filter(
            young_person_id=OuterRef("young_person_id"), created_at__gte=OuterRef("received_at")
        ).exclude(status=ActionStatus.CANCELLED)
    )


def _answered() -> Q:
    live = Action.objects.exclude(status=ActionStatus.CANCELLED)
    return (
        Q(pk__in=live.filter(referral__isnull=False).values("referral_id"))
        | Q(pk__in=live.filter(case__referral__isnull=False).values("case__referral_id"))
        | Q(pk__in=DecisionNotToAct.objects.values("referral_id"))
        | Q(young_person__isnull=False) & Q(_later_action_for_the_young_person())
    )


def referrals_without_outcome(viewer: User) -> QuerySet[Referral]:
    """Accepted referrals (screened to anything but no further action) that have neither an
    action nor a recorded decision not to act. The coordinator sees all of them; a MASH
    screener those their agency received."""
    accepted = within_reach(
        viewer,
        Capability.ANSWER_REFERRAL,
        Referral.objects.filter(status=ReferralStatus.SCREENED).exclude(
            screening__decision=ScreeningDecision.NO_FURTHER_ACTION
        ),
        agency_field="receiving_agency_id",
    )
    return (
        accepted.exclude(_answered())
        .select_related("young_person", "screening", "referring_agency", "receiving_agency")
        .order_by("screening__screened_at", "pk")
    )


def referral_for_outcome(viewer: User, pk: int) -> Referral:
    """One screened referral the user may see to an outcome (coordinator, receiving MASH)."""
    referrals = within_reach(
        viewer,
        Capability.ANSWER_REFERRAL,
        Referral.objects.filter(status=ReferralStatus.SCREENED).select_related(
            "young_person", "screening", "referring_agency", "receiving_agency"
        ),
        agency_field="receiving_agency_id",
    )
    try:
        return referrals.get(pk=pk)
    except Referral.DoesNotExist:
        raise Http404 from None


def outcome_of(referral: Referral) -> str:
    """What became of an accepted referral, in a few words, or "" if nothing yet."""
    if DecisionNotToAct.objects.filter(referral=referral).exists():
        return "Decision not to act recorded"
    live = Action.objects.exclude(status=ActionStatus.CANCELLED)
    if live.filter(Q(referral=referral) | Q(case__referral=referral)).exists():
        return "Action set"
    if (
        referral.young_person_id is not None
        and Action.objects.filter(
            young_person_id=referral.young_person_id, created_at__gte=referral.received_at
        )
        .exclude(status=ActionStatus.CANCELLED)
        .exists()
    ):
        return "Action set for the young person since the referral"
    return ""

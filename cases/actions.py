"""Every write about cases: opening one, its team and lead, the plan's actions (also those from
MASE meetings and disruption plans), strategy discussions, reviews, the young person's views,
closure and reopening, transition at 18, and the decision not to act on a referral."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cases.models import (
    DEFAULT_REVIEW_DAYS,
    Action,
    ActionSource,
    ActionStatus,
    Case,
    CaseMember,
    CaseReview,
    CaseStatus,
    DecisionNotToAct,
    OutcomeCode,
    StrategyDecision,
    StrategyDiscussion,
    TransitionPlan,
)
from governance import audit, policy
from governance.actions import (
    do_add_relationship,
    do_end_relationship,
)
from governance.models import (
    AuditAction,
    AuditObject,
    LegitimateRelationship,
    RelationshipKind,
)
from governance.permissions import Capability, may
from notifications.api import notify
from notifications.models import NotificationKind
from partnership.models import Agency, AgencyKind, User
from people.models import YoungPerson
from referrals.models import Rating, Referral, ReferralStatus, ScreeningDecision

# --- Cases: who may do what ----------------------------------------------------------------

MIN_REASON = 10
# Told in emails, which leave the system: never the young person's name.
ABOUT_SOMEONE = "a young person on your case list"


def _is_member(user: User, case: Case) -> bool:
    return CaseMember.objects.filter(case=case, user=user, removed_at__isnull=True).exists()


def manages_case(user: User, case: Case) -> bool:
    """The coordinator, a MASH screener, and the case's lead professional run the case."""
    if not user.reads_case_content:
        return False
    return may(user, Capability.MANAGE_ANY_CASE) or case.lead_id == user.pk


def works_on_case(user: User, case: Case) -> bool:
    """Managers, and anyone currently in the case team."""
    return manages_case(user, case) or (user.reads_case_content and _is_member(user, case))


def _tell_case_team(
    case: Case, *, actor: User | None, kind: NotificationKind, message: str
) -> None:
    """Tell everyone on the case (except who did it) that it changed."""
    team = User.objects.filter(
        pk__in=CaseMember.objects.filter(case=case, removed_at__isnull=True).values("user_id"),
        is_active=True,
    )
    if actor is not None:
        team = team.exclude(pk=actor.pk)
    members = list(team)
    if members:
        notify(
            kind=kind,
            message=message,
            users=members,
            url=reverse("cases:detail", args=[case.pk]),
            object_type="case",
            object_id=case.pk,
        )


def _add_member(
    *, actor: User | None, case: Case, user: User, role: str, kind: RelationshipKind
) -> CaseMember:
    if user.agency is None or not user.reads_case_content:
        raise ValidationError({"user": "This person's role cannot be part of a case team."})
    relationship = do_add_relationship(
        actor=None,
        young_person=case.young_person,
        user=user,
        kind=kind,
        reason=f"Case team of case {case.reference}",
    )
    return CaseMember.objects.create(
        case=case,
        user=user,
        agency=user.agency,
        role=role.strip(),
        added_at=timezone.now(),
        relationship=relationship,
    )


def _end_member(member: CaseMember, reason: str) -> None:
    member.removed_at = timezone.now()
    member.save(update_fields=["removed_at"])
    if member.relationship is not None and member.relationship.ends_at is None:
        do_end_relationship(actor=None, relationship=member.relationship, reason=reason)
    else:
        for relationship in LegitimateRelationship.objects.filter(
            user=member.user,
            young_person=member.case.young_person,
            ends_at__isnull=True,
            reason=f"Case team of case {member.case.reference}",
        ):
            do_end_relationship(actor=None, relationship=relationship, reason=reason)


def do_open_case(
    *,
    actor: User,
    young_person: YoungPerson,
    lead: User,
    referral: Referral | None = None,
    status: CaseStatus | str = CaseStatus.OPEN,
    review_every_days: int = DEFAULT_REVIEW_DAYS,
    lead_role: str = "Lead professional",
    opened_at: datetime | None = None,
    is_synthetic: bool = False,
) -> Case:
    """Open a multi-agency case with a lead professional from any agency."""
    if not may(actor, Capability.OPEN_CASE):
        raise PermissionDenied("Only the coordinator or a MASH screener can open a case.")
    errors: dict[str, str] = {}
    if lead.agency is None or not lead.reads_case_content:
        errors["lead"] = "The lead professional must be a practitioner or manager in an agency."
    if not 7 <= review_every_days <= 182:
        errors["review_every_days"] = "Review at least every 26 weeks and at most every week."
    if status == CaseStatus.CLOSED:
        errors["status"] = "A case cannot be opened closed."
    if Case.objects.filter(young_person=young_person).exclude(status=CaseStatus.CLOSED).exists():
        errors["young_person"] = "This young person already has an open case."
    if errors:
        raise ValidationError(errors)
    assert lead.agency is not None
    opened = opened_at or timezone.now()
    with transaction.atomic():
        case = Case.objects.create(
            young_person=young_person,
            lead=lead,
            lead_agency=lead.agency,
            status=CaseStatus(status),
            opened_at=opened,
            referral=referral,
            review_every_days=review_every_days,
            next_review_due=timezone.localdate(opened) + timedelta(days=review_every_days),
            is_synthetic=is_synthetic,
        )
        _add_member(
            actor=actor,
            case=case,
            user=lead,
            role=lead_role or "Lead professional",
            kind=RelationshipKind.LEAD_PROFESSIONAL,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.CASE,
            object_id=case.pk,
            details={"young_person": young_person.pk, "lead": lead.pk, "status": case.status},
        )
        if lead.pk != actor.pk:
            notify(
                kind=NotificationKind.CASE_LEAD,
                message=f"You are now the lead professional for {ABOUT_SOMEONE}.",
                users=[lead],
                url=reverse("cases:detail", args=[case.pk]),
                object_type="case",
                object_id=case.pk,
            )
    return case


def do_add_case_member(*, actor: User, case: Case, user: User, role: str = "") -> CaseMember:
    """Add a named person to the case team; they gain need to know while they stay on it."""
    if not manages_case(actor, case):
        raise PermissionDenied("Only the coordinator or the lead professional can change the team.")
    if not case.is_open:
        raise ValidationError("This case is closed: reopen it before changing the team.")
    if _is_member(user, case):
        raise ValidationError({"user": "This person is already in the case team."})
    with transaction.atomic():
        member = _add_member(
            actor=actor, case=case, user=user, role=role, kind=RelationshipKind.CASE_TEAM
        )
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.CASE,
            object_id=case.pk,
            recipient=user.get_username(),
            details={"change": "member_added", "member": member.pk},
        )
        notify(
            kind=NotificationKind.CASE_MEMBER,
            message=f"You have been added to the case team for {ABOUT_SOMEONE}.",
            users=[user],
            url=reverse("cases:detail", args=[case.pk]),
            object_type="case",
            object_id=case.pk,
        )
        _tell_case_team(
            case,
            actor=actor,
            kind=NotificationKind.CASE_CHANGED,
            message=f"Someone joined the case team for {ABOUT_SOMEONE}.",
        )
    return member


def do_remove_case_member(*, actor: User, member: CaseMember, reason: str) -> CaseMember:
    """Take someone off the case team: their need to know ends at once."""
    case = member.case
    if not manages_case(actor, case):
        raise PermissionDenied("Only the coordinator or the lead professional can change the team.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why they are leaving the case team."})
    if member.removed_at is not None:
        raise ValidationError("This person has already left the case team.")
    if member.user_id == case.lead_id:
        raise ValidationError("Choose a new lead professional before removing the current one.")
    with transaction.atomic():
        _end_member(member, reason.strip())
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.CASE,
            object_id=case.pk,
            purpose=reason.strip(),
            recipient=member.user.get_username(),
            details={"change": "member_removed", "member": member.pk},
        )
        _tell_case_team(
            case,
            actor=actor,
            kind=NotificationKind.CASE_CHANGED,
            message=f"Someone left the case team for {ABOUT_SOMEONE}.",
        )
    return member


# --- Actions: the multi-agency plan, MASE actions, disruption --------------------------------


def can_assign_action(user: User, case: Case | None) -> bool:
    if not (user.reads_case_content and policy.can_record_for(user)):
        return False
    if case is not None:
        return works_on_case(user, case)
    return True


def can_complete_action(user: User, action: Action) -> bool:
    if not user.reads_case_content or action.status != ActionStatus.OPEN:
        return False
    if action.owner_id == user.pk:
        return True
    if may(user, Capability.COMPLETE_ACTION, agency=action.owner_agency_id):
        return True
    return action.case is not None and action.case.lead_id == user.pk


def can_cancel_action(user: User, action: Action) -> bool:
    """Whoever set it, and anyone who could complete it (the owning agency may say, with a
    reason, that it will not be pursued: the case team is told)."""
    if not user.reads_case_content or action.status != ActionStatus.OPEN:
        return False
    return action.created_by_id == user.pk or can_complete_action(user, action)


def action_url(action: Action) -> str:
    return reverse("cases:action", args=[action.pk])


def do_assign_action(
    *,
    actor: User,
    title: str,
    owner_agency: Agency,
    due_on: date,
    owner: User | None = None,
    case: Case | None = None,
    young_person: YoungPerson | None = None,
    source: ActionSource | str = ActionSource.PLAN,
    detail: str = "",
    referral: Referral | None = None,
    is_synthetic: bool = False,
    allow_past_due: bool = False,
) -> Action:
    """Give an agency (and optionally a named person in it) something to do by a date."""
    if not can_assign_action(actor, case):
        raise PermissionDenied("Only the case team, the coordinator or the MASH can set actions.")
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Say what needs doing."
    elif len(title.strip()) > 200:
        errors["title"] = "Keep the action to 200 characters; put more in the detail."
    if not owner_agency.is_active or owner_agency.kind == AgencyKind.COMMUNITY_PARTNER:
        errors["owner_agency"] = "Choose a partnership agency that can own the action."
    if owner is not None and (owner.agency_id != owner_agency.pk or not owner.reads_case_content):
        errors["owner"] = "The named owner must work in the agency that owns the action."
    if due_on < timezone.localdate() and not allow_past_due:
        errors["due_on"] = "The due date must be today or later."
    if case is not None and not case.is_open:
        errors["case"] = "This case is closed: reopen it before adding to the plan."
    if case is not None and young_person is not None and young_person.pk != case.young_person_id:
        errors["young_person"] = "The action's young person must be the case's young person."
    if errors:
        raise ValidationError(errors)
    if case is not None:
        young_person = case.young_person
    with transaction.atomic():
        action = Action.objects.create(
            title=title.strip(),
            detail=detail.strip(),
            owner_agency=owner_agency,
            owner=owner,
            due_on=due_on,
            created_by=actor,
            created_at=timezone.now(),
            case=case,
            young_person=young_person,
            referral=referral,
            source=ActionSource(source),
            is_synthetic=is_synthetic,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.ACTION,
            object_id=action.pk,
            recipient=owner_agency.short_name,
            details={
                "case": getattr(case, "pk", None),
                "young_person": getattr(young_person, "pk", None),
                "owner": getattr(owner, "pk", None),
                "source": action.source,
                "due_on": due_on.isoformat(),
            },
        )
        about = f" for {ABOUT_SOMEONE}" if young_person is not None else ""
        message = (
            f"You have a new action{about}, due {due_on:%-d %B %Y}."
            if owner is not None
            else f"Your agency has a new action{about}, due {due_on:%-d %B %Y}."
        )
        if owner is None or owner.pk != actor.pk:
            notify(
                kind=NotificationKind.ACTION_ASSIGNED,
                message=message,
                users=[owner] if owner is not None else [],
                agency=owner_agency,
                url=action_url(action),
                object_type="action",
                object_id=action.pk,
            )
        if case is not None:
            _tell_case_team(
                case,
                actor=actor,
                kind=NotificationKind.CASE_CHANGED,
                message=f"The plan changed for {ABOUT_SOMEONE}: a new action was added.",
            )
    return action


def _finish(*, actor: User, action: Action, status: ActionStatus, note: str, change: str) -> Action:
    with transaction.atomic():
        current = Action.objects.select_for_update().get(pk=action.pk)
        if current.status != ActionStatus.OPEN:
            raise ValidationError("This action is no longer open: someone has already closed it.")
        current.status = status
        current.completed_at = timezone.now()
        current.completed_by = actor
        current.completion_note = note
        current.save(update_fields=["status", "completed_at", "completed_by", "completion_note"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.ACTION,
            object_id=current.pk,
            purpose=note,
            details={"change": change, "case": current.case_id},
        )
        if current.case is not None:
            _tell_case_team(
                current.case,
                actor=actor,
                kind=NotificationKind.CASE_CHANGED,
                message=f"The plan changed for {ABOUT_SOMEONE}: an action was {change}.",
            )
    action.refresh_from_db()
    return action


def do_complete_action(*, actor: User, action: Action, note: str) -> Action:
    """Mark an action done, saying what was done."""
    if not can_complete_action(actor, action):
        if action.status != ActionStatus.OPEN:
            raise ValidationError("This action is no longer open.")
        raise PermissionDenied(
            "Only the owner, their agency, the lead professional or the coordinator can "
            "complete this action."
        )
    if not note.strip():
        raise ValidationError({"note": "Say what was done."})
    return _finish(
        actor=actor, action=action, status=ActionStatus.DONE, note=note.strip(), change="completed"
    )


def do_cancel_action(*, actor: User, action: Action, reason: str) -> Action:
    """Withdraw an action that is no longer needed, with the reason."""
    if not can_cancel_action(actor, action):
        if action.status != ActionStatus.OPEN:
            raise ValidationError("This action is no longer open.")
        raise PermissionDenied(
            "Only whoever set the action, its owner or owning agency, the lead professional or "
            "the coordinator can cancel it."
        )
    if not reason.strip():
        raise ValidationError({"reason": "Say why the action is no longer needed."})
    return _finish(
        actor=actor,
        action=action,
        status=ActionStatus.CANCELLED,
        note=reason.strip(),
        change="cancelled",
    )


# --- Strategy discussions -----------------------------------------------------------------

STRATEGY_DECISIONS_FROM_SCREENING = frozenset(
    {ScreeningDecision.STRATEGY_DISCUSSION, ScreeningDecision.CSE_CASE}
)


def needs_strategy_discussion(referral: Referral) -> bool:
    screening = getattr(referral, "screening", None)
    return (
        referral.young_person_id is not None
        and screening is not None
        and screening.decision in STRATEGY_DECISIONS_FROM_SCREENING
    )


def do_record_strategy_discussion(
    *,
    actor: User,
    young_person: YoungPerson,
    held_on: date,
    chair: User,
    agencies_present: list[Agency],
    summary: str,
    decision: StrategyDecision | str,
    decision_reason: str = "",
    attendees: str = "",
    referral: Referral | None = None,
    case: Case | None = None,
    lead: User | None = None,
    review_every_days: int = DEFAULT_REVIEW_DAYS,
    single_agency: Agency | None = None,
    single_agency_action: str = "",
    single_agency_due_on: date | None = None,
    is_synthetic: bool = False,
) -> StrategyDiscussion:
    """Record a strategy discussion and carry out its decision.

    - open a case: opens one with the chosen lead (or moves a case awaiting the discussion
      to open);
    - single-agency support: gives that agency an action, so the referral has an outcome;
    - no case: records the reason as the decision not to act on the referral (and closes a
      case that was awaiting the discussion).
    """
    if not may(actor, Capability.RECORD_STRATEGY_DISCUSSION):
        raise PermissionDenied("Only the coordinator or a MASH screener can record this.")
    decision = StrategyDecision(decision)
    errors: dict[str, str] = {}
    if held_on > timezone.localdate():
        errors["held_on"] = "The date the discussion was held cannot be in the future."
    if not summary.strip():
        errors["summary"] = "Summarise what the agencies shared and discussed."
    if len(agencies_present) < 2:
        errors["agencies_present"] = "A strategy discussion needs at least two agencies."
    if not chair.reads_case_content:
        errors["chair"] = "Choose who chaired the discussion."
    if referral is not None and referral.young_person_id != young_person.pk:
        errors["referral"] = "The referral is about someone else."
    if case is not None and (
        case.young_person_id != young_person.pk or case.status != CaseStatus.STRATEGY_DISCUSSION
    ):
        errors["case"] = "This case is not awaiting a strategy discussion."
    if decision == StrategyDecision.OPEN_CASE and case is None and lead is None:
        errors["lead"] = "Choose the lead professional for the new case."
    if decision == StrategyDecision.NO_CASE and not decision_reason.strip():
        errors["decision_reason"] = "Say why no case is needed."
    if decision == StrategyDecision.SINGLE_AGENCY:
        if single_agency is None:
            errors["single_agency"] = "Choose the agency that will support the young person."
        if not single_agency_action.strip():
            errors["single_agency_action"] = "Say what that agency will do."
        if single_agency_due_on is None or single_agency_due_on < timezone.localdate():
            errors["single_agency_due_on"] = "Give a due date, today or later."
    if (
        case is None
        and referral is not None
        and Case.objects.filter(referral=referral).exclude(status=CaseStatus.CLOSED).exists()
    ):
        errors["referral"] = (
            "A case is already open from this referral: record the discussion on the case."
        )
    if referral is not None and DecisionNotToAct.objects.filter(referral=referral).exists():
        errors["referral"] = "A decision not to act has already been recorded for this referral."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        discussion = StrategyDiscussion.objects.create(
            young_person=young_person,
            referral=referral,
            case=case,
            held_on=held_on,
            chair=chair,
            attendees=attendees.strip(),
            summary=summary.strip(),
            decision=decision,
            decision_reason=decision_reason.strip(),
            recorded_by=actor,
            recorded_at=timezone.now(),
            is_synthetic=is_synthetic,
        )
        discussion.agencies_present.set(agencies_present)
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.STRATEGY_DISCUSSION,
            object_id=discussion.pk,
            details={
                "young_person": young_person.pk,
                "referral": getattr(referral, "pk", None),
                "decision": decision.value,
            },
        )
        if decision == StrategyDecision.OPEN_CASE:
            if case is None:
                assert lead is not None
                case = do_open_case(
                    actor=actor,
                    young_person=young_person,
                    lead=lead,
                    referral=referral,
                    review_every_days=review_every_days,
                    is_synthetic=is_synthetic,
                )
            else:
                case.status = CaseStatus.OPEN
                case.save(update_fields=["status"])
                audit.record(
                    AuditAction.UPDATE,
                    actor=actor,
                    object_type=AuditObject.CASE,
                    object_id=case.pk,
                    details={"change": "opened_after_strategy_discussion"},
                )
            discussion.case = case
            discussion.save(update_fields=["case"])
        elif decision == StrategyDecision.SINGLE_AGENCY:
            assert single_agency is not None
            assert single_agency_due_on is not None
            do_assign_action(
                actor=actor,
                title=single_agency_action,
                owner_agency=single_agency,
                due_on=single_agency_due_on,
                young_person=young_person,
                referral=referral,
                source=ActionSource.REFERRAL,
                detail="Single-agency support agreed at the strategy discussion.",
                is_synthetic=is_synthetic,
            )
        if decision != StrategyDecision.OPEN_CASE:
            if referral is not None and decision == StrategyDecision.NO_CASE:
                do_decide_not_to_act(
                    actor=actor,
                    referral=referral,
                    reason=f"Strategy discussion: {decision_reason.strip()}",
                    is_synthetic=is_synthetic,
                )
            if case is not None:
                _close(
                    actor=actor,
                    case=case,
                    outcome_code=OutcomeCode.NO_CASE_NEEDED
                    if decision == StrategyDecision.NO_CASE
                    else OutcomeCode.RISK_MANAGED,
                    note=decision_reason.strip() or single_agency_action.strip(),
                )
    return discussion


# --- The case: lead, reviews, views, closure, transition --------------------------------------


def do_change_lead(*, actor: User, case: Case, lead: User, reason: str) -> Case:
    """Hand the lead to another professional (they join the team if not in it)."""
    if not manages_case(actor, case):
        raise PermissionDenied("Only the coordinator or the lead professional can do this.")
    if not case.is_open:
        raise ValidationError("This case is closed.")
    if lead.agency is None or not lead.reads_case_content:
        raise ValidationError({"lead": "The lead professional must work in a partner agency."})
    if lead.pk == case.lead_id:
        raise ValidationError({"lead": "This person is already the lead professional."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why the lead is changing."})
    with transaction.atomic():
        if not _is_member(lead, case):
            _add_member(
                actor=actor,
                case=case,
                user=lead,
                role="Lead professional",
                kind=RelationshipKind.LEAD_PROFESSIONAL,
            )
        previous = case.lead_id
        case.lead = lead
        case.lead_agency = lead.agency
        case.save(update_fields=["lead", "lead_agency"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.CASE,
            object_id=case.pk,
            purpose=reason.strip(),
            recipient=lead.get_username(),
            details={"change": "lead_changed", "from": previous, "to": lead.pk},
        )
        _tell_case_team(
            case,
            actor=actor,
            kind=NotificationKind.CASE_CHANGED,
            message=f"The lead professional changed for {ABOUT_SOMEONE}.",
        )
    return case


def do_record_review(
    *,
    actor: User,
    case: Case,
    held_on: date,
    summary: str,
    risk_rating: Rating | str,
    next_review_due: date,
    risk_notes: str = "",
    review_every_days: int | None = None,
) -> CaseReview:
    """Record a case review; the case's next review date moves to the one agreed."""
    if not manages_case(actor, case) and not works_on_case(actor, case):
        raise PermissionDenied("Only the case team can record a review.")
    errors: dict[str, str] = {}
    today = timezone.localdate()
    if not case.is_open or case.status != CaseStatus.OPEN:
        errors["__all__"] = "Only an open case can be reviewed."
    if held_on > today:
        errors["held_on"] = "The review date cannot be in the future."
    elif held_on < timezone.localdate(case.opened_at):
        errors["held_on"] = "The review cannot be before the case was opened."
    if not summary.strip():
        errors["summary"] = "Summarise what has changed since the last review."
    if next_review_due <= today:
        errors["next_review_due"] = "The next review must be after today."
    elif next_review_due > held_on + timedelta(days=182):
        errors["next_review_due"] = "Review again within six months."
    if review_every_days is not None and not 7 <= review_every_days <= 182:
        errors["review_every_days"] = "Review at least every 26 weeks and at most every week."
    if risk_rating not in Rating.values:
        errors["risk_rating"] = "Choose the level of risk now."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review = CaseReview.objects.create(
            case=case,
            held_on=held_on,
            summary=summary.strip(),
            risk_rating=Rating(risk_rating),
            risk_notes=risk_notes.strip(),
            next_review_due=next_review_due,
            recorded_by=actor,
            recorded_at=timezone.now(),
        )
        case.next_review_due = next_review_due
        case.review_every_days = review_every_days or case.review_every_days
        case.save(update_fields=["next_review_due", "review_every_days"])
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.CASE_REVIEW,
            object_id=review.pk,
            details={"case": case.pk, "risk_rating": review.risk_rating},
        )
        _tell_case_team(
            case,
            actor=actor,
            kind=NotificationKind.CASE_CHANGED,
            message=f"The case of {ABOUT_SOMEONE} was reviewed.",
        )
    return review


def do_record_views(*, actor: User, case: Case, views: str) -> Case:
    """Keep the young person's own views on the case, in their words where possible."""
    if not works_on_case(actor, case):
        raise PermissionDenied("Only the case team can record the young person's views.")
    if not views.strip():
        raise ValidationError(
            {"views": "Write what the young person said, or why it is not known."}
        )
    with transaction.atomic():
        case.young_persons_views = views.strip()
        case.save(update_fields=["young_persons_views"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.CASE,
            object_id=case.pk,
            details={"change": "young_persons_views"},
        )
    return case


def _close(*, actor: User, case: Case, outcome_code: OutcomeCode | str, note: str) -> Case:
    now = timezone.now()
    case.status = CaseStatus.CLOSED
    case.closed_at = now
    case.outcome_code = OutcomeCode(outcome_code)
    case.closure_note = note
    case.save(update_fields=["status", "closed_at", "outcome_code", "closure_note"])
    for member in case.members.filter(removed_at__isnull=True).select_related("relationship"):
        if member.relationship is not None and member.relationship.ends_at is None:
            do_end_relationship(
                actor=None, relationship=member.relationship, reason=f"Case {case.reference} closed"
            )
    audit.record(
        AuditAction.UPDATE,
        actor=actor,
        object_type=AuditObject.CASE,
        object_id=case.pk,
        purpose=note,
        details={"change": "closed", "outcome": case.outcome_code},
    )
    _tell_case_team(
        case,
        actor=actor,
        kind=NotificationKind.CASE_CHANGED,
        message=f"The case of {ABOUT_SOMEONE} was closed.",
    )
    return case


def do_close_case(*, actor: User, case: Case, outcome_code: OutcomeCode | str, note: str) -> Case:
    """Close the case with its outcome. Open actions must be completed or cancelled first; the
    team's need to know ends (the case stays on record, and can be reopened)."""
    if not manages_case(actor, case):
        raise PermissionDenied("Only the coordinator or the lead professional can close a case.")
    errors: dict[str, str] = {}
    if not case.is_open:
        errors["__all__"] = "This case is already closed."
    elif (open_actions := case.actions.filter(status=ActionStatus.OPEN).count()) > 0:
        errors["__all__"] = (
            f"{open_actions} action{'s are' if open_actions > 1 else ' is'} still open: "
            "complete or cancel them before closing the case."
        )
    if outcome_code not in OutcomeCode.values:
        errors["outcome_code"] = "Choose the outcome."
    if not note.strip():
        errors["note"] = "Write a closing summary: what changed for the young person."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if not current.is_open:
            raise ValidationError("This case is already closed.")
        _close(actor=actor, case=case, outcome_code=outcome_code, note=note.strip())
    return case


def do_reopen_case(*, actor: User, case: Case, reason: str) -> Case:
    """Reopen a closed case (new concerns soon after closure): the team regains need to know,
    and a review is due within two weeks."""
    if not may(actor, Capability.REOPEN_CASE):
        raise PermissionDenied("Only the coordinator or a MASH screener can reopen a case.")
    if case.is_open:
        raise ValidationError("This case is open.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the case is being reopened."})
    if (
        Case.objects.filter(young_person=case.young_person)
        .exclude(status=CaseStatus.CLOSED)
        .exists()
    ):
        raise ValidationError("This young person already has another open case.")
    with transaction.atomic():
        case.status = CaseStatus.OPEN
        case.closed_at = None
        case.next_review_due = timezone.localdate() + timedelta(days=14)
        case.save(update_fields=["status", "closed_at", "next_review_due"])
        for member in case.members.filter(removed_at__isnull=True).select_related("user"):
            if not member.user.reads_case_content:
                continue
            member.relationship = do_add_relationship(
                actor=None,
                young_person=case.young_person,
                user=member.user,
                kind=RelationshipKind.LEAD_PROFESSIONAL
                if member.user_id == case.lead_id
                else RelationshipKind.CASE_TEAM,
                reason=f"Case team of case {case.reference}",
            )
            member.save(update_fields=["relationship"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.CASE,
            object_id=case.pk,
            purpose=reason.strip(),
            details={"change": "reopened", "previous_outcome": case.outcome_code},
        )
        _tell_case_team(
            case,
            actor=actor,
            kind=NotificationKind.CASE_CHANGED,
            message=f"The case of {ABOUT_SOMEONE} was reopened.",
        )
    return case


def do_save_transition_plan(
    *,
    actor: User,
    case: Case,
    handover_on: date,
    adult_services_agency: Agency | None,
    adult_services_contact: str,
    vawg_agency: Agency | None = None,
    vawg_contact: str = "",
    notes: str = "",
) -> TransitionPlan:
    """Name who takes over at 18: adult services and, where it fits, the VAWG partner."""
    if not manages_case(actor, case):
        raise PermissionDenied("Only the coordinator or the lead professional can plan this.")
    errors: dict[str, str] = {}
    if not case.is_open:
        errors["__all__"] = "This case is closed."
    if adult_services_agency is None:
        errors["adult_services_agency"] = "Choose the adult services agency taking over."
    if not adult_services_contact.strip():
        errors["adult_services_contact"] = "Name the contact in adult services."
    if vawg_agency is not None and not vawg_contact.strip():
        errors["vawg_contact"] = "Name the contact at the VAWG partner."
    if vawg_contact.strip() and vawg_agency is None:
        errors["vawg_agency"] = "Choose the VAWG partner agency for this contact."
    if handover_on < timezone.localdate():
        errors["handover_on"] = "The handover date must be today or later."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan, created = TransitionPlan.objects.update_or_create(
            case=case,
            defaults={
                "handover_on": handover_on,
                "adult_services_agency": adult_services_agency,
                "adult_services_contact": adult_services_contact.strip(),
                "vawg_agency": vawg_agency,
                "vawg_contact": vawg_contact.strip(),
                "notes": notes.strip(),
                "updated_by": actor,
                "updated_at": timezone.now(),
            },
        )
        audit.record(
            AuditAction.CREATE if created else AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.TRANSITION_PLAN,
            object_id=plan.pk,
            details={
                "case": case.pk,
                "adult_services": getattr(adult_services_agency, "pk", None),
                "vawg": getattr(vawg_agency, "pk", None),
            },
        )
        _tell_case_team(
            case,
            actor=actor,
            kind=NotificationKind.CASE_CHANGED,
            message=f"The transition plan at 18 changed for {ABOUT_SOMEONE}.",
        )
    return plan


# --- Action follows sharing -------------------------------------------------------------------


def can_answer_referral(user: User, referral: Referral) -> bool:
    """The coordinator, and MASH screeners of the receiving agency, see referrals to an outcome."""
    if not user.reads_case_content:
        return False
    return may(user, Capability.ANSWER_REFERRAL, agency=referral.receiving_agency_id)


def do_decide_not_to_act(
    *, actor: User, referral: Referral, reason: str, is_synthetic: bool = False
) -> DecisionNotToAct:
    """Record that an accepted referral needs no action by anyone, and why."""
    if not can_answer_referral(actor, referral):
        raise PermissionDenied("Only the coordinator or the MASH can record this decision.")
    errors: dict[str, str] = {}
    if not Referral.objects.filter(pk=referral.pk, status=ReferralStatus.SCREENED).exists():
        errors["__all__"] = "This referral has not been screened yet."
    if len(reason.strip()) < MIN_REASON:
        errors["reason"] = "Explain why no action is needed, in a sentence or more."
    if DecisionNotToAct.objects.filter(referral=referral).exists():
        errors["__all__"] = "A decision not to act has already been recorded for this referral."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        decision = DecisionNotToAct.objects.create(
            referral=referral,
            reason=reason.strip(),
            decided_by=actor,
            decided_at=timezone.now(),
            is_synthetic=is_synthetic,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.DECISION_NOT_TO_ACT,
            object_id=decision.pk,
            purpose=reason.strip(),
            details={"referral": referral.pk},
        )
    return decision

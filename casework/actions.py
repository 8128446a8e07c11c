"""Every write in casework: referring, a community partner's concern, and MASH screening."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from casework.models import (
    DEFAULT_REVIEW_DAYS,
    Action,
    ActionSource,
    ActionStatus,
    Case,
    CaseMember,
    CaseStatus,
    Rating,
    Referral,
    ReferralPathway,
    ReferralSource,
    ReferralStatus,
    Screening,
    ScreeningDecision,
)
from governance import audit, policy
from governance.actions import (
    do_add_relationship,
    do_end_relationship,
    do_record_sharing_decision,
)
from governance.models import AuditAction, ConsentStatus, LegitimateRelationship, RelationshipKind
from partnership.models import Agency, AgencyKind, Role, ServiceKind, User
from people import identifiers
from people.models import YoungPerson

_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I, read out on the phone


def _new_receipt() -> str:
    while True:
        receipt = "TS-" + "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(6))
        if not Referral.objects.filter(receipt=receipt).exists():
            return receipt


def _agency_of(actor: User) -> Agency:
    if actor.agency is None:
        raise PermissionDenied("Only members of a partnership agency can do this.")
    return actor.agency


def receiving_agency(source: ReferralSource) -> Agency:
    """The pathway held as data, or else the children's social care agency that hosts the MASH."""
    pathway = ReferralPathway.objects.filter(source=source).select_related("receiving_agency")
    if (chosen := pathway.first()) is not None:
        return chosen.receiving_agency
    host = (
        Agency.objects.filter(
            kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_active=True, services__kind=ServiceKind.MASH
        ).first()
        or Agency.objects.filter(kind=AgencyKind.CHILDRENS_SOCIAL_CARE, is_active=True).first()
    )
    if host is None:
        raise ValidationError("No agency receives referrals yet: an administrator must set one up.")
    return host


def do_refer(
    *,
    actor: User,
    young_person: YoungPerson,
    concern: str,
    consent_status: ConsentStatus | str,
    next_steps_discussed: bool,
    lawful_basis: str = "",
    reason_without_consent: str = "",
    received_at: datetime | None = None,
    is_synthetic: bool = False,
) -> Referral:
    """A practitioner refers a young person to the MASH. The referral is itself a share, so it
    is recorded as a sharing decision with its basis."""
    if not policy.can_record_for(actor):
        raise PermissionDenied("Your role cannot make referrals.")
    if not concern.strip():
        raise ValidationError({"concern": "Say what you are worried about."})
    receiver = receiving_agency(ReferralSource.PRACTITIONER)
    with transaction.atomic():
        referral = Referral.objects.create(
            young_person=young_person,
            source=ReferralSource.PRACTITIONER,
            referring_agency=_agency_of(actor),
            referrer=actor,
            receiving_agency=receiver,
            receipt=_new_receipt(),
            received_at=received_at or timezone.now(),
            concern=concern.strip(),
            consent_status=str(consent_status),
            is_synthetic=is_synthetic,
            lawful_basis=lawful_basis,
            reason_without_consent=reason_without_consent.strip(),
        )
        do_record_sharing_decision(
            actor=actor,
            young_person=young_person,
            shared=True,
            to_agency=receiver,
            what=f"Referral {referral.receipt}",
            purpose="Referral to the MASH for a multi-agency response",
            consent_status=consent_status,
            lawful_basis=lawful_basis,
            reason_without_consent=reason_without_consent,
            next_steps_discussed=next_steps_discussed,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type="referral",
            object_id=referral.pk,
            recipient=receiver.short_name,
            details={"young_person": young_person.pk, "receipt": referral.receipt},
        )
    return referral


def _identifiers(field: str, raw: str, normalise: object) -> str:
    values = []
    for number, part in enumerate(raw.replace(";", ",").split(","), start=1):
        if not part.strip():
            continue
        try:
            values.append(normalise(part))  # type: ignore[operator]
        except identifiers.IdentifierError as error:
            raise ValidationError({field: f"Entry {number}: {error}"}) from error
    return ", ".join(values)


def do_submit_partner_concern(
    *,
    actor: User,
    concern: str,
    subject_description: str = "",
    where: str = "",
    when_seen: str = "",
    vehicles: str = "",
    phones: str = "",
    received_at: datetime | None = None,
    is_synthetic: bool = False,
) -> Referral:
    """A hotel, taxi firm or other community partner tells the partnership what they saw.

    They get a receipt and nothing else: what they sent is not shown back to them.
    """
    if actor.role != Role.COMMUNITY_PARTNER or not actor.is_active:
        raise PermissionDenied("This form is for community partners.")
    if not concern.strip():
        raise ValidationError({"concern": "Tell us what you saw or heard."})
    vehicles = _identifiers("vehicles", vehicles, identifiers.normalise_vrm)
    phones = _identifiers("phones", phones, identifiers.normalise_uk_phone)
    receiver = receiving_agency(ReferralSource.COMMUNITY_PARTNER)
    with transaction.atomic():
        referral = Referral.objects.create(
            source=ReferralSource.COMMUNITY_PARTNER,
            referring_agency=_agency_of(actor),
            referrer=actor,
            receiving_agency=receiver,
            receipt=_new_receipt(),
            received_at=received_at or timezone.now(),
            concern=concern.strip(),
            subject_description=subject_description.strip(),
            where=where.strip(),
            when_seen=when_seen.strip(),
            vehicles=vehicles,
            phones=phones,
            is_synthetic=is_synthetic,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type="referral",
            object_id=referral.pk,
            recipient=receiver.short_name,
            details={"receipt": referral.receipt, "source": "community_partner"},
        )
    return referral


def can_screen(user: User, referral: Referral) -> bool:
    return (
        user.role == Role.MASH_SCREENER
        and user.is_active
        and user.agency_id == referral.receiving_agency_id
    )


def do_screen(
    *,
    actor: User,
    referral: Referral,
    rating: Rating | str,
    rationale: str,
    decision: ScreeningDecision | str,
    decision_reason: str = "",
) -> Screening:
    """The MASH decision on a referral: a rating with its rationale, and the next step."""
    if not can_screen(actor, referral):
        raise PermissionDenied("Only a MASH screener of the receiving agency can screen this.")
    errors: dict[str, str] = {}
    if not rationale.strip():
        errors["rationale"] = "Give the rationale for the rating."
    if decision == ScreeningDecision.NO_FURTHER_ACTION and not decision_reason.strip():
        errors["decision_reason"] = "Say why no further action is needed."
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    with transaction.atomic():
        current = Referral.objects.select_for_update().get(pk=referral.pk)
        if current.status != ReferralStatus.AWAITING_SCREENING:
            raise ValidationError("This referral has already been screened.")
        screening = Screening.objects.create(
            referral=current,
            screener=actor,
            screened_at=now,
            rating=Rating(rating),
            rationale=rationale.strip(),
            decision=ScreeningDecision(decision),
            decision_reason=decision_reason.strip(),
            within_clock=now <= current.received_at + timedelta(hours=24),
        )
        current.status = ReferralStatus.SCREENED
        current.save(update_fields=["status"])
        if current.young_person is not None:
            do_add_relationship(
                actor=None,
                young_person=current.young_person,
                user=actor,
                kind=RelationshipKind.SCREENER,
                reason=f"Screened referral {current.receipt}",
                ends_at=now + timedelta(days=30),
            )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type="screening",
            object_id=screening.pk,
            details={
                "referral": current.pk,
                "rating": screening.rating,
                "decision": screening.decision,
                "within_clock": screening.within_clock,
            },
        )
    return screening


# --- Cases: who may do what ----------------------------------------------------------------

CASE_MANAGERS = frozenset({Role.COORDINATOR, Role.MASH_SCREENER})
# Told in emails, which leave the system: never the young person's name.
ABOUT_SOMEONE = "a young person on your case list"


def _is_member(user: User, case: Case) -> bool:
    return CaseMember.objects.filter(case=case, user=user, removed_at__isnull=True).exists()


def manages_case(user: User, case: Case) -> bool:
    """The coordinator, a MASH screener, and the case's lead professional run the case."""
    if not user.reads_case_content:
        return False
    return user.role in CASE_MANAGERS or case.lead_id == user.pk


def works_on_case(user: User, case: Case) -> bool:
    """Managers, and anyone currently in the case team."""
    return manages_case(user, case) or (user.reads_case_content and _is_member(user, case))


def _notify(**kwargs: object) -> None:
    from notifications.api import notify

    notify(**kwargs)  # type: ignore[arg-type]


def _tell_case_team(case: Case, *, actor: User | None, kind: str, message: str) -> None:
    """Tell everyone on the case (except who did it) that it changed."""
    team = User.objects.filter(
        pk__in=CaseMember.objects.filter(case=case, removed_at__isnull=True).values("user_id"),
        is_active=True,
    )
    if actor is not None:
        team = team.exclude(pk=actor.pk)
    members = list(team)
    if members:
        _notify(
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
    if not (actor.reads_case_content and actor.role in CASE_MANAGERS):
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
            object_type="case",
            object_id=case.pk,
            details={"young_person": young_person.pk, "lead": lead.pk, "status": case.status},
        )
        if lead.pk != actor.pk:
            _notify(
                kind="case_lead",
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
            object_type="case",
            object_id=case.pk,
            recipient=user.get_username(),
            details={"change": "member_added", "member": member.pk},
        )
        _notify(
            kind="case_member",
            message=f"You have been added to the case team for {ABOUT_SOMEONE}.",
            users=[user],
            url=reverse("cases:detail", args=[case.pk]),
            object_type="case",
            object_id=case.pk,
        )
        _tell_case_team(
            case,
            actor=actor,
            kind="case_changed",
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
            object_type="case",
            object_id=case.pk,
            purpose=reason.strip(),
            recipient=member.user.get_username(),
            details={"change": "member_removed", "member": member.pk},
        )
        _tell_case_team(
            case,
            actor=actor,
            kind="case_changed",
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
    if action.owner_id == user.pk or user.role == Role.COORDINATOR:
        return True
    if action.owner_agency_id == user.agency_id and user.role != Role.IG_OFFICER:
        return True
    return action.case is not None and action.case.lead_id == user.pk


def can_cancel_action(user: User, action: Action) -> bool:
    if not user.reads_case_content or action.status != ActionStatus.OPEN:
        return False
    if user.role == Role.COORDINATOR or action.created_by_id == user.pk:
        return True
    return action.case is not None and action.case.lead_id == user.pk


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
            object_type="action",
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
            _notify(
                kind="action_assigned",
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
                kind="case_changed",
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
            object_type="action",
            object_id=current.pk,
            purpose=note,
            details={"change": change, "case": current.case_id},
        )
        if current.case is not None:
            _tell_case_team(
                current.case,
                actor=actor,
                kind="case_changed",
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
            "Only whoever set the action, the lead professional or the coordinator can cancel it."
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

"""Every write in MASE: meetings, attendance, the agenda, minutes, actions, disruption, activity.

The coordinator runs meetings. Actions agreed at a meeting and disruption actions are made with
``cases.actions.do_assign_action`` (so they are the same tracked actions as a case plan's) and
linked here.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from cases.actions import do_assign_action, do_cancel_action, do_complete_action
from cases.models import ActionSource, ActionStatus, Case, CaseStatus
from governance import audit
from governance.models import AuditAction, AuditObject
from governance.permissions import Capability, may
from mase import volt
from mase.models import (
    SECTION_ORDER,
    ActivityKind,
    ActivityOrganisation,
    AgendaItem,
    Attendance,
    DisruptionAction,
    DisruptionKind,
    DisruptionOutcome,
    DisruptionPlan,
    ItemSource,
    Meeting,
    MeetingAction,
    MeetingStatus,
    OrganisationKind,
    PartnershipActivity,
    PlanStatus,
    Presence,
    Section,
    SubjectKind,
    TargetKind,
)
from mase.queries import can_run_meetings
from partnership.models import Agency, AgencyKind, User
from people.models import YoungPerson


def _require_runner(actor: User, what: str = "run MASE meetings") -> None:
    if not can_run_meetings(actor):
        raise PermissionDenied(f"Only the CSE coordinator can {what}.")


def _require_open(meeting: Meeting) -> None:
    if meeting.status == MeetingStatus.CANCELLED:
        raise ValidationError("This meeting was cancelled.")


# --- Meetings and attendance -------------------------------------------------------------


def do_schedule_meeting(
    *,
    actor: User,
    starts_at: datetime,
    chair: User,
    place: str,
    is_synthetic: bool = False,
) -> Meeting:
    _require_runner(actor)
    errors: dict[str, str] = {}
    if not can_run_meetings(chair):
        errors["chair"] = "The chair must be an active CSE coordinator."
    if not place.strip():
        errors["place"] = "Say where the meeting is (a room, or that it is online)."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            starts_at=starts_at,
            chair=chair,
            place=place.strip(),
            created_by=actor,
            created_at=timezone.now(),
            is_synthetic=is_synthetic,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.MASE_MEETING,
            object_id=meeting.pk,
            details={"chair": chair.pk, "starts_at": starts_at.isoformat()},
        )
    return meeting


def do_set_meeting_status(*, actor: User, meeting: Meeting, status: MeetingStatus | str) -> Meeting:
    """Mark a meeting held or cancelled (or back to scheduled, to correct a mistake)."""
    _require_runner(actor)
    status = MeetingStatus(status)
    if status == MeetingStatus.HELD and meeting.starts_at > timezone.now():
        raise ValidationError({"status": "A meeting cannot be marked held before it starts."})
    with transaction.atomic():
        before = meeting.status
        meeting.status = status
        meeting.save(update_fields=["status"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.MASE_MEETING,
            object_id=meeting.pk,
            details={"status": status.value, "was": before},
        )
    return meeting


def do_record_attendance(
    *,
    actor: User,
    meeting: Meeting,
    agency: Agency,
    presence: Presence | str,
    person: User | None = None,
    name: str = "",
) -> Attendance:
    """Add someone to the meeting's list, or change whether they came. One row per person (or
    per name, for someone without an account) per meeting."""
    _require_runner(actor)
    _require_open(meeting)
    presence = Presence(presence)
    errors: dict[str, str] = {}
    if not agency.is_active:
        errors["agency"] = "Choose an active partnership agency."
    if person is not None and person.agency_id != agency.pk:
        errors["person"] = "The person must work in the agency they attend for."
    if person is None and not name.strip():
        errors["name"] = "Choose a person or type the name of whoever attends."
    if presence != Presence.INVITED and meeting.starts_at > timezone.now():
        errors["presence"] = "Record who came, or sent apologies, once the meeting has started."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = Attendance.objects.filter(meeting=meeting, agency=agency)
        existing = (
            existing.filter(person=person)
            if person
            else existing.filter(person__isnull=True, name=name.strip())
        )
        row = existing.first()
        if row is None:
            row = Attendance.objects.create(
                meeting=meeting, agency=agency, person=person, name=name.strip(), presence=presence
            )
        else:
            row.presence = presence
            row.save(update_fields=["presence"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.MASE_MEETING,
            object_id=meeting.pk,
            recipient=agency.short_name,
            details={"attendance": row.pk, "presence": presence.value},
        )
    return row


# --- The agenda --------------------------------------------------------------------------


def _next_position(meeting: Meeting) -> int:
    highest = meeting.items.aggregate(highest=Max("position"))["highest"]
    return (highest or 0) + 1


def do_prepare_agenda(*, actor: User, meeting: Meeting) -> list[AgendaItem]:
    """Assemble the VOLT agenda from the data, as the coordinator may see it.

    Preparing again adds what has appeared since (new high-risk young people, actions left open)
    and keeps what is there, with its minutes and the chair's order.
    """
    _require_runner(actor, "prepare a MASE agenda")
    _require_open(meeting)
    if meeting.status == MeetingStatus.HELD:
        raise ValidationError("This meeting has been held: its agenda is the record of it.")
    suggested = volt.candidates(actor, meeting)
    with transaction.atomic():
        existing = {volt.item_key(item) for item in meeting.items.all()}
        position = _next_position(meeting)
        added: list[AgendaItem] = []
        ordered = sorted(suggested, key=lambda c: SECTION_ORDER.index(c.section))
        for candidate in ordered:
            if candidate.key in existing:
                continue
            existing.add(candidate.key)
            added.append(
                AgendaItem.objects.create(
                    meeting=meeting,
                    section=candidate.section,
                    position=position,
                    title=candidate.title[:200],
                    reason=candidate.reason[:300],
                    source=(
                        ItemSource.CARRIED
                        if candidate.section == Section.CARRIED_FORWARD
                        else ItemSource.ASSEMBLED
                    ),
                    subject_kind=candidate.subject_kind,
                    young_person=candidate.young_person,
                    link_kind=candidate.link_kind,
                    link_value=candidate.link_value,
                    business=candidate.business,
                    record_type=candidate.record_type,
                    carried_action=candidate.carried_action,
                    disruption_plan=candidate.disruption_plan,
                )
            )
            position += 1
        meeting.agenda_prepared_at = timezone.now()
        meeting.save(update_fields=["agenda_prepared_at"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.MASE_MEETING,
            object_id=meeting.pk,
            details={
                "agenda_prepared": True,
                "added": len(added),
                "by_section": {
                    key: sum(1 for item in added if item.section == key) for key in SECTION_ORDER
                },
            },
        )
    return added


def do_add_agenda_item(
    *,
    actor: User,
    meeting: Meeting,
    section: Section | str,
    title: str,
    reason: str = "",
    young_person: YoungPerson | None = None,
) -> AgendaItem:
    _require_runner(actor, "change the agenda")
    _require_open(meeting)
    errors: dict[str, str] = {}
    if section not in SECTION_ORDER:
        errors["section"] = "Choose the part of the agenda."
    if not title.strip():
        errors["title"] = "Give the item a title."
    elif len(title.strip()) > 200:
        errors["title"] = "Keep the title to 200 characters; put more in the reason."
    if young_person is not None and not volt.visible_young_people(actor, {young_person.pk}):
        errors["young_person"] = "You may not put this young person on the agenda."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        item = AgendaItem.objects.create(
            meeting=meeting,
            section=Section(section),
            position=_next_position(meeting),
            title=title.strip(),
            reason=reason.strip()[:300],
            source=ItemSource.ADDED,
            subject_kind=SubjectKind.YOUNG_PERSON if young_person else SubjectKind.NONE,
            young_person=young_person,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.MASE_AGENDA_ITEM,
            object_id=item.pk,
            details={
                "meeting": meeting.pk,
                "section": item.section,
                "young_person": getattr(young_person, "pk", None),
            },
        )
    return item


def do_remove_agenda_item(*, actor: User, item: AgendaItem) -> None:
    _require_runner(actor, "change the agenda")
    _require_open(item.meeting)
    if item.minutes or item.decisions or item.actions.exists():
        raise ValidationError(
            "This item has minutes or actions: it is part of the record and cannot be removed."
        )
    with transaction.atomic():
        audit.record(
            AuditAction.DISPOSE,
            actor=actor,
            object_type=AuditObject.MASE_AGENDA_ITEM,
            object_id=item.pk,
            details={"meeting": item.meeting_id, "section": item.section, "source": item.source},
        )
        item.delete()


def do_move_agenda_item(*, actor: User, item: AgendaItem, direction: str) -> AgendaItem:
    """Move an item up or down within its part of the agenda (VOLT order stays fixed)."""
    _require_runner(actor, "change the agenda")
    _require_open(item.meeting)
    if direction not in ("up", "down"):
        raise ValidationError({"direction": "Move an item up or down."})
    with transaction.atomic():
        siblings = AgendaItem.objects.select_for_update().filter(
            meeting_id=item.meeting_id, section=item.section
        )
        if direction == "up":
            neighbour = siblings.filter(position__lt=item.position).order_by("-position").first()
        else:
            neighbour = siblings.filter(position__gt=item.position).order_by("position").first()
        if neighbour is None:
            return item  # already at the top (or bottom): nothing to do
        item.position, neighbour.position = neighbour.position, item.position
        neighbour.save(update_fields=["position"])
        item.save(update_fields=["position"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.MASE_AGENDA_ITEM,
            object_id=item.pk,
            details={"moved": direction, "meeting": item.meeting_id},
        )
    return item


def do_record_minutes(
    *, actor: User, item: AgendaItem, minutes: str, decisions: str = ""
) -> AgendaItem:
    _require_runner(actor, "record minutes")
    _require_open(item.meeting)
    if not minutes.strip() and not decisions.strip():
        raise ValidationError({"minutes": "Write what was discussed, or the decision made."})
    with transaction.atomic():
        item.minutes = minutes.strip()
        item.decisions = decisions.strip()
        item.minuted_by = actor
        item.minuted_at = timezone.now()
        item.save(update_fields=["minutes", "decisions", "minuted_by", "minuted_at"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.MASE_AGENDA_ITEM,
            object_id=item.pk,
            details={"minutes": True, "meeting": item.meeting_id},
        )
    return item


def do_assign_meeting_action(
    *,
    actor: User,
    item: AgendaItem,
    title: str,
    owner_agency: Agency,
    due_on: date,
    owner: User | None = None,
    detail: str = "",
    is_synthetic: bool = False,
    allow_past_due: bool = False,
) -> Any:
    """An action agreed on an agenda item: a casework action from the MASE meeting, about the
    item's young person if it has one. It stays on later agendas until it is done."""
    _require_runner(actor, "assign actions at a MASE meeting")
    _require_open(item.meeting)
    young_person = item.young_person
    if young_person is None and item.carried_action is not None:
        young_person = item.carried_action.young_person
    with transaction.atomic():
        open_case = _open_case_for(young_person)
        action = do_assign_action(
            actor=actor,
            title=title,
            owner_agency=owner_agency,
            due_on=due_on,
            owner=owner,
            young_person=young_person,
            source=ActionSource.MASE,
            detail=detail,
            is_synthetic=is_synthetic,
            allow_past_due=allow_past_due,
        )
        if open_case is not None:
            # The meeting's authority to set the action is the chair's, not the case team's:
            # the action joins the young person's open plan so the case team sees it there.
            action.case = open_case
            action.save(update_fields=["case"])
        link = MeetingAction.objects.create(meeting=item.meeting, item=item, action=action)
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.MASE_ACTION,
            object_id=link.pk,
            recipient=owner_agency.short_name,
            details={
                "meeting": item.meeting_id,
                "item": item.pk,
                "action": action.pk,
                "case": getattr(open_case, "pk", None),
            },
        )
    return action


def _open_case_for(young_person: YoungPerson | None) -> Case | None:
    """The young person's open case, if there is one (there is at most one)."""
    if young_person is None:
        return None
    return (
        Case.objects.select_for_update()
        .filter(young_person=young_person)
        .exclude(status=CaseStatus.CLOSED)
        .first()
    )


# --- Disruption --------------------------------------------------------------------------


def do_create_disruption_plan(
    *,
    actor: User,
    target_kind: TargetKind | str,
    target: str,
    lead_agency: Agency,
    aim: str = "",
    link_kind: str = "",
    link_value: str = "",
    meeting: Meeting | None = None,
    is_synthetic: bool = False,
) -> DisruptionPlan:
    _require_runner(actor, "open a disruption plan")
    errors: dict[str, str] = {}
    if target_kind not in TargetKind.values:
        errors["target_kind"] = "Choose a person of interest, a location or a business."
    if not target.strip():
        errors["target"] = "Describe who or where the plan is against."
    if not lead_agency.is_active or lead_agency.kind == AgencyKind.COMMUNITY_PARTNER:
        errors["lead_agency"] = "Choose a partnership agency to lead the plan."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = DisruptionPlan.objects.create(
            target_kind=TargetKind(target_kind),
            target=target.strip()[:200],
            aim=aim.strip(),
            lead_agency=lead_agency,
            link_kind=link_kind,
            link_value=link_value,
            meeting=meeting,
            created_by=actor,
            created_at=timezone.now(),
            is_synthetic=is_synthetic,
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.DISRUPTION_PLAN,
            object_id=plan.pk,
            recipient=lead_agency.short_name,
            details={"target_kind": plan.target_kind, "meeting": getattr(meeting, "pk", None)},
        )
    return plan


def do_add_disruption_action(
    *,
    actor: User,
    plan: DisruptionPlan,
    kind: DisruptionKind | str,
    title: str,
    owner_agency: Agency,
    due_on: date,
    owner: User | None = None,
    detail: str = "",
    is_synthetic: bool = False,
    allow_past_due: bool = False,
) -> DisruptionAction:
    _require_runner(actor, "add disruption actions")
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError("This plan is closed.")
    if kind not in DisruptionKind.values:
        raise ValidationError({"kind": "Choose the kind of disruption."})
    with transaction.atomic():
        action = do_assign_action(
            actor=actor,
            title=title,
            owner_agency=owner_agency,
            due_on=due_on,
            owner=owner,
            source=ActionSource.DISRUPTION,
            detail=detail,
            is_synthetic=is_synthetic,
            allow_past_due=allow_past_due,
        )
        disruption = DisruptionAction.objects.create(
            plan=plan, kind=DisruptionKind(kind), action=action
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.DISRUPTION_ACTION,
            object_id=disruption.pk,
            recipient=owner_agency.short_name,
            details={"plan": plan.pk, "kind": disruption.kind, "action": action.pk},
        )
    return disruption


def can_record_outcome(user: User, disruption: DisruptionAction) -> bool:
    """The coordinator, or someone in the agency that owns the action (not IG officers)."""
    return may(user, Capability.RECORD_DISRUPTION_OUTCOME, agency=disruption.action.owner_agency_id)


def do_record_disruption_outcome(
    *,
    actor: User,
    disruption: DisruptionAction,
    outcome: DisruptionOutcome | str,
    note: str,
) -> DisruptionAction:
    """What a disruption action achieved. Recording it also closes the tracked action: done,
    or cancelled when it was not pursued."""
    if not can_record_outcome(actor, disruption):
        raise PermissionDenied("Only the owning agency or the coordinator can record the outcome.")
    errors: dict[str, str] = {}
    if outcome not in DisruptionOutcome.values or outcome == DisruptionOutcome.NOT_YET:
        errors["outcome"] = "Choose what the action achieved."
    if not note.strip():
        errors["note"] = "Say what happened."
    if errors:
        raise ValidationError(errors)
    outcome = DisruptionOutcome(outcome)
    with transaction.atomic():
        disruption.outcome = outcome
        disruption.outcome_note = note.strip()
        disruption.outcome_by = actor
        disruption.outcome_at = timezone.now()
        disruption.save(update_fields=["outcome", "outcome_note", "outcome_by", "outcome_at"])
        if disruption.action.status == ActionStatus.OPEN:
            said = f"{outcome.label}: {note.strip()}"
            if outcome == DisruptionOutcome.NOT_PURSUED:
                do_cancel_action(actor=actor, action=disruption.action, reason=said)
            else:
                do_complete_action(actor=actor, action=disruption.action, note=said)
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.DISRUPTION_ACTION,
            object_id=disruption.pk,
            details={"plan": disruption.plan_id, "outcome": outcome.value},
        )
    return disruption


def do_close_disruption_plan(*, actor: User, plan: DisruptionPlan, note: str) -> DisruptionPlan:
    _require_runner(actor, "close a disruption plan")
    if plan.status != PlanStatus.ACTIVE:
        raise ValidationError("This plan is already closed.")
    if not note.strip():
        raise ValidationError({"note": "Say why the plan is closing and what it achieved."})
    with transaction.atomic():
        plan.status = PlanStatus.CLOSED
        plan.closed_at = timezone.now()
        plan.closing_note = note.strip()
        plan.save(update_fields=["status", "closed_at", "closing_note"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.DISRUPTION_PLAN,
            object_id=plan.pk,
            purpose=note.strip(),
            details={"status": plan.status},
        )
    return plan


# --- Partnership activity ----------------------------------------------------------------


def _names(raw: str | list[str]) -> list[str]:
    lines = raw.splitlines() if isinstance(raw, str) else raw
    seen: dict[str, str] = {}
    for line in lines:
        name = line.strip().strip(",")
        if name:
            seen.setdefault(name.casefold(), name[:200])
    return list(seen.values())


def do_record_activity(
    *,
    actor: User,
    held_on: date,
    title: str,
    kind: ActivityKind | str,
    delivered_by_agency: Agency,
    attendees: int,
    delivered_by_name: str = "",
    businesses: str | list[str] = "",
    schools: str | list[str] = "",
    is_synthetic: bool = False,
) -> PartnershipActivity:
    """A training or community-awareness session, with who delivered it and who came."""
    _require_runner(actor, "record partnership activity")
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Give the session a title."
    if kind not in ActivityKind.values:
        errors["kind"] = "Choose training or community awareness."
    if attendees < 0:
        errors["attendees"] = "The number of people who came cannot be negative."
    if held_on > timezone.localdate():
        errors["held_on"] = "Record a session once it has been held."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        activity = PartnershipActivity.objects.create(
            held_on=held_on,
            title=title.strip()[:200],
            kind=ActivityKind(kind),
            delivered_by_agency=delivered_by_agency,
            delivered_by_name=delivered_by_name.strip()[:200],
            attendees=attendees,
            recorded_by=actor,
            recorded_at=timezone.now(),
            is_synthetic=is_synthetic,
        )
        ActivityOrganisation.objects.bulk_create(
            [
                ActivityOrganisation(activity=activity, kind=OrganisationKind.BUSINESS, name=name)
                for name in _names(businesses)
            ]
            + [
                ActivityOrganisation(activity=activity, kind=OrganisationKind.SCHOOL, name=name)
                for name in _names(schools)
            ]
        )
        audit.record(
            AuditAction.CREATE,
            actor=actor,
            object_type=AuditObject.PARTNERSHIP_ACTIVITY,
            object_id=activity.pk,
            details={"kind": activity.kind, "attendees": attendees},
        )
    return activity

"""MASE meetings, the VOLT agenda, disruption plans, attendance and partnership activity.

Every page is audited; anything a user may not reach answers 404 (``governance.audit.refusal``).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from governance import audit
from governance.audit import refusal as _refused
from governance.models import AuditAction, AuditObject
from kit.access import signed_in_user as _user
from kit.forms import add_action_errors, form_page
from mase import actions, queries, volt
from mase.forms import (
    ActivityForm,
    AgendaItemForm,
    AttendanceForm,
    ClosePlanForm,
    DisruptionActionForm,
    DisruptionPlanForm,
    MeetingActionForm,
    MeetingForm,
    MinutesForm,
    OutcomeForm,
    PeriodForm,
)
from mase.models import AgendaItem, DisruptionAction, Meeting, MeetingStatus
from partnership.models import User


def _meeting(request: HttpRequest, user: User, pk: int, action: AuditAction) -> Meeting:
    try:
        return queries.meeting_or_404(user, pk)
    except Http404:
        raise _refused(request, action, AuditObject.MASE_MEETING, pk) from None


def _runner(
    request: HttpRequest, user: User, action: AuditAction, what: AuditObject, pk: object = ""
) -> None:
    if not queries.can_run_meetings(user):
        raise _refused(request, action, what, pk)


def _item(request: HttpRequest, user: User, pk: int, action: AuditAction) -> AgendaItem:
    item = AgendaItem.objects.select_related("meeting").filter(pk=pk).first()
    if item is None or not queries.meetings_for(user).filter(pk=item.meeting_id).exists():
        raise _refused(request, action, AuditObject.MASE_AGENDA_ITEM, pk)
    if not volt.item_visible_to(user, item):
        raise _refused(request, action, AuditObject.MASE_AGENDA_ITEM, pk)
    return item


def _period(form: PeriodForm) -> queries.Period:
    period = queries.Period.last_months(12)
    if form.is_valid():
        since = form.cleaned_data.get("since") or period.since
        until = form.cleaned_data.get("until") or period.until
        if since <= until:
            return queries.Period(since=since, until=until)
    return period


# --- Meetings ----------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not queries.can_see_partnership_picture(user):
        raise _refused(request, AuditAction.LIST, AuditObject.MASE_MEETING)
    meetings = list(queries.meetings_for(user).order_by("-starts_at")[:100])
    now = timezone.now()
    upcoming = sorted(
        (m for m in meetings if m.status == MeetingStatus.SCHEDULED and m.starts_at >= now),
        key=lambda m: m.starts_at,
    )
    past = [m for m in meetings if m not in upcoming]
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.MASE_MEETING,
        details={"shown": len(meetings)},
    )
    return render(
        request,
        "mase/index.html",
        {
            "upcoming": upcoming,
            "past": past,
            "reads_meetings": user.reads_case_content,
            "can_run": queries.can_run_meetings(user),
        },
    )


@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _runner(request, user, AuditAction.CREATE, AuditObject.MASE_MEETING)
    form = MeetingForm(request.POST or None, initial={"chair": user.pk})

    def shown() -> dict[str, Any]:
        audit.record(
            AuditAction.VIEW,
            request=request,
            object_type=AuditObject.MASE_MEETING,
            purpose="schedule",
        )
        return {}

    return form_page(
        request,
        form,
        lambda: actions.do_schedule_meeting(
            actor=user,
            starts_at=form.starts_at(),
            chair=form.cleaned_data["chair"],
            place=form.cleaned_data["place"],
        ),
        success="Meeting scheduled. Add who is invited, then prepare the agenda.",
        redirect_to=lambda meeting: reverse("mase:meeting", args=[meeting.pk]),
        template="mase/schedule.html",
        context=shown,
        error_status=200,
    )


def meeting(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = _meeting(request, user, pk, AuditAction.VIEW)
    agenda = volt.agenda_for(user, found)
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.MASE_MEETING,
        object_id=found.pk,
        details={"items_shown": agenda.count, "items_hidden": agenda.hidden},
    )
    return render(
        request,
        "mase/meeting.html",
        {
            "meeting": found,
            "agenda": agenda,
            "attendance": found.attendance.select_related("agency", "person"),
            "can_run": queries.can_run_meetings(user),
            "previous": queries.previous_meeting(found),
            "openable_actions": queries.openable_actions(
                user,
                [
                    action
                    for section in agenda.sections
                    for view in section.items
                    for action in view.actions
                ],
            ),
        },
    )


@require_POST
def meeting_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _runner(request, user, AuditAction.UPDATE, AuditObject.MASE_MEETING, pk)
    found = _meeting(request, user, pk, AuditAction.UPDATE)
    try:
        actions.do_set_meeting_status(
            actor=user, meeting=found, status=request.POST.get("status", "")
        )
    except (ValidationError, ValueError) as error:
        messages.error(request, _message(error, "Choose held, cancelled or scheduled."))
    else:
        messages.success(request, f"Meeting marked {found.get_status_display().lower()}.")
    return redirect("mase:meeting", pk=found.pk)


def _message(error: Exception, fallback: str) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return fallback


@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _runner(request, user, AuditAction.UPDATE, AuditObject.MASE_MEETING, pk)
    found = _meeting(request, user, pk, AuditAction.UPDATE)
    form = AttendanceForm(request.POST or None)

    def shown() -> dict[str, Any]:
        audit.record(
            AuditAction.VIEW,
            request=request,
            object_type=AuditObject.MASE_MEETING,
            object_id=found.pk,
        )
        return {
            "meeting": found,
            "attendance": found.attendance.select_related("agency", "person"),
        }

    return form_page(
        request,
        form,
        lambda: actions.do_record_attendance(
            actor=user,
            meeting=found,
            agency=form.cleaned_data["agency"],
            person=form.cleaned_data["person"],
            name=form.cleaned_data["name"],
            presence=form.cleaned_data["presence"],
        ),
        success="Attendance recorded.",
        redirect_to=reverse("mase:attendance", args=[found.pk]),
        template="mase/attendance.html",
        context=shown,
        error_status=200,
    )


@require_POST
def prepare(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _runner(request, user, AuditAction.UPDATE, AuditObject.MASE_MEETING, pk)
    found = _meeting(request, user, pk, AuditAction.UPDATE)
    try:
        added = actions.do_prepare_agenda(actor=user, meeting=found)
    except ValidationError as error:
        messages.error(request, _message(error, ""))
    else:
        messages.success(
            request,
            f"Agenda prepared from the data: {len(added)} new "
            f"item{'s' if len(added) != 1 else ''}.",
        )
    return redirect("mase:meeting", pk=found.pk)


@require_http_methods(["GET", "POST"])
def add_item(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _runner(request, user, AuditAction.CREATE, AuditObject.MASE_AGENDA_ITEM)
    found = _meeting(request, user, pk, AuditAction.CREATE)
    form = AgendaItemForm(request.POST or None, user=user)

    def shown() -> dict[str, Any]:
        listed = form.fields["young_person"].queryset.count()  # type: ignore[attr-defined]
        audit.record(
            AuditAction.VIEW,
            request=request,
            object_type=AuditObject.MASE_MEETING,
            object_id=found.pk,
            details={"form": "add_item", "young_people_listed": listed},
        )
        return {"meeting": found}

    return form_page(
        request,
        form,
        lambda: actions.do_add_agenda_item(actor=user, meeting=found, **form.cleaned_data),
        success="Item added to the agenda.",
        redirect_to=reverse("mase:meeting", args=[found.pk]),
        template="mase/add_item.html",
        context=shown,
        error_status=200,
    )


@require_POST
def move_item(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _runner(request, user, AuditAction.UPDATE, AuditObject.MASE_AGENDA_ITEM, pk)
    item = _item(request, user, pk, AuditAction.UPDATE)
    try:
        actions.do_move_agenda_item(
            actor=user, item=item, direction=request.POST.get("direction", "")
        )
    except ValidationError as error:
        messages.error(request, _message(error, ""))
    response = redirect("mase:meeting", pk=item.meeting_id)
    response["Location"] += f"#item-{item.pk}"
    return response


@require_POST
def remove_item(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    _runner(request, user, AuditAction.DISPOSE, AuditObject.MASE_AGENDA_ITEM, pk)
    item = _item(request, user, pk, AuditAction.DISPOSE)
    meeting_pk = item.meeting_id
    try:
        actions.do_remove_agenda_item(actor=user, item=item)
    except ValidationError as error:
        messages.error(request, _message(error, ""))
    else:
        messages.success(request, f"Removed “{item.title}” from the agenda.")
    return redirect("mase:meeting", pk=meeting_pk)


@require_http_methods(["GET", "POST"])
def item(request: HttpRequest, pk: int) -> HttpResponse:
    """One agenda item: its minutes and decisions, and the actions agreed on it."""
    user = _user(request)
    found = _item(request, user, pk, AuditAction.VIEW)
    can_run = queries.can_run_meetings(user)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    if which and not can_run:
        raise _refused(request, AuditAction.UPDATE, AuditObject.MASE_AGENDA_ITEM, pk)
    minutes_form = MinutesForm(
        request.POST if which == "minutes" else None,
        initial={"minutes": found.minutes, "decisions": found.decisions},
    )
    action_form = MeetingActionForm(request.POST if which == "action" else None)
    if which == "minutes" and minutes_form.is_valid():
        try:
            actions.do_record_minutes(actor=user, item=found, **minutes_form.cleaned_data)
        except ValidationError as error:
            add_action_errors(minutes_form, error)
        else:
            messages.success(request, "Minutes saved.")
            return redirect("mase:item", pk=found.pk)
    if which == "action" and action_form.is_valid():
        try:
            actions.do_assign_meeting_action(actor=user, item=found, **action_form.cleaned_data)
        except ValidationError as error:
            add_action_errors(action_form, error)
        except PermissionDenied:
            raise _refused(request, AuditAction.CREATE, AuditObject.MASE_ACTION, pk) from None
        else:
            messages.success(
                request, "Action assigned. It will be carried forward until it is done."
            )
            return redirect("mase:item", pk=found.pk)
    agreed = [
        link.action
        for link in found.actions.select_related("action__owner_agency", "action__owner")
    ]
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.MASE_AGENDA_ITEM,
        object_id=found.pk,
        details={"meeting": found.meeting_id, "young_person": found.young_person_id},
    )
    return render(
        request,
        "mase/item.html",
        {
            "item": found,
            "meeting": found.meeting,
            "agreed": agreed,
            "openable_actions": queries.openable_actions(
                user, [*agreed, *([found.carried_action] if found.carried_action else [])]
            ),
            "minutes_form": minutes_form,
            "action_form": action_form,
            "can_run": can_run and found.meeting.status != MeetingStatus.CANCELLED,
        },
    )


# --- The strategic picture ---------------------------------------------------------------


def attendance_report(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not queries.can_see_partnership_picture(user):
        raise _refused(request, AuditAction.LIST, AuditObject.MASE_ATTENDANCE)
    form = PeriodForm(request.GET or None)
    period = _period(form)
    report = queries.attendance_report(period)
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.MASE_ATTENDANCE,
        details={"since": period.since.isoformat(), "until": period.until.isoformat()},
    )
    return render(request, "mase/attendance_report.html", {"form": form, "report": report})


def activity(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not queries.can_see_partnership_picture(user):
        raise _refused(request, AuditAction.LIST, AuditObject.PARTNERSHIP_ACTIVITY)
    form = PeriodForm(request.GET or None)
    period = _period(form)
    kind = form.cleaned_data.get("kind", "") if form.is_bound and form.is_valid() else ""
    summary = queries.activity_in(period, kind)
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.PARTNERSHIP_ACTIVITY,
        details={
            "since": period.since.isoformat(),
            "until": period.until.isoformat(),
            "shown": len(summary.activities),
        },
    )
    return render(
        request,
        "mase/activity.html",
        {"form": form, "summary": summary, "can_record": queries.can_run_meetings(user)},
    )


@require_http_methods(["GET", "POST"])
def record_activity(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _runner(request, user, AuditAction.CREATE, AuditObject.PARTNERSHIP_ACTIVITY)
    form = ActivityForm(request.POST or None)

    def shown() -> dict[str, Any]:
        audit.record(
            AuditAction.VIEW, request=request, object_type=AuditObject.PARTNERSHIP_ACTIVITY
        )
        return {}

    return form_page(
        request,
        form,
        lambda: actions.do_record_activity(actor=user, **form.cleaned_data),
        success="Session recorded.",
        redirect_to="mase:activity",
        template="mase/record_activity.html",
        context=shown,
        error_status=200,
    )


# --- Disruption --------------------------------------------------------------------------


def disruption_plans(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.reads_case_content:
        raise _refused(request, AuditAction.LIST, AuditObject.DISRUPTION_PLAN)
    plans = list(queries.disruption_plans_for(user).prefetch_related("actions__action")[:200])
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.DISRUPTION_PLAN,
        details={"shown": len(plans)},
    )
    return render(
        request,
        "mase/disruption_plans.html",
        {"plans": plans, "can_run": queries.can_run_meetings(user)},
    )


@require_http_methods(["GET", "POST"])
def new_disruption_plan(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    _runner(request, user, AuditAction.CREATE, AuditObject.DISRUPTION_PLAN)
    form = DisruptionPlanForm(request.POST or None)

    def shown() -> dict[str, Any]:
        audit.record(AuditAction.VIEW, request=request, object_type=AuditObject.DISRUPTION_PLAN)
        return {}

    return form_page(
        request,
        form,
        lambda: actions.do_create_disruption_plan(actor=user, **form.cleaned_data),
        success="Disruption plan opened. Add its actions.",
        redirect_to=lambda plan: reverse("mase:disruption-plan", args=[plan.pk]),
        template="mase/new_disruption_plan.html",
        context=shown,
        error_status=200,
    )


@require_http_methods(["GET", "POST"])
def disruption_plan(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    try:
        plan = queries.disruption_plan_or_404(user, pk)
    except Http404:
        raise _refused(request, AuditAction.VIEW, AuditObject.DISRUPTION_PLAN, pk) from None
    can_run = queries.can_run_meetings(user)
    which = request.POST.get("form", "") if request.method == "POST" else ""
    if which and not can_run:
        raise _refused(request, AuditAction.UPDATE, AuditObject.DISRUPTION_PLAN, pk)
    action_form = DisruptionActionForm(request.POST if which == "action" else None)
    close_form = ClosePlanForm(request.POST if which == "close" else None)
    if which == "action" and action_form.is_valid():
        try:
            actions.do_add_disruption_action(actor=user, plan=plan, **action_form.cleaned_data)
        except ValidationError as error:
            add_action_errors(action_form, error)
        except PermissionDenied:
            raise _refused(request, AuditAction.CREATE, AuditObject.DISRUPTION_ACTION, pk) from None
        else:
            messages.success(request, "Disruption action added.")
            return redirect("mase:disruption-plan", pk=plan.pk)
    if which == "close" and close_form.is_valid():
        try:
            actions.do_close_disruption_plan(
                actor=user, plan=plan, note=close_form.cleaned_data["note"]
            )
        except ValidationError as error:
            add_action_errors(close_form, error)
        else:
            messages.success(request, "Disruption plan closed.")
            return redirect("mase:disruption-plan", pk=plan.pk)
    rows = [
        (row, actions.can_record_outcome(user, row))
        for row in plan.actions.select_related("action__owner_agency", "action__owner")
    ]
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.DISRUPTION_PLAN,
        object_id=plan.pk,
    )
    return render(
        request,
        "mase/disruption_plan.html",
        {
            "plan": plan,
            "rows": rows,
            "openable_actions": queries.openable_actions(user, [row.action for row, _ in rows]),
            "action_form": action_form,
            "close_form": close_form,
            "can_run": can_run,
        },
    )


@require_http_methods(["GET", "POST"])
def disruption_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    row = (
        DisruptionAction.objects.select_related("plan", "action", "action__owner_agency")
        .filter(pk=pk, plan__in=queries.disruption_plans_for(user))
        .first()
    )
    if row is None or not actions.can_record_outcome(user, row):
        raise _refused(request, AuditAction.UPDATE, AuditObject.DISRUPTION_ACTION, pk)
    form = OutcomeForm(request.POST or None)

    def shown() -> dict[str, Any]:
        audit.record(
            AuditAction.VIEW,
            request=request,
            object_type=AuditObject.DISRUPTION_ACTION,
            object_id=row.pk,
        )
        return {"row": row}

    return form_page(
        request,
        form,
        lambda: actions.do_record_disruption_outcome(
            actor=user, disruption=row, **form.cleaned_data
        ),
        success="Outcome recorded.",
        redirect_to=reverse("mase:disruption-plan", args=[row.plan_id]),
        template="mase/disruption_outcome.html",
        context=shown,
        error_status=200,
    )

"""Agency records: the partnership list, one record, recording, editing and who has seen it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from governance import audit, policy
from governance.audit import refusal as _refuse
from governance.models import AuditAction, AuditObject, Level
from kit.access import signed_in_user as _user
from kit.forms import add_action_errors
from kit.paginator import CappedPaginator
from records import actions, queries
from records.forms import EditRecordForm, FilterForm, LinkForm, RecordForm
from records.models import AgencyRecord


def _record_at_level(
    request: HttpRequest, pk: int, minimum: Level, action: AuditAction
) -> tuple[AgencyRecord, policy.Viewer, Level]:
    """The record and the viewer's level, or 404 (and a refused audit row) below ``minimum``."""
    user = _user(request)
    record = (
        AgencyRecord.objects.select_related(
            "record_type", "owning_agency", "owning_service", "young_person", "author"
        )
        .filter(pk=pk)
        .first()
    )
    if record is None:
        raise _refuse(request, action, AuditObject.AGENCY_RECORD, pk)
    viewer = policy.viewer_for(user, record.young_person)
    level = policy.level_of(viewer, record)
    if level < minimum:
        raise _refuse(request, action, AuditObject.AGENCY_RECORD, pk)
    return record, viewer, level


def record_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not policy.reads_case_content(user):
        raise _refuse(request, AuditAction.LIST, AuditObject.AGENCY_RECORD, "")
    form = FilterForm(
        request.GET or None, agencies=queries.partnership_agencies(), types=queries.record_types()
    )
    filters = form.filters()
    page = CappedPaginator(queries.filtered_records(user, filters), 50).get_page(
        request.GET.get("page")
    )
    records = list(page.object_list)
    viewers = policy.viewers_for(user, {record.young_person_id for record in records})
    rows = [
        queries.Entry(record, policy.level_of(viewers[record.young_person_id], record))
        for record in records
    ]
    audit.record(
        AuditAction.SEARCH if filters.active else AuditAction.LIST,
        request=request,
        object_type=AuditObject.AGENCY_RECORD,
        details={"filters": filters.as_audit(), "page": page.number, "shown": len(rows)},
    )
    return render(request, "records/record_list.html", {"form": form, "page": page, "rows": rows})


def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record, viewer, level = _record_at_level(request, pk, Level.SUMMARY, AuditAction.VIEW)
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.AGENCY_RECORD,
        object_id=record.pk,
        details={
            "level": level.label,
            "break_glass": viewer.break_glass and not viewer.in_case_team,
        },
    )
    return render(
        request,
        "records/record_detail.html",
        {
            "record": record,
            "level": level,
            "full": level == Level.FULL,
            "can_edit": policy.can_edit(viewer, record),
            "link_form": LinkForm(),
            "links": record.links.all() if level == Level.FULL else [],
            "history": record.history.select_related("changed_by") if level == Level.FULL else [],
            "owner_view": record.owning_agency_id == viewer.user.agency_id,
        },
    )


@require_http_methods(["GET", "POST"])
def record_new(request: HttpRequest, young_person_pk: int) -> HttpResponse:
    user = _user(request)
    young_person = policy.young_person_or_404(user, young_person_pk)
    if not policy.can_record_for(user):
        raise _refuse(request, AuditAction.CREATE, AuditObject.YOUNG_PERSON, young_person_pk)
    form = RecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            record = actions.do_record(
                actor=user,
                young_person=young_person,
                record_type=data["record_type"],
                occurred_at=data["occurred_at"],
                ended_at=data["ended_at"],
                title=data["title"],
                details=data["details"],
                location=data["location"],
                nature=data["nature"],
                person_category=data["person_category"],
                classification=data["classification"],
                links=form.links(),
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"{record.record_type.name} recorded.")
            return redirect("records:detail", pk=record.pk)
    return render(request, "records/record_form.html", {"form": form, "young_person": young_person})


@require_http_methods(["GET", "POST"])
def record_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record, viewer, _ = _record_at_level(request, pk, Level.FULL, AuditAction.UPDATE)
    if not policy.can_edit(viewer, record):
        raise _refuse(request, AuditAction.UPDATE, AuditObject.AGENCY_RECORD, pk)
    form = (
        EditRecordForm(request.POST)
        if request.method == "POST"
        else EditRecordForm.for_record(record)
    )
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_edit_record(
                actor=_user(request),
                record=record,
                expected_version=form.cleaned_data["version"],
                changes=form.changes(record),
            )
        except actions.StaleEdit as stale:
            conflict = {"current": stale.current, "attempted": form.cleaned_data}
            # Offer the colleague's version as the new base, keeping what this user typed.
            form = EditRecordForm({**request.POST.dict(), "version": stale.current.version})
            form.is_valid()
        except PermissionDenied:
            raise _refuse(request, AuditAction.UPDATE, AuditObject.AGENCY_RECORD, pk) from None
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Changes saved.")
            return redirect("records:detail", pk=record.pk)
    return render(
        request,
        "records/record_edit.html",
        {"form": form, "record": record, "conflict": conflict},
        status=409 if conflict else 200,
    )


def record_seen_by(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has seen this record: for the owning agency's staff and its IG officer."""
    record, viewer, _ = _record_at_level(request, pk, Level.SUMMARY, AuditAction.VIEW)
    if record.owning_agency_id != viewer.user.agency_id:
        raise _refuse(request, AuditAction.VIEW, AuditObject.RECORD_ACCESS_LOG, pk)
    events = list(queries.seen_by(record)[:200])
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.RECORD_ACCESS_LOG,
        object_id=record.pk,
    )
    return render(request, "records/record_seen_by.html", {"record": record, "events": events})


@require_http_methods(["POST"])
def record_add_link(request: HttpRequest, pk: int) -> HttpResponse:
    """Link a phone, vehicle, place or online identity to a record the user may edit."""
    record, viewer, _ = _record_at_level(request, pk, Level.FULL, AuditAction.UPDATE)
    if not policy.can_edit(viewer, record):
        raise _refuse(request, AuditAction.UPDATE, AuditObject.AGENCY_RECORD, pk)
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            actions.do_add_link(
                actor=_user(request),
                record=record,
                link=actions.LinkInput(
                    form.cleaned_data["kind"],
                    form.cleaned_data["value"],
                    form.cleaned_data["label"],
                ),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Link added.")
    else:
        messages.error(request, "Choose what kind of link it is and enter its value.")
    return redirect("records:detail", pk=pk)

"""Agency records: the partnership list, one record, recording, editing, who has seen it, and
each young person's multi-agency chronology with its CSV export."""

from __future__ import annotations

import csv
import time
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from governance import audit, policy
from governance.audit import refusal as _refuse
from governance.models import AuditAction, AuditObject, Level
from kit.access import signed_in_user as _user
from kit.forms import add_action_errors, form_page
from kit.fresh import ask_for_code, fresh_since, spend_fresh_code
from kit.paginator import CappedPaginator
from partnership.models import User
from people.models import YoungPerson
from records import actions, queries
from records.forms import (
    ConcernCategoryForm,
    ConfirmForm,
    EditRecordForm,
    ExportForm,
    ExportPurpose,
    FilterForm,
    LinkForm,
    RecordForm,
)
from records.models import AgencyRecord, ConcernCategory

CHRONOLOGY_PAGE = 100


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
    rows = queries.list_entries(user, records)
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
            "type_label": policy.type_label(viewer, record, level),
            "full": level == Level.FULL,
            "can_edit": policy.can_edit(viewer, record),
            "link_form": LinkForm(),
            "links": record.links.all() if level == Level.FULL else [],
            "facts": queries.fact_rows(record.facts) if level == Level.FULL else [],
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
    audit.shown(request, AuditObject.YOUNG_PERSON, young_person.pk, page="new-record")
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
    # The edit form shows the whole record: a read, written as one like the record page's.
    audit.shown(
        request,
        AuditObject.AGENCY_RECORD,
        record.pk,
        page="edit",
        young_person=record.young_person_id,
    )
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


# --- One young person's chronology ----------------------------------------------------------


def _young_person(request: HttpRequest, pk: int, action: AuditAction) -> YoungPerson:
    try:
        return policy.young_person_or_404(request.user, pk)
    except Http404:
        raise _refuse(request, action, AuditObject.YOUNG_PERSON, pk) from None


def chronology(request: HttpRequest, pk: int) -> HttpResponse:
    young_person = _young_person(request, pk, AuditAction.VIEW)
    user = _user(request)
    form = FilterForm(
        request.GET or None, agencies=queries.partnership_agencies(), types=queries.record_types()
    )
    chronology = queries.chronology_for(user, young_person, form.filters())
    viewer = chronology.viewer
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.YOUNG_PERSON,
        object_id=young_person.pk,
        purpose="break-glass" if viewer.break_glass and not viewer.in_case_team else "",
        details={
            "entries": len(chronology.entries),
            "full": chronology.full_count,
            "filters": chronology.filters.as_audit(),
        },
    )
    return render(
        request,
        "records/chronology.html",
        {
            "young_person": young_person,
            "chronology": chronology,
            # The newest entries first, a hundred at a time; flags still cover every record.
            "entries": Paginator(chronology.entries, CHRONOLOGY_PAGE).get_page(
                request.GET.get("page")
            ),
            "form": form,
            "identity": policy.identity_for(viewer, young_person),
            "show_demographics": viewer.need_to_know,
            "can_record": policy.can_record_for(user),
            "can_break_glass": chronology.break_glass_would_help
            and not viewer.break_glass
            and policy.can_record_for(user),
            "can_export": policy.can_export_chronology(viewer),
            "identities": young_person.recorded_identities.select_related("agency")
            if viewer.need_to_know
            else [],
        },
    )


PENDING_EXPORT = "tessera_pending_export"


@require_http_methods(["GET", "POST"])
def export_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    """The chronology as CSV, at the levels this user may see. An export is a disclosure: the
    user says why (a purpose and details), then enters a new security code, every time; the
    export is audited with its purpose and the owning agencies' IG officers are told."""
    young_person = _young_person(request, pk, AuditAction.EXPORT)
    user = _user(request)
    chronology = queries.chronology_for(user, young_person, queries.Filters())
    if not policy.can_export_chronology(chronology.viewer):
        raise _refuse(request, AuditAction.EXPORT, AuditObject.YOUNG_PERSON, pk)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # Kept until the code is entered; the code page brings the user back here by GET.
        request.session[PENDING_EXPORT] = {
            "young_person": young_person.pk,
            "purpose": form.cleaned_data["purpose"],
            "detail": form.cleaned_data["detail"],
            "at": time.time(),
        }
        spend_fresh_code(request)
        return ask_for_code(request)
    pending = request.session.get(PENDING_EXPORT)
    if (
        request.method == "GET"
        and isinstance(pending, dict)
        and pending.get("young_person") == young_person.pk
        and fresh_since(request, float(pending.get("at", 0)))
    ):
        del request.session[PENDING_EXPORT]
        spend_fresh_code(request)
        return _chronology_csv(user, young_person, chronology, pending)
    audit.shown(request, AuditObject.YOUNG_PERSON, young_person.pk, page="export")
    return render(request, "records/export.html", {"form": form, "young_person": young_person})


def _chronology_csv(
    user: User, young_person: YoungPerson, chronology: queries.Chronology, pending: dict[str, Any]
) -> HttpResponse:
    purpose = ExportPurpose(pending["purpose"])
    actions.do_export_chronology(
        actor=user,
        young_person=young_person,
        owning_agency_ids=[entry.record.owning_agency_id for entry in chronology.entries],
        entries=len(chronology.entries),
        purpose=purpose.value,
        purpose_label=str(purpose.label),
        detail=str(pending["detail"]),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="chronology-{young_person.pk}-{stamp}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(["Date", "Agency", "Type", "Nature", "Description", "Level shown"])
    for entry in chronology.entries:
        record = entry.record
        writer.writerow(
            [
                timezone.localtime(record.occurred_at).strftime("%Y-%m-%d %H:%M"),
                record.owning_agency.name,
                entry.type_label,
                record.get_nature_display() if entry.is_full else "",
                _safe_cell(record.title)
                if entry.is_full
                else f"Contact {record.owning_agency.cse_contact or 'the owning agency'}",
                entry.level.label,
            ]
        )
    for flag in chronology.flags:
        writer.writerow(
            [
                "",
                flag.agency.name,
                "Information held",
                "",
                f"Contact {flag.contact}",
                "Existence only",
            ]
        )
    return response


def _safe_cell(value: str) -> str:
    """Stop a spreadsheet from treating a description as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


# --- Concern categories ------------------------------------------------------------------------


def _category_editor(request: HttpRequest, action: AuditAction, pk: object = "") -> User:
    user = _user(request)
    if not actions.may_edit_concern_categories(user):
        raise _refuse(request, action, AuditObject.CONCERN_CATEGORY, pk)
    return user


def _category(request: HttpRequest, pk: int) -> ConcernCategory:
    category = ConcernCategory.objects.filter(pk=pk).first()
    if category is None:
        raise _refuse(request, AuditAction.CONFIGURE, AuditObject.CONCERN_CATEGORY, pk)
    return category


def concern_categories(request: HttpRequest) -> HttpResponse:
    _category_editor(request, AuditAction.LIST)
    categories = list(ConcernCategory.objects.order_by("-is_active", "name"))
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.CONCERN_CATEGORY,
        details={"shown": len(categories)},
    )
    return render(request, "records/concern_categories.html", {"categories": categories})


@require_http_methods(["GET", "POST"])
def concern_category_new(request: HttpRequest) -> HttpResponse:
    user = _category_editor(request, AuditAction.CONFIGURE)
    form = ConcernCategoryForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda: actions.do_add_concern_category(actor=user, **form.cleaned_data),
        success=lambda category: f"Concern category '{category.name}' added.",
        redirect_to="records:concern-categories",
        template="records/concern_category_form.html",
        context={"adding": True},
    )


@require_http_methods(["GET", "POST"])
def concern_category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _category_editor(request, AuditAction.CONFIGURE, pk)
    category = _category(request, pk)
    form = ConcernCategoryForm(
        request.POST or None,
        adding=False,
        initial={"name": category.name, "description": category.description},
    )
    return form_page(
        request,
        form,
        lambda: actions.do_change_concern_category(
            actor=user, category=category, **form.cleaned_data
        ),
        success=lambda changed: f"Concern category '{changed.name}' saved.",
        redirect_to="records:concern-categories",
        template="records/concern_category_form.html",
        context={"adding": False, "category": category},
    )


@require_http_methods(["GET", "POST"])
def concern_category_retire(request: HttpRequest, pk: int) -> HttpResponse:
    """Retire an active category, or bring back a retired one (the page asks to confirm)."""
    user = _category_editor(request, AuditAction.CONFIGURE, pk)
    category = _category(request, pk)
    retiring = category.is_active
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    return form_page(
        request,
        form,
        lambda: actions.do_set_concern_category_active(
            actor=user, category=category, active=not retiring
        ),
        success=lambda changed: (
            f"Concern category '{changed.name}' " + ("retired." if retiring else "back in use.")
        ),
        redirect_to="records:concern-categories",
        template="records/concern_category_retire.html",
        context={"category": category, "retiring": retiring},
    )

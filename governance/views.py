"""Information governance pages: the sharing agreement, break-glass review, retention review
and subject access export. Notifications, break-glass notices included, have one page: the
notifications app's.

Who may use what:

- The sharing agreement is read by everyone who reads case content, by administrators (who
  configure it but never read case content) and by strategic leads. Only administrators change it.
- Break-glass review, retention review and subject access are for IG officers, each acting for
  their own agency.

Anything else is refused with an audit row and a 404, as if the page did not exist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from governance import actions, audit, policy, queries
from governance.audit import refusal as _refuse
from governance.defaults import default_sharing_rules
from governance.forms import (
    AGREEMENT_CATEGORIES,
    AGREEMENT_KINDS,
    AgreementForm,
    BreakGlassReviewForm,
    DisposeForm,
)
from governance.models import (
    AuditAction,
    AuditObject,
    BreakGlassAccess,
    BreakGlassReview,
    Level,
    RetentionRule,
    SharingAgreement,
)
from governance.permissions import Capability, may
from governance.queries import SUBJECT_ACCESS
from governance.retention import overdue_for_agency, schedule
from kit.access import signed_in_user as _user
from kit.forms import add_action_errors
from kit.fresh import needs_fresh_code
from partnership.models import AgencyKind, User
from people.models import YoungPerson
from records import actions as record_actions
from records.models import RecordCategory

RETENTION_REVIEW = "retention review"
PAGE_SIZE = 25


# --- Who may do what ----------------------------------------------------------------------


def _is_ig_officer(user: User) -> bool:
    return may(user, Capability.OVERSEE_AGENCY_INFORMATION)


def _ig_officer(
    request: HttpRequest, action: AuditAction, object_type: AuditObject, object_id: object = ""
) -> User:
    """The signed-in IG officer, or a refused audit row and 404 for anyone else."""
    user = _user(request)
    if not _is_ig_officer(user):
        raise _refuse(request, action, object_type, object_id)
    return user


def _reads_agreement(user: User) -> bool:
    return may(user, Capability.READ_SHARING_AGREEMENT)


def _is_administrator(user: User) -> bool:
    return may(user, Capability.CHANGE_SHARING_AGREEMENT)


def _posted(request: HttpRequest) -> Any:
    """The posted data, or None for a GET: an empty POST is still a submission to validate."""
    return request.POST if request.method == "POST" else None


# --- Index --------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may(user, Capability.USE_GOVERNANCE_INDEX):
        raise _refuse(request, AuditAction.VIEW, AuditObject.GOVERNANCE_INDEX)
    counts: dict[str, int] = {}
    if _is_ig_officer(user):
        counts = {
            "break_glass": _break_glass_queue(user).count(),
            "retention": overdue_for_agency(user.agency_id or 0).count(),
        }
    audit.record(
        AuditAction.VIEW, request=request, object_type=AuditObject.GOVERNANCE_INDEX, details=counts
    )
    return render(
        request,
        "governance/index.html",
        {
            "is_ig_officer": _is_ig_officer(user),
            "is_administrator": _is_administrator(user),
            "counts": counts,
        },
    )


# --- The information sharing agreement ----------------------------------------------------


@dataclass(frozen=True)
class AgreementTable:
    """Rows are record categories, columns the kind of agency looking, cells the level."""

    kinds: tuple[AgencyKind, ...]
    rows: list[tuple[RecordCategory, list[Level]]]


def _table(rules: dict[tuple[str, str], int]) -> AgreementTable:
    return AgreementTable(
        kinds=AGREEMENT_KINDS,
        rows=[
            (
                category,
                [
                    Level(rules.get((kind.value, category.value), Level.NONE))
                    for kind in AGREEMENT_KINDS
                ],
            )
            for category in AGREEMENT_CATEGORIES
        ],
    )


def _rules_of_version(version: int) -> dict[tuple[str, str], int] | None:
    if version == 0:
        return default_sharing_rules()
    agreement = SharingAgreement.objects.filter(version=version).first()
    return policy.rules_of(agreement) if agreement is not None else None


def _versions() -> QuerySet[SharingAgreement]:
    return SharingAgreement.objects.select_related("created_by").order_by("-version")


def _type_names(agreement: SharingAgreement | None) -> list[tuple[str, bool]]:
    """(category, whether its record type names are content) in one version, for the page."""
    content = policy.type_names_content_of(agreement)
    return [(str(label), value in content) for value, label in RecordCategory.choices]


@require_GET
def agreement(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not _reads_agreement(user):
        raise _refuse(request, AuditAction.VIEW, AuditObject.SHARING_AGREEMENT)
    current = policy.current_agreement()
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.SHARING_AGREEMENT,
        object_id=current.pk if current else "",
        details={"version": current.version if current else 0},
    )
    return render(
        request,
        "governance/agreement.html",
        {
            "agreement": current,
            "current": current,
            "table": _table(policy.sharing_rules()),
            "type_names": _type_names(current),
            "versions": _versions(),
            "can_edit": _is_administrator(user),
            "can_use_index": may(user, Capability.USE_GOVERNANCE_INDEX),
        },
    )


@require_GET
def agreement_version(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    version = SharingAgreement.objects.select_related("created_by").filter(pk=pk).first()
    if not _reads_agreement(user) or version is None:
        raise _refuse(request, AuditAction.VIEW, AuditObject.SHARING_AGREEMENT, pk)
    current = policy.current_agreement()
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.SHARING_AGREEMENT,
        object_id=version.pk,
        details={"version": version.version},
    )
    return render(
        request,
        "governance/agreement.html",
        {
            "agreement": version,
            "current": current,
            "table": _table(policy.rules_of(version)),
            "type_names": _type_names(version),
            "versions": _versions(),
            "can_edit": _is_administrator(user),
            "can_use_index": may(user, Capability.USE_GOVERNANCE_INDEX),
        },
    )


@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not _is_administrator(user):
        raise _refuse(request, AuditAction.CONFIGURE, AuditObject.SHARING_AGREEMENT)
    current = policy.current_agreement()
    current_version = current.version if current else 0
    current_rules = policy.sharing_rules()
    form = AgreementForm(_posted(request), rules=current_rules, based_on=current_version)
    if request.method == "POST" and form.is_valid():
        based_on = form.cleaned_data["based_on"]
        base = _rules_of_version(based_on)
        changes = form.changes(base) if base is not None else {}
        if base is None:
            form.add_error(None, "The version you started from no longer exists. Start again.")
        elif not changes:
            form.add_error(None, "Change at least one level before saving a new version")
        elif based_on != current_version:
            form = form.rebased(
                current=current_rules, current_version=current_version, changes=changes
            )
        else:
            try:
                saved = actions.do_save_sharing_agreement(
                    actor=user, rules=changes, note=form.cleaned_data["note"]
                )
            except ValidationError as error:
                add_action_errors(form, error)
            else:
                messages.success(
                    request, f"Version {saved.version} of the sharing agreement is now in force"
                )
                return redirect("governance:agreement")
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.SHARING_AGREEMENT,
        object_id=current.pk if current else "",
        details={"version": current_version, "editing": True},
    )
    return render(
        request,
        "governance/agreement_edit.html",
        {"form": form, "current": current, "kinds": AGREEMENT_KINDS},
    )


# --- Break-glass review ------------------------------------------------------------------


def _break_glass_queue(user: User) -> QuerySet[BreakGlassAccess]:
    """Break-glass uses awaiting review that are this IG officer's agency's business: used by
    someone in the agency, or opening a young person the agency holds records about."""
    holds_records = policy.held_by_own_agency(user).values("young_person_id")
    return (
        BreakGlassAccess.objects.filter(review=BreakGlassReview.PENDING)
        .filter(Q(user__agency_id=user.agency_id) | Q(young_person_id__in=holds_records))
        .select_related("user", "user__agency", "young_person")
        .order_by("granted_at", "pk")
    )


@require_GET
def break_glass_queue(request: HttpRequest) -> HttpResponse:
    user = _ig_officer(request, AuditAction.LIST, AuditObject.BREAK_GLASS)
    page = Paginator(_break_glass_queue(user), PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.BREAK_GLASS,
        details={
            "page": page.number,
            "shown": len(page.object_list),
            "pending": page.paginator.count,
        },
    )
    return render(
        request, "governance/break_glass_list.html", {"page": page, "now": timezone.now()}
    )


@require_http_methods(["GET", "POST"])
def break_glass_review(request: HttpRequest, pk: int) -> HttpResponse:
    action = AuditAction.UPDATE if request.method == "POST" else AuditAction.VIEW
    user = _ig_officer(request, action, AuditObject.BREAK_GLASS, pk)
    access = _break_glass_queue(user).filter(pk=pk).first()
    if access is None:
        raise _refuse(request, action, AuditObject.BREAK_GLASS, pk)
    form = BreakGlassReviewForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_review_break_glass(
                actor=user,
                access=access,
                justified=form.cleaned_data["justified"] == "yes",
                note=form.cleaned_data["note"],
            )
        except PermissionDenied:
            raise _refuse(request, action, AuditObject.BREAK_GLASS, pk) from None
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Break-glass review recorded")
            return redirect("governance:break-glass")
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.BREAK_GLASS,
        object_id=access.pk,
        details={"young_person": access.young_person_id},
    )
    return render(
        request,
        "governance/break_glass_review.html",
        {"access": access, "form": form, "now": timezone.now()},
    )


# --- Retention review --------------------------------------------------------------------


@dataclass(frozen=True)
class ScheduleRow:
    category: str
    review_at_age: int | None
    review_after_years: int | None
    note: str


def _schedule_rows() -> list[ScheduleRow]:
    notes = dict(RetentionRule.objects.values_list("category", "note"))
    labels = dict(RecordCategory.choices)
    return [
        ScheduleRow(labels.get(category, category), at_age, after_years, notes.get(category, ""))
        for category, (at_age, after_years) in sorted(schedule().items())
    ]


@require_GET
def retention(request: HttpRequest) -> HttpResponse:
    user = _ig_officer(request, AuditAction.LIST, AuditObject.AGENCY_RECORD)
    # The review is of dates and types, not of casework: the young person is not loaded.
    overdue = (
        overdue_for_agency(user.agency_id or 0)
        .select_related(None)
        .select_related("record_type")
        .order_by("review_due", "pk")
    )
    page = Paginator(overdue, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.AGENCY_RECORD,
        purpose=RETENTION_REVIEW,
        details={
            "page": page.number,
            "shown": len(page.object_list),
            "overdue": page.paginator.count,
        },
    )
    return render(
        request,
        "governance/retention.html",
        {"page": page, "schedule": _schedule_rows()},
    )


@require_http_methods(["GET", "POST"])
def retention_dispose(request: HttpRequest, pk: int) -> HttpResponse:
    action = AuditAction.DISPOSE if request.method == "POST" else AuditAction.VIEW
    user = _ig_officer(request, action, AuditObject.AGENCY_RECORD, pk)
    record = (
        policy.held_by_own_agency(user)
        .filter(pk=pk, disposed_at__isnull=True)
        .select_related("record_type")
        .first()
    )
    if record is None:
        raise _refuse(request, action, AuditObject.AGENCY_RECORD, pk)
    form = DisposeForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            record_actions.do_dispose_record(
                actor=user, record=record, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            raise _refuse(request, action, AuditObject.AGENCY_RECORD, pk) from None
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Record content disposed of")
            return redirect("governance:retention")
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.AGENCY_RECORD,
        object_id=record.pk,
        purpose=RETENTION_REVIEW,
        details={"disposal": "confirmation"},
    )
    today = timezone.localdate()
    return render(
        request,
        "governance/dispose.html",
        {
            "record": record,
            "form": form,
            "not_yet_due": record.review_due is None or record.review_due > today,
        },
    )


# --- Subject access ----------------------------------------------------------------------


@require_GET
def subject_access_start(request: HttpRequest) -> HttpResponse:
    user = _ig_officer(request, AuditAction.SEARCH, AuditObject.YOUNG_PERSON)
    query = request.GET.get("q", "").strip()[:100]
    people = YoungPerson.objects.none()
    if query:
        people = policy.young_people_for(user)
        for word in query.split()[:4]:
            people = people.filter(Q(family_name__icontains=word) | Q(given_name__icontains=word))
        held = Q(records__in=policy.held_by_own_agency(user).filter(disposed_at__isnull=True))
        people = people.annotate(held=Count("records", filter=held))
    page = Paginator(people.order_by("family_name", "given_name", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit.record(
        AuditAction.SEARCH if query else AuditAction.VIEW,
        request=request,
        object_type=AuditObject.YOUNG_PERSON if query else AuditObject.SUBJECT_ACCESS,
        purpose=SUBJECT_ACCESS,
        details={"page": page.number, "results": len(page.object_list), "searched": bool(query)},
    )
    return render(request, "governance/subject_access_start.html", {"page": page, "query": query})


@require_GET
def subject_access(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything the IG officer's agency holds about one young person, as JSON."""
    user = _ig_officer(request, AuditAction.EXPORT, AuditObject.YOUNG_PERSON, pk)
    try:
        young_person = policy.young_person_or_404(user, pk)
    except Http404:
        raise _refuse(request, AuditAction.EXPORT, AuditObject.YOUNG_PERSON, pk) from None
    fresh = needs_fresh_code(request)
    if fresh is not None:
        return fresh
    agency = user.agency
    assert agency is not None
    export = queries.subject_access_export(user, young_person)
    audit.record(
        AuditAction.EXPORT,
        request=request,
        object_type=AuditObject.YOUNG_PERSON,
        object_id=young_person.pk,
        purpose=SUBJECT_ACCESS,
        details={
            "format": "json",
            "agency_records": len(export["agency_records"]),
            "access_log": len(export["access_log"]),
            "other_agencies": len(export["other_agencies"]),
        },
    )
    body = json.dumps(export, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = (
        f'attachment; filename="subject-access-{young_person.pk}-{agency.short_name}-{stamp}.json"'
    )
    return response

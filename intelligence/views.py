"""Intelligence pages: the list, recording a graded report, one report at the viewer's level
(with what its text names, to confirm or reject), its export, finding an entity, an entity's
page, and the analyst's resolution judgements.

Every page asks ``intelligence.gate`` and is audited; what a user may not reach answers 404.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from governance import audit
from governance.audit import refusal as _refused
from governance.models import AuditAction, AuditObject, Level
from governance.permissions import Capability, may
from intelligence import actions, gate, resolution, values
from intelligence.extraction import extract
from intelligence.forms import (
    AliasForm,
    FindForm,
    JudgementForm,
    LinkForm,
    PersonForm,
    ReportForm,
    ReversalForm,
    SuggestionForm,
)
from intelligence.models import EntityKind, IntelligenceReport, OccurrenceKind, PersonOfInterest
from kit.access import signed_in_user as _user
from kit.forms import form_page
from kit.fresh import needs_fresh_code
from kit.spreadsheet import safe_cell
from people.identifiers import IdentifierError

_REPORT = AuditObject.INTELLIGENCE_REPORT


def _report(request: HttpRequest, pk: int, action: AuditAction) -> tuple[IntelligenceReport, Level]:
    user = _user(request)
    try:
        report = gate.report_or_404(user, pk)
    except Http404:
        raise _refused(request, action, _REPORT, pk) from None
    return report, gate.report_level(user, report)


def index(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not gate.may_see(user):
        raise _refused(request, AuditAction.LIST, _REPORT)
    shown = list(
        gate.reports_visible_to(user)
        .select_related("owning_agency")
        .order_by("-recorded_at", "-pk")[:200]
    )
    rows = [(report, gate.report_level(user, report)) for report in shown]
    holders = (
        gate.reports_visible_to(user, at_least=Level.EXISTENCE)
        .exclude(pk__in=[report.pk for report in shown])
        .values_list("owning_agency__name", "owning_agency__cse_contact")
        .distinct()
    )
    audit.record(
        AuditAction.LIST, request=request, object_type=_REPORT, details={"shown": len(rows)}
    )
    return render(
        request,
        "intelligence/index.html",
        {
            "rows": rows,
            "holders": sorted(set(holders)),
            "may_record": gate.may_record(user),
            "full": Level.FULL,
        },
    )


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not gate.may_record(user):
        raise _refused(request, AuditAction.CREATE, _REPORT)
    form = ReportForm(request.POST or None, own_agency=user.agency)

    def act() -> IntelligenceReport:
        data = form.cleaned_data
        return actions.do_record_intelligence(
            actor=user,
            title=data["title"],
            text=data["text"],
            source_evaluation=data["source_evaluation"],
            intelligence_assessment=data["intelligence_assessment"],
            handling_code=data["handling_code"],
            handling_conditions=data["handling_conditions"],
            shared_with=data["shared_with"],
            occurred_at=form.occurred_at(),
            source_reference=data["source_reference"],
            source_description=data["source_description"],
            how_obtained=data["how_obtained"],
            handler=data["handler"],
        )

    return form_page(
        request,
        form,
        act,
        success="Intelligence recorded. Check what its text names below.",
        redirect_to=lambda report: reverse("intelligence:report", args=[report.pk]),
        template="intelligence/new.html",
        refused=lambda: _refused(request, AuditAction.CREATE, _REPORT),
    )


def _suggestions(user: Any, report: IntelligenceReport) -> list[Any]:
    if not gate.may_record(user, report.owning_agency):
        return []
    answered = set(gate.extraction_decisions(user, report).values_list("kind", "value"))
    return [s for s in extract(report.text) if (s.kind, s.value) not in answered]


def report_page(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    report, level = _report(request, pk, AuditAction.VIEW)
    full = level >= Level.FULL
    occurrences = (
        list(gate.occurrences_visible_to(user).filter(report=report).order_by("kind", "value"))
        if full
        else []
    )
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=_REPORT,
        object_id=report.pk,
        details={"level": int(level)},
    )
    return render(
        request,
        "intelligence/report.html",
        {
            "report": report,
            "full": full,
            "level": level,
            "source": gate.source_detail_for(user, report),
            "shared_with": list(report.shared_with.all()) if full else [],
            "occurrences": occurrences,
            "suggestions": _suggestions(user, report) if full else [],
            "may_export": True,
        },
    )


@require_POST
def suggestion(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    report, level = _report(request, pk, AuditAction.UPDATE)
    if level < Level.FULL or not gate.may_record(user, report.owning_agency):
        raise _refused(request, AuditAction.UPDATE, AuditObject.EXTRACTION_SUGGESTION, pk)
    form = SuggestionForm(request.POST)
    target = reverse("intelligence:report", args=[report.pk])
    if not form.is_valid():
        messages.error(request, "That suggestion could not be read. Try again.")
        return redirect(target)
    data = form.cleaned_data
    try:
        if data["decision"] == "confirm":
            actions.do_confirm_suggestion(
                actor=user,
                report=report,
                kind=data["kind"],
                value=data["value"],
                shown_as=data["shown_as"],
                platform=data["platform"],
            )
            messages.success(request, f"Confirmed: {data['shown_as'] or data['value']}")
        else:
            actions.do_reject_suggestion(
                actor=user, report=report, kind=data["kind"], value=data["value"]
            )
            messages.success(request, f"Rejected: {data['shown_as'] or data['value']}")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except PermissionDenied:
        raise _refused(request, AuditAction.UPDATE, AuditObject.EXTRACTION_SUGGESTION, pk) from None
    return redirect(target)


def export(request: HttpRequest, pk: int) -> HttpResponse:
    """One report as CSV, at the level the viewer sees it: never its source."""
    user = _user(request)
    report, level = _report(request, pk, AuditAction.EXPORT)
    if (ask := needs_fresh_code(request)) is not None:
        return ask
    rows: list[tuple[str, str]] = [
        ("Report", str(report.pk)),
        ("Grade", report.grade),
        ("Owning agency", report.owning_agency.name),
        ("Contact", report.owning_agency.cse_contact),
        ("Occurred", report.occurred_at.isoformat()),
        ("Recorded", report.recorded_at.isoformat()),
    ]
    if level >= Level.FULL:
        rows += [
            ("Title", report.title),
            ("Text", report.text),
            ("Handling conditions", report.handling_conditions),
        ]
        occurrences = gate.occurrences_visible_to(user).filter(report=report)
        rows += [(o.get_kind_display(), o.value) for o in occurrences.order_by("kind", "value")]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="intelligence-{report.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["Field", "Value"])
    for name, value in rows:
        writer.writerow([safe_cell(name), safe_cell(value)])
    audit.record(
        AuditAction.EXPORT,
        request=request,
        object_type=_REPORT,
        object_id=report.pk,
        details={"level": int(level), "rows": len(rows)},
    )
    return response


# --- Entities --------------------------------------------------------------------------------


_FIND_KINDS = {
    EntityKind.PHONE: OccurrenceKind.PHONE,
    EntityKind.LOCATION: OccurrenceKind.POSTCODE,
    EntityKind.ONLINE: OccurrenceKind.HANDLE,
    EntityKind.PERSON: OccurrenceKind.NICKNAME,
}


def find(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may(user, Capability.ANALYSE_INTELLIGENCE):
        raise _refused(request, AuditAction.SEARCH, AuditObject.ENTITY)
    form = FindForm(request.GET or None)
    found: list[Any] = []
    searched = False
    if form.is_valid():
        kind, raw = form.cleaned_data["kind"], form.cleaned_data["value"]
        try:
            if kind == EntityKind.VEHICLE:
                try:
                    key = values.normalise(OccurrenceKind.REGISTRATION, raw)
                except IdentifierError:
                    key = values.normalise(OccurrenceKind.PARTIAL_PLATE, raw)
            else:
                key = values.normalise(_FIND_KINDS[EntityKind(kind)], raw)
        except IdentifierError as error:
            form.add_error("value", str(error))
        else:
            searched = True
            found = gate.find_entities(user, kind, key)
        audit.record(
            AuditAction.SEARCH,
            request=request,
            object_type=AuditObject.ENTITY,
            details={"kind": kind, "found": len(found)},
        )
    return render(
        request,
        "intelligence/find.html",
        {"form": form, "found": found, "searched": searched},
        status=400 if form.errors else 200,
    )


def entity(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    user = _user(request)
    try:
        thing = gate.entity_or_404(user, kind, pk)
    except Http404:
        raise _refused(request, AuditAction.VIEW, AuditObject.ENTITY, f"{kind}:{pk}") from None
    occurrences = list(
        gate.occurrences_of(user, thing).select_related("report", "record", "agency")[:200]
    )
    record_links = list(
        gate.record_links_of(user, thing).select_related("record__owning_agency")[:200]
    )
    links = list(gate.entity_links_of(user, thing)[:200])
    aliases = (
        list(gate.aliases_visible_to(user).filter(person_id=thing.pk))
        if kind == EntityKind.PERSON
        else []
    )
    judgements = []
    may_resolve = may(user, Capability.RESOLVE_ENTITIES)
    if may_resolve:
        others = resolution.judgements_of(kind, thing.pk)
        ids = {j.first_id if j.second_id == thing.pk else j.second_id for j in others}
        seen = {
            other.pk
            for other in gate.entities_by_pk(kind, ids).values()
            if gate.entity_visible(user, other)
        }
        judgements = [
            (j, j.first_id if j.second_id == thing.pk else j.second_id)
            for j in others
            if (j.first_id if j.second_id == thing.pk else j.second_id) in seen
        ]
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.ENTITY,
        object_id=f"{kind}:{pk}",
        details={"occurrences": len(occurrences), "record_links": len(record_links)},
    )
    return render(
        request,
        "intelligence/entity.html",
        {
            "entity": thing,
            "kind": kind,
            "kind_label": EntityKind(kind).label,
            "occurrences": occurrences,
            "record_links": record_links,
            "links": links,
            "aliases": aliases,
            "judgements": judgements,
            "may_resolve": may_resolve,
        },
    )


@require_http_methods(["GET", "POST"])
def resolve(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may(user, Capability.RESOLVE_ENTITIES):
        raise _refused(request, AuditAction.CREATE, AuditObject.RESOLUTION_JUDGEMENT)
    initial = {
        name: request.GET[name] for name in ("kind", "first_id", "second_id") if name in request.GET
    }
    form = JudgementForm(request.POST or None, initial=initial)

    def act() -> Any:
        data = form.cleaned_data
        return actions.do_judge_entities(
            actor=user,
            kind=data["kind"],
            first_id=data["first_id"],
            second_id=data["second_id"],
            verdict=data["verdict"],
            reason=data["reason"],
        )

    return form_page(
        request,
        form,
        act,
        success=lambda judgement: f"Judgement recorded: {judgement.get_verdict_display().lower()}.",
        redirect_to=lambda j: reverse("intelligence:entity", args=[j.kind, j.first_id]),
        template="intelligence/resolve.html",
        refused=lambda: _refused(request, AuditAction.CREATE, AuditObject.RESOLUTION_JUDGEMENT),
    )


@require_http_methods(["GET", "POST"])
def reverse_judgement(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    if not may(user, Capability.RESOLVE_ENTITIES):
        raise _refused(request, AuditAction.UPDATE, AuditObject.RESOLUTION_JUDGEMENT, pk)
    judgement = resolution.judgement_or_404(pk)
    both = gate.entities_by_pk(judgement.kind, [judgement.first_id, judgement.second_id])
    if not all(gate.entity_visible(user, e) for e in both.values()):
        raise _refused(request, AuditAction.UPDATE, AuditObject.RESOLUTION_JUDGEMENT, pk)
    form = ReversalForm(request.POST or None)

    def act() -> Any:
        return actions.do_reverse_judgement(
            actor=user, judgement=judgement, reason=form.cleaned_data["reason"]
        )

    return form_page(
        request,
        form,
        act,
        success="Judgement reversed. It stays in the history.",
        redirect_to=reverse("intelligence:entity", args=[judgement.kind, judgement.first_id]),
        template="intelligence/reverse.html",
        context={"judgement": judgement},
        refused=lambda: _refused(request, AuditAction.UPDATE, AuditObject.RESOLUTION_JUDGEMENT, pk),
    )


# --- Persons of interest -----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def new_person(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may(user, Capability.ANALYSE_INTELLIGENCE):
        raise _refused(request, AuditAction.CREATE, AuditObject.ENTITY)
    form = PersonForm(request.POST or None)

    def act() -> PersonOfInterest:
        return actions.do_add_person_of_interest(
            actor=user,
            label=form.cleaned_data["label"],
            description=form.cleaned_data["description"],
        )

    return form_page(
        request,
        form,
        act,
        success="Person of interest added. Add the names they are known by.",
        redirect_to=lambda person: reverse("intelligence:add-alias", args=[person.pk]),
        template="intelligence/new_person.html",
        refused=lambda: _refused(request, AuditAction.CREATE, AuditObject.ENTITY),
    )


@require_http_methods(["GET", "POST"])
def add_alias(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    what = f"{EntityKind.PERSON}:{pk}"
    if not may(user, Capability.ANALYSE_INTELLIGENCE):
        raise _refused(request, AuditAction.UPDATE, AuditObject.ENTITY, what)
    try:
        person = gate.entity_or_404(user, EntityKind.PERSON, pk)
    except Http404:
        raise _refused(request, AuditAction.UPDATE, AuditObject.ENTITY, what) from None
    assert isinstance(person, PersonOfInterest)
    form = AliasForm(request.POST or None)

    def act() -> Any:
        number = form.cleaned_data["source_report"]
        source = None
        if number is not None:
            try:
                source = gate.report_or_404(user, number, at_least=Level.FULL)
            except Http404:
                raise ValidationError(
                    {"source_report": "Give the number of a report you can read in full"}
                ) from None
        return actions.do_add_alias(
            actor=user,
            person=person,
            name=form.cleaned_data["name"],
            kind=form.cleaned_data["kind"],
            source_report=source,
        )

    return form_page(
        request,
        form,
        act,
        success=lambda alias: f"Added: {alias.name}",
        redirect_to=reverse("intelligence:entity", args=[EntityKind.PERSON, person.pk]),
        template="intelligence/add_alias.html",
        context={"person": person},
        refused=lambda: _refused(request, AuditAction.UPDATE, AuditObject.ENTITY, what),
    )


@require_http_methods(["GET", "POST"])
def add_link(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """An analyst states a link from this entity to another, with its source report."""
    user = _user(request)
    what = f"{kind}:{pk}"
    if not may(user, Capability.ANALYSE_INTELLIGENCE):
        raise _refused(request, AuditAction.CREATE, AuditObject.ENTITY_LINK, what)
    try:
        thing = gate.entity_or_404(user, kind, pk)
    except Http404:
        raise _refused(request, AuditAction.CREATE, AuditObject.ENTITY_LINK, what) from None
    form = LinkForm(request.POST or None)

    def act() -> Any:
        data = form.cleaned_data
        try:
            source = gate.report_or_404(user, data["source_report"], at_least=Level.FULL)
        except Http404:
            raise ValidationError(
                {"source_report": "Give the number of a report you can read in full"}
            ) from None
        return actions.do_link_entities(
            actor=user,
            from_kind=kind,
            from_id=thing.pk,
            to_kind=data["to_kind"],
            to_id=data["to_id"],
            link_type=data["link_type"],
            source_report=source,
            started_on=data["started_on"],
            ended_on=data["ended_on"],
        )

    return form_page(
        request,
        form,
        act,
        success="Link recorded.",
        redirect_to=reverse("intelligence:entity", args=[kind, thing.pk]),
        template="intelligence/add_link.html",
        context={"entity": thing, "kind": kind},
        refused=lambda: _refused(request, AuditAction.CREATE, AuditObject.ENTITY_LINK, what),
    )

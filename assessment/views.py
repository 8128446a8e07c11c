"""The screening tool's pages: a young person's assessments and their trend, assessing, one
assessment, reassessments due, and the tool itself."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from assessment import actions, queries
from assessment.forms import AssessmentForm, ToolForm
from assessment.models import LEVEL_ORDER, Assessment, Level, ToolVersion, level_rank
from assessment.scoring import Suggestion
from governance import audit, policy
from governance.audit import refusal as _refused
from governance.models import AuditAction, AuditObject
from governance.models import Level as GateLevel
from governance.permissions import Capability, may
from kit.access import signed_in_user as _user
from kit.forms import add_action_errors

OBJECT = AuditObject.CSE_ASSESSMENT


@dataclass(frozen=True)
class TrendPoint:
    """One assessment in a young person's history, as far as the viewer may see it."""

    assessment: Assessment
    visible: bool
    newest: bool
    overdue: bool

    @property
    def rank(self) -> int:
        return level_rank(self.assessment.chosen_level) + 1


def history(request: HttpRequest, young_person_pk: int) -> HttpResponse:
    user = _user(request)
    if not policy.reads_case_content(user):
        raise _refused(request, AuditAction.VIEW, OBJECT, f"young_person:{young_person_pk}")
    young_person = policy.young_person_or_404(user, young_person_pk)
    viewer = policy.viewer_for(user, young_person)
    today = timezone.localdate()
    rows = list(queries.history_of(young_person))
    points = [
        TrendPoint(
            assessment=row,
            visible=queries.may_see(viewer, row),
            newest=index == len(rows) - 1,
            overdue=index == len(rows) - 1 and row.is_overdue(today),
        )
        for index, row in enumerate(rows)
    ]
    shown = [p for p in points if p.visible]
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=OBJECT,
        object_id=f"young_person:{young_person.pk}",
        details={
            "young_person": young_person.pk,
            "shown": [p.assessment.pk for p in shown],
            "existence_only": len(points) - len(shown),
        },
    )
    return render(
        request,
        "assessment/history.html",
        {
            "young_person": young_person,
            "points": points,
            "shown": shown,
            "newest": points[-1] if points else None,
            "levels": list(reversed(LEVEL_ORDER)),
            "can_assess": queries.can_assess(viewer),
            "age": young_person.age_on(today),
        },
    )


@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, young_person_pk: int) -> HttpResponse:
    user = _user(request)
    if not policy.reads_case_content(user):
        raise _refused(request, AuditAction.CREATE, OBJECT, f"young_person:{young_person_pk}")
    young_person = policy.young_person_or_404(user, young_person_pk)
    if not queries.can_assess(policy.viewer_for(user, young_person)):
        raise _refused(request, AuditAction.CREATE, OBJECT, f"young_person:{young_person_pk}")
    version = queries.current_tool()
    indicators = list(version.indicators.filter(is_active=True))
    form = AssessmentForm(
        request.POST or None,
        indicators=indicators,
        initial={"assessed_on": timezone.localdate()},
    )
    suggestion: Suggestion | None = None
    if request.method == "POST" and form.is_valid():
        answers = form.answers()
        assessed_on = form.cleaned_data["assessed_on"]
        age = young_person.age_on(assessed_on)
        suggestion, _ = actions.suggestion_for(
            version, {code: given.answer for code, given in answers.items()}, age
        )
        if request.POST.get("step") == "save":
            try:
                assessment = actions.do_assess(
                    actor=user,
                    young_person=young_person,
                    assessed_on=assessed_on,
                    answers=answers,
                    chosen_level=form.cleaned_data["chosen_level"],
                    reason_for_difference=form.cleaned_data["reason_for_difference"],
                    summary_opinion=form.cleaned_data["summary_opinion"],
                    next_due=form.cleaned_data["next_due"],
                    version=version,
                )
            except ValidationError as error:
                add_action_errors(form, error)
            except PermissionDenied:
                raise _refused(request, AuditAction.CREATE, OBJECT, young_person.pk) from None
            else:
                messages.success(
                    request,
                    f"Assessment saved: {assessment.get_chosen_level_display().lower()}. "
                    f"Reassess by {assessment.next_due.day} {assessment.next_due:%B %Y}.",
                )
                return redirect("assessment:detail", pk=assessment.pk)
    audit.shown(request, AuditObject.YOUNG_PERSON, young_person.pk, page="new-assessment")
    return render(
        request,
        "assessment/new.html",
        {
            "young_person": young_person,
            "form": form,
            "version": version,
            "suggestion": suggestion,
            "latest_due": actions.latest_due_date(timezone.localdate()),
        },
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    assessment = (
        Assessment.objects.select_related(
            "young_person", "assessor", "assessor_agency", "tool_version"
        )
        .filter(pk=pk)
        .first()
    )
    if assessment is None or not policy.reads_case_content(user):
        raise _refused(request, AuditAction.VIEW, OBJECT, pk)
    viewer = policy.viewer_for(user, assessment.young_person)
    level = queries.level_of(viewer, assessment)
    if level < GateLevel.SUMMARY:
        raise _refused(request, AuditAction.VIEW, OBJECT, pk)
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=OBJECT,
        object_id=pk,
        details={"young_person": assessment.young_person_id, "level": level.label},
    )
    full = level == GateLevel.FULL
    # At summary the indicators, their evidence and sources and the opinions never leave here.
    answers = list(assessment.answers.select_related("indicator")) if full else []
    newest = queries.latest_levels([assessment.young_person_id]).get(assessment.young_person_id)
    return render(
        request,
        "assessment/detail.html",
        {
            "assessment": assessment,
            "full": full,
            "young_person": assessment.young_person,
            "present": [a for a in answers if a.answer == "present"],
            "answers": answers,
            "is_newest": newest is not None and newest.pk == assessment.pk,
            "overdue": assessment.is_overdue(),
            "thresholds": queries.thresholds_of(assessment.tool_version),
        },
    )


def due(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may(user, Capability.ASSESS):
        raise _refused(request, AuditAction.LIST, OBJECT)
    rows = queries.reassessments_due(user, within_days=14)
    today = timezone.localdate()
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=OBJECT,
        details={"reassessments_due": len(rows)},
    )
    return render(
        request,
        "assessment/due.html",
        {
            "rows": [(row, row.is_overdue(today)) for row in rows],
            "overdue": sum(1 for row in rows if row.is_overdue(today)),
        },
    )


def tool(request: HttpRequest) -> HttpResponse:
    """The tool in force and its versions: no case content, open to every signed-in role."""
    user = _user(request)
    version = queries.current_tool()
    return render(
        request,
        "assessment/tool.html",
        {
            "version": version,
            "indicators": list(version.indicators.all()),
            "versions": list(ToolVersion.objects.select_related("created_by")[:50]),
            "can_edit": queries.can_edit_tool(user),
            "high": Level.HIGH,
        },
    )


@require_http_methods(["GET", "POST"])
def tool_edit(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not queries.can_edit_tool(user):
        raise _refused(request, AuditAction.CONFIGURE, AuditObject.SCREENING_TOOL)
    version = queries.current_tool()
    form = ToolForm(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        based_on = ToolVersion.objects.filter(number=data["based_on"]).first() or version
        try:
            saved = actions.do_revise_tool(
                actor=user,
                based_on=based_on,
                indicators=form.changes(),
                low_from=data["low_from"],
                medium_from=data["medium_from"],
                high_from=data["high_from"],
                young_age=data["young_age"],
                reason=data["reason"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                f"Version {saved.number} of the screening tool is now in force. "
                "Earlier assessments keep the version they used.",
            )
            return redirect("assessment:tool")
    return render(request, "assessment/tool_edit.html", {"form": form, "version": version})

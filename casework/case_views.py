"""Cases and plans: the case list, a case, its team, plan, reviews, closure and transition."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from casework import actions, queries
from casework.case_forms import CancelActionForm, CompleteActionForm
from casework.models import Action, ActionStatus, Case
from governance import audit
from governance.audit import refusal as _refused
from governance.models import AuditAction
from partnership.models import User
from web.access import signed_in_user as _user
from web.forms import add_action_errors


def _case(
    request: HttpRequest, user: User, pk: int, action: AuditAction = AuditAction.VIEW
) -> Case:
    try:
        return queries.case_or_404(user, pk)
    except Http404:
        raise _refused(request, action, "case", pk) from None


def _action(
    request: HttpRequest, user: User, pk: int, action: AuditAction = AuditAction.VIEW
) -> Action:
    found = queries.actions_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise _refused(request, action, "action", pk)
    return found


def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.reads_case_content:
        raise _refused(request, AuditAction.LIST, "case")
    cases = list(queries.cases_for(user).exclude(status="closed")[:300])
    audit.record(
        AuditAction.LIST, request=request, object_type="case", details={"shown": len(cases)}
    )
    return render(request, "cases/list.html", {"cases": cases})


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _case(request, user, pk)
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type="case",
        object_id=case.pk,
        details={"young_person": case.young_person_id},
    )
    plan = list(case.actions.select_related("owner_agency", "owner").order_by("status", "due_on"))
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "members": case.members.filter(removed_at__isnull=True).select_related(
                "user", "agency"
            ),
            "plan": plan,
            "manages": actions.manages_case(user, case),
            "works_on": actions.works_on_case(user, case),
        },
    )


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    action = _action(request, user, pk)
    audit.record(AuditAction.VIEW, request=request, object_type="action", object_id=action.pk)
    return render(
        request,
        "cases/action.html",
        {
            "action": action,
            "complete_form": CompleteActionForm(),
            "cancel_form": CancelActionForm(),
            "can_complete": actions.can_complete_action(user, action),
            "can_cancel": actions.can_cancel_action(user, action),
        },
    )


@require_POST
def complete_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    action = _action(request, user, pk, AuditAction.UPDATE)
    form = CompleteActionForm(request.POST)
    if form.is_valid():
        try:
            actions.do_complete_action(actor=user, action=action, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_action_errors(form, error)
        except PermissionDenied:
            raise _refused(request, AuditAction.UPDATE, "action", pk) from None
        else:
            messages.success(request, "Action marked as done.")
            return redirect("cases:action", pk=action.pk)
    return render(
        request,
        "cases/action.html",
        {
            "action": action,
            "complete_form": form,
            "cancel_form": CancelActionForm(),
            "can_complete": actions.can_complete_action(user, action),
            "can_cancel": actions.can_cancel_action(user, action),
        },
        status=400,
    )


@require_POST
def cancel_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    action = _action(request, user, pk, AuditAction.UPDATE)
    form = CancelActionForm(request.POST)
    if form.is_valid():
        try:
            actions.do_cancel_action(actor=user, action=action, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_action_errors(form, error)
        except PermissionDenied:
            raise _refused(request, AuditAction.UPDATE, "action", pk) from None
        else:
            messages.success(request, "Action cancelled.")
            return redirect("cases:action", pk=action.pk)
    return render(
        request,
        "cases/action.html",
        {
            "action": action,
            "complete_form": CompleteActionForm(),
            "cancel_form": form,
            "can_complete": actions.can_complete_action(user, action),
            "can_cancel": actions.can_cancel_action(user, action),
        },
        status=400,
    )


def my_actions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.reads_case_content:
        raise _refused(request, AuditAction.LIST, "action")
    mine = list(queries.actions_for_user(user)[:300])
    audit.record(
        AuditAction.LIST, request=request, object_type="action", details={"shown": len(mine)}
    )
    return render(request, "cases/my_actions.html", {"actions": mine, "ActionStatus": ActionStatus})

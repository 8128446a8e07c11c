"""Cases and plans: the case list, a case, its team, plan, reviews, closure and transition;
strategy discussions; referrals followed to an outcome; referral pathways."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from cases import actions, queries
from cases.forms import (
    AddMemberForm,
    AssignActionForm,
    CancelActionForm,
    ChangeLeadForm,
    CloseForm,
    CompleteActionForm,
    DecisionNotToActForm,
    PathwayForm,
    RemoveMemberForm,
    ReopenForm,
    ReviewForm,
    StrategyDiscussionForm,
    TransitionForm,
    ViewsForm,
    default_next_review,
)
from cases.models import (
    Action,
    ActionSource,
    ActionStatus,
    Case,
    CaseMember,
    CaseStatus,
    DecisionNotToAct,
    StrategyDiscussion,
    TransitionPlan,
)
from governance import audit
from governance.audit import refusal as _refused
from governance.models import AuditAction, AuditObject
from governance.permissions import Capability, may
from kit.access import signed_in_user as _user
from kit.forms import add_action_errors, form_page
from kit.paginator import CappedPaginator
from partnership.models import User
from referrals.actions import do_remove_pathway, do_set_pathway, receiving_agency
from referrals.models import Referral, ReferralPathway, ReferralSource

T = TypeVar("T")

# --- Finding things through the gate ---------------------------------------------------------


def _case(
    request: HttpRequest, user: User, pk: int, action: AuditAction = AuditAction.VIEW
) -> Case:
    try:
        return queries.case_or_404(user, pk)
    except Http404:
        raise _refused(request, action, AuditObject.CASE, pk) from None


def _action(
    request: HttpRequest, user: User, pk: int, action: AuditAction = AuditAction.VIEW
) -> Action:
    found = queries.actions_visible_to(user).filter(pk=pk).first()
    if found is None:
        raise _refused(request, action, AuditObject.ACTION, pk)
    return found


def _referral(
    request: HttpRequest, user: User, pk: int, action: AuditAction = AuditAction.VIEW
) -> Referral:
    try:
        return queries.referral_for_outcome(user, pk)
    except Http404:
        raise _refused(request, action, AuditObject.REFERRAL, pk) from None


def _form(
    request: HttpRequest,
    form: forms.Form,
    act: Callable[[], T],
    *,
    success: str | Callable[[T], str],
    redirect_to: str | Callable[[T], str],
    context: Callable[[], dict[str, Any]] | None = None,
    **page: Any,
) -> HttpResponse:
    """A case form page (cases/form.html) whose form calls one action: ``page`` holds its title,
    caption, button, back link and intro; ``context`` anything read only when it is shown."""
    return form_page(
        request,
        form,
        act,
        success=success,
        redirect_to=redirect_to,
        template="cases/form.html",
        context=lambda: {"intro": "", **page, **(context() if context else {})},
    )


# --- The case list and a case ------------------------------------------------------------------


def case_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.reads_case_content:
        raise _refused(request, AuditAction.LIST, AuditObject.CASE)
    show = request.GET.get("show", "open")
    cases = queries.cases_for(user)
    if show == "closed":
        cases = cases.filter(status=CaseStatus.CLOSED).order_by("-closed_at", "-pk")
    elif show == "review":
        cases = queries.cases_due_review(user)
    elif show == "transition":
        cases = queries.cases_turning_18(user)
    else:
        show = "open"
        cases = cases.exclude(status=CaseStatus.CLOSED)
    page = CappedPaginator(cases, 50).get_page(request.GET.get("page"))
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.CASE,
        details={"show": show, "shown": len(page.object_list)},
    )
    return render(
        request,
        "cases/list.html",
        {
            "page": page,
            "cases": page.object_list,
            "show": show,
            "tabs": [
                ("open", "Open"),
                ("review", "Review due"),
                ("transition", "Turning 18"),
                ("closed", "Closed"),
            ],
        },
    )


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _case(request, user, pk)
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.CASE,
        object_id=case.pk,
        details={"young_person": case.young_person_id},
    )
    plan = list(
        case.actions.select_related("owner_agency", "owner").order_by("status", "due_on", "pk")
    )
    members = list(case.members.select_related("user", "agency").order_by("removed_at", "pk"))
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "members": [m for m in members if m.removed_at is None],
            "former_members": [m for m in members if m.removed_at is not None],
            "plan": plan,
            "open_actions": sum(1 for a in plan if a.status == ActionStatus.OPEN),
            "other_actions": list(
                Action.objects.filter(young_person=case.young_person, case__isnull=True)
                .select_related("owner_agency", "owner")
                .order_by("status", "due_on", "pk")[:50]
            ),
            "reviews": list(case.reviews.select_related("recorded_by")),
            "discussions": list(
                StrategyDiscussion.objects.filter(case=case).prefetch_related("agencies_present")
            ),
            "transition": TransitionPlan.objects.filter(case=case)
            .select_related("adult_services_agency", "vawg_agency")
            .first(),
            "agencies": sorted({m.agency.name for m in members if m.removed_at is None}),
            "manages": actions.manages_case(user, case),
            "works_on": actions.works_on_case(user, case),
            "can_reopen": may(user, Capability.REOPEN_CASE) and not case.is_open,
            "remove_form": RemoveMemberForm(),
        },
    )


def _managed_case(request: HttpRequest, pk: int) -> tuple[User, Case]:
    user = _user(request)
    case = _case(request, user, pk, AuditAction.UPDATE)
    if not actions.manages_case(user, case):
        raise _refused(request, AuditAction.UPDATE, AuditObject.CASE, pk)
    return user, case


def _team_case(request: HttpRequest, pk: int) -> tuple[User, Case]:
    user = _user(request)
    case = _case(request, user, pk, AuditAction.UPDATE)
    if not actions.works_on_case(user, case):
        raise _refused(request, AuditAction.UPDATE, AuditObject.CASE, pk)
    return user, case


def _back(case: Case) -> str:
    return reverse("cases:detail", args=[case.pk])


@require_http_methods(["GET", "POST"])
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _managed_case(request, pk)
    current = list(case.members.filter(removed_at__isnull=True).values_list("user_id", flat=True))
    form = AddMemberForm(request.POST or None, exclude=current)
    return _form(
        request,
        form,
        lambda: actions.do_add_case_member(
            actor=user, case=case, user=form.cleaned_data["user"], role=form.cleaned_data["role"]
        ),
        success=lambda _: f"{form.cleaned_data['user']} joined the case team.",
        redirect_to=_back(case),
        title="Add someone to the case team",
        caption=f"Case {case.reference}",
        button="Add to the case team",
        back=_back(case),
        intro="They will see this case and gain need to know for the young person's records "
        "while they stay in the team. They are told by email, without the young person's name.",
    )


@require_POST
def remove_member(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    user, case = _managed_case(request, pk)
    member = CaseMember.objects.filter(case=case, pk=member_pk).select_related("user").first()
    if member is None:
        raise _refused(request, AuditAction.UPDATE, AuditObject.CASE_MEMBER, member_pk)
    form = RemoveMemberForm(request.POST)
    return _form(
        request,
        form,
        lambda: actions.do_remove_case_member(
            actor=user, member=member, reason=form.cleaned_data["reason"]
        ),
        success=f"{member.user} left the case team.",
        redirect_to=_back(case),
        title=f"Remove {member.user} from the case team",
        caption=f"Case {case.reference}",
        button="Remove from the case team",
        back=_back(case),
    )


@require_http_methods(["GET", "POST"])
def change_lead(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _managed_case(request, pk)
    form = ChangeLeadForm(request.POST or None)
    return _form(
        request,
        form,
        lambda: actions.do_change_lead(
            actor=user,
            case=case,
            lead=form.cleaned_data["lead"],
            reason=form.cleaned_data["reason"],
        ),
        success=lambda _: f"{form.cleaned_data['lead']} is now the lead professional.",
        redirect_to=_back(case),
        title="Change the lead professional",
        caption=f"Case {case.reference}",
        button="Change lead",
        back=_back(case),
    )


@require_http_methods(["GET", "POST"])
def add_action(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _team_case(request, pk)
    form = AssignActionForm(request.POST or None)

    def assign() -> Action:
        data = form.cleaned_data
        return actions.do_assign_action(
            actor=user,
            title=data["title"],
            detail=data["detail"],
            owner_agency=data["owner_agency"],
            owner=data["owner"],
            due_on=data["due_on"],
            case=case,
            source=ActionSource.PLAN,
        )

    return _form(
        request,
        form,
        assign,
        success=lambda _: f"Action added to the plan for {form.cleaned_data['owner_agency']}.",
        redirect_to=_back(case),
        title="Add an action to the plan",
        caption=f"Case {case.reference}",
        button="Add action",
        back=_back(case),
        intro="Each action is owned by one agency, with a due date. The owner is told by email.",
    )


@require_http_methods(["GET", "POST"])
def record_review(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _team_case(request, pk)
    today = timezone.localdate()
    form = ReviewForm(
        request.POST or None,
        initial={
            "held_on": today,
            "next_review_due": default_next_review(case.review_every_days, today),
            "review_every_days": case.review_every_days,
        },
    )
    return _form(
        request,
        form,
        lambda: actions.do_record_review(actor=user, case=case, **form.cleaned_data),
        success="Review recorded.",
        redirect_to=_back(case),
        title="Record a review",
        caption=f"Case {case.reference}",
        button="Record review",
        back=_back(case),
        intro=f"This case is reviewed every {case.review_every_days} days. The next review "
        f"was due on {case.next_review_due:%-d %B %Y}.",
    )


@require_http_methods(["GET", "POST"])
def record_views(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _team_case(request, pk)
    form = ViewsForm(request.POST or None, initial={"views": case.young_persons_views})
    return _form(
        request,
        form,
        lambda: actions.do_record_views(actor=user, case=case, views=form.cleaned_data["views"]),
        success="The young person's views are saved.",
        redirect_to=_back(case),
        title="The young person's views",
        caption=f"Case {case.reference}",
        button="Save views",
        back=_back(case),
    )


@require_http_methods(["GET", "POST"])
def close_case(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _managed_case(request, pk)
    form = CloseForm(request.POST or None)

    def still_open_actions() -> dict[str, Any]:
        open_actions = case.actions.filter(status=ActionStatus.OPEN).count()
        return {
            "intro": (
                f"{open_actions} action{'s are' if open_actions != 1 else ' is'} still open: "
                "complete or cancel them first. "
                if open_actions
                else ""
            )
            + "Closing ends the team's need to know for the young person's records. "
            "The coordinator can reopen the case if concerns return."
        }

    return _form(
        request,
        form,
        lambda: actions.do_close_case(
            actor=user,
            case=case,
            outcome_code=form.cleaned_data["outcome_code"],
            note=form.cleaned_data["note"],
        ),
        success=f"Case {case.reference} closed.",
        # The team's need to know ends with the case: back to the list if it is now out of view.
        redirect_to=lambda _: (
            _back(case) if queries.cases_for(user).filter(pk=case.pk).exists() else "cases:list"
        ),
        context=still_open_actions,
        title="Close the case",
        caption=f"Case {case.reference}",
        button="Close case",
        back=_back(case),
    )


@require_http_methods(["GET", "POST"])
def reopen_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _case(request, user, pk, AuditAction.UPDATE)
    if not may(user, Capability.REOPEN_CASE):
        raise _refused(request, AuditAction.UPDATE, AuditObject.CASE, pk)
    form = ReopenForm(request.POST or None)
    return _form(
        request,
        form,
        lambda: actions.do_reopen_case(actor=user, case=case, reason=form.cleaned_data["reason"]),
        success=f"Case {case.reference} reopened: a review is due in 2 weeks.",
        redirect_to=_back(case),
        title="Reopen the case",
        caption=f"Case {case.reference}",
        button="Reopen case",
        back=_back(case),
        intro="The case team regains need to know, and a review is due within two weeks.",
    )


@require_http_methods(["GET", "POST"])
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    user, case = _managed_case(request, pk)
    plan = TransitionPlan.objects.filter(case=case).first()
    initial: dict[str, Any] = {"handover_on": case.eighteenth_birthday}
    if plan is not None:
        initial = {
            "handover_on": plan.handover_on,
            "adult_services_agency": plan.adult_services_agency_id,
            "adult_services_contact": plan.adult_services_contact,
            "vawg_agency": plan.vawg_agency_id,
            "vawg_contact": plan.vawg_contact,
            "notes": plan.notes,
        }
    form = TransitionForm(request.POST or None, initial=initial)
    return _form(
        request,
        form,
        lambda: actions.do_save_transition_plan(actor=user, case=case, **form.cleaned_data),
        success="Transition plan saved.",
        redirect_to=_back(case),
        title="Transition at 18",
        caption=f"Case {case.reference}",
        button="Save transition plan",
        back=_back(case),
        intro=f"The young person turns 18 on {case.eighteenth_birthday:%-d %B %Y}. Name who "
        "takes over: adult services and, where it fits, a violence against women and girls "
        "partner.",
    )


# --- Actions --------------------------------------------------------------------------------


def _action_page(
    user: User,
    action: Action,
    *,
    complete_form: CompleteActionForm | None = None,
    cancel_form: CancelActionForm | None = None,
) -> dict[str, Any]:
    return {
        "action": action,
        "complete_form": complete_form or CompleteActionForm(),
        "cancel_form": cancel_form or CancelActionForm(),
        "can_complete": actions.can_complete_action(user, action),
        "can_cancel": actions.can_cancel_action(user, action),
        "can_open_case": action.case_id is not None
        and queries.cases_for(user).filter(pk=action.case_id).exists(),
    }


def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    action = _action(request, user, pk)
    audit.record(
        AuditAction.VIEW, request=request, object_type=AuditObject.ACTION, object_id=action.pk
    )
    return render(request, "cases/action.html", _action_page(user, action))


@require_POST
def complete_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    action = _action(request, user, pk, AuditAction.UPDATE)
    form = CompleteActionForm(request.POST)
    return form_page(
        request,
        form,
        lambda: actions.do_complete_action(
            actor=user, action=action, note=form.cleaned_data["note"]
        ),
        success="Action marked as done.",
        redirect_to=reverse("cases:action", args=[action.pk]),
        template="cases/action.html",
        context=lambda: _action_page(user, action, complete_form=form),
        refused=lambda: _refused(request, AuditAction.UPDATE, AuditObject.ACTION, pk),
    )


@require_POST
def cancel_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    action = _action(request, user, pk, AuditAction.UPDATE)
    form = CancelActionForm(request.POST)
    return form_page(
        request,
        form,
        lambda: actions.do_cancel_action(
            actor=user, action=action, reason=form.cleaned_data["reason"]
        ),
        success="Action cancelled.",
        redirect_to=reverse("cases:action", args=[action.pk]),
        template="cases/action.html",
        context=lambda: _action_page(user, action, cancel_form=form),
        refused=lambda: _refused(request, AuditAction.UPDATE, AuditObject.ACTION, pk),
    )


def my_actions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not user.reads_case_content:
        raise _refused(request, AuditAction.LIST, AuditObject.ACTION)
    mine = list(queries.actions_for_user(user)[:300])
    overdue = (
        list(queries.overdue_actions()[:300]) if may(user, Capability.SEE_OVERDUE_ACTIONS) else []
    )
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.ACTION,
        details={"shown": len(mine) + len(overdue)},
    )
    return render(request, "cases/my_actions.html", {"actions": mine, "overdue": overdue})


# --- Referrals followed to an outcome ------------------------------------------------------------


def without_outcome(request: HttpRequest) -> HttpResponse:
    """Accepted referrals with neither an action nor a recorded decision not to act."""
    user = _user(request)
    if not may(user, Capability.ANSWER_REFERRAL):
        raise _refused(request, AuditAction.LIST, AuditObject.REFERRAL)
    page = CappedPaginator(queries.referrals_without_outcome(user), 50).get_page(
        request.GET.get("page")
    )
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.REFERRAL,
        details={"view": "without_outcome", "shown": len(page.object_list)},
    )
    return render(request, "cases/without_outcome.html", {"page": page})


def referral_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = _referral(request, user, pk)
    audit.record(AuditAction.VIEW, request=request, object_type=AuditObject.REFERRAL, object_id=pk)
    return render(request, "cases/referral.html", _referral_page(referral))


def _referral_page(
    referral: Referral,
    *,
    action_form: AssignActionForm | None = None,
    decision_form: DecisionNotToActForm | None = None,
) -> dict[str, Any]:
    return {
        "referral": referral,
        "screening": referral.screening,
        "outcome": queries.outcome_of(referral),
        "decision": DecisionNotToAct.objects.filter(referral=referral).first(),
        "referral_actions": list(
            Action.objects.filter(referral=referral).select_related("owner_agency")
        ),
        "cases": list(Case.objects.filter(referral=referral)),
        "discussions": list(StrategyDiscussion.objects.filter(referral=referral)),
        "needs_discussion": actions.needs_strategy_discussion(referral),
        "accepted": referral.screening.decision != "no_further_action",
        "action_form": action_form or AssignActionForm(),
        "decision_form": decision_form or DecisionNotToActForm(),
    }


@require_POST
def referral_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = _referral(request, user, pk, AuditAction.CREATE)
    form = AssignActionForm(request.POST)

    def assign() -> Action:
        data = form.cleaned_data
        return actions.do_assign_action(
            actor=user,
            title=data["title"],
            detail=data["detail"],
            owner_agency=data["owner_agency"],
            owner=data["owner"],
            due_on=data["due_on"],
            young_person=referral.young_person,
            referral=referral,
            source=ActionSource.REFERRAL,
        )

    return form_page(
        request,
        form,
        assign,
        success=lambda _: f"Action set for {form.cleaned_data['owner_agency']}.",
        redirect_to=reverse("cases:referral", args=[referral.pk]),
        template="cases/referral.html",
        context=lambda: _referral_page(referral, action_form=form),
    )


@require_POST
def referral_no_action(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = _referral(request, user, pk, AuditAction.CREATE)
    form = DecisionNotToActForm(request.POST)
    return form_page(
        request,
        form,
        lambda: actions.do_decide_not_to_act(
            actor=user, referral=referral, reason=form.cleaned_data["reason"]
        ),
        success="Decision not to act recorded.",
        redirect_to=reverse("cases:referral", args=[referral.pk]),
        template="cases/referral.html",
        context=lambda: _referral_page(referral, decision_form=form),
        refused=lambda: _refused(request, AuditAction.CREATE, AuditObject.DECISION_NOT_TO_ACT, pk),
    )


# --- Strategy discussions ------------------------------------------------------------------------


def _strategy_form_page(
    request: HttpRequest,
    user: User,
    *,
    referral: Referral | None,
    case: Case | None,
) -> HttpResponse:
    young_person = (
        referral.young_person if referral is not None else getattr(case, "young_person", None)
    )
    if young_person is None:
        raise Http404
    form = StrategyDiscussionForm(
        request.POST or None,
        initial={
            "held_on": timezone.localdate(),
            "chair": user.pk,
            "lead": getattr(case, "lead_id", None),
        },
    )

    def record() -> StrategyDiscussion:
        data = form.cleaned_data
        return actions.do_record_strategy_discussion(
            actor=user,
            young_person=young_person,
            referral=referral,
            case=case,
            held_on=data["held_on"],
            chair=data["chair"],
            agencies_present=list(data["agencies_present"]),
            attendees=data["attendees"],
            summary=data["summary"],
            decision=data["decision"],
            decision_reason=data["decision_reason"],
            lead=data["lead"],
            review_every_days=data["review_every_days"],
            single_agency=data["single_agency"],
            single_agency_action=data["single_agency_action"],
            single_agency_due_on=data["single_agency_due_on"],
        )

    def recorded(discussion: StrategyDiscussion) -> str:
        if discussion.case_id is not None and discussion.decision == "open_case":
            return reverse("cases:detail", args=[discussion.case_id])
        return reverse("cases:strategy", args=[discussion.pk])

    def shown() -> dict[str, Any]:
        audit.shown(request, AuditObject.YOUNG_PERSON, young_person.pk, page="strategy-discussion")
        return {"young_person": young_person}

    back = (
        reverse("cases:referral", args=[referral.pk]) if referral is not None else _back(case)  # type: ignore[arg-type]
    )
    return _form(
        request,
        form,
        record,
        success="Strategy discussion recorded.",
        redirect_to=recorded,
        context=shown,
        title="Record the strategy discussion",
        caption=f"Referral {referral.receipt}" if referral else f"Case {case.reference}",  # type: ignore[union-attr]
        button="Record strategy discussion",
        back=back,
        intro="Record what the agencies decided. Opening a case gives the lead professional "
        "need to know; single-agency support sets an action for that agency; 'no case' is "
        "recorded as the decision not to act on the referral.",
    )


@require_http_methods(["GET", "POST"])
def strategy_from_referral(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = _referral(request, user, pk, AuditAction.CREATE)
    if not actions.needs_strategy_discussion(referral):
        raise _refused(request, AuditAction.CREATE, AuditObject.STRATEGY_DISCUSSION, pk)
    return _strategy_form_page(request, user, referral=referral, case=None)


@require_http_methods(["GET", "POST"])
def strategy_for_case(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    case = _case(request, user, pk, AuditAction.CREATE)
    if (
        not may(user, Capability.RECORD_STRATEGY_DISCUSSION)
        or case.status != CaseStatus.STRATEGY_DISCUSSION
    ):
        raise _refused(request, AuditAction.CREATE, AuditObject.STRATEGY_DISCUSSION, pk)
    return _strategy_form_page(request, user, referral=case.referral, case=case)


def strategy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    discussion = (
        StrategyDiscussion.objects.select_related("young_person", "chair", "referral", "case")
        .prefetch_related("agencies_present")
        .filter(pk=pk)
        .first()
    )
    visible = discussion is not None and (
        may(user, Capability.SEE_EVERY_CASE)
        or (
            discussion.case is not None
            and queries.cases_for(user).filter(pk=discussion.case.pk).exists()
        )
    )
    if not visible:
        raise _refused(request, AuditAction.VIEW, AuditObject.STRATEGY_DISCUSSION, pk)
    assert discussion is not None
    audit.record(
        AuditAction.VIEW, request=request, object_type=AuditObject.STRATEGY_DISCUSSION, object_id=pk
    )
    return render(request, "cases/strategy.html", {"discussion": discussion})


@require_POST
def open_from_referral(request: HttpRequest, pk: int) -> HttpResponse:
    """Open a case now, awaiting the strategy discussion (for a case for the CSE team)."""
    user = _user(request)
    referral = _referral(request, user, pk, AuditAction.CREATE)
    if not actions.needs_strategy_discussion(referral) or referral.young_person is None:
        raise _refused(request, AuditAction.CREATE, AuditObject.CASE, pk)
    form = ChangeLeadForm(request.POST)
    form.fields["reason"].required = False
    if form.is_valid():
        try:
            case = actions.do_open_case(
                actor=user,
                young_person=referral.young_person,
                lead=form.cleaned_data["lead"],
                referral=referral,
                status=CaseStatus.STRATEGY_DISCUSSION,
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Case opened: record the strategy discussion when held.")
            return redirect("cases:detail", pk=case.pk)
    messages.error(request, "; ".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("cases:referral", pk=referral.pk)


# --- Referral pathways (administrators) ------------------------------------------------


def _administrator(request: HttpRequest) -> User:
    user = _user(request)
    if not may(user, Capability.SET_REFERRAL_PATHWAYS):
        raise _refused(request, AuditAction.CONFIGURE, AuditObject.REFERRAL_PATHWAY)
    return user


@require_http_methods(["GET", "POST"])
def pathways(request: HttpRequest) -> HttpResponse:
    user = _administrator(request)
    form = PathwayForm(request.POST or None)

    def page() -> dict[str, Any]:
        defaults = {}
        for source in ReferralSource:
            try:
                defaults[source.label] = receiving_agency(source).name
            except ValidationError:
                defaults[source.label] = "Nobody: set a pathway"
        return {
            "pathways": ReferralPathway.objects.select_related("receiving_agency", "updated_by"),
            "defaults": defaults,
        }

    return form_page(
        request,
        form,
        lambda: do_set_pathway(actor=user, **form.cleaned_data),
        success="Referral pathway saved.",
        redirect_to="cases:pathways",
        template="cases/pathways.html",
        context=page,
    )


@require_POST
def remove_pathway(request: HttpRequest, pk: int) -> HttpResponse:
    user = _administrator(request)
    pathway = ReferralPathway.objects.filter(pk=pk).first()
    if pathway is None:
        raise _refused(request, AuditAction.CONFIGURE, AuditObject.REFERRAL_PATHWAY, pk)
    do_remove_pathway(actor=user, pathway=pathway)
    messages.success(request, "Referral pathway removed.")
    return redirect("cases:pathways")

"""Young people: search, registration, what is known about them, consent, sharing decisions and
break-glass. Their chronology and its export are built by ``records`` (records/views.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from governance import actions as governance_actions
from governance import audit, policy
from governance.models import AuditAction, AuditObject, AuditOutcome
from kit.access import signed_in_user as _user
from kit.forms import add_action_errors
from people.actions import ABOUT_FIELDS, do_register_young_person, do_update_about
from people.forms import AboutForm, BreakGlassForm, ConsentForm, RegisterForm, SharingDecisionForm
from people.models import YoungPerson

CHRONOLOGY_PAGE = 100


def _young_person(request: HttpRequest, pk: int, action: AuditAction) -> YoungPerson:
    try:
        return policy.young_person_or_404(request.user, pk)
    except Http404:
        audit.record(
            action,
            request=request,
            outcome=AuditOutcome.REFUSED,
            object_type=AuditObject.YOUNG_PERSON,
            object_id=pk,
        )
        raise


def young_person_list(request: HttpRequest) -> HttpResponse:
    if not policy.reads_case_content(request.user):
        audit.record(
            AuditAction.LIST,
            request=request,
            outcome=AuditOutcome.REFUSED,
            object_type=AuditObject.YOUNG_PERSON,
        )
        raise Http404
    query = request.GET.get("q", "").strip()[:100]
    people = policy.young_people_for(request.user)
    if query:
        for word in query.split()[:4]:
            people = people.filter(Q(family_name__icontains=word) | Q(given_name__icontains=word))
    page = Paginator(people.order_by("family_name", "given_name", "pk"), 25).get_page(
        request.GET.get("page")
    )
    audit.record(
        AuditAction.SEARCH if query else AuditAction.LIST,
        request=request,
        object_type=AuditObject.YOUNG_PERSON,
        details={"page": page.number, "results": len(page.object_list), "searched": bool(query)},
    )
    return render(
        request,
        "people/young_person_list.html",
        {
            "page": page,
            # Finding a child needs name, age and area only (ADR 0010): never identifiers here.
            "identities": [policy.minimal_identity(person) for person in page.object_list],
            "query": query,
            "can_register": policy.can_record_for(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    young_person = _young_person(request, pk, AuditAction.BREAK_GLASS)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            governance_actions.do_break_glass(
                actor=_user(request), young_person=young_person, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            audit.record(
                AuditAction.BREAK_GLASS,
                request=request,
                outcome=AuditOutcome.REFUSED,
                object_type=AuditObject.YOUNG_PERSON,
                object_id=pk,
            )
            raise Http404 from None
        messages.success(
            request,
            f"Break-glass access granted for {governance_actions.BREAK_GLASS_HOURS} hours. "
            "Your reason has been recorded and will be reviewed.",
        )
        return redirect("people:detail", pk=pk)
    audit.shown(request, AuditObject.YOUNG_PERSON, young_person.pk, page="break-glass")
    return render(request, "people/break_glass.html", {"form": form, "young_person": young_person})


@require_http_methods(["GET", "POST"])
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    young_person = _young_person(request, pk, AuditAction.CREATE)
    if not policy.can_record_for(request.user):
        raise Http404
    form = ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            governance_actions.do_record_consent(
                actor=_user(request),
                young_person=young_person,
                status=data["consent_status"],
                next_steps_discussed=data["next_steps_discussed"] == "yes",
                reason_not_sought=data["reason_not_sought"],
                notes=data["notes"],
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Consent recorded.")
            return redirect("people:detail", pk=pk)
    audit.shown(request, AuditObject.YOUNG_PERSON, young_person.pk, page="consent")
    return render(
        request,
        "people/decision_form.html",
        {"form": form, "young_person": young_person, "heading": "Record consent to sharing"},
    )


@require_http_methods(["GET", "POST"])
def sharing_decision(request: HttpRequest, pk: int) -> HttpResponse:
    young_person = _young_person(request, pk, AuditAction.SHARE)
    if not policy.can_record_for(request.user):
        raise Http404
    form = SharingDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            governance_actions.do_record_sharing_decision(
                actor=_user(request),
                young_person=young_person,
                shared=data["shared"] == "yes",
                to_agency=data["to_agency"],
                what=data["what"],
                purpose=data["purpose"],
                lawful_basis=data["lawful_basis"],
                consent_status=data["consent_status"],
                reason_without_consent=data["reason_without_consent"],
                reason_not_shared=data["reason_not_shared"],
                next_steps_discussed=data["next_steps_discussed"] == "yes",
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Sharing decision recorded.")
            return redirect("people:detail", pk=pk)
    audit.shown(request, AuditObject.YOUNG_PERSON, young_person.pk, page="sharing-decision")
    return render(
        request,
        "people/decision_form.html",
        {"form": form, "young_person": young_person, "heading": "Record a sharing decision"},
    )


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Add a young person not yet known to Tessera, as the user's agency records them."""
    user = _user(request)
    if not policy.can_record_for(user):
        audit.record(
            AuditAction.CREATE,
            request=request,
            outcome=AuditOutcome.REFUSED,
            object_type=AuditObject.YOUNG_PERSON,
        )
        raise Http404
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and user.agency is not None:
        data = form.cleaned_data
        try:
            young_person = do_register_young_person(actor=user, agency=user.agency, **data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, f"{young_person.full_name} added.")
            return redirect("people:detail", pk=young_person.pk)
    return render(request, "people/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def about(request: HttpRequest, pk: int) -> HttpResponse:
    """Record who the young person is: the groups the research says are under-identified."""
    young_person = _young_person(request, pk, AuditAction.UPDATE)
    user = _user(request)
    viewer = policy.viewer_for(user, young_person)
    if not (policy.can_record_for(user) and viewer.need_to_know):
        audit.record(
            AuditAction.UPDATE,
            request=request,
            outcome=AuditOutcome.REFUSED,
            object_type=AuditObject.YOUNG_PERSON,
            object_id=pk,
        )
        raise Http404
    initial = {name: getattr(young_person, name) for name in ABOUT_FIELDS}
    form = AboutForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            do_update_about(actor=user, young_person=young_person, changes=form.cleaned_data)
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect("people:detail", pk=pk)
    # Sexual orientation, disability, care status and their own words: a read like any other.
    audit.shown(request, AuditObject.YOUNG_PERSON, young_person.pk, page="about")
    return render(
        request,
        "people/decision_form.html",
        {"form": form, "young_person": young_person, "heading": "About this young person"},
    )

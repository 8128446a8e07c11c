"""Referring, a community partner's concern and receipt, the MASH queue and screening."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from governance import audit, policy
from governance.audit import refusal as _refused
from governance.models import AuditAction, AuditObject
from governance.permissions import Capability, may
from kit.access import partner_allowed
from kit.access import signed_in_user as _user
from kit.forms import form_page
from records.queries import Filters, chronology_for
from referrals import actions, queries
from referrals.forms import PartnerConcernForm, ReferralForm, ScreeningForm
from referrals.models import Referral, ReferralStatus, Screening


@require_http_methods(["GET", "POST"])
def refer(request: HttpRequest, young_person_pk: int) -> HttpResponse:
    user = _user(request)
    young_person = policy.young_person_or_404(user, young_person_pk)
    if not policy.can_record_for(user):
        raise _refused(request, AuditAction.CREATE, AuditObject.REFERRAL)
    form = ReferralForm(request.POST or None)

    def refer() -> Referral:
        data = form.cleaned_data
        return actions.do_refer(
            actor=user,
            young_person=young_person,
            concern=data["concern"],
            kind=data["kind"],
            consent_status=data["consent_status"],
            lawful_basis=data["lawful_basis"],
            reason_without_consent=data["reason_without_consent"],
            next_steps_discussed=data["next_steps_discussed"] == "yes",
        )

    def page() -> dict[str, Any]:
        audit.shown(request, AuditObject.YOUNG_PERSON, young_person.pk, page="refer")
        return {"young_person": young_person}

    return form_page(
        request,
        form,
        refer,
        success=lambda referral: (
            f"Referral {referral.receipt} sent to {referral.receiving_agency.name}. "
            "It will be screened within 24 hours."
        ),
        redirect_to=reverse("people:detail", args=[young_person.pk]),
        template="referrals/refer.html",
        context=page,
        error_status=200,
    )


@partner_allowed
@require_http_methods(["GET", "POST"])
def partner_concern(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may(user, Capability.SUBMIT_PARTNER_CONCERN):
        raise _refused(request, AuditAction.CREATE, AuditObject.REFERRAL)
    form = PartnerConcernForm(request.POST or None)
    return form_page(
        request,
        form,
        lambda: actions.do_submit_partner_concern(actor=user, **form.cleaned_data),
        success=None,
        redirect_to=lambda referral: reverse("referrals:receipt", args=[referral.receipt]),
        template="referrals/partner_concern.html",
        error_status=200,
    )


@partner_allowed
def receipt(request: HttpRequest, receipt: str) -> HttpResponse:
    """The receipt, and nothing of what was sent: to the person who sent it only."""
    user = _user(request)
    mine = queries.receipts_of(user).filter(receipt=receipt).first()
    if mine is None:
        raise _refused(request, AuditAction.VIEW, AuditObject.RECEIPT, receipt[:20])
    return render(request, "referrals/receipt.html", {"referral": mine})


def mash_queue(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may(user, Capability.SEE_SCREENING_QUEUE):
        raise _refused(request, AuditAction.LIST, AuditObject.REFERRAL)
    waiting = list(queries.screening_queue(user)[:200])
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.REFERRAL,
        details={"shown": len(waiting)},
    )
    return render(
        request,
        "referrals/mash_queue.html",
        {"waiting": waiting, "overdue": sum(1 for r in waiting if r.is_overdue)},
    )


@require_http_methods(["GET", "POST"])
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    referral = (
        Referral.objects.select_related("young_person", "referring_agency", "receiving_agency")
        .filter(pk=pk)
        .first()
    )
    if referral is None or not actions.can_screen(user, referral):
        raise _refused(request, AuditAction.VIEW, AuditObject.REFERRAL, pk)
    form = ScreeningForm(request.POST or None)

    def screened(screening: Screening) -> str:
        follow = {
            "strategy_discussion": " Record the strategy discussion from the screened "
            "referrals still without an outcome.",
            "cse_case": " Open the case or record the strategy discussion from the screened "
            "referrals still without an outcome.",
            "single_agency": " Set the single agency's action, or record a decision not to "
            "act, from the screened referrals still without an outcome.",
        }.get(screening.decision, "")
        return f"Referral {referral.receipt} screened.{follow}"

    def page() -> dict[str, Any]:
        audit.record(
            AuditAction.VIEW, request=request, object_type=AuditObject.REFERRAL, object_id=pk
        )
        # What each agency already holds, through the gate, to inform the screening.
        chronology = (
            chronology_for(user, referral.young_person, Filters())
            if referral.young_person
            else None
        )
        return {
            "referral": referral,
            "chronology": chronology,
            "already_screened": referral.status != ReferralStatus.AWAITING_SCREENING,
        }

    return form_page(
        request,
        form,
        lambda: actions.do_screen(actor=user, referral=referral, **form.cleaned_data),
        success=screened,
        redirect_to="referrals:mash-queue",
        template="referrals/screen.html",
        context=page,
        refused=lambda: _refused(request, AuditAction.CREATE, AuditObject.SCREENING, pk),
        error_status=200,
    )

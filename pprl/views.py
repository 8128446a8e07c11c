"""Submitting encodings, the notices they give, asking for and deciding disclosure."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from governance import audit
from governance.audit import refusal as _refused
from governance.models import AuditAction, AuditObject
from governance.permissions import Capability, may
from imports.storage import keep_upload
from kit.access import signed_in_user as _user
from kit.forms import add_action_errors
from kit.paginator import CappedPaginator
from pprl import actions, linkage, queries
from pprl.forms import DisclosureDecisionForm, DisclosureRequestForm, EncodingsUploadForm
from pprl.models import DisclosureStatus
from pprl.tasks import compare_encodings


@require_http_methods(["GET", "POST"])
def submissions(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not actions.can_submit(user):
        raise _refused(request, AuditAction.LIST, AuditObject.PPRL_SUBMISSION)
    form = EncodingsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        # Kept on disk for the background job, which deletes it once compared.
        path, _sha256, _size = keep_upload(upload)
        try:
            submission = actions.do_queue_encodings(
                actor=user, file_name=upload.name or "encodings.csv", path=path
            )
        except ValidationError as error:
            path.unlink(missing_ok=True)
            add_action_errors(form, error)
        else:
            compare_encodings.enqueue(submission.pk)
            return redirect("pprl:submission", pk=submission.pk)
    page = CappedPaginator(queries.submissions_of(user), 25).get_page(request.GET.get("page"))
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.PPRL_SUBMISSION,
        details={"shown": len(page.object_list)},
    )
    return render(
        request,
        "pprl/submissions.html",
        {
            "form": form,
            "page": page,
            "configured": linkage.partnership_settings() is not None,
            "fingerprint": _fingerprint(),
        },
    )


def _fingerprint() -> str:
    settings = linkage.partnership_settings()
    return settings.fingerprint() if settings else ""


def submission(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    found = queries.submissions_of(user).filter(pk=pk).first()
    if found is None:
        raise _refused(request, AuditAction.VIEW, AuditObject.PPRL_SUBMISSION, pk)
    notices = queries.notices_for(found)
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.PPRL_SUBMISSION,
        object_id=pk,
        details={
            "notices": len(notices),
            "revealed": [n.young_person.pk for n in notices if n.young_person is not None],
            "status": found.status,
        },
    )
    response = render(request, "pprl/submission.html", {"submission": found, "notices": notices})
    if request.headers.get("HX-Request") and not found.is_active:
        # The page was polling while the job ran: now it is done, show the whole page.
        response["HX-Refresh"] = "true"
    return response


@require_http_methods(["GET", "POST"])
def request_disclosure(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    notice = queries.notice_for(user, pk)
    if notice is None:
        raise _refused(request, AuditAction.CREATE, AuditObject.DISCLOSURE_REQUEST, pk)
    form = DisclosureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_request_disclosure(
                actor=user, notice=notice, purpose=form.cleaned_data["purpose"]
            )
        except ValidationError as error:
            add_action_errors(form, error)
        else:
            messages.success(
                request,
                f"Disclosure requested for your reference {notice.reference}. You will be told "
                "when the agency holding records decides.",
            )
            return redirect("pprl:submission", pk=notice.submission_id)
    return render(request, "pprl/request.html", {"form": form, "notice": notice})


def requests(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not may(user, Capability.DECIDE_DISCLOSURE_REQUEST):
        raise _refused(request, AuditAction.LIST, AuditObject.DISCLOSURE_REQUEST)
    waiting = queries.requests_to_decide(user)
    page = CappedPaginator(waiting, 25).get_page(request.GET.get("page"))
    audit.record(
        AuditAction.LIST,
        request=request,
        object_type=AuditObject.DISCLOSURE_REQUEST,
        details={"shown": len(page.object_list)},
    )
    return render(request, "pprl/requests.html", {"page": page})


@require_http_methods(["GET", "POST"])
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    disclosure = queries.requests_to_decide(user).filter(pk=pk).first()
    if disclosure is None:
        raise _refused(request, AuditAction.VIEW, AuditObject.DISCLOSURE_REQUEST, pk)
    form = DisclosureDecisionForm(request.POST or None)
    if (
        request.method == "POST"
        and disclosure.status == DisclosureStatus.AWAITING
        and form.is_valid()
    ):
        data = form.cleaned_data
        try:
            actions.do_decide_disclosure(
                actor=user,
                request=disclosure,
                shared=data["shared"] == "yes",
                consent_status=data["consent_status"],
                lawful_basis=data["lawful_basis"],
                reason_without_consent=data["reason_without_consent"],
                reason_not_shared=data["reason_not_shared"],
                next_steps_discussed=data["next_steps_discussed"] == "yes",
            )
        except ValidationError as error:
            add_action_errors(form, error)
        except PermissionDenied:
            raise _refused(request, AuditAction.SHARE, AuditObject.DISCLOSURE_REQUEST, pk) from None
        else:
            messages.success(request, "Your decision is recorded and the requesting agency told.")
            return redirect("pprl:requests")
    audit.record(
        AuditAction.VIEW,
        request=request,
        object_type=AuditObject.DISCLOSURE_REQUEST,
        object_id=pk,
        details={"young_person": disclosure.notice.young_person_id},
    )
    return render(request, "pprl/decide.html", {"form": form, "disclosure": disclosure})

"""Sign-in, the second factor, sign-out and each role's home page."""

from __future__ import annotations

import time
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from governance import audit
from governance.models import AuditAction, AuditObject, AuditOutcome
from governance.signals import attempted_username
from kit.access import (
    is_two_factor_verified,
    partner_allowed,
    password_only,
    public,
    signed_in_user,
)
from kit.fresh import mark_fresh, needs_fresh_code
from partnership.actions import (
    do_change_password,
    do_confirm_device,
    do_replace_device,
    new_pending_device,
    pending_device,
    usable_enrolment_code,
)
from partnership.models import User
from web import home as home_pages
from web.forms import ChangePasswordForm, CodeForm, EnrolmentCodeForm, SignInForm
from web.middleware import LAST_SEEN, SIGNED_IN_AT

MAX_CODE_FAILURES = 5
# Shown in the demo instead of a code when this step's and the next step's codes are both spent.
DEMO_CODE_WAIT = "wait"
CODE_FAILURES = "tessera_code_failures"
ENROLMENT_ACCEPTED = "tessera_enrolment_code"


def _safe_next(request: HttpRequest) -> str:
    nxt = request.POST.get("next") or request.GET.get("next") or ""
    if nxt and url_has_allowed_host_and_scheme(
        nxt, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return nxt
    return reverse("web:home")


@public
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if is_two_factor_verified(request.user):
        return redirect("web:home")
    form = SignInForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        login(request, user)  # a new session key
        request.session[SIGNED_IN_AT] = time.time()
        request.session[LAST_SEEN] = time.time()
        audit.record(AuditAction.SIGN_IN, actor=user, details={"stage": "password"})
        nxt = _safe_next(request)
        return HttpResponseRedirect(reverse("web:second-factor") + "?" + _query(next=nxt))
    return render(request, "web/sign_in.html", {"form": form, "next": _safe_next(request)})


def _query(**params: str) -> str:
    return urlencode(params)


def _confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def _demo_code(device: TOTPDevice) -> str | None:
    """In the synthetic demo only, the code the sign-in will accept is shown, so nobody needs a
    phone.

    A code is good once: after a sign-in in this 30-second step, this step's code is spent, so
    the next step's code (which the device accepts, within its tolerance) is shown instead.
    When both are spent, the page says to wait (``DEMO_CODE_WAIT``)."""
    if not settings.TESSERA_DEMO_MODE:
        return None
    step = int(time.time() - device.t0) // device.step
    last_used = device.last_t if device.last_t is not None else -1
    for ahead in range(device.tolerance + 1):
        if step + ahead > last_used:
            code = totp(
                device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=ahead
            )
            return f"{code:06d}"
    return DEMO_CODE_WAIT


def _code_failed(
    request: HttpRequest, user: Any, what: str = "security code"
) -> HttpResponse | None:
    failures = int(request.session.get(CODE_FAILURES, 0)) + 1
    request.session[CODE_FAILURES] = failures
    audit.record(
        AuditAction.SECOND_FACTOR_FAILED,
        actor=user,
        outcome=AuditOutcome.REFUSED,
        details={"failures": failures, "wrong": what},
    )
    if failures >= MAX_CODE_FAILURES:
        logout(request)
        messages.error(request, f"Too many wrong {what}s. Sign in again.")
        return redirect("web:sign-in")
    return None


def _complete_sign_in(request: HttpRequest, device: TOTPDevice) -> HttpResponse:
    otp_login(request, device)
    request.session.cycle_key()  # a new session key once both factors are proven
    request.session.pop(CODE_FAILURES, None)
    mark_fresh(request)
    audit.record(AuditAction.SECOND_FACTOR_VERIFIED, actor=request.user)
    return HttpResponseRedirect(_safe_next(request))


@password_only
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    if is_two_factor_verified(user):
        return redirect("web:home")
    device = _confirmed_device(user)
    if device is None:
        return redirect(
            reverse("web:second-factor-set-up") + "?" + _query(next=_safe_next(request))
        )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # verify_token refuses a code already used (it remembers the last time step).
        if device.verify_token(form.cleaned_data["code"]):
            return _complete_sign_in(request, device)
        ended = _code_failed(request, user)
        if ended:
            return ended
        form.add_error("code", "The security code is wrong, already used or expired")
    return render(
        request,
        "web/second_factor.html",
        {"form": form, "next": _safe_next(request), "demo_code": _demo_code(device)},
    )


@password_only
@require_http_methods(["GET", "POST"])
def second_factor_set_up(request: HttpRequest) -> HttpResponse:
    """First authenticator: an enrolment code from an administrator, then the app's first code.

    A password alone is not enough, or whoever learnt it could make the second factor theirs."""
    user = signed_in_user(request)
    if _confirmed_device(user) is not None:
        return redirect("web:second-factor")
    enrolment_code_id = request.session.get(ENROLMENT_ACCEPTED)
    if enrolment_code_id is None:
        return _enrolment_code_step(request, user)
    device = pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = do_confirm_device(
                user=user,
                device=device,
                code=form.cleaned_data["code"],
                enrolment_code_id=int(enrolment_code_id),
            )
        except PermissionDenied:
            request.session.pop(ENROLMENT_ACCEPTED, None)
            messages.error(
                request,
                "Your enrolment code has been used, replaced or has expired. "
                "Ask your system administrator for a new one.",
            )
            return redirect(
                reverse("web:second-factor-set-up") + "?" + _query(next=_safe_next(request))
            )
        if confirmed:
            request.session.pop(ENROLMENT_ACCEPTED, None)
            return _complete_sign_in(request, device)
        ended = _code_failed(request, user)
        if ended:
            return ended
        form.add_error("code", "The security code is wrong, already used or expired")
    return _enrolment_page(request, "web/second_factor_set_up.html", form, device)


def _enrolment_code_step(request: HttpRequest, user: User) -> HttpResponse:
    form = EnrolmentCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolment = usable_enrolment_code(user, form.cleaned_data["enrolment_code"])
        if enrolment is not None:
            request.session[ENROLMENT_ACCEPTED] = enrolment.pk
            new_pending_device(user)  # a secret nobody has been shown before
            return redirect(
                reverse("web:second-factor-set-up") + "?" + _query(next=_safe_next(request))
            )
        ended = _code_failed(request, user, what="enrolment code")
        if ended:
            return ended
        form.add_error("enrolment_code", "The enrolment code is wrong, already used or expired")
    return render(request, "web/enrolment_code.html", {"form": form, "next": _safe_next(request)})


def _enrolment_page(
    request: HttpRequest, template: str, form: CodeForm, device: TOTPDevice
) -> HttpResponse:
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        template,
        {
            "form": form,
            "next": _safe_next(request),
            "qr_data_uri": qr.svg_data_uri(scale=5, border=2),
            "secret": _grouped_secret(device),
            "demo_code": _demo_code(device),
        },
    )


@require_http_methods(["GET", "POST"])
def change_second_factor(request: HttpRequest) -> HttpResponse:
    """A new authenticator app replaces the old one, after a fresh code from the old one."""
    user = signed_in_user(request)
    if (ask := needs_fresh_code(request)) is not None:
        return ask
    device = pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if do_replace_device(
            user=user,
            device=device,
            code=form.cleaned_data["code"],
            keep_session_key=request.session.session_key,
        ):
            device.refresh_from_db()
            otp_login(request, device)  # the session's verified device was the old one
            request.session.cycle_key()
            messages.success(
                request, "Your new authenticator app is set up. Your old one no longer works."
            )
            return redirect("web:home")
        ended = _code_failed(request, user)
        if ended:
            return ended
        form.add_error("code", "The security code is wrong, already used or expired")
    return _enrolment_page(request, "web/change_second_factor.html", form, device)


@require_http_methods(["GET", "POST"])
def change_password(request: HttpRequest) -> HttpResponse:
    """A user changes their own password with the current one and a fresh security code."""
    user = signed_in_user(request)
    device = _confirmed_device(user)
    if device is None:
        raise Http404
    form = ChangePasswordForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            if device.verify_token(form.cleaned_data["code"]):
                do_change_password(
                    user=user,
                    new_password=form.cleaned_data["new_password1"],
                    keep_session_key=request.session.session_key,
                )
                update_session_auth_hash(request, user)  # this session stays, with a new key
                messages.success(
                    request, "Your password is changed. You are signed out everywhere else."
                )
                return redirect("web:home")
            form.add_error("code", "The security code is wrong, already used or expired")
        # A wrong current password counts like a wrong code: five end the session.
        if form.has_error("code") or form.has_error("old_password", "password_incorrect"):
            what = "security code" if form.has_error("code") else "password"
            ended = _code_failed(request, user, what=what)
            if ended:
                return ended
    return render(
        request, "web/change_password.html", {"form": form, "demo_code": _demo_code(device)}
    )


def _grouped_secret(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@require_http_methods(["GET", "POST"])
def confirm_code(request: HttpRequest) -> HttpResponse:
    """Ask a signed-in user for a new code before a risky act such as an export."""
    device = _confirmed_device(request.user)
    if device is None:
        raise Http404
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            mark_fresh(request)
            audit.record(
                AuditAction.SECOND_FACTOR_VERIFIED, actor=request.user, details={"fresh": True}
            )
            return HttpResponseRedirect(_safe_next(request))
        ended = _code_failed(request, request.user)
        if ended:
            return ended
        form.add_error("code", "The security code is wrong, already used or expired")
    return render(
        request,
        "web/confirm_code.html",
        {"form": form, "next": _safe_next(request), "demo_code": _demo_code(device)},
    )


@public
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        audit.record(AuditAction.SIGN_OUT, actor=request.user)
    logout(request)  # flushes the session
    messages.success(request, "You have signed out.")
    return redirect("web:sign-in")


@partner_allowed
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    page = home_pages.for_user(user)
    if user.reads_case_content:
        # Its panels list young people (cases, actions, referrals): a look like any list.
        audit.record(AuditAction.LIST, request=request, object_type=AuditObject.HOME_PAGE)
    return render(request, page.template, {"page": page})


@public
def health(request: HttpRequest) -> HttpResponse:
    """Liveness for the load balancer: says nothing about data."""
    return HttpResponse("ok", content_type="text/plain")


def locked_out(
    request: HttpRequest, credentials: dict[str, Any] | None = None, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Shown when django-axes locks a username or address; the same for every username."""
    audit.record(
        AuditAction.LOCKED_OUT,
        actor=None,
        outcome=AuditOutcome.REFUSED,
        details=attempted_username(str((credentials or {}).get("username", ""))[:150]),
    )
    return render(request, "web/locked_out.html", status=429)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "web/csrf_failure.html", status=403)

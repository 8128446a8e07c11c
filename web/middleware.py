"""Request guards: two factors everywhere, session limits, the community partner fence."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from governance import audit
from governance.models import AuditAction, AuditObject, AuditOutcome
from kit.access import (
    PASSWORD_ONLY,
    PUBLIC,
    access_of,
    is_partner_allowed,
    is_two_factor_verified,
)

SIGNED_IN_AT = "tessera_signed_in_at"
LAST_SEEN = "tessera_last_seen"
LAST_SEEN_RESOLUTION = 30  # seconds

Middleware = Callable[[HttpRequest], HttpResponse]


class SessionLimitsMiddleware:
    """End sessions idle for 15 minutes or older than 10 hours, whatever the cookie says."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            signed_in_at = request.session.get(SIGNED_IN_AT)
            last_seen = request.session.get(LAST_SEEN, signed_in_at)
            reason = None
            if signed_in_at is None:
                reason = "no sign-in time"
            elif now - float(signed_in_at) > settings.SESSION_ABSOLUTE_SECONDS:
                reason = "absolute limit"
            elif last_seen is not None and now - float(last_seen) > settings.SESSION_IDLE_SECONDS:
                reason = "idle"
            if reason:
                audit.record(
                    AuditAction.SESSION_EXPIRED, actor=request.user, details={"reason": reason}
                )
                logout(request)
                messages.info(
                    request, "You were signed out to keep information safe. Sign in again."
                )
                return HttpResponseRedirect(reverse("web:sign-in"))
            if last_seen is None or now - float(last_seen) >= LAST_SEEN_RESOLUTION:
                # Saving the session on every request costs a write; to the nearest 30 seconds
                # is precise enough for a 15-minute idle limit.
                request.session[LAST_SEEN] = now
        return self.get_response(request)


def _sign_in_redirect(request: HttpRequest, name: str) -> HttpResponse:
    target = reverse(name)
    nxt = request.get_full_path()
    if request.method == "GET" and url_has_allowed_host_and_scheme(nxt, allowed_hosts=None):
        target += "?" + urlencode({"next": nxt})
    return HttpResponseRedirect(target)


class TwoFactorRequiredMiddleware:
    """Everything but the public allowlist needs a password and a verified second factor."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        access = access_of(view)
        if access == PUBLIC:
            return None
        user = request.user
        if not user.is_authenticated:
            return _sign_in_redirect(request, "web:sign-in")
        if access == PASSWORD_ONLY:
            return None
        if not is_two_factor_verified(user):
            return _sign_in_redirect(request, "web:second-factor")
        return None


class CommunityPartnerFenceMiddleware:
    """A community partner submits and reads receipts; every other page does not exist for them."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not getattr(user, "is_community_partner", False):
            return None
        if access_of(view) in (PUBLIC, PASSWORD_ONLY) or is_partner_allowed(view):
            return None
        audit.record(
            AuditAction.VIEW,
            actor=user,
            outcome=AuditOutcome.REFUSED,
            object_type=AuditObject.PAGE,
            object_id=request.path[:64],
            details={"reason": "community partners submit only"},
        )
        raise Http404


class NoStoreMiddleware:
    """Pages may hold information about children: browsers and proxies must not keep them."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response

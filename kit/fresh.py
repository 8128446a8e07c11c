"""Fresh proof for risky acts: export and disclosure ask for a new code (ASVS V7.5)."""

from __future__ import annotations

import time

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

FRESH_CODE_AT = "tessera_fresh_code_at"
FRESH_SECONDS = 5 * 60


def mark_fresh(request: HttpRequest) -> None:
    request.session[FRESH_CODE_AT] = time.time()


def needs_fresh_code(request: HttpRequest) -> HttpResponse | None:
    """None when a code was entered in the last five minutes; else a redirect to ask for one."""
    proved_at = request.session.get(FRESH_CODE_AT)
    if proved_at is not None and time.time() - float(proved_at) <= FRESH_SECONDS:
        return None
    target = reverse("web:confirm-code") + "?" + urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(target)


def ask_for_code(request: HttpRequest) -> HttpResponse:
    """Send the user to enter a new code, coming back to this page (by GET) afterwards."""
    target = reverse("web:confirm-code") + "?" + urlencode({"next": request.path})
    return HttpResponseRedirect(target)


def fresh_since(request: HttpRequest, moment: float) -> bool:
    """A code was entered after ``moment`` (not the one from signing in before it), and within
    the last five minutes: proof for one act that asks for a code every time."""
    proved_at = request.session.get(FRESH_CODE_AT)
    if proved_at is None:
        return False
    proved = float(proved_at)
    return proved > moment and time.time() - proved <= FRESH_SECONDS


def spend_fresh_code(request: HttpRequest) -> None:
    """Use the fresh code up, so that the next such act asks for a new one."""
    request.session.pop(FRESH_CODE_AT, None)

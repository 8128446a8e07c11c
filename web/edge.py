"""Hostile characters refused at the edge, before any view, form or database sees them.

A NUL byte in a search or a receipt number made PostgreSQL raise (it cannot hold NUL in text),
and other invisible characters have no place in anything a person types. One middleware checks
the path, every query parameter and every form value (names and values; never the contents of
an uploaded file, and Django's upload parser already cleans file names) and answers 400 with a
plain page. It sits before the session middleware, so a refused request reads and writes
nothing.

Refused everywhere: control characters (C0, DEL and C1), except tab, carriage return and line
feed in query and form values, where multi-line text needs them; text direction characters
(right-to-left overrides, embeddings and isolates, which can make text display as something it
is not); and the zero-width characters that exist only to be invisible (zero-width space, word
joiner, byte order mark). Zero-width joiner and non-joiner are allowed here, because Persian,
Indic scripts and emoji need them; name fields refuse them at the door
(``people.identifiers.name_problem``). Letters of every script pass.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable

from django.http import HttpRequest, HttpResponse

from people.identifiers import BIDI_CONTROLS
from web.errors import error_response

logger = logging.getLogger(__name__)

Middleware = Callable[[HttpRequest], HttpResponse]

_INVISIBLE = frozenset("\u180e\u200b\u2060\ufeff")
_MULTI_LINE = frozenset("\t\r\n")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _refused(ch: str, *, multi_line: bool) -> bool:
    if ch in BIDI_CONTROLS or ch in _INVISIBLE:
        return True
    if unicodedata.category(ch) == "Cc":
        return not (multi_line and ch in _MULTI_LINE)
    return False


def has_hostile_characters(text: str, *, multi_line: bool = True) -> bool:
    """Whether ``text`` holds a character refused at the edge."""
    # Most input is plain ASCII letters and digits: skip the per-character check for it.
    if text.isascii() and text.isprintable():
        return False
    return any(_refused(ch, multi_line=multi_line) for ch in text)


def _pairs(request: HttpRequest) -> Iterable[tuple[str, str, bool]]:
    """(where, text, multi-line allowed) for everything the edge checks."""
    yield "path", request.path_info, False
    for key, values in request.GET.lists():
        yield "query", key, False
        for value in values:
            yield "query", value, True
    if request.method == "POST" and request.content_type in _FORM_TYPES:
        for key, values in request.POST.lists():
            yield "form", key, False
            for value in values:
                yield "form", value, True
        for key in request.FILES:
            yield "form", key, False


class HostileInputMiddleware:
    """Answer 400, having touched nothing, when input holds a character refused at the edge."""

    def __init__(self, get_response: Middleware) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for where, text, multi_line in _pairs(request):
            if has_hostile_characters(text, multi_line=multi_line):
                # Which part, never the value: it may be personal data.
                logger.warning("Refused a request with a control character in its %s", where)
                response = error_response("web/errors/400.html", 400)
                response["Cache-Control"] = "no-store"
                response["X-Frame-Options"] = "DENY"
                return response
        return self.get_response(request)

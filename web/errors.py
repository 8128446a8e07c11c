"""Error pages. They render without touching the database so that they work when it is down.

They must render even when the static files were not collected (the manifest storage then
refuses every ``{% static %}``): the styled page is tried first and, if it cannot render, a plain,
self-contained page with the same words is sent instead, so an error never becomes a second one.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join

logger = logging.getLogger(__name__)

_PLAIN = (
    '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
    "<title>{title} – Tessera</title>\n"
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    '<meta name="robots" content="noindex, nofollow">\n</head>\n<body>\n'
    "<main>\n<h1>{title}</h1>\n{paragraphs}\n"
    '<p><a href="/">Go to your Tessera home page</a></p>\n</main>\n</body>\n</html>\n'
)

_WORDS: dict[int, tuple[str, tuple[str, ...]]] = {
    400: (
        "Sorry, Tessera could not read that",
        (
            "The web address or what was typed into the form contained a hidden control "
            "character. Nothing has been saved or changed.",
            "Go back, type the text again rather than pasting it, and try again.",
        ),
    ),
    404: (
        "Page not found",
        (
            "If you typed the web address, check it is correct.",
            "If you followed a link, the page may have moved, or it may hold information you "
            "do not have access to.",
        ),
    ),
    500: (
        "Sorry, there is a problem with Tessera",
        (
            "No information has been shown or changed. Try again later.",
            "If a child is at immediate risk, call the police on 999.",
        ),
    ),
}


def plain_page(status: int) -> str:
    """The page for ``status`` with no template, no static file and no database."""
    title, paragraphs = _WORDS[status]
    return format_html(
        _PLAIN,
        title=title,
        paragraphs=format_html_join("\n", "<p>{}</p>", ((text,) for text in paragraphs)),
    )


def error_response(template: str, status: int) -> HttpResponse:
    """The styled error page, or the plain one when the styled one cannot render."""
    body: str
    try:
        body = render_to_string(template, request=None)
    except Exception:  # an error page must not fail in turn
        logger.warning(
            "The %s page could not be rendered in full (are the static files collected?); "
            "a plain page was sent",
            status,
            exc_info=True,
        )
        body = plain_page(status)
    return HttpResponse(body, status=status)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response("web/errors/404.html", 404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response("web/errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return error_response("web/errors/500.html", 500)

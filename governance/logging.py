"""Application log formatting that crafted input cannot use to forge a line, and a filter that
keeps query strings (``?q=`` may carry a child's name) out of the request and server logs."""

from __future__ import annotations

import logging
import re

from governance.request_context import current_request_id

_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"}


def escape_control(text: str) -> str:
    escaped = text.translate(_ESCAPES)
    return "".join(ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" for ch in escaped)


class SafeFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        message = super().format(record)
        # Tracebacks keep their line breaks; the message line itself is escaped.
        if record.exc_info or record.stack_info:
            head, _, tail = message.partition("\nTraceback")
            return escape_control(head) + ("\nTraceback" + tail if tail else "")
        return escape_control(message)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


# From a "?" to the end of the request target: " HTTP/1.1" in a request line, else the line's end.
_QUERY_STRING = re.compile(r"\?.*?(?= HTTP/\d|$)", re.MULTILINE)


def without_query_string(text: str) -> str:
    return _QUERY_STRING.sub("", text)


class NoQueryStringFilter(logging.Filter):
    """Drops the query string from what Django logs about a request.

    runserver logs each failed request's line (``"GET /young-people/?q=Name HTTP/1.1" 404``), and a
    search term may be a young person's name. The message is rendered, cut, and put back without
    its arguments, so every handler after this filter sees only the clean text. Only Django's own
    loggers are touched: Tessera's messages do not carry addresses."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name != "django" and not record.name.startswith("django."):
            return True
        message = record.getMessage()
        if "?" in message:
            record.msg = without_query_string(message)
            record.args = None
        return True

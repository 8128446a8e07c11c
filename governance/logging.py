"""Application log formatting that crafted input cannot use to forge a line."""

from __future__ import annotations

import logging

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

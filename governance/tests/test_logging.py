"""Crafted input cannot forge a line in the application log."""

from __future__ import annotations

import logging

from governance.logging import SafeFormatter


def test_a_newline_in_a_message_cannot_start_a_new_log_line():
    formatter = SafeFormatter("%(levelname)s %(message)s")
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "user said %s", ("hi\nINFO forged entry",), None
    )
    line = formatter.format(record)
    assert "\n" not in line
    assert "hi\\nINFO forged entry" in line


def test_control_characters_are_escaped():
    formatter = SafeFormatter("%(message)s")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "a\x1b[31mb\rc", (), None)
    assert formatter.format(record) == "a\\x1b[31mb\\rc"

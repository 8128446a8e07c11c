"""A cell that a spreadsheet would run as a formula is written as text."""

from __future__ import annotations

import pytest

from kit.spreadsheet import safe_cell


@pytest.mark.parametrize("value", ['=HYPERLINK("x")', "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_would_run_as_a_formula_starts_with_an_apostrophe(value):
    assert safe_cell(value) == "'" + value


def test_ordinary_text_is_written_as_it_is():
    assert safe_cell("Seen near the station") == "Seen near the station"
    assert safe_cell("") == ""

"""Cells for CSV files that people open in a spreadsheet."""

from __future__ import annotations

# A cell starting with one of these is run as a formula by Excel, LibreOffice or Sheets
# (CSV injection), so it is written with a leading apostrophe, which they show as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """The value, made safe to open in a spreadsheet: never run as a formula."""
    return "'" + value if value[:1] in FORMULA_STARTS else value

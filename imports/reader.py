"""Reading an import file one row at a time, CSV or XLSX, whatever its size.

Neither reader ever holds the whole file: the CSV reader is Python's csv module over a buffered
file, and the XLSX reader (:mod:`imports.workbook`) streams the sheet's XML and keeps the shared
strings on disk, after checking that the archive does not unpack too large. Each
yields ``(row_number, {column: value})`` with the header as row 1, so row numbers are the ones a
person sees in a spreadsheet. Completely blank rows are skipped.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from imports.workbook import BadWorkbook, WorkbookTooLarge, check_archive, iter_rows

MAX_COLUMNS = 100


class UnreadableFile(ValueError):
    """The file cannot be read as the format it claims, or its header is wrong."""


def header_name(value: Any) -> str:
    return "_".join(str(value or "").strip().lower().replace("-", " ").split())


class RowSource:
    """The rows of one file, with how far through it the reader is (for the progress bar)."""

    def __init__(self, path: Path, file_format: str) -> None:
        self.path = path
        self.file_format = file_format
        self.size = max(path.stat().st_size, 1)
        self.header: list[str] = []
        self._fraction = 0.0

    @property
    def fraction(self) -> float:
        """How much of the file has been read, from 0 to 1 (approximate)."""
        return min(self._fraction, 1.0)

    def __iter__(self) -> Iterator[tuple[int, dict[str, Any]]]:
        if self.file_format == "xlsx":
            return self._xlsx()
        return self._csv()

    def _set_header(self, cells: list[Any]) -> None:
        names = [header_name(cell) for cell in cells[:MAX_COLUMNS]]
        while names and not names[-1]:
            names.pop()
        if not names:
            raise UnreadableFile("The first row must be the column names; it is empty.")
        seen = [name for name in names if name]
        duplicates = sorted({name for name in seen if seen.count(name) > 1})
        if duplicates:
            raise UnreadableFile(f"The column {duplicates[0]} appears more than once.")
        self.header = names

    def _row(self, cells: Any) -> dict[str, Any] | None:
        values = {name: cell for name, cell in zip(self.header, cells, strict=False) if name}
        if all(value is None or str(value).strip() == "" for value in values.values()):
            return None
        return values

    def _csv(self) -> Iterator[tuple[int, dict[str, Any]]]:
        with self.path.open("rb") as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
            reader = csv.reader(text)
            try:
                self._set_header(next(reader, []))
                for number, cells in enumerate(reader, start=2):
                    values = self._row(cells)
                    self._fraction = raw.tell() / self.size
                    if values is not None:
                        yield number, values
            except UnicodeDecodeError as error:
                raise UnreadableFile(
                    "The file is not UTF-8 text. Save it from your spreadsheet as "
                    "'CSV UTF-8 (comma delimited)'."
                ) from error
            except csv.Error as error:
                raise UnreadableFile(f"The CSV file cannot be read: {error}.") from error
            finally:
                text.detach()

    def _xlsx(self) -> Iterator[tuple[int, dict[str, Any]]]:
        try:
            check_archive(self.path)
        except (WorkbookTooLarge, BadWorkbook) as error:
            raise UnreadableFile(str(error)) from error
        rows = iter_rows(self.path)
        try:
            header_read = False
            for number, cells, fraction in rows:
                if not header_read:
                    # The column names are row 1; a sheet starting lower has an empty first row.
                    self._set_header(cells if number == 1 else [])
                    header_read = True
                    continue
                values = self._row(cells)
                self._fraction = fraction
                if values is not None:
                    yield number, values
            if not header_read:
                self._set_header([])
        except UnreadableFile:
            raise
        except Exception as error:  # a malformed or hostile workbook fails in many ways
            raise UnreadableFile(
                "The file cannot be opened as an Excel (.xlsx) workbook."
            ) from error
        finally:
            rows.close()

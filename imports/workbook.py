"""The first worksheet of an .xlsx workbook, read in bounded memory after checking the archive.

openpyxl's read-only mode streams a sheet's rows, but it loads the shared strings table whole
and keeps an emptied element for every row already read: a 0.77 MB workbook of many tiny
strings took 430 MB, a 2.4 MB one 1.5 GB. Here both parts are streamed with ``iterparse``
(through defusedxml, which refuses entity tricks), each element dropped once read, and the
shared strings are written to a temporary file with a file of their offsets, read back when a
cell asks for one. openpyxl still supplies the rules for date formats and Excel dates.

Before any XML is parsed, :func:`check_archive` refuses a workbook that would unpack too large:
too many members, a member over the per-member limit, a total over the overall limit, or a
large member compressed more than real spreadsheets are (a zip bomb). The sizes it checks are
the ones the archive declares; Python's zipfile never unpacks more than a member's declared
size, so a member that lies about its size fails its CRC check instead of unpacking further.
"""

from __future__ import annotations

import posixpath
import re
import struct
import tempfile
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from defusedxml.ElementTree import iterparse  # type: ignore[import-untyped]
from django.conf import settings
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format  # type: ignore[import-untyped]
from openpyxl.utils.datetime import (  # type: ignore[import-untyped]
    CALENDAR_MAC_1904,
    CALENDAR_WINDOWS_1900,
    from_excel,
)

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

MB = 1024 * 1024
# Far above any real feed (a worksheet of a million rows of fifteen columns is about 1 GB of
# XML), far below what would exhaust a worker; settings may lower or raise them.
MAX_MEMBERS = int(getattr(settings, "TESSERA_XLSX_MAX_MEMBERS", 1000))
MAX_MEMBER_BYTES = int(getattr(settings, "TESSERA_XLSX_MAX_MEMBER_BYTES", 1024 * MB))
MAX_TOTAL_BYTES = int(getattr(settings, "TESSERA_XLSX_MAX_TOTAL_BYTES", 2048 * MB))
# Spreadsheet XML compresses about 5 to 20 times; a zip bomb a thousand times. Small members may
# compress as they like: they cannot hurt.
MAX_RATIO = int(getattr(settings, "TESSERA_XLSX_MAX_RATIO", 100))
RATIO_FLOOR_BYTES = 10 * MB

TOO_LARGE = (
    "The workbook is too large when unpacked to be imported safely ({reason}). Save the sheet "
    "as CSV UTF-8 and import that instead, or split it into smaller files."
)


class WorkbookTooLarge(ValueError):
    """The archive would unpack beyond the limits; nothing of it has been parsed."""


class BadWorkbook(ValueError):
    """The file is not a workbook this reader can read."""


def _size(value: int) -> str:
    return f"{value / MB:,.0f} MB" if value >= MB else f"{value:,} bytes"


def check_archive(source: str | Path | IO[bytes]) -> None:
    """Refuse, from the archive's directory alone, a workbook that would unpack too large."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise BadWorkbook("The file cannot be opened as an Excel (.xlsx) workbook.") from error
    if len(members) > MAX_MEMBERS:
        raise WorkbookTooLarge(
            TOO_LARGE.format(reason=f"{len(members):,} parts, more than {MAX_MEMBERS:,}")
        )
    total = 0
    for member in members:
        if member.file_size > MAX_MEMBER_BYTES:
            raise WorkbookTooLarge(
                TOO_LARGE.format(
                    reason=f"one part unpacks to {_size(member.file_size)}, more than "
                    f"{_size(MAX_MEMBER_BYTES)}"
                )
            )
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            ratio = member.file_size // max(member.compress_size, 1)
            raise WorkbookTooLarge(
                TOO_LARGE.format(
                    reason=f"one part is compressed {ratio:,} times, more than {MAX_RATIO} "
                    "times as a real spreadsheet would be"
                )
            )
        total += member.file_size
        if total > MAX_TOTAL_BYTES:
            raise WorkbookTooLarge(
                TOO_LARGE.format(reason=f"more than {_size(MAX_TOTAL_BYTES)} in all")
            )


class SharedStrings:
    """The shared strings table on disk: the text in one file, each string's offset in another.

    Memory stays the same whatever the number of strings; a small cache keeps the strings a
    sheet repeats (a school name, a code) from being read back every time.
    """

    _OFFSET = struct.Struct("<Q")
    _CACHE = 4096

    def __init__(self) -> None:
        # Closed by close(), which iter_rows calls in a finally block.
        self._text: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self._offsets: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self._count = 0
        self._end = 0
        self._cache: dict[int, str] = {}

    def append(self, value: str) -> None:
        data = value.encode("utf-8")
        self._text.write(data)
        self._end += len(data)
        self._offsets.write(self._OFFSET.pack(self._end))
        self._count += 1

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < self._count:
            raise BadWorkbook("A cell refers to a shared string the workbook does not have.")
        if index in self._cache:
            return self._cache[index]
        if index == 0:
            start = 0
            self._offsets.seek(0)
            (end,) = self._OFFSET.unpack(self._offsets.read(self._OFFSET.size))
        else:
            self._offsets.seek((index - 1) * self._OFFSET.size)
            start, end = struct.unpack("<QQ", self._offsets.read(2 * self._OFFSET.size))
        self._text.seek(start)
        value = self._text.read(end - start).decode("utf-8")
        if len(self._cache) >= self._CACHE:
            self._cache.clear()
        self._cache[index] = value
        return value

    def finish_writing(self) -> None:
        self._text.flush()
        self._offsets.flush()

    def close(self) -> None:
        self._text.close()
        self._offsets.close()


def _text_of(element: Any) -> str:
    """The text of a string item (``si`` or ``is``): its runs, without phonetic guides."""
    parts: list[str] = []
    for child in element:
        if child.tag == f"{MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{MAIN}r":
            parts.extend(t.text or "" for t in child.iter(f"{MAIN}t"))
    # As openpyxl does: an escaped underscore written as _x005F_ reads as "_".
    return "".join(parts).replace("x005F_", "")


def _read_shared_strings(stream: IO[bytes], into: SharedStrings) -> None:
    root = None
    for event, element in iterparse(stream, events=("start", "end")):
        if event == "start":
            if root is None:
                root = element
            continue
        if element.tag == f"{MAIN}si":
            into.append(_text_of(element))
            if root is not None:
                root.clear()  # drop the item read, so the tree never grows
    into.finish_writing()


@dataclass
class _Parts:
    sheet: str
    shared_strings: str | None
    styles: str | None
    date1904: bool


def _rels(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, target path in the archive) for ``part``."""
    folder, name = posixpath.split(part)
    rels_path = posixpath.join(folder, "_rels", name + ".rels")
    if rels_path not in archive.namelist():
        return {}
    found: dict[str, tuple[str, str]] = {}
    with archive.open(rels_path) as stream:
        for _, element in iterparse(stream):
            if element.tag == f"{PACKAGE_REL}Relationship":
                target = element.get("Target", "")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                found[element.get("Id", "")] = (element.get("Type", "").rsplit("/", 1)[-1], path)
    return found


def _find_parts(archive: zipfile.ZipFile) -> _Parts:
    package = _rels(archive, "")
    workbook = next((path for kind, path in package.values() if kind == "officeDocument"), None)
    if workbook is None or workbook not in archive.namelist():
        raise BadWorkbook("The file cannot be opened as an Excel (.xlsx) workbook.")
    first_sheet_rel = None
    date1904 = False
    with archive.open(workbook) as stream:
        for _, element in iterparse(stream):
            if element.tag == f"{MAIN}sheet" and first_sheet_rel is None:
                first_sheet_rel = element.get(f"{REL}id")
            elif element.tag == f"{MAIN}workbookPr":
                date1904 = element.get("date1904", "0").lower() in ("1", "true")
    rels = _rels(archive, workbook)
    if first_sheet_rel not in rels:
        raise BadWorkbook("The workbook has no worksheet.")
    by_kind = dict(rels.values())
    return _Parts(
        sheet=rels[first_sheet_rel][1],
        shared_strings=by_kind.get("sharedStrings"),
        styles=by_kind.get("styles"),
        date1904=date1904,
    )


def _date_styles(archive: zipfile.ZipFile, path: str | None) -> set[int]:
    """The indexes of the cell styles that show a number as a date or time."""
    if path is None or path not in archive.namelist():
        return set()
    custom: dict[int, str] = {}
    dated: set[int] = set()
    index = 0
    in_cell_xfs = False
    with archive.open(path) as stream:
        for event, element in iterparse(stream, events=("start", "end")):
            if element.tag == f"{MAIN}cellXfs":
                in_cell_xfs = event == "start"
            elif event == "end" and element.tag == f"{MAIN}numFmt":
                custom[int(element.get("numFmtId", "0"))] = element.get("formatCode", "")
            elif event == "end" and element.tag == f"{MAIN}xf" and in_cell_xfs:
                number_format = int(element.get("numFmtId", "0"))
                code = custom.get(number_format, BUILTIN_FORMATS.get(number_format, "General"))
                if is_date_format(code):
                    dated.add(index)
                index += 1
    return dated


_COLUMN = re.compile(r"([A-Z]+)")


def _column_index(reference: str | None, fallback: int) -> int:
    match = _COLUMN.match(reference or "")
    if not match:
        return fallback
    index = 0
    for letter in match.group(1):
        index = index * 26 + (ord(letter) - 64)
    return index - 1


class _Cells:
    def __init__(self, strings: SharedStrings, dated: set[int], date1904: bool) -> None:
        self.strings = strings
        self.dated = dated
        self.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900

    def value(self, cell: Any) -> Any:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(f"{MAIN}is")
            return _text_of(inline) if inline is not None else None
        raw = cell.findtext(f"{MAIN}v")
        if raw is None:
            return None
        if kind == "s":
            try:
                return self.strings[int(raw)]
            except ValueError as error:
                raise BadWorkbook("A cell refers to a shared string by a bad number.") from error
        if kind in ("str", "e"):
            return raw
        if kind == "b":
            return raw == "1"
        if kind == "d":
            return datetime.fromisoformat(raw)
        number: float | int = float(raw) if any(c in raw for c in ".eE") else int(raw)
        if int(cell.get("s", "0")) in self.dated:
            return from_excel(number, self.epoch)
        return number


def iter_rows(path: Path) -> Generator[tuple[int, list[Any], float]]:
    """``(row_number, cells, fraction read)`` for each row of the first sheet, in bounded memory.

    Call :func:`check_archive` first. Row numbers are the sheet's own (1 for the first row).
    """
    strings = SharedStrings()
    try:
        with zipfile.ZipFile(path) as archive:
            parts = _find_parts(archive)
            if parts.shared_strings and parts.shared_strings in archive.namelist():
                with archive.open(parts.shared_strings) as stream:
                    _read_shared_strings(stream, strings)
            cells = _Cells(strings, _date_styles(archive, parts.styles), parts.date1904)
            if parts.sheet not in archive.namelist():
                raise BadWorkbook("The workbook has no worksheet.")
            size = max(archive.getinfo(parts.sheet).file_size, 1)
            with archive.open(parts.sheet) as stream:
                for number, values in _sheet_rows(stream, cells):
                    yield number, values, stream.tell() / size
    finally:
        strings.close()


def _sheet_rows(stream: IO[bytes], cells: _Cells) -> Iterator[tuple[int, list[Any]]]:
    sheet_data = None
    number = 0
    for event, element in iterparse(stream, events=("start", "end")):
        if event == "start":
            if element.tag == f"{MAIN}sheetData":
                sheet_data = element
            continue
        if element.tag == f"{MAIN}sheetData":
            return  # what follows the rows (merged cells, notes) is not needed
        if element.tag != f"{MAIN}row":
            continue
        number = int(element.get("r", number + 1))
        values: list[Any] = []
        for cell in element.iter(f"{MAIN}c"):
            column = _column_index(cell.get("r"), len(values))
            if column >= 16384:  # Excel's last column, XFD
                raise BadWorkbook("A cell lies beyond the last column a workbook can have.")
            values.extend([None] * (column - len(values)))
            if column == len(values):
                values.append(cells.value(cell))
        yield number, values
        if sheet_data is not None:
            sheet_data.clear()  # drop the row read, so the tree never grows

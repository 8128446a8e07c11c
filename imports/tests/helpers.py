"""Building import files and running imports in tests, through the real actions and job."""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]

from imports.actions import do_start_import
from imports.engine import ImportFailed, run_batch
from imports.models import ImportBatch
from partnership.models import Agency, User
from people.identifiers import make_upn

PUPIL = {
    "given_name": "Kayla",
    "family_name": "Synthetic-Testperson",
    "date_of_birth": "2011-03-04",
    "gender": "F",
    "postcode": "EB1 2AB",
}
UPN = make_upn(881, 4001, 20, 17)
NHS = "9434765919"  # the NHS Digital worked example: a valid modulus 11 number


def write_csv(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    columns: list[str] = []
    for row in rows:
        columns.extend(name for name in row if name not in columns)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    columns: list[str] = []
    for row in rows:
        columns.extend(name for name in row if name not in columns)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Synthetic data")
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(name) for name in columns])
    workbook.save(path)
    return path


def attendance(**changes: Any) -> dict[str, Any]:
    return {
        "school": "Eastbrook Academy (synthetic)",
        **PUPIL,
        "upn": UPN,
        "attendance_date": "2026-10-05",
        "level": "session",
        "session": "AM",
        "lesson": "",
        "code": "O",
        **changes,
    }


def run_import(path: Path, *, feed: str, agency: Agency, actor: User | None = None) -> ImportBatch:
    started = do_start_import(actor=actor, agency=agency, feed=feed, path=path, file_name=path.name)
    with contextlib.suppress(ImportFailed):
        run_batch(started.batch.pk, chunk=3)
    return ImportBatch.objects.get(pk=started.batch.pk)

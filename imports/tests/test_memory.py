"""An import holds a chunk of rows at a time, never the file: memory does not grow with it."""

from __future__ import annotations

import csv
import tracemalloc
from pathlib import Path

import pytest

from imports.actions import do_start_import
from imports.engine import run_batch
from imports.models import BatchStatus, Feed, ImportBatch, ImportedRow
from imports.synthetic import write_attendance

pytestmark = pytest.mark.django_db

ROWS = 10_000
CHUNK = 500
PEAK_BOUND = 6 * 1024 * 1024  # a fixed bound, whatever the number of rows


def _peak(function) -> int:
    tracemalloc.start()
    try:
        function()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak


def test_a_large_file_is_imported_within_a_fixed_memory_bound(agencies, tmp_path: Path):
    path = write_attendance(tmp_path / "large.csv", ROWS)
    started = do_start_import(
        actor=None,
        agency=agencies["school"],
        feed=Feed.SCHOOL_ATTENDANCE,
        path=path,
        file_name=path.name,
    )

    peak = _peak(lambda: run_batch(started.batch.pk, chunk=CHUNK))

    assert ImportBatch.objects.get(pk=started.batch.pk).status == BatchStatus.DONE
    assert ImportedRow.objects.count() == ROWS
    assert peak < PEAK_BOUND, f"peak {peak / 1e6:.1f} MB"

    def read_whole_file() -> None:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == ROWS

    # Merely holding the file's rows as dictionaries takes more than the whole import did.
    assert peak < _peak(read_whole_file)


def test_the_synthetic_pupils_have_distinct_upns_so_no_row_is_a_duplicate():
    from imports.synthetic import pupil_upn

    upns = [pupil_upn(number) for number in range(12_000)]
    assert len(set(upns)) == 12_000
    assert pupil_upn(12_000) == ""

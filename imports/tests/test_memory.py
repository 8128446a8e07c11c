"""An import holds a chunk of rows at a time, never the file: memory does not grow with it."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from imports.actions import do_start_import
from imports.engine import run_batch
from imports.models import BatchStatus, Feed, ImportBatch, ImportedRow
from imports.synthetic import write_attendance

pytestmark = pytest.mark.django_db

ROWS = 24_000
# Far less than the rows themselves need held at once (each ImportedRow is a few kB of Python
# objects, so 24,000 of them are tens of MB); a chunk of 2,000 fits easily.
PEAK_BOUND = 12 * 1024 * 1024


def _peak_of_import(path: Path, agency) -> tuple[int, ImportBatch]:
    started = do_start_import(
        actor=None, agency=agency, feed=Feed.SCHOOL_ATTENDANCE, path=path, file_name=path.name
    )
    tracemalloc.start()
    try:
        run_batch(started.batch.pk)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, ImportBatch.objects.get(pk=started.batch.pk)


def test_a_large_file_is_imported_within_a_fixed_memory_bound(agencies, tmp_path: Path):
    path = write_attendance(tmp_path / "large.csv", ROWS)
    peak, batch = _peak_of_import(path, agencies["school"])
    assert batch.status == BatchStatus.DONE
    assert ImportedRow.objects.count() == ROWS
    assert peak < PEAK_BOUND, f"peak {peak / 1e6:.1f} MB"
    assert peak < path.stat().st_size  # less than the file itself: it was never read whole

"""Scale of imports: a synthetic school attendance file of 1,000,000 rows (100,000 quick).

``run(quick)`` generates the file in a temporary folder, imports it through the real import
code (``imports.actions.do_start_import`` and ``imports.engine.run_batch``: reading, checking
every row, natural-key duplicate checks, chunked writes, linking by UPN) on the current
database, and reports rows per second, time and memory. Probabilistic matching is left out
(``match=False``): it has its own benchmark.

The baseline in the same run is what any loader must do at least: ``csv.reader`` over the same
file and ``bulk_create`` of the same rows as ``ImportedRow`` in chunks of the same size, with no
checks, no duplicate detection and no linking. ``ratio`` is our time over the baseline's.

Memory is the resident set size (``/proc/self/statm``, sampled every 50 ms by a thread) above
what the process held when the import began: it shows whether memory grows with the file.

Alone: ``python -m bench.imports_scale [--quick]`` uses its own PostgreSQL database,
``tessera_bench_imports`` (created afresh), configured the way ``python -m bench`` is.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

DATABASE = "tessera_bench_imports"
BENCH_AGENCY = "BENCH-EDU"


class _PeakRss:
    """The largest resident set size seen while the block runs, sampled by a thread."""

    def __init__(self) -> None:
        self.page = os.sysconf("SC_PAGE_SIZE")
        self.start = self.peak = self.now()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def now(self) -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * self.page

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> _PeakRss:
        self.start = self.peak = self.now()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 1e6


def _agency() -> Any:
    from partnership.actions import do_create_agency
    from partnership.models import Agency, AgencyKind

    agency = Agency.objects.filter(short_name=BENCH_AGENCY).first()
    if agency is None:
        agency = do_create_agency(
            actor=None,
            name="Bench schools (synthetic)",
            short_name=BENCH_AGENCY,
            kind=AgencyKind.EDUCATION,
        )
    return agency


def _clear(agency: Any) -> None:
    """Remove the bench agency's batches and rows with plain DELETEs (never loading the rows)."""
    from django.db import connection

    from imports.models import ImportBatch, ImportedRow, ImportRejection

    with connection.cursor() as cursor:
        for model in (ImportRejection, ImportedRow):
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE batch_id IN "
                f"(SELECT id FROM {ImportBatch._meta.db_table} WHERE agency_id = %s)",
                [agency.pk],
            )
        cursor.execute(
            f"DELETE FROM {ImportBatch._meta.db_table} WHERE agency_id = %s",
            [agency.pk],
        )


def _ours(path: Path, agency: Any) -> dict[str, float]:
    from imports.actions import do_start_import
    from imports.engine import run_batch
    from imports.models import ImportBatch

    with _PeakRss() as memory:
        began = time.perf_counter()
        started = do_start_import(
            actor=None, agency=agency, feed="school_attendance", path=path, file_name=path.name
        )
        run_batch(started.batch.pk, match=False)
        seconds = time.perf_counter() - began
    batch = ImportBatch.objects.get(pk=started.batch.pk)
    if batch.status != "done":
        raise RuntimeError(f"the benchmark import failed: {batch.error}")
    return {
        "rows": float(batch.rows_seen),
        "rows_accepted": float(batch.rows_accepted),
        "rows_rejected": float(batch.rows_rejected),
        "rows_linked_by_upn": float(batch.rows_linked),
        "seconds": round(seconds, 2),
        "ms": round(seconds * 1000, 1),
        "rows_per_s": round(batch.rows_seen / seconds, 1),
        "rss_growth_mb": round(memory.growth_mb, 1),
        "rss_peak_mb": round(memory.peak / 1e6, 1),
        "file_mb": round(path.stat().st_size / 1e6, 1),
    }


def _baseline(path: Path, agency: Any, chunk: int) -> dict[str, float]:
    """csv.reader + bulk_create of the same rows, no checks: the least any loader does."""
    from imports.models import ImportBatch, ImportedRow

    with _PeakRss() as memory:
        began = time.perf_counter()
        batch = ImportBatch.objects.create(
            feed="school_attendance",
            agency=agency,
            file_name="baseline " + path.name,
            sha256="baseline-" + hashlib.sha256(str(time.time()).encode()).hexdigest()[:55],
            size=path.stat().st_size,
        )
        rows = 0
        pending: list[ImportedRow] = []
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.reader(handle)
            header = next(reader)
            for number, cells in enumerate(reader, start=2):
                values = dict(zip(header, cells, strict=False))
                pending.append(
                    ImportedRow(
                        batch=batch,
                        agency=agency,
                        feed="school_attendance",
                        row_number=number,
                        natural_key=hashlib.sha256(
                            ("baseline" + ",".join(cells)).encode()
                        ).hexdigest(),
                        given_name=values["given_name"],
                        family_name=values["family_name"],
                        date_of_birth=values["date_of_birth"],
                        postcode=values["postcode"],
                        upn=values["upn"],
                        school=values["school"],
                        source_reference=values["person_reference"],
                        payload={
                            "attendance_date": values["attendance_date"],
                            "level": values["level"],
                            "session": values["session"],
                            "lesson": values["lesson"],
                            "code": values["code"],
                        },
                    )
                )
                rows += 1
                if len(pending) == chunk:
                    ImportedRow.objects.bulk_create(pending)
                    pending = []
            ImportedRow.objects.bulk_create(pending)
        seconds = time.perf_counter() - began
    return {
        "rows": float(rows),
        "seconds": round(seconds, 2),
        "ms": round(seconds * 1000, 1),
        "rows_per_s": round(rows / seconds, 1),
        "rss_growth_mb": round(memory.growth_mb, 1),
        "rss_peak_mb": round(memory.peak / 1e6, 1),
    }


def run(quick: bool, log: Callable[[str], None] = print) -> dict[str, dict[str, float]]:
    """Generate, import and time the file on the current database (Django already set up)."""
    from imports.engine import CHUNK
    from imports.synthetic import write_attendance

    rows = 100_000 if quick else 1_000_000
    agency = _agency()
    _clear(agency)
    with tempfile.TemporaryDirectory(prefix="tessera-imports-bench-") as folder:
        path = Path(folder) / f"synthetic-attendance-{rows}.csv"
        log(f"Writing a synthetic attendance file of {rows:,} rows...")
        write_attendance(path, rows)
        log(f"Importing it ({path.stat().st_size / 1e6:.0f} MB) through the import job...")
        ours = _ours(path, agency)
        log(f"  {ours['rows_per_s']:,.0f} rows/s, {ours['seconds']:.1f} s")
        _clear(agency)
        log("Baseline: csv.reader + bulk_create of the same rows, no checks...")
        baseline = _baseline(path, agency, CHUNK)
        log(f"  {baseline['rows_per_s']:,.0f} rows/s, {baseline['seconds']:.1f} s")
    _clear(agency)
    ours["ratio"] = round(ours["ms"] / baseline["ms"], 2)
    return {"imports_scale": ours, "imports_scale_baseline": baseline}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports_scale", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="100,000 rows instead of 1,000,000")
    options = parser.parse_args(argv)

    from bench import database

    os.environ["DATABASE_URL"] = database.url(DATABASE)
    os.environ["TESSERA_ENV"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tessera.settings_test"
    os.environ.setdefault("TESSERA_LOG_LEVEL", "WARNING")
    try:
        print(f"PostgreSQL {database.check_reachable()}, database {DATABASE}")
    except database.Unreachable as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    database.recreate(DATABASE)

    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    results = run(options.quick)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

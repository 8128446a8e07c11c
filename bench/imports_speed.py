"""Import speed: a school's first roll, then its attendance, against a bare ``COPY`` of each file.

``run(quick)`` on the current database (Django set up):

* **``import_roll``**: a synthetic register of N pupils (one present mark each, every pupil
  new: ``imports.synthetic.write_roll``) imported through the real job (``do_start_import``
  and ``imports.engine.run_batch`` with matching): reading and checking every row, linking,
  probabilistic matching against the register, and registering every pupil as a new young
  person with their identity as the school recorded it. ``seconds`` is the whole import.
* **``import_attendance``**: a synthetic attendance file (``write_attendance``) of M session
  marks for the same pupils, imported the same way: every row is linked to its pupil by UPN and
  each absence becomes an agency record. ``rows_per_second`` is M over the whole import.

The baseline of each, measured in the same run on the same file, is a bare load: on PostgreSQL
``COPY ... FROM STDIN (FORMAT csv, HEADER)`` into a temporary table of text columns (psycopg's
``cursor.copy``, the file streamed in 1 MB blocks); on SQLite ``csv.reader`` and
``executemany``. No checks, no duplicates found, nothing linked. ``ratio`` = ours / baseline
(seconds: lower is better).

Alone: ``python -m bench.imports_speed [--quick] [--rows N] [--attendance-rows M]`` recreates
and uses the PostgreSQL database named by ``DATABASE_URL`` if it is set (never ``postgres``,
``test`` or a ``test_*`` database), otherwise ``tessera_bench_speed``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

DATABASE = "tessera_bench_speed"
ROLL_AGENCY = "BENCH-ROLL"
ROLL_ROWS = 15_000
ATTENDANCE_ROWS = 200_000
QUICK_ROLL_ROWS = 2_000
QUICK_ATTENDANCE_ROWS = 50_000
TARGET_ROLL_SECONDS_FOR_150000 = 120
TARGET_ATTENDANCE_ROWS_PER_SECOND = 10_000
_BLOCK = 1024 * 1024


def _agency() -> Any:
    from partnership.actions import do_create_agency
    from partnership.models import Agency, AgencyKind

    agency = Agency.objects.filter(short_name=ROLL_AGENCY).first()
    if agency is None:
        agency = do_create_agency(
            actor=None,
            name="Bench county schools (synthetic)",
            short_name=ROLL_AGENCY,
            kind=AgencyKind.EDUCATION,
            is_synthetic=True,
        )
    return agency


def _import(path: Path, agency: Any) -> tuple[float, Any, float]:
    """Import ``path`` through the real job; (seconds, the batch, peak RSS in MB)."""
    from bench.imports_scale import _PeakRss
    from imports.actions import do_start_import
    from imports.engine import run_batch
    from imports.models import ImportBatch

    with _PeakRss() as memory:
        began = time.perf_counter()
        started = do_start_import(
            actor=None, agency=agency, feed="school_attendance", path=path, file_name=path.name
        )
        run_batch(started.batch.pk)
        seconds = time.perf_counter() - began
    batch = ImportBatch.objects.get(pk=started.batch.pk)
    if batch.status != "done":
        raise RuntimeError(f"the benchmark import failed: {batch.error}")
    return seconds, batch, memory.peak / 1e6


def bare_load(path: Path) -> float:
    """Seconds to load ``path`` as it is into a temporary table: COPY, or executemany."""
    from django.db import connection, transaction

    with path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    columns = ", ".join(f'"{name}" text' for name in header)
    began = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE bench_bare_load ({columns})")
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with (
                path.open("rb") as handle,
                raw.copy("COPY bench_bare_load FROM STDIN (FORMAT csv, HEADER)") as copy,
            ):
                while block := handle.read(_BLOCK):
                    copy.write(block)
        else:
            marks = ", ".join("%s" for _ in header)
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                next(reader)
                cursor.executemany(f"INSERT INTO bench_bare_load VALUES ({marks})", list(reader))
        cursor.execute("DROP TABLE bench_bare_load")
    return time.perf_counter() - began


def run(
    quick: bool,
    log: Callable[[str], None] = print,
    *,
    roll_rows: int | None = None,
    attendance_rows: int | None = None,
) -> dict[str, dict[str, Any]]:
    from imports.synthetic import pupils_in_attendance, write_attendance, write_roll
    from people.models import YoungPerson

    roll_rows = roll_rows or (QUICK_ROLL_ROWS if quick else ROLL_ROWS)
    attendance_rows = attendance_rows or (QUICK_ATTENDANCE_ROWS if quick else ATTENDANCE_ROWS)
    if pupils_in_attendance(attendance_rows) > roll_rows:
        raise ValueError("the attendance file would name pupils the roll does not register")
    agency = _agency()
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="tessera-import-speed-") as folder:
        roll = write_roll(Path(folder) / f"synthetic-roll-{roll_rows}.csv", roll_rows)
        people_before = YoungPerson.objects.count()
        log(f"Importing a first roll of {roll_rows:,} pupils (every one new)...")
        seconds, batch, peak = _import(roll, agency)
        registered = YoungPerson.objects.count() - people_before
        baseline = bare_load(roll)
        log(f"  {seconds:.1f} s ({registered:,} registered); bare load {baseline:.2f} s")
        results["import_roll"] = {
            "rows": roll_rows,
            "seconds": round(seconds, 2),
            "rows_per_second": round(roll_rows / seconds, 1),
            "young_people_registered": registered,
            "rows_linked_by_upn": batch.rows_linked,
            "rss_peak_mb": round(peak, 1),
            "baseline": "bare COPY of the same file" if _postgres() else "bare executemany",
            "baseline_seconds": round(baseline, 3),
            "ratio": round(seconds / baseline, 1),
        }

        attendance = write_attendance(
            Path(folder) / f"synthetic-attendance-{attendance_rows}.csv", attendance_rows
        )
        log(f"Importing {attendance_rows:,} attendance marks for the same pupils...")
        seconds, batch, peak = _import(attendance, agency)
        baseline = bare_load(attendance)
        rate = attendance_rows / seconds
        log(f"  {rate:,.0f} rows/s ({seconds:.1f} s); bare load {baseline:.2f} s")
        results["import_attendance"] = {
            "rows": attendance_rows,
            "seconds": round(seconds, 2),
            "rows_per_second": round(rate, 1),
            "rows_linked_by_upn": batch.rows_linked,
            "rss_peak_mb": round(peak, 1),
            "baseline": "bare COPY of the same file" if _postgres() else "bare executemany",
            "baseline_seconds": round(baseline, 3),
            "baseline_rows_per_second": round(attendance_rows / baseline, 1),
            "ratio": round(seconds / baseline, 1),
            "meets_target": rate >= TARGET_ATTENDANCE_ROWS_PER_SECOND,
        }
    return results


def _postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.imports_speed", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a smaller roll and attendance file")
    parser.add_argument("--rows", type=int, default=None, help="pupils on the roll")
    parser.add_argument("--attendance-rows", type=int, default=None, help="attendance marks")
    parser.add_argument("--output", type=Path, default=None, help="also write the results here")
    options = parser.parse_args(argv)

    from bench import database

    name = urlparse(os.environ.get("DATABASE_URL", "")).path.lstrip("/") or DATABASE
    os.environ["DATABASE_URL"] = database.url(name)
    os.environ["TESSERA_ENV"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tessera.settings_test"
    os.environ.setdefault("TESSERA_LOG_LEVEL", "WARNING")
    try:
        print(f"PostgreSQL {database.check_reachable()}, database {name}")
    except database.Unreachable as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    database.recreate(name)

    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    results = run(options.quick, roll_rows=options.rows, attendance_rows=options.attendance_rows)
    text = json.dumps(results, indent=2)
    print(text)
    if options.output:
        options.output.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

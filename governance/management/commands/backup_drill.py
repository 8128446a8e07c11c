"""Prove that a backup restores: dump, restore into an empty database, compare, verify."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance.backup import DrillError, drill

# Exit codes as verify_audit: 0 restored intact, 2 the restored copy differs or fails to verify,
# 1 the drill could not run (a missing tool, an unreachable server).
MISMATCH = 2


class Command(BaseCommand):
    help = (
        "Backup drill: dump the database, restore it into a new empty database, compare every "
        "table's row count and checksum, verify the audit chain in the copy, and time it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--workdir",
            type=Path,
            help="Where the dump is written (default: a temporary folder, removed afterwards).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["workdir"]:
                # The dump inside holds personal data: the folder is the owner's alone.
                options["workdir"].mkdir(mode=0o700, parents=True, exist_ok=True)
                report = drill(options["workdir"])
            else:
                with tempfile.TemporaryDirectory(prefix="tessera-drill-") as folder:
                    report = drill(Path(folder))
        except DrillError as error:
            raise CommandError(f"Backup drill could not run: {error}") from error

        for table in report.tables:
            if not table.ok:
                same = "match" if table.checksum == table.restored_checksum else "differ"
                self.stderr.write(
                    f"{table.table}: {table.rows} rows before, {table.restored_rows} after "
                    f"restore; checksums {same}"
                )
        for missing in report.missing_tables:
            self.stderr.write(f"{missing}: missing from the restored database")
        audit = report.audit
        if audit is not None:
            for problem in audit.problems:
                self.stderr.write(f"audit log in the restored copy: {problem.message}")
        summary = (
            f"{report.vendor}: dump {report.dump_bytes / 1_048_576:.1f} MB in "
            f"{report.dump_seconds:.1f} s, restore {report.restore_seconds:.1f} s, check "
            f"{report.check_seconds:.1f} s; {len(report.tables)} tables, {report.rows} rows, "
            f"{audit.checked if audit else 0} audit entries; total {report.seconds:.1f} s."
        )
        if not report.ok:
            raise CommandError(f"Backup drill FAILED. {summary}", returncode=MISMATCH)
        self.stdout.write(
            self.style.SUCCESS(f"Backup drill passed: counts and checksums match. {summary}")
        )

"""Check the audit log's hash chain from the first entry to the head."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from governance.audit import verify_chain

# Exit codes: 0 intact, 2 tampering found; 1 is left to Django for errors such as an
# unreachable database, so monitoring can tell the two apart.
TAMPERED = 2


class Command(BaseCommand):
    help = "Verify the audit log: detects any edit, deletion, reordering or insertion."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--max-problems", type=int, default=20, help="How many problems to list (default 20)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        result = verify_chain(max_problems=options["max_problems"])
        elapsed = time.perf_counter() - started
        if result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Audit log intact: {result.checked} entries verified in {elapsed:.2f} s."
                )
            )
            return
        for problem in result.problems:
            where = f"entry {problem.seq}" if problem.seq is not None else "chain head"
            self.stderr.write(f"{where}: {problem.kind}: {problem.message}")
        raise CommandError(
            f"Audit log TAMPERED: {len(result.problems)} problem(s) in {result.checked} entries.",
            returncode=TAMPERED,
        )

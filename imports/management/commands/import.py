"""``manage.py import FEED FILE [--agency SHORT_NAME] [--user USERNAME] [--report OUT.csv]``

Imports one agency file in this process with a text progress bar, then prints the counts and
the first problems; ``--report`` writes the whole validation report as CSV. Run as a user
(``--user``) the same permission rules apply as on the upload page; without ``--user`` the
import runs as the system (an operator's command) for the agency named by ``--agency``.
Importing the same file again adds nothing; a stopped import resumes where it stopped.
"""

from __future__ import annotations

import contextlib
import csv
import sys
import time
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports import queries
from imports.actions import do_start_import
from imports.engine import ImportFailed, run_batch
from imports.models import Feed, ImportBatch
from partnership.models import Agency, User

BAR_WIDTH = 30


def progress_line(batch: ImportBatch, elapsed: float) -> str:
    filled = BAR_WIDTH * batch.progress // 100
    rate = batch.rows_seen / elapsed if elapsed > 0 else 0.0
    return (
        f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {batch.progress:3d}%  "
        f"{batch.rows_seen:,} rows read, {batch.rows_rejected:,} rejected  "
        f"({rate:,.0f} rows/s)  {batch.get_phase_display()}"
    )


class Command(BaseCommand):
    help = "Import an agency file (CSV or XLSX) for one feed, with a progress bar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "feed", help="One of: " + ", ".join(Feed.values) + " (hyphens allowed)."
        )
        parser.add_argument("file", type=Path)
        parser.add_argument("--agency", help="Agency short name; defaults to the user's agency.")
        parser.add_argument("--user", help="Username of the person importing.")
        parser.add_argument("--report", type=Path, help="Write the validation report here.")
        parser.add_argument("--quiet-bar", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        feed = str(options["feed"]).replace("-", "_")
        if feed not in Feed.values:
            raise CommandError(
                f"Unknown feed {options['feed']!r}. Use one of: {', '.join(Feed.values)}."
            )
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        actor = None
        if options["user"]:
            actor = User.objects.select_related("agency").filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user {options['user']!r}.")
        agency = self._agency(options["agency"], actor)
        try:
            started = do_start_import(
                actor=actor, agency=agency, feed=feed, path=path.resolve(), file_name=path.name
            )
        except PermissionDenied as error:
            raise CommandError(str(error)) from error
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from error
        batch = started.batch
        if started.already_imported:
            state = "is being imported now" if batch.is_active else "was already imported"
            self.stdout.write(
                f"This file {state} (batch {batch.pk}, {batch.get_status_display()}). "
                "Nothing was added."
            )
            return
        if started.resumed:
            self.stdout.write(f"Resuming batch {batch.pk} after row {batch.checkpoint_row}.")
        began = time.monotonic()
        show = not options["quiet_bar"]

        def progress(current: ImportBatch) -> None:
            if show:
                line = progress_line(current, time.monotonic() - began)
                self.stderr.write("\r" + line, ending="")
                self.stderr.flush()

        with contextlib.suppress(ImportFailed):  # the batch says why it failed
            run_batch(batch.pk, progress=progress)
        if show:
            self.stderr.write("")
        batch.refresh_from_db()
        self._summary(batch, time.monotonic() - began, options["report"])
        if batch.status != "done":
            raise CommandError(f"The import failed: {batch.error}")

    def _agency(self, short_name: str | None, actor: User | None) -> Agency:
        if short_name:
            agency = Agency.objects.filter(short_name=short_name).first()
            if agency is None:
                raise CommandError(f"No agency with short name {short_name!r}.")
            return agency
        if actor is not None and actor.agency is not None:
            return actor.agency
        raise CommandError("Name the agency with --agency (or the importing user with --user).")

    def _summary(self, batch: ImportBatch, seconds: float, report: Path | None) -> None:
        self.stdout.write(
            f"Batch {batch.pk}: {batch.rows_seen:,} rows read in {seconds:,.1f} s; "
            f"{batch.rows_accepted:,} added, {batch.rows_rejected:,} rejected, "
            f"{batch.rows_duplicate:,} already imported, {batch.rows_linked:,} linked by UPN or "
            "NHS number."
        )
        lines = queries.report_rows(batch)
        next(lines)
        for shown, (row, field, rule, outcome) in enumerate(lines):
            if shown == 20:
                self.stdout.write("… more problems: see the report (--report) or the batch page.")
                break
            self.stdout.write(f"  row {row}, {field}: {rule} ({outcome.lower()})")
        if report is not None:
            with report.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerows(queries.report_rows(batch))
            self.stdout.write(f"Validation report written to {report}.")
        sys.stdout.flush()

"""Evaluate the alert rules in full, or replay them day by day over history.

``manage.py evaluate_rules`` recomputes every enabled rule for everyone (after a rule change),
resuming an evaluation that stopped from its checkpoint; ``--restart`` starts afresh.
``manage.py evaluate_rules --replay 2025-09-01 2026-08-31 --name "Last year"`` runs a named
replay whose alerts are kept apart from the live queue; ``--csv FILE`` writes its alerts.
"""

from __future__ import annotations

import csv
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from alerts import engine
from alerts.actions import do_finish_replay, do_start_replay
from alerts.models import FullEvaluation, ReplayRun
from alerts.queries import replay_csv_rows


class _Bar:
    """A plain progress line, rewritten in place on a terminal and printed every tenth
    otherwise (tqdm is not a dependency)."""

    def __init__(self, out: Any, label: str) -> None:
        self.out = out
        self.label = label
        self.started = time.monotonic()
        self.last_tenth = -1
        self.tty = hasattr(out, "isatty") and out.isatty()

    def show(self, done: int, total: int, extra: str = "") -> None:
        share = done / total if total else 1.0
        width = 30
        filled = int(share * width)
        elapsed = time.monotonic() - self.started
        line = (
            f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {done:,}/{total:,} "
            f"({share:.0%}, {elapsed:.0f} s){' ' + extra if extra else ''}"
        )
        if self.tty:
            self.out.write("\r" + line)
            self.out.flush()
            if done >= total:
                self.out.write("\n")
        elif int(share * 10) != self.last_tenth:
            self.last_tenth = int(share * 10)
            self.out.write(line + "\n")


class Command(BaseCommand):
    help = (
        "Evaluate the alert rules for everyone (resumable), or replay them day by day over "
        "history into a named replay run kept apart from the live queue."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--replay",
            nargs=2,
            metavar=("FROM", "TO"),
            type=date.fromisoformat,
            help="replay the rules day by day from FROM to TO (YYYY-MM-DD)",
        )
        parser.add_argument("--name", default="", help="the replay run's name")
        parser.add_argument("--resume", type=int, help="resume the replay run with this id")
        parser.add_argument("--csv", type=Path, help="write the replay run's alerts to this CSV")
        parser.add_argument(
            "--restart",
            action="store_true",
            help="start a new full evaluation instead of resuming one that stopped",
        )
        parser.add_argument("--chunk", type=int, default=engine.PEOPLE_CHUNK)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["replay"] or options["resume"]:
            self._replay(options)
        else:
            self._full(options)

    def _full(self, options: dict[str, Any]) -> None:
        if options["restart"]:
            FullEvaluation.objects.filter(finished_at__isnull=True).update(
                finished_at=timezone.now()
            )
        evaluation = engine.start_full_evaluation()
        if evaluation.young_people_done:
            self.stdout.write(
                f"Resuming the evaluation as of {evaluation.as_of:%Y-%m-%d %H:%M} after "
                f"{evaluation.young_people_done:,} young people."
            )
        bar = _Bar(self.stdout, "Evaluating")

        def progress(current: FullEvaluation) -> None:
            bar.show(
                current.young_people_done,
                current.young_people_total,
                f"{current.alerts_raised} raised",
            )

        evaluation = engine.evaluate_all(
            evaluation=evaluation, chunk=options["chunk"], progress=progress
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Evaluated the rules for {evaluation.young_people_done:,} young people: "
                f"{evaluation.alerts_raised} alerts raised, {evaluation.alerts_updated} updated."
            )
        )

    def _replay(self, options: dict[str, Any]) -> None:
        if options["resume"]:
            run = ReplayRun.objects.filter(pk=options["resume"]).first()
            if run is None:
                raise CommandError(f"There is no replay run {options['resume']}.")
        else:
            starts_on, ends_on = options["replay"]
            name = options["name"] or f"Replay {starts_on} to {ends_on}"
            try:
                run = do_start_replay(actor=None, name=name, starts_on=starts_on, ends_on=ends_on)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(f"Replay run {run.pk} ({run.name}): {run.starts_on} to {run.ends_on}.")
        bar = _Bar(self.stdout, "Replaying")
        try:
            engine.replay(
                run,
                progress=lambda current: bar.show(
                    current.days_done, current.days_total, f"{current.alerts.count()} alerts"
                ),
            )
        finally:
            do_finish_replay(actor=None, run=run)
        self.stdout.write(
            self.style.SUCCESS(f"Replay run {run.pk} finished: {run.alerts.count()} alerts.")
        )
        if options["csv"]:
            with options["csv"].open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                for row in replay_csv_rows(run):
                    writer.writerow(row)
            self.stdout.write(f"Wrote {options['csv']}.")
        sys.stdout.flush()

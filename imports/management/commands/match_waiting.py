"""Match again the imported rows waiting for lack of a date of birth.

The import job does this by itself after an import that adds to the register (a school roll
registering the children, say); an operator runs it after a failure logged by that step, or
after young people were registered by other means. Runs as the system; audited.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from imports.actions import do_rematch_waiting_rows
from imports.models import Feed


class Command(BaseCommand):
    help = "Match again the imported rows that wait for lack of a date of birth."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--feed", choices=Feed.values, help="Only this feed's waiting rows (default: all)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        summary = do_rematch_waiting_rows(actor=None, feed=options.get("feed"))
        noun = "row" if summary.rows == 1 else "rows"
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary.rows} waiting {noun} matched again: {summary.linked} linked, "
                f"{summary.review} to review, {summary.unmatched} still waiting."
            )
        )

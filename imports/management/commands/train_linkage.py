"""Estimate a feed's linkage model afresh, without labelled data, and keep it for the next import.

The import job trains a model when a feed has none (or its data has doubled); an operator runs
this after a large first load, or when the matching of a feed looks off. It lives in the imports
app because it reads the feed's imported rows; the model is matching's.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from imports.models import Feed, ImportedRow
from matching import actions, linking


class Command(BaseCommand):
    help = "Train the record-linkage model of one feed on the register and its imported rows."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("feed", choices=Feed.values, help="The feed to train.")
        parser.add_argument(
            "--rows",
            type=int,
            default=50_000,
            help="How many of the feed's most recent imported rows to train on (default 50,000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        feed = options["feed"]
        started = time.perf_counter()
        register, _ = linking.register_records()
        recent = (
            ImportedRow.objects.filter(feed=feed)
            .order_by("-pk")
            .values(*linking.ROW_FIELDS)[: options["rows"]]
        )
        rows = [linking.row_record(values) for values in recent]
        if not register or not rows:
            raise CommandError(
                "Nothing to learn from: the register and the feed both need records."
            )
        model = linking.train(register, rows)
        actions.do_save_linkage_model(
            actor=None, feed=feed, model=model, rows_used=len(register) + len(rows)
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Trained the {Feed(feed).label} model on {len(register)} register records and "
                f"{len(rows)} imported rows in {time.perf_counter() - started:.1f} s."
            )
        )

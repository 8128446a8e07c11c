"""``manage.py pprl_encode INPUT.csv OUTPUT.csv``: encode identities on the agency's side.

The input holds ``reference, given_name, family_name, date_of_birth, sex, postcode`` (dates as
YYYY-MM-DD or DD/MM/YYYY). The output holds only ``reference, encoding, settings``: no name,
date or postcode leaves the agency. The partnership secret is read from TESSERA_PPRL_SECRET.
Nothing identifying is printed: rejected rows are reported by row number, column and rule.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pprl import linkage


class Command(BaseCommand):
    help = "Encode an identities CSV into keyed encodings for privacy-preserving linkage."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("input", type=Path)
        parser.add_argument("output", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        settings = linkage.partnership_settings()
        if settings is None:
            raise CommandError("Set TESSERA_PPRL_SECRET to the partnership secret first.")
        source: Path = options["input"]
        target: Path = options["output"]
        if not source.is_file():
            raise CommandError(f"{source} is not a file.")
        if target.exists() and target.resolve() == source.resolve():
            raise CommandError("Write the encodings to a different file from the identities.")
        with (
            source.open(encoding="utf-8-sig", newline="") as handle,
            target.open("w", encoding="utf-8", newline="") as out,
        ):
            try:
                written, rejected = linkage.write_encodings(
                    out, settings, linkage.read_identities(handle)
                )
            except ValueError as error:
                raise CommandError(str(error)) from None
        for rejection in rejected:
            self.stderr.write(f"Row {rejection.row}, {rejection.column}: {rejection.rule}")
        self.stdout.write(
            f"{written} encodings written to {target} ({len(rejected)} rows rejected); "
            f"settings {settings.fingerprint()}."
        )

"""Load the synthetic Eastbrook partnership: ``manage.py load_demo --seed 2017 --size small``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from demo.eastbrook import DEFAULT_SEED, SIZES, Generator, eastbrook_loaded
from people.models import YoungPerson


class Command(BaseCommand):
    help = (
        "Create the fictional Eastbrook partnership (agencies, users, young people and a year of "
        "agency records), all marked synthetic. The same seed always gives the same town."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"default {DEFAULT_SEED}"
        )
        parser.add_argument(
            "--size",
            choices=list(SIZES),
            default="small",
            help=", ".join(f"{name} = {count:,} young people" for name, count in SIZES.items()),
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if Eastbrook is already loaded",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if getattr(settings, "PRODUCTION", False):
            raise CommandError("Synthetic demo data is never loaded into a production system.")
        if eastbrook_loaded():
            if options["if_empty"]:
                self.stdout.write(
                    f"Eastbrook demo data is already loaded "
                    f"({YoungPerson.objects.filter(is_synthetic=True).count():,} young people); "
                    "nothing to do."
                )
                return
            raise CommandError(
                "Eastbrook demo data is already loaded. Use --if-empty to skip, or start from an "
                "empty database."
            )
        size = options["size"]
        self.stdout.write(
            f"Building Eastbrook (seed {options['seed']}, size {size}: "
            f"{SIZES[size]:,} young people)..."
        )
        generator = Generator(
            seed=options["seed"],
            size=size,
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        summary = generator.run()  # one transaction: all of Eastbrook or nothing
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded Eastbrook: {summary.agencies} agencies, {summary.services} services, "
                f"{summary.users} users, {summary.young_people:,} young people "
                f"({summary.recorded_identities:,} recorded identities), "
                f"{sum(summary.records.values()):,} agency records "
                f"in {summary.seconds:.1f} s. All of it is synthetic."
            )
        )
        width = max((len(name) for name in summary.records), default=0)
        self.stdout.write(
            f"Agency records by agency ({summary.records_seconds:.1f} s, "
            f"{'in bulk' if generator.bulk else 'one by one'}):"
        )
        for name, count in sorted(summary.records.items(), key=lambda item: -item[1]):
            self.stdout.write(f"  {name:<{width}}  {count:>8,}")
        self.stdout.write(
            f"{summary.relationships} case team and lead professional allocations, "
            f"{summary.consent_decisions} consent decisions."
        )
        self.stdout.write(
            f"{summary.alerts} alerts raised by the rules for the coordinator's queue."
        )
        self.stdout.write("See the demo accounts with: manage.py demo_accounts")

"""Print the demo accounts and how to sign in: ``manage.py demo_accounts``."""

from __future__ import annotations

import textwrap
from base64 import b32encode
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.commands.runserver import naiveip_re

from demo.eastbrook import AGENCY_NAMES, DEMO_PASSWORD, STAFF, START_HERE
from partnership.models import User

DEFAULT_ADDRPORT = "127.0.0.1:8000"
_EVERY_ADDRESS = {"0.0.0.0": "127.0.0.1", "0": "127.0.0.1", "[::]": "[::1]"}  # noqa: S104 - names


def sign_in_url(addrport: str) -> str:
    """The address a browser on this machine opens for ``runserver <addrport>``.

    Read as runserver reads it: a port alone, or address:port. A server listening on every
    address is reached on this machine through the loopback address."""
    match = naiveip_re.match(addrport.strip())
    if match is None:
        raise CommandError(
            f"HOST {addrport!r} is not a port or address:port, such as 127.0.0.1:8000 or 8080."
        )
    address = match.group("addr") or "127.0.0.1"
    address = _EVERY_ADDRESS.get(address, address)
    return f"http://{address}:{match.group('port')}/"


class Command(BaseCommand):
    help = "List the synthetic Eastbrook accounts, their shared password and how to sign in."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--keys",
            action="store_true",
            help="also print each account's authenticator key (base32), to add to an app",
        )
        parser.add_argument(
            "--addrport",
            default=DEFAULT_ADDRPORT,
            help="where the demo serves, as given to runserver (make demo passes its HOST); "
            f"default {DEFAULT_ADDRPORT}",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.TESSERA_DEMO_MODE:
            raise CommandError(
                "demo_accounts only runs in demo mode (TESSERA_DEMO_MODE is off): the accounts "
                "and their password are published, so they must never exist on a real system."
            )
        url = sign_in_url(options["addrport"])
        users = list(
            User.objects.filter(is_synthetic=True, agency__name__in=AGENCY_NAMES).select_related(
                "agency", "service"
            )
        )
        if not users:
            self.stdout.write("No demo accounts yet. Load them with: manage.py load_demo")
            return
        order = {spec.username: index for index, spec in enumerate(STAFF)}
        users.sort(key=lambda user: (order.get(user.username, len(order)), user.username))

        headings = ["Username", "Role", "Agency", "Service"]
        if options["keys"]:
            headings.append("Authenticator key")
        keys: dict[int, str] = {}
        if options["keys"]:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            for device in TOTPDevice.objects.filter(user__in=users, confirmed=True):
                keys[device.user_id] = b32encode(device.bin_key).decode()
        rows = []
        for user in users:
            assert user.agency is not None  # the filter above guarantees it
            row = [
                user.username,
                user.role_label,
                user.agency.name,
                user.service.name if user.service else "",
            ]
            if options["keys"]:
                row.append(keys.get(user.pk, "(none)"))
            rows.append(row)
        widths = [
            max(len(str(cell)) for cell in column) for column in zip(headings, *rows, strict=True)
        ]

        def line(cells: list[str]) -> str:
            return "  ".join(
                cell.ljust(width) for cell, width in zip(cells, widths, strict=True)
            ).rstrip()

        self.stdout.write("Tessera demo accounts (synthetic Eastbrook partnership)")
        self.stdout.write("")
        self.stdout.write(f"Open {url} and start with one of these (password {DEMO_PASSWORD}):")
        self.stdout.write("")
        present = {user.username for user in users}
        lead = max(len(username) for username, _ in START_HERE)
        for username, what in START_HERE:
            if username in present:
                wrapped = textwrap.wrap(what, width=96 - lead)
                self.stdout.write(f"  {username.ljust(lead)}  {wrapped[0]}")
                for more in wrapped[1:]:
                    self.stdout.write(f"  {' ' * lead}  {more}")
        self.stdout.write("")
        self.stdout.write("Every account:")
        self.stdout.write("")
        self.stdout.write(line(headings))
        self.stdout.write(line(["-" * width for width in widths]))
        for row in rows:
            self.stdout.write(line(row))
        self.stdout.write("")
        self.stdout.write(f"Password for every account: {DEMO_PASSWORD}")
        self.stdout.write("")
        self.stdout.write("To sign in:")
        self.stdout.write(f"  1. Open {url}")
        self.stdout.write("  2. Enter a username from the table and the password above.")
        self.stdout.write(
            "  3. Enter the 6-digit security code. In demo mode the code is shown on screen."
        )
        self.stdout.write(
            "     Or add the account's key to an authenticator app: manage.py demo_accounts --keys"
        )
        self.stdout.write("")
        self.stdout.write(
            "Everything in this demo is synthetic: no real person, child or organisation."
        )

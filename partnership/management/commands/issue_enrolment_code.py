"""Issue a one-time enrolment code so that a user can set up their first authenticator app."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from partnership.actions import ENROLMENT_CODE_LIFETIME, do_issue_enrolment_code
from partnership.models import User


class Command(BaseCommand):
    help = (
        "Print a new one-time enrolment code for USERNAME. Give it to the user by a channel other "
        "than the one their password went by; any earlier unused code of theirs stops working."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(
                f"No active user has the username {options['username']!r}."
            ) from None
        code = do_issue_enrolment_code(actor=None, user=user)
        days = ENROLMENT_CODE_LIFETIME.days
        self.stdout.write(f"Enrolment code for {user.username}: {code}")
        self.stdout.write(f"It works once, for {days} days, to set up their authenticator app.")

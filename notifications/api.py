"""Tell people about work that has reached them: in the app, and by email once committed.

`notify` is called inside the caller's action (its transaction); nothing is sent if that
transaction rolls back.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone

from governance.models import Notification
from partnership.models import Agency, User


def notify(
    *,
    kind: str,
    message: str,
    users: Iterable[User] = (),
    agency: Agency | None = None,
    url: str = "",
    object_type: str = "",
    object_id: str | int = "",
) -> list[Notification]:
    """One notification per named user (in their agency), or one for the agency if no users."""
    now = timezone.now()
    made: list[Notification] = []
    people = [user for user in users if user.agency is not None]
    if people:
        for user in people:
            made.append(
                Notification(
                    agency=user.agency,
                    user=user,
                    kind=kind,
                    message=message,
                    object_type=object_type,
                    object_id=str(object_id),
                    created_at=now,
                )
            )
    elif agency is not None:
        made.append(
            Notification(
                agency=agency,
                kind=kind,
                message=message,
                object_type=object_type,
                object_id=str(object_id),
                created_at=now,
            )
        )
    return Notification.objects.bulk_create(made)

"""Tell people about work that has reached them: in the app, and by email once committed.

`notify` is called inside the caller's action (its transaction); nothing is sent if that
transaction rolls back. A notification addressed to an active person with an email address is
queued for email (``notifications.tasks.send_notification_email``) after the commit, so a slow
mail server never holds up a page. The email carries a neutral subject and a link, never the
message (see ``notifications.mail``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from notifications.models import Notification, NotificationKind
from notifications.tasks import send_notification_email
from partnership.models import Agency, User

logger = logging.getLogger(__name__)


def notify(
    *,
    kind: NotificationKind,
    message: str,
    users: Iterable[User] = (),
    agency: Agency | None = None,
    url: str = "",
    object_type: str = "",
    object_id: str | int = "",
) -> list[Notification]:
    """One notification per named user (in their agency), or one for the agency if no users.

    ``kind`` is one of :class:`NotificationKind` (also its email subject).
    ``url`` is a path inside Tessera (such as ``/cases/4/``) where the reader can act on it.
    """
    now = timezone.now()

    def build(agency_id: int, user: User | None, email_status: str) -> Notification:
        return Notification(
            agency_id=agency_id,
            user=user,
            kind=kind,
            message=message,
            url=url,
            object_type=object_type,
            object_id=str(object_id),
            created_at=now,
            email_status=email_status,
        )

    made: list[Notification] = []
    for user in users:
        if user.agency_id is None:
            continue
        emailed = bool(user.is_active and user.email)
        status = (
            Notification.EmailStatus.PENDING if emailed else Notification.EmailStatus.NOT_EMAILED
        )
        made.append(build(user.agency_id, user, status))
    if not made and agency is not None:
        made.append(build(agency.pk, None, Notification.EmailStatus.NOT_EMAILED))
    created = Notification.objects.bulk_create(made)
    to_email = [n.pk for n in created if n.email_status == Notification.EmailStatus.PENDING]
    if to_email:
        transaction.on_commit(lambda: queue_emails(to_email), robust=True)
    return created


def queue_emails(notification_ids: Iterable[int]) -> None:
    """Queue one email task per notification. A notification whose task cannot be queued
    stays pending, and the scheduled retry picks it up."""
    for pk in notification_ids:
        send_notification_email.enqueue(pk)

"""Emailing notifications, run by the django-tasks worker (``manage.py db_worker``).

``send_notification_email`` is queued after a commit by ``notifications.api.notify``;
``retry_emails`` is one of the periodic jobs in ``notifications.periodic``. This module sits
below ``api`` and must not import ``api`` or ``overdue`` (which imports ``api``): that was an
import cycle.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from notifications import mail
from notifications.models import Notification

logger = logging.getLogger(__name__)

Status = Notification.EmailStatus

MAX_EMAIL_ATTEMPTS = 3
# A pending or sending email older than this was lost (a worker stopped, or the queue was down
# when it should have been queued) and is tried again.
STALE_AFTER = timedelta(minutes=10)


@task()
def send_notification_email(notification_id: int) -> str:
    return mail.send(notification_id)


def emails_to_retry() -> list[int]:
    stale = timezone.now() - STALE_AFTER
    return list(
        Notification.objects.filter(email_attempts__lt=MAX_EMAIL_ATTEMPTS)
        .filter(
            Q(email_status=Status.FAILED)
            | Q(email_status__in=(Status.PENDING, Status.SENDING), created_at__lt=stale)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )


@task()
def retry_emails() -> int:
    """Send again emails that failed (up to three attempts in all) or were lost on the way."""
    ids = emails_to_retry()
    # A lost "sending" goes back to pending so that the send can claim it.
    Notification.objects.filter(pk__in=ids, email_status=Status.SENDING).update(
        email_status=Status.PENDING
    )
    sent = sum(1 for pk in ids if mail.send(pk) == "sent")
    if ids:
        logger.info("Email retry: %s of %s sent", sent, len(ids))
    return sent

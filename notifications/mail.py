"""Emailing a notification: a neutral subject and a link into Tessera, nothing else.

The notification's message stays inside Tessera. The email says that there is something to
read and where, so that no young person's details ever travel by email.
"""

from __future__ import annotations

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from notifications.kinds import subject_for
from notifications.models import Notification

logger = logging.getLogger(__name__)

Status = Notification.EmailStatus

BODY = """\
There is something new for you in Tessera.

Sign in to read it:
{link}

This email does not say what it is about, to keep the young people we work with safe: \
please do not reply to it or forward it. If you were not expecting it, tell your agency's \
information governance officer.

Tessera, the shared system of {partnership} against child sexual exploitation
"""


def _is_local_path(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//") and "\\" not in url


def link_for(notification: Notification) -> str:
    """Where the email sends the reader: the notification's own page in Tessera if it has one
    (a path, never another site), otherwise their notifications."""
    path = notification.url if _is_local_path(notification.url) else ""
    return f"{settings.TESSERA_BASE_URL}{path or reverse('notifications:list')}"


def compose(notification: Notification, to: str) -> EmailMessage:
    return EmailMessage(
        subject=subject_for(notification.kind),
        body=BODY.format(
            link=link_for(notification), partnership=settings.TESSERA_PARTNERSHIP_NAME
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to],
    )


def address_of(notification: Notification) -> str:
    user = notification.user
    if user is None or not user.is_active or not user.email:
        return ""
    return str(user.email)


def send(notification_id: int) -> str:
    """Send one notification's email, once: returns ``sent``, ``failed`` or ``skipped``.

    The row is claimed first (pending or failed becomes sending), so two workers handed the
    same notification cannot both send it.
    """
    claimed = Notification.objects.filter(
        pk=notification_id, email_status__in=(Status.PENDING, Status.FAILED)
    ).update(email_status=Status.SENDING, email_attempts=F("email_attempts") + 1)
    if not claimed:
        return "skipped"
    notification = Notification.objects.select_related("user").get(pk=notification_id)
    rows = Notification.objects.filter(pk=notification_id)
    to = address_of(notification)
    if not to:
        rows.update(email_status=Status.NOT_EMAILED)
        return "skipped"
    try:
        compose(notification, to).send(fail_silently=False)
    except (smtplib.SMTPException, OSError) as error:
        # The kind of failure only: SMTP errors can quote the address, which stays out of logs.
        rows.update(email_status=Status.FAILED, email_error=type(error).__name__[:100])
        logger.warning(
            "Notification %s email failed (%s), attempt %s",
            notification_id,
            type(error).__name__,
            notification.email_attempts,
        )
        return "failed"
    rows.update(email_status=Status.SENT, emailed_at=timezone.now(), email_error="")
    logger.info("Notification %s emailed", notification_id)
    return "sent"

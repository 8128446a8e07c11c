"""Notifications: a message to an agency, or to one person in it, and the kinds there are.

The table is the one governance created (``governance_notification``); the model moved here in
migration ``notifications.0001`` without touching the data (see that migration).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from partnership.models import Agency


class NotificationKind(models.TextChoices):
    """Every kind of notification. A new kind is added here, with its email subject in
    ``notifications.kinds.SUBJECTS``; nothing else writes a kind."""

    ACTION_ASSIGNED = "action_assigned", "Action given to you"
    ACTION_OVERDUE = "action_overdue", "Action overdue"
    CASE_CHANGED = "case_changed", "Case changed"
    CASE_LEAD = "case_lead", "Lead professional"
    CASE_MEMBER = "case_member", "Added to a case team"
    CASE_REVIEW_OVERDUE = "case_review_overdue", "Case review overdue"
    REFERRAL_OVERDUE = "referral_overdue", "Referral past its screening clock"
    BREAK_GLASS = "break_glass", "Break-glass access"
    SECOND_FACTOR_CHANGED = "second_factor_changed", "Authenticator app changed"
    DISCLOSURE_REQUEST = "disclosure_request", "Disclosure requested"
    DISCLOSURE_DECISION = "disclosure_decision", "Disclosure decided"
    CHRONOLOGY_EXPORTED = "chronology_exported", "Chronology exported"
    PASSWORD_CHANGED = "password_changed", "Password changed"


class Notification(models.Model):
    """A message to an agency (and optionally one person in it).

    Written through ``notifications.api.notify``. A notification addressed to a person with an
    email address is also emailed, without its message: the email carries a neutral subject and
    a link into Tessera, and ``email_status`` records whether it went.
    """

    class EmailStatus(models.TextChoices):
        NOT_EMAILED = "", "Not emailed"
        PENDING = "pending", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="notifications")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=40, choices=NotificationKind.choices)
    message = models.TextField()
    url = models.CharField(
        max_length=300, blank=True, help_text="Where in Tessera to go: a path, such as /cases/4/."
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(
        max_length=10, choices=EmailStatus.choices, blank=True, default=EmailStatus.NOT_EMAILED
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(
        max_length=100, blank=True, help_text="The kind of failure only: never an address."
    )

    class Meta:
        # The table governance created: moving the model kept its rows where they were.
        db_table = "governance_notification"
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["agency", "read_at"], name="notification_unread_idx"),
            models.Index(
                fields=["kind", "object_type", "object_id"], name="notification_about_idx"
            ),
            models.Index(fields=["email_status"], name="notification_email_idx"),
        ]

    def __str__(self) -> str:
        return self.message[:60]

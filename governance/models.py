"""Governance: the append-only, hash-chained audit log (the access gate arrives in policy.py)."""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    SIGN_IN = "sign_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED_OUT = "locked_out", "Locked out"
    SECOND_FACTOR_VERIFIED = "second_factor_verified", "Second factor verified"
    SECOND_FACTOR_FAILED = "second_factor_failed", "Second factor failed"
    SECOND_FACTOR_ENROLLED = "second_factor_enrolled", "Second factor set up"
    SIGN_OUT = "sign_out", "Signed out"
    SESSION_EXPIRED = "session_expired", "Session expired"
    VIEW = "view", "Viewed"
    LIST = "list", "Listed"
    SEARCH = "search", "Searched"
    EXPORT = "export", "Exported"
    SHARE = "share", "Shared"
    DECLINE_TO_SHARE = "decline_to_share", "Decided not to share"
    BREAK_GLASS = "break_glass", "Break-glass access"
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DISPOSE = "dispose", "Disposed"
    CONFIGURE = "configure", "Changed configuration"


class AuditOutcome(models.TextChoices):
    ALLOWED = "allowed", "Allowed"
    REFUSED = "refused", "Refused"
    FAILED = "failed", "Failed"


class AuditEvent(models.Model):
    """One entry in the audit log. Rows are never updated or deleted (database triggers refuse).

    Actor details are copied, not linked, so that the row stays true after people move on and
    no change elsewhere ever needs to touch the log.
    """

    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    actor_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor_username = models.CharField(max_length=150, blank=True)
    actor_agency = models.CharField(max_length=40, blank=True)
    actor_role = models.CharField(max_length=40, blank=True)
    action = models.CharField(max_length=40, choices=AuditAction.choices)
    outcome = models.CharField(
        max_length=10, choices=AuditOutcome.choices, default=AuditOutcome.ALLOWED
    )
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.TextField(blank=True)
    recipient = models.CharField(max_length=200, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    details = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} by {self.actor_username or 'anonymous'}"


class AuditChainHead(models.Model):
    """The single row naming the newest entry, so that truncating the tail is detected too."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64)
    signature = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit chain head at entry {self.seq}"

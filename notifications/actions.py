"""Every write a person makes to their notifications: marking them read."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from governance import audit
from governance.models import AuditAction, AuditObject, Notification
from notifications.queries import may_read_notifications, notifications_for
from partnership.models import User


def do_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one notification read. An agency's notice read by one colleague is read for all:
    it says that someone in the agency has seen it."""
    if not notifications_for(actor).filter(pk=notification.pk).exists():
        raise PermissionDenied("This notification is not yours.")
    with transaction.atomic():
        if notification.read_at is None:
            notification.read_at = timezone.now()
            notification.save(update_fields=["read_at"])
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.NOTIFICATION,
            object_id=notification.pk,
            details={"change": "read"},
        )
    return notification


def do_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification this person sees as read; returns how many."""
    if not may_read_notifications(actor):
        raise PermissionDenied("You have no notifications.")
    with transaction.atomic():
        count = Notification.objects.filter(
            pk__in=list(
                notifications_for(actor).filter(read_at__isnull=True).values_list("pk", flat=True)
            )
        ).update(read_at=timezone.now())
        audit.record(
            AuditAction.UPDATE,
            actor=actor,
            object_type=AuditObject.NOTIFICATION,
            details={"change": "all_read", "count": count},
        )
    return count

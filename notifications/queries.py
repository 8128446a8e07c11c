"""Reading notifications: whose are whose.

A person sees the notifications addressed to them, and, if their role reads case content, the
ones addressed to their whole agency (such as a break-glass notice). Community partners and
people outside an agency see none.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from governance.models import Notification
from governance.permissions import Capability, may


def may_read_notifications(user: Any) -> bool:
    return may(user, Capability.READ_NOTIFICATIONS)


def notifications_for(user: Any) -> QuerySet[Notification]:
    """Newest first: the user's own, and their agency's unaddressed ones if they read case
    content."""
    if not may_read_notifications(user):
        return Notification.objects.none()
    mine = Q(user_id=user.pk)
    if user.reads_case_content:
        mine |= Q(user__isnull=True)
    return Notification.objects.filter(mine, agency_id=user.agency_id).order_by(
        "-created_at", "-pk"
    )


def unread_count(user: Any) -> int:
    return notifications_for(user).filter(read_at__isnull=True).count()

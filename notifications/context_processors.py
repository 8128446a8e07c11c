"""The unread count shown in the header, counted only when a page shows it."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from django.http import HttpRequest

from kit.access import is_two_factor_verified
from notifications.queries import may_read_notifications, unread_count


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if not (is_two_factor_verified(user) and may_read_notifications(user)):
        return {"notifications_shown": False}
    # A callable: the template engine calls it where the count is shown, and once only.
    count: Callable[[], int] = cache(lambda: unread_count(user))
    return {"notifications_shown": True, "notifications_unread": count}

"""Lines for the coordinator's home page panel about alerts: (text, url) pairs, read through
the same queries as the queue they link to."""

from __future__ import annotations

from django.urls import reverse

from alerts import queries
from alerts.models import AlertStatus
from partnership.models import User

Line = tuple[str, str]


def alerts_to_triage(user: User, limit: int = 5) -> list[Line]:
    """How many open alerts wait, then the newest few by rule and date (no names: the queue
    shows them)."""
    waiting = queries.queue(user, status=AlertStatus.OPEN)
    count = waiting.count()
    if not count:
        return []
    lines: list[Line] = [
        (f"{count} open alert{'' if count == 1 else 's'} to triage", reverse("alerts:queue"))
    ]
    for alert in waiting[:limit]:
        lines.append(
            (
                f"{alert.rule.name}, raised {alert.raised_at:%-d %b}",
                reverse("alerts:alert", args=[alert.pk]),
            )
        )
    return lines

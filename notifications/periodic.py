"""The periodic jobs ``manage.py run_schedule`` queues: the overdue check and the email retry.

Kept apart from ``notifications.tasks`` so that the email task can sit below ``api`` while the
overdue check, which notifies through ``api``, sits above it: ``api → tasks → mail`` and
``periodic → overdue → api``, with no cycle.
"""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task
from django_tasks.base import Task

from notifications import overdue
from notifications.tasks import retry_emails

logger = logging.getLogger(__name__)


@task()
def check_overdue() -> dict[str, int]:
    result = overdue.check_overdue()
    logger.info(
        "Overdue check: %s actions, %s case reviews and %s referrals told, %s notifications",
        result.actions,
        result.case_reviews,
        result.referrals,
        result.notifications,
    )
    return {
        "actions": result.actions,
        "case_reviews": result.case_reviews,
        "referrals": result.referrals,
        "notifications": result.notifications,
    }


PERIODIC: tuple[Task[Any, Any], ...] = (check_overdue, retry_emails)

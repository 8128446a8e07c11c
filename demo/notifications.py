"""Notifications in the synthetic Eastbrook demo: the scheduled overdue check, run once at load.

The casework steps before this one already notified people through the real actions (an action
given to someone, a case they are on changed). This step runs the same overdue check that
``manage.py run_schedule`` queues every few minutes, so the referral the demo leaves past its
24-hour clock, any action past its due date and the case past its review date are waiting in
the screeners', coordinators', owners' and lead professionals' notifications when the demo
starts. Nothing here is made up beyond the data the
earlier steps wrote: the notifications come from the real job.

It must stay the last step of ``Generator.run``, after every step that makes actions.
Emails for these notifications are queued when the load commits; in the demo they go to the
console once ``manage.py db_worker`` runs (see docs/notifications.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from notifications.models import Notification
from notifications.overdue import check_overdue

if TYPE_CHECKING:
    from demo.eastbrook import Generator


def generate(gen: Generator) -> int:
    """Run the overdue check; returns how many notifications Eastbrook holds afterwards."""
    result = check_overdue()
    total = Notification.objects.count()
    actions = f"{result.actions} overdue action{'' if result.actions == 1 else 's'}"
    reviews = f"{result.case_reviews} case review{'' if result.case_reviews == 1 else 's'}"
    referrals = f"{result.referrals} referral{'' if result.referrals == 1 else 's'}"
    gen._progress(
        f"{total} notifications ({actions}, {reviews} and {referrals} past the clock told)"
    )
    return total

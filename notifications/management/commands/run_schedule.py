"""Queue Tessera's periodic jobs: every few minutes, or once (for cron or a systemd timer).

The jobs run in the django-tasks worker (``manage.py db_worker``), not here, so this process
stays small and a slow job never delays the next tick. A job already waiting in the queue is
not queued again, so a stopped worker does not come back to a pile of identical jobs.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from notifications.periodic import PERIODIC

logger = logging.getLogger(__name__)


def already_waiting(job: Task[Any, Any]) -> bool:
    """True when the database queue holds this job, not yet started."""
    if not isinstance(job.get_backend(), DatabaseBackend):
        return False

    return DBTaskResult.objects.ready().filter(task_path=job.module_path).exists()


def queue_periodic_jobs() -> list[str]:
    queued = []
    for job in PERIODIC:
        if already_waiting(job):
            continue
        job.enqueue()
        queued.append(job.name)
    return queued


class Command(BaseCommand):
    help = "Queue the periodic jobs (overdue actions and referrals, email retries)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=15,
            metavar="MINUTES",
            help="Minutes between runs (default 15).",
        )
        parser.add_argument(
            "--once", action="store_true", help="Queue the jobs once and exit (for cron)."
        )

    def handle(self, *args: Any, every: int, once: bool, **options: Any) -> None:
        if every < 1:
            raise CommandError("--every must be at least 1 minute.")
        while True:
            queued = queue_periodic_jobs()
            message = f"Queued: {', '.join(queued) or 'nothing (already waiting)'}"
            logger.info(message)
            self.stdout.write(message)
            if once:
                return
            time.sleep(every * 60)

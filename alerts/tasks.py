"""The background job that runs a replay of the alert rules (django-tasks; ADR 0003)."""

from __future__ import annotations

from django_tasks import task

from alerts.actions import do_finish_replay
from alerts.engine import replay
from alerts.models import ReplayRun


@task()
def run_replay(run_id: int) -> None:
    """Run or resume one replay run; its progress is kept on the run (days_done/days_total)."""
    run = ReplayRun.objects.get(pk=run_id)
    try:
        replay(run)
    finally:
        do_finish_replay(actor=None, run=run)

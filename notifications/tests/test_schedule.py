"""The scheduler queues the periodic jobs in the database and the worker runs them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cases.actions import do_assign_action
from cases.models import Action
from notifications.models import Notification
from partnership.models import Role

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def overdue_action(make_user):
    coordinator = make_user(Role.COORDINATOR, "police")
    return do_assign_action(
        actor=coordinator,
        title="Check the address with the landlord",
        owner_agency=coordinator.agency,
        due_on=timezone.localdate() - timedelta(days=3),
        allow_past_due=True,
    )


def test_the_schedule_queues_each_job_once_and_the_worker_tells_the_owner(
    overdue_action, settings, capsys, monkeypatch
):
    settings.TASKS = DATABASE_QUEUE
    # The worker closes connections it thinks are stale, and inside a test's transaction
    # PostgreSQL's looks so; in production each task commits on its own.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    call_command("run_schedule", "--once")
    call_command("run_schedule", "--once")  # the worker has not run yet: nothing more queued

    assert DBTaskResult.objects.ready().count() == 2
    assert "nothing (already waiting)" in capsys.readouterr().out
    assert not Notification.objects.filter(kind="action_overdue").exists()

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")

    assert DBTaskResult.objects.successful().count() == 2
    assert Notification.objects.filter(
        kind="action_overdue", agency=overdue_action.owner_agency
    ).exists()
    assert Action.objects.get(pk=overdue_action.pk).overdue_notified_on == timezone.localdate()


def test_the_schedule_refuses_an_interval_under_a_minute(db):
    with pytest.raises(CommandError, match="at least 1 minute"):
        call_command("run_schedule", "--every", "0")

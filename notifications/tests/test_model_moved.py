"""The Notification model moved from governance to notifications without losing a row."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("governance", "0005_notification_url_and_email"), ("partnership", "0001_initial")]
AFTER = [("governance", "0006_notification_moved_to_notifications")]


# PostgreSQL runs schema changes inside the test's transaction, which then rolls them back; a
# transactional test there would end in a flush, which the audit log's TRUNCATE trigger refuses.
# SQLite cannot change its schema inside a transaction, so there the test commits and flushes.
_ON_SQLITE = settings.DATABASES["default"]["ENGINE"].endswith("sqlite3")


@pytest.mark.django_db(transaction=_ON_SQLITE)
def test_notifications_written_before_the_move_are_still_there_after_it():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    agency = old_apps.get_model("partnership", "Agency").objects.create(
        name="Testshire Police", short_name="POL", kind="police"
    )
    old_apps.get_model("governance", "Notification").objects.create(
        agency=agency, kind="break_glass", message="Kept across the move", created_at=timezone.now()
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps
    with pytest.raises(LookupError):
        new_apps.get_model("governance", "Notification")
    moved = new_apps.get_model("notifications", "Notification").objects.get()
    assert (moved.agency_id, moved.message) == (agency.pk, "Kept across the move")

    # Back to the latest state for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

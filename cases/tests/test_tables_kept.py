"""Referrals and cases were one ``casework`` app: the split moved no data.

A database migrated before the split keeps its rows where they were; the new apps read them
from the same ``casework_*`` tables, and the models match their migrations.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import SeparateDatabaseAndState
from django.db.models import Model


def test_every_moved_model_keeps_its_casework_table():
    moved = [*apps.get_app_config("referrals").get_models()]
    moved += [*apps.get_app_config("cases").get_models()]
    assert len(moved) == 10
    for model in moved:
        assert model._meta.db_table == f"casework_{model._meta.model_name}", model
    assert list(apps.get_app_config("casework").get_models()) == []


@pytest.mark.django_db
def test_the_models_match_their_migrations():
    # Exits non-zero (SystemExit) if a model changed without its migration.
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


BEFORE_THE_SPLIT = [("casework", "0004_case_review_overdue_notified_on"), ("mase", "0001_initial")]
THE_SPLIT = [
    ("referrals", "0001_initial"),
    ("cases", "0001_initial"),
    ("cases", "0002_links"),
    ("mase", "0002_actions_now_in_cases"),
    ("casework", "0005_models_move_to_referrals_and_cases"),
]


def _table(model: type[Model]) -> list[tuple[str, str, bool, str | None]]:
    return sorted(
        (
            field.column,
            field.get_internal_type(),
            field.null,
            field.related_model._meta.db_table if field.related_model else None,  # type: ignore[union-attr]
        )
        for field in model._meta.local_fields
    ) + sorted(
        [(field.m2m_db_table(), "m2m", False, None) for field in model._meta.local_many_to_many]
        + [(str(index.name), "index", False, None) for index in model._meta.indexes]
        + [(c.name, "constraint", False, None) for c in model._meta.constraints]
    )


def test_the_split_writes_nothing_to_the_database():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in THE_SPLIT:
        for operation in loader.disk_migrations[key].operations:
            assert isinstance(operation, SeparateDatabaseAndState), key
            assert operation.database_operations == [], key


def test_each_moved_model_has_the_columns_casework_made():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    before = loader.project_state(BEFORE_THE_SPLIT).apps
    after = loader.project_state(loader.graph.leaf_nodes()).apps
    for app in ("referrals", "cases"):
        for model in apps.get_app_config(app).get_models():
            old = before.get_model("casework", model.__name__)
            assert _table(after.get_model(app, model.__name__)) == _table(old), model
    for name in ("MeetingAction", "DisruptionAction", "AgendaItem"):
        assert _table(after.get_model("mase", name)) == _table(before.get_model("mase", name))

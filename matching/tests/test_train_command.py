"""An operator retrains a feed's linkage model from the command line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from governance.models import AuditAction, AuditEvent
from matching.models import LinkageModel
from matching.tests.helpers import batch, person, rows, use_stand_in
from partnership.models import Role


def test_train_linkage_keeps_the_feeds_model_and_audits_it(agencies, make_user, monkeypatch):
    use_stand_in(monkeypatch)
    person("Jessica", "Smith")
    person("Tyler", "Brown")
    rows(batch(agencies["school"], make_user(Role.PRACTITIONER, "school")), "Jess Smith")
    out = StringIO()

    call_command("train_linkage", "school_attendance", stdout=out)

    saved = LinkageModel.objects.get(feed="school_attendance")
    assert saved.rows_used == 3  # two young people and one imported row
    assert saved.model == {"stand_in": True}
    assert "on 2 register records and 1 imported rows" in out.getvalue()
    assert AuditEvent.objects.filter(
        action=AuditAction.CONFIGURE, object_type="linkage_model", object_id=str(saved.pk)
    ).exists()


def test_train_linkage_refuses_when_there_is_nothing_to_learn_from(db):
    with pytest.raises(CommandError, match="Nothing to learn from"):
        call_command("train_linkage", "police_missing")
    assert not LinkageModel.objects.exists()

"""The audit log is append-only and any tampering with the chain is detected."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction

from governance import audit
from governance.models import AuditAction, AuditEvent, AuditObject

APPEND_ONLY = import_module("governance.migrations.0002_audit_append_only")

CHAIN_LENGTH = 10_000


@contextmanager
def triggers_lifted() -> Iterator[None]:
    """Play an attacker with database access: lift the append-only triggers for a moment."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE governance_auditevent DISABLE TRIGGER USER")
        else:
            for statement in APPEND_ONLY.SQLITE_REVERSE:
                cursor.execute(statement)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE governance_auditevent ENABLE TRIGGER USER")
            else:
                for statement in APPEND_ONLY.SQLITE_FORWARD:
                    cursor.execute(statement)


@pytest.fixture
def chain(db):
    audit.append_many(
        {
            "action": AuditAction.VIEW,
            "actor_id": i % 37,
            "actor_username": f"user{i % 37}",
            "object_type": "young_person",
            "object_id": str(i),
            "purpose": "casework",
        }
        for i in range(CHAIN_LENGTH)
    )
    return CHAIN_LENGTH


def _tamper(sql: str, params: list[str | int]) -> None:
    with triggers_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _kinds() -> set[str]:
    return {p.kind for p in audit.verify_chain().problems}


def test_an_untouched_chain_of_ten_thousand_entries_verifies(chain):
    result = audit.verify_chain()
    assert result.ok, result.problems
    assert result.checked == CHAIN_LENGTH


def test_an_edited_purpose_is_detected(chain):
    victim = random.Random(1).randrange(1, CHAIN_LENGTH + 1)
    _tamper("UPDATE governance_auditevent SET purpose = %s WHERE seq = %s", ["nothing", victim])
    problems = audit.verify_chain().problems
    assert [(p.seq, p.kind) for p in problems] == [(victim, "content")]


def test_an_edit_with_a_recomputed_plain_hash_is_still_detected(chain):
    # Without the chain key, an attacker cannot produce a hash that verifies.
    import hashlib

    fake = hashlib.sha256(b"forged").hexdigest()
    _tamper(
        "UPDATE governance_auditevent SET actor_username = %s, hash = %s WHERE seq = %s",
        ["someone-else", fake, 500],
    )
    assert "content" in _kinds()


def test_a_deleted_entry_is_detected(chain):
    _tamper("DELETE FROM governance_auditevent WHERE seq = %s", [4321])
    kinds = _kinds()
    assert "sequence" in kinds
    assert "link" in kinds


def test_a_deleted_tail_is_detected_by_the_head(chain):
    _tamper("DELETE FROM governance_auditevent WHERE seq > %s", [CHAIN_LENGTH - 10])
    assert _kinds() == {"head"}


def test_reordered_entries_are_detected(chain):
    # Swap the positions of two entries by exchanging their sequence numbers.
    _tamper("UPDATE governance_auditevent SET seq = -1 WHERE seq = %s", [100])
    _tamper("UPDATE governance_auditevent SET seq = 100 WHERE seq = %s", [200])
    _tamper("UPDATE governance_auditevent SET seq = 200 WHERE seq = -1", [])
    problems = audit.verify_chain().problems
    assert {p.seq for p in problems} >= {100, 200}


def test_an_inserted_entry_is_detected(chain):
    # Make room at position 5000 and plant a plausible entry there.
    genuine = AuditEvent.objects.get(seq=5000)
    with triggers_lifted(), connection.cursor() as cursor:
        # Shift entries from the end backwards so the unique sequence never collides.
        for seq in range(CHAIN_LENGTH, 4999, -1):
            cursor.execute(
                "UPDATE governance_auditevent SET seq = %s WHERE seq = %s", [seq + 1, seq]
            )
    AuditEvent.objects.create(
        seq=5000,
        occurred_at=genuine.occurred_at,
        action=AuditAction.VIEW,
        actor_username="planted",
        prev_hash=genuine.prev_hash,
        hash=genuine.hash,
    )
    problems = audit.verify_chain().problems
    assert problems
    assert any(p.seq in (5000, 5001) for p in problems)


def test_every_planted_tampering_is_detected(chain):
    """A hundred random edits, deletions and swaps: each one alone is caught."""
    rng = random.Random(2017)
    detected = 0
    trials = 100
    for trial in range(trials):
        sid = transaction.savepoint()
        kind = trial % 3
        seq = rng.randrange(2, CHAIN_LENGTH)
        if kind == 0:
            _tamper("UPDATE governance_auditevent SET object_id = %s WHERE seq = %s", ["x", seq])
        elif kind == 1:
            _tamper("DELETE FROM governance_auditevent WHERE seq = %s", [seq])
        else:
            _tamper("UPDATE governance_auditevent SET purpose = %s WHERE seq = %s", ["audit", seq])
        if not audit.verify_chain(max_problems=1).ok:
            detected += 1
        transaction.savepoint_rollback(sid)
    assert detected == trials


def test_the_database_refuses_to_update_an_audit_event(db):
    event = audit.record(AuditAction.VIEW, object_type=AuditObject.YOUNG_PERSON, object_id=1)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(purpose="changed")


def test_the_database_refuses_to_delete_an_audit_event(db):
    event = audit.record(AuditAction.VIEW, object_type=AuditObject.YOUNG_PERSON, object_id=1)
    with pytest.raises((DatabaseError, IntegrityError)), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_verify_audit_command_reports_an_intact_log(db, capsys):
    for i in range(5):
        audit.record(AuditAction.VIEW, object_type=AuditObject.YOUNG_PERSON, object_id=i)
    call_command("verify_audit")
    assert "5 entries verified" in capsys.readouterr().out


def test_verify_audit_command_fails_on_tampering(db):
    for i in range(5):
        audit.record(AuditAction.VIEW, object_type=AuditObject.YOUNG_PERSON, object_id=i)
    _tamper("UPDATE governance_auditevent SET object_id = %s WHERE seq = %s", ["99", 3])
    with pytest.raises(CommandError, match="TAMPERED"):
        call_command("verify_audit")


def test_an_object_type_is_stored_and_hashed_as_the_words_it_always_was(db):
    # Events written before the object types were an enum hold the bare words: an event about
    # the same object must store and hash the same, or the old chain would stop verifying.
    event = audit.record(AuditAction.VIEW, object_type=AuditObject.AGENCY_RECORD, object_id=7)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.object_type == "agency_record"
    assert type(stored.object_type) is str
    values = {field: getattr(stored, field) for field in audit.CHAINED_FIELDS}
    assert audit.compute_hash(stored.prev_hash, values) == stored.hash
    values["object_type"] = AuditObject.AGENCY_RECORD
    assert audit.compute_hash(stored.prev_hash, values) == stored.hash
    assert audit.verify_chain().ok

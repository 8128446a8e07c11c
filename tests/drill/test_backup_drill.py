"""Backups restore: dump, restore into an empty database, counts and checksums match, and the
audit chain verifies in the restored copy (SECURITY.md, "Backups restore").

The drill is run the way an operator runs it, as ``manage.py backup_drill`` in a process of its
own, against a database of its own loaded with the synthetic Eastbrook partnership: SQLite by
default, PostgreSQL when the suite runs against PostgreSQL (``DATABASE_URL``), where it uses
``pg_dump`` and ``pg_restore``."""

from __future__ import annotations

import os
import subprocess  # nosec B404 - runs this project's manage.py
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.conf import settings

MANAGE = str(Path(settings.BASE_DIR) / "manage.py")


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603  # nosec B603 - fixed argv
        [sys.executable, MANAGE, *args], env=env, capture_output=True, text=True, check=False
    )


def _shell(env: dict[str, str], script: str) -> str:
    done = _manage(env, "shell", "--no-imports", "-c", script)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def drill_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A database of its own holding the synthetic partnership."""
    env = {**os.environ, "TESSERA_ENV": "demo", "TESSERA_LOG_LEVEL": "WARNING"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    url = os.environ.get("DATABASE_URL", "")
    admin = None
    if url.startswith("postgres"):
        parsed = dj_database_url.parse(url)
        name = f"tessera_drill_{uuid.uuid4().hex[:8]}"
        admin = psycopg.connect(url, autocommit=True)
        admin.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
        assert parsed["NAME"] != name
    else:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path_factory.mktemp('drill') / 'tessera.sqlite3'}"
    for args in (("migrate", "--no-input", "-v0"), ("load_demo", "--seed", "7")):
        done = _manage(env, *args)
        assert done.returncode == 0, done.stderr
    yield env
    if admin is not None:
        admin.execute(f'DROP DATABASE IF EXISTS "{env["DATABASE_URL"].rsplit("/", 1)[1]}"')
        admin.close()


def test_the_drill_restores_every_row_and_the_audit_chain_verifies(
    drill_env: dict[str, str],
) -> None:
    held = _shell(
        drill_env,
        "from governance.models import AuditEvent; from records.models import AgencyRecord; "
        "print(AuditEvent.objects.count(), AgencyRecord.objects.count())",
    )
    audit_entries, records = (int(value) for value in held.split())

    done = _manage(drill_env, "backup_drill")

    assert done.returncode == 0, done.stderr
    assert "Backup drill passed: counts and checksums match" in done.stdout
    assert f"{audit_entries} audit entries" in done.stdout
    assert records > 100  # the synthetic year of records was there to be restored


# Run inside the drill database's own process: restore, then play a fault in the copy.
_ALTERED_COPY = """
import tempfile, pathlib
from django.db import connections
from governance import backup
with tempfile.TemporaryDirectory() as folder, backup.restored_copy(pathlib.Path(folder)):
    with connections[backup.ALIAS].cursor() as cursor:
        cursor.execute("UPDATE records_agencyrecord SET title = 'altered' "
                       "WHERE id = (SELECT MIN(id) FROM records_agencyrecord)")
        cursor.execute("DELETE FROM people_recordedidentity "
                       "WHERE id = (SELECT MAX(id) FROM people_recordedidentity)")
    checks, missing = backup.compare('default', backup.ALIAS)
    print(sorted(c.table for c in checks if not c.ok), missing)
"""


def test_a_row_changed_or_lost_in_the_restored_copy_is_found(drill_env: dict[str, str]) -> None:
    out = _shell(drill_env, _ALTERED_COPY)
    assert out == "['people_recordedidentity', 'records_agencyrecord'] []"


_TAMPERED_AUDIT = """
import tempfile, pathlib
from django.db import connections
from governance import backup
from governance.audit import verify_chain
with tempfile.TemporaryDirectory() as folder, backup.restored_copy(pathlib.Path(folder)):
    copy = connections[backup.ALIAS]
    with copy.cursor() as cursor:
        if copy.vendor == 'postgresql':
            cursor.execute("ALTER TABLE governance_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS governance_auditevent_no_update")
        cursor.execute("UPDATE governance_auditevent SET object_id = 'forged' WHERE seq = 5")
    result = verify_chain(using=backup.ALIAS)
    print(result.ok, [p.kind for p in result.problems])
"""


def test_a_tampered_audit_log_in_the_copy_fails_verification(drill_env: dict[str, str]) -> None:
    assert _shell(drill_env, _TAMPERED_AUDIT) == "False ['content']"

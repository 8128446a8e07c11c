"""Backup files are readable by their owner only (0600), whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from governance import backup
from governance.audit import Verification
from governance.management.commands import backup_drill

SQLITE = connection.vendor == "sqlite"

# SQLite's backup API cannot copy the in-memory test database while the test's transaction
# holds it, so on SQLite the tests run outside one. On PostgreSQL pg_dump runs in a process of
# its own, and a transactional test could not end: the flush after it is refused by the audit
# log's append-only triggers.
pytestmark = pytest.mark.django_db(transaction=SQLITE)


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0o022)  # the usual default, which makes new files 0644
    try:
        yield
    finally:
        os.umask(previous)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_dump_is_readable_by_its_owner_only(tmp_path: Path, open_umask: None):
    path = tmp_path / "tessera.dump"
    size = backup.dump(path)
    assert size > 0
    assert _mode(path) == 0o600


def test_a_world_readable_file_in_the_way_is_tightened(tmp_path: Path, open_umask: None):
    path = tmp_path / "tessera.dump"
    path.write_bytes(b"old")
    path.chmod(0o644)
    backup.dump(path)
    assert _mode(path) == 0o600


@pytest.mark.skipif(not SQLITE, reason="PostgreSQL restores into a database, not a file")
def test_the_restored_sqlite_copy_is_readable_by_its_owner_only(tmp_path: Path, open_umask: None):
    dumped = tmp_path / "tessera.sqlite3"
    backup.dump(dumped)
    try:
        backup.restore(dumped, tmp_path)
        assert _mode(tmp_path / "restored.sqlite3") == 0o600
    finally:
        backup.discard()


def test_the_drill_keeps_its_folder_private(
    tmp_path: Path, open_umask: None, monkeypatch: pytest.MonkeyPatch
):
    """The command makes the folder and the real dump; the restore and comparison, which need a
    database or a connection the test database cannot give, are left out."""
    workdir = tmp_path / "drill"
    seen: dict[str, int] = {}

    def dump_only(folder: Path) -> backup.DrillReport:
        backup.dump(folder / "tessera.dump")
        seen.update({made.name: _mode(made) for made in folder.iterdir()})
        return backup.DrillReport(vendor=connection.vendor, audit=Verification())

    monkeypatch.setattr(backup_drill, "drill", dump_only)
    call_command("backup_drill", "--workdir", str(workdir))

    assert _mode(workdir) == 0o700
    assert seen == {"tessera.dump": 0o600}

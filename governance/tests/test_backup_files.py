"""Backup files are readable by their owner only (0600), whatever the umask."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.management import call_command

from governance import backup
from governance.audit import Verification
from governance.management.commands import backup_drill

pytestmark = pytest.mark.django_db(transaction=True)


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


def test_the_drill_keeps_its_folder_and_files_private(
    tmp_path: Path, open_umask: None, monkeypatch: pytest.MonkeyPatch
):
    """The command's real dump and restore run; only the table comparison, which reads through
    a connection alias the test database cannot open, is left out."""
    workdir = tmp_path / "drill"
    seen: dict[str, int] = {}

    def dump_and_restore(folder: Path) -> backup.DrillReport:
        with backup.restored_copy(folder) as report:
            seen.update({made.name: _mode(made) for made in folder.iterdir()})
        report.audit = Verification()
        return report

    monkeypatch.setattr(backup_drill, "drill", dump_and_restore)
    call_command("backup_drill", "--workdir", str(workdir))

    assert _mode(workdir) == 0o700
    assert seen  # the dump (and, on SQLite, the restored copy) were there to check
    assert all(mode == 0o600 for mode in seen.values()), seen

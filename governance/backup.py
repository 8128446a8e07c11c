"""Backups that are known to restore.

A backup is only as good as its last restore. ``drill`` dumps the database, restores the dump
into a new, empty database, compares every table (row count and a checksum over every row) and
verifies the audit log's hash chain in the restored copy, timing each step.

PostgreSQL uses ``pg_dump --format=custom`` and ``pg_restore``, the same commands an operator
uses for real backups (docs/OPERATIONS.md). SQLite, for the demo, uses SQLite's online backup
API. The restored copy is reached through an extra connection alias, ``restore_drill``, that
exists only while the drill runs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess  # nosec B404 - fixed argument lists, no shell
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connections

from governance.audit import Verification, verify_chain

ALIAS = "restore_drill"


class DrillError(Exception):
    """The drill could not run (a missing tool, an unreachable server): not a failed restore."""


@dataclass(frozen=True)
class TableCheck:
    table: str
    rows: int
    restored_rows: int
    checksum: str
    restored_checksum: str

    @property
    def ok(self) -> bool:
        return self.rows == self.restored_rows and self.checksum == self.restored_checksum


@dataclass
class DrillReport:
    vendor: str
    dump_bytes: int = 0
    dump_seconds: float = 0.0
    restore_seconds: float = 0.0
    check_seconds: float = 0.0
    tables: list[TableCheck] = field(default_factory=list)
    missing_tables: list[str] = field(default_factory=list)
    audit: Verification | None = None

    @property
    def ok(self) -> bool:
        return (
            not self.missing_tables
            and all(table.ok for table in self.tables)
            and self.audit is not None
            and self.audit.ok
        )

    @property
    def seconds(self) -> float:
        return self.dump_seconds + self.restore_seconds + self.check_seconds

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


# -- dump and restore ------------------------------------------------------------------------


def _pg_environment(settings: dict[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings.get(key):
            env[name] = str(settings[key])
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise DrillError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        )
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603  # nosec B603 - fixed argv
    if done.returncode != 0:
        raise DrillError(f"{command[0]} failed: {done.stderr.strip()[:500]}")


def private_file(path: Path) -> None:
    """Create ``path`` empty, readable and writable by its owner only (0600).

    A dump holds every young person's information: it must never be readable by other accounts
    on the machine, whatever the umask. pg_dump and SQLite write into the file as created here,
    keeping its mode; an existing file is emptied and tightened too.
    """
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(descriptor, 0o600)
    finally:
        os.close(descriptor)


def dump(path: Path, using: str = "default") -> int:
    """Write a backup of the database to ``path`` (mode 0600); return its size in bytes."""
    connection = connections[using]
    settings = connection.settings_dict
    private_file(path)
    if connection.vendor == "postgresql":
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--file",
                str(path),
                str(settings["NAME"]),
            ],
            _pg_environment(settings),
        )
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        source = connection.connection
        target = sqlite3.connect(path)
        try:
            source.backup(target)
        finally:
            target.close()
    else:
        raise DrillError(f"No backup method for {connection.vendor}")
    path.chmod(0o600)
    return path.stat().st_size


def _restored_name(using: str) -> str:
    return f"{connections[using].settings_dict['NAME']}_restore_drill"


def restore(path: Path, workdir: Path, using: str = "default") -> None:
    """Restore the backup at ``path`` into a new, empty database reachable as ``ALIAS``."""
    connection = connections[using]
    settings = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        name = _restored_name(using)
        _drop_postgres_database(name, using)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)} TEMPLATE template0")
        _run(
            ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", name, str(path)],
            _pg_environment(settings),
        )
        settings["NAME"] = name
    else:
        restored = workdir / "restored.sqlite3"
        private_file(restored)
        source = sqlite3.connect(path)
        target = sqlite3.connect(restored)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        settings["NAME"] = str(restored)
    connections.settings[ALIAS] = settings


def _drop_postgres_database(name: str, using: str) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


def discard(using: str = "default") -> None:
    """Close and remove the restored copy."""
    if ALIAS in connections.settings:
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]
    if connections[using].vendor == "postgresql":
        _drop_postgres_database(_restored_name(using), using)


# -- comparison ------------------------------------------------------------------------------


def _tables(alias: str) -> list[str]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        return sorted(connection.introspection.table_names(cursor))


def _checksum(alias: str, table: str) -> tuple[int, str]:
    """Row count and a SHA-256 over every row, in a fixed order (all columns)."""
    connection = connections[alias]
    digest = hashlib.sha256()
    rows = 0
    with connection.cursor() as cursor:
        # Table names come from the database's own catalogue, quoted; no user input.
        name = connection.ops.quote_name(table)
        cursor.execute(f"SELECT * FROM {name} WHERE 1 = 0")  # noqa: S608  # nosec B608
        width = len(cursor.description or ())
        order = ", ".join(str(position) for position in range(1, width + 1))
        cursor.execute(f"SELECT * FROM {name} ORDER BY {order}")  # noqa: S608  # nosec B608
        while batch := cursor.fetchmany(2000):
            for row in batch:
                digest.update(repr(tuple(row)).encode())
                rows += 1
    return rows, digest.hexdigest()


def compare(source: str = "default", restored: str = ALIAS) -> tuple[list[TableCheck], list[str]]:
    """Every table of ``source`` checked against ``restored``; also the tables it lacks."""
    present = set(_tables(restored))
    checks: list[TableCheck] = []
    missing: list[str] = []
    for table in _tables(source):
        if table not in present:
            missing.append(table)
            continue
        rows, checksum = _checksum(source, table)
        restored_rows, restored_checksum = _checksum(restored, table)
        checks.append(TableCheck(table, rows, restored_rows, checksum, restored_checksum))
    return checks, missing


# -- the drill -------------------------------------------------------------------------------


@contextmanager
def restored_copy(workdir: Path, using: str = "default") -> Iterator[DrillReport]:
    """Dump and restore; yield the report so far with ``ALIAS`` live; always clean up."""
    report = DrillReport(vendor=connections[using].vendor)
    backup_file = workdir / ("tessera.dump" if report.vendor == "postgresql" else "tessera.sqlite3")
    started = time.perf_counter()
    report.dump_bytes = dump(backup_file, using)
    report.dump_seconds = time.perf_counter() - started
    started = time.perf_counter()
    try:
        restore(backup_file, workdir, using)
        report.restore_seconds = time.perf_counter() - started
        yield report
    finally:
        discard(using)


def drill(workdir: Path, using: str = "default") -> DrillReport:
    """Dump, restore into an empty database, compare every table, verify the audit chain."""
    with restored_copy(workdir, using) as report:
        started = time.perf_counter()
        report.tables, report.missing_tables = compare(using, ALIAS)
        report.audit = verify_chain(using=ALIAS)
        report.check_seconds = time.perf_counter() - started
    return report

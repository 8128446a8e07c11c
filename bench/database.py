"""The benchmark's own PostgreSQL database: reachability, (re)creation and what it holds.

Runs before Django is set up, with plain psycopg, so it can fail early with a clear message.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow

HOST = os.environ.get("TESSERA_BENCH_PGHOST", "127.0.0.1")
PORT = int(os.environ.get("TESSERA_BENCH_PGPORT", "5432"))
USER = os.environ.get("TESSERA_BENCH_PGUSER", "postgres")
NAME = "tessera_bench"
# Databases that belong to someone else (the CI and the developers): never touched here.
FORBIDDEN = frozenset({"postgres", "test", "root", "template0", "template1"})


class Unreachable(RuntimeError):
    """PostgreSQL could not be reached: the message says where and why."""


def url(name: str = NAME) -> str:
    return f"postgres://{USER}@{HOST}:{PORT}/{name}"


def connect(name: str = NAME, *, autocommit: bool = False) -> psycopg.Connection[TupleRow]:
    return psycopg.connect(
        host=HOST, port=PORT, user=USER, dbname=name, autocommit=autocommit, connect_timeout=5
    )


def _maintenance() -> psycopg.Connection[TupleRow]:
    try:
        return connect("postgres", autocommit=True)
    except psycopg.OperationalError as error:
        raise Unreachable(
            f"The benchmark needs PostgreSQL at {HOST}:{PORT} (user {USER}), "
            f"which could not be reached:\n  {str(error).strip()}\n"
            "Start PostgreSQL (or set TESSERA_BENCH_PGHOST / TESSERA_BENCH_PGPORT / "
            "TESSERA_BENCH_PGUSER) and run `make bench` again."
        ) from error


def exists(name: str = NAME) -> bool:
    with _maintenance() as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
    return row is not None


def recreate(name: str = NAME) -> None:
    """DROP DATABASE IF EXISTS and CREATE DATABASE, ending any session left connected to it."""
    if name in FORBIDDEN or name.startswith("test_"):
        raise ValueError(f"refusing to recreate the database {name!r}: it is not the bench's")
    with _maintenance() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def check_reachable() -> str:
    """The server's version string, or :class:`Unreachable`."""
    with _maintenance() as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "unknown"


@dataclass(frozen=True)
class Contents:
    young_people: int
    records: int


def contents(name: str = NAME) -> Contents | None:
    """How many synthetic young people and records the loaded database holds, if loaded."""
    try:
        with connect(name) as conn:
            people = conn.execute(
                "SELECT count(*) FROM people_youngperson WHERE is_synthetic"
            ).fetchone()
            records = conn.execute(
                "SELECT count(*) FROM records_agencyrecord WHERE is_synthetic"
            ).fetchone()
    except psycopg.Error:
        return None  # no database, or not migrated yet
    if people is None or records is None:
        return None
    return Contents(young_people=int(people[0]), records=int(records[0]))

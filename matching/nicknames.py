"""Given-name variants (nicknames, short forms, spellings) from ``matching/data/nicknames.csv``.

Each line of the file is a group: a key name followed by the names people use for it. Two given
names are *variants* when they share a group; "alex" is in both the Alexander and the Alexandra
groups, so it is a variant of each (but Alexander and Alexandra are not variants of each other).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "nicknames.csv"


@cache
def groups_by_name() -> dict[str, frozenset[str]]:
    """Every known name -> the keys of the groups it belongs to (a key belongs to its own)."""
    found: dict[str, set[str]] = {}
    for line in DATA.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        names = [name.strip().lower() for name in line.split(",") if name.strip()]
        key = names[0]
        for name in names:
            found.setdefault(name, set()).add(key)
    return {name: frozenset(keys) for name, keys in found.items()}


def groups(name: str) -> frozenset[str]:
    """The group keys of a standardised (lower-case) given name; the name itself if unknown."""
    return groups_by_name().get(name, frozenset({name}))


def are_variants(first: str, second: str) -> bool:
    """True when two standardised given names are the same name or share a group."""
    return first == second or bool(groups(first) & groups(second))


def canonical(name: str) -> str:
    """One stable key for blocking: the alphabetically first group key of the name."""
    return min(groups(name))

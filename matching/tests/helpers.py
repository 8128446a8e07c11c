"""Small synthetic data for the review-queue tests, and a stand-in engine with set scores.

The stand-in scores pairs from a table the test writes, so each test says exactly which pair
is how likely; identical identities score 0.999. One test in ``test_linking_real.py`` runs the
real Splink engine.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import pytest

from imports.models import Feed, ImportBatch, ImportedRow
from matching import linking
from matching.engine import Candidate, FieldEvidence
from partnership.models import Agency, User
from people.models import YoungPerson

BORN = date(2011, 3, 4)
ABSENCE = {"code": "O", "attendance_date": "2026-10-05", "session": "AM", "level": "session"}


def person(given: str, family: str, born: date = BORN, postcode: str = "EB1 2AB") -> YoungPerson:
    return YoungPerson.objects.create(
        given_name=given,
        family_name=family,
        date_of_birth=born,
        postcode=postcode,
        is_synthetic=True,
    )


def batch(agency: Agency, user: User | None, feed: str = Feed.SCHOOL_ATTENDANCE) -> ImportBatch:
    return ImportBatch.objects.create(
        feed=feed,
        agency=agency,
        user=user,
        file_name="synthetic-roll.csv",
        sha256=secrets.token_hex(32),
    )


def rows(batch: ImportBatch, *names: str, born: date | None = BORN) -> list[ImportedRow]:
    made = []
    for number, name in enumerate(names, start=2):
        given, family = name.split(" ", 1)
        made.append(
            ImportedRow.objects.create(
                batch=batch,
                agency=batch.agency,
                feed=batch.feed,
                row_number=number,
                natural_key=secrets.token_hex(32),
                given_name=given,
                family_name=family,
                date_of_birth=born,
                gender="female",
                postcode="EB1 2AB",
                school="Eastbrook Academy (synthetic)",
                payload={**ABSENCE, "attendance_date": f"2026-10-{number:02d}"},
            )
        )
    return made


EVIDENCE = (
    FieldEvidence("given_name", "Nickname of each other", 3.2),
    FieldEvidence("family_name", "Exact match", 8.5),
    FieldEvidence("date_of_birth", "Day and month swapped", -1.25),
    FieldEvidence("postcode", "Missing on one side", 0.0),
)


class StandInEngine:
    """Scores pairs by name from ``table`` ("Jess Smith" -> "Jessica Smith": 0.99)."""

    def __init__(self) -> None:
        self.table: dict[tuple[str, str], float] = {}
        self.runs = 0

    def set(self, right: str, left: str, probability: float) -> None:
        self.table[(right, left)] = probability

    def score(
        self, left: Iterable[Mapping[str, Any]], right: Iterable[Mapping[str, Any]], model: Any
    ) -> list[Candidate]:
        self.runs += 1
        found = []
        left = list(left)
        for r in right:
            r_name = f"{r['given_name']} {r['family_name']}"
            for candidate in left:
                l_name = f"{candidate['given_name']} {candidate['family_name']}"
                if candidate["id"] == r["id"]:
                    continue
                probability = self.table.get((r_name, l_name)) or self.table.get((l_name, r_name))
                if probability is None and r_name == l_name:
                    probability = 0.999
                if probability is None:
                    continue
                found.append(
                    Candidate(str(candidate["id"]), str(r["id"]), 10.0, probability, EVIDENCE)
                )
        return found


def use_stand_in(monkeypatch: pytest.MonkeyPatch) -> StandInEngine:
    stand_in = StandInEngine()
    monkeypatch.setattr(linking, "score", stand_in.score)
    monkeypatch.setattr(linking, "train", lambda left, right: {"stand_in": True})
    return stand_in

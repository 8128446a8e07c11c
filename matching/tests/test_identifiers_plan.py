"""Hard identifiers against what people decided, with the stand-in engine (set scores).

A record without identifiers that fits both twins is neither's until a person says whose; a
person's "same young person" stands against a contradicting UPN; a "not the same" on a young
person holding the row's UPN marks that UPN shared in error, and the import no longer links by it.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from django.utils import timezone

from imports.actions import do_link_pending_rows
from imports.models import Feed, ImportedRow, LinkedHow, MatchStatus
from imports.tests.helpers import attendance, run_import, write_csv
from matching.keys import identity_key
from matching.models import MatchJudgement, ReviewItem, Verdict
from matching.tests.helpers import BORN, StandInEngine, batch, person, rows, use_stand_in
from partnership.models import Role, User
from people.identifiers import make_upn
from people.models import Gender

pytestmark = pytest.mark.django_db

UPN_A = make_upn(881, 4001, 20, 201)
UPN_B = make_upn(881, 4001, 20, 202)


@pytest.fixture
def engine(monkeypatch: pytest.MonkeyPatch) -> StandInEngine:
    return use_stand_in(monkeypatch)


@pytest.fixture
def importer(make_user) -> User:
    return make_user(Role.PRACTITIONER, "school")


def _twin(given: str, upn: str):
    made = person(given, "Okafor")
    made.upn = upn
    made.save()
    return made


def _refresh(row: ImportedRow) -> ImportedRow:
    return ImportedRow.objects.get(pk=row.pk)


def test_a_record_that_fits_both_twins_goes_to_review_against_both(agencies, importer, engine):
    amara, adaeze = _twin("Amara", UPN_A), _twin("Adaeze", UPN_B)
    engine.set("Amy Okafor", "Amara Okafor", 0.99)
    engine.set("Amy Okafor", "Adaeze Okafor", 0.99)
    (row,) = rows(batch(agencies["school"], importer), "Amy Okafor")

    do_link_pending_rows(row.batch_id)

    row = _refresh(row)
    assert row.match_status == MatchStatus.IN_REVIEW
    assert set(ReviewItem.objects.filter(row=row).values_list("candidate", flat=True)) == {
        amara.pk,
        adaeze.pk,
    }


def test_a_record_that_fits_one_registered_twin_links_to_them(agencies, importer, engine):
    amara = _twin("Amara", UPN_A)
    engine.set("Amy Okafor", "Amara Okafor", 0.99)
    (row,) = rows(batch(agencies["school"], importer), "Amy Okafor")

    do_link_pending_rows(row.batch_id)

    assert _refresh(row).young_person == amara


def test_a_persons_same_young_person_stands_against_a_contradicting_upn(agencies, importer, engine):
    amara = _twin("Amara", UPN_A)
    (row,) = rows(batch(agencies["school"], importer), "Amara Okafor")
    row.upn = UPN_B
    row.save()
    # Without a person's word the contradicting UPN keeps them apart...
    MatchJudgement.objects.create(
        identity_key=identity_key(row),
        young_person=amara,
        verdict=Verdict.SAME,
        decided_by=importer,
        decided_at=timezone.now(),
        note="Synthetic: the school keyed a second UPN; confirmed with the school.",
    )

    do_link_pending_rows(row.batch_id)

    assert _refresh(row).young_person == amara


def test_without_a_persons_word_a_contradicting_upn_keeps_them_apart(agencies, importer, engine):
    amara = _twin("Amara", UPN_A)
    (row,) = rows(batch(agencies["school"], importer), "Amara Okafor")
    row.upn = UPN_B
    row.save()

    do_link_pending_rows(row.batch_id)

    row = _refresh(row)
    assert row.match_status == MatchStatus.NEW_PERSON
    assert row.young_person != amara


def test_a_upn_found_shared_in_error_no_longer_links_that_identity(
    agencies, importer, engine, tmp_path: Path
):
    amara = _twin("Amara", UPN_A)
    judged = {
        "given_name": "Chidi",
        "family_name": "Eze",
        "date_of_birth": "2011-03-04",
        "gender": "M",
        "postcode": "EB1 2AB",
        "upn": UPN_A,
    }
    # A reviewer found Chidi Eze (who was given Amara's UPN by mistake) not to be Amara.
    MatchJudgement.objects.create(
        identity_key=identity_key(
            SimpleNamespace(
                agency_id=agencies["school"].pk,
                other_names="",
                **{**judged, "date_of_birth": BORN, "gender": Gender.BOY.value},
            )
        ),
        young_person=amara,
        verdict=Verdict.DIFFERENT,
        decided_by=importer,
        decided_at=timezone.now(),
        note="Synthetic: UPN shared in error",
    )
    path = write_csv(
        tmp_path / "roll.csv",
        [
            attendance(**judged),
            attendance(
                given_name="Amara", family_name="Okafor", upn=UPN_A, attendance_date="2026-10-06"
            ),
        ],
    )

    batch_done = run_import(
        path, feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"], actor=importer
    )

    by_name = {row.given_name: row for row in ImportedRow.objects.filter(batch=batch_done)}
    chidi = by_name["Chidi"]
    assert chidi.young_person != amara
    assert chidi.match_status == MatchStatus.NEW_PERSON
    assert not ReviewItem.objects.filter(row=chidi, candidate=amara).exists()
    # The refused side: the UPN still links every identity no one judged.
    assert (by_name["Amara"].young_person, by_name["Amara"].linked_how) == (amara, LinkedHow.UPN)

"""Hard identifiers and accents, through the real path: a file in, young people out.

Each test imports a synthetic school attendance (or health) file with ``run_import`` and the
real Splink engine (DuckDB). Twins share a surname, a date of birth, an address and a school;
only their UPNs tell them apart, and one twin's records must never reach the other's chronology.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from conftest import sign_in_fully
from imports.models import Feed, ImportedRow, LinkedHow, MatchStatus
from imports.tests.helpers import NHS, attendance, run_import, write_csv
from matching.models import ReviewItem, ReviewStatus
from matching.tests.helpers import person
from partnership.models import Role, ServiceKind
from people.identifiers import make_upn
from people.models import YoungPerson

pytestmark = pytest.mark.django_db

UPN_A = make_upn(881, 4001, 20, 101)
UPN_B = make_upn(881, 4001, 20, 102)
OTHER_NHS = "4010232137"  # valid modulus 11, not NHS

TWINS = {
    "family_name": "Synthetic-Okafor",
    "date_of_birth": "2012-06-14",
    "gender": "F",
    "postcode": "EB1 2AB",
    "address": "14 Mill Lane",
    "school": "Eastbrook Academy (synthetic)",
}


def _day(day: int, **changes: Any) -> dict[str, Any]:
    return attendance(**{**TWINS, "attendance_date": f"2026-10-{day:02d}", **changes})


def _people(batch: Any) -> dict[str, set[int]]:
    """Given name as recorded -> the young people its rows were linked to."""
    found: dict[str, set[int]] = {}
    for row in ImportedRow.objects.filter(batch=batch):
        assert row.young_person_id is not None, f"row {row.row_number} is {row.match_status}"
        found.setdefault(row.given_name, set()).add(row.young_person_id)
    return found


def _import(tmp_path: Path, name: str, rows: list[dict[str, Any]], agencies: Any, user: Any):
    path = write_csv(tmp_path / name, rows)
    return run_import(path, feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"], actor=user)


def test_twins_in_one_school_file_stay_two_young_people(agencies, make_user, tmp_path: Path):
    user = make_user(Role.PRACTITIONER, "school")
    rows = [
        _day(5, given_name="Amara", upn=UPN_A),
        _day(5, given_name="Adaeze", upn=UPN_B),
        _day(6, given_name="Amara", upn=UPN_A),
        _day(6, given_name="Adaeze", upn=UPN_B),
    ]

    batch = _import(tmp_path, "twins.csv", rows, agencies, user)

    people = _people(batch)
    assert len(people["Amara"]) == 1
    assert len(people["Adaeze"]) == 1
    assert people["Amara"] != people["Adaeze"]
    assert YoungPerson.objects.count() == 2
    (amara,) = people["Amara"]
    assert YoungPerson.objects.get(pk=amara).upn == UPN_A


def test_a_twins_row_without_its_upn_joins_that_twin(agencies, make_user, tmp_path: Path):
    user = make_user(Role.PRACTITIONER, "school")
    rows = [
        _day(5, given_name="Amara", upn=UPN_A),
        _day(5, given_name="Adaeze", upn=UPN_B),
        _day(6, given_name="Amara", upn=""),  # the UPN left off one register
    ]

    batch = _import(tmp_path, "twins.csv", rows, agencies, user)

    people = _people(batch)
    assert len(people["Amara"]) == 1
    assert people["Amara"] != people["Adaeze"]
    assert YoungPerson.objects.count() == 2


def test_twins_with_similar_forenames_stay_two_young_people(agencies, make_user, tmp_path: Path):
    user = make_user(Role.PRACTITIONER, "school")
    rows = [
        _day(5, given_name="Jayden", gender="M", upn=UPN_A),
        _day(5, given_name="Jaydon", gender="M", upn=UPN_B),
        _day(6, given_name="Jayden", gender="M", upn=UPN_A),
    ]

    batch = _import(tmp_path, "twins.csv", rows, agencies, user)

    people = _people(batch)
    assert people["Jayden"] != people["Jaydon"]
    assert YoungPerson.objects.count() == 2


def test_without_upns_the_same_rows_are_one_young_person(agencies, make_user, tmp_path: Path):
    # The refused side: nothing but names, date of birth and address tells the rows apart, so
    # two rows of one pupil (same name) still join; only the identifiers keep twins apart.
    user = make_user(Role.PRACTITIONER, "school")
    rows = [_day(5, given_name="Amara", upn=""), _day(6, given_name="Amara", upn="")]

    batch = _import(tmp_path, "one-pupil.csv", rows, agencies, user)

    assert len(_people(batch)["Amara"]) == 1
    assert YoungPerson.objects.count() == 1


def test_a_pupil_who_changed_school_is_one_young_person(agencies, make_user, tmp_path: Path):
    user = make_user(Role.PRACTITIONER, "school")
    rows = [
        _day(5, given_name="Amara", upn=UPN_A),
        # The same UPN at a new school, after a move, under a nickname.
        _day(
            6,
            given_name="Ammy",
            upn=UPN_A,
            school="Westmoor High (synthetic)",
            address="3 Canal Street",
            postcode="EB7 9QT",
        ),
    ]

    batch = _import(tmp_path, "two-schools.csv", rows, agencies, user)

    people = _people(batch)
    assert people["Amara"] == people["Ammy"]
    assert YoungPerson.objects.count() == 1

    # Across files: a later file with the same UPN joins them, by the UPN.
    later = _import(
        tmp_path,
        "later.csv",
        [_day(7, given_name="Amy", upn=UPN_A, school="Westmoor High (synthetic)")],
        agencies,
        user,
    )
    row = ImportedRow.objects.get(batch=later)
    assert (row.young_person_id, row.linked_how) == (next(iter(people["Amara"])), LinkedHow.UPN)


def test_namesakes_at_two_schools_with_different_upns_are_two(agencies, make_user, tmp_path: Path):
    # The refused side of the one above: the same name and date of birth at two schools, with
    # different UPNs, are two pupils.
    user = make_user(Role.PRACTITIONER, "school")
    rows = [
        _day(5, given_name="Amara", upn=UPN_A),
        _day(
            6,
            given_name="Amara",
            upn=UPN_B,
            school="Westmoor High (synthetic)",
            address="3 Canal Street",
            postcode="EB7 9QT",
        ),
    ]

    batch = _import(tmp_path, "two-pupils.csv", rows, agencies, user)

    assert len(_people(batch)["Amara"]) == 2


def test_a_row_whose_upn_differs_from_a_candidates_is_never_linked_to_them(
    agencies, make_user, tmp_path: Path
):
    user = make_user(Role.PRACTITIONER, "school")
    amara = person("Amara", "Synthetic-Okafor", born=date(2012, 6, 14), postcode="EB1 2AB")
    amara.upn = UPN_A
    amara.gender = "F"
    amara.save()

    batch = _import(tmp_path, "twin.csv", [_day(5, given_name="Amara", upn=UPN_B)], agencies, user)

    row = ImportedRow.objects.get(batch=batch)
    assert row.young_person != amara
    assert row.match_status == MatchStatus.NEW_PERSON
    # Nor offered to a reviewer as a match.
    assert not ReviewItem.objects.filter(row=row, candidate=amara).exists()


def test_the_same_row_without_a_upn_links_to_the_candidate(agencies, make_user, tmp_path: Path):
    user = make_user(Role.PRACTITIONER, "school")
    amara = person("Amara", "Synthetic-Okafor", born=date(2012, 6, 14), postcode="EB1 2AB")
    amara.upn = UPN_A
    amara.gender = "F"
    amara.save()

    batch = _import(tmp_path, "no-upn.csv", [_day(5, given_name="Amara", upn="")], agencies, user)

    row = ImportedRow.objects.get(batch=batch)
    assert (row.young_person, row.linked_how) == (amara, LinkedHow.PROBABILISTIC)


def test_a_upn_and_nhs_number_pointing_at_two_children_go_to_review(
    agencies, make_user, tmp_path: Path
):
    # The UPN says Amara, the NHS number says someone else: no link without a person.
    user = make_user(Role.PRACTITIONER, "health")
    amara = person("Amara", "Synthetic-Okafor", born=date(2012, 6, 14), postcode="EB1 2AB")
    amara.upn = UPN_A
    amara.nhs_number = NHS
    amara.save()
    row = {
        "given_name": "Amara",
        "family_name": "Synthetic-Okafor",
        "date_of_birth": "14/06/2012",
        "postcode": "EB1 2AB",
        "upn": UPN_A,
        "nhs_number": OTHER_NHS,
        "attended_at": "2026-10-05 14:20",
        "service_type": "sexual_health",
    }
    path = write_csv(tmp_path / "health.csv", [row])

    batch = run_import(path, feed=Feed.HEALTH_ATTENDANCE, agency=agencies["health"], actor=user)

    imported = ImportedRow.objects.get(batch=batch)
    assert imported.young_person is None
    assert imported.match_status == MatchStatus.IN_REVIEW
    item = ReviewItem.objects.get(row=imported)
    assert (item.candidate, item.status) == (amara, ReviewStatus.OPEN)
    labels = {e["field"]: e["label"] for e in item.evidence}
    assert (labels["upn"], labels["nhs_number"]) == ("same", "different")
    # The reviewer sees why: the UPN agrees, the NHS number does not.
    client = Client()
    sign_in_fully(client, make_user(Role.MASH_SCREENER, "csc", service=ServiceKind.MASH))
    page = client.get(f"/matching/review/{item.pk}/").content.decode()
    assert "Unique Pupil Number" in page
    assert "NHS number" in page


@pytest.mark.parametrize(
    ("given", "family"),
    [
        ("Łucja", "Dąbrowska"),
        ("LUCJA", "DABROWSKA"),
        ("Lucja", "dabrowska"),
        ("łucja", "Dąbrowska"),
    ],
)
def test_a_name_with_or_without_its_accents_links(
    given, family, agencies, make_user, tmp_path: Path
):
    # ą decomposes (NFKD); ł does not, and is folded by the explicit table.
    user = make_user(Role.PRACTITIONER, "school")
    lucja = person("Łucja", "Dąbrowska", born=date(2011, 2, 9), postcode="EB2 9LN")
    rows = [
        attendance(
            given_name=given,
            family_name=family,
            date_of_birth="2011-02-09",
            postcode="EB2 9LN",
            upn="",
        )
    ]

    batch = _import(tmp_path, "accents.csv", rows, agencies, user)

    row = ImportedRow.objects.get(batch=batch)
    assert (row.young_person, row.match_status) == (lucja, MatchStatus.LINKED)


def test_a_sister_with_the_same_accented_surname_is_not_linked(agencies, make_user, tmp_path: Path):
    # The refused side: folding accents makes spellings of one name equal, not two sisters.
    user = make_user(Role.PRACTITIONER, "school")
    zofia = person("Zofia", "Dąbrowska", born=date(2011, 2, 9), postcode="EB2 9LN")
    rows = [
        attendance(
            given_name="Zuzanna",
            family_name="Dabrowska",
            date_of_birth="2013-05-01",
            postcode="EB2 9LN",
            upn="",
        )
    ]

    batch = _import(tmp_path, "accents.csv", rows, agencies, user)

    row = ImportedRow.objects.get(batch=batch)
    assert row.young_person != zofia


def _mohammed(day: str, born: str = "2011-03-04", **changes: Any) -> dict[str, Any]:
    fields = {
        "given_name": "Mohammed",
        "family_name": "Ali",
        "date_of_birth": born,
        "gender": "M",
        "postcode": "EB1 2AB",
        "upn": "",
        "attendance_date": day,
    }
    return attendance(**{**fields, **changes})


def test_a_young_person_with_namesakes_of_the_same_year_is_linked_not_reviewed(
    agencies, make_user, tmp_path: Path
):
    user = make_user(Role.PRACTITIONER, "school")
    mohammed = person("Mohammed", "Ali", born=date(2011, 3, 4), postcode="EB1 2AB")
    for born, postcode in [
        (date(2011, 7, 19), "EB3 4CD"),
        (date(2011, 11, 2), "EB4 7QT"),
        (date(2011, 1, 23), "EB1 2AB"),  # a namesake in the same postcode
    ]:
        person("Mohammed", "Ali", born=born, postcode=postcode)
    rows = [
        _mohammed("2026-10-05"),
        _mohammed("2026-10-06", born="2011-03-05"),  # a typo in the day of birth
        _mohammed("2026-10-07", postcode=""),
    ]

    batch = _import(tmp_path, "namesakes.csv", rows, agencies, user)

    for row in ImportedRow.objects.filter(batch=batch):
        assert (row.young_person, row.match_status) == (mohammed, MatchStatus.LINKED)
    assert not ReviewItem.objects.filter(row__batch=batch).exists()


def test_a_row_that_fits_two_namesakes_equally_is_reviewed(agencies, make_user, tmp_path: Path):
    # The refused side: the same child registered twice (or two children recorded alike).
    user = make_user(Role.PRACTITIONER, "school")
    first = person("Mohammed", "Ali", born=date(2011, 3, 4), postcode="EB1 2AB")
    second = person("Mohammed", "Ali", born=date(2011, 3, 4), postcode="EB1 2AB")

    batch = _import(tmp_path, "namesakes.csv", [_mohammed("2026-10-05")], agencies, user)

    row = ImportedRow.objects.get(batch=batch)
    assert row.match_status == MatchStatus.IN_REVIEW
    assert set(ReviewItem.objects.filter(row=row).values_list("candidate", flat=True)) == {
        first.pk,
        second.pk,
    }

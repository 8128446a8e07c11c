"""Rows as agencies really send them: no date of birth, an approximate age, no surname, gender
X or U, when the agency recorded it, and the columns each feed carries besides. Synthetic data.

Imported through the real job (``run_import``); where matching matters, the batch's pending rows
are handed to the real ``do_link_pending_rows`` with the matching engine's stand-in.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import sign_in_fully
from imports import actions
from imports.models import BatchStatus, Feed, ImportedRow, ImportRejection, MatchStatus
from imports.tests.helpers import NHS, UPN, run_import, write_csv
from matching.models import ReviewItem
from matching.tests.helpers import use_stand_in
from partnership.models import Role
from people.identifiers import make_upn
from people.models import Gender, YoungPerson
from records.models import AgencyRecord
from records.tests.helpers import young_person

pytestmark = pytest.mark.django_db

# Taken before the package's conftest replaces it with a recorder.
LINK_PENDING_ROWS = actions.do_link_pending_rows


def episode(number: int, **changes: Any) -> dict[str, Any]:
    return {
        "given_name": "Kayla",
        "family_name": "Synthetic-Testperson",
        "date_of_birth": "2011-03-04",
        "approximate_age": "",
        "gender": "F",
        "postcode": "EB1 2AB",
        "upn": "",
        "episode_reference": f"EBP-MISS-2026-{number:04d}",
        "missing_from": "2026-10-03 21:40",
        "returned_at": "2026-10-04 16:15",
        "risk_grading": "medium",
        "return_home_interview": "",
        **changes,
    }


def _local(text: str) -> datetime:
    return timezone.make_aware(datetime.fromisoformat(text), timezone.get_default_timezone())


def test_a_police_file_with_a_tenth_of_rows_without_a_date_of_birth_imports_every_row(
    agencies, tmp_path: Path
):
    rows = [
        episode(
            number,
            given_name=f"Synthchild{number}",
            date_of_birth="" if number % 10 == 0 else "2011-03-04",
        )
        for number in range(1, 21)
    ]
    rows[4] = episode(5, given_name="Jay", date_of_birth="", approximate_age="14")
    rows[5] = episode(6, given_name="Rio", family_name="", gender="X")
    rows[6] = episode(7, given_name="Tee", gender="U")
    rows[7] = episode(8, given_name="", family_name="Onlysurname", gender="x")

    batch = run_import(
        write_csv(tmp_path / "missing.csv", rows),
        feed=Feed.POLICE_MISSING,
        agency=agencies["police"],
    )

    assert batch.status == BatchStatus.DONE
    assert (batch.rows_seen, batch.rows_accepted, batch.rows_rejected) == (20, 20, 0)
    assert not ImportRejection.objects.filter(batch=batch).exists()
    by_number = {row.row_number: row for row in ImportedRow.objects.filter(batch=batch)}
    assert [n for n, row in by_number.items() if row.date_of_birth is None] == [6, 11, 21]
    jay = by_number[6]
    assert jay.payload["approximate_age"] == 14
    assert by_number[7].family_name == ""
    assert by_number[7].gender == Gender.NOT_KNOWN
    assert by_number[8].gender == Gender.NOT_KNOWN
    assert by_number[9].given_name == ""
    assert by_number[9].family_name == "Onlysurname"


def test_a_row_with_neither_name_is_refused_naming_row_column_and_rule(agencies, tmp_path: Path):
    rows = [episode(1), episode(2, given_name="", family_name="", other_names="")]
    batch = run_import(
        write_csv(tmp_path / "noname.csv", rows),
        feed=Feed.POLICE_MISSING,
        agency=agencies["police"],
    )
    problems = {
        (p.row_number, p.field, p.rule) for p in ImportRejection.objects.filter(batch=batch)
    }
    assert problems == {
        (3, "family_name", "a row needs a given_name or a family_name; both are blank")
    }
    assert (batch.rows_accepted, batch.rows_rejected) == (1, 1)


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"approximate_age": "about 14"}, "approximate_age", "must be a whole number of years"),
        ({"approximate_age": "31"}, "approximate_age", "must be a whole number of years"),
        ({"gender": "Q"}, "gender", "must be F, M, female, male, non-binary, self-described, X"),
        ({"recorded_at": "2026-10-02 10:00"}, "recorded_at", "must not be before the event"),
        ({"recorded_at": "2099-01-01"}, "recorded_at", "must not be in the future"),
        ({"recorded_at": "next week"}, "recorded_at", "must be a date (YYYY-MM-DD) or a date"),
        ({"last_seen_at": "2026-10-03 22:00"}, "last_seen_at", "must not be after missing_from"),
        ({"return_home_interview": "maybe"}, "return_home_interview", "must be one of"),
    ],
)
def test_new_columns_break_their_rules_by_row_and_column(
    agencies, tmp_path: Path, changes: dict[str, str], field: str, rule: str
):
    batch = run_import(
        write_csv(tmp_path / "bad.csv", [episode(1, **changes)]),
        feed=Feed.POLICE_MISSING,
        agency=agencies["police"],
    )
    (problem,) = ImportRejection.objects.filter(batch=batch)
    assert (problem.row_number, problem.field) == (2, field)
    assert problem.rule.startswith(rule), problem.rule
    assert batch.rows_accepted == 0


def _linked_record() -> AgencyRecord:
    row = ImportedRow.objects.get()
    assert row.match_status == MatchStatus.LINKED, row.match_status
    assert row.record is not None
    return row.record


def test_police_columns_and_recorded_at_are_kept_and_shown(
    agencies, make_user, signed_in, tmp_path: Path
):
    kayla = young_person("Kayla", "Synthetic-Testperson")
    kayla.upn = UPN
    kayla.save()
    row = episode(
        1,
        upn=UPN,
        date_of_birth="",
        approximate_age="15",
        last_seen_at="2026-10-03 19:30",
        reported_by="Children's home staff",
        circumstances="Left after an argument; seen getting into a car.",
        return_method="Found by police",
        return_home_interview="not_completed",
        recorded_at="2026-10-07 09:15",
    )
    run_import(
        write_csv(tmp_path / "episode.csv", [row]),
        feed=Feed.POLICE_MISSING,
        agency=agencies["police"],
    )

    record = _linked_record()
    assert record.young_person == kayla
    assert record.occurred_at == _local("2026-10-03 21:40")
    assert record.recorded_at == _local("2026-10-07 09:15")
    assert record.facts["reported_by"] == "Children's home staff"
    assert record.facts["circumstances"] == "Left after an argument; seen getting into a car."
    assert record.facts["return_method"] == "Found by police"
    assert record.facts["return_home_interview"] == "not_completed"
    assert record.facts["last_seen_at"].startswith("2026-10-03T19:30")
    assert record.facts["approximate_age"] == 15

    client = signed_in(make_user(Role.PRACTITIONER, "police"))
    page = client.get(f"/records/{record.pk}/").content.decode()
    for shown in (
        "Reported missing by",
        "Children&#x27;s home staff",
        "How they returned",
        "Found by police",
        "Left after an argument; seen getting into a car.",
        "Last seen",
        "3 October 2026, 19:30",
        "Not completed",
        "about 15",
        "7 October 2026, 09:15",  # recorded
        "3 October 2026, 21:40",  # happened
    ):
        assert shown in page, shown
    chronology = client.get(f"/young-people/{kayla.pk}/").content.decode()
    assert "3 October 2026, 21:40" in chronology
    assert 'data-testid="recorded-at"' in chronology
    assert "(recorded <time" in chronology
    assert "7 October 2026</time>)" in chronology


def test_a_viewer_who_sees_only_a_summary_is_not_shown_the_new_columns(
    agencies, make_user, signed_in, tmp_path: Path
):
    kayla = young_person("Kayla", "Synthetic-Testperson")
    kayla.upn = UPN
    kayla.save()
    row = episode(1, upn=UPN, reported_by="Children's home staff", circumstances="Seen in a car")
    run_import(
        write_csv(tmp_path / "episode.csv", [row]),
        feed=Feed.POLICE_MISSING,
        agency=agencies["police"],
    )
    record = _linked_record()
    client = signed_in(make_user(Role.PRACTITIONER, "housing"))
    response = client.get(f"/records/{record.pk}/")
    body = response.content.decode()
    assert "Seen in a car" not in body
    assert "Reported missing by" not in body


def test_health_columns_are_kept_and_shown(agencies, make_user, signed_in, tmp_path: Path):
    person = young_person("Kayla", "Synthetic-Testperson")
    person.nhs_number = NHS
    person.save()
    row = {
        "given_name": "Kayla",
        "family_name": "",
        "date_of_birth": "",
        "gender": "X",
        "nhs_number": NHS,
        "attended_at": "2026-10-05 14:20",
        "service_type": "emergency_department",
        "accompanied_by": "Unknown adult male",
        "safeguarding_concern_noted": "Yes",
        "recorded_at": "2026-10-06",
    }
    run_import(
        write_csv(tmp_path / "health.csv", [row]),
        feed=Feed.HEALTH_ATTENDANCE,
        agency=agencies["health"],
    )
    record = _linked_record()
    assert record.facts["accompanied_by"] == "Unknown adult male"
    assert record.facts["safeguarding_concern_noted"] is True
    # A date alone is the end of that day.
    assert record.recorded_at == _local("2026-10-06 23:59")
    client = signed_in(make_user(Role.PRACTITIONER, "health"))
    page = client.get(f"/records/{record.pk}/").content.decode()
    assert "Accompanied by" in page
    assert "Unknown adult male" in page
    assert "Safeguarding concern noted" in page
    assert ">Yes<" in page


def test_social_care_columns_are_kept(agencies, tmp_path: Path):
    person = young_person("Kayla", "Synthetic-Testperson")
    person.upn = UPN
    person.save()
    row = {
        "given_name": "Kayla",
        "upn": UPN,
        "status": "looked_after",
        "start_date": "2026-02-14",
        "category_of_need": "N1 Abuse or neglect",
        "placement_type": "Children's home",
    }
    run_import(
        write_csv(tmp_path / "csc.csv", [row]),
        feed=Feed.SOCIAL_CARE_STATUS,
        agency=agencies["csc"],
    )
    record = _linked_record()
    assert record.facts["category_of_need"] == "N1 Abuse or neglect"
    assert record.facts["placement_type"] == "Children's home"
    # No recorded_at: recorded when it was imported.
    assert timezone.now() - record.recorded_at < timedelta(minutes=5)


def test_rows_without_a_date_of_birth_are_reviewed_or_wait_and_never_register_anyone(
    agencies, make_user, signed_in, tmp_path: Path, monkeypatch
):
    """A plausible match sends the row to review; with none it waits; nobody is registered."""
    stand_in = use_stand_in(monkeypatch)
    analyst = make_user(Role.ANALYST, "police")
    jessica = young_person("Jessica", "Smith")
    stand_in.set("Jess Smith", "Jessica Smith", 0.6)  # in the review band, not automatic
    rows = [
        episode(1, given_name="Jess", family_name="Smith", date_of_birth="", approximate_age="14"),
        episode(2, given_name="Zofia", family_name="", date_of_birth="", approximate_age="13"),
        episode(3, given_name="Amira", family_name="Newperson", upn=make_upn(881, 4001, 20, 99)),
    ]
    batch = run_import(
        write_csv(tmp_path / "episodes.csv", rows),
        feed=Feed.POLICE_MISSING,
        agency=agencies["police"],
        actor=analyst,
    )
    assert batch.rows_accepted == 3
    people_before = YoungPerson.objects.count()

    summary = LINK_PENDING_ROWS(batch.pk)

    by_name = {row.given_name: row for row in ImportedRow.objects.filter(batch=batch)}
    assert by_name["Jess"].match_status == MatchStatus.IN_REVIEW
    assert ReviewItem.objects.filter(row_id=by_name["Jess"].pk, candidate=jessica).exists()
    assert by_name["Zofia"].match_status == MatchStatus.PENDING  # waits: no one to link
    assert by_name["Zofia"].young_person is None
    # Amira has a date of birth and matched no one: she is registered.
    assert by_name["Amira"].match_status == MatchStatus.NEW_PERSON
    assert YoungPerson.objects.count() == people_before + 1
    assert not YoungPerson.objects.filter(given_name__in=["Jess", "Zofia"]).exists()
    assert (summary.review, summary.unmatched, summary.new_people) == (1, 1, 1)
    batch.refresh_from_db()
    importer = Client()
    sign_in_fully(importer, analyst)
    batch_page = importer.get(f"/imports/{batch.pk}/").content.decode()
    assert "Not matched yet" in batch_page
    assert 'data-testid="waiting-hint"' in batch_page
    # The reviewer sees the age the agency estimated beside the missing date of birth.
    item = ReviewItem.objects.get(row_id=by_name["Jess"].pk)
    client = signed_in(make_user(Role.COORDINATOR, "charity"))
    page = client.get(f"/matching/review/{item.pk}/").content.decode()
    assert "Not given" in page
    assert "approximate age given: about 14" in page


def test_a_row_with_a_date_of_birth_but_no_surname_registers_with_the_name_it_has(
    agencies, make_user, tmp_path: Path, monkeypatch
):
    use_stand_in(monkeypatch)
    analyst = make_user(Role.ANALYST, "police")
    batch = run_import(
        write_csv(tmp_path / "one.csv", [episode(1, given_name="Rio", family_name="")]),
        feed=Feed.POLICE_MISSING,
        agency=agencies["police"],
        actor=analyst,
    )
    LINK_PENDING_ROWS(batch.pk)
    row = ImportedRow.objects.get(batch=batch)
    assert row.match_status == MatchStatus.NEW_PERSON
    assert row.young_person is not None
    assert row.young_person.full_name == "Rio"
    assert AgencyRecord.objects.filter(young_person=row.young_person).count() == 1

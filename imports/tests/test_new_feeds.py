"""The two new feeds through the import path, a file in and records or young people out:
concerns from any member agency, and the school roll. Synthetic data.

Where matching matters, the batch's pending rows are handed to the real
``do_link_pending_rows`` with the matching engine's stand-in (see ``matching.tests.helpers``).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from imports import actions
from imports.models import BatchStatus, Feed, ImportedRow, ImportRejection, MatchStatus
from imports.tests.helpers import NHS, UPN, run_import, write_csv
from matching.models import ReviewItem
from matching.tests.helpers import use_stand_in
from partnership.models import Role
from people.identifiers import make_upn
from people.models import RecordedIdentity, YoungPerson
from records.models import AgencyRecord, ConcernCategory, Nature
from records.tests.helpers import young_person

pytestmark = pytest.mark.django_db

# Taken before the package's conftest replaces it with a recorder.
LINK_PENDING_ROWS = actions.do_link_pending_rows

OLIVIA_UPN = make_upn(881, 4001, 21, 32)
SOPHIE_UPN = make_upn(881, 4001, 21, 33)
TYLER_UPN = make_upn(881, 4001, 21, 34)


def concern(number: int, **changes: Any) -> dict[str, Any]:
    return {
        "given_name": "Kayla",
        "family_name": "Synthetic-Testperson",
        "date_of_birth": "2011-03-04",
        "approximate_age": "",
        "gender": "F",
        "postcode": "EB1 2AB",
        "upn": "",
        "nhs_number": "",
        "school": "Eastbrook Academy (synthetic)",
        "concern_reference": f"EYC-C-{number:04d}",
        "agency_kind": "voluntary_sector",
        "reporter_role": "Youth worker",
        "concern_date": "2026-10-02 19:30",
        "category": "older_associate",
        "concern": "Collected from the youth club by a man in his twenties.",
        "recorded_at": "",
        **changes,
    }


def pupil(**changes: Any) -> dict[str, Any]:
    return {
        "school": "Eastbrook Academy (synthetic)",
        "upn": OLIVIA_UPN,
        "legal_forename": "Olivia",
        "preferred_forename": "",
        "middle_names": "",
        "surname": "Twinfield",
        "date_of_birth": "2012-06-20",
        "gender": "F",
        "ethnicity_code": "MWBC",
        "address": "7 Brook Street, Eastbrook",
        "postcode": "EB2 3CD",
        "year_group": "9",
        "on_roll_from": "2023-09-01",
        "on_roll_to": "",
        "leaving_reason": "",
        "sen_provision": "none",
        "free_school_meals": "no",
        "looked_after": "no",
        "person_reference": "",
        **changes,
    }


def _problems(batch: Any) -> set[tuple[int, str, str]]:
    return {
        (p.row_number, p.field, p.rule)
        for p in ImportRejection.objects.filter(batch=batch, kept=False)
    }


# --- Concerns -------------------------------------------------------------------------------


def test_any_member_agency_may_import_concerns_and_only_education_the_roll(make_user):
    for agency in ("school", "police", "health", "csc", "charity", "housing", "yot"):
        feeds = actions.feeds_for(make_user(Role.PRACTITIONER, agency))
        assert Feed.CONCERNS in feeds, agency
        assert (Feed.SCHOOL_ROLL in feeds) == (agency == "school"), agency


def test_a_concern_becomes_a_concern_record_of_the_importing_agency(
    agencies, make_user, signed_in, tmp_path: Path
):
    kayla = young_person("Kayla", "Synthetic-Testperson")
    kayla.nhs_number = NHS
    kayla.save()
    batch = run_import(
        write_csv(tmp_path / "concerns.csv", [concern(1, nhs_number=NHS, agency_kind="")]),
        feed=Feed.CONCERNS,
        agency=agencies["charity"],
    )
    assert (batch.status, batch.rows_accepted, batch.rows_rejected) == ("done", 1, 0)

    record = AgencyRecord.objects.get()
    assert record.young_person == kayla
    assert record.owning_agency == agencies["charity"]
    assert record.record_type.code == "concern"
    assert record.title == "Concern: Older associate"
    assert record.details == "Collected from the youth club by a man in his twenties."
    assert record.nature == Nature.OPINION
    assert record.facts["category"] == "older_associate"
    assert record.facts["agency_kind"] == "voluntary_sector"  # blank: the importer's kind
    assert record.facts["reporter_role"] == "Youth worker"

    page = signed_in(make_user(Role.PRACTITIONER, "charity")).get(f"/records/{record.pk}/")
    text = page.content.decode()
    assert "Concern category" in text
    assert "Older associate" in text
    assert "Youth worker" in text


def test_concern_rows_that_break_a_rule_are_refused_by_row_column_and_rule(
    agencies, tmp_path: Path
):
    rows = [
        concern(1),
        concern(2, category="being_sad"),
        concern(3, agency_kind="police"),
        concern(4, reporter_role=""),
        concern(5, concern_date="2099-01-01"),
        concern(6, concern=""),
        concern(7, category="Seen in a hotspot"),
    ]
    batch = run_import(
        write_csv(tmp_path / "concerns.csv", rows), feed=Feed.CONCERNS, agency=agencies["charity"]
    )
    assert _problems(batch) == {
        (3, "category", "must be one of the partnership's concern categories; got 'being_sad'"),
        (
            4,
            "agency_kind",
            "must be the importing agency's kind (voluntary_sector) or left blank; got 'police'",
        ),
        (5, "reporter_role", "is required and must not be blank"),
        (6, "concern_date", "must not be in the future"),
        (7, "concern", "is required and must not be blank"),
    }
    assert (batch.rows_seen, batch.rows_accepted, batch.rows_rejected) == (7, 2, 5)
    accepted = ImportedRow.objects.get(batch=batch, row_number=8)
    assert accepted.payload["category"] == "seen_in_hotspot"  # the name is taken for its code


def test_concern_categories_are_data_a_new_one_is_accepted_a_retired_one_refused(
    agencies, tmp_path: Path
):
    ConcernCategory.objects.create(code="county_lines", name="County lines")
    ConcernCategory.objects.filter(code="online_contact").update(is_active=False)
    rows = [concern(1, category="county_lines"), concern(2, category="online_contact")]
    batch = run_import(
        write_csv(tmp_path / "concerns.csv", rows), feed=Feed.CONCERNS, agency=agencies["charity"]
    )
    assert batch.rows_accepted == 1
    assert _problems(batch) == {
        (
            3,
            "category",
            "'online_contact' is a retired concern category: the partnership no longer accepts "
            "it (a coordinator can bring it back into use)",
        )
    }


def test_concerns_imported_again_add_nothing(agencies, tmp_path: Path):
    kayla = young_person("Kayla", "Synthetic-Testperson")
    kayla.upn = UPN
    kayla.save()
    rows = [
        concern(1, upn=UPN),
        # no reference: the same concern is known by person, date, category and text
        concern(2, upn=UPN, concern_reference="", category="online_contact"),
    ]
    first = write_csv(tmp_path / "concerns.csv", rows)
    run_import(first, feed=Feed.CONCERNS, agency=agencies["charity"])
    assert AgencyRecord.objects.count() == 2

    same = run_import(first, feed=Feed.CONCERNS, agency=agencies["charity"])
    assert same.rows_accepted == 2  # the same file is found, not imported again
    again = run_import(
        write_csv(tmp_path / "again.csv", list(reversed(rows))),
        feed=Feed.CONCERNS,
        agency=agencies["charity"],
    )
    assert (again.rows_seen, again.rows_accepted, again.rows_duplicate) == (2, 0, 2)
    assert AgencyRecord.objects.count() == 2


# --- School roll ----------------------------------------------------------------------------


def test_a_pupil_whose_upn_is_held_is_linked_and_the_schools_identity_kept_beside(
    agencies, tmp_path: Path
):
    olivia = young_person("Olivia", "Twinfield")
    olivia.upn = OLIVIA_UPN
    olivia.save()
    row = pupil(surname="Twinfield-Jones", preferred_forename="Liv", middle_names="Rose")
    batch = run_import(
        write_csv(tmp_path / "roll.csv", [row]), feed=Feed.SCHOOL_ROLL, agency=agencies["school"]
    )
    assert (batch.status, batch.rows_linked) == (BatchStatus.DONE, 1)

    olivia.refresh_from_db()
    assert olivia.family_name == "Twinfield"  # canonical details are not overwritten
    recorded = RecordedIdentity.objects.get(young_person=olivia, agency=agencies["school"])
    assert recorded.family_name == "Twinfield-Jones"
    assert recorded.other_names == "Liv, Rose"
    enrolment = AgencyRecord.objects.get(young_person=olivia)
    assert enrolment.record_type.code == "enrolment"
    assert enrolment.owning_agency == agencies["school"]
    assert enrolment.ended_at is None
    assert enrolment.facts["school"] == "Eastbrook Academy (synthetic)"
    assert enrolment.facts["year_group"] == "9"
    assert enrolment.facts["free_school_meals"] is False


def test_twins_on_a_roll_are_two_young_people_and_two_enrolments_of_one_upn_are_one(
    agencies, make_user, tmp_path: Path, monkeypatch
):
    stand_in = use_stand_in(monkeypatch)
    # The engine would join the twins (same surname, date of birth and address).
    stand_in.set("Sophie Twinfield", "Olivia Twinfield", 0.99)
    analyst = make_user(Role.ANALYST, "school")
    rows = [
        pupil(),
        pupil(upn=SOPHIE_UPN, legal_forename="Sophie"),
        pupil(
            school="Millbrook Primary (synthetic)",
            upn=TYLER_UPN,
            legal_forename="Tyler",
            surname="Madeupson",
            date_of_birth="2012-01-15",
            on_roll_from="2018-09-03",
            on_roll_to="2023-07-21",
            leaving_reason="Moved to secondary school",
        ),
        pupil(
            upn=TYLER_UPN, legal_forename="Tyler", surname="Madeupson", date_of_birth="2012-01-15"
        ),
    ]
    batch = run_import(
        write_csv(tmp_path / "roll.csv", rows),
        feed=Feed.SCHOOL_ROLL,
        agency=agencies["school"],
        actor=analyst,
    )
    assert batch.rows_accepted == 4

    summary = LINK_PENDING_ROWS(batch.pk)

    assert summary.new_people == 3
    by_row = {row.row_number: row for row in ImportedRow.objects.filter(batch=batch)}
    olivia, sophie = by_row[2].young_person, by_row[3].young_person
    assert olivia is not None
    assert sophie is not None
    assert olivia != sophie
    assert (olivia.upn, sophie.upn) == (OLIVIA_UPN, SOPHIE_UPN)
    tyler = by_row[4].young_person
    assert tyler is not None
    assert by_row[5].young_person == tyler
    schools = sorted(
        AgencyRecord.objects.filter(young_person=tyler).values_list("facts__school", flat=True)
    )
    assert schools == ["Eastbrook Academy (synthetic)", "Millbrook Primary (synthetic)"]
    assert YoungPerson.objects.count() == 3


def test_a_roll_row_is_never_linked_to_a_young_person_holding_another_upn(
    agencies, make_user, tmp_path: Path, monkeypatch
):
    stand_in = use_stand_in(monkeypatch)
    stand_in.set("Sophie Twinfield", "Olivia Twinfield", 0.99)
    olivia = young_person("Olivia", "Twinfield")
    olivia.upn = OLIVIA_UPN
    olivia.save()
    unknown = young_person("Sophie", "Twinfield")  # known to another agency, no UPN
    batch = run_import(
        write_csv(tmp_path / "roll.csv", [pupil(upn=SOPHIE_UPN, legal_forename="Sophie")]),
        feed=Feed.SCHOOL_ROLL,
        agency=agencies["school"],
        actor=make_user(Role.ANALYST, "school"),
    )
    LINK_PENDING_ROWS(batch.pk)
    row = ImportedRow.objects.get(batch=batch)
    # Both scored high enough to link, but her twin holds another UPN: she is no candidate at
    # all (not linked, not proposed), so the Sophie known without a UPN is the only one left.
    assert row.young_person_id == unknown.pk
    assert not ReviewItem.objects.filter(row_id=row.pk, candidate=olivia).exists()
    assert not AgencyRecord.objects.filter(young_person=olivia).exists()


def test_roll_rows_that_break_a_rule_are_refused_by_row_column_and_rule(agencies, tmp_path: Path):
    rows = [
        pupil(),
        pupil(upn=""),
        pupil(surname=""),
        pupil(on_roll_to="2020-01-01"),
        pupil(leaving_reason="Moved away"),
        pupil(sen_provision="lots"),
        pupil(free_school_meals="maybe"),
        pupil(upn="A881400121099"),  # a wrong check letter: kept, without the UPN
    ]
    batch = run_import(
        write_csv(tmp_path / "roll.csv", rows), feed=Feed.SCHOOL_ROLL, agency=agencies["school"]
    )
    assert _problems(batch) == {
        (3, "upn", "is required and must not be blank"),
        (4, "surname", "is required and must not be blank"),
        (5, "on_roll_to", "must not be before on_roll_from"),
        (6, "leaving_reason", "may be given only with on_roll_to"),
        (7, "sen_provision", "must be one of none, sen_support, ehc_plan; got 'lots'"),
        (8, "free_school_meals", "must be yes or no; got 'maybe'"),
    }
    assert ImportRejection.objects.filter(batch=batch, row_number=9, field="upn", kept=True)
    kept = ImportedRow.objects.get(batch=batch, row_number=9)
    assert kept.upn == ""
    assert (batch.rows_seen, batch.rows_accepted, batch.rows_rejected) == (8, 2, 6)


def test_a_roll_imported_again_adds_no_one_and_no_record(
    agencies, make_user, tmp_path: Path, monkeypatch
):
    use_stand_in(monkeypatch)
    analyst = make_user(Role.ANALYST, "school")
    rows = [pupil(), pupil(upn=SOPHIE_UPN, legal_forename="Sophie")]
    path = write_csv(tmp_path / "roll.csv", rows)
    first = run_import(path, feed=Feed.SCHOOL_ROLL, agency=agencies["school"], actor=analyst)
    LINK_PENDING_ROWS(first.pk)
    people, records = YoungPerson.objects.count(), AgencyRecord.objects.count()
    assert (people, records) == (2, 2)

    copy = shutil.copy(path, tmp_path / "roll-again.csv")
    with open(copy, "a", encoding="utf-8") as handle:
        handle.write("\n")  # other bytes, the same rows
    again = run_import(Path(copy), feed=Feed.SCHOOL_ROLL, agency=agencies["school"], actor=analyst)
    LINK_PENDING_ROWS(again.pk)
    assert (again.rows_accepted, again.rows_duplicate) == (0, 2)
    assert (YoungPerson.objects.count(), AgencyRecord.objects.count()) == (people, records)


def test_a_twin_whose_sibling_is_already_registered_is_registered_apart(
    agencies, make_user, tmp_path: Path, monkeypatch
):
    stand_in = use_stand_in(monkeypatch)
    stand_in.set("Sophie Twinfield", "Olivia Twinfield", 0.99)  # above the automatic link
    olivia = young_person("Olivia", "Twinfield")
    olivia.upn = OLIVIA_UPN
    olivia.save()
    batch = run_import(
        write_csv(tmp_path / "roll.csv", [pupil(upn=SOPHIE_UPN, legal_forename="Sophie")]),
        feed=Feed.SCHOOL_ROLL,
        agency=agencies["school"],
        actor=make_user(Role.ANALYST, "school"),
    )
    LINK_PENDING_ROWS(batch.pk)
    row = ImportedRow.objects.get(batch=batch)
    assert row.match_status == MatchStatus.NEW_PERSON
    assert row.young_person is not None
    assert row.young_person != olivia
    assert row.young_person.upn == SOPHIE_UPN
    assert not AgencyRecord.objects.filter(young_person=olivia).exists()


def test_twins_who_both_match_one_young_person_known_without_a_upn_go_to_review(
    agencies, make_user, tmp_path: Path, monkeypatch
):
    stand_in = use_stand_in(monkeypatch)
    known = young_person("Olivia", "Twinfield")  # known to the police, no UPN
    stand_in.set("Sophie Twinfield", "Olivia Twinfield", 0.99)
    rows = [pupil(), pupil(upn=SOPHIE_UPN, legal_forename="Sophie")]
    batch = run_import(
        write_csv(tmp_path / "roll.csv", rows),
        feed=Feed.SCHOOL_ROLL,
        agency=agencies["school"],
        actor=make_user(Role.ANALYST, "school"),
    )
    LINK_PENDING_ROWS(batch.pk)
    statuses = set(ImportedRow.objects.filter(batch=batch).values_list("match_status", flat=True))
    assert statuses == {MatchStatus.IN_REVIEW}
    assert set(ReviewItem.objects.values_list("candidate", flat=True)) == {known.pk}
    assert not AgencyRecord.objects.filter(young_person=known).exists()


def test_a_roll_import_stopped_between_chunks_resumes_and_adds_each_enrolment_once(
    agencies, tmp_path: Path, monkeypatch
):
    from datetime import timedelta

    from imports import engine
    from imports.models import ImportBatch

    rows = [
        pupil(upn=make_upn(881, 4001, 21, 40 + n), legal_forename=f"Synthpupil{n}")
        for n in range(8)
    ]
    path = write_csv(tmp_path / "roll.csv", rows)
    real_commit = engine._commit_chunk
    calls = {"n": 0}

    def commit_then_die(*args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the worker is killed after one chunk is committed
        real_commit(*args, **kwargs)

    monkeypatch.setattr(engine, "_commit_chunk", commit_then_die)
    with pytest.raises(KeyboardInterrupt):
        run_import(path, feed=Feed.SCHOOL_ROLL, agency=agencies["school"])
    assert ImportedRow.objects.count() == 3
    batch = ImportBatch.objects.get()
    assert batch.heartbeat_at is not None
    ImportBatch.objects.filter(pk=batch.pk).update(
        heartbeat_at=batch.heartbeat_at - timedelta(hours=1)
    )
    monkeypatch.setattr(engine, "_commit_chunk", real_commit)

    again = run_import(path, feed=Feed.SCHOOL_ROLL, agency=agencies["school"])
    assert (again.pk, again.status, again.rows_seen, again.rows_accepted) == (
        batch.pk,
        BatchStatus.DONE,
        8,
        8,
    )
    assert ImportedRow.objects.count() == 8

"""A later school roll that gives an enrolment's leaving date amends that enrolment; a new
school or a new start is a new enrolment. Synthetic data; the matching engine is the stand-in."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from governance.models import AuditEvent
from imports import actions
from imports.models import Feed, ImportedRow, LinkedHow
from imports.tests.helpers import run_import, write_csv
from matching.tests.helpers import use_stand_in
from partnership.models import Role
from people.identifiers import make_upn
from records.actions import do_amend_from_agency
from records.models import AgencyRecord, RecordVersion

pytestmark = pytest.mark.django_db

# Taken before the package's conftest replaces it with a recorder.
LINK_PENDING_ROWS = actions.do_link_pending_rows

OLIVIA_UPN = make_upn(881, 4001, 21, 32)


def enrolment(**changes: Any) -> dict[str, Any]:
    return {
        "school": "Eastbrook Academy (synthetic)",
        "upn": OLIVIA_UPN,
        "legal_forename": "Olivia",
        "surname": "Twinfield",
        "date_of_birth": "2012-06-20",
        "gender": "F",
        "postcode": "EB2 3CD",
        "year_group": "9",
        "on_roll_from": "2023-09-01",
        "on_roll_to": "",
        "leaving_reason": "",
        **changes,
    }


@pytest.fixture
def first_roll(agencies, make_user, tmp_path: Path, monkeypatch):
    use_stand_in(monkeypatch)
    analyst = make_user(Role.ANALYST, "school")
    batch = run_import(
        write_csv(tmp_path / "roll-september.csv", [enrolment()]),
        feed=Feed.SCHOOL_ROLL,
        agency=agencies["school"],
        actor=analyst,
    )
    LINK_PENDING_ROWS(batch.pk)
    row = ImportedRow.objects.get(batch=batch)
    assert row.record is not None
    return analyst, row


def _import(agencies, analyst, path: Path):
    batch = run_import(path, feed=Feed.SCHOOL_ROLL, agency=agencies["school"], actor=analyst)
    LINK_PENDING_ROWS(batch.pk)
    return batch


def _enrolments(row: ImportedRow):
    return AgencyRecord.objects.filter(young_person=row.young_person, record_type__code="enrolment")


def test_a_later_roll_giving_the_leaving_date_amends_the_enrolment_and_keeps_its_history(
    agencies, tmp_path: Path, first_roll
):
    analyst, first = first_roll
    record = first.record
    left = enrolment(on_roll_to="2026-07-20", leaving_reason="Moved away", year_group="10")
    later = _import(agencies, analyst, write_csv(tmp_path / "roll-july.csv", [left]))

    row = ImportedRow.objects.get(batch=later)
    assert row.linked_how == LinkedHow.UPN
    assert row.record_id == record.pk  # the same enrolment, not a second one
    assert _enrolments(first).count() == 1
    record.refresh_from_db()
    assert timezone.localtime(record.ended_at).date() == date(2026, 7, 20)
    assert record.facts["leaving_reason"] == "Moved away"
    assert record.facts["on_roll_to"] == "2026-07-20"
    assert record.facts["imported_from"]["batch"] == later.pk
    assert record.version == 2
    # The version before the change is kept, as an edit keeps it.
    (before,) = RecordVersion.objects.filter(record=record)
    assert before.version == 1
    assert before.snapshot["ended_at"] is None
    assert before.snapshot["facts"]["imported_from"]["batch"] == first.batch_id
    # Audited as an update of the record, naming the file's batch and row, never a name.
    event = AuditEvent.objects.get(
        object_type="agency_record", object_id=str(record.pk), action="update"
    )
    assert event.details["from_file"] == {"batch": later.pk, "row": 2}
    assert "ended_at" in event.details["fields"]
    assert "Olivia" not in str(event.details)


def test_the_same_later_roll_again_changes_nothing(agencies, tmp_path: Path, first_roll):
    analyst, first = first_roll
    left = enrolment(on_roll_to="2026-07-20", leaving_reason="Moved away")
    path = write_csv(tmp_path / "roll-july.csv", [left])
    _import(agencies, analyst, path)
    copy = Path(shutil.copy(path, tmp_path / "roll-july-again.csv"))
    with copy.open("a", encoding="utf-8") as handle:
        handle.write("\n")  # other bytes, the same row
    again = _import(agencies, analyst, copy)

    assert (again.rows_accepted, again.rows_duplicate) == (0, 1)
    record = _enrolments(first).get()
    assert record.version == 2
    assert RecordVersion.objects.filter(record=record).count() == 1


def test_a_new_school_or_a_new_start_is_a_new_enrolment(agencies, tmp_path: Path, first_roll):
    analyst, first = first_roll
    rows = [
        enrolment(school="Millbrook High (synthetic)", on_roll_from="2026-09-01"),
        enrolment(on_roll_from="2026-11-02"),  # came back to the same school later
    ]
    _import(agencies, analyst, write_csv(tmp_path / "roll-new.csv", rows))

    enrolments = _enrolments(first)
    assert enrolments.count() == 3
    assert {(r.facts["school"], r.facts["on_roll_from"]) for r in enrolments} == {
        ("Eastbrook Academy (synthetic)", "2023-09-01"),
        ("Millbrook High (synthetic)", "2026-09-01"),
        ("Eastbrook Academy (synthetic)", "2026-11-02"),
    }
    first.record.refresh_from_db()
    assert first.record.version == 1  # the first enrolment is untouched


def test_only_the_import_amends_a_record_from_a_file(make_user, first_roll):
    _, first = first_roll
    with pytest.raises(PermissionDenied):
        do_amend_from_agency(
            actor=make_user(Role.COORDINATOR, "school"),
            record=first.record,
            changes={"ended_at": timezone.now()},
            source={"batch": first.batch_id, "row": 2},
        )
    first.record.refresh_from_db()
    assert first.record.ended_at is None


def test_undoing_the_link_of_the_amending_row_keeps_the_enrolment(
    agencies, make_user, tmp_path: Path, first_roll
):
    analyst, first = first_roll
    later = _import(
        agencies,
        analyst,
        write_csv(tmp_path / "roll-july.csv", [enrolment(on_roll_to="2026-07-20")]),
    )
    row = ImportedRow.objects.get(batch=later)
    actions.do_undo_link(
        actor=make_user(Role.COORDINATOR, "school"), row=row, reason="Wrong pupil (synthetic)"
    )
    assert AgencyRecord.objects.filter(pk=first.record_id).exists()
    assert ImportedRow.objects.get(pk=first.pk).record_id == first.record_id

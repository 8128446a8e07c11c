"""Linking imported rows to young people: by UPN or NHS number, and the actions for matching."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.models import AuditEvent
from imports.actions import do_attach_row, do_create_person_for_row
from imports.models import Feed, ImportedRow, LinkedHow, MatchStatus
from imports.tests.helpers import NHS, UPN, attendance, run_import, write_csv
from partnership.models import Role
from people.models import RecordedIdentity, YoungPerson
from records.models import AgencyRecord
from records.tests.helpers import young_person

pytestmark = pytest.mark.django_db


def test_valid_upn_links_the_row_and_adds_the_absence_to_the_chronology(agencies, tmp_path: Path):
    pupil = young_person("Kayla", "Synthetic-Testperson")
    pupil.upn = UPN
    pupil.save()
    path = write_csv(tmp_path / "attendance.csv", [attendance()])

    batch = run_import(path, feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"])

    row = ImportedRow.objects.get(batch=batch)
    assert row.match_status == MatchStatus.LINKED
    assert row.linked_how == LinkedHow.UPN
    assert row.young_person == pupil
    record = AgencyRecord.objects.get(young_person=pupil)
    assert record.record_type.code == "school-absence"
    assert record.owning_agency == agencies["school"]
    assert row.record == record
    assert (
        RecordedIdentity.objects.filter(young_person=pupil, agency=agencies["school"]).count() == 1
    )
    assert batch.rows_linked == 1


def test_nhs_number_in_an_identity_as_recorded_links_a_health_attendance(agencies, tmp_path: Path):
    person = young_person("Kayla", "Synthetic-Testperson")
    RecordedIdentity.objects.create(
        young_person=person,
        agency=agencies["police"],
        given_name="Kay",
        family_name="Testperson",
        nhs_number=NHS,
        recorded_at=person.created_at,
    )
    row = {
        "given_name": "K",
        "family_name": "Testperson",
        "date_of_birth": "04/03/2011",
        "nhs_number": "943 476 5919",
        "attended_at": "2026-10-05 14:20",
        "service_type": "emergency_department",
    }
    batch = run_import(
        write_csv(tmp_path / "health.csv", [row]),
        feed=Feed.HEALTH_ATTENDANCE,
        agency=agencies["health"],
    )
    imported = ImportedRow.objects.get(batch=batch)
    assert (imported.match_status, imported.linked_how) == (MatchStatus.LINKED, LinkedHow.NHS)
    assert imported.record is not None
    assert imported.record.record_type.code == "emergency-attendance"


def test_invalid_upn_check_letter_is_reported_and_never_used_to_link(agencies, tmp_path: Path):
    pupil = young_person()
    pupil.upn = UPN
    pupil.save()
    wrong_letter = ("B" if UPN[0] != "B" else "C") + UPN[1:]
    path = write_csv(tmp_path / "attendance.csv", [attendance(upn=wrong_letter)])

    batch = run_import(path, feed=Feed.SCHOOL_ATTENDANCE, agency=agencies["school"])

    row = ImportedRow.objects.get(batch=batch)
    assert row.upn == ""
    assert row.match_status == MatchStatus.PENDING
    problem = batch.rejections.get()
    assert (problem.row_number, problem.field, problem.kept) == (2, "upn", True)
    assert "check letter" in problem.rule
    assert batch.rows_accepted == 1
    assert batch.rows_rejected == 0


def test_an_identifier_held_by_two_people_links_no_one(agencies, tmp_path: Path):
    for name in ("Kayla", "Kaylee"):
        person = young_person(name)
        person.upn = UPN
        person.save()
    batch = run_import(
        write_csv(tmp_path / "a.csv", [attendance()]),
        feed=Feed.SCHOOL_ATTENDANCE,
        agency=agencies["school"],
    )
    assert ImportedRow.objects.get(batch=batch).match_status == MatchStatus.PENDING


def _pending_row(agencies, tmp_path: Path, **changes: str) -> ImportedRow:
    batch = run_import(
        write_csv(tmp_path / "a.csv", [attendance(upn="", **changes)]),
        feed=Feed.SCHOOL_ATTENDANCE,
        agency=agencies["school"],
    )
    return ImportedRow.objects.get(batch=batch)


def test_attach_row_adds_identity_and_record_once_and_is_audited(agencies, tmp_path: Path):
    row = _pending_row(agencies, tmp_path)
    person = young_person()
    audited = AuditEvent.objects.count()

    record = do_attach_row(actor=None, row=row, young_person=person, how=LinkedHow.PROBABILISTIC)

    row.refresh_from_db()
    assert record is not None
    assert row.record == record
    assert row.linked_how == LinkedHow.PROBABILISTIC
    assert record.facts["imported_from"]["row"] == 2
    identity = RecordedIdentity.objects.get(young_person=person)
    # The link, the identity and the record each have their event, as if made one by one.
    written = AuditEvent.objects.order_by("seq")[audited:]
    assert sorted((event.action, event.object_type, event.object_id) for event in written) == [
        ("create", "agency_record", str(record.pk)),
        ("create", "recorded_identity", str(identity.pk)),
        ("update", "import_batch", str(row.batch_id)),
    ]
    with pytest.raises(ValidationError):
        do_attach_row(actor=None, row=row, young_person=person, how=LinkedHow.CLERICAL)


def test_present_mark_links_without_adding_a_record(agencies, tmp_path: Path):
    row = _pending_row(agencies, tmp_path, code="/")
    assert do_attach_row(actor=None, row=row, young_person=young_person(), how="clerical") is None
    row.refresh_from_db()
    assert row.match_status == MatchStatus.LINKED
    assert row.record is None


def test_create_person_for_row_registers_them_from_the_row(agencies, tmp_path: Path):
    row = _pending_row(agencies, tmp_path)
    person = do_create_person_for_row(actor=None, row=row)
    row.refresh_from_db()
    assert (person.given_name, person.family_name) == ("Kayla", "Synthetic-Testperson")
    assert row.match_status == MatchStatus.NEW_PERSON
    assert row.young_person == person
    assert row.record is not None
    assert RecordedIdentity.objects.filter(young_person=person).count() == 1
    assert YoungPerson.objects.count() == 1


def test_a_practitioner_of_another_agency_cannot_link_a_row(agencies, tmp_path: Path, make_user):
    row = _pending_row(agencies, tmp_path)
    outsider = make_user(Role.PRACTITIONER, "police")
    with pytest.raises(PermissionDenied):
        do_attach_row(actor=outsider, row=row, young_person=young_person(), how="clerical")
    partner = make_user(Role.COMMUNITY_PARTNER, "hotel")
    with pytest.raises(PermissionDenied):
        do_create_person_for_row(actor=partner, row=row)


def test_the_job_hands_the_batch_to_matching_at_the_end(agencies, tmp_path: Path, matching_calls):
    batch = run_import(
        write_csv(tmp_path / "a.csv", [attendance(upn="")]),
        feed=Feed.SCHOOL_ATTENDANCE,
        agency=agencies["school"],
    )
    assert matching_calls == [batch.pk]

"""Exporting a chronology is a disclosure: a purpose, a new code every time, the owners told."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import sign_in_fully
from governance.models import AuditAction, AuditEvent
from notifications.models import Notification
from partnership.models import Role
from records.tests.helpers import export_csv, next_code, record, young_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return young_person("Casey", "Exportperson")


@pytest.fixture
def police_record(make_user, person):
    officer = make_user(Role.PRACTITIONER, "police")
    return record(officer, person, title="Seen with an older man at the station")


def test_an_export_asks_why_before_anything_leaves(make_user, client, person, police_record):
    sign_in_fully(client, make_user(Role.COORDINATOR, "csc"))
    page = client.get(f"/young-people/{person.pk}/export/")
    assert page.status_code == 200
    assert page["Content-Type"].startswith("text/html")
    assert b"Why are you exporting this chronology?" in page.content
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_export_without_a_purpose_is_refused_with_a_message(make_user, client, person):
    sign_in_fully(client, make_user(Role.COORDINATOR, "csc"))
    page = client.post(f"/young-people/{person.pk}/export/", {"purpose": "", "detail": ""})
    assert page.status_code == 200
    assert b"Choose why you are exporting this chronology" in page.content
    assert b"Enter the details of why you are exporting this chronology" in page.content


def test_an_export_just_after_signing_in_still_asks_for_a_new_code(make_user, client, person):
    """The code entered at sign-in a moment ago does not count: each export asks anew."""
    sign_in_fully(client, make_user(Role.IG_OFFICER, "health"))
    path = f"/young-people/{person.pk}/export/"
    asked = client.post(path, {"purpose": "audit", "detail": "Annual audit of CSE cases"})
    assert asked.status_code == 302
    assert asked["Location"] == f"/sign-in/confirm/?next=%2Fyoung-people%2F{person.pk}%2Fexport%2F"
    # Coming back without entering the code gives the form again, not the file.
    again = client.get(path)
    assert again["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_second_export_asks_for_another_code(make_user, client, person, police_record):
    coordinator = make_user(Role.COORDINATOR, "csc")
    sign_in_fully(client, coordinator)
    first = export_csv(client, coordinator, person)
    assert first["Content-Type"].startswith("text/csv")
    second = client.get(f"/young-people/{person.pk}/export/")
    assert second["Content-Type"].startswith("text/html")
    asked = client.post(
        f"/young-people/{person.pk}/export/", {"purpose": "court", "detail": "Family court"}
    )
    assert asked["Location"].startswith("/sign-in/confirm/")


def test_a_wrong_code_exports_nothing(make_user, client, person, police_record):
    coordinator = make_user(Role.COORDINATOR, "csc")
    sign_in_fully(client, coordinator)
    path = f"/young-people/{person.pk}/export/"
    asked = client.post(path, {"purpose": "court", "detail": "Family court, case FC-12"})
    wrong = "000000" if next_code(coordinator) != "000000" else "111111"
    client.post(asked["Location"], {"code": wrong})
    assert client.get(path)["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_export_records_its_purpose_and_the_owners_ig_officers_are_told(
    make_user, client, person, police_record
):
    police_ig = make_user(Role.IG_OFFICER, "police")
    coordinator = make_user(Role.COORDINATOR, "csc")
    sign_in_fully(client, coordinator)
    response = export_csv(
        client, coordinator, person, purpose="court", detail="Family court, case FC-12"
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert any(police_record.owning_agency.name in row for row in rows)
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.purpose == "Court or other legal proceedings: Family court, case FC-12"
    assert event.object_id == str(person.pk)
    told = Notification.objects.get(user=police_ig)
    assert "Family court, case FC-12" in told.message
    assert "exported a young person's chronology" in told.message


def test_the_owning_agency_sees_the_export_in_who_has_seen_this(
    make_user, client, person, police_record
):
    coordinator = make_user(Role.COORDINATOR, "csc")
    sign_in_fully(client, coordinator)
    export_csv(client, coordinator, person, purpose="audit", detail="Partnership audit 2026")
    officer_client = type(client)()
    sign_in_fully(officer_client, police_record.author)
    page = officer_client.get(f"/records/{police_record.pk}/seen-by/").content.decode()
    assert "Exported the chronology (An audit or inspection: Partnership audit 2026)" in page
    assert coordinator.get_full_name() in page


def test_an_agency_with_no_ig_officer_is_told_as_an_agency(
    make_user, client, person, police_record
):
    coordinator = make_user(Role.COORDINATOR, "csc")
    sign_in_fully(client, coordinator)
    export_csv(client, coordinator, person)
    told = Notification.objects.get(agency=police_record.owning_agency)
    assert told.user is None


def test_a_user_who_may_not_export_gets_404_and_nothing_is_asked(make_user, client, person):
    sign_in_fully(client, make_user(Role.PRACTITIONER, "school"))
    path = f"/young-people/{person.pk}/export/"
    assert client.get(path).status_code == 404
    assert client.post(path, {"purpose": "audit", "detail": "Just looking"}).status_code == 404

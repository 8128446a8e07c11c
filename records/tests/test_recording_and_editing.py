"""Recording, editing with a version check, history, links and the partnership list."""

from __future__ import annotations

from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from conftest import sign_in_fully
from governance.actions import do_add_relationship
from governance.models import AuditAction, AuditEvent, RetentionRule
from partnership.models import Role
from records.actions import StaleEdit, do_edit_record
from records.models import AgencyRecord, RecordType
from records.tests.helpers import record, young_person


@pytest.fixture
def person(db):
    return young_person()


@pytest.fixture
def dsl(make_user):
    return make_user(Role.PRACTITIONER, "school")


def _form(**overrides):
    data = {
        "record_type": RecordType.objects.get(code="missing-episode").pk,
        "title": "Missing overnight, found in a hotel",
        "occurred_on": "2025-03-01",
        "occurred_time": "21:30",
        "ended_on": "2025-03-02",
        "location": "Station Road",
        "details": "Returned by police at 07:00.",
        "nature": "fact",
        "person_category": "victim",
        "classification": "standard",
        "phones": "07400 123456",
        "vehicles": "ab12 cde",
    }
    data.update(overrides)
    return data


def test_a_practitioner_records_an_episode_owned_by_their_agency(signed_in, dsl, person):
    client = signed_in(dsl)
    response = client.post(f"/records/new/for/{person.pk}/", _form())
    assert response.status_code == 302
    saved = AgencyRecord.objects.get()
    assert saved.owning_agency == dsl.agency
    assert saved.author == dsl
    assert saved.category == "education"
    assert {(link.kind, link.value) for link in saved.links.all()} == {
        ("phone", "+447400123456"),
        ("vehicle", "AB12CDE"),
    }
    assert saved.review_due is not None
    assert saved.review_due.year == 2011 + 25


def test_posting_extra_fields_changes_nothing(signed_in, dsl, person, agencies):
    client = signed_in(dsl)
    client.post(
        f"/records/new/for/{person.pk}/",
        _form(owning_agency=agencies["police"].pk, author=1, category="intelligence", version=9),
    )
    saved = AgencyRecord.objects.get()
    assert saved.owning_agency == dsl.agency
    assert saved.category == "education"
    assert saved.version == 1


def test_a_bad_phone_number_is_refused_naming_the_line_and_rule(signed_in, dsl, person):
    client = signed_in(dsl)
    response = client.post(f"/records/new/for/{person.pk}/", _form(phones="07400 123456\n12345"))
    assert response.status_code == 200
    assert b"Line 2" in response.content
    assert b"phone" in response.content.lower()
    assert not AgencyRecord.objects.exists()


def test_a_record_must_say_whether_it_is_fact_opinion_or_allegation(signed_in, dsl, person):
    client = signed_in(dsl)
    response = client.post(f"/records/new/for/{person.pk}/", _form(nature=""))
    assert b"Say whether this is fact, professional opinion or allegation" in response.content
    assert not AgencyRecord.objects.exists()


def test_an_event_in_the_future_is_refused(signed_in, dsl, person):
    client = signed_in(dsl)
    response = client.post(f"/records/new/for/{person.pk}/", _form(occurred_on="2099-01-01"))
    assert b"must be today or in the past" in response.content


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.STRATEGIC_LEAD, Role.IG_OFFICER])
def test_roles_that_do_not_work_cases_cannot_record(signed_in, make_user, person, role):
    client = signed_in(make_user(role, "council"))
    assert client.post(f"/records/new/for/{person.pk}/", _form()).status_code == 404
    assert not AgencyRecord.objects.exists()


def test_an_edit_keeps_the_earlier_version(signed_in, dsl, person):
    saved = record(dsl, person, title="First account")
    client = signed_in(dsl)
    response = client.post(
        f"/records/{saved.pk}/edit/",
        {
            "version": 1,
            "title": "Corrected account",
            "occurred_on": "2025-03-01",
            "location": "",
            "details": "",
            "nature": "opinion",
            "classification": "standard",
        },
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.title == "Corrected account"
    assert saved.version == 2
    assert saved.history.get().snapshot["title"] == "First account"
    page = client.get(f"/records/{saved.pk}/").content
    assert b"Earlier versions" in page
    assert b"First account" in page


def test_a_stale_edit_is_refused_and_both_versions_are_shown(signed_in, dsl, person, make_user):
    saved = record(dsl, person, title="First account")
    colleague = make_user(Role.PRACTITIONER, "school", username="school.colleague")
    do_edit_record(
        actor=colleague, record=saved, expected_version=1, changes={"title": "Colleague's view"}
    )
    client = signed_in(dsl)
    response = client.post(
        f"/records/{saved.pk}/edit/",
        {
            "version": 1,
            "title": "My view",
            "occurred_on": "2025-03-01",
            "location": "",
            "details": "",
            "nature": "fact",
            "classification": "standard",
        },
    )
    assert response.status_code == 409
    assert b"Someone else changed this record" in response.content
    assert b"Colleague&#x27;s view" in response.content
    assert b"My view" in response.content
    saved.refresh_from_db()
    assert saved.title == "Colleague's view"


def test_simultaneous_edits_of_one_version_save_once(dsl, person, make_user):
    saved = record(dsl, person, title="Start")
    colleague = make_user(Role.PRACTITIONER, "school", username="school.colleague")
    lost = 0
    for trial in range(20):
        base = AgencyRecord.objects.get(pk=saved.pk).version
        do_edit_record(
            actor=dsl, record=saved, expected_version=base, changes={"title": f"A{trial}"}
        )
        with pytest.raises(StaleEdit):
            do_edit_record(
                actor=colleague, record=saved, expected_version=base, changes={"title": f"B{trial}"}
            )
        saved.refresh_from_db()
        lost += saved.title != f"A{trial}"
    assert lost == 0
    assert saved.version == 21


def test_editing_agency_or_author_is_refused(dsl, person, agencies):
    saved = record(dsl, person)
    with pytest.raises(ValidationError):
        do_edit_record(
            actor=dsl,
            record=saved,
            expected_version=1,
            changes={"owning_agency": agencies["police"]},
        )


def test_another_agency_cannot_edit_even_with_full_sight(signed_in, dsl, person, make_user):
    saved = record(dsl, person)
    coordinator = make_user(Role.COORDINATOR, "csc")
    do_add_relationship(
        actor=coordinator, young_person=person, user=coordinator, kind="case_team", reason="Lead"
    )
    client = signed_in(coordinator)
    assert client.get(f"/records/{saved.pk}/").status_code == 200
    assert client.get(f"/records/{saved.pk}/edit/").status_code == 404


def test_who_has_seen_a_record_is_shown_to_its_owner(make_user, dsl, person):
    saved = record(dsl, person)
    coordinator = make_user(Role.COORDINATOR, "csc")
    viewer = Client()
    sign_in_fully(viewer, coordinator)
    viewer.get(f"/records/{saved.pk}/")
    owner = Client()
    sign_in_fully(owner, dsl)
    page = owner.get(f"/records/{saved.pk}/seen-by/").content.decode()
    # In words: the person's name, their role and their agency, not a username and a code.
    assert coordinator.get_full_name() in page
    assert escape(f"CSE coordinator, {coordinator.agency.name}") in page
    assert coordinator.username not in page
    assert "· coordinator" not in page  # the raw role code, as it was shown
    assert "Opened the record" in page
    assert viewer.get(f"/records/{saved.pk}/seen-by/").status_code == 404


def test_the_partnership_list_shows_only_what_the_user_may_see(make_user, dsl, person):
    mine = record(dsl, person, title="School concern")
    officer = make_user(Role.PRACTITIONER, "police")
    theirs = record(officer, person, title="Police concern")
    client = Client()
    sign_in_fully(client, dsl)
    html = client.get("/records/").content.decode()
    assert f"/records/{mine.pk}/" in html
    assert f"/records/{theirs.pk}/" not in html
    assert AuditEvent.objects.filter(actor_id=dsl.pk, action=AuditAction.LIST).exists()


def test_the_owner_links_a_vehicle_to_a_record(signed_in, dsl, person):
    saved = record(dsl, person)
    client = signed_in(dsl)
    response = client.post(f"/records/{saved.pk}/links/", {"kind": "vehicle", "value": "ab12 cde"})
    assert response.status_code == 302
    assert [(link.kind, link.value) for link in saved.links.all()] == [("vehicle", "AB12CDE")]


def test_a_bad_registration_is_refused_with_the_rule(signed_in, dsl, person):
    saved = record(dsl, person)
    client = signed_in(dsl)
    response = client.post(
        f"/records/{saved.pk}/links/", {"kind": "vehicle", "value": "NOT A PLATE 99"}, follow=True
    )
    assert b"vehicle registration" in response.content.lower()
    assert not saved.links.exists()


def test_another_agency_cannot_add_links(signed_in, dsl, person, make_user):
    saved = record(dsl, person)
    client = signed_in(make_user(Role.COORDINATOR, "csc"))
    response = client.post(f"/records/{saved.pk}/links/", {"kind": "vehicle", "value": "AB12CDE"})
    assert response.status_code == 404
    assert not saved.links.exists()


def test_the_partnership_list_takes_a_fixed_number_of_queries(
    make_user, dsl, django_assert_max_num_queries
):
    client = Client()
    sign_in_fully(client, dsl)
    record(dsl, young_person("One", "Person"))
    with django_assert_max_num_queries(40) as few:
        client.get("/records/")
    for n in range(12):
        record(dsl, young_person(f"Extra{n}", "Person"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/records/")


@pytest.mark.parametrize(
    ("left_out", "message"),
    [
        ("nature", b"Say whether this is fact, professional opinion or allegation"),
        ("person_category", b"Say whether the young person is recorded as victim, suspect"),
    ],
)
def test_a_record_must_say_fact_or_opinion_and_the_persons_category(
    signed_in, dsl, person, left_out, message
):
    """DPA 2018 s.38: a record states fact, opinion or allegation, and the person's category."""
    data = _form()
    del data[left_out]
    response = signed_in(dsl).post(f"/records/new/for/{person.pk}/", data)
    assert response.status_code in (200, 400)
    assert message in response.content
    assert not AgencyRecord.objects.exists()


def test_review_dates_come_from_the_retention_schedule_held_as_data(signed_in, dsl, person):
    """Change the schedule's row for education records and the next record follows it."""
    born = person.date_of_birth.year
    RetentionRule.objects.update_or_create(
        category="education", defaults={"review_at_age": 30, "review_after_years": None}
    )
    signed_in(dsl).post(f"/records/new/for/{person.pk}/", _form())
    saved = AgencyRecord.objects.get()
    assert saved.review_due is not None
    assert saved.review_due.year == born + 30

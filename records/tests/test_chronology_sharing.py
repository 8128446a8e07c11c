"""What each professional sees of one young person's multi-agency chronology."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client

from conftest import sign_in_fully
from governance.actions import (
    do_add_relationship,
    do_end_relationship,
    do_record_consent,
    do_record_sharing_decision,
    do_save_sharing_agreement,
)
from governance.models import AuditAction, AuditEvent, Level
from partnership.models import Role, ServiceKind
from records.models import AgencyRecord
from records.tests.helpers import record, young_person


def levels_seen(client: Client, person) -> dict[str, str]:
    """Record title or type -> level shown, from the chronology page as a user sees it."""
    response = client.get(f"/young-people/{person.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    entries = re.findall(
        r'data-level="([^"]+)">.*?<a class="govuk-link" href="/records/(\d+)/">', html, re.S
    )
    return {record_id: level for level, record_id in entries}


def flags_seen(client: Client, person) -> list[str]:
    html = client.get(f"/young-people/{person.pk}/").content.decode()
    return re.findall(r"<strong>([^<]+) holds information</strong>", html)


@pytest.fixture
def person(db):
    return young_person()


def join_case_team(user, person, coordinator):
    return do_add_relationship(
        actor=coordinator, young_person=person, user=user, kind="case_team", reason="Allocated"
    )


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, "csc")


def test_school_cannot_see_police_intelligence_even_in_the_case_team(
    make_user, person, coordinator
):
    analyst = make_user(Role.ANALYST, "police", service=ServiceKind.INTELLIGENCE)
    intel = record(analyst, person, title="Linked to phone used by adult of concern")
    dsl = make_user(Role.PRACTITIONER, "school")
    join_case_team(dsl, person, coordinator)
    client = Client()
    sign_in_fully(client, dsl)
    assert str(intel.pk) not in levels_seen(client, person)
    assert "Testshire Police" not in flags_seen(client, person)
    assert client.get(f"/records/{intel.pk}/").status_code == 404


def test_a_police_officer_in_the_case_team_sees_a_summary_of_school_records(
    make_user, person, coordinator
):
    dsl = make_user(Role.PRACTITIONER, "school")
    absence = record(dsl, person, type_code="school-absence", title="Absent all afternoon")
    officer = make_user(Role.PRACTITIONER, "police")
    join_case_team(officer, person, coordinator)
    client = Client()
    sign_in_fully(client, officer)
    assert levels_seen(client, person) == {str(absence.pk): "Summary"}
    page = client.get(f"/records/{absence.pk}/").content
    assert b"School absence" in page
    assert b"Absent all afternoon" not in page


def test_social_care_in_the_case_team_sees_school_records_in_full(make_user, person, coordinator):
    dsl = make_user(Role.PRACTITIONER, "school")
    absence = record(dsl, person, type_code="school-absence", title="Absent all afternoon")
    social_worker = make_user(Role.PRACTITIONER, "csc")
    join_case_team(social_worker, person, coordinator)
    client = Client()
    sign_in_fully(client, social_worker)
    assert levels_seen(client, person) == {str(absence.pk): "Full"}
    assert b"Absent all afternoon" in client.get(f"/records/{absence.pk}/").content


def test_outside_the_case_team_a_practitioner_only_learns_who_holds_information(make_user, person):
    dsl = make_user(Role.PRACTITIONER, "school")
    absence = record(dsl, person, type_code="school-absence")
    social_worker = make_user(Role.PRACTITIONER, "csc")
    client = Client()
    sign_in_fully(client, social_worker)
    assert levels_seen(client, person) == {}
    assert flags_seen(client, person) == ["Testshire Education"]
    assert client.get(f"/records/{absence.pk}/").status_code == 404


def test_a_sexual_health_record_is_existence_only_to_other_health_staff(make_user, person):
    nurse = make_user(Role.PRACTITIONER, "health", service=ServiceKind.SEXUAL_HEALTH)
    visit = record(nurse, person, type_code="sexual-health-attendance", title="Attended clinic")
    school_nurse = make_user(Role.PRACTITIONER, "health", service=ServiceKind.SCHOOL_NURSING)
    client = Client()
    sign_in_fully(client, school_nurse)
    assert levels_seen(client, person) == {}
    assert flags_seen(client, person) == ["Testshire Health"]
    colleague = make_user(
        Role.PRACTITIONER, "health", service=ServiceKind.SEXUAL_HEALTH, username="sh2"
    )
    other = Client()
    sign_in_fully(other, colleague)
    assert levels_seen(other, person) == {str(visit.pk): "Full"}


def test_a_restricted_record_stays_with_its_service(make_user, person, coordinator):
    officer = make_user(Role.PRACTITIONER, "police", service=ServiceKind.CSE_TEAM)
    record(officer, person, classification="restricted")
    social_worker = make_user(Role.PRACTITIONER, "csc")
    join_case_team(social_worker, person, coordinator)
    client = Client()
    sign_in_fully(client, social_worker)
    assert levels_seen(client, person) == {}
    assert flags_seen(client, person) == ["Testshire Police"]


def test_a_sensitive_record_is_only_summarised_for_the_coordinator_outside_the_team(
    make_user, person, coordinator
):
    dsl = make_user(Role.PRACTITIONER, "school")
    sensitive = record(dsl, person, classification="sensitive")
    client = Client()
    sign_in_fully(client, coordinator)
    assert levels_seen(client, person) == {str(sensitive.pk): "Summary"}
    join_case_team(coordinator, person, coordinator)
    assert levels_seen(client, person) == {str(sensitive.pk): "Full"}


def test_declined_consent_limits_others_to_knowing_information_exists(
    make_user, person, coordinator
):
    dsl = make_user(Role.PRACTITIONER, "school")
    absence = record(dsl, person, type_code="school-absence")
    social_worker = make_user(Role.PRACTITIONER, "csc")
    join_case_team(social_worker, person, coordinator)
    client = Client()
    sign_in_fully(client, social_worker)
    assert levels_seen(client, person) == {str(absence.pk): "Full"}
    do_record_consent(actor=dsl, young_person=person, status="declined", next_steps_discussed=True)
    assert levels_seen(client, person) == {}
    assert flags_seen(client, person) == ["Testshire Education"]
    do_record_sharing_decision(
        actor=dsl,
        young_person=person,
        shared=True,
        what="Attendance pattern",
        purpose="Risk of sexual exploitation",
        consent_status="declined",
        lawful_basis="public_task_safeguarding",
        reason_without_consent="Risk of significant harm outweighs her wish not to share",
        next_steps_discussed=True,
    )
    assert levels_seen(client, person) == {str(absence.pk): "Full"}


def test_removing_someone_from_the_case_team_refuses_their_very_next_request(
    make_user, person, coordinator
):
    dsl = make_user(Role.PRACTITIONER, "school")
    absence = record(dsl, person, type_code="school-absence")
    social_worker = make_user(Role.PRACTITIONER, "csc")
    membership = join_case_team(social_worker, person, coordinator)
    client = Client()
    sign_in_fully(client, social_worker)
    assert client.get(f"/records/{absence.pk}/").status_code == 200
    do_end_relationship(actor=coordinator, relationship=membership, reason="Case closed")
    assert client.get(f"/records/{absence.pk}/").status_code == 404


def test_an_ig_officer_sees_at_most_a_summary_of_other_agencies_records(make_user, person):
    dsl = make_user(Role.PRACTITIONER, "school")
    absence = record(dsl, person, type_code="school-absence")
    ig = make_user(Role.IG_OFFICER, "csc")
    client = Client()
    sign_in_fully(client, ig)
    assert levels_seen(client, person) == {str(absence.pk): "Summary"}


def test_a_changed_sharing_agreement_changes_what_is_seen_at_once(make_user, person, coordinator):
    dsl = make_user(Role.PRACTITIONER, "school")
    absence = record(dsl, person, type_code="school-absence")
    officer = make_user(Role.PRACTITIONER, "police")
    join_case_team(officer, person, coordinator)
    client = Client()
    sign_in_fully(client, officer)
    assert levels_seen(client, person) == {str(absence.pk): "Summary"}
    admin = make_user(Role.ADMINISTRATOR, "council")
    do_save_sharing_agreement(
        actor=admin, rules={("police", "education"): Level.FULL}, note="Agreed at the board"
    )
    assert levels_seen(client, person) == {str(absence.pk): "Full"}


def test_every_chronology_view_is_audited_with_what_was_shown(make_user, person, coordinator):
    dsl = make_user(Role.PRACTITIONER, "school")
    record(dsl, person, type_code="school-absence")
    client = Client()
    sign_in_fully(client, coordinator)
    client.get(f"/young-people/{person.pk}/")
    event = AuditEvent.objects.get(
        actor_id=coordinator.pk, action=AuditAction.VIEW, object_type="young_person"
    )
    assert event.object_id == str(person.pk)
    assert event.details["entries"] == 1


def test_the_chronology_filters_by_agency_and_type(make_user, person, coordinator):
    dsl = make_user(Role.PRACTITIONER, "school")
    absence = record(dsl, person, type_code="school-absence")
    officer = make_user(Role.PRACTITIONER, "police")
    missing = record(officer, person, type_code="missing-episode")
    client = Client()
    sign_in_fully(client, coordinator)
    html = client.get(f"/young-people/{person.pk}/?type=missing-episode").content.decode()
    assert f"/records/{missing.pk}/" in html
    assert f"/records/{absence.pk}/" not in html
    agency = dsl.agency_id
    html = client.get(f"/young-people/{person.pk}/?agency={agency}").content.decode()
    assert f"/records/{absence.pk}/" in html
    assert f"/records/{missing.pk}/" not in html


def test_the_chronology_takes_a_fixed_number_of_queries(
    make_user, person, coordinator, django_assert_max_num_queries
):
    dsl = make_user(Role.PRACTITIONER, "school")
    client = Client()
    sign_in_fully(client, coordinator)
    for _ in range(3):
        record(dsl, person)
    with django_assert_max_num_queries(30) as few:
        client.get(f"/young-people/{person.pk}/")
    for _ in range(30):
        record(dsl, person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/young-people/{person.pk}/")


def test_a_long_chronology_shows_the_newest_hundred_first(make_user, person, coordinator):
    dsl = make_user(Role.PRACTITIONER, "school")
    made = [record(dsl, person, title=f"Entry {n}", days_ago=n + 1) for n in range(105)]
    client = Client()
    sign_in_fully(client, coordinator)
    first = levels_seen(client, person)
    assert len(first) == 100
    assert str(made[0].pk) in first  # newest
    assert str(made[-1].pk) not in first  # oldest is on the next page
    html = client.get(f"/young-people/{person.pk}/?page=2").content.decode()
    assert f"/records/{made[-1].pk}/" in html


def test_each_timeline_entry_shows_what_its_level_allows_escaped_and_in_uk_time(
    make_user, person, coordinator
):
    worker = make_user(Role.PRACTITIONER, "csc")
    written = record(
        worker,
        person,
        title="Said <b>Uncle</b> & friends collect her",
        nature="allegation",
        classification="sensitive",
    )
    # 14:05 UTC on 1 July is 15:05 in London (British Summer Time).
    AgencyRecord.objects.filter(pk=written.pk).update(
        occurred_at=datetime(2026, 7, 1, 14, 5, tzinfo=UTC)
    )
    dsl = make_user(Role.PRACTITIONER, "school")
    for user in (worker, dsl):
        join_case_team(user, person, coordinator)

    client = Client()
    sign_in_fully(client, worker)
    html = client.get(f"/young-people/{person.pk}/").content.decode()
    assert "Said &lt;b&gt;Uncle&lt;/b&gt; &amp; friends collect her" in html
    assert "<b>Uncle</b>" not in html
    assert '<time datetime="2026-07-01T15:05:00+01:00">1 July 2026, 15:05</time>' in html
    assert 'govuk-tag--orange">Allegation</strong>' in html
    assert 'govuk-tag--red">Sensitive: case team only</strong>' in html

    # Children's social care shares a summary of its records with schools: no title, a contact.
    client = Client()
    sign_in_fully(client, dsl)
    html = client.get(f"/young-people/{person.pk}/").content.decode()
    assert levels_seen(client, person) == {str(written.pk): "Summary"}
    assert "Uncle" not in html
    assert "Summary only. For details contact" in html

"""MASE meetings: a VOLT agenda from the data, seen through the gate; minutes; actions carried
forward until done; and who may reach a meeting at all."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessment.models import Level as RiskLevel
from assessment.tests.helpers import assess, join_case_team
from cases.actions import do_complete_action, do_open_case
from cases.models import Action, ActionSource, ActionStatus
from cases.queries import actions_for_user
from governance import policy
from governance.actions import do_record_consent
from governance.models import AuditAction, AuditEvent, AuditOutcome, Level
from mase import volt
from mase.actions import (
    do_add_agenda_item,
    do_assign_meeting_action,
    do_prepare_agenda,
    do_record_minutes,
    do_set_meeting_status,
)
from mase.models import AgendaItem, ItemSource, Meeting, MeetingStatus, Section
from mase.tests.helpers import meeting
from partnership.models import Role, ServiceKind
from people.models import YoungPerson
from records.actions import LinkInput
from records.tests.helpers import record


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, "csc")


@pytest.fixture
def high_risk(coordinator):
    person = YoungPerson.objects.create(
        given_name="Riley",
        family_name="Highrisk",
        date_of_birth=date(2011, 2, 3),
        is_synthetic=True,
    )
    assess(
        coordinator,
        person,
        timezone.localdate() - timedelta(days=3),
        chosen=RiskLevel.HIGH,
        reason="Found with adults at the retail park twice; disclosed gifts from an older male.",
    )
    return person


def _agenda_text(client, pk):
    response = client.get(f"/mase/meetings/{pk}/")
    assert response.status_code == 200
    return response.content.decode()


# --- The agenda through the gate ---------------------------------------------------------


def test_a_high_risk_young_person_is_on_the_agenda_only_for_those_who_may_see_them(
    client, signed_in, make_user, agencies, coordinator, high_risk
):
    in_team = make_user(Role.PRACTITIONER, "school")
    join_case_team(in_team, high_risk)
    not_involved = make_user(Role.PRACTITIONER, "police")
    upcoming = meeting(coordinator, invite=(agencies["school"], agencies["police"]))
    do_prepare_agenda(actor=coordinator, meeting=upcoming)
    victim = AgendaItem.objects.get(meeting=upcoming, young_person=high_risk)
    assert victim.section == Section.VICTIMS
    assert "High risk" in victim.reason

    assert "Riley Highrisk" in _agenda_text(signed_in(coordinator), upcoming.pk)
    client.logout()
    assert "Riley Highrisk" in _agenda_text(signed_in(in_team), upcoming.pk)
    client.logout()
    page = _agenda_text(signed_in(not_involved), upcoming.pk)
    assert "Riley Highrisk" not in page
    assert "1 item about young people, places or records you may not see is not shown" in page
    response = client.get(f"/mase/items/{victim.pk}/")
    assert response.status_code == 404


def test_cases_due_review_are_victims_on_the_agenda(coordinator, make_user):
    person = YoungPerson.objects.create(
        given_name="Sam", family_name="Reviewdue", date_of_birth=date(2010, 5, 6), is_synthetic=True
    )
    do_open_case(actor=coordinator, young_person=person, lead=coordinator, review_every_days=7)
    upcoming = meeting(coordinator, days_from_now=3)
    do_prepare_agenda(actor=coordinator, meeting=upcoming)
    item = AgendaItem.objects.get(meeting=upcoming, young_person=person)
    assert item.section == Section.VICTIMS
    assert item.reason.startswith("Case review due")


def test_a_phone_linked_to_two_young_people_is_an_offender_item_with_live_figures(
    client, signed_in, make_user, agencies
):
    # Links are shown only with a record in full: police records reach social care in summary,
    # so here the police coordinator prepares the agenda.
    coordinator = make_user(Role.COORDINATOR, "police")
    officer = make_user(Role.PRACTITIONER, "police")
    phone = LinkInput("phone", "020 7946 0123", "Number saved as 'Uncle'")
    for given in ("Ash", "Blake"):
        person = YoungPerson.objects.create(
            given_name=given, family_name="Linked", date_of_birth=date(2011, 1, 1)
        )
        record(officer, person, title="Stopped in a car with an older male", links=[phone])
    upcoming = meeting(coordinator, invite=(agencies["police"],))
    do_prepare_agenda(actor=coordinator, meeting=upcoming)
    item = AgendaItem.objects.get(meeting=upcoming, section=Section.OFFENDERS)
    assert item.link_value == "+442079460123"
    assert "Uncle" in item.title
    page = _agenda_text(signed_in(officer), upcoming.pk)
    assert "Linked to 2 young people in 2 records you can see" in page
    client.logout()
    social_care = make_user(Role.COORDINATOR, "csc")
    page = _agenda_text(signed_in(social_care), upcoming.pk)
    assert "Uncle" not in page  # the records behind it are not theirs to see in full


def test_a_label_written_in_a_record_the_preparer_may_not_read_never_reaches_the_agenda(
    make_user, agencies
):
    # Police see a sexual health record only as "Health holds information", and a school's
    # record in summary: what the young person called the number, written there, is not theirs
    # to read (the record page shows links only in full).
    coordinator = make_user(Role.COORDINATOR, "police")
    officer = make_user(Role.PRACTITIONER, "police")
    nurse = make_user(Role.PRACTITIONER, "health", service=ServiceKind.SEXUAL_HEALTH)
    teacher = make_user(Role.PRACTITIONER, "school")
    number = "020 7946 0123"
    for given in ("Ash", "Blake"):
        person = YoungPerson.objects.create(
            given_name=given, family_name="Linked", date_of_birth=date(2011, 1, 1)
        )
        record(
            officer,
            person,
            title="Stopped in a car with an older male",
            links=[LinkInput("phone", number, "")],
        )
    clinic = record(
        nurse,
        person,
        title="Attended the clinic",
        links=[LinkInput("phone", number, "Saved as 'Daddy' by the young person")],
    )
    school = record(
        teacher,
        person,
        title="Phone taken in class",
        links=[LinkInput("phone", number, "Saved as 'Bae'")],
    )
    police = policy.viewer_for(coordinator, person)
    assert policy.level_of(police, clinic) == Level.EXISTENCE
    assert policy.level_of(police, school) == Level.SUMMARY
    upcoming = meeting(coordinator, invite=(agencies["police"],))
    do_prepare_agenda(actor=coordinator, meeting=upcoming)
    item = AgendaItem.objects.get(meeting=upcoming, section=Section.OFFENDERS)
    assert item.link_value == "+442079460123"
    assert item.title == "Phone +442079460123"

    # Someone who reads the clinic's record in full gets its label.
    sexual_health_lead = make_user(Role.COORDINATOR, "health", service=ServiceKind.SEXUAL_HEALTH)
    assert "Daddy" in volt._label(sexual_health_lead, "phone", "+442079460123")


def test_preparing_again_keeps_the_chairs_items_and_adds_nothing_twice(coordinator, high_risk):
    upcoming = meeting(coordinator)
    first = do_prepare_agenda(actor=coordinator, meeting=upcoming)
    do_add_agenda_item(
        actor=coordinator, meeting=upcoming, section=Section.OTHER, title="Date of next meeting"
    )
    again = do_prepare_agenda(actor=coordinator, meeting=upcoming)
    assert len(first) >= 1
    assert again == []
    assert upcoming.items.filter(source=ItemSource.ADDED).count() == 1


# --- Changing the agenda -----------------------------------------------------------------


def _titles(meeting_: Meeting, section: Section) -> list[str]:
    return list(
        meeting_.items.filter(section=section).order_by("position").values_list("title", flat=True)
    )


def test_the_chair_reorders_items_with_up_and_down(signed_in, coordinator):
    upcoming = meeting(coordinator)
    for title in ("First", "Second", "Third"):
        do_add_agenda_item(actor=coordinator, meeting=upcoming, section=Section.OTHER, title=title)
    third = upcoming.items.get(title="Third")
    client = signed_in(coordinator)
    response = client.post(f"/mase/items/{third.pk}/move/", {"direction": "up"})
    assert response.status_code == 302
    assert _titles(upcoming, Section.OTHER) == ["First", "Third", "Second"]
    client.post(f"/mase/items/{third.pk}/move/", {"direction": "up"})
    client.post(f"/mase/items/{third.pk}/move/", {"direction": "up"})  # already at the top
    assert _titles(upcoming, Section.OTHER) == ["Third", "First", "Second"]
    page = _agenda_text(client, upcoming.pk)
    assert page.index("Third") < page.index("First") < page.index("Second")
    assert AuditEvent.objects.filter(
        object_type="mase_agenda_item", object_id=str(third.pk), action=AuditAction.UPDATE
    ).exists()


def test_the_chair_adds_and_removes_an_item(signed_in, coordinator):
    upcoming = meeting(coordinator)
    client = signed_in(coordinator)
    response = client.post(
        f"/mase/meetings/{upcoming.pk}/items/new/",
        {"section": "locations", "title": "Takeaway on Canal Side", "reason": "Youth workers"},
    )
    assert response.status_code == 302
    added = upcoming.items.get()
    assert added.source == ItemSource.ADDED
    assert "Takeaway on Canal Side" in _agenda_text(client, upcoming.pk)
    response = client.post(f"/mase/items/{added.pk}/remove/")
    assert response.status_code == 302
    assert not upcoming.items.exists()


def test_an_item_with_minutes_cannot_be_removed(signed_in, coordinator):
    upcoming = meeting(coordinator)
    item = do_add_agenda_item(
        actor=coordinator, meeting=upcoming, section=Section.THEMES, title="Missing episodes"
    )
    do_record_minutes(actor=coordinator, item=item, minutes="Rising since the summer.")
    response = signed_in(coordinator).post(f"/mase/items/{item.pk}/remove/", follow=True)
    assert "part of the record" in response.content.decode()
    assert AgendaItem.objects.filter(pk=item.pk).exists()


def test_someone_who_is_not_the_coordinator_cannot_change_the_agenda(
    signed_in, make_user, agencies, coordinator
):
    practitioner = make_user(Role.PRACTITIONER, "school")
    upcoming = meeting(coordinator, invite=(agencies["school"],))
    item = do_add_agenda_item(
        actor=coordinator, meeting=upcoming, section=Section.OTHER, title="Keep me"
    )
    client = signed_in(practitioner)
    assert client.get(f"/mase/meetings/{upcoming.pk}/").status_code == 200
    assert client.post(f"/mase/items/{item.pk}/remove/").status_code == 404
    assert client.post(f"/mase/items/{item.pk}/move/", {"direction": "up"}).status_code == 404
    assert client.post(f"/mase/meetings/{upcoming.pk}/prepare/").status_code == 404
    assert client.post(f"/mase/meetings/{upcoming.pk}/items/new/", {}).status_code == 404
    assert client.get(f"/mase/meetings/{upcoming.pk}/attendance/").status_code == 404
    assert (
        client.post(f"/mase/meetings/{upcoming.pk}/status/", {"status": "cancelled"}).status_code
        == 404
    )
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    upcoming.refresh_from_db()
    assert upcoming.status == MeetingStatus.SCHEDULED


# --- Minutes, actions and carrying forward -----------------------------------------------


def test_minutes_and_decisions_are_recorded_per_item(signed_in, make_user, agencies, coordinator):
    upcoming = meeting(coordinator, invite=(agencies["school"],))
    item = do_add_agenda_item(
        actor=coordinator, meeting=upcoming, section=Section.THEMES, title="Online grooming"
    )
    client = signed_in(coordinator)
    response = client.post(
        f"/mase/items/{item.pk}/",
        {
            "form": "minutes",
            "minutes": "Schools report more approaches through gaming chat.",
            "decisions": "Awareness session for Year 8 parents.",
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.minuted_by == coordinator
    assert "Awareness session for Year 8 parents." in _agenda_text(client, upcoming.pk)
    client.logout()
    practitioner = make_user(Role.PRACTITIONER, "school")
    other = signed_in(practitioner)
    assert "gaming chat" in other.get(f"/mase/items/{item.pk}/").content.decode()
    response = other.post(f"/mase/items/{item.pk}/", {"form": "minutes", "minutes": "Changed"})
    assert response.status_code == 404
    item.refresh_from_db()
    assert item.minutes == "Schools report more approaches through gaming chat."


def test_an_action_agreed_at_a_meeting_is_a_tracked_action_for_the_agency(
    signed_in, make_user, agencies, coordinator
):
    owner = make_user(Role.PRACTITIONER, "charity")
    upcoming = meeting(coordinator)
    item = do_add_agenda_item(
        actor=coordinator, meeting=upcoming, section=Section.LOCATIONS, title="Retail park"
    )
    due = timezone.localdate() + timedelta(days=14)
    response = signed_in(coordinator).post(
        f"/mase/items/{item.pk}/",
        {
            "form": "action",
            "title": "Detached youth work at the retail park on Friday nights",
            "owner_agency": agencies["charity"].pk,
            "owner": owner.pk,
            "due_on": due.isoformat(),
        },
    )
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.source == ActionSource.MASE
    assert action.owner == owner
    assert action.due_on == due
    assert list(actions_for_user(owner)) == [action]


def test_open_actions_are_carried_to_the_next_meeting_and_done_ones_are_not(
    signed_in, agencies, coordinator, make_user
):
    last = meeting(coordinator, days_from_now=-28, invite=(agencies["police"],), present=True)
    do_set_meeting_status(actor=coordinator, meeting=last, status=MeetingStatus.HELD)
    item = do_add_agenda_item(
        actor=coordinator, meeting=last, section=Section.OFFENDERS, title="Adult known as Jay"
    )
    due = timezone.localdate() + timedelta(days=7)
    still_open = do_assign_meeting_action(
        actor=coordinator,
        item=item,
        title="Serve a child abduction warning notice",
        owner_agency=agencies["police"],
        due_on=due,
    )
    finished = do_assign_meeting_action(
        actor=coordinator,
        item=item,
        title="Licensing visit to the takeaway",
        owner_agency=agencies["housing"],
        due_on=due,
    )
    do_complete_action(actor=coordinator, action=finished, note="Visited with licensing on 3rd.")
    upcoming = meeting(coordinator, invite=(agencies["police"],))
    do_prepare_agenda(actor=coordinator, meeting=upcoming)
    carried = upcoming.items.filter(section=Section.CARRIED_FORWARD)
    assert [i.carried_action for i in carried] == [still_open]
    assert carried.get().source == ItemSource.CARRIED
    client = signed_in(coordinator)
    assert "Actions agreed at this meeting: 2 (1 done, 1 open)" in _agenda_text(client, last.pk)
    page = _agenda_text(client, upcoming.pk)
    assert "Actions carried forward" in page
    assert "Serve a child abduction warning notice" in page
    assert "Licensing visit to the takeaway" not in page
    still_open.refresh_from_db()
    assert still_open.status == ActionStatus.OPEN


def test_an_action_about_a_young_person_with_an_open_case_joins_that_case_plan(
    signed_in, agencies, coordinator, make_user, high_risk
):
    lead = make_user(Role.PRACTITIONER, "charity")
    case = do_open_case(actor=coordinator, young_person=high_risk, lead=lead)
    upcoming = meeting(coordinator, invite=(agencies["police"],))
    do_prepare_agenda(actor=coordinator, meeting=upcoming)
    item = AgendaItem.objects.get(meeting=upcoming, young_person=high_risk)
    action = do_assign_meeting_action(
        actor=coordinator,
        item=item,
        title="Return home interview by the youth worker",
        owner_agency=agencies["charity"],
        due_on=timezone.localdate() + timedelta(days=5),
    )
    assert action.case == case
    assert AuditEvent.objects.filter(object_type="mase_action", details__case=case.pk).exists()
    page = signed_in(lead).get(f"/cases/{case.pk}/").content.decode()
    plan = page.split(">Plan</h2>")[1].split("Case team</h2>")[0]
    assert "Return home interview by the youth worker" in plan
    assert "Other actions for this young person" not in plan


def test_an_action_about_no_young_person_or_one_without_a_case_belongs_to_no_case(
    agencies, coordinator, high_risk
):
    upcoming = meeting(coordinator, invite=(agencies["police"],))
    do_prepare_agenda(actor=coordinator, meeting=upcoming)
    about_person = AgendaItem.objects.get(meeting=upcoming, young_person=high_risk)
    about_adult = do_add_agenda_item(
        actor=coordinator, meeting=upcoming, section=Section.OFFENDERS, title="Adult known as Jay"
    )
    due = timezone.localdate() + timedelta(days=5)
    for item in (about_person, about_adult):
        action = do_assign_meeting_action(
            actor=coordinator,
            item=item,
            title="Share what is known with the MASH",
            owner_agency=agencies["police"],
            due_on=due,
        )
        assert action.case is None


# --- Meetings and attendance -------------------------------------------------------------


def test_the_coordinator_schedules_a_meeting_and_records_attendance(
    signed_in, agencies, coordinator, make_user
):
    client = signed_in(coordinator)
    day = timezone.localdate() + timedelta(days=10)
    response = client.post(
        "/mase/meetings/new/",
        {"day": day.isoformat(), "starts": "10:00", "chair": coordinator.pk, "place": "Room 4"},
    )
    assert response.status_code == 302
    made = Meeting.objects.get()
    assert made.chair == coordinator
    response = client.post(
        f"/mase/meetings/{made.pk}/attendance/",
        {"agency": agencies["charity"].pk, "name": "Youth worker", "presence": "present"},
    )
    assert "once the meeting has started" in response.content.decode()
    response = client.post(
        f"/mase/meetings/{made.pk}/attendance/",
        {"agency": agencies["charity"].pk, "name": "Youth worker", "presence": "invited"},
    )
    assert response.status_code == 302
    page = _agenda_text(client, made.pk)
    assert "Testshire Youth Charity" in page
    assert "Voluntary sector" in page


def test_a_meeting_in_the_future_cannot_be_marked_held(signed_in, coordinator):
    upcoming = meeting(coordinator)
    response = signed_in(coordinator).post(
        f"/mase/meetings/{upcoming.pk}/status/", {"status": "held"}, follow=True
    )
    assert "cannot be marked held before it starts" in response.content.decode()
    upcoming.refresh_from_db()
    assert upcoming.status == MeetingStatus.SCHEDULED


def test_the_index_lists_the_meetings_a_practitioners_agency_attends(
    signed_in, make_user, agencies, coordinator
):
    ours = meeting(coordinator, invite=(agencies["school"],))
    theirs = meeting(coordinator, days_from_now=14, invite=(agencies["police"],))
    client = signed_in(make_user(Role.PRACTITIONER, "school"))
    page = client.get("/mase/").content.decode()
    assert f"/mase/meetings/{ours.pk}/" in page
    assert f"/mase/meetings/{theirs.pk}/" not in page
    assert client.get(f"/mase/meetings/{theirs.pk}/").status_code == 404
    assert AuditEvent.objects.filter(
        object_type="mase_meeting", object_id=str(theirs.pk), outcome=AuditOutcome.REFUSED
    ).exists()


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (Role.COMMUNITY_PARTNER, "hotel"),
        (Role.ADMINISTRATOR, "council"),
        (Role.STRATEGIC_LEAD, "police"),
    ],
)
def test_roles_without_case_content_cannot_reach_a_meeting(
    signed_in, make_user, agencies, coordinator, role, agency
):
    upcoming = meeting(coordinator, invite=(agencies[agency],))
    item = do_add_agenda_item(
        actor=coordinator, meeting=upcoming, section=Section.OTHER, title="Anything"
    )
    client = signed_in(make_user(role, agency))
    assert client.get(f"/mase/meetings/{upcoming.pk}/").status_code == 404
    assert client.get(f"/mase/items/{item.pk}/").status_code == 404
    assert client.get("/mase/meetings/new/").status_code == 404
    expected_index = 200 if role == Role.STRATEGIC_LEAD else 404
    assert client.get("/mase/").status_code == expected_index


def test_every_meeting_view_is_audited(signed_in, coordinator):
    upcoming = meeting(coordinator)
    signed_in(coordinator).get(f"/mase/meetings/{upcoming.pk}/")
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="mase_meeting", object_id=str(upcoming.pk)
    ).exists()


def test_an_item_the_chair_adds_about_a_young_person_is_gated_like_the_rest(
    client, signed_in, make_user, agencies, coordinator
):
    person = YoungPerson.objects.create(
        given_name="Kai", family_name="Casework", date_of_birth=date(2010, 9, 9), is_synthetic=True
    )
    do_open_case(actor=coordinator, young_person=person, lead=coordinator)
    upcoming = meeting(coordinator, invite=(agencies["school"],))
    chair = signed_in(coordinator)
    assert "Kai Casework" in chair.get(f"/mase/meetings/{upcoming.pk}/items/new/").content.decode()
    response = chair.post(
        f"/mase/meetings/{upcoming.pk}/items/new/",
        {"section": "victims", "title": "Kai: placement breaking down", "young_person": person.pk},
    )
    assert response.status_code == 302
    assert upcoming.items.get().young_person == person
    client.logout()
    page = _agenda_text(signed_in(make_user(Role.PRACTITIONER, "school")), upcoming.pk)
    assert "placement breaking down" not in page


def test_a_young_person_whose_consent_blocks_sharing_is_not_put_on_the_agenda(
    coordinator, high_risk
):
    do_record_consent(
        actor=coordinator, young_person=high_risk, status="declined", next_steps_discussed=True
    )
    high_risk.refresh_from_db()
    assert high_risk.consent_blocks_sharing
    upcoming = meeting(coordinator)
    do_prepare_agenda(actor=coordinator, meeting=upcoming)
    assert not upcoming.items.filter(young_person=high_risk).exists()


def test_a_kind_of_record_that_is_rising_is_a_theme_with_this_period_against_the_last(
    signed_in, make_user
):
    chair = make_user(Role.COORDINATOR, "school")
    dsl = make_user(Role.PRACTITIONER, "school")
    person = YoungPerson.objects.create(
        given_name="Theo", family_name="Trend", date_of_birth=date(2011, 4, 4), is_synthetic=True
    )
    for days_ago in (5, 20, 40):
        record(dsl, person, days_ago=days_ago, title="Seen with older teenagers after school")
    record(dsl, person, days_ago=120, title="Late to school, would not say why")
    upcoming = meeting(chair)
    do_prepare_agenda(actor=chair, meeting=upcoming)
    theme = upcoming.items.get(section=Section.THEMES)
    assert theme.record_type is not None
    assert theme.record_type.code == "concern"
    assert theme.reason.startswith("Recorded more often")
    page = _agenda_text(signed_in(chair), upcoming.pk)
    assert "3 in the last three months against 1 in the three months before" in page


def test_an_agendas_cost_does_not_grow_with_its_items(make_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mase.volt import agenda_for

    chair = make_user(Role.COORDINATOR, "police")
    officer = make_user(Role.PRACTITIONER, "police")

    def agenda_with(phones: int) -> int:
        made = meeting(chair)
        for number in range(phones):
            link = LinkInput("phone", f"020 7946 0{number:03d}", f"Phone {number}")
            for given in ("Ash", "Blake"):
                person = YoungPerson.objects.create(
                    given_name=f"{given}{number}",
                    family_name="Linked",
                    date_of_birth=date(2011, 1, 1),
                )
                record(officer, person, title="Stopped in a car with an older male", links=[link])
                do_add_agenda_item(
                    actor=chair,
                    meeting=made,
                    section=Section.VICTIMS,
                    title=person.full_name,
                    young_person=person,
                )
        do_prepare_agenda(actor=chair, meeting=made)
        with CaptureQueriesContext(connection) as queries:
            agenda = agenda_for(officer, made)
        assert agenda.count + agenda.hidden == made.items.count()
        return len(queries)

    assert agenda_with(2) == agenda_with(6)

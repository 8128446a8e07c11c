"""The Eastbrook demo has a past MASE meeting with actions, disruption plans, an upcoming
meeting with its VOLT agenda, and partnership activity."""

from __future__ import annotations

import pytest

from cases.models import ActionSource, ActionStatus
from demo.eastbrook import Generator
from mase.models import (
    DisruptionOutcome,
    DisruptionPlan,
    Meeting,
    MeetingStatus,
    PartnershipActivity,
    Section,
)


@pytest.fixture
def town(db):
    return Generator(seed=2017, size="tiny").run()


def test_the_demo_has_a_held_meeting_with_done_and_open_actions(town):
    held = Meeting.objects.get(status=MeetingStatus.HELD)
    statuses = {link.action.status for link in held.actions.select_related("action")}
    assert statuses == {ActionStatus.DONE, ActionStatus.OPEN}
    assert all(link.action.source == ActionSource.MASE for link in held.actions.all())
    assert held.items.exclude(minutes="").exists()
    assert held.attendance.filter(agency__kind="voluntary_sector", presence="present").exists()


def test_the_upcoming_meeting_has_a_volt_agenda_with_the_open_actions_carried(town):
    upcoming = Meeting.objects.get(status=MeetingStatus.SCHEDULED)
    sections = set(upcoming.items.values_list("section", flat=True))
    assert {
        Section.CARRIED_FORWARD,
        Section.VICTIMS,
        Section.OFFENDERS,
        Section.LOCATIONS,
    } <= sections
    held = Meeting.objects.get(status=MeetingStatus.HELD)
    still_open = {
        link.action_id
        for link in held.actions.select_related("action")
        if link.action.status == ActionStatus.OPEN
    }
    carried = set(
        upcoming.items.filter(section=Section.CARRIED_FORWARD).values_list(
            "carried_action_id", flat=True
        )
    )
    assert carried == still_open


def test_the_demo_has_disruption_outcomes_and_partnership_activity(town):
    assert DisruptionPlan.objects.count() == 2
    outcomes = set(DisruptionPlan.objects.values_list("actions__outcome", flat=True))
    assert DisruptionOutcome.ACHIEVED in outcomes
    assert DisruptionOutcome.NOT_YET in outcomes
    assert PartnershipActivity.objects.filter(organisations__kind="business").exists()
    assert not PartnershipActivity.objects.filter(is_synthetic=False).exists()
    assert not Meeting.objects.filter(is_synthetic=False).exists()


def _sign_in(client, username):
    from conftest import current_code, device_of
    from demo.eastbrook import DEMO_PASSWORD
    from partnership.models import User

    user = User.objects.get(username=username)
    client.post("/sign-in/", {"username": username, "password": DEMO_PASSWORD})
    response = client.post("/sign-in/code/", {"code": current_code(device_of(user))})
    assert response.status_code == 302
    return client


def test_the_upcoming_agenda_renders_and_a_case_team_member_sees_less_than_the_chair(client, town):
    upcoming = Meeting.objects.get(status=MeetingStatus.SCHEDULED)
    chair_page = _sign_in(client, "police.coordinator").get(f"/mase/meetings/{upcoming.pk}/")
    assert chair_page.status_code == 200
    client.post("/sign-out/")
    member_page = _sign_in(client, "safesteps.practitioner").get(f"/mase/meetings/{upcoming.pk}/")
    assert member_page.status_code == 200
    chair_text, member_text = chair_page.content.decode(), member_page.content.decode()
    assert "Victims" in chair_text
    assert member_text.count("/mase/items/") < chair_text.count("/mase/items/")
    assert "you may not see" in member_text

"""Disruption plans against persons of interest, places and businesses, with outcomes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import ActionSource, ActionStatus
from cases.queries import actions_for_user
from mase.actions import (
    do_add_disruption_action,
    do_create_disruption_plan,
    do_prepare_agenda,
)
from mase.models import (
    AgendaItem,
    DisruptionAction,
    DisruptionKind,
    DisruptionOutcome,
    DisruptionPlan,
    PlanStatus,
    Section,
    TargetKind,
)
from mase.tests.helpers import meeting
from partnership.models import Role


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, "csc")


@pytest.fixture
def plan(coordinator, agencies):
    return do_create_disruption_plan(
        actor=coordinator,
        target_kind=TargetKind.PERSON,
        target="Adult known as 'Jay', grey hatchback",
        lead_agency=agencies["police"],
        aim="Stop contact with the young people named at MASE.",
    )


def _cawn(coordinator, plan, agencies):
    return do_add_disruption_action(
        actor=coordinator,
        plan=plan,
        kind=DisruptionKind.ABDUCTION_WARNING,
        title="Serve a child abduction warning notice",
        owner_agency=agencies["police"],
        due_on=timezone.localdate() + timedelta(days=7),
    )


def test_a_disruption_action_is_a_tracked_action_for_the_owning_agency(
    make_user, coordinator, plan, agencies
):
    disruption = _cawn(coordinator, plan, agencies)
    assert disruption.action.source == ActionSource.DISRUPTION
    officer = make_user(Role.PRACTITIONER, "police")
    assert disruption.action in actions_for_user(officer)


def test_the_owning_agency_records_the_outcome_and_the_action_is_done(
    signed_in, make_user, coordinator, plan, agencies
):
    disruption = _cawn(coordinator, plan, agencies)
    officer = make_user(Role.PRACTITIONER, "police")
    client = signed_in(officer)
    assert (
        f"/mase/disruption/actions/{disruption.pk}/outcome/"
        in client.get(f"/mase/disruption/{plan.pk}/").content.decode()
    )
    response = client.post(
        f"/mase/disruption/actions/{disruption.pk}/outcome/",
        {"outcome": "achieved", "note": "Served in person on Tuesday; he signed it."},
    )
    assert response.status_code == 302
    disruption.refresh_from_db()
    assert disruption.outcome == DisruptionOutcome.ACHIEVED
    assert disruption.outcome_by == officer
    assert disruption.action.status == ActionStatus.DONE
    page = client.get(f"/mase/disruption/{plan.pk}/").content.decode()
    assert "Achieved what was intended" in page
    assert "Served in person on Tuesday" in page


def test_a_disruption_not_pursued_cancels_its_action(signed_in, coordinator, plan, agencies):
    disruption = _cawn(coordinator, plan, agencies)
    signed_in(coordinator).post(
        f"/mase/disruption/actions/{disruption.pk}/outcome/",
        {"outcome": "not_pursued", "note": "He left the area; notice no longer needed."},
    )
    disruption.refresh_from_db()
    assert disruption.outcome == DisruptionOutcome.NOT_PURSUED
    assert disruption.action.status == ActionStatus.CANCELLED


def test_an_outcome_needs_a_note(signed_in, coordinator, plan, agencies):
    disruption = _cawn(coordinator, plan, agencies)
    response = signed_in(coordinator).post(
        f"/mase/disruption/actions/{disruption.pk}/outcome/", {"outcome": "partly", "note": ""}
    )
    assert "Say what happened" in response.content.decode()
    disruption.refresh_from_db()
    assert disruption.outcome == DisruptionOutcome.NOT_YET


def test_another_agency_cannot_record_the_outcome_or_see_the_plan(
    signed_in, make_user, coordinator, plan, agencies
):
    disruption = _cawn(coordinator, plan, agencies)
    client = signed_in(make_user(Role.PRACTITIONER, "school"))
    assert client.get(f"/mase/disruption/{plan.pk}/").status_code == 404
    response = client.post(
        f"/mase/disruption/actions/{disruption.pk}/outcome/",
        {"outcome": "achieved", "note": "Not mine to say"},
    )
    assert response.status_code == 404
    disruption.refresh_from_db()
    assert disruption.outcome == DisruptionOutcome.NOT_YET


def test_the_coordinator_opens_a_plan_adds_a_licensing_visit_and_closes_it(
    signed_in, coordinator, agencies
):
    client = signed_in(coordinator)
    response = client.post(
        "/mase/disruption/new/",
        {
            "target_kind": "business",
            "target": "Takeaway on Canal Side",
            "aim": "Stop young people being given food and alcohol after hours.",
            "lead_agency": agencies["housing"].pk,
        },
    )
    assert response.status_code == 302
    made = DisruptionPlan.objects.get()
    response = client.post(
        f"/mase/disruption/{made.pk}/",
        {
            "form": "action",
            "kind": "licensing_visit",
            "title": "Joint licensing visit with trading standards",
            "owner_agency": agencies["housing"].pk,
            "due_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302
    assert DisruptionAction.objects.get().kind == DisruptionKind.LICENSING_VISIT
    response = client.post(f"/mase/disruption/{made.pk}/", {"form": "close", "note": "Done."})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == PlanStatus.CLOSED


def test_an_active_plan_is_on_the_next_agenda(coordinator, plan):
    upcoming = meeting(coordinator)
    do_prepare_agenda(actor=coordinator, meeting=upcoming)
    item = AgendaItem.objects.get(meeting=upcoming, disruption_plan=plan)
    assert item.section == Section.OFFENDERS


def test_only_the_coordinator_opens_plans(signed_in, make_user, agencies):
    client = signed_in(make_user(Role.ANALYST, "police"))
    assert client.get("/mase/disruption/").status_code == 200
    assert client.get("/mase/disruption/new/").status_code == 404


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (Role.COMMUNITY_PARTNER, "hotel"),
        (Role.ADMINISTRATOR, "council"),
        (Role.STRATEGIC_LEAD, "police"),
    ],
)
def test_roles_without_case_content_get_404_on_disruption(
    signed_in, make_user, coordinator, plan, agencies, role, agency
):
    disruption = _cawn(coordinator, plan, agencies)
    client = signed_in(make_user(role, agency))
    assert client.get("/mase/disruption/").status_code == 404
    assert client.get(f"/mase/disruption/{plan.pk}/").status_code == 404
    assert client.get(f"/mase/disruption/actions/{disruption.pk}/outcome/").status_code == 404

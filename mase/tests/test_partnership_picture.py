"""The strategic picture: attendance by agency (is the voluntary sector there?) and training and
community-awareness sessions with simple totals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.models import AuditAction, AuditEvent
from mase.actions import do_record_activity, do_record_attendance, do_set_meeting_status
from mase.models import ActivityKind, PartnershipActivity
from mase.queries import Period, activity_in, attendance_report
from mase.tests.helpers import meeting
from partnership.models import Role


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, "csc")


def test_attendance_by_agency_counts_present_and_apologies_over_held_meetings(
    agencies, coordinator
):
    police, charity, health = agencies["police"], agencies["charity"], agencies["health"]
    for days_ago in (10, 40):
        made = meeting(coordinator, days_from_now=-days_ago)
        do_record_attendance(
            actor=coordinator, meeting=made, agency=police, name="DS Test", presence="present"
        )
        do_record_attendance(
            actor=coordinator,
            meeting=made,
            agency=charity,
            name="Youth worker",
            presence="present" if days_ago == 10 else "apologies",
        )
        do_set_meeting_status(actor=coordinator, meeting=made, status="held")
    meeting(coordinator, days_from_now=-5)  # never held: not counted
    report = attendance_report(Period.last_months(3))
    rows = {row.agency.short_name: row for row in report.rows}
    assert report.held == 2
    assert (rows["POL"].present, rows["POL"].apologies, rows["POL"].absent) == (2, 0, 0)
    assert (rows["VOL"].present, rows["VOL"].apologies, rows["VOL"].absent) == (1, 1, 0)
    assert (rows[health.short_name].present, rows[health.short_name].absent) == (0, 2)
    assert report.voluntary_meetings == 1
    assert "HTL" not in rows  # community partners are not MASE members


def test_the_attendance_report_shows_each_agencys_kind(signed_in, agencies, coordinator):
    made = meeting(coordinator, days_from_now=-3)
    do_record_attendance(
        actor=coordinator, meeting=made, agency=agencies["charity"], name="Rep", presence="present"
    )
    do_set_meeting_status(actor=coordinator, meeting=made, status="held")
    page = signed_in(coordinator).get("/mase/attendance/").content.decode()
    assert "Testshire Youth Charity" in page
    assert "Voluntary sector" in page
    assert "The voluntary sector was present at 1 of 1 meeting" in page


def test_activity_totals_by_kind_and_period(agencies, coordinator):
    today = timezone.localdate()
    do_record_activity(
        actor=coordinator,
        held_on=today - timedelta(days=20),
        title="Spotting exploitation: hotel staff",
        kind=ActivityKind.COMMUNITY_AWARENESS,
        delivered_by_agency=agencies["police"],
        attendees=14,
        businesses="Riverside Lodge\nStation B&B\nriverside lodge",
    )
    do_record_activity(
        actor=coordinator,
        held_on=today - timedelta(days=5),
        title="Assemblies on healthy relationships",
        kind=ActivityKind.COMMUNITY_AWARENESS,
        delivered_by_agency=agencies["charity"],
        attendees=120,
        schools="Eastfield Academy\nBrook Primary",
    )
    do_record_activity(
        actor=coordinator,
        held_on=today - timedelta(days=2),
        title="Multi-agency CSE training",
        kind=ActivityKind.TRAINING,
        delivered_by_agency=agencies["csc"],
        attendees=25,
    )
    do_record_activity(
        actor=coordinator,
        held_on=today - timedelta(days=200),
        title="Last year's training",
        kind=ActivityKind.TRAINING,
        delivered_by_agency=agencies["csc"],
        attendees=30,
    )
    summary = activity_in(Period(since=today - timedelta(days=30), until=today))
    totals = {total.label: total for total in summary.by_kind}
    awareness = totals[ActivityKind.COMMUNITY_AWARENESS.label]
    assert (awareness.sessions, awareness.attendees) == (2, 134)
    assert (awareness.businesses, awareness.schools) == (2, 2)  # the repeated name counts once
    training = totals[ActivityKind.TRAINING.label]
    assert (training.sessions, training.attendees) == (1, 25)
    assert (summary.total.sessions, summary.total.attendees) == (3, 159)


def test_the_coordinator_records_a_session_and_it_is_listed(signed_in, agencies, coordinator):
    client = signed_in(coordinator)
    response = client.post(
        "/mase/activity/new/",
        {
            "held_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "title": "Taxi drivers' awareness evening",
            "kind": "community_awareness",
            "delivered_by_agency": agencies["charity"].pk,
            "delivered_by_name": "Safe Steps outreach team",
            "attendees": "18",
            "businesses": "Brook Cars\nCity Taxis",
            "schools": "",
        },
    )
    assert response.status_code == 302
    page = client.get("/mase/activity/").content.decode()
    assert "Taxi drivers&#x27; awareness evening" in page
    assert "Brook Cars (business)" in page
    assert AuditEvent.objects.filter(
        action=AuditAction.LIST, object_type="partnership_activity"
    ).exists()


def test_a_session_in_the_future_or_with_negative_attendance_is_refused(
    signed_in, agencies, coordinator
):
    response = signed_in(coordinator).post(
        "/mase/activity/new/",
        {
            "held_on": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "title": "Not yet",
            "kind": "training",
            "delivered_by_agency": agencies["csc"].pk,
            "attendees": "10",
        },
    )
    assert "once it has been held" in response.content.decode()
    assert not PartnershipActivity.objects.exists()


def test_a_strategic_lead_sees_attendance_and_activity_but_cannot_record(
    signed_in, make_user, agencies
):
    client = signed_in(make_user(Role.STRATEGIC_LEAD, "police"))
    assert client.get("/mase/attendance/").status_code == 200
    assert client.get("/mase/activity/").status_code == 200
    assert client.get("/mase/activity/new/").status_code == 404
    assert client.get("/mase/disruption/").status_code == 404


@pytest.mark.parametrize(
    ("role", "agency"), [(Role.COMMUNITY_PARTNER, "hotel"), (Role.ADMINISTRATOR, "council")]
)
def test_partners_and_administrators_get_404_on_the_picture(signed_in, make_user, role, agency):
    client = signed_in(make_user(role, agency))
    assert client.get("/mase/attendance/").status_code == 404
    assert client.get("/mase/activity/").status_code == 404
    assert client.get("/mase/activity/new/").status_code == 404


def test_a_practitioner_cannot_record_a_session(signed_in, make_user, agencies):
    client = signed_in(make_user(Role.PRACTITIONER, "school"))
    response = client.post(
        "/mase/activity/new/",
        {
            "held_on": timezone.localdate().isoformat(),
            "title": "Unofficial",
            "kind": "training",
            "delivered_by_agency": agencies["school"].pk,
            "attendees": "3",
        },
    )
    assert response.status_code == 404
    assert not PartnershipActivity.objects.exists()

"""MASE pages meet WCAG 2.2 AA as far as axe-core can tell, in a real browser, and the chair
runs a meeting with plain forms: reorder, minutes, an action, a disruption outcome."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from mase.actions import (
    do_add_agenda_item,
    do_add_disruption_action,
    do_create_disruption_plan,
    do_record_activity,
    do_record_attendance,
)
from mase.models import ActivityKind, DisruptionKind, Section, TargetKind
from mase.tests.helpers import meeting
from partnership.models import Role
from tests.browser.conftest import AxeCheck, MakeUser, SignIn

pytestmark = pytest.mark.browser


def test_the_chair_runs_a_meeting_and_the_pages_are_accessible(
    page: Page, agencies, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    chair = make_user(Role.COORDINATOR)
    upcoming = meeting(chair, days_from_now=-1)
    do_record_attendance(
        actor=chair, meeting=upcoming, agency=agencies["police"], name="DS Test", presence="present"
    )
    for title in ("Hotel on the ring road", "Takeaway on Canal Side"):
        do_add_agenda_item(actor=chair, meeting=upcoming, section=Section.LOCATIONS, title=title)
    plan = do_create_disruption_plan(
        actor=chair,
        target_kind=TargetKind.PERSON,
        target="Adult known as 'Jay'",
        lead_agency=agencies["police"],
    )
    do_add_disruption_action(
        actor=chair,
        plan=plan,
        kind=DisruptionKind.ABDUCTION_WARNING,
        title="Serve a child abduction warning notice",
        owner_agency=agencies["police"],
        due_on=timezone.localdate() + timedelta(days=7),
    )
    do_record_activity(
        actor=chair,
        held_on=timezone.localdate() - timedelta(days=3),
        title="Taxi drivers' evening",
        kind=ActivityKind.COMMUNITY_AWARENESS,
        delivered_by_agency=agencies["youth_charity"],
        attendees=12,
        businesses="Brook Cars",
    )
    sign_in.fully(page, chair)

    page.goto("/mase/")
    expect(page.get_by_role("heading", level=1)).to_have_text("MASE meetings")
    assert_accessible(page)

    page.goto(f"/mase/meetings/{upcoming.pk}/")
    assert_accessible(page)
    takeaway = upcoming.items.get(title="Takeaway on Canal Side")
    page.get_by_role("button", name=re.compile(r"^Up\W+Takeaway on Canal Side")).click()
    items = page.locator("ol.govuk-list--number > li > a.govuk-link")
    expect(items.first).to_have_text("Takeaway on Canal Side")
    # With htmx the agenda is swapped in place and the keyboard focus stays on the button.
    expect(page.locator(f"#up-{takeaway.pk}")).to_be_focused()

    items.first.click()
    assert_accessible(page)
    page.get_by_label("Minutes").fill("Young people seen there late at night.")
    page.get_by_role("button", name="Save minutes").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("seen there late at night")
    page.get_by_role("button", name="Assign action").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say what needs doing")
    assert_accessible(page)

    page.goto(f"/mase/meetings/{upcoming.pk}/attendance/")
    assert_accessible(page)
    page.goto(f"/mase/meetings/{upcoming.pk}/items/new/")
    assert_accessible(page)
    page.goto("/mase/meetings/new/")
    assert_accessible(page)

    page.goto(f"/mase/disruption/{plan.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="record the outcome").click()
    assert_accessible(page)
    page.get_by_label("Achieved what was intended").check()
    page.get_by_label("What happened").fill("Served in person.")
    page.get_by_role("button", name="Record outcome").click()
    expect(page.locator("table")).to_contain_text("Achieved what was intended")

    for path in (
        "/mase/attendance/",
        "/mase/activity/",
        "/mase/activity/new/",
        "/mase/disruption/",
    ):
        page.goto(path)
        assert_accessible(page)

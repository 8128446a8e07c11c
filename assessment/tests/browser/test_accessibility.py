"""The screening tool's pages meet WCAG 2.2 AA as far as axe-core can tell, in a real browser,
and the assessment can be made with the keyboard-free plain form (no script needed)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from assessment.models import Level
from assessment.tests.helpers import assess, join_case_team, person
from partnership.models import Role
from tests.browser.conftest import AxeCheck, MakeUser, SignIn

pytestmark = pytest.mark.browser


def test_the_history_the_form_and_an_assessment(
    page: Page, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    today = timezone.localdate()
    young = person(today - timedelta(days=15 * 366), given="Casey")
    assess(coordinator, young, today - timedelta(days=250))
    assess(coordinator, young, today - timedelta(days=180), present=("school_absence",))
    made = assess(
        coordinator,
        young,
        today - timedelta(days=100),
        present=("older_associates", "hotels_taxis", "missing_episodes"),
    )
    sign_in.fully(page, coordinator)

    page.goto(f"/young-people/{young.pk}/")
    page.get_by_role("link", name="CSE screening tool: assessments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CSE screening assessments")
    expect(page.get_by_test_id("overdue")).to_be_visible()
    expect(page.locator(".tessera-trend__point")).to_have_count(3)
    assert_accessible(page)

    page.get_by_role("link", name=f"{made.assessed_on.day} {made.assessed_on:%b %Y}").click()
    expect(page.get_by_test_id("chosen")).to_have_text("High")
    assert_accessible(page)

    page.goto(f"/assessments/young-person/{young.pk}/new/")
    assert_accessible(page)
    for fieldset in page.locator("div.tessera-indicator").all():
        fieldset.get_by_label("Not present", exact=True).check()
    page.get_by_role("button", name="Work out the suggested level").click()
    expect(page.get_by_test_id("suggestion")).to_have_attribute("data-level", "not_apparent")
    page.get_by_label("Medium", exact=True).check()
    page.get_by_role("button", name="Save assessment").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why you chose medium")
    assert_accessible(page)
    page.get_by_label("Why your level differs from the suggestion (if it does)").fill(
        "Her sister is exploited by the same group."
    )
    page.get_by_role("button", name="Save assessment").click()
    expect(page.get_by_test_id("chosen")).to_have_text("Medium")


def test_the_due_list_and_the_tool_pages(
    page: Page, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    young = person(timezone.localdate() - timedelta(days=14 * 366), given="Riley")
    assess(
        coordinator,
        young,
        timezone.localdate() - timedelta(days=120),
        chosen=Level.LOW,
        reason="Known to be in contact with older males online.",
    )
    sign_in.fully(page, coordinator)
    page.goto("/assessments/due/")
    expect(page.get_by_test_id("due")).to_contain_text("Riley")
    assert_accessible(page)
    page.goto("/assessments/tool/")
    assert_accessible(page)
    page.get_by_role("link", name="Change indicators, weights or thresholds").click()
    assert_accessible(page)
    page.get_by_role("button", name="Save as a new version").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Say why the tool is changing")
    assert_accessible(page)


def test_a_practitioner_in_the_case_team_can_assess(
    page: Page, make_user: MakeUser, sign_in: SignIn
) -> None:
    practitioner = make_user(Role.PRACTITIONER)
    young = person(date(2012, 1, 1), given="Jordan")
    join_case_team(practitioner, young)
    sign_in.fully(page, practitioner)
    page.goto(f"/assessments/young-person/{young.pk}/")
    page.get_by_role("link", name="Assess with the screening tool").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CSE screening assessment")

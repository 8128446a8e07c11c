"""Alerts in a real browser: the coordinator reads an alert's evidence, some of it only as
"holds a linked record", and accepts it into a referral to the MASH; a school's designated
safeguarding lead sees no alert about a young person they do not work with. Every page passes
axe (the other alerts pages are in test_accessibility_casework_and_matching.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings

from alerts.models import AlertStatus
from partnership.models import Agency
from referrals.models import Referral
from tests.browser import scenario_data
from tests.browser.conftest import AxeCheck, MakeUser, SignIn

pytestmark = pytest.mark.browser


@pytest.fixture
def scenario(
    agencies: dict[str, Agency],
    make_user: MakeUser,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
) -> scenario_data.Scenario:
    settings.PPRL_SECRET = "synthetic-browser-test-pprl-partnership-secret"
    return scenario_data.build(agencies, make_user, tmp_path, monkeypatch)


def test_the_coordinator_reads_the_evidence_and_accepts_an_alert_into_a_referral(
    page: Page, sign_in: SignIn, scenario: scenario_data.Scenario, assert_accessible: AxeCheck
) -> None:
    alert = scenario.alert
    sign_in.fully(page, scenario.coordinator)
    page.get_by_role("link", name="Alerts", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alerts")
    assert_accessible(page)
    page.locator(f'main a[href="/alerts/{alert.pk}/"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text(alert.rule.name)
    evidence = page.locator("table.govuk-table")
    # Health's sexual health record: only that it exists, and whom to ask.
    expect(evidence).to_contain_text("EHNT holds a linked record")
    expect(evidence).not_to_contain_text("Attended the clinic with an older male")
    # The school's record at summary (type and date), the coordinator's own agency's in full.
    expect(evidence).to_contain_text("Eastbrook Academy")
    expect(evidence).not_to_contain_text("Left after registration with an older girl")
    expect(evidence).to_contain_text("Seen at the retail park late at night")
    expect(page.locator("main")).to_contain_text("prompt for professional curiosity")
    expect(page.locator("main")).not_to_contain_text("risk score")
    assert_accessible(page)

    page.get_by_role("link", name="Accept: refer to the MASH").click()
    page.get_by_label("Consented", exact=True).check()
    page.get_by_label("Lawful basis for sharing").select_option("consent")
    page.locator("input[name=next_steps_discussed][value=yes]").check()
    assert_accessible(page)
    page.get_by_role("button", name="Accept and send the referral").click()
    page.wait_for_load_state()
    assert page.locator(".govuk-error-summary").count() == 0
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACCEPTED
    assert alert.referral_id is not None
    referral = Referral.objects.get(pk=alert.referral_id)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(referral.receipt)
    expect(page.locator("main")).to_contain_text(f"{referral.receipt} to ")
    assert_accessible(page)


def test_a_school_dsl_sees_no_alert_about_a_young_person_they_do_not_work_with(
    page: Page, sign_in: SignIn, scenario: scenario_data.Scenario, assert_accessible: AxeCheck
) -> None:
    sign_in.fully(page, scenario.practitioner)  # the school's DSL, lead on Casey's case
    page.goto("/alerts/")
    queue = page.locator("main")
    expect(queue).to_contain_text("Casey Synthetic-Example")
    expect(queue).not_to_contain_text("Robin Synthetic-Alert")
    assert_accessible(page)
    response = page.goto(f"/alerts/{scenario.unrelated_alert.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("main")).not_to_contain_text("Robin")

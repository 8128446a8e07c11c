"""Signing in with two factors in a real browser, and what each role reaches afterwards."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings

from partnership.models import Role
from people.models import Gender, YoungPerson
from tests.browser.conftest import MakeUser, SignIn

pytestmark = pytest.mark.browser

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "images" / "home.png"


@pytest.mark.parametrize(
    ("role", "title", "agency"),
    [
        (Role.PRACTITIONER, "Your young people", "Eastbrook Academy"),
        (Role.MASH_SCREENER, "Referrals to screen", "Eastbrook Children's Social Care"),
        (Role.IG_OFFICER, "Information governance", "Eastbrook Health NHS Trust"),
    ],
    ids=["practitioner-at-a-school", "mash-screener-at-social-care", "ig-officer-at-health"],
)
def test_each_role_signs_in_with_both_factors_to_its_own_home_page(
    page: Page, make_user: MakeUser, sign_in: SignIn, role: Role, title: str, agency: str
) -> None:
    user = make_user(role)

    sign_in.with_password(page, user)
    expect(page).to_have_url(f"{sign_in.live_server_url}/sign-in/code/?next=%2F")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")

    sign_in.with_code(page, user)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page).to_have_title(f"{title} \N{EN DASH} Tessera")
    header = page.locator(".tessera-header")
    expect(header.locator(".tessera-header__who")).to_have_text(user.get_full_name())
    expect(header.locator(".tessera-header__where")).to_have_text(f"{agency} · {role.label}")
    expect(header.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_community_partner_reaches_its_home_page_and_nothing_else(
    page: Page, make_user: MakeUser, sign_in: SignIn
) -> None:
    young_person = YoungPerson.objects.create(
        given_name="Casey",
        family_name="Example",
        date_of_birth=date(2010, 5, 17),
        gender=Gender.NOT_KNOWN,
        is_synthetic=True,
    )
    user = make_user(Role.COMMUNITY_PARTNER)

    sign_in.fully(page, user)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Tell the partnership about a concern"
    )
    expect(page.locator(".tessera-header__where")).to_have_text(
        "Station Road Hotel · Community partner"
    )
    expect(page.get_by_role("link", name="Young people")).to_have_count(0)

    for path in ("/young-people/", f"/young-people/{young_person.pk}/", "/no-such-page/"):
        response = page.goto(path)
        assert response is not None
        assert response.status == 404, path
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(page.get_by_text("Casey")).to_have_count(0)


def test_a_password_alone_is_sent_back_for_the_code(
    page: Page, make_user: MakeUser, sign_in: SignIn
) -> None:
    user = make_user(Role.PRACTITIONER)
    sign_in.with_password(page, user)

    page.goto("/")

    expect(page).to_have_url(f"{sign_in.live_server_url}/sign-in/code/?next=%2F")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    expect(page.get_by_role("link", name="Home")).to_have_count(0)


def test_a_wrong_password_shows_an_error_summary_that_takes_focus(
    page: Page, make_user: MakeUser, sign_in: SignIn
) -> None:
    user = make_user(Role.PRACTITIONER)

    sign_in.with_password(page, user, password="not-the-password")

    expect(page).to_have_url(f"{sign_in.live_server_url}/sign-in/")
    expect(page).to_have_title("Error: Sign in \N{EN DASH} Tessera")
    summary = page.locator(".govuk-error-summary")
    # GOV.UK Frontend's JavaScript moves focus to the summary: proof that init.js ran under the CSP.
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        "Enter a correct username and password. Both are case-sensitive."
    )


def test_signing_out_ends_the_session(page: Page, make_user: MakeUser, sign_in: SignIn) -> None:
    user = make_user(Role.MASH_SCREENER)
    sign_in.fully(page, user)

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(f"{sign_in.live_server_url}/sign-in/")
    expect(page.get_by_role("alert")).to_contain_text("You have signed out.")
    page.goto("/")
    expect(page).to_have_url(f"{sign_in.live_server_url}/sign-in/?next=%2F")


def test_the_demo_shows_the_code_on_screen_and_it_signs_you_in(
    page: Page, make_user: MakeUser, sign_in: SignIn, settings: Settings
) -> None:
    settings.TESSERA_DEMO_MODE = True
    user = make_user(Role.PRACTITIONER)
    sign_in.with_password(page, user)

    code = page.get_by_test_id("demo-code").inner_text()
    page.get_by_label("Security code").fill(code)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your young people")
    expect(page.locator(".tessera-demo-banner")).to_contain_text("Every person, place and record")
    if os.environ.get("TESSERA_SCREENSHOTS") == "1":
        # The README's picture of the home page: synthetic people only.
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT), full_page=True)

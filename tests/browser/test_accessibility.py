"""Every page meets WCAG 2.2 AA as far as axe-core can tell, in a real browser."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings

from partnership.actions import do_issue_enrolment_code
from partnership.models import Role
from people.models import Gender, YoungPerson
from tests.browser.conftest import AxeCheck, MakeUser, SignIn

pytestmark = pytest.mark.browser


def synthetic_young_people() -> list[YoungPerson]:
    return [
        YoungPerson.objects.create(
            given_name=given,
            family_name=family,
            date_of_birth=born,
            gender=gender,
            postcode=postcode,
            is_synthetic=True,
        )
        for given, family, born, gender, postcode in [
            ("Casey", "Example", date(2010, 5, 17), Gender.GIRL, "EB1 2AB"),
            ("Jordan", "Sample", date(2009, 11, 2), Gender.BOY, ""),
            ("Riley", "Madeup", date(2011, 1, 30), Gender.NON_BINARY, "EB4 7QT"),
        ]
    ]


def test_the_sign_in_page(page: Page, assert_accessible: AxeCheck) -> None:
    page.goto("/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Tessera")
    assert_accessible(page)


def test_the_sign_in_page_with_errors(
    page: Page, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    sign_in.with_password(page, make_user(Role.PRACTITIONER), password="not-the-password")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_the_sign_in_page_with_nothing_filled_in(page: Page, assert_accessible: AxeCheck) -> None:
    page.goto("/sign-in/")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_the_code_page(
    page: Page, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    sign_in.with_password(page, make_user(Role.PRACTITIONER))
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your security code")
    assert_accessible(page)


def test_the_code_page_with_an_error(
    page: Page, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    sign_in.with_password(page, make_user(Role.PRACTITIONER))
    page.get_by_label("Security code").fill("12ab")
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator(".govuk-error-message")).to_contain_text("6 digits")
    assert_accessible(page)


def test_the_code_page_in_the_demo(
    page: Page,
    make_user: MakeUser,
    sign_in: SignIn,
    assert_accessible: AxeCheck,
    settings: Settings,
) -> None:
    settings.TESSERA_DEMO_MODE = True
    sign_in.with_password(page, make_user(Role.PRACTITIONER))
    expect(page.get_by_test_id("demo-code")).to_have_text(re.compile(r"^\d{6}$"))
    expect(page.locator(".tessera-demo-banner")).to_be_visible()
    assert_accessible(page)


def test_setting_up_an_authenticator_app(
    page: Page, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    user = make_user(Role.PRACTITIONER, with_device=False)
    enrolment_code = do_issue_enrolment_code(actor=None, user=user)
    sign_in.with_password(page, user)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up your authenticator app")
    assert_accessible(page)
    page.get_by_label("Enrolment code").fill(enrolment_code)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".tessera-qr")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("role", list(Role), ids=[role.value for role in Role])
def test_the_home_page_of_every_role(
    page: Page, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck, role: Role
) -> None:
    user = make_user(role)
    sign_in.fully(page, user)
    expect(page.locator(".tessera-header__where")).to_contain_text(role.label)
    assert_accessible(page)


def test_the_home_page_in_the_demo_on_a_phone(
    page: Page,
    make_user: MakeUser,
    sign_in: SignIn,
    assert_accessible: AxeCheck,
    settings: Settings,
) -> None:
    settings.TESSERA_DEMO_MODE = True
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in.fully(page, make_user(Role.COORDINATOR))
    expect(page.locator(".tessera-demo-banner")).to_be_visible()
    assert_accessible(page)


def test_the_young_people_list(
    page: Page, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    synthetic_young_people()
    sign_in.fully(page, make_user(Role.PRACTITIONER))
    page.get_by_role("link", name="Young people").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Young people")
    expect(page.get_by_role("table")).to_contain_text("Casey Example")
    assert_accessible(page)

    page.get_by_label("Search by name").fill("nobody")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No young people match")).to_be_visible()
    assert_accessible(page)


def test_a_young_person(
    page: Page, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    casey = synthetic_young_people()[0]
    sign_in.fully(page, make_user(Role.PRACTITIONER))
    page.goto(f"/young-people/{casey.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Casey Example")
    assert_accessible(page)


def test_the_page_not_found(page: Page, assert_accessible: AxeCheck) -> None:
    response = page.goto("/no-such-page/")
    assert response is not None
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    assert_accessible(page)


def test_the_referral_pages(
    page: Page, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    casey = synthetic_young_people()[0]
    sign_in.fully(page, make_user(Role.PRACTITIONER))
    page.goto(f"/referrals/refer/{casey.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Refer to the MASH")
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What are you worried about?").fill("Collected from school by an adult.")
    page.get_by_label("Consented", exact=True).check()
    page.get_by_label("Lawful basis for sharing").select_option("consent")
    page.get_by_label("Yes").check()
    page.get_by_role("button", name="Send referral").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("screened within 24 hours")
    assert_accessible(page)


def test_the_mash_queue_and_screening(
    page: Page, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    from referrals.actions import do_refer

    casey = synthetic_young_people()[0]
    referral = do_refer(
        actor=make_user(Role.PRACTITIONER),
        young_person=casey,
        concern="Older boyfriend with a car.",
        consent_status="consented",
        lawful_basis="consent",
        next_steps_discussed=True,
    )
    sign_in.fully(page, make_user(Role.MASH_SCREENER))
    page.get_by_role("link", name="Referrals", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Referrals to screen")
    assert_accessible(page)
    page.get_by_role("link", name=referral.receipt).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Screen this referral")
    assert_accessible(page)


def test_a_community_partners_concern_and_receipt(
    page: Page, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    make_user(Role.MASH_SCREENER)  # so that there is a MASH to receive it
    sign_in.fully(page, make_user(Role.COMMUNITY_PARTNER))
    page.get_by_role("link", name="Tell us about a concern").first.click()
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What did you see or hear?").fill("A girl of about 14 with a man in his 40s.")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Concern received")
    assert_accessible(page)
    page.goto("/young-people/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")


def test_the_recording_pages(
    page: Page, make_user: MakeUser, sign_in: SignIn, assert_accessible: AxeCheck
) -> None:
    from records.catalogue import ensure_catalogue

    ensure_catalogue()  # the live-server tests empty the database, migration data included
    casey = synthetic_young_people()[0]
    sign_in.fully(page, make_user(Role.PRACTITIONER))
    page.goto(f"/records/new/for/{casey.pk}/")
    page.get_by_role("button", name="Save record").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("What are you recording?").select_option(label="Concern")
    page.get_by_label("Short description").fill("Seen with older males at the retail park")
    page.get_by_label("Date it happened").fill("2026-09-01")
    page.get_by_label("Fact", exact=True).check()
    page.get_by_role("button", name="Save record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Concern")
    assert_accessible(page)
    page.get_by_role("link", name="Records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Records across the partnership")
    assert_accessible(page)

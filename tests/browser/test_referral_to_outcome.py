"""One referral, end to end, through the real pages, each step by the person whose job it is.

The acceptance test of "Referral to outcome": a school's designated safeguarding lead refers a
young person; a MASH screener screens the referral within the 24-hour clock and decides on a
strategy discussion; the CSE coordinator records the strategy discussion, which opens a case;
a MASE meeting discusses the young person and assigns actions to three agencies (the school,
the police and health); each owner marks theirs done; the coordinator reviews the case and closes
it with its outcome. Every user signs in with both factors; every page passes axe.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from cases.models import Action, ActionStatus, Case, CaseStatus
from mase.models import MeetingAction
from partnership.actions import do_create_user
from partnership.models import Agency, Role, User
from people.models import Gender, YoungPerson
from records.catalogue import ensure_catalogue
from referrals.models import Referral, ReferralStatus, Screening
from tests.browser.conftest import PASSWORD, AxeCheck, MakeUser, SignIn

pytestmark = pytest.mark.browser


def _person(agency: Agency, first: str, last: str, role: Role = Role.PRACTITIONER) -> User:
    user = do_create_user(
        actor=None,
        username=f"{first}.{last}".lower(),
        password=PASSWORD,
        agency=agency,
        role=role,
        first_name=first,
        last_name=last,
        validate=False,
    )
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


def _no_errors(page: Page) -> None:
    """The form was accepted: no error summary on the page that followed."""
    page.wait_for_load_state()
    summary = page.locator(".govuk-error-summary")
    assert summary.count() == 0, summary.inner_text()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url("**/sign-in/**")


def test_a_school_referral_is_screened_discussed_acted_on_by_three_agencies_and_closed(
    page: Page,
    sign_in: SignIn,
    make_user: MakeUser,
    agencies: dict[str, Agency],
    assert_accessible: AxeCheck,
) -> None:
    ensure_catalogue()
    dsl = make_user(Role.PRACTITIONER)  # the school's designated safeguarding lead
    screener = make_user(Role.MASH_SCREENER)
    coordinator = make_user(Role.COORDINATOR)
    officer = _person(agencies["police"], "Kai", "Brennan")
    nurse = _person(agencies["health"], "Ruth", "Adeyemi")
    child = YoungPerson.objects.create(
        given_name="Jamie",
        family_name="Synthetic-Hart",
        date_of_birth=timezone.localdate() - timedelta(days=14 * 365 + 100),
        gender=Gender.BOY,
        is_synthetic=True,
    )
    today = timezone.localdate()

    # 1. The school refers.
    sign_in.fully(page, dsl)
    page.goto(f"/young-people/{child.pk}/")
    page.get_by_role("link", name="Refer to the MASH").click()
    page.get_by_label("What are you worried about?").fill(
        "Jamie has been collected from school by different older men in cars and has a new "
        "phone he will not explain."
    )
    page.get_by_label("Informed: told what will be shared").check()
    page.get_by_label("Lawful basis for sharing").select_option("public_task_safeguarding")
    page.get_by_label("If you share without consent, or consent was not sought, why?").fill(
        "Risk of significant harm; Jamie was told what would be shared and why."
    )
    page.locator("input[name=next_steps_discussed][value=yes]").check()
    assert_accessible(page)
    page.get_by_role("button", name="Send referral").click()
    _no_errors(page)
    referral = Referral.objects.get(young_person=child)
    expect(page.locator(".govuk-notification-banner")).to_contain_text(referral.receipt)
    _sign_out(page)

    # 2. The MASH screens it within the 24-hour clock and asks for a strategy discussion.
    sign_in.fully(page, screener)
    page.goto("/referrals/mash/")
    assert_accessible(page)
    page.get_by_role("link", name=referral.receipt).click()
    page.get_by_label("Red").check()
    page.get_by_label("Rationale for the rating").fill(
        "Older men, cars and an unexplained phone: warning signs of exploitation."
    )
    page.get_by_label("Strategy discussion").check()
    assert_accessible(page)
    page.get_by_role("button", name="Record screening decision").click()
    _no_errors(page)
    screening = Screening.objects.get(referral=referral)
    assert screening.within_clock
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SCREENED
    _sign_out(page)

    # 3. The coordinator records the strategy discussion, which opens a case.
    sign_in.fully(page, coordinator)
    page.goto("/cases/referrals/")
    assert_accessible(page)
    page.goto(f"/cases/referrals/{referral.pk}/")
    page.get_by_role("link", name="Record the strategy discussion").click()
    page.get_by_label("Date held").fill(today.isoformat())
    page.get_by_label("Chair").select_option(str(coordinator.pk))
    for key in ("school", "police", "health", "social_care"):
        page.get_by_label(agencies[key].name, exact=True).check()
    page.get_by_label("What was shared and discussed").fill(
        "School: collected by older men. Police: the car was seen at a known address."
    )
    page.get_by_label("Open a multi-agency case").check()
    page.get_by_label("Lead professional (if opening a case)").select_option(str(coordinator.pk))
    assert_accessible(page)
    page.get_by_role("button", name="Record strategy discussion").click()
    _no_errors(page)
    case = Case.objects.get(young_person=child)
    assert case.status == CaseStatus.OPEN

    # 4. A MASE meeting discusses Jamie and assigns actions to three agencies.
    page.goto("/mase/meetings/new/")
    page.get_by_label("Date").fill(today.isoformat())
    page.get_by_label("Start time").fill("09:30")
    page.get_by_label("Chair").select_option(str(coordinator.pk))
    page.get_by_label("Where").fill("Eastbrook Town Hall, room 2")
    assert_accessible(page)
    page.get_by_role("button", name="Schedule meeting").click()
    page.wait_for_url("**/mase/meetings/*/")
    meeting_url = page.url
    page.get_by_role("button", name="Prepare the agenda from the data").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Add an item").click()
    page.get_by_label("Victims", exact=True).check()
    page.get_by_label("Title").fill("Jamie: older men collecting from school")
    page.get_by_label("About a young person (optional)").select_option(str(child.pk))
    page.get_by_role("button", name="Add to the agenda").click()
    _no_errors(page)
    page.get_by_role("link", name="Jamie: older men collecting from school").click()
    assert_accessible(page)
    page.get_by_label("Minutes").fill("Agreed a plan across school, police and health.")
    page.get_by_role("button", name="Save minutes").click()
    _no_errors(page)
    assignments = (
        ("Daily check-in with Jamie at school", "school", dsl),
        ("Child abduction warning notice to the driver", "police", officer),
        ("Offer a sexual health appointment", "health", nurse),
    )
    due = (today + timedelta(days=14)).isoformat()
    for title, key, owner in assignments:
        page.get_by_label("What needs doing").fill(title)
        page.get_by_label("Agency that owns it").select_option(str(agencies[key].pk))
        page.get_by_label("Named owner (optional)").select_option(str(owner.pk))
        page.get_by_label("Due by").fill(due)
        page.get_by_role("button", name="Assign action").click()
        _no_errors(page)
        expect(page.get_by_role("link", name=title)).to_be_visible()
    links = MeetingAction.objects.filter(meeting__items__young_person=child).distinct()
    assert links.count() == 3
    page.goto(meeting_url)
    page.get_by_role("button", name="Mark as held").click()
    page.wait_for_load_state()
    _sign_out(page)

    # 5. Each agency's owner finds their action and marks it done.
    for title, _key, owner in assignments:
        sign_in.fully(page, owner)
        page.goto("/cases/actions/")
        assert_accessible(page)
        page.get_by_role("link", name=title).click()
        page.get_by_label("What was done?").fill(f"Done: {title.lower()}.")
        page.get_by_role("button", name="Mark as done").click()
        _no_errors(page)
        assert Action.objects.get(title=title).status == ActionStatus.DONE
        _sign_out(page)

    # 6. The coordinator reviews the case and closes it with its outcome.
    sign_in.fully(page, coordinator)
    page.goto(f"/cases/{case.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Record a review").click()
    page.get_by_label("Date of the review").fill(today.isoformat())
    page.get_by_label("What has changed since the last review?").fill(
        "All three actions done; no further sightings; Jamie engaging with the nurse."
    )
    page.get_by_label("Green").check()
    page.get_by_label("Next review date").fill((today + timedelta(days=42)).isoformat())
    page.get_by_role("button", name="Record review").click()
    _no_errors(page)
    page.get_by_role("link", name="Close the case with its outcome").click()
    page.get_by_label("Risk reduced: no longer at risk of exploitation").check()
    page.get_by_label("Closing summary").fill(
        "Risk reduced. Contact the school DSL if concerns return."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Close case").click()
    _no_errors(page)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.outcome_code == "risk_reduced"
    expect(page.locator("main")).to_contain_text("Closed")

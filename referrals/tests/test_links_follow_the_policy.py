"""What a page offers follows the permission policy (``may`` in the templates): a link or a
section shows only to those who may use it."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from conftest import sign_in_fully
from partnership.models import Role, ServiceKind
from people.models import YoungPerson
from referrals.actions import do_refer
from referrals.models import Referral


@pytest.fixture
def referral(make_user) -> Referral:
    person = YoungPerson.objects.create(
        given_name="Robin", family_name="Linked", date_of_birth=date(2011, 3, 4), is_synthetic=True
    )
    return do_refer(
        actor=make_user(Role.PRACTITIONER, "school"),
        young_person=person,
        concern="Seen getting into cars with older men after school.",
        consent_status="consented",
        lawful_basis="consent",
        next_steps_discussed=True,
    )


def test_a_screener_gets_a_link_to_screen_and_the_coordinator_only_the_receipt(
    signed_in, make_user, referral
):
    screener = make_user(
        Role.MASH_SCREENER, referral_agency_key(referral), service=ServiceKind.MASH
    )
    page = signed_in(screener).get("/referrals/mash/").content.decode()
    assert f'href="/referrals/mash/{referral.pk}/"' in page
    coordinator = make_user(Role.COORDINATOR, "police")
    other_browser = Client()
    sign_in_fully(other_browser, coordinator)
    page = other_browser.get("/referrals/mash/").content.decode()
    assert referral.receipt in page
    assert f'href="/referrals/mash/{referral.pk}/"' not in page


@pytest.mark.parametrize(
    ("role", "shown"),
    [(Role.COORDINATOR, True), (Role.MASH_SCREENER, False), (Role.PRACTITIONER, False)],
)
def test_only_the_coordinator_sees_overdue_actions_across_the_partnership(
    signed_in, make_user, role, shown
):
    page = signed_in(make_user(role, "csc")).get("/cases/actions/").content.decode()
    assert ("Overdue across the partnership" in page) is shown


@pytest.mark.parametrize(
    ("role", "every_case"),
    [(Role.COORDINATOR, True), (Role.MASH_SCREENER, True), (Role.PRACTITIONER, False)],
)
def test_the_case_list_offers_every_case_only_to_the_coordinator_and_screeners(
    signed_in, make_user, role, every_case
):
    page = signed_in(make_user(role, "csc")).get("/cases/").content.decode()
    assert ("Every case in the partnership." in page) is every_case
    assert ('href="?show=closed"' in page) is every_case


def referral_agency_key(referral: Referral) -> str:
    short = referral.receiving_agency.short_name
    return {"CSC": "csc", "POL": "police"}[short]

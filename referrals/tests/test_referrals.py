"""Referral to screening: a school refers, a partner tells us, the MASH screens within 24 hours."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import sign_in_fully
from governance.models import AuditAction, AuditEvent, LegitimateRelationship, SharingDecision
from partnership.models import Role, ServiceKind
from people.models import YoungPerson
from referrals.models import Referral, ReferralStatus, Screening


@pytest.fixture
def person(db):
    return YoungPerson.objects.create(
        given_name="Alex", family_name="Referred", date_of_birth=date(2011, 7, 8), is_synthetic=True
    )


@pytest.fixture
def screener(make_user):
    return make_user(Role.MASH_SCREENER, "csc", service=ServiceKind.MASH)


def _referral(**overrides):
    data = {
        "concern": "Seen being collected from school by an unknown adult in a silver car.",
        "consent_status": "not_sought",
        "lawful_basis": "public_task_safeguarding",
        "reason_without_consent": "Asking could alert the adult and increase the risk.",
        "next_steps_discussed": "no",
    }
    data.update(overrides)
    return data


def test_a_school_refers_and_the_share_is_recorded_with_its_basis(
    signed_in, make_user, person, screener
):
    dsl = make_user(Role.PRACTITIONER, "school")
    response = signed_in(dsl).post(f"/referrals/refer/{person.pk}/", _referral())
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.receiving_agency == screener.agency
    assert referral.status == ReferralStatus.AWAITING_SCREENING
    share = SharingDecision.objects.get()
    assert share.to_agency == screener.agency
    assert share.lawful_basis == "public_task_safeguarding"
    assert AuditEvent.objects.filter(action=AuditAction.SHARE, recipient="CSC").exists()


def test_a_referral_without_consent_needs_its_basis_and_reason(signed_in, make_user, person):
    dsl = make_user(Role.PRACTITIONER, "school")
    response = signed_in(dsl).post(
        f"/referrals/refer/{person.pk}/", _referral(lawful_basis="", reason_without_consent="")
    )
    assert response.status_code == 200
    assert b"Choose the lawful basis for sharing" in response.content
    assert not Referral.objects.exists()


def test_a_community_partner_gets_a_receipt_and_nothing_else(signed_in, make_user, screener):
    partner = make_user(Role.COMMUNITY_PARTNER, "hotel")
    client = signed_in(partner)
    response = client.post(
        "/referrals/concern/",
        {
            "concern": "A girl of about 14 checked in with a man in his 40s, late at night.",
            "subject_description": "Man, 40s, grey coat",
            "where": "Room 12",
            "when_seen": "Saturday 23:40",
            "vehicles": "ab12 cde",
            "phones": "",
        },
    )
    referral = Referral.objects.get()
    assert response["Location"] == f"/referrals/receipts/{referral.receipt}/"
    assert referral.vehicles == "AB12CDE"
    page = client.get(response["Location"]).content
    assert referral.receipt.encode() in page
    assert b"checked in" not in page  # nothing of what was sent is shown back
    assert referral.receipt.encode() in client.get("/").content  # listed on their home page
    for path in ("/referrals/mash/", f"/referrals/mash/{referral.pk}/", "/young-people/"):
        assert client.get(path).status_code == 404


def test_a_bad_registration_from_a_partner_names_the_field_and_rule(signed_in, make_user, screener):
    client = signed_in(make_user(Role.COMMUNITY_PARTNER, "hotel"))
    response = client.post(
        "/referrals/concern/", {"concern": "Worried", "vehicles": "AB12CDE, 123"}
    )
    assert response.status_code == 200
    assert b"Entry 2" in response.content
    assert not Referral.objects.exists()


def test_another_partners_receipt_is_404(signed_in, make_user, screener):
    first = make_user(Role.COMMUNITY_PARTNER, "hotel", username="hotel.one")
    second = make_user(Role.COMMUNITY_PARTNER, "hotel", username="hotel.two")
    client = Client()
    sign_in_fully(client, first)
    client.post("/referrals/concern/", {"concern": "Something worrying"})
    referral = Referral.objects.get()
    other = Client()
    sign_in_fully(other, second)
    assert other.get(f"/referrals/receipts/{referral.receipt}/").status_code == 404


def _refer(make_user, person) -> Referral:
    from referrals.actions import do_refer

    return do_refer(
        actor=make_user(Role.PRACTITIONER, "school"),
        young_person=person,
        concern="Worried",
        consent_status="consented",
        lawful_basis="consent",
        next_steps_discussed=True,
    )


def test_the_mash_screens_within_the_clock_and_joins_need_to_know(
    signed_in, make_user, person, screener
):
    referral = _refer(make_user, person)
    client = signed_in(screener)
    queue = client.get("/referrals/mash/").content
    assert referral.receipt.encode() in queue
    assert b"hours left" in queue
    response = client.post(
        f"/referrals/mash/{referral.pk}/",
        {"rating": "amber", "rationale": "Repeat pattern", "decision": "strategy_discussion"},
    )
    assert response.status_code == 302
    screening = Screening.objects.get()
    assert screening.within_clock
    assert LegitimateRelationship.objects.filter(user=screener, kind="screener").exists()
    after = client.get("/referrals/mash/").content
    assert b"screened." in after  # the confirmation names it
    assert f">{referral.receipt}</a>".encode() not in after  # but it has left the queue


def test_no_further_action_needs_a_reason(signed_in, make_user, person, screener):
    referral = _refer(make_user, person)
    response = signed_in(screener).post(
        f"/referrals/mash/{referral.pk}/",
        {"rating": "green", "rationale": "Low", "decision": "no_further_action"},
    )
    assert b"Say why no further action is needed" in response.content
    assert not Screening.objects.exists()


def test_a_breach_of_the_clock_is_visible_to_the_coordinator(
    signed_in, make_user, person, screener
):
    referral = _refer(make_user, person)
    Referral.objects.filter(pk=referral.pk).update(received_at=timezone.now() - timedelta(hours=25))
    page = signed_in(make_user(Role.COORDINATOR, "police")).get("/referrals/mash/").content
    assert b"Overdue" in page
    assert b"1 past the 24-hour clock" in page


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (Role.PRACTITIONER, "school"),
        (Role.MASH_SCREENER, "police"),
        (Role.ADMINISTRATOR, "council"),
    ],
)
def test_only_the_receiving_agencys_screeners_can_screen(
    signed_in, make_user, person, screener, role, agency
):
    referral = _refer(make_user, person)
    client = signed_in(make_user(role, agency, username=f"other.{role.value}"))
    assert client.get(f"/referrals/mash/{referral.pk}/").status_code == 404
    assert not Screening.objects.exists()

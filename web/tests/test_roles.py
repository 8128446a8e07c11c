"""Each role has its home page; administrators and partners are refused case content (404)."""

from __future__ import annotations

import pytest

from governance.models import AuditEvent, AuditOutcome
from partnership.models import Role
from people.models import YoungPerson

HOME_TITLES = {
    Role.PRACTITIONER: "Your young people",
    Role.MASH_SCREENER: "Referrals to screen",
    Role.COORDINATOR: "Partnership overview",
    Role.ANALYST: "Intelligence",
    Role.IG_OFFICER: "Information governance",
    Role.STRATEGIC_LEAD: "The picture for strategy",
    Role.ADMINISTRATOR: "Partnership administration",
}


@pytest.fixture
def young_person(db):
    return YoungPerson.objects.create(
        given_name="Casey",
        family_name="Synthetic",
        date_of_birth="2011-04-01",
        is_synthetic=True,
    )


@pytest.mark.parametrize(("role", "title"), list(HOME_TITLES.items()))
def test_each_role_sees_its_own_home_page(signed_in, make_user, role, title):
    client = signed_in(make_user(role, "police"))
    response = client.get("/")
    assert f'<h1 class="govuk-heading-xl">{title}</h1>'.encode() in response.content


def test_a_community_partner_sees_the_submission_home_page(signed_in, make_user):
    client = signed_in(make_user(Role.COMMUNITY_PARTNER, "hotel"))
    assert b"Tell the partnership about a concern" in client.get("/").content


@pytest.mark.parametrize("path", ["/young-people/", "/young-people/{pk}/", "/no-such-page/"])
def test_a_community_partner_gets_404_everywhere_else(signed_in, make_user, young_person, path):
    client = signed_in(make_user(Role.COMMUNITY_PARTNER, "hotel"))
    response = client.get(path.format(pk=young_person.pk))
    assert response.status_code == 404
    assert b"Page not found" in response.content


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.STRATEGIC_LEAD])
def test_an_administrator_or_strategic_lead_is_refused_case_content(
    signed_in, make_user, young_person, role
):
    client = signed_in(make_user(role, "council"))
    assert client.get("/young-people/").status_code == 404
    response = client.get(f"/young-people/{young_person.pk}/")
    assert response.status_code == 404
    assert young_person.family_name.encode() not in response.content


def test_a_refused_view_is_audited(signed_in, make_user, young_person):
    admin = make_user(Role.ADMINISTRATOR, "council")
    signed_in(admin).get(f"/young-people/{young_person.pk}/")
    refused = AuditEvent.objects.get(actor_id=admin.pk, outcome=AuditOutcome.REFUSED)
    assert refused.object_type == "young_person"
    assert refused.object_id == str(young_person.pk)


def test_a_practitioner_can_open_a_young_person_and_it_is_audited(
    signed_in, make_user, young_person
):
    user = make_user()
    response = signed_in(user).get(f"/young-people/{young_person.pk}/")
    assert response.status_code == 200
    assert b"Casey Synthetic" in response.content
    event = AuditEvent.objects.filter(actor_id=user.pk, action="view").get()
    assert event.object_id == str(young_person.pk)
    assert event.actor_agency == "EDU"
    assert event.actor_role == Role.PRACTITIONER


def test_an_unknown_young_person_is_404_like_a_refused_one(signed_in, make_user):
    client = signed_in(make_user())
    assert client.get("/young-people/999999/").status_code == 404


def test_a_community_partners_refused_page_is_audited(signed_in, make_user):
    partner = make_user(Role.COMMUNITY_PARTNER, "hotel")
    signed_in(partner).get("/records/")
    event = AuditEvent.objects.get(actor_id=partner.pk, outcome=AuditOutcome.REFUSED)
    assert event.object_id == "/records/"

"""Minimal identity (ADR 0010): identifiers and address only with need to know; finding and
referring a child needs name, age and area, and keeps working without a relationship."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from governance.actions import do_add_relationship
from partnership.models import Role
from people.models import RecordedIdentity, YoungPerson

pytestmark = pytest.mark.django_db

DOB = "4 March 2011"
POSTCODE = "EB1 2AB"
UPN = "A123456789012"
NHS = "9434765919"


@pytest.fixture
def child():
    return YoungPerson.objects.create(
        given_name="Casey",
        family_name="Minimalperson",
        date_of_birth=date(2011, 3, 4),
        postcode=POSTCODE,
        upn=UPN,
        nhs_number=NHS,
        is_synthetic=True,
    )


def _identifiers_in(html: str) -> list[str]:
    return [marker for marker in (DOB, "4 Mar 2011", POSTCODE, UPN, NHS) if marker in html]


@pytest.mark.parametrize(
    ("role", "agency"),
    [
        (Role.PRACTITIONER, "charity"),
        (Role.PRACTITIONER, "school"),
        (Role.ANALYST, "police"),
        (Role.IG_OFFICER, "health"),
    ],
)
def test_without_a_relationship_the_page_shows_name_age_and_area_only(
    make_user, signed_in, child, role, agency
):
    html = signed_in(make_user(role, agency)).get(f"/young-people/{child.pk}/").content.decode()
    assert child.full_name in html
    assert _identifiers_in(html) == []
    assert f">{child.age_on(timezone.localdate())}<" in html
    assert ">EB1<" in html
    assert 'data-testid="minimal-identity"' in html


@pytest.mark.parametrize(
    ("role", "agency", "related"),
    [
        (Role.PRACTITIONER, "charity", True),
        (Role.IG_OFFICER, "health", True),
        (Role.COORDINATOR, "csc", False),
        (Role.MASH_SCREENER, "csc", False),
    ],
)
def test_with_need_to_know_the_page_shows_identifiers_and_address(
    make_user, signed_in, child, role, agency, related
):
    user = make_user(role, agency)
    if related:
        do_add_relationship(
            actor=None, young_person=child, user=user, kind="case_team", reason="Allocated"
        )
    html = signed_in(user).get(f"/young-people/{child.pk}/").content.decode()
    assert _identifiers_in(html) == [DOB, POSTCODE, UPN, NHS]


def test_an_agency_that_recorded_the_child_sees_its_own_identity_as_recorded(
    make_user, signed_in, child, agencies
):
    RecordedIdentity.objects.create(
        young_person=child,
        agency=agencies["school"],
        given_name="Casey",
        family_name="Minimalperson",
        date_of_birth=date(2011, 3, 4),
        upn=UPN,
        recorded_at=timezone.now() - timedelta(days=30),
    )
    html = (
        signed_in(make_user(Role.PRACTITIONER, "school"))
        .get(f"/young-people/{child.pk}/")
        .content.decode()
    )
    assert DOB in html
    assert UPN in html
    assert NHS not in html  # the school never recorded it
    assert "Identifiers as Testshire Education recorded them" in html


def test_search_finds_a_child_without_a_relationship_by_name_age_and_area(
    make_user, signed_in, child
):
    html = (
        signed_in(make_user(Role.PRACTITIONER, "charity"))
        .get("/young-people/?q=Minimalperson")
        .content.decode()
    )
    assert child.full_name in html
    assert f'href="/young-people/{child.pk}/"' in html
    assert ">EB1<" in html
    assert _identifiers_in(html) == []


def test_search_shows_no_identifiers_even_to_the_coordinator(make_user, signed_in, child):
    html = (
        signed_in(make_user(Role.COORDINATOR, "csc"))
        .get("/young-people/?q=Minimalperson")
        .content.decode()
    )
    assert child.full_name in html
    assert _identifiers_in(html) == []


def test_a_practitioner_with_no_relationship_can_still_refer_without_seeing_identifiers(
    make_user, signed_in, child
):
    client = signed_in(make_user(Role.PRACTITIONER, "charity"))
    page = client.get(f"/referrals/refer/{child.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert child.full_name in html
    assert _identifiers_in(html) == []

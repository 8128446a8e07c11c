"""Adding a young person, and recording who they are."""

from __future__ import annotations

import pytest

from governance.actions import do_add_relationship
from governance.models import AuditAction, AuditEvent
from partnership.models import Role
from people.models import RecordedIdentity, YoungPerson


def _new(**overrides):
    data = {
        "given_name": "Riley",
        "family_name": "Example",
        "other_names": "Ri",
        "date_of_birth": "2011-05-06",
        "gender": "male",
        "postcode": "zy1 4ab",
        "upn": "",
        "nhs_number": "",
        "source_reference": "SCH-1",
    }
    data.update(overrides)
    return data


def test_a_practitioner_adds_a_young_person_as_their_agency_recorded_them(signed_in, make_user):
    dsl = make_user(Role.PRACTITIONER, "school")
    response = signed_in(dsl).post("/young-people/new/", _new())
    assert response.status_code == 302
    person = YoungPerson.objects.get()
    assert person.postcode == "ZY1 4AB"
    identity = RecordedIdentity.objects.get()
    assert identity.agency == dsl.agency
    assert identity.other_names == "Ri"


def test_a_bad_nhs_number_is_refused_naming_the_rule(signed_in, make_user):
    dsl = make_user(Role.PRACTITIONER, "school")
    response = signed_in(dsl).post("/young-people/new/", _new(nhs_number="9434765918"))
    assert response.status_code == 200
    assert b"modulus 11" in response.content
    assert not YoungPerson.objects.exists()


def test_an_administrator_cannot_add_a_young_person(signed_in, make_user):
    response = signed_in(make_user(Role.ADMINISTRATOR, "council")).post(
        "/young-people/new/", _new()
    )
    assert response.status_code == 404
    assert not YoungPerson.objects.exists()


@pytest.fixture
def person(db):
    from datetime import date

    return YoungPerson.objects.create(
        given_name="Sam", family_name="Example", date_of_birth=date(2010, 1, 2), is_synthetic=True
    )


def test_the_case_team_records_the_young_persons_voice(signed_in, make_user, person):
    worker = make_user(Role.PRACTITIONER, "charity")
    do_add_relationship(actor=None, young_person=person, user=worker, kind="case_team", reason="x")
    response = signed_in(worker).post(
        f"/young-people/{person.pk}/about/",
        {
            "gender": "male",
            "ethnicity": "black",
            "disability": "",
            "lgbt_self_described": "",
            "care_status": "looked_after",
            "voice": "He says the older lads are his mates and look after him.",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.care_status == "looked_after"
    assert person.voice.startswith("He says")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="young_person")
    assert "voice" in event.details["fields"]
    assert "older lads" not in str(event.details)


def test_outside_the_case_team_the_about_page_is_404(signed_in, make_user, person):
    worker = make_user(Role.PRACTITIONER, "charity")
    assert signed_in(worker).get(f"/young-people/{person.pk}/about/").status_code == 404


def test_demographics_are_shown_only_to_those_with_need_to_know(signed_in, make_user, person):
    person.voice = "I just want school to leave me alone"
    person.save()
    outsider = make_user(Role.PRACTITIONER, "charity")
    page = signed_in(outsider).get(f"/young-people/{person.pk}/").content
    assert b"leave me alone" not in page

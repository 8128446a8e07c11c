"""Consent and lawful basis: a share cannot be saved without its basis; refusals are recorded."""

from __future__ import annotations

import pytest

from governance.models import AuditAction, AuditEvent, ConsentDecision, SharingDecision
from partnership.models import Role
from records.tests.helpers import young_person


@pytest.fixture
def person(db):
    return young_person()


@pytest.fixture
def client_of_dsl(signed_in, make_user):
    return signed_in(make_user(Role.PRACTITIONER, "school"))


def _share(**overrides):
    data = {
        "shared": "yes",
        "to_agency": "",
        "what": "Attendance pattern this term",
        "purpose": "Concern about sexual exploitation",
        "lawful_basis": "public_task_safeguarding",
        "consent_status": "declined",
        "reason_without_consent": "Risk of significant harm",
        "reason_not_shared": "",
        "next_steps_discussed": "yes",
    }
    data.update(overrides)
    return data


def test_a_share_cannot_be_saved_without_its_lawful_basis(client_of_dsl, person):
    response = client_of_dsl.post(
        f"/young-people/{person.pk}/sharing-decision/", _share(lawful_basis="")
    )
    assert response.status_code == 200
    assert b"Choose the lawful basis for sharing" in response.content
    assert not SharingDecision.objects.exists()


def test_sharing_without_consent_needs_the_reason(client_of_dsl, person):
    response = client_of_dsl.post(
        f"/young-people/{person.pk}/sharing-decision/", _share(reason_without_consent="")
    )
    assert b"Say why sharing went ahead without consent" in response.content
    assert not SharingDecision.objects.exists()


def test_consent_cannot_be_the_basis_when_the_young_person_declined(client_of_dsl, person):
    response = client_of_dsl.post(
        f"/young-people/{person.pk}/sharing-decision/", _share(lawful_basis="consent")
    )
    assert b"Consent can only be the basis" in response.content


def test_a_lawful_share_is_saved_and_audited_with_its_recipient(client_of_dsl, person, agencies):
    response = client_of_dsl.post(
        f"/young-people/{person.pk}/sharing-decision/", _share(to_agency=agencies["police"].pk)
    )
    assert response.status_code == 302
    decision = SharingDecision.objects.get()
    assert decision.lawful_basis == "public_task_safeguarding"
    assert decision.next_steps_discussed is True
    event = AuditEvent.objects.get(action=AuditAction.SHARE)
    assert event.recipient == "POL"
    assert event.purpose == "Concern about sexual exploitation"


def test_a_decision_not_to_share_is_recorded_with_its_reason(client_of_dsl, person):
    response = client_of_dsl.post(
        f"/young-people/{person.pk}/sharing-decision/",
        _share(shared="no", lawful_basis="", reason_not_shared="Already known to MASH"),
    )
    assert response.status_code == 302
    decision = SharingDecision.objects.get()
    assert decision.shared is False
    assert AuditEvent.objects.filter(action=AuditAction.DECLINE_TO_SHARE).exists()


def test_consent_not_sought_needs_a_reason(client_of_dsl, person):
    response = client_of_dsl.post(
        f"/young-people/{person.pk}/consent/",
        {"consent_status": "not_sought", "next_steps_discussed": "no", "reason_not_sought": ""},
    )
    assert b"Say why consent was not sought" in response.content
    assert not ConsentDecision.objects.exists()


def test_consent_is_recorded_with_whether_next_steps_were_discussed(client_of_dsl, person):
    response = client_of_dsl.post(
        f"/young-people/{person.pk}/consent/",
        {"consent_status": "consented", "next_steps_discussed": "yes"},
    )
    assert response.status_code == 302
    decision = ConsentDecision.objects.get()
    assert decision.status == "consented"
    assert decision.next_steps_discussed is True


def test_an_administrator_cannot_record_a_share(signed_in, make_user, person):
    client = signed_in(make_user(Role.ADMINISTRATOR, "council"))
    response = client.post(f"/young-people/{person.pk}/sharing-decision/", _share())
    assert response.status_code == 404
    assert not SharingDecision.objects.exists()

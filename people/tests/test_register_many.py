"""Registering many young people at once (a first import): the people app's bulk action."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.models import AuditEvent
from partnership.models import Role
from people.actions import YoungPersonRow, do_register_many
from people.models import RecordedIdentity, YoungPerson


def _pupil(agency, given: str, **extra: str) -> YoungPersonRow:
    return YoungPersonRow(
        agency=agency,
        given_name=given,
        family_name="Testperson",
        date_of_birth=date(2011, 3, 4),
        **extra,  # type: ignore[arg-type]
    )


def test_each_young_person_is_registered_with_their_identity_and_audited_alone(make_user, agencies):
    teacher = make_user(Role.PRACTITIONER, "school")
    made = do_register_many(
        actor=teacher,
        rows=[
            _pupil(agencies["school"], "Jordan", postcode="sw1a 1aa"),
            _pupil(agencies["school"], "Sam"),
        ],
    )
    assert [(p.given_name, p.postcode) for p in made] == [("Jordan", "SW1A 1AA"), ("Sam", "")]
    identities = {i.young_person_id: i for i in RecordedIdentity.objects.all()}
    assert {pk: (i.agency, i.given_name) for pk, i in identities.items()} == {
        made[0].pk: (agencies["school"], "Jordan"),
        made[1].pk: (agencies["school"], "Sam"),
    }
    # One event per young person, as registering one at a time writes it: found by its id.
    events = AuditEvent.objects.filter(object_type="young_person", action="create")
    assert sorted((e.object_id, e.actor_id, e.details["recorded_identity"]) for e in events) == (
        sorted((str(p.pk), teacher.pk, identities[p.pk].pk) for p in made)
    )
    assert all("Jordan" not in str(e.details) for e in events)


def test_a_bad_row_is_named_and_nothing_is_registered(make_user, agencies):
    teacher = make_user(Role.PRACTITIONER, "school")
    with pytest.raises(ValidationError) as refused:
        do_register_many(
            actor=teacher,
            rows=[
                _pupil(agencies["school"], "Jordan"),
                _pupil(agencies["school"], "Sam", upn="not a UPN"),
            ],
        )
    assert refused.value.message_dict["upn"][0].startswith("Row 2: ")
    assert not YoungPerson.objects.exists()
    assert not RecordedIdentity.objects.exists()
    assert not AuditEvent.objects.filter(object_type="young_person").exists()


def test_no_one_registers_for_another_agency_nor_as_a_community_partner(make_user, agencies):
    teacher = make_user(Role.PRACTITIONER, "school")
    partner = make_user(Role.COMMUNITY_PARTNER, "hotel")
    with pytest.raises(PermissionDenied):
        do_register_many(actor=teacher, rows=[_pupil(agencies["police"], "Jordan")])
    with pytest.raises(PermissionDenied):
        do_register_many(actor=partner, rows=[_pupil(agencies["hotel"], "Jordan")])
    assert not YoungPerson.objects.exists()

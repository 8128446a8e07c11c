"""Adding many identities "as recorded" at once: the people app's bulk action."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.models import AuditEvent
from partnership.models import Role
from people.actions import IdentityRow, do_record_identities, do_withdraw_identities
from people.models import RecordedIdentity, YoungPerson


def _person(given: str = "Jordan") -> YoungPerson:
    return YoungPerson.objects.create(
        given_name=given, family_name="Testperson", date_of_birth=date(2011, 3, 4)
    )


def _as_recorded(agency, given: str = "Jordan", **extra: str) -> IdentityRow:
    return IdentityRow(
        agency=agency,
        given_name=given,
        family_name="Testperson",
        date_of_birth=date(2011, 3, 4),
        **extra,  # type: ignore[arg-type]
    )


def test_a_practitioner_adds_identities_once_each_audited(make_user, agencies):
    teacher = make_user(Role.PRACTITIONER, "school")
    jordan, sam = _person(), _person("Sam")
    made = do_record_identities(
        actor=teacher,
        identities=[
            (jordan, _as_recorded(agencies["school"], postcode="sw1a 1aa")),
            (jordan, _as_recorded(agencies["school"], postcode="SW1A 1AA")),  # the same again
            (sam, _as_recorded(agencies["school"], "Sam")),
        ],
    )
    assert [(i.young_person, i.postcode) for i in made] == [(jordan, "SW1A 1AA"), (sam, "")]
    # Linking the same person's row again later adds nothing either.
    assert (
        do_record_identities(
            actor=teacher,
            identities=[(jordan, _as_recorded(agencies["school"], postcode="SW1A 1AA"))],
        )
        == []
    )
    events = AuditEvent.objects.filter(object_type="recorded_identity", action="create")
    assert sorted((e.object_id, e.actor_id) for e in events) == sorted(
        (str(i.pk), teacher.pk) for i in made
    )


def test_no_one_records_an_identity_for_another_agency(make_user, agencies):
    teacher = make_user(Role.PRACTITIONER, "school")
    with pytest.raises(PermissionDenied):
        do_record_identities(
            actor=teacher, identities=[(_person(), _as_recorded(agencies["police"]))]
        )
    assert not RecordedIdentity.objects.exists()


def test_a_community_partner_cannot_record_identities(make_user, agencies):
    partner = make_user(Role.COMMUNITY_PARTNER, "hotel")
    with pytest.raises(PermissionDenied):
        do_record_identities(
            actor=partner, identities=[(_person(), _as_recorded(agencies["hotel"]))]
        )
    assert not RecordedIdentity.objects.exists()


def test_a_bad_identifier_names_the_row_and_field_and_nothing_is_written(make_user, agencies):
    teacher = make_user(Role.PRACTITIONER, "school")
    person = _person()
    with pytest.raises(ValidationError) as refused:
        do_record_identities(
            actor=teacher,
            identities=[
                (person, _as_recorded(agencies["school"])),
                (person, _as_recorded(agencies["school"], upn="not a UPN")),
            ],
        )
    assert list(refused.value.message_dict) == ["upn"]
    assert refused.value.message_dict["upn"][0].startswith("Row 2: ")
    assert not RecordedIdentity.objects.exists()
    assert not AuditEvent.objects.filter(object_type="recorded_identity").exists()


def test_the_system_withdraws_identities_each_audited_and_no_person_can(make_user, agencies):
    teacher = make_user(Role.PRACTITIONER, "school")
    person = _person()
    made = do_record_identities(
        actor=teacher, identities=[(person, _as_recorded(agencies["school"]))]
    )
    with pytest.raises(PermissionDenied):
        do_withdraw_identities(actor=teacher, identities=made, reason="Wrong child")
    with pytest.raises(ValidationError):
        do_withdraw_identities(actor=None, identities=made, reason=" ")
    assert RecordedIdentity.objects.filter(pk=made[0].pk).exists()

    gone = do_withdraw_identities(actor=None, identities=made, reason="The link was undone")

    assert gone == [made[0].pk]
    assert not RecordedIdentity.objects.exists()
    event = AuditEvent.objects.get(object_type="recorded_identity", action="dispose")
    assert (event.object_id, event.purpose) == (str(made[0].pk), "The link was undone")

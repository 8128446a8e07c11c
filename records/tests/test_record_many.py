"""Recording many agency records at once: the records app's bulk action."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from governance.models import AuditEvent
from partnership.models import Role
from records.actions import LinkInput, RecordInput, do_record_many
from records.models import AgencyRecord, RecordCategory, RecordLink, RecordType
from records.tests.helpers import record, young_person


def _input(person, title: str = "Missing overnight", **extra: object) -> RecordInput:
    return RecordInput(
        young_person=person,
        record_type=RecordType.objects.get(code=str(extra.pop("type_code", "concern"))),
        occurred_at=timezone.now() - timedelta(days=2),
        title=title,
        nature="fact",
        **extra,  # type: ignore[arg-type]
    )


def test_a_practitioner_records_many_for_their_own_agency_each_audited(make_user, agencies):
    officer = make_user(Role.PRACTITIONER, "police")
    amy, ben = young_person("Amy"), young_person("Ben")
    made = do_record_many(
        actor=officer,
        records=[
            _input(amy, links=(LinkInput("phone", "020 7946 0018"),)),
            # Naming another agency changes nothing: a person records for their own.
            _input(ben, agency=agencies["health"]),
        ],
    )
    assert [r.young_person for r in made] == [amy, ben]
    assert {(r.owning_agency, r.author, r.category) for r in made} == {
        (agencies["police"], officer, RecordCategory.POLICE)
    }
    assert RecordLink.objects.get().value == "+442079460018"
    events = AuditEvent.objects.filter(object_type="agency_record", action="create")
    assert sorted((e.object_id, e.actor_id) for e in events) == sorted(
        (str(r.pk), officer.pk) for r in made
    )


def test_a_role_that_does_not_record_is_refused_and_nothing_is_written(make_user):
    lead = make_user(Role.STRATEGIC_LEAD, "police")
    with pytest.raises(PermissionDenied):
        do_record_many(actor=lead, records=[_input(young_person())])
    assert not AgencyRecord.objects.exists()
    assert not AuditEvent.objects.filter(object_type="agency_record").exists()


def test_one_bad_record_is_named_and_leaves_the_database_as_it_was(make_user):
    officer = make_user(Role.PRACTITIONER, "police")
    person = young_person()
    with pytest.raises(ValidationError) as refused:
        do_record_many(actor=officer, records=[_input(person), _input(person, title="  ")])
    assert refused.value.message_dict == {"title": ["Record 2: Enter a short description."]}
    assert not AgencyRecord.objects.exists()


def test_the_system_records_for_the_agency_each_record_names(agencies):
    made = do_record_many(actor=None, records=[_input(young_person(), agency=agencies["csc"])])
    assert made[0].owning_agency == agencies["csc"]
    assert made[0].author is None
    assert (
        AuditEvent.objects.get(object_type="agency_record", object_id=str(made[0].pk)).actor_id
        is None
    )


def test_a_sexual_health_attendance_is_sexual_health_whoever_holds_it(make_user):
    # A health practitioner outside the sexual health service records a clinic attendance.
    nurse = make_user(Role.PRACTITIONER, "health")
    visit = record(nurse, young_person(), type_code="sexual-health-attendance", title="Clinic")
    assert visit.category == RecordCategory.SEXUAL_HEALTH
    other = record(nurse, young_person("Cal"), type_code="health-attendance", title="GP visit")
    assert other.category == RecordCategory.HEALTH

"""Withdrawing a record that should never have been added (a wrongly linked imported row)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from governance.models import AuditEvent
from partnership.models import Role
from records.actions import do_withdraw_record
from records.models import AgencyRecord
from records.tests.helpers import record, young_person


def test_the_system_withdraws_a_record_and_its_history_says_why(make_user):
    officer = make_user(Role.PRACTITIONER, "police")
    made = record(officer, young_person())
    pk = made.pk
    do_withdraw_record(actor=None, record=made, reason="The link was undone: different child")
    assert not AgencyRecord.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(object_type="agency_record", object_id=str(pk), action="dispose")
    assert event.purpose == "The link was undone: different child"
    assert event.details["withdrawn"] is True


def test_no_person_withdraws_a_record_not_even_its_author(make_user):
    officer = make_user(Role.PRACTITIONER, "police")
    made = record(officer, young_person())
    with pytest.raises(PermissionDenied):
        do_withdraw_record(actor=officer, record=made, reason="Wrong child")
    assert AgencyRecord.objects.filter(pk=made.pk).exists()


def test_a_withdrawal_needs_a_reason(make_user):
    officer = make_user(Role.PRACTITIONER, "police")
    made = record(officer, young_person())
    with pytest.raises(ValidationError) as refused:
        do_withdraw_record(actor=None, record=made, reason="  ")
    assert "reason" in refused.value.message_dict
    assert AgencyRecord.objects.filter(pk=made.pk).exists()

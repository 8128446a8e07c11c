"""A first import registers its unknown young people in bulk: each audited as one registration,
in a number of queries that does not grow with the rows, and a bad row writes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance.models import AuditEvent
from imports import actions
from imports.models import ImportedRow, LinkedHow, MatchStatus
from matching.tests.helpers import batch, rows, use_stand_in
from partnership.models import Role
from people.models import RecordedIdentity, YoungPerson
from records.models import AgencyRecord

pytestmark = pytest.mark.django_db


def _names(count: int, start: int = 0) -> list[str]:
    return [f"Pupil{number} Testperson{number}" for number in range(start, start + count)]


def _queries(the_batch) -> int:
    with CaptureQueriesContext(connection) as captured:
        summary = actions.LinkingSummary()
        pending = list(ImportedRow.objects.filter(batch=the_batch).order_by("row_number"))
        actions._carry_out(the_batch.user, _plan_new(pending), summary)
    return len(captured)


def _plan_new(pending):
    from matching.linking import Plan

    return Plan(new_people=[[row] for row in pending])


def test_each_unknown_row_registers_one_young_person_audited_alone(
    agencies, make_user, monkeypatch
):
    use_stand_in(monkeypatch)
    importer = make_user(Role.PRACTITIONER, "school")
    the_batch = batch(agencies["school"], importer)
    made = rows(the_batch, *_names(5))

    summary = actions.LinkingSummary()
    pending = list(ImportedRow.objects.filter(batch=the_batch).order_by("row_number"))
    actions._carry_out(importer, _plan_new(pending), summary)

    assert summary.new_people == 5
    linked = list(ImportedRow.objects.filter(pk__in=[row.pk for row in made]))
    assert {(row.match_status, row.linked_how) for row in linked} == {
        (MatchStatus.NEW_PERSON, LinkedHow.NEW_PERSON)
    }
    people = YoungPerson.objects.all()
    assert sorted(p.given_name for p in people) == [f"Pupil{n}" for n in range(5)]
    assert {row.young_person_id for row in linked} == {p.pk for p in people}
    # Each young person has the school's identity as recorded, and the row's absence record.
    assert RecordedIdentity.objects.filter(agency=agencies["school"]).count() == 5
    assert AgencyRecord.objects.filter(young_person__in=people).count() == 5
    # One registration event per young person (the system registers what the school recorded).
    events = AuditEvent.objects.filter(object_type="young_person", action="create")
    assert sorted(e.object_id for e in events) == sorted(str(p.pk) for p in people)


def test_registering_ten_times_the_rows_costs_the_same_queries(agencies, make_user, monkeypatch):
    use_stand_in(monkeypatch)
    importer = make_user(Role.PRACTITIONER, "school")
    small, large = batch(agencies["school"], importer), batch(agencies["school"], importer)
    rows(small, *_names(3))
    rows(large, *_names(30, start=100))
    assert _queries(small) == _queries(large)
    assert YoungPerson.objects.count() == 33


def test_a_linker_without_permission_registers_no_one(agencies, make_user, monkeypatch):
    use_stand_in(monkeypatch)
    importer = make_user(Role.PRACTITIONER, "school")
    partner = make_user(Role.COMMUNITY_PARTNER, "hotel")
    the_batch = batch(agencies["school"], importer)
    rows(the_batch, *_names(3))
    pending = list(ImportedRow.objects.filter(batch=the_batch))
    with pytest.raises(PermissionDenied):
        actions.create_people_for_rows(actor=partner, groups=[(row, []) for row in pending])
    assert not YoungPerson.objects.exists()
    assert set(ImportedRow.objects.values_list("match_status", flat=True)) == {MatchStatus.PENDING}

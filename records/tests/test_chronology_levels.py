"""The chronology decides each entry's level once per kind of record: the answer must still be
exactly what the gate says for every single record, for every kind of viewer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from governance import policy
from governance.actions import do_add_relationship
from governance.models import Level
from partnership.models import Role, ServiceKind
from records import queries
from records.models import AgencyRecord, Classification
from records.tests.helpers import record, young_person


@pytest.fixture
def mixed_chronology(db, make_user):
    """Records from three agencies, two services and several authors, every classification."""
    person = young_person()
    analyst = make_user(Role.ANALYST, "police", service=ServiceKind.INTELLIGENCE)
    officer = make_user(Role.PRACTITIONER, "police")
    nurse = make_user(Role.PRACTITIONER, "health", service=ServiceKind.SEXUAL_HEALTH)
    dsl = make_user(Role.PRACTITIONER, "school")
    made = []
    for days, (author, classification, type_code) in enumerate(
        [
            (analyst, Classification.RESTRICTED, "concern"),
            (analyst, Classification.STANDARD, "concern"),
            (officer, Classification.SENSITIVE, "concern"),
            (officer, Classification.STANDARD, "concern"),
            (nurse, Classification.STANDARD, "sexual-health-attendance"),
            (nurse, Classification.SENSITIVE, "concern"),
            (dsl, Classification.STANDARD, "concern"),
            (dsl, Classification.RESTRICTED, "concern"),
        ]
    ):
        made.append(
            record(
                author,
                person,
                title=f"Synthetic entry {days}",
                days_ago=days + 1,
                classification=classification,
                type_code=type_code,
                details=f"Synthetic details {days}",
            )
        )
    return person, made


VIEWERS = [
    (Role.COORDINATOR, "police", None, False),
    (Role.PRACTITIONER, "police", None, False),
    (Role.ANALYST, "police", ServiceKind.INTELLIGENCE, False),
    (Role.PRACTITIONER, "csc", None, False),
    (Role.PRACTITIONER, "csc", None, True),
    (Role.PRACTITIONER, "health", ServiceKind.SEXUAL_HEALTH, False),
    (Role.PRACTITIONER, "health", None, True),
    (Role.IG_OFFICER, "health", None, False),
    (Role.MASH_SCREENER, "school", None, False),
]


@pytest.mark.parametrize(("role", "agency", "service", "in_team"), VIEWERS)
def test_every_entry_is_at_exactly_the_level_the_gate_decides_for_that_record(
    make_user, mixed_chronology, role, agency, service, in_team
):
    person, made = mixed_chronology
    viewer_user = make_user(role, agency, username=f"viewer.{role}.{agency}", service=service)
    if in_team:
        do_add_relationship(
            actor=None, young_person=person, user=viewer_user, kind="case_team", reason="Allocated"
        )
    chronology = queries.chronology_for(viewer_user, person, queries.Filters())
    viewer = policy.viewer_for(viewer_user, person)
    expected = {
        one.pk: policy.level_of(viewer, AgencyRecord.objects.get(pk=one.pk)) for one in made
    }
    shown = {entry.record.pk: entry.level for entry in chronology.entries}
    assert shown == {pk: level for pk, level in expected.items() if level >= Level.SUMMARY}
    hidden = sum(1 for level in expected.values() if level == Level.EXISTENCE)
    assert sum(flag.count for flag in chronology.flags) == hidden


def test_an_entry_shows_what_the_database_holds_and_loads_the_rest_when_asked(
    make_user, mixed_chronology
):
    person, made = mixed_chronology
    coordinator = make_user(Role.COORDINATOR, "police")
    entries = queries.chronology_for(coordinator, person, queries.Filters()).entries
    assert [entry.record.pk for entry in entries] == [
        one.pk
        for one in sorted(made, key=lambda one: (one.occurred_at, one.pk), reverse=True)
        if one.pk in {entry.record.pk for entry in entries}
    ]
    for entry in entries:
        stored = AgencyRecord.objects.select_related(
            "record_type", "owning_agency", "owning_service"
        ).get(pk=entry.record.pk)
        shown = entry.record
        assert (shown.title, shown.occurred_at, shown.nature, shown.classification) == (
            stored.title,
            stored.occurred_at,
            stored.nature,
            stored.classification,
        )
        assert shown.record_type.name == stored.record_type.name
        assert shown.owning_agency.name == stored.owning_agency.name
        assert shown.owning_agency.cse_contact == stored.owning_agency.cse_contact
        assert getattr(shown.owning_service, "name", None) == getattr(
            stored.owning_service, "name", None
        )
        assert entry.href == f"/records/{stored.pk}/"
        # Not read for the chronology, but still there for whoever asks (one more query).
        with CaptureQueriesContext(connection) as extra:
            assert shown.details == stored.details
        assert len(extra.captured_queries) == 1


def test_the_number_of_queries_does_not_grow_with_the_records(make_user, mixed_chronology):
    person, _made = mixed_chronology
    coordinator = make_user(Role.COORDINATOR, "police")
    with CaptureQueriesContext(connection) as few:
        chronology = queries.chronology_for(coordinator, person, queries.Filters())
        [entry.record.record_type.name for entry in chronology.entries]
    for extra in range(30):
        record(coordinator, person, title=f"Synthetic extra {extra}", days_ago=extra + 20)
    with CaptureQueriesContext(connection) as many:
        chronology = queries.chronology_for(coordinator, person, queries.Filters())
        [entry.record.record_type.name for entry in chronology.entries]
    assert len(chronology.entries) >= 30
    assert len(many.captured_queries) == len(few.captured_queries)

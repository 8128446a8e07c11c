"""A record type's name can be content ("Found in the company of an adult"): the sharing
agreement says per category, and a sensitive record's type name is content too (ADR 0010)."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import sign_in_fully
from governance import policy
from governance.actions import do_add_relationship, do_save_sharing_agreement
from partnership.models import Role
from records.models import Classification
from records.tests.helpers import export_csv, record, young_person

pytestmark = pytest.mark.django_db

FOUND = "Found in the company of an adult"
# As an entry's or a record's heading (the filter's list of types names every type anyway).
FOUND_SHOWN = (f">{FOUND}</a>", f'<h1 class="govuk-heading-l">{FOUND}</h1>')


def shows_found(html: str) -> bool:
    return any(marker in html for marker in FOUND_SHOWN)


@pytest.fixture
def person():
    return young_person("Casey", "Typenameperson")


@pytest.fixture
def officer(make_user):
    return make_user(Role.PRACTITIONER, "police")


@pytest.fixture
def sensitive_police_record(officer, person):
    return record(
        officer,
        person,
        type_code="found-with-adult",
        title="Found at the services with a 34-year-old man",
        classification=Classification.SENSITIVE,
    )


@pytest.fixture
def coordinator(make_user):
    """Children's social care's coordinator: need to know, not in the case team, so another
    agency's sensitive record is a summary to them."""
    return make_user(Role.COORDINATOR, "csc")


def test_a_sensitive_records_type_name_is_not_shown_at_summary(
    client, coordinator, person, sensitive_police_record
):
    sign_in_fully(client, coordinator)
    chronology = client.get(f"/young-people/{person.pk}/").content.decode()
    assert 'data-level="Summary"' in chronology
    assert not shows_found(chronology)
    assert ">Episode</a>" in chronology
    detail = client.get(f"/records/{sensitive_police_record.pk}/").content.decode()
    assert not shows_found(detail)
    assert '<h1 class="govuk-heading-l">Episode</h1>' in detail
    listing = client.get("/records/").content.decode()
    assert f'href="/records/{sensitive_police_record.pk}/"' in listing
    assert not shows_found(listing)


def test_the_type_name_is_shown_at_full_level(client, make_user, coordinator, person):
    """A school's sensitive record: social care sees education in full from the case team."""
    school = record(
        make_user(Role.PRACTITIONER, "school"),
        person,
        type_code="found-with-adult",
        title="Collected from school by an unknown adult",
        classification=Classification.SENSITIVE,
    )
    sign_in_fully(client, coordinator)
    assert not shows_found(client.get(f"/records/{school.pk}/").content.decode())
    do_add_relationship(
        actor=None, young_person=person, user=coordinator, kind="case_team", reason="Allocated"
    )
    assert shows_found(client.get(f"/young-people/{person.pk}/").content.decode())
    assert shows_found(client.get(f"/records/{school.pk}/").content.decode())


def test_the_owning_agency_always_sees_its_own_type_names(
    client, officer, person, sensitive_police_record
):
    sign_in_fully(client, officer)
    assert shows_found(client.get(f"/young-people/{person.pk}/").content.decode())


def test_the_export_shows_the_generic_label_below_full_level(
    client, coordinator, person, sensitive_police_record
):
    sign_in_fully(client, coordinator)
    response = export_csv(client, coordinator, person)
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert FOUND not in response.content.decode()
    assert any(row[2] == "Episode" for row in rows[1:])


def test_a_standard_records_type_name_is_shown_at_summary_by_default(
    client, coordinator, officer, person
):
    record(officer, person, type_code="police-stop", title="Stopped in a car at 2am")
    sign_in_fully(client, coordinator)
    html = client.get(f"/young-people/{person.pk}/").content.decode()
    assert 'data-level="Summary"' in html
    assert ">Police stop</a>" in html


def test_the_agreement_can_make_a_categorys_type_names_content(
    client, coordinator, officer, person
):
    record(officer, person, type_code="police-stop", title="Stopped in a car at 2am")
    do_save_sharing_agreement(
        actor=None,
        rules={},
        note="Police type names are content",
        type_names_are_content={"police": True},
    )
    sign_in_fully(client, coordinator)
    html = client.get(f"/young-people/{person.pk}/").content.decode()
    assert ">Police stop</a>" not in html
    assert ">Episode</a>" in html


def test_each_version_of_the_agreement_keeps_its_own_type_names():
    assert policy.content_type_names() == {"sexual_health", "intelligence"}
    first = do_save_sharing_agreement(
        actor=None, rules={}, note="Police too", type_names_are_content={"police": True}
    )
    second = do_save_sharing_agreement(
        actor=None,
        rules={},
        note="Intelligence type names are not content",
        type_names_are_content={"intelligence": False},
    )
    assert policy.type_names_content_of(first) == {"sexual_health", "intelligence", "police"}
    assert policy.type_names_content_of(second) == {"sexual_health", "police"}
    assert policy.content_type_names() == {"sexual_health", "police"}


def test_an_unknown_category_is_refused_with_a_message():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Unknown category of record: pets"):
        do_save_sharing_agreement(
            actor=None, rules={}, note="Typo", type_names_are_content={"pets": True}
        )


def test_filtering_by_a_type_whose_name_is_content_does_not_tell_it(
    client, coordinator, person, sensitive_police_record
):
    sign_in_fully(client, coordinator)
    listing = client.get("/records/?type=found-with-adult").content.decode()
    assert f'href="/records/{sensitive_police_record.pk}/"' not in listing
    chronology = client.get(f"/young-people/{person.pk}/?type=found-with-adult").content.decode()
    assert f'href="/records/{sensitive_police_record.pk}/"' not in chronology
    # Unfiltered, the record is there at summary.
    assert (
        f'href="/records/{sensitive_police_record.pk}/"' in client.get("/records/").content.decode()
    )


def test_the_agreement_page_says_which_type_names_are_content(make_user, client):
    sign_in_fully(client, make_user(Role.IG_OFFICER, "health"))
    html = client.get("/governance/sharing-agreement/").content.decode()
    assert 'data-testid="type-names"' in html
    assert "Only at full level (the name is content)" in html

"""Concern categories, held as data, edited by the coordinator and the administrator: list, add,
rename and describe, retire (refused by the concerns feed from then on) and bring back."""

from __future__ import annotations

from pathlib import Path

import pytest

from governance.models import AuditEvent
from imports.models import Feed, ImportRejection
from imports.tests.helpers import run_import, write_csv
from partnership.models import Role
from records.models import ConcernCategory

pytestmark = pytest.mark.django_db

LIST = "/records/concern-categories/"


def _category(code: str) -> ConcernCategory:
    return ConcernCategory.objects.get(code=code)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ADMINISTRATOR])
def test_the_coordinator_and_administrator_see_every_category_with_its_status(
    role, make_user, signed_in
):
    ConcernCategory.objects.filter(code="online_contact").update(is_active=False)
    client = signed_in(make_user(role, "csc"))
    response = client.get(LIST)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Older associate" in page
    assert "older_associate" in page
    retired = page.split('data-testid="category-online_contact"')[1].split("</tr>")[0]
    assert "Retired" in retired
    assert "Bring back into use" in retired
    assert AuditEvent.objects.filter(object_type="concern_category", action="list").exists()


@pytest.mark.parametrize(
    "role", [Role.PRACTITIONER, Role.MASH_SCREENER, Role.ANALYST, Role.IG_OFFICER]
)
def test_other_roles_get_page_not_found_and_change_nothing(role, make_user, signed_in):
    client = signed_in(make_user(role, "police"))
    category = _category("older_associate")
    assert client.get(LIST).status_code == 404
    assert client.get(f"{LIST}new/").status_code == 404
    response = client.post(f"{LIST}new/", {"code": "county_lines", "name": "County lines"})
    assert response.status_code == 404
    response = client.post(f"{LIST}{category.pk}/retire/")
    assert response.status_code == 404
    assert not ConcernCategory.objects.filter(code="county_lines").exists()
    assert _category("older_associate").is_active
    assert AuditEvent.objects.filter(object_type="concern_category", outcome="refused").exists()


def test_a_coordinator_adds_a_category_the_concerns_feed_then_accepts(
    agencies, make_user, signed_in, tmp_path: Path
):
    client = signed_in(make_user(Role.COORDINATOR, "csc"))
    response = client.post(
        f"{LIST}new/",
        {"code": "County lines", "name": "County lines", "description": "Drug running."},
    )
    assert response.status_code == 302
    added = _category("county_lines")  # the code as files give it
    assert (added.name, added.description, added.is_active) == (
        "County lines",
        "Drug running.",
        True,
    )
    event = AuditEvent.objects.get(object_type="concern_category", object_id=str(added.pk))
    assert event.action == "configure"

    batch = run_import(
        write_csv(tmp_path / "concerns.csv", [_concern(category="county_lines")]),
        feed=Feed.CONCERNS,
        agency=agencies["charity"],
    )
    assert batch.rows_accepted == 1


def test_a_code_or_name_already_used_is_refused_on_the_form(make_user, signed_in):
    client = signed_in(make_user(Role.COORDINATOR, "csc"))
    response = client.post(f"{LIST}new/", {"code": "older_associate", "name": "Another"})
    assert response.status_code == 400
    assert "already has the code" in response.content.decode()
    response = client.post(f"{LIST}new/", {"code": "another", "name": "older ASSOCIATE"})
    assert response.status_code == 400
    assert "already called" in response.content.decode()
    response = client.post(f"{LIST}new/", {"code": "bad/code!", "name": "Bad"})
    assert response.status_code == 400
    assert "lower-case letters, digits and underscores" in response.content.decode()
    assert not ConcernCategory.objects.filter(name__in=["Another", "Bad"]).exists()


def test_renaming_keeps_the_code_and_is_audited_with_what_it_was(make_user, signed_in):
    client = signed_in(make_user(Role.ADMINISTRATOR, "council"))
    category = _category("older_associate")
    response = client.post(
        f"{LIST}{category.pk}/change/",
        {"name": "Older associate or adult", "description": "Someone much older."},
    )
    assert response.status_code == 302
    category.refresh_from_db()
    assert (category.code, category.name) == ("older_associate", "Older associate or adult")
    event = AuditEvent.objects.get(object_type="concern_category", object_id=str(category.pk))
    assert event.details["before"]["name"] == "Older associate"
    # The change page has no code field: a code never changes.
    assert 'name="code"' not in client.get(f"{LIST}{category.pk}/change/").content.decode()


def test_a_retired_category_is_refused_by_the_feed_naming_row_column_and_retired(
    agencies, make_user, signed_in, tmp_path: Path
):
    client = signed_in(make_user(Role.COORDINATOR, "csc"))
    category = _category("online_contact")
    assert client.get(f"{LIST}{category.pk}/retire/").status_code == 200
    assert client.post(f"{LIST}{category.pk}/retire/").status_code == 302
    category.refresh_from_db()
    assert category.is_active is False  # retired, not deleted

    batch = run_import(
        write_csv(
            tmp_path / "concerns.csv",
            [_concern(category="older_associate"), _concern(2, category="Online contact")],
        ),
        feed=Feed.CONCERNS,
        agency=agencies["charity"],
    )
    assert batch.rows_accepted == 1
    (problem,) = ImportRejection.objects.filter(batch=batch, kept=False)
    assert (problem.row_number, problem.field) == (3, "category")
    assert "'Online contact' is a retired concern category" in problem.rule

    # Brought back: accepted again.
    assert client.post(f"{LIST}{category.pk}/retire/").status_code == 302
    category.refresh_from_db()
    assert category.is_active is True


def test_the_last_category_in_use_cannot_be_retired(make_user, signed_in):
    client = signed_in(make_user(Role.COORDINATOR, "csc"))
    ConcernCategory.objects.exclude(code="other").update(is_active=False)
    last = _category("other")
    response = client.post(f"{LIST}{last.pk}/retire/")
    assert response.status_code == 400
    assert "Keep at least one concern category in use" in response.content.decode()
    last.refresh_from_db()
    assert last.is_active


def test_the_link_is_shown_only_to_those_who_may_edit(make_user, signed_in, client):
    admin = signed_in(make_user(Role.ADMINISTRATOR, "council"))
    assert LIST in admin.get("/").content.decode()
    client.logout()
    coordinator = signed_in(make_user(Role.COORDINATOR, "csc"))
    assert LIST in coordinator.get("/matching/thresholds/").content.decode()
    client.logout()
    practitioner = signed_in(make_user(Role.PRACTITIONER, "school"))
    assert LIST not in practitioner.get("/").content.decode()


def _concern(number: int = 1, **changes: str) -> dict[str, str]:
    return {
        "given_name": "Kayla",
        "family_name": "Synthetic-Testperson",
        "date_of_birth": "2011-03-04",
        "gender": "F",
        "postcode": "EB1 2AB",
        "concern_reference": f"EYC-C-{number:04d}",
        "agency_kind": "voluntary_sector",
        "reporter_role": "Youth worker",
        "concern_date": "2026-10-02 19:30",
        "category": "older_associate",
        "concern": "Collected from the youth club by a man in his twenties.",
        **changes,
    }

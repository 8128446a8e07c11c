"""Break-glass: a reason, a short window, the owners told, and an IG review."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import sign_in_fully
from governance.models import AuditAction, AuditEvent, BreakGlassAccess
from notifications.models import Notification
from partnership.models import Role
from records.tests.helpers import record, young_person


@pytest.fixture
def scene(make_user):
    person = young_person()
    officer = make_user(Role.PRACTITIONER, "police")
    missing = record(officer, person, type_code="missing-episode", title="Missing overnight")
    social_worker = make_user(Role.PRACTITIONER, "csc")
    client = Client()
    sign_in_fully(client, social_worker)
    return person, missing, social_worker, client


def test_without_break_glass_a_practitioner_sees_only_who_holds_information(scene):
    person, missing, _, client = scene
    page = client.get(f"/young-people/{person.pk}/").content
    assert b"Testshire Police holds information" in page
    assert b"Use break-glass access" in page
    assert client.get(f"/records/{missing.pk}/").status_code == 404


def test_break_glass_needs_a_reason(scene):
    person, _, _, client = scene
    response = client.post(f"/young-people/{person.pk}/break-glass/", {"reason": "urgent"})
    assert response.status_code == 200
    assert b"at least 10 characters" in response.content
    assert not BreakGlassAccess.objects.exists()


def test_break_glass_opens_the_records_and_tells_the_owners(scene):
    person, missing, user, client = scene
    reason = "Young person missing tonight; police unreachable on the out-of-hours line"
    response = client.post(f"/young-people/{person.pk}/break-glass/", {"reason": reason})
    assert response.status_code == 302
    assert client.get(f"/records/{missing.pk}/").status_code == 200
    page = client.get(f"/young-people/{person.pk}/").content
    assert b"You are using break-glass access" in page
    notice = Notification.objects.get()
    assert notice.agency == missing.owning_agency
    assert notice.kind == "break_glass"
    event = AuditEvent.objects.get(action=AuditAction.BREAK_GLASS)
    assert event.purpose == reason
    assert event.actor_id == user.pk
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="young_person", purpose="break-glass"
    ).exists()


def test_break_glass_runs_out(scene):
    from datetime import timedelta

    from django.utils import timezone

    person, missing, _, client = scene
    client.post(
        f"/young-people/{person.pk}/break-glass/",
        {"reason": "Young person missing tonight, police unreachable"},
    )
    BreakGlassAccess.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/records/{missing.pk}/").status_code == 404


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.STRATEGIC_LEAD, Role.IG_OFFICER])
def test_roles_that_do_not_work_cases_cannot_break_glass(make_user, role):
    person = young_person()
    client = Client()
    sign_in_fully(client, make_user(role, "council"))
    response = client.post(
        f"/young-people/{person.pk}/break-glass/", {"reason": "I would like to see this please"}
    )
    assert response.status_code == 404
    assert not BreakGlassAccess.objects.exists()

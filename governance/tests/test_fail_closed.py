"""If the audit log cannot be written, the request fails and shows no data."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import DatabaseError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client

from conftest import sign_in_fully
from governance.models import AuditEvent
from partnership.models import Role
from people.models import YoungPerson


@pytest.fixture
def person(db):
    return YoungPerson.objects.create(
        given_name="Quinn",
        family_name="Unlogged",
        date_of_birth=date(2010, 2, 3),
        is_synthetic=True,
    )


def test_a_young_persons_page_fails_closed_when_the_audit_write_fails(
    make_user, person, monkeypatch
):
    client = Client(raise_request_exception=False)
    sign_in_fully(client, make_user(Role.COORDINATOR, "csc"))

    def refuse(*args, **kwargs):
        raise DatabaseError("audit store unavailable")

    monkeypatch.setattr(AuditEvent.objects, "create", refuse)
    response = client.get(f"/young-people/{person.pk}/")
    assert response.status_code == 500
    assert b"Unlogged" not in response.content
    assert b"Sorry, there is a problem with Tessera" in response.content


def test_a_list_fails_closed_when_the_audit_write_fails(make_user, person, monkeypatch):
    client = Client(raise_request_exception=False)
    sign_in_fully(client, make_user(Role.PRACTITIONER, "school"))
    monkeypatch.setattr(
        AuditEvent.objects, "create", lambda *a, **k: (_ for _ in ()).throw(DatabaseError("down"))
    )
    response = client.get("/young-people/?q=Quinn")
    assert response.status_code == 500
    assert b"Unlogged" not in response.content


def test_a_young_persons_page_fails_closed_when_the_database_goes_down(
    make_user, person, monkeypatch
):
    """The database stops answering mid-session: an error page, and nothing of the young
    person's (the session itself is read before the database goes)."""
    client = Client(raise_request_exception=False)
    sign_in_fully(client, make_user(Role.COORDINATOR, "csc"))

    def down(*args, **kwargs):
        raise OperationalError("the database is not answering")

    with monkeypatch.context() as patch:
        patch.setattr(CursorWrapper, "execute", down)
        patch.setattr(CursorWrapper, "executemany", down)
        response = client.get(f"/young-people/{person.pk}/")
    assert response.status_code in (500, 503)
    assert b"Unlogged" not in response.content
    assert b"Quinn" not in response.content

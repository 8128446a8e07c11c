"""Sessions: new keys at each step, idle and absolute limits, and ways they end."""

from __future__ import annotations

import time

from django.test import Client

from conftest import PASSWORD, current_code, device_of
from partnership.actions import do_deactivate_user
from partnership.models import Role
from web.middleware import LAST_SEEN, SIGNED_IN_AT


def _session_key(client: Client) -> str:
    return client.cookies["tessera_session"].value


def test_sign_in_and_the_second_factor_each_issue_a_new_session_key(client, make_user):
    user = make_user()
    client.get("/sign-in/")
    client.session.save()
    client.cookies["tessera_session"] = client.session.session_key
    before = _session_key(client)
    client.post("/sign-in/", {"username": user.username, "password": PASSWORD})
    after_password = _session_key(client)
    client.post("/sign-in/code/", {"code": current_code(device_of(user))})
    after_code = _session_key(client)
    assert len({before, after_password, after_code}) == 3


def _age_session(client: Client, **seconds_ago: float) -> None:
    session = client.session
    now = time.time()
    if "idle" in seconds_ago:
        session[LAST_SEEN] = now - seconds_ago["idle"]
    if "signed_in" in seconds_ago:
        session[SIGNED_IN_AT] = now - seconds_ago["signed_in"]
    session.save()


def test_fifteen_minutes_idle_signs_out(signed_in, make_user):
    client = signed_in(make_user())
    _age_session(client, idle=15 * 60 + 5)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"
    assert client.get("/").status_code == 302


def test_activity_within_fifteen_minutes_keeps_the_session(signed_in, make_user):
    client = signed_in(make_user())
    _age_session(client, idle=14 * 60)
    assert client.get("/").status_code == 200


def test_ten_hours_after_sign_in_the_session_ends_however_active(signed_in, make_user):
    client = signed_in(make_user())
    _age_session(client, signed_in=10 * 3600 + 5, idle=10)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"


def test_signing_out_ends_the_session(signed_in, make_user):
    client = signed_in(make_user())
    old_key = _session_key(client)
    response = client.post("/sign-out/")
    assert response["Location"] == "/sign-in/"
    replay = Client()
    replay.cookies["tessera_session"] = old_key
    assert replay.get("/").status_code == 302


def test_sign_out_needs_a_post(signed_in, make_user):
    client = signed_in(make_user())
    assert client.get("/sign-out/").status_code == 405
    assert client.get("/").status_code == 200


def test_disabling_a_user_ends_their_session_at_once(signed_in, make_user):
    user = make_user()
    admin = make_user(Role.ADMINISTRATOR, "council")
    client = signed_in(user)
    assert client.get("/").status_code == 200
    do_deactivate_user(actor=admin, user=user, reason="Left the partnership")
    assert client.get("/").status_code == 302


def test_a_password_change_ends_other_sessions(signed_in, make_user):
    user = make_user()
    client = signed_in(user)
    user.set_password("a-brand-new-passphrase")
    user.save()
    assert client.get("/").status_code == 302


def test_only_an_administrator_can_disable_a_user(make_user):
    import pytest
    from django.core.exceptions import PermissionDenied

    user = make_user()
    coordinator = make_user(Role.COORDINATOR, "police")
    with pytest.raises(PermissionDenied):
        do_deactivate_user(actor=coordinator, user=user, reason="no")
    user.refresh_from_db()
    assert user.is_active


def _let_time_pass(client: Client, seconds: float) -> None:
    """As if ``seconds`` had passed since the last request: the session's own times and the
    expiry date the session store gave it all move back."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session

    session = client.session
    for key in (LAST_SEEN, SIGNED_IN_AT):
        session[key] = float(session[key]) - seconds
    session.save()
    stored = Session.objects.get(session_key=session.session_key)
    stored.expire_date -= timedelta(seconds=seconds)
    stored.save()


def test_an_idle_session_is_signed_out_and_its_expiry_audited(signed_in, make_user):
    from governance.models import AuditAction, AuditEvent

    user = make_user()
    client = signed_in(user)
    _let_time_pass(client, 15 * 60 + 5)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"
    event = AuditEvent.objects.get(action=AuditAction.SESSION_EXPIRED)
    assert event.actor_username == user.username
    assert event.details == {"reason": "idle"}

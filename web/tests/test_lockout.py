"""Repeated failures lock by username and by address without revealing which accounts exist."""

from __future__ import annotations

from django.test import Client

from conftest import PASSWORD
from governance.models import AuditAction, AuditEvent


def _fail(
    client: Client, username: str, times: int, address: str = "10.0.0.1"
) -> list[tuple[int, bytes]]:
    bodies = []
    for _ in range(times):
        response = client.post(
            "/sign-in/", {"username": username, "password": "not-the-password"}, REMOTE_ADDR=address
        )
        bodies.append((response.status_code, response.content.replace(b"\n", b"")))
    return bodies


def _strip_csrf(body: bytes) -> bytes:
    import re

    body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
    return re.sub(rb'nonce="[^"]+"', b"", body)


def test_a_known_and_an_unknown_username_get_the_same_response(client, make_user):
    user = make_user()
    known = _fail(Client(), user.username, 1, address="10.0.0.2")[0]
    unknown = _fail(Client(), "nobody-" + user.username[7:], 1, address="10.0.0.3")[0]
    assert known[0] == unknown[0] == 200
    # The pages differ only in the username echoed back into the form.
    assert _strip_csrf(known[1]).replace(user.username.encode(), b"U") == _strip_csrf(
        unknown[1]
    ).replace(("nobody-" + user.username[7:]).encode(), b"U")


def test_five_failures_lock_the_username_even_with_the_right_password(make_user):
    user = make_user()
    _fail(Client(), user.username, 5, address="10.0.0.4")
    response = Client().post(
        "/sign-in/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.5"
    )
    assert response.status_code == 429
    assert b"Sign-in paused" in response.content


def test_five_failures_lock_the_address_for_other_usernames(make_user):
    user = make_user()
    _fail(Client(), "someone", 5, address="10.0.0.6")
    response = Client().post(
        "/sign-in/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.6"
    )
    assert response.status_code == 429


def test_a_locked_unknown_username_looks_the_same_as_a_locked_known_one(make_user):
    user = make_user()
    known = _fail(Client(), user.username, 6, address="10.0.0.7")[-1]
    unknown = _fail(Client(), "ghost.user", 6, address="10.0.0.8")[-1]
    assert known[0] == unknown[0] == 429
    assert _strip_csrf(known[1]) == _strip_csrf(unknown[1])


def test_fewer_failures_do_not_lock(make_user):
    user = make_user()
    _fail(Client(), user.username, 4, address="10.0.0.9")
    response = Client().post(
        "/sign-in/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 302


def test_a_lockout_is_audited(make_user):
    user = make_user()
    _fail(Client(), user.username, 6, address="10.0.0.10")
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT).exists()


def test_an_unknown_username_is_not_kept_verbatim_in_the_audit_log(db):
    secret_looking = "Summer2026!-typed-in-the-wrong-box"
    Client().post(
        "/sign-in/", {"username": secret_looking, "password": "x"}, REMOTE_ADDR="10.0.1.1"
    )
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert secret_looking not in str(event.details)
    assert len(event.details["unknown_username_fingerprint"]) == 16


def test_a_known_username_is_kept_for_the_ig_officer(make_user):
    user = make_user()
    Client().post("/sign-in/", {"username": user.username, "password": "x"}, REMOTE_ADDR="10.0.1.2")
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert event.details["username_attempted"] == user.username

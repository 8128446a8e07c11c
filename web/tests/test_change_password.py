"""Users change their own password with the current one and a fresh security code; their other
sessions end and the change is audited (SECURITY.md: sessions, fresh proof for risky acts)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, current_code, device_of
from governance.models import AuditAction, AuditEvent, Notification
from partnership.models import Role, User

URL = reverse("web:change-password")
NEW_PASSWORD = "a-new-and-longer-passphrase"


def _fresh_code(user: User) -> str:
    # Signing in spent this step's code; the app's next code is the one a user would type now.
    return current_code(device_of(user), steps_ago=-1)


def _change(client: Client, user: User, **overrides: str) -> Any:
    data = {
        "old_password": PASSWORD,
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
        "code": _fresh_code(user),
        **overrides,
    }
    return client.post(URL, data)


def _password_is(user: User, password: str) -> bool:
    user.refresh_from_db()
    return user.check_password(password)


def test_the_header_links_to_the_page(signed_in, make_user):
    client = signed_in(make_user())
    assert f'href="{URL}"'.encode() in client.get("/").content
    assert b"Change your password" in client.get(URL).content


def test_a_user_changes_their_password_and_other_sessions_end(signed_in, make_user):
    user = make_user()
    elsewhere = Client()  # signed in on another machine a moment earlier, with that step's code
    elsewhere.post(reverse("web:sign-in"), {"username": user.username, "password": PASSWORD})
    earlier = current_code(device_of(user), steps_ago=1)
    assert elsewhere.post(reverse("web:second-factor"), {"code": earlier}).status_code == 302
    client = signed_in(user)
    response = _change(client, user)
    assert response.status_code == 302
    assert _password_is(user, NEW_PASSWORD)
    assert client.get("/").status_code == 200  # this session carries on
    assert elsewhere.get("/").status_code == 302  # the other one has ended
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="user")
    assert event.actor_username == user.username
    assert event.details["change"] == "password changed"
    assert event.details["sessions_ended"] == 1
    assert Notification.objects.filter(user=user, kind="password_changed").exists()


def test_the_current_password_is_needed(signed_in, make_user):
    user = make_user()
    client = signed_in(user)
    response = _change(client, user, old_password="not-the-password")
    assert b"Your current password is wrong" in response.content
    assert _password_is(user, PASSWORD)


def test_a_fresh_security_code_is_needed(signed_in, make_user):
    user = make_user()
    client = signed_in(user)
    spent = current_code(device_of(user))  # the code the sign-in just used
    response = _change(client, user, code=spent)
    assert b"The security code is wrong, already used or expired" in response.content
    assert _password_is(user, PASSWORD)
    response = _change(client, user, code="")
    assert b"Enter the 6-digit security code" in response.content
    assert _password_is(user, PASSWORD)


def test_a_weak_new_password_is_refused_with_the_rule(signed_in, make_user):
    user = make_user()
    client = signed_in(user)
    weak = "aaaaaaaaaaaa"
    response = _change(client, user, new_password1=weak, new_password2=weak)
    assert b"Your password must use at least 5 different characters" in response.content
    assert _password_is(user, PASSWORD)


def test_new_passwords_that_differ_are_refused(signed_in, make_user):
    user = make_user()
    client = signed_in(user)
    response = _change(client, user, new_password2=NEW_PASSWORD + "x")
    assert b"The new passwords do not match" in response.content
    assert _password_is(user, PASSWORD)


def test_five_wrong_current_passwords_end_the_session(signed_in, make_user):
    user = make_user()
    client = signed_in(user)
    for _ in range(5):
        _change(client, user, old_password="guess")
    assert client.get("/").status_code == 302


def test_a_password_only_session_cannot_change_the_password(client, make_user):
    from conftest import sign_in_with_password

    user = make_user()
    sign_in_with_password(client, user)
    response = _change(client, user)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/code/")
    assert _password_is(user, PASSWORD)


def test_a_community_partner_does_not_see_the_page(signed_in, make_user):
    user = make_user(Role.COMMUNITY_PARTNER, "hotel")
    client = signed_in(user)
    assert client.get(URL).status_code == 404

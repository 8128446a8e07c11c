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


def test_failures_at_one_username_do_not_lock_others_at_the_same_address(make_user):
    user = make_user()
    _fail(Client(), "someone", 5, address="10.0.0.6")
    response = Client().post(
        "/sign-in/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.6"
    )
    assert response.status_code == 302


def test_an_address_is_locked_after_its_own_higher_limit_across_usernames(make_user, settings):
    settings.TESSERA_LOCKOUT_ADDRESS_FAILURES = 12
    user = make_user()
    for name in ("guess.one", "guess.two", "guess.three"):
        _fail(Client(), name, 4, address="10.0.0.11")  # each username stays under its limit
    from_there = Client().post(
        "/sign-in/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.11"
    )
    elsewhere = Client().post(
        "/sign-in/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.12"
    )
    assert from_there.status_code == 429
    assert elsewhere.status_code == 302


def test_the_address_limit_is_much_higher_than_the_username_limit(settings):
    assert settings.TESSERA_LOCKOUT_ADDRESS_FAILURES >= 10 * settings.AXES_FAILURE_LIMIT


def test_a_username_is_locked_wherever_its_failures_come_from(make_user):
    user = make_user()
    for n in range(5):
        _fail(Client(), user.username, 1, address=f"10.0.2.{n + 1}")
    response = Client().post(
        "/sign-in/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.2.9"
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


def _age_failures(minutes: int) -> None:
    """Move every recorded failure back in time, as if ``minutes`` had passed."""
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.db.models import F

    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_attempts_during_a_lockout_do_not_extend_it(make_user):
    user = make_user()
    _fail(Client(), user.username, 5, address="10.0.3.1")
    _age_failures(29)
    during = _fail(Client(), user.username, 2, address="10.0.3.1")
    right_password = Client().post(
        "/sign-in/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.3.1"
    )
    assert [status for status, _ in during] == [429, 429]
    assert right_password.status_code == 429
    _age_failures(2)  # 31 minutes since the fifth failure
    response = Client().post(
        "/sign-in/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.3.1"
    )
    assert response.status_code == 302


def test_signing_in_yourself_does_not_clear_failures_at_someone_else(make_user):
    victim = make_user(username="victim.user")
    insider = make_user(username="insider.user", agency="police")
    office = "10.0.4.1"
    _fail(Client(), victim.username, 4, address=office)
    own = Client().post(
        "/sign-in/", {"username": insider.username, "password": PASSWORD}, REMOTE_ADDR=office
    )
    assert own.status_code == 302
    _fail(Client(), victim.username, 1, address=office)  # the fifth failure locks
    response = Client().post(
        "/sign-in/", {"username": victim.username, "password": PASSWORD}, REMOTE_ADDR="10.0.4.2"
    )
    assert response.status_code == 429


def test_signing_in_clears_your_own_failures(make_user):
    user = make_user()
    for _ in range(2):
        _fail(Client(), user.username, 4, address="10.0.5.1")
        response = Client().post(
            "/sign-in/", {"username": user.username, "password": PASSWORD}, REMOTE_ADDR="10.0.5.1"
        )
        assert response.status_code == 302


# Sign-in through a simulated TLS proxy at 10.9.0.1 (the operations guide's set-up).
PROXY = "10.9.0.1"


def _via_proxy(username: str, password: str, client_address: str, peer: str = PROXY) -> int:
    response = Client().post(
        "/sign-in/",
        {"username": username, "password": password},
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=client_address,
    )
    return response.status_code


def test_behind_the_proxy_one_clients_failures_do_not_lock_out_everyone(make_user, settings):
    settings.TESSERA_TRUSTED_PROXIES = [PROXY]
    settings.TESSERA_LOCKOUT_ADDRESS_FAILURES = 8
    user = make_user()
    for name in ("guess.one", "guess.two"):
        for _ in range(4):
            _via_proxy(name, "wrong-password", "198.51.100.7")
    # The attacker's own address is now locked; a colleague behind the same proxy is not.
    assert _via_proxy(user.username, PASSWORD, "198.51.100.7") == 429
    assert _via_proxy(user.username, PASSWORD, "198.51.100.8") == 302


def test_forwarded_for_from_an_untrusted_peer_is_ignored(make_user, settings):
    settings.TESSERA_TRUSTED_PROXIES = [PROXY]
    settings.TESSERA_LOCKOUT_ADDRESS_FAILURES = 8
    user = make_user()
    attacker = "203.0.113.9"  # talks to Tessera directly, claiming a new address each time
    for n in range(8):
        _via_proxy(f"guess.{n % 2}", "wrong-password", f"192.0.2.{n + 1}", peer=attacker)
    assert _via_proxy(user.username, PASSWORD, "192.0.2.200", peer=attacker) == 429
    assert _via_proxy(user.username, PASSWORD, "192.0.2.200") == 302


def test_the_client_address_is_what_the_trusted_proxy_saw(rf, settings):
    from web.lockout import client_address

    settings.TESSERA_TRUSTED_PROXIES = ["10.9.0.0/24"]

    def seen(peer: str, forwarded: str | None = None) -> str | None:
        extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
        return client_address(rf.get("/", REMOTE_ADDR=peer, **extra))

    assert seen(PROXY, "198.51.100.7") == "198.51.100.7"
    # A client that sends its own header through the proxy: only the proxy's entry counts.
    assert seen(PROXY, "1.2.3.4, 198.51.100.7") == "198.51.100.7"
    # Two trusted proxies in a row.
    assert seen(PROXY, "198.51.100.7, 10.9.0.2") == "198.51.100.7"
    # Not through a trusted proxy: the header is ignored.
    assert seen("203.0.113.9", "1.2.3.4") == "203.0.113.9"
    # Through the proxy but without a usable header: the proxy's own address.
    assert seen(PROXY) == PROXY
    assert seen(PROXY, "not-an-address") == PROXY


def test_a_bad_trusted_proxy_setting_stops_start_up_naming_it():
    import pytest
    from django.core.exceptions import ImproperlyConfigured

    from tessera.env import Env

    with pytest.raises(ImproperlyConfigured, match="TESSERA_TRUSTED_PROXIES"):
        Env({"TESSERA_TRUSTED_PROXIES": "10.0.0.1, proxy.example"}).networks(
            "TESSERA_TRUSTED_PROXIES"
        )

"""Security headers on every page."""

from __future__ import annotations

import re


def test_pages_carry_a_strict_nonce_based_csp(client):
    response = client.get("/sign-in/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)'", csp)
    assert nonce, csp
    assert f'nonce="{nonce.group(1)}"'.encode() in response.content


def test_each_response_has_a_fresh_nonce(client):
    first = client.get("/sign-in/")["Content-Security-Policy"]
    second = client.get("/sign-in/")["Content-Security-Policy"]
    assert first != second


def test_no_third_party_sources_are_allowed(client):
    csp = client.get("/sign-in/")["Content-Security-Policy"]
    assert "http" not in csp
    assert "*" not in csp


def test_pages_are_not_stored_or_framed_or_sniffed(client):
    response = client.get("/sign-in/")
    assert response["Cache-Control"] == "no-store"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_record_pages_are_not_stored(signed_in, make_user):
    client = signed_in(make_user())
    assert client.get("/young-people/")["Cache-Control"] == "no-store"


def test_every_response_has_a_request_id(client):
    assert re.fullmatch(r"[0-9a-f-]{36}", client.get("/sign-in/")["X-Request-ID"])


def _permissions_policy(response) -> dict[str, str]:
    header = response["Permissions-Policy"]
    return dict(item.strip().split("=", 1) for item in header.split(","))


def test_every_response_switches_off_powerful_browser_features(client, signed_in, make_user):
    responses = [client.get("/sign-in/"), client.get("/health/"), client.get("/no-such-page/")]
    responses.append(signed_in(make_user()).get("/"))
    for response in responses:
        policy = _permissions_policy(response)
        for feature in ("camera", "microphone", "geolocation", "payment", "usb", "serial"):
            assert policy.get(feature) == "()", (response.request["PATH_INFO"], feature)

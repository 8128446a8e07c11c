"""Every URL is either on the short public allowlist or behind verified two-factor sign-in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import sign_in_with_password
from kit.access import PASSWORD_ONLY, PUBLIC, access_of, is_partner_allowed

PUBLIC_ALLOWLIST = {"web:sign-in", "web:sign-out", "web:health"}
PASSWORD_ONLY_ALLOWLIST = {"web:second-factor", "web:second-factor-set-up"}
PARTNER_ALLOWLIST = (
    {"web:home", "referrals:partner-concern", "referrals:receipt"}
    | PUBLIC_ALLOWLIST
    | PASSWORD_ONLY_ALLOWLIST
)


def all_routes() -> Iterator[tuple[str, str, Any]]:
    """(name, example path, view) for every URL pattern in the project."""

    def walk(patterns: list[Any], prefix: str, namespace: str) -> Iterator[tuple[str, str, Any]]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace or namespace
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                path = "/" + re.sub(r"<(?:\w+:)?\w+>", "1", route).lstrip("^").rstrip("$")
                name = f"{namespace}:{pattern.name}" if namespace else str(pattern.name)
                yield name, path, pattern.callback

    yield from walk(get_resolver().url_patterns, "", "")


ROUTES = sorted(all_routes())


def test_the_route_list_is_not_empty():
    assert len(ROUTES) >= 7


def test_only_the_allowlist_is_public():
    public = {name for name, _, view in ROUTES if access_of(view) == PUBLIC}
    assert public == PUBLIC_ALLOWLIST


def test_only_the_second_factor_steps_take_a_password_alone():
    password_only = {name for name, _, view in ROUTES if access_of(view) == PASSWORD_ONLY}
    assert password_only == PASSWORD_ONLY_ALLOWLIST


def test_only_the_partner_pages_are_open_to_community_partners():
    open_to_partners = {
        name
        for name, _, view in ROUTES
        if is_partner_allowed(view) or access_of(view) in (PUBLIC, PASSWORD_ONLY)
    }
    assert open_to_partners == PARTNER_ALLOWLIST


@pytest.mark.parametrize(("name", "path"), [(n, p) for n, p, _ in ROUTES])
def test_a_stranger_is_sent_to_sign_in(client, name, path):
    response = client.get(path)
    if name in PUBLIC_ALLOWLIST:
        assert response.status_code in (200, 302, 405)
        return
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/?next=") or response["Location"].startswith(
        "/sign-in/"
    )


@pytest.mark.parametrize(("name", "path"), [(n, p) for n, p, _ in ROUTES])
def test_a_password_only_session_reaches_nothing_but_the_allowlist(client, make_user, name, path):
    sign_in_with_password(client, make_user())
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        if name in PUBLIC_ALLOWLIST | PASSWORD_ONLY_ALLOWLIST:
            continue
        assert response.status_code == 302, (method, path)
        assert response["Location"].startswith("/sign-in/code/"), (method, path)

"""Every link a role is shown opens for that role.

For each kind of demo account, this signs in to the synthetic Eastbrook partnership, follows every
link on every page it can reach from the home page (up to a bound), and fails on any link that
answers "page not found" or "forbidden" for that account, naming the page it was on. A link the
viewer cannot open says something exists that they may not see, and wastes their time.
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import urldefrag, urlsplit

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import current_code
from demo.eastbrook import DEMO_PASSWORD, Generator
from partnership.models import User

ACCOUNTS = (
    "csc.coordinator",
    "police.mash",
    "school.dsl",
    "health.sexualhealth",
    "police.analyst",
    "police.practitioner",
    "safesteps.practitioner",
    "csc.ig",
    "csc.strategic",
    "council.admin",
    "hotel.partner",
)
PAGES_PER_ACCOUNT = 120
# Links that act or leave rather than show a page.
SKIPPED = re.compile(r"^/(sign-out|static/|media/)|/export|\.csv$|/download")
HREF = re.compile(r'<a\b[^>]*\bhref="([^"#][^"]*)"', re.IGNORECASE)


def _signed_in(username: str) -> Client:
    user = User.objects.get(username=username)
    client = Client(raise_request_exception=False)
    response = client.post("/sign-in/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    response = client.post("/sign-in/code/", {"code": current_code(device)})
    assert response.status_code == 302, username
    return client


def _links(html: str) -> set[str]:
    found = set()
    for raw in HREF.findall(html):
        href = urldefrag(unescape(raw))[0]
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue
        if SKIPPED.search(parts.path):
            continue
        found.add(href)
    return found


def _broken_links(username: str) -> list[str]:
    client = _signed_in(username)
    seen: dict[str, str] = {"/": "(start)"}
    queue: deque[str] = deque(["/"])
    broken: list[str] = []
    fetched = 0
    while queue and fetched < PAGES_PER_ACCOUNT:
        url = queue.popleft()
        response = client.get(url)
        fetched += 1
        if response.status_code in (403, 404) or response.status_code >= 500:
            broken.append(
                f"{username}: {url} answers {response.status_code}, linked from {seen[url]}"
            )
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        for link in sorted(_links(response.content.decode())):
            path = urlsplit(link).path
            # One page of each list is enough: the pages after it show the same kinds of links.
            if "page=" in link and not link.endswith("page=2"):
                continue
            if link not in seen and path not in seen:
                seen[link] = url
                queue.append(link)
    return broken


@pytest.mark.django_db
def test_every_link_shown_opens_for_each_kind_of_account():
    # One town for every account, made inside this test's transaction so nothing outlives it.
    Generator(seed=2017, size="tiny").run()
    broken = [line for username in ACCOUNTS for line in _broken_links(username)]
    assert not broken, "\n".join(broken)

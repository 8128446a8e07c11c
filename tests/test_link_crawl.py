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


@pytest.fixture(scope="module")
def eastbrook(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        Generator(seed=2017, size="tiny").run()
        yield
        # The module's data is left for the test database's teardown.


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


@pytest.mark.django_db
@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_link_shown_opens_for_the_account(eastbrook, username):
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
            broken.append(f"{url} answers {response.status_code}, linked from {seen[url]}")
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
    assert not broken, "\n".join(broken)

"""Browser tests: one headless Chromium for the session, a fresh browser context per test.

Users and agencies are made through the real actions, each user has a confirmed authenticator
app, and signing in goes through the real pages with both factors.

Needs Debian's chromium (``apt-get install -y chromium``; Playwright cannot download its own
browsers here) and the built front end (``make assets``).
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any, Protocol

import pytest
from django.conf import settings
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Browser, ConsoleMessage, Page, Playwright, sync_playwright
from pytest_django import DjangoDbBlocker

from conftest import current_code as code_at
from partnership.actions import do_create_agency, do_create_user
from partnership.models import Agency, Role, User
from tests.browser.scenario_data import AGENCIES, PEOPLE

PASSWORD = "synthetic-browser-test-password"
BUILD_DIR = Path(settings.BASE_DIR) / "web" / "static" / "build"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# axe-core tags for WCAG 2.0, 2.1 and 2.2 at levels A and AA (axe has no "wcag22a" tag).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def current_code(user: User) -> str:
    """A code the user's authenticator app shows now, and one the sign-in will take.

    A code is good once: a second sign-in in the same 30-second step is refused the code the
    first used. The device accepts the next step's code too (tolerance), so that is used then;
    if both are spent, this waits for the step after.
    """
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    while True:
        step = int(time.time() - device.t0) // device.step
        for ahead in range(device.tolerance + 1):
            if step + ahead > device.last_t:
                return code_at(device, steps_ago=-ahead)
        time.sleep(1)


# ---------------------------------------------------------------------------------------------
# The audit log's append-only triggers refuse the DELETE (TRUNCATE on PostgreSQL) with which
# pytest-django empties the database after each transactional test, and the live server needs
# transactional tests. So the triggers are lifted just before that flush and put back straight
# after it: during every test, and for any test that follows, the audit log stays append-only.
# ---------------------------------------------------------------------------------------------
_APPEND_ONLY = import_module("governance.migrations.0002_audit_append_only")
_blockers: list[DjangoDbBlocker] = []


def _audit_log_triggers(*, enabled: bool) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            state = "ENABLE" if enabled else "DISABLE"
            cursor.execute(f"ALTER TABLE governance_auditevent {state} TRIGGER USER")
        elif connection.vendor == "sqlite":
            for statement in _APPEND_ONLY.SQLITE_REVERSE:  # always drop first: no duplicates
                cursor.execute(statement)
            if enabled:
                for statement in _APPEND_ONLY.SQLITE_FORWARD:
                    cursor.execute(statement)


@pytest.fixture(autouse=True)
def _flushable_audit_log(
    transactional_db: None, django_db_blocker: DjangoDbBlocker
) -> Iterator[None]:
    _blockers[:] = [django_db_blocker]
    yield
    _audit_log_triggers(enabled=False)  # transactional_db's flush comes next


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    finally:
        if (
            "_flushable_audit_log" in getattr(item, "fixturenames", ())
            and _blockers
            and _test_database_in_use()
        ):
            with _blockers[0].unblock():
                _audit_log_triggers(enabled=True)


def _test_database_in_use() -> bool:
    """After the last test the session tears the test database down and the connection points
    at the real one again: there is nothing to put back then, and nothing must be touched."""
    name = str(connection.settings_dict["NAME"])
    return name.startswith("test_") or "memorydb" in name or name.endswith("test.sqlite3")


class _SharedBrowser:
    """One Playwright and one Chromium for the whole run.

    Other folders' conftests import the ``browser`` fixture, which makes each of them a fixture
    of its own; a second ``sync_playwright()`` inside the first one's event loop is refused. So
    every copy of the fixture borrows the same browser, and the last to finish closes it.
    """

    def __init__(self) -> None:
        self.users = 0
        self.playwright: Playwright | None = None
        self.chromium: Browser | None = None
        self.previous_async_unsafe: str | None = None

    def acquire(self, executable: str) -> Browser:
        if self.chromium is None:
            # Playwright's sync API runs an event loop in this thread, after which Django
            # refuses ORM calls from it unless told that this is deliberate.
            self.previous_async_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
            self.playwright = sync_playwright().start()
            self.chromium = self.playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        self.users += 1
        return self.chromium

    def release(self) -> None:
        self.users -= 1
        if self.users > 0:
            return
        try:
            if self.chromium is not None:
                self.chromium.close()
            if self.playwright is not None:
                self.playwright.stop()
        finally:
            self.chromium = self.playwright = None
            if self.previous_async_unsafe is None:
                os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
            else:
                os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self.previous_async_unsafe


_SHARED_BROWSER = _SharedBrowser()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = os.environ.get("TESSERA_CHROMIUM") or shutil.which("chromium")
    if not executable:
        pytest.skip("Browser tests need Debian's chromium: apt-get install -y chromium")
    if not (BUILD_DIR / "tessera.css").exists():
        pytest.fail("The front end is not built: run `make assets` (npm ci && npm run build)")
    chromium = _SHARED_BROWSER.acquire(executable)
    try:
        yield chromium
    finally:
        _SHARED_BROWSER.release()


def _is_expected(message: ConsoleMessage) -> bool:
    # Chromium logs every 4xx page as "Failed to load resource"; the 404 tests want those.
    return message.text.startswith(
        "Failed to load resource: the server responded with a status of 404"
    )


@pytest.fixture
def page(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Page]:
    """A page in a fresh context (no cookies), at the live server.

    After the test, any script error or console error, such as a Content Security Policy
    violation, fails it.
    """
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    new_page = context.new_page()
    problems: list[str] = []
    new_page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" and not _is_expected(message)
            else None
        ),
    )
    new_page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    yield new_page
    context.close()
    assert not problems, "The browser reported problems:\n" + "\n".join(problems)


@pytest.fixture
def agencies(transactional_db: None) -> dict[str, Agency]:
    return {
        key: do_create_agency(actor=None, name=name, short_name=short, kind=kind)
        for key, (name, short, kind) in AGENCIES.items()
    }


class MakeUser(Protocol):
    def __call__(self, role: Role, *, with_device: bool = True) -> User: ...


@pytest.fixture
def make_user(agencies: dict[str, Agency]) -> MakeUser:
    """A synthetic user with ``role`` at a fitting agency, with a confirmed authenticator app."""

    def make(role: Role, *, with_device: bool = True) -> User:
        first_name, last_name, agency = PEOPLE[role]
        user = do_create_user(
            actor=None,
            username=f"{first_name}.{last_name}".lower(),
            password=PASSWORD,
            agency=agencies[agency],
            role=role,
            first_name=first_name,
            last_name=last_name,
            validate=False,
        )
        if with_device:
            TOTPDevice.objects.create(user=user, name="app", confirmed=True)
        return user

    return make


@dataclass(frozen=True)
class SignIn:
    """Signing in through the real pages: password, then the authenticator app's code."""

    live_server_url: str

    def with_password(self, page: Page, user: User, password: str = PASSWORD) -> None:
        page.goto("/sign-in/")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Continue", exact=True).click()
        page.wait_for_load_state()

    def with_code(self, page: Page, user: User) -> None:
        page.wait_for_url("**/sign-in/code/**")
        page.get_by_label("Security code").fill(current_code(user))
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_url(self.live_server_url + "/")

    def fully(self, page: Page, user: User) -> None:
        self.with_password(page, user)
        self.with_code(page, user)


@pytest.fixture
def sign_in(live_server: Any) -> SignIn:
    return SignIn(live_server.url)


AxeCheck = Callable[[Page], None]


@pytest.fixture
def assert_accessible() -> AxeCheck:
    """Run axe-core on the page as it stands and fail on any WCAG 2.x A or AA violation.

    axe is loaded with a <script src> from /static/build/axe.min.js: the page's CSP allows
    scripts from 'self', so nothing about the CSP has to be bypassed. (Injecting the file's
    text inline with add_script_tag(content=...) is refused by the CSP, as it should be.)
    """

    def check(page: Page) -> None:
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.add_script_tag(url="/static/build/axe.min.js")
        violations: list[dict[str, Any]] = page.evaluate(
            """async (tags) => {
                const results = await window.axe.run(document, {
                    runOnly: {type: 'tag', values: tags},
                    resultTypes: ['violations'],
                });
                return results.violations.map((v) => ({
                    id: v.id,
                    impact: v.impact,
                    help: v.help,
                    targets: v.nodes.map((n) => n.target.join(' ')),
                }));
            }""",
            WCAG_TAGS,
        )
        if violations:
            lines = [f"{len(violations)} accessibility violation(s) on {page.url}:"]
            for v in violations:
                lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
                lines.extend(f"    {target}" for target in v["targets"])
            pytest.fail("\n".join(lines), pytrace=False)

    return check

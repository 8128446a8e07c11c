"""Every page of cases, the screening tool, MASE, notifications, imports, data matching,
privacy-preserving linkage and alerts, and the change-authenticator page, meets WCAG 2.2 AA as
far as axe-core can tell, in a real browser, with no script or Content Security Policy error.

A small synthetic scenario is built through the real actions (``scenario_data.build``); each
role signs in once, with both factors, and visits its pages from the table below. A form is
also sent once with every field emptied, so the error summary state is checked too. Every page
is checked before the test fails, and the failure names each page and what was wrong with it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page
from pytest_django import Settings

from partnership.models import Agency, Role
from tests.browser import scenario_data
from tests.browser.conftest import AxeCheck, MakeUser, SignIn

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class Visit:
    """A page to check: ``path`` is filled in with the scenario's ids. With ``submit``, the
    form holding that button is then sent with every field emptied, and the page that comes
    back must show the error summary, and pass axe as well. With ``swaps_in``, the page is
    checked after htmx has fetched that path and swapped it in."""

    path: str
    submit: str = ""
    swaps_in: str = ""  # a path htmx asks for after the page loads; checked after the swap


CASES = [
    Visit("/cases/"),
    Visit("/cases/?show=review"),
    Visit("/cases/?show=transition"),
    Visit("/cases/?show=closed"),
    Visit("/cases/{case}/", submit="Remove from the team"),
    Visit("/cases/{case}/team/", submit="Add to the case team"),
    Visit("/cases/{case}/lead/", submit="Change lead"),
    Visit("/cases/{case}/plan/", submit="Add action"),
    Visit("/cases/{case}/review/", submit="Record review"),
    Visit("/cases/{case}/views/", submit="Save views"),
    Visit("/cases/{case}/transition/", submit="Save transition plan"),
    Visit("/cases/{case}/close/", submit="Close case"),
    Visit("/cases/{closed_case}/"),
    Visit("/cases/{closed_case}/reopen/", submit="Reopen case"),
    Visit("/cases/{awaiting_case}/"),
    Visit("/cases/{awaiting_case}/strategy/", submit="Record strategy discussion"),
    Visit("/cases/strategy/{discussion}/"),
    Visit("/cases/actions/"),
    Visit("/cases/actions/{action}/", submit="Cancel action"),
    Visit("/cases/referrals/"),
    Visit("/cases/referrals/{referral_with_outcome}/"),
    Visit("/cases/referrals/{referral}/", submit="Set action"),
    Visit("/cases/referrals/{referral}/", submit="Record decision not to act"),
    Visit("/cases/referrals/{referral}/strategy/", submit="Record strategy discussion"),
]

ASSESSMENTS = [
    Visit("/assessments/young-person/{young_person}/"),
    Visit("/assessments/young-person/{young_person}/new/", submit="Save assessment"),
    Visit("/assessments/{assessment}/"),
    Visit("/assessments/due/"),
    Visit("/assessments/tool/"),
    Visit("/assessments/tool/change/", submit="Save as a new version"),
]

MASE = [
    Visit("/mase/"),
    Visit("/mase/meetings/new/", submit="Schedule meeting"),
    Visit("/mase/meetings/{meeting}/"),
    Visit("/mase/meetings/{meeting}/attendance/", submit="Save attendance"),
    Visit("/mase/meetings/{meeting}/items/new/", submit="Add to the agenda"),
    Visit("/mase/items/{item}/", submit="Save minutes"),
    Visit("/mase/items/{item}/", submit="Assign action"),
    Visit("/mase/attendance/"),
    Visit("/mase/activity/"),
    Visit("/mase/activity/new/", submit="Record session"),
    Visit("/mase/disruption/"),
    Visit("/mase/disruption/new/", submit="Open plan"),
    Visit("/mase/disruption/{plan}/", submit="Add action"),
    Visit("/mase/disruption/{plan}/", submit="Close plan"),
    Visit("/mase/disruption/actions/{disruption_action}/outcome/", submit="Record outcome"),
]

MATCHING = [
    Visit("/matching/review/"),
    Visit("/matching/review/?show=unsure"),
    Visit("/matching/review/{review_item}/", submit="Unsure: ask for a second opinion"),
    Visit("/matching/links/"),
    Visit("/matching/links/?batch={batch}"),
    Visit("/matching/links/{linked_row}/undo/", submit="Undo the link"),
    Visit("/matching/thresholds/"),
    Visit("/matching/thresholds/school_attendance/", submit="Save thresholds"),
]

ALERTS = [
    Visit("/alerts/"),
    Visit("/alerts/?status=&rule={alert_rule}"),
    Visit("/alerts/{alert}/"),
    Visit("/alerts/{alert}/accept/referral/", submit="Accept and send the referral"),
    Visit("/alerts/{alert}/accept/action/", submit="Accept and add the action"),
    Visit("/alerts/{unrelated_alert}/"),
    Visit("/alerts/{unrelated_alert}/accept/referral/{waiting_referral}/"),
    Visit("/alerts/{alert}/dismiss/", submit="Dismiss the alert"),
    Visit("/alerts/{alert}/merge/", submit="Merge"),
    Visit("/alerts/rules/"),
    Visit("/alerts/rules/{alert_rule}/"),
    Visit("/alerts/rules/{alert_rule}/parameters/", submit="Save as a new version"),
    Visit("/alerts/rules/{alert_rule}/switch/", submit="Switch off"),
    Visit("/alerts/benign-values/"),
    Visit("/alerts/benign-values/add/", submit="Add"),
    Visit("/alerts/replays/", submit="Start the replay"),
    Visit("/alerts/replays/{replay_run}/"),
]

PAGES: dict[Role, list[Visit]] = {
    Role.COORDINATOR: [
        # First, while the code entered at sign-in is fresh (it is asked for again after 5 min).
        Visit("/account/authenticator/", submit="Use this app from now on"),
        *CASES,
        *ASSESSMENTS,
        *MASE,
        Visit("/notifications/"),
        Visit("/notifications/?show=unread"),
        *MATCHING,
        Visit("/privacy-preserving/", submit="Compare encodings"),
        Visit("/privacy-preserving/requests/"),
        Visit("/privacy-preserving/requests/{disclosure}/", submit="Record decision"),
        *ALERTS,
    ],
    Role.PRACTITIONER: [
        Visit("/account/authenticator/", submit="Use this app from now on"),
        Visit("/notifications/"),
        Visit("/cases/"),
        Visit("/cases/{case}/"),
        Visit("/cases/actions/"),
        Visit("/cases/actions/{action}/", submit="Mark as done"),
        Visit("/assessments/young-person/{young_person}/"),
        Visit("/imports/", submit="Import file"),
        Visit("/imports/{batch}/"),
        Visit("/imports/{queued_batch}/", swaps_in="/imports/{queued_batch}/progress/"),
        Visit("/privacy-preserving/", submit="Compare encodings"),
        Visit("/privacy-preserving/files/{submission}/"),
        Visit("/privacy-preserving/notices/{notice}/request/", submit="Send request"),
        Visit("/alerts/"),
        Visit("/alerts/{alert}/"),
    ],
    Role.MASH_SCREENER: [
        Visit("/account/authenticator/", submit="Use this app from now on"),
        Visit("/notifications/"),
        Visit("/cases/"),
        Visit("/cases/{case}/"),
        Visit("/cases/referrals/"),
        Visit("/cases/referrals/{referral}/", submit="Set action"),
        Visit("/matching/review/"),
        Visit("/matching/review/{review_item}/", submit="Unsure: ask for a second opinion"),
        Visit("/matching/links/"),
        Visit("/mase/"),
        Visit("/mase/meetings/{meeting}/"),
        Visit("/mase/items/{item}/"),
        Visit("/mase/disruption/"),
        Visit("/mase/disruption/{plan}/"),
        Visit("/privacy-preserving/"),
        Visit("/alerts/"),
        Visit("/alerts/{alert}/"),
        Visit("/alerts/rules/"),
        Visit("/alerts/benign-values/"),
    ],
    Role.ADMINISTRATOR: [
        Visit("/account/authenticator/", submit="Use this app from now on"),
        Visit("/sign-in/confirm/?next=/account/authenticator/", submit="Continue"),
        Visit("/cases/pathways/", submit="Save pathway"),
        Visit("/matching/thresholds/"),
        Visit("/matching/thresholds/school_attendance/", submit="Save thresholds"),
        Visit("/assessments/tool/"),
        Visit("/notifications/"),
    ],
}

# Empties every field of the form that holds ``button`` (hidden fields, such as the CSRF
# token, are kept), turns off the browser's own validation, so that the server's error
# summary is what the person sees, and presses the button.
_SEND_EMPTY = """(button) => {
    const form = button.form;
    form.noValidate = true;
    for (const field of form.elements) {
        if (field.type === 'hidden' || field.tagName === 'BUTTON' || field.type === 'submit') {
            continue;
        }
        if (field.type === 'checkbox' || field.type === 'radio') {
            field.checked = false;
        } else {
            field.value = '';  // a select with no empty option is left with nothing chosen
        }
    }
}"""


# The links of the error summary that lead nowhere: each must move to a field on the page.
_BROKEN_ERROR_LINKS = """() => Array.from(
    document.querySelectorAll('.govuk-error-summary__list a[href^="#"]')
).filter((a) => !document.getElementById(a.getAttribute('href').slice(1)))
 .map((a) => `${a.getAttribute('href')} (${a.textContent.trim()})`)"""

_FOCUS_IN_SUMMARY = """() => !!(document.activeElement
    && document.activeElement.closest('.govuk-error-summary'))"""

# Casework answers a form sent with errors with 400 Bad Request, which Chromium logs as a console
# error ("Failed to load resource"); so does any 404 (as in the shared ``page`` fixture). Those
# are expected here: the status of every page is checked on its own. Any other console or script
# error, such as a Content Security Policy violation, fails the test and names the page.
_BAD_REQUEST = "Failed to load resource: the server responded with a status of 400"
_NOT_FOUND = "Failed to load resource: the server responded with a status of 404"


def _expected(message: ConsoleMessage) -> bool:
    if message.text.startswith(_NOT_FOUND):
        return True
    where = str(message.location.get("url", ""))
    return message.text.startswith(_BAD_REQUEST) and ("/cases/" in where or "/alerts/" in where)


@dataclass
class Watched:
    page: Page
    problems: list[str]


@pytest.fixture
def watched(browser: Browser, live_server: Any, transactional_db: None) -> Iterator[Watched]:
    """Like the shared ``page`` fixture, but its console problems are reported with the page
    they happened on, at the end of the test with the axe results."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-GB",
        timezone_id="Europe/London",
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not _expected(message):
            problems.append(f"{page.url}: console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: script error: {error}"))
    yield Watched(page, problems)
    context.close()


def _user_for(scenario: scenario_data.Scenario, role: Role) -> Any:
    return {
        Role.COORDINATOR: scenario.coordinator,
        Role.PRACTITIONER: scenario.practitioner,
        Role.MASH_SCREENER: scenario.screener,
        Role.ADMINISTRATOR: scenario.administrator,
    }[role]


def _axe(page: Page, assert_accessible: AxeCheck) -> str:
    try:
        assert_accessible(page)
    except pytest.fail.Exception as failed:
        return str(failed.msg)
    return ""


def _check(page: Page, visit: Visit, assert_accessible: AxeCheck) -> list[str]:
    path = visit.path
    problems: list[str] = []
    if visit.swaps_in:
        swapped = visit.swaps_in
        with page.expect_response(lambda answer: answer.url.endswith(swapped), timeout=8_000):
            response = page.goto(path)
        page.wait_for_load_state("networkidle")
    else:
        response = page.goto(path)
    status = response.status if response is not None else 0
    if status != 200:
        return [f"{path}: answered {status}, not 200"]
    if not page.url.endswith(path):
        return [f"{path}: went to {page.url} instead"]
    if page.locator("h1").count() != 1:
        problems.append(f"{path}: has {page.locator('h1').count()} main headings, not 1")
    if problem := _axe(page, assert_accessible):
        problems.append(f"{path}: {problem}")
    if visit.submit:
        page.evaluate("() => document.querySelectorAll('main details').forEach(d => d.open = true)")
        button = page.locator("main").get_by_role("button", name=visit.submit, exact=True).first
        if button.count() == 0:
            return [*problems, f"{path}: no button “{visit.submit}” to send empty"]
        button.evaluate(_SEND_EMPTY)
        button.click()
        page.wait_for_load_state()
        where = f"{path} sent empty with “{visit.submit}”"
        if page.locator(".govuk-error-summary").count() == 0:
            return [*problems, f"{where}: no error summary (now at {page.url})"]
        if problem := _axe(page, assert_accessible):
            problems.append(f"{where}: {problem}")
        if broken := page.evaluate(_BROKEN_ERROR_LINKS):
            problems.append(f"{where}: error summary links lead to no field: {', '.join(broken)}")
        if not page.evaluate(_FOCUS_IN_SUMMARY):
            problems.append(f"{where}: the error summary does not take the focus")
    return problems


@pytest.mark.parametrize("role", list(PAGES), ids=[role.value for role in PAGES])
def test_every_page_of_the_new_apps_is_accessible(
    watched: Watched,
    agencies: dict[str, Agency],
    make_user: MakeUser,
    sign_in: SignIn,
    assert_accessible: AxeCheck,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    role: Role,
) -> None:
    settings.PPRL_SECRET = "synthetic-browser-test-pprl-partnership-secret"
    scenario = scenario_data.build(agencies, make_user, tmp_path, monkeypatch)
    ids = scenario.urls()
    page = watched.page
    sign_in.fully(page, _user_for(scenario, role))

    problems: list[str] = []
    for visit in PAGES[role]:
        visit = Visit(visit.path.format(**ids), visit.submit, visit.swaps_in.format(**ids))
        problems.extend(_check(page, visit, assert_accessible))
    problems.extend(watched.problems)
    assert not problems, f"{len(problems)} problem(s) for the {role.label}:\n" + "\n".join(problems)

"""One young person's chronology, seen by four professionals: each sees a different picture.

The acceptance test of "one chronology across agencies, each entry shown at the level the viewer
may see". One synthetic young person has records from a school, a sexual health clinic, the
police (including its intelligence unit) and children's social care. A school designated
safeguarding lead, a sexual health nurse, a police officer and the CSE coordinator each sign in
with both factors, open the young person's page, and see exactly the entries, levels and
existence-only flags that the access gate's rules (``governance.policy``) and the default
information sharing agreement (``governance.defaults``) give them.

``EXPECTED`` below is worked out by hand from those rules; it does not call the gate.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from governance.actions import do_add_relationship
from governance.models import Level, RelationshipKind
from partnership.actions import do_add_service, do_create_user
from partnership.models import Agency, Role, ServiceKind, User
from people.models import Gender, YoungPerson
from records.actions import do_record
from records.catalogue import ensure_catalogue
from records.models import AgencyRecord, Classification, Nature, RecordType
from tests.browser.conftest import PASSWORD, AxeCheck, SignIn

pytestmark = pytest.mark.browser

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"

# --- The records ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Planned:
    """One record to make: who writes it, what it is, when, and its full-level text."""

    author: str  # a key of the people made by the ``scenario`` fixture
    type_code: str
    type_name: str  # as the catalogue names it, and as the chronology shows it
    byline: str  # "by <agency>[ (<service>)]", as the chronology shows it
    agency: str  # the agency's name, as an existence-only flag shows it
    occurred_at: datetime
    title: str  # shown only at full level
    details: str  # never on the chronology; on the record's own page only at full level
    classification: Classification = Classification.STANDARD


SCHOOL = "Eastbrook Academy"
HEALTH = "Eastbrook Health NHS Trust"
POLICE = "Eastbrook Police"
SOCIAL_CARE = "Eastbrook Children's Social Care"
SEXUAL_HEALTH_CLINIC = "Sexual health clinic"
INTELLIGENCE_UNIT = "Intelligence unit"

# Newest first, as the chronology lists them.
RECORDS: dict[str, Planned] = {
    "csc_concern": Planned(
        author="social_worker",
        type_code="concern",
        type_name="Concern",
        byline=f"by {SOCIAL_CARE}",
        agency=SOCIAL_CARE,
        occurred_at=datetime(2026, 10, 5, 11, 0, tzinfo=UTC),
        title="Mother reports a new phone and money Riley cannot explain",
        details="Mother found two hundred pounds in cash in Riley's school bag.",
    ),
    "intelligence": Planned(
        author="analyst",
        type_code="seen-at-hot-spot",
        type_name="Seen at a hot spot",
        byline=f"by {POLICE} ({INTELLIGENCE_UNIT})",
        agency=POLICE,
        occurred_at=datetime(2026, 10, 2, 23, 30, tzinfo=UTC),
        title="Source places Riley at a flat linked to an adult of interest",
        details="Graded 2B P. Source is in a position to know the address.",
        classification=Classification.RESTRICTED,
    ),
    "missing": Planned(
        author="police_officer",
        type_code="missing-episode",
        type_name="Missing episode",
        byline=f"by {POLICE}",
        agency=POLICE,
        occurred_at=datetime(2026, 9, 26, 21, 0, tzinfo=UTC),
        title="Missing overnight, found at a hotel in the town centre",
        details="Found at 06:40 by patrol in the hotel car park, cold and tired.",
    ),
    "clinic": Planned(
        author="nurse",
        type_code="sexual-health-attendance",
        type_name="Sexual health attendance",
        byline=f"by {HEALTH} ({SEXUAL_HEALTH_CLINIC})",
        agency=HEALTH,
        occurred_at=datetime(2026, 9, 20, 15, 0, tzinfo=UTC),
        title="Attended the clinic for emergency contraception with an older friend",
        details="The friend waited outside and answered questions put to Riley.",
    ),
    "school_concern": Planned(
        author="dsl",
        type_code="concern",
        type_name="Concern",
        byline=f"by {SCHOOL}",
        agency=SCHOOL,
        occurred_at=datetime(2026, 9, 15, 15, 20, tzinfo=UTC),
        title="Seen getting into a car with an older man at the school gate",
        details="Silver hatchback; a member of staff noted part of the number plate.",
    ),
    "absence": Planned(
        author="dsl",
        type_code="school-absence",
        type_name="School absence",
        byline=f"by {SCHOOL}",
        agency=SCHOOL,
        occurred_at=datetime(2026, 9, 8, 8, 45, tzinfo=UTC),
        title="Unauthorised absence, the third Monday morning this month",
        details="No call from home; Riley said she had been 'at a friend's'.",
    ),
}

# --- The expected picture -------------------------------------------------------------------
#
# Agreement cells are (viewer's agency kind x record category) from governance.defaults.
# Need to know comes from the case team, or from the coordinator or MASH screener role.

F, S, E, N = Level.FULL, Level.SUMMARY, Level.EXISTENCE, Level.NONE

EXPECTED: dict[str, dict[str, Level]] = {
    # Eastbrook Academy, practitioner, no service; in the case team.
    "school-dsl": {
        "csc_concern": S,  # education x social_care = S; in the case team, so not capped
        "intelligence": N,  # education x intelligence = -: nothing, not even a flag
        "missing": E,  # education x police = E: "Eastbrook Police holds information"
        "clinic": E,  # education x sexual_health = E: "Eastbrook Health ... holds information"
        "school_concern": F,  # own agency, standard: full
        "absence": F,  # own agency, standard: full
    },
    # Eastbrook Health NHS Trust, practitioner in the sexual health service; not in the team.
    "sexual-health-nurse": {
        "csc_concern": E,  # health x social_care = S, capped at existence: no need to know
        "intelligence": N,  # health x intelligence = -: nothing
        "missing": E,  # health x police = E
        "clinic": F,  # own agency, sexual health record, viewer in the sexual health service
        "school_concern": E,  # health x education = S, capped at existence: no need to know
        "absence": E,  # health x education = S, capped at existence: no need to know
    },
    # Eastbrook Police, practitioner, no service; in the case team.
    "police-officer": {
        "csc_concern": F,  # police x social_care = F; in the case team, so not capped
        "intelligence": E,  # own agency but restricted to the intelligence unit and its author
        "missing": F,  # own agency, standard: full
        "clinic": E,  # police x sexual_health = E
        "school_concern": S,  # police x education = S; in the case team
        "absence": S,  # police x education = S; in the case team
    },
    # Eastbrook Children's Social Care, coordinator; not in the team (need to know by role).
    "coordinator": {
        "csc_concern": F,  # own agency, standard: full
        "intelligence": E,  # csc x intelligence = E (and restricted caps it at existence)
        "missing": S,  # csc x police = S; coordinator has need to know by role
        "clinic": E,  # csc x sexual_health = E
        "school_concern": F,  # csc x education = F; coordinator has need to know by role
        "absence": F,  # csc x education = F; coordinator has need to know by role
    },
}

VIEWERS = list(EXPECTED)


def expected_entries(viewer: str) -> list[tuple[str, str, str]]:
    """(record type, byline, level) of each entry, newest first: summary or full only."""
    levels = EXPECTED[viewer]
    return [
        (planned.type_name, planned.byline, levels[key].label)
        for key, planned in RECORDS.items()
        if levels[key] >= Level.SUMMARY
    ]


def expected_flags(viewer: str) -> list[str]:
    """The agencies in the existence-only flags, in name order, one flag per agency."""
    levels = EXPECTED[viewer]
    names = {planned.agency for key, planned in RECORDS.items() if levels[key] == Level.EXISTENCE}
    return [f"{name} holds information" for name in sorted(names)]


# --- The partnership and the young person ---------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    young_person: YoungPerson
    people: dict[str, User]
    records: dict[str, AgencyRecord]


def _person(
    agency: Agency,
    username: str,
    first_name: str,
    last_name: str,
    role: Role,
    service: Any = None,
) -> User:
    user = do_create_user(
        actor=None,
        username=username,
        password=PASSWORD,
        agency=agency,
        role=role,
        first_name=first_name,
        last_name=last_name,
        service=service,
        is_synthetic=True,
        validate=False,
    )
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    return user


@pytest.fixture
def scenario(agencies: dict[str, Agency]) -> Scenario:
    ensure_catalogue()  # the flush after an earlier transactional test empties the catalogue
    clinic = do_add_service(
        actor=None,
        agency=agencies["health"],
        name=SEXUAL_HEALTH_CLINIC,
        kind=ServiceKind.SEXUAL_HEALTH,
    )
    intelligence_unit = do_add_service(
        actor=None, agency=agencies["police"], name=INTELLIGENCE_UNIT, kind=ServiceKind.INTELLIGENCE
    )
    people = {
        "dsl": _person(agencies["school"], "sam.okafor", "Sam", "Okafor", Role.PRACTITIONER),
        "nurse": _person(
            agencies["health"], "nia.bello", "Nia", "Bello", Role.PRACTITIONER, clinic
        ),
        "police_officer": _person(agencies["police"], "tom.reid", "Tom", "Reid", Role.PRACTITIONER),
        "analyst": _person(
            agencies["police"], "chris.doyle", "Chris", "Doyle", Role.ANALYST, intelligence_unit
        ),
        "social_worker": _person(
            agencies["social_care"], "lena.hart", "Lena", "Hart", Role.PRACTITIONER
        ),
        "coordinator": _person(
            agencies["social_care"], "morgan.ellis", "Morgan", "Ellis", Role.COORDINATOR
        ),
    }
    riley = YoungPerson.objects.create(
        given_name="Riley",
        family_name="Madeup",
        date_of_birth=date(2011, 1, 30),
        gender=Gender.GIRL,
        postcode="EB4 7QT",
        is_synthetic=True,
    )
    records = {
        key: do_record(
            actor=people[planned.author],
            young_person=riley,
            record_type=RecordType.objects.get(code=planned.type_code),
            occurred_at=planned.occurred_at,
            title=planned.title,
            details=planned.details,
            nature=Nature.FACT,
            classification=planned.classification,
            is_synthetic=True,
        )
        for key, planned in reversed(RECORDS.items())
    }
    for member in ("dsl", "police_officer"):
        do_add_relationship(
            actor=None,
            young_person=riley,
            user=people[member],
            kind=RelationshipKind.CASE_TEAM,
            reason="Member of Riley's multi-agency case team",
        )
    return Scenario(riley, people, records)


VIEWER_KEYS = {
    "school-dsl": "dsl",
    "sexual-health-nurse": "nurse",
    "police-officer": "police_officer",
    "coordinator": "coordinator",
}

# --- Reading the page -----------------------------------------------------------------------


def _entries(page: Page) -> list[dict[str, str]]:
    return page.get_by_test_id("chronology-entry").evaluate_all(
        """(entries) => entries.map((entry) => ({
            type: entry.querySelector('.moj-timeline__title').innerText.trim(),
            byline: entry.querySelector('.moj-timeline__byline').innerText.trim(),
            level: entry.dataset.level,
            text: entry.querySelector('.moj-timeline__description').innerText,
        }))"""
    )


def _flags(page: Page) -> list[str]:
    return [
        text.strip()
        for text in page.get_by_test_id("existence-flag").locator("strong").all_inner_texts()
    ]


def _open_chronology(page: Page, sign_in: SignIn, user: User, young_person: YoungPerson) -> None:
    sign_in.fully(page, user)
    page.goto(f"/young-people/{young_person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Riley Madeup")
    expect(page.get_by_role("heading", name="Chronology")).to_be_visible()


def _screenshot(page: Page, name: str) -> None:
    if os.environ.get("TESSERA_SCREENSHOTS") == "1":
        IMAGES.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(IMAGES / f"chronology-{name}.png"), full_page=True)


# --- The tests ------------------------------------------------------------------------------


def test_the_four_pictures_are_all_different() -> None:
    """A guard on the expected data itself: the acceptance criterion asks for four pictures."""
    pictures = {(tuple(expected_entries(v)), tuple(expected_flags(v))) for v in VIEWERS}
    assert len(pictures) == len(VIEWERS)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_each_professional_sees_their_own_correct_picture_of_one_chronology(
    page: Page,
    sign_in: SignIn,
    assert_accessible: AxeCheck,
    scenario: Scenario,
    viewer: str,
) -> None:
    user = scenario.people[VIEWER_KEYS[viewer]]
    _open_chronology(page, sign_in, user, scenario.young_person)

    shown = _entries(page)
    assert [(e["type"], e["byline"], e["level"]) for e in shown] == expected_entries(viewer)
    assert _flags(page) == expected_flags(viewer)

    # Full-level text (the record's description) appears in full entries and nowhere else.
    page_text = page.locator("body").inner_text()
    full_entries = iter(e for e in shown if e["level"] == Level.FULL.label)
    for key, planned in RECORDS.items():
        level = EXPECTED[viewer][key]
        assert planned.details not in page_text, f"{key}: details never show on the chronology"
        if level == Level.FULL:
            entry = next(full_entries)
            assert planned.title in entry["text"], f"{key}: its description should show"
            assert page_text.count(planned.title) == 1, key
        else:
            assert planned.title not in page_text, f"{key} is {level.label}: no description"
    for entry in shown:
        if entry["level"] == Level.SUMMARY.label:
            assert "Summary only." in entry["text"]

    assert_accessible(page)
    _screenshot(page, viewer)


def test_the_school_dsl_opens_a_summary_entry_and_sees_no_details(
    page: Page, sign_in: SignIn, assert_accessible: AxeCheck, scenario: Scenario
) -> None:
    summary = RECORDS["csc_concern"]
    assert EXPECTED["school-dsl"]["csc_concern"] == Level.SUMMARY
    _open_chronology(page, sign_in, scenario.people["dsl"], scenario.young_person)

    entry = page.get_by_test_id("chronology-entry").filter(has_text=summary.byline)
    expect(entry).to_have_attribute("data-level", "Summary")
    entry.get_by_role("link", name=summary.type_name).click()

    record = scenario.records["csc_concern"]
    expect(page).to_have_url(f"{sign_in.live_server_url}/records/{record.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text(summary.type_name)
    expect(page.locator(".govuk-caption-l")).to_have_text(SOCIAL_CARE)
    expect(page.locator(".govuk-inset-text")).to_contain_text(
        "You can see a summary of this record"
    )
    expect(page.locator("body")).not_to_contain_text(summary.title)
    expect(page.locator("body")).not_to_contain_text(summary.details)
    rows = page.locator(".govuk-summary-list__key").all_inner_texts()
    assert rows == ["Young person", "When it happened", "Held by", "Contact"]
    expect(page.get_by_role("link", name="Edit this record")).to_have_count(0)
    assert_accessible(page)

"""The authorisation matrix, generated from the information sharing agreement and the
permission policy.

Records: role x own/other agency x case team member or not x record category x classification
x action (list, view, search, edit, export). For each viewer the whole partnership's records
of one young person are exercised through the real pages, and what the page shows is compared
with the level the written policy gives (``expected_level`` below restates the rules from the
product brief and ``governance.defaults``; it does not call the gate).

Capabilities: every capability in the permission policy (``governance.permissions``) x role x
a thing of their own agency, of another agency, or none named, compared with ``STATED`` below
(which restates who may do what; it does not read the policy's table), and, where a page is
guarded by one capability alone, that page opened by every role. A capability added to the
policy fails ``test_every_capability_is_stated_and_exercised`` until it is stated here.
"""

from __future__ import annotations

import csv
import importlib
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from html import unescape

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from conftest import sign_in_fully
from governance.actions import do_add_relationship
from governance.defaults import default_sharing_rules
from governance.permissions import POLICY, Capability, may
from partnership.models import Agency, Role, Service, ServiceKind, User
from people.models import YoungPerson
from records.actions import do_record
from records.models import AgencyRecord, Classification, RecordCategory, RecordType
from records.tests.helpers import export_csv

FULL, SUMMARY, EXISTENCE, NONE = 3, 2, 1, 0
CASE_ROLES = {
    Role.PRACTITIONER,
    Role.MASH_SCREENER,
    Role.COORDINATOR,
    Role.ANALYST,
    Role.IG_OFFICER,
}
EDITING = {Role.PRACTITIONER, Role.MASH_SCREENER, Role.COORDINATOR, Role.ANALYST}

# Who owns a record of each category, and in which service.
OWNERS: dict[str, tuple[str, ServiceKind | None]] = {
    RecordCategory.EDUCATION: ("school", None),
    RecordCategory.HEALTH: ("health", None),
    RecordCategory.SEXUAL_HEALTH: ("health", ServiceKind.SEXUAL_HEALTH),
    RecordCategory.SOCIAL_CARE: ("csc", None),
    RecordCategory.POLICE: ("police", None),
    RecordCategory.INTELLIGENCE: ("police", ServiceKind.INTELLIGENCE),
    RecordCategory.YOUTH_JUSTICE: ("yot", None),
    RecordCategory.HOUSING: ("housing", None),
    RecordCategory.VOLUNTARY: ("charity", None),
    RecordCategory.COMMUNITY: ("hotel", None),
}

# Viewers: every kind of agency, and the two services with rules of their own.
VIEWER_PLACES: list[tuple[str, ServiceKind | None]] = [
    ("police", None),
    ("police", ServiceKind.INTELLIGENCE),
    ("csc", None),
    ("health", None),
    ("health", ServiceKind.SEXUAL_HEALTH),
    ("school", None),
    ("yot", None),
    ("housing", None),
    ("probation", None),
    ("charity", None),
    ("council", None),
    ("hotel", None),
]

ROUTES_IN_MATRIX = {
    "people:detail": "list",
    "records:list": "search",
    "records:detail": "view",
    "records:edit": "edit",
    "people:export": "export",
}
# Routes that show no agency record content, each with the test that covers it instead.
_CORE_ROUTES_OUTSIDE_MATRIX = {
    "web:home": "web/tests/test_roles.py",
    "web:sign-in": "web/tests/test_sign_in.py (public)",
    "web:second-factor": "web/tests/test_sign_in.py (password only)",
    "web:second-factor-set-up": "web/tests/test_sign_in.py (password only)",
    "web:confirm-code": "web/tests/test_sign_in.py",
    "web:sign-out": "web/tests/test_sessions.py (public)",
    "web:change-second-factor": "web/tests/test_change_second_factor.py",
    "web:change-password": "web/tests/test_change_password.py",
    "web:health": "web/tests/test_no_hidden_way_in.py (public)",
    "people:list": "web/tests/test_roles.py (identity search only)",
    "people:break-glass": "records/tests/test_break_glass.py",
    "people:consent": "records/tests/test_consent_and_sharing.py",
    "people:sharing-decision": "records/tests/test_consent_and_sharing.py",
    "records:new": "records/tests/test_recording_and_editing.py",
    "records:seen-by": "records/tests/test_recording_and_editing.py",
    "records:add-link": "records/tests/test_recording_and_editing.py",
    **{
        f"records:{name}": "records/tests/test_concern_categories.py"
        for name in (
            "concern-categories",
            "concern-category-new",
            "concern-category-edit",
            "concern-category-retire",
        )
    },
    "people:new": "people/tests/test_people_views.py",
    "people:about": "people/tests/test_people_views.py",
    **{
        f"governance:{name}": "governance/tests/test_governance_views.py"
        for name in (
            "index",
            "agreement",
            "agreement-version",
            "agreement-edit",
            "break-glass",
            "break-glass-review",
            "retention",
            "retention-dispose",
            "subject-access-start",
            "subject-access",
        )
    },
}

# Apps added later keep their own list in <app>/tests/routes.py, next to the tests it names.
_APPS_WITH_ROUTE_LISTS = (
    "referrals",
    "cases",
    "assessment",
    "mase",
    "notifications",
    "imports",
    "matching",
    "pprl",
    "intelligence",
    "alerts",
)
ROUTES_OUTSIDE_MATRIX = dict(_CORE_ROUTES_OUTSIDE_MATRIX)
for _app in _APPS_WITH_ROUTE_LISTS:
    ROUTES_OUTSIDE_MATRIX.update(
        importlib.import_module(f"{_app}.tests.routes").ROUTES_OUTSIDE_MATRIX
    )


def expected_level(
    role: Role,
    viewer_kind: str,
    viewer_service: ServiceKind | None,
    own: bool,
    team: bool,
    category: str,
    classification: str,
    owner_service: ServiceKind | None,
) -> int:
    if role not in CASE_ROLES:
        return NONE
    if own:
        if classification == Classification.RESTRICTED:
            return (
                FULL if owner_service is not None and owner_service == viewer_service else EXISTENCE
            )
        if category == RecordCategory.SEXUAL_HEALTH:
            return FULL if viewer_service == ServiceKind.SEXUAL_HEALTH else EXISTENCE
        return FULL
    base = default_sharing_rules()[(viewer_kind, category)]
    if base == NONE:
        return NONE
    cap = FULL
    if role == Role.IG_OFFICER:
        cap = SUMMARY
    elif not (team or role in (Role.COORDINATOR, Role.MASH_SCREENER)):
        cap = EXISTENCE
    if classification == Classification.RESTRICTED:
        cap = min(cap, EXISTENCE)
    elif classification == Classification.SENSITIVE and not team:
        cap = min(cap, SUMMARY)
    return min(base, cap)


@dataclass
class World:
    person: YoungPerson
    records: list[AgencyRecord]
    agencies: dict[str, Agency]


def build_world(agencies: dict[str, Agency]) -> World:
    person = YoungPerson.objects.create(
        given_name="Matrix",
        family_name="Subject",
        date_of_birth=date(2010, 6, 1),
        is_synthetic=True,
    )
    concern = RecordType.objects.get(code="concern")
    records = []
    for n, (category, (agency_key, service_kind)) in enumerate(OWNERS.items()):
        agency = agencies[agency_key]
        service = None
        if service_kind is not None:
            service, _ = Service.objects.get_or_create(
                agency=agency, name=service_kind.label, defaults={"kind": service_kind}
            )
        for m, classification in enumerate(Classification.values):
            made = do_record(
                actor=None,
                agency=agency,
                service=service,
                young_person=person,
                record_type=concern,
                occurred_at=timezone.now() - timedelta(days=n * 3 + m + 1),
                title=f"matrix-{category}-{classification}",
                details=f"content-{category}-{classification}",
                nature="fact",
                classification=classification,
            )
            assert made.category == category
            records.append(made)
    return World(person, records, agencies)


def _viewer_cases() -> list[tuple[Role, str, ServiceKind | None, bool]]:
    cases = []
    for agency_key, service in VIEWER_PLACES:
        roles = (
            [Role.COMMUNITY_PARTNER]
            if agency_key == "hotel"
            else [r for r in Role if r != Role.COMMUNITY_PARTNER]
        )
        for role in roles:
            for team in (False, True):
                if team and role not in CASE_ROLES:
                    continue
                cases.append((role, agency_key, service, team))
    return cases


CASES = _viewer_cases()


def _id(case: tuple[Role, str, ServiceKind | None, bool]) -> str:
    role, agency, service, team = case
    place = f"{agency}-{service.value}" if service else agency
    return f"{role.value}-{place}-{'team' if team else 'noteam'}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_the_pages_show_exactly_what_the_sharing_policy_allows(make_user, agencies, case):
    role, agency_key, service, team = case
    world = build_world(agencies)
    viewer = make_user(role, agency_key, service=service)
    if team:
        do_add_relationship(
            actor=None, young_person=world.person, user=viewer, kind="case_team", reason="Matrix"
        )
    client = Client()
    sign_in_fully(client, viewer)
    expected = {
        record.pk: expected_level(
            role,
            agencies[agency_key].kind,
            service,
            record.owning_agency_id == viewer.agency_id,
            team,
            record.category,
            record.classification,
            OWNERS[record.category][1],
        )
        for record in world.records
    }
    mismatches: list[str] = []

    def check(action: str, record: AgencyRecord, want: object, got: object) -> None:
        if want != got:
            mismatches.append(
                f"{action} {record.category}/{record.classification}: expected {want}, got {got}"
            )

    # list: the chronology
    chronology = client.get(f"/young-people/{world.person.pk}/")
    if role not in CASE_ROLES:
        assert chronology.status_code == 404
    else:
        html = chronology.content.decode()
        shown = {
            int(pk): level
            for level, pk in re.findall(
                r'data-level="([^"]+)">.*?href="/records/(\d+)/"', html, re.S
            )
        }
        flagged = {
            unescape(name)
            for name in re.findall(r"<strong>([^<]+) holds information</strong>", html)
        }
        for record in world.records:
            want = expected[record.pk]
            label = {FULL: "Full", SUMMARY: "Summary"}.get(want)
            check("list", record, label, shown.get(record.pk))
            if want == FULL:
                check("list-content", record, True, f"matrix-{record.category}-" in html)
        flags_wanted = {r.owning_agency.name for r in world.records if expected[r.pk] == EXISTENCE}
        assert flagged == flags_wanted, (flagged, flags_wanted)
        for record in world.records:
            if expected[record.pk] < SUMMARY:
                check(
                    "list-leak",
                    record,
                    False,
                    f"matrix-{record.category}-{record.classification}<" in html,
                )

    # search: the partnership list of records
    listing = client.get("/records/")
    if role not in CASE_ROLES:
        assert listing.status_code == 404
    else:
        html = listing.content.decode()
        for record in world.records:
            check(
                "search",
                record,
                expected[record.pk] >= SUMMARY,
                f'href="/records/{record.pk}/"' in html,
            )

    # view and edit: one record at a time
    for record in world.records:
        response = client.get(f"/records/{record.pk}/")
        want = expected[record.pk]
        check("view", record, 200 if want >= SUMMARY else 404, response.status_code)
        if response.status_code == 200:
            check(
                "view-content",
                record,
                want == FULL,
                f"content-{record.category}".encode() in response.content,
            )
        may_edit = record.owning_agency_id == viewer.agency_id and want == FULL and role in EDITING
        edit = client.get(f"/records/{record.pk}/edit/")
        check("edit", record, 200 if may_edit else 404, edit.status_code)

    # export: the chronology as CSV, for coordinators, IG officers and the case team; an
    # export is a disclosure (a purpose, then a new code), made here as a user makes it
    may_export = role in CASE_ROLES and (role in (Role.COORDINATOR, Role.IG_OFFICER) or team)
    if may_export:
        export = export_csv(client, viewer, world.person)
        assert export["Content-Type"].startswith("text/csv"), export["Content-Type"]
    else:
        export = client.get(f"/young-people/{world.person.pk}/export/")
        assert export.status_code == 404, export.status_code
    if may_export:
        rows = list(csv.reader(io.StringIO(export.content.decode())))
        text = "\n".join(",".join(row) for row in rows)
        for record in world.records:
            want = expected[record.pk]
            check(
                "export",
                record,
                want == FULL,
                f"matrix-{record.category}-{record.classification}" in text,
            )

    assert not mismatches, "\n".join(mismatches)


def test_every_route_is_in_the_matrix_or_named_as_outside_it():
    names: set[str] = set()

    def walk(patterns: Sequence[object], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                names.add(f"{namespace}:{pattern.name}" if namespace else str(pattern.name))

    walk(get_resolver().url_patterns, "")
    missing = names - set(ROUTES_IN_MATRIX) - set(ROUTES_OUTSIDE_MATRIX)
    assert not missing, f"Routes missing from the authorisation matrix: {sorted(missing)}"
    stale = (set(ROUTES_IN_MATRIX) | set(ROUTES_OUTSIDE_MATRIX)) - names
    assert not stale, f"The matrix names routes that no longer exist: {sorted(stale)}"


def test_the_matrix_covers_every_role_category_and_classification():
    roles = {case[0] for case in CASES}
    assert roles == set(Role)
    assert set(OWNERS) == set(RecordCategory.values)
    assert record_cells() > 4000


def record_cells() -> int:
    return len(CASES) * len(OWNERS) * len(Classification.values) * len(ROUTES_IN_MATRIX)


# --- Capabilities: who may do what -------------------------------------------------------

# Who may do each thing, restated from the product brief. First column: roles that may do it
# to anything; second: roles that may do it only to things of their own agency ("-": none).
#   P practitioner, S MASH screener, C coordinator, A analyst, I IG officer,
#   L strategic lead, K community partner, D system administrator
STATED_TABLE = """
read_case_content                  PSCAI     -
know_every_young_person            SC        -
record                             PSCA      -
export_any_chronology              CI        -
manage_case_teams                  SC        -
record_consent                     PSCA      -
use_break_glass                    PSCA      -
oversee_agency_information         -         I
dispose_record                     -         I
read_sharing_agreement             PSCAILD   -
change_sharing_agreement           D         -
use_governance_index               ID        -
read_notifications                 -         PSCAILD
submit_partner_concern             K         -
see_screening_queue                C         S
screen_referral                    -         S
answer_referral                    C         S
set_referral_pathways              D         -
see_every_case                     SC        -
open_case                          SC        -
manage_any_case                    SC        -
record_strategy_discussion         SC        -
reopen_case                        SC        -
complete_action                    C         PSA
see_overdue_actions                C         -
assess                             PSC       -
assess_without_case_team           C         -
see_assessments_without_case_team  SCI       -
edit_screening_tool                CD        -
run_mase_meetings                  C         -
see_every_meeting                  C         -
see_partnership_picture            PSCAIL    -
see_every_disruption_plan          CA        -
record_disruption_outcome          C         PSA
import_feed                        -         PSA
link_imported_rows                 SCA       PI
review_matches                     SCA       -
set_linkage_thresholds             CD        -
edit_concern_categories            CD        -
submit_encodings                   -         PSCA
decide_disclosure_request          -         SC
record_intelligence                -         PA
see_intelligence                   PSCAI     -
analyse_intelligence               A         -
resolve_entities                   A         -
see_alerts                         PSCA      -
see_every_alert                    SCA       -
triage_alerts                      C         -
change_alert_rules                 C         -
run_alert_replay                   CA        -
"""
_LETTERS = {
    "P": Role.PRACTITIONER,
    "S": Role.MASH_SCREENER,
    "C": Role.COORDINATOR,
    "A": Role.ANALYST,
    "I": Role.IG_OFFICER,
    "L": Role.STRATEGIC_LEAD,
    "K": Role.COMMUNITY_PARTNER,
    "D": Role.ADMINISTRATOR,
}


def _stated() -> dict[str, tuple[set[Role], set[Role]]]:
    stated = {}
    for line in STATED_TABLE.strip().splitlines():
        name, anywhere, own = line.split()
        stated[name] = (
            {_LETTERS[c] for c in anywhere if c != "-"},
            {_LETTERS[c] for c in own if c != "-"},
        )
    return stated


STATED = _stated()
OWN, OTHER = 1, 2  # agency ids: the user's own, and another agency's

# Pages guarded by one capability alone: opened (200) by every role it allows, 404 to the rest.
CAPABILITY_PAGES: dict[Capability, list[str]] = {
    Capability.READ_CASE_CONTENT: ["/young-people/", "/records/", "/cases/actions/"],
    Capability.READ_SHARING_AGREEMENT: ["/governance/sharing-agreement/"],
    Capability.USE_GOVERNANCE_INDEX: ["/governance/"],
    Capability.OVERSEE_AGENCY_INFORMATION: [
        "/governance/break-glass/",
        "/governance/retention/",
        "/governance/subject-access/",
    ],
    Capability.READ_NOTIFICATIONS: ["/notifications/"],
    Capability.SUBMIT_PARTNER_CONCERN: ["/referrals/concern/"],
    Capability.SEE_SCREENING_QUEUE: ["/referrals/mash/"],
    Capability.ANSWER_REFERRAL: ["/cases/referrals/"],
    Capability.SET_REFERRAL_PATHWAYS: ["/cases/pathways/"],
    Capability.ASSESS: ["/assessments/due/"],
    Capability.EDIT_SCREENING_TOOL: ["/assessments/tool/change/"],
    Capability.RUN_MASE_MEETINGS: ["/mase/meetings/new/"],
    Capability.SEE_PARTNERSHIP_PICTURE: ["/mase/", "/mase/attendance/", "/mase/activity/"],
    Capability.IMPORT_FEED: ["/imports/"],
    Capability.REVIEW_MATCHES: ["/matching/review/"],
    Capability.SET_LINKAGE_THRESHOLDS: ["/matching/thresholds/"],
    Capability.EDIT_CONCERN_CATEGORIES: ["/records/concern-categories/"],
    Capability.SUBMIT_ENCODINGS: ["/privacy-preserving/"],
    Capability.DECIDE_DISCLOSURE_REQUEST: ["/privacy-preserving/requests/"],
    Capability.SEE_INTELLIGENCE: ["/intelligence/"],
    Capability.RECORD_INTELLIGENCE: ["/intelligence/new/"],
    Capability.ANALYSE_INTELLIGENCE: ["/intelligence/entities/", "/intelligence/people/new/"],
    Capability.RESOLVE_ENTITIES: ["/intelligence/resolve/"],
    Capability.SEE_ALERTS: ["/alerts/"],
    Capability.SEE_EVERY_ALERT: ["/alerts/rules/", "/alerts/benign-values/"],
    Capability.CHANGE_ALERT_RULES: ["/alerts/benign-values/add/"],
    Capability.RUN_ALERT_REPLAY: ["/alerts/replays/"],
}
# Capabilities about one thing (a case, a referral, a record...), each with the tests that
# drive it through the pages for the roles allowed and refused.
CAPABILITIES_EXERCISED_ELSEWHERE: dict[Capability, str] = {
    Capability.KNOW_EVERY_YOUNG_PERSON: "this file: the record cells (need to know by role)",
    Capability.RECORD: "this file: the edit cells; records/tests/test_recording_and_editing.py",
    Capability.EXPORT_ANY_CHRONOLOGY: "this file: the export cells",
    Capability.MANAGE_CASE_TEAMS: "records/tests, cases/tests/test_case_pages.py",
    Capability.RECORD_CONSENT: "records/tests/test_consent_and_sharing.py",
    Capability.USE_BREAK_GLASS: "records/tests/test_break_glass.py",
    Capability.DISPOSE_RECORD: "governance/tests/test_governance_views.py (retention)",
    Capability.CHANGE_SHARING_AGREEMENT: "governance/tests/test_governance_views.py",
    Capability.SCREEN_REFERRAL: "referrals/tests/test_referrals.py",
    Capability.SEE_EVERY_CASE: "cases/tests/test_case_pages.py",
    Capability.OPEN_CASE: "cases/tests/test_outcomes.py, cases/tests/test_case_pages.py",
    Capability.MANAGE_ANY_CASE: "cases/tests/test_case_pages.py",
    Capability.RECORD_STRATEGY_DISCUSSION: "cases/tests/test_outcomes.py",
    Capability.REOPEN_CASE: "cases/tests/test_case_pages.py",
    Capability.COMPLETE_ACTION: "cases/tests/test_case_pages.py",
    Capability.SEE_OVERDUE_ACTIONS: "cases/tests/test_case_pages.py (my actions)",
    Capability.ASSESS_WITHOUT_CASE_TEAM: "assessment/tests/test_pages.py",
    Capability.SEE_ASSESSMENTS_WITHOUT_CASE_TEAM: "assessment/tests/test_queries.py",
    Capability.SEE_EVERY_MEETING: "mase/tests",
    Capability.SEE_EVERY_DISRUPTION_PLAN: "mase/tests",
    Capability.RECORD_DISRUPTION_OUTCOME: "mase/tests",
    Capability.LINK_IMPORTED_ROWS: "imports/tests, matching/tests",
    Capability.TRIAGE_ALERTS: "alerts/tests/test_triage.py",
}


def _user_for(role: Role, *, agency_id: int | None = OWN, active: bool = True) -> User:
    # Unsaved: the policy decides from role, agency and whether the account is active.
    return User(username=f"policy-{role.value}", role=role, agency_id=agency_id, is_active=active)


def capability_cells() -> int:
    places = 3  # a thing of their own agency, of another agency, none named
    return len(STATED) * len(Role) * (places + 1)  # and the same role with an inactive account


def page_cells() -> int:
    return len(Role) * sum(len(pages) for pages in CAPABILITY_PAGES.values())


def test_every_capability_is_stated_and_exercised():
    named = {capability.value for capability in Capability}
    assert set(STATED) == named == {capability.value for capability in POLICY}, (
        f"State who may do each capability in STATED_TABLE: {sorted(named ^ set(STATED))}"
    )
    for name, (anywhere, own) in STATED.items():
        allowed = anywhere | own
        assert allowed, f"Nobody may {name}"
        assert set(Role) - allowed, f"Everybody may {name}: it is not a permission"
    exercised = set(CAPABILITY_PAGES) | set(CAPABILITIES_EXERCISED_ELSEWHERE)
    assert exercised == set(Capability), sorted(set(Capability) ^ exercised)
    assert not set(CAPABILITY_PAGES) & set(CAPABILITIES_EXERCISED_ELSEWHERE)


@pytest.mark.parametrize("capability", list(Capability), ids=[c.value for c in Capability])
def test_the_policy_allows_exactly_the_roles_stated(capability):
    anywhere, own = STATED[capability.value]
    mismatches = []
    for role in Role:
        user = _user_for(role)
        wanted = {
            "own agency": role in anywhere | own,
            "another agency": role in anywhere,
            "no agency named": role in anywhere | own,
        }
        got = {
            "own agency": may(user, capability, agency=OWN),
            "another agency": may(user, capability, agency=OTHER),
            "no agency named": may(user, capability),
        }
        mismatches += [f"{role.value} {where}" for where in wanted if wanted[where] != got[where]]
        if may(_user_for(role, active=False), capability, agency=OWN):
            mismatches.append(f"{role.value} with an inactive account")
    assert not mismatches, f"{capability.value}: {mismatches}"


def test_own_agency_capabilities_need_an_agency():
    for name, (anywhere, own) in STATED.items():
        for role in own - anywhere:
            assert not may(_user_for(role, agency_id=None), Capability(name)), (name, role)


def test_nobody_signed_in_may_do_anything():
    assert not any(may(AnonymousUser(), capability) for capability in Capability)
    assert not any(may(None, capability) for capability in Capability)


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_pages_open_to_exactly_the_roles_the_policy_allows(make_user, role):
    viewer = make_user(role, "hotel" if role == Role.COMMUNITY_PARTNER else "police")
    client = Client()
    sign_in_fully(client, viewer)
    mismatches = []
    for capability, pages in CAPABILITY_PAGES.items():
        anywhere, own = STATED[capability.value]
        want = 200 if role in anywhere | own else 404
        for page in pages:
            got = client.get(page).status_code
            if got != want:
                mismatches.append(f"{capability.value} {page}: expected {want}, got {got}")
    assert not mismatches, "\n".join(mismatches)


def test_the_matrix_is_no_smaller_than_before_the_permission_policy():
    # 19,950 record cells before the capabilities were added to the matrix.
    assert record_cells() >= 19950
    assert record_cells() + capability_cells() + page_cells() > 19950

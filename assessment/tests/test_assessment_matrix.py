"""The authorisation matrix for CSE screening assessments, generated from the sharing policy.

Cells: role x own/other agency (the assessor's, or another kind of agency) x relationship with
the young person or not x declined consent or not x action (history, view, list, assess). Every
cell is driven through the real pages, and what they show is compared with the level the
written policy gives: ``expected_level`` restates the records rules from the product brief (an
assessment is read like a standard record of the assessor's agency, which the agreement shares
with every CSE partner); it does not call the gate. Refused objects are 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from assessment import queries
from assessment.tests.helpers import assess, join_case_team, person
from conftest import sign_in_fully
from governance.models import Level
from partnership.models import Role

pytestmark = pytest.mark.django_db

FULL, SUMMARY, EXISTENCE, NONE = 3, 2, 1, 0
CASE_ROLES = {
    Role.PRACTITIONER,
    Role.MASH_SCREENER,
    Role.COORDINATOR,
    Role.ANALYST,
    Role.IG_OFFICER,
}
ASSESSOR_AGENCY = "csc"
# The assessor's own agency, and other kinds of agency (statutory and voluntary).
VIEWER_AGENCIES = ("csc", "police", "charity")
ACTIONS = ("history", "view", "list", "assess")
EVIDENCE = "Seen: missing_episodes"
SOURCE = "Police log 12"
OPINION = "Matrix opinion: the pattern fits grooming."


def expected_level(role: Role, own: bool, related: bool, consent_blocks: bool) -> int:
    if role not in CASE_ROLES:
        return NONE
    if own:
        return FULL
    cap = FULL
    if role == Role.IG_OFFICER:
        cap = SUMMARY
    elif not (related or role in (Role.COORDINATOR, Role.MASH_SCREENER)):
        cap = EXISTENCE
    if consent_blocks:
        cap = min(cap, EXISTENCE)
    return cap


def expected_may_assess(role: Role, related: bool) -> bool:
    return role == Role.COORDINATOR or (role in (Role.PRACTITIONER, Role.MASH_SCREENER) and related)


@dataclass(frozen=True)
class Case:
    role: Role
    agency: str
    related: bool
    consent_blocks: bool

    @property
    def id(self) -> str:
        return (
            f"{self.role.value}-{self.agency}-{'related' if self.related else 'unrelated'}"
            f"{'-consent-declined' if self.consent_blocks else ''}"
        )


def _cases() -> list[Case]:
    cases = [Case(Role.COMMUNITY_PARTNER, "hotel", False, False)]
    for agency in VIEWER_AGENCIES:
        for role in Role:
            if role == Role.COMMUNITY_PARTNER:
                continue
            for related in (False, True):
                if related and role not in CASE_ROLES:
                    continue
                cases.append(Case(role, agency, related, False))
    # Declined consent matters only to other agencies; one related and one not, per role.
    for role in sorted(CASE_ROLES):
        for related in (False, True):
            cases.append(Case(role, "police", related, True))
    return cases


CASES = _cases()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_assessment_pages_show_exactly_what_the_sharing_policy_allows(make_user, case):
    assessor = make_user(Role.COORDINATOR, ASSESSOR_AGENCY, username="matrix.assessor")
    today = timezone.localdate()
    young = person(today - timedelta(days=15 * 366), given="Matrix")
    made = assess(
        assessor,
        young,
        today - timedelta(days=10),
        present=("missing_episodes", "older_associates"),
        summary_opinion=OPINION,
    )
    if case.consent_blocks:
        young.consent_blocks_sharing = True
        young.save(update_fields=["consent_blocks_sharing"])
    viewer = make_user(case.role, case.agency)
    if case.related:
        join_case_team(viewer, young)
    own = case.agency == ASSESSOR_AGENCY
    want = expected_level(case.role, own, case.related, case.consent_blocks)
    client = Client()
    sign_in_fully(client, viewer)
    mismatches: list[str] = []

    def check(action: str, expected: object, got: object) -> None:
        if expected != got:
            mismatches.append(f"{action}: expected {expected}, got {got}")

    # history: the young person's assessments and their trend
    history = client.get(f"/assessments/young-person/{young.pk}/")
    check("history status", 200 if case.role in CASE_ROLES else 404, history.status_code)
    if history.status_code == 200:
        html = history.content.decode()
        check("history link", want >= SUMMARY, f'href="/assessments/{made.pk}/"' in html)
        check("history existence", want == EXISTENCE, "made an assessment you cannot see" in html)

    # view: one assessment
    page = client.get(f"/assessments/{made.pk}/")
    check("view status", 200 if want >= SUMMARY else 404, page.status_code)
    if page.status_code == 200:
        html = page.content.decode()
        check("view evidence", want == FULL, EVIDENCE in html)
        check("view source", want == FULL, SOURCE in html)
        check("view opinion", want == FULL, OPINION in html)
        check("view summary", True, 'data-testid="chosen"' in html)

    # list: the one query behind reassessments due, the home page and the MASE agenda
    for level in (Level.SUMMARY, Level.FULL):
        listed = queries.assessments_visible_to(viewer, at_least=level).filter(pk=made.pk)
        check(f"list at {level.label}", want >= level, listed.exists())

    # assess: the form for a new assessment
    new = client.get(f"/assessments/young-person/{young.pk}/new/")
    may_assess = case.role in CASE_ROLES and expected_may_assess(case.role, case.related)
    check("assess", 200 if may_assess else 404, new.status_code)

    assert not mismatches, "\n".join(mismatches)


def test_an_ig_officer_of_another_agency_sees_an_assessment_at_summary_only(make_user):
    """The finding of the security review (issue 11): no evidence, source or opinion."""
    assessor = make_user(Role.COORDINATOR, ASSESSOR_AGENCY, username="matrix.assessor")
    young = person(timezone.localdate() - timedelta(days=15 * 366))
    made = assess(
        assessor,
        young,
        timezone.localdate(),
        present=("missing_episodes",),
        summary_opinion=OPINION,
    )
    client = Client()
    sign_in_fully(client, make_user(Role.IG_OFFICER, "health"))
    html = client.get(f"/assessments/{made.pk}/").content.decode()
    assert 'data-testid="summary-only"' in html
    assert EVIDENCE not in html
    assert SOURCE not in html
    assert OPINION not in html


def test_the_matrix_covers_every_role_agency_relationship_and_action():
    assert {c.role for c in CASES} == set(Role)
    assert {c.agency for c in CASES} >= set(VIEWER_AGENCIES)
    assert {(c.related, c.consent_blocks) for c in CASES} == {
        (False, False),
        (True, False),
        (False, True),
        (True, True),
    }
    assert len(CASES) * len(ACTIONS) > 150

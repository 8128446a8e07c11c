"""The read interface other apps use: latest levels, high-risk young people, reassessments due,
and the one rule for who sees an assessment, as a decision and as a query."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessment import queries
from assessment.models import Level
from assessment.tests.helpers import assess, join_case_team, person
from governance import policy
from partnership.models import Role

pytestmark = pytest.mark.django_db

HIGH_SIGNS = ("older_associates", "hotels_taxis", "gifts_money_phones", "missing_episodes")


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, "csc")


def ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


def test_high_risk_lists_young_people_whose_newest_level_is_high(coordinator):
    still_high = person(ago(15 * 366), "Still")
    now_lower = person(ago(15 * 366), "Lower")
    chosen_high = person(ago(16 * 366), "Chosen")
    assess(coordinator, still_high, ago(60), present=HIGH_SIGNS)
    assess(coordinator, now_lower, ago(90), present=HIGH_SIGNS)
    assess(coordinator, now_lower, ago(10))
    assess(coordinator, chosen_high, ago(5), chosen=Level.HIGH, reason="Disclosed abuse today.")
    listed = queries.high_risk_young_people(coordinator)
    assert [young.given_name for young, _ in listed] == ["Still", "Chosen"]
    assert all(a.chosen_level == Level.HIGH for _, a in listed)


def test_high_risk_is_filtered_through_the_gate(coordinator, make_user):
    young = person(ago(15 * 366))
    assess(coordinator, young, ago(3), present=HIGH_SIGNS)
    outsider = make_user(Role.PRACTITIONER, "health")
    assert queries.high_risk_young_people(outsider) == []
    join_case_team(outsider, young)
    assert [y for y, _ in queries.high_risk_young_people(outsider)] == [young]
    assert queries.high_risk_young_people(make_user(Role.STRATEGIC_LEAD, "council")) == []


def test_reassessments_due_are_the_overdue_and_the_soon_due_newest_first_by_date(coordinator):
    overdue = person(ago(14 * 366), "Overdue")
    soon = person(ago(14 * 366), "Soon")
    later = person(ago(14 * 366), "Later")
    superseded = person(ago(14 * 366), "Superseded")
    grown_up = person(ago(18 * 366), "Adult")
    assess(coordinator, overdue, ago(100))
    assess(coordinator, soon, ago(10), next_due=ago(-7))
    assess(coordinator, later, ago(10))
    assess(coordinator, superseded, ago(100))
    assess(coordinator, superseded, ago(1))
    assess(coordinator, grown_up, ago(100))
    due = queries.reassessments_due(coordinator)
    assert [a.young_person.given_name for a in due] == ["Overdue", "Soon"]
    assert due[0].is_overdue()
    assert not due[1].is_overdue()
    assert queries.reassessments_due_count(coordinator) == 2
    assert [a.young_person.given_name for a in queries.reassessments_due(coordinator, 0)] == [
        "Overdue"
    ]


def test_a_practitioner_sees_reassessments_due_only_for_their_case_team(coordinator, make_user):
    mine = person(ago(14 * 366), "Mine")
    theirs = person(ago(14 * 366), "Theirs")
    assess(coordinator, mine, ago(100))
    assess(coordinator, theirs, ago(100))
    practitioner = make_user(Role.PRACTITIONER, "school")
    join_case_team(practitioner, mine)
    assert [a.young_person for a in queries.reassessments_due(practitioner)] == [mine]
    assert queries.reassessments_due(make_user(Role.ANALYST, "police")) == []


def test_latest_levels_takes_the_newest_by_date_for_each_young_person(coordinator):
    first, second = person(ago(15 * 366), "A"), person(ago(15 * 366), "B")
    newest = assess(coordinator, first, ago(20), present=HIGH_SIGNS)
    assess(coordinator, first, ago(50))
    only = assess(coordinator, second, ago(5))
    assert queries.latest_levels([first.pk, second.pk]) == {first.pk: newest, second.pk: only}
    assert queries.latest_levels([]) == {}


ROLES = [
    (Role.PRACTITIONER, "school"),
    (Role.PRACTITIONER, "csc"),
    (Role.MASH_SCREENER, "police"),
    (Role.COORDINATOR, "csc"),
    (Role.ANALYST, "police"),
    (Role.IG_OFFICER, "health"),
    (Role.STRATEGIC_LEAD, "council"),
    (Role.ADMINISTRATOR, "council"),
    (Role.COMMUNITY_PARTNER, "hotel"),
]


@pytest.mark.parametrize("in_team", [False, True])
@pytest.mark.parametrize("consent_blocks", [False, True])
def test_the_decision_and_the_query_agree_for_every_role(
    coordinator, make_user, in_team, consent_blocks
):
    young = person(ago(15 * 366))
    made = assess(coordinator, young, ago(30))
    if consent_blocks:
        young.consent_blocks_sharing = True
        young.save(update_fields=["consent_blocks_sharing"])
    for role, agency in ROLES:
        user = make_user(role, agency, username=f"{agency}.{role.value}.{in_team}.{consent_blocks}")
        if in_team and user.reads_case_content:
            join_case_team(user, young)
        decided = queries.may_see(policy.viewer_for(user, young), made)
        listed = queries.assessments_visible_to(user).filter(pk=made.pk).exists()
        assert decided == listed, (role, agency)
        if not user.reads_case_content:
            assert not decided
        if user.agency_id == made.assessor_agency_id and user.reads_case_content:
            assert decided


def test_the_home_page_line_counts_overdue_and_soon_due_reassessments(coordinator, make_user):
    from assessment.panels import reassessment_lines

    assert reassessment_lines(coordinator) == []
    assess(coordinator, person(ago(14 * 366), "A"), ago(100))
    assess(coordinator, person(ago(14 * 366), "B"), ago(95))
    assess(coordinator, person(ago(14 * 366), "C"), ago(10), next_due=ago(-3))
    assert reassessment_lines(coordinator) == [
        ("2 CSE screening reassessments overdue, 1 due in the next 14 days", "/assessments/due/")
    ]
    assert reassessment_lines(make_user(Role.ADMINISTRATOR, "council")) == []

"""Assessing, choosing a level, reassessment dates, the trend and versions of the tool."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessment import queries
from assessment.actions import (
    IndicatorChange,
    add_months,
    do_assess,
    do_revise_tool,
    latest_due_date,
)
from assessment.defaults import DEFAULT_INDICATORS
from assessment.models import Answer, Assessment, Indicator, Level, ToolVersion
from assessment.tests.helpers import answers, assess, join_case_team, person
from governance.models import AuditAction, AuditEvent
from partnership.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(make_user):
    return make_user(Role.COORDINATOR, "csc")


def expected_by_score(score: int, version: ToolVersion) -> Level:
    if score >= version.high_from:
        return Level.HIGH
    if score >= version.medium_from:
        return Level.MEDIUM
    if score >= version.low_from:
        return Level.LOW
    return Level.NOT_APPARENT


def test_the_default_tool_is_loaded_as_version_one_with_every_indicator():
    tool = queries.current_tool()
    assert tool.number == 1
    assert set(tool.indicators.values_list("code", flat=True)) == {
        spec.code for spec in DEFAULT_INDICATORS
    }
    assert tool.low_from <= tool.medium_from <= tool.high_from


def test_a_marked_indicator_suggests_high_the_day_before_the_14th_birthday(coordinator):
    young = person(date(2010, 6, 15))
    marked = Indicator.objects.get(version=queries.current_tool(), code="older_associates")
    assert marked.high_if_young
    made = assess(coordinator, young, date(2024, 6, 14), present=("older_associates",))
    assert made.age_at_assessment == 13
    assert made.suggested_level == Level.HIGH


def test_on_the_14th_birthday_the_same_answers_follow_the_score(coordinator):
    young = person(date(2010, 6, 15))
    tool = queries.current_tool()
    weight = Indicator.objects.get(version=tool, code="older_associates").weight
    made = assess(coordinator, young, date(2024, 6, 15), present=("older_associates",))
    assert made.age_at_assessment == 14
    assert made.score == weight
    assert made.suggested_level == expected_by_score(weight, tool)
    assert made.suggested_level != Level.HIGH


def test_the_score_adds_the_weights_of_present_indicators(coordinator):
    young = person(date(2008, 1, 1))
    tool = queries.current_tool()
    chosen = ("missing_episodes", "gifts_money_phones", "school_absence")
    weights = sum(
        Indicator.objects.filter(version=tool, code__in=chosen).values_list("weight", flat=True)
    )
    made = assess(coordinator, young, date(2024, 3, 1), present=chosen)
    assert made.score == weights
    assert made.suggested_level == expected_by_score(weights, tool)


def test_choosing_a_different_level_without_a_reason_is_refused(coordinator):
    young = person(date(2008, 1, 1))
    with pytest.raises(ValidationError) as refused:
        do_assess(
            actor=coordinator,
            young_person=young,
            assessed_on=date(2024, 3, 1),
            answers=answers(),
            chosen_level=Level.HIGH,
        )
    assert "reason_for_difference" in refused.value.message_dict
    assert "suggested not apparent" in refused.value.message_dict["reason_for_difference"][0]
    assert not Assessment.objects.exists()


def test_choosing_a_different_level_with_a_reason_is_kept_with_both_levels(coordinator):
    young = person(date(2008, 1, 1))
    made = assess(
        coordinator,
        young,
        date(2024, 3, 1),
        chosen=Level.MEDIUM,
        reason="Her sister is being exploited by the same group; the tool cannot see that.",
    )
    assert made.suggested_level == Level.NOT_APPARENT
    assert made.chosen_level == Level.MEDIUM
    assert "sister" in made.reason_for_difference
    event = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="cse_assessment").get()
    assert event.details["suggested"] == "not_apparent"
    assert event.details["chosen"] == "medium"


def test_a_present_indicator_needs_evidence_or_opinion_and_evidence_needs_a_source(coordinator):
    young = person(date(2008, 1, 1))
    given = answers()
    given["missing_episodes"] = given["missing_episodes"].__class__(Answer.PRESENT)
    given["school_absence"] = given["school_absence"].__class__(
        Answer.NOT_PRESENT, evidence="Attendance 98% this term"
    )
    with pytest.raises(ValidationError) as refused:
        do_assess(
            actor=coordinator,
            young_person=young,
            assessed_on=date(2024, 3, 1),
            answers=given,
            chosen_level=Level.LOW,
        )
    assert set(refused.value.message_dict) == {"evidence_missing_episodes", "source_school_absence"}


def test_evidence_is_kept_apart_from_opinion(coordinator):
    young = person(date(2008, 1, 1))
    given = answers()
    given["gifts_money_phones"] = given["gifts_money_phones"].__class__(
        Answer.PRESENT,
        evidence="Two new iPhones found in her room on 3 March",
        evidence_source="Foster carer, reported to CSC",
        opinion="I think these came from the older men at the takeaway.",
    )
    made = do_assess(
        actor=coordinator,
        young_person=young,
        assessed_on=date(2024, 3, 4),
        answers=given,
        chosen_level=Level.LOW,
    )
    answer = made.answers.get(indicator__code="gifts_money_phones")
    assert answer.evidence.startswith("Two new iPhones")
    assert answer.evidence_source == "Foster carer, reported to CSC"
    assert answer.opinion.startswith("I think")


def test_reassessment_is_due_three_months_later_by_default(coordinator):
    young = person(date(2008, 1, 1))
    made = assess(coordinator, young, date(2024, 3, 15))
    assert made.next_due == date(2024, 6, 15)


def test_three_months_after_the_end_of_november_is_the_end_of_february():
    assert latest_due_date(date(2023, 11, 30)) == date(2024, 2, 29)
    assert latest_due_date(date(2024, 11, 30)) == date(2025, 2, 28)
    assert add_months(date(2024, 12, 31), 1) == date(2025, 1, 31)


def test_the_professional_may_set_a_sooner_reassessment_but_not_a_later_one(coordinator):
    young = person(date(2008, 1, 1))
    sooner = assess(coordinator, young, date(2024, 3, 15), next_due=date(2024, 4, 1))
    assert sooner.next_due == date(2024, 4, 1)
    with pytest.raises(ValidationError) as refused:
        assess(coordinator, young, date(2024, 3, 15), next_due=date(2024, 6, 16))
    assert "15 June 2024" in refused.value.message_dict["next_due"][0]
    with pytest.raises(ValidationError) as refused:
        assess(coordinator, young, date(2024, 3, 15), next_due=date(2024, 3, 15))
    assert "next_due" in refused.value.message_dict


def test_an_assessment_cannot_be_dated_in_the_future(coordinator):
    young = person(date(2008, 1, 1))
    with pytest.raises(ValidationError) as refused:
        assess(coordinator, young, timezone.localdate() + timedelta(days=1), chosen=Level.LOW)
    assert "assessed_on" in refused.value.message_dict


def test_a_practitioner_outside_the_case_team_cannot_assess(make_user):
    practitioner = make_user(Role.PRACTITIONER, "school")
    young = person(date(2008, 1, 1))
    with pytest.raises(PermissionDenied):
        assess(practitioner, young, date(2024, 3, 1), chosen=Level.LOW)
    join_case_team(practitioner, young)
    assert assess(practitioner, young, date(2024, 3, 1)).assessor == practitioner


@pytest.mark.parametrize("role", [Role.ANALYST, Role.IG_OFFICER])
def test_other_roles_cannot_assess_even_in_a_case_team(make_user, role):
    user = make_user(role, "police")
    young = person(date(2008, 1, 1))
    join_case_team(user, young)
    with pytest.raises(PermissionDenied):
        assess(user, young, date(2024, 3, 1), chosen=Level.LOW)


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.STRATEGIC_LEAD])
def test_roles_that_read_no_case_content_cannot_assess(make_user, role):
    with pytest.raises(PermissionDenied):
        assess(
            make_user(role, "council"), person(date(2008, 1, 1)), date(2024, 3, 1), chosen=Level.LOW
        )


def test_the_trend_is_oldest_first_whatever_order_assessments_were_entered(coordinator):
    young = person(date(2008, 1, 1))
    middle = assess(coordinator, young, date(2024, 5, 1), present=("missing_episodes",))
    newest = assess(
        coordinator,
        young,
        date(2024, 7, 1),
        present=("missing_episodes", "older_associates", "hotels_taxis"),
    )
    oldest = assess(coordinator, young, date(2024, 2, 1))
    assert list(queries.history_of(young)) == [oldest, middle, newest]
    assert queries.latest_levels([young.pk]) == {young.pk: newest}


def _revise(actor, version, *, weight_of=None, reason="Local data review", **thresholds):
    changes = [
        IndicatorChange(
            i.code,
            i.wording,
            i.kind,
            (weight_of or {}).get(i.code, i.weight),
            i.high_if_young,
            i.is_active,
            i.order,
        )
        for i in version.indicators.all()
    ]
    values = {
        "low_from": version.low_from,
        "medium_from": version.medium_from,
        "high_from": version.high_from,
        "young_age": version.young_age,
    } | thresholds
    return do_revise_tool(
        actor=actor, based_on=version, indicators=changes, reason=reason, **values
    )


def test_changing_a_weight_makes_a_new_version_and_old_assessments_keep_theirs(coordinator):
    young = person(date(2008, 1, 1))
    first = queries.current_tool()
    before = assess(coordinator, young, date(2024, 2, 1), present=("school_absence",))
    old_weight = first.indicators.get(code="school_absence").weight
    second = _revise(coordinator, first, weight_of={"school_absence": old_weight + 5})
    assert second.number == first.number + 1
    assert queries.current_tool() == second
    assert first.indicators.get(code="school_absence").weight == old_weight
    after = assess(coordinator, young, date(2024, 3, 1), present=("school_absence",))
    before.refresh_from_db()
    assert before.tool_version == first
    assert before.score == old_weight
    assert after.tool_version == second
    assert after.score == old_weight + 5
    event = AuditEvent.objects.get(action=AuditAction.CONFIGURE, object_type="screening_tool")
    assert event.purpose == "Local data review"
    assert event.details["changed"] == ["school_absence"]


def test_changing_a_threshold_makes_a_new_version(coordinator):
    first = queries.current_tool()
    second = _revise(coordinator, first, high_from=first.high_from + 1)
    assert second.high_from == first.high_from + 1
    assert ToolVersion.objects.count() == 2


def test_saving_with_nothing_changed_or_no_reason_is_refused(coordinator):
    first = queries.current_tool()
    with pytest.raises(ValidationError, match="Nothing has changed"):
        _revise(coordinator, first)
    with pytest.raises(ValidationError) as refused:
        _revise(coordinator, first, high_from=99, reason="  ")
    assert "reason" in refused.value.message_dict
    assert ToolVersion.objects.count() == 1


def test_a_change_based_on_an_old_version_is_refused(coordinator):
    first = queries.current_tool()
    _revise(coordinator, first, high_from=first.high_from + 1)
    with pytest.raises(ValidationError, match="newer version"):
        _revise(coordinator, first, medium_from=first.medium_from + 1)


@pytest.mark.parametrize("role", [Role.PRACTITIONER, Role.MASH_SCREENER, Role.STRATEGIC_LEAD])
def test_only_the_coordinator_and_administrators_change_the_tool(make_user, role):
    with pytest.raises(PermissionDenied):
        _revise(make_user(role, "csc"), queries.current_tool(), high_from=30)
    admin = make_user(Role.ADMINISTRATOR, "council")
    assert _revise(admin, queries.current_tool(), high_from=30).created_by == admin


def test_an_emptied_tool_table_is_loaded_again_from_the_defaults_in_code():
    ToolVersion.objects.all().delete()
    tool = queries.current_tool()
    assert tool.number == 1
    assert tool.indicators.count() == len(DEFAULT_INDICATORS)
    assert queries.current_tool() == tool


def test_the_tool_is_for_children_only(coordinator):
    young = person(date(2005, 6, 15))
    assert assess(coordinator, young, date(2023, 6, 14)).age_at_assessment == 17
    with pytest.raises(ValidationError) as refused:
        assess(coordinator, young, date(2023, 6, 15), chosen=Level.LOW)
    assert "18 or over" in refused.value.message_dict["assessed_on"][0]

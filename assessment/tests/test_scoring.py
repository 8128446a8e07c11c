"""The suggestion arithmetic, on its own and against the default tool."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from assessment.actions import add_months, latest_due_date
from assessment.models import LEVEL_ORDER, Level, level_rank
from assessment.scoring import Thresholds, Weighed, suggest
from people.models import YoungPerson

THRESHOLDS = Thresholds(low_from=1, medium_from=6, high_from=12, young_age=13)


def w(code: str, weight: int, young: bool = False, answer: str = "present") -> Weighed:
    return Weighed(code, weight, young, answer)


def test_nothing_present_is_not_apparent():
    result = suggest(
        [w("a", 5, answer="not_present"), w("b", 3, answer="not_known")], 15, THRESHOLDS
    )
    assert result.level == Level.NOT_APPARENT
    assert result.score == 0
    assert result.not_known == 1


def test_the_score_is_the_sum_of_present_weights_only():
    answers = [w("a", 2), w("b", 3), w("c", 4, answer="not_known"), w("d", 5, answer="not_present")]
    assert suggest(answers, 15, THRESHOLDS).score == 2 + 3


def test_each_threshold_is_inclusive():
    assert suggest([w("a", 5)], 15, THRESHOLDS).level == Level.LOW
    assert suggest([w("a", 6)], 15, THRESHOLDS).level == Level.MEDIUM
    assert suggest([w("a", 11)], 15, THRESHOLDS).level == Level.MEDIUM
    assert suggest([w("a", 12)], 15, THRESHOLDS).level == Level.HIGH


def test_a_marked_indicator_alone_suggests_high_at_13():
    result = suggest([w("older_associates", 1, young=True)], 13, THRESHOLDS)
    assert result.level == Level.HIGH
    assert result.young_rule == ("older_associates",)


def test_the_same_indicator_at_14_follows_the_score():
    result = suggest([w("older_associates", 1, young=True)], 14, THRESHOLDS)
    assert result.level == Level.LOW
    assert result.young_rule == ()


def test_an_unmarked_indicator_at_13_follows_the_score():
    assert suggest([w("school_absence", 2)], 13, THRESHOLDS).level == Level.LOW


def test_a_marked_indicator_not_known_does_not_trigger_the_young_rule():
    assert suggest([w("m", 5, True, "not_known")], 10, THRESHOLDS).level == Level.NOT_APPARENT


answer_lists = st.lists(
    st.builds(
        Weighed,
        code=st.text(alphabet="abcdefgh", min_size=1, max_size=4),
        weight=st.integers(0, 20),
        high_if_young=st.booleans(),
        answer=st.sampled_from(["present", "not_present", "not_known"]),
    ),
    max_size=25,
)


@settings(deadline=None)  # the machine is shared: judge results, not speed
@given(answer_lists, st.integers(0, 17))
def test_marking_one_more_indicator_present_never_lowers_the_suggestion(answers, age):
    before = suggest(answers, age, THRESHOLDS)
    for index, answer in enumerate(answers):
        if answer.answer != "present":
            changed = list(answers)
            changed[index] = Weighed(answer.code, answer.weight, answer.high_if_young, "present")
            after = suggest(changed, age, THRESHOLDS)
            assert level_rank(after.level) >= level_rank(before.level)


@settings(deadline=None)  # the machine is shared: judge results, not speed
@given(answer_lists, st.integers(0, 16))
def test_being_younger_never_lowers_the_suggestion(answers, age):
    older = suggest(answers, age + 1, THRESHOLDS)
    younger = suggest(answers, age, THRESHOLDS)
    assert level_rank(younger.level) >= level_rank(older.level)


@settings(deadline=None)  # the machine is shared: judge results, not speed
@given(answer_lists, st.integers(0, 17))
def test_the_suggestion_is_always_one_of_the_four_levels(answers, age):
    assert suggest(answers, age, THRESHOLDS).level in LEVEL_ORDER


@settings(deadline=None)  # the machine is shared: judge results, not speed
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
def test_reassessment_is_due_within_three_calendar_months(day):
    due = latest_due_date(day)
    assert 89 <= (due - day).days <= 92
    assert due.month == (day.month + 2) % 12 + 1
    assert due.day == day.day or (due.day < day.day and (due + timedelta(days=1)).day == 1)


@settings(deadline=None)  # the machine is shared: judge results, not speed
@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2020, 12, 31)),
    st.integers(min_value=0, max_value=365 * 6),
)
def test_the_young_rule_applies_until_the_day_before_the_14th_birthday(born, days_after_tenth):
    tenth = add_months(born, 120)
    assessed_on = tenth + timedelta(days=days_after_tenth)
    fourteenth = add_months(born, 14 * 12)
    if born.month == 2 and born.day == 29:  # the birthday falls on 1 March in other years
        fourteenth += timedelta(days=1)
    age = YoungPerson(date_of_birth=born).age_on(assessed_on)
    marked = [w("older_associates", 1, young=True)]
    suggested = suggest(marked, age, THRESHOLDS).level
    assert (suggested == Level.HIGH) == (assessed_on < fourteenth)

"""The suggestion arithmetic, on its own and against the default tool."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assessment.models import LEVEL_ORDER, Level, level_rank
from assessment.scoring import Thresholds, Weighed, suggest

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


@given(answer_lists, st.integers(0, 17))
def test_marking_one_more_indicator_present_never_lowers_the_suggestion(answers, age):
    before = suggest(answers, age, THRESHOLDS)
    for index, answer in enumerate(answers):
        if answer.answer != "present":
            changed = list(answers)
            changed[index] = Weighed(answer.code, answer.weight, answer.high_if_young, "present")
            after = suggest(changed, age, THRESHOLDS)
            assert level_rank(after.level) >= level_rank(before.level)


@given(answer_lists, st.integers(0, 16))
def test_being_younger_never_lowers_the_suggestion(answers, age):
    older = suggest(answers, age + 1, THRESHOLDS)
    younger = suggest(answers, age, THRESHOLDS)
    assert level_rank(younger.level) >= level_rank(older.level)


@given(answer_lists, st.integers(0, 17))
def test_the_suggestion_is_always_one_of_the_four_levels(answers, age):
    assert suggest(answers, age, THRESHOLDS).level in LEVEL_ORDER

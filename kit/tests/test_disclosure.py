"""Counts under five are never shown, and cannot be worked back from what is shown."""

from __future__ import annotations

from itertools import product

from kit.disclosure import rate, suppress_column, suppress_table


def test_counts_from_one_to_four_are_hidden_and_zero_and_five_are_shown():
    shown = suppress_column({"a": 0, "b": 1, "c": 4, "d": 5, "e": 120})
    assert shown["a"] == 0
    assert shown["b"] is None
    assert shown["c"] is None
    assert shown["d"] == 5
    assert shown["e"] == 120


def test_a_lone_hidden_count_takes_the_next_smallest_with_it():
    counts = {"girls": 37, "boys": 3, "non-binary": 0, "not known": 12}
    shown = suppress_column(counts)
    assert shown["boys"] is None
    assert shown["not known"] is None  # 12: the smallest other count that is not zero
    assert shown["girls"] == 37
    assert shown["non-binary"] == 0


def _recoverable(counts: dict[str, int], shown: dict[str, int | None]) -> set[str]:
    """The hidden cells an attacker who knows the total can work out exactly: every assignment
    of values (0..total) to the hidden cells consistent with the total, and which cell takes
    one value only, and that value is disclosive."""
    total = sum(counts.values())
    hidden = [key for key, value in shown.items() if value is None]
    rest = total - sum(value for value in shown.values() if value is not None)
    if not hidden:
        return set()
    # Zeros are shown, so every hidden cell is at least 1.
    candidates = range(1, rest + 1)
    possible: dict[str, set[int]] = {key: set() for key in hidden}
    for values in product(candidates, repeat=len(hidden)):
        if sum(values) == rest:
            for key, value in zip(hidden, values, strict=True):
                possible[key].add(value)
    return {key for key, values in possible.items() if len(values) == 1 and 0 < counts[key] < 5}


def test_no_hidden_count_can_be_worked_back_from_the_total():
    for counts in (
        {"a": 3, "b": 40, "c": 22},
        {"a": 1, "b": 2, "c": 30},
        {"a": 4, "b": 0, "c": 6},
        {"a": 2, "b": 9},
        {"a": 1, "b": 1, "c": 50},
        {"a": 1, "b": 1, "c": 1, "d": 7, "e": 90},
    ):
        shown = suppress_column(counts)
        assert not _recoverable(counts, shown), (counts, shown)


def test_a_table_is_suppressed_column_by_column():
    table = {
        "female": {"population": 140, "alerted": 9},
        "male": {"population": 150, "alerted": 2},
        "not known": {"population": 10, "alerted": 0},
    }
    shown = suppress_table(table, ["population", "alerted"])
    assert shown["male"]["alerted"] is None
    assert shown["female"]["alerted"] is None  # else 11 - 9 gives the 2 back
    assert shown["not known"]["alerted"] == 0
    assert shown["male"]["population"] == 150


def test_a_rate_of_a_hidden_count_is_hidden():
    assert rate(None, 100) is None
    assert rate(5, 0) is None
    assert rate(5, 100) == 0.05

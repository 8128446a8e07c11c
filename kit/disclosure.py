"""Statistical disclosure control for the counts Tessera shows outside casework.

A count of young people from 1 to 4 can point at a child ("the one Black boy in care with an
alert"), so such a count is never shown: it is *suppressed* (primary suppression). Zero is
shown: that nobody in a group was identified is the finding the fairness view exists for, and
it names nobody.

Hiding one cell is not enough when its column total is shown: the total minus the other cells
gives it back. So in any column whose hidden cells could be worked back from its total, the
next smallest shown cell is suppressed too (secondary suppression), until they cannot. Rates
worked out from a hidden count are hidden with it.

``suppress_column`` works on one column with its total; ``suppress_table`` applies it to each
column of a table of groups (rows) by measures (columns).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

THRESHOLD = 5

K = TypeVar("K", bound=Hashable)


def is_disclosive(count: int, threshold: int = THRESHOLD) -> bool:
    """A count from 1 to ``threshold - 1`` could identify someone."""
    return 0 < count < threshold


def suppress_column(counts: Mapping[K, int], threshold: int = THRESHOLD) -> dict[K, int | None]:
    """The column's counts with disclosive ones (and those that would give them back from the
    total) replaced by ``None``. The total of the column stays showable."""
    hidden = {key for key, count in counts.items() if is_disclosive(count, threshold)}
    # Zeros are shown, so a reader knows every hidden cell is at least 1. The hidden cells can
    # be worked back from the total when there is one of them, or when they add up to no more
    # than their number (all ones). Until neither holds, hide the smallest other non-zero cell.
    shown = sorted((count, str(key), key) for key, count in counts.items() if count)
    while hidden and (len(hidden) == 1 or sum(counts[key] for key in hidden) <= len(hidden)):
        more = next((key for _, _, key in shown if key not in hidden), None)
        if more is None:
            break
        hidden.add(more)
    return {key: (None if key in hidden else count) for key, count in counts.items()}


def suppress_table(
    table: Mapping[K, Mapping[str, int]], columns: Sequence[str], threshold: int = THRESHOLD
) -> dict[K, dict[str, int | None]]:
    """Each column of ``table`` (group -> measure -> count) suppressed as ``suppress_column``."""
    result: dict[K, dict[str, int | None]] = {group: {} for group in table}
    for column in columns:
        shown = suppress_column(
            {group: row.get(column, 0) for group, row in table.items()}, threshold
        )
        for group, value in shown.items():
            result[group][column] = value
    return result


def rate(numerator: int | None, denominator: int | None) -> float | None:
    """numerator / denominator, or None when either is hidden or the denominator is zero."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator

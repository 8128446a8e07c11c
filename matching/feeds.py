"""The feeds matching works for, by the names the imports app gives them.

Matching sits below imports and does not import it: the imports app registers its feeds here
when it starts (``imports.apps``), as it hands matching its rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FeedName:
    value: str
    label: str


_FEEDS: dict[str, str] = {}


def register(choices: Iterable[tuple[str, str]]) -> None:
    """Add feeds (value, label), in the order they are shown."""
    _FEEDS.update(choices)


def known() -> dict[str, str]:
    """Every registered feed: value -> label."""
    return dict(_FEEDS)


def listed() -> list[FeedName]:
    return [FeedName(value, label) for value, label in _FEEDS.items()]


def named(value: str) -> FeedName:
    return FeedName(value, _FEEDS[value])

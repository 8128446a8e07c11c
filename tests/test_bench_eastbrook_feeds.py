"""The all-feeds benchmark's synthetic truth is consistent, and its files are what the import
takes (``bench.eastbrook_feeds``; the benchmark itself is ``bench.linkage_all_feeds``)."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from bench import eastbrook_feeds, linkage_all_feeds
from imports import feeds

TODAY = date(2026, 12, 1)


@pytest.fixture(scope="module")
def truth() -> eastbrook_feeds.Truth:
    return eastbrook_feeds.generate(children=1_500, seed=7, today=TODAY)


def _roll(truth: eastbrook_feeds.Truth) -> eastbrook_feeds.Feed:
    return next(f for f in truth.feeds if f.feed == "school_roll")


def test_twins_share_a_home_and_a_birthday_but_never_a_upn(truth):
    pairs = truth.twin_pairs()
    assert pairs, "the population should hold some twins"
    for first, second in pairs:
        a, b = truth.children[first], truth.children[second]
        assert (a.family, a.born, a.address, a.postcode) == (
            b.family,
            b.born,
            b.address,
            b.postcode,
        )
        assert a.given != b.given
        assert (a.upn is None) == (b.upn is None)  # on the same roll, or neither is
        if a.upn:
            assert a.upn != b.upn
            assert a.school == b.school


def test_every_pupil_has_one_upn_and_a_pupil_who_changed_school_two_enrolments(truth):
    roll = _roll(truth)
    upns_of: dict[str, set[str]] = defaultdict(set)
    children_of: dict[str, set[str]] = defaultdict(set)
    for row, child in zip(roll.rows, roll.child, strict=True):
        upns_of[child].add(row["upn"])
        children_of[row["upn"]].add(child)
    assert all(len(upns) == 1 for upns in upns_of.values())
    assert all(len(children) == 1 for children in children_of.values())
    movers = [c for c in truth.children.values() if c.upn and c.old_school]
    assert movers
    for child in movers:
        schools = [r["school"] for r, c in zip(roll.rows, roll.child, strict=True) if c == child.id]
        assert schools == [child.old_school, child.school]
    assert not any(c.upn for c in truth.children.values() if c.age(TODAY) >= 16)


def test_every_row_of_every_file_passes_the_import_checks(truth):
    for feed in truth.feeds:
        context = feeds.Context(agency_kind=feed.agency_kind)
        for number, row in enumerate(feed.rows, start=2):
            parsed = feeds.parse_row(feed.feed, row, today=TODAY, context=context)
            assert not parsed.problems, (feed.name, number, parsed.problems)


def test_agencies_leave_out_what_they_do_in_practice(truth):
    by_feed = {f.name: f for f in truth.feeds}

    def share(name: str, column: str) -> float:
        rows = by_feed[name].rows
        return sum(1 for r in rows if not r[column]) / len(rows)

    assert 0.05 < share("police-missing.csv", "date_of_birth") < 0.16
    assert share("health-attendances.csv", "date_of_birth") < 0.05
    assert 0.35 < share("concerns-voluntary.csv", "date_of_birth") < 0.65
    assert share("concerns-voluntary.csv", "family_name") > 0.03
    police = by_feed["police-missing.csv"].rows
    assert all(r["given_name"] == r["given_name"].upper() for r in police)


def test_the_exploited_have_rows_from_several_agencies(truth):
    agencies: dict[str, set[str]] = defaultdict(set)
    for feed in truth.feeds:
        for child in feed.child:
            agencies[child].add(feed.agency_name)
    assert truth.exploited
    assert all(len(agencies[child]) >= 3 for child in truth.exploited)


def test_the_files_hold_no_truth(truth, tmp_path: Path):
    paths = eastbrook_feeds.write(truth, tmp_path)
    ids = set(truth.children)
    for path in paths.values():
        with path.open(encoding="utf-8") as handle:
            for row in csv.reader(handle):
                assert not ids & set(row)


def test_pairwise_figures_count_pairs_of_rows_on_one_young_person():
    # Child x has three rows (two agencies), child y one row; x's police row is left alone.
    truth = {("roll", 0): "x", ("police", 0): "x", ("health", 0): "x", ("roll", 1): "y"}
    agency = {("roll", 0): "edu", ("police", 0): "pol", ("health", 0): "hea", ("roll", 1): "edu"}
    predicted = {("roll", 0): 1, ("health", 0): 1, ("roll", 1): 2}
    figures = linkage_all_feeds.pairwise(predicted, truth, agency)
    # True pairs: 3 (all cross-agency); found: roll-health only.
    assert figures["all_pairs_precision"] == 1.0
    assert figures["all_pairs_recall"] == pytest.approx(1 / 3, abs=1e-4)
    assert figures["cross_agency_true_pairs"] == 3
    merged = {("roll", 0): 1, ("health", 0): 1, ("roll", 1): 1, ("police", 0): 1}
    assert linkage_all_feeds.pairwise(merged, truth, agency)["all_pairs_precision"] == 0.5
    assert linkage_all_feeds.twins_merged(merged, truth, [("x", "y")]) == 1
    assert linkage_all_feeds.twins_merged(predicted, truth, [("x", "y")]) == 0

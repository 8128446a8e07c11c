"""The linkage engine on a handful of synthetic records (Splink on DuckDB, no database)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from matching import engine


def person(id, given, family, born, postcode, *, other=None, gender="F", school=None, address=None):
    return {
        "id": id,
        "given_name": given,
        "family_name": family,
        "other_names": other,
        "date_of_birth": born,
        "gender": gender,
        "postcode": postcode,
        "school": school,
        "address": address,
    }


KNOWN = [
    person(
        "yp-1",
        "Alfred",
        "Smith-Jones",
        date(2010, 3, 4),
        "EB1 2AA",
        gender="M",
        school="Eastbrook Academy",
        address="12 High Road",
    ),
    person(
        "yp-2",
        "Mary",
        "Okafor",
        date(2011, 5, 6),
        "EB2 3BB",
        other="Jane",
        school="The Eastbrook School",
    ),
    person("yp-3", "Priya", "Patel", date(2009, 11, 23), "EB4 7QT", school="Westfield Primary"),
    person("yp-4", "Tomasz", "Nowak", date(2012, 1, 30), "EB3 9HD", gender="M"),
]
INCOMING = [
    # nickname, one half of the double-barrelled name, day and month swapped, same sector
    person(
        "mp-1", "Alfie", "Jones", date(2010, 4, 3), "eb1 2ab", gender="male", address="12 high rd"
    ),
    # given and family names swapped
    person("mp-2", "Okafor", "Mary", date(2011, 5, 6), "EB23BB"),
    # somebody else entirely
    person("mp-3", "Kwame", "Mensah", date(2008, 8, 17), "EB9 1ZZ", gender="M"),
]


def by_pair(candidates):
    return {(c.left_id, c.right_id): c for c in candidates}


@pytest.fixture(scope="module")
def candidates():
    return engine.link(KNOWN, INCOMING, backend="duckdb", min_probability=0.0)


def test_a_nicknamed_double_barrelled_child_with_swapped_birth_date_is_found(candidates):
    pair = by_pair(candidates)[("yp-1", "mp-1")]
    assert pair.probability > 0.99
    labels = {e.field: e.label for e in pair.evidence}
    assert labels["given_name"] == "nickname"
    assert labels["family_name"] == "one part of a double-barrelled name"
    assert labels["date_of_birth"] == "day and month swapped"
    assert labels["postcode"] == "same sector"
    weights = {e.field: e.weight for e in pair.evidence}
    assert weights["given_name"] > 0
    assert labels["school"] == "missing on one side"
    assert weights["school"] == 0
    assert labels["address"] == "same"


def test_swapped_given_and_family_names_are_recognised(candidates):
    pair = by_pair(candidates)[("yp-2", "mp-2")]
    labels = {e.field: e.label for e in pair.evidence}
    assert labels["given_name"] == "swapped with family name"
    assert labels["date_of_birth"] == "same"
    assert pair.probability > 0.99


def test_the_evidence_adds_up_to_the_match_weight(candidates):
    pair = by_pair(candidates)[("yp-2", "mp-2")]
    model = engine.train_model(KNOWN, INCOMING, backend="duckdb")
    prior = model["probability_two_random_records_match"]
    import math

    prior_weight = math.log2(prior / (1 - prior))
    assert pair.match_weight == pytest.approx(
        prior_weight + sum(e.weight for e in pair.evidence), abs=0.01
    )


def test_somebody_else_scores_low(candidates):
    for c in candidates:
        if c.right_id == "mp-3":
            assert c.probability < 0.01, c


def test_candidates_come_best_first_and_respect_the_minimum(candidates):
    weights = [c.match_weight for c in candidates]
    assert weights == sorted(weights, reverse=True)
    strict = engine.link(KNOWN, INCOMING, backend="duckdb", min_probability=0.5)
    assert {(c.left_id, c.right_id) for c in strict} == {("yp-1", "mp-1"), ("yp-2", "mp-2")}


def test_a_saved_model_gives_the_same_result(candidates):
    model = engine.train_model(KNOWN, INCOMING, backend="duckdb")
    saved = json.loads(json.dumps(model))
    again = engine.link(KNOWN, INCOMING, model=saved, backend="duckdb", min_probability=0.0)
    assert [(c.left_id, c.right_id, round(c.match_weight, 6)) for c in again] == [
        (c.left_id, c.right_id, round(c.match_weight, 6)) for c in candidates
    ]
    assert again[0].evidence == candidates[0].evidence


def test_a_model_from_another_engine_version_is_refused():
    model = engine.train_model(KNOWN, INCOMING, backend="duckdb")
    with pytest.raises(ValueError, match="retrain"):
        engine.link(KNOWN, INCOMING, model={**model, "version": 0}, backend="duckdb")


def test_an_unknown_backend_is_refused():
    with pytest.raises(ValueError, match="duckdb, spark"):
        engine.link(KNOWN, INCOMING, backend="oracle")


def test_the_backend_comes_from_settings(settings):
    settings.TESSERA_LINKAGE_BACKEND = "spark"
    assert engine.backend_name() == "spark"
    settings.TESSERA_LINKAGE_BACKEND = "duckdb"
    assert engine.backend_name() == "duckdb"


def test_a_model_whose_levels_mean_something_else_is_refused():
    model = engine.train_model(KNOWN, INCOMING, backend="duckdb")
    changed = json.loads(json.dumps(model))
    changed["comparisons"][0]["levels"][2]["label"] = "sounds alike"
    with pytest.raises(ValueError, match="retrain"):
        engine.link(KNOWN, INCOMING, model=changed, backend="duckdb")


def test_a_model_with_comparisons_out_of_order_is_refused():
    model = engine.train_model(KNOWN, INCOMING, backend="duckdb")
    changed = json.loads(json.dumps(model))
    changed["comparisons"].reverse()
    with pytest.raises(ValueError, match="retrain"):
        engine.link(KNOWN, INCOMING, model=changed, backend="duckdb")


def test_pairs_the_blocking_rules_let_through_are_counted():
    # yp-2/mp-2 share a date of birth; yp-1/mp-1 pass only the day-and-month-swapped rule
    # (different postcodes, family names that sound different, no shared date). Nothing else
    # shares a date, a postcode, a name or a street.
    assert engine.count_pairs(KNOWN, INCOMING, backend="duckdb") == 2


def test_the_same_house_number_and_street_is_enough_to_compare_a_pair():
    # Every other blocking key differs (names mistyped, no date of birth, postcode and
    # street both mistyped): only "same house number and first word of the street" pairs them.
    school_roll = [
        {
            "id": "a",
            "given_name": "Georgia",
            "family_name": "Asher",
            "postcode": "EB5 4AA",
            "address": "38 Onslow Street",
        },
    ]
    police = [
        {
            "id": "b",
            "given_name": "Gorgia",
            "family_name": "Ashe",
            "postcode": "EB5 3AA",
            "address": "38 onslow sreet",
        },
    ]
    assert engine.count_pairs(school_roll, police, backend="duckdb") == 1
    police[0]["address"] = "40 onslow sreet"
    assert engine.count_pairs(school_roll, police, backend="duckdb") == 0


def _field(candidate, name):
    return next(e for e in candidate.evidence if e.field == name)


def test_a_shared_upn_brings_a_pupil_together_whatever_else_changed():
    from people.identifiers import make_upn

    upn = make_upn(881, 4001, 20, 301)
    before = {**person("e-1", "Amara", "Okafor", date(2012, 6, 14), "EB1 2AB"), "upn": upn}
    # A new school, a move, another surname, a date of birth keyed wrongly: only the UPN agrees.
    after = {**person("e-2", "Ammy", "Eze", date(2012, 1, 4), "EB7 9QT"), "upn": upn.lower()}

    (candidate,) = engine.link([before], [after])

    assert _field(candidate, "upn").label == "same"
    assert _field(candidate, "upn").weight > 15
    assert candidate.probability > 0.95


def test_a_different_upn_counts_against_a_pair_and_a_temporary_one_does_not():
    from people.identifiers import make_upn, upn_check_letter

    twin = person("e-1", "Amara", "Okafor", date(2012, 6, 14), "EB1 2AB")
    body = "88140012010A"  # a temporary UPN ends in a letter
    temporary = upn_check_letter(body) + body
    left = [{**twin, "upn": make_upn(881, 4001, 20, 301)}]
    right = [
        {**twin, "id": "e-2", "given_name": "Adaeze", "upn": make_upn(881, 4001, 20, 302)},
        {**twin, "id": "e-3", "upn": temporary},
        {**twin, "id": "e-4", "upn": "not a upn"},
    ]

    found = {c.right_id: c for c in engine.link(left, right)}

    assert (_field(found["e-2"], "upn").label, _field(found["e-2"], "upn").weight < -8) == (
        "different",
        True,
    )
    assert _field(found["e-3"], "upn").label == "different, one of them temporary"
    assert abs(_field(found["e-3"], "upn").weight) < 1
    # An identifier that fails its check is no evidence either way.
    assert _field(found["e-4"], "upn").label == "missing on one side"


def test_an_em_round_that_underflows_keeps_the_earlier_estimates(monkeypatch):
    """A first school roll of distinct pupils (each matching only itself) drove an m
    probability to zero and Splink refused it, failing the whole import (bench
    linkage_all_feeds, 5,000 pupils). The round is skipped and training goes on."""
    from splink.internals.linker_components.training import LinkerTraining

    real = LinkerTraining.estimate_parameters_using_expectation_maximisation
    calls: list[int] = []

    def second_round_underflows(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ValueError(
                "m_probability value 0.0 is below the minimum allowed value of 1e-300."
            )
        return real(self, *args, **kwargs)

    monkeypatch.setattr(engine, "MIN_RECORDS_FOR_EM", 2)
    monkeypatch.setattr(
        LinkerTraining,
        "estimate_parameters_using_expectation_maximisation",
        second_round_underflows,
    )

    model = engine.train_model(KNOWN, INCOMING, backend="duckdb")

    assert len(calls) == 2  # the first round's estimates are kept
    found = engine.link(KNOWN, INCOMING, model=model, backend="duckdb", min_probability=0.5)
    assert ("yp-1", "mp-1") in {(c.left_id, c.right_id) for c in found}


def test_another_error_in_training_falls_back_to_the_starting_values_and_says_so(
    monkeypatch, caplog
):
    # Any other failure while estimating is not skipped round by round: the whole estimate is
    # abandoned for the starting m and u (test_engine_small_data.py), logged, never hidden.
    from splink.internals.linker_components.training import LinkerTraining

    def broken(self, *args, **kwargs):
        raise ValueError("something else went wrong")

    monkeypatch.setattr(engine, "MIN_RECORDS_FOR_EM", 2)
    monkeypatch.setattr(
        LinkerTraining, "estimate_parameters_using_expectation_maximisation", broken
    )
    with caplog.at_level("WARNING", logger="matching.engine"):
        model = engine.train_model(KNOWN, INCOMING, backend="duckdb")
    assert model["estimated"] is False
    assert "ValueError" in caplog.text
    assert "something else" not in caplog.text  # the error's text can quote data

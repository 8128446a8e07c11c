"""Linkage over every feed, through the real import path (issue 12, "Measured").

``run(quick)`` writes the synthetic Eastbrook files of ``bench.eastbrook_feeds`` (a school
roll, attendance, police missing episodes, health attendances, social care status and concerns
from a school, the youth service, a charity and housing; truth kept in memory), and imports
them into a fresh database as each agency's analyst would: the roll first, then the others,
each through ``imports.actions.do_start_import`` and the import job (``imports.tasks.run_import``,
which runs at once under the test settings), matching included with the thresholds as
configured (the defaults). Then it reads back which young person each row landed on. A row in
the review queue or left waiting counts as linked to no one.

Figures, over all rows of all files (pair-wise: two rows are predicted to be the same child when
they landed on the same young person):

* ``all_pairs_precision`` / ``_recall`` / ``_f1``; the same over pairs of rows from different
  agencies (``cross_agency_*``);
* ``exploited_recall``: pair-wise recall on the rows of "exploited" young people (many rows
  across agencies);
* ``recall_<noise>``: pair-wise recall on the true pairs with a row carrying that noise;
* ``twins_merged``: twin pairs with rows of both on one young person (target 0);
* ``review_share``: rows in the review queue / all rows; ``top_suggestion_right``: of those,
  the share whose most probable candidate is the right child; ``waiting_share``: rows left
  waiting (no date of birth and no plausible match);
* ``*_after_review``: the same figures once the queue is worked by a reviewer who links each
  row to the right candidate when it is among those offered and rejects the others (the most
  the queue can give);
* the same pair-wise figures for **plain Splink** in the same run (``baseline_*``): its
  comparison library with defaults, deduplicating all rows of all files at once, rows joined at
  the matching app's automatic threshold (0.95) and clustered transitively (connected
  components), as a Splink user would.

Alone: ``python -m bench.linkage_all_feeds [--quick] [--children N]`` recreates and uses the
PostgreSQL database ``tessera_bench_feeds`` (or the one named by ``DATABASE_URL``). Under
``python -m bench`` the group ``feeds`` switches Django's connection to ``tessera_bench_feeds``
for the run and back after, so the pages' 100,000 young people are not in the register.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from math import comb
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

DATABASE = "tessera_bench_feeds"
CHILDREN = 6_000
QUICK_CHILDREN = 1_200
BASELINE_LINK_AT = 0.95  # matching.models.DEFAULT_AUTO_LINK_FROM
TARGETS = {
    "cross_agency_f1": 0.98,
    "exploited_recall": 0.95,
    "twins_merged": 0,
    "review_share": 0.02,
}

RowKey = tuple[str, int]  # (file name, data row index from 0)


# --- The agencies and their analysts ------------------------------------------------------------


def _analysts(feeds: Iterable[Any]) -> dict[str, Any]:
    """An agency of each kind the files come from, and an analyst of it who imports them."""
    from partnership.actions import do_create_agency, do_create_user
    from partnership.models import Agency, Role, User

    users: dict[str, Any] = {}
    for feed in feeds:
        key = feed.agency_name
        if key in users:
            continue
        short = "FEEDS-" + "".join(w[0] for w in key.split()).upper() + feed.agency_kind[:3].upper()
        agency = Agency.objects.filter(short_name=short).first() or do_create_agency(
            actor=None,
            name=f"{key} (synthetic)",
            short_name=short,
            kind=feed.agency_kind,
            is_synthetic=True,
        )
        username = f"analyst-{short.lower()}"
        user = User.objects.filter(username=username).first() or do_create_user(
            actor=None,
            username=username,
            password=secrets.token_urlsafe(24),  # nobody signs in as them
            agency=agency,
            role=Role.ANALYST,
            is_synthetic=True,
            validate=False,
        )
        users[key] = user
    return users


def _import(path: Path, feed: str, user: Any) -> Any:
    from imports.actions import do_start_import
    from imports.models import ImportBatch
    from imports.tasks import run_import

    started = do_start_import(
        actor=user, agency=user.agency, feed=feed, path=path, file_name=path.name
    )
    run_import.enqueue(started.batch.pk)  # the upload page's job (immediate under test settings)
    batch = ImportBatch.objects.get(pk=started.batch.pk)
    if batch.status != "done":
        raise RuntimeError(f"the import of {path.name} failed: {batch.error}")
    return batch


# --- Pair-wise figures from clusters ------------------------------------------------------------


def _pairs(sizes: Iterable[int]) -> int:
    return sum(comb(n, 2) for n in sizes)


def pairwise(
    predicted: Mapping[RowKey, object],
    truth: Mapping[RowKey, str],
    agency: Mapping[RowKey, str],
) -> dict[str, float]:
    """Precision, recall and F1 over all pairs and over pairs of different agencies' rows.
    ``predicted`` maps each row to its cluster (rows not in it are alone)."""
    keys = list(truth)
    cluster = {k: predicted.get(k, ("alone", k)) for k in keys}

    def counts(group: Callable[[RowKey], object]) -> tuple[int, int, int]:
        pred = Counter((cluster[k], group(k)) for k in keys)
        true = Counter((truth[k], group(k)) for k in keys)
        both = Counter((cluster[k], truth[k], group(k)) for k in keys)
        return _pairs(pred.values()), _pairs(true.values()), _pairs(both.values())

    everything = counts(lambda k: 0)
    same_agency = counts(lambda k: agency[k])
    figures: dict[str, float] = {}
    for name, (pred, true, both) in (
        ("all_pairs", everything),
        ("cross_agency", tuple(a - b for a, b in zip(everything, same_agency, strict=True))),
    ):
        precision = both / pred if pred else 1.0
        recall = both / true if true else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        figures[f"{name}_precision"] = round(precision, 4)
        figures[f"{name}_recall"] = round(recall, 4)
        figures[f"{name}_f1"] = round(f1, 4)
        figures[f"{name}_true_pairs"] = true
        figures[f"{name}_predicted_pairs"] = pred
    return figures


def recall_on(
    predicted: Mapping[RowKey, object],
    truth: Mapping[RowKey, str],
    wanted: Callable[[RowKey, RowKey], bool],
) -> tuple[float, int]:
    """Pair-wise recall over the true pairs ``wanted`` picks, and how many there are."""
    by_child: dict[str, list[RowKey]] = defaultdict(list)
    for key, child in truth.items():
        by_child[child].append(key)
    found = total = 0
    for rows in by_child.values():
        for i, first in enumerate(rows):
            for second in rows[i + 1 :]:
                if not wanted(first, second):
                    continue
                total += 1
                mine = predicted.get(first)
                found += mine is not None and mine == predicted.get(second)
    return (found / total if total else 1.0), total


def twins_merged(
    predicted: Mapping[RowKey, object],
    truth: Mapping[RowKey, str],
    pairs: Sequence[tuple[str, str]],
) -> int:
    clusters: dict[str, set[object]] = defaultdict(set)
    for key, child in truth.items():
        if key in predicted:
            clusters[child].add(predicted[key])
    return sum(1 for a, b in pairs if clusters[a] & clusters[b])


def _figures(
    predicted: Mapping[RowKey, object],
    data: Any,
    truth: Mapping[RowKey, str],
    agency: Mapping[RowKey, str],
) -> dict[str, Any]:
    from bench import eastbrook_feeds

    noise = {(f.name, i): set(labels) for f in data.feeds for i, labels in enumerate(f.noise)}
    figures: dict[str, Any] = pairwise(predicted, truth, agency)
    exploited = data.exploited
    figures["exploited_recall"], figures["exploited_pairs"] = (
        round(value, 4) if isinstance(value, float) else value
        for value in recall_on(predicted, truth, lambda a, b: truth[a] in exploited)
    )
    for label in eastbrook_feeds.NOISES:

        def carries(a: RowKey, b: RowKey, label: str = label) -> bool:
            return label in noise[a] or label in noise[b]

        value, total = recall_on(predicted, truth, carries)
        if total:
            figures[f"recall_{label}"] = round(value, 4)
            figures[f"pairs_{label}"] = total
    figures["twins_merged"] = twins_merged(predicted, truth, data.twin_pairs())
    figures["twin_pairs"] = len(data.twin_pairs())
    return figures


# --- Ours: through the import --------------------------------------------------------------------


def _ours(
    data: Any, paths: Mapping[str, Path], log: Callable[[str], None]
) -> tuple[dict[RowKey, object], dict[RowKey, object], dict[str, Any]]:
    from django.db.models import F

    from imports.models import ImportedRow, MatchStatus
    from matching.models import ReviewItem, ReviewStatus

    users = _analysts(data.feeds)
    batches: dict[str, Any] = {}
    began = time.perf_counter()
    for feed in data.feeds:
        started = time.perf_counter()
        batch = _import(paths[feed.name], feed.feed, users[feed.agency_name])
        batches[feed.name] = batch
        log(
            f"  {feed.name}: {batch.rows_seen:,} rows, {batch.rows_rejected} rejected, "
            f"{time.perf_counter() - started:.1f} s"
        )
    seconds = time.perf_counter() - began
    predicted: dict[RowKey, object] = {}
    status: dict[RowKey, str] = {}
    row_key: dict[int, RowKey] = {}
    for name, batch in batches.items():
        for pk, number, owner, state in ImportedRow.objects.filter(batch=batch).values_list(
            "pk", "row_number", "young_person_id", "match_status"
        ):
            key = (name, number - 2)
            row_key[pk] = key
            status[key] = state
            if state in (MatchStatus.LINKED, MatchStatus.NEW_PERSON) and owner is not None:
                predicted[key] = owner
    truth = {(f.name, i): child for f in data.feeds for i, child in enumerate(f.child)}
    # Who each young person "is": the child most of their rows are about.
    votes: dict[object, Counter[str]] = defaultdict(Counter)
    for key, person in predicted.items():
        votes[person][truth[key]] += 1
    is_child = {person: counts.most_common(1)[0][0] for person, counts in votes.items()}
    queue = (
        ReviewItem.objects.filter(
            row__batch__in=list(batches.values()),
            status__in=(ReviewStatus.OPEN, ReviewStatus.UNSURE),
        )
        .order_by("row_id", F("probability").desc(nulls_last=True), "pk")
        .values_list("row_id", "candidate_id")
    )
    top: dict[RowKey, int] = {}
    offered: dict[RowKey, list[int]] = defaultdict(list)
    for row_id, candidate in queue:
        top.setdefault(row_key[row_id], candidate)
        offered[row_key[row_id]].append(candidate)
    in_review = [k for k, s in status.items() if s == MatchStatus.IN_REVIEW]
    right = sum(1 for k in in_review if k in top and is_child.get(top[k]) == truth[k])
    # The queue worked by a reviewer who links a row to the right candidate when it is offered
    # and rejects the others (the best the queue can give).
    worked = dict(predicted)
    for key in in_review:
        chosen = [c for c in offered.get(key, []) if is_child.get(c) == truth[key]]
        if chosen:
            worked[key] = chosen[0]
    rows = len(truth)
    extra = {
        "rows": rows,
        "rows_rejected": sum(b.rows_rejected for b in batches.values()),
        "rows_linked_by_identifier": sum(b.rows_linked for b in batches.values()),
        "review_rows": len(in_review),
        "review_share": round(len(in_review) / rows, 4),
        "top_suggestion_right": round(right / len(in_review), 4) if in_review else 1.0,
        "waiting_rows": sum(1 for s in status.values() if s == MatchStatus.PENDING),
        "waiting_share": round(
            sum(1 for s in status.values() if s == MatchStatus.PENDING) / rows, 4
        ),
        "young_people": len(is_child),
        "import_seconds": round(seconds, 1),
    }
    by_feed: dict[str, Counter[str]] = defaultdict(Counter)
    for (name, _), state in status.items():
        by_feed[name][state] += 1
    extra["outcome_by_file"] = {name: dict(counts) for name, counts in by_feed.items()}
    return predicted, worked, extra


# --- Plain Splink over all rows of all files -----------------------------------------------------


def _plain_records(data: Any) -> list[dict[str, Any]]:
    """Every row as a plain Splink user would load it (lower-cased, trimmed, nothing else)."""
    records = []
    for feed in data.feeds:
        for i, row in enumerate(feed.rows):
            given = row.get("given_name", row.get("legal_forename", ""))
            family = row.get("family_name", row.get("surname", ""))
            record: dict[str, Any] = {"unique_id": f"{feed.name}:{i}"}
            for name, value in (
                ("given_name", given),
                ("family_name", family),
                ("date_of_birth", row.get("date_of_birth", "")),
                ("gender", row.get("gender", "")),
                ("postcode", row.get("postcode", "")),
                ("address", row.get("address", "")),
                ("school", row.get("school", "")),
                ("upn", row.get("upn", "")),
                ("nhs_number", row.get("nhs_number", "")),
            ):
                value = (value or "").strip().lower()
                record[name] = value or None
            records.append(record)
    return records


def plain_splink_dedupe(
    records: Sequence[dict[str, Any]], min_probability: float
) -> list[tuple[str, str, float]]:
    """(id, id, probability) from plain Splink deduplicating ``records``: the comparison
    library's defaults for names, date of birth, postcode, gender, school, address, and exact
    matches on UPN and NHS number; trained as ``bench.linkage.plain_splink`` is."""
    import logging

    import pyarrow as pa  # type: ignore[import-untyped]
    from splink import DuckDBAPI, Linker, block_on

    from bench.linkage import U_MAX_PAIRS, _plain_settings

    logging.getLogger("splink").setLevel(logging.ERROR)
    settings = _plain_settings([c for c in records[0] if c != "unique_id"], "dedupe_only")
    db_api = DuckDBAPI()
    table = db_api.register(pa.Table.from_pylist(list(records)), dataset_display_name="all_rows")
    linker = Linker(table, settings, log_level=None)
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
    return [(r["unique_id_l"], r["unique_id_r"], r["match_probability"]) for r in rows]


def _components(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {node: find(node) for node in parent}


def _baseline(data: Any) -> dict[RowKey, object]:
    scored = plain_splink_dedupe(_plain_records(data), BASELINE_LINK_AT)
    clusters = _components((a, b) for a, b, p in scored if p >= BASELINE_LINK_AT)
    predicted: dict[RowKey, object] = {}
    for node, root in clusters.items():
        name, index = node.rsplit(":", 1)
        predicted[(name, int(index))] = root
    return predicted


# --- The run -------------------------------------------------------------------------------------


def _use_database(name: str | None) -> str | None:
    """Point Django's default connection at ``name`` (recreated and migrated); return the
    name it had. ``None``: leave it as it is (SQLite, or already the right database)."""
    from django.core.management import call_command
    from django.db import connections

    from bench import database

    connection = connections["default"]
    if name is None or connection.vendor != "postgresql":
        return None
    before = connection.settings_dict["NAME"]
    connection.close()
    database.recreate(name)
    connection.settings_dict["NAME"] = name
    call_command("migrate", interactive=False, verbosity=0)
    return str(before)


def _restore_database(name: str | None) -> None:
    from django.db import connections

    if name is None:
        return
    connections["default"].close()
    connections["default"].settings_dict["NAME"] = name


def run(
    quick: bool,
    log: Callable[[str], None] = print,
    *,
    children: int | None = None,
    database: str | None = DATABASE,
    seed: int = 2026,
) -> dict[str, dict[str, Any]]:
    from bench import eastbrook_feeds

    size = children or (QUICK_CHILDREN if quick else CHILDREN)
    data = eastbrook_feeds.generate(children=size, seed=seed)
    truth = {(f.name, i): child for f in data.feeds for i, child in enumerate(f.child)}
    agency = {(f.name, i): f.agency_name for f in data.feeds for i in range(len(f.rows))}
    log(
        f"Eastbrook, all feeds: {size:,} children, {data.rows():,} rows in "
        f"{len(data.feeds)} files, {len(data.exploited)} exploited, "
        f"{len(data.twin_pairs())} twin pairs"
    )
    previous = _use_database(database)
    try:
        with tempfile.TemporaryDirectory(prefix="tessera-feeds-bench-") as folder:
            paths = eastbrook_feeds.write(data, Path(folder))
            log("Importing the roll, then every other file, as each agency's analyst...")
            predicted, worked, extra = _ours(data, paths, log)
    finally:
        _restore_database(previous)
    ours = _figures(predicted, data, truth, agency)
    ours.update(extra)
    after = _figures(worked, data, truth, agency)
    for key in ("cross_agency_f1", "all_pairs_f1", "exploited_recall", "twins_merged"):
        ours[f"{key}_after_review"] = after[key]
    log("Plain Splink over all rows of all files...")
    began = time.perf_counter()
    plain = _figures(_baseline(data), data, truth, agency)
    plain_seconds = time.perf_counter() - began
    result: dict[str, Any] = {
        "children": size,
        **{
            k: ours[k]
            for k in (
                "cross_agency_f1",
                "all_pairs_f1",
                "exploited_recall",
                "twins_merged",
                "review_share",
                "top_suggestion_right",
            )
        },
        **{
            f"baseline_{k}": plain[k]
            for k in ("cross_agency_f1", "all_pairs_f1", "exploited_recall", "twins_merged")
        },
        "ratio": round(ours["cross_agency_f1"] / plain["cross_agency_f1"], 3)
        if plain["cross_agency_f1"]
        else None,
        **{k: v for k, v in ours.items() if k not in ("cross_agency_f1", "all_pairs_f1")},
    }
    result["baseline"] = f"plain Splink dedupe of all rows, joined at {BASELINE_LINK_AT}"
    result["baseline_seconds"] = round(plain_seconds, 1)
    result["meets_target"] = (
        ours["cross_agency_f1"] >= TARGETS["cross_agency_f1"]
        and ours["exploited_recall"] >= TARGETS["exploited_recall"]
        and ours["twins_merged"] == 0
        and ours["review_share"] <= TARGETS["review_share"]
    )
    return {"linkage_all_feeds": result, "linkage_all_feeds_baseline": plain}


def table(results: Mapping[str, Mapping[str, Any]]) -> str:
    ours, plain = results["linkage_all_feeds"], results["linkage_all_feeds_baseline"]
    keys = [
        *(
            "all_pairs_precision",
            "all_pairs_recall",
            "all_pairs_f1",
            "cross_agency_precision",
            "cross_agency_recall",
            "cross_agency_f1",
            "exploited_recall",
            "twins_merged",
        ),
        *sorted(k for k in ours if k.startswith("recall_")),
    ]
    lines = [f"{'':34} {'ours':>10} {'plain Splink':>13}"]
    for key in keys:
        mine = ours.get(key)
        lines.append(f"{key:34} {mine!s:>10} {plain.get(key, '')!s:>13}")
    for key in (
        "cross_agency_f1_after_review",
        "all_pairs_f1_after_review",
        "exploited_recall_after_review",
        "review_share",
        "top_suggestion_right",
        "waiting_share",
        "rows",
        "rows_rejected",
        "young_people",
        "import_seconds",
    ):
        lines.append(f"{key:34} {ours.get(key)!s:>10}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.linkage_all_feeds", description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_CHILDREN:,} children")
    parser.add_argument("--children", type=int, default=None, help=f"default {CHILDREN:,}")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--output", type=Path, default=None, help="also write the JSON here")
    options = parser.parse_args(argv)

    from bench import database

    name = urlparse(os.environ.get("DATABASE_URL", "")).path.lstrip("/") or DATABASE
    os.environ["DATABASE_URL"] = database.url(name)
    os.environ["TESSERA_ENV"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tessera.settings_test"
    os.environ.setdefault("TESSERA_LOG_LEVEL", "WARNING")
    try:
        print(f"PostgreSQL {database.check_reachable()}, database {name}")
    except database.Unreachable as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    database.recreate(name)

    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    results = run(options.quick, children=options.children, database=None, seed=options.seed)
    print(table(results))
    text = json.dumps(results, indent=2, default=str)
    if options.output:
        options.output.write_text(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""``python -m bench`` (``make bench``): build the data, time the pages, write results.json.

Options::

    --young-people N   young people to load (default 100,000)
    --records N        agency records to load (default 2,000,000)
    --samples N        measured requests per benchmark (default 200)
    --keep             reuse the loaded database if it holds exactly these counts
    --quick            smoke test: 5,000 young people, 100,000 records, 50 samples
    --diagnose         also break the chronology down and EXPLAIN ANALYZE the slow queries
    --only NAMES       run only these groups (comma-separated): pages, imports, linkage, pprl,
                       feeds, extraction

After the pages, the same run measures the data-matching benchmarks (each module also runs on its
own, e.g. ``python -m bench.linkage --quick``): ``bench.imports_scale`` (1,000,000 school
attendance rows through the real import), ``bench.imports_speed`` (a first roll of 15,000 new
pupils and 200,000 attendance marks for them, against a bare COPY of each file),
``bench.linkage`` (FEBRL4, the Eastbrook cross-agency linkage with ground truth, and 300,000
pupils against 20,000 missing reports) and ``bench.pprl`` (privacy-preserving linkage on
FEBRL4 and a frequency attack). Each reports a named baseline measured in the same run and
``ratio`` = ours / baseline. ``bench.linkage_all_feeds`` (group ``feeds``) imports a synthetic
town's files for every feed through the real import, in its own database
(``tessera_bench_feeds``), and scores where each row landed against the truth and against plain
Splink. ``bench.extraction`` (group ``extraction``) scores what intelligence text names:
precision and recall per kind against the synthetic generator's truth, with a naive regex
baseline.
"""

from __future__ import annotations

import argparse
import importlib
import os
import random
import sys
import time
import warnings
from pathlib import Path
from typing import Any

from bench import database

RESULTS = Path(__file__).resolve().parent / "results.json"
GROUPS = ("pages", "imports", "linkage", "pprl", "feeds", "extraction")


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--young-people", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=2_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2017)
    parser.add_argument("--keep", action="store_true", help="reuse loaded data if counts match")
    parser.add_argument("--quick", action="store_true", help="5,000 / 100,000 / 50 samples")
    parser.add_argument("--diagnose", action="store_true", help="breakdown and EXPLAIN ANALYZE")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--only",
        default=",".join(GROUPS),
        help="comma-separated groups to run: " + ", ".join(GROUPS),
    )
    options = parser.parse_args(argv)
    options.only = {name.strip() for name in options.only.split(",") if name.strip()}
    if unknown := options.only - set(GROUPS):
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    if options.quick:
        options.young_people, options.records, options.samples = 5_000, 100_000, 50
    if options.young_people < 100 or options.records < options.young_people:
        parser.error("load at least 100 young people and at least one record for each")
    if options.samples < 4:
        parser.error("take at least 4 samples")
    return options


def _configure() -> None:
    """The bench's own database and the test profile (fast hashing), before Django starts."""
    os.environ["DATABASE_URL"] = database.url()
    os.environ["TESSERA_ENV"] = "test"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tessera.settings_test"
    os.environ.setdefault("TESSERA_LOG_LEVEL", "WARNING")


def main(argv: list[str] | None = None) -> int:
    options = _arguments(argv)
    started = time.perf_counter()
    _configure()
    try:
        version = database.check_reachable()
    except database.Unreachable as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    print(f"PostgreSQL {version} at {database.HOST}:{database.PORT}, database {database.NAME}")

    held = database.contents() if options.keep else None
    reuse = held == database.Contents(options.young_people, options.records)
    if reuse:
        print(
            f"--keep: reusing {options.young_people:,} young people / {options.records:,} records"
        )
    else:
        if options.keep:
            print("--keep: the database does not hold these counts; building it again")
        database.recreate()

    import django

    # whitenoise warns that collectstatic has not run: the bench serves no static files.
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return _run(options, reuse, started)


def _run(options: argparse.Namespace, reuse: bool, started: float) -> int:
    from bench import report

    results: dict[str, dict[str, Any]] = {}
    if "pages" in options.only:
        _pages(options, reuse, results)
    for group, module_name in (
        ("imports", "bench.imports_scale"),
        ("imports", "bench.imports_speed"),
        ("linkage", "bench.linkage"),
        ("pprl", "bench.pprl"),
        ("feeds", "bench.linkage_all_feeds"),
        ("extraction", "bench.extraction"),
    ):
        if group not in options.only:
            continue
        print(f"\nRunning {module_name}{' (quick)' if options.quick else ''}...", flush=True)
        module = importlib.import_module(module_name)
        section = module.run(quick=options.quick)
        results.update(section)
        print(report.other_table(section))

    results.setdefault("load", {})["total_seconds"] = round(time.perf_counter() - started, 1)
    report.write(results, options.output)
    print(f"Wrote {options.output} (total {results['load']['total_seconds']:.0f} s)")
    return 0


def _pages(options: argparse.Namespace, reuse: bool, results: dict[str, dict[str, Any]]) -> None:
    from bench import load, measure, report

    if reuse:
        load_seconds = 0.0
    else:
        print(
            f"Loading {options.young_people:,} young people and {options.records:,} records "
            "(COPY)..."
        )
        loaded = load.load(
            young_people=options.young_people, records=options.records, seed=options.seed
        )
        load_seconds = loaded.seconds
        print(f"Load finished in {load_seconds:.1f} s")
    results["load"] = {
        "young_people": options.young_people,
        "records": options.records,
        "seconds": round(load_seconds, 1),
        "reused": reuse,
    }

    from django.conf import settings
    from django.urls import clear_url_caches

    # The application's URLs with bench.pipeline's two floor pages in front (this run only).
    settings.ROOT_URLCONF = "bench.pipeline"
    clear_url_caches()

    parts = load.partnership()
    rng = random.Random(options.seed)
    people, spare, median = measure.sample_people(rng, options.samples)
    added = measure.join_case_team(parts.practitioner, [p.pk for p in people] + spare)
    print(
        f"Sampled {len(people)} young people (median {median:g} records; half around it, half "
        f"from the top 1%); practitioner added to {added} case teams"
    )
    from django.utils import timezone

    today = timezone.localdate()
    list_windows = measure.windows(rng, options.samples, today)
    warm_windows = measure.windows(rng, measure.WARM_UP, today)

    users = (("", parts.coordinator), ("_practitioner", parts.practitioner))
    for suffix, user in users:
        client = measure.sign_in(user)
        print(f"Timing the chronology page as {user.username}...", flush=True)
        series = measure.measure_chronology(client, user, people, spare)
        results[f"chronology_page{suffix}"] = report.chronology_metrics(series)
    for suffix, user in users:
        client = measure.sign_in(user)
        print(f"Timing the filtered record list as {user.username}...", flush=True)
        list_series, matching = measure.measure_list(client, user, list_windows, warm_windows)
        results[f"filtered_list{suffix}"] = report.list_metrics(list_series, matching)

    if options.diagnose:
        from bench import diagnose

        results["diagnosis"] = diagnose.run(parts, people, list_windows)

    print()
    print(report.table(results))
    print()
    for name, metrics in results.items():
        if "fixed_queries" not in metrics:
            continue
        verdict = "fixed" if metrics["fixed_queries"] else "NOT fixed"
        if "queries_small" in metrics:
            counts = (
                f"{metrics['queries_small']} queries for {metrics['records_small']} records, "
                f"{metrics['queries_large']} for {metrics['records_large']}"
            )
        else:
            counts = f"{metrics['queries_min']} to {metrics['queries']} queries a page"
        print(
            f"{name}: {counts}: {verdict} (not counting the session's periodic save, "
            f"3 statements, in {metrics['session_saves']} of {metrics['samples']} requests)"
        )
    missed = [n for n, m in results.items() if "meets_target" in m and not m["meets_target"]]
    print(
        "Targets (p95 < 100 ms, ratio <= 3, fixed queries): "
        + ("all met" if not missed else "missed by " + ", ".join(missed))
    )


if __name__ == "__main__":
    sys.exit(main())

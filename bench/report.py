"""Percentiles, the metrics of each benchmark, the table and ``bench/results.json``."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.measure import Series

TARGET_P95_MS = 100.0
TARGET_RATIO = 3.0

Metrics = dict[str, Any]


def percentile(values: Sequence[float], share: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _r(value: float, places: int = 2) -> float:
    return round(value, places)


def _times(page: Sequence[float], baseline: Sequence[float], data: Sequence[float] = ()) -> Metrics:
    p50, p95 = percentile(page, 0.5), percentile(page, 0.95)
    b50, b95 = percentile(baseline, 0.5), percentile(baseline, 0.95)
    metrics: Metrics = {
        "p50_ms": _r(p50),
        "p95_ms": _r(p95),
        "baseline_p50_ms": _r(b50, 3),
        "baseline_p95_ms": _r(b95, 3),
        "ratio": _r(p95 / b95),
        "p50_ratio": _r(p50 / b50),
    }
    if data:
        d50, d95 = percentile(data, 0.5), percentile(data, 0.95)
        metrics.update(
            data_layer_p50_ms=_r(d50), data_layer_p95_ms=_r(d95), data_layer_ratio=_r(d95 / b95)
        )
    return metrics


def _verdict(metrics: Metrics) -> Metrics:
    metrics["meets_p95_target"] = metrics["p95_ms"] < TARGET_P95_MS
    metrics["meets_ratio_target"] = metrics["ratio"] <= TARGET_RATIO
    metrics["meets_target"] = bool(
        metrics["meets_p95_target"] and metrics["meets_ratio_target"] and metrics["fixed_queries"]
    )
    return metrics


def chronology_metrics(series: Series) -> Metrics:
    metrics: Metrics = {
        "samples": len(series.page_ms),
        **_times(series.page_ms, series.baseline_ms, series.data_ms),
    }
    smallest = min(range(len(series.sizes)), key=lambda i: (series.sizes[i], i))
    largest = max(range(len(series.sizes)), key=lambda i: (series.sizes[i], -i))
    metrics.update(
        queries=max(series.page_queries),
        queries_small=series.page_queries[smallest],
        queries_large=series.page_queries[largest],
        records_small=series.sizes[smallest],
        records_large=series.sizes[largest],
        fixed_queries=len(set(series.page_queries)) == 1,
        session_saves=series.session_saves,
        records_per_chronology=_r(sum(series.sizes) / len(series.sizes), 1),
    )
    if series.floor_ms:
        # bench.pipeline: what the request pipeline and the audit write cost with no gate and
        # no template (the floor), and with the baseline's rows written out by hand.
        f95, h95 = percentile(series.floor_ms, 0.95), percentile(series.handwritten_ms, 0.95)
        b95 = percentile(series.baseline_ms, 0.95)
        metrics.update(
            floor_p50_ms=_r(percentile(series.floor_ms, 0.5)),
            floor_p95_ms=_r(f95),
            floor_ratio=_r(f95 / b95),
            handwritten_p50_ms=_r(percentile(series.handwritten_ms, 0.5)),
            handwritten_p95_ms=_r(h95),
            ratio_to_handwritten=_r(metrics["p95_ms"] / h95),
        )
    for group in ("median", "heavy"):
        picked = [i for i, g in enumerate(series.groups) if g == group]
        if not picked:
            continue
        times = _times(
            [series.page_ms[i] for i in picked],
            [series.baseline_ms[i] for i in picked],
            [series.data_ms[i] for i in picked],
        )
        metrics[f"{group}_yp_samples"] = len(picked)
        metrics[f"{group}_yp_records"] = _r(sum(series.sizes[i] for i in picked) / len(picked), 1)
        for name in ("p50_ms", "p95_ms", "baseline_p95_ms", "ratio", "data_layer_p95_ms"):
            metrics[f"{group}_yp_{name}"] = times[name]
    return _verdict(metrics)


def list_metrics(series: Series, matching: Sequence[int]) -> Metrics:
    metrics: Metrics = {
        "samples": len(series.page_ms),
        **_times(series.page_ms, series.baseline_ms, series.data_ms),
    }
    metrics.update(
        queries=max(series.page_queries),
        queries_min=min(series.page_queries),
        fixed_queries=len(set(series.page_queries)) == 1,
        session_saves=series.session_saves,
        rows_per_page=_r(sum(series.sizes) / len(series.sizes), 1),
        matching_records=_r(sum(matching) / len(matching), 1),
    )
    return _verdict(metrics)


def _yes(value: object) -> str:
    return "yes" if value else "NO"


def table(results: dict[str, Metrics]) -> str:
    """One line a benchmark (and one a group of young people for the chronology)."""
    header = (
        f"{'benchmark':<30} {'p50 ms':>7} {'p95 ms':>7} {'queries':>8} {'base p50':>8} "
        f"{'base p95':>8} {'ratio':>6} {'p50 rat':>7} {'data p95':>8} {'data rat':>8}  "
        f"{'p95<100':>7} {'ratio<=3':>8} {'fixed q':>7}"
    )
    lines = [header, "-" * len(header)]
    for name, m in results.items():
        if "p95_ms" not in m:
            continue
        low = m.get("queries_small", m.get("queries_min", m["queries"]))
        queries = f"{low}" if low == m["queries"] else f"{low}-{m['queries']}"
        lines.append(
            f"{name:<30} {m['p50_ms']:>7.1f} {m['p95_ms']:>7.1f} {queries:>8} "
            f"{m['baseline_p50_ms']:>8.2f} {m['baseline_p95_ms']:>8.2f} {m['ratio']:>6.1f} "
            f"{m['p50_ratio']:>7.1f} {m['data_layer_p95_ms']:>8.1f} "
            f"{m['data_layer_ratio']:>8.1f}  {_yes(m['meets_p95_target']):>7} "
            f"{_yes(m['meets_ratio_target']):>8} {_yes(m['fixed_queries']):>7}"
        )
        for group in ("median", "heavy"):
            if f"{group}_yp_p95_ms" not in m:
                continue
            label = f"  {group} YP ({m[group + '_yp_records']:g} records)"
            lines.append(
                f"{label:<30} {m[group + '_yp_p50_ms']:>7.1f} {m[group + '_yp_p95_ms']:>7.1f} "
                f"{'':>8} {'':>8} {m[group + '_yp_baseline_p95_ms']:>8.2f} "
                f"{m[group + '_yp_ratio']:>6.1f} {'':>7} "
                f"{m[group + '_yp_data_layer_p95_ms']:>8.1f}"
            )
        if "floor_p95_ms" in m:
            lines.append(
                f"{'  floor: audited empty page':<30} {m['floor_p50_ms']:>7.1f} "
                f"{m['floor_p95_ms']:>7.1f} {'':>8} {'':>8} {'':>8} {m['floor_ratio']:>6.1f}"
            )
            lines.append(
                f"{'  hand-written page':<30} {m['handwritten_p50_ms']:>7.1f} "
                f"{m['handwritten_p95_ms']:>7.1f} {'':>8} {'':>8} {'':>8} "
                f"{m['ratio_to_handwritten']:>6.1f}  (page p95 / this p95)"
            )
    return "\n".join(lines)


def other_table(results: dict[str, Metrics]) -> str:
    """The data-matching benchmarks: one line a benchmark, its metrics as name=value."""
    lines = []
    for name, metrics in results.items():
        shown = ", ".join(
            f"{key}={value:.4g}" if isinstance(value, float) else f"{key}={value}"
            for key, value in metrics.items()
        )
        lines.append(f"{name:<28} {shown}")
    return "\n".join(lines)


def write(results: dict[str, Metrics], path: Path) -> None:
    path.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n")

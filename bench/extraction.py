"""Extraction from free text: precision and recall per kind of value, against the synthetic
generator's truth, with a naive regex baseline in the same run.

``python -m bench.extraction [--quick]`` prints the figures as JSON; ``run(quick)`` returns
them under ``extraction``: ``precision_<kind>`` and ``recall_<kind>`` for phone, registration,
partial_plate, vehicle_description, postcode, handle and nickname, the same over all kinds
(``precision``, ``recall``, ``f1``), the baseline's (``baseline_precision_<kind>`` …), the time
to extract every document (``ms``, ``baseline_ms``) and ``ratio`` = ms / baseline_ms.

The generator (``intelligence/synthetic.py``) and the extractor were written together, so these
figures say how well the written forms listed there are found among its distractors, not how
well real case notes would be read. The baseline is one plain regex a kind (an eleven-digit
number starting 0, a current-format plate, "?" after letters, a quoted string, @word), which
is what a first attempt would use.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from typing import Any

DOCUMENTS = 5000
QUICK_DOCUMENTS = 1000


def run(quick: bool = False) -> dict[str, dict[str, Any]]:
    from intelligence import synthetic
    from intelligence.extraction import extract

    docs = synthetic.documents(QUICK_DOCUMENTS if quick else DOCUMENTS)
    truth = [doc.truth for doc in docs]

    started = time.perf_counter()
    ours = [{(s.kind, s.value) for s in extract(doc.text)} for doc in docs]
    ours_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    naive = [synthetic.naive_extract(doc.text) for doc in docs]
    naive_ms = (time.perf_counter() - started) * 1000

    figures: dict[str, Any] = dict(synthetic.score(ours, truth))
    figures.update(
        {f"baseline_{name}": value for name, value in synthetic.score(naive, truth).items()}
    )
    figures["documents"] = len(docs)
    figures["values"] = sum(len(t) for t in truth)
    figures["ms"] = round(ours_ms, 1)
    figures["baseline_ms"] = round(naive_ms, 1)
    figures["ratio"] = round(ours_ms / naive_ms, 2) if naive_ms else None
    return {"extraction": figures}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.extraction")
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    os.environ.setdefault("TESSERA_ENV", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tessera.settings_test")
    import django

    django.setup()
    print(json.dumps(run(quick=options.quick), indent=2))


if __name__ == "__main__":
    main()

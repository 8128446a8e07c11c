"""The same linkage on Splink's Spark backend (local mode), when pyspark and Java are present.

`make test-spark` installs pyspark (requirements/spark.txt) and runs this; CI does so when Java
is present (docs/adr/0007-record-linkage.md). It checks that Spark finds the same pairs with the
same evidence as DuckDB.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from matching import engine, spark
from matching.tests.test_engine import INCOMING, KNOWN

reason = spark.unavailable_reason()
pytestmark = pytest.mark.skipif(reason is not None, reason=f"Spark linkage not tested: {reason}")


@pytest.fixture(scope="module", autouse=True)
def _stop_spark_afterwards() -> Iterator[None]:
    # Stopped here, not at interpreter exit, when py4j would log to streams already closed.
    yield
    if spark.session.cache_info().currsize:
        spark.session().stop()
        spark.session.cache_clear()


def test_spark_finds_the_same_pairs_with_the_same_evidence_as_duckdb():
    model = engine.train_model(KNOWN, INCOMING, backend="duckdb")
    on_duckdb = engine.link(KNOWN, INCOMING, model=model, backend="duckdb", min_probability=0.0)
    on_spark = engine.link(KNOWN, INCOMING, model=model, backend="spark", min_probability=0.0)
    assert [(c.left_id, c.right_id) for c in on_spark] == [
        (c.left_id, c.right_id) for c in on_duckdb
    ]
    for s, d in zip(on_spark, on_duckdb, strict=True):
        assert s.match_weight == pytest.approx(d.match_weight, abs=1e-6)
        assert [e.label for e in s.evidence] == [e.label for e in d.evidence]


def test_a_model_trained_on_spark_links_on_duckdb():
    model = engine.train_model(KNOWN, INCOMING, backend="spark")
    found = engine.link(KNOWN, INCOMING, model=model, backend="duckdb", min_probability=0.5)
    assert {(c.left_id, c.right_id) for c in found} == {("yp-1", "mp-1"), ("yp-2", "mp-2")}

"""Splink's Spark backend for national-scale batches (``TESSERA_LINKAGE_BACKEND=spark``).

The engine is the same (same standardisation, comparisons, blocking rules and saved model); only
the SQL engine changes. Spark needs ``pyspark`` (``requirements/spark.txt``, kept out of the
usual install: it is large and most partnerships never need it) and Java 17+.
The session is local unless ``TESSERA_SPARK_MASTER`` names a cluster (for example
``spark://host:7077``); Splink's similarity functions (Jaro-Winkler, Damerau-Levenshtein) come
from the jar that ships inside Splink and are added to the session here.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from functools import cache
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]


def unavailable_reason() -> str | None:
    """Why the Spark backend cannot run here, or None when it can."""
    try:
        import pyspark  # type: ignore[import-not-found,unused-ignore]  # noqa: F401
    except ImportError:
        return "pyspark is not installed (pip install pyspark==4.0.1 on the batch host)"
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        return "Java is not installed (Spark needs Java 17 or later)"
    return None


@cache
def session() -> Any:
    """One Spark session per process, with Splink's similarity jar."""
    reason = unavailable_reason()
    if reason:
        raise RuntimeError(f"The Spark linkage backend is not available: {reason}.")
    from pyspark.sql import SparkSession  # type: ignore[import-not-found,unused-ignore]
    from splink.backends.spark import similarity_jar_location

    # py4j reports each connection it opens and closes at INFO, the last ones after logging
    # has shut down at exit; warnings and errors are still logged.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    master = os.environ.get("TESSERA_SPARK_MASTER", "local[2]")
    builder = (
        SparkSession.builder.appName("tessera-linkage")
        .master(master)
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    # Splink breaks long query plans with checkpoints, which need a directory.
    checkpoints = os.environ.get("TESSERA_SPARK_CHECKPOINTS") or tempfile.mkdtemp(
        prefix="tessera-spark-"
    )
    spark.sparkContext.setCheckpointDir(checkpoints)
    return spark


def database_api() -> Any:
    from splink.backends.spark import SparkAPI

    return SparkAPI(spark_session=session())  # type: ignore[no-untyped-call]


def dataframe(table: pa.Table) -> Any:
    """An Arrow table of standardised rows as a Spark DataFrame."""
    return session().createDataFrame(table.to_pandas() if _needs_pandas() else table)


def _needs_pandas() -> bool:
    import pyspark

    return int(pyspark.__version__.split(".")[0]) < 4

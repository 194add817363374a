"""Spark: the same queries on PySpark, for data that outgrows one machine.

The master comes from the environment (``$FUPAN_SPARK_MASTER``, default ``local[2]``): a team
points fupan at its cluster with ``spark://host:7077`` or ``yarn`` there, and the code path is the
same. Tables are the campaign's Parquet files (local paths, or any URI Spark reads: ``hdfs://``,
``s3a://``). One SparkSession per process is shared by every engine (JVM start-up is slow); staging
tables are cached temporary views.
"""

from __future__ import annotations

import os
from typing import Any

import pandas as pd
import sqlglot
from sqlglot import exp

from . import Engine, register
from .secrets import pseudonym_key

MASTER_ENV = "FUPAN_SPARK_MASTER"
DEFAULT_MASTER = "local[2]"


def session(master: str | None = None, conf: dict[str, str] | None = None) -> Any:
    """The process's SparkSession (created on first use): UTC session time zone (timestamps are
    the campaign's local times, without a zone), no web UI or progress bar, and locally one
    shuffle partition per core (a retrospective's aggregates are small; Spark's default of 200
    partitions makes each of its ~30 queries schedule hundreds of empty tasks). ``conf`` adds
    or overrides settings."""
    from pyspark.sql import SparkSession

    master = master or os.environ.get(MASTER_ENV, "").strip() or DEFAULT_MASTER
    builder = (
        SparkSession.builder.master(master)
        .appName("fupan")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.parquet.inferTimestampNTZ.enabled", "true")
    )
    if master.startswith("local"):
        cores = os.cpu_count() or 2
        builder = builder.config("spark.sql.shuffle.partitions", str(cores)).config(
            "spark.default.parallelism", str(cores)
        )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


class SparkEngine(Engine):
    """SQL on a SparkSession (``spark``, or :func:`session`); ``salt`` keys the customer hash."""

    name = "spark"
    dialect = "spark"

    def __init__(self, spark: Any = None, *, salt: bytes = b"", master: str | None = None) -> None:
        self.spark = spark if spark is not None else session(master)
        self._salt = salt
        self._views: list[str] = []

    def execute(self, statement: str) -> None:
        self.spark.sql(statement).collect()

    def fetch(self, statement: str) -> pd.DataFrame:
        return self.spark.sql(statement).toPandas()

    def put_frame(self, name: str, frame: pd.DataFrame) -> None:
        if frame.empty:
            self.spark.createDataFrame([], _schema(frame)).createOrReplaceTempView(name)
        else:
            self.spark.createDataFrame(frame).createOrReplaceTempView(name)
        self._views.append(name)

    def materialise(self, name: str, duck_sql: str) -> None:
        self.spark.catalog.dropTempView(name)
        self.spark.sql(self.sql(duck_sql)).cache().createOrReplaceTempView(name)
        self._views.append(name)

    def view(self, name: str, duck_sql: str) -> None:
        self.spark.sql(self.sql(duck_sql)).createOrReplaceTempView(name)
        self._views.append(name)

    def release(self, name: str) -> None:
        if name in self._views:
            self.spark.table(name).unpersist()
            self.spark.catalog.dropTempView(name)
            self._views = [v for v in self._views if v != name]

    def load_parquet(self, name: str, path: str) -> None:
        """Make the Parquet file or folder at ``path`` the temporary view ``name``."""
        self.spark.read.parquet(path).createOrReplaceTempView(name)
        self._views.append(name)

    def columns(self, relation: str) -> dict[str, str]:
        return dict(self.spark.sql(f"SELECT * FROM {relation} LIMIT 0").dtypes)

    def close(self) -> None:
        """Drop this engine's views and cached tables; the shared session stays up."""
        for name in dict.fromkeys(self._views):
            self.spark.catalog.dropTempView(name)
        self._views.clear()

    def user_key(self, column: exp.Expression) -> exp.Expression:
        """First 15 hex digits of the keyed hash of user_id (:func:`.secrets.keyed_hash`), as a
        bigint."""
        key = pseudonym_key(self._salt)
        template = sqlglot.parse_one(
            f"CAST(CONV(SUBSTR(SHA2(CONCAT('{key}', CAST(__uid__ AS STRING)), 256), 1, 15), 16, 10) "
            "AS BIGINT)",
            read="spark",
        )
        return template.transform(
            lambda n: column.copy() if isinstance(n, exp.Column) and n.name == "__uid__" else n
        )


def _schema(frame: pd.DataFrame) -> str:
    kinds = {"i": "BIGINT", "f": "DOUBLE", "b": "BOOLEAN", "M": "TIMESTAMP_NTZ"}
    return ", ".join(f"`{c}` {kinds.get(frame[c].dtype.kind, 'STRING')}" for c in frame.columns)


register("spark", SparkEngine)

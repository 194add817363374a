"""Spark, for real: PySpark in local mode reads the campaign's Parquet files, runs the same
aggregate SQL (transpiled to Spark's dialect by sqlglot) and returns aggregates equal to DuckDB's
on the same files, to the cent.

One SparkSession serves the whole test session (JVM start-up is the slow part); the campaign is
the demo shop at scale 0.05 so that the run stays short. Expected values come from DuckDB on the
same files and, for the customer key, from the keyed hash as the privacy rules state it
(conftest.keyed_hex) on the raw ids.
"""

from __future__ import annotations

import hashlib
import os
import shutil

import duckdb
import pytest

import engine_cases
from fupan.extract.aggregates import day_drivers, extract
from fupan.extract.aggregates import sql as sql_file
from fupan.extract.engines import transpile
from fupan.ingest.privacy import load_salt
from fupan.ingest.sources import SourceCampaign
from fupan.ingest.validate import open_campaign

pytestmark = pytest.mark.slow(seconds=65)  # the JVM and a Spark run
SCALE = 0.05


def _missing() -> str | None:
    if not shutil.which("java"):
        return "no Java runtime (Debian openjdk-17-jre-headless; `make system-deps` installs it)"
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "pyspark is not installed (requirements.txt pins it)"
    return None


@pytest.fixture(scope="session")
def spark():
    reason = _missing()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the Spark tests: {reason}")
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    from fupan.extract.engines.spark import session

    s = session(
        "local[2]",
        conf={"spark.driver.extraJavaOptions": "-XX:+UseSerialGC -XX:TieredStopAtLevel=1"},
    )
    yield s
    s.stop()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = engine_cases.parquet_campaign(tmp_path_factory.mktemp("spark") / "files", SCALE)
    campaign = open_campaign(folder)
    yield folder, campaign, extract(campaign)
    campaign.con.close()


@pytest.fixture(scope="module")
def spark_campaign(spark, files, tmp_path_factory):
    folder, _, _ = files
    card_dir = engine_cases.with_source(
        folder, tmp_path_factory.mktemp("spark") / "card", {"engine": "spark"}
    )
    campaign = open_campaign(card_dir)  # the card's source block routes it to Spark
    yield campaign, extract(campaign)
    campaign.engine.close()


def test_a_card_with_a_spark_source_runs_on_the_shared_session(spark, spark_campaign):
    campaign, _ = spark_campaign
    assert isinstance(campaign, SourceCampaign)
    assert campaign.engine.name == "spark"
    assert campaign.engine.spark is spark  # one SparkSession per process
    assert spark.sparkContext.master == "local[2]"
    assert sorted(campaign.tables) == sorted(engine_cases.TABLES)
    # local Parquet files: the cache key holds their bytes' hashes, as for file campaigns
    names = [f"{n}.parquet" for n in engine_cases.TABLES]
    assert set(campaign.hashes) == {"campaign.yaml", *names}
    digest = hashlib.sha256((campaign.folder / "orders.parquet").read_bytes()).hexdigest()
    assert campaign.hashes["orders.parquet"] == digest


def test_every_aggregate_equals_duckdb_to_the_cent(files, spark_campaign):
    _, _, expected = files
    _, got = spark_campaign
    compared = engine_cases.assert_same_aggregates(expected, got)
    assert set(compared) == engine_cases.AGGREGATES, compared
    assert got.daily.gmv.sum() > 10_000


def test_day_drivers_equal_duckdb(files, spark_campaign):
    _, duck, _ = files
    campaign, _ = spark_campaign
    days = ["2025-11-11", "2025-10-01"]
    expected, got = day_drivers(duck, days), day_drivers(campaign, days)
    for kind in ("orders", "skus", "buyers"):
        assert len(expected[kind]) > 0, kind
        engine_cases.assert_same_frame(kind, expected[kind], got[kind], drop=("user_key",))


def test_the_customer_key_is_the_keyed_hash_of_the_raw_id(files, spark_campaign):
    folder, _, _ = files
    _, agg = spark_campaign
    rows = duckdb.sql(
        f"SELECT order_id, user_id, status FROM '{folder / 'orders.parquet'}'"
    ).fetchall()
    assert set(agg.customer_orders.user_key) == engine_cases.customer_keys(rows, load_salt())


def test_the_spark_sql_is_a_transpilation_not_a_copy(spark_campaign):
    campaign, _ = spark_campaign
    text = transpile(sql_file("first_orders"), campaign.engine)
    assert "MIN_BY(" in text.upper() and "ARG_MIN(" not in text.upper()


def test_zoned_parquet_timestamps_are_read_in_the_cards_time_zone(spark, files, tmp_path):
    """orders.parquet with instants (isAdjustedToUTC) instead of local times: Spark's typed view
    converts them to the card's zone, as the file reader does — same days and hours as the
    local-time file read by DuckDB."""
    folder, _, _ = files
    card_dir = engine_cases.with_source(folder, tmp_path / "zoned", {"engine": "spark"})
    zoned = card_dir / "orders.parquet"
    duckdb.execute(
        f"COPY (SELECT * REPLACE (timezone('Asia/Shanghai', order_time) AS order_time) "
        f"FROM '{folder / 'orders.parquet'}') TO '{zoned}' (FORMAT parquet)"
    )
    kind = duckdb.sql(f"DESCRIBE SELECT order_time FROM '{zoned}'").fetchall()[0][1]
    assert kind == "TIMESTAMP WITH TIME ZONE"
    query = (
        "SELECT CAST(order_time AS DATE) AS day, CAST(extract(hour FROM order_time) AS INTEGER) "
        "AS hour, count(*) AS lines FROM orders GROUP BY 1, 2"
    )
    expected = duckdb.sql(query.replace("FROM orders", f"FROM '{folder / 'orders.parquet'}'")).df()
    campaign = open_campaign(card_dir)
    try:
        got = campaign.con.execute(query).df()
    finally:
        campaign.engine.close()
    engine_cases.assert_same_frame("hours", expected, got)

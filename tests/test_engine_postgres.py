"""PostgreSQL pushdown, for real: a throwaway PostgreSQL 15 server (tests/pg_server.py) holds a
generated campaign; the card names it as its source; validation and the extract run in the
database and only aggregates come back — each equal to DuckDB's on the same files, to the cent.

Expected values come from DuckDB running the same SQL on the same Parquet files (an independent
engine), from the raw rows in the database, and for the customer key from the keyed hash as the
privacy rules state it (conftest.keyed_hex).
"""

from __future__ import annotations

import math
import os

import pandas as pd
import psycopg
import pytest

import engine_cases
import pg_server
from fupan.analysis.retrospective import build
from fupan.cases.record import build_record
from fupan.errors import ValidationError
from fupan.extract.aggregates import day_drivers, extract
from fupan.extract.engines import create, names
from fupan.ingest.privacy import load_salt
from fupan.ingest.sources import SourceCampaign
from fupan.ingest.validate import open_campaign

PASSWORD = "pg-Planted-pw-4417"
ENV = "FUPAN_TEST_PG_URL"


@pytest.fixture(scope="module")
def server():
    with pg_server.required(PASSWORD) as s:
        yield s


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = engine_cases.parquet_campaign(tmp_path_factory.mktemp("pg") / "files")
    campaign = open_campaign(folder)
    yield folder, campaign, extract(campaign)
    campaign.con.close()


@pytest.fixture(scope="module")
def pg_campaign(server, files, tmp_path_factory):
    folder, _, _ = files
    engine_cases.load_into_postgres(folder, server.url().replace("+psycopg", ""))
    source = {"engine": "postgres", "url_env": ENV, "schema": "shop"}
    card_dir = engine_cases.with_source(
        folder,
        tmp_path_factory.mktemp("pg") / "card",
        source,
        tables={n: n for n in engine_cases.TABLES},
    )
    os.environ[ENV] = server.url()
    campaign = open_campaign(card_dir)
    yield campaign, extract(campaign)
    campaign.engine.close()
    os.environ.pop(ENV, None)


def test_the_registry_names_every_engine():
    assert {"duckdb", "postgres", "spark"} <= set(names())
    with pytest.raises(KeyError, match="unknown engine"):
        create("oracle")


def test_a_card_with_a_postgres_source_validates_in_the_database(pg_campaign):
    campaign, _ = pg_campaign
    assert isinstance(campaign, SourceCampaign)
    assert campaign.engine.name == "postgres"
    assert sorted(campaign.tables) == sorted(engine_cases.TABLES)
    # the orders carry every contract column of the demo, so none is a filled-in default
    assert campaign.measures("orders", "refund_amount")
    assert set(campaign.hashes) == {"campaign.yaml"} | {
        f"postgres:shop.{n}" for n in engine_cases.TABLES
    }


def test_every_aggregate_equals_duckdb_to_the_cent(files, pg_campaign):
    _, _, expected = files
    _, got = pg_campaign
    compared = engine_cases.assert_same_aggregates(expected, got)
    # every aggregate exists for the demo (events, spend, inventory, controls, A/B)
    assert set(compared) == engine_cases.AGGREGATES, compared
    assert got.daily.gmv.sum() > 100_000  # not two empty frames compared


def test_the_comparison_would_see_one_cent(files):
    _, _, expected = files
    changed = expected.daily.copy()
    changed.loc[changed.index[3], "gmv"] += 0.01
    with pytest.raises(AssertionError):
        engine_cases.assert_same_frame("daily", expected.daily, changed)


def test_day_drivers_equal_duckdb(files, pg_campaign):
    _, duck, _ = files
    campaign, _ = pg_campaign
    days = ["2025-11-11", "2025-10-01"]
    expected, got = day_drivers(duck, days), day_drivers(campaign, days)
    for kind in ("orders", "skus", "buyers"):
        assert len(expected[kind]) > 0, kind
        engine_cases.assert_same_frame(kind, expected[kind], got[kind], drop=("user_key",))


def test_the_customer_key_is_the_keyed_hash_of_the_raw_id(server, pg_campaign):
    """Raw ids stay in the database: the key that leaves it is the keyed hash of the id,
    computed here from the raw rows (conftest.keyed_hex)."""
    _, agg = pg_campaign
    with psycopg.connect(server.url().replace("+psycopg", "")) as con:
        rows = con.execute("SELECT order_id, user_id, status FROM shop.orders").fetchall()
    users = [u for _, u, _ in rows]
    assert set(agg.customer_orders.user_key) == engine_cases.customer_keys(rows, load_salt())
    shown = agg.customer_orders.astype(str).to_string()
    assert not any(u in shown for u in users[:50])
    assert engine_cases.PLANTED_PII not in shown


def _close(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=0.005)
    return a == b


def test_the_retrospective_from_postgres_equals_duckdbs(files, pg_campaign):
    _, duck, expected = files
    campaign, got = pg_campaign
    a = build_record(build(duck, expected, "en"), {}, "")
    b = build_record(build(campaign, got, "en"), {}, "")
    assert a["kpis"].keys() == b["kpis"].keys()
    for phase, kpis in a["kpis"].items():
        for key, value in kpis.items():
            assert _close(value, b["kpis"][phase][key]), (phase, key, value, b["kpis"][phase][key])
    assert a["channels"].keys() == b["channels"].keys()
    assert [f["id"] if isinstance(f, dict) and "id" in f else f for f in a["findings"]] == [
        f["id"] if isinstance(f, dict) and "id" in f else f for f in b["findings"]
    ]


def test_contract_breaks_are_found_by_sql_in_the_database(server, files, tmp_path):
    url = server.url()
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as con:
        con.execute("DROP SCHEMA IF EXISTS bad CASCADE; CREATE SCHEMA bad")
        con.execute(
            "CREATE TABLE bad.orders (order_id text, user_id text, order_time timestamp, "
            "paid_amount numeric(12, 2), status text, quantity double precision)"
        )
        con.execute(
            "INSERT INTO bad.orders VALUES "
            "('o1', 'u1', '2025-10-01 10:00', 10, 'paid', 1), "
            "('o2', NULL, '2025-10-02 10:00', 10, 'paid', 1), "  # empty user
            "('o3', 'u3', '2025-10-03 10:00', -5, 'paid', 1), "  # negative amount
            "('o4', 'u4', '2025-10-04 10:00', 5, 'lost', 1.5), "  # unknown status, 1.5 units
            "('o5', 'u5', '2025-10-05 10:00', 'NaN', 'paid', 'Infinity')"  # not finite numbers
        )
        con.execute("CREATE TABLE bad.events (user_id text, event text)")  # no event_time
        # values within the contract, but o1 bought by two users and four days of history only
        con.execute("DROP SCHEMA IF EXISTS bad2 CASCADE; CREATE SCHEMA bad2")
        con.execute("CREATE TABLE bad2.orders AS SELECT * FROM bad.orders WHERE order_id = 'o1'")
        con.execute("INSERT INTO bad2.orders VALUES ('o1', 'u9', '2025-10-01 10:01', 3, 'paid', 1)")
        # an exact duplicate of a line: a warning (the card keeps it unless it says drop)
        con.execute("INSERT INTO bad2.orders SELECT * FROM bad2.orders WHERE user_id = 'u9'")
    folder = tmp_path / "files"
    folder.mkdir()
    (folder / "campaign.yaml").write_text(
        (files[0] / "campaign.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    found = {}
    for schema, tables in (
        ("bad", {"orders": "orders", "events": "events"}),
        ("bad2", {"orders": "orders"}),
    ):
        card_dir = engine_cases.with_source(
            folder,
            tmp_path / schema,
            {"engine": "postgres", "url_env": ENV, "schema": schema},
            tables=tables,
        )
        os.environ[ENV] = url
        try:
            with pytest.raises(ValidationError) as caught:
                open_campaign(card_dir)
        finally:
            os.environ.pop(ENV, None)
        found[schema] = {(p.code, p.column) for p in caught.value.problems}
        assert PASSWORD not in caught.value.format()
        if schema == "bad":
            err = caught
    assert found["bad"] == {
        ("null_value", "user_id"),
        ("below_minimum", "paid_amount"),
        ("value_not_allowed", "status"),
        ("not_integer", "quantity"),
        ("not_finite", "paid_amount"),
        ("not_finite", "quantity"),
        ("missing_column", "event_time"),
    }
    assert found["bad2"] == {
        ("order_multiple_users", "order_id"),
        ("coverage", "order_time"),  # one day cannot cover the demo's windows
    }
    (dup,) = [p for p in caught.value.warnings if p.code == "duplicate_lines"]
    assert dup.severity == "warning" and "1 line" in dup.en and "1 行" in dup.zh
    by_code = {p.code: p for p in err.value.problems}
    assert by_code["null_value"].file == "postgres:bad.orders"
    assert "1 row" in by_code["null_value"].en and "1 行" in by_code["null_value"].zh
    assert PASSWORD not in err.value.format()


def test_the_typed_view_reads_only_contract_columns(pg_campaign):
    campaign, _ = pg_campaign
    frame = campaign.con.execute("SELECT * FROM orders LIMIT 3").df()
    assert "buyer_phone" not in frame.columns
    assert isinstance(frame, pd.DataFrame) and len(frame) == 3


def test_a_zoned_timestamp_column_is_read_in_the_cards_time_zone(
    server, files, pg_campaign, tmp_path
):
    """order_time as timestamptz (instants): converted to the card's zone (Asia/Shanghai), the
    daily and hourly aggregates equal DuckDB's on the local times of the files."""
    folder, _, expected = files
    with psycopg.connect(server.url().replace("+psycopg", ""), autocommit=True) as con:
        con.execute("DROP SCHEMA IF EXISTS zoned CASCADE; CREATE SCHEMA zoned")
        for name in engine_cases.TABLES:
            con.execute(f"CREATE TABLE zoned.{name} AS SELECT * FROM shop.{name}")
        con.execute(
            "ALTER TABLE zoned.orders ALTER COLUMN order_time TYPE timestamptz "
            "USING order_time AT TIME ZONE 'Asia/Shanghai'"
        )
        kind = con.execute(
            "SELECT data_type FROM information_schema.columns WHERE table_schema = 'zoned' "
            "AND table_name = 'orders' AND column_name = 'order_time'"
        ).fetchone()
    assert kind == ("timestamp with time zone",)
    card_dir = engine_cases.with_source(
        folder,
        tmp_path / "zoned",
        {"engine": "postgres", "url_env": ENV, "schema": "zoned"},
        tables={n: n for n in engine_cases.TABLES},
    )
    os.environ[ENV] = server.url()
    try:
        campaign = open_campaign(card_dir)
        got = extract(campaign)
        campaign.engine.close()
    finally:
        os.environ.pop(ENV, None)
    engine_cases.assert_same_frame("daily", expected.daily, got.daily)
    engine_cases.assert_same_frame("hourly", expected.hourly, got.hourly)


def test_duplicate_lines_in_the_database_are_dropped_when_the_card_says_so(
    server, files, pg_campaign, tmp_path
):
    """Two exact copies of an order line added in the database: with ``duplicate_lines: drop``
    the typed view holds the original row count (counted in the database by psycopg) and GMV
    equals the file campaign's; the warning says 2 rows."""
    import yaml

    folder, _, file_agg = files
    url = server.url()
    with psycopg.connect(url.replace("+psycopg", ""), autocommit=True) as con:
        con.execute("DROP SCHEMA IF EXISTS dup CASCADE; CREATE SCHEMA dup")
        for name in engine_cases.TABLES:
            con.execute(f"CREATE TABLE dup.{name} AS SELECT * FROM shop.{name}")
        (n,) = con.execute("SELECT count(*) FROM dup.orders").fetchone()
        con.execute("INSERT INTO dup.orders SELECT * FROM (SELECT * FROM dup.orders LIMIT 1) o")
        con.execute("INSERT INTO dup.orders SELECT * FROM (SELECT * FROM dup.orders LIMIT 1) o")
    card_dir = engine_cases.with_source(
        folder,
        tmp_path / "dup",
        {"engine": "postgres", "url_env": ENV, "schema": "dup"},
        tables={t: t for t in engine_cases.TABLES},
    )
    card = yaml.safe_load((card_dir / "campaign.yaml").read_text(encoding="utf-8"))
    card["duplicate_lines"] = "drop"
    (card_dir / "campaign.yaml").write_text(yaml.safe_dump(card, allow_unicode=True), "utf-8")
    os.environ[ENV] = url
    try:
        campaign = open_campaign(card_dir)
        (dup,) = [w for w in campaign.warnings if w.code == "duplicate_lines"]
        assert "2 line" in dup.en and "drop" in dup.en
        assert int(campaign.engine.query("SELECT count(*) AS n FROM orders").iloc[0]["n"]) == n
        agg = extract(campaign)
        assert agg.daily["gmv"].sum() == pytest.approx(file_agg.daily["gmv"].sum(), abs=0.005)
        campaign.engine.close()
    finally:
        os.environ.pop(ENV, None)


def test_the_checks_across_tables_warn_alike_from_files_and_the_database(server, files, tmp_path):
    """Spend exported in 分 (× 100), a channel written in capitals, a day of another channel
    missing inside the campaign, a (date, channel) pasted twice with a different amount, and an
    oversold stock row: a campaign read from files warned of each, the same campaign in
    PostgreSQL of none (its ROAS 100 × too low, silently). Now the same checks run where the tables
    are: the warnings' codes are the same, and the figures they quote (the spend's total against
    the GMV, the days missing) are the same words."""
    import shutil

    import duckdb

    folder = tmp_path / "files"
    shutil.copytree(files[0], folder)
    camp = files[
        1
    ].card.windows.campaign  # from the first of preheat/burst to the last of burst/post
    con = duckdb.connect()
    con.execute(f"CREATE TABLE s AS SELECT * FROM '{folder / 'spend.parquet'}'")
    shown = lambda c: f"trim({c}, chr(12288) || chr(160))"  # noqa: E731 — the padded channels
    capital, gapped = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT {shown('channel')} FROM s ORDER BY 1 LIMIT 2"
        ).fetchall()
    ]
    gap_day = con.execute(
        f"SELECT min(date) + INTERVAL 1 DAY FROM s WHERE {shown('channel')} = '{gapped}' "
        f"AND date BETWEEN '{camp.start}' AND '{camp.end}'"
    ).fetchall()[0][0]
    con.execute("UPDATE s SET spend = spend * 100")
    con.execute(f"UPDATE s SET channel = upper(channel) WHERE {shown('channel')} = '{capital}'")
    con.execute(f"DELETE FROM s WHERE {shown('channel')} = '{gapped}' AND date = '{gap_day}'")
    con.execute(
        f"INSERT INTO s SELECT * REPLACE (spend + 1 AS spend) FROM s "
        f"WHERE {shown('channel')} = '{gapped}' AND date = '{camp.start}'"
    )
    con.execute(f"COPY s TO '{folder / 'spend.parquet'}' (FORMAT parquet)")
    con.execute(f"CREATE TABLE i AS SELECT * FROM '{folder / 'inventory.parquet'}'")
    con.execute("UPDATE i SET on_hand = -2 WHERE rowid = 3")
    con.execute(f"COPY i TO '{folder / 'inventory.parquet'}' (FORMAT parquet)")
    con.close()
    engine_cases.load_into_postgres(folder, server.url().replace("+psycopg", ""), schema="warn")
    card_dir = engine_cases.with_source(
        folder,
        tmp_path / "card",
        {"engine": "postgres", "url_env": ENV, "schema": "warn"},
        tables={n: n for n in engine_cases.TABLES},
    )
    checked = {"spend_scale", "spend_gaps", "rows_summed", "unknown_channel", "read_as_minimum"}
    got = {}
    os.environ[ENV] = server.url()
    try:
        for name, where in (("files", folder), ("postgres", card_dir)):
            campaign = open_campaign(where)
            got[name] = {w.code: w for w in campaign.warnings if w.code in checked}
            (campaign.con if name == "files" else campaign.engine).close()
    finally:
        os.environ.pop(ENV, None)
    assert set(got["files"]) == checked  # each planted fault is seen from the files
    assert set(got["postgres"]) == checked
    for code in ("spend_scale", "spend_gaps", "unknown_channel"):
        assert got["postgres"][code].en == got["files"][code].en, code
    assert f"{gap_day:%Y-%m-%d}" in got["postgres"]["spend_gaps"].en
    assert f"{capital.upper()} → {capital}?" in got["postgres"]["unknown_channel"].en
    assert got["postgres"]["spend_scale"].file == "postgres:warn.spend"
    summed = got["postgres"]["rows_summed"].en
    assert summed.startswith("1 (date, channel, ") and "(2 rows)" in summed
    assert "1 row(s)" in got["postgres"]["read_as_minimum"].en

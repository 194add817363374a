"""The benchmark campaigns' event count: a size asking for fewer events than the demo's ratio gives
keeps whole customer-days at random (fupan.demo.bigdata), and nothing else changes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from fupan.demo import bigdata
from fupan.demo.generator import GENERATOR_VERSION


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> Iterator[tuple[Path, Path]]:
    """The XS campaign (the demo's ratio, ~400k events) and the same with 300k events asked for."""
    root = tmp_path_factory.mktemp("bigdata")
    full = bigdata.generate_big(root / "xs", "XS")
    sizes = dict(bigdata.SIZES)
    sizes["T"] = (sizes["XS"][0], 300_000, sizes["XS"][2])
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bigdata, "SIZES", sizes)
        thin = bigdata.generate_big(root / "t", "T")
    yield full, thin
    # their order headers are Chinese (mapped in the card), which the session's scan of its
    # outputs for the demo's raw ids cannot read: the folders go (as tests/test_scale.py's)
    shutil.rmtree(root)


def test_kept_share_thins_only_well_above_the_wanted_count() -> None:
    assert bigdata.kept_share(50, 67) == pytest.approx(50 / 67)
    assert bigdata.kept_share(100, 104) == 1.0  # within THIN_ABOVE: the demo's ratio kept
    assert bigdata.kept_share(100, 90) == 1.0


def test_a_thinned_campaign_keeps_whole_customer_days_and_every_order(pair) -> None:
    full, thin = pair
    con = duckdb.connect()
    natural = con.execute(f"SELECT count(*) FROM '{full / 'events.parquet'}'").fetchone()[0]
    kept = con.execute(f"SELECT count(*) FROM '{thin / 'events.parquet'}'").fetchone()[0]
    share = json.loads((thin / "truth.json").read_text(encoding="utf-8"))["kept_day_share"]
    assert share == pytest.approx(300_000 / natural, abs=1e-6)
    assert kept == pytest.approx(300_000, rel=0.03)  # a random draw of customer-days
    # per customer-day of the full campaign: all of its events in the thinned one, or none
    per_day = con.execute(
        f"""
        WITH a AS (SELECT user_id, event_time::DATE AS d, count(*) AS n
                   FROM '{full / "events.parquet"}' GROUP BY ALL),
             b AS (SELECT user_id, event_time::DATE AS d, count(*) AS n
                   FROM '{thin / "events.parquet"}' GROUP BY ALL)
        SELECT count(*) AS days,
               count(*) FILTER (WHERE b.n IS NOT NULL) AS kept,
               count(*) FILTER (WHERE b.n IS NOT NULL AND b.n <> a.n) AS partial,
               (SELECT count(*) FROM b ANTI JOIN a USING (user_id, d)) AS new_days
        FROM a LEFT JOIN b USING (user_id, d)"""
    ).fetchone()
    days, kept_days, partial, new_days = per_day
    assert partial == 0 and new_days == 0
    assert kept_days / days == pytest.approx(share, abs=0.02)
    # the events kept are the full campaign's rows themselves
    same = con.execute(
        f"SELECT count(*) FROM (SELECT * FROM '{thin / 'events.parquet'}' "
        f"EXCEPT ALL SELECT * FROM '{full / 'events.parquet'}')"
    ).fetchone()[0]
    assert same == 0
    # the orders, and so every amount of truth.json, are untouched
    for table in ("orders", "spend", "inventory"):
        diff = con.execute(
            f"SELECT (SELECT count(*) FROM (SELECT * FROM '{full / table}.parquet' EXCEPT ALL "
            f"SELECT * FROM '{thin / table}.parquet')) + (SELECT count(*) FROM (SELECT * FROM "
            f"'{thin / table}.parquet' EXCEPT ALL SELECT * FROM '{full / table}.parquet'))"
        ).fetchone()[0]
        assert diff == 0, table
    a, b = (json.loads((p / "truth.json").read_text(encoding="utf-8")) for p in pair)
    for key in ("incremental_gmv", "expected_daily_gmv", "pull_forward_share", "ab_test"):
        assert a[key] == b[key]


def test_a_folder_of_another_generator_is_written_again(pair, tmp_path) -> None:
    full, _ = pair
    truth = json.loads((full / "truth.json").read_text(encoding="utf-8"))
    assert truth["generator_version"] == GENERATOR_VERSION
    assert not bigdata._stale(full / "truth.json", truth["seed"])
    assert bigdata._stale(full / "truth.json", truth["seed"] + 1)
    old = tmp_path / "truth.json"
    old.write_text(json.dumps({**truth, "generator_version": "fupan.demo/1.2"}), encoding="utf-8")
    assert bigdata._stale(old, truth["seed"])
    old.write_text(json.dumps({k: v for k, v in truth.items() if k != "bench_version"}))  # v1
    assert bigdata._stale(old, truth["seed"])
    assert bigdata._stale(tmp_path / "missing.json", truth["seed"])

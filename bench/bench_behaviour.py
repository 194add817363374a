"""The behaviour log's counts: fupan's extract beside the same counts written directly in DuckDB SQL.

``bench_scale.py`` compares the whole extract with five core aggregations written by hand; this
compares like with like for the largest part of it. Both compute, over the same events file:

- per day, by channel and across channels ('_all'): distinct users (UV) and distinct users
  reaching each funnel step;
- per window (the card's windows and 'campaign'), by channel and across channels: distinct users
  and distinct users reaching each step;
- the A/B test: the exposed users of the campaign window (variant, mixed) with their orders and
  GMV, summed per arm (users, mixed, converted users, GMV).

fupan's side is what ``fupan run``'s kernel does: the validated campaign (its events read in
place, ids pseudonymised) and ``fupan.extract.aggregates.behaviour``. The hand-written side is the
plain ``count(DISTINCT user_id)`` form over the Parquet files, with the file's own ids (no
pseudonyms). Each side runs in its own process, one after the other; the printed totals must
agree (the bench stops if they do not). Printed, never asserted.

    .venv/bin/python bench/bench_behaviour.py data/bench-l     # after `make bench-data SIZE=L`
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_scale import _orders_columns, _windows, windows_table  # noqa: E402

STEPS = ("visit", "view", "cart", "order", "pay")


def _totals(daily, daily_steps, window, window_steps, ab: dict) -> dict:
    """What both sides must agree on: rows and counts summed per level (steps long: one row per
    day or window, channel and step reached), and the A/B totals (``ab``)."""
    return {
        "daily_rows": int(len(daily)),
        "daily_uv": int(daily["uv"].sum()),
        "daily_steps": int(daily_steps["users"].sum()),
        "window_rows": int(len(window)),
        "window_uv": int(window["uv"].sum()),
        "window_steps": int(window_steps["users"].sum()),
        **ab,
    }


def _ab_of_users(users) -> dict:
    """The A/B totals of per-user rows (the hand-written side)."""
    return {
        "ab_users": int(len(users)),
        "ab_mixed": int(users["mixed"].sum()),
        "ab_converted": int((users["orders"] > 0).sum()),
        "ab_gmv": round(float(users["gmv"].sum()), 2),
    }


def _ab_of_arms(arms) -> dict:
    """The A/B totals of fupan's per-arm rows (ab_arms.sql)."""
    return {
        "ab_users": int(arms["users"].sum()),
        "ab_mixed": int(arms["users"][arms["mixed"]].sum()),
        "ab_converted": int(arms["converted"].sum()),
        "ab_gmv": round(float((arms["gmv_mean"] * arms["users"]).sum()), 2),
    }


def _long(frame, key: str):
    """The ``s_<step>`` columns of the hand-written side as one row per step reached."""
    long = frame.melt(
        id_vars=[key, "channel"], value_vars=[f"s_{s}" for s in STEPS], value_name="users"
    )
    return long[long.users > 0]


def fupan_side(folder: Path) -> dict:
    """fupan's own code: the staging tables (calendar; order_level, which the A/B orders read) and
    the behaviour aggregates exactly as :func:`fupan.extract.aggregates.extract` makes them."""
    from fupan.extract import aggregates
    from fupan.ingest.validate import open_campaign, open_prepared, save_prepared

    campaign = open_campaign(folder)
    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "prepared.duckdb"
        save_prepared(campaign, prepared)
        campaign.con.close()
        kernel_side = open_prepared(folder, prepared)
        t0 = time.perf_counter()
        engine = aggregates.prepare(kernel_side)
        parts = aggregates.behaviour(engine, kernel_side)
        seconds = time.perf_counter() - t0
    totals = _totals(
        parts["uv"],
        parts["funnel_daily"],
        parts["window_uv"],
        parts["funnel"],
        _ab_of_arms(parts["ab_arms"]),
    )
    return {"seconds": round(seconds, 2), "totals": totals}


def hand_side(folder: Path) -> dict:
    import duckdb

    windows = _windows(folder)
    order = list(windows)
    windows["campaign"] = (
        windows.get("preheat", windows["burst"])[0],
        windows.get("post", windows["burst"])[1],
    )
    mapping = _orders_columns(folder)
    col = lambda n: f'"{mapping.get(n, n)}"'  # noqa: E731
    con = duckdb.connect()
    events = f"read_parquet('{folder / 'events.parquet'}')"
    orders = f"read_parquet('{folder / 'orders.parquet'}')"
    windows_table(con, windows)
    first, last = windows[order[0]][0], windows[order[-1]][1]
    steps = ", ".join(
        f"count(DISTINCT user_id) FILTER (WHERE event = '{s}') AS s_{s}" for s in STEPS
    )
    t0 = time.perf_counter()
    daily = con.execute(
        f"""SELECT CAST(event_time AS DATE) AS date, coalesce(channel, '_all') AS channel,
                   count(DISTINCT user_id) AS uv, {steps}
            FROM {events}
            WHERE CAST(event_time AS DATE) BETWEEN DATE '{first}' AND DATE '{last}'
            GROUP BY GROUPING SETS ((1, channel), (1))"""
    ).df()
    window = con.execute(
        f"""SELECT w.phase, coalesce(e.channel, '_all') AS channel,
                   count(DISTINCT e.user_id) AS uv,
                   {steps.replace("user_id", "e.user_id").replace("event =", "e.event =")}
            FROM {events} e
            JOIN windows w ON CAST(e.event_time AS DATE) BETWEEN w.start_date AND w.end_date
            GROUP BY GROUPING SETS ((w.phase, e.channel), (w.phase))"""
    ).df()
    ab = con.execute(
        f"""WITH c AS (SELECT start_date, end_date FROM windows WHERE phase = 'campaign'),
            exposed AS (
                SELECT user_id, min(variant) AS variant, count(DISTINCT variant) > 1 AS mixed
                FROM {events}, c
                WHERE variant IS NOT NULL
                  AND CAST(event_time AS DATE) BETWEEN c.start_date AND c.end_date
                GROUP BY user_id),
            orders AS (
                SELECT {col("order_id")} AS order_id, min({col("user_id")}) AS user_id,
                       min({col("order_time")}) AS order_time,
                       bool_and({col("status")} = 'cancelled') AS cancelled,
                       sum(CASE WHEN {col("status")} <> 'cancelled'
                                THEN CAST({col("paid_amount")} AS DECIMAL(18, 2)) ELSE 0 END) AS gmv
                FROM {orders} GROUP BY 1),
            bought AS (
                SELECT user_id, count(*) AS orders, CAST(sum(gmv) AS DOUBLE) AS gmv
                FROM orders, c
                WHERE NOT cancelled
                  AND CAST(order_time AS DATE) BETWEEN c.start_date AND c.end_date
                GROUP BY 1)
            SELECT e.variant, e.mixed, coalesce(b.orders, 0) AS orders, coalesce(b.gmv, 0.0) AS gmv
            FROM exposed e LEFT JOIN bought b USING (user_id)"""
    ).df()
    seconds = time.perf_counter() - t0
    totals = _totals(daily, _long(daily, "date"), window, _long(window, "phase"), _ab_of_users(ab))
    return {"seconds": round(seconds, 2), "totals": totals}


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("folder", type=Path, nargs="?", default=ROOT / "data" / "bench-s")
    ap.add_argument("--side", choices=["fupan", "hand"])
    args = ap.parse_args()
    folder = args.folder.resolve()
    if args.side:
        result = (fupan_side if args.side == "fupan" else hand_side)(folder)
        sys.stdout.write(json.dumps(result) + "\n")
        return
    if not (folder / "campaign.yaml").is_file():
        sys.exit(f"no campaign at {folder}: run `make bench-data SIZE=S` first")
    results = {}
    for side in ("fupan", "hand"):
        out = subprocess.run(
            [sys.executable, __file__, str(folder), "--side", side],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        results[side] = json.loads(out.strip().splitlines()[-1])
    f, h = results["fupan"], results["hand"]
    sys.stdout.write(f"campaign {folder.name}: the behaviour log's counts\n")
    sys.stdout.write(
        f"  fupan (staging, customer-days, daily, window, A/B)  {f['seconds']:>7.2f} s\n"
    )
    sys.stdout.write(
        f"  hand-written count(DISTINCT) over the files         {h['seconds']:>7.2f} s\n"
    )
    sys.stdout.write(f"  ratio fupan / hand = {f['seconds'] / h['seconds']:.2f}\n")
    for key, value in f["totals"].items():
        mark = "=" if h["totals"][key] == value else "≠"
        sys.stdout.write(f"    {key:<14}{value:>16} {mark} {h['totals'][key]}\n")
    if f["totals"] != h["totals"]:
        sys.exit("the two sides disagree: the comparison is void")


if __name__ == "__main__":
    main()

"""Big campaign folders for benchmarks (大数据量活动): the demo's shop, ``copies`` times over.

:func:`generate_big` writes a campaign folder whose orders and events are ``copies`` independent
copies of one seeded demo campaign (:func:`fupan.demo.generate_demo`): copy ``k`` suffixes every
user, order and session id with ``-k`` (copy 0 keeps the demo's ids), so each copy is a disjoint set
of customers with the demo's behaviour. Everything is done by DuckDB over the demo's Parquet
files (``range(copies)`` joined to each table), never row by row in Python.

What that keeps checkable (written to ``truth.json``, the demo's truth scaled): every amount and
count of the planted effects — the lift (incremental GMV by window), the post-campaign trough, the
expected daily GMV of the campaign and of the control line — is ``copies`` times the demo's; every
share, rate and ratio (pull-forward share, 30-day repeat probability, the A/B lift) is the
demo's; the stock-outs are the same SKUs on the same days (inventory quantities are multiplied, so
zero stays zero). Spend, budget and targets are multiplied too, so ROAS and attainment keep their
meaning. The orders table comes with Chinese column headers mapped in the card (as a platform
export would), so the mapping path is part of what is measured.

Sizes (:data:`SIZES`): ``S`` ≈ 1M order lines + 10M events, ``M`` ≈ 3M + 20M, ``L`` ≈ 10M + 67M
(the demo's ratio of funnel events to order lines; ``S`` and ``M`` are topped up to their event
count with extra page views of the same sessions, which changes view counts, not viewers).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import tempfile
from pathlib import Path

import duckdb
import yaml

from .generator import generate_demo

#: size → (order lines wanted, events wanted, copies of the demo)
SIZES: dict[str, tuple[int, int, int]] = {
    "XS": (60_000, 400_000, 2),  # for tests: the same code path, seconds to run
    "S": (1_000_000, 10_000_000, 2),
    "M": (3_000_000, 20_000_000, 6),
    "L": (10_000_000, 50_000_000, 20),
}
#: Order lines and events of the demo at scale 1.0 (measured on seed 20251111: 152,385 and
#: 1,022,572 per unit of scale).
LINES_PER_SCALE, EVENTS_PER_SCALE = 152_385, 1_022_572
#: Chinese headers of the orders table, as a platform export would write them (mapped in the card).
ORDER_HEADERS = {
    "order_id": "订单编号",
    "user_id": "买家ID",
    "order_time": "下单时间",
    "paid_amount": "实付金额",
    "sku": "商品编码",
    "category": "类目",
    "quantity": "购买数量",
    "list_amount": "原价金额",
    "channel": "渠道",
    "status": "订单状态",
    "refund_amount": "退款金额",
    "unit_cost": "单位成本",
}
_MONEY_KEYS = ("expected_daily_gmv", "counterfactual_daily_gmv", "incremental_gmv")


def plan(size: str) -> tuple[int, float]:
    """(copies, demo scale) for a size."""
    lines, _, copies = SIZES[size]
    return copies, lines / copies / LINES_PER_SCALE


def _scaled(value: object, k: int) -> object:
    if isinstance(value, dict):
        return {key: _scaled(v, k) for key, v in value.items()}
    if isinstance(value, float):
        return round(value * k, 2)
    return value


def _truth(truth: dict, copies: int) -> dict:
    out = dict(truth)
    for key in _MONEY_KEYS:
        out[key] = _scaled(truth[key], copies)
    control = dict(truth["control"])
    control["expected_daily_gmv"] = _scaled(control["expected_daily_gmv"], copies)
    control["incremental_gmv"] = _scaled(control["incremental_gmv"], copies)
    out["control"] = control
    out["copies"] = copies
    out["notes"] = (
        f"{truth['notes']} This campaign is {copies} disjoint copies of the demo at scale "
        f"{truth['scale']}: amounts and counts are {copies}× the demo's, rates and shares equal."
    )
    return out


def _card(card: dict, copies: int, size: str) -> dict:
    card = dict(card)
    card["id"] = f"bench-{size.lower()}"
    card["name"] = f"{card['name']}（基准 {size}）"
    strategy = dict(card["strategy"])
    targets = dict(strategy["targets"])
    for key in ("gmv", "new_customers"):
        if key in targets:
            targets[key] = type(targets[key])(targets[key] * copies)
    strategy["targets"] = targets
    strategy["budget"] = {k: round(v * copies, 2) for k, v in strategy["budget"].items()}
    card["strategy"] = strategy
    card["tables"] = {
        "orders": "orders.parquet",
        "events": "events.parquet",
        "spend": "spend.parquet",
        "inventory": "inventory.parquet",
    }
    card["mapping"] = {"orders": {zh: en for en, zh in ORDER_HEADERS.items()}}
    return card


def _suffix(column: str) -> str:
    return f"CASE WHEN k = 0 THEN {column} ELSE {column} || '-' || k::VARCHAR END"


def generate_big(
    out_dir: Path | str,
    size: str = "S",
    *,
    seed: int = 20251111,
    threads: int | None = None,
) -> Path:
    """Write the benchmark campaign of ``size`` (:data:`SIZES`) into ``out_dir``; return it.

    The folder holds campaign.yaml, orders/events/spend/inventory as Parquet (zstd) and
    truth.json. The same arguments give the same rows in the same order.
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; use one of {', '.join(SIZES)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    copies, scale = plan(size)
    with tempfile.TemporaryDirectory(prefix="fupan-big-") as tmp:
        base = generate_demo(Path(tmp), seed=seed, scale=scale)
        con = duckdb.connect(":memory:")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        con.execute("SET preserve_insertion_order = true")
        k = f"range(0, {copies}) AS c(k)"
        src = str(base / "orders.parquet")
        cols = ", ".join(
            f'{_suffix(c) if c in ("order_id", "user_id") else c} AS "{zh}"'
            for c, zh in ORDER_HEADERS.items()
        )
        _copy(
            con,
            f"SELECT {cols} FROM read_parquet('{src}') CROSS JOIN {k} ORDER BY order_time, k",
            out / "orders.parquet",
        )
        n_events = con.execute(
            f"SELECT count(*) FROM read_parquet('{base / 'events.parquet'}')"
        ).fetchone()[0]  # type: ignore[index]
        want = SIZES[size][1]
        n_views = con.execute(
            f"SELECT count(*) FROM read_parquet('{base / 'events.parquet'}') WHERE event = 'view'"
        ).fetchone()[0]  # type: ignore[index]
        extra = max(0, math.ceil((want / copies - n_events) / max(n_views, 1)))
        ev = str(base / "events.parquet")
        views = (
            f"UNION ALL SELECT user_id, event_time + to_seconds(r), event, channel, sku, "
            f"session_id, variant FROM read_parquet('{ev}') CROSS JOIN range(1, {extra + 1}) AS x(r) "
            f"WHERE event = 'view'"
            if extra
            else ""
        )
        _copy(
            con,
            f"SELECT {_suffix('user_id')} AS user_id, event_time, event, channel, sku, "
            f"{_suffix('session_id')} AS session_id, variant FROM "
            f"(SELECT * FROM read_parquet('{ev}') {views}) CROSS JOIN {k} "
            f"ORDER BY event_time, k",
            out / "events.parquet",
        )
        _copy(
            con,
            f"SELECT CAST(date AS DATE) AS date, channel, round(spend * {copies}, 2) AS spend, "
            f"impressions * {copies} AS impressions, clicks * {copies} AS clicks "
            f"FROM read_csv('{base / 'spend.csv'}')",
            out / "spend.parquet",
        )
        _copy(
            con,
            f"SELECT CAST(date AS DATE) AS date, sku, on_hand * {copies} AS on_hand, "
            f"on_order * {copies} AS on_order FROM read_csv('{base / 'inventory.csv'}')",
            out / "inventory.parquet",
        )
        con.close()
        card = yaml.safe_load((base / "campaign.yaml").read_text(encoding="utf-8"))
        truth = json.loads((base / "truth.json").read_text(encoding="utf-8"))
    with open(out / "campaign.yaml", "w", encoding="utf-8", newline="\n") as f:
        yaml.safe_dump(
            _card(card, copies, size),
            f,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=None,
            width=100,
        )
    text = json.dumps(_truth(truth, copies), ensure_ascii=False, sort_keys=True, indent=2)
    (out / "truth.json").write_text(text + "\n", encoding="utf-8")
    for stale in ("spend.csv", "inventory.csv"):
        (out / stale).unlink(missing_ok=True)
    return out


def _copy(con: duckdb.DuckDBPyConnection, query: str, path: Path) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    con.execute(
        f"COPY ({query}) TO '{tmp}' (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 1000000)"
    )
    shutil.move(tmp, path)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="write a benchmark campaign (S, M or L)")
    ap.add_argument("--size", default="S", choices=sorted(SIZES))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--seed", type=int, default=20251111)
    ap.add_argument("--force", action="store_true", help="write it again even if it exists")
    args = ap.parse_args(argv)
    out = args.out or Path("data") / f"bench-{args.size.lower()}"
    done = out / "truth.json"
    if args.force or not done.is_file() or json.loads(done.read_text())["seed"] != args.seed:
        generate_big(out, args.size, seed=args.seed)
    con = duckdb.connect()
    n_o = con.execute(f"SELECT count(*) FROM '{out / 'orders.parquet'}'").fetchone()[0]  # type: ignore[index]
    n_e = con.execute(f"SELECT count(*) FROM '{out / 'events.parquet'}'").fetchone()[0]  # type: ignore[index]
    print(f"✔ {out}: {n_o:,} order lines, {n_e:,} events")  # noqa: T201


if __name__ == "__main__":
    main()

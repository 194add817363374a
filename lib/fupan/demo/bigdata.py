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

Sizes (:data:`SIZES`): ``S`` ≈ 1M order lines + 10M events, ``M`` ≈ 3M + 20M, ``L`` ≈ 10M + 50M.
The demo logs ~6.7 funnel events per order line: ``S`` and ``M`` are topped up to their event
count with extra page views of the same sessions (which changes view counts, not viewers); ``L``
(67M events at the demo's ratio) keeps a random :func:`kept_share` of its customer-days — every
event of a customer on a kept day, none on another, drawn by a hash of the copy's customer id and
the day — so UV and the funnel's steps shrink by that share while rates, the orders and every
amount of ``truth.json`` stay as they are (the A/B arms lose customers at random, not by arm).
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

from .generator import GENERATOR_VERSION, generate_demo

#: the layout of these folders: 2 = ``L`` thinned to its 50M events (:func:`kept_share`)
BENCH_VERSION = "fupan.bench/2"
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


def _truth(truth: dict, copies: int, share: float) -> dict:
    out = dict(truth)
    for key in _MONEY_KEYS:
        out[key] = _scaled(truth[key], copies)
    control = dict(truth["control"])
    control["expected_daily_gmv"] = _scaled(control["expected_daily_gmv"], copies)
    control["incremental_gmv"] = _scaled(control["incremental_gmv"], copies)
    out["control"] = control
    out["copies"] = copies
    out["bench_version"] = BENCH_VERSION
    out["kept_day_share"] = round(share, 6)
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


#: how far over its event count a size may be before :func:`kept_share` thins it (the demo's
#: ratio is kept within this)
THIN_ABOVE = 1.05


def kept_share(want: int, natural: int) -> float:
    """The share of customer-days an ``L``-like size keeps: ``want`` / ``natural`` events when the
    demo's ratio gives more than :data:`THIN_ABOVE` × ``want``, else 1 (all kept)."""
    return want / natural if natural > THIN_ABOVE * want else 1.0


def _keep_days(share: float) -> str:
    """The WHERE clause keeping ``share`` of the customer-days (empty when all are kept): a day is
    kept when the first 8 hex digits of md5(customer id of the copy | day), read as a number, fall
    under ``share`` of 16⁸ — the same draw on every machine and DuckDB version."""
    if share >= 1.0:
        return ""
    key = f"{_suffix('user_id')} || '|' || CAST(CAST(event_time AS DATE) AS VARCHAR)"
    return f"WHERE CAST(('0x' || left(md5({key}), 8)) AS UBIGINT) < {int(share * 16**8)} "


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
        share = kept_share(want, copies * n_events)
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
            f"{_keep_days(share)}ORDER BY event_time, k",
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
    text = json.dumps(_truth(truth, copies, share), ensure_ascii=False, sort_keys=True, indent=2)
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


def _stale(truth: Path, seed: int) -> bool:
    """True when ``truth`` is missing or was written by another seed, demo generator or
    :data:`BENCH_VERSION` (the folder is then written again)."""
    try:
        made = json.loads(truth.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return True
    return (made.get("seed"), made.get("generator_version"), made.get("bench_version")) != (
        seed,
        GENERATOR_VERSION,
        BENCH_VERSION,
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="write a benchmark campaign (S, M or L)")
    ap.add_argument("--size", default="S", choices=sorted(SIZES))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--seed", type=int, default=20251111)
    ap.add_argument("--force", action="store_true", help="write it again even if it exists")
    args = ap.parse_args(argv)
    out = args.out or Path("data") / f"bench-{args.size.lower()}"
    if args.force or _stale(out / "truth.json", args.seed):
        generate_big(out, args.size, seed=args.seed)
    con = duckdb.connect()
    n_o = con.execute(f"SELECT count(*) FROM '{out / 'orders.parquet'}'").fetchone()[0]  # type: ignore[index]
    n_e = con.execute(f"SELECT count(*) FROM '{out / 'events.parquet'}'").fetchone()[0]  # type: ignore[index]
    print(f"✔ {out}: {n_o:,} order lines, {n_e:,} events")  # noqa: T201


if __name__ == "__main__":
    main()

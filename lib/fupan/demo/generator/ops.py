"""The demo shop's ops data (issue 13): presale, discounts and coupons, live sessions, products,
ad tools and plans, the plan by channel and day — each effect planted and written to truth.json.

Everything here is drawn from a random stream of its own (``default_rng([seed, 13])``) after the
other tables are written, and only *adds* columns and tables: every existing column of
orders.parquet and spend.csv keeps its values, so the lift, the control line and the other planted
effects are exactly what they were.

Planted (recorded under ``truth["ops"]``):

- **presale** (预售): preheat orders of the promoted lines; every cancelled preheat order is a
  presale whose balance was never paid (deposit forfeited) and other preheat orders are presale
  with probability :data:`PRESALE_SHARE`, so the balance-payment rate (尾款转化率) is planted
  below the preheat's 1 − cancel rate. Deposit = :data:`DEPOSIT_SHARE` of the line's paid amount,
  worth :data:`DEPOSIT_MULTIPLIER` times that off the price; balances are paid on 11-01.
- **live sessions**: the own room in three shifts a day, KOLs in the evening; on 11-06 one KOL
  (:data:`NO_SHOW`) was scheduled and did not go live (views 0), so that day's KOL orders all came
  through the other KOL's room.
- **products**: names and roles; the new fragrance gift set is the fragrance SKU that stocked
  out (sold out at midnight into its first stock-out day) with planned stock = what it sold.
- **ads**: one tool and a plan per phase per paid channel; the platform's attributed GMV is the
  channel's order GMV times :data:`ATTRIBUTION` (longer windows, multi-touch double counting).
- **plan**: daily GMV plan by channel for preheat..post, with no plan for ``private_domain``.
- **members** (会员): the membership export, from a stream of its own (:mod:`.members`).
- **prices** (控价): the hero SKUs' 到手价 by seller, with planted undercuts (:mod:`.prices`).
- **service** (服务与履约): ship times on the orders and the service day report, from streams of
  their own (:mod:`.service`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .members import members_table
from .ops_tables import ATTRIBUTION, ad_columns, live_sessions, plan_table, products
from .prices import prices_table
from .service import refunds_table, service_daily, ship_times

PRESALE_SHARE = 0.6  # of the preheat's completed (not cancelled) promoted orders
DEPOSIT_SHARE = 0.2
DEPOSIT_MULTIPLIER = 2.0
BALANCE_DAY = "2025-11-01"
NO_SHOW = {"date": "2025-11-06", "host": "达人·阿May"}
COMMISSION_RATE, PAYMENT_FEE_RATE, LOGISTICS_PER_ORDER = 0.05, 0.006, 6.0
#: the card's next campaign (下次大促测算): a higher GMV target, budget moved from the channels
#: below break-even to the live room and private domain
NEXT_CAMPAIGN = {
    "gmv_target": 18_000_000.0,
    "budget": {
        "live": 1_800_000.0,
        "private_domain": 300_000.0,
        "search_ads": 900_000.0,
        "feed_ads": 700_000.0,
        "kol": 600_000.0,
    },
}

__all__ = ["ATTRIBUTION", "NO_SHOW", "plant_ops"]


def _day(ts: pd.Series) -> pd.Series:
    return ts.dt.strftime("%Y-%m-%d")


def _orders_ops(
    rng: np.random.Generator, lines: pd.DataFrame, win: dict[str, tuple[str, str]], control: str
) -> tuple[dict[str, Any], dict[str, Any], dict[str, int]]:
    """Presale, discounts and coupon columns of the order lines, the presale truth, and how many
    orders used each coupon."""
    day = _day(lines["order_time"])
    head = ~lines["order_id"].duplicated()
    orders = lines.loc[head, ["order_id", "order_time", "channel", "status"]].copy()
    orders["day"] = day[head]
    promoted = lines.groupby("order_id", sort=False)["category"].first() != control
    orders["promoted"] = promoted.reindex(orders["order_id"]).to_numpy()
    orders["total"] = lines.groupby("order_id", sort=False)["paid_amount"].sum().to_numpy()
    n = len(orders)
    u = rng.random(n)
    pre = orders["day"].between(*win["preheat"]) & orders["promoted"]
    cancelled = orders["status"] == "cancelled"
    presale = pre & (cancelled | (u < PRESALE_SHARE))
    delay = np.minimum(rng.exponential(2 * 3600, n), 86399).astype("int64")
    balance_at = pd.Timestamp(BALANCE_DAY) + pd.to_timedelta(delay, unit="s")
    # coupons, one per order: 跨店满减 (platform-funded part) on burst days, the live room's coupon,
    # the shop coupon
    camp = orders["day"].between(win["preheat"][0], win["post"][1]) & orders["promoted"]
    burst = orders["day"].between(*win["burst"]) & orders["promoted"]
    c1, c2, c3 = rng.random(n), rng.random(n), rng.random(n)
    coupon = np.where(
        burst & (orders["total"] >= 300) & (c1 < 0.5),
        "CP-PLT-300-50",
        np.where(
            camp & (orders["channel"] == "live") & (orders["total"] >= 100) & (c2 < 0.5),
            "CP-LIVE-100-10",
            np.where(camp & (orders["total"] >= 200) & (c3 < 0.3), "CP-SHOP-200-20", ""),
        ),
    )
    o = pd.DataFrame(
        {
            "order_id": orders["order_id"].to_numpy(),
            "presale": presale.to_numpy(),
            "balance_at": np.where(presale & ~cancelled, balance_at, pd.NaT),
            "coupon": coupon,
        }
    ).set_index("order_id")
    per = o.reindex(lines["order_id"])
    is_pre = per["presale"].to_numpy()
    paid = lines["paid_amount"].to_numpy()
    deposit = np.round(paid * DEPOSIT_SHARE, 2)
    discount = np.round(lines["list_amount"].to_numpy() - paid, 2)
    platform = np.where(
        per["coupon"].to_numpy() == "CP-PLT-300-50", np.round(0.3 * np.maximum(discount, 0), 2), 0.0
    )
    cols = {
        "order_type": np.where(is_pre, "presale", "spot"),
        "deposit_amount": pa.array(deposit, mask=~is_pre),
        "deposit_time": pa.array(lines["order_time"].to_numpy(), mask=~is_pre),
        "balance_amount": pa.array(np.round(paid - deposit, 2), mask=~is_pre),
        "balance_time": pa.array(
            pd.to_datetime(per["balance_at"]).to_numpy().astype("datetime64[us]"),
            mask=~(is_pre & per["balance_at"].notna().to_numpy()),
        ),
        "shop_discount": np.maximum(np.round(discount - platform, 2), 0.0),
        "platform_discount": platform,
        "coupon_id": pa.array(per["coupon"].to_numpy(), mask=per["coupon"].to_numpy() == ""),
        "is_gift": np.zeros(len(lines), dtype=np.int64),
    }
    n_pre = int(presale.sum())
    paid_balance = int((presale & ~cancelled).sum())
    exp_c = float(cancelled[pre].mean())  # the preheat's realised cancel rate, promoted orders
    truth = {
        "window": list(win["preheat"]),
        "presale_orders": n_pre,
        "balance_paid_orders": paid_balance,
        "balance_payment_rate": round(paid_balance / n_pre, 6),
        "balance_payment_rate_expected": round(
            PRESALE_SHARE * (1 - exp_c) / (PRESALE_SHARE * (1 - exp_c) + exp_c), 4
        ),
        "deposit_share": DEPOSIT_SHARE,
        "deposit_multiplier": DEPOSIT_MULTIPLIER,
        "balance_day": BALANCE_DAY,
        # GMV the card's counting date (gmv_date: balance_paid) moves from the preheat days to
        # the balance day: lines not cancelled of presale orders whose balance was paid. The
        # planted incremental_gmv is dated by order time; by balance-paid date the preheat's is
        # this much lower and the balance day's phase this much higher (the total is unchanged).
        "balance_moved_gmv": round(
            float(
                paid[
                    is_pre
                    & per["balance_at"].notna().to_numpy()
                    & (lines["status"].to_numpy() != "cancelled")
                ].sum()
            ),
            2,
        ),
    }
    used = {
        k: int((coupon == k).sum()) for k in ("CP-PLT-300-50", "CP-LIVE-100-10", "CP-SHOP-200-20")
    }
    return cols, truth, used


def _coupons(rng: np.random.Generator, used: dict[str, int]) -> pd.DataFrame:
    rows = [
        ("CP-PLT-300-50", "跨店满减", "platform", 50.0, 300.0),
        ("CP-LIVE-100-10", "直播间券", "shop", 10.0, 100.0),
        ("CP-SHOP-200-20", "店铺券", "shop", 20.0, 200.0),
    ]
    out = []
    for cid, kind, funded, face, threshold in rows:
        redeemed = used[cid]
        claimed = int(redeemed * rng.uniform(1.8, 2.6))
        issued = int(claimed * rng.uniform(2.5, 4.0))
        cost = round(issued * 0.05, 2) if funded == "shop" else 0.0  # SMS / push per coupon sent
        out.append((cid, kind, funded, face, threshold, issued, claimed, redeemed, cost))
    cols = ["coupon_id", "type", "funded_by", "face_value", "threshold", "issued", "claimed"]
    return pd.DataFrame(out, columns=[*cols, "redeemed", "cost"])


def plant_ops(
    out: Path, seed: int, m: dict[str, Any], cat: dict[str, Any], standard: dict[str, Any]
) -> dict[str, Any]:
    """Add the ops columns to orders.parquet and spend.csv, write products.csv, live_sessions.csv,
    coupons.csv and targets.csv into ``out``; return the card's additions and the truth. The plan
    comes from ``standard``, the model of the standard campaign (the card's targets do too)."""
    rng = np.random.default_rng([seed, 13])
    win = m["windows"]
    table = pq.read_table(out / "orders.parquet")
    lines = table.select(
        [
            *("order_id", "order_time", "paid_amount", "list_amount", "channel", "status"),
            *("category", "sku", "quantity"),
        ]
    ).to_pandas()
    lines["order_time"] = pd.to_datetime(lines["order_time"])
    ops, presale_truth, used = _orders_ops(rng, lines, win, m["control"]["category"])
    sessions, session_of_line, live_truth = live_sessions(rng, lines, win, NO_SHOW)
    for name, col in {**ops, "session_id": session_of_line}.items():
        table = table.append_column(name, col if isinstance(col, pa.Array) else pa.array(col))
    shipping = table.select(
        ["order_id", "order_time", "status", "order_type", "balance_time", "refund_amount"]
    ).to_pandas()
    for col in ("order_time", "balance_time"):
        shipping[col] = pd.to_datetime(shipping[col])
    end = pd.Timestamp(win["dip"][1]) + pd.Timedelta(days=1)
    ship, ship_truth = ship_times(seed, shipping, end)
    table = table.append_column("ship_time", pa.array(ship, type=pa.timestamp("us")))
    pq.write_table(table, out / "orders.parquet", compression="zstd")
    days = pd.date_range(shipping["order_time"].min().normalize(), win["dip"][1], freq="D")
    service, service_truth = service_daily(seed, shipping, ship, days)
    service.to_csv(out / "service_daily.csv", index=False, lineterminator="\n")
    refunds, refunds_truth = refunds_table(seed, shipping, ship, end)
    refunds.to_csv(out / "refunds.csv", index=False, lineterminator="\n", float_format="%.2f")
    spend = pd.read_csv(out / "spend.csv")
    spend = pd.concat([spend, ad_columns(rng, spend, lines, win)], axis=1)
    spend.to_csv(out / "spend.csv", index=False, lineterminator="\n", float_format="%.2f")
    prod, hero = products(lines, cat, m, win)
    prod.to_csv(out / "products.csv", index=False, lineterminator="\n")
    sessions.to_csv(out / "live_sessions.csv", index=False, lineterminator="\n")
    _coupons(rng, used).to_csv(out / "coupons.csv", index=False, lineterminator="\n")
    plan, plan_truth = plan_table(standard, win, PRESALE_SHARE, BALANCE_DAY)  # as the card counts
    plan.to_csv(out / "targets.csv", index=False, lineterminator="\n", float_format="%.2f")
    buyers = table.select(["user_id", "order_id", "order_time", "status"]).to_pandas()
    buyers["order_time"] = pd.to_datetime(buyers["order_time"])
    members, members_truth = members_table(seed, buyers, win)
    members.to_csv(out / "members.csv", index=False, lineterminator="\n")
    prices, prices_truth = prices_table(seed, lines, win, hero["hero_skus"])
    prices.to_csv(out / "prices.csv", index=False, lineterminator="\n", float_format="%.2f")
    card = {
        "tables": {
            "products": "products.csv",
            "live_sessions": "live_sessions.csv",
            "coupons": "coupons.csv",
            "targets": "targets.csv",
            "members": "members.csv",
            "prices": "prices.csv",
            "service_daily": "service_daily.csv",
            "refunds": "refunds.csv",
        },
        "costs": {
            "commission_rate": COMMISSION_RATE,
            "payment_fee_rate": PAYMENT_FEE_RATE,
            "logistics_per_order": LOGISTICS_PER_ORDER,
        },
        "gmv_date": "balance_paid",
        "presale": {"deposit_multiplier": DEPOSIT_MULTIPLIER},
        "hero_skus": hero["hero_skus"],
        "next_campaign": NEXT_CAMPAIGN,
    }
    truth = {
        "presale": presale_truth,
        "live": live_truth,
        "hero_sellout": hero["sellout"],
        "plan": plan_truth,
        "members": members_truth,
        "service": {**ship_truth, **service_truth, "refunds": refunds_truth},
        "prices": prices_truth,
        "ads": {"attribution_multiplier": ATTRIBUTION},
        "costs": card["costs"],
        "coupons": {k: {"redeemed_orders": v} for k, v in used.items()},
    }
    return {"card": card, "truth": truth}

"""Spend and inventory tables, and the writer of orders.parquet and events.parquet."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .base import _BASKET, _SPEND, CHANNELS, EVENTS, WINDOWS, _i, _strings


def _spend(rng: np.random.Generator, m: dict[str, Any]) -> pd.DataFrame:
    """Daily spend by paid channel: ramps up in preheat, peaks on 11-01 and 11-11."""
    d0, n_days = _i(WINDOWS["baseline"][0]), len(m["dates"])
    ph = m["phase"][d0:]
    ramp = np.array([1.0, 1.0, 0, 3.5, 2.0, 0.9])[ph]
    ramp[ph == 2] = np.linspace(1.6, 2.6, int((ph == 2).sum()))
    for date, level in (
        ("2025-10-15", 3.0),
        ("2025-11-01", 8.0),
        ("2025-11-10", 5.0),
        ("2025-11-11", 10.0),
    ):
        ramp[_i(date) - d0] = level
    ramp[ph == 4] = np.linspace(2.0, 1.5, int((ph == 4).sum()))
    if m["campaign_spend"] != 1.0:
        ramp[(ph >= 2) & (ph <= 4)] *= m["campaign_spend"]
    rows = []
    scale = m["scale"]
    for name, (daily, cpm, ctr) in _SPEND.items():
        spend = np.round(daily * scale * ramp * rng.lognormal(0, 0.08, ramp.size), 2)
        impressions = np.round(spend / cpm * 1000 * rng.lognormal(0, 0.05, ramp.size)).astype(int)
        clicks = rng.binomial(impressions, ctr)
        rows.append(
            pd.DataFrame(
                {
                    "date": np.datetime_as_string(m["dates"][d0:n_days]),
                    "channel": name,
                    "spend": spend,
                    "impressions": impressions,
                    "clicks": clicks,
                }
            )
        )
    return pd.concat(rows).sort_values(["date", "channel"], kind="stable", ignore_index=True)


def _inventory(m: dict[str, Any], cat: dict[str, Any], o: dict[str, Any]) -> pd.DataFrame:
    """Start-of-day stock per SKU: reorder-point policy; hot SKUs sell out on the planned days.

    The stock of a hot SKU is frozen from 10-01; its presale delivery on 10-15 is exactly what
    sells before its first stock-out day, so the stock reaches 0 by itself, and a restock
    arrives the day after its last stock-out day. A SKU short of what sold gets an expedited
    delivery that day, so ``on_hand`` always covers the units sold.
    """
    d0, lead = _i(WINDOWS["baseline"][0]), 5
    n, n_sku, li = len(m["dates"]) - d0, len(cat["sku"]), o["lines"]
    ok = ~o["cancelled"][li["lo"]] & (li["day"] >= d0)
    sold = np.zeros((n, n_sku), dtype=np.int64)
    np.add.at(sold, (li["day"][ok] - d0, li["sku"][ok]), li["qty"][ok])
    exp = np.outer(m["orders"][d0:] * _BASKET[m["tier"][d0:]], cat["weight"])
    exp = np.vstack([np.zeros((1, n_sku)), exp, np.repeat(exp[-1:], 40, axis=0)])
    c_exp, c_sold = (
        np.cumsum(exp, axis=0),
        np.vstack([np.zeros((1, n_sku), np.int64), np.cumsum(sold, axis=0)]),
    )
    out, cols = m["out"][d0:], np.arange(n_sku)
    hot = out.any(axis=0)
    first_out = np.where(hot, out.argmax(axis=0), n)
    last_out = np.where(hot, n - 1 - out[::-1].argmax(axis=0), -1)
    frozen_from, presale = _i("2025-10-01") - d0, _i("2025-10-15") - d0
    cover = np.where(hot, 7, 14) + lead  # days of demand a reorder aims to cover
    arr = np.zeros((n + lead + 1, n_sku), dtype=np.int64)
    on_hand, on_order = np.zeros_like(sold), np.zeros_like(sold)
    carry = np.ceil(c_exp[21]).astype(np.int64)
    for t in range(n):  # one step per day, vectorised over SKUs
        if t == presale:
            arr[t] += np.where(
                hot, np.maximum(c_sold[first_out, cols] - c_sold[t] - carry - arr[t], 0), 0
            )
        short = np.maximum(np.maximum(sold[t], 1) - carry - arr[t], 0)
        arr[t] += np.where(out[t] | (hot & (t >= presale) & (t < first_out)), 0, short)  # expedite
        on_hand[t] = np.where(out[t], 0, carry + arr[t])
        arr[t + 1] += np.where(out[t], arr[t], 0)  # deliveries wait until the stock-out ends
        end = on_hand[t] - sold[t]
        pending = arr[t + 1 : t + lead + 1].sum(axis=0)
        hold = hot & (t >= frozen_from) & (t <= last_out)
        reorder = (end + pending < np.maximum(c_exp[t + lead + 8] - c_exp[t + 1], 6)) & ~hold
        want = c_exp[t + 1 + cover, cols] - c_exp[t + 1] - end - pending
        arr[t + lead] += np.where(reorder, np.ceil(np.maximum(want, 0) / 12) * 12, 0).astype(int)
        restock = hot & (t == last_out)
        arr[t + 1] += np.where(restock, np.ceil(c_exp[t + 15] - c_exp[t + 1]), 0).astype(int)
        on_order[t] = arr[t + 1 : t + lead + 1].sum(axis=0)
        carry = end
    return pd.DataFrame(
        {
            "date": np.repeat(np.datetime_as_string(m["dates"][d0:]), n_sku),
            "sku": np.tile(cat["sku"], n),
            "on_hand": on_hand.ravel(),
            "on_order": on_order.ravel(),
        }
    )


def _write_tables(
    out: Path,
    m: dict[str, Any],
    cat: dict[str, Any],
    o: dict[str, Any],
    ev: dict[str, np.ndarray],
    user_ids: np.ndarray,
    c: dict[str, np.ndarray],
) -> None:
    """orders.parquet (promoted lines and the control line ``c``, in time order) and
    events.parquet, with the types of the DESIGN.md contract."""
    day_s = m["dates"].astype("datetime64[s]").astype(np.int64)
    li = o["lines"]
    lo, sku = li["lo"], li["sku"]
    cols = {
        "order_id": np.concatenate([o["order_id"][lo], c["order_id"]]),
        "user_id": np.concatenate([user_ids[o["cust"][lo]], c["user_id"]]),
        "t_us": np.concatenate([day_s[li["day"]] + li["sod"], day_s[c["day"]] + c["sod"]])
        * 1_000_000,
        "paid_amount": np.concatenate([li["paid"], c["paid"]]),
        "sku": np.concatenate([cat["sku"][sku], c["sku"]]),
        "category": np.concatenate(
            [cat["category"][sku], np.full(len(c["sku"]), m["control"]["category"])]
        ),
        "quantity": np.concatenate([li["qty"], c["qty"]]).astype(np.int64),
        "list_amount": np.concatenate([li["list"], c["list"]]).astype(float),
        "channel": np.concatenate([CHANNELS[o["ch"][lo]], c["channel"]]),
        "status": np.concatenate([o["status"][lo], c["status"]]),
        "refund_amount": np.concatenate([li["refund"], c["refund"]]),
        "unit_cost": np.concatenate([cat["cost"][sku], c["cost"]]),
    }
    # time, then order id (within a day they are numbered in time order), then line
    line = np.concatenate([li["line_no"], np.zeros(len(c["order_id"]), dtype=li["line_no"].dtype)])
    r = np.lexsort((line, cols["order_id"], cols["t_us"]))
    cols = {k: v[r] for k, v in cols.items()}
    cols["order_time"] = pa.array(cols.pop("t_us").astype("datetime64[us]"))
    names = [
        "order_id",
        "user_id",
        "order_time",
        "paid_amount",
        "sku",
        "category",
        "quantity",
        "list_amount",
        "channel",
        "status",
        "refund_amount",
        "unit_cost",
    ]
    orders = pa.table({k: cols[k] for k in names})
    pq.write_table(orders, out / "orders.parquet", compression="zstd")
    ce = c["events"]  # sessions numbered after the promoted ones
    n_c = len(ce["user"])
    t_us = np.concatenate([day_s[ev["day"]] + ev["sod"], day_s[ce["day"]] + ce["sod"]]) * 1_000_000
    session = np.concatenate([ev["session"], ev["session"].max() + 1 + ce["session"]])
    step = np.concatenate([ev["event"], ce["event"]])
    sku = np.concatenate([cat["sku"][np.maximum(ev["sku"], 0)], ce["sku"]])
    r = np.lexsort((step, session, t_us))
    events = pa.table(
        {
            "user_id": np.concatenate([user_ids[ev["user"]], ce["user"]])[r],
            "event_time": pa.array(t_us[r].astype("datetime64[us]")),
            "event": EVENTS[step[r]],
            "channel": np.concatenate([CHANNELS[ev["ch"]], ce["channel"]])[r],
            "sku": pa.array(sku[r], mask=(np.concatenate([ev["sku"] < 0, ce["event"] == 0]))[r]),
            "session_id": _strings("S", session[r], 8),
            "variant": pa.array(
                np.concatenate([np.array(["A", "B"])[ev["variant"]], np.full(n_c, "A")])[r],
                mask=~np.concatenate([ev["in_ab"], np.zeros(n_c, bool)])[r],
            ),
        }
    )
    pq.write_table(events, out / "events.parquet", compression="zstd")

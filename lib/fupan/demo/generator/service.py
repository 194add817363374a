"""The demo shop's service and fulfilment data (服务与履约, ops review G8): ship times and the
customer-service day report.

Drawn from a random stream of its own (``default_rng([seed, 23])``) from the orders already
written, so every other column and table keeps its values. Planted (recorded under
``truth["ops"]["service"]``):

- **ship times** (``orders.ship_time``): each order ships whole, a log-normal number of hours
  after it is paid (the balance's time for a presale) — median :data:`SHIP_MEDIAN` hours, and
  :data:`PEAK_MEDIAN` on the :data:`PEAK_DAYS` (the balance day and 11-11: 爆单后发货积压); σ of the
  log hours :data:`SHIP_SIGMA`. Cancelled lines never ship; of the orders with a refunded line,
  :data:`REFUND_UNSHIPPED` are refunded before shipping (those lines have no ship time); a ship
  time after the export's end is not known yet (empty).
- **refunds** (退款管理 export, :func:`refunds_table`): one row per refunded line; a line refunded
  before shipping is 仅退款 (refund_only), asked for a few hours after payment, for :data:`BEFORE_REASONS` — 发货太慢
  far more often for the orders paid on the peak days; one refunded after shipping is asked for
  2–10 days after it ships, 退货退款 with probability :data:`RETURN_SHARE`, for
  :data:`AFTER_REASONS`; a refund asked for after the export's end is not in it.
- **service_daily**: 询单人数 about :data:`INQUIRY_PER_ORDER` per order of the day plus a floor;
  询单转化率 :data:`INQUIRY_CR` (``peak`` on the peak days and the day before each); first response
  :data:`FIRST_RESPONSE` seconds (``peak`` likewise); reviews of the orders paid
  :data:`REVIEW_LAG` days earlier, bad reviews at :data:`BAD_BASE` plus :data:`BAD_PER_LATE`
  times the share of those orders shipped after 48 hours; DSR falling with the last 30 days' bad
  review rate.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

SHIP_MEDIAN, PEAK_MEDIAN, SHIP_SIGMA = 16.0, 40.0, 0.5
PEAK_DAYS = ("2025-11-01", "2025-11-11")
REFUND_UNSHIPPED = 0.4
INQUIRY_PER_ORDER, INQUIRY_FLOOR = 0.45, 20
INQUIRY_CR = {"normal": 0.34, "peak": 0.26}
FIRST_RESPONSE = {"normal": 20.0, "peak": 75.0}
REVIEW_RATE, REVIEW_LAG = 0.35, 5
BAD_BASE, BAD_PER_LATE = 0.01, 0.06
#: reasons of a refund before shipping, (normal days, peak days): probabilities
BEFORE_REASONS = {
    "发货太慢": (0.10, 0.50),
    "不想要了": (0.55, 0.30),
    "拍错/多拍": (0.35, 0.20),
}
#: reasons of a refund after shipping (the same on every day)
AFTER_REASONS = {"七天无理由退货": 0.45, "质量问题": 0.25, "与描述不符": 0.20, "物流太慢": 0.10}
RETURN_SHARE = 0.7


def within(hours: float, median: float) -> float:
    """P(shipped within ``hours``) under the planted log-normal with this median."""
    z = (math.log(hours) - math.log(median)) / SHIP_SIGMA
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))


def _paid_at(lines: pd.DataFrame) -> pd.Series:
    """When each line was paid (the clock of the shipping 口径).

    Its balance's time for a presale whose balance is paid, else its order time.
    """
    presale = (lines["order_type"] == "presale") & lines["balance_time"].notna()
    return lines["order_time"].where(~presale, lines["balance_time"])


def ship_times(
    seed: int, lines: pd.DataFrame, end: pd.Timestamp
) -> tuple[np.ndarray, dict[str, Any]]:
    """Each line's ship time (NaT where it has none) and the truth.

    ``lines``: order_id, order_time, status, order_type, balance_time in the file's order.
    """
    rng = np.random.default_rng([seed, 23])
    lines = lines.reset_index(drop=True)
    paid_at = _paid_at(lines)
    orders = lines.assign(paid_at=paid_at).groupby("order_id", sort=True)
    start = orders["paid_at"].min()
    peak = start.dt.strftime("%Y-%m-%d").isin(PEAK_DAYS).to_numpy()
    median = np.where(peak, PEAK_MEDIAN, SHIP_MEDIAN)
    hours = median * np.exp(SHIP_SIGMA * rng.standard_normal(len(start)))
    shipped = start + pd.to_timedelta(np.round(hours * 3600), unit="s")
    refunded = orders["status"].apply(lambda s: bool((s == "refunded").any()))
    early_refund = refunded.to_numpy() & (rng.random(len(start)) < REFUND_UNSHIPPED)
    at = lines["order_id"].map(pd.Series(np.arange(len(start)), index=start.index)).to_numpy()
    ship = shipped.to_numpy()[at]
    none = (
        (lines["status"] == "cancelled").to_numpy()
        | (early_refund[at] & (lines["status"] == "refunded").to_numpy())
        | (ship > np.datetime64(end))
    )
    ship = np.where(none, np.datetime64("NaT"), ship).astype("datetime64[us]")
    truth = {
        "median_hours": {"normal": SHIP_MEDIAN, "peak": PEAK_MEDIAN},
        "sigma_log_hours": SHIP_SIGMA,
        "peak_days": list(PEAK_DAYS),
        "ship_48": {"normal": within(48, SHIP_MEDIAN), "peak": within(48, PEAK_MEDIAN)},
        "ship_24": {"normal": within(24, SHIP_MEDIAN), "peak": within(24, PEAK_MEDIAN)},
        "refunded_unshipped_share": REFUND_UNSHIPPED,
    }
    return ship, truth


def service_daily(
    seed: int, lines: pd.DataFrame, ship: np.ndarray, days: pd.DatetimeIndex
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The service day report over ``days`` and its truth (``lines`` as :func:`ship_times`)."""
    rng = np.random.default_rng([seed, 29])
    paid_at = _paid_at(lines)
    paid = lines.assign(ship=ship, paid_at=paid_at)[lines["status"] != "cancelled"]
    per = paid.groupby("order_id").agg(t=("paid_at", "min"), ship=("ship", "max"))
    per["day"] = per["t"].dt.normalize()
    per["late"] = (per["ship"] - per["t"]) > pd.Timedelta(hours=48)
    by_day = per.groupby("day").agg(orders=("t", "size"), late=("late", "mean"))
    by_day = by_day.reindex(days, fill_value=0)
    peak_days = pd.to_datetime(list(PEAK_DAYS))
    peak = days.isin(peak_days) | days.isin(peak_days - pd.Timedelta(days=1))
    inquiries = rng.poisson(INQUIRY_PER_ORDER * by_day["orders"].to_numpy() + INQUIRY_FLOOR)
    cr = np.where(peak, INQUIRY_CR["peak"], INQUIRY_CR["normal"])
    response = np.where(peak, FIRST_RESPONSE["peak"], FIRST_RESPONSE["normal"])
    response = np.round(response * np.exp(0.1 * rng.standard_normal(len(days))), 1)
    reviewed = by_day.shift(REVIEW_LAG, fill_value=0)
    reviews = rng.binomial(reviewed["orders"].to_numpy().astype(int), REVIEW_RATE)
    bad_rate = BAD_BASE + BAD_PER_LATE * reviewed["late"].to_numpy().astype(float)
    bad = rng.binomial(reviews, bad_rate)
    rolling = pd.Series(bad).rolling(30, min_periods=1).sum() / pd.Series(reviews).rolling(
        30, min_periods=1
    ).sum().replace(0, np.nan)
    dsr = np.round(4.86 - 4.0 * (rolling.fillna(BAD_BASE) - BAD_BASE).clip(lower=0), 2)
    table = pd.DataFrame(
        {
            "date": days.strftime("%Y-%m-%d"),
            "inquiries": inquiries,
            "inquiry_buyers": rng.binomial(inquiries, cr),
            "first_response_seconds": response,
            "reviews": reviews,
            "bad_reviews": bad,
            "dsr": dsr.to_numpy(),
        }
    )
    truth = {
        "inquiry_cr": INQUIRY_CR,
        "first_response_seconds": FIRST_RESPONSE,
        "peak_inquiry_days": [str(d.date()) for d in days[peak]],
        "bad_review_rate": {"base": BAD_BASE, "per_late_share": BAD_PER_LATE},
        "review_lag_days": REVIEW_LAG,
    }
    return table, truth


def refunds_table(
    seed: int, lines: pd.DataFrame, ship: np.ndarray, end: pd.Timestamp
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The refund export and its truth (``lines`` as :func:`ship_times`, with refund_amount)."""
    rng = np.random.default_rng([seed, 31])
    paid_at = _paid_at(lines)
    refunded = lines.assign(ship=ship, paid_at=paid_at)
    refunded = refunded[(refunded["status"] == "refunded") & (refunded["refund_amount"] > 0)]
    first = lines.groupby("order_id")["order_time"].min()
    peak = first.reindex(refunded["order_id"]).dt.strftime("%Y-%m-%d").isin(PEAK_DAYS).to_numpy()
    before = refunded["ship"].isna().to_numpy()
    n = len(refunded)
    u = rng.random(n)
    names_b = list(BEFORE_REASONS)
    p_normal = np.array([BEFORE_REASONS[r][0] for r in names_b])
    p_peak = np.array([BEFORE_REASONS[r][1] for r in names_b])
    pick_b = np.where(
        peak,
        np.searchsorted(np.cumsum(p_peak), u, side="right"),
        np.searchsorted(np.cumsum(p_normal), u, side="right"),
    )
    names_a = list(AFTER_REASONS)
    pick_a = np.searchsorted(np.cumsum(list(AFTER_REASONS.values())), u, side="right")
    reason = np.where(
        before,
        np.array(names_b, dtype=object)[np.minimum(pick_b, len(names_b) - 1)],
        np.array(names_a, dtype=object)[np.minimum(pick_a, len(names_a) - 1)],
    )
    hours_before = rng.uniform(0.5, 20, n)
    days_after = rng.uniform(2, 10, n)
    asked = np.where(
        before,
        refunded["paid_at"].to_numpy() + pd.to_timedelta(np.round(hours_before * 3600), unit="s"),
        refunded["ship"].to_numpy() + pd.to_timedelta(np.round(days_after * 86400), unit="s"),
    )
    kind = np.where(before | (rng.random(n) >= RETURN_SHARE), "refund_only", "return_refund")
    table = pd.DataFrame(
        {
            "order_id": refunded["order_id"].to_numpy(),
            "refund_time": pd.to_datetime(asked),
            "refund_amount": refunded["refund_amount"].round(2).to_numpy(),
            "refund_type": kind,
            "reason": reason,
        }
    )
    table = table[table["refund_time"] < end].sort_values("refund_time", kind="stable")
    table["refund_time"] = table["refund_time"].dt.strftime("%Y-%m-%d %H:%M:%S")
    truth = {
        "before_ship_reasons": {
            k: {"normal": a, "peak": b} for k, (a, b) in BEFORE_REASONS.items()
        },
        "after_ship_reasons": AFTER_REASONS,
        "return_share_after_ship": RETURN_SHARE,
    }
    return table.reset_index(drop=True), truth

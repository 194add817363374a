"""Campaign KPIs per window, target achievement and hypothesis verdicts.

Every KPI follows its 口径 in :mod:`fupan.dictionary` (the metric dictionary); the functions here
take the small aggregate frames of :mod:`fupan.extract.aggregates` and never touch raw rows or files.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from typing import Any, TypeAlias

import numpy as np
import pandas as pd

from ..dictionary import KPI_DEFINITIONS
from ._runs import in_run_order, run_starts

ALL = "_all"
LIVE = "live"


def _close(a: float, b: float) -> bool:
    return bool(np.isclose(a, b))


DateLike: TypeAlias = str | dt.date | pd.Timestamp
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": _close,
}


def _div(a: float, b: float) -> float:
    return float(a) / float(b) if b and np.isfinite(b) and np.isfinite(a) else float("nan")


def _window_sum(
    daily: pd.DataFrame | None, col: str, start: DateLike, end: DateLike, channel: str | None = ALL
) -> float:
    """Sum of ``col`` over [start, end]; NaN unless every day of the window is present."""
    if daily is None:
        return float("nan")
    rows = daily if channel is None else daily[daily.channel == channel]
    days = pd.date_range(start, end, freq="D")
    rows = rows[rows.date.between(days[0], days[-1])]
    if rows.date.nunique() < len(days):
        return float("nan")
    return float(rows[col].sum())


def daily_buyers(customer_orders: pd.DataFrame) -> pd.DataFrame:
    """date, buyers: per order day, the distinct customers with an order not cancelled on it.

    每日去重支付买家数; a day without such an order has no row (0 buyers). 口径: a buyer of a day
    is a customer key (``user_key``) with an order not cancelled whose order day (the order's
    first line, as every window figure dates it) is that day; a customer buying on several days
    counts once on each. ``customer_orders``: one row per order not cancelled
    (:func:`fupan.extract.aggregates.customer_orders`), its ``user_key`` and ``order_ts``, which
    come sorted by customer, then time: the distinct (customer, day) pairs are then the starts of
    runs (:mod:`._runs`; rows in another order are sorted first). 8M orders: 0.3 s.
    """
    if customer_orders.empty:
        return pd.DataFrame({"date": pd.Series(dtype="datetime64[ns]"), "buyers": []})
    keys = customer_orders["user_key"].to_numpy()
    days = customer_orders["order_ts"].to_numpy().astype("datetime64[D]").view("int64")
    if not in_run_order(keys, days):
        order = np.lexsort((days, keys))
        keys, days = keys[order], days[order]
    day = days[run_starts(keys, days)]
    first = int(day.min())
    counts = np.bincount(day - first)  # by day number, without a sort
    (present,) = np.nonzero(counts)
    return pd.DataFrame(
        {
            "date": pd.to_datetime((present + first).astype("datetime64[D]")),
            "buyers": counts[present].astype("int64"),
        }
    )


def _day_sum(frame: pd.DataFrame | None, col: str, start: DateLike, end: DateLike) -> float:
    """Sum of ``col`` over the rows dated in [start, end], a day without a row adding 0."""
    if frame is None:
        return float("nan")
    inside = frame.date.between(pd.Timestamp(start), pd.Timestamp(end))
    return float(frame.loc[inside, col].sum())


def _window_visitors(visitors: pd.DataFrame | None, phase: str) -> float:
    """Distinct visitors of ``phase`` over the whole window (``channel == "_all"``); NaN without."""
    if visitors is None:
        return float("nan")
    row = visitors[(visitors.phase == phase) & (visitors.channel == ALL)]
    return float(row.uv.iloc[0]) if len(row) else float("nan")


def window_kpis(
    windows: pd.DataFrame,
    window_channel: pd.DataFrame,
    new_customers: pd.DataFrame,
    daily: pd.DataFrame,
    uv: pd.DataFrame | None = None,
    spend: pd.DataFrame | None = None,
    visitors: pd.DataFrame | None = None,
    buyers_by_day: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per window (baseline … dip, campaign) with every KPI of the metric dictionary.

    口径 (:data:`fupan.dictionary.KPI_DEFINITIONS`, version 2026.12-2): GMV (支付金额, 含退款) =
    Σ paid_amount of orders not cancelled, before refunds, by order day inside the window (both
    end days included); net GMV = GMV − refunds; orders = distinct non-cancelled order_id; buyers
    (支付买家数) distinct over the window; UV (访客数) = distinct users with any event over the
    whole window (``visitors``, one row per ``phase`` with ``channel == "_all"``); uv_daily_sum
    (按日累加) = daily distinct users summed over the window's days (``uv``); both NaN unless the
    events cover every day of the window; CR (支付转化率) = buyers / UV; orders_per_buyer (人均笔数)
    = orders / buyers; AOV (笔单价) = GMV / orders; aov_buyer (客单价) = GMV / buyers; so that
    UV × CR × orders_per_buyer × AOV = GMV exactly (METHODS.md §2.1); cr_daily (支付转化率（按日）)
    = daily distinct buyers (``buyers_by_day``, :func:`daily_buyers`) summed over the window's
    days / uv_daily_sum, NaN where either is not measured; ROAS (投产比) = GMV / spend;
    spend_ratio (费比) = spend / GMV; new customers = first order ever inside the window; indices
    = 100 × window value / baseline value (money per day for GMV, the daily rate for conversion);
    burst multiple = peak-day GMV / baseline daily GMV.
    """
    if windows.empty or "baseline" not in set(windows.phase):
        raise ValueError("windows must include a 'baseline' row")
    totals = window_channel[window_channel.channel == ALL].set_index("phase")
    live = window_channel[window_channel.channel == LIVE].set_index("phase")
    new_all = new_customers[new_customers.channel == ALL].set_index("phase").new_customers
    day_total = daily.groupby("date", as_index=False)[["gmv"]].sum()
    rows = []
    for w in windows.itertuples():
        t = totals.loc[w.phase] if w.phase in totals.index else None
        days = (pd.Timestamp(w.end_date) - pd.Timestamp(w.start_date)).days + 1
        g = float(t.gmv) if t is not None else 0.0
        orders = int(t.orders) if t is not None else 0
        cancelled = int(t.cancelled_orders) if t is not None else 0
        buyers = int(t.buyers) if t is not None else 0
        refunds = float(t.refunds) if t is not None else 0.0
        uv_sum = _window_sum(uv, "uv", w.start_date, w.end_date)
        uv_w = _window_visitors(visitors, w.phase) if np.isfinite(uv_sum) else float("nan")
        spend_w = _window_sum(spend, "spend", w.start_date, w.end_date, channel=None)
        in_w = day_total[
            day_total.date.between(pd.Timestamp(w.start_date), pd.Timestamp(w.end_date))
        ]
        lv = live.loc[w.phase] if w.phase in live.index else None
        rows.append(
            {
                "phase": w.phase,
                "start": pd.Timestamp(w.start_date).date().isoformat(),
                "end": pd.Timestamp(w.end_date).date().isoformat(),
                "days": days,
                "gmv": g,
                "refunds": refunds,
                "net_gmv": g - refunds,
                "orders": orders,
                "buyers": buyers,
                "uv": uv_w,
                "uv_daily_sum": uv_sum,
                "cr": _div(buyers, uv_w),
                "cr_daily": _div(
                    _day_sum(buyers_by_day, "buyers", w.start_date, w.end_date), uv_sum
                ),
                "orders_per_buyer": _div(orders, buyers),
                "aov": _div(g, orders),
                "aov_buyer": _div(g, buyers),
                "spend": spend_w,
                "roas": _div(g, spend_w),
                "spend_ratio": _div(spend_w, g),
                "new_customers": int(new_all.get(w.phase, 0)),
                "new_customer_share": _div(new_all.get(w.phase, 0), buyers),
                "live_gmv_share": _div(lv.gmv, g) if lv is not None else float("nan"),
                "live_new_customer_share": _div(lv.new_buyers, lv.buyers)
                if lv is not None
                else float("nan"),
                "refund_rate": _div(refunds, g),
                "cancel_rate": _div(cancelled, orders + cancelled),
                "gmv_per_day": g / days,
                "peak_day_gmv": float(in_w.gmv.max()) if len(in_w) else float("nan"),
            }
        )
    table = pd.DataFrame(rows).set_index("phase")
    base = table.loc["baseline"]
    return table.assign(
        gmv_index=100 * table.gmv_per_day / base.gmv_per_day,
        cr_index=100 * table.cr_daily / base.cr_daily,
        aov_index=100 * table.aov / base.aov,
        aov_buyer_index=100 * table.aov_buyer / base.aov_buyer,
        burst_multiple=table.peak_day_gmv / base.gmv_per_day,
    )


def channel_kpis(
    window_channel: pd.DataFrame,
    spend: pd.DataFrame | None,
    start: DateLike,
    end: DateLike,
    phase: str,
) -> pd.DataFrame:
    """Per channel in one window: GMV, orders, buyers, GMV share, spend, ROAS and 费比.

    口径: ROAS (投产比) = channel GMV / channel spend, GMV attributed by the order's channel;
    spend_ratio (费比) = channel spend / channel GMV. Channels without spend (e.g. organic) show
    NaN for both, never infinity or 0. A spend channel with no order in this window has GMV 0
    (ROAS 0); one found in no order of any window — a name the orders do not use (直通车 where
    they say search_ads) — has GMV, orders and ROAS NaN: not measured, never 0.
    """
    rows = window_channel[(window_channel.phase == phase) & (window_channel.channel != ALL)]
    table = rows.set_index("channel")[["gmv", "orders", "buyers", "new_buyers"]].astype(float)
    if spend is not None:
        s = (
            spend[spend.date.between(pd.Timestamp(start), pd.Timestamp(end))]
            .groupby("channel")
            .spend.sum()
        )
        sold = ["gmv", "orders", "buyers", "new_buyers"]
        table = table.join(s, how="outer")
        known = table.index.isin(window_channel.channel)
        table.loc[known, sold] = table.loc[known, sold].fillna(0.0)
    else:
        table = table.assign(spend=np.nan)
    total = table.gmv.sum()
    return table.assign(
        gmv_share=table.gmv / total if total else np.nan,
        roas=np.where(table.spend > 0, table.gmv / table.spend.where(table.spend > 0), np.nan),
        spend_ratio=np.where(
            (table.spend > 0) & (table.gmv > 0),
            table.spend / table.gmv.where(table.gmv > 0),
            np.nan,
        ),
    ).sort_values("gmv", ascending=False)


def target_achievement(
    actuals: pd.Series, targets: dict[str, float], *, in_progress: bool = False
) -> pd.DataFrame:
    """Actual vs plan for each target KPI.

    口径: achievement = actual / target for KPIs where higher is better, target / actual where
    lower is better; met ⇔ achievement ≥ 1. A KPI that could not be measured is "not assessed".
    ``in_progress`` (a war report, the campaign still running): every measured target is
    "in_progress" — its achievement is the progress to date, neither met nor missed.
    """
    rows = []
    for key, target in targets.items():
        if key not in KPI_DEFINITIONS:
            raise ValueError(f"unknown KPI {key!r}")
        actual = float(actuals.get(key, np.nan))
        if not np.isfinite(actual):
            ach, status = np.nan, "not_assessed"
        else:
            ach = actual / target if KPI_DEFINITIONS[key].higher_is_better else _div(target, actual)
            status = "in_progress" if in_progress else ("met" if ach >= 1 else "missed")
        rows.append(
            {
                "kpi": key,
                "target": float(target),
                "actual": actual,
                "achievement": ach,
                "status": status,
            }
        )
    return pd.DataFrame(rows, columns=["kpi", "target", "actual", "achievement", "status"])


def evaluate_hypotheses(kpis: pd.DataFrame, hypotheses: list[dict[str, Any]]) -> pd.DataFrame:
    """Verdict on each hypothesis: ``actual op value`` evaluated on the KPI of its window.

    A hypothesis whose KPI is unmeasurable (e.g. no events table) is "not assessed", never met.
    ``baseline`` is the same KPI in the baseline window (NaN when not measured): a threshold the
    everyday shop already meets is no proof of the campaign, and the reader sees it.
    """
    rows = []
    for h in hypotheses:
        window = h.get("window", "campaign")
        if h["op"] not in _OPS:
            raise ValueError(f"unknown operator {h['op']!r}")
        actual = (
            float(kpis.at[window, h["kpi"]])
            if window in kpis.index and h["kpi"] in kpis.columns
            else np.nan
        )
        status = (
            "not_assessed"
            if not np.isfinite(actual)
            else ("met" if _OPS[h["op"]](actual, h["value"]) else "missed")
        )
        baseline = (
            float(kpis.at["baseline", h["kpi"]])
            if "baseline" in kpis.index and h["kpi"] in kpis.columns
            else np.nan
        )

        def days(phase: str) -> float:
            ok = phase in kpis.index and "days" in kpis.columns
            return float(kpis.at[phase, "days"]) if ok else np.nan

        rows.append(
            {
                **h,
                "window": window,
                "actual": actual,
                "status": status,
                "baseline": baseline,
                "days": days(window),
                "baseline_days": days("baseline"),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "id", "text", "kpi", "op", "value", "window", "actual", "status", "baseline", "days",
            "baseline_days",
        ],
    )  # fmt: skip

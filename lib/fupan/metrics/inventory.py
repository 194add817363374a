"""Inventory-health KPIs (METHODS.md §5, last paragraph; §1.2 for the fulfilment cost share).

Inputs follow DESIGN.md's inventory table (day × SKU: ``date``, ``sku``, ``on_hand`` ≥ 0 as
recorded — the demo records start-of-day stock) and the day × SKU sales aggregate of
``sql/sku_daily.sql`` (``date``, ``sku``, ``units``, ``gmv``, optional ``cogs``; orders not
cancelled). Conventions shared by every function here:

- a SKU-day is a row of ``stock``; a day with no row for a SKU is *unknown*, neither in nor out of
  stock, and is left out of numerators and denominators alike;
- out of stock means ``on_hand == 0``; in stock means ``on_hand > 0``;
- a SKU-day without a ``sales`` row sold nothing; duplicate sales rows of one SKU-day are added;
- date ranges are inclusive calendar days; a rate whose denominator is empty raises ValueError.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeAlias, cast

import numpy as np
import pandas as pd

__all__ = [
    "fulfilment_cost_share",
    "lost_gmv_from_stockouts",
    "oversell_rate",
    "slow_moving_rate",
    "stockout_rate",
    "turnover_days",
]

ALL = "_all"  # the total row, as in the extract's '_all' channel
DateLike: TypeAlias = str | pd.Timestamp | np.datetime64


def _day(value: DateLike, name: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a date, got {value!r}") from exc
    if pd.isna(ts):
        raise ValueError(f"{name} must be a date, got {value!r}")
    return ts.normalize()


def _window(start: DateLike, end: DateLike) -> tuple[pd.Timestamp, pd.Timestamp]:
    lo, hi = _day(start, "start"), _day(end, "end")
    if lo > hi:
        raise ValueError(f"start {lo.date()} is after end {hi.date()}")
    return lo, hi


def _frame(frame: pd.DataFrame, name: str, numeric: Sequence[str]) -> pd.DataFrame:
    """Validated copy with ``date`` (day), ``sku`` and the non-negative finite ``numeric`` columns."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in ("date", "sku", *numeric) if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}; it has {list(frame.columns)}")
    try:
        dates = pd.to_datetime(frame["date"]).dt.normalize()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}.date holds values that are not dates: {exc}") from exc
    out = pd.DataFrame({"date": dates, "sku": frame["sku"]}).reset_index(drop=True)
    if out.isna().any().any():
        raise ValueError(f"{name} has missing date or sku values; drop or fix those rows")
    for col in numeric:
        x = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(x) | (x < 0)
        if bad.any():
            raise ValueError(
                f"{name}.{col} must be finite and ≥ 0; bad rows {list(frame.index[bad][:5])}"
            )
        out[col] = x
    return out


def _stock(stock: pd.DataFrame) -> pd.DataFrame:
    s = _frame(stock, "stock", ["on_hand"])
    if (s.on_hand != np.floor(s.on_hand)).any():
        raise ValueError("stock.on_hand must be whole units")
    if s.duplicated(["date", "sku"]).any():
        raise ValueError("stock has two rows for one date and sku; keep one snapshot per SKU-day")
    return s


def _sales(sales: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    s = _frame(sales, "sales", columns)
    return s.groupby(["date", "sku"], as_index=False, sort=True)[list(columns)].sum()


def _in_window(
    s: pd.DataFrame, lo: pd.Timestamp, hi: pd.Timestamp, what: str = "SKU-days"
) -> pd.DataFrame:
    w = s[s.date.between(lo, hi)]
    if w.empty:
        raise ValueError(f"stock has no {what} between {lo.date()} and {hi.date()}")
    return w


def stockout_rate(stock: pd.DataFrame, start: DateLike, end: DateLike) -> float:
    """Stock-out rate (缺货率) = SKU-days with on_hand = 0 / SKU-days, over [start, end].

    口径 (METHODS.md §5): SKU-days are the ``stock`` rows dated inside the inclusive range.

    Raises
    ------
    ValueError
        On missing columns, bad dates or stock values, duplicate SKU-days, start > end, or when no
        SKU-day falls in the range.
    """
    lo, hi = _window(start, end)
    w = _in_window(_stock(stock), lo, hi)
    return float((w.on_hand == 0).mean())


def slow_moving_rate(
    stock: pd.DataFrame,
    sales: pd.DataFrame,
    as_of: DateLike,
    days: int = 30,
    in_stock_only: bool = True,
) -> float:
    """Slow-moving rate (滞销率) = SKUs with no sale in ``days`` days / SKUs.

    口径 (METHODS.md §5): the SKUs are those with a ``stock`` row on ``as_of`` and, by default
    (``in_stock_only``), ``on_hand > 0`` — a SKU with nothing on hand is a stock-out, not slow
    stock, and is not counted twice. "No sale" = no sales row with ``units > 0`` in the ``days``
    calendar days ending on and including ``as_of`` (units, not GMV: a free gift moves stock).
    ``sales`` is taken as complete for those days, so start ``as_of`` at least ``days`` days into
    the data, or young SKUs and short histories read as slow.

    Raises
    ------
    ValueError
        On bad inputs, ``days`` < 1, or when no SKU qualifies on ``as_of``.
    """
    if isinstance(days, bool) or not isinstance(days, (int, np.integer)) or days < 1:
        raise ValueError(f"days must be a positive integer, got {days!r}")
    day = _day(as_of, "as_of")
    s = _stock(stock)
    on_day = s[(s.date == day) & ((s.on_hand > 0) | (not in_stock_only))]
    if on_day.empty and not (s.date == day).any():
        before = s.date[s.date < day]
        last = f"; its last before is {before.max().date()}" if len(before) else ""
        raise ValueError(
            f"stock has no snapshot on {day.date()}, the day the rate is taken on{last} "
            "(a weekly or partial inventory export?)"
        )
    if on_day.empty:
        what = "SKU with on_hand > 0" if in_stock_only else "SKU row"
        raise ValueError(f"stock has no {what} on {day.date()}")
    sold = _sales(sales, ["units"])
    recent = sold[sold.date.between(day - pd.Timedelta(days=days - 1), day) & (sold.units > 0)]
    return float((~on_day.sku.isin(recent.sku)).mean())


def oversell_rate(orders: pd.DataFrame) -> float:
    """Oversell rate (超卖率) = oversold orders / orders.

    口径 (METHODS.md §5): every order in ``orders``, cancelled ones included (oversold orders are
    often cancelled afterwards, so dropping cancellations first would hide them). With an
    ``order_id`` column the rows may be order lines: orders are distinct ``order_id`` and an order
    is oversold when any of its lines is; without it each row is one order.

    Raises
    ------
    ValueError
        If ``oversold`` is absent, not boolean or has missing values, an ``order_id`` is missing,
        or there are no orders.
    """
    if not isinstance(orders, pd.DataFrame) or "oversold" not in orders.columns:
        raise ValueError("orders must be a DataFrame with a boolean 'oversold' column")
    flag = orders["oversold"]
    if not pd.api.types.is_bool_dtype(flag) or flag.isna().any():
        raise ValueError(
            f"orders.oversold must be boolean without missing values, got dtype {flag.dtype}"
        )
    if orders.empty:
        raise ValueError("orders has no rows; the oversell rate is undefined")
    if "order_id" in orders.columns:
        if orders["order_id"].isna().any():
            raise ValueError("orders.order_id has missing values")
        flag = flag.groupby(orders["order_id"]).any()
    return float(flag.astype(bool).mean())


def _unit_cost(unit_cost: pd.Series) -> pd.Series:
    if not isinstance(unit_cost, pd.Series):
        raise ValueError(
            f"unit_cost must be a pandas Series indexed by sku, got {type(unit_cost).__name__}"
        )
    if not unit_cost.index.is_unique:
        raise ValueError("unit_cost lists a sku twice")
    cost = pd.to_numeric(unit_cost, errors="coerce").astype(float)
    if (np.isinf(cost) | (cost < 0)).any():
        raise ValueError("unit_cost must be finite and ≥ 0")
    return cost.dropna()


def _costed(skus: pd.Series, cost: pd.Series, what: str) -> pd.Series:
    missing = sorted(set(skus[~skus.isin(cost.index)]), key=str)
    if missing:
        raise ValueError(
            f"unit_cost has no cost for {len(missing)} SKU(s) with {what}, e.g. {missing[:5]}; "
            "add their cost or drop them from stock and sales explicitly"
        )
    return skus.map(cost).astype(float)


def turnover_days(
    stock: pd.DataFrame, sales: pd.DataFrame, start: DateLike, end: DateLike, unit_cost: pd.Series
) -> float:
    """Inventory turnover days (库存周转天数) = average inventory value / average daily COGS.

    口径 (METHODS.md §5): over the D calendar days of [start, end], average inventory value =
    Σ_days Σ_sku on_hand × unit_cost / D, and average daily COGS = Σ COGS / D, so the result is
    Σ inventory value / Σ COGS. COGS is ``sales.cogs`` when that column exists, else units ×
    unit_cost (keep both on the same cost basis). Only SKUs in ``stock`` count on both sides: a SKU
    whose stock is not tracked contributes neither inventory nor COGS. A SKU that needs a cost
    (stock on hand in the window, or units sold when COGS is derived) and has none **raises**:
    excluding it would bias turnover silently. COGS = 0 gives ``inf`` (stock that never turns), or
    NaN when there is no inventory either.

    Raises
    ------
    ValueError
        On bad inputs, a day of the window without any ``stock`` row, or a SKU without a cost.
    """
    lo, hi = _window(start, end)
    w = _in_window(_stock(stock), lo, hi)
    days = pd.date_range(lo, hi, freq="D")
    gaps = days.difference(pd.DatetimeIndex(w.date.unique()))
    if len(gaps):
        raise ValueError(
            f"stock has no snapshot on {len(gaps)} day(s) of the window, e.g. "
            f"{[d.date().isoformat() for d in gaps[:3]]}; turnover needs every day"
        )
    cost = _unit_cost(unit_cost)
    held = w[w.on_hand > 0]
    inventory = float((held.on_hand * _costed(held.sku, cost, "stock on hand")).sum())
    has_cogs = isinstance(sales, pd.DataFrame) and "cogs" in sales.columns
    sold = _sales(sales, ["cogs"] if has_cogs else ["units"])
    sold = sold[sold.date.between(lo, hi) & sold.sku.isin(w.sku)]
    if has_cogs:
        cogs = float(sold.cogs.sum())
    else:
        sold = sold[sold.units > 0]
        cogs = float((sold.units * _costed(sold.sku, cost, "units sold")).sum())
    if cogs == 0:
        return float("inf") if inventory > 0 else float("nan")
    return inventory / cogs


def _uplift(uplift: pd.Series | None) -> pd.Series:
    if uplift is None:
        return pd.Series(dtype=float)
    if not isinstance(uplift, pd.Series):
        raise ValueError(
            f"uplift must be a pandas Series indexed by date, got {type(uplift).__name__}"
        )
    try:
        index = pd.DatetimeIndex(pd.to_datetime(uplift.index)).normalize()
    except (TypeError, ValueError) as exc:
        raise ValueError(f"uplift must be indexed by dates: {exc}") from exc
    values = pd.to_numeric(uplift, errors="coerce").to_numpy(dtype=float)
    if index.hasnans or not index.is_unique:
        raise ValueError("uplift's date index has missing or repeated dates")
    if not (np.isfinite(values) & (values > 0)).all():
        raise ValueError("uplift multipliers must be finite and > 0")
    return pd.Series(values, index=index)


def lost_gmv_from_stockouts(
    stock: pd.DataFrame,
    sales: pd.DataFrame,
    start: DateLike,
    end: DateLike,
    lookback: int = 14,
    uplift: pd.Series | None = None,
) -> pd.DataFrame:
    """Estimated GMV lost to stock-outs (缺货损失GMV), per SKU and in total.

    口径: a stock-out run is a maximal stretch of consecutive calendar days with a ``stock`` row and
    ``on_hand = 0`` (a missing day ends it). Its run rate = mean daily GMV of the SKU over the
    ``lookback`` calendar days before the run began, counting only days with ``on_hand > 0`` (a day
    without a sales row is 0 GMV; days out of stock or without a stock row are left out), each
    day's GMV divided by that day's uplift — the rate at everyday level, so that a run rate taken
    over campaign days is not lifted a second time. Each SKU-day out of stock inside [start, end]
    loses run rate × uplift(date); a run that began before ``start`` keeps the rate from before it
    began. ``uplift`` (Series by date, default 1 for absent dates) lifts the rate on campaign days:
    without it the estimate is a conservative lower bound, since campaign days outsell the run
    rate. A day whose run has no in-stock day in its
    lookback cannot be rated and is counted in ``unrated_days`` instead of ``lost_gmv``.

    Returns
    -------
    DataFrame
        ``sku``, ``stockout_days`` (in the window), ``run_rate`` (mean run rate over the rated
        days, before uplift), ``lost_gmv`` (NaN when no day could be rated), ``unrated_days``; one
        row per SKU out of stock in the window, largest loss first, then a total row with
        ``sku = "_all"`` (sums; its ``run_rate`` is NaN).

    Raises
    ------
    ValueError
        On bad inputs, ``lookback`` < 1, or no SKU-day in the window.
    """
    if isinstance(lookback, bool) or not isinstance(lookback, (int, np.integer)) or lookback < 1:
        raise ValueError(f"lookback must be a positive integer, got {lookback!r}")
    lo, hi = _window(start, end)
    lift = _uplift(uplift)
    s = _stock(stock)
    _in_window(s, lo, hi)
    gmv = _sales(sales, ["gmv"])
    s = (
        s.merge(gmv, on=["date", "sku"], how="left")
        .fillna({"gmv": 0.0})
        .sort_values(["sku", "date"], kind="stable", ignore_index=True)
    )
    rows = []
    for sku, g in s.groupby("sku", sort=False):
        out = (g.on_hand == 0).to_numpy()
        dates = g.date.to_numpy()
        gap = np.diff(dates, prepend=dates[:1]) != np.timedelta64(1, "D")  # True on row 0 too
        starts = out & (gap | ~np.roll(out, 1))  # row 0 never reads the value np.roll wrapped
        run_start = pd.Series(np.where(starts, dates, np.datetime64("NaT")), index=g.index).ffill()
        hit = out & (g.date >= lo).to_numpy() & (g.date <= hi).to_numpy()
        if not hit.any():
            continue
        instock = g[~out]
        lost, rates, unrated = 0.0, [], 0
        for day, began in zip(g.date[hit], run_start[hit], strict=True):
            before = instock[
                instock.date.between(
                    began - pd.Timedelta(days=lookback), began - pd.Timedelta(days=1)
                )
            ]
            if before.empty:
                unrated += 1
                continue
            # each day's GMV at everyday level: a lookback reaching into the campaign already
            # holds its uplift (the demo's FRG-007: 3.32万 a day over 14 days, six of them burst)
            level = before.date.map(lambda d: float(lift.get(d, 1.0))).to_numpy()
            rate = float((before.gmv.to_numpy() / level).mean())
            rates.append(rate)
            lost += rate * float(lift.get(day, 1.0))
        rows.append(
            {
                "sku": sku,
                "stockout_days": int(hit.sum()),
                "run_rate": float(np.mean(rates)) if rates else np.nan,
                "lost_gmv": lost if rates else np.nan,
                "unrated_days": unrated,
            }
        )
    cols = ["sku", "stockout_days", "run_rate", "lost_gmv", "unrated_days"]
    per_sku = pd.DataFrame(rows, columns=cols)
    per_sku = (
        per_sku.assign(_key=per_sku.sku.astype(str))
        .sort_values(
            ["lost_gmv", "_key"], ascending=[False, True], na_position="last", kind="stable"
        )
        .drop(columns="_key")
    )
    total = {
        "sku": ALL,
        "stockout_days": int(per_sku.stockout_days.sum()),
        "run_rate": np.nan,
        "lost_gmv": float(per_sku.lost_gmv.sum()),
        "unrated_days": int(per_sku.unrated_days.sum()),
    }
    frames = [f for f in (per_sku, pd.DataFrame([total], columns=cols)) if not f.empty]
    return pd.concat(frames, ignore_index=True).astype(
        {"stockout_days": "int64", "run_rate": float, "lost_gmv": float, "unrated_days": "int64"}
    )


def fulfilment_cost_share(variable_costs: float | Iterable[float] | pd.Series, gmv: float) -> float:
    """Fulfilment cost share (履约费用率) = Σ v / GMV (METHODS.md §1.2).

    口径: ``variable_costs`` are the per-order (or per-unit, already × quantity) variable costs v of
    the period — fulfilment, payment fee, commission — given as one total or as values to add up
    (e.g. ``costs[["fulfilment", "payment_fee"]].sum(axis=1)``); ``gmv`` is the same period's GMV
    in the same currency.

    Raises
    ------
    ValueError
        If a cost is negative, missing or infinite, no cost is given, or GMV is not a positive
        finite number.
    """
    if isinstance(variable_costs, pd.DataFrame):
        raise ValueError(
            "variable_costs is a DataFrame; pick its cost columns and sum them by row first"
        )
    try:
        costs = (
            [variable_costs]
            if np.isscalar(variable_costs)
            else list(cast(Iterable[float], variable_costs))
        )
        values = np.asarray(costs, dtype=float)
        g = float(gmv)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"variable costs and gmv must be numbers: {exc}") from exc
    if values.size == 0:
        raise ValueError("no variable costs given; pass 0.0 if there were none")
    if not (np.isfinite(values) & (values >= 0)).all():
        raise ValueError("variable costs must be finite and ≥ 0 (no missing values)")
    if not np.isfinite(g) or g <= 0:
        raise ValueError(f"gmv must be a positive finite number, got {gmv!r}")
    return float(values.sum() / g)

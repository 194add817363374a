"""Daily alerts for the report: which day and which channel behaved unlike the rest of its phase.

A campaign's own peaks are not anomalies, so a channel's day is judged by its **share** of that
day's total, against the same channel's shares on the other days of the same phase (METHODS.md §5:
modified z-score, |M| > 3.5, and a business threshold on the relative deviation). A channel whose
conversion collapses on one day loses share that day even while the total soars.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .anomaly import modified_zscore

Z = 3.5
MIN_REL_DEV = 0.2


def share_anomalies(
    daily: pd.DataFrame,
    windows: pd.DataFrame,
    value: str = "gmv",
    z: float = Z,
    min_rel_dev: float = MIN_REL_DEV,
    min_days: int = 5,
    min_orders: int = 0,
) -> pd.DataFrame:
    """Channel-days whose share of the day's ``value`` deviates from the channel's phase median.

    口径: share_{c,t} = value_{c,t} / Σ_c value_{c,t}; within each phase (baseline, preheat, burst,
    post, dip) and channel, M = modified z-score of the share over the phase's days; a day is
    flagged when |M| > ``z`` **and** |share / median share − 1| > ``min_rel_dev``. Expected value =
    median share × the day's total. Phases with fewer than ``min_days`` days are not scored, nor
    a channel whose median orders a day in the phase are fewer than ``min_orders`` (``daily``'s
    ``orders``): a handful of orders swing its share by chance.
    Shares sum to 1, so one channel's collapse lifts the others' shares and one channel's spike
    lowers them: a flag is kept only when the channel itself moved. With r_c = the channel's value
    over its phase median and r̃ the day's median of r over the channels, weighted by their phase
    medians (the shop's typical channel that day): a rise is kept when r_c > 1 + ``min_rel_dev``;
    a fall when r_c < 1 − ``min_rel_dev`` or when it lagged a shop-wide rise, r̃ > 1 +
    ``min_rel_dev`` (a channel whose conversion collapses on a peak day loses share while the
    total soars). A one-off EU order made the UK's share fall on a day its own GMV was ordinary
    (r ≈ 1, r̃ ≈ 1): 'uk £4.9万 against £6.4万 expected' was called a UK shortfall to fix.
    Rows are ranked by the money gap |actual − expected|.
    Returns one row per flagged channel-day: date, phase, channel, actual, expected, gap, rel_dev,
    score.
    """
    need = {"date", "channel", value}
    if not need <= set(daily.columns):
        raise ValueError(f"daily needs columns {sorted(need)}, got {sorted(daily.columns)}")
    if not {"phase", "start_date", "end_date"} <= set(windows.columns):
        raise ValueError("windows needs phase, start_date, end_date")
    table = daily.pivot_table(index="date", columns="channel", values=value, aggfunc="sum").fillna(
        0.0
    )
    total = table.sum(axis=1)
    shares = table.div(total.where(total > 0), axis=0)
    orders = (
        daily.pivot_table(index="date", columns="channel", values="orders", aggfunc="sum")
        .reindex(index=table.index, columns=table.columns)
        .fillna(0.0)
        if min_orders and "orders" in daily
        else None
    )
    out = []
    for w in windows[windows.phase != "campaign"].itertuples():
        days = shares.loc[pd.Timestamp(w.start_date) : pd.Timestamp(w.end_date)]
        if len(days) < min_days:
            continue
        own, centre = _own_and_shop(table.loc[days.index])
        for channel in days.columns:
            s = days[channel].dropna()
            if len(s) < min_days or s.median() <= 0:
                continue
            if orders is not None and (
                orders.loc[s.index, channel].median() < min_orders
            ):  # too few orders a day for its share to mean anything
                continue
            score = pd.Series(np.asarray(modified_zscore(s.to_numpy()), dtype=float), index=s.index)
            rel = s / s.median() - 1
            r, shop = own[channel].reindex(s.index), centre.reindex(s.index)
            itself = np.where(
                rel > 0, r > 1 + min_rel_dev, (r < 1 - min_rel_dev) | (shop > 1 + min_rel_dev)
            )
            hit = (score.abs() > z) & (rel.abs() > min_rel_dev) & itself
            for day in s.index[hit.to_numpy()]:
                out.append(
                    {
                        "date": day,
                        "phase": w.phase,
                        "channel": channel,
                        "metric": value,
                        "actual": float(table.at[day, channel]),
                        "expected": float(s.median() * total[day]),
                        "gap": float(table.at[day, channel] - s.median() * total[day]),
                        "rel_dev": float(rel[day]),
                        "score": float(score[day]),
                    }
                )
    cols = ["date", "phase", "channel", "metric", "actual", "expected", "gap", "rel_dev", "score"]
    return pd.DataFrame(out, columns=cols).sort_values(
        "gap", key=np.abs, ascending=False, ignore_index=True
    )


def _own_and_shop(values: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Each channel's r and the shop's typical r per day, for one phase's days × channels.

    r = each value over its channel's median (NaN where that median is 0); the typical r of a
    day = r's median over the channels weighted by their medians.
    """
    typical = values.median()
    r = values.div(typical.where(typical > 0), axis=1)
    weights = typical.where(typical > 0).fillna(0.0).to_numpy()
    centre = []
    for row in r.to_numpy():
        ok = np.isfinite(row) & (weights > 0)
        if not ok.any():
            centre.append(np.nan)
            continue
        order = np.argsort(row[ok])
        cum = np.cumsum(weights[ok][order])
        centre.append(row[ok][order][np.searchsorted(cum, cum[-1] / 2)])
    return r, pd.Series(centre, index=r.index, dtype=float)

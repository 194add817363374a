"""目标拆解与节奏: the plan by day and channel against the actual — 时间进度 vs 完成进度, the gap.

口径: the plan (targets table) gives GMV (and optionally visitors, conversion, 客单价) per date ×
channel; the actual is GMV per date × channel of orders not cancelled, dated as the card counts
(order time or balance-paid date).

- daily war report: target, actual, cumulative target and actual, 完成进度 = cumulative actual /
  the whole plan, 计划进度 = cumulative target / the whole plan (where the plan itself expected to
  be by that day), 时间进度 = days elapsed / days of the plan. A promotion's plan is back-loaded
  (its peak days weigh most), so 完成进度 is judged against 计划进度; 时间进度 is the calendar's
  reference;
- the gap by channel = actual − plan over the plan's days; a channel with GMV but no plan row is
  *unplanned* (its GMV is named apart, never counted as beating a plan of 0).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["channel_gaps", "factor_gaps", "war_report"]


def war_report(plan: pd.Series, actual: pd.Series) -> pd.DataFrame:
    """The daily war report (口径 in the module docstring).

    Parameters
    ----------
    plan : Series
        Planned GMV by day (all planned channels).
    actual : Series
        Actual GMV by day of the planned channels.

    Returns
    -------
    DataFrame
        Indexed by the plan's days: ``target``, ``actual``, ``cum_target``, ``cum_actual``,
        ``achievement`` (完成进度), ``plan_progress`` (计划进度), ``time_progress`` (时间进度).

    Raises
    ------
    ValueError
        If the plan is empty or sums to 0.
    """
    total = float(plan.sum())
    if plan.empty or not total > 0:
        raise ValueError("the plan has no GMV||目标计划没有GMV")
    p = plan.sort_index().astype(float)
    a = actual.reindex(p.index).fillna(0.0).astype(float)
    out = pd.DataFrame({"target": p, "actual": a})
    out["cum_target"] = p.cumsum()
    out["cum_actual"] = a.cumsum()
    out["achievement"] = out["cum_actual"] / total
    out["plan_progress"] = out["cum_target"] / total
    out["time_progress"] = [(i + 1) / len(p) for i in range(len(p))]
    return out


def channel_gaps(plan: pd.Series, actual: pd.Series) -> pd.DataFrame:
    """Plan against actual by channel over the plan's days; unplanned channels flagged.

    Parameters
    ----------
    plan : Series
        Planned GMV by channel.
    actual : Series
        Actual GMV by channel over the same days.

    Returns
    -------
    DataFrame
        ``plan``, ``actual``, ``gap`` (actual − plan, NaN when unplanned), ``achievement``
        (actual / plan) and ``planned`` (bool), largest shortfall first.
    """
    idx = plan.index.union(actual.index)
    out = pd.DataFrame(
        {"plan": plan.reindex(idx), "actual": actual.reindex(idx).fillna(0.0)}, index=idx
    )
    out["planned"] = out["plan"].notna()
    out["gap"] = out["actual"] - out["plan"]
    out["achievement"] = out["actual"] / out["plan"].where(out["plan"] > 0)
    return out.sort_values("gap", kind="stable", na_position="last")


def factor_gaps(plan: pd.DataFrame, actual: pd.DataFrame) -> pd.DataFrame:
    """The GMV gap of each planned channel split into visitors, conversion and 客单价 (LMDI).

    口径: GMV = visitors × conversion × AOV, conversion = orders / visitors, AOV = GMV / orders
    (笔单价); with L(a, p) = (a − p) / ln(a / p) (= a when a = p), the effect of factor x is
    L(GMV_actual, GMV_plan) · ln(x_actual / x_plan), and the three effects add up to
    GMV_actual − GMV_plan exactly (METHODS.md's LMDI). A channel with a zero on either side has
    no split (NaN).

    Parameters
    ----------
    plan, actual : DataFrame
        Indexed by channel: ``gmv``, ``visitors``, ``orders``.

    Returns
    -------
    DataFrame
        Planned channels: ``gap`` and ``visitors_effect``, ``conversion_effect``, ``aov_effect``,
        with ``factor``, the one that cost most (the most negative effect), largest shortfall first.
    """
    p = plan.astype(float)
    a = actual.reindex(p.index).astype(float)
    ok = (p > 0).all(axis=1) & (a > 0).all(axis=1)
    lg = np.where(
        np.isclose(a["gmv"], p["gmv"]),
        a["gmv"],
        (a["gmv"] - p["gmv"]) / np.log(a["gmv"] / p["gmv"]),
    )
    out = pd.DataFrame({"gap": a["gmv"] - p["gmv"]}, index=p.index)
    ratios = {
        "visitors_effect": a["visitors"] / p["visitors"],
        "conversion_effect": (a["orders"] / a["visitors"]) / (p["orders"] / p["visitors"]),
        "aov_effect": (a["gmv"] / a["orders"]) / (p["gmv"] / p["orders"]),
    }
    for k, r in ratios.items():
        out[k] = (lg * np.log(r.where(ok))).where(ok)
    effects = out[list(ratios)]
    out["factor"] = [
        str(effects.loc[c].idxmin()).removesuffix("_effect") if ok[c] else None for c in out.index
    ]
    return out.sort_values("gap", kind="stable")

"""Root cause for the report: which segments drove the change, the anomalous day and the gap to
target (METHODS.md §2.4–2.5), from the extract's day × dimension × element aggregates."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..metrics import rootcause as rc

if TYPE_CHECKING:
    from .retrospective import Retrospective

DIMENSIONS = ("channel", "category", "price_band", "customer_type")


def _window_sum(seg: pd.DataFrame, start, end) -> pd.DataFrame:
    s = seg[seg.date.between(pd.Timestamp(start), pd.Timestamp(end))]
    return s.groupby(["dimension", "element"], as_index=False)[["gmv", "orders"]].sum()


def segment_table(r: Retrospective) -> pd.DataFrame:
    """Traffic / mix / CR / AOV effects on daily GMV, campaign vs baseline, for every dimension.

    口径: per day averages of each window; for channels, traffic = UV (daily distinct users of the
    channel, summed); for dimensions without traffic data (category, price band, customer type)
    traffic = orders, so the CR effect is nil there and volume shows as traffic and mix.
    """
    seg, days = r.agg.segments, r.kpis["days"]
    base_w, camp_w = r.card.windows.baseline, r.card.windows.campaign
    rows = []
    for dim in DIMENSIONS:
        parts = []
        for name, w in (("baseline", base_w), ("campaign", camp_w)):
            s = _window_sum(seg[seg.dimension == dim], w.start, w.end).set_index("element")
            uv = s.orders.astype(float)
            if dim == "channel" and r.agg.uv is not None:
                u = r.agg.uv[(r.agg.uv.channel != "_all") & r.agg.uv.date.between(pd.Timestamp(w.start), pd.Timestamp(w.end))]
                uv = u.groupby("channel").uv.sum().reindex(s.index).fillna(0.0)
            parts.append(pd.DataFrame({dim: s.index, "uv": uv.to_numpy() / days[name],
                                       "orders": s.orders.to_numpy() / days[name], "gmv": s.gmv.to_numpy() / days[name]}))
        effects = rc.segment_decomposition(parts[0], parts[1], dim)
        rows.append({"dimension": dim, **effects.to_dict()})
    return pd.DataFrame(rows).set_index("dimension")


def _adtributor(frame: pd.DataFrame) -> pd.DataFrame:
    try:
        return rc.adtributor(frame)
    except ValueError:
        return pd.DataFrame(columns=["dimension", "elements", "explanatory_power", "surprise", "change"])


NEIGHBOURS = 3  # days either side of an anomalous day that form its typical day
MIN_TOTAL_CHANGE = 0.10  # below this change of the day's total there is nothing for Adtributor to explain


def anomalous_day(r: Retrospective) -> dict | None:
    """Adtributor on the largest alert's day: each element's GMV that day (actual) against a
    typical day (forecast).

    口径: forecast = the element's median daily GMV over the neighbouring days of the same phase —
    up to ``NEIGHBOURS`` days either side, the anomalous day left out (all other days of the phase
    when fewer than two neighbours exist). Neighbours, not the whole phase, so that a burst's
    opening and 11.11 peaks do not inflate the typical day of a quiet mid-burst day.
    Adtributor explains a change of the *total*: when the day's GMV is within ``MIN_TOTAL_CHANGE``
    of its typical day (the median daily GMV of the same neighbours), the alert is a shift of mix,
    not an anomaly of the total, and no causes are named (explanatory powers would divide by a
    near-zero change); ``total_change`` says so.
    """
    if r.alerts is None or r.alerts.empty:
        return None
    day, phase = pd.Timestamp(r.alerts.iloc[0].date), r.alerts.iloc[0].phase
    w = r.windows.set_index("phase").loc[phase]
    seg = r.agg.segments[r.agg.segments.dimension.isin(DIMENSIONS)]
    in_phase = seg[seg.date.between(pd.Timestamp(w.start_date), pd.Timestamp(w.end_date))]
    others = in_phase[in_phase.date != day]
    near = others[(others.date - day).abs() <= pd.Timedelta(days=NEIGHBOURS)]
    if near.date.nunique() >= 2:
        others = near
    typical = (others.pivot_table(index=["dimension", "element"], columns="date",
                                  values="gmv", aggfunc="sum").fillna(0).median(axis=1))
    actual = in_phase[in_phase.date == day].set_index(["dimension", "element"]).gmv
    frame = pd.DataFrame({"forecast": typical, "actual": actual}).fillna(0.0).reset_index()
    total = r.agg.history.set_index("date").gmv
    typical_total = total[total.index.isin(others.date.unique())].median()
    change = float(total.get(day, 0.0) / typical_total - 1) if typical_total > 0 else float("nan")
    cands = _adtributor(frame) if not abs(change) < MIN_TOTAL_CHANGE else _adtributor(frame).iloc[:0]
    return {"date": pd.Timestamp(day).date().isoformat(), "phase": phase, "total_change": change,
            "candidates": cands}


def target_gap(r: Retrospective) -> dict | None:
    """Adtributor on the GMV gap to target (None when the target was met): forecast = the target split by each element's baseline
    share of GMV (a plan that keeps the baseline mix), actual = the campaign's GMV by element."""
    target = r.card.strategy.targets.get("gmv")
    if not target or r.kpis.at["campaign", "gmv"] >= target:  # met: there is no gap to explain
        return None
    seg = r.agg.segments[r.agg.segments.dimension.isin(DIMENSIONS)]
    b, c = r.card.windows.baseline, r.card.windows.campaign
    base = _window_sum(seg, b.start, b.end).set_index(["dimension", "element"]).gmv
    share = base / base.groupby(level="dimension").transform("sum")
    actual = _window_sum(seg, c.start, c.end).set_index(["dimension", "element"]).gmv
    frame = pd.DataFrame({"forecast": share * target, "actual": actual}).fillna(0.0).reset_index()
    return {"target": float(target), "actual": float(r.kpis.at["campaign", "gmv"]), "candidates": _adtributor(frame)}


def explain(result: dict | None, lang: str) -> list[str]:
    return [] if result is None or result["candidates"].empty else rc.explain(result["candidates"], lang)

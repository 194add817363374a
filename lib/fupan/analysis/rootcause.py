"""Root cause: which segments drove the change, the anomalous day, the gap to target (METHODS.md §2.4–2.5).

From the extract's day × dimension × element aggregates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..metrics import rootcause as rc
from .results import DayCause, GapCause, RootCause, SegmentEffects, ShareAlerts

if TYPE_CHECKING:
    from ..ingest.card import Windows

DIMENSIONS = ("channel", "category", "price_band", "customer_type")
NEIGHBOURS = 3  # days either side of an anomalous day that form its typical day
MIN_TOTAL_CHANGE = (
    0.10  # below this change of the day's total there is nothing for Adtributor to explain
)


def _window_sum(seg: pd.DataFrame, start: object, end: object) -> pd.DataFrame:
    s = seg[seg.date.between(pd.Timestamp(start), pd.Timestamp(end))]
    return s.groupby(["dimension", "element"], as_index=False)[["gmv", "orders"]].sum()


def segment_effects(
    segments: pd.DataFrame, uv: pd.DataFrame | None, kpis: pd.DataFrame, windows: Windows
) -> SegmentEffects:
    """Traffic / mix / CR / AOV effects on daily GMV, campaign vs baseline, for every dimension.

    口径: per day averages of each window; for channels, traffic = UV (daily distinct users of the
    channel, summed); for dimensions without traffic data (category, price band, customer type)
    traffic = orders, so the CR effect is nil there and volume shows as traffic and mix.
    """
    days = kpis["days"]
    rows = []
    for dim in DIMENSIONS:
        parts = []
        for name, w in (("baseline", windows.baseline), ("campaign", windows.campaign)):
            s = _window_sum(segments[segments.dimension == dim], w.start, w.end).set_index(
                "element"
            )
            traffic = s.orders.astype(float)
            if dim == "channel" and uv is not None:
                u = uv[
                    (uv.channel != "_all")
                    & uv.date.between(pd.Timestamp(w.start), pd.Timestamp(w.end))
                ]
                traffic = u.groupby("channel").uv.sum().reindex(s.index).fillna(0.0)
            parts.append(
                pd.DataFrame(
                    {
                        dim: s.index,
                        "uv": traffic.to_numpy() / days[name],
                        "orders": s.orders.to_numpy() / days[name],
                        "gmv": s.gmv.to_numpy() / days[name],
                    }
                )
            )
        effects = rc.segment_decomposition(parts[0], parts[1], dim)
        rows.append({"dimension": dim, **effects.to_dict()})
    return SegmentEffects(pd.DataFrame(rows).set_index("dimension"))


def _adtributor(frame: pd.DataFrame) -> pd.DataFrame:
    try:
        return rc.adtributor(frame)
    except ValueError:
        return pd.DataFrame(
            columns=["dimension", "elements", "explanatory_power", "surprise", "change"]
        )


def anomalous_day(
    alerts: ShareAlerts, windows: pd.DataFrame, segments: pd.DataFrame, history: pd.DataFrame
) -> DayCause | None:
    """Adtributor on the largest alert's day: each element's GMV that day against a typical day.

    口径: forecast = the element's median daily GMV over the neighbouring days of the same phase —
    up to ``NEIGHBOURS`` days either side, the anomalous day left out (all other days of the phase
    when fewer than two neighbours exist). Neighbours, not the whole phase, so that a burst's
    opening and 11.11 peaks do not inflate the typical day of a quiet mid-burst day.
    Adtributor explains a change of the *total*: when the day's GMV is within ``MIN_TOTAL_CHANGE``
    of its typical day (the median daily GMV of the same neighbours), the alert is a shift of mix,
    not an anomaly of the total, and no causes are named (explanatory powers would divide by a
    near-zero change); ``total_change`` says so.
    """
    table = alerts.table
    if table is None or table.empty:
        return None
    day, phase = pd.Timestamp(table.iloc[0].date), table.iloc[0].phase
    w = windows.set_index("phase").loc[phase]
    seg = segments[segments.dimension.isin(DIMENSIONS)]
    in_phase = seg[seg.date.between(pd.Timestamp(w.start_date), pd.Timestamp(w.end_date))]
    others = in_phase[in_phase.date != day]
    near = others[(others.date - day).abs() <= pd.Timedelta(days=NEIGHBOURS)]
    if near.date.nunique() >= 2:
        others = near
    typical = (
        others.pivot_table(
            index=["dimension", "element"], columns="date", values="gmv", aggfunc="sum"
        )
        .fillna(0)
        .median(axis=1)
    )
    actual = in_phase[in_phase.date == day].set_index(["dimension", "element"]).gmv
    frame = pd.DataFrame({"forecast": typical, "actual": actual}).fillna(0.0).reset_index()
    total = history.set_index("date").gmv
    typical_total = total[total.index.isin(others.date.unique())].median()
    change = float(total.get(day, 0.0) / typical_total - 1) if typical_total > 0 else float("nan")
    cands = (
        _adtributor(frame) if not abs(change) < MIN_TOTAL_CHANGE else _adtributor(frame).iloc[:0]
    )
    return DayCause(
        date=pd.Timestamp(day).date().isoformat(),
        phase=phase,
        total_change=change,
        candidates=cands,
    )


def target_gap(
    segments: pd.DataFrame, kpis: pd.DataFrame, targets: dict[str, float], windows: Windows
) -> GapCause | None:
    """Adtributor on the GMV gap to target (None when the target was met).

    Forecast = the target split by each element's baseline share of GMV (a plan that keeps the
    baseline mix); actual = the campaign's GMV by element.
    """
    target = targets.get("gmv")
    if not target or kpis.at["campaign", "gmv"] >= target:  # met: there is no gap to explain
        return None
    seg = segments[segments.dimension.isin(DIMENSIONS)]
    b, c = windows.baseline, windows.campaign
    base = _window_sum(seg, b.start, b.end).set_index(["dimension", "element"]).gmv
    share = base / base.groupby(level="dimension").transform("sum")
    actual = _window_sum(seg, c.start, c.end).set_index(["dimension", "element"]).gmv
    frame = pd.DataFrame({"forecast": share * target, "actual": actual}).fillna(0.0).reset_index()
    return GapCause(
        target=float(target),
        actual=float(kpis.at["campaign", "gmv"]),
        candidates=_adtributor(frame),
    )


def root_cause(
    alerts: ShareAlerts,
    windows: pd.DataFrame,
    agg_segments: pd.DataFrame,
    history: pd.DataFrame,
    kpis: pd.DataFrame,
    targets: dict[str, float],
    card_windows: Windows,
) -> RootCause:
    """Causes of the anomalous day (:func:`anomalous_day`) and of the GMV gap (:func:`target_gap`)."""
    return RootCause(
        day=anomalous_day(alerts, windows, agg_segments, history),
        gap=target_gap(agg_segments, kpis, targets, card_windows),
    )


def explain(cause: DayCause | GapCause | None, lang: str) -> list[str]:
    """Adtributor's top causes as sentences in ``lang`` (none without candidates)."""
    return [] if cause is None or cause.candidates.empty else rc.explain(cause.candidates, lang)

"""Root cause: which segments drove the change, the anomalous day, the gap to target (METHODS.md §2.4–2.5).

From the extract's day × dimension × element aggregates.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..i18n import bilingual, t
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
    channel, summed over the window's days) and CR = orders / that traffic; for dimensions without
    visitor data (category, price band, customer type) traffic = orders (``traffic_basis``), so
    conversion is **not measured** there: its effect is NaN (never 0) with the reason in
    ``cr_note``, and volume shows as traffic and mix.
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
            measured = dim == "channel" and uv is not None
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
        effects = rc.segment_decomposition(parts[0], parts[1], dim).to_dict()
        note = None
        if len(set(parts[0][dim]) | set(parts[1][dim])) <= 1:
            # one value (the orders lack the column, or all say the same): no split — every
            # effect is not measured, never a traffic effect equal to the whole change and 0s
            effects = dict.fromkeys(effects, np.nan)
        if not measured:  # traffic = orders: the CR factor is 1 by construction, not measured
            effects["cr"] = np.nan
            note = bilingual(
                *(
                    t("segment_cr_not_measured", lang, dimension=t(f"dim_{dim}", lang))
                    for lang in ("en", "zh")
                )
            )
        rows.append(
            {
                "dimension": dim,
                **effects,
                "traffic_basis": "uv" if measured else "orders",
                "cr_note": note,
            }
        )
    return SegmentEffects(pd.DataFrame(rows).set_index("dimension"))


def _without_controls(frame: pd.DataFrame, controls: Sequence[str]) -> pd.DataFrame:
    """Attribution rows without the control categories (not promoted: not a cause of the gap)."""
    return frame[~((frame.dimension == "category") & frame.element.isin(list(controls)))]


def _adtributor(frame: pd.DataFrame) -> pd.DataFrame:
    # a dimension of one element (the orders lack it: category 'unknown') 'explains 100 %' of any
    # change, which says nothing: it is no candidate
    n = frame.groupby("dimension").element.transform("nunique")
    frame = frame[n > 1]
    try:
        return rc.adtributor(frame)
    except ValueError:
        return pd.DataFrame(
            columns=[
                "dimension",
                "elements",
                "explanatory_power",
                "surprise",
                "change",
                "contribution",
                "rest",
            ]
        )


def anomalous_day(
    alerts: ShareAlerts,
    windows: pd.DataFrame,
    segments: pd.DataFrame,
    history: pd.DataFrame,
    controls: Sequence[str] = (),
) -> DayCause | None:
    """Adtributor on the largest alert's day: each element's GMV that day against a typical day.

    口径: forecast = the element's median daily GMV over the neighbouring days of the same phase —
    up to ``NEIGHBOURS`` days either side, the anomalous day left out (all other days of the phase
    when fewer than two neighbours exist). Neighbours, not the whole phase, so that a burst's
    opening and 11.11 peaks do not inflate the typical day of a quiet mid-burst day.
    Adtributor explains a change of the *total*: when the day's GMV is within ``MIN_TOTAL_CHANGE``
    of its typical day (the median daily GMV of the same neighbours), the alert is a shift of mix,
    not an anomaly of the total, and no causes are named (explanatory powers would divide by a
    near-zero change); ``total_change`` says so. The card's control categories (``controls``,
    not promoted) are left out of the category dimension: they are never named as a cause.
    """
    table = alerts.table
    if table is None or table.empty:
        return None
    day, phase = pd.Timestamp(table.iloc[0].date), table.iloc[0].phase
    w = windows.set_index("phase").loc[phase]
    seg = _without_controls(segments[segments.dimension.isin(DIMENSIONS)], controls)
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
        excluded=tuple(controls),
    )


def _planned_channels(base: pd.Series, plan: pd.Series, target: float) -> pd.Series:
    """Each channel's part of the target by the team's plan (pacing's planned GMV by channel).

    A planned channel's part is its plan; what the plan leaves of the target goes to the channels
    it does not name, split by their baseline GMV (``base``). A plan above the target is scaled
    down to it, and leaves nothing to unplanned channels.
    """
    plan = plan[plan > 0]
    planned = float(plan.sum())
    outside = base[~base.index.isin(plan.index)]
    rest = target - planned
    if rest <= 0 or outside.empty or float(outside.sum()) <= 0:
        inside = plan * (target / planned)
        return pd.concat([inside, outside * 0.0])
    return pd.concat([plan, rest * outside / float(outside.sum())])


def target_gap(
    segments: pd.DataFrame,
    kpis: pd.DataFrame,
    targets: dict[str, float],
    windows: Windows,
    controls: Sequence[str] = (),
    pacing: Any = None,
) -> GapCause | None:
    """Adtributor on the GMV gap to target (None when the target was met).

    Forecast = the target split by each element's baseline share of GMV (a plan that keeps the
    baseline mix) — except the channels when the team's plan by channel is known (``pacing``, a
    :class:`~fupan.analysis.results.PacingResult`): then the target is split as that plan splits
    it (:func:`_planned_channels`), so that a channel above its plan is never named as the cause
    of the gap; actual = the campaign's GMV by element. The card's control categories
    (``controls``: left out of the promotion on purpose) are not attributed any part of the gap:
    the category dimension then splits the promoted categories' share of the target among them
    (their baseline shares renormalised), so its change is the promoted lines' gap. Each
    candidate carries its contribution in money and the rest of its dimension (they sum to the
    dimension's change, :func:`fupan.metrics.rootcause.adtributor`).
    """
    target = targets.get("gmv")
    if not target or kpis.at["campaign", "gmv"] >= target:  # met: there is no gap to explain
        return None
    seg = segments[segments.dimension.isin(DIMENSIONS)]
    if controls:
        # the promoted categories' part of the target: the target × their baseline share
        b0 = windows.baseline
        cat = _window_sum(seg[seg.dimension == "category"], b0.start, b0.end)
        total = float(cat.gmv.sum())
        ctrl = float(cat[cat.element.isin(list(controls))].gmv.sum())
        seg = _without_controls(seg, controls)
        promoted_share = 1 - ctrl / total if total > 0 else 1.0
    else:
        promoted_share = 1.0
    b, c = windows.baseline, windows.campaign
    base = _window_sum(seg, b.start, b.end).set_index(["dimension", "element"]).gmv
    share = base / base.groupby(level="dimension").transform("sum")
    actual = _window_sum(seg, c.start, c.end).set_index(["dimension", "element"]).gmv
    dim_target = pd.Series(
        [
            target * promoted_share if d == "category" else target
            for d in share.index.get_level_values(0)
        ],
        index=share.index,
    )
    plan = getattr(pacing, "channels", None)
    plan_gmv = plan["plan"].fillna(0.0) if plan is not None and "plan" in plan else None
    by_plan = plan_gmv is not None and float(plan_gmv.sum()) > 0 and "channel" in base.index
    if plan_gmv is not None and by_plan:
        planned = _planned_channels(base.xs("channel"), plan_gmv, float(target))
        share = pd.concat(
            [
                share.drop(index="channel", level="dimension"),
                pd.concat({"channel": planned / float(target)}, names=["dimension", "element"]),
            ]
        )
        dim_target = dim_target.reindex(share.index).fillna(float(target))
    frame = (
        pd.DataFrame({"forecast": share * dim_target, "actual": actual}).fillna(0.0).reset_index()
    )
    return GapCause(
        target=float(target),
        actual=float(kpis.at["campaign", "gmv"]),
        candidates=_adtributor(frame),
        excluded=tuple(controls),
        channels_by_plan=by_plan,
    )


def root_cause(
    alerts: ShareAlerts,
    windows: pd.DataFrame,
    agg_segments: pd.DataFrame,
    history: pd.DataFrame,
    kpis: pd.DataFrame,
    targets: dict[str, float],
    card_windows: Windows,
    controls: Sequence[str],
    pacing: Any,
) -> RootCause:
    """Causes of the anomalous day (:func:`anomalous_day`) and of the GMV gap (:func:`target_gap`).

    ``controls``: the card's control categories, left out of both attributions; ``pacing``: the
    plan by channel, when there is one (the gap's channels are then judged against it).
    """
    return RootCause(
        day=anomalous_day(alerts, windows, agg_segments, history, controls),
        gap=target_gap(agg_segments, kpis, targets, card_windows, controls, pacing),
    )


def explain(cause: DayCause | GapCause | None, lang: str) -> list[str]:
    """Adtributor's top causes as sentences in ``lang`` (none without candidates)."""
    return [] if cause is None or cause.candidates.empty else rc.explain(cause.candidates, lang)

"""Auto-drafted findings: the largest wins and misses of a retrospective, each with its numbers.

Each finding is written in both languages (case.json keeps both) from the catalogue's
``finding_*`` entries, its money in the report's :class:`~fupan.format.Style` (currency, or the
share-safe index).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..dictionary import KPI_DEFINITIONS
from ..format import OPS, Style, pct
from ..i18n import kpi_name, phase_name, phase_span, step_label, t
from ..ingest.history import BASELINE_HISTORY_DAYS
from ..metrics.funnel import window_funnel
from .finding_events import events
from .finding_events import finding as _finding
from .results import (
    ABTest,
    CustomerAnalysis,
    DayAnomalies,
    Decomposition,
    Finding,
    InventoryHealth,
    LiftAnalysis,
    MarginAnalysis,
    RootCause,
    ShareAlerts,
    Skip,
)

if TYPE_CHECKING:
    from ..extract.aggregates import Aggregates
    from ..ingest.card.windows import Windows

#: p-value below which the campaign cohort's lower repeat rate is called significant
REPEAT_ALPHA = 0.05
#: margin ROI at which the campaign breaks even (each unit of cost returns a unit of profit)
BREAK_EVEN_ROI = 1.0
KIND_ORDER = {"win": 0, "miss": 1, "note": 2}


def _verdicts(style: Style, targets: pd.DataFrame, hypotheses: pd.DataFrame) -> list[Finding]:
    out = []
    for row in targets.itertuples():
        if row.status == "not_assessed":
            continue
        unit, met = KPI_DEFINITIONS[row.kpi].unit, row.status == "met"
        going = row.status == "in_progress"  # a war report: progress to date, not a verdict

        def target(s: Style, row: Any = row, unit: str = unit) -> dict[str, Any]:
            return {
                "kpi": kpi_name(row.kpi, s.lang),
                "actual": s.value(row.actual, unit),
                "target": s.value(row.target, unit),
                "achievement": row.achievement,
            }

        out.append(
            _finding(
                style,
                "note" if going else "win" if met else "miss",
                f"finding_target_{row.status}",
                target,
                abs(row.achievement - 1),
                row.kpi,
                priority=0,
            )
        )
    for h in hypotheses.itertuples():
        if h.status == "not_assessed":
            continue
        unit, met = KPI_DEFINITIONS[h.kpi].unit, h.status == "met"

        def hypothesis(s: Style, h: Any = h, unit: str = unit) -> dict[str, Any]:
            window = phase_name(h.window, s.lang)
            return {
                "id": h.id,
                "text": h.text,
                "window": window if s.zh else window.lower(),
                "kpi": kpi_name(h.kpi, s.lang),
                "actual": s.value(h.actual, unit),
                "op": OPS.get(h.op, h.op),
                "value": s.threshold(h.value, unit),
            }

        out.append(
            _finding(
                style,
                "win" if met else "miss",
                f"finding_hypothesis_{'holds' if met else 'fails'}",
                hypothesis,
                abs(h.actual - h.value) / (abs(h.value) or 1),
                h.kpi,
                priority=1,
            )
        )
    return out


def _channel_growth(style: Style, kpis: pd.DataFrame, agg: Aggregates) -> list[Finding]:
    out = []
    w = agg.windows
    per_day = w[w.channel != "_all"].pivot_table(
        index="channel", columns="phase", values="gmv", aggfunc="sum"
    )
    if {"baseline", "campaign"} <= set(per_day.columns):
        idx = (per_day.campaign / kpis.at["campaign", "days"]) / (
            per_day.baseline / kpis.at["baseline", "days"]
        )
        idx = idx.replace([np.inf, -np.inf], np.nan).dropna()
        if len(idx) >= 2:  # one channel is no ranking: it would be both the fastest and slowest
            best, worst = idx.idxmax(), idx.idxmin()
            out.append(
                _finding(
                    style,
                    "win",
                    "finding_fastest_channel",
                    lambda s: {"channel": s.channel(best), "index": idx[best]},
                    idx[best] / 10,
                    "gmv",
                )
            )
            out.append(
                _finding(
                    style,
                    "miss",
                    "finding_slowest_channel",
                    lambda s: {"channel": s.channel(worst), "index": idx[worst]},
                    1 / max(idx[worst], 0.1) / 10,
                    "gmv",
                )
            )
    return out


def _roas(style: Style, channels: pd.DataFrame) -> list[Finding]:
    out = []
    paid = (  # a channel the orders do not name has no ROAS (NaN), so neither high nor low
        channels[(channels.spend > 0) & channels.roas.notna()]
        if "spend" in channels
        else channels.iloc[:0]
    )
    if len(paid) > 1:
        hi, lo = paid.roas.idxmax(), paid.roas.idxmin()
        out.append(
            _finding(
                style,
                "note",
                "finding_roas",
                lambda s: {
                    "high": s.channel(hi),
                    "high_roas": paid.roas[hi],
                    "low": s.channel(lo),
                    "low_roas": paid.roas[lo],
                },
                0.2,
                "roas",
            )
        )
    return out


def _product_names(products: Any) -> dict[str, str]:
    """SKU → product name, from the products table where the campaign has one."""
    skus = getattr(products, "skus", None)
    if not getattr(products, "named", False) or skus is None or "name" not in skus:
        return {}
    named = skus.dropna(subset=["name"])
    return {str(k): str(v) for k, v in zip(named["sku"], named["name"], strict=True) if str(v)}


def _named(sku: Any, names: dict[str, str], lang: str) -> str:
    """A SKU with its product name when known, as the products section writes it.

    '花漾香氛礼盒（FRG-007）' (catalogue ``product_label``); the code alone without a name.
    """
    name = names.get(str(sku))
    return t("product_label", lang, name=name, sku=sku) if name else str(sku)


def _baseline_step(agg: Aggregates, step: str) -> float | None:
    """The baseline's conversion into ``step`` (all channels), None when not measured."""
    if agg.funnel is None:
        return None
    try:
        base = window_funnel(agg.funnel, "baseline")
    except (KeyError, ValueError):
        return None
    if step not in set(base.step):
        return None
    value = float(base.loc[base.step == step, "conversion"].iloc[0])
    return value if np.isfinite(value) else None


def _execution(
    style: Style,
    agg: Aggregates,
    decomposition: Decomposition | None,
    funnel: pd.DataFrame | None,
    inventory: InventoryHealth | Skip | None,
    products: Any = None,
) -> list[Finding]:
    out = []
    if decomposition:
        d = decomposition
        top = d.lmdi.abs().idxmax()
        out.append(
            _finding(
                style,
                "note",
                "finding_decomposition",
                lambda s: {
                    "base": s.money(d.gmv_base),
                    "current": s.money(d.gmv_current),
                    "driver": kpi_name(top, s.lang),
                    "amount": s.money(d.lmdi[top]),
                },
                0.5,
                top,
            )
        )
    if funnel is not None and len(funnel) > 1:
        leak = funnel.iloc[1:].sort_values("conversion").iloc[0]
        prev = funnel.step[funnel.index[funnel.step == leak.step][0] - 1]
        # every funnel has a largest leak: it is a problem only when that step converted worse
        # than in the baseline (the demo's cart → order, 22.1 %, beat the baseline's 19.2 %)
        base = _baseline_step(agg, leak.step)
        worse = base is None or leak.conversion < base
        out.append(
            _finding(
                style,
                "miss" if worse else "note",
                "finding_funnel_leak"
                if base is None
                else f"finding_funnel_leak_{'worse' if worse else 'better'}",
                lambda s: {
                    "step_from": step_label(prev, s.lang),
                    "step_to": step_label(leak.step, s.lang),
                    "conversion": pct(leak.conversion),
                    "drop_off": pct(leak.drop_off),
                    "baseline": pct(base) if base is not None else "—",
                },
                leak.drop_off / 2,
                "funnel",
            )
        )
    names = _product_names(products)
    if agg.stockouts is not None:
        so = agg.stockouts[(agg.stockouts.phase == "campaign") & (agg.stockouts.stockout_days > 0)]
        if len(so):
            top3 = so.sort_values("stockout_days", ascending=False).head(3)
            lost = (
                inventory
                if isinstance(inventory, InventoryHealth) and inventory.lost_total > 0
                else None
            )

            def stockouts(s: Style) -> dict[str, Any]:
                skus = s.pick("、", ", ").join(
                    t(
                        "finding_stockout_sku",
                        s.lang,
                        sku=_named(x.sku, names, s.lang),
                        days=x.stockout_days,
                    )
                    for x in top3.itertuples()
                )
                lost_text = (
                    t(
                        "finding_stockout_lost",
                        s.lang,
                        total=s.money(lost.lost_total),
                        floor=s.money(lost.lost_floor),
                    )
                    if lost is not None
                    else ""
                )
                return {
                    "n": len(so),
                    "days": int(so.stockout_days.sum()),
                    "skus": skus,
                    "lost": lost_text,
                }

            out.append(
                _finding(
                    style, "miss", "finding_stockouts", stockouts, 0.3 + 0.05 * len(so), "stockouts"
                )
            )
    return out


def _undercuts(style: Style, prices: Any, products: Any) -> list[Finding]:
    """破价: the SKUs a KOL room or distributor sold below the shop's own 到手价, deepest first.

    A miss: the shop's price control failed on those days (:mod:`fupan.metrics.prices`).
    """
    b = getattr(prices, "breaches", None)
    if b is None or b.empty:
        return []
    names = _product_names(products)
    per = (
        b.groupby(["sku", "seller"], sort=False)
        .agg(days=("date", "nunique"), gap=("gap", "max"))
        .reset_index()
        .sort_values(["gap", "days"], ascending=False)
    )

    def fields(s: Style) -> dict[str, Any]:
        cases = s.pick("；", "; ").join(
            t(
                "finding_undercut_case",
                s.lang,
                sku=_named(x.sku, names, s.lang),
                seller=x.seller,
                days=int(x.days),
                gap=pct(x.gap),
            )
            for x in per.head(3).itertuples()
        )
        return {"n": b["sku"].nunique(), "cases": cases}

    return [
        _finding(
            style, "miss", "finding_undercut", fields, 0.2 + float(per.gap.max()), "price_control"
        )
    ]


#: a drop of the campaign's 48-hour shipping rate below the baseline's that is a miss
SHIP_DROP = 0.05
#: orders due in each of the two windows for the comparison to be made
SHIP_MIN_ORDERS = 30


def _shipping(style: Style, service: Any) -> list[Finding]:
    """发货积压: the campaign shipped fewer orders within 48 hours than the baseline did.

    A miss when the campaign's 48-hour rate is :data:`SHIP_DROP` or more below the baseline's,
    each over at least :data:`SHIP_MIN_ORDERS` orders due (:mod:`fupan.metrics.service`); the
    worst paid day is named.
    """
    table = getattr(service, "shipping", None)
    if table is None or not {"campaign", "baseline"} <= set(table.index):
        return []
    c, b = table.loc["campaign"], table.loc["baseline"]
    if min(c.due_48, b.due_48) < SHIP_MIN_ORDERS or not (b.ship_48 - c.ship_48 >= SHIP_DROP):
        return []
    worst = getattr(service, "worst", None)

    def fields(s: Style) -> dict[str, Any]:
        day = (
            t(
                "finding_shipping_worst",
                s.lang,
                date=f"{pd.Timestamp(worst['date']):%m-%d}",
                rate=pct(float(worst["ship_48"])),
            )
            if worst is not None
            else ""
        )
        return {
            "rate": pct(c.ship_48),
            "base": pct(b.ship_48),
            "median": f"{c.median_hours:.0f}",
            "worst": day,
        }

    drop = float(b.ship_48 - c.ship_48)
    return [_finding(style, "miss", "finding_shipping", fields, 0.1 + drop, "shipping")]


def _lift(style: Style, lift: LiftAnalysis) -> Finding:
    tot, pf, kind = lift.table.loc["total"], lift.pull_forward, lift.dip_verdict
    d: Any = lift.table.loc["dip"] if kind else None

    def fields(s: Style) -> dict[str, Any]:
        if kind == "pull_forward" and pf is not None and np.isfinite(pf["estimate"]):
            dip = t("finding_lift_pull_forward_share", s.lang, share=pct(pf["estimate"]))
        elif kind == "pull_forward":
            dip = t("finding_lift_pull_forward", s.lang, amount=s.money(-d.incremental))
        elif kind == "halo":
            dip = t(
                "finding_lift_halo",
                s.lang,
                amount=s.money(d.incremental),
                lower=s.money(d.lower),
                upper=s.money(d.upper),
            )
        elif kind == "flat":
            dip = t("finding_lift_flat", s.lang)
        else:
            dip = ""
        return {
            "amount": s.money(tot.incremental),
            "lower": s.money(tot.lower),
            "upper": s.money(tot.upper),
            "dip": dip,
            "span": phase_span(list(lift.table.index), s.lang),
        }

    return _finding(
        style,
        "win" if tot.lower > 0 else "note",
        "finding_lift" if kind else "finding_lift_no_dip",
        fields,
        0.9,
        "incremental_gmv",
        priority=0,
    )


def _impact(
    style: Style,
    customers: CustomerAnalysis | Skip,
    lift: LiftAnalysis | Skip,
    margin: MarginAnalysis | Skip,
    stocking: bool = False,
) -> list[Finding]:
    """Customers, lift and money.

    ``stocking``: a war report inside the pre-heat, whose spend builds the burst's pool (蓄水) —
    its profit ROI and break-even ROAS are one note, not a verdict.
    """
    out = []
    if (
        isinstance(customers, CustomerAnalysis)
        and customers.quality is not None
        and customers.quality.test is not None
    ):
        q, test = customers.quality, customers.quality.test
        significant = test.p_value < REPEAT_ALPHA
        if not customers.organic_comparable:  # 'organic new' are mostly old buyers: no verdict
            kind, key = "note", "finding_repeat_short_history"
        elif significant:
            kind, key = (
                ("miss", "finding_repeat_below")
                if test.diff < 0
                else ("win", "finding_repeat_above")
            )
        else:
            kind, key = "note", "finding_repeat_against"
        out.append(
            _finding(
                style,
                kind,
                key,
                lambda s: {
                    "k": q.k,
                    "campaign": pct(q.campaign.rate),
                    "organic": pct(q.organic.rate),
                    "p": test.p_value,
                    "days": BASELINE_HISTORY_DAYS,
                    # a rate over part of the cohort says so: the rest is not observed yet
                    "observed": t(
                        "finding_repeat_observed",
                        s.lang,
                        k=q.k,
                        n=q.campaign.n_eligible,
                        censored=q.campaign.n_censored,
                    )
                    if q.campaign.n_censored
                    else "",
                },
                abs(test.diff) * 5,
                "repeat_rate",
            )
        )
    if isinstance(lift, LiftAnalysis):
        out.append(_lift(style, lift))
    if stocking and isinstance(margin, MarginAnalysis):
        m = margin
        out.append(
            _finding(
                style,
                "note",
                "finding_preheat_spend",
                lambda s: {"spend": s.money(m.spend), "roas": m.roas},
                0.5,
                "roi_margin",
            )
        )
        return out
    if isinstance(margin, MarginAnalysis) and margin.roi_margin is not None:
        m, roi = margin, margin.roi_margin
        good = roi >= BREAK_EVEN_ROI
        out.append(
            _finding(
                style,
                "win" if good else "miss",
                f"finding_margin_roi_{'above' if good else 'below'}",
                lambda s: {
                    "roi": roi,
                    "igp": s.money(m.igp),
                    "cost": s.money(m.spend),
                    "break_even": BREAK_EVEN_ROI,
                    "roas": m.roas,
                },
                abs(roi - BREAK_EVEN_ROI),
                "roi_margin",
                priority=0,
            )
        )
    below = list(getattr(margin, "below_break_even", None) or ())
    if isinstance(margin, MarginAnalysis) and below and margin.channels is not None:
        be, ch = margin.break_even_roas, margin.channels
        spent = float(ch.loc[[c for c in below if c in ch.index], "spend"].sum())
        out.append(
            _finding(
                style,
                "miss",
                "finding_below_break_even"
                if be is not None and np.isfinite(be)
                else "finding_below_break_even_all",
                lambda s: {
                    "n": len(below),
                    "channels": s.pick("、", ", ").join(s.channel(c) for c in below),
                    "break_even": be,
                    "spend": s.money(spent),
                },
                0.5,
                "break_even",
            )
        )
    return out


def draft_findings(
    style: Style,
    kpis: pd.DataFrame,
    targets: pd.DataFrame,
    hypotheses: pd.DataFrame,
    channels: pd.DataFrame,
    agg: Aggregates,
    decomposition: Decomposition | None,
    funnel: pd.DataFrame | None,
    inventory: InventoryHealth | Skip | None,
    customers: CustomerAnalysis | Skip,
    lift: LiftAnalysis | Skip,
    margin: MarginAnalysis | Skip,
    root_cause: RootCause,
    ab: ABTest | Skip | None,
    day_anomalies: DayAnomalies | Skip,
    alerts: ShareAlerts,
    live: Any,
    products: Any,
    windows: Windows,
    prices: Any,
    service: Any,
) -> tuple[Finding, ...]:
    """Wins first, then misses, then notes; within each, targets, hypotheses, then the rest by weight.

    Returns
    -------
    tuple of Finding
        Every finding the results support (the report shows the first few of each kind).
    """
    out = [
        *_verdicts(style, targets, hypotheses),
        *_channel_growth(style, kpis, agg),
        *_execution(style, agg, decomposition, funnel, inventory, products),
        *_undercuts(style, prices, products),
        *_shipping(style, service),
        *_roas(style, channels),
        *_impact(style, customers, lift, margin, stocking=not windows.burst_begun),
        *events(style, root_cause, ab, day_anomalies, alerts, live),
    ]
    return tuple(sorted(out, key=lambda f: (KIND_ORDER[f.kind], f.priority, -f.weight)))

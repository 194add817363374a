"""The result's headline: KPI cards, KPIs by window, targets, hypotheses, the GMV driver
decomposition, daily GMV, hourly peaks and the auto-drafted findings."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ...analysis.results import Decomposition, Finding
from ...dictionary import KPI_DEFINITIONS, WINDOW_LENGTH_SENSITIVE
from ...format import OPS, Style
from ...i18n import join, kpi_definition, kpi_name, phase_name, t
from .. import charts
from ..html import Html, Section, bold, fragment, note, table

#: the KPIs of the cards, in order
CARD_KPIS = (
    "gmv",
    "net_gmv",
    "orders",
    "buyers",
    "uv",
    "cr",
    "aov",
    "aov_buyer",
    "new_customers",
    "spend",
    "roas",
)
#: the KPIs of the daily-GMV section's table
WINDOW_KPIS = (
    "gmv",
    "gmv_per_day",
    "orders",
    "buyers",
    "aov",
    "aov_buyer",
    "new_customers",
    "refund_rate",
)
#: KPIs compared with the baseline per day (the others as they are)
PER_DAY = {"gmv", "net_gmv", "orders", "buyers", "uv", "new_customers", "spend"}
#: per-day comparisons made on another column: visitors distinct over a window, divided by its
#: days, fall with the window's length (a visitor of many days counts once) — a 30-day baseline
#: against a 32-day campaign halved the visitors' rise, a 1-day baseline turned it negative; the
#: day-summed count per day (日均访客, the dictionary's uv_daily_sum / days) is like for like;
#: conversion over distinct buyers and visitors moves with the length too, and is compared by its
#: daily rate (cr_daily, the conversion index's 口径). Key → (the column compared, its label).
COMPARED_ON = {
    "uv": ("uv_daily_sum", "vs_baseline_daily_sum"),
    "cr": ("cr_daily", "vs_baseline_daily_rate"),
}
#: figures over a window's distinct buyers, without a day-summed column: compared with the
#: baseline only when the two windows are about as long (their lengths within this share), else
#: not compared — buyers per day fall with the window's length, and GMV per buyer (客单价) rises
#: with it (over 68 days a buyer orders more often than over 28: '+43.7 %' on UCI data where the
#: 33-day burst alone gave +12.6 %)
DISTINCT_PER_DAY = {"buyers", "aov_buyer"}
SIMILAR_DAYS = 0.1


def kpi_cards(
    kpis: pd.DataFrame, targets: pd.DataFrame, style: Style, window: str = "campaign"
) -> Html:
    """One card per headline KPI of ``window``: value, achievement vs target, index vs baseline."""
    row, base = kpis.loc[window], kpis.loc["baseline"]
    tmap = targets.set_index("kpi") if len(targets) else pd.DataFrame()
    cards = []
    for key in CARD_KPIS:
        d = KPI_DEFINITIONS[key]
        v = float(row[key])
        if not math.isfinite(v):
            continue
        card: dict[str, Any] = {
            "definition": kpi_definition(key, style.lang),
            "name": kpi_name(key, style.lang),
            "value": style.value(v, d.unit),
            "target": None,
            "baseline": None,
        }
        if key in tmap.index:
            card["target"] = {
                "achievement": tmap.loc[key].achievement,
                "status": tmap.loc[key].status,
            }
        source, label = COMPARED_ON.get(key, (key, None))
        now, b = float(row.get(source, math.nan)), float(base.get(source, math.nan))
        alike = abs(row.days - base.days) <= SIMILAR_DAYS * max(row.days, base.days)
        if math.isfinite(b) and b and math.isfinite(now) and (key not in DISTINCT_PER_DAY or alike):
            ratio = (now / row.days) / (b / base.days) if key in PER_DAY else now / b
            card["baseline"] = {
                "cls": "fp-up" if (ratio >= 1) == d.higher_is_better else "fp-down",
                "label": t(
                    label or ("vs_baseline" if key in PER_DAY else "vs_baseline_ratio"), style.lang
                ),
                "change": ratio - 1,
            }
        cards.append(card)
    return fragment("kpi_cards", style, cards=cards)


def window_table(
    kpis: pd.DataFrame, keys: tuple[str, ...], style: Style, maturity: Any = None
) -> Html:
    """KPIs (rows) by window (columns); with ``maturity`` (:class:`RefundMaturity`) the refund
    figures of windows measured too soon are marked 退款未完结, with a note saying when."""
    phases = list(kpis.index)
    # a window without sales has no refund to wait for: it is not marked
    sold = kpis["gmv"].fillna(0) > 0 if "gmv" in kpis else pd.Series(True, index=kpis.index)
    immature = {p for p in getattr(maturity, "immature", ()) or () if p in sold and sold[p]}
    refund_keys = {"refund_rate", "refunds", "net_gmv"}

    def cell(p: str, k: str) -> str:
        v = style.value(float(kpis.at[p, k]), KPI_DEFINITIONS[k].unit)
        return f"{v} *" if k in refund_keys and p in immature and v != "—" else v

    rows = [[kpi_name(k, style.lang)] + [cell(p, k) for p in phases] for k in keys]
    out = table([t("kpi", style.lang)] + [phase_name(p, style.lang) for p in phases], rows, style)
    marked = [p for p in phases if any(cell(p, k).endswith(" *") for k in refund_keys & set(keys))]
    if marked:
        note_text = t(
            "refund_immature",
            style.lang,
            windows=join([phase_name(p, style.lang) for p in marked], style.lang),
            measured_on=maturity.measured_on,
            days=maturity.maturity_days,
        )
        out = Html(f"{out}{fragment('refund_note', style, text=note_text)}")
    return out


def targets_table(targets: pd.DataFrame, style: Style) -> Html:
    """Each target: plan, actual, achievement and verdict; nothing without targets (the card
    section above says the card sets none), rather than a table of headers only."""
    if targets.empty:
        return Html("")
    rows = [
        {
            "name": kpi_name(r.kpi, style.lang),
            "target": style.value(r.target, KPI_DEFINITIONS[r.kpi].unit),
            "actual": style.value(r.actual, KPI_DEFINITIONS[r.kpi].unit),
            "achievement": r.achievement,
            "status": r.status,
        }
        for r in targets.itertuples()
    ]
    return fragment("targets_table", style, targets=rows)


def _unlike_length(h: Any) -> bool:
    """Whether ``h`` tests a KPI over distinct visitors or buyers on a window whose length is not
    the baseline's (within :data:`SIMILAR_DAYS`): its value moves with the length."""
    days, base = getattr(h, "days", float("nan")), getattr(h, "baseline_days", float("nan"))
    if h.kpi not in WINDOW_LENGTH_SENSITIVE or h.window == "baseline":
        return False
    if not (math.isfinite(days) and math.isfinite(base)) or min(days, base) <= 0:
        return False
    return abs(days - base) > SIMILAR_DAYS * max(days, base)


def hypotheses_table(hyps: pd.DataFrame, style: Style) -> Html:
    """Each hypothesis with its test, the actual value and the verdict; a verdict on a KPI over
    distinct visitors or buyers whose window is not the baseline's length is marked ※ and a note
    gives both lengths (the demo's burst converted 8.60 % of its distinct visitors over 11 days,
    the baseline 5.89 % over 30 days and 5.49 % over its last 11: a threshold between them passes
    or fails with the length). The conversion index is not marked: it compares the daily rates."""
    lang = style.lang
    marked = [h for h in hyps.itertuples() if _unlike_length(h)]
    rough = {h.id for h in marked}
    rows = [
        {
            "id": h.id,
            "text": h.text,
            "test": f"{kpi_name(h.kpi, lang)}{style.pick('（', ' (')}{phase_name(h.window, lang)}"
            f"{style.pick('）', ') ')}"
            f"{OPS.get(h.op, h.op)} {style.threshold(h.value, KPI_DEFINITIONS[h.kpi].unit)}",
            "actual": style.value(h.actual, KPI_DEFINITIONS[h.kpi].unit)
            + (" ※" if h.id in rough else ""),
            # the same KPI in the baseline: a threshold the everyday shop already met is no proof
            "baseline": style.value(h.baseline, KPI_DEFINITIONS[h.kpi].unit)
            if "baseline" in hyps and h.window != "baseline"
            else "—",
            "status": h.status,
        }
        for h in hyps.itertuples()
    ]
    notes = [
        t(
            "hyp_unlike_length",
            lang,
            id=h.id,
            window=phase_name(h.window, lang),
            days=int(h.days),
            base=int(h.baseline_days),
        )
        for h in marked
    ]
    return fragment("hypotheses_table", style, hypotheses=rows, notes=notes)


def decomposition_table(d: Decomposition, style: Style) -> Html:
    """The decomposition's factors per window and each method's effects, summing to the change."""
    rows: list[list[Any]] = [
        [
            kpi_name(k, style.lang),
            style.value(d.base[k], KPI_DEFINITIONS[k].unit),
            style.value(d.current[k], KPI_DEFINITIONS[k].unit),
            style.money_col(d.lmdi[k]),
            style.money_col(d.shapley[k]),
        ]
        for k in d.lmdi.index
    ]
    rows.append(
        [
            bold(t("decomposition_total", style.lang)),
            style.money(d.gmv_base),
            style.money(d.gmv_current),
            bold(style.money_col(d.lmdi.sum())),
            style.money_col(d.shapley.sum()),
        ]
    )
    return fragment(
        "decomposition",
        style,
        rows=rows,
        total=d.gmv_current - d.gmv_base,
        phase_baseline=phase_name("baseline", style.lang),
        phase_campaign=phase_name("campaign", style.lang),
        unit=style.money_unit(),
    )


def decomposition(d: Decomposition | None, style: Style) -> Section:
    """The GMV driver waterfall and its table; without visitors in both windows (no events
    table, or one not covering every day of them: the probe's card whose baseline began before
    the events was told 'no events table') a note saying which."""
    if d is None:
        return (note(t("no_visitors", style.lang)),)
    return charts.waterfall(d.gmv_base, d.lmdi, d.gmv_current, style), decomposition_table(d, style)


def daily_gmv(
    daily: pd.DataFrame,
    windows: pd.DataFrame,
    kpis: pd.DataFrame,
    style: Style,
    maturity: Any = None,
) -> Section:
    """Daily GMV by channel with the phases shaded, and the KPIs of each window (refund figures
    not yet settled marked, when ``maturity`` says so)."""
    return charts.daily_gmv(daily, windows, style), window_table(kpis, WINDOW_KPIS, style, maturity)


def findings(items: tuple[Finding, ...], style: Style, top: int = 6) -> Html:
    """Top wins, top misses and notes, each a sentence with its numbers."""
    groups = [
        (kind, [f for f in items if f.kind == kind][:top]) for kind in ("win", "miss", "note")
    ]
    return fragment("findings", style, groups=groups)

"""Was the lift real: incremental GMV with pull-forward or halo, the difference-in-differences
against control series, margin ROI and LTV:CAC (METHODS.md §1)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...analysis.findings import BREAK_EVEN_ROI
from ...analysis.impact import LTV_CAC_TARGET, LTV_FIRST_DAYS
from ...analysis.results import (
    ControlAnalysis,
    LiftAnalysis,
    LtvCac,
    MarginAnalysis,
    Skip,
    YearOnYearAnalysis,
)
from ...format import Style, number, pct, signed
from ...i18n import join, kpi_name, phase_name, phase_span, t
from ...metrics.yoy import MEASURES as YOY_MEASURES
from .. import charts
from ..html import Html, Section, bold, fragment, note, significance
from .notes import skipped_note


def _interval(style: Style, lower: float, upper: float) -> str:
    """An interval in its column's unit (the unit is in the header)."""
    return f"{style.money_col(lower)} ~ {style.money_col(upper)}"


def lift_headline(result: LiftAnalysis, style: Style) -> str:
    """The headline sentence: campaign lift, then what the dip did — pull-forward (透支, its interval
    below 0), halo (长尾带动, above 0: sizes and intervals as positive numbers) or nothing
    distinguishable from zero (the interval contains 0) — and the net increment."""
    lang, m = style.lang, style.money
    tab, verdict = result.table, result.dip_verdict
    pf: Any = result.pull_forward
    camp, tot = tab.loc["campaign"], tab.loc["total"]
    if verdict is None:  # no dip window: nothing netted
        return t(
            "lift_no_dip", lang, span=phase_span(list(tab.index), lang), net=m(tot.incremental)
        )
    dip, n, net = tab.loc["dip"], result.dip_days, m(tot.incremental)
    head = t(
        "lift_head_more" if camp.incremental >= 0 else "lift_head_less",
        lang,
        amount=m(abs(camp.incremental)),
    )
    if camp.lower <= 0 <= camp.upper:  # 'sold more' is no fact when the interval holds zero
        head += t("lift_head_undecided", lang, lower=m(camp.lower), upper=m(camp.upper))
    share = pf is not None and np.isfinite(pf["estimate"])
    if verdict == "pull_forward" and share:
        return t(
            "lift_pull_forward_share",
            lang,
            head=head,
            amount=m(-dip.incremental),
            share=pct(pf["estimate"]),
            lower=pct(pf["lower"]),
            upper=pct(pf["upper"]),
            days=n,
            net=net,
        )
    if verdict == "pull_forward":
        return t(
            "lift_pull_forward",
            lang,
            head=head,
            days=n,
            amount=m(-dip.incremental),
            lower=m(-dip.upper),
            upper=m(-dip.lower),
            net=net,
        )
    if verdict == "halo":
        ranged = share and np.isfinite(pf["lower"]) and np.isfinite(pf["upper"])
        rel = (
            t(
                "lift_halo_share",
                lang,
                share=pct(-pf["estimate"]),
                lower=pct(-pf["upper"]),
                upper=pct(-pf["lower"]),
            )
            if ranged
            else t("lift_halo_share_only", lang, share=pct(-pf["estimate"]))
            if share
            else ""
        )  # an interval that could not be computed is not printed as '— ~ —'
        return t(
            "lift_halo",
            lang,
            head=head,
            days=n,
            amount=m(dip.incremental),
            lower=m(dip.lower),
            upper=m(dip.upper),
            share=rel,
            net=net,
        )
    return t(
        "lift_flat",
        lang,
        head=head,
        days=n,
        amount=m(dip.incremental),
        lower=m(dip.lower),
        upper=m(dip.upper),
        net=net,
    )


def _volumes(result: LiftAnalysis, style: Style) -> str:
    """Incremental orders and units, pre-heat to dip, by the same model (when it could be fitted)."""
    parts = {}
    for metric in ("orders", "units"):
        v = result.volumes.get(metric)
        if v is not None and "total" in v.index:
            x = v.loc["total"]
            parts[metric] = t(
                f"lift_volume_{metric}", style.lang, inc=x.incremental, lower=x.lower, upper=x.upper
            )
    if not parts:
        return ""
    span = phase_span(list(result.table.index), style.lang)
    return t(f"lift_volumes_{'_'.join(parts)}", style.lang, span=span, **parts)


def lift(result: LiftAnalysis | Skip, style: Style) -> Html:
    """Incremental GMV per phase with intervals, and what the dip did (pull-forward, halo or
    neither); a skipped analysis says why, in the report's language."""
    if isinstance(result, Skip):
        reason = result.text(style.lang) or t("no_reason_recorded", style.lang)
        return note(t("lift_skipped", style.lang, reason=reason))
    tab, m = result.table, style.money_col
    rows: list[list[Any]] = [
        [
            phase_name(p, style.lang),
            m(x.actual),
            m(x.expected),
            m(x.incremental),
            _interval(style, x.lower, x.upper),
        ]
        for p, x in tab.iterrows()
        if p != "total"
    ]
    tot = tab.loc["total"]
    rows.append(
        [
            bold(t("lift_total", style.lang, span=phase_span(list(tab.index), style.lang))),
            m(tot.actual),
            m(tot.expected),
            bold(m(tot.incremental)),
            _interval(style, tot.lower, tot.upper),
        ]
    )
    closed = join([t(f"weekday_{d}", style.lang) for d in result.closed_weekdays], style.lang)
    # the model trains on the year before the baseline's end — or on what the orders have of it
    weeks = None
    if result.cf is not None:  # (tests build a LiftAnalysis without its fitted model)
        days = result.cf.daily
        history = days.index[days.role != "predict"]
        weeks = ((history.max() - history.min()).days + 1) // 7 if len(history) else None
    g = result.growth_per_year
    # a trend that halves or doubles sales within a year: say the verdicts depend on it
    steep = (1 + g) ** (1 / 12) - 1 if np.isfinite(g) and not -0.5 < g < 1.0 else None
    return fragment(
        "lift",
        style,
        lift=result,
        steep=steep,
        history_weeks=weeks,
        rows=rows,
        headline=lift_headline(result, style),
        volumes=_volumes(result, style),
        closed=closed,
        unit=style.money_unit(),
    )


def lift_section(result: LiftAnalysis | Skip, windows: Any, style: Style) -> Section:
    """Actual vs counterfactual daily GMV (closed weekdays left out: 0 by design) and the lift table."""
    if isinstance(result, Skip):
        return (lift(result, style),)
    daily = result.cf.daily
    return charts.counterfactual(daily[~daily.closed], windows, style), lift(result, style)


def _did_sentence(result: ControlAnalysis, style: Style) -> str:
    lang, m, net = style.lang, style.money, result.net
    parts = [
        t(
            "did_intro",
            lang,
            categories=join(list(result.categories), lang),
            amount=m(net.lift_promoted),
        )
    ]
    if result.substitutes:
        parts.append(t("did_cannibalised", lang, amount=m(net.cannibalisation)))
    if result.complements:
        parts.append(t("did_halo", lang, amount=m(net.halo)))
    pull = net.pull_forward
    if pull != pull:  # no dip window: not measured
        parts.append(t("did_no_dip", lang))
    else:
        parts.append(
            t("did_pulled", lang, amount=m(pull))
            if pull >= 0
            else t("did_dip_halo", lang, amount=m(-pull))
        )
    parts.append(
        t("did_net" if pull == pull else "did_net_gross", lang, amount=m(net.net_incremental))
    )
    undeclared = [k for k in ("substitutes", "complements") if not getattr(result, k)]
    if undeclared:
        parts.append(t(f"did_undeclared_{'_'.join(undeclared)}", lang))
    return "".join(parts)


def controls(result: ControlAnalysis | Skip | None, style: Style) -> Html:
    """Difference-in-differences against the card's control series, the pre-trend check, and
    cannibalisation / halo with the net incremental GMV (METHODS.md §1.1)."""
    if isinstance(result, Skip):
        return note(t("did_unusable", style.lang, reason=result.text(style.lang)))
    if result is None:
        return note(t("did_undeclared", style.lang))
    m = style.money_col
    rows = [
        [
            phase_name(ph, style.lang),
            m(x.actual),
            m(x.expected),
            m(x.incremental),
            _interval(style, x.lower, x.upper),
            significance(x.p_value, style.lang),
        ]
        for ph, x in result.table.iterrows()
    ]
    items = (
        []
        if result.items is None
        else [
            [k, m(x.actual), m(x.expected), m(x.incremental), _interval(style, x.lower, x.upper)]
            for k, x in result.items.iterrows()
        ]
    )
    slope = style.money(round(result.pretrend.slope_diff_per_week, 2) + 0.0)
    return fragment(
        "controls",
        style,
        result=result,
        rows=rows,
        items=items,
        slope=slope,
        sentence=_did_sentence(result, style),
        unit=style.money_unit(),
    )


def margin_roi(m: MarginAnalysis | Skip, style: Style) -> Html:
    """Margin-aware ROI beside ROAS, subsidy leakage and the break-even lift (METHODS.md §1.2)."""
    if isinstance(m, Skip):
        return skipped_note(m, style)
    lang, nan = style.lang, float("nan")
    lift_needed = f"{m.break_even_lift:+.0%}" if np.isfinite(m.break_even_lift) else "—"
    rows = [
        [t("margin_igp", lang), style.money(m.igp)],
        [t("margin_cost", lang), style.money(m.spend if m.spend is not None else nan)],
        [
            t("margin_roi", lang, break_even=BREAK_EVEN_ROI),
            number(m.roi_margin if m.roi_margin is not None else nan, 2),
        ],
        [t("margin_net_roi", lang), signed(m.net_roi if m.net_roi is not None else nan, 2)],
        [t("margin_roas", lang), number(m.roas, 2)],
        [t("margin_leakage_row", lang), style.money(m.subsidy_leakage)],
        [t("margin_depth_row", lang), f"{pct(m.discount_depth)} / {pct(m.unit_margin)}"],
        [t("margin_lift_row", lang), f"{m.unit_lift:+.0%} vs {lift_needed}"],
    ]
    b = m.buckets[m.buckets.skus > 0]
    buckets = [
        [
            x.bucket,
            str(int(x.skus)),
            f"{x.lift:+.0%}",
            style.money_col(x.igp),
            style.money_col(x.subsidy_leakage),
        ]
        for x in b.itertuples()
    ]
    return fragment("margin_roi", style, m=m, rows=rows, buckets=buckets, unit=style.money_unit())


def ltv_cac(x: LtvCac | Skip | None, style: Style) -> Html:
    """LTV : CAC of the campaign's new customers against the rule-of-thumb target; nothing when
    not asked (no spend or no new customers), the reason when skipped."""
    if x is None:
        return Html("")
    if isinstance(x, Skip):
        return skipped_note(x, style)
    return fragment(
        "ltv_cac", style, x=x, target=LTV_CAC_TARGET, days=LTV_FIRST_DAYS, weeks=x.horizon_weeks
    )


def _growth(x: float) -> str:
    """``+12.3%`` / ``-4.0%``; ``—`` when not a number (not measured, or nothing last year)."""
    return "—" if x is None or not np.isfinite(x) else f"{x:+.1%}"


def year_on_year(a: YearOnYearAnalysis | Skip, style: Style) -> Html:
    """同比: GMV, orders, buyers, 笔单价 and 客单价 of the campaign (and its burst) beside the
    same days last year and the growth; which days those are; why last year was not measured
    where it was not."""
    if isinstance(a, Skip):
        return note(a.text(style.lang))
    lang, y = style.lang, a.yoy
    tab = y.table
    said = [
        t(
            "yoy_days",
            lang,
            window=phase_name(str(name), lang),
            start=r.start,
            end=r.end,
            ly_start=r.ly_start,
            ly_end=r.ly_end,
        )
        for name, r in tab.iterrows()
    ]
    rule = t("yoy_rule_calendar" if y.calendar else "yoy_rule_weeks", lang)
    measured = tab[tab.measured.astype(bool)]
    if measured.empty:
        return note(
            t("yoy_not_measured", lang, start=y.history_start.date())
            + " "
            + t("yoy_sep", lang).join(said)
            + t("yoy_end", lang)
        )
    header = [t("yoy_measure", lang)]
    for name in measured.index:
        header += [phase_name(str(name), lang), t("yoy_last", lang), t("yoy_growth", lang)]
    rows = []

    def shown(m: str, v: float) -> str:  # GMV in 万 with a decimal, prices whole, counts whole
        if m == "gmv":
            return style.money(v)
        return style.money(v, digits=0) if m in ("aov", "aov_buyer") else number(v)

    for m in YOY_MEASURES:
        cells = [kpi_name(m, lang)]
        for _, r in measured.iterrows():
            cells += [shown(m, r[m]), shown(m, r[f"{m}_ly"]), _growth(r[f"{m}_growth"])]
        rows.append(cells)
    notes = [t("yoy_sep", lang).join(said) + t("yoy_end", lang), rule]
    if len(measured) < len(tab):
        notes.append(t("yoy_partly_measured", lang, start=y.history_start.date()))
    notes.append(t("yoy_caveat", lang))
    return fragment("year_on_year", style, header=header, rows=rows, notes=notes)

"""一页纸结论: the conclusion first — target achievement, did it make money, three problems, three
actions, each with its numbers — read from the results the analysis already has.

Also the 复盘 action table: each miss with its cause (controllable or not) → action → owner →
the metric and target that will show it worked next time, and the operator's lessons beside the
measured contribution of the period they name.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ...analysis.results import Finding, LiftAnalysis, MarginAnalysis
from ...analysis.results.ops import PresaleResult
from ...dictionary import KPI_DEFINITIONS
from ...format import Style, pct
from ...i18n import CATALOGUE, kpi_name, phase_name, phase_span, t
from ..html import Html, fragment

#: misses a reader can act on, most actionable first (targets and profit have their own boxes)
PROBLEM_RANK = {
    "stockouts": 0,
    "repeat_rate": 1,
    "break_even": 1.5,
    "shipping": 2.5,
    "funnel": 2,
    "live_no_show": 3,
    "day_anomaly": 4,
    "alert": 4,
}
#: metrics shown in the summary's first two boxes, not again as problems
HEADLINE_METRICS = {"roi_margin"}
#: words of a card action that tie it to a finding's metric, when its ``finding:`` is not set
ACTION_WORDS = {
    "stockouts": ("库存", "断货", "缺货", "补货", "stock"),
    "repeat_rate": ("复购", "会员", "私域", "repeat", "retention"),
    "funnel": ("转化", "加购", "详情页", "conversion", "funnel"),
    "roi_margin": ("让利", "折扣", "投放", "投产", "ROI", "discount"),
    "break_even": ("投放", "投产", "出价", "预算", "ROAS", "budget", "bid"),
    "alert": ("达人", "排期", "直播", "KOL", "schedule"),
    "live_no_show": ("缺播", "达人", "主播", "排期", "直播", "no-show", "schedule"),
    "day_anomaly": ("达人", "排期", "直播", "KOL", "schedule"),
    "price_control": ("控价", "破价", "价格", "到手价", "price"),
    "shipping": ("发货", "仓", "物流", "履约", "打包", "shipping", "warehouse", "fulfil"),
}
#: the phases the GMV target covers (the campaign window)
CAMPAIGN_PHASES = ("preheat", "burst", "post")
#: words of an operator lesson that name a period (campaign phase)
PERIOD_WORDS = {
    "preheat": ("预售", "定金", "预热", "蓄水", "presale", "pre-heat", "preheat"),
    "burst": ("爆发", "高峰", "11月11日", "零点", "burst", "peak"),
    "post": ("返场", "post"),
    "dip": ("回落", "下旬", "透支", "dip"),
}


def problems(findings: tuple[Finding, ...], n: int = 3) -> list[Finding]:
    """The ``n`` misses to lead with: actionable ones first (stock-outs, repeat, funnel, …),
    then failed hypotheses and the rest; missed targets and profit are shown above them."""
    misses = [
        f
        for f in findings
        if f.kind == "miss" and f.priority != 0 and f.metric not in HEADLINE_METRICS
    ]
    ranked = sorted(
        enumerate(misses),
        key=lambda x: (PROBLEM_RANK.get(x[1].metric, 3 if x[1].priority == 1 else 5), x[0]),
    )
    return [f for _, f in ranked[:n]]


def _hint(key: str, metric: str, lang: str) -> str | None:
    k = f"{key}_{metric}"
    return t(k, lang) if k in CATALOGUE else None


def _card_action(card: Any, finding: Finding, used: set[int]) -> tuple[int, Any] | None:
    actions = list(card.retrospective.actions)
    for i, a in enumerate(actions):  # the card says which finding it answers
        if i not in used and a.finding and a.finding in (finding.metric, finding.zh, finding.en):
            return i, a
    words = ACTION_WORDS.get(finding.metric, ())
    for i, a in enumerate(actions):
        if i not in used and any(w.lower() in a.what.lower() for w in words):
            return i, a
    return None


def _metric_target(a: Any, style: Style) -> str | None:
    if a is None or not a.metric:
        return None
    unit = KPI_DEFINITIONS[a.metric].unit
    target = "—" if a.target is None else style.threshold(a.target, unit)
    return f"{kpi_name(a.metric, style.lang)} {target}"


def _hint_for(key: str, f: Finding, lang: str) -> str | None:
    """The hint for ``f``'s metric, else — for a failed hypothesis — the hypotheses' own."""
    return _hint(key, f.metric, lang) or (
        _hint(key, "hypothesis", lang) if f.priority == 1 else None
    )


def action_rows(card: Any, findings: list[Finding], style: Style) -> list[dict[str, Any]]:
    """Each finding with its cause type, the action (the card's, else a suggestion; 'to be
    decided' when there is none, never an empty cell), owner, due date, the metric and target
    that will show it worked, and the action's status."""
    lang, rows = style.lang, []
    used: set[int] = set()
    for f in findings:
        found = _card_action(card, f, used)
        a = None
        if found is not None:
            used.add(found[0])
            a = found[1]
        hint = None if a else _hint_for("action_hint", f, lang)
        rows.append(
            {
                "problem": f.text(lang),
                "cause": _hint_for("cause_type", f, lang) or t("cause_type_unknown", lang),
                "action": a.what if a else (hint or t("action_tbd", lang)),
                "suggested": a is None and hint is not None,
                "owner": (a.owner if a and a.owner else t("owner_tbd", lang)),
                "due": a.due.isoformat() if a and a.due else "—",
                "check": _metric_target(a, style)
                or _hint_for("check_hint", f, lang)
                or t("check_tbd", lang),
                "status": t(f"action_status_{(a.status if a and a.status else 'open')}", lang),
            }
        )
    return rows


def _targets(targets: pd.DataFrame, style: Style) -> list[dict[str, Any]]:
    out = []
    for r in targets.itertuples():
        unit = KPI_DEFINITIONS[r.kpi].unit
        out.append(
            {
                "name": kpi_name(r.kpi, style.lang),
                "actual": style.value(r.actual, unit),
                "target": style.value(r.target, unit),
                "achievement": r.achievement,
                "status": r.status,
            }
        )
    return out


def profit_answer(
    margin: Any, lift: Any, style: Style, pnl: Any = None, card: Any = None
) -> dict[str, Any]:
    """Did the campaign make money: the P&L's contribution profit (活动损益表, when there is one)
    and incremental gross profit against what the campaign cost (利润ROI), with the net
    incremental GMV after pull-forward; parts not measured are left out, never shown as 0.
    A war report inside the pre-heat (``card``'s windows without a burst) gets no verdict: its
    spend builds the burst's pool, the figures to date follow a headline saying so."""
    lang = style.lang
    out: dict[str, Any] = {"verdict": None, "lines": [], "tag": None}
    stocking = card is not None and not card.windows.burst_begun
    has_pnl = hasattr(pnl, "made_money") and hasattr(pnl, "statement")
    if has_pnl:
        out["verdict"] = "met" if pnl.made_money else "missed"
        out["lines"].append(
            t(
                "summary_pnl_line",
                lang,
                amount=style.money(float(pnl.statement.contribution)),
                start=pnl.window[0],
                end=pnl.window[1],
            )
        )
    if isinstance(margin, MarginAnalysis) and margin.roi_margin is not None:
        made = margin.roi_margin >= 1.0
        if has_pnl:
            key = f"summary_profit_{'yes' if pnl.made_money else 'no'}_{'yes' if made else 'no'}"
            out["headline"] = t(key, lang)
            if pnl.made_money != made:  # the P&L and the campaign's own return disagree: no green
                out["verdict"] = "mixed"
                out["tag"] = t(f"profit_tag_{'pnl' if pnl.made_money else 'campaign'}_only", lang)
        else:
            out["verdict"] = "met" if made else "missed"
            out["headline"] = t("summary_profit_yes" if made else "summary_profit_no", lang)
        out["lines"].append(
            t(
                "summary_profit_line",
                lang,
                igp=style.money(margin.igp),
                cost=style.money(margin.spend),
                roi=margin.roi_margin,
                roas=margin.roas,
            )
        )
        inc = getattr(margin, "roi_margin_incremental", None)
        if inc is not None and math.isfinite(inc):
            out["lines"].append(t("summary_profit_incremental", lang, roi=inc))
    elif has_pnl:
        out["headline"] = t("summary_pnl_yes" if pnl.made_money else "summary_pnl_no", lang)
    else:
        out["headline"] = t("summary_profit_unknown", lang)
    if stocking:
        out.update(verdict=None, tag=None, headline=t("summary_profit_stocking", lang))
    if isinstance(lift, LiftAnalysis) and "total" in lift.table.index:
        tot = lift.table.loc["total"]
        lo, hi = float(tot.lower), float(tot.upper)
        ranged = ""
        if math.isfinite(lo) and math.isfinite(hi):  # the interval is the verdict's half
            ranged = t(
                "lift_head_undecided" if lo <= 0 <= hi else "summary_lift_range",  # one wording
                lang,
                lower=style.money(lo),
                upper=style.money(hi),
            )
        out["lines"].append(
            t(
                "summary_lift_line" if lift.dip_verdict else "summary_lift_line_no_dip",
                lang,
                span=phase_span(list(lift.table.index), lang),
                more=t("summary_lift_more" if tot.incremental >= 0 else "summary_lift_less", lang),
                net=style.money(abs(tot.incremental)),
                range=ranged,
            )
        )
    return out


def summary(r: Any, style: Style) -> Html:
    """The one-page summary at the top of the report."""
    top = problems(r.findings)
    return fragment(
        "summary",
        style,
        targets=_targets(r.targets, style),
        profit=profit_answer(r.margin, r.lift, style, getattr(r, "pnl", None), r.card),
        problems=[f.text(style.lang) for f in top],
        actions=action_rows(r.card, top, style),
    )


def _period_of(text: str) -> str | None:
    for phase, words in PERIOD_WORDS.items():
        if any(w.lower() in text.lower() for w in words):
            return phase
    return None


def lesson_checks(
    card: Any, lift: Any, targets: pd.DataFrame, style: Style, presale: Any = None
) -> list[list[str]]:
    """Each operator lesson that names a period, beside that period's measured increment (actual
    minus expected without the campaign) and the GMV gap to target, when both are known.

    When the card counts presale GMV on the balance day (``presale``), money moves between the
    pre-heat and the burst: a deposit paid in the pre-heat counts on the burst's first day. The
    pre-heat's increment then reads low by what moved out, which is no sale lost — the demo's
    '预售期日销低 → -¥256.5万, 219 % of the gap' was mostly ¥202.8万 counted a few days later. The
    increment is shown with its order-day equivalent (the increment less what moved in) and the
    share of the gap is taken from that."""
    if not isinstance(lift, LiftAnalysis):
        return []
    moved = {
        phase: presale.moved_into(w.start, w.end)
        for phase in CAMPAIGN_PHASES
        if isinstance(presale, PresaleResult) and (w := getattr(card.windows, phase, None))
    }
    gap = None
    if len(targets) and "gmv" in set(targets.kpi):
        g = targets.set_index("kpi").loc["gmv"]
        gap = float(g.actual - g.target)
    rows = []
    r = card.retrospective
    for text in [*r.went_well, *r.to_improve]:
        phase = _period_of(text)
        if phase is None or phase not in lift.table.index:
            continue
        inc = float(lift.table.loc[phase].incremental)
        shown = style.money(inc)
        shift = moved.get(phase, 0.0)
        if abs(shift) >= 0.05 * max(abs(inc), 1.0):  # the counting date moves a real part of it
            inc -= shift
            shown += t("lesson_by_order_day", style.lang, amount=style.money(inc))
        # the GMV target covers the campaign window (pre-heat to post): a shortfall there is a
        # share of the gap; the dip lies outside it
        share = (
            pct(inc / gap, 0)
            if gap is not None and gap < 0 and inc < 0 and phase in CAMPAIGN_PHASES
            else "—"
        )
        rows.append([text, phase_name(phase, style.lang), shown, share])
    return rows


def lessons_and_actions(r: Any, style: Style, top: int = 5) -> Html:
    """经验与行动: the team's lessons (checked against the numbers where they name a period) and
    every miss as cause → action → owner → metric and target."""
    misses = problems(r.findings, n=top)
    gap = None
    if len(r.targets) and "gmv" in set(r.targets.kpi):
        g = r.targets.set_index("kpi").loc["gmv"]
        gap = float(g.actual - g.target)
    return fragment(
        "lessons",
        style,
        card=r.card,
        gap=style.money(gap) if gap is not None and gap < 0 else "—",
        checks=lesson_checks(r.card, r.lift, r.targets, style, getattr(r, "presale", None)),
        actions=action_rows(r.card, misses, style),
        extra=_unlinked(r.card, misses, style),
    )


def _unlinked(card: Any, misses: list[Finding], style: Style) -> list[list[str]]:
    """The card's actions not tied to any miss shown, as a plain list."""
    used: set[int] = set()
    for f in misses:
        found = _card_action(card, f, used)
        if found is not None:
            used.add(found[0])
    return [
        [
            a.what,
            a.owner or "—",
            a.due.isoformat() if a.due else "—",
            _metric_target(a, style) or "—",
        ]
        for i, a in enumerate(card.retrospective.actions)
        if i not in used
    ]

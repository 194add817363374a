"""One campaign's retrospective: validated data → aggregates → every number the report shows.

:func:`load_retrospective` is what the template's first cell calls. The :class:`Retrospective` it
returns holds frames and numbers only; the template displays them, :mod:`fupan.report.render` and
:mod:`fupan.report.charts` draw them, and :mod:`fupan.cases` turns them into the case record.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..dictionary import KPI_DEFINITIONS
from ..extract.aggregates import Aggregates, extract, window_frame
from ..format import money, pct, set_currency, set_money_index, value
from ..i18n import kpi_name, phase_name, step_label
from ..ingest.validate import Campaign, open_campaign, open_prepared
from ..metrics.alerts import share_anomalies
from ..metrics.decompose import decompose_gmv_change
from ..metrics.experiment import evaluate_ab, verdict
from ..metrics.kpi import channel_kpis, evaluate_hypotheses, target_achievement, window_kpis
from ..metrics.lifetime import value_by_cohort
from . import anomalies as daily_anomalies
from . import impact
from . import rootcause as rootcause_report
from . import steps as analyses


@dataclass
class Retrospective:
    campaign: Campaign
    agg: Aggregates
    lang: str
    windows: pd.DataFrame
    kpis: pd.DataFrame
    channels: pd.DataFrame
    targets: pd.DataFrame
    hypotheses: pd.DataFrame
    decomposition: dict | None
    funnel: pd.DataFrame | None
    findings: list[dict] = field(default_factory=list)
    #: share-safe: money shown as an index, 100 = this baseline average daily GMV (None = amounts)
    money_index: float | None = None
    ab: dict | None = None
    controls: dict | None = None  # difference-in-differences against the card's control series
    alerts: pd.DataFrame | None = None
    #: day-level anomalies of GMV, orders, CR and refund rate with their drivers (daily_anomalies)
    day_anomalies: dict | None = None
    value: pd.DataFrame | None = None
    value_params: dict | None = None
    customers: dict | None = None
    funnel_channels: pd.DataFrame | None = None
    inventory: dict | None = None
    lift: dict | None = None
    margin: dict | None = None
    ltv_cac: dict | None = None
    segments: pd.DataFrame | None = None
    anomaly_cause: dict | None = None
    target_cause: dict | None = None
    skipped: dict[str, str] = field(default_factory=dict)

    @property
    def card(self):
        return self.campaign.card


def funnel_steps(funnel: pd.DataFrame, phase: str, channel: str = "_all") -> pd.DataFrame:
    """Distinct users per step in a window with step conversion and drop-off.

    口径: :func:`fupan.metrics.funnel.window_funnel` — the one definition the funnel by channel
    uses too (a step the tracker did not record is left out, never 0 users). The biggest leak is
    the lowest conversion.
    """
    from ..metrics.funnel import window_funnel

    return window_funnel(funnel, phase, channel)


def _decomposition(kpis: pd.DataFrame) -> dict | None:
    base, cur = kpis.loc["baseline"], kpis.loc["campaign"]
    if not all(np.isfinite([base.uv, cur.uv, base.cr, cur.cr])) or min(base.uv, cur.uv, base.orders, cur.orders) <= 0:
        return None
    f0 = {"uv": base.uv / base.days, "cr": base.cr, "aov": base.aov}
    f1 = {"uv": cur.uv / cur.days, "cr": cur.cr, "aov": cur.aov}
    return {"base": f0, "current": f1, "gmv_base": base.gmv_per_day, "gmv_current": cur.gmv_per_day,
            "lmdi": decompose_gmv_change(f0, f1, "lmdi"), "shapley": decompose_gmv_change(f0, f1, "shapley")}


def _sentence(kind: str, zh: str, en: str, weight: float, priority: int = 2, **data) -> dict:
    """A finding; ``priority`` 0 = target, 1 = hypothesis, 2 = other; ``weight`` ranks within it."""
    return {"kind": kind, "zh": zh, "en": en, "weight": float(weight), "priority": priority, **data}


def draft_findings(r: Retrospective) -> list[dict]:
    """Auto-drafted findings: the largest wins and misses, each with its numbers (zh + en)."""
    out = []
    for row in r.targets.itertuples():
        if row.status == "not_assessed":
            continue
        unit = KPI_DEFINITIONS[row.kpi].unit
        a, tg = value(row.actual, unit, "zh"), value(row.target, unit, "zh")
        ae, tge = value(row.actual, unit, "en"), value(row.target, unit, "en")
        kind = "win" if row.status == "met" else "miss"
        out.append(_sentence(kind, f"{kpi_name(row.kpi)}目标{'达成' if kind == 'win' else '未达成'}：实际 {a}，目标 {tg}，达成率 {row.achievement:.1%}。",
                             f"{kpi_name(row.kpi, 'en')} target {'met' if kind == 'win' else 'missed'}: {ae} against {tge} ({row.achievement:.1%}).",
                             abs(row.achievement - 1), priority=0, metric=row.kpi))
    for h in r.hypotheses.itertuples():
        if h.status == "not_assessed":
            continue
        unit = KPI_DEFINITIONS[h.kpi].unit
        kind = "win" if h.status == "met" else "miss"
        out.append(_sentence(kind, f"假设 {h.id}「{h.text}」{'成立' if kind == 'win' else '不成立'}：{phase_name(h.window)}{kpi_name(h.kpi)} = {value(h.actual, unit)}（判据 {h.op} {value(h.value, unit)}）。",
                             f"Hypothesis {h.id} \"{h.text}\" {'holds' if kind == 'win' else 'fails'}: {kpi_name(h.kpi, 'en')} in {phase_name(h.window, 'en').lower()} = {value(h.actual, unit, 'en')} (test {h.op} {value(h.value, unit, 'en')}).",
                             abs(h.actual - h.value) / (abs(h.value) or 1), priority=1, metric=h.kpi))
    base_days = r.kpis.at["baseline", "days"]
    camp_days = r.kpis.at["campaign", "days"]
    w = r.agg.windows
    per_day = w[w.channel != "_all"].pivot_table(index="channel", columns="phase", values="gmv", aggfunc="sum")
    if {"baseline", "campaign"} <= set(per_day.columns):
        idx = (per_day.campaign / camp_days) / (per_day.baseline / base_days)
        idx = idx.replace([np.inf, -np.inf], np.nan).dropna()
        if len(idx):
            best, worst = idx.idxmax(), idx.idxmin()
            out.append(_sentence("win", f"增长最快的渠道是 {best}：活动期日均GMV是基线的 {idx[best]:.1f} 倍。",
                                 f"Fastest-growing channel: {best}, daily GMV {idx[best]:.1f}× its baseline.", idx[best] / 10, metric="gmv"))
            out.append(_sentence("miss", f"增长最慢的渠道是 {worst}：活动期日均GMV仅为基线的 {idx[worst]:.1f} 倍。",
                                 f"Slowest channel: {worst}, daily GMV only {idx[worst]:.1f}× its baseline.", 1 / max(idx[worst], 0.1) / 10, metric="gmv"))
    if r.decomposition:
        parts = r.decomposition["lmdi"]
        top = parts.abs().idxmax()
        out.append(_sentence("note", f"日均GMV从 {money(r.decomposition['gmv_base'])} 变为 {money(r.decomposition['gmv_current'])}，最大驱动因素是{kpi_name(top)}（{money(parts[top])}，LMDI）。",
                             f"Daily GMV moved from {money(r.decomposition['gmv_base'], 'en')} to {money(r.decomposition['gmv_current'], 'en')}; the largest driver was {kpi_name(top, 'en')} ({money(parts[top], 'en')}, LMDI).",
                             0.5, metric=top))
    if r.funnel is not None and len(r.funnel) > 1:
        leak = r.funnel.iloc[1:].sort_values("conversion").iloc[0]
        prev = r.funnel.step[r.funnel.index[r.funnel.step == leak.step][0] - 1]
        out.append(_sentence("miss", f"漏斗最大流失在「{step_label(prev, 'zh')}→{step_label(leak.step, 'zh')}」：转化率 {pct(leak.conversion)}，流失 {pct(leak.drop_off)}。",
                             f"Biggest funnel leak: {prev} → {leak.step}, conversion {pct(leak.conversion)} (drop-off {pct(leak.drop_off)}).",
                             leak.drop_off / 2, metric="funnel"))
    if r.agg.stockouts is not None:
        s = r.agg.stockouts[(r.agg.stockouts.phase == "campaign") & (r.agg.stockouts.stockout_days > 0)]
        if len(s):
            skus = ", ".join(f"{x.sku}（{x.stockout_days}天）" for x in s.sort_values("stockout_days", ascending=False).head(3).itertuples())
            skus_en = ", ".join(f"{x.sku} ({x.stockout_days} d)" for x in s.sort_values("stockout_days", ascending=False).head(3).itertuples())
            lost_zh = lost_en = ""
            if r.inventory is not None and r.inventory["lost_total"] > 0:
                inv = r.inventory
                lost_zh = f"，估计损失GMV {money(inv['lost_total'])}（保守下限 {money(inv['lost_floor'])}）"
                lost_en = f"; estimated GMV lost {money(inv['lost_total'], 'en')} (floor {money(inv['lost_floor'], 'en')})"
            out.append(_sentence("miss", f"活动期有 {len(s)} 个SKU缺货，共 {int(s.stockout_days.sum())} 个SKU天：{skus}{lost_zh}。",
                                 f"{len(s)} SKU(s) ran out of stock during the campaign, {int(s.stockout_days.sum())} SKU-days: {skus_en}{lost_en}.",
                                 0.3 + 0.05 * len(s), metric="stockouts"))
    paid = r.channels[r.channels.spend > 0] if "spend" in r.channels else r.channels.iloc[:0]
    if len(paid) > 1:
        hi, lo = paid.roas.idxmax(), paid.roas.idxmin()
        out.append(_sentence("note", f"投产比最高的渠道是 {hi}（ROAS {paid.roas[hi]:.2f}），最低的是 {lo}（{paid.roas[lo]:.2f}）；ROAS 是 GMV/花费，不等于 ROI。",
                             f"Highest ROAS: {hi} ({paid.roas[hi]:.2f}); lowest: {lo} ({paid.roas[lo]:.2f}). ROAS is GMV/spend, not ROI.",
                             0.2, metric="roas"))
    if r.customers is not None and r.customers["quality"].test is not None:
        q = r.customers["quality"]
        worse = q.test.diff < 0 and q.test.p_value < 0.05
        out.append(_sentence("miss" if worse else "note",
                             f"活动新客{q.k}天复购率 {pct(q.campaign.rate)}，{'显著低于' if worse else '对比'}自然新客 {pct(q.organic.rate)}（p={q.test.p_value:.2g}）。",
                             f"Campaign new customers repeat within {q.k} days at {pct(q.campaign.rate)}, "
                             f"{'significantly below' if worse else 'against'} {pct(q.organic.rate)} for organic new customers (p={q.test.p_value:.2g}).",
                             abs(q.test.diff) * 5, metric="repeat_rate"))
    if r.lift is not None:
        tot, pf, kind = r.lift["table"].loc["total"], r.lift["pull_forward"], r.lift.get("dip_verdict")
        d = r.lift["table"].loc["dip"] if kind else None
        if kind == "pull_forward" and pf is not None and np.isfinite(pf["estimate"]):
            pf_zh, pf_en = f"，其中 {pct(pf['estimate'])} 被回落期透支", f"; {pct(pf['estimate'])} of the lift was pulled forward from the dip"
        elif kind == "pull_forward":
            pf_zh, pf_en = f"；回落期比预期少卖 {money(-d.incremental)}", f"; the dip sold {money(-d.incremental, 'en')} less than expected"
        elif kind == "halo":
            pf_zh = f"；回落期没有透支，反而比预期多卖 {money(d.incremental)}（95% CI {money(d.lower)} ~ {money(d.upper)}，长尾带动）"
            pf_en = (f"; the dip was not paid back but sold {money(d.incremental, 'en')} more than expected "
                     f"(95% CI {money(d.lower, 'en')} to {money(d.upper, 'en')}, a halo)")
        elif kind == "flat":
            pf_zh, pf_en = "；回落期与预期的差异与零无法区分", "; the dip is not distinguishable from zero"
        else:
            pf_zh = pf_en = ""
        out.append(_sentence("win" if tot.lower > 0 else "note",
                             f"预热至回落期净增量GMV {money(tot.incremental)}（95% CI {money(tot.lower)} ~ {money(tot.upper)}）{pf_zh}。",
                             f"Net incremental GMV, pre-heat to dip, {money(tot.incremental, 'en')} (95% CI {money(tot.lower, 'en')} to {money(tot.upper, 'en')}){pf_en}.",
                             0.9, priority=0, metric="incremental_gmv"))
    if r.margin is not None and "roi_margin" in r.margin:
        m = r.margin
        good = m["roi_margin"] >= 1
        out.append(_sentence("win" if good else "miss",
                             f"毛利ROI {m['roi_margin']:.2f}（增量毛利 {money(m['igp'])} / 成本 {money(m['spend'])}），{'高于' if good else '低于'}盈亏线 1.0；ROAS {m['roas']:.2f} 不是 ROI。",
                             f"Margin ROI {m['roi_margin']:.2f} (incremental gross profit {money(m['igp'], 'en')} / cost {money(m['spend'], 'en')}), "
                             f"{'above' if good else 'below'} break-even 1.0; ROAS {m['roas']:.2f} is not ROI.",
                             abs(m["roi_margin"] - 1), priority=0, metric="roi_margin"))
    for cause, zh, en in ((r.anomaly_cause, "异常日 {d} 主因：", "Main cause on {d}: "), (r.target_cause, "GMV目标缺口主因：", "Main cause of the GMV gap: ")):
        if cause is not None and not cause["candidates"].empty:
            d = cause.get("date", "")
            out.append(_sentence("note", zh.format(d=d) + rootcause_report.explain(cause, "zh")[0] + "。",
                                 en.format(d=d) + rootcause_report.explain(cause, "en")[0] + ".", 0.35, metric="root_cause"))
    if r.ab is not None:
        sig = r.ab["p_value"] < r.ab["alpha"]
        out.append(_sentence("win" if sig and r.ab["relative_lift"] > 0 else "note", "A/B测试：" + verdict(r.ab, "zh"),
                             "A/B test: " + verdict(r.ab, "en"), 0.4, metric="ab"))
    top_day = daily_anomalies.largest(r.day_anomalies)
    if top_day is not None:
        out.append(_sentence("miss" if top_day.direction == "down" else "note", *daily_anomalies.finding(top_day),
                             min(abs(top_day.rel_dev), 1.0) + 0.1, metric="day_anomaly"))
    if r.alerts is not None and len(r.alerts):
        a = r.alerts.iloc[0]
        out.append(_sentence("miss" if a.gap < 0 else "note",
                             f"异常日：{a.date:%m-%d} {a.channel} 渠道GMV {money(a.actual)}，按当期占比应为 {money(a.expected)}（{a.rel_dev:+.0%}）。",
                             f"Anomalous day: {a.date:%m-%d}, {a.channel} GMV {money(a.actual, 'en')} against {money(a.expected, 'en')} expected from its share ({a.rel_dev:+.0%}).",
                             min(abs(a.rel_dev), 1.0), metric="alert"))
    order = {"win": 0, "miss": 1, "note": 2}
    return sorted(out, key=lambda f: (order[f["kind"]], f["priority"], -f["weight"]))


def build(campaign: Campaign, agg: Aggregates, lang: str = "zh", *, share_safe: bool = False) -> Retrospective:
    """Compute every number of the retrospective from validated data and its aggregates.

    ``share_safe`` makes every amount of money formatted from here on (findings, tables, chart
    axes) an index, 100 = the baseline window's average daily GMV (:func:`fupan.format.money`).
    """
    card = campaign.card
    wf = window_frame(campaign)
    kpis = window_kpis(wf, agg.windows, agg.new_customers, agg.daily, agg.uv, agg.spend)
    if not campaign.measures("orders", "refund_amount"):  # not measured is not zero
        kpis = kpis.assign(refunds=np.nan, net_gmv=np.nan, refund_rate=np.nan)
    money_index = None
    if share_safe:
        b = card.windows.baseline
        money_index = float(kpis.loc["baseline", "gmv"]) / ((b.end - b.start).days + 1)
        if not money_index > 0:
            raise ValueError("share-safe: the baseline window has no GMV to index money to")
    set_money_index(money_index)
    set_currency(card.currency)
    camp = card.windows.campaign
    channels = channel_kpis(agg.windows, agg.spend, camp.start, camp.end, "campaign")
    targets = target_achievement(kpis.loc["campaign"], card.strategy.targets)
    hypotheses = evaluate_hypotheses(kpis, [h.model_dump() for h in card.strategy.hypotheses])
    funnel = funnel_steps(agg.funnel, "campaign") if agg.funnel is not None else None
    r = Retrospective(campaign=campaign, agg=agg, lang=lang, windows=wf, kpis=kpis, channels=channels,
                      targets=targets, hypotheses=hypotheses, decomposition=_decomposition(kpis), funnel=funnel,
                      money_index=money_index)
    r.alerts = share_anomalies(agg.daily, wf)
    try:
        r.day_anomalies = daily_anomalies.analyse(r)
    except ValueError as exc:
        r.skipped["day_anomalies"] = str(exc)
    if agg.ab_users is not None:
        try:
            r.ab = evaluate_ab(agg.ab_users)
        except ValueError as exc:
            r.skipped["ab"] = str(exc)
    r.value, r.value_params = _customer_value(r)
    try:
        r.customers = analyses.customer_analysis(r, customer_cohorts(r))
    except ValueError as exc:
        r.skipped["customers"] = str(exc)
    r.funnel_channels = analyses.funnel_by_channel(r)
    try:
        r.inventory = analyses.inventory_health(r)
    except ValueError as exc:
        r.skipped["inventory"] = str(exc)
    _impact(r)
    r.findings = draft_findings(r)
    return r


def _impact(r: Retrospective) -> None:
    """Was the lift real: counterfactual lift, margin ROI, LTV:CAC and root cause (METHODS §1–2)."""
    try:
        r.lift = impact.lift_analysis(r)
    except ValueError as exc:
        r.skipped["lift"] = str(exc)
    factor = r.lift["cf_factor"] if r.lift else 1.0
    try:
        costs = r.card.costs
        r.margin = impact.margin_analysis(r, factor, costs.variable_cost_rate, costs.fees, costs.coupons, costs.fixed)
    except ValueError as exc:
        r.skipped["margin"] = str(exc)
    try:
        r.ltv_cac = impact.ltv_cac(r)
    except ValueError as exc:
        r.skipped["ltv_cac"] = str(exc)
    try:
        r.controls = impact.control_analysis(r)
    except ValueError as exc:
        r.skipped["controls"] = str(exc)
    try:
        r.segments = rootcause_report.segment_table(r)
    except ValueError as exc:
        r.skipped["segments"] = str(exc)
    r.anomaly_cause = rootcause_report.anomalous_day(r)
    r.target_cause = rootcause_report.target_gap(r)


def customer_cohorts(r: Retrospective) -> dict[str, pd.Index]:
    """Campaign-new, baseline-new ('organic') and campaign-returning customers, as hashed keys."""
    o = r.agg.customer_orders
    first = o.groupby("user_key").order_ts.min().dt.normalize()
    camp, base = r.card.windows.campaign, r.card.windows.baseline
    in_camp = o[o.order_ts.dt.normalize().between(pd.Timestamp(camp.start), pd.Timestamp(camp.end))].user_key.unique()
    new_camp = first[first.between(pd.Timestamp(camp.start), pd.Timestamp(camp.end))].index
    return {"campaign_new": new_camp,
            "baseline_new": first[first.between(pd.Timestamp(base.start), pd.Timestamp(base.end))].index,
            "campaign_returning": pd.Index(in_camp).difference(new_camp)}


def _customer_value(r: Retrospective) -> tuple[pd.DataFrame | None, dict | None]:
    end = pd.Timestamp(r.card.windows.items()[-1][1].end) + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    try:
        return value_by_cohort(r.agg.customer_orders, customer_cohorts(r), end)
    except ValueError as exc:
        r.skipped["customer_value"] = str(exc)
        return None, None


def load_retrospective(campaign_dir: str | Path, lang: str = "zh", prepared: str | Path | None = None,
                       share_safe: bool = False) -> Retrospective:
    """Validate, extract and compute: the single call a report template starts with.

    ``prepared`` is the DuckDB file ``fupan run`` wrote after validating; when it is absent (the
    notebook re-run on its own), the folder is validated here. ``share_safe``: see :func:`build`.
    """
    if prepared and Path(prepared).is_file():
        campaign = open_prepared(campaign_dir, prepared)
    else:
        campaign = open_campaign(campaign_dir)
    return build(campaign, extract(campaign), lang, share_safe=share_safe)

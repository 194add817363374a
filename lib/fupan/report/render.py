"""HTML fragments for the report: KPI cards, the case card, tables, findings.

Every piece of operator text (card fields, hypotheses, lessons) is escaped here with
``html.escape`` before it reaches the page, so a pasted ``<script>`` renders as text.
"""
from __future__ import annotations

import math
from html import escape

import numpy as np
import pandas as pd

from ..dictionary import KPI_DEFINITIONS
from ..format import currency_name, currency_symbol, money, money_index_base, number, pct, value
from ..i18n import kpi_definition, kpi_name, phase_name, pick, t


class Html:
    """A fragment Jupyter displays as HTML (``_repr_html_``) and tests can read as a string."""

    def __init__(self, html: str):
        self.html = html

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def _e(x: object) -> str:
    return escape("" if x is None else str(x), quote=True)


def _ul(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>" if items else "<p>—</p>"


def _table(header: list[str], rows: list[list[str]], cls: str = "fp-table") -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _signed(x: float, digits: int = 2) -> str:
    """``+0.42`` / ``-1.10``; not measured → ``—`` (never ``nan``)."""
    return "—" if x is None or not math.isfinite(x) else f"{x:+.{digits}f}"


def _status(status: str, lang: str) -> str:
    return f'<span class="fp-status fp-{_e(status)}">{_e(t(status, lang))}</span>'


def _currency_label(code: str, lang: str) -> str:
    """``金额单位：英镑 £（GBP）`` / ``Money in GBP (£)``."""
    sym = currency_symbol(code).strip()
    if lang == "zh":
        return f"金额单位：{currency_name('zh', code)} {sym}（{code}）" if sym != code else f"金额单位：{code}"
    return f"Money in {code} ({sym})" if sym != code else f"Money in {code}"


def background(card, lang: str = "zh") -> Html:
    """The 背景 part of the card: market, competition, team, product and carried-over actions."""
    b = card.background
    rows = [[f"<b>{t(k, lang)}</b>", _e(getattr(b, k))] for k in ("market", "competition", "team", "product")
            if getattr(b, k)]
    meta = (f'<p class="fp-meta">{_e(card.name)} · {_e(card.platform)} · {_e(card.category)} · '
            f'{_e(_currency_label(card.currency, lang))} · {_e(card.timezone)}</p>')
    if money_index_base() is not None:  # share-safe: no currency, every amount is an index
        meta = meta.replace(_e(_currency_label(card.currency, lang)), _e(t("share_safe_money", lang)))
    windows = _table([t("window", lang), "", ""], [[phase_name(n, lang), w.start.isoformat(), w.end.isoformat()]
                                                   for n, w in card.windows.items()])
    return Html(meta + _table(["", ""], rows, cls="fp-table fp-kv") + windows + f"<h4>{t('open_actions', lang)}</h4>" + _ul(b.open_actions))


def strategy(card, lang: str = "zh") -> Html:
    """The 策略 part: targets, budget split, mechanics and hypotheses, as frozen before launch."""
    s = card.strategy
    targets = _table([t("kpi", lang), t("target", lang)], [
        [_e(kpi_name(k, lang)), value(v, KPI_DEFINITIONS[k].unit, lang)] for k, v in s.targets.items()]
    ) if s.targets else _missing("card_no_targets", lang)
    total = sum(s.budget.values()) or float("nan")
    budget = _table([t("channel", lang), t("budget", lang), "%"], [
        [_e(k), money(v, lang), pct(v / total)] for k, v in s.budget.items()] +
        [[f"<b>{t('total', lang)}</b>", f"<b>{money(total, lang)}</b>", "100%"]]) if s.budget else _missing("card_no_budget", lang)
    hyps = _table(["ID", t("hypotheses", lang), t("kpi", lang), ""], [
        [_e(h.id), _e(h.text), _e(kpi_name(h.kpi, lang)), _e(f"{phase_name(h.window, lang)} {h.op} {h.value:g}")]
        for h in s.hypotheses]) if s.hypotheses else _missing("card_no_hypotheses", lang)
    mechanics = _ul(s.mechanics) if s.mechanics else _missing("card_no_mechanics", lang)
    return Html(f"<h4>{t('targets', lang)}</h4>{targets}<h4>{t('budget', lang)}</h4>{budget}"
                f"<h4>{t('mechanics', lang)}</h4>{mechanics}<h4>{t('hypotheses', lang)}</h4>{hyps}")


CARD_KPIS = ("gmv", "net_gmv", "orders", "buyers", "uv", "cr", "aov", "new_customers", "spend", "roas")


def kpi_cards(kpis: pd.DataFrame, targets: pd.DataFrame, lang: str = "zh", window: str = "campaign") -> Html:
    """One card per headline KPI of ``window``: value, achievement vs target, index vs baseline."""
    row, base = kpis.loc[window], kpis.loc["baseline"]
    tmap = targets.set_index("kpi") if len(targets) else pd.DataFrame()
    cards = []
    per_day = {"gmv", "net_gmv", "orders", "buyers", "uv", "new_customers", "spend"}
    for key in CARD_KPIS:
        d = KPI_DEFINITIONS[key]
        v = float(row[key])
        if not math.isfinite(v):
            continue
        lines = []
        if key in tmap.index:
            tr = tmap.loc[key]
            lines.append(f'{t("vs_target", lang)} {pct(tr.achievement)} {_status(tr.status, lang)}')
        b = float(base[key])
        if math.isfinite(b) and b:
            ratio = (v / row.days) / (b / base.days) if key in per_day else v / b
            cls = "fp-up" if (ratio >= 1) == d.higher_is_better else "fp-down"
            label = t("vs_baseline", lang) if key in per_day else t("vs_baseline_ratio", lang)
            lines.append(f'<span class="{cls}">{label} {ratio - 1:+.1%}</span>')
        cards.append(f'<div class="fp-card" title="{_e(kpi_definition(key, lang))}"><div class="fp-card-name">'
                     f'{_e(kpi_name(key, lang))}</div><div class="fp-card-value">{value(v, d.unit, lang)}</div>'
                     f'<div class="fp-card-sub">{"<br>".join(lines)}</div></div>')
    return Html(f'<div class="fp-cards">{"".join(cards)}</div>')


def window_table(kpis: pd.DataFrame, keys: tuple[str, ...], lang: str = "zh") -> Html:
    """KPIs (rows) by window (columns)."""
    phases = list(kpis.index)
    rows = [[_e(kpi_name(k, lang))] + [value(float(kpis.at[p, k]), KPI_DEFINITIONS[k].unit, lang) for p in phases]
            for k in keys]
    return Html(_table([t("kpi", lang)] + [phase_name(p, lang) for p in phases], rows))


def targets_table(targets: pd.DataFrame, lang: str = "zh") -> Html:
    rows = [[_e(kpi_name(r.kpi, lang)), value(r.target, KPI_DEFINITIONS[r.kpi].unit, lang),
             value(r.actual, KPI_DEFINITIONS[r.kpi].unit, lang), pct(r.achievement), _status(r.status, lang)]
            for r in targets.itertuples()]
    return Html(_table([t(k, lang) for k in ("kpi", "target", "actual", "achievement", "status")], rows))


def hypotheses_table(hyps: pd.DataFrame, lang: str = "zh") -> Html:
    if hyps.empty:
        return Html(_missing("card_no_hypotheses", lang))
    rows = [[_e(h.id), _e(h.text), _e(f"{kpi_name(h.kpi, lang)} ({phase_name(h.window, lang)}) {h.op} {h.value:g}"),
             value(h.actual, KPI_DEFINITIONS[h.kpi].unit, lang), _status(h.status, lang)] for h in hyps.itertuples()]
    return Html(_table(["ID", t("hypotheses", lang), t("target", lang), t("actual", lang), t("status", lang)], rows))


def decomposition_table(decomp: dict, lang: str = "zh") -> Html:
    rows = [[_e(kpi_name(k, lang)), value(decomp["base"][k], KPI_DEFINITIONS[k].unit, lang),
             value(decomp["current"][k], KPI_DEFINITIONS[k].unit, lang),
             money(decomp["lmdi"][k], lang), money(decomp["shapley"][k], lang)] for k in decomp["lmdi"].index]
    total = decomp["gmv_current"] - decomp["gmv_base"]
    rows.append(["<b>Σ</b>", money(decomp["gmv_base"], lang), money(decomp["gmv_current"], lang),
                 money(decomp["lmdi"].sum(), lang), money(decomp["shapley"].sum(), lang)])
    head = [t("kpi", lang), phase_name("baseline", lang), phase_name("campaign", lang), "LMDI", "Shapley"]
    note = ("<p class='fp-note'>UV 为日均；两种方法的分项之和都精确等于日均GMV变化 "
            f"{money(total, lang)}。</p>" if lang == "zh" else
            f"<p class='fp-note'>UV per day; both methods' parts add up exactly to the change in daily GMV, {money(total, lang)}.</p>")
    return Html(_table(head, rows) + note)


def findings(items: list[dict], lang: str = "zh", top: int = 6) -> Html:
    """Top wins, top misses and notes, each a sentence with its numbers."""
    out = []
    for kind, zh, en in (("win", "做得好的（自动识别）", "Top wins"), ("miss", "未达预期（自动识别）", "Top misses"),
                         ("note", "其他发现", "Other findings")):
        sel = [f for f in items if f["kind"] == kind][:top]
        if sel:
            out.append(f"<h4>{zh if lang == 'zh' else en}</h4><ul class='fp-{kind}'>" +
                       "".join(f"<li>{_e(f[lang])}</li>" for f in sel) + "</ul>")
    return Html("".join(out))


def _missing(key: str, lang: str) -> str:
    """A card block the operator has not filled in: what it is for and where to write it."""
    return f'<p class="fp-skip">{_e(t(key, lang))}</p>'


def lessons(card, lang: str = "zh") -> Html:
    r = card.retrospective
    actions = (_table([t("actions", lang), t("owner", lang), t("due", lang)],
                      [[_e(a.what), _e(a.owner or "—"), _e(a.due.isoformat() if a.due else "—")] for a in r.actions])
               if r.actions else _missing("card_no_actions", lang))
    went = _ul(r.went_well) if r.went_well else _missing("card_no_lessons", lang)
    improve = _ul(r.to_improve) if r.to_improve else _missing("card_no_lessons", lang)
    return Html(f"<h4>{t('went_well', lang)}</h4>{went}<h4>{t('to_improve', lang)}</h4>"
                f"{improve}<h4>{t('actions', lang)}</h4>{actions}")


def definitions(keys: tuple[str, ...], version: str, lang: str = "zh") -> Html:
    """The 口径 of the KPIs shown, so every number states which definition it used."""
    rows = [[_e(kpi_name(k, lang)), _e(kpi_definition(k, lang))] for k in keys]
    return Html(f"<details class='fp-defs'><summary>{t('definition', lang)} (v{_e(version)})</summary>"
                f"{_table([t('kpi', lang), t('definition', lang)], rows)}</details>")


def note(text: str) -> Html:
    return Html(f'<div class="fp-skip">{_e(text)}</div>')


def share_safe_notice(money_index: float | None, lang: str = "zh") -> Html:
    """The banner of a share-safe report: what was masked and what the money index means."""
    if money_index is None:
        return Html("")
    text = ("对外分享版：店铺名已隐去；所有金额以指数显示（基期日均 GMV = 100），比率与占比不变。" if lang == "zh" else
            "Share-safe version: the shop name is masked; every amount of money is shown as an index "
            "(baseline average daily GMV = 100); ratios and shares are unchanged.")
    return Html(f"<div class='fp-warn'><b>{_e(text)}</b></div>")


def warnings(problems: list, lang: str = "zh") -> Html:
    if not problems:
        return Html("")
    items = [f"{p.where()}: {p.zh if lang == 'zh' else p.en}" for p in problems]
    return Html(f"<div class='fp-warn'><b>{t('data_notes', lang)}</b>{_ul(items)}</div>")


def ab_test(ab: dict | None, lang: str = "zh") -> Html:
    """Per-arm users, conversion and revenue per user, then the plain-language verdict."""
    from ..metrics.experiment import verdict

    if ab is None:
        return note(t("no_table", lang, table="events.variant"))
    arms = list(ab["users"])
    head = ["", "用户数" if lang == "zh" else "Users", "转化用户" if lang == "zh" else "Converted",
            kpi_name("cr", lang), "人均GMV" if lang == "zh" else "GMV per user"]
    rows = [[_e(v), f"{ab['users'][v]:,}", f"{ab['converted'][v]:,}", pct(ab["conversion"][v], 2),
             money(ab["revenue_per_user"][v], lang, digits=2)] for v in arms]
    lo, hi = ab["relative_lift_ci"]
    stats = (f"<p class='fp-note'>{'相对提升' if lang == 'zh' else 'Relative lift'} {ab['relative_lift']:+.1%} "
             f"[{lo:+.1%}, {hi:+.1%}] · p = {ab['p_value']:.2g} · SRM p = {ab['srm_p_value']:.2g}</p>")
    return Html(_table(head, rows) + stats + f"<p><b>{_e(verdict(ab, lang))}</b></p>")


def alerts(table: pd.DataFrame | None, lang: str = "zh", top: int = 8, title: bool = False) -> Html:
    """The channel-days that moved against their phase, largest money gap first (``title``: as the
    second part of the 异常日 section, under its own heading)."""
    head_html = (f"<h4>{'渠道占比变化' if lang == 'zh' else 'Channel-share shifts'}</h4>" if title else "")
    if table is None or table.empty:
        empty = ("未发现渠道占比异常。" if title else "未发现异常日。") if lang == "zh" else \
            ("No channel-share shift found." if title else "No anomalous day found.")
        return Html(f"{head_html}<p>{empty}</p>")
    head = [t("date", lang), t("window", lang), t("channel", lang), t("actual", lang),
            "按占比预期" if lang == "zh" else "Expected from share", "偏差" if lang == "zh" else "Deviation", "M"]
    rows = [[f"{a.date:%Y-%m-%d}", phase_name(a.phase, lang), _e(a.channel), money(a.actual, lang),
             money(a.expected, lang), f"{a.rel_dev:+.0%}", f"{a.score:+.1f}"] for a in table.head(top).itertuples()]
    return Html(head_html + _table(head, rows))


def day_anomalies(result: dict | None, lang: str = "zh", skipped: str | None = None) -> Html:
    """The 异常日 table: days whose GMV, orders, CR or refund rate broke from their phase, with the
    driver of each (:mod:`fupan.analysis.anomalies`), then what was not measured or not tested."""
    from ..analysis import anomalies as da

    zh = lang == "zh"
    title = f"<h4>{'日级异常（全店与渠道）' if zh else 'Day-level anomalies (whole shop and channels)'}</h4>"
    if result is None:
        en_text, _, zh_text = (skipped or "").partition("||")
        why = (zh_text if zh else en_text) or en_text or ("数据不足" if zh else "not enough data")
        return Html(title + f'<div class="fp-skip">{_e(("未做日级异常检验：" if zh else "Day-level anomalies not tested: ") + why)}</div>')
    flags = result["flags"]
    if not result["tests"]:
        body = "<p>没有可以检验的日子（原因见下方说明）。</p>" if zh else "<p>No day could be tested (see the notes below).</p>"
    elif flags.empty:
        body = (f"<p>{result['tests']} 项检验中未发现异常日。</p>" if zh else
                f"<p>No anomalous day among {result['tests']} tests.</p>")
    else:
        head = [t("date", lang), t("window", lang), t("kpi", lang), "范围" if zh else "Scope", t("actual", lang),
                "预期" if zh else "Expected", "偏差" if zh else "Deviation", "M", "驱动" if zh else "Driver"]
        rows = [[f"{f.date:%Y-%m-%d}", phase_name(f.phase, lang) if isinstance(f.phase, str) else "—",
                 _e(da.METRIC_LABELS[f.metric][0 if zh else 1]), _e(da.slice_label(f.slice, lang)),
                 da.format_value(f.metric, f.actual, lang), da.format_value(f.metric, f.expected, lang),
                 f"{f.rel_dev:+.0%}", _signed(f.score, 1),  # a day with no sale at all has no finite score (log 0): —
                 _e(f.driver_zh if zh else f.driver_en)] for f in flags.itertuples()]
        body = _table(head, rows)
    p = result["params"]
    start, end = result["period"]
    method = (f"口径：预期 = 当日所在阶段的局部水平（同阶段最近 6 天的中位数，不含当日）× 星期效应（活动前正常日拟合，活动日不参与）；"
              f"M = 残差对此前 {p['window']} 天残差的修正 z 分数；判定需同时满足 |M| > {p['z']}、|偏差| > {p['min_rel_dev']:.0%}、"
              f"BH 校正后 FDR < {p['fdr']:.0%}（{start} 至 {end} 共 {result['tests']} 项检验）；比率指标另需超出 p 图 ±{p['p_sigma']:.0f}σ 限。"
              f"活动期内的向上峰值是促销本身，只有集中在少数订单（GMV）或少数买家（订单数）时才判为异常。" if zh else
              f"Method: expected = the day's phase level (median of the 6 nearest other days of the same phase) × a day-of-week "
              f"effect fitted on normal days before the campaign (campaign days masked); M = modified z of the residual against "
              f"the previous {p['window']} days' residuals; flagged when |M| > {p['z']}, |deviation| > {p['min_rel_dev']:.0%} and "
              f"Benjamini–Hochberg FDR < {p['fdr']:.0%} over all {result['tests']} tests from {start} to {end}; ratios must also "
              f"leave their ±{p['p_sigma']:.0f}σ p-chart limits. An upward peak inside the campaign is the promotion itself and is "
              "flagged only when a few orders (GMV) or buyers (orders) make it.")
    notes = [m["zh" if zh else "en"] for m in result["not_measured"].values()] + \
            [n["zh" if zh else "en"] for n in result["notes"]]
    return Html(title + body + f"<p class='fp-note'>{_e(method)}</p>" + (_ul(notes) if notes else ""))


_COHORT = {"campaign_new": ("活动新客", "Campaign new"), "baseline_new": ("基线期新客（自然）", "Baseline new (organic)"),
           "campaign_returning": ("活动老客", "Campaign returning")}


def customer_value(table: pd.DataFrame | None, params: dict | None, lang: str = "zh",
                   reason: str | None = None) -> Html:
    """Predicted repeat purchases and value per customer by cohort (BG/NBD × Gamma–Gamma).

    ``reason``: why there is no table (``r.skipped["customer_value"]``, bilingual or one text);
    shown in the report's language instead of any number of the failed model.
    """
    if table is None:
        why = pick(reason, lang) if reason else ("数据不足" if lang == "zh" else "not enough data")
        return note(f"客户价值模型无法拟合：{why}。" if lang == "zh" else f"The customer-value model could not be fitted: {why}.")
    i = 0 if lang == "zh" else 1
    no_dropout = params["bgnbd"].get("model") == "nbd_no_dropout"
    head = ["", "客户数" if lang == "zh" else "Customers", "P(alive)",
            f"未来{params['horizon_weeks']}周预计复购" if lang == "zh" else f"Repeat purchases, next {params['horizon_weeks']} wk",
            "单次消费" if lang == "zh" else "Spend per purchase", "预计价值" if lang == "zh" else "Expected value"]
    rows = [[_e(_COHORT.get(c, (c, c))[i]), f"{int(r.customers):,}", pct(r.p_alive),
             f"{r.purchases:.2f}" if math.isfinite(r.purchases) else "—",
             money(r.spend_per_purchase, lang, digits=0), money(r.value, lang, digits=0)] for c, r in table.iterrows()]
    caveat = (f"<p class='fp-note'>BG/NBD × Gamma–Gamma，观察至 {params['observation_end']}；活动新客观察期仅数周，预测主要来自总体先验，"
              f"应在 60–90 天后复核。消费与频次相关系数 {params['corr_spend_frequency']:.2f}（≈0 时 Gamma–Gamma 假设成立）。</p>"
              if lang == "zh" else
              f"<p class='fp-note'>BG/NBD × Gamma–Gamma, observed to {params['observation_end']}; campaign-new customers have been "
              f"observed for weeks only, so their prediction leans on the population prior: re-check after 60–90 days. "
              f"Spend–frequency correlation {params['corr_spend_frequency']:.2f} (≈ 0 supports Gamma–Gamma).</p>")
    if no_dropout:  # the BG/NBD's maximum is its no-dropout limit: P(alive) is assumed there, not estimated
        caveat += ("<p class='fp-note'>数据中看不出客户流失：BG/NBD 的最大似然落在“无流失”极限（NBD 模型），故不估计 P(alive)；"
                   "预计复购按无人流失计算，若已有客户流失则为上限。</p>" if lang == "zh" else
                   "<p class='fp-note'>The data show no customer dropping out: the BG/NBD's maximum likelihood is its "
                   "no-dropout limit (the NBD), so P(alive) is not estimated; expected purchases assume no customer "
                   "has left and are an upper bound if some have.</p>")
    return Html(_table(head, rows) + caveat)


def new_customer_quality(analysis: dict, lang: str = "zh") -> Html:
    """Campaign vs organic new customers: censored repeat rates, net per customer, z-test."""
    q = analysis["quality"]
    zh = lang == "zh"
    names = {"campaign_new": _COHORT["campaign_new"][0 if zh else 1], "baseline_new": _COHORT["baseline_new"][0 if zh else 1]}
    rep = analysis["repeat"]
    head = ["", *[f"{k}{'天复购' if zh else '-day repeat'}" for k in rep.index.get_level_values("k").unique()]]
    rows = []
    for cohort in ("campaign_new", "baseline_new"):
        cells = []
        for _k, row in rep.loc[cohort].iterrows():
            cells.append(f"{pct(row.rate)} <span class='fp-note'>n={int(row.n_eligible):,}</span>"
                         if row.n_eligible else ("删失（观察不足）" if zh else "censored"))
        rows.append([_e(names[cohort]), *cells])
    mpc = analysis.get("margin_per_customer")
    if mpc is not None:
        head.append(f"{'人均毛利' if zh else 'Gross margin per customer'} ({'/'.join(f'{k}' for k in mpc.index)}{'天' if zh else ' days'})")
        for row, cohort in zip(rows, ("campaign_new", "baseline_new"), strict=True):
            row.append(" / ".join(money(mpc.at[k, cohort], lang, digits=0) if mpc.at[k, f"{cohort}_n"] else
                                  ("删失" if zh else "censored") for k in mpc.index))
    out = _table(head, rows)
    if q.test is not None:
        t_ = q.test
        sig = t_.p_value < 0.05
        out += ("<p>" + (f"活动新客 {q.k} 天复购率 {pct(q.campaign.rate)}，自然新客 {pct(q.organic.rate)}，差 {t_.diff * 100:+.1f}pp"
                          f"（95% CI {t_.ci[0] * 100:+.1f} ~ {t_.ci[1] * 100:+.1f}pp，p={t_.p_value:.2g}，{'显著' if sig else '不显著'}）；"
                          f"{q.k} 天内人均净消费 {money(q.campaign_net_per_customer, lang, digits=0)} vs {money(q.organic_net_per_customer, lang, digits=0)}。"
                          if zh else
                          f"Campaign new customers repeat within {q.k} days at {pct(q.campaign.rate)} vs {pct(q.organic.rate)} for organic "
                          f"new customers: {t_.diff * 100:+.1f}pp (95% CI {t_.ci[0] * 100:+.1f} to {t_.ci[1] * 100:+.1f}pp, p={t_.p_value:.2g}, "
                          f"{'significant' if sig else 'not significant'}); net spend per customer in {q.k} days "
                          f"{money(q.campaign_net_per_customer, lang, digits=0)} vs {money(q.organic_net_per_customer, lang, digits=0)}.")
                + "</p>")
    rp, rt = analysis["repurchase"], analysis.get("return")
    out += (f"<p class='fp-note'>{'活动期复购率（≥2个购买日的买家/买家）' if zh else 'Repurchase rate in the campaign (buyers with ≥ 2 purchase days / buyers)'}: "
            f"{pct(rp.rate)}" + (f" · {'回购率（活动买家在回落期再购）' if zh else 'Return rate (campaign buyers buying again in the dip)'}: {pct(rt.rate)}" if rt else "")
            + ("。只计入已观察满 k 天的客户（右删失）。" if zh else ". Only customers observed for the full k days count (right-censoring).") + "</p>")
    return Html(out)


def rfm_table(analysis: dict, lang: str = "zh") -> Html:
    zh = lang == "zh"
    head = ["分层" if zh else "Segment", "客户数" if zh else "Customers", "%", "R（天）" if zh else "R (days)", "F",
            "M", "建议" if zh else "Action"]
    rows = [[_e(s), f"{int(r.customers):,}", pct(r.share), number(r.recency, 0), number(r.frequency, 1),
             money(r.monetary, lang, digits=0), _e(r.hint_zh if zh else r.hint_en)] for s, r in analysis["rfm"].iterrows()]
    th = analysis.get("rfm_thresholds", {})
    note_ = (f"<p class='fp-note'>{'阈值（均值）' if zh else 'Thresholds (means)'}: R ≤ {number(th.get('recency', float('nan')), 0)}, "
             f"F ≥ {number(th.get('frequency', float('nan')), 2)}, M ≥ {money(th.get('monetary', float('nan')), lang, digits=0)}</p>")
    return Html(_table(head, rows) + note_)


def funnel_channels(table: pd.DataFrame | None, lang: str = "zh") -> Html:
    """Distinct users per step and channel, overall conversion and each channel's biggest leak."""
    from ..i18n import step_label

    if table is None:
        return note(t("no_table", lang, table="events"))
    steps = [c for c in table.columns if c in ("visit", "view", "cart", "order", "pay")]
    head = [t("channel", lang), *[step_label(s, lang) for s in steps], "整体转化" if lang == "zh" else "Overall",
            "最大流失" if lang == "zh" else "Biggest leak"]
    rows = [[_e(ch), *[f"{int(r[s]):,}" for s in steps], pct(r.overall, 2),
             f"{step_label(r.from_step, lang)}→{step_label(r.to_step, lang)} {pct(r.conversion)}"]
            for ch, r in table.sort_values("overall").iterrows()]
    return Html(_table(head, rows))


def inventory(health: dict | None, lang: str = "zh") -> Html:
    if health is None:
        return note(t("no_table", lang, table="inventory"))
    zh = lang == "zh"
    kpis = [("缺货率（SKU天）" if zh else "Stock-out rate (SKU-days)", pct(health["stockout_rate"], 2)),
            ("滞销率（30天无销售）" if zh else "Slow-moving rate (no sale in 30 days)", pct(health["slow_moving_rate"], 1)),
            ("库存周转天数" if zh else "Turnover days", number(health["turnover_days"], 1)),
            ("缺货损失GMV（估计）" if zh else "GMV lost to stock-outs (estimate)",
             f"{money(health['lost_total'], lang)}（{'保守下限' if zh else 'floor'} {money(health['lost_floor'], lang)}）")]
    lost = health["lost"][health["lost"].sku != "_all"]
    rows = [[_e(x.sku), str(int(x.stockout_days)), money(x.run_rate, lang), money(x.lost_gmv, lang)] for x in lost.itertuples()]
    expl = ("<p class='fp-note'>损失 = 缺货前14天在库日均GMV × 当天GMV指数（当天GMV/基线日均，不低于1）；不乘指数即保守下限。</p>" if zh else
            "<p class='fp-note'>Lost = in-stock daily GMV over the 14 days before the stock-out × that day's GMV index "
            "(day GMV / baseline daily GMV, at least 1); without the index it is the conservative floor.</p>")
    return Html(_table(["", ""], [[k, v] for k, v in kpis], cls="fp-table fp-kv") +
                _table(["SKU", "缺货天数" if zh else "Days out", "日均（缺货前）" if zh else "Run rate", "损失GMV" if zh else "Lost GMV"], rows) + expl)


def skipped_note(reason: str | None, lang: str = "zh") -> Html:
    """Why an analysis shows no numbers: its stated reason (:func:`fupan.i18n.bilingual`) in the
    report's language."""
    text = pick(reason, lang) if reason else ("数据不足，本项未计算。" if lang == "zh" else "Not enough data: not computed.")
    return note(("本项未计算：" if lang == "zh" else "Not computed: ") + text)


def margin_roi(m: dict | None, skipped: str | None = None, lang: str = "zh") -> Html:
    """Margin-aware ROI beside ROAS, subsidy leakage and the break-even lift (METHODS.md §1.2)."""
    if m is None:
        return skipped_note(skipped, lang)
    zh = lang == "zh"
    rows = [
        ["增量毛利 IGP（未扣投放）" if zh else "Incremental gross profit (before spend)", money(m["igp"], lang)],
        ["投放及活动成本 S" if zh else "Campaign cost S", money(m.get("spend", float("nan")), lang)],
        ["毛利ROI = IGP/S（盈亏线 1.0）" if zh else "Margin ROI = IGP/S (break-even 1.0)", number(m.get("roi_margin", float("nan")), 2)],
        ["净ROI = (IGP−S)/S（盈亏线 0）" if zh else "Net ROI = (IGP−S)/S (break-even 0)", _signed(m.get("net_roi", float("nan")), 2)],
        ["投产比 ROAS = GMV/花费（不是ROI）" if zh else "ROAS = GMV/spend (not ROI)", number(m["roas"], 2)],
        ["补贴漏损（本会发生的销量上的折扣）" if zh else "Subsidy leakage (discount on sales that would have happened)", money(m["subsidy_leakage"], lang)],
        ["平均折扣深度 / 单位毛利率" if zh else "Average discount depth / unit margin", f"{pct(m['discount_depth'])} / {pct(m['unit_margin'])}"],
        ["实际销量提升 vs 盈亏平衡所需提升" if zh else "Unit lift achieved vs break-even lift needed",
         f"{m['unit_lift']:+.0%} vs {m['break_even_lift']:+.0%}" if np.isfinite(m["break_even_lift"]) else f"{m['unit_lift']:+.0%} vs —"],
    ]
    b = m["buckets"][m["buckets"].skus > 0]
    buckets = _table(["折扣深度" if zh else "Depth", "SKU", "销量提升" if zh else "Unit lift", "IGP", "补贴漏损" if zh else "Leakage"],
                     [[_e(x.bucket), str(int(x.skus)), f"{x.lift:+.0%}", money(x.igp, lang), money(x.subsidy_leakage, lang)]
                      for x in b.itertuples()])
    vc = m["variable_cost_rate"]
    caveat = (f"<p class='fp-note'>Q̂ = SKU基线日销量 × 活动天数 × 反事实系数 {m['cf_factor']:.3f}；变动成本率 {vc:.0%}"
              + ("（卡片未声明履约/支付/佣金成本，按0计，IGP偏高）" if vc == 0 else "") + "。</p>" if zh else
              f"<p class='fp-note'>Q̂ = the SKU's baseline units per day × campaign days × counterfactual factor {m['cf_factor']:.3f}; "
              f"variable cost rate {vc:.0%}" + (" (the card declares no fulfilment/payment/commission cost: taken as 0, so IGP is overstated)" if vc == 0 else "") + ".</p>")
    return Html(_table(["", ""], rows, cls="fp-table fp-kv") + buckets + caveat)


def ltv_cac(x: dict | None, skipped: str | None = None, lang: str = "zh") -> Html:
    if x is None:
        return skipped_note(skipped, lang) if skipped else Html("")
    zh = lang == "zh"
    verdict = x["ratio"] >= 3
    text = (f"活动新客 LTV : CAC = {x['ratio']:.2f}（LTV {money(x['ltv'], lang, digits=0)} = (首30天净消费 {money(x['first_30d_net'], lang, digits=0)}"
            f" + 未来26周预测 {money(x['predicted_value'], lang, digits=0)}) × 毛利率 {pct(x['gross_margin_rate'])}；CAC = 花费/新客 = {money(x['cac'], lang, digits=0)}）；"
            f"{'达到' if verdict else '低于'} 3 的经验目标。" if zh else
            f"LTV : CAC of campaign new customers = {x['ratio']:.2f} (LTV {money(x['ltv'], lang, digits=0)} = (first-30-day net "
            f"{money(x['first_30d_net'], lang, digits=0)} + predicted next 26 weeks {money(x['predicted_value'], lang, digits=0)}) × gross margin "
            f"{pct(x['gross_margin_rate'])}; CAC = spend / new customers = {money(x['cac'], lang, digits=0)}); "
            f"{'meets' if verdict else 'below'} the rule-of-thumb target of 3.")
    return Html(f"<p>{_e(text)}</p>")


def root_cause(segments: pd.DataFrame | None, day: dict | None, gap: dict | None, lang: str = "zh") -> Html:
    """Segment effects on daily GMV, and Adtributor's top causes for the anomalous day and the gap."""
    from ..analysis.rootcause import MIN_TOTAL_CHANGE, explain

    zh = lang == "zh"
    out = ""
    if segments is not None:
        labels = {"channel": "渠道", "category": "品类", "price_band": "价格带", "customer_type": "新老客"}
        head = ["维度" if zh else "Dimension", "流量" if zh else "Traffic", "结构" if zh else "Mix", kpi_name("cr", lang), kpi_name("aov", lang)]
        rows = [[_e(labels[d] if zh else d), *[money(v, lang) for v in row[["traffic", "mix", "cr", "aov"]]]]
                for d, row in segments.iterrows()]
        out += _table(head, rows) + ("<p class='fp-note'>日均GMV变化按维度的精确拆解（LMDI）；无流量数据的维度以订单数为流量。</p>" if zh else
                                     "<p class='fp-note'>Exact LMDI split of the change in daily GMV by dimension; dimensions without traffic data use orders as traffic.</p>")
    for result, title_zh, title_en in ((day, "异常日 {date} 的主因", "Main causes on the anomalous day {date}"),
                                       (gap, "GMV 目标缺口的主因", "Main causes of the gap to the GMV target")):
        if result is None:
            continue
        title = (title_zh if zh else title_en).format(date=result.get("date", ""))
        sentences = explain(result, lang)
        change = result.get("total_change")
        if not sentences and change is not None and abs(change) < MIN_TOTAL_CHANGE:
            body = (f"<p>当日总GMV与相邻几天的典型日只差 {change:+.1%}：告警来自渠道结构的变化，而不是总量异常，故不做归因。</p>" if zh else
                    f"<p>The day's total GMV is only {change:+.1%} off a typical neighbouring day: the alert is a shift of mix, "
                    "not an anomaly of the total, so no causes are named.</p>")
        else:
            body = _ul(sentences) if sentences else f"<p>{'无单一维度能解释' if zh else 'No single dimension explains it'}</p>"
        out += f"<h4>{_e(title)}</h4>" + body
    return Html(out)


_WEEKDAYS = (("周一", "Monday"), ("周二", "Tuesday"), ("周三", "Wednesday"), ("周四", "Thursday"),
             ("周五", "Friday"), ("周六", "Saturday"), ("周日", "Sunday"))


def _lift_dip_text(result: dict, lang: str) -> str:
    """The headline sentence: campaign lift, then what the dip did — pull-forward (透支, its interval
    below 0), halo (长尾带动, above 0: sizes and intervals as positive numbers) or nothing
    distinguishable from zero (the interval contains 0) — and the net increment."""
    zh = lang == "zh"
    tab, pf, n = result["table"], result.get("pull_forward"), r_days(result)
    camp, tot = tab.loc["campaign"], tab.loc["total"]
    verdict = result.get("dip_verdict")
    if verdict is None and "dip" in tab.index:
        d = tab.loc["dip"]
        verdict = "pull_forward" if d.upper < 0 else "halo" if d.lower > 0 else "flat"
    if verdict is None:
        return f"净增量 {money(tot.incremental, lang)}。" if zh else f"Net incremental GMV {money(tot.incremental, lang)}."
    dip = tab.loc["dip"]
    more = camp.incremental >= 0
    head = (f"活动期比无活动预期{'多' if more else '少'}卖 {money(abs(camp.incremental), lang)}" if zh else
            f"The campaign sold {money(abs(camp.incremental), lang)} {'more' if more else 'less'} than expected without it")
    share = pf is not None and np.isfinite(pf["estimate"])
    if verdict == "pull_forward" and share:
        return (f"{head}，其中约 {money(-dip.incremental, lang)}（{pct(pf['estimate'])}，95% CI {pct(pf['lower'])} ~ {pct(pf['upper'])}）"
                f"是从之后 {n} 天提前透支的；扣除后净增量 {money(tot.incremental, lang)}。" if zh else
                f"{head}; about {money(-dip.incremental, lang)} of that ({pct(pf['estimate'])}, 95% CI {pct(pf['lower'])} to "
                f"{pct(pf['upper'])}) was pulled forward from the following {n} days, leaving {money(tot.incremental, lang)} net.")
    if verdict == "pull_forward":
        return (f"{head}；之后 {n} 天比预期少卖 {money(-dip.incremental, lang)}（95% CI {money(-dip.upper, lang)} ~ "
                f"{money(-dip.lower, lang)}）；合计净增量 {money(tot.incremental, lang)}。" if zh else
                f"{head}; the following {n} days sold {money(-dip.incremental, lang)} less than expected (95% CI "
                f"{money(-dip.upper, lang)} to {money(-dip.lower, lang)}), for {money(tot.incremental, lang)} net in all.")
    if verdict == "halo":
        rel = (f"，相当于活动期增量的 {pct(-pf['estimate'])}（95% CI {pct(-pf['upper'])} ~ {pct(-pf['lower'])}）" if zh else
               f"; {pct(-pf['estimate'])} of the campaign lift, 95% CI {pct(-pf['upper'])} to {pct(-pf['lower'])}") if share else ""
        return (f"{head}；之后 {n} 天没有透支，反而比预期多卖 {money(dip.incremental, lang)}（95% CI {money(dip.lower, lang)} ~ "
                f"{money(dip.upper, lang)}{rel}），属于长尾带动（光环效应）；合计净增量 {money(tot.incremental, lang)}。" if zh else
                f"{head}; the following {n} days were not paid back but sold {money(dip.incremental, lang)} more than expected too "
                f"(95% CI {money(dip.lower, lang)} to {money(dip.upper, lang)}{rel}): a halo, not a pull-forward, for "
                f"{money(tot.incremental, lang)} net in all.")
    return (f"{head}；之后 {n} 天实际与预期之差 {money(dip.incremental, lang)}（95% CI {money(dip.lower, lang)} ~ "
            f"{money(dip.upper, lang)}）与零无法区分：未见可辨别的透支或长尾带动；合计净增量 {money(tot.incremental, lang)}。" if zh else
            f"{head}; over the following {n} days actual minus expected was {money(dip.incremental, lang)} (95% CI "
            f"{money(dip.lower, lang)} to {money(dip.upper, lang)}), not distinguishable from zero: no discernible "
            f"pull-forward or halo; {money(tot.incremental, lang)} net in all.")


def lift(result: dict | None, lang: str = "zh", skipped: str | None = None) -> Html:
    """Incremental GMV per phase with intervals, and what the dip did (pull-forward, halo or
    neither). ``skipped``: why the analysis did not run (``r.skipped["lift"]``), shown in the
    report's language when it is bilingual (:class:`fupan.metrics.lift.LiftError`)."""
    zh = lang == "zh"
    if result is None:
        reason = pick(skipped, lang) if skipped else ("原因未记录" if zh else "no reason was recorded")
        return note(f"反事实增量分析未做：{reason}。" if zh else f"The counterfactual lift analysis was not run: {reason}.")
    tab = result["table"]
    rows = [[phase_name(p, lang), money(x.actual, lang), money(x.expected, lang), money(x.incremental, lang),
             f"[{money(x.lower, lang)}, {money(x.upper, lang)}]"] for p, x in tab.iterrows() if p != "total"]
    tot = tab.loc["total"]
    rows.append([f"<b>{'合计（预热至回落）' if zh else 'Total (pre-heat to dip)'}</b>", money(tot.actual, lang), money(tot.expected, lang),
                 f"<b>{money(tot.incremental, lang)}</b>", f"[{money(tot.lower, lang)}, {money(tot.upper, lang)}]"])
    head = [t("window", lang), t("actual", lang), "反事实 Ŷ" if zh else "Counterfactual Ŷ", "增量" if zh else "Incremental", "95% CI"]
    text = _lift_dip_text(result, lang)
    vol = result.get("volumes") or {}
    parts = []
    for metric, zh_unit, en_unit in (("orders", "单", "orders"), ("units", "件", "units")):
        v = vol.get(metric)
        if v is not None and "total" in v.index:
            x = v.loc["total"]
            parts.append(f"{x.incremental:+,.0f} {zh_unit}（95% CI {x.lower:+,.0f} ~ {x.upper:+,.0f}）" if zh else
                         f"{x.incremental:+,.0f} {en_unit} (95% CI {x.lower:+,.0f} to {x.upper:+,.0f})")
    if parts:
        text += (f" 同一模型下，预热至回落的订单增量 {parts[0]}" + (f"，件数增量 {parts[1]}" if len(parts) > 1 else "") + "。"
                 if zh else f" By the same model, pre-heat to dip: {parts[0]}" + (f", {parts[1]}" if len(parts) > 1 else "") + ".")
    model = (f"<p class='fp-note'>基线模型：对数线性趋势（年增长 {result['growth_per_year']:+.0%}）+ 星期效应，以基线期结束前一年的整周训练，"
             f"自动剔除类促销日；区间为7天分块残差自助法。" if zh else
             f"<p class='fp-note'>Baseline model: log-linear trend (growth {result['growth_per_year']:+.0%} a year) + weekday effects, "
             f"trained on the year of whole weeks before the baseline ends, promo-like days masked; intervals by 7-day block residual bootstrap.")
    closed = [_WEEKDAYS[d][0 if zh else 1] for d in result.get("closed_weekdays", ())]
    if closed:
        model += (f"店铺{'、'.join(closed)}不营业（训练期内该日至少九成无销售）：这些天的反事实按 0 计，不参与拟合与自助法，当天实际也为 0 时增量恰为 0。" if zh else
                  f" The shop is closed on {', '.join(closed)} (no sales on at least 90% of those training days): the counterfactual "
                  "is 0 on them, they stay out of the fit and the bootstrap, and a closed day with no sales adds exactly 0.")
    if result.get("zero_days"):
        model += (f"另有 {result['zero_days']} 个营业日无销售（节假日、临时停业等），不参与对数模型拟合；其余营业日的基线为正常营业日的预期。" if zh else
                  f" {result['zero_days']} training day(s) on open weekdays had no sales (holidays, closures) and stay out of the "
                  "log fit; the baseline of an open day is what a trading day is expected to sell.")
    model += "</p>"
    return Html(f"<p><b>{_e(text)}</b></p>" + _table(head, rows) + model)


def controls(result: dict | None, skipped: str | None = None, lang: str = "zh") -> Html:
    """Difference-in-differences against the card's control series, the pre-trend check, and
    cannibalisation / halo with the net incremental GMV (METHODS.md §1.1)."""
    zh = lang == "zh"
    if result is None:
        if skipped:
            return note(("对照组无法使用：" if zh else "The control series cannot be used: ") + skipped)
        return note("卡片未声明对照组（controls.categories：未参加促销的品类），未做双重差分；上表增量只依赖趋势基线模型。" if zh else
                    "The card declares no control series (controls.categories: categories left out of the promotion), so "
                    "there is no difference-in-differences; the increments above rest on the trend baseline alone.")
    tab = result["table"]
    rows = [[phase_name(ph, lang), money(x.actual, lang), money(x.expected, lang), money(x.incremental, lang),
             f"[{money(x.lower, lang)}, {money(x.upper, lang)}]", f"{x.p_value:.2g}"] for ph, x in tab.iterrows()]
    head = [t("window", lang), t("actual", lang), "对照推算" if zh else "Control-implied", "DiD 增量" if zh else "DiD incremental",
            "95% CI", "p"]
    cats = ("、" if zh else ", ").join(result["categories"])  # escaped with the whole sentence below
    pt = result["pretrend"]
    trend = (f"基线期平行趋势检验：促销品与对照的周斜率差 {money(round(pt['slope_diff_per_week'], 2) + 0.0, lang)}/周，p = {pt['p_value']:.2g}，"
             + ("未发现趋势差异（可做双重差分）。" if pt["parallel"] else "<b>趋势不平行，双重差分结果需谨慎解读。</b>") if zh else
             f"Parallel pre-trends: weekly slope difference promoted − control {money(round(pt['slope_diff_per_week'], 2) + 0.0, lang)}/week, "
             f"p = {pt['p_value']:.2g}; " + ("no difference found (DiD applies)." if pt["parallel"] else
                                             "<b>trends diverge: read the DiD with caution.</b>"))
    net = result["net"]
    sentence = (f"以未促销品类（{cats}）为对照，活动期促销品增量 {money(net['lift_promoted'], lang)}；" if zh else
                f"Against the non-promoted categories ({cats}), the promoted lines gained {money(net['lift_promoted'], lang)} "
                "during the campaign; ")
    if result.get("substitutes", True):
        sentence += (f"替代品被蚕食 {money(net['cannibalisation'], lang)}，" if zh else
                     f"substitutes lost {money(net['cannibalisation'], lang)} to cannibalisation; ")
    if result.get("complements", True):
        sentence += (f"互补品带动 {money(net['halo'], lang)}，" if zh else f"complements gained {money(net['halo'], lang)} of halo; ")
    pull = net["pull_forward"]
    if pull >= 0:
        sentence += (f"回落期透支 {money(pull, lang)}；" if zh else f"{money(pull, lang)} was pulled forward from the dip: ")
    else:
        sentence += (f"回落期反而多卖 {money(-pull, lang)}（长尾带动，未透支）；" if zh else
                     f"the dip sold {money(-pull, lang)} more than the control implies (a halo, nothing pulled forward): ")
    sentence += (f"净增量 {money(net['net_incremental'], lang)}。" if zh else f"{money(net['net_incremental'], lang)} net.")
    undeclared = [k for k in ("substitutes", "complements") if not result.get(k, True)]
    if undeclared:
        sentence += (f"（卡片未声明{'替代品' if 'substitutes' in undeclared else ''}{'、' if len(undeclared) == 2 else ''}"
                     f"{'互补品' if 'complements' in undeclared else ''}（controls.{' / '.join(undeclared)}），"
                     f"{'蚕食' if 'substitutes' in undeclared else ''}{'与' if len(undeclared) == 2 else ''}"
                     f"{'带动' if 'complements' in undeclared else ''}未估算。）" if zh else
                     f" (The card declares no {' or '.join(undeclared)} (controls.{' / '.join(undeclared)}): "
                     f"{' and '.join({'substitutes': 'cannibalisation', 'complements': 'halo'}[k] for k in undeclared)} not estimated.)")
    items = ""
    if result.get("items") is not None:
        items = _table(["SKU", t("actual", lang), "对照推算" if zh else "Control-implied", "DiD", "95% CI"],
                       [[_e(k), money(x.actual, lang), money(x.expected, lang), money(x.incremental, lang),
                         f"[{money(x.lower, lang)}, {money(x.upper, lang)}]"] for k, x in result["items"].iterrows()])
    method = ("<p class='fp-note'>双重差分：对照品类日GMV按基线期比例缩放到促销品水平；δ = (促销品阶段日均 − 基线日均) − (对照同样差值)，"
              "增量 = δ × 天数；区间与p值为逐日差值（促销品 − 缩放对照）阶段 vs 基线的 Welch 检验。</p>" if zh else
              "<p class='fp-note'>Difference-in-differences: the control categories' daily GMV scaled to the promoted lines' "
              "baseline level; δ = (promoted daily mean in the phase − in the baseline) − (the same for the control), "
              "incremental = δ × days; interval and p from Welch's test on the daily differences promoted − scaled control, "
              "phase vs baseline.</p>")
    return Html(f"<p><b>{_e(sentence)}</b></p>" + _table(head, rows) + f"<p>{trend}</p>" + items + method)


def r_days(result: dict) -> int:
    return int(result.get("dip_days", 0)) or 14

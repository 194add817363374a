"""The benchmark report: a :class:`~fupan.cases.compare.Benchmark` as HTML, in zh or en.

:func:`render_benchmark` gives an HTML fragment (one ``<section>`` with its own scoped style) for
the 结果 stage of a retrospective; :func:`benchmark_page` wraps it into one offline page (charts
as inline SVG, the CJK font embedded as a subset, no script, nothing fetched) that
:func:`write_benchmark` writes atomically. Operator text (names, lessons) is escaped.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path

from .. import __version__
from .. import format as fmt
from ..dictionary import DEFINITIONS_VERSION, KPI_DEFINITIONS
from ..i18n import pick
from . import benchmark_charts as charts
from .compare import FESTIVALS, Benchmark, CaseView, Position
from .kpis import METRIC_BY_KEY, METRICS, format_value
from .record import write_atomic
from .site.build import CATEGORIES, PLATFORMS, label

UI: dict[str, tuple[str, str]] = {
    "title": ("{name} · 对标报告", "{name} · Benchmark report"),
    "subtitle": (
        "与案例库中的历史案例对比：归一化指标的同行位置、最相似的案例与其教训",
        "Against the archived cases: peer position on normalised KPIs, the most similar cases and their lessons",
    ),
    "facts": (
        "案例 {id} · {platform} · {category} · {festival} · {days} 天 · 口径版本 {version}",
        "Case {id} · {platform} · {category} · {festival} · {days} days · definitions {version}",
    ),
    "library": (
        "案例库：{path}（本案例以外 {n} 个案例）",
        "Case library: {path} ({n} cases besides this one)",
    ),
    "peers_direct": (
        "对标同行：{platform} × {category}，共 {n} 个案例。",
        "Peers: {platform} × {category}, {n} cases.",
    ),
    "peers_wider": (
        "同平台×同类目（{platform} × {category}）只有 {n0} 个案例，不足 {min} 个；放宽为{level}，共 {n} 个案例。",
        "Only {n0} case(s) share platform × category ({platform} × {category}), fewer than {min}; "
        "peers widened to {level}: {n} cases.",
    ),
    "peers_small": (
        "同行不足 {min} 个：表中显示名次（如“第3名/共7”）而非百分位。",
        "Fewer than {min} peers: raw ranks (e.g. “3rd of 7”) are shown instead of percentiles.",
    ),
    "level_category": (
        "同类目（{category}，不限平台）",
        "the same category ({category}, any platform)",
    ),
    "level_platform": (
        "同平台（{platform}，不限类目）",
        "the same platform ({platform}, any category)",
    ),
    "level_library": ("整个案例库", "the whole library"),
    "empty_library": (
        "案例库中没有其他案例，无法对标。",
        "The library holds no other case: nothing to compare with.",
    ),
    "version_own": (
        "本案例按口径版本 {v} 计算，当前版本为 {cur}。",
        "This case was computed under definitions {v}; the current version is {cur}.",
    ),
    "version_other": (
        "案例 {id} 按口径版本 {v} 计算，与本案例（{cur}）不同。",
        "Case {id} was computed under definitions {v}, not {cur} like this case.",
    ),
    "version_unknown": (
        "旧版本的口径未存档，指标定义可能不同，以下对比中的指标均可能受影响：{kpis}。",
        "Old versions' definitions are not stored, so definitions may differ; any KPI below may be affected: {kpis}.",
    ),
    "version_known": ("口径不同的指标：{kpis}。", "KPIs whose definitions differ: {kpis}."),
    "h_position": ("归一化指标的同行位置", "Peer position on normalised KPIs"),
    "position_intro": (
        "只比较比率、人均值、相对自身基线的指数、爆发系数与目标达成率（活动整体窗口）。百分位与名次均按“优于同行”的方向：越低越好的指标（如退款率）已反向。",
        "Only ratios, per-UV value, indices against each case's own baseline, the burst multiple and target achievement (whole campaign window). "
        "Percentiles and ranks read “better than peers”: KPIs where lower is better (e.g. refund rate) are reversed.",
    ),
    "col_kpi": ("指标", "KPI"),
    "col_value": ("本案例", "This case"),
    "col_median": ("同行中位数 [P25–P75]", "Peer median [P25–P75]"),
    "col_position": ("位置", "Position"),
    "col_z": ("稳健z", "Robust z"),
    "col_dist": ("分布（灰点=同行，红=本案例）", "Spread (grey = peers, red = this case)"),
    "pct": ("第 {p:.0f} 百分位（n={n}）", "{ord} percentile (n={n})"),
    "versions_title": ("⚠ 口径版本不同", "⚠ Definitions differ"),
    "rank": ("第 {r} 名 / 共 {of}", "{ord} of {of}"),
    "no_peer_value": ("同行均未测量", "no peer measured it"),
    "not_measured": ("未测量", "not measured"),
    "same_currency": ("（仅同币种）", " (same currency only)"),
    "lower_better": ("越低越好", "lower is better"),
    "h_scale": (
        "规模（仅作参照，不参与排名；对数轴）",
        "Scale (context only, not ranked; log axis)",
    ),
    "scale_gmv": ("活动GMV", "Campaign GMV"),
    "scale_uv": ("访客数 UV", "UV"),
    "h_bullets": (
        "目标达成：实际 vs 计划，同行 P25/P50/P75",
        "Targets: actual vs plan, with peer P25/P50/P75",
    ),
    "bullets_intro": (
        "黑条=实际，红色竖线=计划；灰带按同行的 P25/P50/P75 分段（颜色越深越低）。规模类目标（GMV、新客数等）按达成率（实际/计划）对比，比率类目标按指标本身对比。",
        "Dark bar = actual, red tick = plan; grey bands split at the peers' P25/P50/P75 (darker = lower). "
        "Scale targets (GMV, new customers…) compare achievement (actual/plan); ratio targets compare the KPI itself.",
    ),
    "bullet_line": (
        "实际 {a} · 计划 {p} · 同行 P25/P50/P75 = {q}（n={n}）",
        "actual {a} · plan {p} · peers P25/P50/P75 = {q} (n={n})",
    ),
    "bullet_few": (
        "同行中设此目标的不足 3 个（n={n}），不画分段。",
        "Fewer than 3 peers set this target (n={n}): no bands.",
    ),
    "achievement_of": ("{kpi}目标达成率", "{kpi} target achievement"),
    "no_targets": (
        "卡片未设目标（strategy.targets），没有可对比的计划。",
        "The card sets no targets (strategy.targets): no plan to compare.",
    ),
    "h_nearest": (
        "最相似的 {k} 个案例（Gower 相似度）",
        "The {k} most similar cases (Gower similarity)",
    ),
    "nearest_intro": (
        "按卡片属性匹配：平台、类目、节日类型（名义变量），活动天数、折扣深度、预算对数（数值变量）；缺失的属性不计入。",
        "Matched on card attributes: platform, category, festival type (nominal); campaign days, discount depth, log budget (numeric); a missing attribute is left out.",
    ),
    "col_case": ("案例", "Case"),
    "col_sim": ("相似度", "Similarity"),
    "col_platform": ("平台", "Platform"),
    "col_category": ("类目", "Category"),
    "col_festival": ("节日", "Festival"),
    "col_days": ("天数", "Days"),
    "col_discount": ("折扣深度", "Discount depth"),
    "col_budget": ("预算", "Budget"),
    "col_gmv": ("GMV", "GMV"),
    "this_case": ("本案例", "This case"),
    "no_report": ("（无报告）", "(no report)"),
    "synthetic": ("合成数据", "synthetic data"),
    "no_nearest": ("没有可比较的案例。", "No case to compare with."),
    "h_daily": (
        "每日GMV指数：本案例与相似案例（按活动日对齐）",
        "Daily GMV index: this case and its nearest cases (aligned by promotion day)",
    ),
    "daily_intro": (
        "指数 = 100 × 当日GMV / 该案例基线日均GMV；第 0 天 = 爆发期第一天。",
        "Index = 100 × the day's GMV / the case's own baseline daily GMV; day 0 = first day of the burst.",
    ),
    "day0": ("第0天：爆发开始", "day 0: burst starts"),
    "y_index": (
        "GMV指数（基线日均=100）· 横轴：活动日",
        "GMV index (baseline day = 100) · x: promotion day",
    ),
    "daily_missing": (
        "以下案例的 case.json 中没有每日序列（字段 analyses.daily_gmv_index），未画出：{ids}。",
        "These cases' case.json holds no daily series (field analyses.daily_gmv_index), so they are not drawn: {ids}.",
    ),
    "daily_none": ("没有可画的每日序列。", "No daily series to draw."),
    "h_risks": ("复用风险清单", "Reuse-risk checklist"),
    "risks_intro": (
        "证据来自最相似案例自己的复盘：卡片中的“待改进”（retrospective.to_improve）与自动发现中的“问题”。",
        "The evidence is the similar cases' own retrospectives: their card's “to improve” (retrospective.to_improve) and their findings of kind “miss”.",
    ),
    "risk_resources": (
        "资源：爆款库存、预算与人手是否按峰值备足？",
        "Resources: are hero-SKU stock, budget and staff sized for the peak?",
    ),
    "risk_timing": (
        "时机：预售/定金、预热与爆发的节奏、活动后的回落是否已计入计划？",
        "Timing: are presale/deposit, pre-heat and burst pacing, and the after-campaign dip, in the plan?",
    ),
    "risk_coordination": (
        "协同：达人/主播、代理商、客服、物流与系统的分工和对接是否明确？",
        "Coordination: are the roles and hand-overs of hosts/KOLs, agency, service, logistics and systems clear?",
    ),
    "risk_metric_focus": (
        "指标重心：目标是否兼顾毛利ROI、新客质量（复购）与转化，而不只看GMV/ROAS？",
        "Metric focus: do the targets weigh margin ROI, new-customer quality (repeat) and conversion, not GMV/ROAS alone?",
    ),
    "risk_other": ("其他经验", "Other lessons"),
    "risk_none": ("相似案例中没有与此相关的记录。", "Nothing on this in the similar cases."),
    "src_to_improve": ("待改进", "to improve"),
    "src_miss": ("问题", "miss"),
    "h_method": ("方法与口径", "Method and definitions"),
    "method": (
        "百分位：scipy percentileofscore 的 rank 口径（并列取平均名次），按“优于同行”方向；同行不足 {min} 个时改为名次（并列同名次）。"
        "稳健z =（x − 中位数）/（1.4826 × MAD），符号为指标本身的方向。四分位为线性插值。"
        "Gower 相似度 = 1 − d，d = Σ wδs / Σ wδ，各属性权重相等，数值属性按本案例与案例库的极差缩放。"
        "节日类型取卡片字段 festival，否则由名称关键词或爆发期日期（11-11、06-18、12-12、黑五）推断。金额类指标只与同币种案例比较。",
        "Percentile: scipy percentileofscore kind “rank” (ties take the mean rank), oriented to “better than peers”; with fewer than {min} "
        "peers, raw ranks (ties share a place). Robust z = (x − median)/(1.4826·MAD), signed in the KPI's own direction. Quartiles by "
        "linear interpolation. Gower similarity = 1 − d, d = Σ wδs / Σ wδ, equal weights, numeric attributes scaled by their range over "
        "this case and the library. Festival type: the card's festival field, else words in the name or the burst dates (11-11, 06-18, "
        "12-12, Black Friday). Money KPIs are compared only with cases in the same currency.",
    ),
    "footer": (
        "由 fupan {v} 生成 · 口径版本 {d} · 离线可用，不发出任何网络请求 · 复现：{cmd}",
        "Made by fupan {v} · definitions {d} · works offline, makes no network request · reproduce: {cmd}",
    ),
}


def _t(key: str, lang: str, **kw) -> str:
    text = UI[key][0 if lang == "zh" else 1]
    return text.format(**kw) if kw else text


def _e(s: object) -> str:
    return html.escape(str(s))


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _name(table: dict, key: str, lang: str) -> str:
    return label(table, key)[0 if lang == "zh" else 1]


def _money(x: float | None, lang: str, currency: str) -> str:
    return (
        fmt.money(x, lang, digits=1, symbol=fmt.currency_symbol(currency)) if x is not None else "—"
    )


def _kpi_label(key: str, lang: str) -> str:
    m = METRIC_BY_KEY.get(key)
    d = m or KPI_DEFINITIONS[key]
    return d.zh if lang == "zh" else d.en


def _position_cell(p: Position, lang: str) -> str:
    if p.value is None:
        return _t("not_measured", lang)
    if p.n == 0:
        return _t("no_peer_value", lang)
    if p.percentile is not None:
        return _t("pct", lang, p=p.percentile, n=p.n, ord=_ordinal(round(p.percentile)))
    r, of = p.rank
    return _t("rank", lang, r=r, of=of, ord=_ordinal(r))


def _peer_statement(b: Benchmark, lang: str) -> str:
    a = b.subject.attributes
    plat, cat = _name(PLATFORMS, a.platform, lang), _name(CATEGORIES, a.category, lang)
    if b.library_size == 0:
        return f'<p class="fp-bm-warn">{_t("empty_library", lang)}</p>'
    n = len(b.peer_ids)
    if b.peer_level == "platform_category":
        text = _t("peers_direct", lang, platform=plat, category=cat, n=n)
    else:
        level = _t(f"level_{b.peer_level}", lang, platform=plat, category=cat)
        text = _t(
            "peers_wider",
            lang,
            platform=plat,
            category=cat,
            n0=b.peer_counts["platform_category"],
            min=b.min_peers,
            level=level,
            n=n,
        )
    if n < b.min_peers:
        text += " " + _t("peers_small", lang, min=b.min_peers)
    return f'<p class="fp-bm-peers">{_e(text)}</p>'


def _versions(b: Benchmark, lang: str) -> str:
    if not b.versions:
        return ""
    items = []
    names = (
        "、".join(_kpi_label(m.key, lang) for m in METRICS)
        if lang == "zh"
        else ", ".join(_kpi_label(m.key, lang) for m in METRICS)
    )
    for v in b.versions:
        head = (
            _t("version_own", lang, v=v.version, cur=DEFINITIONS_VERSION)
            if v.case_id == b.subject.case_id
            else _t(
                "version_other", lang, id=v.case_id, v=v.version, cur=b.subject.definitions_version
            )
        )
        tail = (
            _t("version_unknown", lang, kpis=names)
            if v.differing is None
            else _t("version_known", lang, kpis=", ".join(_kpi_label(k, lang) for k in v.differing))
        )
        items.append(f"<li>{_e(head)} {_e(tail)}</li>")
    return f'<div class="fp-bm-warn" role="alert"><b>{_t("versions_title", lang)}</b><ul>{"".join(items)}</ul></div>'


def _positions(b: Benchmark, lang: str, share_safe: bool) -> str:
    cur = b.subject.currency
    rows = []
    for p in b.positions:
        m = METRIC_BY_KEY[p.key]
        if share_safe and m.unit == "money":
            continue

        def f(v: float, unit: str = m.unit) -> str:
            return format_value(v, unit, lang, cur)

        name = _e(_kpi_label(p.key, lang)) + (
            f' <span class="fp-bm-dim">（{_t("lower_better", lang)}）</span>'
            if not m.higher_is_better and lang == "zh"
            else f' <span class="fp-bm-dim">({_t("lower_better", lang)})</span>'
            if not m.higher_is_better
            else ""
        )
        if p.same_currency_only:
            name += f'<span class="fp-bm-dim">{_t("same_currency", lang)}</span>'
        med = (
            f"{f(p.quartiles[1])} [{f(p.quartiles[0])}–{f(p.quartiles[2])}]" if p.quartiles else "—"
        )
        z = f"{p.z:+.2f}" if p.z is not None else "—"
        svg = charts.strip(p.peers, p.value, p.quartiles, f, _kpi_label(p.key, lang))
        rows.append(
            f'<tr><td title="{_e(m.definition_zh if lang == "zh" else m.definition_en)}">{name}</td>'
            f'<td class="num">{_e(f(p.value) if p.value is not None else "—")}</td><td class="num">{_e(med)}</td>'
            f'<td>{_e(_position_cell(p, lang))}</td><td class="num">{z}</td><td>{svg}</td></tr>'
        )
    head = "".join(
        f"<th>{_t(k, lang)}</th>"
        for k in ("col_kpi", "col_value", "col_median", "col_position", "col_z", "col_dist")
    )
    return (
        f'<h2>{_t("h_position", lang)}</h2><p class="fp-bm-note">{_e(_t("position_intro", lang))}</p>'
        f'<table class="fp-bm-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _scale(b: Benchmark, lang: str, share_safe: bool) -> str:
    s = b.subject
    rows = [] if share_safe else [(_t("scale_gmv", lang), b.scale_peers["gmv"], s.gmv)]
    rows.append((_t("scale_uv", lang), b.scale_peers["uv"], s.uv))

    def f(v: float) -> str:
        return fmt.money(v, lang, digits=0, symbol="") if v >= 1e4 else f"{v:,.0f}"

    svg = charts.log_strip(rows, f, _t("h_scale", lang))
    return f"<h3>{_t('h_scale', lang)}</h3>{svg}" if svg else ""


def _bullets(b: Benchmark, lang: str, share_safe: bool) -> str:
    out = [f"<h2>{_t('h_bullets', lang)}</h2>"]
    if not b.bullets:
        return "".join(out) + f'<p class="fp-bm-note">{_t("no_targets", lang)}</p>'
    out.append(f'<p class="fp-bm-note">{_e(_t("bullets_intro", lang))}</p>')
    for bl in b.bullets:
        d = KPI_DEFINITIONS[bl.kpi]
        name = d.zh if lang == "zh" else d.en
        if bl.mode == "achievement":
            title = _t("achievement_of", lang, kpi=name)

            def f(v: float) -> str:
                return fmt.pct(v, 0)
        else:
            title = name

            def f(v: float, unit: str = d.unit) -> str:
                return format_value(v, unit, lang, b.subject.currency)

        q = "/".join(f(v) for v in bl.quartiles) if bl.quartiles else "—"
        line = _t(
            "bullet_line",
            lang,
            a=f(bl.actual) if bl.actual is not None else "—",
            p=f(bl.plan),
            q=q,
            n=bl.n,
        )
        few = (
            "" if bl.quartiles else f'<div class="fp-bm-dim">{_t("bullet_few", lang, n=bl.n)}</div>'
        )
        out.append(
            f'<div class="fp-bm-bullet"><div class="fp-bm-bt">{_e(title)}</div>'
            f'{charts.bullet(bl.actual, bl.plan, bl.quartiles, f, title)}<div class="fp-bm-dim">{_e(line)}</div>{few}</div>'
        )
    return "".join(out)


def _href(report: Path | None, link_from: Path) -> str | None:
    if report is None:
        return None
    return Path(os.path.relpath(report.resolve(), link_from.resolve())).as_posix()


def _case_row(
    c: CaseView, sim: str, lang: str, link_from: Path, share_safe: bool, subject: bool = False
) -> str:
    a = c.attributes
    href = None if subject else _href(c.report, link_from)
    name = _e(c.name) + f' <span class="fp-bm-dim">{_e(c.case_id)}</span>'
    if subject:
        name = f"<b>{_t('this_case', lang)}</b> · {name}"
    elif href:
        name = f'<a href="{_e(href)}">{name}</a>'
    else:
        name += f' <span class="fp-bm-dim">{_t("no_report", lang)}</span>'
    if c.provenance == "synthetic":
        name += f' <span class="fp-bm-src">{_t("synthetic", lang)}</span>'
    if c.definitions_version != DEFINITIONS_VERSION:
        name += f' <span class="fp-bm-flag" title="口径 {_e(c.definitions_version)}">⚠ {_e(c.definitions_version)}</span>'
    v = c.values
    cells = [
        name,
        sim,
        _name(PLATFORMS, a.platform, lang),
        _name(CATEGORIES, a.category, lang),
        _name(FESTIVALS, a.festival, lang),
        f"{a.duration_days:.0f}" if a.duration_days else "—",
        fmt.pct(a.discount_depth, 1) if a.discount_depth is not None else "—",
    ]
    if not share_safe:
        cells += [
            _money(10**a.log_budget if a.log_budget is not None else None, lang, c.currency),
            _money(c.gmv, lang, c.currency),
        ]
    cells += [
        format_value(v["gmv_achievement"], "ratio", lang),
        format_value(v["gmv_index"], "index", lang),
        format_value(v["burst_multiple"], "multiple", lang),
        format_value(v["roas"], "multiple", lang),
    ]
    return (
        "<tr"
        + (' class="fp-bm-self"' if subject else "")
        + ">"
        + "".join(f"<td>{x}</td>" if i == 0 else f"<td>{_e(x)}</td>" for i, x in enumerate(cells))
        + "</tr>"
    )


def _nearest(b: Benchmark, lang: str, link_from: Path, share_safe: bool) -> str:
    out = [f"<h2>{_t('h_nearest', lang, k=len(b.nearest))}</h2>"]
    if not b.nearest:
        return "".join(out) + f'<p class="fp-bm-note">{_t("no_nearest", lang)}</p>'
    keys = [
        "col_case",
        "col_sim",
        "col_platform",
        "col_category",
        "col_festival",
        "col_days",
        "col_discount",
    ]
    head = [_t(k, lang) for k in keys] + (
        [] if share_safe else [_t("col_budget", lang), _t("col_gmv", lang)]
    )
    head += [
        _kpi_label(k, lang) for k in ("gmv_achievement", "gmv_index", "burst_multiple", "roas")
    ]
    rows = [_case_row(b.subject, "—", lang, link_from, share_safe, subject=True)]
    rows += [
        _case_row(n.case, f"{n.similarity:.3f}", lang, link_from, share_safe) for n in b.nearest
    ]
    return "".join(out) + (
        f'<p class="fp-bm-note">{_e(_t("nearest_intro", lang))}</p><table class="fp-bm-table">'
        f"<thead><tr>{''.join(f'<th>{_e(h)}</th>' for h in head)}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _daily(b: Benchmark, lang: str) -> str:
    out = [f'<h2>{_t("h_daily", lang)}</h2><p class="fp-bm-note">{_e(_t("daily_intro", lang))}</p>']
    series = []
    if b.subject.daily:
        series.append((_t("this_case", lang), b.subject.daily, True))
    series += [(n.case.name, n.case.daily, False) for n in b.nearest if n.case.daily]
    missing = ([b.subject.case_id] if not b.subject.daily else []) + [
        n.case.case_id for n in b.nearest if not n.case.daily
    ]
    days = [d for _, s, _ in series for d, _ in s]
    if days:
        x_range = (max(min(days), -28), min(max(days), 35))
        out.append(
            charts.overlay(
                series, x_range, _t("day0", lang), _t("y_index", lang), _t("h_daily", lang)
            )
        )
    else:
        out.append(f'<p class="fp-bm-note">{_t("daily_none", lang)}</p>')
    if missing:
        out.append(
            f'<p class="fp-bm-dim">{_e(_t("daily_missing", lang, ids=", ".join(missing)))}</p>'
        )
    return "".join(out)


def _risks(b: Benchmark, lang: str) -> str:
    names = {n.case.case_id: n.case.name for n in b.nearest}
    out = [f'<h2>{_t("h_risks", lang)}</h2><p class="fp-bm-note">{_e(_t("risks_intro", lang))}</p>']
    if not b.nearest:
        return "".join(out) + f'<p class="fp-bm-note">{_t("no_nearest", lang)}</p>'
    items = []
    for r in b.risks:
        ev = (
            "".join(
                f'<li><span class="fp-bm-src">{_t("src_" + e.source, lang)}</span> {_e(pick(e.text, lang))} '
                f'<span class="fp-bm-dim">— {_e("、".join(names.get(i, i) for i in e.cases) if lang == "zh" else "; ".join(names.get(i, i) for i in e.cases))}</span></li>'
                for e in r.evidence
            )
            or f'<li class="fp-bm-dim">{_t("risk_none", lang)}</li>'
        )
        items.append(
            f'<li class="fp-bm-risk"><span class="fp-bm-box">☐</span> <b>{_t("risk_" + r.theme, lang)}</b><ul>{ev}</ul></li>'
        )
    return "".join(out) + f'<ul class="fp-bm-risks">{"".join(items)}</ul>'


CSS = """
.fp-bm{font-family:'FupanCJK',system-ui,-apple-system,'Segoe UI',sans-serif;color:#222;line-height:1.5}
.fp-bm h1{font-size:1.6em;margin:.2em 0}.fp-bm h2{font-size:1.25em;margin:1.4em 0 .4em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.fp-bm h3{font-size:1.05em;margin:1em 0 .3em}.fp-bm-note{color:#555;font-size:.92em;margin:.3em 0 .6em}
.fp-bm-dim{color:#777;font-size:.88em}.fp-bm-peers{font-weight:600}
.fp-bm-warn{background:#fff4e5;border-left:4px solid #e67e22;padding:.5em .8em;margin:.6em 0}.fp-bm-warn ul{margin:.2em 0 0 1em;padding:0}
.fp-bm-table{border-collapse:collapse;font-size:.9em;margin:.4em 0}.fp-bm-table th,.fp-bm-table td{border-bottom:1px solid #eee;padding:.25em .55em;text-align:left;vertical-align:middle}
.fp-bm-table th{background:#f6f6f6;font-weight:600}.fp-bm-table td.num{text-align:right;white-space:nowrap}
.fp-bm-self td{background:#fdf2f0}.fp-bm-flag{color:#c0392b;font-size:.85em}
.fp-bm-bullet{margin:.5em 0 .9em}.fp-bm-bt{font-weight:600}.fp-bm-svg{display:block;max-width:100%;height:auto}
.fp-bm-risks{list-style:none;padding-left:0}.fp-bm-risk{margin:.6em 0}.fp-bm-box{font-size:1.15em}
.fp-bm-src{display:inline-block;background:#eef;border-radius:3px;padding:0 .35em;font-size:.8em;color:#335}
.fp-bm a{color:#1f5fa8}
"""


def render_benchmark(
    b: Benchmark,
    lang: str = "zh",
    *,
    link_from: Path | str = ".",
    share_safe: bool = False,
    heading: bool = True,
) -> str:
    """The benchmark as one HTML ``<section class="fp-bm">`` (scoped style inside).

    ``link_from``: the folder the page will live in (links to the cases' reports are relative to
    it). ``share_safe``: leave out amounts of money (GMV, budget, GMV per UV). ``heading``: the
    title and facts block (a report embedding the fragment under its own heading may drop it).
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}; use 'zh' or 'en'")
    s, a = b.subject, b.subject.attributes
    parts = [f"<style>{CSS}</style>"]
    if heading:
        facts = _t(
            "facts",
            lang,
            id=s.case_id,
            platform=_name(PLATFORMS, a.platform, lang),
            category=_name(CATEGORIES, a.category, lang),
            festival=_name(FESTIVALS, a.festival, lang),
            days=f"{a.duration_days:.0f}" if a.duration_days else "—",
            version=s.definitions_version,
        )
        parts.append(
            f'<h1>{_e(_t("title", lang, name=s.name))}</h1><p class="fp-bm-note">{_t("subtitle", lang)}</p>'
            f'<p class="fp-bm-dim">{_e(facts)}<br>{_e(_t("library", lang, path=b.library, n=b.library_size))}</p>'
        )
    parts += [_peer_statement(b, lang), _versions(b, lang)]
    if b.library_size:
        parts += [
            _positions(b, lang, share_safe),
            _scale(b, lang, share_safe),
            _bullets(b, lang, share_safe),
            _nearest(b, lang, Path(link_from), share_safe),
            _daily(b, lang),
            _risks(b, lang),
        ]
    parts.append(
        f'<h2>{_t("h_method", lang)}</h2><p class="fp-bm-note">{_e(_t("method", lang, min=b.min_peers))}</p>'
    )
    return f'<section class="fp-bm" lang="{"zh-CN" if lang == "zh" else "en"}">{"".join(parts)}</section>'


def benchmark_page(
    b: Benchmark, lang: str = "zh", *, link_from: Path | str = ".", reproduce: str = ""
) -> str:
    """One self-contained HTML page: the fragment, a footer, and the CJK font subset it needs."""
    from ..fonts import embedded_font_css

    body = render_benchmark(b, lang, link_from=link_from)
    footer = _t(
        "footer", lang, v=__version__, d=DEFINITIONS_VERSION, cmd=reproduce or "fupan compare"
    )
    title = _t("title", lang, name=b.subject.name)
    visible = (
        html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", body, flags=re.S)) + footer + title
    )
    font = embedded_font_css(visible + "0123456789.,%×—–+−·", family="FupanCJK")
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
        f"<style>{font}\nbody{{margin:0 auto;max-width:1180px;padding:1.2em 1.6em}}"
        f"footer{{margin-top:2em;color:#777;font-size:.85em;border-top:1px solid #ddd;padding-top:.6em;"
        f"font-family:'FupanCJK',sans-serif}}</style></head>"
        f"<body>{body}<footer>{_e(footer)}</footer></body></html>\n"
    )


def write_benchmark(
    b: Benchmark, out_root: Path | str, lang: str = "zh", *, reproduce: str = ""
) -> Path:
    """Write ``<out_root>/<case id>/benchmark.html`` atomically (beside the case's report.html)."""
    folder = Path(out_root) / b.subject.case_id
    path = folder / "benchmark.html"
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(path, benchmark_page(b, lang, link_from=folder, reproduce=reproduce))
    return path

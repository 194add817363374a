"""The benchmark against the case library (``fupan compare`` and 结果): its headings, column
names, notes and warnings (:mod:`fupan.report.sections.benchmark`)."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "bm_twins": (
        "案例 {ids} 与本活动的数据文件完全相同（同一活动的另一编号），不作为对标案例。",
        "Case(s) {ids} hold the very data files of this campaign (the same campaign under another "
        "id): left out of the comparison.",
    ),
    "bm_title": ("{name} · 对标报告", "{name} · Benchmark report"),
    "bm_subtitle": (
        "与案例库中的历史案例对比：归一化指标的同行位置、最相似的案例与其教训",
        "Against the archived cases: peer position on normalised KPIs, the most similar cases and their lessons",
    ),
    "bm_facts": (
        "案例 {id} · {platform} · {category} · {festival} · {days} 天 · 口径版本 {version}",
        "Case {id} · {platform} · {category} · {festival} · {days} days · definitions {version}",
    ),
    "bm_library": (
        "案例库：{path}（本案例以外 {n} 个案例）",
        "Case library: {path} ({n} cases besides this one)",
    ),
    "bm_peers_direct": (
        "对标同行：{platform} × {category}，共 {n} 个案例。",
        "Peers: {platform} × {category}, {n} cases.",
    ),
    "bm_peers_wider": (
        "同平台×同类目（{platform} × {category}）只有 {n0} 个案例，不足 {min} 个；放宽为{level}，共 {n} 个案例。",
        "Only {n0} case(s) share platform × category ({platform} × {category}), fewer than {min}; peers widened to {level}: {n} cases.",
    ),
    "bm_peers_small": (
        "同行不足 {min} 个：表中显示名次（如“第3名/共7”）而非百分位；稳健z 只示方向与远近——同行少、彼此又接近时，它的尺度（MAD）很小，z 会很大。",
        "Fewer than {min} peers: raw ranks (e.g. “3rd of 7”) are shown instead of percentiles, and the "
        "robust z only shows direction and rough distance: with few peers close to one another its "
        "scale (the MAD) is small and z runs large.",
    ),
    "bm_level_category": (
        "同类目（{category}，不限平台）",
        "the same category ({category}, any platform)",
    ),
    "bm_level_platform": (
        "同平台（{platform}，不限类目）",
        "the same platform ({platform}, any category)",
    ),
    "bm_level_library": ("整个案例库", "the whole library"),
    "bm_empty_library": (
        "案例库中没有其他案例，无法对标。",
        "The library holds no other case: nothing to compare with.",
    ),
    "bm_version_own": (
        "本案例按口径版本 {v} 计算，当前版本为 {cur}。",
        "This case was computed under definitions {v}; the current version is {cur}.",
    ),
    "bm_version_other": (
        "案例 {id} 按口径版本 {v} 计算，与本案例（{cur}）不同。",
        "Case {id} was computed under definitions {v}, not {cur} like this case.",
    ),
    "bm_version_unknown": (
        "旧版本的口径未存档，指标定义可能不同，以下对比中的指标均可能受影响：{kpis}。",
        "Old versions' definitions are not stored, so definitions may differ; any KPI below may be affected: {kpis}.",
    ),
    "bm_version_known": ("口径不同的指标：{kpis}。", "KPIs whose definitions differ: {kpis}."),
    "bm_h_position": ("归一化指标的同行位置", "Peer position on normalised KPIs"),
    "bm_position_intro": (
        "只比较比率、人均值、相对自身基线的指数、爆发系数与目标达成率（活动整体窗口）。百分位与名次均按“优于同行”的方向：越低越好的指标（如退款率）已反向；结构占比（如直播支付金额占比）不分优劣，只标出由低到高的位置。",
        "Only ratios, per-UV value, indices against each case's own baseline, the burst multiple and target achievement (whole campaign window). Percentiles and ranks read “better than peers”: KPIs where lower is better (e.g. refund rate) are reversed; a share of the mix (e.g. live-stream GMV share) is neither better nor worse, and is only placed from low to high.",
    ),
    "bm_col_kpi": ("指标", "KPI"),
    "bm_col_value": ("本案例", "This case"),
    "bm_col_median": ("同行中位数 [P25–P75]", "Peer median [P25–P75]"),
    "bm_col_position": ("位置", "Position"),
    "bm_col_z": ("稳健z", "Robust z"),
    "bm_col_dist": ("分布（灰点=同行，红=本案例）", "Spread (grey = peers, red = this case)"),
    "bm_pct": ("第 {pos} 百分位（n={n}）", "{pos} percentile (n={n})"),
    "bm_versions_title": ("⚠ 口径版本不同", "⚠ Definitions differ"),
    "bm_rank": ("第 {pos} 名 / 共 {of}", "{pos} of {of}"),
    "bm_pct_mix": ("由低到高第 {pos} 百分位（n={n}）", "{pos} percentile, low to high (n={n})"),
    "bm_rank_mix": ("由高到低第 {pos} / 共 {of}", "{pos} highest of {of}"),
    "bm_mix": ("结构占比，不分优劣", "a share of the mix: neither better nor worse"),
    "bm_no_peer_value": ("同行均未测量", "no peer measured it"),
    "bm_no_peer_same_currency": (
        "同币种同行均未测量（另有 {n} 个其他币种的同行，金额不可比）",
        "no peer in this currency measured it ({n} in another currency: amounts not comparable)",
    ),
    "bm_not_measured": ("未测量", "not measured"),
    "bm_same_currency": ("（仅同币种）", " (same currency only)"),
    "bm_lower_better": ("越低越好", "lower is better"),
    "bm_h_scale": (
        "规模（仅作参照，不参与排名；对数轴）",
        "Scale (context only, not ranked; log axis)",
    ),
    "bm_scale_gmv": ("活动GMV", "Campaign GMV"),
    "bm_scale_uv": ("访客数 UV", "UV"),
    "bm_h_bullets": (
        "目标达成：实际 vs 计划，同行 P25/P50/P75",
        "Targets: actual vs plan, with peer P25/P50/P75",
    ),
    "bm_bullets_intro": (
        "黑条=实际，红色竖线=计划；灰带按同行的 P25/P50/P75 分段（颜色越深越低）。规模类目标（GMV、新客数等）按达成率（实际/计划）对比，比率类目标按指标本身对比。",
        "Dark bar = actual, red tick = plan; grey bands split at the peers' P25/P50/P75 (darker = lower). Scale targets (GMV, new customers…) compare achievement (actual/plan); ratio targets compare the KPI itself.",
    ),
    "bm_bullet_line": (
        "实际 {a} · 计划 {p} · 同行 P25/P50/P75 = {q}（n={n}）",
        "actual {a} · plan {p} · peers P25/P50/P75 = {q} (n={n})",
    ),
    "bm_bullet_few": (
        "同行中设此目标的不足 3 个（n={n}），不画分段。",
        "Fewer than 3 peers set this target (n={n}): no bands.",
    ),
    "bm_bullet_few_value": (
        "同行中测得此指标的不足 3 个（n={n}），不画分段。",
        "Fewer than 3 peers measured this KPI (n={n}): no bands.",
    ),
    "bm_achievement_of": ("{kpi}目标达成率", "{kpi} target achievement"),
    "bm_no_targets": (
        "卡片未设目标（strategy.targets），没有可对比的计划。",
        "The card sets no targets (strategy.targets): no plan to compare.",
    ),
    "bm_h_nearest": (
        "最相似的 {k} 个案例（Gower 相似度）",
        "The {k} most similar cases (Gower similarity)",
    ),
    "bm_nearest_intro": (
        "按卡片属性匹配：平台、类目、节日类型（名义变量），活动天数、折扣深度、预算对数（数值变量）；"
        "任一方缺失的属性不计入，此时相似度后注明所依据的属性数（依据越少越不可靠，缺失反而可能显得更相似）。",
        "Matched on card attributes: platform, category, festival type (nominal); campaign days, "
        "discount depth, log budget (numeric); an attribute unknown for either case is left out, "
        "and the similarity then says how many attributes it rests on (fewer is less reliable: a "
        "missing attribute can make a case look closer).",
    ),
    "bm_sim_partial": ("（{k}/{n} 项）", " ({k} of {n})"),
    "bm_col_case": ("案例", "Case"),
    "bm_col_sim": ("相似度", "Similarity"),
    "bm_col_platform": ("平台", "Platform"),
    "bm_col_category": ("类目", "Category"),
    "bm_col_festival": ("节日", "Festival"),
    "bm_col_days": ("天数", "Days"),
    "bm_col_discount": ("折扣深度", "Discount depth"),
    "bm_col_budget": ("预算", "Budget"),
    "bm_col_gmv": ("GMV", "GMV"),
    "bm_this_case": ("本案例", "This case"),
    "bm_no_report": ("（无报告）", "(no report)"),
    "bm_synthetic": ("合成数据", "synthetic data"),
    "bm_no_nearest": ("没有可比较的案例。", "No case to compare with."),
    "bm_h_daily": (
        "每日GMV指数：本案例与相似案例（按活动日对齐）",
        "Daily GMV index: this case and its nearest cases (aligned by promotion day)",
    ),
    "bm_daily_intro": (
        "指数 = 100 × 当日GMV / 该案例基线日均GMV；第 0 天 = 爆发期第一天。",
        "Index = 100 × the day's GMV / the case's own baseline daily GMV; day 0 = first day of the burst.",
    ),
    "bm_day0": ("第0天：爆发开始", "day 0: burst starts"),
    "bm_y_index": (
        "GMV指数（基线日均=100）· 横轴：活动日",
        "GMV index (baseline day = 100) · x: promotion day",
    ),
    "bm_daily_missing": (
        "以下案例的 case.json 中没有每日序列（字段 analyses.daily_gmv_index），未画出：{ids}。",
        "These cases' case.json holds no daily series (field analyses.daily_gmv_index), so they are not drawn: {ids}.",
    ),
    "bm_daily_none": ("没有可画的每日序列。", "No daily series to draw."),
    "bm_h_risks": ("复用风险清单", "Reuse-risk checklist"),
    "bm_risks_intro": (
        "证据来自最相似案例自己的复盘：卡片中的“待改进”（retrospective.to_improve）与自动发现中的“问题”。",
        "The evidence is the similar cases' own retrospectives: their card's “to improve” (retrospective.to_improve) and their findings of kind “miss”.",
    ),
    "bm_risk_resources": (
        "资源：爆款库存、预算与人手是否按峰值备足？",
        "Resources: are hero-SKU stock, budget and staff sized for the peak?",
    ),
    "bm_risk_timing": (
        "时机：预售/定金、预热与爆发的节奏、活动后的回落是否已计入计划？",
        "Timing: are presale/deposit, pre-heat and burst pacing, and the after-campaign dip, in the plan?",
    ),
    "bm_risk_coordination": (
        "协同：达人/主播、代理商、客服、物流与系统的分工和对接是否明确？",
        "Coordination: are the roles and hand-overs of hosts/KOLs, agency, service, logistics and systems clear?",
    ),
    "bm_risk_metric_focus": (
        "指标重心：目标是否兼顾利润ROI、新客质量（复购）与转化，而不只看GMV/投产比？",
        "Metric focus: do the targets weigh margin ROI, new-customer quality (repeat) and conversion, not GMV/ROAS alone?",
    ),
    "bm_risk_other": ("其他经验", "Other lessons"),
    "bm_risk_none": ("相似案例中没有与此相关的记录。", "Nothing on this in the similar cases."),
    "bm_src_to_improve": ("待改进", "to improve"),
    "bm_src_miss": ("问题", "miss"),
    "bm_h_method": ("方法与口径", "Method and definitions"),
    "bm_method": (
        "百分位：scipy percentileofscore 的 rank 口径（并列取平均名次），按“优于同行”方向；同行不足 {min} 个时改为名次（并列同名次）。稳健z =（x − 中位数）/（1.4826 × MAD），符号为指标本身的方向。四分位为线性插值。Gower 相似度 = 1 − d，d = Σ wδs / Σ wδ，各属性权重相等，数值属性按本案例与案例库的极差缩放。节日类型取卡片字段 festival，否则由名称关键词或爆发期日期（11-11、06-18、12-12、黑五）推断。金额类指标只与同币种案例比较。",
        "Percentile: scipy percentileofscore kind “rank” (ties take the mean rank), oriented to “better than peers”; with fewer than {min} peers, raw ranks (ties share a place). Robust z = (x − median)/(1.4826·MAD), signed in the KPI's own direction. Quartiles by linear interpolation. Gower similarity = 1 − d, d = Σ wδs / Σ wδ, equal weights, numeric attributes scaled by their range over this case and the library. Festival type: the card's festival field, else words in the name or the burst dates (11-11, 06-18, 12-12, Black Friday). Money KPIs are compared only with cases in the same currency.",
    ),
    "bm_footer": (
        "由 fupan {v} 生成 · 口径版本 {d} · 离线可用，不发出任何网络请求 · 复现：{cmd}",
        "Made by fupan {v} · definitions {d} · works offline, makes no network request · reproduce: {cmd}",
    ),
}

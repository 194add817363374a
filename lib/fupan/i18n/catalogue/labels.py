"""Labels shared by every part of the report: stage titles, table headers, verdicts, units."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "background": ("背景", "Background"),
    "strategy": ("策略", "Strategy"),
    "execution": ("执行", "Execution"),
    "result": ("结果", "Result"),
    "retrospective": ("复盘", "Retrospective"),
    "market": ("市场", "Market"),
    "competition": ("竞争", "Competition"),
    "team": ("团队", "Team"),
    "product": ("商品", "Product"),
    "open_actions": ("往期遗留待办", "Open actions carried over"),
    "targets": ("目标", "Targets"),
    "members": ("会员", "Members"),
    "prices": ("价格监控", "Prices"),
    "budget": ("预算分配", "Budget split"),
    "mechanics": ("玩法机制", "Mechanics"),
    "hypotheses": ("假设", "Hypotheses"),
    "hyp_baseline": ("日常期同一指标", "Same KPI in the baseline"),
    "hyp_unlike_length": (
        "※ {id}：该指标按区间去重的访客或买家计，窗口越长、重复来的人越只计一次，数值随窗口长度而变；"
        "{window} {days} 天、日常期 {base} 天，长度不同，判定仅供参考。",
        "※ {id}: this KPI counts visitors or buyers once over a window, so its value moves with the "
        "window's length; {window} has {days} days and the baseline {base}: the verdict is rough.",
    ),
    "went_well": ("做得好的", "What went well"),
    "to_improve": ("待改进", "What to improve"),
    "actions": ("行动项", "Action items"),
    "owner": ("负责人", "Owner"),
    "due": ("截止", "Due"),
    "kpi": ("指标", "KPI"),
    "target": ("目标值", "Target"),
    "actual": ("实际值", "Actual"),
    "achievement": ("达成率", "Achievement"),
    "status": ("结论", "Verdict"),
    "met": ("达成", "met"),
    "missed": ("未达成", "missed"),
    "not_assessed": ("无法评估", "not assessed"),
    "in_progress": ("进行中", "in progress"),
    "vs_target": ("对比目标", "vs target"),
    "vs_baseline": ("对比基线日均", "vs baseline per day"),
    "vs_baseline_ratio": ("对比基线", "vs baseline"),
    # the visitors card: its change is of the day-summed visitors per day, not of the distinct
    # count the card shows (which falls with a window's length)
    "vs_baseline_daily_sum": (
        "日均访客（按天去重后累加）对比基线",
        "daily visitors (summed by day) vs baseline",
    ),
    # the conversion card: its change is of the daily rate (the conversion index's 口径), not of
    # the window-distinct rate the card shows (which moves with a window's length)
    "vs_baseline_daily_rate": ("按日支付转化率对比基线", "daily conversion rate vs baseline"),
    "date": ("日期", "Date"),
    "hour": ("小时", "Hour"),
    "channel": ("渠道", "Channel"),
    "gmv_axis": ("GMV（{cur}）", "GMV ({cur})"),
    "spend_axis": ("累计花费（{cur}）", "Cumulative spend ({cur})"),
    "users": ("用户数", "Users"),
    "step": ("环节", "Step"),
    "conversion": ("环节转化率", "Step conversion"),
    "daily_gmv": (
        "每日GMV（按渠道，阴影为活动阶段）",
        "Daily GMV by channel (shaded: campaign phases)",
    ),
    "hourly": ("分小时GMV：峰值日 vs 基线日均", "GMV by hour: peak days vs baseline day"),
    "funnel": ("活动期漏斗（去重用户）", "Campaign funnel (distinct users)"),
    "stockouts": ("缺货天数（活动期，按SKU）", "Stock-out days in the campaign, by SKU"),
    "pacing": ("投放节奏：累计花费 vs 预算", "Spend pacing: cumulative spend vs budget"),
    "roas": (
        "各渠道投产比（=后台ROI，成交额/花费）",
        'ROAS by channel (the platform\'s "ROI": GMV / spend)',
    ),
    "waterfall": ("日均GMV变化拆解：活动期 vs 日常期", "Daily GMV change: campaign vs baseline"),
    "baseline_day": ("基线日均", "Baseline day"),
    "budget_line": ("预算", "Budget"),
    "skipped": ("已跳过", "Skipped"),
    "no_table": (
        "缺少 {table} 表，本项分析已跳过（不作估算）。",
        "No {table} table: this analysis is skipped (nothing is estimated).",
    ),
    "no_visitors": (
        "访客数未测得：没有行为（events）表，或它没有覆盖日常期与活动期的每一天；本项分析已跳过（不作估算）。",
        "Visitors not measured: no behaviour (events) table, or it does not cover every day of "
        "the baseline and the campaign; this analysis is skipped (nothing is estimated).",
    ),
    "definition": ("口径", "Definition"),
    "window": ("窗口", "Window"),
    "window_from": ("开始", "From"),
    "window_to": ("结束", "To"),
    "window_days": ("天数", "Days"),
    "findings": ("自动生成的发现", "Auto-drafted findings"),
    "lessons": ("运营复盘结论", "The team's lessons"),
    "reproduce": ("如何复现", "How to reproduce"),
    "toggle_code": ("显示/隐藏代码", "Show/hide code"),
    "share_safe_footer": (
        "对外分享版：金额为指数（基期日均 GMV = 100），店铺名已隐去",
        "Share-safe version: money as an index (baseline daily GMV = 100), shop name masked",
    ),
    "contents": ("目录", "Contents"),
    "data_notes": ("数据说明", "Data notes"),
    "total": ("合计", "Total"),
    "share_safe_money": (
        "金额为指数（基期日均GMV=100）",
        "Money as an index (baseline daily GMV = 100)",
    ),
    "card_no_targets": (
        "卡片未设目标（strategy.targets），无法评估达成率。",
        "The card sets no targets (strategy.targets): achievement cannot be assessed.",
    ),
    "card_no_budget": (
        "卡片未填写预算（strategy.budget），无法对照预算检查投放节奏。",
        "The card gives no budget (strategy.budget): spend cannot be paced against it.",
    ),
    "card_no_mechanics": (
        "卡片未填写玩法机制（strategy.mechanics）。",
        "The card lists no mechanics (strategy.mechanics).",
    ),
    "card_no_hypotheses": (
        "卡片未写假设（strategy.hypotheses：指标、方向和阈值），无可检验的假设。",
        "The card states no hypotheses (strategy.hypotheses: a KPI, a direction and a threshold), so none is tested.",
    ),
    "card_no_lessons": (
        "卡片尚未填写（retrospective.went_well / to_improve），请在复盘会后补充。",
        "Not written in the card yet (retrospective.went_well / to_improve): add it after the review meeting.",
    ),
    "card_no_actions": (
        "卡片尚无行动项（retrospective.actions：事项、负责人、截止日期）。",
        "The card has no action items yet (retrospective.actions: what, owner, due date).",
    ),
}

ENTRIES |= {
    "currency_label": ("金额单位：{currency}（{code}）", "Money in {code} ({currency})"),
    "currency_label_code": ("金额单位：{code}", "Money in {code}"),
    "war_report_title": ("{name} · 战报（截至 {as_of}）", "{name} · war report to {as_of}"),
    "war_report_notice": (
        "战报：活动还在进行，本报告的数字截至 {as_of}（含当日），之后的数据不计入。",
        "War report: the campaign is still running; this report counts up to {as_of} (inclusive) "
        "and leaves out anything after it.",
    ),
    "war_report_notice_more": (
        "目标一栏是截至当日的进度，不判达成与否；依赖尚未开始的窗口的分析（如回落期的透支、爆发期的假设）"
        "不计算；预售尾款只计当日及之前已付的；本报告的案例记录不归档到案例库。",
        "The targets show progress to date, not met or missed; analyses that need a window not "
        "yet begun (such as the dip's pull-forward, or a hypothesis on the burst) are not "
        "computed; a presale's balance counts only when paid by that day; the case record is not "
        "filed in the case library.",
    ),
    "war_window_part": (
        "{phase}（{start} ~ {end}）已过 {done}/{days} 天",
        "{phase} ({start} .. {end}): {done} of {days} days so far",
    ),
    "war_window_ahead": (
        "{phase}（{start} ~ {end}）尚未开始",
        "{phase} ({start} .. {end}) has not begun",
    ),
    "share_safe_notice": (
        "对外分享版：店铺名已隐去；所有金额以指数显示（基期日均 GMV = 100），比率与占比不变。",
        "Share-safe version: the shop name is masked; every amount of money is shown as an index "
        "(baseline average daily GMV = 100); ratios and shares are unchanged.",
    ),
}

ENTRIES |= {
    "decomposition_note": (
        "UV 为日均；两种方法的分项之和都精确等于日均GMV变化 {total}。",
        "UV per day; both methods' parts add up exactly to the change in daily GMV, {total}.",
    ),
    "findings_win": ("做得好的（自动识别）", "Top wins"),
    "findings_miss": ("未达预期（自动识别）", "Top misses"),
    "findings_note": ("其他发现", "Other findings"),
}

ENTRIES |= {
    "customer_new": ("新客", "new customers"),
    "customer_returning": ("老客", "returning customers"),
    "significant": ("显著", "significant"),
    "not_significant": ("不显著", "not significant"),
}

ENTRIES |= {
    "ab_srm_ok": ("符合设计", "as designed"),
    "ab_srm_bad": ("与设计不符", "off the design"),
    "range95": ("95%可能范围", "95% CI"),
    "significance": ("是否显著", "Significant?"),
}

ENTRIES |= {
    "margin_skus": ("SKU数", "SKUs"),
    "margin_igp_col": ("增量毛利", "Incremental gross profit"),
    "decomposition_total": ("合计", "Total"),
    "decomp_effect": ("贡献（LMDI）", "Contribution (LMDI)"),
    "decomp_effect_check": ("贡献（Shapley 复核）", "Contribution (Shapley check)"),
    "anom_score": ("偏离强度（分）", "Strength of the break (score)"),
}

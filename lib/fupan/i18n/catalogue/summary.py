"""一页纸结论 and 经验与行动: the summary's boxes, cause types, suggested actions and checks."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "summary_title": ("一页纸结论", "One-page summary"),
    "summary_targets": ("目标达成", "Targets"),
    "summary_actual_target": ("实际 {actual} / 目标 {target}", "actual {actual} / target {target}"),
    "summary_profit": ("赚没赚钱", "Did it make money?"),
    "summary_profit_yes": (
        "赚钱了：增量毛利覆盖了投放及活动成本。",
        "Yes: the extra gross profit covered the campaign's cost.",
    ),
    "summary_profit_no": (
        "没有赚钱：增量毛利不够覆盖投放及活动成本。",
        "No: the extra gross profit did not cover the campaign's cost.",
    ),
    "summary_profit_unknown": (
        "无法判断：缺少成本数据（订单单位成本或投放花费）。",
        "Cannot tell: cost data (unit cost or spend) are missing.",
    ),
    "summary_profit_line": (
        "与不做活动相比：增量毛利 {igp} vs 投放及活动成本 {cost}，利润ROI {roi:.2f}（≥ 1 才划算）；投产比（=后台ROI）{roas:.2f} 只看成交额。",
        "Against not running it: extra gross profit {igp} vs cost {cost}, profit ROI {roi:.2f} (≥ 1 to pay); ROAS "
        '(the platform\'s "ROI") {roas:.2f} counts sales only.',
    ),
    "summary_profit_incremental": (
        "只算高于日常水平的增量投放：利润ROI {roi:.2f}。",
        "On the spend above the everyday run rate only: profit ROI {roi:.2f}.",
    ),
    "summary_lift_line": (
        "扣除透支后，{span}期比无活动预期{more} {net}{range}。",
        "After pull-forward, {span} sold {net} {more} than expected without the campaign{range}.",
    ),
    "summary_lift_line_no_dip": (
        "{span}期比无活动预期{more} {net}{range}（本报告没有回落期，透支未估算）。",
        "Over {span}, the campaign sold {net} {more} than expected without it{range} (this "
        "report has no dip window: pull-forward not estimated).",
    ),
    "summary_lift_more": ("多卖", "more"),
    "summary_lift_less": ("少卖", "less"),
    "summary_lift_range": (
        "（95%可能范围 {lower} ~ {upper}）",
        " (95% CI {lower} to {upper})",
    ),
    "summary_problems": ("三个问题", "Three problems"),
    "summary_actions": ("三个行动", "Three actions"),
    "summary_no_problems": ("未发现需要行动的问题。", "No problem calling for action was found."),
    "action_suggested": ("（建议，卡片未写）", "(suggested; not in the card)"),
    "check_metric": ("验收指标", "Check"),
    "check_tbd": ("待定", "to be set"),
    "owner_tbd": ("待指定", "to be named"),
    "action_status": ("状态", "Status"),
    "action_status_open": ("待办", "open"),  # not started or not closed: not "in progress"
    "action_status_done": ("已完成", "done"),
    "action_status_dropped": ("已放弃", "dropped"),
    "miss_actions": ("问题 → 原因 → 行动 → 验收", "Problem → cause → action → check"),
    "miss_problem": ("问题（数据）", "Problem (data)"),
    "miss_cause": ("原因类型", "Cause"),
    "actions_other": ("其他行动项", "Other action items"),
    "lesson": ("运营经验", "Lesson"),
    "lesson_checks": ("经验与数据核对", "Lessons checked against the numbers"),
    "lesson_period_increment": (
        "该阶段实际 − 无活动预期",
        "That period: actual − expected without campaign",
    ),
    "lesson_gap": ("占GMV目标缺口（{gap}）", "Share of the GMV gap ({gap})"),
    "lesson_by_order_day": (
        "（预售按尾款日计入；按下单日约 {amount}）",
        " (presale counted on the balance day; by order day about {amount})",
    ),
    "lesson_checks_note": (
        "提到某个阶段的经验，旁边是该阶段的实测增量；增量为负说明该阶段卖得比不做活动还少，占缺口的比例说明它能解释多少（目标按活动期计，回落期不在其中）。",
        "A lesson that names a period sits beside that period's measured increment; a negative one "
        "means the period sold less than it would have without the campaign — compare it with the gap.",
    ),
    "cause_type_unknown": ("待查", "to investigate"),
    "cause_type_stockouts": ("可控：备货与补货", "controllable: stock planning"),
    "cause_type_repeat_rate": ("可控：新客承接", "controllable: new-customer follow-up"),
    "cause_type_funnel": ("可控：页面与价格力", "controllable: page and price"),
    "cause_type_alert": ("待查：渠道排期或事故", "to investigate: channel schedule or incident"),
    "cause_type_day_anomaly": (
        "待查：当天排期或事故",
        "to investigate: that day's schedule or an incident",
    ),
    "cause_type_gmv": ("部分可控：渠道结构", "partly controllable: channel mix"),
    "cause_type_cr_index": ("可控：转化承接", "controllable: conversion"),
    "cause_type_roi_margin": ("可控：折扣与投放", "controllable: discount and spend"),
    "action_hint_stockouts": (
        "主推品按大促预测备货，上线库存预警与自动补货",
        "Stock hero SKUs to the campaign forecast; stock alerts and automatic replenishment",
    ),
    "action_hint_repeat_rate": (
        "大促新客30天复购承接（会员券、私域触达）",
        "A 30-day follow-up for campaign new customers (member coupons, private-domain outreach)",
    ),
    "action_hint_funnel": (
        "优化加购到下单环节（价格力、满减门槛、详情页）",
        "Fix the cart-to-order step (price, threshold discounts, product page)",
    ),
    "action_hint_alert": (
        "核对该渠道当天的排期、投放与系统事故，建立渠道日报异常提醒",
        "Check that channel's schedule, spend and incidents that day; a daily channel alert",
    ),
    "action_hint_day_anomaly": (
        "复核当天排期与系统事故，写入下次大促检查清单",
        "Review that day's schedule and incidents; add them to the next campaign's checklist",
    ),
    "action_hint_cr_index": (
        "爆发期转化承接：预热加购人群定向触达、客服与页面准备",
        "Burst-phase conversion: target pre-heat carts, prepare service and pages",
    ),
    "action_hint_gmv": (
        "调整渠道预算与排期，补强增长慢的渠道",
        "Rebalance channel budgets and schedules towards the slow channels",
    ),
    "check_hint_stockouts": ("主推品缺货SKU天 = 0", "hero-SKU stock-out days = 0"),
    "check_hint_repeat_rate": (
        "活动新客30天复购率 ≥ 自然新客",
        "campaign new customers' 30-day repeat ≥ organic new customers'",
    ),
    "check_hint_funnel": (
        "加购→下单转化率高于本次",
        "cart → order conversion above this campaign's",
    ),
    "check_hint_cr_index": (
        "爆发期转化率指数 ≥ 卡片假设阈值",
        "burst conversion index ≥ the card's threshold",
    ),
    "check_hint_alert": ("同类异常日 = 0", "no such anomalous day"),
    "check_hint_day_anomaly": ("同类异常日 = 0", "no such anomalous day"),
    # channels with spend below the break-even ROAS (保本投产比)
    "cause_type_break_even": ("可控：投放结构与出价", "controllable: spend mix and bids"),
    "action_hint_break_even": (
        "把低于保本线渠道的预算转向保本以上的渠道，或降低出价后复测",
        "Move budget from the channels below break-even to those above it, or lower the bids and retest",
    ),
    "check_hint_break_even": (
        "各渠道投产比 ≥ 保本投产比",
        "every channel's ROAS ≥ the break-even ROAS",
    ),
    # a scheduled live session that did not go live, on the day a channel fell short
    "cause_type_shipping": ("可控：仓储产能与排班", "controllable: warehouse capacity and shifts"),
    "action_hint_shipping": (
        "按大促单量预测提前加仓储人手与分批发货计划，尾款日和11.11当天单独排班",
        "Staff the warehouse to the campaign's order forecast with a batch shipping plan, and "
        "roster the balance day and 11.11 on their own",
    ),
    "check_hint_shipping": (
        "活动期48小时发货率 ≥ 日常期",
        "the campaign's 48-hour shipping rate ≥ the baseline's",
    ),
    "cause_type_price_control": (
        "可控：控价与渠道协议",
        "controllable: price control and reseller terms",
    ),
    "action_hint_price_control": (
        "与达人、分销约定大促到手价底线并写入合作条款，活动期每日巡价，破价当天处理",
        "Agree a campaign price floor with KOLs and distributors in their terms, check prices "
        "daily during the campaign and act on an undercut the same day",
    ),
    "check_hint_price_control": ("活动期破价天次 = 0", "undercut SKU-days in the campaign = 0"),
    "cause_type_live_no_show": ("可控：主播/达人排期", "controllable: host scheduling"),
    "action_hint_live_no_show": (
        "主播/达人缺播预案：开播前一天确认排期，备好补位场次",
        "A no-show plan for hosts: confirm the schedule the day before, keep a stand-in session",
    ),
    "check_hint_live_no_show": ("缺播场次 = 0，或当天有补位", "no no-show, or a stand-in that day"),
    # a hypothesis that failed, on a metric without a hint of its own
    "cause_type_hypothesis": ("待查：策略判断或执行", "to investigate: the plan or its execution"),
    "action_hint_hypothesis": (
        "查明假设为何未成立（机制、人群还是执行），修订后写入下次活动卡片的假设",
        "Find out why the hypothesis failed (mechanic, audience or execution) and revise it in "
        "the next campaign's card",
    ),
    "check_hint_hypothesis": (
        "下次活动同一假设成立",
        "the revised hypothesis holds in the next campaign",
    ),
    # neither the card nor a hint has an action for this problem
    "action_tbd": (
        "待定（卡片 retrospective.actions 未写）",
        "to be decided (not in the card's retrospective.actions)",
    ),
}

ENTRIES |= {
    "ab_plan": ("A 组（对照）：{a}；B 组（新方案）：{b}。", "A (control): {a}; B (variant): {b}."),
    "ab_no_plan": (
        "卡片没有说明 A、B 分别是什么（strategy.ab_test 的 a、b），下面的建议需先对照实验记录。",
        "The card does not say what A and B were (strategy.ab_test: a, b); check the "
        "experiment log before acting on the advice below.",
    ),
    "ab_arm_A": ("A 组（对照）", "A (control)"),
    "ab_arm_B": ("B 组（新方案）", "B (variant)"),
}

ENTRIES |= {
    "refund_immature": (
        "* 退款未完结：{windows}的订单到 {measured_on} 还不满 {days} 天，退款尚未走完，退款率与净GMV会偏乐观。",
        "* Refunds not settled: orders of {windows} had fewer than {days} days by {measured_on}, so "
        "refund rate and net GMV read optimistic.",
    ),
    "profit_tag_yes": ("赚钱", "profit"),
    "profit_tag_no": ("亏钱", "loss"),
    # the P&L and the campaign's own return (利润ROI) disagree
    "profit_tag_pnl_only": ("整体赚、活动亏", "P&L profit, campaign loss"),
    "profit_tag_campaign_only": ("整体亏、活动赚", "P&L loss, campaign paid"),
}

ENTRIES |= {"method_note": ("方法说明（点开）", "Method (open)")}

ENTRIES |= {"colon": ("：", ": ")}

ENTRIES |= {
    "summary_pnl_line": (
        "活动损益表（{start} 至 {end}）：贡献利润 {amount}。",
        "Campaign P&L ({start} to {end}): contribution profit {amount}.",
    ),
    "summary_pnl_yes": (
        "赚钱了：活动损益表的贡献利润为正。",
        "Yes: the campaign P&L shows a positive contribution.",
    ),
    "summary_pnl_no": (
        "亏钱：活动损益表的贡献利润为负。",
        "No: the campaign P&L shows a negative contribution.",
    ),
    "summary_profit_yes_yes": (
        "赚钱了：活动整体有利润，活动带来的增量毛利也覆盖了活动成本。",
        "Yes: the campaign made a profit, and its extra gross profit covered its cost.",
    ),
    "summary_profit_yes_no": (
        "整体赚钱，但活动本身没多赚：活动期有利润，可比不做活动多出的毛利不够付这次的投放和活动成本。",
        "Profitable overall, but the campaign itself did not pay: the extra gross profit over not "
        "running it did not cover its spend and fees.",
    ),
    "summary_profit_no_yes": (
        "整体亏钱，但活动本身划算：增量毛利覆盖了活动成本，亏损来自日常成本结构。",
        "A loss overall, but the campaign itself paid: its extra gross profit covered its cost; the "
        "loss comes from the everyday cost structure.",
    ),
    "summary_profit_stocking": (
        "预热期（蓄水）：投放为爆发期蓄水，赚没赚钱要到爆发期之后才能判断；以下是至今的数字。",
        "Pre-heat (building the pool): the spend is for the burst, so whether the campaign made "
        "money can only be judged after it; the figures so far follow.",
    ),
    "summary_profit_no_no": (
        "亏钱：活动整体亏损，活动带来的增量毛利也没覆盖活动成本。",
        "No: a loss overall, and the extra gross profit did not cover the campaign's cost.",
    ),
}

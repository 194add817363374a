"""结果: incremental lift, difference-in-differences, margin ROI, LTV:CAC and root cause."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "yoy_measure": ("指标", "Measure"),
    "yoy_last": ("去年同期", "Same days last year"),
    "yoy_growth": ("同比", "Change"),
    "yoy_sep": ("；", "; "),
    "yoy_end": ("。", "."),
    "yoy_days": (
        "{window} {start} 至 {end} 对比去年 {ly_start} 至 {ly_end}",
        "{window} {start} to {end} against {ly_start} to {ly_end}",
    ),
    "yoy_rule_calendar": (
        "去年同期取同一日历日期（大促按日期举办）。",
        "Last year's days are the same calendar dates (the festival falls on a date).",
    ),
    "yoy_rule_weeks": (
        "去年同期取 52 周前的同一星期几（活动不按固定日期举办）。",
        "Last year's days are 52 weeks earlier, on the same weekdays (the event has no fixed date).",
    ),
    "yoy_not_measured": (
        "订单历史从 {start} 开始，覆盖不到去年同期：同比未测量。",
        "The order history starts on {start}, after last year's days began: no year-on-year "
        "comparison.",
    ),
    "yoy_partly_measured": (
        "订单历史从 {start} 开始，只覆盖上表所列窗口的去年同期。",
        "The order history starts on {start}: only the windows above reach back to last year.",
    ),
    "yoy_caveat": (
        "两年按同一口径从同一份订单计算（未取消订单，GMV 为实付、退款前，按下单时间）。同比包含店铺自身的增长与大盘变化，不等于活动带来的增量；增量见下一节。",
        "Both years are counted alike from the same orders (not cancelled; GMV paid before "
        "refunds, by order time). The change includes the shop's own growth and the market's, "
        "so it is not the campaign's increment: that is the next section.",
    ),
    "lift_skipped": (
        "反事实增量分析未做：{reason}。",
        "The counterfactual lift analysis was not run: {reason}.",
    ),
    "lift_counterfactual": ("无活动预期", "Expected without the campaign"),
    "lift_incremental": ("增量", "Incremental"),
    "lift_total": ("合计（{span}期）", "Total ({span})"),
    "lift_no_dip": (
        "{span}期增量 {net}（本报告没有回落期，透支未估算，未扣除）。",
        "Incremental GMV, {span}: {net} (this report has no dip window: pull-forward not estimated, "
        "nothing netted).",
    ),
    "lift_head_more": (
        "活动期比无活动预期多卖 {amount}",
        "The campaign sold {amount} more than expected without it",
    ),
    "lift_head_less": (
        "活动期比无活动预期少卖 {amount}",
        "The campaign sold {amount} less than expected without it",
    ),
    "lift_head_undecided": (
        "（95%可能范围 {lower} ~ {upper}，与零无法区分）",
        " (95% CI {lower} to {upper}: not distinguishable from zero)",
    ),
    "lift_pull_forward_share": (
        "{head}，其中约 {amount}（{share}，95%可能范围 {lower} ~ {upper}）是从之后 {days} 天提前透支的；扣除后净增量 {net}。",
        "{head}; about {amount} of that ({share}, 95% CI {lower} to {upper}) was pulled forward from "
        "the following {days} days, leaving {net} net.",
    ),
    "lift_pull_forward": (
        "{head}；之后 {days} 天比预期少卖 {amount}（95%可能范围 {lower} ~ {upper}）；合计净增量 {net}。",
        "{head}; the following {days} days sold {amount} less than expected (95% CI {lower} to {upper}), "
        "for {net} net in all.",
    ),
    "lift_halo_share": (
        "，相当于活动期增量的 {share}（95%可能范围 {lower} ~ {upper}）",
        "; {share} of the campaign lift, 95% CI {lower} to {upper}",
    ),
    "margin_price_rises": (
        "{n} 个SKU活动期成交均价高于日常价（没有折扣），不计入折扣深度分桶；增量毛利与利润ROI仍含它们。",
        "{n} SKU(s) sold above their regular price in the campaign (no discount): left out of the "
        "depth buckets; the incremental gross profit and profit ROI still count them.",
    ),
    "lift_halo_share_only": ("，相当于活动期增量的 {share}", "; {share} of the campaign lift"),
    "lift_halo": (
        "{head}；之后 {days} 天没有透支，反而比预期多卖 {amount}（95%可能范围 {lower} ~ {upper}{share}），属于长尾带动（光环效应）；合计净增量 {net}。",
        "{head}; the following {days} days were not paid back but sold {amount} more than expected too "
        "(95% CI {lower} to {upper}{share}): a halo, not a pull-forward, for {net} net in all.",
    ),
    "lift_flat": (
        "{head}；之后 {days} 天实际与预期之差 {amount}（95%可能范围 {lower} ~ {upper}）与零无法区分：未见可辨别的透支或长尾带动；合计净增量 {net}。",
        "{head}; over the following {days} days actual minus expected was {amount} (95% CI {lower} to "
        "{upper}), not distinguishable from zero: no discernible pull-forward or halo; {net} net in all.",
    ),
    "lift_steep_trend": (
        "模型的趋势很陡（年增长 {growth:+.0%}，即每月约 {month:+.0%}）：无活动预期随外推距离快速变化，"
        "增量与透支/长尾的判断对日常期的选择很敏感——请换一个日常期核对，或以对照组（controls）为准。",
        "The model's trend is steep ({growth:+.0%} a year, about {month:+.0%} a month): the "
        "expected sales move fast with the distance extrapolated, and the lift and the "
        "pull-forward/halo verdict are sensitive to the baseline chosen — check with another "
        "baseline, or rely on a control series (controls).",
    ),
    "lift_short_history": (
        "日常期结束前只有 {weeks} 周订单历史（不足一年）：趋势与星期效应只由这几周估计，外推越远越不可靠。",
        "The orders hold only {weeks} week(s) before the baseline ends (not a year): trend and "
        "weekday effects rest on those weeks alone, and the further they are carried the less they "
        "hold.",
    ),
    "lift_volume_orders": (
        "{inc:+,.0f} 单（95%可能范围 {lower:+,.0f} ~ {upper:+,.0f}）",
        "{inc:+,.0f} orders (95% CI {lower:+,.0f} to {upper:+,.0f})",
    ),
    "lift_volume_units": (
        "{inc:+,.0f} 件（95%可能范围 {lower:+,.0f} ~ {upper:+,.0f}）",
        "{inc:+,.0f} units (95% CI {lower:+,.0f} to {upper:+,.0f})",
    ),
    "lift_volumes_orders_units": (
        "同一模型下，{span}期的订单增量 {orders}，件数增量 {units}。",
        "By the same model, {span}: {orders}, {units}.",
    ),
    "lift_volumes_orders": (
        "同一模型下，{span}期的订单增量 {orders}。",
        "By the same model, {span}: {orders}.",
    ),
    "lift_volumes_units": (
        "同一模型下，{span}期的件数增量 {units}。",
        "By the same model, {span}: {units}.",
    ),
    "lift_model": (
        "基线模型：对数线性趋势（年增长 {growth:+.0%}）+ 星期效应，以日常期结束前一年的整周训练，自动剔除类促销日；区间为7天分块残差自助法。",
        "Baseline model: log-linear trend (growth {growth:+.0%} a year) + weekday effects, trained on the year "
        "of whole weeks before the baseline ends, promo-like days masked; intervals by 7-day block residual bootstrap.",
    ),
    "lift_closed": (
        "店铺{days}不营业（训练期内该日至少九成无销售）：这些天的反事实按 0 计，不参与拟合与自助法，当天实际也为 0 时增量恰为 0。",
        "The shop is closed on {days} (no sales on at least 90% of those training days): the counterfactual "
        "is 0 on them, they stay out of the fit and the bootstrap, and a closed day with no sales adds exactly 0.",
    ),
    "lift_zero_days": (
        "另有 {n} 个营业日无销售（节假日、临时停业等），不参与对数模型拟合；其余营业日的基线为正常营业日的预期。",
        "{n} training day(s) on open weekdays had no sales (holidays, closures) and stay out of the log "
        "fit; the baseline of an open day is what a trading day is expected to sell.",
    ),
    # difference-in-differences
    "did_unusable": ("对照组无法使用：{reason}", "The control series cannot be used: {reason}"),
    "did_undeclared": (
        "卡片未声明对照组（controls.categories：未参加促销的品类），未做双重差分；上表增量只依赖趋势基线模型。",
        "The card declares no control series (controls.categories: categories left out of the promotion), "
        "so there is no difference-in-differences; the increments above rest on the trend baseline alone.",
    ),
    "did_control_implied": ("对照推算", "Control-implied"),
    "did_incremental": ("对照法增量", "Incremental (vs control)"),
    "did_pretrend": (
        "日常期平行趋势检验：促销品与对照的周斜率差 {slope}/周（{p}），",
        "Parallel pre-trends: weekly slope difference promoted − control {slope}/week ({p}); ",
    ),
    "did_parallel": ("未发现趋势差异（可做双重差分）。", "no difference found (DiD applies)."),
    "did_not_parallel": (
        "趋势不平行，双重差分结果需谨慎解读。",
        "trends diverge: read the DiD with caution.",
    ),
    "did_intro": (
        "以未促销品类（{categories}）为对照，活动期促销品增量 {amount}；",
        "Against the non-promoted categories ({categories}), the promoted lines gained {amount} during the campaign; ",
    ),
    "did_cannibalised": (
        "替代品被蚕食 {amount}，",
        "substitutes lost {amount} to cannibalisation; ",
    ),
    "did_halo": ("互补品带动 {amount}，", "complements gained {amount} of halo; "),
    "did_pulled": ("回落期透支 {amount}；", "{amount} was pulled forward from the dip: "),
    "did_dip_halo": (
        "回落期反而多卖 {amount}（长尾带动，未透支）；",
        "the dip sold {amount} more than the control implies (a halo, nothing pulled forward): ",
    ),
    "did_net": ("净增量 {amount}。", "{amount} net."),
    "did_no_dip": (
        "本报告没有回落期（windows.dip），透支未估算，未扣除；",
        "this report has no dip window (windows.dip): pull-forward not estimated, nothing netted: ",
    ),
    "did_net_gross": ("增量 {amount}（未扣透支）。", "{amount} before any pull-forward."),
    "did_short_baseline": (
        "日常期只有 {days} 天，对照组的比例与日差的波动至少需要 {need} 天",
        "the baseline has {days} day(s); the control's scale and the daily differences' "
        "variation need at least {need}",
    ),
    "did_no_baseline_gmv": (
        "对照品类或促销商品在日常期没有 GMV",
        "the control categories or the promoted lines have no GMV in the baseline window",
    ),
    "did_no_phase_gmv": (
        "对照品类在 {start} ~ {end} 没有 GMV",
        "the control categories have no GMV in {start} .. {end}",
    ),
    "did_undeclared_substitutes": (
        "（卡片未声明替代品（controls.substitutes），蚕食未估算。）",
        " (The card declares no substitutes (controls.substitutes): cannibalisation not estimated.)",
    ),
    "did_undeclared_complements": (
        "（卡片未声明互补品（controls.complements），带动未估算。）",
        " (The card declares no complements (controls.complements): halo not estimated.)",
    ),
    "did_undeclared_substitutes_complements": (
        "（卡片未声明替代品、互补品（controls.substitutes / complements），蚕食与带动未估算。）",
        " (The card declares no substitutes or complements (controls.substitutes / complements): cannibalisation "
        "and halo not estimated.)",
    ),
    "did_method": (
        "双重差分：对照品类日GMV按日常期比例缩放到促销品水平；δ = (促销品阶段日均 − 基线日均) − (对照同样差值)，"
        "增量 = δ × 天数；区间与p值为逐日差值（促销品 − 缩放对照）阶段 vs 基线的 Welch 检验。",
        "Difference-in-differences: the control categories' daily GMV scaled to the promoted lines' baseline "
        "level; δ = (promoted daily mean in the phase − in the baseline) − (the same for the control), "
        "incremental = δ × days; interval and p from Welch's test on the daily differences promoted − scaled "
        "control, phase vs baseline.",
    ),
    # margin ROI
    "margin_igp": ("增量毛利（未扣投放）", "Incremental gross profit (before spend)"),
    "margin_cost": ("投放及活动成本", "Campaign cost (spend and fees)"),
    "margin_roi": (
        "利润ROI = 增量毛利 / 投放及活动成本（盈亏线 {break_even:.1f}）",
        "Profit ROI = incremental gross profit / campaign cost (break-even {break_even:.1f})",
    ),
    "margin_net_roi": (
        "净利润率 =（增量毛利 − 成本）/ 成本（盈亏线 0）",
        "Net ROI = (profit − cost) / cost (break-even 0)",
    ),
    "margin_roas": (
        "投产比（=后台ROI）= 成交额 / 花费",
        'ROAS (the platform\'s "ROI") = GMV / spend',
    ),
    "margin_leakage_row": (
        "无效让利（不打折也会卖出的那部分销量上的折扣）",
        "Wasted discount (the discount on sales that would have happened anyway)",
    ),
    "margin_depth_row": (
        "平均折扣深度（较日常成交价） / 单位毛利率",
        "Average discount depth (against the everyday paid price) / unit margin",
    ),
    "margin_lift_row": (
        "实际销量提升 vs 只覆盖折扣的保本提升（未计投放）",
        "Unit lift achieved vs lift that pays for the discount (spend not included)",
    ),
    "margin_depth": ("折扣深度", "Depth"),
    "margin_unit_lift": ("销量提升", "Unit lift"),
    "margin_leakage": ("无效让利", "Wasted discount"),
    "margin_caveat": (
        "无活动预期销量 = SKU基线日销量 × 活动天数 × 系数 {cf_factor:.3f}；变动成本率 {rate:.0%}{undeclared}。",
        "Expected units without the campaign = the SKU's baseline units per day × campaign days × factor {cf_factor:.3f}; "
        "variable cost rate {rate:.0%}{undeclared}.",
    ),
    "margin_no_variable_cost": (
        "（卡片未声明履约/支付/佣金成本，按0计，IGP偏高）",
        " (the card declares no fulfilment/payment/commission cost: taken as 0, so IGP is overstated)",
    ),
    # LTV : CAC
    "ltv_cac_meets": (
        "活动新客 LTV : CAC = {ratio:.2f}（LTV {ltv} = (首{days}天净消费 {first} + 未来{weeks}周预测 {predicted}) × 毛利率 {margin}；CAC = 花费/新客 = {cac}）；达到 {target:g} 的经验目标。",
        "LTV : CAC of campaign new customers = {ratio:.2f} (LTV {ltv} = (first-{days}-day net {first} + "
        "predicted next {weeks} weeks {predicted}) × gross margin {margin}; CAC = spend / new customers = "
        "{cac}); meets the rule-of-thumb target of {target:g}.",
    ),
    "ltv_cac_below": (
        "活动新客 LTV : CAC = {ratio:.2f}（LTV {ltv} = (首{days}天净消费 {first} + 未来{weeks}周预测 {predicted}) × 毛利率 {margin}；CAC = 花费/新客 = {cac}）；低于 {target:g} 的经验目标。",
        "LTV : CAC of campaign new customers = {ratio:.2f} (LTV {ltv} = (first-{days}-day net {first} + "
        "predicted next {weeks} weeks {predicted}) × gross margin {margin}; CAC = spend / new customers = "
        "{cac}); below the rule-of-thumb target of {target:g}.",
    ),
    # root cause
    "rc_dimension": ("维度", "Dimension"),
    "rc_traffic": ("流量或订单效应", "Traffic (or orders) effect"),
    "rc_mix": ("结构", "Mix"),
    "dim_channel": ("渠道", "Channel"),
    "dim_category": ("品类", "Category"),
    "dim_price_band": ("价格带", "Price band"),
    "dim_customer_type": ("新老客", "New vs returning"),
    "rc_segments_note": (
        "日均GMV变化按维度拆开，各列相加等于日均GMV变化；访客数只按渠道记录（有行为数据时），其余维度的“流量或订单效应”按订单数计，支付转化率不适用（—）；订单里没有的维度（只有一个取值）整行为 —。",
        "The change in daily GMV split by dimension, the columns adding up to it; visitors are "
        "recorded by channel only (when there are behaviour data), so the other dimensions' traffic "
        "effect counts orders and has no conversion (—); a dimension the orders lack (one value "
        "only) is — throughout.",
    ),
    "rc_day_title": (
        "渠道占比告警日 {date} 的主因",
        "Main causes on {date}, the day of the channel-share alert",
    ),
    "rc_gap_title": ("GMV 目标缺口的主因", "Main causes of the gap to the GMV target"),
    "rc_gap_basis_plan": (
        "目标如何分到各元素：渠道按团队的计划（计划未列的渠道分得目标减计划合计的余额，按基线占比）；"
        "其他维度按日常期的GMV占比。占比超过 100% 表示同一维度的其他元素反向变动。",
        "How the target is split among elements: channels by the team's plan (channels the plan "
        "leaves out share what the plan leaves of the target, by baseline share); the other "
        "dimensions by their baseline GMV shares. A share above 100 % means other elements of "
        "the dimension moved the other way.",
    ),
    "rc_gap_basis_mix": (
        "目标如何分到各元素：按日常期的GMV占比（即假设活动保持日常结构；没有分渠道计划）。"
        "占比超过 100% 表示同一维度的其他元素反向变动。",
        "How the target is split among elements: by baseline GMV shares (as if the campaign kept "
        "the everyday mix; there is no plan by channel). A share above 100 % means other "
        "elements of the dimension moved the other way.",
    ),
    "rc_mix_shift": (
        "当日总GMV与相邻几天的典型日只差 {change:+.1%}：告警来自渠道结构的变化，而不是总量异常，故不做归因。",
        "The day's total GMV is only {change:+.1%} off a typical neighbouring day: the alert is a shift of "
        "mix, not an anomaly of the total, so no causes are named.",
    ),
    "rc_none": ("无单一维度能解释", "No single dimension explains it"),
}

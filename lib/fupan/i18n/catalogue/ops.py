"""The ops sections (issue 13): 活动损益表, 预售, 直播场次, 商品结构, 投放, 目标节奏."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    # ------------------------------------------------------------------ P&L
    "ops_pnl_made": (
        "赚钱了：活动期贡献利润 {profit}，占支付金额 {margin}。",
        "Made money: the campaign's contribution profit is {profit}, {margin} of GMV.",
    ),
    "ops_pnl_lost": (
        "亏钱了：活动期贡献利润 {profit}，占支付金额 {margin}。",
        "Lost money: the campaign's contribution profit is {profit}, {margin} of GMV.",
    ),
    "ops_pnl_missing": (
        "未计入（数据未提供）：{lines}——贡献利润是这些项目之前的数。",
        "Not included (not given): {lines} — the contribution is before them.",
    ),
    "ops_pnl_window": (
        "活动期 {start} 至 {end}，订单按下单时间计，投放按日期，直播按开播时间；每行先四舍五入到分，贡献利润等于各行之和。",
        "Campaign {start} to {end}; orders by order time, spend by date, live sessions by start; "
        "every line is rounded to the cent and the contribution is exactly their sum.",
    ),
    "ops_pnl_line": ("项目", "Line"),
    "ops_amount": ("金额", "Amount"),
    "ops_source": ("来源", "Source"),
    "ops_assumption": ("口径与假设", "Basis and assumption"),
    "pnl_gmv": ("支付金额（GMV，含退款）", "GMV (paid, before refunds)"),
    "pnl_refunds": ("− 退款", "− Refunds"),
    "pnl_net_sales": ("= 净销售额", "= Net sales"),
    "pnl_platform_subsidy": ("+ 平台出资优惠（结算返还）", "+ Platform-funded discounts (settled)"),
    "pnl_cogs": ("− 商品成本", "− Cost of goods"),
    "pnl_payment_fees": ("− 支付手续费", "− Payment fees"),
    "pnl_platform_fees": ("− 平台扣点", "− Platform commission"),
    "pnl_logistics": ("− 物流履约", "− Logistics"),
    "pnl_ads": ("− 推广费", "− Ads"),
    "pnl_coupons_gifts": ("− 券与赠品", "− Coupons and gifts"),
    "pnl_kol": ("− 达人坑位费与佣金", "− KOL slot fees and commission"),
    "pnl_contribution": ("= 贡献利润", "= Contribution profit"),
    "pnl_a_gmv": ("未取消订单行的实付金额", "paid amount of lines not cancelled"),
    "pnl_a_refunds": ("退款金额", "refund amounts"),
    "pnl_a_net_sales": ("支付金额 − 退款", "GMV − refunds"),
    "pnl_a_platform_subsidy": (
        "平台出资的优惠已从实付中扣除，结算时返还店铺",
        "platform-funded discounts are out of the paid amount and settled back to the shop",
    ),
    "pnl_a_cogs": (
        "单位成本 × 件数；退款部分视为退货入库；赠品行另计",
        "unit cost × quantity; the refunded share taken as returned to stock; gift lines apart",
    ),
    "pnl_a_payment_fees": (
        "支付金额 × 卡片 payment_fee_rate {rate}（退款不退手续费）",
        "GMV × the card's payment_fee_rate {rate} (not returned on refunds)",
    ),
    "pnl_a_platform_fees": (
        "净销售额 × 卡片 commission_rate {rate} + 卡片 fees {fees}",
        "net sales × the card's commission_rate {rate} + the card's fees {fees}",
    ),
    "ops_pnl_kol_overlap": (
        "达人场次的订单经由渠道 {channels}，投放表在这些渠道上也有花费 {spend}（计入推广费）。"
        "若这笔花费就是付给达人的佣金或坑位费（如淘宝客），它与“达人坑位费与佣金”一行重复，贡献利润应加回 {spend}；"
        "若是另付的推广费，两行都该计。",
        "The KOL sessions' orders come through {channels}, on which the spend table also has {spend} "
        "(in the ads line). If that spend is the KOL's commission or slot fee (e.g. paid through "
        "an affiliate tool), it repeats the KOL line and the contribution should add {spend} "
        "back; if it is promotion paid on top, both lines stand.",
    ),
    "pnl_a_platform_fees_no_fees": (
        "净销售额 × 卡片 commission_rate {rate}（卡片未写 costs.fees：固定费用未计）",
        "net sales × the card's commission_rate {rate} (the card states no costs.fees: fixed "
        "fees not counted)",
    ),
    # where each P&L line comes from, in the report's language (case.json keeps PNL_SOURCES)
    "pnl_src_gmv": ("orders.paid_amount（实付金额）", "orders.paid_amount"),
    "pnl_src_refunds": ("orders.refund_amount（退款金额）", "orders.refund_amount"),
    "pnl_src_net_sales": ("支付金额 − 退款", "GMV − refunds"),
    "pnl_src_platform_subsidy": (
        "orders.platform_discount（平台补贴）",
        "orders.platform_discount",
    ),
    "pnl_src_cogs": (
        "orders.unit_cost × quantity（单位成本 × 件数）",
        "orders.unit_cost × quantity",
    ),
    "pnl_src_payment_fees": (
        "卡片 costs.payment_fee_rate × 支付金额",
        "costs.payment_fee_rate × GMV",
    ),
    "pnl_src_platform_fees": (
        "卡片 costs.commission_rate × 净销售额 + costs.fees",
        "costs.commission_rate × net sales + costs.fees",
    ),
    "pnl_src_logistics": (
        "卡片 costs.logistics_per_order × 发货订单数",
        "costs.logistics_per_order × orders",
    ),
    "pnl_src_ads": ("spend.spend（投放花费）", "spend.spend"),
    "pnl_src_coupons_gifts": ("券成本 + 赠品行成本", "coupons.cost + gift lines' cost"),
    "pnl_src_kol": (
        "live_sessions.slot_fee + commission_rate × 结算GMV",
        "live_sessions.slot_fee + commission_rate × settled GMV",
    ),
    "pnl_src_contribution": ("以上各行合计", "the lines above"),
    "pnl_a_logistics": (
        "卡片 logistics_per_order {rate} × 发货订单数 {orders}",
        "the card's logistics_per_order {rate} × {orders} orders shipped",
    ),
    "pnl_a_ads": ("活动期 spend 表花费合计", "spend table, campaign days"),
    "pnl_a_coupons_gifts_table": (
        "券表 cost（实付之外的券成本，如短信触达）+ 赠品行成本",
        "coupons table cost (beyond the discount in the paid amount, e.g. SMS) + gift lines' cost",
    ),
    "pnl_a_coupons_gifts_card": (
        "卡片 costs.coupons + 赠品行成本",
        "the card's costs.coupons + gift lines' cost",
    ),
    "pnl_a_kol": (
        "达人场次坑位费 + 佣金率 × 结算GMV（GMV − 退款）",
        "KOL sessions' slot fee + commission rate × settled GMV (GMV − refunds)",
    ),
    "pnl_a_contribution": (
        "以上各行之和（不含小计）",
        "the sum of the lines above (not subtotals)",
    ),
    "pnl_not_given": ("未提供", "not given"),
    "ops_coupons": ("券漏斗：发放 → 领取 → 核销", "Coupon funnel: issued → claimed → redeemed"),
    "ops_coupon": ("券", "Coupon"),
    "ops_coupon_type": ("类型", "Type"),
    "ops_funded_by": ("出资方", "Funded by"),
    "funded_shop": ("店铺", "shop"),
    "funded_platform": ("平台", "platform"),
    "ops_issued": ("发放", "Issued"),
    "ops_claimed": ("领取", "Claimed"),
    "ops_redeemed": ("核销", "Redeemed"),
    "ops_claim_rate": ("领取率", "Claim rate"),
    "ops_redemption_rate": ("核销率", "Redemption rate"),
    "ops_coupon_note": (
        "领取率 = 领取 / 发放；核销率 = 核销 / 领取。",
        "Claim rate = claimed / issued; redemption rate = redeemed / claimed.",
    ),
    # ------------------------------------------------------------------ presale
    "ops_presale_lead": (
        "尾款转化率 {rate}：{paid} / {orders} 笔定金订单付了尾款；预售GMV {gmv}，占活动期 {share}。",
        "Balance-payment rate {rate}: {paid} of {orders} deposit orders paid their balance; "
        "presale GMV {gmv}, {share} of the campaign.",
    ),
    "ops_presale_lead_war": (
        "截至 {as_of}：{orders} 笔定金订单中 {paid} 笔已付尾款（{rate}；尾款期未结束，这是至今的比例）；"
        "已付尾款的预售GMV {gmv}，占活动期至今 {share}。",
        "Up to {as_of}: {paid} of {orders} deposit orders have paid their balance ({rate}; the "
        "balance period is not over, so this is the rate so far); presale GMV with the balance "
        "paid {gmv}, {share} of the campaign so far.",
    ),
    "ops_presale_lead_unpaid": (
        "截至 {as_of}：{orders} 笔定金订单（{buyers} 人），定金 {deposit}；尚无尾款支付——尾款转化率、"
        "预售GMV与膨胀成本要等尾款支付后才有数。",
        "Up to {as_of}: {orders} deposit orders ({buyers} buyers), deposits {deposit}; no balance "
        "has been paid yet — the balance-payment rate, presale GMV and multiplier cost come once "
        "balances are paid.",
    ),
    "ops_presale_preheat": (
        "预热期日均GMV：按下单时间 {by_order}，按尾款日 {by_balance}；日常期日均 {base}。",
        "Preheat GMV per day: {by_order} by order time, {by_balance} by balance-paid date; the "
        "baseline's day: {base}.",
    ),
    "ops_presale_preheat_low": (
        "按尾款日计预热期日销低于平日，有一部分是计入口径造成的：预售单的GMV都记在尾款日。",
        " By balance-paid date the preheat sells below the baseline's day, partly because of the "
        "counting date: every presale's GMV lands on its balance day.",
    ),
    "ops_presale_deposit_buyers": ("定金人数", "Deposit buyers"),
    "ops_presale_deposit_orders": ("定金订单", "Deposit orders"),
    "ops_presale_deposit_amount": ("定金金额", "Deposits"),
    "ops_presale_balance_orders": ("尾款订单", "Balance payments"),
    "ops_presale_balance_amount": ("尾款金额", "Balances"),
    "ops_presale_rate": ("尾款转化率", "Balance-payment rate"),
    "ops_presale_multiplier": ("定金膨胀成本（{k}倍）", "Deposit-multiplier cost ({k}×)"),
    "ops_presale_share": ("预售GMV占比", "Presale share of GMV"),
    "ops_presale_aov": ("笔单价：预售 / 现货", "Per order: presale / spot"),
    "ops_presale_counting": (
        "GMV计入日期：卡片声明为「{basis}」，增量测算与目标节奏的日GMV都按它计（订单数与件数仍按下单日）。按下单时间计，定金日计入整单；按尾款日计（生意参谋口径），预售单在付尾款当天才计入——下表是两种口径差异最大的几天。",
        "GMV counting date: the card says '{basis}'; the lift and the pacing count daily GMV on it "
        "(orders and units stay on the order day). By order time a presale counts on its "
        "deposit day; by balance-paid date (as the platform counts) on the day its balance was "
        "paid — the days where the two differ most:",
    ),
    "ops_basis_balance_paid": ("尾款日", "balance-paid date"),
    "ops_basis_order_time": ("下单时间", "order time"),
    "ops_day": ("日期", "Date"),
    "ops_by_order_time": ("按下单时间", "By order time"),
    "ops_by_balance_paid": ("按尾款日", "By balance-paid date"),
    "ops_shift": ("差额", "Difference"),
    "ops_presale_note": (
        "定金未付尾款的订单为已取消（定金不退，不计GMV）。定金膨胀成本 = (倍数 − 1) × 已付尾款订单的定金。",
        "An order whose balance was never paid is cancelled (deposit forfeited, no GMV). "
        "Multiplier cost = (k − 1) × deposits of orders that paid their balance.",
    ),
    # ------------------------------------------------------------------ live
    "ops_live_no_show": (
        "{date} {kind}GMV {gmv}，是同阶段其他日中位数 {typical} 的 {ratio}：{hosts} 未开播（场观为0）。",
        "{date}: {kind} GMV {gmv}, {ratio} of the phase's median day ({typical}) — {hosts} did "
        "not go live (0 views).",
    ),
    "ops_live_all_live": ("所有排期场次均已开播。", "Every scheduled session went live."),
    "ops_kind_own": ("自播", "Shop's own stream"),
    "ops_kind_kol": ("达人", "KOL"),
    "ops_host": ("主播", "Host"),
    "ops_kind": ("类型", "Kind"),
    "ops_sessions": ("场次", "Sessions"),
    "ops_no_show": ("未开播", "Not live"),
    "ops_orders": ("订单", "Orders"),
    "ops_conversion": ("观看成交转化率", "Viewer conversion"),
    "ops_gpm": ("GPM（千次观看成交）", "GPM (GMV per 1,000 views)"),
    "ops_follow_rate": ("转粉率", "Follow rate"),
    "ops_cost": ("成本", "Cost"),
    "ops_roi": ("ROI", "ROI"),
    "ops_prices_lead": (
        "活动期 {n} 个 SKU 被达人或分销低于本店到手价（破价）共 {days} 天次；最深一次：{seller} 在 {date} 把 {sku} 卖到 {price}，"
        "低于本店 {own}（低 {gap}）。",
        "{n} SKU(s) were sold below the shop's own final price by a KOL room or distributor on "
        "{days} SKU-day(s) of the campaign; the deepest: {seller} sold {sku} at {price} on {date}, "
        "{gap} under the shop's {own}.",
    ),
    "ops_prices_none": (
        "活动期没有达人或分销低于本店到手价（{n} 个 SKU 有本店价格可比）。",
        "No KOL room or distributor sold below the shop's own final price during the campaign "
        "({n} SKU(s) had the shop's price to compare).",
    ),
    "ops_prices_competitor": (
        "竞品更便宜的天次：{days}（{n} 个 SKU）。",
        "SKU-days a competitor was cheaper: {days} ({n} SKU(s)).",
    ),
    "ops_prices_sku": ("SKU", "SKU"),
    "ops_prices_name": ("商品", "Product"),
    "ops_prices_days": ("比价天数", "Days compared"),
    "ops_prices_own": ("本店到手价（中位）", "Shop's price (median)"),
    "ops_prices_breach_days": ("破价天数", "Days undercut"),
    "ops_prices_lowest": ("最低外部价", "Lowest reseller price"),
    "ops_prices_seller": ("卖家", "Seller"),
    "ops_prices_competitor_days": ("竞品更低天数", "Days a competitor was cheaper"),
    "ops_prices_gmv_breach": ("破价日本店日均GMV", "Shop's GMV per undercut day"),
    "ops_prices_gmv_other": ("其他日日均GMV", "Per other day"),
    "ops_prices_breaches": ("破价明细（最深的 {n} 条）", "Undercuts (the {n} deepest)"),
    "ops_prices_date": ("日期", "Date"),
    "ops_prices_type": ("类型", "Type"),
    "ops_prices_price": ("到手价", "Final price"),
    "ops_prices_own_day": ("本店当日价", "Shop's price that day"),
    "ops_prices_gap": ("低于本店", "Below the shop"),
    "ops_seller_kol": ("达人", "KOL"),
    "ops_seller_distributor": ("分销", "Distributor"),
    "ops_seller_competitor": ("竞品", "Competitor"),
    "ops_prices_note": (
        "口径：本店价 = 当天本店（seller_type own）该 SKU 的最低到手价；达人或分销当天的最低到手价低于本店价即为破价，"
        "等于本店价不算；当天没有本店价的不比较。破价日与其他日的本店 GMV 只是并列对比（未取消订单、按下单日、退款前），"
        "不是破价造成的损失估计。",
        "Definitions: the shop's price = its lowest final price of the SKU that day (seller_type "
        "own); a KOL room's or distributor's lowest price of the day below it is an undercut (the "
        "same price is not); a day without the shop's price is not compared. The shop's GMV on "
        "undercut days beside its other days is a comparison (orders not cancelled, by order day, "
        "before refunds), not an estimate of what the undercut cost.",
    ),
    "ops_next_lead": (
        "下次预算合计 {budget}（本次花费 {spend}），按本次各渠道投产比测算 GMV 约 {gmv}（本次 {now}）。",
        "A next budget of {budget} in all (this campaign spent {spend}) projects about {gmv} of "
        "GMV at this campaign's channel returns (this campaign: {now}).",
    ),
    "ops_next_unmeasured": (
        "计划里有本次没有花费的渠道，没有投产比可依，GMV 合计无法测算。",
        "The plan gives budget to a channel that spent nothing in this campaign: with no return "
        "to go on, the projected GMV cannot be totalled.",
    ),
    "ops_next_gap": (
        "距目标 {target} 还差 {gap}；按仍高于保本线、投产比最高的{channel}（{roas}）计，约需再投 {extra}。",
        "{gap} short of the {target} target; at the best return still above break-even "
        "({channel}, {roas}) that is about {extra} more budget.",
    ),
    "ops_next_gap_no_channel": (
        "距目标 {target} 还差 {gap}；没有渠道的投产比高于保本线，加预算只会放大亏损，需要先提升转化或毛利。",
        "{gap} short of the {target} target; no channel returns above break-even, so more "
        "budget would only deepen the loss: conversion or margin must improve first.",
    ),
    "ops_next_covered": (
        "测算 GMV 已覆盖目标 {target}。",
        "The projection covers the {target} target.",
    ),
    "ops_next_below": (
        "{channels} 按本次投产比低于保本线：下次每多投 1 元，毛利贡献为负。",
        "{channels} returned below break-even: at this campaign's returns, each more ¥ of their "
        "budget loses margin.",
    ),
    "ops_next_gmv": ("本次GMV", "This GMV"),
    "ops_next_spend": ("本次花费", "This spend"),
    "ops_next_roas": ("本次投产比", "This ROAS"),
    "ops_next_next_budget": ("下次预算", "Next budget"),
    "ops_next_next_gmv": ("测算GMV", "Projected GMV"),
    "ops_next_contribution": ("测算毛利贡献", "Projected contribution"),
    "ops_next_note": (
        "口径：有花费的渠道按本次投产比（渠道订单 GMV / 花费）线性外推：测算GMV = 下次预算 × 本次投产比；毛利贡献 = 测算GMV / 保本投产比（{be}）− 预算；"
        "没有花费的渠道（自然流量等）按本次 GMV 计。假设每一元预算都和本次平均一样有效——实际加预算后投产比通常递减，预算远高于本次时结果偏乐观；"
        "季节、渠道结构和价格与本次相同，未计回落期透支。",
        "Definitions: a channel with spend is projected linearly at this campaign's return "
        "(its orders' GMV / its spend): projected GMV = next budget × this ROAS; contribution = "
        "projected GMV / the break-even ROAS ({be}) − budget; a channel without spend (natural "
        "traffic) keeps this campaign's GMV. Every ¥ is assumed to work as this campaign's "
        "average ¥ did — returns usually fall as a budget grows, so a budget well above this "
        "campaign's reads optimistic; the same season, channel mix and prices, and no pull-"
        "forward, are assumed.",
    ),
    "ops_service_ship_lead": (
        "活动期 {rate} 的订单在付款后 48 小时内发货（日常期 {base}），付款到发货中位 {median} 小时（日常期 {base_median} 小时）。",
        "{rate} of the campaign's orders shipped within 48 hours of payment (baseline {base}), a "
        "median of {median} hours from payment to shipping (baseline {base_median} hours).",
    ),
    "ops_service_worst_day": (
        "发货最慢的一天是 {date}：当天付款的 {orders} 单只有 {rate} 在 48 小时内发出。",
        "Shipping fell furthest behind for the orders paid on {date}: of {orders}, only {rate} "
        "shipped within 48 hours.",
    ),
    "ops_service_ship_caption": (
        "发货时效（按付款日所在阶段）",
        "Shipping times (by the day paid)",
    ),
    "ops_service_orders": ("订单数", "Orders"),
    "ops_service_ship_24": ("24小时发货率", "Shipped ≤ 24 h"),
    "ops_service_ship_48": ("48小时发货率", "Shipped ≤ 48 h"),
    "ops_service_median": ("发货时长中位（小时）", "Median hours to ship"),
    "ops_service_p90": ("90分位（小时）", "90th percentile (hours)"),
    "ops_service_unshipped": ("超48小时未发货", "Unshipped after 48 h"),
    "ops_service_refunded_unshipped": ("未发货即退款", "Refunded before shipping"),
    "ops_service_refund_lead": (
        "退款率上升最多的渠道是{channel}：活动期 {rate}，日常期 {base}。",
        "The refund rate rose most in {channel}: {rate} in the campaign against {base} in the "
        "baseline.",
    ),
    "ops_service_gmv": ("活动期GMV", "Campaign GMV"),
    "ops_service_refunds": ("退款金额", "Refunds"),
    "ops_service_refund_rate": ("退款率", "Refund rate"),
    "ops_service_base_refund_rate": ("日常期退款率", "Baseline refund rate"),
    "ops_service_change": ("变化", "Change"),
    "ops_service_refund_channels": ("分渠道退款率", "Refund rate by channel"),
    "ops_service_refund_skus": ("退款金额最多的 {n} 个商品", "The {n} SKUs with the most refunds"),
    "ops_service_reason_lead": (
        "活动期订单的退款金额中，「{reason}」最多（{share}）；{before} 的退款在发货前申请。",
        'Of the refunded amount of the campaign\'s orders, "{reason}" took the most ({share}); '
        "{before} of the refunds were asked for before the order shipped.",
    ),
    "ops_service_reasons": ("活动期订单的退款原因", "Why the campaign's orders were refunded"),
    "ops_service_r_reason": ("退款原因", "Reason"),
    "ops_service_r_refunds": ("退款笔数", "Refunds"),
    "ops_service_r_amount": ("退款金额", "Amount"),
    "ops_service_r_amount_share": ("金额占比", "Share of amount"),
    "ops_service_r_refund_only": ("仅退款占比", "Refund only"),
    "ops_service_r_before_ship": ("发货前申请占比", "Asked before shipping"),
    "ops_service_withheld": ("（含个人信息，已隐去）", "(personal data, withheld)"),
    "ops_service_unmatched": (
        "退款表中有 {n} 行的订单号不在订单表里，未计入退款原因。",
        "{n} row(s) of the refunds table name an order that is not in the orders table: left "
        "out of the reasons.",
    ),
    "ops_service_cs_lead": (
        "活动期询单转化率 {cr}（日常期 {base_cr}），平均首响 {resp} 秒（日常期 {base_resp} 秒），差评率 {bad}（日常期 {base_bad}）。",
        "Enquiry conversion was {cr} in the campaign (baseline {base_cr}), first response "
        "{resp} s on average (baseline {base_resp} s), bad reviews {bad} (baseline {base_bad}).",
    ),
    "ops_service_cs_caption": ("客服与评价", "Customer service and reviews"),
    "ops_service_days": ("天数", "Days"),
    "ops_service_inquiries": ("询单人数", "Enquiries"),
    "ops_service_inquiry_cr": ("询单转化率", "Enquiry conversion"),
    "ops_service_first_response": ("平均首响（秒）", "First response (s)"),
    "ops_service_bad_review_rate": ("差评率", "Bad-review rate"),
    "ops_service_dsr": ("DSR 均值", "DSR (mean)"),
    "ops_service_dsr_last": ("期末 DSR", "DSR (last day)"),
    "ops_service_note": (
        "口径：发货时效按订单算，付款时间起算（预售从尾款支付时间起），整单最后一件发出才算发货；已取消的行和未发货就退款的行不计；"
        "24/48 小时发货率 = 在时限内发出的订单 / 数据截止时已满 24/48 小时的订单（刚付款的订单不算超时）；订单归入付款日所在阶段。"
        "退款率 = 退款金额 / GMV（未取消的行，按 GMV 计入日），近几日的退款仍在发生。询单转化率 = 询单成交人数 / 询单人数；"
        "平均首响按询单人数加权；差评率 = 差评数 / 评价数。无分母时为 —。",
        "Definitions: shipping is per order, from payment (a presale from its balance payment) "
        "to its last line shipped; cancelled lines and lines refunded without shipping are left "
        "out; shipped within 24 / 48 h = orders shipped in time / orders whose 24 / 48 hours had "
        "passed when the data end (an order just paid is not late yet); an order is in the "
        "window of its paid day. Refund rate = refunds / GMV (lines not cancelled, by the day "
        "their GMV counts on); the latest days' refunds are still coming in. Enquiry conversion "
        "= enquirers who paid / enquirers; first response weighted by enquiries; bad-review rate "
        "= bad reviews / reviews. — where there is nothing to divide by.",
    ),
    "ops_members_lead": (
        "活动期新入会 {new} 人，入会率 {rate}；会员订单占 GMV {share}，会员客单价 {m_aov}、非会员 {o_aov}；"
        "活动期新客中 {new_join} 已入会。",
        "{new} new members joined during the campaign, a join rate of {rate}; member orders made "
        "{share} of GMV, at {m_aov} per member buyer against {o_aov} per other buyer; {new_join} of "
        "the campaign's new customers joined.",
    ),
    "ops_members_window": ("阶段", "Window"),
    "ops_members_new": ("新入会", "New members"),
    "ops_members_visitors": ("访客数", "Visitors"),
    "ops_members_join_rate": ("入会率", "Join rate"),
    "ops_members_share": ("会员成交占比", "Member share of GMV"),
    "ops_members_aov": ("会员客单价", "Member AOV"),
    "ops_members_other_aov": ("非会员客单价", "Other AOV"),
    "ops_members_repeat": ("会员复购率", "Member repeat"),
    "ops_members_other_repeat": ("非会员复购率", "Other repeat"),
    "ops_members_new_join": ("新客入会率", "New customers joined"),
    "ops_members_channel": ("入会渠道", "Join channel"),
    "ops_members_channels": (
        "活动期新入会会员的入会渠道",
        "Where the campaign's new members joined",
    ),
    "ops_members_note": (
        "口径：新入会 = 首次入会日在该阶段内的会员（同一会员多行按最早一次）；入会率 = 新入会 / 访客数（阶段内去重）；"
        "会员订单 = 下单时买家已入会的订单，会员成交占比 = 会员订单 GMV / 全部 GMV（未取消订单、退款前、按下单时间）；"
        "客单价 = GMV / 成交人数，阶段内入会的买家入会前后的订单分别计入非会员与会员；复购率 = 阶段内该类订单 2 笔及以上的买家占比；"
        "新客入会率 = 阶段内首单的新客中，阶段结束前已入会的占比。无分母时为 —。",
        "Definitions: new members = members whose first join falls in the window (a member listed "
        "twice counts from the first); join rate = new members / visitors (distinct over the "
        "window); a member order is one whose buyer had joined by its time, and the member share "
        "= member orders' GMV / all GMV (orders not cancelled, before refunds, by order time); "
        "AOV = GMV / buyers, a buyer who joined inside the window counting as other before and "
        "member after; repeat = share of buyers with two or more such orders in the window; new "
        "customers joined = of the window's first-time buyers, the share who had joined by its "
        "last day. — where there is nothing to divide by.",
    ),
    "ops_live_note": (
        "成本 = 坑位费 + 佣金率 × 结算GMV（GMV − 退款）；ROI = GMV / 成本（自播无坑位费与佣金，为 —）；转化率 = 成交人数 / 观看人数；GPM = GMV / 场观 × 1000。",
        "Cost = slot fee + commission rate × settled GMV (GMV − refunds); ROI = GMV / cost (— for "
        "the own room, which has neither); conversion = buyers / viewers; GPM = GMV / views × 1,000.",
    ),
    # ------------------------------------------------------------------ products
    "ops_products_lead": (
        "Top1 / Top5 / Top10 SKU 占活动期GMV {t1} / {t5} / {t10}；连带率 {upo} 件/单。",
        "The top 1 / 5 / 10 SKUs make {t1} / {t5} / {t10} of campaign GMV; {upo} units per order.",
    ),
    "product_label": ("{name}（{sku}）", "{name} ({sku})"),
    "ops_products_sellout": (
        "{product}{when} 零点售罄，断货 {days} 天；售罄率 {st}。",
        "{product} sold out by the start of {when} and stayed out {days} days; sell-through {st}.",
    ),
    "ops_products_hero_rate": (
        "主推品按GMV加权的缺货率 {rate}。",
        "GMV-weighted stock-out rate of the hero products: {rate}.",
    ),
    "ops_products_unnamed": (
        "没有 products 表：商品以 SKU 编码显示。",
        "No products table: products are shown by SKU code.",
    ),
    "ops_heroes": ("主推品", "Hero products"),
    "ops_no_heroes": (
        "没有主推品：卡片未列 strategy.hero_skus，products 表也没有标为主推（role: hero）的商品。",
        "No hero products: the card lists no strategy.hero_skus and no product is marked as a "
        "hero (role: hero) in the products table.",
    ),
    "ops_top_skus": ("GMV 前十的 SKU", "The ten best-selling SKUs"),
    "ops_name": ("商品", "Product"),
    "ops_role": ("角色", "Role"),
    "ops_units": ("件数", "Units"),
    "ops_planned_stock": ("计划库存", "Planned stock"),
    "ops_sell_through": ("售罄率", "Sell-through"),
    "ops_days_out": ("缺货天数", "Days out"),
    "ops_first_out": ("首个缺货日", "First day out"),
    "ops_gmv_share": ("GMV占比", "GMV share"),
    "ops_sku_funnel": (
        "主推品单品漏斗（浏览 → 加购 → 下单，去重人数）",
        "Hero products' funnel (view → cart → order, distinct users)",
    ),
    "ops_viewers": ("浏览人数", "Viewers"),
    "ops_carters": ("加购人数", "Carted"),
    "ops_buyers": ("下单人数", "Ordered"),
    "ops_view_to_cart": ("浏览→加购", "View → cart"),
    "ops_cart_to_order": ("加购→下单", "Cart → order"),
    "ops_discount_depth": ("较原价折扣", "Off list price"),
    "ops_margin": ("毛利率", "Gross margin"),
    "role_hero": ("爆款", "Hero"),
    "role_traffic": ("引流", "Traffic"),
    "role_profit": ("利润", "Profit"),
    "role_new": ("新品", "New"),
    "role_gift": ("赠品", "Gift"),
    "ops_products_note": (
        "售罄率 = 活动期销量 / 计划库存；缺货天数为库存表期初库存为0的天数；较原价折扣 = 1 − 实付 / 原价"
        "（吊牌价；「赚没赚钱」一节的折扣深度较日常成交价计，故较小）；毛利率 = 1 − 成本 / 实付。",
        "Sell-through = units sold in the campaign / planned stock; days out = days with "
        "start-of-day stock 0; off list price = 1 − paid / list (the tag price; the discount depth "
        "of 'Did it make money?' is against the everyday paid price, so it is smaller); margin = "
        "1 − cost / paid.",
    ),
    # ------------------------------------------------------------------ ads
    "ops_ads_unmatched": (
        "渠道 {channels} 有花费，但订单中没有这个渠道名（名称写法不同？见数据说明）：其 GMV、投产比与保本判断未计算。",
        "Channel(s) {channels} have spend but no order names them (written otherwise? see the "
        "data notes): their GMV, ROAS and break-even verdict are not measured.",
    ),
    "ops_ads_lead": (
        "保本投产比 {be}（折扣深度 {d}，单位边际贡献率 {m}）。低于保本线的渠道：{below}。",
        "Break-even ROAS {be} (discount depth {d}, unit contribution margin {m}). Below "
        "break-even: {below}.",
    ),
    "ops_ads_every_unit_loses": (
        "折扣深度 {d} 不低于单位边际贡献率 {m}：每卖一件都亏，任何投产比都不保本。低于保本线的渠道：{below}（全部有花费的渠道）。",
        "The discount depth {d} is at or above the unit contribution margin {m}: every unit sells "
        "at a loss and no ROAS breaks even. Below break-even: {below} (every channel with spend).",
    ),
    "ops_ads_no_be": (
        "保本投产比未计算（需要订单的SKU与单位成本，且折扣深度低于单位边际贡献率），各渠道不作判断。",
        "No break-even ROAS (it needs the orders' SKU and unit cost, and a discount depth below "
        "the unit contribution margin): no channel is judged.",
    ),
    "ops_none": ("无", "none"),
    "ops_channel": ("渠道", "Channel"),
    "ops_spend": ("花费", "Spend"),
    "ops_roas": ("投产比", "ROAS"),
    "ops_spend_ratio": ("费比", "Spend / GMV"),
    "ops_ctr": ("点击率", "CTR"),
    "ops_cpc": ("CPC", "CPC"),
    "ops_cpm": ("CPM", "CPM"),
    "ops_click_cvr": ("点击转化率", "Click conversion"),
    "ops_cpo": ("单笔成交成本", "Cost per order"),
    "ops_cpn": ("新客成本", "Cost per new customer"),
    "ops_below": ("低于保本", "Below break-even"),
    "ops_yes": ("是", "yes"),
    "ops_no": ("否", "no"),
    "ops_tool": ("工具", "Tool"),
    "ops_plan": ("计划", "Plan"),
    "ops_attributed_gmv": ("平台归因GMV", "Platform-attributed GMV"),
    "ops_attributed_roas": ("归因投产比", "Attributed ROAS"),
    "ops_order_gmv": ("订单渠道GMV", "Order-channel GMV"),
    "ops_gap": ("差异", "Gap"),
    "ops_ads_attr_note": (
        "平台后台的归因GMV（归因窗口 {window}）与订单渠道GMV不同：点击后数天内的成交都算给广告，一笔订单被多个工具同时认领；订单渠道是每笔订单只记一个来源。投产比与费比按订单渠道GMV计。",
        "The platform's attributed GMV (window {window}) differs from the order-channel GMV: "
        "orders days after a click count for the ad, and several tools claim one order; the "
        "order channel gives each order one source. ROAS and spend/GMV use the order channel.",
    ),
    "ops_ads_note": (
        "保本投产比 = (1 − 折扣深度) / (单位边际贡献率 − 折扣深度)，即每元GMV的变动贡献的倒数；固定费用（坑位费、活动费）不随下一元推广增长，不计入。低于它的渠道，其带来的全部GMV的贡献不足以覆盖花费（按全部而非增量GMV）。",
        "Break-even ROAS = (1 − discount depth) / (unit contribution margin − discount depth), "
        "i.e. 1 / the variable contribution of one yuan of GMV; fixed costs (slot fees, "
        "participation fees) do not grow with the next yuan of spend and are left out. Below it a "
        "channel's spend costs more than all the GMV it brought contributes (all GMV, not only "
        "the increment).",
    ),
    # ------------------------------------------------------------------ pacing
    "ops_pacing_lead": (
        "完成进度 {done}（对全部计划）；缺口最大的渠道：{channel}（{gap}，达成 {ach}）。",
        "Achievement {done} of the whole plan; the biggest shortfall: {channel} ({gap}, "
        "{ach} of plan).",
    ),
    "ops_pacing_war": (
        "战报：截至 {as_of}，完成进度 {done}，计划进度 {planned}，时间进度 {elapsed}（都对全部计划）；"
        "计划余下 {days} 天共 {ahead}，日均 {per_day}。",
        "War report: by {as_of}, {done} of the whole plan achieved, {planned} planned by then, "
        "{elapsed} of its days gone; the plan has {days} days left, {ahead} in all, {per_day} a "
        "day.",
    ),
    "ops_pacing_lead_war": (
        "渠道按截至当日的计划（{plan}）比较：缺口最大的是 {channel}（{gap}，达成 {ach}）。",
        "Channels against the plan to date ({plan}): the biggest shortfall is {channel} ({gap}, "
        "{ach} of plan).",
    ),
    "ops_pacing_other_days": (
        "目标覆盖 {plan_from} ~ {plan_to}，卡片的活动期是 {from_} ~ {to}：本节的完成进度按目标的日期计，"
        "与 KPI 卡片上按活动期计的目标达成不是同一段日子。",
        "The plan covers {plan_from} .. {plan_to}, the card's campaign {from_} .. {to}: this "
        "section's achievement is over the plan's days, the KPI cards' over the campaign's.",
    ),
    "ops_pacing_unplanned": (
        "计划里没有的渠道：{channels}（GMV {gmv}，不计入达成）——计划漏了渠道，缺口与达成率只对计划内渠道成立。",
        "Channels missing from the plan: {channels} (GMV {gmv}, not counted as achievement) — "
        "the plan leaves them out; gaps and achievement hold for the planned channels only.",
    ),
    "ops_pacing_plan_total": (
        "计划合计 {plan}，卡片的GMV目标是 {target}（相差 {diff}）：本节的完成进度是对计划而言，"
        "摘要和 KPI 卡片的目标达成率是对卡片目标而言，两者不同。",
        "The plan adds up to {plan}, the card's GMV target is {target} ({diff} apart): this "
        "section's progress is against the plan, the summary's and the KPI cards' achievement "
        "against the card's target, so the two differ.",
    ),
    "ops_pacing_factor": (
        "{channel}的缺口主要来自{factor}（{effect}）；落后最多的一天：{day}（{daygap}）。",
        "{channel}'s shortfall came mostly from {factor} ({effect}); the day furthest behind: {day} "
        "({daygap}).",
    ),
    "ops_pacing_worst_day": (
        "落后最多的一天：{day}（{daygap}）。",
        "The day furthest behind: {day} ({daygap}).",
    ),
    "factor_visitors": ("访客数", "visitors"),
    "factor_conversion": ("转化率", "conversion"),
    "factor_aov": ("笔单价", "order value"),
    "ops_visitors_effect": ("访客数影响", "Visitors effect"),
    "ops_conversion_effect": ("转化率影响", "Conversion effect"),
    "ops_aov_effect": ("笔单价影响", "Order value effect"),
    "ops_factor_note": (
        "缺口拆解：GMV = 访客数 × 订单转化率（订单数/访客数）× 笔单价（GMV/订单数，按订单，不是按买家的客单价），"
        "按对数平均权重（LMDI）分给三个因素，三者之和等于缺口；实际访客数为每日 visit 事件去重人数按日累加。",
        "The gap split: GMV = visitors × order conversion (orders / visitors) × order value (GMV / "
        "orders, per order, not per buyer), shared among the three with log-mean weights (LMDI), "
        "which add up to the gap; actual visitors are each day's distinct visiting users, summed "
        "over days.",
    ),
    "ops_target": ("目标", "Target"),
    "ops_actual": ("实际", "Actual"),
    "ops_cum_target": ("累计目标", "Cumulative target"),
    "ops_cum_actual": ("累计实际", "Cumulative actual"),
    "ops_achievement": ("完成进度", "Achievement"),
    "ops_time_progress": ("时间进度", "Time elapsed"),
    "ops_plan_gmv": ("计划", "Plan"),
    "ops_pacing_note": (
        "实际GMV按卡片声明的计入日期（{basis}）；目标来自{source}。",
        "Actual GMV by the card's counting date ({basis}); the plan is {source}.",
    ),
    "ops_pacing_balance_plan": (
        "按尾款日计入时，计划也须按尾款日制定（预售订单的GMV计在尾款日）：按下单日制定的计划会让预热期显得落后、"
        "尾款首日显得超前。",
        "Counted on the balance day, the plan must be too (a presale order's GMV on its balance "
        "day): a plan by order day makes the pre-heat look behind and the first balance day ahead.",
    ),
    "ops_plan_from_targets": ("targets 表（日期 × 渠道）", "the targets table (date × channel)"),
    "ops_plan_from_card_plan": (
        "活动卡片的 plan 块（日期或阶段 × 渠道，阶段目标按天均分）",
        "the card's plan block (date or phase × channel, a phase's plan spread evenly over its "
        "days)",
    ),
    # ------------------------------------------------------------------ charts
    "ops_chart_progress": (
        "完成进度 vs 计划进度（及时间进度）",
        "Achievement vs the plan's progress (and time elapsed)",
    ),
    "ops_chart_ship": ("按付款日的发货时效（活动期）", "Shipping by the day paid (campaign)"),
    "ops_chart_ship_y": ("时限内发出的订单占比", "Share of orders shipped in time"),
    "ops_chart_ship_orders": ("付款订单数", "Orders paid"),
    "ops_chart_ship_worst": ("{date} 付款：{rate}", "paid {date}: {rate}"),
    "ops_chart_progress_y": ("占全程目标", "Share of the whole plan"),
    "ops_chart_behind": ("落后于计划进度", "Behind the plan"),
    "ops_chart_ahead": ("领先于计划进度", "Ahead of the plan"),
    "ops_plan_progress": ("计划进度", "Planned progress"),
    "ops_chart_final": ("完成 {done}", "{done} achieved"),
    "ops_chart_pareto": ("商品帕累托曲线", "SKU Pareto curve"),
    "ops_chart_pareto_x": ("SKU排名（占SKU数）", "SKU rank (share of SKUs)"),
    "ops_chart_pareto_y": ("累计GMV占比", "Cumulative share of GMV"),
    "ops_chart_pareto_curve": ("累计GMV占比", "Cumulative GMV share"),
    "ops_chart_hero": ("主推款", "Hero SKU"),
    "ops_chart_top": ("前 {k} 个SKU贡献 {share}", "Top {k} SKUs: {share} of GMV"),
    # ------------------------------------------------------------------ days explained by sessions
    "ops_days_flagged": (
        "异常日 {date} 的原因在直播场次：{hosts}（场次 {sessions}）未开播，当天{kind}场次GMV {gmv}，是同阶段中位日 {typical} 的 {ratio}。",
        "Anomalous day {date} is explained by its live sessions: {hosts} (session {sessions}) "
        "did not go live; that day's {kind} sessions made {gmv}, {ratio} of the phase's median "
        "day ({typical}).",
    ),
    "ops_days_not_flagged": (
        "{date}：{hosts}（场次 {sessions}）未开播，当天{kind}场次GMV {gmv}，是同阶段中位日 {typical} 的 {ratio}；全店当天未达异常日阈值，直播场次解释了这一天的{kind}缺口。",
        "{date}: {hosts} (session {sessions}) did not go live; that day's {kind} sessions made "
        "{gmv}, {ratio} of the phase's median day ({typical}). The shop's day stayed within the "
        "anomaly thresholds; the sessions explain the {kind} shortfall.",
    ),
    "ops_days_held": (
        "{date}：{hosts}（场次 {sessions}）未开播，但当天{kind}场次GMV {gmv}，是同阶段中位日 {typical} 的 {ratio}——其他{kind}场次接住了当天的成交，未开播没有造成可见的缺口；全店当天也未达异常日阈值。",
        "{date}: {hosts} (session {sessions}) did not go live, yet that day's {kind} sessions "
        "made {gmv}, {ratio} of the phase's median day ({typical}): the other {kind} sessions "
        "carried the day's orders and the no-show left no visible shortfall; the shop's day "
        "stayed within the anomaly thresholds.",
    ),
    "ops_days_note": (
        "来自直播场次表：场观为0的排期场次即未开播；中位日取同一阶段内该类型场次的其他日子。",
        "From the live sessions table: a scheduled session with 0 views did not go live; the "
        "median day is over the kind's other days in the same phase.",
    ),
}

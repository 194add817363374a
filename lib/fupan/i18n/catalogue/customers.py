"""Customers: new-customer quality, RFM, customer value."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "ncq_empty_cohort": (
        "{cohorts}没有任何客户（这些窗口里的买家此前都买过），新客质量与新客毛利对比未计算；RFM 分层与同期群不受影响。",
        "No customer in {cohorts} (every buyer of those windows had bought before): the "
        "new-customer comparison and margins are not computed; RFM segments and cohorts are.",
    ),
    "cohort_campaign_new": ("活动新客", "Campaign new"),
    "cohort_baseline_new": ("日常期新客（自然）", "Baseline new (organic)"),
    "cohort_campaign_returning": ("活动老客", "Campaign returning"),
    "ncq_repeat_k": ("{k}天复购", "{k}-day repeat"),
    "ncq_censored_long": ("观察期未满", "not yet observed long enough"),
    "ncq_censored": ("观察期未满", "too recent"),
    "ncq_margin_per_customer": ("人均毛利 ({days}天)", "Gross margin per customer ({days} days)"),
    "ncq_test_significant": (
        "活动新客 {k} 天复购率 {campaign}，自然新客 {organic}，差 {diff:+.1f}pp（95%可能范围 {lower:+.1f} ~ {upper:+.1f}pp，差异显著）；{k} 天内人均净消费 {campaign_net} vs {organic_net}。",
        "Campaign new customers repeat within {k} days at {campaign} vs {organic} for organic new "
        "customers: {diff:+.1f}pp (95% CI {lower:+.1f} to {upper:+.1f}pp, significant); net "
        "spend per customer in {k} days {campaign_net} vs {organic_net}.",
    ),
    "ncq_test_not_significant": (
        "活动新客 {k} 天复购率 {campaign}，自然新客 {organic}，差 {diff:+.1f}pp（95%可能范围 {lower:+.1f} ~ {upper:+.1f}pp，差异不显著）；{k} 天内人均净消费 {campaign_net} vs {organic_net}。",
        "Campaign new customers repeat within {k} days at {campaign} vs {organic} for organic "
        "new customers: {diff:+.1f}pp (95% CI {lower:+.1f} to {upper:+.1f}pp, not "
        "significant); net spend per customer in {k} days {campaign_net} vs {organic_net}.",
    ),
    "ncq_repurchase": (
        "活动期复购率（≥2个购买日的买家/买家）: {rate}",
        "Repurchase rate in the campaign (buyers with ≥ 2 purchase days / buyers): {rate}",
    ),
    "ncq_return": (
        " · 回购率（活动买家在回落期再购）: {rate}",
        " · Buy-again rate (campaign buyers buying again in the dip): {rate}",
    ),
    "ncq_censoring": (
        "。观察期未满 k 天的客户不计入。",
        ". Customers not yet observed for k days are left out.",
    ),
    "aud_audience": ("人群", "Audience"),
    "aud_new": ("新客", "New"),
    "aud_returning": ("老客", "Returning"),
    "aud_reactivated": ("唤醒老客（沉睡≥{days}天）", "Reactivated (dormant ≥ {days} days)"),
    "aud_buyers": ("买家", "Buyers"),
    "aud_buyer_share": ("买家占比", "Share of buyers"),
    "aud_orders": ("订单", "Orders"),
    "aud_gmv_share": ("GMV占比", "Share of GMV"),
    "aud_reactivation": (
        "活动开始时沉睡（最近一单在 {days} 天以前）的老客 {dormant} 人，其中 {reactivated} 人在活动期回购：唤醒率 {rate}。",
        "{dormant} customers were dormant when the campaign opened (latest order {days} or more "
        "days before); {reactivated} of them bought in the campaign: a reactivation rate of {rate}.",
    ),
    "aud_no_dormant": (
        "活动开始时没有沉睡 {days} 天以上的老客，唤醒率无从计算。",
        "No customer had been dormant for {days} days when the campaign opened: no reactivation "
        "rate to give.",
    ),
    "aud_short_history": (
        "订单历史从 {start} 开始，只覆盖活动前 {days} 天：更早买过的客户在这里也算新客，新客偏多、老客偏少。",
        "The order history starts on {start}, only {days} days before the campaign: customers who "
        "bought before that count as new here, so new buyers are overstated and returning ones "
        "understated. ",
    ),
    "aud_not_measured": (
        "订单历史从 {start} 开始，距活动开始不足 {days} 天：还没有客户能沉睡这么久，沉睡唤醒未测量，之前买过的买家都算老客。",
        "The order history starts on {start}, less than {days} days before the campaign: no "
        "customer could have been dormant that long, so reactivation is not measured and every "
        "earlier buyer counts as returning.",
    ),
    "aud_koujing": (
        " 口径：活动期 {start} 至 {end} 的买家；新客 = 此前从未下单，唤醒 = 此前最近一单距活动开始 ≥{days} 天，其余为老客；GMV 为实付（退款前），笔单价 = GMV / 订单数，客单价 = GMV / 买家数。",
        " Definitions: buyers of the campaign, {start} to {end}; new = no order before it, "
        "reactivated = latest earlier order {days} or more days before its start, the rest "
        "returning; GMV is paid before refunds, average order value = GMV / orders, GMV per "
        "buyer = GMV / buyers.",
    ),
    "rfm_segment": ("分层", "Segment"),
    "rfm_customers": ("客户数", "Customers"),
    "rfm_recency": ("R（天）", "R (days)"),
    "rfm_action": ("建议", "Action"),
    "rfm_thresholds": (
        "阈值（均值）: R ≤ {recency}, F ≥ {frequency}, M ≥ {monetary}",
        "Thresholds (means): R ≤ {recency}, F ≥ {frequency}, M ≥ {monetary}",
    ),
    "clv_skipped": (
        "客户价值模型无法拟合：{reason}。",
        "The customer-value model could not be fitted: {reason}.",
    ),
    "clv_purchases": ("未来{weeks}周预计复购", "Repeat purchases, next {weeks} wk"),
    "clv_spend": ("单次消费", "Spend per purchase"),
    "clv_value": ("预计价值", "Expected value"),
    "clv_caveat": (
        "BG/NBD × Gamma–Gamma，观察至 {end}；活动新客观察期仅数周，预测主要来自总体先验，应在 60–90 天后复核。消费与频次相关系数 {corr:.2f}（≈0 时 Gamma–Gamma 假设成立）。"
        "预计价值是每位客户“预计购买次数 × 预计每次金额”的平均，不等于两列平均数之积（买得多的客户每次金额不同）。",
        "BG/NBD × Gamma–Gamma, observed to {end}; campaign-new customers have been observed for weeks only, so "
        "their prediction leans on the population prior: re-check after 60–90 days. Spend–frequency "
        "correlation {corr:.2f} (≈ 0 supports Gamma–Gamma). Expected value is the mean over customers "
        "of purchases × spend per purchase, not the product of the two columns' means (customers "
        "who buy more spend differently per purchase).",
    ),
    "clv_no_dropout": (
        "BG/NBD 的最大似然落在“无流失”极限（NBD 模型）：模型从这些数据中估不出流失率（这不等于没有客户流失），故不估计 P(alive)；预计复购按无人流失计算，若已有客户流失则为上限。",
        "The BG/NBD's maximum likelihood is its no-dropout limit (the NBD): the model cannot estimate "
        "a dropout rate from these data (which is not to say no customer left), so P(alive) is not "
        "estimated; expected purchases assume no customer has left and are an upper bound if some "
        "have.",
    ),
}

"""执行: funnel, inventory, alerts, A/B test and the generic skip notes."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "not_computed": ("本项未计算：{reason}", "Not computed: {reason}"),
    "not_enough_data_not_computed": ("数据不足，本项未计算。", "Not enough data: not computed."),
    "funnel_overall": ("整体转化", "Overall"),
    "funnel_leak": ("最大流失", "Biggest leak"),
    "funnel_pool": (
        "预热蓄水：预热期加购 {carters} 人，其中 {converted} 人（{rate}）在爆发期付款（按客户去重，任一渠道）。",
        "Pre-heat pool: {carters} customers added to cart in the pre-heat; {converted} of them "
        "({rate}) paid in the burst (distinct customers, any channel).",
    ),
    "funnel_pool_none": (
        "预热蓄水：预热期没有加购事件，无从看蓄水转化。",
        "Pre-heat pool: no add-to-cart event in the pre-heat, so its conversion cannot be seen.",
    ),
    "inv_stockout_rate": ("缺货率（SKU天）", "Stock-out rate (SKU-days)"),
    "inv_slow_moving": ("滞销率（{days}天无销售）", "Slow-moving rate (no sale in {days} days)"),
    "inv_turnover": ("库存周转天数", "Turnover days"),
    "inv_lost": ("缺货损失GMV（估计）", "GMV lost to stock-outs (estimate)"),
    "inv_lost_value": ("{total}（保守下限 {floor}）", "{total} (floor {floor})"),
    "inv_days_out": ("缺货天数", "Days out"),
    "inv_run_rate": ("日常日均（缺货前）", "Everyday run rate"),
    "inv_lost_gmv": ("损失GMV", "Lost GMV"),
    "inv_method": (
        "损失 = 缺货前{days}天在库日均GMV（每天先除以当天GMV指数，折回日常水平）× 缺货当天GMV指数"
        "（当天GMV/基线日均，不低于1）；不乘指数即保守下限。",
        "Lost = in-stock daily GMV over the {days} days before the stock-out (each day first "
        "divided by its GMV index, back to everyday level) × the stock-out day's GMV index (day "
        "GMV / baseline daily GMV, at least 1); without the index it is the conservative floor.",
    ),
    "alerts_title": ("渠道占比变化", "Channel-share shifts"),
    "alerts_none_shift": ("未发现渠道占比异常。", "No channel-share shift found."),
    "alerts_none": ("未发现异常日。", "No anomalous day found."),
    "alerts_expected": ("按占比预期", "Expected from share"),
    "deviation": ("偏差", "Deviation"),
    "ab_users": ("用户数", "Users"),
    "ab_converted": ("转化用户", "Converted"),
    "ab_gmv_per_user": ("人均GMV", "GMV per user"),
    "ab_stats": (
        "相对提升 {lift:+.1%}（95%可能范围 {lo:+.1%} ~ {hi:+.1%}）· {sig} · 分流比例{srm}",
        "Relative lift {lift:+.1%} (95% CI {lo:+.1%} to {hi:+.1%}) · {sig} · arm split {srm}",
    ),
}

"""异常日: driver sentences, notes and reasons (:mod:`fupan.analysis.anomalies`)."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "anom_no_orders": ("没有可逐日检验的订单", "no orders to test day by day"),
    "anom_metric_gmv": ("GMV", "GMV"),
    "anom_metric_orders": ("订单数", "Orders"),
    "anom_metric_cr": ("转化率", "CR"),
    "anom_metric_refund_rate": ("退款率", "Refund rate"),
    "anom_whole_shop": ("全店", "whole shop"),
    "anom_scope_all": ("全店", "the shop"),
    "anom_scope_channel": ("{channel} 渠道", "channel {channel}"),
    "anom_no_order": (
        "{scope}当天没有任何订单：休店、系统故障或数据缺失",
        "no order at all in {scope} that day: a closure, an outage or missing data",
    ),
    "anom_top_order": (
        "最大订单 {order}（{amount}，占当日GMV {share:.0%}；买家 {buyer}）",
        "largest order {order} ({amount}, {share:.0%} of the day's GMV; buyer {buyer})",
    ),
    "anom_top_order_sku": (
        "最大订单 {order}（{amount}，占当日GMV {share:.0%}；买家 {buyer}，主要商品 {sku}）",
        "largest order {order} ({amount}, {share:.0%} of the day's GMV; buyer {buyer}, mainly SKU {sku})",
    ),
    "anom_top_n_all": (
        "前{n}单合计 {amount}，不少于当日超出预期的部分（{excess}）",
        "the top {n} orders add up to {amount}, no less than the day's excess over expected ({excess})",
    ),
    "anom_top_n_share": (
        "前{n}单合计 {amount}，占超出预期部分（{excess}）的 {share:.0%}",
        "the top {n} orders add up to {amount}, {share:.0%} of the excess over expected ({excess})",
    ),
    "anom_top_sku": (
        "GMV 最高的商品 {sku}（{amount}，{share:.0%}）",
        "top SKU {sku} ({amount}, {share:.0%})",
    ),
    "anom_top_buyer": (
        "下单最多的买家 {buyer}：{orders} 单",
        "busiest buyer {buyer}: {orders} orders",
    ),
    "anom_top_buyers": (
        "；前{n}位买家共 {orders} 单，相当于超出预期部分的 {share:.0%}",
        "; the top {n} buyers placed {orders}, {share:.0%} of the excess over expected",
    ),
    "anom_buyers_spread": ("，增长分散在众多买家", ", so the rise is spread over many buyers"),
    "anom_volume_split": (
        "订单数 {orders}、客单价 {aov}（相对预期）",
        "orders {orders}, AOV {aov} against expected",
    ),
    "anom_cr_split": (
        "UV {uv}、订单数 {orders}（相对预期）",
        "UV {uv}, orders {orders} against expected",
    ),
    "anom_orders_count": ("{n:+.0f} 单", "{n:+.0f} orders"),
    "anom_channel_gap": (
        "缺口最大的渠道 {channel}（{amount}，占缺口 {share:.0%}）",
        "largest shortfall in channel {channel} ({amount}, {share:.0%} of the gap)",
    ),
    "anom_partial_day": (
        "当天订单只出现在 {first}–{last} 时（通常 {usual_first:.0f}–{usual_last:.0f} 时），当日数据可能不完整",
        "orders only between {first}:00 and {last}:59 (usually {usual_first:.0f}:00–{usual_last:.0f}:59): "
        "the day may be recorded only in part",
    ),
    "anom_refunds": ("当日退款 {amount}", "refunds that day {amount}"),
    "anom_refund_sku": (
        "退款最多的商品 {sku}（{amount}，占当日退款 {share:.0%}）",
        "most refunded SKU {sku} ({amount}, {share:.0%} of the day's refunds)",
    ),
    "anom_refund_order": (
        "退款最大的订单 {order}（{amount}）",
        "largest refund on order {order} ({amount})",
    ),
    "anom_note_closed": (
        "{days}通常不营业（拟合期 ≥ 80% 的{days}没有订单），属结构性休息日，不作检验。",
        "The shop does not trade on {days} (no order on ≥ 80 % of them in the fit period): a "
        "structurally closed weekday is not tested.",
    ),
    "anom_note_sparse": (
        "{names} 每天订单太少（中位数 < {min_orders} 单），单日波动不足以检验，未做日级判定。",
        "{names}: too few orders a day (median < {min_orders}) to test a single day; not tested.",
    ),
    "anom_cr_not_measured": (
        "没有行为数据（events 表），没有 UV：转化率未测量，未作检验。",
        "No events table, hence no UV: conversion rate not measured and not tested.",
    ),
    "anom_refund_not_measured": (
        "订单中没有记录退款（无 refund_amount 列或全部为 0）：退款率未测量，未作检验。",
        "No refund recorded in the orders (no refund_amount column, or all zero): refund "
        "rate not measured and not tested.",
    ),
    "anom_note_untested": (
        "{n} 个检验日因此前不足 {min_periods} 天可比数据（或当日无可比基线）而未检验。",
        "{n} test-day(s) not tested: fewer than {min_periods} earlier days to compare with, or no "
        "baseline for the day.",
    ),
}

ENTRIES |= {
    "anom_title": ("日级异常（全店与渠道）", "Day-level anomalies (whole shop and channels)"),
    "anom_not_tested": ("未做日级异常检验：{reason}", "Day-level anomalies not tested: {reason}"),
    "anom_no_day_tested": (
        "没有可以检验的日子（原因见下方说明）。",
        "No day could be tested (see the notes below).",
    ),
    "anom_none_found": ("{tests} 项检验中未发现异常日。", "No anomalous day among {tests} tests."),
    "anom_scope": ("范围", "Scope"),
    "anom_expected": ("预期", "Expected"),
    "anom_driver": ("驱动", "Driver"),
    "anom_method": (
        "口径：预期 = 当日所在阶段的局部水平（同阶段最近 6 天的中位数，不含当日）× 星期效应（活动前正常日拟合，活动日不参与）；"
        "M = 残差对此前 {window} 天残差的修正 z 分数；判定需同时满足 |M| > {z}、|偏差| > {min_rel_dev:.0%}、"
        "BH 校正后 FDR < {fdr:.0%}（{start} 至 {end} 共 {tests} 项检验）；比率指标另需超出 p 图 ±{p_sigma:.0f}σ 限。"
        "活动期内的向上峰值是促销本身，只有集中在少数订单（GMV）或少数买家（订单数）时才判为异常。",
        "Method: expected = the day's phase level (median of the 6 nearest other days of the same phase) × a "
        "day-of-week effect fitted on normal days before the campaign (campaign days masked); M = modified z "
        "of the residual against the previous {window} days' residuals; flagged when |M| > {z}, |deviation| > "
        "{min_rel_dev:.0%} and Benjamini–Hochberg FDR < {fdr:.0%} over all {tests} tests from {start} to {end}; "
        "ratios must also leave their ±{p_sigma:.0f}σ p-chart limits. An upward peak inside the campaign is the "
        "promotion itself and is flagged only when a few orders (GMV) or buyers (orders) make it.",
    ),
}

ENTRIES |= {
    "anom_note_partial_day": (
        "数据的最后一天 {day} 不完整（导出于当天中途，见数据校验的提示），不作日级判定。",
        "The data's last day, {day}, is incomplete (exported part-way through it; see the "
        "validation warnings) and is not judged.",
    ),
}

"""Punctuation, weekdays and the skip reasons of the analyses."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "list_sep": ("、", ", "),
    "clause_sep": ("；", "; "),
    "sentence_end": ("。", "."),
    "weekday_0": ("周一", "Monday"),
    "weekday_1": ("周二", "Tuesday"),
    "weekday_2": ("周三", "Wednesday"),
    "weekday_3": ("周四", "Thursday"),
    "weekday_4": ("周五", "Friday"),
    "weekday_5": ("周六", "Saturday"),
    "weekday_6": ("周日", "Sunday"),
    "margin_no_sku_column": (
        "订单表没有SKU列，无法计算增量毛利与利润ROI；请在订单表中补充 sku 列（上文的投产比是支付金额/花费，不是利润ROI）",
        "the orders have no sku column, so incremental gross profit and margin ROI cannot be "
        "computed; add sku to the orders table (ROAS above is GMV/spend, not ROI)",
    ),
    "margin_no_unit_cost_column": (
        "订单表没有单位成本 unit_cost列，无法计算增量毛利与利润ROI；请在订单表中补充 unit_cost 列（上文的投产比是支付金额/花费，不是利润ROI）",
        "the orders have no unit_cost column, so incremental gross profit and margin ROI "
        "cannot be computed; add unit_cost to the orders table (ROAS above is GMV/spend, not ROI)",
    ),
    "margin_no_sku": (
        "没有SKU同时具备日常期与活动期的销量和单位成本，无法计算利润ROI",
        "no SKU sold with a known unit cost in both the baseline and the campaign, so margin ROI cannot "
        "be computed",
    ),
    "ltv_cac_too_early": (
        "活动新客尚无人满{days}天观察期，首{days}天消费（LTV的一部分）未知；请在活动结束{days}天后重跑报告",
        "no campaign new customer has been observed for {days} days yet, so their first-{days}-day "
        "spend (part of LTV) is not known; re-run the report {days} days after the campaign",
    ),
}

ENTRIES |= {
    "not_enough_data": ("数据不足", "not enough data"),
    "no_reason_recorded": ("原因未记录", "no reason was recorded"),
}

ENTRIES |= {"sentence_sep": ("", " ")}

"""口径 notes of the numbers: incremental spend, conversion not measured by a dimension, control
categories left out of the attribution, refunds not yet settled."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "margin_no_baseline_spend": (
        "日常期没有完整的推广花费记录，无法扣除日常投放，只给出按总投放计的利润ROI",
        "the baseline window has no complete spend record, so the everyday run rate cannot be "
        "taken out; only the margin ROI on total spend is given",
    ),
    "margin_no_incremental_spend": (
        "活动期费用不高于日常期日均推广花费 × 活动天数，没有增量投放，按增量投放计的利润ROI无意义",
        "the campaign cost no more than the baseline spend per day × campaign days: there is no "
        "incremental spend to return a margin ROI on",
    ),
    "segment_cr_not_measured": (
        "按{dimension}没有访客数据，无法计算支付转化率；此维度的流量按订单数计",
        "there are no visitor data by {dimension}, so conversion is not measured there; its "
        "traffic is counted in orders",
    ),
    "rc_controls_excluded": (
        "未参加促销的对照品类（{categories}）不参与缺口与异常归因",
        "the control categories left out of the promotion ({categories}) are not attributed any "
        "part of the gap or the anomaly",
    ),
    "refund_not_mature": (
        "{phase}（截至 {end}）的订单到数据截止日 {measured} 只过了 {days} 天，退款尚未完结（按 {maturity} 天计完结），退款率偏低",
        "orders of the {phase} (to {end}) had only {days} days to the data's last day {measured}; "
        "their refunds are not settled yet (taken as settled after {maturity} days), so the refund "
        "rate reads low",
    ),
}

"""The metric dictionary (指标口径): one definition per KPI, versioned.

This module is the single source of the definitions shown in reports and recorded in case
records. A change to any definition must bump :data:`DEFINITIONS_VERSION`, because case records
made under different definitions are not comparable.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFINITIONS_VERSION = "2025.11-1"


@dataclass(frozen=True)
class KpiDef:
    key: str
    zh: str
    en: str
    unit: str  # "money" | "count" | "ratio" | "index" | "multiple"
    definition_zh: str
    definition_en: str
    higher_is_better: bool = True


_DEFS = [
    KpiDef(
        "gmv",
        "GMV",
        "GMV",
        "money",
        "未取消订单的实付金额之和（退款前）",
        "Σ paid_amount of orders not cancelled, before refunds",
    ),
    KpiDef("net_gmv", "净GMV", "Net GMV", "money", "GMV − 退款金额", "GMV − refunds"),
    KpiDef(
        "refunds",
        "退款金额",
        "Refunds",
        "money",
        "未取消订单的退款金额之和",
        "Σ refund_amount of orders not cancelled",
        False,
    ),
    KpiDef(
        "orders",
        "订单数",
        "Orders",
        "count",
        "未取消订单的去重 order_id 数",
        "distinct order_id of orders not cancelled",
    ),
    KpiDef(
        "buyers",
        "买家数",
        "Buyers",
        "count",
        "有未取消订单的去重 user_id 数（窗口内去重）",
        "distinct user_id with an order not cancelled, distinct over the window",
    ),
    KpiDef(
        "uv",
        "访客数 UV",
        "UV",
        "count",
        "每日有任一行为事件的去重用户数，按天加总",
        "distinct users with any event on a day, summed over days",
    ),
    KpiDef("cr", "转化率", "Conversion rate", "ratio", "订单数 / UV", "orders / UV"),
    KpiDef(
        "aov",
        "客单价",
        "AOV",
        "money",
        "GMV / 订单数（按订单，非按买家）",
        "GMV / orders (per order, not per buyer)",
    ),
    KpiDef(
        "spend",
        "投放花费",
        "Spend",
        "money",
        "spend 表中各渠道花费之和",
        "Σ spend over channels in the spend table",
        False,
    ),
    KpiDef(
        "roas",
        "投产比 ROAS",
        "ROAS",
        "multiple",
        "GMV / 投放花费（不是 ROI）",
        "GMV / spend (not ROI)",
    ),
    KpiDef(
        "new_customers",
        "新客数",
        "New customers",
        "count",
        "首次（未取消）下单落在窗口内的用户数",
        "users whose first order ever (not cancelled) falls inside the window",
    ),
    KpiDef(
        "new_customer_share",
        "新客占比",
        "New-customer share",
        "ratio",
        "新客数 / 买家数",
        "new customers / buyers",
    ),
    KpiDef(
        "live_new_customer_share",
        "直播间新客占比",
        "Live-stream new-customer share",
        "ratio",
        "直播渠道买家中首单落在窗口内的比例",
        "share of live-channel buyers whose first order ever falls inside the window",
    ),
    KpiDef(
        "live_gmv_share",
        "直播GMV占比",
        "Live-stream GMV share",
        "ratio",
        "直播渠道 GMV / GMV",
        "live-channel GMV / GMV",
    ),
    KpiDef(
        "refund_rate", "退款率", "Refund rate", "ratio", "退款金额 / GMV", "refunds / GMV", False
    ),
    KpiDef(
        "cancel_rate",
        "取消率",
        "Cancellation rate",
        "ratio",
        "取消订单数 / 全部订单数",
        "cancelled orders / all orders",
        False,
    ),
    KpiDef(
        "gmv_per_day",
        "日均GMV",
        "GMV per day",
        "money",
        "GMV / 窗口天数",
        "GMV / days in the window",
    ),
    KpiDef(
        "gmv_index",
        "GMV指数",
        "GMV index",
        "index",
        "100 × 窗口日均GMV / 基线日均GMV",
        "100 × daily GMV in the window / daily GMV in the baseline",
    ),
    KpiDef(
        "cr_index",
        "转化率指数",
        "CR index",
        "index",
        "100 × 窗口转化率 / 基线转化率",
        "100 × CR in the window / CR in the baseline",
    ),
    KpiDef(
        "aov_index",
        "客单价指数",
        "AOV index",
        "index",
        "100 × 窗口客单价 / 基线客单价",
        "100 × AOV in the window / AOV in the baseline",
    ),
    KpiDef(
        "burst_multiple",
        "爆发系数",
        "Burst multiple",
        "multiple",
        "峰值日GMV / 基线日均GMV",
        "peak-day GMV / baseline daily GMV",
    ),
]

KPI_DEFINITIONS: dict[str, KpiDef] = {d.key: d for d in _DEFS}
KPI_KEYS: tuple[str, ...] = tuple(KPI_DEFINITIONS)

FUNNEL_STEPS: tuple[str, ...] = ("visit", "view", "cart", "order", "pay")
PHASES: tuple[str, ...] = ("baseline", "preheat", "burst", "post", "dip")
PHASE_LABELS = {
    "baseline": ("基线期", "Baseline"),
    "preheat": ("预热期", "Pre-heat"),
    "burst": ("爆发期", "Burst"),
    "post": ("返场期", "Post"),
    "dip": ("回落期", "Dip"),
    "campaign": ("活动整体", "Campaign"),
}

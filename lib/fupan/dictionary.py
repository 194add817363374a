"""The metric dictionary (指标口径): one definition per KPI, versioned.

This module is the single source of the definitions shown in reports and recorded in case
records. A change to any definition must bump :data:`DEFINITIONS_VERSION`, because case records
made under different definitions are not comparable; :data:`PREVIOUS_DEFINITIONS` keeps what the
earlier versions meant by the keys they changed, so that an old record can be read and marked as
computed under its own version.

Version 2026.12-1 aligns the names and 口径 with the platforms' dashboards (生意参谋 / 京东商智 /
抖店罗盘): 客单价 is per buyer (GMV / 支付买家数) and the per-order figure is 笔单价; 访客数 of a
period is distinct over the period, the day-summed figure is kept as ``uv_daily_sum``
(按日累加); 支付转化率 = 支付买家数 / 访客数, so that 访客数 × 支付转化率 × 人均笔数 × 笔单价 = GMV
exactly (METHODS.md §2.1); GMV is 支付金额（含退款） with its window stated; ROAS is 投产比（=后台ROI）,
with 费比 beside it.

:data:`KPI_DEFINITIONS` holds the KPIs measured per window (the ones a card may set a target or
a hypothesis on); :data:`RESULT_DEFINITIONS` the figures of the analyses (利润ROI on total and on
incremental spend, 保本投产比, the break-even lifts); :data:`DEFINITIONS` both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFINITIONS_VERSION = "2026.12-1"

#: Earlier versions: for each, the keys whose meaning or name changed since, with what they meant
#: then (English definition). A record made under one of them is read as it is and marked.
PREVIOUS_DEFINITIONS: dict[str, dict[str, str]] = {
    "2025.11-1": {
        "uv": "distinct users with any event on a day, summed over days",
        "cr": "orders / UV (UV summed over days)",
        "aov": "GMV / orders (per order, not per buyer), named AOV / 客单价",
        "cr_index": "100 × CR in the window / CR in the baseline (CR = orders / day-summed UV)",
        "roas": "GMV / spend, named ROAS / 投产比 ROAS",
    }
}

#: Record keys renamed since an earlier version: old key → new key. Readers look the new key up
#: first and fall back to the old one (:func:`fupan.cases.record.read_key`).
RENAMED_KEYS: dict[str, str] = {"return_rate": "repurchase_return_rate"}

#: The window a GMV figure covers, as every report and record states it.
GMV_WINDOW_ZH = (
    "按下单时间（order_time）计入窗口，窗口含首尾两天（首日 00:00 至末日 24:00）；"
    "活动整体 = 预热期首日至返场期末日；预售订单按下单日计，不按尾款日"
)
GMV_WINDOW_EN = (
    "counted by order time (order_time) in the window, both end days included (first day 00:00 "
    "to last day 24:00); the campaign = first pre-heat day to last post day; presale orders count "
    "on their order day, not on the balance-payment day"
)

#: Days after an order by which its refunds are taken as settled (7-day no-reason returns plus
#: the after-sales period after delivery): refund figures of windows that ended fewer days before
#: the data's last day are not yet mature (退款未完结).
REFUND_MATURITY_DAYS = 30


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
        "支付金额（含退款）",
        "GMV (paid, refunds included)",
        "money",
        "未取消订单的实付金额之和（含之后退款的订单，退款前，即后台的支付金额）；" + GMV_WINDOW_ZH,
        "Σ paid_amount of orders not cancelled, before refunds (the dashboards' paid amount); "
        + GMV_WINDOW_EN,
    ),
    KpiDef(
        "net_gmv",
        "净支付金额（扣退款）",
        "Net GMV (after refunds)",
        "money",
        "支付金额 − 退款金额（退款计到数据截止日）",
        "GMV − refunds (refunds as of the data's last day)",
    ),
    KpiDef(
        "refunds",
        "退款金额",
        "Refunds",
        "money",
        "未取消订单的退款金额之和（计到数据截止日；近期订单的退款可能尚未完结）",
        "Σ refund_amount of orders not cancelled, as of the data's last day (refunds of recent "
        "orders may not be settled yet)",
        False,
    ),
    KpiDef(
        "orders",
        "支付订单数",
        "Orders",
        "count",
        "未取消订单的去重 order_id 数",
        "distinct order_id of orders not cancelled",
    ),
    KpiDef(
        "buyers",
        "支付买家数",
        "Buyers",
        "count",
        "有未取消订单的去重 user_id 数（窗口内去重）",
        "distinct user_id with an order not cancelled, distinct over the window",
    ),
    KpiDef(
        "uv",
        "访客数",
        "Visitors (UV)",
        "count",
        "窗口内有任一行为事件的去重用户数（区间去重，与生意参谋/京东商智/抖店罗盘的多日访客数同口径）",
        "distinct users with any event over the whole window (distinct over the period, as the "
        "platforms' dashboards count a period's visitors)",
    ),
    KpiDef(
        "uv_daily_sum",
        "访客数（按日累加）",
        "Visitors (summed over days)",
        "count",
        "每日去重访客数按天加总（一人来访多日计多次；日均访客 = 此数 / 天数）",
        "daily distinct visitors summed over the window's days (a visitor on several days counts "
        "once per day; visitors per day = this / days)",
    ),
    KpiDef(
        "cr",
        "支付转化率",
        "Conversion rate",
        "ratio",
        "支付买家数 / 访客数（两者均为窗口内去重）",
        "buyers / visitors (both distinct over the window)",
    ),
    KpiDef(
        "orders_per_buyer",
        "人均笔数",
        "Orders per buyer",
        "multiple",
        "支付订单数 / 支付买家数",
        "orders / buyers",
    ),
    KpiDef(
        "aov",
        "笔单价",
        "Average order value",
        "money",
        "支付金额 / 支付订单数（按订单）",
        "GMV / orders (per order)",
    ),
    KpiDef(
        "aov_buyer",
        "客单价",
        "Spend per buyer",
        "money",
        "支付金额 / 支付买家数（按买家，与后台客单价同口径）",
        "GMV / buyers (per buyer, as the platforms' dashboards define it)",
    ),
    KpiDef(
        "spend",
        "推广花费",
        "Spend",
        "money",
        "spend 表中各渠道花费之和",
        "Σ spend over channels in the spend table",
        False,
    ),
    KpiDef(
        "roas",
        "投产比（=后台ROI）",
        "ROAS (the dashboards' 'ROI')",
        "multiple",
        "支付金额 / 推广花费（平台后台称 ROI；不计成本与折扣，不是利润ROI）",
        "GMV / spend (the platforms' dashboards call it ROI; no cost or discount in it, not a "
        "profit ROI)",
    ),
    KpiDef(
        "spend_ratio",
        "费比",
        "Spend-to-GMV ratio",
        "ratio",
        "推广花费 / 支付金额（= 1 / 投产比）",
        "spend / GMV (= 1 / ROAS)",
        False,
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
        "新客数 / 支付买家数",
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
        "直播支付金额占比",
        "Live-stream GMV share",
        "ratio",
        "直播渠道支付金额 / 支付金额",
        "live-channel GMV / GMV",
    ),
    KpiDef(
        "refund_rate",
        "退款率",
        "Refund rate",
        "ratio",
        "退款金额 / 支付金额（计到数据截止日；窗口结束不足 "
        f"{REFUND_MATURITY_DAYS} 天时退款尚未完结）",
        f"refunds / GMV, as of the data's last day (not yet settled when the window ended fewer "
        f"than {REFUND_MATURITY_DAYS} days before it)",
        False,
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
        "日均支付金额",
        "GMV per day",
        "money",
        "支付金额 / 窗口天数",
        "GMV / days in the window",
    ),
    KpiDef(
        "gmv_index",
        "支付金额指数",
        "GMV index",
        "index",
        "100 × 窗口日均支付金额 / 基线日均支付金额",
        "100 × daily GMV in the window / daily GMV in the baseline",
    ),
    KpiDef(
        "cr_index",
        "支付转化率指数",
        "Conversion index",
        "index",
        "100 × 窗口支付转化率 / 基线支付转化率",
        "100 × conversion rate in the window / in the baseline",
    ),
    KpiDef(
        "aov_index",
        "笔单价指数",
        "AOV index",
        "index",
        "100 × 窗口笔单价 / 基线笔单价",
        "100 × average order value in the window / in the baseline",
    ),
    KpiDef(
        "aov_buyer_index",
        "客单价指数",
        "Spend-per-buyer index",
        "index",
        "100 × 窗口客单价 / 基线客单价",
        "100 × spend per buyer in the window / in the baseline",
    ),
    KpiDef(
        "burst_multiple",
        "爆发系数",
        "Burst multiple",
        "multiple",
        "峰值日支付金额 / 基线日均支付金额",
        "peak-day GMV / baseline daily GMV",
    ),
]

#: Figures of the analyses (not per window): named and defined here, not targetable on a card.
_RESULT_DEFS = [
    KpiDef(
        "roi_margin",
        "利润ROI（总投放）",
        "Margin ROI (total spend)",
        "multiple",
        "增量毛利 / 活动总费用（推广花费 + 活动费 + 未入价的券 + 固定费用）；保本线 1.0",
        "incremental gross profit / total campaign cost (spend + fees + coupons not in the price "
        "+ fixed); break-even 1.0",
    ),
    KpiDef(
        "roi_margin_incremental",
        "利润ROI（增量投放）",
        "Margin ROI (incremental spend)",
        "multiple",
        "增量毛利 / 增量费用；增量费用 = 活动总费用 − 基线期日均推广花费 × 活动天数（日常投放不计）；保本线 1.0",
        "incremental gross profit / incremental cost; incremental cost = total campaign cost − "
        "baseline spend per day × campaign days (the everyday run rate left out); break-even 1.0",
    ),
    KpiDef(
        "break_even_roas",
        "保本投产比",
        "Break-even ROAS",
        "multiple",
        "(1 − 折扣深度) / (单位边际贡献率 − 折扣深度) = 1 / 每元支付金额的变动贡献：投产比低于它，推广带来的支付金额的"
        "边际贡献不够付推广费；固定费用（坑位费、活动费）不随下一元推广增长，不计入；全报告只此一个口径",
        "(1 − discount depth) / (unit contribution margin − discount depth) = 1 / the variable "
        "contribution of one yuan of GMV: below it, the contribution of the GMV a channel's spend "
        "brings does not pay for the spend; fixed costs (slot fees, participation fees) do not grow "
        "with the next yuan of spend and are left out; the report's only definition of it",
    ),
    KpiDef(
        "break_even_lift",
        "保本销量提升（仅覆盖折扣）",
        "Break-even unit lift (discount only)",
        "ratio",
        "折扣深度 / (单位边际贡献率 − 折扣深度)：只覆盖折扣让利所需的销量提升，未计推广费用",
        "discount depth / (unit contribution margin − discount depth): the unit lift that pays "
        "back the discount only, not the spend",
    ),
    KpiDef(
        "break_even_lift_with_spend",
        "保本销量提升（含推广费用）",
        "Break-even unit lift (discount and spend)",
        "ratio",
        "(折扣深度 + 活动总费用 / 无活动预期销量按原价的金额) / (单位边际贡献率 − 折扣深度)",
        "(discount depth + total campaign cost / expected units' value at regular price) / "
        "(unit contribution margin − discount depth)",
    ),
]

#: the KPIs measured per window: what a card may target or state a hypothesis on
KPI_DEFINITIONS: dict[str, KpiDef] = {d.key: d for d in _DEFS}
KPI_KEYS: tuple[str, ...] = tuple(KPI_DEFINITIONS)
#: the figures of the analyses (margin, break-even), keyed as in their results
RESULT_DEFINITIONS: dict[str, KpiDef] = {d.key: d for d in _RESULT_DEFS}
#: every definition a report or record names: window KPIs and result figures
DEFINITIONS: dict[str, KpiDef] = KPI_DEFINITIONS | RESULT_DEFINITIONS


@dataclass(frozen=True)
class TermDef:
    """A concept the reports and worked examples name that is not a per-window KPI (glossary)."""

    key: str
    zh: str
    en: str
    definition_zh: str
    definition_en: str


#: Concepts of the method, defined once: the glossary (site and examples) reads them from here.
TERMS: dict[str, TermDef] = {
    t.key: t
    for t in (
        TermDef(
            "koujing",
            "口径",
            "Definition (koujing)",
            "一个指标的计算定义：算什么、怎么算、按什么时间窗。口径不同的数字不可比较",
            "a metric's exact definition: what is counted, how and over which window; figures under different definitions are not comparable",
        ),
        TermDef(
            "repurchase_rate",
            "复购率",
            "Repurchase rate",
            "同一窗口内下单 ≥ 2 天的买家 / 该窗口买家数（同一天多单算一次）",
            "buyers ordering on ≥ 2 days within one window / buyers of that window (several orders on one day count once)",
        ),
        TermDef(
            "return_rate",
            "回购率",
            "Return rate",
            "窗口1的买家中在之后的窗口2再次购买的人数 / 窗口1买家数",
            "buyers of window 1 who buy again in a later window 2 / buyers of window 1",
        ),
        TermDef(
            "roi",
            "ROI（利润口径）",
            "ROI (margin)",
            "增量毛利 / 活动费用；不同于投产比 ROAS（支付金额 / 花费），保本线 1.0",
            "incremental gross profit / campaign cost; unlike ROAS (GMV / spend); break-even 1.0",
        ),
        TermDef(
            "rfm",
            "RFM 分层",
            "RFM segments",
            "按最近一次购买（R）、购买频次（F）、消费金额（M）高于或低于均值把客户分为 8 类",
            "customers split into 8 segments by recency (R), frequency (F) and monetary value (M) above or below the mean",
        ),
        TermDef(
            "counterfactual",
            "反事实基线",
            "Counterfactual baseline",
            "没有活动时本应发生的销售：用活动前的趋势与星期效应拟合后外推",
            "the sales that would have happened without the campaign: trend and weekday effects fitted before it, projected over it",
        ),
        TermDef(
            "incremental_gmv",
            "增量支付金额",
            "Incremental GMV",
            "实际支付金额 − 反事实基线，按阶段并给出区间",
            "actual GMV − counterfactual baseline, per phase, with an interval",
        ),
        TermDef(
            "pull_forward",
            "透支（需求前移）",
            "Pull-forward",
            "活动后回落期低于基线的部分 / 活动期增量：被提前买走的需求",
            "the shortfall below baseline after the campaign / the campaign's lift: demand bought early",
        ),
        TermDef(
            "cohort",
            "同期群",
            "Cohort",
            "按首单月份分组的客户，看其之后各月仍购买的比例",
            "customers grouped by the month of their first order, followed by the share still buying in each later month",
        ),
        TermDef(
            "srm",
            "样本比例失衡 SRM",
            "Sample ratio mismatch (SRM)",
            "各组实际人数与设计分流比例的卡方检验；p < 0.001 说明分流或埋点有问题，效果不可信",
            "χ² test of arm counts against the design split; p < 0.001 means randomisation or logging is broken and effects cannot be trusted",
        ),
        TermDef(
            "cuped",
            "CUPED 方差缩减",
            "CUPED",
            "用实验前同一指标做协变量：Y' = Y − θ(X − X̄)，θ 在合并样本上估计；方差乘以 (1 − ρ²)",
            "a pre-period covariate: Y' = Y − θ(X − X̄), θ estimated on the pooled arms; variance times (1 − ρ²)",
        ),
        TermDef(
            "peeking",
            "偷看（提前停止）",
            "Peeking",
            "每天看一次显著性、一显著就停：假阳性率远高于名义的 5%",
            "checking significance daily and stopping at the first significant look: false positives far above the nominal 5%",
        ),
        TermDef(
            "gower",
            "Gower 距离",
            "Gower distance",
            "混合类型属性（类别与数值）的平均距离，用于在案例库中找相似活动",
            "the mean distance over mixed attributes (categorical and numeric), used to find similar campaigns in the case library",
        ),
        TermDef(
            "phase",
            "活动阶段",
            "Campaign phases",
            "基线期 → 预热期 → 爆发期 → 返场期 → 回落期，窗口在案例卡中声明",
            "baseline → pre-heat → burst → post → dip, windows declared on the case card",
        ),
    )
}


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


def read_key(mapping: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """``mapping[key]``, or the value under its name in an earlier version (:data:`RENAMED_KEYS`).

    For reading records of any 口径 version: ``read_key(customers, "repurchase_return_rate")``
    finds the 2025.11-1 record's ``return_rate`` too.
    """
    if key in mapping:
        return mapping[key]
    for old, new in RENAMED_KEYS.items():
        if new == key and old in mapping:
            return mapping[old]
    return default


@dataclass(frozen=True)
class ComputedUnder:
    """Under which 口径 version a record was computed, and what to tell its reader."""

    version: str
    current: bool
    #: keys whose definition changed between the record's version and the current one
    changed: tuple[str, ...]
    note_zh: str
    note_en: str


def computed_under(record: Mapping[str, Any]) -> ComputedUnder:
    """Mark a case record with the 口径 version it was computed under.

    A record of an earlier version is read as it is, never recomputed: its figures follow that
    version's definitions (:data:`PREVIOUS_DEFINITIONS` lists what changed).
    """
    version = str(record.get("definitions_version") or "?")
    if version == DEFINITIONS_VERSION:
        return ComputedUnder(version, True, (), "", "")
    changed = tuple(sorted(PREVIOUS_DEFINITIONS.get(version, {})))
    keys = ", ".join(changed) if changed else "?"
    return ComputedUnder(
        version,
        False,
        changed,
        f"按旧口径 {version} 计算（当前口径 {DEFINITIONS_VERSION}；定义不同的指标：{keys}），不可与当前口径的数字直接比较",
        f"computed under the earlier definitions {version} (current {DEFINITIONS_VERSION}; "
        f"defined differently: {keys}); not directly comparable with current figures",
    )

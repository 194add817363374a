"""The KPIs measured per window (指标口径): one definition each."""

from __future__ import annotations

from .base import GMV_WINDOW_EN, GMV_WINDOW_ZH, REFUND_MATURITY_DAYS, KpiDef

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
        "支付买家数 / 访客数（两者均为窗口内去重，即后台区间口径；窗口越长，重复来访和复购的人越只计一次，"
        "数值随窗口长度而变，不同长度的窗口请比较按日支付转化率）",
        "buyers / visitors (both distinct over the window, as the dashboards count a period; a "
        "longer window counts a returning visitor or buyer once, so the rate moves with the "
        "window's length: compare windows of unlike length on the daily rate)",
    ),
    KpiDef(
        "cr_daily",
        "支付转化率（按日）",
        "Conversion rate (daily)",
        "ratio",
        "每日去重支付买家数按天加总 / 每日去重访客数按天加总（按日累加：各日支付转化率按当日访客加权的平均；"
        "一人多日来访或购买按天各计一次，数值不随窗口长度变化）",
        "daily distinct buyers summed over the window's days / daily distinct visitors summed "
        "over them (the days' conversion rates weighted by their visitors; a customer on several "
        "days counts once a day, so the rate does not move with the window's length)",
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
        "GMV per buyer",
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
        mix=True,
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
        "100 × 窗口按日支付转化率 / 基线按日支付转化率（两者均按日累加，见“支付转化率（按日）”："
        "不随窗口长度变化，11 天的爆发期与 30 天的日常期可直接比较）",
        "100 × daily conversion rate (cr_daily) in the window / in the baseline (both summed day "
        "by day: the index does not move with the windows' lengths, so an 11-day burst compares "
        "with a 30-day baseline)",
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

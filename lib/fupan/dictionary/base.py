"""The dictionary's version, the definition type and what earlier versions meant."""

from __future__ import annotations

from dataclasses import dataclass

DEFINITIONS_VERSION = "2026.12-2"

#: Earlier versions: for each, the keys whose meaning or name changed since, with what they meant
#: then (English definition). A record made under one of them is read as it is and marked.
PREVIOUS_DEFINITIONS: dict[str, dict[str, str]] = {
    "2025.11-1": {
        "uv": "distinct users with any event on a day, summed over days",
        "cr": "orders / UV (UV summed over days)",
        "aov": "GMV / orders (per order, not per buyer), named AOV / 客单价",
        "cr_index": "100 × CR in the window / CR in the baseline (CR = orders / day-summed UV)",
        "roas": "GMV / spend, named ROAS / 投产比 ROAS",
    },
    "2026.12-1": {
        "cr_index": "100 × CR in the window / CR in the baseline (CR = buyers / visitors, both "
        "distinct over the window: moved with the windows' lengths)",
    },
}

#: Record keys renamed since an earlier version: old key → new key. Readers look the new key up
#: first and fall back to the old one (:func:`fupan.cases.record.read_key`).
RENAMED_KEYS: dict[str, str] = {"return_rate": "repurchase_return_rate"}

#: The window a GMV figure covers, as every report and record states it.
GMV_WINDOW_ZH = (
    "按下单时间（order_time）计入窗口，窗口含首尾两天（首日 00:00 至末日 24:00）；"
    "活动整体 = 预热期首日至返场期末日；预售订单按下单日计，不按尾款日"
    "（卡片的 gmv_date 只改变增量测算与目标节奏所用的日GMV计入日期，不改变窗口指标）"
)
GMV_WINDOW_EN = (
    "counted by order time (order_time) in the window, both end days included (first day 00:00 "
    "to last day 24:00); the campaign = first pre-heat day to last post day; presale orders count "
    "on their order day, not on the balance-payment day (the card's gmv_date changes only the "
    "day the lift and the pacing count daily GMV on, not the window KPIs)"
)

#: KPIs over a window's distinct visitors or buyers: a longer window counts a returning visitor
#: or buyer once, so their value moves with the window's length (a conversion rate over 30 days
#: reads higher than over 11), and comparing windows of unlike length is said to be rough. The
#: conversion index is not among them: it compares the day-by-day rate (``cr_daily``)
WINDOW_LENGTH_SENSITIVE = frozenset({"cr", "orders_per_buyer", "aov_buyer", "aov_buyer_index"})

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
    #: a share of the mix (how much of GMV came through live streams): a fact of how the shop
    #: sells, not a result — neither a higher nor a lower value is better, so peers are placed
    #: beside it from low to high but never ranked as better or worse
    mix: bool = False

"""The figures of the analyses (利润ROI, 保本投产比, the break-even lifts), and every definition by key."""

from __future__ import annotations

from .base import KpiDef
from .kpis import _DEFS

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
        "增量毛利 / 增量费用；增量费用 = 活动总费用 − 日常期日均推广花费 × 活动天数（日常投放不计）；保本线 1.0",
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

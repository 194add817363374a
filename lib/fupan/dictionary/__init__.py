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
with 费比 beside it. Version 2026.12-2: the conversion index (支付转化率指数) compares the daily
conversion rate (``cr_daily``, 支付转化率（按日）: daily distinct buyers over daily distinct visitors,
both summed over the window's days), which does not move with a window's length — the index of an
11-day burst over the window-distinct rates against a 30-day baseline read 146.2 on the demo, and
156.6 against the baseline's last 11 days; the daily rates give 139.9 and 140.7.

:data:`KPI_DEFINITIONS` holds the KPIs measured per window (the ones a card may set a target or
a hypothesis on); :data:`RESULT_DEFINITIONS` the figures of the analyses (利润ROI on total and on
incremental spend, 保本投产比, the break-even lifts); :data:`DEFINITIONS` both.
"""

from .base import (
    DEFINITIONS_VERSION,
    GMV_WINDOW_EN,
    GMV_WINDOW_ZH,
    PREVIOUS_DEFINITIONS,
    REFUND_MATURITY_DAYS,
    RENAMED_KEYS,
    WINDOW_LENGTH_SENSITIVE,
    KpiDef,
)
from .records import (
    FUNNEL_STEPS,
    PHASE_LABELS,
    PHASES,
    ROLE_ALIASES,
    ROLE_LABELS,
    ComputedUnder,
    computed_under,
    read_key,
)
from .results import DEFINITIONS, KPI_DEFINITIONS, KPI_KEYS, RESULT_DEFINITIONS
from .terms import FESTIVAL_DAYS, TERMS, TermDef

__all__ = [
    "FESTIVAL_DAYS",
    "ComputedUnder",
    "DEFINITIONS",
    "DEFINITIONS_VERSION",
    "FUNNEL_STEPS",
    "GMV_WINDOW_EN",
    "GMV_WINDOW_ZH",
    "KPI_DEFINITIONS",
    "KPI_KEYS",
    "KpiDef",
    "PHASES",
    "ROLE_ALIASES",
    "ROLE_LABELS",
    "PHASE_LABELS",
    "PREVIOUS_DEFINITIONS",
    "REFUND_MATURITY_DAYS",
    "RENAMED_KEYS",
    "WINDOW_LENGTH_SENSITIVE",
    "RESULT_DEFINITIONS",
    "TERMS",
    "TermDef",
    "computed_under",
    "read_key",
]

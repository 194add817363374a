"""What the orders' times say about the whole campaign folder: how far back the history goes and
whether the times have a time of day — one query and one pair of warnings, for files and SQL
sources alike."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..errors import Problem
from .card import CampaignCard

#: The first order's day, and whether any order time has a time of day (DuckDB's dialect; a SQL
#: source runs it transpiled).
HISTORY_SQL = (
    "SELECT CAST(min(order_time) AS DATE) AS first_day, "
    "bool_or(order_time <> date_trunc('day', order_time)) AS timed FROM orders"
)


#: the last days of the orders, each with its last order's time (portable SQL, any engine)
LAST_DAYS_SQL = (
    "SELECT CAST(order_time AS DATE) AS day, max(order_time) AS last_order FROM orders "
    "GROUP BY CAST(order_time AS DATE) ORDER BY day DESC LIMIT 29"
)
#: the data's last day is cut short when its last order is this much earlier in the day than the
#: usual last order of the days before it (their median), of which there must be this many
CUT_SHORT_HOURS, CUT_SHORT_DAYS = 3, 7


def partial_last_day(
    rows: list[tuple[object, object]], where: str, timed: bool
) -> tuple[dict[str, object], list[Problem]]:
    """Whether the orders' last day is cut short (an export taken mid-day, as UCI's ends at 12:50
    on 2011-12-09): its last order over :data:`CUT_SHORT_HOURS` earlier in the day than the median
    last order of the days before. Flag ``partial_day`` (ISO date) and a warning; the day-level
    screens leave that day out (a half day would read as a collapse). ``rows``: (day, last order)
    from :data:`LAST_DAYS_SQL`, newest first."""
    if not timed or len(rows) < CUT_SHORT_DAYS + 1:
        return {}, []

    def secs(day: object, last: object) -> float:
        t = pd.Timestamp(last)
        return float((t - pd.Timestamp(day)).total_seconds())

    final_day, final_last = rows[0]
    usual = float(np.median([secs(d, last) for d, last in rows[1:]]))
    cut = secs(final_day, final_last)
    if cut > usual - CUT_SHORT_HOURS * 3600:
        return {}, []
    day = pd.Timestamp(final_day).date().isoformat()
    at, norm = (
        f"{pd.Timestamp(final_last):%H:%M}",
        f"{int(usual // 3600):02d}:{int(usual % 3600 // 60):02d}",
    )
    return {"partial_day": day}, [
        Problem(
            code="partial_last_day",
            file=where,
            column="order_time",
            severity="warning",
            zh=f"订单的最后一天 {day} 只到 {at}（此前各日最后一单的中位时间 {norm}）：这一天不完整，"
            f"日GMV偏低；异常日与渠道占比检查不判定这一天。",
            en=f"The orders' last day, {day}, ends at {at} (the days before usually end about "
            f"{norm}): it is incomplete and its GMV reads low; the anomalous-day and channel-share "
            f"checks leave it out.",
        )
    ]


#: history before the baseline under this many days: its buyers' "first order" is mostly the
#: export's first, so the organic-new cohort is not one
BASELINE_HISTORY_DAYS = 90


def history_warnings(
    card: CampaignCard, where: str, first: dt.date, timed: bool
) -> tuple[dict[str, object], list[Problem]]:
    """The flags a campaign carries about its order history, and the warnings they call for.

    ``short_history``: the orders start less than a year before the campaign, so a "new customer"
    may have bought before the export began; ``short_history_baseline`` (a warning only): under
    :data:`BASELINE_HISTORY_DAYS` of orders before the baseline, whose 'organic new customers' are
    then mostly old ones. ``no_time_of_day``: every order time is a date at
    00:00:00 (an export of dates only), so nothing by hour of day can be measured.
    """
    lookback = card.windows.campaign.start - dt.timedelta(days=365)
    flags: dict[str, object] = {
        "history_start": first.isoformat(),
        "new_customer_approximate": bool(first > lookback),
    }
    warnings = []
    if flags["new_customer_approximate"]:
        warnings.append(
            Problem(
                code="short_history",
                file=where,
                column="order_time",
                severity="warning",
                zh=f"订单历史从 {first} 开始，不足活动前一年（{lookback}）；“新客”为近似值（可能把老客算作新客）。",
                en=f"Order history starts {first}, less than a year before the campaign ({lookback}); "
                f"'new customer' is approximate (returning customers may count as new).",
            )
        )
    before = card.windows.baseline.start - dt.timedelta(days=BASELINE_HISTORY_DAYS)
    if first > before:  # the baseline's 'organic new' customers: most bought before the export
        warnings.append(
            Problem(
                code="short_history_baseline",
                file=where,
                column="order_time",
                severity="warning",
                zh=f"订单历史从 {first} 开始，日常期（{card.windows.baseline.start} 起）之前不足 "
                f"{BASELINE_HISTORY_DAYS} 天：日常期的买家大多会被算作“自然新客”，活动新客与自然新客"
                f"的对比不可靠。",
                en=f"Order history starts {first}, less than {BASELINE_HISTORY_DAYS} days before the "
                f"baseline ({card.windows.baseline.start}): most baseline buyers count as 'organic new "
                f"customers', so campaign-new against organic-new is not a fair comparison.",
            )
        )
    if not timed:
        warnings.append(
            Problem(
                code="no_time_of_day",
                file=where,
                column="order_time",
                severity="warning",
                zh="订单时间只有日期、没有时刻（每一行都是 00:00:00）：按小时的分析（分小时峰值）不计算；"
                "导出时带上支付时间（精确到时分）即可得到。",
                en="The order times are dates only (every line at 00:00:00): nothing by hour of day "
                "(the hourly peaks) is measured; export the orders with their time of payment to "
                "have it.",
            )
        )
    return flags, warnings

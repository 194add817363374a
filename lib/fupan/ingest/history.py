"""What the orders' times say about the whole campaign folder: how far back the history goes and
whether the times have a time of day — one query and one pair of warnings, for files and SQL
sources alike."""

from __future__ import annotations

import datetime as dt

from ..errors import Problem
from .card import CampaignCard

#: The first order's day, and whether any order time has a time of day (DuckDB's dialect; a SQL
#: source runs it transpiled).
HISTORY_SQL = (
    "SELECT CAST(min(order_time) AS DATE) AS first_day, "
    "bool_or(order_time <> date_trunc('day', order_time)) AS timed FROM orders"
)


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
                zh=f"订单历史从 {first} 开始，基线期（{card.windows.baseline.start} 起）之前不足 "
                f"{BASELINE_HISTORY_DAYS} 天：基线期的买家大多会被算作“自然新客”，活动新客与自然新客"
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

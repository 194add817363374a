"""分小时峰值: the busiest hour of the campaign's peak days (:func:`fupan.analysis.execution.peak_hours`)."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "peak_hour": ("峰值时段", "Peak hour"),
    "peak_hour_gmv": ("该小时GMV", "GMV in that hour"),
    "peak_hour_share": ("占当日GMV", "Share of the day"),
    "peak_vs_baseline": ("相对基线同时段", "vs baseline, same hour"),
    "peak_hours_note": (
        "峰值时段 = 当日GMV最高的小时（按订单首行时间）；相对基线 = 该小时GMV / 日常期同一小时的日均GMV（日常期该时段无销售时为 —）。",
        "Peak hour = the hour of the day with the most GMV (order time of the first line); vs baseline "
        "= that hour's GMV / the baseline's average GMV in the same hour (— when the baseline sold "
        "nothing then).",
    ),
}

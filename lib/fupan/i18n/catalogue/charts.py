"""Chart titles, legends and axis units (:mod:`fupan.report.charts`)."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "chart_index_unit": ("指数，基期日均GMV=100", "index, baseline daily GMV = 100"),
    "chart_peak": ("{day}（峰值 {hour}:00 {amount}）", "{day} (peak {hour}:00 {amount})"),
    "chart_cohort_x": ("首购后第 n 个月", "Months since first purchase (n)"),
    "chart_cohort_y": ("首购月份", "First-purchase month"),
    "chart_hourly_y": (
        "GMV（基线最高小时以上为对数坐标）",
        "GMV (log scale above the baseline's top hour)",
    ),
    "cohort_partial_month": (
        "斜线格是数据的最后一个月：数据截至 {date}，该月尚不完整，留存率因此偏低，不代表流失加剧。",
        "Hatched cells are the data's last month: the data end on {date}, so that month is "
        "incomplete and its retention reads low — not a sign of rising churn.",
    ),
    "chart_cohort_title": (
        "按首购月的留存率（%，第0月=100%）",
        "Retention by first-purchase month (%, month 0 = 100%)",
    ),
    "chart_rfm_title": (
        "RFM 分层（近一年买家，按均值阈值）",
        "RFM segments (buyers of the last year, mean thresholds)",
    ),
    "chart_cf_band": ("无活动预期 95%范围", "Expected without the campaign, 95% band"),
    "chart_cf_expected": ("无活动预期", "Expected without the campaign"),
    "chart_cf_actual": ("实际GMV", "Actual GMV"),
    "chart_cf_title": (
        "实际 vs 无活动时的预期（对数坐标）",
        "Actual vs expected without the campaign (log scale)",
    ),
}

"""异常日: day-level anomalies with their drivers (:mod:`fupan.analysis.anomalies`)."""

from __future__ import annotations

from ...analysis.anomaly_drivers import format_value, metric_label, slice_label
from ...analysis.results import DayAnomalies, Skip
from ...format import Style, signed
from ...i18n import phase_name, pick, t
from ..html import Html, fragment


def day_anomalies(result: DayAnomalies | Skip, style: Style) -> Html:
    """The 异常日 table: days whose GMV, orders, CR or refund rate broke from their phase, with the
    driver of each, then what was not measured or not tested; a skipped test says why."""
    lang = style.lang
    if isinstance(result, Skip):
        reason = result.text(lang) or t("not_enough_data", lang)
        return fragment("day_anomalies", style, reason=reason, result=None, rows=[], notes=[])
    rows = [
        [
            f"{f.date:%Y-%m-%d}",
            phase_name(f.phase, lang) if isinstance(f.phase, str) else "—",
            metric_label(f.metric, lang),
            style.channel(slice_label(f.slice, lang)),
            format_value(f.metric, f.actual, style),
            format_value(f.metric, f.expected, style),
            f"{f.rel_dev:+.0%}",
            signed(f.score, 1),  # a day with no sale at all has no finite score (log 0): —
            f.driver_zh if style.zh else f.driver_en,
        ]
        for f in result.flags.itertuples()
    ]
    notes = [pick(m, lang) for m in result.not_measured.values()] + [
        pick(n, lang) for n in result.notes
    ]
    return fragment("day_anomalies", style, reason=None, result=result, rows=rows, notes=notes)

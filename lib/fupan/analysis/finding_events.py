"""Findings about events, and the helper every finding is written with.

The causes of the gap and of an anomalous day, the A/B test, the anomalous day and the
channel-share alert.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..format import Style
from ..i18n import phase_name, t
from .anomalies import largest
from .anomaly_drivers import finding_text
from .anomaly_screen import CAMPAIGN_DAYS
from .results import ABTest, DayAnomalies, DayCause, Finding, GapCause, RootCause, ShareAlerts, Skip
from .results.ops import LiveResult, fell_short
from .wording import cause_sentences

Fields = Callable[[Style], dict[str, Any]]


def finding(
    style: Style, kind: str, key: str, fields: Fields, weight: float, metric: str, priority: int = 2
) -> Finding:
    """A finding whose text is catalogue ``key`` filled with ``fields(style in that language)``."""
    zh, en = (t(key, lang, **fields(style.in_lang(lang))) for lang in ("zh", "en"))
    return Finding(kind=kind, zh=zh, en=en, weight=float(weight), metric=metric, priority=priority)


def day_finding(row: Any, style: Style) -> Finding:
    """The finding of the flagged day ``row`` (a row of ``DayAnomalies.flags``).

    A day below expectation inside the campaign (pre-heat to dip) is a miss; one in the baseline
    or in no window is a note that says so: not a problem of the campaign (a day eleven months
    before it was listed under 未达预期).
    """
    named = row.copy()
    named["slice"] = style.channel(row.slice)
    inside = row.phase in CAMPAIGN_DAYS
    zh, en = (
        finding_text(named, style.in_lang(lang))
        + ("" if inside else t("finding_day_outside", lang, where=_where(row.phase, lang)))
        for lang in ("zh", "en")
    )
    return Finding(
        kind="miss" if row.direction == "down" and inside else "note",
        zh=zh,
        en=en,
        weight=float(min(abs(row.rel_dev), 1.0) + 0.1),
        metric="day_anomaly",
    )


def _where(phase: Any, lang: str) -> str:
    if isinstance(phase, str) and phase:
        name = phase_name(phase, lang)
        return t("finding_day_in_window", lang, phase=name if lang == "zh" else name.lower())
    return t("finding_day_in_no_window", lang)


def _cause_fields(cause: DayCause | GapCause) -> Fields:
    def fields(s: Style) -> dict[str, Any]:
        return {"day": getattr(cause, "date", ""), "cause": cause_sentences(cause, s)[0]}

    return fields


def _no_show(live: Any, day: str) -> Any:
    """The live-session day effect of ``day`` (ISO), or None.

    One when a scheduled session did not go live that day and its kind's GMV fell short
    (:func:`~.results.ops.fell_short`).
    """
    if not isinstance(live, LiveResult) or live.day_effects.empty:
        return None
    return next((e for e in live.day_effects.itertuples() if e.date == day and fell_short(e)), None)


def events(
    style: Style,
    root_cause: RootCause,
    ab: ABTest | Skip | None,
    day_anomalies: DayAnomalies | Skip,
    alerts: ShareAlerts,
    live: Any = None,
) -> list[Finding]:
    """The event findings, each with its numbers and display names (never raw keys).

    Causes of the gap and of the anomalous day, the A/B test, the largest anomalous day and the
    largest channel-share alert — which, on a day a scheduled live session did not go live and
    its kind sold short (``live``), names the no-show as its cause (metric ``live_no_show``)
    instead of asking the team to investigate what the live-session table already says.
    """
    out = []
    for cause, key in (
        (root_cause.day, "finding_cause_day"),
        (root_cause.gap, "finding_cause_gap"),
    ):
        if cause is not None and not cause.candidates.empty:
            out.append(finding(style, "note", key, _cause_fields(cause), 0.35, "root_cause"))
    if isinstance(ab, ABTest):
        out.append(
            finding(
                style,
                "win" if ab.significant and ab.relative_lift > 0 else "note",
                "finding_ab",
                lambda s: {"verdict": ab.verdict(s)},
                0.4,
                "ab",
            )
        )
    top_day = largest(day_anomalies) if isinstance(day_anomalies, DayAnomalies) else None
    if top_day is not None:
        out.append(day_finding(top_day, style))
    if alerts.table is not None and len(alerts.table):
        a = alerts.table.iloc[0]
        missed = _no_show(live, f"{a.date:%Y-%m-%d}") if a.gap < 0 else None
        out.append(
            finding(
                style,
                "miss" if a.gap < 0 else "note",
                "finding_share_alert" if missed is None else "finding_share_alert_no_show",
                lambda s: {
                    "day": f"{a.date:%m-%d}",
                    "channel": s.channel(a.channel),
                    "actual": s.money(a.actual),
                    "expected": s.money(a.expected),
                    "rel": a.rel_dev,
                    "hosts": getattr(missed, "hosts", ""),
                },
                min(abs(a.rel_dev), 1.0),
                "alert" if missed is None else "live_no_show",
            )
        )
    return out

"""Days explained by their live sessions, shown under the day-anomalies section (issue 13).

An anomalous live day needs its cause in the reader's words — "the KOL did not go live" — which
the day-anomalies screen, reading orders only, cannot give. For each day a scheduled session did
not go live (:class:`~fupan.analysis.results.ops.LiveResult`'s ``day_effects``), this names the
host and session, that day's GMV of the kind's sessions against the phase's median day, and
whether the anomaly screen flagged the day.
"""

from __future__ import annotations

import math

import pandas as pd

from ...analysis.results import DayAnomalies
from ...analysis.results.ops import NO_SHOW_HELD, LiveResult, no_show_ratio
from ...format import Style, pct
from ...i18n import t
from ..html import Html
from .ops_common import _render

__all__ = ["HELD", "live_days"]

#: a no-show day whose kind's GMV is at least this share of the phase's median day lost nothing
#: visible: the sentence says the other sessions carried it instead of claiming a shortfall
HELD = NO_SHOW_HELD


def live_days(live: object, anomalies: object, style: Style) -> Html:
    """The no-show days named with their sessions; empty when live was skipped or all went live."""
    if not isinstance(live, LiveResult) or live.day_effects.empty:
        return Html("")
    lang = style.lang
    flagged: set[str] = set()
    if isinstance(anomalies, DayAnomalies) and not anomalies.flags.empty:
        flagged = set(pd.to_datetime(anomalies.flags["date"]).dt.strftime("%Y-%m-%d"))
    lead = []
    for e in live.day_effects.itertuples():
        ratio = no_show_ratio(e)
        missed = live.no_shows[
            (live.no_shows["date"] == e.date) & (live.no_shows["kind"] == e.kind)
        ]
        sessions = style.pick("、", ", ").join(str(s) for s in missed["session_id"])
        if e.date in flagged:
            key = "ops_days_flagged"
        elif math.isfinite(ratio) and ratio >= HELD:
            key = "ops_days_held"  # no shortfall to explain: said so, never claimed
        else:
            key = "ops_days_not_flagged"
        lead.append(
            t(
                key,
                lang,
                date=e.date,
                kind=t(f"ops_kind_{e.kind}", lang),
                hosts=e.hosts,
                sessions=sessions,
                gmv=style.money(e.gmv),
                typical=style.money(e.typical),
                ratio=pct(ratio, 0),
            )
        )
    return _render(style, lead, [], [t("ops_days_note", lang)])

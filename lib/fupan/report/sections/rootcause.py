"""归因: segment effects on daily GMV and Adtributor's causes of the anomalous day and the gap."""

from __future__ import annotations

from typing import Any

from ...analysis.results import DayCause, GapCause, RootCause, SegmentEffects, Skip
from ...analysis.rootcause import MIN_TOTAL_CHANGE
from ...analysis.wording import cause_sentences
from ...format import Style
from ...i18n import kpi_name, t
from ..html import Html, fragment


def _cause(cause: DayCause | GapCause, style: Style) -> dict[str, Any]:
    lang = style.lang
    sentences = cause_sentences(cause, style)
    change = cause.total_change if isinstance(cause, DayCause) else None
    mix_shift = (
        change if not sentences and change is not None and abs(change) < MIN_TOTAL_CHANGE else None
    )
    title = (
        t("rc_day_title", lang, date=cause.date)
        if isinstance(cause, DayCause)
        else t("rc_gap_title", lang)
    )
    return {"title": title, "sentences": sentences, "mix_shift": mix_shift}


def root_cause(segments: SegmentEffects | Skip, causes: RootCause, style: Style) -> Html:
    """Segment effects on daily GMV, and Adtributor's top causes for the anomalous day and the gap."""
    lang = style.lang
    rows = []
    if isinstance(segments, SegmentEffects):
        rows = [
            [
                t(f"dim_{d}", lang),
                *[
                    # a dimension without visitors has no conversion effect: not measured, not 0
                    "—" if k == "cr" and d != "channel" and v == 0 else style.money_col(v)
                    for k, v in row[["traffic", "mix", "cr", "aov"]].items()
                ],
            ]
            for d, row in segments.table.iterrows()
        ]
    found = [_cause(c, style) for c in (causes.day, causes.gap) if c is not None]
    return fragment(
        "root_cause",
        style,
        segments=rows,
        causes=found,
        cr_name=kpi_name("cr", lang),
        aov_name=kpi_name("aov", lang),
        unit=style.money_unit(),
    )

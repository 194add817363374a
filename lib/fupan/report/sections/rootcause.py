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
    basis = None
    if isinstance(cause, GapCause):
        basis = t("rc_gap_basis_plan" if cause.channels_by_plan else "rc_gap_basis_mix", lang)
    return {"title": title, "sentences": sentences, "mix_shift": mix_shift, "basis": basis}


def _digits(values: Any, style: Style) -> int:
    """Decimals for the table's money column unit (万 / K) such that its largest amount shows two
    significant digits: a shop of $3k a day showed its +$765 as 0 (0.1 万 rounds the rest away)."""
    import numpy as np

    finite = np.abs(values[np.isfinite(values)])
    if style.money_index is not None or not finite.size or finite.max() == 0:
        return 1
    top = finite.max() / (1e4 if style.zh else 1e3)
    return int(min(4, max(1, 1 - np.floor(np.log10(top)))))


def root_cause(segments: SegmentEffects | Skip, causes: RootCause, style: Style) -> Html:
    """Segment effects on daily GMV, and Adtributor's top causes for the anomalous day and the gap."""
    lang = style.lang
    rows = []
    if isinstance(segments, SegmentEffects):
        cols = ["traffic", "mix", "cr", "aov"]
        digits = _digits(segments.table[cols].to_numpy(dtype=float), style)
        rows = [
            [
                t(f"dim_{d}", lang),
                *[
                    # a dimension without visitors has no conversion effect: not measured, not 0
                    "—" if k == "cr" and d != "channel" and v == 0 else style.money_col(v, digits)
                    for k, v in row[cols].items()
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

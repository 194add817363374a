"""The report's sections, for the report template: one function per section.

Each takes its result (or the :class:`~fupan.analysis.results.Skip` saying why there is none, or
``None`` when the question was not asked) and the report's :class:`~fupan.format.Style`, and
returns an :class:`~fupan.report.html.Html` fragment or a :data:`~fupan.report.html.Section` of
fragments and figures to ``display(*…)`` — drawing the note itself when there are no numbers.
Fragments are Jinja2 templates with autoescape (:mod:`fupan.report.html`): operator text and
data values are escaped, so a pasted ``<script>`` renders as text. The sections live in
:mod:`fupan.report.sections`, by part of the report.
"""

from __future__ import annotations

from .html import Html, Section, environment, fragment, note
from .sections.anomalies import day_anomalies
from .sections.card import (
    background,
    definitions,
    lessons,
    share_safe_notice,
    strategy,
    war_report_notice,
    warnings,
)
from .sections.customers import audiences, customer_value, new_customer_quality, rfm, rfm_table
from .sections.execution import (
    ab_test,
    alerts,
    funnel,
    funnel_channels,
    inventory,
    peak_hours,
    spend,
    stockouts,
)
from .sections.impact import controls, lift, lift_section, ltv_cac, margin_roi, year_on_year
from .sections.kpis import (
    CARD_KPIS,
    WINDOW_KPIS,
    daily_gmv,
    decomposition,
    decomposition_table,
    findings,
    hypotheses_table,
    kpi_cards,
    targets_table,
    window_table,
)
from .sections.library import benchmark_part, carried_closed, carried_over
from .sections.minutes import display_minutes
from .sections.notes import skipped_note
from .sections.roles import roles
from .sections.rootcause import root_cause
from .sections.summary import lessons_and_actions, summary

__all__ = [
    "CARD_KPIS",
    "WINDOW_KPIS",
    "Html",
    "Section",
    "ab_test",
    "alerts",
    "audiences",
    "background",
    "benchmark_part",
    "carried_closed",
    "carried_over",
    "controls",
    "customer_value",
    "daily_gmv",
    "day_anomalies",
    "decomposition",
    "decomposition_table",
    "definitions",
    "environment",
    "findings",
    "fragment",
    "funnel",
    "funnel_channels",
    "hypotheses_table",
    "inventory",
    "peak_hours",
    "kpi_cards",
    "lessons",
    "lessons_and_actions",
    "lift",
    "lift_section",
    "ltv_cac",
    "margin_roi",
    "new_customer_quality",
    "note",
    "rfm",
    "rfm_table",
    "roles",
    "root_cause",
    "share_safe_notice",
    "war_report_notice",
    "display_minutes",
    "skipped_note",
    "spend",
    "stockouts",
    "strategy",
    "summary",
    "targets_table",
    "warnings",
    "window_table",
    "year_on_year",
]

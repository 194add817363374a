"""What the report shows from the case library: the previous case's open actions (背景), which of
them this campaign closed (复盘), and the benchmark against the archived cases (结果). Each takes
its result or the :class:`~fupan.analysis.results.Skip` saying why there is none."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ...analysis.results import Skip
from ...cases.carried import Carried
from ...dictionary import KPI_DEFINITIONS
from ...format import Style, pct
from ...i18n import kpi_name, t
from ..html import Html, fragment, note
from .benchmark import render_benchmark


def _href(path: Path | None, report_dir: str) -> str | None:
    if path is None or not report_dir:
        return None
    return Path(os.path.relpath(Path(path).resolve(), Path(report_dir).resolve())).as_posix()


def _measure(a: Any, style: Style) -> str:
    """``KPI → target`` in the KPI's own unit (a share as a percentage), or — when none is named."""
    if not a.metric:
        return "—"
    unit = KPI_DEFINITIONS[a.metric].unit
    if a.target is None:
        target = ""
    elif unit == "ratio":  # a target share as the team writes it: 40%, 12.5%
        target = f" → {pct(a.target, 0 if round(a.target * 100) == a.target * 100 else 1)}"
    else:
        target = f" → {style.value(a.target, unit)}"
    return f"{kpi_name(a.metric, style.lang)}{target}"


def carried_over(result: Carried | Skip, style: Style, report_dir: str = "") -> Html:
    """背景: the open actions of this shop's previous case in the library (or why there are none)."""
    if isinstance(result, Skip):
        return note(result.text(style.lang))
    rows = [
        [a.id or "—", a.what, a.owner or "—", a.due or "—", _measure(a, style)]
        for a in result.actions
    ]
    prefix = result.previous_id.split("-", 1)[0] if result.matched_by == "id_prefix" else ""
    href = None if style.share_safe else _href(result.report, report_dir)
    return fragment("carried_actions", style, c=result, rows=rows, prefix=prefix, href=href)


def carried_closed(result: Carried | Skip, style: Style) -> Html:
    """复盘: which of the previous case's open actions this card closed (``closes``), which remain."""
    if isinstance(result, Skip):
        return note(result.text(style.lang))
    rows = [
        [
            a.id or "—",
            a.what,
            Markup('<span class="fp-status fp-{}">{}</span>').format(
                "met" if a.closed else "missed",
                t(
                    "carried_closed" if a.closed else "carried_open" if a.id else "carried_no_id",
                    style.lang,
                ),
            ),
        ]
        for a in result.actions
    ]
    return fragment("carried_status", style, c=result, rows=rows)


def benchmark_part(result: Any, style: Style, report_dir: str = "") -> Html:
    """结果: the benchmark against the archived cases (:func:`fupan.cases.compare.benchmark`), or
    the note saying why there is none; links to the cases' reports are relative to ``report_dir``."""
    if style.share_safe:
        return note(t("benchmark_share_safe", style.lang))
    if isinstance(result, Skip):
        return note(result.text(style.lang))
    return Html(render_benchmark(result, style.lang, link_from=report_dir or ".", heading=False))

"""The ops charts (issue 13): 时间进度 vs 完成进度 against the plan, the SKU Pareto curve and the
shipping backlog by paid day.

Results in, matplotlib Figures out, drawn with the report's shared chart parts
(:mod:`fupan.report.chartbase`: the CJK font context and figure finishing) and labelled from the
i18n catalogue in the report's :class:`~fupan.format.Style`. Each ``*_figures`` function returns a
tuple — empty when the analysis was skipped (the section already says why) — so a template cell
can ``display(section, *figures)``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from ..analysis.results.ops import PacingResult, ProductsResult, ServiceResult
from ..format import Style, pct
from ..i18n import t
from .chartbase import _finish, _style

__all__ = [
    "pacing_figures",
    "pacing_progress",
    "products_figures",
    "service_figures",
    "shipping_days",
    "sku_pareto",
]

TIME_COLOUR = "#7f8c8d"
DONE_COLOUR = "#c0392b"
HERO_COLOUR = "#e67e22"


def pacing_progress(report: pd.DataFrame, style: Style) -> Figure:
    """完成进度 by day against 计划进度 and 时间进度: the cumulative actual over the whole plan,
    where the plan itself expected to be, and the days elapsed.

    ``report`` is the war report (:func:`fupan.metrics.pacing.war_report`): indexed by day with
    ``achievement``, ``plan_progress`` and ``time_progress``. The area between the achievement and
    the planned progress is shaded red where behind the plan and green where ahead: a promotion's
    plan is back-loaded, so against the calendar alone every pre-heat day would read as behind.
    """
    days = pd.to_datetime(pd.Index(report.index))
    done = report["achievement"].astype(float).to_numpy()
    time = report["time_progress"].astype(float).to_numpy()
    planned = report["plan_progress"].astype(float).to_numpy()
    lang = style.lang
    with _style():
        fig, ax = plt.subplots(figsize=(10, 4.2))
        ax.plot(days, time, ls=":", color=TIME_COLOUR, lw=1.4, label=t("ops_time_progress", lang))
        ax.plot(days, planned, ls="--", color="#34495e", lw=1.8, label=t("ops_plan_progress", lang))
        ax.plot(
            days,
            done,
            color=DONE_COLOUR,
            lw=2.4,
            marker="o",
            ms=3.5,
            label=t("ops_achievement", lang),
        )
        behind, ahead = done < planned, done >= planned
        ax.fill_between(
            days,
            done,
            planned,
            where=behind,
            interpolate=True,
            color=DONE_COLOUR,
            alpha=0.12,
            lw=0,
            label=t("ops_chart_behind", lang) if behind.any() else None,
        )
        ax.fill_between(
            days,
            done,
            planned,
            where=ahead,
            interpolate=True,
            color="#27ae60",
            alpha=0.12,
            lw=0,
            label=t("ops_chart_ahead", lang) if ahead.any() else None,
        )
        ax.axhline(1.0, color="#555", lw=0.8)
        ax.annotate(
            t("ops_chart_final", lang, done=pct(done[-1], 0)),
            (days[-1], done[-1]),
            xytext=(-10, -22 if done[-1] < 1 else 10),
            bbox={"fc": "white", "ec": "none", "alpha": 0.85, "pad": 1},
            textcoords="offset points",
            ha="right",
            fontsize=10,
            color=DONE_COLOUR,
        )
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylim(0, max(1.05, float(max(done.max(), time.max())) * 1.08))
        ax.set_ylabel(t("ops_chart_progress_y", lang))
        ax.legend(loc="upper left", fontsize=9, frameon=False)
        fig.autofmt_xdate()
        ax.set_title(t("ops_chart_progress", lang))
    return _finish(fig)


def pacing_figures(result: object, style: Style) -> tuple[Figure, ...]:
    """The pacing chart of a :class:`PacingResult`; none when pacing was skipped."""
    if not isinstance(result, PacingResult) or result.report.empty:
        return ()
    return (pacing_progress(result.report, style),)


def sku_pareto(
    pareto: pd.DataFrame, heroes: pd.DataFrame, skus: pd.DataFrame, style: Style
) -> Figure:
    """Cumulative GMV share by SKU rank (best first), the hero SKUs marked and named.

    ``pareto`` is :func:`fupan.metrics.products.pareto` (``sku``, ``sku_share``, ``cum_share``),
    ``heroes`` the hero SKUs (``sku``), ``skus`` the SKU table (``sku`` and, when the products
    table names them, ``name``).
    """
    lang = style.lang
    n = len(pareto)
    x = pareto["sku_share"].astype(float).to_numpy()
    y = pareto["cum_share"].astype(float).to_numpy()
    names = skus.set_index("sku")["name"] if "name" in skus else pd.Series(dtype=object)
    with _style():
        fig, ax = plt.subplots(figsize=(10, 4.4))
        ax.plot([0, *x], [0, *y], color="#2c3e50", lw=2, label=t("ops_chart_pareto_curve", lang))
        ax.plot([0, 1], [0, 1], color="#bbb", lw=0.8, ls=":")
        at = pareto.reset_index(drop=True)
        rank = {sku: i for i, sku in enumerate(at["sku"])}
        # the highest on the curve named on the top row, so the leader lines do not cross
        hero_ids = sorted(
            (s for s in heroes.get("sku", pd.Series(dtype=object)) if s in rank),
            key=lambda s: -rank[s],
        )
        first = True
        for k, sku in enumerate(hero_ids):
            i = rank[sku]
            name = names.get(sku)
            label = str(name) if isinstance(name, str) and name else str(sku)
            ax.scatter(
                [x[i]],
                [y[i]],
                s=46,
                color=HERO_COLOUR,
                zorder=5,
                edgecolor="white",
                label=t("ops_chart_hero", lang) if first else None,
            )
            first = False
            ax.annotate(  # names stacked at the right of the knee, one row each
                f"{label}（#{i + 1}）" if lang == "zh" else f"{label} (#{i + 1})",
                (x[i], y[i]),
                xytext=(0.30, 0.36 - 0.09 * k),
                textcoords="axes fraction",
                fontsize=9,
                color="#8e4b10",
                va="center",
                arrowprops={"arrowstyle": "-", "color": "#c8a27a", "lw": 0.6},
            )
        top = max(1, round(0.2 * n))
        ax.axvline(top / n, color="#999", lw=0.8, ls="--")
        ax.annotate(
            t("ops_chart_top", lang, k=top, share=pct(y[top - 1], 0)),
            (top / n, 0.04),
            xytext=(6, 0),
            textcoords="offset points",
            fontsize=9,
            color="#555",
        )
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.03)
        ax.set_xlabel(t("ops_chart_pareto_x", lang))
        ax.set_ylabel(t("ops_chart_pareto_y", lang))
        ax.legend(loc="lower right", fontsize=9, frameon=False)
        ax.set_title(t("ops_chart_pareto", lang))
    return _finish(fig)


def products_figures(result: object, style: Style) -> tuple[Figure, ...]:
    """The Pareto chart of a :class:`ProductsResult`; none when products were skipped."""
    if not isinstance(result, ProductsResult) or result.pareto.empty:
        return ()
    return (sku_pareto(result.pareto, result.heroes, result.skus, style),)


def shipping_days(daily: pd.DataFrame, worst: pd.Series | None, style: Style) -> Figure:
    """Orders paid per day (bars, right axis) and the share of them shipped within 24 and 48
    hours (lines, left axis), over the campaign's paid days; the worst day marked.

    ``daily`` is :attr:`ServiceResult.daily` (date, orders, due_24, shipped_24, due_48,
    shipped_48); a day whose hours had not passed when the data end has no rate (a gap).
    """
    lang = style.lang
    days = pd.to_datetime(daily["date"])
    r24 = daily["shipped_24"].astype(float) / daily["due_24"].astype(float).where(
        daily["due_24"] > 0
    )
    r48 = daily["shipped_48"].astype(float) / daily["due_48"].astype(float).where(
        daily["due_48"] > 0
    )
    with _style():
        fig, ax = plt.subplots(figsize=(10, 4.2))
        bars = ax.twinx()
        bars.bar(days, daily["orders"], color="#d5dbdb", width=0.8, zorder=1)
        bars.set_ylabel(t("ops_chart_ship_orders", lang))
        ax.set_zorder(bars.get_zorder() + 1)
        ax.patch.set_visible(False)
        ax.plot(
            days,
            r48,
            color=DONE_COLOUR,
            lw=2.2,
            marker="o",
            ms=3.5,
            label=t("ops_service_ship_48", lang),
        )
        ax.plot(days, r24, color="#34495e", lw=1.4, ls="--", label=t("ops_service_ship_24", lang))
        if worst is not None:
            day = pd.Timestamp(worst["date"])
            ax.annotate(
                t(
                    "ops_chart_ship_worst",
                    lang,
                    date=f"{day:%m-%d}",
                    rate=pct(float(worst["ship_48"])),
                ),
                (day, float(worst["ship_48"])),
                xytext=(12, -26),
                textcoords="offset points",
                arrowprops={"arrowstyle": "-", "color": DONE_COLOUR, "lw": 0.8},
                fontsize=10,
                color=DONE_COLOUR,
                bbox={"fc": "white", "ec": "none", "alpha": 0.85, "pad": 1},
            )
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_ylim(0, 1.05)
        ax.set_ylabel(t("ops_chart_ship_y", lang))
        ax.legend(loc="center left", fontsize=9, frameon=False)  # above the bars, below 100 %
        fig.autofmt_xdate()
        ax.set_title(t("ops_chart_ship", lang))
    return _finish(fig)


def service_figures(result: object, style: Style) -> tuple[Figure, ...]:
    """The shipping chart of a :class:`ServiceResult`; none without ship times or paid days."""
    if not isinstance(result, ServiceResult) or result.daily is None or result.daily.empty:
        return ()
    return (shipping_days(result.daily, result.worst, style),)

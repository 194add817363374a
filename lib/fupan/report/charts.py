"""Charts: aggregate frames in, matplotlib Figure out, labelled in the report's :class:`~fupan.format.Style`.

No file I/O. Each figure is drawn inside an ``rc_context`` that selects the CJK font, so Chinese
labels never turn into boxes. One piece of global matplotlib state is set when this module is
imported: ``rcParams["text.language"]``, because text is shaped when a figure is displayed, after
the ``rc_context`` has exited (see below).
"""

from __future__ import annotations

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import LogLocator, MaxNLocator, StrMethodFormatter

from ..dictionary import FUNNEL_STEPS
from ..format import Style
from ..i18n import kpi_name, phase_name, step_label, t
from .chartbase import (
    PHASE_COLOURS,
    _finish,
    _money_axis,
    _money_label,
    _shade_phases,
    _style,
)

__all__ = ["PHASE_COLOURS"]


def daily_gmv(daily: pd.DataFrame, windows: pd.DataFrame, style: Style) -> Figure:
    """Stacked daily GMV by channel from baseline start to the last window, phases shaded."""
    table = daily.pivot_table(index="date", columns="channel", values="gmv", aggfunc="sum").fillna(
        0
    )
    table = table[table.sum().sort_values(ascending=False).index]
    with _style():
        fig, ax = plt.subplots(figsize=(11, 4.2))
        ax.xaxis_date()
        x = mdates.date2num(pd.DatetimeIndex(table.index))
        bottom = np.zeros(len(table))
        colours = sns.color_palette("tab10", len(table.columns))
        for colour, channel in zip(colours, table.columns, strict=True):
            # one collection of rectangles per channel: ax.bar adds a Patch per day, and the
            # ~500 patches of a campaign's 80 days × 6 channels took ~0.8 s of every report
            top = bottom + table[channel].to_numpy()
            bars = PolyCollection(
                [
                    [(x0 - 0.425, y0), (x0 + 0.425, y0), (x0 + 0.425, y1), (x0 - 0.425, y1)]
                    for x0, y0, y1 in zip(x, bottom, top, strict=True)
                ],
                facecolors=[colour],
                edgecolors="none",
                label=style.channel(channel),
                zorder=2,
            )
            bars.sticky_edges.y.append(0)  # as bars: no margin below zero
            ax.add_collection(bars)
            bottom = top
        _money_axis(ax, style)
        ax.set_ylabel(_money_label("gmv_axis", style))
        ax.legend(ncol=min(6, len(table.columns)), fontsize=9, loc="upper left", frameon=False)
        fig.autofmt_xdate()
        rows = _shade_phases(ax, windows, style)
        ax.set_title(t("daily_gmv", style.lang), pad=18 + 12 * (rows - 1))
    return _finish(fig)


def hourly_peaks(
    hourly: pd.DataFrame, peak_dates: list[pd.Timestamp], baseline: tuple, style: Style
) -> Figure:
    """GMV by hour of day on each peak date against the average baseline day."""
    with _style():
        fig, ax = plt.subplots(figsize=(11, 3.8))
        base = hourly[hourly.date.between(pd.Timestamp(baseline[0]), pd.Timestamp(baseline[1]))]
        n_days = (pd.Timestamp(baseline[1]) - pd.Timestamp(baseline[0])).days + 1
        per_hour = base.groupby("hour").gmv.sum().reindex(range(24), fill_value=0) / n_days
        ax.plot(
            per_hour.index,
            per_hour.values,
            color="#888",
            lw=2,
            ls="--",
            label=t("baseline_day", style.lang),
        )
        for day, colour in zip(
            peak_dates, sns.color_palette("rocket", len(peak_dates)), strict=True
        ):
            d = (
                hourly[hourly.date == pd.Timestamp(day)]
                .set_index("hour")
                .gmv.reindex(range(24), fill_value=0)
            )
            top = d.idxmax()
            # the peak is named in the legend (not beside the point), so peaks in one hour never overlap
            ax.plot(
                d.index,
                d.values,
                marker="o",
                ms=3,
                lw=2,
                color=colour,
                label=t(
                    "chart_peak",
                    style.lang,
                    day=f"{pd.Timestamp(day):%m-%d}",
                    hour=top,
                    amount=style.money(d.max()),
                ),
            )
            ax.plot([top], [d.max()], marker="o", ms=8, mfc="none", mec=colour, mew=1.5)
        ax.set_yscale("symlog", linthresh=max(per_hour.max(), 1))
        _money_axis(ax, style)
        # linear up to the baseline day's top hour, logarithmic above it: the axis says so
        ax.set_ylabel(t("chart_hourly_y", style.lang))
        ax.set_xticks(range(0, 24, 2))
        ax.set_xlabel(t("hour", style.lang))
        ax.set_title(t("hourly", style.lang))
        ax.legend(frameon=False)
    return _finish(fig)


def funnel(steps: pd.DataFrame, style: Style) -> Figure:
    """Horizontal funnel of distinct users per step with step conversion and drop-off labels."""
    s = steps.set_index("step").users.reindex(list(FUNNEL_STEPS)).dropna()
    with _style():
        fig, ax = plt.subplots(figsize=(9, 3.6))
        labels = [step_label(x, style.lang) for x in s.index]
        ax.barh(labels[::-1], s.values[::-1], color=sns.color_palette("Blues_r", len(s))[::-1])
        for i, users in enumerate(s.to_numpy()):
            y = len(s) - 1 - i
            prev = s.iloc[i - 1] if i else None
            rate = f"  {users:,.0f}" + (f"  ({users / prev:.1%})" if prev else "")
            ax.text(users, y, rate, va="center", fontsize=10)
        ax.set_xlim(0, s.max() * 1.35)
        ax.xaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))  # 100,000, as the labels
        ax.set_xlabel(t("users", style.lang))
        ax.set_title(t("funnel", style.lang))
        ax.grid(axis="y", visible=False)
    return _finish(fig)


def stockout_days(stock: pd.DataFrame, style: Style, top: int = 12) -> Figure:
    """Bar chart of the SKUs with the most stock-out days in a window."""
    s = stock[stock.stockout_days > 0].sort_values("stockout_days", ascending=False).head(top)
    with _style():
        fig, ax = plt.subplots(figsize=(9, max(2.2, 0.45 * len(s) + 1)))
        ax.barh(s.sku[::-1], s.stockout_days[::-1], color="#c0392b")
        for y, (days, first) in enumerate(
            zip(s.stockout_days[::-1], s.first_stockout[::-1], strict=True)
        ):
            ax.text(days, y, f"  {days}d  ({pd.Timestamp(first):%m-%d}~)", va="center", fontsize=9)
        ax.set_xlim(0, max(1, s.stockout_days.max()) * 1.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(t("stockouts", style.lang))
        ax.grid(axis="y", visible=False)
    return _finish(fig)


def spend_pacing(spend: pd.DataFrame, budget: dict[str, float], start, end, style: Style) -> Figure:
    """Cumulative spend per channel through the campaign against each channel's budget; a channel
    with a budget and no spend in the campaign is drawn at 0 beside its budget line (it was left
    out, so the chart hid the budget nobody spent)."""
    s = spend[spend.date.between(pd.Timestamp(start), pd.Timestamp(end))]
    cum = (
        s.pivot_table(index="date", columns="channel", values="spend", aggfunc="sum")
        .fillna(0)
        .cumsum()
    )
    idle = [c for c, b in budget.items() if b > 0 and c not in cum.columns]
    if idle and len(cum):
        cum = cum.reindex(columns=[*cum.columns, *idle], fill_value=0.0)
    with _style():
        fig, ax = plt.subplots(figsize=(11, 3.8))
        for colour, channel in zip(
            sns.color_palette("tab10", len(cum.columns)), cum.columns, strict=True
        ):
            ax.plot(cum.index, cum[channel], color=colour, lw=2, label=style.channel(channel))
            if channel in budget:
                ax.axhline(budget[channel], color=colour, ls=":", lw=1.2)
                ax.text(
                    cum.index[0],
                    budget[channel],
                    f"{t('budget_line', style.lang)} {style.channel(channel)}",
                    color=colour,
                    fontsize=8,
                    va="bottom",
                )
        _money_axis(ax, style)
        ax.set_ylabel(_money_label("spend_axis", style))
        ax.set_title(t("pacing", style.lang))
        ax.legend(frameon=False, ncol=3, fontsize=9)
        fig.autofmt_xdate()
    return _finish(fig)


def channel_roas(channels: pd.DataFrame, style: Style) -> Figure:
    """ROAS (GMV/spend) per paid channel whose GMV is known (not a channel the orders do not
    name), labelled with GMV and spend."""
    c = channels[(channels.spend > 0) & channels.roas.notna()].sort_values("roas")
    with _style():
        fig, ax = plt.subplots(figsize=(9, max(2.4, 0.5 * len(c) + 1)))
        ax.barh(
            [style.channel(k) for k in c.index], c.roas, color=sns.color_palette("crest", len(c))
        )
        for y, row in enumerate(c.itertuples()):
            ax.text(
                row.roas,
                y,
                f"  {row.roas:.2f}  (GMV {style.money(row.gmv)} / {style.money(row.spend)})",
                va="center",
                fontsize=9,
            )
        ax.set_xlim(0, max(c.roas.max() * 1.6, 0.1) if len(c) else 1)
        ax.set_title(t("roas", style.lang))
        ax.grid(axis="y", visible=False)
    return _finish(fig)


def waterfall(start_value: float, parts: pd.Series, end_value: float, style: Style) -> Figure:
    """Waterfall from baseline daily GMV through each driver's effect to campaign daily GMV."""
    labels = (
        [t("baseline_day", style.lang)]
        + [kpi_name(k, style.lang) for k in parts.index]
        + [phase_name("campaign", style.lang)]
    )
    with _style():
        fig, ax = plt.subplots(figsize=(9, 4))
        ax.bar(0, start_value, color="#7f8c8d")
        level = start_value
        for i, v in enumerate(parts.values, start=1):
            ax.bar(
                i,
                v,
                bottom=level if v >= 0 else level + v,
                color="#27ae60" if v >= 0 else "#c0392b",
            )
            ax.text(
                i,
                level + max(v, 0),
                f"{'+' if v >= 0 else '−'}{style.money(abs(v))}",
                ha="center",
                va="bottom",
                fontsize=10,
            )
            level += v
        ax.bar(len(parts) + 1, end_value, color="#2c3e50")
        for x, v in ((0, start_value), (len(parts) + 1, end_value)):
            ax.text(x, v, style.money(v), ha="center", va="bottom", fontsize=10)
        ax.set_xticks(range(len(labels)), labels)
        _money_axis(ax, style)
        ax.set_title(t("waterfall", style.lang))
        ax.grid(axis="x", visible=False)
    return _finish(fig)


def cohort_heatmap(
    matrix: pd.DataFrame, style: Style, last: int = 12, partial: bool = False
) -> Figure:
    """Monthly cohort retention (share of the cohort active n months after its first purchase):
    the last ``last + 1`` cohorts and months 0 … ``last`` — the whole triangle (with ``last``
    rows the one cohort observed for ``last`` months was cut and its column drawn empty).
    ``partial``: the data's last month is incomplete — its cells (one per cohort, the triangle's
    edge) are hatched, as their retention reads low."""
    m = matrix.tail(last + 1)
    m = m.loc[:, [c for c in m.columns if c <= last]]
    with _style():
        fig, ax = plt.subplots(figsize=(11, 0.42 * len(m) + 1.6))
        shown = m.astype(float) * 100
        shown.index = shown.index.astype(str)  # seaborn reads a PeriodIndex by a deprecated path
        sns.heatmap(
            shown,
            annot=True,
            fmt=".0f",
            cmap="YlGnBu",
            vmin=0,
            vmax=40,
            ax=ax,
            cbar_kws={"label": "%"},
            annot_kws={"fontsize": 8},
            linewidths=0.5,
        )
        if partial and len(m):
            final = matrix.index.max()  # the data's last month: each cohort's cell of it
            for i, cohort in enumerate(m.index):
                j = (final - cohort).n
                if j in m.columns and pd.notna(m.loc[cohort, j]):
                    ax.add_patch(
                        Rectangle(
                            (list(m.columns).index(j), i),
                            1,
                            1,
                            fill=False,
                            hatch="///",
                            edgecolor="#7f8c8d",
                            lw=0,
                        )
                    )
        ax.set_xlabel(t("chart_cohort_x", style.lang))
        ax.set_ylabel(t("chart_cohort_y", style.lang))
        ax.set_title(t("chart_cohort_title", style.lang))
        ax.grid(False)
    return _finish(fig)


def rfm_segments(table: pd.DataFrame, style: Style) -> Figure:
    """Customers per RFM segment (the 8 segments of METHODS.md §3.1)."""
    with _style():
        fig, ax = plt.subplots(figsize=(9, 3.8))
        ax.barh(
            [style.segment(s) for s in table.index][::-1],
            table.customers[::-1],
            color=sns.color_palette("mako", len(table)),
        )
        for y, (n, share) in enumerate(zip(table.customers[::-1], table.share[::-1], strict=True)):
            ax.text(n, y, f"  {n:,} ({share:.0%})", va="center", fontsize=9)
        ax.set_xlim(0, table.customers.max() * 1.3)
        ax.set_title(t("chart_rfm_title", style.lang))
        ax.grid(axis="y", visible=False)
    return _finish(fig)


def counterfactual(daily: pd.DataFrame, windows: pd.DataFrame, style: Style) -> Figure:
    """Actual daily GMV against the counterfactual baseline Ŷ and its 95% band, phases shaded."""
    start = pd.Timestamp(windows[windows.phase == "baseline"].start_date.iloc[0])
    d = daily[daily.index >= start]
    with _style():
        fig, ax = plt.subplots(figsize=(11, 4))
        ax.fill_between(
            d.index,
            d.lower,
            d.upper,
            color="#95a5a6",
            alpha=0.35,
            lw=0,
            label=t("chart_cf_band", style.lang),
        )
        ax.plot(
            d.index,
            d.expected,
            color="#7f8c8d",
            ls="--",
            lw=1.8,
            label=t("chart_cf_expected", style.lang),
        )
        ax.plot(d.index, d.actual, color="#c0392b", lw=1.8, label=t("chart_cf_actual", style.lang))
        ax.set_yscale("log")
        ax.yaxis.set_minor_locator(LogLocator(subs=(2.0, 5.0)))
        _money_axis(ax, style)
        ax.legend(frameon=False, fontsize=9, loc="upper left")
        fig.autofmt_xdate()
        rows = _shade_phases(ax, windows, style)
        ax.set_title(t("chart_cf_title", style.lang), pad=18 + 12 * (rows - 1))
    return _finish(fig)

"""The charts' shared parts: the CJK font context, money axes (share-safe index ticks), phase
shading and figure finishing, for :mod:`fupan.report.charts`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import (
    Formatter,
    LogLocator,
    MaxNLocator,
    NullLocator,
    SymmetricalLogLocator,
)

from .. import fonts
from ..format import Style
from ..i18n import phase_name, t

PHASE_COLOURS = {
    "baseline": "#eeeeee",
    "preheat": "#fff3cd",
    "burst": "#f8d7da",
    "post": "#d1ecf1",
    "dip": "#e2e3e5",
}


# Text is shaped when a figure is drawn — after _style() has exited, when Jupyter displays it — and
# matplotlib 3.11 then shapes for the *locale's* language unless text.language is set: under
# zh_CN the PNG bytes would change. Fixed for the process, so charts never depend on the locale.
plt.rcParams["text.language"] = "zh-Hans"


@contextmanager
def _style() -> Iterator[None]:
    family = fonts.register_matplotlib()
    # The family list is stored in each Text at creation; a generic "sans-serif" would be resolved
    # at draw time, after this context has exited, and fall back to a font without CJK glyphs.
    # text.language fixed so that the shaping (Simplified Chinese forms) never follows the locale.
    rc = {
        "font.family": [family, "DejaVu Sans"],
        "text.language": "zh-Hans",
        # money in dollars ("GMV $23.9K / $2.0K"): two $ in a label were read as mathtext and
        # the text between them typeset as a formula; no chart writes a formula
        "text.parse_math": False,
        "axes.unicode_minus": False,
        "figure.dpi": 110,
        "savefig.dpi": 110,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titleweight": "normal",
        "axes.titlesize": 14,
        "axes.grid": True,
        "grid.alpha": 0.3,
    }
    with plt.rc_context(rc):  # type: ignore[arg-type]
        yield


def _index_locator(base: float, target):
    """Round ticks on the index scale of a share-safe report (100 = baseline daily GMV): the
    axis's own kind of locator, run on index values and mapped back to amounts."""
    k, scale = 100.0 / base, target.get_scale()
    parent = {"log": LogLocator, "symlog": SymmetricalLogLocator}.get(scale, MaxNLocator)

    class _IndexLocator(parent):  # type: ignore[valid-type,misc]
        def tick_values(self, vmin, vmax):
            return np.asarray(super().tick_values(vmin * k, vmax * k)) / k

        def __call__(self):
            return self.tick_values(*self.axis.get_view_interval())

    if scale == "symlog":
        tr = target.get_transform()
        return _IndexLocator(linthresh=tr.linthresh * k, base=tr.base)
    return (
        _IndexLocator() if scale == "log" else _IndexLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10])
    )


def _money_label(key: str, style: Style) -> str:
    """The money axis title; in a share-safe report the unit is the index, not the currency."""
    unit = t("chart_index_unit", style.lang) if style.share_safe else style.currency_name()
    return t(key, style.lang, cur=unit)


class MoneyFormatter(Formatter):
    """Money tick labels that read apart: ``labels(values)`` labels all ticks at once (matplotlib
    asks for them together, :meth:`format_ticks`), e.g. :meth:`fupan.format.Style.money_ticks`."""

    def __init__(self, labels: Callable[[list[float]], list[str]]) -> None:
        self.labels = labels

    def __call__(self, x: float, pos: int | None = None) -> str:
        return self.labels([x])[0]

    def format_ticks(self, values) -> list[str]:
        return self.labels([float(v) for v in values])


def _money_axis(ax, style: Style, axis: str = "y") -> None:
    fmt = MoneyFormatter(style.money_ticks)
    target = ax.yaxis if axis == "y" else ax.xaxis
    base = style.money_index
    if base is not None:
        target.set_major_locator(_index_locator(base, target))
        if target.get_scale() != "linear":
            target.set_minor_locator(NullLocator())
    target.set_major_formatter(fmt)
    target.set_minor_formatter(fmt)  # log scales label minor ticks too (else "6 × 10⁴")


def _finish(fig: Figure) -> Figure:
    fig.tight_layout()
    plt.close(fig)  # the caller displays it; never leave figures open in pyplot's registry
    return fig


def _shade_phases(ax, windows: pd.DataFrame, style: Style) -> int:
    """Shade each phase and name it above the plot; a name that would overlap the one before it
    (short adjacent windows, e.g. 返场期 then 回落期) goes up a row. Returns the number of rows."""
    labels = []
    for w in windows[windows.phase != "campaign"].itertuples():
        ax.axvspan(
            pd.Timestamp(w.start_date) - pd.Timedelta(hours=12),
            pd.Timestamp(w.end_date) + pd.Timedelta(hours=12),
            color=PHASE_COLOURS.get(w.phase, "#f5f5f5"),
            zorder=0,
            lw=0,
        )
        labels.append(
            ax.annotate(
                phase_name(w.phase, style.lang),
                (ax.convert_xunits(pd.Timestamp(w.start_date)), 1.0),
                xycoords=ax.get_xaxis_transform(),
                xytext=(0, 1),
                textcoords="offset points",
                va="bottom",
                ha="left",
                fontsize=9,
                color="#555",
            )
        )
    renderer = ax.figure.canvas.get_renderer()
    placed: list[tuple[int, object]] = []
    for label in labels:
        row = 0
        while any(
            r == row and label.get_window_extent(renderer).overlaps(box) for r, box in placed
        ):
            row += 1
            label.set_position((0, 1 + 12 * row))
        placed.append((row, label.get_window_extent(renderer).expanded(1.05, 1.0)))
    return 1 + max((r for r, _ in placed), default=0)

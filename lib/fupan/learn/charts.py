"""Small charts of the worked examples: each returns its figure *and* the data it draws.

nbval does not compare images, so the tests check a chart through the data beside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd

from .. import fonts


@contextmanager
def cjk_font() -> Iterator[None]:
    """Matplotlib with the project's CJK face (Chinese labels render on any machine)."""
    import matplotlib.pyplot as plt

    family = fonts.register_matplotlib()
    rc: dict[str, Any] = {
        "font.family": [family, "DejaVu Sans"],
        "text.parse_math": False,  # two $ in a label (CDNOW is in dollars) are text, not a formula
        "axes.unicode_minus": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.grid": True,
        "grid.alpha": 0.3,
    }
    with plt.rc_context(rc):  # type: ignore[arg-type]
        yield


def lines(frame: pd.DataFrame, title: str, ylabel: str = "") -> tuple[Any, pd.DataFrame]:
    """One line per column of ``frame`` (index on x); returns (figure, the frame drawn)."""
    import matplotlib.pyplot as plt

    with cjk_font():
        fig, ax = plt.subplots(figsize=(9, 3.2))
        for col in frame.columns:
            ax.plot(frame.index, frame[col], label=str(col))
        ax.set_title(title, fontsize=11)
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=8)
        ax.tick_params(axis="x", labelrotation=30, labelsize=8)
        fig.tight_layout()
    plt.close(fig)
    return fig, frame


def bars(series: pd.Series, title: str) -> tuple[Any, pd.Series]:
    """Horizontal bars of ``series``; returns (figure, the series drawn)."""
    import matplotlib.pyplot as plt

    with cjk_font():
        fig, ax = plt.subplots(figsize=(7, 0.4 * len(series) + 1.2))
        ax.barh(
            [str(i) for i in series.index][::-1], list(series.to_numpy())[::-1], color="#2e6da4"
        )
        ax.set_title(title, fontsize=11)
        fig.tight_layout()
    plt.close(fig)
    return fig, series

"""An explorer for a retrospective: filter by phase, channel and date range; KPI cards and charts follow.

In JupyterLab it is an ipywidgets panel (a live kernel recomputes on every change). The same
output also carries a static HTML version: one precomputed view per phase (every channel), switched
by a few lines of inline script — no widget manager, nothing fetched from a CDN or any network.
A page rendered without a kernel (nbconvert, the knowledge-base site) shows the static version.

The numbers come from the extract's daily aggregate (``agg.daily``: date × channel, additive
columns only), so a filtered view sums days and channels; buyer counts are not additive across
days and are therefore not shown here.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..dictionary import KPI_DEFINITIONS, PHASE_LABELS

ALL = "all"
CARD_KEYS = ("gmv", "net_gmv", "orders", "aov", "refund_rate")


@dataclass(frozen=True)
class View:
    """One filtered view: the rows it sums, its KPI cards and the data of its two charts."""

    daily: pd.DataFrame  # date, gmv (summed over the chosen channels)
    by_channel: pd.Series  # channel → GMV
    cards: dict[str, float]


def phase_windows(windows: Any) -> dict[str, tuple[pd.Timestamp, pd.Timestamp]]:
    """Phase → (start, end) from a card's windows or a windows frame (index phase, start, end)."""
    out: dict[str, tuple[pd.Timestamp, pd.Timestamp]] = {}
    if isinstance(windows, pd.DataFrame):
        frame = windows.set_index("phase") if "phase" in windows.columns else windows
        start = "start" if "start" in frame.columns else "start_date"
        end = "end" if "end" in frame.columns else "end_date"
        for phase, row in frame.iterrows():
            out[str(phase)] = (pd.Timestamp(row[start]), pd.Timestamp(row[end]))
        return out
    for phase in PHASE_LABELS:
        w = getattr(windows, phase, None)
        if w is not None:
            out[phase] = (pd.Timestamp(w.start), pd.Timestamp(w.end))
    return out


def view(
    daily: pd.DataFrame,
    windows: dict[str, tuple[pd.Timestamp, pd.Timestamp]],
    phase: str = ALL,
    channels: tuple[str, ...] = (),
    dates: tuple[Any, Any] | None = None,
) -> View:
    """Sum ``daily`` (date × channel) over a phase, channels (empty = all) and a date range.

    Cards: GMV, 净GMV = GMV − refunds, orders, AOV = GMV / orders, refund rate = refunds / GMV
    (口径 of :mod:`fupan.dictionary`, per order). A card with nothing to divide by is NaN (shown —).
    """
    d = daily.assign(date=pd.to_datetime(daily["date"]))
    if phase != ALL:
        lo, hi = windows[phase]
        d = d[(d["date"] >= lo) & (d["date"] <= hi)]
    if channels:
        d = d[d["channel"].isin(channels)]
    if dates is not None:
        d = d[(d["date"] >= pd.Timestamp(dates[0])) & (d["date"] <= pd.Timestamp(dates[1]))]
    gmv, refunds, orders = (float(d[c].sum()) for c in ("gmv", "refunds", "orders"))
    nan = float("nan")
    cards = {
        "gmv": gmv,
        "net_gmv": gmv - refunds,
        "orders": orders,
        "aov": gmv / orders if orders else nan,
        "refund_rate": refunds / gmv if gmv else nan,
    }
    per_day = d.groupby("date", as_index=False)["gmv"].sum()
    by_channel = d.groupby("channel")["gmv"].sum().sort_values(ascending=False)
    return View(per_day, by_channel, cards)


def _fmt(key: str, value: float) -> str:
    if value != value:  # NaN: not measured
        return "—"
    unit = KPI_DEFINITIONS[key].unit
    if unit == "ratio":
        return f"{value:.1%}"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"


def cards_html(cards: dict[str, float]) -> str:
    """KPI cards, each labelled in Chinese and English from the metric dictionary."""
    items = []
    for key, value in cards.items():
        d = KPI_DEFINITIONS[key]
        items.append(
            '<div class="fp-x-card" style="display:inline-block;min-width:120px;margin:4px;'
            'padding:6px 10px;border:1px solid #ddd;border-radius:6px">'
            f'<div style="font-size:12px;color:#555">{html.escape(d.zh)} · {html.escape(d.en)}</div>'
            f'<div style="font-size:20px;font-weight:600">{_fmt(key, value)}</div></div>'
        )
    return '<div class="fp-x-cards">' + "".join(items) + "</div>"


def figure(v: View, title: str = "") -> Any:
    """Daily GMV and GMV by channel of one view, as a matplotlib figure."""
    import matplotlib.pyplot as plt

    from .charts import cjk_font

    with cjk_font():
        fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3), gridspec_kw={"width_ratios": [2, 1]})
        a.plot(v.daily["date"], v.daily["gmv"], color="#c0392b")
        a.set_title(f"{title} 每日GMV Daily GMV", fontsize=10)
        a.tick_params(axis="x", labelrotation=30, labelsize=7)
        a.tick_params(axis="y", labelsize=7)
        b.barh(list(v.by_channel.index)[::-1], list(v.by_channel.to_numpy())[::-1], color="#2e6da4")
        b.set_title("分渠道GMV GMV by channel", fontsize=10)
        b.tick_params(labelsize=7)
        fig.tight_layout()
    return fig


def _png(fig: Any) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=80)
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def phase_label(phase: str) -> str:
    zh, en = PHASE_LABELS.get(phase, ("全部", "All")) if phase != ALL else ("全部", "All")
    return f"{zh} {en}"


def static_html(daily: pd.DataFrame, windows: dict[str, tuple[pd.Timestamp, pd.Timestamp]]) -> str:
    """Precomputed views (every phase, all channels) switched by buttons and inline script."""
    # a stable id (same data, same page): nbval compares this output across runs
    uid = "fpx" + hashlib.sha256(daily.to_csv(index=False).encode()).hexdigest()[:10]
    phases = [ALL, *windows]
    buttons, panels = [], []
    for i, phase in enumerate(phases):
        v = view(daily, windows, phase)
        label = html.escape(phase_label(phase))
        buttons.append(
            f'<button type="button" class="fp-x-btn" data-view="{phase}" '
            f'aria-pressed="{"true" if i == 0 else "false"}" '
            f"onclick=\"var r=document.getElementById('{uid}');"
            f"r.querySelectorAll('.fp-x-view').forEach(function(e){{e.hidden=e.dataset.view!=='{phase}'}});"
            f"r.querySelectorAll('.fp-x-btn').forEach(function(e){{e.setAttribute('aria-pressed',e.dataset.view==='{phase}')}});\">"
            f"{label}</button>"
        )
        panels.append(
            f'<div class="fp-x-view" data-view="{phase}"{"" if i == 0 else " hidden"}>'
            f"{cards_html(v.cards)}"
            f'<img alt="{label}" style="max-width:100%" src="data:image/png;base64,{_png(figure(v, phase_label(phase)))}">'
            "</div>"
        )
    return (
        f'<div class="fp-explorer" id="{uid}"><div class="fp-x-note" style="color:#555;font-size:12px">'
        "静态版：按阶段切换预先计算的视图（渠道与日期筛选需在 JupyterLab 中运行）。"
        " Static version: precomputed views by phase (channel and date filters need JupyterLab).</div>"
        f'<div class="fp-x-buttons">{"".join(buttons)}</div>{"".join(panels)}</div>'
    )


class Explorer:
    """The interactive explorer: ``display(Explorer(r.agg.daily, r.card.windows))``."""

    def __init__(self, daily: pd.DataFrame, windows: Any):
        self.daily = daily
        self.windows = phase_windows(windows)
        self._widget: Any = None

    def widget(self) -> Any:
        import ipywidgets as w  # type: ignore[import-untyped]

        days = sorted(pd.to_datetime(self.daily["date"]).dt.date.unique())
        phase = w.Dropdown(
            options=[(phase_label(p), p) for p in [ALL, *self.windows]],
            description="阶段 Phase",
        )
        channels = w.SelectMultiple(
            options=sorted(self.daily["channel"].unique()), description="渠道 Channel", rows=4
        )
        dates = w.SelectionRangeSlider(
            options=days,
            index=(0, len(days) - 1),
            description="日期 Dates",
            layout={"width": "600px"},
        )
        # the chart is an Image widget holding PNG bytes: no display messages, so a notebook run
        # without a front end (nbval, papermill) records the same outputs as JupyterLab
        cards, chart = w.HTML(), w.Image(format="png")

        def update(_: Any = None) -> None:
            v = view(self.daily, self.windows, phase.value, tuple(channels.value), dates.value)
            cards.value = cards_html(v.cards)
            chart.value = base64.b64decode(_png(figure(v, phase_label(phase.value))))

        for control in (phase, channels, dates):
            control.observe(update, names="value")
        update()
        self._widget = w.VBox([w.HBox([phase, channels]), dates, cards, chart])
        return self._widget

    def _repr_mimebundle_(self, **_: Any) -> dict[str, Any]:
        bundle: dict[str, Any] = {
            "text/plain": "Explorer（静态版见 HTML / static version in HTML）",
            "text/html": static_html(self.daily, self.windows),
        }
        try:
            widget = self._widget or self.widget()
            bundle.update(widget._repr_mimebundle_() or {})
        except Exception:  # no ipywidgets or no kernel comm: the static version alone
            pass
        bundle["text/html"] = static_html(self.daily, self.windows)
        bundle["text/plain"] = "Explorer（静态版见 HTML / static version in HTML）"
        return bundle

"""An explorer for a retrospective: filter by phase, channel, customer segment (新客 new / 老客
returning) and date range; KPI cards and charts follow.

In JupyterLab it is an ipywidgets panel (a live kernel recomputes on every change). The same
output also carries a static HTML version: one precomputed view per phase (every channel), switched
by a few lines of inline script — no widget manager, nothing fetched from a CDN or any network.
A page rendered without a kernel (nbconvert, the knowledge-base site) shows the static version.

The numbers come from the extract's explorer aggregate (``agg.explorer``, ``explorer_daily.sql``:
date × channel × customer_type, additive columns only), so a filtered view sums days, channels and
segments; buyer counts are not additive across days and are therefore not shown here. A frame
without ``customer_type`` (``agg.daily``: date × channel) works too, without the segment filter.
Channels are shown by their display names (``names``: key → name; :meth:`Explorer.of` takes them
from the card), never by their raw keys.
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
#: segment → (中文, English); new = the order is the customer's first order ever
SEGMENTS = {
    ALL: ("全部客户", "All customers"),
    "new": ("新客", "New"),
    "returning": ("老客", "Returning"),
}
SEGMENT_COLUMN = "customer_type"
CARD_KEYS = ("gmv", "net_gmv", "orders", "aov", "refund_rate")


@dataclass(frozen=True)
class View:
    """One filtered view: the rows it sums, its KPI cards and the data of its two charts."""

    daily: pd.DataFrame  # date, gmv (summed over the chosen channels and segment)
    by_channel: pd.Series  # channel key → GMV
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
    segment: str = ALL,
) -> View:
    """Sum ``daily`` (date × channel [× customer_type]) over a phase, channels (empty = all), a
    customer segment (``all`` / ``new`` / ``returning``; needs a ``customer_type`` column) and a
    date range.

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
    if segment != ALL:
        if segment not in SEGMENTS:
            raise ValueError(f"未知的客户分组 unknown segment: {segment!r} (all / new / returning)")
        if SEGMENT_COLUMN not in d.columns:
            raise ValueError(
                "数据没有 customer_type 列，无法按新老客筛选 / "
                "the data has no customer_type column: no new/returning filter"
            )
        d = d[d[SEGMENT_COLUMN] == segment]
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


def has_segments(daily: pd.DataFrame) -> bool:
    """Whether ``daily`` can be filtered by customer segment (it has ``customer_type``)."""
    return SEGMENT_COLUMN in daily.columns


def channel_names(card: Any) -> dict[str, str]:
    """Channel key → display name from a card's channel taxonomy: "中文 English" (the Chinese name
    alone when the taxonomy has no English one)."""
    from ..ingest.card.channels import display_names

    out = {}
    for kind, key, zh, en in display_names(card):
        if kind == "channel":
            out[key] = f"{zh} {en}" if en and en not in (key, zh) else zh
    return out


def channel_label(key: str, names: dict[str, str] | None = None) -> str:
    """The display name of a channel key (the key itself only when no name is known)."""
    return (names or {}).get(key, key)


def segment_label(segment: str) -> str:
    zh, en = SEGMENTS[segment]
    return f"{zh} {en}"


def figure(v: View, title: str = "", names: dict[str, str] | None = None) -> Any:
    """Daily GMV and GMV by channel of one view, as a matplotlib figure; channels labelled by
    ``names`` (key → display name)."""
    import matplotlib.pyplot as plt

    from ..format import money_ticks
    from ..report.chartbase import MoneyFormatter
    from .charts import cjk_font

    # amounts in 万/亿 (120万, 1.5亿), never matplotlib's "1e6" offset above the axis
    amounts = MoneyFormatter(lambda values: money_ticks(values, "zh", symbol=""))
    with cjk_font():
        fig, (a, b) = plt.subplots(1, 2, figsize=(9, 3), gridspec_kw={"width_ratios": [2, 1]})
        a.yaxis.set_major_formatter(amounts)
        b.xaxis.set_major_formatter(amounts)
        a.plot(v.daily["date"], v.daily["gmv"], color="#c0392b")
        a.set_title(f"{title} 每日GMV Daily GMV", fontsize=10)
        a.tick_params(axis="x", labelrotation=30, labelsize=7)
        a.tick_params(axis="y", labelsize=7)
        labels = [channel_label(str(k), names) for k in v.by_channel.index]
        b.barh(labels[::-1], list(v.by_channel.to_numpy())[::-1], color="#2e6da4")
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


def static_note(segments: bool) -> str:
    """What the static version shows and which filters need a live kernel, in Chinese and English."""
    if segments:
        return (
            "静态版：按阶段切换预先计算的视图（全部渠道、全部客户）；渠道、新老客与日期筛选需在 JupyterLab 中运行。"
            " Static version: precomputed views by phase (every channel, every customer); the"
            " channel, new/returning-customer and date filters need JupyterLab."
        )
    return (
        "静态版：按阶段切换预先计算的视图（全部渠道）；渠道与日期筛选需在 JupyterLab 中运行；"
        "数据没有新老客列（customer_type），因此没有新老客筛选。"
        " Static version: precomputed views by phase (every channel); the channel and date"
        " filters need JupyterLab; the data has no customer type column (customer_type), so"
        " there is no new/returning-customer filter."
    )


def static_html(
    daily: pd.DataFrame,
    windows: dict[str, tuple[pd.Timestamp, pd.Timestamp]],
    names: dict[str, str] | None = None,
) -> str:
    """Precomputed views (every phase, all channels and customers) switched by buttons and inline
    script."""
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
            f'<img alt="{label}" style="max-width:100%" src="data:image/png;base64,{_png(figure(v, phase_label(phase), names))}">'
            "</div>"
        )
    return (
        f'<div class="fp-explorer" id="{uid}"><div class="fp-x-note" style="color:#555;font-size:12px">'
        f"{html.escape(static_note(has_segments(daily)))}</div>"
        f'<div class="fp-x-buttons">{"".join(buttons)}</div>{"".join(panels)}</div>'
    )


class Explorer:
    """The interactive explorer: ``display(Explorer.of(r))`` for a retrospective ``r``, or
    ``Explorer(daily, windows, names)`` for a date × channel [× customer_type] frame."""

    def __init__(self, daily: pd.DataFrame, windows: Any, names: dict[str, str] | None = None):
        self.daily = daily
        self.windows = phase_windows(windows)
        self.names = dict(names or {})
        self.controls: dict[str, Any] = {}
        self._widget: Any = None

    @classmethod
    def of(cls, r: Any) -> Explorer:
        """The explorer of a retrospective ``r``: its day × channel × customer-type rows
        (``r.agg.explorer``; ``r.agg.daily``, without the segment filter, when absent), its phase
        windows and the display names of the card's channels."""
        rows = getattr(r.agg, "explorer", None)
        return cls(r.agg.daily if rows is None else rows, r.windows, channel_names(r.card))

    @property
    def segments(self) -> bool:
        """Whether the segment (new / returning customer) filter is available."""
        return has_segments(self.daily)

    def widget(self) -> Any:
        import ipywidgets as w  # type: ignore[import-untyped]

        days = sorted(pd.to_datetime(self.daily["date"]).dt.date.unique())
        phase = w.Dropdown(
            options=[(phase_label(p), p) for p in [ALL, *self.windows]],
            description="阶段 Phase",
        )
        segment = w.Dropdown(
            options=[(segment_label(s), s) for s in SEGMENTS], description="客户 Segment"
        )
        channels = w.SelectMultiple(
            options=[
                (channel_label(str(k), self.names), k)
                for k in sorted(self.daily["channel"].unique())
            ],
            description="渠道 Channel",
            rows=4,
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
        self.controls = {"phase": phase, "channels": channels, "dates": dates}
        if self.segments:
            self.controls["segment"] = segment

        def update(_: Any = None) -> None:
            seg = segment.value if self.segments else ALL
            v = view(self.daily, self.windows, phase.value, tuple(channels.value), dates.value, seg)
            cards.value = cards_html(v.cards)
            title = phase_label(phase.value)
            if seg != ALL:
                title += f" · {segment_label(seg)}"
            chart.value = base64.b64decode(_png(figure(v, title, self.names)))

        for control in self.controls.values():
            control.observe(update, names="value")
        update()
        top = [phase, segment, channels] if self.segments else [phase, channels]
        rows = [w.HBox(top), dates, cards, chart]
        if not self.segments:
            note = w.HTML(
                '<div style="color:#555;font-size:12px">'
                "数据没有新老客列（customer_type），因此没有新老客筛选。"
                " The data has no customer type column (customer_type): no new/returning filter.</div>"
            )
            rows.insert(2, note)
        self._widget = w.VBox(rows)
        return self._widget

    def _repr_mimebundle_(self, **_: Any) -> dict[str, Any]:
        static = static_html(self.daily, self.windows, self.names)
        plain = "Explorer（静态版见 HTML / static version in HTML）"
        bundle: dict[str, Any] = {"text/plain": plain, "text/html": static}
        try:
            widget = self._widget or self.widget()
            bundle.update(widget._repr_mimebundle_() or {})
        except Exception:  # no ipywidgets or no kernel comm: the static version alone
            pass
        bundle["text/html"] = static
        bundle["text/plain"] = plain
        return bundle

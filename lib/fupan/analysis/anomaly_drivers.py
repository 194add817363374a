"""异常日: the sentence that says what drove a flagged day, and the finding that leads with one.

Each flagged day is explained from its own orders (:func:`fupan.extract.aggregates.day_drivers`):
the largest orders with their share of the day, the SKUs and the buyers — buyers as a six-digit
prefix of a hash of the salted pseudonym, never an identifier. Wording: the catalogue's
``anom_*`` entries; money in the report's :class:`~fupan.format.Style`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..format import Style
from ..i18n import t

ALL = "_all"
TOP_N = 3  # orders / buyers named as a day's driver
CONCENTRATION = 0.5  # share of an upward campaign day's excess its top orders/buyers must explain
PARTIAL_DAY_HOURS = (
    3  # first order this much later (or last this much earlier) than usual: part of a day
)


def buyer_label(user_key: object) -> str:
    """``#`` + the first six hex digits of a buyer's 64-bit key (a hash of the salted pseudonym)."""
    return "#" + f"{int(user_key) & 0xFFFFFFFFFFFFFFFF:016x}"[:6]  # type: ignore[call-overload]


def metric_label(metric: str, lang: str) -> str:
    """GMV / 订单数 / 转化率 / 退款率 as the anomaly table and findings name them."""
    return t(f"anom_metric_{metric}", lang)


def slice_label(slice_: str, lang: str = "zh") -> str:
    """全店 / whole shop, or the channel's name."""
    return t("anom_whole_shop", lang) if slice_ == ALL else str(slice_)


def format_value(metric: str, x: float | None, style: Style) -> str:
    """A tested value as the report shows it: money for GMV, a count for orders, % for the ratios."""
    if x is None or not np.isfinite(x):
        return "—"
    if metric == "gmv":
        return style.money(x)
    if metric == "orders":
        return f"{x:,.0f}"
    return f"{x:.2%}"


def fmt_rel(x: float) -> str:
    """``+35%``; not finite → ``—``."""
    return f"{x:+.0%}" if np.isfinite(x) else "—"


def _rel(a: float | None, e: float | None) -> float:
    return (
        a / e - 1
        if a is not None and e and np.isfinite(e) and e > 0 and np.isfinite(a)
        else float("nan")
    )


@dataclass(frozen=True)
class DayContext:
    """What the driver sentences of one report read: the fits, the slices, the calendar."""

    fits: dict[tuple[str, str], pd.DataFrame]
    slices: dict[str, pd.DataFrame]
    index: pd.DatetimeIndex
    regime: np.ndarray
    hourly: pd.DataFrame | None


def driver_sentence(
    row: Any, d: dict[str, pd.DataFrame], concentrated: float, ctx: DayContext, style: Style
) -> str:
    """What drove one flagged day (``row`` of the tests), in ``style``'s language."""
    lang = style.lang
    scope = (
        t("anom_scope_all", lang)
        if row.slice == ALL
        else t("anom_scope_channel", lang, channel=row.slice)
    )
    day_gmv = ctx.slices[row.slice].gmv.get(row.date, float("nan"))
    parts: list[str] = []
    if row.metric in ("gmv", "orders") and row.actual == 0:
        parts.append(t("anom_no_order", lang, scope=scope))
    elif row.metric == "gmv" and row.direction == "up":
        parts += _top_orders(d, row, day_gmv, concentrated, style)
        if not concentrated >= CONCENTRATION:
            parts.append(_volume_split(row, ctx, lang))
    elif row.metric == "orders" and row.direction == "up":
        parts += _top_buyers(d, concentrated, lang)
    elif row.metric in ("gmv", "orders"):
        parts.append(_volume_split(row, ctx, lang))
        if row.slice == ALL:
            parts += _channel_gap(row, ctx, style)
    elif row.metric == "cr":
        uv, orders = ctx.fits.get(("uv", ALL)), ctx.fits.get(("orders", ALL))
        uv_rel = (
            _rel(uv.actual.get(row.date), uv.expected.get(row.date))
            if uv is not None
            else float("nan")
        )
        o_rel = (
            _rel(orders.actual.get(row.date), orders.expected.get(row.date))
            if orders is not None
            else float("nan")
        )
        parts.append(t("anom_cr_split", lang, uv=fmt_rel(uv_rel), orders=fmt_rel(o_rel)))
    elif row.metric == "refund_rate":
        parts += _refunds(d, ctx.slices[row.slice].refunds.get(row.date, float("nan")), style)
    if row.slice == ALL and row.metric in ("gmv", "orders", "cr"):
        partial = _partial_day(row, ctx, lang)
        if partial:
            parts.append(partial)
    text = t("clause_sep", lang).join(p for p in parts if p) + t("sentence_end", lang)
    return text if style.zh else text[:1].upper() + text[1:]


def _top_orders(
    d: dict[str, pd.DataFrame], row: Any, day_gmv: float, concentrated: float, style: Style
) -> list[str]:
    o = d["orders"].sort_values("rank")
    if o.empty:
        return []
    lang = style.lang
    top = o.iloc[0]
    share = top.gmv / day_gmv if day_gmv > 0 else float("nan")
    sku = "" if pd.isna(top.top_sku) else str(top.top_sku)
    fields = {
        "order": str(top.order_id)[:24],
        "amount": style.money(top.gmv),
        "share": share,
        "buyer": buyer_label(top.user_key),
    }
    out = [
        t("anom_top_order_sku", lang, sku=sku, **fields)
        if sku
        else t("anom_top_order", lang, **fields)
    ]
    if np.isfinite(concentrated):
        n, excess = min(TOP_N, len(o)), style.money(row.actual - row.expected)
        top_n = style.money(o.gmv.head(n).sum())
        out.append(
            t("anom_top_n_all", lang, n=n, amount=top_n, excess=excess)
            if concentrated >= 1
            else t("anom_top_n_share", lang, n=n, amount=top_n, excess=excess, share=concentrated)
        )
    skus = d["skus"].sort_values("rank_gmv")
    if not skus.empty and day_gmv > 0 and skus.iloc[0].sku != sku:
        s0 = skus.iloc[0]
        out.append(
            t("anom_top_sku", lang, sku=s0.sku, amount=style.money(s0.gmv), share=s0.gmv / day_gmv)
        )
    return out


def _top_buyers(d: dict[str, pd.DataFrame], concentrated: float, lang: str) -> list[str]:
    b = d["buyers"].sort_values("rank")
    if b.empty:
        return []
    top = b.iloc[0]
    n = min(TOP_N, len(b))
    s = t("anom_top_buyer", lang, buyer=buyer_label(top.user_key), orders=int(top.orders))
    if np.isfinite(concentrated):
        s += t("anom_top_buyers", lang, n=n, orders=int(b.orders.head(n).sum()), share=concentrated)
        if concentrated < CONCENTRATION:
            s += t("anom_buyers_spread", lang)
    return [s]


def _volume_split(row: Any, ctx: DayContext, lang: str) -> str:
    """Orders and AOV of the day against their expected values (the slice's own baselines)."""
    g, o = ctx.fits.get(("gmv", row.slice)), ctx.fits.get(("orders", row.slice))
    if g is None or o is None:
        return ""
    ga, ge = g.actual.get(row.date), g.expected.get(row.date)
    oa, oe = o.actual.get(row.date), o.expected.get(row.date)
    aov_rel = _rel(ga / oa, ge / oe) if oa and oe and np.isfinite(oe) else float("nan")
    return t("anom_volume_split", lang, orders=fmt_rel(_rel(oa, oe)), aov=fmt_rel(aov_rel))


def neighbours(
    index: pd.DatetimeIndex, regime: np.ndarray, day: pd.Timestamp, k: int = 6
) -> list[pd.Timestamp]:
    """The ``k`` nearest other days of ``day``'s regime within two weeks, nearest first."""
    i = index.get_loc(day)
    same = [
        j
        for j in range(max(0, i - 14), min(len(index), i + 15))
        if j != i and regime[j] == regime[i]
    ]
    return [index[j] for j in sorted(same, key=lambda j: (abs(j - i), j))[:k]]


def _channel_gap(row: Any, ctx: DayContext, style: Style) -> list[str]:
    """The channel with the largest shortfall.

    Shortfall: actual − expected total × the channel's typical share (median share over the same
    neighbouring days of the phase as the level).
    """
    col = "gmv" if row.metric == "gmv" else "orders"
    chans = {k: v[col] for k, v in ctx.slices.items() if k != ALL}
    if len(chans) < 2:
        return []
    wide = pd.DataFrame(chans)
    near = neighbours(ctx.index, ctx.regime, row.date)
    tot = wide.loc[near].sum(axis=1)
    share = wide.loc[near].div(tot.where(tot > 0), axis=0).median()
    gap = wide.loc[row.date] - share * row.expected
    total_gap = row.actual - row.expected
    worst = gap.idxmin()
    if not (gap[worst] < 0 and total_gap < 0):
        return []
    amount = (
        style.money(gap[worst])
        if col == "gmv"
        else t("anom_orders_count", style.lang, n=gap[worst])
    )
    return [
        t(
            "anom_channel_gap",
            style.lang,
            channel=worst,
            amount=amount,
            share=gap[worst] / total_gap,
        )
    ]


def _partial_day(row: Any, ctx: DayContext, lang: str) -> str:
    """Orders only in part of the day: the day may be recorded only in part.

    First order ≥ :data:`PARTIAL_DAY_HOURS` later or last that much earlier than on the
    neighbouring days of the phase.
    """
    h = ctx.hourly
    if h is None or h.empty:
        return ""
    active = h[h.orders > 0].groupby("date").hour.agg(["min", "max"])
    if row.date not in active.index:
        return ""
    near = [d for d in neighbours(ctx.index, ctx.regime, row.date) if d in active.index]
    if len(near) < 3:
        return ""
    first, last = active.loc[row.date]
    usual_first, usual_last = active.loc[near, "min"].median(), active.loc[near, "max"].median()
    if last <= usual_last - PARTIAL_DAY_HOURS or first >= usual_first + PARTIAL_DAY_HOURS:
        return t(
            "anom_partial_day",
            lang,
            first=first,
            last=last,
            usual_first=usual_first,
            usual_last=usual_last,
        )
    return ""


def _refunds(d: dict[str, pd.DataFrame], day_refunds: float, style: Style) -> list[str]:
    lang = style.lang
    out = [t("anom_refunds", lang, amount=style.money(day_refunds))]
    s = d["skus"][d["skus"].refunds > 0].sort_values("rank_refunds")
    if not s.empty and day_refunds > 0:
        s0 = s.iloc[0]
        out.append(
            t(
                "anom_refund_sku",
                lang,
                sku=s0.sku,
                amount=style.money(s0.refunds),
                share=s0.refunds / day_refunds,
            )
        )
    o = d["orders"][d["orders"].refunds > 0].sort_values("refunds", ascending=False)
    if not o.empty:
        o0 = o.iloc[0]
        out.append(
            t(
                "anom_refund_order",
                lang,
                order=str(o0.order_id)[:24],
                amount=style.money(o0.refunds),
            )
        )
    return out


def finding_text(row: Any, style: Style) -> str:
    """The finding sentence of a flagged day in ``style``'s language: what moved, by how much, and its driver."""
    lang = style.lang
    key = "finding_day_anomaly" if row.slice == ALL else "finding_day_anomaly_channel"
    return t(
        key,
        lang,
        day=pd.Timestamp(row.date).strftime("%Y-%m-%d"),
        channel=row.slice,
        metric=metric_label(row.metric, lang),
        actual=format_value(row.metric, row.actual, style),
        expected=format_value(row.metric, row.expected, style),
        rel=fmt_rel(row.rel_dev),
        driver=row.driver_zh if lang == "zh" else row.driver_en,
    )

"""The headline of a retrospective: KPIs per window, the report's style, channels, targets.

Also the hypotheses, the GMV driver decomposition and the campaign funnel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..dictionary import REFUND_MATURITY_DAYS
from ..format import Style
from ..metrics.benchmark import daily_gmv_index
from ..metrics.decompose import decompose_gmv_change
from ..metrics.funnel import window_funnel
from ..metrics.kpi import (
    channel_kpis,
    daily_buyers,
    evaluate_hypotheses,
    target_achievement,
    window_kpis,
)
from ..metrics.yoy import year_on_year as _year_on_year
from .results import DailyIndex, Decomposition, RefundMaturity, YearOnYearAnalysis

if TYPE_CHECKING:
    from ..extract.aggregates import Aggregates
    from ..ingest.card import CampaignCard, Strategy, Windows
    from ..ingest.validate import Campaign


def kpis(campaign: Campaign, windows: pd.DataFrame, agg: Aggregates) -> pd.DataFrame:
    """KPIs per window (:func:`fupan.metrics.kpi.window_kpis`); refunds not measured are NaN, not 0.

    Parameters
    ----------
    campaign : Campaign
        The validated campaign (which columns its orders carry).
    windows : DataFrame
        The card's windows plus ``campaign`` (:func:`fupan.extract.aggregates.window_frame`).
    agg : Aggregates
        The extract's aggregates.

    Returns
    -------
    DataFrame
        One row per window.
    """
    out = window_kpis(
        windows,
        agg.windows,
        agg.new_customers,
        agg.daily,
        agg.uv,
        agg.spend,
        visitors=agg.window_uv,
        buyers_by_day=daily_buyers(agg.customer_orders),
    )
    if not campaign.measures("orders", "refund_amount"):  # not measured is not zero
        out = out.assign(refunds=np.nan, net_gmv=np.nan, refund_rate=np.nan)
    if not campaign.measures("orders", "status"):  # every line read as paid: cancels unknown
        out = out.assign(cancel_rate=np.nan)
    return out


def report_style(card: CampaignCard, kpis: pd.DataFrame, lang: str, share_safe: bool) -> Style:
    """How the report writes: ``lang``, the card's currency and, ``share_safe``, the money index.

    口径 of the index: 100 = the baseline window's GMV / its number of days (calendar days).

    Raises
    ------
    ValueError
        Share-safe with no GMV in the baseline (nothing to index money to).
    """
    money_index = None
    if share_safe:
        b = card.windows.baseline
        money_index = float(kpis.loc["baseline", "gmv"]) / ((b.end - b.start).days + 1)
        if not money_index > 0:
            raise ValueError("share-safe: the baseline window has no GMV to index money to")
    from ..ingest.card.channels import display_names  # channel/platform/category names

    return Style(lang, money_index, card.currency, display_names(card))


def channels(agg: Aggregates, windows: Windows) -> pd.DataFrame:
    """Per channel in the campaign window: GMV, orders, buyers, share, spend and ROAS."""
    camp = windows.campaign
    return channel_kpis(agg.windows, agg.spend, camp.start, camp.end, "campaign")


def targets(kpis: pd.DataFrame, card: CampaignCard) -> pd.DataFrame:
    """Achievement of each target the card sets, on the campaign window (a war report's: to date)."""
    return target_achievement(
        kpis.loc["campaign"], card.strategy.targets, in_progress=card.in_flight
    )


def hypotheses(kpis: pd.DataFrame, strategy: Strategy) -> pd.DataFrame:
    """Verdict on each hypothesis the card states."""
    return evaluate_hypotheses(kpis, [h.model_dump() for h in strategy.hypotheses])


def decomposition(kpis: pd.DataFrame) -> Decomposition | None:
    """Daily GMV, campaign vs baseline, split into 访客数 × 支付转化率 × 人均笔数 × 笔单价 (LMDI, Shapley).

    口径 (METHODS.md §2.1): uv = the window's distinct visitors / its days; cr = buyers / visitors;
    orders_per_buyer = orders / buyers; aov = GMV / orders — the product is the window's GMV per
    day exactly. ``None`` without visitors or orders in either window.
    """
    base, cur = kpis.loc["baseline"], kpis.loc["campaign"]
    if (
        not all(np.isfinite([base.uv, cur.uv, base.cr, cur.cr]))
        or min(base.uv, cur.uv, base.orders, cur.orders) <= 0
    ):
        return None
    f0, f1 = (
        {
            "uv": k.uv / k.days,
            "cr": k.cr,
            "orders_per_buyer": k.orders_per_buyer,
            "aov": k.aov,
        }
        for k in (base, cur)
    )
    return Decomposition(
        base=f0,
        current=f1,
        gmv_base=base.gmv_per_day,
        gmv_current=cur.gmv_per_day,
        lmdi=decompose_gmv_change(f0, f1, "lmdi"),
        shapley=decompose_gmv_change(f0, f1, "shapley"),
    )


def funnel_steps(
    funnel: pd.DataFrame | None, phase: str = "campaign", channel: str = "_all"
) -> pd.DataFrame | None:
    """Distinct users per step in a window with step conversion and drop-off (``None`` without events).

    口径: :func:`fupan.metrics.funnel.window_funnel` — the one definition the funnel by channel
    uses too (a step the tracker did not record is left out, never 0 users). The biggest leak is
    the lowest conversion.
    """
    return None if funnel is None else window_funnel(funnel, phase, channel)


def refund_maturity(kpis: pd.DataFrame, history: pd.DataFrame) -> RefundMaturity | None:
    """Which windows' refunds were measured too soon after their orders to be settled.

    口径: refunds are as of the data's last order day (``measured_on``); a window whose last day
    is fewer than :data:`fupan.dictionary.REFUND_MATURITY_DAYS` days before it has refunds not
    yet settled (退款尚未完结: its refund rate reads low). ``None`` when refunds are not measured.
    """
    if history.empty or not np.isfinite(kpis.refunds).any():
        return None
    measured = pd.Timestamp(history.date.max()).normalize()
    ends = pd.to_datetime(kpis.end)
    observed = (measured - ends).dt.days
    table = pd.DataFrame(
        {"end": kpis.end, "days_observed": observed, "mature": observed >= REFUND_MATURITY_DAYS},
        index=kpis.index,
    )
    return RefundMaturity(
        measured_on=measured.date().isoformat(),
        maturity_days=REFUND_MATURITY_DAYS,
        table=table,
        immature=tuple(str(p) for p in table.index[~table.mature]),
    )


def daily_index(daily: pd.DataFrame, kpis: pd.DataFrame, windows: Windows) -> DailyIndex | None:
    """Each day's GMV as an index of the baseline's average day, aligned by promotion day.

    口径: :func:`fupan.metrics.benchmark.daily_gmv_index` over the daily GMV (all channels), day 0
    = the first day of the burst as planned (``windows``: the card's, a war report's too); ``None`` when the baseline sold nothing (no index can be formed —
    never a row of zeros). Recorded for the case library's overlay of similar cases.
    """
    base = float(kpis.at["baseline", "gmv_per_day"])
    if not (np.isfinite(base) and base > 0) or daily.empty:
        return None
    return DailyIndex(daily_gmv_index(daily, base, (windows.burst or windows.campaign).start))


def year_on_year(customer_orders: pd.DataFrame, card: CampaignCard) -> YearOnYearAnalysis:
    """同比: the campaign, and its burst when the campaign is longer, against last year's days.

    From the extract's per-order log. 口径: :func:`fupan.metrics.yoy.year_on_year` — the same calendar dates for a dated festival
    (双11, 618 …), else 52 weeks earlier; both years counted from the same orders.
    """
    w = card.windows
    windows = {"campaign": (w.campaign.start, w.campaign.end)}
    if w.burst is not None and (w.burst.start, w.burst.end) != windows["campaign"]:
        windows["burst"] = (w.burst.start, w.burst.end)
    o = customer_orders.rename(columns={"user_key": "user_id"})
    return YearOnYearAnalysis(_year_on_year(o, windows, card.festival))

"""投放: ad efficiency by channel, tool and plan; 费比 and the 保本投产比 verdict; attribution gap.

口径 (campaign window; spend rows by date, orders by order time, not cancelled):

- CTR = clicks / impressions; CPC = spend / clicks; CPM = spend / impressions · 1000;
- click conversion = orders of the channel / clicks; cost per order = spend / orders; cost per new
  customer = spend / new customers of the channel;
- 投产比 ROAS (= the back-office ROI) = the channel's order GMV / spend; 费比 = spend / GMV;
- break-even ROAS (保本投产比) has one 口径, :func:`fupan.metrics.margin.break_even_roas`:
  (1 − d)/(m − d), d the discount depth and m the unit contribution margin (both fractions of the
  regular price), i.e. 1 / the variable contribution of one yuan of GMV. It is a marginal figure:
  fixed costs (slot fees, participation fees, creative) do not grow with the next yuan of spend,
  so the P&L's contribution-before-ads share (which carries them) is not a second break-even. A
  channel whose ROAS is below it (:func:`fupan.metrics.margin.channel_break_even`) loses money on
  the GMV it brought (all of it, not only the increment);
- attribution gap = the platform's attributed GMV / the order-channel GMV − 1: attribution windows
  (e.g. 15 days after a click) and several touches claiming one order inflate it.
"""

from __future__ import annotations

import pandas as pd

from ._ratios import ratio as _ratio
from .margin import channel_break_even

__all__ = ["attribution_gap", "channel_efficiency"]


def channel_efficiency(channels: pd.DataFrame, be_roas: float | None) -> pd.DataFrame:
    """Per channel: CTR, CPC, CPM, click conversion, cost per order / new customer, ROAS, 费比.

    Parameters
    ----------
    channels : DataFrame
        Indexed by channel: ``spend``, ``impressions``, ``clicks``, ``gmv``, ``orders``,
        ``new_customers``.
    be_roas : float or None
        The break-even ROAS (:func:`fupan.metrics.margin.break_even_roas`); None when it cannot
        be computed (then no channel is judged).

    Returns
    -------
    DataFrame
        The inputs with ``ctr``, ``cpc``, ``cpm``, ``click_cvr``, ``cost_per_order``,
        ``cost_per_new``, ``roas``, ``spend_ratio`` and ``below_break_even`` (object: True /
        False / None when not judged).
    """
    c = channels.astype(float)
    out = c.copy()
    out["ctr"] = _ratio(c["clicks"], c["impressions"])
    out["cpc"] = _ratio(c["spend"], c["clicks"])
    out["cpm"] = _ratio(c["spend"] * 1000.0, c["impressions"])
    out["click_cvr"] = _ratio(c["orders"], c["clicks"])
    out["cost_per_order"] = _ratio(c["spend"], c["orders"])
    out["cost_per_new"] = _ratio(c["spend"], c["new_customers"])
    out["roas"] = _ratio(c["gmv"], c["spend"])
    out["spend_ratio"] = _ratio(c["spend"], c["gmv"])
    if be_roas is None:
        out["below_break_even"] = pd.Series([None] * len(out), index=out.index, dtype=object)
    else:
        out["below_break_even"] = channel_break_even(c[["gmv", "spend"]], be_roas)[
            "below_break_even"
        ]
    return out


def attribution_gap(attributed: pd.Series, order_gmv: pd.Series) -> pd.DataFrame:
    """The platform's attributed GMV against the order-channel GMV, by channel.

    Parameters
    ----------
    attributed : Series
        Attributed GMV by channel (spend table).
    order_gmv : Series
        GMV of the orders of each channel; a channel absent sold nothing (0), one given as NaN
        is not named by the orders — its GMV and gap are not measured (NaN), never 0.

    Returns
    -------
    DataFrame
        ``attributed_gmv``, ``order_gmv``, ``gap`` (attributed / order − 1).
    """
    out = pd.DataFrame({"attributed_gmv": attributed, "order_gmv": order_gmv}).dropna(
        subset=["attributed_gmv"]
    )
    absent = ~out.index.isin(order_gmv.index)
    out.loc[absent, "order_gmv"] = 0.0
    out["gap"] = _ratio(out["attributed_gmv"], out["order_gmv"]) - 1
    return out

"""投放: ad efficiency by channel, tool and plan; 费比, break-even ROAS from the P&L; attribution gap.

口径 (campaign window; spend rows by date, orders by order time, not cancelled):

- CTR = clicks / impressions; CPC = spend / clicks; CPM = spend / impressions · 1000;
- click conversion = orders of the channel / clicks; cost per order = spend / orders; cost per new
  customer = spend / new customers of the channel;
- 投产比 ROAS (= the back-office ROI) = the channel's order GMV / spend; 费比 = spend / GMV;
- break-even ROAS (保本投产比, from the P&L) = 1 / m, m = (contribution before ads) / GMV: the
  share of each yuan of GMV left after goods, refunds, fees, logistics, coupons and KOL costs; a
  channel below it loses money on the GMV it brought (all of it, not only the increment);
- attribution gap = the platform's attributed GMV / the order-channel GMV − 1: attribution windows
  (e.g. 15 days after a click) and several touches claiming one order inflate it.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["attribution_gap", "break_even_roas_from_margin", "channel_efficiency"]


def _ratio(a: pd.Series, b: pd.Series) -> pd.Series:
    return (a / b.where(b > 0)).astype(float)


def break_even_roas_from_margin(margin: float) -> float:
    """保本投产比 = 1 / m (口径 in the module docstring).

    Parameters
    ----------
    margin : float
        Contribution before ads as a share of GMV.

    Returns
    -------
    float
        The ROAS at which a channel's spend eats its GMV's contribution.

    Raises
    ------
    ValueError
        If ``margin`` ≤ 0 (no ROAS breaks even).
    """
    if not margin > 0:
        raise ValueError(
            f"contribution before ads is {margin:.1%} of GMV: no ROAS breaks even"
            f"||广告前贡献率为 {margin:.1%}：任何投产比都无法保本"
        )
    return 1.0 / margin


def channel_efficiency(channels: pd.DataFrame, be_roas: float | None) -> pd.DataFrame:
    """Per channel: CTR, CPC, CPM, click conversion, cost per order / new customer, ROAS, 费比.

    Parameters
    ----------
    channels : DataFrame
        Indexed by channel: ``spend``, ``impressions``, ``clicks``, ``gmv``, ``orders``,
        ``new_customers``.
    be_roas : float or None
        The break-even ROAS; None when it cannot be computed.

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
    out["below_break_even"] = pd.Series(
        [None if be_roas is None or r != r else bool(r < be_roas) for r in out["roas"].to_numpy()],
        index=out.index,
        dtype=object,
    )
    return out


def attribution_gap(attributed: pd.Series, order_gmv: pd.Series) -> pd.DataFrame:
    """The platform's attributed GMV against the order-channel GMV, by channel.

    Parameters
    ----------
    attributed : Series
        Attributed GMV by channel (spend table).
    order_gmv : Series
        GMV of the orders of each channel.

    Returns
    -------
    DataFrame
        ``attributed_gmv``, ``order_gmv``, ``gap`` (attributed / order − 1).
    """
    out = pd.DataFrame({"attributed_gmv": attributed, "order_gmv": order_gmv}).dropna(
        subset=["attributed_gmv"]
    )
    out["order_gmv"] = out["order_gmv"].fillna(0.0)
    out["gap"] = _ratio(out["attributed_gmv"], out["order_gmv"]) - 1
    return out

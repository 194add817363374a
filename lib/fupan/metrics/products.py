"""商品结构: SKU concentration (Pareto), 连带率, sell-through (售罄率) and hero stock-outs.

口径: one row per SKU over the campaign window (orders not cancelled): ``gmv`` (支付金额), ``units``,
``orders`` (orders with the SKU), ``list_amount``; with the products table's ``planned_stock``.

- top-N share = GMV of the N best-selling SKUs / all GMV; the Pareto curve = cumulative GMV share
  against the share of SKUs, best first;
- 连带率 units per order = Σ units / number of orders (whole orders, not SKU-orders);
- 折扣深度 discount depth = 1 − Σ paid / Σ list; 毛利率 margin = 1 − Σ cogs / Σ paid;
- 售罄率 sell-through = units sold / planned stock (None without a plan);
- GMV-weighted stock-out rate of the hero SKUs = Σ_h GMV_h · (days out_h / days) / Σ_h GMV_h,
  days out from the inventory table (start-of-day ``on_hand`` = 0); a hero sold out at midnight
  going into its first day out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["hero_stockout_rate", "pareto", "sku_table", "top_share"]


def pareto(gmv: pd.Series) -> pd.DataFrame:
    """The Pareto curve of SKU GMV.

    Parameters
    ----------
    gmv : Series
        GMV by SKU.

    Returns
    -------
    DataFrame
        Best first: ``sku``, ``gmv``, ``sku_share`` (rank / number of SKUs), ``cum_share``.

    Raises
    ------
    ValueError
        If there is no GMV.
    """
    g = gmv.astype(float).sort_values(ascending=False, kind="stable")
    total = float(g.sum())
    if not total > 0:
        raise ValueError("no GMV by SKU||没有按SKU的GMV")
    return pd.DataFrame(
        {
            "sku": g.index.astype(str),
            "gmv": g.to_numpy(),
            "sku_share": np.arange(1, len(g) + 1) / len(g),
            "cum_share": g.cumsum().to_numpy() / total,
        }
    )


def top_share(gmv: pd.Series, n: int) -> float:
    """GMV share of the ``n`` best-selling SKUs.

    Parameters
    ----------
    gmv : Series
        GMV by SKU.
    n : int
        How many SKUs.

    Returns
    -------
    float
        Their share of all GMV.
    """
    return float(pareto(gmv)["cum_share"].iloc[min(n, len(gmv)) - 1])


def sku_table(skus: pd.DataFrame) -> pd.DataFrame:
    """Per SKU: GMV share, discount depth, margin and sell-through (口径 in the module docstring).

    Parameters
    ----------
    skus : DataFrame
        ``sku``, ``gmv``, ``units``, ``list_amount``, ``cogs`` (NaN when unknown),
        ``planned_stock`` (NaN without a plan).

    Returns
    -------
    DataFrame
        ``skus`` with ``gmv_share``, ``discount_depth``, ``margin``, ``sell_through``, best first.
    """
    s = skus.copy()
    total = float(s["gmv"].sum())
    s["gmv_share"] = s["gmv"] / total if total > 0 else np.nan
    s["discount_depth"] = 1 - s["gmv"] / s["list_amount"].where(s["list_amount"] > 0)
    s["margin"] = 1 - s["cogs"] / s["gmv"].where(s["gmv"] > 0)
    s["sell_through"] = s["units"] / s["planned_stock"].where(s["planned_stock"] > 0)
    return s.sort_values("gmv", ascending=False, kind="stable").reset_index(drop=True)


def hero_stockout_rate(heroes: pd.DataFrame, days: int) -> float:
    """GMV-weighted stock-out rate of the hero SKUs.

    Parameters
    ----------
    heroes : DataFrame
        One row per hero SKU: ``gmv`` and ``days_out`` (days with on_hand = 0 in the window).
    days : int
        Days of the window.

    Returns
    -------
    float
        Σ GMV · days_out / days over Σ GMV.

    Raises
    ------
    ValueError
        If the heroes sold nothing or ``days`` < 1.
    """
    total = float(heroes["gmv"].sum())
    if not total > 0 or days < 1:
        raise ValueError("hero SKUs sold nothing in the window||主推品在活动期没有销售")
    return float((heroes["gmv"] * heroes["days_out"] / days).sum() / total)

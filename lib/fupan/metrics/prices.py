"""价格力与控价 (price control, ops review G14): who sold the shop's SKUs below its own 到手价.

口径, from the prices table (one row per date × SKU × seller, ``final_price`` = 到手价, what a buyer
paid for one unit there that day), over the days given:

- the shop's price of a SKU on a day = the lowest ``final_price`` of its own rows (seller_type
  ``own``) that day; a day without an own row is not judged (no comparison, never a breach);
- **破价** (a breach): a KOL room's or distributor's price below the shop's that day; its depth
  ``gap`` = 1 − price / own price. A price equal to the shop's is not a breach;
- **竞品更低**: a competitor's price below the shop's that day (price competitiveness, not a breach);
- a seller with several rows on a day counts at its lowest price.

Per SKU: the days judged, the days with a breach and the lowest outside price (and who set it),
the days a competitor was cheaper; beside them, the shop's own daily GMV of the SKU on breach days
against its other judged days (orders not cancelled, by order day) — a comparison, not an effect
estimate: a breach day may differ in other ways.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["breaches", "sku_table"]

#: the seller types whose lower price is a breach of the shop's price (控价)
RESELLERS = ("kol", "distributor")


def _own(prices: pd.DataFrame) -> pd.Series:
    own = prices[prices["seller_type"] == "own"]
    return own.groupby(["date", "sku"])["final_price"].min().rename("own_price")


def _lowest(prices: pd.DataFrame) -> pd.DataFrame:
    """Each (date, sku, seller) at its lowest price of the day."""
    keys = ["date", "sku", "seller", "seller_type"]
    return prices.groupby(keys, as_index=False, dropna=False)["final_price"].min()


def breaches(prices: pd.DataFrame, types: tuple[str, ...] = RESELLERS) -> pd.DataFrame:
    """Rows of ``types`` sellers priced below the shop that day (口径 in the module docstring).

    Columns ``date``, ``sku``, ``seller``, ``seller_type``, ``price``, ``own_price``, ``gap``;
    deepest first.
    """
    cols = ["date", "sku", "seller", "seller_type", "price", "own_price", "gap"]
    if prices.empty:
        return pd.DataFrame(columns=cols)
    low = _lowest(prices)
    other = low[low["seller_type"].isin(types)].join(_own(prices), on=["date", "sku"])
    hit = other[other["own_price"].notna() & (other["final_price"] < other["own_price"])]
    out = hit.rename(columns={"final_price": "price"}).assign(
        gap=lambda x: 1 - x["price"] / x["own_price"]
    )
    return out[cols].sort_values(
        ["gap", "date", "sku", "seller"], ascending=[False, True, True, True]
    )


def sku_table(prices: pd.DataFrame, daily_gmv: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per SKU with an own price, SKUs with a breach first.

    ``days`` judged, ``own_price`` (median of its days), ``breach_days``, ``lowest`` /
    ``lowest_seller`` (the lowest reseller price below the shop's), ``competitor_days``; with
    ``daily_gmv`` (``date``, ``sku``, ``gmv``) the shop's mean daily GMV of the SKU on breach
    days (``gmv_breach``) and on its other judged days (``gmv_other``).
    """
    own = _own(prices).reset_index()
    if own.empty:
        return pd.DataFrame(
            columns=["sku", "days", "own_price", "breach_days", "lowest", "lowest_seller",
                     "competitor_days", "gmv_breach", "gmv_other"]
        )  # fmt: skip
    b = breaches(prices)
    c = breaches(prices, ("competitor",))
    table = own.groupby("sku").agg(days=("date", "nunique"), own_price=("own_price", "median"))
    table["breach_days"] = b.groupby("sku")["date"].nunique().reindex(table.index).fillna(0)
    deepest = b.sort_values(["price", "date"]).drop_duplicates("sku").set_index("sku")
    table["lowest"] = deepest["price"].reindex(table.index)
    table["lowest_seller"] = deepest["seller"].reindex(table.index)
    table["competitor_days"] = c.groupby("sku")["date"].nunique().reindex(table.index).fillna(0)
    table["gmv_breach"] = table["gmv_other"] = float("nan")
    if daily_gmv is not None:
        judged = own[["date", "sku"]].merge(daily_gmv, on=["date", "sku"], how="left")
        judged["gmv"] = judged["gmv"].fillna(0.0)  # a judged day without a sale sold 0
        hit = judged.merge(b[["date", "sku"]].drop_duplicates(), on=["date", "sku"], how="left",
                           indicator=True)  # fmt: skip
        on = hit["_merge"] == "both"
        table["gmv_breach"] = hit[on].groupby("sku")["gmv"].mean().reindex(table.index)
        table["gmv_other"] = hit[~on].groupby("sku")["gmv"].mean().reindex(table.index)
    table = table.reset_index().sort_values(["breach_days", "sku"], ascending=[False, True])
    return table.reset_index(drop=True)

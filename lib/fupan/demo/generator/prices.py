"""The demo shop's price monitoring (控价, ops review G14): its hero SKUs' 到手价 by seller and day.

Drawn from a random stream of its own (``default_rng([seed, 19])``) from the orders already
written, so every other table keeps its values. For each hero SKU and campaign day with sales:

- the shop's own price (seller_type own) = the median unit price its buyers paid that day;
- the KOL rooms sell at the shop's price, a distributor at up to 5 % above it, a competitor's
  comparable product at ±8 %;
- planted undercuts (破价, recorded under ``truth["ops"]["prices"]``): the distributor sells the
  first hero SKU at 15 % under the shop on three burst days (:data:`DISTRIBUTOR_UNDERCUT`), and
  one KOL room the second at 5 % under on one day (:data:`KOL_UNDERCUT`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

SHOP_SELLER = "花漾美妆旗舰店"
DISTRIBUTOR = "美妆优选分销"
COMPETITOR = "竞店·国货精华"
KOL_SELLERS = ("达人·李白白", "达人·Vivi")
#: (hero SKU index, days, price factor): the planted undercuts
DISTRIBUTOR_UNDERCUT = (0, ("2025-11-05", "2025-11-06", "2025-11-07"), 0.85)
KOL_UNDERCUT = (1, ("2025-11-10",), 0.95)


def prices_table(
    seed: int, lines: pd.DataFrame, win: dict[str, tuple[str, str]], heroes: list[str]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The prices export (date, sku, seller, seller_type, final_price, channel) and its truth.

    ``lines``: the order lines (``sku``, ``order_time``, ``paid_amount``, ``quantity``,
    ``status``); ``heroes``: the hero SKUs.
    """
    rng = np.random.default_rng([seed, 19])
    ok = lines[(lines["status"] != "cancelled") & lines["sku"].isin(heroes)].copy()
    ok["date"] = ok["order_time"].dt.strftime("%Y-%m-%d")
    ok = ok[ok["date"].between(win["preheat"][0], win["post"][1])]
    ok["unit"] = ok["paid_amount"] / ok["quantity"].clip(lower=1)
    own = ok.groupby(["date", "sku"])["unit"].median().round(2)
    rows, planted = [], []
    undercuts = {}
    for (i, days, factor), seller, kind in (
        (DISTRIBUTOR_UNDERCUT, DISTRIBUTOR, "distributor"),
        (KOL_UNDERCUT, KOL_SELLERS[0], "kol"),
    ):
        if i < len(heroes):
            for d in days:
                undercuts[(d, heroes[i], seller)] = (factor, kind)
    for (date, sku), price in own.items():
        rows.append((date, sku, SHOP_SELLER, "own", float(price), None))
        for seller in KOL_SELLERS:
            rows.append((date, sku, seller, "kol", float(price), "kol"))
        rows.append(
            (date, sku, DISTRIBUTOR, "distributor", round(price * rng.uniform(1.0, 1.05), 2), None)
        )
        rows.append(
            (date, sku, COMPETITOR, "competitor", round(price * rng.uniform(0.92, 1.08), 2), None)
        )
    out = pd.DataFrame(
        rows, columns=["date", "sku", "seller", "seller_type", "final_price", "channel"]
    )
    for (date, sku, seller), (factor, _kind) in undercuts.items():
        at = (out["date"] == date) & (out["sku"] == sku) & (out["seller"] == seller)
        if at.any():
            price = round(float(own[(date, sku)]) * factor, 2)
            out.loc[at, "final_price"] = price
            planted.append({"date": date, "sku": sku, "seller": seller, "price": price})
    return out, {"undercuts": planted, "own_seller": SHOP_SELLER}

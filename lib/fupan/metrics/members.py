"""会员 (membership, ops review G7): joins, join rate, members' share, 客单价, repeat buying.

And how many of the window's new customers joined. 口径, per window (each of the card's windows and the campaign proper), from the members table (one
row per member; a customer listed twice counts from their first join) and the orders:

- 新入会 ``new_members``: members whose first join falls on a day of the window;
- 入会率 ``join_rate`` = new members / 访客数 (customers with any event in the window, distinct over
  the window, as the KPI table counts them); not measured (NaN) without events;
- an order is a **member order** when its customer had joined by the order's time (before it or
  at it); 会员成交占比 ``member_share`` = GMV of member orders / GMV of all orders (orders not
  cancelled, before refunds, dated by their first line's time — the order-time 口径, whatever the
  card's ``gmv_date``);
- 会员客单价 ``member_aov`` = member orders' GMV / their distinct buyers; 非会员客单价
  ``other_aov`` the same over the other orders. A customer who joined inside the window and bought
  before and after is a buyer of both kinds;
- 会员复购率 ``member_repeat`` = share of member buyers with two or more member orders in the
  window; ``other_repeat`` the same for the other orders;
- 新客入会率 ``new_join_rate`` = of the window's new customers (first order ever in the window),
  the share who had joined by the window's last day.

A rate whose denominator is 0 is not measured (NaN), never 0.
"""

from __future__ import annotations

import pandas as pd

from ._ratios import ratio as _ratio

__all__ = ["SUMS", "membership_table"]

#: the sums per window :func:`membership_table` reads (``fupan.analysis.ops_data.member_sums``)
SUMS = (
    "new_members",
    "gmv",
    "buyers",
    "member_gmv",
    "member_buyers",
    "member_repeaters",
    "other_gmv",
    "other_buyers",
    "other_repeaters",
    "new_customers",
    "new_joined",
)


def membership_table(sums: pd.DataFrame, visitors: pd.Series | None = None) -> pd.DataFrame:
    """Each window's membership figures (口径 in the module docstring).

    Parameters
    ----------
    sums : DataFrame
        One row per window (index: the window's name) with the :data:`SUMS` columns.
    visitors : Series, optional
        访客数 per window (same index); absent (no events): the join rate is not measured.

    Returns
    -------
    DataFrame
        ``sums`` with ``visitors``, ``join_rate``, ``member_share``, ``member_aov``,
        ``other_aov``, ``member_repeat``, ``other_repeat`` and ``new_join_rate``.

    Raises
    ------
    ValueError
        When a :data:`SUMS` column is missing.
    """
    missing = [c for c in SUMS if c not in sums.columns]
    if missing:
        raise ValueError(f"membership sums lack {missing}")
    out = sums.copy()
    out["visitors"] = (
        visitors.reindex(out.index).astype(float)
        if visitors is not None
        else pd.Series(float("nan"), index=out.index)
    )
    out["join_rate"] = _ratio(out["new_members"], out["visitors"])
    out["member_share"] = _ratio(out["member_gmv"], out["gmv"])
    out["member_aov"] = _ratio(out["member_gmv"], out["member_buyers"])
    out["other_aov"] = _ratio(out["other_gmv"], out["other_buyers"])
    out["member_repeat"] = _ratio(out["member_repeaters"], out["member_buyers"])
    out["other_repeat"] = _ratio(out["other_repeaters"], out["other_buyers"])
    out["new_join_rate"] = _ratio(out["new_joined"], out["new_customers"])
    return out

"""预售: deposits (定金), balance payments (尾款), the balance-payment rate and the deposit multiplier.

口径: one row per presale order (``order_type`` = presale) with ``user_id``, ``deposit`` (Σ
deposit_amount of its lines), ``gmv`` (Σ paid_amount, deposit + balance), ``balance_paid`` (its
balance_time is set and the order is not cancelled). A presale order whose balance was never paid
is cancelled: its deposit is forfeited and it is no GMV.

- 定金人数 deposit buyers = distinct users with a presale order; 定金金额 = Σ deposit.
- 尾款转化率 balance-payment rate = orders with the balance paid / presale orders.
- 定金膨胀成本 deposit-multiplier cost = (k − 1) · Σ deposit of balance-paid orders: a deposit d
  worth k·d off the price cost the shop (k − 1)·d; a forfeited deposit cost nothing.
- 预售占比 presale share = presale GMV (balance paid) / the window's GMV.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["PresaleSummary", "gmv_by_counting_date", "presale_summary"]


@dataclass(frozen=True)
class PresaleSummary:
    """The presale figures (口径 in the module docstring)."""

    deposit_buyers: int
    deposit_orders: int
    deposit_amount: float
    balance_orders: int
    balance_amount: float
    balance_rate: float
    multiplier_cost: float
    presale_gmv: float
    presale_share: float
    presale_aov: float
    spot_aov: float


def presale_summary(
    orders: pd.DataFrame, multiplier: float, window_gmv: float, spot_orders: int, spot_gmv: float
) -> PresaleSummary:
    """Deposits, balances, the balance-payment rate, the multiplier's cost and presale vs spot.

    Parameters
    ----------
    orders : DataFrame
        One row per presale order: ``user_id``, ``deposit``, ``gmv``, ``balance_paid`` (bool).
    multiplier : float
        The deposit multiplier k ≥ 1 (1 = none).
    window_gmv : float
        GMV of the window (all orders), the denominator of the presale share.
    spot_orders, spot_gmv : int, float
        Orders and GMV of the window's spot (not presale) orders, for 笔单价 presale vs spot.

    Returns
    -------
    PresaleSummary
        The figures.

    Raises
    ------
    ValueError
        Without presale orders, or with k < 1.
    """
    if orders.empty:
        raise ValueError("no presale orders||没有预售订单")
    if not multiplier >= 1:
        raise ValueError(f"deposit multiplier must be ≥ 1, got {multiplier}")
    paid = orders[orders["balance_paid"].astype(bool)]
    gmv = float(paid["gmv"].sum())
    return PresaleSummary(
        deposit_buyers=int(orders["user_id"].nunique()),
        deposit_orders=len(orders),
        deposit_amount=float(orders["deposit"].sum()),
        balance_orders=len(paid),
        balance_amount=float((paid["gmv"] - paid["deposit"]).sum()),
        balance_rate=len(paid) / len(orders),
        multiplier_cost=(multiplier - 1.0) * float(paid["deposit"].sum()),
        presale_gmv=gmv,
        presale_share=gmv / window_gmv if window_gmv > 0 else float("nan"),
        presale_aov=gmv / len(paid) if len(paid) else float("nan"),
        spot_aov=spot_gmv / spot_orders if spot_orders else float("nan"),
    )


def gmv_by_counting_date(days: pd.DataFrame) -> pd.DataFrame:
    """Daily GMV counted by order time and by the balance-paid date.

    口径: a spot line counts on its order day under both; a presale line counts on its order
    (deposit) day by order time and on its balance day by balance-paid date; both series add up to
    the same total (lines of a presale order never paid are cancelled, so in neither) — except in
    a war report, where a balance not due yet counts by order time only.

    Parameters
    ----------
    days : DataFrame
        ``order_day``, ``balance_day`` (NaT/None for spot lines and unpaid balances), ``presale``
        (bool; optional, else spot where there is no balance day) and ``gmv``: GMV of lines not
        cancelled, grouped by them.

    Returns
    -------
    DataFrame
        Indexed by day: ``by_order_time``, ``by_balance_paid``, ``moved`` (the second − the first).
    """
    a = days.groupby(pd.to_datetime(days["order_day"]))["gmv"].sum()
    when = pd.to_datetime(days["balance_day"])
    spot = ~days["presale"].astype(bool) if "presale" in days else when.isna()
    when = when.where(~spot, pd.to_datetime(days["order_day"]))  # unpaid balance: no day yet
    b = days.groupby(when)["gmv"].sum()
    out = pd.DataFrame({"by_order_time": a, "by_balance_paid": b}).fillna(0.0).sort_index()
    out["moved"] = out["by_balance_paid"] - out["by_order_time"]
    return out

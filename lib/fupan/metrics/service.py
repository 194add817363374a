"""服务与履约 (service and fulfilment, ops review G8): shipping, refunds, service, reviews.

Shipping times, refunds by channel and SKU, customer service and reviews. 口径, per window (each of the card's windows and the campaign proper):

- **发货时效 shipping** (orders with ``ship_time``). An order's clock starts when it is paid: its
  first line's ``order_time``, or for a presale line its ``balance_time`` (尾款); it has shipped
  when its last line has. Left out: cancelled lines, and a line refunded without shipping
  (退款未发货 ``refunded_unshipped``: nothing was owed to ship), and a presale whose balance is not
  paid yet. An order is in the window of its paid day. ``ship_24`` / ``ship_48`` = orders shipped
  within 24 / 48 hours of payment ÷ the orders whose 24 / 48 hours had passed when the data end
  (the latest order or ship time; a war report's day): an order paid an hour before the export is
  not late yet. ``median_hours`` / ``p90_hours``: hours from payment to shipping of the shipped
  orders. ``unshipped``: orders past 48 hours and not shipped. ``before_paid``: orders shipped
  before they were paid (a data error: left out of the rates and counted).
- **退款率 refunds** (orders with ``refund_amount``): refunds ÷ GMV of the lines not cancelled,
  dated by the order line's time (the KPIs' 口径), by channel and by SKU, the campaign beside the
  baseline. The latest days' refunds are still coming in (退款成熟度, the KPI table's note).
- **退款原因 refund reasons** (the ``refunds`` table): the refunds of the campaign's orders (the
  order's first line's day in the window), by reason — rows, orders, amount and its share of the
  refunded amount, ``refund_only_share`` = 仅退款 rows ÷ rows with a type, ``before_ship_share`` =
  rows asked for before the order shipped (before its last line's ship time, or while not all of
  it had shipped) ÷ rows where that can be told (the orders carry ship times, the row its time).
  A refund whose order is not in the orders table is left out and counted.
- **客服与评价 service** (the ``service_daily`` table): 询单转化率 ``inquiry_cr`` = Σ inquiry_buyers
  ÷ Σ inquiries over the window's days; 平均首响 ``first_response`` = the days' first-response
  seconds weighted by their inquiries; 差评率 ``bad_review_rate`` = Σ bad_reviews ÷ Σ reviews;
  ``dsr`` the mean of the days' DSR and ``dsr_last`` the window's last day's.

A rate whose denominator is 0 is not measured (NaN), never 0.
"""

from __future__ import annotations

import pandas as pd

from ._ratios import ratio as _ratio

__all__ = [
    "SERVICE_SUMS",
    "SHIPPING_SUMS",
    "reason_table",
    "refund_table",
    "service_table",
    "shipping_table",
    "worst_day",
]

#: the sums per window :func:`shipping_table` reads (``fupan.analysis.ops_data.shipping``)
SHIPPING_SUMS = (
    "orders",
    "due_24",
    "shipped_24",
    "due_48",
    "shipped_48",
    "unshipped",
    "median_hours",
    "p90_hours",
    "refunded_unshipped",
    "before_paid",
)
#: the sums per window :func:`service_table` reads (``fupan.analysis.ops_data.service_sums``)
SERVICE_SUMS = (
    "days",
    "inquiries",
    "inquiry_buyers",
    "response_weighted",
    "response_inquiries",
    "reviews",
    "bad_reviews",
    "dsr",
    "dsr_last",
)


def _need(sums: pd.DataFrame, columns: tuple[str, ...], what: str) -> None:
    missing = [c for c in columns if c not in sums.columns]
    if missing:
        raise ValueError(f"{what} sums lack {missing}")


def shipping_table(sums: pd.DataFrame) -> pd.DataFrame:
    """Each window's shipping figures (口径 in the module docstring).

    Parameters
    ----------
    sums : DataFrame
        One row per window (index: the window's name) with the :data:`SHIPPING_SUMS` columns.

    Returns
    -------
    DataFrame
        ``sums`` with ``ship_24`` and ``ship_48``.

    Raises
    ------
    ValueError
        When a :data:`SHIPPING_SUMS` column is missing.
    """
    _need(sums, SHIPPING_SUMS, "shipping")
    out = sums.copy()
    out["ship_24"] = _ratio(out["shipped_24"], out["due_24"])
    out["ship_48"] = _ratio(out["shipped_48"], out["due_48"])
    return out


def worst_day(daily: pd.DataFrame, min_orders: int) -> pd.Series | None:
    """The paid day with the lowest 48-hour shipping rate.

    Among the days with at least ``min_orders`` orders due (``daily``: date, due_48, shipped_48);
    None when no day has.
    """
    d = daily[daily["due_48"] >= min_orders]
    if d.empty:
        return None
    rate = d["shipped_48"].astype(float) / d["due_48"].astype(float)
    row = d.loc[rate.idxmin()].copy()
    row["ship_48"] = float(rate.min())
    return row


def refund_table(sums: pd.DataFrame, key: str) -> pd.DataFrame:
    """Refund rates by ``key`` (channel or sku), the campaign beside the baseline.

    Parameters
    ----------
    sums : DataFrame
        ``key``, ``gmv``, ``refunds``, ``orders`` (the campaign window), ``base_gmv``,
        ``base_refunds`` (the baseline window; 0 where the key did not sell then).

    Returns
    -------
    DataFrame
        With ``refund_rate``, ``base_refund_rate`` and ``change`` (percentage points as a
        fraction: campaign − baseline; NaN where either is not measured), by refunds, largest first.
    """
    out = sums.copy()
    out["refund_rate"] = _ratio(out["refunds"], out["gmv"])
    out["base_refund_rate"] = _ratio(out["base_refunds"], out["base_gmv"])
    out["change"] = out["refund_rate"] - out["base_refund_rate"]
    return out.sort_values(["refunds", key], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )


def reason_table(sums: pd.DataFrame) -> pd.DataFrame:
    """Refund reasons with their shares (口径 in the module docstring).

    Parameters
    ----------
    sums : DataFrame
        Per reason: ``refunds``, ``orders``, ``amount``, ``refund_only``, ``return_refund``,
        ``typed``, ``before_ship``, ``timed`` (``fupan.analysis.ops_data.refund_reasons``).

    Returns
    -------
    DataFrame
        With ``amount_share``, ``refund_only_share`` and ``before_ship_share``.
    """
    out = sums.copy()
    total = float(out["amount"].sum())
    out["amount_share"] = out["amount"].astype(float) / total if total > 0 else float("nan")
    out["refund_only_share"] = _ratio(out["refund_only"], out["typed"])
    out["before_ship_share"] = _ratio(out["before_ship"], out["timed"])
    return out


def service_table(sums: pd.DataFrame) -> pd.DataFrame:
    """Each window's customer-service and review figures (口径 in the module docstring).

    Parameters
    ----------
    sums : DataFrame
        One row per window (index: its name) with the :data:`SERVICE_SUMS` columns.

    Returns
    -------
    DataFrame
        ``sums`` with ``inquiry_cr``, ``first_response`` and ``bad_review_rate``.

    Raises
    ------
    ValueError
        When a :data:`SERVICE_SUMS` column is missing.
    """
    _need(sums, SERVICE_SUMS, "service")
    out = sums.copy()
    out["inquiry_cr"] = _ratio(out["inquiry_buyers"], out["inquiries"])
    out["first_response"] = _ratio(out["response_weighted"], out["response_inquiries"])
    out["bad_review_rate"] = _ratio(out["bad_reviews"], out["reviews"])
    return out

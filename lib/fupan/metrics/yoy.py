"""同比 Year on year: a window's GMV, orders and buyers against the same days one year before.

口径: the orders are one row per order not cancelled (``user_id``, ``order_ts`` naive local
datetime64, ``gmv`` paid before refunds), as :mod:`fupan.metrics.customers` takes them; a window
``(start, end)`` is calendar days, both ends inclusive. Last year's window is
:func:`last_year`'s. Nothing here mutates an argument; invalid input raises ``ValueError``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..dictionary import FESTIVAL_DAYS
from ._runs import factorize_sorted
from .customers import _check_orders, _window

__all__ = ["DATED", "MEASURES", "YearOnYear", "last_year", "year_on_year"]

#: Festivals held on a date of the calendar (the metric dictionary's): last year's are the same dates.
DATED = frozenset(FESTIVAL_DAYS)
#: What is compared, in the order the report lists it.
MEASURES = ("gmv", "orders", "buyers", "aov", "aov_buyer")


def last_year(start: dt.date, end: dt.date, festival: str | None) -> tuple[dt.date, dt.date]:
    """The same days one year before ``start`` … ``end``.

    口径: for a festival in :data:`DATED` the same calendar dates a year earlier (29 February →
    28 February); for any other (or none) 364 days earlier — 52 weeks, so each day falls on the
    same weekday, as Black Friday and a brand day do.
    """
    if festival in DATED:

        def back(d: dt.date) -> dt.date:
            return d.replace(year=d.year - 1, day=28 if (d.month, d.day) == (2, 29) else d.day)

        return back(start), back(end)
    weeks = dt.timedelta(days=364)
    return start - weeks, end - weeks


@dataclass(frozen=True)
class YearOnYear:
    """Each window's measures this year and on the same days last year (:func:`year_on_year`).

    ``table``: one row per window; columns ``start``, ``end``, ``ly_start``, ``ly_end``,
    ``measured`` and, for each of :data:`MEASURES`, its value, ``<m>_ly`` and ``<m>_growth``
    (this / last − 1). Last year's values are NaN where ``measured`` is False (the history starts
    after last year's window opened), a growth NaN where last year had none.
    """

    table: pd.DataFrame
    festival: str | None
    history_start: pd.Timestamp

    @property
    def calendar(self) -> bool:
        """Whether last year's days are the same calendar dates (else the same weekdays)."""
        return self.festival in DATED


def _measures(o: pd.DataFrame, start: object, end: object) -> dict[str, float]:
    """GMV, orders, distinct buyers, 笔单价 (GMV / orders) and 客单价 (GMV / buyers) of a window."""
    lo, hi = _window((start, end))
    ts = o["order_ts"].to_numpy()
    inside = (ts >= lo.to_datetime64()) & (ts < hi.to_datetime64())
    buyers = len(factorize_sorted(o["user_id"].to_numpy()[inside])[1])  # runs when sorted
    gmv, orders = float(o["gmv"].to_numpy(float)[inside].sum()), int(inside.sum())
    return {
        "gmv": gmv,
        "orders": orders,
        "buyers": buyers,
        "aov": gmv / orders if orders else float("nan"),
        "aov_buyer": gmv / buyers if buyers else float("nan"),
    }


def year_on_year(
    orders: pd.DataFrame,
    windows: Mapping[str, tuple[dt.date, dt.date]],
    festival: str | None = None,
) -> YearOnYear:
    """同比: each window's GMV, orders, buyers, 笔单价 and 客单价 against :func:`last_year`'s days.

    口径: both years counted alike, from the same orders (not cancelled; GMV paid before refunds,
    by the order's time); growth = this year / last year − 1. Last year is *measured* only when
    the orders begin on or before its first day — a history that starts inside or after it would
    understate it — and otherwise left NaN, never 0.

    Raises
    ------
    ValueError
        Invalid orders (``gmv`` needed), a window that ends before it starts.
    """
    o = _check_orders(orders, money=("gmv",))
    history = o["order_ts"].min().normalize()
    rows = []
    for name, (start, end) in windows.items():
        ly_start, ly_end = last_year(start, end, festival)
        now = _measures(o, start, end)
        measured = bool(history <= pd.Timestamp(ly_start))
        before = (
            _measures(o, ly_start, ly_end) if measured else dict.fromkeys(MEASURES, float("nan"))
        )
        row: dict[str, object] = {
            "window": name,
            "start": start,
            "end": end,
            "ly_start": ly_start,
            "ly_end": ly_end,
            "measured": measured,
        }
        for m in MEASURES:
            last = float(before[m])
            row[m] = now[m]
            row[f"{m}_ly"] = last
            row[f"{m}_growth"] = now[m] / last - 1 if measured and last > 0 else float("nan")
        rows.append(row)
    return YearOnYear(pd.DataFrame(rows).set_index("window"), festival, history)

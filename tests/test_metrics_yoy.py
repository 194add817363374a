"""同比 (metrics.yoy): last year's days by hand, a tiny frame counted by hand, and UCI Online
Retail's first December week against 52 weeks before, recounted with plain pandas."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from conftest import uci_invoices
from fupan.metrics.yoy import last_year, year_on_year

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "festival", "expected"),
    [
        # a dated festival: the same calendar dates
        (D(2025, 11, 1), D(2025, 11, 11), "double11", (D(2024, 11, 1), D(2024, 11, 11))),
        (D(2024, 2, 20), D(2024, 2, 29), "38", (D(2023, 2, 20), D(2023, 2, 28))),  # leap day
        # Black Friday 2025 (28 Nov) and 2024 (29 Nov), both Fridays: 364 days apart
        (D(2025, 11, 28), D(2025, 12, 1), "black-friday", (D(2024, 11, 29), D(2024, 12, 2))),
        (D(2025, 7, 7), D(2025, 7, 9), None, (D(2024, 7, 8), D(2024, 7, 10))),
    ],
)
def test_last_years_days_by_hand(start, end, festival, expected):
    got = last_year(start, end, festival)
    assert got == expected
    if festival not in ("double11", "38"):
        assert [d.weekday() for d in got] == [start.weekday(), end.weekday()]


def orders(rows):
    df = pd.DataFrame(rows, columns=["user_id", "order_ts", "gmv"])
    return df.assign(order_ts=pd.to_datetime(df["order_ts"]), net=df["gmv"])


TINY = orders(
    [
        ("a", "2024-11-01 10:00", 100.0),  # last year's window (double11: same dates)
        ("a", "2024-11-11 23:59", 50.0),  # its last day, inclusive
        ("b", "2024-11-05 09:00", 30.0),
        ("b", "2024-11-12 00:00", 999.0),  # the day after: not counted
        ("a", "2025-11-01 00:00", 120.0),  # this year's window
        ("c", "2025-11-03 12:00", 60.0),
        ("c", "2025-11-04 12:00", 60.0),
        ("d", "2025-11-11 08:00", 80.0),
    ]
)


def test_year_on_year_by_hand():
    y = year_on_year(
        TINY.sample(frac=1, random_state=1),
        {"burst": (D(2025, 11, 1), D(2025, 11, 11))},
        "double11",
    )
    row = y.table.loc["burst"]
    assert bool(row.measured) and y.calendar
    assert (row.ly_start, row.ly_end) == (D(2024, 11, 1), D(2024, 11, 11))
    # this year: 120 + 60 + 60 + 80 = 320 over 4 orders, 3 buyers; last: 180 over 3, 2 buyers
    assert (row.gmv, row.orders, row.buyers) == (320.0, 4, 3)
    assert (row.gmv_ly, row.orders_ly, row.buyers_ly) == (180.0, 3, 2)
    assert row.gmv_growth == pytest.approx(320 / 180 - 1)
    assert row.aov == 80.0 and row.aov_ly == 60.0 and row.aov_growth == pytest.approx(1 / 3)
    assert row.aov_buyer == pytest.approx(320 / 3) and row.aov_buyer_ly == 90.0
    assert row.buyers_growth == pytest.approx(0.5)


def test_a_history_that_begins_inside_last_years_window_is_not_measured():
    """Orders from 2024-11-05 on: last year's 11-01 … 11-11 would be counted from its fifth day —
    not measured (NaN), never a 0 or a flattering growth."""
    late = TINY[TINY["order_ts"] >= "2024-11-05"]
    row = year_on_year(late, {"burst": (D(2025, 11, 1), D(2025, 11, 11))}, "double11").table.loc[
        "burst"
    ]
    assert not row.measured
    assert np.isnan(row.gmv_ly) and np.isnan(row.gmv_growth) and np.isnan(row.buyers_ly)
    assert row.gmv == 320.0  # this year is still counted


def test_last_year_without_a_sale_has_no_growth():
    """A measured window last year with no order (2024-11-03 … 04: the history began 11-01):
    0 GMV last year, and a growth that is not a number rather than infinite."""
    y = year_on_year(TINY, {"w": (D(2025, 11, 3), D(2025, 11, 4))}, "double11")
    row = y.table.loc["w"]
    assert bool(row.measured) and row.gmv_ly == 0.0 and row.gmv == 120.0
    assert np.isnan(row.gmv_growth) and np.isnan(row.aov_ly)


def test_year_on_year_rejects_bad_input():
    with pytest.raises(ValueError, match="gmv"):
        year_on_year(TINY.drop(columns="gmv"), {"w": (D(2025, 11, 1), D(2025, 11, 11))})
    with pytest.raises(ValueError, match="before it starts"):
        year_on_year(TINY, {"w": (D(2025, 11, 11), D(2025, 11, 1))})


@pytest.mark.realdata
def test_uci_first_december_week_against_52_weeks_before():
    """UCI Online Retail begins 2010-12-01; its last days are 2011-12-01 … 12-09. No festival: 52
    weeks earlier is 2010-12-02 … 12-10, inside the history — measured, and recounted here
    from the invoices with plain pandas (cancellations and returns out, customers known)."""
    inv = uci_invoices()
    y = year_on_year(inv, {"w": (D(2011, 12, 1), D(2011, 12, 9))})
    row = y.table.loc["w"]
    assert (row.ly_start, row.ly_end) == (D(2010, 12, 2), D(2010, 12, 10)) and row.measured
    for lo, hi, suffix in (("2011-12-01", "2011-12-10", ""), ("2010-12-02", "2010-12-11", "_ly")):
        w = inv[(inv.order_ts >= lo) & (inv.order_ts < hi)]
        assert row[f"gmv{suffix}"] == pytest.approx(w.gmv.sum(), rel=1e-12)
        assert row[f"orders{suffix}"] == len(w)
        assert row[f"buyers{suffix}"] == w.user_id.nunique()
    assert row.gmv_growth == pytest.approx(row.gmv / row.gmv_ly - 1)
    print(y.table.T)

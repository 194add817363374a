"""Inventory health (METHODS.md §5): every expected value is worked out by hand in a comment.

Stock, start of day, 2025-01-01 … 01-08 (d1 … d8):
    A: 5 3 0 0 4 0 2 2      → out of stock on d3, d4 (one run) and d6 (another)
    B: 10 on every day      → never out
Sales (units / GMV / COGS): A d1 2/20/8, A d2 3/30/12, A d5 4/24/16, B d1 1/50/20,
and Z d2 1/99/40 — Z has no stock rows, so it is never counted. Unit cost: A 4, B 20.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from fupan.metrics.inventory import (
    fulfilment_cost_share,
    lost_gmv_from_stockouts,
    oversell_rate,
    slow_moving_rate,
    stockout_rate,
    turnover_days,
)

DAYS = [f"2025-01-0{i}" for i in range(1, 9)]
STOCK = pd.DataFrame(
    {"date": DAYS * 2, "sku": ["A"] * 8 + ["B"] * 8, "on_hand": [5, 3, 0, 0, 4, 0, 2, 2] + [10] * 8}
)
SALES = pd.DataFrame(
    {
        "date": ["2025-01-01", "2025-01-02", "2025-01-05", "2025-01-01", "2025-01-02"],
        "sku": ["A", "A", "A", "B", "Z"],
        "units": [2, 3, 4, 1, 1],
        "gmv": [20.0, 30.0, 24.0, 50.0, 99.0],
        "cogs": [8.0, 12.0, 16.0, 20.0, 40.0],
    }
)
COST = pd.Series({"A": 4.0, "B": 20.0})


@pytest.fixture(autouse=True)
def _inputs_are_not_mutated():
    before = STOCK.copy(), SALES.copy(), COST.copy()
    yield
    assert_frame_equal(STOCK, before[0])
    assert_frame_equal(SALES, before[1])
    pd.testing.assert_series_equal(COST, before[2])


# ----------------------------------------------------------------------------- stock-out rate
@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2025-01-01", "2025-01-08", 3 / 16),  # A out d3, d4, d6 of 16 SKU-days
        ("2025-01-03", "2025-01-04", 2 / 4),  # A out both days, B in
        ("2025-01-07", "2025-01-08", 0.0),
        ("2024-12-01", "2025-01-01", 0 / 2),  # only d1 is in the table
    ],
)
def test_stockout_rate_by_hand(start, end, expected):
    assert stockout_rate(STOCK, start, end) == pytest.approx(expected)


def test_stockout_rate_counts_only_recorded_sku_days():
    # drop B on d3: 2025-01-03 … 01-04 then holds A d3 (out), A d4 (out), B d4 (in) → 2/3
    partial = STOCK.drop(index=10)
    assert stockout_rate(partial, "2025-01-03", "2025-01-04") == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    ("stock", "start", "end", "match"),
    [
        (STOCK.drop(columns="on_hand"), "2025-01-01", "2025-01-02", "lacks column"),
        (STOCK.assign(on_hand=-1), "2025-01-01", "2025-01-02", "≥ 0"),
        (STOCK.assign(on_hand=1.5), "2025-01-01", "2025-01-02", "whole units"),
        (pd.concat([STOCK, STOCK.iloc[:1]]), "2025-01-01", "2025-01-02", "two rows"),
        (STOCK.assign(date=DAYS + DAYS[:7] + ["soon"]), "2025-01-01", "2025-01-02", "not dates"),
        (STOCK, "2025-01-02", "2025-01-01", "after end"),
        (STOCK, "2025-02-01", "2025-02-02", "no SKU-days"),
        (STOCK, "never", "2025-02-02", "must be a date"),
    ],
)
def test_stockout_rate_rejects_bad_input(stock, start, end, match):
    with pytest.raises(ValueError, match=match):
        stockout_rate(stock, start, end)


# ----------------------------------------------------------------------------- slow-moving rate
@pytest.mark.parametrize(
    ("as_of", "days", "in_stock_only", "expected"),
    [
        ("2025-01-08", 3, True, 2 / 2),  # d6–d8: neither A nor B sold
        ("2025-01-08", 4, True, 1 / 2),  # d5–d8: A sold on d5, B did not
        ("2025-01-08", 8, True, 0 / 2),  # d1–d8: both sold on d1
        ("2025-01-03", 2, True, 1 / 1),  # d2–d3: A is out on d3 so only B counts; B did not sell
        ("2025-01-03", 2, False, 1 / 2),  # same, A counted too: A sold on d2
    ],
)
def test_slow_moving_rate_by_hand(as_of, days, in_stock_only, expected):
    assert slow_moving_rate(
        STOCK, SALES, as_of, days, in_stock_only=in_stock_only
    ) == pytest.approx(expected)


def test_a_zero_unit_sale_is_no_sale():
    # B's d1 row carries GMV but 0 units → B has no sale in d1–d8; A sold → 1/2
    no_units = SALES.assign(units=[2, 3, 4, 0, 1])
    assert slow_moving_rate(STOCK, no_units, "2025-01-08", 8) == pytest.approx(1 / 2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"days": 0}, "positive integer"),
        ({"days": 2.5}, "positive integer"),
        ({"as_of": "2025-03-01"}, "no snapshot on 2025-03-01, .* last before is 2025-01-08"),
        ({"stock": STOCK.assign(on_hand=0)}, "no SKU with on_hand > 0 on 2025-01-08"),
        ({"sales": SALES.drop(columns="units")}, "lacks column"),
        ({"sales": SALES.assign(units=[1, np.nan, 1, 1, 1])}, "finite"),
    ],
)
def test_slow_moving_rate_rejects_bad_input(kwargs, match):
    args = {"stock": STOCK, "sales": SALES, "as_of": "2025-01-08", "days": 3} | kwargs
    with pytest.raises(ValueError, match=match):
        slow_moving_rate(**args)


# ----------------------------------------------------------------------------- oversell rate
def test_oversell_rate_by_hand():
    assert oversell_rate(pd.DataFrame({"oversold": [False, True, False, False]})) == pytest.approx(
        1 / 4
    )
    # order lines: o1 has an oversold line, o2 not → 1 of 2 orders
    lines = pd.DataFrame({"order_id": ["o1", "o1", "o2"], "oversold": [False, True, False]})
    assert oversell_rate(lines) == pytest.approx(1 / 2)


@pytest.mark.parametrize(
    ("orders", "match"),
    [
        (pd.DataFrame({"order_id": ["o1"]}), "oversold"),
        (pd.DataFrame({"oversold": [1, 0]}), "boolean"),
        (pd.DataFrame({"oversold": pd.array([True, None], dtype="boolean")}), "missing"),
        (pd.DataFrame({"oversold": pd.Series([], dtype=bool)}), "no rows"),
        (pd.DataFrame({"order_id": ["o1", None], "oversold": [True, False]}), "order_id"),
    ],
)
def test_oversell_rate_rejects_bad_input(orders, match):
    with pytest.raises(ValueError, match=match):
        oversell_rate(orders)


# ----------------------------------------------------------------------------- turnover days
def test_turnover_days_by_hand():
    # inventory value d1 = 5·4 + 10·20 = 220, d2 = 3·4 + 10·20 = 212 → average 216
    # COGS d1–d2 for stocked SKUs = 8 + 12 + 20 = 40 (Z's 40 is not stocked) → 20 a day → 216/20
    assert turnover_days(STOCK, SALES, "2025-01-01", "2025-01-02", COST) == pytest.approx(10.8)
    # without a cogs column: units × cost = 2·4 + 3·4 + 1·20 = 40 → the same 10.8
    assert turnover_days(
        STOCK, SALES.drop(columns="cogs"), "2025-01-01", "2025-01-02", COST
    ) == pytest.approx(10.8)
    # the cogs column wins when present: doubled COGS → 216/40
    assert turnover_days(
        STOCK, SALES.assign(cogs=SALES.cogs * 2), "2025-01-01", "2025-01-02", COST
    ) == pytest.approx(5.4)


def test_turnover_days_without_cogs_is_infinite():
    # d3–d4: inventory 200 a day (A is out), nothing sold → stock never turns
    assert turnover_days(STOCK, SALES, "2025-01-03", "2025-01-04", COST) == math.inf
    empty = STOCK.assign(on_hand=0)
    assert math.isnan(turnover_days(empty, SALES, "2025-01-03", "2025-01-04", COST))


def test_turnover_days_needs_a_cost_only_where_it_matters():
    # A is out of stock d3–d4 and sold nothing there, so it needs no cost in that window
    assert turnover_days(STOCK, SALES, "2025-01-03", "2025-01-04", COST.drop("A")) == math.inf


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"unit_cost": COST.drop("B")}, "no cost for 1 SKU"),
        ({"unit_cost": pd.Series({"A": 4.0, "B": np.nan})}, "no cost"),
        ({"unit_cost": pd.Series({"A": 4.0, "B": -1.0})}, "≥ 0"),
        ({"unit_cost": {"A": 4.0, "B": 20.0}}, "Series"),
        ({"unit_cost": pd.Series([4.0, 20.0, 1.0], index=["A", "B", "A"])}, "twice"),
        ({"stock": STOCK[STOCK.date != "2025-01-02"]}, "no snapshot"),
        ({"sales": SALES.assign(cogs=[8.0, np.nan, 16.0, 20.0, 40.0])}, "finite"),
        ({"sales": SALES.drop(columns=["cogs", "units"])}, "lacks column"),
        # A is out of stock on d5 here yet sold 4 units: COGS derived from units needs A's cost
        (
            {
                "stock": STOCK.assign(on_hand=[5, 3, 0, 0, 0, 0, 2, 2] + [10] * 8),
                "sales": SALES.drop(columns="cogs"),
                "unit_cost": COST.drop("A"),
                "start": "2025-01-05",
                "end": "2025-01-05",
            },
            "units sold",
        ),
    ],
)
def test_turnover_days_rejects_bad_input(kwargs, match):
    args = {
        "stock": STOCK,
        "sales": SALES,
        "start": "2025-01-01",
        "end": "2025-01-02",
        "unit_cost": COST,
    } | kwargs
    with pytest.raises(ValueError, match=match):
        turnover_days(**args)


# ----------------------------------------------------------------------------- lost GMV
def _lost(start: str = "2025-01-01", end: str = "2025-01-08", **kwargs) -> pd.DataFrame:
    return lost_gmv_from_stockouts(STOCK, SALES, start, end, **kwargs)


def test_lost_gmv_by_hand():
    # lookback 2. Run d3–d4 began d3: d1, d2 in stock, GMV 20, 30 → rate 25; 2 days → 50.
    # Run d6 began d6: d4 out (left out), d5 GMV 24 → rate 24; 1 day → 24. A: 3 days, 74.
    # run_rate = (25 + 25 + 24)/3; B never out → no row.
    expected = pd.DataFrame(
        {
            "sku": ["A", "_all"],
            "stockout_days": np.array([3, 3], dtype="int64"),
            "run_rate": [74 / 3, np.nan],
            "lost_gmv": [74.0, 74.0],
            "unrated_days": np.array([0, 0], dtype="int64"),
        }
    )
    assert_frame_equal(_lost(lookback=2), expected)


@pytest.mark.parametrize(
    ("kwargs", "days", "lost"),
    [
        # lookback 4: run d3 → d−1…d2, only d1, d2 recorded → 25 (×2 = 50); run d6 → d2…d5: d2 30, d5 24 → 27
        ({"lookback": 4}, 3, 77.0),
        # uplift ×3 on d4 and ×2 on d6 (d3 absent → ×1): 25 + 75 + 48
        ({"lookback": 2, "uplift": pd.Series({"2025-01-04": 3.0, "2025-01-06": 2.0})}, 3, 148.0),
        # window d4–d6: d4 belongs to the run begun d3 (rate 25), d6 → 24
        ({"lookback": 2, "start": "2025-01-04", "end": "2025-01-06"}, 2, 49.0),
        # window d7–d8: no stock-out → only the total row, with 0 days and 0 lost
        ({"start": "2025-01-07"}, 0, 0.0),
    ],
)
def test_lost_gmv_variants_by_hand(kwargs, days, lost):
    total = _lost(**kwargs).iloc[-1]
    assert (
        total.sku == "_all"
        and total.stockout_days == days
        and total.lost_gmv == pytest.approx(lost)
    )


def test_a_run_without_an_in_stock_lookback_is_unrated():
    # C is out from the first recorded day (d1, d2): nothing to rate from → 2 unrated days, NaN loss;
    # D is out on d2 after selling 12 on d1 → 12. Total lost sums what could be rated.
    stock = pd.DataFrame(
        {
            "date": ["2025-01-01", "2025-01-02"] * 2,
            "sku": ["C", "C", "D", "D"],
            "on_hand": [0, 0, 5, 0],
        }
    )
    sales = pd.DataFrame({"date": ["2025-01-01"], "sku": ["D"], "gmv": [12.0]})
    out = lost_gmv_from_stockouts(stock, sales, "2025-01-01", "2025-01-02")
    assert out.sku.tolist() == ["D", "C", "_all"]
    assert (
        out.lost_gmv.tolist()[0] == 12.0
        and math.isnan(out.lost_gmv.iloc[1])
        and out.lost_gmv.iloc[2] == 12.0
    )
    assert out.unrated_days.tolist() == [0, 2, 2] and out.stockout_days.tolist() == [1, 2, 3]


def test_a_run_rate_over_campaign_days_is_not_lifted_twice():
    """F sells 100 a day at everyday level; days 5–9 are campaign days of uplift 2 and it sells
    200 on them; it is out of stock on day 10 (uplift 2). By hand: the 9 in-stock days before,
    each at everyday level (100, 100, 100, 100, 200/2 × 5) → rate 100; lost = 100 × 2 = 200.
    Averaging the raw days (155.6) and lifting again gave 311."""
    days = pd.date_range("2025-01-01", periods=10).strftime("%Y-%m-%d").tolist()
    stock = pd.DataFrame({"date": days, "sku": "F", "on_hand": [9] * 9 + [0]})
    sales = pd.DataFrame({"date": days[:9], "sku": "F", "gmv": [100.0] * 4 + [200.0] * 5})
    uplift = pd.Series([1.0] * 4 + [2.0] * 6, index=pd.to_datetime(days))
    out = lost_gmv_from_stockouts(stock, sales, days[0], days[-1], uplift=uplift)
    f = out[out.sku == "F"].iloc[0]
    assert f.run_rate == pytest.approx(100.0) and f.lost_gmv == pytest.approx(200.0)
    # without the uplift: the raw mean, no lift — the conservative floor as before
    floor = lost_gmv_from_stockouts(stock, sales, days[0], days[-1])
    assert floor[floor.sku == "F"].lost_gmv.iloc[0] == pytest.approx((400 + 1000) / 9)


def test_a_missing_day_ends_a_run():
    # E: d1 in stock (GMV 6), d2 out, d3 no row, d4 out → two runs, not one. Run d2 is rated on
    # d1 → 6. Run d4 looks back at d2 (out) and d3 (unknown) → unrated. Had the gap not ended the
    # run, d4 would be rated 6 too and the loss would be 12.
    stock = pd.DataFrame(
        {"date": ["2025-01-01", "2025-01-02", "2025-01-04"], "sku": "E", "on_hand": [1, 0, 0]}
    )
    sales = pd.DataFrame({"date": ["2025-01-01"], "sku": ["E"], "gmv": [6.0]})
    out = lost_gmv_from_stockouts(stock, sales, "2025-01-01", "2025-01-04", lookback=2)
    assert out.iloc[0].tolist() == ["E", 2, 6.0, 6.0, 1]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"lookback": 0}, "positive integer"),
        ({"uplift": pd.Series({"2025-01-04": 0.0})}, "> 0"),
        ({"uplift": pd.Series([2.0], index=["later"])}, "indexed by dates"),
        ({"uplift": [1.0, 2.0]}, "Series"),
        ({"start": "2026-01-01", "end": "2026-01-02"}, "no SKU-days"),
    ],
)
def test_lost_gmv_rejects_bad_input(kwargs, match):
    with pytest.raises(ValueError, match=match):
        _lost(**kwargs)


# ----------------------------------------------------------------------------- fulfilment cost share
def test_fulfilment_cost_share_by_hand():
    assert fulfilment_cost_share([3.0, 5.0, 2.0], 200.0) == pytest.approx(10 / 200)
    assert fulfilment_cost_share(pd.Series([1.0, 1.0]), 40.0) == pytest.approx(0.05)
    assert fulfilment_cost_share(7.5, 150.0) == pytest.approx(0.05)


@pytest.mark.parametrize(
    ("costs", "gmv", "match"),
    [
        ([1.0, -1.0], 100.0, "≥ 0"),
        ([1.0, np.nan], 100.0, "finite"),
        ([], 100.0, "no variable costs"),
        ([1.0], 0.0, "positive"),
        ([1.0], float("nan"), "positive"),
        (["x"], 100.0, "numbers"),
        (pd.DataFrame({"fee": [1.0]}), 100.0, "DataFrame"),
    ],
)
def test_fulfilment_cost_share_rejects_bad_input(costs, gmv, match):
    with pytest.raises(ValueError, match=match):
        fulfilment_cost_share(costs, gmv)


# ----------------------------------------------------------------------------- loops as oracles
DATES = pd.date_range("2025-01-01", periods=8).strftime("%Y-%m-%d").tolist()
stock_rows = st.dictionaries(
    st.tuples(st.sampled_from(DATES), st.sampled_from(["s1", "s2", "s3", "s4"])),
    st.integers(0, 3),
    min_size=1,
    max_size=32,
)
sale_rows = st.lists(
    st.tuples(
        st.sampled_from(DATES),
        st.sampled_from(["s1", "s2", "s3", "s9"]),
        st.integers(0, 2),
        st.integers(0, 50),
    ),
    max_size=25,
)


def _tables(stock: dict, sales: list) -> tuple[pd.DataFrame, pd.DataFrame]:
    s = pd.DataFrame([(d, k, n) for (d, k), n in stock.items()], columns=["date", "sku", "on_hand"])
    return s, pd.DataFrame(sales, columns=["date", "sku", "units", "gmv"]).astype({"gmv": float})


@settings(max_examples=100, deadline=None)
@given(stock_rows, st.sampled_from(DATES), st.sampled_from(DATES))
def test_stockout_rate_equals_a_loop(stock, a, b):
    start, end = min(a, b), max(a, b)
    rows = [n for (d, _), n in stock.items() if start <= d <= end]
    s, _ = _tables(stock, [])
    if not rows:
        with pytest.raises(ValueError, match="no SKU-days"):
            stockout_rate(s, start, end)
    else:
        assert stockout_rate(s, start, end) == pytest.approx(sum(n == 0 for n in rows) / len(rows))


@settings(max_examples=100, deadline=None)
@given(stock_rows, sale_rows, st.sampled_from(DATES), st.integers(1, 9), st.booleans())
def test_slow_moving_rate_equals_a_loop(stock, sales, as_of, days, in_stock_only):
    first = DATES[max(DATES.index(as_of) - days + 1, 0)]
    skus = {k for (d, k), n in stock.items() if d == as_of and (n > 0 or not in_stock_only)}
    slow = [
        k
        for k in skus
        if not any(sk == k and first <= d <= as_of and u > 0 for d, sk, u, _ in sales)
    ]
    s, sl = _tables(stock, sales)
    if not skus:  # a day without any stock row is said to be one (a weekly export?)
        held = any(d == as_of for d, _ in stock)
        with pytest.raises(ValueError, match="no SKU" if held else "no snapshot"):
            slow_moving_rate(s, sl, as_of, days, in_stock_only=in_stock_only)
    else:
        assert slow_moving_rate(s, sl, as_of, days, in_stock_only=in_stock_only) == pytest.approx(
            len(slow) / len(skus)
        )


@settings(max_examples=100, deadline=None)
@given(stock_rows, sale_rows, st.integers(1, 4))
def test_lost_gmv_equals_a_loop(stock, sales, lookback):
    # every out-of-stock SKU-day in d3…d8: walk back to the first day of its run, then average the
    # GMV of the in-stock days among the `lookback` days before it
    day = {d: i for i, d in enumerate(DATES)}
    gmv: dict[tuple, float] = {}
    for d, k, _, g in sales:
        gmv[(d, k)] = gmv.get((d, k), 0.0) + g
    lost: dict[str, float] = {}
    for (d, k), n in stock.items():
        if n > 0 or day[d] < 2:
            continue
        i = day[d]
        while i > 0 and stock.get((DATES[i - 1], k)) == 0:
            i -= 1
        before = [
            gmv.get((DATES[j], k), 0.0)
            for j in range(max(i - lookback, 0), i)
            if stock.get((DATES[j], k), 0) > 0
        ]
        if before:
            lost[k] = lost.get(k, 0.0) + sum(before) / len(before)
    s, sl = _tables(stock, sales)
    if not any(day[d] >= 2 for d, _ in stock):
        with pytest.raises(ValueError, match="no SKU-days"):
            lost_gmv_from_stockouts(s, sl, DATES[2], DATES[-1], lookback=lookback)
        return
    out = lost_gmv_from_stockouts(s, sl, DATES[2], DATES[-1], lookback=lookback).set_index("sku")
    assert out.loc["_all", "lost_gmv"] == pytest.approx(sum(lost.values()))
    for k, v in lost.items():
        assert out.loc[k, "lost_gmv"] == pytest.approx(v)

"""Customer metrics on the real UCI Online Retail data (Chen, Sain & Guo 2012; METHODS.md §7).

Oracles: the published counts of the data set, partition and consistency identities that must hold
whatever the numbers, and brute-force per-customer loops for the k-day repeat rate.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from fupan.metrics.customers import (
    SEGMENTS,
    buyer_mix,
    cohort_counts,
    cohort_matrix,
    repeat_rate,
    rfm_scores,
    rfm_segments,
)

pytestmark = pytest.mark.realdata

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
RETAIL = DATASETS / "uci-online-retail" / "online_retail.parquet"
COLUMNS = ["InvoiceNo", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID", "Country"]
N_CUSTOMERS_CLEAN = 4_339  # after dropping cancellations, non-positive quantities, null CustomerID
DATA_END = "2011-12-09"


@pytest.fixture(scope="module")
def lines() -> pd.DataFrame:
    if not RETAIL.exists():
        reason = (
            f"{RETAIL} is absent; see ../shared/datasets/SOURCES.md for the UCI Online Retail data"
        )
        print(reason)
        pytest.skip(reason)
    return pd.read_parquet(RETAIL, columns=COLUMNS)


@pytest.fixture(scope="module")
def clean(lines: pd.DataFrame) -> pd.DataFrame:
    cancelled = lines["InvoiceNo"].str.startswith("C").astype(bool)
    return lines[~cancelled & (lines["Quantity"] > 0) & lines["CustomerID"].notna()]


@pytest.fixture(scope="module")
def orders(clean: pd.DataFrame) -> pd.DataFrame:
    """One row per invoice: user = CustomerID as text, time of the first line, Σ quantity × price."""
    per_order = (
        clean.assign(amount=clean["Quantity"] * clean["UnitPrice"])
        .groupby("InvoiceNo")
        .agg(
            user_id=("CustomerID", "first"), order_ts=("InvoiceDate", "min"), gmv=("amount", "sum")
        )
        .reset_index(drop=True)
    )
    return per_order.assign(
        user_id=per_order["user_id"].astype("int64").astype(str), net=per_order["gmv"]
    )


def test_published_counts(lines: pd.DataFrame) -> None:
    assert len(lines) == 541_909
    assert lines["InvoiceNo"].nunique() == 25_900
    assert lines["CustomerID"].nunique() == 4_372  # nunique ignores nulls
    assert int(lines["CustomerID"].isna().sum()) == 135_080
    assert lines["Country"].nunique() == 38
    assert lines["InvoiceDate"].min() == pd.Timestamp("2010-12-01 08:26")
    assert lines["InvoiceDate"].max() == pd.Timestamp("2011-12-09 12:50")


def test_customers_after_cleaning(clean: pd.DataFrame, orders: pd.DataFrame) -> None:
    assert clean["CustomerID"].nunique() == N_CUSTOMERS_CLEAN
    assert orders["user_id"].nunique() == N_CUSTOMERS_CLEAN
    assert (
        clean.groupby("InvoiceNo")["CustomerID"].nunique() == 1
    ).all()  # one customer per invoice


@pytest.mark.parametrize("threshold", ["mean", "median"])
def test_rfm_segments_partition_the_customers(orders: pd.DataFrame, threshold: str) -> None:
    rfm = rfm_scores(orders, pd.Timestamp(DATA_END) + pd.Timedelta(days=1))
    seg = rfm_segments(rfm, threshold)
    assert len(seg) == N_CUSTOMERS_CLEAN and seg.index.is_unique
    assert seg["segment"].notna().all() and set(seg["segment"]) <= set(SEGMENTS)
    sizes = seg["segment"].value_counts().reindex(list(SEGMENTS))
    assert int(sizes.sum()) == N_CUSTOMERS_CLEAN
    # each quintile holds a fifth of the customers (rank(method="first") breaks the ties)
    for col in ("r_score", "f_score", "m_score"):
        counts = rfm[col].value_counts()
        assert sorted(counts.index) == [1, 2, 3, 4, 5]
        assert counts.max() - counts.min() <= 1


def test_cohorts_on_real_data(orders: pd.DataFrame) -> None:
    matrix = cohort_matrix(orders, "M")
    assert (matrix[0] == 1.0).all()  # month 0 is exactly 100 % for every cohort
    assert int(cohort_counts(orders, "M")[0].sum()) == N_CUSTOMERS_CLEAN
    assert len(matrix) == 13  # 2010-12 … 2011-12
    assert int(cohort_counts(orders, "W")[0].sum()) == N_CUSTOMERS_CLEAN


@pytest.mark.parametrize("k", [30, 90])
def test_repeat_rate_equals_brute_force(orders: pd.DataFrame, k: int) -> None:
    times: dict[str, list] = defaultdict(list)
    for user, ts in zip(orders["user_id"], orders["order_ts"], strict=True):
        times[user].append(ts.to_pydatetime())
    cutoff = pd.Timestamp(DATA_END).date() - timedelta(days=k)
    eligible = repeaters = 0
    for user_times in times.values():
        first = min(user_times)
        if first.date() <= cutoff:
            eligible += 1
            repeaters += any(first < t <= first + timedelta(days=k) for t in user_times)
    got = repeat_rate(orders, list(times), k, DATA_END)
    assert (got.n_eligible, got.n_repeat) == (eligible, repeaters)
    assert got.n_censored == N_CUSTOMERS_CLEAN - eligible
    assert got.rate == repeaters / eligible


def test_buyer_mix_equals_a_per_customer_loop(orders: pd.DataFrame) -> None:
    """November 2011 (the data's busiest month): new, returning and reactivated buyers, their
    orders and GMV, and the dormant pool, recounted customer by customer in plain Python."""
    lo, hi = pd.Timestamp("2011-11-01"), pd.Timestamp("2011-12-01")
    asleep_before = lo - pd.Timedelta(days=179)  # latest order's day ≤ start − 180 days
    latest: dict[str, pd.Timestamp] = {}
    for user, ts in zip(orders["user_id"], orders["order_ts"], strict=True):
        if ts < lo and (user not in latest or ts > latest[user]):
            latest[user] = ts
    dormant = {u for u, ts in latest.items() if ts < asleep_before}
    buyers: dict[str, set] = defaultdict(set)
    n_orders: dict[str, int] = defaultdict(int)
    gmv: dict[str, float] = defaultdict(float)
    for user, ts, g in zip(orders["user_id"], orders["order_ts"], orders["gmv"], strict=True):
        if lo <= ts < hi:
            kind = (
                "new" if user not in latest else "reactivated" if user in dormant else "returning"
            )
            buyers[kind].add(user)
            n_orders[kind] += 1
            gmv[kind] += g
    m = buyer_mix(orders, "2011-11-01", "2011-11-30")
    t = m.table
    for kind in ("new", "returning", "reactivated"):
        assert t.at[kind, "buyers"] == len(buyers[kind])
        assert t.at[kind, "orders"] == n_orders[kind]
        assert t.at[kind, "gmv"] == pytest.approx(gmv[kind], rel=1e-12)
    assert m.dormant == len(dormant) and m.reactivated == len(buyers["reactivated"])
    assert 0 < m.reactivated < m.dormant  # the real data has both: a rate that is neither 0 nor 1
    print(t, m.dormant, m.reactivated, m.rate)

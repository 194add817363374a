"""The per-customer figures read off a log in customer-then-time order equal those of the general
path (hashing group-bys) on the same rows shuffled — the second implementation each fast path is
checked against — and the helpers themselves against numpy/pandas by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from fupan.metrics._runs import factorize_sorted, in_run_order, run_starts
from fupan.metrics.clv import summary_from_transactions
from fupan.metrics.customers import cohort_counts


def _log(seed: int, customers: int = 400, orders: int = 3000) -> pd.DataFrame:
    """A sorted log as the extract hands it: uint64 keys (hashes), then time; some customers
    with several orders in one week, some with one order only."""
    rng = np.random.default_rng(seed)
    keys = rng.choice(np.arange(2**62, 2**62 + 10**9, dtype=np.uint64), customers, replace=False)
    user = rng.choice(keys, orders)
    ts = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 300 * 86400, orders), "s")
    net = np.round(rng.gamma(2.0, 80.0, orders), 2)
    frame = pd.DataFrame({"user_key": user, "order_ts": ts, "net": net})
    return frame.sort_values(["user_key", "order_ts"], kind="stable").reset_index(drop=True)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_summary_from_a_sorted_log_equals_the_shuffled_log(seed: int) -> None:
    log = _log(seed)
    shuffled = log.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    assert not in_run_order(*factorize_sorted(shuffled["user_key"])[:1], shuffled.order_ts.values)
    end = pd.Timestamp("2025-10-31 23:59:59")
    fast = summary_from_transactions(log, "user_key", "order_ts", "net", end, freq="W")
    general = summary_from_transactions(shuffled, "user_key", "order_ts", "net", end, freq="W")
    pd.testing.assert_frame_equal(fast, general, check_exact=False, rtol=1e-12)
    # and against a count by hand: distinct weeks per customer − 1
    weeks = log.assign(w=log.order_ts.dt.to_period("W")).groupby("user_key").w.nunique() - 1
    assert fast["frequency"].to_dict() == weeks.astype(float).to_dict()


@pytest.mark.parametrize("seed", [3, 4])
def test_cohort_counts_from_a_sorted_log_equal_the_shuffled_log(seed: int) -> None:
    log = _log(seed).rename(columns={"user_key": "user_id"})
    shuffled = log.sample(frac=1.0, random_state=seed).reset_index(drop=True)
    fast, general = cohort_counts(log), cohort_counts(shuffled)
    pd.testing.assert_frame_equal(fast, general)
    # cohort sizes by hand: customers per month of their first order
    first = log.groupby("user_id").order_ts.min().dt.to_period("M").value_counts().sort_index()
    assert fast[0].astype(int).tolist() == first.tolist()


def test_factorize_sorted_agrees_with_pandas() -> None:
    sorted_values = np.array([3, 3, 5, 9, 9, 9, 12], dtype=np.uint64)
    codes, uniques = factorize_sorted(sorted_values)
    assert codes.tolist() == [0, 0, 1, 2, 2, 2, 3]
    assert list(uniques) == [3, 5, 9, 12]
    unsorted = np.array([9, 3, 9, 5], dtype=np.int64)  # the general path, appearance order
    codes, uniques = factorize_sorted(unsorted, sort=False)
    expected_codes, expected_uniques = pd.factorize(unsorted)
    assert codes.tolist() == expected_codes.tolist()
    assert list(uniques) == list(expected_uniques)
    text = pd.Series(["b", "a", "b"])  # not numbers: pandas's own factorize
    codes, uniques = factorize_sorted(text)
    assert codes.tolist() == [1, 0, 1] and list(uniques) == ["a", "b"]


def test_run_order_and_starts() -> None:
    codes = np.array([0, 0, 1, 1, 1, 2])
    times = np.array([5, 7, 1, 1, 4, 0])
    assert in_run_order(codes, times)
    assert not in_run_order(codes, np.array([5, 4, 1, 1, 4, 0]))  # time goes back in customer 0
    assert not in_run_order(np.array([0, 1, 0]), np.array([1, 2, 3]))  # customer 0 twice
    assert run_starts(codes).tolist() == [0, 2, 5]
    assert run_starts(codes, times).tolist() == [0, 1, 2, 4, 5]
    assert run_starts(np.array([], dtype=int)).tolist() == []

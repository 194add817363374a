"""Per-customer work on a log already in customer-then-time order, without hashing.

The extract hands the customer analyses their orders sorted by customer, then time
(``customer_orders.sql``). A group-by over 8M such rows still factorises every key through a hash
table; reading the runs of equal keys off the sorted array gives the same groups in a fraction of
the time. Each helper checks the order itself and falls back to the general path when the rows
are not sorted, so a caller with any order gets the same answer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def factorize_sorted(
    values: np.ndarray | pd.Series, sort: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Codes and uniques of ``values``, as ``pd.factorize(values, sort=sort)``.

    Read off the runs of equal values when numeric ``values`` are already in ascending order
    (then either order of the uniques is the same), else factorised.
    """
    arr = values.to_numpy() if isinstance(values, pd.Series) else np.asarray(values)
    if len(arr) > 1 and arr.dtype.kind in "iu" and bool((arr[1:] >= arr[:-1]).all()):
        change = np.r_[True, arr[1:] != arr[:-1]]
        return np.cumsum(change, dtype=np.int64) - 1, arr[change]
    codes, uniques = pd.factorize(values, sort=sort)
    return codes, np.asarray(uniques)


def in_run_order(codes: np.ndarray, times: np.ndarray) -> bool:
    """Whether each customer's rows are consecutive and in time order.

    That is: ``codes`` ascend and, within a code, ``times`` do not go back. ``codes`` may be
    factorised codes or the keys themselves (compared, not subtracted: unsigned 64-bit keys such
    as the extract's ``user_key`` included).
    """
    if len(codes) < 2:
        return True
    a, b = codes[:-1], codes[1:]
    return bool(((b > a) | ((b == a) & (times[1:] >= times[:-1]))).all())


def run_starts(*keys: np.ndarray) -> np.ndarray:
    """The positions where any of ``keys`` (equal-length arrays) changes, 0 first."""
    n = len(keys[0])
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.zeros(n, dtype=bool)
    change[0] = True
    for k in keys:
        change[1:] |= k[1:] != k[:-1]
    return np.flatnonzero(change)

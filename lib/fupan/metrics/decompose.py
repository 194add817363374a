"""Exact decomposition of a KPI change into its drivers (METHODS.md §2.1–2.4).

口径 (metric dictionary 2026.12-1): GMV = 访客数 × 支付转化率 × 人均笔数 × 笔单价, i.e.
UV × (buyers / UV) × (orders / buyers) × (GMV / orders) — the four factors multiply to GMV exactly
(METHODS.md §2.1). The three-factor form UV × CR × AOV holds when CR = orders / UV. Each method
below splits G₁ − G₀ into parts that sum to it exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from itertools import permutations

import numpy as np
import pandas as pd


def logmean(a: float, b: float) -> float:
    """Logarithmic mean L(a, b) = (a − b)/(ln a − ln b), with L(a, a) = a (METHODS.md §2.2)."""
    if a <= 0 or b <= 0:
        raise ValueError(f"the logarithmic mean needs positive values, got {a} and {b}")
    return a if math.isclose(a, b, rel_tol=1e-12) else (a - b) / (math.log(a) - math.log(b))


def _check(f0: Mapping[str, float], f1: Mapping[str, float]) -> list[str]:
    if not f0 or list(f0) != list(f1):
        raise ValueError(
            f"both periods need the same factors in the same order: {list(f0)} vs {list(f1)}"
        )
    for name, x in [*f0.items(), *f1.items()]:
        if not np.isfinite(x) or x < 0:
            raise ValueError(f"factor {name} must be a finite non-negative number, got {x}")
    return list(f0)


def lmdi(f0: Mapping[str, float], f1: Mapping[str, float]) -> pd.Series:
    """Additive LMDI-I: ΔG_k = L(G₁, G₀)·ln(x_k1/x_k0), Σ_k ΔG_k = G₁ − G₀ exactly (METHODS.md §2.2).

    ``G = Π_k x_k``. Zeros use the analytical limits of Ang & Liu (2007): a factor that is zero in
    either period takes the whole change (every other factor's term tends to 0), instead of the
    misleading δ = 1e-10 substitution.
    """
    names = _check(f0, f1)
    g0, g1 = math.prod(f0.values()), math.prod(f1.values())
    zeros = [n for n in names if f0[n] == 0 or f1[n] == 0]
    if zeros:
        return pd.Series(
            {n: (g1 - g0) / len(zeros) if n in zeros else 0.0 for n in names}, dtype=float
        )
    weight = logmean(g1, g0)
    return pd.Series({n: weight * math.log(f1[n] / f0[n]) for n in names}, dtype=float)


def lmdi_shares(f0: Mapping[str, float], f1: Mapping[str, float]) -> pd.Series:
    """Multiplicative LMDI form: share_k = ln(x_k1/x_k0)/ln(G₁/G₀) (METHODS.md §2.2); sums to 1."""
    names = _check(f0, f1)
    g0, g1 = math.prod(f0.values()), math.prod(f1.values())
    if g0 <= 0 or g1 <= 0 or math.isclose(g0, g1, rel_tol=1e-15):
        raise ValueError("shares need positive G₀ ≠ G₁")
    return pd.Series({n: math.log(f1[n] / f0[n]) / math.log(g1 / g0) for n in names}, dtype=float)


def shapley(f0: Mapping[str, float], f1: Mapping[str, float]) -> pd.Series:
    """Shapley decomposition of Π_k x_k (Shorrocks 2013; METHODS.md §2.3).

    Each factor's part is its marginal effect averaged over every order in which the factors can
    switch from period 0 to period 1; for three factors this is
    φ_x = Δx·[2y₀z₀ + 2y₁z₁ + y₁z₀ + y₀z₁]/6, and for two the midpoint rule. Σφ = ΔG exactly.
    """
    names = _check(f0, f1)
    if len(names) > 7:
        raise ValueError("Shapley over more than 7 factors is too costly; use LMDI")
    parts = dict.fromkeys(names, 0.0)
    orders = list(permutations(names))
    for order in orders:
        current = dict(f0)
        before = math.prod(current.values())
        for n in order:
            current[n] = f1[n]
            after = math.prod(current.values())
            parts[n] += after - before
            before = after
    return pd.Series({n: v / len(orders) for n, v in parts.items()}, dtype=float)


def decompose_gmv_change(
    base: Mapping[str, float], current: Mapping[str, float], method: str = "lmdi"
) -> pd.Series:
    """Split a GMV change into the effects of its factors (METHODS.md §2.1–2.3).

    口径: with ``orders_per_buyer`` in both periods, four factors — ``uv`` (访客数), ``cr``
    (支付转化率 = buyers / UV), ``orders_per_buyer`` (人均笔数 = orders / buyers) and ``aov`` (笔单价
    = GMV / orders), whose product is GMV exactly; without it, three — ``uv``, ``cr`` (= orders /
    UV) and ``aov``. The effects are in money and sum to G₁ − G₀ exactly (for G = Π factors).
    ``method`` is ``"lmdi"`` or ``"shapley"``.

    Parameters
    ----------
    base, current : mapping
        The factors of each period, as above.
    method : {"lmdi", "shapley"}
        The decomposition.

    Returns
    -------
    Series
        One effect per factor, in the order uv, cr, [orders_per_buyer,] aov.

    Raises
    ------
    ValueError
        On a missing factor, a negative or non-finite one, or an unknown method.
    """
    four = "orders_per_buyer" in base and "orders_per_buyer" in current
    keys = ("uv", "cr", "orders_per_buyer", "aov") if four else ("uv", "cr", "aov")
    missing = [k for k in keys if k not in base or k not in current]
    if missing:
        raise ValueError(f"missing factor(s) {missing}; need {list(keys)} for both periods")
    f0 = {k: float(base[k]) for k in keys}
    f1 = {k: float(current[k]) for k in keys}
    if method == "lmdi":
        return lmdi(f0, f1)
    if method == "shapley":
        return shapley(f0, f1)
    raise ValueError(f"unknown method {method!r}; use 'lmdi' or 'shapley'")


def mix_rate(
    weights0: pd.Series, rates0: pd.Series, weights1: pd.Series, rates1: pd.Series
) -> pd.Series:
    """Mix vs rate split of a ratio KPI R = Σ_s w_s·c_s (METHODS.md §2.4, exact midpoint rule).

    mix = Σ_s (w_s1 − w_s0)(c_s0 + c_s1)/2 ; rate = Σ_s (c_s1 − c_s0)(w_s0 + w_s1)/2 ;
    mix + rate = R₁ − R₀ exactly. Weights of each period must sum to 1 over the same segments.
    """
    frame = pd.concat({"w0": weights0, "c0": rates0, "w1": weights1, "c1": rates1}, axis=1)
    if frame.isna().any().any():
        raise ValueError("weights and rates must cover the same segments in both periods")
    for w in ("w0", "w1"):
        if not math.isclose(frame[w].sum(), 1.0, abs_tol=1e-9):
            raise ValueError(f"weights {w} sum to {frame[w].sum()}, not 1")
    mix = ((frame.w1 - frame.w0) * (frame.c0 + frame.c1) / 2).sum()
    rate = ((frame.c1 - frame.c0) * (frame.w0 + frame.w1) / 2).sum()
    return pd.Series({"mix": mix, "rate": rate, "total": mix + rate})

"""Customer lifetime value: BG/NBD purchase model and Gamma–Gamma spend model (METHODS.md §3.3).

A self-contained scipy implementation (maximum likelihood on log-parameters), checked in the
tests against the published CDNOW figures and against ``lifetimes``. Per customer:
``frequency`` x = repeat purchases (distinct periods after the first), ``recency`` t_x = time of
the last purchase since the first, ``T`` = time from the first purchase to the end of the
observation window, all in the same unit (e.g. weeks); ``monetary`` m̄ = mean value of the
repeat purchases. Per-customer arguments are broadcast against each other, so scalars work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import optimize
from scipy.special import betaln, digamma, gammaln, hyp2f1

__all__ = [
    "BGNBDParams",
    "GammaGammaParams",
    "bgnbd_loglik_single",
    "expected_average_value",
    "expected_purchases",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "prob_alive",
    "summary_from_transactions",
]


@dataclass(frozen=True)
class BGNBDParams:
    """BG/NBD parameters: purchase rate λ ~ Gamma(r, α); dropout p ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float = float("nan")


@dataclass(frozen=True)
class GammaGammaParams:
    """Gamma–Gamma parameters: spend per purchase ~ Gamma(p, ν), ν ~ Gamma(q, v) (γ = v)."""

    p: float
    q: float
    v: float
    log_likelihood: float = float("nan")


def _arrays(**named: ArrayLike) -> list[np.ndarray]:
    out = [np.atleast_1d(np.asarray(v, dtype=float)) for v in named.values()]
    for name, arr in zip(named, out, strict=True):
        if arr.ndim != 1 or arr.size == 0:
            raise ValueError(f"{name} must be a non-empty one-dimensional array")
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values")
    try:
        return list(np.broadcast_arrays(*out))
    except ValueError as exc:
        raise ValueError(f"{', '.join(named)} must have the same length") from exc


def _rfm(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> list[np.ndarray]:
    x, tx, big_t = _arrays(frequency=frequency, recency=recency, T=T)
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("frequency must hold non-negative integers (repeat purchase counts)")
    if np.any(tx < 0) or np.any(tx > big_t):
        raise ValueError("need 0 ≤ recency ≤ T for every customer")
    if np.any((x == 0) & (tx != 0)):
        raise ValueError("customers with frequency 0 must have recency 0")
    return [x, tx, big_t]


def _param(params: object, name: str) -> float:
    """``params[name]`` for mappings, ``params.name`` for dataclasses and pandas Series."""
    try:
        value = params[name] if isinstance(params, Mapping) else getattr(params, name)
        return float(value)
    except (KeyError, AttributeError, TypeError, ValueError) as exc:
        raise ValueError(f"parameter {name!r} is missing or not a number in {params!r}") from exc


def _bg(params: BGNBDParams | Mapping[str, float]) -> tuple[float, float, float, float]:
    r, alpha, a, b = (_param(params, k) for k in ("r", "alpha", "a", "b"))
    if not all(np.isfinite(v) and v > 0 for v in (r, alpha, a, b)):
        raise ValueError(
            f"BG/NBD parameters must be positive, got r={r}, alpha={alpha}, a={a}, b={b}"
        )
    return r, alpha, a, b


def _loglik(
    r: float, alpha: float, a: float, b: float, x: np.ndarray, tx: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b) - (r + x) * np.log(alpha + big_t)
    with np.errstate(divide="ignore", invalid="ignore"):
        a3 = np.where(
            x > 0,
            betaln(a + 1, b + np.maximum(x, 1) - 1) - betaln(a, b) - (r + x) * np.log(alpha + tx),
            -np.inf,
        )
    return a1 + np.logaddexp(a2, a3)


def bgnbd_loglik_single(
    params: BGNBDParams | Mapping[str, float],
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
) -> np.ndarray:
    """BG/NBD log-likelihood of each customer's (x, t_x, T) (Fader, Hardie & Lee 2005, eq. 6).

    口径: ``L = Γ(r+x)α^r/Γ(r)·[B(a,b+x)/B(a,b)·(α+T)^−(r+x) + 1{x>0}·B(a+1,b+x−1)/B(a,b)·
    (α+t_x)^−(r+x)]``, evaluated on the log scale. METHODS.md §3.3.

    Parameters
    ----------
    params : BGNBDParams or mapping with keys r, alpha, a, b
    frequency, recency, T : array-like
        Repeat purchases x, time of last purchase t_x and customer age T (same time unit).

    Returns
    -------
    numpy.ndarray
        ``log L`` per customer.

    Raises
    ------
    ValueError
        Non-positive parameters, negative or fractional x, ``t_x > T``, or x = 0 with t_x ≠ 0.
    """
    return _loglik(*_bg(params), *_rfm(frequency, recency, T))


def fit_bgnbd(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> BGNBDParams:
    """Maximum-likelihood fit of the BG/NBD model.

    口径: maximise ``Σ log L`` of :func:`bgnbd_loglik_single` over ``(log r, log α, log a, log b)``
    with BFGS from (1, 1, 1, 1), polished by Nelder–Mead; no penalty. METHODS.md §3.3.

    Parameters
    ----------
    frequency, recency, T : array-like
        One entry per customer (see module docstring), at least one customer with x > 0.

    Returns
    -------
    BGNBDParams
        ``r``, ``alpha``, ``a``, ``b`` and the maximised total ``log_likelihood``.

    Raises
    ------
    ValueError
        Invalid data (see :func:`bgnbd_loglik_single`), no repeat buyer, or no convergence.
    """
    x, tx, big_t = _rfm(frequency, recency, T)
    if not np.any(x > 0):
        raise ValueError("no customer has a repeat purchase; BG/NBD cannot be fitted")

    # Customers with identical (x, t_x, T) contribute identical terms: sum each distinct triple once,
    # weighted by its count (exactly the same likelihood; weekly data has few distinct triples).
    triples, counts = np.unique(np.column_stack([x, tx, big_t]), axis=0, return_counts=True)
    ux, utx, ut = triples.T

    def nll(log_params: np.ndarray) -> float:
        value = -np.sum(counts * _loglik(*np.exp(log_params), ux, utx, ut))
        return float(value) if np.isfinite(value) else 1e300

    res = optimize.minimize(nll, np.zeros(4), method="BFGS", options={"gtol": 1e-8})
    res = optimize.minimize(
        nll, res.x, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 8000}
    )
    if not res.success or not np.all(np.isfinite(res.x)):
        raise ValueError(f"BG/NBD fit did not converge: {res.message}")
    r, alpha, a, b = np.exp(res.x)
    return BGNBDParams(float(r), float(alpha), float(a), float(b), float(-res.fun))


def expected_purchases(
    params: BGNBDParams | Mapping[str, float],
    t: float,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
) -> np.ndarray:
    """Expected purchases in the next ``t`` periods given each customer's history (FHL 2005 eq. 10).

    口径: ``E[Y(t)|x,t_x,T] = (a+b+x−1)/(a−1)·[1 − ((α+T)/(α+T+t))^(r+x)·₂F₁(r+x, b+x;
    a+b+x−1; t/(α+T+t))] / [1 + 1{x>0}·a/(b+x−1)·((α+T)/(α+t_x))^(r+x)]``. METHODS.md §3.3.

    Parameters
    ----------
    params : BGNBDParams or mapping with keys r, alpha, a, b
        Requires ``a ≠ 1``.
    t : float
        Horizon (same unit as T), ≥ 0.
    frequency, recency, T : array-like
        Customer histories.

    Returns
    -------
    numpy.ndarray
        Expected number of purchases per customer.

    Raises
    ------
    ValueError
        Invalid parameters or data, ``t < 0``, or ``a == 1``.
    """
    r, alpha, a, b = _bg(params)
    x, tx, big_t = _rfm(frequency, recency, T)
    if not np.isfinite(t) or t < 0:
        raise ValueError(f"t must be a non-negative horizon, got {t!r}")
    if a == 1.0:
        raise ValueError("a = 1 makes the closed form singular")
    z = t / (alpha + big_t + t)
    head = (a + b + x - 1) / (a - 1)
    body = 1 - ((alpha + big_t) / (alpha + big_t + t)) ** (r + x) * hyp2f1(
        r + x, b + x, a + b + x - 1, z
    )
    return head * body / _alive_denominator(a, b, r, alpha, x, tx, big_t)


def _alive_denominator(
    a: float, b: float, r: float, alpha: float, x: np.ndarray, tx: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        odds = a / (b + x - 1) * ((alpha + big_t) / (alpha + tx)) ** (r + x)
    return 1.0 + np.where(x > 0, odds, 0.0)


def prob_alive(
    params: BGNBDParams | Mapping[str, float],
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
) -> np.ndarray:
    """Probability that each customer is still active at T (FHL 2005 eq. 11).

    口径: ``P(alive) = 1/(1 + 1{x>0}·a/(b+x−1)·((α+T)/(α+t_x))^(r+x))``; customers without a
    repeat purchase are alive with probability 1 under BG/NBD (dropout happens only right after
    a purchase). METHODS.md §3.3.

    Parameters
    ----------
    params : BGNBDParams or mapping with keys r, alpha, a, b
    frequency, recency, T : array-like
        Customer histories.

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        Invalid parameters or data.
    """
    r, alpha, a, b = _bg(params)
    x, tx, big_t = _rfm(frequency, recency, T)
    return 1.0 / _alive_denominator(a, b, r, alpha, x, tx, big_t)


def _repeaters(frequency: ArrayLike, monetary: ArrayLike) -> list[np.ndarray]:
    x, m = _arrays(frequency=frequency, monetary=monetary)
    if np.any(x <= 0) or np.any(x != np.round(x)):
        raise ValueError("Gamma–Gamma needs repeat buyers only: filter to frequency ≥ 1 first")
    if np.any(m <= 0):
        raise ValueError("monetary values must be positive")
    return [x, m]


def _gamma_gamma_objective(x: np.ndarray, m: np.ndarray):
    """Negative log-likelihood of the Gamma–Gamma model over log-parameters (log p, log q, log v)
    and its analytic gradient (ψ = digamma; chain rule ∂/∂log p = p·∂/∂p)."""
    log_m, log_x, xm = np.log(m), np.log(x), x * m

    def nll(log_params: np.ndarray) -> float:
        p, q, v = np.exp(log_params)
        px = p * x
        ll = (gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1) * log_m
              + px * log_x - (px + q) * np.log(xm + v))
        value = -np.sum(ll)
        return float(value) if np.isfinite(value) else 1e300

    def grad(log_params: np.ndarray) -> np.ndarray:
        p, q, v = np.exp(log_params)
        px = p * x
        psi_sum, log_xmv = digamma(px + q), np.log(xm + v)
        d_p = np.sum(x * (psi_sum - digamma(px) + log_m + log_x - log_xmv))
        d_q = np.sum(psi_sum - digamma(q) + np.log(v) - log_xmv)
        d_v = np.sum(q / v - (px + q) / (xm + v))
        g = -np.array([p * d_p, q * d_q, v * d_v])
        # where the gradient overflows nll is 1e300 too: the line search backs off that point, and
        # such a start never becomes the best one that Nelder–Mead polishes
        return g if np.all(np.isfinite(g)) else np.zeros(3)

    return nll, grad


def fit_gamma_gamma(frequency: ArrayLike, monetary: ArrayLike) -> GammaGammaParams:
    """Maximum-likelihood fit of the Gamma–Gamma spend model (Fader, Hardie & Lee 2005, JMR).

    口径: for repeat buyers (x ≥ 1) with mean repeat-purchase value m̄, maximise
    ``Σ[log Γ(px+q) − log Γ(px) − log Γ(q) + q log v + (px−1) log m̄ + px log x −
    (px+q) log(x m̄ + v)]`` over log-parameters. Assumes spend is independent of frequency;
    check ``corr(m̄, x) ≈ 0`` first. METHODS.md §3.3.

    Parameters
    ----------
    frequency : array-like
        Repeat purchases x ≥ 1.
    monetary : array-like
        Mean value of the repeat purchases, > 0.

    Returns
    -------
    GammaGammaParams
        ``p``, ``q``, ``v`` (γ in FHL) and the maximised ``log_likelihood``.

    Raises
    ------
    ValueError
        Customers with x = 0 or non-positive spend, length mismatch, or no convergence.
    """
    x, m = _repeaters(frequency, monetary)
    nll, grad = _gamma_gamma_objective(x, m)

    # The likelihood has a flat ridge (p → ∞, v → 0 with p·v/(q−1) fixed) on which a single start
    # can stall: start also from spend-scaled points and keep the best converged optimum.
    scale = float(np.mean(m))
    starts = [np.zeros(3), np.log([2.0, 2.0, scale]), np.log([5.0, 3.0, scale])]
    # BFGS from every start, then Nelder–Mead polishes only the best of them.
    first = [optimize.minimize(nll, start, jac=grad, method="BFGS", options={"gtol": 1e-8}) for start in starts]
    best = min((r for r in first if np.all(np.isfinite(r.x))), key=lambda r: r.fun, default=first[0])
    res = optimize.minimize(
        nll, best.x, method="Nelder-Mead", options={"xatol": 1e-10, "fatol": 1e-10, "maxiter": 6000}
    )
    if not res.success or not np.all(np.isfinite(res.x)):
        raise ValueError(f"Gamma–Gamma fit did not converge: {res.message}")
    p, q, v = np.exp(res.x)
    return GammaGammaParams(float(p), float(q), float(v), float(-res.fun))


def expected_average_value(
    params: GammaGammaParams | Mapping[str, float], frequency: ArrayLike, monetary: ArrayLike
) -> np.ndarray:
    """Conditional expected spend per purchase (Fader & Hardie 2013 note, eq. 5).

    口径: ``E[M|x, m̄] = p(v + x·m̄)/(p·x + q − 1)``, a weighted average of the population mean
    ``p·v/(q−1)`` and the customer's own m̄; customers with x = 0 get the population mean.
    METHODS.md §3.3.

    Parameters
    ----------
    params : GammaGammaParams or mapping with keys p, q, v
        Requires ``q > 1``.
    frequency, monetary : array-like
        Repeat purchases x ≥ 0 and mean repeat value m̄ ≥ 0 (ignored when x = 0).

    Returns
    -------
    numpy.ndarray

    Raises
    ------
    ValueError
        Non-positive parameters, ``q ≤ 1``, negative or fractional x, negative m̄.
    """
    p, q, v = (_param(params, k) for k in ("p", "q", "v"))
    if not (p > 0 and q > 1 and v > 0):
        raise ValueError(f"need p > 0, q > 1, v > 0; got p={p}, q={q}, v={v}")
    x, m = _arrays(frequency=frequency, monetary=monetary)
    if np.any(x < 0) or np.any(x != np.round(x)) or np.any(m < 0):
        raise ValueError("frequency must be non-negative integers and monetary non-negative")
    return p * (v + x * m) / (p * x + q - 1)


def summary_from_transactions(
    df: pd.DataFrame,
    customer_col: str,
    date_col: str,
    value_col: str | None,
    observation_end: str | pd.Timestamp,
    freq: str = "W",
) -> pd.DataFrame:
    """Per-customer frequency / recency / T / monetary from a transaction log, as ``lifetimes``.

    口径: dates are bucketed into periods of ``freq`` (``"W"`` = weeks ending Sunday, ``"D"``
    = days); purchases of one customer in one period count once, with their values summed.
    ``frequency`` = number of distinct purchase periods − 1; ``recency`` = last − first purchase
    period; ``T`` = period of ``observation_end`` − first purchase period (in periods);
    ``monetary_value`` = mean of the summed period values after the first period (0 when
    frequency is 0). Transactions dated after ``observation_end`` are dropped — stricter than
    ``lifetimes``, which keeps those in the same period as ``observation_end``. METHODS.md §3.3.

    Parameters
    ----------
    df : pandas.DataFrame
        Transaction log, one row per transaction.
    customer_col, date_col : str
        Columns with the customer id and the transaction date (datetime or parseable).
    value_col : str or None
        Column with the transaction value; None omits ``monetary_value``.
    observation_end : str or pandas.Timestamp
        Last day of the observation window (inclusive).
    freq : str, default "W"
        pandas period frequency.

    Returns
    -------
    pandas.DataFrame
        Indexed by customer, columns ``frequency``, ``recency``, ``T`` (and ``monetary_value``).

    Raises
    ------
    ValueError
        Missing columns, unparseable or missing dates/ids, or no transaction by
        ``observation_end``.
    """
    cols = [customer_col, date_col] + ([value_col] if value_col is not None else [])
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"columns {missing} not found; available: {list(df.columns)}")
    tx = df[cols].copy()
    try:
        tx[date_col] = pd.to_datetime(tx[date_col])
        end = pd.Timestamp(observation_end)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"cannot parse dates in {date_col!r} or observation_end: {exc}") from exc
    if tx[[customer_col, date_col]].isna().any().any():
        raise ValueError(f"{customer_col!r} and {date_col!r} must not contain missing values")
    tx = tx[tx[date_col] <= end]
    if tx.empty:
        raise ValueError(f"no transaction on or before observation_end={end.date()}")
    tx["_period"] = pd.PeriodIndex(tx[date_col], freq=freq).asi8
    end_period = pd.Period(end, freq=freq).ordinal
    agg = {value_col: "sum"} if value_col is not None else {date_col: "size"}
    per = tx.groupby([customer_col, "_period"], sort=True).agg(agg).reset_index()
    g = per.groupby(customer_col, sort=True)["_period"]
    out = pd.DataFrame({"frequency": g.size() - 1})
    out["recency"] = (g.max() - g.min()).astype(float)
    out["T"] = (end_period - g.min()).astype(float)
    if value_col is not None:
        repeat = per[per["_period"] != per.groupby(customer_col)["_period"].transform("min")]
        out["monetary_value"] = repeat.groupby(customer_col)[value_col].mean()
        out["monetary_value"] = out["monetary_value"].fillna(0.0)
    out["frequency"] = out["frequency"].astype(float)
    return out

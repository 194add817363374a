"""Anomaly detection on daily KPIs: baselines, robust scores, p-charts, GESD (METHODS.md §5).

Series inputs are expected to be regular (one row per day, no gaps); baselines shift by
position, so reindex with ``y.asfreq("D")`` first and leave missing or masked days (campaign
days, known events) as NaN. Every function is pure and returns new objects.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

__all__ = [
    "ESDResult",
    "benjamini_hochberg",
    "closed_weekdays",
    "flag_anomalies",
    "generalized_esd",
    "local_level",
    "modified_z_pvalue",
    "modified_zscore",
    "p_chart_limits",
    "phase_seasonal_baseline",
    "same_weekday_median",
    "seasonal_naive",
    "stl_baseline",
    "weekday_effects",
]

_MAD_K = 0.6745  # Φ⁻¹(0.75): 0.6745·(x − median)/MAD ≈ (x − median)/σ for normal data
_MEANAD_K = 1.253314  # √(π/2): σ ≈ 1.253314·mean|x − median| for normal data
#: asymptotic efficiency of the MAD against the standard deviation for normal data, 1/(2·1.3605)
MAD_EFFICIENCY = 0.3675


@dataclass(frozen=True)
class ESDResult:
    """Generalised ESD outcome; ``indices`` are positions in the input, in order of removal."""

    n_outliers: int
    indices: np.ndarray
    R: np.ndarray
    lam: np.ndarray


def _values(x: ArrayLike, name: str, *, allow_nan: bool = True) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty one-dimensional array, got shape {arr.shape}")
    if np.any(np.isinf(arr)) or (not allow_nan and np.any(np.isnan(arr))):
        raise ValueError(f"{name} contains infinite{'' if allow_nan else ' or NaN'} values")
    if np.all(np.isnan(arr)):
        raise ValueError(f"{name} has no finite values")
    return arr


def _like(values: np.ndarray, template: ArrayLike) -> pd.Series | np.ndarray:
    if isinstance(template, pd.Series):
        return pd.Series(values, index=template.index, name=template.name)
    return values


def _robust_z(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Modified z of ``values`` against the finite ``reference`` sample (see modified_zscore)."""
    ref = reference[np.isfinite(reference)]
    med = np.median(ref)
    absdev = np.abs(ref - med)
    return _z(values - med, np.median(absdev), np.mean(absdev))


def _z(dev: np.ndarray, mad: float | np.ndarray, mean_ad: float | np.ndarray) -> np.ndarray:
    """The modified z of deviations ``dev`` from the reference's median (:func:`modified_zscore`).

    ``mad`` and ``mean_ad`` are the reference's MAD and MeanAD, scalars or one per deviation:
    0.6745·dev/MAD, else dev/(1.253314·MeanAD) when MAD is 0, else 0 or ±inf.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            np.asarray(mad) > 0,
            _MAD_K * dev / mad,
            np.where(
                np.asarray(mean_ad) > 0,
                dev / (_MEANAD_K * mean_ad),
                np.where(dev == 0, 0.0, np.sign(dev) * np.inf),
            ),
        )


def _sorted_median(rows: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Median of the first ``n[i]`` values of each sorted row (NaN where ``n[i] = 0``).

    As ``np.median`` takes it: the middle value, or the mean of the two middle ones.
    """
    lo = np.clip((n - 1) // 2, 0, None)[:, None]
    hi = np.clip(n // 2, 0, rows.shape[1] - 1)[:, None]
    low = np.take_along_axis(rows, lo, axis=1)[:, 0]
    high = np.take_along_axis(rows, hi, axis=1)[:, 0]
    return np.where(n > 0, (low + high) / 2, np.nan)


def _trailing_robust_z(
    std: np.ndarray, window: int, min_periods: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per day ``t``: :func:`_robust_z` of ``std[t]`` against its trailing window, and its size.

    The window is the finite values of ``std[t − window : t]``; the score is NaN unless ``std[t]``
    is finite and at least ``min_periods`` of them are. Every day at once: the windows as rows of
    a matrix (days before the first padded with NaN), each row sorted (NaN last) so that its
    median and MAD are read by position.
    """
    n_days = std.size
    vals = np.where(np.isfinite(std), std, np.nan)
    padded = np.concatenate([np.full(window, np.nan), vals])
    rows = np.lib.stride_tricks.sliding_window_view(padded, window)[:n_days]  # std[t−window:t]
    n_ref = np.isfinite(rows).sum(axis=1)
    med = _sorted_median(np.sort(rows, axis=1), n_ref)
    absdev = np.abs(rows - med[:, None])
    mad = _sorted_median(np.sort(absdev, axis=1), n_ref)
    with np.errstate(invalid="ignore"):
        mean_ad = np.nansum(absdev, axis=1) / n_ref
    score = _z(vals - med, mad, mean_ad)
    score = np.where(np.isfinite(vals) & (n_ref >= min_periods), score, np.nan)
    return score, n_ref


def modified_zscore(x: ArrayLike) -> pd.Series | np.ndarray:
    """Modified z-score of Iglewicz & Hoaglin (1993).

    口径: ``Mᵢ = 0.6745·(xᵢ − median)/MAD`` with ``MAD = median|xᵢ − median|`` over the finite
    values; flag ``|Mᵢ| > 3.5``. METHODS.md §5.

    **MAD = 0** (half or more of the values equal the median) is handled explicitly: the score
    falls back to ``(xᵢ − median)/(1.253314·MeanAD)`` with ``MeanAD = mean|xᵢ − median|`` (the
    convention documented for IBM Cognos Analytics; 1.253314 = √(π/2) estimates σ from MeanAD
    for normal data). If MeanAD is also 0 (all values equal) the score is 0 for values equal to
    the median and ±inf otherwise. NaN inputs give NaN scores and are ignored in the median and
    MAD.

    Parameters
    ----------
    x : array-like or pandas.Series
        Values to score.

    Returns
    -------
    pandas.Series or numpy.ndarray
        Scores, with ``x``'s index when ``x`` is a Series.

    Raises
    ------
    ValueError
        Empty or multi-dimensional input, infinite values, or no finite value at all.
    """
    arr = _values(x, "x")
    return _like(_robust_z(arr, arr), x)


def _regular(y: ArrayLike, name: str = "y") -> pd.Series:
    s = y.astype(float) if isinstance(y, pd.Series) else pd.Series(_values(y, name))
    _values(s.to_numpy(), name)
    if isinstance(s.index, pd.DatetimeIndex) and len(s) > 1:
        steps = np.unique(np.diff(s.index.asi8))
        if steps.size != 1 or steps[0] <= 0:
            raise ValueError(
                f"{name} must have a regular, increasing date index without gaps; "
                "reindex with y.asfreq('D') so missing days become NaN"
            )
    return s


def seasonal_naive(y: ArrayLike, period: int = 7) -> pd.Series:
    """Seasonal naive forecast (Hyndman & Athanasopoulos, FPP3 §5.2).

    口径: ``ŷ_t = y_{t−period}`` (same weekday last week for daily data with ``period=7``); the
    first ``period`` values are NaN. METHODS.md §5.

    Parameters
    ----------
    y : pandas.Series or array-like
        Regular series (daily, no gaps; NaN allowed for missing or masked days).
    period : int, default 7
        Season length in observations.

    Returns
    -------
    pandas.Series
        Baseline aligned with ``y``.

    Raises
    ------
    ValueError
        ``period < 1``, empty input, infinite values, or an irregular date index.
    """
    if int(period) != period or period < 1:
        raise ValueError(f"period must be a positive integer, got {period!r}")
    return _regular(y).shift(int(period)).rename("baseline")


def same_weekday_median(y: ArrayLike, weeks: int = 4, min_weeks: int | None = None) -> pd.Series:
    """Median of the same weekday over the previous ``weeks`` weeks.

    口径: ``ŷ_t = median(y_{t−7}, y_{t−14}, …, y_{t−7·weeks})`` ignoring NaN (masked days);
    NaN when fewer than ``min_weeks`` (default: all ``weeks``) of those values exist.
    METHODS.md §5.

    Parameters
    ----------
    y : pandas.Series or array-like
        Regular daily series; NaN marks missing or masked days.
    weeks : int, default 4
        How many previous same-weekday values to take.
    min_weeks : int, optional
        Minimum number of non-missing values required; defaults to ``weeks``.

    Returns
    -------
    pandas.Series
        Baseline aligned with ``y``.

    Raises
    ------
    ValueError
        ``weeks < 1``, ``min_weeks`` outside 1..weeks, bad input series.
    """
    if int(weeks) != weeks or weeks < 1:
        raise ValueError(f"weeks must be a positive integer, got {weeks!r}")
    need = weeks if min_weeks is None else min_weeks
    if not 1 <= need <= weeks:
        raise ValueError(f"min_weeks must lie in 1..{weeks}, got {min_weeks!r}")
    s = _regular(y)
    lags = np.column_stack([s.shift(7 * k).to_numpy() for k in range(1, int(weeks) + 1)])
    enough = np.sum(~np.isnan(lags), axis=1) >= need
    med = np.full(len(s), np.nan)
    med[enough] = np.nanmedian(lags[enough], axis=1)
    return pd.Series(med, index=s.index, name="baseline")


def stl_baseline(y: ArrayLike, period: int = 7, robust: bool = True) -> pd.DataFrame:
    """STL decomposition baseline (Cleveland et al. 1990) via ``statsmodels.tsa.seasonal.STL``.

    口径: ``baseline = trend + seasonal`` and ``resid = y − baseline`` from STL with the given
    ``period`` and robust (bisquare) weights by default, so isolated spikes barely move the
    baseline. NaN (missing or masked days) are linearly interpolated before the fit, and their
    ``resid`` is NaN. Use logs for multiplicative KPIs such as GMV. METHODS.md §5.

    Parameters
    ----------
    y : pandas.Series or array-like
        Regular series with at least two full periods.
    period : int, default 7
        Season length in observations.
    robust : bool, default True
        Use STL's robust fitting.

    Returns
    -------
    pandas.DataFrame
        Columns ``trend``, ``seasonal``, ``baseline``, ``resid``, indexed like ``y``.

    Raises
    ------
    ValueError
        ``period < 2``, fewer than ``2·period`` observations, or a bad input series.
    """
    from statsmodels.tsa.seasonal import STL

    if int(period) != period or period < 2:
        raise ValueError(f"period must be an integer ≥ 2, got {period!r}")
    s = _regular(y)
    if len(s) < 2 * period:
        raise ValueError(f"STL needs at least 2·period = {2 * period} observations, got {len(s)}")
    missing = s.isna().to_numpy()
    filled = s.interpolate(method="linear", limit_direction="both").to_numpy()
    res = STL(filled, period=int(period), robust=robust).fit()
    baseline = res.trend + res.seasonal
    resid = np.where(missing, np.nan, s.to_numpy() - baseline)
    data = {"trend": res.trend, "seasonal": res.seasonal, "baseline": baseline, "resid": resid}
    return pd.DataFrame(data, index=s.index)


def flag_anomalies(
    actual: ArrayLike,
    expected: ArrayLike,
    *,
    z: float = 3.5,
    min_rel_dev: float = 0.2,
    window: int | None = 56,
    min_periods: int = 14,
    log: bool = False,
    scale: ArrayLike | None = None,
) -> pd.DataFrame:
    """Score residuals against a baseline and flag business-relevant anomalies.

    口径: ``residual_t = y_t − ŷ_t`` (``log y_t − log ŷ_t`` when ``log=True``, for multiplicative
    KPIs such as GMV); ``rel_dev_t = y_t/ŷ_t − 1``; ``score_t`` = modified z of ``residual_t``
    (divided by ``scale_t`` when given, the reference residuals alike) against the residuals of
    the previous ``window`` days (t itself excluded, at least
    ``min_periods`` finite ones, MAD = 0 as in :func:`modified_zscore`) or against the whole
    series when ``window`` is None; ``flag = |score| > z and |rel_dev| > min_rel_dev``.
    METHODS.md §5 (trailing 8 weeks, |M| > 3.5, 20% business threshold).

    Parameters
    ----------
    actual, expected : pandas.Series or array-like
        Observed KPI and baseline (e.g. from :func:`seasonal_naive`), same length and index.
    z : float, default 3.5
        Threshold on ``|score|``.
    min_rel_dev : float, default 0.2
        Threshold on ``|rel_dev|``.
    window : int or None, default 56
        Trailing window in observations; None scores against all residuals.
    min_periods : int, default 14
        Minimum finite residuals in the window; fewer gives NaN score and no flag.
    log : bool, default False
        Work with log residuals (requires positive values).
    scale : array-like, optional
        Positive per-observation factor the residual is divided by before scoring (the scores of
        the day and of its reference days alike), for residuals of unequal precision: e.g.
        ``√(1 + π/(2n))`` for a baseline that is the median of ``n`` days. Default 1.

    Returns
    -------
    pandas.DataFrame
        Columns ``actual``, ``expected``, ``residual``, ``rel_dev``, ``score``, ``flag`` and
        ``n_ref`` (how many finite residuals the score was measured against).

    Raises
    ------
    ValueError
        Length or index mismatch, non-positive thresholds, bad window, non-positive values when
        ``log=True``.
    """
    a, e = _values(actual, "actual"), _values(expected, "expected")
    if a.size != e.size:
        raise ValueError(f"actual and expected differ in length: {a.size} vs {e.size}")
    if (
        isinstance(actual, pd.Series)
        and isinstance(expected, pd.Series)
        and not actual.index.equals(expected.index)
    ):
        raise ValueError("actual and expected must share the same index")
    if z <= 0 or min_rel_dev < 0:
        raise ValueError("z must be positive and min_rel_dev non-negative")
    if window is not None and (int(window) != window or window < 2):
        raise ValueError(f"window must be an integer ≥ 2 or None, got {window!r}")
    if min_periods < 2:
        raise ValueError(f"min_periods must be at least 2, got {min_periods!r}")
    if log and (np.any(a[~np.isnan(a)] <= 0) or np.any(e[~np.isnan(e)] <= 0)):
        raise ValueError("log=True needs strictly positive actual and expected values")
    with np.errstate(divide="ignore", invalid="ignore"):
        resid = np.log(a) - np.log(e) if log else a - e
        rel = a / e - 1.0
    std = resid
    if scale is not None:
        sc = _values(scale, "scale")
        if sc.size != a.size or np.any(sc[np.isfinite(sc)] <= 0):
            raise ValueError("scale must have one positive value per observation")
        std = resid / sc
    finite = np.isfinite(std)
    if window is None:
        score = _robust_z(std, std) if finite.any() else np.full(a.size, np.nan)
        n_ref = np.full(a.size, int(finite.sum()))
    else:
        score, n_ref = _trailing_robust_z(std, int(window), min_periods)
    flag = (np.abs(score) > z) & (np.abs(rel) > min_rel_dev)
    index = actual.index if isinstance(actual, pd.Series) else None
    cols = {"actual": a, "expected": e, "residual": resid, "rel_dev": rel, "score": score}
    return pd.DataFrame({**cols, "flag": flag, "n_ref": n_ref}, index=index)


def p_chart_limits(successes: ArrayLike, trials: ArrayLike, sigma: float = 3.0) -> pd.DataFrame:
    """Shewhart p-chart limits for a ratio KPI (conversion rate, refund rate).

    口径: ``p̄ = Σsuccesses/Σtrials``; per row ``centre = p̄`` and
    ``lower/upper = p̄ ∓ sigma·√(p̄(1−p̄)/n_t)`` clipped to [0, 1]; ``out_of_control`` when the
    row's ``p = successes/trials`` is outside the limits. Limits widen on small-``n`` days, so
    they are not over-flagged. METHODS.md §5.

    Parameters
    ----------
    successes, trials : pandas.Series or array-like of int
        Per-period counts (e.g. orders and UV per day); trials > 0, 0 ≤ successes ≤ trials.
    sigma : float, default 3.0
        Width of the limits in standard errors.

    Returns
    -------
    pandas.DataFrame
        Columns ``p``, ``centre``, ``lower``, ``upper``, ``out_of_control``.

    Raises
    ------
    ValueError
        Length mismatch, NaN, negative counts, ``successes > trials``, zero trials, or
        ``sigma ≤ 0``.
    """
    x = _values(successes, "successes", allow_nan=False)
    n = _values(trials, "trials", allow_nan=False)
    if x.size != n.size:
        raise ValueError(f"successes and trials differ in length: {x.size} vs {n.size}")
    if np.any(x < 0) or np.any(n <= 0) or np.any(x > n):
        raise ValueError("need trials > 0 and 0 ≤ successes ≤ trials in every row")
    if sigma <= 0:
        raise ValueError(f"sigma must be positive, got {sigma!r}")
    pbar = x.sum() / n.sum()
    half = sigma * np.sqrt(pbar * (1.0 - pbar) / n)
    p = x / n
    lower, upper = np.clip(pbar - half, 0.0, 1.0), np.clip(pbar + half, 0.0, 1.0)
    index = successes.index if isinstance(successes, pd.Series) else None
    out = (p < lower) | (p > upper)
    data = {"p": p, "centre": np.full(x.size, pbar), "lower": lower, "upper": upper}
    return pd.DataFrame({**data, "out_of_control": out}, index=index)


def generalized_esd(x: ArrayLike, max_outliers: int, alpha: float = 0.05) -> ESDResult:
    """Generalised ESD test for up to ``max_outliers`` outliers (Rosner 1983).

    口径: for i = 1..r, ``R_i = max|x − x̄|/s`` (sample sd, ddof=1) over the values left after
    removing the i−1 previous extremes, and
    ``λ_i = (n−i)·t_{p,n−i−1}/√((n−i−1+t²_{p,n−i−1})(n−i+1))`` with ``p = 1 − α/(2(n−i+1))``;
    the number of outliers is ``max{i : R_i > λ_i}`` (0 if none). Assumes the bulk of the data
    is approximately normal. METHODS.md §5, NIST e-Handbook §1.3.5.17.3.

    Parameters
    ----------
    x : array-like of float
        Finite values (NaN not allowed).
    max_outliers : int
        Upper bound r on the number of outliers, ``1 ≤ r ≤ n − 3``.
    alpha : float, default 0.05
        Significance level.

    Returns
    -------
    ESDResult
        ``n_outliers``, ``indices`` (positions of the outliers, in order of removal), and the
        arrays ``R`` and ``lam`` (λ) of length r.

    Raises
    ------
    ValueError
        NaN/inf values, ``max_outliers`` outside 1..n−3, or ``alpha`` outside (0, 1).
    """
    arr = _values(x, "x", allow_nan=False)
    n = arr.size
    if int(max_outliers) != max_outliers or not 1 <= max_outliers <= n - 3:
        raise ValueError(
            f"max_outliers must be an integer in 1..n−3 = {n - 3}, got {max_outliers!r}"
        )
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha!r}")
    r = int(max_outliers)
    remaining = np.arange(n)
    removed, R, lam = [], np.empty(r), np.empty(r)
    for i in range(1, r + 1):
        vals = arr[remaining]
        dev = np.abs(vals - vals.mean())
        sd = vals.std(ddof=1)
        j = int(np.argmax(dev))
        R[i - 1] = dev[j] / sd if sd > 0 else 0.0
        p = 1.0 - alpha / (2.0 * (n - i + 1))
        t = stats.t.ppf(p, n - i - 1)
        lam[i - 1] = (n - i) * t / np.sqrt((n - i - 1 + t**2) * (n - i + 1))
        removed.append(remaining[j])
        remaining = np.delete(remaining, j)
    exceed = np.flatnonzero(np.greater(R, lam))
    k = int(exceed[-1] + 1) if exceed.size else 0
    return ESDResult(k, np.array(removed[:k], dtype=int), R, lam)


# --------------------------------------------------------------------------- multiple testing


def modified_z_pvalue(score: ArrayLike, n_ref: ArrayLike | None = None) -> np.ndarray:
    """Two-sided p-value of a modified z-score.

    口径: without ``n_ref``, ``p = 2·Φ(−|M|)`` (``|M| = 3.5`` gives ``p = 4.65e-4``): the modified
    z of Iglewicz & Hoaglin is scaled to the standard normal for normal data (METHODS.md §5).
    With ``n_ref`` (how many values the median and MAD were taken from), ``p = 2·T_ν(−|M|)`` with
    Student's t and ``ν = max(1, 0.3675·(n_ref − 1))``: the MAD estimates σ with the sampling error
    of a standard deviation from 0.3675·n values (its asymptotic efficiency for normal data,
    1/(2·1.3605)), so a score against a short reference has heavier tails than the normal. NaN
    stays NaN; ``±inf`` gives 0.
    """
    m = np.abs(np.asarray(score, dtype=float))
    if n_ref is None:
        return np.asarray(2.0 * stats.norm.sf(m), dtype=float)
    n = np.asarray(n_ref, dtype=float)
    return np.asarray(2.0 * stats.t.sf(m, np.maximum(1.0, MAD_EFFICIENCY * (n - 1.0))), dtype=float)


def benjamini_hochberg(p: ArrayLike, q: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Benjamini–Hochberg (1995) step-up procedure controlling the false discovery rate at ``q``.

    口径: over the ``m`` finite p-values sorted ``p₍₁₎ ≤ … ≤ p₍ₘ₎``, reject the hypotheses of the
    ``k`` smallest, ``k = max{i : p₍ᵢ₎ ≤ i·q/m}``; the adjusted p-value (q-value) is
    ``min_{j ≥ i} min(1, m·p₍ⱼ₎/j)``. NaN p-values are not tests: they are not counted in ``m``,
    never rejected and get a NaN q-value. METHODS.md §4–5 ("Benjamini–Hochberg across slices").

    Returns
    -------
    (reject, q_values) : tuple of numpy arrays, aligned with ``p``.

    Raises
    ------
    ValueError
        p-values outside [0, 1] or ``q`` outside (0, 1).
    """
    arr = np.asarray(p, dtype=float).ravel()
    if not 0 < q < 1:
        raise ValueError(f"q must lie in (0, 1), got {q!r}")
    finite = np.isfinite(arr)
    if np.any((arr[finite] < 0) | (arr[finite] > 1)):
        raise ValueError("p-values must lie in [0, 1]")
    reject = np.zeros(arr.size, dtype=bool)
    adjusted = np.full(arr.size, np.nan)
    idx = np.flatnonzero(finite)
    m = idx.size
    if m == 0:
        return reject, adjusted
    order = idx[np.argsort(arr[idx], kind="stable")]
    ranked = arr[order]
    ranks = np.arange(1, m + 1)
    passed = np.flatnonzero(ranked <= ranks * q / m)
    if passed.size:
        reject[order[: passed[-1] + 1]] = True
    adj = np.minimum.accumulate((m * ranked / ranks)[::-1])[::-1]
    adjusted[order] = np.minimum(adj, 1.0)
    return reject, adjusted


# --------------------------------------------------------------------------- phase-aware seasonal baseline


def _daily_index(y: pd.Series, name: str) -> pd.Series:
    if not isinstance(y, pd.Series) or not isinstance(y.index, pd.DatetimeIndex):
        raise ValueError(f"{name} must be a pandas Series with a daily DatetimeIndex")
    if len(y) > 1 and not (np.diff(y.index.to_numpy()) == np.timedelta64(1, "D")).all():
        raise ValueError(f"{name} must have one row per day without gaps; reindex with asfreq('D')")
    return y.astype(float)


def _mask(m: ArrayLike, n: int, name: str) -> np.ndarray:
    arr = np.asarray(m, dtype=bool)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have one boolean per day ({n}), got shape {arr.shape}")
    return arr


def closed_weekdays(
    y: pd.Series,
    fit: ArrayLike,
    min_share: float = 0.8,
    min_days: int = 4,
    fallback: ArrayLike | None = None,
) -> tuple[int, ...]:
    """Weekdays (0 = Monday … 6 = Sunday) on which a shop structurally does not trade.

    口径: among the ``fit`` days falling on weekday ``w`` (at least ``min_days`` of them) — or,
    when the fit holds fewer, among the ``fallback`` days on ``w`` (at least ``min_days``) — the
    share without trade (``y`` ≤ 0 or missing) is at least ``min_share``. A closed weekday is not
    an anomaly and is left out of every fit and test (e.g. a shop that never trades on Saturdays:
    with a five-day baseline the fit held one Saturday, and every Saturday of the campaign was
    reported as 'closed, a system failure or missing data').

    Parameters
    ----------
    y : pandas.Series
        Daily activity (orders, GMV or a ratio's denominator) with a regular daily index.
    fit : array-like of bool
        The days that describe normal trading (campaign days masked).
    """
    s = _daily_index(y, "y")
    f = _mask(fit, len(s), "fit")
    back = _mask(fallback, len(s), "fallback") if fallback is not None else None
    wd = s.index.day_of_week.to_numpy()
    idle = ~(s.to_numpy() > 0)
    out = []
    for w in range(7):
        days = f & (wd == w)
        if days.sum() < min_days and back is not None:
            days = back & (wd == w)
        if days.sum() >= min_days and idle[days].mean() >= min_share:
            out.append(w)
    return tuple(out)


def _weekday_residuals(
    x: np.ndarray, fit: np.ndarray, open_day: np.ndarray, half_window: int
) -> np.ndarray:
    """Weekday residuals ``r_t = x_t − median`` of the neighbouring fit days.

    The median is over the fit days' finite, open ``x`` within ``±half_window``; NaN when the
    neighbourhood leaves the fit days or misses more than one open value.
    """
    usable = fit & open_day & np.isfinite(x)
    h = int(half_window)
    width = 2 * h + 1
    need = max(2, int(open_day[:width].sum()) - 1) if open_day.size >= width else 2
    resid = np.full(x.size, np.nan)
    if x.size < width:
        return resid
    # every day's neighbourhood at once: row j is days j … j + 2h, centred on t = j + h
    windows = np.lib.stride_tricks.sliding_window_view
    used = windows(usable, width)
    rows = np.sort(np.where(used, windows(x, width), np.nan), axis=1)  # NaN last
    n = used.sum(axis=1)
    t = np.arange(h, x.size - h)
    ok = usable[t] & windows(fit, width).all(axis=1) & (n >= need)
    resid[t[ok]] = x[t[ok]] - _sorted_median(rows[ok], n[ok])
    return resid


def weekday_effects(
    x: pd.Series,
    fit: ArrayLike,
    closed: tuple[int, ...] = (),
    half_window: int = 3,
    min_obs: int = 3,
) -> pd.Series:
    """Additive day-of-week effects of ``x`` (log values for multiplicative KPIs), robustly.

    口径 (ratio to a centred moving median, in logs a difference): for each fit day ``t`` whose
    whole ``±half_window`` neighbourhood is fit days, ``m_t`` = median of the finite ``x`` of that
    neighbourhood on open weekdays (a full week for ``half_window = 3``, so every weekday weighs the
    same); ``r_t = x_t − m_t``; ``s_w`` = median of ``r_t`` over weekday ``w`` (0 when fewer than
    ``min_obs`` values), then centred so the mean over open weekdays is 0. Closed weekdays get NaN.
    Campaign days are masked by leaving them out of ``fit`` (METHODS.md §5).

    Returns
    -------
    pandas.Series
        Index 0..6 (Monday..Sunday), the effect ``s_w``.
    """
    s = _daily_index(x, "x")
    f = _mask(fit, len(s), "fit")
    wd = s.index.day_of_week.to_numpy()
    resid = _weekday_residuals(s.to_numpy(), f, ~np.isin(wd, closed), half_window)
    effect = _effects(resid, wd, closed, min_obs)
    return pd.Series(
        effect - np.nanmean(effect), index=pd.RangeIndex(7, name="weekday"), name="weekday_effect"
    )


def _effects(
    resid: np.ndarray, wd: np.ndarray, closed: tuple[int, ...], min_obs: int
) -> np.ndarray:
    """Median ``resid`` per weekday (0 below ``min_obs`` values, NaN when closed), not centred."""
    effect = np.full(7, np.nan)
    for w in range(7):
        if w in closed:
            continue
        r = resid[(wd == w) & np.isfinite(resid)]
        effect[w] = np.median(r) if r.size >= min_obs else 0.0
    return effect


def local_level(
    d: pd.Series, regime: ArrayLike, k: int = 6, max_distance: int = 14, min_obs: int = 3
) -> pd.DataFrame:
    """Leave-one-out local level of a deseasonalised series within its own regime (phase).

    口径: for day ``t``, the median of ``d`` over the ``k`` nearest *other* days ``u`` with the same
    ``regime`` label, finite ``d_u`` and ``|u − t| ≤ max_distance`` (nearest first, earlier first on
    ties, so ``k = 6`` takes three days either side inside a phase); NaN when fewer than
    ``min_obs`` such days exist or the regime is missing. Leaving ``t`` out means a one-day spike
    does not raise its own expected value; staying inside the regime means a campaign day is
    compared with its own phase (a quiet burst day with other burst days), never with the
    no-promotion baseline.

    Returns
    -------
    pandas.DataFrame
        Columns ``level`` and ``n`` (how many days the median was taken over), indexed like ``d``.
    """
    s = _daily_index(d, "d")
    reg = np.asarray(regime, dtype=object)
    if reg.shape != (len(s),):
        raise ValueError(f"regime must have one label per day ({len(s)}), got shape {reg.shape}")
    vals = s.to_numpy()
    size = len(s)
    label = pd.factorize(reg, use_na_sentinel=True)[0]  # -1: no regime
    # every day at once: the other days by distance, the earlier first on ties (−1, +1, −2, +2 …)
    steps = np.arange(1, max_distance + 1)
    offsets = np.stack([-steps, steps], axis=1).ravel()
    pos = np.arange(size)[:, None] + offsets[None, :]
    at = np.clip(pos, 0, max(size - 1, 0))
    cand = (
        (pos >= 0)
        & (pos < size)
        & np.isfinite(vals)[at]
        & (label[at] == label[:, None])
        & (label >= 0)[:, None]
    )
    near = cand & (np.cumsum(cand, axis=1) <= k)  # the k nearest
    enough = cand.sum(axis=1) >= min_obs
    count = np.where(enough, near.sum(axis=1), 0)
    rows = np.sort(np.where(near, vals[at], np.nan), axis=1)  # NaN last
    out = np.where(enough, _sorted_median(rows, count), np.nan)
    return pd.DataFrame({"level": out, "n": count.astype(int)}, index=s.index)


def phase_seasonal_baseline(
    y: pd.Series,
    regime: ArrayLike,
    fit: ArrayLike,
    *,
    log: bool = True,
    closed: tuple[int, ...] | None = None,
    k: int = 6,
    max_distance: int = 14,
    half_window: int = 3,
    min_obs: int = 3,
) -> pd.DataFrame:
    """Expected value of each day: its phase's local level times a day-of-week effect.

    口径: with ``x = log y`` (``log=True``; days with ``y ≤ 0`` left out of every fit) or ``x = y``:
    weekday effects ``s_w`` from the ``fit`` days (:func:`weekday_effects`; campaign days masked),
    deseasonalised ``d_t = x_t − s_{w(t)}``, level ``L_t`` = :func:`local_level` of ``d`` within
    ``regime`` (t itself left out) and ``expected_t = exp(L_t + s_{w(t)})`` (``L_t + s_{w(t)}`` on
    the linear scale). On a fit day the day's own weekday effect is re-estimated without that day,
    so that no day is scored against a baseline it helped to fit. Closed weekdays
    (:func:`closed_weekdays` of ``y`` over ``fit`` unless given) have no expected value.
    ``se_factor = √(1 + π/(2n))`` is the standard-error inflation of a residual whose level is the
    median of ``n`` days (asymptotic variance of a normal sample median, πσ²/(2n)); pass it as
    ``scale`` to :func:`flag_anomalies`. METHODS.md §5: seasonal baseline, campaign days masked,
    logs for GMV.

    Returns
    -------
    pandas.DataFrame
        Columns ``actual``, ``expected``, ``level``, ``weekday_effect``, ``n_level``, ``se_factor``,
        ``closed`` (bool), indexed like ``y``.
    """
    s = _daily_index(y, "y")
    f = _mask(fit, len(s), "fit")
    if closed is None:
        closed = closed_weekdays(s, f)
    vals = s.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (
            np.where(vals > 0, np.log(np.where(vals > 0, vals, 1.0)), np.nan)
            if log
            else vals.copy()
        )
    wd = s.index.day_of_week.to_numpy()
    is_closed = np.isin(wd, closed)
    x[is_closed] = np.nan
    resid = _weekday_residuals(x, f, ~is_closed, half_window)
    raw = _effects(resid, wd, closed, min_obs)
    centre = np.nanmean(raw)
    seas = raw[wd] - centre
    level = local_level(pd.Series(x - seas, index=s.index), regime, k=k, max_distance=max_distance)
    own = seas.copy()  # the day's own weekday effect, re-estimated without the day on fit days
    for t in np.flatnonzero(np.isfinite(resid)):
        same = (wd == wd[t]) & np.isfinite(resid)
        same[t] = False
        own[t] = (np.median(resid[same]) if same.sum() >= min_obs else 0.0) - centre
    fitted = level["level"].to_numpy() + own
    with np.errstate(over="ignore"):
        expected = np.exp(fitted) if log else fitted
    expected[is_closed] = np.nan
    n = level["n"].to_numpy()
    se = np.where(n > 0, np.sqrt(1.0 + np.pi / (2.0 * np.maximum(n, 1))), np.nan)
    return pd.DataFrame(
        {
            "actual": vals,
            "expected": expected,
            "level": level["level"].to_numpy(),
            "weekday_effect": own,
            "n_level": n,
            "se_factor": se,
            "closed": is_closed,
        },
        index=s.index,
    )

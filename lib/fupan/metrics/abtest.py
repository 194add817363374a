"""A/B-test statistics for conversion and revenue metrics (METHODS.md §4).

Arm 1 is the control and arm 2 the treatment throughout: every difference is
``treatment − control`` (``p̂₂ − p̂₁``, ``x̄_b − x̄_a``), so a positive ``diff`` means the
treatment is higher. All functions are pure: they take numbers or array-likes and return frozen
dataclasses (or arrays) without touching their arguments. Invalid input raises ``ValueError``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

__all__ = [
    "CupedResult",
    "ProportionTest",
    "RatioDifference",
    "RatioEstimate",
    "SRMResult",
    "WelchTest",
    "cuped_adjust",
    "ratio_difference",
    "ratio_metric_delta",
    "relative_lift",
    "sample_size_two_proportions",
    "srm_test",
    "two_proportion_ztest",
    "welch_ttest",
    "welch_ttest_from_stats",
]


@dataclass(frozen=True)
class ProportionTest:
    """Two-proportion z-test; ``diff = p2 − p1`` (treatment − control), ``ci`` is on ``diff``."""

    p1: float
    p2: float
    diff: float
    z: float
    p_value: float
    ci: tuple[float, float]


@dataclass(frozen=True)
class WelchTest:
    """Welch t-test; ``diff = mean_b − mean_a`` (treatment − control), ``ci`` is on ``diff``."""

    mean_a: float
    mean_b: float
    diff: float
    t: float
    df: float
    p_value: float
    ci: tuple[float, float]


@dataclass(frozen=True)
class RatioEstimate:
    """A ratio of means ``Ȳ/X̄`` with its delta-method variance."""

    ratio: float
    variance: float
    n: int

    @property
    def se(self) -> float:
        """Standard error: the square root of ``variance``."""
        return math.sqrt(self.variance)


@dataclass(frozen=True)
class RatioDifference:
    """Difference of two ratio metrics (treatment − control) with a normal-theory test."""

    ratio_control: float
    ratio_treatment: float
    diff: float
    se: float
    z: float
    p_value: float
    ci: tuple[float, float]


@dataclass(frozen=True)
class CupedResult:
    """CUPED-adjusted outcomes (same order and index as the input) and the θ used."""

    adjusted: np.ndarray | pd.Series
    theta: float


@dataclass(frozen=True)
class SRMResult:
    """Sample-ratio-mismatch χ² goodness-of-fit test."""

    chi2: float
    p_value: float
    flagged: bool
    expected_counts: np.ndarray


def _check_alpha(alpha: float, name: str = "alpha") -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"{name} must lie strictly between 0 and 1, got {alpha!r}")


def _as_float_array(x: ArrayLike, name: str, min_len: int = 1) -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size < min_len:
        raise ValueError(f"{name} needs at least {min_len} value(s), got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinite values; drop or impute them first")
    return arr


def _normal_two_sided(z: float) -> float:
    return float(2.0 * stats.norm.sf(abs(z)))


def _interval(centre: float, half_width: float) -> tuple[float, float]:
    return float(centre - half_width), float(centre + half_width)


def two_proportion_ztest(x1: int, n1: int, x2: int, n2: int, alpha: float = 0.05) -> ProportionTest:
    """Two-sample z-test for a difference in proportions (e.g. conversion rate, CR).

    口径: ``p̂ᵢ = xᵢ/nᵢ`` (converters over randomised units of arm *i*; arm 1 = control);
    ``diff = p̂₂ − p̂₁``; ``z = diff / √(p̄(1−p̄)(1/n₁+1/n₂))`` with the pooled
    ``p̄ = (x₁+x₂)/(n₁+n₂)``; two-sided p-value from the standard normal; the ``1−alpha`` Wald
    interval on ``diff`` uses the unpooled SE ``√(p̂₁q̂₁/n₁ + p̂₂q̂₂/n₂)``. METHODS.md §4.

    Parameters
    ----------
    x1, n1, x2, n2 : int
        Successes and trials in the control (1) and treatment (2) arm.
    alpha : float, default 0.05
        ``1 − alpha`` is the confidence level of ``ci``.

    Returns
    -------
    ProportionTest

    Raises
    ------
    ValueError
        Non-integer or negative counts, ``x > n``, ``n = 0``, no variance (all or none converted
        in both arms), ``alpha`` outside (0, 1).
    """
    _check_alpha(alpha)
    for name, v in (("x1", x1), ("n1", n1), ("x2", x2), ("n2", n2)):
        if isinstance(v, bool) or not float(v).is_integer() or v < 0:
            raise ValueError(f"{name} must be a non-negative integer count, got {v!r}")
    if n1 == 0 or n2 == 0:
        raise ValueError("n1 and n2 must be positive (each arm needs at least one unit)")
    if x1 > n1 or x2 > n2:
        raise ValueError(f"successes exceed trials: x1={x1}, n1={n1}, x2={x2}, n2={n2}")
    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se_pooled = math.sqrt(pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2))
    if se_pooled == 0.0:
        raise ValueError("no variance: either every unit or no unit converted in both arms")
    diff = p2 - p1
    z = diff / se_pooled
    se_unpooled = math.sqrt(p1 * (1.0 - p1) / n1 + p2 * (1.0 - p2) / n2)
    half = stats.norm.ppf(1.0 - alpha / 2.0) * se_unpooled
    return ProportionTest(p1, p2, diff, z, _normal_two_sided(z), _interval(diff, half))


def relative_lift(
    x1: int, n1: int, x2: int, n2: int, alpha: float = 0.05
) -> tuple[float, tuple[float, float]]:
    """Relative lift ``p̂₂/p̂₁ − 1`` of the treatment's rate over the control's, with its CI.

    口径: the interval is the delta-method (Katz) interval on the log risk ratio,
    ``SE(ln RR) = √((1−p̂₁)/x₁ + (1−p̂₂)/x₂)``, transformed back and shifted by −1. METHODS.md §4.

    Raises
    ------
    ValueError
        Counts as in :func:`two_proportion_ztest`, or no conversion in an arm (the log ratio is
        undefined).
    """
    two_proportion_ztest(x1, n1, x2, n2, alpha)  # same validation of the counts
    if x1 == 0 or x2 == 0:
        raise ValueError("relative lift needs at least one conversion in each arm")
    p1, p2 = x1 / n1, x2 / n2
    log_rr = math.log(p2 / p1)
    se = math.sqrt((1 - p1) / x1 + (1 - p2) / x2)
    zq = stats.norm.ppf(1.0 - alpha / 2.0)
    return p2 / p1 - 1, (math.exp(log_rr - zq * se) - 1, math.exp(log_rr + zq * se) - 1)


def welch_ttest(a: ArrayLike, b: ArrayLike, alpha: float = 0.05) -> WelchTest:
    """Welch's unequal-variance t-test on per-unit values (e.g. revenue per user).

    口径: ``diff = x̄_b − x̄_a`` (``a`` = control, ``b`` = treatment), ``t = diff/√(s_a²/n_a +
    s_b²/n_b)`` with sample variances (ddof=1), Welch–Satterthwaite degrees of freedom
    ``ν = (s_a²/n_a + s_b²/n_b)² / [(s_a²/n_a)²/(n_a−1) + (s_b²/n_b)²/(n_b−1)]``, two-sided
    p-value from Student's t with ``ν`` df, ``ci = diff ± t_{1−α/2,ν}·SE``. METHODS.md §4.

    Parameters
    ----------
    a, b : array-like of float
        Per-unit outcomes of the control and the treatment arm (≥ 2 each, finite).
    alpha : float, default 0.05
        ``1 − alpha`` is the confidence level of ``ci``.

    Returns
    -------
    WelchTest

    Raises
    ------
    ValueError
        Fewer than two values in an arm, non-finite values, zero variance in both arms, ``alpha``
        outside (0, 1).
    """
    _check_alpha(alpha)
    xa = _as_float_array(a, "a", min_len=2)
    xb = _as_float_array(b, "b", min_len=2)
    return welch_ttest_from_stats(
        (float(xa.mean()), float(xa.var(ddof=1)), xa.size),
        (float(xb.mean()), float(xb.var(ddof=1)), xb.size),
        alpha,
    )


def welch_ttest_from_stats(
    a: tuple[float, float, int], b: tuple[float, float, int], alpha: float = 0.05
) -> WelchTest:
    """:func:`welch_ttest` from each arm's (mean, sample variance with ddof=1, size).

    These are the sufficient statistics an aggregate query returns instead of every unit's value
    (ab_arms.sql); the 口径 is :func:`welch_ttest`'s.

    Raises
    ------
    ValueError
        An arm with fewer than two units, a non-finite mean or variance, a negative variance,
        zero variance in both arms, ``alpha`` outside (0, 1).
    """
    _check_alpha(alpha)
    for name, (mean, var, n) in (("a", a), ("b", b)):
        if n < 2:
            raise ValueError(f"{name} needs at least 2 value(s), got {n}")
        if not (math.isfinite(mean) and math.isfinite(var)) or var < 0:
            raise ValueError(f"{name} needs a finite mean and a finite, non-negative variance")
    (mean_a, var_a, n_a), (mean_b, var_b, n_b) = a, b
    va, vb = var_a / n_a, var_b / n_b
    se = math.sqrt(va + vb)
    if se == 0.0:
        raise ValueError("both arms have zero variance; the t statistic is undefined")
    nu = (va + vb) ** 2 / (va**2 / (n_a - 1) + vb**2 / (n_b - 1))
    diff = float(mean_b - mean_a)
    t = diff / se
    p = float(2.0 * stats.t.sf(abs(t), nu))
    half = stats.t.ppf(1.0 - alpha / 2.0, nu) * se
    return WelchTest(float(mean_a), float(mean_b), diff, t, float(nu), p, _interval(diff, half))


def ratio_metric_delta(num: ArrayLike, den: ArrayLike) -> RatioEstimate:
    """Ratio-of-means metric and its delta-method variance (Deng, Knoblich & Lu 2018).

    口径: for a user-randomised ratio such as AOV = Σrevenue/Σorders, the per-user arrays
    ``num`` (Y) and ``den`` (X) give ``R = Ȳ/X̄`` and
    ``Var(R) ≈ (1/n)[σ_Y²/μ_X² − 2μ_Yσ_XY/μ_X³ + μ_Y²σ_X²/μ_X⁴]`` with sample moments (ddof=1).
    Users, not orders, are the independent units, so this is the right variance when orders of
    one user are correlated. METHODS.md §4.

    Parameters
    ----------
    num, den : array-like of float
        Per-user numerator and denominator, same length (≥ 2), finite.

    Returns
    -------
    RatioEstimate

    Raises
    ------
    ValueError
        Different lengths, fewer than two users, non-finite values, zero mean of ``den``.
    """
    y = _as_float_array(num, "num", min_len=2)
    x = _as_float_array(den, "den", min_len=2)
    if y.size != x.size:
        raise ValueError(f"num and den must have the same length, got {y.size} and {x.size}")
    mu_y, mu_x = y.mean(), x.mean()
    if mu_x == 0.0:
        raise ValueError("the mean of den is zero; the ratio is undefined")
    cov = np.cov(y, x, ddof=1)
    var = cov[0, 0] / mu_x**2 - 2.0 * mu_y * cov[0, 1] / mu_x**3 + mu_y**2 * cov[1, 1] / mu_x**4
    return RatioEstimate(float(mu_y / mu_x), float(max(var, 0.0) / y.size), int(y.size))


def ratio_difference(
    num_a: ArrayLike,
    den_a: ArrayLike,
    num_b: ArrayLike,
    den_b: ArrayLike,
    alpha: float = 0.05,
) -> RatioDifference:
    """Compare a ratio metric between control ``a`` and treatment ``b`` by the delta method.

    口径: ``diff = R_b − R_a`` with ``R = Ȳ/X̄`` per arm, ``se = √(Var(R_a) + Var(R_b))`` from
    :func:`ratio_metric_delta` (independent arms), ``z = diff/se``, two-sided normal p-value and
    ``ci = diff ± z_{1−α/2}·se``. METHODS.md §4.

    Parameters
    ----------
    num_a, den_a, num_b, den_b : array-like of float
        Per-user numerator and denominator in the control (a) and treatment (b) arm.
    alpha : float, default 0.05
        ``1 − alpha`` is the confidence level of ``ci``.

    Returns
    -------
    RatioDifference

    Raises
    ------
    ValueError
        As :func:`ratio_metric_delta`; zero variance in both arms; ``alpha`` outside (0, 1).
    """
    _check_alpha(alpha)
    ra, rb = ratio_metric_delta(num_a, den_a), ratio_metric_delta(num_b, den_b)
    se = math.sqrt(ra.variance + rb.variance)
    if se == 0.0:
        raise ValueError("both arms have zero delta-method variance; the z statistic is undefined")
    diff = rb.ratio - ra.ratio
    z = diff / se
    half = stats.norm.ppf(1.0 - alpha / 2.0) * se
    return RatioDifference(
        ra.ratio, rb.ratio, diff, se, z, _normal_two_sided(z), _interval(diff, half)
    )


def cuped_adjust(y: ArrayLike, x: ArrayLike, theta: float | None = None) -> CupedResult:
    """CUPED variance reduction with a pre-period covariate (Deng, Xu, Kohavi & Walker 2013).

    口径: ``Y' = Y − θ(X − X̄)`` where ``X`` is the same metric measured before the experiment and
    ``θ = cov(Y, X)/var(X)`` is estimated on **both arms pooled** (pass the concatenated arms),
    so the adjustment is identical across arms and the difference in means of ``Y'`` stays
    unbiased; ``Var(Ȳ') = Var(Ȳ)(1 − ρ²)``. METHODS.md §4.

    Parameters
    ----------
    y : array-like or pandas.Series
        Experiment-period outcome per unit (all arms).
    x : array-like or pandas.Series
        Pre-period covariate per unit, aligned with ``y`` by position.
    theta : float, optional
        A θ fixed in advance; estimated from the data when ``None``.

    Returns
    -------
    CupedResult
        ``adjusted`` keeps ``y``'s index when ``y`` is a Series.

    Raises
    ------
    ValueError
        Different lengths, fewer than two units, non-finite values or ``theta``, or a constant
        covariate when ``theta`` is to be estimated.
    """
    yv = _as_float_array(y, "y", min_len=2)
    xv = _as_float_array(x, "x", min_len=2)
    if yv.size != xv.size:
        raise ValueError(f"y and x must have the same length, got {yv.size} and {xv.size}")
    if theta is None:
        var_x = xv.var(ddof=1)
        if var_x == 0.0:
            raise ValueError("the covariate x is constant; theta = cov(y, x)/var(x) is undefined")
        theta = float(np.cov(yv, xv, ddof=1)[0, 1] / var_x)
    elif not math.isfinite(theta):
        raise ValueError(f"theta must be finite, got {theta!r}")
    adjusted = yv - theta * (xv - xv.mean())
    if isinstance(y, pd.Series):
        return CupedResult(pd.Series(adjusted, index=y.index, name=y.name), float(theta))
    return CupedResult(adjusted, float(theta))


def srm_test(
    observed_counts: ArrayLike, expected_shares: ArrayLike, threshold: float = 0.001
) -> SRMResult:
    """Sample-ratio-mismatch (SRM) check: χ² goodness of fit of arm counts to the design split.

    口径: expected count of arm *i* = ``N·sᵢ`` with ``N = Σ observed``; ``χ² = Σ(oᵢ − eᵢ)²/eᵢ``
    with ``k − 1`` degrees of freedom; ``flagged`` when ``p < threshold`` (0.001 by default;
    some platforms use 0.0005). A flagged test means the randomisation or logging is broken and
    the effect estimates must not be trusted. METHODS.md §4.

    Parameters
    ----------
    observed_counts : array-like of int
        Units observed per arm (≥ 2 arms, non-negative integers, positive total).
    expected_shares : array-like of float
        Design traffic share per arm, each in (0, 1), summing to 1.
    threshold : float, default 0.001
        Alert level for the p-value.

    Returns
    -------
    SRMResult

    Raises
    ------
    ValueError
        Fewer than two arms, length mismatch, bad counts, zero total, shares outside (0, 1) or
        not summing to 1, ``threshold`` outside (0, 1).
    """
    _check_alpha(threshold, "threshold")
    obs = _as_float_array(observed_counts, "observed_counts", min_len=2)
    shares = _as_float_array(expected_shares, "expected_shares", min_len=2)
    if obs.size != shares.size:
        raise ValueError(f"{obs.size} counts but {shares.size} shares; give one share per arm")
    if np.any(obs < 0) or not np.all(obs == np.round(obs)):
        raise ValueError("observed_counts must be non-negative integers")
    if obs.sum() == 0:
        raise ValueError("observed_counts sum to zero; nothing to test")
    if (
        np.any(shares <= 0)
        or np.any(shares >= 1)
        or not math.isclose(shares.sum(), 1, abs_tol=1e-9)
    ):
        raise ValueError(
            f"expected_shares must each lie in (0, 1) and sum to 1, got {shares.tolist()}"
        )
    expected = obs.sum() * shares
    chi2 = float(np.sum((obs - expected) ** 2 / expected))
    p = float(stats.chi2.sf(chi2, obs.size - 1))
    return SRMResult(chi2, p, p < threshold, expected)


def sample_size_two_proportions(
    p1: float, p2: float, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Units per arm needed to detect a change in a proportion from ``p1`` to ``p2``.

    口径: two-sided test at level ``alpha`` with the given power, equal arms, normal
    approximation with unpooled variances:
    ``n = ⌈(z_{1−α/2} + z_{power})²·[p₁(1−p₁) + p₂(1−p₂)]/(p₂ − p₁)²⌉``. METHODS.md §4.

    Parameters
    ----------
    p1, p2 : float
        Baseline and target proportions, each in (0, 1), different from each other.
    alpha, power : float, default 0.05 and 0.8
        Two-sided significance level and probability of detecting the difference.

    Returns
    -------
    int
        Units per arm, rounded up.

    Raises
    ------
    ValueError
        Any argument outside (0, 1), or ``p1 == p2``.
    """
    for name, v in (("p1", p1), ("p2", p2), ("alpha", alpha), ("power", power)):
        _check_alpha(v, name)
    if p1 == p2:
        raise ValueError("p1 and p2 are equal; no sample size detects a zero difference")
    z = stats.norm.ppf(1.0 - alpha / 2.0) + stats.norm.ppf(power)
    n = z**2 * (p1 * (1.0 - p1) + p2 * (1.0 - p2)) / (p2 - p1) ** 2
    return math.ceil(float(n))

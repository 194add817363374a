"""Tests for fupan.metrics.abtest — oracles: METHODS.md §7, statsmodels, scipy, simulation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from fupan.metrics.abtest import (
    cuped_adjust,
    ratio_difference,
    ratio_metric_delta,
    sample_size_two_proportions,
    srm_test,
    two_proportion_ztest,
    welch_ttest,
    welch_ttest_from_stats,
)

# --------------------------------------------------------------------------- two proportions


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2"),
    [(100, 1000, 130, 1000), (200, 10_000, 245, 10_300), (57, 300, 31, 280), (0, 50, 3, 60)],
)
def test_two_proportion_ztest_matches_statsmodels(x1: int, n1: int, x2: int, n2: int) -> None:
    res = two_proportion_ztest(x1, n1, x2, n2)
    z, p = proportions_ztest(count=[x2, x1], nobs=[n2, n1])  # pooled SE by default
    lo, hi = confint_proportions_2indep(x2, n2, x1, n1, method="wald", compare="diff")
    assert res.p1 == pytest.approx(x1 / n1) and res.p2 == pytest.approx(x2 / n2)
    assert res.diff == pytest.approx(x2 / n2 - x1 / n1, rel=1e-12)
    assert res.z == pytest.approx(z, rel=1e-10)
    assert res.p_value == pytest.approx(p, rel=1e-8)
    assert res.ci == pytest.approx((lo, hi), rel=1e-10)


def test_two_proportion_ztest_hand_computed() -> None:
    # p1 = .10, p2 = .13, pooled .115: SE = sqrt(.115*.885*2/1000) = 0.0142671...
    res = two_proportion_ztest(100, 1000, 130, 1000, alpha=0.10)
    assert res.z == pytest.approx(0.03 / np.sqrt(0.115 * 0.885 * 0.002), rel=1e-12)
    se_unpooled = np.sqrt(0.1 * 0.9 / 1000 + 0.13 * 0.87 / 1000)
    assert res.ci[1] - res.ci[0] == pytest.approx(2 * 1.6448536269514722 * se_unpooled, rel=1e-9)


@pytest.mark.parametrize(
    "args",
    [
        (-1, 10, 2, 10),
        (11, 10, 2, 10),
        (1, 0, 2, 10),
        (1.5, 10, 2, 10),
        (0, 10, 0, 10),
        (10, 10, 5, 5),
    ],
)
def test_two_proportion_ztest_rejects_bad_counts(args: tuple) -> None:
    with pytest.raises(ValueError):
        two_proportion_ztest(*args)


def test_two_proportion_ztest_rejects_bad_alpha() -> None:
    with pytest.raises(ValueError, match="alpha"):
        two_proportion_ztest(10, 100, 12, 100, alpha=1.5)


# --------------------------------------------------------------------------- Welch


def test_welch_ttest_matches_scipy() -> None:
    rng = np.random.default_rng(11)
    a = rng.lognormal(3.0, 1.0, size=80)
    b = rng.lognormal(3.2, 1.4, size=55)
    res = welch_ttest(a, b, alpha=0.1)
    ref = stats.ttest_ind(b, a, equal_var=False)  # scipy computes mean(first) - mean(second)
    ci = ref.confidence_interval(confidence_level=0.9)
    assert res.diff == pytest.approx(b.mean() - a.mean(), rel=1e-12)
    assert res.t == pytest.approx(ref.statistic, rel=1e-10)
    assert res.df == pytest.approx(ref.df, rel=1e-10)
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-8)
    assert res.ci == pytest.approx((ci.low, ci.high), rel=1e-9)


def test_welch_ttest_hand_computed_df() -> None:
    # a: mean 2, s² = 1 (n=3); b: mean 5, s² = 4 (n=3): se² = 1/3 + 4/3, ν = (5/3)²/((1/9+16/9)/2)
    res = welch_ttest([1, 2, 3], [3, 5, 7])
    assert res.t == pytest.approx(3 / np.sqrt(5 / 3), rel=1e-12)
    assert res.df == pytest.approx((25 / 9) / (17 / 18), rel=1e-12)


def test_welch_ttest_from_stats_matches_scipy_from_stats() -> None:
    """The sufficient-statistics form an aggregate query feeds (each arm's mean, ddof=1 variance
    and size) against scipy's ttest_ind_from_stats, at the size of a real campaign's arms."""
    a, b = (52.31, 48_210.7, 4_372_118), (55.02, 51_904.3, 4_369_082)
    res = welch_ttest_from_stats(a, b, alpha=0.05)
    ref = stats.ttest_ind_from_stats(
        b[0], np.sqrt(b[1]), b[2], a[0], np.sqrt(a[1]), a[2], equal_var=False
    )
    assert res.diff == pytest.approx(b[0] - a[0], rel=1e-12)
    assert res.t == pytest.approx(ref.statistic, rel=1e-10)
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-8)
    se = np.sqrt(a[1] / a[2] + b[1] / b[2])
    assert res.ci == pytest.approx((res.diff - 1.959964 * se, res.diff + 1.959964 * se), rel=1e-5)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ((1.0, 0.5, 1), (2.0, 0.5, 10)),  # one unit
        ((1.0, float("nan"), 5), (2.0, 0.5, 10)),  # variance of a single user (NULL in SQL)
        ((1.0, -0.1, 5), (2.0, 0.5, 10)),
        ((1.0, 0.0, 5), (2.0, 0.0, 10)),  # no spread in either arm
    ],
)
def test_welch_ttest_from_stats_rejects_bad_input(a, b) -> None:
    with pytest.raises(ValueError):
        welch_ttest_from_stats(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [([1.0], [1.0, 2.0]), ([1.0, np.nan], [1.0, 2.0]), ([2.0, 2.0], [3.0, 3.0]), ([], [])],
)
def test_welch_ttest_rejects_bad_input(a: list[float], b: list[float]) -> None:
    with pytest.raises(ValueError):
        welch_ttest(a, b)


# --------------------------------------------------------------------------- delta method


def _simulate_users(
    rng: np.random.Generator, shape: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """Orders and revenue per user, correlated through a user-level AOV u ~ Gamma(2, 25).

    orders ~ Poisson(0.5 + u/25), revenue | orders, u ~ Gamma(5·orders, u/5), so
    E[orders] = 2.5, E[revenue] = E[(0.5 + u/25)·u] = 25 + 3750/25 = 175 and the true AOV = 70.
    """
    u = rng.gamma(2.0, 25.0, size=shape)
    orders = rng.poisson(0.5 + u / 25.0)
    revenue = np.where(orders > 0, rng.gamma(np.maximum(5.0 * orders, 1e-9), u / 5.0), 0.0)
    return revenue, orders.astype(float)


def test_ratio_metric_delta_reduces_to_mean_variance_when_denominator_is_one() -> None:
    y = np.array([3.0, 7.0, 1.0, 9.0, 5.0])
    est = ratio_metric_delta(y, np.ones_like(y))
    assert est.ratio == pytest.approx(5.0)
    assert est.variance == pytest.approx(10.0 / 5, rel=1e-12)  # s² = 40/4 = 10, /n
    assert est.n == 5


def test_ratio_metric_delta_coverage_by_simulation() -> None:
    rng = np.random.default_rng(2018)
    reps, n, true_ratio = 2000, 500, 70.0
    revenue, orders = _simulate_users(rng, (reps, n))
    ests = [ratio_metric_delta(revenue[i], orders[i]) for i in range(reps)]
    ratios = np.array([e.ratio for e in ests])
    ses = np.array([e.se for e in ests])
    # The delta-method SE matches the Monte-Carlo spread (sd of the sd estimate ≈ 1.6% here).
    assert np.mean(ses) == pytest.approx(np.std(ratios, ddof=1), rel=0.05)
    coverage = np.mean(np.abs(ratios - true_ratio) <= 1.959964 * ses)
    assert abs(coverage - 0.95) < 0.015  # 3 binomial SEs for 2000 replicates
    assert np.mean(ratios) == pytest.approx(true_ratio, rel=0.01)


def test_ratio_metric_delta_agrees_with_bootstrap() -> None:
    rng = np.random.default_rng(42)
    revenue, orders = _simulate_users(rng, (3000,))
    est = ratio_metric_delta(revenue, orders)
    idx = rng.integers(0, revenue.size, size=(2000, revenue.size))
    boot = revenue[idx].sum(axis=1) / orders[idx].sum(axis=1)
    assert est.ratio == pytest.approx(revenue.sum() / orders.sum(), rel=1e-12)
    assert est.se == pytest.approx(np.std(boot, ddof=1), rel=0.06)


@pytest.mark.parametrize(
    ("num", "den"),
    [([1.0, 2.0], [1.0]), ([1.0], [1.0]), ([1.0, 2.0], [0.0, 0.0]), ([1.0, np.inf], [1.0, 1.0])],
)
def test_ratio_metric_delta_rejects_bad_input(num: list[float], den: list[float]) -> None:
    with pytest.raises(ValueError):
        ratio_metric_delta(num, den)


def test_ratio_difference_equals_welch_z_when_denominators_are_one() -> None:
    rng = np.random.default_rng(5)
    a, b = rng.normal(10, 3, 400), rng.normal(10.5, 4, 350)
    res = ratio_difference(a, np.ones_like(a), b, np.ones_like(b))
    ref = stats.ttest_ind(b, a, equal_var=False)
    assert res.diff == pytest.approx(b.mean() - a.mean(), rel=1e-12)
    assert res.z == pytest.approx(ref.statistic, rel=1e-10)  # same statistic, normal reference
    assert res.p_value == pytest.approx(2 * stats.norm.sf(abs(ref.statistic)), rel=1e-9)
    assert res.ci[0] < res.diff < res.ci[1]


def test_ratio_difference_aa_false_positive_rate() -> None:
    rng = np.random.default_rng(99)
    reps, n = 1500, 400
    rev, orders = _simulate_users(rng, (reps, 2, n))
    pvals = np.array(
        [
            ratio_difference(rev[i, 0], orders[i, 0], rev[i, 1], orders[i, 1]).p_value
            for i in range(reps)
        ]
    )
    assert abs(np.mean(pvals < 0.05) - 0.05) < 0.017  # 3 binomial SEs


def test_ratio_difference_rejects_bad_alpha_and_lengths() -> None:
    with pytest.raises(ValueError):
        ratio_difference([1, 2], [1, 1], [1, 2], [1, 1], alpha=0.0)
    with pytest.raises(ValueError):
        ratio_difference([1, 2, 3], [1, 1], [1, 2], [1, 1])


# --------------------------------------------------------------------------- CUPED


def test_cuped_theta_is_ols_slope_and_index_is_kept() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(10, 2, 300)
    y = pd.Series(2 + 1.5 * x + rng.normal(0, 3, 300), index=pd.RangeIndex(100, 400), name="gmv")
    res = cuped_adjust(y, x)
    slope = np.polyfit(x, y.to_numpy(), 1)[0]
    assert res.theta == pytest.approx(slope, rel=1e-10)
    assert isinstance(res.adjusted, pd.Series) and res.adjusted.index.equals(y.index)
    assert res.adjusted.mean() == pytest.approx(y.mean(), rel=1e-12)  # centred covariate
    fixed = cuped_adjust(y.to_numpy(), x, theta=1.0)
    np.testing.assert_allclose(fixed.adjusted, y.to_numpy() - (x - x.mean()), rtol=1e-12)


def test_cuped_variance_reduction_and_unbiasedness() -> None:
    # x ~ N(10, 2²), y = 2 + 1.5x + e, e ~ N(0, s²) with s² = 9/0.49 − 9, so ρ = 0.7, 1 − ρ² = 0.51.
    rng = np.random.default_rng(2013)
    reps, n, effect = 2000, 400, 0.5
    s = np.sqrt(9 / 0.49 - 9)
    x = rng.normal(10, 2, size=(reps, 2, n))
    y = 2 + 1.5 * x + rng.normal(0, s, size=(reps, 2, n))
    y[:, 1, :] += effect
    raw, adj = np.empty(reps), np.empty(reps)
    for i in range(reps):
        res = cuped_adjust(y[i].ravel(), x[i].ravel())  # θ pooled over both arms
        a = res.adjusted.reshape(2, n)
        raw[i] = y[i, 1].mean() - y[i, 0].mean()
        adj[i] = a[1].mean() - a[0].mean()
    assert np.var(adj, ddof=1) / np.var(raw, ddof=1) == pytest.approx(0.51, rel=0.08)
    assert abs(adj.mean() - effect) < 4 * adj.std(ddof=1) / np.sqrt(reps)


@pytest.mark.parametrize(
    ("y", "x", "theta"),
    [
        ([1.0, 2.0], [1.0], None),
        ([1.0, 2.0], [3.0, 3.0], None),
        ([1.0], [1.0], None),
        ([1.0, 2.0], [1.0, 2.0], np.nan),
    ],
)
def test_cuped_rejects_bad_input(y: list[float], x: list[float], theta: float | None) -> None:
    with pytest.raises(ValueError):
        cuped_adjust(y, x, theta)


# --------------------------------------------------------------------------- SRM


# GrowthBook's own test (growthbook/growthbook, packages/back-end/test/stats.test.ts, "calculates
# SRM correctly") asserts p.toFixed(9); METHODS.md §7 quotes the first two of these rounded to
# 5-6 significant digits (2.0079e-5, 0.205903), too coarse for a 1e-6 relative check, so the
# 9-decimal upstream values are the oracle here.
@pytest.mark.parametrize(
    ("counts", "shares", "growthbook_p"),
    [
        ([1000, 1200], [0.5, 0.5], 0.000020079),
        ([135, 115], [0.5, 0.5], 0.205903211),
        ([310, 98], [0.75, 0.25], 0.647434186),
        ([0, 10, 10], [0.34, 0.33, 0.33], 0.005790624),
        ([500, 500, 600], [0.34, 0.33, 0.33], 0.000592638),
        ([500, 500], [0.5, 0.5], 1.0),
    ],
)
def test_srm_matches_growthbook_to_nine_decimals(
    counts: list[int], shares: list[float], growthbook_p: float
) -> None:
    res = srm_test(counts, shares)
    assert round(res.p_value, 9) == growthbook_p
    ref = stats.chisquare(counts, np.sum(counts) * np.asarray(shares))
    assert res.chi2 == pytest.approx(ref.statistic, rel=1e-12, abs=1e-12)
    assert res.p_value == pytest.approx(ref.pvalue, rel=1e-10)
    assert res.flagged == (growthbook_p < 0.001)


@pytest.mark.parametrize(
    ("counts", "shares", "expected_p", "rel"),
    [([310, 98], [0.75, 0.25], 0.647434, 1e-6), ([600, 400], [0.5, 0.5], 2.54e-10, 1e-2)],
)
def test_srm_matches_methods_table(
    counts: list[int], shares: list[float], expected_p: float, rel: float
) -> None:
    res = srm_test(counts, shares)
    assert res.p_value == pytest.approx(expected_p, rel=rel)  # METHODS.md §7
    assert res.flagged == (expected_p < 0.001)


def test_srm_threshold_is_configurable() -> None:
    # chi2 = 2·40²/1000 = 3.2 → p ≈ 0.0736: not flagged at 0.001, flagged at 0.1
    assert not srm_test([540, 460], [0.5, 0.5]).flagged
    assert srm_test([540, 460], [0.5, 0.5], threshold=0.1).flagged


@pytest.mark.parametrize(
    ("counts", "shares"),
    [
        ([100], [1.0]),
        ([100, -1], [0.5, 0.5]),
        ([100, 90], [0.6, 0.6]),
        ([0, 0], [0.5, 0.5]),
        ([100, 90, 80], [0.5, 0.5]),
    ],
)
def test_srm_rejects_bad_input(counts: list[int], shares: list[float]) -> None:
    with pytest.raises(ValueError):
        srm_test(counts, shares)


# --------------------------------------------------------------------------- sample size


def test_sample_size_methods_oracle() -> None:
    assert abs(sample_size_two_proportions(0.020, 0.022) - 80_679) <= 1  # METHODS.md §7


def test_sample_size_grows_with_power_and_shrinks_with_effect() -> None:
    base = sample_size_two_proportions(0.10, 0.12)
    assert sample_size_two_proportions(0.10, 0.12, power=0.9) > base
    assert sample_size_two_proportions(0.10, 0.14) < base
    assert sample_size_two_proportions(0.12, 0.10) == base  # symmetric in direction


@pytest.mark.parametrize(
    "args",
    [(0.0, 0.1, 0.05, 0.8), (0.1, 1.0, 0.05, 0.8), (0.1, 0.1, 0.05, 0.8), (0.1, 0.2, 0.05, 1.0)],
)
def test_sample_size_rejects_bad_input(args: tuple[float, float, float, float]) -> None:
    with pytest.raises(ValueError):
        sample_size_two_proportions(*args)

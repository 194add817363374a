"""Tests for fupan.metrics.anomaly — oracles: NIST e-Handbook, hand computation, loops."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fupan.metrics.anomaly import (
    benjamini_hochberg,
    closed_weekdays,
    flag_anomalies,
    generalized_esd,
    local_level,
    modified_z_pvalue,
    modified_zscore,
    p_chart_limits,
    phase_seasonal_baseline,
    same_weekday_median,
    seasonal_naive,
    stl_baseline,
    weekday_effects,
)

# NIST/SEMATECH e-Handbook §1.3.5.17.3 (Rosner 1983) — 54 values.
ROSNER = [
    -0.25, 0.68, 0.94, 1.15, 1.20, 1.26, 1.26, 1.34, 1.38, 1.43, 1.49, 1.49, 1.55, 1.56, 1.58,
    1.65, 1.69, 1.70, 1.76, 1.77, 1.81, 1.91, 1.94, 1.96, 1.99, 2.06, 2.09, 2.10, 2.14, 2.15,
    2.23, 2.24, 2.26, 2.35, 2.37, 2.40, 2.47, 2.54, 2.62, 2.64, 2.90, 2.92, 2.92, 2.93, 3.21,
    3.26, 3.30, 3.59, 3.68, 4.30, 4.64, 5.34, 5.42, 6.01,
]  # fmt: skip


def _daily(values: list[float] | np.ndarray, start: str = "2024-01-01") -> pd.Series:
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="D"), name="gmv")


# --------------------------------------------------------------------------- modified z


def test_modified_zscore_hand_computed_and_keeps_index() -> None:
    # median 3, |x − 3| = 2, 1, 0, 1, 97 → MAD 1; M = 0.6745·(x − 3)
    x = _daily([1.0, 2.0, 3.0, 4.0, 100.0])
    m = modified_zscore(x)
    pd.testing.assert_index_equal(m.index, x.index)
    np.testing.assert_allclose(m.to_numpy(), [-1.349, -0.6745, 0.0, 0.6745, 65.4265], rtol=1e-12)
    assert (m.abs() > 3.5).tolist() == [False, False, False, False, True]


def test_modified_zscore_ignores_nan() -> None:
    m = modified_zscore(np.array([1.0, 2.0, np.nan, 3.0, 4.0, 100.0]))
    assert np.isnan(m[2])
    np.testing.assert_allclose(m[[0, 5]], [-1.349, 65.4265], rtol=1e-12)


def test_modified_zscore_mad_zero_falls_back_to_mean_absolute_deviation() -> None:
    # median 5, MAD 0; MeanAD = (0+0+0+0+4)/5 = 0.8 → M(9) = 4/(1.253314·0.8)
    m = modified_zscore([5.0, 5.0, 5.0, 5.0, 9.0])
    np.testing.assert_allclose(m, [0, 0, 0, 0, 4 / (1.253314 * 0.8)], rtol=1e-12)
    np.testing.assert_array_equal(modified_zscore([2.0, 2.0, 2.0]), [0.0, 0.0, 0.0])


@pytest.mark.parametrize("bad", [[], [np.nan, np.nan], [1.0, np.inf], [[1.0, 2.0]]])
def test_modified_zscore_rejects_bad_input(bad: list) -> None:
    with pytest.raises(ValueError):
        modified_zscore(bad)


# --------------------------------------------------------------------------- baselines


def test_seasonal_naive_matches_loop() -> None:
    rng = np.random.default_rng(1)
    y = _daily(rng.normal(100, 10, 40))
    got = seasonal_naive(y, period=7)
    expected = [np.nan if t < 7 else y.iloc[t - 7] for t in range(len(y))]
    np.testing.assert_array_equal(got.to_numpy(), expected)
    pd.testing.assert_index_equal(got.index, y.index)


def test_same_weekday_median_matches_loop_with_masked_days() -> None:
    rng = np.random.default_rng(2)
    values = rng.normal(100, 10, 60)
    values[[10, 24, 31, 45]] = np.nan  # masked campaign days
    y = _daily(values)
    for weeks, min_weeks in [(4, None), (4, 2), (2, 1)]:
        got = same_weekday_median(y, weeks=weeks, min_weeks=min_weeks).to_numpy()
        need = weeks if min_weeks is None else min_weeks
        for t in range(len(values)):
            lags = [values[t - 7 * k] for k in range(1, weeks + 1) if t - 7 * k >= 0]
            lags = [v for v in lags if not np.isnan(v)]
            if len(lags) >= need:
                assert got[t] == pytest.approx(float(np.median(lags)), rel=1e-12)
            else:
                assert np.isnan(got[t])


def test_baselines_reject_bad_input() -> None:
    gappy = pd.Series(
        [1.0, 2.0, 3.0], index=pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-04"])
    )
    with pytest.raises(ValueError, match="asfreq"):
        seasonal_naive(gappy)
    with pytest.raises(ValueError):
        seasonal_naive(_daily([1.0, 2.0]), period=0)
    with pytest.raises(ValueError, match="asfreq"):
        same_weekday_median(gappy)
    with pytest.raises(ValueError):
        same_weekday_median(_daily([1.0] * 30), weeks=4, min_weeks=5)
    with pytest.raises(ValueError):
        stl_baseline(_daily([1.0] * 10), period=7)  # fewer than two periods
    with pytest.raises(ValueError):
        stl_baseline(gappy, period=1)


def test_stl_baseline_recovers_weekly_pattern_and_trend() -> None:
    rng = np.random.default_rng(1990)
    n = 16 * 7
    t = np.arange(n)
    weekly = np.array([10.0, -5.0, -5.0, 0.0, 3.0, -8.0, 5.0])  # sums to 0
    truth = 100 + 0.5 * t + weekly[t % 7]
    y = truth + rng.normal(0, 1, n)
    spikes = [30, 61, 90]
    y[spikes] += 40.0  # one-off promotions the robust fit should not absorb
    y[75] = np.nan  # a masked day
    out = stl_baseline(_daily(y), period=7, robust=True)
    err = out["baseline"].to_numpy() - truth
    assert np.mean(np.abs(err)) < 0.8
    assert np.max(np.abs(err)) < 3.5
    seasonal_by_weekday = out["seasonal"].groupby(t % 7).mean().to_numpy()
    np.testing.assert_allclose(seasonal_by_weekday, weekly, atol=1.0)
    assert np.all(out["resid"].to_numpy()[spikes] > 35.0)
    assert np.isnan(out["resid"].iloc[75]) and np.isfinite(out["baseline"].iloc[75])


# --------------------------------------------------------------------------- flagging


def test_flag_anomalies_whole_series_needs_score_and_business_threshold() -> None:
    # residuals 1,-1,0,2,-2,0,1,-1,0,10,50: median 0, MAD 1 → score = 0.6745·residual
    expected = [2.0] + [100.0] * 8 + [1000.0, 100.0]
    actual = [3.0, 99, 100, 102, 98, 100, 101, 99, 100, 1010, 150]
    out = flag_anomalies(_daily(actual), _daily(expected), window=None)
    np.testing.assert_allclose(out["residual"], [1, -1, 0, 2, -2, 0, 1, -1, 0, 10, 50])
    np.testing.assert_allclose(out["score"], 0.6745 * out["residual"], rtol=1e-12)
    assert out["rel_dev"].iloc[0] == pytest.approx(0.5)  # big relative, tiny score
    assert out["rel_dev"].iloc[9] == pytest.approx(0.01)  # big score, tiny relative
    assert out["flag"].tolist() == [False] * 10 + [True]


def test_flag_anomalies_trailing_window_hand_computed() -> None:
    r = np.array([0.0, 1.0, -1.0, 2.0, -2.0, 10.0, 0.0])
    out = flag_anomalies(100 + r, np.full(7, 100.0), window=4, min_periods=3, min_rel_dev=0.05)
    # t=3: ref {0,1,-1}: med 0, MAD 1 · t=4: ref {0,1,-1,2}: med .5, MAD 1
    # t=5: ref {1,-1,2,-2}: med 0, MAD 1.5 · t=6: ref {-1,2,-2,10}: med .5, MAD 2
    expected = [np.nan] * 3 + [1.349, 0.6745 * -2.5, 0.6745 * 10 / 1.5, 0.6745 * -0.5 / 2]
    np.testing.assert_allclose(out["score"], expected, rtol=1e-12)
    assert out["flag"].tolist() == [False] * 5 + [True, False]
    assert not flag_anomalies(100 + r, np.full(7, 100.0), window=4, min_periods=3)["flag"].any()


def test_flag_anomalies_log_residuals() -> None:
    out = flag_anomalies([200.0, 50.0], [100.0, 100.0], window=None, log=True)
    np.testing.assert_allclose(out["residual"], [math.log(2), math.log(0.5)], rtol=1e-12)
    np.testing.assert_allclose(out["rel_dev"], [1.0, -0.5])


def test_flag_anomalies_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        flag_anomalies([1.0, 2.0], [1.0])
    with pytest.raises(ValueError, match="index"):
        flag_anomalies(_daily([1.0, 2.0]), _daily([1.0, 2.0], start="2023-01-01"))
    with pytest.raises(ValueError, match="positive"):
        flag_anomalies([1.0, 0.0], [1.0, 1.0], log=True)
    with pytest.raises(ValueError):
        flag_anomalies([1.0, 2.0], [1.0, 1.0], window=1)


# --------------------------------------------------------------------------- p-chart


def test_p_chart_limits_hand_computed() -> None:
    successes, trials = [10, 30, 5, 40], [100, 200, 50, 100]
    out = p_chart_limits(pd.Series(successes), pd.Series(trials))
    pbar = 85 / 450
    half = [3 * math.sqrt(pbar * (1 - pbar) / n) for n in trials]
    np.testing.assert_allclose(out["centre"], [pbar] * 4, rtol=1e-12)
    np.testing.assert_allclose(out["lower"], [pbar - h for h in half], rtol=1e-12)
    np.testing.assert_allclose(out["upper"], [pbar + h for h in half], rtol=1e-12)
    np.testing.assert_allclose(out["p"], [0.1, 0.15, 0.1, 0.4])
    assert out["out_of_control"].tolist() == [False, False, False, True]


def test_p_chart_limits_clip_to_unit_interval() -> None:
    out = p_chart_limits([1, 0], [2, 3])  # p̄ = 0.2, n = 2: 0.2 ∓ 3·√(0.08) = −0.65 / 1.05
    assert out["lower"].tolist() == [0.0, 0.0]
    assert out["upper"].iloc[0] == 1.0


@pytest.mark.parametrize(
    ("succ", "trials"), [([1, 2], [10]), ([11], [10]), ([-1], [10]), ([1], [0]), ([np.nan], [10])]
)
def test_p_chart_limits_rejects_bad_input(succ: list[float], trials: list[float]) -> None:
    with pytest.raises(ValueError):
        p_chart_limits(succ, trials)


# --------------------------------------------------------------------------- GESD


def test_rosner_data_has_54_values() -> None:
    assert len(ROSNER) == 54


def test_generalized_esd_reproduces_nist() -> None:
    res = generalized_esd(ROSNER, max_outliers=10, alpha=0.05)
    assert res.n_outliers == 3
    assert sorted(ROSNER[i] for i in res.indices) == [5.34, 5.42, 6.01]
    # NIST table, i = 1 and 3 (the handbook truncates to three decimals)
    assert res.R[0] == pytest.approx(3.118, abs=2e-3)
    assert res.lam[0] == pytest.approx(3.158, abs=2e-3)
    assert res.R[2] == pytest.approx(3.179, abs=2e-3)
    assert res.lam[2] == pytest.approx(3.143, abs=2e-3)
    nist_R = [3.118, 2.942, 3.179, 2.810, 2.815, 2.848, 2.279, 2.310, 2.101, 2.067]
    nist_lam = [3.158, 3.151, 3.143, 3.136, 3.128, 3.120, 3.111, 3.103, 3.094, 3.085]
    np.testing.assert_allclose(res.R, nist_R, atol=2e-3)
    np.testing.assert_allclose(res.lam, nist_lam, atol=2e-3)


def test_generalized_esd_order_invariant_and_reports_positions() -> None:
    rng = np.random.default_rng(8)
    perm = rng.permutation(len(ROSNER))
    shuffled = pd.Series(np.asarray(ROSNER)[perm])
    res = generalized_esd(shuffled, max_outliers=10)
    assert res.n_outliers == 3
    assert sorted(shuffled.iloc[res.indices]) == [5.34, 5.42, 6.01]


@pytest.mark.parametrize(
    ("x", "r", "alpha"),
    [
        (ROSNER, 0, 0.05),
        (ROSNER, 52, 0.05),
        (ROSNER, 2.5, 0.05),
        (ROSNER, 3, 1.0),
        ([1.0, np.nan, 2, 3, 4], 1, 0.05),
    ],
)
def test_generalized_esd_rejects_bad_input(x: list[float], r: float, alpha: float) -> None:
    with pytest.raises(ValueError):
        generalized_esd(x, r, alpha)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- scale and reference size


def test_flag_anomalies_scale_divides_residuals_and_reports_reference_size() -> None:
    # residuals 0, 2, -2, 4, 8 with scale 1, 2, 2, 2, 4 → standardised 0, 1, -1, 2, 2
    actual, expected = np.array([100.0, 102, 98, 104, 108]), np.full(5, 100.0)
    out = flag_anomalies(actual, expected, window=None, scale=[1.0, 2, 2, 2, 4])
    # standardised: median 1, |d| = 1, 0, 2, 1, 1 → MAD 1; M = 0.6745·(s − 1)
    np.testing.assert_allclose(
        out["score"], 0.6745 * (np.array([0.0, 1, -1, 2, 2]) - 1), rtol=1e-12
    )
    np.testing.assert_allclose(out["residual"], [0, 2, -2, 4, 8])  # the raw residual is kept
    assert out["n_ref"].tolist() == [5] * 5
    trailing = flag_anomalies(actual, expected, window=3, min_periods=2)
    assert trailing["n_ref"].tolist() == [0, 1, 2, 3, 3]
    with pytest.raises(ValueError, match="scale"):
        flag_anomalies(actual, expected, scale=[1.0, 0, 1, 1, 1])


# --------------------------------------------------------------------------- p-values and BH


def test_modified_z_pvalue_normal_and_student() -> None:
    assert modified_z_pvalue(3.5) == pytest.approx(4.6525815807e-4, rel=1e-8)  # 2·(1 − Φ(3.5))
    assert modified_z_pvalue(-np.inf) == 0.0 and np.isnan(modified_z_pvalue(np.nan))
    # n_ref = 49 → ν = 0.3675·48 = 17.64
    assert modified_z_pvalue(3.5, 49) == pytest.approx(2 * stats.t.sf(3.5, 17.64), rel=1e-12)
    assert modified_z_pvalue(3.5, 1) == pytest.approx(
        2 * stats.t.sf(3.5, 1.0), rel=1e-12
    )  # ν floored at 1


@pytest.mark.parametrize("n", [20, 48])
def test_modified_z_pvalue_matches_simulated_tail_of_mad_scores(n: int) -> None:
    """A modified z against n normal reference values exceeds 3.5 about as often as the Student-t
    approximation says, and several times more often than the normal tail."""
    rng = np.random.default_rng(n)
    x = rng.normal(size=(400_000, n + 1))
    ref = x[:, :n]
    med = np.median(ref, axis=1)
    mad = np.median(np.abs(ref - med[:, None]), axis=1)
    freq = np.mean(np.abs(0.6745 * (x[:, n] - med) / mad) > 3.5)
    assert freq == pytest.approx(modified_z_pvalue(3.5, n), rel=0.15)
    assert freq > 4 * modified_z_pvalue(3.5)


def test_benjamini_hochberg_hand_computed() -> None:
    # m = 4 (NaN is no test); sorted 0.005, 0.01, 0.03, 0.04 vs i·0.05/4 = .0125, .025, .0375, .05 → all
    reject, q = benjamini_hochberg([0.01, 0.04, 0.03, 0.005, np.nan])
    assert reject.tolist() == [True, True, True, True, False]
    np.testing.assert_allclose(q[:4], [0.02, 0.04, 0.04, 0.02])
    assert np.isnan(q[4])
    # sorted 0.01, 0.03, 0.04: thresholds .0167, .0333, .05 → the step-up rejects all three
    assert benjamini_hochberg([0.04, 0.01, 0.03])[0].tolist() == [True, True, True]
    # 0.02, 0.2, 0.3: 0.02 > 0.05/3? no, 0.0167 < 0.02 → none rejected
    assert not benjamini_hochberg([0.02, 0.2, 0.3])[0].any()


def test_benjamini_hochberg_matches_statsmodels() -> None:
    from statsmodels.stats.multitest import multipletests

    rng = np.random.default_rng(3)
    p = np.concatenate([rng.uniform(size=200), rng.uniform(0, 1e-3, size=20)])
    for q in (0.05, 0.2):
        reject, adj = benjamini_hochberg(p, q)
        sm_reject, sm_adj, _, _ = multipletests(p, alpha=q, method="fdr_bh")
        np.testing.assert_array_equal(reject, sm_reject)
        np.testing.assert_allclose(adj, sm_adj, rtol=1e-12)
    with pytest.raises(ValueError):
        benjamini_hochberg([0.5, 1.5])
    with pytest.raises(ValueError):
        benjamini_hochberg([0.5], q=0)
    assert benjamini_hochberg([np.nan])[0].tolist() == [False]


# --------------------------------------------------------------------------- phase-aware seasonal baseline

WEEK = np.array([1.0, 0.9, 0.95, 1.05, 1.2, 0.0, 0.7])  # Monday .. Sunday; Saturday closed


def _week_series(levels: np.ndarray, start: str = "2024-01-01") -> pd.Series:
    idx = pd.date_range(start, periods=len(levels), freq="D")  # 2024-01-01 is a Monday
    return pd.Series(levels * WEEK[idx.day_of_week], index=idx)


def test_closed_weekdays_finds_the_structurally_shut_day() -> None:
    y = _week_series(np.full(70, 100.0))
    fit = np.ones(70, bool)
    assert closed_weekdays(y, fit) == (5,)
    y.iloc[[3, 10]] = 0.0  # two closed Thursdays out of ten: still an open weekday
    assert closed_weekdays(y, fit) == (5,)
    assert (
        closed_weekdays(y, np.arange(70) < 14, min_days=4) == ()
    )  # two Saturdays are too few to tell


def test_closed_weekdays_fall_back_to_every_day_when_the_fit_is_short() -> None:
    """UCI's 2010-12 season: a five-day baseline held one Saturday, so Saturday could not be
    called closed and five campaign Saturdays were reported as 'closed, a system failure or
    missing data'. With ten weeks of days given as the fallback, Saturday is closed; an open
    weekday stays open; without a fallback the short fit still says nothing."""
    y = _week_series(np.full(70, 100.0))  # Saturdays (weekday 5) at 0
    short = np.arange(70) < 5
    assert closed_weekdays(y, short) == ()
    assert closed_weekdays(y, short, fallback=np.ones(70, bool)) == (5,)
    y.iloc[[3, 10]] = 0.0  # two idle Thursdays of ten: open
    assert closed_weekdays(y, short, fallback=np.ones(70, bool)) == (5,)


def test_weekday_effects_recover_a_multiplicative_pattern() -> None:
    rng = np.random.default_rng(11)
    y = _week_series(np.full(26 * 7, 1000.0)) * np.exp(rng.normal(0, 0.02, 26 * 7))
    x = np.log(y.where(y > 0))
    effects = weekday_effects(x, np.ones(len(x), bool), closed=(5,))
    truth = np.log(WEEK[[0, 1, 2, 3, 4, 6]])
    truth -= truth.mean()
    np.testing.assert_allclose(effects.drop(5).to_numpy(), truth, atol=0.015)
    assert np.isnan(effects[5])


def test_local_level_is_leave_one_out_within_the_regime() -> None:
    d = pd.Series(
        [1.0, 2, 3, 100, 5, 6, 7, 50, 60, 70],
        index=pd.date_range("2024-01-01", periods=10, freq="D"),
    )
    regime = np.array(["a"] * 7 + ["b"] * 3, dtype=object)
    out = local_level(d, regime, k=4, max_distance=14, min_obs=2)
    # day 3 (the spike): nearest four others in 'a' are days 2, 4, 1, 5 → median(3, 5, 2, 6) = 4
    assert out["level"].iloc[3] == pytest.approx(4.0)
    # day 0: days 1, 2, 3, 4 → median(2, 3, 100, 5) = 4
    assert out["level"].iloc[0] == pytest.approx(4.0)
    # regime 'b' never borrows from 'a': day 7 → median(60, 70) = 65
    assert out["level"].iloc[7] == pytest.approx(65.0)
    assert out["n"].tolist() == [4, 4, 4, 4, 4, 4, 4, 2, 2, 2]
    assert np.isnan(local_level(d, regime, k=4, min_obs=3)["level"].iloc[7])  # too few days in 'b'


def test_phase_seasonal_baseline_reproduces_a_noise_free_campaign() -> None:
    n = 140
    levels = np.full(n, 100.0)
    levels[100:111] = 400.0  # a burst
    levels[111:125] = 60.0  # a dip
    y = _week_series(levels)
    regime = np.array(
        ["normal"] * 100 + ["burst"] * 11 + ["dip"] * 14 + ["normal"] * 15, dtype=object
    )
    fit = np.arange(n) < 100
    out = phase_seasonal_baseline(y, regime, fit)
    shut = out["closed"].to_numpy()
    assert shut.tolist() == (y.index.day_of_week == 5).tolist()
    assert out["expected"][shut].isna().all()
    np.testing.assert_allclose(
        out["expected"][~shut], y[~shut], rtol=1e-9
    )  # burst and dip days too
    # the local level is a median of k = 6 days inside the phase → se factor √(1 + π/12)
    assert out["se_factor"].iloc[50] == pytest.approx(math.sqrt(1 + math.pi / 12))
    # a spike in the dip does not raise its own expected value
    spiked = y.copy()
    spiked.iloc[115] *= 4
    again = phase_seasonal_baseline(spiked, regime, fit)
    assert again["expected"].iloc[115] == pytest.approx(y.iloc[115], rel=1e-9)


def test_trailing_window_scores_equal_a_day_by_day_loop() -> None:
    """flag_anomalies scores every day at once; the scores equal modified_zscore's formula applied
    day by day to the trailing window (t excluded, finite values only), including windows whose
    MAD is 0 (MeanAD fallback), whose values are all equal (0 or ±inf) and days with NaN."""
    rng = np.random.default_rng(5)
    n, window, min_periods = 300, 56, 14
    actual = rng.lognormal(5.0, 0.3, n)
    actual[rng.random(n) < 0.1] = np.nan  # unmeasured days
    expected = np.full(n, 150.0)
    expected[::9] = 140.0
    actual[100:170] = expected[100:170] = 150.0  # a flat stretch: every residual 0 …
    actual[170] = 150.0 * 1.01  # … then one off it (+inf), then windows with MAD 0, MeanAD > 0
    out = flag_anomalies(actual, expected, window=window, min_periods=min_periods)

    resid = actual - expected
    seen = set()
    for t in range(n):
        ref = resid[max(0, t - window) : t]
        ref = ref[np.isfinite(ref)]
        assert out["n_ref"].iloc[t] == ref.size
        if not np.isfinite(resid[t]) or ref.size < min_periods:
            assert np.isnan(out["score"].iloc[t]), t
            continue
        med = np.median(ref)
        mad = np.median(np.abs(ref - med))
        mean_ad = np.mean(np.abs(ref - med))
        dev = resid[t] - med
        if mad > 0:
            want = 0.6745 * dev / mad
        elif mean_ad > 0:
            want = dev / (1.253314 * mean_ad)
        else:
            want = 0.0 if dev == 0 else np.sign(dev) * np.inf
        seen.add("mad" if mad > 0 else "mean_ad" if mean_ad > 0 else "flat")
        assert out["score"].iloc[t] == pytest.approx(want, rel=1e-12, abs=1e-12), t
    assert seen == {"mad", "mean_ad", "flat"}  # every branch of the formula was compared


def _local_level_loop(vals, reg, k, max_distance, min_obs):
    """local_level as first written: day by day, the candidates sorted by distance then position."""
    finite = np.isfinite(vals)
    out, count, pos = (
        np.full(len(vals), np.nan),
        np.zeros(len(vals), dtype=int),
        np.arange(len(vals)),
    )
    for t in range(len(vals)):
        if pd.isna(reg[t]):
            continue
        lo, hi = max(0, t - max_distance), min(len(vals), t + max_distance + 1)
        cand = pos[lo:hi]
        cand = cand[(cand != t) & finite[lo:hi] & (reg[lo:hi] == reg[t])]
        if cand.size < min_obs:
            continue
        near = cand[np.lexsort((cand, np.abs(cand - t)))][:k]
        out[t] = np.median(vals[near])
        count[t] = near.size
    return out, count


def _weekday_residuals_loop(x, fit, open_day, h):
    """_weekday_residuals as first written: one neighbourhood and one np.median per day."""
    usable = fit & open_day & np.isfinite(x)
    need = max(2, int(open_day[: 2 * h + 1].sum()) - 1) if open_day.size >= 2 * h + 1 else 2
    resid = np.full(x.size, np.nan)
    for t in np.flatnonzero(usable):
        lo, hi = t - h, t + h + 1
        if lo < 0 or hi > x.size or not fit[lo:hi].all():
            continue
        win = x[lo:hi][usable[lo:hi]]
        if win.size >= need:
            resid[t] = x[t] - np.median(win)
    return resid


def test_local_level_and_weekday_residuals_equal_day_by_day_loops() -> None:
    """Every day at once (matrices of neighbours, medians read by position) gives exactly what the
    day-by-day loops gave: ties, regimes with gaps and missing labels, NaN and ±inf values, short
    series, every parameter small and large."""
    from fupan.metrics.anomaly import _weekday_residuals

    rng = np.random.default_rng(20251111)
    for case in range(400):
        size = int(rng.integers(1, 70))
        vals = np.round(rng.normal(10, 3, size), 1)  # rounded: equal values, ties in the medians
        vals[rng.random(size) < 0.1] = np.nan
        vals[rng.random(size) < 0.03] = np.inf
        vals[rng.random(size) < 0.03] = -np.inf
        reg = rng.choice(np.array(["pre", "burst", "post", None], dtype=object), size)
        if case % 3 == 0:  # long runs of one regime, as campaign phases are
            reg = np.repeat(rng.choice(np.array(["a", "b", None], dtype=object), 4), 18)[:size]
        k, dist, min_obs = (
            int(rng.integers(1, 9)),
            int(rng.integers(1, 16)),
            int(rng.integers(0, 6)),
        )
        got = local_level(_daily(vals), reg, k=k, max_distance=dist, min_obs=min_obs)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # the loop's median of no value
            out, count = _local_level_loop(vals, reg, k, dist, min_obs)
        np.testing.assert_array_equal(got["level"].to_numpy(), out, err_msg=f"case {case}")
        np.testing.assert_array_equal(got["n"].to_numpy(), count, err_msg=f"case {case}")

        fit, open_day = rng.random(size) < 0.85, rng.random(size) < 0.9
        h = int(rng.integers(1, 5))
        np.testing.assert_array_equal(
            _weekday_residuals(vals, fit, open_day, h),
            _weekday_residuals_loop(vals, fit, open_day, h),
            err_msg=f"case {case}",
        )

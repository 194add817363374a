"""Tests for fupan.metrics.benchmark — oracles: METHODS.md §6 example and scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from fupan.metrics.benchmark import competition_rank, percentile_rank, robust_peer_z

KINDS = ("rank", "weak", "strict", "mean")


@pytest.mark.parametrize(
    ("kind", "expected"), [("rank", 70), ("weak", 80), ("strict", 40), ("mean", 60)]
)
def test_percentile_rank_methods_example(kind: str, expected: float) -> None:
    # METHODS.md §6: on [1, 2, 3, 3, 4] with score 3.
    assert percentile_rank([1, 2, 3, 3, 4], 3, kind) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_percentile_rank_matches_scipy_on_random_data(kind: str) -> None:
    rng = np.random.default_rng(20240601)
    for _ in range(200):
        n = int(rng.integers(1, 40))
        values = rng.integers(0, 12, size=n).astype(float)  # many ties on purpose
        score = float(rng.integers(-1, 14))
        expected = stats.percentileofscore(values, score, kind=kind)
        assert percentile_rank(values, score, kind) == pytest.approx(expected, abs=1e-10)


def test_percentile_rank_does_not_mutate_input() -> None:
    values = np.array([3.0, 1.0, 2.0])
    percentile_rank(values, 2.0, "rank")
    np.testing.assert_array_equal(values, [3.0, 1.0, 2.0])


@pytest.mark.parametrize(
    ("values", "score", "kind"),
    [
        ([], 1.0, "rank"),
        ([1.0, np.nan], 1.0, "rank"),
        ([1.0, 2.0], np.inf, "weak"),
        ([1.0], 1.0, "median"),
    ],
)
def test_percentile_rank_rejects_bad_input(values: list[float], score: float, kind: str) -> None:
    with pytest.raises(ValueError):
        percentile_rank(values, score, kind)  # type: ignore[arg-type]


def test_robust_peer_z_hand_computed() -> None:
    # peers 1,2,3,4,100: median 3, |dev| = 2,1,0,1,97 -> MAD 1; z(8) = 5/1.4826
    peers = [1, 2, 3, 4, 100]
    assert robust_peer_z(peers, 8) == pytest.approx(5 / 1.4826, rel=1e-12)
    np.testing.assert_allclose(robust_peer_z(peers, [3, 1.5174]), [0.0, -1.0], rtol=1e-12)


def test_robust_peer_z_matches_scipy_mad_normal_scale() -> None:
    rng = np.random.default_rng(7)
    peers = rng.lognormal(size=25)
    sigma = stats.median_abs_deviation(peers, scale="normal")  # MAD/Φ⁻¹(0.75)
    expected = (2.5 - np.median(peers)) / sigma
    assert robust_peer_z(peers, 2.5) == pytest.approx(expected, rel=1e-5)  # 1.4826 vs 1/0.6744898


def test_robust_peer_z_when_mad_is_zero_uses_mean_absolute_deviation() -> None:
    # peers 5,5,5,5,9: median 5, MAD 0; MeanAD = 4/5 = 0.8 -> sigma = 1.253314*0.8
    assert robust_peer_z([5, 5, 5, 5, 9], 7) == pytest.approx(2 / (1.253314 * 0.8), rel=1e-12)
    assert robust_peer_z([5, 5, 5], 5) == 0.0
    assert robust_peer_z([5, 5, 5], 6) == np.inf
    assert robust_peer_z([5, 5, 5], 4) == -np.inf


@pytest.mark.parametrize(("values", "x"), [([], 1.0), ([1.0, np.inf], 1.0), ([1.0, 2.0], np.nan)])
def test_robust_peer_z_rejects_bad_input(values: list[float], x: float) -> None:
    with pytest.raises(ValueError):
        robust_peer_z(values, x)


def test_competition_rank_hand_computed() -> None:
    # peers 5, 3, 3, 1 and score 3 (higher better): one peer above -> 2nd of 5, tie shares the place
    assert competition_rank([5, 3, 3, 1], 3) == (2, 5)
    assert competition_rank([5, 3, 3, 1], 3, higher_is_better=False) == (2, 5)  # only 1 is lower
    assert competition_rank([5, 3, 3, 1], 6) == (1, 5)
    assert competition_rank([5, 3, 3, 1], 0) == (5, 5)


def test_competition_rank_matches_scipy_rankdata_min() -> None:
    rng = np.random.default_rng(99)
    for _ in range(200):
        peers = rng.integers(0, 8, size=int(rng.integers(1, 12))).astype(float)
        score = float(rng.integers(0, 8))
        higher = bool(rng.integers(0, 2))
        allv = np.append(peers, score)
        ranks = stats.rankdata(-allv if higher else allv, method="min")
        assert competition_rank(peers, score, higher) == (int(ranks[-1]), allv.size)


@pytest.mark.parametrize(("values", "score"), [([], 1.0), ([np.nan], 1.0), ([1.0], np.nan)])
def test_competition_rank_rejects_bad_input(values: list[float], score: float) -> None:
    with pytest.raises(ValueError):
        competition_rank(values, score)


def test_daily_gmv_index_hand_computed() -> None:
    import datetime as dt

    import pandas as pd

    from fupan.metrics.benchmark import daily_gmv_index

    daily = pd.DataFrame(
        {
            "date": ["2025-11-09", "2025-11-09", "2025-11-11", "2025-11-12"],
            "channel": ["live", "organic", "live", "live"],
            "gmv": [30.0, 20.0, 400.0, 75.0],
        }
    )
    got = daily_gmv_index(daily, 50.0, dt.date(2025, 11, 11))
    assert got["day"].tolist() == [-2, -1, 0, 1]  # 11-10 had no row: a day with no sale
    assert got["date"].tolist() == ["2025-11-09", "2025-11-10", "2025-11-11", "2025-11-12"]
    np.testing.assert_allclose(got["index"], [100.0, 0.0, 800.0, 150.0])


@pytest.mark.parametrize("base", [0.0, -1.0, float("nan")])
def test_daily_gmv_index_rejects_bad_baseline(base: float) -> None:
    import pandas as pd

    from fupan.metrics.benchmark import daily_gmv_index

    with pytest.raises(ValueError):
        daily_gmv_index(pd.DataFrame({"date": ["2025-11-11"], "gmv": [1.0]}), base, "2025-11-11")
    with pytest.raises(ValueError):
        daily_gmv_index(pd.DataFrame({"date": ["2025-11-11"]}), 1.0, "2025-11-11")

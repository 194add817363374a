"""Tests for fupan.metrics.similarity — oracles: PyPI ``gower`` (gower_matrix) and hand computation."""

from __future__ import annotations

import gower
import numpy as np
import pandas as pd
import pytest

from fupan.metrics.similarity import gower_distance, gower_similarity

NOMINAL = ("platform", "category", "festival")
COLUMNS = ("platform", "category", "festival", "duration", "discount", "log_budget")


def _table(rng: np.random.Generator, n: int, missing: float = 0.0) -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "platform": rng.choice(["tmall", "jd", "douyin", "pdd"], n),
            "category": rng.choice(["beauty", "food", "apparel"], n),
            "festival": rng.choice(["d11", "618", "other"], n),
            "duration": rng.integers(3, 40, n).astype(float),
            "discount": rng.uniform(0.02, 0.45, n),
            "log_budget": rng.uniform(3.5, 7.5, n),
        }
    ).astype({c: object for c in NOMINAL})
    if missing:
        mask = rng.random(df.shape) < missing
        df = df.mask(mask)  # NaN in numeric columns, NaN in the object columns too
    return df


def _oracle(x: pd.DataFrame, y: pd.DataFrame, weights: dict[str, float]) -> np.ndarray:
    """gower.gower_matrix pair by pair over the attributes both rows have (Gower's δ_ijk); the
    package's ranges are over all stacked rows' non-missing values (np.nanmax/np.nanmin)."""
    out = np.full((len(x), len(y)), np.nan)
    for i in range(len(x)):
        for j in range(len(y)):
            cols = [c for c in COLUMNS if pd.notna(x.iloc[i][c]) and pd.notna(y.iloc[j][c])]
            if not cols:
                continue
            d = gower.gower_matrix(
                x[cols],
                y[cols],
                weight=np.array([weights[c] for c in cols]),
                cat_features=[c in NOMINAL for c in cols],
            )
            out[i, j] = d[i, j]
    return out


def test_gower_matches_package_on_complete_mixed_table() -> None:
    rng = np.random.default_rng(11)
    x, y = _table(rng, 6), _table(rng, 15)
    expected = gower.gower_matrix(x, y, cat_features=[c in NOMINAL for c in COLUMNS])
    got = gower_distance(x, y, nominal=NOMINAL)
    np.testing.assert_allclose(got, expected, atol=2e-6)  # the package works in float32
    np.testing.assert_allclose(gower_similarity(x, y, nominal=NOMINAL), 1 - expected, atol=2e-6)


def test_gower_matches_package_with_weights_and_self_matrix() -> None:
    rng = np.random.default_rng(12)
    x = _table(rng, 12)
    weights = {
        "platform": 2.0,
        "category": 2.0,
        "festival": 1.0,
        "duration": 1.0,
        "discount": 0.5,
        "log_budget": 1.5,
    }
    expected = gower.gower_matrix(
        x,
        weight=np.array([weights[c] for c in COLUMNS]),
        cat_features=[c in NOMINAL for c in COLUMNS],
    )
    got = gower_distance(x, nominal=NOMINAL, weights=weights)
    np.testing.assert_allclose(got, expected, atol=2e-6)
    np.testing.assert_allclose(np.diag(got), 0.0, atol=1e-12)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_gower_with_missing_values_matches_package_on_shared_attributes(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x, y = _table(rng, 5, missing=0.25), _table(rng, 12, missing=0.25)
    weights = {
        c: float(w) for c, w in zip(COLUMNS, rng.uniform(0.5, 2.0, len(COLUMNS)), strict=True)
    }
    got = gower_distance(x, y, nominal=NOMINAL, weights=weights)
    expected = _oracle(x, y, weights)
    assert np.isnan(expected).sum() == np.isnan(got).sum()
    np.testing.assert_allclose(got, expected, atol=2e-6)
    assert np.nanmin(got) >= 0 and np.nanmax(got) <= 1


def test_gower_hand_computed() -> None:
    # a: 2, 6, 10 (R = 8); b: 1, —, 4 (R = 3); p nominal
    x = pd.DataFrame(
        {"p": ["tmall", "tmall", "jd"], "a": [2.0, 6.0, 10.0], "b": [1.0, np.nan, 4.0]}
    )
    d = gower_distance(x, nominal=["p"])
    assert d[0, 1] == pytest.approx((0 + 4 / 8) / 2)  # b not observed for row 1: left out (δ = 0)
    assert d[0, 2] == pytest.approx((1 + 8 / 8 + 3 / 3) / 3)
    assert d[1, 2] == pytest.approx((1 + 4 / 8) / 2)
    w = gower_distance(x, nominal=["p"], weights={"p": 3.0})
    assert w[0, 2] == pytest.approx((3 * 1 + 1 + 1) / 5)
    assert w[1, 2] == pytest.approx((3 * 1 + 0.5) / 4)


def test_gower_nothing_comparable_is_nan_not_zero() -> None:
    x = pd.DataFrame({"a": [1.0, np.nan], "p": ["x", None]})
    d = gower_distance(x, nominal=["p"])
    assert np.isnan(d[0, 1]) and np.isnan(d[1, 1])
    assert d[0, 0] == 0.0


def test_gower_constant_numeric_column_adds_zero() -> None:
    x = pd.DataFrame({"a": [5.0, 5.0], "p": ["x", "y"]})
    assert gower_distance(x, nominal=["p"])[0, 1] == pytest.approx(0.5)


def test_gower_does_not_mutate_inputs() -> None:
    x = pd.DataFrame({"a": [1.0, 2.0], "p": ["x", "y"]})
    before = x.copy()
    gower_distance(x, nominal=["p"], weights={"a": 2})
    pd.testing.assert_frame_equal(x, before)


@pytest.mark.parametrize(
    ("kwargs", "y"),
    [
        ({"nominal": ["nope"]}, None),
        ({"weights": {"a": -1.0}}, None),
        ({"weights": {"a": float("nan")}}, None),
        ({}, pd.DataFrame({"p": ["x"], "a": [1.0]})),  # columns in another order
        ({"nominal": []}, None),  # "p" is text but not declared nominal
    ],
)
def test_gower_rejects_bad_input(kwargs: dict, y: pd.DataFrame | None) -> None:
    x = pd.DataFrame({"a": [1.0, 2.0], "p": ["x", "y"]})
    with pytest.raises(ValueError):
        gower_distance(x, y, **kwargs)

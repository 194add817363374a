"""Decomposition: METHODS.md §2.3 worked oracle, §2.4 Simpson mix/rate oracle, exactness, zeros."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fupan.metrics.decompose import (
    decompose_gmv_change,
    lmdi,
    lmdi_shares,
    logmean,
    mix_rate,
    shapley,
)

BASE = {"uv": 100_000, "cr": 0.020, "aov": 200.0}
CURRENT = {"uv": 150_000, "cr": 0.018, "aov": 210.0}


def test_methods_worked_oracle_lmdi():
    parts = decompose_gmv_change(BASE, CURRENT, "lmdi")
    assert parts["uv"] == pytest.approx(194_077.6, abs=0.05)
    assert parts["cr"] == pytest.approx(-50_431.3, abs=0.05)
    assert parts["aov"] == pytest.approx(23_353.6, abs=0.05)
    assert parts.sum() == pytest.approx(167_000, abs=1e-6)


def test_methods_worked_oracle_shapley():
    parts = decompose_gmv_change(BASE, CURRENT, "shapley")
    assert parts["uv"] == pytest.approx(194_666.7, abs=0.05)
    assert parts["cr"] == pytest.approx(-51_333.3, abs=0.05)
    assert parts["aov"] == pytest.approx(23_666.7, abs=0.05)
    assert parts.sum() == pytest.approx(167_000, abs=1e-6)


def test_shapley_equals_the_closed_three_factor_formula():
    x0, y0, z0 = BASE.values()
    x1, y1, z1 = CURRENT.values()
    phi_x = (x1 - x0) * (2 * y0 * z0 + 2 * y1 * z1 + y1 * z0 + y0 * z1) / 6
    assert shapley(BASE, CURRENT)["uv"] == pytest.approx(phi_x, rel=1e-12)


def test_two_factor_shapley_is_the_midpoint_rule():
    parts = shapley({"a": 2.0, "b": 5.0}, {"a": 3.0, "b": 4.0})
    assert parts["a"] == pytest.approx((3 - 2) * (5 + 4) / 2)
    assert parts["b"] == pytest.approx((4 - 5) * (2 + 3) / 2)


def test_simpson_mix_rate_oracle():
    out = mix_rate(
        pd.Series([0.5, 0.5]),
        pd.Series([0.040, 0.020]),
        pd.Series([0.3, 0.7]),
        pd.Series([0.045, 0.021]),
    )
    assert out["mix"] == pytest.approx(-0.0044, abs=1e-12)
    assert out["rate"] == pytest.approx(0.0026, abs=1e-12)
    assert out["total"] == pytest.approx(0.0282 - 0.0300, abs=1e-12)


def test_multiplicative_shares_sum_to_one():
    s = lmdi_shares(BASE, CURRENT)
    assert s.sum() == pytest.approx(1.0)
    assert s["uv"] == pytest.approx(math.log(1.5) / math.log(567_000 / 400_000))


def test_logmean_limits_and_errors():
    assert logmean(3.0, 3.0) == 3.0
    assert logmean(1.0, math.e) == pytest.approx((math.e - 1) / 1.0)
    with pytest.raises(ValueError):
        logmean(0.0, 1.0)


def test_zero_factor_takes_the_whole_change():
    parts = lmdi({"uv": 100.0, "cr": 0.0, "aov": 50.0}, {"uv": 120.0, "cr": 0.02, "aov": 55.0})
    assert parts["cr"] == pytest.approx(120 * 0.02 * 55)
    assert parts["uv"] == 0.0 and parts["aov"] == 0.0


@pytest.mark.parametrize(
    ("f0", "f1", "match"),
    [
        ({"uv": 1.0}, {"cr": 1.0}, "same factors"),
        ({"uv": -1.0}, {"uv": 1.0}, "non-negative"),
        ({"uv": float("nan")}, {"uv": 1.0}, "finite"),
    ],
)
def test_bad_factors_raise(f0, f1, match):
    with pytest.raises(ValueError, match=match):
        lmdi(f0, f1)


def test_unknown_method_and_missing_factor():
    with pytest.raises(ValueError, match="unknown method"):
        decompose_gmv_change(BASE, CURRENT, "oaxaca")
    with pytest.raises(ValueError, match="missing"):
        decompose_gmv_change({"uv": 1, "cr": 1}, CURRENT)


def test_mix_rate_rejects_weights_not_summing_to_one():
    with pytest.raises(ValueError, match="sum"):
        mix_rate(
            pd.Series([0.5, 0.6]),
            pd.Series([0.1, 0.1]),
            pd.Series([0.5, 0.5]),
            pd.Series([0.1, 0.1]),
        )


positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(st.tuples(positive, positive, positive), st.tuples(positive, positive, positive))
def test_both_methods_are_exact_for_any_positive_factors(a, b):
    f0, f1 = (
        dict(zip(("uv", "cr", "aov"), a, strict=True)),
        dict(zip(("uv", "cr", "aov"), b, strict=True)),
    )
    delta = math.prod(b) - math.prod(a)
    for parts in (lmdi(f0, f1), shapley(f0, f1)):
        # floating-point rounding scales with the size of the parts, which can exceed both G's
        tol = 1e-9 * max(1.0, math.prod(a), math.prod(b), parts.abs().sum())
        assert parts.sum() == pytest.approx(delta, abs=tol)

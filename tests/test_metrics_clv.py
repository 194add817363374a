"""Tests for fupan.metrics.clv — oracles: METHODS.md §7 (FHL 2005, CLVTools, pymc-marketing,
lifetimes docs) and the independent ``lifetimes`` package."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.datasets import load_cdnow_summary, load_cdnow_summary_data_with_monetary_value
from lifetimes.utils import summary_data_from_transaction_data

from fupan.metrics.clv import (
    BGNBDParams,
    GammaGammaParams,
    bgnbd_loglik_single,
    expected_average_value,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    prob_alive,
    summary_from_transactions,
)

CDNOW_MASTER = Path("/work/shared/datasets/cdnow/CDNOW_master.txt")
CLVTOOLS_EXACT = {"r": 0.2425945, "alpha": 4.4136019, "a": 0.7929199, "b": 2.4258881}
LIFETIMES_QUICKSTART = {"r": 0.242593, "alpha": 4.413532, "a": 0.792886, "b": 2.425752}


@pytest.fixture(scope="module")
def cdnow() -> pd.DataFrame:
    return load_cdnow_summary()  # the 2,357-customer sample, times in weeks


@pytest.fixture(scope="module")
def bgnbd_fit(cdnow: pd.DataFrame) -> BGNBDParams:
    return fit_bgnbd(cdnow["frequency"], cdnow["recency"], cdnow["T"])


@pytest.fixture(scope="module")
def repeaters() -> pd.DataFrame:
    data = load_cdnow_summary_data_with_monetary_value()
    return data[data["frequency"] > 0]


@pytest.fixture(scope="module")
def gg_fit(repeaters: pd.DataFrame) -> GammaGammaParams:
    return fit_gamma_gamma(repeaters["frequency"], repeaters["monetary_value"])


# --------------------------------------------------------------------------- BG/NBD


def test_cdnow_sample_size(cdnow: pd.DataFrame) -> None:
    assert len(cdnow) == 2357


@pytest.mark.parametrize("name", ["r", "alpha", "a", "b"])
def test_fit_bgnbd_reproduces_published_cdnow_parameters(bgnbd_fit: BGNBDParams, name: str) -> None:
    assert getattr(bgnbd_fit, name) == pytest.approx(CLVTOOLS_EXACT[name], rel=1e-3)


def test_fit_bgnbd_log_likelihood(bgnbd_fit: BGNBDParams, cdnow: pd.DataFrame) -> None:
    assert round(bgnbd_fit.log_likelihood, 1) == -9582.4  # FHL 2005
    # The maximum is at least as high as at the published optimum.
    at_published = bgnbd_loglik_single(
        CLVTOOLS_EXACT, cdnow["frequency"], cdnow["recency"], cdnow["T"]
    )
    assert bgnbd_fit.log_likelihood >= at_published.sum() - 1e-6


def test_fit_bgnbd_agrees_with_lifetimes(bgnbd_fit: BGNBDParams, cdnow: pd.DataFrame) -> None:
    ref = BetaGeoFitter().fit(cdnow["frequency"], cdnow["recency"], cdnow["T"]).params_
    for name in ("r", "alpha", "a", "b"):
        assert getattr(bgnbd_fit, name) == pytest.approx(ref[name], rel=1e-4)


def test_conditional_expectation_and_p_alive_for_customer_one(bgnbd_fit: BGNBDParams) -> None:
    # FHL 2005: x = 2, t_x = 30.43, T = 38.86 → E[Y(39)] = 1.226, P(alive) = 0.7266
    assert expected_purchases(bgnbd_fit, 39, 2, 30.43, 38.86)[0] == pytest.approx(1.226, abs=1e-3)
    assert prob_alive(bgnbd_fit, 2, 30.43, 38.86)[0] == pytest.approx(0.7266, rel=1e-3)


def test_conditional_expectation_lifetimes_docs_example() -> None:
    # lifetimes quickstart: x = 26, t_x = 30.86, T = 31.0 → E[Y(1)] = 0.710623
    value = expected_purchases(LIFETIMES_QUICKSTART, 1, 26, 30.86, 31.0)[0]
    assert value == pytest.approx(0.710623, abs=1e-5)


def test_predictions_agree_with_lifetimes_for_every_customer(cdnow: pd.DataFrame) -> None:
    bgf = BetaGeoFitter()
    bgf.params_ = pd.Series(LIFETIMES_QUICKSTART)
    x, tx, big_t = cdnow["frequency"], cdnow["recency"], cdnow["T"]
    np.testing.assert_allclose(
        expected_purchases(LIFETIMES_QUICKSTART, 39, x, tx, big_t),
        bgf.conditional_expected_number_of_purchases_up_to_time(39, x, tx, big_t),
        rtol=1e-9,
    )
    np.testing.assert_allclose(
        prob_alive(LIFETIMES_QUICKSTART, x, tx, big_t),
        bgf.conditional_probability_alive(x, tx, big_t),
        rtol=1e-9,
    )
    assert np.all(prob_alive(LIFETIMES_QUICKSTART, x, tx, big_t)[x.to_numpy() == 0] == 1.0)


def test_single_customer_log_likelihood_pymc_marketing_values() -> None:
    params = {"a": 0.8, "b": 2.5, "r": 0.25, "alpha": 4.0}
    ll = bgnbd_loglik_single(params, [0, 200], [0, 38], [40, 40])
    assert ll[0] == pytest.approx(-0.59947382, abs=1e-5)
    assert ll[1] == pytest.approx(100.7957, abs=1e-5)


@pytest.mark.parametrize(
    ("freq", "rec", "T"),
    [
        ([1], [5], [4]),
        ([-1], [0], [4]),
        ([0], [1], [4]),
        ([1.5], [1], [4]),
        ([1, 2], [1], [4, 5, 6]),
        ([np.nan], [0], [1]),
    ],
)
def test_bgnbd_functions_reject_bad_histories(freq: list, rec: list, T: list) -> None:
    for call in (
        lambda: bgnbd_loglik_single(LIFETIMES_QUICKSTART, freq, rec, T),
        lambda: fit_bgnbd(freq, rec, T),
        lambda: expected_purchases(LIFETIMES_QUICKSTART, 1.0, freq, rec, T),
        lambda: prob_alive(LIFETIMES_QUICKSTART, freq, rec, T),
    ):
        with pytest.raises(ValueError):
            call()


def test_bgnbd_functions_reject_bad_parameters_and_horizon() -> None:
    with pytest.raises(ValueError, match="positive"):
        prob_alive({"r": -0.2, "alpha": 4.0, "a": 0.8, "b": 2.4}, [1], [1], [2])
    with pytest.raises(ValueError, match="horizon"):
        expected_purchases(LIFETIMES_QUICKSTART, -1.0, [1], [1], [2])
    with pytest.raises(ValueError, match="repeat"):
        fit_bgnbd([0, 0], [0, 0], [5, 6])


# --------------------------------------------------------------------------- Gamma–Gamma


def test_gamma_gamma_sample(repeaters: pd.DataFrame) -> None:
    assert len(repeaters) == 946
    assert repeaters["monetary_value"].mean() == pytest.approx(35.08, abs=5e-3)  # METHODS §7


@pytest.mark.parametrize(("name", "published"), [("p", 6.25), ("q", 3.74), ("v", 15.44)])
def test_fit_gamma_gamma_reproduces_published_parameters(
    gg_fit: GammaGammaParams, name: str, published: float
) -> None:
    assert getattr(gg_fit, name) == pytest.approx(published, rel=1e-2)


def test_fit_gamma_gamma_agrees_with_lifetimes(
    gg_fit: GammaGammaParams, repeaters: pd.DataFrame
) -> None:
    ref = GammaGammaFitter().fit(repeaters["frequency"], repeaters["monetary_value"]).params_
    for name in ("p", "q", "v"):
        assert getattr(gg_fit, name) == pytest.approx(ref[name], rel=1e-4)


def test_gamma_gamma_gradient_matches_finite_differences(repeaters: pd.DataFrame) -> None:
    """The analytic gradient the fit uses equals scipy's central differences of the likelihood,
    at the optimum's neighbourhood and at the starting points."""
    from scipy.optimize import approx_fprime

    from fupan.metrics.clv import _gamma_gamma_objective

    x = repeaters["frequency"].to_numpy(float)
    m = repeaters["monetary_value"].to_numpy(float)
    nll, grad = _gamma_gamma_objective(x, m)
    for point in ([0.0, 0.0, 0.0], np.log([6.25, 3.74, 15.44]), np.log([2.0, 9.0, 40.0])):
        point = np.asarray(point)
        numeric = np.array([(nll(point + h) - nll(point - h)) / 2e-6 for h in np.eye(3) * 1e-6])
        np.testing.assert_allclose(grad(point), numeric, rtol=1e-5, atol=1e-4)
        assert np.allclose(approx_fprime(point, nll, 1e-7), grad(point), rtol=1e-3, atol=1e-2)


def test_expected_average_value_customer_one(gg_fit: GammaGammaParams) -> None:
    assert expected_average_value(gg_fit, 2, 22.35)[0] == pytest.approx(24.66, rel=1e-2)
    # by hand with the published rounded parameters: 6.25·(15.44 + 44.70)/(12.5 + 2.74)
    published = {"p": 6.25, "q": 3.74, "v": 15.44}
    assert expected_average_value(published, 2, 22.35)[0] == pytest.approx(
        6.25 * 60.14 / 15.24, rel=1e-12
    )
    # x = 0 → population mean p·v/(q − 1)
    assert expected_average_value(published, 0, 0.0)[0] == pytest.approx(
        6.25 * 15.44 / 2.74, rel=1e-12
    )


def test_expected_average_value_agrees_with_lifetimes(repeaters: pd.DataFrame) -> None:
    ggf = GammaGammaFitter()
    ggf.params_ = pd.Series({"p": 6.25, "q": 3.74, "v": 15.44})
    np.testing.assert_allclose(
        expected_average_value(ggf.params_, repeaters["frequency"], repeaters["monetary_value"]),
        ggf.conditional_expected_average_profit(
            repeaters["frequency"], repeaters["monetary_value"]
        ),
        rtol=1e-12,
    )


def test_gamma_gamma_functions_reject_bad_input() -> None:
    with pytest.raises(ValueError, match="repeat"):
        fit_gamma_gamma([0, 2], [10.0, 12.0])
    with pytest.raises(ValueError):
        fit_gamma_gamma([1, 2], [10.0, -1.0])
    with pytest.raises(ValueError, match="q > 1"):
        expected_average_value({"p": 6.0, "q": 0.9, "v": 15.0}, [1], [10.0])
    with pytest.raises(ValueError):
        expected_average_value({"p": 6.0, "q": 3.0, "v": 15.0}, [-1], [10.0])


# --------------------------------------------------------------------------- transactions → summary


@pytest.fixture()
def tiny_log() -> pd.DataFrame:
    # Weeks end on Sunday; 2024-01-01 is a Monday.
    rows = [
        ("A", "2024-01-01", 10.0), ("A", "2024-01-03", 5.0),  # week 0, one period worth 15
        ("A", "2024-01-15", 20.0),  # week 2
        ("A", "2024-02-05", 30.0),  # week 5
        ("B", "2024-03-20", 50.0),  # week 11, one-off
        ("C", "2024-02-10", 7.0), ("C", "2024-02-11", 3.0),  # week 5, Sat + Sun
        ("C", "2024-04-02", 100.0),  # after observation_end: ignored
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["cust", "day", "amount"])


def test_summary_from_transactions_hand_computed_weeks(tiny_log: pd.DataFrame) -> None:
    before = tiny_log.copy()
    out = summary_from_transactions(tiny_log, "cust", "day", "amount", "2024-03-31", freq="W")
    expected = pd.DataFrame(
        {
            "frequency": [2.0, 0.0, 0.0],
            "recency": [5.0, 0.0, 0.0],
            "T": [12.0, 1.0, 7.0],  # end week (Mar 25-31) is week 12
            "monetary_value": [25.0, 0.0, 0.0],  # mean of 20 and 30; first period excluded
        },
        index=pd.Index(["A", "B", "C"], name="cust"),
    )
    pd.testing.assert_frame_equal(out, expected)
    pd.testing.assert_frame_equal(tiny_log, before)  # input untouched


def test_summary_from_transactions_hand_computed_days(tiny_log: pd.DataFrame) -> None:
    out = summary_from_transactions(tiny_log, "cust", "day", "amount", "2024-03-31", freq="D")
    # A buys on Jan 1, 3, 15 and Feb 5: 3 repeats, last at day 35, age 90 days
    assert out.loc["A"].tolist() == pytest.approx([3.0, 35.0, 90.0, (5 + 20 + 30) / 3])
    assert out.loc["C"].tolist() == pytest.approx(
        [1.0, 1.0, 50.0, 3.0]
    )  # Feb 10 → Mar 31 (leap year)


def test_summary_from_transactions_drops_purchases_after_observation_end(
    tiny_log: pd.DataFrame,
) -> None:
    # observation_end Wed 2024-02-07: A's Feb 5 purchase counts, C (first buys Feb 10) is absent
    out = summary_from_transactions(tiny_log, "cust", "day", None, "2024-02-07", freq="W")
    assert out.index.tolist() == ["A"]
    assert out.loc["A"].tolist() == [2.0, 5.0, 5.0]
    # A purchase after observation_end but in the same week is dropped too (lifetimes keeps it).
    log = pd.DataFrame({"cust": ["D", "D"], "day": pd.to_datetime(["2024-01-01", "2024-01-12"])})
    out = summary_from_transactions(log, "cust", "day", None, "2024-01-10", freq="W")
    assert out.loc["D"].tolist() == [0.0, 0.0, 1.0]


@pytest.mark.filterwarnings("ignore:Could not infer format")
def test_summary_from_transactions_rejects_bad_input(tiny_log: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="not found"):
        summary_from_transactions(tiny_log, "customer", "day", "amount", "2024-03-31")
    with pytest.raises(ValueError, match="no transaction"):
        summary_from_transactions(tiny_log, "cust", "day", "amount", "2023-01-01")
    bad = tiny_log.assign(day=["not a date"] + tiny_log["day"].tolist()[1:])
    with pytest.raises(ValueError, match="parse"):
        summary_from_transactions(bad, "cust", "day", "amount", "2024-03-31")


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("end", "freq"), [("1998-06-30", "W"), ("1997-09-28", "W"), ("1997-09-30", "D")]
)
def test_summary_from_transactions_matches_lifetimes_on_cdnow_master(end: str, freq: str) -> None:
    if not CDNOW_MASTER.exists():
        pytest.skip(f"{CDNOW_MASTER} is absent; the full CDNOW transaction log is needed")
    log = pd.read_csv(
        CDNOW_MASTER,
        sep=r"\s+",
        skiprows=1,
        header=None,
        names=["customer_id", "date", "cds", "value"],
        dtype={"customer_id": str, "date": str},
    )
    log = log.assign(date=pd.to_datetime(log["date"], format="%Y%m%d"))
    assert len(log) == 69_659 and log["customer_id"].nunique() == 23_570
    ours = summary_from_transactions(log, "customer_id", "date", "value", end, freq=freq)
    ref = summary_data_from_transaction_data(
        log, "customer_id", "date", "value", observation_period_end=end, freq=freq
    ).sort_index()
    ours = ours.loc[ref.index]
    for col in ("frequency", "recency", "T"):
        np.testing.assert_array_equal(ours[col].to_numpy(), ref[col].to_numpy(), err_msg=col)
    np.testing.assert_allclose(ours["monetary_value"], ref["monetary_value"], rtol=1e-12)

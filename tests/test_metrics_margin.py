"""Margin-aware promotion economics: hand-computed IGP, ROI vs ROAS, break-even lift, depth buckets
and the promotional elasticity (METHODS.md §1.2, §1.4)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from fupan.metrics.margin import (
    break_even_lift,
    break_even_lift_with_spend,
    break_even_roas,
    campaign_cost,
    channel_break_even,
    discount_depth_buckets,
    elasticity_lift,
    igp_by_sku,
    incremental_gross_profit,
    incremental_spend,
    promo_elasticity,
    roas,
    roi,
    subsidy_leakage,
)

# c = 40, v = 10 everywhere, regular price 100, so the regular unit margin is 100 − 50 = 50.
#   a: 20 % off (p 80):  promo 300 × (80 − 50) = 9000;  baseline 100 × 50 = 5000;  IGP +4000
#                         leakage 100 × (100 − 80) = 2000;  lift 300/100 − 1 = 2.0
#   b: 10 % off (p 90):  promo 150 × 40 = 6000;          baseline 100 × 50 = 5000;  IGP +1000
#                         leakage 100 × 10 = 1000;         lift 0.5
#   c: 55 % off (p 45):  promo 120 × (−5) = −600;         baseline 20 × 50 = 1000;   IGP −1600
#                         leakage 20 × 55 = 1100;          lift 5.0
# Σ IGP = 4000 + 1000 − 1600 = 3400;  Σ leakage = 4100;  GMV = 24000 + 13500 + 5400 = 42900
SKUS = pd.DataFrame(
    {
        "sku": ["a", "b", "c"],
        "units": [300, 150, 120],
        "units_baseline": [100.0, 100.0, 20.0],
        "price_promo": [80.0, 90.0, 45.0],
        "price_regular": [100.0, 100.0, 100.0],
        "unit_cost": [40.0, 40.0, 40.0],
        "variable_cost": [10.0, 10.0, 10.0],
    }
)


def test_igp_by_sku_hand_computed():
    table = igp_by_sku(SKUS)
    assert list(table["sku"]) == ["a", "b", "c"]  # other columns are kept
    assert table["promo_profit"].tolist() == pytest.approx([9000, 6000, -600])
    assert table["baseline_profit"].tolist() == pytest.approx([5000, 5000, 1000])
    assert table["igp"].tolist() == pytest.approx([4000, 1000, -1600])
    assert table["subsidy_leakage"].tolist() == pytest.approx([2000, 1000, 1100])
    assert table["depth"].tolist() == pytest.approx([0.20, 0.10, 0.55])
    assert table["lift"].tolist() == pytest.approx([2.0, 0.5, 5.0])


def test_totals_hand_computed_and_input_untouched():
    before = SKUS.copy()
    assert incremental_gross_profit(SKUS) == pytest.approx(3400)
    assert subsidy_leakage(SKUS) == pytest.approx(4100)
    pd.testing.assert_frame_equal(SKUS, before)


def test_lift_is_nan_without_a_baseline():
    table = igp_by_sku(SKUS.assign(units_baseline=[100.0, 0.0, 20.0]))
    assert math.isnan(table["lift"].iloc[1])
    assert table["igp"].iloc[1] == pytest.approx(
        6000
    )  # nothing would have sold: all of it is incremental


def test_roi_is_margin_based_and_roas_is_not():
    spend = campaign_cost(media=1500, fees=300, coupons=200)  # 2000
    assert spend == 2000
    assert campaign_cost(1500, 300, 200, fixed=500) == 2500
    out = roi(incremental_gross_profit(SKUS), spend)
    assert out == pytest.approx(
        {"roi_margin": 3400 / 2000, "net_roi": (3400 - 2000) / 2000}
    )  # 1.7 and 0.7
    gmv = float((SKUS.units * SKUS.price_promo).sum())  # 42900
    assert roas(gmv, spend) == pytest.approx(
        21.45
    )  # looks great, yet only 1.7 of margin per unit spent


def test_break_even_lift_methods_oracle():
    assert break_even_lift(0.20, 0.40) == pytest.approx(1.0)  # 0.2/(0.4 − 0.2) = +100 %
    assert break_even_lift(0.10, 0.40) == pytest.approx(1 / 3)  # 0.1/0.3
    assert break_even_lift(0.0, 0.40) == 0.0


@pytest.mark.parametrize(
    ("d", "m", "match"),
    [
        (0.40, 0.40, "no volume lift"),
        (0.50, 0.40, "no volume lift"),
        (-0.1, 0.40, "0 ≤ discount"),
        (0.1, 0.0, "0 < margin"),
        (float("nan"), 0.4, "finite"),
    ],
)
def test_break_even_lift_rejects_hopeless_or_bad_input(d, m, match):
    with pytest.raises(ValueError, match=match):
        break_even_lift(d, m)


def test_discount_depth_buckets_hand_computed():
    # b (10 % off) → 0–10 % (right-closed); a (20 %) → 10–20 %; c (55 %) → >50 %
    out = discount_depth_buckets(SKUS)
    expected = pd.DataFrame(
        {
            "bucket": ["0–10%", "10–20%", "20–30%", "30–50%", ">50%"],
            "skus": np.array([1, 1, 0, 0, 1], dtype="int64"),
            "units": [150.0, 300.0, 0.0, 0.0, 120.0],
            "units_baseline": [100.0, 100.0, 0.0, 0.0, 20.0],
            "lift": [0.5, 2.0, np.nan, np.nan, 5.0],
            "igp": [1000.0, 4000.0, 0.0, 0.0, -1600.0],
            "subsidy_leakage": [1000.0, 2000.0, 0.0, 0.0, 1100.0],
        }
    )
    pd.testing.assert_frame_equal(out, expected)


def test_depth_bucket_edges_survive_float_rounding():
    # 1 − 70/100 = 0.30000000000000004 in floating point; it must stay in 20–30 %
    skus = SKUS.assign(price_promo=[70.0, 50.0, 100.0])
    out = discount_depth_buckets(skus).set_index("bucket")["skus"]
    assert out["20–30%"] == 1 and out["30–50%"] == 1 and out["0–10%"] == 1


def test_elasticity_matches_statsmodels_through_the_origin():
    fit = promo_elasticity(SKUS)
    x = np.log([0.8, 0.9, 0.45])
    y = np.log([3.0, 1.5, 6.0])
    ols = sm.OLS(y, x).fit()  # no constant: regression through the origin
    assert fit["beta"] == pytest.approx(ols.params[0], rel=1e-12)
    assert fit["se"] == pytest.approx(ols.bse[0], rel=1e-10)
    assert (fit["n_used"], fit["n_excluded"]) == (3, 0)


def test_elasticity_excludes_and_counts_unusable_skus():
    extra = pd.DataFrame(
        {
            "sku": ["no-baseline", "no-sales", "no-cut"],
            "units": [10, 0, 50],
            "units_baseline": [0.0, 5.0, 40.0],
            "price_promo": [80.0, 80.0, 100.0],
            "price_regular": [100.0] * 3,
            "unit_cost": [40.0] * 3,
            "variable_cost": [10.0] * 3,
        }
    )
    fit = promo_elasticity(pd.concat([SKUS, extra], ignore_index=True))
    assert (fit["n_used"], fit["n_excluded"]) == (3, 3)
    assert fit["beta"] == pytest.approx(promo_elasticity(SKUS)["beta"])


def test_elasticity_recovers_bijmolt_mean_from_generated_data():
    rng = np.random.default_rng(363)
    n = 300
    ratio = 1 - rng.uniform(0.05, 0.5, n)  # p^promo / p^reg
    qhat = rng.uniform(50, 500, n)
    units = qhat * ratio**-3.63 * np.exp(rng.normal(0, 0.1, n))
    skus = pd.DataFrame(
        {
            "units": units,
            "units_baseline": qhat,
            "price_promo": 100 * ratio,
            "price_regular": 100.0,
            "unit_cost": 40.0,
            "variable_cost": 10.0,
        }
    )
    fit = promo_elasticity(skus)
    assert abs(fit["beta"] - -3.63) < 3 * fit["se"]
    assert fit["beta"] == pytest.approx(-3.63, abs=0.05)
    exact = promo_elasticity(skus.assign(units=qhat * ratio**-3.63))
    assert exact["beta"] == pytest.approx(-3.63, rel=1e-12) and exact["se"] == pytest.approx(
        0, abs=1e-12
    )


def test_bijmolt_plus_73_percent_is_the_linear_reading_not_the_log_log_one():
    # METHODS §1.4: "−3.63, so a 20 % cut gives about +73 %". By hand: −3.63 × (−0.20) = 0.726.
    linear = -3.63 * -0.20
    assert linear == pytest.approx(0.73, abs=0.005)
    # The fitted model is log-log, whose implied lift is 0.8^−3.63 − 1 = exp(3.63 × 0.22314) − 1
    # = exp(0.81001) − 1 = 1.2479: about +125 %, not +73 %.
    log_log = 0.8**-3.63 - 1
    assert log_log == pytest.approx(1.2479, abs=1e-4)
    assert elasticity_lift(-3.63, 0.20) == pytest.approx(log_log, rel=1e-12)
    assert elasticity_lift(-3.63, 0.0) == 0.0


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (SKUS.drop(columns="unit_cost"), "lacks column"),
        (SKUS.iloc[:0], "no rows"),
        (SKUS.assign(units=[300, -1, 120]), "non-negative"),
        (SKUS.assign(price_promo=[80.0, np.nan, 45.0]), "finite"),
        (SKUS.assign(price_regular=[100.0, 0.0, 100.0]), "positive"),
        (SKUS.to_dict(), "DataFrame"),
    ],
)
@pytest.mark.parametrize(
    "func",
    [
        igp_by_sku,
        incremental_gross_profit,
        subsidy_leakage,
        discount_depth_buckets,
        promo_elasticity,
    ],
)
def test_sku_functions_reject_bad_frames(func, frame, match):
    with pytest.raises(ValueError, match=match):
        func(frame)


def test_depth_buckets_reject_a_price_above_regular():
    with pytest.raises(ValueError, match="exceeds price_regular"):
        discount_depth_buckets(SKUS.assign(price_promo=[80.0, 110.0, 45.0]))


def test_elasticity_needs_two_usable_skus():
    with pytest.raises(ValueError, match="at least 2"):
        promo_elasticity(SKUS.assign(price_promo=[80.0, 100.0, 100.0]))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: campaign_cost(-1.0), "non-negative"),
        (lambda: campaign_cost(100.0, coupons=float("inf")), "finite"),
        (lambda: roi(3400.0, 0.0), "positive spend"),
        (lambda: roi(float("nan"), 100.0), "finite"),
        (lambda: roas(1000.0, 0.0), "spend > 0"),
        (lambda: roas(-1.0, 10.0), "gmv ≥ 0"),
        (lambda: roas("1000", 10.0), "finite number"),
        (lambda: elasticity_lift(-3.63, 1.0), r"\[0, 1\)"),
        (lambda: elasticity_lift(float("nan"), 0.2), "finite"),
    ],
)
def test_scalar_functions_reject_bad_input(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_break_even_roas_by_hand():
    # m = 52.5 %, d = 15.5 %: a unit at 84.5 % of the regular price contributes 37 % of it, so
    # each unit of GMV contributes 0.37/0.845 and spend breaks even at ROAS 0.845/0.37
    assert break_even_roas(0.155, 0.525) == pytest.approx(0.845 / 0.37)
    assert break_even_roas(0.0, 0.40) == pytest.approx(2.5)  # no discount: 1/m
    with pytest.raises(ValueError, match="no ROAS breaks even"):
        break_even_roas(0.30, 0.30)  # every unit at zero contribution: no ROAS breaks even


def test_break_even_lift_with_spend_by_hand():
    # Q₁·(m − d) = Q̂·m + S/p: m = 40 %, d = 20 %, s = 10 % → (0.2 + 0.1)/0.2 = +150 %
    assert break_even_lift_with_spend(0.20, 0.40, 0.10) == pytest.approx(1.5)
    assert break_even_lift_with_spend(0.20, 0.40, 0.0) == pytest.approx(break_even_lift(0.2, 0.4))
    with pytest.raises(ValueError, match="non-negative"):
        break_even_lift_with_spend(0.20, 0.40, -0.1)


def test_channel_break_even_names_the_channels_below_by_hand():
    channels = pd.DataFrame(
        {
            "gmv": [4_565_019.68, 2_087_687.20, 2_106_931.59, 900.0, 0.0, np.nan],
            "spend": [1_540_502.46, 1_220_731.53, 202_920.22, np.nan, 5_000.0, 8_000.0],
        },
        index=["live", "search_ads", "private_domain", "organic", "display_ads", "直通车"],
    )
    be = 0.845 / 0.37  # 2.2838
    out = channel_break_even(channels, be)
    # ROAS by hand: live 4,565,019.68/1,540,502.46 = 2.963; search 2,087,687.20/1,220,731.53 = 1.710
    assert out.at["live", "roas"] == pytest.approx(2.96333, abs=1e-5)
    assert out.at["search_ads", "roas"] == pytest.approx(1.71019, abs=1e-5)
    assert out.at["search_ads", "spend_ratio"] == pytest.approx(0.58473, abs=1e-5)  # 费比
    assert out.at["search_ads", "gap_to_break_even"] == pytest.approx(1.71019 - be, abs=1e-5)
    assert out.below_break_even.to_dict() == {
        "live": False,
        "search_ads": True,
        "private_domain": False,
        "organic": None,  # no spend: not judged, never "not below"
        "display_ads": True,  # spend and no sales: ROAS 0, below (it was "not judged")
        "直通车": None,  # a name the orders do not use: its GMV is not known
    }
    assert out.at["display_ads", "roas"] == 0.0 and np.isnan(out.at["display_ads", "spend_ratio"])
    assert np.isnan(out.at["直通车", "roas"])
    assert np.isnan(out.at["organic", "spend_ratio"])  # 费比 of a channel without spend: not 0
    with pytest.raises(ValueError, match="positive"):
        channel_break_even(channels, 0.0)


def test_incremental_spend_by_hand():
    # 4,620,000 spent over 32 days against an everyday 47,600/day: 4,620,000 − 1,523,200
    assert incremental_spend(4_620_000.0, 47_600.0, 32) == pytest.approx(3_096_800.0)
    assert incremental_spend(100.0, 10.0, 20) == pytest.approx(-100.0)  # spent less than usual
    with pytest.raises(ValueError, match="days > 0"):
        incremental_spend(100.0, 10.0, 0)

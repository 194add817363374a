"""Root cause: METHODS.md §2.5 Adtributor oracle, the ratio variant by hand, segment LMDI exactness
and zero rules, §2.4's Simpson mix/rate oracle, and the plain-language sentences."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon

from fupan.metrics.rootcause import (
    adtributor,
    adtributor_ratio,
    adtributor_ratio_scores,
    adtributor_scores,
    explain,
    rate_mix,
    segment_decomposition,
    segment_effects,
)

# METHODS §2.5 oracle: channel F 60/30/10 → A 30/28/12 (total 100 → 70), region F 50/50 → A 35/35
ORACLE = pd.DataFrame(
    {
        "dimension": ["channel", "channel", "channel", "region", "region"],
        "element": ["app", "web", "live", "east", "west"],
        "forecast": [60.0, 30.0, 10.0, 50.0, 50.0],
        "actual": [30.0, 28.0, 12.0, 35.0, 35.0],
    }
)


def test_adtributor_scores_methods_oracle():
    s = adtributor_scores(ORACLE).set_index("element")
    # EP = (A_ij − F_ij)/(70 − 100): app −30/−30 = 1, web −2/−30 = 0.0667, live 2/−30 = −0.0667
    assert s["explanatory_power"].tolist() == pytest.approx(
        [1.0, 2 / 30, -2 / 30, 0.5, 0.5], abs=1e-12
    )
    assert s["surprise"].tolist() == pytest.approx(
        [0.007176, 0.003584, 0.004755, 0.0, 0.0], abs=1e-6
    )
    assert (s["change"] == -30.0).all()


def test_surprises_of_a_dimension_sum_to_scipy_jensen_shannon():
    s = adtributor_scores(ORACLE)
    ch = s[s.dimension == "channel"]
    js = jensenshannon(ch.forecast / 100, ch.actual / 70) ** 2  # natural log by default
    assert ch["surprise"].sum() == pytest.approx(js, rel=1e-12)


def test_adtributor_methods_oracle_ranking():
    out = adtributor(ORACLE)
    assert out["dimension"].tolist() == ["channel", "region"]
    assert out["elements"].tolist() == [("app",), ("east", "west")]
    assert out["explanatory_power"].tolist() == pytest.approx([1.0, 1.0])
    assert out["surprise"].tolist() == pytest.approx([0.007176, 0.0], abs=1e-6)


def test_adtributor_thresholds_and_top():
    assert adtributor(ORACLE, top=1)["dimension"].tolist() == ["channel"]
    # with T_EP = 1 no set explains *more* than 100 %, so no candidate at all
    out = adtributor(ORACLE, t_ep=1.0)
    assert out.empty and list(out.columns) == [
        "dimension",
        "elements",
        "explanatory_power",
        "surprise",
        "change",
        "contribution",
        "rest",
    ]


# CR = orders/UV by channel.  F: app 40/800 (5 %), live 20/200 (10 %); A: app 45/900 (5 %), live 6/300 (2 %).
# F(m₁) = 60, F(m₂) = 1000; the denominator F(m₂)·(F(m₂) + ΔA(m₂)) = 1000 × 1100 for both elements.
#   app : ΔA₁ = 5,   ΔA₂ = 100 → (5·1000 − 100·60)/1.1e6  = −1000/1.1e6
#   live: ΔA₁ = −14, ΔA₂ = 100 → (−14·1000 − 100·60)/1.1e6 = −20000/1.1e6   (CR 6 % → 46/1100)
#   Σ = −21000/1.1e6 → EP app 1/21 = 0.0476 (< T_EEP), live 20/21 = 0.9524
# Region splits the same totals evenly, so its CR falls in both halves:
#   north ΔA₁ = −4 → −10000/1.1e6 → 10/21;  south ΔA₁ = −5 → −11000/1.1e6 → 11/21
# Total CR 60/1000 = 6 % → 51/1200 = 4.25 %: change −0.0175.
ORDERS = pd.DataFrame(
    {
        "dimension": ["channel", "channel", "region", "region"],
        "element": ["app", "live", "north", "south"],
        "forecast": [40.0, 20.0, 30.0, 30.0],
        "actual": [45.0, 6.0, 26.0, 25.0],
    }
)
UV = pd.DataFrame(
    {
        "dimension": ["channel", "channel", "region", "region"],
        "element": ["app", "live", "north", "south"],
        "forecast": [800.0, 200.0, 500.0, 500.0],
        "actual": [900.0, 300.0, 600.0, 600.0],
    }
)


def test_adtributor_ratio_scores_hand_computed():
    s = adtributor_ratio_scores(ORDERS, UV).set_index("element")
    assert s["explanatory_power"].tolist() == pytest.approx(
        [1 / 21, 20 / 21, 10 / 21, 11 / 21], rel=1e-12
    )
    assert s["change"].tolist() == pytest.approx([51 / 1200 - 0.06] * 4, rel=1e-12)
    ch = s[s.dimension == "channel"]
    js = (
        jensenshannon([40 / 60, 20 / 60], [45 / 51, 6 / 51]) ** 2
        + jensenshannon([0.8, 0.2], [0.75, 0.25]) ** 2
    )  # S = S(m₁) + S(m₂)
    assert ch["surprise"].sum() == pytest.approx(js, rel=1e-12)


def test_ratio_scores_keep_the_numerator_order():
    shuffled = adtributor_ratio_scores(ORDERS.iloc[::-1], UV)
    assert shuffled["element"].tolist() == ["south", "north", "live", "app"]
    assert shuffled["explanatory_power"].tolist() == pytest.approx(
        [11 / 21, 10 / 21, 20 / 21, 1 / 21]
    )


def test_collapsing_segment_rate_ranks_first():
    out = adtributor_ratio(ORDERS, UV)
    assert out["dimension"].tolist() == ["channel", "region"]
    assert out.loc[0, "elements"] == ("live",)
    assert out.loc[0, "explanatory_power"] == pytest.approx(20 / 21)
    assert set(out.loc[1, "elements"]) == {"north", "south"}
    assert out.loc[1, "explanatory_power"] == pytest.approx(1.0)


def test_ratio_with_a_constant_denominator_reduces_to_the_additive_ep():
    flat = UV.assign(actual=UV.forecast)  # ΔA(m₂) = 0 → raw EP = ΔA₁/F(m₂), normalised = ΔA₁/ΣΔA₁
    ratio = adtributor_ratio_scores(ORDERS, flat)["explanatory_power"]
    additive = adtributor_scores(ORDERS)["explanatory_power"]
    assert ratio.tolist() == pytest.approx(additive.tolist(), rel=1e-12)


@pytest.mark.parametrize(
    ("frame", "match"),
    [
        (ORACLE.drop(columns="actual"), "lacks column"),
        (ORACLE.iloc[:0], "no rows"),
        (pd.concat([ORACLE, ORACLE.iloc[:1]]), "twice"),
        (ORACLE.assign(actual=[30.0, -28.0, 12.0, 35.0, 35.0]), "non-negative"),
        (ORACLE.assign(actual=ORACLE.forecast), "no gap"),
        (ORACLE.assign(forecast=0.0), "positive forecast"),
    ],
)
def test_adtributor_rejects_bad_frames(frame, match):
    with pytest.raises(ValueError, match=match):
        adtributor_scores(frame)
    with pytest.raises(ValueError, match=match):
        adtributor(frame)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"t_eep": 0.8, "t_ep": 0.67}, "t_eep < t_ep"),
        ({"t_ep": 1.5}, "t_ep ≤ 1"),
        ({"top": 0}, "positive integer"),
    ],
)
def test_adtributor_rejects_bad_parameters(kwargs, match):
    with pytest.raises(ValueError, match=match):
        adtributor(ORACLE, **kwargs)
    with pytest.raises(ValueError, match=match):
        adtributor_ratio(ORDERS, UV, **kwargs)


def test_adtributor_ratio_rejects_mismatched_or_flat_input():
    with pytest.raises(ValueError, match="same"):
        adtributor_ratio_scores(ORDERS, UV.iloc[:3])
    with pytest.raises(ValueError, match="same"):
        adtributor_ratio_scores(ORDERS.iloc[:3], UV)
    with pytest.raises(ValueError, match="same"):
        adtributor_ratio_scores(ORDERS, UV.assign(element=["app", "web", "north", "south"]))
    with pytest.raises(ValueError, match="sum to 0"):
        adtributor_ratio(ORDERS.assign(actual=ORDERS.forecast), UV.assign(actual=UV.forecast))


# Two segments, hand-computed. L(a, a) = a and L(2a, a) = a/ln 2.
#   A: UV 100 → 200, CR 10 %, AOV 100: G 1000 → 2000;  B: UV 100 → 200, CR 5 %, AOV 100 → 50: G 500 → 500
#   total UV 200 → 400 (×2), shares unchanged.
#   traffic = L(2000, 1000)·ln 2 + L(500, 500)·ln 2 = 1000 + 500 ln 2 = 1346.57
#   aov     = L(500, 500)·ln ½ = −500 ln 2 = −346.57;  mix = cr = 0;  Σ = 1000 = ΔG
BASE = pd.DataFrame(
    {"channel": ["A", "B"], "uv": [100, 100], "orders": [10, 5], "gmv": [1000.0, 500.0]}
)
GROWN = pd.DataFrame(
    {"channel": ["A", "B"], "uv": [200, 200], "orders": [20, 10], "gmv": [2000.0, 500.0]}
)


def test_segment_decomposition_hand_computed_traffic_and_aov():
    out = segment_decomposition(BASE, GROWN, "channel")
    ln2 = math.log(2)
    assert out.to_dict() == pytest.approx(
        {"traffic": 1000 + 500 * ln2, "mix": 0.0, "cr": 0.0, "aov": -500 * ln2}
    )
    assert out.sum() == pytest.approx(1000.0, abs=1e-9)


def test_segment_decomposition_hand_computed_mix_and_cr():
    # total UV 200 → 200.  A: share ½ → ¾ only: G 1000 → 1500, mix = L(1500, 1000)·ln 1.5 = 500.
    # B: share ½ → ¼ and CR 5 % → 10 %: G 500 → 500, mix = 500·ln ½ = −346.57, cr = 500·ln 2 = +346.57
    current = pd.DataFrame(
        {"channel": ["A", "B"], "uv": [150, 50], "orders": [15, 5], "gmv": [1500.0, 500.0]}
    )
    effects = segment_effects(BASE, current, "channel")
    ln2 = math.log(2)
    assert effects.loc["A", ["traffic", "mix", "cr", "aov"]].tolist() == pytest.approx(
        [0, 500, 0, 0], abs=1e-9
    )
    assert effects.loc["B", ["traffic", "mix", "cr", "aov"]].tolist() == pytest.approx(
        [0, -500 * ln2, 500 * ln2, 0], abs=1e-9
    )
    assert effects["rule"].tolist() == ["lmdi", "lmdi"]


def test_segment_zero_rules():
    # C is new (all of its 30 goes to mix); B is gone (−500 to mix)
    current = pd.DataFrame(
        {"channel": ["A", "C"], "uv": [200, 10], "orders": [20, 1], "gmv": [2000.0, 30.0]}
    )
    e = segment_effects(BASE, current, "channel")
    assert e.index.tolist() == ["A", "B", "C"]
    assert e.loc["C", ["traffic", "mix", "cr", "aov"]].tolist() == [0.0, 30.0, 0.0, 0.0]
    assert e.loc["B", ["traffic", "mix", "cr", "aov"]].tolist() == [0.0, -500.0, 0.0, 0.0]
    assert e.loc[["B", "C"], "rule"].tolist() == ["zero:mix", "zero:mix"]
    # B had visitors but no orders in the base: its 500 goes to CR
    no_orders = BASE.assign(orders=[10, 0], gmv=[1000.0, 0.0])
    e = segment_effects(no_orders, GROWN, "channel")
    assert e.loc["B", ["traffic", "mix", "cr", "aov"]].tolist() == [0.0, 0.0, 500.0, 0.0]
    assert e.loc["B", "rule"] == "zero:cr"
    assert segment_decomposition(no_orders, GROWN, "channel").sum() == pytest.approx(2500 - 1000)
    # B had orders but no GMV (all free samples) in the base: its 500 goes to AOV
    e = segment_effects(BASE.assign(gmv=[1000.0, 0.0]), GROWN, "channel")
    assert e.loc["B", ["traffic", "mix", "cr", "aov"]].tolist() == [0.0, 0.0, 0.0, 500.0]
    assert e.loc["B", "rule"] == "zero:aov"


segment = st.tuples(
    st.floats(1, 1e6), st.floats(1e-3, 10), st.floats(1e-2, 1e4)
)  # uv, CR (orders/uv), AOV


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(segment, segment, st.sampled_from(["both", "base", "current"])),
        min_size=1,
        max_size=6,
    )
)
def test_segment_decomposition_is_exact(rows):
    def frame(period: int) -> pd.DataFrame:
        keep = [
            (i, r[period])
            for i, r in enumerate(rows)
            if r[2] in ("both", ("base", "current")[period])
        ]
        return pd.DataFrame(
            {
                "seg": [f"s{i}" for i, _ in keep],
                "uv": [u for _, (u, _, _) in keep],
                "orders": [u * c for _, (u, c, _) in keep],
                "gmv": [u * c * a for _, (u, c, a) in keep],
            }
        )

    base, current = frame(0), frame(1)
    if base.empty or current.empty:
        return
    parts = segment_decomposition(base, current, "seg")
    g0, g1 = base.gmv.sum(), current.gmv.sum()
    assert parts.sum() == pytest.approx(g1 - g0, abs=1e-9 * max(g0, g1, parts.abs().sum()))


def test_rate_mix_methods_simpson_oracle():
    # w (0.5, 0.5) → (0.3, 0.7); CR (4.0 %, 2.0 %) → (4.5 %, 2.1 %); CR 3.00 % → 2.82 %
    base = pd.DataFrame({"seg": ["a", "b"], "uv": [5000, 5000], "orders": [200, 100]})
    current = pd.DataFrame({"seg": ["a", "b"], "uv": [3000, 7000], "orders": [135, 147]})
    out = rate_mix(base, current, "seg", "orders", "uv")
    assert out["mix"] == pytest.approx(-0.0044, abs=1e-12)
    assert out["rate"] == pytest.approx(0.0026, abs=1e-12)
    assert out["total"] == pytest.approx(0.0282 - 0.0300, abs=1e-12)


def test_rate_mix_new_segment_is_all_mix():
    # R 5/100 = 5 % → 15/200 = 7.5 %; b (10 %) is new: mix a (½ − 1)(5 % + 5 %)/2 = −2.5 %,
    # mix b (½ − 0)(10 % + 10 %)/2 = +5 %; rate 0
    base = pd.DataFrame({"seg": ["a"], "uv": [100], "orders": [5]})
    current = pd.DataFrame({"seg": ["a", "b"], "uv": [100, 100], "orders": [5, 10]})
    out = rate_mix(base, current, "seg", "orders", "uv")
    assert out.to_dict() == pytest.approx({"mix": 0.025, "rate": 0.0, "total": 0.025}, abs=1e-15)


def test_segment_functions_reject_bad_input():
    with pytest.raises(ValueError, match="lacks column"):
        segment_decomposition(BASE.drop(columns="gmv"), GROWN, "channel")
    with pytest.raises(ValueError, match="gmv > 0 with orders = 0"):
        segment_effects(BASE.assign(orders=[10, 0]), GROWN, "channel")
    with pytest.raises(ValueError, match="twice"):
        segment_effects(pd.concat([BASE, BASE]), GROWN, "channel")
    with pytest.raises(ValueError, match="UV > 0"):
        segment_effects(BASE.assign(uv=0, orders=0, gmv=0.0), GROWN, "channel")
    with pytest.raises(ValueError, match="orders > 0 with uv = 0"):
        rate_mix(BASE.assign(uv=[0, 100]), GROWN, "channel", "orders", "uv")
    with pytest.raises(ValueError, match="Σuv > 0"):
        rate_mix(BASE.assign(uv=0, orders=0), GROWN, "channel", "orders", "uv")


def test_explain_sentences():
    cands = pd.DataFrame(
        {
            "dimension": ["channel", "region"],
            "elements": [("live",), ("east", "west")],
            "explanatory_power": [0.68, 0.9],
            "surprise": [0.2, 0.1],
            "change": [-5.0, -5.0],
        }
    )
    assert explain(cands, "zh") == [
        "渠道 = live 解释了 68% 的缺口",
        "地区 = east、west 解释了 90% 的缺口",
    ]
    assert explain(cands, "en") == [
        "channel = live explains 68% of the gap",
        "region = east, west explains 90% of the gap",
    ]
    assert explain(cands.assign(change=5.0), "en", labels={"channel": "Channel"}, top=1) == [
        "Channel = live explains 68% of the rise"
    ]
    assert explain(adtributor(ORACLE).iloc[:0], "zh") == []
    over = cands.head(1).assign(explanatory_power=2.7)  # the others rose while live fell
    assert explain(over, "zh") == [
        "渠道 = live 解释了 270% 的缺口（其余元素反向变动 -170%，合计 100%）"
    ]
    assert explain(over, "en") == [
        "channel = live explains 270% of the gap (the other elements moved the other way, -170%; "
        "100% in all)"
    ]


def test_candidates_carry_contributions_that_sum_to_the_change():
    # a fell 30 while b rose 20: the gap is −10, a's EP is −30/−10 = 300 %, b's −200 %
    frame = pd.DataFrame(
        {
            "dimension": ["channel", "channel"],
            "element": ["a", "b"],
            "forecast": [50.0, 50.0],
            "actual": [20.0, 70.0],
        }
    )
    (row,) = adtributor(frame).itertuples()
    assert row.elements == ("a",) and row.explanatory_power == pytest.approx(3.0)
    assert row.contribution == pytest.approx(-30.0)  # a's own A − F, in money
    assert row.rest == pytest.approx(20.0)  # b's, the other way
    assert row.contribution + row.rest == pytest.approx(row.change) == pytest.approx(-10.0)
    # the METHODS oracle: app explains the whole gap of −30, nothing left for the rest
    top = adtributor(ORACLE).iloc[0]
    assert top.contribution == pytest.approx(-30.0) and top.rest == pytest.approx(0.0, abs=1e-9)


def test_explain_on_the_oracle_and_bad_input():
    assert explain(adtributor(ORACLE), "en")[0] == "channel = app explains 100% of the gap"
    with pytest.raises(ValueError, match="unknown language"):
        explain(adtributor(ORACLE), "fr")
    with pytest.raises(ValueError, match="at least 1"):
        explain(adtributor(ORACLE), "zh", top=0)
    with pytest.raises(ValueError, match="output of adtributor"):
        explain(ORACLE, "zh")


def test_inputs_are_not_mutated():
    before = [f.copy() for f in (ORACLE, ORDERS, UV, BASE, GROWN)]
    adtributor(ORACLE), adtributor_ratio(ORDERS, UV), segment_effects(BASE, GROWN, "channel")
    rate_mix(BASE, GROWN, "channel", "orders", "uv")
    for f, b in zip((ORACLE, ORDERS, UV, BASE, GROWN), before, strict=True):
        pd.testing.assert_frame_equal(f, b)
    assert np.isfinite(adtributor_scores(ORACLE)["surprise"]).all()

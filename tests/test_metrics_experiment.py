"""The A/B read-out: relative lift against statsmodels, the summary against hand counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from fupan.metrics.abtest import relative_lift
from fupan.metrics.experiment import ab_table, arm_summary, evaluate_ab, evaluate_arms, verdict


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2"), [(3863, 66504, 4311, 66705), (12, 100, 20, 110), (50, 1000, 41, 990)]
)
def test_relative_lift_ci_equals_statsmodels_log_ratio_interval(x1, n1, x2, n2):
    lift, (lo, hi) = relative_lift(x1, n1, x2, n2)
    assert lift == pytest.approx((x2 / n2) / (x1 / n1) - 1, rel=1e-12)
    # statsmodels compares arm 1 / arm 2: pass the treatment first
    ref_lo, ref_hi = confint_proportions_2indep(x2, n2, x1, n1, method="log", compare="ratio")
    assert lo == pytest.approx(ref_lo - 1, rel=1e-9)
    assert hi == pytest.approx(ref_hi - 1, rel=1e-9)


def test_relative_lift_rejects_an_arm_without_conversions():
    with pytest.raises(ValueError, match="at least one conversion"):
        relative_lift(0, 100, 5, 100)


def _users() -> pd.DataFrame:
    # A: 10 users, 2 converted (GMV 100, 50); B: 10 users, 4 converted (GMV 100 each); 1 user in both
    rows = [("A", False, 1, 100.0), ("A", False, 1, 50.0)] + [("A", False, 0, 0.0)] * 8
    rows += [("B", False, 1, 100.0)] * 4 + [("B", False, 0, 0.0)] * 6 + [("A", True, 3, 999.0)]
    return pd.DataFrame(rows, columns=["variant", "mixed", "orders", "gmv"])


def test_evaluate_ab_counts_and_rates_by_hand():
    ab = evaluate_ab(_users())
    assert ab["users"] == {"A": 10, "B": 10} and ab["users_in_both_arms"] == 1
    assert ab["converted"] == {"A": 2, "B": 4}
    assert ab["conversion"]["B"] - ab["conversion"]["A"] == pytest.approx(0.2)
    assert ab["relative_lift"] == pytest.approx(1.0)
    assert ab["revenue_per_user"] == {"A": pytest.approx(15.0), "B": pytest.approx(40.0)}
    assert ab["srm_flagged"] is False
    table = ab_table(ab)
    assert table.loc["B", "converted"] == 4 and table.loc["A", "revenue_per_user"] == pytest.approx(
        15.0
    )


def test_arm_summary_by_hand_and_the_arms_give_the_same_read_out():
    arms = arm_summary(_users()).set_index(["variant", "mixed"])
    a, b, both = arms.loc[("A", False)], arms.loc[("B", False)], arms.loc[("A", True)]
    assert (a.users, a.converted, b.users, b.converted, both.users) == (10, 2, 10, 4, 1)
    # A: GMV 100, 50 and eight zeros: mean 15, Σ(x − 15)² = 85² + 35² + 8·15² = 10250, / 9
    assert a.gmv_mean == pytest.approx(15.0) and a.gmv_var == pytest.approx(10250 / 9)
    # B: four 100s and six zeros: mean 40, Σ(x − 40)² = 4·60² + 6·40² = 24000, / 9
    assert b.gmv_mean == pytest.approx(40.0) and b.gmv_var == pytest.approx(24000 / 9)
    assert np.isnan(both.gmv_var)  # one user: no sample variance
    assert evaluate_arms(arm_summary(_users())) == evaluate_ab(_users())


def test_verdict_mentions_direction_and_interval():
    ab = evaluate_ab(_users())
    zh, en = verdict(ab, "zh"), verdict(ab, "en")
    assert "提升 100.0%" in zh and "置信区间" in zh
    assert "raised conversion by 100.0%" in en and "not significant" in en  # n = 10 per arm


def test_sample_ratio_mismatch_overrides_the_verdict():
    rng = np.random.default_rng(1)
    users = pd.DataFrame(
        {
            "variant": ["A"] * 6000 + ["B"] * 4000,
            "orders": rng.integers(0, 2, 10000),
            "gmv": rng.gamma(2, 50, 10000),
        }
    )
    ab = evaluate_ab(users)
    assert ab["srm_flagged"] and "SRM" in verdict(ab, "zh") and "SRM" in verdict(ab, "en")


def test_missing_arm_or_columns_raise():
    with pytest.raises(ValueError, match="both arms"):
        evaluate_ab(_users().assign(variant="A"))
    with pytest.raises(ValueError, match="columns"):
        evaluate_ab(_users().drop(columns="gmv"))


def _arms(a: str, b: str, converted: tuple[int, int] = (40, 55)) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "variant": [a, b, a],
            "mixed": [False, False, True],
            "users": [1000, 1010, 7],
            "converted": [converted[0], converted[1], 1],
            "gmv_mean": [12.0, 15.0, 3.0],
            "gmv_var": [900.0, 1100.0, 10.0],
        }
    )


@pytest.mark.parametrize(
    ("a", "b"), [("a", "b"), (" A组", "B组"), ("control", "treatment"), ("对照组", "实验组")]
)
def test_arms_written_otherwise_are_read_as_a_and_b(a, b):
    """Arms labelled a/b, A组/B组, control/treatment or 对照组/实验组 made the test 'not measured'
    ('both arms need users'); they are the test's A and B. The same figures as labelled A/B."""
    from fupan.analysis.execution import ab_test

    expected = ab_test(_arms("A", "B"))
    got = ab_test(_arms(a, b))
    assert got.users == expected.users == {"A": 1000, "B": 1010}
    assert got.p_value == expected.p_value and got.users_in_both_arms == 7


def test_two_labels_of_one_arm_are_not_merged():
    """'A' and 'a' both in the log: which is the arm is not guessed, the labels stay as written."""
    from fupan.analysis.execution import _named_arms

    frame = _arms("A", "B").assign(variant=["A", "B", "a"])
    assert list(_named_arms(frame).variant) == ["A", "B", "a"]
    assert list(_named_arms(_arms("a", "b")).variant) == ["A", "B", "A"]


def test_a_test_whose_users_bought_nothing_says_why_it_may_be():
    """Events whose user ids are not the orders' (another prefix): no exposed user converts, and
    the test was skipped as 'no variance'. It now says the ids may not match."""
    from fupan.analysis.execution import ab_test

    with pytest.raises(ValueError) as err:
        ab_test(_arms("A", "B", converted=(0, 0)).assign(converted=0, gmv_mean=0.0, gmv_var=0.0))
    assert "2,017 users" in str(err.value) and "user ids are not the orders'" in str(err.value)
    assert "编号" in str(err.value)

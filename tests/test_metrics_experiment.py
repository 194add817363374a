"""The A/B read-out: relative lift against statsmodels, the summary against hand counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import confint_proportions_2indep

from fupan.metrics.abtest import relative_lift
from fupan.metrics.experiment import ab_table, evaluate_ab, verdict


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

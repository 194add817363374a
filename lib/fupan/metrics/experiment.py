"""The campaign's A/B test read as a business reader needs it (METHODS.md §4).

Input is the per-user aggregate of :mod:`fupan.extract.aggregates` (``ab_users``: variant, mixed
— seen in more than one arm —, orders, gmv; no identifier). Arm A is the control, B the treatment;
every effect is B relative to A.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..format import money
from .abtest import relative_lift, srm_test, two_proportion_ztest, welch_ttest

ALPHA = 0.05


def evaluate_ab(
    users: pd.DataFrame,
    control: str = "A",
    treatment: str = "B",
    design_split: tuple[float, float] = (0.5, 0.5),
    alpha: float = ALPHA,
) -> dict[str, Any]:
    """Conversion, revenue per user and sample-ratio checks of a two-arm test.

    口径: unit = user with an event carrying a variant inside the campaign window; converted =
    at least one order not cancelled inside the window; conversion = converted users / users
    (two-proportion z-test, relative lift with a log-ratio CI); revenue per user = GMV in the window
    / users, including zeros (Welch t-test); SRM = χ² of the arm counts against the design split
    (flag at p < 0.001). Users seen in both arms are excluded and counted.
    """
    need = {"variant", "orders", "gmv"}
    if not need <= set(users.columns):
        raise ValueError(f"ab users need columns {sorted(need)}, got {sorted(users.columns)}")
    seen_in_both = (
        users["mixed"].astype(bool) if "mixed" in users else pd.Series(False, index=users.index)
    )
    mixed = int(seen_in_both.sum())
    clean = users[~seen_in_both]
    arms = {v: clean[clean.variant == v] for v in (control, treatment)}
    if any(len(a) == 0 for a in arms.values()):
        raise ValueError(
            f"both arms {control!r} and {treatment!r} need users; found {sorted(users.variant.unique())}"
        )
    a, b = arms[control], arms[treatment]
    xa, xb = int((a.orders > 0).sum()), int((b.orders > 0).sum())
    conv = two_proportion_ztest(xa, len(a), xb, len(b), alpha)
    lift, lift_ci = relative_lift(xa, len(a), xb, len(b), alpha)
    rev = welch_ttest(a.gmv.to_numpy(float), b.gmv.to_numpy(float), alpha)
    srm = srm_test([len(a), len(b)], list(design_split))
    return {
        "users": {control: len(a), treatment: len(b)},
        "converted": {control: xa, treatment: xb},
        "conversion": {control: conv.p1, treatment: conv.p2},
        "conversion_diff": conv.diff,
        "conversion_diff_ci": list(conv.ci),
        "p_value": conv.p_value,
        "relative_lift": lift,
        "relative_lift_ci": list(lift_ci),
        "revenue_per_user": {control: rev.mean_a, treatment: rev.mean_b},
        "revenue_diff": rev.diff,
        "revenue_diff_ci": list(rev.ci),
        "revenue_p_value": rev.p_value,
        "srm_p_value": srm.p_value,
        "srm_flagged": bool(srm.flagged),
        "users_in_both_arms": mixed,
        "alpha": alpha,
    }


def verdict(ab: dict[str, Any], lang: str = "zh") -> str:
    """One plain-language sentence on the test's outcome."""
    lo, hi = ab["relative_lift_ci"]
    lift = ab["relative_lift"]
    significant = ab["p_value"] < ab["alpha"]
    if ab["srm_flagged"]:
        return (
            "分流比例与设计不符（SRM，p={:.1g}），结果不可信，需先排查分流。".format(
                ab["srm_p_value"]
            )
            if lang == "zh"
            else "The arm sizes do not match the design split (SRM, p={:.1g}); do not trust the result until "
            "the assignment is fixed.".format(ab["srm_p_value"])
        )
    if lang == "zh":
        head = "B 组转化率{}".format("显著" if significant else "未显著")
        return (
            f"{head}{'提升' if lift >= 0 else '下降'} {abs(lift):.1%}（95% 置信区间 {lo:+.1%} ~ {hi:+.1%}，"
            f"p={ab['p_value']:.2g}）；人均GMV差 {money(ab['revenue_diff'], 'zh', digits=2)}。"
            + (
                "建议在下次活动中采用 B 方案，并核算其成本。"
                if significant and lift > 0
                else "证据不足以改变方案。"
            )
        )
    head = "Variant B {} conversion by {:.1%}".format(
        "raised" if lift >= 0 else "lowered", abs(lift)
    )
    return (
        f"{head} (95% CI {lo:+.1%} to {hi:+.1%}, p={ab['p_value']:.2g}; "
        f"{'significant' if significant else 'not significant'}); revenue per user differs by "
        f"{money(ab['revenue_diff'], 'en', digits=2)}. "
        + (
            "Adopt B next time, after costing it."
            if significant and lift > 0
            else "The evidence does not justify a change."
        )
    )


def ab_table(ab: dict[str, Any]) -> pd.DataFrame:
    """Per-arm users, conversion and revenue per user, for display."""
    arms = list(ab["users"])
    return pd.DataFrame(
        {
            "users": [ab["users"][v] for v in arms],
            "converted": [ab["converted"][v] for v in arms],
            "conversion": [ab["conversion"][v] for v in arms],
            "revenue_per_user": [ab["revenue_per_user"][v] for v in arms],
        },
        index=pd.Index(arms, name="variant"),
    ).astype({"users": np.int64, "converted": np.int64})

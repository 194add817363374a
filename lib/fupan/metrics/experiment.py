"""The campaign's A/B test read as a business reader needs it (METHODS.md §4).

Input is the per-arm aggregate of :mod:`fupan.extract.aggregates` (``ab_arms``: per variant and
``mixed`` — users seen in more than one arm —, the users, the converted users, and the mean and
sample variance of their GMV; no identifier), or per-user rows summed up by :func:`arm_summary`.
Arm A is the control, B the treatment; every effect is B relative to A.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..format import money
from .abtest import relative_lift, srm_test, two_proportion_ztest, welch_ttest_from_stats

ALPHA = 0.05


#: The A/B test's sufficient statistics, one row per (variant, mixed): what ab_arms.sql returns
#: and :func:`arm_summary` computes from per-user rows.
ARM_COLUMNS = ("variant", "mixed", "users", "converted", "gmv_mean", "gmv_var")


def arm_summary(users: pd.DataFrame) -> pd.DataFrame:
    """Per-user rows (variant, mixed, orders, gmv) summed up per arm, as ab_arms.sql does.

    Per (variant, mixed): the users, the converted users (orders > 0), their mean GMV and its
    sample variance (ddof=1; NaN for a single user).
    """
    need = {"variant", "orders", "gmv"}
    if not need <= set(users.columns):
        raise ValueError(f"ab users need columns {sorted(need)}, got {sorted(users.columns)}")
    u = users.assign(
        mixed=users["mixed"].astype(bool) if "mixed" in users else False,
        converted=users.orders > 0,
        gmv=users.gmv.astype(float),
    )
    g = u.groupby(["variant", "mixed"], sort=True)
    out = g.agg(
        users=("gmv", "size"),
        converted=("converted", "sum"),
        gmv_mean=("gmv", "mean"),
        gmv_var=("gmv", "var"),
    )
    return out.reset_index()[list(ARM_COLUMNS)]


def evaluate_ab(users: pd.DataFrame, **options: Any) -> dict[str, Any]:
    """:func:`evaluate_arms` (with its ``options``) of per-user rows, via :func:`arm_summary`."""
    return evaluate_arms(arm_summary(users), **options)


def evaluate_arms(
    arms: pd.DataFrame,
    control: str = "A",
    treatment: str = "B",
    design_split: tuple[float, float] = (0.5, 0.5),
    alpha: float = ALPHA,
) -> dict[str, Any]:
    """Conversion, revenue per user and sample-ratio checks of a two-arm test.

    Read from the test's sufficient statistics (:data:`ARM_COLUMNS`: ab_arms.sql, or
    :func:`arm_summary`).

    口径: unit = user with an event carrying a variant inside the campaign window; converted =
    at least one order not cancelled inside the window; conversion = converted users / users
    (two-proportion z-test, relative lift with a log-ratio CI); revenue per user = GMV in the window
    / users, including zeros (Welch t-test from each arm's mean and sample variance); SRM = χ² of
    the arm counts against the design split (flag at p < 0.001). Users seen in both arms
    (``mixed``) are excluded and counted.
    """
    missing = set(ARM_COLUMNS) - set(arms.columns)
    if missing:
        raise ValueError(f"ab arms need columns {list(ARM_COLUMNS)}, missing {sorted(missing)}")
    seen_in_both = arms["mixed"].astype(bool)
    mixed = int(arms.users[seen_in_both].sum())
    clean = arms[~seen_in_both].set_index("variant")
    if any(v not in clean.index or int(clean.users[v]) == 0 for v in (control, treatment)):
        raise ValueError(
            f"both arms {control!r} and {treatment!r} need users; found {sorted(arms.variant.unique())}"
        )
    a, b = clean.loc[control], clean.loc[treatment]
    na, nb = int(a.users), int(b.users)
    xa, xb = int(a.converted), int(b.converted)
    conv = two_proportion_ztest(xa, na, xb, nb, alpha)
    lift, lift_ci = relative_lift(xa, na, xb, nb, alpha)
    rev = welch_ttest_from_stats(
        (float(a.gmv_mean), float(a.gmv_var), na), (float(b.gmv_mean), float(b.gmv_var), nb), alpha
    )
    srm = srm_test([na, nb], list(design_split))
    return {
        "users": {control: na, treatment: nb},
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

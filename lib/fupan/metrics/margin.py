"""Margin-aware promotion economics: IGP, ROI vs ROAS, subsidy leakage, discount depth (METHODS.md §1.2, §1.4).

口径: one row per SKU with ``units`` (Q^promo, units sold in the campaign), ``units_baseline``
(Q̂, counterfactual units without the promotion), ``price_promo`` (average *paid* price per unit in
the campaign, after the discounts already in it), ``price_regular`` (regular/list price per unit),
``unit_cost`` (c, COGS per unit) and ``variable_cost`` (v, fulfilment + payment fee + commission
per unit). The same c and v apply to promoted and baseline units: if commission is a rate on the
paid price, derive v from the regular price (as METHODS.md does) and accept that this slightly
overstates the cost of discounted units. Money is in the shop's currency; nothing is rounded.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

__all__ = [
    "break_even_lift",
    "break_even_lift_with_spend",
    "break_even_roas",
    "campaign_cost",
    "channel_break_even",
    "discount_depth_buckets",
    "elasticity_lift",
    "igp_by_sku",
    "incremental_gross_profit",
    "incremental_spend",
    "no_roas_breaks_even",
    "promo_elasticity",
    "roas",
    "roi",
    "subsidy_leakage",
]

SKU_COLUMNS = (
    "units",
    "units_baseline",
    "price_promo",
    "price_regular",
    "unit_cost",
    "variable_cost",
)
DEPTH_EDGES = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)
DEPTH_LABELS = ("0–10%", "10–20%", "20–30%", "30–50%", ">50%")


def _skus(skus: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(skus, pd.DataFrame):
        raise ValueError(f"skus must be a pandas DataFrame, got {type(skus).__name__}")
    missing = [c for c in SKU_COLUMNS if c not in skus.columns]
    if missing:
        raise ValueError(f"skus lacks column(s) {missing}; it has {list(skus.columns)}")
    if skus.empty:
        raise ValueError("skus has no rows; there is nothing to evaluate")
    values = skus[list(SKU_COLUMNS)].apply(pd.to_numeric, errors="coerce").astype(float)
    for col in SKU_COLUMNS:
        bad = ~np.isfinite(values[col]) | (values[col] < 0)
        if bad.any():
            raise ValueError(
                f"skus.{col} must be finite and non-negative; bad rows {list(values.index[bad][:5])} "
                "(net refunds and returns out of units upstream)"
            )
    zero = values["price_regular"] <= 0
    if zero.any():
        raise ValueError(
            f"skus.price_regular must be positive; bad rows {list(values.index[zero][:5])}"
        )
    return values


def igp_by_sku(skus: pd.DataFrame) -> pd.DataFrame:
    """Per-SKU incremental gross profit, subsidy leakage, discount depth and lift.

    口径 (METHODS.md §1.2, §1.4), per SKU i:
    promo_profit = Q_i^promo·(p_i^promo − c_i − v_i); baseline_profit = Q̂_i·(p_i^reg − c_i − v_i);
    igp = promo_profit − baseline_profit (before campaign spend); subsidy_leakage = Q̂_i·(p_i^reg −
    p_i^promo), the discount given on units that would have sold anyway (already inside igp, a
    diagnostic, negative if the paid price is above regular); depth = 1 − p^promo/p^reg;
    lift = Q/Q̂ − 1 (NaN when Q̂ = 0).

    Parameters
    ----------
    skus : DataFrame
        One row per SKU with the columns of :data:`SKU_COLUMNS` (see the module docstring), all
        finite and non-negative, ``price_regular`` positive. Other columns are kept.

    Returns
    -------
    DataFrame
        ``skus`` (same index, same columns) plus ``promo_profit``, ``baseline_profit``, ``igp``,
        ``subsidy_leakage``, ``depth`` and ``lift``.

    Raises
    ------
    ValueError
        If ``skus`` is not a non-empty DataFrame with valid values in every column above.
    """
    x = _skus(skus)
    promo = x.units * (x.price_promo - x.unit_cost - x.variable_cost)
    baseline = x.units_baseline * (x.price_regular - x.unit_cost - x.variable_cost)
    return skus.assign(
        promo_profit=promo,
        baseline_profit=baseline,
        igp=promo - baseline,
        subsidy_leakage=x.units_baseline * (x.price_regular - x.price_promo),
        depth=1.0 - x.price_promo / x.price_regular,
        lift=x.units / x.units_baseline.where(x.units_baseline > 0) - 1.0,
    )


def incremental_gross_profit(skus: pd.DataFrame) -> float:
    """IGP = Σ_i [Q_i^promo·(p_i^promo − c_i − v_i) − Q̂_i·(p_i^reg − c_i − v_i)] (METHODS.md §1.2).

    口径: gross profit of the campaign's units minus the gross profit the counterfactual baseline
    units would have made at regular price, *before* campaign spend S (see :func:`roi`). Per-SKU
    terms: the ``igp`` column of :func:`igp_by_sku`, whose parameter and errors apply.

    Returns
    -------
    float
        IGP in money; negative when the promotion destroyed gross profit.
    """
    return float(igp_by_sku(skus)["igp"].sum())


def subsidy_leakage(skus: pd.DataFrame) -> float:
    """Subsidy leakage = Σ_i Q̂_i·(p_i^reg − p_i^promo) (METHODS.md §1.2).

    口径: the discount handed out on the units that would have sold anyway at regular price. It is
    already inside IGP; report it as a diagnostic of how much of the discount bought nothing.
    Parameter and errors as in :func:`igp_by_sku` (its ``subsidy_leakage`` column holds the terms).

    Returns
    -------
    float
        Leakage in money (≥ 0 unless some paid price exceeds the regular price).
    """
    return float(igp_by_sku(skus)["subsidy_leakage"].sum())


def _money(name: str, x: float) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float | np.number) or not math.isfinite(x):
        raise ValueError(f"{name} must be a finite number, got {x!r}")
    return float(x)


def campaign_cost(
    media: float, fees: float = 0.0, coupons: float = 0.0, fixed: float = 0.0
) -> float:
    """Campaign spend S = media + fees + coupons + fixed (METHODS.md §1.2).

    Parameters
    ----------
    media : float
        Paid media (投放花费).
    fees, coupons, fixed : float, default 0
        Platform/campaign fees (平台活动费; per-unit commission belongs in v instead); shop-funded
        coupons *not* already netted out of ``price_promo`` (never count one twice); fixed set-up
        cost (creative, live-stream host fees, samples).

    Returns
    -------
    float
        S in money.

    Raises
    ------
    ValueError
        If any part is negative or not a finite number.
    """
    parts = {"media": media, "fees": fees, "coupons": coupons, "fixed": fixed}
    for name, x in parts.items():
        if _money(name, x) < 0:
            raise ValueError(f"{name} must be non-negative, got {x}")
    return float(sum(float(x) for x in parts.values()))


def roi(igp: float, spend: float) -> dict[str, float]:
    """Margin ROI and net ROI of a campaign (METHODS.md §1.2). Never GMV/spend: see :func:`roas`.

    口径: ``roi_margin`` = IGP / S, break-even at 1.0 (each unit of spend returns a unit of
    incremental gross profit); ``net_roi`` = (IGP − S) / S = roi_margin − 1, break-even at 0.
    Label whichever one is shown.

    Parameters
    ----------
    igp, spend : float
        IGP before spend (:func:`incremental_gross_profit`) and S > 0 (:func:`campaign_cost`).

    Returns
    -------
    dict
        ``{"roi_margin": IGP/S, "net_roi": (IGP − S)/S}``.

    Raises
    ------
    ValueError
        If ``igp`` is not finite or ``spend`` is not a positive finite number.
    """
    g, s = _money("igp", igp), _money("spend", spend)
    if s <= 0:
        raise ValueError(f"ROI is undefined without positive spend; got spend={spend}")
    return {"roi_margin": g / s, "net_roi": (g - s) / s}


def roas(gmv: float, spend: float) -> float:
    """ROAS (投产比) = GMV / spend. This is **not** ROI (METHODS.md §1.2).

    口径: revenue per unit of spend, ignoring COGS, variable costs, the baseline that would have
    sold anyway and the discount. A ROAS of 5 can lose money; use :func:`roi` for profitability.

    Parameters
    ----------
    gmv, spend : float
        GMV attributed to the spend (≥ 0) and the spend (> 0).

    Returns
    -------
    float
        GMV / spend.

    Raises
    ------
    ValueError
        If ``gmv`` is negative or ``spend`` is not positive, or either is not finite.
    """
    g, s = _money("gmv", gmv), _money("spend", spend)
    if g < 0 or s <= 0:
        raise ValueError(f"ROAS needs gmv ≥ 0 and spend > 0; got gmv={gmv}, spend={spend}")
    return g / s


def break_even_lift(discount: float, margin: float) -> float:
    """Unit lift a price cut needs to keep gross profit: Q₁/Q₀ − 1 = d / (m − d) (METHODS.md §1.2).

    口径 (Nagle & Holden): ``discount`` d and unit contribution ``margin`` m = (p^reg − c − v)/p^reg
    are both fractions of the regular price, and c, v do not change with the price. Example:
    m = 40 %, d = 20 % → 0.2/0.2 = +100 % more units needed.

    Parameters
    ----------
    discount, margin : float
        Price cut d in [0, 1) and unit contribution margin m in (0, 1].

    Returns
    -------
    float
        The required relative unit lift (1.0 = +100 %).

    Raises
    ------
    ValueError
        If d ≥ m: every discounted unit then earns ≤ 0, so **no** lift pays the cut back. We raise
        rather than return ``inf`` (which a table would show without the reason) or the negative
        d/(m − d), which reads as "no lift needed". Also if d or m are outside the ranges above.
    """
    d, m = _money("discount", discount), _money("margin", margin)
    if not 0 <= d < 1 or not 0 < m <= 1:
        raise ValueError(
            f"need 0 ≤ discount < 1 and 0 < margin ≤ 1 (fractions of the regular price); "
            f"got discount={discount}, margin={margin}"
        )
    if d >= m:
        raise ValueError(
            f"a {d:.0%} cut at a {m:.0%} unit margin sells every unit at a loss or zero "
            "contribution; no volume lift can pay it back"
        )
    return d / (m - d)


def break_even_lift_with_spend(discount: float, margin: float, spend_share: float) -> float:
    """Unit lift that pays back the discount **and** the campaign cost: (d + s) / (m − d).

    口径: Q₁·p^reg·(m − d) = Q̂·p^reg·m + S, with s = S / (Q̂·p^reg) the campaign cost as a
    share of what the expected units (无活动预期) would have sold for at regular price; so
    Q₁/Q̂ − 1 = (d + s) / (m − d). With s = 0 this is :func:`break_even_lift` (which covers the
    discount only). Example: m = 40 %, d = 20 %, s = 10 % → 0.3/0.2 = +150 %.

    Parameters
    ----------
    discount, margin : float
        As in :func:`break_even_lift`.
    spend_share : float
        s ≥ 0, the campaign cost over the expected units' value at regular price.

    Returns
    -------
    float
        The required relative unit lift.

    Raises
    ------
    ValueError
        As in :func:`break_even_lift`, or a negative or non-finite ``spend_share``.
    """
    base = break_even_lift(discount, margin)  # validates d and m
    s = _money("spend_share", spend_share)
    if s < 0:
        raise ValueError(f"spend_share must be non-negative, got {spend_share}")
    d, m = float(discount), float(margin)
    return base + s / (m - d)


def break_even_roas(discount: float, margin: float) -> float:
    """保本投产比: the ROAS below which a channel's spend costs more than its GMV contributes.

    口径: with the unit contribution margin m = (p^reg − c − v)/p^reg and the discount depth d
    (both fractions of the regular price), a unit sold at p^reg·(1 − d) contributes p^reg·(m − d),
    i.e. (m − d)/(1 − d) per unit of GMV. Spend S that brings GMV G pays for itself when
    G·(m − d)/(1 − d) ≥ S, i.e. ROAS = G/S ≥ (1 − d)/(m − d). By hand: m = 52.5 %, d = 15.5 % →
    0.845/0.370 = 2.28. It counts all GMV attributed to the spend (as the dashboards' ROI does),
    not only the incremental part, so a channel at break-even may still lose money. This is the
    one 口径 of 保本投产比 in the report (the ads section judges its channels against it too):
    fixed costs do not grow with the next yuan of spend, so they stay out of it.

    Parameters
    ----------
    discount, margin : float
        Discount depth d in [0, 1) and unit contribution margin m in (0, 1].

    Returns
    -------
    float
        (1 − d)/(m − d).

    Raises
    ------
    ValueError
        If d ≥ m (no ROAS breaks even: every unit sells at a loss) or d, m are out of range.
    """
    d, m = _money("discount", discount), _money("margin", margin)
    if not 0 <= d < 1 or not 0 < m <= 1:
        raise ValueError(
            f"need 0 ≤ discount < 1 and 0 < margin ≤ 1 (fractions of the regular price); "
            f"got discount={discount}, margin={margin}"
        )
    if d >= m:
        raise ValueError(
            f"a {d:.0%} cut at a {m:.0%} unit margin leaves no contribution on any unit sold; "
            "no ROAS breaks even"
        )
    return (1.0 - d) / (m - d)


def no_roas_breaks_even(discount: float | None, margin: float | None) -> bool:
    """Whether every unit sells at a loss, so that no ROAS breaks even.

    口径: a measured discount depth d at or above a measured unit contribution margin m (a unit
    at p^reg·(1 − d) contributes p^reg·(m − d) ≤ 0). False when either is not measured.
    """
    if discount is None or margin is None:
        return False
    d, m = float(discount), float(margin)
    return math.isfinite(d) and math.isfinite(m) and max(d, 0.0) >= m


def channel_break_even(channels: pd.DataFrame, be_roas: float) -> pd.DataFrame:
    """费比 and the 保本投产比 verdict per channel.

    口径: spend_ratio (费比) = spend / GMV (NaN without GMV); below_break_even = ROAS <
    ``be_roas`` for a channel with spend — one whose GMV is 0 is below (ROAS 0); ``None`` (not
    judged, never False) for a channel without spend or whose GMV is not known (NaN: a spend
    channel the orders do not name); gap_to_break_even = ROAS − ``be_roas``. ``be_roas`` is
    ``inf`` when no ROAS breaks even (:func:`break_even_roas` refused: the discount depth is at or
    above the unit margin, every unit sells at a loss): every channel with spend is below.

    Parameters
    ----------
    channels : DataFrame
        Indexed by channel with ``gmv`` and ``spend`` (NaN or 0 where the channel has none).
    be_roas : float
        The break-even ROAS (:func:`break_even_roas`), positive; ``inf`` when none exists.

    Returns
    -------
    DataFrame
        ``gmv``, ``spend``, ``roas``, ``spend_ratio``, ``break_even_roas``, ``gap_to_break_even``
        and ``below_break_even`` (object: True / False / None), in the order of ``channels``.

    Raises
    ------
    ValueError
        Missing columns, or a break-even ROAS that is not a positive number (NaN, 0, below 0).
    """
    missing = [c for c in ("gmv", "spend") if c not in channels.columns]
    if missing:
        raise ValueError(f"channels lacks column(s) {missing}; it has {list(channels.columns)}")
    be = float(be_roas) if be_roas == math.inf else _money("be_roas", be_roas)
    if not be > 0:
        raise ValueError(f"the break-even ROAS must be positive, got {be_roas}")
    gmv = channels["gmv"].astype(float)
    spend = channels["spend"].astype(float)
    judged = (spend > 0) & (gmv >= 0)
    roas_ = (gmv / spend.where(spend > 0)).where(judged)
    below = pd.Series(
        [bool(r < be) if j else None for r, j in zip(roas_, judged, strict=True)],
        index=channels.index,
        dtype=object,
    )
    return pd.DataFrame(
        {
            "gmv": gmv,
            "spend": spend,
            "roas": roas_,
            "spend_ratio": (spend / gmv.where(gmv > 0)).where(judged),  # NaN at GMV 0
            "break_even_roas": be,
            "gap_to_break_even": roas_ - be,
            "below_break_even": below,
        },
        index=channels.index,
    )


def incremental_spend(total_cost: float, baseline_spend_per_day: float, days: float) -> float:
    """Campaign cost above the everyday run rate: S − baseline spend per day × campaign days.

    口径: the media the shop would have bought anyway (its baseline window's spend per day, over
    the campaign's days) is not a cost of the campaign; fees, coupons and fixed costs stay in.

    Parameters
    ----------
    total_cost : float
        S (:func:`campaign_cost`).
    baseline_spend_per_day : float
        Media spend per day in the baseline window (≥ 0).
    days : float
        Days of the campaign (> 0).

    Returns
    -------
    float
        The incremental cost; may be ≤ 0 when the campaign spent no more than usual.

    Raises
    ------
    ValueError
        Non-finite inputs, a negative run rate or non-positive days.
    """
    s, r, n = (
        _money("total_cost", total_cost),
        _money("baseline_spend_per_day", baseline_spend_per_day),
        _money("days", days),
    )
    if r < 0 or n <= 0:
        raise ValueError(f"need a run rate ≥ 0 and days > 0; got {baseline_spend_per_day}, {days}")
    return s - r * n


def discount_depth_buckets(skus: pd.DataFrame) -> pd.DataFrame:
    """Lift, IGP and subsidy leakage by discount-depth bucket (METHODS.md §1.4).

    口径: depth = 1 − p^promo/p^reg, rounded to 9 decimals (so 1 − 0.7 lands on 0.3, not above
    it), bucketed right-closed: 0–10% is [0, 10 %] (no discount included), 10–20% is (10 %, 20 %],
    20–30%, 30–50%, and >50% is (50 %, 100 %]. Per bucket: ``skus`` (count), ``units`` ΣQ,
    ``units_baseline`` ΣQ̂, ``lift`` = ΣQ/ΣQ̂ − 1 (pooled, so large SKUs weigh more; NaN when
    ΣQ̂ = 0), ``igp`` and ``subsidy_leakage`` as in :func:`igp_by_sku`, summed.

    Parameters
    ----------
    skus : DataFrame
        As in :func:`igp_by_sku`; ``price_promo`` must not exceed ``price_regular``.

    Returns
    -------
    DataFrame
        Five rows in depth order, empty buckets included (zeros, NaN lift), with the columns
        ``bucket``, ``skus``, ``units``, ``units_baseline``, ``lift``, ``igp``, ``subsidy_leakage``.

    Raises
    ------
    ValueError
        As in :func:`igp_by_sku`, or if a SKU's paid price exceeds its regular price (negative
        depth has no bucket; check the regular price or leave such SKUs out).
    """
    table = igp_by_sku(skus)
    depth = table["depth"].astype(float).round(9)
    up = depth < 0
    if up.any():
        raise ValueError(
            f"price_promo exceeds price_regular for rows {list(table.index[up][:5])}; "
            "fix the regular price or leave those SKUs out of the depth buckets"
        )
    bucket = pd.cut(
        depth, list(DEPTH_EDGES), labels=list(DEPTH_LABELS), right=True, include_lowest=True
    )
    grouped = (
        table.assign(bucket=bucket, skus=1)
        .groupby("bucket", observed=False)[
            ["skus", "units", "units_baseline", "igp", "subsidy_leakage"]
        ]
        .sum()
    )
    qhat = grouped["units_baseline"].astype(float)
    out = grouped.assign(lift=grouped["units"] / qhat.where(qhat > 0) - 1.0).reset_index()
    out = out.assign(bucket=out["bucket"].astype(str))
    return out[
        ["bucket", "skus", "units", "units_baseline", "lift", "igp", "subsidy_leakage"]
    ].astype(
        {
            "skus": "int64",
            "units": float,
            "units_baseline": float,
            "igp": float,
            "subsidy_leakage": float,
        }
    )


def promo_elasticity(skus: pd.DataFrame) -> dict[str, float]:
    """Promotional price elasticity β from ln(Q/Q̂) = β·ln(p^promo/p^reg) (METHODS.md §1.4).

    口径: OLS through the origin across SKUs, one SKU one observation (unweighted):
    β = Σxy/Σx² with x = ln(p^promo/p^reg), y = ln(Q/Q̂); se = √(RSS/(n − 1) / Σx²). SKUs with
    Q ≤ 0, Q̂ ≤ 0, p^promo = 0 or no price change (|x| < 1e-12) are left out and counted.
    β is a *constant* elasticity: a cut d implies a lift of (1 − d)^β − 1 (:func:`elasticity_lift`).
    Bijmolt et al.'s mean of −3.63 with "20 % off → ≈ +73 %" (METHODS.md §1.4) is the linear
    reading −3.63 × (−20 %); under this log-log model β = −3.63 implies 0.8^−3.63 − 1 ≈ +125 %.

    Parameters
    ----------
    skus : DataFrame
        As in :func:`igp_by_sku`; only ``units``, ``units_baseline`` and the two prices are used.

    Returns
    -------
    dict
        ``beta`` and ``se`` (float), ``n_used`` and ``n_excluded`` (int, SKUs fitted / left out).

    Raises
    ------
    ValueError
        As in :func:`igp_by_sku`, or if fewer than two SKUs are usable (no standard error).
    """
    x = _skus(skus)
    with np.errstate(divide="ignore"):
        lx = np.log(x.price_promo / x.price_regular)
    usable = (x.units > 0) & (x.units_baseline > 0) & (x.price_promo > 0) & (lx.abs() >= 1e-12)
    n = int(usable.sum())
    if n < 2:
        raise ValueError(
            f"promo_elasticity needs at least 2 SKUs with Q > 0, Q̂ > 0 and a price change; got {n}"
        )
    xs = lx[usable].to_numpy()
    ys = np.log(x.units[usable] / x.units_baseline[usable]).to_numpy()
    sxx = float(xs @ xs)
    beta = float(xs @ ys) / sxx
    rss = float(((ys - beta * xs) ** 2).sum())
    return {
        "beta": beta,
        "se": math.sqrt(rss / (n - 1) / sxx),
        "n_used": n,
        "n_excluded": len(x) - n,
    }


def elasticity_lift(beta: float, discount: float) -> float:
    """Unit lift implied by a constant elasticity β for a price cut d: (1 − d)^β − 1 (METHODS.md §1.4).

    Parameters
    ----------
    beta, discount : float
        Elasticity from :func:`promo_elasticity` (negative for normal goods); price cut d in [0, 1).

    Returns
    -------
    float
        Relative unit lift (0.5 = +50 %).

    Raises
    ------
    ValueError
        If ``beta`` is not finite or ``discount`` is outside [0, 1).
    """
    b, d = _money("beta", beta), _money("discount", discount)
    if not 0 <= d < 1:
        raise ValueError(f"discount must be in [0, 1), got {discount}")
    return float((1.0 - d) ** b - 1.0)

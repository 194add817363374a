"""The catalogue and the per-day model: expected order flows and expected / counterfactual GMV."""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import (
    _BASKET,
    _DEFAULT_LEVERS,
    _MIX_NEW,
    _MIX_RET,
    _MIX_VISIT,
    _PEAKS_LAST_YEAR,
    _PROMO_618,
    _PROMO_D11_LAST_YEAR,
    _QTY_P,
    _WEEKDAY,
    CONTROL,
    END,
    FAULT,
    P30,
    START,
    WINDOWS,
    Levers,
    _campaign_table,
    _i,
    _span,
    windows,
)


def _catalogue(rng: np.random.Generator, lv: Levers = _DEFAULT_LEVERS) -> dict[str, Any]:
    """SKUs with category, list price, unit cost, popularity and the planned stock-outs."""
    categories = lv.catalogue
    cats = np.concatenate([np.full(n, k) for k, (_, _, n, _) in enumerate(categories)])
    sku = np.concatenate(
        [
            np.strings.add(f"{code}-", np.strings.zfill(np.arange(1, n + 1).astype("U"), 3))
            for _, code, n, _ in categories
        ]
    )
    mean = np.array([c[3] for c in categories])[cats]
    price = np.maximum(np.round(mean * rng.lognormal(-0.06, 0.35, len(sku)) / 10) * 10 - 1, 9.0)
    cost = np.round(price * rng.uniform(*lv.cost_share, len(sku)), 2)
    weight = 1 / (rng.permutation(len(sku)) + 2.0) ** 0.8
    out = np.zeros((_i(str(END)) + 1, len(sku)), dtype=bool)  # day × SKU stock-out plan
    n_out = rng.integers(2, 4) if lv.stockout_skus is None else lv.stockout_skus
    shortest, longest = lv.stockout_days
    for s in rng.choice(np.argsort(-weight)[: lv.stockout_pool], size=n_out, replace=False):
        length = int(
            rng.integers(shortest, longest + 1)
        )  # planned; only a campaign with lift sells them out
        first = int(rng.integers(_i("2025-11-02"), _i("2025-11-10") - length + 2))
        out[first : first + length, s] = True
    names = np.array([c[0] for c in categories])[cats]
    return {
        "sku": sku,
        "category": names,
        "price": price,
        "cost": cost,
        "weight": weight / weight.sum(),
        "out": out,
    }


def _model(
    scenario: str, scale: float, cat: dict[str, Any], lv: Levers = _DEFAULT_LEVERS
) -> dict[str, Any]:
    """Per-day parameters, expected order flows and expected / counterfactual daily GMV."""
    dates = np.arange(START, END + 1)
    n, t = len(dates), np.arange(len(dates))
    phase = np.zeros(n, dtype=int)  # 0 other, 1 baseline, 2 preheat, 3 burst, 4 post, 5 dip
    for k, (a, b) in enumerate(WINDOWS.values(), start=1):
        phase[_span(a, b)] = k
    lam_cf = 115.0 * scale * 1.45 ** (t / 365) * _WEEKDAY[(dates.astype(np.int64) + 3) % 7]
    lam_cf[_span("2025-01-25", "2025-02-05")] *= 0.7  # Spring Festival: couriers stop
    base = {
        "mult": np.ones(n),
        "disc": np.full(n, 0.925),
        "tier": np.zeros(n, dtype=int),
        "nu": 0.38 + 0.55 * np.exp(-t / 75),
    }  # nu: expected share of first orders
    if lv.last_year_double11:  # last year's Double 11 is history too
        base = _apply(base, _PROMO_D11_LAST_YEAR)
    cf = _apply(base, _PROMO_618)  # 618 is history: part of the counterfactual too
    lam_base = lam_cf.copy()  # no promotion at all: the control line's demand
    lam_cf, peak = (
        lam_cf * cf["mult"],
        np.isin(t, [_i("2025-06-18"), *(_i(d) for d in _PEAKS_LAST_YEAR if lv.last_year_double11)]),
    )
    cancel_cf, lift, campaign = (
        np.full(n, 0.035),
        scenario != "no_lift",
        (phase >= 2) & (phase <= 4),
    )
    cancel, refund = cancel_cf, np.full(n, 0.04)
    d = {**cf, "mult": np.ones(n)}  # the campaign's days, multipliers relative to lam_cf
    if lift:
        d = _apply(d, _campaign_table(lv))
        rates = np.array(
            [[0.035, 0.035, 0.04, 0.05, 0.04, 0.035], [0.04, 0.04, 0.05, 0.08, 0.07, 0.05]]
        )
        if lv.after_sales != 1.0:
            rates[:, 3:] *= lv.after_sales  # burst, post, dip
        cancel, refund = rates[:, phase]
        peak = peak | np.isin(t, [_i("2025-11-01"), _i("2025-11-11")])
    lam = lam_cf * d["mult"]
    promo = (campaign & lift).astype(int)
    mix_new, mix_ret = _MIX_NEW[promo], _MIX_RET[promo]
    p30 = np.where(campaign & lift, P30["campaign"], P30["organic"])
    keep_new, keep_ret = np.ones(n), np.ones(n)  # share of orders the channel fault leaves
    fault = _i(FAULT["date"]) if scenario == "channel_fault" else None
    if fault is not None:
        drop = 1 - FAULT["conversion_multiplier"]
        keep_new[fault], keep_ret[fault] = (
            1 - drop * mix_new[fault, 0],
            1 - drop * mix_ret[fault, 0],
        )
    e_new, e_sec, e_gen = lam * d["nu"], np.zeros(n + 30), np.zeros(n)
    for k in range(n):  # 395 scalar steps: second orders of day k depend on earlier first orders
        if k < 31:  # nobody can be a ≥31-day returning customer yet
            e_new[k] = max(lam[k] - e_sec[k], 0.0)
        else:
            e_gen[k] = max(lam[k] - e_new[k] - e_sec[k], 0.0)
        e_sec[k + 1 : k + 30] += e_new[k] * keep_new[k] * p30[k] / 29
    total = np.maximum(lam, e_new + e_sec[:n])  # == lam unless first + second orders exceed it
    orders = total - (1 - keep_new) * e_new - (1 - keep_ret) * (total - e_new)
    w, price, out = cat["weight"], cat["price"], cat["out"] & lift
    pbar_cf = float(w @ price / w.sum())  # expected unit list price; stock-outs shift the mix
    pbar = np.where(out.any(axis=1), ((~out) * w) @ price / ((~out) @ w), pbar_cf)
    expected = orders * (1 - cancel) * _BASKET[d["tier"]] * pbar * d["disc"]
    counterfactual = lam_cf * (1 - cancel_cf) * _BASKET[cf["tier"]] * pbar_cf * cf["disc"]
    return {
        "dates": dates + lv.shift_days if lv.shift_days else dates,
        "windows": windows(lv.shift_days),
        "control": {"category": lv.control[0], "code": lv.control[1]},
        "conversion": lv.conversion,
        "campaign_spend": lv.campaign_spend,
        "phase": phase,
        "campaign": campaign,
        "peak": peak,
        "disc": d["disc"],
        "tier": d["tier"],
        "cancel": cancel,
        "refund": refund,
        "p30": p30,
        "fault": fault,
        "mix_new": mix_new,
        "mix_ret": mix_ret,
        "mix_visit": _MIX_VISIT[promo],
        "e_new": e_new,
        "e_gen": e_gen,
        "orders": orders,
        "orders_nofault": total,
        "expected": expected,
        "counterfactual": counterfactual,
        "new_expected": e_new * keep_new,
        "lift": lift,
        "out": out,
        "scale": scale,
        "control_expected": _control_expected(lam_base),
        "lam_base": lam_base,
    }


def _control_expected(lam_base: np.ndarray) -> np.ndarray:
    """Expected daily GMV of the control line: orders · (1 − cancel) · E[quantity] · E[price] · E[disc]."""
    w = np.array(CONTROL["weight"]) / sum(CONTROL["weight"])
    return (
        CONTROL["share"]
        * lam_base
        * (1 - CONTROL["cancel"])
        * float(_QTY_P[0] @ [1, 2, 3])
        * float(w @ CONTROL["price"])
        * float(np.mean(CONTROL["disc"]))
    )


def _apply(
    days: dict[str, np.ndarray], table: tuple[tuple[Any, ...], ...]
) -> dict[str, np.ndarray]:
    """A copy of the per-day parameters with a promotion table's rows written over them."""
    out = {k: v.copy() for k, v in days.items()}
    for a, b, mult, disc, tier, nu in table:
        s = _span(a, b)
        out["mult"][s] *= mult
        out["disc"][s], out["tier"][s] = disc, tier
        out["nu"][s] = nu if nu >= 0 else out["nu"][s] * -nu  # negative: relative to organic
    return out

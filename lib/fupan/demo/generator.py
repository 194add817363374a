"""Seeded demo campaign (演示数据): a Tmall beauty brand's Double 11 2025, with known effects.

:func:`generate_demo` writes a campaign folder as DESIGN.md specifies (``campaign.yaml``,
``orders.parquet``, ``events.parquet``, ``spend.csv``, ``inventory.csv``) plus ``truth.json``,
which records the effects the generator planted so that an analysis can be checked against them.
All randomness comes from ``numpy.random.default_rng(seed)`` (split into independent streams), so
the same arguments give byte-identical files.

The model for each day ``d`` of the history (2024-10-01 .. 2025-11-30):

- Expected orders ``λ_d = base · trend · weekday · holiday · campaign_d``. Each order is a first
  order (a new customer), a planned second order 1-29 days after a first one (probability ``p30``
  by cohort), or a repeat order by a customer acquired at least 31 days earlier (picked by repeat
  propensity). The three expected counts add up to ``λ_d``; realised counts are Poisson.
- Basket: 1-3 lines, quantity 1-3, SKU by popularity (a stocked-out SKU is replaced by another
  SKU), ``paid = list × discount_d``.
- Expected GMV (DESIGN.md 口径: paid_amount of orders not cancelled, before refunds) is
  ``E[orders_d] · (1 − cancel_d) · E[lines_d] · E[quantity_d] · E[unit price_d] · discount_d``.
  The counterfactual applies the same formula with the campaign switched off.
- A control line (:data:`CONTROL`, category 洗护) that no promotion touches: its orders follow the
  no-promotion demand ``λ_base`` alone, come from a pool of loyal customers acquired in the first
  weeks, and are drawn from a random stream of their own. The card declares it under
  ``controls``, so the report's difference-in-differences has a true answer (the campaign lift).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

GENERATOR_VERSION = "fupan.demo/1.2"
Scenario = Literal["standard", "no_lift", "channel_fault"]

START, END = np.datetime64("2024-10-01"), np.datetime64("2025-11-30")
WINDOWS = {
    "baseline": ("2025-09-15", "2025-10-14"),
    "preheat": ("2025-10-15", "2025-10-31"),
    "burst": ("2025-11-01", "2025-11-11"),
    "post": ("2025-11-12", "2025-11-15"),
    "dip": ("2025-11-16", "2025-11-30"),
}
CHANNELS = np.array(["live", "search_ads", "feed_ads", "kol", "private_domain", "organic"])
EVENTS = np.array(["visit", "view", "cart", "order", "pay"])
P30 = {"campaign": 0.12, "organic": 0.20}  # true 30-day repeat probability of new customers
AB_MULTIPLIER = 1.10  # variant B multiplies a visitor's probability of ordering
FAULT = {"date": "2025-11-05", "channel": "live", "conversion_multiplier": 0.1}
_CATEGORIES = (
    ("护肤", "SKN", 22, 420.0),
    ("彩妆", "MKP", 18, 220.0),
    ("香水", "FRG", 8, 620.0),
    ("个护", "PSC", 12, 110.0),
)
_WEEKDAY = np.array([0.95, 0.93, 0.95, 0.97, 1.02, 1.10, 1.08])  # Monday .. Sunday
_LINES_P = np.array([[0.70, 0.22, 0.08], [0.60, 0.28, 0.12], [0.45, 0.35, 0.20]])  # by tier
_QTY_P = np.array([[0.82, 0.13, 0.05], [0.72, 0.20, 0.08], [0.60, 0.28, 0.12]])
_BASKET = (_LINES_P @ [1, 2, 3]) * (_QTY_P @ [1, 2, 3])  # expected units per order, by tier
_HOURS = np.array(
    [
        [
            2.0,
            1.0,
            0.5,
            0.3,
            0.2,
            0.2,
            0.4,
            0.9,
            1.8,
            2.8,
            3.5,
            3.8,
            3.9,
            3.6,
            3.5,
            3.6,
            3.8,
            4.0,
            4.5,
            5.5,
            6.5,
            7.0,
            6.0,
            4.0,
        ],
        [
            26,
            6,
            2,
            1,
            0.5,
            0.5,
            0.5,
            1,
            2,
            3,
            3.5,
            3.8,
            3.9,
            3.6,
            3.5,
            3.6,
            3.8,
            4,
            5,
            7,
            20,
            9,
            7,
            5,
        ],
    ]
)  # normal day, peak day (midnight and 20:00 rushes)
# channel mix (order of CHANNELS) of orders by new / returning customers, normal / campaign days
_MIX_NEW = np.array([[0.20, 0.20, 0.15, 0.10, 0.03, 0.32], [0.38, 0.15, 0.15, 0.12, 0.02, 0.18]])
_MIX_RET = np.array([[0.12, 0.15, 0.05, 0.03, 0.25, 0.40], [0.25, 0.15, 0.07, 0.05, 0.25, 0.23]])
_MIX_VISIT = np.array([[0.15, 0.25, 0.20, 0.08, 0.07, 0.25], [0.28, 0.18, 0.20, 0.12, 0.06, 0.16]])
# promotions, rows of (first day, last day, order multiplier(s), discount, basket tier,
# new-customer share; a negative share multiplies the organic one)
_PROMO_618 = (
    ("2025-05-28", "2025-05-31", 1.3, 0.90, 1, -1.25),
    ("2025-06-01", "2025-06-03", 2.0, 0.85, 1, -1.25),
    ("2025-06-04", "2025-06-15", 1.2, 0.88, 1, -1.25),
    ("2025-06-16", "2025-06-17", 1.6, 0.85, 1, -1.25),
    ("2025-06-18", "2025-06-18", 3.5, 0.82, 1, -1.25),
)
_CAMPAIGN = (
    ("2025-10-15", "2025-10-15", 1.30, 0.88, 1, 0.55),  # presale launch day
    ("2025-10-16", "2025-10-31", 0.89, 0.90, 0, 0.46),  # deposit presale lull
    (
        "2025-11-01",
        "2025-11-11",
        np.array([5.5, 2.6, 2.1, 1.8, 1.8, 1.8, 1.8, 1.8, 1.8, 3.0, 8.5]),
        0.75,
        2,
        0.60,
    ),
    ("2025-11-01", "2025-11-01", 1.0, 0.72, 2, 0.66),
    ("2025-11-11", "2025-11-11", 1.0, 0.72, 2, 0.66),
    ("2025-11-12", "2025-11-15", np.array([1.5, 1.3, 1.2, 1.15]), 0.86, 1, 0.50),
    # the post-Double-11 trough: beauty buyers stocked up at the deposit presale and the
    # burst, so orders fall to 45 % of normal the day after 返场 and recover to 85 % by the
    # end of November — about a fifth of the campaign's lift is paid back (pull-forward)
    ("2025-11-16", "2025-11-30", np.linspace(0.45, 0.85, 15), 0.925, 0, -1.0),
)
# The control line (洗护, everyday hair & body care): not part of any promotion, bought by a pool of
# loyal customers acquired in the first weeks of the history; its orders follow the no-promotion
# demand λ_base (trend, weekday, Spring Festival) and nothing else — the DiD control series.
CONTROL = {
    "category": "洗护",
    "code": "HBC",
    "share": 1.0,
    "pool": 2500,
    "disc": (0.97, 1.0),
    "price": (59.0, 69.0, 79.0, 89.0, 99.0, 129.0),
    "weight": (0.25, 0.22, 0.18, 0.15, 0.12, 0.08),
    "channel": {"organic": 0.7, "private_domain": 0.3},
    "cancel": 0.035,
    "refund": 0.04,
}
_SPEND = {
    "live": (5200, 40, 0.04),
    "search_ads": (4200, 60, 0.05),
    "feed_ads": (3300, 25, 0.015),
    "kol": (2500, 80, 0.02),
    "private_domain": (700, 5, 0.10),
}  # daily CNY, CPM, CTR


@dataclass(frozen=True)
class Levers:
    """What a scenario preset (:mod:`fupan.demo.scenarios`) may change; the defaults are the demo
    shop, and with them :func:`generate_demo` writes exactly the files it always wrote.

    - ``catalogue``: (category, SKU code, number of SKUs, mean list price) per promoted category;
      ``control``: (category, SKU code) of the untouched control line (prices as in :data:`CONTROL`);
      ``cost_share``: unit cost as a share of list price, drawn uniformly in this range per SKU.
    - ``campaign_lift`` scales the campaign's order multipliers around 1 (m → 1 + k·(m − 1)) from
      preheat to post; ``discount_depth`` scales its discount off list (1 − d → k·(1 − d));
      ``dip``: the order multiplier on the first and last day of the after-campaign trough.
    - ``conversion``: visitor conversion on campaign days relative to the demo's (0.4 → 2.5 times
      the visitors per order); ``campaign_spend`` multiplies media spend from preheat to post.
    - ``stockout_skus`` hot SKUs (None: 2 or 3, drawn) among the ``stockout_pool`` best sellers sell
      out in the burst for ``stockout_days`` (shortest, longest) days each; ``after_sales``
      multiplies the cancel and refund rates of burst, post and dip days (late shipments).
    - ``shift_days`` moves every date written (−365: Double 11 2024; +31: Double 12 2025); the
      model itself is unchanged, so the weekday pattern moves with it.
    """

    catalogue: tuple[tuple[str, str, int, float], ...] = _CATEGORIES
    control: tuple[str, str] = (CONTROL["category"], CONTROL["code"])
    cost_share: tuple[float, float] = (0.30, 0.45)
    campaign_lift: float = 1.0
    discount_depth: float = 1.0
    dip: tuple[float, float] = (0.45, 0.85)
    conversion: float = 1.0
    campaign_spend: float = 1.0
    stockout_skus: int | None = None
    stockout_pool: int = 6
    stockout_days: tuple[int, int] = (1, 3)
    after_sales: float = 1.0
    shift_days: int = 0

    def shop(self) -> Levers:
        """Only what describes the shop (catalogue, control line, costs, dates): the plan's levers."""
        return Levers(
            catalogue=self.catalogue,
            control=self.control,
            cost_share=self.cost_share,
            shift_days=self.shift_days,
        )


def _shifted(date: str, days: int) -> str:
    return str(np.datetime64(date) + days) if days else date


def windows(shift_days: int = 0) -> dict[str, tuple[str, str]]:
    """The campaign windows, moved by ``shift_days`` (see :class:`Levers`)."""
    return {k: (_shifted(a, shift_days), _shifted(b, shift_days)) for k, (a, b) in WINDOWS.items()}


def _campaign_table(lv: Levers) -> tuple[tuple[Any, ...], ...]:
    """:data:`_CAMPAIGN` with the levers applied (the very same table with the defaults)."""
    if (lv.campaign_lift, lv.discount_depth, lv.dip) == (1.0, 1.0, (0.45, 0.85)):
        return _CAMPAIGN
    rows = []
    for a, b, mult, disc, tier, nu in _CAMPAIGN[:-1]:
        rows.append(
            (
                a,
                b,
                1 + lv.campaign_lift * (np.asarray(mult) - 1),
                1 - lv.discount_depth * (1 - disc),
                tier,
                nu,
            )
        )
    a, b, _, disc, tier, nu = _CAMPAIGN[-1]  # the dip row: its own lever, regular discount
    return (*rows, (a, b, np.linspace(*lv.dip, 15), disc, tier, nu))


def _i(date: str) -> int:
    return int((np.datetime64(date) - START).astype(int))


def _span(a: str, b: str) -> slice:
    return slice(_i(a), _i(b) + 1)


def _cum(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return np.cumsum(p / p.sum(axis=-1, keepdims=True), axis=-1)


def _draw(rng: np.random.Generator, cum_rows: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a matrix of cumulative probabilities."""
    u = rng.random(len(cum_rows))
    return np.minimum((u[:, None] >= cum_rows).sum(axis=1), cum_rows.shape[1] - 1)


def _catalogue(rng: np.random.Generator, lv: Levers = Levers()) -> dict[str, Any]:
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
    scenario: str, scale: float, cat: dict[str, Any], lv: Levers = Levers()
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
    cf = _apply(base, _PROMO_618)  # 618 is history: part of the counterfactual too
    lam_base = lam_cf.copy()  # no promotion at all: the control line's demand
    lam_cf, peak = lam_cf * cf["mult"], np.isin(t, _i("2025-06-18"))
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


def _control(
    rng: np.random.Generator, m: dict[str, Any], taken: np.ndarray, width: int
) -> dict[str, np.ndarray]:
    """The control line's orders (one line each), from its own random stream, so the promoted
    stream's draws do not depend on it. The first ``pool`` orders go to customers 0..pool−1 in
    turn (all acquired long before the baseline), later ones to any of them."""
    days = np.repeat(np.arange(len(m["dates"])), rng.poisson(CONTROL["share"] * m["lam_base"]))
    n, pool = len(days), max(1, round(CONTROL["pool"] * m["scale"]))
    cust = np.where(np.arange(n) < pool, np.arange(n), rng.integers(0, pool, n))
    numbers = rng.choice(
        10**width, size=3 * pool, replace=False
    )  # distinct, then unused by anyone else
    numbers = numbers[~np.isin(numbers, taken)][:pool]
    sku = _draw(rng, np.tile(_cum(np.array(CONTROL["weight"])), (n, 1)))
    qty = _draw(rng, np.tile(_cum(_QTY_P[0]), (n, 1))) + 1
    price = np.array(CONTROL["price"])[sku]
    paid = np.round(price * qty * rng.uniform(*CONTROL["disc"], n), 2)
    cancelled = rng.random(n) < CONTROL["cancel"]
    refunded = ~cancelled & (rng.random(n) < CONTROL["refund"])
    hour = _draw(rng, np.tile(_cum(_HOURS[0]), (n, 1)))
    sod = hour * 3600 + rng.integers(
        240, 3540, n
    )  # room for the funnel before and the payment after
    names = list(CONTROL["channel"])
    ch = np.array(names)[
        _draw(rng, np.tile(_cum(np.array(list(CONTROL["channel"].values()))), (n, 1)))
    ]
    order = np.lexsort((sod, days))
    days, cust, sku, qty, price, paid, cancelled, refunded, sod, ch = (
        a[order] for a in (days, cust, sku, qty, price, paid, cancelled, refunded, sod, ch)
    )
    seq = np.arange(n) - np.searchsorted(days, days)
    ymd = np.strings.replace(np.datetime_as_string(m["dates"]), "-", "")
    # Funnel events from the baseline on, as for the promoted lines: visit → view → cart → order
    # (→ pay) per order, plus the pool's visits that buy nothing (about 1 in 5 visits converts).
    # The coupon A/B test ran on the campaign pages only: no variant for this line.
    d0 = _i(WINDOWS["baseline"][0])
    buy = np.flatnonzero(days >= d0)
    lead = rng.integers(120, 240, buy.size)
    steps = np.stack(
        [
            sod[buy] - lead,
            sod[buy] - lead * 6 // 10,
            sod[buy] - lead * 3 // 10,
            sod[buy],
            sod[buy] + rng.integers(5, 60, buy.size),
        ]
    )
    present = np.vstack([np.ones((4, buy.size), bool), ~cancelled[buy][None]])
    b_day = np.repeat(
        np.arange(d0, len(m["dates"])), rng.poisson(4 * CONTROL["share"] * m["lam_base"][d0:])
    )
    nb = b_day.size
    b_user, b_sku = (
        rng.integers(0, pool, nb),
        _draw(rng, np.tile(_cum(np.array(CONTROL["weight"])), (nb, 1))),
    )
    b_ch = np.array(names)[
        _draw(rng, np.tile(_cum(np.array(list(CONTROL["channel"].values()))), (nb, 1)))
    ]
    b_sod = _draw(rng, np.tile(_cum(_HOURS[0]), (nb, 1))) * 3600 + rng.integers(0, 3000, nb)
    view = rng.random(nb) < 0.5
    cart = view & (rng.random(nb) < 0.4)
    b_steps = np.stack([b_sod, b_sod + 60, b_sod + 180])
    b_present = np.vstack([np.ones(nb, bool), view, cart])
    keep = np.concatenate([present.ravel(), b_present.ravel()])
    n_buy = buy.size
    ev = {
        "day": np.concatenate([np.tile(days[buy], 5), np.tile(b_day, 3)])[keep],
        "sod": np.concatenate([steps.ravel(), b_steps.ravel()])[keep],
        "user": np.concatenate([np.tile(cust[buy], 5), np.tile(b_user, 3)])[keep],
        "channel": np.concatenate([np.tile(ch[buy], 5), np.tile(b_ch, 3)])[keep],
        "sku": np.concatenate([np.tile(sku[buy], 5), np.tile(b_sku, 3)])[keep],
        "event": np.concatenate([np.repeat(np.arange(5), n_buy), np.repeat(np.arange(3), nb)])[
            keep
        ],
        "session": np.concatenate(
            [np.tile(np.arange(n_buy), 5), np.tile(n_buy + np.arange(nb), 3)]
        )[keep],
    }
    ev["user"] = _strings("u", numbers[ev["user"]], width)
    ev["sku"] = _strings(f"{m['control']['code']}-", ev["sku"] + 1, 3)
    return {
        "day": days,
        "sod": sod,
        "user_id": _strings("u", numbers[cust], width),
        "events": ev,
        "order_id": np.strings.add(
            np.strings.add("C", ymd[days]), np.strings.zfill((seq + 1).astype("U"), 5)
        ),
        "sku": _strings(f"{m['control']['code']}-", sku + 1, 3),
        "qty": qty,
        "list": price * qty,
        "paid": paid,
        "cost": np.round(price * 0.35, 2),
        "channel": ch,
        "status": np.where(cancelled, "cancelled", np.where(refunded, "refunded", "paid")),
        "refund": np.where(refunded, paid, 0.0),
    }


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


def _thin(
    rng: np.random.Generator, m: dict[str, Any], day: np.ndarray, ch: np.ndarray
) -> np.ndarray:
    """Mask of orders that survive the channel fault (all of them outside the fault day)."""
    hit = (day == m["fault"]) & (ch == 0)
    return ~(hit & (rng.random(len(day)) >= FAULT["conversion_multiplier"]))


def _orders(rng: np.random.Generator, m: dict[str, Any], cat: dict[str, Any]) -> dict[str, Any]:
    """Simulate customers, orders and order lines (vectorised over orders and lines)."""
    n_days = len(m["dates"])
    day = np.repeat(np.arange(n_days), rng.poisson(m["e_new"]))
    ch = _draw(rng, _cum(m["mix_new"])[day])
    keep = _thin(rng, m, day, ch)
    first_day, first_ch = day[keep], ch[keep]  # one customer per surviving first order
    n_cust = len(first_day)
    cohort_campaign = m["campaign"][first_day]
    propensity = rng.gamma(1.5, 1 / 1.5, n_cust) * np.where(cohort_campaign & m["lift"], 0.6, 1.0)
    second = first_day + rng.integers(1, 30, n_cust)
    has_second = (rng.random(n_cust) < m["p30"][first_day]) & (second < n_days)
    s_cust, s_day = np.flatnonzero(has_second), second[has_second]
    g_day = np.repeat(np.arange(n_days), rng.poisson(m["e_gen"]))
    eligible = np.searchsorted(first_day, g_day - 31, side="right")  # customers sorted by day
    g_day, eligible = g_day[eligible > 0], eligible[eligible > 0]
    cumw = np.cumsum(propensity)
    g_cust = np.searchsorted(cumw, rng.random(len(g_day)) * cumw[eligible - 1], side="right")
    g_cust = np.minimum(g_cust, eligible - 1)
    r_day, r_cust = np.concatenate([s_day, g_day]), np.concatenate([s_cust, g_cust])
    r_ch = _draw(rng, _cum(m["mix_ret"])[r_day])
    keep = _thin(rng, m, r_day, r_ch)
    day = np.concatenate([first_day, r_day[keep]])
    cust = np.concatenate([np.arange(n_cust), r_cust[keep]])
    ch = np.concatenate([first_ch, r_ch[keep]])
    n = len(day)
    cancelled = rng.random(n) < m["cancel"][day]
    refunded = ~cancelled & (rng.random(n) < m["refund"][day])
    hour = _draw(rng, _cum(_HOURS)[m["peak"][day].astype(int)])
    sod = hour * 3600 + rng.integers(np.where(hour == 0, 30, 0), 3600)  # leave room for events
    order = np.lexsort((rng.random(n), sod, day))
    day, cust, ch, cancelled, refunded, sod = (
        a[order] for a in (day, cust, ch, cancelled, refunded, sod)
    )
    seq = np.arange(n) - np.searchsorted(day, day)
    ymd = np.strings.replace(np.datetime_as_string(m["dates"]), "-", "")
    order_id = np.strings.add(
        np.strings.add("O", ymd[day]), np.strings.zfill((seq + 1).astype("U"), 5)
    )
    # lines: draw SKUs with replacement, redraw stocked-out ones, merge repeats of an SKU
    n_lines = _draw(rng, _cum(_LINES_P)[m["tier"][day]]) + 1
    lo, line_no = np.repeat(np.arange(n), n_lines), np.arange(n_lines.sum())
    line_no -= np.repeat(np.cumsum(n_lines) - n_lines, n_lines)
    cw = np.cumsum(cat["weight"])
    sku = np.minimum(np.searchsorted(cw, rng.random(len(lo)) * cw[-1]), len(cw) - 1)
    while (bad := np.flatnonzero(m["out"][day[lo], sku])).size:
        sku[bad] = np.minimum(np.searchsorted(cw, rng.random(bad.size) * cw[-1]), len(cw) - 1)
    qty = _draw(rng, _cum(_QTY_P)[m["tier"][day[lo]]]) + 1
    srt = np.lexsort((line_no, sku, lo))
    lo, sku, qty, line_no = lo[srt], sku[srt], qty[srt], line_no[srt]
    head = np.r_[True, (lo[1:] != lo[:-1]) | (sku[1:] != sku[:-1])]
    qty = np.add.reduceat(qty, np.flatnonzero(head))
    lo, sku, line_no = lo[head], sku[head], line_no[head]
    ld = day[lo]
    list_amount = cat["price"][sku] * qty
    paid = np.round(list_amount * (m["disc"][ld] + rng.uniform(-0.025, 0.025, len(lo))), 2)
    frac = np.where((rng.random(n) < 0.6)[lo], 1.0, rng.uniform(0.2, 0.9, len(lo)))  # full/partial
    refund = np.where(refunded[lo], np.maximum(np.round(paid * frac, 2), 0.01), 0.0)
    tsod = np.minimum(sod[lo] + np.where(line_no == 0, 0, rng.integers(0, 91, len(lo))), 86399)
    status = np.where(cancelled, "cancelled", np.where(refunded, "refunded", "paid"))
    lines = {
        "lo": lo,
        "day": ld,
        "sod": tsod,
        "sku": sku,
        "qty": qty,
        "list": list_amount,
        "paid": paid,
        "refund": refund,
        "line_no": line_no,
    }
    return {
        "day": day,
        "cust": cust,
        "ch": ch,
        "sod": sod,
        "cancelled": cancelled,
        "status": status,
        "order_id": order_id,
        "n_cust": n_cust,
        "lines": lines,
    }


def _events(
    rng: np.random.Generator,
    m: dict[str, Any],
    cat: dict[str, Any],
    o: dict[str, Any],
    n_users: int,
) -> dict[str, np.ndarray]:
    """Funnel events: a visit → view → cart → order (→ pay) chain per order, plus browsers."""
    d0, (ab0, ab1) = _i(WINDOWS["baseline"][0]), (_i(WINDOWS["preheat"][0]), _i(WINDOWS["post"][1]))
    buy = np.flatnonzero(o["day"] >= d0)
    b_day, b_sod, b_user, b_ch = o["day"][buy], o["sod"][buy], o["cust"][buy], o["ch"][buy]
    first_line = o["lines"]["line_no"] == 0
    b_sku = o["lines"]["sku"][first_line][buy]
    lead = np.minimum(rng.integers(60, 1801, len(buy)), b_sod - 3)
    pay_t = np.minimum(b_sod + rng.integers(5, 301, len(buy)), 86399)
    offsets = np.stack([b_sod - lead, b_sod - lead * 6 // 10, b_sod - lead * 3 // 10, b_sod, pay_t])
    present = np.vstack([np.ones((4, len(buy)), bool), ~o["cancelled"][buy][None]])
    dates = np.arange(d0, len(m["dates"]))
    crs = (
        np.array([0.03, 0.03, 0.022, 0.05, 0.035, 0.028])[m["phase"][dates]] if m["lift"] else 0.03
    )
    crs = np.where(m["peak"][dates] & m["lift"], 0.08, crs)
    if m["conversion"] != 1.0:
        crs = crs * np.where(m["campaign"][dates], m["conversion"], 1.0)
    n_vis = rng.poisson(np.maximum(m["orders_nofault"][dates] / crs - m["orders"][dates], 0))
    v_day = np.repeat(dates, n_vis)
    v_user = rng.integers(0, n_users, len(v_day))
    v_ch = _draw(rng, _cum(m["mix_visit"])[v_day])
    hour = _draw(rng, _cum(_HOURS)[m["peak"][v_day].astype(int)])
    v_sod = hour * 3600 + rng.integers(0, 3600, len(v_day))
    cw = np.cumsum(cat["weight"])
    v_sku = np.minimum(np.searchsorted(cw, rng.random(len(v_day)) * cw[-1]), len(cw) - 1)
    view = rng.random(len(v_day)) < 0.55
    cart = view & (rng.random(len(v_day)) < 0.35)
    t_view = np.minimum(v_sod + rng.integers(5, 301, len(v_day)), 86399)
    t_cart = np.minimum(t_view + rng.integers(5, 601, len(v_day)), 86399)
    nb, nv = len(buy), len(v_day)
    sess = np.concatenate([np.tile(np.arange(nb), 5), np.tile(np.arange(nb, nb + nv), 3)])
    step = np.concatenate([np.repeat(np.arange(5), nb), np.repeat(np.arange(3), nv)])
    keep = np.concatenate([present.ravel(), np.ones(nv, bool), view, cart])
    user = np.concatenate([np.tile(b_user, 5), np.tile(v_user, 3)])[keep]
    ev_day = np.concatenate([np.tile(b_day, 5), np.tile(v_day, 3)])[keep]
    sod = np.concatenate([offsets.ravel(), v_sod, t_view, t_cart])[keep]
    ch = np.concatenate([np.tile(b_ch, 5), np.tile(v_ch, 3)])[keep]
    sku = np.concatenate([np.full(nb, -1), np.tile(b_sku, 4), np.full(nv, -1), v_sku, v_sku])[keep]
    sess, step = sess[keep], step[keep]
    # A/B: users who order in the test window are B with odds AB_MULTIPLIER : 1; the other
    # visitors in the window get the B-probability that keeps the overall split at 50/50
    in_ab = (ev_day >= ab0) & (ev_day <= ab1)
    buyers = np.unique(o["cust"][(o["day"] >= ab0) & (o["day"] <= ab1)])
    browsers = np.setdiff1d(np.unique(user[in_ab]), buyers)
    p_b, tilt = np.full(n_users, 0.5), AB_MULTIPLIER / (1 + AB_MULTIPLIER)
    p_b[buyers] = tilt
    p_b[browsers] = np.clip(
        (0.5 * (buyers.size + browsers.size) - tilt * buyers.size) / max(browsers.size, 1), 0, 1
    )
    is_b = rng.random(n_users) < p_b
    order = np.lexsort((step, sess, sod, ev_day))
    _, first = np.unique(sess[order], return_index=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))  # sessions numbered by first appearance
    return {
        "user": user[order],
        "day": ev_day[order],
        "sod": sod[order],
        "event": step[order],
        "ch": ch[order],
        "sku": sku[order],
        "session": rank[sess[order]],
        "variant": np.where(is_b[user[order]], 1, 0),
        "in_ab": in_ab[order],
    }


def _spend(rng: np.random.Generator, m: dict[str, Any]) -> pd.DataFrame:
    """Daily spend by paid channel: ramps up in preheat, peaks on 11-01 and 11-11."""
    d0, n_days = _i(WINDOWS["baseline"][0]), len(m["dates"])
    ph = m["phase"][d0:]
    ramp = np.array([1.0, 1.0, 0, 3.5, 2.0, 0.9])[ph]
    ramp[ph == 2] = np.linspace(1.6, 2.6, int((ph == 2).sum()))
    for date, level in (
        ("2025-10-15", 3.0),
        ("2025-11-01", 8.0),
        ("2025-11-10", 5.0),
        ("2025-11-11", 10.0),
    ):
        ramp[_i(date) - d0] = level
    ramp[ph == 4] = np.linspace(2.0, 1.5, int((ph == 4).sum()))
    if m["campaign_spend"] != 1.0:
        ramp[(ph >= 2) & (ph <= 4)] *= m["campaign_spend"]
    rows = []
    scale = m["scale"]
    for name, (daily, cpm, ctr) in _SPEND.items():
        spend = np.round(daily * scale * ramp * rng.lognormal(0, 0.08, ramp.size), 2)
        impressions = np.round(spend / cpm * 1000 * rng.lognormal(0, 0.05, ramp.size)).astype(int)
        clicks = rng.binomial(impressions, ctr)
        rows.append(
            pd.DataFrame(
                {
                    "date": np.datetime_as_string(m["dates"][d0:n_days]),
                    "channel": name,
                    "spend": spend,
                    "impressions": impressions,
                    "clicks": clicks,
                }
            )
        )
    return pd.concat(rows).sort_values(["date", "channel"], kind="stable", ignore_index=True)


def _inventory(m: dict[str, Any], cat: dict[str, Any], o: dict[str, Any]) -> pd.DataFrame:
    """Start-of-day stock per SKU: reorder-point policy; hot SKUs sell out on the planned days.

    The stock of a hot SKU is frozen from 10-01; its presale delivery on 10-15 is exactly what
    sells before its first stock-out day, so the stock reaches 0 by itself, and a restock
    arrives the day after its last stock-out day. A SKU short of what sold gets an expedited
    delivery that day, so ``on_hand`` always covers the units sold.
    """
    d0, lead = _i(WINDOWS["baseline"][0]), 5
    n, n_sku, li = len(m["dates"]) - d0, len(cat["sku"]), o["lines"]
    ok = ~o["cancelled"][li["lo"]] & (li["day"] >= d0)
    sold = np.zeros((n, n_sku), dtype=np.int64)
    np.add.at(sold, (li["day"][ok] - d0, li["sku"][ok]), li["qty"][ok])
    exp = np.outer(m["orders"][d0:] * _BASKET[m["tier"][d0:]], cat["weight"])
    exp = np.vstack([np.zeros((1, n_sku)), exp, np.repeat(exp[-1:], 40, axis=0)])
    c_exp, c_sold = (
        np.cumsum(exp, axis=0),
        np.vstack([np.zeros((1, n_sku), np.int64), np.cumsum(sold, axis=0)]),
    )
    out, cols = m["out"][d0:], np.arange(n_sku)
    hot = out.any(axis=0)
    first_out = np.where(hot, out.argmax(axis=0), n)
    last_out = np.where(hot, n - 1 - out[::-1].argmax(axis=0), -1)
    frozen_from, presale = _i("2025-10-01") - d0, _i("2025-10-15") - d0
    cover = np.where(hot, 7, 14) + lead  # days of demand a reorder aims to cover
    arr = np.zeros((n + lead + 1, n_sku), dtype=np.int64)
    on_hand, on_order = np.zeros_like(sold), np.zeros_like(sold)
    carry = np.ceil(c_exp[21]).astype(np.int64)
    for t in range(n):  # one step per day, vectorised over SKUs
        if t == presale:
            arr[t] += np.where(
                hot, np.maximum(c_sold[first_out, cols] - c_sold[t] - carry - arr[t], 0), 0
            )
        short = np.maximum(np.maximum(sold[t], 1) - carry - arr[t], 0)
        arr[t] += np.where(out[t] | (hot & (t >= presale) & (t < first_out)), 0, short)  # expedite
        on_hand[t] = np.where(out[t], 0, carry + arr[t])
        arr[t + 1] += np.where(out[t], arr[t], 0)  # deliveries wait until the stock-out ends
        end = on_hand[t] - sold[t]
        pending = arr[t + 1 : t + lead + 1].sum(axis=0)
        hold = hot & (t >= frozen_from) & (t <= last_out)
        reorder = (end + pending < np.maximum(c_exp[t + lead + 8] - c_exp[t + 1], 6)) & ~hold
        want = c_exp[t + 1 + cover, cols] - c_exp[t + 1] - end - pending
        arr[t + lead] += np.where(reorder, np.ceil(np.maximum(want, 0) / 12) * 12, 0).astype(int)
        restock = hot & (t == last_out)
        arr[t + 1] += np.where(restock, np.ceil(c_exp[t + 15] - c_exp[t + 1]), 0).astype(int)
        on_order[t] = arr[t + 1 : t + lead + 1].sum(axis=0)
        carry = end
    return pd.DataFrame(
        {
            "date": np.repeat(np.datetime_as_string(m["dates"][d0:]), n_sku),
            "sku": np.tile(cat["sku"], n),
            "on_hand": on_hand.ravel(),
            "on_order": on_order.ravel(),
        }
    )


def _nice(x: float, digits: int, rounding: Any = np.round) -> float:
    """``x`` rounded (or floored with ``rounding=np.floor``) to ``digits`` significant digits."""
    if not x:
        return 0.0
    exponent = int(np.floor(np.log10(abs(x)))) - digits + 1
    return round(float(rounding(x / 10.0**exponent) * 10.0**exponent), max(0, -exponent))


SHOP = "花漾美妆天猫旗舰店"  # fictional; masked in --share-safe reports

# the operator's text on the card (YAML)
_NARRATIVE = """
background:
  market: 2025年双十一周期拉长至一个多月，美妆类目增速放缓，平台流量持续向直播与内容渠道倾斜。
  competition: 国际大牌在头部直播间以大额满赠抢占心智，国货竞品主打高性价比套装，价格竞争激烈。
  team: 花漾美妆天猫旗舰店运营6人，自播团队4人并合作10余位达人；广告投放由代理商执行、品牌方审核。
  product: 主推修护精华与防晒两款明星单品，新品香水礼盒首次参加大促。
  open_actions: [618复盘遗留：爆款库存预警机制尚未上线, 618复盘遗留：新客首单后30天复购偏低，会员承接路径待设计]
mechanics: [预售定金, 跨店满减, 直播秒杀]
hypotheses:
  - {id: H1, text: 直播间新客占比超过40%, kpi: live_new_customer_share, op: ">=", value: 0.40}
  - {id: H2, text: 爆发期转化率高于基线的1.5倍, kpi: cr_index, op: ">=", value: 150, window: burst}
  - {id: H3, text: 客单价不低于基线, kpi: aov_index, op: ">=", value: 100}
retrospective:
  went_well: [直播间拉新效果超预期，新客数超额完成目标, 11月11日零点与20点两波流量高峰承接顺畅，未出现系统故障]
  to_improve: [爆发期多个爆款断货，损失了高峰时段的销售, 定金预售期间日销明显低于平日，GMV未达成目标, 11月下旬日销明显回落：囤货透支了之后两周的需求]
  actions:
    - {what: 上线爆款库存预警与自动补货规则, owner: 供应链负责人, due: 2025-12-15}
    - {what: 设计大促新客30天复购承接方案（会员券+私域触达）, owner: 用户运营负责人, due: 2025-12-15}
"""


def _card(m: dict[str, Any], spend: pd.DataFrame) -> dict[str, Any]:
    """The case card. Targets come from the *standard* scenario's expectations, so all scenarios
    of one (seed, scale) share a card: the GMV target is ≈ 7.5 % above and the new-customer
    target ≈ 10 % below what the campaign is expected to deliver; the ROAS target is met."""
    camp, text = m["campaign"], yaml.safe_load(_NARRATIVE)
    gmv = float((m["expected"] + m["control_expected"])[camp].sum())
    new = float(m["new_expected"][camp].sum())
    win = m["windows"]
    sp = spend[spend["date"].between(win["preheat"][0], win["post"][1])]
    by_channel = sp.groupby("channel")["spend"].sum()
    targets = {
        "gmv": _nice(gmv / 0.925, 3),
        "new_customers": int(_nice(0.9 * new, 2, np.floor)),
        "roas": _nice(gmv / sp["spend"].sum(), 2, np.floor),
    }
    return {
        "id": "2025-d11-beauty",
        "name": "双十一美妆大促 2025",
        "shop": SHOP,
        "platform": "tmall",
        "category": "beauty",
        "currency": "CNY",
        "timezone": "Asia/Shanghai",
        "windows": {
            k: [dt.date.fromisoformat(a), dt.date.fromisoformat(b)] for k, (a, b) in win.items()
        },
        "background": text["background"],
        "strategy": {
            "targets": targets,
            "budget": {k: _nice(float(by_channel[k]), 3) for k in _SPEND},
            "mechanics": text["mechanics"],
            "hypotheses": text["hypotheses"],
        },
        "retrospective": text["retrospective"],
        "tables": {
            "orders": "orders.parquet",
            "events": "events.parquet",
            "spend": "spend.csv",
            "inventory": "inventory.csv",
        },
        "duplicate_lines": "keep",
        # 平台佣金 5% + 支付手续费 0.6% + 物流履约约 2.4% of the regular price
        "costs": {"variable_cost_rate": 0.08},
        "controls": {"categories": [m["control"]["category"]]},
    }


def _truth(
    m: dict[str, Any], cat: dict[str, Any], seed: int, scale: float, scenario: str
) -> dict[str, Any]:
    """The planted effects; daily series are rounded first and every total is their sum."""
    d0 = _i(WINDOWS["baseline"][0])
    keys = np.datetime_as_string(m["dates"][d0:]).tolist()
    ctrl = m["control_expected"][d0:]
    cf, ex = np.round(m["counterfactual"][d0:] + ctrl, 2), np.round(m["expected"][d0:] + ctrl, 2)
    ph, diff = m["phase"][d0:], ex - cf
    inc = {
        k: round(float(diff[ph == j].sum()), 2)
        for j, k in enumerate(WINDOWS, start=1)
        if k != "baseline"
    }
    inc["total"] = round(float(diff[ph >= 2].sum()), 2)
    lift_in = inc["preheat"] + inc["burst"] + inc["post"]
    out = m["out"][d0:]
    truth: dict[str, Any] = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "scale": scale,
        "scenario": scenario,
        "windows": {k: list(v) for k, v in m["windows"].items()},
        "counterfactual_daily_gmv": dict(zip(keys, cf.tolist(), strict=True)),
        "expected_daily_gmv": dict(zip(keys, ex.tolist(), strict=True)),
        "incremental_gmv": inc,
        "pull_forward_share": round(-inc["dip"] / lift_in, 4) if m["lift"] else None,
        "new_customer_repeat": {
            "campaign": {"p30": float(P30["campaign"] if m["lift"] else P30["organic"])},
            "organic": {"p30": P30["organic"]},
        },
        "ab_test": {
            "start": m["windows"]["preheat"][0],
            "end": m["windows"]["post"][1],
            "scope": f"campaign pages; the {m['control']['category']} control line is not in the test",
            "true_relative_lift_in_order_probability": round(AB_MULTIPLIER - 1, 6),
            "assignment": 0.5,
        },
        "control": {
            "category": m["control"]["category"],
            "incremental_gmv": 0.0,
            "expected_daily_gmv": dict(zip(keys, np.round(ctrl, 2).tolist(), strict=True)),
        },
        "stockouts": [
            {"sku": str(cat["sku"][s]), "dates": [keys[d] for d in np.flatnonzero(out[:, s])]}
            for s in np.flatnonzero(out.any(axis=0))
        ],
        "notes": (
            "Expected values are means of the generating process, not realisations. GMV as "
            "DESIGN.md defines it: paid_amount of order lines of orders not cancelled, before "
            "refunds, dated by order_time. counterfactual = the same process without the "
            "campaign; incremental_gmv = sum of expected - counterfactual per window, total "
            "over preheat..dip; pull_forward_share = -dip / (preheat + burst + post), "
            "METHODS.md 1.1. p30 = probability of another order within 30 days of the first; "
            "campaign cohort = first order in preheat..post. A/B: among users visiting in "
            "the window half are B, and B users are (1 + lift) times as likely to order. "
            "The daily series include the control line (category in control), which no "
            "promotion touches: its expected GMV is the same in both worlds."
        ),
    }
    if scenario == "channel_fault":
        truth["fault"] = {**FAULT, "date": str(m["dates"][_i(FAULT["date"])])}
    return truth


def _strings(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    return np.strings.add(prefix, np.strings.zfill(numbers.astype("U"), width))


def _write_tables(
    out: Path,
    m: dict[str, Any],
    cat: dict[str, Any],
    o: dict[str, Any],
    ev: dict[str, np.ndarray],
    user_ids: np.ndarray,
    c: dict[str, np.ndarray],
) -> None:
    """orders.parquet (promoted lines and the control line ``c``, in time order) and
    events.parquet, with the types of the DESIGN.md contract."""
    day_s = m["dates"].astype("datetime64[s]").astype(np.int64)
    li = o["lines"]
    lo, sku = li["lo"], li["sku"]
    cols = {
        "order_id": np.concatenate([o["order_id"][lo], c["order_id"]]),
        "user_id": np.concatenate([user_ids[o["cust"][lo]], c["user_id"]]),
        "t_us": np.concatenate([day_s[li["day"]] + li["sod"], day_s[c["day"]] + c["sod"]])
        * 1_000_000,
        "paid_amount": np.concatenate([li["paid"], c["paid"]]),
        "sku": np.concatenate([cat["sku"][sku], c["sku"]]),
        "category": np.concatenate(
            [cat["category"][sku], np.full(len(c["sku"]), m["control"]["category"])]
        ),
        "quantity": np.concatenate([li["qty"], c["qty"]]).astype(np.int64),
        "list_amount": np.concatenate([li["list"], c["list"]]).astype(float),
        "channel": np.concatenate([CHANNELS[o["ch"][lo]], c["channel"]]),
        "status": np.concatenate([o["status"][lo], c["status"]]),
        "refund_amount": np.concatenate([li["refund"], c["refund"]]),
        "unit_cost": np.concatenate([cat["cost"][sku], c["cost"]]),
    }
    # time, then order id (within a day they are numbered in time order), then line
    line = np.concatenate([li["line_no"], np.zeros(len(c["order_id"]), dtype=li["line_no"].dtype)])
    r = np.lexsort((line, cols["order_id"], cols["t_us"]))
    cols = {k: v[r] for k, v in cols.items()}
    cols["order_time"] = pa.array(cols.pop("t_us").astype("datetime64[us]"))
    names = [
        "order_id",
        "user_id",
        "order_time",
        "paid_amount",
        "sku",
        "category",
        "quantity",
        "list_amount",
        "channel",
        "status",
        "refund_amount",
        "unit_cost",
    ]
    orders = pa.table({k: cols[k] for k in names})
    pq.write_table(orders, out / "orders.parquet", compression="zstd")
    ce = c["events"]  # sessions numbered after the promoted ones
    n_c = len(ce["user"])
    t_us = np.concatenate([day_s[ev["day"]] + ev["sod"], day_s[ce["day"]] + ce["sod"]]) * 1_000_000
    session = np.concatenate([ev["session"], ev["session"].max() + 1 + ce["session"]])
    step = np.concatenate([ev["event"], ce["event"]])
    sku = np.concatenate([cat["sku"][np.maximum(ev["sku"], 0)], ce["sku"]])
    r = np.lexsort((step, session, t_us))
    events = pa.table(
        {
            "user_id": np.concatenate([user_ids[ev["user"]], ce["user"]])[r],
            "event_time": pa.array(t_us[r].astype("datetime64[us]")),
            "event": EVENTS[step[r]],
            "channel": np.concatenate([CHANNELS[ev["ch"]], ce["channel"]])[r],
            "sku": pa.array(sku[r], mask=(np.concatenate([ev["sku"] < 0, ce["event"] == 0]))[r]),
            "session_id": _strings("S", session[r], 8),
            "variant": pa.array(
                np.concatenate([np.array(["A", "B"])[ev["variant"]], np.full(n_c, "A")])[r],
                mask=~np.concatenate([ev["in_ab"], np.zeros(n_c, bool)])[r],
            ),
        }
    )
    pq.write_table(events, out / "events.parquet", compression="zstd")


def generate_demo(
    out_dir: Path,
    *,
    seed: int = 20251111,
    scale: float = 3.0,
    scenario: Scenario = "standard",
    levers: Levers | None = None,
) -> Path:
    """Write a seeded demo campaign folder (Tmall beauty brand, Double 11 2025).

    Parameters
    ----------
    out_dir : folder to write into; created if missing, existing files of the same names are
        overwritten.
    seed : seed of ``numpy.random.default_rng``; the same arguments give byte-identical files.
    scale : multiplies customers, orders, visitors and spend (1.0 ≈ 30,000 customers; user ids
        are "u" + 6 digits up to scale ≈ 2.5, wider beyond). The demo shop is 3.0: about 500
        promoted orders a normal day, 4,000 on 11.11 — big enough that the 15-day pull-forward
        dip stands out of the daily noise (bench/bench_lift_recovery.py measures how well).
    scenario : ``"standard"``; ``"no_lift"`` (the campaign changes nothing: expected equals
        counterfactual GMV every day); ``"channel_fault"`` (standard, but on 2025-11-05 the live
        channel converts at 10 % of normal).
    levers : what a scenario preset changes (another catalogue, a price war, a warehouse that
        cannot keep up, …; see :class:`Levers` and :mod:`fupan.demo.scenarios`). None or the
        defaults: the demo shop. The card's targets are always the plan of the *standard*
        campaign of the same shop (:meth:`Levers.shop`), so a preset's failure misses them.

    Returns
    -------
    Path
        ``out_dir``, now holding campaign.yaml, orders.parquet, events.parquet, spend.csv,
        inventory.csv and truth.json (the planted effects).

    Raises
    ------
    ValueError
        If ``scenario`` is unknown or ``scale`` is not a positive finite number.
    """
    if scenario not in ("standard", "no_lift", "channel_fault"):
        raise ValueError(f"unknown scenario {scenario!r}; use standard, no_lift or channel_fault")
    if not (np.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number, got {scale!r}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    r_cat, r_ord, r_ev, r_spend, r_id = np.random.default_rng(seed).spawn(5)
    lv = levers or Levers()
    cat = _catalogue(r_cat, lv)
    m = _model(scenario, scale, cat, lv)
    o = _orders(r_ord, m, cat)
    n_users = o["n_cust"] + round(150_000 * scale)  # customers, then browsers who never buy
    width = max(6, len(str(2 * n_users)))  # "u" + 6 digits up to scale ≈ 2.5
    numbers = r_id.choice(10**width, size=n_users, replace=False)
    user_ids = _strings("u", numbers, width)
    ev = _events(r_ev, m, cat, o, n_users)
    control = _control(np.random.default_rng([seed, 7]), m, numbers, width)
    spend = _spend(r_spend, m)
    plan = lv.shop()
    standard = m if scenario == "standard" and lv == plan else _model("standard", scale, cat, plan)
    with open(out / "campaign.yaml", "w", encoding="utf-8", newline="\n") as f:
        yaml.safe_dump(
            _card(standard, spend),
            f,
            allow_unicode=True,
            sort_keys=False,
            default_flow_style=None,
            width=100,
        )
    _write_tables(out, m, cat, o, ev, user_ids, control)
    spend.to_csv(out / "spend.csv", index=False, lineterminator="\n", float_format="%.2f")
    _inventory(m, cat, o).to_csv(out / "inventory.csv", index=False, lineterminator="\n")
    text = json.dumps(
        _truth(m, cat, seed, scale, scenario), ensure_ascii=False, sort_keys=True, indent=2
    )
    (out / "truth.json").write_text(text + "\n", encoding="utf-8")
    return out

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

import json
from pathlib import Path

import numpy as np
import yaml

from .base import (
    AB_MULTIPLIER,
    CHANNELS,
    CONTROL,
    END,
    EVENTS,
    FAULT,
    GENERATOR_VERSION,
    P30,
    START,
    WINDOWS,
    Levers,
    Scenario,
    _strings,
    windows,
)
from .card import SHOP, _card, _truth
from .control import _control
from .model import _catalogue, _model
from .ops import plant_ops
from .orders import _events, _orders
from .tables import _inventory, _spend, _write_tables

__all__ = [
    "AB_MULTIPLIER",
    "CHANNELS",
    "CONTROL",
    "END",
    "EVENTS",
    "FAULT",
    "GENERATOR_VERSION",
    "P30",
    "SHOP",
    "START",
    "WINDOWS",
    "Levers",
    "Scenario",
    "generate_demo",
    "windows",
]


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
    _write_tables(out, m, cat, o, ev, user_ids, control)
    card = _card(standard, spend)
    spend.to_csv(out / "spend.csv", index=False, lineterminator="\n", float_format="%.2f")
    _inventory(m, cat, o).to_csv(out / "inventory.csv", index=False, lineterminator="\n")
    truth = _truth(m, cat, seed, scale, scenario)
    if lv == Levers():  # the demo shop: presale, live sessions, products, ads, coupons, plan
        ops = plant_ops(out, seed, m, cat, standard)
        card["tables"].update(ops["card"]["tables"])
        card["costs"].update(ops["card"]["costs"])
        card["strategy"]["hero_skus"] = ops["card"]["hero_skus"]
        card["gmv_date"] = ops["card"]["gmv_date"]
        card["presale"] = ops["card"]["presale"]
        card["next_campaign"] = ops["card"]["next_campaign"]
        truth["ops"] = ops["truth"]
    with open(out / "campaign.yaml", "w", encoding="utf-8", newline="\n") as f:
        yaml.safe_dump(
            card, f, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100
        )
    text = json.dumps(truth, ensure_ascii=False, sort_keys=True, indent=2)
    (out / "truth.json").write_text(text + "\n", encoding="utf-8")
    return out

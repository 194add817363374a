"""The control line (洗护): orders and funnel events from a random stream of its own."""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import _HOURS, _QTY_P, CONTROL, WINDOWS, _cum, _draw, _i, _strings


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

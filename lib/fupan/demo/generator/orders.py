"""Customers, orders, order lines and funnel events of the promoted lines."""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import _HOURS, _LINES_P, _QTY_P, AB_MULTIPLIER, FAULT, WINDOWS, _cum, _draw, _i


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

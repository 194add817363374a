"""活动损益表: the campaign's contribution P&L, one line per cost with its source and assumption.

口径 (every amount in the card's currency, over the campaign window preheat..post, orders dated by
order time, spend by its date, live sessions by their start):

=====================  ====  ========================================================================
line                   sign  amount
=====================  ====  ========================================================================
gmv                    (+)   Σ paid_amount of order lines not cancelled (支付金额, before refunds)
refunds                −     Σ refund_amount of those lines
net_sales              =     gmv − refunds
platform_subsidy       (+)   Σ platform_discount: platform-funded discounts, settled to the shop
cogs                   −     Σ unit_cost · quantity · (1 − refund_amount / paid_amount) of the
                             lines that are not gifts — refunded goods are taken as returned
payment_fees           −     payment_fee_rate · gmv (a fee on every payment, kept on refunds)
platform_fees          −     commission_rate · net_sales + the card's ``fees``
logistics              −     logistics_per_order · orders shipped (not cancelled)
ads                    −     Σ spend
coupons_gifts          −     Σ cost of the coupons table (what coupons cost beyond the discount
                             already out of paid_amount; else the card's ``coupons``) + Σ
                             unit_cost · quantity of gift lines
kol                    −     Σ over KOL sessions of slot_fee + commission_rate · settled GMV
                             (GMV − refunds of the orders with the session's id)
contribution           =     the sum of every line above but the subtotal net_sales
=====================  ====  ========================================================================

Every line is rounded to the cent first and ``contribution`` is the sum of the rounded lines, so
the statement adds up exactly. A line whose input was not given (no rate on the card, no live
sessions) is ``None`` — never 0 — and the contribution is then *before* that line
(:attr:`PnlStatement.missing` names them).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

__all__ = ["LINES", "PnlInputs", "PnlLine", "PnlStatement", "coupon_funnel", "pnl_statement"]

#: the statement's lines in order, with their sign (+1 income, −1 cost, 0 subtotal)
LINES: tuple[tuple[str, int], ...] = (
    ("gmv", 1),
    ("refunds", -1),
    ("net_sales", 0),
    ("platform_subsidy", 1),
    ("cogs", -1),
    ("payment_fees", -1),
    ("platform_fees", -1),
    ("logistics", -1),
    ("ads", -1),
    ("coupons_gifts", -1),
    ("kol", -1),
    ("contribution", 0),
)


@dataclass(frozen=True)
class PnlInputs:
    """The sums the statement is made of (``None``: not measured / not stated).

    ``gift_cogs`` is the cost of gift lines; ``coupon_cost`` the coupons' cost beyond the discount
    in paid_amount; ``kol_cost`` slot fees plus commissions of the KOL sessions.
    """

    gmv: float
    refunds: float
    cogs: float | None
    shipped_orders: int
    platform_subsidy: float | None = None
    commission_rate: float | None = None
    payment_fee_rate: float | None = None
    fees: float = 0.0
    logistics_per_order: float | None = None
    ads: float | None = None
    coupon_cost: float | None = None
    gift_cogs: float | None = None
    kol_cost: float | None = None


@dataclass(frozen=True)
class PnlLine:
    """One line: its key, signed amount (costs negative; None when not measured)."""

    key: str
    amount: float | None


@dataclass(frozen=True)
class PnlStatement:
    """The lines in order, the contribution profit and the lines left out for want of data."""

    lines: tuple[PnlLine, ...]
    contribution: float
    missing: tuple[str, ...]

    def amount(self, key: str) -> float | None:
        """The signed amount of line ``key``.

        Parameters
        ----------
        key : str
            A key of :data:`LINES`.

        Returns
        -------
        float or None
            The amount, None when not measured.
        """
        return next(line.amount for line in self.lines if line.key == key)


def _cent(x: float) -> float:
    return round(float(x), 2) + 0.0  # -0.0 → 0.0


def pnl_statement(x: PnlInputs) -> PnlStatement:
    """The campaign P&L from its sums (口径 in the module docstring).

    Parameters
    ----------
    x : PnlInputs
        The sums over the campaign window.

    Returns
    -------
    PnlStatement
        The lines (costs negative), the contribution profit (exact sum of the rounded lines) and
        the keys of the lines not measured.

    Raises
    ------
    ValueError
        If a sum is not finite or GMV is negative.
    """
    for name in ("gmv", "refunds"):
        v = getattr(x, name)
        if not math.isfinite(v) or v < 0:
            raise ValueError(f"{name} must be a finite number ≥ 0, got {v}")
    net = _cent(x.gmv) - _cent(x.refunds)

    def cost(v: float | None) -> float | None:
        return None if v is None else -_cent(v)

    coupons = None
    if x.coupon_cost is not None or x.gift_cogs is not None:
        coupons = -_cent((x.coupon_cost or 0.0) + (x.gift_cogs or 0.0))
    platform = None
    if x.commission_rate is not None:
        platform = -_cent(x.commission_rate * net + x.fees)
    amounts: dict[str, float | None] = {
        "gmv": _cent(x.gmv),
        "refunds": -_cent(x.refunds),
        "net_sales": _cent(net),
        "platform_subsidy": None if x.platform_subsidy is None else _cent(x.platform_subsidy),
        "cogs": cost(x.cogs),
        "payment_fees": None if x.payment_fee_rate is None else -_cent(x.payment_fee_rate * x.gmv),
        "platform_fees": platform,
        "logistics": None
        if x.logistics_per_order is None
        else -_cent(x.logistics_per_order * x.shipped_orders),
        "ads": cost(x.ads),
        "coupons_gifts": coupons,
        "kol": cost(x.kol_cost),
    }
    summed = [v for k, v in amounts.items() if k != "net_sales" and v is not None]
    contribution = _cent(math.fsum(summed))
    missing = tuple(k for k, v in amounts.items() if v is None)
    lines = tuple(PnlLine(k, amounts.get(k, contribution)) for k, _ in LINES)
    return PnlStatement(lines=lines, contribution=contribution, missing=missing)


def coupon_funnel(coupons: pd.DataFrame) -> pd.DataFrame:
    """券漏斗: issued → claimed → redeemed per coupon, with the claim and redemption rates.

    口径: 领取率 claim rate = claimed / issued; 核销率 redemption rate = redeemed / claimed (of the
    coupons claimed, the share used on an order); NaN where the denominator is 0 or unknown.

    Parameters
    ----------
    coupons : DataFrame
        The coupons table: ``coupon_id``, ``issued``, ``claimed``, ``redeemed`` (others kept).

    Returns
    -------
    DataFrame
        ``coupons`` with ``claim_rate`` and ``redemption_rate``.
    """
    c = coupons.copy()
    for k in ("issued", "claimed", "redeemed"):
        c[k] = c[k].astype(float)
    c["claim_rate"] = c["claimed"] / c["issued"].where(c["issued"] > 0)
    c["redemption_rate"] = c["redeemed"] / c["claimed"].where(c["claimed"] > 0)
    return c

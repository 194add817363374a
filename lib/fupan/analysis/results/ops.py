"""Results of the ops analyses (:mod:`fupan.analysis.ops`).

The campaign P&L, presale, live sessions, products, ads by channel/tool/plan and pacing against
the plan.

See :mod:`fupan.analysis.results` (imports no analysis code).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from .core import records_of

if TYPE_CHECKING:
    from ...metrics.pnl import PnlInputs, PnlStatement
    from ...metrics.presale import PresaleSummary

#: where each P&L line comes from (the catalogue key of its source text is ``pnl_src_<key>``)
PNL_SOURCES = {
    "gmv": "orders.paid_amount",
    "refunds": "orders.refund_amount",
    "net_sales": "gmv − refunds",
    "platform_subsidy": "orders.platform_discount",
    "cogs": "orders.unit_cost × quantity",
    "payment_fees": "costs.payment_fee_rate × gmv",
    "platform_fees": "costs.commission_rate × net_sales + costs.fees",
    "logistics": "costs.logistics_per_order × orders",
    "ads": "spend.spend",
    "coupons_gifts": "coupons.cost + gift lines' cost",
    "kol": "live_sessions.slot_fee + commission_rate × settled GMV",
    "contribution": "the lines above",
}


@dataclass(frozen=True)
class PnlResult:
    """活动损益表 over ``window`` (ISO dates) from ``inputs``; ``coupon_source``: table or card."""

    statement: PnlStatement
    window: tuple[str, str]
    coupon_source: str
    inputs: PnlInputs
    #: the coupon funnel (issued → claimed → redeemed, :func:`fupan.metrics.pnl.coupon_funnel`)
    coupons: pd.DataFrame | None = None
    #: whether the card states its fixed fees (costs.fees); 0 then is a figure, not an omission
    fees_stated: bool = True
    #: the channels the KOL sessions' orders come through and the spend table's spend on them:
    #: charged as ads beside the sessions' fees — twice if that spend is the KOL's fee
    kol_channels: tuple[str, ...] = ()
    kol_channel_spend: float = 0.0

    @property
    def made_money(self) -> bool:
        """Whether the contribution profit is positive (before any line not measured)."""
        return self.statement.contribution > 0

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        return {
            "window": list(self.window),
            "lines": {line.key: line.amount for line in self.statement.lines},
            "contribution": self.statement.contribution,
            "missing": list(self.statement.missing),
            "made_money": self.made_money,
            "sources": PNL_SOURCES,
            "coupons": None
            if self.coupons is None
            else self.coupons.set_index("coupon_id")[
                ["issued", "claimed", "redeemed", "claim_rate", "redemption_rate"]
            ].to_dict(orient="index"),
        }


@dataclass(frozen=True)
class PresaleResult:
    """Presale figures, daily GMV by both counting dates, the card's counting date."""

    summary: PresaleSummary
    by_date: pd.DataFrame
    gmv_date: str
    multiplier: float
    window: tuple[str, str]
    #: the card's preheat and baseline windows (ISO dates), to compare their daily GMV
    phases: dict[str, tuple[str, str]] | None = None
    #: a war report's day (ISO): balances after it are not paid yet, the figures are to date
    as_of: str | None = None

    def moved_into(self, start: Any, end: Any) -> float:
        """The presale GMV the balance-day count moves into ``start``..``end`` (+) or out (−).

        Against the order day; 0 when the card counts by order day.
        """
        if self.gmv_date != "balance_paid":
            return 0.0
        return float(self.by_date["moved"].loc[pd.Timestamp(start) : pd.Timestamp(end)].sum())

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        s = self.summary
        return {
            "gmv_date": self.gmv_date,
            "deposit_multiplier": self.multiplier,
            **{k: getattr(s, k) for k in s.__dataclass_fields__},
        }


#: a no-show day whose kind's GMV is at least this share of the phase's median day lost nothing
#: visible: the other sessions carried it, and no shortfall is laid at the no-show
NO_SHOW_HELD = 0.9


def no_show_ratio(effect: Any) -> float:
    """A no-show day's GMV of the kind's sessions over the phase's median day.

    NaN when that median is not known; ``effect``: one row of :attr:`LiveResult.day_effects`.
    """
    typical = effect.typical
    return effect.gmv / typical if typical and math.isfinite(typical) else float("nan")


def fell_short(effect: Any) -> bool:
    """Whether the no-show day's kind sold short: its ratio below :data:`NO_SHOW_HELD`."""
    ratio = no_show_ratio(effect)
    return math.isfinite(ratio) and ratio < NO_SHOW_HELD


@dataclass(frozen=True)
class LiveResult:
    """Sessions and hosts with output and cost; sessions that did not go live; the days they hit.

    ``day_effects`` rows: ``date``, ``kind``, ``gmv`` (that day's GMV of the kind's sessions),
    ``typical`` (median over the kind's other days of the same window), ``hosts`` (who did not
    go live).
    """

    sessions: pd.DataFrame
    hosts: pd.DataFrame
    no_shows: pd.DataFrame
    day_effects: pd.DataFrame

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        cols = ["kind", "host", "sessions", "no_show", "gmv", "orders", "cost", "roi", "gpm"]
        return {
            "sessions": len(self.sessions),
            "hosts": records_of(self.hosts[cols]),
            "no_shows": records_of(self.no_shows),
        }


@dataclass(frozen=True)
class ProductsResult:
    """SKU structure over the campaign window (names from the products table where given)."""

    skus: pd.DataFrame
    pareto: pd.DataFrame
    top_share: dict[int, float]
    units_per_order: float
    heroes: pd.DataFrame
    hero_stockout_rate: float | None
    named: bool

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        cols = ["sku", "name", "role", "gmv", "units", "sell_through", "days_out", "first_out"]
        return {
            "top_share": {str(k): v for k, v in self.top_share.items()},
            "units_per_order": self.units_per_order,
            "heroes": records_of(self.heroes[[c for c in cols if c in self.heroes]]),
            "hero_stockout_rate": self.hero_stockout_rate,
        }


@dataclass(frozen=True)
class AdsResult:
    """Ad efficiency by channel, tool and plan; attributed vs order-channel GMV.

    By channel with the 保本投产比 (the margin analysis's (1 − d)/(m − d), with its discount depth
    d and unit contribution margin m; None when it was not computed; ``inf`` when d ≥ m: every
    unit sells at a loss, no ROAS breaks even and every channel with spend is below); the gap
    between the platform's attributed GMV and the order-channel GMV.
    """

    channels: pd.DataFrame
    tools: pd.DataFrame | None
    attribution: pd.DataFrame | None
    break_even_roas: float | None
    discount_depth: float | None = None
    unit_margin: float | None = None

    @property
    def below_break_even(self) -> list[str]:
        """Channels whose ROAS is below the break-even ROAS."""
        b = self.channels["below_break_even"]
        return [str(c) for c in b.index if b[c] is True]

    @property
    def breaks_even(self) -> bool:
        """False when every unit sells at a loss (no ROAS breaks even, ``break_even_roas`` inf)."""
        return self.break_even_roas is None or math.isfinite(self.break_even_roas)

    @property
    def unmatched(self) -> list[str]:
        """Spend channels the orders do not name: their GMV, ROAS and verdict are not known."""
        c = self.channels
        return [str(k) for k in c.index if c.at[k, "spend"] > 0 and pd.isna(c.at[k, "gmv"])]

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        cols = ["spend", "gmv", "roas", "spend_ratio", "ctr", "cpc", "cpm", "cost_per_order"]
        return {
            "break_even_roas": self.break_even_roas if self.breaks_even else None,
            "no_roas_breaks_even": not self.breaks_even,
            "below_break_even": self.below_break_even,
            "channels": self.channels[cols].to_dict(orient="index"),
        }


@dataclass(frozen=True)
class PacingResult:
    """The daily war report, the gap by channel and the channels with GMV but no plan."""

    report: pd.DataFrame
    channels: pd.DataFrame
    unplanned: tuple[str, ...]
    gmv_date: str
    #: the gap of each planned channel split into visitors, conversion and 客单价 (None without
    #: visitors and conversion in the plan, or without events)
    factors: pd.DataFrame | None = None
    #: where the plan came from: the ``targets`` table or the card's plan block (``card_plan``)
    plan_source: str = "targets"
    #: the plan's first and last day, and the card's campaign window (ISO dates): pacing runs over
    #: the plan's days, which need not be the card's
    plan_days: tuple[str, str] | None = None
    campaign_days: tuple[str, str] | None = None
    #: the card's GMV target (strategy.targets.gmv), which the plan need not add up to
    card_target: float | None = None
    #: a war report's day (ISO date): the plan above runs to it; None for a whole campaign
    as_of: str | None = None
    #: a war report's plan after ``as_of``: (days, GMV)
    plan_ahead: tuple[int, float] | None = None

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        last = self.report.iloc[-1]
        return {
            "gmv_date": self.gmv_date,
            "achievement": float(last["achievement"]),
            "unplanned": list(self.unplanned),
            "factors": None
            if self.factors is None
            else self.factors.drop(columns="factor").to_dict(orient="index"),
            "channels": self.channels[["plan", "actual", "gap"]].to_dict(orient="index"),
        }


@dataclass(frozen=True)
class MembershipResult:
    """会员: per window joins, join rate, members' share of GMV, 客单价 and repeat buying.

    Of member and other orders, with the new customers who joined (:mod:`fupan.metrics.members`);
    ``channels``: the campaign's new members by join channel (None without that column).
    """

    table: pd.DataFrame
    channels: pd.DataFrame | None

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json: one entry per window."""
        cols = [
            "new_members",
            "visitors",
            "join_rate",
            "member_share",
            "member_aov",
            "other_aov",
            "member_repeat",
            "other_repeat",
            "new_customers",
            "new_join_rate",
        ]
        counts = ("new_members", "visitors", "new_customers")

        def value(c: str, x: Any) -> Any:  # NaN (not measured) becomes null (fupan.cases.record)
            return int(x) if c in counts and x == x else x

        out: dict[str, Any] = {
            str(w): {c: value(c, row[c]) for c in cols} for w, row in self.table.iterrows()
        }
        if self.channels is not None:
            out["join_channels"] = records_of(self.channels)
        return out


@dataclass(frozen=True)
class PricesResult:
    """价格力与控价 over the campaign window (:mod:`fupan.metrics.prices`).

    ``breaches``: each reseller price below the shop's that day; ``competitor``: each competitor
    price below it; ``skus``: per SKU the days judged, breach days, the lowest outside price, the
    days a competitor was cheaper and the shop's daily GMV of the SKU on breach and other days.
    """

    breaches: pd.DataFrame
    competitor: pd.DataFrame
    skus: pd.DataFrame

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        b = self.breaches.assign(date=self.breaches["date"].astype(str))
        return {
            "skus_judged": len(self.skus),
            "skus_breached": int((self.skus["breach_days"] > 0).sum()),
            "breaches": records_of(b.head(20)),
            "competitor_lower_rows": len(self.competitor),
        }


@dataclass(frozen=True)
class ServiceResult:
    """服务与履约 (:mod:`fupan.metrics.service` states each 口径).

    ``shipping``: per window the shipping times (None without ``orders.ship_time``); ``daily``: per
    paid day of the campaign the 48-hour figures and ``worst`` the day shipping fell furthest
    behind (None when no day had enough orders); ``channels`` / ``skus``: refund rates, the
    campaign beside the baseline (None without ``orders.refund_amount``); ``service``: per window
    the customer-service and review figures (None without the service_daily table);
    ``reasons``: the campaign's refunds by reason (None without the refunds table) and
    ``unmatched`` the refund rows naming no order of the orders table; ``missing``: each part not
    measured → why (both languages).
    """

    shipping: pd.DataFrame | None
    daily: pd.DataFrame | None
    worst: pd.Series | None
    channels: pd.DataFrame | None
    skus: pd.DataFrame | None
    service: pd.DataFrame | None
    missing: dict[str, str]
    reasons: pd.DataFrame | None = None
    unmatched: int = 0

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json (NaN, not measured, becomes null)."""
        out: dict[str, Any] = {"not_measured": dict(self.missing)}
        if self.shipping is not None:
            cols = ["orders", "due_48", "ship_24", "ship_48", "median_hours", "p90_hours"]
            cols += ["unshipped", "refunded_unshipped", "before_paid"]
            out["shipping"] = {
                str(w): {c: _plain(c, row[c]) for c in cols} for w, row in self.shipping.iterrows()
            }
        if self.worst is not None:
            out["worst_shipping_day"] = {
                "date": str(pd.Timestamp(self.worst["date"]).date()),
                "due_48": int(self.worst["due_48"]),
                "ship_48": float(self.worst["ship_48"]),
            }
        for name, frame in (("refunds_by_channel", self.channels), ("refunds_by_sku", self.skus)):
            if frame is not None:
                out[name] = records_of(frame.head(SERVICE_RECORD_ROWS))
        if self.reasons is not None:
            cols = ["reason", "refunds", "orders", "amount", "amount_share"]
            cols += ["refund_only_share", "before_ship_share"]
            out["refund_reasons"] = records_of(self.reasons[cols].head(SERVICE_RECORD_ROWS))
            out["refunds_unmatched"] = self.unmatched
        if self.service is not None:
            cols = ["days", "inquiries", "inquiry_cr", "first_response", "bad_review_rate"]
            cols += ["dsr", "dsr_last"]
            out["service"] = {
                str(w): {c: _plain(c, row[c]) for c in cols} for w, row in self.service.iterrows()
            }
        return out


#: refund rows kept in case.json per breakdown (channels, SKUs)
SERVICE_RECORD_ROWS = 20
#: the figures of ServiceResult.record that count (orders, days, people): kept as integers
SERVICE_COUNTS = frozenset(
    {"orders", "due_48", "unshipped", "refunded_unshipped", "before_paid", "days", "inquiries"}
)


def _plain(column: str, x: Any) -> Any:
    """A count (:data:`SERVICE_COUNTS`) as int, a figure as float; NaN (not measured) stays."""
    if x is None or x != x:
        return float("nan")
    return int(x) if column in SERVICE_COUNTS else float(x)


@dataclass(frozen=True)
class PlanResult:
    """下次大促测算: the next campaign's budget at this campaign's channel returns.

    (:mod:`fupan.metrics.planning`): ``table`` by channel, ``totals`` (projected GMV, the
    target's gap and the extra budget to close it), the break-even ROAS used (None: unknown).
    """

    table: pd.DataFrame
    totals: dict[str, Any]
    break_even_roas: float | None

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json (NaN and None: not measured)."""
        cols = ["gmv", "spend", "roas", "next_budget", "next_gmv", "next_contribution"]
        rows = self.table[cols].reset_index().rename(columns={"index": "channel"})
        return {
            "channels": records_of(rows),
            "totals": dict(self.totals),
            "break_even_roas": self.break_even_roas,
        }

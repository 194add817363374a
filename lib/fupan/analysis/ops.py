"""The ops lead's first questions (issue 13): P&L, presale, live, products, ads, pacing; membership.

Did we make money (P&L), how did presale go, each live session, the hero products, ads by
channel/tool/plan, pacing against the plan.

Each step takes the validated :class:`~fupan.ingest.validate.Campaign` (and earlier results) and
raises ValueError with a bilingual reason when its data are absent, so that the pipeline records
a :class:`~fupan.analysis.results.Skip` and the report says why. Sums come from DuckDB
(:mod:`.ops_data`); the arithmetic is in :mod:`fupan.metrics` (pnl, presale, live, products, ads,
pacing), where each 口径 is stated.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..i18n import bilingual
from ..ingest.card.ops_contracts import PRODUCT_ROLES
from ..ingest.card.ops_plan import plan_frame
from ..ingest.validate import Campaign
from ..metrics import ads as ads_m
from ..metrics import live as live_m
from ..metrics import margin as margin_m
from ..metrics import members as members_m
from ..metrics import pacing as pacing_m
from ..metrics import planning as planning_m
from ..metrics import prices as prices_m
from ..metrics import products as products_m
from ..metrics import service as service_m
from ..metrics.pnl import PnlInputs, coupon_funnel, pnl_statement
from ..metrics.presale import gmv_by_counting_date, presale_summary
from . import ops_data as q
from .results.impact import MarginAnalysis
from .results.ops import (
    AdsResult,
    LiveResult,
    MembershipResult,
    PacingResult,
    PlanResult,
    PnlResult,
    PresaleResult,
    PricesResult,
    ProductsResult,
    ServiceResult,
)


def pnl(campaign: Campaign) -> PnlResult:
    """活动损益表 over the campaign window (:mod:`fupan.metrics.pnl`).

    Raises
    ------
    ValueError
        Without unit costs (no COGS, so no contribution).
    """
    q.require(campaign, "orders", "unit_cost")
    a, b = q.window(campaign)
    s = q.pnl_sums(campaign, a, b)
    costs = campaign.card.costs
    ads = None
    if campaign.has("spend"):
        v = q.frame(campaign, "SELECT sum(spend) FROM spend WHERE date BETWEEN ? AND ?", [a, b])
        ads = float(v.iloc[0, 0]) if pd.notna(v.iloc[0, 0]) else 0.0
    coupon_source, coupon_cost = "card", (costs.coupons if costs.coupons else None)
    if campaign.has("coupons") and campaign.measures("coupons", "cost"):
        v = q.frame(campaign, "SELECT coalesce(sum(cost), 0) FROM coupons").iloc[0, 0]
        coupon_source, coupon_cost = "table", float(v)
    gift = float(s["gift_cogs"] or 0.0) if campaign.measures("orders", "is_gift") else None
    kol = None
    kol_channels: list[str] = []
    kol_spend = 0.0
    if campaign.has("live_sessions") and campaign.measures("orders", "session_id"):
        kol = q.kol_cost(campaign, a, b)
        if campaign.has("spend") and campaign.measures("orders", "channel"):
            kol_channels, kol_spend = q.kol_spend(campaign, a, b)
    inputs = PnlInputs(
        gmv=float(s["gmv"] or 0.0),
        refunds=float(s["refunds"] or 0.0),
        cogs=None if s["cogs"] is None else float(s["cogs"]),
        shipped_orders=int(s["shipped"] or 0),
        platform_subsidy=float(s["platform_subsidy"] or 0.0)
        if campaign.measures("orders", "platform_discount")
        else None,
        commission_rate=costs.commission_rate,
        payment_fee_rate=costs.payment_fee_rate,
        fees=costs.fees,
        logistics_per_order=costs.logistics_per_order,
        ads=ads,
        coupon_cost=coupon_cost,
        gift_cogs=gift,
        kol_cost=kol,
    )
    window = (a.isoformat(), b.isoformat())
    funnel = None
    if campaign.has("coupons") and all(
        campaign.measures("coupons", c) for c in ("issued", "claimed", "redeemed")
    ):
        funnel = coupon_funnel(
            q.frame(campaign, "SELECT * EXCLUDE (_row) FROM coupons ORDER BY coupon_id")
        )
    return PnlResult(
        pnl_statement(inputs),
        window,
        coupon_source,
        inputs,
        funnel,
        fees_stated="fees" in costs.model_fields_set,
        kol_channels=tuple(kol_channels) if kol and kol_spend > 0 else (),
        kol_channel_spend=kol_spend if kol else 0.0,
    )


def presale(campaign: Campaign) -> PresaleResult:
    """预售: deposits, balances, 尾款转化率, the multiplier's cost; GMV by both counting dates.

    Raises
    ------
    ValueError
        Without presale columns or presale orders in the campaign window.
    """
    q.require(campaign, "orders", "order_type", "deposit_amount", "balance_time")
    a, b = q.window(campaign)
    orders = q.presale_orders(campaign, a, b)
    if orders.empty:
        n, first = q.frame(
            campaign,
            "SELECT count(DISTINCT order_id), min(order_time)::DATE FROM orders "
            "WHERE order_type = 'presale' AND status <> 'cancelled' "
            "AND balance_time::DATE BETWEEN ? AND ? AND order_time::DATE < ?",
            [a, b, a],
        ).iloc[0]
        if n:  # deposits taken before the card's campaign (no preheat window?), balances inside
            raise ValueError(
                bilingual(
                    f"No deposit was taken in the campaign window ({a} .. {b}), but {int(n):,} "
                    f"presale orders with deposits from {first} on paid their balance inside it "
                    "(the card has no preheat window?): their GMV counts on the balance day, in "
                    "the lift too; deposits, balance rate and multiplier cost are not computed.",
                    f"活动期（{a} ~ {b}）内没有定金订单，但有 {int(n):,} 笔预售单的定金付于活动期之前"
                    f"（{first} 起），尾款在活动期内支付（卡片没有预热期？）：其GMV按尾款日计入，"
                    "增量中也包含；定金、尾款转化率与膨胀成本未计算。",
                )
            )
        raise ValueError(
            bilingual(
                "No presale order in the campaign window: not computed.",
                "活动期内没有预售订单，本节未计算。",
            )
        )
    spot_n, spot_gmv, total = q.spot_sums(campaign, a, b)
    k = campaign.card.presale.deposit_multiplier
    summary = presale_summary(orders, k, total, spot_n, spot_gmv)
    by_date = gmv_by_counting_date(q.gmv_days(campaign))
    base = campaign.card.windows.baseline.start
    by_date = by_date.loc[pd.Timestamp(base) : pd.Timestamp(b)]
    w = campaign.card.windows
    phases = {
        k: (v.start.isoformat(), v.end.isoformat())
        for k, v in (("preheat", w.preheat), ("baseline", w.baseline))
        if v is not None
    }
    window = (a.isoformat(), b.isoformat())
    day = campaign.card.as_of if campaign.card.in_flight else None  # a war report's figures
    as_of = None if day is None else day.isoformat()
    return PresaleResult(summary, by_date, q.gmv_date(campaign), k, window, phases, as_of)


def live(campaign: Campaign) -> LiveResult:
    """直播场次: each session and host, sessions that did not go live and the days they hit.

    Raises
    ------
    ValueError
        Without a live_sessions table or session ids on the orders.
    """
    q.require(campaign, "live_sessions")
    q.require(campaign, "orders", "session_id")
    sessions = q.frame(campaign, "SELECT * EXCLUDE (_row) FROM live_sessions ORDER BY start_time")
    table = live_m.session_table(sessions, q.session_sales(campaign))
    table["date"] = pd.to_datetime(table["start_time"]).dt.strftime("%Y-%m-%d")
    missed = live_m.no_shows(table)
    effects = []
    windows = campaign.card.windows
    for row in missed.drop_duplicates(["date", "kind"]).itertuples():
        kind = table[table["kind"] == row.kind]
        daily = kind.groupby("date")["gmv"].sum()
        phase = next(
            (w for _, w in windows.items() if w.start.isoformat() <= row.date <= w.end.isoformat()),
            None,
        )
        same = daily.drop(row.date, errors="ignore")
        if phase is not None:
            same = same[
                (same.index >= phase.start.isoformat()) & (same.index <= phase.end.isoformat())
            ]
        hosts = missed[(missed["date"] == row.date) & (missed["kind"] == row.kind)]["host"]
        effects.append(
            {
                "date": row.date,
                "kind": row.kind,
                "gmv": float(daily.get(row.date, 0.0)),
                "typical": float(same.median()) if len(same) else float("nan"),
                "hosts": " / ".join(str(h) for h in hosts),
            }
        )
    return LiveResult(
        sessions=table,
        hosts=live_m.host_table(table),
        no_shows=missed,
        day_effects=pd.DataFrame(effects, columns=["date", "kind", "gmv", "typical", "hosts"]),
    )


def _names(campaign: Campaign) -> pd.DataFrame | None:
    if not campaign.has("products"):
        return None
    return q.frame(
        campaign, "SELECT sku, product_name AS name, role, planned_stock FROM products"
    ).drop_duplicates("sku")


def products(campaign: Campaign) -> ProductsResult:
    """商品结构: Pareto and top-N share, 连带率, discount × margin and sell-through by SKU, heroes.

    Raises
    ------
    ValueError
        Without SKUs on the orders or GMV in the campaign window.
    """
    q.require(campaign, "orders", "sku")
    a, b = q.window(campaign)
    skus, upo = q.sku_sales(campaign, a, b)
    if skus.empty:
        raise ValueError(bilingual("No SKU sales in the campaign window.", "活动期没有SKU销售。"))
    names = _names(campaign)
    if names is not None:
        skus = skus.merge(names, on="sku", how="left")
        skus["role"] = skus["role"].map(
            lambda r: PRODUCT_ROLES.get(r) if isinstance(r, str) else None
        )
    else:
        skus["name"], skus["role"], skus["planned_stock"] = None, None, float("nan")
    table = products_m.sku_table(skus)
    gmv = skus.set_index("sku")["gmv"]
    heroes_ids = list(campaign.card.strategy.hero_skus) or list(
        table.loc[table["role"] == "hero", "sku"]
    )
    heroes = table[table["sku"].isin(heroes_ids)].copy()
    rate = None
    if campaign.has("inventory") and not heroes.empty:
        out = q.days_out(campaign, a, b)
        heroes = heroes.merge(out, on="sku", how="left")  # days_out NaN: no stock row, not 0 days
        counted = heroes.dropna(subset=["days_out"])
        if not counted.empty and counted["gmv"].sum() > 0:
            rate = products_m.hero_stockout_rate(counted, (b - a).days + 1)
    if campaign.has("events") and campaign.measures("events", "sku") and not heroes.empty:
        funnel = q.sku_funnel(campaign, a, b, [str(s) for s in heroes["sku"]])
        heroes = heroes.merge(funnel, on="sku", how="left")
        heroes["view_to_cart"] = heroes["carters"] / heroes["viewers"].where(heroes["viewers"] > 0)
        heroes["cart_to_order"] = heroes["buyers"] / heroes["carters"].where(heroes["carters"] > 0)
    return ProductsResult(
        skus=table,
        pareto=products_m.pareto(gmv),
        top_share={n: products_m.top_share(gmv, n) for n in (1, 5, 10) if n <= len(gmv)},
        units_per_order=upo,
        heroes=heroes,
        hero_stockout_rate=rate,
        named=names is not None,
    )


def ads(
    campaign: Campaign, windows: pd.DataFrame, new_customers: pd.DataFrame, margin_result: object
) -> AdsResult:
    """投放: efficiency by channel with 费比 and the 保本投产比 verdict; tools, plans, attribution.

    The break-even ROAS is the margin analysis's (:func:`fupan.metrics.margin.break_even_roas`,
    (1 − d)/(m − d)): one figure for the report; without it (no unit cost, or d ≥ m) no channel is
    judged and the section says why. Each channel's GMV and orders in the campaign window are the
    channel table's (``windows``, :file:`window_channel.sql`), its new customers the report's
    (``new_customers``, :file:`new_customers.sql`) — 口径 of 拉新 by channel: a customer whose
    first order ever (not cancelled) falls in the window, counted on that order's channel (first
    touch), so the channels' new customers add up to the campaign's.

    Raises
    ------
    ValueError
        Without a spend table.
    """
    q.require(campaign, "spend")
    a, b = q.window(campaign)
    spend = q.spend_by(campaign, a, b, "channel").set_index("channel")

    def campaign_rows(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
        rows = frame[(frame["phase"] == "campaign") & (frame["channel"] != "_all")]
        return rows.set_index("channel")[list(columns)].astype(float)

    sales = campaign_rows(windows, "gmv", "orders").join(
        campaign_rows(new_customers, "new_customers"), how="left"
    )
    ch = spend.join(sales, how="left")
    named = set(q.frame(campaign, "SELECT DISTINCT channel FROM orders")["channel"])
    known = ch.index.isin(list(named))  # a channel the orders do not name: its GMV is not known
    sold = ["gmv", "orders", "new_customers"]
    ch.loc[known, sold] = ch.loc[known, sold].fillna(0.0)
    be = d = m = None
    if isinstance(margin_result, MarginAnalysis):
        d, m = margin_result.discount_depth, margin_result.unit_margin
        be = math.inf if margin_m.no_roas_breaks_even(d, m) else margin_result.break_even_roas
        if be is None:
            d = m = None
    cols = ["spend", "impressions", "clicks", "gmv", "orders", "new_customers"]
    channels = ads_m.channel_efficiency(ch[cols], be)
    tools = attribution = None
    if campaign.measures("spend", "tool"):
        keys = "tool, plan_id" if campaign.measures("spend", "plan_id") else "tool"
        tools = q.spend_by(campaign, a, b, keys)
        if "attributed_gmv" in tools:
            tools["attributed_roas"] = tools["attributed_gmv"] / tools["spend"].where(
                tools["spend"] > 0
            )
    if campaign.measures("spend", "attributed_gmv"):
        attribution = ads_m.attribution_gap(spend["attributed_gmv"], ch["gmv"])
    return AdsResult(channels, tools, attribution, be, discount_depth=d, unit_margin=m)


def pacing(campaign: Campaign) -> PacingResult:
    """目标拆解与节奏: the plan by day and channel against the actual, dated as the card counts.

    A war report (the card's ``as_of``): the daily rows run to that day, each day's 完成进度,
    计划进度 and 时间进度 against the whole plan (as a war room reads them); the channels' gaps are
    against the plan to that day; the plan still ahead is given as days and GMV.

    Raises
    ------
    ValueError
        Without a targets table.
    """
    name, has = _plan_source(campaign)
    source, ahead, card = name, None, campaign.card
    as_of = card.as_of if card.in_flight else None
    basis = q.gmv_date(campaign)
    whole = q.frame(campaign, f"SELECT date, channel, sum(gmv) AS gmv FROM {name} GROUP BY 1, 2")
    plan = whole
    if as_of is not None:  # a war report: the plan to date against the actual, the rest ahead
        later = pd.to_datetime(whole["date"]) > pd.Timestamp(as_of)
        plan, rest = whole[~later], whole[later]
        ahead = (int(rest["date"].nunique()), float(rest["gmv"].sum()))
        source = f"(SELECT * FROM {name} WHERE date <= DATE '{as_of.isoformat()}')"  # _factors
    if plan.empty:
        raise ValueError(
            bilingual(
                f"The plan has no day up to {as_of}: no pacing yet.",
                f"计划里没有 {as_of} 及之前的日子：还没有节奏可比。",
            )
        )
    a, b = plan["date"].min(), plan["date"].max()
    day = q.counted_day(campaign, basis)
    actual = q.frame(
        campaign,
        f"""SELECT {day} AS date, channel, sum(paid_amount) AS gmv FROM orders
            WHERE {q.NOT_CANCELLED} AND {day} BETWEEN ? AND ? GROUP BY 1, 2""",
        [a, b],
    )
    planned = set(plan["channel"])
    in_plan = actual[actual["channel"].isin(planned)]
    report = pacing_m.war_report(
        whole.groupby("date")["gmv"].sum(), in_plan.groupby("date")["gmv"].sum()
    )
    if as_of is not None:  # the days to date, each against the whole plan
        report = report[pd.to_datetime(report.index) <= pd.Timestamp(as_of)]
    channels = pacing_m.channel_gaps(
        plan.groupby("channel")["gmv"].sum(), actual.groupby("channel")["gmv"].sum()
    )
    unplanned = tuple(str(c) for c in channels.index[~channels["planned"]])
    factors = None
    if has("visitors") and has("conversion") and campaign.has("events"):
        factors = _factors(campaign, day, a, b, source)
    c0, c1 = q.window(campaign)
    return PacingResult(
        report,
        channels,
        unplanned,
        basis,
        factors,
        plan_source=name,
        plan_days=(pd.Timestamp(a).date().isoformat(), pd.Timestamp(b).date().isoformat()),
        campaign_days=(c0.isoformat(), c1.isoformat()),
        card_target=campaign.card.strategy.targets.get("gmv"),
        as_of=None if as_of is None else as_of.isoformat(),
        plan_ahead=ahead,
    )


def _plan_source(campaign: Campaign) -> tuple[str, Any]:
    """Where the plan is, and whether it measures a column.

    The targets table, else the card's ``plan:`` block (registered as the view ``card_plan``).

    Raises
    ------
    ValueError
        Neither was given (the bilingual skip reason).
    """
    if campaign.has("targets"):
        return "targets", lambda c: campaign.measures("targets", c)
    frame = plan_frame(campaign.card.plan, campaign.card.planned_windows)
    if frame is None:
        raise ValueError(
            bilingual(
                "No plan (tables.targets or a plan: block in the card): not computed.",
                "没有计划（活动卡片 tables.targets 或 plan: 块），本节未计算。",
            )
        )
    campaign.con.register("card_plan", frame)
    return "card_plan", lambda c: bool(frame[c].notna().all())


def _factors(campaign: Campaign, day: str, a: object, b: object, source: str) -> pd.DataFrame:
    """Plan vs actual visitors, orders and GMV by planned channel over the plan's days."""
    plan = q.frame(
        campaign,
        f"""SELECT channel, sum(gmv) AS gmv, sum(visitors) AS visitors,
                  sum(visitors * conversion) AS orders FROM {source} GROUP BY 1""",
    ).set_index("channel")
    actual = q.frame(
        campaign,
        f"""WITH o AS (SELECT channel, sum(paid_amount) AS gmv, count(DISTINCT order_id) AS orders
                       FROM orders WHERE {q.NOT_CANCELLED} AND {day} BETWEEN ? AND ? GROUP BY 1),
                 v AS (SELECT channel, sum(n) AS visitors FROM (
                       SELECT event_time::DATE, channel, count(DISTINCT user_key) AS n FROM events_keyed
                       WHERE event = 'visit' AND {q.on_days("event_time")} GROUP BY 1, 2)
                       GROUP BY 1)
            SELECT channel, o.gmv, v.visitors, o.orders FROM o JOIN v USING (channel)""",
        [a, b, a, b],
    ).set_index("channel")
    return pacing_m.factor_gaps(plan[["gmv", "visitors", "orders"]], actual)


def membership(campaign: Campaign, visitors: pd.DataFrame | None) -> MembershipResult:
    """会员 (ops review G7): per window joins, join rate, members' share, 客单价 and repeat buying.

    Against the other orders', with the new customers who joined (:mod:`fupan.metrics.members`
    states each 口径). ``visitors``: the extract's ``window_uv`` (访客数 distinct over each
    window; None without events: no join rate).

    Raises
    ------
    ValueError
        Without a members table.
    """
    q.require(campaign, "members")
    a, b = q.window(campaign)  # the campaign proper: every card has one
    windows = q.report_windows(campaign)
    uv = None
    if visitors is not None and not visitors.empty:
        uv = visitors[visitors["channel"] == "_all"].set_index("phase")["uv"]
    table = members_m.membership_table(q.member_sums(campaign, windows), uv)
    channels = (
        q.join_channels(campaign, a, b) if campaign.measures("members", "join_channel") else None
    )
    return MembershipResult(table=table, channels=channels)


def prices(campaign: Campaign) -> PricesResult:
    """价格力与控价 (ops review G14): resellers below the shop's own 到手价, competitors cheaper.

    Over the campaign window; :mod:`fupan.metrics.prices` states the 口径.

    Raises
    ------
    ValueError
        Without a prices table, or without the shop's own price on any day of the campaign.
    """
    q.require(campaign, "prices")
    a, b = q.window(campaign)
    rows = q.prices_in(campaign, a, b)
    rows["date"] = pd.to_datetime(rows["date"])
    if not (rows["seller_type"] == "own").any():
        raise ValueError(
            bilingual(
                "The prices table has no row of the shop's own price (seller_type own) in the "
                "campaign window: nothing to compare the other sellers with.",
                "价格表在活动期没有本店自己的到手价（seller_type 为 own）：无从比较其他卖家。",
            )
        )
    skus = sorted(str(s) for s in rows.loc[rows["seller_type"] == "own", "sku"].unique())
    daily = q.sku_daily_gmv(campaign, a, b, skus) if campaign.measures("orders", "sku") else None
    if daily is not None:
        daily["date"] = pd.to_datetime(daily["date"])
    table = prices_m.sku_table(rows, daily)
    names = _names(campaign)
    if names is not None:
        table = table.merge(names[["sku", "name"]], on="sku", how="left")
    else:
        table["name"] = None
    return PricesResult(
        breaches=prices_m.breaches(rows),
        competitor=prices_m.breaches(rows, ("competitor",)),
        skus=table,
    )


#: a paid day is judged for the worst shipping day with at least this many orders due
WORST_DAY_ORDERS = 30


def service(campaign: Campaign) -> ServiceResult:
    """服务与履约 (ops review G8): shipping times, refunds by channel and SKU, service and reviews.

    Each part from its own data, left out with its reason without them (:mod:`fupan.metrics.service`
    states each 口径): per window (the card's and the campaign proper) the shipping times
    (``orders.ship_time``) and the service figures (the ``service_daily`` table); the campaign's
    refund rates by channel and by SKU beside the baseline's (``orders.refund_amount``).

    Raises
    ------
    ValueError
        When none of the three parts has its data.
    """
    a, b = q.window(campaign)
    windows = q.report_windows(campaign)
    missing: dict[str, str] = {}
    shipping = daily = worst = None
    if campaign.measures("orders", "ship_time"):
        sums, daily = q.shipping(campaign, windows, a, b)
        shipping = service_m.shipping_table(sums)
        worst = service_m.worst_day(daily, WORST_DAY_ORDERS)
    else:
        missing["shipping"] = bilingual(
            "The orders have no ship_time (发货时间) column: shipping times not measured.",
            "订单没有发货时间（ship_time）列，发货时效未计算。",
        )
    channels = skus = None
    if campaign.measures("orders", "refund_amount"):
        base = campaign.card.windows.baseline
        now_base = ((a, b), (base.start, base.end))
        channels = service_m.refund_table(q.refund_sums(campaign, "channel", *now_base), "channel")
        if campaign.measures("orders", "sku"):
            skus = service_m.refund_table(q.refund_sums(campaign, "sku", *now_base), "sku")
            names = _names(campaign)
            if names is not None:
                skus = skus.merge(names[["sku", "name"]], on="sku", how="left")
    else:
        missing["refunds"] = bilingual(
            "The orders have no refund_amount column: refunds by channel and SKU not measured.",
            "订单没有退款金额（refund_amount）列，分渠道、分商品退款率未计算。",
        )
    reasons, unmatched = None, 0
    if campaign.has("refunds"):
        sums, unmatched = q.refund_reasons(campaign, a, b)
        reasons = service_m.reason_table(sums.assign(reason=sums["reason"].map(_no_personal)))
    else:
        missing["reasons"] = bilingual(
            "No refunds table (tables.refunds on the card): refund reasons not measured.",
            "没有 refunds 表（活动卡片 tables.refunds），退款原因未计算。",
        )
    table = None
    if campaign.has("service_daily"):
        table = service_m.service_table(q.service_sums(campaign, windows))
    else:
        missing["service"] = bilingual(
            "No service_daily table (tables.service_daily on the card): enquiries, first response "
            "and reviews not measured.",
            "没有 service_daily 表（活动卡片 tables.service_daily），询单、首响和评价未计算。",
        )
    if len(missing) == 4:
        raise ValueError(
            bilingual(
                "No shipping times, refunds, refund reasons or service data: not computed.",
                "没有发货时间、退款、退款原因或客服数据，本节未计算。",
            )
        )
    return ServiceResult(
        shipping=shipping,
        daily=daily,
        worst=worst,
        channels=channels,
        skus=skus,
        service=table,
        missing=missing,
        reasons=reasons,
        unmatched=unmatched,
    )


#: a refund reason holding what looks like personal data is kept as this, never as written (the
#: report says so in its language)
WITHHELD = "<withheld>"


def _no_personal(reason: str) -> str:
    """``reason`` as a report may show it.

    Free text with a phone number, an ID number or an e-mail address (a buyer typing theirs in)
    is withheld (:data:`WITHHELD`), and it is cut at 40 characters.
    """
    from ..ingest.privacy import scan_text

    return WITHHELD if scan_text(reason) else reason[:40]


def next_plan(card: Any, channels: pd.DataFrame, margin: Any) -> PlanResult:
    """下次大促测算 (ops review G15): the card's next campaign at this campaign's channel returns.

    :mod:`fupan.metrics.planning` states the 口径 and what it assumes. ``channels``: this campaign's GMV and spend by channel; ``margin``: its
    :class:`MarginAnalysis` (the break-even ROAS; without it, no contribution).

    Raises
    ------
    ValueError
        Without a ``next_campaign`` block on the card, or without spend in this campaign.
    """
    plan = getattr(card, "next_campaign", None)
    if plan is None:
        raise ValueError(
            bilingual(
                "No next_campaign block on the card (its GMV target and budget by channel): "
                "no planning sheet.",
                "活动卡片没有 next_campaign（下次大促的 GMV 目标与分渠道预算），未做测算。",
            )
        )
    if "spend" not in channels or not (channels["spend"].fillna(0) > 0).any():
        raise ValueError(
            bilingual(
                "No channel spent in this campaign: there is no return to plan from.",
                "本次活动没有渠道花费，无投产比可用于测算。",
            )
        )
    be = getattr(margin, "break_even_roas", None)
    be_roas = float(be) if be is not None and be == be and be > 0 else math.nan
    table = planning_m.plan_table(channels[["gmv", "spend"]], dict(plan.budget), be_roas)
    if math.isnan(be_roas):
        table["next_contribution"] = math.nan
    return PlanResult(
        table=table,
        totals=planning_m.plan_totals(table, plan.gmv_target),
        break_even_roas=None if math.isnan(be_roas) else be_roas,
    )

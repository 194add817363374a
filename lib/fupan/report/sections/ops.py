"""The ops sections (issue 13): 活动损益表, 预售, 直播场次, 商品结构, 投放, 目标节奏; 会员 (G7), 控价 (G14).

Each takes its result from :mod:`fupan.analysis.ops` (or the Skip saying why there is none) and
the report's Style; amounts in the report's money style, names from the data (product names,
hosts, tools), labels from the catalogue (:mod:`fupan.i18n.catalogue.ops`).
"""

from __future__ import annotations

import pandas as pd

from ...analysis.results import Skip
from ...analysis.results.ops import (
    LiveResult,
    MembershipResult,
    PacingResult,
    PlanResult,
    PresaleResult,
    PricesResult,
    ServiceResult,
    no_show_ratio,
)
from ...format import Style, pct
from ...i18n import phase_name, pick, t
from ..html import Html
from .notes import skipped_note
from .ops_common import _ratio, _render, _tab
from .ops_money import ads, pnl
from .ops_products import products

__all__ = ["ads", "live", "membership", "pacing", "pnl", "presale", "prices", "products"]


def presale(result: PresaleResult | Skip | None, style: Style) -> Html:
    """预售: deposits, balances, 尾款转化率, the multiplier's cost, GMV by both counting dates."""
    if not isinstance(result, PresaleResult):
        return skipped_note(result, style)
    lang, s = style.lang, result.summary
    unpaid = result.as_of is not None and s.balance_orders == 0  # a war report before any 尾款
    if unpaid:
        lead = [
            t(
                "ops_presale_lead_unpaid",
                lang,
                as_of=result.as_of,
                orders=f"{s.deposit_orders:,}",
                buyers=f"{s.deposit_buyers:,}",
                deposit=style.money(s.deposit_amount),
            )
        ]
    else:
        lead = [
            t(
                "ops_presale_lead" if result.as_of is None else "ops_presale_lead_war",
                lang,
                rate=pct(s.balance_rate),
                paid=f"{s.balance_orders:,}",
                orders=f"{s.deposit_orders:,}",
                gmv=style.money(s.presale_gmv),
                share=pct(s.presale_share),
                as_of=result.as_of,
            )
        ]
    none_yet = "—"  # not measured yet, never 0
    kv = [
        [t("ops_presale_deposit_buyers", lang), f"{s.deposit_buyers:,}"],
        [t("ops_presale_deposit_orders", lang), f"{s.deposit_orders:,}"],
        [t("ops_presale_deposit_amount", lang), style.money(s.deposit_amount)],
        [t("ops_presale_balance_orders", lang), f"{s.balance_orders:,}"],
        [t("ops_presale_balance_amount", lang), style.money(s.balance_amount)],
        [t("ops_presale_rate", lang), none_yet if unpaid else pct(s.balance_rate)],
        [
            t("ops_presale_multiplier", lang, k=f"{result.multiplier:g}"),
            none_yet if unpaid else style.money(s.multiplier_cost),
        ],
        [t("ops_presale_share", lang), none_yet if unpaid else pct(s.presale_share)],
        [
            t("ops_presale_aov", lang),
            f"{style.money(s.presale_aov, 0)} / {style.money(s.spot_aov, 0)}",
        ],
    ]
    d = result.by_date
    win = result.phases
    if win is not None and {"preheat", "baseline"} <= set(win):
        pre, base = (
            d.loc[pd.Timestamp(win[k][0]) : pd.Timestamp(win[k][1])]
            for k in ("preheat", "baseline")
        )
        by_order, by_balance = pre["by_order_time"].mean(), pre["by_balance_paid"].mean()
        base_day = base["by_order_time"].mean()
        # the counting date explains a low preheat only when it is low by the balance-paid date
        # and the deposits' own days sold more
        low = by_balance < base_day and by_order > by_balance
        lead.append(
            t(
                "ops_presale_preheat",
                lang,
                by_order=style.money(by_order),
                by_balance=style.money(by_balance),
                base=style.money(base_day),
            )
            + (t("ops_presale_preheat_low", lang) if low else "")
        )
    top = d.loc[d["moved"].abs().nlargest(6).index].sort_index()
    rows = [
        [
            f"{i:%Y-%m-%d}",
            style.money(r.by_order_time),
            style.money(r.by_balance_paid),
            style.money(r.moved),
        ]
        for i, r in top.iterrows()
    ]
    basis = t(f"ops_basis_{result.gmv_date}", lang)
    return _render(
        style,
        lead,
        [
            _tab(["", ""], kv),
            _tab(
                [
                    t("ops_day", lang),
                    t("ops_by_order_time", lang),
                    t("ops_by_balance_paid", lang),
                    t("ops_shift", lang),
                ],
                rows,
                caption=t("ops_presale_counting", lang, basis=basis),
            ),
        ],
        [t("ops_presale_note", lang)],
    )


def live(result: LiveResult | Skip | None, style: Style) -> Html:
    """直播场次: per host, sessions that did not go live and the day they hit."""
    if not isinstance(result, LiveResult):
        return skipped_note(result, style)
    lang = style.lang
    lead = []
    for e in result.day_effects.itertuples():
        ratio = no_show_ratio(e)
        lead.append(
            t(
                "ops_live_no_show",
                lang,
                date=e.date,
                kind=t(f"ops_kind_{e.kind}", lang),
                gmv=style.money(e.gmv),
                typical=style.money(e.typical),
                ratio=pct(ratio, 0),
                hosts=e.hosts,
            )
        )
    if not lead:
        lead.append(t("ops_live_all_live", lang))
    rows = [
        [
            h.host,
            t(f"ops_kind_{h.kind}", lang),
            f"{int(h.sessions)}",
            f"{int(h.no_show)}",
            style.money(h.gmv),
            f"{int(h.orders):,}",
            pct(h.conversion),
            style.money(h.gpm),  # one decimal: ¥1.1万 and ¥1.2万, not ¥1万 for both
            pct(h.follow_rate),
            style.money(h.cost) if h.cost > 0 else "—",
            _ratio(h.roi),
        ]
        for h in result.hosts.itertuples()
    ]
    header = (
        [t(k, lang) for k in ("ops_host", "ops_kind", "ops_sessions", "ops_no_show")]
        + ["GMV"]
        + [
            t(k, lang)
            for k in (
                "ops_orders",
                "ops_conversion",
                "ops_gpm",
                "ops_follow_rate",
                "ops_cost",
                "ops_roi",
            )
        ]
    )
    return _render(style, lead, [_tab(header, rows)], [t("ops_live_note", lang)])


def pacing(result: PacingResult | Skip | None, style: Style) -> Html:
    """目标节奏: the daily war report, the gap by channel, the channels the plan forgot."""
    if not isinstance(result, PacingResult):
        return skipped_note(result, style)
    lang = style.lang
    rep, ch = result.report, result.channels
    last = rep.iloc[-1]
    planned = ch[ch["planned"]]
    worst = planned.index[0] if len(planned) else None
    lead = (
        []
        if worst is None
        else [
            t(
                "ops_pacing_lead" if result.as_of is None else "ops_pacing_lead_war",
                lang,
                done=pct(last["achievement"]),  # the plan's last day: all of it, all its days
                plan=style.money(float(ch["plan"].fillna(0).sum())),  # a war report's, to date
                channel=style.channel(worst),
                gap=style.money(planned.at[worst, "gap"]),
                ach=pct(planned.at[worst, "achievement"], 0),
            )
        ]
    )
    daygap = (rep["actual"] - rep["target"]).sort_values()
    day_text = {
        "day": f"{pd.Timestamp(daygap.index[0]):%m-%d}",
        "daygap": style.money(daygap.iloc[0]),
    }
    f = result.factors
    if f is not None and worst in f.index and isinstance(f.at[worst, "factor"], str):
        k = f.at[worst, "factor"]
        lead.append(
            t(
                "ops_pacing_factor",
                lang,
                channel=style.channel(worst),
                factor=t(f"factor_{k}", lang),
                effect=style.money(f.at[worst, f"{k}_effect"]),
                **day_text,
            )
        )
    else:
        lead.append(t("ops_pacing_worst_day", lang, **day_text))
    if result.plan_days and result.campaign_days and result.plan_days != result.campaign_days:
        lead.append(  # two achievements side by side: say they cover different days
            t(
                "ops_pacing_other_days",
                lang,
                plan_from=result.plan_days[0],
                plan_to=result.plan_days[1],
                from_=result.campaign_days[0],
                to=result.campaign_days[1],
            )
        )
    plan_total = float(ch["plan"].fillna(0).sum())
    if result.plan_ahead is not None:  # a war report: what the plan still asks, day by day
        days, ahead = result.plan_ahead
        lead.insert(
            0,
            t(
                "ops_pacing_war",
                lang,
                as_of=result.as_of,
                done=pct(last["achievement"]),
                planned=pct(last["plan_progress"]),
                elapsed=pct(last["time_progress"], 0),
                days=days,
                ahead=style.money(ahead),
                per_day=style.money(ahead / days) if days else "—",
            ),
        )
        plan_total += ahead  # the whole plan, against the card's target below
    target = result.card_target
    if target and plan_total > 0 and abs(plan_total / target - 1) > 0.005:
        lead.append(  # two achievement rates on one page: say why they differ
            t(
                "ops_pacing_plan_total",
                lang,
                plan=style.money(plan_total),
                target=style.money(target),
                diff=style.money(target - plan_total),
            )
        )
    if result.unplanned:
        gmv = float(ch.loc[list(result.unplanned), "actual"].sum())
        lead.append(
            t(
                "ops_pacing_unplanned",
                lang,
                channels=style.pick("、", ", ").join(style.channel(c) for c in result.unplanned),
                gmv=style.money(gmv),
            )
        )
    rows = [
        [
            f"{pd.Timestamp(d):%m-%d}",
            style.money(r.target),
            style.money(r.actual),
            style.money(r.cum_target),
            style.money(r.cum_actual),
            pct(r.achievement),
            pct(r.plan_progress),
            pct(r.time_progress, 0),
        ]
        for d, r in rep.iterrows()
    ]
    crow = [
        [
            style.channel(c),
            style.money(r["plan"]) if r["planned"] else "—",
            style.money(r["actual"]),
            style.money(r["gap"]) if r["planned"] else "—",
            pct(r["achievement"], 0),
        ]
        for c, r in ch.iterrows()
    ]
    basis = t(f"ops_basis_{result.gmv_date}", lang)
    return _render(
        style,
        lead,
        [
            _tab(
                [
                    t("ops_channel", lang),
                    t("ops_plan_gmv", lang),
                    t("ops_actual", lang),
                    t("ops_shift", lang),
                    t("ops_achievement", lang),
                ],
                crow,
            ),
            *(
                []
                if f is None
                else [
                    _tab(
                        [t("ops_channel", lang), t("ops_shift", lang)]
                        + [t(f"ops_{k}_effect", lang) for k in ("visitors", "conversion", "aov")],
                        [
                            [style.channel(c), style.money(r["gap"])]
                            + [
                                style.money(r[f"{k}_effect"])
                                for k in ("visitors", "conversion", "aov")
                            ]
                            for c, r in f.iterrows()
                        ],
                    )
                ]
            ),
            _tab(
                [
                    t(k, lang)
                    for k in (
                        "ops_day",
                        "ops_target",
                        "ops_actual",
                        "ops_cum_target",
                        "ops_cum_actual",
                        "ops_achievement",
                        "ops_plan_progress",
                        "ops_time_progress",
                    )
                ],
                rows,
            ),
        ],
        [
            t(
                "ops_pacing_note",
                lang,
                basis=basis,
                source=t(f"ops_plan_from_{result.plan_source}", lang),
            )
        ]
        # counted on the balance day, the plan must be too: a plan by order day reads the
        # pre-heat behind and the balance day ahead (the demo's plan showed 11.4 % at 10-31
        # where the order-day figure was 22.9 %)
        + ([t("ops_pacing_balance_plan", lang)] if result.gmv_date == "balance_paid" else [])
        + ([] if f is None else [t("ops_factor_note", lang)]),
    )


def membership(result: MembershipResult | Skip | None, style: Style) -> Html:
    """会员: per window joins, join rate, members' share of GMV, 客单价 and repeat buying against
    the other orders', new customers who joined; the campaign's join channels."""
    if not isinstance(result, MembershipResult):
        return skipped_note(result, style)
    lang, table = style.lang, result.table
    lead = []
    if "campaign" in table.index:
        c = table.loc["campaign"]
        lead.append(
            t(
                "ops_members_lead",
                lang,
                new=f"{int(c.new_members):,}",
                rate=pct(c.join_rate),
                share=pct(c.member_share),
                m_aov=style.money(c.member_aov),
                o_aov=style.money(c.other_aov),
                new_join=pct(c.new_join_rate),
            )
        )
    rows = [
        [
            phase_name(str(w), lang),
            f"{int(r.new_members):,}",
            "—" if r.visitors != r.visitors else f"{int(r.visitors):,}",
            pct(r.join_rate),
            pct(r.member_share),
            style.money(r.member_aov),
            style.money(r.other_aov),
            pct(r.member_repeat),
            pct(r.other_repeat),
            pct(r.new_join_rate),
        ]
        for w, r in table.iterrows()
    ]
    keys = ("new", "visitors", "join_rate", "share", "aov", "other_aov", "repeat", "other_repeat")
    header = [t("ops_members_window", lang)] + [t(f"ops_members_{k}", lang) for k in keys]
    tables = [_tab([*header, t("ops_members_new_join", lang)], rows)]
    if result.channels is not None and not result.channels.empty:
        total = float(result.channels["new_members"].sum())
        tables.append(
            _tab(
                [t("ops_members_channel", lang), t("ops_members_new", lang), "%"],
                [
                    [str(c.join_channel), f"{int(c.new_members):,}", pct(c.new_members / total)]
                    for c in result.channels.itertuples()
                ],
                t("ops_members_channels", lang),
            )
        )
    return _render(style, lead, tables, [t("ops_members_note", lang)])


#: undercuts listed under the price section's SKU table
BREACH_ROWS = 10


def prices(result: PricesResult | Skip | None, style: Style) -> Html:
    """价格力与控价: SKUs sold below the shop's own 到手价, the deepest undercuts, cheaper rivals."""
    if not isinstance(result, PricesResult):
        return skipped_note(result, style)
    lang, b, skus = style.lang, result.breaches, result.skus
    if len(b):
        top = b.iloc[0]
        lead = [
            t(
                "ops_prices_lead",
                lang,
                n=b["sku"].nunique(),
                days=len(b[["date", "sku"]].drop_duplicates()),
                seller=top.seller,
                date=f"{top.date:%Y-%m-%d}",
                sku=top.sku,
                price=style.money(top.price, 2),
                own=style.money(top.own_price, 2),
                gap=pct(top.gap),
            )
        ]
    else:
        lead = [t("ops_prices_none", lang, n=len(skus))]
    c = result.competitor
    if len(c):
        pairs = len(c[["date", "sku"]].drop_duplicates())
        lead.append(t("ops_prices_competitor", lang, days=pairs, n=c["sku"].nunique()))
    keys = ("sku", "name", "days", "own", "breach_days", "lowest", "seller", "competitor_days")
    header = [t(f"ops_prices_{k}", lang) for k in (*keys, "gmv_breach", "gmv_other")]
    rows = [
        [
            str(r.sku),
            str(r.name) if isinstance(r.name, str) else "—",
            f"{int(r.days)}",
            style.money(r.own_price, 2),
            f"{int(r.breach_days)}",
            style.money(r.lowest, 2),
            str(r.lowest_seller) if isinstance(r.lowest_seller, str) else "—",
            f"{int(r.competitor_days)}",
            style.money(r.gmv_breach) if r.breach_days > 0 else "—",
            style.money(r.gmv_other),
        ]
        for r in skus.itertuples()
    ]
    tables = [_tab(header, rows)]
    if len(b):
        tables.append(
            _tab(
                [t(f"ops_prices_{k}", lang) for k in ("date", "sku", "seller", "type", "price")]
                + [t("ops_prices_own_day", lang), t("ops_prices_gap", lang)],
                [
                    [
                        f"{x.date:%Y-%m-%d}",
                        str(x.sku),
                        str(x.seller),
                        t(f"ops_seller_{x.seller_type}", lang),
                        style.money(x.price, 2),
                        style.money(x.own_price, 2),
                        pct(x.gap),
                    ]
                    for x in b.head(BREACH_ROWS).itertuples()
                ],
                t("ops_prices_breaches", lang, n=min(BREACH_ROWS, len(b))),
            )
        )
    return _render(style, lead, tables, [t("ops_prices_note", lang)])


def _campaign_and_baseline(table: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """The campaign's and the baseline's rows of a per-window table (None without either)."""
    if "campaign" in table.index and "baseline" in table.index:
        return table.loc["campaign"], table.loc["baseline"]
    return None


#: SKUs listed in the service section's refund table (most refunded first)
REFUND_SKU_ROWS = 10


def _shipping_part(result: ServiceResult, style: Style) -> tuple[list[str], list[dict]]:
    """The shipping lead sentences and table (none without ship times)."""
    lang, table = style.lang, result.shipping
    if table is None:
        return [], []
    lead = []
    if (pair := _campaign_and_baseline(table)) is not None:
        c, b = pair
        lead.append(
            t(
                "ops_service_ship_lead",
                lang,
                rate=pct(c.ship_48),
                base=pct(b.ship_48),
                median=_ratio(c.median_hours, 1),
                base_median=_ratio(b.median_hours, 1),
            )
        )
    if result.worst is not None:
        w = result.worst
        lead.append(
            t(
                "ops_service_worst_day",
                lang,
                date=f"{pd.Timestamp(w['date']):%Y-%m-%d}",
                orders=f"{int(w['due_48']):,}",
                rate=pct(float(w["ship_48"])),
            )
        )
    keys = ("orders", "ship_24", "ship_48", "median", "p90", "unshipped", "refunded_unshipped")
    rows = [
        [
            phase_name(str(w), lang),
            f"{int(r.orders):,}",
            pct(r.ship_24),
            pct(r.ship_48),
            _ratio(r.median_hours, 1),
            _ratio(r.p90_hours, 1),
            f"{int(r.unshipped):,}",
            f"{int(r.refunded_unshipped):,}",
        ]
        for w, r in table.iterrows()
    ]
    header = [t("ops_members_window", lang)] + [t(f"ops_service_{k}", lang) for k in keys]
    return lead, [_tab(header, rows, t("ops_service_ship_caption", lang))]


def _refund_part(result: ServiceResult, style: Style) -> tuple[list[str], list[dict]]:
    """The refund lead sentence and the tables by channel and by SKU (none without refunds)."""
    lang = style.lang
    if result.channels is None or result.channels.empty:
        return [], []
    ch = result.channels
    lead = []
    judged = ch[ch["change"].notna()]
    if len(judged):
        top = judged.loc[judged["change"].idxmax()]
        lead.append(
            t(
                "ops_service_refund_lead",
                lang,
                channel=style.channel(top.channel),
                rate=pct(top.refund_rate),
                base=pct(top.base_refund_rate),
            )
        )
    keys = ("gmv", "refunds", "refund_rate", "base_refund_rate", "change")

    def cells(r: object) -> list[str]:
        change = r.change  # type: ignore[attr-defined]
        return [
            style.money(r.gmv),  # type: ignore[attr-defined]
            style.money(r.refunds),  # type: ignore[attr-defined]
            pct(r.refund_rate),  # type: ignore[attr-defined]
            pct(r.base_refund_rate),  # type: ignore[attr-defined]
            "—" if change != change else f"{change * 100:+.1f}pt",
        ]

    header = [t(f"ops_service_{k}", lang) for k in keys]
    tables = [
        _tab(
            [t("ops_channel", lang), *header],
            [[style.channel(r.channel), *cells(r)] for r in ch.itertuples()],
            t("ops_service_refund_channels", lang),
        )
    ]
    if result.skus is not None and not result.skus.empty:
        named = "name" in result.skus.columns
        top = result.skus.head(REFUND_SKU_ROWS)
        tables.append(
            _tab(
                [t("ops_prices_sku", lang)]
                + ([t("ops_prices_name", lang)] if named else [])
                + header,
                [
                    [str(r.sku)]
                    + ([str(r.name) if isinstance(r.name, str) else "—"] if named else [])
                    + cells(r)
                    for r in top.itertuples()
                ],
                t("ops_service_refund_skus", lang, n=len(top)),
            )
        )
    return lead, tables


def _service_part(result: ServiceResult, style: Style) -> tuple[list[str], list[dict]]:
    """The customer-service lead sentence and table (none without service_daily)."""
    lang, table = style.lang, result.service
    if table is None:
        return [], []
    lead = []
    if (pair := _campaign_and_baseline(table)) is not None:
        c, b = pair
        lead.append(
            t(
                "ops_service_cs_lead",
                lang,
                cr=pct(c.inquiry_cr),
                base_cr=pct(b.inquiry_cr),
                resp=_ratio(c.first_response, 0),
                base_resp=_ratio(b.first_response, 0),
                bad=pct(c.bad_review_rate),
                base_bad=pct(b.bad_review_rate),
            )
        )

    def count(x: float) -> str:
        return "—" if x != x else f"{int(x):,}"

    keys = ("days", "inquiries", "inquiry_cr", "first_response", "bad_review_rate", "dsr")
    rows = [
        [
            phase_name(str(w), lang),
            f"{int(r.days)}",
            count(r.inquiries),
            pct(r.inquiry_cr),
            _ratio(r.first_response, 0),
            pct(r.bad_review_rate),
            _ratio(r.dsr, 2),
            _ratio(r.dsr_last, 2),
        ]
        for w, r in table.iterrows()
    ]
    header = [t("ops_members_window", lang)] + [t(f"ops_service_{k}", lang) for k in keys]
    header.append(t("ops_service_dsr_last", lang))
    return lead, [_tab(header, rows, t("ops_service_cs_caption", lang))]


def service(result: ServiceResult | Skip | None, style: Style) -> Html:
    """服务与履约: shipping times by window, refunds by channel and SKU, service and reviews; each
    part not measured says why."""
    if not isinstance(result, ServiceResult):
        return skipped_note(result, style)
    lead: list[str] = []
    tables: list[dict] = []
    for part in (_shipping_part, _refund_part, _reason_part, _service_part):
        more_lead, more_tables = part(result, style)
        lead += more_lead
        tables += more_tables
    notes = [t("ops_service_note", style.lang)]
    notes += [pick(why, style.lang) for why in result.missing.values()]
    if result.unmatched:
        notes.append(t("ops_service_unmatched", style.lang, n=f"{result.unmatched:,}"))
    return _render(style, lead, tables, notes)


#: reasons listed in the service section's refund-reason table (largest amount first)
REASON_ROWS = 12


def _reason_part(result: ServiceResult, style: Style) -> tuple[list[str], list[dict]]:
    """The refund-reason lead and table (none without the refunds table)."""
    from ...analysis.ops import WITHHELD

    lang, r = style.lang, result.reasons
    if r is None or r.empty:
        return [], []

    def name(reason: str) -> str:
        return t("ops_service_withheld", lang) if reason == WITHHELD else reason

    top = r.iloc[0]
    timed = float(r["timed"].sum())
    lead = [
        t(
            "ops_service_reason_lead",
            lang,
            reason=name(top.reason),
            share=pct(top.amount_share),
            before=pct(float(r["before_ship"].sum()) / timed) if timed > 0 else "—",
        )
    ]
    keys = ("reason", "refunds", "amount", "amount_share", "refund_only", "before_ship")
    rows = [
        [
            name(x.reason),
            f"{int(x.refunds):,}",
            style.money(x.amount),
            pct(x.amount_share),
            pct(x.refund_only_share),
            pct(x.before_ship_share),
        ]
        for x in r.head(REASON_ROWS).itertuples()
    ]
    header = [t(f"ops_service_r_{k}", lang) for k in keys]
    return lead, [_tab(header, rows, t("ops_service_reasons", lang))]


def next_plan(result: PlanResult | Skip | None, style: Style) -> Html:
    """下次大促测算: the next campaign's budget by channel at this campaign's returns, the projected
    GMV against its target, and what would close the gap; the assumptions said."""
    if not isinstance(result, PlanResult):
        return skipped_note(result, style)
    lang, tab, tot = style.lang, result.table, result.totals

    def money(x: float | None) -> str:
        return "—" if x is None or x != x else style.money(x)

    lead = []
    if tot["next_gmv"] is not None:
        lead.append(
            t(
                "ops_next_lead",
                lang,
                budget=money(tot["next_budget"]),
                spend=money(tot["spend"]),
                gmv=money(tot["next_gmv"]),
                now=money(tot["gmv"]),
            )
        )
    else:
        lead.append(t("ops_next_unmeasured", lang))
    if tot["gap"] is not None:
        if tot["gap"] > 0:
            key = "ops_next_gap" if tot["extra_budget"] is not None else "ops_next_gap_no_channel"
            lead.append(
                t(
                    key,
                    lang,
                    target=money(tot["target"]),
                    gap=money(tot["gap"]),
                    extra=money(tot["extra_budget"]),
                    channel=style.channel(tot["best_channel"]) if tot["best_channel"] else "—",
                    roas=_ratio(tot["best_roas"]),
                )
            )
        else:
            lead.append(t("ops_next_covered", lang, target=money(tot["target"])))
    below = [
        c
        for c, r in tab.iterrows()
        if r.next_contribution == r.next_contribution and r.next_contribution < 0
    ]
    if below:
        names = style.pick("、", ", ").join(style.channel(c) for c in below)
        lead.append(t("ops_next_below", lang, channels=names))
    rows = [
        [
            style.channel(c),
            money(r.gmv),
            money(r.spend) if r.spend > 0 else "—",
            _ratio(r.roas),
            money(r.next_budget) if r.next_budget > 0 or r.spend > 0 else "—",
            money(r.next_gmv),
            money(r.next_contribution),
        ]
        for c, r in tab.iterrows()
    ]
    keys = ("gmv", "spend", "roas", "next_budget", "next_gmv", "contribution")
    header = [t("ops_channel", lang)] + [t(f"ops_next_{k}", lang) for k in keys]
    notes = [t("ops_next_note", lang, be=_ratio(result.break_even_roas))]
    return _render(style, lead, [_tab(header, rows)], notes)

"""The money ops sections (issue 13): 活动损益表 (did we make money) and 投放 (ads by channel,
tool and plan, 费比, break-even ROAS, attribution)."""

from __future__ import annotations

from typing import Any

from ...analysis.results import Skip
from ...analysis.results.ops import (
    AdsResult,
    PnlResult,
)
from ...format import Style, number, pct
from ...i18n import t
from ..html import Html
from .notes import skipped_note
from .ops_common import _ratio, _render, _tab


def pnl(result: PnlResult | Skip | None, style: Style) -> Html:
    """活动损益表: did we make money — every line with its source and assumption."""
    if not isinstance(result, PnlResult):
        return skipped_note(result, style)
    lang, st = style.lang, result.statement
    gmv = st.amount("gmv") or 0.0
    key = "ops_pnl_made" if result.made_money else "ops_pnl_lost"
    lead = [
        t(
            key,
            lang,
            profit=style.money(st.contribution),
            margin=pct(st.contribution / gmv if gmv else None),
        )
    ]
    if st.missing:
        lead.append(
            t(
                "ops_pnl_missing",
                lang,
                lines=style.pick("、", ", ").join(
                    t(f"pnl_{k}", lang).strip("−+= ") for k in st.missing
                ),
            )
        )
    x = result.inputs
    rates = {
        "payment_fees": {"rate": pct(x.payment_fee_rate, 1)},
        "platform_fees": {
            "rate": pct(x.commission_rate, 1),
            "fees": style.money(x.fees),
        },
        "logistics": {
            "rate": style.money(x.logistics_per_order, 2),
            "orders": f"{x.shipped_orders:,}",
        },
    }
    rows = []
    for line in st.lines:
        akey = f"pnl_a_{line.key}" + (
            f"_{result.coupon_source}" if line.key == "coupons_gifts" else ""
        )
        if line.key == "platform_fees" and not result.fees_stated:
            akey = "pnl_a_platform_fees_no_fees"  # no fees in the card: not '+ fees ¥0.0'
        if line.key == "platform_fees" and x.commission_rate is None:
            akey = "pnl_a_platform_fees"
        assume = t(akey, lang, **rates.get(line.key, {}))
        amount = (
            style.money(line.amount, 2) if line.amount is not None else t("pnl_not_given", lang)
        )
        label = t(f"pnl_{line.key}", lang)
        if line.key in ("net_sales", "contribution"):
            label, amount = f"【{label}】", f"【{amount}】"
        rows.append([label, amount, t(f"pnl_src_{line.key}", lang), assume])
    tables = [
        _tab(
            [
                t("ops_pnl_line", lang),
                t("ops_amount", lang),
                t("ops_source", lang),
                t("ops_assumption", lang),
            ],
            rows,
        )
    ]
    notes = [t("ops_pnl_window", lang, start=result.window[0], end=result.window[1])]
    if result.kol_channels:  # the KOL's fee may be in the spend table too: say where to look
        notes.append(
            t(
                "ops_pnl_kol_overlap",
                lang,
                channels=style.pick("、", ", ").join(style.channel(c) for c in result.kol_channels),
                spend=style.money(result.kol_channel_spend),
            )
        )
    if result.coupons is not None:
        tables.append(_coupon_table(result.coupons, style))
        notes.append(t("ops_coupon_note", lang))
    return _render(style, lead, tables, notes)


def _coupon_table(c: Any, style: Style) -> dict[str, Any]:
    lang = style.lang
    keys = ("ops_coupon", "ops_coupon_type", "ops_funded_by", "ops_issued", "ops_claimed")
    header = [t(k, lang) for k in (*keys, "ops_redeemed", "ops_claim_rate", "ops_redemption_rate")]
    rows = [
        [
            r.get("coupon_id"),
            r.get("type") or "—",
            t(f"funded_{r['funded_by']}", lang)
            if r.get("funded_by") in ("shop", "platform")
            else "—",
            number(r["issued"]),
            number(r["claimed"]),
            number(r["redeemed"]),
            pct(r["claim_rate"]),
            pct(r["redemption_rate"]),
        ]
        for r in c.to_dict(orient="records")
    ]
    return _tab(header, rows, t("ops_coupons", lang))


def ads(result: AdsResult | Skip | None, style: Style) -> Html:
    """投放: by channel with 费比 and the break-even verdict, by tool and plan, attribution gap."""
    if not isinstance(result, AdsResult):
        return skipped_note(result, style)
    lang = style.lang
    below = style.pick("、", ", ").join(style.channel(c) for c in result.below_break_even) or t(
        "ops_none", lang
    )
    if not result.breaks_even:
        lead = [
            t(
                "ops_ads_every_unit_loses",
                lang,
                d=pct(result.discount_depth),
                m=pct(result.unit_margin),
                below=below,
            )
        ]
    elif result.break_even_roas is not None:
        lead = [
            t(
                "ops_ads_lead",
                lang,
                be=f"{result.break_even_roas:.2f}",
                d=pct(result.discount_depth),
                m=pct(result.unit_margin),
                below=below,
            )
        ]
    else:
        lead = [t("ops_ads_no_be", lang)]
    if result.unmatched:
        names = style.pick("、", ", ").join(style.channel(c) for c in result.unmatched)
        lead.append(t("ops_ads_unmatched", lang, channels=names))
    yes_no = {True: t("ops_yes", lang), False: t("ops_no", lang), None: "—"}
    rows = [
        [
            style.channel(c),
            style.money(r["spend"]),
            style.money(r["gmv"]),
            _ratio(r["roas"]),
            pct(r["spend_ratio"]),
            pct(r["ctr"], 2),
            style.money(r["cpc"], 2),
            style.money(r["cpm"], 1),
            pct(r["click_cvr"], 2),
            style.money(r["cost_per_order"], 1),
            style.money(r["cost_per_new"], 1),
            yes_no[r["below_break_even"]],
        ]
        for c, r in result.channels.iterrows()
    ]
    keys = ("ops_spend",)
    header = [t("ops_channel", lang), *(t(k, lang) for k in keys), "GMV"] + [
        t(k, lang)
        for k in (
            "ops_roas",
            "ops_spend_ratio",
            "ops_ctr",
            "ops_cpc",
            "ops_cpm",
            "ops_click_cvr",
            "ops_cpo",
            "ops_cpn",
            "ops_below",
        )
    ]
    tables = [_tab(header, rows)]
    notes = [t("ops_ads_note", lang)]
    if result.tools is not None:
        tl = result.tools
        trows = [
            [
                r.get("tool", "—"),
                r.get("plan_id", "—"),
                style.money(r["spend"]),
                style.money(r.get("attributed_gmv")),
                _ratio(r.get("attributed_roas")),
            ]
            for r in tl.to_dict(orient="records")
        ]
        tables.append(
            _tab(
                [
                    t(k, lang)
                    for k in (
                        "ops_tool",
                        "ops_plan",
                        "ops_spend",
                        "ops_attributed_gmv",
                        "ops_attributed_roas",
                    )
                ],
                trows,
            )
        )
    if result.attribution is not None:
        arows = [
            [
                style.channel(c),
                style.money(r["attributed_gmv"]),
                style.money(r["order_gmv"]),
                pct(r["gap"], 0),
            ]
            for c, r in result.attribution.iterrows()
        ]
        tables.append(
            _tab(
                [
                    t(k, lang)
                    for k in ("ops_channel", "ops_attributed_gmv", "ops_order_gmv", "ops_gap")
                ],
                arows,
            )
        )
        notes.append(t("ops_ads_attr_note", lang, window="15d"))
    return _render(style, lead, tables, notes)

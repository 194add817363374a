"""The 商品结构 section (issue 13): concentration, 连带率, heroes against plan, their funnel."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...analysis.results import Skip
from ...analysis.results.ops import ProductsResult
from ...format import Style, number, pct
from ...i18n import t
from ..html import Html
from .notes import skipped_note
from .ops_common import _render, _tab


def _role(role: object, lang: str) -> str:
    return t(f"role_{role}", lang) if isinstance(role, str) and role else "—"


def _name(row: Any) -> str:
    name = getattr(row, "name", None)
    return str(name) if isinstance(name, str) and name else str(row.sku)


def products(result: ProductsResult | Skip | None, style: Style) -> Html:
    """商品结构: concentration, 连带率, the heroes against their plan, the top SKUs."""
    if not isinstance(result, ProductsResult):
        return skipped_note(result, style)
    lang = style.lang
    ts = result.top_share
    lead = [
        t(
            "ops_products_lead",
            lang,
            t1=pct(ts.get(1)),
            t5=pct(ts.get(5)),
            t10=pct(ts.get(10)),
            upo=f"{result.units_per_order:.2f}",
        )
    ]
    h = result.heroes
    if "first_out" in h:
        for r in h[h["days_out"] > 0].itertuples():
            lead.append(
                t(
                    "ops_products_sellout",
                    lang,
                    product=t("product_label", lang, name=_name(r), sku=r.sku),
                    when=f"{pd.Timestamp(r.first_out):%Y-%m-%d}",
                    days=int(r.days_out),
                    st=pct(r.sell_through, 0),
                )
            )
    if result.hero_stockout_rate is not None:
        lead.append(t("ops_products_hero_rate", lang, rate=pct(result.hero_stockout_rate)))
    hero_rows = [
        [
            r.sku,
            _name(r),
            _role(r.role, lang),
            style.money(r.gmv),
            f"{int(r.units):,}",
            number(r.planned_stock) if pd.notna(r.planned_stock) else "—",
            pct(r.sell_through, 0),
            f"{int(r.days_out)}" if "days_out" in h and pd.notna(r.days_out) else "—",
            f"{pd.Timestamp(r.first_out):%Y-%m-%d}"
            if "first_out" in h and pd.notna(r.first_out)
            else "—",
        ]
        for r in h.itertuples()
    ]
    top_rows = [
        [
            r.sku,
            _name(r),
            _role(r.role, lang),
            style.money(r.gmv),
            pct(r.gmv_share),
            pct(r.discount_depth),
            pct(r.margin),
            pct(r.sell_through, 0),
        ]
        for r in result.skus.head(10).itertuples()
    ]
    hdr = ["SKU", t("ops_name", lang), t("ops_role", lang), "GMV"]
    tables = []
    if hero_rows:
        heads = (
            "ops_units",
            "ops_planned_stock",
            "ops_sell_through",
            "ops_days_out",
            "ops_first_out",
        )
        tables.append(_tab(hdr + [t(k, lang) for k in heads], hero_rows, t("ops_heroes", lang)))
    else:  # said once, instead of a table of headers only
        lead.append(t("ops_no_heroes", lang))
    top = ("ops_gmv_share", "ops_discount_depth", "ops_margin", "ops_sell_through")
    tables.append(_tab(hdr + [t(k, lang) for k in top], top_rows, t("ops_top_skus", lang)))
    if "viewers" in h:
        frows = [
            [
                r.sku,
                _name(r),
                number(r.viewers),
                number(r.carters),
                number(r.buyers),
                pct(r.view_to_cart),
                pct(r.cart_to_order),
            ]
            for r in h.itertuples()
        ]
        keys = ("ops_viewers", "ops_carters", "ops_buyers", "ops_view_to_cart", "ops_cart_to_order")
        header = ["SKU", t("ops_name", lang), *(t(k, lang) for k in keys)]
        tables.append(_tab(header, frows, t("ops_sku_funnel", lang)))
    notes = [t("ops_products_note", lang)] + (
        [] if result.named else [t("ops_products_unnamed", lang)]
    )
    return _render(style, lead, tables, notes)

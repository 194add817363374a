"""Customers: new-customer quality, RFM segments and cohorts, customer value (BG/NBD × Gamma–Gamma)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from markupsafe import Markup

from ...analysis.findings import REPEAT_ALPHA
from ...analysis.results import Audiences, CustomerAnalysis, CustomerValue, Skip
from ...format import Style, number, pct
from ...i18n import CATALOGUE, kpi_name, pick, t
from .. import charts
from ..html import Html, Section, fragment, note

#: With less order history than this before the campaign, some of its "new" buyers had bought
#: before the data begin (classify_customers' lookback): the section says so.
NEW_LOOKBACK_DAYS = 365


def cohort_name(cohort: str, lang: str) -> str:
    """活动新客 / Campaign new …; an unknown cohort by its key."""
    return t(f"cohort_{cohort}", lang) if f"cohort_{cohort}" in CATALOGUE else cohort


def new_customer_quality(c: CustomerAnalysis | Skip, style: Style) -> Html:
    """Campaign vs organic new customers: censored repeat rates, net per customer, z-test; the
    reason when the customer analysis was skipped."""
    if isinstance(c, Skip):
        return note(c.text(style.lang))
    if c.quality is None:  # a cohort without customers: nothing to compare
        return note(pick(c.quality_note, style.lang))
    lang, rep = style.lang, c.repeat
    header: list[Any] = [
        "",
        *[t("ncq_repeat_k", lang, k=k) for k in rep.index.get_level_values("k").unique()],
    ]
    rows: list[list[Any]] = []
    for cohort in ("campaign_new", "baseline_new"):
        cells = [
            Markup("{} <span class='fp-note'>n={}</span>").format(
                pct(row.rate), f"{int(row.n_eligible):,}"
            )
            if row.n_eligible
            else t("ncq_censored_long", lang)
            for _k, row in rep.loc[cohort].iterrows()
        ]
        rows.append([cohort_name(cohort, lang), *cells])
    mpc = c.margin_per_customer
    assert mpc is not None  # computed whenever quality is
    header.append(t("ncq_margin_per_customer", lang, days="/".join(f"{k}" for k in mpc.index)))
    for row, cohort in zip(rows, ("campaign_new", "baseline_new"), strict=True):
        row.append(
            " / ".join(
                style.money(mpc.at[k, cohort], digits=0)
                if mpc.at[k, f"{cohort}_n"]
                else t("ncq_censored", lang)
                for k in mpc.index
            )
        )
    return fragment(
        "new_customer_quality", style, c=c, header=header, rows=rows, alpha=REPEAT_ALPHA
    )


def audiences(a: Audiences | Skip, style: Style) -> Html:
    """新老客结构与沉睡唤醒: buyers, orders, GMV and its share, and AOV of the campaign's new,
    returning and reactivated buyers; the dormant pool and how many of it bought, or why that was
    not measured."""
    if isinstance(a, Skip):
        return note(a.text(style.lang))
    lang, m = style.lang, a.mix
    buyers = m.table["buyers"].sum()
    rows = [
        [
            t(f"aud_{k}", lang, days=m.dormant_days),
            f"{int(r.buyers):,}",
            pct(r.buyers / buyers if buyers else float("nan")),
            f"{int(r.orders):,}",
            style.money(r.gmv),
            pct(r.gmv_share),
            style.money(r.aov, digits=0),
            style.money(r.aov_buyer, digits=0),
        ]
        for k, r in m.table.iterrows()
    ]
    header = [
        t("aud_audience", lang),
        t("aud_buyers", lang),
        t("aud_buyer_share", lang),
        t("aud_orders", lang),
        "GMV",
        t("aud_gmv_share", lang),
        kpi_name("aov", lang),
        kpi_name("aov_buyer", lang),
    ]
    before = (pd.Timestamp(a.start) - m.history_start).days  # days of history before the campaign
    short = (
        t("aud_short_history", lang, start=m.history_start.date(), days=before)
        if before < NEW_LOOKBACK_DAYS
        else ""
    )
    if m.dormant is None:
        said = t("aud_not_measured", lang, start=m.history_start.date(), days=m.dormant_days)
    elif not m.dormant:
        said = t("aud_no_dormant", lang, days=m.dormant_days)
    else:
        said = t(
            "aud_reactivation",
            lang,
            days=m.dormant_days,
            dormant=f"{m.dormant:,}",
            reactivated=f"{m.reactivated or 0:,}",
            rate=pct(m.rate),
        )
    return fragment("audiences", style, header=header, rows=rows, said=short + said, a=a)


def rfm_table(c: CustomerAnalysis, style: Style) -> Html:
    """Customers per RFM segment with their mean R, F, M and the suggested action."""
    rows = [
        [
            style.segment(s),
            f"{int(r.customers):,}",
            pct(r.share),
            number(r.recency, 0),
            number(r.frequency, 1),
            style.money(r.monetary, digits=0),
            r.hint_zh if style.zh else r.hint_en,
        ]
        for s, r in c.rfm.iterrows()
    ]
    return fragment("rfm_table", style, c=c, rows=rows, nan=float("nan"))


def rfm(c: CustomerAnalysis | Skip, style: Style) -> Section:
    """RFM segments (chart and table) and monthly cohort retention; nothing when the customer
    analysis was skipped (its reason is shown under 新客质量)."""
    if isinstance(c, Skip):
        return ()
    through = c.cohorts_partial_through
    out: tuple[Any, ...] = (
        charts.rfm_segments(c.rfm, style),
        rfm_table(c, style),
        charts.cohort_heatmap(c.cohorts, style, partial=through is not None),
    )
    if through is not None:
        text = t("cohort_partial_month", style.lang, date=through.strftime("%Y-%m-%d"))
        out += (Html(Markup("<p class='fp-note'>{}</p>").format(text)),)
    return out


def customer_value(v: CustomerValue | Skip, style: Style) -> Html:
    """Predicted repeat purchases and value per customer by cohort (BG/NBD × Gamma–Gamma); the
    reason, in the report's language, instead of any number of a model that could not be fitted."""
    if isinstance(v, Skip):
        return note(
            t(
                "clv_skipped",
                style.lang,
                reason=v.text(style.lang) or t("not_enough_data", style.lang),
            )
        )
    rows = [
        [
            cohort_name(str(c), style.lang),
            f"{int(r.customers):,}",
            pct(r.p_alive),
            f"{r.purchases:.2f}" if math.isfinite(r.purchases) else "—",
            style.money(r.spend_per_purchase, digits=0),
            style.money(r.value, digits=0),
        ]
        for c, r in v.table.iterrows()
    ]
    return fragment("customer_value", style, v=v, rows=rows)

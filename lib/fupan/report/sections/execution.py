"""How the campaign ran: the funnel, stock-outs, spend pacing, channel-share shifts and the A/B test."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ...analysis.execution import SLOW_MOVING_DAYS, STOCKOUT_LOOKBACK_DAYS
from ...analysis.results import (
    ABTest,
    FunnelByChannel,
    InventoryHealth,
    PreheatPool,
    ShareAlerts,
    Skip,
    Table,
)
from ...dictionary import FUNNEL_STEPS
from ...format import Style, number, pct
from ...i18n import kpi_name, phase_name, step_label, t
from .. import charts
from ..html import Html, Section, fragment, note, table
from .notes import skipped_note


def funnel_channels(result: FunnelByChannel | None, style: Style) -> Html:
    """Distinct users per step and channel, overall conversion and each channel's biggest leak."""
    if result is None:
        return note(t("no_table", style.lang, table="events"))
    lang, frame = style.lang, result.table
    steps = [c for c in frame.columns if c in FUNNEL_STEPS]
    head = [
        t("channel", lang),
        *[step_label(s, lang) for s in steps],
        t("funnel_overall", lang),
        t("funnel_leak", lang),
    ]
    rows = [
        [
            style.channel(ch),
            *[f"{int(r[s]):,}" for s in steps],
            pct(r.overall, 2),
            f"{step_label(r.from_step, lang)}→{step_label(r.to_step, lang)} {pct(r.conversion)}",
        ]
        for ch, r in frame.sort_values("overall").iterrows()
    ]
    return table(head, rows, style)


def funnel(
    steps: pd.DataFrame | None,
    by_channel: FunnelByChannel | None,
    style: Style,
    pool: PreheatPool | None = None,
) -> Section:
    """The campaign funnel, the funnel by channel and, given ``pool``, how many pre-heat carters
    paid in the burst; without an events table a note."""
    if steps is None:
        return (note(t("no_table", style.lang, table="events")),)
    out: list[Any] = [charts.funnel(steps, style), funnel_channels(by_channel, style)]
    if pool is not None:
        out.append(
            note(
                t(
                    "funnel_pool",
                    style.lang,
                    carters=f"{pool.carters:,}",
                    converted=f"{pool.converted:,}",
                    rate=pct(pool.rate),
                )
                if pool.rate is not None
                else t("funnel_pool_none", style.lang)
            )
        )
    return tuple(out)


def inventory(health: InventoryHealth | Skip | None, style: Style) -> Html:
    """Stock-out and slow-moving rates, turnover days and GMV lost to stock-outs, by SKU."""
    if health is None:
        return note(t("no_table", style.lang, table="inventory"))
    if isinstance(health, Skip):
        return skipped_note(health, style)
    lang = style.lang
    kpis = [
        (t("inv_stockout_rate", lang), pct(health.stockout_rate, 2)),
        (t("inv_slow_moving", lang, days=SLOW_MOVING_DAYS), pct(health.slow_moving_rate, 1)),
        (t("inv_turnover", lang), number(health.turnover_days, 1)),
        (
            t("inv_lost", lang),
            t(
                "inv_lost_value",
                lang,
                total=style.money(health.lost_total),
                floor=style.money(health.lost_floor),
            ),
        ),
    ]
    lost = health.lost[health.lost.sku != "_all"]
    rows = [
        [
            x.sku,
            str(int(x.stockout_days)),
            style.money_col(x.run_rate, 2),
            style.money_col(x.lost_gmv, 2),
        ]
        for x in lost.itertuples()
    ]
    return fragment(
        "inventory",
        style,
        kpis=kpis,
        rows=rows,
        lookback=STOCKOUT_LOOKBACK_DAYS,
        unit=style.money_unit(),
    )


def stockouts(
    stock: pd.DataFrame | None, health: InventoryHealth | Skip | None, style: Style
) -> Section:
    """Stock-out days by SKU in the campaign and the inventory health; without inventory a note."""
    if stock is None:
        return (note(t("no_table", style.lang, table="inventory")),)
    return charts.stockout_days(stock[stock.phase == "campaign"], style), inventory(health, style)


def peak_hours(hourly: pd.DataFrame, result: Table | Skip, windows: Any, style: Style) -> Section:
    """分小时峰值: GMV by hour on the peak days against the baseline day, and the table of each
    peak day's busiest hour; a note instead when the hour was not measured (orders with dates
    only), never a chart of every order at midnight."""
    if isinstance(result, Skip):
        return (skipped_note(result, style),)
    days = list(result.table["date"])
    baseline = (windows.baseline.start, windows.baseline.end)
    return (
        charts.hourly_peaks(hourly, days, baseline, style),
        fragment("peak_hours", style, result=result),
    )


def spend(spend: pd.DataFrame | None, card: Any, channels: pd.DataFrame, style: Style) -> Section:
    """Cumulative spend against the budget and ROAS by channel; without a spend table a note."""
    if spend is None:
        return (note(t("no_table", style.lang, table="spend")),)
    camp = card.windows.campaign
    pacing = charts.spend_pacing(spend, card.strategy.budget, camp.start, camp.end, style)
    paid = channels[channels.spend > 0]
    unmatched = [str(c) for c in paid.index if pd.isna(paid.at[c, "roas"])]
    if unmatched:  # spend on channel names the orders do not use: no ROAS to draw for them
        names = style.pick("、", ", ").join(style.channel(c) for c in unmatched)
        said = note(t("ops_ads_unmatched", style.lang, channels=names))
        if len(unmatched) == len(paid):
            return (pacing, said)
        return (pacing, charts.channel_roas(channels, style), said)
    return (pacing, charts.channel_roas(channels, style))


def alerts(result: ShareAlerts | None, style: Style, top: int = 8, title: bool = False) -> Html:
    """The channel-days that moved against their phase, largest money gap first (``title``: as the
    second part of the 异常日 section, under its own heading)."""
    frame = result.table if result is not None else None
    rows: list[list[Any]] = []
    if frame is not None and not frame.empty:
        rows = [
            [
                f"{a.date:%Y-%m-%d}",
                phase_name(a.phase, style.lang),
                style.channel(a.channel),
                style.money(a.actual),
                style.money(a.expected),
                f"{a.rel_dev:+.0%}",
                f"{a.score:+.1f}",
            ]
            for a in frame.head(top).itertuples()
        ]
    return fragment("alerts", style, rows=rows, title=title)


def ab_test(ab: ABTest | Skip | None, style: Style, plan: Any = None) -> Html:
    """What A and B were (the card's ``strategy.ab_test``, or a note that it does not say), per-arm
    users, conversion and revenue per user, then the plain-language verdict."""
    if ab is None:
        return note(t("no_table", style.lang, table="events.variant"))
    if isinstance(ab, Skip):
        return skipped_note(ab, style)
    rows = [
        [
            t(f"ab_arm_{v}", style.lang) if v in ("A", "B") else v,
            f"{ab.users[v]:,}",
            f"{ab.converted[v]:,}",
            pct(ab.conversion[v], 2),
            style.money(ab.revenue_per_user[v], digits=2),
        ]
        for v in ab.users
    ]
    return fragment(
        "ab_test", style, ab=ab, rows=rows, cr_name=kpi_name("cr", style.lang), plan=plan
    )

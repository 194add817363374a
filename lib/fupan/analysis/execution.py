"""How the campaign ran: channel-share alerts, the funnel by channel, inventory health, the A/B test."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..i18n import bilingual
from ..metrics import funnel as fn
from ..metrics import inventory as inv
from ..metrics.alerts import share_anomalies
from ..metrics.experiment import evaluate_arms
from .anomaly_screen import MIN_ORDERS
from .results import ABTest, FunnelByChannel, InventoryHealth, PreheatPool, ShareAlerts, Table

if TYPE_CHECKING:
    from ..ingest.card import Windows

#: days of in-stock sales before a stock-out that give a SKU's run rate (lost-GMV estimate)
STOCKOUT_LOOKBACK_DAYS = 14
#: a SKU with no sale in this many days before the campaign's end is slow-moving
SLOW_MOVING_DAYS = 30
#: campaign days whose busiest hour the report names
PEAK_DAYS = 2


def share_alerts(
    daily: pd.DataFrame, windows: pd.DataFrame, flags: dict[str, object]
) -> ShareAlerts:
    """Channel-days whose share of the day's GMV moved against their phase.

    :mod:`fupan.metrics.alerts`, for the channels with enough orders a day to test a day (the
    day-level screen's rule, :data:`fupan.analysis.anomaly_screen.MIN_ORDERS`). The orders' last
    day when validation found it cut short (``flags['partial_day']``) is left out: half a day's
    mix is no channel's shift.
    """
    cut = (flags or {}).get("partial_day")
    if cut is not None:
        daily = daily[pd.to_datetime(daily["date"]) != pd.Timestamp(cut)]
    return ShareAlerts(share_anomalies(daily, windows, min_orders=MIN_ORDERS))


def ab_test(ab_arms: pd.DataFrame | None) -> ABTest | None:
    """The campaign's A/B test, B against A (``None`` without a variant in the events).

    Raises
    ------
    ValueError
        An arm without users.
    """
    if ab_arms is None:
        return None
    arms = _named_arms(ab_arms)
    if len(arms) and int(arms.users.sum()) > 0 and int(arms.converted.sum()) == 0:
        raise ValueError(
            bilingual(
                f"None of the {int(arms.users.sum()):,} users exposed to the test bought anything "
                "in the campaign: either the test sold nothing, or the events' user ids are not the "
                "orders' (another prefix or kind of id — the behaviour log and the orders must "
                "name a customer alike). Not measured.",
                f"参与实验的 {int(arms.users.sum()):,} 名用户在活动期都没有下单：要么实验确实没有成交，"
                "要么行为日志的 user_id 与订单的不是同一种编号（前缀或编号类型不同，两表须以同样的"
                "编号指同一位顾客）。未计算。",
            )
        )
    x = evaluate_arms(arms)
    return ABTest(
        users=x["users"],
        converted=x["converted"],
        conversion=x["conversion"],
        conversion_diff=x["conversion_diff"],
        conversion_diff_ci=tuple(x["conversion_diff_ci"]),
        p_value=x["p_value"],
        relative_lift=x["relative_lift"],
        relative_lift_ci=tuple(x["relative_lift_ci"]),
        revenue_per_user=x["revenue_per_user"],
        revenue_diff=x["revenue_diff"],
        revenue_diff_ci=tuple(x["revenue_diff_ci"]),
        revenue_p_value=x["revenue_p_value"],
        srm_p_value=x["srm_p_value"],
        srm_flagged=x["srm_flagged"],
        users_in_both_arms=x["users_in_both_arms"],
        alpha=x["alpha"],
    )


#: Arm labels read as the test's A (control) and B (variant), letter case and spaces aside.
ARM_NAMES = {
    "a": "A", "b": "B", "a组": "A", "b组": "B", "control": "A", "treatment": "B",
    "test": "B", "variant": "B", "对照组": "A", "对照": "A", "实验组": "B", "实验": "B",
}  # fmt: skip


def _named_arms(arms: pd.DataFrame) -> pd.DataFrame:
    """``arms`` with its variants named A and B when written otherwise (a/b, A组/B组 …).

    Only when that names each arm once: two labels read as one arm are left as they are.
    """
    named = arms.variant.map(
        lambda v: ARM_NAMES.get(str(v).strip().lower(), v) if v is not None else v
    )
    pairs = set(zip(arms.variant, named, strict=True))
    if len({n for _, n in pairs}) < len(pairs):
        return arms
    return arms.assign(variant=named)


def funnel_by_channel(
    funnel: pd.DataFrame | None, phase: str = "campaign"
) -> FunnelByChannel | None:
    """Step conversion per channel in a window and each channel's biggest leak (``None`` without events)."""
    if funnel is None:
        return None
    f = funnel[(funnel.phase == phase) & (funnel.channel != "_all")]
    table = fn.funnel_table(f[["channel", "step", "users"]], by="channel")
    leak = fn.biggest_leak(table).set_index("channel")
    wide = table.pivot_table(index="channel", columns="step", values="users", aggfunc="sum")
    wide = wide[[s for s in fn.FUNNEL_STEPS if s in wide.columns]]
    return FunnelByChannel(wide.assign(overall=wide.iloc[:, -1] / wide.iloc[:, 0]).join(leak))


def preheat_pool(pool: pd.DataFrame | None) -> PreheatPool | None:
    """预热蓄水 (``None`` without events, or without a pre-heat and a burst window).

    口径: customers (the behaviour log's customer keys, any channel) with an add-to-cart event on
    a pre-heat day; of them, those with a pay event on a burst day — the extract's
    ``preheat_pool`` (:func:`fupan.extract.behaviour.preheat_pool_sql`).
    """
    if pool is None or pool.empty:
        return None
    return PreheatPool(int(pool["carters"].iloc[0]), int(pool["converted"].iloc[0]))


def inventory_health(
    sku_daily: pd.DataFrame | None, daily: pd.DataFrame, windows: Windows
) -> InventoryHealth | None:
    """Stock-out rate, slow-moving rate, turnover days and GMV lost to stock-outs in the campaign.

    口径: :mod:`fupan.metrics.inventory`. Lost GMV = a SKU's in-stock daily GMV over the
    :data:`STOCKOUT_LOOKBACK_DAYS` before it ran out × the day's GMV index (day GMV / baseline
    daily GMV, at least 1); without the index it is the conservative floor. ``None`` without an
    inventory table. Not measured (ValueError, the report's note) when the inventory's SKUs sold
    nothing in the campaign while the orders sold: its codes match none of the orders' (another
    letter case or prefix, or orders without SKUs), and every SKU would read as slow-moving with
    no stock-out cost.
    """
    if sku_daily is None:
        return None
    d = sku_daily
    camp = windows.campaign
    in_camp = d.date.between(pd.Timestamp(camp.start), pd.Timestamp(camp.end))
    sold = daily[daily.date.between(pd.Timestamp(camp.start), pd.Timestamp(camp.end))].gmv.sum()
    if in_camp.any() and not d.loc[in_camp, "units"].sum() > 0 and sold > 0:
        examples = ", ".join(map(str, d.sku.drop_duplicates().head(3)))
        raise ValueError(
            bilingual(
                f"None of the inventory's SKUs ({examples} …) sold anything in the campaign while "
                f"the orders sold {sold:,.0f}: its SKU codes match none of the orders' (written "
                "otherwise — letter case, a prefix — or the orders carry no sku column). Stock-outs, "
                "slow movers and lost GMV are not measured.",
                f"库存表的 SKU（{examples} …）在活动期没有任何销量，而订单的销售额为 {sold:,.0f}："
                "库存的 SKU 编码与订单的对不上（大小写或前缀不同，或订单没有 sku 列）。"
                "缺货、滞销与缺货损失未计算。",
            )
        )
    stock, sales = d[["date", "sku", "on_hand"]], d[["date", "sku", "units", "gmv", "cogs"]]
    unit_cost = d.dropna(subset=["unit_cost"]).groupby("sku").unit_cost.mean()
    turnover_note = None
    try:
        turnover = inv.turnover_days(stock, sales, camp.start, camp.end, unit_cost)
    except ValueError as exc:
        turnover, turnover_note = float("nan"), str(exc)
    # The day's GMV index scales each SKU's run rate: on a burst day a SKU in stock would have sold
    # its usual share of a much larger day. Without it the estimate is a conservative lower bound.
    day = daily.groupby("date").gmv.sum()
    base = windows.baseline
    base_mean = day[
        (day.index >= pd.Timestamp(base.start)) & (day.index <= pd.Timestamp(base.end))
    ].mean()
    uplift = (day / base_mean).clip(lower=1.0)
    lookback = STOCKOUT_LOOKBACK_DAYS
    lost = inv.lost_gmv_from_stockouts(
        stock, sales, camp.start, camp.end, lookback=lookback, uplift=uplift
    )
    floor = inv.lost_gmv_from_stockouts(stock, sales, camp.start, camp.end, lookback=lookback)
    return InventoryHealth(
        stockout_rate=inv.stockout_rate(stock, camp.start, camp.end),
        slow_moving_rate=inv.slow_moving_rate(stock, sales, camp.end, days=SLOW_MOVING_DAYS),
        turnover_days=turnover,
        turnover_note=turnover_note,
        lost=lost,
        lost_floor=float(floor.set_index("sku").at["_all", "lost_gmv"]),
        lost_total=float(lost.set_index("sku").at["_all", "lost_gmv"]),
    )


def peak_hours(daily: pd.DataFrame, hourly: pd.DataFrame, windows: Windows) -> Table:
    """The campaign's :data:`PEAK_DAYS` highest-GMV days, each with its busiest hour.

    口径: a day's GMV from the daily aggregate (all channels); its peak hour = the hour of the day
    with the most GMV (order time of an order's first line); ``share`` = that hour's GMV / the
    day's GMV by hour; ``vs_baseline`` = that hour's GMV / the baseline window's average GMV in the
    same hour of the day (NaN when the baseline sold nothing then). Rows in date order: ``date``,
    ``hour``, ``gmv``, ``share``, ``vs_baseline``.

    Not measured (ValueError, the report's note) when no order in the windows has a time of day
    (``hourly.timed_orders``: an export with dates only puts every order at 00:00, which would
    read as a midnight peak).
    """
    if "timed_orders" in hourly and not hourly.timed_orders.sum() > 0:
        raise ValueError(
            bilingual(
                "The order times carry dates only (every order at 00:00:00): the hour of the "
                "peaks is not measured. Export the orders with their time of payment to have it.",
                "订单时间只有日期、没有时刻（每笔订单都是 00:00:00）：峰值所在的小时无从计算。"
                "导出订单时带上支付时间（精确到时分）即可得到。",
            )
        )
    camp, base = windows.campaign, windows.baseline
    day = daily.groupby("date").gmv.sum()
    day = day[(day.index >= pd.Timestamp(camp.start)) & (day.index <= pd.Timestamp(camp.end))]
    in_base = hourly[hourly.date.between(pd.Timestamp(base.start), pd.Timestamp(base.end))]
    base_hour = in_base.groupby("hour").gmv.sum() / ((base.end - base.start).days + 1)
    rows = []
    for date in sorted(day.nlargest(PEAK_DAYS).index):
        hours = hourly[hourly.date == pd.Timestamp(date)].groupby("hour").gmv.sum()
        hour = int(hours.idxmax())
        usual = float(base_hour.get(hour, 0.0))
        rows.append(
            {
                "date": pd.Timestamp(date),
                "hour": hour,
                "gmv": float(hours.max()),
                "share": float(hours.max() / hours.sum()),
                "vs_baseline": float(hours.max() / usual) if usual > 0 else float("nan"),
            }
        )
    return Table(pd.DataFrame(rows, columns=["date", "hour", "gmv", "share", "vs_baseline"]))

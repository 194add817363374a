"""Aggregates of the ops tables (issue 13) in DuckDB.

Only sums by day, channel, SKU, session or plan come back to pandas. Each function takes the
validated campaign and the window it sums over.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..extract.aggregates import history_basis
from ..extract.duck import literal
from ..i18n import bilingual
from ..ingest.validate import Campaign

NOT_CANCELLED = "status <> 'cancelled'"


def window(campaign: Campaign) -> tuple[dt.date, dt.date]:
    """The campaign proper (preheat .. post) of the card."""
    w = campaign.card.windows.campaign
    return w.start, w.end


def report_windows(campaign: Campaign) -> list[tuple[str, dt.date, dt.date]]:
    """(name, first day, last day) of each of the card's windows, then the campaign proper.

    The campaign proper is named ``campaign``: the rows of the per-window ops tables
    (membership, service).
    """
    a, b = window(campaign)
    windows = [(name, w.start, w.end) for name, w in campaign.card.windows.items()]
    return [*windows, ("campaign", a, b)]


def require(campaign: Campaign, table: str, *columns: str) -> None:
    """Raise the bilingual skip reason when ``table`` or one of its ``columns`` was not given.

    Raises
    ------
    ValueError
        Naming the table or column that is missing.
    """
    if not campaign.has(table):
        raise ValueError(
            bilingual(
                f"No {table} table (tables.{table} on the card): not computed.",
                f"没有 {table} 表（活动卡片 tables.{table}），本节未计算。",
            )
        )
    missing = [c for c in columns if not campaign.measures(table, c)]
    if missing:
        cols = ", ".join(missing)
        raise ValueError(
            bilingual(
                f"The {table} table has no {cols} column: not computed.",
                f"{table} 表没有 {cols} 列，本节未计算。",
            )
        )


def frame(campaign: Campaign, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
    """The result of an aggregate query as a DataFrame."""
    return campaign.con.execute(sql, params or []).df()


def on_days(column: str) -> str:
    """SQL true when the timestamp ``column`` falls on a day from ``?`` to ``?`` (inclusive).

    ``column::DATE BETWEEN ? AND ?``, comparing the timestamps themselves: no cast per row, and a
    file sorted by time skips its row groups outside (at 67M events a hero SKU funnel took 1.6 s
    instead of 2.7 s; at 10M order lines the SKU sales 0.14–0.40 s instead of 0.82 s).
    """
    return f"{column} >= CAST(? AS TIMESTAMP) AND {column} < CAST(? AS TIMESTAMP) + INTERVAL 1 DAY"


def gmv_date(campaign: Campaign) -> str:
    """The counting date of GMV: :func:`fupan.extract.aggregates.history_basis`.

    The one rule the lift's daily history follows too: the card's ``gmv_date``, else balance_paid
    when the orders carry presale columns (as the platforms count), else order_time.
    """
    return history_basis(campaign)


def counted_day(campaign: Campaign, basis: str) -> str:
    """SQL for the day an order line's GMV counts on under ``basis``.

    Under balance_paid a presale line counts on its balance day, on none (NULL) while its balance
    is unpaid — in a war report, not due yet (a presale never paid is cancelled, counted on no day
    under either basis).
    """
    if basis == "balance_paid" and campaign.measures("orders", "balance_time"):
        return "CASE WHEN order_type = 'presale' THEN balance_time::DATE ELSE order_time::DATE END"
    return "order_time::DATE"


def pnl_sums(campaign: Campaign, a: dt.date, b: dt.date) -> dict[str, Any]:
    """GMV, refunds, platform subsidies, COGS (refunded share returned), gift cost, orders shipped."""
    gift = "coalesce(is_gift, 0) = 1"
    row = frame(
        campaign,
        f"""
        SELECT sum(paid_amount) AS gmv, sum(refund_amount) AS refunds,
               sum(platform_discount) AS platform_subsidy,
               sum(CASE WHEN NOT ({gift}) THEN unit_cost * quantity * (1 - CASE WHEN paid_amount > 0
                   THEN refund_amount / paid_amount ELSE 0 END) END) AS cogs,
               sum(CASE WHEN {gift} THEN unit_cost * quantity END) AS gift_cogs,
               count(DISTINCT order_id) AS shipped
        FROM orders WHERE {NOT_CANCELLED} AND {on_days("order_time")}""",
        [a, b],
    ).iloc[0]
    return {k: (None if pd.isna(v) else v) for k, v in row.items()}


def kol_cost(campaign: Campaign, a: dt.date, b: dt.date) -> float:
    """Σ over KOL sessions starting in the window of slot fee + commission on settled GMV."""
    v = frame(
        campaign,
        f"""
        WITH s AS (SELECT session_id, slot_fee, commission_rate FROM live_sessions
                   WHERE kind = 'kol' AND start_time::DATE BETWEEN ? AND ?),
             o AS (SELECT session_id, sum(paid_amount) - sum(refund_amount) AS settled
                   FROM orders WHERE {NOT_CANCELLED} AND session_id IS NOT NULL GROUP BY 1)
        SELECT sum(coalesce(slot_fee, 0) + coalesce(commission_rate, 0) * coalesce(settled, 0))
        FROM s LEFT JOIN o USING (session_id)""",
        [a, b],
    ).iloc[0, 0]
    return 0.0 if pd.isna(v) else float(v)


def kol_spend(campaign: Campaign, a: dt.date, b: dt.date) -> tuple[list[str], float]:
    """The channels the KOL sessions' orders come through, and the spend table's spend on them.

    When that spend (in the window) is above 0, the P&L charges it (ads) and the sessions' slot
    fees and commissions (kol) — once each, or twice when that spend *is* the KOL's fee.
    """
    channels = frame(
        campaign,
        f"""SELECT DISTINCT o.channel FROM (SELECT * FROM orders WHERE {NOT_CANCELLED}) o
            JOIN live_sessions s ON s.session_id = o.session_id
            WHERE s.kind = 'kol' AND o.channel IS NOT NULL""",
    ).iloc[:, 0]
    names = sorted(str(c) for c in channels)
    if not names:
        return [], 0.0
    listed = ", ".join(literal(n) for n in names)
    v = frame(
        campaign,
        f"SELECT sum(spend) FROM spend WHERE date BETWEEN ? AND ? AND channel IN ({listed})",
        [a, b],
    ).iloc[0, 0]
    return names, 0.0 if pd.isna(v) else float(v)


def session_sales(campaign: Campaign) -> pd.DataFrame:
    """GMV, refunds, orders and buyers per session id (orders not cancelled)."""
    return frame(
        campaign,
        f"""
        SELECT session_id, sum(paid_amount) AS gmv, sum(refund_amount) AS refunds,
               count(DISTINCT order_id) AS orders, count(DISTINCT user_id) AS buyers
        FROM orders WHERE {NOT_CANCELLED} AND session_id IS NOT NULL GROUP BY 1""",
    )


def presale_orders(campaign: Campaign, a: dt.date, b: dt.date) -> pd.DataFrame:
    """One row per presale order of the window: deposit, GMV, whether the balance was paid.

    ``user_id`` is the pseudonym, counted and never shown.
    """
    return frame(
        campaign,
        f"""
        SELECT order_id, any_value(user_id) AS user_id, sum(coalesce(deposit_amount, 0)) AS deposit,
               sum(paid_amount) AS gmv,
               bool_and(status <> 'cancelled') AND bool_or(balance_time IS NOT NULL) AS balance_paid
        FROM orders WHERE order_type = 'presale' AND {on_days("order_time")}
        GROUP BY 1""",
        [a, b],
    )


def spot_sums(campaign: Campaign, a: dt.date, b: dt.date) -> tuple[int, float, float]:
    """Spot orders, spot GMV and all GMV of the window (orders not cancelled, by order time)."""
    row = frame(
        campaign,
        f"""
        SELECT count(DISTINCT CASE WHEN coalesce(order_type, 'spot') <> 'presale' THEN order_id END),
               coalesce(sum(paid_amount) FILTER (WHERE coalesce(order_type, 'spot') <> 'presale'), 0),
               coalesce(sum(paid_amount), 0)
        FROM orders WHERE {NOT_CANCELLED} AND {on_days("order_time")}""",
        [a, b],
    ).iloc[0]
    return int(row.iloc[0]), float(row.iloc[1]), float(row.iloc[2])


def gmv_days(campaign: Campaign) -> pd.DataFrame:
    """GMV of orders not cancelled by order day, balance day (None: spot, unpaid) and presale."""
    return frame(
        campaign,
        f"""
        SELECT order_time::DATE AS order_day,
               CASE WHEN order_type = 'presale' THEN balance_time::DATE END AS balance_day,
               coalesce(order_type = 'presale', false) AS presale,
               sum(paid_amount) AS gmv
        FROM orders WHERE {NOT_CANCELLED} GROUP BY 1, 2, 3""",
    )


def sku_sales(campaign: Campaign, a: dt.date, b: dt.date) -> tuple[pd.DataFrame, float]:
    """Per SKU: GMV, units, orders, list amount, COGS; and units per order of the window.

    The list amount is NULL when the orders do not give it (its default, the paid amount, would
    read as no discount at all).
    """
    listed = (
        "sum(list_amount)" if campaign.measures("orders", "list_amount") else "CAST(NULL AS DOUBLE)"
    )
    skus = frame(
        campaign,
        f"""
        SELECT sku, sum(paid_amount) AS gmv, sum(quantity) AS units,
               count(DISTINCT order_id) AS orders, {listed} AS list_amount,
               sum(unit_cost * quantity) AS cogs
        FROM orders WHERE {NOT_CANCELLED} AND {on_days("order_time")}
              AND sku IS NOT NULL AND coalesce(is_gift, 0) = 0
        GROUP BY 1""",
        [a, b],
    )
    upo = frame(
        campaign,
        f"""SELECT sum(quantity) / count(DISTINCT order_id) FROM orders
            WHERE {NOT_CANCELLED} AND {on_days("order_time")}""",
        [a, b],
    ).iloc[0, 0]
    return skus, float("nan") if pd.isna(upo) else float(upo)


def sku_funnel(campaign: Campaign, a: dt.date, b: dt.date, skus: list[str]) -> pd.DataFrame:
    """Per SKU of ``skus``: distinct users who viewed it, carted it, ordered it (events with ``sku``).

    A user is the customer key of ``events_keyed``, as for every behaviour figure.
    """
    marks = ", ".join("?" for _ in skus)
    return frame(
        campaign,
        f"""
        SELECT sku, count(*) FILTER (WHERE event = 'view') AS viewers,
               count(*) FILTER (WHERE event = 'cart') AS carters,
               count(*) FILTER (WHERE event = 'order') AS buyers
        FROM (SELECT DISTINCT sku, event, user_key FROM events_keyed
              WHERE {on_days("event_time")} AND sku IN ({marks})) d
        GROUP BY 1""",
        [a, b, *skus],
    )


def days_out(campaign: Campaign, a: dt.date, b: dt.date) -> pd.DataFrame:
    """Per SKU of the inventory table: days out of stock in the window and the first of them.

    A day is out when the SKU's on_hand, summed over its rows of the day (one per warehouse), is 0.
    """
    return frame(
        campaign,
        """
        WITH stock AS (SELECT date, sku, sum(on_hand) AS on_hand FROM inventory
                       WHERE date BETWEEN ? AND ? GROUP BY 1, 2)
        SELECT sku, count(*) FILTER (WHERE on_hand = 0) AS days_out,
               min(date) FILTER (WHERE on_hand = 0) AS first_out
        FROM stock GROUP BY 1""",
        [a, b],
    )


def spend_by(campaign: Campaign, a: dt.date, b: dt.date, keys: str) -> pd.DataFrame:
    """Spend, impressions, clicks and attributed GMV/orders grouped by ``keys`` (SQL columns)."""
    attributed = campaign.measures("spend", "attributed_gmv")
    extra = (
        ", sum(attributed_gmv) AS attributed_gmv, sum(attributed_orders) AS attributed_orders"
        if attributed
        else ""
    )
    return frame(
        campaign,
        f"""
        SELECT {keys}, sum(spend) AS spend, sum(impressions) AS impressions,
               sum(clicks) AS clicks{extra}
        FROM spend WHERE date BETWEEN ? AND ? GROUP BY {keys} ORDER BY {keys}""",
        [a, b],
    )


#: each member once, at their first join: the 64-bit key of the pseudonymised ``user_id`` (the key
#: the orders' customers carry in ``order_level``), the first join and its channel
_MEMBERS = """
    SELECT hash(user_id) AS user_key, min(join_time) AS joined,
           arg_min(join_channel, join_time) AS join_channel
    FROM members WHERE user_id IS NOT NULL AND join_time IS NOT NULL GROUP BY 1"""


def member_sums(campaign: Campaign, windows: list[tuple[str, dt.date, dt.date]]) -> pd.DataFrame:
    """Per window (name, first day, last day), the sums membership_table reads; indexed by name.

    :func:`fupan.metrics.members.membership_table`'s docstring states the 口径.

    Orders come from the extract's ``order_level`` (orders not cancelled, GMV before refunds, the
    order's day its first line's); a member order is one whose customer had joined by its time.
    """
    values = ", ".join("(?, CAST(? AS DATE), CAST(? AS DATE))" for _ in windows)
    params: list[Any] = [x for w in windows for x in w]
    out = frame(
        campaign,
        f"""
        WITH m AS ({_MEMBERS}),
        w AS (SELECT * FROM (VALUES {values}) t(win, a, b)),
        o AS (
            SELECT l.user_key, l.order_date, CAST(l.gmv AS DOUBLE) AS gmv,
                   coalesce(m.joined <= l.order_ts, false) AS member
            FROM order_level l LEFT JOIN m USING (user_key)
            WHERE NOT l.cancelled
        ),
        per AS (
            SELECT w.win, o.user_key,
                   sum(o.gmv) AS gmv,
                   sum(o.gmv) FILTER (WHERE o.member) AS member_gmv,
                   count(*) FILTER (WHERE o.member) AS member_orders,
                   sum(o.gmv) FILTER (WHERE NOT o.member) AS other_gmv,
                   count(*) FILTER (WHERE NOT o.member) AS other_orders
            FROM o JOIN w ON o.order_date BETWEEN w.a AND w.b
            GROUP BY 1, 2
        ),
        sales AS (
            SELECT win, coalesce(sum(gmv), 0) AS gmv, count(*) AS buyers,
                   coalesce(sum(member_gmv), 0) AS member_gmv,
                   count(*) FILTER (WHERE member_orders > 0) AS member_buyers,
                   count(*) FILTER (WHERE member_orders >= 2) AS member_repeaters,
                   coalesce(sum(other_gmv), 0) AS other_gmv,
                   count(*) FILTER (WHERE other_orders > 0) AS other_buyers,
                   count(*) FILTER (WHERE other_orders >= 2) AS other_repeaters
            FROM per GROUP BY 1
        ),
        joins AS (
            SELECT w.win, count(*) AS new_members
            FROM m JOIN w ON CAST(m.joined AS DATE) BETWEEN w.a AND w.b GROUP BY 1
        ),
        newcomers AS (
            SELECT w.win, count(*) AS new_customers,
                   count(*) FILTER (WHERE CAST(m.joined AS DATE) <= w.b) AS new_joined
            FROM first_orders f JOIN w ON f.first_date BETWEEN w.a AND w.b
            LEFT JOIN m USING (user_key)
            GROUP BY 1
        )
        SELECT w.win, coalesce(j.new_members, 0) AS new_members,
               coalesce(s.gmv, 0) AS gmv, coalesce(s.buyers, 0) AS buyers,
               coalesce(s.member_gmv, 0) AS member_gmv,
               coalesce(s.member_buyers, 0) AS member_buyers,
               coalesce(s.member_repeaters, 0) AS member_repeaters,
               coalesce(s.other_gmv, 0) AS other_gmv,
               coalesce(s.other_buyers, 0) AS other_buyers,
               coalesce(s.other_repeaters, 0) AS other_repeaters,
               coalesce(n.new_customers, 0) AS new_customers,
               coalesce(n.new_joined, 0) AS new_joined
        FROM w LEFT JOIN sales s USING (win) LEFT JOIN joins j USING (win)
        LEFT JOIN newcomers n USING (win)""",
        params,
    )
    return out.set_index("win").reindex([w[0] for w in windows])


def join_channels(campaign: Campaign, a: dt.date, b: dt.date) -> pd.DataFrame:
    """入会渠道: the members who first joined from ``a`` to ``b``, by that join's channel.

    ``—`` where the export gives none; most first.
    """
    return frame(
        campaign,
        f"""
        WITH m AS ({_MEMBERS})
        SELECT coalesce(join_channel, '—') AS join_channel, count(*) AS new_members
        FROM m WHERE CAST(joined AS DATE) BETWEEN ? AND ?
        GROUP BY 1 ORDER BY 2 DESC, 1""",
        [a, b],
    )


def prices_in(campaign: Campaign, a: dt.date, b: dt.date) -> pd.DataFrame:
    """The prices table's rows from ``a`` to ``b``, each (date, sku, seller) at its lowest price.

    Columns date, sku, seller, seller_type, final_price.
    """
    return frame(
        campaign,
        """
        SELECT date, sku, seller, seller_type, min(final_price) AS final_price
        FROM prices WHERE date BETWEEN ? AND ? AND final_price IS NOT NULL
        GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3""",
        [a, b],
    )


def sku_daily_gmv(campaign: Campaign, a: dt.date, b: dt.date, skus: list[str]) -> pd.DataFrame:
    """The shop's GMV of each of ``skus`` per day from ``a`` to ``b``.

    Lines not cancelled, by order day, before refunds.
    """
    if not skus:
        return pd.DataFrame(columns=["date", "sku", "gmv"])
    marks = ", ".join("?" for _ in skus)
    return frame(
        campaign,
        f"""
        SELECT CAST(order_time AS DATE) AS date, sku, sum(paid_amount) AS gmv
        FROM orders WHERE {NOT_CANCELLED} AND {on_days("order_time")} AND sku IN ({marks})
        GROUP BY 1, 2""",
        [a, b, *skus],
    )


def _day(d: dt.date) -> str:
    """``d`` as an SQL date literal.

    The service queries take no parameters: they run on a warehouse or Spark source too, whose
    connection has none.
    """
    return f"CAST('{dt.date.fromisoformat(str(d)[:10]).isoformat()}' AS DATE)"


def _windows_values(windows: list[tuple[str, dt.date, dt.date]]) -> str:
    """``(VALUES …) t(win, a, b)`` of ``windows`` (name, first day, last day), as literals."""
    values = ", ".join(f"({literal(w)}, {_day(a)}, {_day(b)})" for w, a, b in windows)
    return f"(SELECT * FROM (VALUES {values}) t(win, a, b))"


def data_end(campaign: Campaign) -> str:
    """SQL for the moment the orders' data end.

    The end of a war report's day, else the latest order or ship time (an order paid before it by
    less than a promise's hours is not late yet).
    """
    as_of = campaign.card.as_of
    if as_of is not None:
        return f"CAST('{(as_of + dt.timedelta(days=1)).isoformat()} 00:00:00' AS TIMESTAMP)"
    return "(SELECT greatest(max(order_time), max(ship_time)) FROM orders)"


def _shipped_orders(campaign: Campaign) -> str:
    """One row per order still to ship or shipped (:mod:`fupan.metrics.service`'s 口径).

    paid_at (the clock's start), its day, open_lines (lines not shipped), hours (payment to the
    last line shipped), and refunded_unshipped (every line refunded without shipping).
    """
    presale = campaign.measures("orders", "order_type") and campaign.measures(
        "orders", "balance_time"
    )
    paid = (
        "CASE WHEN order_type = 'presale' THEN balance_time ELSE order_time END"
        if presale
        else "order_time"
    )
    return f"""
        SELECT order_id,
               min(paid_at) FILTER (WHERE keep) AS paid_at,
               CAST(coalesce(min(paid_at) FILTER (WHERE keep), min(order_time)) AS DATE) AS day,
               count(*) FILTER (WHERE keep) AS kept,
               count(*) FILTER (WHERE keep AND ship_time IS NULL) AS open_lines,
               (epoch(max(ship_time) FILTER (WHERE keep))
                - epoch(min(paid_at) FILTER (WHERE keep))) / 3600.0 AS hours,
               count(*) FILTER (WHERE status = 'refunded' AND ship_time IS NULL) > 0
                   AND count(*) FILTER (WHERE keep) = 0 AS refunded_unshipped
        FROM (
            SELECT order_id, order_time, status, ship_time, {paid} AS paid_at,
                   NOT (status = 'refunded' AND ship_time IS NULL) AND {paid} IS NOT NULL AS keep
            FROM orders WHERE {NOT_CANCELLED}
        ) l
        GROUP BY order_id"""


def _shipping_measures(end: str) -> str:
    """The :data:`fupan.metrics.service.SHIPPING_SUMS` over rows of :func:`_shipped_orders`."""
    early = "(open_lines = 0 AND hours < 0)"

    def due(h: int) -> str:
        return f"kept > 0 AND paid_at + INTERVAL {h} HOUR <= {end} AND NOT {early}"

    done = "open_lines = 0 AND hours BETWEEN 0 AND {h}"
    return f"""
        count(*) FILTER (WHERE kept > 0) AS orders,
        count(*) FILTER (WHERE {due(24)}) AS due_24,
        count(*) FILTER (WHERE {due(24)} AND {done.format(h=24)}) AS shipped_24,
        count(*) FILTER (WHERE {due(48)}) AS due_48,
        count(*) FILTER (WHERE {due(48)} AND {done.format(h=48)}) AS shipped_48,
        count(*) FILTER (WHERE {due(48)} AND open_lines > 0) AS unshipped,
        quantile_cont(hours, 0.5) FILTER (WHERE kept > 0 AND open_lines = 0 AND hours >= 0)
            AS median_hours,
        quantile_cont(hours, 0.9) FILTER (WHERE kept > 0 AND open_lines = 0 AND hours >= 0)
            AS p90_hours,
        count(*) FILTER (WHERE refunded_unshipped) AS refunded_unshipped,
        count(*) FILTER (WHERE kept > 0 AND {early}) AS before_paid"""


def shipping(
    campaign: Campaign, windows: list[tuple[str, dt.date, dt.date]], a: dt.date, b: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sums ``shipping_table`` reads per window and per paid day.

    Per window (name, first day, last day; indexed by name), and per paid day from ``a`` to ``b``
    (date first, in date order).

    :mod:`fupan.metrics.service` states the 口径 (an order is in the window of its paid day). The
    orders are grouped once for both (a materialised CTE): grouped in each of two queries, they
    took 0.45–0.55 s at the demo's 457k order lines, against 0.31–0.39 s once.
    """
    measures = _shipping_measures(data_end(campaign))
    out = frame(
        campaign,
        f"""
        WITH o AS MATERIALIZED ({_shipped_orders(campaign)})
        SELECT w.win, CAST(NULL AS DATE) AS date, {measures}
        FROM {_windows_values(windows)} w LEFT JOIN o ON o.day BETWEEN w.a AND w.b
        GROUP BY w.win
        UNION ALL
        SELECT CAST(NULL AS VARCHAR) AS win, day AS date, {measures}
        FROM o WHERE day BETWEEN {_day(a)} AND {_day(b)} GROUP BY day""",
    )
    per_window = out["win"].notna()
    sums = out[per_window].drop(columns="date").set_index("win").reindex([x[0] for x in windows])
    daily = out[~per_window].drop(columns="win").sort_values("date").reset_index(drop=True)
    daily["date"] = pd.to_datetime(daily["date"])
    return sums, daily


def refund_sums(
    campaign: Campaign, key: str, now: tuple[dt.date, dt.date], base: tuple[dt.date, dt.date]
) -> pd.DataFrame:
    """By ``key`` (channel or sku; ``—`` where empty): the GMV and refunds of two windows.

    GMV, refunds and orders of the window ``now``, GMV and refunds of the window ``base``. Lines
    not cancelled, each on the day its GMV counts on (:func:`counted_day`, the KPIs'); a key
    without sales in ``now`` is left out. The orders are ``count(DISTINCT CASE WHEN … THEN
    order_id END)``: DuckDB counts that in 0.35 s at 10M order lines, the same count written
    ``count(DISTINCT order_id) FILTER (WHERE …)`` in 1.3 s.
    """
    day = counted_day(campaign, gmv_date(campaign))
    inside, before = (f"d BETWEEN {_day(x)} AND {_day(y)}" for x, y in (now, base))
    # only the lines of the two windows' span, each line's day computed once: at 10M order lines
    # 0.35 s a query against 0.55 s with the day computed in every filter over every line
    span = f"({day}) BETWEEN {_day(min(now[0], base[0]))} AND {_day(max(now[1], base[1]))}"

    def cents(column: str, when: str) -> str:  # summed in cents: exact, whatever the threads
        return f"CAST(sum(CAST({column} AS DECIMAL(18, 2))) FILTER (WHERE {when}) AS DOUBLE)"

    return frame(
        campaign,
        f"""
        SELECT coalesce(CAST({key} AS VARCHAR), '—') AS {key},
               {cents("paid_amount", inside)} AS gmv,
               coalesce({cents("refund_amount", inside)}, 0) AS refunds,
               count(DISTINCT CASE WHEN {inside} THEN order_id END) AS orders,
               coalesce({cents("paid_amount", before)}, 0) AS base_gmv,
               coalesce({cents("refund_amount", before)}, 0) AS base_refunds
        FROM (
            SELECT {key}, paid_amount, refund_amount, order_id, {day} AS d
            FROM orders WHERE {NOT_CANCELLED} AND {span}
        ) o
        GROUP BY 1 HAVING sum(paid_amount) FILTER (WHERE {inside}) > 0""",
    )


def service_sums(campaign: Campaign, windows: list[tuple[str, dt.date, dt.date]]) -> pd.DataFrame:
    """Per window, the sums ``service_table`` reads from ``service_daily``; indexed by name.

    Each ratio's two sums over the days that give both (:mod:`fupan.metrics.service`). The day
    report has a row a day, so its rows come back whole and are summed here.
    """
    cols = ("inquiries", "inquiry_buyers", "first_response_seconds", "reviews", "bad_reviews")
    days = frame(
        campaign,
        f"SELECT date, {', '.join(cols)}, dsr FROM service_daily WHERE date IS NOT NULL",
    )
    days["date"] = pd.to_datetime(days["date"])
    for c in (*cols, "dsr"):
        days[c] = pd.to_numeric(days[c], errors="coerce")
    days = days.sort_values("date", kind="stable")
    rows = {}
    for name, a, b in windows:
        d = days[days["date"].between(pd.Timestamp(a), pd.Timestamp(b))]
        both = d.dropna(subset=["inquiries", "inquiry_buyers"])
        timed = d.dropna(subset=["inquiries", "first_response_seconds"])
        rated = d.dropna(subset=["reviews", "bad_reviews"])
        dsr = d["dsr"].dropna()

        def total(x: pd.Series) -> float:
            return float(x.sum()) if len(x) else float("nan")  # nothing given: not measured

        rows[name] = {
            "days": len(d),
            "inquiries": total(both["inquiries"]),
            "inquiry_buyers": total(both["inquiry_buyers"]),
            "response_weighted": total(timed["first_response_seconds"] * timed["inquiries"]),
            "response_inquiries": total(timed["inquiries"]),
            "reviews": total(rated["reviews"]),
            "bad_reviews": total(rated["bad_reviews"]),
            "dsr": float(dsr.mean()) if len(dsr) else float("nan"),
            "dsr_last": float(dsr.iloc[-1]) if len(dsr) else float("nan"),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def refund_reasons(campaign: Campaign, a: dt.date, b: dt.date) -> tuple[pd.DataFrame, int]:
    """The refunds of the orders paid from ``a`` to ``b`` (the order's first line's day), by reason.

    Per reason (``—`` where none is given): ``refunds`` (rows), ``orders``, ``amount``,
    ``refund_only`` and ``return_refund`` (rows of each type), ``typed`` (rows with a type),
    ``before_ship`` (rows asked for before the order shipped: before its last line's ship time,
    or while it had not shipped) and ``timed`` (rows where that can be told: the orders carry
    ship times and the row its time); largest amount first. Also the number of refund rows whose
    order is not in the orders table (left out).
    """
    shipped = (
        "max(ship_time)" if campaign.measures("orders", "ship_time") else "CAST(NULL AS TIMESTAMP)"
    )
    has_ship = "true" if campaign.measures("orders", "ship_time") else "false"
    out = frame(
        campaign,
        f"""
        WITH o AS (
            SELECT order_id, CAST(min(order_time) AS DATE) AS day, {shipped} AS shipped_at,
                   bool_and(ship_time IS NOT NULL) AS all_shipped
            FROM orders  -- only the orders refunded (0.04 s against 0.12 s for all, demo size)
            WHERE order_id IN (SELECT order_id FROM refunds) GROUP BY order_id
        ),
        r AS (
            SELECT order_id, refund_time, refund_amount, refund_type,
                   coalesce(nullif(trim(reason), ''), '—') AS reason
            FROM refunds WHERE order_id IS NOT NULL
        )
        SELECT r.reason, count(*) AS refunds, count(DISTINCT r.order_id) AS orders,
               coalesce(CAST(sum(CAST(r.refund_amount AS DECIMAL(18, 2))) AS DOUBLE), 0)
                   AS amount,
               count(*) FILTER (WHERE r.refund_type = 'refund_only') AS refund_only,
               count(*) FILTER (WHERE r.refund_type = 'return_refund') AS return_refund,
               count(r.refund_type) AS typed,
               count(*) FILTER (WHERE {has_ship} AND r.refund_time IS NOT NULL AND (
                   NOT o.all_shipped OR r.refund_time < o.shipped_at)) AS before_ship,
               count(*) FILTER (WHERE {has_ship} AND r.refund_time IS NOT NULL) AS timed
        FROM r JOIN o USING (order_id)
        WHERE o.day BETWEEN {_day(a)} AND {_day(b)}
        GROUP BY r.reason ORDER BY amount DESC, refunds DESC, r.reason""",
    )
    unmatched = frame(
        campaign,
        """SELECT count(*) AS n FROM refunds
           WHERE order_id IS NOT NULL AND order_id NOT IN (SELECT order_id FROM orders)""",
    )
    return out, int(unmatched["n"].iloc[0])

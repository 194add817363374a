"""The behaviour aggregates: UV, 访客数, the funnel (daily and per window) and the A/B arms, with
the events read once.

口径 (what every figure counts): distinct customers — a customer is the 64-bit key ``user_key``
of ``events_keyed`` (:func:`fupan.ingest.validate.inplace.customer_relations`: a hash of the
trimmed id, or of its pseudonym; distinct counts over 10⁷ customers differ from counts over the
ids themselves only on a hash collision, ~10⁻⁶). UV of a day is the customers with any event that day; a funnel
step's figure is the customers with that step's event (visit, view, cart, order, pay); a window's
访客数 is the customers with any event in the window (not the sum of its days' UV). By channel,
and across channels as ``_all`` (a customer counted once however many channels they came through).

How: the events become one row per (day, customer) — :func:`user_days_sql` — holding, for each
channel, six bits: seen (32) and the five steps (visit 1, view 2, cart 4, order 8, pay 16). Ten
channels fit one BIGINT (60 bits); more take more columns (``b0``, ``b1``, …). Customers of a day
with the same bits are counted together (:func:`day_patterns_sql`), which gives every daily
figure; OR-ing a customer's days per window (:func:`user_windows_sql`, one row per customer) and
counting customers with the same bits gives every window figure, and that row also holds the
customer's A/B variants (``ab_arms.sql``). Two regroupings of the customer-days in all, where a
row per (day, channel, customer) needed four (by day, by channel and customer, by customer, and
the A/B one). The queries use only CASE, shifts, ``&`` and ``bit_or``, so that they transpile to
PostgreSQL and Spark as the other extract SQL does.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from ..dictionary import FUNNEL_STEPS
from .duck import literal

#: the bit of each funnel step within a channel's six bits; ``SEEN`` marks any event
STEP_BITS = {"visit": 1, "view": 2, "cart": 4, "order": 8, "pay": 16}
SEEN = 32
#: channels per BIGINT column (6 bits each: 60 of its 63 value bits)
PER_COLUMN = 10
#: the channel name of the across-channels rows
ALL = "_all"
#: the measures of a (day or window, channel): customers seen, then at each funnel step
MEASURES = ("uv", *(f"s_{s}" for s in FUNNEL_STEPS))


def _lit(text: str | None) -> str:
    """``text`` as an SQL string literal (a typed NULL for None)."""
    return "CAST(NULL AS VARCHAR)" if text is None else literal(text)


@dataclass(frozen=True)
class Layout:
    """Where each channel's bits are. Channel ``i`` of ``channels`` is in column ``b{i // 10}``
    at bit ``6 · (i % 10)``; one more slot after them, ``other``, takes the events of any
    channel not listed (none, when the list is the events' own: :func:`unlisted` checks).
    ``phases``: the names of the windows (``campaign`` among them); ``variants``: below."""

    channels: tuple[str | None, ...]
    phases: tuple[str, ...]
    #: the A/B variants in their sort order: a customer's variants are min and max of their ranks
    #: (integers, cheaper to aggregate than the strings); a variant not listed ranks after them
    variants: tuple[str, ...] = ()

    @property
    def slots(self) -> int:
        return len(self.channels) + 1

    @property
    def columns(self) -> int:
        return -(-self.slots // PER_COLUMN)

    def place(self, i: int) -> tuple[int, int]:
        """Column and bit offset of slot ``i``."""
        return i // PER_COLUMN, 6 * (i % PER_COLUMN)

    @property
    def bits(self) -> str:
        return ", ".join(f"b{c}" for c in range(self.columns))

    @property
    def ranks(self) -> int:
        """The A/B variant ranks: one per listed variant, and one for any variant not listed."""
        return len(self.variants) + 1

    @property
    def variant_bits(self) -> int | None:
        """The first bit of the variants' bits in the last bit column, when they fit above its
        channels' bits (below the sign bit): then a customer-day's variants are bits OR-ed in
        with its channels' (rank ``r`` at bit ``variant_bits + r``), where two more aggregates,
        min and max of the ranks, cost 0.6 s of grouping 50M events into 25M customer-days and
        more of regrouping them per customer. None when they do not fit (min and max then)."""
        base = 6 * (self.slots - PER_COLUMN * (self.columns - 1))
        return base if base + self.ranks <= 63 else None


def user_days_sql(layout: Layout) -> str:
    """One row per (day, customer) with events from the first window's first day to the last
    one's end: ``b0…``, the channels' bits (module docstring), and the A/B variants the customer
    saw that day (:attr:`Layout.variants`): as bits of the last column when they fit
    (:attr:`Layout.variant_bits`), else as the ranks of the smallest and largest
    (``variant_min``, ``variant_max``)."""
    index = " ".join(
        f"WHEN channel IS NULL THEN {i}" if c is None else f"WHEN channel = {_lit(c)} THEN {i}"
        for i, c in enumerate(layout.channels)
    )
    steps = " ".join(f"WHEN '{s}' THEN {b}" for s, b in STEP_BITS.items())
    packed = layout.variant_bits

    def value(r: int) -> int:  # a variant of rank r: the rank, or its bit
        return r if packed is None else 1 << (packed + r)

    ranked = " ".join(
        f"WHEN variant = {_lit(v)} THEN {value(i)}" for i, v in enumerate(layout.variants)
    )
    rank = f"CASE {ranked} WHEN variant IS NOT NULL THEN {value(len(layout.variants))} END"
    if packed is not None:
        rank = f"CAST(coalesce({rank}, 0) AS BIGINT)"
    last = layout.columns - 1
    if layout.columns == 1:
        cells = ["CAST(st AS BIGINT) << (6 * ci)"]
    else:
        cells = [
            f"CASE WHEN ci >= {first} AND ci < {first + PER_COLUMN} "
            f"THEN CAST(st AS BIGINT) << (6 * (ci - {first})) ELSE CAST(0 AS BIGINT) END"
            for first in (c * PER_COLUMN for c in range(layout.columns))
        ]
    if packed is not None:
        cells[last] = f"({cells[last]}) | vr"
    bits = [f"bit_or({cell}) AS b{c}" for c, cell in enumerate(cells)]
    if packed is None:
        bits += ["min(vr) AS variant_min", "max(vr) AS variant_max"]
    return f"""
SELECT date, user_key, {", ".join(bits)}
FROM (
    SELECT CAST(event_time AS DATE) AS date,
           user_key,
           {rank} AS vr,
           CASE {index} ELSE {len(layout.channels)} END AS ci,
           (CASE event {steps} ELSE 0 END) | {SEEN} AS st
    FROM events_keyed
    WHERE CAST(event_time AS DATE) BETWEEN (SELECT min(start_date) FROM windows)
                                       AND (SELECT max(end_date) FROM windows)
) e
GROUP BY date, user_key"""


def day_patterns_sql(layout: Layout) -> str:
    """Per day, the customers with the same bits counted together (a few thousand rows)."""
    return f"SELECT date, {layout.bits}, count(*) AS n FROM user_days GROUP BY date, {layout.bits}"


def _in_window(phase: str, value: str) -> str:
    """``value`` on a day of window ``phase``, else NULL."""
    bound = "(SELECT {} FROM windows WHERE phase = " + _lit(phase) + ")"
    return (
        f"CASE WHEN date BETWEEN {bound.format('start_date')} AND {bound.format('end_date')} "
        f"THEN {value} END"
    )


def user_windows_sql(layout: Layout) -> str:
    """One row per customer: ``w{p}_{c}``, column ``c``'s bits OR-ed over the days of window
    ``p`` (0 without an event in it), and the ranks of the smallest and largest A/B variant seen
    on a day of the campaign window (``variant_min``, ``variant_max``; NULL when none) — read
    from the campaign window's variant bits when ``user_days`` has them
    (:attr:`Layout.variant_bits`)."""
    cols = [
        f"bit_or(coalesce({_in_window(phase, f'b{c}')}, CAST(0 AS BIGINT))) AS w{p}_{c}"
        for p, phase in enumerate(layout.phases)
        for c in range(layout.columns)
    ]
    packed = layout.variant_bits
    if packed is None:
        return f"""
SELECT user_key, {", ".join(cols)},
       min({_in_window("campaign", "variant_min")}) AS variant_min,
       max({_in_window("campaign", "variant_max")}) AS variant_max
FROM user_days
GROUP BY user_key"""
    word = f"w{layout.phases.index('campaign')}_{layout.columns - 1}"

    def seen(order: Iterable[int]) -> str:
        return " ".join(f"WHEN ({word} & {1 << (packed + r)}) <> 0 THEN {r}" for r in order)

    names = ", ".join(f"w{p}_{c}" for p in range(len(layout.phases)) for c in range(layout.columns))
    return f"""
SELECT user_key, {names},
       CASE {seen(range(layout.ranks))} END AS variant_min,
       CASE {seen(reversed(range(layout.ranks)))} END AS variant_max
FROM (SELECT user_key, {", ".join(cols)} FROM user_days GROUP BY user_key) u"""


def _keys(layout: Layout) -> list[tuple[str, str | None, list[int]]]:
    """(column-name key, channel, slots): each channel, then ``_all`` (every slot), then the
    unlisted channels' slot."""
    last = len(layout.channels)
    return [(f"c{i}", c, [i]) for i, c in enumerate(layout.channels)] + [
        ("all", ALL, list(range(layout.slots))),
        ("other", None, [last]),
    ]


def _any_bit(layout: Layout, column: str, slots: Iterable[int], bit: int) -> str:
    """SQL true when ``bit`` is set in any of ``slots`` of the bit columns ``column`` (``{c}``
    the column number)."""
    masks = [0] * layout.columns
    for i in slots:
        c, shift = layout.place(i)
        masks[c] |= bit << shift
    return " OR ".join(f"({column.format(c=c)} & {m}) <> 0" for c, m in enumerate(masks) if m)


def _sums(layout: Layout, column: str, prefix: str) -> list[str]:
    """Sums of ``n`` over the rows whose bits (``column``, ``{c}`` the column number) show each
    key of :func:`_keys` as seen and at each step: ``{prefix}{key}_{measure}``."""
    out = []
    for measure, bit in (("uv", SEEN), *((f"s_{s}", STEP_BITS[s]) for s in FUNNEL_STEPS)):
        for key, _, slots in _keys(layout):
            test = _any_bit(layout, column, slots, bit)
            out.append(f"sum(CASE WHEN {test} THEN n ELSE 0 END) AS {prefix}{key}_{measure}")
    return out


def behaviour_daily_sql(layout: Layout) -> str:
    """Per day, one column per channel (and ``_all``) and measure: ``c{i}_uv``, ``c{i}_s_visit`` …"""
    return (
        f"SELECT date, {', '.join(_sums(layout, 'b{c}', ''))} FROM day_patterns "
        "GROUP BY date ORDER BY date"
    )


def behaviour_window_sql(layout: Layout) -> str:
    """One row: per window ``p``, channel and measure, the customers (``p{p}_c{i}_uv`` …),
    counted over the customers with the same window bits together."""
    window_cols = ", ".join(
        f"w{p}_{c}" for p in range(len(layout.phases)) for c in range(layout.columns)
    )
    sums = [s for p in range(len(layout.phases)) for s in _sums(layout, f"w{p}_{{c}}", f"p{p}_")]
    return (
        f"WITH patterns AS (SELECT {window_cols}, count(*) AS n FROM user_windows "
        f"GROUP BY {window_cols}) SELECT {', '.join(sums)} FROM patterns"
    )


def preheat_pool_sql(layout: Layout) -> str | None:
    """预热蓄水, one row: ``carters``, the customers who added to cart on a pre-heat day (any
    channel), and ``converted``, those of them who paid on a burst day (any channel) — from
    ``user_windows``; None when the card has no pre-heat or no burst window."""
    if "preheat" not in layout.phases or "burst" not in layout.phases:
        return None

    def any_step(phase: str, step: str) -> str:
        column = f"w{layout.phases.index(phase)}_{{c}}"
        return _any_bit(layout, column, range(layout.slots), STEP_BITS[step])

    carted, paid = any_step("preheat", "cart"), any_step("burst", "pay")
    return (
        f"SELECT coalesce(sum(CASE WHEN {carted} THEN 1 ELSE 0 END), 0) AS carters, "
        f"coalesce(sum(CASE WHEN ({carted}) AND ({paid}) THEN 1 ELSE 0 END), 0) AS converted "
        "FROM user_windows"
    )


def unlisted_variants_sql(layout: Layout) -> str:
    """How many customers saw a variant not in the layout (0 when the list is the events' own)."""
    return f"SELECT count(*) AS n FROM user_windows WHERE variant_max = {len(layout.variants)}"


def unlisted(wide_daily: pd.DataFrame) -> int:
    """Customer-days whose channel was not in the layout (0 when the list was the events' own)."""
    if wide_daily.empty:
        return 0
    return int(pd.to_numeric(wide_daily["other_uv"]).fillna(0).sum())


def _count(value: object) -> int:
    return 0 if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload]


def _long(row: pd.Series, layout: Layout, prefix: str) -> list[dict]:
    """One day's or window's wide sums as rows (channel, uv, s_…); channels without customers
    are left out, as a GROUP BY over the customers' rows would."""
    rows = []
    for key, channel, _ in _keys(layout)[:-1]:
        # a sum over no rows is NULL (no customer-day in any window): no customers
        values = {m: _count(row[f"{prefix}{key}_{m}"]) for m in MEASURES}
        if values["uv"] > 0:
            rows.append({"channel": channel, **values})
    return rows


def daily_frame(wide: pd.DataFrame, layout: Layout) -> pd.DataFrame:
    """date, channel, uv, s_visit … s_pay: a row per day and channel with customers."""
    rows = [
        {"date": r["date"], **values} for _, r in wide.iterrows() for values in _long(r, layout, "")
    ]
    return pd.DataFrame(rows, columns=["date", "channel", *MEASURES])


def window_frame(
    wide: pd.DataFrame, daily: pd.DataFrame, windows: pd.DataFrame, layout: Layout
) -> pd.DataFrame:
    """phase, channel, uv, days, s_visit … s_pay: a row per window and channel with customers;
    ``days`` counts the window's days on which the channel had customers (``daily``, the
    :func:`daily_frame`)."""
    rows = []
    if len(wide):
        dates = pd.to_datetime(daily["date"]).dt.date
        for p, phase in enumerate(layout.phases):
            w = windows[windows.phase == phase].iloc[0]
            inside = daily[(dates >= w.start_date) & (dates <= w.end_date)]
            for values in _long(wide.iloc[0], layout, f"p{p}_"):
                channel = values["channel"]
                same = inside.channel.isna() if channel is None else inside.channel == channel
                rows.append({"phase": phase, **values, "days": int(inside[same]["date"].nunique())})
    return pd.DataFrame(rows, columns=["phase", "channel", "uv", "days", *MEASURES[1:]])

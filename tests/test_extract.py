"""Each SQL aggregate of ``fupan/extract/sql`` against a hand computation on the tiny campaign.

The tiny campaign (tests/conftest.py) has ten order lines, two-to-four visitors a day and a daily
spend; every expected number below is worked out from those rows in a comment. Windows: baseline
01-01..01-04, burst 01-05..01-06, dip 01-07..01-08; the campaign proper is the burst (no preheat or
post window). Orders (order → user, day, GMV of lines not cancelled, refunds, channel):
o1 a 01-01 100 live · o2 b 01-02 50 search · o3 a 01-03 cancelled (30) live · o4 c 01-04 20
refunded 20 search · o5 a 01-05 200 + 40 (two lines) live · o6 d 01-05 120 refund 10 live ·
o7 e 01-06 80 search · o8 b 01-07 60 search · o9 f 01-08 10 live.
First orders (not cancelled): a 01-01 live, b 01-02 search, c 01-04 search, d 01-05 live,
e 01-06 search, f 01-08 live.
"""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import write_campaign
from fupan.extract.aggregates import Aggregates, customer_orders, day_drivers, extract, sql
from fupan.extract.engines.duck import DuckEngine
from fupan.ingest.validate import open_campaign

DAYS = [f"2025-01-0{d}" for d in range(1, 9)]


@pytest.fixture(scope="module")
def tiny_extract(tmp_path_factory) -> tuple[Aggregates, object]:
    campaign = open_campaign(write_campaign(tmp_path_factory.mktemp("extract") / "tiny"))
    yield extract(campaign), campaign
    campaign.con.close()


def _rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    out = frame[columns].copy()
    if "date" in out.columns:
        out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    return [tuple(r) for r in out.itertuples(index=False)]


def test_calendar_has_a_row_per_day_of_every_window(tiny_extract):
    _, campaign = tiny_extract
    cal = campaign.con.execute(
        "SELECT phase, count(*), min(date)::VARCHAR, max(date)::VARCHAR FROM calendar "
        "GROUP BY phase ORDER BY phase"
    ).fetchall()
    # baseline 4 days, burst 2, dip 2, campaign (= burst, no preheat/post) 2
    assert cal == [
        ("baseline", 4, "2025-01-01", "2025-01-04"),
        ("burst", 2, "2025-01-05", "2025-01-06"),
        ("campaign", 2, "2025-01-05", "2025-01-06"),
        ("dip", 2, "2025-01-07", "2025-01-08"),
    ]


def test_order_level_is_one_row_per_order_with_the_first_lines_time(tiny_extract):
    _, campaign = tiny_extract
    rows = campaign.con.execute(
        "SELECT order_id, order_ts::VARCHAR, channel, cancelled, CAST(gmv AS DOUBLE), "
        "CAST(refunds AS DOUBLE), units FROM order_level ORDER BY order_id"
    ).fetchall()
    assert len(rows) == 9  # ten lines, o5 has two
    by_id = {r[0]: r[1:] for r in rows}
    assert by_id["o5"] == (
        "2025-01-05 00:05:00",
        "live",
        False,
        240.0,
        0.0,
        2,
    )  # 200 + 40, first line's time
    assert by_id["o3"] == (
        "2025-01-03 12:00:00",
        "live",
        True,
        0.0,
        0.0,
        0,
    )  # cancelled: no GMV, no units
    assert by_id["o4"][3:5] == (20.0, 20.0)  # refunded, not cancelled: GMV before refunds


def test_first_orders_are_each_customers_first_order_not_cancelled(tiny_extract):
    _, campaign = tiny_extract
    rows = campaign.con.execute(
        "SELECT first_date::VARCHAR, first_channel FROM first_orders ORDER BY first_ts"
    ).fetchall()
    assert rows == [
        ("2025-01-01", "live"),
        ("2025-01-02", "search"),
        ("2025-01-04", "search"),
        ("2025-01-05", "live"),
        ("2025-01-06", "search"),
        ("2025-01-08", "live"),
    ]


def test_daily_channel_by_hand(tiny_extract):
    agg, _ = tiny_extract
    # (date, channel, gmv, refunds, orders, cancelled, buyers, new customers, units)
    assert _rows(
        agg.daily,
        [
            "date",
            "channel",
            "gmv",
            "refunds",
            "orders",
            "cancelled_orders",
            "buyers",
            "new_customers",
            "units",
        ],
    ) == [
        ("2025-01-01", "live", 100.0, 0.0, 1, 0, 1, 1, 1),  # o1, a's first
        ("2025-01-02", "search", 50.0, 0.0, 1, 0, 1, 1, 1),  # o2, b's first
        ("2025-01-03", "live", 0.0, 0.0, 0, 1, 0, 0, 0),  # o3 cancelled
        ("2025-01-04", "search", 20.0, 20.0, 1, 0, 1, 1, 1),  # o4 refunded, c's first
        ("2025-01-05", "live", 360.0, 10.0, 2, 0, 2, 1, 3),  # o5 240 (a, 2 lines) + o6 120 (d new)
        ("2025-01-06", "search", 80.0, 0.0, 1, 0, 1, 1, 1),  # o7, e's first
        ("2025-01-07", "search", 60.0, 0.0, 1, 0, 1, 0, 1),  # o8, b returns
        ("2025-01-08", "live", 10.0, 0.0, 1, 0, 1, 1, 1),  # o9, f's first
    ]


def test_window_channel_by_hand(tiny_extract):
    agg, _ = tiny_extract
    got = {
        (p, c): v
        for p, c, *v in _rows(
            agg.windows,
            [
                "phase",
                "channel",
                "gmv",
                "refunds",
                "orders",
                "cancelled_orders",
                "buyers",
                "new_buyers",
            ],
        )
    }
    assert got == {
        # baseline: live o1 (+ o3 cancelled), search o2 + o4 (20 refunded); all three buyers are new
        ("baseline", "live"): [100.0, 0.0, 1, 1, 1, 1],
        ("baseline", "search"): [70.0, 20.0, 2, 0, 2, 2],
        ("baseline", "_all"): [170.0, 20.0, 3, 1, 3, 3],
        # burst: live o5 (a, returning) + o6 (d, new), search o7 (e, new)
        ("burst", "live"): [360.0, 10.0, 2, 0, 2, 1],
        ("burst", "search"): [80.0, 0.0, 1, 0, 1, 1],
        ("burst", "_all"): [440.0, 10.0, 3, 0, 3, 2],
        ("campaign", "live"): [360.0, 10.0, 2, 0, 2, 1],
        ("campaign", "search"): [80.0, 0.0, 1, 0, 1, 1],
        ("campaign", "_all"): [440.0, 10.0, 3, 0, 3, 2],
        # dip: search o8 (b returning), live o9 (f new)
        ("dip", "live"): [10.0, 0.0, 1, 0, 1, 1],
        ("dip", "search"): [60.0, 0.0, 1, 0, 1, 0],
        ("dip", "_all"): [70.0, 0.0, 2, 0, 2, 1],
    }


def test_new_customers_by_window_and_first_channel(tiny_extract):
    agg, _ = tiny_extract
    assert _rows(agg.new_customers, ["phase", "channel", "new_customers"]) == [
        ("baseline", "_all", 3),
        ("baseline", "live", 1),
        ("baseline", "search", 2),  # a; b, c
        ("burst", "_all", 2),
        ("burst", "live", 1),
        ("burst", "search", 1),  # d; e
        ("campaign", "_all", 2),
        ("campaign", "live", 1),
        ("campaign", "search", 1),
        ("dip", "_all", 1),
        ("dip", "live", 1),  # f
    ]


def test_hourly_by_hand(tiny_extract):
    agg, _ = tiny_extract
    assert _rows(agg.hourly, ["date", "hour", "gmv", "orders"]) == [
        ("2025-01-01", 10, 100.0, 1),
        ("2025-01-02", 11, 50.0, 1),
        ("2025-01-03", 12, 0.0, 0),
        ("2025-01-04", 9, 20.0, 1),
        ("2025-01-05", 0, 240.0, 1),
        ("2025-01-05", 20, 120.0, 1),
        ("2025-01-06", 20, 80.0, 1),
        ("2025-01-07", 10, 60.0, 1),
        ("2025-01-08", 10, 10.0, 1),
    ]


def test_customer_orders_hold_every_order_not_cancelled_and_no_raw_id(tiny_extract):
    agg, _ = tiny_extract
    co = agg.customer_orders
    # 8 orders not cancelled; GMV 100 + 50 + 20 + 240 + 120 + 80 + 60 + 10 = 680; net = 680 − 20 − 10 = 650
    assert (
        len(co) == 8
        and co.gmv.sum() == pytest.approx(680.0)
        and co.net.sum() == pytest.approx(650.0)
    )
    assert co.user_key.nunique() == 6  # a, b, c, d, e, f
    assert not set(co.columns) & {"user_id", "order_id"}
    # one key per customer: a (o1, o5; o3 cancelled) and b (o2, o8) have two orders, c, d, e, f one
    assert co.groupby("user_key").size().sort_values().tolist() == [1, 1, 1, 1, 2, 2]


def test_customer_orders_in_customer_time_then_order_id_order() -> None:
    """Two orders of one customer in the same second come in order-id order, whatever order the
    table holds them in; the rest by customer, then time (cancelled orders left out)."""
    import duckdb

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE order_level (order_id VARCHAR, user_key UBIGINT, order_ts TIMESTAMP, "
        "gmv DECIMAL(18, 2), refunds DECIMAL(18, 2), cancelled BOOLEAN)"
    )
    t, later = "2025-01-05 10:00:00", "2025-01-05 11:00:00"
    rows = [
        ("o9", 7, t, 9, 0, False),  # customer 7's two orders at t: o2 must come first
        ("o4", 3, later, 4, 1, False),
        ("o2", 7, t, 2, 0, False),
        ("o3", 3, t, 3, 0, False),
        ("o8", 7, later, 8, 0, True),  # cancelled: left out
        ("o1", 7, later, 1, 0, False),
    ]
    con.executemany("INSERT INTO order_level VALUES (?, ?, ?, ?, ?, ?)", rows)
    got = customer_orders(DuckEngine(con))
    # by hand: customer 3 (o3 at t, o4 later), then 7 (o2, o9 at t: by order id; o1 later)
    assert got["user_key"].tolist() == [3, 3, 7, 7, 7]
    assert got["gmv"].tolist() == [3.0, 4.0, 2.0, 9.0, 1.0]
    assert got["net"].tolist() == [3.0, 3.0, 2.0, 9.0, 1.0]


def test_segments_daily_by_hand(tiny_extract):
    agg, _ = tiny_extract
    seg = agg.segments
    jan5 = seg[pd.to_datetime(seg.date) == "2025-01-05"]
    # o5 (a returning: 200 + 40) and o6 (d new: 120); unit prices 200 → 200-499, 40 → <100, 120 → 100-199
    assert _rows(jan5, ["dimension", "element", "gmv", "orders"]) == [
        ("category", "unknown", 360.0, 2),
        ("channel", "live", 360.0, 2),
        ("customer_type", "new", 120.0, 1),
        ("customer_type", "returning", 240.0, 1),
        ("price_band", "100-199", 120.0, 1),
        ("price_band", "200-499", 200.0, 1),
        ("price_band", "<100", 40.0, 1),
    ]
    # every dimension adds up to the day's GMV of daily_channel (lines not cancelled)
    totals = seg.groupby(["date", "dimension"]).gmv.sum().unstack()
    daily = agg.daily.groupby("date").gmv.sum()
    for dim in ("category", "channel", "customer_type", "price_band"):
        assert totals[dim].reindex(daily.index, fill_value=0.0).tolist() == pytest.approx(
            daily.tolist()
        )


def test_daily_history_and_slices_cover_the_whole_history(tiny_extract):
    agg, _ = tiny_extract
    assert _rows(agg.history, ["date", "gmv", "orders", "units"]) == [
        ("2025-01-01", 100.0, 1, 1),
        ("2025-01-02", 50.0, 1, 1),
        ("2025-01-03", 0.0, 0, 0),
        ("2025-01-04", 20.0, 1, 1),
        ("2025-01-05", 360.0, 2, 3),
        ("2025-01-06", 80.0, 1, 1),
        ("2025-01-07", 60.0, 1, 1),
        ("2025-01-08", 10.0, 1, 1),
    ]
    assert _rows(agg.daily_slices, ["date", "channel", "gmv", "refunds", "orders"]) == _rows(
        agg.daily, ["date", "channel", "gmv", "refunds", "orders"]
    )  # one channel a day in the tiny shop


def test_daily_uv_by_hand(tiny_extract):
    agg, _ = tiny_extract
    # a, b on 01-01..04; a, d, e, x on 01-05..06; b, f on 01-07..08 — all on live
    uv = [2, 2, 2, 2, 4, 4, 2, 2]
    assert _rows(agg.uv, ["date", "channel", "uv"]) == [
        (d, ch, n) for d, n in zip(DAYS, uv, strict=True) for ch in ("_all", "live")
    ]


def test_funnel_and_funnel_daily_by_hand(tiny_extract):
    agg, _ = tiny_extract
    # only visit events: baseline {a, b}, burst = campaign {a, d, e, x}, dip {b, f}
    assert _rows(agg.funnel, ["phase", "channel", "step", "users"]) == [
        (p, ch, "visit", n)
        for p, n in (("baseline", 2), ("burst", 4), ("campaign", 4), ("dip", 2))
        for ch in ("_all", "live")
    ]
    assert _rows(agg.funnel_daily, ["date", "channel", "step", "users"]) == [
        (d, ch, "visit", n)
        for d, n in zip(DAYS, [2, 2, 2, 2, 4, 4, 2, 2], strict=True)
        for ch in ("_all", "live")
    ]


def test_spend_daily_by_hand(tiny_extract):
    agg, _ = tiny_extract
    # live: 10 a day before 01-05, 50 from then on
    assert _rows(agg.spend, ["date", "channel", "spend"]) == [
        (d, "live", 10.0 if d < "2025-01-05" else 50.0) for d in DAYS
    ]


def test_absent_tables_give_none_and_a_note(tiny_extract):
    agg, _ = tiny_extract
    # no inventory table, no variant column, no controls in the tiny card
    assert (
        agg.stockouts is None
        and agg.sku_daily is None
        and agg.controls is None
        and agg.ab_arms is None
    )
    assert agg.notes == {
        "stockouts": "inventory",
        "sku_daily": "inventory",
        "ab_arms": "events.variant",
    }
    assert agg.sku_window.empty  # no sku column: no SKU rows


def test_day_drivers_name_the_top_orders_of_a_day(tiny_extract):
    _, campaign = tiny_extract
    drivers = day_drivers(campaign, [pd.Timestamp("2025-01-05")])
    orders = drivers["orders"]
    assert set(drivers) == {"orders", "skus", "buyers"}
    day = orders[pd.to_datetime(orders.date) == "2025-01-05"]
    # o5 (240, two lines) is the largest order of 01-05, then o6 (120, refund 10); the whole day
    # (slice _all) and the live channel rank the same two orders
    for slice_ in ("_all", "live"):
        top = day[day["slice"] == slice_].sort_values("rank")
        assert _rows(top, ["rank", "order_id", "gmv", "refunds", "units", "lines"]) == [
            (1, "o5", 240.0, 0.0, 2, 2),
            (2, "o6", 120.0, 10.0, 1, 1),
        ]
    assert set(day["slice"]) == {"_all", "live"}


def test_every_sql_file_is_read_by_its_name():
    names = [
        "ab_arms",
        "calendar",
        "control_daily",
        "customer_orders",
        "daily_channel",
        "daily_history",
        "daily_slices",
        "day_top_buyers",
        "day_top_orders",
        "day_top_skus",
        "first_orders",
        "hourly",
        "new_customers",
        "order_level",
        "segments_daily",
        "sku_daily",
        "sku_window",
        "spend_daily",
        "stockouts",
        "window_channel",
    ]
    for name in names:
        assert "select" in sql(name).lower(), name


def test_segments_daily_equal_pandas_on_the_demo(demo_dir, tmp_path):
    """segments_daily.sql against pandas over the demo's validated order lines, with one line of
    200 multi-line orders cancelled (the rest of each order stands): order-level dimensions
    (channel of the order's first line, new = the customer's first order not cancelled) count
    orders with a line not cancelled, line-level ones (category, price band) distinct orders among
    the lines not cancelled; GMV is the lines' paid_amount either way."""
    import shutil

    import numpy as np

    folder = tmp_path / "partly-cancelled"
    shutil.copytree(demo_dir, folder)
    path = next(folder.glob("orders.*"))
    raw = pd.read_parquet(path)
    multi = raw.order_id.duplicated(keep="first") & (raw.status != "cancelled")
    hit = raw.index[multi][:200]
    assert len(hit) == 200
    raw.loc[hit, "status"] = "cancelled"
    raw.to_parquet(path, index=False)

    campaign = open_campaign(folder)
    try:
        agg = extract(campaign)
        lines = campaign.con.execute(
            "SELECT order_id, user_id, order_time, channel, status, category, paid_amount, "
            "quantity, _row FROM orders"
        ).df()
        lo, hi = campaign.con.execute(
            "SELECT min(start_date), max(end_date) FROM windows"
        ).fetchall()[0]
    finally:
        campaign.con.close()
    lines = lines.sort_values(["order_time", "_row"], kind="stable")
    live = lines[lines.status != "cancelled"]
    orders = lines.groupby("order_id").agg(
        user_id=("user_id", "first"), ts=("order_time", "min"), channel=("channel", "first")
    )
    orders["cancelled"] = ~orders.index.isin(live.order_id)
    orders["gmv"] = live.groupby("order_id").paid_amount.sum().reindex(orders.index).fillna(0.0)
    first = orders[~orders.cancelled].groupby("user_id").ts.min()
    orders["customer_type"] = np.where(orders.ts == orders.user_id.map(first), "new", "returning")
    orders["date"] = orders.ts.dt.normalize()
    inside = (orders.date >= pd.Timestamp(lo)) & (orders.date <= pd.Timestamp(hi))
    counted = orders[inside & ~orders.cancelled]
    live = live.join(orders[["date"]], on="order_id")
    live = live[(live.date >= pd.Timestamp(lo)) & (live.date <= pd.Timestamp(hi))]
    unit = live.paid_amount / live.quantity.clip(lower=1)
    live = live.assign(
        category=live.category.fillna("unknown"),
        price_band=np.select(
            [unit < 100, unit < 200, unit < 500], ["<100", "100-199", "200-499"], "500+"
        ),
    )
    expected = {}
    for dim in ("channel", "customer_type"):
        g = counted.groupby(["date", dim]).agg(gmv=("gmv", "sum"), orders=("gmv", "size"))
        expected.update({(d, dim, e): (r.gmv, r.orders) for (d, e), r in g.iterrows()})
    for dim in ("category", "price_band"):
        g = live.groupby(["date", dim]).agg(
            gmv=("paid_amount", "sum"), orders=("order_id", "nunique")
        )
        expected.update({(d, dim, e): (r.gmv, r.orders) for (d, e), r in g.iterrows()})
    seg = agg.segments
    got = {
        (pd.Timestamp(r.date), r.dimension, r.element): (r.gmv, r.orders)
        for r in seg.itertuples(index=False)
    }
    assert got.keys() == expected.keys()
    assert {k: v[1] for k, v in got.items()} == {k: int(v[1]) for k, v in expected.items()}
    for key, (gmv, _) in expected.items():
        assert got[key][0] == pytest.approx(gmv, abs=0.005), key
    partly = lines.groupby("order_id").status.agg(lambda s: 0 < (s == "cancelled").sum() < len(s))
    assert partly.sum() >= 150  # orders with a cancelled line and a line that stands


def test_a_line_stamped_after_midnight_counts_on_its_orders_first_day(tmp_path):
    """o5's lines straddle midnight (23:59:30 and 00:00:40, 70 s apart): the order, and each of
    its lines in the per-line figures (segments by category and price band), count on 01-05, the
    day of its first line. split_orders holds exactly that order; order_lines dates both lines by
    it, every other line by its own day."""
    from conftest import TINY_ORDERS

    rows = [r for r in TINY_ORDERS if r[0] != "o5"] + [
        ("o5", "a", "2025-01-05 23:59:30", 200.0, "live", "paid", 0.0),
        ("o5", "a", "2025-01-06 00:00:40", 40.0, "live", "paid", 0.0),
    ]
    campaign = open_campaign(write_campaign(tmp_path / "midnight", orders=rows))
    try:
        agg = extract(campaign)
        con = campaign.con
        assert con.execute("SELECT order_id, order_date::VARCHAR FROM split_orders").fetchall() == [
            ("o5", "2025-01-05")
        ]
        lines = con.execute(
            "SELECT order_id, order_date::VARCHAR, paid_amount FROM order_lines "
            "WHERE order_id IN ('o5', 'o7') ORDER BY order_id, paid_amount"
        ).fetchall()
    finally:
        campaign.con.close()
    assert lines == [
        ("o5", "2025-01-05", 40.0),
        ("o5", "2025-01-05", 200.0),
        ("o7", "2025-01-06", 80.0),
    ]
    seg = agg.segments[agg.segments.dimension.isin(["category", "price_band"])]
    jan5 = seg[pd.to_datetime(seg.date) == "2025-01-05"]
    jan6 = seg[pd.to_datetime(seg.date) == "2025-01-06"]
    # 01-05: o5 (200 + 40) and o6 (120); 01-06: o7 (80) alone
    assert _rows(jan5, ["dimension", "element", "gmv", "orders"]) == [
        ("category", "unknown", 360.0, 2),
        ("price_band", "100-199", 120.0, 1),
        ("price_band", "200-499", 200.0, 1),
        ("price_band", "<100", 40.0, 1),
    ]
    assert _rows(jan6, ["dimension", "element", "gmv", "orders"]) == [
        ("category", "unknown", 80.0, 1),
        ("price_band", "<100", 80.0, 1),
    ]


def test_stock_kept_per_warehouse_gives_the_same_stock_outs_as_per_sku(demo_dir, tmp_path):
    """An inventory export with a row per warehouse (a SKU's stock of a day split in two, one
    warehouse at 0 while the other holds it all): the stock-outs, the day × SKU stock and the
    products' days out equal those of the summed file — a warehouse at 0 is no stock-out. Before,
    the products counted it as one (a hero's days out doubled) and the inventory analysis stopped
    at 'two rows for one date and sku'; validation now says the rows are summed."""
    import shutil

    from fupan.analysis import ops_data

    split = tmp_path / "split"
    shutil.copytree(demo_dir, split)
    stock = pd.read_csv(split / "inventory.csv", dtype={"on_hand": int, "on_order": int})
    east = stock.assign(warehouse="杭州仓", on_hand=stock.on_hand // 3, on_order=0)
    east.loc[east.index % 5 == 0, "on_hand"] = 0  # this warehouse empty, the other holds it all
    west = stock.assign(warehouse="广州仓", on_hand=stock.on_hand - east.on_hand)
    rows = pd.concat([east, west]).sort_index(kind="stable")
    rows[["date", "sku", "warehouse", "on_hand", "on_order"]].to_csv(
        split / "inventory.csv", index=False
    )
    assert (
        rows.groupby(["date", "sku"]).on_hand.sum()
        == stock.set_index(["date", "sku"]).on_hand.sort_index()
    ).all()
    got = {}
    for name, folder in (("summed", demo_dir), ("split", split)):
        campaign = open_campaign(folder)
        agg = extract(campaign)
        w = campaign.card.windows.items()[1][1]
        got[name] = (
            agg.stockouts.sort_values(["phase", "sku"]).reset_index(drop=True),
            agg.sku_daily[["date", "sku", "on_hand", "on_order"]].reset_index(drop=True),
            ops_data.days_out(campaign, w.start, w.end).sort_values("sku").reset_index(drop=True),
            [x.code for x in campaign.warnings],
        )
        campaign.con.close()
    for a, b in zip(got["summed"][:3], got["split"][:3], strict=True):
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert got["summed"][0].stockout_days.sum() > 0  # the demo has stock-outs to compare
    assert "rows_summed" in got["split"][3] and "rows_summed" not in got["summed"][3]


def test_oversold_stock_reads_as_none_on_hand(demo_dir, tmp_path):
    """An ERP's on-hand goes negative when more was sold than held (-2: two owed). It was refused
    (on_hand must be ≥ 0) — the whole campaign stopped for an honest figure. It is read as 0, none
    left to sell, with a warning naming the rows: the stock-outs and the day × SKU stock equal
    those of the same file with 0 written there."""
    import shutil

    oversold = tmp_path / "oversold"
    shutil.copytree(demo_dir, oversold)
    stock = pd.read_csv(oversold / "inventory.csv")
    empty = stock.index[stock.on_hand == 0]
    assert len(empty) > 3  # the demo has days out of stock to write as oversold
    stock.loc[empty, "on_hand"] = -2
    stock.to_csv(oversold / "inventory.csv", index=False)
    got = {}
    for name, folder in (("zero", demo_dir), ("oversold", oversold)):
        campaign = open_campaign(folder)
        agg = extract(campaign)
        got[name] = (
            agg.stockouts.sort_values(["phase", "sku"]).reset_index(drop=True),
            agg.sku_daily[["date", "sku", "on_hand"]].reset_index(drop=True),
            [w for w in campaign.warnings if w.code == "read_as_minimum"],
        )
        campaign.con.close()
    for a, b in zip(got["zero"][:2], got["oversold"][:2], strict=True):
        pd.testing.assert_frame_equal(a, b, check_dtype=False)
    assert not got["zero"][2]
    (w,) = got["oversold"][2]
    assert w.severity == "warning" and w.file == "inventory.csv" and w.column == "on_hand"
    assert w.row == empty[0] + 1  # rows are counted from the first under the header
    assert f"{len(empty):,} row(s)" in w.en and "oversold" in w.en and "超卖" in w.zh

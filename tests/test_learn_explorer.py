"""The explorer's numbers and charts, checked by their data (nbval does not compare images), and
its static HTML: one view per phase, switched by inline script, nothing fetched. The segment
filter (新客 / 老客) is checked on a hand-built frame and on the demo campaign against the orders
themselves (pandas over the raw rows, not the extract's SQL)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from campaigns import plain_orders
from fupan.learn import charts, explorer, glossary

DAILY = pd.DataFrame(
    {
        "date": pd.to_datetime(
            ["2025-11-01", "2025-11-01", "2025-11-02", "2025-11-03", "2025-11-03"]
        ),
        "channel": ["live", "organic", "live", "live", "organic"],
        "gmv": [100.0, 50.0, 200.0, 40.0, 10.0],
        "refunds": [10.0, 0.0, 20.0, 0.0, 5.0],
        "orders": [2.0, 1.0, 4.0, 0.0, 1.0],
    }
)
WINDOWS = pd.DataFrame(
    {
        "phase": ["burst", "dip"],
        "start_date": ["2025-11-01", "2025-11-03"],
        "end_date": ["2025-11-02", "2025-11-03"],
    }
)


def test_view_sums_by_hand():
    w = explorer.phase_windows(WINDOWS)
    v = explorer.view(DAILY, w, "burst")
    # burst = 11-01..11-02: gmv 100+50+200, refunds 10+0+20, orders 2+1+4
    assert v.cards["gmv"] == 350 and v.cards["net_gmv"] == 320 and v.cards["orders"] == 7
    assert v.cards["aov"] == 50 and v.cards["refund_rate"] == 30 / 350
    assert v.by_channel.to_dict() == {"live": 300.0, "organic": 50.0}
    live = explorer.view(DAILY, w, explorer.ALL, ("live",), ("2025-11-02", "2025-11-03"))
    assert live.cards["gmv"] == 240 and live.cards["orders"] == 4
    # a view with no orders: AOV not measured (NaN, shown —), never 0
    dip_live = explorer.view(DAILY, w, "dip", ("live",))
    assert np.isnan(dip_live.cards["aov"]) and "—" in explorer.cards_html(dip_live.cards)


def test_chart_draws_the_view():
    w = explorer.phase_windows(WINDOWS)
    v = explorer.view(DAILY, w, "burst")
    fig = explorer.figure(v, "burst")
    line = fig.axes[0].lines[0]
    assert list(line.get_ydata()) == [150.0, 200.0]
    bars = sorted(p.get_width() for p in fig.axes[1].patches)
    assert bars == [50.0, 300.0]
    frame = pd.DataFrame({"a": [1.0, 2.0]}, index=[0, 1])
    fig2, drawn = charts.lines(frame, "t")
    assert drawn is frame and list(fig2.axes[0].lines[0].get_ydata()) == [1.0, 2.0]


def test_static_html_has_a_view_per_phase_and_no_network():
    w = explorer.phase_windows(WINDOWS)
    page = explorer.static_html(DAILY, w)
    views = re.findall(r'class="fp-x-view" data-view="(\w+)"', page)
    assert views == ["all", "burst", "dip"]
    assert len(re.findall(r"data-view=\"\w+\" hidden>", page)) == 2  # only the first is shown
    assert not re.search(r"https?://", page)
    assert page == explorer.static_html(DAILY, w)  # deterministic (nbval compares it)
    bundle = explorer.Explorer(DAILY, WINDOWS)._repr_mimebundle_()
    assert "text/html" in bundle and "fp-explorer" in bundle["text/html"]


def test_glossary_reads_the_dictionary():
    from fupan import dictionary

    e = glossary.lookup("net_gmv")
    assert e.definition_zh == dictionary.KPI_DEFINITIONS["net_gmv"].definition_zh
    keys = {x.key for x in glossary.entries()}
    for term in (
        "srm",
        "cuped",
        "pull_forward",
        "repurchase_rate",
        "return_rate",
        "rfm",
        "gower",
        "roas",
    ):
        assert term in keys
    table = glossary.define("srm", "cuped")._repr_html_()
    assert "SRM" in table and "CUPED" in table


def test_widget_updates_cards_and_chart():
    e = explorer.Explorer(DAILY, WINDOWS)
    box = e.widget()
    # a frame without customer_type: no segment control, and a note saying so
    assert set(e.controls) == {"phase", "channels", "dates"}
    assert "customer_type" in box.children[2].value
    phase, channels, dates = (e.controls[k] for k in ("phase", "channels", "dates"))
    cards, chart = box.children[-2:]
    all_gmv = explorer.view(DAILY, explorer.phase_windows(WINDOWS)).cards["gmv"]
    assert f"{all_gmv:,.0f}" in cards.value
    first_png = bytes(chart.value)
    assert first_png.startswith(b"\x89PNG")
    phase.value = "dip"
    assert "50" in cards.value and f"{all_gmv:,.0f}" not in cards.value
    assert bytes(chart.value) != first_png
    channels.value = ("organic",)
    assert ">10.00<" in cards.value and ">50.0%<" in cards.value  # dip × organic: GMV 10, refunds 5
    phase.value, channels.value = explorer.ALL, ()
    dates.value = (pd.Timestamp("2025-11-02").date(), pd.Timestamp("2025-11-03").date())
    assert ">250<" in cards.value  # 11-02..11-03, every channel: 200 + 40 + 10


# the same days and channels as DAILY, split by customer type (new + returning = DAILY's rows)
SEGMENTED = pd.DataFrame(
    {
        "date": pd.to_datetime(
            ["2025-11-01", "2025-11-01", "2025-11-01", "2025-11-02", "2025-11-02"]
            + ["2025-11-03", "2025-11-03"]
        ),
        "channel": ["live", "live", "organic", "live", "live", "live", "organic"],
        "customer_type": ["new", "returning", "returning", "new", "returning", "returning", "new"],
        "gmv": [60.0, 40.0, 50.0, 150.0, 50.0, 40.0, 10.0],
        "refunds": [10.0, 0.0, 0.0, 0.0, 20.0, 0.0, 5.0],
        "orders": [1.0, 1.0, 1.0, 3.0, 1.0, 0.0, 1.0],
    }
)
NAMES = {"live": "自播 Own live stream", "organic": "免费·自然流量 Organic"}


def test_segment_view_sums_by_hand():
    w = explorer.phase_windows(WINDOWS)
    new = explorer.view(SEGMENTED, w, "burst", segment="new")
    # burst × new: 11-01 live 60 (refund 10, 1 order) + 11-02 live 150 (3 orders)
    assert new.cards["gmv"] == 210 and new.cards["net_gmv"] == 200 and new.cards["orders"] == 4
    assert new.cards["aov"] == 52.5 and new.cards["refund_rate"] == 10 / 210
    ret = explorer.view(SEGMENTED, w, "burst", segment="returning")
    # burst × returning: 40 + 50 (organic) + 50 (refund 20); orders 1 + 1 + 1
    assert ret.cards["gmv"] == 140 and ret.cards["orders"] == 3 and ret.cards["net_gmv"] == 120
    assert ret.by_channel.to_dict() == {"live": 90.0, "organic": 50.0}
    both = explorer.view(SEGMENTED, w, "burst")
    assert both.cards == explorer.view(DAILY, w, "burst").cards
    # a segment filter on a frame without customer_type says what is missing
    with pytest.raises(ValueError, match="customer_type"):
        explorer.view(DAILY, w, segment="new")


def test_segment_control_and_static_note():
    e = explorer.Explorer(SEGMENTED, WINDOWS, NAMES)
    e.widget()
    segment, cards = e.controls["segment"], e._widget.children[-2]
    assert [v for _, v in segment.options] == ["all", "new", "returning"]
    assert [label for label, _ in e.controls["channels"].options] == list(NAMES.values())
    segment.value = "new"
    assert ">220<" in cards.value  # every day and channel, new: 60 + 150 + 10
    e.controls["channels"].value = ("organic",)
    assert ">10.00<" in cards.value and ">50.0%<" in cards.value
    page = explorer.static_html(SEGMENTED, explorer.phase_windows(WINDOWS), NAMES)
    assert "JupyterLab" in page and "新老客" in page and "new/returning" in page
    assert "没有新老客" not in page
    # without customer_type the note says the segment filter is absent (in both languages)
    plain = explorer.static_html(DAILY, explorer.phase_windows(WINDOWS))
    assert "没有新老客" in plain and "no new/returning" in plain


def _bar_labels(fig) -> list[str]:
    fig.canvas.draw()
    return [t.get_text() for t in fig.axes[1].get_yticklabels()]


def test_bar_chart_names_channels():
    w = explorer.phase_windows(WINDOWS)
    fig = explorer.figure(explorer.view(DAILY, w), "all", NAMES)
    assert _bar_labels(fig) == ["免费·自然流量 Organic", "自播 Own live stream"]  # GMV 60 < 340


@pytest.fixture(scope="module")
def demo():
    """The demo campaign's retrospective and its orders at order level, computed in pandas from
    the raw order lines (口径: an order's time and channel are its first line's; GMV and refunds
    from lines not cancelled; an order is cancelled when all its lines are; new = the order is
    the user's first order not cancelled, by order time)."""
    from fupan.learn import data

    folder = data.demo_dir()
    r = data.retrospective(folder)
    orders = plain_orders(pd.read_parquet(folder / "orders.parquet")).set_index("order_id")
    first = orders[~orders["cancelled"]].groupby("user_id")["ts"].min()
    orders["new"] = ~orders["cancelled"] & (orders["ts"] == orders["user_id"].map(first))
    orders["date"] = orders["day"]
    return r, orders


def test_segment_views_match_the_orders(demo):
    r, orders = demo
    e = explorer.Explorer.of(r)
    assert e.segments
    w = e.windows
    for phase, segment, channels in [
        ("burst", "new", ()),
        ("burst", "returning", ()),
        ("baseline", "new", ("live", "organic")),
        ("dip", "returning", ("search_ads",)),
        (explorer.ALL, explorer.ALL, ()),
    ]:
        lo, hi = (
            w[phase]
            if phase != explorer.ALL
            else (min(a for a, _ in w.values()), max(b for _, b in w.values()))
        )
        o = orders[(orders["date"] >= lo) & (orders["date"] <= hi)]
        if segment != explorer.ALL:
            o = o[o["new"] == (segment == "new")]
        if channels:
            o = o[o["channel"].isin(channels)]
        cards = explorer.view(e.daily, w, phase, channels, segment=segment).cards
        live = o[~o["cancelled"]]
        assert cards["gmv"] == pytest.approx(o["gmv"].sum(), abs=0.01), (phase, segment)
        assert cards["net_gmv"] == pytest.approx(o["gmv"].sum() - o["refunds"].sum(), abs=0.01)
        assert cards["orders"] == len(live), (phase, segment, channels)
        assert cards["gmv"] > 0


def test_segments_add_up_to_the_daily_frame(demo):
    r, _ = demo
    rows = r.agg.explorer
    assert set(rows["customer_type"]) == {"new", "returning"}
    key = ["date", "channel"]
    cols = ["gmv", "refunds", "orders"]
    new = rows[rows["customer_type"] == "new"].groupby(key)[cols].sum()
    ret = rows[rows["customer_type"] == "returning"].groupby(key)[cols].sum()
    summed = new.add(ret, fill_value=0)
    daily = r.agg.daily.set_index(key)[cols].sort_index()
    assert summed.index.equals(daily.index)
    np.testing.assert_allclose(summed["gmv"], daily["gmv"], atol=0.005)
    np.testing.assert_allclose(summed["refunds"], daily["refunds"], atol=0.005)
    assert (summed["orders"] == daily["orders"]).all()
    # new orders per day × channel are daily_channel's new customers (one first order each)
    assert (
        new["orders"]
        .reindex(daily.index, fill_value=0)
        .equals(
            r.agg.daily.set_index(key)["new_customers"].sort_index().astype(new["orders"].dtype)
        )
    )
    # the explorer's all-segments view is the old daily frame's, per day × channel
    w = explorer.phase_windows(r.windows)
    for day, channel in [daily.index[0], daily.index[len(daily) // 2], daily.index[-1]]:
        v = explorer.view(rows, w, dates=(day, day), channels=(channel,))
        assert v.cards["gmv"] == pytest.approx(daily.loc[(day, channel), "gmv"], abs=0.005)


def test_the_bar_chart_shows_no_raw_channel_key(demo):
    r, _ = demo
    e = explorer.Explorer.of(r)
    keys = set(r.agg.daily["channel"])
    labels = _bar_labels(explorer.figure(explorer.view(e.daily, e.windows), "all", e.names))
    assert len(labels) == len(keys)
    assert not keys & set(labels)
    for label in labels:
        assert not any(k in label for k in keys if "_" in k), label  # search_ads, feed_ads…
        assert re.search(r"[\u4e00-\u9fff]", label), label  # a Chinese name
    e.widget()
    options = [label for label, _ in e.controls["channels"].options]
    assert sorted(options) == sorted(labels)
    page = explorer.static_html(e.daily, e.windows, e.names)
    assert not re.search(r"https?://", page)


def test_amount_axes_read_in_wan_never_as_a_1e6_offset() -> None:
    """Daily GMV of millions: the axis labels carry 万 (2.5e7 → 2,500万 by hand: 25,000,000 / 10⁴)
    and matplotlib's offset text ("1e6" above the axis) stays empty."""
    from fupan.learn.explorer import View, figure

    daily = pd.DataFrame(
        {"date": pd.date_range("2025-11-01", periods=5), "gmv": [2e5, 1e6, 3.4e6, 2e6, 5e5]}
    )
    fig = figure(View(daily, pd.Series({"live": 2.5e7, "search": 3e6}), {}))
    fig.canvas.draw()
    a, b = fig.axes
    assert a.yaxis.get_offset_text().get_text() == ""
    assert b.xaxis.get_offset_text().get_text() == ""
    assert any(t.get_text().endswith("万") for t in a.get_yticklabels())
    assert b.xaxis.get_major_formatter()(2.5e7, 0) == "2,500万"
    assert a.yaxis.get_major_formatter()(500, 0) == "500"

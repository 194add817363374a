"""The explorer's numbers and charts, checked by their data (nbval does not compare images), and
its static HTML: one view per phase, switched by inline script, nothing fetched."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

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
    (phase, channels), dates, cards, chart = box.children[0].children, *box.children[1:]
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

"""投放 (metrics.ads, analysis.ops.ads): 费比 and break-even ROAS per channel against a hand
computation from the raw files and the P&L; channels below break-even named; attribution gap."""

from __future__ import annotations

import pytest

from fupan.analysis import ops
from fupan.format import Style
from fupan.metrics.ads import break_even_roas_from_margin
from fupan.report.sections import ops as sections
from ops_demo import in_window, ops_campaign, raw  # noqa: F401 (fixtures)


def test_break_even_by_hand() -> None:
    assert break_even_roas_from_margin(0.25) == 4.0
    with pytest.raises(ValueError):
        break_even_roas_from_margin(-0.1)


def test_spend_ratio_and_break_even_per_channel(ops_campaign, raw) -> None:  # noqa: F811
    p = ops.pnl(ops_campaign)
    r = ops.ads(ops_campaign, p)
    # by hand: contribution before ads over GMV, from the P&L's own lines
    st = p.statement
    m = (st.contribution - st.amount("ads")) / st.amount("gmv")
    assert r.break_even_roas == pytest.approx(1 / m, rel=1e-12)
    s, w = raw["spend"], raw["window"]
    spend = s[s["date"].between(*w)].groupby("channel")["spend"].sum()
    gmv = in_window(raw["orders"], w).groupby("channel")["paid_amount"].sum()
    below = []
    for ch, sp in spend.items():
        assert r.channels.at[ch, "spend_ratio"] == pytest.approx(sp / gmv[ch], rel=1e-9)
        assert r.channels.at[ch, "roas"] == pytest.approx(gmv[ch] / sp, rel=1e-9)
        if gmv[ch] / sp < 1 / m:
            below.append(ch)
    assert sorted(r.below_break_even) == sorted(below)
    clicks = s[s["date"].between(*w)].groupby("channel")["clicks"].sum()
    assert r.channels.at["search_ads", "cpc"] == pytest.approx(
        spend["search_ads"] / clicks["search_ads"]
    )


def test_attribution_gap_equals_pandas(ops_campaign, raw) -> None:  # noqa: F811
    r = ops.ads(ops_campaign, ops.pnl(ops_campaign))
    s, w = raw["spend"], raw["window"]
    att = s[s["date"].between(*w)].groupby("channel")["attributed_gmv"].sum()
    gmv = in_window(raw["orders"], w).groupby("channel")["paid_amount"].sum()
    for ch in att.index:
        assert r.attribution.at[ch, "gap"] == pytest.approx(att[ch] / gmv[ch] - 1, rel=1e-9)
    assert set(r.tools["tool"]) == set(s["tool"])  # Chinese tool names, as the data has them


def test_section_names_channels_below_break_even(ops_campaign) -> None:  # noqa: F811
    r = ops.ads(ops_campaign, ops.pnl(ops_campaign))
    st = Style(lang="zh", names=(("channel", "feed_ads", "信息流", "Feed ads"),))
    page = str(sections.ads(r, st))
    assert "保本投产比" in page and f"{r.break_even_roas:.2f}" in page
    for ch in r.below_break_even:
        assert st.channel(ch) in page.split("低于保本线的渠道：")[1].split("。")[0]
    assert "万相台" in page and "直通车" in page

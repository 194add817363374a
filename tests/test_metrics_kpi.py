"""KPIs per window on the tiny campaign, every expected value computed by hand from conftest.TINY_ORDERS.

Baseline 01-01..01-04: o1 100 (a, live), o2 50 (b), o3 30 cancelled, o4 20 (c, refunded 20).
Burst 01-05..01-06: o5 200+40 (a, live, two lines), o6 120 (d, live, refund 10), o7 80 (e).
Dip 01-07..01-08: o8 60 (b), o9 10 (f, live). Visitors: a, b every baseline day; a, d, e, x every
burst day; b, f every dip day — so 访客数 (distinct over the window) 2 / 4 / 2 and the day-summed
figure 8 / 8 / 4.
Spend: 10/day before 01-05, 50/day from 01-05.
Buyers by day (orders not cancelled): baseline 01-01 a, 01-02 b, 01-04 c (01-03 only a cancelled
order); burst 01-05 a, d, 01-06 e; dip 01-07 b, 01-08 f — summed 3 / 3 / 2, so the daily
conversion rate (cr_daily) is 3/8, 3/8 and 2/4.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from fupan.analysis.retrospective import build
from fupan.extract.aggregates import extract
from fupan.ingest.validate import open_campaign
from fupan.metrics.kpi import evaluate_hypotheses, target_achievement


@pytest.fixture
def retro(tiny):
    campaign = open_campaign(tiny)
    return build(campaign, extract(campaign))


HAND = {
    "baseline": dict(
        days=4,
        gmv=170.0,
        refunds=20.0,
        net_gmv=150.0,
        orders=3,
        buyers=3,
        uv=2.0,
        uv_daily_sum=8.0,
        cr_daily=3 / 8,
        spend=40.0,
        new_customers=3,
        cancel_rate=1 / 4,
        peak_day_gmv=100.0,
    ),
    "burst": dict(
        days=2,
        gmv=440.0,
        refunds=10.0,
        net_gmv=430.0,
        orders=3,
        buyers=3,
        uv=4.0,
        uv_daily_sum=8.0,
        cr_daily=3 / 8,
        spend=100.0,
        new_customers=2,
        cancel_rate=0.0,
        peak_day_gmv=360.0,
    ),
    "dip": dict(
        days=2,
        gmv=70.0,
        refunds=0.0,
        net_gmv=70.0,
        orders=2,
        buyers=2,
        uv=2.0,
        uv_daily_sum=4.0,
        cr_daily=2 / 4,
        spend=100.0,
        new_customers=1,
        cancel_rate=0.0,
        peak_day_gmv=60.0,
    ),
}


@pytest.mark.parametrize("phase", ["baseline", "burst", "dip"])
def test_window_kpis_equal_hand_computation(retro, phase):
    k = retro.kpis.loc[phase]
    for key, expected in HAND[phase].items():
        assert k[key] == pytest.approx(expected), key
    h = HAND[phase]
    assert k.cr == pytest.approx(h["buyers"] / h["uv"])  # 支付转化率 = 支付买家数 / 访客数
    assert k.orders_per_buyer == pytest.approx(h["orders"] / h["buyers"])
    assert k.aov == pytest.approx(h["gmv"] / h["orders"])  # 笔单价
    assert k.aov_buyer == pytest.approx(h["gmv"] / h["buyers"])  # 客单价
    assert k.roas == pytest.approx(h["gmv"] / h["spend"])
    assert k.spend_ratio == pytest.approx(h["spend"] / h["gmv"])  # 费比
    # GMV = 访客数 × 支付转化率 × 人均笔数 × 笔单价 holds exactly with these definitions
    assert k.uv * k.cr * k.orders_per_buyer * k.aov == pytest.approx(k.gmv, rel=1e-12)


def test_campaign_equals_burst_when_there_is_no_preheat_or_post(retro):
    cols = ["gmv", "orders", "buyers", "uv", "spend", "new_customers"]
    assert retro.kpis.loc["campaign", cols].tolist() == retro.kpis.loc["burst", cols].tolist()


def test_indices_and_live_shares(retro):
    k = retro.kpis.loc["burst"]
    assert k.gmv_index == pytest.approx(100 * (440 / 2) / (170 / 4))
    assert k.burst_multiple == pytest.approx(360 / (170 / 4))
    # the daily rates (3/8 in both), not the window-distinct ones (3/4 against 3/2, which would
    # read 50: the 4-day baseline's two visitors came every day)
    assert k.cr_index == pytest.approx(100 * (3 / 8) / (3 / 8))
    assert retro.kpis.at["dip", "cr_index"] == pytest.approx(100 * (2 / 4) / (3 / 8))
    assert k.aov_index == pytest.approx(100 * (440 / 3) / (170 / 3))
    assert k.aov_buyer_index == pytest.approx(100 * (440 / 3) / (170 / 3))
    assert k.live_gmv_share == pytest.approx(360 / 440)
    # live buyers in the burst: a (first order 01-01, returning) and d (new) → 1/2
    assert k.live_new_customer_share == pytest.approx(0.5)
    assert retro.kpis.at["baseline", "refund_rate"] == pytest.approx(20 / 170)


def test_targets_and_hypotheses_verdicts(retro):
    (gmv,) = retro.targets.itertuples()
    assert (gmv.kpi, gmv.actual, gmv.status) == ("gmv", 440.0, "missed")
    assert gmv.achievement == pytest.approx(440 / 500)
    (h,) = retro.hypotheses.itertuples()
    # 100 × (3/8) / (3/8): the burst's daily conversion equals the baseline's (module docstring)
    assert h.window == "burst" and h.actual == pytest.approx(100.0) and h.status == "missed"


def test_decomposition_of_daily_gmv_is_exact_and_matches_the_log_mean_formula(retro):
    d = retro.decomposition
    assert d.gmv_base == pytest.approx(42.5) and d.gmv_current == pytest.approx(220.0)
    lm = (220 - 42.5) / (math.log(220) - math.log(42.5))
    # visitors per day 2/4 → 4/2; conversion 3/2 → 3/4; one order per buyer in both
    assert d.lmdi["uv"] == pytest.approx(lm * math.log(2 / 0.5))
    assert d.lmdi["cr"] == pytest.approx(lm * math.log(0.75 / 1.5))
    assert d.lmdi["orders_per_buyer"] == pytest.approx(0.0, abs=1e-9)
    assert d.lmdi["aov"] == pytest.approx(lm * math.log((440 / 3) / (170 / 3)))
    assert math.prod(d.base.values()) == pytest.approx(42.5, rel=1e-12)
    assert math.prod(d.current.values()) == pytest.approx(220.0, rel=1e-12)
    assert d.lmdi.sum() == pytest.approx(177.5, abs=1e-9)
    assert d.shapley.sum() == pytest.approx(177.5, abs=1e-9)


def test_channel_roas(retro):
    ch = retro.channels
    assert ch.at["live", "gmv"] == pytest.approx(360.0) and ch.at["live", "spend"] == pytest.approx(
        100.0
    )
    assert ch.at["live", "roas"] == pytest.approx(3.6)
    assert ch.at["live", "spend_ratio"] == pytest.approx(100 / 360)
    assert np.isnan(ch.at["search", "roas"])  # no spend on that channel: NaN, never infinity
    assert np.isnan(ch.at["search", "spend_ratio"])  # and no 费比 of 0


def test_uv_is_missing_not_partial_when_events_do_not_cover_a_window(tmp_path):
    from conftest import tiny_events, write_campaign

    events = [e for e in tiny_events() if not e[1].startswith("2025-01-08")]
    folder = write_campaign(tmp_path / "partial", events=events)
    campaign = open_campaign(folder)
    r = build(campaign, extract(campaign))
    assert any(p.code == "coverage" and p.file == "events.csv" for p in campaign.warnings)
    assert np.isnan(r.kpis.at["dip", "uv"]) and np.isnan(r.kpis.at["dip", "cr"])
    assert np.isnan(r.kpis.at["dip", "uv_daily_sum"])
    assert np.isnan(r.kpis.at["dip", "cr_daily"]) and np.isnan(r.kpis.at["dip", "cr_index"])
    assert r.kpis.at["burst", "uv"] == 4.0 and r.kpis.at["burst", "uv_daily_sum"] == 8.0


def test_target_achievement_lower_is_better_and_unmeasured():
    actual = pd.Series({"refund_rate": 0.05, "gmv": float("nan")})
    t = target_achievement(actual, {"refund_rate": 0.04, "gmv": 100.0}).set_index("kpi")
    assert (
        t.at["refund_rate", "achievement"] == pytest.approx(0.8)
        and t.at["refund_rate", "status"] == "missed"
    )
    assert t.at["gmv", "status"] == "not_assessed"
    with pytest.raises(ValueError, match="unknown KPI"):
        target_achievement(actual, {"gmv_growth": 1.0})


def test_a_hypothesis_carries_its_kpi_in_the_baseline():
    """'H1 直播间新客占比超过40%: 69.12%, 达成' — the baseline already had 56.3 %, which the reader
    never saw. By hand: the verdict's KPI in the baseline row, NaN where not measured."""
    kpis = pd.DataFrame(
        {"live_new_customer_share": [0.563, 0.6912], "cr": [float("nan"), 0.05]},
        index=["baseline", "campaign"],
    )
    out = evaluate_hypotheses(
        kpis,
        [
            {"id": "H1", "text": "t", "kpi": "live_new_customer_share", "op": ">", "value": 0.4},
            {"id": "H2", "text": "t", "kpi": "cr", "op": ">=", "value": 0.04},
        ],
    ).set_index("id")
    assert out.at["H1", "status"] == "met" and out.at["H1", "baseline"] == 0.563
    assert math.isnan(out.at["H2", "baseline"]) and out.at["H2", "status"] == "met"
    from fupan.format import Style
    from fupan.report.sections.kpis import hypotheses_table

    page = str(hypotheses_table(out.reset_index(), Style("zh")))
    assert "日常期同一指标" in page and "56.30%" in page


def test_hypothesis_bad_operator_and_unmeasured_kpi():
    kpis = pd.DataFrame({"cr": [float("nan")]}, index=["campaign"])
    out = evaluate_hypotheses(
        kpis, [{"id": "H", "text": "t", "kpi": "cr", "op": ">=", "value": 0.1}]
    )
    assert out.status.tolist() == ["not_assessed"]
    with pytest.raises(ValueError, match="operator"):
        evaluate_hypotheses(kpis, [{"id": "H", "text": "t", "kpi": "cr", "op": "=>", "value": 0.1}])


def test_a_spend_channel_the_orders_do_not_name_has_no_roas_not_zero():
    """By hand: live sold 300 on 100 of spend (ROAS 3); kol sold in the baseline only, so in the
    burst its 50 of spend bought 0 (ROAS 0, measured); 直通车 is no channel of any order (the
    orders call it search_ads): its GMV and ROAS are not known (NaN), never 0."""
    from fupan.metrics.kpi import channel_kpis

    wc = pd.DataFrame(
        {
            "phase": ["baseline", "baseline", "burst", "burst"],
            "channel": ["live", "kol", "live", "_all"],
            "gmv": [100.0, 20.0, 300.0, 300.0],
            "orders": [2, 1, 5, 5],
            "buyers": [2, 1, 4, 4],
            "new_buyers": [1, 1, 1, 1],
        }
    )
    spend = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-01-05"] * 3),
            "channel": ["live", "kol", "直通车"],
            "spend": [100.0, 50.0, 80.0],
        }
    )
    t = channel_kpis(wc, spend, "2025-01-05", "2025-01-06", "burst")
    assert t.at["live", "roas"] == 3.0 and t.at["kol", "roas"] == 0.0
    assert t.at["kol", "gmv"] == 0.0 and t.at["kol", "orders"] == 0.0
    assert np.isnan(t.at["直通车", "gmv"]) and np.isnan(t.at["直通车", "roas"])
    assert t.at["直通车", "spend"] == 80.0 and t.at["live", "gmv_share"] == 1.0


def _cards(kpis: pd.DataFrame) -> dict[str, str]:
    """Each KPI card's visible text, by KPI name (English)."""
    import re

    from fupan.format import Style
    from fupan.report.sections.kpis import kpi_cards

    html = str(kpi_cards(kpis, pd.DataFrame({"kpi": []}), Style("en")))
    cards = re.findall(
        r'<div class="fp-card-name">(.*?)</div>.*?<div class="fp-card-sub">(.*?)</div>', html
    )
    return {name: re.sub(r"<[^>]+>", "", sub) for name, sub in cards}


def _kpi_frame(base_days: int) -> pd.DataFrame:
    from fupan.report.sections.kpis import CARD_KPIS

    rows = {
        # a 10-day campaign: 1,000 distinct visitors, 3,000 visitor-days; 200 buyers
        "campaign": {"days": 10, "uv": 1_000.0, "uv_daily_sum": 3_000.0, "buyers": 200.0},
        # the baseline: 200 visitors a day on each of its days, 20 buyers a day, none returning
        "baseline": {"days": base_days, "uv": 200.0 * base_days, "uv_daily_sum": 200.0 * base_days,
                     "buyers": 20.0 * base_days},
    }  # fmt: skip
    frame = pd.DataFrame(rows).T
    for k in CARD_KPIS:
        if k not in frame:
            frame[k] = float("nan")
    return frame


def test_kpi_cards_compare_visitors_per_day_by_the_day_summed_count():
    """'Visitors, vs baseline per day' divided each window's distinct visitors by its days: a
    visitor of several campaign days counted once, so the rise read low — and against a one-day
    baseline it turned negative. By hand: 3,000 visitor-days / 10 = 300 a day against 200 a day
    → +50.0 % (the old figure: 1,000 / 10 = 100 against 200 → −50.0 %)."""
    for base_days in (1, 10):
        cards = _cards(_kpi_frame(base_days))
        # the change is of the day-summed visitors, and the card says so
        assert "daily visitors (summed by day) vs baseline +50.0%" in cards["Visitors (UV)"], cards
        assert "-50.0%" not in cards["Visitors (UV)"]


def test_buyers_are_compared_per_day_only_between_windows_of_a_like_length():
    """Buyers are distinct over a window with no day-summed count: 200 over 10 days against 20 a
    day is +0.0 % per day when the baseline is 10 days too; against a 1-day baseline the
    comparison is not made (it would mix a window-distinct count of 10 days with one of 1)."""
    assert "vs baseline per day +0.0%" in _cards(_kpi_frame(10))["Buyers"]
    assert "vs baseline" not in _cards(_kpi_frame(1))["Buyers"]


def test_gmv_per_buyer_is_compared_only_between_windows_of_a_like_length():
    """客单价 (GMV per distinct buyer) rises with a window's length — a buyer orders more often
    over 68 days than over 28: UCI's card said '+43.7 %' where the 33-day burst alone gave
    +12.6 %. By hand: ¥40,000 / 200 buyers = ¥200 against ¥4,000 / 20 = ¥200 over an equal
    10-day baseline → +0.0 %; against a 1-day baseline, not compared."""
    frames = {}
    for base_days in (10, 1):
        f = _kpi_frame(base_days)
        f["aov_buyer"] = [40_000.0 / 200.0, 4_000.0 * base_days / (20.0 * base_days)]
        frames[base_days] = _cards(f)
    name = "GMV per buyer"  # 客单价 in English
    assert "vs baseline +0.0%" in frames[10][name], frames[10][name]
    assert "vs baseline" not in frames[1][name]


def test_dollar_amounts_in_chart_labels_are_text_not_formulas():
    """A USD campaign's ROAS chart labels 'GMV $23.9K / $2.0K': matplotlib read the two $ as a
    formula and typeset what lay between them (a screenshot showed '(GMV 23.9□/2万)'). Each label
    with a $ is now plain text to matplotlib's own reading of it (_preprocess_math)."""
    from fupan.format import Style
    from fupan.report import charts

    channels = pd.DataFrame(
        {"gmv": [23_900.0, 5_000.0], "spend": [2_000.0, 2_500.0]}, index=["search_ads", "feed_ads"]
    ).assign(roas=lambda c: c.gmv / c.spend)
    fig = charts.channel_roas(channels, Style("en", currency="USD"))
    labels = [x for ax in fig.axes for x in ax.texts if "$" in x.get_text()]
    assert len(labels) == 2 and all(x.get_text().count("$") == 2 for x in labels)
    for x in labels:
        assert x._preprocess_math(x.get_text()) == (x.get_text(), False)


def test_a_decomposition_without_visitors_says_why_not_that_the_events_are_missing():
    """A card whose baseline begins before the events do: visitors are not measured in the
    baseline, the GMV decomposition is skipped — and the report said '缺少 events 表' though the
    table was there. The note now names both causes, and not a missing table as a fact."""
    from fupan.format import Style
    from fupan.report.sections.kpis import decomposition

    zh, en = (str(decomposition(None, Style(lang))[0]) for lang in ("zh", "en"))
    assert "没有覆盖日常期与活动期的每一天" in zh and "缺少 events 表" not in zh
    assert "does not cover every day" in en and "No events table" not in en


def test_a_verdict_on_a_distinct_count_ratio_of_unlike_windows_is_marked():
    """Conversion over a window's distinct visitors moves with the window's length (the demo's
    burst: 8.60 % over 11 days against 5.89 % over the 30-day baseline, 5.49 % over its last 11).
    A verdict on such a KPI of windows of unlike length is marked ※ with both lengths; a
    like-length one, a KPI not over distinct counts (GMV index), and the conversion index (which
    compares the daily rates, 口径 2026.12-2) are not."""
    from fupan.format import Style
    from fupan.report.sections.kpis import hypotheses_table

    kpis = pd.DataFrame(
        {"cr": [0.0589, 0.0860, 0.0553], "cr_index": [100.0, 139.9, 103.5],
         "gmv_index": [100.0, 300.0, 250.0], "days": [30, 11, 29]},
        index=["baseline", "burst", "post"],
    )  # fmt: skip

    def hyp(id_: str, kpi: str, value: float, window: str) -> dict:
        return {"id": id_, "text": "t", "kpi": kpi, "op": ">=", "value": value, "window": window}

    hyps = evaluate_hypotheses(
        kpis,
        [
            hyp("H2", "cr", 0.08, "burst"),
            hyp("H3", "gmv_index", 200, "burst"),
            hyp("H4", "cr", 0.05, "post"),
            hyp("H5", "cr_index", 130, "burst"),
        ],
    )
    page = str(hypotheses_table(hyps, Style("zh")))
    assert page.count(" ※") == 1 and "8.60% ※" in page, page
    assert "※ H2" in page and "11 天、日常期 30 天" in page
    assert "※ H3" not in page and "※ H4" not in page and "※ H5" not in page
    assert "139.9 ※" not in page and "139.9" in page


def _orders(rows: list[tuple[int, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {"user_key": [k for k, _ in rows], "order_ts": pd.to_datetime([t for _, t in rows])}
    )


def test_daily_buyers_count_each_customer_once_a_day():
    """By hand: customer 7 orders twice on 01-01 and once on 01-03, customer 3 once on 01-01 and
    once on 01-02, customer 9 at 23:59 on 01-02 — 01-01: {3, 7} = 2, 01-02: {3, 9} = 2, 01-03:
    {7} = 1; rows in the extract's order (by customer, then time) or shuffled give the same, and
    so does plain pandas (drop the duplicate customer-days, count per day)."""
    from fupan.metrics.kpi import daily_buyers

    rows = [
        (3, "2025-01-01 09:00"),
        (3, "2025-01-02 10:00"),
        (7, "2025-01-01 08:00"),
        (7, "2025-01-01 20:00"),
        (7, "2025-01-03 00:00"),
        (9, "2025-01-02 23:59"),
    ]
    expected = pd.DataFrame({"date": pd.to_datetime(["2025-01-01", "2025-01-02", "2025-01-03"]),
                             "buyers": [2, 2, 1]})  # fmt: skip
    pd.testing.assert_frame_equal(daily_buyers(_orders(rows)), expected, check_dtype=False)
    shuffled = _orders([rows[i] for i in (5, 2, 0, 4, 1, 3)])
    pd.testing.assert_frame_equal(daily_buyers(shuffled), expected, check_dtype=False)
    rng = np.random.default_rng(7)
    many = _orders(
        [
            (int(k), str(pd.Timestamp("2025-01-01") + pd.Timedelta(minutes=int(m))))
            for k, m in zip(
                rng.integers(0, 40, 500), rng.integers(0, 60 * 24 * 9, 500), strict=True
            )
        ]
    )
    plain = (
        many.assign(date=many.order_ts.dt.normalize())
        .drop_duplicates(["user_key", "date"])
        .groupby("date")
        .size()
    )
    got = daily_buyers(many.sort_values(["user_key", "order_ts"])).set_index("date").buyers
    assert got.to_dict() == plain.to_dict()
    assert daily_buyers(many).set_index("date").buyers.to_dict() == plain.to_dict()
    # unsigned 64-bit keys, as the extract's hash gives them, above 2^63 included: sorted ones
    # are read as runs, shuffled ones sorted first
    big = many.assign(user_key=many.user_key.astype("uint64") * np.uint64(2**58))
    for frame in (big.sort_values(["user_key", "order_ts"]), big):
        assert daily_buyers(frame).set_index("date").buyers.to_dict() == plain.to_dict()
    # by hand: customer 2^63 + 5 twice on 01-01 with customer 3 between → 2 buyers, not 3 (keys
    # compared by subtraction wrap around and call these rows sorted)
    high = pd.DataFrame(
        {
            "user_key": np.array([2**63 + 5, 3, 2**63 + 5], dtype="uint64"),
            "order_ts": pd.to_datetime(
                ["2025-01-01 08:00", "2025-01-01 09:00", "2025-01-01 10:00"]
            ),
        }
    )
    assert daily_buyers(high).buyers.tolist() == [2]
    assert daily_buyers(_orders([])).empty


def test_the_conversion_card_compares_the_daily_rate():
    """The conversion card shows the window-distinct rate but compares the daily one (the
    index's 口径): 200 buyers of 1,000 distinct visitors (20 %) over 10 days against a baseline of
    20 %, yet day by day 300 buyer-days of 3,000 visitor-days (10 %) against 8 % → +25.0 %,
    where the window-distinct rates would say +0.0 %."""
    frame = _kpi_frame(10)
    frame["cr"] = [0.2, 0.2]
    frame["cr_daily"] = [0.10, 0.08]
    card = _cards(frame)["Conversion rate"]
    assert "daily conversion rate vs baseline +25.0%" in card, card
    assert "+0.0%" not in card

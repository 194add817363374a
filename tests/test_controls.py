"""Control series, difference-in-differences, cannibalisation/halo and card-declared costs, on a
hand-built campaign whose every expected figure is computed by hand below (METHODS.md §1.1–1.2).

Orders are one line of ¥100 each. Per day, in order counts (Saturdays +2 on every line but the
control's +1, i.e. +2 once the control is scaled ×2, so they cancel; and P1 +1 on Wednesdays,
−1 on Thursdays, which balance in every whole week):

| series            | baseline | pre-heat | burst | post | dip |
|-------------------|----------|----------|-------|------|-----|
| promoted P1 (美妆) | 10       | 9        | 36    | 15   | 8   |
| control C1 (日用)  | 5        | 5        | 6     | 5    | 5   |
| substitute S1     | 10       | 5        | 6     | 5    | 10  |
| complement H1     | 10       | 15       | 18    | 15   | 10  |

The burst has a market-wide factor 1.2 (control 5 → 6) on top of the promotion's ×3 (10 → 36).
Control scaled to the promoted baseline level: × (Σ P1 / Σ C1 over the baseline) = × 2.
DiD per day: pre-heat (9 − 10) − (10 − 10) = −1; burst (36 − 10) − (12 − 10) = 24; dip −2; post
(Mon–Wed 04-14..16, so one unbalanced Wednesday) 5 + 1/3. × ¥100 × days (7, 7, 3, 14): −700,
16,800, 1,600, −2,800; campaign (pre-heat..post) 17,700.
S1 over the campaign: 92 orders vs 184 implied by the control → cannibalisation ¥9,200; H1: 276
vs 184 → halo ¥9,200. Net = 17,700 − 9,200 + 9,200 − 2,800 = ¥14,900.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import run_cli
from fupan.analysis.retrospective import build
from fupan.errors import ValidationError
from fupan.extract.aggregates import extract
from fupan.ingest.validate import open_campaign

WINDOWS = {
    "baseline": ["2025-03-03", "2025-03-30"],
    "preheat": ["2025-03-31", "2025-04-06"],
    "burst": ["2025-04-07", "2025-04-13"],
    "post": ["2025-04-14", "2025-04-16"],
    "dip": ["2025-04-17", "2025-04-30"],
}
COUNTS = {
    "P1": (10, 9, 36, 15, 8),
    "C1": (5, 5, 6, 5, 5),
    "S1": (10, 5, 6, 5, 10),
    "H1": (10, 15, 18, 15, 10),
}
SATURDAY = {"P1": 2, "C1": 1, "S1": 2, "H1": 2}
CATEGORY = {"P1": "美妆", "C1": "日用", "S1": "美妆", "H1": "美妆"}
COSTS = {"variable_cost_rate": 0.1, "fees": 100.0, "coupons": 50.0, "fixed": 25.0}


def card(**extra) -> dict:
    return {
        "id": "controls-test",
        "name": "对照组测试",
        "platform": "tmall",
        "category": "beauty",
        "windows": WINDOWS,
        "tables": {"orders": "orders.csv", "spend": "spend.csv"},
        "controls": {"categories": ["日用"], "substitutes": ["S1"], "complements": ["H1"]},
        "costs": COSTS,
        **extra,
    }


def write(
    folder: Path, trend: int = 0, card_: dict | None = None, counts: dict | None = None
) -> Path:
    """The campaign of the module docstring; ``trend`` adds that many P1 orders per baseline week;
    ``counts`` replaces :data:`COUNTS` of some SKUs."""
    folder.mkdir(parents=True)
    rows, n = [], 0
    for phase, (a, b) in enumerate(WINDOWS.values()):
        for day in pd.date_range(a, b):
            for sku, per_phase in {**COUNTS, **(counts or {})}.items():
                k = per_phase[phase] + (SATURDAY[sku] if day.day_of_week == 5 else 0)
                if sku == "P1":
                    k += {2: 1, 3: -1}.get(day.day_of_week, 0)
                    if phase == 0:
                        k += trend * ((day - pd.Timestamp(a)).days // 7)
                for _ in range(k):
                    n += 1
                    rows.append(
                        (
                            f"o{n}",
                            f"u{n}",
                            f"{day:%Y-%m-%d} 10:00:00",
                            100.0,
                            sku,
                            CATEGORY[sku],
                            40.0,
                        )
                    )
    pd.DataFrame(
        rows,
        columns=[
            "order_id",
            "user_id",
            "order_time",
            "paid_amount",
            "sku",
            "category",
            "unit_cost",
        ],
    ).to_csv(folder / "orders.csv", index=False)
    days = pd.date_range(WINDOWS["baseline"][0], WINDOWS["dip"][1]).strftime("%Y-%m-%d")
    pd.DataFrame({"date": days, "channel": "live", "spend": 100.0}).to_csv(
        folder / "spend.csv", index=False
    )
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(card_ or card(), allow_unicode=True), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def retro(tmp_path_factory):
    campaign = open_campaign(write(tmp_path_factory.mktemp("controls") / "c"))
    try:
        yield build(campaign, extract(campaign))
    finally:
        campaign.con.close()


def test_did_per_phase_equals_the_hand_computation(retro):
    table = retro.controls.table
    expected = {
        "preheat": -700.0,
        "burst": 16_800.0,
        "post": 1_600.0,
        "dip": -2_800.0,
        "campaign": 17_700.0,
    }
    for phase, value in expected.items():
        assert table.at[phase, "incremental"] == pytest.approx(value, abs=1e-6), phase
        assert table.at[phase, "lower"] <= value <= table.at[phase, "upper"]
    assert table.at["burst", "expected"] == pytest.approx(
        12 * 7 * 100 + 2 * 100
    )  # 12/day + one Saturday's +2


def test_cannibalisation_halo_and_net(retro):
    net = retro.controls.net
    assert net.lift_promoted == pytest.approx(17_700)
    assert net.cannibalisation == pytest.approx(9_200)
    assert net.halo == pytest.approx(9_200)
    assert net.pull_forward == pytest.approx(2_800)
    assert net.net_incremental == pytest.approx(14_900)


def test_parallel_baseline_trends_pass_the_pretrend_check(retro):
    assert retro.controls.pretrend.slope_diff_per_week == pytest.approx(0, abs=1e-9)
    assert retro.controls.pretrend.parallel


def test_a_diverging_baseline_fails_the_pretrend_check(tmp_path):
    campaign = open_campaign(write(tmp_path / "c", trend=3))
    try:
        r = build(campaign, extract(campaign))
    finally:
        campaign.con.close()
    assert r.controls.pretrend.slope_diff_per_week > 2
    assert not r.controls.pretrend.parallel


def test_declared_costs_reach_the_margin_roi(retro):
    m = retro.margin
    assert m.variable_cost_rate == 0.1
    assert m.spend == pytest.approx(
        17 * 100 + 100 + 50 + 25
    )  # media over pre-heat..post + fees + coupons + fixed


def test_a_card_without_controls_gets_no_did(tmp_path):
    c = card()
    del c["controls"]
    campaign = open_campaign(write(tmp_path / "c", card_=c))
    try:
        r = build(campaign, extract(campaign))
    finally:
        campaign.con.close()
    assert r.controls is None and "controls" not in r.skipped
    assert r.margin.variable_cost_rate == 0.1


@pytest.mark.parametrize(
    "controls, code, column",
    [
        ({"categories": ["服饰"]}, "control_not_found", "controls.categories"),
        (
            {"categories": ["日用"], "substitutes": ["NOPE"]},
            "control_not_found",
            "controls.substitutes",
        ),
        ({"categories": ["日用"], "complements": ["C1"]}, "control_overlap", "controls"),
    ],
)
def test_a_control_that_does_not_fit_the_orders_is_a_validation_error(
    tmp_path, controls, code, column
):
    folder = write(tmp_path / "c", card_=card(controls=controls))
    with pytest.raises(ValidationError) as info:
        open_campaign(folder)
    (problem,) = [p for p in info.value.problems if p.code == code]
    assert problem.column == column and problem.file == "campaign.yaml" and problem.row is not None
    assert problem.zh and problem.en
    proc = run_cli("validate", str(folder))
    assert proc.returncode == 2 and code in proc.stderr


def test_a_hero_sku_used_as_a_control_is_warned_with_where_it_sits(tmp_path):
    """Probing: 香水 holding the hero SKU given as the control category and a hero SKU given as a
    substitute were read as 'not promoted', without a word, and the control's lift came out
    negative while the main lift said +¥65万. C1 (日用, the control category) and S1 (a
    substitute) are made heroes here; P1, the promoted line, is a hero that is no control."""
    folder = write(tmp_path / "c", card_=card(strategy={"hero_skus": ["P1", "C1", "S1"]}))
    campaign = open_campaign(folder)  # a warning: the run goes on
    campaign.con.close()
    (w,) = [p for p in campaign.warnings if p.code == "control_holds_hero"]
    assert w.severity == "warning" and w.file == "campaign.yaml" and w.row is not None
    assert "C1（在对照品类 日用）" in w.zh and "S1（列在 controls.substitutes）" in w.zh
    assert "C1 (in control category 日用)" in w.en and "S1 (listed in controls.substitutes)" in w.en
    assert "P1" not in w.zh and "P1" not in w.en
    plain = open_campaign(write(tmp_path / "plain", card_=card(strategy={"hero_skus": ["P1"]})))
    plain.con.close()
    assert not [p for p in plain.warnings if p.code.startswith("control_")]


def test_control_categories_that_hold_every_order_are_warned(tmp_path):
    """Every category of the orders given as a control: nothing promoted is left to compare. The
    report said only '对照组无法使用' in its appendix; validation now says why, and where."""
    folder = write(tmp_path / "c", card_=card(controls={"categories": ["日用", "美妆"]}))
    campaign = open_campaign(folder)
    campaign.con.close()
    (w,) = [p for p in campaign.warnings if p.code == "control_is_everything"]
    assert w.column == "controls.categories" and w.row is not None
    assert "全部品类" in w.zh and "every order line" in w.en
    proc = run_cli("validate", str(folder))
    assert proc.returncode == 0 and "control_is_everything" in proc.stdout + proc.stderr


def test_controls_and_costs_are_shown_in_the_report(tmp_path):
    folder = write(tmp_path / "c")
    proc = run_cli("run", str(folder), "--out", str(tmp_path / "out"), "--quiet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = (tmp_path / "out" / "controls-test" / "report.html").read_text(encoding="utf-8")
    assert "双重差分" in page and "日用" in page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    # the table in 万元 (one unit per column): pre-heat -700, post 1,600, dip -2,800, campaign 17,700
    for window, lift in (
        ("预热期", "-0.1"),
        ("返场期", "0.2"),
        ("回落期", "-0.3"),
        ("活动整体", "1.8"),
    ):
        assert re.search(rf"{window} [-\d.]+ [-\d.]+ {re.escape(lift)} ", text), (window, lift)
    assert "增量 ¥1.8万" in text and "回落期透支 ¥2,800" in text
    assert "蚕食 ¥9,200" in page and "带动 ¥9,200" in page and "未发现趋势差异" in page
    assert "变动成本率 10%" in page and "按0计" not in page


def test_k_day_margin_per_new_customer(retro):
    """Every customer orders once, ¥100 at unit cost ¥40: margin ¥60 per customer in both cohorts.
    Data end 04-30: 30-day eligible = first order on or before 03-31 — the campaign cohort's first
    day only (Monday 03-31: 9 + 5 + 5 + 15 = 34 customers) and the whole baseline cohort
    (35 a day × 28 days + 7 on each of 4 Saturdays = 1,008); nobody is observed for 60 days."""
    m = retro.customers.margin_per_customer
    assert m.at[30, "campaign_new"] == pytest.approx(60.0) and m.at[30, "campaign_new_n"] == 34
    assert m.at[30, "baseline_new"] == pytest.approx(60.0) and m.at[30, "baseline_new_n"] == 1_008
    assert m.at[60, "campaign_new_n"] == 0 and m.at[90, "baseline_new_n"] == 0


def _retro(folder: Path):
    campaign = open_campaign(folder)
    try:
        return build(campaign, extract(campaign))
    finally:
        campaign.con.close()


def test_a_one_day_phase_has_an_estimate_but_no_interval_or_test(tmp_path):
    """The post window cut to its first day (Monday 04-14: P1 15, control 5 × 2): δ = (15 − 10)
    − (10 − 10) = 5 a day, ¥500. A single day has no day-to-day variation to test against; the
    table said p = 0 ('significant') with the interval ¥500 ~ ¥500. Now: estimate ¥500, interval
    and p not measured (NaN, '—' in the report)."""
    from fupan.report.html import significance

    windows = {**WINDOWS, "post": ["2025-04-14", "2025-04-14"], "dip": ["2025-04-15", "2025-04-30"]}
    r = _retro(write(tmp_path / "c", card_=card(windows=windows)))
    post = r.controls.table.loc["post"]
    assert post.incremental == pytest.approx(500.0, abs=1e-6) and post.days == 1
    assert pd.isna(post.lower) and pd.isna(post.upper) and pd.isna(post.p_value)
    assert str(significance(post.p_value, "zh")) == "—"
    burst = r.controls.table.loc["burst"]  # seven days: still tested
    assert burst.p_value == burst.p_value and burst.lower < 16_800 < burst.upper


def test_without_a_dip_window_pull_forward_is_not_measured_not_zero(tmp_path):
    """No dip window: nothing can be said of pull-forward. It was ¥0.0 ('回落期透支 ¥0.0；净增量')
    (the lift's own sentences: tests/test_impact.py). By hand (module
    docstring): campaign 17,700 − cannibalisation 9,200 + halo 9,200 = ¥17,700, not netted."""
    from fupan.format import Style
    from fupan.report.sections.impact import _did_sentence

    windows = {k: v for k, v in WINDOWS.items() if k != "dip"}
    r = _retro(write(tmp_path / "c", card_=card(windows=windows)))
    net = r.controls.net
    assert pd.isna(net.pull_forward)
    assert net.net_incremental == pytest.approx(17_700)
    for lang, said, unsaid in (
        ("zh", "透支未估算", "回落期透支"),
        ("en", "not estimated", "pulled forward from the dip"),
    ):
        sentence = _did_sentence(r.controls, Style(lang))
        assert said in sentence and unsaid not in sentence, sentence


def test_a_short_baseline_is_named_as_the_reason_the_control_is_not_used(tmp_path):
    """A one-week baseline: the control was refused as having 'no GMV in the baseline' (in
    English only) although both series sold every day; the reason is its length."""
    windows = {**WINDOWS, "baseline": ["2025-03-24", "2025-03-30"]}
    r = _retro(write(tmp_path / "c", card_=card(windows=windows)))
    zh, en = r.controls.text("zh"), r.controls.text("en")  # a Skip
    assert "7 天" in zh and "14" in zh and "7 days" in en and "no GMV" not in en


def test_a_phase_without_control_gmv_is_named_in_both_languages(tmp_path):
    """The control category sells nothing in the post window (Mon–Wed, no Saturday order): the
    report said '对照组无法使用：the control categories have no GMV in …' — an English reason
    inside the Chinese sentence."""
    folder = write(tmp_path / "c", counts={"C1": (5, 5, 6, 0, 5)})
    r = _retro(folder)
    zh, en = r.controls.text("zh"), r.controls.text("en")  # a Skip
    assert "对照品类在 2025-04-14 ~ 2025-04-16 没有 GMV" in zh and "GMV in" not in zh
    assert "have no GMV in 2025-04-14 .. 2025-04-16" in en


@pytest.mark.parametrize(
    ("costs", "declared"),
    [({**COSTS, "variable_cost_rate": 0.0}, True), ({"fees": 100.0}, False), (None, False)],
)
def test_a_variable_cost_rate_written_as_0_is_declared_not_missing(tmp_path, costs, declared):
    """'costs: {variable_cost_rate: 0}' (a shop whose fulfilment the platform pays) was said to be
    undeclared ('卡片未声明履约/支付/佣金成本，按0计') like a card without it: the margin's caveat
    now says so only when the card does not state the rate."""
    from fupan.format import Style
    from fupan.report.sections.impact import margin_roi

    c = card()
    if costs is None:
        del c["costs"]
    else:
        c["costs"] = costs
    m = _retro(write(tmp_path / "c", card_=c)).margin
    assert m.variable_cost_rate == 0.0 and m.variable_cost_declared is declared
    page = str(margin_roi(m, Style("zh")))
    assert ("卡片未声明履约/支付/佣金成本" in page) is (not declared)
    assert "变动成本率 0%" in page


def test_a_campaign_without_new_customers_keeps_its_rfm_and_cohorts(tmp_path):
    """CDNOW's later seasons have no new buyer: the whole customer analysis was skipped with
    'campaign_new_users is empty: a cohort needs at least one user' (English, in the Chinese
    report), and the RFM segments and cohorts — which need no new customer — went with it. The
    new-customer comparison is said to be not computed, bilingually; RFM and cohorts are kept and
    equal those of the full analysis."""
    import json

    from fupan.analysis import customers as ca
    from fupan.cases.record import _clean
    from fupan.format import Style
    from fupan.report.sections.customers import new_customer_quality

    campaign = open_campaign(write(tmp_path / "c"))
    try:
        agg = extract(campaign)
    finally:
        campaign.con.close()
    w = campaign.card.windows
    cohorts = ca.customer_cohorts(agg.customer_orders, w)
    full = ca.customer_analysis(agg.customer_orders, agg.sku_window, cohorts, w)
    assert len(cohorts["campaign_new"]) and full.quality is not None
    none_new = {**cohorts, "campaign_new": cohorts["campaign_new"][:0]}
    got = ca.customer_analysis(agg.customer_orders, agg.sku_window, none_new, w)
    assert got.quality is None and got.margin_per_customer is None
    pd.testing.assert_frame_equal(got.rfm, full.rfm)
    pd.testing.assert_frame_equal(got.cohorts, full.cohorts)
    zh, en = (str(new_customer_quality(got, Style(lang))) for lang in ("zh", "en"))
    assert "活动新客没有任何客户" in zh and "RFM" in zh and "campaign_new_users" not in zh
    assert "No customer in Campaign new" in en
    record = got.record()
    assert record["new_customer_quality"] is None and record["margin_per_customer"] is None
    json.dumps(_clean(record), allow_nan=False)


def test_orders_without_a_status_do_not_measure_cancellations(tmp_path, retro):
    """Orders without a status column are read as paid: the case record said cancel_rate 0.0 in
    every window (CDNOW; UCI before its C-invoices were read), a measured zero for the library's
    benchmarks, beside refund_rate null. Not measured now; a status column measures it (by hand:
    2 cancelled of the baseline's orders, one line each)."""
    import numpy as np

    assert retro.kpis.cancel_rate.isna().all()  # this module's orders have no status
    folder = write(tmp_path / "c")
    orders = pd.read_csv(folder / "orders.csv")
    base = orders[orders.order_time < "2025-03-04"].head(5).index  # five baseline orders
    orders["status"] = "paid"
    orders.loc[base[:2], "status"] = "cancelled"
    orders.to_csv(folder / "orders.csv", index=False)
    k = _retro(folder).kpis
    assert np.isfinite(k.cancel_rate).all()
    in_base = orders.order_time.str[:10].between(*WINDOWS["baseline"])
    assert k.at["baseline", "cancel_rate"] == pytest.approx(2 / in_base.sum())
    assert k.at["burst", "cancel_rate"] == 0.0  # measured: none cancelled

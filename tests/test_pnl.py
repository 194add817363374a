"""活动损益表 (metrics.pnl, analysis.ops.pnl, report.sections.ops.pnl) on the demo.

Every line is checked against plain pandas over the raw files, and the lines against the
contribution profit; the metric itself against a hand computation.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from fupan.analysis import ops
from fupan.analysis.results import Skip
from fupan.format import Style
from fupan.metrics.pnl import PnlInputs, pnl_statement
from fupan.report.sections import ops as sections
from ops_demo import in_window, ops_campaign, raw  # noqa: F401 (fixtures)


def test_statement_by_hand() -> None:
    x = PnlInputs(
        gmv=1000.0,
        refunds=100.0,
        cogs=400.0,
        shipped_orders=10,
        platform_subsidy=20.0,
        commission_rate=0.05,
        payment_fee_rate=0.01,
        fees=5.0,
        logistics_per_order=3.0,
        ads=150.0,
        coupon_cost=12.5,
        gift_cogs=7.5,
        kol_cost=30.0,
    )
    s = pnl_statement(x)
    # 1000 − 100 + 20 − 400 − 10 − (0.05·900 + 5) − 30 − 150 − 20 − 30 = 230
    assert s.amount("net_sales") == 900.0
    assert s.amount("platform_fees") == -50.0 and s.amount("payment_fees") == -10.0
    assert s.amount("coupons_gifts") == -20.0
    assert s.contribution == 230.0 and s.missing == ()


def test_missing_inputs_are_none_never_zero() -> None:
    s = pnl_statement(PnlInputs(gmv=500.0, refunds=0.0, cogs=200.0, shipped_orders=4))
    assert s.amount("ads") is None and s.amount("kol") is None
    assert set(s.missing) >= {"ads", "kol", "payment_fees", "platform_fees", "logistics"}
    assert s.contribution == 300.0  # before the lines not given


def test_every_line_equals_pandas(ops_campaign, raw) -> None:  # noqa: F811
    r = ops.pnl(ops_campaign)
    st = r.statement
    o, card, w = raw["orders"], raw["card"], raw["window"]
    ok = in_window(o, w)
    gmv, refunds = ok["paid_amount"].sum(), ok["refund_amount"].sum()
    frac = (ok["refund_amount"] / ok["paid_amount"]).where(ok["paid_amount"] > 0, 0.0)
    not_gift = ok["is_gift"] == 0
    cogs = (ok["unit_cost"] * ok["quantity"] * (1 - frac))[not_gift].sum()
    gifts = (ok["unit_cost"] * ok["quantity"])[~not_gift].sum()
    costs = card["costs"]
    s = raw["spend"]
    ads = s.loc[s["date"].between(*w), "spend"].sum()
    ks = raw["sessions"]
    ks = ks[(ks["kind"] == "kol") & ks["start_time"].str[:10].between(*w)]
    sold = o[(o["status"] != "cancelled") & o["session_id"].notna()]
    settled = (
        sold.groupby("session_id")["paid_amount"].sum()
        - sold.groupby("session_id")["refund_amount"].sum()
    )
    kol = (ks["slot_fee"] + ks["commission_rate"] * ks["session_id"].map(settled).fillna(0)).sum()
    expected = {
        "gmv": gmv,
        "refunds": -refunds,
        "net_sales": gmv - refunds,
        "platform_subsidy": ok["platform_discount"].sum(),
        "cogs": -cogs,
        "payment_fees": -costs["payment_fee_rate"] * gmv,
        "platform_fees": -(costs["commission_rate"] * (gmv - refunds) + costs.get("fees", 0)),
        "logistics": -costs["logistics_per_order"] * ok["order_id"].nunique(),
        "ads": -ads,
        "coupons_gifts": -(raw["coupons"]["cost"].sum() + gifts),
        "kol": -kol,
    }
    for key, value in expected.items():
        assert st.amount(key) == pytest.approx(value, abs=0.02), key
    # the lines add up to the contribution profit exactly (to the cent)
    lines = [ln.amount for ln in st.lines if ln.key not in ("net_sales", "contribution")]
    assert round(sum(lines), 2) == st.contribution
    assert st.missing == ()
    assert r.made_money == (st.contribution > 0)


def test_section_answers_made_money(ops_campaign) -> None:  # noqa: F811
    r = ops.pnl(ops_campaign)
    for lang in ("zh", "en"):
        page = str(sections.pnl(r, Style(lang=lang)))
        word = (
            ("赚钱了" if lang == "zh" else "Made money")
            if r.made_money
            else ("亏钱了" if lang == "zh" else "Lost money")
        )
        assert word in page
        assert "orders.paid_amount" in page and "spend.spend" in page
        assert "pnl_" not in page  # no raw catalogue key


def test_skipped_without_unit_cost_and_rates_not_given(tmp_path: Path, demo_dir: Path) -> None:
    import pandas as pd

    from fupan.ingest.validate import open_campaign

    folder = tmp_path / "c"
    folder.mkdir()
    card = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))
    card["tables"] = {"orders": "orders.parquet"}
    card["costs"] = {}
    card.pop("controls", None)
    (folder / "campaign.yaml").write_text(yaml.safe_dump(card, allow_unicode=True), "utf-8")
    shutil.copy(demo_dir / "orders.parquet", folder / "orders.parquet")
    r = ops.pnl(open_campaign(folder))
    assert r.statement.amount("ads") is None and "logistics" in r.statement.missing
    page = str(sections.pnl(r, Style(lang="zh")))
    assert "未提供" in page and "未计入" in page
    o = pd.read_parquet(folder / "orders.parquet").drop(columns=["unit_cost"])
    o.to_parquet(folder / "orders.parquet")
    c = open_campaign(folder)
    from fupan.analysis.retrospective import Step, run_pipeline

    out = run_pipeline({"campaign": c}, (Step("pnl", ops.pnl, ("campaign",), True, "pnl"),))
    assert isinstance(out["pnl"], Skip) and "unit_cost" in out["pnl"].reason


def test_coupon_funnel_equals_pandas(ops_campaign, raw) -> None:  # noqa: F811
    f = ops.pnl(ops_campaign).coupons.set_index("coupon_id")
    c = raw["coupons"].set_index("coupon_id").reindex(f.index)
    assert (f["redemption_rate"] == c["redeemed"] / c["claimed"]).all()
    assert (f["claim_rate"] == c["claimed"] / c["issued"]).all()
    # the demo's redeemed counts are the orders that used each coupon in the campaign
    o = raw["orders"]
    used = o[o["coupon_id"].notna()].groupby("coupon_id")["order_id"].nunique()
    assert (f["redeemed"] == used.reindex(f.index)).all()
    page = str(sections.pnl(ops.pnl(ops_campaign), Style(lang="zh")))
    assert "核销率" in page and "跨店满减" in page


def test_the_chinese_statement_says_its_sources_in_chinese_and_an_unstated_fee_as_such(
    ops_campaign,  # noqa: F811
    raw,  # noqa: F811
) -> None:
    """The Chinese P&L's source column read 'the lines above', 'gift lines' cost', 'settled GMV',
    and the platform-fee line said '+ 卡片 fees ¥0.0' for a card that states no fees — an omission
    shown as a figure. Each source is in the report's language (column names aside), and a fee the
    card does not state is said to be not counted."""
    r = ops.pnl(ops_campaign)
    stated = "fees" in (raw["card"].get("costs") or {})
    assert r.fees_stated is stated
    zh = str(sections.pnl(r, Style(lang="zh")))
    for english in ("the lines above", "gift lines", "settled GMV"):
        assert english not in zh
    assert "以上各行合计" in zh and "赠品行成本" in zh
    if not stated:
        assert "卡片未写 costs.fees：固定费用未计" in zh and "fees ¥0" not in zh
    en = str(sections.pnl(r, Style(lang="en")))
    assert "the lines above" in en


def test_the_statement_says_where_a_kol_fee_may_be_charged_twice(ops_campaign, raw) -> None:  # noqa: F811
    """The demo's spend table has 达播 spend ('淘宝客·达人推广') and its live sessions KOL slot fees
    and commissions; the P&L charged both without a word, which double-counts if the spend is the
    KOL's fee. By hand: the channels of the orders of KOL sessions, and the spend on them in the
    statement's window; the note names both."""
    from fupan.format import money

    r = ops.pnl(ops_campaign)
    o, live = raw["orders"], raw["sessions"]
    kol_sessions = set(live.loc[live["kind"] == "kol", "session_id"])
    linked = o[o["session_id"].isin(kol_sessions) & (o["status"] != "cancelled")]
    channels = sorted(linked["channel"].dropna().unique())
    spend = raw["spend"]
    a, b = r.window
    want = spend[spend["channel"].isin(channels) & spend["date"].between(a, b)]["spend"].sum()
    assert tuple(channels) == r.kol_channels and want > 0
    assert r.kol_channel_spend == pytest.approx(want, rel=1e-9)
    zh = str(sections.pnl(r, Style(lang="zh")))
    assert "它与“达人坑位费与佣金”一行重复" in zh and money(want) in zh

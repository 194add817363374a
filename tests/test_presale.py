"""预售 (metrics.presale, analysis.ops.presale): the planted balance-payment rate is recovered, and
GMV by order time and by balance-paid date both reconcile to the order lines (plain pandas)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

from fupan.analysis import ops
from fupan.format import Style
from fupan.report.sections import ops as sections
from ops_demo import in_window, ops_campaign, raw  # noqa: F401 (fixtures)


def test_balance_payment_rate_recovered(ops_campaign, raw) -> None:  # noqa: F811
    truth = raw["truth"]["ops"]["presale"]
    s = ops.presale(ops_campaign).summary
    assert s.deposit_orders == truth["presale_orders"]
    assert s.balance_orders == truth["balance_paid_orders"]
    assert s.balance_rate == pytest.approx(truth["balance_payment_rate"], abs=1e-6)
    # the planted rate (the generating process) within sampling noise of a few hundred orders
    assert abs(s.balance_rate - truth["balance_payment_rate_expected"]) < 0.04


def test_presale_figures_equal_pandas(ops_campaign, raw) -> None:  # noqa: F811
    o, w = raw["orders"], raw["window"]
    pre = o[(o["order_type"] == "presale") & o["day"].between(*w)]
    by = pre.groupby("order_id").agg(
        deposit=("deposit_amount", "sum"),
        gmv=("paid_amount", "sum"),
        cancelled=("status", lambda x: (x == "cancelled").any()),
        balance=("balance_time", lambda x: x.notna().any()),
    )
    paid = by[~by["cancelled"] & by["balance"]]
    k = raw["card"]["presale"]["deposit_multiplier"]
    s = ops.presale(ops_campaign).summary
    assert s.deposit_buyers == pre["user_id"].nunique() or s.deposit_buyers > 0  # pseudonymised
    assert s.deposit_amount == pytest.approx(by["deposit"].sum(), abs=0.01)
    assert s.balance_amount == pytest.approx((paid["gmv"] - paid["deposit"]).sum(), abs=0.01)
    assert s.multiplier_cost == pytest.approx((k - 1) * paid["deposit"].sum(), abs=0.01)
    total = in_window(o, w)["paid_amount"].sum()
    assert s.presale_share == pytest.approx(paid["gmv"].sum() / total, rel=1e-9)


def test_gmv_by_both_counting_dates_reconciles(ops_campaign, raw) -> None:  # noqa: F811
    o = raw["orders"]
    ok = o[o["status"] != "cancelled"]
    by_order = ok.groupby("day")["paid_amount"].sum()
    counted = (
        ok["balance_time"]
        .dt.strftime("%Y-%m-%d")
        .where((ok["order_type"] == "presale") & ok["balance_time"].notna(), ok["day"])
    )
    by_balance = ok.groupby(counted)["paid_amount"].sum()
    r = ops.presale(ops_campaign)
    d = r.by_date
    d.index = d.index.strftime("%Y-%m-%d")
    days = d.index
    assert d["by_order_time"].to_numpy() == pytest.approx(
        by_order.reindex(days).fillna(0).to_numpy(), abs=0.01
    )
    assert d["by_balance_paid"].to_numpy() == pytest.approx(
        by_balance.reindex(days).fillna(0).to_numpy(), abs=0.01
    )
    # both add up to the same total: presale GMV moves from the deposit days to the balance day
    assert d["by_order_time"].sum() == pytest.approx(d["by_balance_paid"].sum(), abs=0.05)
    balance_day = raw["truth"]["ops"]["presale"]["balance_day"]
    assert d.loc[balance_day, "moved"] > 0 and r.gmv_date == "balance_paid"


def test_section_names_the_rate(ops_campaign) -> None:  # noqa: F811
    r = ops.presale(ops_campaign)
    rate = f"{r.summary.balance_rate:.1%}"
    zh, en = (str(sections.presale(r, Style(lang=lang))) for lang in ("zh", "en"))
    assert "尾款转化率" in zh and rate in zh
    assert "Balance-payment rate" in en and rate in en and "ops_" not in en


def test_skipped_without_presale_columns(tmp_path: Path, demo_dir: Path) -> None:
    from fupan.analysis.retrospective import Step, run_pipeline
    from fupan.ingest.validate import open_campaign

    folder = tmp_path / "c"
    folder.mkdir()
    card = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))
    card["tables"] = {"orders": "orders.parquet"}
    card.pop("controls", None)
    (folder / "campaign.yaml").write_text(yaml.safe_dump(card, allow_unicode=True), "utf-8")
    o = pd.read_parquet(demo_dir / "orders.parquet")
    o.drop(columns=["order_type", "deposit_amount", "balance_time"]).to_parquet(
        folder / "orders.parquet"
    )
    out = run_pipeline(
        {"campaign": open_campaign(folder)}, (Step("presale", ops.presale, ("campaign",), True),)
    )
    assert "order_type" in out["presale"].reason and "||" in out["presale"].reason


def test_preheat_daily_gmv_by_both_dates(ops_campaign, raw) -> None:  # noqa: F811
    o = raw["orders"]
    ok = o[o["status"] != "cancelled"]
    pre = raw["card"]["windows"]["preheat"]
    days = pd.date_range(str(pre[0]), str(pre[1])).strftime("%Y-%m-%d")
    by_order = ok.groupby("day")["paid_amount"].sum().reindex(days).fillna(0).mean()
    page = str(sections.presale(ops.presale(ops_campaign), Style(lang="en")))
    assert f"{Style(lang='en').money(by_order)} by order time" in page


def test_a_low_preheat_is_explained_by_the_counting_date_only_when_it_is_low(
    ops_campaign,  # noqa: F811
) -> None:
    """The section said '预热期日销低于平日，有一部分是计入口径造成的' on every report — also for a
    one-day burst whose preheat (¥4.3万 a day by both dates) sold well above the baseline's ¥2.6万.
    The clause follows the figures now: said when the preheat by balance-paid date is below the
    baseline's day and its deposit days sold more; a preheat raised above the baseline does not
    get it. And the note no longer says the lift dates by order time (it counts on the card's
    date, as the table's caption says)."""
    import dataclasses

    r = ops.presale(ops_campaign)
    d, win = r.by_date, r.phases
    pre = d.loc[pd.Timestamp(win["preheat"][0]) : pd.Timestamp(win["preheat"][1])]
    base = d.loc[pd.Timestamp(win["baseline"][0]) : pd.Timestamp(win["baseline"][1])]
    # the demo's preheat: low by balance-paid date, its deposit days higher — the clause holds
    assert pre.by_balance_paid.mean() < base.by_order_time.mean()
    assert pre.by_order_time.mean() > pre.by_balance_paid.mean()
    page = str(sections.presale(r, Style(lang="zh")))
    assert "有一部分是计入口径造成的" in page
    assert "增量分析仍按下单时间" not in page
    lifted = d.copy()
    lifted.loc[pre.index, ["by_order_time", "by_balance_paid"]] = 10 * base.by_order_time.mean()
    page = str(sections.presale(dataclasses.replace(r, by_date=lifted), Style(lang="zh")))
    assert "预热期日均GMV" in page and "有一部分是计入口径造成的" not in page


def test_without_a_preheat_window_the_presale_note_says_where_the_deposits_went(
    tmp_path: Path,
    demo_dir: Path,
    raw,  # noqa: F811
) -> None:
    """The demo's card without its preheat: the deposits (taken in the preheat) fall before the
    campaign, their balances inside it. The section said '活动期内没有预售订单' while the lift
    counted those orders' GMV. It now says how many presale orders paid their balance inside the
    campaign with deposits before it (counted here in pandas from the order lines)."""
    from fupan.analysis.retrospective import Step, run_pipeline
    from fupan.ingest.validate import open_campaign

    folder = tmp_path / "c"
    shutil.copytree(demo_dir, folder)
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    del card["windows"]["preheat"]
    (folder / "campaign.yaml").write_text(yaml.safe_dump(card, allow_unicode=True), "utf-8")
    w = card["windows"]
    start, end = str(w["burst"][0]), str(w.get("post", w["burst"])[1])
    o = raw["orders"]
    balance_day = o["balance_time"].dt.strftime("%Y-%m-%d")
    early = o[
        (o["order_type"] == "presale")
        & (o["status"] != "cancelled")
        & balance_day.between(start, end)
        & (o["day"] < start)
    ]
    n = early["order_id"].nunique()
    assert n > 0
    out = run_pipeline(
        {"campaign": open_campaign(folder)}, (Step("presale", ops.presale, ("campaign",), True),)
    )
    reason = out["presale"].reason
    assert f"{n:,} presale orders" in reason and f"{n:,} 笔预售单" in reason
    assert "没有预售订单" not in reason

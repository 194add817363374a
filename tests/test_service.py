"""服务与履约 (ops review G8): shipping times, refunds by channel and SKU, the service day report.

Expected values come from plain pandas over the raw files, following the 口径 of
fupan.metrics.service as written there (never from fupan's own sums), on two campaigns: a seeded
small one whose ship times are written here with every edge the 口径 names (a cancelled line, a
line refunded before shipping, a split order with a line still open, a ship time before payment,
orders paid just before the data end), and the demo (presale clocks starting at the balance,
planted backlogs on the peak days, a service day report).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from campaigns import make_campaign
from fupan.analysis import ops
from fupan.analysis.results.ops import ServiceResult
from fupan.format import Style
from fupan.ingest.validate import open_campaign
from fupan.report.sections import ops as sections
from ops_demo import ops_campaign, raw  # noqa: F401 (fixtures)

HOUR = pd.Timedelta(hours=1)


# ------------------------------------------------------------------------------ by hand


def ship_by_hand(lines: pd.DataFrame, windows: dict, end: pd.Timestamp) -> pd.DataFrame:
    """Per window the shipping sums, as fupan.metrics.service's docstring states them."""
    lines = lines.copy()
    if "order_type" in lines and "balance_time" in lines:
        presale = lines["order_type"] == "presale"
        lines["paid_at"] = lines["order_time"].where(~presale, lines["balance_time"])
    else:
        lines["paid_at"] = lines["order_time"]
    lines = lines[lines["status"] != "cancelled"]
    refunded_open = (lines["status"] == "refunded") & lines["ship_time"].isna()
    lines["keep"] = ~refunded_open & lines["paid_at"].notna()
    lines["refunded_open"] = refunded_open
    rows = []
    for _, g in lines.groupby("order_id"):
        k = g[g["keep"]]
        paid = k["paid_at"].min() if len(k) else pd.NaT
        day = (paid if len(k) else g["order_time"].min()).normalize()
        open_lines = int(k["ship_time"].isna().sum())
        hours = (k["ship_time"].max() - paid) / HOUR if len(k) and open_lines == 0 else np.nan
        rows.append(
            {
                "day": day,
                "kept": len(k),
                "paid": paid,
                "open": open_lines,
                "hours": hours,
                "refunded_unshipped": len(k) == 0 and bool(g["refunded_open"].any()),
            }
        )
    o = pd.DataFrame(rows)
    out = {}
    for name, (a, b) in windows.items():
        w = o[o["day"].between(pd.Timestamp(a), pd.Timestamp(b))]
        live = w[w["kept"] > 0]
        early = (live["open"] == 0) & (live["hours"] < 0)
        done = live[(live["open"] == 0) & (live["hours"] >= 0)]

        def due(h: int, live: pd.DataFrame = live, early: pd.Series = early) -> pd.Series:
            return (live["paid"] + h * HOUR <= end) & ~early

        def shipped(h: int, live: pd.DataFrame = live) -> pd.Series:
            return due(h) & (live["open"] == 0) & live["hours"].between(0, h)

        out[name] = {
            "orders": len(live),
            "due_24": int(due(24).sum()),
            "shipped_24": int(shipped(24).sum()),
            "due_48": int(due(48).sum()),
            "shipped_48": int(shipped(48).sum()),
            "unshipped": int((due(48) & (live["open"] > 0)).sum()),
            "median_hours": done["hours"].quantile(0.5) if len(done) else np.nan,
            "p90_hours": done["hours"].quantile(0.9) if len(done) else np.nan,
            "refunded_unshipped": int(w["refunded_unshipped"].sum()),
            "before_paid": int(early.sum()),
        }
    return pd.DataFrame.from_dict(out, orient="index")


def windows_of(card: dict) -> dict:
    """The card's windows and the campaign proper (pre-heat to post), as the section lists them."""
    w = {k: (str(a), str(b)) for k, (a, b) in card["windows"].items()}
    first = w.get("preheat", w["burst"])[0]
    w["campaign"] = (first, w.get("post", w["burst"])[1])
    return w


def compare(got: pd.DataFrame, want: pd.DataFrame) -> None:
    for name, row in want.iterrows():
        for col, value in row.items():
            g = got.loc[name, col]
            if isinstance(value, float) and np.isnan(value):
                assert np.isnan(g), (name, col, g)
            else:
                assert g == pytest.approx(value, abs=1e-6), (name, col, g, value)


# ------------------------------------------------------------------------------ a seeded campaign


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Path, dict]:
    """A seeded campaign with ship times written here, every edge of the 口径 planted."""
    root = tmp_path_factory.mktemp("service") / "c"
    make_campaign(root, seed=41, orders_per_day=12.0, refund_share=0.08)
    lines = pd.read_csv(root / "orders.csv", parse_dates=["order_time"])
    rng = np.random.default_rng(5)
    hours = rng.lognormal(np.log(20), 0.7, len(lines))
    ship = lines["order_time"] + pd.to_timedelta(np.round(hours * 3600), unit="s")
    ship = ship.where(lines["status"] != "cancelled")
    refunded = np.flatnonzero(lines["status"] == "refunded")
    ship.iloc[refunded[::2]] = pd.NaT  # refunded before shipping
    # a split order with a line still open, and an order shipped before it was paid
    multi = lines.groupby("order_id").size()
    split = multi[multi > 1].index[0]
    open_line = lines.index[(lines["order_id"] == split) & (lines["status"] == "paid")]
    if len(open_line):
        ship.iloc[open_line[0]] = pd.NaT
    card = yaml.safe_load((root / "campaign.yaml").read_text(encoding="utf-8"))
    burst = pd.Timestamp(card["windows"]["burst"][0])
    single = lines["order_id"].map(multi) == 1
    ok = lines.index[(lines["status"] == "paid") & single & (lines["order_time"] >= burst)]
    ship.iloc[ok[3]] = lines["order_time"].iloc[ok[3]] - pd.Timedelta(hours=2)
    end = lines["order_time"].max()
    ship = ship.where(ship <= end)  # not shipped yet when the data end
    lines["ship_time"] = ship.dt.strftime("%Y-%m-%d %H:%M:%S")
    lines.to_csv(root / "orders.csv", index=False)
    return root, card


@pytest.fixture(scope="module")
def small_result(small) -> ServiceResult:
    r = ops.service(open_campaign(small[0]))
    assert isinstance(r, ServiceResult)
    return r


def test_shipping_of_every_window_equals_plain_pandas(small, small_result) -> None:
    root, card = small
    lines = pd.read_csv(root / "orders.csv", parse_dates=["order_time", "ship_time"])
    end = max(lines["order_time"].max(), lines["ship_time"].max())
    want = ship_by_hand(lines, windows_of(card), end)
    # the edges are present: the early shipment in the burst, refunds before shipping
    assert want.loc["burst", "before_paid"] == 1 and want.loc["campaign", "before_paid"] == 1
    assert want["refunded_unshipped"].sum() > 0 and want["unshipped"].sum() > 0
    compare(small_result.shipping, want)
    table = small_result.shipping
    assert (table["ship_48"] == table["shipped_48"] / table["due_48"]).all()


def test_refunds_by_channel_equal_plain_pandas(small, small_result) -> None:
    root, card = small
    lines = pd.read_csv(root / "orders.csv", parse_dates=["order_time"])
    lines = lines[lines["status"] != "cancelled"]
    day = lines["order_time"].dt.normalize()
    w = windows_of(card)
    now = lines[day.between(*map(pd.Timestamp, w["campaign"]))]
    base = lines[day.between(*map(pd.Timestamp, w["baseline"]))]
    got = small_result.channels.set_index("channel")
    by = now.groupby("channel")
    assert set(got.index) == set(by.groups)
    for channel, g in by:
        b = base[base["channel"] == channel]
        row = got.loc[channel]
        assert row.gmv == pytest.approx(g["paid_amount"].sum(), abs=0.005)
        assert row.refunds == pytest.approx(g["refund_amount"].sum(), abs=0.005)
        assert row.orders == g["order_id"].nunique()
        rate = g["refund_amount"].sum() / g["paid_amount"].sum()
        base_rate = b["refund_amount"].sum() / b["paid_amount"].sum()
        assert row.refund_rate == pytest.approx(rate)
        assert row.change == pytest.approx(rate - base_rate)
    assert list(got["refunds"]) == sorted(got["refunds"], reverse=True)


def test_without_a_service_day_report_that_part_says_why(small_result) -> None:
    assert small_result.service is None and "service_daily" in small_result.missing["service"]
    for lang in ("zh", "en"):
        text = str(sections.service(small_result, Style(lang=lang)))
        assert "nan" not in text.lower()
        assert "service_daily" in text  # the reason, in the reader's language


def test_nothing_to_measure_is_a_skip(tmp_path) -> None:
    """Orders without ship times or refunds and no service day report: the analysis is skipped
    with its reason, not drawn as zeros."""
    root = tmp_path / "c"
    make_campaign(root, seed=43, orders_per_day=8.0, n_days_history=120)
    lines = pd.read_csv(root / "orders.csv")
    lines.drop(columns=[c for c in ("refund_amount",) if c in lines]).to_csv(
        root / "orders.csv", index=False
    )
    with pytest.raises(ValueError, match="发货时间"):
        ops.service(open_campaign(root))


# ------------------------------------------------------------------------------ the demo


@pytest.fixture(scope="module")
def demo_result(ops_campaign) -> ServiceResult:  # noqa: F811
    r = ops.service(ops_campaign)
    assert isinstance(r, ServiceResult) and not r.missing
    return r


def test_demo_shipping_with_presale_clocks_equals_plain_pandas(demo_result, raw) -> None:  # noqa: F811
    orders = raw["orders"]
    end = max(orders["order_time"].max(), orders["ship_time"].max())
    want = ship_by_hand(orders, windows_of(raw["card"]), end)
    compare(demo_result.shipping, want)


def test_demo_recovers_its_planted_backlog(demo_result, raw) -> None:  # noqa: F811
    """The demo ships a log-normal number of hours after payment, slower on its peak days
    (truth.json): the baseline's and the peak days' 48-hour rates land within four binomial
    standard errors of the planted probabilities, and the worst day is a peak day."""
    truth = raw["truth"]["ops"]["service"]
    base = demo_result.shipping.loc["baseline"]
    p = truth["ship_48"]["normal"]
    assert abs(base.ship_48 - p) < 4 * (p * (1 - p) / base.due_48) ** 0.5, (base.ship_48, p)
    daily = demo_result.daily.set_index("date")
    peak = daily.loc[pd.to_datetime(truth["peak_days"])]
    q = truth["ship_48"]["peak"]
    rate = peak["shipped_48"].sum() / peak["due_48"].sum()
    assert abs(rate - q) < 4 * (q * (1 - q) / peak["due_48"].sum()) ** 0.5, (rate, q)
    assert str(pd.Timestamp(demo_result.worst["date"]).date()) in truth["peak_days"]


def test_demo_service_figures_equal_plain_pandas(demo_result, demo_dir) -> None:
    s = pd.read_csv(demo_dir / "service_daily.csv", parse_dates=["date"])
    card = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))
    for name, (a, b) in windows_of(card).items():
        d = s[s["date"].between(pd.Timestamp(a), pd.Timestamp(b))].sort_values("date")
        row = demo_result.service.loc[name]
        assert row.days == len(d)
        assert row.inquiry_cr == pytest.approx(d["inquiry_buyers"].sum() / d["inquiries"].sum())
        weighted = (d["first_response_seconds"] * d["inquiries"]).sum() / d["inquiries"].sum()
        assert row.first_response == pytest.approx(weighted)
        assert row.bad_review_rate == pytest.approx(d["bad_reviews"].sum() / d["reviews"].sum())
        assert row.dsr == pytest.approx(d["dsr"].mean())
        assert row.dsr_last == pytest.approx(d["dsr"].iloc[-1])


def test_demo_refund_rates_by_sku_count_presale_on_the_balance_day(demo_result, raw) -> None:  # noqa: F811
    """The demo's card counts GMV on the balance day (gmv_date: balance_paid): a presale line's
    refunds and GMV fall in the window of its balance, as the KPI table's do."""
    o = raw["orders"]
    o = o[o["status"] != "cancelled"]
    presale = (o["order_type"] == "presale").to_numpy()
    day = o["order_time"].where(~presale, o["balance_time"]).dt.normalize()
    w = windows_of(raw["card"])
    now = o[day.between(*map(pd.Timestamp, w["campaign"]))]
    got = demo_result.skus.set_index("sku")
    for sku, g in now.groupby("sku"):
        assert got.loc[sku, "refunds"] == pytest.approx(g["refund_amount"].sum(), abs=0.005)
        assert got.loc[sku, "gmv"] == pytest.approx(g["paid_amount"].sum(), abs=0.005)
    assert "name" in got.columns and got["name"].notna().all()  # from the products table


def test_demo_section_and_record_in_both_languages(demo_result) -> None:
    for lang in ("zh", "en"):
        text = str(sections.service(demo_result, Style(lang=lang)))
        assert "nan" not in text.lower() and "None" not in text
        worst = f"{pd.Timestamp(demo_result.worst['date']):%Y-%m-%d}"
        assert worst in text
    zh = str(sections.service(demo_result, Style(lang="zh")))
    assert "48小时发货率" in zh and "询单转化率" in zh and "分渠道退款率" in zh
    rec = demo_result.record()
    camp = rec["shipping"]["campaign"]
    assert isinstance(camp["orders"], int) and camp["ship_48"] == pytest.approx(
        demo_result.shipping.loc["campaign", "ship_48"]
    )
    assert rec["worst_shipping_day"]["date"] == str(pd.Timestamp(demo_result.worst["date"]).date())
    assert rec["not_measured"] == {}


def test_a_war_report_has_not_shipped_what_shipped_after_its_day(demo_dir, tmp_path) -> None:
    """As of a burst day, a line shipped after it has not shipped yet, and the data end at the
    end of that day: an order paid that evening is not late."""
    card = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))
    day = pd.Timestamp(card["windows"]["burst"][1]) - pd.Timedelta(days=3)
    campaign = open_campaign(demo_dir, as_of=day.date())
    latest = campaign.con.execute("SELECT max(ship_time) FROM orders").fetchone()[0]
    assert latest < day + pd.Timedelta(days=1)
    r = ops.service(campaign)
    orders = pd.read_parquet(demo_dir / "orders.parquet")
    cut = day + pd.Timedelta(days=1)
    orders = orders[orders["order_time"] < cut].copy()
    orders["ship_time"] = orders["ship_time"].where(orders["ship_time"] < cut)
    late_balance = orders["balance_time"] >= cut
    orders.loc[late_balance, "balance_time"] = pd.NaT
    windows = {
        k: v
        for k, v in windows_of(campaign_card(campaign)).items()
        if k in r.shipping.index and k != "campaign"
    }
    want = ship_by_hand(orders, windows, cut)
    compare(r.shipping.loc[list(windows)], want)


def campaign_card(campaign) -> dict:
    """The war report's windows (cut at its day), as the card model holds them."""
    w = {name: (str(x.start), str(x.end)) for name, x in campaign.card.windows.items()}
    return {"windows": w}


def test_chinese_headers_of_a_service_day_report_are_read(demo_dir, tmp_path) -> None:
    """A dashboard export's own headers: validation names the mapping the card needs; with it,
    the same figures as the English file; fupan init takes the file for the service table."""
    from fupan.ingest.scaffold import recognise
    from fupan.ingest.validate import ValidationError

    folder = tmp_path / "demo"
    shutil.copytree(demo_dir, folder)
    s = pd.read_csv(folder / "service_daily.csv")
    zh = ["统计日期", "询单人数", "询单成交人数", "平均首响时长", "评价数", "差评数", "DSR"]
    mapping = dict(zip(zh, s.columns, strict=True))
    s.columns = zh
    s.to_csv(folder / "service_daily.csv", index=False)
    with pytest.raises(ValidationError) as refused:
        open_campaign(folder)
    assert "询单人数: inquiries" in str(refused.value)
    assert {x.file: x.table for x in recognise(folder)}["service_daily.csv"] == "service_daily"
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    card["mapping"] = {"service_daily": mapping}
    (folder / "campaign.yaml").write_text(yaml.safe_dump(card, allow_unicode=True), "utf-8")
    r = ops.service(open_campaign(folder))
    english = ops.service(open_campaign(demo_dir))
    pd.testing.assert_frame_equal(r.service, english.service)


def test_a_shipping_backlog_is_a_miss_for_the_service_role(demo_result, small_result) -> None:
    """The demo's campaign shipped ~10 points fewer orders within 48 hours than its baseline
    (planted): a miss naming both rates and the worst day, routed to the service role. The
    seeded campaign ships at one speed throughout: no finding."""
    from fupan.analysis.findings import SHIP_DROP, _shipping
    from fupan.report.sections.roles import finding_role

    c, b = demo_result.shipping.loc["campaign"], demo_result.shipping.loc["baseline"]
    assert b.ship_48 - c.ship_48 >= SHIP_DROP
    (f,) = _shipping(Style(lang="zh"), demo_result)
    assert f.kind == "miss" and f.metric == "shipping"
    assert f"{c.ship_48 * 100:.1f}%" in f.zh and f"{b.ship_48 * 100:.1f}%" in f.zh
    assert f"{pd.Timestamp(demo_result.worst['date']):%m-%d}" in f.en
    assert finding_role(f.metric) == "service"
    s, base = small_result.shipping.loc["campaign"], small_result.shipping.loc["baseline"]
    assert base.ship_48 - s.ship_48 < SHIP_DROP and _shipping(Style(lang="zh"), small_result) == []


def test_demo_refund_reasons_equal_plain_pandas(demo_result, demo_dir) -> None:
    """The campaign's orders (first line's day in the campaign) and their refund rows by reason:
    counts, amount, the 仅退款 share, and asked before the order's last line shipped (or while
    not all of it had)."""
    o = pd.read_parquet(demo_dir / "orders.parquet")
    r = pd.read_csv(demo_dir / "refunds.csv", parse_dates=["refund_time"])
    card = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))
    a, b = map(pd.Timestamp, windows_of(card)["campaign"])
    per = o.groupby("order_id").agg(
        day=("order_time", "min"),
        shipped=("ship_time", "max"),
        all_shipped=("ship_time", lambda s: bool(s.notna().all())),
    )
    per["day"] = per["day"].dt.normalize()
    r = r.join(per, on="order_id", how="inner")
    r = r[r["day"].between(a, b)]
    before = ~r["all_shipped"] | (r["refund_time"] < r["shipped"])
    got = demo_result.reasons.set_index("reason")
    assert set(got.index) == set(r["reason"])
    for reason, g in r.groupby("reason"):
        row = got.loc[reason]
        assert row.refunds == len(g) and row.orders == g["order_id"].nunique()
        assert row.amount == pytest.approx(g["refund_amount"].sum(), abs=0.005)
        assert row.amount_share == pytest.approx(
            g["refund_amount"].sum() / r["refund_amount"].sum()
        )
        assert row.refund_only_share == pytest.approx((g["refund_type"] == "refund_only").mean())
        assert row.before_ship_share == pytest.approx(before[g.index].mean())
    assert demo_result.unmatched == 0
    assert list(got["amount"]) == sorted(got["amount"], reverse=True)


def test_demo_slow_shipping_refunds_are_planted_on_the_peak_days(demo_dir, raw) -> None:  # noqa: F811
    """Of the refunds asked for before shipping, 发货太慢 is planted at 50 % for orders paid on the
    peak days and 10 % otherwise (truth.json): both recovered within four standard errors."""
    truth = raw["truth"]["ops"]["service"]
    p = truth["refunds"]["before_ship_reasons"]["发货太慢"]
    o = pd.read_parquet(demo_dir / "orders.parquet")
    first = o.groupby("order_id")["order_time"].min().dt.strftime("%Y-%m-%d")
    r = pd.read_csv(demo_dir / "refunds.csv")
    r = r[r["refund_type"] == "refund_only"].join(first.rename("day"), on="order_id")
    before = r[r["reason"].isin(truth["refunds"]["before_ship_reasons"])]
    peak = before["day"].isin(truth["peak_days"])
    for sample, q in ((before[peak], p["peak"]), (before[~peak], p["normal"])):
        share = (sample["reason"] == "发货太慢").mean()
        assert abs(share - q) < 4 * (q * (1 - q) / len(sample)) ** 0.5, (share, q, len(sample))


def test_refund_reasons_never_show_personal_data(demo_dir, tmp_path) -> None:
    """A buyer who typed a phone number into the reason: withheld in the result, the section and
    the record; a refund of an order the orders table lacks is left out and counted."""
    folder = tmp_path / "demo"
    shutil.copytree(demo_dir, folder)
    r = pd.read_csv(folder / "refunds.csv")
    o = pd.read_parquet(folder / "orders.parquet")
    burst = o[o["order_time"].dt.strftime("%Y-%m-%d") == "2025-11-05"]["order_id"]
    i = r.index[r["order_id"].isin(set(burst))][0]  # an order of the campaign
    r.loc[i, "reason"] = "不想要了 联系我13912345678"
    extra = r.loc[i].copy()
    extra["order_id"] = "NOT-AN-ORDER"
    pd.concat([r, extra.to_frame().T], ignore_index=True).to_csv(
        folder / "refunds.csv", index=False
    )
    result = ops.service(open_campaign(folder))
    assert result.unmatched == 1
    assert not result.reasons["reason"].str.contains("13912345678").any()
    assert (result.reasons["reason"] == ops.WITHHELD).sum() == 1
    for lang in ("zh", "en"):
        text = str(sections.service(result, Style(lang=lang)))
        assert "13912345678" not in text
    assert "13912345678" not in str(result.record())


def test_a_refund_exports_own_words_are_read_as_the_contracts(demo_dir, tmp_path) -> None:
    """仅退款 / 退货退款 as the platform writes them: read as refund_only / return_refund, said in a
    warning, and the reasons equal the demo's."""
    folder = tmp_path / "demo"
    shutil.copytree(demo_dir, folder)
    r = pd.read_csv(folder / "refunds.csv")
    r["refund_type"] = r["refund_type"].map({"refund_only": "仅退款", "return_refund": "退货退款"})
    r.to_csv(folder / "refunds.csv", index=False)
    campaign = open_campaign(folder)
    assert any(w.code == "words_read" and w.file == "refunds.csv" for w in campaign.warnings)
    got = ops.service(campaign).reasons
    want = ops.service(open_campaign(demo_dir)).reasons
    pd.testing.assert_frame_equal(got, want)

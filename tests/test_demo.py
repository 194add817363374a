"""Tests for fupan.demo: the seeded demo campaign and the effects it records in truth.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from fupan.demo import generate_demo

SCALE, SEED = 0.2, 7
FILES = (
    "campaign.yaml",
    "orders.parquet",
    "events.parquet",
    "spend.csv",
    "inventory.csv",
    "truth.json",
    "service_daily.csv",
    "refunds.csv",
)
CHANNELS = {"live", "search_ads", "feed_ads", "kol", "private_domain", "organic"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each variant generated once for the whole module."""
    root = tmp_path_factory.mktemp("demo")
    args = {
        "standard": (SEED, "standard"),
        "again": (SEED, "standard"),
        "other_seed": (SEED + 1, "standard"),
        "no_lift": (SEED, "no_lift"),
        "fault": (SEED, "channel_fault"),
    }
    return {
        k: generate_demo(root / k, seed=s, scale=SCALE, scenario=sc) for k, (s, sc) in args.items()
    }


def load(folder: Path) -> dict[str, Any]:
    orders = pd.read_parquet(folder / "orders.parquet")
    orders["date"] = orders["order_time"].dt.strftime("%Y-%m-%d")
    events = pd.read_parquet(folder / "events.parquet")
    events["date"] = events["event_time"].dt.strftime("%Y-%m-%d")
    return {
        "orders": orders,
        "events": events,
        "truth": json.loads((folder / "truth.json").read_text(encoding="utf-8")),
        "card": yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8")),
        "spend": pd.read_csv(folder / "spend.csv"),
        "inventory": pd.read_csv(folder / "inventory.csv"),
    }


@pytest.fixture(scope="module")
def std(runs: dict[str, Path]) -> dict[str, Any]:
    return load(runs["standard"])


def window(card: dict[str, Any], name: str) -> tuple[str, str]:
    a, b = card["windows"][name]
    return str(a), str(b)


def daily_gmv(orders: pd.DataFrame) -> pd.Series:
    """DESIGN.md GMV: paid_amount of orders not cancelled, before refunds."""
    return orders[orders["status"] != "cancelled"].groupby("date")["paid_amount"].sum()


def test_same_seed_gives_identical_bytes_and_other_seed_differs(runs: dict[str, Path]) -> None:
    for name in FILES:
        assert (runs["standard"] / name).read_bytes() == (runs["again"] / name).read_bytes(), name
    for name in ("orders.parquet", "events.parquet", "spend.csv", "truth.json"):
        assert (runs["standard"] / name).read_bytes() != (runs["other_seed"] / name).read_bytes()


def test_invalid_arguments_are_rejected(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scenario"):
        generate_demo(tmp_path, scenario="bogus")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="scale"):
        generate_demo(tmp_path, scale=0)
    assert not any(tmp_path.iterdir())


def test_table_schemas(runs: dict[str, Path], std: dict[str, Any]) -> None:
    s, ts = pa.string(), pa.timestamp("us")
    assert pq.read_schema(runs["standard"] / "orders.parquet").remove_metadata() == pa.schema(
        [
            ("order_id", s),
            ("user_id", s),
            ("order_time", ts),
            ("paid_amount", pa.float64()),
            ("sku", s),
            ("category", s),
            ("quantity", pa.int64()),
            ("list_amount", pa.float64()),
            ("channel", s),
            ("status", s),
            ("refund_amount", pa.float64()),
            ("unit_cost", pa.float64()),
            # the ops columns (issue 13), appended after the original ones
            ("order_type", s),
            ("deposit_amount", pa.float64()),
            ("deposit_time", ts),
            ("balance_amount", pa.float64()),
            ("balance_time", ts),
            ("shop_discount", pa.float64()),
            ("platform_discount", pa.float64()),
            ("coupon_id", s),
            ("is_gift", pa.int64()),
            ("session_id", s),
            ("ship_time", ts),  # 服务与履约 (ops review G8)
        ]
    )
    assert pq.read_schema(runs["standard"] / "events.parquet").remove_metadata() == pa.schema(
        [
            ("user_id", s),
            ("event_time", ts),
            ("event", s),
            ("channel", s),
            ("sku", s),
            ("session_id", s),
            ("variant", s),
        ]
    )
    spend, inv = std["spend"], std["inventory"]
    assert list(spend.columns) == [
        *("date", "channel", "spend", "impressions", "clicks"),
        *("tool", "plan_id", "objective", "attributed_gmv", "attributed_orders"),
        "attribution_window",
    ]
    assert spend["impressions"].dtype == np.int64 and spend["clicks"].dtype == np.int64
    assert set(spend["channel"]) == CHANNELS - {"organic"}
    assert spend["date"].min() == "2025-09-15" and spend["date"].max() == "2025-11-30"
    assert list(inv.columns) == ["date", "sku", "on_hand", "on_order"]
    assert (inv[["on_hand", "on_order"]] >= 0).all().all() and inv["on_hand"].dtype == np.int64
    assert len(inv) == 77 * inv["sku"].nunique() and 40 <= inv["sku"].nunique() <= 80
    o = std["orders"]
    assert o["order_time"].min() >= pd.Timestamp("2024-10-01")
    assert o["order_time"].max() < pd.Timestamp("2025-12-01")
    assert o["user_id"].str.fullmatch(r"u\d{6}").all()
    assert set(o["channel"]) == CHANNELS and set(o["status"]) == {"paid", "cancelled", "refunded"}
    assert set(std["events"]["event"]) == {"visit", "view", "cart", "order", "pay"}


def test_order_lines_are_consistent(std: dict[str, Any]) -> None:
    o = std["orders"]
    assert not o.drop(columns="date").duplicated().any()
    assert o.sort_values(["order_time", "order_id"], kind="stable").index.equals(o.index)
    per = o.groupby("order_id").agg(
        users=("user_id", "nunique"),
        ch=("channel", "nunique"),
        st=("status", "nunique"),
        n=("sku", "size"),
        first=("order_time", "min"),
        last=("order_time", "max"),
    )
    assert (per[["users", "ch", "st"]] == 1).all().all()
    assert per["n"].between(1, 3).all() and (per["n"] > 1).any()
    assert ((per["last"] - per["first"]) <= pd.Timedelta(seconds=90)).all()
    assert (o["quantity"] >= 1).all() and (o["paid_amount"] > 0).all()
    assert (o["list_amount"] >= o["paid_amount"]).all()
    assert np.allclose(o["paid_amount"] * 100, (o["paid_amount"] * 100).round(), atol=1e-6)
    refunded = o["status"] == "refunded"
    assert (o.loc[~refunded, "refund_amount"] == 0).all()
    assert (o.loc[refunded, "refund_amount"] > 0).all()
    assert (o.loc[refunded, "refund_amount"] <= o.loc[refunded, "paid_amount"]).all()
    cost_share = o["unit_cost"] * o["quantity"] / o["list_amount"]
    assert cost_share.between(0.295, 0.455).all()
    cancel_rate = (o.drop_duplicates("order_id")["status"] == "cancelled").mean()
    assert 0.02 <= cancel_rate <= 0.06


def test_stocked_out_sku_days_have_no_order_lines(std: dict[str, Any]) -> None:
    inv, o, card = std["inventory"], std["orders"], std["card"]
    out = inv[inv["on_hand"] == 0]
    burst = window(card, "burst")
    assert 2 <= out["sku"].nunique() <= 3
    assert out["date"].between(*burst).all() and out.groupby("sku").size().between(1, 3).all()
    assert sorted(map(tuple, out[["sku", "date"]].to_numpy())) == sorted(
        (s["sku"], d) for s in std["truth"]["stockouts"] for d in s["dates"]
    )
    clash = o.merge(out, on=["sku", "date"])
    assert clash.empty
    sold = o[o["status"] != "cancelled"].groupby(["date", "sku"])["quantity"].sum()
    flow = inv.set_index(["date", "sku"]).assign(sold=sold).fillna({"sold": 0})
    assert (flow["sold"] <= flow["on_hand"]).all()
    flow = flow.reset_index().sort_values(["sku", "date"])
    receipts = flow.groupby("sku")["on_hand"].shift(-1) - (flow["on_hand"] - flow["sold"])
    assert (receipts.dropna() >= 0).all()  # stock never vanishes: on_hand is a flow


def test_every_order_in_the_events_period_has_a_funnel_chain(std: dict[str, Any]) -> None:
    o = std["orders"].drop_duplicates("order_id")
    o = o[o["date"] >= "2025-09-15"]
    ev = std["events"]
    m = o[["order_id", "user_id", "date", "channel", "order_time", "status"]].merge(
        ev[["user_id", "date", "channel", "event", "event_time"]], on=["user_id", "date", "channel"]
    )
    before = m[m["event_time"] < m["order_time"]].groupby("order_id")["event"].agg(set)
    at = m[(m["event"] == "order") & (m["event_time"] == m["order_time"])]
    assert len(o) > 500
    assert (
        before.reindex(o["order_id"])
        .map(lambda s: isinstance(s, set) and {"visit", "view", "cart"} <= s)
        .all()
    )
    assert set(o["order_id"]) <= set(at["order_id"])
    paid = m[(m["event"] == "pay") & (m["event_time"] >= m["order_time"])]
    assert o.loc[o["status"] != "cancelled", "order_id"].isin(paid["order_id"]).all()
    assert ev.loc[ev["event"] == "visit", "sku"].isna().all()
    assert ev.loc[ev["event"] != "visit", "sku"].notna().all()


def test_ab_variant_is_per_user_inside_the_test_window_only(std: dict[str, Any]) -> None:
    ev, ab = std["events"], std["truth"]["ab_test"]
    o = std["orders"]  # the control line's buyers browse it only, and it was not part of the test
    control = ev["user_id"].isin(
        o.loc[o["category"] == std["truth"]["control"]["category"], "user_id"]
    )
    assert ev.loc[control, "variant"].isna().all() and control.any()
    ev = ev[~control]
    inside = ev["date"].between(ab["start"], ab["end"])
    assert ev.loc[~inside, "variant"].isna().all() and ev.loc[inside, "variant"].notna().all()
    per_user = ev[inside].groupby("user_id")["variant"].agg(["nunique", "first"])
    assert (per_user["nunique"] == 1).all()
    assert abs((per_user["first"] == "B").mean() - 0.5) < 0.02


def test_realised_gmv_agrees_with_expectations(std: dict[str, Any]) -> None:
    o, truth, card = std["orders"], std["truth"], std["card"]
    lines = o[o["status"] != "cancelled"]
    for (a, b), series in (
        (window(card, "baseline"), "counterfactual_daily_gmv"),
        (("2025-10-15", "2025-11-30"), "expected_daily_gmv"),
    ):
        part = lines[lines["date"].between(a, b)]
        realised = part["paid_amount"].sum()
        expected = sum(v for d, v in truth[series].items() if a <= d <= b)
        order_values = part.groupby("order_id")["paid_amount"].sum()
        sigma = np.sqrt((order_values**2).sum()) / realised  # compound-Poisson relative s.d.
        assert sigma < 0.08  # 0.2 scale; at scale 1 the realised sums are within ~2 %
        assert abs(realised / expected - 1) < 3 * sigma, (a, realised, expected)


def test_shape_of_the_double_11_peak(std: dict[str, Any]) -> None:
    gmv = daily_gmv(std["orders"])
    assert gmv.idxmax() == "2025-11-11"
    # 11.11 over the baseline's average day, against the same ratio of the expected series
    # (about 8.3), within 3 compound-Poisson s.d. of the two realised sums
    ex = pd.Series(std["truth"]["expected_daily_gmv"])
    expected = ex["2025-11-11"] / ex["2025-09-15":"2025-10-14"].mean()
    live = std["orders"][std["orders"]["status"] != "cancelled"]
    values = live.groupby("order_id").agg(date=("date", "first"), v=("paid_amount", "sum"))

    def rel_sd(part: pd.Series) -> float:
        return float(np.sqrt((part**2).sum()) / part.sum())

    sd = np.hypot(
        rel_sd(values.v[values.date == "2025-11-11"]),
        rel_sd(values.v[values.date.between("2025-09-15", "2025-10-14")]),
    )
    assert 8 <= expected <= 9
    assert abs(gmv["2025-11-11"] / gmv["2025-09-15":"2025-10-14"].mean() / expected - 1) < 3 * sd
    assert gmv["2025-11-01"] == gmv.drop("2025-11-11").max()
    o = std["orders"]
    hours = (
        o[(o["date"] == "2025-11-11") & (o["status"] != "cancelled")]
        .groupby(o["order_time"].dt.hour)["paid_amount"]
        .sum()
    )
    assert set(hours.nlargest(2).index) == {0, 20}


def test_truth_totals_are_the_sums_of_the_daily_series(std: dict[str, Any]) -> None:
    truth, card = std["truth"], std["card"]
    ex, cf = pd.Series(truth["expected_daily_gmv"]), pd.Series(truth["counterfactual_daily_gmv"])
    assert ex.index.equals(cf.index) and len(ex) == 77
    diff = ex - cf
    inc = truth["incremental_gmv"]
    for name in ("preheat", "burst", "post", "dip"):
        a, b = window(card, name)
        assert inc[name] == pytest.approx(diff[a:b].sum(), abs=0.05)
    assert inc["total"] == pytest.approx(diff["2025-10-15":"2025-11-30"].sum(), abs=0.05)
    assert diff["2025-09-15":"2025-10-14"].abs().max() == 0  # no effect before the campaign
    assert inc["burst"] > 0 > inc["dip"] and diff["2025-10-16":"2025-10-31"].max() < 0
    campaign = inc["preheat"] + inc["burst"] + inc["post"]
    assert truth["pull_forward_share"] == pytest.approx(-inc["dip"] / campaign, abs=1e-4)
    assert truth["scenario"] == "standard" and "fault" not in truth


def test_no_lift_changes_nothing(runs: dict[str, Path], std: dict[str, Any]) -> None:
    data = load(runs["no_lift"])
    truth = data["truth"]
    assert truth["expected_daily_gmv"] == truth["counterfactual_daily_gmv"]
    assert all(v == 0 for v in truth["incremental_gmv"].values())
    assert truth["pull_forward_share"] is None and truth["stockouts"] == []
    assert (data["inventory"]["on_hand"] > 0).all()
    assert data["card"] == std["card"]  # one card per (seed, scale), written before launch


def test_channel_fault_cuts_live_orders_that_day(
    runs: dict[str, Path], std: dict[str, Any]
) -> None:
    fault = load(runs["fault"])
    assert fault["truth"]["fault"] == {
        "date": "2025-11-05",
        "channel": "live",
        "conversion_multiplier": 0.1,
    }

    def live_orders(o: pd.DataFrame, date: str) -> int:
        return o.loc[(o["date"] == date) & (o["channel"] == "live"), "order_id"].nunique()

    assert live_orders(fault["orders"], "2025-11-05") < 0.3 * live_orders(
        std["orders"], "2025-11-05"
    )
    assert live_orders(fault["orders"], "2025-11-06") > 0.7 * live_orders(
        std["orders"], "2025-11-06"
    )
    ex = fault["truth"]["expected_daily_gmv"]
    assert ex["2025-11-05"] < std["truth"]["expected_daily_gmv"]["2025-11-05"]


def test_campaign_brings_new_customers_who_repeat_less(std: dict[str, Any]) -> None:
    o, card = std["orders"], std["card"]
    first = o.groupby("user_id")["date"].min()

    def new_share(name: str) -> float:
        a, b = window(card, name)
        buyers = o.loc[o["date"].between(a, b), "user_id"].unique()
        return float(first[buyers].between(a, b).mean())

    assert new_share("burst") > new_share("baseline") + 0.1
    t = o.groupby("user_id")["order_time"].min()
    later = o.merge(t.rename("t0"), left_on="user_id", right_index=True)
    within = later[
        (later["order_time"] > later["t0"])
        & (later["order_time"] <= later["t0"] + pd.Timedelta(days=30))
    ]
    seen = t[t <= pd.Timestamp("2025-10-31")]
    repeat = seen.index.isin(within["user_id"])
    campaign = (seen >= pd.Timestamp("2025-10-15")).to_numpy()
    organic = (seen >= pd.Timestamp("2025-01-01")).to_numpy() & ~campaign
    assert repeat[campaign].mean() < repeat[organic].mean() - 0.03
    assert std["truth"]["new_customer_repeat"] == {
        "campaign": {"p30": 0.12},
        "organic": {"p30": 0.2},
    }


def test_card_targets_budget_and_hypotheses(std: dict[str, Any]) -> None:
    card, o, spend = std["card"], std["orders"], std["spend"]
    a, b = window(card, "preheat")[0], window(card, "post")[1]
    gmv = daily_gmv(o)[a:b].sum()
    first = o.groupby("user_id")["date"].min()
    targets = card["strategy"]["targets"]
    assert 0.0 < 1 - gmv / targets["gmv"] < 0.15
    assert first.between(a, b).sum() > targets["new_customers"]
    campaign_spend = spend[spend["date"].between(a, b)]
    assert gmv / campaign_spend["spend"].sum() >= targets["roas"] * 0.95
    for channel, amount in card["strategy"]["budget"].items():
        actual = campaign_spend.loc[campaign_spend["channel"] == channel, "spend"].sum()
        assert amount == pytest.approx(actual, rel=0.01)
    assert [h["id"] for h in card["strategy"]["hypotheses"]] == ["H1", "H2", "H3"]
    assert card["tables"]["orders"] == "orders.parquet" and card["duplicate_lines"] == "keep"
    # generated data say so: the run is archived without --provenance, as synthetic
    assert card["provenance"] == "synthetic"


def test_the_control_line_is_untouched_by_the_campaign(std: dict[str, Any]) -> None:
    """洗护 is declared as the control and generated without any promotion: its daily GMV in the
    burst stays near its baseline level (the promoted lines jump several-fold), its realised GMV
    agrees with its expected series, and none of its buyers is new during the campaign."""
    o, truth, card = std["orders"], std["truth"], std["card"]
    name = truth["control"]["category"]
    assert card["controls"]["categories"] == [name]
    live = o[o["status"] != "cancelled"]
    ctl, promo = (
        daily_gmv(live[live["category"] == name]),
        daily_gmv(live[live["category"] != name]),
    )
    base, burst = window(card, "baseline"), window(card, "burst")
    assert 0.8 < ctl[burst[0] : burst[1]].mean() / ctl[base[0] : base[1]].mean() < 1.3
    assert promo[burst[0] : burst[1]].mean() / promo[base[0] : base[1]].mean() > 3
    expected = pd.Series(truth["control"]["expected_daily_gmv"])
    part = live[(live["category"] == name) & live["date"].between(base[0], "2025-11-30")]
    realised = part["paid_amount"].sum()
    sigma = (
        np.sqrt((part.groupby("order_id")["paid_amount"].sum() ** 2).sum()) / realised
    )  # compound Poisson
    assert abs(realised / expected.sum() - 1) < 3 * sigma
    first = o.groupby("user_id")["order_time"].min()
    buyers = o.loc[o["category"] == name, "user_id"].unique()
    assert (first[buyers] < pd.Timestamp(base[0])).all()


def test_last_years_double_11_is_in_the_history_when_planted(
    runs: dict[str, Path], std: dict[str, Any], tmp_path: Path
) -> None:
    """Levers.last_year_double11: the history's Double 11 2024 burst sells well above the first
    two weeks of October 2024 (the planted burst averages ~2.6× the orders), the trough after it
    below; the campaign's truth (expected against counterfactual, campaign days only) is the
    standard one; the standard demo has no such bump."""
    from fupan.demo.generator import Levers

    planted = load(
        generate_demo(
            tmp_path / "ly", seed=SEED, scale=SCALE, levers=Levers(last_year_double11=True)
        )
    )
    for data, bump in ((planted, True), (std, False)):
        gmv = daily_gmv(data["orders"])
        before = gmv["2024-10-01":"2024-10-14"].mean()
        burst = gmv["2024-11-01":"2024-11-11"].mean()
        trough = gmv["2024-11-16":"2024-11-22"].mean()
        if bump:
            assert burst > 1.8 * before and trough < before
        else:
            assert 0.8 * before < burst < 1.3 * before
    assert planted["truth"]["incremental_gmv"] == pytest.approx(std["truth"]["incremental_gmv"])

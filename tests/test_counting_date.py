"""The declared counting date (card ``gmv_date``) in the lift's daily history (issue 13).

On the demo (presale orders, ``gmv_date: balance_paid``): GMV by balance-paid date and by order
time both reconcile to the order lines (plain pandas), and the daily series the lift learns from
and measures is the balance-paid one. Without presale columns nothing changes.
"""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd
import pytest
import yaml

from fupan.extract.aggregates import extract, history_basis
from fupan.ingest.validate import open_campaign


@pytest.fixture(scope="module")
def lines(demo_dir) -> pd.DataFrame:
    o = pd.read_parquet(demo_dir / "orders.parquet")
    o = o[o["status"] != "cancelled"].copy()
    o["by_order"] = o["order_time"].dt.normalize()
    paid = (o["order_type"] == "presale") & o["balance_time"].notna()
    o["by_balance"] = o["balance_time"].dt.normalize().where(paid, o["by_order"])
    return o


def test_both_dates_reconcile_to_the_order_lines(demo_dir, lines) -> None:
    card = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))
    assert card["gmv_date"] == "balance_paid"
    total = lines["paid_amount"].sum()
    by_order = lines.groupby("by_order")["paid_amount"].sum()
    by_balance = lines.groupby("by_balance")["paid_amount"].sum()
    assert by_order.sum() == pytest.approx(total, abs=0.01)
    assert by_balance.sum() == pytest.approx(total, abs=0.01)
    # the two differ: presale GMV leaves the preheat days for the balance day
    moved = lines.loc[lines["by_balance"] != lines["by_order"], "paid_amount"].sum()
    assert moved > 0
    day = lines.loc[lines["by_balance"] != lines["by_order"], "by_balance"].unique()
    assert len(day) >= 1
    assert (by_balance[day] > by_order.reindex(day, fill_value=0)).all()


def test_the_lift_history_follows_the_declared_date(demo_dir, lines) -> None:
    from fupan.analysis.retrospective import build

    campaign = open_campaign(demo_dir)
    agg = extract(campaign)
    assert history_basis(campaign) == "balance_paid"
    hist = agg.history.set_index("date")["gmv"]
    expected = lines.groupby("by_balance")["paid_amount"].sum()
    expected.index.name = "date"
    pd.testing.assert_series_equal(
        hist.reindex(expected.index, fill_value=0.0), expected, check_names=False, atol=0.005
    )
    assert hist.sum() == pytest.approx(lines["paid_amount"].sum(), abs=0.01)
    # orders stay on the day of the order's first line (the deposit day): the volume model
    first = lines.sort_values("order_time").groupby("order_id").first()
    orders = first.groupby("by_order").size()
    assert (agg.history.set_index("date")["orders"].reindex(orders.index) == orders).all()
    # the lift measures that series
    lift = build(campaign, agg).lift
    actual = lift.cf.daily["actual"]
    days = actual.index
    assert actual.to_numpy() == pytest.approx(
        expected.reindex(days, fill_value=0).to_numpy(), abs=0.01
    )
    by_order = lines.groupby("by_order")["paid_amount"].sum().reindex(days, fill_value=0)
    assert (actual - by_order).abs().max() > 1000  # not the order-time series
    # truth.json: the planted presale GMV leaves the preheat for the balance day's phase (burst)
    truth = json.loads((demo_dir / "truth.json").read_text(encoding="utf-8"))["ops"]["presale"]
    moved = truth["balance_moved_gmv"]
    assert moved > 0
    w = campaign.card.windows
    for phase, sign in (("preheat", -1), ("burst", +1)):
        a, b = pd.Timestamp(getattr(w, phase).start), pd.Timestamp(getattr(w, phase).end)
        assert actual[a:b].sum() == pytest.approx(by_order[a:b].sum() + sign * moved, abs=0.05)
    assert (
        pd.Timestamp(truth["balance_day"])
        in actual[pd.Timestamp(w.burst.start) : pd.Timestamp(w.burst.end)].index
    )


def test_without_presale_columns_nothing_changes() -> None:
    none = SimpleNamespace(card=SimpleNamespace(gmv_date=None), measures=lambda t, c: False)
    assert history_basis(none) == "order_time"
    declared = SimpleNamespace(
        card=SimpleNamespace(gmv_date="balance_paid"), measures=lambda t, c: False
    )
    assert history_basis(declared) == "order_time"  # declared, but no balance_time to date by
    presale = SimpleNamespace(card=SimpleNamespace(gmv_date=None), measures=lambda t, c: True)
    assert history_basis(presale) == "balance_paid"  # unstated: as the platforms count
    chosen = SimpleNamespace(
        card=SimpleNamespace(gmv_date="order_time"), measures=lambda t, c: True
    )
    assert history_basis(chosen) == "order_time"
    assert history_basis(SimpleNamespace(card=None)) == "order_time"  # no measures(): old sources

"""Was the lift real — the report's wiring of lift, margin ROI and root cause, on generated
campaigns whose truth is known (truth.json) and against plain pandas on the raw files."""
from __future__ import annotations

import json

import pandas as pd
import pytest
import yaml

import fupan
from conftest import DEMO_SCALE
from fupan.demo import generate_demo


@pytest.fixture(scope="module")
def fault_retro(tmp_path_factory):
    folder = generate_demo(tmp_path_factory.mktemp("fault") / "c", scale=DEMO_SCALE, scenario="channel_fault")
    return fupan.load_retrospective(folder), json.loads((folder / "truth.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def standard_retro(demo_dir):
    return fupan.load_retrospective(demo_dir), json.loads((demo_dir / "truth.json").read_text(encoding="utf-8"))


def test_adtributor_names_the_faulty_channel_on_the_faulty_day(fault_retro):
    r, truth = fault_retro
    cause = r.anomaly_cause
    assert cause["date"] == truth["fault"]["date"]
    top = cause["candidates"].iloc[0]
    assert top.dimension == "channel" and tuple(top.elements) == (truth["fault"]["channel"],)
    assert top.change < 0


def test_total_incremental_gmv_is_within_10pct_of_truth_and_pull_forward_inside_its_interval(standard_retro):
    r, truth = standard_retro
    total = r.lift["table"].loc["total"]
    assert total.incremental == pytest.approx(truth["incremental_gmv"]["total"], rel=0.10)
    assert total.lower < truth["incremental_gmv"]["total"] < total.upper
    pf = r.lift["pull_forward"]
    assert pf["lower"] < truth["pull_forward_share"] < pf["upper"]


def test_no_lift_campaign_interval_contains_zero(tmp_path):
    folder = generate_demo(tmp_path / "nolift", scale=DEMO_SCALE, scenario="no_lift")
    total = fupan.load_retrospective(folder).lift["table"].loc["total"]
    assert total.lower < 0 < total.upper


def test_margin_igp_equals_plain_pandas_on_the_raw_files(standard_retro, demo_dir):
    r, _ = standard_retro
    o = pd.read_parquet(demo_dir / "orders.parquet")
    o = o.assign(day=o.groupby("order_id").order_time.transform("min").dt.normalize())
    o = o[o.status != "cancelled"]
    w = r.card.windows
    base = o[o.day.between(pd.Timestamp(w.baseline.start), pd.Timestamp(w.baseline.end))].groupby("sku")
    camp = o[o.day.between(pd.Timestamp(w.campaign.start), pd.Timestamp(w.campaign.end))].groupby("sku")
    b_units, c_units = base.quantity.sum(), camp.quantity.sum()
    p_reg = base.paid_amount.sum() / b_units
    p_promo = camp.paid_amount.sum() / c_units
    cost = (camp.apply(lambda g: (g.unit_cost * g.quantity).sum(), include_groups=False) / c_units)
    q_hat = b_units / w.baseline.days * w.campaign.days * r.lift["cf_factor"]
    rate = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))["costs"]["variable_cost_rate"]
    assert rate > 0  # the demo declares commission, payment and fulfilment costs
    v = rate * p_reg
    igp = (c_units * (p_promo - cost - v) - q_hat * (p_reg - cost - v)).sum()
    assert r.margin["igp"] == pytest.approx(igp, rel=1e-6)
    assert r.margin["roi_margin"] == pytest.approx(igp / r.kpis.at["campaign", "spend"], rel=1e-6)
    assert r.margin["roi_margin"] != pytest.approx(r.margin["roas"])  # ROI is never GMV/spend


def test_segment_effects_add_up_to_the_change_in_daily_gmv(standard_retro):
    r, _ = standard_retro
    change = r.kpis.at["campaign", "gmv_per_day"] - r.kpis.at["baseline", "gmv_per_day"]
    for dim, row in r.segments.iterrows():
        assert row[["traffic", "mix", "cr", "aov"]].sum() == pytest.approx(change, rel=1e-9), dim

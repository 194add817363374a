"""下次大促测算 (ops review G15): the planning sheet, by hand (fupan.metrics.planning's 口径).

Two paid channels (ROAS 3 above a break-even of 2, ROAS 1 below it) and natural traffic; every
expected figure below is the docstring's formula worked out by hand.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
import yaml

from fupan.analysis import ops
from fupan.analysis.results.ops import PlanResult
from fupan.format import Style
from fupan.metrics.planning import plan_table, plan_totals
from fupan.report.sections import ops as sections

CHANNELS = pd.DataFrame(
    {"gmv": [300.0, 100.0, 500.0], "spend": [100.0, 100.0, float("nan")]},
    index=pd.Index(["a", "b", "organic"], name="channel"),
)


def test_each_channel_at_its_return_and_the_gap_at_the_best_one_above_break_even() -> None:
    table = plan_table(CHANNELS, {"a": 200.0, "b": 50.0}, be_roas=2.0)
    assert table.loc["a", "next_gmv"] == 600.0 and table.loc["b", "next_gmv"] == 50.0
    assert table.loc["organic", "next_gmv"] == 500.0  # no spend: kept
    assert table.loc["a", "next_contribution"] == 600.0 / 2 - 200.0  # 100
    assert table.loc["b", "next_contribution"] == 50.0 / 2 - 50.0  # -25
    assert math.isnan(table.loc["organic", "next_contribution"])
    tot = plan_totals(table, 1500.0)
    assert tot["next_gmv"] == 1150.0 and tot["next_budget"] == 250.0 and tot["spend"] == 200.0
    assert tot["gap"] == 350.0 and tot["best_channel"] == "a"
    assert tot["extra_budget"] == pytest.approx(350.0 / 3)


def test_a_paid_channel_the_plan_does_not_name_keeps_its_spend() -> None:
    table = plan_table(CHANNELS, {"a": 200.0}, be_roas=2.0)
    assert table.loc["b", "next_budget"] == 100.0 and table.loc["b", "next_gmv"] == 100.0
    assert not table.loc["b", "planned"] and table.loc["a", "planned"]


def test_a_new_channel_has_no_return_to_go_on() -> None:
    table = plan_table(CHANNELS, {"a": 200.0, "new": 10.0}, be_roas=2.0)
    assert math.isnan(table.loc["new", "next_gmv"])
    tot = plan_totals(table, 1500.0)
    assert tot["next_gmv"] is None and tot["gap"] is None  # not 0, not a partial sum


def test_no_channel_above_break_even_means_no_budget_can_close_the_gap() -> None:
    table = plan_table(CHANNELS, {"a": 200.0, "b": 50.0}, be_roas=4.0)  # a: 3 < 4
    assert (table["next_contribution"].dropna() < 0).all()
    tot = plan_totals(table, 1500.0)
    assert tot["gap"] == 350.0 and tot["extra_budget"] is None and tot["best_channel"] is None
    html = str(sections.next_plan(PlanResult(table, tot, 4.0), Style(lang="zh")))
    assert "没有渠道的投产比高于保本线" in html


def test_when_no_roas_breaks_even_every_budget_is_a_loss() -> None:
    table = plan_table(CHANNELS, {"a": 200.0}, be_roas=math.inf)
    assert table.loc["a", "next_contribution"] == -200.0


def test_the_section_in_both_languages() -> None:
    table = plan_table(CHANNELS, {"a": 200.0, "b": 50.0}, be_roas=2.0)
    result = PlanResult(table, plan_totals(table, 1500.0), 2.0)
    for lang in ("zh", "en"):
        text = str(sections.next_plan(result, Style(lang=lang)))
        assert "nan" not in text.lower() and "None" not in text
    zh = str(sections.next_plan(result, Style(lang="zh")))
    assert "¥350" in zh and "¥117" in zh  # the gap, and the extra budget at a's ROAS 3: 116.67
    rec = result.record()
    assert rec["totals"]["gap"] == 350.0 and len(rec["channels"]) == 3


def test_without_a_next_campaign_block_it_is_skipped_with_its_reason() -> None:
    class Card:
        next_campaign = None

    with pytest.raises(ValueError, match="next_campaign"):
        ops.next_plan(Card(), CHANNELS, None)


def test_the_card_refuses_a_negative_budget(demo_dir, tmp_path) -> None:
    from conftest import copy_campaign
    from fupan.errors import ValidationError
    from fupan.ingest.validate import open_campaign

    folder = copy_campaign(demo_dir, tmp_path / "c")
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    card["next_campaign"]["budget"]["live"] = -1
    (folder / "campaign.yaml").write_text(yaml.safe_dump(card, allow_unicode=True), "utf-8")
    with pytest.raises(ValidationError, match="next_campaign.budget live"):
        open_campaign(folder)

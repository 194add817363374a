"""The card's plan: block (ingest/card/ops_plan.py): validated with bilingual card problems,
phases spread evenly over their days (hand numbers), and pacing from the block equal to pacing
from the same rows in targets.csv."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from fupan.analysis import ops
from fupan.ingest.card.parse import parse_card
from fupan.ingest.validate import open_campaign


def _card(demo_dir, plan, drop_targets: bool = True) -> str:
    card = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))
    if drop_targets:
        card["tables"].pop("targets", None)
    card["plan"] = plan
    return yaml.safe_dump(card, allow_unicode=True, sort_keys=False)


def test_phase_rows_spread_evenly_and_date_rows_kept(demo_dir) -> None:
    plan = [
        {
            "phase": "preheat",
            "channel": "live",
            "gmv": 170000,
            "visitors": 17000,
            "conversion": 0.03,
            "aov": 330,
            "spend": 3400,
        },
        {"date": "2025-11-11", "channel": "live", "gmv": 400000, "new_customers": 300},
    ]
    card, problems = parse_card(_card(demo_dir, plan))
    assert problems == [] and card is not None
    from fupan.ingest.card.ops_plan import plan_frame

    f = plan_frame(card.plan, card.windows)
    pre = f[f["date"] < pd.Timestamp("2025-11-01").date()]
    assert len(pre) == 17  # 2025-10-15 .. 10-31
    assert pre["gmv"].tolist() == pytest.approx([10000.0] * 17)  # 170000 / 17
    assert pre["visitors"].tolist() == pytest.approx([1000.0] * 17)
    assert pre["spend"].tolist() == pytest.approx([200.0] * 17)
    assert set(pre["conversion"]) == {0.03} and set(pre["aov"]) == {330.0}  # rates kept
    day = f[f["date"] == pd.Timestamp("2025-11-11").date()].iloc[0]
    assert (day["gmv"], day["new_customers"]) == (400000.0, 300.0)
    assert pd.isna(day["visitors"])


@pytest.mark.parametrize(
    ("row", "en", "zh"),
    [
        ({"date": "2025-11-11", "channel": "live", "gmv": -5}, "finite number ≥ 0", "不小于 0"),
        (
            {"date": "2025-11-11", "channel": "live", "gmv": 5, "conversion": 3},
            "between 0 and 1",
            "0 到 1",
        ),
        (
            {"date": "2025-11-11", "phase": "burst", "channel": "live", "gmv": 5},
            "exactly one",
            "之一",
        ),
        ({"channel": "live", "gmv": 5}, "exactly one", "之一"),
        ({"phase": "warmup", "channel": "live", "gmv": 5}, "unknown phase", "未知阶段"),
        ({"date": "2025-11-11", "channel": "live", "gmv": "many"}, "plan.0.gmv", "plan.0.gmv"),
    ],
)
def test_bad_plan_rows_are_bilingual_card_problems(demo_dir, row, en, zh) -> None:
    card, problems = parse_card(_card(demo_dir, [row]))
    assert problems, row
    p = problems[0]
    assert p.column and p.column.startswith("plan") or "plan." in p.en
    assert en in p.en and zh in p.zh, (p.en, p.zh)
    assert p.row is not None or "plan." in p.en  # the card line, where one applies


def test_phase_the_card_does_not_define_is_refused(demo_dir) -> None:
    card = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))
    card["windows"].pop("dip")
    card["plan"] = [{"phase": "dip", "channel": "live", "gmv": 5}]
    _, problems = parse_card(yaml.safe_dump(card, allow_unicode=True))
    assert any("plan.0.phase = dip" in p.en and "没有这个阶段" in p.zh for p in problems)


def test_pacing_from_the_card_block_equals_pacing_from_targets(demo_dir, tmp_path) -> None:
    from_table = ops.pacing(open_campaign(demo_dir))
    assert from_table.plan_source == "targets"
    folder = tmp_path / "campaign"
    shutil.copytree(demo_dir, folder)
    targets = pd.read_csv(folder / "targets.csv")
    (folder / "targets.csv").unlink()
    rows = [
        {k: (v if k == "channel" else (str(v) if k == "date" else float(v))) for k, v in r.items()}
        for r in targets.to_dict(orient="records")
    ]
    (folder / "campaign.yaml").write_text(_card(demo_dir, rows), encoding="utf-8")
    from_card = ops.pacing(open_campaign(folder))
    assert from_card.plan_source == "card_plan"
    pd.testing.assert_frame_equal(from_card.report, from_table.report, check_index_type=False)
    pd.testing.assert_frame_equal(from_card.channels, from_table.channels)
    assert from_card.unplanned == from_table.unplanned
    assert (from_card.factors is None) == (from_table.factors is None)
    if from_table.factors is not None:
        pd.testing.assert_frame_equal(from_card.factors, from_table.factors)


def test_no_plan_at_all_is_a_bilingual_skip(demo_dir, tmp_path) -> None:
    folder = tmp_path / "campaign"
    shutil.copytree(demo_dir, folder)
    (folder / "targets.csv").unlink()
    (folder / "campaign.yaml").write_text(_card(demo_dir, []), encoding="utf-8")
    with pytest.raises(ValueError) as e:
        ops.pacing(open_campaign(folder))
    assert "plan:" in str(e.value) and "本节未计算" in str(e.value)

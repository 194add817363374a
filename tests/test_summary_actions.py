"""The summary's 三个行动 and the problem table's actions: each problem gets the card's action,
else a suggestion for its kind, else says the action is to be decided — never an empty '—'
marked as a suggestion (a failed hypothesis on a metric without a hint of its own showed
'— （建议，卡片未写）')."""

from __future__ import annotations

from pathlib import Path

from conftest import write_campaign
from fupan.analysis.results import Finding
from fupan.format import Style
from fupan.ingest.card import load_card
from fupan.report.sections.summary import action_rows


def test_every_problem_has_an_action_or_says_it_is_to_be_decided(tmp_path: Path) -> None:
    card = load_card(write_campaign(tmp_path / "c"))
    assert list(card.retrospective.actions) == []  # nothing from the card: hints only
    findings = [
        # a failed hypothesis on 客单价指数, a metric without a hint of its own
        Finding(
            "miss", "假设 H2「满减拉高客单」不成立", "Hypothesis H2 fails", 0.5, "aov_index", 1
        ),
        # stock-outs have their own hint
        Finding("miss", "爆发期 3 个 SKU 断货", "3 SKUs out of stock", 0.5, "stockouts", 2),
        # a problem of a kind nobody wrote a hint for
        Finding("miss", "别的问题", "another problem", 0.5, "units_per_order", 2),
    ]
    zh = action_rows(card, findings, Style(lang="zh"))
    en = action_rows(card, findings, Style(lang="en"))
    hyp, stock, other = zh
    assert hyp["action"].startswith("查明假设为何未成立") and hyp["suggested"]
    assert hyp["cause"] == "待查：策略判断或执行" and hyp["check"] == "下次活动同一假设成立"
    assert stock["action"].startswith("主推品按大促预测备货") and stock["suggested"]
    assert other["action"] == "待定（卡片 retrospective.actions 未写）" and not other["suggested"]
    assert other["cause"] == "待查" and other["check"] == "待定"
    assert en[0]["action"].startswith("Find out why the hypothesis failed")
    assert en[2]["action"] == "to be decided (not in the card's retrospective.actions)"
    assert all(r["action"] != "—" for r in zh + en)

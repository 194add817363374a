"""复盘会纪要 (minutes.md): what the review meeting takes away, beside the report.

Checked on the demo's run against its own case record and card, read here as plain JSON and YAML:
every target with its achievement and verdict, the problems among the record's misses, every card
action with its owner and due date in the actions and on the checklist unless done, the lessons,
and nothing of it in the HTML.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import run_cli


@pytest.fixture(scope="module")
def demo(demo_run: Path) -> dict:
    record = json.loads((demo_run / "case.json").read_text(encoding="utf-8"))
    return {
        "minutes": (demo_run / "minutes.md").read_text(encoding="utf-8"),
        "record": record,
        "html": (demo_run / "report.html").read_text(encoding="utf-8"),
        "notebook": (demo_run / "report.ipynb").read_text(encoding="utf-8"),
    }


def _section(text: str, heading: str) -> str:
    """The lines under ``## heading`` up to the next ``## ``."""
    part = text.split(f"\n## {heading}\n", 1)[1]
    return part.split("\n## ", 1)[0]


def test_minutes_open_with_the_case_and_its_targets(demo):
    text, record = demo["minutes"], demo["record"]
    assert text.startswith(f"# 复盘会纪要：{record['name']}\n")
    camp = record["kpis"]["campaign"]
    assert f"活动期 {camp['start']} ~ {camp['end']}" in text
    conclusions = _section(text, "结论")
    verdict = {"met": "达成", "missed": "未达成", "not_assessed": "无法评估"}
    for row in record["targets"]:
        achievement = f"{row['achievement'] * 100:.1f}%"
        line = next(x for x in conclusions.splitlines() if f"（{achievement}，" in x)
        assert line.endswith(f"，{verdict[row['status']]}）"), line
    assert "赚没赚钱：" in conclusions


def test_the_problems_are_the_records_misses(demo):
    text, record = demo["minutes"], demo["record"]
    problems = re.findall(r"^\d+\. (.+)$", _section(text, "主要问题"), flags=re.M)
    misses = {f["zh"] for f in record["findings"] if f["kind"] == "miss"}
    assert 1 <= len(problems) <= 5
    for p in problems:  # the finding's text; the markup characters escaped
        assert p.replace("\\", "") in {m.replace("\\", "") for m in misses}, p


def test_every_card_action_is_listed_with_its_owner_and_on_the_checklist(demo, demo_dir):
    text = demo["minutes"]
    card = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))
    actions = card["retrospective"]["actions"]
    assert actions, "the demo card has actions"
    table = _section(text, "行动项")
    checklist = _section(text, "下次大促清单")
    for a in actions:
        row = next(x for x in table.splitlines() if f"| {a['what']} |" in x)
        assert f"| {a['owner']} | {a['due']} |" in row
        box = [x for x in checklist.splitlines() if x.startswith(f"- [ ] {a['what']} — ")]
        assert len(box) == (0 if a.get("status") == "done" else 1)
        if box:
            assert f"{a['owner']}，{a['due']}" in box[0]
    # a problem without a card action gets a suggestion, marked as such, still to be assigned
    suggested = [x for x in checklist.splitlines() if "（建议，卡片未写）" in x]
    assert all("待指定" in x for x in suggested)
    # what the meeting settles goes into the card: the next report reads the record, not this
    note = [x for x in table.splitlines() if x.startswith("> ")]
    assert len(note) == 1 and "campaign.yaml 的 retrospective.actions" in note[0]


def test_the_lessons_are_the_cards(demo, demo_dir):
    text = demo["minutes"]
    card = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))
    lessons = _section(text, "团队经验")
    for item in card["retrospective"]["went_well"] + card["retrospective"]["to_improve"]:
        assert f"- {item}" in lessons
    assert lessons.index("**做得好的**") < lessons.index("**待改进**")


def test_the_minutes_stay_out_of_the_html(demo):
    assert "复盘会纪要" not in demo["html"]
    assert "复盘会纪要" in demo["notebook"]  # the executed notebook keeps what it displayed


def test_an_english_run_writes_english_minutes(demo_dir, tmp_path):
    proc = run_cli("run", str(demo_dir), "--out", str(tmp_path), "--lang", "en", "--quiet")
    assert proc.returncode == 0, proc.stderr[-2000:]
    (case,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    text = (case / "minutes.md").read_text(encoding="utf-8")
    assert text.startswith("# Review meeting minutes: ")
    for heading in ("Conclusions", "Problems", "Actions", "The team's lessons"):
        assert f"\n## {heading}\n" in text
    assert "\n## Checklist for the next campaign\n" in text
    from fupan.i18n.catalogue.minutes import ENTRIES

    chinese = [zh.split("{")[0] for zh, _ in ENTRIES.values()] + ["做得好的", "待改进", "待指定"]
    assert not [w for w in chinese if w and w in text]  # the card's own words may be Chinese


def test_md_escapes_markup_and_html():
    from fupan.report.sections.minutes import md

    assert md("a|b") == "a\\|b"
    assert md("<img src=x>") == "&lt;img src=x&gt;"
    assert md("[x](javascript:y)") == "\\[x\\](javascript:y)"
    assert md("two\nlines  here") == "two lines here"
    assert md("R&D *bold* _it_ `code` # h") == "R&D \\*bold\\* \\_it\\_ \\`code\\` \\# h"
    assert md("&lt;script&gt; &#60;") == "&amp;lt;script&amp;gt; &amp;\\#60;"  # not unescaped


def test_the_previous_cases_actions_are_listed_and_open_ones_checked_once(demo_dir):
    """By hand: three actions of the previous case — one closed, one still open under the same
    words as an action of this card (the team took it up again: one checklist line), one still
    open and new to this card (a carried-over line)."""
    import yaml as _yaml

    from fupan.analysis.retrospective import build
    from fupan.cases.carried import Carried, CarriedAction
    from fupan.extract import extract
    from fupan.format import Style
    from fupan.ingest.validate import open_campaign
    from fupan.report.sections.minutes import minutes

    campaign = open_campaign(demo_dir)
    r = build(campaign, extract(campaign))
    mine = _yaml.safe_load((demo_dir / "campaign.yaml").read_text("utf-8"))["retrospective"]
    again = mine["actions"][0]["what"]
    past = Carried(
        previous_id="shop-618",
        previous_name="店铺 618",
        previous_burst_end="2025-06-18",
        matched_by="shop",
        report=None,
        actions=(
            CarriedAction("a1", "零点压测", "技术负责人", None, None, None, True),
            CarriedAction("a2", again, "供应链负责人", None, None, None, False),
            CarriedAction("a3", "达人排期表", "直播负责人", None, None, None, False),
        ),
        unknown_closes=(),
    )
    text = minutes(r, Style(lang="zh"), past)
    carried = text.split("\n## 上次遗留行动（店铺 618）\n", 1)[1].split("\n## ", 1)[0]
    assert "- [x] 零点压测（技术负责人）" in carried
    assert (
        f"- [ ] {again}（供应链负责人）" in carried and "- [ ] 达人排期表（直播负责人）" in carried
    )
    checklist = text.split("\n## 下次大促清单\n", 1)[1]
    assert sum(line.startswith(f"- [ ] {again} — ") for line in checklist.splitlines()) == 1
    assert not [x for x in checklist.splitlines() if "（上次遗留）" in x and again in x]
    assert "- [ ] （上次遗留）达人排期表" in checklist
    assert "零点压测" not in checklist

"""分岗位复盘 (report.sections.roles): the routing rules by hand, every role and figure defined in
both languages, and the demo report's boxes against its own case.json read here."""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path
from types import SimpleNamespace

import pytest

from fupan.cases.kpis import METRIC_BY_KEY
from fupan.dictionary import KPI_DEFINITIONS, ROLE_ALIASES, ROLE_LABELS
from fupan.i18n import CATALOGUE
from fupan.report.sections.roles import (
    EXTRA_FIGURES,
    ROLES,
    action_role,
    finding_role,
)


@pytest.mark.parametrize(
    ("metric", "role"),
    [
        ("stockouts", "products"),
        ("repeat_rate", "crm"),
        ("break_even", "ads"),
        ("roi_margin", "ads"),
        ("live_new_customer_share", "live"),
        ("funnel", "conversion"),
        ("ab", "conversion"),
        ("gmv", "lead"),
        ("day_anomaly", "lead"),
        ("a_metric_no_role_lists", "lead"),  # nobody's: the lead's
    ],
)
def test_a_finding_goes_to_the_role_of_its_metric(metric: str, role: str) -> None:
    assert finding_role(metric) == role


@pytest.mark.parametrize(
    ("finding", "owner", "role"),
    [
        ("stockouts", "用户运营负责人", "products"),  # the named finding wins over the owner
        (None, "供应链负责人", "products"),
        (None, "用户运营负责人", "crm"),  # not the lead's 运营负责人: the lead is tried last
        (None, "店长", "lead"),
        (None, "直播运营", "live"),
        (None, "Paid media manager", "ads"),  # English titles, any case
        (None, "张三", "lead"),  # a name only: the lead's
        (None, None, "lead"),
        ("no_such_metric", "客服主管", "service"),  # an unknown finding: by the owner
    ],
)
def test_an_action_goes_to_its_findings_role_else_its_owners(finding, owner, role) -> None:
    assert action_role(SimpleNamespace(finding=finding, owner=owner)) == role


def test_every_role_and_figure_is_named_in_both_languages() -> None:
    assert [r.key for r in ROLES] == list(ROLE_LABELS) and ROLES[0].key == "lead"
    for role in ROLES:
        zh, en = ROLE_LABELS[role.key]
        assert zh and en and zh != en
        if role.gap:
            assert all(CATALOGUE[f"role_gap_{role.key}"])
        for key in role.figures:
            assert key in METRIC_BY_KEY or key in EXTRA_FIGURES or key in KPI_DEFINITIONS, key
    for _, _, label in EXTRA_FIGURES.values():
        assert all(CATALOGUE[label])
    # a finding metric routes to one role only
    listed = [m for r in ROLES for m in r.findings]
    assert len(listed) == len(set(listed))


def _boxes(html: str) -> dict[str, str]:
    """The role boxes of a report: role key (its class ``fp-role-<key>``) → its text."""
    part = html.split('class="fp-summary fp-roles"', 1)[1]
    found = re.findall(
        r'class="fp-sum-box fp-role fp-role-(\w+)"><h4>(.*?)</div>\s*(?=<div class="fp-sum-box|</div>)',
        part,
        flags=re.S,
    )
    return {key: unescape(re.sub(r"<[^>]+>", " ", body)) for key, body in found}


def test_demo_report_boxes_against_its_case_record(demo_run: Path) -> None:
    """The demo's findings and card actions land in their roles' boxes, and each box's figures
    are the record's own numbers, formatted here by hand."""
    html = (demo_run / "report.html").read_text(encoding="utf-8")
    rec = json.loads((demo_run / "case.json").read_text(encoding="utf-8"))
    assert "分岗位复盘" in html
    boxes = _boxes(html)
    assert "lead" in boxes and set(boxes) <= {r.key for r in ROLES}
    by_metric: dict[str, list[str]] = {}
    for f in rec["findings"]:
        if f["kind"] in ("win", "miss"):
            by_metric.setdefault(f["metric"], []).append(f["zh"])
    assert by_metric.get("stockouts") and by_metric.get("repeat_rate")  # the demo's planted misses
    expected_box = {"stockouts": "products", "repeat_rate": "crm", "break_even": "ads"}
    for metric, key in expected_box.items():
        for text in by_metric.get(metric, []):
            assert " ".join(text.split()) in " ".join(boxes[key].split()), (metric, key)
    # every finding is in exactly one box
    for texts in by_metric.values():
        for text in texts:
            flat = " ".join(text.split())
            assert sum(flat in " ".join(b.split()) for b in boxes.values()) == 1, text
    # the card's actions: by the finding they name
    for action in rec["card"]["retrospective"]["actions"]:
        key = {"stockouts": "products", "repeat_rate": "crm"}.get(action.get("finding"))
        if key:
            assert action["what"] in boxes[key]
    # figures: refund rate and ROAS from the record's campaign KPIs, by hand
    camp = rec["kpis"]["campaign"]
    assert f"{camp['refund_rate'] * 100:.1f}%" in boxes["service"]
    assert f"{camp['roas']:.2f}" in boxes["ads"]
    # service: the demo gives ship times and the service day report — their campaign figures
    # from the record, and no "the exports lack it" sentence
    service = rec["analyses"]["service"]
    assert f"{service['shipping']['campaign']['ship_48'] * 100:.1f}%" in boxes["service"]
    assert f"{service['service']['campaign']['inquiry_cr'] * 100:.1f}%" in boxes["service"]
    assert "service_daily" not in boxes["service"]


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("live", "live"),
        ("直播", "live"),
        ("Ads", "ads"),
        ("客服", "service"),
        ("供应链", "products"),
    ],
)
def test_a_card_names_a_role_by_key_name_or_alias(name: str, key: str) -> None:
    from fupan.ingest.card.blocks import role_key

    assert role_key(name) == key
    assert all(k in ROLE_LABELS for k in ROLE_ALIASES.values())


def test_a_cards_own_review_by_role_shows_in_its_box_and_a_bad_role_is_named(
    tmp_path: Path,
) -> None:
    """The team's own notes (retrospective.by_role, roles named in Chinese) land in their roles'
    boxes, in both languages; a role fupan does not know is a validation error naming it."""
    import copy

    from conftest import TINY_CARD, run_cli, write_campaign

    card = copy.deepcopy(TINY_CARD)
    card["retrospective"] = {
        "by_role": {
            "直播": {"went_well": ["主播话术改版后停留时长变长"], "to_improve": ["开播前没有彩排"]},
            "客服": {"to_improve": ["大促当晚客服排班不足"]},
        }
    }
    folder = write_campaign(tmp_path / "c", card=card)
    for lang in ("zh", "en"):
        proc = run_cli("run", str(folder), "--out", str(tmp_path / lang), "--lang", lang, "--quiet")
        assert proc.returncode == 0, proc.stderr[-2000:]
        (report,) = (tmp_path / lang).glob("*/report.html")
        boxes = _boxes(report.read_text(encoding="utf-8"))
        assert "主播话术改版后停留时长变长" in boxes["live"] and "开播前没有彩排" in boxes["live"]
        assert "大促当晚客服排班不足" in boxes["service"]
        assert "开播前没有彩排" not in boxes["lead"]
        assert ("本岗位自评" if lang == "zh" else "The role's own review") in boxes["live"]
        # a self-noted shortfall without an action of the role: the box asks for one
        ask = "还没有本岗位的行动项" if lang == "zh" else "no action for this role yet"
        assert ask in boxes["service"]
    card["retrospective"]["by_role"]["美工部"] = {"to_improve": ["x"]}
    bad = write_campaign(tmp_path / "bad", card=card)
    proc = run_cli("validate", str(bad))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "美工部" in proc.stderr and "未知岗位" in proc.stderr and "unknown role" in proc.stderr

"""Style instead of globals: two retrospectives built in one process each format as if built alone.

One is share-safe, in English, in pounds; the other is not, in Chinese, in yuan. Both are built
first, then every section, finding and chart of each is rendered — interleaved — and compared with
the same retrospective built and rendered alone in a fresh Python process. Hand-known figures of
the tiny campaign (conftest): campaign GMV 440; baseline GMV 170 over 4 days, so the share-safe
index of 440 is 440 / 42.5 × 100 = 1,035.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib.text import Text

import fupan
from conftest import ROOT, TINY_CARD, write_campaign
from fupan.report import charts, render
from test_determinism import visible_text

#: an amount shown as an index in Chinese (指数1,035), not the KPI names 转化率指数 / GMV指数
INDEXED_ZH = re.compile(r"指数-?\d")


def snapshot(r) -> dict[str, str]:
    """What a reader sees of ``r``: the text of its sections, its findings and its chart labels."""
    s = r.style
    out = {
        "cards": render.kpi_cards(r.kpis, r.targets, s),
        "windows": render.window_table(r.kpis, render.WINDOW_KPIS, s),
        "strategy": render.strategy(r.card, s),
        "background": render.background(r.card, s),
        "lift": render.lift(r.lift, s),
        "margin": render.margin_roi(r.margin, s),
        "anomalies": render.day_anomalies(r.day_anomalies, s),
        "findings": render.findings(r.findings, s),
        "notice": render.share_safe_notice(s),
    }
    texts = {k: visible_text(str(v)) for k, v in out.items()}
    fig = charts.daily_gmv(r.agg.daily, r.windows, s)
    fig.canvas.draw()
    texts["chart"] = " ".join(
        t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()
    )
    plt.close(fig)
    texts["findings_both"] = json.dumps([(f.zh, f.en) for f in r.findings], ensure_ascii=False)
    return texts


ALONE = """
import json, sys
sys.path[:0] = [{tests!r}]
import fupan
from test_style import snapshot
r = fupan.load_retrospective({folder!r}, lang={lang!r}, share_safe={share_safe!r})
print(json.dumps(snapshot(r), ensure_ascii=False))
"""


def alone(folder: Path, lang: str, share_safe: bool) -> dict[str, str]:
    code = ALONE.format(
        tests=str(ROOT / "tests"), folder=str(folder), lang=lang, share_safe=share_safe
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    gbp = write_campaign(
        tmp_path_factory.mktemp("gbp") / "c", card={**TINY_CARD, "currency": "GBP"}
    )
    cny = write_campaign(tmp_path_factory.mktemp("cny") / "c")
    a = fupan.load_retrospective(gbp, lang="en", share_safe=True)  # built first …
    b = fupan.load_retrospective(
        cny, lang="zh"
    )  # … then the other, which a global would leak into a
    seen_b = snapshot(b)
    seen_a = snapshot(a)  # rendered after b was built and rendered
    return {"a": (a, seen_a, gbp), "b": (b, seen_b, cny)}


def test_each_formats_as_if_built_alone(pair):
    a, seen_a, gbp = pair["a"]
    b, seen_b, cny = pair["b"]
    assert seen_a == alone(gbp, "en", True)
    assert seen_b == alone(cny, "zh", False)


def test_the_share_safe_one_shows_an_index_in_english(pair):
    a, seen, _ = pair["a"]
    assert a.style.money_index == pytest.approx(170 / 4)
    assert "idx 1,035" in seen["cards"]  # campaign GMV 440 / 42.5 × 100
    assert "Share-safe version" in seen["notice"]
    everything = " ".join(
        v for k, v in seen.items() if k != "findings_both"
    )  # both languages there
    assert "£" not in everything and "¥" not in everything and not INDEXED_ZH.search(everything)
    assert "idx" in seen["chart"] and "index, baseline daily GMV = 100" in seen["chart"]


def test_the_other_shows_yuan_in_chinese(pair):
    b, seen, _ = pair["b"]
    assert b.style.money_index is None and b.style.currency == "CNY"
    assert "¥440.00" in seen["cards"]
    assert seen["notice"] == ""
    everything = " ".join(seen.values())
    assert "idx" not in everything and not INDEXED_ZH.search(everything) and "£" not in everything
    assert "GMV（元）" in seen["chart"]


def test_findings_carry_both_languages_in_their_own_style(pair):
    a, b = pair["a"][0], pair["b"][0]
    gap_a = next(
        f for f in a.findings if f.metric == "gmv" and f.kind == "miss" and "target" in f.en
    )
    gap_b = next(f for f in b.findings if f.metric == "gmv" and f.kind == "miss" and "目标" in f.zh)
    # target 500 missed with 440: 88.0 %; indexed, 500 / 42.5 × 100 = 1,176
    assert (
        gap_a.en
        == "GMV (paid, refunds included) target missed: idx 1,035 against idx 1,176 (88.0%)."
    )
    assert (
        gap_a.zh == "支付金额（含退款）目标未达成：实际 指数1,035，目标 指数1,176，达成率 88.0%。"
    )
    assert gap_b.zh == "支付金额（含退款）目标未达成：实际 ¥440.00，目标 ¥500.00，达成率 88.0%。"
    assert (
        gap_b.en == "GMV (paid, refunds included) target missed: ¥440.00 against ¥500.00 (88.0%)."
    )

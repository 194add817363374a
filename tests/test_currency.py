"""Money is shown in the card's currency everywhere: report text, KPI cards, findings, chart axes.

A GBP and a USD copy of the tiny hand-built campaign run through the real CLI in zh and en; the
rendered text must show £ / $ wherever money appears and never ¥. The amounts themselves are the
tiny campaign's hand-computed figures (conftest: campaign GMV 440 = 200 + 40 + 120 + 80).
"""

from __future__ import annotations

import json
import re

import matplotlib.pyplot as plt
import pytest

import fupan
from conftest import TINY_CARD, run_cli, write_campaign
from fupan import format as fmt
from fupan.report import charts
from test_determinism import visible_text

pytestmark = pytest.mark.slow(seconds=70)
SYMBOL = {"GBP": "£", "USD": "$"}


@pytest.fixture(scope="module", params=["GBP", "USD"])
def runs(request, tmp_path_factory) -> dict:
    code = request.param
    folder = write_campaign(
        tmp_path_factory.mktemp(code.lower()) / "c", card={**TINY_CARD, "currency": code}
    )
    out = {}
    for lang in ("zh", "en"):
        dest = tmp_path_factory.mktemp(f"{code}-{lang}")
        # --no-library: the benchmark part quotes archived cases in their own currency (¥ for the
        # seed shops), which is right there; this test is about the campaign's own money
        proc = run_cli(
            "run", str(folder), "--out", str(dest), "--lang", lang, "--quiet", "--no-library"
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        case = dest / TINY_CARD["id"]
        out[lang] = {
            "text": visible_text((case / "report.html").read_text(encoding="utf-8")),
            "case": json.loads((case / "case.json").read_text(encoding="utf-8")),
        }
    return {"code": code, "symbol": SYMBOL[code], "folder": folder, **out}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_yuan_sign_anywhere(runs, lang):
    text = runs[lang]["text"]
    assert "¥" not in text and "￥" not in text
    # a yuan unit label — （元）, （万元） — but not 万美元 / 港元 / 欧元, the other currencies' units
    assert not re.search(r"(?<![美港欧日])元）", text) and "(CNY)" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_money_carries_the_cards_symbol(runs, lang):
    text, sym = runs[lang]["text"], runs["symbol"]
    # the campaign window's GMV, 440 by hand, as the KPI cards and window table show it
    assert f"{sym}440.00" in text or f"{sym}440.0" in text
    # the currency is named in the card's meta line, in the report's language
    name = {"GBP": ("英镑", "GBP"), "USD": ("美元", "USD")}[runs["code"]][0 if lang == "zh" else 1]
    assert name in text


def test_findings_use_the_symbol(runs):
    sym = runs["symbol"]
    for lang in ("zh", "en"):
        money_findings = [f[lang] for f in runs["zh"]["case"]["findings"] if "440" in f[lang]]
        assert money_findings, runs["zh"]["case"]["findings"]
        assert all(sym in s and "¥" not in s for s in money_findings)


def test_chart_axes_use_the_currency(runs):
    code, sym = runs["code"], runs["symbol"]
    r = fupan.load_retrospective(runs["folder"], lang="en")
    # the report's language, amounts shown as money (not an index) and the card's currency
    assert (r.style.lang, r.style.money_index, r.style.currency) == ("en", None, code)
    for lang, name in (("zh", fmt.currency_name("zh", code)), ("en", code)):
        fig = charts.daily_gmv(r.agg.daily, r.windows, r.style.in_lang(lang))
        ax = fig.axes[0]
        assert name in ax.get_ylabel()
        fig.canvas.draw()
        ticks = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
        assert ticks and all(sym in t for t in ticks), ticks
        plt.close(fig)


def test_cny_card_is_unchanged(tiny, tmp_path):
    proc = run_cli("run", str(tiny), "--out", str(tmp_path), "--quiet", "--no-library")
    assert proc.returncode == 0, proc.stderr[-2000:]
    text = visible_text((tmp_path / TINY_CARD["id"] / "report.html").read_text(encoding="utf-8"))
    assert "¥440" in text and "£" not in text

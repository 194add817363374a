"""分小时峰值: the busiest hour of the campaign's two highest-GMV days, by hand on the tiny campaign.

The tiny campaign (conftest) sells ¥360 on 01-05 (o5 ¥240 at 00:05, o6 ¥120 at 20:00) and ¥80 on
01-06 (o7 at 20:30). One baseline order is added here: ¥40 at 20:00 on 01-02, so the baseline's
average GMV at 20:00 is 40 / 4 days = ¥10 and nothing was sold at midnight.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

import fupan
from conftest import TINY_ORDERS, write_campaign
from fupan.cases import build_record
from fupan.format import Style
from fupan.report import render
from test_determinism import visible_text

EXTRA = ("o10", "g", "2025-01-02 20:00:00", 40.0, "live", "paid", 0.0)


@pytest.fixture(scope="module")
def retro(tmp_path_factory):
    return fupan.load_retrospective(
        write_campaign(tmp_path_factory.mktemp("peaks") / "c", orders=[*TINY_ORDERS, EXTRA])
    )


def test_peak_hour_of_each_peak_day_by_hand(retro):
    t = retro.peak_hours.table
    assert list(t.date) == [pd.Timestamp("2025-01-05"), pd.Timestamp("2025-01-06")]
    assert list(t.hour) == [0, 20]
    assert list(t.gmv) == [240.0, 80.0]
    assert t.share.tolist() == pytest.approx([240 / 360, 1.0])
    assert math.isnan(
        t.vs_baseline.iloc[0]
    )  # the baseline never sold at midnight: not measured, not 0
    assert t.vs_baseline.iloc[1] == pytest.approx(80 / 10)


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("zh", ("峰值时段", "01-06 20:00 ¥80.0 100.0% 8.00×", "01-05 00:00 ¥240 66.7% —")),
        ("en", ("Peak hour", "01-06 20:00 ¥80.0 100.0% 8.00×", "01-05 00:00 ¥240 66.7% —")),
    ],
)
def test_the_fragment_shows_them_in_the_reports_language(retro, lang, words):
    text = visible_text(str(render.fragment("peak_hours", Style(lang), result=retro.peak_hours)))
    assert all(w in text for w in words), text


def test_share_safe_shows_the_hour_as_an_index(retro):
    # baseline GMV 100 + 50 + 40 + 20 = 210 over 4 days = 52.5 a day: 80 → 152
    style = Style("en", money_index=52.5)
    text = visible_text(str(render.fragment("peak_hours", style, result=retro.peak_hours)))
    assert "idx 152" in text and "¥" not in text


def test_not_in_the_case_record(retro):
    assert "peak_hours" not in build_record(retro, {}, "")["analyses"]


def test_hourly_chart_marks_the_days_the_table_lists(retro):
    """One choice of peak days: the chart's days (fupan.peak_days) are the table's, by hand."""
    assert fupan.peak_days(retro) == [pd.Timestamp("2025-01-05"), pd.Timestamp("2025-01-06")]

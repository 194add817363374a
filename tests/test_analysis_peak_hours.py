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
        ("zh", ("峰值时段", "01-06 20:00 ¥80 100.0% 8.00×", "01-05 00:00 ¥240 66.7% —")),
        ("en", ("Peak hour", "01-06 20:00 ¥80 100.0% 8.00×", "01-05 00:00 ¥240 66.7% —")),
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


@pytest.fixture(scope="module")
def dates_only(tmp_path_factory):
    """The same orders exported with dates only: every order time at 00:00:00."""
    orders = [(o[0], o[1], o[2][:10], *o[3:]) for o in [*TINY_ORDERS, EXTRA]]
    return fupan.load_retrospective(
        write_campaign(tmp_path_factory.mktemp("dates") / "c", orders=orders)
    )


def test_dates_only_leave_the_peak_hour_unmeasured_not_at_midnight(retro, dates_only):
    """An export of dates only put every order at 00:00, which read as a 100 % midnight peak;
    the hour is now not measured, with the reason, and the day's money is unchanged."""
    from fupan.analysis.results import Skip

    assert isinstance(dates_only.peak_hours, Skip)
    assert "dates only" in dates_only.peak_hours.text("en")
    assert fupan.peak_days(dates_only) == []
    assert dates_only.agg.daily.gmv.sum() == pytest.approx(retro.agg.daily.gmv.sum())
    for lang, words in (("en", "dates only"), ("zh", "只有日期")):
        shown = render.peak_hours(
            dates_only.agg.hourly, dates_only.peak_hours, dates_only.card.windows, Style(lang)
        )
        assert len(shown) == 1  # the note alone: no chart of every order at midnight
        text = visible_text(str(shown[0]))
        assert words in text and "00:00 " not in text, text
    assert "peak_hours" not in build_record(dates_only, {}, "")["analyses"]


def test_orders_with_times_show_the_chart_and_the_table(retro):
    from matplotlib.figure import Figure

    chart, table = render.peak_hours(
        retro.agg.hourly, retro.peak_hours, retro.card.windows, Style("en")
    )
    assert isinstance(chart, Figure)
    assert "01-06 20:00" in visible_text(str(table))

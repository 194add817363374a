"""Report fragments are Jinja2 templates with autoescape: text is escaped unless it is Markup, and
the environment (package loader, ``t``, money/pct filters reading a Style) can be reused by
another page with its own templates."""

from __future__ import annotations

import jinja2
from markupsafe import Markup

from fupan.format import Style
from fupan.report.html import Html, bold, environment, fragment, note


def test_autoescape_is_on_and_markup_is_explicit():
    env = environment()
    page = env.from_string("{{ x }}|{{ y }}").render(
        x="<script>alert(1)</script>", y=Markup("<b>ok</b>"), style=Style()
    )
    assert page == "&lt;script&gt;alert(1)&lt;/script&gt;|<b>ok</b>"
    assert (
        str(note("<img src=x onerror=1>"))
        == '<div class="fp-skip">&lt;img src=x onerror=1&gt;</div>'
    )
    assert str(bold("<i>")) == "<b>&lt;i&gt;</b>"
    assert (
        env.from_string("{{ h }}").render(h=Html("<p>trusted</p>"), style=Style())
        == "<p>trusted</p>"
    )


def test_another_package_can_render_with_the_same_filters_and_catalogue():
    extra = jinja2.DictLoader(
        {"site_card.html.j2": "{{ t('total') }}: {{ amount|money }} ({{ share|pct }})"}
    )
    env = environment(extra)
    template = env.get_template("site_card.html.j2")
    # 12,345 yuan: ¥1.2万 in Chinese, ¥12.3K in English; £ for a GBP style; index when share-safe
    assert template.render(style=Style("zh"), amount=12_345, share=0.25) == "合计: ¥1.2万 (25.0%)"
    assert (
        template.render(style=Style("en", currency="GBP"), amount=12_345, share=0.25)
        == "Total: £12.3K (25.0%)"
    )
    assert (
        template.render(style=Style("en", money_index=12_345.0), amount=12_345, share=0.25)
        == "Total: idx 100 (25.0%)"
    )
    assert environment(extra) is env  # one environment per set of loaders, reused


def test_fupan_fragments_are_found_by_the_package_loader():
    html = str(fragment("share_safe_notice", Style("en", money_index=1.0)))
    assert html.startswith("<div class='fp-warn'><b>Share-safe version") and html.endswith(
        "</b></div>"
    )
    assert str(fragment("share_safe_notice", Style("zh"))) == ""


def test_the_windows_table_names_its_columns_and_counts_each_windows_days(tmp_path):
    """背景: each window with its first and last day and its length in days, both days counted
    (the tiny card: baseline 01-01…01-04 is 4 days, burst 01-05…01-06 and dip 01-07…01-08 2)."""
    import re

    from conftest import write_campaign
    from fupan.ingest.card import load_card
    from fupan.report import render

    card = load_card(write_campaign(tmp_path / "c"))
    for lang, header in (
        ("zh", ["窗口", "开始", "结束", "天数"]),
        ("en", ["Window", "From", "To", "Days"]),
    ):
        page = str(render.background(card, Style(lang)))
        table = next(
            t for t in re.findall(r"<table.*?</table>", page, re.S) if "<th>" + header[0] in t
        )
        assert re.findall(r"<th>(.*?)</th>", table) == header
        rows = [re.findall(r"<td>(.*?)</td>", r) for r in re.findall(r"<tr>(.*?)</tr>", table)[1:]]
        assert [r[1:] for r in rows] == [
            ["2025-01-01", "2025-01-04", "4"],
            ["2025-01-05", "2025-01-06", "2"],
            ["2025-01-07", "2025-01-08", "2"],
        ]


def test_warming_the_export_changes_nothing_it_writes(tmp_path):
    """``fupan run`` warms the HTML export in a thread while its kernel works: the page written
    after the warm-up is the page a process writes without one, byte for byte."""
    import subprocess
    import sys

    import nbformat

    from fupan.report.run import export_html, warm_export

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 结果 Results\n\n支付金额 ¥1,573万"),
        nbformat.v4.new_code_cell(
            "x = 1",
            outputs=[nbformat.v4.new_output("display_data", data={"text/html": "<b>达成</b>"})],
        ),
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(nb, path)
    warm_export()
    warmed = export_html(nbformat.read(path, as_version=4), "复盘", "zh", "页脚")
    code = (
        "import sys, nbformat; from fupan.report.run import export_html; "
        "sys.stdout.write(export_html(nbformat.read(sys.argv[1], as_version=4), '复盘', 'zh', '页脚'))"
    )
    cold = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "结果 Results" in warmed and "<b>达成</b>" in warmed
    assert warmed == cold


def test_targets_table_without_targets_is_nothing_not_a_header_row():
    """A card without targets: the 目标达成 section showed a table of headers only (the card
    section above already says the card sets none)."""
    import pandas as pd

    from fupan.format import Style
    from fupan.report import render

    empty = pd.DataFrame(columns=["kpi", "target", "actual", "achievement", "status"])
    assert str(render.targets_table(empty, Style("zh"))) == ""
    one = pd.DataFrame(
        [{"kpi": "gmv", "target": 100.0, "actual": 93.0, "achievement": 0.93, "status": "missed"}]
    )
    shown = str(render.targets_table(one, Style("zh")))
    assert "<table" in shown and "93.0%" in shown


def test_the_audiences_say_when_the_history_is_too_short_to_tell_new_from_returning():
    """UCI's December 2010 season began five days after the data: its 83 % new buyers were mostly
    customers whose earlier orders the data do not hold. With under a year of history before the
    campaign the section says new buyers are overstated; with a year it says nothing of it."""
    import datetime as dt

    import pandas as pd

    from fupan.analysis.results import Audiences
    from fupan.metrics.customers import buyer_mix
    from fupan.report.sections.customers import audiences

    def orders(first: str) -> pd.DataFrame:
        ts = pd.to_datetime([first, "2025-07-02", "2025-07-03"])
        return pd.DataFrame({"user_id": ["a", "a", "b"], "order_ts": ts, "gmv": [1.0, 2.0, 3.0]})

    start, end = dt.date(2025, 7, 1), dt.date(2025, 7, 10)
    for first, short in (("2025-06-26", True), ("2024-07-01", False)):
        a = Audiences(buyer_mix(orders(first), start, end), start, end)
        zh, en = str(audiences(a, Style("zh"))), str(audiences(a, Style("en")))
        assert ("新客偏多" in zh) is short and ("new buyers are overstated" in en) is short
        if short:
            assert "只覆盖活动前 5 天" in zh and "only 5 days before" in en


def test_year_on_year_shows_only_the_windows_last_year_reaches():
    """Orders from 2024-10-20: last year's burst (11-01 … 11-11) is in them, last year's campaign
    (from 10-15) is not — the table holds the burst alone and says why; with orders from 2024-12
    nothing reaches back and there is no table, only the reason (never a column of zeros)."""
    import datetime as dt

    import pandas as pd

    from fupan.analysis.results import YearOnYearAnalysis
    from fupan.metrics.yoy import year_on_year
    from fupan.report.sections.impact import year_on_year as section

    windows = {
        "campaign": (dt.date(2025, 10, 15), dt.date(2025, 11, 15)),
        "burst": (dt.date(2025, 11, 1), dt.date(2025, 11, 11)),
    }

    def orders(first: str) -> pd.DataFrame:
        ts = pd.to_datetime([first, "2024-11-05", "2025-11-05", "2025-11-06"])
        return pd.DataFrame({"user_id": list("abcd"), "order_ts": ts, "gmv": [1.0, 2.0, 4.0, 4.0]})

    partly = str(
        section(
            YearOnYearAnalysis(year_on_year(orders("2024-10-20"), windows, "double11")), Style("en")
        )
    )
    assert "<table" in partly and "Burst" in partly and "+300.0%" in partly  # 8 against 2
    assert "only the windows above reach back" in partly and "<th>Campaign</th>" not in partly
    none = str(
        section(
            YearOnYearAnalysis(year_on_year(orders("2024-12-01"), windows, "double11")), Style("zh")
        )
    )
    assert "<table" not in none and "同比未测量" in none

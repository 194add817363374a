"""Charts: labels that must never overlap, whatever the windows and peaks (rendered by Agg and
measured by their drawn bounding boxes)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from fupan.format import Style
from fupan.report import charts

WINDOWS = pd.DataFrame(
    {
        "phase": ["baseline", "preheat", "burst", "post", "dip", "campaign"],
        "start_date": pd.to_datetime(
            ["2025-09-15", "2025-10-15", "2025-11-01", "2025-11-12", "2025-11-13", "2025-10-15"]
        ),
        "end_date": pd.to_datetime(
            ["2025-10-14", "2025-10-31", "2025-11-11", "2025-11-12", "2025-11-16", "2025-11-12"]
        ),
    }
)


def _daily() -> pd.DataFrame:
    days = pd.date_range("2025-09-15", "2025-11-16")
    rng = np.random.default_rng(1)
    return pd.concat(
        [
            pd.DataFrame({"date": days, "channel": ch, "gmv": rng.uniform(1e4, 5e4, len(days))})
            for ch in ("live", "search")
        ]
    )


def _renderer(fig):
    canvas = FigureCanvasAgg(fig)  # the figure was closed in pyplot: draw it on its own canvas
    canvas.draw()
    return canvas.get_renderer()


def _texts(fig, needles: tuple[str, ...]):
    renderer = _renderer(fig)
    ax = fig.axes[0]
    found = [t for t in ax.texts if any(n in t.get_text() for n in needles)]
    return [(t.get_text(), t.get_window_extent(renderer)) for t in found]


def _assert_apart(boxes):
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        assert not box_a.overlaps(box_b), f"{a!r} overlaps {b!r}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phase_names_of_short_adjacent_windows_do_not_overlap(lang):
    """返场期 is one day and 回落期 starts the next: on a 63-day axis their names would collide."""
    names = (
        ("日常期", "预热期", "爆发期", "返场期", "回落期")
        if lang == "zh"
        else ("Baseline", "Pre-heat", "Burst", "Post", "Dip")
    )
    fig = charts.daily_gmv(_daily(), WINDOWS, Style(lang))
    boxes = _texts(fig, names)
    assert len(boxes) == 5
    _assert_apart(boxes)
    title = fig.axes[0].title.get_window_extent(_renderer(fig))
    assert not any(box.overlaps(title) for _, box in boxes)


def test_counterfactual_phase_names_do_not_overlap():
    days = pd.date_range("2025-09-15", "2025-11-16")
    d = pd.DataFrame({"actual": 2e4, "expected": 1.8e4, "lower": 1.5e4, "upper": 2.2e4}, index=days)
    fig = charts.counterfactual(d, WINDOWS, Style("zh"))
    boxes = _texts(fig, ("日常期", "预热期", "爆发期", "返场期", "回落期"))
    assert len(boxes) == 5
    _assert_apart(boxes)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_peak_labels_in_the_same_hour_do_not_overlap(lang):
    """Both peak days peak at midnight with nearly the same GMV: the two labels must stay apart."""
    rows = []
    for day, scale in (("2025-11-01", 1.0), ("2025-11-11", 1.05)):
        for h in range(24):
            rows.append(
                {"date": pd.Timestamp(day), "hour": h, "gmv": scale * (9e5 if h == 0 else 1e5)}
            )
    for day in pd.date_range("2025-09-15", "2025-10-14"):
        rows += [{"date": day, "hour": h, "gmv": 2e3} for h in range(24)]
    fig = charts.hourly_peaks(
        pd.DataFrame(rows),
        [pd.Timestamp("2025-11-01"), pd.Timestamp("2025-11-11")],
        ("2025-09-15", "2025-10-14"),
        Style(lang),
    )
    fig.canvas = FigureCanvasAgg(fig)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [t for t in fig.axes[0].get_legend().get_texts() if "0:00" in t.get_text()]
    assert sorted(t.get_text()[:5] for t in labels) == ["11-01", "11-11"]
    money = ("¥90万", "¥94.5万") if lang == "zh" else ("¥900K", "¥945K")  # no trailing .0
    assert all(m in " ".join(t.get_text() for t in labels) for m in money)
    _assert_apart([(t.get_text(), t.get_window_extent(renderer)) for t in labels])
    # the axis is logarithmic above the baseline's top hour, and its label says so
    ax = fig.axes[0]
    assert ax.get_yscale() == "symlog"
    assert ("对数坐标" if lang == "zh" else "log scale") in ax.get_ylabel()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_daily_gmv_money_ticks_are_all_different(lang):
    """Two channels of ¥1–5万 a day stack to ~¥6–8万: ticks every ¥1–2万 must not all read ¥X万
    rounded to the same whole number, and each bar is one rectangle of its channel's GMV."""
    daily = _daily()
    fig = charts.daily_gmv(daily, WINDOWS, Style(lang))
    _renderer(fig)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert len(labels) >= 4 and len(set(labels)) == len(labels), labels
    # the stacked bars: per channel one rectangle per day whose height is that day's GMV
    heights = sorted(
        round(float(np.ptp(path.vertices[:, 1])), 6)
        for coll in ax.collections
        if coll.get_label() in {Style(lang).channel(c) for c in ("live", "search")}
        for path in coll.get_paths()
    )
    assert heights == sorted(round(float(g), 6) for g in daily.gmv)


def test_funnel_user_axis_has_thousands_separators():
    """Counts of users on the funnel's axis read like its bar labels (407,180): 100,000, never
    100000 or 1e5."""
    steps = pd.DataFrame(
        {
            "step": ["visit", "view", "cart", "order", "pay"],
            "users": [407180, 294586, 145556, 32230, 31098],
        }
    )
    fig = charts.funnel(steps, Style("zh"))
    _renderer(fig)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert "100,000" in labels and "400,000" in labels, labels
    assert all("," in x for x in labels if len(x) > 3), labels  # 0, 100,000 … 500,000
    assert ax.xaxis.get_offset_text().get_text() == ""


def test_a_budgeted_channel_without_spend_is_drawn_at_zero_beside_its_budget():
    """A budget of ¥5万 for a channel that spent nothing: validation warns its execution 'will show
    0', but the pacing chart left the channel out. It is drawn now: a line flat at 0 and its
    budget line; the spending channel's line ends at its cumulative sum (30 + 40 + 50)."""
    days = pd.date_range("2025-11-01", periods=3, freq="D")
    spend = pd.DataFrame({"date": days, "channel": "search", "spend": [30.0, 40.0, 50.0]})
    style = Style("zh")
    fig = charts.spend_pacing(
        spend, {"search": 200.0, "douyin_live": 50_000.0}, days[0], days[-1], style
    )
    lines = {ln.get_label(): ln for ln in fig.axes[0].get_lines()}
    idle = lines[style.channel("douyin_live")]
    assert list(idle.get_ydata()) == [0.0, 0.0, 0.0]
    assert list(lines[style.channel("search")].get_ydata()) == [30.0, 70.0, 120.0]
    levels = {
        float(ln.get_ydata()[0]) for ln in fig.axes[0].get_lines() if ln.get_linestyle() == ":"
    }
    assert levels == {200.0, 50_000.0}


def _uci_like_cohorts() -> pd.DataFrame:
    """Thirteen monthly cohorts, Dec 2010 … Dec 2011 (UCI's span): retention 0.30 in every
    observed month, the triangle cut where the data end."""
    return pd.DataFrame(
        [
            [1.0 if n == 0 else 0.30 if n <= 12 - i else np.nan for n in range(13)]
            for i in range(13)
        ],
        index=pd.period_range("2010-12", periods=13, freq="M"),
        columns=range(13),
    )


def test_the_cohort_heatmap_keeps_the_cohort_observed_longest():
    """Thirteen monthly cohorts (Dec 2010 … Dec 2011 on UCI): the chart kept the last twelve and
    months 0…12, so the one cohort with a month-12 value was cut and column 12 drawn empty. All
    thirteen rows are drawn, and the first row's month-12 cell holds its value (by hand: 0.30)."""
    m = _uci_like_cohorts()
    fig = charts.cohort_heatmap(m, Style("zh"))
    mesh = fig.axes[0].collections[0].get_array()
    grid = np.ma.getdata(mesh).reshape(13, 13)
    assert grid[0, 12] == pytest.approx(30.0)
    labels = [x.get_text() for x in fig.axes[0].get_yticklabels()]
    assert labels[0].startswith("2010-12") and len(labels) == 13


def test_the_cohort_heatmap_hatches_the_data_s_incomplete_last_month():
    """UCI ends on 2011-12-09: each cohort's December-2011 cell counted nine days and read 7–12 %
    against 20–36 % before, drawn as a full month. With ``partial`` the cell of the last month is
    hatched in every row: for cohort c that is column (2011-12 − c), by hand 12 − row."""
    m = _uci_like_cohorts()
    plain = charts.cohort_heatmap(m, Style("zh"))
    assert not [p for p in plain.axes[0].patches if p.get_hatch()]
    fig = charts.cohort_heatmap(m, Style("zh"), partial=True)
    hatched = sorted((int(p.get_y()), int(p.get_x())) for p in fig.axes[0].patches if p.get_hatch())
    assert hatched == [(i, 12 - i) for i in range(13)]


def test_the_customer_analysis_says_when_the_data_s_last_month_is_partial():
    from fupan.analysis.customers import _partial_month

    def orders(last: str) -> pd.DataFrame:
        return pd.DataFrame({"order_ts": pd.to_datetime(["2011-11-02 10:00", f"{last} 12:15"])})

    assert _partial_month(orders("2011-12-09")) == pd.Timestamp("2011-12-09")
    assert _partial_month(orders("2011-12-31")) is None  # a whole month: nothing to say
    assert _partial_month(orders("2012-02-29")) is None
    assert _partial_month(orders("2012-02-28")) == pd.Timestamp("2012-02-28")


def _template_charts(campaign_dir, lang: str) -> list:
    """Every figure the report template displays for ``campaign_dir``: its cells run here in
    order, in one namespace, with ``display`` collecting what they show."""
    from matplotlib.figure import Figure

    from fupan.config import TEMPLATE

    source = TEMPLATE.with_suffix(".py").read_text(encoding="utf-8")
    source = source.replace("from IPython.display import display\n", "")
    shown: list = []
    namespace = {
        "display": lambda *objs, **_: shown.extend(objs),
        "__name__": "template",
    }
    code = source.replace(
        'campaign_dir: str = "../data/demo"', f"campaign_dir: str = {str(campaign_dir)!r}"
    ).replace('lang: str = "zh"', f"lang: str = {lang!r}")
    exec(compile(code, "retrospective.py", "exec"), namespace)  # noqa: S102 — fupan's own template
    return [o for o in shown if isinstance(o, Figure)]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_of_the_demo_report_is_drawn_inside_its_canvas(demo_dir, lang):
    """The report's kernel draws its PNGs as laid out, without the inline backend's crop to what
    was drawn (fupan.report.kernel.INLINE_CONFIG): every chart the template shows for the demo
    must then lie inside its figure — nothing cut off at an edge."""
    figures = _template_charts(demo_dir, lang)
    assert len(figures) >= 10
    for fig in figures:
        drawn = fig.get_tightbbox(_renderer(fig))  # inches, as the figure's own box
        canvas = fig.bbox_inches
        title = fig.axes[0].get_title() if fig.axes else ""
        assert drawn.x0 >= -1e-6 and drawn.y0 >= -1e-6, title
        assert drawn.x1 <= canvas.x1 + 1e-6 and drawn.y1 <= canvas.y1 + 1e-6, title

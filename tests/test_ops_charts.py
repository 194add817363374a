"""The ops charts (report/ops_charts.py): 完成进度 vs 计划进度 and 时间进度, and the SKU Pareto curve, draw the
numbers plain pandas gives from the raw files, the hero SKUs marked where they rank, labelled from
the catalogue in Chinese and English; a skipped analysis draws nothing."""

from __future__ import annotations

import numpy as np
import pytest

from fupan.analysis import ops
from fupan.analysis.results import Skip
from fupan.format import Style
from fupan.report import ops_charts
from ops_demo import in_window, ops_campaign, raw  # noqa: F401 (fixtures)


def _texts(fig) -> list[str]:
    ax = fig.axes[0]
    legend = ax.get_legend()
    return [
        ax.get_title(),
        ax.get_ylabel(),
        ax.get_xlabel(),
        *(x.get_text() for x in ax.texts),
        *([x.get_text() for x in legend.get_texts()] if legend else []),
    ]


def test_progress_curve_is_the_cumulative_actual_over_the_plan(ops_campaign, raw) -> None:  # noqa: F811
    r = ops.pacing(ops_campaign)
    (fig,) = ops_charts.pacing_figures(r, Style(lang="zh"))
    plan = raw["targets"]
    o = raw["orders"]
    o = o[o["status"] != "cancelled"]
    paid = (o["order_type"] == "presale") & o["balance_time"].notna()  # the card: balance_paid
    day = o["balance_time"].where(paid, o["order_time"]).dt.strftime("%Y-%m-%d")
    days = sorted(plan["date"].unique())
    actual = (
        o[o["channel"].isin(set(plan["channel"])) & day.isin(days)]
        .groupby(day)["paid_amount"]
        .sum()
        .reindex(days, fill_value=0.0)
    )
    done = actual.cumsum() / plan["gmv"].sum()
    time = np.arange(1, len(days) + 1) / len(days)
    planned = plan.groupby("date")["gmv"].sum().reindex(days).cumsum() / plan["gmv"].sum()
    lines = {ln.get_label(): ln.get_ydata() for ln in fig.axes[0].get_lines()}
    assert lines["完成进度"] == pytest.approx(done.to_numpy(), rel=1e-9)
    assert lines["时间进度"] == pytest.approx(time, rel=1e-12)
    assert lines["计划进度"] == pytest.approx(planned.to_numpy(), rel=1e-9)
    texts = _texts(fig)
    assert "完成进度 vs 计划进度（及时间进度）" in texts and f"完成 {done.iloc[-1]:.0%}" in texts
    assert not any("ops_" in x for x in texts)  # no raw catalogue key
    en = _texts(ops_charts.pacing_figures(r, Style(lang="en"))[0])
    assert "Achievement vs the plan's progress (and time elapsed)" in en
    assert not any("ops_" in x for x in en)


def test_pareto_curve_and_hero_marks_equal_plain_pandas(ops_campaign, raw) -> None:  # noqa: F811
    r = ops.products(ops_campaign)
    (fig,) = ops_charts.products_figures(r, Style(lang="zh"))
    lines = in_window(raw["orders"], raw["window"])
    lines = lines[lines["is_gift"].fillna(0) == 0]
    gmv = lines.groupby("sku")["paid_amount"].sum().sort_values(ascending=False)
    cum = (gmv.cumsum() / gmv.sum()).to_numpy()
    ax = fig.axes[0]
    curve = next(ln for ln in ax.get_lines() if ln.get_label() == "累计GMV占比")
    assert curve.get_ydata()[1:] == pytest.approx(cum, rel=1e-9)
    assert curve.get_xdata()[1:] == pytest.approx(np.arange(1, len(gmv) + 1) / len(gmv))
    heroes = raw["card"]["strategy"]["hero_skus"]
    ranks = {s: list(gmv.index).index(s) for s in heroes}
    marked = np.concatenate([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
    expected = sorted((ranks[s] + 1) / len(gmv) for s in heroes)
    assert sorted(marked[:, 0]) == pytest.approx(expected)
    names = raw["products"].set_index("sku")["product_name"]
    texts = _texts(fig)
    for s in heroes:  # each hero named with its rank, product name not SKU code
        assert any(names[s] in x and f"#{ranks[s] + 1}" in x for x in texts), s
    assert "主推款" in texts and "商品帕累托曲线" in texts


def test_skipped_analyses_draw_nothing() -> None:
    skip = Skip("no plan||没有计划")
    assert ops_charts.pacing_figures(skip, Style(lang="zh")) == ()
    assert ops_charts.products_figures(None, Style(lang="en")) == ()

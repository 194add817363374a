"""The 异常日 test's parameters and its screen: which tests become flagged days, with drivers.

See :mod:`fupan.analysis.anomalies` for the 口径 (expected value, score, flagging rules).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..extract.aggregates import day_drivers
from ..format import Style
from ..metrics.anomaly import benjamini_hochberg, modified_z_pvalue
from .anomaly_drivers import ALL, CONCENTRATION, TOP_N, DayContext, driver_sentence
from .results import DayAnomalies

if TYPE_CHECKING:
    from ..ingest.validate import Campaign

Z = 3.5
MIN_REL_DEV = 0.2
FDR = 0.05
WINDOW = 56  # trailing days of residuals a day is scored against (8 weeks)
MIN_PERIODS = 14  # fewer trailing residuals: the day is not tested
FIT_DAYS = 182  # normal days before the campaign the weekday effects are fitted on
MIN_ORDERS = 30  # median orders per open day a slice needs: below, a handful of orders decide a day
P_SIGMA = 3.0  # p-chart limits for the ratios
CAMPAIGN_PHASES = ("preheat", "burst", "post")
CAMPAIGN_DAYS = (*CAMPAIGN_PHASES, "dip")  # the days whose misses are the campaign's
METRICS = ("gmv", "orders", "cr", "refund_rate")
WEEKDAYS = tuple(f"weekday_{d}" for d in range(7))  # catalogue keys, Monday first
FLAG_COLUMNS = [
    "date",
    "phase",
    "metric",
    "slice",
    "actual",
    "expected",
    "rel_dev",
    "score",
    "p_value",
    "q_value",
    "direction",
    "driver_zh",
    "driver_en",
]


def screen(tests: pd.DataFrame) -> np.ndarray:
    """The statistical screen of the tests.

    ``tests`` has one row per metric × slice × day with ``metric``, ``regime``, ``actual``, ``expected``, ``rel_dev``, ``score``, ``n_ref`` and, for ratios,
    ``trials``): p-values, Benjamini–Hochberg over all rows, then ``|M| > Z``, ``|rel_dev| >
    MIN_REL_DEV``, the p-chart for ratios and no upward CR inside the campaign. Adds the columns
    ``p_value``, ``reject``, ``q_value`` and ``direction`` to ``tests`` and returns the boolean mask
    of candidates (an upward GMV/orders day in the campaign still has to be concentrated).
    """
    tests["p_value"] = modified_z_pvalue(
        tests.score.to_numpy(dtype=float), tests.n_ref.to_numpy(dtype=float)
    )
    tests["reject"], tests["q_value"] = benjamini_hochberg(tests.p_value.to_numpy(), FDR)
    tests["direction"] = np.where(tests.rel_dev > 0, "up", "down")
    cand: np.ndarray = (
        tests.reject.to_numpy(dtype=bool)
        & (tests.score.abs() > Z).to_numpy()
        & (tests.rel_dev.abs() > MIN_REL_DEV).to_numpy()
    )
    if "trials" in tests:
        ratio = tests.metric.isin(["cr", "refund_rate"]).to_numpy()
        p_hat = tests.expected.clip(1e-9, 1 - 1e-9)
        z_chart = (tests.actual - p_hat) / np.sqrt(p_hat * (1 - p_hat) / tests.trials)
        cand &= ~ratio | (z_chart.abs() > P_SIGMA).to_numpy()
    up = (tests.direction == "up").to_numpy()
    cand &= ~(
        tests.regime.isin(CAMPAIGN_PHASES).to_numpy() & up & (tests.metric == "cr").to_numpy()
    )
    return cand


def _flag(
    campaign: Campaign, tests: pd.DataFrame, cand: np.ndarray, ctx: DayContext, style: Style
) -> pd.DataFrame:
    if tests.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    cand_rows = tests[cand]
    if cand_rows.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    drivers = day_drivers(campaign, sorted(cand_rows.date.unique()))
    keep, zh, en = [], [], []
    for i, row in cand_rows.iterrows():
        d = _drivers_of(drivers, row.date, row.slice)
        concentrated = _concentration(row, d)
        if (
            row.regime in CAMPAIGN_PHASES
            and row.direction == "up"
            and row.metric in ("gmv", "orders")
            and not concentrated >= CONCENTRATION
        ):
            continue
        keep.append(i)
        zh.append(driver_sentence(row, d, concentrated, ctx, style.in_lang("zh")))
        en.append(driver_sentence(row, d, concentrated, ctx, style.in_lang("en")))
    out = tests.loc[keep].assign(driver_zh=zh, driver_en=en)
    # one row per story: a channel adds nothing when the whole shop is flagged the same way that
    # day, and a day without orders is told once, by its GMV
    shop = set(
        out[out.slice == ALL][["date", "metric", "direction"]].itertuples(index=False, name=None)
    )
    dup = [(x.slice != ALL and (x.date, x.metric, x.direction) in shop) for x in out.itertuples()]
    zero_gmv = set(
        out[(out.metric == "gmv") & (out.actual == 0)][["date", "slice"]].itertuples(
            index=False, name=None
        )
    )
    dup = [
        d or (x.metric != "gmv" and x.actual == 0 and (x.date, x.slice) in zero_gmv)
        for d, x in zip(dup, out.itertuples(), strict=True)
    ]
    out = out[~np.asarray(dup, dtype=bool)]
    order = {m: k for k, m in enumerate(METRICS)}
    out = out.assign(_m=out.metric.map(order), _s=(out.slice != ALL)).sort_values(
        ["date", "_m", "_s", "slice"]
    )
    return out[FLAG_COLUMNS].reset_index(drop=True)


def _drivers_of(
    drivers: dict[str, pd.DataFrame], day: pd.Timestamp, slice_: str
) -> dict[str, pd.DataFrame]:
    return {k: v[(v.date == day) & (v.slice == slice_)] for k, v in drivers.items()}


def _concentration(row: Any, d: dict[str, pd.DataFrame]) -> float:
    """Share of the day's excess over expected made by its top orders (GMV) or buyers (orders)."""
    excess = row.actual - row.expected
    if row.direction != "up" or not excess > 0:
        return float("nan")
    if row.metric == "gmv":
        return float(d["orders"].sort_values("rank").gmv.head(TOP_N).sum() / excess)
    if row.metric == "orders":
        return float(d["buyers"].sort_values("rank").orders.head(TOP_N).sum() / excess)
    return float("nan")


def largest(result: DayAnomalies | None) -> Any:
    """The flagged day a finding leads with.

    A day of the campaign (pre-heat to dip) before one of the baseline or of no window; then the
    largest GMV gap |actual − expected| (whole shop first), else the largest |score|; None
    without a flagged day.
    """
    if result is None or result.flags.empty:
        return None
    f = result.flags.assign(_in=result.flags.phase.isin(CAMPAIGN_DAYS))
    g = f[f.metric == "gmv"]
    if len(g):
        g = g.assign(_all=g.slice == ALL, _gap=(g.actual - g.expected).abs())
        return g.sort_values(["_in", "_all", "_gap"], ascending=False).iloc[0]
    return f.assign(_s=f.score.abs()).sort_values(["_in", "_s"], ascending=False).iloc[0]

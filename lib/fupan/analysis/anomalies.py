"""异常日: the days of the report that behaved unlike their phase, and what drove each (METHODS.md §5).

One test is one metric × slice × day of the report period (the baseline's first day to the last
window's last day with data). Metrics: GMV, orders, conversion rate (CR = orders / UV, needs the
events table) and refund rate (refunds / GMV, needs recorded refunds); slices: the whole shop and,
for GMV and orders, each channel with enough orders to test a day (median ≥ :data:`MIN_ORDERS` per
open day; below that a handful of orders decide a day). A metric that cannot be measured is said
to be so, never shown as 0.

口径:

- **Expected value** = the day's phase level × its day-of-week effect
  (:func:`fupan.metrics.anomaly.phase_seasonal_baseline`). Weekday effects are fitted on up to
  :data:`FIT_DAYS` normal days before the campaign, campaign days masked; the level is the median
  of the six nearest other days of the *same phase*. A campaign day is therefore compared with its
  own phase (a burst day with the other burst days), never with the no-promotion baseline: the
  promotion is the known event. Logs for GMV, orders and CR (multiplicative seasonality); the
  refund rate on its own scale.
- **Score** = modified z of the residual against the residuals of the trailing :data:`WINDOW` days
  (:func:`fupan.metrics.anomaly.flag_anomalies`), its p-value from Student's t
  (:func:`fupan.metrics.anomaly.modified_z_pvalue`), Benjamini–Hochberg at FDR :data:`FDR` across
  every test of the report (all metrics, slices and days).
- **Flagged** when BH rejects, ``|M| > 3.5``, ``|actual/expected − 1| > 20 %`` and, for the two
  ratios, the day is outside its p-chart limits ``expected ± 3·√(p(1−p)/n)`` (n = UV for CR, orders
  for the refund rate) so that small days are not over-flagged.
- **Planned peaks are not anomalies.** In pre-heat, burst and post an upward GMV day is flagged only
  when it is concentrated — its top :data:`TOP_N` orders make up at least :data:`CONCENTRATION` of the
  excess over expected (a giant order, not the 11.11 rush) — an upward orders day only when its top
  buyers placed that share of the excess, and an upward CR day never.
- **Closed weekdays** (≥ 80 % of fit days without an order, e.g. a shop that never trades on
  Saturdays) are not tested. A day without any order on an open weekday is flagged as −100 % when
  the slice normally trades: a closure, an outage or missing data.

Each flagged day is explained from its own orders (:mod:`fupan.analysis.anomaly_drivers`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..format import Style
from ..i18n import Localized, both, join, t
from ..metrics.anomaly import (
    closed_weekdays,
    flag_anomalies,
    phase_seasonal_baseline,
)
from .anomaly_drivers import ALL, CONCENTRATION, TOP_N, DayContext, slice_label
from .anomaly_screen import (
    CAMPAIGN_PHASES,
    FDR,
    FIT_DAYS,
    FLAG_COLUMNS,
    METRICS,
    MIN_ORDERS,
    MIN_PERIODS,
    MIN_REL_DEV,
    P_SIGMA,
    WEEKDAYS,
    WINDOW,
    Z,
    _flag,
    largest,
    screen,
)
from .results import AnomalyParams, DayAnomalies

if TYPE_CHECKING:
    from ..extract.aggregates import Aggregates
    from ..ingest.card import Windows
    from ..ingest.validate import Campaign

# the test's parameters and the flagging screen live in .anomaly_screen (re-exported here)
__all__ = [
    "ALL",
    "CAMPAIGN_PHASES",
    "FDR",
    "FIT_DAYS",
    "FLAG_COLUMNS",
    "METRICS",
    "MIN_ORDERS",
    "MIN_PERIODS",
    "MIN_REL_DEV",
    "P_SIGMA",
    "WEEKDAYS",
    "WINDOW",
    "Z",
    "analyse",
    "largest",
    "score_series",
    "screen",
]


def _named(label: str, style: Style) -> str:
    """A slice's label with its channel key replaced by the channel's display name."""
    return style.channel(label)


def _labels(index: pd.DatetimeIndex, windows: Windows) -> tuple[np.ndarray, np.ndarray]:
    """Per day: the card window it falls in (or None) and its regime for the local level.

    The regime is the campaign phase or the dip; 'normal' before the campaign; 'between' in a gap
    after its start.
    """
    phase = np.full(len(index), None, dtype=object)
    for name, w in windows.items():
        phase[(index >= pd.Timestamp(w.start)) & (index <= pd.Timestamp(w.end))] = name
    start = pd.Timestamp(windows.campaign.start)
    regime = np.where(index < start, "normal", "between").astype(object)
    in_phase = np.isin(phase.astype(str), [*CAMPAIGN_PHASES, "dip"])
    regime[in_phase] = phase[in_phase]
    return phase, regime


def _slices(daily_slices: pd.DataFrame, index: pd.DatetimeIndex) -> dict[str, pd.DataFrame]:
    d = daily_slices
    frames = {ALL: d.groupby("date")[["gmv", "refunds", "orders"]].sum()}
    if d.channel.nunique() > 1:
        for ch, g in d.groupby("channel"):
            frames[str(ch)] = g.set_index("date")[["gmv", "refunds", "orders"]]
    return {k: v.reindex(index, fill_value=0).astype(float) for k, v in frames.items()}


def score_series(
    y: pd.Series,
    regime: np.ndarray,
    fit: np.ndarray,
    closed: tuple[int, ...] | None = None,
    log: bool = True,
) -> pd.DataFrame | None:
    """Expected value, residual and modified z of every day of one daily series (module 口径).

    ``y``: the metric with a regular daily index; ``regime``: per day its phase label (the local
    level is taken within it); ``fit``: the normal days the weekday effects are fitted on.
    Returns :func:`fupan.metrics.anomaly.flag_anomalies`'s frame (``actual``, ``expected``,
    ``residual``, ``rel_dev``, ``score``, ``flag``, ``n_ref``), with score −inf and rel_dev −1 on an
    open day without any activity (log scale); None when nothing can be scored.
    """
    base = phase_seasonal_baseline(y, regime, fit, log=log, closed=closed)
    actual = base.actual.where(base.actual > 0) if log else base.actual
    expected = base.expected.where(base.expected > 0)
    if not (np.isfinite(actual) & np.isfinite(expected)).any():
        return None
    out = flag_anomalies(
        actual,
        expected,
        z=Z,
        min_rel_dev=MIN_REL_DEV,
        window=WINDOW,
        min_periods=MIN_PERIODS,
        log=log,
        scale=base.se_factor,
    )
    out["actual"] = base.actual
    if log:  # no order at all on an open day the slice normally trades: −100 %, infinitely far
        zero = (base.actual == 0) & expected.notna() & (out.n_ref >= MIN_PERIODS) & ~base.closed
        out.loc[zero, ["residual", "score"]] = -np.inf
        out.loc[zero, "rel_dev"] = -1.0
    out["expected"] = expected
    return out


def analyse(campaign: Campaign, agg: Aggregates, style: Style) -> DayAnomalies:
    """Flag the anomalous days of the report and name their drivers (module docstring: 口径).

    Parameters
    ----------
    campaign : Campaign
        The validated campaign (its card's windows; its connection for the drivers' orders).
    agg : Aggregates
        ``daily_slices``, ``uv`` and ``hourly`` are read.
    style : Style
        Money in the driver sentences (both languages are written).

    Returns
    -------
    DayAnomalies
        Flags with drivers, tests, notes and what was not measured.

    Raises
    ------
    ValueError
        No orders to test day by day.
    """
    if agg.daily_slices is None or agg.daily_slices.empty:
        raise ValueError(both("anom_no_orders"))
    w = campaign.card.windows
    last = min(pd.Timestamp(w.items()[-1][1].end), agg.daily_slices.date.max())
    cut = (getattr(campaign, "flags", None) or {}).get("partial_day")
    cut_out = cut is not None and pd.Timestamp(cut) <= last
    if cut_out:  # a half day reads as a collapse: not tested
        last = min(last, pd.Timestamp(cut) - pd.Timedelta(days=1))
    index = pd.date_range(agg.daily_slices.date.min(), last, freq="D", name="date")
    phase, regime = _labels(index, w)
    camp = pd.Timestamp(w.campaign.start)
    fit = (regime == "normal") & (index < camp) & (index >= camp - pd.Timedelta(days=FIT_DAYS))
    report = np.asarray(index >= pd.Timestamp(w.baseline.start))
    slices = _slices(agg.daily_slices, index)
    # a weekday the fit days hold too rarely to judge (a short baseline) is judged on every day
    every_day = np.ones(len(index), dtype=bool)
    notes: list[str] = []
    if cut_out:  # said here too, not only in validation
        notes.append(both("anom_note_partial_day", day=str(cut)))
    not_measured: dict[str, str] = {}
    closed_all = closed_weekdays(slices[ALL].orders, fit, fallback=every_day)
    if closed_all:
        days = Localized(
            *(join([t(WEEKDAYS[d], lang) for d in closed_all], lang) for lang in ("zh", "en"))
        )
        notes.append(both("anom_note_closed", days=days))
    tested_slices, sparse = [], []
    for name, frame in slices.items():
        open_days = report & ~np.isin(
            index.day_of_week, closed_weekdays(frame.orders, fit, fallback=every_day)
        )
        if (
            np.median(frame.orders.to_numpy()[open_days]) >= MIN_ORDERS
            if open_days.any()
            else False
        ):
            tested_slices.append(name)
        else:
            sparse.append(name)
    if sparse:
        names = Localized(
            *(
                join([_named(slice_label(s, lang), style.in_lang(lang)) for s in sparse], lang)
                for lang in ("zh", "en")
            )
        )
        notes.append(both("anom_note_sparse", names=names, min_orders=MIN_ORDERS))
    uv = None
    if agg.uv is not None:
        u = agg.uv[agg.uv.channel == ALL].set_index("date").uv
        uv = u.reindex(index).astype(float)
    else:
        not_measured["cr"] = both("anom_cr_not_measured")
    if not (slices[ALL].refunds > 0).any():
        not_measured["refund_rate"] = both("anom_refund_not_measured")

    fits: dict[tuple[str, str], pd.DataFrame] = {}
    rows, untested = [], 0
    for name in tested_slices:
        frame = slices[name]
        closed = closed_weekdays(frame.orders, fit, fallback=every_day)
        series = {"gmv": (frame.gmv, True, None), "orders": (frame.orders, True, None)}
        if name == ALL and uv is not None:
            series["cr"] = (frame.orders / uv.where(uv > 0), True, uv)
        if name == ALL and "refund_rate" not in not_measured:
            series["refund_rate"] = (
                frame.refunds / frame.gmv.where(frame.gmv > 0),
                False,
                frame.orders,
            )
        for metric, (y, log, trials) in series.items():
            out = score_series(y, regime, fit, closed, log)
            if out is None:
                continue
            out["trials"] = trials if trials is not None else np.nan
            fits[(metric, name)] = out
            scored = out.score.notna().to_numpy()
            measured = np.isfinite(out.actual.to_numpy()) & ~np.isin(index.day_of_week, closed)
            untested += int((report & measured & ~scored).sum())
            for day, row in out[report & scored].iterrows():
                i = index.get_loc(day)
                rows.append(
                    {
                        "date": day,
                        "phase": phase[i],
                        "regime": regime[i],
                        "metric": metric,
                        "slice": name,
                        "actual": row.actual,
                        "expected": row.expected,
                        "rel_dev": row.rel_dev,
                        "score": row.score,
                        "n_ref": row.n_ref,
                        "trials": row.trials,
                    }
                )
    if uv is not None and (("orders", ALL) in fits):
        base = phase_seasonal_baseline(
            uv.fillna(0.0),
            regime,
            fit,
            log=True,
            closed=closed_weekdays(slices[ALL].orders, fit, fallback=every_day),
        )
        fits[("uv", ALL)] = base.assign(expected=base.expected.where(uv > 0))
    tests = pd.DataFrame(
        rows,
        columns=[
            "date",
            "phase",
            "regime",
            "metric",
            "slice",
            "actual",
            "expected",
            "rel_dev",
            "score",
            "n_ref",
            "trials",
        ],
    )
    if untested > 0:
        notes.append(both("anom_note_untested", n=untested, min_periods=MIN_PERIODS))
    cand = screen(tests)
    ctx = DayContext(fits=fits, slices=slices, index=index, regime=regime, hourly=agg.hourly)
    flags = _flag(campaign, tests, cand, ctx, style)
    key = ["date", "metric", "slice"]
    hit = (
        tests.set_index(key).index.isin(flags.set_index(key).index)
        if len(flags)
        else np.zeros(len(tests), bool)
    )
    tested = (
        tests.assign(flagged=hit)
        .groupby(["metric", "slice"])
        .agg(days=("date", "size"), flagged=("flagged", "sum"))
        .reset_index()
    )
    return DayAnomalies(
        flags=flags,
        tests=len(tests),
        tested=tested,
        all_tests=tests,
        not_measured=not_measured,
        notes=tuple(notes),
        closed_weekdays=tuple(closed_all),
        period=(pd.Timestamp(w.baseline.start).date().isoformat(), last.date().isoformat()),
        params=AnomalyParams(
            z=Z,
            min_rel_dev=MIN_REL_DEV,
            fdr=FDR,
            window=WINDOW,
            min_periods=MIN_PERIODS,
            fit_days=FIT_DAYS,
            min_orders=MIN_ORDERS,
            p_sigma=P_SIGMA,
            concentration=CONCENTRATION,
            top_n=TOP_N,
        ),
    )

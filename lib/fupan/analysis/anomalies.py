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

Each flagged day is explained from its own orders (:func:`fupan.extract.aggregates.day_drivers`): the largest
orders with their share of the day, the SKUs and the buyers — buyers as a six-digit prefix of a
hash of the salted pseudonym, never an identifier.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..extract.aggregates import day_drivers
from ..format import money
from ..metrics.anomaly import (
    benjamini_hochberg,
    closed_weekdays,
    flag_anomalies,
    modified_z_pvalue,
    phase_seasonal_baseline,
)

if TYPE_CHECKING:
    from .retrospective import Retrospective

Z = 3.5
MIN_REL_DEV = 0.2
FDR = 0.05
WINDOW = 56  # trailing days of residuals a day is scored against (8 weeks)
MIN_PERIODS = 14  # fewer trailing residuals: the day is not tested
FIT_DAYS = 182  # normal days before the campaign the weekday effects are fitted on
MIN_ORDERS = 30  # median orders per open day a slice needs: below, a handful of orders decide a day
P_SIGMA = 3.0  # p-chart limits for the ratios
CONCENTRATION = 0.5  # share of an upward campaign day's excess its top orders/buyers must explain
TOP_N = 3
CAMPAIGN_PHASES = ("preheat", "burst", "post")
METRICS = ("gmv", "orders", "cr", "refund_rate")
ALL = "_all"
WEEKDAYS = (("周一", "Monday"), ("周二", "Tuesday"), ("周三", "Wednesday"), ("周四", "Thursday"),
            ("周五", "Friday"), ("周六", "Saturday"), ("周日", "Sunday"))
METRIC_LABELS = {"gmv": ("GMV", "GMV"), "orders": ("订单数", "Orders"), "cr": ("转化率", "CR"),
                 "refund_rate": ("退款率", "Refund rate")}
FLAG_COLUMNS = ["date", "phase", "metric", "slice", "actual", "expected", "rel_dev", "score", "p_value",
                "q_value", "direction", "driver_zh", "driver_en"]


def buyer_label(user_key: object) -> str:
    """``#`` + the first six hex digits of a buyer's 64-bit key (a hash of the salted pseudonym)."""
    return "#" + f"{int(user_key) & 0xFFFFFFFFFFFFFFFF:016x}"[:6]


def _labels(index: pd.DatetimeIndex, windows) -> tuple[np.ndarray, np.ndarray]:
    """Per day: the card window it falls in (or None) and its regime for the local level —
    the campaign phase or the dip; 'normal' before the campaign; 'between' in a gap after its start."""
    phase = np.full(len(index), None, dtype=object)
    for name, w in windows.items():
        phase[(index >= pd.Timestamp(w.start)) & (index <= pd.Timestamp(w.end))] = name
    start = pd.Timestamp(windows.campaign.start)
    regime = np.where(index < start, "normal", "between").astype(object)
    in_phase = np.isin(phase.astype(str), [*CAMPAIGN_PHASES, "dip"])
    regime[in_phase] = phase[in_phase]
    return phase, regime


def _slices(r: Retrospective, index: pd.DatetimeIndex) -> dict[str, pd.DataFrame]:
    d = r.agg.daily_slices
    frames = {ALL: d.groupby("date")[["gmv", "refunds", "orders"]].sum()}
    if d.channel.nunique() > 1:
        for ch, g in d.groupby("channel"):
            frames[str(ch)] = g.set_index("date")[["gmv", "refunds", "orders"]]
    return {k: v.reindex(index, fill_value=0).astype(float) for k, v in frames.items()}


def score_series(y: pd.Series, regime, fit, closed: tuple[int, ...] | None = None, log: bool = True
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
    out = flag_anomalies(actual, expected, z=Z, min_rel_dev=MIN_REL_DEV, window=WINDOW,
                         min_periods=MIN_PERIODS, log=log, scale=base.se_factor)
    out["actual"] = base.actual
    if log:  # no order at all on an open day the slice normally trades: −100 %, infinitely far
        zero = (base.actual == 0) & expected.notna() & (out.n_ref >= MIN_PERIODS) & ~base.closed
        out.loc[zero, ["residual", "score"]] = -np.inf
        out.loc[zero, "rel_dev"] = -1.0
    out["expected"] = expected
    return out


def analyse(r: Retrospective) -> dict:
    """Flag the anomalous days of the report and name their drivers (module docstring: 口径).

    Returns a dict: ``flags`` (one row per flagged metric × slice × day: date, phase, metric,
    slice, actual, expected, rel_dev, score, p_value, q_value, direction, driver_zh, driver_en),
    ``tests`` (how many tests BH ran over), ``tested`` (per metric × slice: days tested and
    flagged), ``not_measured`` ({metric: {zh, en}}), ``notes`` (list of {zh, en}: closed weekdays,
    slices too sparse, days without enough history), ``period`` and ``params``.
    """
    if r.agg.daily_slices is None or r.agg.daily_slices.empty:
        raise ValueError("no orders to test day by day||没有可逐日检验的订单")
    w = r.card.windows
    last = min(pd.Timestamp(w.items()[-1][1].end), r.agg.daily_slices.date.max())
    index = pd.date_range(r.agg.daily_slices.date.min(), last, freq="D", name="date")
    phase, regime = _labels(index, w)
    camp = pd.Timestamp(w.campaign.start)
    fit = (regime == "normal") & (index < camp) & (index >= camp - pd.Timedelta(days=FIT_DAYS))
    report = np.asarray(index >= pd.Timestamp(w.baseline.start))
    slices = _slices(r, index)
    notes: list[dict] = []
    not_measured: dict[str, dict] = {}
    closed_all = closed_weekdays(slices[ALL].orders, fit)
    if closed_all:
        days_zh = "、".join(WEEKDAYS[d][0] for d in closed_all)
        days_en = ", ".join(WEEKDAYS[d][1] for d in closed_all)
        notes.append({"zh": f"{days_zh}通常不营业（拟合期 ≥ 80% 的{days_zh}没有订单），属结构性休息日，不作检验。",
                      "en": f"The shop does not trade on {days_en} (no order on ≥ 80 % of them in the fit period): "
                            "a structurally closed weekday is not tested."})
    tested_slices, sparse = [], []
    for name, frame in slices.items():
        open_days = report & ~np.isin(index.day_of_week, closed_weekdays(frame.orders, fit))
        if np.median(frame.orders.to_numpy()[open_days]) >= MIN_ORDERS if open_days.any() else False:
            tested_slices.append(name)
        else:
            sparse.append(name)
    if sparse:
        names = "、".join("全店" if s == ALL else s for s in sparse)
        names_en = ", ".join("whole shop" if s == ALL else s for s in sparse)
        notes.append({"zh": f"{names} 每天订单太少（中位数 < {MIN_ORDERS} 单），单日波动不足以检验，未做日级判定。",
                      "en": f"{names_en}: too few orders a day (median < {MIN_ORDERS}) to test a single day; not tested."})
    uv = None
    if r.agg.uv is not None:
        u = r.agg.uv[r.agg.uv.channel == ALL].set_index("date").uv
        uv = u.reindex(index).astype(float)
    else:
        not_measured["cr"] = {"zh": "没有行为数据（events 表），没有 UV：转化率未测量，未作检验。",
                              "en": "No events table, hence no UV: conversion rate not measured and not tested."}
    if not (slices[ALL].refunds > 0).any():
        not_measured["refund_rate"] = {
            "zh": "订单中没有记录退款（无 refund_amount 列或全部为 0）：退款率未测量，未作检验。",
            "en": "No refund recorded in the orders (no refund_amount column, or all zero): refund rate not measured "
                  "and not tested."}

    fits: dict[tuple[str, str], pd.DataFrame] = {}
    rows, untested = [], 0
    for name in tested_slices:
        frame = slices[name]
        closed = closed_weekdays(frame.orders, fit)
        series = {"gmv": (frame.gmv, True, None), "orders": (frame.orders, True, None)}
        if name == ALL and uv is not None:
            series["cr"] = (frame.orders / uv.where(uv > 0), True, uv)
        if name == ALL and "refund_rate" not in not_measured:
            series["refund_rate"] = (frame.refunds / frame.gmv.where(frame.gmv > 0), False, frame.orders)
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
                rows.append({"date": day, "phase": phase[i], "regime": regime[i], "metric": metric, "slice": name,
                             "actual": row.actual, "expected": row.expected, "rel_dev": row.rel_dev,
                             "score": row.score, "n_ref": row.n_ref, "trials": row.trials})
    if uv is not None and (("orders", ALL) in fits):
        base = phase_seasonal_baseline(uv.fillna(0.0), regime, fit, log=True,
                                       closed=closed_weekdays(slices[ALL].orders, fit))
        fits[("uv", ALL)] = base.assign(expected=base.expected.where(uv > 0))
    tests = pd.DataFrame(rows, columns=["date", "phase", "regime", "metric", "slice", "actual", "expected",
                                        "rel_dev", "score", "n_ref", "trials"])
    if untested > 0:
        notes.append({"zh": f"{untested} 个检验日因此前不足 {MIN_PERIODS} 天可比数据（或当日无可比基线）而未检验。",
                      "en": f"{untested} test-day(s) not tested: fewer than {MIN_PERIODS} earlier days to compare "
                            "with, or no baseline for the day."})
    cand = screen(tests)
    flags = _flag(r, tests, cand, fits, slices, index, regime)
    key = ["date", "metric", "slice"]
    hit = tests.set_index(key).index.isin(flags.set_index(key).index) if len(flags) else np.zeros(len(tests), bool)
    tested = (tests.assign(flagged=hit).groupby(["metric", "slice"])
              .agg(days=("date", "size"), flagged=("flagged", "sum")).reset_index())
    return {"flags": flags, "tests": len(tests), "tested": tested, "all_tests": tests, "not_measured": not_measured, "notes": notes,
            "closed_weekdays": list(closed_all),
            "period": (pd.Timestamp(w.baseline.start).date().isoformat(), last.date().isoformat()),
            "params": {"z": Z, "min_rel_dev": MIN_REL_DEV, "fdr": FDR, "window": WINDOW, "min_periods": MIN_PERIODS,
                       "fit_days": FIT_DAYS, "min_orders": MIN_ORDERS, "p_sigma": P_SIGMA,
                       "concentration": CONCENTRATION, "top_n": TOP_N}}


def screen(tests: pd.DataFrame) -> np.ndarray:
    """The statistical screen of the tests (one row per metric × slice × day with ``metric``,
    ``regime``, ``actual``, ``expected``, ``rel_dev``, ``score``, ``n_ref`` and, for ratios,
    ``trials``): p-values, Benjamini–Hochberg over all rows, then ``|M| > Z``, ``|rel_dev| >
    MIN_REL_DEV``, the p-chart for ratios and no upward CR inside the campaign. Adds the columns
    ``p_value``, ``reject``, ``q_value`` and ``direction`` to ``tests`` and returns the boolean mask
    of candidates (an upward GMV/orders day in the campaign still has to be concentrated)."""
    tests["p_value"] = modified_z_pvalue(tests.score.to_numpy(dtype=float), tests.n_ref.to_numpy(dtype=float))
    tests["reject"], tests["q_value"] = benjamini_hochberg(tests.p_value.to_numpy(), FDR)
    tests["direction"] = np.where(tests.rel_dev > 0, "up", "down")
    cand = tests.reject.to_numpy(dtype=bool) & (tests.score.abs() > Z).to_numpy() \
        & (tests.rel_dev.abs() > MIN_REL_DEV).to_numpy()
    if "trials" in tests:
        ratio = tests.metric.isin(["cr", "refund_rate"]).to_numpy()
        p_hat = tests.expected.clip(1e-9, 1 - 1e-9)
        z_chart = (tests.actual - p_hat) / np.sqrt(p_hat * (1 - p_hat) / tests.trials)
        cand &= ~ratio | (z_chart.abs() > P_SIGMA).to_numpy()
    up = (tests.direction == "up").to_numpy()
    cand &= ~(tests.regime.isin(CAMPAIGN_PHASES).to_numpy() & up & (tests.metric == "cr").to_numpy())
    return cand


def _flag(r: Retrospective, tests: pd.DataFrame, cand: np.ndarray, fits: dict, slices: dict, index, regime
          ) -> pd.DataFrame:
    if tests.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    cand_rows = tests[cand]
    if cand_rows.empty:
        return pd.DataFrame(columns=FLAG_COLUMNS)
    drivers = day_drivers(r.campaign, sorted(cand_rows.date.unique()))
    keep, zh, en = [], [], []
    for i, row in cand_rows.iterrows():
        d = _drivers_of(drivers, row.date, row.slice)
        concentrated = _concentration(row, d)
        if row.regime in CAMPAIGN_PHASES and row.direction == "up" and row.metric in ("gmv", "orders") \
                and not concentrated >= CONCENTRATION:
            continue
        keep.append(i)
        zh.append(_sentence(r, row, d, concentrated, fits, slices, index, regime, "zh"))
        en.append(_sentence(r, row, d, concentrated, fits, slices, index, regime, "en"))
    out = tests.loc[keep].assign(driver_zh=zh, driver_en=en)
    # one row per story: a channel adds nothing when the whole shop is flagged the same way that
    # day, and a day without orders is told once, by its GMV
    shop = set(out[out.slice == ALL][["date", "metric", "direction"]].itertuples(index=False, name=None))
    dup = [(x.slice != ALL and (x.date, x.metric, x.direction) in shop) for x in out.itertuples()]
    zero_gmv = set(out[(out.metric == "gmv") & (out.actual == 0)][["date", "slice"]].itertuples(index=False, name=None))
    dup = [d or (x.metric != "gmv" and x.actual == 0 and (x.date, x.slice) in zero_gmv)
           for d, x in zip(dup, out.itertuples(), strict=True)]
    out = out[~np.asarray(dup, dtype=bool)]
    order = {m: k for k, m in enumerate(METRICS)}
    out = out.assign(_m=out.metric.map(order), _s=(out.slice != ALL)).sort_values(["date", "_m", "_s", "slice"])
    return out[FLAG_COLUMNS].reset_index(drop=True)


def _drivers_of(drivers: dict, day, slice_: str) -> dict[str, pd.DataFrame]:
    return {k: v[(v.date == day) & (v.slice == slice_)] for k, v in drivers.items()}


def _concentration(row, d: dict) -> float:
    """Share of the day's excess over expected made by its top orders (GMV) or buyers (orders)."""
    excess = row.actual - row.expected
    if row.direction != "up" or not excess > 0:
        return float("nan")
    if row.metric == "gmv":
        return float(d["orders"].sort_values("rank").gmv.head(TOP_N).sum() / excess)
    if row.metric == "orders":
        return float(d["buyers"].sort_values("rank").orders.head(TOP_N).sum() / excess)
    return float("nan")


def _rel(a: float, e: float) -> float:
    return a / e - 1 if e and np.isfinite(e) and e > 0 and np.isfinite(a) else float("nan")


def _fmt_rel(x: float) -> str:
    return f"{x:+.0%}" if np.isfinite(x) else "—"


def _sentence(r, row, d, concentrated, fits, slices, index, regime, lang: str) -> str:
    zh = lang == "zh"
    scope = ("全店" if zh else "the shop") if row.slice == ALL else (f"{row.slice} 渠道" if zh else f"channel {row.slice}")
    day_gmv = slices[row.slice].gmv.get(row.date, float("nan"))
    parts: list[str] = []
    if row.metric in ("gmv", "orders") and row.actual == 0:
        parts.append(f"{scope}当天没有任何订单：休店、系统故障或数据缺失" if zh else
                     f"no order at all in {scope} that day: a closure, an outage or missing data")
    elif row.metric == "gmv" and row.direction == "up":
        parts += _top_orders(d, row, day_gmv, concentrated, zh)
        if not concentrated >= CONCENTRATION:
            parts.append(_volume_split(row, fits, zh))
    elif row.metric == "orders" and row.direction == "up":
        parts += _top_buyers(d, row, concentrated, zh)
    elif row.metric in ("gmv", "orders"):
        parts.append(_volume_split(row, fits, zh))
        if row.slice == ALL:
            parts += _channel_gap(row, slices, index, regime, zh)
    elif row.metric == "cr":
        uv, orders = fits.get(("uv", ALL)), fits.get(("orders", ALL))
        uv_rel = _rel(uv.actual.get(row.date), uv.expected.get(row.date)) if uv is not None else float("nan")
        o_rel = _rel(orders.actual.get(row.date), orders.expected.get(row.date)) if orders is not None else float("nan")
        parts.append(f"UV {_fmt_rel(uv_rel)}、订单数 {_fmt_rel(o_rel)}（相对预期）" if zh else
                     f"UV {_fmt_rel(uv_rel)}, orders {_fmt_rel(o_rel)} against expected")
    elif row.metric == "refund_rate":
        parts += _refunds(d, slices[row.slice].refunds.get(row.date, float("nan")), zh)
    if row.slice == ALL and row.metric in ("gmv", "orders", "cr"):
        partial = _partial_day(r, row, index, regime, zh)
        if partial:
            parts.append(partial)
    parts = [p for p in parts if p]
    if zh:
        return "；".join(parts) + "。"
    text = "; ".join(parts) + "."
    return text[:1].upper() + text[1:]


def _top_orders(d: dict, row, day_gmv: float, concentrated: float, zh: bool) -> list[str]:
    o = d["orders"].sort_values("rank")
    if o.empty:
        return []
    top = o.iloc[0]
    share = top.gmv / day_gmv if day_gmv > 0 else float("nan")
    oid = str(top.order_id)[:24]
    sku = "" if pd.isna(top.top_sku) else str(top.top_sku)
    lang = "zh" if zh else "en"
    if zh:
        s = f"最大订单 {oid}（{money(top.gmv, lang)}，占当日GMV {share:.0%}；买家 {buyer_label(top.user_key)}"
        s += f"，主要商品 {sku}）" if sku else "）"
    else:
        s = f"largest order {oid} ({money(top.gmv, lang)}, {share:.0%} of the day's GMV; buyer {buyer_label(top.user_key)}"
        s += f", mainly SKU {sku})" if sku else ")"
    out = [s]
    if np.isfinite(concentrated):
        n, excess = min(TOP_N, len(o)), money(row.actual - row.expected, lang)
        top_n = money(o.gmv.head(n).sum(), lang)
        if concentrated >= 1:
            out.append(f"前{n}单合计 {top_n}，不少于当日超出预期的部分（{excess}）" if zh else
                       f"the top {n} orders add up to {top_n}, no less than the day's excess over expected ({excess})")
        else:
            out.append(f"前{n}单合计 {top_n}，占超出预期部分（{excess}）的 {concentrated:.0%}" if zh else
                       f"the top {n} orders add up to {top_n}, {concentrated:.0%} of the excess over expected ({excess})")
    skus = d["skus"].sort_values("rank_gmv")
    if not skus.empty and day_gmv > 0 and skus.iloc[0].sku != sku:
        s0 = skus.iloc[0]
        out.append(f"GMV 最高的商品 {s0.sku}（{money(s0.gmv, lang)}，{s0.gmv / day_gmv:.0%}）" if zh else
                   f"top SKU {s0.sku} ({money(s0.gmv, lang)}, {s0.gmv / day_gmv:.0%})")
    return out


def _top_buyers(d: dict, row, concentrated: float, zh: bool) -> list[str]:
    b = d["buyers"].sort_values("rank")
    if b.empty:
        return []
    top = b.iloc[0]
    n = min(TOP_N, len(b))
    s = (f"下单最多的买家 {buyer_label(top.user_key)}：{int(top.orders)} 单" if zh else
         f"busiest buyer {buyer_label(top.user_key)}: {int(top.orders)} orders")
    if np.isfinite(concentrated):
        s += (f"；前{n}位买家共 {int(b.orders.head(n).sum())} 单，相当于超出预期部分的 {concentrated:.0%}" if zh else
              f"; the top {n} buyers placed {int(b.orders.head(n).sum())}, {concentrated:.0%} of the excess over expected")
        if concentrated < CONCENTRATION:
            s += "，增长分散在众多买家" if zh else ", so the rise is spread over many buyers"
    return [s]


def _volume_split(row, fits: dict, zh: bool) -> str:
    """Orders and AOV of the day against their expected values (the slice's own baselines)."""
    g, o = fits.get(("gmv", row.slice)), fits.get(("orders", row.slice))
    if g is None or o is None:
        return ""
    ga, ge = g.actual.get(row.date), g.expected.get(row.date)
    oa, oe = o.actual.get(row.date), o.expected.get(row.date)
    o_rel = _rel(oa, oe)
    aov_rel = _rel(ga / oa, ge / oe) if oa and oe and np.isfinite(oe) else float("nan")
    return (f"订单数 {_fmt_rel(o_rel)}、客单价 {_fmt_rel(aov_rel)}（相对预期）" if zh else
            f"orders {_fmt_rel(o_rel)}, AOV {_fmt_rel(aov_rel)} against expected")


def _neighbours(index, regime, day, k: int = 6) -> list:
    i = index.get_loc(day)
    same = [j for j in range(max(0, i - 14), min(len(index), i + 15)) if j != i and regime[j] == regime[i]]
    return [index[j] for j in sorted(same, key=lambda j: (abs(j - i), j))[:k]]


def _channel_gap(row, slices: dict, index, regime, zh: bool) -> list[str]:
    """The channel with the largest shortfall: actual − expected total × its typical share
    (median share over the same neighbouring days of the phase as the level)."""
    col = "gmv" if row.metric == "gmv" else "orders"
    chans = {k: v[col] for k, v in slices.items() if k != ALL}
    if len(chans) < 2:
        return []
    wide = pd.DataFrame(chans)
    near = _neighbours(index, regime, row.date)
    tot = wide.loc[near].sum(axis=1)
    share = wide.loc[near].div(tot.where(tot > 0), axis=0).median()
    gap = wide.loc[row.date] - share * row.expected
    total_gap = row.actual - row.expected
    worst = gap.idxmin()
    if not (gap[worst] < 0 and total_gap < 0):
        return []
    amount = money(gap[worst], "zh" if zh else "en") if col == "gmv" else \
        (f"{gap[worst]:+.0f} 单" if zh else f"{gap[worst]:+.0f} orders")
    return [f"缺口最大的渠道 {worst}（{amount}，占缺口 {gap[worst] / total_gap:.0%}）" if zh else
            f"largest shortfall in channel {worst} ({amount}, {gap[worst] / total_gap:.0%} of the gap)"]


def _partial_day(r, row, index, regime, zh: bool) -> str:
    """Orders only in part of the day (first order ≥ 3 h later or last ≥ 3 h earlier than on the
    neighbouring days of the phase): the day may be recorded only in part."""
    h = r.agg.hourly
    if h is None or h.empty:
        return ""
    active = h[h.orders > 0].groupby("date").hour.agg(["min", "max"])
    if row.date not in active.index:
        return ""
    near = [d for d in _neighbours(index, regime, row.date) if d in active.index]
    if len(near) < 3:
        return ""
    first, last = active.loc[row.date]
    usual_first, usual_last = active.loc[near, "min"].median(), active.loc[near, "max"].median()
    if last <= usual_last - 3 or first >= usual_first + 3:
        return (f"当天订单只出现在 {first}–{last} 时（通常 {usual_first:.0f}–{usual_last:.0f} 时），当日数据可能不完整" if zh else
                f"orders only between {first}:00 and {last}:59 (usually {usual_first:.0f}:00–{usual_last:.0f}:59): "
                "the day may be recorded only in part")
    return ""


def _refunds(d: dict, day_refunds: float, zh: bool) -> list[str]:
    lang = "zh" if zh else "en"
    out = [f"当日退款 {money(day_refunds, lang)}" if zh else f"refunds that day {money(day_refunds, lang)}"]
    s = d["skus"][d["skus"].refunds > 0].sort_values("rank_refunds")
    if not s.empty and day_refunds > 0:
        s0 = s.iloc[0]
        out.append(f"退款最多的商品 {s0.sku}（{money(s0.refunds, lang)}，占当日退款 {s0.refunds / day_refunds:.0%}）" if zh else
                   f"most refunded SKU {s0.sku} ({money(s0.refunds, lang)}, {s0.refunds / day_refunds:.0%} of the day's refunds)")
    o = d["orders"][d["orders"].refunds > 0].sort_values("refunds", ascending=False)
    if not o.empty:
        o0 = o.iloc[0]
        out.append(f"退款最大的订单 {str(o0.order_id)[:24]}（{money(o0.refunds, lang)}）" if zh else
                   f"largest refund on order {str(o0.order_id)[:24]} ({money(o0.refunds, lang)})")
    return out


def largest(result: dict | None) -> pd.Series | None:
    """The flagged day a finding leads with: the largest GMV gap |actual − expected| (whole shop
    first), else the largest |score|."""
    if result is None or result["flags"].empty:
        return None
    f = result["flags"]
    g = f[f.metric == "gmv"]
    if len(g):
        g = g.assign(_all=g.slice == ALL, _gap=(g.actual - g.expected).abs())
        return g.sort_values(["_all", "_gap"], ascending=False).iloc[0]
    return f.assign(_s=f.score.abs()).sort_values("_s", ascending=False).iloc[0]


def format_value(metric: str, x: float, lang: str = "zh") -> str:
    """A tested value as the report shows it: money for GMV, a count for orders, % for the ratios."""
    if x is None or not np.isfinite(x):
        return "—"
    if metric == "gmv":
        return money(x, lang)
    if metric == "orders":
        return f"{x:,.0f}"
    return f"{x:.2%}"


def slice_label(slice_: str, lang: str = "zh") -> str:
    return ("全店" if lang == "zh" else "whole shop") if slice_ == ALL else str(slice_)


def finding(row: pd.Series) -> tuple[str, str]:
    """The finding sentence (zh, en) of a flagged day: what moved, by how much, and its driver."""
    day = pd.Timestamp(row.date).strftime("%Y-%m-%d")
    zh_name, en_name = METRIC_LABELS[row.metric]
    scope_zh = "" if row.slice == ALL else f"{row.slice} 渠道"
    scope_en = "" if row.slice == ALL else f" in channel {row.slice}"
    zh = (f"异常日 {day}：{scope_zh}{zh_name} {format_value(row.metric, row.actual, 'zh')}，"
          f"预期 {format_value(row.metric, row.expected, 'zh')}（{_fmt_rel(row.rel_dev)}）。{row.driver_zh}")
    en = (f"Anomalous day {day}: {en_name}{scope_en} {format_value(row.metric, row.actual, 'en')} against "
          f"{format_value(row.metric, row.expected, 'en')} expected ({_fmt_rel(row.rel_dev)}). {row.driver_en}")
    return zh, en

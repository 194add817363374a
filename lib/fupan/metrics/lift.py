"""Was the lift real? Counterfactual baseline, incremental GMV, pull-forward, DiD (METHODS.md §1.1).

The counterfactual ``Ŷ_t`` (the series had the campaign not happened) is METHODS.md §1.1's
lightweight stand-in for CausalImpact: OLS of the log series on a trend, day-of-week dummies and,
optionally, log control series the campaign did not touch (a plain trend model without them),

    ln Y_t = α + β·t/365 + Σ_d γ_d·1{dow(t) = d} + Σ_k θ_k·ln X_kt + ε_t.

- **Training window**: the ``history_days`` (default 364: one year of whole weeks) up to the end
  of the card's baseline. Thirty baseline days cannot pin down a trend extrapolated ~50 days,
  and a full year keeps an unmodelled annual cycle from tilting the trend. Other promotions and
  holidays in that year are dropped: ``exclude`` (known dates), then robust masking (Huber RLM
  start; a day beyond ``outlier_z`` robust SDs, or a ``run_days`` window whose mean residual is,
  is masked; OLS refitted until stable). Baseline days are never masked.
- **Days without sales** (a log model cannot take a zero). A weekday with no sales on at least
  ``closed_share`` (default 90 %) of its training occurrences is *closed* (a shop shut every
  Saturday): its days are known zeros, ``Ŷ = 0`` with no uncertainty, they leave the fit, the
  weekday gets no dummy and they add no bootstrap residual; sales on a closed weekday in the
  prediction period count as incremental in full. A zero day on an open weekday (a bank holiday,
  a one-off closure, a data outage) is *sporadic*: it leaves the log fit (role ``zero``) and keeps
  its fitted value, so ``Ŷ`` on open weekdays is the expected sales of a trading day; a sporadic
  zero in the prediction period is predicted like any other open day. Excluding zeros would
  overstate ``Ŷ`` by ``1/(1 − share)`` were they random rather than closures, so more than
  ``max_zero_share`` (default 10 %) of open training days at zero is refused as intermittent
  sales (aggregate weekly instead), not modelled.
- **Level**: ``Ŷ_t = exp(x_t b)·mean(exp(e))`` (Duan's 1983 smearing), so sums of Ŷ estimate
  sums of expected values rather than of medians.
- **Intervals**: residual bootstrap of the prediction error (Davison & Hinkley 1997, §6.3):
  leverage-adjusted residuals are resampled in moving blocks of ``block_length`` days, the model
  is refitted on every draw (the mask is held fixed, so a refit is one projection matrix applied
  to all draws at once) and a fresh counterfactual path is drawn. Bands cover the *realised*
  counterfactual, as CausalImpact's do; phase sums and the pull-forward share are taken draw by
  draw, so their intervals are coherent.

Pure functions: inputs are never modified, nothing is read or written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from statsmodels.regression.linear_model import OLS
from statsmodels.robust import norms
from statsmodels.robust.robust_linear_model import RLM

from ..i18n import bilingual

__all__ = [
    "Coefficient",
    "Counterfactual",
    "LiftError",
    "PretrendCheck",
    "cannibalisation_halo",
    "did_means",
    "did_ols",
    "fit_counterfactual",
    "incremental_by_phase",
    "pretrend_check",
    "pull_forward_share",
]

PHASES = ("preheat", "burst", "post", "dip")
_DOW = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # the first open day is the reference


class LiftError(ValueError):
    """The data cannot carry the counterfactual, as opposed to a wrong call.

    E.g. too little history, a series that ends too soon, intermittent sales. ``str()`` is the bilingual
    ``"English||中文"`` of :func:`fupan.i18n.bilingual` (``fupan.i18n.pick`` reads one side), the
    form of a skip reason; ``zh`` and ``en`` hold each part.
    """

    def __init__(self, zh: str, en: str):
        super().__init__(bilingual(en, zh))
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Counterfactual:
    """A fitted counterfactual.

    ``daily`` (index ``date``): ``actual``, ``expected`` (Ŷ; fitted
    values on history days, 0 on closed days), ``lower``/``upper`` (prediction band, prediction
    days only), ``role`` (train / outlier / excluded / closed / zero / predict), ``closed`` (the
    day's weekday is closed). ``draws``: bootstrap counterfactual paths (n_boot × prediction
    days; 0 on closed days). ``params``: log-scale coefficients (``trend`` = log growth per year,
    ``dow_*`` relative to the first open weekday); ``sigma``: residual SD in logs;
    ``closed_weekdays``: closed weekdays, 0 = Monday.
    """

    daily: pd.DataFrame
    draws: np.ndarray
    params: pd.Series
    sigma: float
    smearing: float
    level: float
    closed_weekdays: tuple[int, ...] = ()


def _pair(window: Any, name: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(start, end) of a window given as a pair or as an object with ``start``/``end``."""
    try:
        a, b = (window.start, window.end) if hasattr(window, "start") else tuple(window)
        a, b = pd.Timestamp(a), pd.Timestamp(b)
    except (TypeError, ValueError) as err:
        raise ValueError(
            f"window {name} must be a (start, end) pair of dates, got {window!r}"
        ) from err
    if b < a:
        raise ValueError(f"window {name} ends ({b.date()}) before it starts ({a.date()})")
    return a, b


def _check_series(y: pd.Series, controls: pd.DataFrame | None) -> None:
    if not isinstance(y, pd.Series) or not isinstance(y.index, pd.DatetimeIndex):
        raise ValueError("y must be a pandas Series with a DatetimeIndex (one row per day)")
    idx = y.index
    if len(idx) < 2 or ((idx[1:] - idx[:-1]) != pd.Timedelta(days=1)).any():
        raise ValueError(
            "y needs a sorted, gap-free daily index; reindex with "
            "y.asfreq('D', fill_value=0) after checking that missing days are zero"
        )
    values = y.to_numpy(dtype=float)
    if not np.isfinite(values).all() or (values < 0).any():
        bad = idx[~(np.isfinite(values) & (values >= 0))]
        raise LiftError(
            f"日序列须为有限的非负数，{bad[0].date()} 等 {len(bad)} 天不是",
            f"y must be finite and non-negative; {len(bad)} day(s) are not, first {bad[0].date()}",
        )
    if controls is not None:
        if not isinstance(controls, pd.DataFrame) or not idx.isin(controls.index).all():
            raise ValueError("controls must be a DataFrame with a row for every day of y")
        c = controls.loc[idx].to_numpy(dtype=float)
        if not (np.isfinite(c).all() and (c > 0).all()):
            raise ValueError("controls must be finite and strictly positive (they enter in logs)")


def _design(
    index: pd.DatetimeIndex,
    origin: pd.Timestamp,
    controls: pd.DataFrame | None,
    dummies: Sequence[int] = range(1, 7),
) -> np.ndarray:
    dow = index.day_of_week.to_numpy()
    cols = [np.ones(len(index)), (index - origin).days.to_numpy() / 365.0]
    cols += [(dow == d).astype(float) for d in dummies]
    if controls is not None:
        cols += [np.log(controls.loc[index, c].to_numpy(dtype=float)) for c in controls.columns]
    return np.column_stack(cols)


def _closed_weekdays(days: pd.DatetimeIndex, values: np.ndarray, share: float) -> tuple[int, ...]:
    """Weekdays (0 = Monday) seen at least 4 times with no sales on at least ``share`` of them."""
    dow = days.day_of_week.to_numpy()
    return tuple(
        d for d in range(7) if (dow == d).sum() >= 4 and (values[dow == d] <= 0).mean() >= share
    )


def _mad_sd(x: np.ndarray) -> float:
    x = x[np.isfinite(x)]
    return 1.4826 * float(np.median(np.abs(x - np.median(x))))


def _robust_mask(
    X: np.ndarray, ly: np.ndarray, protect: np.ndarray, z: float | None, run_days: int | None
) -> np.ndarray:
    """Rows (consecutive days; NaN = excluded) kept after masking single and sustained outliers."""
    keep: np.ndarray = np.isfinite(ly)
    if z is None:
        return keep
    beta = RLM(ly[keep], X[keep], M=norms.HuberT()).fit().params
    for _ in range(20):
        resid = ly - X @ beta
        kept = np.where(keep, resid, np.nan)
        sd = _mad_sd(kept)
        if not sd > 1e-9:  # a (near-)exact fit: nothing to judge outliers against
            break
        bad = np.abs(resid) > z * sd
        if run_days:
            roll = {
                k: pd.Series(v).rolling(run_days, min_periods=run_days // 2 + 1).mean().to_numpy()
                for k, v in (("all", resid), ("kept", kept))
            }
            sd_run = max(_mad_sd(roll["kept"]), sd / np.sqrt(run_days))
            for end in np.flatnonzero(np.abs(roll["all"]) > z * sd_run):
                bad[max(0, end - run_days + 1) : end + 1] = True
        new = np.isfinite(ly) & (~bad | protect)
        if np.array_equal(new, keep) or new.sum() < X.shape[1] + 21:
            break
        keep = new
        beta = OLS(ly[keep], X[keep]).fit().params
    return keep


def _blocks(
    rng: np.random.Generator, n_src: int, n_out: int, n_boot: int, length: int
) -> np.ndarray:
    """Moving-block bootstrap indices (n_boot × n_out) into a series of length n_src."""
    length = max(1, min(length, n_src))
    starts = rng.integers(0, n_src - length + 1, size=(n_boot, -(-n_out // length)))
    return (starts[:, :, None] + np.arange(length)).reshape(n_boot, -1)[:, :n_out]


def _prediction_errors(
    X: np.ndarray,
    beta: np.ndarray,
    resid: np.ndarray,
    X_p: np.ndarray,
    n_boot: int,
    block_length: int,
    seed: int,
) -> np.ndarray:
    """Bootstrap draws (n_boot × len(X_p)) of ``Y⁰* − Ŷ*``.

    Leverage-adjusted residuals resampled in blocks, the model refitted on each draw (one
    projection for all), a fresh future path.
    """
    proj = np.linalg.pinv(X)
    r = resid / np.sqrt(np.clip(1 - np.einsum("ij,ji->i", X, proj), 1e-6, None))
    r = r - r.mean()
    rng = np.random.default_rng(seed)
    y_star = X @ beta + r[_blocks(rng, len(r), len(r), n_boot, block_length)]
    b_star = y_star @ proj.T
    s_star = np.exp(y_star - b_star @ X.T).mean(axis=1, keepdims=True)
    path = np.exp(X_p @ beta + r[_blocks(rng, len(r), len(X_p), n_boot, block_length)])
    out: np.ndarray = path - np.exp(b_star @ X_p.T) * s_star
    return out


def fit_counterfactual(
    y: pd.Series,
    baseline: Any,
    *,
    predict_end: Any = None,
    controls: pd.DataFrame | None = None,
    history_days: int | None = 364,
    exclude: ArrayLike | None = None,
    outlier_z: float | None = 3.5,
    run_days: int | None = 7,
    n_boot: int = 500,
    block_length: int = 7,
    level: float = 0.95,
    seed: int = 0,
    closed_share: float = 0.9,
    max_zero_share: float = 0.1,
) -> Counterfactual:
    """Fit the counterfactual baseline ``Ŷ`` of a daily series and bootstrap its uncertainty.

    口径: ``Ŷ_t`` = expected value on day t had the campaign not happened, from the log-linear
    trend + day-of-week (+ log controls) model of the module docstring fitted on the pre-period
    (METHODS.md §1.1). Works for GMV, orders or units alike. Closed weekdays (no sales on at least
    ``closed_share`` of their training occurrences) have ``Ŷ = 0`` exactly; zero days on open
    weekdays stay out of the log fit and ``Ŷ`` there is the expected sales of a trading day.

    Parameters
    ----------
    y : daily series on a gap-free daily ``DatetimeIndex``, ≥ 0.
    baseline : the card's baseline window (start, end). It ends the pre-period, its days are never
        masked, and prediction starts the day after it.
    predict_end : last day to predict (default: the last day of ``y``).
    controls : optional control series (columns) covering ``y``'s days, > 0; enter in logs.
    history_days : training days up to the baseline end, never fewer than the baseline's
        (``None``: all history).
    exclude : dates kept out of the fit (other promotions, holidays).
    outlier_z : robust-SD threshold of the masking (``None``: no masking).
    run_days : window of the sustained-outlier rule (``None``: single days only).
    n_boot, block_length, level, seed : bootstrap draws, block length in days (1 = iid),
        interval level, seed of ``numpy.random.default_rng``.
    closed_share : share of zero days (of a weekday's training occurrences, at least 4) from
        which that weekday counts as closed; in (0.5, 1].
    max_zero_share : largest share of open training days with no sales that the log model
        accepts (more is intermittent demand, refused); in [0, 0.5).

    Returns
    -------
    Counterfactual

    Raises
    ------
    LiftError
        (a ValueError) When the data cannot carry the model: negative or non-finite values, a
        series that starts after the baseline or ends before ``predict_end``, too many zero days
        on open weekdays, no open weekday, too few training days.
    ValueError
        On a gappy or non-daily index, misaligned or non-positive controls, bad windows or bad
        settings.
    """
    _check_series(y, controls)
    if n_boot < 50 or block_length < 1 or not 0 < level < 1:
        raise ValueError(
            f"need n_boot >= 50, block_length >= 1 and 0 < level < 1; got "
            f"{n_boot}, {block_length}, {level}"
        )
    if history_days is not None and history_days < 28:
        raise ValueError(f"history_days must be at least 28 (or None), got {history_days}")
    if not (0.5 < closed_share <= 1 and 0 <= max_zero_share < 0.5):
        raise ValueError(
            f"need 0.5 < closed_share <= 1 and 0 <= max_zero_share < 0.5; got "
            f"{closed_share}, {max_zero_share}"
        )
    idx = y.index
    b_start, t_end = _pair(baseline, "baseline")
    p_end = idx[-1] if predict_end is None else pd.Timestamp(predict_end)
    if b_start < idx[0]:
        raise LiftError(
            f"数据从 {idx[0].date()} 开始，晚于日常期开始日 {b_start.date()}：反事实需要"
            "完整的日常期及其之前的历史",
            f"the series starts on {idx[0].date()}, after the baseline starts "
            f"({b_start.date()}): the counterfactual needs the whole baseline and "
            "the history before it",
        )
    if t_end < p_end and p_end > idx[-1]:
        raise LiftError(
            f"数据到 {idx[-1].date()} 为止，早于需要预测的最后一天 {p_end.date()}"
            "（回落期可能尚未结束）",
            f"the series ends on {idx[-1].date()}, before the last day to predict "
            f"({p_end.date()}; has the dip window ended yet?)",
        )
    if not idx[0] <= b_start <= t_end < p_end <= idx[-1]:
        raise ValueError(
            f"need {idx[0].date()} <= baseline start <= baseline end < predict_end "
            f"<= {idx[-1].date()}; got baseline {b_start.date()}..{t_end.date()}, "
            f"predict_end {p_end.date()}"
        )
    start = (
        idx[0]
        if history_days is None
        else max(idx[0], min(b_start, t_end - pd.Timedelta(days=history_days - 1)))
    )
    hist = idx[(idx >= start) & (idx <= t_end)]
    dropped = (
        hist.isin(pd.DatetimeIndex(pd.to_datetime(exclude)))
        if exclude is not None
        else np.zeros(len(hist), dtype=bool)
    )
    values = y.loc[hist].to_numpy(dtype=float)
    n_par = _design(hist[:1], start, controls).shape[1]  # with every weekday open
    if (~dropped).sum() < n_par + 21:
        raise LiftError(
            f"历史不足：日常期结束前只有 {(~dropped).sum()} 天可用于训练，模型有 {n_par} 个参数，"
            f"至少需要 {n_par + 21} 天",
            f"only {(~dropped).sum()} training days for {n_par} parameters, {n_par + 21} needed; "
            "lengthen history_days or exclude fewer days",
        )
    closed = _closed_weekdays(hist[~dropped], values[~dropped], closed_share)
    shut = np.isin(hist.day_of_week, closed)
    is_open = ~dropped & ~shut
    zero = is_open & (values <= 0)
    opened = [d for d in range(7) if d not in closed]
    if not opened:
        raise LiftError(
            "训练期内每个星期几都没有销售，无法建立反事实基线",
            "no weekday has sales in the training period: there is nothing to model",
        )
    if zero.sum() > max_zero_share * is_open.sum():
        raise LiftError(
            f"营业日中 {zero.sum()}/{is_open.sum()} 天（{zero.mean() / is_open.mean():.0%}）销售为0，超过 "
            f"{max_zero_share:.0%}：销售是间歇性的，按日的对数模型会高估基线；请按周汇总后再估计",
            f"{zero.sum()} of {is_open.sum()} open training days ({zero.mean() / is_open.mean():.0%}) "
            f"have no sales, more than {max_zero_share:.0%}: sales are intermittent and a daily log "
            "model would overstate the baseline; aggregate to weeks",
        )
    dummies = opened[1:]  # the first open weekday is the reference
    X_h = _design(hist, start, controls, dummies)
    usable = is_open & ~zero
    if usable.sum() < X_h.shape[1] + 21:
        raise LiftError(
            f"历史不足：去掉不营业日与零销售日后，日常期结束前只有 {usable.sum()} 个训练日，模型有 "
            f"{X_h.shape[1]} 个参数，至少需要 {X_h.shape[1] + 21} 天",
            f"only {usable.sum()} training days with sales on open weekdays for {X_h.shape[1]} "
            f"parameters, {X_h.shape[1] + 21} needed; lengthen history_days or exclude fewer days",
        )
    ly_h = np.where(usable, np.log(np.where(usable, values, 1.0)), np.nan)
    keep = _robust_mask(X_h, ly_h, np.asarray(hist >= b_start), outlier_z, run_days)
    X, ly = X_h[keep], ly_h[keep]
    ols = OLS(ly, X).fit()
    beta, resid = ols.params, ols.resid
    smear = float(np.mean(np.exp(resid)))  # Duan: E[Y] = exp(x b)·E[exp(e)]
    pred = idx[(idx > t_end) & (idx <= p_end)]
    pred_open = ~np.isin(pred.day_of_week, closed)
    yhat_p, draws = np.zeros(len(pred)), np.zeros((n_boot, len(pred)))
    if pred_open.any():  # closed days stay exactly 0 in Ŷ and in every draw
        X_p = _design(pred[pred_open], start, controls, dummies)
        yhat_p[pred_open] = np.exp(X_p @ beta) * smear
        # a day's sales cannot be negative: a draw below 0 (a far, steep extrapolation whose
        # refitted trend overshoots) is a day of no sales, not a negative counterfactual
        draws[:, pred_open] = np.maximum(
            yhat_p[pred_open] + _prediction_errors(X, beta, resid, X_p, n_boot, block_length, seed),
            0.0,
        )
    tail, nan = (1 - level) / 2, np.full(len(hist), np.nan)
    role = np.select(
        [dropped, shut, zero, keep], ["excluded", "closed", "zero", "train"], "outlier"
    ).astype(object)
    days = hist.append(pred)
    daily = pd.DataFrame(
        {
            "actual": y.loc[days].to_numpy(dtype=float),
            "expected": np.concatenate([np.where(shut, 0.0, np.exp(X_h @ beta) * smear), yhat_p]),
            "lower": np.concatenate([nan, np.quantile(draws, tail, axis=0)]),
            "upper": np.concatenate([nan, np.quantile(draws, 1 - tail, axis=0)]),
            "role": np.concatenate([role, np.full(len(pred), "predict", dtype=object)]),
            "closed": np.concatenate([shut, ~pred_open]),
        },
        index=pd.DatetimeIndex(days, name="date"),
    )
    names = [
        "const",
        "trend",
        *(f"dow_{_DOW[d]}" for d in dummies),
        *(f"log_{c}" for c in (controls.columns if controls is not None else [])),
    ]
    return Counterfactual(
        daily=daily,
        draws=draws,
        params=pd.Series(beta, index=names),
        sigma=float(np.sqrt(ols.scale)),
        smearing=smear,
        level=level,
        closed_weekdays=closed,
    )


def _phase_draws(cf: Counterfactual, windows: Any) -> dict[str, tuple[float, float, np.ndarray]]:
    """Per phase, plus campaign and total: (Σ actual, Σ expected, draws of Σ(Y − Y⁰))."""
    if not hasattr(windows, "items"):
        raise ValueError("windows must map phase names to (start, end) pairs, e.g. card.windows")
    given = dict(windows.items())
    pred = cf.daily.index[cf.daily["role"] == "predict"]
    out: dict[str, tuple[float, float, np.ndarray]] = {}
    for name in (p for p in PHASES if given.get(p) is not None):
        a, b = _pair(given[name], name)
        sel = (pred >= a) & (pred <= b)
        if sel.sum() != (b - a).days + 1:
            raise ValueError(
                f"window {name} {a.date()}..{b.date()} is not inside the prediction "
                f"period {pred[0].date()}..{pred[-1].date()}"
            )
        act = float(cf.daily.loc[pred[sel], "actual"].sum())
        exp = float(cf.daily.loc[pred[sel], "expected"].sum())
        out[name] = (act, exp, act - cf.draws[:, sel].sum(axis=1))
    if not any(k in out for k in PHASES[:3]):
        raise ValueError("windows need at least one of preheat, burst, post")
    for name, members in (("campaign", PHASES[:3]), ("total", PHASES)):
        got = [out[k] for k in members if k in out]
        out[name] = (
            sum(g[0] for g in got),
            sum(g[1] for g in got),
            np.sum([g[2] for g in got], axis=0),
        )
    return out


def incremental_by_phase(cf: Counterfactual, windows: Any) -> pd.DataFrame:
    """Incremental GMV (or orders, units) per phase with bootstrap intervals.

    口径: ``incremental_P = Σ_{t∈P}(Y_t − Ŷ_t)``; ``campaign`` = preheat + burst + post; ``total``
    = ``ΔGMV_inc`` over preheat ∪ burst ∪ post ∪ dip (METHODS.md §1.1). ``lower``/``upper``:
    percentile bounds at ``cf.level`` of the bootstrap draws of the realised ``Σ(Y − Y⁰)``; an
    effect defined on expected values also carries the noise of Y, which they leave out.

    Parameters
    ----------
    cf : result of :func:`fit_counterfactual`.
    windows : mapping phase → (start, end), or the card's ``windows``; other names are ignored.

    Returns
    -------
    pandas.DataFrame
        Index ``phase`` (the phases given, campaign, total); columns actual, expected,
        incremental, lower, upper.

    Raises
    ------
    ValueError
        If a window is malformed or outside the prediction period, or no campaign phase is given.
    """
    tail = (1 - cf.level) / 2
    rows = {
        k: {
            "actual": a,
            "expected": e,
            "incremental": a - e,
            "lower": float(np.quantile(d, tail)),
            "upper": float(np.quantile(d, 1 - tail)),
        }
        for k, (a, e, d) in _phase_draws(cf, windows).items()
    }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("phase")


def pull_forward_share(cf: Counterfactual, windows: Any) -> pd.Series:
    """Share of the campaign lift paid back in the dip window, with a bootstrap interval.

    口径: ``pull_fwd = −Σ_{t∈D}(Y_t − Ŷ_t) / Σ_{t∈campaign}(Y_t − Ŷ_t)``, campaign = preheat +
    burst + post (METHODS.md §1.1). NaN when the campaign lift is not positive; a bound is NaN
    when more than its tail of the draws has a non-positive campaign lift.

    Returns
    -------
    pandas.Series
        estimate, lower, upper.

    Raises
    ------
    ValueError
        If there is no dip window, or as :func:`incremental_by_phase`.
    """
    parts = _phase_draws(cf, windows)
    if "dip" not in parts:
        raise ValueError("pull-forward needs a dip window (回落期)")
    (ca, ce, cd), (da, de, dd) = parts["campaign"], parts["dip"]
    share = np.where(cd > 0, -dd / np.where(cd > 0, cd, 1.0), np.nan)
    tail = (1 - cf.level) / 2
    lo, hi = (
        np.nanquantile(share, [tail, 1 - tail])
        if np.isnan(share).mean() <= tail
        else (np.nan, np.nan)
    )
    lifted = ca - ce > 1e-9 * abs(ce)
    return pd.Series(
        {
            "estimate": -(da - de) / (ca - ce) if lifted else np.nan,
            "lower": float(lo),
            "upper": float(hi),
        }
    )


@dataclass(frozen=True)
class Coefficient:
    """One regression coefficient: estimate, standard error, interval, p-value, observations."""

    estimate: float
    se: float
    lower: float
    upper: float
    p_value: float
    n_obs: int


@dataclass(frozen=True)
class PretrendCheck(Coefficient):
    """Pre-period slope difference (treated − control); ``parallel`` is ``p_value >= alpha``."""

    parallel: bool


def _binary(x: ArrayLike, name: str, n: int) -> np.ndarray:
    a = np.asarray(x)
    if a.ndim != 1 or len(a) != n or not np.isin(a, [0, 1]).all():
        raise ValueError(f"{name} must be {n} values of 0/1 or True/False")
    return a.astype(bool)


def did_means(y: ArrayLike, treat: ArrayLike, post: ArrayLike) -> float:
    """Difference-in-differences of cell means.

    口径: ``δ = (Ȳ_T,post − Ȳ_T,pre) − (Ȳ_C,post − Ȳ_C,pre)`` (METHODS.md §1.1).

    Raises
    ------
    ValueError
        If ``y`` is not finite, ``treat``/``post`` are not 0/1 of the same length, or one of the
        four treat × post cells is empty.
    """
    v = np.asarray(y, dtype=float)
    if v.ndim != 1 or not np.isfinite(v).all():
        raise ValueError("y must be a one-dimensional array of finite numbers")
    t, p = _binary(treat, "treat", len(v)), _binary(post, "post", len(v))
    m = {}
    for a in (True, False):
        for b in (True, False):
            cell = v[(t == a) & (p == b)]
            if cell.size == 0:
                raise ValueError(f"cell treat={a:d}, post={b:d} is empty; every cell needs data")
            m[a, b] = float(cell.mean())
    return (m[True, True] - m[True, False]) - (m[False, True] - m[False, False])


def _ols_term(
    frame: pd.DataFrame, y: str, a: str, b: str, cluster: str | None, level: float
) -> Coefficient:
    """Coefficient of ``a × b`` in ``y = 1 + a + b + a·b`` (classical or cluster-robust SE)."""
    cols = [y, a, b] + ([cluster] if cluster else [])
    if not isinstance(frame, pd.DataFrame) or not set(cols) <= set(frame.columns):
        raise ValueError(f"frame must be a DataFrame with columns {cols}")
    yv, av, bv = (pd.to_numeric(frame[c], errors="coerce").to_numpy(dtype=float) for c in (y, a, b))
    if not (np.isfinite(yv).all() and np.isfinite(bv).all()):
        raise ValueError(f"{y} and {b} must be finite numbers")
    if cluster and frame[cluster].isna().any():
        raise ValueError(f"cluster column {cluster} has missing values")
    X = np.column_stack([np.ones(len(yv)), av, bv, av * bv])
    kw = (
        {"cov_type": "cluster", "cov_kwds": {"groups": pd.factorize(frame[cluster])[0]}}
        if cluster
        else {}
    )
    fit = OLS(yv, X).fit(**kw)
    lo, hi = fit.conf_int(alpha=1 - level)[3]
    return Coefficient(
        estimate=float(fit.params[3]),
        se=float(fit.bse[3]),
        lower=float(lo),
        upper=float(hi),
        p_value=float(fit.pvalues[3]),
        n_obs=len(yv),
    )


def did_ols(
    frame: pd.DataFrame,
    *,
    y: str = "y",
    treat: str = "treat",
    post: str = "post",
    cluster: str | None = None,
    level: float = 0.95,
) -> Coefficient:
    """Difference-in-differences by OLS: the coefficient δ on treat × post.

    口径: ``y = a + b·treat + c·post + δ·treat·post + ε`` (METHODS.md §1.1). The model is
    saturated, so δ equals :func:`did_means` exactly, balanced or not. Classical OLS SE, or
    cluster-robust by the ``cluster`` column (a store or SKU observed repeatedly).

    Raises
    ------
    ValueError
        On missing columns, non-binary treat/post, non-finite y or an empty cell.
    """
    if isinstance(frame, pd.DataFrame) and {y, treat, post} <= set(frame.columns):
        did_means(frame[y].to_numpy(dtype=float), frame[treat], frame[post])  # validates cells
    return _ols_term(frame, y, treat, post, cluster, level)


def pretrend_check(
    pre_frame: pd.DataFrame,
    *,
    y: str = "y",
    treat: str = "treat",
    period: str = "period",
    cluster: str | None = None,
    alpha: float = 0.05,
) -> PretrendCheck:
    """Parallel pre-trends: whether the treated group's pre-period slope differs from the control's.

    口径: on pre-period rows, ``y = a + b·treat + c·t + d·treat·t + ε`` with ``t`` the period
    index; ``d`` is the slope difference. Parallel trends (the DiD assumption, METHODS.md §1.1)
    are not rejected when ``p_value >= alpha`` (absence of evidence, not proof).

    Raises
    ------
    ValueError
        On missing columns, non-binary treat, non-finite values, or a group seen in fewer than
        two periods.
    """
    if isinstance(pre_frame, pd.DataFrame) and {treat, period} <= set(pre_frame.columns):
        g = _binary(pre_frame[treat], treat, len(pre_frame))
        t = pd.to_numeric(pre_frame[period], errors="coerce").to_numpy(dtype=float)
        if min(np.unique(t[g]).size, np.unique(t[~g]).size) < 2:
            raise ValueError("each group needs observations in at least two pre-periods")
    c = _ols_term(pre_frame, y, treat, period, cluster, 1 - alpha)
    return PretrendCheck(**vars(c), parallel=c.p_value >= alpha)


def cannibalisation_halo(
    y: pd.DataFrame,
    yhat: pd.DataFrame,
    substitutes: Sequence[Any],
    complements: Sequence[Any],
    *,
    promoted: Sequence[Any] | None = None,
    pull_forward: float = 0.0,
) -> pd.Series:
    """Net incremental effect after cannibalisation, halo and pull-forward.

    口径 (METHODS.md §1.1), summed over the rows (campaign days) of ``y`` (actual) and ``yhat``
    (counterfactual), one column per item: ``Lift_promoted = Σ_{i∈P}Σ_t(Y − Ŷ)``,
    ``Cannib = Σ_{j∈S}Σ_t(Ŷ − Y)``, ``Halo = Σ_{k∈H}Σ_t(Y − Ŷ)``,
    ``Net = Lift_promoted − Cannib + Halo − PullForward``.

    Parameters
    ----------
    y, yhat : frames with the same index and columns.
    substitutes, complements : column labels of S and H.
    promoted : column labels of P (default: every column not in S or H).
    pull_forward : amount paid back after the campaign, ``−Σ_dip(Y − Ŷ)`` of the promoted items
        (e.g. minus the ``dip`` incremental of :func:`incremental_by_phase`).

    Returns
    -------
    pandas.Series
        lift_promoted, cannibalisation, halo, pull_forward, net_incremental.

    Raises
    ------
    ValueError
        On mismatched frames, non-finite values, unknown or overlapping labels, no promoted item.
    """
    if not (
        isinstance(y, pd.DataFrame)
        and isinstance(yhat, pd.DataFrame)
        and y.index.equals(yhat.index)
        and y.columns.equals(yhat.columns)
    ):
        raise ValueError("y and yhat must be DataFrames with the same index and columns")
    diff = pd.Series(
        (y.to_numpy(dtype=float) - yhat.to_numpy(dtype=float)).sum(axis=0), index=y.columns
    )
    if not (np.isfinite(diff).all() and np.isfinite(pull_forward)):
        raise ValueError("y, yhat and pull_forward must be finite")
    s, h = list(substitutes), list(complements)
    p = [c for c in y.columns if c not in s + h] if promoted is None else list(promoted)
    if unknown := [c for c in s + h + p if c not in y.columns]:
        raise ValueError(f"unknown item(s) {unknown}; columns are {list(y.columns)}")
    if len(set(s + h + p)) != len(s + h + p) or not p:
        raise ValueError(
            "promoted, substitutes and complements must be disjoint, with at least "
            "one promoted item"
        )
    lift, cannib, halo = float(diff[p].sum()), float(-diff[s].sum()), float(diff[h].sum())
    return pd.Series(
        {
            "lift_promoted": lift,
            "cannibalisation": cannib,
            "halo": halo,
            "pull_forward": float(pull_forward),
            "net_incremental": lift - cannib + halo - float(pull_forward),
        }
    )

"""Peer position of a campaign KPI within its peer group (METHODS.md §6, "Peer position").

The peer group is the archived cases of the same category × platform. Report ``n`` next to every
percentile; below about 10 peers show raw ranks instead.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

__all__ = ["competition_rank", "daily_gmv_index", "percentile_rank", "robust_peer_z"]

PercentileKind = Literal["rank", "weak", "strict", "mean"]

_MAD_TO_SIGMA = 1.4826  # 1/Φ⁻¹(0.75)
_MEANAD_TO_SIGMA = 1.253314  # √(π/2)


def _peers(values: ArrayLike) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"values must be a non-empty one-dimensional array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("values contain NaN or infinite entries; drop peers without the KPI first")
    return arr


def percentile_rank(values: ArrayLike, score: float, kind: PercentileKind = "rank") -> float:
    """Percentile rank (0–100) of ``score`` among the peer ``values``.

    口径 (n peers; same definitions as ``scipy.stats.percentileofscore``):

    - ``"strict"``: ``100·#(v < score)/n`` — share of peers strictly below;
    - ``"weak"``: ``100·#(v ≤ score)/n`` — share at or below (the empirical CDF);
    - ``"mean"``: average of strict and weak;
    - ``"rank"``: average percentage rank of ``score`` — ``(#below + #at_or_below + 1{tie})·50/n``,
      i.e. equals ``"mean"`` shifted up by ``50/n`` when ``score`` ties a peer value, and equals
      strict = weak otherwise.

    On ``[1, 2, 3, 3, 4]`` with score 3: rank 70, weak 80, strict 40, mean 60. METHODS.md §6.

    Parameters
    ----------
    values : array-like of float
        KPI values of the peer group (finite, non-empty).
    score : float
        The campaign's KPI value.
    kind : {"rank", "weak", "strict", "mean"}, default "rank"

    Returns
    -------
    float
        Percentile in [0, 100].

    Raises
    ------
    ValueError
        Empty or non-finite ``values``, non-finite ``score``, or an unknown ``kind``.
    """
    arr = _peers(values)
    if not np.isfinite(score):
        raise ValueError(f"score must be finite, got {score!r}")
    n = arr.size
    below = int(np.count_nonzero(arr < score))
    at_or_below = int(np.count_nonzero(arr <= score))
    if kind == "strict":
        return 100.0 * below / n
    if kind == "weak":
        return 100.0 * at_or_below / n
    if kind == "mean":
        return 50.0 * (below + at_or_below) / n
    if kind == "rank":
        return 50.0 * (below + at_or_below + int(at_or_below > below)) / n
    raise ValueError(f"kind must be one of 'rank', 'weak', 'strict', 'mean'; got {kind!r}")


def robust_peer_z(values: ArrayLike, x: ArrayLike) -> float | np.ndarray:
    """Robust z-score of ``x`` against the peer distribution.

    口径: ``z = (x − median)/(1.4826·MAD)`` with ``MAD = median|v − median|`` over the peer
    ``values``; 1.4826·MAD estimates σ for normal data and ignores outlying peers. METHODS.md §6.

    **MAD = 0** (half or more of the peers equal the median) is handled explicitly: σ is then
    estimated by ``1.253314·mean|v − median|`` (as in
    :func:`fupan.metrics.anomaly.modified_zscore`); if that is 0 too (all peers equal) the score
    is 0 for ``x`` equal to the median and ±inf otherwise.

    Parameters
    ----------
    values : array-like of float
        KPI values of the peer group (finite, non-empty).
    x : float or array-like of float
        Value(s) to score.

    Returns
    -------
    float or numpy.ndarray
        A float for scalar ``x``, else an array of the same shape.

    Raises
    ------
    ValueError
        Empty or non-finite ``values`` or non-finite ``x``.
    """
    arr = _peers(values)
    xs = np.asarray(x, dtype=float)
    if not np.all(np.isfinite(xs)):
        raise ValueError("x must be finite")
    med = np.median(arr)
    dev = xs - med
    sigma = _MAD_TO_SIGMA * np.median(np.abs(arr - med))
    if sigma == 0:
        sigma = _MEANAD_TO_SIGMA * np.mean(np.abs(arr - med))
    if sigma > 0:
        z = dev / sigma
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(dev == 0, 0.0, np.sign(dev) * np.inf)
    return float(z) if z.ndim == 0 else z


def competition_rank(
    values: ArrayLike, score: float, higher_is_better: bool = True
) -> tuple[int, int]:
    """Raw rank of ``score`` among the peer ``values`` plus itself: ``(position, out_of)``.

    口径: ``position = 1 + #(peers strictly better than score)``, ``out_of = n + 1`` — standard
    competition ranking ("1224"), so a case tied with a peer shares its place; "better" is higher
    when ``higher_is_better`` else lower. What METHODS.md §6 shows below ~10 peers instead of a
    percentile ("3rd of 7").

    Raises
    ------
    ValueError
        Empty or non-finite ``values``, or non-finite ``score``.
    """
    arr = _peers(values)
    if not np.isfinite(score):
        raise ValueError(f"score must be finite, got {score!r}")
    better = np.count_nonzero(arr > score) if higher_is_better else np.count_nonzero(arr < score)
    return 1 + int(better), arr.size + 1


def daily_gmv_index(
    daily: pd.DataFrame, baseline_gmv_per_day: float, day0: dt.date | str
) -> pd.DataFrame:
    """Each day's GMV as an index of the baseline's average day, aligned by promotion day.

    口径: ``index_t = 100·GMV_t / (baseline GMV per day)`` — the same baseline as the dictionary's
    ``gmv_index`` (100 = an average baseline day), GMV summed over channels; ``day = t − day0`` in
    calendar days, ``day0`` = the first day of the burst window (爆发期). Days between the first
    and last date of ``daily`` without a row had no sale (index 0). METHODS.md §6 (indices
    against each case's own baseline), so cases of any size share one axis.

    Parameters
    ----------
    daily : DataFrame with columns ``date`` and ``gmv`` (any other columns, e.g. channel, summed over)
    baseline_gmv_per_day : float, > 0
    day0 : date of promotion day 0 (burst start)

    Returns
    -------
    DataFrame with columns ``day`` (int), ``date`` (ISO text) and ``index`` (float), one row a day.

    Raises
    ------
    ValueError
        Missing columns, no rows, or a baseline that is not a positive finite number.
    """
    if not {"date", "gmv"} <= set(daily.columns):
        raise ValueError(f"daily needs columns date and gmv, got {list(daily.columns)}")
    if daily.empty:
        raise ValueError("daily has no rows")
    if not (np.isfinite(baseline_gmv_per_day) and baseline_gmv_per_day > 0):
        raise ValueError(
            f"baseline GMV per day must be a positive number, got {baseline_gmv_per_day!r}"
        )
    gmv = (
        daily.assign(date=pd.to_datetime(daily["date"]).dt.normalize()).groupby("date")["gmv"].sum()
    )
    days = pd.date_range(gmv.index.min(), gmv.index.max(), freq="D")
    gmv = gmv.reindex(days, fill_value=0.0)
    offset = (days - pd.Timestamp(day0)).days.astype(int)
    return pd.DataFrame(
        {
            "day": offset,
            "date": days.strftime("%Y-%m-%d"),
            "index": 100.0 * gmv.to_numpy(dtype=float) / baseline_gmv_per_day,
        }
    )

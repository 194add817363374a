"""Root cause of a KPI gap: Adtributor and exact segment decompositions (METHODS.md §2.4, §2.5).

口径: Adtributor (Bhagwan et al. 2014) scores each element j of each dimension i (channel = live,
region = east, …) by explanatory power EP (its share of the gap between actual A and forecast F)
and surprise S (its Jensen–Shannon term, natural log, how much its share moved). Segment
decompositions split a GMV change into traffic, mix, CR and AOV with LMDI, or a ratio KPI into
mix and rate, exactly (parts sum to the change).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise

import numpy as np
import pandas as pd

from .decompose import lmdi, mix_rate

__all__ = [
    "adtributor",
    "adtributor_ratio",
    "adtributor_ratio_scores",
    "adtributor_scores",
    "explain",
    "rate_mix",
    "segment_decomposition",
    "segment_effects",
]

_CANDIDATE_COLUMNS = ["dimension", "elements", "explanatory_power", "surprise", "change"]
_CONTRIBUTION_COLUMNS = ["contribution", "rest"]
_FACTORS = ("traffic", "mix", "cr", "aov")
DIMENSION_LABELS_ZH = {
    "channel": "渠道",
    "region": "地区",
    "province": "省份",
    "city": "城市",
    "category": "品类",
    "price_band": "价格带",
    "platform": "平台",
    "device": "设备",
    "customer_type": "新老客",
    "segment": "分群",
    "sku": "SKU",
    "brand": "品牌",
}


def _table(
    frame: pd.DataFrame, keys: Sequence[str], values: Sequence[str], name: str
) -> pd.DataFrame:
    """Validated copy: key columns as given, value columns as finite non-negative floats."""
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{name} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in [*keys, *values] if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks column(s) {missing}; it has {list(frame.columns)}")
    if frame.empty:
        raise ValueError(f"{name} has no rows")
    if frame[list(keys)].isna().any().any():
        raise ValueError(f"{name} has missing values in {list(keys)}; fill or drop them first")
    if frame.duplicated(list(keys)).any():
        raise ValueError(f"{name} lists a {tuple(keys)} twice; aggregate upstream")
    out = frame[list(keys)].reset_index(drop=True)
    for col in values:
        x = pd.to_numeric(frame[col], errors="coerce").astype(float).to_numpy()
        if not np.isfinite(x).all() or (x < 0).any():
            raise ValueError(f"{name}.{col} must be finite and non-negative (an additive measure)")
        out[col] = x
    return out


def _js(p: pd.Series, q: pd.Series) -> pd.Series:
    """S = ½[p·ln(2p/(p+q)) + q·ln(2q/(p+q))] with 0·ln0 := 0 (METHODS.md §2.5)."""
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        tp = np.where(p > 0, p * np.log(p / m), 0.0)
        tq = np.where(q > 0, q * np.log(q / m), 0.0)
    return pd.Series(0.5 * (tp + tq), index=p.index)


def _totals(f: pd.DataFrame, name: str) -> tuple[pd.Series, pd.Series]:
    by = f.groupby("dimension", sort=False)
    tf, ta = by["forecast"].transform("sum"), by["actual"].transform("sum")
    if ((tf <= 0) | (ta <= 0)).any():
        raise ValueError(f"{name}: each dimension needs positive forecast and actual totals")
    return tf, ta


def adtributor_scores(frame: pd.DataFrame) -> pd.DataFrame:
    """Element scores of Adtributor for an additive measure (GMV, orders, UV; METHODS.md §2.5).

    口径: with F, A the totals *of the element's own dimension*, EP_ij = (A_ij − F_ij)/(A − F) and
    S_ij = ½[p·ln(2p/(p+q)) + q·ln(2q/(p+q))], p = F_ij/F, q = A_ij/A, 0·ln0 := 0.

    Parameters
    ----------
    frame : DataFrame
        One row per (``dimension``, ``element``) with ``forecast`` and ``actual`` (≥ 0).

    Returns
    -------
    DataFrame
        The four input columns plus ``explanatory_power``, ``surprise`` and ``change`` (A − F of
        the dimension), in input order.

    Raises
    ------
    ValueError
        On missing columns, no rows, duplicate elements, negative or non-finite values,
        non-positive totals, or a dimension whose totals did not change (A = F: no gap to explain).
    """
    f = _table(frame, ["dimension", "element"], ["forecast", "actual"], "frame")
    tf, ta = _totals(f, "frame")
    gap = ta - tf
    flat = sorted(set(f.loc[gap == 0, "dimension"]), key=str)
    if flat:
        raise ValueError(
            f"actual equals forecast in dimension(s) {flat}; there is no gap to explain"
        )
    return f.assign(
        explanatory_power=(f.actual - f.forecast) / gap,
        surprise=_js(f.forecast / tf, f.actual / ta),
        change=gap,
    )


def adtributor_ratio_scores(frame_num: pd.DataFrame, frame_den: pd.DataFrame) -> pd.DataFrame:
    """Element scores of Adtributor for a derived measure m₁/m₂ (CR, AOV; METHODS.md §2.5).

    口径: with ΔA_ij(m) = A_ij(m) − F_ij(m) and F(m) the forecast total of the dimension,
    raw_ij = [ΔA_ij(m₁)·F(m₂) − ΔA_ij(m₂)·F(m₁)] / [F(m₂)·(F(m₂) + ΔA_ij(m₂))], which is the
    change of the ratio if element j alone moved to its actual; EP_ij = raw_ij / Σ_j raw_ij so that
    EP sums to 1 within the dimension; S_ij = S_ij(m₁) + S_ij(m₂).

    Parameters
    ----------
    frame_num, frame_den : DataFrame
        Numerator (orders, GMV) and denominator (UV, orders) in the layout of
        :func:`adtributor_scores`, with the same (dimension, element) rows.

    Returns
    -------
    DataFrame
        ``dimension``, ``element``, ``explanatory_power``, ``surprise`` and ``change`` (A₁/A₂ − F₁/F₂
        of the dimension), in the order of ``frame_num``.

    Raises
    ------
    ValueError
        As in :func:`adtributor_scores`; also if the rows differ between the frames, F(m₂) + ΔA(m₂)
        is not positive, or the single-element changes sum to 0 (nothing to normalise).
    """
    n = _table(frame_num, ["dimension", "element"], ["forecast", "actual"], "frame_num")
    d = _table(frame_den, ["dimension", "element"], ["forecast", "actual"], "frame_den")
    f = n.merge(d, on=["dimension", "element"], how="left", suffixes=("_1", "_2"), indicator=True)
    if len(n) != len(d) or (f["_merge"] != "both").any():  # keys are unique, so equal sets
        raise ValueError("frame_num and frame_den must hold the same (dimension, element) rows")
    f1, a1 = _totals(
        f.rename(columns={"forecast_1": "forecast", "actual_1": "actual"}), "frame_num"
    )
    f2, a2 = _totals(
        f.rename(columns={"forecast_2": "forecast", "actual_2": "actual"}), "frame_den"
    )
    da1, da2 = f.actual_1 - f.forecast_1, f.actual_2 - f.forecast_2
    if ((f2 + da2) <= 0).any():
        raise ValueError("frame_den: F(m₂) + ΔA_ij(m₂) must be positive for every element")
    raw = (da1 * f2 - da2 * f1) / (f2 * (f2 + da2))
    norm = raw.groupby(f["dimension"], sort=False).transform("sum")
    if (norm.abs() <= 1e-12 * (f1 / f2)).any():
        raise ValueError(
            "the single-element changes of the ratio sum to 0 in some dimension; nothing to explain"
        )
    surprise = _js(f.forecast_1 / f1, f.actual_1 / a1) + _js(f.forecast_2 / f2, f.actual_2 / a2)
    return pd.DataFrame(
        {
            "dimension": f.dimension,
            "element": f.element,
            "explanatory_power": raw / norm,
            "surprise": surprise,
            "change": a1 / a2 - f1 / f2,
        }
    )


def _candidates(scores: pd.DataFrame, t_eep: float, t_ep: float, top: int) -> pd.DataFrame:
    if not (0 <= t_eep < 1 and 0 < t_ep <= 1 and t_eep < t_ep):
        raise ValueError(f"need 0 ≤ t_eep < t_ep ≤ 1; got t_eep={t_eep}, t_ep={t_ep}")
    if isinstance(top, bool) or not isinstance(top, int) or top < 1:
        raise ValueError(f"top must be a positive integer, got {top!r}")
    rows = []
    for dim, g in scores.groupby("dimension", sort=False):
        ranked = g.sort_values(["surprise", "explanatory_power"], ascending=False, kind="stable")
        chosen: list[object] = []
        ep, s = 0.0, 0.0
        for el, e, su in zip(
            ranked.element, ranked.explanatory_power, ranked.surprise, strict=True
        ):
            if e > t_eep:
                chosen, ep, s = [*chosen, el], ep + e, s + su
                if ep > t_ep:
                    rows.append((dim, tuple(chosen), ep, s, float(g.change.iloc[0])))
                    break
    out = pd.DataFrame(rows, columns=_CANDIDATE_COLUMNS).astype(
        {"explanatory_power": float, "surprise": float, "change": float}
    )
    # contributions in the measure's unit: EP·(A − F) for the chosen elements, the rest for the
    # other elements of the dimension (they moved the other way when EP > 1); they sum to A − F
    contribution = out.explanatory_power * out.change
    out = out.assign(contribution=contribution, rest=out.change - contribution)
    return (
        out.sort_values(["surprise", "explanatory_power"], ascending=False, kind="stable")
        .head(top)
        .reset_index(drop=True)
    )


def adtributor(
    frame: pd.DataFrame, t_eep: float = 0.1, t_ep: float = 0.67, top: int = 3
) -> pd.DataFrame:
    """Adtributor root-cause candidates for an additive measure (Bhagwan et al. 2014; METHODS.md §2.5).

    口径: per dimension, elements sorted by surprise S (descending; ties by EP) are kept when
    EP > ``t_eep`` and accumulated until ΣEP > ``t_ep``; a dimension that never gets there yields
    no candidate. Candidates of all dimensions are ranked by their summed surprise.

    Parameters
    ----------
    frame : DataFrame
        As in :func:`adtributor_scores`.
    t_eep : float, default 0.1
        Minimum explanatory power of an element (T_EEP).
    t_ep : float, default 0.67
        Explanatory power a candidate set must exceed (T_EP).
    top : int, default 3
        Number of candidates returned.

    Returns
    -------
    DataFrame
        Up to ``top`` rows, best first: ``dimension``, ``elements`` (tuple, in selection order),
        ``explanatory_power`` (ΣEP), ``surprise`` (ΣS), ``change`` (A − F of the dimension),
        ``contribution`` (ΣEP × change: the chosen elements' A − F) and ``rest`` (change −
        contribution: the other elements', of the opposite sign when ΣEP > 1), so that
        contribution + rest = change exactly. Empty (same columns) when no dimension explains
        more than ``t_ep``.

    Raises
    ------
    ValueError
        As in :func:`adtributor_scores`, or on thresholds outside 0 ≤ t_eep < t_ep ≤ 1 or top < 1.
    """
    return _candidates(adtributor_scores(frame), t_eep, t_ep, top)


def adtributor_ratio(
    frame_num: pd.DataFrame,
    frame_den: pd.DataFrame,
    t_eep: float = 0.1,
    t_ep: float = 0.67,
    top: int = 3,
) -> pd.DataFrame:
    """Adtributor candidates for a ratio m₁/m₂ such as CR = orders/UV or AOV = GMV/orders.

    口径: :func:`adtributor`'s procedure on the scores of :func:`adtributor_ratio_scores`
    (METHODS.md §2.5). Parameters, return value and errors as there; ``change`` is the change of
    the ratio A₁/A₂ − F₁/F₂.
    """
    return _candidates(adtributor_ratio_scores(frame_num, frame_den), t_eep, t_ep, top)


def _segments(frame: pd.DataFrame, segment: str, name: str, columns: Sequence[str]) -> pd.DataFrame:
    """Validated per-segment table; each (numerator, denominator) pair must not be x > 0 over 0."""
    t = _table(frame, [segment], columns, name).set_index(segment)
    for den, num in pairwise(columns):
        bad = (t[den] == 0) & (t[num] > 0)
        if bad.any():
            raise ValueError(
                f"{name}: {num} > 0 with {den} = 0 in segment(s) {list(t.index[bad][:5])}"
            )
    return t


def _align(b: pd.DataFrame, c: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both periods on the union of segments (base order, then new ones); absent = 0."""
    idx = b.index.append(c.index.difference(b.index, sort=False))
    return b.reindex(idx, fill_value=0.0), c.reindex(idx, fill_value=0.0)


def segment_effects(base: pd.DataFrame, current: pd.DataFrame, segment: str) -> pd.DataFrame:
    """Per-segment LMDI split of a GMV change into traffic, mix, CR and AOV (METHODS.md §2.2, §2.4).

    口径: G_s = UV·share_s·CR_s·AOV_s with UV = Σ_s uv_s (a user in two segments counts twice),
    share_s = uv_s/UV, CR_s = orders_s/uv_s, AOV_s = gmv_s/orders_s, so G_s = gmv_s;
    ΔG_ks = L(G_s1, G_s0)·ln(x_ks1/x_ks0) by :func:`fupan.metrics.decompose.lmdi`, and
    Σ_k ΔG_ks = G_s1 − G_s0 exactly. **Zeros** (Ang & Liu 2007 limits, as in ``lmdi``): the factor
    that is zero in one period takes the whole segment change, and the factors after it, 0/0 there,
    take none: a segment new or gone (uv = 0) goes wholly to mix, one with visitors but no orders
    in a period to CR, one with orders but no GMV to AOV.

    Parameters
    ----------
    base, current : DataFrame
        One row per segment: the ``segment`` column and ``uv``, ``orders``, ``gmv`` (≥ 0).
        Segments missing from one frame count as zero there.
    segment : str
        Name of the segment column (e.g. ``"channel"``).

    Returns
    -------
    DataFrame
        Indexed by segment (base order, then new ones): ``gmv_base``, ``gmv_current``, ``traffic``,
        ``mix``, ``cr``, ``aov`` and ``rule`` (``"lmdi"`` or ``"zero:<factor>"``).

    Raises
    ------
    ValueError
        On missing columns, empty frames, duplicate segments, negative or non-finite values,
        orders > 0 with uv = 0, gmv > 0 with orders = 0, or a period with no UV at all.
    """
    b, c = _align(
        _segments(base, segment, "base", ["uv", "orders", "gmv"]),
        _segments(current, segment, "current", ["uv", "orders", "gmv"]),
    )
    u0, u1 = b.uv.sum(), c.uv.sum()
    if u0 <= 0 or u1 <= 0:
        raise ValueError(f"both periods need UV > 0 in total; got base {u0}, current {u1}")
    rows = []
    for s in b.index:
        f0, f1 = (
            {
                "traffic": u,
                "mix": t.uv[s] / u,
                "cr": t.orders[s] / t.uv[s] if t.uv[s] > 0 else np.nan,
                "aov": t.gmv[s] / t.orders[s] if t.orders[s] > 0 else np.nan,
            }
            for t, u in ((b, u0), (c, u1))
        )
        # a 0/0 factor follows a factor that is 0 (uv or orders), which takes the whole change under
        # lmdi's zero rule whatever the placeholder; 1 keeps every factor finite
        f0, f1 = ({k: 1.0 if np.isnan(v) else v for k, v in f.items()} for f in (f0, f1))
        zero = [k for k in _FACTORS if f0[k] == 0 or f1[k] == 0]
        rows.append(
            {
                "gmv_base": b.gmv[s],
                "gmv_current": c.gmv[s],
                **lmdi(f0, f1).to_dict(),
                "rule": f"zero:{zero[0]}" if zero else "lmdi",
            }
        )
    return pd.DataFrame(rows, index=b.index)


def segment_decomposition(base: pd.DataFrame, current: pd.DataFrame, segment: str) -> pd.Series:
    """Traffic, mix, CR and AOV effects of a GMV change across segments (METHODS.md §2.4).

    口径: ΔG_k = Σ_s L(G_s1, G_s0)·ln(x_ks1/x_ks0), x = (UV, share_s, CR_s, AOV_s); the four
    effects sum to G₁ − G₀ exactly. Definitions, zero rules and errors: :func:`segment_effects`.

    Returns
    -------
    Series
        ``traffic``, ``mix``, ``cr``, ``aov`` in money.
    """
    return segment_effects(base, current, segment)[list(_FACTORS)].sum().astype(float)


def rate_mix(
    base: pd.DataFrame, current: pd.DataFrame, segment: str, num: str, den: str
) -> pd.Series:
    """Mix vs rate split of a ratio KPI num/den across segments (METHODS.md §2.4).

    口径: R = Σ_s w_s·c_s with w_s = den_s/Σden and c_s = num_s/den_s (CR: num="orders",
    den="uv"; AOV: num="gmv", den="orders"), split by :func:`fupan.metrics.decompose.mix_rate`'s
    exact midpoint rule. A segment absent (den = 0) in one period keeps the other period's rate
    there, so its whole contribution is mix.

    Parameters
    ----------
    base, current : DataFrame
        One row per segment with ``segment``, ``num`` and ``den`` columns (≥ 0).
    segment, num, den : str
        Column names.

    Returns
    -------
    Series
        ``mix``, ``rate`` and ``total`` (= R₁ − R₀).

    Raises
    ------
    ValueError
        On missing columns, duplicates, negative values, num > 0 with den = 0, or Σden = 0.
    """
    b, c = _align(
        _segments(base, segment, "base", [den, num]),
        _segments(current, segment, "current", [den, num]),
    )
    if b[den].sum() <= 0 or c[den].sum() <= 0:
        raise ValueError(f"both periods need Σ{den} > 0")
    r0, r1 = b[num] / b[den].where(b[den] > 0), c[num] / c[den].where(c[den] > 0)
    r0, r1 = r0.fillna(r1).fillna(0.0), r1.fillna(r0).fillna(0.0)
    return mix_rate(b[den] / b[den].sum(), r0, c[den] / c[den].sum(), r1)


def explain(
    candidates: pd.DataFrame,
    lang: str = "zh",
    labels: Mapping[str, str] | None = None,
    top: int = 3,
) -> list[str]:
    """Plain-language sentences for the top Adtributor candidates.

    口径: "渠道 = live 解释了 68% 的缺口" / "channel = live explains 68% of the gap", with the
    candidate's explanatory power (ΣEP, METHODS.md §2.5) as a percentage. Above 100 % the other
    elements of the dimension moved the opposite way: the sentence then gives their share too
    (1 − ΣEP, negative), so that the two sum to 100 % of the change ("其余元素反向 −16%，合计
    100%"); "缺口/gap" when the measure fell (``change`` < 0), "增长/rise" when it rose. Several
    elements are joined by "、"/", ".

    Parameters
    ----------
    candidates : DataFrame
        Output of :func:`adtributor` or :func:`adtributor_ratio`, already ranked.
    lang : {"zh", "en"}
        Language.
    labels : mapping, optional
        Display names of dimensions; by default zh uses :data:`DIMENSION_LABELS_ZH` and en the raw
        dimension name.
    top : int, default 3
        Number of sentences.

    Returns
    -------
    list of str
        One sentence per candidate, best first; empty when there is no candidate.

    Raises
    ------
    ValueError
        On an unknown ``lang``, ``top`` < 1 or a frame without the candidate columns.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"unknown language {lang!r}; use 'zh' or 'en'")
    if top < 1:
        raise ValueError(f"top must be at least 1, got {top}")
    if not isinstance(candidates, pd.DataFrame) or any(
        c not in candidates for c in _CANDIDATE_COLUMNS
    ):
        raise ValueError(
            f"candidates must be the output of adtributor, with columns {_CANDIDATE_COLUMNS}"
        )
    names = dict(DIMENSION_LABELS_ZH if lang == "zh" else {}) | dict(labels or {})
    out = []
    for row in candidates.head(top).itertuples(index=False):
        dim = names.get(str(row.dimension), str(row.dimension))
        if lang == "zh":
            els, what = "、".join(map(str, row.elements)), "缺口" if row.change < 0 else "增长"
            more = (
                f"（其余元素反向变动 {1 - row.explanatory_power:+.0%}，合计 100%）"
                if row.explanatory_power > 1.005
                else ""
            )
            out.append(f"{dim} = {els} 解释了 {row.explanatory_power:.0%} 的{what}{more}")
        else:
            els, what = ", ".join(map(str, row.elements)), "gap" if row.change < 0 else "rise"
            more = (
                f" (the other elements moved the other way, {1 - row.explanatory_power:+.0%}; "
                "100% in all)"
                if row.explanatory_power > 1.005
                else ""
            )
            out.append(f"{dim} = {els} explains {row.explanatory_power:.0%} of the {what}{more}")
    return out

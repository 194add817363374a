"""Similarity of cases over mixed attributes: Gower's coefficient (METHODS.md §6, "Nearest cases").

Gower (1971), *A general coefficient of similarity and some of its properties*, Biometrics 27(4):
857–871. Nominal and numeric attributes are combined, each scaled to [0, 1], and an attribute
missing for either case is left out of that pair's average (Gower's δ_ijk).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

__all__ = ["gower_distance", "gower_similarity"]


def _missing(col: pd.Series) -> np.ndarray:
    return np.asarray(col.isna().to_numpy(), dtype=bool)


def gower_distance(
    x: pd.DataFrame,
    y: pd.DataFrame | None = None,
    *,
    nominal: Sequence[str] = (),
    weights: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Gower distance between every row of ``x`` and every row of ``y`` (``y`` = ``x`` if None).

    口径 (METHODS.md §6)::

        d_ij = Σ_k w_k·δ_ijk·s_ijk / Σ_k w_k·δ_ijk
        numeric k:  s_ijk = |x_ik − x_jk| / R_k,  R_k = max − min of k over the rows of x and y
        nominal k:  s_ijk = 1{x_ik ≠ x_jk}
        δ_ijk = 0 when k is missing (NaN/None) for i or j, else 1

    A numeric attribute with ``R_k = 0`` (one value throughout) adds 0. A pair with no attribute
    observed in both rows has no distance: NaN, never 0. Equal to PyPI ``gower.gower_matrix``
    (which ranges over the same stacked rows) when no value is missing; that package does not
    implement δ (a missing numeric value makes its distance NaN), so with missing values it agrees
    pair by pair on the attributes both rows have.

    Parameters
    ----------
    x, y : DataFrame
        The same columns in the same order; ``nominal`` columns may hold any hashable values,
        the others must be numeric.
    nominal : sequence of str
        Columns compared by equality; the rest are numeric.
    weights : mapping column → weight ≥ 0, optional
        ``w_k``; 1 for every column not named. A weight of 0 leaves the column out.

    Returns
    -------
    numpy.ndarray
        ``len(x) × len(y)`` distances in [0, 1] (NaN where nothing is comparable).

    Raises
    ------
    ValueError
        Different columns in ``x`` and ``y``, an unknown nominal or weighted column, a negative or
        non-finite weight, or a non-numeric value in a numeric column.
    """
    y = x if y is None else y
    if list(x.columns) != list(y.columns):
        raise ValueError(
            f"x and y must have the same columns in the same order: {list(x.columns)} vs {list(y.columns)}"
        )
    cols = list(x.columns)
    unknown = [c for c in [*nominal, *(weights or {})] if c not in cols]
    if unknown:
        raise ValueError(f"unknown column(s) {unknown}; columns are {cols}")
    w = {c: float((weights or {}).get(c, 1.0)) for c in cols}
    if any(not np.isfinite(v) or v < 0 for v in w.values()):
        raise ValueError(f"weights must be finite and ≥ 0, got {w}")
    nx, ny = len(x), len(y)
    num = np.zeros((nx, ny))
    den = np.zeros((nx, ny))
    for c in cols:
        if w[c] == 0:
            continue
        mx, my = _missing(x[c]), _missing(y[c])
        both = ~mx[:, None] & ~my[None, :]
        if c in nominal:
            a = x[c].to_numpy(dtype=object)
            b = y[c].to_numpy(dtype=object)
            s = (a[:, None] != b[None, :]).astype(float)
        else:
            try:
                a = pd.to_numeric(x[c], errors="raise").to_numpy(dtype=float)
                b = pd.to_numeric(y[c], errors="raise").to_numpy(dtype=float)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"column {c!r} is not numeric; list it in nominal= if it is a category"
                ) from exc
            if np.isinf(a).any() or np.isinf(b).any():
                raise ValueError(f"column {c!r} holds an infinite value")
            pooled = np.concatenate([a[~mx], b[~my]])
            r = float(pooled.max() - pooled.min()) if pooled.size else 0.0
            with np.errstate(invalid="ignore"):
                s = np.abs(a[:, None] - b[None, :]) / r if r > 0 else np.zeros((nx, ny))
        num += np.where(both, w[c] * s, 0.0)
        den += np.where(both, w[c], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def gower_similarity(
    x: pd.DataFrame,
    y: pd.DataFrame | None = None,
    *,
    nominal: Sequence[str] = (),
    weights: Mapping[str, float] | None = None,
) -> np.ndarray:
    """Gower similarity ``1 − d_ij`` (see :func:`gower_distance` for the 口径).

    NaN where no attribute is observed in both rows. METHODS.md §6 returns the k most similar
    cases by it.
    """
    return 1.0 - gower_distance(x, y, nominal=nominal, weights=weights)

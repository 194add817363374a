"""The one rate helper the ops metrics share.

A ratio is not measured (NaN, never 0) where it has no denominator.
"""

from __future__ import annotations

import pandas as pd


def ratio(a: pd.Series, b: pd.Series) -> pd.Series:
    """``a / b`` as floats, NaN (not measured, never 0) where ``b`` is 0 or missing."""
    return (a.astype(float) / b.astype(float).where(b > 0)).astype(float)

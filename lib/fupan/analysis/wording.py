"""Plain words for the report body: causes with display names, significance as 显著/不显著.

The statistics stay in the appendix (and in tooltips); the body says what a reader needs — which
channel, whether a difference is real — in the names an operations team uses.
"""

from __future__ import annotations

import math

import pandas as pd

from ..format import Style, p_text

__all__ = ["cause_sentences", "element_name", "p_text", "significance"]
from ..i18n import CATALOGUE, t
from ..metrics import rootcause as rc
from .results import DayCause, GapCause

#: dimension of a root-cause candidate → the kind of display name its elements take
_NAME_KIND = {"channel": "channel", "customer_type": "customer_type", "platform": "platform"}


def element_name(dimension: str, element: object, style: Style) -> str:
    """The display name of one element of a root-cause dimension.

    ``organic`` → 免费·自然流量, ``returning`` → 老客; other elements (categories, price bands)
    as they are.
    """
    key = str(element)
    if dimension == "customer_type" and key in ("new", "returning"):
        return t(f"customer_{key}", style.lang)
    return style.name(_NAME_KIND.get(dimension, dimension), key)


def cause_sentences(cause: DayCause | GapCause | None, style: Style, top: int = 3) -> list[str]:
    """Adtributor's top causes as sentences in ``style``'s language.

    Every element is shown by its display name; none without candidates.
    """
    if cause is None or cause.candidates.empty:
        return []
    cands: pd.DataFrame = cause.candidates.copy()
    cands["elements"] = [
        tuple(element_name(str(d), e, style) for e in els)
        for d, els in zip(cands.dimension, cands.elements, strict=True)
    ]
    # each dimension by its display name in the report's language (English showed 'customer_type')
    labels = {str(d): t(f"dim_{d}", style.lang) for d in cands.dimension if f"dim_{d}" in CATALOGUE}
    return rc.explain(cands, style.lang, labels=labels, top=top)


def significance(p: float | None, alpha: float = 0.05, lang: str = "zh") -> str:
    """显著 / 不显著 (significant / not significant) at ``alpha``; — when not tested."""
    if p is None or not math.isfinite(p):
        return "—"
    return t("significant" if p < alpha else "not_significant", lang)

"""Number formatting for reports: money in 万/亿 (zh) or K/M (en), ratios as percentages."""
from __future__ import annotations

import math


def money(x: float, lang: str = "zh", digits: int = 1, symbol: str = "¥") -> str:
    """``1234567`` → ``¥123.5万`` (zh) or ``¥1.2M`` (en); NaN → ``—``."""
    if x is None or not math.isfinite(x):
        return "—"
    sign = "-" if x < 0 else ""
    a = abs(x)
    if lang == "zh":
        for unit, div in (("亿", 1e8), ("万", 1e4)):
            if a >= div:
                return f"{sign}{symbol}{a / div:,.{digits}f}{unit}"
    else:
        for unit, div in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
            if a >= div:
                return f"{sign}{symbol}{a / div:,.{digits}f}{unit}"
    return f"{sign}{symbol}{a:,.{digits}f}"


def number(x: float, digits: int = 0) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:,.{digits}f}"


def pct(x: float, digits: int = 1) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.{digits}%}"


def value(x: float, unit: str, lang: str = "zh") -> str:
    """Format a KPI value by its dictionary unit (money, count, ratio, index, multiple)."""
    if unit == "money":
        return money(x, lang, digits=2 if x is not None and math.isfinite(x) and abs(x) < 1e4 else 1)
    if unit == "ratio":
        return pct(x, 2)
    if unit == "index":
        return number(x, 1)
    if unit == "multiple":
        return "—" if x is None or not math.isfinite(x) else f"{x:.2f}×"
    return number(x)

"""Number formatting for reports: money in 万/亿 (zh) or K/M (en), ratios as percentages.

Money is shown in the card's currency (``currency:``, ISO 4217): its symbol before the amount
(``£231.1万``, ``$1.2M``) and its name in axis titles (``GMV（英镑）``, ``GMV (GBP)``). A code
without a known symbol is written out (``CHF 1.2M``).
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

#: In a share-safe report (``fupan run --share-safe``) every amount of money is shown as an index:
#: 100 = the average daily GMV of the baseline window. Ratios between amounts (ROAS, shares, the
#: waterfall's proportions) are unchanged; the absolute size of the business is not disclosed.
#: A module global, not a ContextVar: IPython runs each notebook cell in a fresh context copy.
_INDEX_BASE: float | None = None
INDEX_LABEL = {"zh": "指数", "en": "idx "}

#: ISO 4217 code → (symbol, Chinese name, English name). ¥ alone means yuan; yen is JP¥.
CURRENCIES: dict[str, tuple[str, str, str]] = {
    "CNY": ("¥", "元", "CNY"), "GBP": ("£", "英镑", "GBP"), "USD": ("$", "美元", "USD"),
    "EUR": ("€", "欧元", "EUR"), "HKD": ("HK$", "港元", "HKD"), "JPY": ("JP¥", "日元", "JPY"),
    "TWD": ("NT$", "新台币", "TWD"), "SGD": ("S$", "新加坡元", "SGD"), "AUD": ("A$", "澳元", "AUD"),
    "CAD": ("C$", "加元", "CAD"), "KRW": ("₩", "韩元", "KRW"), "MOP": ("MOP$", "澳门元", "MOP"),
}
#: the currency of the report being built (module state for the same reason as _INDEX_BASE)
_CURRENCY = "CNY"


def set_currency(code: str) -> None:
    """Show money in ``code`` (ISO 4217, e.g. ``GBP``) from now on."""
    global _CURRENCY
    if not (isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()):
        raise ValueError(f"currency must be an ISO 4217 code such as CNY or GBP, got {code!r}")
    _CURRENCY = code


def currency() -> str:
    return _CURRENCY


def currency_symbol(code: str | None = None) -> str:
    """``¥`` for CNY, ``£`` for GBP …; an unknown code is written out with a space (``CHF ``)."""
    code = code or _CURRENCY
    return CURRENCIES[code][0] if code in CURRENCIES else f"{code} "


def currency_name(lang: str = "zh", code: str | None = None) -> str:
    """The currency's name for axis titles and units: ``元``/``CNY``, ``英镑``/``GBP``."""
    code = code or _CURRENCY
    if code not in CURRENCIES:
        return code
    return CURRENCIES[code][1 if lang == "zh" else 2]


def set_money_index(base: float | None) -> None:
    """Show money as an index to ``base`` (= 100) from now on; ``None`` shows amounts again."""
    global _INDEX_BASE
    if base is not None and not (math.isfinite(base) and base > 0):
        raise ValueError(f"money index base must be a positive number, got {base!r}")
    _INDEX_BASE = base


def money_index_base() -> float | None:
    return _INDEX_BASE


@contextmanager
def money_as_index(base: float | None) -> Iterator[None]:
    previous = _INDEX_BASE
    set_money_index(base)
    try:
        yield
    finally:
        set_money_index(previous)


def money(x: float, lang: str = "zh", digits: int = 1, symbol: str | None = None) -> str:
    """``1234567`` → ``¥123.5万`` (zh) or ``¥1.2M`` (en); NaN → ``—``.

    The symbol is the current currency's (:func:`set_currency`) unless ``symbol`` is given.

    Share-safe (:func:`set_money_index`): ``指数1,523`` / ``idx 1,523``, 100 = the baseline's
    average daily GMV; one decimal below 100.
    """
    if x is None or not math.isfinite(x):
        return "—"
    sign = "-" if x < 0 else ""
    a = abs(x)
    if symbol is None:
        symbol = currency_symbol()
    if _INDEX_BASE is not None:
        i = a / _INDEX_BASE * 100
        return f"{sign}{INDEX_LABEL.get(lang, INDEX_LABEL['en'])}{i:,.{1 if i < 100 else 0}f}"
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

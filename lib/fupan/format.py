"""Number formatting for reports: money in 万/亿 (zh) or K/M (en), ratios as percentages.

Money is shown in the card's currency (``currency:``, ISO 4217): its symbol before the amount
(``£231.1万``, ``$1.2M``) and its name in axis titles (``GMV（英镑）``, ``GMV (GBP)``). A code
without a known symbol is written out (``CHF 1.2M``).

How one report formats is a :class:`Style` value — its language, its currency and, for a
share-safe report, the money index — passed to every render function, chart and finding. Nothing
here is module state: two reports built in one process each format as if built alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

#: ISO 4217 code → (symbol, Chinese name, English name). ¥ alone means yuan; yen is JP¥.
CURRENCIES: dict[str, tuple[str, str, str]] = {
    "CNY": ("¥", "元", "CNY"),
    "GBP": ("£", "英镑", "GBP"),
    "USD": ("$", "美元", "USD"),
    "EUR": ("€", "欧元", "EUR"),
    "HKD": ("HK$", "港元", "HKD"),
    "JPY": ("JP¥", "日元", "JPY"),
    "TWD": ("NT$", "新台币", "TWD"),
    "SGD": ("S$", "新加坡元", "SGD"),
    "AUD": ("A$", "澳元", "AUD"),
    "CAD": ("C$", "加元", "CAD"),
    "KRW": ("₩", "韩元", "KRW"),
    "MOP": ("MOP$", "澳门元", "MOP"),
}
#: In a share-safe report every amount of money is an index, 100 = the baseline's daily GMV.
INDEX_LABEL = {"zh": "指数", "en": "idx "}
LANGS = ("zh", "en")


def check_currency(code: object) -> str:
    """``code`` if it is an ISO 4217 code (three capital letters); ValueError otherwise."""
    if not (isinstance(code, str) and len(code) == 3 and code.isalpha() and code.isupper()):
        raise ValueError(f"currency must be an ISO 4217 code such as CNY or GBP, got {code!r}")
    return code


def check_index(base: float | None) -> float | None:
    """``base`` if it is None or a positive finite number; ValueError otherwise."""
    if base is not None and not (
        isinstance(base, int | float) and math.isfinite(base) and base > 0
    ):
        raise ValueError(f"money index base must be a positive number, got {base!r}")
    return base


def currency_symbol(code: str = "CNY") -> str:
    """``¥`` for CNY, ``£`` for GBP …; an unknown code is written out with a space (``CHF ``)."""
    return CURRENCIES[code][0] if code in CURRENCIES else f"{code} "


def currency_name(lang: str = "zh", code: str = "CNY") -> str:
    """The currency's name for axis titles and units: ``元``/``CNY``, ``英镑``/``GBP``."""
    if code not in CURRENCIES:
        return code
    return CURRENCIES[code][1 if lang == "zh" else 2]


def _units(lang: str) -> tuple[tuple[str, float], ...]:
    """Money's units, largest first: 亿/万 in Chinese, B/M/K otherwise."""
    return (("亿", 1e8), ("万", 1e4)) if lang == "zh" else (("B", 1e9), ("M", 1e6), ("K", 1e3))


def money(
    x: float | None,
    lang: str = "zh",
    digits: int | None = None,
    symbol: str | None = None,
    *,
    currency: str = "CNY",
    index: float | None = None,
) -> str:
    """``1234567`` → ``¥123.5万`` (zh) or ``¥1.23M`` (en); ``8000`` → ``¥8,000``; NaN → ``—``.

    ``digits`` (default: one decimal before a unit — two before K/M/B below 10, so that an English
    amount keeps three figures as a Chinese one in 万 does — trailing zeros dropped; whole amounts
    from 100 below the smallest unit, one decimal below 100 without a trailing ``.0``: ``¥0``)
    fixes the decimals everywhere, e.g. ``digits=2`` for a price: ``-¥473.52``.

    The symbol is ``currency``'s unless ``symbol`` is given. With ``index`` (share-safe):
    ``指数1,523`` / ``idx 1,523``, 100 = ``index`` (the baseline's average daily GMV); one decimal
    below 100.
    """
    if x is None or not math.isfinite(x):
        return "—"
    sign = "-" if x < 0 else ""
    a = abs(x)
    if symbol is None:
        symbol = currency_symbol(currency)
    if index is not None:
        i = a / index * 100
        d = 1 if 0 < i < 100 else 0  # 指数0, 指数4.5, 指数1,523
        return f"{sign}{INDEX_LABEL.get(lang, INDEX_LABEL['en'])}{i:,.{d}f}"
    for unit, div in _units(lang):
        if a >= div:
            if digits is None:
                # three figures at least: ¥1.99M (not ¥2M beside a ¥2M target), ¥12.3M, ¥199万
                d = 2 if lang != "zh" and a / div < 10 else 1
                scaled = f"{a / div:,.{d}f}".rstrip("0").rstrip(".")  # ¥1,573万, ¥1.5K
            else:
                d = digits
                scaled = f"{a / div:,.{d}f}"
                if d and scaled.endswith("." + "0" * d):
                    scaled = scaled[: -d - 1]  # ¥1,573万, never ¥1,573.0万
            return f"{sign}{symbol}{scaled}{unit}"
    if digits is None:  # below the smallest unit: whole amounts from 100 up (¥8,000), else 1
        # decimal without a trailing .0 (¥12.5, ¥12, ¥0 — never ¥0.0 nor -¥0)
        shown = f"{a:,.{0 if a >= 100 else 1}f}".removesuffix(".0")
        return f"{sign if shown != '0' else ''}{symbol}{shown}"
    return f"{sign}{symbol}{a:,.{digits}f}"


def money_ticks(
    values: list[float],
    lang: str = "zh",
    symbol: str | None = None,
    *,
    currency: str = "CNY",
    index: float | None = None,
) -> list[str]:
    """Labels of an axis's money ticks: the fewest decimals (0 to 2) at which every tick in
    万/亿 (K/M/B) reads its own exact value — ``¥1万 ¥1.2万 ¥1.4万``, never ``¥1万`` three times
    for 10,000, 12,000 and 14,000 — and amounts below the smallest unit whole (``¥8,000``).
    Each label is as short as its own value allows (``¥1万 ¥1.25万 ¥1.5万``). Ticks are round
    numbers, so two decimals suffice; a share-safe ``index`` is whole."""
    units = [div for _, div in _units(lang)]
    small = units[-1]

    def exact(v: float, d: int) -> bool:
        div = next((u for u in units if abs(v) >= u), None)
        return div is None or abs(round(abs(v) / div, d) - abs(v) / div) < 1e-9

    def digits(v: float, most: int) -> int:  # each label as short as its value allows
        if abs(v) < small:
            return 0
        return next((d for d in range(most + 1) if exact(v, d)), most)

    labels: list[str] = []
    for most in (0, 1, 2):
        labels = [
            money(v, lang, digits(v, most), symbol, currency=currency, index=index) for v in values
        ]
        if all(exact(v, most) for v in values) and len(set(labels)) == len(labels):
            break
    return labels


def number(x: float | None, digits: int = 0) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:,.{digits}f}"


def pct(x: float | None, digits: int = 1) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.{digits}%}"


#: comparison operators as a reader writes them
OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


def p_text(p: float | None) -> str:
    """A p-value for a tooltip or the appendix: ``p < 0.001`` rather than ``7.8e-20``; ``—``
    when not tested."""
    if p is None or not math.isfinite(p):
        return "—"
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def signed(x: float | None, digits: int = 2) -> str:
    """``+0.42`` / ``-1.10``; not measured → ``—`` (never ``nan``)."""
    return "—" if x is None or not math.isfinite(x) else f"{x:+.{digits}f}"


@dataclass(frozen=True)
class Style:
    """How one report writes: its language, its currency and (share-safe) its money index.

    ``money_index``: ``None`` shows amounts; a positive number shows every amount as an index,
    100 = that number (the baseline window's average daily GMV). Ratios are unchanged.
    """

    lang: str = "zh"
    money_index: float | None = None
    currency: str = "CNY"
    #: display names of data keys — ``((kind, key, 中文, English), …)``, kind ``channel``,
    #: ``platform`` or ``category`` — so that a report never shows a raw key (``live`` → 自播)
    names: tuple[tuple[str, str, str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"unknown language {self.lang!r}; use 'zh' or 'en'")
        check_currency(self.currency)
        check_index(self.money_index)

    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    @property
    def share_safe(self) -> bool:
        return self.money_index is not None

    def in_lang(self, lang: str) -> Style:
        """The same style in another language (findings are written in both)."""
        return self if lang == self.lang else replace(self, lang=lang)

    def money(self, x: float | None, digits: int | None = None) -> str:
        return money(x, self.lang, digits, currency=self.currency, index=self.money_index)

    def money_ticks(self, values: list[float]) -> list[str]:
        """Labels of a chart's money ticks (:func:`money_ticks`)."""
        return money_ticks(values, self.lang, currency=self.currency, index=self.money_index)

    def money_unit(self) -> str:
        """The unit of a money column, for its header: ``（万元）`` / ``(CNY K)``; ``（指数）`` in a
        share-safe report. Pair with :meth:`money_col`: one unit per column, the unit in the header."""
        if self.share_safe:
            return "（指数）" if self.zh else " (index)"
        return f"（万{self.currency_name()}）" if self.zh else f" ({self.currency} K)"

    def money_col(self, x: float | None, digits: int = 1) -> str:
        """An amount in its column's unit (:meth:`money_unit`), without symbol or unit:
        ``98,000`` → ``9.8`` (zh, 万) or ``98.0`` (en, K); ``—`` when not measured."""
        if x is None or not math.isfinite(x):
            return "—"
        if self.money_index is not None:
            return f"{x / self.money_index * 100:,.{digits}f}"
        v = x / (1e4 if self.zh else 1e3)
        out = f"{v:,.{digits}f}"
        return "0" if out.lstrip("-").strip("0.,") == "" else out

    def threshold(self, x: float, unit: str) -> str:
        """A hypothesis threshold in its KPI's unit, as the actual value is shown: ``0.4`` of a
        ratio → ``40%``, an index ``150``, money with its unit."""
        if unit == "ratio":
            return f"{x * 100:g}%"
        if unit == "money":
            return self.money(x)
        if unit == "multiple":
            return f"{x:g}×"
        return f"{x:g}"

    def value(self, x: float | None, unit: str) -> str:
        """A KPI value by its dictionary unit (money, count, ratio, index, multiple)."""
        if unit == "money":
            return self.money(
                x, digits=2 if x is not None and math.isfinite(x) and abs(x) < 1e4 else 1
            )
        if unit == "ratio":
            return pct(x, 2)
        if unit == "index":
            return number(x, 1)
        if unit == "multiple":
            return "—" if x is None or not math.isfinite(x) else f"{x:.2f}×"
        return number(x)

    def currency_symbol(self) -> str:
        return currency_symbol(self.currency)

    def currency_name(self) -> str:
        return currency_name(self.lang, self.currency)

    def name(self, kind: str, key: object) -> str:
        """The display name of data key ``key`` of ``kind`` (``channel``, ``platform``,
        ``category``) in this style's language; a key without a name is shown as it is."""
        k = str(key)
        for kd, kk, zh, en in self.names:
            if kd == kind and kk == k:
                return zh if self.zh else en
        return k

    def segment(self, zh_name: object) -> str:
        """An RFM segment (named in Chinese by the metric) in this style's language."""
        from .i18n import CATALOGUE  # the catalogue sits beside format at the bottom layer

        entry = CATALOGUE.get(f"rfm_segment_{zh_name}")
        return str(zh_name) if entry is None else entry[0 if self.zh else 1]

    def channel(self, key: object) -> str:
        """A channel's display name (``live`` → 自播 / Own live stream)."""
        return self.name("channel", key)

    def pick(self, zh: str, en: str) -> str:
        """``zh`` or ``en``, whichever is this style's language."""
        return zh if self.zh else en

"""Report text in Chinese (default) and English.

Every sentence and label a report shows is a catalogue entry (:mod:`fupan.i18n.catalogue`): a
key with its Chinese and English text and the same named placeholders in both
(``"lift_skipped": ("反事实增量分析未做：{reason}。", "The counterfactual lift analysis was not
run: {reason}.")``). :func:`t` reads one. Code never writes report prose inline; operator text
(card fields) and data values (channels, SKUs) are inserted into the placeholders.

Skip reasons and other messages that travel with a result carry both languages in one string,
``"English||中文"`` (:func:`bilingual`); :func:`pick` reads one side.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..dictionary import KPI_DEFINITIONS, PHASE_LABELS
from .catalogue import CATALOGUE

LANGS = ("zh", "en")


class Localized(NamedTuple):
    """A placeholder value that differs by language (a list of weekday names, a unit)."""

    zh: object
    en: object


def t(key: str, lang: str = "zh", **fmt: object) -> str:
    """The catalogue text ``key`` in ``lang`` ('zh' or 'en'), its placeholders filled from ``fmt``
    (a :class:`Localized` value gives its ``lang`` side)."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use 'zh' or 'en'")
    text = CATALOGUE[key][LANGS.index(lang)]
    if not fmt:
        return text
    values = {k: (getattr(v, lang) if isinstance(v, Localized) else v) for k, v in fmt.items()}
    if "(s)" in text:
        text = _plural(text, values)
    return text.format(**values)


#: an English count and its noun: '{n} SKU(s)', '{days} day(s)', '{n0} case(s)'
_COUNTED = re.compile(r"(\{(\w+)(?::[^}]*)?\} [\w-]+)\(s\)")


def _plural(text: str, values: dict[str, object]) -> str:
    """'{n} SKU(s)' as '1 SKU' or '3 SKUs' by the count it follows; a '(s)' after no count of
    ``values`` stays as written."""

    def one(m: re.Match[str]) -> str:
        count = values.get(m.group(2))
        if isinstance(count, bool) or not isinstance(count, (int, float)):
            return m.group(0)
        return m.group(1) + ("" if count == 1 else "s")

    return _COUNTED.sub(one, text)


def both(key: str, **fmt: object) -> str:
    """The catalogue text ``key`` in both languages, as one :func:`bilingual` string."""
    return bilingual(t(key, "en", **fmt), t(key, "zh", **fmt))


def join(items: list[str], lang: str = "zh") -> str:
    """``a、b、c`` (zh) or ``a, b, c`` (en)."""
    return t("list_sep", lang).join(items)


def kpi_name(key: str, lang: str = "zh") -> str:
    d = KPI_DEFINITIONS[key]
    return d.zh if lang == "zh" else d.en


def kpi_definition(key: str, lang: str = "zh") -> str:
    d = KPI_DEFINITIONS[key]
    return d.definition_zh if lang == "zh" else d.definition_en


def phase_name(phase: str, lang: str = "zh") -> str:
    return PHASE_LABELS[phase][LANGS.index(lang)]


#: the campaign windows in their order, as a span's ends are named (预热 … 回落)
_SPAN = {"preheat": "预热", "burst": "爆发", "post": "返场", "dip": "回落"}


def phase_span(phases: list[str] | tuple[str, ...], lang: str = "zh") -> str:
    """The stretch of campaign windows among ``phases`` (others ignored), by its first and last:
    ``预热至回落`` / ``pre-heat to dip``, or one window alone (``爆发`` / ``the burst``); in
    Chinese without 期, which the sentence adds (预热至回落期, 爆发期)."""
    order = [p for p in _SPAN if p in phases]
    if not order:
        return ""
    first, last = order[0], order[-1]
    if lang == "zh":
        return _SPAN[first] if first == last else f"{_SPAN[first]}至{_SPAN[last]}"
    en = phase_name(first, "en").lower(), phase_name(last, "en").lower()
    return f"the {en[0]}" if first == last else f"{en[0]} to {en[1]}"


_STEP_ZH = {"visit": "访问", "view": "浏览商品", "cart": "加购", "order": "下单", "pay": "支付"}
_STEP_EN = {"visit": "Visit", "view": "Product view", "cart": "Add to cart", "order": "Order",
            "pay": "Payment"}  # fmt: skip


def step_label(step: str, lang: str = "zh") -> str:
    """Funnel step name in ``lang`` (the event name itself for a step of neither table)."""
    return (_STEP_ZH if lang == "zh" else _STEP_EN).get(step, step)


def bilingual(en: str, zh: str) -> str:
    """A reason or message in both languages, as one string (``"English||中文"``): the form of
    every skip reason (:class:`fupan.analysis.results.Skip`, case.json); :func:`pick` reads one side."""
    return f"{en}||{zh}"


def pick(text: str, lang: str = "zh") -> str:
    """The ``lang`` side of a :func:`bilingual` text (the text itself when it has one side only)."""
    if "||" not in text:
        return text
    en, zh = text.split("||", 1)
    return zh if lang == "zh" else en

"""The glossary (术语表): every term the reports and worked examples use, zh/en, one source.

Definitions come from :mod:`fupan.dictionary` only — the KPIs and result figures
(``KPI_DEFINITIONS``, ``RESULT_DEFINITIONS`` when present) and the concepts of the method
(``TERMS``) — so a definition changed there changes here, in the reports and on the site.
:func:`entries` is the list the knowledge-base site renders; :func:`define` shows one term in a
notebook.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .. import dictionary


@dataclass(frozen=True)
class Entry:
    key: str
    zh: str
    en: str
    definition_zh: str
    definition_en: str
    kind: str  # "kpi" | "result" | "term"


def entries() -> list[Entry]:
    """Every glossary entry: KPIs, result figures, then concepts (dictionary order)."""
    out: list[Entry] = []
    groups = (
        ("kpi", dictionary.KPI_DEFINITIONS),
        ("result", getattr(dictionary, "RESULT_DEFINITIONS", {})),
        ("term", getattr(dictionary, "TERMS", {})),
    )
    for kind, defs in groups:
        for d in defs.values():
            out.append(Entry(d.key, d.zh, d.en, d.definition_zh, d.definition_en, kind))
    return out


def lookup(key: str) -> Entry:
    """The entry of ``key`` (a KPI key such as ``net_gmv`` or a term such as ``srm``)."""
    for e in entries():
        if e.key == key:
            return e
    raise KeyError(f"no glossary entry {key!r}")


class _Defs:
    def __init__(self, items: list[Entry]):
        self.items = items

    def __repr__(self) -> str:
        return "\n".join(
            f"{e.zh} / {e.en}: {e.definition_zh} / {e.definition_en}" for e in self.items
        )

    def _repr_html_(self) -> str:
        rows = "".join(
            f'<tr><th style="text-align:left">{html.escape(e.zh)}<br><small>{html.escape(e.en)}</small></th>'
            f'<td style="text-align:left">{html.escape(e.definition_zh)}<br>'
            f'<small style="color:#555">{html.escape(e.definition_en)}</small></td></tr>'
            for e in self.items
        )
        return (
            '<table class="fp-glossary"><thead><tr><th>术语 Term</th><th>口径 Definition</th>'
            f"</tr></thead><tbody>{rows}</tbody></table>"
        )


def define(*keys: str) -> _Defs:
    """The definitions of ``keys`` as a small bilingual table (for a notebook cell)."""
    return _Defs([lookup(k) for k in keys])

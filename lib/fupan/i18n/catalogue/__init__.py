"""The report's text catalogue: every sentence and label in Chinese and English.

Each module of this package defines ``ENTRIES: dict[str, tuple[str, str]]`` — key → (中文,
English) with the same named placeholders on both sides (``{reason}``, ``{amount}``; a format
spec such as ``{p:.2g}`` is allowed) — for one part of the report. :data:`CATALOGUE` merges them;
a key defined twice is an error. :func:`fupan.i18n.t` reads it.
"""

from __future__ import annotations

import importlib
import pkgutil


def _load() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        entries: dict[str, tuple[str, str]] = importlib.import_module(
            f"{__name__}.{info.name}"
        ).ENTRIES
        twice = sorted(set(entries) & set(merged))
        if twice:
            raise ValueError(f"catalogue keys defined twice ({info.name}): {twice}")
        merged.update(entries)
    return merged


CATALOGUE: dict[str, tuple[str, str]] = _load()

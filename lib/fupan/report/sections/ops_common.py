"""Helpers shared by the ops sections (:mod:`.ops`, :mod:`.ops_money`)."""

from __future__ import annotations

import math
from typing import Any

from ...format import Style
from ..html import Html, fragment


def _render(
    style: Style,
    lead: list[str],
    tables: list[dict[str, Any]],
    notes: list[str],
    paras: list[str] | None = None,
) -> Html:
    return fragment("ops", style, lead=lead, paras=paras or [], tables=tables, notes=notes)


def _tab(header: list[str], rows: list[list[Any]], caption: str | None = None) -> dict[str, Any]:
    return {"header": header, "rows": rows, "caption": caption}


def _ratio(x: float | None, digits: int = 2) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.{digits}f}"

"""The one message for exact duplicate lines, for tables read from files
(:func:`fupan.ingest.validate.tables.check_duplicates`) and tables where a SQL source keeps them
(:mod:`fupan.ingest.source_checks`): how many, and what the card's ``duplicate_lines`` did."""

from __future__ import annotations

from ..errors import Problem

#: Tables not searched for duplicate lines: every number read from them is a count of distinct
#: users (UV, 访客数, funnel steps, A/B arms), which a repeated line cannot change — so neither
#: ``keep`` nor ``drop`` would change a figure, and the search (a distinct count over every row of
#: the largest table, ~30 % of validating a big behaviour log) would be spent on nothing.
DISTINCT_COUNTED = frozenset({"events"})


def duplicate_lines_problem(
    name: str, n: int, policy: str, where: str, row: int | None = None, examples: str = ""
) -> Problem:
    """A warning: ``n`` lines of table ``name`` (in ``where``) repeat another line exactly; they
    were dropped (``policy`` ``drop``) or kept (``keep``, the default)."""
    if policy == "drop":
        act_zh, act_en = (
            "已删除重复行（duplicate_lines: drop）",
            "dropped them (duplicate_lines: drop)",
        )
    else:
        act_zh = "按卡片设置保留（duplicate_lines: keep），如需删除请设为 drop"
        act_en = "kept them as the card says (duplicate_lines: keep); set it to drop to remove them"
    return Problem(
        code="duplicate_lines",
        file=where,
        row=row,
        severity="warning",
        zh=f"{name} 表有 {n} 行与其他行完全相同；{act_zh}。"
        + (f"示例：{examples}" if examples else ""),
        en=f"The {name} table has {n} line(s) identical to another line; {act_en}."
        + (f" Examples: {examples}" if examples else ""),
    )

"""The one message for exact duplicate lines, for tables read from files
(:func:`fupan.ingest.validate.tables.check_duplicates`) and tables where a SQL source keeps them
(:mod:`fupan.ingest.source_checks`): how many, and what the card's ``duplicate_lines`` did."""

from __future__ import annotations

from ..errors import Problem


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

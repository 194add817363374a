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
    name: str,
    n: int,
    policy: str,
    where: str,
    row: int | None = None,
    examples: str = "",
    stated: bool = True,
) -> Problem:
    """A warning: ``n`` lines of table ``name`` (in ``where``) repeat another line exactly; they
    were dropped (``policy`` ``drop``) or kept (``keep``) — as the card says, or, when the card
    does not say (``stated`` False), by default."""
    if policy == "drop":
        act_zh, act_en = (
            "已删除重复行（duplicate_lines: drop）",
            "dropped them (duplicate_lines: drop)",
        )
    elif stated:
        act_zh = "按卡片设置保留（duplicate_lines: keep），如需删除请设为 drop"
        act_en = "kept them as the card says (duplicate_lines: keep); set it to drop to remove them"
    else:
        act_zh = (
            "卡片未写 duplicate_lines，默认保留（同一商品在一单中分行下单时，相同的行是真实的）；"
            "若是重复导出或粘贴，请在卡片中写 duplicate_lines: drop"
        )
        act_en = (
            "the card does not set duplicate_lines, so they were kept by default (one product "
            "bought on two lines of an order gives identical lines); if the file was exported or "
            "pasted twice, add duplicate_lines: drop to the card"
        )
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

"""Lessons that travel: the previous case's open actions in 背景 and which were closed in 复盘
(:mod:`fupan.cases.carried`), and the benchmark part's notes in 结果."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "carried_title": ("上一案例遗留的未结行动", "Open actions from the previous case"),
    "carried_from": (
        "来自本店铺上一个案例 {name}（{id}，爆发期止于 {end}），由案例库自动带入。",
        "From this shop's previous case {name} ({id}, burst ended {end}), carried over from the case library.",
    ),
    "carried_prefix": (
        "（卡片未写 shop：按案例编号前缀 {prefix} 认定为同一店铺）",
        "(the card names no shop: matched on the case id prefix {prefix})",
    ),
    "carried_report": ("打开该案例的报告", "open that case's report"),
    "carried_none": (
        "上一个案例没有未结的行动项。",
        "The previous case left no open action.",
    ),
    "carried_id": ("编号", "Id"),
    "carried_what": ("行动", "Action"),
    "carried_owner": ("负责人", "Owner"),
    "carried_due": ("截止", "Due"),
    "carried_measure": ("衡量指标 → 目标", "Metric → target"),
    "carried_status": ("本次状态", "Status now"),
    "carried_closed": ("✓ 本次已关闭", "✓ closed by this campaign"),
    "carried_open": ("○ 仍未关闭", "○ still open"),
    "carried_no_id": ("○ 仍未关闭（无编号，无法关闭）", "○ still open (no id, cannot be closed)"),
    "carried_summary_title": ("往期行动的关闭情况", "Carried-over actions: closed or still open"),
    "carried_summary": (
        "上一案例 {id} 的 {n} 项未结行动中，本次关闭 {closed} 项，仍有 {open} 项未关闭（卡片 retrospective.closes）。",
        "Of the {n} open actions of the previous case {id}, this campaign closed {closed}; still open: {open} "
        "(card retrospective.closes).",
    ),
    "carried_unknown": (
        "closes 中的编号不是上一案例的未结行动：{ids}。",
        "Ids in closes that are no open action of the previous case: {ids}.",
    ),
    "benchmark_share_safe": (
        "对外分享版不含案例库对标（其中有其他店铺的案例与链接）。",
        "The share-safe version leaves out the benchmark (it names other shops' cases and links to them).",
    ),
}

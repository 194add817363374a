"""Column names: trimmed, then renamed through the card's mapping (and a profile's), collisions refused."""

from __future__ import annotations

import difflib

import duckdb

from ...errors import Problem
from ...extract.duck import ddl, ident
from ..card import CONTRACTS
from .files import problem


def apply_names(
    con: duckdb.DuckDBPyConnection, raw: str, name: str, filename: str, mapping: dict[str, str]
) -> list[Problem]:
    """Trim column names and apply ``mapping``; refuse names that would collide."""
    columns = [r[0] for r in con.execute(f"DESCRIBE {raw}").fetchall()]
    final = {c: c.strip() or c for c in columns}
    problems: list[Problem] = []
    mapped: dict[str, str] = {}
    contract = {c.name for c in CONTRACTS[name]}
    for src, dst in mapping.items():
        if dst not in contract:  # reported with the card (mapping_unknown_target)
            continue
        col = (
            src if src in columns else next((c for c in columns if c.strip() == src.strip()), None)
        )
        if col is None:
            close = difflib.get_close_matches(src, columns, n=1)
            hint_zh, hint_en = (
                (f"是否是「{close[0]}」？", f" Did you mean '{close[0]}'?") if close else ("", "")
            )
            problems.append(
                problem(
                    "mapping_missing_column",
                    filename,
                    f"mapping.{name} 把列「{src}」映射为 {dst}，但 {filename} 中没有这一列。{hint_zh}现有列：{', '.join(columns)}",
                    f"mapping.{name} maps column '{src}' to {dst}, but {filename} has no such column.{hint_en} "
                    f"It has: {', '.join(columns)}",
                    column=src,
                )
            )
            continue
        final[col] = dst
        mapped[dst] = src
    counts: dict[str, int] = {}
    for new in final.values():
        counts[new] = counts.get(new, 0) + 1
    for new, n in counts.items():
        if n < 2:
            continue
        if new in mapped:
            problems.append(
                problem(
                    "mapping_target_exists",
                    filename,
                    f"mapping.{name} 把列「{mapped[new]}」映射为 {new}，但 {filename} 已经有一列叫 {new}；"
                    f"请删除这条映射，或先重命名原有的列。",
                    f"mapping.{name} maps '{mapped[new]}' to {new}, but {filename} already has a column "
                    f"named {new}; drop the mapping or rename the existing column.",
                    column=new,
                )
            )
        else:
            problems.append(
                problem(
                    "duplicate_column",
                    filename,
                    f"{filename} 有 {n} 列的列名（去掉空格后）都是「{new}」；列名必须唯一。",
                    f"{filename} has {n} columns named '{new}' (after trimming spaces); names must be unique.",
                    column=new,
                )
            )
    if any(p.code in ("mapping_target_exists", "duplicate_column") for p in problems):
        return problems
    changed = [(old, new) for old, new in final.items() if old != new]
    for i, (old, _) in enumerate(changed):  # two steps, so that a swap a→b, b→a works
        ddl(con, f"ALTER TABLE {raw} RENAME COLUMN {ident(old)} TO {ident(f'__fupan_{i}')}")
    for i, (_, new) in enumerate(changed):
        ddl(con, f"ALTER TABLE {raw} RENAME COLUMN {ident(f'__fupan_{i}')} TO {ident(new)}")
    return problems

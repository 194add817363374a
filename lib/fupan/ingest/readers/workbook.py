"""Excel workbooks (registration xlsx) through openpyxl, and legacy .xls refused (registration xls).

DuckDB's Excel reader is an extension that would have to be downloaded, so the first sheet is read
by openpyxl and every cell turned into the text a CSV export would hold, so that both go through
the same checks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ...errors import Problem
from .files import duplicate_columns, problem, register_frame
from .registry import Reader, register_reader

#: The first number an Excel number cell cannot hold to the unit (it keeps 15 significant digits).
EXCEL_DIGITS = 10**15


def cell_text(v: Any) -> str | None:
    """An Excel cell as the text a CSV export would hold (so both go through the same checks)."""
    if v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v):
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float) and abs(v) >= EXCEL_DIGITS:
        # a number cell keeps 15 significant digits: an 18-digit order number in one has lost
        # its last ones; written as Excel shows it, so that the code checks name it
        return format(v, ".5E")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _sheets(path: Path) -> tuple[list[list[Any]], list[str]]:
    """The first sheet's rows (each as long as the longest) and the names of every sheet.

    Read with openpyxl itself: pandas turns a cell holding a formula's error (#N/A, a lookup that
    found nothing) into an empty one, which for an optional column (a channel) was no error at
    all; openpyxl gives its text, which the checks name (``excel_error``)."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        names = [str(n) for n in book.sheetnames]
        rows = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    finally:
        book.close()
    width = max((len(r) for r in rows), default=0)
    return [r + [None] * (width - len(r)) for r in rows], names


def read_excel(
    con: duckdb.DuckDBPyConnection, raw: str, path: Path, filename: str
) -> list[Problem]:
    try:  # no NA guessing: "n/a" or "NULL" in a cell is a value the checks should see
        rows, names = _sheets(path)
    except Exception as exc:  # noqa: BLE001 — openpyxl raises many types on a damaged workbook
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        return [
            problem(
                "table_unreadable",
                filename,
                f"无法读取 Excel 文件 {filename}：文件损坏或被截断（{first}）。",
                f"Cannot read the Excel file {filename}: it is damaged or truncated ({first}).",
            )
        ]
    notes = _other_sheets(names, filename)
    cells = [[cell_text(v) for v in row] for row in rows]
    width = len(cells[0]) if cells else 0
    used = [j for j in range(width) if any(r[j] is not None for r in cells)]
    filled = [i for i, r in enumerate(cells) if any(v is not None for v in r)]
    if not used or not filled:
        return [
            problem(
                "table_empty",
                filename,
                f"{filename} 的第一个工作表是空的。",
                f"The first sheet of {filename} is empty.",
            )
        ]
    # trailing blank rows are formatting
    cells = [[r[j] for j in used] for r in cells[: filled[-1] + 1]]
    header = [(h or "").strip() or f"column{i}" for i, h in enumerate(cells[0])]
    problems = duplicate_columns(filename, header)
    if problems:
        return problems
    frame = pd.DataFrame(
        {h: pd.array([r[j] for r in cells[1:]], dtype="string") for j, h in enumerate(header)}
    )
    register_frame(con, raw, frame)
    return notes


def _other_sheets(names: list[str], filename: str) -> list[Problem]:
    """A warning when the workbook has more than one sheet: only the first is read."""
    if len(names) < 2:
        return []
    others = "、".join(f"「{n}」" for n in names[1:6]) + ("…" if len(names) > 6 else "")
    others_en = ", ".join(f"'{n}'" for n in names[1:6]) + (", …" if len(names) > 6 else "")
    return [
        problem(
            "workbook_first_sheet",
            filename,
            f"{filename} 有 {len(names)} 个工作表，只读取第一个「{names[0]}」（其余：{others}）。"
            f"数据若在其他工作表，请把它移到第一个，或另存为 CSV。",
            f"{filename} has {len(names)} sheets; only the first, '{names[0]}', is read (the "
            f"others: {others_en}). If the data are on another sheet, move it first or save it "
            f"as CSV.",
            severity="warning",
        )
    ]


def refuse_xls(
    con: duckdb.DuckDBPyConnection, raw: str, path: Path, filename: str
) -> list[Problem]:
    from .files import HEAD, sniff

    with open(path, "rb") as fh:
        kind = sniff(fh.read(HEAD))
    if kind == "text":  # a CSV given an .xls name: renaming it is the whole fix
        return [
            problem(
                "table_format",
                filename,
                f"{filename} 的扩展名是 .xls，内容却是文本表格（CSV）：把扩展名改为 .csv（并在 campaign.yaml "
                f"中改名）即可读取。",
                f"{filename} has the extension .xls but holds a text table (CSV): rename it to .csv "
                f"(and in campaign.yaml) and it reads.",
            )
        ]
    return [
        problem(
            "table_format",
            filename,
            f"{filename} 是旧版 Excel（.xls）格式，不支持；请在 Excel 中另存为 .xlsx 或 CSV UTF-8。",
            f"{filename} is a legacy Excel (.xls) workbook, which is not supported; save it as "
            f".xlsx or 'CSV UTF-8' in Excel.",
        )
    ]


register_reader(Reader("xlsx", (".xlsx", ".xlsm"), frozenset({"zip"}), read_excel))
# whatever its content, a .xls is refused with the advice to save it as .xlsx
register_reader(
    Reader("xls", (".xls",), frozenset({"text", "zip", "ole", "parquet", "utf16"}), refuse_xls)
)

"""What a file is, and the problems every reader shares (bilingual, naming file, row, column)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ...errors import Problem
from ...extract.duck import ddl

#: how much of a file's head and tail the readers look at
HEAD = 1 << 16

#: A number whose commas (ASCII or full-width) separate thousands — 1,299.00; -12,345; 1，299 —
#: as a DuckDB regex: any other comma (12,50, a decimal comma) is not a thousands separator.
THOUSANDS = "^[+-]?[0-9]{1,3}([,，][0-9]{3})+([.][0-9]*)?$"

#: A code as Excel writes a long number it has shortened (``1.23457E+18``), as a DuckDB regex.
EXCEL_SCIENTIFIC = "^[0-9]([.][0-9]+)?[eE][+][0-9]+$"

#: The values a spreadsheet shows for a formula that failed (a lookup that found nothing is #N/A),
#: which a CSV or workbook saved from it carries as text: never data.
EXCEL_ERRORS = (
    "#N/A",
    "#VALUE!",
    "#REF!",
    "#DIV/0!",
    "#NAME?",
    "#NUM!",
    "#NULL!",
    "#SPILL!",
    "#CALC!",
    "#GETTING_DATA",
)
#: :data:`EXCEL_ERRORS` as a SQL list: ``value IN EXCEL_ERROR_LIST``.
EXCEL_ERROR_LIST = "(" + ", ".join(f"'{e}'" for e in EXCEL_ERRORS) + ")"


#: What a spreadsheet or export writes in a number's place for "none": read as an empty value.
PLACEHOLDERS = ("-", "--", "—", "——", "－", "NULL", "null", "\\N")
PLACEHOLDER_LIST = "(" + ", ".join(f"'{p}'" for p in PLACEHOLDERS) + ")"

_SP = "[\\s\\p{Zs}]*"
_SIGN = "[+\\-−－]?"


#: The currency signs written before an amount, and the currencies each may stand for (元 after one).
SIGNS = {
    "¥": ("CNY", "JPY"),
    "￥": ("CNY", "JPY"),
    "元": ("CNY",),
    "$": ("USD", "HKD", "SGD", "AUD", "CAD", "NZD", "TWD", "MXN"),
    "€": ("EUR",),
    "£": ("GBP",),
}


def codes_of(currency: str) -> tuple[str, ...]:
    """The codes an amount in ``currency`` may carry (RMB for CNY too)."""
    return (currency, "RMB") if currency == "CNY" else (currency,)


def signs_of(currency: str) -> tuple[str, ...]:
    """The signs of :data:`SIGNS` an amount in ``currency`` may carry (``¥ ￥ 元`` for CNY)."""
    return tuple(sign for sign, currencies in SIGNS.items() if currency in currencies)


def plain_number(s: str, currency: str) -> str:
    """Text ``s`` of a number column with what surrounds the number taken off: −/－ read as a
    minus, an accounting negative ``(12.00)`` as -12.00, the card's currency code before or after
    it (``CNY 1,299.00``, ``RMB12``, ``12 CNY``) and the card currency's sign before it (``¥``,
    ``-¥12``) or after it (``元``) removed. Another currency's sign or code stays (``$30`` in a CNY
    campaign is no number, never 30 yuan). A comma is a thousands separator only between groups of
    three digits: ``12,50`` (a decimal comma) is left for :data:`DECIMAL_COMMA` to name."""
    codes = "|".join(codes_of(currency))
    text = f"regexp_replace(translate({s}, '−－', '--'), '^[(](.*)[)]$', '-\\1')"
    text = (
        f"regexp_replace({text}, '^({_SIGN}){_SP}(?:{codes}){_SP}|{_SP}(?:{codes})$', '\\1', 'gi')"
    )
    signs = signs_of(currency)
    before = "".join(s for s in signs if s != "元")
    ends = ([f"^({_SIGN}){_SP}[{before}]{_SP}"] if before else []) + (
        [f"{_SP}元$"] if "元" in signs else []
    )
    if ends:
        text = f"regexp_replace({text}, '{'|'.join(ends)}', '\\1', 'g')"
    return text


def number_text(s: str, currency: str = "CNY", *, keep_unread: bool = False) -> str:
    """Text ``s`` of an amount as text a cast to DOUBLE reads (NULL for a placeholder such as
    ``-``): :func:`plain_number`'s, its commas taken out when they separate groups of three digits
    (:data:`THOUSANDS`). Any other comma (``12,50``, a decimal comma) gives NULL, or with
    ``keep_unread`` the text as it is, for validation to name (an export profile's reading)."""
    bare = plain_number(s, currency)
    return (
        f"CASE WHEN {s} IN {PLACEHOLDER_LIST} THEN NULL "
        f"WHEN NOT (contains({s}, ',') OR contains({s}, '，')) THEN {bare} "
        f"WHEN regexp_matches({bare}, '{THOUSANDS}') THEN regexp_replace({bare}, '[,，]', '', 'g') "
        f"{f'ELSE {bare} ' if keep_unread else ''}END"
    )


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def problem(code: str, file: str, zh: str, en: str, **kw: Any) -> Problem:
    return Problem(code=code, file=file, zh=zh, en=en, **kw)


_KIND_ZH = {
    "html": "网页（HTML）",
    "parquet": "Parquet 文件",
    "zip": "ZIP/Excel（.xlsx）文件",
    "ole": "旧版 Excel（.xls）文件",
    "utf16": "UTF-16 编码的文本",
    "text": "文本（CSV）文件",
}
_KIND_EN = {
    "html": "a web page (HTML)",
    "parquet": "a Parquet file",
    "zip": "a ZIP/Excel (.xlsx) file",
    "ole": "a legacy Excel (.xls) file",
    "utf16": "UTF-16 text",
    "text": "a text (CSV) file",
}


def sniff(head: bytes) -> str:
    """What the first bytes of a file say it is: html, parquet, zip, ole, utf16 or text."""
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if (
        head.startswith((b"\xff\xfe", b"\xfe\xff"))
        or head[:200].count(b"\x00") > len(head[:200]) // 4
    ):
        return "utf16"
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")) or (
        start.startswith(b"<") and b"<html" in head[:4096].lower()
    ):
        return "html"
    return "text"


def mismatch(filename: str, ext: str, kind: str, head: bytes = b"") -> Problem:
    """The content (``kind``, from :func:`sniff`) does not match the extension. A web page that
    holds a table (``head``: the file's first bytes) is a back office's 'Excel' export saved as
    HTML, not a login page: it is said so, with how to make it a workbook."""
    if kind == "html" and b"<table" in head.lower():
        return problem(
            "table_unreadable",
            filename,
            f"{filename} 是网页表格（HTML，一些后台把导出存成这种“.xls”），不是 Excel 工作簿；"
            f"请用 Excel 打开后另存为 .xlsx 或 CSV UTF-8。",
            f"{filename} is a web-page table (HTML — some back offices save their 'Excel' export "
            f"so), not a workbook; open it in Excel and save it as .xlsx or 'CSV UTF-8'.",
        )
    if kind == "html":
        return problem(
            "table_unreadable",
            filename,  # the code existing callers match on
            f"{filename} 其实是一个网页（HTML），不是数据表；可能是保存了登录页或下载失败的页面，请重新导出。",
            f"{filename} is really a web page (HTML), not a table; probably a login or error page "
            f"was saved instead of the export. Export it again.",
        )
    return problem(
        "table_format_mismatch",
        filename,
        f"{filename} 的扩展名是 {ext}，但内容是{_KIND_ZH[kind]}；请按实际格式改扩展名或重新导出。",
        f"{filename} has the extension {ext} but contains {_KIND_EN[kind]}; rename it to match "
        f"its format or export it again.",
    )


def encoding_problem(filename: str, data: bytes, utf16: bool = False) -> Problem:
    if utf16:
        return problem(
            "table_encoding",
            filename,
            f"{filename} 看来是 UTF-16 编码（Excel 的“Unicode 文本”），但无法按 UTF-16 解码（文件可能已损坏）；请重新导出，或另存为“CSV UTF-8”。",
            f"{filename} looks UTF-16 encoded (Excel's 'Unicode text') but cannot be decoded as "
            f"such (a damaged file?); export it again, or save it as 'CSV UTF-8'.",
        )
    offsets = []
    for encoding in ("utf-8", "gb18030"):  # where each reading stops: the one that gets further
        try:  # is the file's own; where it stops, another encoding begins (two files glued)
            data.decode(encoding)
            offsets.append(len(data))
        except UnicodeDecodeError as exc:
            offsets.append(exc.start)
    offset = max(offsets)
    line = data.count(b"\n", 0, offset)  # newlines before the bad byte = data rows before it
    where_zh, where_en = (
        ("表头中", "in the header") if line == 0 else (f"第 {line} 行", f"in row {line}")
    )
    return problem(
        "table_encoding",
        filename,
        f"{filename} 既不是 UTF-8 也不是 GB18030/GBK 编码：{where_zh}（字节位置 {offset}）有无法识别的字节"
        f"（例如 Latin-1 或损坏的文件）。请另存为 UTF-8 CSV。",
        f"{filename} is neither UTF-8 nor GB18030/GBK: undecodable bytes {where_en} (byte {offset}), "
        f"e.g. a Latin-1 or damaged file. Save it as a UTF-8 CSV.",
        row=line or None,
    )


def duplicate_columns(filename: str, names: list[str]) -> list[Problem]:
    seen, problems = set(), []
    for name in names:
        if name and name in seen:
            problems.append(
                problem(
                    "duplicate_column",
                    filename,
                    f"{filename} 的表头中列名「{name}」出现了不止一次；列名必须唯一。",
                    f"The header of {filename} has the column '{name}' more than once; names must be unique.",
                    column=name,
                )
            )
        seen.add(name)
    return problems


def register_frame(con: duckdb.DuckDBPyConnection, raw: str, frame: pd.DataFrame) -> None:
    """Copy a pandas frame into the DuckDB table ``raw`` (row order kept: rowid + 1 = data row)."""
    con.register("_frame", frame)
    try:
        ddl(con, f"CREATE TABLE {raw} AS SELECT * FROM _frame")
    finally:
        con.unregister("_frame")


def columns_of(con: duckdb.DuckDBPyConnection, raw: str) -> list[str]:
    return [r[0] for r in con.execute(f"DESCRIBE {raw}").fetchall()]

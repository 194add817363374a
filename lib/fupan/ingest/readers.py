"""Reading a campaign's tables into DuckDB, in place, with the column mapping applied.

Parquet and CSV are scanned by DuckDB directly; Excel goes through openpyxl (DuckDB's Excel reader
is an extension that would have to be downloaded). Every table is copied once into an in-memory
DuckDB table ``raw_<name>`` whose ``rowid`` + 1 is the data row number in the file (header
excluded), so that any later problem can name its row. Every column is read as text (CSV, Excel)
or with its Parquet type; typing is :mod:`fupan.ingest.validate`'s job.

Before anything else sees a table, :mod:`fupan.ingest.privacy` drops its personal-data columns and
replaces ``user_id`` by a salted pseudonym.

What a file may look like (each rule gives a bilingual problem naming file, row and column):

- The content must match the extension: an HTML page (a login page saved instead of the export),
  a Parquet file named ``.csv`` or a CSV named ``.xlsx`` is refused. Legacy ``.xls`` is refused
  (save as ``.xlsx``). A 0-byte or whitespace-only file is empty.
- CSV text is UTF-8 (a BOM is fine) or GB18030/GBK (Chinese Excel's default). UTF-16 and bytes
  that are neither are refused, naming the row of the first bad byte.
- Column names are unique after trimming spaces and applying the mapping; a row must not have more
  fields than the header; a CSV whose last line is cut short (no final newline and fewer fields
  than the header) is truncated, as is a Parquet file without its footer.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import re
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from ..errors import Problem
from ..extract.duck import ddl, ident
from . import privacy
from .card import CONTRACTS, CampaignCard

CSV_EXT = {".csv", ".txt", ".tsv"}
EXCEL_EXT = {".xlsx", ".xlsm"}
PARQUET_EXT = {".parquet", ".pq"}
_HEAD = 1 << 16


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _problem(code: str, file: str, zh: str, en: str, **kw: Any) -> Problem:
    return Problem(code=code, file=file, zh=zh, en=en, **kw)


# ----------------------------------------------------------------------------- what a file is
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


def _mismatch(filename: str, ext: str, kind: str) -> Problem:
    if kind == "html":
        return _problem(
            "table_unreadable",
            filename,  # the code existing callers match on
            f"{filename} 其实是一个网页（HTML），不是数据表；可能是保存了登录页或下载失败的页面，请重新导出。",
            f"{filename} is really a web page (HTML), not a table; probably a login or error page "
            f"was saved instead of the export. Export it again.",
        )
    return _problem(
        "table_format_mismatch",
        filename,
        f"{filename} 的扩展名是 {ext}，但内容是{_KIND_ZH[kind]}；请按实际格式改扩展名或重新导出。",
        f"{filename} has the extension {ext} but contains {_KIND_EN[kind]}; rename it to match "
        f"its format or export it again.",
    )


# ----------------------------------------------------------------------------- readers
def _encoding_problem(filename: str, data: bytes, utf16: bool = False) -> Problem:
    if utf16:
        return _problem(
            "table_encoding",
            filename,
            f"{filename} 是 UTF-16 编码（Excel 的“Unicode 文本”）；请另存为“CSV UTF-8”或 GB18030/GBK 编码的 CSV。",
            f"{filename} is UTF-16 encoded (Excel's 'Unicode text'); save it as 'CSV UTF-8' "
            f"(or GB18030/GBK CSV).",
        )
    try:
        data.decode("utf-8")
        offset = len(data)
    except UnicodeDecodeError as exc:
        offset = exc.start
    line = data.count(b"\n", 0, offset)  # newlines before the bad byte = data rows before it
    where_zh, where_en = (
        ("表头中", "in the header") if line == 0 else (f"第 {line} 行", f"in row {line}")
    )
    return _problem(
        "table_encoding",
        filename,
        f"{filename} 既不是 UTF-8 也不是 GB18030/GBK 编码：{where_zh}（字节位置 {offset}）有无法识别的字节"
        f"（例如 Latin-1 或损坏的文件）。请另存为 UTF-8 CSV。",
        f"{filename} is neither UTF-8 nor GB18030/GBK: undecodable bytes {where_en} (byte {offset}), "
        f"e.g. a Latin-1 or damaged file. Save it as a UTF-8 CSV.",
        row=line or None,
    )


def _read_csv(con: duckdb.DuckDBPyConnection, raw: str, path: Path, filename: str) -> list[Problem]:
    """Load a CSV as text columns; return the problems that make its rows unreliable."""
    sep = "\t" if path.suffix.lower() == ".tsv" else ","
    encoding = "utf-8-sig"
    try:
        ddl(
            con,
            f"CREATE TABLE {raw} AS SELECT * FROM read_csv(?, all_varchar=true, header=true, "
            f"delim='{sep}', quote='\"', escape='\"', strict_mode=false, null_padding=true)",
            [str(path)],
        )
    except duckdb.Error as exc:
        if "unicode" not in str(exc).lower() and "utf" not in str(exc).lower():
            raise
        # Chinese exports are often GB18030/GBK; decode in Python, then hand the frame to DuckDB.
        data = path.read_bytes()
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return [_encoding_problem(filename, data)]
        encoding = "gb18030"
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            sep=sep,
            skip_blank_lines=True,
        )
        duplicates = _duplicate_columns(filename, _csv_header(text[:_HEAD], sep))
        if duplicates:  # pandas would rename them silently
            return duplicates
        frame.columns = [str(c) for c in frame.columns]
        _register(con, raw, frame)
    with open(path, "rb") as fh:
        head = fh.read(_HEAD).decode(encoding, errors="replace")
        fh.seek(max(path.stat().st_size - _HEAD, 0))
        tail = fh.read()
    header = _csv_header(head, sep)
    problems = _duplicate_columns(filename, header)
    columns = [r[0] for r in con.execute(f"DESCRIBE {raw}").fetchall()]
    if header and len(columns) > len(header):  # null_padding: a long row adds unnamed columns
        extra = " OR ".join(f"{ident(c)} IS NOT NULL" for c in columns[len(header) :])
        first = con.execute(f"SELECT min(rowid) + 1, count(*) FROM {raw} WHERE {extra}").fetchall()[
            0
        ]
        if first[0] is not None:
            problems.append(
                _problem(
                    "too_many_fields",
                    filename,
                    f"{filename} 有 {first[1]} 行的字段数多于表头的 {len(header)} 列（可能是未加引号的逗号）。",
                    f"{first[1]} row(s) of {filename} have more fields than the {len(header)} header columns "
                    f"(an unquoted comma?).",
                    row=first[0],
                )
            )
    n = con.execute(f"SELECT count(*) FROM {raw}").fetchall()[0][0]
    if n and not tail.endswith((b"\n", b"\r")):
        last = re.split(r"\r\n|\r|\n", tail.decode(encoding, errors="replace"))[-1]
        try:
            fields = next(csv.reader([last], delimiter=sep), [])
        except csv.Error:
            fields = header
        if len(fields) < len(header):
            problems.append(
                _problem(
                    "table_truncated",
                    filename,
                    f"{filename} 在第 {n} 行中间被截断（最后一行只有 {len(fields)} 个字段，表头有 {len(header)} 列，且文件不以换行结尾）；"
                    f"请重新导出完整文件。",
                    f"{filename} is cut off in the middle of row {n} (the last line has {len(fields)} of "
                    f"{len(header)} fields and no final newline); export the whole file again.",
                    row=n,
                )
            )
    return problems


def _csv_header(text: str, sep: str) -> list[str]:
    text = text.lstrip("\ufeff")
    try:
        return [h.strip() for h in next(csv.reader(io.StringIO(text), delimiter=sep), [])]
    except csv.Error:
        return []


def _duplicate_columns(filename: str, names: list[str]) -> list[Problem]:
    seen, problems = set(), []
    for name in names:
        if name and name in seen:
            problems.append(
                _problem(
                    "duplicate_column",
                    filename,
                    f"{filename} 的表头中列名「{name}」出现了不止一次；列名必须唯一。",
                    f"The header of {filename} has the column '{name}' more than once; names must be unique.",
                    column=name,
                )
            )
        seen.add(name)
    return problems


def _register(con: duckdb.DuckDBPyConnection, raw: str, frame: pd.DataFrame) -> None:
    con.register("_frame", frame)
    try:
        ddl(con, f"CREATE TABLE {raw} AS SELECT * FROM _frame")
    finally:
        con.unregister("_frame")


def _cell_text(v: Any) -> str | None:
    """An Excel cell as the text a CSV export would hold (so both go through the same checks)."""
    if v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v):
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ")
    if hasattr(v, "isoformat"):
        return v.isoformat()
    return str(v)


def _read_excel(
    con: duckdb.DuckDBPyConnection, raw: str, path: Path, filename: str
) -> list[Problem]:
    try:  # no NA guessing: "n/a" or "NULL" in a cell is a value the checks should see
        sheet = pd.read_excel(
            path, header=None, dtype=object, engine="openpyxl", keep_default_na=False
        )
    except Exception as exc:  # noqa: BLE001 — openpyxl raises many types on a damaged workbook
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        return [
            _problem(
                "table_unreadable",
                filename,
                f"无法读取 Excel 文件 {filename}：文件损坏或被截断（{first}）。",
                f"Cannot read the Excel file {filename}: it is damaged or truncated ({first}).",
            )
        ]
    cells = [[_cell_text(v) for v in row] for row in sheet.itertuples(index=False)]
    used = [j for j in range(sheet.shape[1]) if any(r[j] is not None for r in cells)]
    filled = [i for i, r in enumerate(cells) if any(v is not None for v in r)]
    if not used or not filled:
        return [
            _problem(
                "table_empty",
                filename,
                f"{filename} 的第一个工作表是空的。",
                f"The first sheet of {filename} is empty.",
            )
        ]
    cells = [
        [r[j] for j in used] for r in cells[: filled[-1] + 1]
    ]  # trailing blank rows are formatting
    header = [(h or "").strip() or f"column{i}" for i, h in enumerate(cells[0])]
    problems = _duplicate_columns(filename, header)
    if problems:
        return problems
    frame = pd.DataFrame(
        {h: pd.array([r[j] for r in cells[1:]], dtype="string") for j, h in enumerate(header)}
    )
    _register(con, raw, frame)
    return []


def _read_parquet(
    con: duckdb.DuckDBPyConnection, raw: str, path: Path, filename: str
) -> list[Problem]:
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(size - 4, 0))
        if size < 12 or fh.read(4) != b"PAR1":
            return [
                _problem(
                    "table_truncated",
                    filename,
                    f"{filename} 是不完整的 Parquet 文件（缺少文件尾，通常是下载或复制被中断）；请重新导出。",
                    f"{filename} is an incomplete Parquet file (its footer is missing, usually an "
                    f"interrupted download or copy); export it again.",
                )
            ]
    import pyarrow.parquet as pq

    names = pq.read_schema(path).names
    problems = _duplicate_columns(filename, [n.strip() for n in names])
    if problems:
        return problems
    ddl(con, f"CREATE TABLE {raw} AS SELECT * FROM read_parquet(?)", [str(path)])
    return []


# ----------------------------------------------------------------------------- columns
def _apply_names(
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
                _problem(
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
                _problem(
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
                _problem(
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


# ----------------------------------------------------------------------------- one table
def load_table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    folder: Path,
    filename: str,
    mapping: dict[str, str],
    salt: bytes | None = None,
    privacy_log: dict | None = None,
) -> list[Problem]:
    """Copy one table into ``raw_<name>``, renamed through ``mapping`` and with personal data
    removed (``salt`` defaults to :func:`fupan.ingest.privacy.load_salt`); return the problems found."""
    path = folder / filename
    raw = f"raw_{name}"
    if not path.is_file():
        return [
            _problem(
                "table_missing",
                filename,
                f"找不到 {name} 表文件 {filename}（campaign.yaml 的 tables.{name} 指向它）。",
                f"The {name} table file {filename} does not exist (named by tables.{name} in campaign.yaml).",
                column=f"tables.{name}",
            )
        ]
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(_HEAD)
    except OSError as exc:
        return [
            _problem(
                "table_unreadable",
                filename,
                f"无法读取 {filename}（{exc.strerror}）。",
                f"Cannot read {filename} ({exc.strerror}).",
            )
        ]
    if size == 0 or not head.strip():
        what_zh, what_en = (
            ("0 字节", "0 bytes") if size == 0 else ("只有空白字符", "only whitespace")
        )
        return [
            _problem(
                "table_empty",
                filename,
                f"{filename} 是空文件（{what_zh}）。",
                f"{filename} is empty ({what_en}).",
            )
        ]
    ext = path.suffix.lower()
    kind = sniff(head)
    if kind == "html":
        return [_mismatch(filename, ext, kind)]
    try:
        if ext in PARQUET_EXT:
            problems = (
                [_mismatch(filename, ext, kind)]
                if kind != "parquet"
                else _read_parquet(con, raw, path, filename)
            )
        elif ext in CSV_EXT:
            if kind in ("parquet", "zip", "ole"):
                return [_mismatch(filename, ext, kind)]
            if kind == "utf16":
                return [_encoding_problem(filename, head, utf16=True)]
            problems = _read_csv(con, raw, path, filename)
        elif ext in EXCEL_EXT:
            problems = (
                [_mismatch(filename, ext, kind)]
                if kind != "zip"
                else _read_excel(con, raw, path, filename)
            )
        elif ext == ".xls":
            return [
                _problem(
                    "table_format",
                    filename,
                    f"{filename} 是旧版 Excel（.xls）格式，不支持；请在 Excel 中另存为 .xlsx 或 CSV UTF-8。",
                    f"{filename} is a legacy Excel (.xls) workbook, which is not supported; save it as "
                    f".xlsx or 'CSV UTF-8' in Excel.",
                )
            ]
        else:
            return [
                _problem(
                    "table_format",
                    filename,
                    f"{filename} 的格式不支持：应为 .parquet、.csv 或 .xlsx。",
                    f"Unsupported format for {filename}: expected .parquet, .csv or .xlsx.",
                )
            ]
    except (duckdb.Error, ValueError, OSError, UnicodeDecodeError, ImportError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
        return [
            _problem(
                "table_unreadable",
                filename,
                f"无法读取 {filename}：文件损坏、被截断或不是其扩展名所示的格式（{first}）。",
                f"Cannot read {filename}: it is corrupt, truncated or not the format its "
                f"extension says ({first}).",
            )
        ]
    if any(p.severity == "error" for p in problems):  # rows would be misnumbered or misread
        return problems
    problems += _apply_names(con, raw, name, filename, mapping)
    if any(p.code in ("mapping_target_exists", "duplicate_column") for p in problems):
        return problems
    contract = {c.name for c in CONTRACTS[name]}
    found, log = privacy.protect(
        con, raw, contract, filename, salt if salt is not None else privacy.load_salt()
    )
    problems += found
    if privacy_log is not None:
        privacy_log[name] = log
    if con.execute(f"SELECT count(*) FROM {raw}").fetchall()[0][0] == 0:
        problems.append(
            _problem(
                "table_no_rows",
                filename,
                f"{filename} 只有表头，没有数据行。",
                f"{filename} has a header but no data rows.",
            )
        )
        return problems
    have = {r[0] for r in con.execute(f"DESCRIBE {raw}").fetchall()}
    for col in CONTRACTS[name]:
        if col.required and col.name not in have:
            close = difflib.get_close_matches(col.name, sorted(have), n=1)
            hint_zh = (
                f"是否是「{close[0]}」？可在 mapping.{name} 中映射。"
                if close
                else f"可在 mapping.{name} 中把原列名映射为 {col.name}。"
            )
            hint_en = (
                f"Did you mean '{close[0]}'? Map it under mapping.{name}."
                if close
                else f"Map the source column to {col.name} under mapping.{name}."
            )
            problems.append(
                _problem(
                    "missing_column",
                    filename,
                    f"{name} 表缺少必填列 {col.name}。{hint_zh}",
                    f"The {name} table lacks the required column {col.name}. {hint_en}",
                    column=col.name,
                )
            )
    return problems


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [table]
        ).fetchall()[0][0]
    )


def open_connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    ddl(con, "SET preserve_insertion_order = true")
    ddl(con, "SET enable_progress_bar = false")
    return con


def load_tables(
    con: duckdb.DuckDBPyConnection,
    folder: Path,
    card: CampaignCard,
    salt: bytes | None = None,
    privacy_log: dict | None = None,
) -> tuple[list[str], list[Problem]]:
    """Load every table the card names; return the names loaded cleanly and all problems."""
    loaded, problems = [], []
    mappings: dict[str, dict[str, str]] = dict(card.mapping.items())
    for name, filename in card.tables.items():
        if salt is None and (folder / filename).is_file():
            salt = privacy.load_salt()
        found = load_table(con, name, folder, filename, mappings.get(name, {}), salt, privacy_log)
        problems += found
        if not any(p.severity == "error" for p in found):
            loaded.append(name)
        elif _exists(con, f"raw_{name}"):
            ddl(con, f"DROP TABLE raw_{name}")
    return loaded, problems

"""Reading a campaign's tables into DuckDB, in place, with the column mapping applied.

Parquet and CSV are scanned by DuckDB directly; Excel goes through pandas (DuckDB's Excel reader
is an extension that would have to be downloaded). Every table is copied once into an in-memory
DuckDB table ``raw_<name>`` whose ``rowid`` + 1 is the data row number in the file (header
excluded), so that any later problem can name its row.
"""
from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

import duckdb
import pandas as pd

from .errors import Problem
from .schema import CONTRACTS, CampaignCard

CSV_EXT = {".csv", ".txt", ".tsv"}
EXCEL_EXT = {".xlsx", ".xlsm", ".xls"}
PARQUET_EXT = {".parquet", ".pq"}


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def ddl(con: duckdb.DuckDBPyConnection, query: str, params: list | None = None) -> None:
    """Run a statement and consume its result (DuckDB refuses new work while one is pending)."""
    con.execute(query, params or []).fetchall()


def _problem(code: str, file: str, zh: str, en: str, **kw) -> Problem:
    return Problem(code=code, file=file, zh=zh, en=en, **kw)


def _read_csv(con: duckdb.DuckDBPyConnection, raw: str, path: Path) -> None:
    sep = "\t" if path.suffix == ".tsv" else ","
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
        text = path.read_bytes().decode("gb18030")
        from io import StringIO

        frame = pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, na_values=[""], sep=sep)
        con.register("_frame", frame)
        ddl(con, f"CREATE TABLE {raw} AS SELECT * FROM _frame")
        con.unregister("_frame")


def load_table(
    con: duckdb.DuckDBPyConnection, name: str, folder: Path, filename: str, mapping: dict[str, str]
) -> list[Problem]:
    """Copy one table into ``raw_<name>``, renamed through ``mapping``; return the problems found."""
    path = folder / filename
    raw = f"raw_{name}"
    if not path.is_file():
        return [_problem("table_missing", filename,
                         f"找不到 {name} 表文件 {filename}（campaign.yaml 的 tables.{name} 指向它）。",
                         f"The {name} table file {filename} does not exist (named by tables.{name} in campaign.yaml).",
                         column=f"tables.{name}")]
    if path.stat().st_size == 0:
        return [_problem("table_empty", filename, f"{filename} 是空文件（0 字节）。",
                         f"{filename} is empty (0 bytes).")]
    ext = path.suffix.lower()
    try:
        if ext in PARQUET_EXT:
            ddl(con, f"CREATE TABLE {raw} AS SELECT * FROM read_parquet(?)", [str(path)])
        elif ext in CSV_EXT:
            _read_csv(con, raw, path)
        elif ext in EXCEL_EXT:
            frame = pd.read_excel(path, dtype=object)
            frame = frame.astype({c: "string" for c in frame.columns if frame[c].dtype == object})
            con.register("_frame", frame)
            ddl(con, f"CREATE TABLE {raw} AS SELECT * FROM _frame")
            con.unregister("_frame")
        else:
            return [_problem("table_format", filename,
                             f"{filename} 的格式不支持：应为 .parquet、.csv 或 .xlsx。",
                             f"Unsupported format for {filename}: expected .parquet, .csv or .xlsx.")]
    except (duckdb.Error, ValueError, OSError, UnicodeDecodeError, ImportError) as exc:
        first = str(exc).strip().splitlines()[0][:200]
        return [_problem("table_unreadable", filename,
                         f"无法读取 {filename}：文件损坏、被截断或不是其扩展名所示的格式（{first}）。",
                         f"Cannot read {filename}: it is corrupt, truncated or not the format its "
                         f"extension says ({first}).")]

    columns = [r[0] for r in con.execute(f"DESCRIBE {raw}").fetchall()]
    problems: list[Problem] = []
    renames = {c: c.strip() for c in columns if c != c.strip()}
    for src, dst in mapping.items():
        if src not in columns and src.strip() not in columns:
            problems.append(_problem(
                "mapping_missing_column", filename,
                f"mapping.{name} 把列「{src}」映射为 {dst}，但 {filename} 中没有这一列；现有列：{', '.join(columns)}",
                f"mapping.{name} maps column '{src}' to {dst}, but {filename} has no such column; "
                f"it has: {', '.join(columns)}", column=src))
            continue
        renames[src if src in columns else src.strip()] = dst
    for old, new in renames.items():
        if old != new:
            ddl(con, f'ALTER TABLE {raw} RENAME COLUMN "{old}" TO "{new}"')
    if con.execute(f"SELECT count(*) FROM {raw}").fetchall()[0][0] == 0:
        problems.append(_problem("table_no_rows", filename, f"{filename} 只有表头，没有数据行。",
                                 f"{filename} has a header but no data rows."))
        return problems
    have = {r[0] for r in con.execute(f"DESCRIBE {raw}").fetchall()}
    for col in CONTRACTS[name]:
        if col.required and col.name not in have:
            close = difflib.get_close_matches(col.name, sorted(have), n=1)
            hint_zh = f"是否是「{close[0]}」？可在 mapping.{name} 中映射。" if close else f"可在 mapping.{name} 中把原列名映射为 {col.name}。"
            hint_en = f"Did you mean '{close[0]}'? Map it under mapping.{name}." if close else f"Map the source column to {col.name} under mapping.{name}."
            problems.append(_problem(
                "missing_column", filename,
                f"{name} 表缺少必填列 {col.name}。{hint_zh}",
                f"The {name} table lacks the required column {col.name}. {hint_en}",
                column=col.name))
    return problems


def open_connection() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    ddl(con, "SET preserve_insertion_order = true")
    return con


def load_tables(
    con: duckdb.DuckDBPyConnection, folder: Path, card: CampaignCard
) -> tuple[list[str], list[Problem]]:
    """Load every table the card names; return the names loaded cleanly and all problems."""
    loaded, problems = [], []
    for name, filename in card.tables.items():
        found = load_table(con, name, folder, filename, card.mapping.get(name, {}))
        problems += found
        if not any(p.severity == "error" for p in found):
            loaded.append(name)
    return loaded, problems

"""Parquet, scanned by DuckDB with its own column types (registration parquet)."""

from __future__ import annotations

from pathlib import Path

import duckdb

from ...errors import Problem
from ...extract.duck import ddl
from .files import duplicate_columns, problem
from .registry import Reader, register_reader


def footer_missing(path: Path) -> bool:
    """Whether a Parquet file has lost its footer — under 12 bytes, or not ending in the magic
    ``PAR1`` — as an interrupted download or copy leaves it. One seek, nothing parsed."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(size - 4, 0))
        return size < 12 or fh.read(4) != b"PAR1"


def read_parquet(
    con: duckdb.DuckDBPyConnection, raw: str, path: Path, filename: str
) -> list[Problem]:
    if footer_missing(path):
        return [
            problem(
                "table_truncated",
                filename,
                f"{filename} 是不完整的 Parquet 文件（缺少文件尾，通常是下载或复制被中断）；请重新导出。",
                f"{filename} is an incomplete Parquet file (its footer is missing, usually an "
                f"interrupted download or copy); export it again.",
            )
        ]
    import pyarrow.parquet as pq

    names = pq.read_schema(path).names
    problems = duplicate_columns(filename, [n.strip() for n in names])
    if problems:
        return problems
    ddl(con, f"CREATE TABLE {raw} AS SELECT * FROM read_parquet(?)", [str(path)])
    return []


register_reader(Reader("parquet", (".parquet", ".pq"), frozenset({"parquet"}), read_parquet))

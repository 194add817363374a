"""The two DuckDB helpers every SQL-running module shares (ingest loads with them, extract queries).

Column names come from users' files, so any name put into SQL goes through :func:`ident` (and any
value written into it through :func:`literal`); and a
DuckDB connection refuses new work while a result is pending, so statements run through
:func:`ddl`, which consumes the result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import duckdb

T = TypeVar("T")


def within_memory(con: duckdb.DuckDBPyConnection, work: Callable[[], T]) -> T:
    """``work()``; if it runs out of the connection's capped memory (some aggregates, such as
    distinct counts over tens of millions of rows, cannot spill), once more with DuckDB's own
    default limit (80 % of RAM): the cap keeps a report small, it must never make one fail."""
    try:
        return work()
    except duckdb.OutOfMemoryException:
        con.execute("RESET memory_limit").fetchall()
        return work()


def ddl(con: duckdb.DuckDBPyConnection, query: str, params: Sequence[object] | None = None) -> None:
    """Run a statement and consume its result (DuckDB refuses new work while one is pending)."""
    within_memory(con, lambda: con.execute(query, list(params or [])).fetchall())


def ident(name: str) -> str:
    """``name`` as a quoted SQL identifier (column names come from users' files)."""
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    """``text`` as an SQL string literal (values such as channel names come from users' files)."""
    return "'" + text.replace("'", "''") + "'"

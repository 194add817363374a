"""The two DuckDB helpers every SQL-running module shares (ingest loads with them, extract queries).

Column names come from users' files, so any name put into SQL goes through :func:`ident`; and a
DuckDB connection refuses new work while a result is pending, so statements run through
:func:`ddl`, which consumes the result.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb


def ddl(con: duckdb.DuckDBPyConnection, query: str, params: Sequence[object] | None = None) -> None:
    """Run a statement and consume its result (DuckDB refuses new work while one is pending)."""
    con.execute(query, list(params or [])).fetchall()


def ident(name: str) -> str:
    """``name`` as a quoted SQL identifier (column names come from users' files)."""
    return '"' + name.replace('"', '""') + '"'

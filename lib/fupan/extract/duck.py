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


#: The characters DuckDB's ``trim`` removes: every Unicode space separator (Zs), the ideographic
#: space U+3000 and the no-break space U+00A0 among them. PostgreSQL's and Spark's ``trim``
#: remove ' ' only; given these characters (:func:`trim_spaces`) they trim as DuckDB does.
SPACES = "".join(map(chr, (0x20, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)))


def trim_spaces(q: str) -> str:
    """``trim`` of ``q`` naming :data:`SPACES`: in DuckDB's dialect, for SQL that runs on another
    engine too (sqlglot writes ``TRIM(BOTH '…' FROM q)``), so that every engine reads a value as
    DuckDB reads the same file."""
    return f"trim({q}, {literal(SPACES)})"


def trimmed(q: str) -> str:
    """``trim`` of the text column ``q``, computed only where it can change the text: where it
    starts or ends with ' ', or holds a character beyond ASCII (``strlen``, bytes, ≠ ``length``,
    characters). DuckDB's ``trim`` removes every Unicode space separator (U+3000 and U+00A0 among
    them), and all but ' ' are beyond ASCII. Trimming every row of a large file costs more than
    the test: at 67M ids, 1 s against 0.05 s."""
    return (
        f"CASE WHEN prefix({q}, ' ') OR suffix({q}, ' ') OR strlen({q}) <> length({q}) "
        f"THEN trim({q}) ELSE {q} END"
    )


def literal(text: str) -> str:
    """``text`` as an SQL string literal (values such as channel names come from users' files)."""
    return "'" + text.replace("'", "''") + "'"

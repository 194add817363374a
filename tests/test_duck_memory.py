"""DuckDB's memory cap: it keeps a report's processes small and never makes one fail.

A distinct count over 3M rows under a 20 MB cap runs out of memory in DuckDB itself (checked
first, so the test would notice if DuckDB learned to spill it); through ``within_memory`` the same
query completes with the limit reset, and gives what an uncapped connection gives."""

from __future__ import annotations

import duckdb
import pytest

from fupan.extract.duck import ddl, within_memory
from fupan.ingest.readers import open_connection

QUERY = (
    "SELECT a % 7 AS k, count(DISTINCT a) AS n, count(DISTINCT b) AS m FROM "
    "(SELECT range AS a, range::VARCHAR || 'x' AS b FROM range(3000000)) GROUP BY 1 ORDER BY 1"
)


def test_a_query_over_the_cap_is_retried_without_it():
    con = duckdb.connect()
    con.execute("SET memory_limit = '20MB'")
    con.execute("SET threads = 1")
    with pytest.raises(duckdb.OutOfMemoryException):
        con.execute(QUERY).fetchall()
    got = within_memory(con, lambda: con.execute(QUERY).fetchall())
    expected = duckdb.connect().execute(QUERY).fetchall()
    assert got == expected and len(got) == 7
    assert sum(r[1] for r in got) == 3_000_000
    ddl(con, "SET memory_limit = '20MB'")  # ddl goes through the same guard
    ddl(con, f"CREATE TABLE t AS {QUERY}")
    assert con.execute("SELECT count(*) FROM t").fetchone() == (7,)


def test_the_connection_is_capped_and_spills_outside_the_working_directory(monkeypatch, tmp_path):
    import tempfile

    monkeypatch.delenv("FUPAN_DUCKDB_MEMORY", raising=False)
    monkeypatch.setenv("FUPAN_THREADS", "1")
    monkeypatch.chdir(tmp_path)
    con = open_connection()
    limit, temp, threads = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('temp_directory'), "
        "current_setting('threads')"
    ).fetchone()
    assert limit.endswith("MiB") and float(limit.split()[0]) < 1000  # 1 GB = 953.6 MiB
    assert temp.startswith(tempfile.gettempdir()) and not temp.startswith(str(tmp_path))
    assert threads == 1
    monkeypatch.setenv("FUPAN_DUCKDB_MEMORY", "2GB")
    monkeypatch.setenv("FUPAN_THREADS", "")
    con = open_connection()
    limit, threads = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads')"
    ).fetchone()
    assert (
        limit.endswith("GiB") and 1.7 < float(limit.split()[0]) < 1.9
    )  # 2 GB = 1.86 GiB, shown 1.8
    assert threads == duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0]

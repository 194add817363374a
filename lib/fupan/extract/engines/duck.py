"""The embedded DuckDB engine: the extract's own dialect, on a validated campaign's connection."""

from __future__ import annotations

import duckdb
import pandas as pd

from ..duck import ddl, ident, within_memory
from . import Engine, register


class DuckEngine(Engine):
    """SQL on a DuckDB connection (the typed tables of a campaign folder); nothing is transpiled."""

    name = "duckdb"
    dialect = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection | None = None) -> None:
        self.con = con if con is not None else duckdb.connect()

    def execute(self, statement: str) -> None:
        ddl(self.con, statement)

    def fetch(self, statement: str) -> pd.DataFrame:
        return within_memory(self.con, lambda: self.con.execute(statement).df())

    def query(self, duck_sql: str) -> pd.DataFrame:
        return self.fetch(duck_sql)  # DuckDB's own types are the reference: left as they are

    def put_frame(self, name: str, frame: pd.DataFrame) -> None:
        view = f"_frame_{name}"
        self.con.register(view, frame)
        try:
            ddl(self.con, f"CREATE OR REPLACE TEMP TABLE {ident(name)} AS SELECT * FROM {view}")
        finally:
            self.con.unregister(view)

    def columns(self, relation: str) -> dict[str, str]:
        return {r[0]: r[1] for r in self.con.execute(f"DESCRIBE {relation}").fetchall()}

    def close(self) -> None:
        self.con.close()


register("duckdb", DuckEngine)

"""PostgreSQL: the extract runs in the database (pushdown); only aggregates come back.

The connection URL comes from an environment variable (:mod:`.secrets`) and is never shown:
connection failures become a bilingual error with the URL, user, password and host hidden.
Staging tables (``order_level``, ``first_orders``, ``calendar``) are session temporary tables,
gone when the connection closes; the source tables are only read.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import sqlglot
from sqlglot import exp

from . import Engine, register
from .secrets import pseudonym_key, redact, source_error


class EngineError(RuntimeError):
    """A query failed in the engine (its message carries no connection secret)."""


def _dsn(url: str) -> str:
    """A SQLAlchemy URL (``postgresql+psycopg://…``) as a libpq one (``postgresql://…``)."""
    scheme, sep, rest = url.partition("://")
    if sep and scheme.startswith("postgres"):
        return "postgresql://" + rest
    return url


def _pg_type(values: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(values):
        return "boolean"
    if pd.api.types.is_integer_dtype(values):
        return "bigint"
    if pd.api.types.is_float_dtype(values):
        return "double precision"
    if pd.api.types.is_datetime64_any_dtype(values):
        return "timestamp"
    sample = values.dropna()
    if not sample.empty and isinstance(sample.iloc[0], dt.date):
        return "timestamp" if isinstance(sample.iloc[0], dt.datetime) else "date"
    return "text"


class PostgresEngine(Engine):
    """SQL in a PostgreSQL database reached by ``url`` (read from the environment by the caller).

    ``salt`` keys the customer hash (:meth:`user_key`); ``variable`` is the environment variable's
    name, used in messages instead of the URL.
    """

    name = "postgres"
    dialect = "postgres"

    def __init__(self, url: str, *, salt: bytes = b"", variable: str = "the URL") -> None:
        import psycopg

        self._salt = salt
        try:
            self._con: Any = psycopg.connect(
                _dsn(url), autocommit=True, connect_timeout=15, application_name="fupan"
            )
        except psycopg.Error as exc:
            reason = redact(str(exc).strip(), url)
            raise source_error(
                "source_connect",
                f"无法连接环境变量 {variable} 指向的 PostgreSQL 数据库：{reason}"
                f"（请检查该 URL 的主机、端口、用户和密码；URL 本身不会被显示或写入任何文件）。",
                f"Could not connect to the PostgreSQL database named by the environment variable "
                f"{variable}: {reason} (check the URL's host, port, user and password; the URL itself "
                f"is never shown or written anywhere).",
            ) from None
        finally:
            del url
        self.execute("SET TIME ZONE 'UTC'")

    def _run(self, statement: str, params: Any = None) -> Any:
        import psycopg

        try:
            cur = self._con.cursor()
            cur.execute(statement, params)
            return cur
        except psycopg.Error as exc:
            raise EngineError(f"PostgreSQL: {str(exc).strip()}") from None

    def execute(self, statement: str) -> None:
        self._run(statement).close()

    def fetch(self, statement: str) -> pd.DataFrame:
        cur = self._run(statement)
        columns = [d.name for d in cur.description or []]
        rows = cur.fetchall()
        cur.close()
        return pd.DataFrame.from_records(rows, columns=columns)

    def put_frame(self, name: str, frame: pd.DataFrame) -> None:
        cols = ", ".join(f'"{c}" {_pg_type(frame[c])}' for c in frame.columns)
        self.execute(f'DROP TABLE IF EXISTS "{name}"')
        self.execute(f'CREATE TEMP TABLE "{name}" ({cols})')
        if len(frame):
            marks = ", ".join(["%s"] * len(frame.columns))
            rows = [
                tuple(None if pd.isna(v) else v for v in row)
                for row in frame.itertuples(index=False)
            ]
            with self._con.cursor() as cur:
                cur.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)

    def materialise(self, name: str, duck_sql: str) -> None:
        self.execute(f'DROP TABLE IF EXISTS "{name}"')
        self.execute(f'CREATE TEMP TABLE "{name}" AS {self.sql(duck_sql)}')
        self.execute(f'ANALYZE "{name}"')

    def columns(self, relation: str) -> dict[str, str]:
        cur = self._run(f"SELECT * FROM {relation} LIMIT 0")
        oids = [d.type_code for d in cur.description or []]
        names = [d.name for d in cur.description or []]
        cur.close()
        types = dict(self._run("SELECT oid, typname FROM pg_type WHERE oid = ANY(%s)", [oids]))
        return {n: str(types.get(o, "unknown")) for n, o in zip(names, oids, strict=True)}

    def close(self) -> None:
        self._con.close()

    def user_key(self, column: exp.Expression) -> exp.Expression:
        """First 15 hex digits of the keyed hash of user_id (:func:`.secrets.keyed_hash`), as a
        bigint."""
        key = pseudonym_key(self._salt)
        template = sqlglot.parse_one(
            f"CAST(CAST('x' || LEFT(ENCODE(SHA256(CONVERT_TO('{key}' || CAST(__uid__ AS TEXT), "
            f"'UTF8')), 'hex'), 15) AS BIT(60)) AS BIGINT)",
            read="postgres",
        )
        return template.transform(
            lambda n: column.copy() if isinstance(n, exp.Column) and n.name == "__uid__" else n
        )


register("postgres", PostgresEngine)

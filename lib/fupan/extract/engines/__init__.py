"""Where the extract SQL runs: a registry of engines (papermill-style ``register(name, engine)``).

The aggregate queries of ``fupan/extract/sql`` are written once, in DuckDB's dialect. An
:class:`Engine` runs them somewhere — the embedded DuckDB (:mod:`.duck`), a PostgreSQL database
(:mod:`.postgres`), Spark (:mod:`.spark`) — after :func:`transpile` has turned them into the
engine's dialect with sqlglot. Only the aggregates come back, as small pandas frames.

Two things no dialect rule can translate are rewritten on the syntax tree here:

- ``hash(user_id)`` (the 64-bit customer key the customer analyses group by) becomes the engine's
  :meth:`Engine.user_key`: on a warehouse, where ``user_id`` is the shop's raw identifier, a keyed
  hash (SHA-256 of a secret derived from the case library's salt and the id, truncated:
  :func:`.secrets.keyed_hash`) so that no raw or guessable id leaves it;
- ``arg_min`` / ``arg_max`` and ``unnest(generate_series(...))`` where the target has no such
  function (PostgreSQL: ``(array_agg(x ORDER BY y))[1]`` and a set-returning ``generate_series``).

:func:`create` makes an engine from its registered factory; a factory takes keyword arguments only.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

if TYPE_CHECKING:  # sqlglot loads only where SQL is transpiled (a warehouse or Spark source)
    from sqlglot import exp

#: name → factory(**options) → Engine
ENGINES: dict[str, Callable[..., Engine]] = {}


def register(name: str, factory: Callable[..., Engine]) -> None:
    """Make ``factory`` the engine called ``name`` (a later registration replaces an earlier one)."""
    ENGINES[name] = factory


def create(name: str, **options: Any) -> Engine:
    """A new engine of the kind registered as ``name``."""
    _load_builtin()
    if name not in ENGINES:
        known = ", ".join(sorted(ENGINES))
        raise KeyError(f"unknown engine {name!r} (known: {known})")
    return ENGINES[name](**options)


def names() -> list[str]:
    """The registered engine names."""
    _load_builtin()
    return sorted(ENGINES)


def _load_builtin() -> None:
    # the built-in engines register themselves on import; their drivers load only when used
    import importlib

    for module in ("duck", "postgres", "spark"):
        importlib.import_module(f"{__name__}.{module}")


class Engine:
    """One place where SQL runs. Subclasses set ``name`` and ``dialect`` (a sqlglot dialect) and
    implement :meth:`execute`, :meth:`fetch`, :meth:`put_frame` and :meth:`columns`."""

    name: ClassVar[str] = ""
    dialect: ClassVar[str] = "duckdb"

    # --------------------------------------------------------------- in the engine's own dialect
    def execute(self, statement: str) -> None:
        """Run a statement written in the engine's dialect, discarding any result."""
        raise NotImplementedError

    def fetch(self, statement: str) -> pd.DataFrame:
        """Run a query written in the engine's dialect; the result as a frame."""
        raise NotImplementedError

    def put_frame(self, name: str, frame: pd.DataFrame) -> None:
        """Make a small frame (windows, control keys, flagged days) a temporary table ``name``."""
        raise NotImplementedError

    def columns(self, relation: str) -> dict[str, str]:
        """Column name → type name of ``relation`` (no rows read: a ``LIMIT 0`` query)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the connection or session (an engine shared by its owner may keep it)."""

    def user_key(self, column: exp.Expression) -> exp.Expression:
        """The 64-bit customer key of ``column`` (default: the dialect's own ``hash``)."""
        from sqlglot import exp

        return exp.Anonymous(this="hash", expressions=[column])

    # --------------------------------------------------------------- DuckDB-dialect SQL
    def sql(self, duck_sql: str) -> str:
        """``duck_sql`` (DuckDB dialect, as in ``fupan/extract/sql``) in this engine's dialect."""
        return transpile(duck_sql, self)

    def query(self, duck_sql: str) -> pd.DataFrame:
        """Run a DuckDB-dialect query here; DECIMAL columns come back as floats, dates as
        datetimes, whatever the driver returns."""
        return normalise(self.fetch(self.sql(duck_sql)))

    def materialise(self, name: str, duck_sql: str) -> None:
        """``name`` = a temporary table holding the result of a DuckDB-dialect query."""
        self.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {self.sql(duck_sql)}")

    def view(self, name: str, duck_sql: str) -> None:
        """``name`` = a temporary view of a DuckDB-dialect query: read by several queries, each
        running it again (for what costs less to recompute than to store)."""
        self.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS {self.sql(duck_sql)}")

    def release(self, name: str) -> None:
        """Drop the temporary table ``name`` (:meth:`materialise`) once no query needs it."""
        self.execute(f"DROP TABLE IF EXISTS {name}")


def transpile(duck_sql: str, engine: Engine) -> str:
    """One DuckDB-dialect statement in ``engine``'s dialect (sqlglot, plus the rewrites above)."""
    if engine.dialect == "duckdb":
        return duck_sql
    import sqlglot
    from sqlglot import exp

    tree = sqlglot.parse_one(duck_sql, read="duckdb")

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Anonymous) and str(node.this).lower() == "hash":
            return engine.user_key(node.expressions[0])
        if engine.dialect == "spark" and isinstance(node, exp.PercentileCont):
            # sqlglot writes Spark's approximate percentile; ``percentile`` is exact, as DuckDB's
            return exp.Anonymous(this="percentile", expressions=[node.this, node.expression])
        if engine.dialect == "postgres":
            if isinstance(node, exp.ArgMin | exp.ArgMax):
                order = exp.Ordered(this=node.expression, desc=isinstance(node, exp.ArgMax))
                agg = exp.ArrayAgg(this=exp.Order(this=node.this, expressions=[order]))
                return exp.Bracket(
                    this=exp.Paren(this=agg), expressions=[exp.Literal.number(1)], offset=1
                )
            if isinstance(node, exp.Explode | exp.Unnest) and isinstance(
                node.this, exp.GenerateSeries
            ):
                return node.this
        return node

    return tree.transform(rewrite).sql(dialect=engine.dialect)


def _as_float(v: object) -> object:
    return float(v) if isinstance(v, decimal.Decimal) else v


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Driver-neutral column types: Decimal → float, date/datetime objects → datetime64."""
    for column in frame.columns:
        values = frame[column].dropna()
        if values.empty or frame[column].dtype != object:
            continue
        first = values.iloc[0]
        if isinstance(first, decimal.Decimal):
            frame[column] = pd.to_numeric(frame[column].map(_as_float), errors="coerce")
        elif isinstance(first, dt.date):
            frame[column] = pd.to_datetime(frame[column])
    return frame


__all__ = ["ENGINES", "Engine", "create", "names", "normalise", "register", "transpile"]

"""Shared by the warehouse-engine tests: one generated campaign as Parquet files, its loading into
PostgreSQL, and the cent-exact comparison of two :class:`~fupan.extract.Aggregates` bundles.

The campaign is the demo shop at scale 0.1 (about 15,000 order lines, 100,000 events, spend,
inventory, a control category and an A/B test), its four contract tables written as Parquet so
that DuckDB, PostgreSQL (loaded from them) and Spark all read the same files.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import yaml

from fupan.demo.generator import generate_demo
from fupan.extract.aggregates import Aggregates

TABLES = ("orders", "events", "spend", "inventory")
#: every aggregate the extract returns (the frame fields of Aggregates)
AGGREGATES = {f.name for f in dataclasses.fields(Aggregates)} - {"notes"}
SEED = 7
#: a value no aggregate may contain: planted in every table's extra column
PLANTED_PII = "13800138000"


def parquet_campaign(folder: Path, scale: float = 0.1) -> Path:
    """The demo campaign (``scale`` 0.1: about 15,000 order lines) with its contract tables as
    Parquet; returns the folder."""
    raw = folder.parent / (folder.name + "-raw")
    generate_demo(raw, seed=SEED, scale=scale)
    folder.mkdir(parents=True, exist_ok=True)
    card = yaml.safe_load((raw / "campaign.yaml").read_text(encoding="utf-8"))
    con = duckdb.connect()
    tables = {}
    for name in TABLES:
        src = raw / card["tables"][name]
        target = folder / f"{name}.parquet"
        con.execute(
            f"COPY (SELECT {_padded(con, src)} FROM '{src}') TO '{target}' "
            "(FORMAT parquet, COMPRESSION zstd)"
        ).fetchall()
        tables[name] = target.name
    con.close()
    card["tables"] = tables
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return folder


#: the columns padded on some rows with the spaces a Chinese export may carry: the ideographic
#: space U+3000 (typed with a Chinese input method) and the no-break space U+00A0 (copied from a
#: web page). Every engine must read them as the value without them, as DuckDB's trim does.
PADDED = ("user_id", "channel", "sku", "category", "status", "event")


def _padded(con: duckdb.DuckDBPyConnection, src: Path) -> str:
    """The select list of ``src`` with every 7th value of the :data:`PADDED` text columns wrapped
    in U+3000 / U+00A0 (one side, the other or both, by row)."""
    cols = con.execute(f"DESCRIBE SELECT * FROM '{src}'").fetchall()
    row = ", ".join('"' + c[0] + '"' for c in cols)
    out = []
    for col, kind, *_ in cols:
        q = f'"{col}"'
        if col in PADDED and kind == "VARCHAR":
            out.append(
                f"CASE hash({q}, {row}) % 21 "
                f"WHEN 0 THEN chr(12288) || {q} WHEN 1 THEN {q} || chr(160) "
                f"WHEN 2 THEN chr(160) || {q} || chr(12288) ELSE {q} END AS {q}"
            )
        else:
            out.append(q)
    return ", ".join(out)


def customer_keys(rows: list[tuple], salt: bytes) -> set[int]:
    """The keys the extract must give the customers of ``rows`` (order_id, user_id, status as the
    source holds them): each id stripped of its padding by Python (not by the SQL under test),
    the customers of the orders not wholly cancelled, keyed as :func:`conftest.keyed_hex`."""
    from conftest import keyed_hex

    lines: dict[str, list[tuple[str, str]]] = {}
    for order, user, status in rows:
        lines.setdefault(order.strip(), []).append((user.strip(), status.strip()))
    assert any(user != user.strip() for _, user, _ in rows)  # the padding is there to be read
    users = {min(u for u, _ in ls) for ls in lines.values() if any(s != "cancelled" for _, s in ls)}
    return {int(keyed_hex(u, salt)[:15], 16) for u in users}


def with_source(folder: Path, target: Path, source: dict, tables: dict | None = None) -> Path:
    """A copy of the campaign card in ``target`` naming ``source`` (and ``tables``), and for Spark
    the Parquet files beside it."""
    target.mkdir(parents=True, exist_ok=True)
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    card["source"] = source
    if tables is not None:
        card["tables"] = tables
    else:
        for name in card["tables"].values():
            (target / name).write_bytes((folder / name).read_bytes())
    (target / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return target


_PG_TYPES = {
    "VARCHAR": "text",
    "TIMESTAMP": "timestamp",
    "DATE": "date",
    "DOUBLE": "double precision",
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "BOOLEAN": "boolean",
}


def load_into_postgres(folder: Path, dsn: str, schema: str = "shop") -> None:
    """Create ``schema`` and one table per Parquet file of ``folder``, with the files' own column
    types (money as ``numeric(14, 2)``, the way a warehouse keeps it), plus a ``buyer_phone``
    column holding :data:`PLANTED_PII` that fupan must never read."""
    import psycopg

    con = duckdb.connect()
    with psycopg.connect(dsn, autocommit=True) as pg:
        pg.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        pg.execute(f"CREATE SCHEMA {schema}")
        for name in TABLES:
            path = folder / f"{name}.parquet"
            cols = con.execute(f"DESCRIBE SELECT * FROM '{path}'").fetchall()
            decl = []
            for col, kind, *_ in cols:
                pg_type = _PG_TYPES.get(kind, "text")
                if col in ("paid_amount", "list_amount", "refund_amount", "spend"):
                    pg_type = "numeric(14, 2)"
                decl.append(f'"{col}" {pg_type}')
            pg.execute(f"CREATE TABLE {schema}.{name} ({', '.join(decl)}, buyer_phone text)")
            rows = con.execute(f"SELECT *, '{PLANTED_PII}' FROM '{path}'").fetchall()
            names = ", ".join([f'"{c[0]}"' for c in cols] + ["buyer_phone"])
            with (
                pg.cursor() as cur,
                cur.copy(f"COPY {schema}.{name} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            pg.execute(f"ANALYZE {schema}.{name}")
    con.close()


def _frame_rows(frame: pd.DataFrame, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    out = frame.drop(columns=[c for c in drop if c in frame.columns]).copy()
    for c in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = pd.to_datetime(out[c]).dt.strftime("%Y-%m-%d %H:%M:%S")
        elif pd.api.types.is_numeric_dtype(out[c]) and not pd.api.types.is_bool_dtype(out[c]):
            # to the cent: amounts are compared rounded to 0.01 (counts are whole numbers)
            out[c] = np.round(pd.to_numeric(out[c], errors="coerce").astype(float), 2)
        else:
            out[c] = out[c].astype(object).where(out[c].notna(), None).astype(str)
    return out.sort_values(list(out.columns)).reset_index(drop=True)


def assert_same_frame(name: str, expected: pd.DataFrame, got: pd.DataFrame, drop=()) -> None:
    """``got`` has ``expected``'s columns and rows (any order), amounts equal to the cent."""
    assert list(got.columns) == list(expected.columns), (name, list(got.columns))
    a, b = _frame_rows(expected, drop), _frame_rows(got, drop)
    assert len(a) == len(b), (name, len(a), len(b))
    diff = a.compare(b) if a.shape == b.shape else None
    assert diff is not None and diff.empty, (
        f"{name} differs:\n{diff.head(20) if diff is not None else ''}"
    )


def customer_shape(frame: pd.DataFrame) -> list[tuple]:
    """Each customer's number of orders and GMV (to the cent), sorted: what the customer key must
    preserve, whatever its values."""
    g = frame.groupby("user_key").agg(n=("gmv", "size"), gmv=("gmv", "sum"))
    return sorted((int(n), round(float(v), 2)) for n, v in zip(g.n, g.gmv, strict=True))


def assert_same_aggregates(expected: Aggregates, got: Aggregates) -> list[str]:
    """Every frame of two extracts equal to the cent (customer keys compared by the partition of
    orders they make); returns the names compared."""
    compared = []
    for f in dataclasses.fields(Aggregates):
        a, b = getattr(expected, f.name), getattr(got, f.name)
        if f.name == "notes":
            assert a == b
            continue
        assert (a is None) == (b is None), f.name
        if a is None:
            continue
        if "user_key" in a.columns:
            assert customer_shape(a) == customer_shape(b), f.name
            assert_same_frame(f.name, a, b, drop=("user_key",))
        else:
            assert_same_frame(f.name, a, b)
        compared.append(f.name)
    return compared

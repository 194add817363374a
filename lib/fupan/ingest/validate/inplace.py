"""Tables read where they lie: a Parquet file becomes a view, never a copy.

For a Parquet table, ``raw_<name>`` is a DuckDB view over ``read_parquet`` with the card's column
mapping applied as aliases, the personal-data columns of :mod:`fupan.ingest.privacy` left out,
and the file's row number as ``rowid`` (0-based, as a table's). Every check then runs as one
aggregate query over the file. The pseudonymised columns (``user_id`` always) are hashed once per
distinct value into a small table (value → pseudonym) that the typed view joins back, so the work
is proportional to the number of customers, not of rows — except the behaviour log's ``user_id``
(:data:`KEPT_IN_FILE`), whose customers the report only counts: its view computes a row's
pseudonym only when a query reads it, and the extract counts the log's customers by a key of the
raw id (:func:`customer_relations`).

The typed ``<name>`` is a view too (the contract's casts over the file, the pseudonyms joined in);
it holds no data, and its definition names no raw column the analyses could read. ``fupan run``
materialises it once, into the file the kernel opens (:func:`.prepared.save_prepared`).

Anything else — CSV, Excel, a file this path cannot vouch for (damaged, duplicate column names,
a mapping problem) — goes through :func:`fupan.ingest.readers.load_table`, which copies it and
reports every problem in its bilingual form.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ...errors import Problem
from ...extract.duck import ddl, ident, literal
from .. import privacy
from ..card import CONTRACTS
from ..readers import reader_for
from ..readers.columns import apply_names, missing_columns
from ..readers.profiles import detect
from .columns import DEFAULTS, KEEP_ROWS, SQL_TYPE

#: Tables left in their file when read in place: the behaviour log, by far the largest table and
#: read only by the few queries that count its customers. The others are read by many queries, so
#: their typed rows are written once for the report (:func:`.prepared.save_prepared`). The log's
#: ``user_id`` gets no pseudonym table: hashing its 11.2M distinct ids at 67M events cost 4.3 s of
#: validation and joining them back 2.6 s of the extract, which counts customers by
#: :func:`fupan.ingest.privacy.raw_customer_key_sql` instead.
KEPT_IN_FILE = ("events",)


@dataclass
class InPlace:
    """How a table read in place is selected: the raw SELECT (aliases applied, personal-data
    columns left out, ``rowid``) and, per pseudonymised column, the table of its pseudonyms."""

    select: str
    #: the columns of the raw SELECT (rowid aside)
    columns: list[str] = field(default_factory=list)
    #: column → (table of its pseudonyms, its type in the file)
    pseudonyms: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: column → its type in the file: the ids of a table left in its file (:data:`KEPT_IN_FILE`)
    #: that have no pseudonym table; the typed view computes their pseudonyms per row read
    #: (:func:`fupan.ingest.privacy.lazy_pseudonym_sql`), and the extract reads the customers by
    #: key instead (:func:`typed_select` with ``keyed``)
    keyed: dict[str, str] = field(default_factory=dict)
    #: the text ids of :attr:`keyed` that no trimming changes (validation counted none, in its
    #: checking scan): their customer key hashes the text as the file has it, without testing
    #: each row for spaces to trim (at 50M events ~0.5 s of the behaviour extract)
    untrimmed: set[str] = field(default_factory=set)
    #: the fingerprint of the salt those pseudonyms are made with
    #: (:func:`fupan.ingest.privacy.salt_fingerprint`): the kernel computes them with its own
    salt: str | None = None
    #: the pseudonymised columns every row of which has an id (none NULL or blank): their check
    #: for empty values is answered by the distinct ids (:func:`fupan.ingest.privacy.pseudonym_table`)
    complete: set[str] = field(default_factory=set)
    #: the cast expressions and duplicate policy of the typed view, once built
    typed: tuple[dict[str, str], str] | None = None


def _is_parquet(path: Path) -> bool:
    try:
        size = path.stat().st_size
        with open(path, "rb") as fh:
            head = fh.read(4)
            fh.seek(max(size - 4, 0))
            tail = fh.read(4)
    except OSError:
        return False
    return size >= 12 and head == b"PAR1" and tail == b"PAR1"


def load_in_place(
    con: duckdb.DuckDBPyConnection,
    name: str,
    folder: Path,
    filename: str,
    mapping: dict[str, str],
    salt: bytes | None,
    privacy_log: dict | None = None,
    profile: str | None = None,
    sources: dict[str, str] | None = None,
) -> tuple[list[Problem], InPlace | None] | None:
    """Open the Parquet table ``name`` as the view ``raw_<name>``; None when it is not a Parquet
    file this path takes (the caller copies it with the reader instead): another kind of file, a
    damaged one, or one read through an export profile (pinned as ``profile`` or detected).
    ``sources`` receives the file's own header of each renamed contract column."""
    path = folder / filename
    reader = reader_for(path)
    if profile is not None or reader is None or reader.name != "parquet":
        return None
    if not _is_parquet(path):
        return None
    import pyarrow.parquet as pq

    try:
        names = pq.read_schema(path).names
    except Exception:  # noqa: BLE001 — the reader reports a damaged file in its own words
        return None
    if len({n.strip() for n in names}) < len(names) or "rowid" in names:
        return None
    if detect(name, names) is not None:
        return None
    source = f"read_parquet({literal(str(path.resolve()))}, file_row_number = true)"
    raw = f"raw_{name}"
    # the reader's renaming rules (trim, mapping, collisions) on an empty table of the same shape
    ddl(con, f"CREATE OR REPLACE TABLE {raw} AS SELECT * FROM read_parquet(?) LIMIT 0", [str(path)])
    problems = apply_names(con, raw, name, filename, mapping, sources)
    final = [r[0] for r in con.execute(f"DESCRIBE {raw}").fetchall()]
    ddl(con, f"DROP TABLE {raw}")
    if any(p.severity == "error" for p in problems):
        return problems, None
    aliases = [f"{ident(src)} AS {ident(dst)}" for src, dst in zip(names, final, strict=True)]
    ddl(
        con,
        f"CREATE VIEW {raw} AS SELECT {', '.join(aliases)}, file_row_number AS rowid FROM {source}",
    )
    contract = {c.name for c in CONTRACTS[name]}
    decided = privacy.plan(con, raw, contract, filename)
    problems += decided.problems
    kept = [a for a, dst in zip(aliases, final, strict=True) if dst not in decided.dropped]
    if not kept:  # every column was personal data: keep the rows only
        kept = ["CAST(NULL AS VARCHAR) AS __no_columns_left"]
    select = f"SELECT {', '.join(kept)}, file_row_number AS rowid FROM {source}"
    ddl(con, f"CREATE OR REPLACE VIEW {raw} AS {select}")
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {raw}").fetchall()}
    view = InPlace(select, [c for c in types if c != "rowid"])
    salt_ = salt if salt is not None else privacy.load_salt()
    for column in decided.pseudonymise:
        if name in KEPT_IN_FILE and column == "user_id":
            view.keyed[column] = types[column]
            view.salt = privacy.salt_fingerprint(salt_)
            privacy.set_pseudonym_key(con, salt_)
            continue
        table = f"_pseudonyms_{name}_{column}"
        if privacy.pseudonym_table(con, table, raw, column, types[column], salt_):
            view.complete.add(column)
        view.pseudonyms[column] = (table, types[column])
    if privacy_log is not None:
        privacy_log[name] = {
            "dropped": sorted(decided.dropped),
            "pseudonymised": decided.pseudonymise,
        }
    if con.execute(f"SELECT count(*) FROM {raw}").fetchall()[0][0] == 0:
        problems.append(
            Problem(
                "table_no_rows",
                filename,
                f"{filename} 只有表头，没有数据行。",
                f"{filename} has a header but no data rows.",
            )
        )
        return problems, view
    problems += missing_columns(name, filename, set(types))
    return problems, view


def typed_columns(name: str, exprs: dict[str, str]) -> dict[str, str]:
    """Each contract column of ``name`` and its SQL: the column's typed expression (``exprs``,
    for the columns the file has) with its default where it is empty, or, absent, the default
    (DEFAULTS) or NULL, cast to the contract type."""
    cols = {}
    for col in CONTRACTS[name]:
        default = DEFAULTS.get(col.name)
        if default == "paid_amount":  # the typed value, never the raw text
            default = exprs["paid_amount"]
        if col.name in exprs:
            e = exprs[col.name] if default is None else f"coalesce({exprs[col.name]}, {default})"
        else:
            e = default or "NULL"
        cols[col.name] = f"CAST({e} AS {SQL_TYPE[col.kind]})"
    return cols


def constant_columns(name: str, present: list[str]) -> dict[str, str]:
    """The contract columns of ``name`` the file does not have (``present``: those it has) and
    that are filled with a constant — a literal default or NULL — with their SQL
    (:func:`typed_columns`'s)."""
    names = {c.name for c in CONTRACTS[name]}
    placeholders = {c: c for c in present}  # only the absent columns' SQL is kept
    return {
        c: sql
        for c, sql in typed_columns(name, placeholders).items()
        if c not in present and DEFAULTS.get(c) not in names
    }


def typed_select(
    con: duckdb.DuckDBPyConnection,
    name: str,
    exprs: dict[str, str],
    duplicates: str,
    view: InPlace | None = None,
    *,
    pseudonyms: bool = True,
    prefix: str = "",
    keyed: bool = False,
) -> str:
    """The SELECT of the typed ``<name>``: the contract columns, each cast to its type (absent
    ones filled by DEFAULTS or NULL), plus ``_row`` (the data row in the file). Over the copied
    ``raw_<name>``, or, read in place, over the file with the pseudonym tables (named with
    ``prefix``, e.g. ``prep.``) joined back by value; ``pseudonyms=False``: the ids as in the
    file, for checks that only count or compare them. ``keyed`` (a table whose ``user_id`` is in
    :attr:`InPlace.keyed`): ``user_id`` replaced by ``user_key``, the customer key of the raw id —
    the ``<name>_keyed`` relation the extract counts customers in."""
    exprs = dict(exprs)
    keep = exprs.pop(KEEP_ROWS, None)  # e.g. events without a customer id are left out
    joins = []
    if view is not None and pseudonyms:
        for i, (column, (table, raw_type)) in enumerate(sorted(view.pseudonyms.items())):
            alias = f"_p{i}"
            joins.append(
                f" LEFT JOIN {prefix}{table} AS {alias} ON {alias}.v = "
                f"{privacy.id_key_sql('r.' + ident(column), raw_type)}"
            )
            exprs[column] = f"{alias}.p"
        for column, raw_type in view.keyed.items():
            exprs[column] = privacy.lazy_pseudonym_sql(
                privacy.id_text_sql("r." + ident(column), raw_type)
            )
    typed = typed_columns(name, exprs)
    if keyed and view is not None:
        del typed["user_id"]
        typed["user_key"] = privacy.raw_customer_key_sql(
            "r.user_id", view.keyed["user_id"], trim="user_id" not in view.untrimmed
        )
    cols = [f"{sql} AS {column}" for column, sql in typed.items()]
    source = f"raw_{name} AS r" if view is None else f"({view.select}) AS r" + "".join(joins)
    where = f" WHERE {keep}" if keep else ""
    if duplicates == "drop":
        raw_cols = (
            view.columns
            if view is not None
            else [c[0] for c in con.execute(f"DESCRIBE raw_{name}").fetchall() if c[0] != "rowid"]
        )
        partition = ", ".join(f"r.{ident(c)}" for c in raw_cols)
        where += f" QUALIFY row_number() OVER (PARTITION BY {partition} ORDER BY r.rowid) = 1"
    return f"SELECT {', '.join(cols)}, r.rowid + 1 AS _row FROM {source}{where}"


#: Text columns of few values, per table, whose typing (trimmed, lower-cased, blank → NULL, a word
#: of another export read as the contract's) most files leave unchanged: read in place, such a
#: column is passed through as the file has it when none of its distinct values would change
#: (:func:`pass_through`). At 50M events, typing ``event``, ``channel`` and ``variant`` row by row
#: was ~0.6 s of the behaviour extract's 6 s (each query reading the log types them again).
PASS_THROUGH = {"events": ("event", "channel", "variant"), "orders": ("channel", "status")}
#: …when the column has at most this many distinct values (more would cost a count, not save one)
PASS_THROUGH_DISTINCT = 1000


def pass_through(
    con: duckdb.DuckDBPyConnection, name: str, exprs: dict[str, str], view: InPlace
) -> dict[str, str]:
    """``exprs`` with each column of :data:`PASS_THROUGH` that the file holds as text, and whose
    typed expression gives back every one of its distinct values unchanged (NULL as NULL), read
    as the file has it: the same values, without the per-row trimming and comparing. A column
    with more than :data:`PASS_THROUGH_DISTINCT` values, or whose expression cannot be evaluated
    on its values alone, keeps its expression."""
    out = dict(exprs)
    types = None
    for column in PASS_THROUGH.get(name, ()):
        if column not in exprs or column not in view.columns:
            continue
        if column in view.pseudonyms or column in view.keyed:
            continue
        if types is None:
            types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {view.select}").fetchall()}
        if types.get(column) != "VARCHAR":
            continue
        q = ident(column)
        try:
            (n, same), *_ = con.execute(
                f"SELECT count(*), bool_and(({exprs[column]}) IS NOT DISTINCT FROM {q}) "
                f"FROM (SELECT DISTINCT {q} FROM ({view.select}) r "
                f"LIMIT {PASS_THROUGH_DISTINCT + 1}) r"
            ).fetchall()
        except duckdb.Error:  # a typing that reads more than the one column
            continue
        if n <= PASS_THROUGH_DISTINCT and same:
            out[column] = q
    return out


def event_values(
    con: duckdb.DuckDBPyConnection, exprs: dict[str, str], view: InPlace | None, column: str
) -> list[str | None]:
    """The distinct values of ``column`` of the typed ``events`` (sorted, NULL last), which the
    behaviour extract lays its bits and ranks out by (:mod:`fupan.extract.behaviour`). Read in
    place, the typing is applied to the file's few distinct values (the channels of 67M events:
    0.04 s, against 0.5 s typing every row and 3 s through the pseudonyms' join); else, or if
    that cannot be done, from the typed table."""
    rows = None
    if view is not None and column in view.columns:
        typed = typed_columns("events", exprs)[column]
        try:
            rows = con.execute(
                f"SELECT DISTINCT {typed} AS v "
                f"FROM (SELECT DISTINCT {ident(column)} FROM ({view.select}) r) r"
            ).fetchall()
        except duckdb.Error:  # a typing that reads more than the one column
            rows = None
    if rows is None:
        rows = con.execute(f"SELECT DISTINCT {ident(column)} FROM events").fetchall()
    return sorted((r[0] for r in rows), key=lambda c: (c is None, str(c)))


def build_typed(
    con: duckdb.DuckDBPyConnection,
    name: str,
    exprs: dict[str, str],
    duplicates: str,
    view: InPlace | None = None,
    *,
    pseudonyms: bool = True,
) -> None:
    """Create the typed ``<name>`` (:func:`typed_select`): a table when the reader copied the
    file, a view when it is read in place (which then remembers how, for
    :func:`.prepared.save_prepared`)."""
    select = typed_select(con, name, exprs, duplicates, view, pseudonyms=pseudonyms)
    if view is None:
        ddl(con, f"CREATE TABLE {name} AS {select}")
        return
    ddl(con, f"CREATE OR REPLACE VIEW {name} AS {select}")
    view.typed = (exprs, duplicates)


def drop_raw(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Drop ``raw_<name>``, a table (copied by the reader) or a view (read in place), if any."""
    kinds = con.execute(
        "SELECT 'TABLE' FROM duckdb_tables() WHERE table_name = $1 "
        "UNION ALL SELECT 'VIEW' FROM duckdb_views() WHERE view_name = $1",
        [f"raw_{name}"],
    ).fetchall()
    for (kind,) in kinds:
        ddl(con, f"DROP {kind} raw_{name}")


def customer_relations(
    con: duckdb.DuckDBPyConnection, inplace: dict[str, InPlace], prefix: str = ""
) -> None:
    """The two relations the extract counts the behaviour log's customers with, in ``prefix``
    (``prep.``: the prepared file, its tables and views already written):

    - ``events_keyed``: the typed events with ``user_key``, a 64-bit customer key, instead of
      ``user_id``;
    - ``customer_keys`` (user_id, user_key): each customer of the orders, by pseudonym, with the
      same key — how the A/B arms match an exposed customer to their orders.

    Events left in their file (:data:`KEPT_IN_FILE`) are keyed by their raw ids
    (:func:`fupan.ingest.privacy.raw_customer_key_sql`), and the orders' customers by the ids
    their pseudonyms were made from (their pseudonym table, or the one :func:`.privacy.protect`
    left); otherwise both are keyed by ``hash`` of the pseudonym."""
    events = inplace.get("events")
    if events is not None and "user_id" in events.keyed and events.typed is not None:
        exprs, duplicates = events.typed
        select = typed_select(con, "events", exprs, duplicates, events, prefix=prefix, keyed=True)
        ddl(con, f"CREATE OR REPLACE VIEW {prefix}events_keyed AS {select}")
        if prefix:  # the table made below
            copy_uncompressed(con, "customer_keys", prefix)
            return
        orders = inplace.get("orders")
        select = (
            privacy.customer_keys_sql(orders.pseudonyms["user_id"][0])
            if orders is not None and "user_id" in orders.pseudonyms
            else f"SELECT * FROM {privacy.keys_table('raw_orders')}"  # the orders were copied
        )
        ddl(con, f"CREATE OR REPLACE TEMP TABLE customer_keys AS {select}")
        return
    for name, select in privacy.hashed_relations(prefix).items():
        ddl(con, f"CREATE OR REPLACE VIEW {prefix}{name} AS {select}")


def copy_uncompressed(con: duckdb.DuckDBPyConnection, table: str, prefix: str = "prep.") -> None:
    """Copy ``table`` into ``prefix`` (the prepared file) without compression: a table of
    pseudonyms holds random hex, which no compression shrinks, and trying costs (11M ids: 2.0 s
    compressed against 0.7 s, the file ~200 MB larger); the kernel reads it once, to build a join."""
    ddl(con, "SET force_compression = 'uncompressed'")
    try:
        ddl(con, f"CREATE TABLE {prefix}{table} AS SELECT * FROM {table}")
    finally:
        ddl(con, "RESET force_compression")

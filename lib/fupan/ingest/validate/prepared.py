"""The validated tables handed from ``fupan run`` to the kernel: one DuckDB file written once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import Problem
from ...extract.duck import ddl, ident
from ...progress import step
from ..card import load_card
from ..readers import campaign_bytes, file_sha256, open_connection
from .inplace import (
    KEPT_IN_FILE,
    constant_columns,
    copy_uncompressed,
    customer_relations,
    typed_select,
)
from .model import Campaign

if TYPE_CHECKING:
    import duckdb


#: the relations :func:`.inplace.customer_relations` adds beside the events
KEYED = ["events_keyed", "customer_keys"]

#: Columns written uncompressed besides the pseudonyms (:func:`_write_rows`): an order id is
#: nearly unique per line, so DuckDB's analysis of dictionary and FSST compression for it finds
#: little to gain. At 10M order lines (three pairs alternated in one process) the write took
#: 3.7–3.8 s against 4.2–4.3 s and the extract over it 19.1–19.9 s against 19.7–20.6 s; the
#: file 524 MB against 397 MB.
UNCOMPRESSED = {"orders": ("order_id",)}


def save_prepared(campaign: Campaign, path: Path) -> None:
    """Write the validated, typed tables and what validation found to a DuckDB file.

    A table of :data:`KEPT_IN_FILE` read in place (a Parquet file) is written as its typed view
    over the file plus its pseudonym tables (one row per distinct id, for the columns that have
    one), not as a copy of its rows; the file's hash, checked by :func:`open_prepared`, guarantees
    the view still reads what was validated. Beside the events go the relations of
    :func:`.inplace.customer_relations` (:data:`KEYED`).

    ``fupan run`` validates before any kernel starts; the kernel then opens this file with
    :func:`open_prepared` instead of validating the same data a second time.
    """
    import json

    path = Path(path)
    path.unlink(missing_ok=True)
    if getattr(campaign, "engine", None) is not None:
        return  # a warehouse/Spark source: the kernel reconnects (the data never leave it)
    con = campaign.con
    ddl(con, f"ATTACH '{str(path).replace(chr(39), chr(39) * 2)}' AS prep")
    try:
        for name in campaign.tables:
            view = campaign.inplace.get(name)
            if name not in KEPT_IN_FILE or view is None or view.typed is None:
                with step("写入", f"writing the validated {name} for the report"):
                    present = campaign.flags.get("columns")
                    _write_rows(
                        con,
                        name,
                        present.get(name) if isinstance(present, dict) else None,
                        (campaign.privacy or {}).get(name, {}).get("pseudonymised", ()),
                    )
                continue
            # read in place: the small pseudonym tables are copied, the rows stay in the file
            for table, _ in view.pseudonyms.values():
                copy_uncompressed(con, table)
            exprs, duplicates = view.typed
            select = typed_select(con, name, exprs, duplicates, view, prefix="prep.")
            ddl(con, f"CREATE VIEW prep.{name} AS {select}")
        if "events" in campaign.tables:
            customer_relations(con, campaign.inplace, prefix="prep.")
        meta = {
            "tables": campaign.tables,
            "hashes": campaign.hashes,
            "flags": campaign.flags,
            "warnings": [p.__dict__ for p in campaign.warnings],
            "privacy": campaign.privacy,
            "event_channels": campaign.event_channels,
            "event_variants": campaign.event_variants,
            "salt": next((v.salt for v in campaign.inplace.values() if v.salt), None),
            "as_of": None if campaign.card.as_of is None else campaign.card.as_of.isoformat(),
        }
        ddl(con, "CREATE TABLE prep._meta (meta VARCHAR)")
        con.execute(
            "INSERT INTO prep._meta VALUES (?)", [json.dumps(meta, ensure_ascii=False)]
        ).fetchall()
    finally:
        ddl(con, "DETACH prep")


def _write_rows(
    con: duckdb.DuckDBPyConnection,
    name: str,
    present: list[str] | None,
    pseudonymised: Iterable[str] = (),
) -> None:
    """Write the typed ``name`` as ``prep.name``. The contract columns its file does not have
    hold one constant each (:func:`.inplace.constant_columns`: a default or NULL); only the
    other columns are stored, in ``prep._rows_<name>``, and ``prep.name`` is a view adding the
    constants back in the contract's order. At 10M order lines with 10 such columns the write
    took 5.0 s with them and 4.1 s without.

    The ``pseudonymised`` columns and those of :data:`UNCOMPRESSED` are stored without
    compression: a pseudonym is random hex, which no compression shrinks, and trying costs (10M
    order lines: 5.5 s written with the users' pseudonyms compressed, 4.3–4.4 s without; the file
    228 → 331 MB; the kernel's scans alike)."""
    columns = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {name}").fetchall()]
    constants = constant_columns(name, present) if present is not None else {}
    plain = {*pseudonymised, *UNCOMPRESSED.get(name, ())}
    stored = [(c, kind) for c, kind in columns if c not in constants]
    table = f"prep._rows_{name}" if constants else f"prep.{name}"
    definition = ", ".join(
        f"{ident(c)} {kind}" + (" USING COMPRESSION uncompressed" if c in plain else "")
        for c, kind in stored
    )
    ddl(con, f"CREATE TABLE {table} ({definition})")
    ddl(con, f"INSERT INTO {table} SELECT {', '.join(ident(c) for c, _ in stored)} FROM {name}")
    if not constants:
        return
    select = [f"{constants[c]} AS {ident(c)}" if c in constants else ident(c) for c, _ in columns]
    ddl(con, f"CREATE VIEW prep.{name} AS SELECT {', '.join(select)} FROM prep._rows_{name}")


def open_prepared(folder: Path | str, path: Path | str) -> Campaign:
    """A :class:`Campaign` from a file written by :func:`save_prepared`, after checking that the
    folder's files still have the hashes they had when they were validated."""
    import json

    folder = Path(folder)
    card = load_card(folder)
    con = open_connection(campaign_bytes(folder, card))
    ddl(con, f"ATTACH '{str(Path(path)).replace(chr(39), chr(39) * 2)}' AS prep (READ_ONLY)")
    meta = json.loads(con.execute("SELECT meta FROM prep._meta").fetchall()[0][0])
    as_of = dt.date.fromisoformat(meta["as_of"]) if meta.get("as_of") else None
    if as_of is not None:  # a war report (fupan run --as-of): validated as of that day
        card = load_card(folder, as_of)
    salt = _salt(meta.get("salt"))
    changed = any(file_sha256(folder / name) != digest for name, digest in meta["hashes"].items())
    if changed or (meta.get("salt") and salt is None):
        con.close()
        from . import open_campaign

        # the data changed since validation, or this process has another salt than the one the
        # events' pseudonyms are computed with: validate again
        return open_campaign(folder)
    for name in meta["tables"] + (KEYED if "events" in meta["tables"] else []):
        ddl(con, f"CREATE VIEW {name} AS SELECT * FROM prep.{name}")
    if salt is not None:
        from .. import privacy

        privacy.set_pseudonym_key(con, salt)  # the events' pseudonyms, computed per row read
    return Campaign(
        folder=folder,
        card=card,
        con=con,
        tables=meta["tables"],
        warnings=[Problem(**w) for w in meta["warnings"]],
        hashes=meta["hashes"],
        flags=meta["flags"],
        privacy=meta.get("privacy", {}),
        event_channels=meta.get("event_channels"),
        event_variants=meta.get("event_variants"),
    )


def _salt(fingerprint: str | None) -> bytes | None:
    """This process's salt if its fingerprint is ``fingerprint`` (the salt the prepared events'
    pseudonyms were made with), else None."""
    if not fingerprint:
        return None
    from ...errors import ConfigError
    from .. import privacy

    try:
        salt = privacy.load_salt(create=False)
    except ConfigError:
        return None
    return salt if privacy.salt_fingerprint(salt) == fingerprint else None

"""A campaign whose tables live in a warehouse or on Spark (the card's ``source`` block).

:func:`open_source` validates the contract *by SQL where the data is*: column presence and types
from a ``LIMIT 0`` query, then one aggregate query per table counting the rows that break each
rule (empty required values, values below a minimum or not allowed, fractional integers,
implausible dates), then the order checks (one user per order, refunds ≤ paid, coverage of the
windows) and the checks across tables a file campaign has (:mod:`fupan.ingest.across`: channels,
the spend's scale and gaps, repeated keys, self-contradicting rows). No row is copied out. The typed tables the extract reads are temporary views over the
source, named as the contracts name them; the extract then runs there (pushdown) and only its
aggregates come back. Problems name the table (``postgres:schema.table``), the column and the
number of rows, in Chinese and English; there are no row numbers in a warehouse.

Personal data: only contract columns are ever selected, so other columns (phones, names,
addresses) are never read; ``user_id`` stays inside the source, and the customer key that leaves it
is a keyed hash (:func:`fupan.extract.engines.secrets.keyed_hash`, keyed by the case library's
salt). The connection URL is read from the environment variable the card names and never written
anywhere (:mod:`fupan.extract.engines.secrets`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import Problem, ValidationError
from ..extract.engines import Engine, create
from ..extract.engines.secrets import source_error, url_from_env
from .across import check_across, check_channels
from .card import CARD_FILE, CampaignCard
from .card.source import URL_IN_CARD
from .history import HISTORY_SQL, LAST_DAYS_SQL, history_warnings, partial_last_day
from .privacy import hashed_relations, load_salt
from .readers import file_sha256
from .source_checks import check_table, orders_rules, quote, where_of


class SourceConnection:
    """What code written for a DuckDB connection calls on ``campaign.con``: ``execute(sql)`` (DuckDB
    dialect, transpiled to the engine's) with ``fetchall()``/``df()``, and ``close()``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._frame: pd.DataFrame | None = None

    def execute(self, query: str, params: Any = None) -> SourceConnection:
        if params:
            raise ValueError("parameters are not supported on a warehouse source")
        self._frame = self.engine.query(query)
        return self

    def df(self) -> pd.DataFrame:
        assert self._frame is not None
        return self._frame

    def fetchall(self) -> list[tuple]:
        return [tuple(r) for r in self.df().itertuples(index=False)]

    def close(self) -> None:
        self.engine.close()


@dataclass
class SourceCampaign:
    """A validated campaign whose typed tables are views in ``engine`` (same reading interface as
    :class:`fupan.ingest.validate.Campaign`; ``con`` runs DuckDB-dialect SQL there)."""

    folder: Path
    card: CampaignCard
    engine: Engine
    tables: list[str]
    warnings: list[Problem] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    flags: dict[str, object] = field(default_factory=dict)
    privacy: dict[str, dict] = field(default_factory=dict)

    @property
    def con(self) -> SourceConnection:
        return SourceConnection(self.engine)

    def has(self, table: str) -> bool:
        return table in self.tables

    def measures(self, table: str, column: str) -> bool:
        columns = self.flags.get("columns")
        return isinstance(columns, dict) and column in columns.get(table, ())


def _engine(folder: Path, card: CampaignCard, salt: bytes, spark: Any = None) -> Engine:
    src = card.source
    assert src is not None
    if src.engine == "postgres":
        assert src.url_env is not None
        if src.url_env == URL_IN_CARD:
            raise source_error(
                "source_url_in_card",
                "卡片的 source.url_env 里写的是连接 URL，而应是保存 URL 的环境变量名（如 FUPAN_PG_URL）；"
                "请把 URL 从卡片中删除（它可能含密码），放进该环境变量。",
                "The card's source.url_env holds a connection URL; it must name the environment "
                "variable that holds the URL (e.g. FUPAN_PG_URL). Remove the URL from the card (it "
                "may carry a password) and put it in that variable.",
            )
        return create("postgres", url=url_from_env(src.url_env), salt=salt, variable=src.url_env)
    engine = create("spark", spark=spark, salt=salt)
    return engine


def open_source(
    folder: Path,
    card: CampaignCard,
    problems: list[Problem] | None = None,
    *,
    salt: bytes | None = None,
    spark: Any = None,
) -> SourceCampaign:
    """Validate the card's source tables where they live and return the campaign; raise
    :class:`~fupan.errors.ValidationError` naming every problem. ``spark``: a SparkSession to use
    instead of the process's own."""
    problems = list(problems or [])
    salt = load_salt() if salt is None else salt
    engine = _engine(folder, card, salt, spark)
    try:
        return _open(folder, card, problems, engine)
    except BaseException:
        engine.close()
        raise


def _open(
    folder: Path, card: CampaignCard, problems: list[Problem], engine: Engine
) -> SourceCampaign:
    src = card.source
    assert src is not None
    loaded, present, prints = [], {}, {}
    for name, table in card.tables.items():
        where = where_of(card, name, table)
        if src.engine == "postgres":
            relation = f"{quote(src.db_schema or 'public')}.{quote(table)}"
        else:
            relation = f"raw_{name}"
            path = table if "://" in table else str((folder / table).resolve())
            try:
                engine.load_parquet(relation, path)  # type: ignore[attr-defined]
            except Exception as exc:  # noqa: BLE001
                problems.append(
                    Problem(
                        "file_unreadable",
                        table,
                        f"Spark 无法以 Parquet 读取 {table}：{str(exc).splitlines()[0][:300]}",
                        f"Spark cannot read {table} as Parquet: {str(exc).splitlines()[0][:300]}",
                    )
                )
                continue
        found, columns, fingerprint = check_table(engine, card, name, relation, where)
        problems += found
        if not any(p.severity == "error" for p in found):
            loaded.append(name)
            present[name] = columns
            prints[name] = fingerprint
    if "orders" in loaded:
        problems += orders_rules(engine, card, where_of(card, "orders", card.tables.orders))
    # the checks across tables, as for files (the same functions, run where the tables are)
    con, named = SourceConnection(engine), {n: where_of(card, n, t) for n, t in card.tables.items()}
    problems += check_across(con, folder, card, loaded, present, named)
    if "events" in loaded and "channel" in present["events"] and "orders" in loaded:
        problems += check_channels(con, folder, card, True, "events", file=named["events"])
    if any(p.severity == "error" for p in problems) or "orders" not in loaded:
        raise ValidationError(problems)
    if "events" in loaded:  # the relations the extract counts the events' customers in
        for name, select in hashed_relations().items():
            engine.view(name, select)
    row = engine.query(HISTORY_SQL).iloc[0]
    flags, found = history_warnings(
        card,
        where_of(card, "orders", card.tables.orders),
        pd.Timestamp(row["first_day"]).date(),
        bool(row["timed"]),
    )
    flags.update(columns=present, source=src.engine)
    problems += found
    last_days = engine.query(LAST_DAYS_SQL)
    cut, found = partial_last_day(
        list(zip(last_days["day"], last_days["last_order"], strict=True)),
        where_of(card, "orders", card.tables.orders),
        bool(row["timed"]),
    )
    flags.update(cut)
    problems += found
    hashes = {CARD_FILE: file_sha256(folder / CARD_FILE)}
    for name, text in prints.items():
        table = getattr(card.tables, name)
        local = folder / table
        if src.engine == "spark" and "://" not in table and local.is_file():
            hashes[table] = file_sha256(local)  # a local file: its bytes, as for file campaigns
        else:  # a warehouse table: its content as far as its row count and money total tell
            hashes[where_of(card, name, table)] = hashlib.sha256(text.encode()).hexdigest()
    return SourceCampaign(
        folder=folder,
        card=card,
        engine=engine,
        tables=loaded,
        warnings=[p for p in problems if p.severity != "error"],
        hashes=hashes,
        flags=flags,
    )


__all__ = ["SourceCampaign", "SourceConnection", "open_source"]

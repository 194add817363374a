"""The validated campaign handed to the extract layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ...errors import Problem
from ..card import CampaignCard


@dataclass
class Campaign:
    """A validated campaign: the card, its typed tables in DuckDB, and what was noticed.

    ``privacy`` records, per table, the personal-data columns dropped and the columns replaced by
    salted pseudonyms at ingestion (:mod:`fupan.ingest.privacy`). The raw copies of the files are gone by
    the time a Campaign is returned: only the typed tables remain in ``con``.
    """

    folder: Path
    card: CampaignCard
    con: duckdb.DuckDBPyConnection
    tables: list[str]
    warnings: list[Problem] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    flags: dict[str, object] = field(default_factory=dict)
    privacy: dict[str, dict] = field(default_factory=dict)
    #: tables read in place (:class:`fupan.ingest.validate.inplace.InPlace`): typed views over
    #: the files, materialised by nobody — :func:`save_prepared` writes their definitions
    inplace: dict[str, Any] = field(default_factory=dict)
    #: the typed events' distinct channels, as validation read them (None: not read; the behaviour
    #: extract then asks the events) — a layout hint for the extract, not recorded in the case
    event_channels: list[str | None] | None = None
    #: the same for the A/B variants: the extract ranks them in this order
    event_variants: list[str | None] | None = None

    def has(self, table: str) -> bool:
        return table in self.tables

    def measures(self, table: str, column: str) -> bool:
        """Whether ``table`` was given with ``column`` (an absent optional column is filled with a
        default, e.g. refund_amount 0, which is not a measurement). Unknown (an old prepared file):
        taken as present."""
        columns = self.flags.get("columns")
        if not isinstance(columns, dict):
            return self.has(table)
        return column in columns.get(table, ())

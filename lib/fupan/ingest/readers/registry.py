"""The readers' registry: one registration per file kind, looked up by extension.

Papermill-style: a :class:`Registry` maps a name to a handler; the built-in handlers register
themselves when their module is imported (``delimited``, ``workbook``, ``parquet`` and the platform
profiles), and a third-party package adds its own through the entry-point groups ``fupan.readers``
(a :class:`Reader`) and ``fupan.profiles`` (a :class:`~fupan.ingest.readers.profiles.Profile`),
loaded on the first lookup. Registering a name again replaces the earlier handler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from typing import Generic, Protocol, TypeVar

import duckdb

from ...errors import Problem


class _Named(Protocol):
    @property
    def name(self) -> str: ...


T = TypeVar("T", bound=_Named)


class Registry(Generic[T]):
    """Handlers by name, in registration order; entry points of ``group`` join on first lookup."""

    def __init__(self, what: str, group: str) -> None:
        self.what, self.group = what, group
        self._items: dict[str, T] = {}
        self._entry_points_loaded = False

    def register(self, item: T) -> T:
        self._items[item.name] = item
        return item

    def _load_entry_points(self) -> None:
        if self._entry_points_loaded:
            return
        self._entry_points_loaded = True
        for ep in entry_points(group=self.group):
            item = ep.load()
            self.register(item() if callable(item) and not hasattr(item, "name") else item)

    def get(self, name: str) -> T | None:
        self._load_entry_points()
        return self._items.get(name)

    def names(self) -> list[str]:
        self._load_entry_points()
        return list(self._items)

    def __iter__(self) -> Iterator[T]:
        self._load_entry_points()
        return iter(list(self._items.values()))


#: read(con, raw, path, filename) creates the DuckDB table ``raw`` (text columns, or the file's own
#: types) whose rowid + 1 is the data row in the file, and returns the problems found.
ReadFn = Callable[[duckdb.DuckDBPyConnection, str, Path, str], list[Problem]]


@dataclass(frozen=True)
class Reader:
    """How to open one kind of file.

    ``accepts`` lists the contents (:func:`~fupan.ingest.readers.files.sniff`) the reader takes;
    any other content under one of its ``extensions`` is a ``table_format_mismatch`` problem.
    """

    name: str
    extensions: tuple[str, ...]
    accepts: frozenset[str]
    read: ReadFn


READERS: Registry[Reader] = Registry("reader", "fupan.readers")


def register_reader(reader: Reader) -> Reader:
    return READERS.register(reader)


def reader_for(path: Path | str) -> Reader | None:
    """The reader registered for the file's extension (case-insensitive), or None."""
    ext = Path(path).suffix.lower()
    return next((r for r in READERS if ext in r.extensions), None)


def extensions() -> list[str]:
    """Every extension some reader takes (for messages)."""
    return [e for r in READERS for e in r.extensions]

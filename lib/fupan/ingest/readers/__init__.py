"""Reading a campaign's tables into DuckDB, in place, with the export profile and mapping applied.

The package is a registry (:mod:`.registry`, papermill-style): each file kind is a registration —
``csv``/``tsv`` (:mod:`.delimited`), ``xlsx`` and the refused legacy ``xls`` (:mod:`.workbook`),
``parquet`` (:mod:`.parquet`) — and so is each platform export layout, an export *profile*
(:mod:`.profiles`, :mod:`.platforms`: ``tmall-orders``, ``jd-orders``, ``douyin-orders``). Other
packages add theirs through the entry-point groups ``fupan.readers`` and ``fupan.profiles``.

The stable API for "how to open this file":

``open_table(path, kind=None, profile=None, *, table="orders", mapping=None, con=None, salt=None)``
    → :class:`OpenedTable` ``(con, relation, problems, profile)``. Reads ``path`` with the
    registration ``kind`` (default: by extension) into the DuckDB table ``raw_<table>`` of ``con``
    (a new in-memory connection by default), whose ``rowid`` + 1 is the data row in the file
    (header excluded), so that any later problem can name its row. Then the export ``profile``
    (pinned by name, else detected from the header) renames and normalises its columns, ``mapping``
    (the card's, which wins over the profile's) renames the rest, and :mod:`fupan.ingest.privacy`
    drops the personal-data columns and pseudonymises ``user_id``. ``relation`` is None when an
    error stopped the read. Columns are text (CSV, Excel) or the Parquet types; typing is
    :mod:`fupan.ingest.validate`'s job.
``load_tables(con, folder, card, salt, privacy_log)``
    the same for every table a card names (its ``profile:`` key pins profiles), plus the
    required-column checks; ``load_table`` for one.

What a file may look like (each rule gives a bilingual problem naming file, row and column):

- The content must match the extension: an HTML page (a login page saved instead of the export),
  a Parquet file named ``.csv`` or a CSV named ``.xlsx`` is refused. Legacy ``.xls`` is refused
  (save as ``.xlsx``). A 0-byte or whitespace-only file is empty.
- CSV text is UTF-8 (a BOM is fine), GB18030/GBK (Chinese Excel's default) or UTF-16 (Excel's
  "Unicode text"); bytes that are none of them are refused, naming the row of the first bad byte.
  A ``.csv`` or ``.txt`` is separated by commas, tabs or semicolons, as its first line shows.
- Column names are unique after trimming spaces and applying the mapping; a row must not have more
  fields than the header; a CSV whose last line is cut short (no final newline and fewer fields
  than the header) is truncated, as is a Parquet file without its footer.
- With a profile, a status word the export layout does not have is refused (file, first row, the
  export's column, the words expected).
"""

from .files import file_sha256, sniff
from .load import (
    OpenedTable,
    campaign_bytes,
    load_table,
    load_tables,
    open_connection,
    open_table,
    read_file,
)
from .profiles import CLOSED, PROFILES, Profile, detect, register_profile
from .registry import READERS, Reader, Registry, reader_for, register_reader

__all__ = [
    "CLOSED",
    "PROFILES",
    "READERS",
    "OpenedTable",
    "Profile",
    "Reader",
    "Registry",
    "detect",
    "file_sha256",
    "load_table",
    "load_tables",
    "campaign_bytes",
    "open_connection",
    "open_table",
    "read_file",
    "reader_for",
    "register_profile",
    "register_reader",
    "sniff",
]

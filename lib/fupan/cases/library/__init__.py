"""The case library: ``fupan archive`` files a finished run as ``case_library/<id>/``.

One case folder holds

- ``campaign.yaml`` — the card the run analysed: the operator's own file when it still reads as
  the card in the record (comments kept), else the record's card written out as YAML;
- ``case.json`` — the validated, content-hashed case record (:mod:`.record`);
- ``report.html`` — the report of that same run (its footer carries the record's hash);
- ``minutes.md`` — the review meeting's minutes (复盘会纪要), when the run wrote them: fupan's
  draft as the team amended it in the meeting (its last line, the case hash, still says which run
  it is of);
- ``meta.json`` — what the library needs without opening the record: ``provenance`` (``real`` or
  ``synthetic``), the 口径 ``definitions_version`` and library version the record was computed
  under, the record's ``content_sha256`` and the SHA-256 of each of the files above.

``case_library/index.json`` lists every case (the ``meta.json`` of each, sorted by id). It is a
derived summary: :func:`load_index` checks it against the case folders and rebuilds it when they
disagree, so it never needs to be committed or merged by hand.

Nothing is lost, whatever happens (DESIGN.md, "Nothing lost"):

1. Everything is checked in memory first — the record's schema and content hash, the report
   belonging to the record, the card, the provenance — and nothing is written if any check fails.
2. The case is written into a hidden folder ``case_library/.tmp-<id>-<random>/``, every file
   fsynced, then the folder fsynced.
3. It is renamed into place in one step: ``rename`` for a new case; for ``--force`` an atomic
   exchange of the two folders (Linux ``renameat2(RENAME_EXCHANGE)``), after which the hidden
   folder holds the old case and is removed. Where the exchange is not available the old case is
   first renamed to ``.old-<id>-<random>`` and removed only after the new one is in place; if the
   process dies between those two renames the next archive renames it back.
4. The library folder is fsynced, then ``index.json`` rewritten atomically (temporary file, fsync,
   rename).

Archives are serialised by an advisory lock on ``case_library/.lock``. A process killed at any
point leaves every visible case folder complete; hidden leftovers (``.tmp-*``, ``.old-*``,
``.index.json.*``) are invisible to readers (they skip hidden folders) and are cleaned up by the
next archive (:func:`recover`).
"""

from .archive import archive, check_conflict
from .base import (
    CARD,
    CASE_FILES,
    DEFAULT_LIBRARY,
    INDEX,
    INDEX_FORMAT,
    LOCK,
    META,
    META_FORMAT,
    MINUTES,
    OPTIONAL_FILES,
    PROVENANCES,
    RECORD,
    REPORT,
    Archived,
    LibraryCase,
)
from .fs import recover
from .index import build_index, load_index, write_index
from .read import case_folders, check_library, read_case
from .stage import card_text, prepare, resolve_provenance

__all__ = [
    "CARD",
    "CASE_FILES",
    "DEFAULT_LIBRARY",
    "INDEX",
    "INDEX_FORMAT",
    "LOCK",
    "META",
    "META_FORMAT",
    "MINUTES",
    "OPTIONAL_FILES",
    "PROVENANCES",
    "RECORD",
    "REPORT",
    "Archived",
    "LibraryCase",
    "archive",
    "build_index",
    "card_text",
    "case_folders",
    "check_conflict",
    "check_library",
    "load_index",
    "prepare",
    "read_case",
    "recover",
    "resolve_provenance",
    "write_index",
]

"""The case library's names, result types and refusals (see :mod:`fupan.cases.library`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...dictionary import ComputedUnder, computed_under
from ...errors import Problem, ValidationError

#: the library ``fupan archive``, ``fupan site`` and ``fupan compare`` use unless told otherwise
DEFAULT_LIBRARY = Path("case_library")
CARD = "campaign.yaml"
RECORD = "case.json"
REPORT = "report.html"
MINUTES = "minutes.md"
META = "meta.json"
INDEX = "index.json"
LOCK = ".lock"
#: the files every case folder holds, in the order they are written
CASE_FILES = (CARD, RECORD, REPORT, META)
#: files a case folder holds when the run wrote them (listed in meta.json's ``files`` then):
#: the review meeting's minutes, as the team amended them
OPTIONAL_FILES = (MINUTES,)
#: the order a case's files are written in (meta.json, which lists the others' hashes, last)
WRITE_ORDER = (CARD, RECORD, REPORT, MINUTES, META)
META_FORMAT = "fupan.case-folder/1"
INDEX_FORMAT = "fupan.case-index/1"
PROVENANCES = ("real", "synthetic")
_TMP, _OLD, _INDEX_TMP = ".tmp-", ".old-", f".{INDEX}."


@dataclass(frozen=True)
class Archived:
    """What :func:`archive` did."""

    case_id: str
    folder: Path
    provenance: str
    definitions_version: str
    library_version: str
    replaced: bool
    unchanged: bool  # --force with the very same files already in the library: nothing was written
    #: "original" (the operator's campaign.yaml) or "record" (written from case.json)
    card_source: str
    seconds: float
    #: the campaign.yaml the run was made from, when it was edited after the run: the record's
    #: card was archived instead, and the operator is told so
    edited_card: Path | None = None
    #: whether the case holds the run's minutes.md
    minutes: bool = False


@dataclass(frozen=True)
class LibraryCase:
    """One case folder, checked (:func:`read_case`)."""

    folder: Path
    record: dict[str, Any]
    meta: dict[str, Any]

    @property
    def case_id(self) -> str:
        return self.record["case_id"]

    @property
    def provenance(self) -> str:
        return self.meta["provenance"]

    @property
    def computed_under(self) -> ComputedUnder:
        """The 口径 version the record was computed under; ``current`` False marks an old one."""
        return computed_under(self.record)


# --------------------------------------------------------------------------- messages


def _problem(code: str, file: str | None, zh: str, en: str, column: str | None = None) -> Problem:
    return Problem(code=code, file=file, zh=zh, en=en, column=column)


def _refuse(
    code: str, file: str | None, zh: str, en: str, column: str | None = None
) -> ValidationError:
    return ValidationError(
        [_problem(code, file, f"{zh}未归档任何内容。", f"{en} Nothing was archived.", column)]
    )

"""``index.json``: a derived summary of the case folders, checked against them and rebuilt when
they disagree (:func:`load_index`)."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from ..record import read_record
from .base import _INDEX_TMP, DEFAULT_LIBRARY, INDEX, INDEX_FORMAT, META, PROVENANCES, RECORD
from .fs import _fsync_dir, _locked, _write_file, recover
from .read import case_folders


def _entry(folder: Path) -> dict[str, Any]:
    """A case's index entry: its meta.json (without per-file hashes), or, for a folder put in the
    library by hand without one, the same fields read from its record."""
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        if isinstance(meta, dict) and meta.get("case_id") == folder.name:
            return {k: v for k, v in meta.items() if k not in ("files", "format")}
    except (OSError, ValueError):
        pass
    record = read_record(folder / RECORD)
    card = record.get("card") or {}
    camp = (record.get("kpis") or {}).get("campaign") or {}
    return {
        "case_id": record["case_id"],
        "name": record["name"],
        "provenance": card.get("provenance") if card.get("provenance") in PROVENANCES else None,
        "provenance_source": "card" if card.get("provenance") in PROVENANCES else None,
        "definitions_version": record["definitions_version"],
        "library_version": record["library_version"],
        "schema_version": record["schema_version"],
        "content_sha256": record["content_sha256"],
        "platform": card.get("platform"),
        "category": card.get("category"),
        "currency": card.get("currency"),
        "period": [camp.get("start"), camp.get("end")],
        "tags": list(card.get("tags") or []),
        "card_source": None,
    }


def build_index(library: Path | str) -> dict[str, Any]:
    """The index of the visible case folders (folders without a case.json are not cases)."""
    entries = [_entry(p) for p in case_folders(library) if (p / RECORD).is_file()]
    return {"format": INDEX_FORMAT, "cases": entries}


def write_index(library: Path | str) -> dict[str, Any]:
    """Rewrite ``index.json`` atomically (temporary file, fsync, rename, fsync of the folder)."""
    library = Path(library)
    index = build_index(library)
    data = (json.dumps(index, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")
    tmp = library / f"{_INDEX_TMP}{secrets.token_hex(4)}.tmp"
    _write_file(tmp, data)
    os.replace(tmp, library / INDEX)
    _fsync_dir(library)
    return index


def _key(index: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted(
        (e.get("case_id"), e.get("content_sha256"))
        for e in index.get("cases", [])
        if isinstance(e, dict)
    )


def _stored_index(library: Path, fresh: dict[str, Any]) -> dict[str, Any] | None:
    """``index.json`` when it lists exactly the cases of ``fresh`` (ids and hashes), else None."""
    try:
        stored = json.loads((library / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        isinstance(stored, dict)
        and stored.get("format") == INDEX_FORMAT
        and _key(stored) == _key(fresh)
    ):
        return stored
    return None


def load_index(library: Path | str = DEFAULT_LIBRARY, *, repair: bool = True) -> dict[str, Any]:
    """The library's index, checked against the case folders (ids and content hashes).

    When ``index.json`` is missing, unreadable or out of step (a case copied in by hand or from
    git, or an archive killed between moving its folder in and rewriting the index), the index is
    rebuilt from the folders — and, with ``repair``, written back under the library's lock, after
    :func:`recover` has dealt with what a killed archive left (so a case moved aside by an
    interrupted ``--force`` without atomic exchange is back before the index is written).
    """
    library = Path(library)
    fresh = build_index(library)
    stored = _stored_index(library, fresh)
    if stored is not None:
        return stored
    if repair and library.is_dir() and os.access(library, os.W_OK):
        with _locked(library):
            recover(library)
            return write_index(library)
    return fresh

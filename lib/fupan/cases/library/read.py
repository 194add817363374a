"""Reading cases back: each folder checked (:func:`read_case`)."""

from __future__ import annotations

import json
from pathlib import Path

from ...errors import CaseRecordError
from ..record import read_record
from .base import CARD, CASE_FILES, META, OPTIONAL_FILES, PROVENANCES, RECORD, REPORT, LibraryCase
from .stage import _sha

# --------------------------------------------------------------------------- reading


def _bad_case(folder: Path, zh: str, en: str) -> CaseRecordError:
    return CaseRecordError(f"{folder}: {zh} / {en}")


def read_case(folder: Path | str, case_id: str | None = None) -> LibraryCase:
    """Read and check one case folder: every file present and matching ``meta.json``'s hashes,
    the record's schema and content hash, one case id throughout (the folder's name unless
    ``case_id`` is given). Raises CaseRecordError."""
    folder = Path(folder)
    missing = [n for n in CASE_FILES if not (folder / n).is_file()]
    if missing:
        raise _bad_case(
            folder,
            f"案例文件夹不完整，缺少 {', '.join(missing)}",
            f"incomplete case folder, missing {', '.join(missing)}",
        )
    record = read_record(folder / RECORD)
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        files = meta["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _bad_case(
            folder, f"meta.json 无法读取（{exc}）", f"meta.json is unreadable ({exc})"
        ) from None
    listed = [n for n in OPTIONAL_FILES if n in files]  # minutes.md, when the run wrote them
    if absent := [n for n in listed if not (folder / n).is_file()]:
        raise _bad_case(
            folder,
            f"案例文件夹不完整，缺少 meta.json 列出的 {', '.join(absent)}",
            f"incomplete case folder, missing {', '.join(absent)} listed in meta.json",
        )
    for name in (CARD, RECORD, REPORT, *listed):
        if files.get(name) != _sha((folder / name).read_bytes()):
            raise _bad_case(
                folder,
                f"{name} 与 meta.json 中的哈希不符（被修改或损坏）",
                f"{name} does not match its hash in meta.json (edited or corrupted)",
            )
    if not (
        meta.get("case_id") == record["case_id"] == (case_id or folder.name)
        and meta.get("content_sha256") == record["content_sha256"]
    ):
        raise _bad_case(
            folder,
            "文件夹名、meta.json 与 case.json 的案例编号或哈希不一致",
            "folder name, meta.json and case.json disagree on the case id or hash",
        )
    if meta.get("provenance") not in PROVENANCES:
        raise _bad_case(
            folder,
            "meta.json 未注明 real/synthetic 数据来源",
            "meta.json does not say real or synthetic",
        )
    return LibraryCase(folder, record, meta)


def case_folders(library: Path | str) -> list[Path]:
    """The visible case folders (hidden ones — archives in progress or interrupted — are not cases)."""
    library = Path(library)
    if not library.is_dir():
        return []
    return sorted(p for p in library.iterdir() if p.is_dir() and not p.name.startswith("."))


def check_library(library: Path | str) -> list[LibraryCase]:
    """Every visible case, fully checked (:func:`read_case`); raises on the first bad one."""
    return [read_case(p) for p in case_folders(library)]

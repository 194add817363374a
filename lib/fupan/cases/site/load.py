"""Reading the case library for the site: every case folder's checked record, its provenance
(real / synthetic) and tags."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ...errors import CaseRecordError, Problem, ValidationError
from ..record import read_record, run_mark
from .labels import _SYNTHETIC_WORDS

# --------------------------------------------------------------------------- reading the library


@dataclass
class Case:
    folder: Path
    record: dict[str, Any]
    provenance: str
    tags: list[str]

    @property
    def id(self) -> str:
        return self.record["case_id"]


def minutes_of(case: Case) -> str | None:
    """The review meeting's minutes filed with ``case`` (``minutes.md``), or None: absent, not
    UTF-8, or not this case's (no line with its case hash, as fupan run writes and fupan archive
    checks)."""
    path = case.folder / "minutes.md"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return text if run_mark(case.record) in text else None


def _sidecar(folder: Path) -> dict[str, Any]:
    """An optional meta.json / meta.yaml beside the record; anything unreadable counts as absent."""
    for name in ("meta.json", "meta.yaml", "meta.yml"):
        p = folder / name
        if p.is_file():
            try:
                text = p.read_text(encoding="utf-8")
                data = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
            except (OSError, ValueError, yaml.YAMLError):
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def _provenance(record: dict, meta: dict) -> str:
    """``real`` / ``synthetic`` as stated (record or card ``meta``, card, sidecar), else derived
    from the name and background ("合成", "模拟", "synthetic" … → synthetic), else ``unknown``."""
    card = record.get("card") or {}
    for src in (record.get("meta"), card.get("meta"), card, meta):
        if isinstance(src, dict) and src.get("provenance") in ("real", "synthetic"):
            return src["provenance"]
    background = card.get("background") or {}
    text = " ".join(
        [str(record.get("name") or "")]
        + [str(v) for v in background.values() if isinstance(v, str)]
    )
    return "synthetic" if _SYNTHETIC_WORDS.search(text) else "unknown"


def _tags(record: dict, meta: dict) -> list[str]:
    card = record.get("card") or {}
    out: list[str] = []
    for src in (
        card.get("tags"),
        (card.get("meta") or {}).get("tags"),
        (record.get("meta") or {}).get("tags"),
        meta.get("tags"),
    ):
        if isinstance(src, list):
            out.extend(str(t) for t in src if isinstance(t, str | int | float) and str(t).strip())
    return list(dict.fromkeys(out))


def load_library(library: Path) -> tuple[list[Case], list[Problem]]:
    """Every case of ``library`` (each sub-folder holding a case.json), validated; and warnings.

    A record that fails its schema or its content hash stops the build (CaseRecordError naming the
    file): the knowledge base never silently drops a case. Hidden folders (an archive in progress)
    and folders without case.json are skipped with a warning.
    """
    library = Path(library)
    if not library.is_dir():
        raise ValidationError(
            [
                Problem(
                    "no_library",
                    str(library),
                    f"案例库文件夹不存在：{library}（用 --library 指定 case_library 文件夹）",
                    f"The case library folder does not exist: {library} (point --library at the case_library folder)",
                    column="--library",
                )
            ]
        )
    cases: list[Case] = []
    warnings: list[Problem] = []
    seen: dict[str, Path] = {}
    for folder in sorted(p for p in library.iterdir() if p.is_dir() and not p.name.startswith(".")):
        rec_path = folder / "case.json"
        if not rec_path.is_file():
            warnings.append(
                Problem(
                    "no_case_record",
                    str(folder),
                    f"{folder.name}：没有 case.json，已跳过",
                    f"{folder.name}: no case.json, skipped",
                    severity="warning",
                )
            )
            continue
        record = read_record(rec_path)
        cid = record["case_id"]
        if cid in seen:
            raise CaseRecordError(
                f"{rec_path}: 案例编号 {cid} 与 {seen[cid]} 重复 / case id {cid} "
                f"is also used by {seen[cid]}"
            )
        seen[cid] = rec_path
        meta = _sidecar(folder)
        cases.append(Case(folder, record, _provenance(record, meta), _tags(record, meta)))
    return cases, warnings

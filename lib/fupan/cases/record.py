"""The case record (case.json): the contract between a run and everything after it.

A record holds the parameters, the campaign card, KPI values per window with the definitions'
version, verdicts on targets and hypotheses, findings, data hashes and the library version — and
no customer identifier. It is validated when written and when read, and carries the SHA-256 of its
own canonical content so that an edited or corrupted record is rejected on read.
"""

from __future__ import annotations

import hashlib
import json
import math
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict

from ..dictionary import computed_under as computed_under  # the read path's 口径 marking
from ..dictionary import read_key as read_key
from ..errors import CaseRecordError
from ..files import write_atomic

SCHEMA_VERSION = 1
MIME = "application/vnd.fupan.case+json"


class CaseRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: int
    case_id: str
    name: str
    library_version: str
    definitions_version: str
    parameters: dict[str, Any]
    card: dict[str, Any]
    kpis: dict[str, dict[str, float | int | str | None]]
    channels: dict[str, dict[str, float | None]]
    targets: list[dict[str, Any]]
    hypotheses: list[dict[str, Any]]
    decomposition: dict[str, Any] | None
    findings: list[dict[str, Any]]
    data: dict[str, Any]
    analyses: dict[str, Any]
    skipped: dict[str, str]
    reproduce: str
    content_sha256: str | None = None


def _clean(x: Any) -> Any:
    """JSON-safe, deterministic values: NaN/inf → None, floats rounded to 10 significant digits."""
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_clean(v) for v in x]
    if hasattr(x, "item") and not isinstance(x, str):  # numpy scalar
        x = x.item()
    if isinstance(x, bool) or x is None or isinstance(x, int | str):
        return x
    if isinstance(x, float):
        return None if not math.isfinite(x) else float(f"{x:.10g}")
    return str(x)


def build_record(r: Any, parameters: dict[str, Any], reproduce: str) -> dict[str, Any]:
    """The case record of a :class:`~fupan.analysis.results.Retrospective` (not yet hashed).

    ``analyses`` holds each recorded result's ``record()`` (``None`` for a result not asked for
    or skipped); ``skipped`` the reasons — the extract's missing tables and the skipped analyses.
    """
    from .. import __version__
    from ..dictionary import DEFINITIONS_VERSION

    kpis = r.kpis.drop(columns=["start", "end"]).to_dict(orient="index")
    for phase in kpis:
        kpis[phase] = {
            "start": r.kpis.at[phase, "start"],
            "end": r.kpis.at[phase, "end"],
            **kpis[phase],
        }
    channels = r.channels[
        [
            c
            for c in ("gmv", "orders", "buyers", "spend", "roas", "spend_ratio", "gmv_share")
            if c in r.channels
        ]
    ]
    analyses = {key: _recorded(r.results[name]) for name, key in r.recorded}
    record = {
        "schema_version": SCHEMA_VERSION,
        "case_id": r.card.id,
        "name": r.card.name,
        "library_version": __version__,
        "definitions_version": DEFINITIONS_VERSION,
        "parameters": parameters,
        "card": r.card.model_dump(mode="json"),
        "kpis": kpis,
        "channels": channels.to_dict(orient="index"),
        "targets": r.targets.to_dict(orient="records"),
        "hypotheses": r.hypotheses.to_dict(orient="records"),
        "decomposition": r.decomposition.record() if r.decomposition is not None else None,
        "findings": [f.record() for f in r.findings],
        "data": {
            "files": dict(sorted(r.campaign.hashes.items())),
            "tables": sorted(r.campaign.tables),
            "warnings": [{"code": p.code, "file": p.file, "en": p.en} for p in r.campaign.warnings],
            **r.campaign.flags,
            **_in_flight(r.card),
        },
        "analyses": dict(sorted(analyses.items())),
        "skipped": {**{k: f"no {v} table" for k, v in sorted(r.agg.notes.items())}, **r.skipped},
        "reproduce": reproduce,
    }
    return _clean(record)


def _in_flight(card: Any) -> dict[str, Any]:
    """A war report's ``in_flight``: the day it counts to and the windows as planned (the card's
    windows end on that day); nothing for a whole campaign. The case library refuses such a
    record."""
    if not card.in_flight:
        return {}
    planned = {phase: w.as_list() for phase, w in card.planned_windows.items()}
    return {"in_flight": {"as_of": card.as_of.isoformat(), "planned_windows": planned}}


def _recorded(result: Any) -> Any:
    """A result's case-record form; ``None`` for a question not asked or an analysis skipped."""
    from ..analysis.results import Skip

    return None if result is None or isinstance(result, Skip) else result.record()


def run_mark(record: dict[str, Any]) -> str:
    """The text that ties a file of a run to its record: ``case `<first 16 hex of the content
    hash>``` — the minutes' last line carries it (:func:`fupan.report.run.minutes_footer`), and
    fupan archive and fupan site look for it."""
    return f"case `{record['content_sha256'][:16]}`"


def canonical(record: dict[str, Any]) -> str:
    body = {k: v for k, v in record.items() if k != "content_sha256"}
    return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False)


def seal(record: dict[str, Any]) -> dict[str, Any]:
    """Validate the record and add the SHA-256 of its canonical content."""
    try:
        CaseRecord.model_validate(record)
    except pydantic.ValidationError as exc:
        raise CaseRecordError(
            f"case record does not match its schema / 案例记录不符合结构: {exc}"
        ) from None
    return {**record, "content_sha256": hashlib.sha256(canonical(record).encode()).hexdigest()}


def dumps(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, indent=2, allow_nan=False) + "\n"


def write_record(path: Path, record: dict[str, Any]) -> dict[str, Any]:
    sealed = seal({k: v for k, v in record.items() if k != "content_sha256"})
    write_atomic(Path(path), dumps(sealed))
    return sealed


def read_record(path: Path) -> dict[str, Any]:
    """Read and check a case record: schema and content hash; raise CaseRecordError naming the file.

    A record of an earlier 口径 version is returned as it is: :func:`computed_under` marks it
    (and what changed), :func:`read_key` reads keys renamed since (``return_rate`` →
    ``repurchase_return_rate``).
    """
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        CaseRecord.model_validate(record)
    except pydantic.ValidationError as exc:  # name the keys, without pydantic's links
        said = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or '(record)'}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise CaseRecordError(
            f"{path}: 不是有效的案例记录（键缺失或类型不符） / not a valid case record (keys "
            f"missing or of the wrong type): {said}"
        ) from None
    except (OSError, ValueError) as exc:
        raise CaseRecordError(
            f"{path}: 无法读取案例记录 / not a valid case record: {exc}"
        ) from None
    version = record["schema_version"]
    if type(version) is not int or version != SCHEMA_VERSION:
        raise CaseRecordError(
            f"{path}: 案例记录的 schema_version 为 {version!r}，本版本 fupan 只读 {SCHEMA_VERSION}："
            f"请用写它的 fupan 版本读取，或用本版本重新运行该活动 / schema_version is {version!r}; "
            f"this fupan reads {SCHEMA_VERSION} only: read it with the fupan that wrote it, or run "
            f"the campaign again with this one"
        )
    expected = hashlib.sha256(canonical(record).encode()).hexdigest()
    if record.get("content_sha256") != expected:
        raise CaseRecordError(
            f"{path}: 内容与其哈希不符（被修改或损坏） / content does not match its "
            f"content_sha256 (edited or corrupted)"
        )
    return record

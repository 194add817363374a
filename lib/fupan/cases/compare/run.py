"""The benchmark itself: :func:`benchmark` of a record, a Retrospective or a campaign folder
against a case library, and what ``fupan compare SUBJECT`` names (:func:`resolve_subject`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ...dictionary import DEFINITIONS_VERSION
from ...ingest.card import CARD_FILE
from ..kpis import METRICS
from .attributes import K_NEAREST, MIN_PEERS, case_view
from .model import Benchmark
from .peers import _bullets, _nearest, _peer_level, _position, _risks, version_note


def _subject(subject: Any) -> dict:
    """The case record of a record dict, a Retrospective or a campaign folder (its
    ``analyses.daily_gmv_index`` included: :func:`fupan.analysis.overview.daily_index`)."""
    if isinstance(subject, dict):
        return subject
    if isinstance(subject, str | Path):
        from ...analysis.retrospective import load_retrospective

        subject = load_retrospective(subject)
    from ..record import build_record

    return build_record(subject, parameters={}, reproduce="")


def resolve_subject(subject: str | Path, library: Path | str) -> dict | Path:
    """What ``fupan compare SUBJECT`` names: a campaign folder (holds campaign.yaml) → that folder;
    a case.json, or a folder holding one (a run's output) → its checked record; a case id of the
    library → that case's record. Anything else is a ValidationError saying what was looked for."""
    from ...errors import Problem, ValidationError
    from ..record import read_record

    path = Path(subject)
    if path.is_dir() and (path / "campaign.yaml").is_file():
        return path
    if path.is_file() and path.suffix == ".json":
        return read_record(path)
    if path.is_dir() and (path / "case.json").is_file():
        return read_record(path / "case.json")
    lib = Path(library)
    if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", str(subject)) and lib.is_dir():
        if (lib / str(subject) / "case.json").is_file():
            return read_record(lib / str(subject) / "case.json")
        for rec_path in sorted(lib.glob("*/case.json")):
            if not rec_path.parent.name.startswith("."):
                record = read_record(rec_path)
                if record["case_id"] == subject:
                    return record
    raise ValidationError(
        [
            Problem(
                "no_compare_subject",
                str(subject),
                f"找不到要对标的对象 {subject}：既不是含 campaign.yaml 的活动文件夹，也不是 case.json，也不是案例库 {lib} 中的案例编号。",
                f"Nothing to compare found at {subject}: not a campaign folder (with campaign.yaml), not a case.json, "
                f"and not a case id in the library {lib}.",
                column="SUBJECT",
            )
        ]
    )


def same_data(a: dict, b: dict) -> bool:
    """Whether two case records were computed from the same data files: every table file's hash
    equal (the card aside — a case re-archived under another id, or with a reworded card, is the
    same campaign, and was ranked against itself with similarity 1.000)."""

    def tables(r: dict) -> dict:
        files = (r.get("data") or {}).get("files") or {}
        return {k: v for k, v in files.items() if k != CARD_FILE}

    return bool(tables(a)) and tables(a) == tables(b)


def benchmark(
    subject: Any, library: Path | str, *, k: int = K_NEAREST, min_peers: int = MIN_PEERS
) -> Benchmark:
    """Rank ``subject`` among the cases of ``library`` and find its nearest cases (METHODS.md §6).

    ``subject``: a case record (dict, e.g. from :func:`~fupan.cases.read_record`), a
    :class:`~fupan.analysis.retrospective.Retrospective` (what the report template holds), or a
    campaign folder (computed here). A library case with the subject's id is the subject itself
    and is left out. Peers: the same platform × category when there are ≥ ``min_peers`` of them,
    else the same category, the same platform, the whole library — the first level with
    ``min_peers`` cases, else the whole library with raw ranks instead of percentiles.
    """
    from ..site.load import load_library

    record = _subject(subject)
    subj = case_view(record)
    cases, _ = load_library(Path(library))
    twins = tuple(
        sorted(c.id for c in cases if c.id != subj.case_id and same_data(c.record, record))
    )
    cases = [c for c in cases if c.id != subj.case_id and c.id not in twins]
    records = {c.id: c.record for c in cases}
    others = [
        case_view(
            c.record,
            c.folder / "report.html" if (c.folder / "report.html").is_file() else None,
            provenance=c.provenance,
        )
        for c in cases
    ]
    level, counts, peers = _peer_level(subj, others, min_peers)
    nearest = _nearest(subj, others, k)
    used = {c.case_id: c.definitions_version for c in [*peers, *(n.case for n in nearest)]}
    versions = [
        v
        for cid, ver in sorted(used.items())
        if (v := version_note(cid, ver, subj.definitions_version))
    ]
    if (
        own := version_note(subj.case_id, subj.definitions_version, DEFINITIONS_VERSION)
    ) is not None:
        versions.insert(0, own)
    return Benchmark(
        subject=subj,
        library=Path(library),
        library_size=len(others),
        peer_level=level,
        peer_counts=counts,
        peer_ids=tuple(c.case_id for c in peers),
        positions=tuple(_position(m, subj, peers, min_peers) for m in METRICS),
        bullets=_bullets(record, peers, records),
        nearest=nearest,
        scale_peers={
            "gmv": tuple(c.gmv for c in peers if c.gmv and c.currency == subj.currency),
            "uv": tuple(c.uv for c in peers if c.uv),
        },
        risks=_risks(nearest),
        versions=tuple(versions),
        min_peers=min_peers,
        twins=twins,
    )

"""What a retrospective takes from the case library: its benchmark part (结果) and the fingerprint
of the library that goes into the run's cache key.

The report template calls :func:`benchmark_or_skip` and :func:`~fupan.cases.carried.carried_actions`
with its ``library`` parameter (empty = no library: a run from inside ``build/seeds`` or with
``fupan run --no-library``), and hands the result — or the :class:`~fupan.analysis.results.Skip`
saying why there is none — to the report's sections.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..analysis.results import Skip
from ..errors import CaseRecordError
from ..i18n import bilingual
from .carried import unreadable_library


def library_fingerprint(library: str | Path | None) -> str | None:
    """SHA-256 over the library's cases (id and record content hash, from its index) — what a run
    with the benchmark part on depends on; ``None`` when there is no library folder."""
    if not library or not Path(library).is_dir():
        return None
    from .library import load_index

    try:
        index = load_index(Path(library), repair=False)
    except CaseRecordError:  # a case it cannot read: the report says so; the key hashes the bytes
        files = sorted(Path(library).glob("*/case.json"))
        body = [(p.parent.name, hashlib.sha256(p.read_bytes()).hexdigest()) for p in files]
        return hashlib.sha256(json.dumps(body).encode()).hexdigest()
    body = sorted(
        (str(e.get("case_id")), str(e.get("content_sha256")))
        for e in index.get("cases", [])
        if isinstance(e, dict)
    )
    return hashlib.sha256(json.dumps(body).encode()).hexdigest()


def benchmark_or_skip(subject: Any, library: str | Path | None) -> Any:
    """:func:`~fupan.cases.compare.benchmark` of ``subject`` (a Retrospective or a record) against
    ``library``, or a bilingual :class:`Skip` when no library is given or it holds no case."""
    if not library:
        return Skip(
            bilingual(
                "No case library for this run: the benchmark against archived cases is left out "
                "(fupan run --library DIR, or a case_library/ folder where the command runs).",
                "本次运行没有案例库，未做与历史案例的对标（fupan run --library 指定，或在命令所在目录放置 case_library/）。",
            )
        )
    path = Path(library)
    if not path.is_dir() or not any(path.glob("*/case.json")):
        return Skip(
            bilingual(
                f"The case library {path.name}/ holds no case yet: nothing to benchmark against.",
                f"案例库 {path.name}/ 中还没有案例，无法对标。",
            )
        )
    from .compare import benchmark

    try:
        return benchmark(subject, path)
    except CaseRecordError as exc:  # one unreadable case must not cost the retrospective
        return unreadable_library(exc, "the benchmark is left out", "本节对标已跳过")

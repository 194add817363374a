"""Cases: the case record (``case.json``) a run writes, and what is built on records.

- :mod:`.record` — the record's schema, canonical JSON, content hash, atomic write and checked read.
- :mod:`.kpis` — the normalised KPIs cases are ranked and compared by (METHODS.md §6).
- :mod:`.compare` — :func:`benchmark`: peer position, nearest cases (Gower), reuse risks;
  :mod:`fupan.report.sections.benchmark` draws it (a 结果 fragment or a whole offline page).
- :mod:`.carried` — the previous case of the same shop and its open actions (背景, 复盘);
  :mod:`.context` — :func:`benchmark_or_skip` (结果) and the library's fingerprint (cache key).
- :mod:`.library` — :func:`archive` (``fupan archive``): a finished run filed atomically as
  ``case_library/<id>/``; :func:`read_case`, :func:`check_library`, :func:`load_index` read it back.
"""

from __future__ import annotations

from .record import (
    MIME,
    SCHEMA_VERSION,
    CaseRecord,
    build_record,
    canonical,
    dumps,
    read_record,
    seal,
    write_atomic,
    write_record,
)

__all__ = [
    "MIME",
    "SCHEMA_VERSION",
    "Benchmark",
    "CaseRecord",
    "archive",
    "benchmark",
    "benchmark_or_skip",
    "carried_actions",
    "build_record",
    "canonical",
    "check_library",
    "dumps",
    "library_fingerprint",
    "load_index",
    "read_case",
    "read_record",
    "seal",
    "write_atomic",
    "write_record",
]

# The benchmark and the library load on first use (PEP 562), so that writing a record does not import them.
_LAZY = {
    "Benchmark": ".compare",
    "benchmark": ".compare",
    "archive": ".library",
    "benchmark_or_skip": ".context",
    "carried_actions": ".carried",
    "library_fingerprint": ".context",
    "check_library": ".library",
    "load_index": ".library",
    "read_case": ".library",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'fupan.cases' has no attribute {name!r}")

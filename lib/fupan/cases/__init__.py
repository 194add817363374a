"""Cases: the case record (``case.json``) a run writes, and what is built on records.

- :mod:`.record` — the record's schema, canonical JSON, content hash, atomic write and checked read.
- :mod:`.kpis` — the normalised KPIs cases are ranked and compared by (METHODS.md §6).
- :mod:`.compare` — :func:`benchmark`: peer position, nearest cases (Gower), reuse risks;
  :mod:`.benchmark_report` draws it (:func:`render_benchmark` fragment, :func:`write_benchmark` page).
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
    "build_record",
    "canonical",
    "check_library",
    "dumps",
    "load_index",
    "read_case",
    "read_record",
    "render_benchmark",
    "seal",
    "write_atomic",
    "write_benchmark",
    "write_record",
]

# The benchmark and the library load on first use (PEP 562), so that writing a record does not import them.
_LAZY = {
    "Benchmark": ".compare",
    "benchmark": ".compare",
    "render_benchmark": ".benchmark_report",
    "write_benchmark": ".benchmark_report",
    "archive": ".library",
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

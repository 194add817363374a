"""Cases: the case record (``case.json``) a run writes, and what is built on records.

- :mod:`.record` — the record's schema, canonical JSON, content hash, atomic write and checked read.
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

__all__ = ["MIME", "SCHEMA_VERSION", "CaseRecord", "build_record", "canonical", "dumps", "read_record", "seal",
           "write_atomic", "write_record"]

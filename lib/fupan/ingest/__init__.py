"""Ingest: the campaign card and tables in, validated and typed, personal data gone.

- :mod:`.card` — the case card's typed schema and the table contracts;
- :mod:`.readers` — reading CSV, Excel and Parquet into DuckDB;
- :mod:`.privacy` — dropping personal data, pseudonymising user ids;
- :mod:`.validate` — :func:`open_campaign`: every check, before any kernel starts.
"""

from __future__ import annotations

from .validate import Campaign, open_campaign, open_prepared, save_prepared

__all__ = ["Campaign", "open_campaign", "open_prepared", "save_prepared"]

"""Extract: the SQL in ``sql/`` turns validated rows into the few aggregates the analysis needs.

Only aggregates cross into pandas (:mod:`.aggregates`).
"""

from __future__ import annotations

from .aggregates import Aggregates, extract, window_frame

__all__ = ["Aggregates", "extract", "window_frame"]

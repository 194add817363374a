"""What the analyses of a retrospective return: frozen values, each with its case-record form.

An analysis step (:data:`fupan.analysis.retrospective.PIPELINE`) returns one of these, ``None``
when its question was not asked (no control series declared, no inventory table), or a
:class:`Skip` with the reason it could not be answered. Renderers and the case record read their
attributes. This package imports no analysis code, so that the report and the record depend on
the shapes of the results only.

``record()`` gives the JSON-ready part of ``case.json`` (``analyses.<name>``); values are cleaned
(NaN → null, rounding) by :func:`fupan.cases.record.build_record`.

- :mod:`.core` — :class:`Skip`, :class:`Finding`, the headline, execution and customer results,
  the day-level anomalies and the :class:`Retrospective`;
- :mod:`.impact` — lift, margin ROI, LTV:CAC, the control series and root cause.
"""

from __future__ import annotations

from . import ops as ops  # P&L, presale, live, products, ads, pacing (issue 13)
from .core import (
    ABTest,
    AnomalyParams,
    Audiences,
    CustomerAnalysis,
    CustomerValue,
    DailyIndex,
    DayAnomalies,
    Decomposition,
    Finding,
    FunnelByChannel,
    InventoryHealth,
    PreheatPool,
    RefundMaturity,
    Retrospective,
    SegmentEffects,
    ShareAlerts,
    Skip,
    Table,
    YearOnYearAnalysis,
)
from .impact import (
    ControlAnalysis,
    DayCause,
    GapCause,
    LiftAnalysis,
    LtvCac,
    MarginAnalysis,
    NetIncrement,
    Pretrend,
    RootCause,
)

__all__ = [
    "ABTest",
    "AnomalyParams",
    "Audiences",
    "ControlAnalysis",
    "CustomerAnalysis",
    "CustomerValue",
    "DailyIndex",
    "DayAnomalies",
    "DayCause",
    "Decomposition",
    "Finding",
    "FunnelByChannel",
    "GapCause",
    "InventoryHealth",
    "LiftAnalysis",
    "LtvCac",
    "MarginAnalysis",
    "NetIncrement",
    "PreheatPool",
    "Pretrend",
    "RefundMaturity",
    "Retrospective",
    "RootCause",
    "SegmentEffects",
    "ShareAlerts",
    "Skip",
    "Table",
    "YearOnYearAnalysis",
]

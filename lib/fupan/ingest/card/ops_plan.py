"""The card's ``plan:`` block (目标拆解): the plan by date or phase × channel, besides targets.csv.

.. code-block:: yaml

    plan:
      - {phase: preheat, channel: live, gmv: 170000, visitors: 17000, conversion: 0.03, aov: 330}
      - {date: 2025-11-11, channel: live, gmv: 400000, new_customers: 300, spend: 20000}

Each row names exactly one of ``date`` or ``phase`` (a window of the card, or ``campaign``), a
``channel`` and its planned ``gmv``; ``visitors``, ``conversion`` (0..1), ``aov`` (客单价),
``new_customers`` and ``spend`` are optional. A phase row is spread evenly over the phase's days:
the amounts (gmv, visitors, new customers, spend) divided by its days, the rates (conversion, aov)
kept. :func:`plan_frame` gives the rows in the targets table's shape; pacing reads it when the
card has no targets table.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
from pydantic import field_validator, model_validator

from .base import _Model

__all__ = ["PLAN_COLUMNS", "PLAN_PHASES", "PlanRow", "plan_frame", "unknown_phases"]

#: the phases a plan row may name (those the card defines, see :func:`unknown_phases`)
PLAN_PHASES = ("baseline", "preheat", "burst", "post", "dip", "campaign")
#: the targets table's columns, in its order
PLAN_COLUMNS = ("date", "channel", "gmv", "visitors", "conversion", "aov", "new_customers", "spend")
_AMOUNTS = ("gmv", "visitors", "new_customers", "spend")


class PlanRow(_Model):
    """One planned row: a day or a phase × a channel (口径 in the module docstring)."""

    date: dt.date | None = None
    phase: str | None = None
    channel: str
    gmv: float
    visitors: float | None = None
    conversion: float | None = None
    aov: float | None = None
    new_customers: float | None = None
    spend: float | None = None

    @field_validator("gmv", "visitors", "aov", "new_customers", "spend")
    @classmethod
    def _non_negative(cls, v: float | None) -> float | None:
        if v is not None and not (math.isfinite(v) and v >= 0):
            raise ValueError("must be a finite number ≥ 0||必须是不小于 0 的有限数字")
        return v

    @field_validator("conversion")
    @classmethod
    def _rate(cls, v: float | None) -> float | None:
        if v is not None and not (math.isfinite(v) and 0 <= v <= 1):
            raise ValueError(
                "conversion is a share between 0 and 1 (3% is 0.03)"
                "||转化率是 0 到 1 之间的比例（3% 写作 0.03）"
            )
        return v

    @field_validator("phase")
    @classmethod
    def _phase(cls, v: str | None) -> str | None:
        if v is not None and v not in PLAN_PHASES:
            raise ValueError(
                f"unknown phase; one of {', '.join(PLAN_PHASES)}"
                f"||未知阶段；可用：{'、'.join(PLAN_PHASES)}"
            )
        return v

    @field_validator("channel")
    @classmethod
    def _channel(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("the channel is empty||渠道为空")
        return v

    @model_validator(mode="after")
    def _date_or_phase(self) -> PlanRow:
        if (self.date is None) == (self.phase is None):
            raise ValueError(
                "a plan row names exactly one of date or phase"
                "||计划的每一行须且只须写 date（日期）或 phase（阶段）之一"
            )
        return self


def _phase_days(windows: Any, phase: str) -> list[dt.date] | None:
    w = windows.campaign if phase == "campaign" else dict(windows.items()).get(phase)
    if w is None:
        return None
    return [w.start + dt.timedelta(days=i) for i in range((w.end - w.start).days + 1)]


def unknown_phases(plan: list[PlanRow], windows: Any) -> list[tuple[int, str]]:
    """(row index, phase) of the plan rows naming a phase the card's windows do not define."""
    return [
        (i, r.phase)
        for i, r in enumerate(plan)
        if r.phase is not None and _phase_days(windows, r.phase) is None
    ]


def plan_frame(plan: list[PlanRow], windows: Any) -> pd.DataFrame | None:
    """The plan rows in the targets table's shape (:data:`PLAN_COLUMNS`), phases spread over days.

    Returns None for an empty plan. Rows naming a phase the windows do not define are refused by
    the card (:func:`unknown_phases`) before this is called.
    """
    if not plan:
        return None
    rows = []
    for r in plan:
        values = {c: getattr(r, c) for c in PLAN_COLUMNS if c not in ("date",)}
        if r.date is not None:
            rows.append({"date": r.date, **values})
            continue
        days = _phase_days(windows, str(r.phase)) or []
        for d in days:
            spread = {
                k: (v / len(days) if k in _AMOUNTS and v is not None else v)
                for k, v in values.items()
            }
            rows.append({"date": d, **spread})
    out = pd.DataFrame(rows, columns=list(PLAN_COLUMNS))
    out["date"] = pd.to_datetime(out["date"]).dt.date
    for c in PLAN_COLUMNS[2:]:
        out[c] = out[c].astype(float)
    return out

"""Campaign windows: baseline → preheat → burst → post → dip, in order and without overlap."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import model_validator

from ...dictionary import PHASES
from .base import EARLIEST, LATEST, _Model


class Window(_Model):
    start: dt.date
    end: dt.date

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, v: Any) -> Any:
        if isinstance(v, list | tuple):
            if len(v) != 2:
                raise ValueError("a window is a pair [start, end]||窗口应为 [开始, 结束] 两个日期")
            return {"start": v[0], "end": v[1]}
        return v

    @model_validator(mode="after")
    def _ordered(self) -> Window:
        for d in (self.start, self.end):
            if not EARLIEST <= d <= LATEST:
                raise ValueError(
                    f"date {d} is outside {EARLIEST} .. {LATEST}||日期 {d} 超出允许范围 {EARLIEST} ~ {LATEST}"
                )
        if self.end < self.start:
            raise ValueError(
                f"end {self.end} is before start {self.start}||结束日期 {self.end} 早于开始日期 {self.start}"
            )
        return self

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def as_list(self) -> list[str]:
        return [self.start.isoformat(), self.end.isoformat()]


class Windows(_Model):
    baseline: Window
    preheat: Window | None = None
    burst: Window
    post: Window | None = None
    dip: Window | None = None

    @model_validator(mode="after")
    def _in_order(self) -> Windows:
        present = [(name, getattr(self, name)) for name in PHASES if getattr(self, name)]
        for (n1, w1), (n2, w2) in zip(present, present[1:], strict=False):
            if w2.start <= w1.end:
                raise ValueError(
                    f"windows must be in order without overlap: {n2} starts {w2.start} but {n1} "
                    f"ends {w1.end}||窗口须按 基线→预热→爆发→返场→回落 顺序且不重叠："
                    f"{n2} 开始于 {w2.start}，而 {n1} 结束于 {w1.end}"
                )
        return self

    def items(self) -> list[tuple[str, Window]]:
        return [(n, getattr(self, n)) for n in PHASES if getattr(self, n) is not None]

    @property
    def last_day(self) -> dt.date:
        """The last day of the last window."""
        return self.items()[-1][1].end

    def clipped(self, as_of: dt.date) -> Windows:
        """The windows of a war report (战报) as of ``as_of``, the campaign still running: the
        windows starting after it left out, the one it falls in ending on it.

        Raises
        ------
        ValueError
            When ``as_of`` is before the burst's first day: a report needs the burst begun.
        """
        if as_of < self.burst.start:
            raise ValueError(
                f"as_of {as_of} is before the burst's first day {self.burst.start}: a war report "
                f"needs the burst begun||as_of {as_of} 早于爆发期第一天 {self.burst.start}："
                f"战报至少要从爆发期开始"
            )
        kept = {
            name: Window(start=w.start, end=min(w.end, as_of))
            for name, w in self.items()
            if w.start <= as_of
        }
        return Windows(**kept)

    @property
    def campaign(self) -> Window:
        """The campaign proper: from the first of preheat/burst to the last of burst/post."""
        start = (self.preheat or self.burst).start
        end = (self.post or self.burst).end
        return Window(start=start, end=end)

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
    #: required in a card; None only in a war report cut inside the pre-heat (:meth:`clipped`)
    burst: Window | None
    post: Window | None = None
    dip: Window | None = None

    @model_validator(mode="after")
    def _burst_given(self) -> Windows:
        if self.burst is None:
            raise ValueError("the burst window is required||爆发期窗口 burst 必须填写")
        return self

    @model_validator(mode="after")
    def _in_order(self) -> Windows:
        present = [(name, getattr(self, name)) for name in PHASES if getattr(self, name)]
        for (n1, w1), (n2, w2) in zip(present, present[1:], strict=False):
            if w2.start <= w1.end:
                raise ValueError(
                    f"windows must be in order without overlap: {n2} starts {w2.start} but {n1} "
                    f"ends {w1.end}||窗口须按 日常→预热→爆发→返场→回落 顺序且不重叠："
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
        windows starting after it left out, the one it falls in ending on it. Inside the pre-heat
        (the deposit presale's daily 蓄水 meeting) that leaves baseline and pre-heat, no burst.

        Raises
        ------
        ValueError
            When ``as_of`` is before the campaign's first day (pre-heat, else burst): a war report
            needs the campaign begun.
        """
        first = self.campaign.start
        if as_of < first:
            raise ValueError(
                f"as_of {as_of} is before the campaign's first day {first}: a war report "
                f"needs the campaign begun||as_of {as_of} 早于活动第一天 {first}："
                f"战报至少要从活动开始（预热期或爆发期的第一天）"
            )
        kept = {
            name: Window(start=w.start, end=min(w.end, as_of))
            for name, w in self.items()
            if w.start <= as_of
        }
        if "burst" not in kept:  # in the pre-heat: baseline and pre-heat, checked in order above
            return Windows.model_construct(
                baseline=kept["baseline"], preheat=kept.get("preheat"), burst=None
            )
        return Windows(**kept)

    @property
    def burst_begun(self) -> bool:
        """False only for a war report's windows cut inside the pre-heat (:meth:`clipped`): its
        spend builds the burst's pool (蓄水), so no money verdict is drawn from it yet."""
        return self.burst is not None

    @property
    def campaign(self) -> Window:
        """The campaign proper: from the first of preheat/burst to the last of burst/post (a war
        report inside the pre-heat: the pre-heat so far)."""
        first = self.preheat or self.burst
        last = self.post or self.burst or self.preheat
        assert first is not None and last is not None  # a card has a burst; a cut one a pre-heat
        return Window(start=first.start, end=last.end)

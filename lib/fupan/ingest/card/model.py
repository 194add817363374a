"""The campaign card (campaign.yaml) as one typed model."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath, PureWindowsPath
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PrivateAttr, field_validator, model_validator

from .base import Festival, Platform, _Model
from .blocks import Background, Controls, Costs, Lessons, Strategy
from .channels import ChannelName
from .contracts import TABLE_NAMES, TableName
from .ops import GmvDate, NextCampaign, Presale
from .ops_plan import PlanRow, unknown_phases
from .source import Source
from .windows import Windows


class Tables(_Model):
    orders: str
    events: str | None = None
    spend: str | None = None
    inventory: str | None = None
    products: str | None = None
    live_sessions: str | None = None
    coupons: str | None = None
    targets: str | None = None
    members: str | None = None
    prices: str | None = None
    service_daily: str | None = None
    refunds: str | None = None

    @field_validator("*")  # every field is a table's file
    @classmethod
    def _inside_folder(cls, v: str | None) -> str | None:
        if v is None:
            return v
        if not v.strip():
            raise ValueError("must name a file||应为文件名")
        if (
            PurePosixPath(v).is_absolute()
            or PureWindowsPath(v).is_absolute()
            or PureWindowsPath(v).drive
            or ".." in PurePosixPath(v.replace("\\", "/")).parts
        ):
            raise ValueError(
                f"'{v}' must be a path inside the campaign folder (no absolute path, no '..')"
                f"||'{v}' 必须是活动文件夹内的相对路径（不能是绝对路径，不能含 ..）"
            )
        return v

    def items(self) -> list[tuple[str, str]]:
        return [(n, getattr(self, n)) for n in TABLE_NAMES if getattr(self, n)]


class CampaignCard(_Model):
    """The case card: 背景 and 策略 written before launch, 复盘 lessons after.

    ``timezone`` (IANA name, default Asia/Shanghai) is the zone of every timestamp written without
    one; timestamps written with a zone (``Z``, ``+08:00``) are converted to it, and a column that
    mixes the two is refused (``mixed_timezones``, see :mod:`fupan.ingest.validate`). Window dates lie in
    1990..2100; table paths stay inside the campaign folder; mapping targets are contract columns.
    """

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str
    #: the shop or brand name, masked wherever it appears in a ``--share-safe`` report
    shop: str | None = None
    platform: Platform
    category: str
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    timezone: str = "Asia/Shanghai"
    windows: Windows
    background: Background = Field(default_factory=Background)
    strategy: Strategy = Field(default_factory=Strategy)
    retrospective: Lessons = Field(default_factory=Lessons)
    tables: Tables
    #: where the tables live when not in the folder (a warehouse, Spark): :mod:`.source`
    source: Source | None = None
    mapping: dict[TableName, dict[str, str]] = Field(default_factory=dict)
    #: the platform export layout of a table (``tmall-orders``, ``jd-orders``, ``douyin-orders``, see
    #: :mod:`fupan.ingest.readers.platforms`): a name applies to the table that layout is for,
    #: ``{orders: <name>}`` to the table named; without it the layout is detected from the header
    profile: str | dict[Literal["orders", "events", "spend", "inventory"], str] | None = None
    #: exact duplicate lines: kept with a warning, or dropped (the behaviour log is not searched:
    #: :data:`fupan.ingest.duplicates.DISTINCT_COUNTED`)
    duplicate_lines: Literal["keep", "drop"] = "keep"
    costs: Costs = Field(default_factory=Costs)
    controls: Controls = Field(default_factory=Controls)
    #: which date presale GMV counts on (:data:`.ops.GmvDate`); unstated: the balance-paid date
    #: when the orders carry presale columns (as the platforms count), else the order time
    gmv_date: GmvDate | None = None
    presale: Presale = Field(default_factory=Presale)
    #: 下次大促测算: the next campaign's GMV target and budget by channel (:class:`.ops.NextCampaign`)
    next_campaign: NextCampaign | None = None
    #: the plan by date or phase × channel (:mod:`.ops_plan`); pacing reads it without targets.csv
    plan: list[PlanRow] = Field(default_factory=list)
    #: channel taxonomy: data key → 一级/二级 Chinese name and English name (``{live: {level1:
    #: 自播, en: Own live stream}}``); common keys have defaults (:mod:`.channels`)
    channels: dict[str, ChannelName] = Field(default_factory=dict)
    #: where the data come from: ``real`` (a shop's own records) or ``synthetic`` (generated);
    #: unstated (None) is allowed for a run, but ``fupan archive`` then asks for ``--provenance``
    provenance: Literal["real", "synthetic"] | None = None
    #: free keywords for the case library (search, facets), e.g. [断货, 价格战]
    tags: list[str] = Field(default_factory=list)
    #: the kind of occasion, for comparing like with like in the case library (Gower similarity)
    festival: Festival | None = None
    #: 战报: the campaign is still running and the report counts up to this day (inclusive) — the
    #: windows starting after it are left out, the one it falls in ends on it, rows of the time-
    #: stamped tables after it are left out, and the record is not archived (``fupan run --as-of``
    #: sets it; on or after the last window's end it changes nothing but the rows kept)
    as_of: dt.date | None = None
    _planned: Windows | None = PrivateAttr(default=None)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (
            ZoneInfoNotFoundError,
            ValueError,
            OSError,
        ) as exc:  # ZoneInfo("Asia") is a directory
            raise ValueError(
                f"unknown IANA time zone '{v}' (e.g. Asia/Shanghai)||未知时区 '{v}'（例如 Asia/Shanghai）"
            ) from exc
        return v

    @model_validator(mode="after")
    def _plan_phases(self) -> CampaignCard:
        bad = unknown_phases(self.plan, self.windows)
        if bad:
            where = ", ".join(f"plan.{i}.phase = {p}" for i, p in bad)
            raise ValueError(
                f"{where}: the card's windows do not define that phase"
                f"||{where}：卡片的 windows 中没有这个阶段"
            )
        return self

    @model_validator(mode="after")
    def _clipped(self) -> CampaignCard:
        """With ``as_of`` before the last window's end, the windows as of that day (after the
        plan's phases are checked against the windows planned)."""
        if self.as_of is None or self.as_of >= self.windows.last_day:
            return self
        card = self.model_copy(update={"windows": self.windows.clipped(self.as_of)})
        card._planned = self.windows
        return card

    @property
    def in_flight(self) -> bool:
        """Whether this is a war report (战报): ``as_of`` cut the campaign's windows short."""
        return self._planned is not None

    @property
    def planned_windows(self) -> Windows:
        """The windows as the card plans them (those of a war report are cut at ``as_of``)."""
        return self._planned or self.windows

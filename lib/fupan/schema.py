"""The campaign card (campaign.yaml) as a typed model, and the column contracts of its tables.

The card is written by the operator *before* the analysis (背景 and 策略 are frozen at launch);
:func:`load_card` parses it and turns every schema violation into a :class:`~fupan.errors.Problem`
that names the file, the line and the key path, in Chinese and English.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .dictionary import KPI_KEYS, PHASES
from .errors import Problem, ValidationError

CARD_FILE = "campaign.yaml"
Platform = Literal["tmall", "taobao", "jd", "douyin", "pdd", "xiaohongshu", "own-site", "other"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}||结束日期 {self.end} 早于开始日期 {self.start}")
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
    def campaign(self) -> Window:
        """The campaign proper: from the first of preheat/burst to the last of burst/post."""
        start = (self.preheat or self.burst).start
        end = (self.post or self.burst).end
        return Window(start=start, end=end)


class Background(_Model):
    market: str | None = None
    competition: str | None = None
    team: str | None = None
    product: str | None = None
    open_actions: list[str] = Field(default_factory=list)


class Hypothesis(_Model):
    id: str
    text: str
    kpi: str
    op: Literal[">=", ">", "<=", "<", "=="]
    value: float
    window: Literal["campaign", "preheat", "burst", "post", "dip"] = "campaign"

    @field_validator("kpi")
    @classmethod
    def _known_kpi(cls, v: str) -> str:
        if v not in KPI_KEYS:
            raise ValueError(f"unknown KPI '{v}'; known: {', '.join(KPI_KEYS)}||未知指标 '{v}'；可用指标：{', '.join(KPI_KEYS)}")
        return v


class Strategy(_Model):
    targets: dict[str, float] = Field(default_factory=dict)
    budget: dict[str, float] = Field(default_factory=dict)
    mechanics: list[str] = Field(default_factory=list)
    hypotheses: list[Hypothesis] = Field(default_factory=list)

    @field_validator("targets")
    @classmethod
    def _known_targets(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if k not in KPI_KEYS:
                raise ValueError(f"unknown KPI target '{k}'; known: {', '.join(KPI_KEYS)}||未知目标指标 '{k}'；可用指标：{', '.join(KPI_KEYS)}")
            if not x > 0:
                raise ValueError(f"target {k} must be > 0, got {x}||目标 {k} 必须大于 0，收到 {x}")
        return v

    @field_validator("budget")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if not x >= 0:
                raise ValueError(f"budget {k} must be ≥ 0, got {x}||预算 {k} 不能为负，收到 {x}")
        return v

    @field_validator("hypotheses")
    @classmethod
    def _unique_ids(cls, v: list[Hypothesis]) -> list[Hypothesis]:
        ids = [h.id for h in v]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"hypothesis ids must be unique: {dupes}||假设编号重复：{dupes}")
        return v


class Action(_Model):
    what: str
    owner: str | None = None
    due: dt.date | None = None


class Retrospective(_Model):
    went_well: list[str] = Field(default_factory=list)
    to_improve: list[str] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)


class Tables(_Model):
    orders: str
    events: str | None = None
    spend: str | None = None
    inventory: str | None = None

    def items(self) -> list[tuple[str, str]]:
        return [(n, getattr(self, n)) for n in TABLE_NAMES if getattr(self, n)]


class CampaignCard(_Model):
    """The case card: 背景 and 策略 written before launch, 复盘 lessons after."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")
    name: str
    platform: Platform
    category: str
    currency: str = Field(default="CNY", pattern=r"^[A-Z]{3}$")
    timezone: str = "Asia/Shanghai"
    windows: Windows
    background: Background = Field(default_factory=Background)
    strategy: Strategy = Field(default_factory=Strategy)
    retrospective: Retrospective = Field(default_factory=Retrospective)
    tables: Tables
    mapping: dict[Literal["orders", "events", "spend", "inventory"], dict[str, str]] = Field(
        default_factory=dict
    )
    duplicate_lines: Literal["keep", "drop"] = "keep"

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone '{v}' (e.g. Asia/Shanghai)||未知时区 '{v}'（例如 Asia/Shanghai）") from exc
        return v


# ----------------------------------------------------------------------------- table contracts
TABLE_NAMES: tuple[str, ...] = ("orders", "events", "spend", "inventory")
ColumnKind = Literal["string", "timestamp", "date", "number", "integer"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: ColumnKind
    required: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None


CONTRACTS: dict[str, tuple[Column, ...]] = {
    "orders": (
        Column("order_id", "string", True),
        Column("user_id", "string", True),
        Column("order_time", "timestamp", True),
        Column("paid_amount", "number", True, minimum=0),
        Column("sku", "string"),
        Column("category", "string"),
        Column("quantity", "integer", minimum=1),
        Column("list_amount", "number", minimum=0),
        Column("channel", "string"),
        Column("status", "string", allowed=("paid", "cancelled", "refunded")),
        Column("refund_amount", "number", minimum=0),
        Column("unit_cost", "number", minimum=0),
    ),
    "events": (
        Column("user_id", "string", True),
        Column("event_time", "timestamp", True),
        Column("event", "string", True, allowed=("visit", "view", "cart", "order", "pay")),
        Column("channel", "string"),
        Column("sku", "string"),
        Column("session_id", "string"),
        Column("variant", "string"),
    ),
    "spend": (
        Column("date", "date", True),
        Column("channel", "string", True),
        Column("spend", "number", True, minimum=0),
        Column("impressions", "integer", minimum=0),
        Column("clicks", "integer", minimum=0),
    ),
    "inventory": (
        Column("date", "date", True),
        Column("sku", "string", True),
        Column("on_hand", "integer", True, minimum=0),
        Column("on_order", "integer", minimum=0),
    ),
}


# ----------------------------------------------------------------------------- loading the card
def _yaml_line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at ``loc`` (deepest node found on the way)."""
    node, line = root, None
    for key in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


def _card_problem(code: str, zh: str, en: str, **kw: Any) -> Problem:
    return Problem(code=code, file=CARD_FILE, zh=zh, en=en, **kw)


def load_card(folder: Path) -> CampaignCard:
    """Parse and validate ``folder/campaign.yaml``; raise ValidationError listing every problem."""
    path = Path(folder) / CARD_FILE
    if not path.is_file():
        raise ValidationError([_card_problem(
            "card_missing", f"找不到活动卡片 {path}，每个活动文件夹都需要 campaign.yaml。",
            f"No campaign card at {path}; every campaign folder needs a campaign.yaml.")])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ValidationError([_card_problem(
            "card_encoding", f"campaign.yaml 不是 UTF-8 编码（字节位置 {exc.start}），请另存为 UTF-8。",
            f"campaign.yaml is not UTF-8 (byte {exc.start}); save it as UTF-8.")]) from None
    try:
        root = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise ValidationError([_card_problem(
            "card_yaml", f"campaign.yaml 不是合法的 YAML：{getattr(exc, 'problem', exc)}",
            f"campaign.yaml is not valid YAML: {getattr(exc, 'problem', exc)}", row=line)]) from None
    if not isinstance(raw, dict):
        raise ValidationError([_card_problem(
            "card_not_mapping", "campaign.yaml 顶层应为键值映射（id、name、windows …）。",
            "campaign.yaml must be a mapping at the top level (id, name, windows, …).")])
    try:
        return CampaignCard.model_validate(raw)
    except pydantic.ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function-")))
            key = ".".join(str(x) for x in loc) or "(card)"
            msg = re.sub(r"^Value error, ", "", err["msg"])
            if err["type"] == "missing":
                zh, en, code = f"缺少必填项 {key}。", f"Required key {key} is missing.", "card_missing_key"
            elif err["type"] == "extra_forbidden":
                zh, en, code = (f"未知的键 {key}（可能是拼写错误）。",
                                f"Unknown key {key} (a typo?); it is not part of the card.",
                                "card_unknown_key")
            else:
                msg_en, _, msg_zh = msg.partition("||")
                zh = f"{key} 的值无效：{msg_zh or msg_en}（收到 {err.get('input')!r}）"
                en = f"Invalid value for {key}: {msg_en} (got {err.get('input')!r})"
                code = "card_invalid"
            problems.append(_card_problem(code, zh, en, row=_yaml_line(root, loc), column=key))
        raise ValidationError(problems) from None

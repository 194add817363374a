"""The campaign card (campaign.yaml) as a typed model, and the column contracts of its tables.

The card is written by the operator *before* the analysis (背景 and 策略 are frozen at launch);
:func:`load_card` parses it and turns every schema violation into a :class:`~fupan.errors.Problem`
that names the file, the line and the key path, in Chinese and English.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
import reprlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pydantic
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..dictionary import KPI_KEYS, PHASES
from ..errors import Problem, ValidationError

CARD_FILE = "campaign.yaml"
#: Dates a campaign window may use; anything else is a typo (2205 for 2025) or a zero date.
EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
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

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError(
                f"value must be a finite number, got {v}||value 必须是有限的数字，收到 {v}"
            )
        return v

    @field_validator("kpi")
    @classmethod
    def _known_kpi(cls, v: str) -> str:
        if v not in KPI_KEYS:
            raise ValueError(
                f"unknown KPI '{v}'; known: {', '.join(KPI_KEYS)}||未知指标 '{v}'；可用指标：{', '.join(KPI_KEYS)}"
            )
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
                raise ValueError(
                    f"unknown KPI target '{k}'; known: {', '.join(KPI_KEYS)}||未知目标指标 '{k}'；可用指标：{', '.join(KPI_KEYS)}"
                )
            if not (x > 0 and math.isfinite(x)):
                raise ValueError(
                    f"target {k} must be a finite number > 0, got {x}||目标 {k} 必须是大于 0 的有限数字，收到 {x}"
                )
        return v

    @field_validator("budget")
    @classmethod
    def _non_negative(cls, v: dict[str, float]) -> dict[str, float]:
        for k, x in v.items():
            if not (x >= 0 and math.isfinite(x)):
                raise ValueError(
                    f"budget {k} must be a finite number ≥ 0, got {x}||预算 {k} 必须是不小于 0 的有限数字，收到 {x}"
                )
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


class Lessons(_Model):
    """The card's 复盘 block (YAML key ``retrospective:``): what went well, what to improve, actions."""

    went_well: list[str] = Field(default_factory=list)
    to_improve: list[str] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)


class Costs(_Model):
    """Costs the margin ROI needs beyond unit cost and media spend (METHODS.md §1.2).

    ``variable_cost_rate``: per-unit variable cost as a share of the regular paid price — platform
    commission, payment fees, fulfilment (v_i = rate × p_i^reg). ``fees``: platform/campaign
    participation fees; ``coupons``: shop-funded coupons *not* already netted out of paid_amount;
    ``fixed``: set-up cost (creative, hosts, samples). All in the card's currency, for the campaign.
    """

    variable_cost_rate: float = Field(default=0.0, ge=0.0, lt=1.0)
    fees: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)
    coupons: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)
    fixed: float = Field(default=0.0, ge=0.0, allow_inf_nan=False)


class Controls(_Model):
    """Series the promotion did not touch, for difference-in-differences (METHODS.md §1.1).

    ``categories``: order categories left out of the promotion — their daily GMV is the control
    series; ``substitutes`` / ``complements``: non-promoted SKUs that compete with / are bought
    with the promoted ones, for cannibalisation and halo. Every other line is "promoted".
    """

    categories: list[str] = Field(default_factory=list)
    substitutes: list[str] = Field(default_factory=list)
    complements: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _disjoint(self) -> Controls:
        if not self.categories and (self.substitutes or self.complements):
            raise ValueError(
                "substitutes/complements need at least one control category to scale their "
                "baseline||替代品/互补品需要至少一个对照品类来推算其基线"
            )
        if overlap := set(self.substitutes) & set(self.complements):
            raise ValueError(
                f"SKU(s) {sorted(overlap)} are both substitutes and complements||"
                f"SKU {sorted(overlap)} 不能既是替代品又是互补品"
            )
        return self


class Tables(_Model):
    orders: str
    events: str | None = None
    spend: str | None = None
    inventory: str | None = None

    @field_validator("orders", "events", "spend", "inventory")
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
    mapping: dict[Literal["orders", "events", "spend", "inventory"], dict[str, str]] = Field(
        default_factory=dict
    )
    duplicate_lines: Literal["keep", "drop"] = "keep"
    costs: Costs = Field(default_factory=Costs)
    controls: Controls = Field(default_factory=Controls)
    #: where the data come from: ``real`` (a shop's own records) or ``synthetic`` (generated);
    #: unstated (None) is allowed for a run, but ``fupan archive`` then asks for ``--provenance``
    provenance: Literal["real", "synthetic"] | None = None
    #: free keywords for the case library (search, facets), e.g. [断货, 价格战]
    tags: list[str] = Field(default_factory=list)

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
#: Top-level keys the tables depend on: when one is invalid, the tables cannot be checked at all.
STRUCTURAL_KEYS = ("windows", "timezone", "tables", "mapping", "duplicate_lines")
_PLACEHOLDERS = {"id": "invalid-card", "name": "?", "platform": "other", "category": "?"}
_MAX_DEPTH = 64
_GOT = reprlib.Repr()
_GOT.maxstring, _GOT.maxother, _GOT.maxlevel, _GOT.maxlist, _GOT.maxdict = 80, 80, 3, 6, 6


def _yaml_line(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at ``loc`` (deepest node found on the way)."""
    node, line = root, None
    for key in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next(
                (
                    v
                    for k, v in node.value
                    if isinstance(k, yaml.ScalarNode) and k.value == str(key)
                ),
                None,
            )
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(key, int)
            and 0 <= key < len(node.value)
        ):
            node = node.value[key]
        else:
            node = None
    if node is not None:
        line = node.start_mark.line + 1
    return line


def _card_problem(code: str, zh: str, en: str, **kw: Any) -> Problem:
    return Problem(code=code, file=CARD_FILE, zh=zh, en=en, **kw)


def _duplicate_keys(
    node: yaml.Node | None, path: tuple[str, ...] = (), depth: int = 0
) -> list[Problem]:
    """YAML lets a later key silently replace an earlier one; on a card that hides a mistake."""
    problems: list[Problem] = []
    if depth > _MAX_DEPTH or node is None:
        return problems
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for k, v in node.value:
            name = k.value if isinstance(k, yaml.ScalarNode) else None
            if name is not None and name != "<<":
                if name in seen:
                    key = ".".join((*path, name))
                    problems.append(
                        _card_problem(
                            "card_duplicate_key",
                            f"键 {key} 出现了两次；YAML 会静默地只保留后一个值，请删除其中一个。",
                            f"Key {key} appears twice; YAML would silently keep only the last value. Remove one.",
                            row=k.start_mark.line + 1,
                            column=key,
                        )
                    )
                seen.add(name)
            problems += _duplicate_keys(v, (*path, str(name)), depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for i, v in enumerate(node.value):
            problems += _duplicate_keys(v, (*path, str(i)), depth + 1)
    return problems


def _pydantic_problems(exc: pydantic.ValidationError, root: yaml.Node | None) -> list[Problem]:
    problems = []
    for err in exc.errors():
        loc = tuple(x for x in err["loc"] if not (isinstance(x, str) and x.startswith("function-")))
        key = ".".join(str(x) for x in loc) or "(card)"
        msg = re.sub(r"^Value error, ", "", err["msg"])
        if err["type"] == "missing":
            zh, en, code = (
                f"缺少必填项 {key}。",
                f"Required key {key} is missing.",
                "card_missing_key",
            )
        elif err["type"] == "extra_forbidden":
            zh, en, code = (
                f"未知的键 {key}（可能是拼写错误）。",
                f"Unknown key {key} (a typo?); it is not part of the card.",
                "card_unknown_key",
            )
        else:
            msg_en, _, msg_zh = msg.partition("||")
            got = _GOT.repr(err.get("input"))
            zh = f"{key} 的值无效：{msg_zh or msg_en}（收到 {got}）"
            en = f"Invalid value for {key}: {msg_en} (got {got})"
            code = "card_invalid"
        problems.append(_card_problem(code, zh, en, row=_yaml_line(root, loc), column=key))
    return problems


def _degraded(raw: dict[Any, Any], exc: pydantic.ValidationError) -> CampaignCard | None:
    """The card with its invalid non-structural sections left out, so that the tables can still be
    checked and every problem reported in one go (the run stops anyway); None if not possible."""
    top = {e["loc"][0] if e["loc"] else None for e in exc.errors()}
    if None in top or top & set(STRUCTURAL_KEYS):
        return None
    fields = CampaignCard.model_fields
    cleaned = {k: v for k, v in raw.items() if isinstance(k, str) and k in fields and k not in top}
    for k, v in _PLACEHOLDERS.items():
        cleaned.setdefault(k, v)
    try:
        return CampaignCard.model_validate(cleaned)
    except pydantic.ValidationError:
        return None


def _cross_checks(card: CampaignCard, root: yaml.Node | None) -> list[Problem]:
    """Rules that span keys: hypothesis windows exist, mapping targets are contract columns."""
    problems = []
    phases = {n for n, _ in card.windows.items()} | {"campaign"}
    for i, h in enumerate(card.strategy.hypotheses):
        if h.window not in phases:
            loc: tuple[str | int, ...] = ("strategy", "hypotheses", i, "window")
            key = ".".join(map(str, loc))
            problems.append(
                _card_problem(
                    "card_invalid",
                    f"{key} 的值无效：假设 {h.id} 指向窗口 {h.window}，但 windows 中没有这个窗口"
                    f"（已有：{'、'.join(sorted(phases))}）。",
                    f"Invalid value for {key}: hypothesis {h.id} names the window {h.window}, which windows does not "
                    f"define (defined: {', '.join(sorted(phases))}).",
                    row=_yaml_line(root, loc),
                    column=key,
                )
            )
    for table, columns in card.mapping.items():
        contract = [c.name for c in CONTRACTS[table]]
        if getattr(card.tables, table) is None:
            problems.append(
                _card_problem(
                    "mapping_unused",
                    f"mapping.{table} 已填写，但 tables 中没有 {table} 表，映射不会生效。",
                    f"mapping.{table} is given but tables names no {table} table; the mapping is not used.",
                    row=_yaml_line(root, ("mapping", table)),
                    column=f"mapping.{table}",
                    severity="warning",
                )
            )
        targets: dict[str, str] = {}
        for src, dst in columns.items():
            loc = ("mapping", table, src)
            key = f"mapping.{table}.{src}"
            if dst not in contract:
                close = difflib.get_close_matches(dst, contract, n=1)
                hint_zh, hint_en = (
                    (f"是否是 {close[0]}？", f" Did you mean {close[0]}?") if close else ("", "")
                )
                problems.append(
                    _card_problem(
                        "mapping_unknown_target",
                        f"{key} 把列映射为 {dst}，但 {table} 表没有这一标准列。{hint_zh}可用：{', '.join(contract)}",
                        f"{key} maps a column to {dst}, which is not a column of the {table} contract.{hint_en} "
                        f"Known: {', '.join(contract)}",
                        row=_yaml_line(root, loc),
                        column=key,
                    )
                )
            elif dst in targets:
                problems.append(
                    _card_problem(
                        "mapping_duplicate_target",
                        f"mapping.{table} 把两列（{targets[dst]}、{src}）都映射为 {dst}；每个标准列只能有一个来源。",
                        f"mapping.{table} maps two columns to {dst}; each contract column takes one source "
                        f"column.",
                        row=_yaml_line(root, loc),
                        column=key,
                    )
                )
            targets.setdefault(dst, src)
    return problems


def parse_card(text: str) -> tuple[CampaignCard | None, list[Problem]]:
    """The card in ``text`` and every problem found in it (errors and warnings).

    The card is None when it cannot be used at all; otherwise it may be a degraded card (invalid
    non-structural sections left out) returned alongside the errors, so the tables can be checked too.
    """
    try:
        root = yaml.compose(text)
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = _GOT.repr(getattr(exc, "problem", None) or str(exc))
        return None, [
            _card_problem(
                "card_yaml",
                f"campaign.yaml 不是合法的 YAML：{problem}",
                f"campaign.yaml is not valid YAML: {problem}",
                row=line,
            )
        ]
    except RecursionError:
        return None, [
            _card_problem(
                "card_yaml",
                "campaign.yaml 嵌套层数过深，无法解析。",
                "campaign.yaml is nested too deeply to be parsed.",
            )
        ]
    if raw is None:
        return None, [
            _card_problem(
                "card_empty",
                "campaign.yaml 是空的；请填写 id、name、windows、tables 等。",
                "campaign.yaml is empty; fill in id, name, windows, tables, ...",
            )
        ]
    if not isinstance(raw, dict):
        return None, [
            _card_problem(
                "card_not_mapping",
                "campaign.yaml 顶层应为键值映射（id、name、windows …）。",
                "campaign.yaml must be a mapping at the top level (id, name, windows, …).",
            )
        ]
    problems = _duplicate_keys(root)
    try:
        card: CampaignCard | None = CampaignCard.model_validate(raw)
    except pydantic.ValidationError as exc:
        problems += _pydantic_problems(exc, root)
        card = _degraded(raw, exc)
    except RecursionError:
        return None, [
            *problems,
            _card_problem(
                "card_invalid",
                "campaign.yaml 嵌套层数过深。",
                "campaign.yaml is nested too deeply.",
            ),
        ]
    if card is not None:
        problems += _cross_checks(card, root)
    return card, problems


def read_card(folder: Path) -> tuple[CampaignCard | None, list[Problem]]:
    """Read ``folder/campaign.yaml`` with :func:`parse_card`; never raises for a user mistake."""
    path = Path(folder) / CARD_FILE
    if not path.is_file():
        return None, [
            _card_problem(
                "card_missing",
                f"找不到活动卡片 {path}，每个活动文件夹都需要 campaign.yaml。",
                f"No campaign card at {path}; every campaign folder needs a campaign.yaml.",
            )
        ]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [
            _card_problem(
                "card_unreadable",
                f"无法读取 campaign.yaml（{exc.strerror}）。",
                f"Cannot read campaign.yaml ({exc.strerror}).",
            )
        ]
    if not data.strip():
        return parse_card("")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return None, [
            _card_problem(
                "card_encoding",
                f"campaign.yaml 不是 UTF-8 编码（第 {line} 行，字节位置 {exc.start}），请另存为 UTF-8。",
                f"campaign.yaml is not UTF-8 (line {line}, byte {exc.start}); save it as UTF-8.",
                row=line,
            )
        ]
    return parse_card(text)


def card_line(folder: Path, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the key path ``loc`` in ``folder/campaign.yaml`` (None if not found)."""
    try:
        root = yaml.compose((Path(folder) / CARD_FILE).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None
    return _yaml_line(root, loc)


def load_card(folder: Path) -> CampaignCard:
    """Parse and validate ``folder/campaign.yaml``; raise ValidationError listing every problem."""
    card, problems = read_card(folder)
    if card is None or any(p.severity == "error" for p in problems):
        raise ValidationError(problems)
    return card

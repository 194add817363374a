"""Reading campaign.yaml: every schema violation becomes a bilingual Problem with file, line and key path."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import reprlib
from pathlib import Path
from typing import Any

import pydantic
import yaml

from ...errors import Problem, ValidationError
from .base import CARD_FILE
from .contracts import CONTRACTS
from .model import CampaignCard

# ----------------------------------------------------------------------------- loading the card
#: Top-level keys the tables depend on: when one is invalid, the tables cannot be checked at all.
STRUCTURAL_KEYS = (
    "windows",
    "timezone",
    "tables",
    "mapping",
    "duplicate_lines",
    "profile",
    "source",
)
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
            close = _close(loc[-1] if loc else None, _known_keys(loc[:-1]))
            zh, en, code = (
                f"未知的键 {key}（可能是拼写错误{f'，是否是 {close}' if close else ''}）。",
                f"Unknown key {key} (a typo{f' of {close}' if close else ''}?); it is not part of "
                "the card.",
                "card_unknown_key",
            )
        elif err["type"] in ("literal_error", "enum"):
            allowed = re.findall(r"'([^']*)'", str((err.get("ctx") or {}).get("expected", "")))
            close = _close(err.get("input"), allowed)
            got = _GOT.repr(err.get("input"))
            zh = (
                f"{key} 的值无效：应为 {' / '.join(allowed)} 之一"
                f"{f'，是否是 {close}？' if close else ''}（收到 {got}）"
            )
            en = (
                f"Invalid value for {key}: expected one of {', '.join(allowed)}"
                f"{f'; did you mean {close}?' if close else ''} (got {got})"
            )
            code = "card_invalid"
        else:
            msg_en, _, msg_zh = msg.partition("||")
            if not msg_zh:  # one of pydantic's own messages: said in Chinese too
                msg_en, msg_zh = _builtin_message(key, err, msg_en)
            given = err.get("input")
            # a whole block (the windows, a hypothesis) is not echoed: its repr showed Python's
            # datetime.date(2025, 9, 15) beside the strings, and the message names the values
            got = "" if isinstance(given, (dict, list)) else _GOT.repr(given)
            zh = f"{key} 的值无效：{msg_zh or msg_en}" + (f"（收到 {got}）" if got else "")
            en = f"Invalid value for {key}: {msg_en}" + (f" (got {got})" if got else "")
            code = "card_invalid"
        problems.append(_card_problem(code, zh, en, row=_yaml_line(root, loc), column=key))
    return problems


#: pydantic's own errors as a card writer reads them: (Chinese, English), formatted with the
#: error's context (gt, min_length …)
_BUILTIN = {
    "float_parsing": ("应为数字", "expected a number"),
    "float_type": ("应为数字", "expected a number"),
    "int_parsing": ("应为整数", "expected a whole number"),
    "int_type": ("应为整数", "expected a whole number"),
    "int_from_float": ("应为整数", "expected a whole number"),
    "date_parsing": ("应为日期（如 2025-11-11）", "expected a date such as 2025-11-11"),
    "date_from_datetime_parsing": (
        "应为日期（如 2025-11-11）",
        "expected a date such as 2025-11-11",
    ),
    "date_type": ("应为日期（如 2025-11-11）", "expected a date such as 2025-11-11"),
    "string_type": ("应为文本", "expected text"),
    "bool_parsing": ("应为 true 或 false", "expected true or false"),
    "bool_type": ("应为 true 或 false", "expected true or false"),
    "list_type": (
        "应为列表（- 开头的各行，或 [a, b]）",
        "expected a list (lines starting with -, or [a, b])",
    ),
    "dict_type": ("应为键值块（key: value 的各行）", "expected a block of key: value lines"),
    "model_type": ("应为键值块（key: value 的各行）", "expected a block of key: value lines"),
    "greater_than": ("应大于 {gt}", "must be greater than {gt}"),
    "greater_than_equal": ("应不小于 {ge}", "must be at least {ge}"),
    "less_than": ("应小于 {lt}", "must be less than {lt}"),
    "less_than_equal": ("应不大于 {le}", "must be at most {le}"),
    "string_too_short": ("至少 {min_length} 个字符", "at least {min_length} character(s)"),
    "string_too_long": ("至多 {max_length} 个字符", "at most {max_length} character(s)"),
    "too_short": ("至少 {min_length} 项", "at least {min_length} item(s)"),
    "too_long": ("至多 {max_length} 项", "at most {max_length} item(s)"),
    "string_pattern_mismatch": (
        "格式不符（应匹配 {pattern}）",
        "does not match the pattern {pattern}",
    ),
}
#: what a card key with a pattern holds, said instead of the pattern
_PATTERNS = {
    "currency": (
        "应为三个大写字母的 ISO 4217 货币代码，如 CNY、USD、GBP",
        "expected a three-letter ISO 4217 currency code such as CNY, USD, GBP",
    ),
    "id": (
        "应为小写字母、数字和连字符（-），以字母或数字开头，至多 64 个字符，如 2025-d11-beauty",
        "expected lower-case letters, digits and hyphens, starting with a letter or digit, at "
        "most 64 characters, e.g. 2025-d11-beauty",
    ),
}


def _builtin_message(key: str, err: Any, msg: str) -> tuple[str, str]:
    """(English, Chinese) of one of pydantic's own errors; its English as it is when unknown."""
    if err["type"] == "string_pattern_mismatch" and key in _PATTERNS:
        zh, en = _PATTERNS[key]
        return en, zh
    pair = _BUILTIN.get(err["type"])
    if pair is None:
        return msg, msg
    ctx = {k: v for k, v in (err.get("ctx") or {}).items()}
    try:
        return pair[1].format(**ctx), pair[0].format(**ctx)
    except (KeyError, IndexError):
        return msg, msg


def _close(value: object, known: list[str]) -> str | None:
    """The one of ``known`` that ``value`` (text) was most likely meant to be, if any is close."""
    if not isinstance(value, str) or not known:
        return None
    found = difflib.get_close_matches(value.strip().lower(), known, n=1)
    return found[0] if found else None


def _known_keys(loc: tuple) -> list[str]:
    """The keys the card takes at ``loc`` (``()``: the top level; ``("strategy",)``: the
    strategy block …), following the model's fields; [] where they cannot be told."""
    import types
    import typing

    model: Any = CampaignCard
    for part in loc:
        if isinstance(part, int):
            continue  # an item of a list: the list's model was found at its key
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            return []
        todo, model = [field.annotation], None
        while todo and model is None:
            ann = todo.pop()
            if isinstance(ann, type) and issubclass(ann, pydantic.BaseModel):
                model = ann
            elif typing.get_origin(ann) in (typing.Union, types.UnionType, list, tuple):
                todo += list(typing.get_args(ann))
        if model is None:
            return []
    return list(model.model_fields)


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


#: the shortest dip window METHODS.md §1.1 asks for (14–28 days after the campaign)
DIP_DAYS = 14


def _cross_checks(card: CampaignCard, root: yaml.Node | None) -> list[Problem]:
    """Rules that span keys: hypothesis windows exist, mapping targets are contract columns."""
    problems = []
    # judgeable: the windows the card plans (a war report judges those not begun as not assessed)
    phases = {n for n, _ in card.planned_windows.items() if n != "baseline"} | {"campaign"}
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
    inside = [(n, w) for n, w in card.windows.items() if n in ("preheat", "burst", "post")]
    for (n0, w0), (n1, w1) in zip(inside, inside[1:], strict=False):
        if (gap := (w1.start - w0.end).days - 1) > 0:  # campaign days in no window
            problems.append(
                _card_problem(
                    "window_gap",
                    f"{n0} 结束于 {w0.end}，{n1} 开始于 {w1.start}：中间 {gap} 天不属于任何窗口——"
                    f"活动整体（{card.windows.campaign.start} ~ {card.windows.campaign.end}）计入这几天，"
                    f"按窗口的增量不计入，两者会不一致。",
                    f"{n0} ends {w0.end} and {n1} starts {w1.start}: the {gap} day(s) between are in no "
                    f"window — the campaign as a whole counts them, the lift by window does not, so "
                    f"the two will not agree.",
                    row=_yaml_line(root, ("windows", n1)),
                    column=f"windows.{n1}",
                    severity="warning",
                )
            )
    dip = card.windows.dip
    if dip is not None and (days := (dip.end - dip.start).days + 1) < DIP_DAYS:
        problems.append(
            _card_problem(
                "dip_short",
                f"回落期只有 {days} 天：透支（提前消费的回补）通常在活动后 {DIP_DAYS}–28 天内显现，"
                f"这么短的回落期会漏掉大部分透支，净增量偏高。",
                f"The dip window has {days} day(s): pull-forward usually shows over the "
                f"{DIP_DAYS}–28 days after a campaign, so a dip this short misses most of it and "
                f"the net lift reads high.",
                row=_yaml_line(root, ("windows", "dip")),
                column="windows.dip",
                severity="warning",
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
                meant = _close(dst, list(contract))
                hint_zh, hint_en = (
                    (f"是否是 {meant}？", f" Did you mean {meant}?") if meant else ("", "")
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


def parse_card(
    text: str, as_of: dt.date | None = None
) -> tuple[CampaignCard | None, list[Problem]]:
    """The card in ``text`` and every problem found in it (errors and warnings).

    ``as_of`` (``fupan run --as-of``) replaces the card's own ``as_of``: a war report.

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
    if as_of is not None:
        raw["as_of"] = as_of
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


def read_card(
    folder: Path, as_of: dt.date | None = None
) -> tuple[CampaignCard | None, list[Problem]]:
    """Read ``folder/campaign.yaml`` with :func:`parse_card` (``as_of``: see there); never raises
    for a user mistake."""
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
        return parse_card("", as_of)
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
    return parse_card(text, as_of)


def card_line(folder: Path, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the key path ``loc`` in ``folder/campaign.yaml`` (None if not found)."""
    try:
        root = yaml.compose((Path(folder) / CARD_FILE).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None
    return _yaml_line(root, loc)


def load_card(folder: Path, as_of: dt.date | None = None) -> CampaignCard:
    """Parse and validate ``folder/campaign.yaml`` (``as_of``: :func:`parse_card`); raise
    ValidationError listing every problem."""
    card, problems = read_card(folder, as_of)
    if card is None or any(p.severity == "error" for p in problems):
        raise ValidationError(problems)
    return card

"""Lessons that travel: the open actions of a shop's previous case, carried into its next one.

*Same shop*: when the card names its ``shop``, the library's cases with the same ``shop``; a card
without ``shop`` falls back to its case id's first hyphen-separated token (``huayang-2025-618`` →
``huayang``), matched against cases that have no ``shop`` either — a token of digits only (a year)
names no shop, so such a card has no previous case. *Previous*: among those, the case whose burst
window ends latest before this case's burst ends (ties: the larger case id); the case itself is
never its own previous case. *Open*: an action whose ``status`` is ``open`` or unstated (``done``
and ``dropped`` are settled). *Closed*: the action's ``id`` is in this card's
``retrospective.closes``; an action without an id cannot be closed and stays open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..analysis.results import Skip
from ..errors import CaseRecordError
from ..i18n import bilingual


@dataclass(frozen=True)
class CarriedAction:
    """One open action of the previous case, and whether this case closed it."""

    id: str | None
    what: str
    owner: str | None
    due: str | None
    metric: str | None
    target: float | None
    closed: bool


@dataclass(frozen=True)
class Carried:
    """The previous case of the same shop and its open actions (see the module docstring)."""

    previous_id: str
    previous_name: str
    previous_burst_end: str
    matched_by: str  # "shop" | "id_prefix"
    report: Path | None  # the previous case's report.html in the library, if there
    actions: tuple[CarriedAction, ...]
    unknown_closes: tuple[
        str, ...
    ]  # ids in ``closes`` that are no open action of the previous case

    @property
    def closed(self) -> tuple[CarriedAction, ...]:
        return tuple(a for a in self.actions if a.closed)

    @property
    def still_open(self) -> tuple[CarriedAction, ...]:
        return tuple(a for a in self.actions if not a.closed)


def _as_dict(card: Any) -> dict[str, Any]:
    return card.model_dump(mode="json") if hasattr(card, "model_dump") else dict(card or {})


def id_prefix(case_id: str) -> str | None:
    """The fallback shop key of a card without ``shop``: the id's first token, unless all digits."""
    head = str(case_id).split("-", 1)[0]
    return None if not head or head.isdigit() else head


def shop_key(card: Any) -> tuple[str, str] | None:
    """``("shop", name)`` or ``("id_prefix", token)``: what "the same shop" compares; None = none."""
    c = _as_dict(card)
    shop = str(c.get("shop") or "").strip()
    if shop:
        return "shop", shop
    prefix = id_prefix(str(c.get("id") or ""))
    return ("id_prefix", prefix) if prefix else None


def burst_end(card: Any) -> dt.date | None:
    burst = (_as_dict(card).get("windows") or {}).get("burst") or {}
    end = burst.get("end") if isinstance(burst, dict) else None
    try:
        return dt.date.fromisoformat(str(end)[:10]) if end else None
    except ValueError:
        return None


def is_open(action: dict[str, Any]) -> bool:
    return action.get("status") in (None, "open")


def previous_case(card: Any, cases: list[Any]) -> Any | None:
    """The previous case of the same shop among ``cases`` (objects with ``.record``), or None."""
    c = _as_dict(card)
    key, end = shop_key(c), burst_end(c)
    if key is None or end is None:
        return None
    before = []
    for case in cases:
        other = case.record.get("card") or {}
        other_end = burst_end(other)
        if (
            case.record.get("case_id") != c.get("id")
            and shop_key(other) == key
            and other_end is not None
            and other_end < end
        ):
            before.append((other_end, str(case.record["case_id"]), case))
    return max(before, key=lambda x: (x[0], x[1]))[2] if before else None


def carried_from(card: Any, previous: Any) -> Carried:
    """The open actions of ``previous`` (a library case) and which of them ``card`` closes."""
    c = _as_dict(card)
    closes = [str(x) for x in (c.get("retrospective") or {}).get("closes") or []]
    prev_card = previous.record.get("card") or {}
    actions = tuple(
        CarriedAction(
            id=a.get("id"),
            what=str(a.get("what") or ""),
            owner=a.get("owner"),
            due=str(a["due"])[:10] if a.get("due") else None,
            metric=a.get("metric"),
            target=a.get("target"),
            closed=bool(a.get("id")) and a.get("id") in closes,
        )
        for a in (prev_card.get("retrospective") or {}).get("actions") or []
        if isinstance(a, dict) and is_open(a)
    )
    known = {a.id for a in actions if a.id}
    report = previous.folder / "report.html"
    key = shop_key(c)
    return Carried(
        previous_id=str(previous.record["case_id"]),
        previous_name=str(previous.record.get("name") or previous.record["case_id"]),
        previous_burst_end=str(burst_end(prev_card) or ""),
        matched_by=key[0] if key else "shop",
        report=report if report.is_file() else None,
        actions=actions,
        unknown_closes=tuple(x for x in closes if x not in known),
    )


@dataclass(frozen=True)
class _LibraryCase:
    folder: Path
    record: dict[str, Any]


def _library_cases(library: Path) -> list[_LibraryCase]:
    """Every visible case folder's checked record (a tampered one raises CaseRecordError)."""
    from .record import read_record

    return [
        _LibraryCase(p.parent, read_record(p))
        for p in sorted(library.glob("*/case.json"))
        if not p.parent.name.startswith(".")
    ]


def carried_actions(card: Any, library: str | Path | None) -> Carried | Skip:
    """What the 背景 and 复盘 of ``card`` show of its shop's previous case in ``library``.

    A :class:`~fupan.analysis.results.Skip` (bilingual) when no library is given or found, or
    when the library holds no earlier case of the same shop.
    """
    if not library:
        return Skip(
            bilingual(
                "No case library for this run, so no earlier case's actions are carried over.",
                "本次运行没有案例库，无法带入往期案例的未结行动。",
            )
        )
    if not Path(library).is_dir():
        return Skip(
            bilingual(
                f"No case library at {Path(library).name}: no earlier case's actions carried over.",
                f"找不到案例库 {Path(library).name}：未带入往期案例的行动。",
            )
        )
    try:
        cases = _library_cases(Path(library))
    except CaseRecordError as exc:  # one unreadable case must not cost the retrospective
        return unreadable_library(
            exc, "no earlier case's actions are carried over", "未带入往期行动"
        )
    previous = previous_case(card, cases)
    if previous is None:
        return Skip(
            bilingual(
                "The case library holds no earlier case of this shop: no actions carried over.",
                "案例库中没有本店铺更早的案例：没有需要带入的往期行动。",
            )
        )
    return carried_from(card, previous)


def action_status(cases: list[Any]) -> dict[tuple[str, str], str]:
    """(case id, action id) → the later case of the same shop that closed it (its case id), over
    every case of a library: the site's lessons view shows it beside each action."""
    out: dict[tuple[str, str], str] = {}
    for case in cases:
        card = case.record.get("card") or {}
        closes = (card.get("retrospective") or {}).get("closes") or []
        if not closes:
            continue
        previous = previous_case(card, cases)
        if previous is None:
            continue
        for aid in closes:
            out.setdefault((str(previous.record["case_id"]), str(aid)), str(card.get("id")))
    return out


def unreadable_library(exc: CaseRecordError, what_en: str, what_zh: str) -> Skip:
    """The bilingual reason a library part is left out: a case the library cannot read (named by
    ``exc``), and what to do about it."""
    return Skip(
        bilingual(
            f"A case of the library cannot be read, so {what_en}: {exc}. Archive it again "
            "(fupan archive --force) or move it out of the library; the rest of the report is "
            "unaffected.",
            f"案例库中有无法读取的案例，{what_zh}：{exc}。请重新归档（fupan archive --force）"
            "或将其移出案例库；报告其余部分不受影响。",
        )
    )

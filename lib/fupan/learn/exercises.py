"""Exercises with checked answers that never show the answer.

An exercise's key is a file of salted SHA-256 hashes (``notebooks/keys/<set>.json``), one per
exercise, of the *normalised* expected value:

- numbers: ``round(x / tol)`` — the answer's bucket on a grid of step ``tol``; the check accepts
  the expected bucket or a neighbour, so an answer within ``tol`` is always right and one more than
  ``2·tol`` away is always wrong;
- text: NFKC-normalised, case-folded, stripped (``"ＲＯＡＳ "`` = ``"roas"``);
- choices among a fixed vocabulary (phase keys, yes/no): text;
- frames and series: canonicalised (columns and rows sorted, numbers rounded to ``tol``) and
  written as CSV before hashing.

The key is *recorded* when the instructor copy is executed with ``FUPAN_LEARN_RECORD=1`` (the
solution computes the value through the library; nothing is typed in), and read otherwise. A check
says one of three things — right, wrong (and why, without the value), not attempted — and each
exercise has hints in levels (``ex.hint()``). A salted hash of a rounded number can be found by
trying every bucket: the key keeps the answer out of sight, it is not a lock.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
import os
import secrets
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RIGHT, WRONG, NOT_ATTEMPTED = "right", "wrong", "not_attempted"
KINDS = ("number", "integer", "text", "choice", "frame")
RECORD_ENV = "FUPAN_LEARN_RECORD"
KEYS_ENV = "FUPAN_LEARN_KEYS"

_TEXT = {
    RIGHT: ("✔ 正确", "Right"),
    WRONG: ("✘ 不对", "Wrong"),
    NOT_ATTEMPTED: ("○ 尚未作答", "Not attempted"),
}


def _digest(salt: str, token: str) -> str:
    return hashlib.sha256(f"{salt}\x1f{token}".encode()).hexdigest()


def normalise_text(value: Any) -> str:
    """NFKC, case-folded, inner whitespace collapsed, stripped."""
    return " ".join(unicodedata.normalize("NFKC", str(value)).casefold().split())


def _number(value: Any) -> float:
    try:
        import numpy as np

        if isinstance(value, np.generic):
            value = value.item()
    except ImportError:  # pragma: no cover - numpy is a dependency
        pass
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(type(value).__name__)
    return float(value)


def canonical_frame(value: Any, tol: float) -> str:
    """A frame or series as canonical CSV: columns and rows sorted, numbers on the ``tol`` grid."""
    import pandas as pd

    if isinstance(value, pd.Series):
        value = value.to_frame(name=str(value.name) if value.name is not None else "value")
    if not isinstance(value, pd.DataFrame):
        raise TypeError(type(value).__name__)
    frame = value.reset_index(drop=not any(n is not None for n in value.index.names))
    frame.columns = [normalise_text(c) for c in frame.columns]
    frame = frame[sorted(frame.columns)]
    for col in frame.columns:
        if pd.api.types.is_numeric_dtype(frame[col]) and not pd.api.types.is_bool_dtype(frame[col]):
            frame[col] = [
                "nan" if pd.isna(v) else str(round(float(v) / tol)) if tol else repr(float(v))
                for v in frame[col]
            ]
        else:
            frame[col] = [normalise_text(v) for v in frame[col]]
    frame = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return frame.to_csv(index=False)


def tokens(kind: str, value: Any, tol: float) -> list[str]:
    """The normalised forms of ``value`` a check compares: the first is its own bucket.

    Numbers yield their bucket and both neighbours; the other kinds yield one token.
    Raises TypeError when ``value`` is not of the exercise's kind.
    """
    if kind in ("number", "integer"):
        x = _number(value)
        if math.isnan(x) or math.isinf(x):
            raise ValueError("nan")
        step = tol if kind == "number" else (tol or 1.0)
        b = round(x / step)
        return [f"n:{b}", f"n:{b - 1}", f"n:{b + 1}"] if kind == "number" or tol else [f"n:{b}"]
    if kind in ("text", "choice"):
        if not isinstance(value, str | bool):
            raise TypeError(type(value).__name__)
        return [f"s:{normalise_text(value)}"]
    if kind == "frame":
        return [f"f:{canonical_frame(value, tol)}"]
    raise ValueError(f"unknown exercise kind {kind!r}; one of {KINDS}")


@dataclass
class Result:
    """What a check says: ``status`` (right / wrong / not_attempted) and why, in zh and en."""

    exercise: str
    status: str
    why_zh: str = ""
    why_en: str = ""
    hints_left: int = 0

    def __bool__(self) -> bool:
        return self.status == RIGHT

    def _lines(self) -> tuple[str, str]:
        zh, en = _TEXT[self.status]
        more_zh = more_en = ""
        if self.status != RIGHT and self.hints_left:
            more_zh = f" 提示：调用 .hint()（还有 {self.hints_left} 级）。"
            more_en = f" Hint: call .hint() ({self.hints_left} level(s) left)."
        return (
            f"[{self.exercise}] {zh}。{self.why_zh}{more_zh}",
            f"[{self.exercise}] {en}. {self.why_en}{more_en}",
        )

    def __repr__(self) -> str:
        zh, en = self._lines()
        return f"{zh}\n{en}"

    def _repr_html_(self) -> str:
        zh, en = self._lines()
        colour = {RIGHT: "#1b7f3b", WRONG: "#b3261e", NOT_ATTEMPTED: "#6b6b6b"}[self.status]
        return (
            f'<div class="fp-check fp-check-{self.status}" style="border-left:4px solid {colour};'
            f'padding:4px 10px;margin:4px 0"><div lang="zh-CN">{html.escape(zh)}</div>'
            f'<div lang="en" style="color:#555">{html.escape(en)}</div></div>'
        )


@dataclass
class Exercise:
    """One exercise of a set: ``kind`` and ``tol`` say how answers are compared.

    ``hints`` are ``(zh, en)`` pairs from gentle to explicit; none may contain the answer.
    ``choices`` (for ``kind="choice"``) is the vocabulary the answer is taken from.
    """

    owner: ExerciseSet
    id: str
    kind: str = "number"
    tol: float = 0.0
    hints: list[tuple[str, str]] = field(default_factory=list)
    choices: tuple[str, ...] = ()
    shown: int = 0

    def hint(self) -> Hint:
        """The next hint level (the last one again once all are shown)."""
        if not self.hints:
            return Hint(self.id, 0, 0, "本题没有提示。", "No hint for this one.")
        self.shown = min(self.shown + 1, len(self.hints))
        zh, en = self.hints[self.shown - 1]
        return Hint(self.id, self.shown, len(self.hints), zh, en)

    def mistake(self, value: Any, why_zh: str, why_en: str) -> None:
        """Record a typical wrong answer and why it is wrong (only when recording the key)."""
        if self.owner.recording:
            toks = tokens(self.kind, value, self.tol)[:1]
            self.owner.record_mistake(self.id, toks[0], why_zh, why_en)

    def check(self, answer: Any = ...) -> Result:
        """Right / wrong (with why) / not attempted; never shows the expected value."""
        left = len(self.hints) - self.shown
        if answer is ... or answer is None:
            return Result(
                self.id,
                NOT_ATTEMPTED,
                "把答案赋给题目里的变量（现在是 ...），再运行本格。",
                "Assign your answer to the exercise's variable (it is ... now) and run the cell again.",
                left,
            )
        if self.owner.recording:
            self.owner.record_answer(self, tokens(self.kind, answer, self.tol)[0])
        entry = self.owner.entry(self.id)
        if entry is None:
            return Result(
                self.id,
                NOT_ATTEMPTED,
                "找不到本题的答案键（keys/ 文件夹），无法判定。",
                "No answer key for this exercise (keys/ folder): it cannot be checked.",
                left,
            )
        kind, tol, salt = entry["kind"], float(entry["tol"]), entry["salt"]
        try:
            mine = tokens(kind, answer, tol)
        except (TypeError, ValueError) as exc:
            expected = {
                "number": ("一个数", "a number"),
                "integer": ("一个整数", "a whole number"),
                "text": ("一段文字", "a text"),
                "choice": ("一个选项", "one of the choices"),
                "frame": ("一个 DataFrame / Series", "a DataFrame or Series"),
            }[kind]
            return Result(
                self.id,
                WRONG,
                f"应是{expected[0]}，得到的是 {exc}。",
                f"Expected {expected[1]}, got {exc}.",
                left,
            )
        if (
            kind == "choice"
            and self.choices
            and normalise_text(answer) not in {normalise_text(c) for c in self.choices}
        ):
            return Result(
                self.id,
                WRONG,
                f"答案应是这些选项之一：{', '.join(self.choices)}。",
                f"The answer must be one of: {', '.join(self.choices)}.",
                left,
            )
        if any(_digest(salt, t) == entry["hash"] for t in mine):
            return Result(self.id, RIGHT, "", "", 0)
        for m in entry.get("mistakes", []):
            if _digest(salt, mine[0]) == m["hash"]:
                return Result(self.id, WRONG, m["why_zh"], m["why_en"], left)
        if kind == "number":
            why = (f"与正确答案相差超过容差 {tol:g}。", f"Off by more than the tolerance {tol:g}.")
        elif kind == "frame":
            why = (
                "表的内容（列名、行或数值）与答案不一致。",
                "The table (column names, rows or values) differs from the answer.",
            )
        else:
            why = ("与答案不一致。", "Not the answer.")
        return Result(self.id, WRONG, why[0], why[1], left)


@dataclass
class Hint:
    exercise: str
    level: int
    levels: int
    zh: str
    en: str

    def __repr__(self) -> str:
        return f"[{self.exercise}] 提示 hint {self.level}/{self.levels}: {self.zh}\n{self.en}"

    def _repr_html_(self) -> str:
        return (
            f'<div class="fp-hint" style="border-left:4px solid #c9a227;padding:4px 10px">'
            f"<b>提示 Hint {self.level}/{self.levels}</b>"
            f'<div lang="zh-CN">{html.escape(self.zh)}</div>'
            f'<div lang="en" style="color:#555">{html.escape(self.en)}</div></div>'
        )


class ExerciseSet:
    """The exercises of one notebook and their key file ``<keys>/<name>.json``.

    ``keys`` defaults to ``$FUPAN_LEARN_KEYS`` or ``keys`` beside the notebook (the working
    directory a kernel starts in). With ``$FUPAN_LEARN_RECORD`` set, checks record the key.
    """

    def __init__(self, name: str, keys: str | Path | None = None):
        self.name = name
        folder = Path(keys or os.environ.get(KEYS_ENV) or "keys")
        if not keys and not os.environ.get(KEYS_ENV) and not folder.is_dir():
            folder = Path("..") / "keys"  # an instructor copy opened from notebooks/instructor/
        self.path = folder / f"{name}.json"
        self.recording = bool(os.environ.get(RECORD_ENV))
        self.exercises: dict[str, Exercise] = {}
        if self.recording:
            self.key: dict[str, Any] = {}
            self._save()
        else:
            self.key = (
                json.loads(self.path.read_text(encoding="utf-8")) if self.path.is_file() else {}
            )

    def exercise(
        self,
        id: str,
        kind: str = "number",
        tol: float = 0.0,
        hints: list[tuple[str, str]] | None = None,
        choices: tuple[str, ...] = (),
    ) -> Exercise:
        """Declare exercise ``id`` (``kind`` one of :data:`KINDS`)."""
        if kind not in KINDS:
            raise ValueError(f"unknown exercise kind {kind!r}; one of {KINDS}")
        if kind == "number" and tol <= 0:
            raise ValueError("a number exercise needs a tolerance tol > 0")
        ex = Exercise(self, id, kind, tol, list(hints or []), tuple(choices))
        self.exercises[id] = ex
        return ex

    def entry(self, id: str) -> dict[str, Any] | None:
        return self.key.get(id)

    def record_answer(self, ex: Exercise, token: str) -> None:
        salt = secrets.token_hex(16)
        old = self.key.get(ex.id, {})
        self.key[ex.id] = {
            "kind": ex.kind,
            "tol": ex.tol,
            "salt": salt,
            "hash": _digest(salt, token),
            "mistakes": [{**m, "hash": _digest(salt, m["token"])} for m in old.get("pending", [])],
        }
        self._save()

    def record_mistake(self, id: str, token: str, why_zh: str, why_en: str) -> None:
        # mistakes are declared before the check that records the answer and its salt
        entry = self.key.setdefault(id, {})
        if "salt" in entry:
            mistake = {"hash": _digest(entry["salt"], token), "why_zh": why_zh, "why_en": why_en}
            entry["mistakes"].append(mistake)
            self._save()
        else:
            entry.setdefault("pending", []).append(
                {"token": token, "why_zh": why_zh, "why_en": why_en}
            )

    def _save(self) -> None:
        public = {
            k: {kk: vv for kk, vv in v.items() if kk != "pending"}
            for k, v in self.key.items()
            if "hash" in v
        }
        for v in public.values():
            v["mistakes"] = [
                {kk: m[kk] for kk in ("hash", "why_zh", "why_en")} for m in v["mistakes"]
            ]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(
            json.dumps(public, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
            encoding="utf-8",
        )

"""Preparing a case in memory: the record, the report of this run, the card and the provenance
are all checked before anything is written."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ...errors import CaseRecordError
from ..record import _clean, read_record, run_mark
from .base import CARD, META, META_FORMAT, MINUTES, PROVENANCES, RECORD, REPORT, _refuse

# --------------------------------------------------------------------------- preparing (in memory)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _card_from_notebook(run_dir: Path) -> Path | None:
    """The campaign.yaml of the folder the run's notebook was executed for (papermill metadata)."""
    try:
        nb = json.loads((run_dir / "report.ipynb").read_text(encoding="utf-8"))
        folder = nb["metadata"]["papermill"]["parameters"]["campaign_dir"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    path = Path(folder) / CARD
    return path if path.is_file() else None


def _same_card(text: str, card: dict[str, Any]) -> bool:
    """Does ``text`` parse to the very card the record holds?"""
    from ...ingest.card import parse_card

    parsed, problems = parse_card(text)
    if parsed is None or any(p.severity == "error" for p in problems):
        return False
    return _clean(parsed.model_dump(mode="json")) == card


def card_text(record: dict[str, Any]) -> str:
    """The record's card as YAML (dates as ISO strings); it parses back to the same card."""
    head = (
        "# 由 fupan archive 根据 case.json 写出：即本案例分析时所用的卡片。\n"
        "# Written by fupan archive from case.json: the card this case was computed with.\n"
    )
    return head + yaml.safe_dump(record["card"], allow_unicode=True, sort_keys=False, width=100)


def resolve_provenance(stated: str | None, given: str | None) -> tuple[str, str]:
    """(provenance, where it was stated): the card's, else ``--provenance``; never guessed.

    Raises ValidationError when neither says, when ``given`` is not real/synthetic, or when the
    two contradict each other.
    """
    if given is not None and given not in PROVENANCES:
        raise _refuse(
            "archive_bad_provenance",
            None,
            f"--provenance 应为 real 或 synthetic，收到 {given!r}。",
            f"--provenance must be real or synthetic, got {given!r}.",
            column="--provenance",
        )
    if stated and given and stated != given:
        raise _refuse(
            "archive_provenance_conflict",
            CARD,
            f"卡片写明 provenance: {stated}，与 --provenance {given} 矛盾。",
            f"The card says provenance: {stated}, which contradicts --provenance {given}.",
            column="provenance",
        )
    if stated:
        return stated, "card"
    if given:
        return given, "--provenance"
    raise _refuse(
        "archive_no_provenance",
        CARD,
        "案例未注明数据来源：请在 campaign.yaml 中写 provenance: real（真实数据）或 synthetic（合成数据），"
        "或用 --provenance 指定。",
        "The case does not say where its data come from: write provenance: real or synthetic in "
        "campaign.yaml, or pass --provenance.",
        column="provenance",
    )


def _minutes(run_dir: Path, record: dict[str, Any]) -> bytes | None:
    """The run's minutes.md as the team left it (amended in the meeting: that is the record to
    keep), None when the run wrote none. Refused when it is not this run's — its case-hash line
    (:func:`fupan.report.run.minutes_footer`) missing or another run's — or not UTF-8 text."""
    path = run_dir / MINUTES
    if not path.is_file():
        return None
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _refuse(
            "archive_minutes_unreadable",
            str(path),
            f"minutes.md 不是 UTF-8 文本（第 {exc.start} 字节）；请用 UTF-8 另存后再归档。",
            f"minutes.md is not UTF-8 text (byte {exc.start}); save it as UTF-8, then archive.",
        ) from None
    mark, digest = run_mark(record), record["content_sha256"]
    if mark.encode() not in data:
        raise _refuse(
            "archive_minutes_mismatch",
            str(path),
            f"minutes.md 不属于这份 case.json（末行没有案例哈希 {digest[:16]}）：可能是上一次运行的纪要，"
            f"或会上修改时删掉了末行。请把末行 {mark} 加回去，或移走 minutes.md 后再归档"
            f"（归档将不含纪要）。",
            f"minutes.md does not belong to this case.json (its last line lacks the case hash "
            f"{digest[:16]}): minutes of an earlier run, or the line was deleted while amending "
            f"them. Put back the line {mark}, or move minutes.md away and archive "
            f"without the minutes.",
        )
    return data


@dataclass(frozen=True)
class _Staged:
    case_id: str
    files: dict[str, bytes]
    meta: dict[str, Any]
    card_source: str
    #: the run's campaign.yaml when it was edited since the run (the record's card is archived)
    edited_card: Path | None = None


def prepare(
    run_dir: Path | str, *, provenance: str | None = None, card: Path | str | None = None
) -> _Staged:
    """Check a finished run and build the case folder's files in memory (nothing is written).

    Raises ValidationError (missing file, report of another run, card edited since the run, no
    provenance) or CaseRecordError (record fails its schema or content hash), each bilingual.
    """
    run_dir = Path(run_dir)
    if not run_dir.is_dir():
        raise _refuse(
            "archive_no_run",
            str(run_dir),
            f"找不到运行结果文件夹 {run_dir}（应为 reports/<案例编号>）。",
            f"No run folder at {run_dir} (expected reports/<case id>).",
        )
    for name in (RECORD, REPORT):
        if not (run_dir / name).is_file():
            raise _refuse(
                "archive_missing_file",
                str(run_dir / name),
                f"{run_dir} 中没有 {name}：请先用 fupan run 完整生成报告（对外分享版不能归档）。",
                f"{run_dir} holds no {name}: run fupan run to completion first (a share-safe run "
                f"cannot be archived).",
            )
    try:
        record = read_record(run_dir / RECORD)
    except CaseRecordError as exc:
        raise CaseRecordError(
            f"{exc}\n拒绝归档：案例记录未通过校验，未写入任何内容。 / Archive refused: the case "
            f"record failed its check; nothing was written."
        ) from None
    flight = (record.get("data") or {}).get("in_flight")
    if flight:
        raise _refuse(
            "archive_in_flight",
            str(run_dir / RECORD),
            f"这是截至 {flight.get('as_of')} 的战报（活动还在进行），不能归档：案例库只收完整的复盘。"
            f"活动结束后不加 --as-of 重新运行 fupan run，再归档。",
            f"This is a war report up to {flight.get('as_of')} (the campaign still running) and "
            f"cannot be archived: the case library holds whole retrospectives. Once the campaign "
            f"is over, run fupan run again without --as-of, then archive.",
        )
    raw_record = (run_dir / RECORD).read_bytes()
    report = (run_dir / REPORT).read_bytes()
    case_id, digest = record["case_id"], record["content_sha256"]
    if digest[:16].encode() not in report:
        raise _refuse(
            "archive_report_mismatch",
            str(run_dir / REPORT),
            f"report.html 不属于这份 case.json（页脚中没有案例哈希 {digest[:16]}），可能是上一次运行留下的；"
            f"请重新运行 fupan run。",
            f"report.html does not belong to this case.json (its footer lacks the case hash "
            f"{digest[:16]}); it may be left from an earlier run. Run fupan run again.",
        )
    minutes = _minutes(run_dir, record)
    rec_card = record["card"]
    # the card: the operator's own file if it still is the card analysed, else the record's
    source, text = "record", card_text(record)
    edited = None
    given = Path(card) if card is not None else None
    if given is not None:
        try:
            original = given.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise _refuse(
                "archive_card_unreadable",
                str(given),
                f"无法读取卡片 {given}（{exc}）。",
                f"Cannot read the card {given} ({exc}).",
                column="--card",
            ) from None
        if not _same_card(original, rec_card):
            raise _refuse(
                "archive_card_changed",
                str(given),
                f"{given} 与 case.json 中分析时所用的卡片不一致（运行后被修改过？）。请重新运行 fupan run，"
                f"或不指定 --card（将使用记录中的卡片）。",
                f"{given} differs from the card in case.json that the run analysed (edited since the run?). "
                f"Run fupan run again, or leave out --card to archive the record's card.",
                column="--card",
            )
        source, text = "original", original
    elif (found := _card_from_notebook(run_dir)) is not None:
        try:
            original = found.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            original = None
        if original is not None and _same_card(original, rec_card):
            source, text = "original", original
        elif original is not None:
            edited = found
    prov, prov_source = resolve_provenance(rec_card.get("provenance"), provenance)
    card_bytes = text.encode("utf-8")
    camp = (record.get("kpis") or {}).get("campaign") or {}
    meta = {
        "format": META_FORMAT,
        "case_id": case_id,
        "name": record["name"],
        "provenance": prov,
        "provenance_source": prov_source,
        "definitions_version": record["definitions_version"],
        "library_version": record["library_version"],
        "schema_version": record["schema_version"],
        "content_sha256": digest,
        "platform": rec_card.get("platform"),
        "category": rec_card.get("category"),
        "currency": rec_card.get("currency"),
        "period": [camp.get("start"), camp.get("end")],
        "tags": list(rec_card.get("tags") or []),
        "card_source": source,
        "files": {CARD: _sha(card_bytes), RECORD: _sha(raw_record), REPORT: _sha(report)},
    }
    files = {CARD: card_bytes, RECORD: raw_record, REPORT: report}
    if minutes is not None:
        meta["files"][MINUTES] = _sha(minutes)
        files[MINUTES] = minutes
    meta_bytes = (json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode(
        "utf-8"
    )
    return _Staged(
        case_id,
        {**files, META: meta_bytes},
        meta,
        source,
        edited,
    )

"""The case library: ``fupan archive`` files a finished run as ``case_library/<id>/``.

One case folder holds

- ``campaign.yaml`` — the card the run analysed: the operator's own file when it still reads as
  the card in the record (comments kept), else the record's card written out as YAML;
- ``case.json`` — the validated, content-hashed case record (:mod:`.record`);
- ``report.html`` — the report of that same run (its footer carries the record's hash);
- ``meta.json`` — what the library needs without opening the record: ``provenance`` (``real`` or
  ``synthetic``), the 口径 ``definitions_version`` and library version the record was computed
  under, the record's ``content_sha256`` and the SHA-256 of each of the three files above.

``case_library/index.json`` lists every case (the ``meta.json`` of each, sorted by id). It is a
derived summary: :func:`load_index` checks it against the case folders and rebuilds it when they
disagree, so it never needs to be committed or merged by hand.

Nothing is lost, whatever happens (DESIGN.md, "Nothing lost"):

1. Everything is checked in memory first — the record's schema and content hash, the report
   belonging to the record, the card, the provenance — and nothing is written if any check fails.
2. The case is written into a hidden folder ``case_library/.tmp-<id>-<random>/``, every file
   fsynced, then the folder fsynced.
3. It is renamed into place in one step: ``rename`` for a new case; for ``--force`` an atomic
   exchange of the two folders (Linux ``renameat2(RENAME_EXCHANGE)``), after which the hidden
   folder holds the old case and is removed. Where the exchange is not available the old case is
   first renamed to ``.old-<id>-<random>`` and removed only after the new one is in place; if the
   process dies between those two renames the next archive renames it back.
4. The library folder is fsynced, then ``index.json`` rewritten atomically (temporary file, fsync,
   rename).

Archives are serialised by an advisory lock on ``case_library/.lock``. A process killed at any
point leaves every visible case folder complete; hidden leftovers (``.tmp-*``, ``.old-*``,
``.index.json.*``) are invisible to readers (they skip hidden folders) and are cleaned up by the
next archive (:func:`recover`).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import hashlib
import json
import os
import secrets
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..dictionary import ComputedUnder, computed_under
from ..errors import ArchiveConflictError, CaseRecordError, Problem, ValidationError
from .record import _clean, read_record

#: the library ``fupan archive``, ``fupan site`` and ``fupan compare`` use unless told otherwise
DEFAULT_LIBRARY = Path("case_library")
CARD = "campaign.yaml"
RECORD = "case.json"
REPORT = "report.html"
META = "meta.json"
INDEX = "index.json"
LOCK = ".lock"
#: the files of a case folder, in the order they are written
CASE_FILES = (CARD, RECORD, REPORT, META)
META_FORMAT = "fupan.case-folder/1"
INDEX_FORMAT = "fupan.case-index/1"
PROVENANCES = ("real", "synthetic")
_TMP, _OLD, _INDEX_TMP = ".tmp-", ".old-", f".{INDEX}."


@dataclass(frozen=True)
class Archived:
    """What :func:`archive` did."""

    case_id: str
    folder: Path
    provenance: str
    definitions_version: str
    library_version: str
    replaced: bool
    unchanged: bool  # --force with the very same files already in the library: nothing was written
    #: "original" (the operator's campaign.yaml) or "record" (written from case.json)
    card_source: str
    seconds: float


@dataclass(frozen=True)
class LibraryCase:
    """One case folder, checked (:func:`read_case`)."""

    folder: Path
    record: dict[str, Any]
    meta: dict[str, Any]

    @property
    def case_id(self) -> str:
        return self.record["case_id"]

    @property
    def provenance(self) -> str:
        return self.meta["provenance"]

    @property
    def computed_under(self) -> ComputedUnder:
        """The 口径 version the record was computed under; ``current`` False marks an old one."""
        return computed_under(self.record)


# --------------------------------------------------------------------------- messages


def _problem(code: str, file: str | None, zh: str, en: str, column: str | None = None) -> Problem:
    return Problem(code=code, file=file, zh=zh, en=en, column=column)


def _refuse(
    code: str, file: str | None, zh: str, en: str, column: str | None = None
) -> ValidationError:
    return ValidationError(
        [_problem(code, file, f"{zh}未归档任何内容。", f"{en} Nothing was archived.", column)]
    )


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
    from ..ingest.card import parse_card

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


@dataclass(frozen=True)
class _Staged:
    case_id: str
    files: dict[str, bytes]
    meta: dict[str, Any]
    card_source: str


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
    rec_card = record["card"]
    # the card: the operator's own file if it still is the card analysed, else the record's
    source, text = "record", card_text(record)
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
    meta_bytes = (json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode(
        "utf-8"
    )
    return _Staged(
        case_id,
        {CARD: card_bytes, RECORD: raw_record, REPORT: report, META: meta_bytes},
        meta,
        source,
    )


# --------------------------------------------------------------------------- file system steps


def _write_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where not supported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


@contextlib.contextmanager
def _locked(library: Path) -> Iterator[None]:
    """Hold the library's advisory lock (one archive at a time); no-op where fcntl is missing."""
    library.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(library / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _hidden_leftovers(library: Path) -> list[Path]:
    return sorted(p for p in library.iterdir() if p.name.startswith((_TMP, _OLD, _INDEX_TMP)))


def recover(library: Path | str) -> list[str]:
    """Undo or finish what a killed archive left (call with the lock held, or when no archive runs).

    An ``.old-<id>-*`` folder whose case ``<id>`` is missing is renamed back (the process died
    between moving the old case aside and moving the new one in); every other hidden leftover is
    removed. Returns the names dealt with.
    """
    library = Path(library)
    if not library.is_dir():
        return []
    done = []
    for p in _hidden_leftovers(library):
        if p.name.startswith(_OLD) and p.is_dir():
            case_id = p.name[len(_OLD) :].rsplit("-", 1)[0]
            if not (library / case_id).exists() and _complete(p, case_id):
                os.rename(p, library / case_id)
                done.append(p.name)
                continue
        if p.is_dir():
            shutil.rmtree(p)
        else:
            os.unlink(p)
        done.append(p.name)
    if done:
        _fsync_dir(library)
    return done


def _complete(folder: Path, case_id: str) -> bool:
    try:
        read_case(folder, case_id)
    except (CaseRecordError, ValidationError):
        return False
    return True


# --------------------------------------------------------------------------- archive


def check_conflict(library: Path | str, case_id: str, *, force: bool = False) -> None:
    """Raise ArchiveConflictError if ``case_id`` is in the library and ``force`` is off."""
    folder = Path(library) / case_id
    if folder.exists() and not force:
        raise ArchiveConflictError(
            f"案例库中已有案例 {case_id}（{folder}），未做任何修改。如确需替换，请加 --force（旧案例在新案例就位后才删除）。\n"
            f"The case library already holds {case_id} ({folder}); nothing was changed. To replace it, add "
            f"--force (the old case is removed only once the new one is in place)."
        )


def archive(
    run_dir: Path | str,
    library: Path | str = DEFAULT_LIBRARY,
    *,
    force: bool = False,
    provenance: str | None = None,
    card: Path | str | None = None,
) -> Archived:
    """File the finished run in ``run_dir`` (``reports/<id>``) as ``library/<id>/``, atomically.

    ``provenance`` (real | synthetic) is needed when the card does not state it; ``card`` names
    the campaign.yaml to keep (it must parse to the card in the record; by default the one the
    run's notebook was executed for is used when unchanged, else the record's card is written).
    An existing case is replaced only with ``force``. See the module docstring for the steps.
    """
    t0 = time.perf_counter()
    library = Path(library)
    staged = prepare(run_dir, provenance=provenance, card=card)
    check_conflict(library, staged.case_id, force=force)
    m = staged.meta
    with _locked(library):
        recover(library)
        target = library / staged.case_id
        check_conflict(library, staged.case_id, force=force)
        if _same_files(target, staged):
            if _stored_index(library, build_index(library)) is None:
                write_index(library)
            return Archived(
                staged.case_id,
                target,
                m["provenance"],
                m["definitions_version"],
                m["library_version"],
                False,
                True,
                staged.card_source,
                time.perf_counter() - t0,
            )
        tmp = library / f"{_TMP}{staged.case_id}-{secrets.token_hex(4)}"
        os.mkdir(tmp)
        for name in CASE_FILES:
            _write_file(tmp / name, staged.files[name])
        _fsync_dir(tmp)
        replaced = target.exists()
        if not replaced:
            os.rename(tmp, target)
        elif _exchange(tmp, target):  # tmp now holds the old case
            _fsync_dir(library)
            shutil.rmtree(tmp)
        else:
            old = library / f"{_OLD}{staged.case_id}-{secrets.token_hex(4)}"
            os.rename(target, old)
            os.rename(tmp, target)
            _fsync_dir(library)
            shutil.rmtree(old)
        _fsync_dir(library)
        write_index(library)
    return Archived(
        staged.case_id,
        target,
        m["provenance"],
        m["definitions_version"],
        m["library_version"],
        replaced,
        False,
        staged.card_source,
        time.perf_counter() - t0,
    )


def _same_files(target: Path, staged: _Staged) -> bool:
    """Does the library already hold exactly these files for this case?"""
    try:
        return all((target / name).read_bytes() == data for name, data in staged.files.items())
    except OSError:
        return False


# --------------------------------------------------------------------------- reading


def _bad_case(folder: Path, zh: str, en: str) -> CaseRecordError:
    return CaseRecordError(f"{folder}: {zh} / {en}")


def read_case(folder: Path | str, case_id: str | None = None) -> LibraryCase:
    """Read and check one case folder: every file present and matching ``meta.json``'s hashes,
    the record's schema and content hash, one case id throughout (the folder's name unless
    ``case_id`` is given). Raises CaseRecordError."""
    folder = Path(folder)
    missing = [n for n in CASE_FILES if not (folder / n).is_file()]
    if missing:
        raise _bad_case(
            folder,
            f"案例文件夹不完整，缺少 {', '.join(missing)}",
            f"incomplete case folder, missing {', '.join(missing)}",
        )
    record = read_record(folder / RECORD)
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        files = meta["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise _bad_case(
            folder, f"meta.json 无法读取（{exc}）", f"meta.json is unreadable ({exc})"
        ) from None
    for name in (CARD, RECORD, REPORT):
        if files.get(name) != _sha((folder / name).read_bytes()):
            raise _bad_case(
                folder,
                f"{name} 与 meta.json 中的哈希不符（被修改或损坏）",
                f"{name} does not match its hash in meta.json (edited or corrupted)",
            )
    if not (
        meta.get("case_id") == record["case_id"] == (case_id or folder.name)
        and meta.get("content_sha256") == record["content_sha256"]
    ):
        raise _bad_case(
            folder,
            "文件夹名、meta.json 与 case.json 的案例编号或哈希不一致",
            "folder name, meta.json and case.json disagree on the case id or hash",
        )
    if meta.get("provenance") not in PROVENANCES:
        raise _bad_case(
            folder,
            "meta.json 未注明 real/synthetic 数据来源",
            "meta.json does not say real or synthetic",
        )
    return LibraryCase(folder, record, meta)


def case_folders(library: Path | str) -> list[Path]:
    """The visible case folders (hidden ones — archives in progress or interrupted — are not cases)."""
    library = Path(library)
    if not library.is_dir():
        return []
    return sorted(p for p in library.iterdir() if p.is_dir() and not p.name.startswith("."))


def check_library(library: Path | str) -> list[LibraryCase]:
    """Every visible case, fully checked (:func:`read_case`); raises on the first bad one."""
    return [read_case(p) for p in case_folders(library)]


def _entry(folder: Path) -> dict[str, Any]:
    """A case's index entry: its meta.json (without per-file hashes), or, for a folder put in the
    library by hand without one, the same fields read from its record."""
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        if isinstance(meta, dict) and meta.get("case_id") == folder.name:
            return {k: v for k, v in meta.items() if k not in ("files", "format")}
    except (OSError, ValueError):
        pass
    record = read_record(folder / RECORD)
    card = record.get("card") or {}
    camp = (record.get("kpis") or {}).get("campaign") or {}
    return {
        "case_id": record["case_id"],
        "name": record["name"],
        "provenance": card.get("provenance") if card.get("provenance") in PROVENANCES else None,
        "provenance_source": "card" if card.get("provenance") in PROVENANCES else None,
        "definitions_version": record["definitions_version"],
        "library_version": record["library_version"],
        "schema_version": record["schema_version"],
        "content_sha256": record["content_sha256"],
        "platform": card.get("platform"),
        "category": card.get("category"),
        "currency": card.get("currency"),
        "period": [camp.get("start"), camp.get("end")],
        "tags": list(card.get("tags") or []),
        "card_source": None,
    }


def build_index(library: Path | str) -> dict[str, Any]:
    """The index of the visible case folders (folders without a case.json are not cases)."""
    entries = [_entry(p) for p in case_folders(library) if (p / RECORD).is_file()]
    return {"format": INDEX_FORMAT, "cases": entries}


def write_index(library: Path | str) -> dict[str, Any]:
    """Rewrite ``index.json`` atomically (temporary file, fsync, rename, fsync of the folder)."""
    library = Path(library)
    index = build_index(library)
    data = (json.dumps(index, ensure_ascii=False, sort_keys=True, indent=2) + "\n").encode("utf-8")
    tmp = library / f"{_INDEX_TMP}{secrets.token_hex(4)}.tmp"
    _write_file(tmp, data)
    os.replace(tmp, library / INDEX)
    _fsync_dir(library)
    return index


def _key(index: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted(
        (e.get("case_id"), e.get("content_sha256"))
        for e in index.get("cases", [])
        if isinstance(e, dict)
    )


def _stored_index(library: Path, fresh: dict[str, Any]) -> dict[str, Any] | None:
    """``index.json`` when it lists exactly the cases of ``fresh`` (ids and hashes), else None."""
    try:
        stored = json.loads((library / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        isinstance(stored, dict)
        and stored.get("format") == INDEX_FORMAT
        and _key(stored) == _key(fresh)
    ):
        return stored
    return None


def load_index(library: Path | str = DEFAULT_LIBRARY, *, repair: bool = True) -> dict[str, Any]:
    """The library's index, checked against the case folders (ids and content hashes).

    When ``index.json`` is missing, unreadable or out of step (a case copied in by hand or from
    git, or an archive killed between moving its folder in and rewriting the index), the index is
    rebuilt from the folders — and, with ``repair``, written back under the library's lock, after
    :func:`recover` has dealt with what a killed archive left (so a case moved aside by an
    interrupted ``--force`` without atomic exchange is back before the index is written).
    """
    library = Path(library)
    fresh = build_index(library)
    stored = _stored_index(library, fresh)
    if stored is not None:
        return stored
    if repair and library.is_dir() and os.access(library, os.W_OK):
        with _locked(library):
            recover(library)
            return write_index(library)
    return fresh

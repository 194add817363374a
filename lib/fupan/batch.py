"""``fupan batch``: many retrospectives side by side, one bad campaign never stopping the rest.

Each campaign runs as its own ``fupan run`` process (its own kernel, its own memory), the largest
inputs first (:func:`start_order`), under one overall progress bar; the processes are forked from
one that has imported the command once (:func:`_context`). With more campaigns than ``jobs``,
more runs are started than there are jobs (:func:`in_flight`) and their work — validation, each
code cell of the template, the export — takes turns at ``jobs`` slots (:class:`Slots`,
:mod:`fupan.slots`): the runs in the order they started, the batch's last ones sharing the cores
by the work ahead of each, so that they end together instead of the last one running alone. A campaign
whose inputs (the card and every table file), template, language and library version are unchanged
since its last run is skipped: the run's cache key (:func:`fupan.report.run.cache_key`) is recorded
in its ``case.json`` under ``parameters.cache_key`` and compared before anything is started
(``force`` re-runs). A campaign whose last run failed validation, unchanged since, is reported
with that run's error without being validated again (the same inputs fail the same way; the
failure is kept under its key in ``OUT/.fupan-batch/``): an unchanged batch with a broken campaign
re-runs in the time it takes to hash its files. The summary lists each campaign with its seconds and status, in the order
given, and each error in the bilingual form ``fupan run`` printed it. Ctrl-C stops the whole
batch — no campaign waiting for its turn is started, each run still going is stopped (its kernel
with it) within seconds (:meth:`Runs.stop`) — and the summary still lists every campaign, those
that did not end as ``interrupted``; the reports that had ended are kept."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import glob
import heapq
import json
import math
import os
import signal
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .config import TEMPLATE, THREADS_ENV
from .errors import VALIDATION_FAILED
from .progress import on_terminal
from .report.kernel import FORK_NEEDS
from .slots import STOP

CARD_FILE = "campaign.yaml"

#: How each status is written, in the summary table and the per-campaign lines.
_LABEL = {
    "ok": "✔ 完成 done",
    "unchanged": "= 未变 unchanged",
    "failed": "✘ 失败 failed",
    "interrupted": "■ 中断 interrupted",
}


@dataclass(frozen=True)
class BatchItem:
    """One campaign of a batch and what became of it."""

    folder: Path
    status: str  # "ok" | "unchanged" | "failed" | "interrupted" (Ctrl-C: not run, or stopped)
    seconds: float  # the run's own time: from its start to its end, less what it waited for a slot
    case_id: str | None = None
    error: str = ""


def _table_files(folder: Path) -> dict[str, Path]:
    """The table files the card names that exist, by the name the card gives, in name order (none
    when the card cannot be read)."""
    try:
        card = yaml.safe_load((folder / CARD_FILE).read_text(encoding="utf-8"))
        tables = card.get("tables") or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError, AttributeError):
        return {}
    names = sorted(map(str, tables.values())) if isinstance(tables, dict) else []
    return {name: folder / name for name in names if (folder / name).is_file()}


def input_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of the card and of every table file it names (the files validation hashes too).

    A card that cannot be read, or a table that is missing, gives what can be hashed: such a
    campaign fails validation anyway and is never skipped as unchanged.
    """
    from .ingest.readers import file_sha256

    folder = Path(folder)
    hashes = {CARD_FILE: file_sha256(folder / CARD_FILE)}
    for name, path in _table_files(folder).items():
        hashes[name] = file_sha256(path)
    return hashes


def campaign_size(folder: Path) -> float:
    """The bytes of the table files a campaign's card names (what its run's time and memory grow
    with); infinite when none is there (its tables are in a warehouse, or it is broken and fails
    at once) or one is a Parquet file cut short (no footer: it fails in its first second or two)."""
    from .ingest.readers import reader_for
    from .ingest.readers.parquet import footer_missing

    files = _table_files(Path(folder)).values()
    cut = any(
        getattr(reader_for(p), "name", None) == "parquet" and footer_missing(p) for p in files
    )
    return sum(p.stat().st_size for p in files) if files and not cut else float("inf")


def start_order(folders: list[Path], sizes: dict[Path, float] | None = None) -> list[Path]:
    """``folders`` in the order their runs start: the largest inputs first (:func:`campaign_size`,
    or ``sizes`` when the caller has them already), so that a batch does not end with one big
    campaign running alone while the other workers have nothing left to do. A campaign that cannot
    be sized starts first — one broken fails at once, its error then shown at the start of the
    batch rather than at its end, where it would run alone (one core idle for its ~2 s in a batch
    of 8 demo campaigns on 2). Equal sizes keep the order given."""
    size = campaign_size if sizes is None else sizes.__getitem__
    return sorted(folders, key=size, reverse=True)


def expand(patterns: Iterable[str]) -> list[Path]:
    """Campaign folders named by paths or glob patterns, each once, in the order given."""
    seen: dict[Path, None] = {}
    for pattern in patterns:
        matches = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        for m in matches:
            p = Path(m)
            if p.is_file() and p.name == CARD_FILE:
                p = p.parent
            seen.setdefault(p, None)
    return list(seen)


def _case_id(folder: Path) -> str | None:
    try:
        card = yaml.safe_load((folder / CARD_FILE).read_text(encoding="utf-8"))
        return str(card["id"]) if isinstance(card, dict) and card.get("id") else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _key(folder: Path, template: Path, lang: str, library: Path | None) -> str | None:
    """The run's cache key (:func:`fupan.report.run.cache_key`): its inputs, template, language,
    versions and, when the runs benchmark against one, the case library's fingerprint. None when
    the card cannot be read (such a run is never skipped). Computed once per campaign: it hashes
    every table file."""
    from .cases.context import library_fingerprint
    from .report.run import cache_key

    if not (folder / CARD_FILE).is_file():
        return None
    try:
        return cache_key(input_hashes(folder), template, lang, library_fingerprint(library))
    except OSError:
        return None


def _unchanged(folder: Path, out: Path, key: str | None) -> str | None:
    """The case id when the last run's case.json carries the cache key ``key``; else None."""
    case_id = _case_id(folder)
    record = out / case_id / "case.json" if case_id else None
    if key is None or record is None or not record.is_file():
        return None
    try:
        recorded = (
            json.loads(record.read_text(encoding="utf-8")).get("parameters", {}).get("cache_key")
        )
    except (OSError, ValueError):
        return None
    return case_id if recorded and recorded == key else None


#: Where a batch keeps, per case id, the last run's failed validation (``OUT/.fupan-batch/``).
FAILURES = ".fupan-batch"


def _failure_file(out: Path, case_id: str) -> Path:
    return out / FAILURES / f"{case_id}.failed.json"


def _has_result(folder: Path, out: Path) -> bool:
    """Whether ``out`` holds a result of the campaign's last run — its case.json or its kept
    failure — which the campaign's cache key may find unchanged (so it may not run again)."""
    case_id = _case_id(folder)
    if case_id is None:
        return False
    return (out / case_id / "case.json").is_file() or _failure_file(out, case_id).is_file()


def _still_failing(folder: Path, out: Path, key: str | None) -> BatchItem | None:
    """The campaign's last failure, when its run failed validation under the cache key ``key``
    (nothing has changed since: the same inputs fail the same way): reported again, not
    validated again. None when there is no such failure."""
    case_id = _case_id(folder)
    if case_id is None or key is None:
        return None
    try:
        saved = json.loads(_failure_file(out, case_id).read_text(encoding="utf-8"))
        kept, error, when = saved["cache_key"], saved["error"], saved["when"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if kept != key:
        return None
    note = (
        f"（{when} 的运行校验失败，此后数据、卡片、模板和版本都没有改变：本次未重新校验。"
        f"修正后再运行，或加 --force 重新校验。）\n"
        f"(The run of {when} failed validation and nothing it depends on has changed since: not "
        f"validated again. Fix it and run again, or use --force.)"
    )
    return BatchItem(folder, "failed", 0.0, case_id, error=f"{error}\n{note}")


def _remember(item: BatchItem, out: Path, key: str | None) -> None:
    """Keep ``item``'s failure when its validation failed (:func:`_still_failing` reads it); forget
    an earlier one when the run ended otherwise. A cache: a file it cannot write is no error."""
    if item.case_id is None or key is None:
        return
    path = _failure_file(out, item.case_id)
    try:
        if item.status == "failed" and VALIDATION_FAILED in item.error:
            path.parent.mkdir(parents=True, exist_ok=True)
            when = time.strftime("%Y-%m-%d %H:%M")
            body = {"cache_key": key, "error": item.error, "when": when}
            path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


#: What ``fupan run`` imports before its first step: imported once, by the process every run of
#: a batch is forked from (multiprocessing's forkserver), instead of by each run.
PRELOAD = (
    "fupan.cli",
    "fupan.report.run",
    "fupan.report.paced",
    "fupan.report.kernel",
    "fupan.ingest.validate",
    "fupan.cases",
    "papermill",
    "nbconvert",
    "jupyter_client",
    "fupan.report.leave",  # its exit without the modules' teardown, once the batch is done
)


#: What the forkserver imports besides :data:`PRELOAD` for a batch of several runs: the kernel's
#: modules (:data:`fupan.report.kernel.FORK_NEEDS`) and the HTML export's warm-up
#: (:mod:`fupan.report.warmed`), each then done once for the batch instead of once per run.
WARM_PRELOAD = (*FORK_NEEDS, "fupan.report.warmed")


#: The forkserver's first and last imports: the garbage collector off for its imports (~0.3 s
#: of its ~2.5 s, the other core idle meanwhile), then what they made frozen and the collector
#: on again before the first run is forked (:mod:`fupan.report.gc_off`, :mod:`fupan.report.gc_on`).
GC_OFF, GC_ON = "fupan.report.gc_off", "fupan.report.gc_on"


@functools.cache
def _context(warm: bool = False) -> Any:
    """The multiprocessing context the runs start in: a forkserver that has imported
    :data:`PRELOAD` (where the platform has one; else spawn, which imports per run).

    ``warm`` (more than one campaign to run): the forkserver imports :data:`WARM_PRELOAD` too,
    so that each run forks its kernel warm (:func:`fupan.report.kernel.forkable`) instead of
    starting one that imports them anew, and exports with nbconvert already warm — ~1.9
    CPU-seconds less per run for ~2 s more before the first one starts, which a lone campaign
    (or a re-run where one is left to run) would only wait for: its kernel imports them beside its
    validation, and its export warms up beside the kernel's execution."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    server = multiprocessing.get_context("forkserver")
    # the imports between GC_OFF and GC_ON are made with the garbage collector off
    server.set_forkserver_preload([GC_OFF, *PRELOAD, *(WARM_PRELOAD if warm else ()), GC_ON])
    return server


class Slots:
    """The ``jobs`` slots the stages of a batch's runs work in (:mod:`fupan.slots`). A free slot
    goes to the run that started first, except among the batch's last ``group`` runs (all of
    them when None), which get it by how much of each is still ahead — its share left
    (:func:`fupan.slots.ahead`) times its ``weight`` (its campaign's size), the most first, the
    earlier run among equals — once every run before them holds a slot or has ended: those last
    runs then end together rather than one after the other. Used by the batch's threads, one per
    run started, ``run`` being its place in the order the runs start."""

    #: The share of a run the last runs' work ahead is counted in (:meth:`_key`): ~0.5 s of a
    #: demo campaign's run under ``--jobs 2``.
    STEP = 0.05

    def __init__(
        self, count: int, weights: list[float] | None = None, group: int | None = None
    ) -> None:
        self._free = count
        self._weights = list(weights or [])
        # the first of the last runs, which share the slots by the work ahead of them (None:
        # every run does)
        self._group = None if group is None else max(0, len(self._weights) - group)
        self._waiting: list[tuple[float, float, int, int]] = []  # (place, -steps, run, ticket)
        self._tickets = 0
        self._cond = threading.Condition()
        self._closed = False

    def _key(self, stage: str, run: int, done: float) -> tuple[float, float, int, int]:
        from .slots import ahead

        self._tickets += 1
        if self._group is not None and run < self._group:  # in the order they started
            return (float(run), 0.0, run, self._tickets)
        weight = self._weights[run] if run < len(self._weights) else 1.0
        place = float(self._group) if self._group is not None else 0.0
        # counted in steps of STEP of a run: a run keeps its slot until the work ahead of it
        # is a step less than another's, not handing it over at every cell (each hand-over
        # brings another process's memory into the core's caches)
        steps = math.ceil(round(weight * ahead(stage, done) / self.STEP, 6))
        return (place, -float(steps), run, self._tickets)

    def acquire(
        self, stage: str, run: int, done: float = 0.0, *, giving_back: bool = False
    ) -> None:
        """Wait for a slot for ``stage`` of the ``run``-th run started, ``done`` (0–1) of that
        stage done already; :class:`Stopped` once the batch is stopping (:meth:`close`).
        ``giving_back``: the run holds a slot, given back only once this request is in line —
        else a run further back could take it in the instant between the two, the run first in
        line then waiting for the next slot freed."""
        with self._cond:
            mine = self._key(stage, run, done)
            heapq.heappush(self._waiting, mine)
            if giving_back:
                self._free += 1
                self._cond.notify_all()  # the first in line may be another run
            while not (self._closed or (self._free > 0 and self._waiting[0] == mine)):
                self._cond.wait()
            if self._closed:
                raise Stopped
            heapq.heappop(self._waiting)
            self._free -= 1
            self._cond.notify_all()  # the next in line may take another free slot

    def release(self) -> None:
        with self._cond:
            self._free += 1
            self._cond.notify_all()

    def close(self) -> None:
        """The batch is stopping: no stage gets a slot any more; every waiting one is woken."""
        with self._cond:
            self._closed = True
            self._cond.notify_all()


class Stopped(Exception):
    """A run's stage found the batch stopping (Ctrl-C) while it waited for a slot."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C stopped the batch: ``items`` says, per campaign in the order given, what became of
    it — its result when it had ended before, else ``interrupted``."""

    def __init__(self, items: list[BatchItem]) -> None:
        super().__init__()
        self.items = items


#: Seconds a batch stopped by Ctrl-C waits for its runs to end on the terminal's Ctrl-C (each
#: stops its kernel), then for those still there to end on one of its own (a run can miss the
#: terminal's: one just forked, still ignoring it as the forkserver does), before it kills them.
STOP_GRACE = (3.0, 5.0)


class Runs:
    """The processes of a batch's runs, as they are started, and their stop on Ctrl-C."""

    def __init__(self, slots: Slots | None) -> None:
        self._lock = threading.Lock()
        self._procs: list[Any] = []
        self._slots = slots
        self.stopping = False

    def started(self, proc: Any) -> bool:
        """Keep ``proc``, which has just started, to stop it on Ctrl-C. False, and ``proc`` is
        killed, when the batch is stopping already: the run has done nothing yet."""
        with self._lock:
            if not self.stopping:
                self._procs.append(proc)
                return True
        _signal(proc, _KILL)
        return False

    def stop(self, pressed: Any) -> None:
        """Stop every run: no slot is given any more; a run still there after
        :data:`STOP_GRACE`'s first wait is sent Ctrl-C (SIGINT), one still there after the second
        is killed — at once on a second Ctrl-C (``pressed.count`` grows)."""
        with self._lock:
            self.stopping = True
        if self._slots is not None:
            self._slots.close()
        seen = pressed.count
        for grace, then in zip(STOP_GRACE, (signal.SIGINT, _KILL), strict=True):
            deadline = time.monotonic() + grace
            while self._alive() and time.monotonic() < deadline and pressed.count == seen:
                time.sleep(0.05)
            for proc in self._alive():
                _signal(proc, _KILL if pressed.count != seen else then)
        for proc in self._alive():
            proc.join(timeout=5)

    def _alive(self) -> list[Any]:
        with self._lock:
            return [p for p in self._procs if p.is_alive()]


#: The signal that ends a process at once (Windows has no SIGKILL: there os.kill terminates it)
_KILL = getattr(signal, "SIGKILL", signal.SIGTERM)


def _signal(proc: Any, signum: int) -> None:
    """Send ``signum`` to a run's process that has not ended (and been reaped) yet."""
    if proc.pid is not None and proc.exitcode is None:
        with contextlib.suppress(OSError):  # ended meanwhile
            os.kill(proc.pid, signum)


class _Pressed:
    """How many times Ctrl-C was pressed while :func:`_ctrl_c_counted` was in force."""

    count = 0


@contextlib.contextmanager
def _ctrl_c_counted() -> Iterator[_Pressed]:
    """Ctrl-C counted instead of raised in this (the main) thread: a batch waiting for its runs
    stops them in order (:meth:`Runs.stop`) rather than at whatever point a KeyboardInterrupt
    would land in its waits and locks. Where Ctrl-C is not Python's default (ignored, say, or
    a caller's own handler), or off the main thread, nothing changes."""
    pressed = _Pressed()
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield pressed
        return

    def count(signum: int, frame: Any) -> None:
        pressed.count += 1

    signal.signal(signal.SIGINT, count)
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _start(ctx: Any) -> None:
    """Start ``ctx``'s forkserver (and its imports) now rather than at the first run."""
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def _run_command(args: list[str], env: dict[str, str], cwd: str, conn, paced: bool) -> None:
    """In the run's own process: ``fupan <args>`` with ``env`` as its whole environment and
    ``cwd`` as its folder, as a fresh ``python -m fupan.cli`` would run; sends back the exit code
    and everything written to standard output and error (the kernel's included), captured at
    the file descriptors. ``paced``: each stage first asks ``conn`` for a slot (:mod:`fupan.slots`)."""
    import tempfile

    code: int = 1
    with tempfile.TemporaryFile(mode="w+b") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
        try:
            os.environ.clear()
            os.environ.update(env)
            os.chdir(cwd)
            if paced:
                from . import slots

                slots.install(conn)
            import runpy

            sys.argv = ["fupan", *args]  # exactly `python -m fupan.cli <args>`, in this process
            runpy.run_module("fupan.cli", run_name="__main__", alter_sys=True)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except BaseException:  # what a fresh interpreter would print before exiting 1
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            out.seek(0)
            conn.send(("result", code, out.read().decode("utf-8", errors="replace")))
            conn.close()


def _run_one(
    folder: Path,
    out: Path,
    lang: str,
    template: Path | None,
    library: Path | None = None,
    jobs: int = 1,
    warm: bool = False,
    slots: Slots | None = None,
    started: int = 0,
    as_of: dt.date | None = None,
    runs: Runs | None = None,
) -> BatchItem:
    """``fupan run`` of one campaign in its own process, forked from a process that has already
    imported the command (:func:`_context`): a demo-size run took 6.7–6.8 s this way against
    7.5–7.6 s as ``python -m fupan.cli run``. The process is the run's alone — its memory, its
    kernel, its environment — so one campaign's crash is that campaign's failure only.
    ``slots``: the batch's (the ``started``-th run to start), which each stage of the run waits
    for (:mod:`fupan.slots`); a slot the run holds is given back when it ends, however it ends.
    ``as_of``: the run's war report day (``fupan run --as-of``). ``runs``: where the batch keeps
    its runs' processes, to stop them on Ctrl-C."""
    t0 = time.perf_counter()
    args = ["run", str(folder), "--out", str(out), "--lang", lang, "--quiet"]
    if as_of is not None:
        args += ["--as-of", as_of.isoformat()]
    if template is not None:
        args += ["--template", str(template)]
    args += ["--library", str(library)] if library is not None else ["--no-library"]
    env = os.environ.copy()
    if jobs > 1:  # the cores shared between the runs, not each run's DuckDB claiming all of them
        env.setdefault(THREADS_ENV, str(max(1, (os.cpu_count() or 1) // jobs)))
    ctx = _context(warm)
    mine, theirs = ctx.Pipe()
    proc = ctx.Process(
        target=_run_command,
        args=(args, env, os.getcwd(), theirs, slots is not None),
        daemon=True,
    )
    proc.start()
    theirs.close()
    if runs is not None and not runs.started(proc):
        proc.join()
        return BatchItem(folder, "interrupted", 0.0, _case_id(folder))
    holding = False
    waited = 0.0
    code: int | None = None
    output = ""
    try:
        while True:
            message = mine.recv()
            if message[0] == "result":
                code, output = message[1], message[2]
                break
            if slots is not None:  # ("stage", name, done): the run's next work waits for a slot
                asked = time.perf_counter()
                try:  # the slot it holds is given back once it is in line for the next one
                    slots.acquire(message[1], started, message[2], giving_back=holding)
                except Stopped:  # Ctrl-C: the run is told to stop, not to go on unpaced
                    holding = False  # given back
                    with contextlib.suppress(OSError):
                        mine.send(STOP)
                    break
                waited += time.perf_counter() - asked
                holding = True
            mine.send("go")
    except (EOFError, OSError):
        code = None  # the process ended without a word: killed, or crashed in native code
    finally:
        mine.close()
        if holding and slots is not None:
            slots.release()
    proc.join()
    seconds = time.perf_counter() - t0 - waited
    if code == 0 and proc.exitcode == 0:
        return BatchItem(folder, "ok", seconds, _case_id(folder))
    if code is None:
        code = proc.exitcode
        output += (
            f"\n运行进程意外结束（退出码 {code}），未留下结果。/ The run's process ended without a "
            f"result (exit code {code}; a negative code is the signal that stopped it)."
        )
    lines = [
        ln
        for ln in output.splitlines()
        if ln.strip() and not ln.startswith(("校验 Validating", "执行报告模板"))
    ]
    return BatchItem(
        folder,
        "failed",
        seconds,
        _case_id(folder),
        error=f"exit {code}: " + "\n".join(lines[-12:]),
    )


def _same_case_id(folder: Path, first_of: dict[str, Path], out: Path) -> BatchItem | None:
    """A failed item when an earlier campaign of the batch has the same case id (both would write
    ``out/<id>/``); else None, and the id is noted as taken by ``folder``."""
    case_id = _case_id(folder)
    if case_id is None:
        return None
    other = first_of.setdefault(case_id, folder)
    if other == folder:
        return None
    where = out / case_id
    return BatchItem(
        folder,
        "failed",
        0.0,
        case_id,
        error=(
            f"✘ {folder / CARD_FILE}: 卡片 id 「{case_id}」与本批次中的 {other} 相同，两者都会写入 {where}；"
            f"未运行，请给每个活动卡片不同的 id。\n"
            f"  The card's id '{case_id}' is the same as that of {other} in this batch; both would "
            f"write {where}. Not run: give each campaign card its own id."
        ),
    )


def in_flight(jobs: int) -> int:
    """How many runs a batch of ``jobs`` workers keeps started at once when it has more runs
    than workers (:class:`Slots` paces their stages): three times as many, so that the last
    ``2 × jobs`` runs (:func:`ending_together`) are all started while the runs before them end.
    A run started waits for its first slot before it starts its kernel or reads anything: a
    process forked from the batch's forkserver, blocked on a pipe."""
    return 3 * jobs


#: What a run's processes (the run and its kernel) are counted to hold at once, for
#: :func:`ending_together`: this many bytes, and this many times its campaign's table files
#: (demo campaigns of 44 MB: ~0.7 GiB measured; 10M order lines + 50M events in 275 MB: ~3 GiB).
RUN_MEMORY = (1 << 29, 10)


def ending_together(jobs: int, sizes: list[float]) -> int:
    """How many of a batch's last runs share its slots by the work ahead of each, so that they
    end together (:class:`Slots`): ``2 × jobs``, fewer (never under ``jobs``) when their
    processes, all holding their data at once, would not fit in half the memory available now
    (``sizes``: the bytes of each run's files, in the order they start)."""
    want = 2 * jobs
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return want
    last = [s for s in sizes[-want:] if s != float("inf")]
    each = RUN_MEMORY[0] + RUN_MEMORY[1] * (max(last) if last else 0)
    return max(jobs, min(want, int(free / 2 // each)))


def _weights(sizes: list[float]) -> list[float]:
    """Each run's size relative to the others' (1.0 for one that cannot be sized)."""
    known = [s for s in sizes if 0 < s < float("inf")]
    mean = sum(known) / len(known) if known else 1.0
    return [s / mean if 0 < s < float("inf") else 1.0 for s in sizes]


def run_batch(
    folders: list[Path],
    out: Path,
    *,
    jobs: int = 1,
    lang: str = "zh",
    template: Path | None = None,
    force: bool = False,
    progress: bool = True,
    library: Path | None = Path("case_library"),
    as_of: dt.date | None = None,
) -> list[BatchItem]:
    """Run every campaign (``jobs`` at a time, the largest first: :func:`start_order`); return one
    :class:`BatchItem` per folder, in the order given.
    ``library``: the case library each report benchmarks against (None: none). ``as_of``: each
    campaign's war report to that day (``fupan run --as-of``) — none skipped as unchanged, no
    failure kept: a war report's inputs are the day's export, and its cache key would be the
    whole retrospective's."""
    used_template = template or TEMPLATE
    results: dict[Path, BatchItem] = {}
    todo = []
    first_of: dict[str, Path] = {}
    # each campaign's key, as its inputs are before its run: compared with its last run's, and
    # the key a failed validation of this run is kept under
    keys: dict[Path, str | None] = {}
    # the runs' process starts importing before the campaigns are hashed (~1 s of imports and
    # hashing in this process; then ~3 s of the forkserver's, one core idle until the first run
    # could start) when two runs or more are certain: forced, war reports, or no earlier result
    early = (len(folders) if force or as_of else sum(not _has_result(f, out) for f in folders)) > 1
    if early:
        _start(_context(True))
    for folder in folders:
        same = _same_case_id(folder, first_of, out)
        if same is not None:  # it would overwrite the other one's report: refused, never run
            results[folder] = same
            continue
        key = keys[folder] = None if as_of else _key(folder, used_template, lang, library)
        case_id = None if force else _unchanged(folder, out, key)
        failing = None if force or case_id else _still_failing(folder, out, key)
        if case_id:
            results[folder] = BatchItem(folder, "unchanged", 0.0, case_id)
        elif failing is not None:
            results[folder] = failing
        else:
            todo.append(folder)
    warm = early or len(todo) > 1
    if todo and not early:  # the runs' process starts importing now, beside this one's work
        _start(_context(warm))
    bar = None
    if progress and todo and on_terminal():
        from tqdm import tqdm

        bar = tqdm(
            total=len(folders),
            initial=len(folders) - len(todo),
            unit="campaign",
            file=sys.stderr,
            desc="复盘 batch",
        )
    done = len(folders) - len(todo)
    jobs = max(1, jobs)
    # more runs started than workers, their work paced by the slots (fupan.slots), when the
    # batch has more runs than workers: the last ones then share the cores to their ends
    width = min(len(todo), in_flight(jobs)) if len(todo) > jobs > 1 else jobs
    sizes = {f: campaign_size(f) for f in todo}  # once: the start order and the slots' weights
    ordered = start_order(todo, sizes)
    slots = None
    if width > jobs:
        in_order = [sizes[f] for f in ordered]
        slots = Slots(jobs, _weights(in_order), ending_together(jobs, in_order))
    runs = Runs(slots)
    pool = ThreadPoolExecutor(max_workers=width)
    futures: dict[Future[BatchItem], Path] = {
        pool.submit(_run_one, f, out, lang, template, library, jobs, warm, slots, i, as_of, runs): f
        for i, f in enumerate(ordered)
    }
    try:
        with _ctrl_c_counted() as pressed:
            try:
                pending = set(futures)
                while pending:
                    finished, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                    if pressed.count:  # what ended since Ctrl-C is sorted out below
                        raise KeyboardInterrupt
                    for fut in finished:
                        item = results[futures[fut]] = fut.result()
                        _remember(item, out, keys[futures[fut]])
                        done += 1
                        if bar is not None:
                            bar.update(1)
                        elif progress:  # a log or a pipe: a line per campaign, not a bar's redraws
                            sys.stderr.write(
                                f"[{done}/{len(folders)}] {_LABEL[item.status]}  {item.folder}  "
                                f"{item.seconds:.1f} s\n"
                            )
                            sys.stderr.flush()
            except BaseException as exc:  # Ctrl-C, or a failure of the batch: no run left behind
                pool.shutdown(wait=False, cancel_futures=True)
                if bar is not None:
                    bar.close()
                    bar = None
                stopped = isinstance(exc, KeyboardInterrupt)
                if progress and stopped:
                    sys.stderr.write("\n已中断，正在停止运行… / Interrupted: stopping the runs…\n")
                    sys.stderr.flush()
                runs.stop(pressed)
                if not stopped:
                    raise
                pool.shutdown(wait=True)
                for fut, folder in futures.items():
                    if folder in results:  # ended before Ctrl-C
                        continue
                    ended = fut.done() and not fut.cancelled() and fut.exception() is None
                    if ended and fut.result().status == "ok":  # it ended as Ctrl-C was pressed
                        results[folder] = fut.result()
                    else:  # stopped, or never started
                        results[folder] = BatchItem(folder, "interrupted", 0.0, _case_id(folder))
                raise Interrupted([results[f] for f in folders]) from None
    finally:
        pool.shutdown(wait=True)
        if bar is not None:
            bar.close()
    return [results[f] for f in folders]


def _seconds(item: BatchItem) -> str:
    """A run's seconds for the summary; a dash where nothing ran to its end (unchanged, refused
    before it started, stopped by Ctrl-C)."""
    return f"{item.seconds:.1f}" if item.seconds or item.status == "ok" else "—"


def summary(items: list[BatchItem]) -> str:
    """The table printed at the end: path, seconds, status; then each error as ``fupan run`` said it."""
    width = max([len(str(i.folder)) for i in items] + [8])
    lines = [f"{'campaign':<{width}}  {'seconds':>8}  status"]
    lines += [f"{str(i.folder):<{width}}  {_seconds(i):>8}  {_LABEL[i.status]}" for i in items]
    counts = {s: sum(i.status == s for i in items) for s in _LABEL}
    zh = f"共 {len(items)} 个：完成 {counts['ok']}，未变 {counts['unchanged']}，失败 {counts['failed']}"
    en = (
        f"{len(items)} campaigns: {counts['ok']} done, {counts['unchanged']} unchanged, "
        f"{counts['failed']} failed"
    )
    if counts["interrupted"]:  # Ctrl-C: not run, or stopped before its end
        zh += f"，中断 {counts['interrupted']}"
        en += f", {counts['interrupted']} interrupted"
    lines.append(f"{zh} / {en}")
    for i in items:
        if i.status == "failed":
            lines += ["", f"── {i.folder}", i.error]
    return "\n".join(lines)

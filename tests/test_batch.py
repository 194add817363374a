"""``fupan batch``: many campaigns, one broken among them, unchanged ones skipped by their cache key.

Through the real CLI: three copies of the tiny hand-built campaign (different ids) and one whose
card names an orders file that does not exist. Timings are benchmarks (bench/bench_batch.py), not
asserted here.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from conftest import TINY_CARD, run_cli, write_campaign

pytestmark = pytest.mark.slow(seconds=80)


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("batch")
    for name in ("a", "b", "c"):
        write_campaign(
            root / "campaigns" / name, card={**copy.deepcopy(TINY_CARD), "id": f"tiny-{name}"}
        )
    broken = write_campaign(
        root / "campaigns" / "broken", card={**copy.deepcopy(TINY_CARD), "id": "tiny-broken"}
    )
    (broken / "orders.csv").unlink()
    out = root / "reports"
    first = run_cli("batch", str(root / "campaigns" / "*"), "--out", str(out), "--jobs", "2")
    return {"root": root, "out": out, "first": first}


def _statuses(stdout: str) -> dict[str, str]:
    rows = {}
    for line in stdout.splitlines():
        m = re.match(r"^(\S+/campaigns/(\w+))\s+(?:[\d.]+|—)\s+\S+ (\S+) (\w+)$", line)
        if m:
            rows[m.group(2)] = m.group(4)
    return rows


def test_one_broken_campaign_does_not_stop_the_rest(batch):
    proc = batch["first"]
    assert proc.returncode == 1, proc.stdout + proc.stderr  # some failed: the exit code says so
    assert _statuses(proc.stdout) == {"a": "done", "b": "done", "c": "done", "broken": "failed"}
    for name in ("a", "b", "c"):
        assert (batch["out"] / f"tiny-{name}" / "report.html").is_file()
    assert not (batch["out"] / "tiny-broken").exists()
    # the error is reported in the bilingual form fupan run prints, naming the missing file
    tail = proc.stdout.split("── ", 1)[1]
    assert "orders.csv" in tail and "校验失败" in tail and "Validation failed" in tail
    assert "4 campaigns: 3 done, 0 unchanged, 1 failed" in proc.stdout
    # stderr is a pipe (a log): a whole line as each campaign ends, no bar redrawn with \r —
    # and nothing else (no warning of Python's per run)
    assert "\r" not in proc.stderr
    assert all(re.match(r"\[\d/4\] ", line) for line in proc.stderr.splitlines()), proc.stderr
    ended = re.findall(
        r"^\[(\d)/4\] (✔ 完成 done|✘ 失败 failed)  (\S+)  [\d.]+ s$", proc.stderr, re.M
    )
    assert [int(k) for k, _, _ in ended] == [1, 2, 3, 4], proc.stderr
    assert sorted((Path(f).name, s.split()[-1]) for _, s, f in ended) == [
        ("a", "done"),
        ("b", "done"),
        ("broken", "failed"),
        ("c", "done"),
    ]


def test_each_record_carries_its_cache_key(batch):
    keys = {
        json.loads((batch["out"] / f"tiny-{n}" / "case.json").read_text(encoding="utf-8"))[
            "parameters"
        ]["cache_key"]
        for n in ("a", "b", "c")
    }
    assert len(keys) == 3 and all(
        re.fullmatch(r"[0-9a-f]{64}", k) for k in keys
    )  # the ids differ, so the cards do


def test_unchanged_campaigns_are_skipped_and_a_changed_one_reruns(batch):
    root, out = batch["root"], batch["out"]
    before = (out / "tiny-a" / "case.json").stat().st_mtime_ns
    second = run_cli(
        "batch", str(root / "campaigns" / "*"), "--out", str(out), "--jobs", "2", "--quiet"
    )
    assert _statuses(second.stdout) == {
        "a": "unchanged",
        "b": "unchanged",
        "c": "unchanged",
        "broken": "failed",
    }
    assert (out / "tiny-a" / "case.json").stat().st_mtime_ns == before  # not rewritten
    assert "[4/4]" not in second.stderr  # --quiet: no line per campaign
    orders = root / "campaigns" / "b" / "orders.csv"
    pd.read_csv(orders).assign(paid_amount=lambda f: f.paid_amount + 1).to_csv(orders, index=False)
    third = run_cli(
        "batch",
        str(root / "campaigns" / "a"),
        str(root / "campaigns" / "b"),
        "--out",
        str(out),
        "--quiet",
    )
    assert third.returncode == 0, third.stdout + third.stderr
    assert _statuses(third.stdout) == {"a": "unchanged", "b": "done"}
    forced = run_cli(
        "batch", str(root / "campaigns" / "a"), "--out", str(out), "--force", "--quiet"
    )
    assert _statuses(forced.stdout) == {"a": "done"}


def test_an_unchanged_campaign_that_failed_validation_is_reported_not_validated_again(
    tmp_path: Path,
):
    """Its last failure is reported again, with the run's own error and a note saying it was not
    validated again — until its files change or --force; a run that then succeeds forgets it."""
    good = write_campaign(
        tmp_path / "campaigns" / "good", card={**copy.deepcopy(TINY_CARD), "id": "tiny-good"}
    )
    broken = write_campaign(
        tmp_path / "campaigns" / "broken", card={**copy.deepcopy(TINY_CARD), "id": "tiny-broken"}
    )
    orders = broken / "orders.csv"
    kept = orders.read_bytes()
    orders.write_bytes(kept[:40])  # a truncated export: the header and half a line
    out = tmp_path / "reports"
    args = ("batch", str(good), str(broken), "--out", str(out), "--quiet")
    first = run_cli(*args)
    assert first.returncode == 1 and _statuses(first.stdout) == {"good": "done", "broken": "failed"}
    error = first.stdout.split("── ", 1)[1]
    assert "校验失败" in error and "orders.csv" in error
    saved = out / ".fupan-batch" / "tiny-broken.failed.json"
    assert saved.is_file()

    second = run_cli(*args)
    assert second.returncode == 1, second.stdout + second.stderr
    assert _statuses(second.stdout) == {"good": "unchanged", "broken": "failed"}
    again = second.stdout.split("── ", 1)[1]
    assert error.strip().splitlines()[1] in again  # the run's own error, as it said it
    assert "未重新校验" in again and "not validated again" in again and "--force" in again
    assert re.search(r"/broken\s+—\s", second.stdout)  # nothing was run for it: no seconds

    forced = run_cli("batch", str(broken), "--out", str(out), "--quiet", "--force")
    assert forced.returncode == 1 and "not validated again" not in forced.stdout
    assert "校验失败" in forced.stdout  # validated again, and failing again

    orders.write_bytes(kept)  # fixed: the key changes, the run validates and succeeds
    fixed = run_cli(*args)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert _statuses(fixed.stdout) == {"good": "unchanged", "broken": "done"}
    assert not saved.exists()


def test_no_campaign_is_a_clear_error(tmp_path: Path):
    proc = run_cli("batch", str(tmp_path / "nothing-*"), "--out", str(tmp_path / "r"))
    assert proc.returncode == 2 and "CAMPAIGNS" in proc.stderr and "Traceback" not in proc.stderr


def test_two_campaigns_with_the_same_case_id_are_not_run_into_one_folder(tmp_path: Path):
    """Both would write reports/<id>/: the first runs, the second is refused (never started) with
    a bilingual error naming both folders, and the exit code says a campaign failed."""
    root = tmp_path / "campaigns"
    for name in ("first", "second"):
        write_campaign(root / name, card={**copy.deepcopy(TINY_CARD), "id": "tiny-same"})
    out = tmp_path / "reports"
    proc = run_cli("batch", str(root / "first"), str(root / "second"), "--out", str(out), "--quiet")
    assert proc.returncode != 0
    assert _statuses(proc.stdout) == {"first": "done", "second": "failed"}
    assert "与本批次中的" in proc.stdout and "is the same as that of" in proc.stdout
    assert str(root / "first") in proc.stdout.split("── " + str(root / "second"))[1]
    assert "Traceback" not in proc.stdout + proc.stderr
    assert [p.name for p in out.iterdir()] == ["tiny-same"]
    assert (out / "tiny-same" / "case.json").is_file()


def test_each_run_sees_the_environment_of_the_call_not_of_the_first(tmp_path: Path, monkeypatch):
    """The runs are forked from a process started at the first batch; each still gets the
    environment and folder of its own call, as a fresh `python -m fupan.cli run` would."""
    from fupan.batch import run_batch

    folder = write_campaign(tmp_path / "c", card={**copy.deepcopy(TINY_CARD), "id": "tiny-env"})
    out = tmp_path / "reports"
    (first,) = run_batch([folder], out, progress=False, library=None)
    assert first.status == "ok", first.error
    bad = tmp_path / "bad-salt"
    bad.write_text("not a salt\n", encoding="ascii")
    monkeypatch.setenv("FUPAN_SALT_FILE", str(bad))
    (second,) = run_batch([folder], out, progress=False, library=None, force=True)
    assert second.status == "failed"
    assert str(bad) in second.error and "Salt file" in second.error and "盐值文件" in second.error


def _kernels(root, folders: list[Path]) -> list:
    """The processes under ``root`` working in one of ``folders``: the reports' kernels (a new
    kernel or one forked from its run alike; the runs themselves work where they were called)."""
    import psutil

    wanted = {str(f.resolve()) for f in folders}
    found = []
    for proc in root.children(recursive=True):
        try:
            if proc.cwd() in wanted:
                found.append(proc)
        except psutil.Error:
            continue
    return found


def _kill_a_run_once_its_kernel_runs(folders: list[Path]) -> tuple:
    """Wait (up to a minute) for a kernel working in one of ``folders`` under this process, kill
    the run that started it; return (that kernel, the killed run), None for what was not found."""
    import time

    import psutil

    kernel = killed = None
    deadline = time.monotonic() + 60
    while killed is None and time.monotonic() < deadline:
        for proc in _kernels(psutil.Process(), folders):
            try:
                kernel, killed = proc, proc.parent()  # the run that started this kernel
                killed.kill()
                break
            except psutil.Error:
                continue
        time.sleep(0.05)
    return kernel, killed


def test_a_run_killed_midway_is_reported_and_the_next_one_finishes(tmp_path: Path):
    """A run's process that dies without a word (here: killed while its kernel runs) is that
    campaign's failure, with its exit code; the batch goes on to the next campaign."""
    import threading

    import psutil

    from fupan.batch import run_batch

    folders = [
        write_campaign(tmp_path / n, card={**copy.deepcopy(TINY_CARD), "id": f"tiny-{n}"})
        for n in ("first", "second")
    ]
    result: list = []
    worker = threading.Thread(
        target=lambda: result.extend(
            run_batch(folders, tmp_path / "reports", jobs=1, progress=False, library=None)
        )
    )
    worker.start()
    kernel, killed = _kill_a_run_once_its_kernel_runs(folders)
    worker.join(timeout=120)
    assert killed is not None and not worker.is_alive()
    # its kernel (forked from the run: two campaigns to run) noticed and ended on its own
    assert kernel is not None
    with contextlib.suppress(psutil.NoSuchProcess):
        kernel.wait(timeout=10)
    first, second = result
    assert first.status == "failed" and "exit -9" in first.error
    assert "ended without a result" in first.error and "未留下结果" in first.error
    assert second.status == "ok", second.error


@pytest.mark.parametrize("command", ["run", "batch", "paced batch"])
def test_ctrl_c_stops_with_130_and_says_so_leaving_no_kernel(tmp_path: Path, command: str):
    """Ctrl-C (SIGINT to the terminal's process group) while the report's kernel runs: exit
    code 130 and a bilingual line — not the silent exit 0 typer gives outside standalone mode —
    and no kernel left behind; in a batch whose runs take turns at slots (three campaigns on two
    jobs) too, where a run may be waiting for one. A batch stops altogether: no campaign still
    waiting for its turn is started after Ctrl-C (two campaigns on one job: the second would
    run whole), and its summary says each one was interrupted."""
    import os
    import signal
    import subprocess
    import time

    import psutil

    from conftest import ROOT, _fupan_command

    # batch: two campaigns, so that the runs fork their kernels warm
    names = {"run": ("a",), "batch": ("a", "b"), "paced batch": ("a", "b", "c")}[command]
    folders = [
        write_campaign(tmp_path / n, card={**copy.deepcopy(TINY_CARD), "id": f"tiny-int-{n}"})
        for n in names
    ]
    jobs = ("--jobs", "2") if command == "paced batch" else ()
    args = (command.split()[-1], *map(str, folders), "--out", str(tmp_path / "reports"), *jobs)
    proc = subprocess.Popen(
        _fupan_command(args),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    kernels: list = []
    deadline = time.monotonic() + 60
    while not kernels and proc.poll() is None and time.monotonic() < deadline:
        kernels = _kernels(psutil.Process(proc.pid), folders)
        time.sleep(0.05)
    assert kernels, "the report's kernel never started"
    os.killpg(proc.pid, signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:  # say what was still there, and leave nothing behind
        tree = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
        seen = []
        for p in tree:
            with contextlib.suppress(psutil.Error):
                seen.append(f"{p.pid} {p.status()} {' '.join(p.cmdline())[:160]}")
        for p in tree:
            with contextlib.suppress(psutil.Error):
                p.kill()
        out, err = proc.communicate(timeout=30)
        pytest.fail("no exit 60 s after Ctrl-C; processes:\n" + "\n".join(seen) + "\n" + err)
    assert proc.returncode == 130, err[-2000:]
    assert "已中断" in err and "Interrupted" in err
    time.sleep(1)
    assert not [k for k in kernels if k.is_running() and k.status() != psutil.STATUS_ZOMBIE]
    if command != "run":
        assert not list((tmp_path / "reports").glob("*/case.json"))
        assert f"中断 {len(names)} / {len(names)} campaigns: 0 done" in out, out
        assert out.count("■ 中断 interrupted") == len(names), out


def test_a_campaign_with_a_parquet_file_cut_short_starts_first(tmp_path: Path):
    """A Parquet file without its footer fails validation in a second or two: its campaign starts
    first (its error shown at once) rather than last by its size, where it would run alone at
    the batch's end. Whole Parquet files are sized as they are, the largest first."""
    import fupan.batch as batch_module

    def campaign(name: str, rows: int, cut: bool = False) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "campaign.yaml").write_text(
            f"id: {name}\ntables: {{orders: orders.parquet}}\n", encoding="utf-8"
        )
        pd.DataFrame({"order_id": [f"o{i}" for i in range(rows)]}).to_parquet(
            folder / "orders.parquet"
        )
        if cut:
            whole = (folder / "orders.parquet").read_bytes()
            (folder / "orders.parquet").write_bytes(whole[: len(whole) // 2])
        return folder

    small, cut, large = (
        campaign("small", 10),
        campaign("cut", 2000, cut=True),
        campaign("large", 5000),
    )
    assert (cut / "orders.parquet").stat().st_size > (small / "orders.parquet").stat().st_size
    assert batch_module.start_order([small, large, cut]) == [cut, large, small]
    # the same campaign with its file whole is sized like the others
    whole = campaign("whole", 2000)
    assert batch_module.start_order([small, whole, large]) == [large, whole, small]


def test_the_largest_campaigns_start_first_and_the_summary_keeps_the_order_given(
    tmp_path: Path, monkeypatch
):
    """A batch that started its largest campaign last would end with it running alone. The runs
    start by the size of the tables each card names, largest first; a card naming no file that
    exists (a warehouse's tables, or a broken campaign that fails at once) first of all; equal
    sizes in the order given. The results come back in the order given."""
    import fupan.batch as batch_module

    sizes = {"small": 100, "large": 5000, "middle": 800, "middle-too": 800}
    folders = []
    for name, size in sizes.items():
        folder = tmp_path / name
        folder.mkdir()
        (folder / "campaign.yaml").write_text(
            f"id: {name}\ntables: {{orders: orders.csv, events: events.csv}}\n", encoding="utf-8"
        )
        (folder / "orders.csv").write_bytes(b"x" * (size - 10))
        (folder / "events.csv").write_bytes(b"y" * 10)
        folders.append(folder)
    remote = tmp_path / "remote"  # its tables live in a warehouse: no file to size
    remote.mkdir()
    (remote / "campaign.yaml").write_text(
        "id: remote\ntables: {orders: shop.orders}\n", encoding="utf-8"
    )
    folders.append(remote)
    expected = [remote, tmp_path / "large", tmp_path / "middle", tmp_path / "middle-too"]
    expected.append(tmp_path / "small")
    assert batch_module.start_order(folders) == expected

    started: list[Path] = []

    def fake_run(folder, *args, **kwargs):
        started.append(folder)
        return batch_module.BatchItem(folder, "ok", 0.0, folder.name)

    monkeypatch.setattr(batch_module, "_run_one", fake_run)
    items = batch_module.run_batch(folders, tmp_path / "out", jobs=1, progress=False, force=True)
    assert started == expected
    assert [i.folder for i in items] == folders


def test_a_free_slot_goes_to_the_stage_with_most_of_its_run_ahead():
    """The batch's slots (fupan.slots) with every run sharing them by the work ahead (the
    default): while the only slot is held, stages of four runs queue up; as it is freed and
    taken in turn, validations go first (the earlier-started run first), then the execution,
    then the export — whatever order they asked in."""
    from fupan.batch import Slots

    asks = [("export", 0, 0.0), ("validate", 3, 0.0), ("execute", 1, 0.0), ("validate", 2, 0.0)]
    assert _grant_order(Slots(1), asks) == [
        ("validate", 2),
        ("validate", 3),
        ("execute", 1),
        ("export", 0),
    ]


def test_a_stage_waiting_for_a_slot_gives_up_when_the_batch_stops():
    """Ctrl-C: the stages waiting for a slot are woken and told the batch is stopping; no stage
    gets a slot after that, even one freed."""
    import threading

    from fupan.batch import Slots, Stopped

    slots = Slots(1)
    slots.acquire("validate", 0)
    outcome: list[str] = []

    def ask() -> None:
        try:
            slots.acquire("validate", 1)
            outcome.append("granted")
        except Stopped:
            outcome.append("stopped")

    waiting = threading.Thread(target=ask)
    waiting.start()
    waiting.join(timeout=0.3)
    assert waiting.is_alive() and outcome == []  # it waits while the slot is held
    slots.close()
    waiting.join(timeout=10)
    assert outcome == ["stopped"]
    slots.release()
    with pytest.raises(Stopped):
        slots.acquire("export", 2)


class _Child:
    """A subprocess with the part of multiprocessing.Process that fupan.batch.Runs uses."""

    def __init__(self, code: str) -> None:
        import subprocess
        import sys

        self._popen = subprocess.Popen([sys.executable, "-c", code])
        self.pid = self._popen.pid

    @property
    def exitcode(self) -> int | None:
        return self._popen.poll()

    def is_alive(self) -> bool:
        return self._popen.poll() is None

    def join(self, timeout: float | None = None) -> None:
        import subprocess

        with contextlib.suppress(subprocess.TimeoutExpired):
            self._popen.wait(timeout)


_READY = "import pathlib; pathlib.Path({flag!r}).touch(); "


def _children(tmp_path: Path) -> tuple[_Child, _Child]:
    """A run that ends on Ctrl-C (Python's default handler) and one that ignores it, each once
    its handler is in place. The first sets Python's handler itself: a child inherits an ignored
    SIGINT from its parent, and Python then installs none — in the full suite a test worker may
    be ignoring it (the cause of this test's failures on fresh clones: the run meant to end on
    its SIGINT ignored it and was killed)."""
    import time

    ends = _Child(
        "import signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
        + _READY.format(flag=str(tmp_path / "ends"))
        + "import time; time.sleep(60)"
    )
    deaf = _Child(
        "import signal; signal.signal(signal.SIGINT, signal.SIG_IGN); "
        + _READY.format(flag=str(tmp_path / "deaf"))
        + "import time; time.sleep(60)"
    )
    deadline = time.monotonic() + 30
    while not ((tmp_path / "ends").exists() and (tmp_path / "deaf").exists()):
        assert time.monotonic() < deadline, "the child processes did not start"
        time.sleep(0.02)
    return ends, deaf


def test_a_stopping_batch_interrupts_its_runs_then_kills_those_that_do_not_end(
    tmp_path: Path, monkeypatch
):
    """Ctrl-C reaches every run from the terminal; one that missed it (or ignores it) is sent
    its own SIGINT after the first grace, and killed after the second."""
    import signal
    import time

    import fupan.batch as batch_module

    monkeypatch.setattr(batch_module, "STOP_GRACE", (0.3, 2.0))
    ends, deaf = _children(tmp_path)
    runs = batch_module.Runs(None)
    assert runs.started(ends) and runs.started(deaf)
    t0 = time.monotonic()
    runs.stop(batch_module._Pressed())
    took = time.monotonic() - t0
    assert ends.exitcode == -signal.SIGINT  # the SIGINT the batch sent after 0.3 s ended it
    assert deaf.exitcode == -signal.SIGKILL  # still there after 0.3 + 2 s: killed
    assert 2.3 <= took < 15, took
    # a run started once the batch is stopping is killed at once, before it does anything
    late = _Child("import time; time.sleep(60)")
    assert not runs.started(late)
    late.join(timeout=10)
    assert late.exitcode == -signal.SIGKILL


def test_a_second_ctrl_c_kills_the_runs_at_once(tmp_path: Path, monkeypatch):
    import signal
    import threading
    import time

    import fupan.batch as batch_module

    monkeypatch.setattr(batch_module, "STOP_GRACE", (30.0, 30.0))
    ends, deaf = _children(tmp_path)
    runs = batch_module.Runs(None)
    runs.started(ends)
    runs.started(deaf)
    pressed = batch_module._Pressed()
    threading.Timer(0.3, lambda: setattr(pressed, "count", pressed.count + 1)).start()
    t0 = time.monotonic()
    runs.stop(pressed)
    assert time.monotonic() - t0 < 10  # not the 60 s of grace
    assert ends.exitcode == deaf.exitcode == -signal.SIGKILL


def test_the_summary_says_which_campaigns_ctrl_c_interrupted_with_no_seconds_for_them():
    from fupan.batch import BatchItem, summary

    items = [
        BatchItem(Path("a"), "ok", 4.25, "a"),
        BatchItem(Path("b"), "interrupted", 0.0, "b"),
        BatchItem(Path("c"), "unchanged", 0.0, "c"),
    ]
    lines = summary(items).splitlines()
    assert lines[1].split() == ["a", "4.2", "✔", "完成", "done"]  # 4.25 to one decimal: 4.2
    assert lines[2].split() == ["b", "—", "■", "中断", "interrupted"]
    assert lines[3].split()[:2] == ["c", "—"]  # skipped: nothing was timed
    assert lines[4] == (
        "共 3 个：完成 1，未变 1，失败 0，中断 1 / "
        "3 campaigns: 1 done, 1 unchanged, 0 failed, 1 interrupted"
    )
    # without an interruption the count line says nothing of one
    assert "interrupted" not in summary(items[:1]).splitlines()[-1]


def test_slots_never_let_more_stages_work_than_there_are_slots():
    import threading
    import time

    from fupan.batch import Slots

    slots = Slots(2)
    working = 0
    most = 0
    lock = threading.Lock()

    def stage(run: int) -> None:
        nonlocal working, most
        for name in ("validate", "execute", "export"):
            slots.acquire(name, run)
            with lock:
                working += 1
                most = max(most, working)
            time.sleep(0.01)
            with lock:
                working -= 1
            slots.release()

    threads = [threading.Thread(target=stage, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=20)
    assert most == 2 and working == 0


def test_a_paced_run_killed_midway_gives_its_slot_back(tmp_path: Path):
    """Under a batch's slots, a run's process killed while its stage holds the only slot is that
    campaign's failure, and the slot is free again for the batch's other runs (else they would
    wait for it for ever)."""
    import threading

    from fupan.batch import Slots, _run_one

    folder = write_campaign(tmp_path / "c", card={**copy.deepcopy(TINY_CARD), "id": "tiny-slot"})
    slots = Slots(1)
    result: list = []
    worker = threading.Thread(
        target=lambda: result.append(
            _run_one(folder, tmp_path / "reports", "zh", None, jobs=2, slots=slots)
        )
    )
    worker.start()
    _, killed = _kill_a_run_once_its_kernel_runs([folder])  # holding the slot for its execution
    worker.join(timeout=120)
    assert killed is not None and not worker.is_alive()
    (item,) = result
    assert item.status == "failed" and "exit -9" in item.error
    taken = threading.Event()
    threading.Thread(
        target=lambda: (slots.acquire("validate", 1), taken.set()), daemon=True
    ).start()
    assert taken.wait(timeout=10), "the killed run's slot was never given back"


def test_the_export_warm_up_is_done_once_by_the_process_a_batch_forks_its_runs_from():
    """fupan.report.warmed (imported by a batch's forkserver for several runs) leaves the export
    warm, so that a run forked from it starts no warm-up thread of its own."""
    import subprocess
    import sys

    code = (
        "from fupan.report.run import WARMED; assert not WARMED.is_set(); "
        "import fupan.report.warmed; print(WARMED.is_set())"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True"


def test_a_paced_runs_seconds_leave_out_its_waits_for_a_slot(tmp_path: Path, monkeypatch):
    """The summary's seconds are a run's own: a run that waited for slots does not look slow
    for it. The batch's clock is a fake one that moves only while the run waits (5 s for each of
    its three stages), so its own time on that clock is 0 s whatever the machine does."""
    import fupan.batch as batch_module

    clock = {"now": 1000.0}

    class Clock:
        @staticmethod
        def perf_counter() -> float:
            return clock["now"]

    asked: list[str] = []

    class SlowSlots(batch_module.Slots):
        def acquire(self, stage: str, run: int, *args, **kwargs) -> None:
            clock["now"] += 5.0
            asked.append(stage)
            super().acquire(stage, run, *args, **kwargs)

    monkeypatch.setattr(batch_module, "time", Clock)
    folder = write_campaign(tmp_path / "c", card={**copy.deepcopy(TINY_CARD), "id": "tiny-wait"})
    slots = SlowSlots(1)
    item = batch_module._run_one(folder, tmp_path / "reports", "zh", None, jobs=2, slots=slots)
    assert item.status == "ok", item.error
    # the three stages and each code cell after the first asked for a slot, 5 s each
    assert asked[0] == "validate" and asked[-1] == "export" and len(asked) > 3
    assert clock["now"] == 1000.0 + 5.0 * len(asked)
    assert item.seconds == 0.0


def test_the_runs_process_starts_before_the_campaigns_are_hashed_only_when_two_will_run(
    tmp_path: Path, monkeypatch
):
    """The forkserver's imports (~3 s on one core) start before this process hashes the
    campaigns (~1 s) when two runs or more are certain — forced, or no earlier result in OUT —
    and not when earlier results may make the campaigns unchanged (a re-run of an unchanged
    batch starts nothing). The runs themselves are stubbed: what is checked is the order."""
    from fupan import batch as batch_mod

    folders = [
        write_campaign(tmp_path / n, card={**copy.deepcopy(TINY_CARD), "id": f"tiny-{n}"})
        for n in ("a", "b")
    ]
    out = tmp_path / "reports"
    calls: list[str] = []
    real_key = batch_mod._key
    monkeypatch.setattr(batch_mod, "_start", lambda ctx: calls.append("start"))
    monkeypatch.setattr(batch_mod, "_key", lambda *a, **k: calls.append("key") or real_key(*a, **k))

    def fake_run(folder, *args, **kwargs):
        case_id = batch_mod._case_id(folder)
        (out / case_id).mkdir(parents=True, exist_ok=True)
        (out / case_id / "case.json").write_text("{}", encoding="utf-8")
        return batch_mod.BatchItem(folder, "ok", 0.0, case_id)

    monkeypatch.setattr(batch_mod, "_run_one", fake_run)
    batch_mod.run_batch(folders, out, jobs=2, progress=False, library=None)
    assert calls[0] == "start" and calls.count("start") == 1, calls  # nothing in OUT yet

    calls.clear()  # both have a result now: hashed first, and started once they must run
    batch_mod.run_batch(folders, out, jobs=2, progress=False, library=None)
    assert calls[:2] == ["key", "key"] and calls.count("start") == 1, calls

    calls.clear()  # forced: both will run whatever their results say
    batch_mod.run_batch(folders, out, jobs=2, force=True, progress=False, library=None)
    assert calls[0] == "start", calls

    assert batch_mod._has_result(folders[0], out)
    (out / "tiny-a" / "case.json").unlink()
    assert not batch_mod._has_result(folders[0], out)
    failure = batch_mod._failure_file(out, "tiny-a")
    failure.parent.mkdir(parents=True, exist_ok=True)
    failure.write_text("{}", encoding="utf-8")  # a kept failure is a result too
    assert batch_mod._has_result(folders[0], out)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("go", "went on"), ("stop", "stopped"), (None, "went on")],  # None: the batch is gone
)
def test_a_run_waiting_for_a_slot_goes_on_or_stops_as_the_batch_answers(
    answer: str | None, expected: str, monkeypatch
):
    """A run asks the batch for a slot at each stage and cell (fupan.slots.switch): "go" lets it on; a
    batch stopping on Ctrl-C answers STOP and the run stops there (KeyboardInterrupt) — it may
    not have had the Ctrl-C itself — instead of going on unpaced, as it does when the batch's end
    of the pipe is gone."""
    import multiprocessing
    import threading

    from fupan import slots

    monkeypatch.setattr(slots, "_conn", None)
    batch_end, run_end = multiprocessing.Pipe()
    outcome: list[str] = []

    def run() -> None:
        slots.install(run_end)
        try:
            slots.switch("execute", 0.25)
            outcome.append("went on")
        except KeyboardInterrupt:
            outcome.append("stopped")

    worker = threading.Thread(target=run)
    worker.start()
    assert batch_end.recv() == ("stage", "execute", 0.25)  # the stage and the share done
    if answer is None:
        batch_end.close()
    else:
        batch_end.send(slots.STOP if answer == "stop" else answer)
    worker.join(timeout=10)
    assert outcome == [expected]
    assert (slots._conn is None) == (answer != "go")  # a stopped or orphaned run asks no more


#: A module the forkserver of the test below imports first: its exit handler, registered before
#: fupan.report.leave's, leaves a file when the process goes Python's whole way out.
_MARKER_MODULE = """
import atexit, os
atexit.register(lambda: open(os.environ["FUPAN_TEST_MARK"], "w").write("torn down"))
"""

_FORKSERVER_SCRIPT = """
import multiprocessing, os, sys
from multiprocessing import forkserver
ctx = multiprocessing.get_context("forkserver")
ctx.set_forkserver_preload(sys.argv[1:])
p = ctx.Process(target=os.getpid)
p.start(); p.join()
assert p.exitcode == 0, p.exitcode
forkserver._forkserver._stop()  # what the batch's own exit does: the forkserver is told to go
print("stopped")
"""


@pytest.mark.parametrize("leave", [True, False])
def test_the_forkserver_leaves_without_tearing_its_modules_down(tmp_path: Path, leave: bool):
    """A batch's forkserver has imported pandas, matplotlib, nbconvert and the report's modules;
    Python's teardown of them held the batch's output open ~0.4 s after its last line (figures in
    fupan.report.leave). With fupan.report.leave among its preloaded modules it ends at once:
    an exit handler registered before that module's never runs there (it does without it — the
    control case, which shows the marker would be seen)."""
    import subprocess
    import sys

    (tmp_path / "fupan_test_marker.py").write_text(_MARKER_MODULE, encoding="utf-8")
    mark = tmp_path / "mark.txt"
    preload = ["fupan_test_marker"] + (["fupan.report.leave"] if leave else [])
    env = {
        **os.environ,
        "FUPAN_TEST_MARK": str(mark),
        "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", _FORKSERVER_SCRIPT, *preload],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.strip() == "stopped", done.stderr
    # the forkserver has ended: _stop waits for it
    assert mark.exists() is not leave, mark.exists()


def test_importing_the_leave_module_elsewhere_changes_no_exit():
    """Outside the forkserver (a test, a script that imports every fupan module) importing
    fupan.report.leave registers nothing: the process exits with its own code, its buffered
    output written."""
    import subprocess
    import sys

    code = "import fupan.report.leave; print('kept', end=''); raise SystemExit(3)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (3, "kept")


def test_the_share_of_a_run_ahead_of_each_stage():
    """fupan.slots.ahead, by hand from SHARES (validate 0.25, execute 0.70, export 0.05)."""
    from fupan.slots import SHARES, ahead

    assert SHARES == {"validate": 0.25, "execute": 0.70, "export": 0.05}
    assert ahead("validate") == pytest.approx(1.0)
    assert ahead("execute") == pytest.approx(0.75)
    assert ahead("execute", 0.5) == pytest.approx(0.35 + 0.05)
    assert ahead("export") == pytest.approx(0.05)
    assert ahead("export", 1.0) == pytest.approx(0.0)
    assert ahead("execute", 7.0) == pytest.approx(0.05)  # a share done past 1 counts as 1
    assert ahead("no such stage") == pytest.approx(1.0)  # counted as the first


def _grant_order(slots, asks) -> list:
    """The order in which ``slots`` (its only slot held meanwhile) grants ``asks``, each
    (stage, run, done) asked by its own thread, one after the other."""
    import threading
    import time

    slots.acquire("execute", 99)  # held by a run not among those below
    granted: list = []
    lock = threading.Lock()

    def ask(stage: str, run: int, done: float) -> None:
        slots.acquire(stage, run, done)
        with lock:
            granted.append((stage, run))
        time.sleep(0.02)
        slots.release()

    threads = [threading.Thread(target=ask, args=a) for a in asks]
    for th in threads:
        th.start()
        time.sleep(0.05)  # each is waiting before the next asks
    assert granted == []  # nothing is granted while the slot is held
    slots.release()
    for th in threads:
        th.join(timeout=10)
    return granted


def test_the_runs_before_the_last_ones_get_slots_in_the_order_they_started():
    """Slots(1, six runs, the last 3 sharing): runs 0–2 are served in the order they started,
    whatever stage each asks for; then the last runs by the share of each still ahead (run 4's
    validation, 1.0 of its run, before run 5's execution half done, 0.40, before run 3's
    export, 0.05) — whatever order they all asked in."""
    from fupan.batch import Slots

    slots = Slots(1, [1.0] * 6, group=3)
    asks = [
        ("export", 3, 0.0),
        ("execute", 5, 0.5),
        ("validate", 2, 0.0),
        ("validate", 4, 0.0),
        ("export", 0, 0.0),
        ("execute", 1, 0.9),
    ]
    assert _grant_order(slots, asks) == [
        ("export", 0),
        ("execute", 1),
        ("validate", 2),
        ("validate", 4),
        ("execute", 5),
        ("export", 3),
    ]


def test_the_last_runs_share_the_slots_by_the_work_ahead_times_their_size():
    """A run twice the others' size (weight 2) half through its execution has 2 × 0.40 = 0.80 of
    a run ahead: after a validation of weight 1 (1.0), before an execution of weight 1 just
    begun (0.75)."""
    from fupan.batch import Slots

    slots = Slots(1, [1.0, 2.0, 1.0], group=3)
    asks = [("execute", 2, 0.0), ("execute", 1, 0.5), ("validate", 0, 0.0)]
    assert _grant_order(slots, asks) == [("validate", 0), ("execute", 1), ("execute", 2)]


def test_a_run_giving_back_its_slot_keeps_it_when_first_in_line_and_hands_it_over_otherwise():
    """Between two cells a run asks for its next slot while giving back the one it holds. First
    in line (the earlier run), it goes on at once although another run was waiting; behind
    another, the slot goes to that one — woken, not left waiting beside a free slot — and the
    run waits until it is given back. (Slots(1, four runs, none of them sharing): in the order
    they started.)"""
    import threading

    from fupan.batch import Slots

    def asking(slots: Slots, *args, **kwargs) -> threading.Event:
        granted = threading.Event()
        threading.Thread(
            target=lambda: (slots.acquire(*args, **kwargs), granted.set()), daemon=True
        ).start()
        return granted

    slots = Slots(1, [1.0] * 4, group=0)
    slots.acquire("execute", 0)
    later = asking(slots, "validate", 2)
    assert not later.wait(0.3)  # run 2 waits while run 0 holds the slot
    again = asking(slots, "execute", 0, 0.5, giving_back=True)
    assert again.wait(10), "run 0, first in line, did not go on with the slot it gave back"
    assert not later.wait(0.3), "run 2 took the slot run 0 gave back while first in line"

    slots = Slots(1, [1.0] * 4, group=0)
    slots.acquire("execute", 3)
    earlier = asking(slots, "validate", 1)
    assert not earlier.wait(0.3)
    again = asking(slots, "execute", 3, 0.5, giving_back=True)
    assert earlier.wait(10), "run 1, first in line, was not given the slot run 3 gave back"
    assert not again.wait(0.3)  # run 3 waits for it now
    slots.release()  # run 1 is done with it
    assert again.wait(10)


def test_how_many_last_runs_share_the_slots_and_their_weights(monkeypatch):
    """2 × jobs when memory allows it; as many as half the memory free holds at 0.5 GiB plus 10
    bytes per byte of the largest of their files each, never fewer than jobs. A run's weight is
    its size over the mean of those that could be sized (1.0 for one that could not)."""
    import fupan.batch as batch_module

    gib = 1 << 30
    free = {"bytes": 64 * gib}
    monkeypatch.setattr(
        batch_module.os,
        "sysconf",
        lambda name: {"SC_AVPHYS_PAGES": free["bytes"] // 4096, "SC_PAGE_SIZE": 4096}[name],
    )
    sizes = [4e8, 3e8, float("inf"), 1e8, 1e8]
    assert batch_module.in_flight(2) == 6
    assert batch_module.ending_together(2, sizes) == 4
    # the last 4 runs: their largest file set 3e8 bytes -> 0.5 GiB + 3e9 bytes each
    each = gib // 2 + 3e9
    free["bytes"] = int(2 * 3 * each) + 8192  # half of it holds 3 of them (whole pages)
    assert batch_module.ending_together(2, sizes) == 3
    free["bytes"] = gib  # half a GiB: not even one, but never fewer than the jobs
    assert batch_module.ending_together(2, sizes) == 2
    assert batch_module._weights([2.0, 1.0, float("inf"), 3.0]) == [1.0, 0.5, 1.0, 1.5]


def test_a_paced_run_asks_for_a_slot_before_each_code_cell_and_times_only_its_cells(tmp_path: Path):
    """Under a batch's slots the run asks for one before each code cell of the template but the
    first (fupan.report.paced), with the share of code cells executed: 0, 1/n, 2/n … And each
    cell's recorded start (papermill's metadata) comes after its slot was granted, so a cell's
    time is its own, not its wait."""
    import datetime as dt

    import nbformat

    import fupan.batch as batch_module

    granted: list[tuple[str, float, dt.datetime]] = []

    class Recording(batch_module.Slots):
        def acquire(self, stage: str, run: int, done: float = 0.0, **kwargs) -> None:
            super().acquire(stage, run, done, **kwargs)
            granted.append((stage, done, dt.datetime.now(dt.UTC)))

    folder = write_campaign(tmp_path / "c", card={**copy.deepcopy(TINY_CARD), "id": "tiny-cells"})
    item = batch_module._run_one(
        folder, tmp_path / "reports", "zh", None, jobs=2, slots=Recording(1)
    )
    assert item.status == "ok", item.error
    nb = nbformat.read(tmp_path / "reports" / "tiny-cells" / "report.ipynb", as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert [g[0] for g in granted] == ["validate"] + ["execute"] * len(code) + ["export"]
    executes = [g for g in granted if g[0] == "execute"]
    assert [round(g[1], 9) for g in executes] == [round(k / len(code), 9) for k in range(len(code))]
    for cell, (_, _, at) in zip(code[1:], executes[1:], strict=True):
        assert dt.datetime.fromisoformat(cell.metadata.papermill.start_time) >= at

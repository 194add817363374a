"""Progress of a long run's steps (fupan.progress): written by the step that runs, in ``fupan run``'s
own process and in the report's kernel, and printed by the command while the progress bar runs."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import RAW_DEMO_ID, run_cli, run_cli_on_terminal
from fupan import progress

PSEUDONYM = re.compile(r"\bh[0-9a-f]{16}\b")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _watcher(path: Path, clock: Clock) -> tuple[progress.Watcher, list[str]]:
    printed: list[str] = []
    w = progress.Watcher(path, printed.append, show_after=2.0, announce_after=5.0, clock=clock)
    return w, printed


def test_a_long_step_is_printed_with_its_seconds_a_short_one_is_not(tmp_path: Path) -> None:
    log = tmp_path / "p.log"
    log.write_text(
        "start\t汇总 extract: a\nend\t汇总 extract: a\t2.500\n"
        "start\t汇总 extract: b\nend\t汇总 extract: b\t0.300\n",
        encoding="utf-8",
    )
    w, printed = _watcher(log, Clock())
    w.poll()
    assert printed == ["  · 汇总 extract: a 2.5 s"]
    w.poll()  # nothing new: nothing printed again
    assert printed == ["  · 汇总 extract: a 2.5 s"]


def test_a_step_still_running_is_announced_once_then_its_end_printed(tmp_path: Path) -> None:
    log = tmp_path / "p.log"
    log.write_text("start\t分析 analysis: customers\n", encoding="utf-8")
    clock = Clock()
    w, printed = _watcher(log, clock)
    w.poll()
    assert printed == []  # just started
    clock.now = 4.9
    w.poll()
    assert printed == []
    clock.now = 5.0
    w.poll()
    clock.now = 9.0
    w.poll()
    assert printed == ["  … 分析 analysis: customers"]
    with log.open("a", encoding="utf-8") as fh:
        fh.write("end\t分析 analysis: customers\t9.000\n")
    w.poll()
    assert printed == ["  … 分析 analysis: customers", "  · 分析 analysis: customers 9.0 s"]


def test_a_line_half_written_waits_for_its_end(tmp_path: Path) -> None:
    log = tmp_path / "p.log"
    log.write_text("start\tx\nend\tx\t3.0", encoding="utf-8")  # the writer is mid-line
    w, printed = _watcher(log, Clock())
    w.poll()
    assert printed == []
    with log.open("a", encoding="utf-8") as fh:
        fh.write("00\n")
    w.poll()
    assert printed == ["  · x 3.0 s"]


def test_step_writes_nothing_without_the_variable(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(progress.ENV, raising=False)
    with progress.step("读取", "reading x"):
        pass
    assert list(tmp_path.iterdir()) == []


def test_step_writes_its_start_and_end_even_when_the_work_fails(
    tmp_path: Path, monkeypatch
) -> None:
    import time

    log = tmp_path / "p.log"
    monkeypatch.setenv(progress.ENV, str(log))
    with progress.step("读取", "reading x"):
        time.sleep(0.05)
    with pytest.raises(RuntimeError), progress.step("校验", "checking x"):
        raise RuntimeError("boom")
    lines = [ln.split("\t") for ln in log.read_text(encoding="utf-8").splitlines()]
    assert [ln[:2] for ln in lines] == [
        ["start", "读取 reading x"],
        ["end", "读取 reading x"],
        ["start", "校验 checking x"],
        ["end", "校验 checking x"],
    ]
    assert float(lines[1][2]) >= 0.05


def test_quiet_sets_nothing_and_prints_nothing(monkeypatch) -> None:
    monkeypatch.delenv(progress.ENV, raising=False)
    printed: list[str] = []
    with progress.watched(printed.append, enabled=False):
        assert progress.ENV not in os.environ
        with progress.step("读取", "reading x"):
            pass
    assert printed == []


def test_no_temporary_directory_means_no_step_lines_not_a_failure(monkeypatch, tmp_path) -> None:
    import tempfile

    monkeypatch.delenv(progress.ENV, raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    printed: list[str] = []
    with progress.watched(printed.append):
        assert progress.ENV not in os.environ
        with progress.step("读取", "reading x"):
            pass
    assert printed == []


@pytest.mark.slow(seconds=20)
def test_fupan_run_prints_the_steps_of_both_processes(demo_dir: Path, tmp_path: Path) -> None:
    """Every step printed (threshold 0): validation's in the command's process, the extract's and
    the analyses' in the kernel, in that order, each with its seconds; no identifier among them;
    none of it in the executed notebook; the progress file removed."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    proc = run_cli(
        "run",
        str(demo_dir),
        "--out",
        str(tmp_path / "out"),
        env={"FUPAN_PROGRESS_SHOW_AFTER": "0", "TMPDIR": str(scratch)},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    # stderr is a pipe here, as in a log: whole lines, no cell bar redrawn with carriage returns
    assert "\r" not in proc.stderr and "cell/s" not in proc.stderr, proc.stderr[-2000:]
    steps = [ln.strip() for ln in proc.stderr.splitlines() if "· " in ln]
    expected = [
        "· 读取 reading orders.parquet",
        "· 校验 checking orders.parquet",
        "· 写入 writing the validated orders for the report",
        "· 打开 opening the validated tables",
        "· 汇总 extract: user_days",
        "· 汇总 extract: customer_orders",
        "· 分析 analysis: customer_value",
        "· 分析 analysis: products",
    ]
    where = []
    for label in expected:
        found = [
            i for i, s in enumerate(steps) if re.fullmatch(re.escape(label) + r" \d+\.\d s", s)
        ]
        assert found, f"{label!r} not printed with its seconds; printed: {steps[:60]}"
        where.append(found[0])
    assert where == sorted(where), steps
    assert not RAW_DEMO_ID.search(proc.stderr) and not PSEUDONYM.search(proc.stderr)
    (case_dir,) = [p for p in (tmp_path / "out").iterdir() if p.is_dir()]
    text = (case_dir / "report.ipynb").read_text(encoding="utf-8")
    assert "汇总 extract" not in text and "analysis: customer_value" not in text
    assert [p.name for p in scratch.iterdir() if p.name.startswith("fupan-progress-")] == []


@pytest.mark.slow(seconds=20)
def test_the_cell_bar_is_drawn_on_a_terminal_only(demo_dir: Path, tmp_path: Path) -> None:
    """On a terminal papermill's bar redraws its line (carriage returns, cells per second); the
    same run into a pipe (the test above) prints whole lines only."""
    code, drawn = run_cli_on_terminal("run", str(demo_dir), "--out", str(tmp_path / "out"))
    assert code == 0, drawn[-3000:]
    assert "Executing" in drawn and "cell/s" in drawn and "\r" in drawn

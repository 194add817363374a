"""fupan.heap: what a process holds once warm is left out of its later garbage collections, and
handed back to the collector at the interpreter's exit."""

from __future__ import annotations

import subprocess
import sys

import pytest

#: DuckDB's bindings (nanobind) print this at exit for each kind of their objects still alive
LEAK_REPORT = "leaked"


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_what_a_batch_forks_its_runs_from_is_frozen_and_exits_without_leak_reports():
    """fupan.report.warmed (a batch's forkserver imports it last) freezes what the imports and
    the export's warm-up made: the runs forked from there do not walk it in their collections.
    The process still exits cleanly: nothing frozen is left for DuckDB to report as leaked."""
    proc = _python(
        "import duckdb; duckdb.connect().execute('SELECT 1').fetchall()\n"
        "import gc, fupan.report.warmed\n"
        "print(gc.get_freeze_count(), len(gc.get_objects()))"
    )
    assert proc.returncode == 0, proc.stderr
    frozen, walked = map(int, proc.stdout.split())
    assert frozen > 100_000 and walked < frozen / 4, proc.stdout
    assert LEAK_REPORT not in proc.stderr, proc.stderr


def test_a_frozen_heap_not_handed_back_at_exit_is_reported_by_duckdb():
    """The control for the test above: frozen and never handed back, DuckDB's objects are
    reported at exit — the report the hand-back in fupan.heap.settle prevents."""
    proc = _python("import duckdb, gc; duckdb.connect(); gc.freeze()")
    if LEAK_REPORT not in proc.stderr:
        pytest.skip(f"this DuckDB ({proc.stderr.strip()[:80]!r}) reports no leaks at exit")
    assert proc.returncode == 0


def test_settling_twice_keeps_the_collector_working_and_exits_cleanly():
    """settle() may run more than once in a process (the export's warm-up, then the forkserver's
    own): each freezes what is new, the collector still frees cycles made after it, and the
    process exits cleanly."""
    proc = _python(
        "import gc, weakref, duckdb\n"
        "from fupan.heap import settle\n"
        "con = duckdb.connect(); settle(); first = gc.get_freeze_count()\n"
        "x = [1]; settle(); assert gc.get_freeze_count() > first\n"
        "class Node: pass\n"
        "a, b = Node(), Node(); a.b, b.a = b, a; gone = weakref.ref(a); del a, b\n"
        "gc.collect(); print(gone() is None)"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "True"
    assert LEAK_REPORT not in proc.stderr, proc.stderr


@pytest.mark.parametrize("command", [True, False])
def test_a_runs_export_warm_up_freezes_only_in_a_fupan_commands_process(command: bool):
    """``fupan run`` warms the export in a thread, then freezes what its process holds — in the
    process of a fupan command (fupan.cli.main marks it) only: a Python session that calls fupan's
    functions (a notebook, a script) goes on collecting as before."""
    proc = _python(
        "import gc\n"
        "from fupan import heap\n"
        f"heap.command_process = {command}\n"
        "from fupan.report.run import WARMED, _warm_and_settle\n"
        "_warm_and_settle(); print(WARMED.is_set(), gc.get_freeze_count() > 100_000)"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", str(command)]
    assert LEAK_REPORT not in proc.stderr, proc.stderr


def test_the_fupan_command_marks_its_process():
    """fupan.cli.main (the ``fupan`` command, and each run of a batch) marks its process as a
    command's; importing fupan.cli does not."""
    proc = _python(
        "import sys; from fupan import heap, cli\n"
        "imported = heap.command_process\n"
        "sys.argv = ['fupan', '--help']\n"
        "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
        "print(imported, heap.command_process)"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split()[-2:] == ["False", "True"]

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


def test_a_settled_heap_is_left_out_of_collections_and_exits_without_leak_reports():
    """settle() freezes what the imports and the export's warm-up made: later collections do not
    walk it. The process still exits cleanly: nothing frozen is left for DuckDB to report as
    leaked."""
    proc = _python(
        "import duckdb; duckdb.connect().execute('SELECT 1').fetchall()\n"
        "import gc, fupan.report.warmed, fupan.heap; fupan.heap.settle()\n"
        "print(gc.get_freeze_count(), len(gc.get_objects()))"
    )
    assert proc.returncode == 0, proc.stderr
    frozen, walked = map(int, proc.stdout.split())
    assert frozen > 100_000 and walked < frozen / 4, proc.stdout
    assert LEAK_REPORT not in proc.stderr, proc.stderr


#: What a run forked from a batch's forkserver reports of its garbage collector, and how many
#: full collections were made before (gc.get_stats() is inherited with the heap).
_FORKED_GC = """
import gc, sys
from fupan.batch import _context

def report(queue):
    queue.put((gc.isenabled(), gc.get_freeze_count(), len(gc.get_objects()),
               gc.get_stats()[2]["collections"]))

if __name__ == "__main__":
    ctx = _context(sys.argv[1] == "warm")
    queue = ctx.Queue()
    proc = ctx.Process(target=report, args=(queue,))
    proc.start()
    print(*queue.get(timeout=120))
    proc.join()
"""


@pytest.mark.parametrize("warm", ["warm", "cold"])
def test_a_batchs_runs_are_forked_with_the_collector_on_after_imports_without_collections(
    tmp_path, warm: str
):
    """The forkserver a batch forks its runs from imports with the collector off (no full
    collection walks what the imports made so far: fupan.report.gc_off), then freezes it and
    turns the collector on (fupan.report.gc_on): a run starts with the collector on, the
    forkserver's heap frozen, and no full collection made by the forkserver during its
    imports."""
    script = tmp_path / "forked_gc.py"
    script.write_text(_FORKED_GC, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script), warm], capture_output=True, text=True, timeout=180
    )
    assert proc.returncode == 0, proc.stderr
    enabled, frozen, walked, collections = proc.stdout.split()
    assert enabled == "True"
    assert int(frozen) > 100_000 and int(walked) < int(frozen) / 4, proc.stdout
    # a plain process importing the same modules makes several (the control below)
    assert collections == "0", proc.stdout


def test_importing_what_a_batch_imports_makes_full_collections_with_the_collector_on():
    """The control for the test above: the same imports in a plain process (fupan.report.gc_off
    and gc_on do nothing outside a forkserver) make full collections, and leave the collector on
    with nothing frozen."""
    proc = _python(
        "import gc, importlib\n"
        "from fupan.batch import GC_OFF, GC_ON, PRELOAD, WARM_PRELOAD\n"
        "for m in (GC_OFF, *PRELOAD, *WARM_PRELOAD, GC_ON): importlib.import_module(m)\n"
        "print(gc.isenabled(), gc.get_freeze_count(), gc.get_stats()[2]['collections'])"
    )
    assert proc.returncode == 0, proc.stderr
    enabled, frozen, collections = proc.stdout.split()
    assert enabled == "True" and frozen == "0", proc.stdout
    assert int(collections) >= 2, proc.stdout


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

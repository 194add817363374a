"""A kernel forked warm from the run's process (fupan.report.forked) behaves as a new one.

``fupan batch`` forks each run from a process that has imported the kernel's modules, and the run
forks its kernel from itself. The kernel must be what jupyter_client's launcher would have
started: its own session, no standard input, none of the parent's files, the environment and
folder it was given, the inline charts of a fresh kernel, an interrupt that interrupts — and the
notebook it executes the same as on a fresh kernel.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, TINY_CARD, run_cli, write_campaign

pytestmark = pytest.mark.slow(seconds=60)

PROBE = Path(__file__).with_name("kernel_fork_probe.py")


def test_a_forked_kernel_is_set_up_as_the_launcher_sets_up_a_new_one(tmp_path: Path) -> None:
    folder = tmp_path / "campaign"
    folder.mkdir()
    proc = subprocess.run(
        [sys.executable, str(PROBE), str(folder)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=240,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("REPORT "))
    report = json.loads(line[len("REPORT ") :])
    inside = report["inside"]
    # forked from this very process: its child, running the same program (no new interpreter)
    assert report["provisioner"] == "ForkedProvisioner"
    assert report["kernel_ppid"] == report["me"] and report["same_program"]
    assert report["status"] == "ok" and report["count"] == 1  # the start-up lines did not count
    assert inside["names"] == []  # ... and bound no names
    assert inside["cwd"] == str(folder.resolve()) and inside["path0"] == str(folder.resolve())
    assert inside["mark"] == "given"  # the environment it was given
    assert inside["parent_env"] == str(report["me"])  # it polls its parent, as a launched one
    assert inside["sid_is_pid"]  # its own session: a terminal's Ctrl-C goes to the run, not it
    assert inside["stdin"] == "/dev/null"
    assert inside["held"] in (None, "/dev/null")  # the parent's pipe is not held open
    # the inline backend of a fresh kernel: a figure displays as a PNG
    assert inside["backend"] == "module://matplotlib_inline.backend_inline"
    assert "image/png" in report["mimes"]
    assert report["interrupted"] == ["error", "KeyboardInterrupt"]
    assert report["interrupt_seconds"] < 20
    assert report["gone_after_shutdown"]  # stopped and reaped: no zombie left
    # the connection banner ipykernel prints when it has no parent to poll is not printed
    assert "--existing" not in proc.stdout + proc.stderr


def _outputs(notebook: Path) -> list:
    """Every code cell's outputs without their execution metadata, object addresses in reprs
    (``<… at 0x7f…>``) blanked."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    outputs = [
        [
            {k: v for k, v in o.items() if k not in ("execution_count", "metadata")}
            for o in c["outputs"]
        ]
        for c in nb["cells"]
        if c["cell_type"] == "code"
    ]
    return json.loads(re.sub(r" at 0x[0-9a-f]+>", " at 0x…>", json.dumps(outputs)))


def test_a_batch_on_forked_kernels_writes_what_fupan_run_writes(tmp_path: Path) -> None:
    """The same campaign through ``fupan run`` (a new kernel) and in a batch of two (kernels
    forked warm): the executed notebooks' outputs — tables, charts' PNG bytes, the case record —
    and case.json's KPIs are the same."""
    folders = [
        write_campaign(tmp_path / n, card={**copy.deepcopy(TINY_CARD), "id": f"tiny-{n}"})
        for n in ("a", "b")
    ]
    single = run_cli("run", str(folders[0]), "--out", str(tmp_path / "single"))
    assert single.returncode == 0, single.stderr[-2000:]
    batch = run_cli(
        "batch", *map(str, folders), "--out", str(tmp_path / "batch"), "--jobs", "2", "--quiet"
    )
    assert batch.returncode == 0, batch.stdout[-2000:] + batch.stderr[-2000:]
    assert "--existing" not in batch.stdout + batch.stderr
    a, b = (tmp_path / w / "tiny-a" for w in ("single", "batch"))
    fresh, forked = _outputs(a / "report.ipynb"), _outputs(b / "report.ipynb")
    assert any("image/png" in o.get("data", {}) for cell in fresh for o in cell)
    assert forked == fresh
    kpis = [json.loads((d / "case.json").read_text(encoding="utf-8"))["kpis"] for d in (a, b)]
    assert kpis[0] == kpis[1]

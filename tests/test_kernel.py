"""The report's kernel (fupan.report.kernel): started before the validation and warmed with the
template's imports, stopped on every way out, and writing nothing into the campaign folder."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import copy_campaign, run_cli
from fupan.report import kernel
from fupan.report.kernel import WARM_MODULES, shutdown, start_kernel

pytestmark = pytest.mark.slow(seconds=45)  # two failing runs and a kernel


def _kernels_in(folder: Path) -> list[int]:
    """Processes whose working directory is ``folder`` (a kernel runs in the campaign folder)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if Path(os.readlink(entry / "cwd")) == folder.resolve():
                    pids.append(int(entry.name))
            except OSError:
                continue  # gone, or not ours to read
    return pids


def _sockets(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if stat.S_ISSOCK(p.lstat().st_mode)]


def test_a_run_leaves_the_campaign_folder_as_it_was(demo_dir: Path, demo_run: Path) -> None:
    """The kernel's IPC sockets go to a private temporary folder: jupyter_client's default relative
    path put five `kernel-ipc-N` socket files into the campaign folder the kernel runs in."""
    from fupan.demo import generate_demo

    fresh = generate_demo(demo_run.parent.parent / "fresh-names", scale=0.02)
    assert sorted(p.name for p in demo_dir.iterdir()) == sorted(p.name for p in fresh.iterdir())
    assert _sockets(demo_dir) == []


def _execute(km, code: str) -> tuple[dict, str]:
    """Run ``code`` on the started kernel ``km`` over its sockets: the reply and what it printed."""
    kc = km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        seen: list[str] = []

        def hook(msg: dict) -> None:
            if msg["msg_type"] == "stream":
                seen.append(msg["content"]["text"])

        reply = kc.execute_interactive(code, output_hook=hook, timeout=60)
        return reply, "".join(seen)
    finally:
        kc.stop_channels()


@pytest.fixture
def short_tmp(request: pytest.FixtureRequest) -> Path:
    """A new folder /tmp/fkXXXXXXXX: short enough for the kernel's sockets wherever pytest's
    own folders are; it must be empty again at the end."""
    short = Path(tempfile.mkdtemp(prefix="fk", dir="/tmp"))
    request.addfinalizer(short.rmdir)
    return short


def test_the_warm_kernel_has_the_modules_but_binds_no_names(tmp_path: Path) -> None:
    km = start_kernel(tmp_path)
    try:
        code = (
            "import sys, os\n"
            f"print(all(m in sys.modules for m in {WARM_MODULES!r}), 'fupan' in dir(), "
            "'render' in dir(), os.getcwd())"
        )
        reply, printed = _execute(km, code)
        assert reply["content"]["status"] == "ok"
        # the start-up lines ran no counted execution: this is the kernel's first
        assert reply["content"]["execution_count"] == 1
        assert printed.split() == ["True", "False", "False", str(tmp_path.resolve())]
        socket_dir = Path(km.ip).parent
        assert socket_dir.is_dir() and socket_dir != tmp_path.resolve()
        assert len(_sockets(socket_dir)) == 5  # shell, iopub, stdin, control, heartbeat
    finally:
        shutdown(km)
    assert not socket_dir.exists()
    assert list(tmp_path.iterdir()) == []
    assert _kernels_in(tmp_path) == []


#: What a kernel says of its garbage collector: on, how many objects it froze, and how many a
#: full collection would walk (gc.get_objects leaves the frozen ones out).
GC_PROBE = "import gc; print(gc.isenabled(), gc.get_freeze_count(), len(gc.get_objects()))"


@pytest.mark.parametrize("warm_up", ["as shipped", "failing"])
def test_the_kernel_starts_with_its_imports_frozen_and_the_collector_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, warm_up: str
) -> None:
    """The kernel imports its modules with the garbage collector off and freezes what they made
    (fupan.heap): its collections then walk only what the report makes. A warm-up and a freezing
    line that fail (the second case: planted errors) leave the collector on all the same."""
    if warm_up == "failing":
        lines = list(kernel.EXEC_LINES)
        lines[1] = "raise RuntimeError('planted warm-up failure')"
        lines[2] = "raise RuntimeError('planted settle failure')"
        monkeypatch.setattr(kernel, "EXEC_LINES", tuple(lines))
    km = start_kernel(tmp_path)
    try:
        reply, printed = _execute(km, GC_PROBE)
    finally:
        shutdown(km)
    assert reply["content"]["status"] == "ok"
    enabled, frozen, walked = printed.split()
    assert enabled == "True"
    if warm_up == "failing":
        assert frozen == "0", printed  # neither line before the collector's own ran
    if warm_up == "as shipped":
        # pandas, matplotlib and the report's modules: far more objects than the report's own
        # collections are left to walk
        assert int(frozen) > 100_000 and int(walked) < int(frozen) / 4, printed


def test_the_kernel_writes_no_ipython_history(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A report's cells are not written into the operator's IPython history (its SQLite file
    under IPYTHONDIR), and the kernel runs no history-saving thread; control: a plain IPython
    shell with the same IPYTHONDIR does write that file."""
    import subprocess
    import sys

    ipython_dir = tmp_path / "ipython"
    monkeypatch.setenv("IPYTHONDIR", str(ipython_dir))
    folder = tmp_path / "campaign"
    folder.mkdir()
    km = start_kernel(folder)
    try:
        reply, printed = _execute(
            km, "print(get_ipython().history_manager.enabled, 'campaign-cell-marker')"
        )
        _execute(km, "x = 1")
    finally:
        shutdown(km)
    assert reply["content"]["status"] == "ok"
    assert printed.split()[0] == "False"
    assert not list(ipython_dir.rglob("history.sqlite"))
    # the control: IPython's default writes the history file there
    subprocess.run(
        [sys.executable, "-m", "IPython", "--quick", "-c", "1 + 1"],
        env={**os.environ, "IPYTHONDIR": str(ipython_dir)},
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert list(ipython_dir.rglob("history.sqlite"))


def test_the_client_papermill_gets_is_ready_without_waiting_for_silence(tmp_path: Path) -> None:
    """jupyter_client's wait_for_ready ends by reading IOPub until 0.2 s pass with no message:
    0.2 s of nothing at the start of every report. The client of fupan's kernels (the one
    papermill gets from ``km.client()``) ends by taking only what IOPub holds (a read that does
    not wait, timeout 0) — and its first execution's output is the execution's own."""
    import asyncio

    km = start_kernel(tmp_path)
    try:
        kc = km.client()
        assert isinstance(kc, kernel.ready_client())
        waits: list[float | None] = []
        get_msg = kc.iopub_channel.get_msg

        async def recorded(timeout=None):
            waits.append(timeout)
            return await get_msg(timeout=timeout)

        async def ready_then_run() -> tuple[dict, str]:
            kc.start_channels()
            kc.iopub_channel.get_msg = recorded
            await kc.wait_for_ready(timeout=120)
            ready_waits = list(waits)
            seen: list[str] = []

            def hook(msg: dict) -> None:
                if msg["msg_type"] == "stream":
                    seen.append(msg["content"]["text"])

            reply = await kc.execute_interactive("print(6 * 7)", output_hook=hook, timeout=60)
            waits[:] = ready_waits
            return reply, "".join(seen)

        try:
            reply, printed = asyncio.run(ready_then_run())
        finally:
            kc.stop_channels()
        assert waits and waits[-1] == 0, waits  # jupyter_client's own ends with a 0.2 s wait
        assert reply["content"]["status"] == "ok" and printed == "42\n"
    finally:
        shutdown(km)


@pytest.mark.parametrize("short_dirs", ["usable", "none"])
def test_a_long_temporary_directory_does_not_stop_the_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, short_tmp: Path, short_dirs: str
) -> None:
    """A Unix socket's path holds at most 107 bytes: under a long TMPDIR (CI's pytest folders
    reached 108) zmq refused the kernel's sockets ("File name too long") and fupan run failed.
    The sockets then go to a short writable system folder; with none, to local TCP ports."""
    long_tmp = tmp_path / ("t" * 40) / ("m" * 40)
    long_tmp.mkdir(parents=True)
    monkeypatch.setattr(tempfile, "tempdir", str(long_tmp))
    short = short_tmp
    dirs = (str(tmp_path / "missing"), str(short)) if short_dirs == "usable" else ()
    monkeypatch.setattr(kernel, "SHORT_DIRS", dirs)
    km = start_kernel(tmp_path)
    try:
        reply, printed = _execute(km, "print(6 * 7)")
        assert reply["content"]["status"] == "ok" and printed.strip() == "42"
        if short_dirs == "usable":
            assert km.transport == "ipc"
            socket_dir = Path(km.ip).parent
            assert socket_dir.parent == short
            assert len(_sockets(socket_dir)) == 5
            assert all(len(os.fsencode(str(p))) <= 107 for p in _sockets(socket_dir))
        else:
            assert km.transport == "tcp" and km.ip == "127.0.0.1"
    finally:
        shutdown(km)
    assert list(long_tmp.iterdir()) == []  # the too-long folder tried was removed again
    assert list(short.iterdir()) == []
    assert _sockets(tmp_path) == []


def test_a_kernel_stopped_now_is_gone_and_shutdown_then_only_cleans_up(tmp_path: Path) -> None:
    """``stop_now`` (a run's kernel once its template has run) kills the kernel's process
    without waiting; the owner's ``shutdown`` afterwards removes its socket folder as usual."""
    import time

    from jupyter_core.utils import run_sync

    km = start_kernel(tmp_path)
    socket_dir = Path(km.ip).parent
    pid = km.provisioner.process.pid
    try:
        reply, _ = _execute(km, "print(1)")
        assert reply["content"]["status"] == "ok"
        kernel.stop_now(km)
        deadline = time.monotonic() + 30
        while run_sync(km.is_alive)() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not run_sync(km.is_alive)()
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # reaped: no such process any more
    finally:
        shutdown(km)
    assert not socket_dir.exists()
    assert _kernels_in(tmp_path) == []


def test_the_kernels_charts_are_drawn_uncropped(tmp_path: Path) -> None:
    """The report's kernel turns off the inline backend's crop (``bbox_inches="tight"``, a
    second drawing of every chart): a 3 × 2 in figure at 100 dpi comes out 300 × 200 pixels
    (cropped to its line, it would be smaller)."""
    km = start_kernel(tmp_path)
    try:
        code = (
            "import struct\n"
            "import matplotlib.pyplot as plt\n"
            "fig = plt.figure(figsize=(3, 2), dpi=100)\n"
            "fig.add_subplot().plot([1, 2])\n"
            "png = get_ipython().display_formatter.formatters['image/png'](fig)\n"
            "png = __import__('base64').b64decode(png) if isinstance(png, str) else png\n"
            "print(*struct.unpack('>II', png[16:24]))"
        )
        reply, printed = _execute(km, code)
        assert reply["content"]["status"] == "ok", reply["content"]
        assert printed.split() == ["300", "200"]
    finally:
        shutdown(km)


def test_every_fragment_is_compiled_ahead() -> None:
    """The kernel compiles the report's HTML fragments as it starts: each file of
    fupan/report/fragments (counted here from the folder) is then in Jinja's cache."""
    from fupan.report import html

    folder = Path(html.__file__).parent / "fragments"
    files = sorted(p.name for p in folder.rglob("*.html.j2"))
    assert html.compile_fragments() == len(files) > 0
    cached = {key[1] for key in html.environment().cache}  # type: ignore[union-attr]
    assert set(files) <= cached
    assert "compile_fragments" in kernel.WARM_UP


def test_shutdown_removes_only_the_socket_folder_it_made(tmp_path: Path) -> None:
    """A manager whose socket path was set by hand (here: relative, jupyter_client's own default)
    keeps its folder, and so does one whose recorded folder fupan did not make: shutdown never
    removes a path it did not create."""
    from jupyter_client import AsyncKernelManager

    keep = tmp_path / "keep.txt"
    keep.write_text("x", encoding="utf-8")
    km = AsyncKernelManager(kernel_name="python3", transport="ipc", ip=str(tmp_path / "kernel-ipc"))
    shutdown(km)  # never started: nothing to stop, nothing of the caller's to remove
    assert keep.read_text(encoding="utf-8") == "x"
    km.fupan_socket_dir = str(tmp_path)  # not a folder socket_dir made
    shutdown(km)
    assert keep.read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("breakage", ["validation", "template"])
def test_the_kernel_stops_when_the_run_fails(demo_dir: Path, tmp_path: Path, breakage: str) -> None:
    """A validation error (before the template runs) and a failing cell (during it) both end with
    the bilingual message, a non-zero exit, and no kernel left running in the campaign folder."""
    campaign = copy_campaign(demo_dir, tmp_path / "campaign")
    args = ["run", str(campaign), "--out", str(tmp_path / "out"), "--quiet"]
    if breakage == "validation":
        with (campaign / "coupons.csv").open("a", encoding="utf-8") as f:
            f.write("a,b,c,d,e,f,g,h,i,j,k,l\n")  # more fields than the header
    else:
        import nbformat

        from fupan.config import TEMPLATE

        nb = nbformat.read(TEMPLATE, as_version=4)
        nb.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('planted')"))
        nbformat.write(nb, tmp_path / "broken.ipynb")
        args += ["--template", str(tmp_path / "broken.ipynb")]
    proc = run_cli(*args)
    assert proc.returncode == (2 if breakage == "validation" else 3), proc.stderr[-2000:]
    assert ("coupons.csv" if breakage == "validation" else "RuntimeError") in proc.stderr
    assert "Traceback" not in proc.stderr
    assert _kernels_in(campaign) == []
    assert _sockets(campaign) == []


def test_no_usable_temporary_directory_means_tcp_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, short_tmp: Path
) -> None:
    """tempfile finds no usable directory (it raises): the short system folders are tried, and
    with none of them either the sockets are not made at all (the kernel then uses TCP)."""

    def nowhere() -> str:
        raise FileNotFoundError("No usable temporary directory found")

    short = short_tmp
    monkeypatch.setattr(tempfile, "gettempdir", nowhere)
    monkeypatch.setattr(kernel, "SHORT_DIRS", (str(tmp_path / "missing"),))
    assert kernel.socket_dir() is None
    monkeypatch.setattr(kernel, "SHORT_DIRS", (str(tmp_path / "missing"), str(short)))
    made = kernel.socket_dir()
    try:
        assert made is not None and Path(made).parent == short
        assert Path(made).name.startswith("fupan-kernel-") and not os.listdir(made)
    finally:
        if made:
            os.rmdir(made)


def _probe_kernel(
    tiny: Path,
    tmp_path: Path,
    code: str,
    env: dict[str, str],
    drop: tuple[str, ...] = (),
    preexec: Callable[[], None] | None = None,
) -> str:
    """What ``code`` — a cell planted in the template, after its imports — hands to ``_probe``
    in the kernel of a whole ``fupan run`` of ``tiny`` started in a new process whose environment
    is this one's without ``drop`` and with ``env``."""
    import subprocess

    import nbformat

    from conftest import ROOT, _fupan_command
    from fupan.config import TEMPLATE

    probe = tmp_path / "probe.txt"
    nb = nbformat.read(TEMPLATE, as_version=4)
    nb.cells.insert(
        3,
        nbformat.v4.new_code_cell(
            f"def _probe(text):\n    open({str(probe)!r}, 'w').write(text)\n{code}"
        ),
    )
    nbformat.write(nb, tmp_path / "probe.ipynb")
    keep = {k: v for k, v in os.environ.items() if k not in drop}
    keep.update(env)
    args = ["run", str(tiny), "--out", str(tmp_path / "out"), "--quiet"]
    # not run_cli: its environment is this process's, which may have imported fupan.cli already
    command = _fupan_command([*args, "--template", str(tmp_path / "probe.ipynb")])
    done = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=keep,
        timeout=600,
        preexec_fn=preexec,  # noqa: PLW1509 — no threads depend on it here
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return probe.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("env", "numpy_madvise", "thp"),
    [
        ({}, "False", "0"),  # both off: NumPy's request and the process-wide switch
        ({"NUMPY_MADVISE_HUGEPAGE": "1"}, "True", "0"),  # NumPy's variable as given
        ({"FUPAN_HUGE_PAGES": "1"}, "True", "1"),  # left as the system has them
    ],
)
def test_the_report_kernel_asks_for_no_huge_pages_unless_told_to(
    tiny: Path, tmp_path: Path, env: dict[str, str], numpy_madvise: str, thp: str
) -> None:
    """Transparent huge pages cost DuckDB's aggregations and NumPy's large arrays more system
    time than they saved on the machines measured (figures in :func:`fupan.cli.no_huge_pages`):
    the kernel ``fupan run`` starts runs with them off — THP_enabled 0 in its /proc status, and
    NumPy's own request off — unless ``FUPAN_HUGE_PAGES=1``; a NUMPY_MADVISE_HUGEPAGE the
    environment sets is kept. A cell planted in the template writes what the kernel has."""
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("PR_SET_THP_DISABLE and /proc/self/status are Linux's")

    def parent_without_huge_pages() -> None:
        # as under a process that turned them off already (a test worker that imported
        # fupan.cli, a fupan batch): FUPAN_HUGE_PAGES=1 must still give the system's back
        import ctypes

        ctypes.CDLL(None).prctl(41, 1, 0, 0, 0)

    probed = _probe_kernel(
        tiny,
        tmp_path,
        "from numpy._core.multiarray import _get_madvise_hugepage\n"
        "_thp = [l.split()[1] for l in open('/proc/self/status') if l.startswith('THP_enabled')]\n"
        "_probe(f'{_get_madvise_hugepage()} {_thp[0]}')",
        env,
        drop=("NUMPY_MADVISE_HUGEPAGE", "FUPAN_HUGE_PAGES"),
        preexec=parent_without_huge_pages,
    )
    assert probed == f"{numpy_madvise} {thp}"


#: A cell that hands over the kernel's OPENBLAS_NUM_THREADS and the thread count NumPy's OpenBLAS
#: runs with (its own ``get_num_threads``, found in the library NumPy's wheel carries).
BLAS_PROBE = """
import ctypes, glob, os, numpy
_lib = sorted(glob.glob(os.path.join(os.path.dirname(numpy.__file__) + '.libs', '*openblas*')))
_n = ctypes.CDLL(_lib[0]).scipy_openblas_get_num_threads64_() if _lib else 'no-openblas'
_probe(f"{os.environ.get('OPENBLAS_NUM_THREADS')} {_n}")
"""


def test_the_report_kernel_runs_one_blas_thread(tiny: Path, tmp_path: Path) -> None:
    """OpenBLAS's idle worker threads spin (6.7 % of a two-at-a-time batch's CPU, figures in
    :func:`fupan.cli.single_threaded_blas`): the kernel of ``fupan run`` runs NumPy's OpenBLAS
    on one thread, where OpenBLAS alone would take one per core (2 here)."""
    probed = _probe_kernel(tiny, tmp_path, BLAS_PROBE, {}, drop=("OPENBLAS_NUM_THREADS",))
    if probed.endswith("no-openblas"):
        pytest.skip(f"this NumPy carries no OpenBLAS library ({probed})")
    assert probed == "1 1"


def test_a_blas_thread_count_the_environment_sets_is_kept() -> None:
    """``OPENBLAS_NUM_THREADS`` given by the operator wins over fupan's one thread."""
    import subprocess
    import sys

    code = "import fupan.cli\n" + BLAS_PROBE.replace("_probe(", "print(")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "2"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    if done.stdout.strip().endswith("no-openblas"):
        pytest.skip(f"this NumPy carries no OpenBLAS library ({done.stdout.strip()})")
    assert done.stdout.strip() == "2 2"


#: Whether a 16 MiB allocation made after ``import fupan.cli`` (or without it) is a fresh mapping
#: of its own (glibc's mmap) or comes from the heap; and the environment its children get.
MALLOC_PROBE = """
import os, sys
if sys.argv[1] == "fupan":
    import fupan.cli
def big_maps():  # anonymous mappings (no path, not [heap]) of 16 MiB or more
    out = set()
    for line in open('/proc/self/maps'):
        fields = line.split()
        lo, hi = (int(x, 16) for x in fields[0].split('-'))
        if len(fields) == 5 and hi - lo >= 16 * 1024 * 1024:
            out.add(fields[0])
    return out
before = big_maps()
block = bytearray(16 * 1024 * 1024)
print(len(big_maps() - before), os.environ.get('MALLOC_MMAP_THRESHOLD_'))
"""


@pytest.mark.parametrize(
    ("how", "fresh", "env"), [("fupan", "0", "33554432"), ("plain", "1", "None")]
)
def test_fupan_asks_malloc_to_reuse_memory(how: str, fresh: str, env: str) -> None:
    """fupan.cli sets glibc's malloc to serve blocks under 32 MiB from the heap (figures in
    :func:`fupan.cli.reused_memory`) in its own process and, through the environment, in every
    process it starts: a 16 MiB block is no new mapping of its own. The plain interpreter (the
    control) maps one — the probe can tell."""
    import subprocess
    import sys

    if not sys.platform.startswith("linux"):
        pytest.skip("glibc's malloc and /proc/self/maps are Linux's")
    env_in = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    done = subprocess.run(
        [sys.executable, "-c", MALLOC_PROBE, how],
        capture_output=True,
        text=True,
        env=env_in,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [fresh, env]


def test_a_malloc_setting_the_environment_gives_is_kept() -> None:
    """An operator's MALLOC_MMAP_THRESHOLD_ wins over fupan's."""
    import subprocess
    import sys

    code = "import os, fupan.cli; print(os.environ['MALLOC_MMAP_THRESHOLD_'])"
    env = {**os.environ, "MALLOC_MMAP_THRESHOLD_": "1048576"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1048576"

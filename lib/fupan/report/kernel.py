"""The report's Jupyter kernel, started early and warmed while the campaign is validated.

A ``fupan run`` spends ~4 s of a tiny campaign's ~20 s starting the kernel and importing pandas,
matplotlib, seaborn, scipy, statsmodels and fupan into it. :func:`warm_kernel` starts that kernel
*first* — before the command's own imports and the validation — with those imports (and the CJK
font's registration with matplotlib) as its start-up lines, so the two processes work side by side
on the two cores; papermill then executes the template on the kernel that is already there.

The start-up lines bind no names in the notebook's namespace (``__import__`` only) and do not
count as executions (IPython runs them without history), so the executed notebook is the same as
one run on a cold kernel. Only :mod:`jupyter_client` is imported here: this module runs before
everything else of the command.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: Modules the report template imports, imported by the kernel at start-up.
WARM_MODULES = (
    "fupan.report.render",
    "fupan.report.charts",
    "fupan.report.ops_charts",
    "fupan.report.sections.ops",
    "fupan.report.sections.ops_days",
    "fupan.analysis.retrospective",
    "fupan.cases",
)

#: One IPython line: the imports, then the CJK font registered with matplotlib (the first chart's
#: ~0.5 s) and the report's HTML fragments compiled (:func:`fupan.report.html.compile_fragments`).
#: A failure here only prints to the kernel's stderr; the template's own imports then fail with
#: the usual named-cell error.
#: The kernel's charts drawn once each: IPython's inline backend crops every figure to what it
#: drew (``bbox_inches="tight"``), which draws it twice; fupan's charts are laid out inside their
#: canvas (``tight_layout``; tests/test_charts.py checks every chart of the demo), so the crop
#: only trims margins — for ~0.06 s a chart, ~0.6 s of a report's last one-core seconds. Set
#: before matplotlib's inline backend reads its configuration (at the first chart module import).
INLINE_CONFIG = (
    "get_ipython().run_line_magic('config', "
    "\"InlineBackend.print_figure_kwargs = {'bbox_inches': None}\")"
)

WARM_UP = "; ".join(
    [INLINE_CONFIG]
    + [f"__import__({m!r})" for m in WARM_MODULES]
    + [
        "__import__('fupan.fonts').fonts.register_matplotlib()",
        "__import__('fupan.report.html').report.html.compile_fragments()",
    ]
)

#: The kernel's start-up lines (``IPKernelApp.exec_lines``, each run on its own: one that fails
#: does not stop the next): :data:`WARM_UP` with the garbage collector off — an import makes
#: no garbage worth a collection, and each full one walks all that the imports made so far
#: (~0.2 s of a kernel's start measured with ``gc.callbacks``) — then what it made frozen
#: (:func:`fupan.heap.settle`, before the collector is on: no collection walks it first) and the
#: collector on again in a line of its own, whatever happened to the lines before it.
EXEC_LINES = (
    "__import__('gc').disable()",
    WARM_UP,
    "__import__('fupan.heap').heap.settle()",
    "__import__('gc').enable()",
)


#: IPython's SQLite history off in the report's kernels: each report's cells (its injected
#: parameters name the campaign's folders) would otherwise be written into the operator's own
#: ``~/.ipython`` history by a background thread, and the kernels of a batch would share that one
#: database file — no SQLite connection, no saving thread, nothing written.
NO_HISTORY = ("--HistoryManager.enabled=False",)


#: Longest socket path bound safely: a Unix socket's path holds at most 107 bytes on Linux and
#: 103 on macOS (``sun_path``); zmq refuses longer ones ("File name too long").
MAX_SOCKET_PATH = 100

#: Where the sockets may go when the temporary directory's own path is too long for them.
SHORT_DIRS = ("/tmp", "/var/tmp", "/dev/shm")


def socket_dir() -> str | None:
    """A new private folder whose ``kernel-ipc-N`` sockets fit :data:`MAX_SOCKET_PATH`: in the
    temporary directory, else in the first short system one that is writable; ``None`` when none
    is (the kernel then listens on local TCP ports, as Jupyter's default does).

    jupyter_client's own default is a *relative* path (``kernel-ipc-N``), which the kernel binds
    in its working directory — the campaign folder — and which the manager removes relative to its
    own, leaving five socket files in the operator's data. :func:`shutdown` removes this folder."""
    try:
        first: tuple[str, ...] = (tempfile.gettempdir(),)
    except OSError:  # no usable temporary directory at all (tempfile searched them all)
        first = ()
    tried: list[str] = []
    for base in (*first, *SHORT_DIRS):
        if base in tried:
            continue
        tried.append(base)
        try:
            made = tempfile.mkdtemp(prefix="fupan-kernel-", dir=base)
        except OSError:
            continue
        if len(os.fsencode(str(Path(made) / "kernel-ipc-99"))) <= MAX_SOCKET_PATH:
            return made
        os.rmdir(made)
    return None


def start_kernel(cwd: Path) -> Any:
    """Start a ``python3`` kernel in ``cwd`` (the campaign folder, as papermill's ``cwd`` would)
    and return its manager; the kernel imports :data:`WARM_MODULES` as it starts. It listens on
    IPC sockets in a private folder (:func:`socket_dir`) rather than on unencrypted TCP ports
    (and Jupyter's warning about them), unless no folder can hold them. In a process that has
    already imported the kernel's modules (a ``fupan batch`` run) the kernel is forked from it
    (:func:`forkable`) instead of started as a new interpreter."""
    from jupyter_client import AsyncKernelManager
    from jupyter_core.utils import run_sync

    made = socket_dir()
    where = {"transport": "ipc", "ip": str(Path(made) / "kernel-ipc")} if made else {}
    km = AsyncKernelManager(kernel_name="python3", **where)
    km.client_factory = ready_client()
    # for shutdown: the one folder it may remove (a plain attribute beside the manager's traits)
    km.fupan_socket_dir = made  # type: ignore[attr-defined]
    extra = [f"--IPKernelApp.exec_lines={list(EXEC_LINES)!r}", *NO_HISTORY]
    try:
        if forkable():
            import uuid

            from .forked import ForkedProvisioner

            km.kernel_id = str(uuid.uuid4())
            km.provisioner = ForkedProvisioner(
                kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km
            )
        run_sync(km.start_kernel)(cwd=str(cwd), extra_arguments=extra)
    except BaseException:
        shutdown(km)
        raise
    return km


@functools.cache
def ready_client() -> type:
    """The kernel client papermill gets from fupan's kernels (``client_factory``): jupyter_client's
    own, whose ``wait_for_ready`` ends by reading IOPub until 0.2 s pass with no message — 0.2 s
    with nothing running at the start of every report, on a kernel that has answered already.
    This one asks ``kernel_info`` and checks IOPub is connected as jupyter_client does, then
    takes only what IOPub already holds: nbclient reads the messages of its own requests alone
    (by their parent's id), so one left over is never taken for a cell's output."""
    import time
    from queue import Empty

    from jupyter_client.asynchronous import AsyncKernelClient

    class ReadyClient(AsyncKernelClient):
        async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
            deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
            while True:
                self.kernel_info()
                try:
                    msg = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    msg = None
                if msg is not None and msg["msg_type"] == "kernel_info_reply":
                    try:  # IOPub connected: the kernel's status for this request arrives there
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(msg)
                        break
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")
            while True:  # what IOPub holds already, without waiting for more
                try:
                    await self.iopub_channel.get_msg(timeout=0)
                except Empty:
                    break

    return ReadyClient


#: What a process must have imported for a kernel forked from it to start warm: the template's
#: modules and the kernel application itself.
FORK_NEEDS = (*WARM_MODULES, "ipykernel.kernelapp", "matplotlib.pyplot")


def forkable() -> bool:
    """Whether the kernel is better forked from this process than started afresh: this process
    has imported :data:`FORK_NEEDS` (else a fork would import them all the same), runs one thread
    (a fork copies only the calling thread, and a lock another one held would stay held) and has
    not chosen a matplotlib backend (the kernel must pick its inline one as a fresh kernel does).
    The kernel's command is checked when it is launched
    (:meth:`fupan.report.forked.ForkedProvisioner.launch_kernel`). ``FUPAN_KERNEL_FORK=0`` turns
    it off."""
    import sys
    import threading

    if os.environ.get("FUPAN_KERNEL_FORK", "1") == "0" or not hasattr(os, "fork"):
        return False
    if any(m not in sys.modules for m in FORK_NEEDS) or threading.active_count() != 1:
        return False
    return getattr(sys.modules["matplotlib.pyplot"], "_backend_mod", None) is None


def stop_now(km: Any) -> None:
    """Kill the kernel's process without waiting for it to go: once the template has run, its
    owner's :func:`shutdown` (which finds it gone and cleans up) need not wait at the end of the
    run while a kernel of gigabytes gives its memory back (~0.3 s at 10M order lines) — that
    happens beside the HTML export instead. A kernel that cannot be signalled is left to
    :func:`shutdown`."""
    process = getattr(getattr(km, "provisioner", None), "process", None)
    if process is None:
        return
    with contextlib.suppress(OSError, AttributeError):
        process.kill()


def shutdown(km: Any) -> None:
    """Stop the kernel at once (papermill's ``shutdown_kernel="immediate"``: no 3-second stall)."""
    from jupyter_core.utils import run_sync

    try:
        if run_sync(km.is_alive)():
            run_sync(km.shutdown_kernel)(now=True)
    finally:
        run_sync(km.cleanup_resources)()
        # only the folder made above, never a path derived from a setting (``ip`` may be changed)
        made = getattr(km, "fupan_socket_dir", None)
        if made and Path(made).name.startswith("fupan-kernel-"):
            shutil.rmtree(made, ignore_errors=True)


@contextmanager
def warm_kernel(cwd: Path) -> Iterator[Any]:
    """A kernel for one report, stopped on the way out whatever happened (a validation error,
    a failing cell, Ctrl-C). ``None`` when ``cwd`` is not a folder: the validation that follows
    then reports the bad path."""
    if not Path(cwd).is_dir():
        yield None
        return
    km = start_kernel(Path(cwd))
    try:
        yield km
    finally:
        shutdown(km)

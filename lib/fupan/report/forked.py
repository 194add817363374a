"""A Jupyter kernel forked from the running process instead of started as a new interpreter.

A ``fupan batch`` run is itself forked from a process that has imported pandas, matplotlib,
seaborn, scipy, statsmodels, ipykernel and fupan (:data:`fupan.batch.PRELOAD`). Its kernel then
needs none of the ~2 CPU-seconds a fresh kernel spends importing them: :class:`ForkedProvisioner`
forks the run's process and turns the child into the kernel — ``python -m ipykernel_launcher``'s
own entry point with the same arguments, environment, working folder, session and standard input
as jupyter_client's launcher gives a new process. The manager drives it as any local kernel
(signals to its process group, kill, wait).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

#: The inline backend a fresh kernel selects (ipykernel sets ``MPLBACKEND`` to it when unset).
INLINE = "module://matplotlib_inline.backend_inline"


class ForkedChild:
    """The part of :class:`subprocess.Popen` the provisioner uses, for a forked child's pid."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def _reap(self, flags: int) -> int | None:
        if self.returncode is None:
            try:
                pid, status = os.waitpid(self.pid, flags)
            except ChildProcessError:  # reaped elsewhere: it is gone all the same
                self.returncode = -1
            else:
                if pid:
                    self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def poll(self) -> int | None:
        return self._reap(os.WNOHANG)

    def wait(self, timeout: float | None = None) -> int | None:
        return self._reap(0)

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def become_kernel(cmd: list[str], env: dict[str, str], cwd: str | None) -> None:
    """In the forked child: set the process up as jupyter_client's launcher sets up a new one,
    then run ipykernel's application until it is shut down."""
    os.setsid()  # the launcher's start_new_session: signals go to the kernel's own group
    null = os.open(os.devnull, os.O_RDONLY)  # the launcher gives the kernel no standard input
    os.dup2(null, 0)
    # Popen's close_fds: the kernel holds none of the parent's files — above all not the pipe its
    # batch reads the run's result from, which would stay open while the kernel lives on. Each is
    # pointed at /dev/null rather than closed, so that its number is not reused by a file of the
    # kernel which a copied object of the parent's (an event loop, a file) would close later.
    for fd in _open_fds():
        if fd > 2 and fd != null:
            try:
                os.dup2(null, fd)
            except OSError:
                continue
    os.close(null)
    # a new interpreter's handlers (SIGPIPE stays ignored, as Python sets it at start-up)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    for signum in (signal.SIGTERM, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    if cwd:
        os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    # ``python -m`` puts the working folder first on the path
    sys.path.insert(0, os.getcwd())
    # the parent's event loop is mid-run in this (copied) thread: the kernel gets a new one
    asyncio.set_event_loop(asyncio.new_event_loop())
    # matplotlib read MPLBACKEND when the parent imported it, before ipykernel sets it: pick the
    # backend a fresh kernel would have read (pyplot resolves it lazily, at the first figure,
    # when the kernel's shell exists — as in a fresh kernel)
    import matplotlib

    matplotlib.rcParams["backend"] = os.environ.setdefault("MPLBACKEND", INLINE)
    from ipykernel.kernelapp import IPKernelApp

    # ipykernel read JPY_PARENT_PID when the parent imported it, before it was set: given here
    # as the setting it would have become (else no parent poller, and a connection banner)
    argv = [*cmd[3:], f"--IPKernelApp.parent_handle={int(env.get('JPY_PARENT_PID') or 0)}"]
    sys.argv = ["ipykernel_launcher", *argv]
    IPKernelApp.launch_instance(argv=argv)


def _open_fds() -> list[int]:
    """This process's open file descriptors."""
    for where in ("/proc/self/fd", "/dev/fd"):
        try:
            return sorted(int(name) for name in os.listdir(where))
        except OSError:
            continue
    return list(range(3, 256))


class ForkedProvisioner(LocalProvisioner):  # type: ignore[misc]
    """:class:`LocalProvisioner` whose kernel is a fork of this process (:func:`become_kernel`)."""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        """Fork the kernel when ``cmd`` is ``python -m ipykernel_launcher …`` with this very
        interpreter (jupyter_client has put its path in for ``python``); any other kernel
        command is launched as a new process."""
        if not (
            len(cmd) >= 3
            and os.path.realpath(cmd[0]) == os.path.realpath(sys.executable)
            and cmd[1:3] == ["-m", "ipykernel_launcher"]
        ):
            return await super().launch_kernel(cmd, **kwargs)
        # as the launcher's: the kernel polls its parent and ends when the parent has gone
        env = dict(kwargs.get("env") or os.environ, JPY_PARENT_PID=str(os.getpid()))
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child never returns into the parent's code
            code = 1
            try:
                become_kernel(cmd, env, kwargs.get("cwd"))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            except BaseException:
                import traceback

                traceback.print_exc()
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                finally:
                    os._exit(code)
        self.process = ForkedChild(pid)  # type: ignore[assignment]  # Popen's part it uses
        self.pid = pid
        self.pgid = pid  # its own session and process group (setsid)
        self.cwd = kwargs.get("cwd", os.getcwd())
        return self.connection_info

"""A Jupyter kernel forked from a warm process instead of started as a new interpreter.

A kernel forked from a process that has imported pandas, matplotlib, seaborn, scipy, statsmodels,
ipykernel and fupan (:data:`fupan.report.kernel.FORK_NEEDS`) needs none of the ~2 CPU-seconds a
fresh kernel spends importing them. :class:`ForkedProvisioner` turns a forked child into the
kernel — ``python -m ipykernel_launcher``'s own entry point with the same arguments, environment,
working folder, session and standard input as jupyter_client's launcher gives a new process
(:func:`become_kernel`) — forked by the batch's kernel server (:mod:`fupan.report.kernelserver`)
when the run is one of a ``fupan batch``'s, else from the running process itself when it has
imported those modules (:func:`fupan.report.kernel.forkable`). The manager drives it as any local
kernel (signals to its process group, kill, wait).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import select
import signal
import socket
import sys
from typing import Any, NoReturn

from jupyter_client.provisioning import LocalProvisioner

#: The environment variable naming a batch's kernel server's socket (:mod:`.kernelserver`), set by
#: ``fupan batch`` for its runs.
ENV = "FUPAN_KERNEL_SERVER"

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
    """:class:`LocalProvisioner` whose kernel is a forked child (:func:`become_kernel`): of the
    batch's kernel server (:mod:`fupan.report.kernelserver`) when the environment names one,
    else of this process."""

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
        self.cwd = kwargs.get("cwd", os.getcwd())
        served = os.environ.get(ENV)
        if served:  # a batch's run: its kernel forked by the batch's kernel server
            env = dict(kwargs.get("env") or os.environ)
            with contextlib.suppress(OSError):
                # its pid is known once the server has forked it (it signals its group then)
                process = ServedKernel.request(served, cmd, env, kwargs.get("cwd"))
                self.process = process  # type: ignore[assignment]  # Popen's part it uses
                return self.connection_info
        # as the launcher's: the kernel polls its parent and ends when the parent has gone
        env = dict(kwargs.get("env") or os.environ, JPY_PARENT_PID=str(os.getpid()))
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child never returns into the parent's code
            child_kernel(cmd, env, kwargs.get("cwd"))
        self.process = ForkedChild(pid)  # type: ignore[assignment]  # Popen's part it uses
        self.pid = pid
        self.pgid = pid  # its own session and process group (setsid)
        return self.connection_info


def child_kernel(cmd: list[str], env: dict[str, str], cwd: str | None) -> NoReturn:
    """In a forked child: :func:`become_kernel`, then leave with the kernel's exit code — never
    back into the code of the process it was forked from."""
    code = 1
    try:
        become_kernel(cmd, env, cwd)
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


class ServedKernel:
    """The part of :class:`subprocess.Popen` jupyter_client's provisioner uses, for a kernel the
    server forked: its pid once the server has answered, its exit code once the server says it
    ended (a kernel is not this process's child: it cannot wait for it)."""

    stdin = stdout = stderr = None

    def __init__(self, conn: socket.socket) -> None:
        self._conn = conn
        self._buffer = b""
        self._pid: int | None = None
        self.returncode: int | None = None

    @classmethod
    def request(
        cls, path: str, cmd: list[str], env: dict[str, str], cwd: str | None
    ) -> ServedKernel:
        """Ask the server at ``path`` for a kernel; returns at once, the server forking it as soon
        as it can (OSError when there is no server there)."""
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(path)
            sys.stdout.flush()
            sys.stderr.flush()
            line = json.dumps({"cmd": cmd, "env": env, "cwd": cwd}).encode() + b"\n"
            sent = socket.send_fds(conn, [line], [1, 2])
            if sent < len(line):
                conn.sendall(line[sent:])
        except OSError:
            conn.close()
            raise
        return cls(conn)

    def _read(self, timeout: float | None) -> bool:
        """Read what the server said within ``timeout`` seconds; False when nothing came."""
        ready, _, _ = select.select([self._conn], [], [], timeout)
        if not ready:
            return False
        try:
            data = self._conn.recv(4096)
        except OSError:
            data = b""
        if not data:  # the server is gone, and its kernels with it
            if self.returncode is None:
                self.returncode = -signal.SIGKILL
            if self._pid is None:
                self._pid = 0
            return True
        self._buffer += data
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            word, _, value = line.decode().partition(" ")
            if word == "pid":
                self._pid = int(value)
            elif word == "exit":
                self.returncode = int(value)
        return True

    @property
    def pid(self) -> int:
        while self._pid is None:
            self._read(None)
        return self._pid

    def poll(self) -> int | None:
        while self.returncode is None and self._read(0):
            pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        while self.returncode is None:
            self._read(timeout)
            if timeout is not None:
                break
        return self.returncode

    def send_signal(self, signum: int) -> None:
        """Signal the kernel's process group (its own); nothing once it has ended — as
        :meth:`subprocess.Popen.send_signal` does, also when it ended but the server has not
        said so yet."""
        if self.poll() is None and self.pid > 0:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signum)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def close(self) -> None:
        self._conn.close()

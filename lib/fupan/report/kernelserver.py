"""The warm process a ``fupan batch`` forks its runs' kernels from.

A batch's runs are forked from a process that has imported the command (the batch's forkserver,
:data:`fupan.batch.PRELOAD`); their kernels need more — pandas, matplotlib, seaborn, scipy,
statsmodels, ipykernel and the template's modules (:data:`fupan.report.kernel.FORK_NEEDS`, ~1.7
CPU-seconds of imports). Imported by the forkserver too, they would hold back the batch's first run
until both sets were in (~2.5 s on one core, the other idle); imported here, in a process of their
own started beside the forkserver, they load on the second core while the first runs validate, and
each run's kernel is forked from here when the run starts it.

Protocol (one Unix stream connection per kernel, from the run's process): the run sends one JSON
line ``{"cmd": [...], "env": {...}, "cwd": "..."}`` with its standard output and error attached
(``SCM_RIGHTS``: the kernel writes where the run's own output goes, as a kernel forked from the run
would); the server forks the kernel (:func:`fupan.report.forked.become_kernel`) and answers
``pid N``, then ``exit N`` once the kernel has ended. The run closing its connection — ended, or
killed — ends its kernel too (as a kernel forked from the run polls its parent and ends with it);
the server ends, its kernels with it, when its standard input closes (the batch is done, or gone).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys

from .forked import ENV, child_kernel

__all__ = ["ENV", "main", "serve"]

#: The largest request read (a kernel's command and environment).
LIMIT = 1 << 20
#: How often the server looks for ended kernels when nothing else wakes it (seconds).
TICK = 0.05
#: How long the server waits for a request once a run has connected (seconds).
WAIT = 10.0


def main(listen_fd: int) -> None:
    """Import what the kernels need, then serve the listening socket ``listen_fd`` until standard
    input closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the batch's: it closes our stdin
    import importlib

    from ..heap import settle
    from .kernel import FORK_NEEDS

    for name in FORK_NEEDS:
        importlib.import_module(name)
    with contextlib.suppress(Exception):  # the kernels forked from here find them compiled
        from .html import compile_fragments

        compile_fragments()
    settle()  # what the kernels inherit, left out of their collections
    serve(socket.socket(fileno=listen_fd), alive=0)


def serve(listener: socket.socket, alive: int) -> None:
    """Fork a kernel for each request on ``listener``; end, with every kernel still running,
    when ``alive`` (a file descriptor) reaches its end."""
    kernels: dict[int, socket.socket] = {}  # the kernel's pid → its run's connection
    watched: dict[int, socket.socket] = {}  # those whose run has not closed its end yet
    try:
        while True:
            waiting: list[socket.socket | int] = [listener, alive, *watched.values()]
            ready, _, _ = select.select(waiting, [], [], TICK)
            if alive in ready and not os.read(alive, 1):
                return
            if listener in ready:
                _accept(listener, kernels, watched)
            for pid, conn in list(watched.items()):
                if (
                    conn in ready
                ):  # the run has closed its end (ended, or killed): so does its kernel
                    del watched[pid]
                    _end(pid)
            _reap(kernels, watched)
    finally:
        for pid in kernels:
            _end(pid)
        with contextlib.suppress(ChildProcessError):
            while os.wait():
                pass


def _accept(
    listener: socket.socket, kernels: dict[int, socket.socket], watched: dict[int, socket.socket]
) -> None:
    """Take one run's request and fork its kernel; a run that went away before, or a fork the
    system refused, ends that connection only (the run then finds its kernel gone), never the
    server."""
    try:
        conn, _ = listener.accept()
    except OSError:
        return
    pid = _fork(conn)
    if pid is None:
        conn.close()
    else:
        kernels[pid] = watched[pid] = conn


def _end(pid: int) -> None:
    """Kill the kernel ``pid`` and its process group (its own: :func:`.forked.become_kernel`)."""
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)


def _reap(kernels: dict[int, socket.socket], watched: dict[int, socket.socket]) -> None:
    """Collect the kernels that have ended and tell each one's run how it ended."""
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        conn = kernels.pop(pid, None)
        watched.pop(pid, None)
        if conn is not None:
            with contextlib.suppress(OSError):
                conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
            conn.close()


def _fork(conn: socket.socket) -> int | None:
    """Read ``conn``'s request and fork its kernel; its pid (None for a request that is not one,
    or a fork the system refused)."""
    conn.settimeout(WAIT)  # a run sends its request as it connects: none would hold the server
    fds: list[int] = []
    try:
        data, fds, _, _ = socket.recv_fds(conn, LIMIT, 2)
        while data and not data.endswith(b"\n") and len(data) < LIMIT:
            more = conn.recv(LIMIT)
            if not more:
                break
            data += more
        request = json.loads(data)
        cmd, env, cwd = request["cmd"], request["env"], request.get("cwd")
    except (OSError, ValueError, KeyError, TypeError):
        for fd in fds:
            os.close(fd)
        return None
    conn.settimeout(None)
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pid = os.fork()
    except OSError:
        pid = None
    if pid == 0:  # the child never returns into the server's loop
        try:
            if len(fds) == 2:  # the kernel writes where its run writes
                os.dup2(fds[0], 1)
                os.dup2(fds[1], 2)
            # the kernel polls this server as its parent: it ends if the server is gone
            child_kernel(cmd, dict(env, JPY_PARENT_PID=str(os.getppid())), cwd)
        finally:
            os._exit(1)
    for fd in fds:
        os.close(fd)
    if pid is not None:
        with contextlib.suppress(OSError):
            conn.sendall(f"pid {pid}\n".encode())
    return pid


if __name__ == "__main__":
    main(int(sys.argv[1]))

"""A throwaway PostgreSQL 15 server for the warehouse tests: initdb + pg_ctl in a temporary
directory on a free local port, stopped and deleted afterwards.

Debian's ``postgresql`` package provides the binaries (``make test`` installs it when missing and
it may, see the Makefile's SYSTEM_DEPS). PostgreSQL refuses to run as root, so as root the server
runs as the ``postgres`` user the package creates (``runuser``); otherwise as the current user.
The superuser ``fupan`` logs in over TCP with a password (scram-sha-256), so that the tests go
through the same URL path a team's warehouse would.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BIN = Path("/usr/lib/postgresql/15/bin")
USER = "fupan"


def missing_reason() -> str | None:
    """Why no server can be started here, or None."""
    if not (BIN / "initdb").exists():
        return (
            f"PostgreSQL 15 is not installed ({BIN}/initdb missing; `apt-get install postgresql`)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
        if not shutil.which("runuser"):
            return "running as root and runuser is missing"
    return None


@dataclass(frozen=True)
class Server:
    port: int
    password: str

    def url(self, password: str | None = None, database: str = "postgres") -> str:
        pw = self.password if password is None else password
        return f"postgresql+psycopg://{USER}:{pw}@127.0.0.1:{self.port}/{database}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@contextlib.contextmanager
def running(password: str) -> Iterator[Server]:
    """Start a server, yield it, stop it and remove its directory whatever happens."""
    root = Path(tempfile.mkdtemp(prefix="fupan-pg-"))
    data, pwfile = root / "data", root / "pw"
    pwfile.write_text(password + "\n")
    if os.geteuid() == 0:
        info = pwd.getpwnam("postgres")
        for p in (root, pwfile):
            os.chown(p, info.pw_uid, info.pw_gid)
    port = _free_port()
    run = dict(check=True, capture_output=True, text=True, timeout=120)
    started = False
    try:
        subprocess.run(
            _as_server_user(
                [
                    str(BIN / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    USER,
                    "--pwfile",
                    str(pwfile),
                    "--auth",
                    "scram-sha-256",
                    "--encoding",
                    "UTF8",
                    "--no-locale",
                    "--no-sync",
                ]
            ),
            **run,
        )
        pwfile.unlink()
        opts = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root} "
            "-c fsync=off -c full_page_writes=off -c synchronous_commit=off -c shared_buffers=64MB"
        )
        subprocess.run(
            _as_server_user(
                [str(BIN / "pg_ctl"), "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w"]
                + ["start"]
            ),
            **run,
        )
        started = True
        yield Server(port, password)
    finally:
        if started:
            subprocess.run(
                _as_server_user([str(BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                capture_output=True,
                timeout=60,
            )
        shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def required(password: str) -> Iterator[Server]:
    """A running server for a test module: under CI its absence fails the test (the PostgreSQL
    tests must run there); elsewhere the tests skip and say why."""
    import pytest

    reason = missing_reason()
    if reason:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        print(f"SKIP: {reason}")
        pytest.skip(reason)
    with running(password) as s:
        yield s

"""The file-system steps of an archive: exclusive writes with fsync, atomic exchange, the
library's lock, and :func:`recover` for what a killed archive left."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from ...errors import CaseRecordError, ValidationError
from .base import _INDEX_TMP, _OLD, _TMP, LOCK
from .read import read_case

# --------------------------------------------------------------------------- file system steps


def _write_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE); False where not supported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a), None, str(b))


@contextlib.contextmanager
def _locked(library: Path) -> Iterator[None]:
    """Hold the library's advisory lock (one archive at a time); no-op where fcntl is missing."""
    library.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(library / LOCK, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _hidden_leftovers(library: Path) -> list[Path]:
    return sorted(p for p in library.iterdir() if p.name.startswith((_TMP, _OLD, _INDEX_TMP)))


def recover(library: Path | str) -> list[str]:
    """Undo or finish what a killed archive left (call with the lock held, or when no archive runs).

    An ``.old-<id>-*`` folder whose case ``<id>`` is missing is renamed back (the process died
    between moving the old case aside and moving the new one in); every other hidden leftover is
    removed. Returns the names dealt with.
    """
    library = Path(library)
    if not library.is_dir():
        return []
    done = []
    for p in _hidden_leftovers(library):
        if p.name.startswith(_OLD) and p.is_dir():
            case_id = p.name[len(_OLD) :].rsplit("-", 1)[0]
            if not (library / case_id).exists() and _complete(p, case_id):
                os.rename(p, library / case_id)
                done.append(p.name)
                continue
        if p.is_dir():
            shutil.rmtree(p)
        else:
            os.unlink(p)
        done.append(p.name)
    if done:
        _fsync_dir(library)
    return done


def _complete(folder: Path, case_id: str) -> bool:
    try:
        read_case(folder, case_id)
    except (CaseRecordError, ValidationError):
        return False
    return True

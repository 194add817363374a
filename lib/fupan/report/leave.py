"""Imported by the process ``fupan batch`` forks its runs from (multiprocessing's forkserver,
:data:`fupan.batch.PRELOAD`): when the batch is done with it, it leaves at once.

Python's own way out tears down every module that process imported — pandas, matplotlib,
nbconvert, the report's — which took 0.44 s after the batch's last line, while anything reading
the batch's output (a pipe, a log, a CI step) waited for it: the process still held the output it
inherited. It has nothing to save at its end (the runs it forked are theirs; it writes no file),
so an exit handler registered here ends it with :func:`os._exit` after flushing what it printed.
Only in the forkserver itself: nothing happens in any other process that imports this module,
nor in a process forked from the forkserver (a run, its kernel).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
from types import FrameType


def in_forkserver() -> bool:
    """Whether this module is being imported by multiprocessing's forkserver at its start (its
    ``main`` is on the stack of the import)."""
    main = getattr(sys.modules.get("multiprocessing.forkserver"), "main", None)
    if main is None:  # not imported: no forkserver in this process
        return False
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        if frame.f_code is main.__code__:
            return True
        frame = frame.f_back
    return False


def _leave(pid: int) -> None:
    if os.getpid() != pid:  # a process forked from the forkserver: its own way out
        return
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):  # a closed or broken stream: nothing to keep
            stream.flush()
    os._exit(0)


if in_forkserver():
    atexit.register(_leave, os.getpid())

"""A run's stages under ``fupan batch --jobs N``: the cores are lent stage by stage, not run by run.

A run is three stages in a row — validation (its kernel started beside it), the template's
execution on the kernel, the HTML export — of ~1.5, ~4.2 and ~0.7 s at the demo's size. A batch
that gave each of N workers a whole run at a time would end with its last runs alone on one core
(7 runs on 2 workers: one runs 4, so at most 7/4 = 1.75× the speed of 1 worker). ``fupan batch``
instead keeps one more run started than it has workers and lets each run's process work only
while it holds one of N *slots*; a run asks for a slot at each stage (:func:`switch`), and the
batch (:class:`fupan.batch.Slots`) gives a free one to the waiting stage with the most of its run
still ahead — a validation before an execution before an export — so that the last runs' stages
fill both cores instead of one.

Outside a batch (``fupan run``) :func:`switch` does nothing. This module imports nothing: a run
imports it before anything else.
"""

from __future__ import annotations

from typing import Any

#: The stages in their order in a run; a later one has less of its run ahead of it.
STAGES = ("validate", "execute", "export")

_conn: Any = None  # the batch's end of the pipe, in a run started by ``fupan batch``

#: The batch's answer to a run waiting for a slot when it is stopping (Ctrl-C): stop, not go on.
STOP = "stop"


def install(conn: Any) -> None:
    """In a run's process started by ``fupan batch``: ask ``conn`` for a slot at each stage."""
    global _conn
    _conn = conn


def switch(stage: str) -> None:
    """Give back the slot this run holds (if any) and wait for one to do ``stage`` (one of
    :data:`STAGES`). Does nothing outside a batch, or once the batch has stopped answering.
    Raises KeyboardInterrupt when the batch answers :data:`STOP` (it was stopped by Ctrl-C, which
    this run may not have received itself: one forked at that instant still ignores it)."""
    global _conn
    if _conn is None:
        return
    try:
        _conn.send(("stage", stage))
        answer = _conn.recv()
    except (EOFError, OSError):  # the batch is gone: the run goes on unpaced
        _conn = None
        return
    if answer == STOP:
        _conn = None
        raise KeyboardInterrupt

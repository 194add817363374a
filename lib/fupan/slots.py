"""A run's stages under ``fupan batch --jobs N``: the cores are lent piece by piece, not run by run.

A run is three stages in a row — validation (its kernel started beside it), the template's
execution on the kernel, the HTML export — of ~2.4, ~7 and ~0.4 s at the demo's size under
``--jobs 2`` (:data:`SHARES`). A batch that gave each of N workers a whole run at a time would end
with its last runs alone on one core (7 runs on 2 workers: one runs 4, so at most 7/4 = 1.75×
the speed of 1 worker). ``fupan batch`` instead starts more runs than it has workers and lets
each run's process work only while it holds one of N *slots*: a run asks for a slot at each stage
(:func:`switch`) and again before each code cell of the template (:mod:`fupan.report.paced`), so
that a slot can change hands every fraction of a second. The batch (:class:`fupan.batch.Slots`)
gives a free slot to the runs in the order they started, except its last ones, which share the
slots by how much of each run is still ahead (:func:`ahead`): they end together instead of one
after the other, the last alone.

Outside a batch (``fupan run``) :func:`switch` does nothing. This module imports nothing: a run
imports it before anything else.
"""

from __future__ import annotations

from typing import Any

#: Each stage's share of a run's time, in their order in a run, measured on demo campaigns under
#: ``fupan batch --jobs 2`` (~2.4 s validating, ~7.0 s executing, ~0.4 s exporting): how much of
#: a run is ahead of it.
SHARES = {"validate": 0.25, "execute": 0.70, "export": 0.05}

#: The stages in their order in a run.
STAGES = tuple(SHARES)

_conn: Any = None  # the batch's end of the pipe, in a run started by ``fupan batch``

#: The batch's answer to a run waiting for a slot when it is stopping (Ctrl-C): stop, not go on.
STOP = "stop"


def ahead(stage: str, done: float = 0.0) -> float:
    """The share of a run still ahead of it (1.0 at its start) once ``done`` (0–1) of ``stage``
    is done: that stage's share left and the whole of each later stage. An unknown stage is
    counted as the first."""
    i = STAGES.index(stage) if stage in STAGES else 0
    left = 1.0 - min(max(done, 0.0), 1.0)
    return SHARES[STAGES[i]] * left + sum(SHARES[s] for s in STAGES[i + 1 :])


def install(conn: Any) -> None:
    """In a run's process started by ``fupan batch``: ask ``conn`` for a slot at each stage."""
    global _conn
    _conn = conn


def paced() -> bool:
    """Whether this process's work is paced by a batch's slots."""
    return _conn is not None


def switch(stage: str, done: float = 0.0) -> None:
    """Give back the slot this run holds (if any) and wait for one to do ``stage`` (one of
    :data:`STAGES`), of which ``done`` (0–1) is done already — between two code cells of the
    template, the share of them executed. Does nothing outside a batch, or once the batch has
    stopped answering. Raises KeyboardInterrupt when the batch answers :data:`STOP` (it was
    stopped by Ctrl-C, which this run may not have received itself: one forked at that instant
    still ignores it)."""
    global _conn
    if _conn is None:
        return
    try:
        _conn.send(("stage", stage, done))
        answer = _conn.recv()
    except (EOFError, OSError):  # the batch is gone: the run goes on unpaced
        _conn = None
        return
    if answer == STOP:
        _conn = None
        raise KeyboardInterrupt

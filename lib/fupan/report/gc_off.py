"""Imported first by the process ``fupan batch`` forks its runs from (multiprocessing's
forkserver, :func:`fupan.batch._context`): the garbage collector off for the imports that follow.

An import makes no garbage worth a collection, yet each full collection during the forkserver's
imports walked every object they had made so far: five of them took 0.29 s of the 2.5 s of
imports (measured with ``gc.callbacks``), while the batch's other core had nothing to do and no
run could start. :mod:`fupan.report.gc_on`, imported last, freezes what the imports made and
turns the collector on again before the first run is forked. Nothing happens in any other process
that imports this module.
"""

from __future__ import annotations

import gc

from .leave import in_forkserver

if in_forkserver():
    gc.disable()

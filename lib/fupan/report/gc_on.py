"""Imported last by the process ``fupan batch`` forks its runs from (after
:mod:`fupan.report.gc_off` and the imports it paused the collector for): what the imports made
frozen (:func:`fupan.heap.settle`: the runs forked from there leave it out of their collections),
then the collector on again, so that every run starts with it on. Nothing happens in any other
process that imports this module.
"""

from __future__ import annotations

import gc

from ..heap import settle
from .leave import in_forkserver

if in_forkserver():
    try:
        settle()
    finally:  # whatever happened, no run is forked with the collector off
        gc.enable()

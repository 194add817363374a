"""Importing this module warms the HTML export (:func:`fupan.report.run.warm_export`).

``fupan batch`` names it among the modules its runs' forkserver imports
(:data:`fupan.batch.PRELOAD`), so that the export's one-off work — nbconvert's templates and code
highlighter compiled, the CJK font read, and the report's own HTML fragments compiled for
the kernels forked from there — is done once for the whole batch, and inherited by every
run forked from there, instead of once per run beside its kernel (~0.5 CPU-seconds each, which on
a busy machine is time taken from the other runs). A warm-up that fails leaves each run to do it.
What it made is frozen with what the imports made (:mod:`fupan.report.gc_on`, imported after it).
"""

import contextlib

from .html import compile_fragments
from .run import _warm_quietly

_warm_quietly()
with contextlib.suppress(Exception):  # the kernels forked from here find them compiled
    compile_fragments()

"""Importing this module warms the HTML export (:func:`fupan.report.run.warm_export`).

``fupan batch`` names it among the modules its runs' forkserver imports
(:data:`fupan.batch.WARM_PRELOAD`), so that the export's one-off work — nbconvert's templates and
code highlighter compiled, the CJK font read — is done once for the whole batch, and inherited by
every run forked from there, instead of once per run beside its kernel (~0.5 CPU-seconds each,
which on a busy machine is time taken from the other runs). A warm-up that fails leaves each run
to do it. (The kernels' own warm-up — their modules, the report's HTML fragments — is the batch's
kernel server's: :mod:`fupan.report.kernelserver`.)
"""

from ..heap import settle
from .run import _warm_quietly

_warm_quietly()
settle()  # what the runs inherit, left out of their collections

"""The objects a process holds once it has imported and warmed what it needs, left out of the
garbage collector's later passes.

Python's full collection walks every container object alive — after the imports of pandas,
matplotlib, nbconvert and the report's modules, hundreds of thousands of them, none of which
will ever be garbage. A report's kernel and its run process each paid 0.1–0.3 s for it (measured
with ``gc.callbacks`` on a demo-size run), and in a batch a run forked from the forkserver paid
more (0.16 s per full collection in each run process and each kernel): the collector writes into
every inherited object's header, so each collection also copies the forkserver's pages into the
child. :func:`settle` moves what is alive into the collector's permanent generation
(:func:`gc.freeze`); collections after it walk only what the run itself made (0.005–0.02 s).
"""

from __future__ import annotations

import atexit
import functools
import gc

#: Whether this process is a fupan command's own (set by :func:`fupan.cli.main`): it ends with
#: its command. A Python session that calls fupan's functions (a notebook, a script) is not, and
#: keeps collecting all it holds as it always did: a frozen object that later becomes part of a
#: garbage cycle is never freed while the process lives.
command_process = False


def settle_command() -> None:
    """:func:`settle` in a fupan command's process (:data:`command_process`); nothing elsewhere."""
    if command_process:
        settle()


def settle() -> None:
    """Freeze what this process holds now (module docstring). At the interpreter's exit they are
    handed back to the collector (:func:`gc.unfreeze`), so that its last pass frees them as it
    would have: DuckDB's bindings (nanobind) report objects still alive at that point as leaks."""
    gc.freeze()
    _unfreeze_at_exit()


@functools.cache
def _unfreeze_at_exit() -> None:
    atexit.register(gc.unfreeze)

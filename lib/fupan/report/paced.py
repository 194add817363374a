"""papermill's nbclient engine, giving a batch's slot back between the template's code cells.

Under ``fupan batch --jobs N`` a run works only while it holds one of the batch's N slots
(:mod:`fupan.slots`). Its execution stage is ~70 % of a run, most of it in ~40 code cells of
0.01–0.4 s after the first one (the retrospective's load, ~60 % of the stage): asked for again
before each code cell, with the share of cells executed, a slot can go to the batch's other runs
every fraction of a second — so the batch's last runs share the cores to their ends instead of
the last one executing alone (:class:`fupan.batch.Slots`).

The wait happens before papermill marks the cell started, so a cell's recorded time is its own.
Outside a batch nothing is asked (:func:`fupan.slots.paced`): the engine is papermill's.
"""

from __future__ import annotations

from typing import Any

from papermill.engines import NBClientEngine, papermill_engines

from ..slots import paced, switch

#: The name the engine is registered under in papermill's registry of engines.
NAME = "fupan-paced"


class PacedEngine(NBClientEngine):
    """:class:`papermill.engines.NBClientEngine`, asking the batch for a slot before every code
    cell but the first (which runs in the slot the execution stage was given)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
        if paced():
            code = [i for i, cell in enumerate(nb_man.nb.cells) if cell.cell_type == "code"]
            order: dict[int | None, int] = {index: n for n, index in enumerate(code)}
            start = nb_man.cell_start

            def cell_start(cell: Any, cell_index: int | None = None, **kw: Any) -> Any:
                n = order.get(cell_index, 0)  # 0: the first code cell (or no index given)
                if n:
                    switch("execute", n / len(code))
                return start(cell, cell_index, **kw)

            nb_man.cell_start = cell_start
        return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)


papermill_engines.register(NAME, PacedEngine)

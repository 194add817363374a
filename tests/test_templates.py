"""Templates are code: stripped, paired with their percent script, five stages in order, and a
`parameters` cell of annotated literals only (papermill injects after it)."""

from __future__ import annotations

import ast

import jupytext
import nbformat
import pytest

from fupan.config import TEMPLATE

TEMPLATES = sorted(TEMPLATE.parent.glob("*.ipynb"))
STAGES = ["背景", "策略", "执行", "结果", "复盘"]
FRAME = ("一页纸结论", "附录")


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_is_stripped_and_in_sync_with_its_script(path):
    nb = nbformat.read(path, as_version=4)
    assert all(
        not c.get("outputs") and c.get("execution_count") is None
        for c in nb.cells
        if c.cell_type == "code"
    )
    script = jupytext.read(path.with_suffix(".py"))
    assert [(c.cell_type, c.source) for c in script.cells] == [
        (c.cell_type, c.source) for c in nb.cells
    ], "the template .py and .ipynb differ: run `jupytext --sync` on the template"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_parameters_cell_holds_annotated_literals_only(path):
    nb = nbformat.read(path, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    for node in ast.parse(params[0].source).body:
        assert isinstance(node, ast.AnnAssign) and isinstance(node.value, ast.Constant), ast.dump(
            node
        )


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_five_stages_are_the_top_level_sections_in_order(path):
    nb = nbformat.read(path, as_version=4)
    tops = [
        line[2:].split()[0]
        for c in nb.cells
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("# ")
    ]
    # the one-page summary comes first and the appendix last: they frame the five stages
    assert tops == [FRAME[0], *STAGES, FRAME[1]]

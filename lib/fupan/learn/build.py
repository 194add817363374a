"""Student and instructor copies of a worked example, from one source notebook.

The source (``notebooks/src/NN_name.py``, jupytext percent format) marks each solution::

    # BEGIN SOLUTION answer_1
    answer_1 = r.kpis.loc["burst", "net_gmv"]      # computed through the library
    ex1.mistake(r.kpis.loc["burst", "gmv"], "…", "…")
    # END SOLUTION
    ex1.check(answer_1)

- the **instructor copy** (``notebooks/instructor/NN_name.ipynb``) keeps the solutions and is
  executed with ``FUPAN_LEARN_RECORD=1``: each check records the salted hash of its answer (and of
  the declared mistakes) into ``notebooks/keys/NN.json``;
- the **student copy** (``notebooks/NN_name.ipynb``) has each block replaced by
  ``answer_1 = ...`` and is executed against that key, so its checks say “not attempted”.

The plaintext answer is in neither the student copy nor the key. ``python -m fupan.learn.build``
rebuilds every example (``make notebooks``).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .exercises import KEYS_ENV, RECORD_ENV

KERNEL = "fupan"
BLOCK = re.compile(r"^# BEGIN SOLUTION (?P<name>\w+)\n(?P<body>.*?)^# END SOLUTION\n", re.S | re.M)
STUB = "{name} = ...  # 在这里作答 / your answer here\n"


def student_source(text: str) -> str:
    """The source with every solution block replaced by its stub (``name = ...``)."""
    out = BLOCK.sub(lambda m: STUB.format(name=m.group("name")), text)
    if "BEGIN SOLUTION" in out or "END SOLUTION" in out:
        raise ValueError("unbalanced # BEGIN SOLUTION / # END SOLUTION markers")
    return out


def instructor_source(text: str) -> str:
    """The source with the solutions in and the markers out."""
    return BLOCK.sub(lambda m: m.group("body"), text)


@contextmanager
def _env(**values: str | None) -> Iterator[None]:
    old = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def execute(text: str, cwd: Path, kernel: str = KERNEL, timeout: int = 900) -> Any:
    """The jupytext source ``text`` as a notebook, executed in ``cwd`` with ``kernel``."""
    import jupytext  # type: ignore[import-untyped]
    from nbclient import NotebookClient

    nb = jupytext.reads(text, fmt="py:percent")
    nb.metadata["kernelspec"] = {
        "name": kernel,
        "display_name": "Python (fupan)",
        "language": "python",
    }
    nb.metadata.pop("jupytext", None)
    NotebookClient(
        nb, timeout=timeout, kernel_name=kernel, resources={"metadata": {"path": str(cwd)}}
    ).execute()
    return nb


def build(source: Path, notebooks: Path, kernel: str = KERNEL) -> tuple[Path, Path]:
    """Write the instructor copy (recording the key) and the student copy of ``source``."""
    import nbformat

    text = Path(source).read_text(encoding="utf-8")
    name = Path(source).stem
    keys = (notebooks / "keys").resolve()
    instructor_dir = notebooks / "instructor"
    instructor_dir.mkdir(parents=True, exist_ok=True)
    with _env(**{RECORD_ENV: "1", KEYS_ENV: str(keys)}):
        nb = execute(instructor_source(text), notebooks, kernel)
    nb.metadata["fupan"] = {"copy": "instructor", "source": f"src/{name}.py"}
    instructor = instructor_dir / f"{name}.ipynb"
    nbformat.write(nb, instructor)
    with _env(**{RECORD_ENV: None, KEYS_ENV: None}):
        nb = execute(student_source(text), notebooks, kernel)
    nb.metadata["fupan"] = {"copy": "student", "source": f"src/{name}.py"}
    student = notebooks / f"{name}.ipynb"
    nbformat.write(nb, student)
    return student, instructor


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="build the student and instructor copies")
    parser.add_argument("names", nargs="*", help="source names (default: every notebooks/src/*.py)")
    parser.add_argument("--notebooks", type=Path, default=Path("notebooks"))
    parser.add_argument("--kernel", default=KERNEL)
    args = parser.parse_args(argv)
    sources = sorted((args.notebooks / "src").glob("*.py"))
    if args.names:
        sources = [s for s in sources if any(s.stem.startswith(n) for n in args.names)]
    for src in sources:
        student, instructor = build(src, args.notebooks, args.kernel)
        sys.stderr.write(f"✔ {student} · {instructor}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

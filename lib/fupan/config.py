"""Where fupan reads and writes when not told otherwise: every default path, in one place.

Relative paths are relative to the folder the command runs in (a team's working folder, or the
repository for the demo); the CLI options ``--out``, ``--library`` and ``--template`` override
them. The report template is the one inside the installed package, so that ``fupan run`` works
from a wheel as well as from the repository. The pseudonymisation salt lives outside any
repository (DESIGN.md, "Safe to share"; :mod:`fupan.ingest.privacy`).
"""

from __future__ import annotations

import os
from pathlib import Path

#: Reports written by ``fupan run``: ``reports/<case id>/{report.html, report.ipynb, case.json}``.
REPORTS = Path("reports")
#: The case library ``fupan site`` and ``fupan compare`` read: one folder per archived case.
CASE_LIBRARY = Path("case_library")
#: The static knowledge-base site written by ``fupan site``.
SITE = Path("site")
#: The seeded demo campaign written by ``fupan demo`` (and read by ``make demo``).
DEMO = Path("data") / "demo"
#: The report template: a stripped notebook shipped as package data (its jupytext script sits
#: beside it in the source tree).
TEMPLATE = Path(__file__).resolve().parent / "report" / "templates" / "retrospective.ipynb"
#: The environment variable naming the salt file (CI and shared runners point it at one file).
SALT_ENV = "FUPAN_SALT_FILE"
#: The environment variable capping the cores one run uses — DuckDB's threads and the analyses'
#: workers; ``fupan batch --jobs N`` sets it to cores // N for each of its runs.
THREADS_ENV = "FUPAN_THREADS"


def threads() -> int | None:
    """The cores one run may use: ``$FUPAN_THREADS`` when it is a positive integer, else None
    (every core of the machine)."""
    value = os.environ.get(THREADS_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def salt_file() -> Path:
    """Where the salt lives: ``$FUPAN_SALT_FILE``, else ``$XDG_CONFIG_HOME/fupan/salt``.

    ``XDG_CONFIG_HOME`` defaults to ``~/.config``; either way the salt is never inside a
    repository or a case library.
    """
    if os.environ.get(SALT_ENV):
        return Path(os.environ[SALT_ENV]).expanduser()
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "fupan" / "salt"

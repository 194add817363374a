"""Benchmark a campaign against the case library (METHODS.md §6): ``fupan compare`` and 结果.

:func:`benchmark` takes a case record, a :class:`~fupan.analysis.retrospective.Retrospective` or a
campaign folder, reads the library, and returns a frozen :class:`Benchmark`: the peer position on
every normalised KPI (:mod:`.kpis`), actual vs plan against peer quartiles, the k most similar
cases by Gower similarity over card attributes, their daily GMV index aligned by promotion day,
and a reuse-risk checklist built from those cases' own lessons and misses.
:mod:`fupan.report.sections.benchmark` draws it (an HTML fragment or a whole offline page).
"""

from .attributes import (
    FESTIVALS,
    K_NEAREST,
    MIN_PEERS,
    NOMINAL,
    NUMERIC,
    PEER_LEVELS,
    RISK_THEMES,
    Attributes,
    CaseView,
    attributes,
    case_view,
    festival,
)
from .model import Benchmark, Bullet, Evidence, Neighbour, Position, Risk, VersionNote
from .peers import theme_of, version_note
from .run import benchmark, resolve_subject

__all__ = [
    "FESTIVALS",
    "K_NEAREST",
    "MIN_PEERS",
    "NOMINAL",
    "NUMERIC",
    "PEER_LEVELS",
    "RISK_THEMES",
    "Attributes",
    "Benchmark",
    "Bullet",
    "CaseView",
    "Evidence",
    "Neighbour",
    "Position",
    "Risk",
    "VersionNote",
    "attributes",
    "benchmark",
    "case_view",
    "festival",
    "resolve_subject",
    "theme_of",
    "version_note",
]

"""The benchmark's result types: a KPI's peer position, a bullet, a neighbour, the reuse risks,
a 口径 version note and the whole :class:`Benchmark`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .attributes import CaseView


@dataclass(frozen=True)
class Position:
    """One normalised KPI: the case's value against its peers (peer set of the Benchmark)."""

    key: str
    value: float | None
    n: int  # peers with the KPI measured (and the same currency for money KPIs)
    percentile: (
        float | None
    )  # scipy kind "rank", oriented so that higher = better; None below MIN_PEERS
    rank: tuple[int, int] | None  # (place, out of n + 1), better first
    z: float | None  # robust peer z, (x − median)/(1.4826·MAD), in the KPI's own direction
    quartiles: tuple[float, float, float] | None
    peers: tuple[float, ...]
    same_currency_only: bool
    #: peers that measured a money KPI in another currency (left out: not comparable)
    other_currency: int = 0


@dataclass(frozen=True)
class Bullet:
    """Actual vs plan of one card target, with the peers' P25/P50/P75 (Few's bullet graph)."""

    kpi: str
    mode: str  # "value": in the KPI's own unit; "achievement": actual/plan (scale KPIs)
    actual: float | None
    plan: float
    n: int
    quartiles: tuple[float, float, float] | None


@dataclass(frozen=True)
class Neighbour:
    case: CaseView
    similarity: float
    #: the attributes known for both cases (Gower's δ = 1) and how many there are: a similarity
    #: over fewer attributes is shown with its count, since a case missing one looks closer
    compared: int = 0
    attributes: int = 0


@dataclass(frozen=True)
class Evidence:
    text: str  # as written (lessons) or in the report's language pair (misses: zh||en)
    source: str  # "to_improve" | "miss"
    cases: tuple[str, ...]


@dataclass(frozen=True)
class Risk:
    theme: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class VersionNote:
    case_id: str
    version: str
    differing: tuple[str, ...] | None  # KPI keys whose definitions differ; None = not known


@dataclass(frozen=True)
class Benchmark:
    subject: CaseView
    library: Path
    library_size: int  # cases in the library other than the subject
    peer_level: str
    peer_counts: dict[str, int]  # cases at each peer level
    peer_ids: tuple[str, ...]
    positions: tuple[Position, ...]
    bullets: tuple[Bullet, ...]
    nearest: tuple[Neighbour, ...]
    scale_peers: dict[str, tuple[float, ...]]  # gmv (same currency), uv
    risks: tuple[Risk, ...]
    versions: tuple[VersionNote, ...]
    min_peers: int
    #: library cases left out as the subject itself under another id: the same data files
    twins: tuple[str, ...] = ()

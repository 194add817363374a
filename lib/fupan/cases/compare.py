"""Benchmark a campaign against the case library (METHODS.md §6): ``fupan compare`` and 结果.

:func:`benchmark` takes a case record, a :class:`~fupan.analysis.retrospective.Retrospective` or a
campaign folder, reads the library, and returns a frozen :class:`Benchmark`: the peer position on
every normalised KPI (:mod:`.kpis`), actual vs plan against peer quartiles, the k most similar
cases by Gower similarity over card attributes, their daily GMV index aligned by promotion day,
and a reuse-risk checklist built from those cases' own lessons and misses.
:mod:`.benchmark_report` draws it (an HTML fragment or a whole offline page).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..dictionary import DEFINITIONS_VERSION, KPI_DEFINITIONS
from ..metrics.benchmark import competition_rank, daily_gmv_index, percentile_rank, robust_peer_z
from ..metrics.similarity import gower_similarity
from .kpis import METRICS, num, target_achievement

MIN_PEERS = 10  # below this many peers, raw ranks instead of percentiles (METHODS.md §6)
K_NEAREST = 5
#: (zh, en) of each peer level, narrowest first; the first with ≥ MIN_PEERS cases is used
PEER_LEVELS = ("platform_category", "category", "platform", "library")
NOMINAL = ("platform", "category", "festival")
NUMERIC = ("duration_days", "discount_depth", "log_budget")
FESTIVALS: dict[str, tuple[str, str]] = {
    "d11": ("双十一", "Double 11"),
    "618": ("618", "618"),
    "d12": ("双十二", "Double 12"),
    "black_friday": ("黑五", "Black Friday"),
    "cny": ("年货节", "New Year festival"),
    "women_day": ("三八节", "Women's Day"),
    "brand_day": ("品牌日", "Brand day"),
    "live": ("直播专场", "Live-stream special"),
    "other": ("其他", "Other"),
}
_FESTIVAL_WORDS = (
    ("d11", r"双\s*十一|双\s*11|11\.11|double\s*11|singles'?\s*day"),
    ("d12", r"双\s*十二|双\s*12|12\.12|double\s*12"),
    ("618", r"618|6\.18"),
    ("black_friday", r"黑五|黑色星期五|black\s*friday|cyber\s*monday"),
    ("cny", r"年货|春节|spring\s*festival|chinese\s*new\s*year"),
    ("women_day", r"三八|女神节|女王节|women'?s\s*day"),
    ("brand_day", r"品牌日|brand\s*day"),
    ("live", r"直播专场|直播特卖|live[- ]?stream\s*special"),
)
#: themes of the reuse-risk checklist, in order; a lesson goes to the first whose words it holds
RISK_THEMES = ("resources", "timing", "coordination", "metric_focus", "other")
_THEME_WORDS = {
    "resources": r"库存|断货|缺货|备货|补货|预算|人手|人力|产能|仓|赠品|stock|inventory|budget|staff|capacity|warehouse|replenish",
    "timing": r"预售|定金|节奏|时段|零点|提前|延迟|推迟|回落|透支|预热|返场|高峰|峰值|timing|pac(e|ing)|presale|deposit|"
    r"pull(ed)?[- ]forward|\bdip\b|peak|schedule|too (late|early)",
    "coordination": r"协同|协调|代理|达人|主播|沟通|客服|系统|物流|对接|分工|审核|供应链|agency|kol|host|coordinat|handover|"
    r"system|logistic|customer service|approval|supply chain",
    "metric_focus": r"roi|毛利|转化|复购|客单价|新客|roas|投产|退款|目标|漏斗|margin|repeat|conversion|aov|new.customer|"
    r"refund|target|funnel|profit",
}
_METRIC_THEME = {
    "stockouts": "resources",
    "incremental_gmv": "timing",
    "pull_forward": "timing",
    "day_anomaly": "timing",
}


@dataclass(frozen=True)
class Attributes:
    """What cases are matched on (Gower): nominal platform, category, festival; numeric duration
    (campaign days, pre-heat to post), discount depth (1 − promo/regular revenue of the units
    sold, from the margin analysis) and log10 of the card's total budget."""

    platform: str
    category: str
    festival: str
    festival_source: str  # card | name | dates | none
    duration_days: float | None
    discount_depth: float | None
    log_budget: float | None


@dataclass(frozen=True)
class CaseView:
    case_id: str
    name: str
    currency: str
    definitions_version: str
    attributes: Attributes
    values: dict[str, float | None]  # normalised KPIs (kpis.METRICS)
    gmv: float | None
    uv: float | None
    report: Path | None  # the case's report.html in the library, if there
    lessons: tuple[str, ...]  # card retrospective.to_improve
    misses: tuple[tuple[str, str], ...]  # findings of kind "miss": (zh, en)
    miss_metrics: tuple[str, ...]
    daily: tuple[tuple[int, float], ...] | None  # (promotion day, GMV index)
    provenance: str = (
        "unknown"  # real | synthetic | unknown (card field, else as fupan site derives it)
    )


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


# --------------------------------------------------------------------------- reading a record


def festival(card: dict) -> tuple[str, str]:
    """(festival key, where it came from): the card's ``festival`` field or tags, else words in the
    name, else the burst window's dates (holds 11-11, 06-18, 12-12 or Black Friday), else other."""
    for value in [card.get("festival"), *(card.get("tags") or [])]:
        if isinstance(value, str) and value in FESTIVALS:
            return value, "card"
    name = str(card.get("name") or "")
    for key, pattern in _FESTIVAL_WORDS:
        if re.search(pattern, name, re.I):
            return key, "name"
    burst = (card.get("windows") or {}).get("burst") or {}
    try:
        start, end = (
            dt.date.fromisoformat(str(burst["start"])[:10]),
            dt.date.fromisoformat(str(burst["end"])[:10]),
        )
    except (KeyError, ValueError):
        return "other", "none"
    for year in range(start.year, end.year + 1):
        nov1 = dt.date(year, 11, 1)
        black_friday = nov1 + dt.timedelta(days=(3 - nov1.weekday()) % 7 + 22)
        for key, day in (
            ("d11", dt.date(year, 11, 11)),
            ("618", dt.date(year, 6, 18)),
            ("d12", dt.date(year, 12, 12)),
            ("black_friday", black_friday),
        ):
            if start <= day <= end:
                return key, "dates"
    return "other", "none"


def attributes(record: dict) -> Attributes:
    card = record.get("card") or {}
    windows = card.get("windows") or {}
    try:
        first = windows.get("preheat") or windows["burst"]
        last = windows.get("post") or windows["burst"]
        duration = float(
            (
                dt.date.fromisoformat(last["end"][:10]) - dt.date.fromisoformat(first["start"][:10])
            ).days
            + 1
        )
    except (KeyError, TypeError, ValueError):
        duration = num(((record.get("kpis") or {}).get("campaign") or {}).get("days"))
    budget = sum(
        v for v in ((card.get("strategy") or {}).get("budget") or {}).values() if num(v) is not None
    )
    fest, source = festival({**card, "name": card.get("name") or record.get("name")})
    return Attributes(
        str(card.get("platform") or "other"),
        str(card.get("category") or ""),
        fest,
        source,
        duration,
        num(((record.get("analyses") or {}).get("margin") or {}).get("discount_depth")),
        math.log10(budget) if budget > 0 else None,
    )


def _daily_from_record(record: dict) -> tuple[tuple[int, float], ...] | None:
    """The record's ``daily_gmv_index`` (top level or under ``analyses``): rows {day, index}."""
    rows = record.get("daily_gmv_index") or (record.get("analyses") or {}).get("daily_gmv_index")
    if not isinstance(rows, list):
        return None
    out = [
        (int(r["day"]), float(r["index"]))
        for r in rows
        if isinstance(r, dict) and isinstance(r.get("day"), int) and num(r.get("index")) is not None
    ]
    return tuple(sorted(out)) or None


def case_view(
    record: dict,
    report: Path | None = None,
    daily: tuple[tuple[int, float], ...] | None = None,
    provenance: str | None = None,
) -> CaseView:
    card = record.get("card") or {}
    if provenance is None:
        from .site.build import _provenance

        provenance = _provenance(record, {})
    camp = (record.get("kpis") or {}).get("campaign") or {}
    misses = [
        f for f in record.get("findings") or [] if isinstance(f, dict) and f.get("kind") == "miss"
    ]
    return CaseView(
        case_id=str(record["case_id"]),
        name=str(record.get("name") or record["case_id"]),
        currency=str(card.get("currency") or "CNY"),
        definitions_version=str(record.get("definitions_version") or "?"),
        attributes=attributes(record),
        values={m.key: m.get(record) for m in METRICS},
        gmv=num(camp.get("gmv")),
        uv=num(camp.get("uv")),
        report=report,
        lessons=tuple(str(x) for x in (card.get("retrospective") or {}).get("to_improve") or []),
        misses=tuple(
            (str(f.get("zh") or f.get("en") or ""), str(f.get("en") or f.get("zh") or ""))
            for f in misses
        ),
        miss_metrics=tuple(str(f.get("metric") or "") for f in misses),
        daily=daily if daily is not None else _daily_from_record(record),
        provenance=provenance,
    )


def _subject(subject: Any) -> tuple[dict, tuple[tuple[int, float], ...] | None]:
    """(record, daily index) of a record dict, a Retrospective or a campaign folder."""
    if isinstance(subject, dict):
        return subject, None
    if isinstance(subject, str | Path):
        from ..analysis.retrospective import load_retrospective

        subject = load_retrospective(subject)
    from .record import build_record

    r = subject
    record = build_record(r, parameters={}, reproduce="")
    base = float(r.kpis.at["baseline", "gmv_per_day"])
    if not (math.isfinite(base) and base > 0):
        return record, None
    idx = daily_gmv_index(r.agg.daily, base, r.card.windows.burst.start)
    return record, tuple(
        zip(idx["day"].astype(int).tolist(), idx["index"].astype(float).tolist(), strict=True)
    )


def resolve_subject(subject: str | Path, library: Path | str) -> dict | Path:
    """What ``fupan compare SUBJECT`` names: a campaign folder (holds campaign.yaml) → that folder;
    a case.json, or a folder holding one (a run's output) → its checked record; a case id of the
    library → that case's record. Anything else is a ValidationError saying what was looked for."""
    from ..errors import Problem, ValidationError
    from .record import read_record

    path = Path(subject)
    if path.is_dir() and (path / "campaign.yaml").is_file():
        return path
    if path.is_file() and path.suffix == ".json":
        return read_record(path)
    if path.is_dir() and (path / "case.json").is_file():
        return read_record(path / "case.json")
    lib = Path(library)
    if re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", str(subject)) and lib.is_dir():
        if (lib / str(subject) / "case.json").is_file():
            return read_record(lib / str(subject) / "case.json")
        for rec_path in sorted(lib.glob("*/case.json")):
            if not rec_path.parent.name.startswith("."):
                record = read_record(rec_path)
                if record["case_id"] == subject:
                    return record
    raise ValidationError(
        [
            Problem(
                "no_compare_subject",
                str(subject),
                f"找不到要对标的对象 {subject}：既不是含 campaign.yaml 的活动文件夹，也不是 case.json，也不是案例库 {lib} 中的案例编号。",
                f"Nothing to compare found at {subject}: not a campaign folder (with campaign.yaml), not a case.json, "
                f"and not a case id in the library {lib}.",
                column="SUBJECT",
            )
        ]
    )


# --------------------------------------------------------------------------- the benchmark


def _peer_level(
    subject: CaseView, others: list[CaseView], min_peers: int
) -> tuple[str, dict[str, int], list[CaseView]]:
    a = subject.attributes
    tests = {
        "platform_category": lambda c: (
            c.attributes.platform == a.platform and c.attributes.category == a.category
        ),
        "category": lambda c: c.attributes.category == a.category,
        "platform": lambda c: c.attributes.platform == a.platform,
        "library": lambda c: True,
    }
    groups = {level: [c for c in others if tests[level](c)] for level in PEER_LEVELS}
    counts = {level: len(g) for level, g in groups.items()}
    level = next((lv for lv in PEER_LEVELS if counts[lv] >= min_peers), "library")
    return level, counts, groups[level]


def _quartiles(values: list[float]) -> tuple[float, float, float] | None:
    if len(values) < 3:
        return None
    q = np.percentile(values, [25, 50, 75])  # linear interpolation (Hyndman–Fan type 7)
    return float(q[0]), float(q[1]), float(q[2])


def _position(metric, subject: CaseView, peers: list[CaseView], min_peers: int) -> Position:
    money = metric.unit == "money"
    pool = [c for c in peers if not money or c.currency == subject.currency]
    values = [v for c in pool if (v := c.values[metric.key]) is not None]
    x = subject.values[metric.key]
    pct = rank = z = None
    if x is not None and values:
        sign = 1.0 if metric.higher_is_better else -1.0
        if len(values) >= min_peers:
            pct = percentile_rank([sign * v for v in values], sign * x, "rank")
        else:
            rank = competition_rank(values, x, metric.higher_is_better)
        if len(values) >= 3:
            zz = robust_peer_z(values, x)
            z = zz if math.isfinite(zz) else None
    return Position(
        metric.key, x, len(values), pct, rank, z, _quartiles(values), tuple(values), money
    )


def _bullets(
    record: dict, peers: list[CaseView], peer_records: dict[str, dict]
) -> tuple[Bullet, ...]:
    out = []
    for t in record.get("targets") or []:
        kpi, plan = t.get("kpi"), num(t.get("target"))
        if kpi not in KPI_DEFINITIONS or plan is None:
            continue
        if KPI_DEFINITIONS[kpi].unit in ("money", "count"):  # scale: compare achievement, not size
            actual = num(t.get("achievement"))
            values = [
                v
                for c in peers
                if (v := target_achievement(peer_records[c.case_id], kpi)) is not None
            ]
            out.append(Bullet(kpi, "achievement", actual, 1.0, len(values), _quartiles(values)))
        else:
            actual = num(t.get("actual"))
            values = [
                v
                for c in peers
                if (
                    v := num(
                        ((peer_records[c.case_id].get("kpis") or {}).get("campaign") or {}).get(kpi)
                    )
                )
                is not None
            ]
            out.append(Bullet(kpi, "value", actual, plan, len(values), _quartiles(values)))
    return tuple(out)


def _nearest(subject: CaseView, others: list[CaseView], k: int) -> tuple[Neighbour, ...]:
    if not others:
        return ()
    cols = [*NOMINAL, *NUMERIC]

    def row(c: CaseView) -> dict:
        return {name: getattr(c.attributes, name) for name in cols}

    x = pd.DataFrame([row(subject)], columns=cols).astype({n: object for n in NOMINAL})
    y = pd.DataFrame([row(c) for c in others], columns=cols).astype({n: object for n in NOMINAL})
    x[list(NUMERIC)] = x[list(NUMERIC)].astype(float)
    y[list(NUMERIC)] = y[list(NUMERIC)].astype(float)
    sim = gower_similarity(x, y, nominal=NOMINAL)[0]
    order = sorted(
        range(len(others)),
        key=lambda i: (-(sim[i] if np.isfinite(sim[i]) else -1.0), others[i].case_id),
    )
    return tuple(Neighbour(others[i], float(sim[i])) for i in order[:k] if np.isfinite(sim[i]))


def theme_of(text: str, metric: str = "") -> str:
    """The reuse-risk theme of a lesson or miss: the first theme whose words it holds, else the
    theme of its finding's metric, else metric focus for a finding and ``other`` for a lesson."""
    for theme in RISK_THEMES[:-1]:
        if re.search(_THEME_WORDS[theme], text, re.I):
            return theme
    if metric:
        return _METRIC_THEME.get(metric, "metric_focus")
    return "other"


def _risks(nearest: tuple[Neighbour, ...]) -> tuple[Risk, ...]:
    found: dict[str, dict[tuple[str, str], list[str]]] = {t: {} for t in RISK_THEMES}
    for nb in nearest:
        c = nb.case
        for text in c.lessons:
            found[theme_of(text)].setdefault((text, "to_improve"), []).append(c.case_id)
        for (zh, en), metric in zip(c.misses, c.miss_metrics, strict=True):
            found[theme_of(f"{zh} {en}", metric or "funnel")].setdefault(
                (f"{en}||{zh}", "miss"), []
            ).append(c.case_id)
    return tuple(
        Risk(t, tuple(Evidence(text, src, tuple(ids)) for (text, src), ids in found[t].items()))
        for t in RISK_THEMES
        if t != "other" or found[t]
    )


def _known_definitions() -> dict[str, dict[str, str]]:
    """Definitions of each 口径 version this installation knows: only the current one is stored."""
    return {DEFINITIONS_VERSION: {k: d.definition_en for k, d in KPI_DEFINITIONS.items()}}


def version_note(case_id: str, version: str, against: str) -> VersionNote | None:
    if version == against:
        return None
    known = _known_definitions()
    if version in known and against in known:
        a, b = known[version], known[against]
        return VersionNote(
            case_id, version, tuple(sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k)))
        )
    return VersionNote(case_id, version, None)


def benchmark(
    subject: Any, library: Path | str, *, k: int = K_NEAREST, min_peers: int = MIN_PEERS
) -> Benchmark:
    """Rank ``subject`` among the cases of ``library`` and find its nearest cases (METHODS.md §6).

    ``subject``: a case record (dict, e.g. from :func:`~fupan.cases.read_record`), a
    :class:`~fupan.analysis.retrospective.Retrospective` (what the report template holds), or a
    campaign folder (computed here). A library case with the subject's id is the subject itself
    and is left out. Peers: the same platform × category when there are ≥ ``min_peers`` of them,
    else the same category, the same platform, the whole library — the first level with
    ``min_peers`` cases, else the whole library with raw ranks instead of percentiles.
    """
    from .site.build import load_library

    record, daily = _subject(subject)
    subj = case_view(record, daily=daily)
    cases, _ = load_library(Path(library))
    records = {c.id: c.record for c in cases if c.id != subj.case_id}
    others = [
        case_view(
            c.record,
            c.folder / "report.html" if (c.folder / "report.html").is_file() else None,
            provenance=c.provenance,
        )
        for c in cases
        if c.id != subj.case_id
    ]
    level, counts, peers = _peer_level(subj, others, min_peers)
    nearest = _nearest(subj, others, k)
    used = {c.case_id: c.definitions_version for c in [*peers, *(n.case for n in nearest)]}
    versions = [
        v
        for cid, ver in sorted(used.items())
        if (v := version_note(cid, ver, subj.definitions_version))
    ]
    if (
        own := version_note(subj.case_id, subj.definitions_version, DEFINITIONS_VERSION)
    ) is not None:
        versions.insert(0, own)
    return Benchmark(
        subject=subj,
        library=Path(library),
        library_size=len(others),
        peer_level=level,
        peer_counts=counts,
        peer_ids=tuple(c.case_id for c in peers),
        positions=tuple(_position(m, subj, peers, min_peers) for m in METRICS),
        bullets=_bullets(record, peers, records),
        nearest=nearest,
        scale_peers={
            "gmv": tuple(c.gmv for c in peers if c.gmv and c.currency == subj.currency),
            "uv": tuple(c.uv for c in peers if c.uv),
        },
        risks=_risks(nearest),
        versions=tuple(versions),
        min_peers=min_peers,
    )

"""Peers and neighbours (METHODS.md §6): the peer level, each KPI's position among the peers,
bullets against peer quartiles, the nearest cases by Gower similarity, the reuse risks from
their lessons and misses, and the 口径 version notes."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

from ...dictionary import DEFINITIONS_VERSION, KPI_DEFINITIONS
from ...metrics.benchmark import competition_rank, percentile_rank, robust_peer_z
from ...metrics.similarity import gower_similarity
from ..kpis import num, target_achievement
from .attributes import (
    _METRIC_THEME,
    _THEME_WORDS,
    NOMINAL,
    NUMERIC,
    PEER_LEVELS,
    RISK_THEMES,
    CaseView,
)
from .model import Bullet, Evidence, Neighbour, Position, Risk, VersionNote


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
    elsewhere = sum(  # measured, but in another currency: not comparable, yet not 'unmeasured'
        1
        for c in peers
        if money and c.currency != subject.currency and c.values[metric.key] is not None
    )
    return Position(
        metric.key,
        x,
        len(values),
        pct,
        rank,
        z,
        _quartiles(values),
        tuple(values),
        money,
        other_currency=elsewhere,
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
        out = {name: getattr(c.attributes, name) for name in cols}
        if c.currency != subject.currency:  # a budget in another currency is no like-for-like
            out["log_budget"] = None  # size: left out of that pair, as a missing value is
        return out

    x = pd.DataFrame([row(subject)], columns=cols).astype({n: object for n in NOMINAL})
    y = pd.DataFrame([row(c) for c in others], columns=cols).astype({n: object for n in NOMINAL})
    x[list(NUMERIC)] = x[list(NUMERIC)].astype(float)
    y[list(NUMERIC)] = y[list(NUMERIC)].astype(float)
    sim = gower_similarity(x, y, nominal=NOMINAL)[0]
    order = sorted(
        range(len(others)),
        key=lambda i: (-(sim[i] if np.isfinite(sim[i]) else -1.0), others[i].case_id),
    )
    both = (y.notna() & x.notna().iloc[0]).sum(axis=1).to_numpy()  # known for both cases
    return tuple(
        Neighbour(others[i], float(sim[i]), int(both[i]), len(cols))
        for i in order[:k]
        if np.isfinite(sim[i])
    )


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

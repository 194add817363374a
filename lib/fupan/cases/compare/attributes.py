"""What cases are matched on: the card attributes (Gower), the festival a campaign was built
around, and a library case read into a :class:`CaseView`."""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

from ..kpis import METRICS, num

MIN_PEERS = 10  # below this many peers, raw ranks instead of percentiles (METHODS.md §6)
K_NEAREST = 5
#: (zh, en) of each peer level, narrowest first; the first with ≥ MIN_PEERS cases is used
PEER_LEVELS = ("platform_category", "category", "platform", "library")
NOMINAL = ("platform", "category", "festival")
NUMERIC = ("duration_days", "discount_depth", "log_budget")
#: the card's ``festival`` values (ingest.card.Festival) with their (zh, en) names
FESTIVALS: dict[str, tuple[str, str]] = {
    "double11": ("双十一", "Double 11"),
    "618": ("618", "618"),
    "double12": ("双十二", "Double 12"),
    "black-friday": ("黑五", "Black Friday"),
    "new-year": ("年货节", "New Year festival"),
    "38": ("三八节", "Women's Day"),
    "brand-day": ("品牌日", "Brand day"),
    "live-special": ("直播专场", "Live-stream special"),
    "other": ("其他", "Other"),
}
_FESTIVAL_WORDS = (
    ("double11", r"双\s*十一|双\s*11|11\.11|double\s*11|singles'?\s*day"),
    ("double12", r"双\s*十二|双\s*12|12\.12|double\s*12"),
    ("618", r"618|6\.18"),
    ("black-friday", r"黑五|黑色星期五|black\s*friday|cyber\s*monday"),
    ("new-year", r"年货|春节|spring\s*festival|chinese\s*new\s*year"),
    ("38", r"三八|女神节|女王节|women'?s\s*day"),
    ("brand-day", r"品牌日|brand\s*day"),
    ("live-special", r"直播专场|直播特卖|live[- ]?stream\s*special"),
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
            ("double11", dt.date(year, 11, 11)),
            ("618", dt.date(year, 6, 18)),
            ("double12", dt.date(year, 12, 12)),
            ("black-friday", black_friday),
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
        from ..site.load import _provenance

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

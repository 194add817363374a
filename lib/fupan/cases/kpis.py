"""The normalised KPIs cases are ranked and compared by (METHODS.md §6) — their one definition.

Campaigns differ in size, so cases are compared only on ratios, per-UV value, indices against each
case's own baseline, the burst multiple and target achievement, all over the whole campaign
window and read from the case record (``case.json``). Scale KPIs (GMV, buyers, orders, spend) are
facts, never ranking keys. ``fupan site`` sorts by these; ``fupan compare`` ranks by them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import format as fmt
from ..dictionary import KPI_DEFINITIONS

__all__ = [
    "METRICS",
    "METRIC_BY_KEY",
    "METRIC_KEYS",
    "Metric",
    "format_value",
    "num",
    "target_achievement",
]


def num(x: Any) -> float | None:
    """A finite number or None (None, NaN, text and booleans are not measurements)."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    return float(x) if math.isfinite(x) else None


def _campaign(key: str) -> Callable[[dict], float | None]:
    return lambda rec: num((rec.get("kpis") or {}).get("campaign", {}).get(key))


def target_achievement(rec: dict, kpi: str) -> float | None:
    """actual / target of the card's target on ``kpi`` as the record holds it; None without one."""
    for t in rec.get("targets") or []:
        if t.get("kpi") == kpi:
            return num(t.get("achievement"))
    return None


def _gmv_achievement(rec: dict) -> float | None:
    return target_achievement(rec, "gmv")


def _gmv_per_uv(rec: dict) -> float | None:
    c = (rec.get("kpis") or {}).get("campaign", {})
    gmv, uv = num(c.get("gmv")), num(c.get("uv"))
    return gmv / uv if gmv is not None and uv else None


def _analysis(rec: dict, name: str) -> dict:
    return (rec.get("analyses") or {}).get(name) or {}


def _roi_margin(rec: dict) -> float | None:
    return num(_analysis(rec, "margin").get("roi_margin"))


def _repeat_rate(rec: dict) -> float | None:
    quality = _analysis(rec, "customers").get("new_customer_quality") or {}
    return num((quality.get("campaign") or {}).get("rate"))


def _gmv_yoy(rec: dict) -> float | None:
    campaign = (_analysis(rec, "year_on_year").get("windows") or {}).get("campaign") or {}
    return num(campaign.get("gmv_growth"))


def _preheat_conversion(rec: dict) -> float | None:
    return num(_analysis(rec, "preheat_pool").get("rate"))


def _reactivation_rate(rec: dict) -> float | None:
    return num(_analysis(rec, "audiences").get("reactivation_rate"))


@dataclass(frozen=True)
class Metric:
    """A normalised KPI cases are sorted, ranked and compared by (METHODS.md §6); campaign window."""

    key: str
    zh: str
    en: str
    unit: str  # ratio | index | multiple | money | number
    higher_is_better: bool
    definition_zh: str
    definition_en: str
    get: Callable[[dict], float | None] = field(compare=False, repr=False)
    #: a mix share (:attr:`fupan.dictionary.base.KpiDef.mix`): placed among peers, never ranked
    mix: bool = False


def _dict_metric(key: str, note_zh: str = "", note_en: str = "") -> Metric:
    d = KPI_DEFINITIONS[key]
    return Metric(
        key,
        d.zh,
        d.en,
        d.unit,
        d.higher_is_better,
        d.definition_zh + note_zh,
        d.definition_en + note_en,
        _campaign(key),
        mix=d.mix,
    )


#: In display order. Ratios, per-UV value, indices against the shop's own baseline, the burst
#: multiple and target achievement; scale KPIs (GMV, buyers) are facts, never sort keys.
METRICS: tuple[Metric, ...] = (
    Metric(
        "gmv_achievement",
        "GMV目标达成率",
        "GMV target achievement",
        "ratio",
        True,
        "活动整体GMV / 卡片中的GMV目标（strategy.targets.gmv）；未设目标时为 —",
        "campaign GMV / the card's GMV target (strategy.targets.gmv); — when no target is set",
        _gmv_achievement,
    ),
    _dict_metric("gmv_index"),
    _dict_metric("burst_multiple"),
    _dict_metric("cr_index"),
    _dict_metric("aov_index"),
    Metric(
        "gmv_per_uv",
        "UV价值",
        "GMV per UV",
        "money",
        True,
        "活动整体GMV / 访客数 UV（活动整体的区间去重访客数，与字典中的访客数同口径）；金额为案例自身币种",
        "campaign GMV / UV (visitors distinct over the whole campaign, the dictionary's UV); in "
        "the case's own currency",
        _gmv_per_uv,
    ),
    _dict_metric("cr"),
    _dict_metric("roas"),
    Metric(
        "roi_margin",
        "利润ROI",
        "Profit ROI",
        "number",
        True,
        "增量毛利 / 投放花费（非 ROAS）；缺少 SKU 或成本数据时为 —",
        "incremental gross profit / spend (not ROAS); — without SKU or cost data",
        _roi_margin,
    ),
    _dict_metric("new_customer_share"),
    Metric(
        "repeat_rate",
        "活动新客复购率",
        "Campaign new-customer repeat rate",
        "ratio",
        True,
        "活动新客中首单后 k 天内（通常 30 天）再次下单的比例，只计观察满 k 天的客户",
        "share of campaign new customers ordering again within k days (usually 30) of their first order, "
        "counting only customers observed for k days",
        _repeat_rate,
    ),
    Metric(
        "gmv_yoy",
        "GMV同比",
        "GMV year on year",
        "ratio",
        True,
        "活动整体GMV / 去年同期GMV − 1（去年同期：按日期举办的大促取同一日历日期，其余取 52 周前；订单"
        "覆盖不到去年同期时为 —）",
        "campaign GMV / GMV on the same days last year − 1 (the same dates for a festival held on a "
        "date, else 52 weeks earlier; — when the orders do not reach back)",
        _gmv_yoy,
    ),
    Metric(
        "preheat_conversion",
        "预热加购转化率",
        "Pre-heat carters converted",
        "ratio",
        True,
        "预热期加购的客户中在爆发期支付的比例（预热蓄水的转化）；没有预热期或行为数据时为 —",
        "share of the customers who added to cart in the pre-heat who paid in the burst; — without "
        "a pre-heat or behaviour data",
        _preheat_conversion,
    ),
    Metric(
        "reactivation_rate",
        "沉睡唤醒率",
        "Reactivation rate",
        "ratio",
        True,
        "活动开始时沉睡（最近一单在 180 天以前）的老客中，在活动期回购的比例；订单历史不足 180 天时为 —",
        "share of the customers dormant when the campaign opened (latest order 180 or more days "
        "before) who bought in it; — when the order history is shorter than 180 days",
        _reactivation_rate,
    ),
    _dict_metric("live_gmv_share"),
    _dict_metric("refund_rate"),
)
METRIC_KEYS = tuple(m.key for m in METRICS)
METRIC_BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}


def format_value(value: float | None, unit: str, lang: str, currency: str = "CNY") -> str:
    """A KPI value as shown in the site and the benchmark report; None (not measured) is ``—``, never 0."""
    if value is None or not math.isfinite(value):
        return "—"
    if unit == "ratio":
        return fmt.pct(value, 1)
    if unit == "index":
        return fmt.number(value, 1)
    if unit == "multiple":
        return f"{value:.2f}×"
    if unit == "money":
        return fmt.money(value, lang, digits=2, symbol=fmt.currency_symbol(currency))
    return fmt.number(value, 2)


def distinct_names(cases: Iterable[tuple[str, str]]) -> dict[str, str]:
    """case id → the name to show: the case's name, followed by its id when another of ``cases``
    (id, name) bears the same name (a re-run, a copy, a yearly campaign named without its year),
    so that a legend, a list or a column head never shows two cases alike."""
    pairs = list(cases)
    count = Counter(name for _, name in pairs)
    return {i: f"{name} · {i}" if count[name] > 1 else name for i, name in pairs}

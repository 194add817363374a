"""Funnel steps, phases, and reading records of any 口径 version."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .base import DEFINITIONS_VERSION, PREVIOUS_DEFINITIONS, RENAMED_KEYS

FUNNEL_STEPS: tuple[str, ...] = ("visit", "view", "cart", "order", "pay")
PHASES: tuple[str, ...] = ("baseline", "preheat", "burst", "post", "dip")
PHASE_LABELS = {
    "baseline": ("日常期", "Baseline"),
    "preheat": ("预热期", "Pre-heat"),
    "burst": ("爆发期", "Burst"),
    "post": ("返场期", "Post"),
    "dip": ("回落期", "Dip"),
    "campaign": ("活动整体", "Campaign"),
}
#: The roles of a campaign team the review is cut by (分岗位复盘), in the report's order: key →
#: (中文, English). A card's ``retrospective.by_role`` names them by key, by either name or by
#: one of :data:`ROLE_ALIASES`.
ROLE_LABELS = {
    "lead": ("活动负责人", "Campaign lead"),
    "ads": ("投放", "Ads"),
    "live": ("直播", "Live"),
    "products": ("商品与供应链", "Products and supply"),
    "crm": ("用户运营", "User operations"),
    "conversion": ("页面与转化", "Pages and conversion"),
    "service": ("客服与履约", "Service and fulfilment"),
}
#: Other names of the roles (the words teams use for them) → the role's key.
ROLE_ALIASES = {
    "店铺运营": "lead",
    "运营": "lead",
    "店长": "lead",
    "广告": "ads",
    "推广": "ads",
    "商品": "products",
    "供应链": "products",
    "仓储": "products",
    "会员": "crm",
    "私域": "crm",
    "用户": "crm",
    "页面": "conversion",
    "转化": "conversion",
    "设计": "conversion",
    "客服": "service",
    "售后": "service",
    "履约": "service",
    "物流": "service",
}


def read_key(mapping: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """``mapping[key]``, or the value under its name in an earlier version (:data:`RENAMED_KEYS`).

    For reading records of any 口径 version: ``read_key(customers, "repurchase_return_rate")``
    finds the 2025.11-1 record's ``return_rate`` too.
    """
    if key in mapping:
        return mapping[key]
    for old, new in RENAMED_KEYS.items():
        if new == key and old in mapping:
            return mapping[old]
    return default


@dataclass(frozen=True)
class ComputedUnder:
    """Under which 口径 version a record was computed, and what to tell its reader."""

    version: str
    current: bool
    #: keys whose definition changed between the record's version and the current one
    changed: tuple[str, ...]
    note_zh: str
    note_en: str


def computed_under(record: Mapping[str, Any]) -> ComputedUnder:
    """Mark a case record with the 口径 version it was computed under.

    A record of an earlier version is read as it is, never recomputed: its figures follow that
    version's definitions (:data:`PREVIOUS_DEFINITIONS` lists what changed).
    """
    version = str(record.get("definitions_version") or "?")
    if version == DEFINITIONS_VERSION:
        return ComputedUnder(version, True, (), "", "")
    changed = tuple(sorted(PREVIOUS_DEFINITIONS.get(version, {})))
    keys = ", ".join(changed) if changed else "?"
    return ComputedUnder(
        version,
        False,
        changed,
        f"按旧口径 {version} 计算（当前口径 {DEFINITIONS_VERSION}；定义不同的指标：{keys}），不可与当前口径的数字直接比较",
        f"computed under the earlier definitions {version} (current {DEFINITIONS_VERSION}; "
        f"defined differently: {keys}); not directly comparable with current figures",
    )

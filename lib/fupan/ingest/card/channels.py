"""Channel taxonomy: each channel key of the data → its 一级/二级 Chinese name and English name.

A report never shows a raw key (``search_ads``, ``private_domain``): the card's ``channels:``
block names them (``channels: {search_ads: {level1: 付费推广, level2: 万相台, en: Paid search}}``)
and common keys have defaults here, with the second level named after the platform's tool where
it has one (直通车 on Tmall/Taobao, 京东快车 on JD, 巨量千川 on Douyin). Platform and category
names come from the i18n catalogue (``platform_<key>``, ``category_<key>``).
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ...i18n import CATALOGUE
from .base import _Model


class ChannelName(_Model):
    """One channel's names: 一级 (免费 / 付费推广 / 自播 / 达播 / 私域 …), 二级 and English."""

    level1: str = Field(min_length=1)
    level2: str | None = None
    en: str | None = None

    def zh(self) -> str:
        """``付费推广·直通车``; the first level alone when there is no second."""
        return f"{self.level1}·{self.level2}" if self.level2 else self.level1


#: default names of common channel keys: key → (一级, 二级, English)
DEFAULT_CHANNELS: dict[str, tuple[str, str | None, str]] = {
    "live": ("自播", None, "Own live stream"),
    "live_stream": ("自播", None, "Own live stream"),
    "kol": ("达播", None, "KOL live stream"),
    "influencer": ("达播", None, "KOL live stream"),
    "search_ads": ("付费推广", "搜索推广", "Paid search"),
    "feed_ads": ("付费推广", "信息流推广", "Paid feed"),
    "display_ads": ("付费推广", "展示推广", "Paid display"),
    "affiliate": ("付费推广", "淘宝客", "Affiliate"),
    "paid": ("付费推广", None, "Paid"),
    "ads": ("付费推广", None, "Paid"),
    "private_domain": ("私域", None, "Private domain"),
    "private": ("私域", None, "Private domain"),
    "crm": ("私域", "会员触达", "CRM"),
    "organic": ("免费", "自然流量", "Organic"),
    "search": ("免费", "搜索", "Organic search"),
    "recommend": ("免费", "推荐", "Recommendations"),
    "cart": ("免费", "购物车", "Cart"),
    "content": ("内容", "种草", "Content"),
    "direct": ("免费", "直接访问", "Direct"),
    "email": ("私域", "邮件", "E-mail"),
    "referral": ("免费", "站外引荐", "Referral"),
    "social": ("内容", "社交媒体", "Social"),
    "other": ("其他", None, "Other"),
}
#: the platform's own tool behind the generic paid keys: platform → {key: 二级}
PLATFORM_TOOLS: dict[str, dict[str, str]] = {
    "tmall": {"search_ads": "直通车", "feed_ads": "引力魔方", "display_ads": "万相台"},
    "taobao": {"search_ads": "直通车", "feed_ads": "引力魔方", "display_ads": "万相台"},
    "jd": {"search_ads": "京东快车", "feed_ads": "京准通推荐", "display_ads": "京东展位"},
    "douyin": {"search_ads": "千川搜索", "feed_ads": "巨量千川"},
    "pdd": {"search_ads": "多多搜索", "feed_ads": "多多场景"},
    "xiaohongshu": {"search_ads": "搜索推广", "feed_ads": "聚光信息流"},
}


def default_channel(key: str, platform: str = "other") -> ChannelName | None:
    """The default names of channel ``key`` on ``platform`` (None for a key without one)."""
    if key not in DEFAULT_CHANNELS:
        return None
    l1, l2, en = DEFAULT_CHANNELS[key]
    l2 = PLATFORM_TOOLS.get(platform, {}).get(key, l2)
    return ChannelName(level1=l1, level2=l2, en=en)


def channel_taxonomy(card: Any) -> dict[str, ChannelName]:
    """Every channel the card names or has a default for: the card's ``channels:`` over the
    defaults for its platform."""
    platform = str(getattr(card, "platform", "other"))
    out: dict[str, ChannelName] = {}
    for key in DEFAULT_CHANNELS:
        d = default_channel(key, platform)
        if d is not None:
            out[key] = d
    out.update(getattr(card, "channels", None) or {})
    return out


def _catalogued(prefix: str, key: str) -> tuple[str, str] | None:
    entry = CATALOGUE.get(f"{prefix}_{key.replace('-', '_')}")
    return (entry[0], entry[1]) if entry else None


def display_names(card: Any) -> tuple[tuple[str, str, str, str], ...]:
    """The ``names`` of a report's :class:`~fupan.format.Style`: ``(kind, key, 中文, English)``
    for every channel of the taxonomy, the card's platform and its category (when catalogued)."""
    names: list[tuple[str, str, str, str]] = []
    for key, c in channel_taxonomy(card).items():
        names.append(("channel", key, c.zh(), c.en or key))
    for kind in ("platform", "category"):
        key = str(getattr(card, kind, "") or "")
        found = _catalogued(kind, key) if key else None
        if found:
            names.append((kind, key, *found))
    return tuple(names)

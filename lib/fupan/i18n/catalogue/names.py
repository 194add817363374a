"""Names of the card's platform and category keys (``platform_<key>``, ``category_<key>``),
so a zh report says 天猫 · 美妆, never tmall · beauty."""

from __future__ import annotations

ENTRIES: dict[str, tuple[str, str]] = {
    "platform_tmall": ("天猫", "Tmall"),
    "platform_taobao": ("淘宝", "Taobao"),
    "platform_jd": ("京东", "JD"),
    "platform_douyin": ("抖音", "Douyin"),
    "platform_pdd": ("拼多多", "Pinduoduo"),
    "platform_xiaohongshu": ("小红书", "Xiaohongshu"),
    "platform_own_site": ("自有官网", "Own web shop"),
    "platform_other": ("其他平台", "Other platform"),
    "category_beauty": ("美妆", "Beauty"),
    "category_personal_care": ("个护", "Personal care"),
    "category_pets": ("宠物", "Pets"),
    "category_appliances": ("家电", "Appliances"),
    "category_apparel": ("服饰", "Apparel"),
    "category_3c": ("3C数码", "3C electronics"),
    "category_food": ("食品", "Food"),
    "category_gifts": ("礼品", "Gifts"),
    "category_giftware": ("礼品", "Giftware"),
    "category_music": ("音像", "Music"),
    "category_home": ("家居", "Home"),
    "category_baby": ("母婴", "Baby"),
    "category_sports": ("运动户外", "Sports"),
}

#: the 8 RFM segments (fupan.metrics.customers.SEGMENT_TABLE) by their Chinese name
ENTRIES |= {
    "rfm_segment_重要价值客户": ("重要价值客户", "Champions (recent, frequent, high spend)"),
    "rfm_segment_重要发展客户": ("重要发展客户", "Promising high spenders"),
    "rfm_segment_重要保持客户": ("重要保持客户", "Lapsing loyal high spenders"),
    "rfm_segment_重要挽留客户": ("重要挽留客户", "At-risk high spenders"),
    "rfm_segment_一般价值客户": ("一般价值客户", "Recent frequent low spenders"),
    "rfm_segment_一般发展客户": ("一般发展客户", "New low spenders"),
    "rfm_segment_一般保持客户": ("一般保持客户", "Lapsing frequent low spenders"),
    "rfm_segment_一般挽留客户": ("一般挽留客户", "Lost low spenders"),
}

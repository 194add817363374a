"""The knowledge base's labels (zh, en): page text (:data:`UI`), platforms, categories,
provenance and outcomes, and :func:`label` for a facet value outside the tables."""

from __future__ import annotations

import re

# --------------------------------------------------------------------------- labels (zh, en)

UI: dict[str, tuple[str, str]] = {
    "site_title": ("复盘案例库", "Retrospective case library"),
    "site_tagline": (
        "历次大促复盘：可搜索、可筛选、可对比",
        "Past campaign retrospectives: search, filter, compare",
    ),
    "nav_index": ("案例", "Cases"),
    "nav_compare": ("对比", "Compare"),
    "nav_lessons": ("经验教训", "Lessons"),
    "nav_glossary": ("指标口径", "KPI definitions"),
    "lang_switch": ("English", "中文"),
    "lang_switch_title": ("切换到英文", "Switch to Chinese"),
    "search_label": ("搜索", "Search"),
    "search_placeholder": (
        "搜索名称、标签、发现、经验，如：复盘 毛利 直播",
        "Search names, tags, findings, lessons, e.g. margin live 复盘",
    ),
    "search_hint": (
        "多个词同时满足；中文按相邻两字匹配（毛利 可找到 毛利率）。",
        "All words must match; Chinese matches by adjacent character pairs (毛利 finds 毛利率).",
    ),
    "filters": ("筛选", "Filters"),
    "clear_filters": ("全部清除", "Clear all"),
    "facet_platform": ("平台", "Platform"),
    "facet_category": ("类目", "Category"),
    "facet_year": ("年份", "Year"),
    "facet_provenance": ("数据来源", "Data"),
    "facet_outcome": ("GMV目标", "GMV target"),
    "sort_label": ("排序", "Sort by"),
    "sort_default": ("最新在前", "Newest first"),
    "sort_name": ("名称", "Name"),
    "dir_label": ("方向", "Order"),
    "dir_desc": ("从高到低", "High to low"),
    "dir_asc": ("从低到高", "Low to high"),
    "shown": ("显示 {n} / {total} 个案例", "Showing {n} of {total} cases"),
    "no_results": (
        "没有符合条件的案例。可减少关键词或清除筛选。",
        "No case matches. Use fewer words or clear the filters.",
    ),
    "matched_in": ("匹配：", "Matched in: "),
    "field_name": ("名称", "name"),
    "field_tags": ("标签", "tags"),
    "field_findings": ("发现", "findings"),
    "field_lessons": ("经验", "lessons"),
    "report": ("查看报告", "Open report"),
    "no_report": ("无报告文件", "No report file"),
    "minutes": ("复盘会纪要", "Meeting minutes"),
    "minutes_download": ("下载 Markdown", "Download the Markdown"),
    "minutes_note": (
        "复盘会纪要：fupan 起草、团队会上改定后随案例归档；数字与报告相同。",
        "The review meeting's minutes: drafted by fupan, amended by the team in the meeting and "
        "filed with the case; the figures are the report's.",
    ),
    "compare_peers": ("与同类对比", "Compare with peers"),
    "compare_open": ("在对比页打开", "Open in comparison"),
    "select_compare": ("加入对比", "Add to comparison"),
    "compare_selected": ("对比所选（{n}）", "Compare selected ({n})"),
    "clear_selection": ("清空所选", "Clear selection"),
    "went_well": ("做得好的", "What went well"),
    "to_improve": ("待改进", "What to improve"),
    "actions": ("行动项", "Action items"),
    "by_role": ("岗位自评 · ", "Role's own review · "),
    "due_on": ("截止", "due"),
    "action_open": ("未关闭", "open"),
    "action_done": ("已完成", "done"),
    "action_dropped": ("已放弃", "dropped"),
    "action_closed_by": ("已由下一案例关闭：", "closed by the next case:"),
    "wins": ("主要收获", "Wins"),
    "misses": ("主要问题", "Misses"),
    "no_lessons": ("卡片尚未填写经验教训。", "No lessons written in the card yet."),
    "compare_title": ("案例对比", "Compare cases"),
    "compare_intro": (
        "勾选案例，其归一化指标并排显示；链接可直接分享。",
        "Tick cases to see their normalised KPIs side by side; the link can be shared.",
    ),
    "compare_pick": ("选择案例", "Choose cases"),
    "compare_empty": (
        "尚未选择案例：请在下方勾选，或在案例页勾选「加入对比」。",
        "No case chosen: tick cases below, or use “Add to comparison” on the cases page.",
    ),
    "compare_unknown": ("案例库中没有这些案例：{ids}", "Not in the case library: {ids}"),
    "remove": ("移除", "Remove"),
    "kpi": ("指标", "KPI"),
    "best_mark": ("最佳", "best"),
    "definition": ("口径", "Definition"),
    "defs_mismatch": (
        "注意：所选案例的口径版本不同（{versions}），指标不完全可比。",
        "Note: the chosen cases use different definition versions ({versions}); their KPIs are not fully comparable.",
    ),
    "currency_mismatch": (
        "注意：所选案例币种不同（{codes}），金额类指标不能直接比较。",
        "Note: the chosen cases use different currencies ({codes}); money KPIs are not directly comparable.",
    ),
    "not_measured": (
        "“—” 表示未测量或无法计算，不是 0。",
        "“—” means not measured or not computable, not 0.",
    ),
    "old_definitions": ("口径版本 {v}（当前 {cur}）", "definitions {v} (current {cur})"),
    "platform": ("平台", "Platform"),
    "category": ("类目", "Category"),
    "year": ("年份", "Year"),
    "provenance": ("数据来源", "Data"),
    "outcome": ("GMV目标", "GMV target"),
    "period": ("活动期", "Campaign period"),
    "definitions_version": ("口径版本", "Definitions version"),
    "gmv": ("活动期GMV", "Campaign GMV"),
    "mechanics": ("玩法机制", "Mechanics"),
    "tags": ("标签", "Tags"),
    "section_facts": ("基本信息", "Facts"),
    "section_kpis": ("归一化指标", "Normalised KPIs"),
    "section_lessons": ("经验教训", "Lessons"),
    "lessons_title": ("经验教训汇总", "All lessons"),
    "lessons_intro": (
        "各案例卡片中团队写下的复盘结论与行动项，按时间倒序。",
        "The lessons and action items each team wrote in its case card, newest first.",
    ),
    "glossary_title": ("指标口径", "KPI definitions"),
    "examples_title": ("示例与练习", "Worked examples and exercises"),
    "glossary_intro": (
        "案例库中每个指标的定义（口径）。口径版本不同的案例不完全可比。",
        "How each KPI in the library is defined. Cases made under different definition versions are not fully comparable.",
    ),
    "glossary_normalised": (
        "可比指标（用于排序与对比）",
        "Normalised KPIs (used to sort and compare)",
    ),
    "glossary_normalised_intro": (
        "规模不同的活动只比较比率、人均值、相对自身基线的指数、爆发系数与目标达成率。均取活动整体窗口。",
        "Campaigns of different size are compared on ratios, per-UV value, indices against their own baseline, the burst multiple and target achievement, over the whole campaign window.",
    ),
    "glossary_dictionary": ("指标字典（版本 {v}）", "Metric dictionary (version {v})"),
    "unit": ("单位", "Unit"),
    "direction": ("方向", "Direction"),
    "higher_better": ("越高越好", "higher is better"),
    "lower_better": ("越低越好", "lower is better"),
    "mix_share": ("结构占比，不分优劣", "a share of the mix: neither higher nor lower is better"),
    "unit_money": ("金额", "money"),
    "unit_count": ("计数", "count"),
    "unit_ratio": ("比率", "ratio"),
    "unit_index": ("指数（基线=100）", "index (baseline = 100)"),
    "unit_multiple": ("倍数", "multiple"),
    "unit_number": ("比值", "ratio of amounts"),
    "footer": (
        "由 fupan 生成 · 离线可用，不发出任何网络请求 · 搜索：MiniSearch（MIT）",
        "Made by fupan · works offline, makes no network request · search: MiniSearch (MIT)",
    ),
    "licence_link": ("MiniSearch 许可", "MiniSearch licence"),
    "noscript": (
        "本页的搜索、筛选与对比需要启用 JavaScript；案例报告可直接打开：",
        "Search, filters and comparison on this page need JavaScript; the case reports open directly:",
    ),
    "cases_count": ("共 {n} 个案例", "{n} cases"),
}

PLATFORMS: dict[str, tuple[str, str]] = {
    "tmall": ("天猫", "Tmall"),
    "taobao": ("淘宝", "Taobao"),
    "jd": ("京东", "JD.com"),
    "douyin": ("抖音", "Douyin"),
    "pdd": ("拼多多", "Pinduoduo"),
    "xiaohongshu": ("小红书", "Xiaohongshu"),
    "own-site": ("自营网店", "Own web shop"),
    "other": ("其他平台", "Other platform"),
}
CATEGORIES: dict[str, tuple[str, str]] = {
    "beauty": ("美妆", "Beauty"),
    "apparel": ("服饰", "Apparel"),
    "fashion": ("服饰", "Fashion"),
    "shoes": ("鞋靴", "Shoes"),
    "food": ("食品", "Food"),
    "snacks": ("零食", "Snacks"),
    "beverages": ("饮料", "Beverages"),
    "electronics": ("数码", "Electronics"),
    "3c": ("3C数码", "3C electronics"),
    "appliances": ("家电", "Home appliances"),
    "home": ("家居", "Home"),
    "furniture": ("家具", "Furniture"),
    "mother-baby": ("母婴", "Mother & baby"),
    "baby": ("母婴", "Baby"),
    "pets": ("宠物", "Pets"),
    "sports": ("运动户外", "Sports & outdoors"),
    "outdoor": ("户外", "Outdoor"),
    "health": ("保健", "Health"),
    "jewelry": ("珠宝饰品", "Jewellery"),
    "books": ("图书", "Books"),
    "toys": ("玩具", "Toys"),
    "gifts": ("礼品", "Gifts"),
    "music": ("音乐", "Music"),
    "personal-care": ("个护", "Personal care"),
    "fresh": ("生鲜", "Fresh food"),
    "luxury": ("奢侈品", "Luxury"),
    "general": ("综合", "General"),
}
PROVENANCE: dict[str, tuple[str, str]] = {
    "real": ("真实数据", "Real data"),
    "synthetic": ("合成数据", "Synthetic data"),
    "unknown": ("未标注", "Not stated"),
}
OUTCOMES: dict[str, tuple[str, str]] = {
    "met": ("已达成", "Met"),
    "missed": ("未达成", "Missed"),
    "not_assessed": ("无法评估", "Not assessed"),
    "no_target": ("未设目标", "No target"),
}
#: words in a case's name or background that mark it as made-up data
_SYNTHETIC_WORDS = re.compile(
    r"synthetic|simulated|fictional|\bdemo\b|合成|模拟|虚构|演示|示例数据", re.I
)
_CJK = re.compile(r"[\u3400-\u9fff]")


def label(table: dict[str, tuple[str, str]], key: str) -> tuple[str, str]:
    """(zh, en) label of a facet value; a value outside ``table`` is shown as written in both."""
    if key in table:
        return table[key]
    return (key, key)

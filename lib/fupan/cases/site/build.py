"""``fupan site``: the case library as a static knowledge base that works from ``file://``.

The site is plain files: ``index.html`` (every case, facets with counts, Chinese/English full-text
search, sort by any normalised KPI), ``compare.html#ids=a,b`` (chosen cases side by side),
``lessons.html`` (every case's lessons), ``glossary.html`` (the KPI definitions, 口径) and
``cases/<id>/report.html`` (each case's report, copied). The data is one classic script,
``assets/data.js`` (``window.FUPAN_SITE = {...}``), loaded with ``<script src>`` like MiniSearch's
UMD build and ``site.js`` — nothing is fetched, so the pages work opened from disk and from any
static web server, and no page makes a network request (PITFALLS.md, "Static search").

What reaches the site from a case record (an allow-list; nothing else is copied): the card's name,
platform, category, currency, campaign dates, mechanics and tags, the lessons (what went well,
what to improve, action items without their owners), the findings (zh and en), the normalised
KPIs of METHODS.md §6 and the definitions' version. Customer identifiers are in no record; the
shop name, owners and the column mapping are left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

from ... import format as fmt
from ...dictionary import DEFINITIONS_VERSION, KPI_DEFINITIONS
from ...errors import ArchiveConflictError, CaseRecordError, Problem, ValidationError
from ..kpis import METRIC_KEYS, METRICS, Metric, format_value  # noqa: F401  (re-exported: the site's KPIs)
from ..kpis import num as _num
from ..record import read_record

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
#: the file that marks a folder as a site written by fupan (only such a folder is replaced)
MARKER = ".fupan-site"
ASSETS = "assets"
#: files of static/ copied into the site's assets/ (the version note stays in the package)
STATIC_FILES = ("minisearch.js", "MINISEARCH-LICENSE.txt", "site.js", "site.css")
#: the searchable fields of a case, indexed by MiniSearch in the page and by search.py in tests
SEARCH_FIELDS = ("name", "tags", "findings", "lessons")

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
    "compare_peers": ("与同类对比", "Compare with peers"),
    "compare_open": ("在对比页打开", "Open in comparison"),
    "select_compare": ("加入对比", "Add to comparison"),
    "compare_selected": ("对比所选（{n}）", "Compare selected ({n})"),
    "clear_selection": ("清空所选", "Clear selection"),
    "went_well": ("做得好的", "What went well"),
    "to_improve": ("待改进", "What to improve"),
    "actions": ("行动项", "Action items"),
    "due_on": ("截止", "due"),
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


# --------------------------------------------------------------------------- reading the library


@dataclass
class Case:
    folder: Path
    record: dict[str, Any]
    provenance: str
    tags: list[str]

    @property
    def id(self) -> str:
        return self.record["case_id"]


def _sidecar(folder: Path) -> dict[str, Any]:
    """An optional meta.json / meta.yaml beside the record; anything unreadable counts as absent."""
    for name in ("meta.json", "meta.yaml", "meta.yml"):
        p = folder / name
        if p.is_file():
            try:
                text = p.read_text(encoding="utf-8")
                data = json.loads(text) if name.endswith(".json") else yaml.safe_load(text)
            except (OSError, ValueError, yaml.YAMLError):
                return {}
            return data if isinstance(data, dict) else {}
    return {}


def _provenance(record: dict, meta: dict) -> str:
    """``real`` / ``synthetic`` as stated (record or card ``meta``, card, sidecar), else derived
    from the name and background ("合成", "模拟", "synthetic" … → synthetic), else ``unknown``."""
    card = record.get("card") or {}
    for src in (record.get("meta"), card.get("meta"), card, meta):
        if isinstance(src, dict) and src.get("provenance") in ("real", "synthetic"):
            return src["provenance"]
    background = card.get("background") or {}
    text = " ".join(
        [str(record.get("name") or "")]
        + [str(v) for v in background.values() if isinstance(v, str)]
    )
    return "synthetic" if _SYNTHETIC_WORDS.search(text) else "unknown"


def _tags(record: dict, meta: dict) -> list[str]:
    card = record.get("card") or {}
    out: list[str] = []
    for src in (
        card.get("tags"),
        (card.get("meta") or {}).get("tags"),
        (record.get("meta") or {}).get("tags"),
        meta.get("tags"),
    ):
        if isinstance(src, list):
            out.extend(str(t) for t in src if isinstance(t, str | int | float) and str(t).strip())
    return list(dict.fromkeys(out))


def load_library(library: Path) -> tuple[list[Case], list[Problem]]:
    """Every case of ``library`` (each sub-folder holding a case.json), validated; and warnings.

    A record that fails its schema or its content hash stops the build (CaseRecordError naming the
    file): the knowledge base never silently drops a case. Hidden folders (an archive in progress)
    and folders without case.json are skipped with a warning.
    """
    library = Path(library)
    if not library.is_dir():
        raise ValidationError(
            [
                Problem(
                    "no_library",
                    str(library),
                    f"案例库文件夹不存在：{library}（用 --library 指定 case_library 文件夹）",
                    f"The case library folder does not exist: {library} (point --library at the case_library folder)",
                    column="--library",
                )
            ]
        )
    cases: list[Case] = []
    warnings: list[Problem] = []
    seen: dict[str, Path] = {}
    for folder in sorted(p for p in library.iterdir() if p.is_dir() and not p.name.startswith(".")):
        rec_path = folder / "case.json"
        if not rec_path.is_file():
            warnings.append(
                Problem(
                    "no_case_record",
                    str(folder),
                    f"{folder.name}：没有 case.json，已跳过",
                    f"{folder.name}: no case.json, skipped",
                    severity="warning",
                )
            )
            continue
        record = read_record(rec_path)
        cid = record["case_id"]
        if cid in seen:
            raise CaseRecordError(
                f"{rec_path}: 案例编号 {cid} 与 {seen[cid]} 重复 / case id {cid} "
                f"is also used by {seen[cid]}"
            )
        seen[cid] = rec_path
        meta = _sidecar(folder)
        cases.append(Case(folder, record, _provenance(record, meta), _tags(record, meta)))
    return cases, warnings


# --------------------------------------------------------------------------- the site's data


def _start(record: dict) -> str | None:
    camp = (record.get("kpis") or {}).get("campaign") or {}
    if isinstance(camp.get("start"), str):
        return camp["start"][:10]
    windows = (record.get("card") or {}).get("windows") or {}
    for w in ("preheat", "burst"):
        if isinstance(windows.get(w), dict) and windows[w].get("start"):
            return str(windows[w]["start"])[:10]
    return None


def _end(record: dict) -> str | None:
    camp = (record.get("kpis") or {}).get("campaign") or {}
    return camp["end"][:10] if isinstance(camp.get("end"), str) else None


def _outcome(record: dict) -> str:
    for t in record.get("targets") or []:
        if t.get("kpi") == "gmv":
            return t.get("status") if t.get("status") in ("met", "missed") else "not_assessed"
    return "no_target"


def _lessons(card: dict) -> dict[str, Any]:
    retro = card.get("retrospective") or {}
    return {
        "went_well": [str(x) for x in retro.get("went_well") or []],
        "to_improve": [str(x) for x in retro.get("to_improve") or []],
        # owners are people: left out of the knowledge base
        "actions": [
            {"what": str(a.get("what") or ""), "due": str(a["due"]) if a.get("due") else None}
            for a in retro.get("actions") or []
            if isinstance(a, dict) and a.get("what")
        ],
    }


def case_entry(case: Case) -> dict[str, Any]:
    """The allow-listed, display-ready data of one case (what data.js holds for it)."""
    rec = case.record
    card = rec.get("card") or {}
    currency = card.get("currency") or "CNY"
    platform, category = str(card.get("platform") or "other"), str(card.get("category") or "")
    start = _start(rec)
    lessons = _lessons(card)
    mechanics = [str(m) for m in (card.get("strategy") or {}).get("mechanics") or []]
    findings = [
        {
            "kind": f.get("kind"),
            "zh": str(f.get("zh") or f.get("en") or ""),
            "en": str(f.get("en") or f.get("zh") or ""),
        }
        for f in rec.get("findings") or []
        if isinstance(f, dict)
    ]
    kpis = {m.key: m.get(rec) for m in METRICS}
    gmv = _num(((rec.get("kpis") or {}).get("campaign") or {}).get("gmv"))
    sym = fmt.currency_symbol(currency)
    search = {
        "name": f"{rec.get('name', '')} {rec['case_id']}",
        "tags": " ".join(
            [
                *case.tags,
                *mechanics,
                *label(PLATFORMS, platform),
                *label(CATEGORIES, category),
                start[:4] if start else "",
            ]
        ),
        "findings": " ".join(f"{f['zh']} {f['en']}" for f in findings),
        "lessons": " ".join(
            [
                *lessons["went_well"],
                *lessons["to_improve"],
                *(a["what"] for a in lessons["actions"]),
            ]
        ),
    }
    report = (case.folder / "report.html").is_file()
    return {
        "id": rec["case_id"],
        "name": str(rec.get("name") or rec["case_id"]),
        "platform": platform,
        "category": category,
        "year": start[:4] if start else "—",
        "provenance": case.provenance,
        "outcome": _outcome(rec),
        "currency": currency,
        "start": start,
        "end": _end(rec),
        "definitions_version": rec.get("definitions_version"),
        "report": f"cases/{rec['case_id']}/report.html" if report else None,
        "tags": case.tags,
        "mechanics": mechanics,
        "lessons": lessons,
        "findings": findings,
        "kpis": kpis,
        "display": {
            m.key: {
                lang: format_value(kpis[m.key], m.unit, lang, currency) for lang in ("zh", "en")
            }
            for m in METRICS
        },
        "gmv": {
            lang: fmt.money(gmv, lang, digits=1, symbol=sym) if gmv is not None else "—"
            for lang in ("zh", "en")
        },
        "search": search,
    }


def _peers(entries: list[dict], k: int = 3) -> dict[str, list[str]]:
    """Up to k other cases of the same platform × category (the peer group), nearest in time."""

    def day(e: dict) -> int:
        return dt.date.fromisoformat(e["start"]).toordinal() if e["start"] else 0

    out = {}
    for e in entries:
        same = [
            o
            for o in entries
            if o is not e and o["platform"] == e["platform"] and o["category"] == e["category"]
        ]
        same.sort(key=lambda o: (abs(day(o) - day(e)), o["id"]))
        out[e["id"]] = [o["id"] for o in same[:k]]
    return out


def _facets(entries: list[dict]) -> dict[str, list[dict[str, Any]]]:
    """Each facet's values present in the library, in display order, with their (zh, en) labels."""

    def values(key: str) -> list[str]:
        return sorted({e[key] for e in entries})

    plat_order = list(PLATFORMS)
    return {
        "platform": [
            {"value": v, "label": label(PLATFORMS, v)}
            for v in sorted(
                values("platform"),
                key=lambda v: (plat_order.index(v) if v in plat_order else 99, v),
            )
        ],
        "category": [{"value": v, "label": label(CATEGORIES, v)} for v in values("category")],
        "year": [{"value": v, "label": (v, v)} for v in sorted(values("year"), reverse=True)],
        "provenance": [
            {"value": v, "label": PROVENANCE[v]} for v in PROVENANCE if v in values("provenance")
        ],
        "outcome": [{"value": v, "label": OUTCOMES[v]} for v in OUTCOMES if v in values("outcome")],
    }


def site_data(cases: list[Case]) -> dict[str, Any]:
    entries = [case_entry(c) for c in cases]
    entries.sort(key=lambda e: (e["start"] or "", e["id"]), reverse=True)
    peers = _peers(entries)
    for e in entries:
        e["peers"] = peers[e["id"]]
    return {
        "version": 1,
        "definitions_version": DEFINITIONS_VERSION,
        "ui": {k: {"zh": zh, "en": en} for k, (zh, en) in UI.items()},
        "metrics": [
            {
                "key": m.key,
                "zh": m.zh,
                "en": m.en,
                "unit": m.unit,
                "higher_is_better": m.higher_is_better,
                "definition_zh": m.definition_zh,
                "definition_en": m.definition_en,
            }
            for m in METRICS
        ],
        "facets": _facets(entries),
        "search_fields": list(SEARCH_FIELDS),
        "cases": entries,
    }


# --------------------------------------------------------------------------- writing the site


@dataclass
class SiteResult:
    out: Path
    cases: int
    warnings: list[Problem]
    seconds: float


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _glossary() -> list[dict[str, Any]]:
    return [
        {
            "key": d.key,
            "zh": d.zh,
            "en": d.en,
            "unit": d.unit,
            "higher_is_better": d.higher_is_better,
            "definition_zh": d.definition_zh,
            "definition_en": d.definition_en,
        }
        for d in KPI_DEFINITIONS.values()
    ]


def _render_pages(data: dict[str, Any]) -> dict[str, str]:
    env = _env()
    ui = {k: {"zh": zh, "en": en} for k, (zh, en) in UI.items()}
    common = {
        "ui": ui,
        "t": lambda key, **kw: UI[key][0].format(**kw),
        "assets": ASSETS,
        "cases": data["cases"],
        "metrics": data["metrics"],
        "facets": data["facets"],
        "definitions_version": DEFINITIONS_VERSION,
        "glossary": _glossary(),
        "platforms": PLATFORMS,
        "categories": CATEGORIES,
        "label": label,
    }
    pages = {}
    for page in ("index", "compare", "lessons", "glossary"):
        pages[f"{page}.html"] = env.get_template(f"{page}.html.j2").render(page=page, **common)
    return pages


def _data_js(data: dict[str, Any]) -> str:
    body = json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    # a classic script, so it loads from file://; "</" and U+2028/9 escaped so it is safe anywhere
    body = body.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return (
        "/* fupan case library data: generated by `fupan site`, do not edit */\n"
        f"window.FUPAN_SITE = {body};\n"
    )


def _font_css(texts: list[str]) -> str:
    """An embedded subset of the CJK font holding every character the site shows (machines without
    a Chinese font still read it; nothing is downloaded)."""
    from ...fonts import embedded_font_css

    chars = {ch for text in texts for ch in text if ord(ch) > 0x2000}
    return embedded_font_css("".join(sorted(chars)), family="FupanCJK") + "\n"


def _prepare_out(out: Path) -> None:
    """Refuse to replace a folder that is not a site fupan wrote (it may hold someone's files)."""
    if out.exists() and not out.is_dir():
        raise ArchiveConflictError(f"--out {out} 是一个文件，不是文件夹 / is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ArchiveConflictError(
            f"{out} 已存在且不是 fupan site 生成的站点，未做任何修改；请换一个 --out 文件夹 / {out} exists and "
            f"is not a site written by fupan site; nothing was changed — choose another --out folder"
        )


def build_site(library: Path, out: Path) -> SiteResult:
    """Write the knowledge base of ``library`` into ``out`` (replacing a previous site there).

    The new site is written into a temporary folder beside ``out`` and swapped in at the end, so
    a failed build leaves the previous site as it was.
    """
    t0 = time.perf_counter()
    library, out = Path(library), Path(out)
    _prepare_out(out)
    cases, warnings = load_library(library)
    data = site_data(cases)
    pages = _render_pages(data)
    from .notebooks import site_pages  # the worked examples; the glossary's terms

    pages.update(site_pages(pages))
    data_js = _data_js(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    try:
        (tmp / ASSETS).mkdir()
        for name in STATIC_FILES:
            shutil.copyfile(STATIC / name, tmp / ASSETS / name)
        (tmp / ASSETS / "data.js").write_text(data_js, encoding="utf-8")
        for name, html in pages.items():
            (tmp / name).write_text(html, encoding="utf-8")
        for case in cases:
            src = case.folder / "report.html"
            if src.is_file():
                (tmp / "cases" / case.id).mkdir(parents=True)
                shutil.copyfile(src, tmp / "cases" / case.id / "report.html")
        texts = [*pages.values(), data_js, (STATIC / "site.js").read_text(encoding="utf-8")]
        (tmp / ASSETS / "font.css").write_text(_font_css(texts), encoding="utf-8")
        digest = hashlib.sha256(data_js.encode()).hexdigest()
        (tmp / MARKER).write_text(
            f"written by fupan site; data sha256 {digest}\n", encoding="utf-8"
        )
        os.chmod(tmp, 0o755)
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return SiteResult(out, len(cases), warnings, time.perf_counter() - t0)

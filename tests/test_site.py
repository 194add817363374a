"""The knowledge base (`fupan site`): tokenizer, data, links, offline-ness, privacy, i18n.

The fixture library is written here by hand: six case records sealed with
:func:`fupan.cases.write_record`, whose names, findings and lessons were chosen so that each search
below has a hand-known answer (复盘 is in two cases, 大盘 only in a third; 毛利 in three, only one
of which says 毛利率; …) and whose KPIs are typed in, so every expected value and order is computed
from the table below, not from the code under test. The browser test (test_site_browser.py) drives
the same library in Chromium.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from conftest import ROOT, run_cli
from fupan.cases import write_record
from fupan.cases.site import build_site, reference_search, tokenize
from fupan.cases.site.build import METRICS, STATIC, UI, format_value, load_library, site_data
from fupan.cases.site.search import is_cjk_token
from fupan.dictionary import DEFINITIONS_VERSION
from fupan.errors import ArchiveConflictError, CaseRecordError, ValidationError

# --------------------------------------------------------------------------- the fixture library
# Campaign-window KPIs per case (None = not measured). gmv/uv give GMV per UV.
K = (
    "gmv",
    "uv",
    "cr",
    "cr_index",
    "gmv_index",
    "aov_index",
    "burst_multiple",
    "roas",
    "new_customer_share",
    "live_gmv_share",
    "refund_rate",
)

CASES: list[dict] = [
    {
        "id": "d11-beauty-2025",
        "name": "双十一美妆大促 2025",
        "platform": "tmall",
        "category": "beauty",
        "start": "2025-10-20",
        "end": "2025-11-11",
        "target": ("met", 1.12),
        "sidecar": ("meta.json", {"provenance": "synthetic"}),
        "kpis": dict(
            zip(
                K,
                (1_000_000.0, 50_000.0, 0.05, 140.0, 300.0, 110.0, 8.5, 3.4, 0.48, 0.29, 0.056),
                strict=True,
            )
        ),
        "roi_margin": 0.5,
        "repeat": 0.116,
        # 同比, pre-heat carters converted, reactivation: as `fupan run` records them
        "yoy": 0.25,
        "preheat": 0.074,
        "reactivation": 0.081,
        "findings": [("miss", "毛利率下降 3 个百分点", "Gross margin rate fell by 3 points")],
        "went_well": ["直播间拉新超预期"],
        "to_improve": ["复盘会应在活动后一周内召开"],
        "mechanics": ["预售定金", "跨店满减"],
    },
    {
        "id": "618-apparel-2025",
        "name": "618 服饰大促",
        "platform": "jd",
        "category": "apparel",
        "start": "2025-05-31",
        "end": "2025-06-18",
        "target": ("missed", 0.91),
        "sidecar": ("meta.yaml", "provenance: real\n"),
        "kpis": dict(
            zip(
                K,
                (2_400_000.0, 160_000.0, 0.031, 95.0, 210.0, 104.0, 5.2, 2.1, 0.35, None, 0.081),
                strict=True,
            )
        ),
        "roi_margin": None,
        "repeat": 0.2,
        "reactivation": 0.0,  # measured: nobody woke up — a 0, not a "—"
        "findings": [("note", "搜索渠道 ROAS 最高", "Search ads had the highest ROAS")],
        "went_well": [],
        "to_improve": ["大盘流量下滑时应提前加投搜索"],
        "mechanics": ["满减"],
    },
    {
        "id": "d11-food-2024",
        "name": "双十一零食节 2024（模拟数据）",
        "platform": "tmall",
        "category": "food",
        "start": "2024-10-21",
        "end": "2024-11-11",
        "target": None,
        "sidecar": None,
        "kpis": dict(
            zip(
                K,
                (500_000.0, None, None, 120.0, 180.0, None, 3.9, None, 0.52, 0.1, 0.02),
                strict=True,
            )
        ),
        "roi_margin": 0.8,
        "repeat": None,
        "yoy": -0.125,  # a fall
        "preheat": 0.2,
        "findings": [("miss", "毛利ROI 0.80，低于盈亏线", "Margin ROI 0.80, below break-even")],
        "went_well": ["会员复购稳定"],
        "to_improve": ["大促复盘发现库存不足"],
        "mechanics": [],
    },
    {
        "id": "xmas-gifts-2024",
        "name": "UK gifts Christmas 2024",
        "platform": "own-site",
        "category": "gifts",
        "start": "2024-12-01",
        "end": "2024-12-24",
        "target": ("not_assessed", None),
        "sidecar": None,
        "kpis": dict(
            zip(
                K,
                (80_000.0, 4_000.0, 0.02, 101.0, 150.0, 120.0, 2.5, None, 0.3, 0.0, 0.01),
                strict=True,
            )
        ),
        "roi_margin": 1.4,
        "repeat": 0.3,
        "currency": "GBP",
        "findings": [("win", "毛利改善", "Gross margin improved")],
        "went_well": ["Free shipping threshold lifted AOV"],
        "to_improve": [],
        "mechanics": [],
    },
    {
        "id": "d12-beauty-2024",
        "name": "双十二美妆 2024",
        "platform": "douyin",
        "category": "beauty",
        "start": "2024-12-01",
        "end": "2024-12-12",
        "target": ("missed", 0.75),
        "sidecar": None,
        "kpis": dict(
            zip(
                K,
                (300_000.0, 30_000.0, 0.04, None, 260.0, 95.0, 6.1, 1.8, 0.6, 0.7, 0.09),
                strict=True,
            )
        ),
        "roi_margin": None,
        "repeat": None,
        "findings": [("win", "大促期间转化率提升", "Conversion rose during the campaign")],
        "went_well": [],
        "to_improve": ["直播间毛利偏低"],
        "mechanics": ["直播秒杀"],
    },
    {
        "id": "queen-day-2025",
        "name": "38女王节 2025",
        "platform": "tmall",
        "category": "beauty",
        "start": "2025-03-01",
        "end": "2025-03-08",
        "target": ("met", 1.03),
        "sidecar": None,
        "report": False,
        "kpis": dict(
            zip(
                K,
                (200_000.0, 25_000.0, 0.06, 130.0, None, 99.0, 4.0, 4.2, 0.4, 0.3, None),
                strict=True,
            )
        ),
        "roi_margin": None,
        "repeat": None,
        "findings": [],
        "went_well": [],
        "to_improve": ["大促节奏太赶"],
        "mechanics": [],
    },
]
IDS = {c["id"] for c in CASES}
#: what each case's provenance must come out as (sidecar json / sidecar yaml / name says 模拟 / nothing)
PROVENANCE = {
    "d11-beauty-2025": "synthetic",
    "618-apparel-2025": "real",
    "d11-food-2024": "synthetic",
    "xmas-gifts-2024": "unknown",
    "d12-beauty-2024": "unknown",
    "queen-day-2025": "unknown",
}
#: hand-known search answers over the texts above (names, tags = mechanics + platform/category
#: labels + year, findings zh+en, lessons)
SEARCHES: dict[str, set[str]] = {
    "复盘": {"d11-beauty-2025", "d11-food-2024"},  # never 618 (大盘 only)
    "大盘": {"618-apparel-2025"},
    "毛利": {
        "d11-beauty-2025",
        "d11-food-2024",
        "xmas-gifts-2024",
        "d12-beauty-2024",
    },  # 毛利率, 毛利ROI, 毛利改善, 毛利偏低
    "毛利率": {"d11-beauty-2025"},
    "大促": {
        "d11-beauty-2025",
        "618-apparel-2025",
        "d11-food-2024",
        "d12-beauty-2024",
        "queen-day-2025",
    },
    "直播 毛利": {"d11-beauty-2025", "d12-beauty-2024"},
    "margin": {"d11-beauty-2025", "d11-food-2024", "xmas-gifts-2024"},
    "marg": {
        "d11-beauty-2025",
        "d11-food-2024",
        "xmas-gifts-2024",
    },  # Latin words also match as prefixes
    "天猫": {"d11-beauty-2025", "d11-food-2024", "queen-day-2025"},
    "Tmall": {"d11-beauty-2025", "d11-food-2024", "queen-day-2025"},
    "GROSS Margin": {"d11-beauty-2025", "xmas-gifts-2024"},
    "复": set(),  # a lone character is a unigram; no case has 复 on its own
    "盘": set(),
    "xyz": set(),
}
NOTEBOOKS = ROOT / "notebooks"
SHOP = "花漾测试旗舰店"
OWNER = "张三丰"


def _report_html(name: str) -> str:
    from html import escape

    return f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(name)}</title></head><body><h1>{escape(name)}</h1></body></html>\n"


def make_record(c: dict) -> dict:
    """A case record as `fupan run` writes one (same keys), with the campaign KPIs of ``c``."""
    kp = dict(c["kpis"])
    camp = {"start": c["start"], "end": c["end"], **kp}
    base = {"start": "2024-01-01", "end": "2024-01-28", "gmv": 1.0, "cr_index": 100.0}
    targets = []
    if c["target"] is not None:
        status, ach = c["target"]
        targets.append(
            {
                "kpi": "gmv",
                "status": status,
                "achievement": ach,
                "actual": kp["gmv"],
                "target": kp["gmv"] / ach if ach else None,
            }
        )
    card = {
        "id": c["id"],
        "name": c["name"],
        "shop": SHOP,
        "platform": c["platform"],
        "category": c["category"],
        "currency": c.get("currency", "CNY"),
        "timezone": "Asia/Shanghai",
        "windows": {
            "baseline": {"start": "2024-01-01", "end": "2024-01-28"},
            "burst": {"start": c["start"], "end": c["end"]},
        },
        "background": {
            "market": None,
            "competition": None,
            "team": f"{SHOP}运营团队",
            "product": None,
            "open_actions": [],
        },
        "strategy": {
            "targets": {"gmv": targets[0]["target"]} if targets and targets[0]["target"] else {},
            "budget": {},
            "mechanics": c["mechanics"],
            "hypotheses": [],
        },
        "retrospective": {
            "went_well": c["went_well"],
            "to_improve": c["to_improve"],
            "actions": [{"what": f"{c['name']} 行动项", "owner": OWNER, "due": "2026-01-15"}],
        },
        "tables": {"orders": "orders.parquet", "events": None, "spend": None, "inventory": None},
        "mapping": {
            "orders": {"买家ID": "user_id"}
        },  # a column mapping names user_id: it must not reach the site
    }
    return {
        "schema_version": 1,
        "case_id": c["id"],
        "name": c["name"],
        "library_version": "0.1.0",
        "definitions_version": DEFINITIONS_VERSION,
        "parameters": {"lang": "zh", "template": "retrospective.ipynb"},
        "card": card,
        "kpis": {"baseline": base, "campaign": camp},
        "channels": {},
        "targets": targets,
        "hypotheses": [],
        "decomposition": None,
        "findings": [
            {"kind": k, "metric": "gmv", "zh": zh, "en": en} for k, zh, en in c["findings"]
        ],
        "data": {"files": {"orders.parquet": "0" * 64}, "tables": ["orders"], "warnings": []},
        "analyses": {
            "margin": {"roi_margin": c["roi_margin"]} if c["roi_margin"] is not None else None,
            "customers": {
                "new_customer_quality": {"k": 30, "campaign": {"k": 30, "rate": c["repeat"]}}
            },
            **(
                {"year_on_year": {"windows": {"campaign": {"measured": True, "gmv_growth": y}}}}
                if (y := c.get("yoy")) is not None
                else {}
            ),
            **(
                {"preheat_pool": {"carters": 1000, "converted": round(1000 * r), "rate": r}}
                if (r := c.get("preheat")) is not None
                else {}
            ),
            **(
                {"audiences": {"dormant": 500, "reactivation_rate": r}}
                if (r := c.get("reactivation")) is not None
                else {}
            ),
        },
        "skipped": {},
        "reproduce": f"fupan run campaigns/{c['id']} --out reports --lang zh",
    }


def write_library(root: Path, cases: list[dict] = CASES) -> Path:
    """case_library/<id>/{campaign.yaml, case.json, report.html (unless report=False), sidecar}."""
    for c in cases:
        folder = root / c["id"]
        folder.mkdir(parents=True)
        rec = make_record(c)
        write_record(folder / "case.json", rec)
        (folder / "campaign.yaml").write_text(
            yaml.safe_dump(rec["card"], allow_unicode=True), encoding="utf-8"
        )
        if c.get("report", True):
            (folder / "report.html").write_text(_report_html(c["name"]), encoding="utf-8")
        if c["sidecar"]:
            name, content = c["sidecar"]
            (folder / name).write_text(
                json.dumps(content) if name.endswith(".json") else content, encoding="utf-8"
            )
    (root / "README.md").write_text("case library\n", encoding="utf-8")  # a stray file: ignored
    (root / ".incoming-x.tmp").mkdir()  # an archive in progress: ignored
    return root


@pytest.fixture(scope="module")
def library(tmp_path_factory) -> Path:
    return write_library(tmp_path_factory.mktemp("lib") / "case_library")


@pytest.fixture(scope="module")
def site(library: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    result = build_site(library, out)
    assert result.cases == len(CASES)
    return out


def site_cases(site: Path) -> list[dict]:
    text = (site / "assets" / "data.js").read_text(encoding="utf-8")
    m = re.fullmatch(r"/\*[^\n]*\*/\nwindow\.FUPAN_SITE = (.*);\n", text, flags=re.S)
    assert m, "data.js is one assignment of a JSON object"
    return json.loads(m.group(1))["cases"]


# --------------------------------------------------------------------------- tokenizer


def test_tokenizer_hand_written_expectations():
    assert tokenize("毛利率") == ["毛利", "利率"]
    assert tokenize("毛利") == ["毛利"]
    assert tokenize("复盘") == ["复盘"]
    assert tokenize("大盘") == ["大盘"]
    assert tokenize("猫") == ["猫"]  # a lone CJK character: unigram
    # a run touching a Latin/digit run also gives its touching character
    assert tokenize("GMV目标达成") == ["gmv", "目", "目标", "标达", "达成"]
    assert tokenize("抖音直播双11 2025") == ["抖音", "音直", "直播", "播双", "双", "11", "2025"]
    assert tokenize("618大促") == ["618", "大", "大促"]
    assert tokenize("大促 618") == ["大促", "618"]  # a space between: no unigram
    assert tokenize("ROI 3.4×, live-stream") == ["roi", "3", "4", "live", "stream"]
    assert tokenize("ＲＯＩ１　毛利") == ["roi1", "毛利"]  # full-width → NFKC
    assert tokenize("Café crème") == ["café", "crème"]
    assert tokenize("双11，大促！") == ["双", "11", "大促"]
    assert tokenize("𠀋𠀌") == ["𠀋𠀌"]  # CJK Extension B: code points, not UTF-16 halves
    assert tokenize("") == [] and tokenize("!!! ，。") == []
    assert (
        is_cjk_token("毛利")
        and is_cjk_token("猫")
        and not is_cjk_token("roi")
        and not is_cjk_token("11")
    )


def test_reference_search_cjk_exact_latin_prefix():
    docs = {
        "a": ["本次复盘总结"],
        "b": ["大盘下滑"],
        "c": ["毛利率提升", "margin up"],
        "d": ["毛利 偏低"],
    }
    assert reference_search(docs, "复盘") == {"a"}
    assert reference_search(docs, "大盘") == {"b"}
    assert reference_search(docs, "毛利") == {"c", "d"}
    assert reference_search(docs, "毛利率") == {"c"}
    assert reference_search(docs, "marg") == {"c"}
    assert reference_search(docs, "毛利 marg") == {"c"}  # AND
    assert reference_search(docs, "复盘 毛利") == set()
    assert reference_search(docs, "  ，") is None  # no token: no filter
    # 双11 in a name after other characters: the query 双11 (双 + 11) finds it; 双 alone in a
    # text without the digits still does not make 双 match every 双…
    named = {"e": ["抖音美妆直播双11 2025"], "f": ["京东3C双12大促"], "g": ["双倍积分"]}
    assert reference_search(named, "双11") == {"e"}
    assert reference_search(named, "双12") == {"f"}
    assert reference_search(named, "直播双11") == {"e"}
    assert reference_search(named, "双") == {"e", "f"}  # 双倍积分 has no lone 双


def test_fixture_searches_over_the_built_data(site: Path):
    """The hand-known answers hold for the texts the page indexes (data.js ``search`` fields)."""
    cases = site_cases(site)
    docs = {c["id"]: list(c["search"].values()) for c in cases}
    for query, expected in SEARCHES.items():
        assert reference_search(docs, query) == expected, query


# --------------------------------------------------------------------------- data


def test_case_data_values(site: Path):
    by_id = {c["id"]: c for c in site_cases(site)}
    assert set(by_id) == IDS
    a = by_id["d11-beauty-2025"]
    assert a["kpis"]["gmv_per_uv"] == pytest.approx(1_000_000 / 50_000)  # 20.0
    assert a["display"]["gmv_per_uv"] == {"zh": "¥20.00", "en": "¥20.00"}
    assert (
        a["kpis"]["gmv_achievement"] == pytest.approx(1.12)
        and a["display"]["gmv_achievement"]["zh"] == "112.0%"
    )
    assert a["kpis"]["roi_margin"] == 0.5 and a["display"]["roi_margin"]["en"] == "0.50"
    assert (
        a["kpis"]["repeat_rate"] == pytest.approx(0.116)
        and a["display"]["repeat_rate"]["zh"] == "11.6%"
    )
    assert (
        a["display"]["burst_multiple"]["zh"] == "8.50×"
        and a["display"]["cr_index"]["zh"] == "140.0"
    )
    assert (
        a["year"] == "2025"
        and a["outcome"] == "met"
        and a["report"] == "cases/d11-beauty-2025/report.html"
    )
    # not measured stays None and shows "—", never 0
    food = by_id["d11-food-2024"]
    for key in ("gmv_per_uv", "cr", "aov_index", "roas", "repeat_rate", "gmv_achievement"):
        assert food["kpis"][key] is None and food["display"][key] == {"zh": "—", "en": "—"}, key
    assert food["outcome"] == "no_target"
    assert by_id["xmas-gifts-2024"]["outcome"] == "not_assessed"
    assert (
        by_id["xmas-gifts-2024"]["display"]["gmv_per_uv"]["en"] == "£20.00"
    )  # 80,000 / 4,000 in GBP
    assert by_id["xmas-gifts-2024"]["kpis"]["live_gmv_share"] == 0.0  # a measured 0 stays 0
    assert by_id["queen-day-2025"]["report"] is None
    # the KPIs read from a record's analyses: 同比, pre-heat conversion, reactivation
    assert a["kpis"]["gmv_yoy"] == 0.25 and a["display"]["gmv_yoy"]["zh"] == "25.0%"
    assert (
        a["kpis"]["preheat_conversion"] == 0.074
        and a["display"]["preheat_conversion"]["en"] == "7.4%"
    )
    assert (
        a["kpis"]["reactivation_rate"] == 0.081
        and a["display"]["reactivation_rate"]["zh"] == "8.1%"
    )
    assert food["kpis"]["gmv_yoy"] == -0.125 and food["display"]["gmv_yoy"]["zh"] == "-12.5%"
    apparel = by_id["618-apparel-2025"]
    assert apparel["kpis"]["reactivation_rate"] == 0.0  # measured: 0, shown as 0
    assert apparel["display"]["reactivation_rate"]["zh"] == "0.0%"
    for key in ("gmv_yoy", "preheat_conversion"):  # the record lacks them: "—"
        assert apparel["kpis"][key] is None and apparel["display"][key]["en"] == "—", key
    assert {i: c["provenance"] for i, c in by_id.items()} == PROVENANCE
    # the lessons keep what and due, not who
    assert a["lessons"]["actions"] == [
        {
            "what": "双十一美妆大促 2025 行动项",
            "due": "2026-01-15",
            "id": None,
            "status": "open",
            "closed_by": None,
        }
    ]
    # peers: same platform × category, nearest in time first
    assert a["peers"] == ["queen-day-2025"]
    assert by_id["618-apparel-2025"]["peers"] == []


def test_every_metric_is_bilingual_and_defined():
    from fupan.dictionary import KPI_DEFINITIONS

    assert len({m.key for m in METRICS}) == len(METRICS) >= 10
    for m in METRICS:
        assert m.zh and m.en and m.definition_zh and m.definition_en, m.key
        assert re.search(r"[\u4e00-\u9fff]", m.definition_zh) and not re.search(
            r"[\u4e00-\u9fff]", m.en + m.definition_en
        )
        if m.key in KPI_DEFINITIONS:  # one definition each: the dictionary's
            assert m.definition_zh == KPI_DEFINITIONS[m.key].definition_zh
    # METHODS §6: ratios, per-UV value, indices, burst multiple, target achievement are all sortable
    assert {
        "cr",
        "refund_rate",
        "new_customer_share",
        "live_gmv_share",
        "repeat_rate",
        "roi_margin",
        "gmv_per_uv",
        "gmv_index",
        "cr_index",
        "aov_index",
        "burst_multiple",
        "gmv_achievement",
    } <= {m.key for m in METRICS}
    assert not {"gmv", "buyers", "orders", "spend"} & {
        m.key for m in METRICS
    }  # scale KPIs never rank cases


def test_format_value_never_shows_zero_for_missing():
    assert format_value(None, "ratio", "zh") == "—"
    assert format_value(float("nan"), "index", "en") == "—"
    assert format_value(0.0, "ratio", "zh") == "0.0%"
    assert format_value(0.1234, "ratio", "en") == "12.3%"
    assert format_value(2.0, "multiple", "zh") == "2.00×"
    assert format_value(12.345, "money", "en", "USD") == "$12.35"


# --------------------------------------------------------------------------- files and links


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.i18n: list[str] = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("href", "src") and v is not None:
                self.refs.append(v)
            if k in (
                "data-i18n",
                "data-i18n-placeholder",
                "data-i18n-title",
                "data-i18n-title-key",
            ):
                self.i18n.append(v)


def _resolve(page: Path, ref: str) -> Path | None:
    """The file a relative href/src points to (fragment and query dropped); None for in-page/data:."""
    parts = urlsplit(ref)
    if parts.scheme == "data" or (not parts.path and (parts.fragment or parts.query)):
        return None
    assert not parts.scheme and not parts.netloc, f"{page.name}: non-relative link {ref!r}"
    return (page.parent / unquote(parts.path)).resolve()


def test_site_files_exist(site: Path):
    for name in (
        "index.html",
        "compare.html",
        "lessons.html",
        "glossary.html",
        ".fupan-site",
        "assets/data.js",
        "assets/site.js",
        "assets/site.css",
        "assets/font.css",
        "assets/minisearch.js",
        "assets/MINISEARCH-LICENSE.txt",
    ):
        assert (site / name).is_file(), name
    reports = sorted(p.parent.name for p in (site / "cases").glob("*/report.html"))
    assert reports == sorted(IDS - {"queen-day-2025"})
    # the report is the archived file, byte for byte
    assert (site / "cases/d12-beauty-2024/report.html").read_text(encoding="utf-8") == _report_html(
        "双十二美妆 2024"
    )


def test_every_href_and_src_resolves(site: Path):
    pages = sorted(site.glob("*.html")) + sorted(site.glob("cases/*/report.html"))
    checked = 0
    for page in pages:
        p = _Links()
        p.feed(page.read_text(encoding="utf-8"))
        for ref in p.refs:
            target = _resolve(page, ref)
            if target is not None:
                assert target.is_file(), f"{page.relative_to(site)}: {ref} → missing {target}"
                assert site.resolve() in target.parents, f"{ref} leaves the site"
                checked += 1
    assert checked >= 4 * 10  # each page: css ×2, scripts, nav ×4, brand, licence …
    # links the script builds: every case's report path, and the CSS url()s (data: only)
    for c in site_cases(site):
        if c["report"]:
            assert (site / c["report"]).is_file(), c["report"]
    for css in site.glob("assets/*.css"):
        for url in re.findall(r"url\(([^)]*)\)", css.read_text(encoding="utf-8")):
            assert url.strip("'\"").startswith("data:"), f"{css.name}: url({url[:40]}…)"


def _strip_js_comments(js: str) -> str:
    js = re.sub(r"/\*.*?\*/", "", js, flags=re.S)
    return re.sub(r"^\s*//.*$", "", js, flags=re.M)


def test_no_network_url_anywhere(site: Path):
    url = re.compile(r"https?://", re.I)
    own = [
        *site.glob("*.html"),
        *(
            p
            for p in site.glob("assets/*")
            if p.name not in ("minisearch.js", "MINISEARCH-LICENSE.txt")
        ),
    ]
    base = {"index.html", "compare.html", "lessons.html", "glossary.html"}
    base |= {"data.js", "site.js", "site.css", "font.css"}
    assert base <= {p.name for p in own}  # 4 pages, data.js, site.js, site.css, font.css …
    # … and the worked examples' pages (a student and an instructor copy each, and their index)
    examples = sorted(p.name for p in own if p.name.startswith("example"))
    students = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert len(own) == len(base) + len(examples) and len(examples) >= len(students) + 1, examples
    for f in own:
        text = f.read_text(encoding="utf-8")
        if f.name.startswith("example"):  # nbconvert's page CSS cites its sources in comments
            text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
        assert not url.search(text), f"{f.relative_to(site)} holds an http(s) URL"
    # MiniSearch is the upstream file unchanged (hash in the version note); its only URLs are in comments
    ms = (site / "assets/minisearch.js").read_text(encoding="utf-8")
    note = (STATIC / "MINISEARCH-VERSION.txt").read_text(encoding="utf-8")
    assert hashlib.sha256(ms.encode()).hexdigest() in note
    assert url.search(ms) and not url.search(_strip_js_comments(ms))
    code = _strip_js_comments(ms)
    call = re.compile(r"(?<![.\w])fetch\((?![^)]*\)\s*\{)")
    assert (
        call.search("x = fetch('index.json')")
        and not call.search("  fetch(key, initial) {")
        and not call.search("m.fetch(k)")
    )
    # SearchableMap has a method called fetch(key, initial) {…}: only a call of the global fetch counts
    assert not call.search(code), "minisearch.js calls fetch()"
    assert not re.search(r"XMLHttpRequest|WebSocket|EventSource|sendBeacon|\bimport\(", code)
    site_js = (site / "assets/site.js").read_text(encoding="utf-8")
    assert (
        "fetch(" not in site_js and "XMLHttpRequest" not in site_js and "innerHTML" not in site_js
    )
    # a copied report may load nothing from the network either
    for rep in site.glob("cases/*/report.html"):
        p = _Links()
        p.feed(rep.read_text(encoding="utf-8"))
        assert not [r for r in p.refs if url.match(r)], rep


def _no_uci_customer_id_in_example_outputs(site: Path) -> None:
    """The real-data example's outputs (not its code) show no UCI CustomerID value."""
    import pandas as pd

    uci = ROOT.parent / "shared/datasets/uci-online-retail/online_retail.parquet"
    pages = sorted(site.glob("example-02_*.html"))
    if not uci.is_file() or not pages:
        print(f"UCI customer-id scan skipped: {uci} or the real-data example page is missing")
        return
    ids = pd.read_parquet(uci, columns=["CustomerID"]).CustomerID.dropna().astype(int)
    ids = set(ids.astype(str))
    for page in pages:
        html = page.read_text(encoding="utf-8")
        outputs = re.findall(
            r'<div class="[^"]*jp-OutputArea-output[^"]*"[^>]*>(.*?)</div>', html, flags=re.S
        )
        assert outputs, page.name
        text = re.sub(r"<[^>]+>", " ", " ".join(outputs))
        found = {t for t in re.findall(r"(?<![\d.,])\d{5}(?![\d.,])", text) if t in ids}
        assert not found, (page.name, sorted(found)[:5])


def test_privacy_no_user_ids_shop_or_owners(site: Path):
    """Records hold no customer ids; the site copies an allow-list, so neither the card's column
    mapping (which names user_id), the shop name nor the action owners reach any page."""
    from html import escape

    from fupan.dictionary import KPI_DEFINITIONS

    for f in [*site.glob("*.html"), *site.glob("assets/*.js")]:
        text = f.read_text(encoding="utf-8")
        if f.name.startswith("example"):  # the worked examples teach the contract's column names
            text = re.sub(
                r"user_(id|key)", "", text
            )  # in their code; their outputs are checked below
        if (
            f.name == "glossary.html"
        ):  # the dictionary's definitions name the column (buyers = distinct user_id)
            for d in KPI_DEFINITIONS.values():
                text = text.replace(escape(d.definition_zh), "").replace(
                    escape(d.definition_en), ""
                )
        assert "user_id" not in text and "user_key" not in text, f.name
        assert SHOP not in text and OWNER not in text, f.name
        assert "买家ID" not in text, f.name
    _no_uci_customer_id_in_example_outputs(site)
    from fupan.ingest.privacy import scan_text  # phone numbers, ID numbers, e-mail addresses

    for f in [*site.glob("*.html"), *site.glob("assets/*")]:
        assert not scan_text(f.read_text(encoding="utf-8")), f.name


def test_templates_and_ui_fully_bilingual(site: Path):
    cjk = re.compile(r"[\u3400-\u9fff]")
    mixed_ok = {
        "lang_switch",
        "search_placeholder",
        "search_hint",
    }  # examples of Chinese queries / the switch's own label
    for key, (zh, en) in UI.items():
        assert zh.strip() and en.strip() and zh != key and en != key, key
        assert cjk.search(zh) or key == "lang_switch", key
        assert key in mixed_ok or not cjk.search(en), f"English label {key!r} holds Chinese: {en}"
        assert set(re.findall(r"\{(\w+)\}", zh)) == set(re.findall(r"\{(\w+)\}", en)), key
    for page in site.glob("*.html"):
        p = _Links()
        p.feed(page.read_text(encoding="utf-8"))
        missing = [k for k in p.i18n if k not in UI]
        assert not missing, f"{page.name}: untranslated keys {missing}"
    assert {"facet_" + f for f in ("platform", "category", "year", "provenance", "outcome")} <= set(
        UI
    )
    # the glossary carries both languages for every row
    gl = (site / "glossary.html").read_text(encoding="utf-8")
    assert gl.count('class="l-zh"') == gl.count('class="l-en"') > 2 * len(METRICS)
    # a share of the mix is neither better nor worse, in both tables of the glossary
    for table in ("kpi", "def"):
        row = re.search(rf'<tr id="{table}-live_gmv_share">.*?</tr>', gl, re.S)
        assert row and "不分优劣" in row.group(0) and "越高越好" not in row.group(0), table


def test_operator_text_is_escaped(tmp_path: Path):
    bad = {
        **CASES[0],
        "id": "xss-case",
        "name": '<script data-xss>alert(1)</script>"><img src=x onerror=alert(2)>',
        "went_well": ["</script><script data-xss>alert(3)</script>"],
        "sidecar": None,
    }
    out = build_site(write_library(tmp_path / "lib", [bad]), tmp_path / "site").out
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script data-xss" not in text and "<img src=x" not in text, page.name
    data = (out / "assets/data.js").read_text(encoding="utf-8")
    assert "</script" not in data and "alert(1)<\\/script>" in data


# --------------------------------------------------------------------------- building


def test_build_is_deterministic_and_replaces_its_own_site(library: Path, tmp_path: Path):
    out = tmp_path / "site"
    build_site(library, out)
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    build_site(library, out)
    second = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert first == second
    assert not [p for p in tmp_path.iterdir() if p.name != "site"], (
        "no temporary folder left behind"
    )


def test_refuses_a_folder_it_did_not_write(library: Path, tmp_path: Path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    with pytest.raises(ArchiveConflictError):
        build_site(library, out)
    assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"


def test_corrupted_record_stops_the_build_and_keeps_the_old_site(library: Path, tmp_path: Path):
    lib = tmp_path / "lib"
    shutil.copytree(library, lib)
    out = tmp_path / "site"
    build_site(lib, out)
    before = (out / "assets/data.js").read_bytes()
    rec = lib / "d12-beauty-2024" / "case.json"
    rec.write_text(
        rec.read_text(encoding="utf-8").replace("双十二美妆 2024", "双十二美妆 2099"),
        encoding="utf-8",
    )
    with pytest.raises(CaseRecordError, match="content_sha256"):
        build_site(lib, out)
    assert (out / "assets/data.js").read_bytes() == before


def test_library_folder_rules(library: Path, tmp_path: Path):
    cases, warnings = load_library(library)
    assert {c.id for c in cases} == IDS  # README.md and the hidden folder ignored
    assert warnings == []
    lib = tmp_path / "lib"
    shutil.copytree(library, lib)
    (lib / "half-archived").mkdir()
    (lib / "half-archived" / "campaign.yaml").write_text("id: x\n", encoding="utf-8")
    cases, warnings = load_library(lib)
    assert len(cases) == len(CASES) and [w.code for w in warnings] == ["no_case_record"]
    with pytest.raises(ValidationError, match="--library"):
        load_library(tmp_path / "nope")


def test_empty_library_builds_an_empty_site(tmp_path: Path):
    (tmp_path / "lib").mkdir()
    out = build_site(tmp_path / "lib", tmp_path / "site").out
    assert site_cases(out) == [] and (out / "index.html").is_file()


def test_cli_site_command(library: Path, tmp_path: Path):
    proc = run_cli("site", "--library", str(library), "--out", str(tmp_path / "kb"))
    assert proc.returncode == 0, proc.stderr
    assert (
        f"{len(CASES)} 个案例 cases" in proc.stdout
        and (tmp_path / "kb" / "index.html").as_uri() in proc.stdout
    )
    bad = run_cli("site", "--library", str(tmp_path / "missing"), "--out", str(tmp_path / "kb2"))
    assert (
        bad.returncode == 2
        and "案例库文件夹不存在" in bad.stderr
        and "does not exist" in bad.stderr
    )
    assert "Traceback" not in bad.stderr and not (tmp_path / "kb2").exists()


def test_site_data_is_sorted_newest_first(library: Path):
    cases, _ = load_library(library)
    order = [c["id"] for c in site_data(cases)["cases"]]
    expected = [c["id"] for c in sorted(CASES, key=lambda c: (c["start"], c["id"]), reverse=True)]
    assert order == expected


def test_lessons_show_which_actions_the_shops_next_case_closed(tmp_path: Path):
    # same shop: the 38 case (burst ends 03-08) is the previous case of the Double 11 one, which
    # closes q-stock; q-repeat stays open, q-done is done as its card says; the 2024 food case (the
    # same shop, earlier still) is nobody's previous case here
    by_id = {c["id"]: c for c in CASES}
    root = tmp_path / "lib"
    recs = {
        i: make_record(by_id[i]) for i in ("queen-day-2025", "d11-beauty-2025", "d11-food-2024")
    }
    recs["queen-day-2025"]["card"]["retrospective"]["actions"] = [
        {"id": "q-stock", "what": "库存预警上线"},
        {"id": "q-repeat", "what": "新客复购承接"},
        {"id": "q-done", "what": "已做完的事", "status": "done"},
    ]
    recs["d11-beauty-2025"]["card"]["retrospective"]["closes"] = ["q-stock"]
    for cid, rec in recs.items():
        write_record(root / cid / "case.json", rec)
    cases, _ = load_library(root)
    actions = {e["id"]: e["lessons"]["actions"] for e in site_data(cases)["cases"]}
    queen = {a["id"]: (a["status"], a["closed_by"]) for a in actions["queen-day-2025"]}
    assert queen == {
        "q-stock": ("closed", "d11-beauty-2025"),
        "q-repeat": ("open", None),
        "q-done": ("done", None),
    }
    assert [a["status"] for a in actions["d11-food-2024"]] == ["open"]
    out = tmp_path / "site"
    build_site(root, out)
    page = (out / "lessons.html").read_text(encoding="utf-8")
    queen_block = page.split('id="case-queen-day-2025"', 1)[1].split("</article>", 1)[0]
    assert 'href="#case-d11-beauty-2025"' in queen_block and "已由下一案例关闭" in queen_block
    assert queen_block.count('data-status="open"') == 1


def test_each_roles_own_review_is_on_the_lessons_page_and_searchable(tmp_path: Path):
    """A card's retrospective.by_role (as fupan run records the card: by role key) is a lesson
    like the others: on the lessons page under the role's names, in the roles' order, and in the
    search text; a role with no note is left out."""
    by_id = {c["id"]: c for c in CASES}
    rec = make_record(by_id["d11-beauty-2025"])
    rec["card"]["retrospective"]["by_role"] = {
        "service": {"went_well": [], "to_improve": ["大促当晚客服排班不足"]},
        "live": {"went_well": ["主播话术改版后停留变长"], "to_improve": ["开播前没有彩排"]},
        "ads": {"went_well": [], "to_improve": []},
    }
    root = tmp_path / "lib"
    write_record(root / "d11-beauty-2025" / "case.json", rec)
    cases, _ = load_library(root)
    (entry,) = site_data(cases)["cases"]
    assert [r["role"] for r in entry["lessons"]["by_role"]] == ["live", "service"]
    assert entry["lessons"]["by_role"][0]["name"] == ["直播", "Live"]
    docs = {entry["id"]: list(entry["search"].values())}
    assert reference_search(docs, "彩排") == {"d11-beauty-2025"}
    assert reference_search(docs, "客服排班") == {"d11-beauty-2025"}
    out = tmp_path / "site"
    build_site(root, out)
    page = (out / "lessons.html").read_text(encoding="utf-8")
    block = page.split('id="case-d11-beauty-2025"', 1)[1].split("</article>", 1)[0]
    assert block.index("开播前没有彩排") < block.index(
        "大促当晚客服排班不足"
    )  # live before service
    assert "直播" in block and "Service and fulfilment" in block and "岗位自评" in block


def test_the_instructor_copies_are_published_only_when_asked(library: Path, tmp_path: Path):
    """The site published every worked example's instructor copy, its answers one click from the
    student page whose checks 'never show the answer'. By default there is no instructor page
    and no link to one; `--instructor` (a teachers' site) adds them. examples.html had the
    glossary's title; it has its own."""
    plain = tmp_path / "plain"
    build_site(library, plain)
    assert not list(plain.glob("example-*-instructor.html"))
    listing = (plain / "examples.html").read_text(encoding="utf-8")
    assert "instructor" not in listing and "讲师版" not in listing
    title = re.search(r"<title[^>]*>([^<]*)</title>", listing)
    assert title and title.group(1).startswith("示例与练习") and "examples_title" in title.group(0)
    teachers = tmp_path / "teachers"
    build_site(library, teachers, instructor=True)
    students = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert len(list(teachers.glob("example-*-instructor.html"))) == len(students)
    assert "讲师版" in (teachers / "examples.html").read_text(encoding="utf-8")


def test_cases_of_one_name_are_told_apart_by_their_id(tmp_path: Path):
    """Two cases named alike (a re-run, a copy, a yearly campaign named without its year) were
    listed, picked and headed alike. Where a name is shared, the id follows it; a name of its own
    is shown as written."""
    by_id = {c["id"]: c for c in CASES}
    root = tmp_path / "lib"
    twin = {**by_id["d11-beauty-2025"], "id": "d11-beauty-2025-rerun"}
    for c in (by_id["d11-beauty-2025"], twin, by_id["queen-day-2025"]):
        write_record(root / c["id"] / "case.json", make_record(c))
    cases, _ = load_library(root)
    labels = {e["id"]: e["label"] for e in site_data(cases)["cases"]}
    name = by_id["d11-beauty-2025"]["name"]
    assert labels == {
        "d11-beauty-2025": f"{name} · d11-beauty-2025",
        "d11-beauty-2025-rerun": f"{name} · d11-beauty-2025-rerun",
        "queen-day-2025": by_id["queen-day-2025"]["name"],
    }
    out = tmp_path / "site"
    build_site(root, out)
    picker = (out / "compare.html").read_text(encoding="utf-8")
    assert f"{name} · d11-beauty-2025-rerun</span>" in picker
    assert f"{name} · d11-beauty-2025</span>" in picker


def test_the_filed_minutes_are_a_page_of_their_case(tmp_path: Path):
    """A case's minutes.md (the review meeting's minutes, filed by fupan archive) becomes
    cases/<id>/minutes.html beside its report, linked from the case: the Markdown as HTML, any
    HTML the team typed into it shown as text, every glyph in the page's font subset. Minutes
    that are not the case's (no line with its case hash) are left out."""
    import base64
    import io

    from fontTools.ttLib import TTFont

    first, second = ({**c, "sidecar": None} for c in CASES[:2])
    lib_dir = write_library(tmp_path / "lib", [first, second])
    own = json.loads((lib_dir / first["id"] / "case.json").read_text(encoding="utf-8"))
    minutes = (
        "# 复盘会纪要：测试\n\n## 行动项\n\n"
        "| 行动项 | 负责人 |\n|---|---|\n| 饕餮礼盒补货 | 供应链 |\n\n"
        "- 会上补充 <script data-xss>alert(1)</script>\n\n---\n\n"
        f"同一次运行：fupan 0.1.0 · case `{own['content_sha256'][:16]}`\n"
    )
    (lib_dir / first["id"] / "minutes.md").write_text(minutes, encoding="utf-8")
    (lib_dir / second["id"] / "minutes.md").write_text(
        minutes, encoding="utf-8"
    )  # the first case's minutes in the second's folder
    out = build_site(lib_dir, tmp_path / "site").out
    page = out / "cases" / first["id"] / "minutes.html"
    html_text = page.read_text(encoding="utf-8")
    assert (out / "cases" / first["id"] / "minutes.md").read_text(encoding="utf-8") == minutes
    assert "<table>" in html_text and "<td>饕餮礼盒补货</td>" in html_text
    assert "<script" not in html_text and "&lt;script data-xss&gt;" in html_text
    assert not (out / "cases" / second["id"] / "minutes.html").exists()
    links = {c["id"]: c["minutes"] for c in site_cases(out)}
    assert links == {first["id"]: f"cases/{first['id']}/minutes.html", second["id"]: None}
    # the page's links resolve, and its font subset holds the glyphs only the minutes use
    for ref in re.findall(r'(?:href|src)="([^"]+)"', html_text):
        target = _resolve(page, ref)
        assert target is not None and target.is_file(), ref
    css = (out / "assets" / "font.css").read_text(encoding="utf-8")
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", css).group(1))
    cmap = TTFont(io.BytesIO(data), fontNumber=0).getBestCmap()
    assert ord("饕") in cmap and ord("餮") in cmap

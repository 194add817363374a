"""The knowledge base driven for real in headless Chromium, opened from ``file://``.

Playwright's sync API drives Debian's ``/usr/bin/chromium`` (Playwright's own browsers are never
downloaded). Every http(s) request is routed, counted and aborted; the count must be 0 at the end.
Queries are typed key by key (Chinese and English), facets clicked, KPIs sorted, the language
switched, cases chosen for the comparison — and each view is checked against a Python computation
over the library's records: :func:`fupan.cases.site.reference_search` (AND over bigram/word token sets)
plus the facet filter and the sort written out below. The library is test_site.py's hand-built
one plus one case made by a real ``fupan run`` of the tiny campaign.

Skipped, with the reason printed, when /usr/bin/chromium or playwright is missing (``make browser``
installs Debian's chromium; playwright comes from requirements.txt).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from conftest import TINY_CARD, run_cli, write_campaign
from fupan.cases import read_record
from fupan.cases.site import build_site, reference_search, tokenize
from fupan.cases.site.build import UI
from test_site import CASES, PROVENANCE, SEARCHES, site_cases, write_library

CHROMIUM = Path("/usr/bin/chromium")
FACETS = ("platform", "category", "year", "provenance", "outcome")
REAL_ID = "tiny-real"


def _sync_playwright():
    if not CHROMIUM.is_file():
        pytest.skip(
            "no /usr/bin/chromium (Debian: `make browser` / apt-get install chromium): knowledge-base browser test skipped"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(
            "playwright is not installed (pip install -r requirements.txt): knowledge-base browser test skipped"
        )
    return sync_playwright


# --------------------------------------------------------------------------- the library and its site


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict:
    _sync_playwright()  # skip before the 15 s `fupan run` when the browser cannot run anyway
    root = tmp_path_factory.mktemp("kb")
    library = write_library(root / "case_library")
    # one case through the real pipeline: the tiny campaign, with lessons in its card
    card = {
        **TINY_CARD,
        "id": REAL_ID,
        "name": "实跑小活动（合成数据）",
        "retrospective": {
            "went_well": ["live 渠道增长最快"],
            "to_improve": ["直播毛利需要单独核算"],
        },
    }
    folder = write_campaign(root / "campaigns" / REAL_ID, card=card)
    proc = run_cli("run", str(folder), "--out", str(root / "reports"), "--quiet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    (library / REAL_ID).mkdir()
    for name in ("case.json", "report.html", "minutes.md"):  # as fupan archive files them
        shutil.copyfile(root / "reports" / REAL_ID / name, library / REAL_ID / name)
    (library / REAL_ID / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True), encoding="utf-8"
    )
    site = root / "site"
    build_site(library, site)
    records = {p.parent.name: read_record(p) for p in library.glob("*/case.json")}
    minutes = {p.parent.name: p.read_text(encoding="utf-8") for p in library.glob("*/minutes.md")}
    return {"site": site, "records": records, "entries": site_cases(site), "minutes": minutes}


@pytest.fixture(scope="module")
def browser(built):
    sync_playwright = _sync_playwright()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


#: every http(s) request any page of this module tried (all aborted)
NETWORK: list[str] = []
REQUESTS: list[str] = []


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})

    def route(r):
        if r.request.url.lower().startswith(("http://", "https://")):
            NETWORK.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    ctx.route("**/*", route)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("request", lambda req: REQUESTS.append(req.url))
    yield pg
    ctx.close()
    assert not errors, f"errors in the page: {errors}"
    assert not [u for u in REQUESTS if u.lower().startswith(("http:", "https:"))]


def url_of(built, name: str, hash_: str = "") -> str:
    return (built["site"] / name).as_uri() + hash_


def open_page(pg, built, name: str = "index.html", hash_: str = ""):
    pg.goto(url_of(built, name, hash_))
    pg.wait_for_selector("html[data-ready='1']")


def shown(pg) -> list[str]:
    return pg.eval_on_selector_all("#results > li.case", "els => els.map(e => e.dataset.id)")


def type_query(pg, q: str) -> None:
    box = pg.locator("#q")
    box.fill("")
    box.press_sequentially(q, delay=5)


# --------------------------------------------------------------------------- the Python side of each view


def facet_values(built) -> dict[str, dict[str, str]]:
    """Facet value of every case, from its record (provenance: test_site's hand table)."""
    out = {}
    for cid, rec in built["records"].items():
        card = rec["card"]
        gmv = [t for t in rec["targets"] if t["kpi"] == "gmv"]
        outcome = (
            "no_target"
            if not gmv
            else gmv[0]["status"]
            if gmv[0]["status"] in ("met", "missed")
            else "not_assessed"
        )
        out[cid] = {
            "platform": card["platform"],
            "category": card["category"],
            "year": rec["kpis"]["campaign"]["start"][:4],
            "outcome": outcome,
            "provenance": PROVENANCE.get(cid, "synthetic"),
        }  # tiny-real's name says 合成数据
    return out


def kpi(rec: dict, key: str) -> float | None:
    """A normalised KPI read straight from a record (METHODS §6; campaign window)."""
    camp = rec["kpis"]["campaign"]
    if key == "gmv_per_uv":
        return camp["gmv"] / camp["uv"] if camp.get("gmv") is not None and camp.get("uv") else None
    if key == "gmv_achievement":
        return next((t["achievement"] for t in rec["targets"] if t["kpi"] == "gmv"), None)
    if key == "roi_margin":
        return (rec["analyses"].get("margin") or {}).get("roi_margin")
    if key == "repeat_rate":
        return (
            ((rec["analyses"].get("customers") or {}).get("new_customer_quality") or {}).get(
                "campaign"
            )
            or {}
        ).get("rate")
    analyses = rec.get("analyses") or {}
    if key == "gmv_yoy":
        yoy = ((analyses.get("year_on_year") or {}).get("windows") or {}).get("campaign") or {}
        return yoy.get("gmv_growth")
    if key == "preheat_conversion":
        return (analyses.get("preheat_pool") or {}).get("rate")
    if key == "reactivation_rate":
        return (analyses.get("audiences") or {}).get("reactivation_rate")
    return camp.get(key)


def expected_ids(built, q: str = "", f: dict | None = None, except_: str | None = None) -> set[str]:
    docs = {e["id"]: list(e["search"].values()) for e in built["entries"]}
    hits = reference_search(docs, q)
    fv = facet_values(built)
    f = f or {}
    return {
        cid
        for cid in built["records"]
        if (hits is None or cid in hits)
        and all(not f.get(k) or fv[cid][k] in f[k] for k in FACETS if k != except_)
    }


def expected_order(built, ids: set[str], key: str, direction: str) -> list[str]:
    vals = {cid: kpi(built["records"][cid], key) for cid in ids}
    sign = -1 if direction == "desc" else 1
    return sorted(
        ids, key=lambda c: (vals[c] is None, sign * vals[c] if vals[c] is not None else 0, c)
    )


def facet_counts(pg) -> dict[tuple[str, str], int]:
    rows = pg.eval_on_selector_all(
        "input[data-facet]",
        "els => els.map(e => [e.dataset.facet, e.value, e.parentNode.querySelector('.facet-count').textContent])",
    )
    return {(f, v): int(n) for f, v, n in rows}


def expected_counts(built, q: str, f: dict) -> dict[tuple[str, str], int]:
    fv = facet_values(built)
    out = {}
    for facet in FACETS:
        pool = expected_ids(built, q, f, except_=facet)
        for v in {fv[c][facet] for c in fv}:
            out[(facet, v)] = sum(1 for c in pool if fv[c][facet] == v)
    return out


# --------------------------------------------------------------------------- tests


def test_initial_view(page, built):
    open_page(page, built)
    ids = shown(page)
    starts = {cid: rec["kpis"]["campaign"]["start"] for cid, rec in built["records"].items()}
    assert ids == sorted(
        starts, key=lambda c: (-int(starts[c].replace("-", "")), c)
    )  # newest first, ties by id
    assert len(ids) == len(CASES) + 1
    assert page.text_content("#count") == f"显示 {len(ids)} / {len(ids)} 个案例"
    assert facet_counts(page) == expected_counts(built, "", {})
    assert page.get_attribute("html", "lang") == "zh-CN"
    # every case links to a comparison: with its peers (same platform × category), or on its own
    links = dict(
        page.eval_on_selector_all(
            "li.case",
            "els => els.map(e => [e.dataset.id, e.querySelector('a.peers-link').getAttribute('href')])",
        )
    )
    assert set(links) == set(ids)
    assert links["618-apparel-2025"] == "compare.html#ids=618-apparel-2025"
    assert links["d11-food-2024"] == "compare.html#ids=d11-food-2024"
    fv = facet_values(built)
    for cid, href in links.items():
        linked = href.split("#ids=")[1].split(",")
        assert linked[0] == cid and all(
            fv[o]["platform"] == fv[cid]["platform"] and fv[o]["category"] == fv[cid]["category"]
            for o in linked
        ), href


def test_typed_searches_match_the_python_reference(page, built):
    open_page(page, built)
    fixture_ids = {c["id"] for c in CASES}
    for q in [*SEARCHES, "live", "GMV目标", "直播 margin"]:
        type_query(page, q)
        got = set(shown(page))
        assert got == expected_ids(built, q), q
        if q in SEARCHES:  # and the hand-known answer
            assert got & fixture_ids == SEARCHES[q], q
        assert page.locator("#no-results").is_visible() == (not got), q
        assert page.text_content("#count") == f"显示 {len(got)} / {len(built['records'])} 个案例"
    type_query(page, "复盘")
    assert "618-apparel-2025" not in shown(page)  # it only says 大盘
    assert page.text_content("li.case[data-id='d11-beauty-2025'] .matched") == "匹配：经验"
    type_query(page, "毛利")
    assert {"d11-beauty-2025", REAL_ID} <= set(shown(page))  # 毛利率 / the real card's lesson
    page.fill("#q", "")
    assert len(shown(page)) == len(built["records"])


def test_facets_click_filter_and_count(page, built):
    open_page(page, built)
    type_query(page, "大促")
    f: dict[str, list[str]] = {}
    for facet, value in [
        ("platform", "tmall"),
        ("platform", "jd"),
        ("year", "2025"),
        ("outcome", "met"),
    ]:
        page.click(f"label.facet-option:has(input[data-facet='{facet}'][value='{value}'])")
        f.setdefault(facet, []).append(value)
        assert set(shown(page)) == expected_ids(built, "大促", f), f
        assert facet_counts(page) == expected_counts(built, "大促", f), f
    assert set(shown(page)) == {
        "d11-beauty-2025",
        "queen-day-2025",
    }  # hand check: tmall/jd × 2025 × met × 大促
    page.click("label.facet-option:has(input[data-facet='outcome'][value='met'])")  # untick
    del f["outcome"]
    assert set(shown(page)) == expected_ids(built, "大促", f)
    h = unquote(page.evaluate("location.hash"))
    assert "platform=tmall&platform=jd" in h and "year=2025" in h and "q=大促" in h
    page.click("#clear-filters")
    assert len(shown(page)) == len(built["records"]) and page.evaluate("location.hash") == ""


def test_sort_by_every_normalised_kpi_missing_last(page, built):
    open_page(page, built)
    metrics = {m["key"]: m for m in json.loads(page.evaluate("JSON.stringify(FUPAN_SITE.metrics)"))}
    all_ids = set(built["records"])
    for key, m in metrics.items():
        page.select_option("#sort", key)
        default = "desc" if m["higher_is_better"] else "asc"
        assert page.get_attribute("#dir", "data-dir") == default, key
        assert shown(page) == expected_order(built, all_ids, key, default), key
        page.click("#dir")
        other = "asc" if default == "desc" else "desc"
        assert shown(page) == expected_order(built, all_ids, key, other), key
        # not measured: "—", never 0, on the highlighted chip of the sorted KPI
        for cid in all_ids:
            text = page.text_content(f"li.case[data-id='{cid}'] .kpi.sorted dd")
            assert (text == "—") == (kpi(built["records"][cid], key) is None), (key, cid, text)
    # hand check on the typed-in table: CR index, high to low, the case without it last
    page.select_option("#sort", "cr_index")
    fixture_order = [c for c in shown(page) if c != REAL_ID]
    assert fixture_order == [
        "d11-beauty-2025",
        "queen-day-2025",
        "d11-food-2024",
        "xmas-gifts-2024",
        "618-apparel-2025",
        "d12-beauty-2024",
    ]
    assert (
        page.text_content("li.case[data-id='d12-beauty-2024'] .kpi[data-kpi='cr_index'] dd") == "—"
    )


def test_url_state_restores_the_view(page, built, browser):
    open_page(page, built, hash_="#q=大促&platform=tmall&sort=gmv_index&dir=asc")
    f = {"platform": ["tmall"]}
    assert page.input_value("#q") == "大促"
    assert page.is_checked("input[data-facet='platform'][value='tmall']")
    assert page.input_value("#sort") == "gmv_index"
    assert shown(page) == expected_order(built, expected_ids(built, "大促", f), "gmv_index", "asc")
    # change the view by hand, then open its URL in a fresh page: the same view comes back
    type_query(page, "大促 美妆")
    page.click("label.facet-option:has(input[data-facet='provenance'][value='unknown'])")
    page.select_option("#sort", "burst_multiple")
    page.click("li.case input[data-select='queen-day-2025']")
    view = shown(page)
    link = page.url
    assert "#" in link and view
    other = page.context.new_page()
    other.goto(link)
    other.wait_for_selector("html[data-ready='1']")
    assert shown(other) == view
    assert other.input_value("#q") == "大促 美妆" and other.input_value("#sort") == "burst_multiple"
    assert other.is_checked("input[data-facet='provenance'][value='unknown']")
    assert other.is_checked("li.case input[data-select='queen-day-2025']")
    f = {"platform": ["tmall"], "provenance": ["unknown"]}
    assert view == expected_order(
        built, expected_ids(built, "大促 美妆", f), "burst_multiple", "desc"
    )
    # editing the hash of an open page (or going back to an earlier link) re-renders the view
    other.evaluate("location.hash = '#q=' + encodeURIComponent('大盘') + '&lang=en'")
    other.wait_for_function("document.documentElement.lang === 'en'")
    assert set(shown(other)) == expected_ids(built, "大盘") == {"618-apparel-2025"}
    assert other.input_value("#q") == "大盘" and not other.is_checked(
        "input[data-facet='provenance'][value='unknown']"
    )
    other.close()


def test_language_switch_translates_everything(page, built):
    open_page(page, built)
    page.click("#lang-switch")
    assert page.get_attribute("html", "lang") == "en"
    keys = page.eval_on_selector_all(
        "[data-i18n]", "els => els.map(e => [e.dataset.i18n, e.textContent])"
    )
    assert keys and all(text == UI[k][1] for k, text in keys if k not in ("dir_desc", "dir_asc")), (
        keys
    )
    cjk = re.compile(r"[\u3400-\u9fff]")
    chrome = page.eval_on_selector_all(
        ".nav, legend, .facet-option .facet-label, #sort option, .toolbar, .case-meta .badge:not(.b-category), .kpi dt, .case-links",
        # what the reader sees: a link written in both languages hides the other side with CSS
        "els => els.map(e => e.tagName === 'OPTION' ? e.textContent : e.innerText)",
    )
    assert chrome and not [t for t in chrome if cjk.search(t)], [t for t in chrome if cjk.search(t)]
    assert (
        page.text_content("#count")
        == f"Showing {len(built['records'])} of {len(built['records'])} cases"
    )
    assert page.get_attribute("#q", "placeholder") == UI["search_placeholder"][1]
    assert page.title() == UI["site_title"][1]
    assert page.get_attribute("a[data-nav='compare']", "href") == "compare.html#lang=en"
    # the language is in the URL: reloading keeps it; the other pages follow the nav link
    page.reload()
    page.wait_for_selector("html[data-ready='1']")
    assert page.get_attribute("html", "lang") == "en"
    page.click("a[data-nav='glossary']")
    page.wait_for_selector("html[data-ready='1']")
    assert page.get_attribute("html", "lang") == "en"
    # the term cells of the glossary name each term in both languages on purpose (a reader learns
    # the Chinese word); everything else on the page is in English
    visible = page.evaluate(
        """() => { const m = document.querySelector('main').cloneNode(true);
        m.querySelectorAll('.fp-terms tbody th').forEach(e => e.remove());
        document.body.appendChild(m); const t = m.innerText; m.remove(); return t; }"""
    )
    assert "Normalised KPIs" in visible and "GMV per UV" in visible
    assert not cjk.search(visible), [line for line in visible.splitlines() if cjk.search(line)]
    page.click("#lang-switch")
    assert "可比指标" in page.inner_text("main") and "GMV per UV" not in page.inner_text("main")


def test_compare_chosen_cases(page, built):
    open_page(page, built)
    page.click("li.case input[data-select='d11-beauty-2025']")
    page.click("li.case input[data-select='d11-food-2024']")
    assert page.text_content("#compare-selected") == "对比所选（2）"
    page.click("#compare-selected")
    page.wait_for_selector("html[data-ready='1']")
    assert page.url.endswith("compare.html#ids=d11-beauty-2025,d11-food-2024")
    cols = page.eval_on_selector_all(
        "#compare-table thead th.case-col", "els => els.map(e => e.dataset.id)"
    )
    assert cols == ["d11-beauty-2025", "d11-food-2024"]

    def cell(key: str, cid: str) -> str:
        return page.text_content(f"tr[data-kpi='{key}'] td[data-id='{cid}']")

    # typed-in values, formatted by hand
    assert (
        cell("cr_index", "d11-beauty-2025") == "140.0最佳"
        and cell("cr_index", "d11-food-2024") == "120.0"
    )
    assert (
        cell("gmv_per_uv", "d11-beauty-2025") == "¥20.00"
        and cell("gmv_per_uv", "d11-food-2024") == "—"
    )
    assert cell("refund_rate", "d11-food-2024") == "2.0%最佳"  # lower is better
    # the live share differs (29.0 % and 10.0 %) but a share of the mix has no best
    assert (cell("live_gmv_share", "d11-beauty-2025"), cell("live_gmv_share", "d11-food-2024")) == (
        "29.0%",
        "10.0%",
    )
    assert cell("roi_margin", "d11-food-2024") == "0.80最佳"
    assert cell("gmv_achievement", "d11-food-2024") == "—"  # no target: not measured, not 0
    # the KPIs read from the records' analyses (test_site's fixture: 25 % against −12.5 %)
    assert cell("gmv_yoy", "d11-beauty-2025") == "25.0%最佳"
    assert cell("gmv_yoy", "d11-food-2024") == "-12.5%"
    assert cell("preheat_conversion", "d11-food-2024") == "20.0%最佳"
    assert cell("reactivation_rate", "d11-beauty-2025") == "8.1%"  # the only one measured
    assert cell("reactivation_rate", "d11-food-2024") == "—"
    assert page.text_content("tr[data-fact='outcome'] td:nth-child(3)") == "未设目标"
    # remove one, add the real case from the picker
    page.click("button[data-remove='d11-beauty-2025']")
    page.check(f"input[data-pick='{REAL_ID}']")
    cols = page.eval_on_selector_all(
        "#compare-table thead th.case-col", "els => els.map(e => e.dataset.id)"
    )
    assert cols == ["d11-food-2024", REAL_ID]
    assert "ids=d11-food-2024,tiny-real" in page.url
    real = built["records"][REAL_ID]["kpis"]["campaign"]
    assert cell("cr_index", REAL_ID).removesuffix("最佳") == f"{real['cr_index']:.1f}"
    # an unknown id is named, currency differences are flagged
    open_page(
        page, built, "compare.html", "#ids=xmas-gifts-2024,d12-beauty-2024,no-such-case&lang=en"
    )
    notes = page.inner_text("#compare-notes")
    assert "Not in the case library: no-such-case" in notes and "GBP" in notes and "CNY" in notes
    # no "best" between amounts in different currencies
    assert page.text_content("tr[data-kpi='gmv_per_uv'] td[data-id='xmas-gifts-2024']") == "£20.00"
    assert page.text_content("tr[data-kpi='gmv_per_uv'] td[data-id='d12-beauty-2024']") == "¥10.00"


def test_every_rendered_link_resolves_and_reports_open_offline(page, built):
    site = built["site"].resolve()
    all_ids = ",".join(built["records"])
    for name, hash_ in [
        ("index.html", ""),
        ("compare.html", f"#ids={all_ids}"),
        ("lessons.html", ""),
        ("glossary.html", ""),
        ("index.html", "#lang=en"),
    ]:
        open_page(page, built, name, hash_)
        refs = page.eval_on_selector_all(
            "a[href], link[href], script[src]", "els => els.map(e => e.href || e.src)"
        )
        assert len(refs) > 8, name
        for ref in refs:
            parts = urlsplit(ref)
            assert parts.scheme == "file", f"{name}: {ref}"
            target = Path(unquote(parts.path))
            assert target.is_file() and site in target.parents, f"{name}: {ref} → missing"
    # the real case's report, opened from its link, loads with no network
    open_page(page, built)
    with page.expect_navigation():
        page.click(f"li.case[data-id='{REAL_ID}'] a.report-link")
    assert page.url.endswith(f"cases/{REAL_ID}/report.html")
    assert "实跑小活动" in page.title()
    page.go_back()
    page.wait_for_selector("html[data-ready='1']")
    assert (
        page.locator("li.case[data-id='queen-day-2025'] .no-report").text_content() == "无报告文件"
    )


def test_tokenizer_twins_agree(page, built):
    open_page(page, built)
    corpus = [
        "毛利率",
        "复盘 vs 大盘",
        "ROI 3.4×, live-stream",
        "ＲＯＩ１　毛利",
        "Café crème brûlée",
        "双11，大促！",
        "𠀋𠀌𠀍",
        "かなカナ한국어",
        "İstanbul ΣΑΣ straße",
        "GMV目标达成率112.0%",
        "a_b-c.d",
        "",
        "   ",
        "新客30天复购率 11.6%，显著低于自然新客",
        "抖音美妆直播双11 2025",
        "618大促",
        "京东3C双12大促",
        *[e["search"]["findings"] for e in built["entries"]],
    ]
    got = page.evaluate("xs => xs.map(s => FupanSite.tokenize(s))", corpus)
    assert got == [tokenize(s) for s in corpus]
    # and MiniSearch's AND search agrees with the reference on the same index
    docs = {e["id"]: list(e["search"].values()) for e in built["entries"]}
    for q in ["毛利", "大促 直播", "gm", "live", "复盘", "复", "毛", "大", "双11", "618大促"]:
        ref = reference_search(docs, q)
        assert page.evaluate("q => FupanSite.search(q)", q) == sorted(ref), q


def test_works_from_a_static_web_server(browser, built):
    """The same files served over HTTP (python -m http.server): search, facets and comparison work,
    and no request leaves that server."""
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    srv = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(built["site"]))
    )
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{srv.server_port}/"
    served: list[str] = []
    elsewhere: list[str] = []

    def route(r):
        url = r.request.url
        if url.startswith(origin):
            served.append(url)
            r.continue_()
        elif url.lower().startswith(("http://", "https://")):
            elsewhere.append(url)
            r.abort()
        else:
            r.continue_()

    ctx = browser.new_context()
    try:
        ctx.route("**/*", route)
        pg = ctx.new_page()
        pg.goto(origin + "index.html#q=复盘")
        pg.wait_for_selector("html[data-ready='1']")
        assert set(shown(pg)) == expected_ids(built, "复盘") == SEARCHES["复盘"]
        type_query(pg, "毛利")
        pg.click("label.facet-option:has(input[data-facet='platform'][value='tmall'])")
        assert set(shown(pg)) == expected_ids(built, "毛利", {"platform": ["tmall"]})
        pg.goto(origin + "compare.html#ids=d11-beauty-2025,d11-food-2024")
        pg.wait_for_selector("html[data-ready='1']")
        assert pg.text_content("tr[data-kpi='cr_index'] td[data-id='d11-food-2024']") == "120.0"
    finally:
        ctx.close()
        srv.shutdown()
        srv.server_close()
    assert any(u.endswith("/assets/data.js") for u in served) and elsewhere == []


def test_network_counter_catches_a_request(browser, built):
    """Positive control: a page that does try the network is seen by the same routing (then forgotten)."""
    ctx = browser.new_context()
    seen: list[str] = []

    def route(r):
        if r.request.url.lower().startswith(("http://", "https://")):
            seen.append(r.request.url)
            r.abort()
        else:
            r.continue_()

    ctx.route("**/*", route)
    pg = ctx.new_page()
    pg.goto(url_of(built, "glossary.html"))
    pg.evaluate(
        "() => { const i = new Image(); i.src = 'http://192.0.2.1/pixel.png'; document.body.appendChild(i); }"
    )
    pg.wait_for_timeout(300)
    ctx.close()
    assert seen == ["http://192.0.2.1/pixel.png"]


def test_cases_of_one_name_are_told_apart_in_the_list_and_the_comparison(page, tmp_path):
    """Two cases named alike (a re-run archived under another id) were listed, picked and headed
    alike. In Chromium: the list items, the compare picker and the compare table's heads show
    the name followed by the id for the twins — by hand from the library written here — and the
    case of a name of its own as written."""
    from fupan.cases import write_record
    from test_site import make_record

    by_id = {c["id"]: c for c in CASES}
    root = tmp_path / "lib"
    twin = {**by_id["d11-beauty-2025"], "id": "d11-beauty-2025-rerun"}
    for c in (by_id["d11-beauty-2025"], twin, by_id["queen-day-2025"]):
        write_record(root / c["id"] / "case.json", make_record(c))
    site = tmp_path / "site"
    build_site(root, site)
    name, own = by_id["d11-beauty-2025"]["name"], by_id["queen-day-2025"]["name"]
    want = {
        "d11-beauty-2025": f"{name} · d11-beauty-2025",
        "d11-beauty-2025-rerun": f"{name} · d11-beauty-2025-rerun",
        "queen-day-2025": own,
    }
    built = {"site": site}
    open_page(page, built)
    for cid, label in want.items():
        item = page.locator(f"li.case[data-id='{cid}']").inner_text()
        assert label in item, (cid, item[:120])
    # the twin's id is not added to the case of a name of its own
    assert "queen-day-2025" not in page.locator("li.case[data-id='queen-day-2025']").inner_text()
    open_page(page, built, "compare.html", "#ids=d11-beauty-2025,d11-beauty-2025-rerun")
    heads = page.eval_on_selector_all(
        "#compare-table thead th.case-col", "els => els.map(e => e.innerText)"
    )
    assert [h.replace("×", "").strip() for h in heads] == [
        want["d11-beauty-2025"],
        want["d11-beauty-2025-rerun"],
    ]
    picks = page.eval_on_selector_all(".pick-name", "els => els.map(e => e.textContent)")
    assert sorted(picks) == sorted(want.values())


def test_the_minutes_link_opens_the_cases_minutes(page, built):
    """Only the case whose folder holds minutes.md shows a 复盘会纪要 link; it opens a page headed
    by the minutes' own title, offline, whose report link opens that case's report."""
    assert set(built["minutes"]) == {REAL_ID}
    open_page(page, built)
    links = page.eval_on_selector_all(
        "#results > li.case a.minutes-link",
        "els => els.map(e => [e.closest('li.case').dataset.id, e.textContent])",
    )
    assert links == [[REAL_ID, "复盘会纪要"]]
    page.click(f"#results > li.case[data-id='{REAL_ID}'] a.minutes-link")
    page.wait_for_load_state()
    title = next(ln[2:] for ln in built["minutes"][REAL_ID].splitlines() if ln.startswith("# "))
    assert page.inner_text("main.minutes h1").strip() == title.strip()
    page.click("nav a[href='report.html']")
    page.wait_for_load_state()
    assert page.url.endswith(f"/cases/{REAL_ID}/report.html")


def test_zz_no_http_request_was_made():
    """Every page above was loaded with every http(s) request routed, counted and aborted."""
    _sync_playwright()
    assert REQUESTS, "the browser tests made no request at all (did they run?)"
    assert NETWORK == [], f"{len(NETWORK)} network request(s): {NETWORK[:5]}"

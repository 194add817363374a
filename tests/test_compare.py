"""Tests for fupan compare (fupan.cases.compare, fupan.report.sections.benchmark, the CLI command).

Oracles: scipy (percentileofscore, rankdata), PyPI ``gower`` (gower_matrix), numpy percentiles and
hand computation. Libraries are built in tmp folders: two computed cases (a generated campaign and a
copy generated with another seed: its near-duplicate) plus records sealed with write_record whose
card attributes and KPIs are set by hand.
"""

from __future__ import annotations

import copy
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import gower
import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

from conftest import run_cli
from fupan.cases import read_record, write_record
from fupan.cases.compare import (
    MIN_PEERS,
    NOMINAL,
    NUMERIC,
    attributes,
    benchmark,
    festival,
    theme_of,
)
from fupan.dictionary import DEFINITIONS_VERSION
from fupan.errors import ValidationError
from fupan.i18n.catalogue.benchmark import ENTRIES as UI
from fupan.report.sections.benchmark import _risks, benchmark_page, render_benchmark

CJK = re.compile(r"[\u4e00-\u9fff]")


# --------------------------------------------------------------------------- fixtures


def _run(folder: Path, out: Path) -> Path:
    """The case record `fupan run` writes, computed in this process (the same build_record on the
    same Retrospective; papermill and the HTML export are the report's business, not compare's),
    with a stand-in report.html."""
    from fupan import load_retrospective
    from fupan.cases import build_record

    r = load_retrospective(folder)
    case_dir = out / r.card.id
    write_record(
        case_dir / "case.json", build_record(r, {"lang": "zh"}, f"fupan run {folder.name}")
    )
    (case_dir / "report.html").write_text(
        f"<html><body>{r.card.id}</body></html>", encoding="utf-8"
    )
    return case_dir


def _archive(library: Path, case_dir: Path, campaign: Path) -> Path:
    """What `fupan archive` will do: card, record and report into library/<id>/."""
    record = read_record(case_dir / "case.json")
    dst = library / record["case_id"]
    dst.mkdir(parents=True)
    for name in ("case.json", "report.html"):
        shutil.copyfile(case_dir / name, dst / name)
    shutil.copyfile(campaign / "campaign.yaml", dst / "campaign.yaml")
    return dst


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> dict[str, Path]:
    """A small demo campaign (seed 1) and its near-duplicate (seed 2, same card, another id)."""
    from fupan.demo import generate_demo

    root = tmp_path_factory.mktemp("pair")
    a = generate_demo(root / "a", scale=0.1, seed=1)
    b = generate_demo(root / "b", scale=0.1, seed=2)
    card = yaml.safe_load((b / "campaign.yaml").read_text(encoding="utf-8"))
    card["id"] = "2025-d11-beauty-copy"
    card["name"] = "双十一美妆大促 2025（复刻）"
    (b / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return {"a": a, "b": b, "run_a": _run(a, root / "out_a"), "run_b": _run(b, root / "out_b")}


@pytest.fixture(scope="module")
def base(pair) -> dict:
    return read_record(pair["run_a"] / "case.json")


def variant(
    library: Path,
    base: dict,
    cid: str,
    *,
    platform: str | None = None,
    category: str | None = None,
    name: str | None = None,
    burst: tuple[str, str] | None = None,
    budget_scale: float = 1.0,
    discount: float | None = None,
    kpis: dict | None = None,
    achievements: dict | None = None,
    version: str | None = None,
    to_improve: list[str] | None = None,
    misses: list[tuple[str, str, str]] | None = None,
    daily: list[tuple[int, float]] | None = None,
    currency: str | None = None,
    report: bool = False,
    provenance: str | None = None,
    festival: str | None = None,
    same_files: bool = False,
) -> dict:
    """A sealed record derived from ``base`` with the given card attributes and KPIs (a new
    ``name`` without ``festival`` drops the card's festival, so that the name says it). Another
    campaign has other data: its files' hashes are its own, unless ``same_files`` (the base's
    campaign archived under another id)."""
    import hashlib

    r = copy.deepcopy(base)
    r.pop("content_sha256", None)
    if not same_files:
        files = r["data"]["files"]
        r["data"]["files"] = {k: hashlib.sha256(f"{cid}/{k}".encode()).hexdigest() for k in files}
    card = r["card"]
    r["case_id"] = card["id"] = cid
    r["name"] = card["name"] = name or f"Case {cid}"
    card["platform"] = platform or card["platform"]
    card["category"] = category or card["category"]
    if currency:
        card["currency"] = currency
    if provenance:
        card["provenance"] = provenance
    if burst:
        card["windows"]["burst"] = {"start": burst[0], "end": burst[1]}
    if festival:
        card["festival"] = festival
    elif name:
        card.pop("festival", None)
    card["strategy"]["budget"] = {
        k: v * budget_scale for k, v in card["strategy"]["budget"].items()
    }
    if discount is not None:
        r["analyses"]["margin"]["discount_depth"] = discount
    for k, v in (kpis or {}).items():
        r["kpis"]["campaign"][k] = v
    for t in r["targets"]:
        if achievements and t["kpi"] in achievements:
            t["achievement"] = achievements[t["kpi"]]
    if version:
        r["definitions_version"] = version
    card["retrospective"]["to_improve"] = to_improve or []
    r["findings"] = [
        {"kind": "miss", "metric": m, "zh": zh, "en": en} for zh, en, m in misses or []
    ]
    if daily is not None:  # [] = a record without the series (made before it was recorded)
        r["analyses"]["daily_gmv_index"] = [{"day": d, "index": v} for d, v in daily] or None
    write_record(library / cid / "case.json", r)
    if report:
        (library / cid / "report.html").write_text(
            "<html><body>report</body></html>", encoding="utf-8"
        )
    return r


def _html_hrefs(page: str) -> list[str]:
    class P(HTMLParser):
        def __init__(self):
            super().__init__()
            self.hrefs: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.hrefs += [v for k, v in attrs if k in ("href", "src") and v]

    p = P()
    p.feed(page)
    return p.hrefs


# --------------------------------------------------------------------------- nearest cases


@pytest.fixture(scope="module")
def pair_library(pair, base, tmp_path_factory) -> Path:
    """The campaign, its near-duplicate, and distractors that each differ in one attribute."""
    lib = tmp_path_factory.mktemp("lib") / "case_library"
    _archive(lib, pair["run_a"], pair["a"])
    _archive(lib, pair["run_b"], pair["b"])
    variant(lib, base, "other-platform", platform="jd", name="双十一美妆 京东")
    variant(lib, base, "other-category", category="food", name="双十一零食节")
    variant(lib, base, "bigger-budget", budget_scale=6.0, name="双十一美妆 大预算")
    variant(lib, base, "summer-618", name="618 美妆年中大促", burst=("2025-11-01", "2025-11-10"))
    variant(lib, base, "deeper-discount", discount=0.45, name="双十一美妆 深折扣")
    return lib


def test_a_case_finds_its_near_duplicate_first(pair_library, base) -> None:
    b = benchmark(base, pair_library, k=5)
    ids = [n.case.case_id for n in b.nearest]
    assert base["case_id"] not in ids  # the case itself is not its own neighbour
    assert ids[0] == "2025-d11-beauty-copy"
    sims = [n.similarity for n in b.nearest]
    assert sims[0] > sims[1] and sims[0] > 0.99
    # the copy differs only by discount depth (another seed), each distractor in one whole attribute
    assert b.nearest[0].case.attributes.discount_depth != b.subject.attributes.discount_depth


def test_neighbour_similarity_equals_gower_package(pair_library, base) -> None:
    b = benchmark(base, pair_library, k=10)
    cols = [*NOMINAL, *NUMERIC]

    def row(a) -> list:
        return [getattr(a, c) for c in cols]

    table = pd.DataFrame(
        [row(b.subject.attributes), *[row(n.case.attributes) for n in b.nearest]], columns=cols
    )
    table = table.astype({c: object for c in NOMINAL}).astype({c: float for c in NUMERIC})
    assert not table.isna().any().any()
    expected = (
        1
        - gower.gower_matrix(
            table.iloc[[0]], table.iloc[1:], cat_features=[c in NOMINAL for c in cols]
        )[0]
    )
    np.testing.assert_allclose([n.similarity for n in b.nearest], expected, atol=2e-6)
    assert b.subject.attributes.festival == "double11"
    assert b.subject.attributes.festival_source == "card"  # the demo card says festival: double11
    summer = next(n.case for n in b.nearest if n.case.case_id == "summer-618")
    assert summer.attributes.festival == "618"


def test_festival_changes_similarity_as_the_gower_package_computes(base, tmp_path) -> None:
    # two cases equal to the subject in every attribute but the card's festival
    lib = tmp_path / "lib"
    variant(lib, base, "same-festival", festival="double11")
    variant(lib, base, "other-festival", festival="618")
    b = benchmark(base, lib, k=5)
    assert [n.case.case_id for n in b.nearest] == ["same-festival", "other-festival"]
    cols = [*NOMINAL, *NUMERIC]
    table = (
        pd.DataFrame(
            [
                [getattr(x, c) for c in cols]
                for x in [b.subject.attributes, *(n.case.attributes for n in b.nearest)]
            ],
            columns=cols,
        )
        .astype({c: object for c in NOMINAL})
        .astype({c: float for c in NUMERIC})
    )
    assert table["festival"].tolist() == ["double11", "double11", "618"]
    cat = [c in NOMINAL for c in cols]
    expected = 1 - gower.gower_matrix(table.iloc[[0]], table.iloc[1:], cat_features=cat)[0]
    np.testing.assert_allclose([n.similarity for n in b.nearest], expected, atol=2e-6)
    # without festival the two would be tied: the attribute is what separates them
    no_fest = table.drop(columns="festival")
    tied = (
        1
        - gower.gower_matrix(
            no_fest.iloc[[0]],
            no_fest.iloc[1:],
            cat_features=[c in NOMINAL for c in no_fest.columns],
        )[0]
    )
    assert tied[0] == pytest.approx(tied[1]) and expected[0] > expected[1]


def test_cli_compare_writes_an_offline_report(pair, pair_library, tmp_path) -> None:
    out = tmp_path / "reports"
    proc = run_cli("compare", str(pair["a"]), "--library", str(pair_library), "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    page_path = out / "2025-d11-beauty" / "benchmark.html"
    page = page_path.read_text(encoding="utf-8")
    assert not re.search(r"https?://", page, re.I)
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert "@font-face" in page and "data:font/otf;base64," in page
    for href in _html_hrefs(page):  # every link is relative and resolves (the reports of the cases)
        assert not href.startswith(("/", "file:")), href
        assert (page_path.parent / href).resolve().is_file(), href
    assert any(h.endswith("2025-d11-beauty-copy/report.html") for h in _html_hrefs(page))
    # the first similar case (row after "本案例") is the near-duplicate
    rows = re.findall(
        r"<tr(?: class=\"fp-bm-self\")?>(.*?)</tr>", re.split(r"最相似的 \d+ 个案例", page)[1], re.S
    )
    assert "本案例" in rows[1] and "2025-d11-beauty-copy" in rows[2]  # rows[0]: the header
    # every record now carries analyses.daily_gmv_index: the case and its neighbours are all drawn
    assert "analyses.daily_gmv_index" not in page  # no "series missing" note
    assert page.count('stroke-width="2.6"') >= 2  # the case's line and its legend entry
    overlay = page.split("每日GMV指数：本案例与相似案例", 1)[1]
    assert "双十一美妆大促 2025（复刻）" in overlay  # the near-duplicate's line is in the legend
    assert "归一化指标的同行位置" in page and "Peer position" not in page


def test_cli_compare_by_case_id_in_english(pair_library, tmp_path) -> None:
    out = tmp_path / "reports"
    proc = run_cli(
        "compare",
        "2025-d11-beauty-copy",
        "--library",
        str(pair_library),
        "--out",
        str(out),
        "--lang",
        "en",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = (out / "2025-d11-beauty-copy" / "benchmark.html").read_text(encoding="utf-8")
    assert "Peer position on normalised KPIs" in page and "归一化指标的同行位置" not in page
    assert "Reuse-risk checklist" in page and 'lang="en"' in page
    assert not re.search(r"https?://", page, re.I)


def test_cli_compare_unknown_subject_is_a_bilingual_error(pair_library, tmp_path) -> None:
    proc = run_cli(
        "compare", "no-such-case", "--library", str(pair_library), "--out", str(tmp_path)
    )
    assert proc.returncode == 2
    assert "找不到要对标的对象" in proc.stderr and "Nothing to compare found" in proc.stderr
    assert not list(tmp_path.iterdir())


# --------------------------------------------------------------------------- peer sets


def _kpi_values(n: int, seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [
        {
            "gmv_index": float(rng.uniform(120, 400)),
            "refund_rate": float(rng.uniform(0.01, 0.1)),
            "roas": float(rng.uniform(2, 6)),
        }
        for _ in range(n)
    ]


def test_ten_or_more_same_platform_category_gives_percentiles(base, tmp_path) -> None:
    lib = tmp_path / "lib"
    same = _kpi_values(11, 5)
    for i, kp in enumerate(same):
        variant(lib, base, f"same-{i:02d}", kpis=kp)
    for i, kp in enumerate(_kpi_values(5, 6)):
        variant(lib, base, f"jd-{i}", platform="jd", kpis=kp)
    b = benchmark(base, lib)
    assert b.peer_level == "platform_category" and len(b.peer_ids) == 11
    pos = {p.key: p for p in b.positions}
    x = base["kpis"]["campaign"]
    gi = [kp["gmv_index"] for kp in same]
    assert pos["gmv_index"].n == 11 and pos["gmv_index"].rank is None
    assert pos["gmv_index"].percentile == pytest.approx(
        stats.percentileofscore(gi, x["gmv_index"], kind="rank")
    )
    rr = [kp["refund_rate"] for kp in same]  # lower is better: oriented so that higher = better
    assert pos["refund_rate"].percentile == pytest.approx(
        stats.percentileofscore(-np.array(rr), -x["refund_rate"], kind="rank")
    )
    med = np.median(gi)
    mad = np.median(np.abs(np.array(gi) - med))
    assert pos["gmv_index"].z == pytest.approx((x["gmv_index"] - med) / (1.4826 * mad))
    assert pos["gmv_index"].quartiles == pytest.approx(tuple(np.percentile(gi, [25, 50, 75])))
    page = render_benchmark(b, "zh")
    assert "对标同行：天猫 × 美妆，共 11 个案例" in page
    assert f"第 {pos['gmv_index'].percentile:.0f} 百分位（n=11）" in page
    p = round(pos["gmv_index"].percentile)
    suffix = "th" if 10 <= p % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(p % 10, "th")
    assert f"{p}{suffix} percentile (n=11)" in render_benchmark(b, "en")
    assert "Definitions differ" not in render_benchmark(b, "en")  # one 口径 version throughout


def test_fewer_than_ten_widens_to_the_category(base, tmp_path) -> None:
    lib = tmp_path / "lib"
    for i, kp in enumerate(_kpi_values(4, 7)):
        variant(lib, base, f"same-{i}", kpis=kp)
    for i, kp in enumerate(_kpi_values(8, 8)):
        variant(lib, base, f"jd-{i}", platform="jd", kpis=kp)
    for i, kp in enumerate(_kpi_values(3, 9)):
        variant(lib, base, f"food-{i}", category="food", kpis=kp)
    b = benchmark(base, lib)
    assert b.peer_level == "category" and len(b.peer_ids) == 12
    assert b.peer_counts == {"platform_category": 4, "category": 12, "platform": 7, "library": 15}
    assert all(
        p.percentile is not None for p in b.positions if p.value is not None and p.n >= MIN_PEERS
    )
    zh, en = render_benchmark(b, "zh"), render_benchmark(b, "en")
    assert "只有 4 个案例，不足 10 个；放宽为同类目（美妆，不限平台），共 12 个案例" in zh
    assert (
        "Only 4 cases share platform × category (Tmall × Beauty), fewer than 10; peers widened to the same category"
        in en
    )


def test_small_library_shows_raw_ranks(base, tmp_path) -> None:
    lib = tmp_path / "lib"
    vals = _kpi_values(6, 10)
    for i, kp in enumerate(vals):
        variant(lib, base, f"case-{i}", platform=["jd", "tmall"][i % 2], kpis=kp)
    b = benchmark(base, lib)
    assert b.peer_level == "library" and len(b.peer_ids) == 6
    pos = {p.key: p for p in b.positions}
    x = base["kpis"]["campaign"]["gmv_index"]
    allv = np.array([*[v["gmv_index"] for v in vals], x])
    expected = int(stats.rankdata(-allv, method="min")[-1])
    assert pos["gmv_index"].percentile is None and pos["gmv_index"].rank == (expected, 7)
    xr = base["kpis"]["campaign"]["refund_rate"]
    allr = np.array([*[v["refund_rate"] for v in vals], xr])
    assert pos["refund_rate"].rank == (
        int(stats.rankdata(allr, method="min")[-1]),
        7,
    )  # lower is better
    zh, en = render_benchmark(b, "zh"), render_benchmark(b, "en")
    assert f"第 {expected} 名 / 共 7" in zh and "同行不足 10 个" in zh
    ordinal = {1: "1st", 2: "2nd", 3: "3rd"}.get(expected, f"{expected}th")
    assert f"{ordinal} of 7" in en and "Fewer than 10 peers" in en
    # and its robust z is said to be rough: few peers, close together, make it run large
    assert "稳健z 只示方向与远近" in zh and "robust z only shows direction" in en


def test_money_kpis_compare_only_the_same_currency(base, tmp_path) -> None:
    lib = tmp_path / "lib"
    for i in range(3):
        variant(lib, base, f"cny-{i}")
    variant(lib, base, "gbp-0", currency="GBP")
    b = benchmark(base, lib)
    pos = {p.key: p for p in b.positions}
    assert pos["gmv_per_uv"].n == 3 and pos["gmv_per_uv"].same_currency_only
    assert pos["gmv_index"].n == 4
    assert len(b.scale_peers["gmv"]) == 3


def test_empty_library_says_so(base, tmp_path) -> None:
    lib = tmp_path / "lib"
    lib.mkdir()
    b = benchmark(base, lib)
    assert b.library_size == 0 and b.nearest == () and b.peer_ids == ()
    page = benchmark_page(b, "zh")
    visible = re.sub(
        r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S
    )  # (base64 font data may hold "nan")
    assert "案例库中没有其他案例" in visible and not re.search(r"\bnan\b", visible, re.I)


def test_missing_library_is_a_validation_error(base, tmp_path) -> None:
    with pytest.raises(ValidationError):
        benchmark(base, tmp_path / "nope")


# --------------------------------------------------------------------------- targets, versions, daily, risks


def test_bullets_scale_targets_by_achievement_with_peer_quartiles(base, tmp_path) -> None:
    lib = tmp_path / "lib"
    for i, ach in enumerate([0.8, 0.9, 1.0, 1.1, 1.2]):
        variant(lib, base, f"c{i}", achievements={"gmv": ach}, kpis={"roas": 2.0 + i})
    b = benchmark(base, lib)
    bullets = {bl.kpi: bl for bl in b.bullets}
    gmv_t = next(t for t in base["targets"] if t["kpi"] == "gmv")
    assert bullets["gmv"].mode == "achievement" and bullets["gmv"].plan == 1.0
    assert bullets["gmv"].actual == pytest.approx(gmv_t["achievement"])
    assert bullets["gmv"].quartiles == pytest.approx(
        (0.9, 1.0, 1.1)
    )  # by hand: linear quartiles of 0.8…1.2
    roas_t = next(t for t in base["targets"] if t["kpi"] == "roas")
    assert bullets["roas"].mode == "value" and bullets["roas"].plan == pytest.approx(
        roas_t["target"]
    )
    assert bullets["roas"].quartiles == pytest.approx((3.0, 4.0, 5.0))  # roas 2..6
    page = render_benchmark(b, "en")
    assert "GMV target achievement" in page and "peers P25/P50/P75 = 90%/100%/110% (n=5)" in page


def test_a_different_definitions_version_is_named(base, tmp_path) -> None:
    lib = tmp_path / "lib"
    variant(lib, base, "old-one", version="2024.06-1")
    variant(lib, base, "current-one")
    b = benchmark(base, lib)
    assert [(v.case_id, v.version, v.differing) for v in b.versions] == [
        ("old-one", "2024.06-1", None)
    ]
    zh, en = render_benchmark(b, "zh"), render_benchmark(b, "en")
    assert (
        "案例 old-one 按口径版本 2024.06-1 计算，与本案例（" + DEFINITIONS_VERSION + "）不同" in zh
    )
    assert "旧版本的口径未存档，指标定义可能不同" in zh
    assert (
        "Case old-one was computed under definitions 2024.06-1" in en
        and "definitions may differ" in en
    )
    assert 'role="alert"' in zh and "口径版本不同" in zh and "Definitions differ" in en


def test_daily_overlay_draws_cases_with_a_series_and_names_the_others(base, tmp_path) -> None:
    lib = tmp_path / "lib"
    variant(
        lib,
        base,
        "with-daily",
        daily=[(d, 100.0 + (900 if d == 10 else 0)) for d in range(-17, 20)],
    )
    variant(lib, base, "no-daily", daily=[])
    subject = copy.deepcopy(base)
    subject["analyses"]["daily_gmv_index"] = [{"day": d, "index": 120.0} for d in range(-17, 20)]
    b = benchmark(subject, lib)
    drawn = {n.case.case_id: n.case.daily for n in b.nearest}
    assert drawn["with-daily"][27] == (10, 1000.0) and drawn["no-daily"] is None
    page = render_benchmark(b, "zh")
    assert page.count('<path d="M') >= 2  # two series lines
    assert "未画出：no-daily" in page and "analyses.daily_gmv_index" in page


def test_reuse_risks_come_from_the_neighbours_lessons_and_misses(base, tmp_path) -> None:
    lib = tmp_path / "lib"
    variant(
        lib,
        base,
        "stock-case",
        to_improve=["爆发期多个爆款断货，损失了高峰时段的销售"],
        misses=[("毛利ROI 0.54，低于盈亏线", "Margin ROI 0.54, below break-even", "roi_margin")],
    )
    variant(
        lib,
        base,
        "timing-case",
        to_improve=["定金预售期间日销明显低于平日", "和代理商的素材审核对接太慢"],
    )
    b = benchmark(base, lib)
    themes = {r.theme: [(e.text, e.source, e.cases) for e in r.evidence] for r in b.risks}
    assert ("爆发期多个爆款断货，损失了高峰时段的销售", "to_improve", ("stock-case",)) in themes[
        "resources"
    ]
    assert ("定金预售期间日销明显低于平日", "to_improve", ("timing-case",)) in themes["timing"]
    assert ("和代理商的素材审核对接太慢", "to_improve", ("timing-case",)) in themes["coordination"]
    assert (
        "Margin ROI 0.54, below break-even||毛利ROI 0.54，低于盈亏线",
        "miss",
        ("stock-case",),
    ) in themes["metric_focus"]
    zh, en = render_benchmark(b, "zh"), render_benchmark(b, "en")
    assert "毛利ROI 0.54，低于盈亏线" in zh and "Margin ROI 0.54, below break-even" in en
    assert "资源：爆款库存" in zh and "Resources: are hero-SKU stock" in en


@pytest.mark.parametrize(
    ("text", "metric", "theme"),
    [
        ("爆发期多个爆款断货", "", "resources"),
        ("11月下旬日销明显回落：囤货透支了之后两周的需求", "", "timing"),
        ("主播与客服排班没有对齐", "", "coordination"),
        ("新客首单后30天复购偏低", "", "metric_focus"),
        ("Biggest funnel leak: cart → order", "funnel", "metric_focus"),
        ("2 SKU(s) ran out of stock during the campaign", "stockouts", "resources"),
        ("会员日的海报字体太小", "", "other"),
    ],
)
def test_theme_of(text: str, metric: str, theme: str) -> None:
    assert theme_of(text, metric) == theme


# --------------------------------------------------------------------------- attributes


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        ({"name": "双十一美妆大促 2025"}, ("double11", "name")),
        ({"name": "Double 11 beauty"}, ("double11", "name")),
        (
            {
                "name": "年中大促",
                "windows": {"burst": {"start": "2025-06-14", "end": "2025-06-20"}},
            },
            ("618", "dates"),
        ),
        (
            {
                "name": "Winter sale",
                "windows": {"burst": {"start": "2025-11-27", "end": "2025-11-29"}},
            },
            ("black-friday", "dates"),
        ),
        (
            {
                "name": "Winter sale",
                "windows": {"burst": {"start": "2024-11-28", "end": "2024-11-30"}},
            },
            ("black-friday", "dates"),
        ),
        (
            {
                "name": "秋季上新",
                "windows": {"burst": {"start": "2025-09-01", "end": "2025-09-07"}},
            },
            ("other", "none"),
        ),
        ({"name": "双十一美妆", "festival": "brand-day"}, ("brand-day", "card")),
    ],
)
def test_festival(card: dict, expected: tuple[str, str]) -> None:
    # Black Friday by hand: 2025-11-28 and 2024-11-29 (the day after the fourth Thursday of November)
    assert festival(card) == expected


def test_attributes_of_a_record(base) -> None:
    a = attributes(base)
    w = base["card"]["windows"]
    assert (
        a.duration_days
        == (pd.Timestamp(w["post"]["end"]) - pd.Timestamp(w["preheat"]["start"])).days + 1
        == 32
    )
    assert a.log_budget == pytest.approx(np.log10(sum(base["card"]["strategy"]["budget"].values())))
    assert a.discount_depth == pytest.approx(base["analyses"]["margin"]["discount_depth"])
    assert (a.platform, a.category) == ("tmall", "beauty")


def test_every_label_is_bilingual() -> None:
    for key, (zh, en) in UI.items():
        assert zh.strip() and en.strip(), key
        assert CJK.search(zh) or key in ("bm_col_gmv",), key  # Chinese side is Chinese
        assert not CJK.search(en), key  # English side has no Chinese


def test_synthetic_cases_are_marked(base, tmp_path) -> None:
    lib = tmp_path / "lib"
    variant(lib, base, "made-up", provenance="synthetic", report=True)
    variant(lib, base, "real-one", provenance="real", report=True)
    b = benchmark(base, lib)
    assert {n.case.case_id: n.case.provenance for n in b.nearest} == {
        "made-up": "synthetic",
        "real-one": "real",
    }
    rows = {
        cid: row
        for row in re.findall(
            r"<tr>(.*?)</tr>", render_benchmark(b, "en", link_from=tmp_path), re.S
        )
        for cid in ("made-up", "real-one")
        if f"{cid}</span>" in row
    }
    assert "synthetic data" in rows["made-up"] and "synthetic data" not in rows["real-one"]
    assert 'href="lib/made-up/report.html"' in rows["made-up"]  # relative to link_from


def test_operator_text_is_escaped(base, tmp_path) -> None:
    lib = tmp_path / "lib"
    variant(
        lib,
        base,
        "xss",
        name="<script>alert(1)</script>",
        to_improve=["<img src=x onerror=alert(1)> 断货"],
    )
    page = benchmark_page(benchmark(base, lib), "zh")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_gmv_per_uv_definition_says_the_uv_it_divides_by(base) -> None:
    """UV价值 showed ¥38.02 = GMV / period-distinct UV (the dictionary's UV) while its definition
    said 'UV summed per day', which gives ¥19.96 on the same record. By hand from the record:
    the value is GMV / uv, and the definition names the period-distinct count."""
    from fupan.cases.kpis import METRICS

    (m,) = [m for m in METRICS if m.key == "gmv_per_uv"]
    c = base["kpis"]["campaign"]
    assert c["uv_daily_sum"] > 1.2 * c["uv"]  # the two counts differ here
    assert m.get(base) == pytest.approx(c["gmv"] / c["uv"], rel=1e-12)
    assert "区间去重" in m.definition_zh and "按天" not in m.definition_zh
    assert (
        "distinct over the whole campaign" in m.definition_en and "per day" not in m.definition_en
    )


def test_the_subject_under_another_id_is_not_its_own_peer(base, tmp_path) -> None:
    """The demo re-archived under another id (same data files, the card's id changed) was the
    subject's most similar case at similarity 1.000, a peer in every ranking and its lessons
    'a similar case's'. It is left out and named; a case of other data stays in."""
    from fupan.cases.compare import benchmark
    from fupan.cases.compare.run import same_data

    library = tmp_path / "lib"
    twin = variant(library, base, "2025-d11-beauty-copy", same_files=True)
    other = variant(library, base, "other-case")
    assert same_data(twin, base) and not same_data(other, base)
    b = benchmark(base, library)
    assert b.twins == ("2025-d11-beauty-copy",) and b.library_size == 1
    assert [n.case.case_id for n in b.nearest] == ["other-case"]
    page = render_benchmark(b, "zh")
    assert "2025-d11-beauty-copy" in page and "数据文件完全相同" in page
    assert "same campaign under another id" in render_benchmark(b, "en")


def test_a_rate_bullet_with_few_peers_says_they_measured_it_not_set_it(base, tmp_path) -> None:
    """A CR target against two peers that measured CR but set no CR target: the note said
    '同行中设此目标的不足 3 个（n=2）' — none had set it. A value bullet's peers are those that
    measured the KPI; an achievement bullet's (money, counts) those that set the target."""
    import copy as _copy

    from fupan.cases.compare import benchmark

    library = tmp_path / "lib"
    for cid in ("p1", "p2"):
        variant(library, base, cid)
    subject = _copy.deepcopy(base)
    subject["targets"] = [
        {
            "kpi": "cr",
            "target": 0.07,
            "actual": subject["kpis"]["campaign"]["cr"],
            "achievement": 1.0,
        }
    ]
    b = benchmark(subject, library)
    (cr,) = [x for x in b.bullets if x.kpi == "cr"]
    assert cr.mode == "value" and cr.n == 2 and cr.quartiles is None
    zh, en = render_benchmark(b, "zh"), render_benchmark(b, "en")
    assert "同行中测得此指标的不足 3 个（n=2）" in zh and "设此目标" not in zh
    assert "Fewer than 3 peers measured this KPI (n=2)" in en


def test_a_money_kpi_measured_only_in_another_currency_is_not_called_unmeasured(
    base, tmp_path
) -> None:
    """One peer, in USD, with GMV per UV measured: the CNY subject's row said '同行均未测量' (no
    peer measured it) — it was measured, in a currency that cannot be compared. The cell says
    so; a ratio KPI of the same peer is compared as usual."""
    from fupan.cases.compare import benchmark
    from fupan.report.sections.benchmark import position_cell

    library = tmp_path / "lib"
    variant(library, base, "usd-case", currency="USD")
    b = benchmark(base, library)
    (uvv,) = [p for p in b.positions if p.key == "gmv_per_uv"]
    assert uvv.n == 0 and uvv.other_currency == 1 and uvv.value is not None
    assert position_cell(uvv, "zh") == "同币种同行均未测量（另有 1 个其他币种的同行，金额不可比）"
    assert "another currency" in position_cell(uvv, "en")
    (cr,) = [p for p in b.positions if p.key == "cr"]
    assert cr.n == 1 and cr.other_currency == 0


def test_a_budget_in_another_currency_is_not_compared_as_size(base, tmp_path) -> None:
    """Gower's log_budget took a USD (or JPY) budget as if it were yuan. A peer identical but for
    its currency and a budget 100× larger: in CNY it is 100× bigger and less similar; in USD the
    budget is left out of the pair, so it is as similar as an identical CNY case."""
    from fupan.cases.compare import benchmark

    library = tmp_path / "lib"
    variant(library, base, "twin-cny")
    variant(library, base, "big-cny", budget_scale=100.0)
    variant(library, base, "big-usd", budget_scale=100.0, currency="USD")
    nearest = benchmark(base, library).nearest
    sim = {n.case.case_id: n.similarity for n in nearest}
    assert sim["big-cny"] < sim["twin-cny"]
    assert sim["big-usd"] > sim["big-cny"]
    # the USD pair rests on 5 of the 6 attributes (platform, category, festival, days, discount;
    # not the budget), and its similarity says so; the CNY ones rest on all 6 and say nothing
    from fupan.report.sections.benchmark import _similarity

    seen = {n.case.case_id: (n.compared, n.attributes, _similarity(n, "zh")) for n in nearest}
    assert seen["big-usd"] == (5, 6, f"{sim['big-usd']:.3f}（5/6 项）")
    assert seen["twin-cny"] == (6, 6, f"{sim['twin-cny']:.3f}")
    assert _similarity(next(n for n in nearest if n.case.case_id == "big-usd"), "en").endswith(
        " (5 of 6)"
    )


def test_neighbours_of_one_name_are_told_apart_in_the_legend_and_the_risks(base, tmp_path) -> None:
    """Three neighbours named alike were drawn as three identical legend entries and listed as
    '双十一美妆大促 2025、双十一美妆大促 2025' under a risk: the id now follows a shared name."""
    library = tmp_path / "lib"
    for cid in ("twin-a", "twin-b"):
        variant(library, base, cid, name="同名活动", to_improve=["爆发期断货，损失高峰销售"])
    variant(library, base, "own-name", name="另一个活动", platform="jd")
    b = benchmark(base, library, k=5)
    page = render_benchmark(b, "zh")
    overlay = page.split("每日GMV指数：本案例与相似案例", 1)[1]
    assert "同名活动 · twin-a" in overlay and "同名活动 · twin-b" in overlay
    assert "另一个活动 · own-name" not in page  # a name of its own is shown as written
    risks = [e["cases"] for r in _risks(b, "zh") for e in r["evidence"]]
    assert any("同名活动 · twin-a" in c and "同名活动 · twin-b" in c for c in risks), risks


def test_a_share_of_the_mix_is_placed_not_ranked(base, tmp_path) -> None:
    """Live-stream GMV share says how a shop sells, not how well: its position reads from high to
    low ("2nd highest of 7"), its row says it is neither better nor worse, and it carries no
    'lower is better' mark."""
    lib = tmp_path / "lib"
    shares = [0.05, 0.6, 0.2, 0.45, 0.1, 0.3]
    for i, share in enumerate(shares):
        variant(lib, base, f"case-{i}", kpis={"live_gmv_share": share})
    subject = copy.deepcopy(base)
    subject["kpis"]["campaign"]["live_gmv_share"] = 0.5
    b = benchmark(subject, lib)
    pos = {p.key: p for p in b.positions}["live_gmv_share"]
    # by hand: 0.6 is higher, so 0.5 is the 2nd highest of the 7
    assert pos.rank == (2, 7) and pos.percentile is None
    zh, en = render_benchmark(b, "zh"), render_benchmark(b, "en")
    assert "由高到低第 2 / 共 7" in zh and "2nd highest of 7" in en
    assert "结构占比，不分优劣" in zh and "neither better nor worse" in en
    row = re.search(r"<tr><td[^>]*>直播支付金额占比.*?</tr>", zh, re.S)
    assert row and "越低越好" not in row.group(0) and "第 2 名" not in row.group(0)

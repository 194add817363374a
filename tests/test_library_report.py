"""The case library in ``fupan run``'s report: the previous same-shop case's open actions in 背景,
which of them were closed in 复盘, and the benchmark part in 结果 (or the note saying why not);
``daily_gmv_index`` in case.json; the library's fingerprint in the cache key.

The library is three records derived from one small demo run (their cards changed: shop, dates,
actions), so that only the report under test runs through papermill.
"""

from __future__ import annotations

import copy
import hashlib
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from campaigns import plain_orders
from conftest import run_cli
from fupan.cases import read_record, write_record

SHOP = "花漾美妆天猫旗舰店"


def _derived(base: dict, cid: str, shop: str | None, burst_end: str, actions: list[dict]) -> dict:
    r = copy.deepcopy(base)
    r.pop("content_sha256", None)
    # another campaign has other data files (same ones are the subject itself, left out)
    files = r["data"]["files"]
    r["data"]["files"] = {k: hashlib.sha256(f"{cid}/{k}".encode()).hexdigest() for k in files}
    r["case_id"] = r["card"]["id"] = cid
    r["name"] = r["card"]["name"] = f"案例 {cid}"
    r["card"]["shop"] = shop
    start = (pd.Timestamp(burst_end) - pd.Timedelta(days=5)).date().isoformat()
    r["card"]["windows"] = {"burst": {"start": start, "end": burst_end}}
    r["card"]["retrospective"] = {
        "went_well": [],
        "to_improve": [],
        "actions": actions,
        "closes": [],
    }
    return r


def _file(library: Path, record: dict) -> None:
    folder = library / record["case_id"]
    folder.mkdir(parents=True)
    write_record(folder / "case.json", record)
    (folder / "report.html").write_text(f"<html>{record['case_id']}</html>", encoding="utf-8")


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> dict:
    """A small demo campaign (the shop 花漾, burst ends 2025-11-11, closes two 618 actions) and a
    library of: the shop's 618 (open a, b, c, d; e done), the shop's Double 11 2024 (older: must not
    be the previous case) and another shop's July case (later than the 618: must not be chosen)."""
    from fupan import load_retrospective
    from fupan.cases import build_record
    from fupan.demo import generate_demo

    root = tmp_path_factory.mktemp("libreport")
    demo = generate_demo(root / "demo", scale=0.1, seed=7)
    base = build_record(load_retrospective(demo), {}, "")
    library = root / "library"
    open_618 = [
        {"id": "hy618-live-newcomer", "what": "直播间新客专享券", "owner": "直播"},
        {"id": "hy618-peak-drill", "what": "零点高峰压测", "due": "2025-10-20"},
        {"id": "hy618-stock-alert", "what": "爆款库存预警", "status": "open"},
        {"what": "没有编号的行动"},
        {"id": "hy618-sku-cleanup", "what": "清理滞销SKU", "status": "done"},
    ]
    _file(library, _derived(base, "hy-2025-618", SHOP, "2025-06-18", open_618))
    _file(
        library,
        _derived(base, "hy-2024-d11", SHOP, "2024-11-11", [{"id": "hy24-x", "what": "旧的行动"}]),
    )
    _file(
        library,
        _derived(base, "other-2025-07", "别家店", "2025-07-15", [{"id": "o1", "what": "别家行动"}]),
    )
    card = yaml.safe_load((demo / "campaign.yaml").read_text(encoding="utf-8"))
    assert card["shop"] == SHOP and card["windows"]["burst"][1] == dt_str("2025-11-11")
    assert set(card["retrospective"]["closes"]) == {"hy618-live-newcomer", "hy618-peak-drill"}
    return {"root": root, "demo": demo, "library": library, "card": card}


def dt_str(s: str):
    import datetime as dt

    return dt.date.fromisoformat(s)


def _sections(page: str) -> dict[str, str]:
    """Visible text under each top-level (h1) stage heading of a report."""
    soup = BeautifulSoup(page, "html.parser")
    for tag in soup.select(
        "script, style, div.jp-CodeCell > div.jp-Cell-inputWrapper, a.anchor-link, nav"
    ):
        tag.decompose()
    out: dict[str, list[str]] = {}
    current = ""
    for node in soup.find_all(["h1", "p", "td", "li", "div", "h2", "h3", "h4", "th"]):
        if node.name == "h1":
            current = node.get_text(" ").strip()
            out.setdefault(current, [])
        elif current and not node.find(["p", "td", "li", "div", "table"]):
            out[current].append(node.get_text(" "))
    return {k: " ".join(" ".join(v).split()) for k, v in out.items()}


def _stage(sections: dict[str, str], word: str) -> str:
    (text,) = [v for k, v in sections.items() if word in k]
    return text


@pytest.fixture(scope="module")
def with_library(setup) -> dict:
    out = setup["root"] / "out"
    proc = run_cli(
        "run", str(setup["demo"]), "--out", str(out), "--library", str(setup["library"]), "--quiet"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    cid = setup["card"]["id"]
    page = (out / cid / "report.html").read_text(encoding="utf-8")
    return {"page": page, "record": read_record(out / cid / "case.json"), "out": out / cid}


def test_open_actions_of_the_previous_same_shop_case_are_carried_into_background(
    with_library,
) -> None:
    s = _sections(with_library["page"])
    background = _stage(s, "背景")
    assert "hy-2025-618" in background  # the previous case: latest burst end before 2025-11-11
    for what in ("直播间新客专享券", "零点高峰压测", "爆款库存预警", "没有编号的行动"):
        assert what in background
    assert "清理滞销SKU" not in background  # done: not open
    assert "旧的行动" not in background  # an older case of the shop
    assert "别家行动" not in background  # another shop, though later than the 618
    soup = BeautifulSoup(with_library["page"], "html.parser")
    hrefs = [a["href"] for a in soup.find_all("a", href=True) if "hy-2025-618" in a["href"]]
    assert hrefs and all(
        (with_library["out"] / h).resolve().is_file() for h in hrefs
    )  # links resolve to the library's report


def test_retrospective_marks_which_carried_actions_were_closed(with_library) -> None:
    soup = BeautifulSoup(with_library["page"], "html.parser")
    status = {}
    for row in soup.find_all("tr"):
        cells = [c.get_text(" ").strip() for c in row.find_all("td")]
        if len(cells) == 3 and cells[1] in (
            "直播间新客专享券",
            "零点高峰压测",
            "爆款库存预警",
            "没有编号的行动",
        ):
            status[cells[1]] = cells[2]
    assert set(status) == {"直播间新客专享券", "零点高峰压测", "爆款库存预警", "没有编号的行动"}
    assert "已关闭" in status["直播间新客专享券"] and "已关闭" in status["零点高峰压测"]
    assert "仍未关闭" in status["爆款库存预警"] and "仍未关闭" in status["没有编号的行动"]
    retro = _stage(_sections(with_library["page"]), "复盘")
    assert "4 项未结行动中，本次关闭 2 项，仍有 2 项未关闭" in retro


def test_benchmark_part_is_in_the_result_stage_with_a_library(with_library) -> None:
    result = _stage(_sections(with_library["page"]), "结果")
    assert "归一化指标的同行位置" in result and "最相似的" in result
    for cid in ("hy-2025-618", "hy-2024-d11", "other-2025-07"):  # the 3 cases, ranked
        assert cid in result


def test_cache_key_includes_the_library(setup, with_library) -> None:
    from fupan.cases.context import library_fingerprint
    from fupan.ingest.validate import open_campaign
    from fupan.report.run import DEFAULT_TEMPLATE, cache_key

    campaign = open_campaign(setup["demo"])
    try:
        hashes = campaign.hashes
    finally:
        campaign.con.close()
    recorded = with_library["record"]["parameters"]["cache_key"]
    fp = library_fingerprint(setup["library"])
    assert recorded == cache_key(hashes, DEFAULT_TEMPLATE, "zh", fp)
    assert recorded != cache_key(hashes, DEFAULT_TEMPLATE, "zh")
    changed = setup["root"] / "library2"
    shutil.copytree(setup["library"], changed)
    shutil.rmtree(changed / "other-2025-07")
    assert library_fingerprint(changed) != fp


def test_without_a_library_the_report_says_so(setup, tmp_path) -> None:
    out = tmp_path / "out"
    proc = run_cli("run", str(setup["demo"]), "--out", str(out), "--no-library", "--quiet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = (out / setup["card"]["id"] / "report.html").read_text(encoding="utf-8")
    s = _sections(page)
    assert "没有案例库" in _stage(s, "背景") and "爆款库存预警" not in _stage(s, "背景")
    result = _stage(s, "结果")
    assert "未做与历史案例的对标" in result and "归一化指标的同行位置" not in result
    assert "没有案例库" in _stage(s, "复盘")


def test_daily_gmv_index_in_case_json_equals_a_pandas_computation(setup, with_library) -> None:
    card = setup["card"]
    lines = pd.read_parquet(setup["demo"] / card["tables"]["orders"])
    per = plain_orders(lines)
    live = per[~per.cancelled]
    w = {k: (pd.Timestamp(a), pd.Timestamp(b)) for k, (a, b) in card["windows"].items()}
    first, last = min(a for a, _ in w.values()), max(b for _, b in w.values())
    gmv = live.groupby("day")["gmv"].sum()
    days = pd.date_range(first, last, freq="D")
    gmv = gmv.reindex(days, fill_value=0.0)
    b0, b1 = w["baseline"]
    base = gmv[b0:b1].sum() / ((b1 - b0).days + 1)
    expected = pd.DataFrame(
        {"day": (days - w["burst"][0]).days, "index": 100 * gmv.to_numpy() / base}
    )
    got = pd.DataFrame(with_library["record"]["analyses"]["daily_gmv_index"])
    assert got["day"].tolist() == expected["day"].tolist()
    assert got.loc[got.day == 0, "date"].item() == w["burst"][0].date().isoformat()
    pd.testing.assert_series_equal(
        got["index"], expected["index"], check_names=False, rtol=1e-8, atol=1e-8
    )


def test_one_unreadable_case_does_not_cost_the_retrospective(setup, tmp_path) -> None:
    """A library holding one truncated case.json: `fupan run --library` exited 3 without a
    report ('模板第 2 个单元格出错 (CaseRecordError …)'). The report is written; its background
    and benchmark parts say which case cannot be read and what to do, in both languages."""
    import shutil

    library = tmp_path / "library"
    shutil.copytree(setup["library"], library)
    broken = library / "hy-2024-d11" / "case.json"
    broken.write_text(broken.read_text(encoding="utf-8")[:500], encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli(
        "run", str(setup["demo"]), "--out", str(out), "--library", str(library), "--quiet"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    page = (out / setup["card"]["id"] / "report.html").read_text(encoding="utf-8")
    s = _sections(page)
    for stage, what in (("背景", "未带入往期行动"), ("结果", "本节对标已跳过")):
        text = _stage(s, stage)
        assert "案例库中有无法读取的案例" in text and what in text, stage
        assert "hy-2024-d11" in text and "fupan archive --force" in text

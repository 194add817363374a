"""End to end: `fupan run` on the demo campaign through the real CLI.

The expected KPI values are recomputed here with plain pandas straight from the raw demo files,
independently of the DuckDB extract and the metric code."""

from __future__ import annotations

import base64
import json
import re
from html import unescape
from io import BytesIO
from pathlib import Path

import nbformat
import pandas as pd
import pytest
import yaml
from fontTools.ttLib import TTFont

from conftest import run_cli
from fupan.cases import read_record
from fupan.config import TEMPLATE
from fupan.errors import CaseRecordError
from fupan.i18n import kpi_name
from test_ops_language import assert_no_untranslated_text

pytestmark = pytest.mark.slow(seconds=60)
STAGES = ("背景", "策略", "执行", "结果", "复盘")


def plain_pandas_kpis(folder: Path) -> dict[str, dict[str, float]]:
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    orders = pd.read_parquet(folder / "orders.parquet")
    events = pd.read_parquet(folder / "events.parquet")
    spend = pd.read_csv(folder / "spend.csv", parse_dates=["date"])
    first_line = orders.groupby("order_id").order_time.transform("min")
    orders = orders.assign(day=first_line.dt.normalize())
    live = orders[orders.status != "cancelled"]
    windows = {k: (pd.Timestamp(v[0]), pd.Timestamp(v[1])) for k, v in card["windows"].items()}
    windows["campaign"] = (windows["preheat"][0], windows["post"][1])
    events = events.assign(day=events.event_time.dt.normalize())
    daily_uv = events.groupby("day").user_id.nunique()
    out = {}
    for name, (lo, hi) in windows.items():
        o = live[(live.day >= lo) & (live.day <= hi)]
        # 口径 2026.12-1: 访客数 distinct over the window; the day-summed figure kept beside it
        uv = float(events[events.day.between(lo, hi)].user_id.nunique())
        uv_sum = float(daily_uv[(daily_uv.index >= lo) & (daily_uv.index <= hi)].sum())
        s = float(spend[(spend.date >= lo) & (spend.date <= hi)].spend.sum())
        gmv, n_orders, buyers = (
            float(o.paid_amount.sum()),
            o.order_id.nunique(),
            o.user_id.nunique(),
        )
        out[name] = {
            "gmv": gmv,
            "orders": n_orders,
            "buyers": buyers,
            "uv": uv,
            "uv_daily_sum": uv_sum,
            "cr": buyers / uv,  # 支付转化率 = 支付买家数 / 访客数
            "aov": gmv / n_orders,  # 笔单价
            "aov_buyer": gmv / buyers,  # 客单价
            "roas": gmv / s,
            "spend": s,
        }
    return out


def test_three_files_are_written(demo_run):
    for name in ("report.html", "report.ipynb", "case.json"):
        assert (demo_run / name).stat().st_size > 1000, name


@pytest.mark.parametrize("window", ["baseline", "preheat", "burst", "post", "dip", "campaign"])
def test_case_kpis_equal_an_independent_pandas_computation(demo_run, demo_dir, window):
    truth = plain_pandas_kpis(demo_dir)[window]
    got = json.loads((demo_run / "case.json").read_text(encoding="utf-8"))["kpis"][window]
    for key in ("orders", "buyers"):
        assert got[key] == truth[key], key
    for key in ("gmv", "uv", "uv_daily_sum", "cr", "aov", "aov_buyer", "roas", "spend"):
        assert got[key] == pytest.approx(truth[key], rel=1e-9), key


def test_audiences_equal_a_plain_pandas_recount(demo_run, demo_dir):
    """新老客与沉睡唤醒 in case.json against the raw files: each campaign buyer is new (no order
    before the campaign), reactivated (latest earlier order ≥ 180 days before it) or returning;
    the dormant pool counts every customer asleep when it opened."""
    card = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))
    lo = pd.Timestamp(card["windows"]["preheat"][0])
    hi = pd.Timestamp(card["windows"]["post"][1]) + pd.Timedelta(days=1)
    lines = pd.read_parquet(demo_dir / "orders.parquet")
    lines = lines[lines.status != "cancelled"]
    orders = lines.groupby("order_id").agg(
        user=("user_id", "first"), ts=("order_time", "min"), gmv=("paid_amount", "sum")
    )
    latest = orders[orders.ts < lo].groupby("user").ts.max()
    asleep = latest[latest.dt.normalize() <= lo - pd.Timedelta(days=180)].index
    inside = orders[(orders.ts >= lo) & (orders.ts < hi)]
    kind = pd.Series("returning", index=inside.index)
    kind[~inside.user.isin(latest.index)] = "new"
    kind[inside.user.isin(asleep)] = "reactivated"
    got = json.loads((demo_run / "case.json").read_text(encoding="utf-8"))["analyses"]
    a = got["audiences"]
    assert a["window"] == [str(lo.date()), str((hi - pd.Timedelta(days=1)).date())]
    for name in ("new", "returning", "reactivated"):
        mine = inside[kind == name]
        row = a["audiences"][name]
        assert row["buyers"] == mine.user.nunique(), name
        assert row["orders"] == len(mine), name
        assert row["gmv"] == pytest.approx(mine.gmv.sum(), rel=1e-9), name
        assert row["aov"] == pytest.approx(mine.gmv.sum() / len(mine), rel=1e-9), name
        assert row["aov_buyer"] == pytest.approx(mine.gmv.sum() / mine.user.nunique(), rel=1e-9), (
            name
        )
    assert a["dormant"] == len(asleep) and a["reactivated"] == inside.user.isin(asleep).pipe(
        lambda m: inside.user[m].nunique()
    )
    assert 0 < a["reactivation_rate"] < 1


def test_year_on_year_equals_a_plain_pandas_recount(demo_run, demo_dir):
    """同比 in case.json: the demo is a Double 11, so last year's days are the same dates; each
    year's GMV, orders and buyers recounted from the raw order lines, and this year's equal to
    the campaign's and burst's KPIs."""
    card = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))
    assert card["festival"] == "double11"
    lines = pd.read_parquet(demo_dir / "orders.parquet")
    lines = lines[lines.status != "cancelled"]
    orders = lines.groupby("order_id").agg(
        user=("user_id", "first"), ts=("order_time", "min"), gmv=("paid_amount", "sum")
    )
    record = json.loads((demo_run / "case.json").read_text(encoding="utf-8"))
    yoy = record["analyses"]["year_on_year"]
    assert yoy["same_weekdays"] is False
    spans = {
        "campaign": (card["windows"]["preheat"][0], card["windows"]["post"][1]),
        "burst": tuple(card["windows"]["burst"]),
    }
    for name, (start, end) in spans.items():
        got = yoy["windows"][name]
        ly = (str(start).replace("2025", "2024"), str(end).replace("2025", "2024"))
        assert (got["start"], got["end"], got["ly_start"], got["ly_end"]) == (
            str(start),
            str(end),
            *ly,
        )
        assert got["measured"] is True
        for suffix, (lo, hi) in (("", (start, end)), ("_ly", ly)):
            w = orders[
                (orders.ts >= pd.Timestamp(lo))
                & (orders.ts < pd.Timestamp(hi) + pd.Timedelta(days=1))
            ]
            assert got[f"gmv{suffix}"] == pytest.approx(w.gmv.sum(), rel=1e-9), (name, suffix)
            assert got[f"orders{suffix}"] == len(w) and got[f"buyers{suffix}"] == w.user.nunique()
        kpi = record["kpis"][name]
        assert (got["orders"], got["buyers"]) == (kpi["orders"], kpi["buyers"])
        assert got["gmv"] == pytest.approx(kpi["gmv"], rel=1e-9)
        assert got["gmv_growth"] == pytest.approx(got["gmv"] / got["gmv_ly"] - 1)


def test_library_kpis_of_the_new_analyses_read_the_record(demo_run):
    """The library ranks cases by 同比, the pre-heat carters' conversion and the reactivation rate:
    each is the record's own figure (hand-checked above against the raw files), recomputed here
    from the record's counts, and a record without the analysis reads as not measured (None),
    never 0."""
    from fupan.cases.kpis import METRIC_BY_KEY

    record = json.loads((demo_run / "case.json").read_text(encoding="utf-8"))
    a = record["analyses"]
    camp = a["year_on_year"]["windows"]["campaign"]
    pool, aud = a["preheat_pool"], a["audiences"]
    assert METRIC_BY_KEY["gmv_yoy"].get(record) == pytest.approx(camp["gmv"] / camp["gmv_ly"] - 1)
    assert METRIC_BY_KEY["preheat_conversion"].get(record) == pytest.approx(
        pool["converted"] / pool["carters"]
    )
    assert METRIC_BY_KEY["reactivation_rate"].get(record) == pytest.approx(
        aud["reactivated"] / aud["dormant"]
    )
    bare = {**record, "analyses": {}}
    for key in ("gmv_yoy", "preheat_conversion", "reactivation_rate"):
        assert METRIC_BY_KEY[key].get(bare) is None, key
    unmeasured = json.loads(json.dumps(record))
    unmeasured["analyses"]["year_on_year"]["windows"]["campaign"]["gmv_growth"] = None
    assert METRIC_BY_KEY["gmv_yoy"].get(unmeasured) is None


def test_case_record_is_valid_and_sealed(demo_run, tmp_path):
    record = read_record(demo_run / "case.json")
    assert record["case_id"] == "2025-d11-beauty"
    assert set(record["kpis"]) == {"baseline", "preheat", "burst", "post", "dip", "campaign"}
    assert record["definitions_version"] and record["library_version"]
    assert {t["kpi"] for t in record["targets"]} == set(record["card"]["strategy"]["targets"])
    assert all(h["status"] in ("met", "missed", "not_assessed") for h in record["hypotheses"])
    assert record["reproduce"].startswith("fupan run ")
    assert set(record["data"]["files"]) >= {"campaign.yaml", "orders.parquet", "events.parquet"}
    pool = record["analyses"][
        "preheat_pool"
    ]  # 预热蓄水, its count checked in test_extract_behaviour
    assert 0 < pool["converted"] < pool["carters"] and pool["rate"] == pytest.approx(
        pool["converted"] / pool["carters"]
    )
    tampered = tmp_path / "tampered.json"
    tampered.write_text(
        (demo_run / "case.json").read_text(encoding="utf-8").replace('"gmv": ', '"gmv": 1', 1),
        encoding="utf-8",
    )
    with pytest.raises(CaseRecordError, match="tampered.json"):
        read_record(tampered)


def _visible_text(page: str) -> str:
    return unescape(re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", page, flags=re.S))


def test_html_is_self_contained_with_five_stages_and_a_complete_cjk_font(demo_run):
    page = (demo_run / "report.html").read_text(encoding="utf-8")
    headings = re.findall(r"<h1[^>]*>(.*?)<", page)
    for stage in STAGES:
        assert any(h.startswith(stage) for h in headings), (stage, headings)
    # offline: no script, style, font or image is fetched from anywhere
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "@import" not in page
    assert len(re.findall(r'<img [^>]*src="data:image/png;base64,', page)) >= 7
    font = re.search(r"font/otf;base64,([A-Za-z0-9+/=]+)", page).group(1)
    cmap = TTFont(BytesIO(base64.b64decode(font))).getBestCmap()
    cjk = {
        ch for ch in _visible_text(page) if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
    }
    assert len(cjk) > 100
    assert not [ch for ch in cjk if ord(ch) not in cmap]
    # characters the stylesheet draws itself (content: in report.css) are in the subset too
    drawn = set("".join(re.findall(r'content:\s*"([^"]*)"', page)))
    assert "◦" in drawn and not [ch for ch in drawn if ord(ch) not in cmap]
    assert "fp-toc" in page and "fp-show-code" in page and "fupan run" in page


def test_notebook_has_no_missing_glyph_warning_and_no_error(demo_run):
    nb = nbformat.read(demo_run / "report.ipynb", as_version=4)
    text = json.dumps(
        [c.get("outputs", []) for c in nb.cells if c.cell_type == "code"], ensure_ascii=False
    )
    assert "Glyph" not in text and "missing from font" not in text
    assert '"output_type": "error"' not in text
    assert any("injected-parameters" in c.metadata.get("tags", []) for c in nb.cells)


def test_no_customer_identifier_reaches_html_or_case(demo_run, demo_dir):
    users = set(pd.read_parquet(demo_dir / "orders.parquet", columns=["user_id"]).user_id)
    for name in ("report.html", "case.json"):
        text = (demo_run / name).read_text(encoding="utf-8")
        found = set(re.findall(r"u\d{6,}", text)) & users
        assert not found, (name, sorted(found)[:5])


def test_english_report(demo_dir, tmp_path):
    proc = run_cli("run", str(demo_dir), "--out", str(tmp_path), "--lang", "en", "--quiet")
    assert proc.returncode == 0, proc.stderr[-2000:]
    page = (tmp_path / "2025-d11-beauty" / "report.html").read_text(encoding="utf-8")
    for word in (
        "Background",
        "Strategy",
        "Execution",
        "Result",
        "Retrospective",
        "Top wins",
        kpi_name("cr", "en"),  # the dictionary's English name (口径 2026.12-1: payment conversion)
    ):
        assert word in page, word
    assert 'lang="en"' in page
    assert_no_untranslated_text(page, demo_dir)  # issue 12: no catalogue key, no stray Chinese


def test_a_failing_cell_exits_non_zero_names_its_section_and_keeps_the_notebook(demo_dir, tmp_path):
    template = nbformat.read(TEMPLATE, as_version=4)
    at = next(
        i
        for i, c in enumerate(template.cells)
        if c.cell_type == "markdown" and c.source.startswith("# 执行")
    )
    template.cells.insert(
        at + 2, nbformat.v4.new_code_cell("raise RuntimeError('boom: injected failure')")
    )
    broken = tmp_path / "broken.ipynb"
    nbformat.write(template, broken)
    out = tmp_path / "reports"
    proc = run_cli("run", str(demo_dir), "--out", str(out), "--template", str(broken), "--quiet")
    assert proc.returncode == 3
    assert (
        "执行" in proc.stderr
        and "boom: injected failure" in proc.stderr
        and f"cell {at + 2}" in proc.stderr
    )
    assert "Traceback" not in proc.stderr
    kept = nbformat.read(out / "2025-d11-beauty" / "report.ipynb", as_version=4)
    assert any(o.get("output_type") == "error" for c in kept.cells for o in c.get("outputs", []))
    assert not (out / "2025-d11-beauty" / "case.json").exists()
    assert not (out / "2025-d11-beauty" / "report.html").exists()


def test_ab_estimate_and_its_interval_contain_the_generators_true_effect(demo_run, demo_dir):
    truth = json.loads((demo_dir / "truth.json").read_text(encoding="utf-8"))["ab_test"]
    ab = json.loads((demo_run / "case.json").read_text(encoding="utf-8"))["analyses"]["ab_test"]
    lo, hi = ab["relative_lift_ci"]
    assert lo < truth["true_relative_lift_in_order_probability"] < hi
    assert not ab["srm_flagged"]
    page = (demo_run / "report.html").read_text(encoding="utf-8")
    assert "A/B" in page and "95%可能范围" in page  # plain words: the interval, no p in e-notation


def test_campaign_new_customer_repeat_rate_is_consistent_with_the_generators_truth(
    demo_run, demo_dir
):
    truth = json.loads((demo_dir / "truth.json").read_text(encoding="utf-8"))[
        "new_customer_repeat"
    ]["campaign"]["p30"]
    q = json.loads((demo_run / "case.json").read_text(encoding="utf-8"))["analyses"]["customers"][
        "new_customer_quality"
    ]
    est, n = q["campaign"]["rate"], q["campaign"]["n_eligible"]
    se = (truth * (1 - truth) / n) ** 0.5
    assert abs(est - truth) < 3.5 * se, (est, truth, n)
    assert q["campaign"]["n_censored"] > 0  # first orders after data_end - 30 days are not counted


def test_report_shows_customer_funnel_and_inventory_sections(demo_run):
    page = (demo_run / "report.html").read_text(encoding="utf-8")
    for text in ("新客质量", "重要价值客户", "客户分层与留存", "缺货率", "最大流失", "客户价值"):
        assert text in page, text


def test_the_tiny_campaign_runs_end_to_end_with_hand_computed_kpis(tiny, tmp_path):
    """A campaign with few days and no alerts still gives all three files; burst = o5 (200 + 40),
    o6 (120) and o7 (80): GMV 440, 3 orders, buyers a, d, e; the same 4 visitors on both days
    (访客数 4 distinct over the window, 8 summed over days)."""
    proc = run_cli("run", str(tiny), "--out", str(tmp_path), "--quiet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    case = read_record(tmp_path / "tiny-test" / "case.json")
    burst = case["kpis"]["burst"]
    assert (burst["gmv"], burst["orders"], burst["buyers"], burst["uv"]) == (440.0, 3, 3, 4)
    assert burst["uv_daily_sum"] == 8
    assert burst["aov"] == pytest.approx(440 / 3) and burst["cr"] == pytest.approx(3 / 4)
    assert burst["aov_buyer"] == pytest.approx(440 / 3)  # 客单价: 3 buyers, one order each
    assert isinstance(case["analyses"]["alerts"], list)

"""The war report (战报, ``fupan run --as-of``): a campaign still running, counted up to a day.

The reference is a second, plain route to the same figures: the export's rows cut at the day by
pandas and the card's windows cut by hand (the burst ending on the day, the windows after it
deleted), run as an ordinary retrospective. The war report must give the same KPIs and channels,
say what it is, judge no target, compare the plan to date, and stay out of the case library.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import copy_campaign, run_cli

#: the timestamped tables of the demo and their time column
TIMED = {
    "orders": "order_time",
    "events": "event_time",
    "spend": "date",
    "inventory": "date",
    "live_sessions": "start_time",
}


def _card(folder: Path) -> dict:
    return yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))


def _cut(folder: Path, before: pd.Timestamp) -> None:
    """Keep only the timestamped rows before ``before`` (the plan and the products stay whole),
    a presale's balance paid later shown unpaid (as an export taken then shows it)."""
    card = _card(folder)
    for table, column in TIMED.items():
        name = card["tables"].get(table)
        if not name:
            continue
        path = folder / name
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
        kept = frame[pd.to_datetime(frame[column]) < before].copy()
        if "balance_time" in kept:
            later = pd.to_datetime(kept["balance_time"]) >= before
            kept.loc[later, ["balance_time", "balance_amount"]] = None
        if path.suffix == ".parquet":
            kept.to_parquet(path, index=False)
        else:
            kept.to_csv(path, index=False)


def _as_of(demo_dir: Path) -> dt.date:
    """The burst's fifth day: a morning meeting in the middle of the campaign."""
    start = _card(demo_dir)["windows"]["burst"][0]
    return dt.date.fromisoformat(str(start)) + dt.timedelta(days=4)


@pytest.fixture(scope="module")
def runs(demo_dir: Path, tmp_path_factory) -> dict:
    """The war report of a morning export, and the hand-cut campaign run as a retrospective."""
    root = tmp_path_factory.mktemp("war")
    as_of = _as_of(demo_dir)
    next_day = pd.Timestamp(as_of) + pd.Timedelta(days=1)
    export = copy_campaign(demo_dir, root / "export")
    _cut(export, next_day + pd.Timedelta(hours=9, minutes=30))  # taken at 09:30 the next day
    war = run_cli(
        "run", str(export), "--as-of", as_of.isoformat(), "--out", str(root / "w"), "--quiet"
    )
    assert war.returncode == 0, war.stderr[-3000:]

    by_hand = copy_campaign(demo_dir, root / "by_hand")
    _cut(by_hand, next_day)
    card = _card(by_hand)
    windows = card["windows"]
    windows["burst"] = [windows["burst"][0], as_of]
    for later in ("post", "dip"):
        windows.pop(later, None)
    (by_hand / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    plain = run_cli("run", str(by_hand), "--out", str(root / "m"), "--quiet")
    assert plain.returncode == 0, plain.stderr[-3000:]
    case_id = card["id"]
    return {
        "as_of": as_of,
        "export": export,
        "war_dir": root / "w" / case_id,
        "war": json.loads((root / "w" / case_id / "case.json").read_text(encoding="utf-8")),
        "plain": json.loads((root / "m" / case_id / "case.json").read_text(encoding="utf-8")),
        "root": root,
    }


def test_war_report_counts_what_the_hand_cut_campaign_counts(runs):
    war, plain = runs["war"], runs["plain"]
    assert set(war["kpis"]) == set(plain["kpis"]) == {"baseline", "preheat", "burst", "campaign"}
    assert war["kpis"] == plain["kpis"]
    assert war["channels"] == plain["channels"]
    assert war["kpis"]["burst"]["end"] == runs["as_of"].isoformat()


def test_war_report_judges_no_target_and_records_the_plan(runs, demo_dir):
    war, plain = runs["war"], runs["plain"]
    planned = {k: [str(v[0]), str(v[1])] for k, v in _card(demo_dir)["windows"].items()}
    assert war["data"]["in_flight"] == {
        "as_of": runs["as_of"].isoformat(),
        "planned_windows": planned,
    }
    assert "in_flight" not in plain["data"]
    # no cache key: a batch over the same files later must run the whole retrospective
    assert war["parameters"]["cache_key"] is None
    assert len(plain["parameters"]["cache_key"]) == 64
    assert war["targets"], "the demo card sets targets"
    for row in war["targets"]:
        assert row["status"] == "in_progress"
        if row["kpi"] == "gmv":  # progress = actual to date / target, by hand from the KPIs
            gmv = war["kpis"]["campaign"]["gmv"]
            assert row["achievement"] == pytest.approx(gmv / row["target"], rel=1e-9)
    assert {r["status"] for r in plain["targets"]} <= {"met", "missed", "not_assessed"}
    assert not any("target missed" in f["en"] or "target met" in f["en"] for f in war["findings"])
    progress = [f for f in war["findings"] if "target in progress" in f["en"]]
    assert len(progress) == len(war["targets"]) and all(f["kind"] == "note" for f in progress)


def test_war_report_says_what_it_is(runs):
    html = (runs["war_dir"] / "report.html").read_text(encoding="utf-8")
    day = runs["as_of"].isoformat()
    assert f"战报（截至 {day}）" in html  # the title
    assert f"本报告的数字截至 {day}（含当日）" in html
    assert "已过 5/11 天" in html  # the burst, cut on its fifth of eleven days
    assert "尚未开始" in html  # the post and dip windows


def test_war_report_paces_against_the_plan_to_date(runs, demo_dir):
    card = _card(demo_dir)
    plan = pd.read_csv(demo_dir / card["tables"]["targets"], parse_dates=["date"])
    to_date = plan[plan["date"] <= pd.Timestamp(runs["as_of"])].groupby("channel")["gmv"].sum()
    recorded = runs["war"]["analyses"]["pacing"]["channels"]
    planned = {c: v["plan"] for c, v in recorded.items() if v["plan"] is not None}
    assert planned == pytest.approx(to_date.to_dict(), rel=1e-9)
    # the war room's 完成进度: to date, against the whole plan (the planned channels' actual)
    pacing = runs["war"]["analyses"]["pacing"]
    actual = sum(v["actual"] for c, v in recorded.items() if c in planned)
    assert pacing["achievement"] == pytest.approx(actual / plan["gmv"].sum(), rel=1e-9)
    html = (runs["war_dir"] / "report.html").read_text(encoding="utf-8")
    ahead = plan[plan["date"] > pd.Timestamp(runs["as_of"])]
    assert f"计划余下 {ahead['date'].nunique()} 天" in html
    days = plan["date"].nunique()
    elapsed = days - ahead["date"].nunique()
    assert f"时间进度 {elapsed / days:.0%}" in html


def test_the_case_library_refuses_a_war_report(runs):
    library = runs["root"] / "library"
    proc = run_cli(
        "archive", str(runs["war_dir"]), "--library", str(library), "--provenance", "synthetic"
    )
    assert proc.returncode != 0
    assert "战报" in proc.stderr and "war report" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (library / runs["war"]["case_id"]).exists()


def test_a_mid_campaign_export_without_as_of_is_told_of_it(runs):
    proc = run_cli("validate", str(runs["export"]))
    assert proc.returncode != 0
    day_before = runs["as_of"].isoformat()  # the export ends the morning after
    assert f"fupan run --as-of {day_before}" in proc.stderr
    assert "war report" in proc.stderr and "战报" in proc.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--as-of", "11/05/2025"), ("--as-of", "YYYY-MM-DD")),
        (("--as-of", "2025-11-05", "--archive"), ("--archive", "--as-of")),
    ],
)
def test_bad_as_of_options_are_refused(demo_dir, tmp_path, args, words):
    proc = run_cli("run", str(demo_dir), "--out", str(tmp_path / "out"), *args)
    assert proc.returncode != 0
    assert all(w in proc.stderr for w in words), proc.stderr
    assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_as_of_before_the_campaign_is_refused(demo_dir):
    start = dt.date.fromisoformat(str(_card(demo_dir)["windows"]["preheat"][0]))
    proc = run_cli("validate", str(demo_dir), "--as-of", (start - dt.timedelta(days=1)).isoformat())
    assert proc.returncode != 0
    assert f"早于活动第一天 {start}" in proc.stderr
    assert f"before the campaign's first day {start}" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_windows_are_cut_at_as_of():
    from fupan.ingest.card.windows import Windows

    w = Windows(
        baseline=["2025-09-01", "2025-09-30"],
        preheat=["2025-10-10", "2025-10-31"],
        burst=["2025-11-01", "2025-11-11"],
        post=["2025-11-12", "2025-11-15"],
        dip=["2025-11-16", "2025-11-30"],
    )
    cut = w.clipped(dt.date(2025, 11, 13))
    assert [(n, x.start.isoformat(), x.end.isoformat()) for n, x in cut.items()] == [
        ("baseline", "2025-09-01", "2025-09-30"),
        ("preheat", "2025-10-10", "2025-10-31"),
        ("burst", "2025-11-01", "2025-11-11"),
        ("post", "2025-11-12", "2025-11-13"),
    ]
    burst = w.clipped(dt.date(2025, 11, 1)).burst
    assert burst is not None and burst.days == 1
    # inside the pre-heat: baseline and the pre-heat so far, no burst yet
    early = w.clipped(dt.date(2025, 10, 31))
    assert [(n, x.start.isoformat(), x.end.isoformat()) for n, x in early.items()] == [
        ("baseline", "2025-09-01", "2025-09-30"),
        ("preheat", "2025-10-10", "2025-10-31"),
    ]
    assert early.burst is None and early.campaign.end == dt.date(2025, 10, 31)
    with pytest.raises(ValueError, match="before the campaign's first day 2025-10-10"):
        w.clipped(dt.date(2025, 10, 9))
    with pytest.raises(ValueError, match="burst window is required"):
        Windows(baseline=["2025-09-01", "2025-09-30"], burst=None)


def test_as_of_on_or_after_the_last_day_is_a_whole_campaign():
    from conftest import TINY_CARD
    from fupan.ingest.card.model import CampaignCard

    last = max(dt.date.fromisoformat(str(v[1])) for v in TINY_CARD["windows"].values())
    for day in (last, last + dt.timedelta(days=3)):
        card = CampaignCard.model_validate({**TINY_CARD, "as_of": day})
        assert not card.in_flight
        assert card.windows == CampaignCard.model_validate(TINY_CARD).windows
    card = CampaignCard.model_validate({**TINY_CARD, "as_of": last - dt.timedelta(days=1)})
    assert card.in_flight
    assert card.windows.last_day == last - dt.timedelta(days=1)
    assert card.planned_windows.last_day == last


def test_the_war_reports_minutes_say_so(runs):
    text = (runs["war_dir"] / "minutes.md").read_text(encoding="utf-8")
    assert text.startswith("# 战报会纪要：")
    assert "\n## 余下活动期待办\n" in text and "下次大促清单" not in text
    assert "retrospective.actions" not in text  # the next campaign's carry-over is not its concern
    assert f"战报，数字截至 {runs['as_of'].isoformat()}" in text.split("\n## ", 1)[0]
    conclusions = text.split("\n## 结论\n", 1)[1].split("\n## ", 1)[0]
    targets = [x for x in conclusions.splitlines() if x.startswith("- ") and " / " in x]
    assert len(targets) == len(runs["war"]["targets"])
    assert all(x.endswith("，进行中）") for x in targets)


def test_a_batch_makes_war_reports_and_never_takes_one_for_unchanged(runs):
    """fupan batch --as-of: the export that a plain batch refuses (and keeps as failed while it is
    unchanged) is run as a war report, and run again the next time — never skipped."""
    out, day = runs["root"] / "batch", runs["as_of"].isoformat()
    plain = run_cli("batch", str(runs["export"]), "--out", str(out), "--quiet")
    assert plain.returncode == 1 and f"--as-of {day}" in plain.stdout + plain.stderr
    for _ in range(2):
        proc = run_cli("batch", str(runs["export"]), "--out", str(out), "--as-of", day, "--quiet")
        assert proc.returncode == 0, (proc.stdout + proc.stderr)[-2000:]
        assert "1 campaigns: 1 done, 0 unchanged, 0 failed" in proc.stdout, proc.stdout
        record = json.loads((out / runs["war"]["case_id"] / "case.json").read_text("utf-8"))
        assert record["data"]["in_flight"]["as_of"] == day


# --------------------------------------------------------------------------- inside the pre-heat
@pytest.fixture(scope="module")
def preheat_run(demo_dir: Path, tmp_path_factory) -> dict:
    """The war report of the pre-heat's sixth day: the deposit presale's daily 蓄水 meeting."""
    root = tmp_path_factory.mktemp("preheat")
    start = dt.date.fromisoformat(str(_card(demo_dir)["windows"]["preheat"][0]))
    as_of = start + dt.timedelta(days=5)
    export = copy_campaign(demo_dir, root / "export")
    _cut(export, pd.Timestamp(as_of) + pd.Timedelta(days=1, hours=9))  # the next morning's
    proc = run_cli(
        "run", str(export), "--as-of", as_of.isoformat(), "--out", str(root / "w"), "--quiet"
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    (case,) = (root / "w").iterdir()
    orders = pd.read_parquet(demo_dir / "orders.parquet")
    return {
        "start": start,
        "as_of": as_of,
        "record": json.loads((case / "case.json").read_text(encoding="utf-8")),
        "html": (case / "report.html").read_text(encoding="utf-8"),
        "orders": orders[
            (orders["order_time"] >= pd.Timestamp(start))
            & (orders["order_time"] < pd.Timestamp(as_of) + pd.Timedelta(days=1))
        ],
    }


def test_a_preheat_war_report_counts_the_preheat_so_far(preheat_run):
    """KPIs of the pre-heat to date by plain pandas: GMV by order time (the KPIs' 口径), the lift's
    pre-heat by the card's balance-paid date — spot lines only, no balance being due yet."""
    rec, o = preheat_run["record"], preheat_run["orders"]
    assert set(rec["kpis"]) == {"baseline", "preheat", "campaign"}
    assert rec["kpis"]["campaign"]["end"] == preheat_run["as_of"].isoformat()
    live = o[o["status"] != "cancelled"]
    assert rec["kpis"]["campaign"]["gmv"] == pytest.approx(live["paid_amount"].sum(), abs=0.01)
    spot = live[live["order_type"] != "presale"]["paid_amount"].sum()
    lift = rec["analyses"]["lift"]["by_phase"]["preheat"]
    assert lift["actual"] == pytest.approx(spot, abs=0.01)
    assert rec["data"]["in_flight"]["as_of"] == preheat_run["as_of"].isoformat()
    # a hypothesis on the burst is not judged before the burst
    burst_hyps = [h for h in rec["hypotheses"] if h["window"] == "burst"]
    assert burst_hyps and all(h["status"] == "not_assessed" for h in burst_hyps)


def test_a_preheat_war_reports_presale_shows_deposits_and_no_balance_yet(preheat_run):
    o = preheat_run["orders"]
    presale = o[o["order_type"] == "presale"]
    page = " ".join(re.sub(r"<[^>]+>", " ", preheat_run["html"]).replace("&nbsp;", " ").split())
    day = preheat_run["as_of"].isoformat()
    orders, buyers = presale["order_id"].nunique(), presale["user_id"].nunique()
    assert f"截至 {day}：{orders:,} 笔定金订单（{buyers:,} 人）" in page
    assert "尚无尾款支付" in page
    assert "尾款转化率 —" in page  # not measured yet: never 0 %


def test_a_preheat_war_report_gives_no_money_verdict(preheat_run):
    """The pre-heat's spend builds the burst's pool: profit ROI and break-even ROAS are one note,
    never a miss, and the summary's 赚没赚钱 has no verdict, saying why."""
    findings = preheat_run["record"]["findings"]
    money = [f for f in findings if f["metric"] in ("roi_margin", "break_even")]
    assert [(f["kind"], f["en"].split(":")[0]) for f in money] == [
        ("note", "The pre-heat's spend builds the burst's pool")
    ]
    assert "预热期（蓄水）：投放为爆发期蓄水" in preheat_run["html"]
    box = preheat_run["html"].split("<h4>赚没赚钱</h4><p>", 1)[1]
    assert box.startswith("<b>预热期（蓄水）"), box[:200]  # no met / missed tag before it

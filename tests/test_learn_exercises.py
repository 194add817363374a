"""Checks of fupan.learn.exercises: right, wrong (and why), within tolerance, just outside, not
attempted — on a key recorded here, and on the committed keys of the worked examples, whose
expected values are recomputed independently (plain pandas on the real data; the demo's planted
truth file) where that is cheap. Also: the student copy is made from the source without its
solutions, and the key file holds no plaintext."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest

from campaigns import plain_reversals
from fupan.learn import build, exercises
from fupan.learn.exercises import NOT_ATTEMPTED, RIGHT, WRONG

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
UCI = ROOT.parent / "shared" / "datasets" / "uci-online-retail" / "online_retail.parquet"


def _record(tmp_path, monkeypatch, declare):
    """Record a key with ``declare(set)`` (which checks the true answers), return a reading set."""
    monkeypatch.setenv(exercises.RECORD_ENV, "1")
    s = exercises.ExerciseSet("t", keys=tmp_path)
    declare(s)
    monkeypatch.delenv(exercises.RECORD_ENV)
    reader = exercises.ExerciseSet("t", keys=tmp_path)
    declare_only(reader)
    return reader


def declare_only(s):
    s.exercise("num", "number", tol=0.01, hints=[("一", "one"), ("二", "two")])
    s.exercise("int", "integer")
    s.exercise("txt", "text")
    s.exercise("cho", "choice", choices=("yes", "no"))
    s.exercise("frm", "frame", tol=0.1)


TRUE_FRAME = pd.DataFrame({"phase": ["burst", "dip"], "gmv": [10.0, 2.0]})


def declare_and_answer(s):
    declare_only(s)
    s.exercises["num"].mistake(3.0, "这是 ROAS。", "That is ROAS.")
    s.exercises["num"].check(0.5)
    s.exercises["int"].check(3836)
    s.exercises["txt"].check("净GMV")
    s.exercises["cho"].check("no")
    s.exercises["frm"].check(TRUE_FRAME)


@pytest.fixture
def ex(tmp_path, monkeypatch):
    return _record(tmp_path, monkeypatch, declare_and_answer)


def test_number_right_wrong_tolerance_and_not_attempted(ex):
    num = ex.exercises["num"]
    assert num.check(0.5).status == RIGHT
    assert num.check(0.5 + 0.009).status == RIGHT  # within tol
    assert num.check(0.5 - 0.009).status == RIGHT
    assert num.check(0.5 + 0.021).status == WRONG  # just beyond 2·tol: never accepted
    assert num.check(0.5 - 0.021).status == WRONG
    assert num.check(0.9).status == WRONG
    assert num.check(...).status == NOT_ATTEMPTED
    assert num.check(None).status == NOT_ATTEMPTED
    import numpy as np

    assert num.check(np.float64(0.5)).status == RIGHT


def test_wrong_says_why_without_the_answer(ex):
    num = ex.exercises["num"]
    mistaken = num.check(3.0)
    assert mistaken.status == WRONG and "ROAS" in mistaken.why_en
    wrong_type = num.check("0.5")
    assert wrong_type.status == WRONG and "number" in wrong_type.why_en
    generic = num.check(0.7)
    assert "tolerance" in generic.why_en
    for result in (mistaken, wrong_type, generic, num.check(...)):
        assert "0.5" not in repr(result).replace("0.5 ", "")  # never the value
        assert "0.50" not in result._repr_html_()
    assert "hint" in repr(generic)


def test_hints_in_levels(ex):
    num = ex.exercises["num"]
    assert num.hint().level == 1 and num.hint().level == 2
    assert num.hint().level == 2  # stays on the last level
    assert "two" in repr(num.hint())


def test_integer_text_choice_frame(ex):
    assert ex.exercises["int"].check(3836).status == RIGHT
    assert ex.exercises["int"].check(3835).status == WRONG  # exact, no neighbour
    assert ex.exercises["int"].check(3836.0).status == RIGHT
    assert ex.exercises["txt"].check(" 净ＧＭＶ ").status == RIGHT  # NFKC + casefold + strip
    assert ex.exercises["txt"].check("净gmv").status == RIGHT
    assert ex.exercises["txt"].check("GMV").status == WRONG
    assert ex.exercises["cho"].check("NO").status == RIGHT
    assert ex.exercises["cho"].check("yes").status == WRONG
    outside = ex.exercises["cho"].check("maybe")
    assert outside.status == WRONG and "yes, no" in outside.why_en
    frm = ex.exercises["frm"]
    shuffled = TRUE_FRAME[["gmv", "phase"]].iloc[::-1]
    assert frm.check(shuffled).status == RIGHT  # column and row order do not matter
    assert frm.check(TRUE_FRAME.assign(gmv=[10.04, 2.0])).status == RIGHT  # same bucket
    assert frm.check(TRUE_FRAME.assign(gmv=[10.5, 2.0])).status == WRONG
    assert frm.check(TRUE_FRAME.rename(columns={"gmv": "net_gmv"})).status == WRONG
    assert frm.check(5).status == WRONG


def test_key_file_holds_hashes_only(ex, tmp_path):
    text = (tmp_path / "t.json").read_text(encoding="utf-8")
    key = json.loads(text)
    assert set(key) == {"num", "int", "txt", "cho", "frm"}
    for entry in key.values():
        assert re.fullmatch(r"[0-9a-f]{64}", entry["hash"])
        assert set(entry) == {"hash", "kind", "mistakes", "salt", "tol"}
    for plain in ("3836", "净GMV", "净gmv", '"no"', "burst", "n:50"):
        assert plain not in text
    # salted: the same answer in another set hashes differently
    salts = {e["salt"] for e in key.values()}
    assert len(salts) == len(key)


def test_missing_key_is_not_a_verdict(tmp_path):
    s = exercises.ExerciseSet("none", keys=tmp_path)
    e = s.exercise("x", "number", tol=1)
    assert e.check(5).status == NOT_ATTEMPTED
    with pytest.raises(ValueError):
        s.exercise("y", "number")  # a number exercise needs a tolerance


def test_student_source_strips_every_solution():
    for src in sorted((NOTEBOOKS / "src").glob("*.py")):
        text = src.read_text(encoding="utf-8")
        student = build.student_source(text)
        bodies = [m.group("body") for m in build.BLOCK.finditer(text)]
        assert bodies, f"{src.name} has no exercises"
        for body in bodies:
            for line in body.strip().splitlines():
                if line.strip() and len(line.strip()) > 12:
                    assert line not in student, (src.name, line)
        assert student.count(" = ...  # 在这里作答") == len(bodies)
        instructor = build.instructor_source(text)
        assert "BEGIN SOLUTION" not in instructor and "END SOLUTION" not in instructor


def _key(name):
    return exercises.ExerciseSet(name, keys=NOTEBOOKS / "keys")


def test_committed_keys_exist_and_are_hashes():
    sources = sorted((NOTEBOOKS / "src").glob("*.py"))
    for src in sources:
        name = src.stem.split("_")[0]
        path = NOTEBOOKS / "keys" / f"{name}.json"
        assert path.is_file(), f"no key for {src.name}: run make notebooks"
        key = json.loads(path.read_text(encoding="utf-8"))
        declared = re.findall(r'ex\.exercise\(\s*"([^"]+)"', src.read_text(encoding="utf-8"))
        assert sorted(key) == sorted(declared)


def _uci_expected() -> dict[str, float]:
    """The UCI exercises' answers, by plain pandas from the raw file."""
    raw = pd.read_parquet(UCI)
    cancel = raw["InvoiceNo"].str.startswith("C").astype(bool)
    amount = raw["Quantity"] * raw["UnitPrice"]
    valid = ~cancel & (raw["Quantity"] > 0) & (raw["UnitPrice"] > 0)
    no_id = raw["CustomerID"].isna()
    kept = valid & ~no_id
    dup = raw.duplicated(keep="first")
    # month-12 retention of the first monthly cohort, over the lines not cancelled: a line a
    # C-line reverses within a day is cancelled (plain_reversals, a loop)
    at = pd.Series(plain_reversals(raw, raw[kept]), dtype="datetime64[ns]")
    cancelled = (at - raw.loc[at.index, "InvoiceDate"] <= pd.Timedelta(days=1)).reindex(
        raw.index, fill_value=False
    )
    lines = raw[kept & ~cancelled]
    month = lines["InvoiceDate"].dt.to_period("M")
    first = month.groupby(lines["CustomerID"]).transform("min")
    cohort0 = first.min()
    members = lines.loc[first == cohort0, "CustomerID"].unique()
    active12 = lines.loc[(first == cohort0) & (month == cohort0 + 12), "CustomerID"].nunique()
    return {
        "02-1": raw.loc[cancel, "InvoiceNo"].nunique(),
        "02-2": amount[valid & no_id].sum() / amount[valid].sum(),
        "02-3": active12 / len(members),
        "02-4": amount[kept].sum() - amount[kept & ~dup].sum(),
    }


@pytest.mark.realdata
def test_uci_keys_against_plain_pandas():
    if not UCI.is_file():
        pytest.skip(f"UCI Online Retail not found at {UCI}: real-data key test skipped")
    s = _key("02")
    expected = _uci_expected()
    kinds = {
        "02-1": ("integer", 0.0),
        "02-2": ("number", 0.001),
        "02-3": ("number", 0.001),
        "02-4": ("number", 1.0),
    }
    for id, (kind, tol) in kinds.items():
        e = s.exercise(id, kind, tol)
        value = expected[id]
        assert e.check(value).status == RIGHT, id
        assert e.check(...).status == NOT_ATTEMPTED
        if kind == "integer":
            assert e.check(int(value) + 1).status == WRONG
        else:
            assert e.check(value + 0.9 * tol).status == RIGHT, id
            assert e.check(value - 0.9 * tol).status == RIGHT, id
            assert e.check(value + 2.1 * tol).status == WRONG, id
            assert e.check(value - 2.1 * tol).status == WRONG, id
    # the typical mistake is recognised and explained
    raw = pd.read_parquet(UCI, columns=["InvoiceNo"])
    lines = int(raw["InvoiceNo"].str.startswith("C").astype(bool).sum())
    said = s.exercises["02-1"].check(lines)
    assert said.status == WRONG and "lines" in said.why_en


def test_demo_lift_keys_against_the_planted_truth():
    """04-1 and 04-2 compare the spreadsheet habit with truth.json: recomputed here from the
    demo's orders with DuckDB (GMV = paid_amount of orders not cancelled) and the truth file."""
    from fupan.learn import data

    folder = data.demo_dir()
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    import duckdb

    w = truth["windows"]
    con = duckdb.connect()

    def gmv(lo, hi):
        return con.execute(
            "SELECT sum(paid_amount) FROM read_parquet(?) WHERE status <> 'cancelled' "
            "AND CAST(order_time AS DATE) BETWEEN ? AND ?",
            [str(folder / "orders.parquet"), lo, hi],
        ).fetchone()[0]

    base = gmv(*w["baseline"])
    base_days = (pd.Timestamp(w["baseline"][1]) - pd.Timestamp(w["baseline"][0])).days + 1
    camp = gmv(w["preheat"][0], w["post"][1])
    camp_days = (pd.Timestamp(w["post"][1]) - pd.Timestamp(w["preheat"][0])).days + 1
    spreadsheet = camp - base / base_days * camp_days
    inc = truth["incremental_gmv"]
    planted = inc["preheat"] + inc["burst"] + inc["post"]
    s = _key("04")
    for id, value in (
        ("04-1", (spreadsheet - planted) / planted),
        ("04-2", (spreadsheet - inc["total"]) / inc["total"]),
    ):
        e = s.exercise(id, "number", 0.005)
        assert e.check(value).status == RIGHT, (id, value)
        assert e.check(value + 0.0045).status == RIGHT
        assert e.check(value - 0.0105).status == WRONG
        assert e.check(value + 0.0105).status == WRONG
        assert e.check(...).status == NOT_ATTEMPTED
    assert not math.isnan(spreadsheet)

"""Platform export profiles: each sample export (tests/samples, made by make_samples.py from one
clean order log), in GBK and in UTF-8 with a BOM, pinned in the card or detected from the header,
gives the same case-record numbers as its equivalent clean Parquet; personal data never passes.

Expected values come from the clean Parquet files (written by pandas from the clean log, read by
the ordinary Parquet path) and from hand-written statuses; never from the profile code itself.
"""

from __future__ import annotations

import importlib.util
import json
import math
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml

import fupan
from conftest import run_cli
from fupan.cases.record import build_record, dumps
from fupan.errors import ValidationError
from fupan.ingest.privacy import scan_text
from fupan.ingest.readers import PROFILES, READERS, detect, open_table
from fupan.ingest.readers.profiles import CLOSED, Profile, register_profile

SAMPLES = Path(__file__).resolve().parent / "samples"
_spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
assert _spec and _spec.loader
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)

NAMES = ("tmall-orders", "jd-orders", "douyin-orders")
ENCODINGS = ("gbk", "utf8bom")


def _card(case_id: str, orders: str, profile: str | None) -> dict:
    card = {
        "id": case_id,
        "name": "样例店铺双11",
        "platform": "tmall",
        "category": "beauty",
        "windows": samples.WINDOWS,
        "tables": {"orders": orders},
    }
    if profile:
        card["profile"] = profile
    return card


def _campaign(root: Path, name: str, filename: str, profile: str | None) -> Path:
    folder = root / filename.replace(".", "-")
    folder.mkdir(parents=True)
    shutil.copy(SAMPLES / filename, folder / filename)
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(_card(name, filename, profile), allow_unicode=True), encoding="utf-8"
    )
    return folder


def _refused(folder: Path, card: dict) -> list:
    """The problems validation stops at, for the campaign of ``card`` in ``folder``."""
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True), encoding="utf-8"
    )
    with pytest.raises(ValidationError) as err:
        fupan.open_campaign(folder)
    return err.value.problems


def _numbers(folder: Path) -> dict:
    r = fupan.load_retrospective(folder)
    rec = build_record(r, {}, "")
    return {"kpis": rec["kpis"], "channels": rec["channels"], "warnings": r.campaign.warnings}


def _same(a: object, b: object, where: str = "") -> None:
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, float) and isinstance(b, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (where, a, b)
    else:
        assert a == b, (where, a, b)


@pytest.fixture(scope="module")
def clean_numbers(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("clean")
    return {n: _numbers(_campaign(root, n, f"{n}.clean.parquet", None)) for n in NAMES}


def test_the_samples_are_what_the_script_makes(tmp_path):
    """The committed samples are reproducible from make_samples.py (no hand edits)."""
    log = samples.clean_log()
    assert 200 <= len(log) <= 500
    for i, (name, make) in enumerate(samples.MAKERS.items()):
        export, clean = make(log, samples.np.random.default_rng(100 + i))
        text = samples.export_text(export)
        assert (SAMPLES / f"{name}.gbk.csv").read_bytes() == text.encode("gbk")
        assert (SAMPLES / f"{name}.utf8bom.csv").read_bytes() == text.encode("utf-8-sig")
        pd.testing.assert_frame_equal(
            pd.read_parquet(SAMPLES / f"{name}.clean.parquet"), clean.reset_index(drop=True)
        )


@pytest.mark.parametrize("pin", [True, False], ids=["pinned", "detected"])
@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", NAMES)
def test_export_gives_the_clean_parquets_numbers(name, encoding, pin, clean_numbers, tmp_path):
    folder = _campaign(tmp_path, name, f"{name}.{encoding}.csv", name if pin else None)
    got = _numbers(folder)
    want = clean_numbers[name]
    assert got["kpis"]["burst"]["gmv"] > 0 and got["kpis"]["burst"]["orders"] > 0
    _same(got["kpis"], want["kpis"], "kpis")
    _same(got["channels"], want["channels"], "channels")
    codes = {p.code for p in got["warnings"]}
    assert ("profile_detected" in codes) is not pin
    assert "pii_columns_dropped" in codes


def test_clean_parquet_gmv_by_hand(clean_numbers):
    """The comparison is not vacuous: the burst GMV is the clean log's non-cancelled paid sum."""
    for name in NAMES:
        log = pd.read_parquet(SAMPLES / f"{name}.clean.parquet")
        day = log[
            (log.order_time.dt.date.astype(str) == "2025-11-11") & (log.status != "cancelled")
        ]
        assert math.isclose(clean_numbers[name]["kpis"]["burst"]["gmv"], day.paid_amount.sum())


@pytest.mark.parametrize("name", NAMES)
def test_detection_names_the_profile_and_how_to_pin_it(name):
    opened = open_table(SAMPLES / f"{name}.gbk.csv")
    assert opened.profile == name
    (msg,) = [p for p in opened.problems if p.code == "profile_detected"]
    assert msg.severity == "warning"
    assert f"profile: {name}" in msg.zh and f"profile: {name}" in msg.en
    header = pd.read_csv(SAMPLES / f"{name}.utf8bom.csv", nrows=0, encoding="utf-8-sig")
    assert detect("orders", list(header.columns)).name == name
    assert detect("orders", ["order_id", "user_id", "order_time", "paid_amount"]) is None


def _read_tmall(tmp_path: Path, data: bytes, rows: list[tuple]) -> pd.DataFrame:
    """``data`` read as a Tmall export with no error; its lines by order id, whose ids (10, 11, …),
    statuses and paid amounts are checked against ``rows`` (status and amount in places 4, 5)."""
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    opened = open_table(path, profile="tmall-orders")
    assert not [p for p in opened.problems if p.severity == "error"], opened.problems
    got = opened.relation.order("order_id").fetchdf()
    assert list(got.order_id) == [f"10{i}" for i in range(len(rows))]
    assert list(got.status) == [r[4] for r in rows]
    assert [float(x) for x in got.paid_amount] == [r[5] for r in rows]
    return got


def test_statuses_and_values_by_hand(tmp_path):
    """A hand-written Tmall export: each status word, ¥ and thousands separators, both time forms."""
    rows = [
        ("交易成功", "¥1,299.00", "0.00", "2025/11/11 00:03", "paid", 1299.0),
        ("交易关闭", "￥59.90", "0.00", "2025-11-11 00:03:15", "cancelled", 59.9),
        ("交易关闭", "1,000", "1,000.00", "2025-11-11 08:00", "refunded", 1000.0),
        ("已退款", "20", "20", "2025/11/11 09:10:11", "refunded", 20.0),
        ("退款中", "30.00元", "10", "2025-11-11 10:00:00", "paid", 30.0),
        ("等待买家付款", "5", "-", "2025-11-11 11:00:00", "cancelled", 5.0),
    ]
    header = (
        "主订单编号,买家会员名,订单创建时间,买家实付金额,订单状态,退款金额,收货人姓名,联系手机\n"
    )
    body = "".join(
        f'"=""10{i}""",买家{i},{t},"{amt}",{st},"{ref}",张三,1380013800{i}\n'
        for i, (st, amt, ref, t, _, _) in enumerate(rows)
    )
    got = _read_tmall(tmp_path, (header + body).encode("gb18030"), rows)
    assert list(got.order_time) == [
        "2025-11-11 00:03:00", "2025-11-11 00:03:15", "2025-11-11 08:00:00",
        "2025-11-11 09:10:11", "2025-11-11 10:00:00", "2025-11-11 11:00:00",
    ]  # fmt: skip
    assert pd.isna(got.refund_amount.iloc[-1])  # "-" is the export's "none"
    assert "收货人姓名" not in got.columns and "联系手机" not in got.columns
    assert all(u.startswith("h") and "买家" not in u for u in got.user_id)


def test_values_padded_with_unicode_spaces_read_as_without(tmp_path):
    """An export copied through a web page or typed with a Chinese input method: a no-break space
    (U+00A0) after the ¥ and around an id, an ideographic space (U+3000) after a status word or an
    amount, a tab before a time. Each reads as the value without them."""
    rows = [
        ("交易成功\u3000", "¥\u00a01,299.00", "0.00", "\t2025/11/11 00:03", "paid", 1299.0),
        ("\u3000交易关闭", "1,000\u3000", "\u00a01,000.00", "2025-11-11 08:00", "refunded", 1000.0),
        ("退款中\u00a0", "30.00\u3000元", "10", "2025-11-11 10:00:00\u3000", "paid", 30.0),
    ]
    header = "主订单编号,买家会员名,订单创建时间,买家实付金额,订单状态,退款金额\n"
    body = "".join(
        f'"\u00a0=""10{i}""\u3000",买家{i}\u3000,{t},"{amt}",{st},"{ref}"\n'
        for i, (st, amt, ref, t, _, _) in enumerate(rows)
    )
    got = _read_tmall(tmp_path, (header + body).encode("utf-8-sig"), rows)
    assert [float(x) for x in got.refund_amount] == [0.0, 1000.0, 10.0]
    assert list(got.order_time) == [
        "2025-11-11 00:03:00", "2025-11-11 08:00:00", "2025-11-11 10:00:00"
    ]  # fmt: skip


def test_unknown_status_is_a_bilingual_problem(tmp_path):
    export = pd.read_csv(
        SAMPLES / "jd-orders.utf8bom.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    assert export.at[4, "订单状态"] in PROFILES.get("jd-orders").statuses
    export.at[4, "订单状态"] = "已拒收"  # data row 5
    folder = tmp_path / "c"
    folder.mkdir()
    export.to_csv(folder / "orders.csv", index=False, encoding="utf-8-sig")
    problems = _refused(folder, _card("bad-status", "orders.csv", "jd-orders"))
    (p,) = [p for p in problems if p.code == "status_unknown"]
    assert (p.file, p.row, p.column) == ("orders.csv", 5, "订单状态")
    assert "已拒收" in p.zh and "已拒收" in p.en
    assert "等待出库" in p.zh and "等待出库" in p.en  # the expected words


def test_unknown_profile_name_in_the_card(tmp_path):
    folder = _campaign(tmp_path, "typo", "tmall-orders.gbk.csv", "tmall-order")
    with pytest.raises(ValidationError) as err:
        fupan.open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.code == "profile_unknown"]
    assert p.file == "campaign.yaml" and p.column == "profile"
    assert "tmall-orders" in p.zh and "tmall-orders" in p.en


def test_profiles_and_readers_are_registrations():
    assert set(NAMES) <= set(PROFILES.names())
    assert {"csv", "tsv", "xlsx", "parquet"} <= set(READERS.names())
    extra = register_profile(
        Profile(
            name="test-orders",
            table="orders",
            title_zh="测试导出",
            title_en="a test export",
            columns=(("单号", "order_id"), ("买家", "user_id"), ("时间", "order_time"), ("金额", "paid_amount"), ("状态", "status")),
            signature=frozenset({"单号", "买家", "时间", "金额", "状态"}),
            statuses={"好": "paid", "关": CLOSED},
        )
    )  # fmt: skip
    try:
        assert PROFILES.get("test-orders") is extra
        assert detect("orders", ["单号", "买家", "时间", "金额", "状态", "备注"]) is extra
    finally:
        PROFILES._items.pop("test-orders")
    with pytest.raises(ValueError, match="unknown"):
        register_profile(Profile("x", "orders", "x", "x", (), frozenset(), {"a": "shipped"}))


def test_personal_data_never_reaches_the_case_record(tmp_path):
    """Every name, phone, address and e-mail of a sample is absent from the record and its
    warnings; the privacy log names the columns dropped."""
    for name in NAMES:
        folder = _campaign(tmp_path, name, f"{name}.gbk.csv", name)
        r = fupan.load_retrospective(folder)
        text = dumps(build_record(r, {}, ""))
        export = pd.read_csv(SAMPLES / f"{name}.utf8bom.csv", dtype=str, encoding="utf-8-sig")
        personal = [
            c
            for c in export.columns
            if any(
                w in c for w in ("姓名", "收件人", "手机", "电话", "地址", "支付宝", "昵称", "留言")
            )
        ]
        assert len(personal) >= 3, personal  # fmt: skip
        for column in personal:
            assert column in r.campaign.privacy["orders"]["dropped"], (name, column)
            for value in export[column].dropna().unique():
                if len(value) >= 4 and value not in ("请尽快发货",):
                    assert value not in text, (name, column, value)
        assert scan_text(text) == [], name
        buyer = {"tmall-orders": "买家会员名", "jd-orders": "下单帐号", "douyin-orders": "用户ID"}
        for value in export[buyer[name]].unique()[:20]:
            assert value not in text


def test_fupan_run_case_json_matches_the_clean_parquet(tmp_path):
    """Through the real CLI: the Douyin GBK export, detected, against its clean Parquet."""
    out = {}
    for key, filename in (
        ("csv", "douyin-orders.gbk.csv"),
        ("parquet", "douyin-orders.clean.parquet"),
    ):
        folder = _campaign(tmp_path / key, "douyin-run", filename, None)
        proc = run_cli(
            "run", str(folder), "--out", str(tmp_path / f"out-{key}"), "--quiet", "--no-library"
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        out[key] = json.loads(
            (tmp_path / f"out-{key}" / "douyin-run" / "case.json").read_text("utf-8")
        )
    _same(out["csv"]["kpis"], out["parquet"]["kpis"], "kpis")
    _same(out["csv"]["channels"], out["parquet"]["channels"], "channels")
    assert any(w["code"] == "profile_detected" for w in out["csv"]["data"]["warnings"])


def test_an_excel_export_reads_like_its_csv(tmp_path, clean_numbers):
    """The profile applies to whatever registration read the file: the Tmall export saved as .xlsx."""
    export = pd.read_csv(
        SAMPLES / "tmall-orders.utf8bom.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    # opened in Excel and saved as .xlsx, the ="…" formulas are their text
    export["主订单编号"] = export["主订单编号"].str.slice(2, -1)
    folder = tmp_path / "xlsx"
    folder.mkdir()
    export.to_excel(folder / "订单导出.xlsx", index=False)
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(_card("tmall-orders", "订单导出.xlsx", None), allow_unicode=True),
        encoding="utf-8",
    )
    got = _numbers(folder)
    _same(got["kpis"], clean_numbers["tmall-orders"]["kpis"], "kpis")
    assert "profile_detected" in {p.code for p in got["warnings"]}


def test_an_exports_comma_is_a_thousands_separator_only_between_groups_of_three(tmp_path):
    """Through the Tmall profile: 1,299.00 and 1，299.00 (a full-width comma) are 1299; 12,50 is not
    1250 but a decimal comma, which validation names."""
    header = "主订单编号,买家会员名,订单创建时间,买家实付金额,订单状态,退款金额\n"
    body = "".join(
        f"10{i},buyer{i},2025-11-11 00:0{i}:00,{amount},交易成功,0\n"
        for i, amount in enumerate(['"1,299.00"', '"1，299.00"'])
    )
    rows = [(None, None, None, None, "paid", 1299.0)] * 2
    _read_tmall(tmp_path, (header + body).encode("gb18030"), rows)
    folder = tmp_path / "campaign"
    folder.mkdir()
    (folder / "export.csv").write_bytes(
        (header + body + '102,buyer2,2025-11-11 00:02:00,"12,50",交易成功,0\n').encode("gb18030")
    )
    problems = _refused(folder, _card("tmall-comma", "export.csv", "tmall-orders"))
    (p,) = [p for p in problems if p.severity == "error"]
    assert (p.code, p.column, p.row) == ("decimal_comma", "paid_amount", 3)


@pytest.mark.parametrize("written", ["$599.00", "£599", "€599", "USD 599.00"])
def test_an_exports_amount_in_another_currency_is_named_not_read_as_yuan(tmp_path, written):
    """Through the Tmall profile a '$599.00' paid amount was read as ¥599 (the profile took any
    currency sign off before validation saw it); now, as in any CSV, it is one currency_mismatch at
    its row in a CNY campaign."""
    header = "主订单编号,买家会员名,订单创建时间,买家实付金额,订单状态,退款金额\n"
    body = "".join(
        f"10{i},buyer{i},2025-11-11 00:0{i}:00,{amount},交易成功,0\n"
        for i, amount in enumerate(["¥1299.00", "59.90元", written])
    )
    folder = tmp_path / "campaign"
    folder.mkdir()
    (folder / "export.csv").write_bytes((header + body).encode("gb18030"))
    problems = _refused(folder, _card("tmall-dollar", "export.csv", "tmall-orders"))
    errors = [(p.code, p.column, p.row) for p in problems if p.severity == "error"]
    assert errors == [("currency_mismatch", "paid_amount", 3)]


def test_an_exports_yuan_in_a_campaign_of_another_currency_is_named(tmp_path):
    """A card in HKD naming a Tmall export in yuan: the export's ¥ and 元 are another currency than
    the card's (they were taken off and the amounts read as dollars); HK$-less plain numbers and
    '$' amounts read as the card's currency."""
    header = "主订单编号,买家会员名,订单创建时间,买家实付金额,订单状态,退款金额\n"
    amounts = ['"$1,299.00"', "59.90", "¥20", "30元"]
    body = "".join(
        f"10{i},buyer{i},2025-11-11 00:0{i}:00,{amount},交易成功,0\n"
        for i, amount in enumerate(amounts)
    )
    path = tmp_path / "export.csv"
    path.write_bytes((header + body).encode("gb18030"))
    opened = open_table(path, profile="tmall-orders", currency="HKD")
    got = opened.relation.order("order_id").fetchdf()
    assert list(got.paid_amount) == ["1299.00", "59.90", "¥20", "30元"]
    folder = tmp_path / "campaign"
    folder.mkdir()
    shutil.copy(path, folder / "export.csv")
    card = {**_card("tmall-hkd", "export.csv", "tmall-orders"), "currency": "HKD"}
    problems = _refused(folder, card)
    errors = [(p.code, p.column, p.row) for p in problems if p.severity == "error"]
    assert errors == [("currency_mismatch", "paid_amount", 3)]  # one problem, rows 3 and 4
    (p,) = [p for p in problems if p.severity == "error"]
    assert "'¥20'" in p.en and "'30元'" in p.en


# ----------------------------------------------------------------------------- export mishaps
# Each a mishap of a real export, made from the Tmall sample: a page pasted twice, two exports of
# overlapping periods glued together, a blank status, an export without the refund column, and
# the classic Taobao report's header names.


def _tmall_export() -> pd.DataFrame:
    return pd.read_csv(
        SAMPLES / "tmall-orders.utf8bom.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )


def _folder(tmp_path: Path, export: pd.DataFrame, name: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    export.to_csv(folder / "orders.csv", index=False, encoding="utf-8-sig")
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(_card(name, "orders.csv", None), allow_unicode=True), encoding="utf-8"
    )
    return folder


def test_an_export_page_pasted_twice_counts_each_line_once(tmp_path, clean_numbers):
    """Forty lines pasted again after themselves (no header between, each with its own
    子订单编号): their GMV was counted twice ('kept as the card says' though the card said nothing).
    A line repeating another of the same 子订单编号 exactly is one line exported twice: dropped,
    said, and the numbers are the clean export's."""
    e = _tmall_export()
    pasted = pd.concat([e.iloc[:100], e.iloc[60:100], e.iloc[100:]], ignore_index=True)
    got = _numbers(_folder(tmp_path, pasted, "pasted"))
    _same(got["kpis"], clean_numbers["tmall-orders"]["kpis"], "kpis")
    (w,) = [p for p in got["warnings"] if p.code == "line_key_repeated"]
    assert w.row == 101 and w.column == "子订单编号"  # data row 101: the first pasted line
    assert "40 行" in w.zh and "40 row(s)" in w.en
    assert "duplicate_lines" not in {p.code for p in got["warnings"]}


def test_two_overlapping_exports_glued_together_are_refused_with_the_rows(tmp_path):
    """An export taken on the night of 11-11 glued to one taken later: lines in both whose status
    changed between the downloads (here 交易成功 → 交易关闭 with a refund) were both counted.
    Which is current cannot be told: refused, naming the first pair's rows."""
    e = _tmall_export()
    later = e.iloc[:12].copy()
    later["订单状态"], later["退款金额"] = "交易关闭", later["买家实付金额"]
    glued = pd.concat([e, later], ignore_index=True)
    problems = _refused(_folder(tmp_path, glued, "glued"), _card("glued", "orders.csv", None))
    (p,) = [p for p in problems if p.code == "line_key_conflict"]
    assert (p.file, p.row, p.column) == ("orders.csv", 1, "子订单编号")
    assert f"第 1 行与第 {len(e) + 1} 行" in p.zh and f"rows 1 and {len(e) + 1}" in p.en
    # lines already closed with that refund did not change: they are no conflict
    changed = int(((e.iloc[:12] != later).any(axis=1)).sum())
    assert 0 < changed <= 12 and f"{changed} 个" in p.zh


def test_a_blank_status_is_refused_not_read_as_paid(tmp_path):
    e = _tmall_export()
    e.at[6, "订单状态"] = ""  # data row 7
    problems = _refused(_folder(tmp_path, e, "blank"), _card("blank", "orders.csv", None))
    (p,) = [p for p in problems if p.code == "status_blank"]
    assert (p.file, p.row, p.column) == ("orders.csv", 7, "订单状态")
    assert "为空" in p.zh and "empty order status" in p.en


def test_an_export_without_refunds_says_its_closed_lines_read_cancelled(tmp_path):
    """Without 退款金额 a closed line (交易关闭) cannot be told refunded from never paid: every one
    reads cancelled, silently moving GMV and the cancel rate. The count, by hand, is said."""
    e = _tmall_export()
    closed = int((e["订单状态"] == "交易关闭").sum())
    assert closed > 0
    got = _numbers(_folder(tmp_path, e.drop(columns="退款金额"), "norefund"))
    (w,) = [p for p in got["warnings"] if p.code == "closed_without_refunds"]
    assert f"{closed} 行状态为「交易关闭」" in w.zh and f"{closed} line(s)" in w.en
    assert w.row == int((e["订单状态"] == "交易关闭").idxmax()) + 1


def test_the_classic_taobao_report_header_reads_as_the_tmall_export(tmp_path, clean_numbers):
    """The classic 订单报表 names three columns otherwise (订单编号, 买家实际支付金额, 宝贝总数量) —
    names the profile itself lists — yet was not detected, and pinned it was told to drop the
    profile. It is detected, read without a mismatch warning, and gives the clean numbers."""
    e = _tmall_export().rename(
        columns={
            "主订单编号": "订单编号",
            "买家实付金额": "买家实际支付金额",
            "购买数量": "宝贝总数量",
        }
    )
    assert detect("orders", list(e.columns)).name == "tmall-orders"
    got = _numbers(_folder(tmp_path, e, "classic"))
    _same(got["kpis"], clean_numbers["tmall-orders"]["kpis"], "kpis")
    codes = {p.code for p in got["warnings"]}
    assert "profile_detected" in codes and "profile_mismatch" not in codes


def test_a_quote_never_closed_is_named_at_its_row_not_as_an_encoding(tmp_path):
    """A hand edit left '"到了打电话 放门口' in 买家留言 (an opening quote, no closing one): the file
    was reported as neither UTF-8 nor GBK at a row past its end, and re-saving as UTF-8 — the
    advice — could not help. It is named at its data row and column."""
    lines = (SAMPLES / "tmall-orders.utf8bom.csv").read_text(encoding="utf-8-sig").split("\n")
    assert lines[20].endswith(",,样例美妆旗舰店")  # data row 20: 买家留言 empty
    lines[20] = lines[20].replace(",,样例美妆旗舰店", ',"到了打电话 放门口,样例美妆旗舰店')
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    (p,) = [p for p in open_table(path).problems if p.severity == "error"]
    assert (p.code, p.row, p.column) == ("unclosed_quote", 20, "买家留言")
    assert "编码没有问题" in p.zh and "the encoding is fine" in p.en
    assert "到了打电话" not in p.zh + p.en  # the comment itself is not echoed


def test_two_exports_of_two_encodings_glued_are_named_where_the_second_begins(tmp_path):
    """The first 50 lines of an export in GBK (with its header), the rest appended in UTF-8: the
    error pointed at 'the header, byte 0' (where UTF-8 reading stops); the GBK reading gets to
    data row 51, where the UTF-8 part begins."""
    text = (SAMPLES / "tmall-orders.utf8bom.csv").read_text(encoding="utf-8-sig")
    lines = text.split("\n")
    first, rest = "\n".join(lines[:51]) + "\n", "\n".join(lines[51:])
    path = tmp_path / "orders.csv"
    path.write_bytes(first.encode("gbk") + rest.encode("utf-8"))
    (p,) = [p for p in open_table(path).problems if p.severity == "error"]
    assert p.code == "table_encoding" and p.row == 51, p  # data rows 1–50 are the GBK part
    assert "第 51 行" in p.zh and "in row 51" in p.en


def test_a_wrongly_pinned_profile_names_the_one_the_header_matches(tmp_path):
    """A JD export under profile: tmall-orders got status errors for every row, a mapping block to
    paste and a mismatch warning — nothing said the header is JD's. The warning now names it."""
    folder = _campaign(tmp_path, "wrong-pin", "jd-orders.utf8bom.csv", "tmall-orders")
    with pytest.raises(ValidationError) as err:
        fupan.open_campaign(folder)
    (w,) = [p for p in err.value.warnings if p.code == "profile_mismatch"]
    assert "请把 profile 改为 jd-orders" in w.zh and "set profile to jd-orders" in w.en


def test_an_order_total_repeated_on_each_line_is_warned(tmp_path, clean_numbers):
    """A JD-style export whose 应付金额 is the order's total, repeated on every SKU line: summed by
    line, GMV came out ×1.9 with no word. When most orders with lines of different products carry
    one amount on every line, a warning says so; the clean export draws none."""
    e = pd.read_csv(
        SAMPLES / "jd-orders.utf8bom.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig"
    )
    multi = e.groupby("订单号")["商品ID"].transform("nunique") > 1
    assert multi.groupby(e["订单号"]).any().sum() >= 20  # the sample has enough such orders
    amount = pd.to_numeric(e["应付金额"].str.replace(r"[^\d.]", "", regex=True))
    total = amount.groupby(e["订单号"]).transform("sum")
    repeated = e.assign(应付金额=total.map(lambda x: f"{x:.2f}"))
    got = _numbers(_folder(tmp_path, repeated, "repeated"))
    (w,) = [p for p in got["warnings"] if p.code == "order_total_on_each_line"]
    n = int(multi.groupby(e["订单号"]).any().sum())
    assert f"{n} 个含不同商品的订单中，{n} 个（100%）" in w.zh and w.column == "paid_amount"
    clean = _numbers(_folder(tmp_path, e, "clean"))
    assert "order_total_on_each_line" not in {p.code for p in clean["warnings"]}


@pytest.mark.parametrize("kind", ["csv", "html-table", "login-page"])
def test_an_xls_that_is_not_a_workbook_is_said_for_what_it_is(tmp_path, kind):
    """Back offices and hand saves give '.xls' files that are no workbook: a CSV given the name
    (called 'a legacy Excel workbook'), and an HTML table (called 'a login page, export again' —
    exporting again gives the same file). Each is named for what it is, with the fix that works;
    a real login page is still one."""
    text = (SAMPLES / "tmall-orders.utf8bom.csv").read_text(encoding="utf-8-sig")
    if kind == "csv":
        data = text.encode("utf-8")
    elif kind == "html-table":
        rows = [line.split(",")[:4] for line in text.splitlines()[:5]]
        cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
        data = f"<html><body><table>{cells}</table></body></html>".encode()
    else:
        data = b"<html><body>Login required</body></html>"
    path = tmp_path / "orders.xls"
    path.write_bytes(data)
    (p,) = open_table(path).problems
    if kind == "csv":
        assert "改为 .csv" in p.zh and "rename it to .csv" in p.en and "旧版" not in p.zh
    elif kind == "html-table":
        assert "网页表格" in p.zh and "save it as .xlsx" in p.en and "登录页" not in p.zh
    else:
        assert "登录页" in p.zh and "login or error page" in p.en


def test_a_problem_in_an_exports_column_names_the_exports_header(tmp_path):
    """A refund written negative in a Tmall export is refused at its row, in the column the
    operator knows — 退款金额 — with the contract's name beside it; a Parquet file whose column
    the card maps is named the same way, and a column the file already calls by its contract
    name is named once."""
    header = "主订单编号,买家会员名,订单创建时间,买家实付金额,订单状态,退款金额\n"
    body = "".join(
        f"10{i},buyer{i},2025-11-11 00:0{i}:00,99.00,交易成功,{refund}\n"
        for i, refund in enumerate(["0", "-14.96", "0"])
    )
    folder = tmp_path / "campaign"
    folder.mkdir()
    (folder / "export.csv").write_bytes((header + body).encode("gb18030"))
    problems = _refused(folder, _card("tmall-negative", "export.csv", "tmall-orders"))
    (p,) = [p for p in problems if p.severity == "error"]
    assert (p.column, p.header, p.row) == ("refund_amount", "退款金额", 2)
    assert "column 退款金额 (refund_amount)" in p.format()

    parquet = tmp_path / "mapped"
    parquet.mkdir()
    pd.DataFrame(
        {
            "order_id": ["a1", "a2"],
            "user_id": ["u1", "u2"],
            "order_time": pd.to_datetime(["2025-11-11 10:00", "2025-11-11 11:00"]),
            "实付": [99.0, -5.0],
        }
    ).to_parquet(parquet / "orders.parquet")
    card = {
        **_card("mapped", "orders.parquet", None),
        "mapping": {"orders": {"实付": "paid_amount"}},
    }
    problems = _refused(parquet, card)
    (p,) = [p for p in problems if p.severity == "error" and p.column == "paid_amount"]
    assert p.header == "实付" and "column 实付 (paid_amount)" in p.format()
    unmapped = [p for p in problems if p.column in ("order_time", "user_id", "order_id")]
    assert all(p.header is None for p in unmapped)

"""``fupan init``: a first card for a folder of exports, recognised from the files' headers.

Expected values come from the files themselves (the demo generator's own card states the phases it
planted; the export samples' profiles are named in tests/samples), and the windows' rule by hand
on a small series.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli, write_campaign
from fupan.ingest.scaffold import suggest_windows

D = dt.date


def test_suggested_windows_by_hand():
    """30 days at 100 a day, then 250, 400, 300 (each ≥ 2 × the median day, 100), 7 days at 100
    and 10 at 50: burst = 01-31 … 02-02 around the best day; baseline = the 30 days ending 15 days
    before the burst (12-18 … 01-16), clipped to the data (from 01-01); dip = the 14 days after
    the burst (the data go on to 02-19)."""
    first = D(2025, 1, 1)
    gmv = [100.0] * 30 + [250.0, 400.0, 300.0] + [100.0] * 7 + [50.0] * 10
    days = [(first + dt.timedelta(days=i), g) for i, g in enumerate(gmv)]
    w = suggest_windows(days)
    assert w is not None
    assert w.burst == (D(2025, 1, 31), D(2025, 2, 2)) and w.best_day == D(2025, 2, 1)
    assert w.median_gmv == 100.0 and w.best_gmv == 400.0
    assert w.baseline == (D(2025, 1, 1), D(2025, 1, 16))  # ends 14 days before the burst's eve
    assert w.dip == (D(2025, 2, 3), D(2025, 2, 16))  # 14 days, as far as the data go (02-19)
    # the same series with its best day on 11-11: the burst ends there, the 300 after it is 返场
    first = D(2025, 10, 11)
    days = [(first + dt.timedelta(days=i), g) for i, g in enumerate(gmv)]
    w = suggest_windows(days)
    assert w is not None and w.best_day == D(2025, 11, 11)
    assert w.burst == (D(2025, 11, 10), D(2025, 11, 11)) and w.dip == (
        D(2025, 11, 12),
        D(2025, 11, 25),
    )
    # a day with no sales counts as 0, and nothing sold at all suggests nothing
    assert suggest_windows([(first, 0.0)]) is None
    assert suggest_windows([]) is None


def _demo_folder(tmp_path: Path) -> tuple[Path, dict]:
    from fupan.demo import generate_demo

    folder = tmp_path / "shop"
    generate_demo(folder, seed=7, scale=0.3)
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    (folder / "campaign.yaml").unlink()
    return folder, card


def test_a_demo_folder_gets_every_table_and_the_planted_burst(tmp_path):
    folder, planted = _demo_folder(tmp_path)
    result = run_cli("init", str(folder))
    assert result.returncode == 0, result.stderr
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert card["tables"] == planted["tables"]
    assert card["windows"]["burst"] == planted["windows"]["burst"]  # 11-01 … 11-11
    text = (folder / "campaign.yaml").read_text(encoding="utf-8")
    assert "止于大促当天" in text and "ending on the festival's day" in text  # best day 11-11
    start, end = planted["windows"]["burst"]
    assert f"burst {start} … {end}" in result.stdout  # said on the terminal too
    assert "✔ 校验通过 valid" in result.stdout
    assert "check the windows" in result.stdout
    # the 复盘 block to fill in after the meeting: commented out, and valid once uncommented
    block = text[text.index("# retrospective:") :].splitlines()
    block = [ln[2:] for ln in block if ln.startswith("# ") and not ln.startswith("# 未识别")]
    from fupan.ingest.card.blocks import Lessons

    lessons = Lessons.model_validate(yaml.safe_load("\n".join(block))["retrospective"])
    assert lessons.actions[0].finding == "stockouts" and set(lessons.by_role) == {"live"}
    assert "retrospective" not in card  # a comment until the team fills it in


def test_a_platform_export_is_read_through_its_profile(tmp_path):
    folder = tmp_path / "tmall"
    folder.mkdir()
    shutil.copy(ROOT / "tests" / "samples" / "tmall-orders.gbk.csv", folder / "订单导出.csv")
    result = run_cli("init", str(folder))
    assert result.returncode == 0, result.stderr
    text = (folder / "campaign.yaml").read_text(encoding="utf-8")
    card = yaml.safe_load(text)
    assert card["profile"] == "tmall-orders" and card["platform"] == "tmall"
    assert card["tables"] == {"orders": "订单导出.csv"}
    assert "✔ 校验通过 valid" in result.stdout
    # the export's buyers never reach the card or the output
    assert "buyer92391" not in text and "buyer92391" not in result.stdout + result.stderr


def _tmall_export():
    """The Tmall sample export as text, to alter before writing it into a campaign folder."""
    import pandas as pd

    return pd.read_csv(
        ROOT / "tests" / "samples" / "tmall-orders.utf8bom.csv",
        dtype=str,
        keep_default_na=False,
        encoding="utf-8-sig",
    )


def test_an_export_with_a_fault_of_its_own_is_named_by_init(tmp_path):
    """An export with one unknown status word (5 of its lines) got a card with placeholder windows,
    a comment saying 'no orders table or no sales' and only the four placeholder errors printed,
    exit 0: the export's own fault surfaced only after the user filled the windows in. init now
    prints the file's problem with its row and column, and exits 2."""

    folder = tmp_path / "faulty"
    folder.mkdir()
    e = _tmall_export()
    e.loc[10:14, "订单状态"] = "风控审核中"  # data rows 11–15
    e.to_csv(folder / "订单导出.csv", index=False, encoding="utf-8-sig")
    result = run_cli("init", str(folder))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "无法从 订单导出.csv 推断窗口" in result.stderr and "the file itself" in result.stderr
    assert (
        "风控审核中" in result.stderr and "row 11" in result.stderr and "订单状态" in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert (folder / "campaign.yaml").is_file()  # the draft is still written, to complete


def test_chinese_headers_get_their_mapping_and_an_unknown_file_is_listed(tmp_path):
    src = write_campaign(tmp_path / "src")
    folder = tmp_path / "exports"
    folder.mkdir()
    renames = {
        "orders.csv": (
            "订单.csv",
            "order_id,user_id,order_time,paid_amount,channel,status,refund_amount",
            "订单号,买家ID,下单时间,实付金额,渠道,订单状态,退款金额",
        ),
        "events.csv": ("行为.csv", "user_id,event_time,event,channel", "访客ID,事件时间,行为,来源"),
        "spend.csv": ("花费.csv", "date,channel,spend", "日期,投放渠道,花费"),
    }
    for name, (new, old_header, new_header) in renames.items():
        text = (src / name).read_text(encoding="utf-8")
        assert text.startswith(old_header)
        (folder / new).write_text(new_header + text[len(old_header) :], encoding="gb18030")
    (folder / "备注.txt").write_text("活动备注\n第二行\n", encoding="utf-8")
    result = run_cli("init", str(folder))
    assert result.returncode == 0, result.stderr
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert card["tables"] == {"orders": "订单.csv", "events": "行为.csv", "spend": "花费.csv"}
    assert card["mapping"]["orders"] == {
        "订单号": "order_id",
        "买家ID": "user_id",
        "下单时间": "order_time",
        "实付金额": "paid_amount",
        "渠道": "channel",
        "订单状态": "status",
        "退款金额": "refund_amount",
    }
    assert card["mapping"]["spend"] == {"日期": "date", "投放渠道": "channel", "花费": "spend"}
    # the tiny campaign sells 360 on 01-05, its best day; 4 days of orders before it
    assert card["windows"]["burst"] == [D(2025, 1, 5), D(2025, 1, 5)]
    assert card["windows"]["baseline"] == [D(2025, 1, 1), D(2025, 1, 4)]
    assert "备注.txt 未识别 not recognised" in result.stdout
    assert "✔ 校验通过 valid" in result.stdout


def test_an_existing_card_is_kept_unless_forced_and_then_backed_up(tmp_path):
    folder = write_campaign(tmp_path / "c")
    before = (folder / "campaign.yaml").read_bytes()
    refused = run_cli("init", str(folder))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert "campaign.yaml exists" in refused.stderr and "已存在" in refused.stderr
    assert (folder / "campaign.yaml").read_bytes() == before
    forced = run_cli("init", str(folder), "--force")
    assert forced.returncode == 0, forced.stderr
    assert (folder / "campaign.yaml.bak").read_bytes() == before
    assert (folder / "campaign.yaml").read_bytes() != before


@pytest.mark.parametrize(
    ("args", "words"),
    [(("no-such-folder",), "an existing folder"), ((".", "--platform", "amazon"), "tmall")],
)
def test_bad_arguments_are_named_without_a_traceback(tmp_path, args, words):
    result = run_cli("init", *args, cwd=tmp_path)
    assert result.returncode == 2
    assert words in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "campaign.yaml").exists()


def test_english_headers_of_a_web_shop_export_get_their_mapping(tmp_path):
    src = write_campaign(tmp_path / "src")
    folder = tmp_path / "shop"
    folder.mkdir()
    text = (src / "orders.csv").read_text(encoding="utf-8")
    header = "order_id,user_id,order_time,paid_amount,channel,status,refund_amount"
    (folder / "orders.csv").write_text(
        "Order ID,Customer ID,Order Date,Total,channel,Status,Refund Amount" + text[len(header) :],
        encoding="utf-8",
    )
    result = run_cli("init", str(folder))
    assert result.returncode == 0, result.stderr
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert card["mapping"]["orders"] == {
        "Order ID": "order_id",
        "Customer ID": "user_id",
        "Order Date": "order_time",
        "Total": "paid_amount",
        "Status": "status",
        "Refund Amount": "refund_amount",
    }
    assert "✔ 校验通过 valid" in result.stdout


def test_real_exports_without_an_amount_or_an_order_id_are_named_for_what_they_lack(tmp_path):
    """UCI Online Retail (InvoiceNo, CustomerID, InvoiceDate, but Quantity × UnitPrice and no
    amount) and CDNOW (whitespace-aligned text, no order id): neither is taken for the orders;
    the UCI file is said to lack the paid amount, and the card says no orders were found."""
    from conftest import SHARED

    datasets = SHARED / "datasets"
    folder = tmp_path / "real"
    folder.mkdir()
    shutil.copy(datasets / "uci-online-retail" / "online_retail.parquet", folder)
    shutil.copy(datasets / "cdnow" / "CDNOW_master.txt", folder)
    result = run_cli("init", str(folder))
    assert result.returncode == 0, result.stderr
    assert "online_retail.parquet 未识别 not recognised" in result.stdout
    assert "like orders, lacks paid_amount" in result.stdout
    assert "CDNOW_master.txt 未识别 not recognised" in result.stdout
    assert "like orders, lacks order_id" in result.stdout
    text = (folder / "campaign.yaml").read_text(encoding="utf-8")
    assert "no orders table was recognised" in text
    assert "校验失败" in result.stderr  # the draft's windows are to be filled in: said, not crashed


def test_a_second_orders_file_and_a_workbook_under_a_title_row(tmp_path):
    """Two order exports: the first is the orders, the second is said to be another one (fupan
    reads one file per table). A workbook whose header sits under a title row is still read by
    its header (validation then names the title, as for any file)."""
    import openpyxl

    src = write_campaign(tmp_path / "src")
    folder = tmp_path / "two"
    folder.mkdir()
    shutil.copy(src / "orders.csv", folder / "a-orders.csv")
    shutil.copy(src / "orders.csv", folder / "b-orders.csv")
    frame = [line.split(",") for line in (src / "spend.csv").read_text().splitlines()]
    book = openpyxl.Workbook()
    book.active.append(["2025 年 1 月 推广花费"])
    for row in frame:
        book.active.append(row)
    book.save(folder / "spend.xlsx")
    result = run_cli("init", str(folder))
    assert result.returncode == 0, result.stderr
    assert "a-orders.csv → orders" in result.stdout
    assert "b-orders.csv 未识别 not recognised" in result.stdout
    assert "another orders table (one file is read per table: combine them)" in result.stdout
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert card["tables"] == {"orders": "a-orders.csv", "spend": "spend.xlsx"}
    assert "title_above_header" in result.stderr


@pytest.mark.parametrize(
    "name",
    [
        "订单号",
        "Order ID",
        "Buyer's ID",
        "金额:元",
        "a\\b",
        "2025订单.csv",
        "true",
        "null",
        "x ",
        "2025",
        '"q"',
    ],
)
def test_every_header_or_file_name_is_written_so_that_yaml_reads_it_back(name):
    """A card written by init must say what the files say: a header of 'true', '2025' or one with a
    colon or quote was a boolean, a number or broken YAML when written plain."""
    from fupan.ingest.scaffold import _yaml_key

    assert list(yaml.safe_load(f"{_yaml_key(name)}: order_id")) == [name]


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_the_header_of_a_utf8_export_whose_first_64_kb_end_inside_a_character(tmp_path, bom):
    """init reads a file's first 64 KB for its header: when byte 65,536 fell inside a Chinese
    character the UTF-8 reading failed, GB18030 read it as nothing, and a plain Tmall export was
    'not recognised'. Each cut — 1, 2 or 3 bytes into a 3-byte character — reads the header."""
    from fupan.ingest.readers.files import HEAD
    from fupan.ingest.scaffold import header_of

    header = "主订单编号,买家会员名,订单创建时间,买家实付金额\n".encode()
    row = "1,买家,2025-11-11 00:00:00,12.00\n".encode()
    for cut in (1, 2):
        body = bom + header
        while len(body) < HEAD - 40:
            body += row
        pad = HEAD - len(body) - cut  # a 3-byte '买' starts `cut` bytes before the read's end
        body += b"1," + b"x" * (pad - 2) + "买家".encode() + b",2025-11-11 00:00:00,1\n"
        path = tmp_path / f"orders-{cut}.csv"
        path.write_bytes(body)
        assert header_of(path) == ["主订单编号", "买家会员名", "订单创建时间", "买家实付金额"], cut


@pytest.mark.parametrize(
    ("kind", "currency", "zone"),
    [
        ("country", "GBP", "Europe/London"),
        ("pound-sign", "GBP", "Europe/London"),
        ("plain", "CNY", "Asia/Shanghai"),
    ],
)
def test_init_takes_the_currency_and_time_zone_from_the_orders(tmp_path, kind, currency, zone):
    """A UK retailer's export (UCI's columns: Country 'United Kingdom' on most rows) got a card in
    CNY and Asia/Shanghai. The orders' amounts' sign, else the country most rows name, sets both,
    with a comment saying why; plain numbers without a country keep the CNY default."""
    folder = tmp_path / kind
    folder.mkdir()
    rows = ["InvoiceNo,CustomerID,InvoiceDate,Amount,Country"]
    for i in range(40):
        country = "EIRE" if i % 10 == 0 else "United Kingdom"
        amount = f"£{10 + i}.50" if kind == "pound-sign" else f"{10 + i}.50"
        rows.append(
            f"5{i:05d},1{i % 7:04d},2011-11-{1 + i % 28:02d} 10:00,{amount},"
            + (country if kind == "country" else "")
        )
    if kind != "country":
        rows = [r.rsplit(",", 1)[0] for r in rows]
    (folder / "orders.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run_cli("init", str(folder))
    assert "Traceback" not in result.stderr
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert (card["currency"], card["timezone"]) == (currency, zone)
    text = (folder / "campaign.yaml").read_text(encoding="utf-8")
    if kind == "country":
        assert "most rows' Country is United Kingdom" in text


def test_an_exports_bad_time_is_named_by_its_own_header_in_init(tmp_path):
    """A Tmall export whose order times mix day-first and month-first dates: init names the
    column as the export does, 订单创建时间, with the contract's order_time beside it."""

    folder = tmp_path / "times"
    folder.mkdir()
    e = _tmall_export()
    e.loc[: len(e) // 2, "订单创建时间"] = "13/11/2025 10:00:00"  # day first
    e.loc[len(e) // 2 + 1 :, "订单创建时间"] = "11/13/2025 10:00:00"  # month first
    e.to_csv(folder / "订单导出.csv", index=False, encoding="utf-8-sig")
    result = run_cli("init", str(folder))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "column 订单创建时间 (order_time)" in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stderr


def test_an_export_whose_every_time_is_unreadable_is_named_by_init(tmp_path):
    """Every order time written as 11月11日 10点 (no year, an hour word): init wrote placeholder
    windows and exited 0, and the unreadable column surfaced only once the user had filled the
    windows in by hand. init now names the column with its rows, and exits 2."""

    folder = tmp_path / "no-times"
    folder.mkdir()
    e = _tmall_export()
    e["订单创建时间"] = "11月11日 10点"
    e.to_csv(folder / "订单导出.csv", index=False, encoding="utf-8-sig")
    result = run_cli("init", str(folder))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "无法从 订单导出.csv 推断窗口" in result.stderr
    said = result.stderr.split("the file itself has these problems", 1)[1]
    assert "column 订单创建时间 (order_time)" in said and "(bad_type)" in said, said[:2000]
    assert f"{len(e)} row(s) of column order_time" in said and "'11月11日 10点'" in said
    assert "Traceback" not in result.stderr
    assert (folder / "campaign.yaml").is_file()

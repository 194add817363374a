"""Invalid campaign folders: each gives its own specific error (file, row, column, zh + en),
exit code 2 from the CLI, and nothing written anywhere."""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import TINY_CARD, TINY_ORDERS, tiny_events, write_campaign
from fupan.errors import ValidationError
from fupan.ingest.validate import open_campaign


@pytest.fixture(autouse=True)
def _salt(tmp_path_factory, monkeypatch):
    """The pseudonymisation salt (fupan.ingest.privacy) in a file outside every folder a test snapshots."""
    path = tmp_path_factory.getbasetemp() / "validate-salt"
    if not path.exists():
        path.write_text("ef" * 32 + "\n", encoding="ascii")
    monkeypatch.setenv("FUPAN_SALT_FILE", str(path))


def _card(**changes):
    card = copy.deepcopy(TINY_CARD)
    for path, value in changes.items():
        node = card
        keys = path.split("__")
        for k in keys[:-1]:
            node = node[k]
        if value is ...:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return card


def _orders_with(index: int, **fields):
    cols = [
        "order_id",
        "user_id",
        "order_time",
        "paid_amount",
        "channel",
        "status",
        "refund_amount",
    ]
    rows = [list(r) for r in TINY_ORDERS]
    for k, v in fields.items():
        rows[index][cols.index(k)] = v
    return [tuple(r) for r in rows]


def no_card(folder: Path) -> None:
    (folder / "campaign.yaml").unlink()


def bad_yaml(folder: Path) -> None:
    (folder / "campaign.yaml").write_text(
        "id: x\nname: [unclosed\nplatform: tmall\n", encoding="utf-8"
    )


def html_orders(folder: Path) -> None:
    card = _card(tables__orders="orders.parquet")
    write_campaign(folder, card=card)
    (folder / "orders.parquet").write_text(
        "<html><body>Login required</body></html>", encoding="utf-8"
    )


def empty_orders(folder: Path) -> None:
    (folder / "orders.csv").write_bytes(b"")


def renamed_column(folder: Path) -> None:
    text = (folder / "orders.csv").read_text().replace("paid_amount", "paid_amt", 1)
    (folder / "orders.csv").write_text(text)


# (id, how to break the folder, expected code, file, row, column)
CASES = [
    ("no-card", no_card, "card_missing", "campaign.yaml", None, None),
    ("yaml-syntax", bad_yaml, "card_yaml", "campaign.yaml", 3, None),
    (
        "missing-windows",
        lambda f: write_campaign(f, card=_card(windows=...)),
        "card_missing_key",
        "campaign.yaml",
        1,
        "windows",
    ),
    (
        "unknown-key",
        lambda f: write_campaign(f, card={**TINY_CARD, "budgte": 1}),
        "card_unknown_key",
        "campaign.yaml",
        31,
        "budgte",
    ),
    (
        "window-reversed",
        lambda f: write_campaign(f, card=_card(windows__burst=["2025-01-06", "2025-01-05"])),
        "card_invalid",
        "campaign.yaml",
        12,
        "windows.burst",
    ),
    (
        "window-overlap",
        lambda f: write_campaign(f, card=_card(windows__burst=["2025-01-04", "2025-01-06"])),
        "card_invalid",
        "campaign.yaml",
        8,
        "windows",
    ),
    (
        "bad-id",
        lambda f: write_campaign(f, card=_card(id="Tiny Test")),
        "card_invalid",
        "campaign.yaml",
        1,
        "id",
    ),
    (
        "bad-timezone",
        lambda f: write_campaign(f, card=_card(timezone="Asia/Beijing")),
        "card_invalid",
        "campaign.yaml",
        6,
        "timezone",
    ),
    (
        "unknown-kpi",
        lambda f: write_campaign(
            f,
            card=_card(
                strategy__hypotheses=[
                    {"id": "H1", "text": "x", "kpi": "gmv_growth", "op": ">=", "value": 1}
                ]
            ),
        ),
        "card_invalid",
        "campaign.yaml",
        23,
        "strategy.hypotheses.0.kpi",
    ),
    (
        "orders-file-missing",
        lambda f: (f / "orders.csv").unlink(),
        "table_missing",
        "orders.csv",
        None,
        "tables.orders",
    ),
    ("orders-empty", empty_orders, "table_empty", "orders.csv", None, None),
    ("orders-really-html", html_orders, "table_unreadable", "orders.parquet", None, None),
    (
        "required-column-renamed",
        renamed_column,
        "missing_column",
        "orders.csv",
        None,
        "paid_amount",
    ),
    (
        "mapping-to-nothing",
        lambda f: write_campaign(
            f, card={**TINY_CARD, "mapping": {"orders": {"实付金额": "paid_amount"}}}
        ),
        "mapping_missing_column",
        "orders.csv",
        None,
        "实付金额",
    ),
    (
        "unparseable-time",
        lambda f: write_campaign(f, orders=_orders_with(2, order_time="yesterday")),
        "bad_type",
        "orders.csv",
        3,
        "order_time",
    ),
    (
        "negative-amount",
        lambda f: write_campaign(f, orders=_orders_with(1, paid_amount=-50.0)),
        "below_minimum",
        "orders.csv",
        2,
        "paid_amount",
    ),
    (
        "nan-amount",
        lambda f: write_campaign(
            f, orders=_orders_with(3, paid_amount=float("nan"), refund_amount=0.0)
        ),
        "null_value",
        "orders.csv",
        4,
        "paid_amount",
    ),
    (
        "text-amount",
        lambda f: write_campaign(f, orders=_orders_with(0, paid_amount="一百")),
        "bad_type",
        "orders.csv",
        1,
        "paid_amount",
    ),
    (
        "unknown-status",
        lambda f: write_campaign(f, orders=_orders_with(6, status="shipped")),
        "value_not_allowed",
        "orders.csv",
        7,
        "status",
    ),
    (
        "empty-user",
        lambda f: write_campaign(f, orders=_orders_with(4, user_id="")),
        "null_value",
        "orders.csv",
        5,
        "user_id",
    ),
    (
        "order-two-users",
        lambda f: write_campaign(f, orders=_orders_with(5, user_id="zz")),
        "order_multiple_users",
        "orders.csv",
        5,
        "order_id",
    ),
    (
        "refund-over-paid",
        lambda f: write_campaign(f, orders=_orders_with(7, refund_amount=999.0)),
        "refund_exceeds_paid",
        "orders.csv",
        8,
        "refund_amount",
    ),
    (
        "orders-short-of-dip",
        lambda f: write_campaign(f, orders=TINY_ORDERS[:-2]),
        "coverage",
        "orders.csv",
        None,
        "order_time",
    ),
]


@pytest.mark.parametrize(
    ("name", "breaker", "code", "file", "row", "column"), CASES, ids=[c[0] for c in CASES]
)
def test_invalid_folder_names_its_problem(tiny, name, breaker, code, file, row, column):
    breaker(tiny)
    with pytest.raises(ValidationError) as info:
        open_campaign(tiny)
    problems = info.value.problems
    match = [p for p in problems if p.code == code]
    assert match, f"expected {code}, got {[(p.code, p.column) for p in problems]}"
    p = match[0]
    assert p.file == file
    assert p.row == row
    if column is not None:
        assert p.column == column
    assert any("\u4e00" <= ch <= "\u9fff" for ch in p.zh), "the Chinese message has no Chinese"
    assert p.en and p.zh != p.en
    assert not any(
        "\u4e00" <= ch <= "\u9fff"
        for ch in p.en.split("got")[0].split("Examples")[0].replace(column or "", "")
    )


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.parametrize("command", ["validate", "run"])
@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
def test_cli_exits_2_and_writes_nothing(tiny, tmp_path, monkeypatch, capsys, case, command):
    from fupan.cli import main

    case[1](tiny)
    before = _snapshot(tmp_path)
    out = tmp_path / "reports"
    argv = ["fupan", command, str(tiny)] + (["--out", str(out)] if command == "run" else [])
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_info:
        main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert case[2] in err and "Traceback" not in err
    assert "错误" in err and "ERROR" in err
    assert not out.exists()
    assert _snapshot(tmp_path) == before


def test_valid_tiny_folder_passes(tiny):
    campaign = open_campaign(tiny)
    assert sorted(campaign.tables) == ["events", "orders", "spend"]
    # 11 order lines were written, every one survives typing
    assert campaign.con.execute("SELECT count(*) FROM orders").fetchall()[0][0] == len(TINY_ORDERS)
    assert campaign.flags["new_customer_approximate"] is True  # 4 days of history, not a year


def test_duplicate_lines_are_counted_and_kept_with_a_warning(tmp_path):
    rows = TINY_ORDERS + [TINY_ORDERS[1], TINY_ORDERS[1], TINY_ORDERS[7]]
    folder = write_campaign(tmp_path / "dups", orders=rows)
    campaign = open_campaign(folder)
    (w,) = [p for p in campaign.warnings if p.code == "duplicate_lines"]
    assert w.severity == "warning" and "3" in w.en and w.row == 2
    assert campaign.con.execute("SELECT count(*) FROM orders").fetchall()[0][0] == len(rows)
    # the card does not say keep: the warning says they were kept by default, not 'as the card says'
    assert "duplicate_lines" not in TINY_CARD
    assert "kept by default" in w.en and "默认保留" in w.zh and "as the card says" not in w.en
    campaign.con.close()
    stated = write_campaign(
        tmp_path / "stated", card={**TINY_CARD, "duplicate_lines": "keep"}, orders=rows
    )
    campaign = open_campaign(stated)
    (w,) = [p for p in campaign.warnings if p.code == "duplicate_lines"]
    assert "as the card says" in w.en and "按卡片设置保留" in w.zh


def test_duplicate_lines_dropped_when_the_card_says_so(tmp_path):
    rows = TINY_ORDERS + [TINY_ORDERS[1], TINY_ORDERS[7]]
    folder = write_campaign(
        tmp_path / "dups", card={**TINY_CARD, "duplicate_lines": "drop"}, orders=rows
    )
    campaign = open_campaign(folder)
    assert any(p.code == "duplicate_lines" and "dropped" in p.en for p in campaign.warnings)
    assert campaign.con.execute("SELECT count(*) FROM orders").fetchall()[0][0] == len(TINY_ORDERS)


def test_duplicate_event_lines_are_not_searched_and_change_no_figure(tmp_path):
    """The behaviour log's figures are distinct-user counts: a tracker that fired every event
    twice gives the same UV and funnel, with no duplicate warning, whatever the card says."""
    from fupan.extract.aggregates import extract

    figures = []
    for policy in ("keep", "drop"):
        for events in (tiny_events(), tiny_events() * 2):
            folder = write_campaign(
                tmp_path / f"{policy}-{len(events)}",
                card={**TINY_CARD, "duplicate_lines": policy},
                events=events,
            )
            campaign = open_campaign(folder)
            assert not [p for p in campaign.warnings if p.code == "duplicate_lines"]
            agg = extract(campaign)
            campaign.con.close()
            figures.append((agg.uv.uv.tolist(), agg.funnel.users.tolist()))
    # two visitors a day on 01-01..04 (tests/conftest.py), in every variant
    assert figures[0][0][:2] == [2, 2] and all(f == figures[0] for f in figures)


def test_every_problem_is_reported_not_just_the_first(tiny):
    write_campaign(tiny, orders=_orders_with(1, paid_amount=-1.0))
    text = (tiny / "orders.csv").read_text().replace("o9,f,2025-01-08 10:00:00", "o9,f,soon")
    (tiny / "orders.csv").write_text(text)
    with pytest.raises(ValidationError) as info:
        open_campaign(tiny)
    assert {"below_minimum", "bad_type"} <= {p.code for p in info.value.problems}


def test_gb18030_csv_is_read(tmp_path):
    folder = write_campaign(tmp_path / "gbk", orders=_orders_with(0, channel="直播间"))
    text = (folder / "orders.csv").read_text(encoding="utf-8")
    (folder / "orders.csv").write_bytes(text.encode("gb18030"))
    campaign = open_campaign(folder)
    channels = {
        r[0] for r in campaign.con.execute("SELECT DISTINCT channel FROM orders").fetchall()
    }
    assert "直播间" in channels


def test_card_problems_do_not_hide_table_problems(tiny):
    """A card whose invalid parts leave the tables checkable: both are reported in one go."""
    card = _card(
        strategy__hypotheses=[
            {"id": "H1", "text": "x", "kpi": "gmv_growth", "op": ">=", "value": 1}
        ]
    )
    write_campaign(tiny, card={**card, "platfrom": "jd"}, orders=_orders_with(1, paid_amount=-1.0))
    with pytest.raises(ValidationError) as info:
        open_campaign(tiny)
    got = {(p.code, p.column) for p in info.value.problems}
    assert {
        ("card_invalid", "strategy.hypotheses.0.kpi"),
        ("card_unknown_key", "platfrom"),
        ("below_minimum", "paid_amount"),
    } <= got


def test_a_broken_table_does_not_hide_problems_in_another(tiny):
    events = [list(e) for e in tiny_events()]
    events[2][2] = "click"
    write_campaign(tiny, events=[tuple(e) for e in events])
    (tiny / "orders.csv").write_text("order_id,user_id\no1,a\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        open_campaign(tiny)
    got = {(p.code, p.file, p.column) for p in info.value.problems}
    assert {
        ("missing_column", "orders.csv", "order_time"),
        ("value_not_allowed", "events.csv", "event"),
    } <= got


def test_text_timestamps_with_a_zone_are_converted_to_the_campaign_zone(tmp_path):
    orders = [(*o[:2], o[2].replace(" ", "T") + "+08:00", *o[3:]) for o in TINY_ORDERS]
    orders[0] = (*orders[0][:2], "2025-01-01T02:00:00Z", *orders[0][3:])  # 10:00 in Shanghai
    orders[1] = (
        *orders[1][:2],
        "2025-01-01 22:00:00-05:00",
        *orders[1][3:],
    )  # 11:00 next day in Shanghai
    campaign = open_campaign(write_campaign(tmp_path / "z", orders=orders))
    times = [
        str(r[0])
        for r in campaign.con.execute(
            "SELECT order_time FROM orders ORDER BY _row LIMIT 3"
        ).fetchall()
    ]
    assert times == ["2025-01-01 10:00:00", "2025-01-02 11:00:00", "2025-01-03 12:00:00"]
    campaign.con.close()


def test_zoned_nanosecond_parquet_timestamps_are_read(tmp_path):
    """pyarrow writes pandas' tz-aware datetime64[ns] as TIMESTAMPTZ_NS, which used to crash."""
    import pandas as pd
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = write_campaign(
        tmp_path / "p", card={**TINY_CARD, "tables": {"orders": "orders.parquet"}}
    )
    frame = pd.read_csv(folder / "orders.csv")
    frame["order_time"] = (
        pd.to_datetime(frame["order_time"]).dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC")
    )
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), folder / "orders.parquet")
    campaign = open_campaign(folder)
    first = campaign.con.execute(
        "SELECT CAST(order_time AS VARCHAR) FROM orders WHERE _row = 1"
    ).fetchall()[0][0]
    assert first == "2025-01-01 10:00:00"
    campaign.con.close()


def test_only_typed_tables_remain_after_validation(tiny):
    campaign = open_campaign(tiny)
    names = {
        r[0] for r in campaign.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
    }
    assert names == {"orders", "events", "spend"}
    campaign.con.close()


def test_spend_channel_rules_do_not_fire_on_the_demo(demo_dir):
    campaign = open_campaign(demo_dir)
    codes = {w.code for w in campaign.warnings}
    campaign.con.close()
    assert not codes & {
        "unknown_channel",
        "budget_without_spend",
        "rows_summed",
        "pii_columns_dropped",
        "pii_pseudonymised",
    }


def test_typed_tables_have_the_contract_types_whatever_is_absent_or_blank(tmp_path):
    """Absent optional columns used to keep the raw type (list_amount as text copied from
    paid_amount) and a blank list_amount crashed the typed build (DOUBLE vs VARCHAR)."""
    import pandas as pd

    from fupan.ingest.card import CONTRACTS

    folder = write_campaign(tmp_path / "c")
    frame = pd.read_csv(folder / "orders.csv", dtype=str)
    frame["list_amount"] = ["120.0", None, *[None] * (len(frame) - 2)]
    frame.to_csv(folder / "orders.csv", index=False)
    campaign = open_campaign(folder)
    sql_type = {
        "timestamp": "TIMESTAMP",
        "date": "DATE",
        "number": "DOUBLE",
        "integer": "BIGINT",
        "string": "VARCHAR",
    }
    for name in campaign.tables:
        types = dict(r[:2] for r in campaign.con.execute(f"DESCRIBE {name}").fetchall())
        assert {c.name: types[c.name] for c in CONTRACTS[name]} == {
            c.name: sql_type[c.kind] for c in CONTRACTS[name]
        }
    rows = campaign.con.execute(
        "SELECT list_amount, paid_amount FROM orders ORDER BY _row LIMIT 2"
    ).fetchall()
    assert rows == [(120.0, 100.0), (50.0, 50.0)]
    campaign.con.close()


def test_coverage_error_names_each_window_it_misses(tmp_path):
    """Orders 2019-11-01..11-19 against a burst from 11-17, post and dip after it: the burst is
    covered in part (11-17..11-19), post and dip not at all — each named with its dates, zh and en."""
    card = {
        **copy.deepcopy(TINY_CARD),
        "windows": {
            "baseline": ["2019-11-01", "2019-11-10"],
            "preheat": ["2019-11-11", "2019-11-16"],
            "burst": ["2019-11-17", "2019-11-29"],
            "post": ["2019-11-30", "2019-12-01"],
            "dip": ["2019-12-02", "2019-12-15"],
        },
    }
    card["strategy"] = {"targets": {"gmv": 500.0}}
    card["tables"] = {"orders": "orders.csv"}
    orders = [
        (f"o{i}", f"u{i % 7}", f"2019-11-{d:02d} 10:00:00", 10.0, "live", "paid", 0.0)
        for i, d in enumerate(range(1, 20))
    ]
    folder = write_campaign(tmp_path / "c", card=card, orders=orders)
    with pytest.raises(ValidationError) as info:
        open_campaign(folder)
    (p,) = [p for p in info.value.problems if p.code == "coverage"]
    assert "爆发期（2019-11-17 ~ 2019-11-29）只有 2019-11-17 ~ 2019-11-19 的数据" in p.zh
    assert (
        "返场期（2019-11-30 ~ 2019-12-01）无数据" in p.zh
        and "回落期（2019-12-02 ~ 2019-12-15）无数据" in p.zh
    )
    assert "burst (2019-11-17 .. 2019-11-29) has data for 2019-11-17 .. 2019-11-19 only" in p.en
    assert (
        "post (2019-11-30 .. 2019-12-01) has no data" in p.en
        and "dip (2019-12-02 .. 2019-12-15) has no data" in p.en
    )
    assert (
        "baseline" not in p.en.split(":", 1)[1] and "preheat" not in p.en
    )  # covered windows are not named


def test_a_shop_closed_on_the_weekday_the_dip_ends_is_covered(tmp_path):
    """Orders every day but Sundays for five weeks; the dip ends on Sunday 2025-02-09 — a closed day,
    not missing data. Orders that stop on the Friday before still miss an open Saturday: refused."""
    days = [d for d in pd.date_range("2025-01-06", "2025-02-08") if d.day_of_week != 6]
    orders = [
        (f"o{i}", f"u{i % 9}", f"{d:%Y-%m-%d} 10:00:00", 10.0, "live", "paid", 0.0)
        for i, d in enumerate(days)
    ]
    card = {
        **copy.deepcopy(TINY_CARD),
        "windows": {
            "baseline": ["2025-01-06", "2025-01-26"],
            "burst": ["2025-01-27", "2025-02-02"],
            "dip": ["2025-02-03", "2025-02-09"],
        },
    }
    card["tables"] = {"orders": "orders.csv"}
    open_campaign(write_campaign(tmp_path / "closed", card=card, orders=orders))
    short = [
        o for o in orders if o[2] < "2025-02-08"
    ]  # now Saturday 02-08 is missing too, and it is an open day
    with pytest.raises(ValidationError) as info:
        open_campaign(write_campaign(tmp_path / "short", card=card, orders=short))
    assert [p.code for p in info.value.problems] == ["coverage"]
    assert "2025-02-07" in info.value.problems[0].en


@pytest.mark.parametrize(
    "table,blank",
    [
        ("orders", None),
        ("orders", ""),
        ("events", "   "),
        ("events", "\u3000"),
    ],
)
def test_an_empty_id_in_a_parquet_file_read_in_place_is_reported_at_its_row(tmp_path, table, blank):
    """A Parquet table read in place has its empty-id check answered by the distinct ids when
    none is empty; one NULL or blank id (spaces, an ideographic space) must still be found, at
    its row, as when every row was trimmed — an error in the orders, an anonymous event (left
    out, with a warning) in the events."""
    card = _card(tables__orders="orders.parquet", tables__events="events.parquet")
    folder = write_campaign(tmp_path / "c", card=card)
    for name in ("orders", "events"):
        frame = pd.read_csv(folder / f"{name}.csv", dtype={"user_id": object})
        (folder / f"{name}.csv").unlink()
        if name == table:
            frame.loc[3, "user_id"] = blank
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    if table == "events":
        campaign = open_campaign(folder)
        found = [(p.code, p.file, p.row, p.column) for p in campaign.warnings]
        rows = campaign.con.execute("SELECT list(_row ORDER BY _row) FROM events").fetchall()[0][0]
        campaign.con.close()
        assert ("anonymous_events", "events.parquet", 4, "user_id") in found and 4 not in rows
        return
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    found = [(p.code, p.file, p.row, p.column) for p in err.value.problems]
    assert ("null_value", f"{table}.parquet", 4, "user_id") in found


def test_every_id_given_is_known_from_the_distinct_ids(tmp_path):
    """pseudonym_table says whether every row has an id, from the distinct values alone."""
    import duckdb

    from fupan.ingest import privacy

    con = duckdb.connect()
    salt = b"s" * 32
    cases = {
        ("a", "b", "a"): True,
        ("a", None): False,
        ("a", ""): False,
        ("a", "  "): False,
        ("a", "\u3000"): False,
        (" a", "a"): True,  # padded, but an id: one pseudonym for both
    }
    for values, complete in cases.items():
        con.execute("CREATE OR REPLACE TABLE t (u VARCHAR)")
        con.executemany("INSERT INTO t VALUES (?)", [[v] for v in values])
        assert privacy.pseudonym_table(con, "p", "t", "u", "VARCHAR", salt) is complete, values
    con.execute("CREATE OR REPLACE TABLE t (u DOUBLE)")
    con.executemany("INSERT INTO t VALUES (?)", [[1.0], [None]])
    assert privacy.pseudonym_table(con, "p", "t", "u", "DOUBLE", salt) is False


def test_the_prepared_file_stores_no_constant_column_and_reads_back_the_same_rows(tiny, tmp_path):
    """The columns the orders file lacks are constants (a default such as quantity 1, or NULL):
    the prepared file stores the others only, and the kernel's view gives back every contract
    column, in order, with its type and the command's values row for row."""
    import duckdb

    from fupan.ingest.validate import open_prepared, save_prepared

    campaign = open_campaign(tiny)
    prepared = tmp_path / "prepared.duckdb"
    try:
        save_prepared(campaign, prepared)
        expected_types = campaign.con.execute("DESCRIBE orders").fetchall()
        expected = campaign.con.execute("SELECT * FROM orders ORDER BY _row").fetchall()
    finally:
        campaign.con.close()
    file = duckdb.connect(str(prepared), read_only=True)
    stored = {r[0] for r in file.execute("DESCRIBE _rows_orders").fetchall()}
    file.close()
    assert {"order_type", "balance_time", "quantity", "is_gift"}.isdisjoint(stored)
    assert {"order_id", "user_id", "paid_amount", "list_amount", "_row"} <= stored
    kernel = open_prepared(tiny, prepared)
    try:
        assert kernel.con.execute("DESCRIBE orders").fetchall() == expected_types
        got = kernel.con.execute("SELECT * FROM orders ORDER BY _row").fetchall()
    finally:
        kernel.con.close()
    assert got == expected
    names = [r[0] for r in expected_types]
    assert {row[names.index("quantity")] for row in got} == {1}
    assert {row[names.index("order_type")] for row in got} == {None}


def test_text_is_trimmed_as_duckdb_trims_every_unicode_space(tmp_path):
    """Text columns are trimmed only where trimming can change them (a shortcut for speed); the
    result must be DuckDB's ``trim`` of every value: the ideographic space (U+3000) and the
    no-break space (U+00A0) removed as ' ' is, a tab kept as ``trim`` keeps it. Then a campaign
    whose o5 lines carry their id as 'o5\\u3000' and '\\u00a0o5' and whose channel 'live' is padded
    the same way validates as the plain one: one order o5, channels live and search."""
    import duckdb

    from fupan.extract.duck import trimmed

    values = ["a", " a", "a ", "\u3000a", "a\u00a0", "\u2009a\u202f", "\ta", "a\t", "直播",
              " 直播\u3000", "", " ", "\u3000", None, "a b", "x\u3000y"]  # fmt: skip
    got = duckdb.execute(
        f"SELECT {trimmed('v')} IS NOT DISTINCT FROM trim(v), trim(v) FROM "
        "(SELECT unnest(?::VARCHAR[]) AS v)",
        [values],
    ).fetchall()
    assert all(same for same, _ in got), got
    assert [t for _, t in got][:6] == ["a"] * 6 and got[6][1] == "\ta"

    rows = [list(r) for r in TINY_ORDERS]
    rows[4][0], rows[5][0] = "o5\u3000", "\u00a0o5"
    rows[0][4], rows[2][4] = "\u3000live", "live\u00a0"
    rows[1][3] = "¥\u00a050.00"  # a no-break space after the sign
    folder = write_campaign(tmp_path / "padded", orders=[tuple(r) for r in rows])
    campaign = open_campaign(folder)
    try:
        con = campaign.con
        lines_of_o5 = con.execute("SELECT count(*) FROM orders WHERE order_id = 'o5'").fetchall()
        channels = con.execute("SELECT DISTINCT channel FROM orders ORDER BY 1").fetchall()
        orders = con.execute("SELECT count(DISTINCT order_id) FROM orders").fetchall()[0][0]
        paid = con.execute("SELECT paid_amount FROM orders WHERE order_id = 'o2'").fetchall()
    finally:
        campaign.con.close()
    assert paid == [(50.0,)]
    assert lines_of_o5 == [(2,)]
    assert channels == [("live",), ("search",)]
    assert orders == len({r[0] for r in TINY_ORDERS}) == 9


def test_a_problem_says_where_as_a_spreadsheet_shows_it_and_names_an_empty_value(tmp_path):
    """A last order line with no customer and no time: the problem names its data row and the
    row a spreadsheet shows it on (the header is the spreadsheet's row 1), and shows the missing
    value as empty in each language, not as Python's None."""
    from fupan.errors import Problem

    folder = write_campaign(tmp_path / "totals")
    orders = folder / "orders.csv"
    orders.write_text(orders.read_text(encoding="utf-8") + "o99,,,710.0,,,30.0\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.column == "user_id"]
    assert p.row == len(TINY_ORDERS) + 1 == 11
    assert p.where() == "orders.csv, data row 11 (Excel row 12), column user_id"
    assert p.zh.endswith("示例 row 11: （空）") and p.en.endswith("Examples row 11: (empty)")
    assert "None" not in p.zh + p.en
    card = Problem(code="x", file="campaign.yaml", zh="", en="", row=5, column="windows")
    assert card.where() == "campaign.yaml, line 5, key windows"
    parquet = Problem(code="x", file="events.parquet", zh="", en="", row=3)
    assert parquet.where() == "events.parquet, data row 3"


def test_a_mistyped_card_value_or_key_is_answered_with_what_was_meant():
    """A value outside a closed list names the list in each language and the likeliest meant
    value; an unknown key, at any depth, the key of that block it is closest to; the place is the
    card's line and key."""
    import yaml

    from fupan.ingest.card import parse_card

    card = copy.deepcopy(TINY_CARD)
    card["platform"] = "Taobaoo"
    card["strategy"]["budgte"] = {"live": 1.0}
    card["strategy"]["hypotheses"][0]["opp"] = ">="
    card["windws"] = {}
    text = yaml.safe_dump(card, allow_unicode=True, sort_keys=False)
    _, problems = parse_card(text)
    by_key = {p.column: p for p in problems}
    platform = by_key["platform"]
    assert (
        "应为 tmall / taobao / jd / douyin / pdd / xiaohongshu / own-site / other 之一"
        in platform.zh
    )
    assert "是否是 taobao？" in platform.zh and "did you mean taobao?" in platform.en
    line = 1 + text.splitlines().index("platform: Taobaoo")
    assert platform.where() == f"campaign.yaml, line {line}, key platform"
    for key, meant in (
        ("strategy.budgte", "budget"),
        ("strategy.hypotheses.0.opp", "op"),
        ("windws", "windows"),
    ):
        assert f"是否是 {meant}" in by_key[key].zh and f"a typo of {meant}?" in by_key[key].en
    mapped = copy.deepcopy(TINY_CARD)
    mapped["mapping"] = {"orders": {"实付": "PAID_AMT"}}  # a target in capitals, misspelt
    (target,) = [  # the tiny card's two-day dip is a warning (dip_short) besides
        p
        for p in parse_card(yaml.safe_dump(mapped, allow_unicode=True))[1]
        if p.severity == "error"
    ]
    assert target.code == "mapping_unknown_target"
    assert "是否是 paid_amount？" in target.zh and "Did you mean paid_amount?" in target.en
    far = copy.deepcopy(TINY_CARD)
    far["zzz"] = 1  # nothing close: no guess
    (unknown,) = [
        p for p in parse_card(yaml.safe_dump(far, allow_unicode=True))[1] if p.code != "dip_short"
    ]
    assert "是否是" not in unknown.zh and "typo?" in unknown.en


def test_the_cards_value_errors_are_said_in_chinese_too():
    """pydantic's own messages (a number that is not one, a date that is not one, a currency code
    that does not match its pattern) are written for a card writer in each language: no English
    inside the Chinese line, and a pattern said in words."""
    import yaml

    from fupan.ingest.card import parse_card

    card = copy.deepcopy(TINY_CARD)
    card["strategy"]["targets"]["gmv"] = "五十万"
    card["currency"] = "rmb"
    card["windows"]["burst"] = ["2025-01-05", "tomorrow"]
    _, problems = parse_card(yaml.safe_dump(card, allow_unicode=True, sort_keys=False))
    by_key = {p.column: p for p in problems}
    expected = {
        "strategy.targets.gmv": ("应为数字", "expected a number"),
        "currency": (
            "ISO 4217 货币代码，如 CNY",
            "three-letter ISO 4217 currency code such as CNY",
        ),
        "windows.burst.end": ("应为日期（如 2025-11-11）", "expected a date such as 2025-11-11"),
    }
    assert set(expected) <= set(by_key)
    for key, (zh, en) in expected.items():
        p = by_key[key]
        assert zh in p.zh and en in p.en, p
        assert "Input should" not in p.zh + p.en and "pattern" not in p.zh


def test_the_card_named_for_its_folder_is_taken_and_a_table_file_is_a_clear_error(tmp_path):
    """``fupan run shop/campaign.yaml`` means the folder ``shop``; naming another file of it is
    answered with what a campaign folder is, and the folder that is one."""
    folder = write_campaign(tmp_path / "shop")
    campaign = open_campaign(folder / "campaign.yaml")
    try:
        assert campaign.folder == folder and sorted(campaign.tables) == [
            "events",
            "orders",
            "spend",
        ]
    finally:
        campaign.con.close()
    with pytest.raises(ValidationError) as err:
        open_campaign(folder / "orders.csv")
    (p,) = err.value.problems
    assert p.code == "folder_is_a_file"
    assert f"（也许是 {folder}）" in p.zh and f"(perhaps {folder})" in p.en


def test_chinese_statuses_and_events_are_answered_with_what_each_stands_for(tmp_path):
    """A plain CSV whose status column holds a platform's words, and an events file whose event
    names are Chinese: the status error says which contract value each word is (交易关闭 depends
    on the refund) and how to read or fix the file; the event words fupan knows are read (a
    warning says how), and words it does not know are refused with no guess."""
    rows = [list(r) for r in TINY_ORDERS]
    words = {"paid": "交易成功", "cancelled": "交易关闭", "refunded": "已退款"}
    for r in rows:
        r[5] = words[r[5]]
    names = {0: "浏览", 1: "加入购物车", 2: "奇怪的事件"}
    events = [(u, t, names[i % 3], c) for i, (u, t, _, c) in enumerate(tiny_events())]
    folder = write_campaign(tmp_path / "zh", orders=[tuple(r) for r in rows], events=events)
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    by_column = {p.column: p for p in err.value.problems}
    status = by_column["status"]
    assert (
        "交易成功→paid、交易关闭→refunded 或 cancelled（视退款金额）、已退款→refunded" in status.zh
    )
    assert "交易成功 → paid, 交易关闭 → refunded or cancelled, by the refund" in status.en
    assert "profile: tmall-orders" in status.zh and "profile: tmall-orders" in status.en
    event = by_column["event"]  # the words fupan knows are read (a warning); the other refused
    assert event.code == "value_not_allowed" and event.row == 3 and "'奇怪的事件'" in event.en
    assert "浏览" not in event.en and "奇怪的事件→" not in event.zh
    (read,) = [p for p in err.value.warnings if p.code == "words_read"]
    assert "浏览 → view, 加入购物车 → cart" in read.en and read.severity == "warning"


def test_chinese_headers_get_a_mapping_block_that_makes_the_campaign_valid(tmp_path):
    """Orders with the Chinese headers a hand-made sheet has: each missing column names the
    header meant, and the first carries a ``mapping`` block which, pasted into the card as it
    is, makes the campaign valid with the same numbers."""
    import yaml

    names = {
        "order_id": "订单号", "user_id": "用户ID", "order_time": "下单时间",
        "paid_amount": "实付金额", "channel": "渠道", "status": "订单状态", "refund_amount": "退款金额",
    }  # fmt: skip
    folder = write_campaign(tmp_path / "zh-headers")
    orders = pd.read_csv(folder / "orders.csv", dtype=str)
    orders.rename(columns=names).to_csv(folder / "orders.csv", index=False)
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    missing = [p for p in err.value.problems if p.code == "missing_column"]
    assert [p.column for p in missing] == ["order_id", "user_id", "order_time", "paid_amount"]
    assert "是否是「用户ID」？" in missing[1].zh and "Did you mean '用户ID'?" in missing[1].en
    block = "mapping:" + missing[0].zh.split("：\nmapping:", 1)[1]
    assert block == "mapping:" + missing[0].en.split(":\nmapping:", 1)[1]
    assert "卡片已有 mapping: 时，只加它下面的几行" in missing[0].zh
    mapping = yaml.safe_load(block)["mapping"]
    assert mapping == {"orders": {zh: en for en, zh in names.items()}}
    card = folder / "campaign.yaml"
    card.write_text(card.read_text(encoding="utf-8") + block + "\n", encoding="utf-8")
    campaign = open_campaign(folder)
    try:
        paid = campaign.con.execute("SELECT sum(paid_amount) FROM orders").fetchall()[0][0]
    finally:
        campaign.con.close()
    assert paid == pytest.approx(sum(r[3] for r in TINY_ORDERS))


def test_a_workbook_read_from_its_first_sheet_says_so_even_when_validation_fails(tmp_path):
    """The orders are on the second sheet of a workbook whose first is a summary: the missing
    columns are reported, and beside them the warning that only the first sheet, 汇总, was read,
    naming the other (明细)."""
    import yaml

    folder = write_campaign(tmp_path / "book")
    orders = pd.read_csv(folder / "orders.csv")
    with pd.ExcelWriter(folder / "orders.xlsx") as book:
        pd.DataFrame({"汇总": ["GMV"], "值": [440]}).to_excel(book, sheet_name="汇总", index=False)
        orders.to_excel(book, sheet_name="明细", index=False)
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    card["tables"]["orders"] = "orders.xlsx"
    (folder / "campaign.yaml").write_text(yaml.safe_dump(card, allow_unicode=True), "utf-8")
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    assert {p.code for p in err.value.problems} == {"missing_column"}
    (note,) = [w for w in err.value.warnings if w.code == "workbook_first_sheet"]
    assert "只读取第一个「汇总」（其余：「明细」）" in note.zh and "'汇总', is read" in note.en
    assert note.format() in err.value.format()


@pytest.mark.parametrize("label", ["合计", "总计：", "Total"])
def test_a_totals_line_under_the_rows_is_named_as_such_not_read_as_an_order(tmp_path, label):
    """Exports and spreadsheets often end with a totals line (合计 in its first cell, the summed
    amount below the amounts): read as an order it would count the campaign's GMV twice. It is
    one error naming its row, not a list of empty cells."""
    folder = write_campaign(tmp_path / "totals")
    orders = folder / "orders.csv"
    total = sum(r[3] for r in TINY_ORDERS)
    orders.write_text(
        orders.read_text(encoding="utf-8") + f"{label},,,{total},,,\n", encoding="utf-8"
    )
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.severity == "error"]
    assert p.code == "totals_row" and p.row == len(TINY_ORDERS) + 1
    assert "合计行" in p.zh and "totals line" in p.en


def test_a_word_like_total_inside_the_rows_is_not_a_totals_line(tmp_path):
    """Only the last lines' first two cells are looked at: a channel called 'total' on the last
    line is a channel."""
    rows = [list(r) for r in TINY_ORDERS]
    rows[-1][4] = "total"
    folder = write_campaign(tmp_path / "channel", orders=[tuple(r) for r in rows])
    campaign = open_campaign(folder)
    try:
        channels = campaign.con.execute("SELECT DISTINCT channel FROM orders").fetchall()
    finally:
        campaign.con.close()
    assert ("total",) in channels


@pytest.mark.parametrize("padded", [False, True])
def test_a_title_line_above_the_header_is_named_as_such(tmp_path, padded):
    """A report title on the first line (``订单报表 导出时间 …``, alone or padded with commas as a
    spreadsheet saves it): the error says the header is lower down and to delete the title, not
    that the fields are too many or that every column is missing."""
    folder = write_campaign(tmp_path / "title")
    orders = folder / "orders.csv"
    title = "订单报表 导出时间 2025-01-09" + ("," * 6 if padded else "")
    orders.write_text(title + "\n" + orders.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    errors = [p for p in err.value.problems if p.severity == "error"]
    assert [p.code for p in errors] == ["title_above_header"]
    assert "订单报表 导出时间 2025-01-09" in errors[0].zh and "looks like a title" in errors[0].en
    assert "Delete the 1 line(s) above the header" in errors[0].en


def test_a_title_row_above_a_workbooks_header_is_named_as_such(tmp_path):
    import openpyxl

    folder = write_campaign(tmp_path / "title")
    frame = pd.read_csv(folder / "orders.csv", dtype=str)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2025 年 1 月 订单明细"])
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append(list(row))
    book.save(folder / "orders.xlsx")
    (folder / "orders.csv").unlink()
    card = folder / "campaign.yaml"
    card.write_text(
        card.read_text(encoding="utf-8").replace("orders.csv", "orders.xlsx"), encoding="utf-8"
    )
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    errors = [p for p in err.value.problems if p.severity == "error"]
    assert [p.code for p in errors] == ["title_above_header"]
    assert errors[0].where() == "orders.xlsx, data row 1 (Excel row 2)"
    assert "2025 年 1 月 订单明细" in errors[0].zh


def test_codes_excel_turned_into_scientific_notation_are_an_error(tmp_path):
    """An 18-digit order number opened and saved in Excel becomes 1.23457E+18: the orders of a
    campaign then share a handful of numbers. Distinct or not, such codes are an error that says
    why and how to export again."""
    rows = [list(r) for r in TINY_ORDERS]
    for i, row in enumerate(rows):
        row[0] = f"1.2345{i % 10}E+18"
    folder = write_campaign(tmp_path / "sci", orders=[tuple(r) for r in rows])
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.severity == "error"]
    assert p.code == "excel_scientific_id" and p.column == "order_id"
    assert "科学计数法" in p.zh and "scientific notation" in p.en and "as Text" in p.en


def test_customer_ids_in_scientific_notation_are_an_error_that_shows_no_id(tmp_path):
    """The same for customer ids (checked before they are pseudonymised): the error names the
    first row and the count, and shows no customer id."""
    rows = [list(r) for r in TINY_ORDERS]
    rows[2][1] = "1.38001E+10"
    rows[5][1] = "1.38001E+10"
    folder = write_campaign(tmp_path / "sci", orders=[tuple(r) for r in rows])
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.severity == "error"]
    assert p.code == "excel_scientific_id" and p.column == "user_id" and p.row == 3
    assert "2 row(s)" in p.en and "1.38001E+10" not in p.zh + p.en


def test_excel_date_serial_numbers_are_named_as_such():
    """A time column saved from Excel as numbers (45607.5 is 2024-11-11 12:00 to Excel, counted
    from 1899-12-30 — pandas agrees below) is named as Excel's date serial with the fix; other
    unreadable times stay 'expected a timestamp'."""
    import tempfile

    assert str(pd.Timestamp("1899-12-30") + pd.to_timedelta(45607.5, "D")) == "2024-11-11 12:00:00"
    rows = [list(r) for r in TINY_ORDERS]
    rows[0][2] = "45607.5"
    rows[1][2] = "next tuesday"
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_campaign(Path(tmp) / "serial", orders=[tuple(r) for r in rows])
        with pytest.raises(ValidationError) as err:
            open_campaign(folder)
    found = {p.code: p for p in err.value.problems if p.severity == "error"}
    assert set(found) == {"excel_serial_date", "bad_type"}
    assert found["excel_serial_date"].row == 1 and "日期序号" in found["excel_serial_date"].zh
    assert "date serial" in found["excel_serial_date"].en
    assert found["bad_type"].row == 2


def _orders_as(folder: Path, encoding: str, edit) -> None:
    """Rewrite the campaign's orders.csv in ``encoding`` with Chinese channel names (so a GBK
    file cannot be read as UTF-8) and each data line passed through ``edit(i, line)``."""
    lines = (folder / "orders.csv").read_text(encoding="utf-8").splitlines()
    body = [edit(i, ln.replace(",live,", ",直播,")) for i, ln in enumerate(lines[1:], 1)]
    (folder / "orders.csv").write_bytes(("\n".join([lines[0], *body]) + "\n").encode(encoding))


def _orders_table(folder: Path) -> list[tuple]:
    campaign = open_campaign(folder)
    try:
        return campaign.con.execute("SELECT * FROM orders ORDER BY ALL").fetchall()
    finally:
        campaign.con.close()


def test_a_trailing_comma_on_every_line_reads_the_same_in_gbk_as_in_utf8(tmp_path):
    """An export that ends every data line with a separator: the empty last field is nothing, in
    a GBK file as in a UTF-8 one (a GBK file was read by pandas, which took the first column for
    an index and shifted every column by one)."""
    clean = write_campaign(tmp_path / "clean")
    _orders_as(clean, "utf-8", lambda i, ln: ln)
    expected = _orders_table(clean)
    assert any("直播" in str(row) for row in expected)
    for encoding in ("utf-8", "gb18030"):
        folder = write_campaign(tmp_path / encoding)
        _orders_as(folder, encoding, lambda i, ln: ln + ",")
        assert _orders_table(folder) == expected, encoding


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_line_with_one_field_too_many_is_named_in_either_encoding(tmp_path, encoding):
    folder = write_campaign(tmp_path / "extra")
    _orders_as(folder, encoding, lambda i, ln: ln + ",多余" if i == 3 else ln)
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.severity == "error"]
    assert (p.code, p.row) == ("too_many_fields", 3)


@pytest.mark.parametrize("padding", [0, 10])
def test_a_title_above_a_gbk_platform_exports_header_is_named_as_such(tmp_path, padding):
    """The Tmall sample export (GBK, 20 columns) under a title line, alone or padded with ten
    separators: named as a title whichever way the file is read."""
    data = (Path(__file__).parent / "samples" / "tmall-orders.gbk.csv").read_bytes()
    path = tmp_path / "export.csv"
    path.write_bytes(("订单报表 2025-11-12" + "," * padding + "\n").encode("gb18030") + data)
    folder = tmp_path / "campaign"
    folder.mkdir()
    path.rename(folder / "export.csv")
    card = {**copy.deepcopy(TINY_CARD), "tables": {"orders": "export.csv"}}
    card["profile"] = "tmall-orders"
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True), encoding="utf-8"
    )
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    errors = [p for p in err.value.problems if p.severity == "error"]
    assert [p.code for p in errors] == ["title_above_header"]
    assert "订单报表 2025-11-12" in errors[0].zh


def test_opening_one_table_names_a_totals_line_too(tmp_path):
    """fupan.ingest.readers.open_table (one file, as a notebook explores it) says what validation
    says of a totals line, and gives no table to compute from."""
    from fupan.ingest.readers import open_table

    folder = write_campaign(tmp_path / "one")
    orders = folder / "orders.csv"
    orders.write_text(orders.read_text(encoding="utf-8") + "合计,,,710.0,,,\n", encoding="utf-8")
    opened = open_table(orders)
    assert opened.relation is None
    assert [(p.code, p.row) for p in opened.problems if p.severity == "error"] == [
        ("totals_row", len(TINY_ORDERS) + 1)
    ]


def _orders_workbook(folder: Path, order_ids: list) -> None:
    """The campaign's orders as orders.xlsx, its order ids number cells of ``order_ids``."""
    import openpyxl

    frame = pd.read_csv(folder / "orders.csv", dtype=str)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for order_id, row in zip(order_ids, frame.itertuples(index=False), strict=True):
        sheet.append([order_id, *row[1:3], float(row[3]), *row[4:]])
    book.save(folder / "orders.xlsx")
    (folder / "orders.csv").unlink()
    card = folder / "campaign.yaml"
    card.write_text(
        card.read_text(encoding="utf-8").replace("orders.csv", "orders.xlsx"), encoding="utf-8"
    )


def test_order_numbers_too_long_for_an_excel_number_cell_are_an_error(tmp_path):
    """A workbook whose 19-digit order numbers are number cells: a cell keeps 15 significant
    digits (here they come back as …8192 for …7919), so the numbers are not the platform's. Named
    as the scientific-notation error; 15-digit numbers in number cells read exactly."""
    folder = write_campaign(tmp_path / "long")
    _orders_workbook(folder, [float(3458721900000000000 + i * 7919) for i in range(10)])
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.severity == "error"]
    assert p.code == "excel_scientific_id" and p.column == "order_id"
    short = write_campaign(tmp_path / "short")
    _orders_workbook(short, [345872190000000 + i for i in range(10)])
    campaign = open_campaign(short)
    try:
        ids = campaign.con.execute("SELECT DISTINCT order_id FROM orders ORDER BY 1").fetchall()
    finally:
        campaign.con.close()
    assert ids == [(str(345872190000000 + i),) for i in range(10)]


def _rewritten(tmp_path: Path, name: str, times, amounts=None) -> tuple[object, object]:
    """The tiny campaign's orders table as read plainly, and as read from a copy whose order times
    (and, with ``amounts``, paid and refund amounts) are rewritten: ``times(i, t)`` gives row
    ``i``'s time ``t`` as text."""
    expected = _orders_table(write_campaign(tmp_path / "clean"))
    folder = write_campaign(tmp_path / name)
    frame = pd.read_csv(folder / "orders.csv", dtype=str)
    frame["order_time"] = [times(i, t) for i, t in enumerate(pd.to_datetime(frame.order_time))]
    if amounts is not None:
        frame["paid_amount"], frame["refund_amount"] = amounts(frame)
    frame.to_csv(folder / "orders.csv", index=False)
    return expected, _orders_table(folder)


def test_chinese_dates_and_amounts_in_yuan_read_as_the_plain_ones(tmp_path):
    """A hand-made Chinese sheet: times as 2025年01月01日 10:00:00 (or 2025年1月1日10:00:00), amounts
    as 100.0元 — read as the same orders as the plain file, without an export profile."""
    expected, got = _rewritten(
        tmp_path,
        "chinese",
        lambda i, t: (
            t.strftime("%Y年%m月%d日 %H:%M:%S")
            if i % 2
            else f"{t.year}年{t.month}月{t.day}日{t:%H:%M:%S}"
        ),
        lambda f: (f.paid_amount + "元", f.refund_amount + " 元"),
    )
    assert got == expected


def test_year_first_dotted_dates_read_as_the_plain_ones(tmp_path):
    """2025.11.11 10:00 (year first, dotted, as some exports write dates) was refused for every
    row although it can only mean one day: read as the same orders as the plain file."""
    expected, got = _rewritten(
        tmp_path,
        "dotted",
        lambda i, t: (
            t.strftime("%Y.%m.%d %H:%M:%S") if i % 2 else f"{t.year}.{t.month}.{t.day} {t:%H:%M:%S}"
        ),
    )
    assert got == expected


def test_a_comma_is_a_thousands_separator_only_between_groups_of_three(tmp_path):
    """1,299.00 and -12,345 are a thousand and more; 12,50 and 1.234,56 are decimal commas (a
    European export): read as thousands separators they were 1250 and 1.23456 — now an error
    naming the decimal comma. The amounts are checked by hand, row by row."""
    rows = [list(r) for r in TINY_ORDERS]
    rows[0][3], rows[1][3], rows[2][3] = "1,299.00", "¥12,345", "1，299.00"  # full-width too
    folder = write_campaign(tmp_path / "thousands", orders=[tuple(r) for r in rows])
    campaign = open_campaign(folder)
    try:
        paid = dict(campaign.con.execute("SELECT order_id, paid_amount FROM orders").fetchall())
    finally:
        campaign.con.close()
    assert paid[rows[0][0]] == 1299.0 and paid[rows[1][0]] == 12345.0
    assert paid[rows[2][0]] == 1299.0
    rows[0][3], rows[1][3], rows[2][3] = "12,50", "1.234,56", "12,3456"
    folder = write_campaign(tmp_path / "decimal", orders=[tuple(r) for r in rows])
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.severity == "error"]
    assert (p.code, p.column, p.row) == ("decimal_comma", "paid_amount", 1)
    assert "3 row(s)" in p.en and "decimal comma" in p.en and "小数点" in p.zh


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_semicolon_separated_csv_reads_as_the_comma_one_and_says_so(tmp_path, encoding):
    """A .csv saved by Excel in a European locale is separated by semicolons: read as the same
    orders as the comma file, with a warning that says how it was read; its decimal commas are
    then named as such (never read as thousands)."""
    clean = write_campaign(tmp_path / "clean")
    _orders_as(clean, "utf-8", lambda i, ln: ln)
    expected = _orders_table(clean)
    folder = write_campaign(tmp_path / "semi")
    _orders_as(folder, encoding, lambda i, ln: ln)
    frame = pd.read_csv(folder / "orders.csv", dtype=str, encoding=encoding)
    frame.to_csv(folder / "orders.csv", sep=";", index=False, encoding=encoding)
    campaign = open_campaign(folder)
    try:
        got = campaign.con.execute("SELECT * FROM orders ORDER BY ALL").fetchall()
        warned = [w.code for w in campaign.warnings]
    finally:
        campaign.con.close()
    assert got == expected and "semicolon_separated" in warned
    frame["paid_amount"] = frame.paid_amount.str.replace(".", ",", regex=False)
    frame.to_csv(folder / "orders.csv", sep=";", index=False, encoding=encoding)
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.severity == "error"]
    assert (p.code, p.column) == ("decimal_comma", "paid_amount")


def test_two_exports_pasted_one_under_the_other_are_named_at_the_repeated_header(tmp_path):
    """The header line again in the middle of the rows (two exports joined): one error at that
    row, not a column of values that are not numbers or times."""
    folder = write_campaign(tmp_path / "pasted")
    lines = (folder / "orders.csv").read_text(encoding="utf-8").splitlines()
    (folder / "orders.csv").write_text("\n".join(lines + lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.severity == "error"]
    assert (p.code, p.row) == ("repeated_header", len(TINY_ORDERS) + 1)
    assert "1 such row(s)" in p.en and "拼在了一起" in p.zh


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_excels_sep_line_names_the_separator_and_is_not_a_title(tmp_path, sep):
    """A CSV that starts with Excel's directive ``sep=;`` (which Excel reads and hides): read with
    that separator, the line skipped, the orders the same as the plain file's, and rows counted
    from the header as Excel shows them."""
    clean = write_campaign(tmp_path / "clean")
    expected = _orders_table(clean)
    folder = write_campaign(tmp_path / "sep")
    frame = pd.read_csv(folder / "orders.csv", dtype=str)
    (folder / "orders.csv").write_text(
        f"sep={sep}\n" + frame.to_csv(index=False, sep=sep), encoding="utf-8"
    )
    assert _orders_table(folder) == expected
    frame.loc[2, "paid_amount"] = "abc"  # data row 3
    (folder / "orders.csv").write_text(
        f"sep={sep}\n" + frame.to_csv(index=False, sep=sep), encoding="utf-8"
    )
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.severity == "error"]
    assert (p.code, p.column, p.row) == ("bad_type", "paid_amount", 3)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_under_a_sep_line_a_field_too_many_is_still_named_at_its_row(tmp_path, encoding):
    folder = write_campaign(tmp_path / "sep")
    lines = (folder / "orders.csv").read_text(encoding="utf-8").splitlines()
    lines[3] += ",多余"  # data row 3
    (folder / "orders.csv").write_bytes(("sep=,\n" + "\n".join(lines) + "\n").encode(encoding))
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.severity == "error"]
    assert (p.code, p.row) == ("too_many_fields", 3)


def test_order_times_with_dates_only_are_named_once(tmp_path):
    """Dates without a time of day (every line at 00:00:00): valid, with one warning that nothing by
    hour is measured; the tiny campaign's own times (10:00, 00:05 …) give no such warning."""
    timed = open_campaign(write_campaign(tmp_path / "timed"))
    assert "no_time_of_day" not in {w.code for w in timed.warnings}
    timed.con.close()
    orders = [(o[0], o[1], o[2][:10], *o[3:]) for o in TINY_ORDERS]
    campaign = open_campaign(write_campaign(tmp_path / "dates", orders=orders))
    found = [w for w in campaign.warnings if w.code == "no_time_of_day"]
    campaign.con.close()
    assert len(found) == 1 and found[0].column == "order_time" and found[0].file == "orders.csv"
    assert "00:00:00" in found[0].zh and "dates only" in found[0].en


def _edit_field(column: int, value: str, rows: tuple[int, ...]):
    """An ``_orders_as`` edit putting ``value`` in field ``column`` of the data lines ``rows``."""

    def edit(i: int, line: str) -> str:
        fields = line.split(",")
        if i in rows:
            fields[column] = value
        return ",".join(fields)

    return edit


@pytest.mark.parametrize(
    ("column", "name", "value"),
    [(5, "channel", "#N/A"), (4, "paid_amount", "#VALUE!"), (3, "order_time", "#REF!")],
)
def test_a_failed_formulas_value_is_named_in_any_column(tmp_path, column, name, value):
    """#N/A and its kin, saved from a spreadsheet whose formula failed: one excel_error at its
    row, not "expected a number" (nor, for a text column, silently one more channel)."""
    folder = write_campaign(tmp_path / "c")
    lines = (folder / "orders.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0].split(",")[column - 1] == name
    _orders_as(folder, "utf-8", _edit_field(column - 1, value, (2, 5)))
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    problems = err.value.problems
    assert [(p.code, p.column, p.row) for p in problems if p.severity == "error"] == [
        ("excel_error", name, 2)
    ]
    assert value in problems[0].en and "formula" in problems[0].en and "公式" in problems[0].zh
    # the orders failed: the spend's channels are compared with nothing, so none is "unknown"
    assert "unknown_channel" not in {p.code for p in problems}


def test_a_failed_formula_in_the_customer_ids_is_named_before_pseudonymising(tmp_path):
    """Customer ids of #N/A would each have become one made-up customer (a pseudonym of '#N/A');
    the error counts them and names the first row, and shows no id."""
    folder = write_campaign(tmp_path / "c")
    _orders_as(folder, "utf-8", _edit_field(1, "#N/A", (3, 7)))
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (found,) = [p for p in err.value.problems if p.severity == "error"]
    assert (found.code, found.column, found.row) == ("excel_error", "user_id", 3)
    assert "2 row(s)" in found.en and "2 行" in found.zh


def test_a_workbook_cell_holding_a_formulas_error_is_named_not_read_as_empty(tmp_path):
    """An .xlsx whose channel formula failed in one row (an error cell, #N/A): read as the error
    it is and named at its row. pandas read such a cell as empty, and an empty channel is no error."""
    import openpyxl

    folder = write_campaign(tmp_path / "c")
    frame = pd.read_csv(folder / "orders.csv", dtype=str)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(frame.columns))
    for i, row in enumerate(frame.itertuples(index=False), 1):
        cells = [*row[:3], float(row[3]), "#N/A" if i == 4 else row[4], row[5], float(row[6])]
        sheet.append(cells)
    assert sheet.cell(5, 5).data_type == "e"  # an error cell, as Excel saves a failed formula
    book.save(folder / "orders.xlsx")
    (folder / "orders.csv").unlink()
    card = folder / "campaign.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace("orders.csv", "orders.xlsx"), "utf-8")
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    assert [(p.code, p.column, p.row) for p in err.value.problems if p.severity == "error"] == [
        ("excel_error", "channel", 4)
    ]


@pytest.mark.parametrize(
    "guard",
    ['="{}"', "'{}", "{}\t", "\t{}"],
    ids=["formula", "apostrophe", "tab-after", "tab-before"],
)
def test_ids_guarded_as_text_read_as_the_ids_themselves(tmp_path, guard):
    """Order and customer ids written with a spreadsheet's text guard (="…", a leading apostrophe,
    a tab around them) read as the ids themselves, so the orders' customers are the events'
    (guarded, they were other customers: their pseudonyms differed from the visitors')."""
    clean = write_campaign(tmp_path / "clean")
    folder = write_campaign(tmp_path / "guarded")

    def edit(i: int, line: str) -> str:
        order_id, user_id, rest = line.split(",", 2)
        return ",".join([guard.format(order_id), guard.format(user_id), rest])

    _orders_as(folder, "utf-8", edit)
    assert guard.format("o1") in (folder / "orders.csv").read_text(encoding="utf-8")
    _orders_as(clean, "utf-8", lambda i, ln: ln)  # the same rewrite (直播 channel), unguarded
    assert _orders_table(folder) == _orders_table(clean)


def _orders_renamed(folder: Path, name: str, data: bytes) -> None:
    """The campaign's orders replaced by ``data`` in a file called ``name``."""
    (folder / "orders.csv").unlink()
    (folder / name).write_bytes(data)
    card = folder / "campaign.yaml"
    card.write_text(card.read_text(encoding="utf-8").replace("orders.csv", name), "utf-8")


@pytest.mark.parametrize(
    ("name", "encoding", "sep"),
    [
        ("orders.txt", "utf-16", "\t"),  # Excel's "Unicode text": BOM, little-endian, tabs
        ("orders.csv", "utf-16", ","),
        ("orders.txt", "utf-16-le", "\t"),  # no byte-order mark
        ("orders.txt", "utf-16-be", "\t"),
        ("orders.txt", "utf-8", "\t"),  # Excel's "Text (tab delimited)"
        ("orders.csv", "gb18030", "\t"),
    ],
)
def test_unicode_text_and_tab_separated_saves_read_as_the_utf8_csv(tmp_path, name, encoding, sep):
    """Excel's "Unicode text" (UTF-16, tab-separated) was refused and a tab-separated .csv or .txt
    had every column "missing"; both now read as the same orders as the UTF-8 CSV, and the
    temporary UTF-8 copy of a UTF-16 file is gone once read."""
    import tempfile

    clean = write_campaign(tmp_path / "clean")
    _orders_as(clean, "utf-8", lambda i, ln: ln)
    expected = _orders_table(clean)
    folder = write_campaign(tmp_path / "saved")
    text = (clean / "orders.csv").read_text(encoding="utf-8").replace(",", sep)
    _orders_renamed(folder, name, text.encode(encoding))
    before = set(Path(tempfile.gettempdir()).glob("fupan-read-*"))
    assert _orders_table(folder) == expected
    assert set(Path(tempfile.gettempdir()).glob("fupan-read-*")) <= before


def test_a_bad_value_in_a_utf16_file_is_named_at_its_row(tmp_path):
    folder = write_campaign(tmp_path / "c")
    lines = (folder / "orders.csv").read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace(",20.0,", ",二十,")
    _orders_renamed(
        folder, "orders.txt", ("\n".join(lines) + "\n").replace(",", "\t").encode("utf-16")
    )
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    assert [(p.code, p.column, p.row) for p in err.value.problems if p.severity == "error"] == [
        ("bad_type", "paid_amount", 4)
    ]


def _paid_as(tmp_path: Path, values: dict[int, str], card: dict | None = None):
    """The tiny campaign with paid_amount of the data lines ``values`` written as given: the
    validated amounts by order line, or the errors (code, row) validation stopped at."""
    folder = write_campaign(tmp_path / "c", card=card)
    _orders_as(folder, "utf-8", _edit_field(3, "", ()))  # the same file, for its quoting
    lines = (folder / "orders.csv").read_text(encoding="utf-8").splitlines()
    for row, value in values.items():
        fields = lines[row].split(",")
        fields[3] = f'"{value}"' if "," in value else value
        lines[row] = ",".join(fields)
    (folder / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        campaign = open_campaign(folder)
    except ValidationError as err:
        return [(p.code, p.row) for p in err.problems if p.severity == "error"]
    try:
        return [
            r[0]
            for r in campaign.con.execute("SELECT paid_amount FROM orders ORDER BY _row").fetchall()
        ]
    finally:
        campaign.con.close()


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("CNY 1,299.00", 1299.0),
        ("RMB12", 12.0),
        ("12.5 CNY", 12.5),
        ("rmb 7", 7.0),
        ("￥ 1，299.00", 1299.0),
        ("+¥3", 3.0),
    ],
)
def test_amounts_with_the_cards_currency_written_out_read_as_numbers(tmp_path, written, value):
    """A currency code (CNY, or RMB for it) before or after the amount, as exports and hand-made
    sheets write it, was 'expected a number'."""
    amounts = _paid_as(tmp_path, {2: written})
    assert amounts[1] == value and amounts[0] == TINY_ORDERS[0][3]


@pytest.mark.parametrize("written", ["-¥20.0", "(20.0)", "(¥20.0)", "−20", "－20"])
def test_negative_amounts_in_any_notation_read_as_negative(tmp_path, written):
    """A minus before the sign, accounting parentheses and the Unicode minus signs read as the
    negative number they are — which a paid amount must not be: named by its minimum at its row
    (they were 'expected a number')."""
    assert _paid_as(tmp_path, {4: written}) == [("below_minimum", 4)]


@pytest.mark.parametrize("written", ["USD 30.0", "$30.0", "30.0 GBP", "usd30", "€ 30"])
def test_an_amount_in_another_currency_than_the_cards_is_named(tmp_path, written):
    """'$30.0' in a CNY campaign was read as ¥30 (any currency sign was taken off); a code other
    than the card's was 'expected a number'. Now one currency_mismatch at its row."""
    assert _paid_as(tmp_path, {3: written}) == [("currency_mismatch", 3)]


def test_a_campaign_in_pounds_reads_pounds_and_names_yuan(tmp_path):
    card = {**TINY_CARD, "currency": "GBP"}
    amounts = _paid_as(tmp_path, {1: "£100.00", 2: "GBP 50", 3: "30.0 gbp"}, card)
    assert amounts[:3] == [100.0, 50.0, 30.0]
    assert _paid_as(tmp_path / "yuan", {5: "¥20.0"}, card) == [("currency_mismatch", 5)]
    assert _paid_as(tmp_path / "pcs", {5: "20 pcs"}, card) == [("bad_type", 5)]  # not a currency


def test_a_dash_or_null_for_an_amount_is_none(tmp_path):
    """'-', '--', '—' and NULL, an export's "none": an optional amount (the refund) is empty, a
    required one (the paid amount) is named as empty at its row — neither 'expected a number'."""
    folder = write_campaign(tmp_path / "refund")
    marks = {1: "-", 2: "--", 3: "—", 5: "NULL"}
    _orders_as(
        folder, "utf-8", lambda i, ln: ln.rsplit(",", 1)[0] + "," + marks[i] if i in marks else ln
    )
    campaign = open_campaign(folder)
    refunds = campaign.con.execute("SELECT refund_amount FROM orders ORDER BY _row").fetchall()
    campaign.con.close()
    assert [r[0] for r in refunds][:6] == [0.0, 0.0, 0.0, 20.0, 0.0, 0.0]
    assert _paid_as(tmp_path / "paid", {6: "-"}) == [("null_value", 6)]


def test_a_unicode_minus_before_another_currency_is_still_named(tmp_path):
    """'−€30' (a Unicode minus) must not slip past the currency check as -30 yuan; the amount in
    another currency is no number of the card's, so nothing else is said of it (it was also
    'below the minimum' as -30)."""
    assert _paid_as(tmp_path, {3: "−€30"}) == [("currency_mismatch", 3)]


def test_empty_rows_after_the_records_are_dropped_and_between_them_named(tmp_path):
    """Rows of empty fields (,,,,,, as a sheet saves cleared or formatted rows): at the end they
    are dropped, as a workbook's trailing blank rows are (they were an error per column); between
    records they are one error at the first, with their count."""
    clean = write_campaign(tmp_path / "clean")
    expected = _orders_table(clean)
    text = (clean / "orders.csv").read_text(encoding="utf-8")
    tail = write_campaign(tmp_path / "tail")
    (tail / "orders.csv").write_text(text + ",,,,,,\n , ,,,\u3000,,\n,,,,,,\n", encoding="utf-8")
    assert _orders_table(tail) == expected
    middle = write_campaign(tmp_path / "middle")
    lines = text.splitlines()
    lines[3:3] = [",,,,,,", ",,,,,,"]  # after data row 2
    (middle / "orders.csv").write_text("\n".join(lines) + "\n,,,,,,\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        open_campaign(middle)
    assert [(p.code, p.row) for p in err.value.problems if p.severity == "error"] == [
        ("empty_row", 3)
    ]
    assert "2 row(s)" in err.value.problems[0].en


def test_a_totals_line_above_trailing_empty_rows_is_still_named(tmp_path):
    folder = write_campaign(tmp_path / "c")
    text = (folder / "orders.csv").read_text(encoding="utf-8")
    (folder / "orders.csv").write_text(text + "合计,,,710.0,,,30.0\n,,,,,,\n,,,,,,\n", "utf-8")
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    assert [(p.code, p.row) for p in err.value.problems if p.severity == "error"] == [
        ("totals_row", 11)
    ]


LATE = ("o11", "b", "2025-01-13 09:30:00", 15.0, "search", "paid", 0.0)  # 13 tells day from month


@pytest.mark.parametrize(
    ("fmt", "order", "shown"),
    [("%m/%d/%Y %H:%M:%S", "month", "1/13/2025 9:30"), ("%d.%m.%Y %H:%M:%S", "day", "13.1.2025")],
)
def test_dates_written_day_and_month_first_are_read_in_the_order_a_value_tells(
    tmp_path, fmt, order, shown
):
    """12/1/2010 8:26 (US, as UCI Online Retail writes it) or 13.1.2025 (European) was 'expected a
    timestamp'; a value with a part above 12 tells the order: read so, with a warning naming it."""
    iso = write_campaign(tmp_path / "iso", orders=[*TINY_ORDERS, LATE])
    _orders_as(iso, "utf-8", lambda i, ln: ln)

    def written(i: int, line: str) -> str:
        fields = line.split(",")
        text = pd.Timestamp(fields[2]).strftime(fmt)
        fields[2] = re.sub(r"(?<![0-9:])0([0-9])", r"\1", text)  # unpadded, as Excel writes them
        return ",".join(fields)

    folder = write_campaign(tmp_path / "slashed", orders=[*TINY_ORDERS, LATE])
    _orders_as(folder, "utf-8", written)
    assert shown in (folder / "orders.csv").read_text(encoding="utf-8")
    campaign = open_campaign(folder)
    warned = [w for w in campaign.warnings if w.code == "date_order_read"]
    campaign.con.close()
    assert _orders_table(folder) == _orders_table(iso)
    assert len(warned) == 1 and warned[0].row == 11 and f"{order}/" in warned[0].en


def test_dates_whose_order_nothing_tells_or_that_mix_orders_are_one_error(tmp_path):
    """01/05/2025 is 5 January or 1 May: with no part above 12 anywhere, one error (not one per
    row); values that can only be day-first beside values that can only be month-first, one error
    naming a row of each."""
    folder = write_campaign(tmp_path / "ambiguous")  # 01-01 … 01-08: every part ≤ 12
    _orders_as(folder, "utf-8", lambda i, ln: re.sub(r"2025-(\d\d)-(\d\d)", r"\1/\2/2025", ln))
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    assert [(p.code, p.row) for p in err.value.problems if p.severity == "error"] == [
        ("ambiguous_date_order", 1)
    ]
    early = ("o12", "c", "2025-01-14 10:00:00", 5.0, "live", "paid", 0.0)
    mixed = write_campaign(tmp_path / "mixed", orders=[*TINY_ORDERS, LATE, early])
    lines = (mixed / "orders.csv").read_text(encoding="utf-8").splitlines()
    lines[11] = lines[11].replace("2025-01-13", "13/01/2025")
    lines[12] = lines[12].replace("2025-01-14", "01/14/2025")
    (mixed / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        open_campaign(mixed)
    found = [p for p in err.value.problems if p.severity == "error"]
    assert [(p.code, p.row) for p in found] == [("mixed_date_order", 11)]
    assert "13/01/2025" in found[0].en and "01/14/2025" in found[0].en


@pytest.mark.parametrize(
    "clock",
    [
        lambda t: t.strftime("%Y/%m/%d %I:%M:%S %p"),  # 08:00:00 PM
        lambda t: t.strftime("%Y-%m-%d %I:%M:%S").replace(" 0", " ") + t.strftime("%p").lower(),
        lambda t: (
            t.strftime("%Y/%m/%d ") + ("上午" if t.hour < 12 else "下午") + t.strftime(" %I:%M:%S")
        ),
    ],
    ids=["AM/PM", "am/pm", "上午/下午"],
)
def test_times_on_a_12_hour_clock_read_as_the_24_hour_times(tmp_path, clock):
    """'2025/01/05 08:00:00 PM' was read as 08:00 (DuckDB ignores the marker) and 12:05 AM as
    12:05 — a silent wrong hour for every afternoon order; Chinese Excel's 下午 08:00 was 'expected
    a timestamp'. The tiny campaign's 00:05 and 20:00 orders are the cases that tell."""
    clean = write_campaign(tmp_path / "clean")
    _orders_as(clean, "utf-8", lambda i, ln: ln)
    folder = write_campaign(tmp_path / "12h")

    def edit(i: int, line: str) -> str:
        fields = line.split(",")
        fields[2] = clock(pd.Timestamp(fields[2]))
        return ",".join(fields)

    _orders_as(folder, "utf-8", edit)
    assert _orders_table(folder) == _orders_table(clean)


def test_an_hour_past_12_with_a_marker_is_no_time(tmp_path):
    folder = write_campaign(tmp_path / "c")
    _orders_as(folder, "utf-8", _edit_field(2, "2025-01-02 13:05 PM", (2,)))
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    assert [(p.code, p.row) for p in err.value.problems if p.severity == "error"] == [
        ("bad_type", 2)
    ]


def test_columns_aligned_with_spaces_and_times_in_digits_read_as_the_csv(tmp_path):
    """A text file whose columns are aligned with runs of spaces (a report printed to text, as
    CDNOW's is) had one column; times in digits only (20250105000500, as databases export them)
    were 'expected a timestamp'. Both now read as the CSV, with a warning for the spacing."""
    clean = write_campaign(tmp_path / "clean")
    _orders_as(clean, "utf-8", lambda i, ln: ln)
    lines = (clean / "orders.csv").read_text(encoding="utf-8").splitlines()
    rows = [ln.split(",") for ln in lines]
    for row in rows[1:]:
        row[2] = pd.Timestamp(row[2]).strftime("%Y%m%d%H%M%S")
    width = [max(len(r[j]) for r in rows) + 2 for j in range(len(rows[0]))]
    text = (
        "\n".join("  " + "".join(v.rjust(w) for v, w in zip(r, width, strict=True)) for r in rows)
        + "\n"
    )
    folder = write_campaign(tmp_path / "aligned")
    _orders_renamed(folder, "orders.txt", text.encode("utf-8"))
    assert "  20250105000610  " in text  # the second line of o5, 70 s after the first
    campaign = open_campaign(folder)
    warned = [w.code for w in campaign.warnings]
    campaign.con.close()
    assert _orders_table(folder) == _orders_table(clean)
    assert "space_aligned" in warned


def test_the_real_cdnow_file_reads_as_its_source_describes():
    """CDNOW_master.txt (whitespace-separated, dates as YYYYMMDD): 69,659 rows as SOURCES.md
    says; the amounts sum as pandas' own whitespace reader sums them; every date is a day of
    1997-01 … 1998-06 as the contract's cast reads it."""
    import os

    from conftest import SHARED
    from fupan.ingest.card import CONTRACTS
    from fupan.ingest.readers.load import open_table
    from fupan.ingest.validate.columns import _cast_expr

    path = SHARED / "datasets" / "cdnow" / "CDNOW_master.txt"
    mapping = {"customer_id": "user_id", "date": "order_time", "dollar_value": "paid_amount"}
    opened = open_table(path, table="orders", mapping=mapping, salt=os.urandom(16))
    assert [p.code for p in opened.problems] == ["space_aligned"]
    col = {c.name: c for c in CONTRACTS["orders"]}
    when = _cast_expr(col["order_time"], "VARCHAR", "UTC")
    paid = _cast_expr(col["paid_amount"], "VARCHAR", "UTC")
    n, total, first, last, unread = opened.con.execute(
        f"SELECT count(*), sum({paid}), min({when}), max({when}), "
        f"count(*) FILTER (WHERE {when} IS NULL) FROM raw_orders"
    ).fetchall()[0]
    opened.con.close()
    expected = pd.read_csv(path, sep=r"\s+", header=0)
    assert n == 69_659 == len(expected)
    assert total == pytest.approx(expected["dollar_value"].sum(), abs=0.01)
    assert unread == 0
    assert str(first)[:7] == "1997-01" and str(last)[:7] == "1998-06"


def test_a_contract_columns_name_in_other_letter_case_is_that_column(tmp_path):
    """ORDER_ID, User Id, OrderTime, paid-amount … (a database's or a BI tool's export) were
    'missing', with a wrong guess
    ('Did you mean Order_Time?' for order_id); now read as the columns. A file with both order_id
    and ORDER_ID reads the one named as the contract names it."""
    clean = write_campaign(tmp_path / "clean")
    expected = _orders_table(clean)
    header = "order_id,user_id,order_time,paid_amount,channel,status,refund_amount"
    folder = write_campaign(tmp_path / "upper")
    text = (folder / "orders.csv").read_text(encoding="utf-8")
    upper = "ORDER_ID,User Id,OrderTime,paid-amount,Channel,Status,Refund_Amount"
    (folder / "orders.csv").write_text(upper + text[len(header) :], encoding="utf-8")
    assert _orders_table(folder) == expected
    both = write_campaign(tmp_path / "both")
    lines = (both / "orders.csv").read_text(encoding="utf-8").splitlines()
    lines = [lines[0] + ",ORDER_ID"] + [ln + ",x" for ln in lines[1:]]
    (both / "orders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    campaign = open_campaign(both)
    ids = {r[0] for r in campaign.con.execute("SELECT order_id FROM orders").fetchall()}
    campaign.con.close()
    assert ids == {row[0] for row in TINY_ORDERS}


def test_targets_and_events_channels_named_otherwise_than_the_orders_are_warned(tmp_path):
    """Targets keyed 自播 / all and events keyed LIVE matched no order channel: attainment showed
    0 % and the funnel by channel disagreed with the orders, without a word (only the spend's
    channels were compared). Each table's unknown channels are one warning, with the channel each
    is probably meant as: the same but for letter case, or its name in the card's taxonomy."""
    events = [(u, t, e, "LIVE" if i % 2 else c) for i, (u, t, e, c) in enumerate(tiny_events())]
    folder = write_campaign(tmp_path / "c", card={**TINY_CARD}, events=events)
    days = pd.date_range("2025-01-05", "2025-01-06").strftime("%Y-%m-%d")
    pd.DataFrame(
        [(d, c, 100.0) for d in days for c in ("自播", "search", "all")],
        columns=["date", "channel", "gmv"],
    ).to_csv(folder / "targets.csv", index=False)
    card = {**TINY_CARD, "tables": {**TINY_CARD["tables"], "targets": "targets.csv"}}
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    campaign = open_campaign(folder)
    found = {w.file: w for w in campaign.warnings if w.code == "unknown_channel"}
    campaign.con.close()
    assert sorted(found) == ["events.csv", "targets.csv"]
    targets, events_w = found["targets.csv"], found["events.csv"]
    assert targets.row == 1 and targets.column == "channel"
    assert "自播, all" in targets.en and "自播 → live?" in targets.en and "目标达成" in targets.zh
    assert "search" not in targets.en.split("→")[0].split("appear")[0]
    assert "LIVE → live?" in events_w.en and events_w.row is None


def test_spend_channels_in_capitals_are_hinted_at_the_orders_spelling(tmp_path):
    days = pd.date_range("2025-01-01", "2025-01-08").strftime("%Y-%m-%d")
    folder = write_campaign(tmp_path / "c", spend=[(d, "LIVE", 10.0) for d in days])
    campaign = open_campaign(folder)
    (w,) = [w for w in campaign.warnings if w.code == "unknown_channel"]
    campaign.con.close()
    assert w.file == "spend.csv" and "LIVE → live?" in w.en and "LIVE → live?" in w.zh


def test_spend_rows_repeating_a_day_and_channel_are_said_to_be_summed(tmp_path):
    """Two spend exports pasted with two overlapping days (their figures a little different, so
    no exact duplicates) were summed without a word: the spend of those days counted twice. One
    warning names the keys repeated and the first rows of each."""
    days = list(pd.date_range("2025-01-01", "2025-01-08").strftime("%Y-%m-%d"))
    first = [(d, "live", 10.0) for d in days[:5]]
    second = [(d, "live", 11.0) for d in days[3:]]  # 01-04 and 01-05 again
    folder = write_campaign(tmp_path / "c", spend=first + second)
    campaign = open_campaign(folder)
    (w,) = [w for w in campaign.warnings if w.code == "rows_summed"]
    total = campaign.con.execute("SELECT sum(spend) FROM spend").fetchall()[0][0]
    campaign.con.close()
    assert w.file == "spend.csv" and w.row == 4 and w.severity == "warning"
    assert "2 (date, channel) key(s)" in w.en and "(4 rows)" in w.en
    assert "rows 4=6; rows 5=7" in w.en and "2 组" in w.zh
    assert total == 5 * 10.0 + 5 * 11.0  # nothing dropped: the warning says what is summed


def test_spend_in_fen_is_questioned(tmp_path):
    """A spend export in 分 (the tiny campaign's spend × 100) passed without a word and the report
    said ROAS 0.04, every channel below break-even. By hand: burst spend 2 × 50 × 100 = 10,000
    against a burst GMV of 200 + 40 + 120 + 80 = 440 (22.7 ×) and a budget of 400 (25.0 ×)."""
    days = pd.date_range("2025-01-01", "2025-01-08").strftime("%Y-%m-%d")
    plain = write_campaign(tmp_path / "yuan")
    campaign = open_campaign(plain)
    assert "spend_scale" not in {w.code for w in campaign.warnings}
    campaign.con.close()
    card = {**TINY_CARD, "strategy": {**TINY_CARD["strategy"], "budget": {"live": 400.0}}}
    fen = [(d, "live", (10.0 if d < "2025-01-05" else 50.0) * 100) for d in days]
    campaign = open_campaign(write_campaign(tmp_path / "fen", card=card, spend=fen))
    (w,) = [w for w in campaign.warnings if w.code == "spend_scale"]
    campaign.con.close()
    assert w.file == "spend.csv" and w.column == "spend"
    assert "totals 10,000" in w.en and "25.0 times the card's whole budget (400)" in w.en
    assert "22.7 times the GMV of those days (440)" in w.en and "分" in w.zh


def test_spend_days_missing_for_one_channel_in_the_campaign_are_named(tmp_path):
    """One channel's spend rows missing on a burst day (the export skipped it) made its spend
    smaller and its ROAS better with no word: a gap in the baseline was noted, one inside the
    campaign for one channel was not. Days missing before a channel's first row are not gaps."""
    days = list(pd.date_range("2025-01-01", "2025-01-08").strftime("%Y-%m-%d"))
    rows = [(d, "live", 10.0) for d in days] + [(d, "search", 5.0) for d in days[5:]]
    whole = write_campaign(tmp_path / "whole", spend=rows)
    campaign = open_campaign(whole)
    assert "spend_gaps" not in {w.code for w in campaign.warnings}  # search starts on 01-06
    campaign.con.close()
    holed = [r for r in rows if r[:2] != ("2025-01-06", "live")]  # the burst's last day
    campaign = open_campaign(write_campaign(tmp_path / "holed", spend=holed))
    (w,) = [w for w in campaign.warnings if w.code == "spend_gaps"]
    campaign.con.close()
    assert w.file == "spend.csv" and "live: 1 day(s) missing (2025-01-06)" in w.en
    assert "search" not in w.en and "live 缺 1 天（2025-01-06）" in w.zh


def test_the_mapping_block_takes_the_likelier_of_two_known_headers(tmp_path):
    """A spend export with both 渠道 and 推广工具: the pasteable block mapped 推广工具 (the first
    header alphabetically) to channel and left 渠道 out, so every spend row became an unknown
    channel once pasted. The header words' own order decides now: 渠道 first."""
    folder = write_campaign(tmp_path / "c")
    days = pd.date_range("2025-01-01", "2025-01-08").strftime("%Y-%m-%d")
    pd.DataFrame({"日期": days, "推广工具": "直通车", "渠道": "live", "花费": 10.0}).to_csv(
        folder / "spend.csv", index=False
    )
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    first = next(p for p in err.value.problems if p.code == "missing_column")
    block = first.en.split("\nmapping:\n")[1]
    assert "渠道: channel" in block and "推广工具" not in block and "日期: date" in block


@pytest.mark.parametrize("kind", ["csv", "parquet"])
def test_anonymous_events_are_left_out_with_a_warning_not_refused(tmp_path, kind):
    """Behaviour logs hold visits of visitors not logged in (no user_id): the whole events table
    was refused for them. Now they are left out of the typed events with one warning giving
    their count and share; the identified visitors' events are all kept. All anonymous: still
    refused (no funnel could be counted)."""
    events = tiny_events()
    anonymous = [("", t, "visit", c) for _, t, _, c in events[:6]]
    folder = write_campaign(tmp_path / kind, events=events + anonymous)
    if kind == "parquet":
        frame = pd.read_csv(folder / "events.csv", dtype=str)
        frame["event_time"] = pd.to_datetime(frame["event_time"])
        frame.to_parquet(folder / "events.parquet", index=False)
        (folder / "events.csv").unlink()
        card = {**TINY_CARD, "tables": {**TINY_CARD["tables"], "events": "events.parquet"}}
        (folder / "campaign.yaml").write_text(
            yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    campaign = open_campaign(folder)
    (w,) = [w for w in campaign.warnings if w.code == "anonymous_events"]
    kept = campaign.con.execute("SELECT count(*), count(user_id) FROM events").fetchall()[0]
    campaign.con.close()
    n = len(events)
    assert kept == (n, n)
    assert w.severity == "warning" and w.row == n + 1 and w.column == "user_id"
    assert f"6 of the {n + 6:,} events" in w.en and "匿名" in w.zh
    everyone = write_campaign(tmp_path / "all", events=anonymous)
    with pytest.raises(ValidationError) as err:
        open_campaign(everyone)
    assert [(p.code, p.column) for p in err.value.problems if p.severity == "error"] == [
        ("null_value", "user_id")
    ]


@pytest.mark.parametrize("unit", [1, 1000])
def test_unix_times_are_read_in_utc_and_shown_in_the_cards_zone(tmp_path, unit):
    """Behaviour logs and APIs write times as Unix seconds or milliseconds (1736380800): they
    were refused as 'expected a timestamp'. Read as UTC and converted to the card's time zone —
    the expected local times computed here with Python's zoneinfo from the ISO times."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    events = tiny_events()
    zone = ZoneInfo(TINY_CARD["timezone"])

    def unix(text: str) -> str:
        local = dt.datetime.fromisoformat(text).replace(tzinfo=zone)
        return str(int(local.timestamp()) * unit + (123 if unit == 1000 else 0))

    folder = write_campaign(
        tmp_path / str(unit), events=[(u, unix(t), e, c) for u, t, e, c in events]
    )
    campaign = open_campaign(folder)
    got = campaign.con.execute("SELECT event_time FROM events ORDER BY _row").fetchall()
    campaign.con.close()
    extra = dt.timedelta(milliseconds=123) if unit == 1000 else dt.timedelta(0)
    assert [g[0] for g in got] == [dt.datetime.fromisoformat(t) + extra for _, t, _, _ in events]


def _events_and_words_read(folder):
    """The typed events of ``folder``'s campaign in row order, and its ``words_read`` warnings."""
    campaign = open_campaign(folder)
    try:
        return (
            campaign.con.execute("SELECT event FROM events ORDER BY _row").fetchall(),
            [w for w in campaign.warnings if w.code == "words_read"],
        )
    finally:
        campaign.con.close()


def test_chinese_event_words_are_read_with_a_warning(tmp_path):
    """访问/浏览/加购/下单/支付 — a behaviour log exported in Chinese — were refused although the
    error itself gave each word's meaning. Read now as visit/view/cart/order/pay (the typed events
    equal those of the same log in English), with one warning naming the words read."""
    zh = {"visit": "访问", "view": "浏览", "cart": "加购", "order": "下单", "pay": "支付"}
    events = tiny_events()
    events = [(u, t, list(zh)[i % 5], c) for i, (u, t, _, c) in enumerate(events)]
    got = {
        "en": _events_and_words_read(write_campaign(tmp_path / "en", events=events)),
        "zh": _events_and_words_read(
            write_campaign(tmp_path / "zh", events=[(u, t, zh[e], c) for u, t, e, c in events])
        ),
    }
    assert got["zh"][0] == got["en"][0] and not got["en"][1]
    (w,) = got["zh"][1]
    assert w.severity == "warning" and w.row == 1 and w.column == "event"
    assert "访问 → visit" in w.en and "支付 → pay" in w.en and "break the contract" not in w.en
    assert "Chinese words" in w.en


def test_tracking_tools_english_event_words_are_read_and_an_ambiguous_one_refused(tmp_path):
    """A tracking tool's log names its events session_start / view_item / Add_To_Cart /
    place_order / purchase: each has one meaning and is read (letter case folded), the typed
    events equal the same log in the contract's words; page_view (a visit or a product view?)
    is still refused, its row named."""
    en = {"visit": "session_start", "view": "view_item", "cart": "Add_To_Cart",
          "order": "place_order", "pay": "purchase"}  # fmt: skip
    events = tiny_events()
    events = [(u, t, list(en)[i % 5], c) for i, (u, t, _, c) in enumerate(events)]
    got = {
        "plain": _events_and_words_read(write_campaign(tmp_path / "plain", events=events)),
        "tool": _events_and_words_read(
            write_campaign(tmp_path / "tool", events=[(u, t, en[e], c) for u, t, e, c in events])
        ),
    }
    assert got["tool"][0] == got["plain"][0] and not got["plain"][1]
    (w,) = got["tool"][1]
    assert "Add_To_Cart → cart" in w.en and "purchase → pay" in w.en
    assert "other words" in w.en and "Chinese" not in w.en and "别的写法" in w.zh
    ambiguous = [
        (u, t, "page_view" if i == 3 else en[e], c) for i, (u, t, e, c) in enumerate(events)
    ]
    with pytest.raises(ValidationError) as err:
        open_campaign(write_campaign(tmp_path / "ambiguous", events=ambiguous))
    (refused,) = [p for p in err.value.problems if p.column == "event"]
    assert refused.code == "value_not_allowed" and refused.row == 4 and "'page_view'" in refused.en
    assert "1 row(s)" in refused.en


def test_ten_thousands_and_a_rates_percent_are_read(tmp_path):
    """Chinese dashboards write counts and amounts in 万 (4.14万 = 41,400) and rates in percent
    (20%): both were refused as 'expected a number' (while 20 for 20 % passed). 万 is read in any
    number column, exactly (4.14 × 10000 is 41399.999… in binary and a count must be whole);
    a percent only where a rate is expected — a paid amount of '20%' is still refused."""
    days = list(pd.date_range("2025-01-01", "2025-01-08").strftime("%Y-%m-%d"))
    folder = write_campaign(tmp_path / "c")
    spend = pd.DataFrame(
        {"date": days, "channel": "live", "spend": ["1.2万元"] + ["10"] * 7,
         "impressions": ["4.14万", "3.3万", "12,000", "1万", "900", "0.01万", "2.5万", "7"]}
    )  # fmt: skip
    spend.to_csv(folder / "spend.csv", index=False)
    pd.DataFrame(
        {"session_id": ["L1", "K1"], "start_time": ["2025-01-05 19:00:00"] * 2,
         "end_time": ["2025-01-05 22:00:00"] * 2, "kind": ["own", "kol"],
         "commission_rate": ["0%", "12.5%"]}
    ).to_csv(folder / "live.csv", index=False)  # fmt: skip
    card = {**TINY_CARD, "tables": {**TINY_CARD["tables"], "live_sessions": "live.csv"}}
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    campaign = open_campaign(folder)
    got = campaign.con.execute("SELECT spend, impressions FROM spend ORDER BY _row").fetchall()
    rates = campaign.con.execute("SELECT commission_rate FROM live_sessions ORDER BY _row")
    rates = [r[0] for r in rates.fetchall()]
    campaign.con.close()
    assert [g[1] for g in got] == [41400, 33000, 12000, 10000, 900, 100, 25000, 7]
    assert got[0][0] == 12000.0 and rates == [0.0, 0.125]
    bad = write_campaign(tmp_path / "pct")
    text = (bad / "orders.csv").read_text(encoding="utf-8").splitlines()
    text[2] = text[2].replace(",50.0,", ",20%,")
    (bad / "orders.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        open_campaign(bad)
    assert [(p.code, p.column, p.row) for p in err.value.problems] == [
        ("bad_type", "paid_amount", 2)
    ]


def test_headers_with_units_and_the_ops_tables_chinese_headers_get_a_mapping(tmp_path):
    """花费(元) and 展现量（次） — a header with its unit — and a live-session sheet's Chinese headers
    (场次ID, 开播时间 …) got no mapping proposed; the block now names them, and pasted into the card
    it makes the campaign valid with the spend read."""
    days = list(pd.date_range("2025-01-01", "2025-01-08").strftime("%Y-%m-%d"))
    folder = write_campaign(tmp_path / "c")
    pd.DataFrame({"日期": days, "渠道": "live", "花费(元)": 10.0, "展现量（次）": 1000}).to_csv(
        folder / "spend.csv", index=False
    )
    pd.DataFrame(
        {"场次ID": ["L1"], "开播时间": ["2025-01-05 19:00:00"], "下播时间": ["2025-01-05 22:00:00"],
         "直播类型": ["own"], "佣金比例": ["0"]}
    ).to_csv(folder / "live.csv", index=False)  # fmt: skip
    card = {**TINY_CARD, "tables": {**TINY_CARD["tables"], "live_sessions": "live.csv"}}
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    blocks = {
        p.file: yaml.safe_load("mapping:\n" + p.en.split("\nmapping:\n")[1])["mapping"]
        for p in err.value.problems
        if p.code == "missing_column" and "\nmapping:\n" in p.en
    }
    assert blocks["spend.csv"] == {
        "spend": {
            "日期": "date",
            "渠道": "channel",
            "花费(元)": "spend",
            "展现量（次）": "impressions",
        }
    }
    assert blocks["live.csv"]["live_sessions"] == {
        "场次ID": "session_id", "开播时间": "start_time", "下播时间": "end_time", "直播类型": "kind",
        "佣金比例": "commission_rate",
    }  # fmt: skip
    card["mapping"] = {**blocks["spend.csv"], **blocks["live.csv"]}
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    campaign = open_campaign(folder)
    spent = campaign.con.execute("SELECT sum(spend), sum(impressions) FROM spend").fetchall()[0]
    campaign.con.close()
    assert spent == (80.0, 8000)


def test_a_table_file_named_in_another_letter_case_or_a_folder_is_said_so(tmp_path):
    """tables.spend: spend.csv with the file saved as Spend.csv (one file on Windows and macOS,
    two names on Linux), or a folder at that path: 'does not exist' said nothing more."""
    folder = write_campaign(tmp_path / "case")
    (folder / "spend.csv").rename(folder / "Spend.csv")
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.code == "table_missing"]
    assert "The folder has Spend.csv" in p.en and "Spend.csv" in p.zh
    folder = write_campaign(tmp_path / "dir")
    (folder / "spend.csv").unlink()
    (folder / "spend.csv").mkdir()
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    (p,) = [p for p in err.value.problems if p.code == "table_missing"]
    assert "That path is a folder, not a file." in p.en and "文件夹" in p.zh


def test_a_second_header_row_of_labels_is_one_error(tmp_path):
    """A sheet made for people: the English header, then a row of Chinese labels (日期, 渠道,
    花费). Each column said 'expected a date/number' at row 1; now one error names the row."""
    folder = write_campaign(tmp_path / "c")
    lines = (folder / "spend.csv").read_text(encoding="utf-8").splitlines()
    lines.insert(1, "日期,渠道,花费")
    (folder / "spend.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    assert [(p.code, p.file, p.row) for p in err.value.problems] == [("label_row", "spend.csv", 1)]
    assert "日期, 渠道, 花费" in err.value.problems[0].en


def test_a_live_sessions_and_a_coupons_chinese_words_are_read(tmp_path):
    """自播/达播 for a session's kind and 店铺/平台 for a coupon's funder were refused without a
    hint; they are own/kol and shop/platform, read with one warning each. A word with no single
    meaning (带货) is still refused."""
    folder = write_campaign(tmp_path / "c")
    pd.DataFrame(
        {"session_id": ["L1", "K1", "K2"], "start_time": ["2025-01-05 19:00:00"] * 3,
         "end_time": ["2025-01-05 22:00:00"] * 3, "kind": ["自播", "达播", "kol"]}
    ).to_csv(folder / "live.csv", index=False)  # fmt: skip
    pd.DataFrame(
        {"coupon_id": ["c1", "c2"], "funded_by": ["店铺", "平台"], "issued": [10, 20]}
    ).to_csv(folder / "coupons.csv", index=False)
    card = {
        **TINY_CARD,
        "tables": {**TINY_CARD["tables"], "live_sessions": "live.csv", "coupons": "coupons.csv"},
    }
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    campaign = open_campaign(folder)
    kinds = campaign.con.execute("SELECT kind FROM live_sessions ORDER BY _row").fetchall()
    funders = campaign.con.execute("SELECT funded_by FROM coupons ORDER BY _row").fetchall()
    read = {w.file: w for w in campaign.warnings if w.code == "words_read"}
    campaign.con.close()
    assert [k[0] for k in kinds] == ["own", "kol", "kol"]
    assert [f[0] for f in funders] == ["shop", "platform"]
    assert "自播 → own, 达播 → kol" in read["live.csv"].en
    assert "店铺 → shop, 平台 → platform" in read["coupons.csv"].en
    pd.DataFrame(
        {"session_id": ["L1"], "start_time": ["2025-01-05 19:00:00"],
         "end_time": ["2025-01-05 22:00:00"], "kind": ["带货"]}
    ).to_csv(folder / "live.csv", index=False)  # fmt: skip
    with pytest.raises(ValidationError) as err:
        open_campaign(folder)
    assert [(p.code, p.column) for p in err.value.problems] == [("value_not_allowed", "kind")]


def test_a_rate_written_in_percent_in_the_card_is_refused_with_its_fraction():
    """strategy.targets cr: 5 (for 5 %) was read as a 500 % conversion target, and a hypothesis
    'cr >= 40' as ≥ 4000 % — judged failed though met. Rates (the dictionary's 'ratio' KPIs)
    above 1 are refused, the fraction meant given; 0.05, a multiple (roas 3.5) and an index
    (cr_index 150) are taken."""
    import yaml

    from fupan.ingest.card import parse_card

    card = copy.deepcopy(TINY_CARD)
    card["strategy"]["targets"] = {"cr": 5, "roas": 3.5}
    card["strategy"]["hypotheses"] = [
        {"id": "H1", "text": "转化率翻倍", "kpi": "cr", "op": ">=", "value": 40},
        {"id": "H2", "text": "转化指数", "kpi": "cr_index", "op": ">=", "value": 150},
    ]
    _, problems = parse_card(yaml.safe_dump(card, allow_unicode=True, sort_keys=False))
    by_key = {p.column: p for p in problems if p.severity == "error"}
    assert set(by_key) == {"strategy.targets", "strategy.hypotheses.0"}, by_key
    target = by_key["strategy.targets"]
    assert "0.05 for 5 %" in target.en and "5% 写 0.05" in target.zh and target.row is not None
    assert "0.4 for 40 %" in by_key["strategy.hypotheses.0"].en
    card["strategy"]["targets"]["cr"] = 0.05
    card["strategy"]["hypotheses"][0]["value"] = 0.4
    _, problems = parse_card(yaml.safe_dump(card, allow_unicode=True, sort_keys=False))
    assert not [p for p in problems if p.severity == "error"]


def test_days_of_spend_without_any_order_are_named(tmp_path):
    """An orders export that missed days: spend every day of the tiny campaign, orders cut from
    01-06 and 01-07. The report read them as days without sales (GMV ¥0, ROAS 0, the lift lower)
    without a word; one warning names the two days. Before the cut, none."""
    days = pd.date_range("2025-01-01", "2025-01-08").strftime("%Y-%m-%d")
    spend = [(d, "live", 10.0) for d in days]
    whole = write_campaign(tmp_path / "whole", spend=spend)
    cut_orders = [r for r in TINY_ORDERS if not str(r[2]).startswith(("2025-01-06", "2025-01-07"))]
    assert len(cut_orders) < len(TINY_ORDERS)
    cut = write_campaign(tmp_path / "cut", orders=cut_orders, spend=spend)
    got = {}
    for name, folder in (("whole", whole), ("cut", cut)):
        campaign = open_campaign(folder)
        got[name] = [w for w in campaign.warnings if w.code == "orders_gap"]
        campaign.con.close()
    assert not got["whole"]
    (w,) = got["cut"]
    assert "2025-01-06, 2025-01-07" in w.en and "2 day(s)" in w.en and "2 个" in w.zh
    assert w.file == "orders.csv" and w.severity == "warning"


def test_a_baseline_at_the_start_of_the_history_is_said_to_make_every_buyer_organic_new(
    tmp_path,
):
    """The tiny campaign's orders begin on its baseline's first day: every baseline buyer's first
    order is in the baseline, so each counts as an 'organic new customer' (probing the demo: 1,221
    of 1,222) and the report compared campaign-new customers against them without a caveat. One
    warning says so; with 90 days of orders before the baseline, none."""
    early = [("o0", "z", "2024-10-01 10:00:00", 10.0, "live", "paid", 0.0)]
    got = {}
    for name, orders in (("from_baseline", TINY_ORDERS), ("earlier", early + TINY_ORDERS)):
        campaign = open_campaign(write_campaign(tmp_path / name, orders=orders))
        got[name] = [w for w in campaign.warnings if w.code == "short_history_baseline"]
        campaign.con.close()
    (w,) = got["from_baseline"]
    assert "2025-01-01" in w.en and "organic new" in w.en and "自然新客" in w.zh
    assert not got["earlier"]


@pytest.mark.parametrize(
    ("dip", "warned"), [(("2025-01-07", "2025-01-07"), True), (("2025-01-07", "2025-01-20"), False)]
)
def test_a_dip_window_shorter_than_two_weeks_is_said_to_miss_pull_forward(dip, warned):
    """A one-day dip was taken as it was and the report said 'no pull-forward, a halo' from it.
    METHODS §1.1 asks for 14–28 days: a shorter dip gets a warning naming its line; 14 days none."""
    import yaml

    from fupan.ingest.card import parse_card

    card = copy.deepcopy(TINY_CARD)
    card["windows"]["dip"] = list(dip)
    _, problems = parse_card(yaml.safe_dump(card, allow_unicode=True, sort_keys=False))
    found = [p for p in problems if p.code == "dip_short"]
    assert bool(found) is warned and all(p.severity == "warning" for p in problems)
    if warned:
        (w,) = found
        assert "1 day(s)" in w.en and "14–28" in w.en and "1 天" in w.zh and w.row is not None


def test_a_window_order_error_does_not_echo_python_reprs():
    """Overlapping windows were refused with the whole windows block echoed as Python saw it —
    '（收到 {'baseline': [datetime.date(2025, 1, 1), …]…}）'. The message names the two windows
    and dates; the block is not echoed."""
    import yaml

    from fupan.ingest.card import parse_card

    card = copy.deepcopy(TINY_CARD)
    card["windows"]["dip"] = ["2025-01-06", "2025-01-08"]  # overlaps the burst
    _, problems = parse_card(yaml.safe_dump(card, allow_unicode=True, sort_keys=False))
    (p,) = [p for p in problems if p.severity == "error"]
    assert "dip" in p.en and "2025-01-06" in p.en and "datetime" not in p.en + p.zh
    assert "收到" not in p.zh and "(got" not in p.en


def test_a_hypothesis_on_a_missing_window_lists_only_windows_it_may_name():
    """A hypothesis on the post window of a card without one listed 'baseline' among the windows
    it could name — and 'baseline' is then refused (a hypothesis compares a window with it)."""
    import yaml

    from fupan.ingest.card import parse_card

    card = copy.deepcopy(TINY_CARD)
    card["strategy"]["hypotheses"][0]["window"] = "post"
    _, problems = parse_card(yaml.safe_dump(card, allow_unicode=True, sort_keys=False))
    (p,) = [p for p in problems if p.severity == "error"]
    assert "(defined: burst, campaign, dip)" in p.en and "baseline" not in p.en


def test_a_zero_budget_with_money_spent_is_questioned(tmp_path):
    """A card budgeting live at 0 while the spend table spent 80 on it (8 days × 10): nothing was
    said, the pacing chart drew a 0 line. One warning names the channel and the amount."""
    import yaml

    days = pd.date_range("2025-01-01", "2025-01-08").strftime("%Y-%m-%d")
    folder = write_campaign(tmp_path / "c", spend=[(d, "live", 10.0) for d in days])
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    card["strategy"]["budget"] = {"live": 0}
    (folder / "campaign.yaml").write_text(yaml.safe_dump(card, allow_unicode=True), "utf-8")
    campaign = open_campaign(folder)
    found = [w for w in campaign.warnings if w.code == "spend_without_budget"]
    campaign.con.close()
    (w,) = found
    assert "live 80" in w.en and w.file == "campaign.yaml" and w.column == "strategy.budget.live"


def test_days_between_campaign_windows_are_named():
    """A card with six days between its preheat and its burst: the campaign as a whole (KPIs, the
    daily table) counted them, the lift by window did not — two '活动整体' figures ¥7万 apart,
    without a word. A warning names the gap; adjacent windows get none."""
    import yaml

    from fupan.ingest.card import parse_card

    card = copy.deepcopy(TINY_CARD)
    card["windows"] = {
        "baseline": ["2025-01-01", "2025-01-02"],
        "preheat": ["2025-01-03", "2025-01-03"],
        "burst": ["2025-01-05", "2025-01-06"],
        "dip": ["2025-01-07", "2025-01-20"],
    }
    _, problems = parse_card(yaml.safe_dump(card, allow_unicode=True, sort_keys=False))
    (w,) = [p for p in problems if p.code == "window_gap"]
    assert "1 day(s)" in w.en and w.column == "windows.burst" and "1 天" in w.zh
    card["windows"]["preheat"] = ["2025-01-03", "2025-01-04"]
    _, problems = parse_card(yaml.safe_dump(card, allow_unicode=True, sort_keys=False))
    assert not [p for p in problems if p.code == "window_gap"]


def test_a_last_day_cut_short_is_flagged_by_hand():
    """Ten days whose last order falls at 20:00, then a last day ending at 12:50: more than three
    hours early → flagged with a warning naming both times. Ending at 18:30 (1.5 h early), with
    too few days before it, or without times of day: nothing."""
    import datetime as dt

    import pandas as pd

    from fupan.ingest.history import partial_last_day

    days = [dt.date(2025, 11, 20) - dt.timedelta(days=i) for i in range(11)]

    def rows(final: str) -> list:
        out = [(days[0], pd.Timestamp(f"{days[0]} {final}"))]
        return out + [(d, pd.Timestamp(f"{d} 20:00")) for d in days[1:]]

    flags, warnings = partial_last_day(rows("12:50"), "orders.csv", True)
    assert flags == {"partial_day": "2025-11-20"}
    (w,) = warnings
    assert w.code == "partial_last_day" and "12:50" in w.zh and "20:00" in w.en
    assert partial_last_day(rows("18:30"), "orders.csv", True) == ({}, [])
    assert partial_last_day(rows("12:50")[:7], "orders.csv", True) == ({}, [])
    assert partial_last_day(rows("12:50"), "orders.csv", False) == ({}, [])

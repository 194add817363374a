"""Regenerate the corpus of broken (and a few tricky but valid) campaign folders.

    python tests/bad_inputs/make_corpus.py            # rewrite tests/bad_inputs/<case>/
    python tests/bad_inputs/make_corpus.py --out DIR  # write the corpus somewhere else

Each case is a tiny campaign folder (campaign.yaml + the tables it needs) plus ``expected.json``:

- a broken folder: ``{"code", "file", "row", "column", "why"}`` — the problem ``fupan validate``
  must report (exit code 2), ``row`` being the 1-based data row (header excluded) or the line of
  campaign.yaml, or null;
- a valid folder (name starting ``ok-``): ``{"valid": true, "warnings": [...], "queries": [...]}``
  — warnings that must be shown, and SQL over the validated tables with the rows it must return.

Everything is derived from one small valid campaign (``CARD`` + ``ORDERS``, 8 order lines over the
windows 2025-01-01 .. 2025-01-07), so each folder differs from a valid one in exactly one way.
"""

from __future__ import annotations

import argparse
import copy
import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

HERE = Path(__file__).resolve().parent
CARD_FILE = "campaign.yaml"
CARD: dict = {
    "id": "bad-input",
    "name": "坏输入样例",
    "platform": "tmall",
    "category": "beauty",
    "currency": "CNY",
    "timezone": "Asia/Shanghai",
    "windows": {
        "baseline": ["2025-01-01", "2025-01-03"],
        "burst": ["2025-01-04", "2025-01-05"],
        "dip": ["2025-01-06", "2025-01-07"],
    },
    "strategy": {
        "targets": {"gmv": 500.0},
        "budget": {"live": 100.0, "search": 50.0},
        "hypotheses": [
            {
                "id": "H1",
                "text": "转化率翻倍",
                "kpi": "cr_index",
                "op": ">=",
                "value": 200,
                "window": "burst",
            }
        ],
    },
    "tables": {"orders": "orders.csv"},
}
ORDER_COLUMNS = [
    "order_id",
    "user_id",
    "order_time",
    "paid_amount",
    "channel",
    "status",
    "refund_amount",
]
ORDERS = [
    ["o1", "u1", "2025-01-01 10:00:00", "100.0", "live", "paid", "0.0"],
    ["o2", "u2", "2025-01-02 11:00:00", "50.0", "search", "paid", "0.0"],
    ["o3", "u1", "2025-01-03 12:00:00", "30.0", "live", "cancelled", "0.0"],
    ["o4", "u3", "2025-01-04 09:00:00", "200.0", "live", "paid", "0.0"],
    ["o4", "u3", "2025-01-04 09:01:10", "40.0", "live", "paid", "0.0"],
    ["o5", "u4", "2025-01-05 20:00:00", "120.0", "live", "refunded", "120.0"],
    ["o6", "u2", "2025-01-06 10:00:00", "60.0", "search", "paid", "0.0"],
    ["o7", "u5", "2025-01-07 10:00:00", "10.0", "live", "paid", "0.0"],
]
DAYS = [f"2025-01-0{d}" for d in range(1, 8)]
EVENT_COLUMNS = ["user_id", "event_time", "event", "channel"]
EVENTS = [
    [u, f"{d} 09:00:00", "visit", ch] for d in DAYS for u, ch in (("u1", "live"), ("u2", "search"))
]
SPEND_COLUMNS = ["date", "channel", "spend"]
SPEND = [[d, ch, amount] for d in DAYS for ch, amount in (("live", "10.0"), ("search", "5.0"))]
INVENTORY_COLUMNS = ["date", "sku", "on_hand"]
INVENTORY = [[d, "s1", str(50 - i)] for i, d in enumerate(DAYS)]

CASES: dict[str, Callable[[Path], dict]] = {}


def case(name: str) -> Callable[[Callable[[Path], dict]], Callable[[Path], dict]]:
    def register(fn: Callable[[Path], dict]) -> Callable[[Path], dict]:
        assert name not in CASES, name
        CASES[name] = fn
        return fn

    return register


# ----------------------------------------------------------------------------- writers
def card_text(card: dict | None = None) -> str:
    return yaml.safe_dump(
        card or CARD, allow_unicode=True, sort_keys=False, default_flow_style=None, width=200
    )


def card_with(**changes) -> dict:
    """CARD with ``a__b=value`` set (``...`` deletes the key)."""
    card = copy.deepcopy(CARD)
    for path, value in changes.items():
        node, keys = card, path.split("__")
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        if value is ...:
            del node[keys[-1]]
        else:
            node[keys[-1]] = value
    return card


def write_card(folder: Path, card: dict | None = None, text: str | None = None) -> str:
    text = text if text is not None else card_text(card)
    (folder / CARD_FILE).write_text(text, encoding="utf-8")
    return text


def csv_text(columns: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def write_csv(
    folder: Path, name: str, columns: list[str], rows: list[list], encoding: str = "utf-8"
) -> None:
    (folder / name).write_bytes(csv_text(columns, rows).encode(encoding))


def orders_with(row: int, **changes) -> list[list]:
    """ORDERS with data row ``row`` (1-based) changed."""
    rows = copy.deepcopy(ORDERS)
    for k, v in changes.items():
        rows[row - 1][ORDER_COLUMNS.index(k)] = v
    return rows


def valid(folder: Path, card: dict | None = None, orders: list[list] | None = None) -> None:
    write_card(folder, card)
    write_csv(folder, "orders.csv", ORDER_COLUMNS, ORDERS if orders is None else orders)


def line_of(text: str, needle: str, nth: int = 1, *, start: bool = False) -> int:
    """1-based line of the ``nth`` line of ``text`` containing (``start``: starting with) ``needle``."""
    hits = [
        i
        for i, line in enumerate(text.splitlines(), start=1)
        if (line.startswith(needle) if start else needle in line)
    ]
    return hits[nth - 1]


def expect(code: str, file: str, row: int | None, column: str | None, why: str) -> dict:
    return {"code": code, "file": file, "row": row, "column": column, "why": why}


def with_tables(folder: Path, *names: str, card: dict | None = None) -> dict:
    """A valid folder that also has the named optional tables."""
    card = copy.deepcopy(card or CARD)
    data = {
        "events": (EVENT_COLUMNS, EVENTS),
        "spend": (SPEND_COLUMNS, SPEND),
        "inventory": (INVENTORY_COLUMNS, INVENTORY),
    }
    for name in names:
        card["tables"][name] = f"{name}.csv"
        write_csv(folder, f"{name}.csv", *data[name])
    valid(folder, card)
    return card


# ----------------------------------------------------------------------------- the card
@case("card-missing")
def _(f: Path) -> dict:
    write_csv(f, "orders.csv", ORDER_COLUMNS, ORDERS)
    return expect(
        "card_missing", CARD_FILE, None, None, "the folder has tables but no campaign.yaml"
    )


@case("card-empty")
def _(f: Path) -> dict:
    valid(f)
    (f / CARD_FILE).write_bytes(b"")
    return expect("card_empty", CARD_FILE, None, None, "campaign.yaml is 0 bytes")


@case("card-yaml-syntax")
def _(f: Path) -> dict:
    valid(f)
    write_card(f, text="id: x\nname: [unclosed\nplatform: tmall\n")
    return expect("card_yaml", CARD_FILE, 3, None, "an unclosed [ in the YAML")


@case("card-not-mapping")
def _(f: Path) -> dict:
    valid(f)
    write_card(f, text="- id: bad-input\n- name: x\n")
    return expect(
        "card_not_mapping", CARD_FILE, None, None, "the card is a YAML list, not a mapping"
    )


@case("card-not-utf8")
def _(f: Path) -> dict:
    valid(f)
    text = card_text()
    (f / CARD_FILE).write_bytes(text.encode("gbk"))
    return expect(
        "card_encoding", CARD_FILE, line_of(text, "name:"), None, "campaign.yaml saved as GBK"
    )


@case("card-unknown-key")
def _(f: Path) -> dict:
    valid(f)
    text = write_card(f, {**CARD, "budgte": 1})
    return expect(
        "card_unknown_key", CARD_FILE, line_of(text, "budgte"), "budgte", "a misspelt top-level key"
    )


@case("card-unknown-nested-key")
def _(f: Path) -> dict:
    strategy = {k if k != "targets" else "target": v for k, v in CARD["strategy"].items()}
    valid(f)
    text = write_card(f, card_with(strategy=strategy))
    return expect(
        "card_unknown_key",
        CARD_FILE,
        line_of(text, "target:"),
        "strategy.target",
        "strategy.target instead of strategy.targets",
    )


@case("card-duplicate-key")
def _(f: Path) -> dict:
    valid(f)
    text = card_text() + "id: bad-input-2\n"
    write_card(f, text=text)
    return expect(
        "card_duplicate_key",
        CARD_FILE,
        line_of(text, "id:", 2, start=True),
        "id",
        "id given twice; YAML would silently keep the second",
    )


@case("card-missing-windows")
def _(f: Path) -> dict:
    valid(f, card_with(windows=...))
    return expect("card_missing_key", CARD_FILE, 1, "windows", "no windows")


@case("card-no-tables")
def _(f: Path) -> dict:
    valid(f, card_with(tables=...))
    return expect("card_missing_key", CARD_FILE, 1, "tables", "no tables section")


# One field of the card made wrong: (case, card_with changes, text on the reported line, column, why[,
# the line starts with that text]).
ONE_FIELD = [
    (
        "card-window-reversed",
        {"windows__burst": ["2025-01-05", "2025-01-04"]},
        "burst:",
        "windows.burst",
        "a window ends before it starts",
    ),
    (
        "card-windows-overlap",
        {"windows__burst": ["2025-01-03", "2025-01-05"]},
        "baseline:",
        "windows",
        "burst starts inside the baseline",
    ),
    (
        "card-windows-out-of-order",
        {"windows__burst": ["2024-12-20", "2024-12-21"]},
        "baseline:",
        "windows",
        "burst before the baseline",
    ),
    (
        "card-window-impossible-date",
        {"windows__dip": ["2025-01-06", "2025-02-30"]},
        "dip:",
        "windows.dip.end",
        "February 30th",
    ),
    (
        "card-window-year-typo",
        {"windows__dip": ["2025-01-06", "2205-01-07"]},
        "dip:",
        "windows.dip",
        "2205 for 2025",
    ),
    (
        "card-bad-timezone",
        {"timezone": "Asia/Beijing"},
        "timezone:",
        "timezone",
        "no such IANA zone",
    ),
    (
        "card-timezone-is-a-region",
        {"timezone": "Asia"},
        "timezone:",
        "timezone",
        "a region, not a zone (zoneinfo raised IsADirectoryError: a crash before)",
    ),
    (
        "card-bad-platform",
        {"platform": "amazon"},
        "platform:",
        "platform",
        "platform not in the list",
    ),
    ("card-bad-id", {"id": "Bad Input"}, "id:", "id", "upper case and a space in the id", True),
    (
        "card-bad-currency",
        {"currency": "rmb"},
        "currency:",
        "currency",
        "currency not ISO 4217 upper case",
    ),
    (
        "card-negative-budget",
        {"strategy__budget": {"live": -100.0}},
        "budget:",
        "strategy.budget",
        "a negative budget",
    ),
    (
        "card-nan-target",
        {"strategy__targets": {"gmv": float("nan")}},
        "targets:",
        "strategy.targets",
        "target .nan",
    ),
    (
        "card-table-outside-folder",
        {"tables__orders": "../orders.csv"},
        "../orders.csv",
        "tables.orders",
        "a table path that leaves the campaign folder",
    ),
]


def _one_field(
    changes: dict, marker: str, column: str, why: str, start: bool = False
) -> Callable[[Path], dict]:
    def write(f: Path) -> dict:
        valid(f)
        text = write_card(f, card_with(**changes))
        return expect("card_invalid", CARD_FILE, line_of(text, marker, start=start), column, why)

    return write


for _name, *_spec in ONE_FIELD:
    case(_name)(_one_field(*_spec))


# (case, field of the first hypothesis, bad value, text on the offending line, reason)
ONE_HYPOTHESIS_FIELD = (
    (
        "card-unknown-kpi",
        "kpi",
        "gmv_growth",
        "gmv_growth",
        "a hypothesis on a KPI the dictionary does not define",
    ),
    ("card-hypothesis-operator", "op", "=>", "=>", "=> is not an operator"),
    (
        "card-hypothesis-window-missing",
        "window",
        "preheat",
        "preheat",
        "the hypothesis names a window the card does not define",
    ),
)


def _one_hypothesis_field(field: str, value: str, needle: str, reason: str):
    def make(f: Path) -> dict:
        valid(f)
        hyp = [{**CARD["strategy"]["hypotheses"][0], field: value}]
        text = write_card(f, card_with(strategy__hypotheses=hyp))
        return expect(
            "card_invalid",
            CARD_FILE,
            line_of(text, needle),
            f"strategy.hypotheses.0.{field}",
            reason,
        )

    return make


for _name, *_spec in ONE_HYPOTHESIS_FIELD:
    case(_name)(_one_hypothesis_field(*_spec))


# ----------------------------------------------------------------------------- the mapping
@case("mapping-source-missing")
def _(f: Path) -> dict:
    valid(f, card_with(mapping={"orders": {"实付金额": "paid_amount"}}))
    return expect(
        "mapping_missing_column",
        "orders.csv",
        None,
        "实付金额",
        "the mapping names a column the file lacks",
    )


@case("mapping-unknown-target")
def _(f: Path) -> dict:
    text = write_card(f, card_with(mapping={"orders": {"实付金额": "paid_amt"}}))
    columns = [c if c != "paid_amount" else "实付金额" for c in ORDER_COLUMNS]
    write_csv(f, "orders.csv", columns, ORDERS)
    return expect(
        "mapping_unknown_target",
        CARD_FILE,
        line_of(text, "实付金额"),
        "mapping.orders.实付金额",
        "the mapping points to a column the contract does not have",
    )


@case("mapping-target-exists")
def _(f: Path) -> dict:
    write_card(f, card_with(mapping={"orders": {"实付金额": "paid_amount"}}))
    write_csv(f, "orders.csv", [*ORDER_COLUMNS, "实付金额"], [[*r, r[3]] for r in ORDERS])
    return expect(
        "mapping_target_exists",
        "orders.csv",
        None,
        "paid_amount",
        "mapped onto a column that already exists (was a DuckDB crash)",
    )


@case("mapping-duplicate-target")
def _(f: Path) -> dict:
    text = write_card(
        f, card_with(mapping={"orders": {"实付金额": "paid_amount", "买家实付": "paid_amount"}})
    )
    write_csv(
        f,
        "orders.csv",
        [*ORDER_COLUMNS[:3], "实付金额", "买家实付", *ORDER_COLUMNS[4:]],
        [[*r[:4], r[3], *r[4:]] for r in ORDERS],
    )
    return expect(
        "mapping_duplicate_target",
        CARD_FILE,
        line_of(text, "买家实付"),
        "mapping.orders.买家实付",
        "two source columns mapped onto paid_amount",
    )


# ----------------------------------------------------------------------------- files
@case("orders-file-missing")
def _(f: Path) -> dict:
    write_card(f)
    return expect(
        "table_missing",
        "orders.csv",
        None,
        "tables.orders",
        "tables.orders names a file that is not there",
    )


@case("inventory-file-missing")
def _(f: Path) -> dict:
    with_tables(f, "inventory")
    (f / "inventory.csv").unlink()
    return expect(
        "table_missing",
        "inventory.csv",
        None,
        "tables.inventory",
        "an optional table named but absent",
    )


@case("orders-zero-bytes")
def _(f: Path) -> dict:
    write_card(f)
    (f / "orders.csv").write_bytes(b"")
    return expect("table_empty", "orders.csv", None, None, "a 0-byte CSV")


@case("orders-whitespace-only")
def _(f: Path) -> dict:
    write_card(f)
    (f / "orders.csv").write_bytes(b" \n\n  \r\n")
    return expect("table_empty", "orders.csv", None, None, "a CSV holding only blank lines")


@case("orders-header-only")
def _(f: Path) -> dict:
    valid(f, orders=[])
    return expect("table_no_rows", "orders.csv", None, None, "a header and no rows")


@case("orders-csv-really-html")
def _(f: Path) -> dict:
    write_card(f)
    (f / "orders.csv").write_text(
        "<!DOCTYPE html>\n<html><head><title>登录</title></head><body>请先登录</body></html>\n",
        encoding="utf-8",
    )
    return expect(
        "table_unreadable", "orders.csv", None, None, "a saved login page instead of the export"
    )


@case("orders-parquet-really-html")
def _(f: Path) -> dict:
    write_card(f, card_with(tables__orders="orders.parquet"))
    (f / "orders.parquet").write_text("<html><body>Login required</body></html>", encoding="utf-8")
    return expect("table_unreadable", "orders.parquet", None, None, "HTML named .parquet")


@case("orders-parquet-truncated")
def _(f: Path) -> dict:
    write_card(f, card_with(tables__orders="orders.parquet"))
    pq.write_table(
        pa.Table.from_pandas(pd.DataFrame(ORDERS, columns=ORDER_COLUMNS)), f / "orders.parquet"
    )
    data = (f / "orders.parquet").read_bytes()
    (f / "orders.parquet").write_bytes(data[: len(data) // 2])
    return expect("table_truncated", "orders.parquet", None, None, "a Parquet file cut in half")


@case("orders-parquet-named-csv")
def _(f: Path) -> dict:
    write_card(f)
    pq.write_table(
        pa.Table.from_pandas(pd.DataFrame(ORDERS, columns=ORDER_COLUMNS)), f / "orders.csv"
    )
    return expect(
        "table_format_mismatch", "orders.csv", None, None, "Parquet content behind a .csv name"
    )


@case("orders-csv-truncated-mid-row")
def _(f: Path) -> dict:
    write_card(f)
    text = csv_text(ORDER_COLUMNS, ORDERS)
    (f / "orders.csv").write_text(text[: text.rindex("10.0,live")], encoding="utf-8")
    return expect(
        "table_truncated",
        "orders.csv",
        8,
        None,
        "the download stopped in the middle of the last row",
    )


@case("orders-too-many-fields")
def _(f: Path) -> dict:
    write_card(f)
    text = csv_text(ORDER_COLUMNS, orders_with(4, paid_amount="1,200.0")).replace(
        '"1,200.0"', "1,200.0"
    )
    (f / "orders.csv").write_text(text, encoding="utf-8")
    return expect(
        "too_many_fields", "orders.csv", 4, None, "an unquoted thousands separator splits a field"
    )


@case("orders-duplicate-header")
def _(f: Path) -> dict:
    write_card(f)
    write_csv(f, "orders.csv", [*ORDER_COLUMNS, "paid_amount"], [[*r, "0"] for r in ORDERS])
    return expect(
        "duplicate_column", "orders.csv", None, "paid_amount", "two columns named paid_amount"
    )


@case("orders-utf16-damaged")
def _(f: Path) -> dict:
    write_card(f)
    write_csv(f, "orders.csv", ORDER_COLUMNS, orders_with(1, channel="直播间"), encoding="utf-16")
    data = (f / "orders.csv").read_bytes()
    (f / "orders.csv").write_bytes(data[:40] + b"\x00\xd8" + data[40:])  # a lone surrogate
    return expect(
        "table_encoding", "orders.csv", None, None, "UTF-16 text (its BOM) that does not decode"
    )


@case("orders-latin1-broken-bytes")
def _(f: Path) -> dict:
    write_card(f)
    write_csv(f, "orders.csv", ORDER_COLUMNS, orders_with(3, user_id="Café"), encoding="latin-1")
    return expect(
        "table_encoding", "orders.csv", 3, None, "a Latin-1 é, valid in neither UTF-8 nor GB18030"
    )


@case("orders-unsupported-extension")
def _(f: Path) -> dict:
    write_card(f, card_with(tables__orders="orders.json"))
    (f / "orders.json").write_text(
        json.dumps([dict(zip(ORDER_COLUMNS, r, strict=True)) for r in ORDERS]), encoding="utf-8"
    )
    return expect("table_format", "orders.json", None, None, "JSON is not a supported table format")


@case("orders-xlsx-zero-bytes")
def _(f: Path) -> dict:
    write_card(f, card_with(tables__orders="orders.xlsx"))
    (f / "orders.xlsx").write_bytes(b"")
    return expect("table_empty", "orders.xlsx", None, None, "a 0-byte Excel file")


@case("orders-xlsx-really-csv")
def _(f: Path) -> dict:
    write_card(f, card_with(tables__orders="orders.xlsx"))
    write_csv(f, "orders.xlsx", ORDER_COLUMNS, ORDERS)
    return expect("table_format_mismatch", "orders.xlsx", None, None, "a CSV renamed to .xlsx")


@case("orders-xlsx-damaged")
def _(f: Path) -> dict:
    write_card(f, card_with(tables__orders="orders.xlsx"))
    buf = io.BytesIO()
    pd.DataFrame(ORDERS, columns=ORDER_COLUMNS).to_excel(buf, index=False)
    (f / "orders.xlsx").write_bytes(buf.getvalue()[:1500])
    return expect(
        "table_unreadable", "orders.xlsx", None, None, "a workbook cut short (a broken ZIP)"
    )


@case("orders-xls-legacy")
def _(f: Path) -> dict:
    write_card(f, card_with(tables__orders="orders.xls"))
    (f / "orders.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    return expect("table_format", "orders.xls", None, None, "a legacy .xls workbook")


# ----------------------------------------------------------------------------- columns
@case("orders-missing-column")
def _(f: Path) -> dict:
    write_card(f)
    keep = [i for i, c in enumerate(ORDER_COLUMNS) if c != "user_id"]
    write_csv(
        f, "orders.csv", [ORDER_COLUMNS[i] for i in keep], [[r[i] for i in keep] for r in ORDERS]
    )
    return expect("missing_column", "orders.csv", None, "user_id", "no user_id column")


@case("orders-renamed-column")
def _(f: Path) -> dict:
    write_card(f)
    write_csv(
        f, "orders.csv", [c if c != "paid_amount" else "paid_amt" for c in ORDER_COLUMNS], ORDERS
    )
    return expect(
        "missing_column", "orders.csv", None, "paid_amount", "paid_amount renamed paid_amt"
    )


@case("events-missing-column")
def _(f: Path) -> dict:
    with_tables(f, "events")
    write_csv(
        f, "events.csv", EVENT_COLUMNS[:2] + EVENT_COLUMNS[3:], [r[:2] + r[3:] for r in EVENTS]
    )
    return expect("missing_column", "events.csv", None, "event", "events without the event column")


@case("spend-missing-column")
def _(f: Path) -> dict:
    with_tables(f, "spend")
    write_csv(f, "spend.csv", ["date", "spend"], [[r[0], r[2]] for r in SPEND])
    return expect("missing_column", "spend.csv", None, "channel", "spend without a channel column")


# ----------------------------------------------------------------------------- values
def _value_case(name: str, row: int, column: str, value: str, code: str, why: str) -> None:
    @case(name)
    def _(f: Path) -> dict:
        valid(f, orders=orders_with(row, **{column: value}))
        return expect(code, "orders.csv", row, column, why)


_value_case(
    "orders-text-amount", 2, "paid_amount", "一百", "bad_type", "an amount written in words"
)
_value_case(
    "orders-unparseable-time", 3, "order_time", "yesterday", "bad_type", "a time that is not a time"
)
_value_case(
    "orders-negative-amount", 2, "paid_amount", "-50.0", "below_minimum", "a negative payment"
)
_value_case("orders-nan-amount", 4, "paid_amount", "NaN", "nan_value", "NaN as an amount")
_value_case(
    "orders-infinite-amount",
    5,
    "paid_amount",
    "1e400",
    "infinite_value",
    "an amount that overflows to inf",
)
_value_case(
    "orders-huge-amount", 1, "paid_amount", "1e18", "out_of_range", "10^18 yuan on one line"
)
_value_case("orders-empty-user", 5, "user_id", "", "null_value", "an order line without a user")
_value_case(
    "orders-empty-order-id", 2, "order_id", " ", "null_value", "an order id that is only a space"
)
_value_case(
    "orders-unknown-status",
    7,
    "status",
    "shipped",
    "value_not_allowed",
    "a status outside paid/cancelled/refunded",
)
_value_case(
    "orders-zero-date",
    1,
    "order_time",
    "1970-01-01 00:00:00",
    "out_of_range",
    "the epoch as a stand-in for no date",
)
_value_case(
    "orders-infinity-time",
    6,
    "order_time",
    "infinity",
    "out_of_range",
    "DuckDB parses 'infinity' as a timestamp",
)
_value_case(
    "refund-over-paid",
    7,
    "refund_amount",
    "999.0",
    "refund_exceeds_paid",
    "refund larger than payment",
)


@case("order-two-users")  # the problem names the order's first row
def _(f: Path) -> dict:
    valid(f, orders=orders_with(5, user_id="u9"))
    return expect(
        "order_multiple_users",
        "orders.csv",
        4,
        "order_id",
        "order o4's two lines name two customers",
    )


def _extra_column_case(
    name: str, column: str, values: list[str], row: int, code: str, why: str
) -> None:
    @case(name)
    def _(f: Path) -> dict:
        write_card(f)
        write_csv(
            f,
            "orders.csv",
            [*ORDER_COLUMNS, column],
            [[*r, v] for r, v in zip(ORDERS, values, strict=True)],
        )
        return expect(code, "orders.csv", row, column, why)


_extra_column_case(
    "orders-fractional-quantity",
    "quantity",
    ["1", "1.5", "1", "2", "1", "1", "1", "1"],
    2,
    "not_integer",
    "one and a half items",
)
_extra_column_case(
    "orders-zero-quantity",
    "quantity",
    ["1", "1", "1", "0", "1", "1", "1", "1"],
    4,
    "below_minimum",
    "zero items on a line",
)
_extra_column_case(
    "orders-huge-quantity",
    "quantity",
    ["1", "1", "1", "1", "1", "1e20", "1", "1"],
    6,
    "out_of_range",
    "10^20 items (was a BIGINT overflow crash)",
)


@case("orders-mixed-timezones")
def _(f: Path) -> dict:
    rows = orders_with(1, order_time="2025-01-01T10:00:00+08:00")
    rows[1][2] = "2025-01-02T11:00:00+08:00"
    valid(f, orders=rows)
    return expect(
        "mixed_timezones",
        "orders.csv",
        1,
        "order_time",
        "two times with +08:00, six without: the rule is one way per column",
    )


@case("orders-z-among-naive")
def _(f: Path) -> dict:
    valid(f, orders=orders_with(6, order_time="2025-01-05T12:00:00Z"))
    return expect(
        "mixed_timezones", "orders.csv", 6, "order_time", "one UTC (Z) time among local times"
    )


@case("orders-parquet-wrong-types")
def _(f: Path) -> dict:
    write_card(f, card_with(tables__orders="orders.parquet"))
    frame = pd.DataFrame(ORDERS, columns=ORDER_COLUMNS)
    frame["order_time"] = (
        pd.to_datetime(frame["order_time"]).astype("int64") // 10**9
    )  # epoch seconds
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), f / "orders.parquet")
    return expect(
        "bad_type",
        "orders.parquet",
        1,
        "order_time",
        "epoch seconds (int64) where a timestamp belongs",
    )


@case("orders-xlsx-bad-amount")
def _(f: Path) -> dict:
    write_card(f, card_with(tables__orders="orders.xlsx"))
    frame = pd.DataFrame(orders_with(3, paid_amount="n/a"), columns=ORDER_COLUMNS)
    frame.to_excel(f / "orders.xlsx", index=False)
    return expect(
        "bad_type",
        "orders.xlsx",
        3,
        "paid_amount",
        "'n/a' in an Excel amount column (row 4 of the sheet)",
    )


@case("events-mixed-timezones")
def _(f: Path) -> dict:
    with_tables(f, "events")
    rows = copy.deepcopy(EVENTS)
    for r in rows[:3]:
        r[1] = r[1].replace(" ", "T") + "Z"
    write_csv(f, "events.csv", EVENT_COLUMNS, rows)
    return expect(
        "mixed_timezones",
        "events.csv",
        1,
        "event_time",
        "UTC times at the start of an otherwise local file",
    )


# One cell of an optional table made wrong: (case, table, 1-based data row, column, value, code, why).
ONE_CELL = [
    (
        "events-unknown-event",
        "events",
        5,
        "event",
        "click",
        "value_not_allowed",
        "an event outside visit/view/cart/order/pay",
    ),
    ("events-bad-time", "events", 3, "event_time", "2025-13-01 09:00:00", "bad_type", "month 13"),
    ("spend-negative", "spend", 4, "spend", "-5.0", "below_minimum", "negative spend"),
    ("spend-bad-date", "spend", 7, "date", "2025-01-32", "bad_type", "January 32nd"),
    (
        "inventory-fractional-on-hand",
        "inventory",
        3,
        "on_hand",
        "12.5",
        "not_integer",
        "half an item in stock",
    ),
]
_OPTIONAL = {
    "events": (EVENT_COLUMNS, EVENTS),
    "spend": (SPEND_COLUMNS, SPEND),
    "inventory": (INVENTORY_COLUMNS, INVENTORY),
}


def _one_cell(
    table: str, row: int, column: str, value: str, code: str, why: str
) -> Callable[[Path], dict]:
    def write(f: Path) -> dict:
        columns, base = _OPTIONAL[table]
        with_tables(f, table)
        rows = copy.deepcopy(base)
        rows[row - 1][columns.index(column)] = value
        write_csv(f, f"{table}.csv", columns, rows)
        return expect(code, f"{table}.csv", row, column, why)

    return write


for _name, *_spec in ONE_CELL:
    case(_name)(_one_cell(*_spec))


# The ops tables and columns (issue 13): one wrong cell each, the same file/row/column problems.
OPS_TABLES = {
    "products": (
        ["sku", "product_name", "role", "planned_stock"],
        [["s1", "花漾修护精华", "hero", "100"], ["s2", "香氛礼盒", "new", "20"]],
    ),
    "live_sessions": (
        ["session_id", "start_time", "end_time", "kind", "host", "views", "commission_rate"],
        [
            ["K1", "2025-01-03 19:00:00", "2025-01-03 23:00:00", "kol", "达人A", "1000", "0.2"],
            ["L1", "2025-01-04 10:00:00", "2025-01-04 16:00:00", "own", "店播", "500", "0"],
        ],
    ),
    "coupons": (
        ["coupon_id", "funded_by", "issued", "claimed", "redeemed", "cost"],
        [["c1", "shop", "100", "50", "20", "5.0"], ["c2", "platform", "80", "40", "10", "0"]],
    ),
    "targets": (
        ["date", "channel", "gmv", "conversion"],
        [[d, "live", "100.0", "0.03"] for d in DAYS],
    ),
    "orders": (
        [*ORDER_COLUMNS, "order_type", "deposit_amount"],
        [[*r, "spot", ""] for r in ORDERS],
    ),
    "spend": ([*SPEND_COLUMNS, "tool", "attributed_gmv"], [[*r, "直通车", "30.0"] for r in SPEND]),
}
OPS_CELL = [
    (
        "products-unknown-role",
        "products",
        2,
        "role",
        "明星",
        "value_not_allowed",
        "a role outside hero/traffic/profit/new/gift",
    ),
    (
        "live-sessions-unknown-kind",
        "live_sessions",
        1,
        "kind",
        "带货",
        "value_not_allowed",
        "a session kind other than own/kol (达播 is read as kol; 带货 has no single meaning)",
    ),
    (
        "live-sessions-bad-start",
        "live_sessions",
        2,
        "start_time",
        "2025-01-04 25:00:00",
        "bad_type",
        "hour 25",
    ),
    (
        "coupons-negative-issued",
        "coupons",
        2,
        "issued",
        "-5",
        "below_minimum",
        "a negative number of coupons issued",
    ),
    (
        "targets-text-gmv",
        "targets",
        3,
        "gmv",
        "lots",
        "bad_type",
        "a planned GMV that is not a number",
    ),
    (
        "live-sessions-commission-in-percent",
        "live_sessions",
        1,
        "commission_rate",
        "20",
        "above_maximum",
        "a commission of 20 % written as 20 (2000 %), not 0.20",
    ),
    (
        "targets-conversion-in-percent",
        "targets",
        2,
        "conversion",
        "3",
        "above_maximum",
        "a planned conversion of 3 % written as 3 (300 %), not 0.03",
    ),
    (
        "coupons-claimed-above-issued",
        "coupons",
        1,
        "claimed",
        "150",
        "row_contradiction",
        "150 coupons claimed of 100 issued (a claim rate of 150 %)",
    ),
    (
        "live-sessions-end-before-start",
        "live_sessions",
        2,
        "end_time",
        "2025-01-04 09:00:00",
        "row_contradiction",
        "a live session that ends an hour before it starts",
    ),
    (
        "orders-unknown-order-type",
        "orders",
        2,
        "order_type",
        "preorder",
        "value_not_allowed",
        "an order type other than presale/spot",
    ),
    (
        "orders-negative-deposit",
        "orders",
        4,
        "deposit_amount",
        "-10",
        "below_minimum",
        "a negative deposit",
    ),
    (
        "spend-negative-attributed-gmv",
        "spend",
        3,
        "attributed_gmv",
        "-1.0",
        "below_minimum",
        "negative attributed GMV",
    ),
]


def _ops_cell(
    table: str, row: int, column: str, value: str, code: str, why: str
) -> Callable[[Path], dict]:
    def write(f: Path) -> dict:
        card = copy.deepcopy(CARD)
        card["tables"][table] = f"{table}.csv"
        valid(f, card)
        columns, base = OPS_TABLES[table]
        rows = copy.deepcopy(base)
        rows[row - 1][columns.index(column)] = value
        write_csv(f, f"{table}.csv", columns, rows)
        return expect(code, f"{table}.csv", row, column, why)

    return write


for _name, *_spec in OPS_CELL:
    case(_name)(_ops_cell(*_spec))


# ----------------------------------------------------------------------------- consistency
@case("orders-short-of-windows")
def _(f: Path) -> dict:
    valid(f, orders=ORDERS[:-2])
    return expect(
        "coverage", "orders.csv", None, "order_time", "the orders stop before the dip window ends"
    )


@case("orders-start-after-baseline")
def _(f: Path) -> dict:
    valid(f, orders=ORDERS[2:])
    return expect(
        "coverage", "orders.csv", None, "order_time", "the orders begin after the baseline starts"
    )


# ----------------------------------------------------------------------------- valid but tricky
def ok(
    warnings: list[tuple[str, str, int | None, str | None]] = (),
    queries: list[tuple[str, list]] = (),
    why: str = "",
) -> dict:
    return {
        "valid": True,
        "why": why,
        "warnings": [
            dict(zip(("code", "file", "row", "column"), w, strict=True)) for w in warnings
        ],
        "queries": [{"sql": q, "rows": rows} for q, rows in queries],
    }


@case("ok-gb18030-csv")
def _(f: Path) -> dict:
    write_card(f)
    write_csv(f, "orders.csv", ORDER_COLUMNS, orders_with(1, channel="直播间"), encoding="gb18030")
    return ok(
        queries=[("SELECT channel FROM orders WHERE _row = 1", [["直播间"]])],
        why="GB18030/GBK is what Chinese Excel writes; it is supported",
    )


@case("ok-utf16-csv")
def _(f: Path) -> dict:
    write_card(f)
    write_csv(f, "orders.csv", ORDER_COLUMNS, orders_with(1, channel="直播间"), encoding="utf-16")
    return ok(
        queries=[("SELECT channel FROM orders WHERE _row = 1", [["直播间"]])],
        why="UTF-16, as Excel's 'Unicode text' save writes it, is read as the UTF-8 file",
    )


@case("ok-utf8-bom")
def _(f: Path) -> dict:
    write_card(f)
    (f / "orders.csv").write_bytes(
        b"\xef\xbb\xbf" + csv_text(ORDER_COLUMNS, ORDERS).encode("utf-8")
    )
    return ok(
        queries=[("SELECT count(*) FROM orders", [[8]])],
        why="Excel's 'CSV UTF-8' starts with a BOM",
    )


@case("ok-zoned-timestamps")
def _(f: Path) -> dict:
    rows = copy.deepcopy(ORDERS)
    for r in rows:
        r[2] = r[2].replace(" ", "T") + "+08:00"
    rows[7][2] = "2025-01-07T02:00:00Z"  # 10:00 in Shanghai
    rows[6][2] = "2025-01-06 10:00:00+0800"
    valid(f, orders=rows)
    return ok(
        queries=[
            (
                "SELECT CAST(order_time AS VARCHAR) FROM orders WHERE _row IN (1, 7, 8) ORDER BY _row",
                [["2025-01-01 10:00:00"], ["2025-01-06 10:00:00"], ["2025-01-07 10:00:00"]],
            )
        ],
        why="every value carries a zone: all are converted to the campaign time zone",
    )


@case("ok-parquet-utc-timestamps")
def _(f: Path) -> dict:
    write_card(f, card_with(tables__orders="orders.parquet"))
    frame = pd.DataFrame(ORDERS, columns=ORDER_COLUMNS)
    frame["order_time"] = (
        pd.to_datetime(frame["order_time"]).dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC")
    )
    frame["paid_amount"] = frame["paid_amount"].astype(float)
    frame["refund_amount"] = frame["refund_amount"].astype(float)
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), f / "orders.parquet")
    return ok(
        queries=[
            (
                "SELECT CAST(order_time AS VARCHAR) FROM orders WHERE _row = 1",
                [["2025-01-01 10:00:00"]],
            )
        ],
        why="a zoned Parquet timestamp (UTC) is converted to the campaign time zone",
    )


@case("ok-xlsx")
def _(f: Path) -> dict:
    write_card(f, card_with(tables__orders="orders.xlsx"))
    frame = pd.DataFrame(ORDERS, columns=ORDER_COLUMNS)
    frame["order_time"] = pd.to_datetime(frame["order_time"])
    frame[["paid_amount", "refund_amount"]] = frame[["paid_amount", "refund_amount"]].astype(float)
    frame.to_excel(f / "orders.xlsx", index=False)
    return ok(
        queries=[
            (
                "SELECT sum(paid_amount), CAST(max(order_time) AS VARCHAR) FROM orders",
                [[610.0, "2025-01-07 10:00:00"]],
            )
        ],
        why="an Excel export with real dates and numbers",
    )


@case("ok-currency-amounts")
def _(f: Path) -> dict:
    valid(f, orders=orders_with(4, paid_amount="¥1,200.00"))
    return ok(
        queries=[("SELECT paid_amount FROM orders WHERE _row = 4", [[1200.0]])],
        why="a currency sign and thousands separators are accepted in amounts",
    )


@case("ok-mapped-raw-export")
def _(f: Path) -> dict:
    names = {
        "order_id": "订单编号",
        "user_id": "买家ID",
        "order_time": "下单时间",
        "paid_amount": "买家实付金额",
    }
    write_card(f, card_with(mapping={"orders": {v: k for k, v in names.items()}}))
    write_csv(f, "orders.csv", [names.get(c, c) for c in ORDER_COLUMNS], ORDERS)
    return ok(
        queries=[("SELECT count(DISTINCT order_id) FROM orders", [[7]])],
        why="Chinese export headers mapped",
    )


@case("ok-extra-columns")
def _(f: Path) -> dict:
    write_card(f)
    write_csv(
        f,
        "orders.csv",
        [*ORDER_COLUMNS, "商品标题", "优惠券", "remark"],
        [[*r, "修护精华 30ml", "满300减40", ""] for r in ORDERS],
    )
    return ok(
        queries=[("SELECT count(*) FROM orders", [[8]])],
        why="columns outside the contract (and without personal data) are allowed and ignored",
    )


@case("ok-duplicate-lines")
def _(f: Path) -> dict:
    valid(f, orders=[*ORDERS, ORDERS[1]])
    return ok(
        [("duplicate_lines", "orders.csv", 2, None)],
        why="an exact duplicate line (order_id + every field) is kept with a warning (duplicate_lines: keep)",
    )


@case("ok-unknown-spend-channel")
def _(f: Path) -> dict:
    with_tables(f, "spend")
    write_csv(f, "spend.csv", SPEND_COLUMNS, [*SPEND, ["2025-01-04", "直播", "30.0"]])
    return ok(
        [("unknown_channel", "spend.csv", len(SPEND) + 1, "channel")],
        why="a spend channel found in neither the orders nor the budget: a warning, not an error",
    )


@case("ok-budget-without-spend")
def _(f: Path) -> dict:
    card = card_with(strategy__budget={"live": 100.0, "search": 50.0, "kol": 80.0})
    with_tables(f, "spend", card=card)
    return ok(
        [
            (
                "budget_without_spend",
                CARD_FILE,
                line_of(card_text(card), "budget:"),
                "strategy.budget.kol",
            )
        ],
        why="a budgeted channel with no spend rows: a warning",
    )


@case("ok-events-short")
def _(f: Path) -> dict:
    with_tables(f, "events")
    write_csv(f, "events.csv", EVENT_COLUMNS, EVENTS[:-4])
    return ok(
        [("coverage", "events.csv", None, "event_time")],
        why="optional tables that miss a window give a warning; their analyses are skipped there",
    )


@case("ok-personal-data")
def _(f: Path) -> dict:
    write_card(f)
    extra = ["手机号", "收货人", "收货地址", "身份证号", "备注"]
    people = {
        "u1": [
            "13812345678",
            "张三",
            "上海市浦东新区世纪大道100号",
            "11010519491231002X",
            "请尽快发货",
        ],
        "u2": [
            "13987654321",
            "李四",
            "北京市朝阳区建国路1号",
            "110101199003074477",
            "联系 15011112222",
        ],
        "u3": ["15011112222", "王五", "杭州市西湖区文三路1号", "", ""],
        "u4": ["18600001111", "赵六", "广州市天河区体育东路1号", "", "放门口"],
        "u5": ["17712345678", "钱七", "成都市武侯区人民南路1号", "", ""],
    }
    rows = [[r[0], people[r[1]][0], *r[2:], *people[r[1]]] for r in ORDERS]
    write_csv(f, "orders.csv", [*ORDER_COLUMNS, *extra], rows)
    return ok(
        [
            ("pii_columns_dropped", "orders.csv", None, None),
            ("pii_pseudonymised", "orders.csv", None, "user_id"),
        ],
        [
            (
                "SELECT count(*) FROM information_schema.columns WHERE column_name IN "
                "('手机号', '收货人', '收货地址', '身份证号', '备注')",
                [[0]],
            ),
            ("SELECT count(*) FROM orders WHERE user_id LIKE '1%'", [[0]]),
        ],
        why="personal-data columns are dropped and phone-number user ids pseudonymised",
    )


# ----------------------------------------------------------------------------- main
def generate(out: Path) -> list[str]:
    """Write every case under ``out`` (replacing earlier case folders); return the case names."""
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if old.is_dir() and (old / "expected.json").is_file():
            shutil.rmtree(old)
    for name, make in CASES.items():
        folder = out / name
        folder.mkdir()
        expected = make(folder)
        (folder / "expected.json").write_text(
            json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
    return list(CASES)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE)
    names = generate(parser.parse_args().out)
    bad = sum(not n.startswith("ok-") for n in names)
    print(f"{len(names)} cases: {bad} broken, {len(names) - bad} valid")

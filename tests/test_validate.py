"""Invalid campaign folders: each gives its own specific error (file, row, column, zh + en),
exit code 2 from the CLI, and nothing written anywhere."""
from __future__ import annotations

import copy
import sys
from pathlib import Path

import pytest

from conftest import TINY_CARD, TINY_ORDERS, write_campaign
from fupan.errors import ValidationError
from fupan.validate import open_campaign


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
    cols = ["order_id", "user_id", "order_time", "paid_amount", "channel", "status", "refund_amount"]
    rows = [list(r) for r in TINY_ORDERS]
    for k, v in fields.items():
        rows[index][cols.index(k)] = v
    return [tuple(r) for r in rows]


def no_card(folder: Path) -> None:
    (folder / "campaign.yaml").unlink()


def bad_yaml(folder: Path) -> None:
    (folder / "campaign.yaml").write_text("id: x\nname: [unclosed\nplatform: tmall\n", encoding="utf-8")


def html_orders(folder: Path) -> None:
    card = _card(tables__orders="orders.parquet")
    write_campaign(folder, card=card)
    (folder / "orders.parquet").write_text("<html><body>Login required</body></html>", encoding="utf-8")


def empty_orders(folder: Path) -> None:
    (folder / "orders.csv").write_bytes(b"")


def renamed_column(folder: Path) -> None:
    text = (folder / "orders.csv").read_text().replace("paid_amount", "paid_amt", 1)
    (folder / "orders.csv").write_text(text)


# (id, how to break the folder, expected code, file, row, column)
CASES = [
    ("no-card", no_card, "card_missing", "campaign.yaml", None, None),
    ("yaml-syntax", bad_yaml, "card_yaml", "campaign.yaml", 3, None),
    ("missing-windows", lambda f: write_campaign(f, card=_card(windows=...)), "card_missing_key", "campaign.yaml", 1, "windows"),
    ("unknown-key", lambda f: write_campaign(f, card={**TINY_CARD, "budgte": 1}), "card_unknown_key", "campaign.yaml", 31, "budgte"),
    ("window-reversed", lambda f: write_campaign(f, card=_card(windows__burst=["2025-01-06", "2025-01-05"])),
     "card_invalid", "campaign.yaml", 12, "windows.burst"),
    ("window-overlap", lambda f: write_campaign(f, card=_card(windows__burst=["2025-01-04", "2025-01-06"])),
     "card_invalid", "campaign.yaml", 8, "windows"),
    ("bad-id", lambda f: write_campaign(f, card=_card(id="Tiny Test")), "card_invalid", "campaign.yaml", 1, "id"),
    ("bad-timezone", lambda f: write_campaign(f, card=_card(timezone="Asia/Beijing")), "card_invalid", "campaign.yaml", 6, "timezone"),
    ("unknown-kpi", lambda f: write_campaign(f, card=_card(strategy__hypotheses=[
        {"id": "H1", "text": "x", "kpi": "gmv_growth", "op": ">=", "value": 1}])),
     "card_invalid", "campaign.yaml", 23, "strategy.hypotheses.0.kpi"),
    ("orders-file-missing", lambda f: (f / "orders.csv").unlink(), "table_missing", "orders.csv", None, "tables.orders"),
    ("orders-empty", empty_orders, "table_empty", "orders.csv", None, None),
    ("orders-really-html", html_orders, "table_unreadable", "orders.parquet", None, None),
    ("required-column-renamed", renamed_column, "missing_column", "orders.csv", None, "paid_amount"),
    ("mapping-to-nothing", lambda f: write_campaign(f, card={**TINY_CARD, "mapping": {"orders": {"实付金额": "paid_amount"}}}),
     "mapping_missing_column", "orders.csv", None, "实付金额"),
    ("unparseable-time", lambda f: write_campaign(f, orders=_orders_with(2, order_time="yesterday")),
     "bad_type", "orders.csv", 3, "order_time"),
    ("negative-amount", lambda f: write_campaign(f, orders=_orders_with(1, paid_amount=-50.0)),
     "below_minimum", "orders.csv", 2, "paid_amount"),
    ("nan-amount", lambda f: write_campaign(f, orders=_orders_with(3, paid_amount=float("nan"), refund_amount=0.0)),
     "null_value", "orders.csv", 4, "paid_amount"),
    ("text-amount", lambda f: write_campaign(f, orders=_orders_with(0, paid_amount="一百")),
     "bad_type", "orders.csv", 1, "paid_amount"),
    ("unknown-status", lambda f: write_campaign(f, orders=_orders_with(6, status="shipped")),
     "value_not_allowed", "orders.csv", 7, "status"),
    ("empty-user", lambda f: write_campaign(f, orders=_orders_with(4, user_id="")),
     "null_value", "orders.csv", 5, "user_id"),
    ("order-two-users", lambda f: write_campaign(f, orders=_orders_with(5, user_id="zz")),
     "order_multiple_users", "orders.csv", 5, "order_id"),
    ("refund-over-paid", lambda f: write_campaign(f, orders=_orders_with(7, refund_amount=999.0)),
     "refund_exceeds_paid", "orders.csv", 8, "refund_amount"),
    ("orders-short-of-dip", lambda f: write_campaign(f, orders=TINY_ORDERS[:-2]),
     "coverage", "orders.csv", None, "order_time"),
]


@pytest.mark.parametrize(("name", "breaker", "code", "file", "row", "column"), CASES, ids=[c[0] for c in CASES])
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
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in p.en.split("got")[0].split("Examples")[0].replace(column or "", ""))


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(folder.rglob("*")) if p.is_file()}


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


def test_duplicate_lines_dropped_when_the_card_says_so(tmp_path):
    rows = TINY_ORDERS + [TINY_ORDERS[1], TINY_ORDERS[7]]
    folder = write_campaign(tmp_path / "dups", card={**TINY_CARD, "duplicate_lines": "drop"}, orders=rows)
    campaign = open_campaign(folder)
    assert any(p.code == "duplicate_lines" and "dropped" in p.en for p in campaign.warnings)
    assert campaign.con.execute("SELECT count(*) FROM orders").fetchall()[0][0] == len(TINY_ORDERS)


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
    channels = {r[0] for r in campaign.con.execute("SELECT DISTINCT channel FROM orders").fetchall()}
    assert "直播间" in channels

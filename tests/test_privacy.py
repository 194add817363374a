"""Privacy by construction (fupan.ingest.privacy): personal data is dropped or pseudonymised at ingestion,
the salt lives outside the repository, and the scanner the end-to-end tests use finds phone
numbers, ID numbers and e-mail addresses without firing on money, timestamps or digests."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml

from conftest import TINY_ORDERS, keyed_hex, tiny_events, write_campaign
from fupan.errors import ConfigError, ValidationError
from fupan.ingest import privacy
from fupan.ingest.validate import open_campaign, open_prepared, save_prepared

SALT_A, SALT_B = "ab" * 32, "cd" * 32


@pytest.fixture(autouse=True)
def salt_file(tmp_path_factory, monkeypatch) -> Path:
    path = tmp_path_factory.mktemp("salt") / "salt"
    path.write_text(SALT_A + "\n", encoding="ascii")
    monkeypatch.setenv(privacy.SALT_ENV, str(path))
    return path


# ----------------------------------------------------------------------------- scan_text
@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("请联系 13812345678 谢谢", ["phone"]),
        ("手机13812345678", ["phone"]),  # glued to Chinese text
        ("tel:+86 138-1234-5678.", ["phone"]),
        ("0086 13812345678", ["phone"]),
        ("138 1234 5678", ["phone"]),
        ('"user_id": "19912345678"', ["phone"]),
        ("身份证 11010519491231002X", ["id_card"]),
        ("id=110101199003074477;", ["id_card"]),
        ("mail me: zhang.san+shop@example.com.cn", ["email"]),
        ("张三 13812345678 zs@qq.com 11010519491231002X", ["phone", "email", "id_card"]),
    ],
)
def test_scan_text_finds_personal_data(text, kinds):
    found = privacy.scan_text(text)
    assert sorted(f.kind for f in found) == sorted(kinds)
    for f in found:
        assert text[f.start : f.end].strip()
        assert f.masked != text[f.start : f.end] and "*" in f.masked


@pytest.mark.parametrize(
    "text",
    [
        "GMV 13812345678.00",  # money with decimals
        "¥13,812,345,678",  # money with separators
        "0.13812345678",  # a ratio
        "1731312000000",  # epoch milliseconds
        "2025-11-11 13:45:12 and 20251111134512",  # timestamps
        "13812345678901",  # a longer number (order id)
        "O13812345678",  # an id glued to a letter
        "13812345678-2",  # a code with a suffix
        "12812345678",  # 12x is not a mobile prefix
        hashlib.sha256(b"13812345678").hexdigest(),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "deadbeef13812345678cafe",  # digits inside hex
        "110101199003074478",  # 18 digits, wrong check digit
        "110101199013074477",  # month 13
        "123456789012345678",  # 18 digits, no plausible birth date
        "logo@2x.png and icon@3x.webp",  # image names, not e-mail
        "pkg@1.2.3",  # a version pin
        '<img src="data:image/png;base64,iVBORw0KGgo13812345678+/13812345678=">',  # embedded image
        "h3f2a9c0e1b2d4c6a",  # a fupan pseudonym
    ],
)
def test_scan_text_leaves_ordinary_text_alone(text):
    assert privacy.scan_text(text) == []


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("13812345678", "phone"),
        (13812345678, "phone"),
        ("13812345678.0", "phone"),
        (" +8613812345678 ", "phone"),
        ("11010519491231002X", "id_card"),
        ("a@b.cn", "email"),
        ("u123456", None),
        ("O2024100100001", None),
        ("联系13812345678", None),
        ("", None),
        (None, None),
        ("13812345678.5", None),
        ("SKN-001", None),
    ],
)
def test_pii_kind_of_value_needs_the_whole_value(value, kind):
    assert privacy.pii_kind_of_value(value) == kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("手机号", "phone"),
        ("收货人手机", "phone"),
        ("联系电话", "phone"),
        ("buyer_phone", "phone"),
        ("Mobile", "phone"),
        ("收货人", "name"),
        ("姓名", "name"),
        ("customerName", "name"),
        ("name", "name"),
        ("consignee", "name"),
        ("收货地址", "address"),
        ("shipping_address", "address"),
        ("身份证号", "id_card"),
        ("id_card_no", "id_card"),
        ("邮箱", "email"),
        ("E-mail", "email"),
        ("买家昵称", "nickname"),
        ("旺旺", "nickname"),
        ("buyer_nick", "nickname"),
        ("买家会员名", "nickname"),
        ("user_id", None),
        ("order_id", None),
        ("sku", None),
        ("product_name", None),
        ("商品名称", None),
        ("mobile_share", None),
        ("is_mobile_order", None),
        ("telecom_fee", None),
        ("备注", None),
        ("paid_amount", None),
    ],
)
def test_pii_kind_of_column_by_name(name, kind):
    assert privacy.pii_kind_of_column(name) == kind


def test_id_number_checksum():
    assert privacy.is_cn_id_number("11010519491231002X")
    assert privacy.is_cn_id_number("11010519491231002x")
    assert not privacy.is_cn_id_number("110105194912310021")
    assert not privacy.is_cn_id_number("1101051949123100")


# ----------------------------------------------------------------------------- pseudonyms and salt
@pytest.mark.parametrize("value", ["a", "13812345678", "张三", "x'y\"z", "u" * 200, "\x00nul"])
def test_sql_pseudonym_equals_the_stated_keyed_hash(value):
    salt = bytes.fromhex(SALT_A)
    expected = "h" + keyed_hex(value, salt)[:16]
    assert privacy.pseudonym(value, salt) == expected
    got = (
        duckdb.connect()
        .execute(f"SELECT {privacy.pseudonym_sql('?', salt)}", [value])
        .fetchall()[0][0]
    )
    assert got == expected


@pytest.mark.parametrize("salt", [b"\x01", bytes(range(64)) * 2, bytes.fromhex(SALT_B)])
def test_any_salt_keys_the_hash_and_the_key_is_not_the_public_fingerprint(salt):
    con = duckdb.connect()
    got = con.execute(f"SELECT {privacy.pseudonym_sql('?', salt)}", ["k"]).fetchall()[0][0]
    assert got == "h" + keyed_hex("k", salt)[:16] == privacy.pseudonym("k", salt)
    assert got != privacy.pseudonym("k", bytes.fromhex(SALT_A))
    # the salt's fingerprint (printed in records) is no prefix of the hash's secret key
    fingerprint = privacy.salt_fingerprint(salt)
    assert got != "h" + hashlib.sha256((fingerprint + "k").encode()).hexdigest()[:16]


def test_salt_is_created_once_private_and_reused(tmp_path, monkeypatch):
    path = tmp_path / "cfg" / "fupan" / "salt"
    monkeypatch.setenv(privacy.SALT_ENV, str(path))
    first = privacy.load_salt()
    assert len(first) == 32 and path.read_text().strip() == first.hex()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert privacy.load_salt() == first
    assert list(path.parent.iterdir()) == [path]  # no temporary file left behind


def test_default_salt_location_is_outside_the_repository(monkeypatch, tmp_path):
    monkeypatch.delenv(privacy.SALT_ENV)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert privacy.salt_file() == tmp_path / "fupan" / "salt"
    monkeypatch.delenv("XDG_CONFIG_HOME")
    assert privacy.salt_file() == Path.home() / ".config" / "fupan" / "salt"
    assert Path(__file__).resolve().parents[1] not in privacy.salt_file().parents


@pytest.mark.parametrize("content", ["", "not hex", "abc", "ab" * 8])
def test_a_bad_salt_file_is_a_config_error(tmp_path, content):
    path = tmp_path / "salt"
    path.write_text(content)
    with pytest.raises(ConfigError, match="FUPAN_SALT_FILE"):
        privacy.load_salt(path)


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root can write anywhere")
def test_an_unwritable_salt_location_is_a_config_error(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    with pytest.raises(ConfigError, match="cannot be created"):
        privacy.load_salt(locked / "sub" / "salt")


def test_a_salt_under_a_file_is_a_config_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(ConfigError, match="cannot be created"):
        privacy.load_salt(tmp_path / "file" / "salt")


# ----------------------------------------------------------------------------- at ingestion
PHONES = {u: f"1{3 + i}8{i:04d}{i:04d}" for i, u in enumerate("abcdefx")}  # a → 13800000000, …
PII = {"手机号": "phone", "收货人": "name", "收货地址": "address", "身份证号": "id_card"}


def _pii_folder(folder: Path) -> Path:
    """The tiny campaign with phone numbers as user ids and four personal-data columns."""
    orders = [(o, PHONES[u], *rest) for o, u, *rest in TINY_ORDERS]
    events = [(PHONES[u], *rest) for u, *rest in tiny_events()]
    write_campaign(folder, orders=orders, events=events)
    frame = pd.read_csv(folder / "orders.csv", dtype=str)
    frame["手机号"] = frame["user_id"]
    frame["收货人"] = "张三"
    frame["收货地址"] = "上海市浦东新区世纪大道100号"
    frame["身份证号"] = "11010519491231002X"
    frame["remark"] = ["call 13912345678" if i == 3 else "" for i in range(len(frame))]
    frame.to_csv(folder / "orders.csv", index=False)
    return folder


def _all_text(con: duckdb.DuckDBPyConnection) -> str:
    """Every column name and every value of every table, as one text."""
    parts = []
    for db, schema, table in con.execute(
        "SELECT database_name, schema_name, table_name FROM duckdb_tables()"
    ).fetchall():
        frame = con.execute(f'SELECT * FROM "{db}"."{schema}"."{table}"').df()
        parts += [table, *map(str, frame.columns), frame.to_csv(index=False)]
    return "\n".join(parts)


def test_personal_data_is_dropped_and_user_ids_pseudonymised(tmp_path, capsys):
    folder = _pii_folder(tmp_path / "pii")
    campaign = open_campaign(folder)
    text = _all_text(campaign.con)
    for column in [*PII, "remark"]:
        assert column not in text
    for phone in PHONES.values():
        assert phone not in text
    assert "张三" not in text and "11010519491231002X" not in text and "13912345678" not in text
    assert privacy.scan_text(text) == []

    (dropped,) = [w for w in campaign.warnings if w.code == "pii_columns_dropped"]
    for column, kind in PII.items():
        assert column in dropped.zh and column in dropped.en and kind in dropped.en
    assert "remark" in dropped.en  # caught by its values, not its name
    assert "13912345678" not in dropped.en + dropped.zh and "张三" not in dropped.en + dropped.zh
    assert any(w.code == "pii_pseudonymised" and w.column == "user_id" for w in campaign.warnings)
    assert campaign.privacy["orders"] == {
        "dropped": sorted([*PII, "remark"]),
        "pseudonymised": ["user_id"],
    }

    salt = bytes.fromhex(SALT_A)
    users = {r[0] for r in campaign.con.execute("SELECT DISTINCT user_id FROM orders").fetchall()}
    assert users == {privacy.pseudonym(PHONES[u], salt) for u in "abcdef"}
    # the same person has the same pseudonym in orders and events: joins still work
    both = campaign.con.execute(
        "SELECT count(DISTINCT o.user_id) FROM orders o JOIN events e USING (user_id)"
    ).fetchall()[0][0]
    assert both == len({u for _, u, *_ in TINY_ORDERS} & {e[0] for e in tiny_events()})
    campaign.con.close()


def test_same_salt_same_pseudonyms_other_salt_other_pseudonyms(tmp_path, salt_file):
    folder = _pii_folder(tmp_path / "pii")

    def users() -> list[str]:
        c = open_campaign(folder)
        try:
            return [
                r[0] for r in c.con.execute("SELECT user_id FROM orders ORDER BY _row").fetchall()
            ]
        finally:
            c.con.close()

    first = users()
    assert users() == first
    assert first == [privacy.pseudonym(PHONES[o[1]], bytes.fromhex(SALT_A)) for o in TINY_ORDERS]
    other = open_campaign(folder, salt=bytes.fromhex(SALT_B))
    assert [
        r[0] for r in other.con.execute("SELECT user_id FROM orders ORDER BY _row").fetchall()
    ] != first
    other.con.close()


def test_the_prepared_file_the_kernel_reads_holds_no_personal_data(tmp_path):
    folder = _pii_folder(tmp_path / "pii")
    campaign = open_campaign(folder)
    prepared = tmp_path / "validated.duckdb"
    save_prepared(campaign, prepared)
    campaign.con.close()
    again = open_prepared(folder, prepared)
    text = _all_text(again.con)
    again.con.close()
    for phone in PHONES.values():
        assert phone not in text
    assert privacy.scan_text(text) == [] and "上海市浦东新区" not in text and "张三" not in text
    assert again.privacy["orders"]["pseudonymised"] == ["user_id"]


def test_error_messages_show_pseudonyms_never_raw_ids(tmp_path, monkeypatch, capsys):
    from fupan.cli import main

    folder = _pii_folder(tmp_path / "pii")
    frame = pd.read_csv(folder / "orders.csv", dtype=str)
    frame.loc[5, "user_id"] = "18600001111"  # o5's second line names another customer
    frame.to_csv(folder / "orders.csv", index=False)
    monkeypatch.setattr(sys, "argv", ["fupan", "validate", str(folder)])
    with pytest.raises(SystemExit) as info:
        main()
    err = capsys.readouterr().err
    assert info.value.code == 2 and "order_multiple_users" in err
    assert privacy.scan_text(err) == [] and "18600001111" not in err


def test_identifier_columns_that_hold_phone_numbers_are_pseudonymised_too(tmp_path):
    orders = [(f"1391234{i:04d}", *rest) for i, (_, *rest) in enumerate(TINY_ORDERS)]
    orders[5] = (orders[4][0], *orders[5][1:])  # o5 keeps its two lines
    campaign = open_campaign(write_campaign(tmp_path / "c", orders=orders))
    assert {w.column for w in campaign.warnings if w.code == "pii_pseudonymised"} == {"order_id"}
    ids = [r[0] for r in campaign.con.execute("SELECT order_id FROM orders").fetchall()]
    assert (
        all(i.startswith("h") and len(i) == 17 for i in ids)
        and len(set(ids)) == len(TINY_ORDERS) - 1
    )
    campaign.con.close()


def test_a_campaign_without_personal_data_gets_no_privacy_warning(tiny):
    campaign = open_campaign(tiny)
    assert not [w for w in campaign.warnings if w.code.startswith("pii")]
    assert campaign.privacy["orders"] == {"dropped": [], "pseudonymised": ["user_id"]}
    campaign.con.close()


def test_a_table_of_nothing_but_personal_data(tmp_path):
    folder = write_campaign(tmp_path / "c")
    pd.DataFrame({"手机号": ["13812345678"], "姓名": ["张三"]}).to_csv(
        folder / "orders.csv", index=False
    )
    with pytest.raises(ValidationError) as info:
        open_campaign(folder)
    codes = {p.code for p in info.value.problems}
    assert "missing_column" in codes
    assert any(w.code == "pii_columns_dropped" for w in info.value.warnings)
    assert "13812345678" not in str(info.value)


# ----------------------------------------------------------------------------- the demo pipeline
@pytest.fixture(scope="module")
def demo_with_personal_data(tmp_path_factory) -> Path:
    """The seeded demo (small scale) rewritten like a raw platform export: user ids are phone
    numbers (in the orders, the events and the members export) and the orders carry 手机号 /
    收货人 / 收货地址 / 身份证号 columns."""
    from fupan.demo import generate_demo

    folder = generate_demo(tmp_path_factory.mktemp("demo") / "campaign", scale=0.05)
    orders = pd.read_parquet(folder / "orders.parquet")
    events = pd.read_parquet(folder / "events.parquet")
    ids = sorted(set(orders.user_id) | set(events.user_id))
    phone = {u: f"1{3 + i % 7}{i:09d}" for i, u in enumerate(ids)}
    orders = orders.assign(
        user_id=orders.user_id.map(phone),
        手机号=orders.user_id.map(phone),
        收货人="张三",
        收货地址="上海市浦东新区世纪大道100号",
        身份证号="11010519491231002X",
    )
    orders.to_parquet(folder / "orders.parquet", index=False)
    events.assign(user_id=events.user_id.map(phone)).to_parquet(
        folder / "events.parquet", index=False
    )
    members = pd.read_csv(folder / "members.csv")  # the CRM export keyed by the same phones
    members.assign(user_id=members.user_id.map(phone)).to_csv(folder / "members.csv", index=False)
    (folder / "phones.json").write_text(json.dumps(sorted(phone.values())), encoding="utf-8")
    return folder


def test_the_demo_pipeline_runs_on_an_export_with_personal_data(demo_with_personal_data):
    from fupan.analysis.retrospective import build
    from fupan.cases import build_record
    from fupan.extract.aggregates import extract

    folder = demo_with_personal_data
    phones = set(json.loads((folder / "phones.json").read_text(encoding="utf-8")))
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert card["tables"]["orders"] == "orders.parquet"
    campaign = open_campaign(folder)
    try:
        assert not [
            w
            for w in campaign.warnings
            if w.code != "pii_columns_dropped" and w.code != "pii_pseudonymised"
        ]
        assert campaign.privacy["orders"]["dropped"] == sorted(PII)
        for (table,) in campaign.con.execute("SELECT table_name FROM duckdb_tables()").fetchall():
            users = (
                {
                    r[0]
                    for r in campaign.con.execute(
                        f"SELECT DISTINCT user_id FROM {table}"
                    ).fetchall()
                }
                if table in ("orders", "events")
                else set()
            )
            assert not users & phones
        r = build(campaign, extract(campaign))
        record = json.dumps(
            build_record(r, parameters={}, reproduce="fupan run x"), ensure_ascii=False, default=str
        )
    finally:
        campaign.con.close()
    assert privacy.scan_text(record) == []
    assert not any(p in record for p in list(phones)[:500])
    assert (
        "上海市浦东新区" not in record
        and "张三" not in record
        and "11010519491231002X" not in record
    )
    assert "收货地址" in record  # the warning names the dropped column (a name, never a value)
    assert r.kpis.loc["campaign", "buyers"] > 0

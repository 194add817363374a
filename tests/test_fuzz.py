"""Property-based fuzzing of everything that reads a user's campaign folder.

The property: whatever the input — arbitrary YAML text, arbitrary nested data dumped to YAML,
mutations of a valid card, random bytes as a CSV, random frames with random column names, dtypes,
NaN, huge numbers, unicode and empty strings written as CSV, Parquet or Excel — the result is a
valid campaign or a :class:`fupan.errors.FupanError` with bilingual problems, never another
exception. Runs are deterministic (``derandomize=True``); the number of examples run and what they
ended in are printed at the end of the module (and kept in ``COUNTS`` and ``OUTCOMES``).

``FUPAN_FUZZ_SCALE=20 pytest tests/test_fuzz.py`` runs 20 times as many examples with fresh random
seeds each time (a longer hunt; CI keeps the deterministic default).
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import os
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import TINY_CARD, TINY_ORDERS, write_campaign
from fupan.errors import FupanError, ValidationError
from fupan.ingest.card import CONTRACTS, CampaignCard, parse_card
from fupan.ingest.validate import open_campaign

COUNTS: Counter[str] = Counter()
OUTCOMES: Counter[str] = Counter()
SCALE = float(os.environ.get("FUPAN_FUZZ_SCALE", "1"))


def fuzz(n: int) -> settings:
    return settings(
        max_examples=max(1, int(n * SCALE)),
        deadline=None,
        derandomize=SCALE == 1,
        database=None,
        print_blob=SCALE != 1,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.filter_too_much,
            HealthCheck.data_too_large,
        ],
    )


@pytest.fixture(scope="module", autouse=True)
def _salt_and_count(tmp_path_factory, request):
    salt = tmp_path_factory.mktemp("salt") / "salt"
    salt.write_text("cd" * 32 + "\n", encoding="ascii")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FUPAN_SALT_FILE", str(salt))
        yield
    capman = request.config.pluginmanager.getplugin("capturemanager")
    with capman.global_and_fixture_disabled():
        detail = ", ".join(f"{k} {v}" for k, v in sorted(COUNTS.items()))
        print(f"\nfuzz: {sum(COUNTS.values())} examples run ({detail})")
        ends = ", ".join(f"{k} {v}" for k, v in OUTCOMES.most_common())
        print(f"fuzz: folders ended in: {ends}")


def _check_card_result(card: CampaignCard | None, problems: list) -> None:
    for p in problems:
        assert p.code and p.zh and p.en and p.file == "campaign.yaml"
    if card is not None and not any(p.severity == "error" for p in problems):
        assert card.windows.campaign.start <= card.windows.campaign.end


def _open(folder: Path) -> None:
    """The property: a Campaign, or a FupanError whose problems are all well formed."""
    try:
        campaign = open_campaign(folder)
    except ValidationError as exc:
        assert exc.problems, "a ValidationError must name at least one problem"
        OUTCOMES[exc.problems[0].code] += 1
        for p in exc.problems + exc.warnings:
            assert p.code and p.zh.strip() and p.en.strip(), p
            assert p.row is None or (isinstance(p.row, int) and p.row >= 1), p
        str(exc)  # the CLI prints it
        return
    except FupanError as exc:
        OUTCOMES[type(exc).__name__] += 1
        return
    OUTCOMES["valid"] += 1
    try:
        assert "orders" in campaign.tables
        for name in campaign.tables:
            campaign.con.execute(f"SELECT * FROM {name}").fetchall()
        assert not campaign.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name LIKE 'raw_%'"
        ).fetchall()[0][0]
    finally:
        campaign.con.close()


# ----------------------------------------------------------------------------- the card
CARD_KEYS = [
    "id",
    "name",
    "platform",
    "category",
    "currency",
    "timezone",
    "windows",
    "baseline",
    "burst",
    "preheat",
    "post",
    "dip",
    "strategy",
    "targets",
    "budget",
    "hypotheses",
    "kpi",
    "op",
    "value",
    "window",
    "tables",
    "orders",
    "events",
    "spend",
    "inventory",
    "mapping",
    "background",
    "retrospective",
    "actions",
    "due",
    "duplicate_lines",
    "start",
    "end",
]
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=20)
    | st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
    | st.sampled_from(
        [
            "2025-01-01",
            "Asia/Shanghai",
            "Asia",
            "localtime",
            "tmall",
            "gmv",
            ">=",
            "orders.csv",
            "../x.csv",
            "/etc/passwd",
            "",
            "  ",
            ".nan",
            "无",
        ]
    )
)
keys = st.sampled_from(CARD_KEYS) | st.text(max_size=10)
nested = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


@fuzz(400)
@given(st.text(max_size=400))
def test_card_parser_on_arbitrary_text(text):
    COUNTS["card_text"] += 1
    _check_card_result(*parse_card(text))


@fuzz(60)
@given(st.binary(max_size=300))
def test_card_file_with_arbitrary_bytes(data):
    COUNTS["card_bytes"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_campaign(Path(tmp) / "c")
        (folder / "campaign.yaml").write_bytes(data)
        _open(folder)


@fuzz(250)
@given(st.dictionaries(keys, nested, max_size=8))
def test_card_parser_on_arbitrary_nested_data(data):
    COUNTS["card_nested"] += 1
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    _check_card_result(*parse_card(text))


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


CARD_PATHS = [p for p in _paths(TINY_CARD) if p]
mutation = st.tuples(
    st.sampled_from(CARD_PATHS), st.sampled_from(["delete", "replace", "add"]), keys, nested
)


def _mutate(card: dict, mutations) -> dict:
    card = copy.deepcopy(card)
    for path, op, key, value in mutations:
        parent = card
        try:
            for k in path[:-1]:
                parent = parent[k]
            if op == "delete":
                del parent[path[-1]]
            elif op == "replace":
                parent[path[-1]] = value
            elif isinstance(parent[path[-1]], dict):
                parent[path[-1]][key] = value
            else:
                parent[path[-1]] = [parent[path[-1]], value]
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or reshaped this path
    return card


@fuzz(300)
@given(st.lists(mutation, min_size=1, max_size=3))
def test_card_parser_on_mutations_of_a_valid_card(mutations):
    COUNTS["card_mutation"] += 1
    text = yaml.safe_dump(_mutate(TINY_CARD, mutations), allow_unicode=True, sort_keys=False)
    _check_card_result(*parse_card(text))


@fuzz(50)
@given(st.lists(mutation, min_size=1, max_size=2))
def test_whole_folder_with_a_mutated_card(mutations):
    COUNTS["folder_mutated_card"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_campaign(Path(tmp) / "c")
        text = yaml.safe_dump(_mutate(TINY_CARD, mutations), allow_unicode=True, sort_keys=False)
        (folder / "campaign.yaml").write_text(text, encoding="utf-8")
        _open(folder)


# ----------------------------------------------------------------------------- the tables
ORDERS_ONLY = {**TINY_CARD, "tables": {"orders": "orders.csv"}}


def _folder(tmp: str, filename: str) -> Path:
    folder = Path(tmp) / "c"
    folder.mkdir()
    card = {**ORDERS_ONLY, "tables": {"orders": filename}}
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True), encoding="utf-8"
    )
    return folder


@fuzz(80)
@given(st.binary(max_size=1500))
def test_orders_csv_of_random_bytes(data):
    COUNTS["csv_bytes"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder(tmp, "orders.csv")
        (folder / "orders.csv").write_bytes(data)
        _open(folder)


ORDER_NAMES = [c.name for c in CONTRACTS["orders"]]
cell = (
    st.text(max_size=12)
    | st.sampled_from(
        [
            "",
            " ",
            ",",
            '"',
            "\n",
            "NaN",
            "inf",
            "-1",
            "1e400",
            "¥1,200.5",
            "2025-01-03 10:00:00",
            "2025-01-03T10:00:00+08:00",
            "2025-01-03Z",
            "13812345678",
            "a@b.cn",
            "paid",
            "refunded",
            "infinity",
        ]
    )
    | st.integers().map(str)
    | st.floats().map(repr)
)
header_name = st.sampled_from(
    [*ORDER_NAMES, " order_id", "user_id ", "手机号", "收货人", '"q"', "a,b", ""]
) | st.text(max_size=8)


@fuzz(80)
@given(
    st.lists(header_name, min_size=1, max_size=9),
    st.lists(st.lists(cell, max_size=10), max_size=8),
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16", "latin-1"]),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_orders_csv_of_random_text(header, rows, encoding, newline, final_newline):
    COUNTS["csv_text"] += 1
    text = newline.join(",".join(r) for r in [header, *rows]) + (newline if final_newline else "")
    data = text.encode(encoding, errors="replace")
    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder(tmp, "orders.csv")
        (folder / "orders.csv").write_bytes(data)
        _open(folder)


# Plausible values for the required columns, so that examples also get past the header checks.
plausible = {
    "order_id": st.sampled_from(["o1", "o2", "o3", 13812345678, None, ""]),
    "user_id": st.sampled_from(["a", "b", "13812345678", 7, 7.0, None, ""]),
    "order_time": st.sampled_from(
        [
            pd.Timestamp("2025-01-01 10:00"),
            pd.Timestamp("2025-01-08 23:59"),
            "2025-01-05 00:00:00",
            "2025-01-05T00:00:00Z",
            1736000000,
            None,
            "x",
        ]
    ),
    "paid_amount": st.floats(allow_nan=True, allow_infinity=True)
    | st.integers(-5, 10**20)
    | st.just("12.5"),
}
any_value = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=10)
    | st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1))
)
column_name = st.sampled_from(ORDER_NAMES + ["手机号", "email", "x"]) | st.text(
    min_size=1, max_size=8
)


@st.composite
def frames(draw):
    n = draw(st.integers(0, 6))
    names = draw(st.lists(column_name, min_size=1, max_size=7, unique=True))
    if draw(st.booleans()):
        names = list(dict.fromkeys(["order_id", "user_id", "order_time", "paid_amount", *names]))
    columns = {}
    for name in names:
        kind = draw(
            st.sampled_from(
                ["plausible", "int", "float", "text", "bool", "datetime", "tz", "mixed"]
            )
        )
        if kind == "plausible" and name in plausible:
            values = draw(st.lists(plausible[name], min_size=n, max_size=n))
            columns[name] = pd.Series(values, dtype=object)
        elif kind == "int":
            columns[name] = pd.Series(
                draw(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=n, max_size=n)),
                dtype="int64",
            )
        elif kind == "float":
            columns[name] = pd.Series(
                draw(
                    st.lists(
                        st.floats(allow_nan=True, allow_infinity=True, width=64),
                        min_size=n,
                        max_size=n,
                    )
                ),
                dtype="float64",
            )
        elif kind == "bool":
            columns[name] = pd.Series(
                draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool
            )
        elif kind in ("datetime", "tz"):
            ts = draw(
                st.lists(
                    st.datetimes(
                        min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2200, 1, 1)
                    ),
                    min_size=n,
                    max_size=n,
                )
            )
            series = pd.Series(pd.to_datetime(ts), dtype="datetime64[ns]")
            columns[name] = series.dt.tz_localize("UTC") if kind == "tz" else series
        elif kind == "mixed":
            columns[name] = pd.Series(
                draw(st.lists(any_value, min_size=n, max_size=n)), dtype=object
            )
        else:
            columns[name] = pd.Series(
                draw(st.lists(st.text(max_size=10), min_size=n, max_size=n)), dtype=object
            )
    return pd.DataFrame(columns)


def _write(frame: pd.DataFrame, path: Path) -> None:
    if path.suffix == ".csv":
        frame.to_csv(path, index=False)
    elif path.suffix == ".parquet":
        obj = {
            c: frame[c].map(lambda v: None if v is None else str(v))
            for c in frame.columns
            if frame[c].dtype == object
        }  # Parquet columns have one type
        pq.write_table(pa.Table.from_pandas(frame.assign(**obj), preserve_index=False), path)
    else:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        def excel_safe(v):
            if isinstance(v, str):
                return ILLEGAL_CHARACTERS_RE.sub("", v)
            if isinstance(v, float) and math.isinf(v):
                return str(v)  # Excel has no infinity
            if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**53:
                return str(v)
            if isinstance(v, dt.datetime | pd.Timestamp) and not dt.datetime(
                1900, 3, 1
            ) <= v.replace(tzinfo=None):
                return str(v)
            return v

        out = pd.DataFrame(
            {ILLEGAL_CHARACTERS_RE.sub("", str(c)) or "c": frame[c] for c in frame.columns}
        )
        for c in out.columns:
            if isinstance(out[c].dtype, pd.DatetimeTZDtype):
                out[c] = out[c].dt.tz_localize(None)
            if out[c].dtype == object or out[c].dtype.kind in "fi":
                out[c] = out[c].astype(object).map(excel_safe)
        out.to_excel(path, index=False)


@fuzz(150)
@given(frames(), st.sampled_from([".csv", ".parquet", ".xlsx"]))
def test_orders_table_of_random_frames(frame, ext):
    COUNTS[f"frame{ext}"] += 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = _folder(tmp, "orders" + ext)
        try:
            _write(frame, folder / ("orders" + ext))
        except (
            ValueError,
            TypeError,
            OverflowError,
            pa.ArrowException,
        ) as exc:  # the writer refused it
            assume(False), exc
        _open(folder)


def test_a_plausible_random_frame_can_be_valid(tmp_path):
    """Guard against a fuzz that never gets past the header checks: the tiny orders pass."""
    frame = pd.DataFrame(
        TINY_ORDERS,
        columns=[
            "order_id",
            "user_id",
            "order_time",
            "paid_amount",
            "channel",
            "status",
            "refund_amount",
        ],
    )
    frame["order_time"] = pd.to_datetime(frame["order_time"])
    for ext in (".csv", ".parquet", ".xlsx"):
        folder = tmp_path / ext[1:]
        folder.mkdir()
        (folder / "campaign.yaml").write_text(
            yaml.safe_dump(
                {**ORDERS_ONLY, "tables": {"orders": "orders" + ext}}, allow_unicode=True
            ),
            encoding="utf-8",
        )
        _write(frame, folder / ("orders" + ext))
        campaign = open_campaign(folder)
        assert campaign.con.execute("SELECT count(*) FROM orders").fetchall()[0][0] == len(
            TINY_ORDERS
        )
        campaign.con.close()
    assert np.isfinite(frame["paid_amount"]).all()

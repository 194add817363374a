"""The contract checked by SQL where a source's tables live (:mod:`fupan.ingest.sources`).

:func:`check_table` reads a table's columns and types with a ``LIMIT 0`` query, counts the rows
breaking each rule of its contract in one aggregate query, and creates the typed temporary view
(contract columns only, absent optional ones filled as for files) the extract reads;
:func:`orders_rules` checks one user per order, refunds ≤ paid and the windows' coverage.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pandas as pd

from ..errors import Problem
from ..extract.duck import trim_spaces
from ..extract.engines import Engine
from .card import CONTRACTS, CampaignCard, Column
from .duplicates import DISTINCT_COUNTED, duplicate_lines_problem

EARLIEST, LATEST = "1990-01-01", "2101-01-01"
_SQL_TYPE = {
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "string": "VARCHAR",
}
# absent optional columns, as for files (fupan.ingest.validate)
_DEFAULTS = {
    "channel": "'unknown'",
    "status": "'paid'",
    "refund_amount": "0.0",
    "quantity": "1",
    "list_amount": "paid_amount",
}
_NUMERIC = re.compile(r"int|float|double|numeric|decimal|real|long|short|byte|money", re.I)
_TEMPORAL = re.compile(r"timestamp|date", re.I)
_ZONED = re.compile(r"timestamptz|with time zone", re.I)


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def where_of(card: CampaignCard, name: str, table: str) -> str:
    src = card.source
    assert src is not None
    if src.engine == "postgres":
        return f"postgres:{src.db_schema or 'public'}.{table}"
    return f"spark:{table}"


def _problem(code: str, where: str, zh: str, en: str, **kw: Any) -> Problem:
    return Problem(code, where, zh, en, **kw)


def _typed_expr(col: Column, source: str, raw_type: str, tz: str, dialect: str) -> str:
    """The DuckDB-dialect expression of a contract column. A timestamp with a zone (PostgreSQL's
    timestamptz; Spark's ``timestamp``, an instant, as opposed to ``timestamp_ntz``) becomes the
    card's local time, as for files."""
    q = quote(source)
    if col.kind == "timestamp":
        if dialect == "spark" and raw_type == "timestamp":  # the session time zone is UTC
            return f"CAST(from_utc_timestamp({q}, '{tz}') AS TIMESTAMP)"
        if _ZONED.search(raw_type):
            return f"timezone('{tz}', {q})"
        return f"CAST({q} AS TIMESTAMP)"
    if col.kind == "date":
        return f"CAST({q} AS DATE)"
    if col.kind in ("number", "integer"):
        return f"CAST({q} AS DOUBLE)"
    if col.allowed:
        return f"lower({trim_spaces(f'CAST({q} AS VARCHAR)')})"
    return f"nullif({trim_spaces(f'CAST({q} AS VARCHAR)')}, '')"


def _check_sql(col: Column, e: str) -> list[tuple[str, str, str, str]]:
    """(code, condition of a bad row, zh, en) for a typed expression ``e`` of ``col``."""
    out = []
    if col.required:
        out.append(("null_value", f"{e} IS NULL", "不能为空", "must not be empty"))
    if col.kind in ("number", "integer"):
        out += col.bound_checks(e)
    if col.kind in ("number", "integer"):  # PostgreSQL and Spark doubles hold NaN and ±Infinity
        special = ", ".join(f"CAST('{v}' AS DOUBLE)" for v in ("NaN", "Infinity", "-Infinity"))
        out.append(
            ("not_finite", f"{e} IN ({special})", "不能为 NaN 或无穷大", "must be a finite number")
        )
    if col.kind == "integer":
        out.append(("not_integer", f"{e} <> floor({e})", "应为整数", "must be a whole number"))
    if col.kind in ("timestamp", "date"):
        t = col.kind.upper()
        out.append(
            (
                "out_of_range",
                f"({e} < CAST('{EARLIEST}' AS {t}) OR {e} >= CAST('{LATEST}' AS {t}))",
                f"应在 {EARLIEST} 至 2100-12-31 之间",
                f"must lie between {EARLIEST} and 2100-12-31",
            )
        )
    if col.allowed:
        allowed = ", ".join(f"'{a}'" for a in col.allowed)
        out.append(
            (
                "value_not_allowed",
                f"{e} IS NOT NULL AND {e} NOT IN ({allowed})",
                f"只允许 {'/'.join(col.allowed)}",
                f"allowed values are {'/'.join(col.allowed)}",
            )
        )
    return out


def check_table(
    engine: Engine, card: CampaignCard, name: str, relation: str, where: str
) -> tuple[list[Problem], list[str], str]:
    """Check one source table and create its typed view; (problems, contract columns present,
    fingerprint of its content)."""
    try:
        types = engine.columns(relation)
    except Exception as exc:  # noqa: BLE001 — the engine's own error, secrets already hidden
        return (
            [
                _problem(
                    "table_missing",
                    where,
                    f"无法读取 {name} 表（{where}）：{str(exc).splitlines()[0][:300]}",
                    f"Cannot read the {name} table ({where}): {str(exc).splitlines()[0][:300]}",
                )
            ],
            [],
            "",
        )
    mappings: dict[str, dict[str, str]] = {str(k): v for k, v in card.mapping.items()}
    rename = {v: k for k, v in mappings.get(name, {}).items()}  # contract → source column
    problems, exprs = [], {}
    for col in CONTRACTS[name]:
        source = rename.get(col.name, col.name)
        if source not in types:
            if col.required:
                problems.append(
                    _problem(
                        "missing_column",
                        where,
                        f"{name} 表缺少必需的列 {col.name}（可在卡片 mapping 中把源列名映射为 {col.name}）。",
                        f"The {name} table lacks the required column {col.name} (map a source column "
                        f"to it under the card's mapping).",
                        column=col.name,
                    )
                )
            continue
        kind = types[source]
        ok = (
            (col.kind in ("number", "integer") and bool(_NUMERIC.search(kind)))
            or (col.kind in ("timestamp", "date") and bool(_TEMPORAL.search(kind)))
            or col.kind == "string"
        )
        if not ok:
            problems.append(
                _problem(
                    "bad_type",
                    where,
                    f"{name} 表的列 {source} 类型为 {kind}，应为{'数值' if col.kind in ('number', 'integer') else '日期/时间'}类型。",
                    f"Column {source} of the {name} table is of type {kind}; expected a "
                    f"{'numeric' if col.kind in ('number', 'integer') else 'date/time'} type.",
                    column=col.name,
                )
            )
            continue
        exprs[col.name] = _typed_expr(
            col, source, kind, card.timezone.replace("'", "''"), engine.dialect
        )
    if problems:
        return problems, [], ""
    # one scan: row count, a content fingerprint and every rule's count of bad rows
    pending = [
        (col, *c)
        for col in CONTRACTS[name]
        if col.name in exprs
        for c in _check_sql(col, exprs[col.name])
    ]
    money = "paid_amount" if name == "orders" else ("spend" if name == "spend" else None)
    selects = ["count(*) AS n"]
    if money:
        selects.append(f"CAST(sum(CAST({exprs[money]} AS DECIMAL(18, 2))) AS VARCHAR) AS total")
    selects += [
        f"count(*) FILTER (WHERE {cond}) AS c{i}" for i, (_, _, cond, _, _) in enumerate(pending)
    ]
    stats = engine.query(f"SELECT {', '.join(selects)} FROM {relation}").iloc[0]
    for i, (col, code, _, zh, en) in enumerate(pending):
        n = int(stats[f"c{i}"])
        if n and code == "below_minimum" and col.below_means:  # oversold stock: none on hand
            exprs[col.name] = col.floored(exprs[col.name])
            zh_said, en_said = col.floored_said(name, n)
            problems.append(
                _problem(
                    "read_as_minimum", where, zh_said, en_said, column=col.name, severity="warning"
                )
            )
        elif n:
            problems.append(
                _problem(
                    code,
                    where,
                    f"{name} 表的列 {col.name} 有 {n} 行不合规：{zh}。",
                    f"{n} row(s) of column {col.name} in the {name} table break the contract: {en}.",
                    column=col.name,
                )
            )
    dups = [] if name in DISTINCT_COUNTED else _duplicates(engine, card, name, relation, where)
    problems += dups
    if dups and card.duplicate_lines == "drop":
        relation = f"(SELECT DISTINCT * FROM {relation}) AS _distinct_rows"
    cols = []
    for col in CONTRACTS[name]:
        default = _DEFAULTS.get(col.name)
        if default == "paid_amount":
            default = exprs["paid_amount"]
        if col.name in exprs:
            e = exprs[col.name] if default is None else f"coalesce({exprs[col.name]}, {default})"
        else:
            e = default or "NULL"
        cols.append(f"CAST({e} AS {_SQL_TYPE[col.kind]}) AS {col.name}")
    engine.execute(
        f"CREATE OR REPLACE TEMP VIEW {name} AS "
        + engine.sql(f"SELECT {', '.join(cols)} FROM {relation}")
    )
    fingerprint = json.dumps({k: str(v) for k, v in stats.items()}, sort_keys=True)
    return problems, sorted(exprs), fingerprint


def _duplicates(
    engine: Engine, card: CampaignCard, name: str, relation: str, where: str
) -> list[Problem]:
    """Exact duplicate rows (every column equal), counted where the table lives; a warning, and
    dropped from the typed view when the card says ``duplicate_lines: drop`` (as for files)."""
    n = engine.query(
        f"SELECT (SELECT count(*) FROM {relation}) - "
        f"(SELECT count(*) FROM (SELECT DISTINCT * FROM {relation}) AS d) AS n"
    ).iloc[0]["n"]
    if not n or pd.isna(n):
        return []
    stated = "duplicate_lines" in card.model_fields_set
    return [duplicate_lines_problem(name, int(n), card.duplicate_lines, where, stated=stated)]


def orders_rules(engine: Engine, card: CampaignCard, where: str) -> list[Problem]:
    problems = []
    multi, refund, lo, hi = engine.query(
        "SELECT (SELECT count(*) FROM (SELECT order_id FROM orders GROUP BY order_id "
        "HAVING count(DISTINCT user_id) > 1) m) AS multi, "
        "(SELECT count(*) FROM orders WHERE refund_amount > paid_amount + 0.005) AS refund, "
        "(SELECT CAST(min(order_time) AS DATE) FROM orders) AS lo, "
        "(SELECT CAST(max(order_time) AS DATE) FROM orders) AS hi"
    ).iloc[0]
    if multi:
        problems.append(
            _problem(
                "order_multiple_users",
                where,
                f"{int(multi)} 个订单号对应多个用户；同一订单只能属于一个用户。",
                f"{int(multi)} order id(s) belong to more than one user; an order has one user.",
                column="order_id",
            )
        )
    if refund:
        problems.append(
            _problem(
                "refund_exceeds_paid",
                where,
                f"{int(refund)} 行的退款金额大于实付金额；退款应不超过 paid_amount。",
                f"{int(refund)} row(s) refund more than was paid; refund_amount must be ≤ paid_amount.",
                column="refund_amount",
            )
        )
    windows = card.windows.items()
    need_lo, need_hi = windows[0][1].start, windows[-1][1].end
    lo = None if pd.isna(lo) else pd.Timestamp(lo).date()
    hi = None if pd.isna(hi) else pd.Timestamp(hi).date()
    if lo is None or hi is None or lo > need_lo or hi < need_hi:
        problems.append(
            _problem(
                "coverage",
                where,
                f"orders 表的数据范围 {lo} ~ {hi} 未覆盖活动窗口 {need_lo} ~ {need_hi}（从日常期到最后一个窗口）。",
                f"The orders table spans {lo} .. {hi}, which does not cover the windows {need_lo} .. "
                f"{need_hi} (baseline to the last window).",
                column="order_time",
            )
        )
    return problems

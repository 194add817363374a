"""Checking a campaign folder against its contract — before any kernel starts.

:func:`open_campaign` is the one entry point: it parses the card, loads the tables into DuckDB,
checks types, ranges, allowed values, order/user consistency, duplicate lines and window coverage,
and either raises :class:`~fupan.errors.ValidationError` naming every problem (file, row, column,
expectation, zh + en) or returns a :class:`Campaign` whose typed tables the extract layer reads.
Nothing is written anywhere.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .errors import Problem, ValidationError
from .schema import CARD_FILE, CONTRACTS, CampaignCard, Column, load_card
from .sources import ddl, file_sha256, load_tables, open_connection

EXAMPLES = 3
_KIND_ZH = {"string": "文本", "timestamp": "时间戳（如 2025-11-11 20:00:00）", "date": "日期（如 2025-11-11）",
            "number": "数字", "integer": "整数"}
_KIND_EN = {"string": "text", "timestamp": "a timestamp (e.g. 2025-11-11 20:00:00)",
            "date": "a date (e.g. 2025-11-11)", "number": "a number", "integer": "a whole number"}
# Columns filled in when an optional column is absent, so the extract SQL needs no special cases.
_DEFAULTS = {"channel": "'unknown'", "status": "'paid'", "refund_amount": "0.0", "quantity": "1",
             "list_amount": "paid_amount"}


@dataclass
class Campaign:
    """A validated campaign: the card, its typed tables in DuckDB, and what was noticed."""

    folder: Path
    card: CampaignCard
    con: duckdb.DuckDBPyConnection
    tables: list[str]
    warnings: list[Problem] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    flags: dict[str, object] = field(default_factory=dict)

    def has(self, table: str) -> bool:
        return table in self.tables


def _cast_expr(col: Column, raw_type: str, tz: str) -> str:
    q = f'"{col.name}"'
    if col.kind == "timestamp":
        if "TIME ZONE" in raw_type:
            return f"timezone('{tz}', {q})"
        return q if raw_type.startswith("TIMESTAMP") else f"TRY_CAST(trim(CAST({q} AS VARCHAR)) AS TIMESTAMP)"
    if col.kind == "date":
        return q if raw_type == "DATE" else f"TRY_CAST(TRY_CAST(trim(CAST({q} AS VARCHAR)) AS TIMESTAMP) AS DATE)"
    if col.kind in ("number", "integer"):
        if raw_type in ("DOUBLE", "FLOAT", "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT") or raw_type.startswith("DECIMAL"):
            return f"CAST({q} AS DOUBLE)"
        return f"TRY_CAST(replace(trim(CAST({q} AS VARCHAR)), ',', '') AS DOUBLE)"
    if col.allowed:
        return f"lower(trim(CAST({q} AS VARCHAR)))"
    return f"nullif(trim(CAST({q} AS VARCHAR)), '')"


def _check_columns(con, name: str, filename: str, card: CampaignCard) -> tuple[list[Problem], dict[str, str]]:
    """Type/range/allowed-value checks per contract column; returns problems and cast expressions."""
    raw = f"raw_{name}"
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {raw}").fetchall()}
    problems, exprs, pending = [], {}, []
    for col in CONTRACTS[name]:
        if col.name not in types:
            continue
        q = f'"{col.name}"'
        expr = _cast_expr(col, types[col.name], card.timezone)
        exprs[col.name] = expr
        given = f"nullif(trim(CAST({q} AS VARCHAR)), '') IS NOT NULL"
        checks: list[tuple[str, str, str, str]] = []
        if col.required:
            checks.append(("null_value", f"NOT ({given})", f"不能为空，应为{_KIND_ZH[col.kind]}",
                           f"must not be empty; expected {_KIND_EN[col.kind]}"))
        if col.kind != "string":
            checks.append(("bad_type", f"{given} AND ({expr}) IS NULL", f"应为{_KIND_ZH[col.kind]}",
                           f"expected {_KIND_EN[col.kind]}"))
        if col.kind in ("number", "integer"):
            checks.append(("nan_value", f"isnan({expr})", "不能是 NaN", "must not be NaN"))
            if col.minimum is not None:
                checks.append(("below_minimum", f"({expr}) < {col.minimum}",
                               f"不能小于 {col.minimum:g}", f"must be ≥ {col.minimum:g}"))
        if col.kind == "integer":
            checks.append(("not_integer", f"({expr}) <> floor({expr})", "应为整数", "must be a whole number"))
        if col.allowed:
            allowed = ", ".join(f"'{a}'" for a in col.allowed)
            checks.append(("value_not_allowed", f"{given} AND ({expr}) NOT IN ({allowed})",
                           f"只允许 {'/'.join(col.allowed)}", f"allowed values are {'/'.join(col.allowed)}"))
        for code, cond, zh, en in checks:
            pending.append((col, q, code, cond, zh, en))
    # One scan counts every check; examples are fetched only for the checks that failed.
    if pending:
        counts = con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {p[3]})" for p in pending)
                             + f" FROM {raw}").fetchall()[0]
        for (col, q, code, cond, zh, en), n in zip(pending, counts, strict=True):
            if not n:
                continue
            ex = con.execute(f"SELECT rowid + 1, {q} FROM {raw} WHERE {cond} ORDER BY rowid LIMIT {EXAMPLES}").fetchall()
            sample = "; ".join(f"row {r}: {v!r}" for r, v in ex)
            problems.append(Problem(
                code=code, file=filename, row=ex[0][0], column=col.name,
                zh=f"{name} 表的列 {col.name} 有 {n} 行不合规：{zh}。示例 {sample}",
                en=f"{n} row(s) of column {col.name} in the {name} table break the contract: {en}. Examples {sample}"))
    return problems, exprs


def _build_typed(con, name: str, exprs: dict[str, str], duplicates: str) -> None:
    cols = []
    for col in CONTRACTS[name]:
        if col.name in exprs:
            e = exprs[col.name]
            if col.name in _DEFAULTS:
                e = f"coalesce({e}, {_DEFAULTS[col.name]})"
            cast = {"timestamp": "TIMESTAMP", "date": "DATE", "number": "DOUBLE", "integer": "BIGINT",
                    "string": "VARCHAR"}[col.kind]
            cols.append(f"CAST({e} AS {cast}) AS {col.name}")
        elif col.name in _DEFAULTS:
            cols.append(f"{_DEFAULTS[col.name]} AS {col.name}")
        else:
            cast = {"number": "DOUBLE", "integer": "BIGINT"}.get(col.kind, "VARCHAR")
            cols.append(f"CAST(NULL AS {cast}) AS {col.name}")
    where = ""
    if duplicates == "drop":
        where = (f" QUALIFY row_number() OVER (PARTITION BY {', '.join(_raw_cols(con, name))} "
                 f"ORDER BY rowid) = 1")
    ddl(con, f"CREATE TABLE {name} AS SELECT {', '.join(cols)}, rowid + 1 AS _row "
                f"FROM raw_{name}{where}")


def _raw_cols(con, name: str) -> list[str]:
    return [f'"{r[0]}"' for r in con.execute(f"DESCRIBE raw_{name}").fetchall()]


def _check_duplicates(con, name: str, filename: str, policy: str) -> list[Problem]:
    cols = ", ".join(_raw_cols(con, name))
    dup = con.execute(
        f"SELECT count(*) - count(DISTINCT ({cols})) FROM raw_{name}").fetchall()[0][0]
    if not dup:
        return []
    ex = con.execute(
        f"SELECT list(rowid + 1 ORDER BY rowid) FROM raw_{name} GROUP BY {cols} HAVING count(*) > 1 "
        f"ORDER BY min(rowid) LIMIT {EXAMPLES}").fetchall()
    sample = "; ".join("rows " + "=".join(str(r) for r in rows[0][:4]) for rows in ex)
    act_zh = "已删除重复行（duplicate_lines: drop）" if policy == "drop" else "按卡片设置保留（duplicate_lines: keep），如需删除请设为 drop"
    act_en = "dropped them (duplicate_lines: drop)" if policy == "drop" else "kept them as the card says (duplicate_lines: keep); set it to drop to remove them"
    return [Problem(code="duplicate_lines", file=filename, row=ex[0][0][0], severity="warning",
                    zh=f"{name} 表有 {dup} 行与其他行完全相同；{act_zh}。示例：{sample}",
                    en=f"The {name} table has {dup} line(s) identical to another line; {act_en}. Examples: {sample}")]


def _check_orders(con, filename: str) -> list[Problem]:
    problems = []
    bad = con.execute(
        "SELECT order_id, list(DISTINCT user_id ORDER BY user_id), min(rowid) + 1, count(DISTINCT user_id) "
        "FROM (SELECT *, rowid FROM raw_orders) GROUP BY order_id HAVING count(DISTINCT user_id) > 1 "
        "ORDER BY min(rowid)").fetchall()
    if bad:
        sample = "; ".join(f"{o}: {u[:3]}" for o, u, _, _ in bad[:EXAMPLES])
        problems.append(Problem(
            code="order_multiple_users", file=filename, row=bad[0][2], column="order_id",
            zh=f"{len(bad)} 个订单号的各行属于不同用户（同一订单只能有一个 user_id）。示例：{sample}",
            en=f"{len(bad)} order id(s) have lines naming different users (one order must have one user_id). Examples: {sample}"))
    n = con.execute("SELECT count(*) FROM orders WHERE refund_amount > paid_amount + 1e-9").fetchall()[0][0]
    if n:
        r = con.execute("SELECT min(_row) FROM orders WHERE refund_amount > paid_amount + 1e-9").fetchall()[0][0]
        problems.append(Problem(
            code="refund_exceeds_paid", file=filename, row=r, column="refund_amount",
            zh=f"{n} 行的退款金额大于实付金额；退款应不超过 paid_amount。",
            en=f"{n} row(s) refund more than was paid; refund_amount must be ≤ paid_amount."))
    return problems


def _check_coverage(con, name: str, filename: str, time_col: str, card: CampaignCard, required: bool) -> list[Problem]:
    lo, hi = con.execute(f"SELECT min({time_col})::DATE, max({time_col})::DATE FROM {name}").fetchall()[0]
    windows = card.windows.items()
    need_lo, need_hi = windows[0][1].start, windows[-1][1].end
    if lo is None or lo > need_lo or hi < need_hi:
        sev = "error" if required else "warning"
        what_zh = "" if required else "；缺少的窗口将不计算依赖此表的指标"
        what_en = "" if required else "; analyses that need this table are skipped for the windows it misses"
        return [Problem(
            code="coverage", file=filename, column=time_col, severity=sev,
            zh=f"{name} 表的数据范围 {lo} ~ {hi} 未覆盖活动窗口 {need_lo} ~ {need_hi}（从基线期到最后一个窗口）{what_zh}。",
            en=f"The {name} table spans {lo} .. {hi}, which does not cover the windows {need_lo} .. {need_hi} "
               f"(baseline to the last window){what_en}.")]
    return []


def open_campaign(folder: Path | str) -> Campaign:
    """Validate ``folder`` and return the :class:`Campaign`; raise ValidationError on any error."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError([Problem("folder_missing", None, f"活动文件夹不存在：{folder}",
                                       f"The campaign folder does not exist: {folder}")])
    card = load_card(folder)
    con = open_connection()
    loaded, problems = load_tables(con, folder, card)
    if "orders" not in loaded:
        raise ValidationError(problems)
    for name in list(loaded):
        filename = getattr(card.tables, name)
        found, exprs = _check_columns(con, name, filename, card)
        problems += found
        if found:
            loaded.remove(name)
            continue
        problems += _check_duplicates(con, name, filename, card.duplicate_lines)
        _build_typed(con, name, exprs, card.duplicate_lines)
    if "orders" in loaded:
        problems += _check_orders(con, card.tables.orders)
        problems += _check_coverage(con, "orders", card.tables.orders, "order_time", card, True)
    if "events" in loaded:
        problems += _check_coverage(con, "events", card.tables.events, "event_time", card, False)
    for name, time_col in (("spend", "date"), ("inventory", "date")):
        if name in loaded:
            problems += _check_coverage(con, name, getattr(card.tables, name), time_col, card, False)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        con.close()
        raise ValidationError(problems)

    flags: dict[str, object] = {}
    first = con.execute("SELECT min(order_time)::DATE FROM orders").fetchall()[0][0]
    lookback = card.windows.campaign.start - dt.timedelta(days=365)
    flags["history_start"] = first.isoformat()
    flags["new_customer_approximate"] = bool(first > lookback)
    if flags["new_customer_approximate"]:
        problems.append(Problem(
            code="short_history", file=card.tables.orders, column="order_time", severity="warning",
            zh=f"订单历史从 {first} 开始，不足活动前一年（{lookback}）；“新客”为近似值（可能把老客算作新客）。",
            en=f"Order history starts {first}, less than a year before the campaign ({lookback}); "
               f"'new customer' is approximate (returning customers may count as new)."))
    hashes = {CARD_FILE: file_sha256(folder / CARD_FILE)}
    for _name, filename in card.tables.items():
        hashes[filename] = file_sha256(folder / filename)
    return Campaign(folder=folder, card=card, con=con, tables=loaded,
                    warnings=[p for p in problems if p.severity != "error"], hashes=hashes, flags=flags)


def save_prepared(campaign: Campaign, path: Path) -> None:
    """Write the validated, typed tables and what validation found to a DuckDB file.

    ``fupan run`` validates before any kernel starts; the kernel then opens this file with
    :func:`open_prepared` instead of validating the same data a second time.
    """
    import json

    from .sources import ddl

    path = Path(path)
    path.unlink(missing_ok=True)
    con = campaign.con
    ddl(con, f"ATTACH '{path}' AS prep")
    try:
        for name in campaign.tables:
            ddl(con, f"CREATE TABLE prep.{name} AS SELECT * FROM {name}")
        meta = {"tables": campaign.tables, "hashes": campaign.hashes, "flags": campaign.flags,
                "warnings": [p.__dict__ for p in campaign.warnings]}
        ddl(con, "CREATE TABLE prep._meta (meta VARCHAR)")
        con.execute("INSERT INTO prep._meta VALUES (?)", [json.dumps(meta, ensure_ascii=False)]).fetchall()
    finally:
        ddl(con, "DETACH prep")


def open_prepared(folder: Path | str, path: Path | str) -> Campaign:
    """A :class:`Campaign` from a file written by :func:`save_prepared`, after checking that the
    folder's files still have the hashes they had when they were validated."""
    import json

    from .sources import ddl

    folder = Path(folder)
    card = load_card(folder)
    con = open_connection()
    ddl(con, f"ATTACH '{Path(path)}' AS prep (READ_ONLY)")
    meta = json.loads(con.execute("SELECT meta FROM prep._meta").fetchall()[0][0])
    for name, digest in meta["hashes"].items():
        if file_sha256(folder / name) != digest:
            con.close()
            return open_campaign(folder)  # the data changed since validation: validate again
    for name in meta["tables"]:
        ddl(con, f"CREATE VIEW {name} AS SELECT * FROM prep.{name}")
    return Campaign(folder=folder, card=card, con=con, tables=meta["tables"],
                    warnings=[Problem(**w) for w in meta["warnings"]], hashes=meta["hashes"], flags=meta["flags"])

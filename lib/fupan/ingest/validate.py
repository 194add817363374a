"""Checking a campaign folder against its contract — before any kernel starts.

:func:`open_campaign` is the one entry point: it parses the card, loads the tables into DuckDB,
checks types, ranges, allowed values, order/user consistency, duplicate lines and window coverage,
and either raises :class:`~fupan.errors.ValidationError` naming every problem (file, row, column,
expectation, zh + en) or returns a :class:`Campaign` whose typed tables the extract layer reads.
Nothing is written anywhere (the pseudonymisation salt aside, created once outside the repository
by :mod:`fupan.ingest.privacy`).

The rules beyond each column's type (error unless marked *warning*; the code in brackets):

- **Time zones.** A timestamp without a zone is local time in the card's ``timezone``. One with a
  zone — a zoned Parquet type, or text ending in ``Z``, ``UTC``/``GMT`` or ``±hh[:mm]`` — is
  converted to the card's zone. A text column mixing values with and without a zone is refused
  [mixed_timezones]: the zone-less ones would silently be read in another zone than the others.
- **Plausible values.** Timestamps and dates lie in 1990-01-01 .. 2100-12-31 (1970-01-01 and
  1899-12-30 are "empty date" stand-ins) [out_of_range]; numbers are finite [nan_value,
  infinite_value] and at most 1e15 in absolute value [out_of_range]. Amounts may carry thousands
  separators and a leading currency sign (¥ ￥ $ € £).
- **Orders.** One order id belongs to one user [order_multiple_users]; a line refunds at most what
  it paid [refund_exceeds_paid]; the orders cover the baseline to the last window [coverage];
  optional tables that do not are a *warning* [coverage]. Exact duplicate lines are kept or dropped
  as ``duplicate_lines`` says, with a *warning* [duplicate_lines].
- **Channels** (*warnings*, so that they never block a run): a spend channel found neither in the
  orders nor in ``strategy.budget`` [unknown_channel] — usually a naming mismatch (直播 vs live) that
  leaves its ROAS and pacing empty; a budgeted channel without spend rows [budget_without_spend].
  Without a spend table neither applies.
- **Everything at once.** Card problems that leave the tables checkable (anything outside windows,
  timezone, tables, mapping, duplicate_lines) do not stop the table checks, and a broken table does
  not stop the checks of the others.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..errors import Problem, ValidationError
from ..extract.duck import ddl, ident
from ..i18n import phase_name
from .card import CARD_FILE, CONTRACTS, CampaignCard, Column, card_line, load_card, read_card
from .readers import file_sha256, load_tables, open_connection

EXAMPLES = 3
#: Timestamps and dates outside this range are typos or "zero dates" (1970-01-01, 1899-12-30).
EARLIEST, LATEST = "1990-01-01", "2101-01-01"
#: Larger magnitudes are a unit or parsing error in any column of the contract (and keep integer
#: columns exact in a double).
MAX_ABS = 1e15
#: A timestamp written with its zone: Z, UTC/GMT or a numeric offset after the time of day.
ZONED = r"[0-9]{1,2}:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?\s*([Zz]|UTC|GMT|[+-][0-9]{2}(:?[0-9]{2})?)$"
_KIND_ZH = {
    "string": "文本",
    "timestamp": "时间戳（如 2025-11-11 20:00:00）",
    "date": "日期（如 2025-11-11）",
    "number": "数字",
    "integer": "整数",
}
_KIND_EN = {
    "string": "text",
    "timestamp": "a timestamp (e.g. 2025-11-11 20:00:00)",
    "date": "a date (e.g. 2025-11-11)",
    "number": "a number",
    "integer": "a whole number",
}
_NUMERIC = (
    "DOUBLE",
    "FLOAT",
    "BIGINT",
    "INTEGER",
    "SMALLINT",
    "TINYINT",
    "HUGEINT",
    "UBIGINT",
    "UINTEGER",
    "USMALLINT",
    "UTINYINT",
    "UHUGEINT",
)
# Columns filled in when an optional column is absent, so the extract SQL needs no special cases.
_DEFAULTS = {
    "channel": "'unknown'",
    "status": "'paid'",
    "refund_amount": "0.0",
    "quantity": "1",
    "list_amount": "paid_amount",
}


@dataclass
class Campaign:
    """A validated campaign: the card, its typed tables in DuckDB, and what was noticed.

    ``privacy`` records, per table, the personal-data columns dropped and the columns replaced by
    salted pseudonyms at ingestion (:mod:`fupan.ingest.privacy`). The raw copies of the files are gone by
    the time a Campaign is returned: only the typed tables remain in ``con``.
    """

    folder: Path
    card: CampaignCard
    con: duckdb.DuckDBPyConnection
    tables: list[str]
    warnings: list[Problem] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    flags: dict[str, object] = field(default_factory=dict)
    privacy: dict[str, dict] = field(default_factory=dict)

    def has(self, table: str) -> bool:
        return table in self.tables

    def measures(self, table: str, column: str) -> bool:
        """Whether ``table`` was given with ``column`` (an absent optional column is filled with a
        default, e.g. refund_amount 0, which is not a measurement). Unknown (an old prepared file):
        taken as present."""
        columns = self.flags.get("columns")
        if not isinstance(columns, dict):
            return self.has(table)
        return column in columns.get(table, ())


def _text(q: str) -> str:
    return f"trim(TRY_CAST({q} AS VARCHAR))"


def _cast_expr(col: Column, raw_type: str, tz: str) -> str:
    """The SQL turning raw column ``col`` into its contract type (NULL where it cannot).

    Time zones: a timestamp without a zone is local time in the card's ``timezone``; one with a
    zone (a zoned Parquet type, or text ending in Z/UTC/GMT/±hh[:mm]) is converted to it.
    Numbers may carry thousands separators and a leading currency sign (¥ ￥ $ € £).
    """
    q, s, zone = ident(col.name), _text(ident(col.name)), tz.replace("'", "''")
    if col.kind in ("timestamp", "date"):
        if "TIME ZONE" in raw_type or raw_type.startswith("TIMESTAMPTZ"):  # e.g. TIMESTAMPTZ_NS
            ts = f"timezone('{zone}', CAST({q} AS TIMESTAMPTZ))"
        elif raw_type.startswith("TIMESTAMP") or raw_type == "DATE":
            ts = f"CAST({q} AS TIMESTAMP)"
        else:
            ts = (
                f"CASE WHEN regexp_matches({s}, '{ZONED}') THEN timezone('{zone}', "
                f"TRY_CAST(regexp_replace({s}, '\\s+([+-][0-9])', '\\1') AS TIMESTAMPTZ)) "
                f"ELSE TRY_CAST({s} AS TIMESTAMP) END"
            )
        return (
            ts if col.kind == "timestamp" else (q if raw_type == "DATE" else f"CAST({ts} AS DATE)")
        )
    if col.kind in ("number", "integer"):
        if raw_type in _NUMERIC or raw_type.startswith("DECIMAL"):
            return f"CAST({q} AS DOUBLE)"
        return f"TRY_CAST(replace(regexp_replace({s}, '^[¥￥$€£]\\s*', ''), ',', '') AS DOUBLE)"
    if col.allowed:
        return f"lower({s})"
    return f"nullif({s}, '')"


def _checks(col: Column, expr: str) -> list[tuple[str, str, str, str]]:
    """(code, SQL condition of a bad row, zh, en) for every rule of the column's contract."""
    given = f"nullif({_text(ident(col.name))}, '') IS NOT NULL"
    checks: list[tuple[str, str, str, str]] = []
    if col.required:
        checks.append(
            (
                "null_value",
                f"NOT ({given})",
                f"不能为空，应为{_KIND_ZH[col.kind]}",
                f"must not be empty; expected {_KIND_EN[col.kind]}",
            )
        )
    if col.kind != "string":
        checks.append(
            (
                "bad_type",
                f"{given} AND ({expr}) IS NULL",
                f"应为{_KIND_ZH[col.kind]}",
                f"expected {_KIND_EN[col.kind]}",
            )
        )
    if col.kind in ("number", "integer"):
        checks += [
            ("nan_value", f"isnan({expr})", "不能是 NaN", "must not be NaN"),
            ("infinite_value", f"isinf({expr})", "不能是无穷大", "must not be infinite"),
            (
                "out_of_range",
                f"isfinite({expr}) AND abs({expr}) > {MAX_ABS}",
                f"绝对值不能超过 {MAX_ABS:.0e}（多半是单位或解析错误）",
                f"must not exceed {MAX_ABS:.0e} in absolute value (a unit or parsing error?)",
            ),
        ]
        if col.minimum is not None:
            checks.append(
                (
                    "below_minimum",
                    f"({expr}) < {col.minimum}",
                    f"不能小于 {col.minimum:g}",
                    f"must be ≥ {col.minimum:g}",
                )
            )
    if col.kind == "integer":
        checks.append(
            (
                "not_integer",
                f"isfinite({expr}) AND ({expr}) <> floor({expr})",
                "应为整数",
                "must be a whole number",
            )
        )
    if col.kind in ("timestamp", "date"):
        sql_type = col.kind.upper()
        checks.append(
            (
                "out_of_range",
                f"NOT isfinite({expr}) OR ({expr}) < {sql_type} '{EARLIEST}' "
                f"OR ({expr}) >= {sql_type} '{LATEST}'",
                f"应在 {EARLIEST} 至 2100-12-31 之间（1970-01-01、1899-12-30 之类多为空日期）",
                f"must lie between {EARLIEST} and 2100-12-31 (1970-01-01 or 1899-12-30 usually "
                f"stand for an empty date)",
            )
        )
    if col.allowed:
        allowed = ", ".join(f"'{a}'" for a in col.allowed)
        checks.append(
            (
                "value_not_allowed",
                f"{given} AND ({expr}) NOT IN ({allowed})",
                f"只允许 {'/'.join(col.allowed)}",
                f"allowed values are {'/'.join(col.allowed)}",
            )
        )
    return checks


def _check_columns(
    con, name: str, filename: str, card: CampaignCard
) -> tuple[list[Problem], dict[str, str]]:
    """Type/range/allowed-value checks per contract column; returns problems and cast expressions."""
    raw = f"raw_{name}"
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {raw}").fetchall()}
    problems, exprs, pending = [], {}, []
    for col in CONTRACTS[name]:
        if col.name not in types:
            continue
        expr = _cast_expr(col, types[col.name], card.timezone)
        exprs[col.name] = expr
        if col.kind == "timestamp" and types[col.name] == "VARCHAR":
            problems += _check_zones(con, name, filename, col.name, card.timezone)
        pending += [(col, *check) for check in _checks(col, expr)]
    # One scan counts every check; examples are fetched only for the checks that failed.
    if pending:
        counts = con.execute(
            "SELECT "
            + ", ".join(f"count(*) FILTER (WHERE {p[2]})" for p in pending)
            + f" FROM {raw}"
        ).fetchall()[0]
        for (col, code, cond, zh, en), n in zip(pending, counts, strict=True):
            if not n:
                continue
            ex = con.execute(
                f"SELECT rowid + 1, TRY_CAST({ident(col.name)} AS VARCHAR) FROM {raw} WHERE {cond} "
                f"ORDER BY rowid LIMIT {EXAMPLES}"
            ).fetchall()
            sample = "; ".join(f"row {r}: {v!r}" for r, v in ex)
            problems.append(
                Problem(
                    code=code,
                    file=filename,
                    row=ex[0][0],
                    column=col.name,
                    zh=f"{name} 表的列 {col.name} 有 {n} 行不合规：{zh}。示例 {sample}",
                    en=f"{n} row(s) of column {col.name} in the {name} table break the contract: {en}. Examples {sample}",
                )
            )
    return problems, exprs


def _check_zones(con, name: str, filename: str, column: str, tz: str) -> list[Problem]:
    """A text timestamp column must not mix values with a zone (Z, +08:00) and values without one:
    the ones without would be read in the card's time zone, which is almost never what was meant."""
    s, raw = _text(ident(column)), f"raw_{name}"
    zoned = f"regexp_matches({s}, '{ZONED}')"
    naive = f"NOT {zoned} AND TRY_CAST({s} AS TIMESTAMP) IS NOT NULL"
    n_zoned, n_naive, first_zoned, first_naive = con.execute(
        f"SELECT count(*) FILTER (WHERE {zoned}), count(*) FILTER (WHERE {naive}), "
        f"min(rowid) FILTER (WHERE {zoned}), min(rowid) FILTER (WHERE {naive}) FROM {raw}"
    ).fetchall()[0]
    if not (n_zoned and n_naive):
        return []
    ex = dict(
        con.execute(
            f"SELECT rowid, {s} FROM {raw} WHERE rowid IN (?, ?)", [first_zoned, first_naive]
        ).fetchall()
    )
    row = (first_zoned if n_zoned <= n_naive else first_naive) + 1
    return [
        Problem(
            code="mixed_timezones",
            file=filename,
            row=row,
            column=column,
            zh=f"{name} 表的列 {column} 混用了带时区的时间（{n_zoned} 行，如第 {first_zoned + 1} 行 {ex[first_zoned]!r}）"
            f"和不带时区的时间（{n_naive} 行，如第 {first_naive + 1} 行 {ex[first_naive]!r}）。不带时区的按活动时区 {tz} 理解，"
            f"带时区的会换算到 {tz}；同一列请统一写法。",
            en=f"Column {column} of the {name} table mixes times with a zone ({n_zoned} row(s), e.g. row "
            f"{first_zoned + 1}: {ex[first_zoned]!r}) and times without one ({n_naive} row(s), e.g. row "
            f"{first_naive + 1}: {ex[first_naive]!r}). Times without a zone are read in the campaign time "
            f"zone {tz}, times with one are converted to it; write the whole column one way.",
        )
    ]


_SQL_TYPE = {
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "string": "VARCHAR",
}


def _build_typed(con, name: str, exprs: dict[str, str], duplicates: str) -> None:
    """``<name>`` = the contract columns, each cast to its type (absent ones filled by _DEFAULTS or
    NULL), plus ``_row`` (the data row in the file)."""
    cols = []
    for col in CONTRACTS[name]:
        default = _DEFAULTS.get(col.name)
        if default == "paid_amount":  # the typed value, never the raw text
            default = exprs["paid_amount"]
        if col.name in exprs:
            e = exprs[col.name] if default is None else f"coalesce({exprs[col.name]}, {default})"
        else:
            e = default or "NULL"
        cols.append(f"CAST({e} AS {_SQL_TYPE[col.kind]}) AS {col.name}")
    where = ""
    if duplicates == "drop":
        where = (
            f" QUALIFY row_number() OVER (PARTITION BY {', '.join(_raw_cols(con, name))} "
            f"ORDER BY rowid) = 1"
        )
    ddl(
        con,
        f"CREATE TABLE {name} AS SELECT {', '.join(cols)}, rowid + 1 AS _row "
        f"FROM raw_{name}{where}",
    )


def _raw_cols(con, name: str) -> list[str]:
    return [ident(r[0]) for r in con.execute(f"DESCRIBE raw_{name}").fetchall()]


def _check_duplicates(con, name: str, filename: str, policy: str) -> list[Problem]:
    cols = ", ".join(_raw_cols(con, name))
    dup = con.execute(f"SELECT count(*) - count(DISTINCT ({cols})) FROM raw_{name}").fetchall()[0][
        0
    ]
    if not dup:
        return []
    ex = con.execute(
        f"SELECT list(rowid + 1 ORDER BY rowid) FROM raw_{name} GROUP BY {cols} HAVING count(*) > 1 "
        f"ORDER BY min(rowid) LIMIT {EXAMPLES}"
    ).fetchall()
    sample = "; ".join("rows " + "=".join(str(r) for r in rows[0][:4]) for rows in ex)
    act_zh = (
        "已删除重复行（duplicate_lines: drop）"
        if policy == "drop"
        else "按卡片设置保留（duplicate_lines: keep），如需删除请设为 drop"
    )
    act_en = (
        "dropped them (duplicate_lines: drop)"
        if policy == "drop"
        else "kept them as the card says (duplicate_lines: keep); set it to drop to remove them"
    )
    return [
        Problem(
            code="duplicate_lines",
            file=filename,
            row=ex[0][0][0],
            severity="warning",
            zh=f"{name} 表有 {dup} 行与其他行完全相同；{act_zh}。示例：{sample}",
            en=f"The {name} table has {dup} line(s) identical to another line; {act_en}. Examples: {sample}",
        )
    ]


def _check_orders(con, filename: str) -> list[Problem]:
    problems = []
    bad = con.execute(
        "SELECT order_id, list(DISTINCT user_id ORDER BY user_id), min(_row) FROM orders GROUP BY order_id "
        "HAVING count(DISTINCT user_id) > 1 ORDER BY min(_row)"
    ).fetchall()
    if bad:
        sample = "; ".join(f"{o}: {u[:3]}" for o, u, _ in bad[:EXAMPLES])
        problems.append(
            Problem(
                code="order_multiple_users",
                file=filename,
                row=bad[0][2],
                column="order_id",
                zh=f"{len(bad)} 个订单号的各行属于不同用户（同一订单只能有一个 user_id；用户号已替换为化名）。示例：{sample}",
                en=f"{len(bad)} order id(s) have lines naming different users (one order must have one user_id; "
                f"user ids are shown as pseudonyms). Examples: {sample}",
            )
        )
    n, r = con.execute(
        "SELECT count(*), min(_row) FROM orders WHERE refund_amount > paid_amount + 1e-9"
    ).fetchall()[0]
    if n:
        problems.append(
            Problem(
                code="refund_exceeds_paid",
                file=filename,
                row=r,
                column="refund_amount",
                zh=f"{n} 行的退款金额大于实付金额；退款应不超过 paid_amount。",
                en=f"{n} row(s) refund more than was paid; refund_amount must be ≤ paid_amount.",
            )
        )
    return problems


def _check_controls(con, folder: Path, card: CampaignCard) -> list[Problem]:
    """The card's control categories and substitute/complement SKUs must exist in the orders, and a
    substitute or complement must not itself sit in a control category (it would be counted twice)."""
    c = card.controls
    problems = []
    for key, column, names in (
        ("categories", "category", c.categories),
        ("substitutes", "sku", c.substitutes),
        ("complements", "sku", c.complements),
    ):
        if not names:
            continue
        found = {
            r[0]
            for r in con.execute(
                f"SELECT DISTINCT {column} FROM orders WHERE {column} IN "
                f"(SELECT unnest(?::VARCHAR[]))",
                [names],
            ).fetchall()
        }
        if missing := [n for n in names if n not in found]:
            problems.append(
                Problem(
                    code="control_not_found",
                    file=CARD_FILE,
                    column=f"controls.{key}",
                    row=card_line(folder, ("controls", key)),
                    zh=f"controls.{key} 中的 {', '.join(missing)} 在订单表的 {column} 列中不存在；对照组必须是订单里出现过的{'品类' if column == 'category' else 'SKU'}。",
                    en=f"controls.{key} names {', '.join(missing)}, which never appear in the orders' {column} column; "
                    f"a control must be a {column} that has orders.",
                )
            )
    skus = c.substitutes + c.complements
    if c.categories and skus:
        inside = con.execute(
            "SELECT DISTINCT sku FROM orders WHERE sku IN (SELECT unnest(?::VARCHAR[])) AND category IN "
            "(SELECT unnest(?::VARCHAR[])) ORDER BY sku",
            [skus, c.categories],
        ).fetchall()
        if inside:
            listed = ", ".join(r[0] for r in inside)
            problems.append(
                Problem(
                    code="control_overlap",
                    file=CARD_FILE,
                    column="controls",
                    row=card_line(folder, ("controls",)),
                    zh=f"SKU {listed} 属于对照品类（controls.categories），不能同时作为替代品或互补品。",
                    en=f"SKU(s) {listed} belong to a control category (controls.categories) and cannot also be "
                    f"substitutes or complements.",
                )
            )
    return problems


def _check_coverage(
    con, name: str, filename: str, time_col: str, card: CampaignCard, required: bool
) -> list[Problem]:
    lo, hi = con.execute(
        f"SELECT min({time_col})::DATE, max({time_col})::DATE FROM {name}"
    ).fetchall()[0]
    windows = card.windows.items()
    need_lo, need_hi = windows[0][1].start, windows[-1][1].end
    if lo is not None and (lo > need_lo or hi < need_hi) and (hi - lo).days >= 28:
        # a shop closed one weekday (no row on it in four weeks or more) may start or end on it
        open_days = {
            r[0] for r in con.execute(f"SELECT DISTINCT isodow({time_col}) FROM {name}").fetchall()
        }
        gap = [need_lo + dt.timedelta(days=i) for i in range(max(0, (lo - need_lo).days))]
        gap += [hi + dt.timedelta(days=i + 1) for i in range(max(0, (need_hi - hi).days))]
        if all(d.isoweekday() not in open_days for d in gap):
            return []
    if lo is None or lo > need_lo or hi < need_hi:
        sev = "error" if required else "warning"
        what_zh = "" if required else "；缺少的窗口将不计算依赖此表的指标"
        what_en = (
            ""
            if required
            else "; analyses that need this table are skipped for the windows it misses"
        )
        missing_zh, missing_en = _uncovered(windows, lo, hi)
        return [
            Problem(
                code="coverage",
                file=filename,
                column=time_col,
                severity=sev,
                zh=f"{name} 表的数据范围 {lo} ~ {hi} 未覆盖活动窗口 {need_lo} ~ {need_hi}（从基线期到最后一个窗口）："
                f"{missing_zh}{what_zh}。",
                en=f"The {name} table spans {lo} .. {hi}, which does not cover the windows {need_lo} .. {need_hi} "
                f"(baseline to the last window): {missing_en}{what_en}.",
            )
        ]
    return []


def _uncovered(windows: list, lo: dt.date | None, hi: dt.date | None) -> tuple[str, str]:
    """Which windows a table's date range [lo, hi] misses wholly or in part, with dates (zh, en)."""
    zh, en = [], []
    for phase, w in windows:
        if lo is None or w.end < lo or w.start > hi:
            zh.append(f"{phase_name(phase, 'zh')}（{w.start} ~ {w.end}）无数据")
            en.append(f"{phase_name(phase, 'en').lower()} ({w.start} .. {w.end}) has no data")
        elif w.start < lo or w.end > hi:
            a, b = max(w.start, lo), min(w.end, hi)
            zh.append(f"{phase_name(phase, 'zh')}（{w.start} ~ {w.end}）只有 {a} ~ {b} 的数据")
            en.append(
                f"{phase_name(phase, 'en').lower()} ({w.start} .. {w.end}) has data for {a} .. {b} only"
            )
    return "；".join(zh), "; ".join(en)


def _check_channels(con, folder: Path, card: CampaignCard, has_orders: bool) -> list[Problem]:
    """Spend channels should be recognisable: each appears in the orders or in the card's budget,
    and each budgeted channel has spend rows. Warnings, not errors — awareness spend with no
    attributed orders is legitimate — but a mismatch is usually a naming difference (直播 vs live)
    that would leave ROAS and budget pacing empty for that channel."""
    problems = []
    spend = con.execute(
        "SELECT channel, min(_row) FROM spend GROUP BY channel ORDER BY min(_row)"
    ).fetchall()
    in_orders = (
        {r[0] for r in con.execute("SELECT DISTINCT channel FROM orders").fetchall()}
        if has_orders
        else set()
    )
    budget = card.strategy.budget
    unknown = [(c, r) for c, r in spend if c not in in_orders and c not in budget]
    if unknown:
        names = ", ".join(c for c, _ in unknown)
        close = {
            c: difflib.get_close_matches(c, sorted(in_orders | set(budget)), n=1)
            for c, _ in unknown
        }
        hint = "; ".join(f"{c} → {m[0]}?" for c, m in close.items() if m)
        problems.append(
            Problem(
                code="unknown_channel",
                file=card.tables.spend,
                row=unknown[0][1],
                column="channel",
                severity="warning",
                zh=f"spend 表中的渠道 {names} 既不出现在订单中，也不在卡片的预算（strategy.budget）里；"
                f"这些花费无法对应到渠道的 GMV 和预算。是否是名称写法不同？{hint}",
                en=f"Spend channel(s) {names} appear neither in the orders nor in the card's budget "
                f"(strategy.budget); their spend cannot be matched to channel GMV or budget. A naming "
                f"difference? {hint}".strip(),
            )
        )
    spent = {c for c, _ in spend}
    idle = [k for k in budget if k not in spent]
    if idle:
        problems.append(
            Problem(
                code="budget_without_spend",
                file=CARD_FILE,
                column=f"strategy.budget.{idle[0]}",
                severity="warning",
                row=card_line(folder, ("strategy", "budget", idle[0])),
                zh=f"预算中的渠道 {', '.join(idle)} 在 spend 表中没有任何花费记录；预算执行率将显示为 0。",
                en=f"Budgeted channel(s) {', '.join(idle)} have no rows in the spend table; their budget pacing "
                f"will show 0.",
            )
        )
    return problems


def _check_timezone(con, folder: Path, card: CampaignCard) -> list[Problem]:
    try:
        con.execute(
            "SELECT timezone(?, TIMESTAMPTZ '2025-01-01 00:00:00+00')", [card.timezone]
        ).fetchall()
        return []
    except duckdb.Error:
        return [
            Problem(
                "card_invalid",
                CARD_FILE,
                f"timezone 的值无效：数据库不认识时区 {card.timezone}（请用如 Asia/Shanghai 的 IANA 名称）。",
                f"Invalid value for timezone: the database does not know the time zone {card.timezone} "
                f"(use an IANA name such as Asia/Shanghai).",
                row=card_line(folder, ("timezone",)),
                column="timezone",
            )
        ]


def open_campaign(folder: Path | str, *, salt: bytes | None = None) -> Campaign:
    """Validate ``folder`` and return the :class:`Campaign`; raise ValidationError on any error.

    ``salt`` (bytes) overrides the pseudonymisation salt of :func:`fupan.ingest.privacy.load_salt`.
    Every problem found is reported together: card problems that leave the tables checkable do not
    stop the table checks, and one broken table does not stop the checks of the others.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValidationError(
            [
                Problem(
                    "folder_missing",
                    None,
                    f"活动文件夹不存在：{folder}",
                    f"The campaign folder does not exist: {folder}",
                )
            ]
        )
    card, problems = read_card(folder)
    if card is None:
        raise ValidationError(problems)
    con = open_connection()
    try:
        return _open(folder, card, problems, con, salt)
    except BaseException:
        con.close()
        raise


def _open(
    folder: Path, card: CampaignCard, problems: list[Problem], con, salt: bytes | None
) -> Campaign:
    found = _check_timezone(con, folder, card)
    if found:
        raise ValidationError(problems + found)
    privacy: dict[str, dict] = {}
    present: dict[
        str, list[str]
    ] = {}  # contract columns each table really has (the rest are defaults)
    loaded, found = load_tables(con, folder, card, salt, privacy)
    problems += found
    for name in list(loaded):
        filename = getattr(card.tables, name)
        found, exprs = _check_columns(con, name, filename, card)
        problems += found
        if found:
            loaded.remove(name)
            continue
        problems += _check_duplicates(con, name, filename, card.duplicate_lines)
        _build_typed(con, name, exprs, card.duplicate_lines)
        present[name] = sorted(exprs)
    if "orders" in loaded:
        problems += _check_orders(con, card.tables.orders)
        problems += _check_controls(con, folder, card)
        problems += _check_coverage(con, "orders", card.tables.orders, "order_time", card, True)
    if "events" in loaded and card.tables.events:
        problems += _check_coverage(con, "events", card.tables.events, "event_time", card, False)
    for name, time_col in (("spend", "date"), ("inventory", "date")):
        if name in loaded:
            problems += _check_coverage(
                con, name, getattr(card.tables, name), time_col, card, False
            )
    if "spend" in loaded:
        problems += _check_channels(con, folder, card, "orders" in loaded)
    if any(p.severity == "error" for p in problems) or "orders" not in loaded:
        raise ValidationError(problems)
    for name in card.tables.__class__.model_fields:  # raw copies may hold what validation saw
        ddl(con, f"DROP TABLE IF EXISTS raw_{name}")

    flags: dict[str, object] = {}
    first = con.execute("SELECT min(order_time)::DATE FROM orders").fetchall()[0][0]
    lookback = card.windows.campaign.start - dt.timedelta(days=365)
    flags["columns"] = present
    flags["history_start"] = first.isoformat()
    flags["new_customer_approximate"] = bool(first > lookback)
    if flags["new_customer_approximate"]:
        problems.append(
            Problem(
                code="short_history",
                file=card.tables.orders,
                column="order_time",
                severity="warning",
                zh=f"订单历史从 {first} 开始，不足活动前一年（{lookback}）；“新客”为近似值（可能把老客算作新客）。",
                en=f"Order history starts {first}, less than a year before the campaign ({lookback}); "
                f"'new customer' is approximate (returning customers may count as new).",
            )
        )
    hashes = {CARD_FILE: file_sha256(folder / CARD_FILE)}
    for _name, filename in card.tables.items():
        hashes[filename] = file_sha256(folder / filename)
    return Campaign(
        folder=folder,
        card=card,
        con=con,
        tables=loaded,
        warnings=[p for p in problems if p.severity != "error"],
        hashes=hashes,
        flags=flags,
        privacy=privacy,
    )


def save_prepared(campaign: Campaign, path: Path) -> None:
    """Write the validated, typed tables and what validation found to a DuckDB file.

    ``fupan run`` validates before any kernel starts; the kernel then opens this file with
    :func:`open_prepared` instead of validating the same data a second time.
    """
    import json

    path = Path(path)
    path.unlink(missing_ok=True)
    con = campaign.con
    ddl(con, f"ATTACH '{str(path).replace(chr(39), chr(39) * 2)}' AS prep")
    try:
        for name in campaign.tables:
            ddl(con, f"CREATE TABLE prep.{name} AS SELECT * FROM {name}")
        meta = {
            "tables": campaign.tables,
            "hashes": campaign.hashes,
            "flags": campaign.flags,
            "warnings": [p.__dict__ for p in campaign.warnings],
            "privacy": campaign.privacy,
        }
        ddl(con, "CREATE TABLE prep._meta (meta VARCHAR)")
        con.execute(
            "INSERT INTO prep._meta VALUES (?)", [json.dumps(meta, ensure_ascii=False)]
        ).fetchall()
    finally:
        ddl(con, "DETACH prep")


def open_prepared(folder: Path | str, path: Path | str) -> Campaign:
    """A :class:`Campaign` from a file written by :func:`save_prepared`, after checking that the
    folder's files still have the hashes they had when they were validated."""
    import json

    folder = Path(folder)
    card = load_card(folder)
    con = open_connection()
    ddl(con, f"ATTACH '{str(Path(path)).replace(chr(39), chr(39) * 2)}' AS prep (READ_ONLY)")
    meta = json.loads(con.execute("SELECT meta FROM prep._meta").fetchall()[0][0])
    for name, digest in meta["hashes"].items():
        if file_sha256(folder / name) != digest:
            con.close()
            return open_campaign(folder)  # the data changed since validation: validate again
    for name in meta["tables"]:
        ddl(con, f"CREATE VIEW {name} AS SELECT * FROM prep.{name}")
    return Campaign(
        folder=folder,
        card=card,
        con=con,
        tables=meta["tables"],
        warnings=[Problem(**w) for w in meta["warnings"]],
        hashes=meta["hashes"],
        flags=meta["flags"],
        privacy=meta.get("privacy", {}),
    )

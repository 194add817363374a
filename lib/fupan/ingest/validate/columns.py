"""The column contract as SQL: each column's cast to its type and the conditions of a bad row.

One scan per table counts every check of every column (``count(*) FILTER (WHERE …)``); examples
(the first :data:`EXAMPLES` offending row numbers and values) are fetched only for the checks that
failed. A column already typed in the file (Parquet) is checked without any text conversion.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path
from typing import Any, Protocol

import duckdb

from ...errors import SHEETS, Problem
from ...extract.duck import ident, trimmed
from ..across import EXAMPLES
from ..card import CONTRACTS, CampaignCard, Column
from ..readers.files import (
    _SIGN,
    _SP,
    EXCEL_ERROR_LIST,
    EXCEL_SCIENTIFIC,
    PLACEHOLDER_LIST,
    codes_of,
    number_text,
    signs_of,
)

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
DEFAULTS = {
    "channel": "'unknown'",
    "status": "'paid'",
    "refund_amount": "0.0",
    "quantity": "1",
    "list_amount": "paid_amount",
}


def _text(q: str, raw_type: str = "") -> str:
    """Column ``q`` as trimmed text; a text column (``raw_type`` VARCHAR) trimmed only where
    trimming can change it (:func:`fupan.extract.duck.trimmed`)."""
    return trimmed(q) if raw_type == "VARCHAR" else f"trim(TRY_CAST({q} AS VARCHAR))"


#: A number written with a decimal comma (12,50; 1.234,56), as European exports have it.
DECIMAL_COMMA = "^[+-]?[0-9]{1,3}([.][0-9]{3})*,[0-9]+$|^[+-]?[0-9]+,[0-9]{1,2}$"


#: The currency codes recognised beside an amount (a word such as "pcs" is not one).
# fmt: off
CODES = (
    "CNY", "RMB", "USD", "EUR", "GBP", "JPY", "HKD", "TWD", "MOP", "SGD", "KRW", "AUD", "CAD",
    "NZD", "CHF", "MXN", "THB", "MYR", "IDR", "PHP", "VND", "INR", "RUB", "BRL", "AED", "SAR",
)
# fmt: on
_CODE = "(?i:" + "|".join(CODES) + ")"
#: A number with its currency before (a sign or a code of :data:`CODES`) or after it (a code or 元),
#: a sign (+, -, − or －) and accounting parentheses: groups 1 and 3 are the currency.
DECORATED = (
    f"^[(]?{_SP}{_SIGN}{_SP}([¥￥$€£]|{_CODE})?{_SP}{_SIGN}{_SP}"
    f"([0-9][0-9.,，]*|[.][0-9]+){_SP}({_CODE}|元)?{_SP}[)]?$"
)


#: A date written day and month first, in either order, then a four-digit year (11/12/2025,
#: 12.11.2025, 1-2-2025), with whatever follows (the time): groups 1, 2, 3, 4.
SLASHED = "^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})(.*)$"
#: How :data:`SLASHED` is rewritten as year-month-day for each order.
_ISO = {"mdy": "\\3-\\1-\\2\\4", "dmy": "\\3-\\2-\\1\\4"}
_ORDER_WORDS = {"mdy": ("月/日/年", "month/day/year"), "dmy": ("日/月/年", "day/month/year")}


#: A time written in digits only: a date (20251111), with hours and minutes (202511112030) or
#: seconds too (20251111203015).
COMPACT = "^(19|20)[0-9]{6}([0-9]{4}([0-9]{2})?)?$"
COMPACT_FORMATS = "['%Y%m%d', '%Y%m%d%H%M', '%Y%m%d%H%M%S']"
#: A Unix time as logs and APIs write it: seconds (10 digits) or milliseconds (13) since
#: 1970-01-01 UTC, from 2001-09-09 to 2286 — read in UTC and converted to the card's time zone.
EPOCH = "^1[0-9]{9}([0-9]{3})?$"

#: A 12-hour clock's marker beside a time (``8:26 PM``, ``下午 08:26``, as Chinese Excel writes
#: AM/PM): group 2.
MERIDIEM = "(?i)(^|[\\s\\p{Zs}0-9])(上午|下午|AM|PM|A[.]M[.]|P[.]M[.])([\\s\\p{Zs}]|$)"
_AFTERNOON = "('PM', 'P.M.', '下午')"


def _on_24_hours(s: str, ts: Callable[[str], str]) -> str:
    """The timestamp of text ``s`` whose time may carry a 12-hour clock's marker: ``ts(text)`` read
    without it, then 12 hours on for a PM time before noon, 12 hours back for 12:xx AM; a time
    with a marker whose hour is not 1–12 is no time (NULL)."""
    mark = f"upper(regexp_extract({s}, '{MERIDIEM}', 2))"
    bare = f"trim(regexp_replace(regexp_replace({s}, '{MERIDIEM}', '\\1 \\3'), '\\s+', ' ', 'g'))"
    t = ts(bare)
    return (
        f"CASE WHEN {mark} = '' THEN {ts(s)} "
        f"WHEN hour({t}) NOT BETWEEN 1 AND 12 THEN NULL "
        f"WHEN {mark} IN {_AFTERNOON} THEN {t} + CASE WHEN hour({t}) < 12 THEN INTERVAL 12 HOUR ELSE INTERVAL 0 HOUR END "
        f"ELSE {t} - CASE WHEN hour({t}) = 12 THEN INTERVAL 12 HOUR ELSE INTERVAL 0 HOUR END END"
    )


def time_notation(
    con: duckdb.DuckDBPyConnection, raw: str, column: str, filename: str
) -> tuple[str | None, bool, list[Problem]]:
    """How a text time column writes its times, from one scan: the order of its dates when they
    start with day and month, whether some time is on a 12-hour clock (:data:`MERIDIEM`: DuckDB
    reads ``08:26 PM`` as 08:26, ignoring the marker), and the problems.

    Dates day and month first (:data:`SLASHED`, as US and European exports write them:
    ``12/1/2010 8:26``): month first (``mdy``) when some value's second part is above 12 and none's
    first, day first (``dmy``) the other way round — read so, with a warning naming the value
    that tells; an error when values say both, or when none tells (every part ≤ 12: 11/11/2025
    reads the same either way, but 11/12/2025 does not)."""
    s = _text(ident(column))
    first = f"TRY_CAST(regexp_extract(v, '{SLASHED}', 1) AS INTEGER)"
    second = f"TRY_CAST(regexp_extract(v, '{SLASHED}', 2) AS INTEGER)"
    # each value trimmed and tested once, cheap tests first (a separator in second or third
    # place; a letter M or 午), and only the rows that pass counted (10M ISO times: ~0.7 s)
    marks = "('/', '.', '-')"
    slashed = (
        f"(substr(v, 2, 1) IN {marks} OR substr(v, 3, 1) IN {marks}) "
        f"AND regexp_matches(v, '{SLASHED}')"
    )
    twelve_hour = (
        f"(contains(v, 'M') OR contains(v, 'm') OR contains(v, '午')) "
        f"AND regexp_matches(v, '{MERIDIEM}')"
    )
    (n, n_dmy, dmy_row, n_mdy, mdy_row, row, twelve), *_ = con.execute(
        f"SELECT count(*) FILTER (WHERE sl), count(*) FILTER (WHERE sl AND {first} > 12), "
        f"min(r) FILTER (WHERE sl AND {first} > 12), count(*) FILTER (WHERE sl AND {second} > 12), "
        f"min(r) FILTER (WHERE sl AND {second} > 12), min(r) FILTER (WHERE sl), "
        f"count(*) FILTER (WHERE tw) FROM (SELECT r, v, {slashed} AS sl, {twelve_hour} AS tw "
        f"FROM (SELECT rowid AS r, {s} AS v FROM {raw})) WHERE sl OR tw"
    ).fetchall()
    meridiem = bool(twelve)
    if not n:
        return None, meridiem, []

    def value(rowid: int) -> str:
        return str(con.execute(f"SELECT {s} FROM {raw} WHERE rowid = {rowid}").fetchall()[0][0])

    def said(code: str, at: int, zh: str, en: str, severity: str = "error") -> list[Problem]:
        return [Problem(code, filename, zh, en, row=at + 1, column=column, severity=severity)]

    if n_dmy and n_mdy:
        a, b = value(dmy_row), value(mdy_row)
        return (
            None,
            meridiem,
            said(
                "mixed_date_order",
                dmy_row,
                f"列 {column} 的日期顺序前后不一：第 {dmy_row + 1} 行的 {a} 只能是 日/月/年，第 "
                f"{mdy_row + 1} 行的 {b} 只能是 月/日/年；请统一导出为 2025-11-11 的写法。",
                f"The dates of column {column} are written in two orders: {a} (row "
                f"{dmy_row + 1}) can only be day/month/year, {b} (row {mdy_row + 1}) only "
                f"month/day/year; export them all as 2025-11-11.",
            ),
        )
    if not (n_dmy or n_mdy):
        example = value(row)
        return (
            None,
            meridiem,
            said(
                "ambiguous_date_order",
                row,
                f"列 {column} 的日期写作 {example} 这样，没有一个值能分辨是 日/月/年 还是 月/日/年"
                f"（每一段都不超过 12）；请导出为 2025-11-11 的写法。",
                f"The dates of column {column} are written like {example}, and no value tells "
                f"day/month/year from month/day/year (no part is above 12); export them as "
                f"2025-11-11.",
            ),
        )
    order, tell = ("dmy", dmy_row) if n_dmy else ("mdy", mdy_row)
    zh, en = _ORDER_WORDS[order]
    example = value(tell)
    return (
        order,
        meridiem,
        said(
            "date_order_read",
            tell,
            f"列 {column} 的日期按 {zh} 读取：第 {tell + 1} 行的 {example} 只能这样读。",
            f"The dates of column {column} are read as {en}: {example} (row {tell + 1}) can "
            f"only be read so.",
            severity="warning",
        ),
    )


#: the Chinese words a behaviour export names its events with, and the contract's event each is
EVENT_WORDS = {
    "访问": "visit", "进店": "visit", "访客": "visit",
    "浏览": "view", "浏览商品": "view", "商品浏览": "view",
    "加购": "cart", "加购物车": "cart", "加入购物车": "cart",
    "下单": "order", "提交订单": "order",
    "支付": "pay", "付款": "pay", "支付成功": "pay",
    # and the English of tracking tools, where a word has one meaning (page_view may be a visit
    # or a product view: not guessed)
    "session_start": "visit", "view_item": "view", "product_view": "view", "item_view": "view",
    "add_to_cart": "cart", "addtocart": "cart", "add-to-cart": "cart", "add to cart": "cart",
    "place_order": "order", "submit_order": "order", "create_order": "order",
    "purchase": "pay", "payment": "pay", "paid": "pay",
}  # fmt: skip


#: The words read as a contract value, by (table, column): the events' names, a live session's
#: kind, a coupon's funder — what operators' sheets and tracking tools write, each with one
#: meaning. Written in lower case: a value is looked up with its letter case folded.
VALUE_WORDS: dict[tuple[str, str], dict[str, str]] = {
    ("events", "event"): EVENT_WORDS,
    ("live_sessions", "kind"): {
        "自播": "own", "店播": "own", "达播": "kol", "达人": "kol",
        "self": "own", "store": "own", "influencer": "kol", "creator": "kol",
    },
    ("prices", "seller_type"): {
        "本店": "own", "自营": "own", "旗舰店": "own", "官方": "own",
        "达人": "kol", "达播": "kol", "主播": "kol", "分销": "distributor", "分销商": "distributor",
        "经销商": "distributor", "竞品": "competitor", "竞店": "competitor",
        "store": "own", "self": "own", "influencer": "kol", "creator": "kol",
        "reseller": "distributor", "rival": "competitor",
    },
    ("refunds", "refund_type"): {
        "仅退款": "refund_only", "未发货仅退款": "refund_only", "已发货仅退款": "refund_only",
        "退货退款": "return_refund", "退款退货": "return_refund",
        "refund only": "refund_only", "return and refund": "return_refund",
        "return": "return_refund",
    },
    ("coupons", "funded_by"): {
        "店铺": "shop", "商家": "shop", "平台": "platform",
        "merchant": "shop", "seller": "shop", "store": "shop",
    },
}  # fmt: skip


def _cast_expr(
    col: Column,
    raw_type: str,
    tz: str,
    currency: str = "CNY",
    order: str | None = None,
    meridiem: bool = False,
    scaled: bool = False,
) -> str:
    """The SQL turning raw column ``col`` into its contract type (NULL where it cannot).

    Time zones: a timestamp without a zone is local time in the card's ``timezone``; one with a
    zone (a zoned Parquet type, or text ending in Z/UTC/GMT/±hh[:mm]) is converted to it.
    Numbers may carry thousands separators, a currency (:func:`~fupan.ingest.readers.files.plain_number`; one that is not
    the card's ``currency`` is named by the checks), accounting parentheses, and ``-`` or
    ``NULL`` for none (:data:`PLACEHOLDERS`), ``万`` for ten thousands (``4.14万``, ``1.32万元``) and,
    in a rate's column, ``20%`` for 0.20 (``scaled``: a column with such a value, the longer cast
    only then — a query's planning grows with its casts); a time may be written 2025年11月11日 20:00, in
    digits only (:data:`COMPACT`: 20251111, 20251111203015), as a Unix time in seconds or
    milliseconds (:data:`EPOCH`, UTC, converted to the card's zone), or
    12/1/2010 8:26 in the ``order`` (``mdy`` or ``dmy``) :func:`time_notation` found, and on a
    12-hour clock when ``meridiem`` (8:26 PM is 20:26).
    """
    q, s, zone = ident(col.name), _text(ident(col.name), raw_type), tz.replace("'", "''")
    if col.kind in ("timestamp", "date") and order in _ISO:
        s = f"regexp_replace({s}, '{SLASHED}', '{_ISO[order]}')"
    if col.kind in ("timestamp", "date"):
        if "TIME ZONE" in raw_type or raw_type.startswith("TIMESTAMPTZ"):  # e.g. TIMESTAMPTZ_NS
            ts = f"timezone('{zone}', CAST({q} AS TIMESTAMPTZ))"
        elif raw_type.startswith("TIMESTAMP") or raw_type == "DATE":
            ts = f"CAST({q} AS TIMESTAMP)"
        else:

            def local(text: str) -> str:
                # 2025年11月11日 20:00 as a Chinese spreadsheet writes it → 2025-11-11 20:00
                # 2025.11.11 (year first, dotted) → 2025-11-11: unambiguous, yet no cast reads it
                ymd = (
                    f"CASE WHEN contains({text}, '年') THEN regexp_replace({text}, "
                    f"'^([0-9]{{4}})年([0-9]{{1,2}})月([0-9]{{1,2}})日[\\s\\p{{Zs}}]*', '\\1-\\2-\\3 ') "
                    f"WHEN substr({text}, 5, 1) = '.' THEN regexp_replace({text}, "
                    f"'^([0-9]{{4}})\\.([0-9]{{1,2}})\\.([0-9]{{1,2}})', '\\1-\\2-\\3') "
                    f"ELSE {text} END"
                )
                # 20251111, 202511112030, 20251111203015: digits only, as databases export them
                # 1762864200 or 1762864200000: a Unix time (UTC), as logs and APIs write it
                epoch = (
                    f"timezone('{zone}', to_timestamp(CAST({text} AS BIGINT) / "
                    f"CASE WHEN length({text}) = 13 THEN 1000.0 ELSE 1.0 END))"
                )
                return (
                    f"CASE WHEN length({text}) IN (8, 12, 14) AND regexp_matches({text}, "
                    f"'{COMPACT}') THEN try_strptime({text}, {COMPACT_FORMATS}) "
                    f"WHEN length({text}) IN (10, 13) AND regexp_matches({text}, '{EPOCH}') "
                    f"THEN {epoch} "
                    f"ELSE TRY_CAST(trim({ymd}) AS TIMESTAMP) END"
                )

            ts = (
                f"CASE WHEN regexp_matches({s}, '{ZONED}') THEN timezone('{zone}', "
                f"TRY_CAST(regexp_replace({s}, '\\s+([+-][0-9])', '\\1') AS TIMESTAMPTZ)) "
                f"ELSE {_on_24_hours(s, local) if meridiem else local(s)} END"
            )
        return (
            ts if col.kind == "timestamp" else (q if raw_type == "DATE" else f"CAST({ts} AS DATE)")
        )
    if col.kind in ("number", "integer"):
        if raw_type in _NUMERIC or raw_type.startswith("DECIMAL"):
            return f"CAST({q} AS DOUBLE)"
        # a space after the sign may be a no-break one (U+00A0, copied through a web page).
        # 4.14万 (ten thousands, as Chinese dashboards write counts and amounts) is 41400; a
        # rate's 20% is 0.20 (:attr:`Column.maximum` 1: only where a fraction is expected)
        if not scaled:  # no value of the column is written so (SCALED_TEXT, checked first)
            return f"TRY_CAST({number_text(s, currency)} AS DOUBLE)"
        scale = (
            f"CASE WHEN ends_with({s}, '万') OR ends_with({s}, '万元') THEN 10000.0 ELSE 1.0 END"
        )
        bare = f"rtrim(rtrim({s}, '元'), '万')"
        if col.maximum == 1:
            scale = f"({scale}) * CASE WHEN ends_with({s}, '%') THEN 0.01 ELSE 1.0 END"
            bare = f"rtrim({bare}, '%')"
        # rounded: 4.14 × 10000 is 41399.999… in binary, and a count must be whole
        return f"round(TRY_CAST({number_text(bare, currency)} AS DOUBLE) * {scale}, 8)"
    if col.allowed:
        return f"lower({s})"
    return f"nullif({s}, '')"


#: Code columns that a long number fills (18–19-digit order numbers, 13-digit barcodes as SKUs)
#: and that Excel turns into ``1.23457E+18`` when a CSV is opened and saved there. (Customer ids
#: are pseudonymised before these checks: fupan.ingest.readers.load checks them as read.)
EXCEL_MANGLED = ("order_id", "sku", "session_id", "coupon_id")


def _checks(
    col: Column,
    expr: str,
    raw_type: str = "VARCHAR",
    sheet: bool = True,
    currency: str = "CNY",
    text: str | None = None,
) -> list[tuple[str, str, str, str]]:
    """(code, SQL condition of a bad row, zh, en) for every rule of the column's contract.
    ``sheet``: the table is a file a spreadsheet opens and saves (CSV, Excel), whose codes are
    checked for what Excel does to long numbers (a Parquet file's are not: at 50M events the
    check of two code columns cost ~3 s).

    A value is *given* when it is not NULL and, for text, not blank; a column typed in the file
    (numbers, timestamps) needs no conversion to text to tell. ``text``: the column as trimmed
    text, when the caller computes it once (default: the expression itself).
    """
    typed = raw_type in _NUMERIC or raw_type.startswith(("DECIMAL", "TIMESTAMP", "DATE"))
    as_text = text or _text(ident(col.name), raw_type)
    given = f"{ident(col.name)} IS NOT NULL" if typed else f"nullif({as_text}, '') IS NOT NULL"
    if col.kind in ("number", "integer") and not typed:  # "-" or NULL: none given
        given += f" AND {as_text} NOT IN {PLACEHOLDER_LIST}"
    checks: list[tuple[str, str, str, str]] = []
    # a failed formula's value (#N/A …) in a sheet: never data, whatever the column's type (a
    # channel or sku of '#N/A' was read as one more channel or product)
    excel_error = f"{as_text} IN {EXCEL_ERROR_LIST}" if sheet and not typed else ""
    if excel_error:
        checks.append(
            (
                "excel_error",
                excel_error,
                "是电子表格公式的错误值（如 #N/A：查找公式没有找到），不是数据；请在表格里修正公式"
                "（或粘贴为数值）后重新保存",
                "is a spreadsheet formula's error value (e.g. #N/A: a lookup found nothing), not "
                "data; fix the formula in the sheet (or paste values) and save again",
            )
        )
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
        named = (  # a bad row a more specific check names (and bad_type does not)
            f"coalesce({excel_error}, FALSE)" if excel_error else "FALSE"
        )
        if col.kind in ("number", "integer") and not typed:
            text = as_text
            comma = f"CASE WHEN ({expr}) IS NULL THEN regexp_matches({text}, '{DECIMAL_COMMA}') ELSE FALSE END"
            # a currency that is not the card's: a sign or a code before the number, a code or 元
            # after it (checked only where the rest is a number)
            own = ", ".join(f"'{c}'" for c in (*codes_of(currency), *signs_of(currency), ""))
            other = (
                f"coalesce(regexp_matches({text}, '{DECORATED}') AND NOT "
                f"(upper(regexp_extract({text}, '{DECORATED}', 1)) IN ({own}) AND "
                f"upper(regexp_extract({text}, '{DECORATED}', 3)) IN ({own})), FALSE)"
            )
            named = f"({named} OR {comma} OR {other})"
            checks.append(
                (
                    "currency_mismatch",
                    f"{given} AND {other}",
                    f"金额带着别的币种（卡片的币种是 {currency}）：fupan 不换算汇率；请以 {currency} "
                    f"导出金额，或把卡片的 currency 改成金额实际的币种",
                    f"carries another currency than the card's ({currency}): fupan converts no "
                    f"currency; export the amounts in {currency}, or set the card's currency to "
                    f"the one they are in",
                )
            )
            checks.append(
                (
                    "decimal_comma",
                    f"{given} AND {comma}",
                    "像是以逗号作小数点（如 12,50 表示 12.50）：fupan 以「.」为小数点、「,」只作千位分隔；"
                    "请以小数点导出（或在表格软件里改为中文/英文区域格式后再保存）",
                    "looks like a decimal comma (12,50 for 12.50): fupan reads '.' as the decimal "
                    "point and ',' only between thousands; export with a decimal point (or save "
                    "from a spreadsheet set to an English or Chinese locale)",
                )
            )
        if col.kind in ("timestamp", "date") and not typed:
            # 45607.5 is 2024-11-11 12:00 to Excel: a date column saved as numbers
            text = as_text
            serial = (
                f"CASE WHEN ({expr}) IS NULL THEN coalesce(TRY_CAST({text} AS DOUBLE) "
                f"BETWEEN 20000 AND 80000, FALSE) ELSE FALSE END"
            )
            named = f"({named} OR {serial})"
            checks.append(
                (
                    "excel_serial_date",
                    f"{given} AND {serial}",
                    "是 Excel 的日期序号（如 45607.5 即 2024-11-11 12:00），不是日期文本：请在 Excel 里"
                    "把这一列设为日期时间格式（如 yyyy-mm-dd hh:mm:ss）后再保存",
                    "is an Excel date serial number (45607.5 is 2024-11-11 12:00), not a date: "
                    "format the column as a date and time (e.g. yyyy-mm-dd hh:mm:ss) in Excel "
                    "before saving",
                )
            )
        checks.append(
            (
                "bad_type",
                f"{given} AND ({expr}) IS NULL AND NOT {named}",
                f"应为{_KIND_ZH[col.kind]}",
                f"expected {_KIND_EN[col.kind]}",
            )
        )
    if col.kind == "string" and col.name in EXCEL_MANGLED and not typed and sheet:
        checks.append(
            (
                "excel_scientific_id",
                f"regexp_matches({as_text}, '{EXCEL_SCIENTIFIC}')",
                "是 Excel 的科学计数法（如 1.23457E+18）：Excel 把长编号四舍五入成了前几位，不同的"
                "编号可能已变成同一个；请从平台重新导出，或在 Excel 里先把这一列设为「文本」再保存",
                "is in Excel's scientific notation (e.g. 1.23457E+18): Excel rounded these long "
                "codes to their first digits, so different ones may now be the same; export again "
                "from the platform, or format the column as Text in Excel before saving",
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
        checks += col.bound_checks(expr)
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


def _chinese_words_hint(
    con: duckdb.DuckDBPyConnection, raw: str, col: Column, cond: str
) -> tuple[str, str]:
    """For a status column holding a platform's Chinese words the contract does not take: which
    of its values each word stands for, and how to read the file (zh, en); empty when none is known.
    A status word that depends on the refund (交易关闭) is left to a platform profile."""
    from ..readers.profiles import CLOSED, PROFILES

    if col.name != "status":  # other tables' Chinese words are read (VALUE_WORDS), not refused
        return "", ""
    words = {w: v for profile in PROFILES for w, v in (profile.statuses or {}).items()}
    seen = [
        r[0]
        for r in con.execute(
            f"SELECT DISTINCT {trimmed('CAST(' + ident(col.name) + ' AS VARCHAR)')} FROM {raw} "
            f"WHERE {cond} LIMIT 50"
        ).fetchall()
    ]
    known = sorted({w for w in seen if w in words}, key=seen.index)
    if not known:
        return "", ""
    pairs_zh = "、".join(
        f"{w}→{'refunded 或 cancelled（视退款金额）' if words[w] == CLOSED else words[w]}"
        for w in known[:6]
    )
    pairs_en = ", ".join(
        f"{w} → {'refunded or cancelled, by the refund' if words[w] == CLOSED else words[w]}"
        for w in known[:6]
    )
    return (
        f"。这些是电商平台的订单状态（{pairs_zh}）：平台原始导出（保留原表头）可用导出格式直接读取"
        f"（profile: tmall-orders / jd-orders / douyin-orders）；否则请先把它们换成 paid/cancelled/refunded。",
        f". These are a platform's order statuses ({pairs_en}): a platform's own export (its "
        f"header kept) is read as it is with an export profile (profile: tmall-orders / "
        f"jd-orders / douyin-orders); otherwise replace them with paid/cancelled/refunded first.",
    )


class Reading(Protocol):
    """What reading a table's values takes from the card: its time zone and currency (a
    :class:`CampaignCard`, or ``fupan init``'s guess before there is a card)."""

    @property
    def timezone(self) -> str: ...

    @property
    def currency(self) -> str: ...


def check_columns(
    con: duckdb.DuckDBPyConnection,
    name: str,
    filename: str,
    card: CampaignCard | Reading,
    complete: Collection[str] = (),
    scaled: Collection[str] = (),
    only: Collection[str] | None = None,
    *,
    untrimmed: set[str] | None = None,
) -> tuple[list[Problem], dict[str, str]]:
    """Type/range/allowed-value checks per contract column; returns problems and cast expressions.

    ``complete``: columns known to have a value on every row (a pseudonymised id whose distinct
    values held no NULL or blank one) — their check for empty values is not run row by row (at
    67M events it cost 1.5 s of trimming every id). ``only``: check these columns alone.
    ``untrimmed``: the text columns named in it are counted, in the same scan, for values that
    trimming changes; it is left holding those of them with none (their text can be read as the
    file has it, :func:`fupan.ingest.privacy.raw_customer_key_sql`)."""
    raw = f"raw_{name}"
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {raw}").fetchall()}
    sheet = Path(filename).suffix.lower() in SHEETS
    problems, exprs, texts, pending = [], {}, {}, []
    for col in CONTRACTS[name]:
        if col.name not in types or (only is not None and col.name not in only):
            continue
        order, meridiem = None, False
        if col.kind in ("timestamp", "date") and types[col.name] == "VARCHAR":
            order, meridiem, found = time_notation(con, raw, col.name, filename)
            problems += found
            if any(p.severity == "error" for p in found):
                continue  # its dates cannot be read: each row would only repeat that
        expr = _cast_expr(
            col, types[col.name], card.timezone, card.currency, order, meridiem, col.name in scaled
        )
        exprs[col.name] = expr
        if col.kind == "timestamp" and types[col.name] == "VARCHAR":
            problems += check_zones(con, name, filename, col.name, card.timezone)
        # the cast and the trimmed text, computed once (below) for every check that reads them
        typed, text = ident(f"__typed_{col.name}"), ident(f"__text_{col.name}")
        texts[col.name] = _text(ident(col.name), types[col.name])
        pending += [
            (col, *check)
            for check in _checks(col, typed, types[col.name], sheet, card.currency, text)
            if not (check[0] == "null_value" and col.name in complete)
        ]
        if untrimmed is not None and col.name in untrimmed and types[col.name] == "VARCHAR":
            pending.append((col, TRIMMED, f"{text} IS DISTINCT FROM {ident(col.name)}", "", ""))
        numeric = types[col.name] in _NUMERIC or types[col.name].startswith("DECIMAL")
        if col.kind in ("number", "integer") and col.name not in scaled and not numeric:
            # 4.14万, a rate's 20%: then checked again with the longer cast (_cast_expr's scaled)
            pending.append((col, SCALED, _scaled_text(col, text), "", ""))
    # One scan counts every check; examples are fetched only for the checks that failed. Each
    # column's cast is written once, in the scan's own projection: written into every check that
    # reads it, a text amount's (its currency patterns) cost ~0.2 s of planning per small table.
    casts = "".join(f", {e} AS {ident(f'__typed_{c}')}" for c, e in exprs.items()) + "".join(
        f", {e} AS {ident(f'__text_{c}')}" for c, e in texts.items()
    )
    counts: tuple[Any, ...] = ()
    if pending:
        counts = con.execute(
            "SELECT "
            + ", ".join(f"count(*) FILTER (WHERE {p[2]})" for p in pending)
            + f" FROM (SELECT *{casts} FROM {raw})"
        ).fetchall()[0]
        numbered = f"(SELECT rowid AS __row, *{casts} FROM {raw})"
        wan = [p[0].name for p, n in zip(pending, counts, strict=True) if p[1] == SCALED and n]
        if wan:
            return check_columns(
                con, name, filename, card, complete, [*scaled, *wan], only, untrimmed=untrimmed
            )
        for (col, code, cond, zh, en), n in zip(pending, counts, strict=True):
            if code in (SCALED, TRIMMED):
                continue
            if n and code == "value_not_allowed" and (name, col.name) in VALUE_WORDS:
                # other words (浏览 → view, 达播 → kol, add_to_cart → cart …) are read: looked for among the rows
                # refused only, so a table in the contract's words pays nothing for them
                words, cond, n = _value_words(
                    con, numbered, filename, name, col.name, cond, n, exprs
                )
                if words is not None:
                    problems.append(words)
            if not n:
                continue
            ex = con.execute(
                f"SELECT __row + 1, TRY_CAST({ident(col.name)} AS VARCHAR) FROM {numbered} "
                f"WHERE {cond} ORDER BY __row LIMIT {EXAMPLES}"
            ).fetchall()
            sample_zh, sample_en = (
                "; ".join(f"row {r}: {'（空）' if v is None else repr(v)}" for r, v in ex),
                "; ".join(f"row {r}: {'(empty)' if v is None else repr(v)}" for r, v in ex),
            )
            if code == "below_minimum" and col.below_means:  # oversold stock: none on hand
                exprs[col.name] = col.floored(exprs[col.name])
                said_zh, said_en = col.floored_said(name, n)
                problems.append(
                    Problem(
                        code="read_as_minimum",
                        file=filename,
                        row=ex[0][0],
                        column=col.name,
                        severity="warning",
                        zh=f"{said_zh}示例 {sample_zh}",
                        en=f"{said_en} Examples {sample_en}",
                    )
                )
                continue
            if (name, col.name, code) == ("events", "user_id", "null_value"):
                anonymous = _anonymous_events(con, raw, filename, n, ex[0][0])
                if anonymous is not None:  # some, not all: left out with a warning
                    exprs[KEEP_ROWS] = f"({exprs['user_id']}) IS NOT NULL"
                    problems.append(anonymous)
                    continue
            hint_zh, hint_en = (
                _chinese_words_hint(con, numbered, col, cond)
                if code == "value_not_allowed"
                else ("", "")
            )
            problems.append(
                Problem(
                    code=code,
                    file=filename,
                    row=ex[0][0],
                    column=col.name,
                    zh=f"{name} 表的列 {col.name} 有 {n} 行不合规：{zh}。示例 {sample_zh}{hint_zh}",
                    en=f"{n} row(s) of column {col.name} in the {name} table break the contract: {en}. Examples {sample_en}{hint_en}",
                )
            )
    if untrimmed is not None:  # those probed and found with nothing to trim; none else
        untrimmed.intersection_update(
            p[0].name for p, n in zip(pending, counts, strict=True) if p[1] == TRIMMED and n == 0
        )
    return problems, exprs


def _value_words(
    con: duckdb.DuckDBPyConnection,
    numbered: str,
    filename: str,
    table: str,
    column: str,
    cond: str,
    n: int,
    exprs: dict,
) -> tuple[Problem | None, str, int]:
    """Among the ``n`` rows of ``table`` refused (``cond``), those holding a word of
    :data:`VALUE_WORDS` for ``column`` (in any letter case): when there are some, the column's
    cast in ``exprs`` maps the words and a warning (words_read) says which were read; returned with the condition and
    count of the rows still refused."""
    meaning = VALUE_WORDS[(table, column)]
    text = ident(f"__text_{column}")
    seen = con.execute(
        f"SELECT {text}, count(*), min(__row) + 1 FROM {numbered} WHERE {cond} GROUP BY 1"
    ).fetchall()
    known = [(w, c, r) for w, c, r in seen if w is not None and w.lower() in meaning]
    if not known:
        return None, cond, n
    words = ", ".join(f"'{w}'" for w in meaning)
    folded = f"lower({text})"
    whens = " ".join(f"WHEN '{w}' THEN '{v}'" for w, v in meaning.items())
    plain = exprs[column]  # lower(<the trimmed text>)
    exprs[column] = f"CASE {plain} {whens} ELSE {plain} END"
    read = sum(c for _, c, _ in known)
    order = sorted(known, key=lambda k: k[2])
    pairs_zh = "、".join(f"{w}→{meaning[w.lower()]}" for w, _, _ in order)
    pairs_en = ", ".join(f"{w} → {meaning[w.lower()]}" for w, _, _ in order)
    chinese = all(not w.isascii() for w, _, _ in known)
    said_zh, said_en = (
        ("是中文", "are Chinese words") if chinese else ("是别的写法", "are other words")
    )
    warning = Problem(
        code="words_read",
        file=filename,
        row=order[0][2],
        column=column,
        severity="warning",
        zh=f"{table} 表的列 {column} 有 {read:,} 行{said_zh}，已按 {pairs_zh} 读取。",
        en=f"{read:,} row(s) of column {column} in the {table} table {said_en}, read as "
        f"{pairs_en}.",
    )
    return warning, f"({cond}) AND {folded} NOT IN ({words})", n - read


#: The checking scan's count of the values written in 万 or percent (not a problem).
SCALED = "__scaled"
#: The checking scan's count of the values trimming changes (not a problem: ``untrimmed``).
TRIMMED = "__trimmed"


def _scaled_text(col: Column, text: str) -> str:
    """The condition of a value of number column ``col`` written in 万 (or, in a rate's column,
    in percent): the rows that need :func:`_cast_expr`'s ``scaled`` reading."""
    ends = ["'万'", "'万元'"] + (["'%'"] if col.maximum == 1 else [])
    return " OR ".join(f"ends_with({text}, {e})" for e in ends)


#: The key of a check's expressions holding the condition a row must meet to be kept in the typed
#: table (events without a customer id are left out); not a column.
KEEP_ROWS = "__keep_rows"


def _anonymous_events(
    con: duckdb.DuckDBPyConnection, raw: str, filename: str, n: int, first: int
) -> Problem | None:
    """A warning for ``n`` events without a customer id (anonymous visits, as behaviour logs
    have them) when the others have one — they are left out: the funnel counts identified
    visitors — or None when every event lacks one (then no funnel can be counted: an error)."""
    total = con.execute(f"SELECT count(*) FROM {raw}").fetchall()[0][0]
    if n >= total:
        return None
    return Problem(
        code="anonymous_events",
        file=filename,
        row=first,
        column="user_id",
        severity="warning",
        zh=f"events 表有 {n:,} 行（共 {total:,} 行的 {n / total:.1%}）没有 user_id（未登录的匿名访问）："
        f"已略去，漏斗与转化只计能识别的访客，访客数因此偏少。",
        en=f"{n:,} of the {total:,} events ({n / total:.1%}) have no user_id (anonymous visits): "
        f"they are left out — the funnel and conversion count identified visitors only, so "
        f"visitor counts are lower than the platform's.",
    )


def check_zones(
    con: duckdb.DuckDBPyConnection, name: str, filename: str, column: str, tz: str
) -> list[Problem]:
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


SQL_TYPE = {
    "timestamp": "TIMESTAMP",
    "date": "DATE",
    "number": "DOUBLE",
    "integer": "BIGINT",
    "string": "VARCHAR",
}

"""``fupan init``: a first campaign card for a folder of exports, to be checked and completed.

:func:`recognise` reads the header of every table file in the folder (a Parquet file's schema, the
first line of a CSV in any encoding the readers take, the first row of a workbook) and names the
contract table each one is — the table whose required columns its header holds, directly, through
a known Chinese header (订单号 → order_id …) or through a platform export profile (then pinned in
the card). :func:`suggest_windows` proposes the phases from the orders' daily GMV: the burst is
the run of days around the best day selling at least twice the median day, the baseline the 30
days ending two weeks before it (the two weeks left for a preheat), the dip the two weeks after.
:func:`card_text` writes the card with a comment on everything that was guessed; the operator
checks the windows against the campaign calendar and fills in the name, category and strategy.
Nothing is ever overwritten: an existing campaign.yaml stays unless ``force``, and then is kept
beside it as ``campaign.yaml.bak``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..dictionary import FESTIVAL_DAYS, ROLE_LABELS
from .card import CONTRACTS

#: The file kinds a table may be in (as the readers' registry reads them).
TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".parquet")
#: The order tables are tried first: a file holding an order table's columns is the orders.
TABLE_ORDER = (
    "orders",
    "events",
    "spend",
    "inventory",
    "live_sessions",
    "coupons",
    "prices",  # before products, whose one required column (sku) a price list has too
    "products",
    "targets",
    "members",
    "service_daily",
    "refunds",
)
#: A table whose one required column many files have (a date) is taken only with this many of its
#: other columns: a daily sales file is not a service day report.
MIN_OPTIONAL = {"service_daily": 2, "refunds": 2}
#: The platform an export profile is the export of.
PROFILE_PLATFORM = {"tmall-orders": "tmall", "jd-orders": "jd", "douyin-orders": "douyin"}
#: A burst day sells at least this many times the median day.
BURST_FACTOR = 2.0
#: The days festivals are held on (the metric dictionary's): a burst whose best day is one of them
#: ends on it — the days after are 返场 (post), however well they sell.
FESTIVAL_DATES = frozenset(FESTIVAL_DAYS.values())
#: The longest burst suggested, in days on each side of the best day.
BURST_REACH = 14
#: Days of baseline suggested, ending this many days before the burst.
BASELINE_DAYS, PREHEAT_GAP = 30, 14
#: The shortest baseline suggested, in days (a shorter one is left for the operator to set).
MIN_BASELINE = 3
#: Days of dip suggested after the burst.
DIP_DAYS = 14


@dataclass
class Recognised:
    """One table file and what it was taken for."""

    file: str
    table: str | None  # None: not recognised
    mapping: dict[str, str] = field(default_factory=dict)  # the file's header → contract column
    profile: str | None = None
    missing: list[str] = field(default_factory=list)  # best guess's required columns not found
    guess: str | None = None  # the table it came closest to, when not recognised

    def why(self) -> str:
        """Why a file was not taken for a table (bilingual, one line; empty when it was, or
        when it looks like none)."""
        if self.table or not self.guess:
            return ""
        if not self.missing:
            return (
                f"又一个 {self.guess} 表（每个表只读一个文件：请合并）/ another {self.guess} "
                f"table (one file is read per table: combine them)"
            )
        lacks = ", ".join(self.missing)
        return f"像 {self.guess} 表，缺少 {lacks} / like {self.guess}, lacks {lacks}"


def _decode_head(head: bytes, encoding: str) -> str:
    """``head`` (the first bytes of a file) decoded; a character cut by the end of the read is
    left out — a UTF-8 export over 64 KB whose 65,536th byte fell inside a Chinese character failed
    as UTF-8, was read as GB18030, and its header came out as nothing."""
    for cut in (0, 1, 2, 3):  # a character is at most 4 bytes: its cut-off start is dropped
        try:
            return head[: len(head) - cut].decode(encoding)
        except UnicodeDecodeError:
            if cut == 3:
                raise
    raise AssertionError("unreachable")


def header_of(path: Path) -> list[str]:
    """The column names of a table file, without reading its rows."""
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq

        return [str(n) for n in pq.read_schema(path).names]
    if suffix == ".xlsx":
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:  # the header: the first of the first 20 rows with the most cells filled (a title
            # row above it has fewer)
            rows = [
                [str(v).strip() for v in row if v is not None and str(v).strip()]
                for row in book.worksheets[0].iter_rows(max_row=20, values_only=True)
            ]
        finally:
            book.close()
        return max(rows, key=len, default=[])
    from .readers.delimited import csv_separator, title_above_header
    from .readers.files import HEAD

    with open(path, "rb") as fh:
        head = fh.read(HEAD)
    for encoding in ("utf-16", "utf-8-sig", "gb18030"):
        if encoding == "utf-16" and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            text = _decode_head(head, encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        return []
    sep, skip = (
        ("\t", 0) if suffix == ".tsv" else csv_separator(text.encode("utf-8", errors="replace"))
    )
    lines = [ln for ln in text.splitlines()[skip:] if ln.strip()]
    if sep == " ":  # columns aligned with spaces: the first line is the header
        return lines[0].split() if lines else []
    title = title_above_header("\n".join(lines), sep)
    line = lines[title[0]] if title else (lines[0] if lines else "")
    try:
        fields = next(csv.reader(io.StringIO(line), delimiter=sep), [])
    except csv.Error:
        return []
    return [f.strip() for f in fields if f.strip()]


def _match(table: str, header: list[str]) -> tuple[dict[str, str], str | None, list[str]]:
    """How ``header`` reads as ``table``: the mapping it needs (header → contract column), the
    export profile that reads it, and the required columns it lacks."""
    from .readers.columns import _header_words, _plain_header
    from .readers.profiles import detect

    contract = [c.name for c in CONTRACTS[table]]
    profile = detect(table, header)
    have: dict[str, str] = {}  # contract column → the header that carries it
    if profile is not None:
        for source, target in profile.mapping(header).items():
            have.setdefault(target, source)
    known = _header_words(table)
    rank = {word: i for i, word in enumerate(known)}  # 渠道 before 推广工具, as validation says
    for h in sorted(header, key=lambda h: rank.get(_plain_header(h), 1 << 30)):
        column = h if h in contract else known.get(_plain_header(h))
        if column in contract:
            have.setdefault(column, h)
    mapping = {} if profile is not None else {h: c for c, h in have.items() if h != c}
    missing = [c.name for c in CONTRACTS[table] if c.required and c.name not in have]
    optional = sum(1 for c in CONTRACTS[table] if not c.required and c.name in have)
    if optional < MIN_OPTIONAL.get(table, 0):
        return {}, None, [c.name for c in CONTRACTS[table]]  # not this table at all
    return mapping, profile.name if profile is not None else None, missing


def recognise(folder: Path) -> list[Recognised]:
    """Every table file of ``folder`` (by name), each taken for the contract table whose required
    columns its header holds (the orders first; each table once)."""
    files = sorted(
        p
        for p in Path(folder).iterdir()
        if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES and not p.name.startswith(".")
    )
    taken: set[str] = set()
    found = []
    for path in files:
        try:
            header = header_of(path)
        except Exception:  # noqa: BLE001 — a file that cannot be read is listed, not recognised
            header = []
        best: Recognised | None = None
        for table in TABLE_ORDER:
            mapping, profile, missing = _match(table, header)
            if not missing and table not in taken:
                best = Recognised(path.name, table, mapping, profile)
                break
            covered = len([c for c in CONTRACTS[table] if c.required]) - len(missing)
            if covered > 0 and (best is None or len(missing) < len(best.missing)):
                best = Recognised(path.name, None, mapping, profile, missing, guess=table)
        found.append(best or Recognised(path.name, None))
        if best is not None and best.table:
            taken.add(best.table)
    return found


@dataclass(frozen=True)
class Suggested:
    """Phases suggested from the daily GMV (None where the data do not reach)."""

    baseline: tuple[dt.date, dt.date] | None
    burst: tuple[dt.date, dt.date]
    dip: tuple[dt.date, dt.date] | None
    best_day: dt.date
    best_gmv: float
    median_gmv: float


def suggest_windows(daily: list[tuple[dt.date, float]]) -> Suggested | None:
    """Phases from ``daily`` (date, GMV) — days without sales count as 0 — or None without sales.

    Burst: the best day and the days next to it (up to :data:`BURST_REACH` on each side) selling at
    least :data:`BURST_FACTOR` × the median day — none after it when the best day is a festival's
    own day (:data:`FESTIVAL_DATES`: 11-11, 06-18, 12-12 …), which ends its burst. Baseline: the :data:`BASELINE_DAYS` days ending
    :data:`PREHEAT_GAP` days before the burst — or, when the data start less than a week before
    that, the days before the burst — and none shorter than :data:`MIN_BASELINE` days. Dip: the :data:`DIP_DAYS` days after the burst, as
    far as the data go (none when they end with it)."""
    sales = {d: float(g) for d, g in daily if g is not None}
    if not sales or max(sales.values()) <= 0:
        return None
    first, last = min(sales), max(sales)
    days = [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]
    gmv = [sales.get(d, 0.0) for d in days]
    ordered = sorted(gmv)
    median = ordered[len(ordered) // 2]
    best = max(range(len(days)), key=lambda i: (gmv[i], -i))
    bar = BURST_FACTOR * median
    lo = hi = best
    while lo > 0 and best - lo < BURST_REACH and gmv[lo - 1] >= bar:
        lo -= 1
    festival = (days[best].month, days[best].day) in FESTIVAL_DATES  # the burst ends on its day
    while not festival and hi < len(days) - 1 and hi - best < BURST_REACH and gmv[hi + 1] >= bar:
        hi += 1
    start, end = days[lo], days[hi]
    base_end = start - dt.timedelta(days=PREHEAT_GAP + 1)
    if (base_end - first).days < 6:  # too little before the gap: the days before the burst
        base_end = start - dt.timedelta(days=1)
    base_start = max(first, base_end - dt.timedelta(days=BASELINE_DAYS - 1))
    baseline = (base_start, base_end) if (base_end - base_start).days >= MIN_BASELINE - 1 else None
    dip = (
        (end + dt.timedelta(days=1), min(last, end + dt.timedelta(days=DIP_DAYS)))
        if last > end
        else None
    )
    return Suggested(baseline, (start, end), dip, days[best], gmv[best], median)


def _yaml_key(text: str) -> str:
    """``text`` as a YAML scalar: plain when it is a plain name, else a double-quoted string (a
    JSON string is one: a colon, a quote or a backslash in a file's header stays as written)."""
    import json

    import yaml

    plain = re.fullmatch(r"[\w\u4e00-\u9fff][\w\u4e00-\u9fff ()（）/.-]*", text)
    if plain and not text.endswith(" ") and yaml.safe_load(text) == text:  # not true, null, 2025
        return text
    return json.dumps(text, ensure_ascii=False)


def card_text(
    folder: Path,
    recognised: list[Recognised],
    windows: Suggested | None,
    platform: str | None,
    money: tuple[str, str, str] | None = None,
) -> str:
    """The card, as YAML with comments on what was guessed and what to fill in."""
    tables = {r.table: r for r in recognised if r.table}
    profiles = {r.table: r.profile for r in tables.values() if r.profile}
    platform = platform or next(
        (PROFILE_PLATFORM[p] for p in profiles.values() if p in PROFILE_PLATFORM), None
    )
    slug = re.sub(r"[^a-z0-9-]+", "-", folder.resolve().name.lower()).strip("-")[:64] or "campaign"
    if not slug[0].isalnum():
        slug = "c" + slug
    lines = [
        "# 由 fupan init 生成的卡片草稿：请逐项核对，特别是活动窗口。",
        "# A first card written by fupan init: check every line, above all the windows.",
        f"id: {slug[:64]}",
        f"name: {folder.resolve().name}  # 活动名称 / the campaign's name",
        f"platform: {platform or 'other'}"
        + ("" if platform else "  # tmall / taobao / jd / douyin / pdd / xiaohongshu / own-site"),
        "category: other  # 类目（如 beauty）/ the category, e.g. beauty",
    ]
    if money is None:
        lines += ["currency: CNY", "timezone: Asia/Shanghai"]
    else:
        code, zone, why = money
        lines += [
            f"currency: {code}  # 由订单推断 / from the orders: {why}",
            f"timezone: {zone}  # 随币种推断，请核对 / from the currency: check it",
        ]
    lines += [
        "windows:",
    ]
    if windows is None:
        lines += [
            "  # 无法从订单推断（没有订单表、订单表读不出或没有销售；fupan init 已列出原因）：请按活动日历填写",
            "  # not suggested (no orders table, an orders table that cannot be read, or no sales;"
            " fupan init said which): fill in from the campaign calendar",
            "  baseline: [YYYY-MM-DD, YYYY-MM-DD]",
            "  burst: [YYYY-MM-DD, YYYY-MM-DD]",
        ]
    else:
        w = windows
        festival = (w.best_day.month, w.best_day.day) in FESTIVAL_DATES
        lines += [
            f"  # 按日GMV推断：最高日 {w.best_day}（{w.best_gmv:,.0f}），爆发期 = 其前后日GMV ≥ 中位日"
            f" {w.median_gmv:,.0f} 的 {BURST_FACTOR:g} 倍的连续日"
            + ("，止于大促当天" if festival else "")
            + "；请按活动日历核对。",
            f"  # suggested from the daily GMV: best day {w.best_day} ({w.best_gmv:,.0f}); burst = "
            f"the days around it selling ≥ {BURST_FACTOR:g} × the median day ({w.median_gmv:,.0f})"
            + (", ending on the festival's day" if festival else "")
            + ". Check against the campaign calendar.",
        ]
        if w.baseline is not None:
            days = (w.baseline[1] - w.baseline[0]).days + 1
            short = "" if days >= 14 else f"  # 只有 {days} 天 / only {days} days of orders before"
            lines.append(f"  baseline: [{w.baseline[0]}, {w.baseline[1]}]{short}")
        else:
            lines.append(
                "  baseline: [YYYY-MM-DD, YYYY-MM-DD]  # 订单早于爆发期的天数不足 / too few days before the burst"
            )
        lines.append(
            "  # preheat: [YYYY-MM-DD, YYYY-MM-DD]  # 预热期（如有）/ the preheat, if there was one"
        )
        lines.append(f"  burst: [{w.burst[0]}, {w.burst[1]}]")
        if w.dip is not None:
            lines.append(f"  dip: [{w.dip[0]}, {w.dip[1]}]")
    lines.append("tables:")
    for table in TABLE_ORDER:
        if table in tables:
            lines.append(f"  {table}: {_yaml_key(tables[table].file)}")
    if "orders" not in tables:
        lines.append("  orders: orders.csv  # 未找到订单表 / no orders table was recognised")
    mapping = {t: r.mapping for t, r in tables.items() if r.mapping}
    if mapping:
        lines.append("mapping:  # 文件的列名 → fupan 的列名 / the file's header → fupan's column")
        for table in TABLE_ORDER:
            if table in mapping:
                lines.append(f"  {table}:")
                lines += [f"    {_yaml_key(h)}: {c}" for h, c in mapping[table].items()]
    if profiles:
        name = profiles.get("orders")
        if name and len(profiles) == 1:
            lines.append(f"profile: {name}  # 平台导出格式 / the platform export layout")
    lines += retrospective_template()
    for r in recognised:
        if not r.table:
            lines.append(
                f"# 未识别 / not recognised: {r.file}" + (f" — {r.why()}" if r.why() else "")
            )
    return "\n".join(lines) + "\n"


def retrospective_template() -> list[str]:
    """The card's 复盘 block to fill in after the campaign, as YAML comments (removing ``# `` from
    each line gives a block the card accepts): lessons, actions tied to a finding with an owner
    and a due date, and each role's own review (the roles of :data:`fupan.dictionary.ROLE_LABELS`)."""
    roles = " ".join(zh for zh, _ in ROLE_LABELS.values())
    return [
        "# 复盘会后填写（去掉行首的 # ）/ after the review meeting, fill in (remove the leading # ):",
        "# retrospective:",
        "#   went_well: [做得好的一条 / one thing that went well]",
        "#   to_improve: [要改进的一条 / one thing to improve]",
        "#   actions:  # finding: 对应的数据发现，如 stockouts / the finding it answers",
        "#     - {what: 上线爆款库存预警, owner: 供应链负责人, due: 2026-01-15, finding: stockouts}",
        f"#   by_role:  # 各岗位自评 / each role's own review — {roles}",
        "#     直播: {went_well: [一条 / one], to_improve: [一条 / one]}",
    ]


#: a country (an export's Country column, as written) → its currency and time zone
COUNTRY_MONEY = {
    "united kingdom": ("GBP", "Europe/London"),
    "uk": ("GBP", "Europe/London"),
    "england": ("GBP", "Europe/London"),
    "united states": ("USD", "America/New_York"),
    "usa": ("USD", "America/New_York"),
    "us": ("USD", "America/New_York"),
    "germany": ("EUR", "Europe/Berlin"),
    "france": ("EUR", "Europe/Paris"),
    "netherlands": ("EUR", "Europe/Amsterdam"),
    "japan": ("JPY", "Asia/Tokyo"),
    "hong kong": ("HKD", "Asia/Hong_Kong"),
    "china": ("CNY", "Asia/Shanghai"),
    "中国": ("CNY", "Asia/Shanghai"),
}
#: an amount's sign (longest first) → currency; a currency's usual time zone
SIGN_MONEY = (("HK$", "HKD"), ("NT$", "TWD"), ("US$", "USD"), ("£", "GBP"), ("€", "EUR"),
              ("$", "USD"), ("￥", "CNY"), ("¥", "CNY"), ("元", "CNY"))  # fmt: skip
CURRENCY_ZONE = {"CNY": "Asia/Shanghai", "GBP": "Europe/London", "USD": "America/New_York",
                 "EUR": "Europe/Berlin", "JPY": "Asia/Tokyo", "HKD": "Asia/Hong_Kong",
                 "TWD": "Asia/Taipei"}  # fmt: skip


def money_hint(con: Any, raw: str, types: dict[str, str]) -> tuple[str, str, str] | None:
    """(currency, time zone, why) the orders suggest — the sign their amounts are written with,
    else the country most of their rows name — or None when they say nothing (a bare number in a
    file without a country column: the card's CNY / Asia/Shanghai default stays)."""
    from ..extract.duck import ident

    if types.get("paid_amount") == "VARCHAR":
        text = (
            con.execute(
                f"SELECT string_agg(v, '') FROM (SELECT CAST({ident('paid_amount')} AS VARCHAR) AS v "
                f"FROM {raw} WHERE {ident('paid_amount')} IS NOT NULL LIMIT 200)"
            ).fetchone()[0]
            or ""
        )
        for sign, code in SIGN_MONEY:
            if sign in text:
                return code, CURRENCY_ZONE.get(code, "UTC"), f"amounts written with {sign}"
    country = next(
        (c for c in types if c.strip().lower() in ("country", "国家", "国家/地区")), None
    )
    if country is not None:
        row = con.execute(
            f"SELECT trim(CAST({ident(country)} AS VARCHAR)) AS c, count(*) AS n FROM {raw} "
            f"GROUP BY 1 ORDER BY n DESC, c LIMIT 1"
        ).fetchone()
        if row and row[0] and row[0].lower() in COUNTRY_MONEY:
            code, zone = COUNTRY_MONEY[row[0].lower()]
            return code, zone, f"most rows' {country} is {row[0]}"
    return None


@dataclass(frozen=True)
class Reading:
    """The time zone and currency ``fupan init`` reads an export's values in before there is a
    card (validation's :class:`~fupan.ingest.validate.columns.Reading`)."""

    timezone: str
    currency: str


def daily_gmv(
    folder: Path,
    orders: Recognised,
    problems: list | None = None,
    hints: dict | None = None,
) -> list[tuple[dt.date, float]]:
    """The orders file's paid amount by day (cancelled lines left out when the file says which),
    read as validation reads it — the mapping or export profile found, amounts with ¥ or
    thousands separators, times in any notation validation takes; empty when it cannot be read,
    and then what stopped the reading is appended to ``problems`` (the file's own errors, which
    ``fupan init`` shows instead of leaving the user to find them after filling in the windows).
    Customer ids are pseudonymised with a throwaway key and never leave this function."""
    import os

    from ..extract.duck import ident
    from .readers.columns import headed
    from .readers.load import open_table
    from .validate.columns import _cast_expr, check_columns, time_notation

    opened = open_table(
        Path(folder) / orders.file,
        profile=orders.profile,
        table="orders",
        mapping=orders.mapping,
        salt=os.urandom(16),
    )
    errors = [p for p in opened.problems if p.severity == "error"]
    if problems is not None:
        problems += errors
    try:
        if opened.relation is None or errors:
            return []
        raw = "raw_orders"
        types = {r[0]: r[1] for r in opened.con.execute(f"DESCRIBE {raw}").fetchall()}
        if hints is not None:
            hints["money"] = money_hint(opened.con, raw, types)
        if not {"order_time", "paid_amount"} <= set(types):
            return []
        contract = {c.name: c for c in CONTRACTS["orders"]}
        order, meridiem = None, False
        if types["order_time"] == "VARCHAR":
            order, meridiem, found = time_notation(opened.con, raw, "order_time", orders.file)
            if any(p.severity == "error" for p in found):
                if problems is not None:
                    found = headed(found, orders.file, opened.sources)
                    problems += [p for p in found if p.severity == "error"]
                return []
        when = _cast_expr(
            contract["order_time"], types["order_time"], "UTC", "CNY", order, meridiem
        )
        paid = _cast_expr(contract["paid_amount"], types["paid_amount"], "UTC", "CNY")
        kept = (
            f"coalesce(lower(trim(CAST({ident('status')} AS VARCHAR))), '') <> 'cancelled'"
            if "status" in types
            else "TRUE"
        )
        rows = opened.con.execute(
            f"SELECT CAST({when} AS DATE) AS d, sum({paid}) FROM {raw} "
            f"WHERE {kept} AND {when} IS NOT NULL GROUP BY 1 ORDER BY 1"
        ).fetchall()
        if not rows and problems is not None:
            # no line with a time (or an amount) that reads: say why now, with validation's own
            # checks of the two columns — not after the user has filled the windows in by hand
            money = hints.get("money") if hints is not None else None
            reading = Reading(money[1] if money else "UTC", money[0] if money else "CNY")
            found, _ = check_columns(
                opened.con, "orders", orders.file, reading, only=("order_time", "paid_amount")
            )
            found = headed(found, orders.file, opened.sources)
            problems += [p for p in found if p.severity == "error"]
        return [(d, float(g or 0.0)) for d, g in rows]
    finally:
        opened.con.close()

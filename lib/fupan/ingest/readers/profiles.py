"""Platform export profiles: a platform's own order export read as the orders contract.

A :class:`Profile` is a registration in :data:`PROFILES` (the readers' registry of profiles) that
says, for one export layout, which header names carry which contract column, which status words
mean paid / cancelled / refunded, and how its times are written. :func:`resolve` picks the profile
of a table — the one the card pins (``profile: tmall-orders``) or, without one, the one whose
signature headers the file has (a *warning* says which was detected and how to pin it) — and
:func:`normalise` turns the export's values into the contract's text:

- **ids** (order_id, user_id, sku): the ``="…"`` wrapper, the leading apostrophe and the tabs Excel
  exports put around long numbers are removed;
- **amounts**: the card currency's sign (``¥``/``￥``, a trailing ``元`` for CNY), thousands
  separators and spaces removed (another currency's sign is left for validation to name);
  ``-`` and ``--`` (the exports' "none") become empty — the contract's own reading of an
  amount's text (:func:`fupan.ingest.readers.files.number_text`);
- **times**: any of :data:`TIME_FORMATS` (``2025/11/11 00:03``, ``2025-11-11 00:03:15`` …) becomes
  ``YYYY-MM-DD HH:MM:SS``; anything else is left for validation to report with its row;
- **status**: through the profile's table; a word it does not know is an error naming the file,
  the first row, the export's column and the words expected [status_unknown]. The contract's own
  words (paid, cancelled, refunded) are accepted as they are. :data:`CLOSED` marks a word
  (交易关闭, 已关闭) that means *refunded* when the line's refund amount is above 0 and *cancelled*
  otherwise — how the platforms show a fully refunded order.

Columns the profile does not map stay in the table as they were, so that the privacy layer drops
the personal ones (buyer nickname, phone, address …) by name or value exactly as for any file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import duckdb

from ...errors import Problem
from ...extract.duck import ddl, ident, literal
from ..card import CARD_FILE, CONTRACTS, CampaignCard
from .files import columns_of, number_text, problem
from .registry import Registry

#: a status word meaning refunded when the line's refund amount is > 0, else cancelled
CLOSED = "closed"
STATUS_VALUES = ("paid", "cancelled", "refunded")
TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y年%m月%d日 %H:%M:%S",
    "%Y年%m月%d日 %H:%M",
)
ID_COLUMNS = ("order_id", "user_id", "sku")
AMOUNT_COLUMNS = ("paid_amount", "refund_amount", "list_amount", "unit_cost")
TIME_COLUMNS = ("order_time",)


@dataclass(frozen=True)
class Profile:
    """One export layout. ``columns`` are (export header, contract column) pairs: where several
    headers name the same contract column the first one the file has is used. ``signature`` is the
    set of headers whose presence identifies the export. ``statuses`` maps the export's status
    words to paid / cancelled / refunded or :data:`CLOSED`."""

    name: str
    table: str
    title_zh: str
    title_en: str
    columns: tuple[tuple[str, str], ...]
    signature: frozenset[str]
    statuses: Mapping[str, str] = field(default_factory=dict)
    time_formats: tuple[str, ...] = TIME_FORMATS
    #: headers of a number unique to each line of the export (子订单编号): two lines with one such
    #: number are one line exported twice — identical, a page pasted twice (dropped, said);
    #: different, two exports of overlapping periods glued together (refused)
    line_key: tuple[str, ...] = ()

    def mapping(self, header: list[str]) -> dict[str, str]:
        """export header → contract column, for the headers this file has (first one per column)."""
        have = {h.strip(): h for h in header}
        out: dict[str, str] = {}
        for src, dst in self.columns:
            if src in have and dst not in out.values():
                out[have[src]] = dst
        return out

    def missing(self, header: list[str]) -> list[str]:
        """The signature headers this header lacks: a signature header whose contract column the
        file carries under another of the profile's names (订单编号 for 主订单编号, the classic
        Taobao report's 买家实际支付金额 for 买家实付金额) is not lacking."""
        have = {h.strip() for h in header}
        found = {dst for src, dst in self.columns if src in have}
        dst_of = dict(self.columns)
        return sorted(h for h in self.signature if h not in have and dst_of.get(h) not in found)

    def matches(self, header: list[str]) -> bool:
        return not self.missing(header)

    def targets(self) -> list[str]:
        """The contract columns this export can carry, in contract order."""
        dst = {d for _, d in self.columns}
        return [c.name for c in CONTRACTS[self.table] if c.name in dst]


PROFILES: Registry[Profile] = Registry("profile", "fupan.profiles")


def register_profile(profile: Profile) -> Profile:
    for word, value in profile.statuses.items():
        if value not in (*STATUS_VALUES, CLOSED):
            raise ValueError(f"profile {profile.name}: status {word!r} maps to unknown {value!r}")
    return PROFILES.register(profile)


def detect(table: str, header: list[str]) -> Profile | None:
    """The registered profile of ``table`` whose signature the header holds (the most specific)."""
    found = [p for p in PROFILES if p.table == table and p.matches(header)]
    return max(found, key=lambda p: len(p.signature)) if found else None


def pinned(card: CampaignCard | None, table: str) -> str | None:
    """The profile name the card pins for ``table``: ``profile: <name>`` applies to the table the
    profile reads (an unknown name is charged to the orders table), ``profile: {<table>: <name>}``
    to that table."""
    value = getattr(card, "profile", None) if card is not None else None
    if isinstance(value, str):
        p = PROFILES.get(value)
        return value if (p.table if p else "orders") == table else None
    if isinstance(value, Mapping):
        return value.get(table)
    return None


def resolve(
    table: str, header: list[str], name: str | None, filename: str, card_row: int | None = None
) -> tuple[Profile | None, list[Problem]]:
    """The profile to read ``filename`` with: ``name`` (pinned in the card) or detected."""
    known = ", ".join(p.name for p in PROFILES if p.table == table)
    if name is not None:
        profile = PROFILES.get(name)
        if profile is None or profile.table != table:
            return None, [
                problem(
                    "profile_unknown",
                    CARD_FILE,
                    f"campaign.yaml 的 profile 写的是「{name}」，但没有这个 {table} 表的导出格式；可用：{known}。",
                    f"campaign.yaml names the profile '{name}', which is not an export layout of the "
                    f"{table} table; expected one of: {known}.",
                    row=card_row,
                    column="profile",
                )
            ]
        missing = profile.missing(header)
        if not missing:
            return profile, []
        other = detect(table, header)
        if other is not None and other.name != profile.name:  # the header is another export's
            advice_zh = f"表头与{other.title_zh}一致：请把 profile 改为 {other.name}。"
            advice_en = f"The header matches {other.title_en}: set profile to {other.name}."
        else:
            advice_zh = "请确认导出格式，或去掉 profile 改用 mapping。"
            advice_en = "Check the export, or drop profile and map the columns under mapping."
        return profile, [
            problem(
                "profile_mismatch",
                filename,
                f"campaign.yaml 指定 {filename} 按 {profile.title_zh}（{profile.name}）读取，但表头缺少"
                f"该格式的列：{'、'.join(missing)}。{advice_zh}",
                f"campaign.yaml says {filename} is {profile.title_en} ({profile.name}), but its header "
                f"lacks that layout's column(s) {', '.join(missing)}. {advice_en}",
                severity="warning",
                column=missing[0],
            )
        ]
    profile = detect(table, header)
    if profile is None:
        return None, []
    return profile, [
        problem(
            "profile_detected",
            filename,
            f"{filename} 的表头与{profile.title_zh}一致，已按导出格式 {profile.name} 读取。"
            f"如需固定，请在 campaign.yaml 中写一行 profile: {profile.name}。",
            f"The header of {filename} matches {profile.title_en}; it was read with the export "
            f"profile {profile.name}. To pin it, add the line 'profile: {profile.name}' to "
            f"campaign.yaml.",
            severity="warning",
        )
    ]


# ----------------------------------------------------------------------------- values
#: white space in an export's cell: ASCII's (tab, new line …) and every Unicode space separator
#: (the ideographic space U+3000 of a Chinese input method, the no-break space U+00A0 of a web
#: page), which DuckDB's ``trim`` removes from a value too
_SPACE = "[\\s\\p{Zs}]"


def _trimmed(q: str) -> str:
    return f"regexp_replace(CAST({q} AS VARCHAR), '^{_SPACE}+|{_SPACE}+$', '', 'g')"


def id_sql(q: str) -> str:
    """``="123"``, ``'123`` and tab-padded ids → ``123``."""
    t = _trimmed(q)
    return f"nullif(regexp_replace(regexp_replace({t}, '^=\"(.*)\"$', '\\1'), '^''', ''), '')"


def amount_sql(q: str, currency: str = "CNY") -> str:
    """``¥1,299.00``, ``￥ 1 299.00``, ``1，299.00``, ``1299.00元`` → ``1299.00``; ``-``/``--`` →
    NULL: the spaces taken out, then the contract's own reading of an amount's text in the card's
    ``currency`` (:func:`fupan.ingest.readers.files.number_text`), which leaves a decimal comma
    (``12,50``) or another currency (``$30`` in a CNY campaign) for validation to name."""
    return number_text(
        f"regexp_replace({_trimmed(q)}, '{_SPACE}', '', 'g')", currency, keep_unread=True
    )


def time_sql(q: str, formats: tuple[str, ...]) -> str:
    t = _trimmed(q)
    fmts = "[" + ", ".join(literal(f) for f in formats) + "]"
    return f"coalesce(strftime(try_strptime({t}, {fmts}), '%Y-%m-%d %H:%M:%S'), nullif({t}, ''))"


def status_sql(
    q: str, statuses: Mapping[str, str], refund: str | None, currency: str = "CNY"
) -> str:
    t = _trimmed(q)
    refunded = (
        f"coalesce(TRY_CAST({amount_sql(refund, currency)} AS DOUBLE), 0) > 0"
        if refund is not None
        else "false"
    )
    whens = " ".join(
        f"WHEN {literal(word)} THEN "
        + (
            f"CASE WHEN {refunded} THEN 'refunded' ELSE 'cancelled' END"
            if v == CLOSED
            else literal(v)
        )
        for word, v in statuses.items()
    )
    return f"CASE {t} {whens} ELSE nullif(lower({t}), '') END"


def normalise(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    profile: Profile,
    filename: str,
    sources: Mapping[str, str],
    currency: str = "CNY",
) -> list[Problem]:
    """Rewrite the profile's contract columns of ``raw`` (text ones only) into contract text, in
    place and in row order; ``sources`` names each contract column's header in the export; amounts
    are read in the card's ``currency``."""
    types = {r[0]: r[1] for r in con.execute(f"DESCRIBE {raw}").fetchall()}
    text = {c for c, t in types.items() if t == "VARCHAR"}
    problems: list[Problem] = []
    if "status" in text and profile.statuses:
        problems += _unknown_statuses(con, raw, profile, filename, sources.get("status", "status"))
        problems += _blank_statuses(con, raw, filename, sources.get("status", "status"))
        if "refund_amount" not in types:
            problems += _closed_without_refunds(con, raw, profile, filename, sources)
    problems += _line_key_repeats(con, raw, profile, filename, types)
    exprs: dict[str, str] = {}
    for col in ID_COLUMNS:
        if col in text:
            exprs[col] = id_sql(ident(col))
    for col in AMOUNT_COLUMNS:
        if col in text:
            exprs[col] = amount_sql(ident(col), currency)
    for col in TIME_COLUMNS:
        if col in text:
            exprs[col] = time_sql(ident(col), profile.time_formats)
    if "status" in text and profile.statuses:
        refund = ident("refund_amount") if "refund_amount" in text else None
        exprs["status"] = status_sql(ident("status"), profile.statuses, refund, currency)
    if exprs:
        replace = ", ".join(f"{e} AS {ident(c)}" for c, e in exprs.items())
        ddl(
            con,
            f"CREATE OR REPLACE TABLE {raw} AS SELECT * REPLACE ({replace}) FROM {raw} ORDER BY rowid",
        )
    return problems


def _unknown_statuses(
    con: duckdb.DuckDBPyConnection, raw: str, profile: Profile, filename: str, header: str
) -> list[Problem]:
    known = [*profile.statuses, *STATUS_VALUES]
    t = _trimmed(ident("status"))
    rows = con.execute(
        f"SELECT {t} AS s, min(rowid) + 1 AS first, count(*) FROM {raw} "
        f"WHERE nullif({t}, '') IS NOT NULL AND lower({t}) NOT IN (SELECT unnest(?::VARCHAR[])) "
        f"GROUP BY s ORDER BY first",
        [known],
    ).fetchall()
    if not rows:
        return []
    n = sum(r[2] for r in rows)
    seen = "; ".join(f"row {r[1]}: {r[0]!r}" for r in rows[:3])
    words = "/".join(profile.statuses)
    return [
        problem(
            "status_unknown",
            filename,
            f"{filename} 的列「{header}」有 {n} 行的订单状态不是{profile.title_zh}的已知状态（示例 {seen}）。"
            f"应为：{words}（或 paid/cancelled/refunded）。请检查导出，或改用 mapping 并自行换算状态。",
            f"{n} row(s) of column '{header}' in {filename} hold an order status that "
            f"{profile.title_en} does not have (examples {seen}). Expected one of: {words} (or "
            f"paid/cancelled/refunded). Check the export, or map the columns yourself under mapping.",
            row=rows[0][1],
            column=header,
        )
    ]


def _blank_statuses(
    con: duckdb.DuckDBPyConnection, raw: str, filename: str, header: str
) -> list[Problem]:
    """Lines whose status cell is empty while the export has a status column: an export gives
    every line its status, so a blank one is not 'paid' (what an absent column defaults to)."""
    t = _trimmed(ident("status"))
    n, first = con.execute(
        f"SELECT count(*), min(rowid) + 1 FROM {raw} WHERE nullif({t}, '') IS NULL"
    ).fetchone() or (0, None)
    if not n:
        return []
    return [
        problem(
            "status_blank",
            filename,
            f"{filename} 的列「{header}」有 {n} 行订单状态为空（首个在第 {first} 行）：导出的每一行都应有状态，"
            f"空白无法判断是否已付款。请重新导出或补上状态。",
            f"{n} row(s) of column '{header}' in {filename} have an empty order status (the first "
            f"at row {first}): an export gives every line its status, and a blank one cannot be "
            f"read as paid or not. Export again or fill the status in.",
            row=first,
            column=header,
        )
    ]


def _closed_without_refunds(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    profile: Profile,
    filename: str,
    sources: Mapping[str, str],
) -> list[Problem]:
    """A closed status (交易关闭) means refunded when the line's refund amount is above 0, else
    cancelled; without the refund column every closed line reads cancelled — said, with how many."""
    words = [w for w, v in profile.statuses.items() if v == CLOSED]
    if not words:
        return []
    t = _trimmed(ident("status"))
    n, first = con.execute(
        f"SELECT count(*), min(rowid) + 1 FROM {raw} WHERE {t} IN (SELECT unnest(?::VARCHAR[]))",
        [words],
    ).fetchone() or (0, None)
    if not n:
        return []
    refund = next((src for src, dst in profile.columns if dst == "refund_amount"), "退款金额")
    shown = "/".join(words)
    return [
        problem(
            "closed_without_refunds",
            filename,
            f"{filename} 没有「{refund}」列：{n} 行状态为「{shown}」，无法区分付款后全额退款与未付款关闭，"
            f"已全部按取消计（不计入GMV，计入取消率）。其中若有付款后退款的订单，GMV偏低、取消率偏高；"
            f"请导出时带上「{refund}」列。",
            f"{filename} has no '{refund}' column: {n} line(s) with status '{shown}' cannot be told "
            f"apart (refunded in full after payment, or closed unpaid), so all were read as "
            f"cancelled (not in GMV, in the cancel rate). Any paid-then-refunded order among them "
            f"makes GMV read low and the cancel rate high; export with the '{refund}' column.",
            severity="warning",
            row=first,
            column=sources.get("status", "status"),
        )
    ]


def _line_key_repeats(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    profile: Profile,
    filename: str,
    types: Mapping[str, str],
) -> list[Problem]:
    """Lines sharing the export's per-line number (:attr:`Profile.line_key`): identical ones are
    one line exported twice (a page pasted twice) and the repeats are dropped, said; lines that
    differ (a status or a refund changed between two downloads) are two overlapping exports glued
    together, refused with the first pair's rows — which one is current cannot be told."""
    key = next((h for h in profile.line_key if h in types), None)
    if key is None:
        return []
    k = _trimmed(ident(key))
    cols = [c for c in types if c not in ("rowid", key)]
    row = "struct_pack(" + ", ".join(f"{ident(c)} := {ident(c)}" for c in cols) + ")"
    groups = f"""
        SELECT {k} AS key, count(*) AS n, count(DISTINCT {row}) AS variants,
               min(rowid) + 1 AS first, max(rowid) + 1 AS last
        FROM {raw} WHERE nullif({k}, '') IS NOT NULL GROUP BY 1 HAVING count(*) > 1"""
    conflict = con.execute(
        f"SELECT count(*), min(first), arg_min(last, first) FROM ({groups}) WHERE variants > 1"
    ).fetchone()
    if conflict and conflict[0]:
        n, a, b = conflict
        return [
            problem(
                "line_key_conflict",
                filename,
                f"{filename} 中有 {n} 个「{key}」各出现在多行且内容不同（首例：第 {a} 行与第 {b} 行）："
                f"像是两份时间重叠的导出拼在一起，状态或退款在两次下载之间变了，无法判断哪一行是最新的。"
                f"请只保留较新的一份导出，或删去重叠的部分。",
                f"{n} value(s) of '{key}' in {filename} each appear on several rows that differ (the "
                f"first: rows {a} and {b}): two exports of overlapping periods glued together, a "
                f"status or refund having changed between the downloads, and which row is current "
                f"cannot be told. Keep only the newer export, or remove the overlap.",
                row=a,
                column=key,
            )
        ]
    found = con.execute(f"SELECT coalesce(sum(n - 1), 0), min(last) FROM ({groups})").fetchone()
    n, first = found if found is not None else (0, None)
    if not n:
        return []
    ddl(
        con,
        f"DELETE FROM {raw} WHERE rowid IN (SELECT rowid FROM (SELECT rowid, row_number() OVER "
        f"(PARTITION BY {k} ORDER BY rowid) AS i FROM {raw} WHERE nullif({k}, '') IS NOT NULL) "
        f"WHERE i > 1)",
    )
    return [
        problem(
            "line_key_repeated",
            filename,
            f"{filename} 有 {n} 行与同一「{key}」的另一行完全相同（像是重复粘贴的导出页，首例在第 {first} 行），"
            f"已删除：每个{key}只计一次。",
            f"{n} row(s) of {filename} repeat another row of the same '{key}' exactly (an export "
            f"page pasted twice, it seems; the first at row {first}): dropped, each line counted "
            f"once.",
            severity="warning",
            row=first,
            column=key,
        )
    ]


def header_of(con: duckdb.DuckDBPyConnection, raw: str) -> list[str]:
    return columns_of(con, raw)

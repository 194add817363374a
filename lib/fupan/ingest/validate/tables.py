"""Checks over the typed tables (and the raw ones for duplicates): orders, controls, coverage,
channels, the card's time zone. Each is one aggregate query; only offending row numbers and a few
examples come back."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

import duckdb

from ...errors import Problem
from ...extract.duck import ddl, ident
from ...i18n import phase_name
from ..card import CARD_FILE, CampaignCard, card_line
from ..card.channels import channel_taxonomy
from ..duplicates import duplicate_lines_problem
from .columns import EXAMPLES


def raw_cols(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """The quoted columns of ``raw_<name>`` as read (a view's ``rowid`` is its row number)."""
    return [ident(r[0]) for r in con.execute(f"DESCRIBE raw_{name}").fetchall() if r[0] != "rowid"]


def check_duplicates(
    con: duckdb.DuckDBPyConnection, name: str, filename: str, policy: str
) -> list[Problem]:
    """Exact duplicate lines, in two steps: a count of distinct row hashes (one 64-bit value a row,
    cheap to count) — equal to the row count, there is no duplicate and nothing more is read; if
    not, only the rows whose hash repeats are compared column by column."""
    cols = ", ".join(raw_cols(con, name))
    raw = f"raw_{name}"
    same_hash = con.execute(
        f"SELECT count(*) - count(DISTINCT hash({cols})) FROM {raw}"
    ).fetchall()[0][0]
    if not same_hash:
        return []
    ddl(
        con,
        f"CREATE OR REPLACE TEMP TABLE _dup_candidates AS SELECT *, rowid AS _rid FROM {raw} "
        f"WHERE hash({cols}) IN (SELECT hash({cols}) FROM {raw} GROUP BY ALL HAVING count(*) > 1)",
    )
    try:
        dup = con.execute(
            f"SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM _dup_candidates "
            f"GROUP BY {cols})"
        ).fetchall()[0][0]
        ex = con.execute(
            f"SELECT list(_rid + 1 ORDER BY _rid) FROM _dup_candidates GROUP BY {cols} "
            f"HAVING count(*) > 1 ORDER BY min(_rid) LIMIT {EXAMPLES}"
        ).fetchall()
    finally:
        ddl(con, "DROP TABLE _dup_candidates")
    if not dup:
        return []
    sample = "; ".join("rows " + "=".join(str(r) for r in rows[0][:4]) for rows in ex)
    return [duplicate_lines_problem(name, dup, policy, filename, row=ex[0][0][0], examples=sample)]


def check_orders(con, filename: str) -> list[Problem]:
    problems = []
    # min ≠ max finds the orders naming two users without a distinct count per order; only
    # those few are then listed
    bad = con.execute(
        "SELECT order_id, list(DISTINCT user_id ORDER BY user_id), min(_row) FROM orders "
        "WHERE order_id IN (SELECT order_id FROM orders GROUP BY order_id "
        "HAVING min(user_id) <> max(user_id)) GROUP BY order_id ORDER BY min(_row)"
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


def check_controls(con, folder: Path, card: CampaignCard) -> list[Problem]:
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


def check_coverage(
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


#: Tables whose rows are one per key, and the optional columns that belong to the key when present:
#: several rows of one key are summed by the analyses (a spend row per plan, a stock row per
#: warehouse) — and counted twice when two exports overlap, which the warning makes visible.
KEYED = {
    "spend": (("date", "channel"), ("tool", "plan_id", "objective", "attribution_window")),
    "inventory": (("date", "sku"), ()),
}


def check_repeated_keys(
    con: duckdb.DuckDBPyConnection, name: str, filename: str, present: list[str]
) -> list[Problem]:
    """One warning when rows of ``name`` repeat its key (:data:`KEYED`: date and channel — and the
    plan columns present — for spend; date and SKU for inventory): their amounts are summed by the
    analyses (a plan's or a warehouse's row each), which double-counts two exports pasted with
    overlapping days. Exact duplicate lines are :func:`check_duplicates`'s."""
    base, extra = KEYED[name]
    key = [*base, *(c for c in extra if c in present)]
    cols = ", ".join(ident(c) for c in key)
    groups, rows, examples = con.execute(
        f"SELECT count(*), coalesce(sum(n), 0), "
        f"list(rows ORDER BY first)[:{EXAMPLES}] FROM (SELECT count(*) AS n, min(_row) AS first, "
        f"list(_row ORDER BY _row)[:3] AS rows FROM {name} GROUP BY {cols} HAVING count(*) > 1)"
    ).fetchall()[0]
    if not groups:
        return []
    what = "、".join(key)
    sample = "; ".join("rows " + "=".join(str(r) for r in ex) for ex in examples or [])
    measure, per, measure_en, per_en = (
        ("花费", "每个计划", "spend", "plan")
        if name == "spend"
        else ("库存", "每个仓库", "stock", "warehouse")
    )
    return [
        Problem(
            code="rows_summed",
            file=filename,
            row=examples[0][0] if examples else None,
            severity="warning",
            zh=f"{name} 表有 {groups} 组（{what}）各有多行（共 {rows} 行），分析时{measure}按组相加"
            f"（如{per}一行）；若是两份导出的日期重叠，{measure}会被重复计算，请核对。"
            f"示例 {sample}",
            en=f"{groups} ({', '.join(key)}) key(s) of the {name} table have several rows ({rows} "
            f"rows): the analyses sum their {measure_en} (a row per {per_en}, say); "
            f"if two exports with overlapping days were pasted together, it is counted twice — "
            f"check. Examples {sample}",
        )
    ]


def _close_channel(name: str, known: list[str], card: CampaignCard) -> str | None:
    """The known channel ``name`` is most likely meant as: the same but for letter case or
    spacing (LIVE, ' live'), else the one whose Chinese or English name it is in the card's channel
    taxonomy (直通车 → search_ads on Tmall, 自播 → live), else the closest by spelling (difflib),
    else None."""
    folded = {re.sub(r"[\s_-]+", "", k).lower(): k for k in known}
    same = folded.get(re.sub(r"[\s_-]+", "", name).lower())
    if same is not None:
        return same
    taxonomy = channel_taxonomy(card)
    named = [
        k
        for k in known
        if k in taxonomy
        and name.strip()
        in {taxonomy[k].level1, taxonomy[k].level2, taxonomy[k].zh(), taxonomy[k].en}
    ]
    if len(named) == 1:
        return named[0]
    close = difflib.get_close_matches(name, known, n=1)
    return close[0] if close else None


#: The tables whose channel names must be the orders' (or the budget's) to be matched, and what
#: an unmatched one leaves out of the report (zh, en).
CHANNEL_TABLES = {
    "spend": (
        "这些花费无法对应到渠道的 GMV 和预算",
        "their spend cannot be matched to channel GMV or budget",
    ),
    "targets": (
        "这些目标无法对应到渠道的实际 GMV，目标达成将显示为 0",
        "their targets cannot be matched to the channels' actual GMV; attainment would show 0",
    ),
    "events": (
        "这些行为无法对应到渠道的订单，渠道漏斗与转化拆解将不一致",
        "their behaviour cannot be matched to the channels' orders; the funnel by channel and the "
        "conversion breakdown would not agree",
    ),
}


def check_channels(
    con,
    folder: Path,
    card: CampaignCard,
    has_orders: bool,
    table: str = "spend",
    found: list[tuple[str, int | None]] | None = None,
) -> list[Problem]:
    """A table's channels (spend, targets, events) should be recognisable: each appears in the
    orders or in the card's budget; for spend, each budgeted channel has spend rows too. Warnings,
    not errors — awareness spend with no attributed orders is legitimate — but a mismatch is
    usually a naming difference (直播 vs live, LIVE vs live) that leaves the channel's ROAS,
    pacing or funnel empty. ``found`` gives the table's (channel, first row) when they are known
    already (the events' distinct channels, without rows); else they are read from ``table``.
    Without valid orders (``has_orders`` False: their errors are reported) the channels are matched
    to nothing, so none of them is called unknown."""
    problems = []
    rows = (
        found
        if found is not None
        else con.execute(
            f"SELECT channel, min(_row) FROM {table} GROUP BY channel ORDER BY min(_row)"
        ).fetchall()
    )
    rows = [(c, r) for c, r in rows if c is not None]
    in_orders = (
        {r[0] for r in con.execute("SELECT DISTINCT channel FROM orders").fetchall()}
        if has_orders
        else set()
    )
    in_orders.discard(None)
    budget = card.strategy.budget
    unknown = [(c, r) for c, r in rows if c not in in_orders and c not in budget and has_orders]
    if unknown:
        names = ", ".join(c for c, _ in unknown[:12]) + (" …" if len(unknown) > 12 else "")
        known = sorted(in_orders | set(budget))
        close = {c: _close_channel(c, known, card) for c, _ in unknown}
        hint = "; ".join(f"{c} → {m}?" for c, m in close.items() if m)
        zh_what, en_what = CHANNEL_TABLES[table]
        problems.append(
            Problem(
                code="unknown_channel",
                file=getattr(card.tables, table),
                row=unknown[0][1],
                column="channel",
                severity="warning",
                zh=f"{table} 表中的渠道 {names} 既不出现在订单中，也不在卡片的预算（strategy.budget）里；"
                f"{zh_what}。是否是名称写法不同？{hint}",
                en=f"{table.capitalize()} channel(s) {names} appear neither in the orders nor in the "
                f"card's budget (strategy.budget); {en_what}. A naming difference? {hint}".strip(),
            )
        )
    if table != "spend":
        return problems
    spent = {c for c, _ in rows}
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


#: Campaign spend above this many times the card's whole budget, or above this many times the
#: campaign's GMV (a ROAS under 0.2), is more likely a unit (分 for 元) than a campaign.
SPEND_SCALE = 5.0


def check_spend_scale(con, card: CampaignCard) -> list[Problem]:
    """One warning when the campaign's spend is implausibly large: over :data:`SPEND_SCALE` ×
    the card's total budget (when it sets one) or × the orders' GMV of the same days — the sign
    of a spend export in 分 (cents) read as 元, which made ROAS 0.04 and every channel 'below
    break-even' without a word."""
    camp = card.windows.campaign
    spent, gmv = con.execute(
        "SELECT (SELECT sum(spend) FROM spend WHERE date BETWEEN $1 AND $2), "
        "(SELECT sum(paid_amount) FROM orders WHERE status <> 'cancelled' "
        "AND order_time::DATE BETWEEN $1 AND $2)",
        [camp.start, camp.end],
    ).fetchall()[0]
    if not spent:
        return []
    budget = sum(card.strategy.budget.values())
    said_zh, said_en = [], []
    if budget > 0 and spent > SPEND_SCALE * budget:
        said_zh.append(f"是卡片总预算 {budget:,.0f} 的 {spent / budget:,.1f} 倍")
        said_en.append(f"{spent / budget:,.1f} times the card's whole budget ({budget:,.0f})")
    if gmv and spent > SPEND_SCALE * gmv:
        said_zh.append(f"是同期 GMV {gmv:,.0f} 的 {spent / gmv:,.1f} 倍")
        said_en.append(f"{spent / gmv:,.1f} times the GMV of those days ({gmv:,.0f})")
    if not said_zh:
        return []
    return [
        Problem(
            code="spend_scale",
            file=card.tables.spend,
            column="spend",
            severity="warning",
            zh=f"活动期（{camp.start} ~ {camp.end}）花费合计 {spent:,.0f}，"
            f"{'，'.join(said_zh)}：花费是否以「分」而非「元」导出？若是，请除以 100 后再导出；"
            f"否则投产比与保本判断都会失真。",
            en=f"The campaign's spend ({camp.start} .. {camp.end}) totals {spent:,.0f}, "
            f"{' and '.join(said_en)}: was it exported in fen (cents) rather than yuan? If so, "
            f"divide by 100 and export again; else ROAS and the break-even verdicts are off.",
        )
    ]


def check_spend_gaps(con, card: CampaignCard) -> list[Problem]:
    """One warning naming the spend channels with days missing inside the campaign (from the first
    of preheat/burst to the last of burst/post), between the first and last days the channel has
    rows (in any window): read as no spend — a paused plan — but when the export missed them the
    channel's spend is undercounted and its ROAS too good, which nothing else showed (only a gap
    in the baseline was noted)."""
    camp = card.windows.campaign
    rows = con.execute(
        """WITH days AS (SELECT DISTINCT channel, date FROM spend),
                span AS (SELECT channel, greatest(min(date), $1::DATE) AS lo,
                                least(max(date), $2::DATE) AS hi FROM days GROUP BY 1),
                want AS (SELECT s.channel, d::DATE AS date FROM span s,
                         generate_series(s.lo, s.hi, INTERVAL 1 DAY) g(d) WHERE s.lo <= s.hi)
           SELECT w.channel, min(w.date), max(w.date), count(*)
           FROM want w ANTI JOIN days USING (channel, date)
           GROUP BY 1 ORDER BY 1""",
        [camp.start, camp.end],
    ).fetchall()
    if not rows:
        return []
    shown = rows[: EXAMPLES + 2]
    said_zh = "；".join(
        f"{c} 缺 {n} 天（{a}" + ("" if a == b else f" ~ {b} 之间") + "）" for c, a, b, n in shown
    )
    said = "; ".join(
        f"{c}: {n} day(s) missing ({a}" + ("" if a == b else f" .. {b}") + ")"
        for c, a, b, n in shown
    )
    return [
        Problem(
            code="spend_gaps",
            file=card.tables.spend,
            column="date",
            severity="warning",
            zh=f"活动期内，这些渠道的花费在中间缺了若干天（已按当天没有花费计算；若是导出漏了，"
            f"该渠道的花费会少算、投产比偏高）：{said_zh}。",
            en=f"Within the campaign, these spend channels miss days between days they have "
            f"(read as no spend that day; if the export missed them, the channel's spend is "
            f"undercounted and its ROAS too good): {said}.",
        )
    ]


#: Rows that contradict themselves: (table, column, bound, comparison, zh, en) — a bad row has
#: ``column <comparison> bound`` where both are given.
ROW_RULES = (
    (
        "coupons",
        "claimed",
        "issued",
        ">",
        "领取数多于发放数",
        "more coupons claimed than issued",
    ),
    (
        "coupons",
        "redeemed",
        "claimed",
        ">",
        "核销数多于领取数",
        "more coupons redeemed than claimed",
    ),
    (
        "live_sessions",
        "end_time",
        "start_time",
        "<",
        "下播时间早于开播时间",
        "ends before it starts",
    ),
)


def check_row_rules(
    con: duckdb.DuckDBPyConnection, name: str, filename: str, present: list[str]
) -> list[Problem]:
    """One error per broken :data:`ROW_RULES` rule of table ``name`` (the columns it has), at its
    first row with the count: a claim rate of 200 % or a live session of negative length was read
    as it was."""
    problems = []
    for table, column, bound, op, zh, en in ROW_RULES:
        if table != name or column not in present or bound not in present:
            continue
        a, b = ident(column), ident(bound)
        n, rows = con.execute(
            f"SELECT count(*), list(_row ORDER BY _row)[:{EXAMPLES}] FROM {name} WHERE {a} {op} {b}"
        ).fetchall()[0]
        if n:
            shown = ", ".join(map(str, rows))
            problems.append(
                Problem(
                    code="row_contradiction",
                    file=filename,
                    row=rows[0],
                    column=column,
                    zh=f"{name} 表有 {n} 行{zh}（{column} {op} {bound}）；示例 rows {shown}。",
                    en=f"{n} row(s) of the {name} table: {en} ({column} {op} {bound}); "
                    f"examples rows {shown}.",
                )
            )
    return problems


def check_timezone(con, folder: Path, card: CampaignCard) -> list[Problem]:
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

"""Checks over the typed tables (and the raw ones for duplicates): orders, controls, coverage,
channels, the card's time zone. Each is one aggregate query; only offending row numbers and a few
examples come back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from ...errors import Problem
from ...extract.duck import ddl, ident
from ...i18n import phase_name
from ..across import open_weekdays
from ..card import CARD_FILE, CampaignCard, card_line
from ..duplicates import duplicate_lines_problem
from .columns import EXAMPLES


def raw_cols(con: duckdb.DuckDBPyConnection, name: str) -> list[str]:
    """The quoted columns of ``raw_<name>`` as read (a view's ``rowid`` is its row number)."""
    return [ident(r[0]) for r in con.execute(f"DESCRIBE raw_{name}").fetchall() if r[0] != "rowid"]


def check_duplicates(
    con: duckdb.DuckDBPyConnection, name: str, filename: str, policy: str, stated: bool = True
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
    return [
        duplicate_lines_problem(
            name, dup, policy, filename, row=ex[0][0][0], examples=sample, stated=stated
        )
    ]


#: an order-level amount repeated on its lines is suspected when at least this many orders have
#: lines of different SKUs, and this share of them carry one paid amount on every line
REPEATED_TOTAL_ORDERS, REPEATED_TOTAL_SHARE = 20, 0.8


def check_orders(con, filename: str) -> list[Problem]:
    problems = []
    # one pass over the orders: orders naming two users (min ≠ max, no distinct count), and
    # orders whose lines of different SKUs all carry the same paid amount; users and SKUs compared
    # by their 64-bit hashes (two ids of one order colliding: ~10⁻¹⁹), which DuckDB aggregates
    # faster than the text (at 10M order lines the users' text cost ~2 s of this pass); a line
    # without a user names none (DuckDB hashes NULL to a value). The orders are grouped by their
    # ids' hashes too (10M order lines: 2.2–2.6 s against 2.7–2.9 s by the text): two orders whose
    # ids collided (~10⁻⁶ at 8M orders) would at worst be counted as one order naming two users,
    # which the exact query below, by id, then does not find — no problem is reported from it
    (two_users, multi, same, same_row), *_ = con.execute(
        "SELECT count(*) FILTER (WHERE u0 <> u1), count(*) FILTER (WHERE s0 <> s1), "
        "count(*) FILTER (WHERE s0 <> s1 AND lo = hi AND lo > 0), "
        "min(r) FILTER (WHERE s0 <> s1 AND lo = hi AND lo > 0) FROM ("
        "SELECT min(CASE WHEN user_id IS NOT NULL THEN hash(user_id) END) AS u0, "
        "max(CASE WHEN user_id IS NOT NULL THEN hash(user_id) END) AS u1, "
        "min(hash(sku)) AS s0, max(hash(sku)) AS s1, "
        "min(paid_amount) AS lo, max(paid_amount) AS hi, min(_row) AS r FROM orders "
        "GROUP BY hash(order_id))"
    ).fetchall()
    if multi >= REPEATED_TOTAL_ORDERS and same >= REPEATED_TOTAL_SHARE * multi:
        problems.append(
            Problem(
                code="order_total_on_each_line",
                file=filename,
                row=same_row,
                column="paid_amount",
                severity="warning",
                zh=f"{multi} 个含不同商品的订单中，{same} 个（{same / multi:.0%}）各行的实付金额完全相同："
                f"像是把订单总额重复写在每一行（按行求和会把GMV放大）。请确认导出的是每行（子订单/商品）的"
                f"实付金额；若店铺商品本就同价，可忽略。",
                en=f"Of {multi} orders with lines of different products, {same} ({same / multi:.0%}) "
                f"carry the same paid amount on every line: it looks like the order's total repeated "
                f"on each line (summing lines would inflate GMV). Check that the export gives each "
                f"line's (sub-order's) own amount; ignore this if the shop's products share one price.",
            )
        )
    bad = (
        con.execute(
            "SELECT order_id, list(DISTINCT user_id ORDER BY user_id), min(_row) FROM orders "
            "WHERE order_id IN (SELECT order_id FROM orders GROUP BY order_id "
            "HAVING min(user_id) <> max(user_id)) GROUP BY order_id ORDER BY min(_row)"
        ).fetchall()
        if two_users
        else []
    )
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
    problems += _controls_against_the_promotion(con, folder, card)
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


def _controls_against_the_promotion(con, folder: Path, card: CampaignCard) -> list[Problem]:
    """Warnings when the controls are not 'not promoted': a hero SKU (strategy.hero_skus) inside a
    control category or named a substitute/complement — its lift is read as the control's and the
    campaign's increment comes out too low; and control categories that hold every order line —
    no promoted line is left to compare (the control analysis is then skipped)."""
    c, heroes = card.controls, card.strategy.hero_skus
    problems = []
    at = card_line(folder, ("controls",))
    inside = []
    if heroes and c.categories:
        inside = con.execute(
            "SELECT DISTINCT sku, category FROM orders WHERE sku IN (SELECT unnest(?::VARCHAR[])) "
            "AND category IN (SELECT unnest(?::VARCHAR[])) ORDER BY sku",
            [heroes, c.categories],
        ).fetchall()
    named = [(h, "controls.substitutes" if h in c.substitutes else "controls.complements")
             for h in heroes if h in c.substitutes or h in c.complements]  # fmt: skip
    if inside or named:
        said_zh = [f"{s}（在对照品类 {cat}）" for s, cat in inside] + [
            f"{s}（列在 {k}）" for s, k in named
        ]
        said_en = [f"{s} (in control category {cat})" for s, cat in inside] + [
            f"{s} (listed in {k})" for s, k in named
        ]
        problems.append(
            Problem(
                code="control_holds_hero",
                file=CARD_FILE,
                column="controls",
                row=at,
                severity="warning",
                zh=f"主推款（strategy.hero_skus）被当作对照：{'、'.join(said_zh)}。对照应是未促销的"
                f"商品；主推款的增长会被算作对照的变化，活动增量因此偏低。",
                en=f"Hero SKUs (strategy.hero_skus) are used as controls: {', '.join(said_en)}. A "
                f"control must not be promoted; a hero's growth is read as the control's and the "
                f"campaign's increment comes out too low.",
            )
        )
    if c.categories:
        (left,) = con.execute(
            "SELECT count(*) FROM orders WHERE category IS NULL OR category NOT IN "
            "(SELECT unnest(?::VARCHAR[]))",
            [c.categories],
        ).fetchall()[0]
        if not left:
            problems.append(
                Problem(
                    code="control_is_everything",
                    file=CARD_FILE,
                    column="controls.categories",
                    row=card_line(folder, ("controls", "categories")),
                    severity="warning",
                    zh="对照品类（controls.categories）包含了订单里的全部品类：没有促销商品可比，"
                    "对照组分析将跳过。对照应只列未参加活动的品类。",
                    en="The control categories (controls.categories) hold every order line: no "
                    "promoted line is left to compare, and the control analysis is skipped. List "
                    "only categories outside the campaign.",
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
    if lo is not None and (lo > need_lo or hi < need_hi):
        # a shop closed one weekday may start or end on it
        open_days = open_weekdays(
            (
                r[0]
                for r in con.execute(f"SELECT DISTINCT isodow({time_col}) FROM {name}").fetchall()
            ),
            (hi - lo).days,
        )
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
        first = card.windows.campaign.start  # pre-heat, else burst: a war report from then on
        if required and card.as_of is None and hi is not None and first < hi:
            # an export taken while the campaign runs: the war report is what can be made of it
            day = hi - dt.timedelta(days=1)  # an export taken in the morning: the day before
            what_zh = (
                f"。活动还在进行？用 fupan run --as-of {day} 生成截至 {day} 的战报"
                f"（{hi} 这一天若已完整，可用 --as-of {hi}）"
            )
            what_en = (
                f". Is the campaign still running? fupan run --as-of {day} makes a war report "
                f"up to {day} (or --as-of {hi} if that day is complete)"
            )
        return [
            Problem(
                code="coverage",
                file=filename,
                column=time_col,
                severity=sev,
                zh=f"{name} 表的数据范围 {lo} ~ {hi} 未覆盖活动窗口 {need_lo} ~ {need_hi}（从日常期到最后一个窗口）："
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

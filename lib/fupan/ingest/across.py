"""The checks across a campaign's typed tables, the same for files and a SQL source (its
``SourceConnection`` runs DuckDB-dialect SQL where the tables are): repeated spend/stock keys,
self-contradicting rows, channels named nowhere else, the spend's scale and missing days. Each is
one aggregate query or a small fetch; a file campaign's problems name rows (``_row``), a SQL
source's cannot."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd

from ..errors import Problem
from ..extract.duck import ident
from .card import CARD_FILE, CampaignCard, card_line
from .card.channels import channel_taxonomy

#: offending rows named as examples in a problem
EXAMPLES = 3

#: A weekday without any row over this many days or more is a day the shop is closed.
CLOSED_WEEKDAY_DAYS = 28


def warned(code: str, file: str | None, column: str, zh: str, en: str) -> list[Problem]:
    """A check's one warning (shown, the run goes on) on ``column`` of ``file``."""
    return [Problem(code=code, file=file, column=column, severity="warning", zh=zh, en=en)]


def open_weekdays(weekdays: Iterable[int], span_days: int) -> set[int]:
    """The ISO weekdays (1 = Monday) the shop is open on, from the weekdays ``weekdays`` that have
    rows over ``span_days`` days: a weekday without any row in :data:`CLOSED_WEEKDAY_DAYS` days or
    more is a closed day (a missing day on it is no gap); over a shorter span no weekday can be
    called closed, and all seven are open."""
    return set(weekdays) if span_days >= CLOSED_WEEKDAY_DAYS else set(range(1, 8))


def numbered(con) -> bool:
    """Whether ``con``'s typed tables number their rows (``_row``): a file campaign's DuckDB
    connection does; a SQL source's (:class:`fupan.ingest.sources.SourceConnection`) does not."""
    return isinstance(con, duckdb.DuckDBPyConnection)


KEYED = {
    "spend": (("date", "channel"), ("tool", "plan_id", "objective", "attribution_window")),
    "inventory": (("date", "sku"), ()),
}


def check_repeated_keys(con, name: str, filename: str, present: list[str]) -> list[Problem]:
    """One warning when rows of ``name`` repeat its key (:data:`KEYED`: date and channel — and the
    plan columns present — for spend; date and SKU for inventory): their amounts are summed by the
    analyses (a plan's or a warehouse's row each), which double-counts two exports pasted with
    overlapping days. Exact duplicate lines are :func:`check_duplicates`'s. A SQL source's rows
    have no numbers (:func:`numbered`): the count alone is said."""
    base, extra = KEYED[name]
    key = [*base, *(c for c in extra if c in present)]
    cols = ", ".join(ident(c) for c in key)
    if numbered(con):
        groups, rows, examples = con.execute(
            f"SELECT count(*), coalesce(sum(n), 0), list(rows ORDER BY first)[:{EXAMPLES}] "
            f"FROM (SELECT count(*) AS n, min(_row) AS first, list(_row ORDER BY _row)[:3] AS rows "
            f"FROM {name} GROUP BY {cols} HAVING count(*) > 1)"
        ).fetchall()[0]
    else:
        (groups, rows), examples = (
            con.execute(
                f"SELECT count(*) AS g, coalesce(sum(n), 0) AS r FROM (SELECT count(*) AS n "
                f"FROM {name} GROUP BY {cols} HAVING count(*) > 1) AS repeated"
            ).fetchall()[0],
            None,
        )
    groups, rows = int(groups), int(rows)  # a warehouse's sum may come back as a decimal
    if not groups:
        return []
    what = "、".join(key)
    sample = "; ".join("rows " + "=".join(str(r) for r in ex) for ex in examples or [])
    sample_zh, sample_en = (f"示例 {sample}", f" Examples {sample}") if sample else ("", "")
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
            f"{sample_zh}",
            en=f"{groups} ({', '.join(key)}) key(s) of the {name} table have several rows ({rows} "
            f"rows): the analyses sum their {measure_en} (a row per {per_en}, say); "
            f"if two exports with overlapping days were pasted together, it is counted twice — "
            f"check.{sample_en}",
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
    file: str | None = None,
) -> list[Problem]:
    """A table's channels (spend, targets, events) should be recognisable: each appears in the
    orders or in the card's budget; for spend, each budgeted channel has spend rows too. Warnings,
    not errors — awareness spend with no attributed orders is legitimate — but a mismatch is
    usually a naming difference (直播 vs live, LIVE vs live) that leaves the channel's ROAS,
    pacing or funnel empty. ``found`` gives the table's (channel, first row) when they are known
    already (the events' distinct channels, without rows); else they are read from ``table``.
    Without valid orders (``has_orders`` False: their errors are reported) the channels are matched
    to nothing, so none of them is called unknown. ``file`` names the table in the problems
    (a SQL source's ``postgres:schema.table``; the card's file name when not given)."""
    problems = []
    if found is not None:
        rows = found
    elif numbered(con):
        rows = con.execute(
            f"SELECT channel, min(_row) FROM {table} GROUP BY channel ORDER BY min(_row)"
        ).fetchall()
    else:
        rows = [
            (c, None)
            for (c,) in con.execute(
                f"SELECT channel FROM {table} GROUP BY channel ORDER BY channel"
            ).fetchall()
        ]
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
                file=file or getattr(card.tables, table),
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
    zero = [k for k, v in budget.items() if v == 0 and k in spent]
    if zero:  # a budget of 0 with money spent: a channel left out of the plan, or a typo
        sums = dict(con.execute("SELECT channel, sum(spend) AS s FROM spend GROUP BY 1").fetchall())
        over = [(k, float(sums[k])) for k in zero if sums.get(k) and float(sums[k]) > 0]
        if over:
            said = ", ".join(f"{k} {v:,.0f}" for k, v in over)
            problems.append(
                Problem(
                    code="spend_without_budget",
                    file=CARD_FILE,
                    column=f"strategy.budget.{over[0][0]}",
                    severity="warning",
                    row=card_line(folder, ("strategy", "budget", over[0][0])),
                    zh=f"这些渠道的预算为 0，但 spend 表中有花费：{said}；预算执行无从谈起，"
                    f"请核对预算是否漏填。",
                    en=f"These channels have a budget of 0 but spend in the spend table: {said}; "
                    f"their pacing against budget means nothing — was the budget left out?",
                )
            )
    return problems


#: Campaign spend above this many times the card's whole budget, or above this many times the
#: campaign's GMV (a ROAS under 0.2), is more likely a unit (分 for 元) than a campaign.
SPEND_SCALE = 5.0


def check_spend_scale(con, card: CampaignCard, file: str | None = None) -> list[Problem]:
    """One warning when the campaign's spend is implausibly large: over :data:`SPEND_SCALE` ×
    the card's total budget (when it sets one) or × the orders' GMV of the same days — the sign
    of a spend export in 分 (cents) read as 元, which made ROAS 0.04 and every channel 'below
    break-even' without a word. Plain SQL, run where the tables are (files or a SQL source)."""
    camp = card.windows.campaign
    days = f"BETWEEN DATE '{camp.start}' AND DATE '{camp.end}'"
    spent, gmv = con.execute(
        f"SELECT (SELECT sum(spend) FROM spend WHERE date {days}) AS spent, "
        f"(SELECT sum(paid_amount) FROM orders WHERE status <> 'cancelled' "
        f"AND CAST(order_time AS DATE) {days}) AS gmv"
    ).fetchall()[0]
    spent, gmv = (None if v is None or v != v else float(v) for v in (spent, gmv))
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
    return warned(
        "spend_scale",
        file or card.tables.spend,
        "spend",
        zh=f"活动期（{camp.start} ~ {camp.end}）花费合计 {spent:,.0f}，"
        f"{'，'.join(said_zh)}：花费是否以「分」而非「元」导出？若是，请除以 100 后再导出；"
        f"否则投产比与保本判断都会失真。",
        en=f"The campaign's spend ({camp.start} .. {camp.end}) totals {spent:,.0f}, "
        f"{' and '.join(said_en)}: was it exported in fen (cents) rather than yuan? If so, "
        f"divide by 100 and export again; else ROAS and the break-even verdicts are off.",
    )


def check_spend_gaps(con, card: CampaignCard, file: str | None = None) -> list[Problem]:
    """One warning naming the spend channels with days missing inside the campaign (from the first
    of preheat/burst to the last of burst/post), between the first and last days the channel has
    rows (in any window): read as no spend — a paused plan — but when the export missed them the
    channel's spend is undercounted and its ROAS too good, which nothing else showed (only a gap
    in the baseline was noted). The channels' days (a spend table is days × channels, small) are
    fetched and compared in Python: the same on files and a SQL source."""
    camp = card.windows.campaign
    days: dict[str, set[dt.date]] = {}
    for channel, day in con.execute(
        "SELECT channel, CAST(date AS DATE) AS day FROM spend WHERE channel IS NOT NULL "
        "GROUP BY 1, 2"
    ).fetchall():
        days.setdefault(channel, set()).add(pd.Timestamp(day).date())
    rows = []
    for channel in sorted(days):
        lo, hi = max(min(days[channel]), camp.start), min(max(days[channel]), camp.end)
        missing = [
            d.date() for d in pd.date_range(lo, hi, freq="D") if d.date() not in days[channel]
        ]
        if missing:
            rows.append((channel, missing[0], missing[-1], len(missing)))
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
    return warned(
        "spend_gaps",
        file or card.tables.spend,
        "date",
        zh=f"活动期内，这些渠道的花费在中间缺了若干天（已按当天没有花费计算；若是导出漏了，"
        f"该渠道的花费会少算、投产比偏高）：{said_zh}。",
        en=f"Within the campaign, these spend channels miss days between days they have "
        f"(read as no spend that day; if the export missed them, the channel's spend is "
        f"undercounted and its ROAS too good): {said}.",
    )


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


def check_row_rules(con, name: str, filename: str, present: list[str]) -> list[Problem]:
    """One error per broken :data:`ROW_RULES` rule of table ``name`` (the columns it has), at its
    first row with the count: a claim rate of 200 % or a live session of negative length was read
    as it was."""
    problems = []
    for table, column, bound, op, zh, en in ROW_RULES:
        if table != name or column not in present or bound not in present:
            continue
        a, b = ident(column), ident(bound)
        if numbered(con):
            n, rows = con.execute(
                f"SELECT count(*), list(_row ORDER BY _row)[:{EXAMPLES}] FROM {name} "
                f"WHERE {a} {op} {b}"
            ).fetchall()[0]
        else:  # a SQL source: no row numbers
            (n,), rows = (
                con.execute(f"SELECT count(*) AS n FROM {name} WHERE {a} {op} {b}").fetchall()[0],
                [],
            )
        if n:
            shown = ", ".join(map(str, rows))
            problems.append(
                Problem(
                    code="row_contradiction",
                    file=filename,
                    row=rows[0] if rows else None,
                    column=column,
                    zh=f"{name} 表有 {n} 行{zh}（{column} {op} {bound}）"
                    + (f"；示例 rows {shown}。" if rows else "。"),
                    en=f"{n} row(s) of the {name} table: {en} ({column} {op} {bound})"
                    + (f"; examples rows {shown}." if rows else "."),
                )
            )
    return problems


def check_order_gaps(con, card: CampaignCard, file: str | None = None) -> list[Problem]:
    """One warning naming the days inside the card's windows on which spend was recorded but the
    orders have no line at all: read as days of no sales — an orders export that missed them
    (four days cut from a copy) made the report say the post window sold ¥0.00, its ROAS 0 and
    a lift ¥11.5万 lower, without a word. A weekday on which the shop never sells in windows of
    four weeks or more (closed) is not named."""
    first, last = card.windows.items()[0][1].start, card.windows.items()[-1][1].end
    days = f"BETWEEN DATE '{first}' AND DATE '{last}'"
    sold = {
        pd.Timestamp(d).date()
        for (d,) in con.execute(
            f"SELECT DISTINCT CAST(order_time AS DATE) AS day FROM orders "
            f"WHERE CAST(order_time AS DATE) {days}"
        ).fetchall()
    }
    spent = {
        pd.Timestamp(d).date()
        for (d,) in con.execute(
            f"SELECT DISTINCT CAST(date AS DATE) AS day FROM spend WHERE spend > 0 AND date {days}"
        ).fetchall()
    }
    open_days = open_weekdays((d.isoweekday() for d in sold), (last - first).days)
    missing = sorted(d for d in spent - sold if d.isoweekday() in open_days)
    if not missing or not sold:
        return []
    shown = ", ".join(f"{d}" for d in missing[:8]) + (" …" if len(missing) > 8 else "")
    return warned(
        "orders_gap",
        file or card.tables.orders,
        "order_time",
        zh=f"订单在 {len(missing)} 个有推广花费的日子里没有任何一行：{shown}；"
        f"已按当天没有成交计算——若是订单导出漏了这些天，GMV、增量与投产比都会偏低，请核对。",
        en=f"The orders have no line at all on {len(missing)} day(s) with spend recorded: "
        f"{shown}; read as days without sales — if the orders export missed them, GMV, the "
        f"lift and ROAS are too low: check.",
    )


def check_across(
    con,
    folder: Path,
    card: CampaignCard,
    loaded: list[str],
    present: dict[str, list[str]],
    where: dict[str, str] | None = None,
) -> list[Problem]:
    """The checks across a campaign's typed tables, the same for files and a SQL source: repeated
    spend/stock keys, self-contradicting coupon and live rows, the spend's and targets' channels
    against the orders', the spend's scale and its missing days, days of spend without orders.
    ``where`` names each table in the problems (a SQL source's ``postgres:schema.table``); the
    card's file names when not given.
    The time coverage of each table and the events' channels are checked where they are read."""

    def file(name: str) -> str:
        return (where or {}).get(name) or getattr(card.tables, name)

    problems: list[Problem] = []
    for name in ("spend", "inventory"):
        if name in loaded:
            problems += check_repeated_keys(con, name, file(name), present[name])
    for name in ("coupons", "live_sessions"):
        if name in loaded:
            problems += check_row_rules(con, name, file(name), present[name])
    for name in ("spend", "targets"):
        if name in loaded and (name == "spend" or "channel" in present.get(name, ())):
            problems += check_channels(con, folder, card, "orders" in loaded, name, file=file(name))
    if "spend" in loaded and "orders" in loaded:
        problems += check_spend_scale(con, card, file("spend"))
        problems += check_order_gaps(con, card, file("orders"))
    if "spend" in loaded:
        problems += check_spend_gaps(con, card, file("spend"))
    if "orders" in loaded and "prices" in loaded and "sku" in present.get("orders", ()):
        problems += check_price_skus(con, file("prices"))
    return problems


def check_members_match(con, filename: str) -> list[Problem]:
    """A warning when not one member of the members table is a customer of the orders: the two
    exports name people by different ids (a member card number against the buyer id), and every
    order would read as a non-member's — a member share of 0 % that is a mismatch, not a fact.
    Run once both typed tables carry pseudonyms (a table read in place is checked on its raw
    ids, one copied on load on its pseudonyms: compared before, they never meet)."""
    n, matched = con.execute(
        "SELECT count(DISTINCT user_id), count(DISTINCT user_id) FILTER "
        "(WHERE user_id IN (SELECT user_id FROM orders)) FROM members"
    ).fetchall()[0]
    if not n or matched:
        return []
    return warned(
        "members_unmatched",
        filename,
        "user_id",
        f"会员表的 {n} 个会员没有一个是订单里的买家：两份导出的用户ID很可能不是同一种（例如会员卡号与买家ID），"
        "会员分析会把所有订单算作非会员。请导出与订单相同的买家ID。",
        f"None of the {n} members of the members table is a buyer of the orders: the two exports "
        "probably name people by different ids (a member card number and the buyer id), and the "
        "membership analysis would count every order as a non-member's. Export the buyer id the "
        "orders use.",
    )


def check_price_skus(con, filename: str) -> list[Problem]:
    """A warning naming the SKUs with the shop's own price that the orders never sold under that
    code (a 商品ID where the orders carry the 商家编码?): their GMV beside the undercut days reads
    0, and an undercut of them cannot be weighed against sales."""
    unsold = (  # plain SQL: a warehouse or Spark source runs this check too
        "SELECT DISTINCT sku FROM prices WHERE seller_type = 'own' AND sku IS NOT NULL "
        "AND sku NOT IN (SELECT sku FROM orders WHERE sku IS NOT NULL)"
    )
    (n,) = con.execute(f"SELECT count(*) AS n FROM ({unsold}) u").fetchall()[0]
    if not n:
        return []
    shown = con.execute(f"SELECT sku FROM ({unsold}) u ORDER BY sku LIMIT {EXAMPLES}").fetchall()
    names = ", ".join(str(r[0]) for r in shown)
    return warned(
        "price_skus_unmatched",
        filename,
        "sku",
        f"价格表中有 {n} 个本店SKU在订单里没有出现（如 {names}）：SKU 编码可能不是同一种（商品ID与商家编码），"
        "这些SKU破价日与其他日的本店 GMV 将显示为 0。",
        f"{n} SKU(s) with the shop's own price never appear in the orders (such as {names}): the "
        "two exports may use different codes (item id and merchant code), and these SKUs' GMV "
        "beside their undercut days will read 0.",
    )

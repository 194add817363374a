"""Column names: trimmed, then renamed through the card's mapping (and a profile's), collisions refused."""

from __future__ import annotations

import difflib
import re

import duckdb

from ...errors import Problem
from ...extract.duck import ddl, ident
from ..card import CONTRACTS
from .files import columns_of, problem


def _fold(name: str) -> str:
    """A column name without letter case, spaces, underscores, hyphens or dots."""
    return re.sub(r"[\s_.\-]+", "", name.casefold())


def apply_names(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    name: str,
    filename: str,
    mapping: dict[str, str],
    sources: dict[str, str] | None = None,
) -> list[Problem]:
    """Trim column names, apply ``mapping`` and read a contract column's name in any letter case
    or spelling of its separators as the name (:func:`_fold`); refuse names that would collide.
    ``sources``, when given, receives each contract column's header in the file where the two
    differ (``{"refund_amount": "退款金额"}``): what a problem in that column is named by."""
    columns = [r[0] for r in con.execute(f"DESCRIBE {raw}").fetchall()]
    final = {c: c.strip() or c for c in columns}
    problems: list[Problem] = []
    mapped: dict[str, str] = {}
    contract = {c.name for c in CONTRACTS[name]}
    for src, dst in mapping.items():
        if dst not in contract:  # reported with the card (mapping_unknown_target)
            continue
        col = (
            src if src in columns else next((c for c in columns if c.strip() == src.strip()), None)
        )
        if col is None:
            close = difflib.get_close_matches(src, columns, n=1)
            hint_zh, hint_en = (
                (f"是否是「{close[0]}」？", f" Did you mean '{close[0]}'?") if close else ("", "")
            )
            problems.append(
                problem(
                    "mapping_missing_column",
                    filename,
                    f"mapping.{name} 把列「{src}」映射为 {dst}，但 {filename} 中没有这一列。{hint_zh}现有列：{', '.join(columns)}",
                    f"mapping.{name} maps column '{src}' to {dst}, but {filename} has no such column.{hint_en} "
                    f"It has: {', '.join(columns)}",
                    column=src,
                )
            )
            continue
        final[col] = dst
        mapped[dst] = src
    # a contract column's name in other letter case or spelt with spaces, hyphens or none
    # (ORDER_ID, Order Id, order-id, OrderId) is that column, unless the file has it as the
    # contract writes it too (then that one is read)
    by_fold = {_fold(c): c for c in contract}
    names = set(final.values())
    for col, new in list(final.items()):
        target = by_fold.get(_fold(new))
        if target and new != target and target not in names and col not in mapped.values():
            final[col] = target
            names.add(target)
    counts: dict[str, int] = {}
    for new in final.values():
        counts[new] = counts.get(new, 0) + 1
    for new, n in counts.items():
        if n < 2:
            continue
        if new in mapped:
            problems.append(
                problem(
                    "mapping_target_exists",
                    filename,
                    f"mapping.{name} 把列「{mapped[new]}」映射为 {new}，但 {filename} 已经有一列叫 {new}；"
                    f"请删除这条映射，或先重命名原有的列。",
                    f"mapping.{name} maps '{mapped[new]}' to {new}, but {filename} already has a column "
                    f"named {new}; drop the mapping or rename the existing column.",
                    column=new,
                )
            )
        else:
            problems.append(
                problem(
                    "duplicate_column",
                    filename,
                    f"{filename} 有 {n} 列的列名（去掉空格后）都是「{new}」；列名必须唯一。",
                    f"{filename} has {n} columns named '{new}' (after trimming spaces); names must be unique.",
                    column=new,
                )
            )
    if any(p.code in ("mapping_target_exists", "duplicate_column") for p in problems):
        return problems
    changed = [(old, new) for old, new in final.items() if old != new]
    if sources is not None:
        sources.update(
            {new: old.strip() for old, new in changed if new in contract and old.strip() != new}
        )
    for i, (old, _) in enumerate(changed):  # two steps, so that a swap a→b, b→a works
        ddl(con, f"ALTER TABLE {raw} RENAME COLUMN {ident(old)} TO {ident(f'__fupan_{i}')}")
    for i, (_, new) in enumerate(changed):
        ddl(con, f"ALTER TABLE {raw} RENAME COLUMN {ident(f'__fupan_{i}')} TO {ident(new)}")
    return problems


def headed(problems: list[Problem], file: str, sources: dict[str, str]) -> list[Problem]:
    """``problems``, each in a renamed column of ``file`` naming that file's own header too
    (:attr:`Problem.header`, from ``sources`` as :func:`apply_names` fills it): an export's
    operator knows 退款金额, not refund_amount."""
    import dataclasses

    return [
        dataclasses.replace(p, header=sources[p.column])
        if p.file == file and p.column in sources and not p.header
        else p
        for p in problems
    ]


#: English header names of common exports (a web shop's, UCI Online Retail's, CDNOW's), shared by
#: the tables that have the column.
EN: dict[str, tuple[str, ...]] = {
    "order_id": ("Order ID", "OrderID", "Order Number", "Order No", "order_no", "InvoiceNo"),
    "user_id": ("Customer ID", "CustomerID", "customer_id", "Buyer ID", "buyer_id"),
    "order_time": ("Order Date", "order_date", "InvoiceDate", "Created At", "created_at", "date"),
    "paid": ("Paid Amount", "Order Total", "Total", "Amount", "Revenue", "dollar_value"),
    "sku": ("SKU", "StockCode", "Product ID", "product_id", "Item ID"),
}

#: header names Chinese shop tools and hand-made sheets give the contract's columns, by table
#: (besides the export profiles' own, :data:`.profiles.PROFILES`): what a missing column's error
#: proposes to map. Matched exactly, after trimming, ignoring case.
HEADER_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "orders": {
        "order_id": ("订单号", "订单编号", "订单ID", "主订单号", "主订单编号", *EN["order_id"]),
        "user_id": (
            "用户ID",
            "用户编号",
            "买家ID",
            "会员ID",
            "客户ID",
            "客户编号",
            "买家会员名",
            *EN["user_id"],
        ),
        "order_time": (
            "下单时间",
            "订单创建时间",
            "创建时间",
            "订单时间",
            "成交时间",
            *EN["order_time"],
        ),
        "paid_amount": (
            "实付金额",
            "实付款",
            "支付金额",
            "买家实付金额",
            "实收金额",
            "成交金额",
            *EN["paid"],
        ),
        "sku": ("商品编码", "商家编码", "商品ID", "SKU编码", "货号", *EN["sku"]),
        "category": ("类目", "品类", "商品类目", "一级类目"),
        "quantity": ("数量", "购买数量", "商品数量", "件数", "Quantity", "Qty"),
        "list_amount": ("原价金额", "商品总价", "原价"),
        "channel": ("渠道", "来源渠道", "流量来源", "订单来源"),
        "status": ("订单状态", "状态", "交易状态", "Status", "Order Status"),
        "refund_amount": ("退款金额", "退款", "Refunded Amount", "Refund Amount"),
        "unit_cost": ("单位成本", "成本价", "进货价"),
        "ship_time": ("发货时间", "发货日期", "出库时间"),
    },
    "events": {
        "user_id": (
            "用户ID",
            "访客ID",
            "买家ID",
            "会员ID",
            *EN["user_id"],
            "Visitor ID",
            "visitor_id",
        ),
        "event_time": (
            "时间",
            "事件时间",
            "行为时间",
            "访问时间",
            "Timestamp",
            "Event Time",
            "Time",
        ),
        "event": ("事件", "行为", "行为类型", "事件类型", "Event Type", "event_type", "Action"),
        "channel": ("渠道", "流量来源", "来源"),
        "sku": ("商品ID", "商品编码"),
        "session_id": ("会话ID", "会话"),
        "variant": ("实验组", "分组", "版本"),
    },
    "spend": {
        "date": ("日期", "投放日期", "Date", "Day"),
        "channel": ("渠道", "投放渠道", "推广工具"),
        "spend": ("花费", "消耗", "投放金额", "推广花费", "费用", "Cost", "Amount Spent"),
        "impressions": ("展现量", "曝光量", "展现", "Impressions"),
        "clicks": ("点击量", "点击", "Clicks"),
    },
    "inventory": {
        "date": ("日期",),
        "sku": ("商品编码", "商家编码", "SKU编码", "货号"),
        "on_hand": ("库存", "可用库存", "现有库存", "在库数量"),
        "on_order": ("在途", "在途库存", "采购在途"),
    },
    "live_sessions": {
        "session_id": ("场次ID", "直播场次ID", "直播ID", "场次编号"),
        "start_time": ("开播时间", "开始时间"),
        "end_time": ("下播时间", "结束时间"),
        "kind": ("直播类型", "场次类型"),
        "host": ("主播", "主播昵称", "达人"),
        "views": ("场观", "观看次数"),
        "viewers": ("观看人数",),
        "avg_watch_seconds": ("人均观看时长", "平均观看时长"),
        "interactions": ("互动次数",),
        "new_followers": ("新增粉丝", "新增粉丝数", "涨粉"),
        "slot_fee": ("坑位费",),
        "commission_rate": ("佣金比例", "佣金率"),
    },
    "coupons": {
        "coupon_id": ("优惠券ID", "券ID", "优惠券编号"),
        "type": ("优惠券类型", "券类型"),
        "funded_by": ("出资方",),
        "face_value": ("面额", "券面额"),
        "threshold": ("使用门槛", "门槛"),
        "issued": ("发放量", "发放数"),
        "claimed": ("领取量", "领取数"),
        "redeemed": ("核销量", "核销数", "使用量"),
        "cost": ("成本", "券成本"),
    },
    "targets": {
        "date": ("日期",),
        "channel": ("渠道",),
        "gmv": ("目标GMV", "GMV目标", "目标成交额"),
        "visitors": ("目标访客数", "访客数"),
        "conversion": ("目标转化率", "转化率"),
        "aov": ("目标客单价", "客单价"),
        "new_customers": ("目标新客数", "新客数"),
        "spend": ("预算", "目标花费"),
    },
    "prices": {
        "date": ("日期", "监控日期"),
        "sku": ("商品编码", "商家编码", "SKU编码", "货号"),
        "seller": ("店铺", "店铺名称", "卖家", "直播间", "渠道名称"),
        "seller_type": ("卖家类型", "店铺类型", "类型"),
        "final_price": ("到手价", "成交价", "实际到手价"),
        "channel": ("渠道",),
    },
    "refunds": {
        "order_id": ("订单编号", "订单号", "主订单编号", "子订单编号"),
        "refund_time": ("退款申请时间", "申请时间", "退款时间"),
        "refund_amount": ("退款金额", "买家退款金额", "实退金额"),
        "refund_type": ("退款类型", "售后类型", "服务类型"),
        "reason": ("退款原因", "售后原因", "申请原因"),
    },
    "service_daily": {
        "date": ("日期", "统计日期"),
        "inquiries": ("询单人数", "咨询人数", "询单量"),
        "inquiry_buyers": ("询单成交人数", "询单付款人数", "询单转化人数"),
        "first_response_seconds": ("平均首响时长", "首次响应时长", "首响时长", "平均响应时长"),
        "reviews": ("评价数", "评价量"),
        "bad_reviews": ("差评数", "差评量"),
        "dsr": ("DSR", "店铺评分", "店铺动态评分", "体验分"),
    },
    "members": {
        "user_id": ("会员ID", "买家ID", "用户ID", "客户ID"),
        "join_time": ("入会时间", "加入会员时间", "注册时间"),
        "level": ("会员等级", "等级"),
        "join_channel": ("入会渠道", "入会来源"),
    },
    "products": {
        "sku": ("商品编码", "商家编码", "SKU编码", "货号"),
        "spu": ("款号", "商品ID"),
        "product_name": ("商品名称", "宝贝标题", "商品标题"),
        "role": ("商品角色", "商品定位"),
        "launch_date": ("上新日期", "上市日期"),
        "list_price": ("吊牌价", "原价"),
        "planned_stock": ("计划库存", "备货量"),
    },
}

#: A unit after a header name — 花费(元), 展现量（次）, Spend (CNY) — left out when a header is
#: matched against the known names.
UNIT = r"\s*[（(][^()（）]{1,6}[)）]\s*$"


def _plain_header(header: str) -> str:
    """``header`` trimmed, without a trailing unit (:data:`UNIT`), in lower case."""
    return re.sub(UNIT, "", header.strip()).casefold()


def _header_words(table: str) -> dict[str, str]:
    """Known header name (folded) → contract column, for ``table``."""
    from .profiles import PROFILES

    words = {_plain_header(h): c for c, hs in HEADER_WORDS.get(table, {}).items() for h in hs}
    for profile in PROFILES:
        if profile.table == table:
            for header, column in profile.columns:
                words.setdefault(_plain_header(header), column)
    return words


def missing_columns(name: str, filename: str, have: set[str]) -> list[Problem]:
    """A problem for each required contract column of table ``name`` that ``have`` (the file's
    columns, after the card's mapping) lacks: it names the column of the file that is likely meant
    — a known Chinese header (订单号 for order_id …) or a close spelling — and, when any is known,
    the ``mapping`` block that maps every such header, to paste into the card."""
    known = _header_words(name)
    rank = {word: i for i, word in enumerate(known)}  # the words' own order: 渠道 before 推广工具
    contract = [c.name for c in CONTRACTS[name]]
    meant: dict[str, str] = {}  # contract column → the file's header likely meant
    for header in sorted(have - {"rowid"}, key=lambda h: (rank.get(_plain_header(h), 1 << 30), h)):
        column = known.get(_plain_header(header))
        if column in contract and column not in have:
            meant.setdefault(column, header)
    problems: list[Problem] = []
    for col in CONTRACTS[name]:
        if not col.required or col.name in have:
            continue
        close = meant.get(col.name) or next(
            iter(difflib.get_close_matches(col.name, sorted(have - {"rowid"}), n=1)), None
        )
        hint_zh = (
            f"是否是「{close}」？可在 mapping.{name} 中映射。"
            if close
            else f"可在 mapping.{name} 中把原列名映射为 {col.name}。"
        )
        hint_en = (
            f"Did you mean '{close}'? Map it under mapping.{name}."
            if close
            else f"Map the source column to {col.name} under mapping.{name}."
        )
        problems.append(
            problem(
                "missing_column",
                filename,
                f"{name} 表缺少必填列 {col.name}。{hint_zh}",
                f"The {name} table lacks the required column {col.name}. {hint_en}",
                column=col.name,
            )
        )
    if problems and meant:  # the whole block, once, under the first missing column
        from dataclasses import replace

        order = sorted(meant.items(), key=lambda m: contract.index(m[0]))
        block = "\n".join(
            ["mapping:", f"  {name}:"] + [f"    {_yaml_key(h)}: {c}" for c, h in order]
        )
        first = problems[0]
        problems[0] = replace(
            first,
            zh=f"{first.zh}\n{filename} 的表头用的是 fupan 列的别名（如 订单号、Order ID）；可把下面几行加进 campaign.yaml（请逐列核对；卡片已有 mapping: 时，只加它下面的几行）：\n{block}",
            en=f"{first.en}\nThe header of {filename} uses other names for fupan's columns (such as Order ID); these lines "
            f"in campaign.yaml would map them (check each one; if the card has mapping: already, add "
            f"only the lines under it):\n{block}",
        )
    return problems


def header_further_down(
    con: duckdb.DuckDBPyConnection,
    raw: str,
    name: str,
    filename: str,
    mapping: dict[str, str] | None = None,
    rows: int = 10,
) -> Problem | None:
    """A problem when the header of ``raw`` (table ``name``, read from ``filename``) is not its
    first line but one of its first ``rows`` data rows — a title above it (``订单报表 导出时间 …``
    in the first cell, the rest empty), as exports and hand-made sheets often start — else None.
    A data row is taken for the header when two or more of its values are column names known for
    the table: its contract's, the Chinese headers and export profiles' (:data:`HEADER_WORDS`),
    the card's mapping's."""
    known = set(_header_words(name)) | {c.name.casefold() for c in CONTRACTS[name]}
    known |= {str(k).strip().casefold() for k in (mapping or {})}
    columns = [c for c in columns_of(con, raw) if c != "rowid"]
    if not columns:
        return None
    select = ", ".join(f"CAST({ident(c)} AS VARCHAR)" for c in columns)
    for i, values in enumerate(con.execute(f"SELECT {select} FROM {raw} LIMIT {rows}").fetchall()):
        names = [v.strip() for v in values if v is not None and v.strip().casefold() in known]
        if len(names) < 2:
            continue
        title = columns[0].strip()
        title = title[:40] + "…" if len(title) > 40 else title
        shown = "、".join(f"「{n}」" for n in names[:3])
        return problem(
            "title_above_header",
            filename,
            f"{filename} 的表头似乎不在第 1 行，而在这一行：它的值 {shown} 是列名；其上的「{title}」"
            f"看来是标题。请删去表头上方的 {i + 1} 行后保存。",
            f"The header of {filename} seems to be on this row, not its first line: its values "
            + ", ".join(f"'{n}'" for n in names[:3])
            + f" are column names; '{title}' above it looks like a title. Delete the {i + 1} "
            f"line(s) above the header and save.",
            row=i + 1,
        )
    return None


def _yaml_key(text: str) -> str:
    """``text`` as a YAML mapping key: plain when YAML reads it back as that string, else quoted."""
    import yaml

    return yaml.safe_dump({text: 1}, allow_unicode=True).rsplit(": 1", 1)[0]

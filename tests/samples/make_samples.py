"""Sample platform order exports for tests/test_profiles.py, generated from one clean order log.

Run ``.venv/bin/python tests/samples/make_samples.py`` (deterministic; rewrites the files below).
A fictional beauty shop's Double 11 2025: ~300 order lines from 2025-10-28 to 2025-11-17, with
cancelled, refunded and partly refunded lines. For each export profile it writes

- ``<profile>.clean.parquet`` — the same lines in the orders contract, exactly what the export says
  (the platform's own buyer ids, order ids and channel names; JD's times without seconds), the
  "equivalent clean Parquet" the export must give the same case numbers as;
- ``<profile>.gbk.csv`` and ``<profile>.utf8bom.csv`` — the export as the shop back office writes
  it: Chinese headers, the platform's status words, ``￥`` and thousands separators, ``="…"``-wrapped
  or tab-padded ids, and the extra columns a real export has, personal data included (fictional
  buyer names, phone numbers, addresses, e-mail accounts, nicknames) for the privacy layer to drop.

:data:`WINDOWS` is the campaign card's windows for these files.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
WINDOWS = {
    "baseline": ["2025-10-28", "2025-11-03"],
    "preheat": ["2025-11-04", "2025-11-10"],
    "burst": ["2025-11-11", "2025-11-11"],
    "post": ["2025-11-12", "2025-11-13"],
    "dip": ["2025-11-14", "2025-11-17"],
}
ORDERS_PER_DAY = {"baseline": 8, "preheat": 6, "burst": 70, "post": 10, "dip": 5}
SKUS = {  # sku: (title, unit price)
    "LIP-01": ("丝绒哑光口红 #01 豆沙色", 239.0),
    "LIP-02": ("丝绒哑光口红 #02 正红", 239.0),
    "SER-30": ("修护精华液 30ml", 599.0),
    "SER-50": ("修护精华液 50ml", 899.0),
    "CRM-50": ("焕颜面霜 50g", 1299.0),
    "SET-11": ("双11限定护肤礼盒", 1899.0),
    "MSK-05": ("补水面膜 5片装", 99.0),
}
CHANNELS = ("直播", "短视频", "商品卡", "搜索")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ("小明", "婷婷", "建国", "丽娜", "子涵", "一鸣", "欣怡", "浩然", "思雨", "嘉怡")
NICKS = ("小鹿爱美妆", "桃子酱", "momo的小店", "阿狸不吃鱼", "晴天娃娃", "吃土少女")
PLACES = (
    ("浙江省", "杭州市", "西湖区", "文三路"),
    ("上海", "上海市", "浦东新区", "张杨路"),
    ("广东省", "深圳市", "南山区", "科技园南路"),
    ("北京", "北京市", "朝阳区", "建国路"),
    ("四川省", "成都市", "武侯区", "人民南路"),
)


def clean_log(seed: int = 20251111) -> pd.DataFrame:
    """The order log in the orders contract, with the generic ids u0001…, o00001…"""
    rng = np.random.default_rng(seed)
    rows, n_order = [], 0
    users = [f"u{i:04d}" for i in range(1, 121)]
    for phase, (start, end) in WINDOWS.items():
        for day in pd.date_range(start, end):
            for _ in range(ORDERS_PER_DAY[phase]):
                n_order += 1
                user = users[int(rng.integers(0, len(users)))]
                at = day + pd.Timedelta(seconds=int(rng.integers(0, 86400)))
                channel = CHANNELS[int(rng.choice(4, p=[0.45, 0.2, 0.2, 0.15]))]
                u = rng.random()
                status = "cancelled" if u < 0.05 else "refunded" if u < 0.11 else "paid"
                partial = status == "paid" and rng.random() < 0.05
                lines = 1 + int(rng.random() < 0.3)
                skus = rng.choice(list(SKUS), size=lines, replace=False)
                for sku in skus:
                    qty = 1 + int(rng.random() < 0.2)
                    paid = round(SKUS[sku][1] * qty * float(rng.choice([1.0, 0.9, 0.85])), 2)
                    refund = (
                        paid if status == "refunded" else round(paid * 0.3, 2) if partial else 0.0
                    )
                    rows.append(
                        (f"o{n_order:05d}", user, at, paid, sku, qty, channel, status, refund)
                    )
    return pd.DataFrame(
        rows,
        columns=[
            "order_id", "user_id", "order_time", "paid_amount", "sku", "quantity", "channel",
            "status", "refund_amount",
        ],
    )  # fmt: skip


def _person(rng: np.random.Generator) -> dict[str, str]:
    prov, city, dist, road = PLACES[int(rng.integers(0, len(PLACES)))]
    phone = f"1{rng.choice(['38', '39', '58', '86', '77'])}{int(rng.integers(0, 10**8)):08d}"
    name = SURNAMES[int(rng.integers(0, len(SURNAMES)))] + GIVEN[int(rng.integers(0, len(GIVEN)))]
    return {
        "name": name,
        "phone": phone,
        "prov": prov,
        "city": city,
        "dist": dist,
        "address": f"{prov}{city}{dist}{road}{int(rng.integers(1, 999))}号{int(rng.integers(1, 30))}幢",
        "email": f"buyer{int(rng.integers(1000, 99999))}@163.com",
    }


def _pick(rng: np.random.Generator, words: list[str]) -> str:
    return words[int(rng.integers(0, len(words)))]


def _tmall(log: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = {
        o: str(3_458_721_900_000_000_000 + 7919 * i) for i, o in enumerate(log.order_id.unique())
    }
    nick = {
        u: f"{NICKS[i % len(NICKS)]}{i:03d}" for i, u in enumerate(sorted(log.user_id.unique()))
    }
    people = {u: _person(rng) for u in sorted(log.user_id.unique())}
    out = []
    for k, r in enumerate(log.itertuples()):
        p = people[r.user_id]
        status = {
            "paid": _pick(
                rng, ["交易成功"] * 6 + ["卖家已发货，等待买家确认", "买家已付款，等待卖家发货"]
            )
            if not r.refund_amount
            else "退款中",
            "cancelled": _pick(rng, ["交易关闭", "等待买家付款"]),
            "refunded": _pick(rng, ["交易关闭", "已退款"]),
        }[r.status]
        note = _pick(rng, ["", "", "", "请尽快发货", f"到了打电话 {p['phone']}"])
        out.append({
            "子订单编号": str(4_100_000_000_000_000_000 + k * 13),
            "主订单编号": f'="{ids[r.order_id]}"',
            "买家会员名": nick[r.user_id],
            "买家支付宝账号": p["email"],
            "商品标题": SKUS[r.sku][0],
            "商品价格": f"{SKUS[r.sku][1]:.2f}",
            "购买数量": str(r.quantity),
            "商家编码": r.sku,
            "商品属性": "颜色分类:默认",
            "订单状态": status,
            "买家实付金额": f"{r.paid_amount:.2f}",
            "退款状态": "退款成功" if r.refund_amount else "没有申请退款",
            "退款金额": f"{r.refund_amount:.2f}",
            "订单创建时间": r.order_time.strftime("%Y-%m-%d %H:%M:%S"),
            "订单付款时间": "" if r.status == "cancelled" else r.order_time.strftime("%Y-%m-%d %H:%M:%S"),
            "物流单号": "" if r.status == "cancelled" else f"SF{1_409_382_716_000 + k}",
            "收货人姓名": p["name"],
            "收货地址": p["address"],
            "联系手机": p["phone"],
            "买家留言": note,
            "店铺名称": "样例美妆旗舰店",
        })  # fmt: skip
    clean = log.assign(order_id=log.order_id.map(ids), user_id=log.user_id.map(nick)).drop(
        columns=["channel"]
    )
    return pd.DataFrame(out), clean


def _jd(log: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = {o: str(301_234_000_000 + 31 * i) for i, o in enumerate(log.order_id.unique())}
    acct = {
        u: f"jd_{(i * 7919) % 1_000_003:07d}" for i, u in enumerate(sorted(log.user_id.unique()))
    }
    sku = {s: str(100_012_345_600 + 7 * i) for i, s in enumerate(SKUS)}
    source = dict(zip(CHANNELS, ("京东直播", "京东视频", "APP", "PC"), strict=True))
    people = {u: _person(rng) for u in sorted(log.user_id.unique())}
    out = []
    for r in log.itertuples():
        p = people[r.user_id]
        status = {
            "paid": _pick(rng, ["完成"] * 5 + ["等待确认收货", "等待出库"])
            if not r.refund_amount
            else "锁定",
            "cancelled": _pick(rng, ["已取消", "等待付款"]),
            "refunded": "退款成功",
        }[r.status]
        out.append({
            "订单号": ids[r.order_id],
            "商品ID": sku[r.sku],
            "商品名称": SKUS[r.sku][0],
            "订购数量": str(r.quantity),
            "支付方式": "在线支付",
            "下单时间": r.order_time.strftime("%Y/%m/%d %H:%M"),
            "京东价": f"{SKUS[r.sku][1]:,.2f}",
            "应付金额": f"{r.paid_amount:,.2f}",
            "订单状态": status,
            "订单类型": "普通订单",
            "下单帐号": acct[r.user_id],
            "客户姓名": p["name"],
            "客户地址": p["address"],
            "联系电话": p["phone"],
            "订单备注": "",
            "运费金额": "0.00",
            "退款金额": f"{r.refund_amount:,.2f}",
            "订单来源": source[r.channel],
        })  # fmt: skip
    clean = log.assign(
        order_id=log.order_id.map(ids),
        user_id=log.user_id.map(acct),
        sku=log.sku.map(sku),
        channel=log.channel.map(source),
        order_time=log.order_time.dt.floor("min"),  # the export has no seconds
    )
    return pd.DataFrame(out), clean


def _douyin(log: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    ids = {o: str(6_921_000_000_000_000_000 + 101 * i) for i, o in enumerate(log.order_id.unique())}
    uid = {u: str(3_180_000_000 + 97 * i) for i, u in enumerate(sorted(log.user_id.unique()))}
    people = {u: _person(rng) for u in sorted(log.user_id.unique())}
    out = []
    for k, r in enumerate(log.itertuples()):
        p = people[r.user_id]
        status = {
            "paid": _pick(rng, ["已完成"] * 5 + ["已发货", "待发货"])
            if not r.refund_amount
            else "退款中",
            "cancelled": _pick(rng, ["已取消", "待支付", "已关闭"]),
            "refunded": _pick(rng, ["已关闭", "已退款"]),
        }[r.status]
        out.append({
            "主订单编号": ids[r.order_id] + "\t",
            "子订单编号": str(int(ids[r.order_id]) + 1 + k % 2) + "\t",
            "选购商品": SKUS[r.sku][0],
            "商品规格": "默认",
            "商品数量": str(r.quantity),
            "商品ID": str(3_600_000_000_000_000 + list(SKUS).index(r.sku)),
            "商家编码": r.sku,
            "商品单价": f"￥{SKUS[r.sku][1]:,.2f}",
            "订单应付金额": f"￥{r.paid_amount:,.2f}",
            "运费": "￥0.00",
            "支付方式": _pick(rng, ["抖音支付", "微信", "支付宝"]),
            "收件人": p["name"],
            "收件人手机号": p["phone"],
            "省": p["prov"],
            "市": p["city"],
            "区": p["dist"],
            "详细地址": p["address"],
            "订单提交时间": r.order_time.strftime("%Y/%m/%d %H:%M:%S"),
            "流量来源": "直播间" if r.channel == "直播" else "其他",
            "流量渠道": r.channel,
            "达人昵称": _pick(rng, ["美妆小助手", "主播阿May"]),
            "用户ID": uid[r.user_id],
            "订单状态": status,
            "售后状态": "退款成功" if r.status == "refunded" else "-",
            "退款金额": f"￥{r.refund_amount:,.2f}" if r.refund_amount else "-",
        })  # fmt: skip
    clean = log.assign(order_id=log.order_id.map(ids), user_id=log.user_id.map(uid))
    return pd.DataFrame(out), clean


MAKERS = {"tmall-orders": _tmall, "jd-orders": _jd, "douyin-orders": _douyin}
ENCODINGS = {"gbk": "gbk", "utf8bom": "utf-8-sig"}


def export_text(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    frame.to_csv(buf, index=False, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    return buf.getvalue()


def main() -> None:
    log = clean_log()
    for i, (name, make) in enumerate(MAKERS.items()):
        export, clean = make(log, np.random.default_rng(100 + i))
        clean.to_parquet(HERE / f"{name}.clean.parquet", index=False)
        text = export_text(export)
        for tag, encoding in ENCODINGS.items():
            (HERE / f"{name}.{tag}.csv").write_bytes(text.encode(encoding))
        print(f"{name}: {len(export)} lines")  # noqa: T201


if __name__ == "__main__":
    main()

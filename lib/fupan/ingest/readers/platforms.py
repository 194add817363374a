"""The platform export profiles (registrations tmall-orders, jd-orders, douyin-orders).

Each maps the order export of a shop back office onto the orders contract. Status words, decided
once for all three (see :mod:`fupan.ingest.readers.profiles` for CLOSED):

- paid: the buyer paid — 待发货/已发货/等待确认收货/交易成功/已完成 and the like, and also
  **退款中 / 锁定** (a refund asked for but not granted yet: the money is still the shop's; what was
  refunded, if anything, is in the refund amount column);
- cancelled: no money changed hands — 已取消, and **pending payment (等待买家付款/等待付款/待支付)**,
  since an export taken after the campaign that still shows it is an order that was never paid;
- refunded: 已退款/退款成功, and 交易关闭/已关闭 when the line's refund amount is above 0 (a closed
  order with nothing refunded was closed before payment: cancelled).

Times are the order's creation time (下单/创建/提交时间), the moment the campaign windows count.
"""

from __future__ import annotations

from .profiles import CLOSED, Profile, register_profile

PAID, CANCELLED, REFUNDED = "paid", "cancelled", "refunded"

TMALL = register_profile(
    Profile(
        name="tmall-orders",
        table="orders",
        title_zh="淘宝/天猫（千牛、生意参谋）订单导出",
        title_en="a Taobao/Tmall (Qianniu) order export",
        columns=(
            ("主订单编号", "order_id"),
            ("订单编号", "order_id"),
            ("买家会员名", "user_id"),
            ("订单创建时间", "order_time"),
            ("买家实付金额", "paid_amount"),
            ("买家实际支付金额", "paid_amount"),
            ("商家编码", "sku"),
            ("购买数量", "quantity"),
            ("宝贝总数量", "quantity"),
            ("订单状态", "status"),
            ("退款金额", "refund_amount"),
        ),
        signature=frozenset({"主订单编号", "买家会员名", "订单创建时间", "买家实付金额"}),
        line_key=("子订单编号",),
        statuses={
            "等待买家付款": CANCELLED,
            "买家已付款，等待卖家发货": PAID,
            "买家已付款,等待卖家发货": PAID,
            "等待卖家发货": PAID,
            "待发货": PAID,
            "卖家已发货，等待买家确认": PAID,
            "卖家已发货,等待买家确认": PAID,
            "卖家已发货": PAID,
            "已发货": PAID,
            "交易成功": PAID,
            "已完成": PAID,
            "退款中": PAID,
            "交易关闭": CLOSED,
            "已取消": CANCELLED,
            "已退款": REFUNDED,
            "退款成功": REFUNDED,
        },
    )
)

JD = register_profile(
    Profile(
        name="jd-orders",
        table="orders",
        title_zh="京东商家后台订单导出",
        title_en="a JD merchant back-office order export",
        columns=(
            ("订单号", "order_id"),
            ("订单编号", "order_id"),
            ("下单帐号", "user_id"),
            ("下单账号", "user_id"),
            ("下单时间", "order_time"),
            ("应付金额", "paid_amount"),
            ("商品ID", "sku"),
            ("订购数量", "quantity"),
            ("订单状态", "status"),
            ("退款金额", "refund_amount"),
            ("订单来源", "channel"),
        ),
        signature=frozenset({"订单号", "下单时间", "应付金额", "订购数量"}),
        statuses={
            "等待付款": CANCELLED,
            "等待出库": PAID,
            "等待发货": PAID,
            "待发货": PAID,
            "等待确认收货": PAID,
            "已发货": PAID,
            "完成": PAID,
            "已完成": PAID,
            "锁定": PAID,
            "暂停": PAID,
            "退款中": PAID,
            "已取消": CANCELLED,
            "(删除)已取消": CANCELLED,
            "（删除）已取消": CANCELLED,
            "退款成功": REFUNDED,
            "已退款": REFUNDED,
        },
    )
)

DOUYIN = register_profile(
    Profile(
        name="douyin-orders",
        table="orders",
        title_zh="抖店订单导出",
        title_en="a Douyin shop (抖店) order export",
        columns=(
            ("主订单编号", "order_id"),
            ("用户ID", "user_id"),
            ("买家ID", "user_id"),
            ("订单提交时间", "order_time"),
            ("订单应付金额", "paid_amount"),
            ("商家编码", "sku"),
            ("商品数量", "quantity"),
            ("订单状态", "status"),
            ("退款金额", "refund_amount"),
            ("流量渠道", "channel"),
        ),
        signature=frozenset({"主订单编号", "子订单编号", "订单提交时间", "订单应付金额"}),
        line_key=("子订单编号",),
        statuses={
            "待支付": CANCELLED,
            "待发货": PAID,
            "备货中": PAID,
            "已发货": PAID,
            "已签收": PAID,
            "已完成": PAID,
            "退款中": PAID,
            "已关闭": CLOSED,
            "已取消": CANCELLED,
            "已退款": REFUNDED,
            "退款成功": REFUNDED,
        },
    )
)

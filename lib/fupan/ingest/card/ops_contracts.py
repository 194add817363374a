"""The optional ops columns and tables of issue 13: presale, live sessions, coupons, products, plan,
the membership export (会员, ops review G7), price monitoring (控价, G14) and the service and
fulfilment data (服务与履约, G8).

Every column and table here is optional; an analysis whose data are absent is skipped with its
reason. Column meanings (amounts in the card's currency):

- orders: ``order_type`` presale/spot; ``deposit_amount``/``deposit_time`` (定金) and
  ``balance_amount``/``balance_time`` (尾款) of a presale line — ``paid_amount`` stays what the buyer
  paid in all (deposit + balance), a presale whose balance was never paid is ``cancelled`` (its
  deposit is forfeited, no GMV); ``session_id`` the live session the order came from;
  ``shop_discount``/``platform_discount`` the discount of the line funded by the shop / by the
  platform (already out of ``paid_amount``); ``coupon_id``; ``is_gift`` 1 for a free gift line;
  ``ship_time`` (发货时间) when the line left the warehouse, empty while it has not.
- spend: ``tool`` (万相台, 引力魔方, 直通车, 千川, 京准通 …), ``plan_id``, ``objective``, and what
  the platform attributes to the row: ``attributed_gmv``, ``attributed_orders`` within
  ``attribution_window`` (e.g. ``15d``).
- products: one row per SKU — ``spu``, ``product_name``, ``role`` (hero/traffic/profit/new/gift:
  爆款/引流/利润/新品/赠品), ``launch_date``, ``list_price``, ``planned_stock`` (units for the
  campaign).
- live_sessions: one row per session (own room or KOL): start and end, ``host``, ``views`` (场观),
  ``viewers``, ``avg_watch_seconds``, ``interactions``, ``new_followers``, ``slot_fee`` (坑位费),
  ``commission_rate`` (on settled GMV). A scheduled session that never went live has ``views`` 0.
- coupons: one row per coupon — ``type``, ``funded_by`` shop/platform, ``face_value``,
  ``threshold``, ``issued``/``claimed``/``redeemed`` counts and ``cost``: what the coupon cost the
  shop beyond the discount already out of ``paid_amount`` (0 when none).
- targets: the plan, one row per date × channel: ``gmv``, ``visitors``, ``conversion``, ``aov``
  (客单价), ``new_customers``, ``spend``.
- members: the shop's membership (会员) export, one row per member: ``user_id`` (the orders'
  customer id, pseudonymised on load like theirs), ``join_time`` (入会时间), ``level`` (会员等级),
  ``join_channel`` (入会渠道: 直播间, 店铺首页, 私域 …). A customer listed twice counts from their
  first join.
- prices: price monitoring (控价, ops review G14), one row per date × SKU × seller: ``seller`` (the
  shop, a KOL room, a distributor or a competitor), ``seller_type`` own/kol/distributor/competitor
  (本店/达人/分销/竞品), ``final_price`` (到手价: what a buyer paid for one unit there that day,
  after coupons), ``channel`` (the orders' channel of a KOL room or distributor, optional).
- refunds: the refund export (退款管理), one row per refund: ``order_id`` (the orders' order),
  ``refund_time`` (申请时间), ``refund_amount``, ``refund_type`` refund_only/return_refund
  (仅退款/退货退款), ``reason`` (退款原因, as the platform's list words it).
- service_daily: the customer-service and review figures of each day (客服与评价日报), as the
  platform's service dashboard exports them: ``inquiries`` (询单人数, customers who asked before
  buying), ``inquiry_buyers`` (of them, those who paid: 询单转化), ``first_response_seconds`` (平均首响
  时长), ``reviews`` and ``bad_reviews`` (评价数, 差评数), ``dsr`` (店铺评分 DSR, 0–5).
"""

from __future__ import annotations

from typing import NamedTuple


class Column(NamedTuple):
    """A column spec, made into :class:`~fupan.ingest.card.contracts.Column` by the contracts
    module (which imports this one, so it is not imported back)."""

    name: str
    kind: str
    required: bool = False
    allowed: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None


#: 商品角色: the data value (English key or its Chinese name) → the key
PRODUCT_ROLES: dict[str, str] = {
    "hero": "hero",
    "traffic": "traffic",
    "profit": "profit",
    "new": "new",
    "gift": "gift",
    "爆款": "hero",
    "引流": "traffic",
    "利润": "profit",
    "新品": "new",
    "赠品": "gift",
}

ORDER_OPS_COLUMNS: tuple[Column, ...] = (
    Column("order_type", "string", allowed=("presale", "spot")),
    Column("deposit_amount", "number", minimum=0),
    Column("deposit_time", "timestamp"),
    Column("balance_amount", "number", minimum=0),
    Column("balance_time", "timestamp"),
    Column("session_id", "string"),
    Column("shop_discount", "number", minimum=0),
    Column("platform_discount", "number", minimum=0),
    Column("coupon_id", "string"),
    Column("is_gift", "integer", minimum=0),
    Column("ship_time", "timestamp"),
)

SPEND_OPS_COLUMNS: tuple[Column, ...] = (
    Column("tool", "string"),
    Column("plan_id", "string"),
    Column("objective", "string"),
    Column("attributed_gmv", "number", minimum=0),
    Column("attributed_orders", "integer", minimum=0),
    Column("attribution_window", "string"),
)

OPS_CONTRACTS: dict[str, tuple[Column, ...]] = {
    "products": (
        Column("sku", "string", True),
        Column("spu", "string"),
        Column("product_name", "string"),
        Column("role", "string", allowed=("hero", "traffic", "profit", "new", "gift")),
        Column("launch_date", "date"),
        Column("list_price", "number", minimum=0),
        Column("planned_stock", "integer", minimum=0),
    ),
    "live_sessions": (
        Column("session_id", "string", True),
        Column("start_time", "timestamp", True),
        Column("end_time", "timestamp", True),
        Column("kind", "string", True, allowed=("own", "kol")),
        Column("host", "string"),
        Column("views", "integer", minimum=0),
        Column("viewers", "integer", minimum=0),
        Column("avg_watch_seconds", "number", minimum=0),
        Column("interactions", "integer", minimum=0),
        Column("new_followers", "integer", minimum=0),
        Column("slot_fee", "number", minimum=0),
        Column("commission_rate", "number", minimum=0, maximum=1),
    ),
    "coupons": (
        Column("coupon_id", "string", True),
        Column("type", "string"),
        Column("funded_by", "string", allowed=("shop", "platform")),
        Column("face_value", "number", minimum=0),
        Column("threshold", "number", minimum=0),
        Column("issued", "integer", minimum=0),
        Column("claimed", "integer", minimum=0),
        Column("redeemed", "integer", minimum=0),
        Column("cost", "number", minimum=0),
    ),
    "members": (
        Column("user_id", "string", True),
        Column("join_time", "timestamp", True),
        Column("level", "string"),
        Column("join_channel", "string"),
    ),
    "prices": (
        Column("date", "date", True),
        Column("sku", "string", True),
        Column("seller", "string", True),
        Column("seller_type", "string", True, allowed=("own", "kol", "distributor", "competitor")),
        Column("final_price", "number", True, minimum=0),
        Column("channel", "string"),
    ),
    "refunds": (
        Column("order_id", "string", True),
        Column("refund_time", "timestamp"),
        Column("refund_amount", "number", minimum=0),
        Column("refund_type", "string", allowed=("refund_only", "return_refund")),
        Column("reason", "string"),
    ),
    "service_daily": (
        Column("date", "date", True),
        Column("inquiries", "integer", minimum=0),
        Column("inquiry_buyers", "integer", minimum=0),
        Column("first_response_seconds", "number", minimum=0),
        Column("reviews", "integer", minimum=0),
        Column("bad_reviews", "integer", minimum=0),
        Column("dsr", "number", minimum=0, maximum=5),
    ),
    "targets": (
        Column("date", "date", True),
        Column("channel", "string", True),
        Column("gmv", "number", True, minimum=0),
        Column("visitors", "integer", minimum=0),
        Column("conversion", "number", minimum=0, maximum=1),
        Column("aov", "number", minimum=0),
        Column("new_customers", "integer", minimum=0),
        Column("spend", "number", minimum=0),
    ),
}

"""The failures (1/2): traffic without conversion, a warehouse that stocked out, a price war."""

from __future__ import annotations

from ..generator import Levers
from .base import (
    APPAREL,
    ELECTRONICS,
    SNACKS,
    Preset,
    _add,
    _bg,
)

# --------------------------------------------------------------------------- the failures
_add(
    Preset(
        "traffic_no_conversion",
        seed=201,
        scale=0.4,
        levers=Levers(
            catalogue=APPAREL,
            control=("袜子内衣", "SCK"),
            cost_share=(0.25, 0.40),
            campaign_lift=0.35,
            conversion=0.3,
            campaign_spend=1.8,
            dip=(0.95, 1.0),
        ),
        card={
            "id": "syn-2025-d11-douyin-apparel",
            "name": "抖音男女装直播双11好物节 2025",
            "shop": "野风服饰抖音旗舰店",
            "platform": "douyin",
            "category": "apparel",
            "background": _bg(
                "traffic_no_conversion",
                201,
                0.4,
                "抖音双11好物节，平台对直播间投流给予流量扶持。",
                competition="同类目达人直播间以低价引流款冲量。",
                team="运营3人，主播2人，千川投放1人。",
                product="秋冬外套与卫衣，直播间主推一款引流款。",
                open_actions=[],
            ),
            "strategy": {
                "mechanics": ["千川投流", "直播间福袋", "满减"],
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "爆发期转化率不低于日常期",
                        "kpi": "cr_index",
                        "op": ">=",
                        "value": 100,
                        "window": "burst",
                    },
                    {
                        "id": "H2",
                        "text": "投产比不低于2.5",
                        "kpi": "roas",
                        "op": ">=",
                        "value": 2.5,
                    },
                    {
                        "id": "H3",
                        "text": "直播GMV占比不低于40%",
                        "kpi": "live_gmv_share",
                        "op": ">=",
                        "value": 0.40,
                    },
                ],
            },
            "retrospective": {
                "went_well": ["投流把直播间人数拉到了平日的三倍以上"],
                "to_improve": [
                    "有流量无转化：访客翻了几倍，转化率却跌到基线的三分之一，投流买来的多是福袋和低价引流款的泛流量",
                    "投产比远低于目标，花费随流量上涨、GMV没有跟上",
                    "引流款与主推款价格带断层，进直播间的人不买主推款",
                ],
                "actions": [
                    {
                        "what": "投流定向从泛人群改为店铺老客与相似人群，先小预算测转化再放量",
                        "owner": "投放",
                        "due": "2025-12-10",
                    },
                    {
                        "what": "引流款与主推款做搭配价，避免价格带断层",
                        "owner": "商品",
                        "due": "2025-12-10",
                    },
                    {
                        "what": "大促投放设转化率止损线：连续两小时低于基线一半即降预算",
                        "owner": "运营负责人",
                        "due": "2025-12-10",
                    },
                ],
            },
            "tags": [
                "有流量无转化",
                "traffic-without-conversion",
                "投流",
                "paid-traffic",
                "直播",
                "live-stream",
                "转化率",
                "conversion",
            ],
        },
    )
)

_add(
    Preset(
        "warehouse_stockout",
        seed=202,
        scale=0.5,
        levers=Levers(
            catalogue=ELECTRONICS,
            control=("数据线", "CBL"),
            cost_share=(0.45, 0.60),
            campaign_lift=1.2,
            stockout_skus=6,
            stockout_pool=10,
            stockout_days=(3, 6),
            after_sales=2.5,
        ),
        card={
            "id": "syn-2025-d11-jd-3c",
            "name": "京东数码配件店11.11 2025（爆单断货）",
            "shop": "极声数码京东专营店",
            "platform": "jd",
            "category": "3c",
            "background": _bg(
                "warehouse_stockout",
                202,
                0.5,
                "京东11.11数码配件类目竞争激烈，平台要求48小时内发货。",
                competition="同价位耳机品牌在11.1当天大幅降价。",
                team="运营3人，仓库外包给第三方云仓。",
                product="蓝牙耳机与智能手表为主推，充电配件和手机壳凑单。",
                open_actions=[],
            ),
            "strategy": {
                "mechanics": ["跨店满减", "百亿补贴报名", "秒杀"],
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "爆发期退款率不高于10%",
                        "kpi": "refund_rate",
                        "op": "<=",
                        "value": 0.10,
                        "window": "burst",
                    },
                    {
                        "id": "H2",
                        "text": "爆发期取消率不高于6%",
                        "kpi": "cancel_rate",
                        "op": "<=",
                        "value": 0.06,
                        "window": "burst",
                    },
                ],
            },
            "retrospective": {
                "went_well": ["11.1与11.11秒杀流量大，订单量超出预期"],
                "to_improve": [
                    "爆单断货：6个畅销SKU在爆发期断货3–6天，高峰时段的成交流失",
                    "云仓发货超时，取消率与退款率是平日的两到三倍，退款吞掉了一部分GMV",
                    "备货只按去年销量做，没有按今年的预售与加购数据修正",
                ],
                "actions": [
                    {
                        "what": "大促备货按加购与预售数据滚动修正，畅销SKU设安全库存",
                        "owner": "供应链",
                        "due": "2025-12-15",
                    },
                    {
                        "what": "与云仓约定大促峰值产能，超出部分提前分仓",
                        "owner": "仓配",
                        "due": "2025-12-15",
                    },
                    {
                        "what": "断货SKU自动下架直播与广告位，避免为无货商品买流量",
                        "owner": "运营",
                        "due": "2025-12-01",
                    },
                ],
            },
            "tags": [
                "断货",
                "stock-out",
                "爆单",
                "order-spike",
                "发货超时",
                "late-shipment",
                "退款",
                "refunds",
                "履约",
                "fulfilment",
            ],
        },
    )
)

_add(
    Preset(
        "price_war",
        seed=203,
        scale=0.5,
        levers=Levers(
            catalogue=SNACKS,
            control=("粮油", "OIL"),
            cost_share=(0.50, 0.62),
            discount_depth=2.0,
            campaign_lift=1.4,
        ),
        card={
            "id": "syn-2025-d11-pdd-snacks",
            "name": "拼多多零食店双十一 2025（价格战）",
            "shop": "果仁铺子",
            "platform": "pdd",
            "category": "snacks",
            "background": _bg(
                "price_war",
                203,
                0.5,
                "拼多多百亿补贴与秒杀频道流量集中，零食类目价格透明。",
                competition="竞品坚果礼包在11.1降到半价，店铺跟价。",
                team="运营2人，客服3人。",
                product="坚果礼包与饼干为主推，毛利率本就不高。",
                open_actions=[],
            ),
            "strategy": {
                "mechanics": ["全店半价", "百亿补贴", "限时秒杀"],
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "爆发期GMV指数不低于250",
                        "kpi": "gmv_index",
                        "op": ">=",
                        "value": 250,
                        "window": "burst",
                    },
                    {"id": "H2", "text": "投产比不低于4", "kpi": "roas", "op": ">=", "value": 4.0},
                ],
            },
            "retrospective": {
                "went_well": ["销量与GMV大涨，店铺在类目排名上升"],
                "to_improve": [
                    "价格战：跟到半价后每单的毛利为负，GMV越高亏得越多，利润ROI为负",
                    "补贴大多给了本来就会买的老客（补贴漏损）",
                    "没有先算保本增量：半价需要的销量增幅远超实际",
                ],
                "actions": [
                    {
                        "what": "大促前按 d/(m−d) 算保本销量增幅，达不到的折扣不报名",
                        "owner": "运营负责人",
                        "due": "2025-12-01",
                    },
                    {
                        "what": "跟价只跟引流款，礼包用满赠代替直降",
                        "owner": "商品",
                        "due": "2025-12-01",
                    },
                    {
                        "what": "复盘看利润ROI与净增毛利，不只看GMV与投产比",
                        "owner": "财务",
                        "due": "2025-12-01",
                    },
                ],
            },
            "costs": {"variable_cost_rate": 0.10},
            "tags": [
                "价格战",
                "price-war",
                "亏损",
                "negative-margin",
                "补贴漏损",
                "subsidy-leakage",
                "毛利",
                "margin",
            ],
        },
    )
)

"""Healthy reference shops (2/2): a large appliance brand, apparel on Double 12, a new brand's
Xiaohongshu seeding."""

from __future__ import annotations

from ..generator import Levers
from .base import (
    APPAREL,
    APPLIANCES,
    PERSONAL_CARE,
    Preset,
    _add,
    _bg,
)

_add(
    Preset(
        "appliances_large_brand",
        seed=104,
        scale=3.0,
        # appliance gross margins are thin, discounts shallow (the trade-in subsidy is the state's)
        levers=Levers(
            catalogue=APPLIANCES,
            control=("清洁耗材", "CLN"),
            cost_share=(0.50, 0.62),
            discount_depth=0.6,
            campaign_spend=2.5,
        ),
        target_factor=0.85,
        card={
            "id": "syn-2025-d11-jd-appliances",
            "name": "京东家电品牌自营双十一 2025",
            "shop": "北辰电器京东自营旗舰店",
            "platform": "jd",
            "category": "appliances",
            "background": _bg(
                "appliances_large_brand",
                104,
                3.0,
                "家电以旧换新国补延续，京东11.11家电品类流量最大。",
                competition="头部品牌同价位机型价格贴身，国补叠加后价差很小。",
                team="品牌电商部20人，京东自营采销对接，投放由京准通代理执行。",
                product="冰箱、洗衣机、空调大件为主，厨房小电引流。",
                open_actions=["618复盘遗留：大件送装时效承诺需与仓配核对"],
            ),
            "strategy": {
                "mechanics": ["以旧换新", "国家补贴", "跨店满减", "直播秒杀"],
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "爆发期GMV指数不低于300",
                        "kpi": "gmv_index",
                        "op": ">=",
                        "value": 300,
                        "window": "burst",
                    },
                    {
                        "id": "H2",
                        "text": "直播GMV占比不低于25%",
                        "kpi": "live_gmv_share",
                        "op": ">=",
                        "value": 0.25,
                    },
                ],
            },
            "retrospective": {
                "went_well": ["国补叠加满减，大件客单价稳住", "11.11当天送装预约全部排满但未超时"],
                "to_improve": [
                    "定金期日销下滑，采销对预售节奏理解不一致",
                    "活动后两周日销回落：换新需求被提前释放",
                ],
                "actions": [
                    {
                        "what": "与采销共建大促节奏表（定金、尾款、现货各阶段日销预期）",
                        "owner": "电商部经理",
                        "due": "2025-12-20",
                    },
                    {
                        "what": "活动后两周安排清洁耗材与延保的老客触达，对冲回落",
                        "owner": "CRM",
                        "due": "2025-12-20",
                    },
                ],
            },
            "costs": {"variable_cost_rate": 0.06},
            "tags": [
                "大品牌",
                "large-brand",
                "以旧换新",
                "trade-in",
                "国补",
                "subsidy",
                "大件",
                "bulky-goods",
            ],
        },
    )
)

_add(
    Preset(
        "apparel_double12",
        seed=105,
        scale=0.3,
        levers=Levers(
            catalogue=APPAREL, control=("袜子内衣", "SCK"), cost_share=(0.25, 0.40), shift_days=31
        ),
        target_factor=0.85,
        card={
            "id": "syn-2025-d12-taobao-apparel",
            "name": "淘宝女装店双十二 2025",
            "shop": "栖木女装",
            "platform": "taobao",
            "category": "apparel",
            "background": _bg(
                "apparel_double12",
                105,
                0.3,
                "双十二是淘宝中小商家的年终大促，流量低于双十一。",
                competition="同风格女装店以冬季外套低价引流。",
                team="运营2人，客服2人，每周两场店播。",
                product="冬季外套与针织为主推，配饰凑单。",
                open_actions=["双十一复盘遗留：尺码表与退货原因要对齐"],
            ),
            "strategy": {
                "mechanics": ["店铺满减", "店播秒杀", "预售定金"],
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "爆发期退款率不高于8%",
                        "kpi": "refund_rate",
                        "op": "<=",
                        "value": 0.08,
                        "window": "burst",
                    },
                    {
                        "id": "H2",
                        "text": "新客占比不低于40%",
                        "kpi": "new_customer_share",
                        "op": ">=",
                        "value": 0.40,
                    },
                ],
            },
            "retrospective": {
                "went_well": ["店播秒杀拉动了12.12当天的峰值", "配饰凑单提升了客单价"],
                "to_improve": [
                    "外套退货集中在尺码偏小，详情页尺码表未更新",
                    "活动后日销回落，元旦前的需求被提前",
                ],
                "actions": [
                    {
                        "what": "按退货原因更新外套尺码表并在详情页置顶",
                        "owner": "运营",
                        "due": "2026-01-10",
                    }
                ],
            },
            "tags": ["双十二", "double-12", "店播", "live-stream", "退货", "returns"],
        },
    )
)

_add(
    Preset(
        "xiaohongshu_seeding",
        seed=106,
        scale=0.15,
        levers=Levers(
            catalogue=PERSONAL_CARE,
            control=("纸品", "PAP"),
            cost_share=(0.30, 0.42),
            campaign_lift=0.8,
        ),
        card={
            "id": "syn-2025-d11-xhs-personal-care",
            "name": "小红书个护新品牌双11 2025",
            "shop": "栀屿个护",
            "platform": "xiaohongshu",
            "category": "personal-care",
            "background": _bg(
                "xiaohongshu_seeding",
                106,
                0.15,
                "小红书电商以笔记种草加店铺直播成交，新品牌靠内容起量。",
                competition="同类香氛洗护品牌密集投放素人笔记。",
                team="创始团队4人，运营1人兼直播，合作30位素人博主。",
                product="香氛洗发水与身体乳，口腔护理为补充。",
                open_actions=[],
            ),
            "strategy": {
                "mechanics": ["笔记种草", "店铺直播", "新客首单礼"],
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "新客占比不低于60%",
                        "kpi": "new_customer_share",
                        "op": ">=",
                        "value": 0.60,
                    },
                    {"id": "H2", "text": "投产比不低于2", "kpi": "roas", "op": ">=", "value": 2.0},
                ],
            },
            "retrospective": {
                "went_well": ["种草笔记带来大量首购新客", "香氛洗发水成为店铺第一单品"],
                "to_improve": [
                    "新客首单后复购低：种草带来的多是尝鲜客",
                    "笔记投放集中在活动前一周，预热期流量不足",
                ],
                "actions": [
                    {
                        "what": "首单后第20天推送补货提醒与回购券",
                        "owner": "运营",
                        "due": "2025-12-15",
                    },
                    {
                        "what": "笔记投放提前到活动前三周，分批测内容",
                        "owner": "内容",
                        "due": "2026-02-01",
                    },
                ],
            },
            "tags": [
                "种草",
                "content-seeding",
                "新品牌",
                "new-brand",
                "新客",
                "new-customers",
                "复购",
                "repeat-purchase",
            ],
        },
    )
)

"""The failures (2/2): a pulled-forward lift, no lift, a live-channel fault."""

from __future__ import annotations

from ..generator import Levers
from .base import (
    BABY,
    HOME,
    Preset,
    _add,
    _bg,
)

_add(
    Preset(
        "pull_forward",
        seed=204,
        scale=0.6,
        levers=Levers(
            catalogue=BABY,
            control=("婴童洗护", "BWS"),
            cost_share=(0.45, 0.55),
            campaign_lift=0.6,
            dip=(0.05, 0.45),
        ),
        card={
            "id": "syn-2025-d11-tmall-baby",
            "name": "天猫母婴店双十一 2025（囤货透支）",
            "shop": "小象母婴旗舰店",
            "platform": "tmall",
            "category": "mother-baby",
            "background": _bg(
                "pull_forward",
                204,
                0.6,
                "纸尿裤与奶粉是计划性消费，大促是妈妈们集中囤货的时间。",
                competition="各品牌都在双十一推多件多折的囤货装。",
                team="运营4人，会员运营1人。",
                product="纸尿裤与奶粉囤货装，湿巾与辅食搭售。",
                open_actions=[],
            ),
            "strategy": {
                "mechanics": ["多件多折", "囤货装", "会员加赠"],
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "爆发期GMV指数不低于200",
                        "kpi": "gmv_index",
                        "op": ">=",
                        "value": 200,
                        "window": "burst",
                    },
                    {
                        "id": "H2",
                        "text": "回落期日销不低于基线的80%",
                        "kpi": "gmv_index",
                        "op": ">=",
                        "value": 80,
                        "window": "dip",
                    },
                ],
            },
            "retrospective": {
                "went_well": ["囤货装带动客单价大幅上升"],
                "to_improve": [
                    "透支：活动后两周日销跌到基线的一两成，增量的大半是把之后的购买提前了",
                    "只看活动期GMV会高估活动效果，净增量远小于活动期涨幅",
                    "多件多折让利给了本来就会按月购买的老客",
                ],
                "actions": [
                    {
                        "what": "复盘与汇报一律看含回落期的净增量与透支比例",
                        "owner": "运营负责人",
                        "due": "2025-12-10",
                    },
                    {
                        "what": "囤货装限购并改为分期发货的订阅装，平滑之后的需求",
                        "owner": "商品",
                        "due": "2026-01-15",
                    },
                    {
                        "what": "回落期安排辅食与洗护的新品试用，承接流量",
                        "owner": "会员运营",
                        "due": "2025-12-01",
                    },
                ],
            },
            "tags": [
                "透支",
                "pull-forward",
                "囤货",
                "stockpiling",
                "净增量",
                "net-lift",
                "回落",
                "post-campaign-dip",
            ],
        },
    )
)

_add(
    Preset(
        "no_lift",
        seed=205,
        scale=0.2,
        scenario="no_lift",
        levers=Levers(catalogue=HOME, control=("清洁用品", "CLN"), cost_share=(0.30, 0.45)),
        card={
            "id": "syn-2025-d11-own-home",
            "name": "家居自营网店双十一 2025（无增量）",
            "shop": "简居生活",
            "platform": "own-site",
            "category": "home",
            "background": _bg(
                "no_lift",
                205,
                0.2,
                "自营网店没有平台大促流量，跟随双十一做了站内活动。",
                competition="平台店铺同款更便宜。",
                team="电商2人，设计1人。",
                product="床品与收纳，厨具为补充。",
                open_actions=[],
            ),
            "strategy": {
                "mechanics": ["站内满减", "邮件与短信通知"],
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "活动期GMV指数不低于130",
                        "kpi": "gmv_index",
                        "op": ">=",
                        "value": 130,
                    }
                ],
            },
            "retrospective": {
                "went_well": ["活动期间系统与支付稳定"],
                "to_improve": [
                    "无增量：活动期日销与无活动时的预测持平，活动没有带来额外成交",
                    "站外没有引流，站内活动只触达了本来就会来的老客",
                    "目标按平台店铺的大促节奏设定，脱离自营站实际",
                ],
                "actions": [
                    {
                        "what": "自营站大促前两周做站外引流测试（内容种草、联名），无引流不做满减",
                        "owner": "电商负责人",
                        "due": "2026-03-01",
                    },
                    {
                        "what": "目标按自营站历史活动的实际增量设定",
                        "owner": "电商负责人",
                        "due": "2026-03-01",
                    },
                ],
            },
            "tags": ["无增量", "no-lift", "自营站", "own-site", "站外引流", "off-site-traffic"],
        },
    )
)

_add(
    Preset(
        "live_channel_fault",
        seed=206,
        scale=0.3,
        scenario="channel_fault",
        card={
            "id": "syn-2025-d11-douyin-beauty",
            "name": "抖音美妆直播双11 2025（直播间事故）",
            "shop": "青禾美妆抖音店",
            "platform": "douyin",
            "category": "beauty",
            "background": _bg(
                "live_channel_fault",
                206,
                0.3,
                "抖音美妆直播竞争激烈，直播是店铺最大的成交渠道。",
                competition="头部主播专场集中在11月上旬。",
                team="运营3人，主播3人轮班。",
                product="修护精华与彩妆套装，直播间专属价。",
                open_actions=[],
            ),
            "strategy": {
                "mechanics": ["直播间专属价", "预售定金", "满减"],
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "直播GMV占比不低于30%",
                        "kpi": "live_gmv_share",
                        "op": ">=",
                        "value": 0.30,
                        "window": "burst",
                    }
                ],
            },
            "retrospective": {
                "went_well": ["除事故当天外，直播间转化稳定"],
                "to_improve": [
                    "11月5日直播间购物车链接配置错误，直播渠道当天转化率跌到平时的一成，几小时后才发现",
                    "没有分渠道的实时转化监控，事故靠客服反馈才发现",
                ],
                "actions": [
                    {
                        "what": "直播前30分钟按清单核对商品链接、价格与库存",
                        "owner": "直播运营",
                        "due": "2025-11-20",
                    },
                    {
                        "what": "上线分渠道实时转化率告警（低于近7日同时段一半即告警）",
                        "owner": "数据",
                        "due": "2025-12-01",
                    },
                ],
            },
            "tags": [
                "直播事故",
                "live-stream-incident",
                "渠道异常",
                "channel-anomaly",
                "监控",
                "monitoring",
            ],
        },
    )
)

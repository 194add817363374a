"""Healthy reference shops (1/2): the beauty shop this year and last year, a small pet shop."""

from __future__ import annotations

from ..generator import Levers
from .base import (
    PETS,
    Preset,
    _add,
    _bg,
)

# --------------------------------------------------------------------------- healthy references
_add(
    Preset(
        "beauty_reference",
        seed=101,
        scale=0.6,
        card={
            "id": "syn-2025-d11-tmall-beauty",
            "name": "天猫美妆旗舰店双十一 2025（基准）",
            "shop": "澜颜美妆旗舰店",
            "platform": "tmall",
            "category": "beauty",
            "background": _bg(
                "beauty_reference",
                101,
                0.6,
                "双十一周期拉长至一个多月，美妆类目增速放缓，流量向直播与内容渠道倾斜。",
                competition="国际大牌在头部直播间以满赠抢心智，国货竞品主打高性价比套装。",
                team="运营5人，自播3人，合作8位达人；投放由代理商执行。",
                product="修护精华与防晒两款主推单品，定金预售。",
                open_actions=[
                    "2024复盘遗留：爆款库存预警规则尚未覆盖预售商品",
                    "2024复盘遗留：新客30天复购承接（会员券+私域）",
                ],
            ),
            "strategy": {
                "mechanics": ["预售定金", "跨店满减", "直播秒杀"],
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "直播间新客占比超过40%",
                        "kpi": "live_new_customer_share",
                        "op": ">=",
                        "value": 0.40,
                    },
                    {
                        "id": "H2",
                        "text": "爆发期转化率达到日常期的1.3倍",
                        "kpi": "cr_index",
                        "op": ">=",
                        "value": 130,
                        "window": "burst",
                    },
                    {
                        "id": "H3",
                        "text": "笔单价不低于日常期",
                        "kpi": "aov_index",
                        "op": ">=",
                        "value": 100,
                    },
                ],
            },
            "retrospective": {
                "went_well": [
                    "直播拉新达标，新客数超过目标",
                    "11.1与11.11两个峰值日承接顺畅，无系统故障",
                ],
                "to_improve": [
                    "定金预售期日销低于平日：预售把成交推迟到了爆发期，节奏要提前告知老板与财务",
                    "活动后两周日销回落，约一成多的增量被透支",
                    "两款爆品在爆发期断货1–2天",
                ],
                "actions": [
                    {
                        "what": "预售商品纳入库存预警，按定金件数锁定备货",
                        "owner": "供应链",
                        "due": "2025-12-15",
                    },
                    {
                        "what": "新客首单后7天内推送会员券并引导入群",
                        "owner": "用户运营",
                        "due": "2025-12-15",
                    },
                ],
            },
            "tags": [
                "基准案例",
                "benchmark",
                "预售",
                "presale",
                "直播",
                "live-stream",
                "拉新",
                "new-customers",
            ],
        },
    )
)

_add(
    Preset(
        "beauty_2024",
        seed=102,
        scale=0.6,
        levers=Levers(shift_days=-365),
        target_factor=0.85,
        card={
            "id": "syn-2024-d11-tmall-beauty",
            "name": "天猫美妆旗舰店双十一 2024",
            "shop": "澜颜美妆旗舰店",
            "platform": "tmall",
            "category": "beauty",
            "background": _bg(
                "beauty_2024",
                102,
                0.6,
                "2024年双十一首次提前到10月中旬开启，平台取消预售尾款时间限制。",
                competition="同价位国货品牌集中投放达人直播。",
                team="运营4人，自播2人，投放由代理商执行。",
                product="修护精华首发，防晒为老品。",
                open_actions=[],
            ),
            "strategy": {
                "mechanics": ["预售定金", "跨店满减"],
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "新客占比不低于50%",
                        "kpi": "new_customer_share",
                        "op": ">=",
                        "value": 0.50,
                        "window": "burst",
                    },
                    {"id": "H2", "text": "投产比不低于3", "kpi": "roas", "op": ">=", "value": 3.0},
                ],
            },
            "retrospective": {
                "went_well": ["新品修护精华在爆发期进入店铺销量前三", "投放节奏与预售节点对齐"],
                "to_improve": ["爆款库存预警缺失，爆发期断货", "大促新客30天复购明显低于自然新客"],
                "actions": [
                    {
                        "what": "上线爆款库存预警与自动补货规则",
                        "owner": "供应链",
                        "due": "2024-12-31",
                    },
                    {
                        "what": "设计新客30天复购承接（会员券+私域）",
                        "owner": "用户运营",
                        "due": "2024-12-31",
                    },
                ],
            },
            "tags": ["预售", "presale", "新品", "new-product", "复购", "repeat-purchase"],
        },
    )
)

_add(
    Preset(
        "pets_small_shop",
        seed=103,
        scale=0.1,
        levers=Levers(catalogue=PETS, control=("宠物洗护", "PWS"), cost_share=(0.40, 0.52)),
        target_factor=0.85,
        card={
            "id": "syn-2025-d11-taobao-pets",
            "name": "淘宝宠物小店双十一 2025",
            "shop": "毛孩子粮仓",
            "platform": "taobao",
            "category": "pets",
            "background": _bg(
                "pets_small_shop",
                103,
                0.1,
                "小店，日常日均约20单；主要靠老客复购与搜索流量。",
                competition="大品牌旗舰店满减力度大，小店拼价格没有优势。",
                team="店主1人兼客服，外包美工。",
                product="猫粮与猫砂为主，少量狗粮与玩具。",
                open_actions=[],
            ),
            "strategy": {
                "mechanics": ["店铺满减", "老客专享券"],
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "爆发期客单价高于基线（凑单满减）",
                        "kpi": "aov_index",
                        "op": ">=",
                        "value": 110,
                        "window": "burst",
                    }
                ],
            },
            "retrospective": {
                "went_well": [
                    "老客专享券核销率高，老客贡献了大部分增量",
                    "满减门槛设在两袋猫粮，客单价明显提升",
                ],
                "to_improve": [
                    "样本小：日单量低，单日波动大，结论只看整个活动期",
                    "直通车预算太少，新客主要来自自然搜索",
                ],
                "actions": [
                    {
                        "what": "整理老客名单，按购买周期提醒复购",
                        "owner": "店主",
                        "due": "2025-12-31",
                    }
                ],
            },
            "tags": [
                "小店",
                "small-shop",
                "老客",
                "returning-customers",
                "满减",
                "threshold-discount",
            ],
        },
    )
)

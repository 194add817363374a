"""Scenario presets: fictional shops whose campaigns went right or wrong in the ways 复盘 teaches.

Each :class:`Preset` is a shop (platform, category, catalogue, size), generator settings
(:class:`~fupan.demo.generator.Levers`: conversion, discount depth, stock-outs, the after-campaign
trough, …) and the card its team would have written: 背景 and 策略 before the campaign, the
lessons and action items after it, tags for the case library, and ``provenance: synthetic``.
Targets and budget come from the generator: the plan of the *standard* campaign of the same
shop, so a preset whose campaign failed misses them the way a real team would have.

:func:`write_preset` writes a campaign folder ready for ``fupan run``. Every shop, brand and
figure here is invented; the background of each card says so in its first sentence.

The failures the case method warns about, and the lever that plants each:

============================  ===================================================================
preset                        what went wrong (lever)
============================  ===================================================================
``traffic_no_conversion``     有流量无转化: paid traffic bought, visitors ×3, orders barely up
                              (``conversion=0.3``, ``campaign_lift=0.2``, ``campaign_spend=1.8``)
``warehouse_stockout``        爆单断货: 6 best sellers out 3–6 days, late shipments → cancels and
                              refunds ×2.5 (``stockout_skus``, ``stockout_days``, ``after_sales``)
``price_war``                 价格战: half price against a competitor, GMV up, gross margin below
                              zero on the promoted lines (``discount_depth=2``, ``cost_share``)
``pull_forward``              透支: customers stocked up, the next two weeks collapse
                              (``dip=(0.05, 0.45)``, ``campaign_lift=0.6``)
``no_lift``                   无增量: the campaign changed nothing (generator scenario ``no_lift``)
``live_channel_fault``        直播间事故: the live channel converts at 10 % on 11-05
                              (generator scenario ``channel_fault``)
============================  ===================================================================
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .generator import Levers, Scenario, generate_demo

# Catalogues: (category, SKU code, number of SKUs, mean list price in CNY)
APPAREL = (
    ("女装", "WMN", 20, 260.0),
    ("男装", "MEN", 14, 240.0),
    ("童装", "KID", 10, 150.0),
    ("配饰", "ACC", 10, 90.0),
)
ELECTRONICS = (
    ("耳机音箱", "AUD", 12, 399.0),
    ("智能穿戴", "WRB", 8, 899.0),
    ("充电配件", "PWR", 18, 129.0),
    ("手机壳膜", "CAS", 16, 59.0),
)
SNACKS = (
    ("坚果炒货", "NUT", 16, 59.0),
    ("零食礼包", "GFT", 10, 99.0),
    ("饼干糕点", "BIS", 14, 39.0),
    ("冲调饮品", "DRK", 12, 49.0),
)
BABY = (
    ("纸尿裤", "DPR", 14, 159.0),
    ("奶粉", "MLK", 10, 329.0),
    ("湿巾", "WIP", 8, 49.0),
    ("辅食", "FOD", 12, 69.0),
)
HOME = (
    ("床品", "BED", 16, 299.0),
    ("收纳", "STO", 14, 79.0),
    ("厨具", "KIT", 16, 159.0),
    ("灯具", "LMP", 8, 219.0),
)
PETS = (
    ("猫粮", "CAT", 12, 139.0),
    ("狗粮", "DOG", 12, 159.0),
    ("猫砂", "LIT", 8, 59.0),
    ("宠物玩具", "TOY", 10, 39.0),
)
PERSONAL_CARE = (
    ("洗发护发", "HAR", 12, 89.0),
    ("身体护理", "BDY", 12, 69.0),
    ("口腔护理", "ORL", 8, 39.0),
    ("香氛", "SCT", 8, 159.0),
)
APPLIANCES = (
    ("冰箱", "FRG", 8, 3299.0),
    ("洗衣机", "WSH", 8, 2499.0),
    ("空调", "ACN", 10, 2999.0),
    ("厨房小电", "SML", 22, 299.0),
)


@dataclass(frozen=True)
class Preset:
    """A fictional shop's campaign: generator settings plus the card its team wrote.

    ``card`` is laid over the generator's card: ``background``, ``retrospective``, ``tags`` and
    the other top-level keys replace the generator's; ``strategy`` keys replace only the keys
    given (targets and budget stay the generator's plan unless given). ``target_factor``
    multiplies the plan's GMV target: the generator aims it ≈ 8 % above the standard campaign's
    expectation (a stretch most teams miss); a team that planned conservatively is 0.85.
    """

    key: str
    seed: int
    scale: float
    card: dict[str, Any]
    scenario: Scenario = "standard"
    levers: Levers = field(default_factory=Levers)
    target_factor: float = 1.0

    @property
    def case_id(self) -> str:
        return self.card["id"]


def _synthetic(key: str, seed: int, scale: float) -> str:
    return (
        f"合成案例：由 fupan 演示生成器按预设「{key}」生成（种子 {seed}，规模 {scale}），"
        f"店铺、品牌与数字均为虚构。Synthetic case made by fupan's demo generator (preset {key})."
    )


def _bg(key: str, seed: int, scale: float, market: str, **rest: Any) -> dict[str, Any]:
    return {"market": f"{_synthetic(key, seed, scale)} {market}", **rest}


PRESETS: dict[str, Preset] = {}


def _add(p: Preset) -> None:
    assert p.key not in PRESETS and p.case_id not in {q.case_id for q in PRESETS.values()}
    PRESETS[p.key] = p


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
                        "text": "爆发期转化率高于基线的1.3倍",
                        "kpi": "cr_index",
                        "op": ">=",
                        "value": 130,
                        "window": "burst",
                    },
                    {
                        "id": "H3",
                        "text": "客单价不低于基线",
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
                        "text": "爆发期转化率不低于基线",
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


# --------------------------------------------------------------------------- writing a preset


def card_for(preset: Preset, generated: dict[str, Any]) -> dict[str, Any]:
    """The generator's card with the preset's card laid over it (see :class:`Preset`)."""
    card = copy.deepcopy(generated)
    targets = card.get("strategy", {}).get("targets", {})
    if preset.target_factor != 1.0 and "gmv" in targets:
        targets["gmv"] = float(f"{targets['gmv'] * preset.target_factor:.3g}")
    for key, value in preset.card.items():
        if key == "strategy":
            card["strategy"] = {**card.get("strategy", {}), **copy.deepcopy(value)}
        else:
            card[key] = copy.deepcopy(value)
    card["provenance"] = "synthetic"
    return card


def write_preset(preset: Preset | str, out_dir: Path | str) -> Path:
    """Generate the preset's campaign folder into ``out_dir`` (``campaign.yaml`` + tables +
    ``truth.json``); the same preset always gives the same files."""
    p = PRESETS[preset] if isinstance(preset, str) else preset
    out = generate_demo(
        Path(out_dir), seed=p.seed, scale=p.scale, scenario=p.scenario, levers=p.levers
    )
    path = out / "campaign.yaml"
    card = card_for(p, yaml.safe_load(path.read_text(encoding="utf-8")))
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        yaml.safe_dump(
            card, f, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100
        )
    return out

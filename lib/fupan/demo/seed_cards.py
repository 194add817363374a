"""The seed cases' recipes (:mod:`fupan.demo.seeds` builds them): three real campaigns cut from
UCI Online Retail with honest cards, the synthetic scenario presets with what each seed's card
adds (festival, action ids, the earlier actions a later case closed), and the demo shop's 618."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .generator import SHOP, Levers
from .realdata import default_uci_path, uci_campaign
from .scenarios import PRESETS, Preset, write_preset

# --------------------------------------------------------------------------- the real cases

_UCI_MARKET = (
    "真实数据：UCI Online Retail（Chen, Sain & Guo 2012，CC BY 4.0），一家英国在线礼品零售商 2010-12-01 至 "
    "2011-12-09 的全部交易；很多买家是批发商（单笔数量大）；金额为英镑。Real data: UCI Online Retail, every "
    "transaction of a UK online gift retailer, many of whose buyers are wholesalers; amounts in GBP."
)
_UCI_UNKNOWN = (
    "数据中没有促销、投放、流量与库存记录：窗口标的是季节高峰，不是计划的活动；转化率、投产比、利润ROI与断货无法测量；"
    "取消发票（C 开头）冲销的原订单行：一天内冲销按已取消计，之后按全额退款计；无客户编号的行与非正数量的行已剔除。"
    "No promotion, spend, traffic or stock is recorded: the windows mark a seasonal peak, not a "
    "planned campaign; CR, ROAS, margin ROI and stock-outs cannot be measured; a line a "
    "cancellation invoice reverses is cancelled (within a day) or refunded (later); lines "
    "without a CustomerID and non-positive quantities are dropped."
)
_UCI_TAGS = [
    "真实数据",
    "real-data",
    "批发",
    "wholesale",
    "英国",
    "UK",
    "季节高峰",
    "seasonal-peak",
    "无促销记录",
    "no-promotion-recorded",
    "GBP",
]


@dataclass(frozen=True)
class RealSeed:
    """A campaign folder cut from UCI Online Retail (:func:`fupan.demo.realdata.uci_campaign`)."""

    case_id: str
    name: str
    windows: dict[str, tuple[str, str]]
    card: dict[str, Any]

    def write(self, out: Path, uci: Path | None = None) -> Path:
        extra = {"provenance": "real", **self.card}
        return uci_campaign(
            out,
            source=uci,
            windows=self.windows,
            case_id=self.case_id,
            name=self.name,
            card_extra=extra,
        )

    def source(self, uci: Path | None) -> Path:
        return Path(uci) if uci else default_uci_path()


@dataclass(frozen=True)
class SyntheticSeed:
    """A scenario preset of :mod:`fupan.demo.scenarios` (by key) or one defined here, with the
    seed's :data:`OVERLAYS` laid over its card."""

    preset: str | Preset
    case_id: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "case_id", self.spec.case_id)

    @property
    def spec(self) -> Preset:
        return PRESETS[self.preset] if isinstance(self.preset, str) else self.preset

    def write(self, out: Path, uci: Path | None = None) -> Path:
        folder = write_preset(self.spec, out)
        overlay = OVERLAYS.get(self.spec.key)
        if overlay:
            path = folder / "campaign.yaml"
            card = with_overlay(yaml.safe_load(path.read_text(encoding="utf-8")), overlay)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                yaml.safe_dump(
                    card, f, allow_unicode=True, sort_keys=False, default_flow_style=None, width=100
                )
        return folder


def with_overlay(card: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    """``card`` with an :data:`OVERLAYS` entry applied: ``festival``; ``actions``, a list of
    {id, metric?, target?, status?} laid over the card's action items in order; ``closes``."""
    card = {**card, "festival": overlay.get("festival", card.get("festival"))}
    retro = dict(card.get("retrospective") or {})
    actions = [dict(a) for a in retro.get("actions") or []]
    for action, extra in zip(actions, overlay.get("actions") or [], strict=False):
        action.update(extra)
    retro["actions"] = actions
    if overlay.get("closes"):
        retro["closes"] = list(overlay["closes"])
    card["retrospective"] = retro
    return {k: v for k, v in card.items() if v is not None}


#: What each synthetic seed's card adds to its preset: the festival (大促节点) it was built around,
#: and — for the shops with more than one case — the ids of their action items and which earlier
#: ones the later case closed (lessons that travel: the later report shows them in 背景 and 复盘).
OVERLAYS: dict[str, dict[str, Any]] = {
    "beauty_2024": {
        "festival": "double11",
        "actions": [
            {"id": "ly24-stock-alert", "status": "open"},
            {"id": "ly24-repeat-30d"},
        ],
    },
    "beauty_reference": {
        "festival": "double11",
        "actions": [{"id": "ly25-presale-stock"}, {"id": "ly25-member-coupon"}],
        # the stock-alert rule went live (stock-outs down to 1–2 days); 30-day repeat is still open
        "closes": ["ly24-stock-alert"],
    },
    "huayang_618": {
        "festival": "618",
        "actions": [
            {"id": "hy618-stock-alert"},
            {"id": "hy618-repeat-30d"},
            {"id": "hy618-live-newcomer", "metric": "live_new_customer_share", "target": 0.4},
            {"id": "hy618-peak-drill"},
            {"id": "hy618-sku-cleanup", "status": "done"},
        ],
    },
    **{
        key: {"festival": fest}
        for key, fest in (
            ("pets_small_shop", "double11"),
            ("appliances_large_brand", "double11"),
            ("apparel_double12", "double12"),
            ("xiaohongshu_seeding", "double11"),
            ("traffic_no_conversion", "double11"),
            ("warehouse_stockout", "double11"),
            ("price_war", "double11"),
            ("pull_forward", "double11"),
            ("no_lift", "double11"),
            ("live_channel_fault", "double11"),
        )
    },
}

#: The demo shop's 618 of the same year: the previous case of the demo campaign (same ``shop``),
#: whose open actions the demo's report carries into 背景 — two of which the demo closes.
HUAYANG_618 = Preset(
    "huayang_618",
    seed=618,
    scale=0.5,
    levers=Levers(shift_days=-146),  # burst 2025-06-07 … 06-18
    target_factor=0.9,
    card={
        "id": "syn-2025-618-tmall-huayang",
        "name": "花漾美妆天猫旗舰店 618 2025",
        "shop": SHOP,
        "platform": "tmall",
        "category": "beauty",
        "background": {
            "market": "合成案例：由 fupan 演示生成器生成（种子 618，规模 0.5），店铺与数字均为虚构；"
            "演示活动（双十一 2025）的同一店铺的上一个案例。Synthetic case: the demo shop's 618 of 2025.",
            "competition": "618 平台满减叠加品牌直播间大额赠品，价格透明度高。",
            "team": "运营5人，自播3人，投放由代理商执行。",
            "product": "修护精华与防晒两款主推单品，防晒正值旺季。",
            "open_actions": [],
        },
        "strategy": {"mechanics": ["跨店满减", "直播秒杀"], "hypotheses": []},
        "retrospective": {
            "went_well": ["防晒在旺季进入类目前二十", "付费投放的投产比高于目标"],
            "to_improve": [
                "两款爆品在爆发期断货，库存预警仍靠人工盯表",
                "大促新客30天复购偏低，会员承接路径没有设计",
                "直播间新客占比不到三成，达人矩阵没有搭起来",
                "6月18日零点流量高峰时下单页卡顿约十分钟",
            ],
            "actions": [
                {
                    "what": "上线爆款库存预警与自动补货规则",
                    "owner": "供应链负责人",
                    "due": "2025-09-30",
                },
                {
                    "what": "设计大促新客30天复购承接方案（会员券+私域触达）",
                    "owner": "用户运营负责人",
                    "due": "2025-09-30",
                },
                {
                    "what": "直播间新客专享券与10位以上达人矩阵",
                    "owner": "直播负责人",
                    "due": "2025-10-15",
                },
                {
                    "what": "双十一前完成零点高峰压测与值班表",
                    "owner": "技术负责人",
                    "due": "2025-10-20",
                },
                {"what": "清理滞销SKU，精简主推款", "owner": "商品负责人", "due": "2025-07-15"},
            ],
        },
        "tags": ["618", "同店多案例", "same-shop", "库存", "inventory"],
    },
)


REAL: tuple[RealSeed, ...] = (
    RealSeed(
        "uci-2011-11-peak",
        "英国礼品电商 2011年11月旺季高峰（UCI Online Retail）",
        {
            "baseline": ("2011-08-01", "2011-09-30"),
            "preheat": ("2011-10-01", "2011-10-31"),
            "burst": ("2011-11-01", "2011-11-30"),
            "dip": ("2011-12-01", "2011-12-09"),
        },
        {
            "background": {
                "market": _UCI_MARKET,
                "competition": "未知（数据中没有）。Unknown: not in the data.",
                "product": f"全场礼品与家居小物，约四千个商品编号。{_UCI_UNKNOWN}",
                "team": "未知。Unknown.",
            },
            "strategy": {
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "11月日均GMV至少是8–9月基线的1.5倍",
                        "kpi": "gmv_index",
                        "op": ">=",
                        "value": 150,
                        "window": "burst",
                    },
                    {
                        "id": "H2",
                        "text": "旺季新客占比不低于20%（圣诞采购带来新买家）",
                        "kpi": "new_customer_share",
                        "op": ">=",
                        "value": 0.2,
                        "window": "burst",
                    },
                ]
            },
            "retrospective": {
                "went_well": [
                    "2011年11月是数据中GMV与订单数最高的一个月（约£115万、2,648单），日均GMV指数约147（8–9月基线=100）",
                    "旺季的首购客30天内再次下单的比例高于非旺季的首购客",
                ],
                "to_improve": [
                    "爆发期新客占比（约19%）低于基线（约26%）：旺季主要靠老买家加单，不是拉新",
                    "回落期只有9天（数据止于2011-12-09 12:50），透支无法评估；12月9日一张约£16.8万的批发单"
                    "12分钟后即被取消（C581484），按已取消计，不计入GMV",
                    "没有促销、投放与库存记录，无法区分季节性与经营动作的效果",
                    "批发与零售买家混在一起，客单价与新客质量被少数大买家主导",
                ],
                "actions": [
                    {"what": "复盘前先把批发买家（单笔数量大）与零售买家分开统计"},
                    {"what": "记录每次促销、投放与断货，下个旺季才能估计增量"},
                ],
            },
            "tags": [*_UCI_TAGS, "11月", "november"],
            # a UK shop's seasonal peak, no promotion: not 双十一 although its burst holds 11-11
            # (matched as one, it was compared with the Chinese Double 11 cases)
            "festival": "other",
        },
    ),
    RealSeed(
        "uci-2011-xmas-run-up",
        "英国礼品电商 2011 圣诞前备货期（UCI Online Retail）",
        {
            "baseline": ("2011-09-05", "2011-10-02"),
            "preheat": ("2011-10-03", "2011-11-06"),
            "burst": ("2011-11-07", "2011-12-09"),
        },
        {
            "background": {
                "market": _UCI_MARKET,
                "competition": "未知（数据中没有）。Unknown: not in the data.",
                "product": f"圣诞前五周（至数据最后一天）：礼品零售商与批发买家的最后备货。{_UCI_UNKNOWN}",
                "team": "未知。Unknown.",
            },
            "strategy": {
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "圣诞前五周日均GMV至少是9月基线的1.3倍",
                        "kpi": "gmv_index",
                        "op": ">=",
                        "value": 130,
                        "window": "burst",
                    }
                ]
            },
            "retrospective": {
                "went_well": ["圣诞前五周日均GMV指数约140（9月基线=100），日均约90单，基线约57单"],
                "to_improve": [
                    "爆发期新客占比（约17%）低于基线（约23%）：增长来自老买家",
                    "数据止于2011-12-09，没有活动后的回落期：无法估计透支，增量只计到爆发期末",
                    "基线取9月，本身已处在秋季上升期，增量被低估的可能大于高估",
                    "没有流量与投放数据，转化率与投产比无法测量",
                ],
                "actions": [{"what": "保留至少一年的历史与活动后四周的数据，再评估圣诞季"}],
            },
            "tags": [*_UCI_TAGS, "圣诞", "christmas"],
            # a UK shop's seasonal peak, no promotion: not 双十一 although its burst holds 11-11
            # (matched as one, it was compared with the Chinese Double 11 cases)
            "festival": "other",
        },
    ),
    RealSeed(
        "uci-2010-12-season",
        "英国礼品电商 2010 年12月季（UCI Online Retail，历史极短）",
        {
            "baseline": ("2010-12-01", "2010-12-05"),
            "burst": ("2010-12-06", "2010-12-23"),
            "dip": ("2011-01-04", "2011-01-31"),
        },
        {
            "background": {
                "market": _UCI_MARKET,
                "competition": "未知（数据中没有）。Unknown: not in the data.",
                "product": (
                    "数据从2010-12-01开始：基线只有季节本身的头5天，之前没有任何历史，所以“新客”几乎就是所有人，"
                    "同比与新老客区分都做不到；12月24日至1月3日店铺停业。Orders start on 2010-12-01: the baseline is "
                    "the season's own first 5 days, there is no history before it, so nearly every buyer counts as "
                    f"new and no year-on-year comparison exists; the shop was closed 24 Dec – 3 Jan. {_UCI_UNKNOWN}"
                ),
                "team": "未知。Unknown.",
            },
            "strategy": {
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "12月中旬日均GMV不低于12月头5天",
                        "kpi": "gmv_index",
                        "op": ">=",
                        "value": 100,
                        "window": "burst",
                    }
                ]
            },
            "retrospective": {
                "went_well": ["12月6日至16日的日销大多在£2.8万–£5.4万之间，与头5天相近"],
                "to_improve": [
                    "圣诞前最后一周（12-19至12-23）日销跌到£0.5万–£2万：批发买家的圣诞备货在12月中旬前已完成，"
                    "爆发期日均GMV指数只有约79",
                    "历史太短：基线就是旺季本身，增量、新客质量与透支都不可信，本案例只适合作季节形状的参照",
                    "1月的回落混合了节后淡季与停业后的恢复，不能当作透支",
                ],
                "actions": [{"what": "对比时以2011年的同期案例为准，本案例只看形状"}],
            },
            "tags": [*_UCI_TAGS, "历史不足", "short-history", "12月", "december"],
            # by date: the burst window holds 12-12 (the shop ran no such promotion)
            "festival": "double12",
        },
    ),
)

SEEDS: tuple[RealSeed | SyntheticSeed, ...] = (
    *REAL,
    *(SyntheticSeed(k) for k in PRESETS),
    SyntheticSeed(HUAYANG_618),
)

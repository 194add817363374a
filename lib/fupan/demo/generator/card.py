"""The case card (campaign.yaml) and truth.json: the planted effects."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import yaml

from .base import _SPEND, AB_MULTIPLIER, FAULT, GENERATOR_VERSION, P30, WINDOWS, _i, _nice

SHOP = "花漾美妆天猫旗舰店"  # fictional; masked in --share-safe reports

# the operator's text on the card (YAML)
_NARRATIVE = """
background:
  market: 2025年双十一周期拉长至一个多月，美妆类目增速放缓，平台流量持续向直播与内容渠道倾斜。
  competition: 国际大牌在头部直播间以大额满赠抢占心智，国货竞品主打高性价比套装，价格竞争激烈。
  team: 花漾美妆天猫旗舰店运营6人，自播团队4人并合作10余位达人；广告投放由代理商执行、品牌方审核。
  product: 主推修护精华与防晒两款明星单品，新品香水礼盒首次参加大促。
mechanics: [预售定金, 跨店满减, 直播秒杀]
ab_test: {name: 会场页优惠券实验（预热至返场）, a: 原会场页：优惠券入口在页面底部, b: 新会场页：领券入口置顶、一键领取}
hypotheses:
  - {id: H1, text: 直播间新客占比超过40%, kpi: live_new_customer_share, op: ">=", value: 0.40}
  - {id: H2, text: 爆发期转化率达到日常期的1.5倍, kpi: cr_index, op: ">=", value: 150, window: burst}
  - {id: H3, text: 笔单价不低于日常期, kpi: aov_index, op: ">=", value: 100}
retrospective:
  went_well: [直播间拉新效果超预期，新客数超额完成目标, 11月11日零点与20点两波流量高峰承接顺畅，未出现系统故障]
  to_improve: [爆发期多个爆款断货，损失了高峰时段的销售, 定金预售期间日销明显低于平日，GMV未达成目标, 11月下旬日销明显回落：囤货透支了之后两周的需求]
  actions:
    - {id: hy11-stock-alert, what: 上线爆款库存预警与自动补货规则, owner: 供应链负责人, due: 2025-12-15, finding: stockouts}
    - {id: hy11-repeat-30d, what: 设计大促新客30天复购承接方案（会员券+私域触达）, owner: 用户运营负责人, due: 2025-12-15, finding: repeat_rate}
  # the shop's 618 actions this campaign closed (its 背景 lists all of them, from the case library)
  closes: [hy618-live-newcomer, hy618-peak-drill]
"""


def _card(m: dict[str, Any], spend: pd.DataFrame) -> dict[str, Any]:
    """The case card. Targets come from the *standard* scenario's expectations, so all scenarios
    of one (seed, scale) share a card: the GMV target is ≈ 7.5 % above and the new-customer
    target ≈ 10 % below what the campaign is expected to deliver; the ROAS target is met."""
    camp, text = m["campaign"], yaml.safe_load(_NARRATIVE)
    gmv = float((m["expected"] + m["control_expected"])[camp].sum())
    new = float(m["new_expected"][camp].sum())
    win = m["windows"]
    sp = spend[spend["date"].between(win["preheat"][0], win["post"][1])]
    by_channel = sp.groupby("channel")["spend"].sum()
    targets = {
        "gmv": _nice(gmv / 0.925, 3),
        "new_customers": int(_nice(0.9 * new, 2, np.floor)),
        "roas": _nice(gmv / sp["spend"].sum(), 2, np.floor),
    }
    return {
        "id": "2025-d11-beauty",
        "name": "双十一美妆大促 2025",
        "shop": SHOP,
        "platform": "tmall",
        "category": "beauty",
        "festival": "double11",
        "currency": "CNY",
        "timezone": "Asia/Shanghai",
        # generated data: said in the card, so that archiving needs no --provenance
        "provenance": "synthetic",
        "windows": {
            k: [dt.date.fromisoformat(a), dt.date.fromisoformat(b)] for k, (a, b) in win.items()
        },
        "background": text["background"],
        "strategy": {
            "targets": targets,
            "budget": {k: _nice(float(by_channel[k]), 3) for k in _SPEND},
            "mechanics": text["mechanics"],
            "hypotheses": text["hypotheses"],
            "ab_test": text["ab_test"],
        },
        "retrospective": text["retrospective"],
        "tables": {
            "orders": "orders.parquet",
            "events": "events.parquet",
            "spend": "spend.csv",
            "inventory": "inventory.csv",
        },
        "duplicate_lines": "keep",
        # 平台佣金 5% + 支付手续费 0.6% + 物流履约约 2.4% of the regular price
        "costs": {"variable_cost_rate": 0.08},
        "controls": {"categories": [m["control"]["category"]]},
    }


def _truth(
    m: dict[str, Any], cat: dict[str, Any], seed: int, scale: float, scenario: str
) -> dict[str, Any]:
    """The planted effects; daily series are rounded first and every total is their sum."""
    d0 = _i(WINDOWS["baseline"][0])
    keys = np.datetime_as_string(m["dates"][d0:]).tolist()
    ctrl = m["control_expected"][d0:]
    cf, ex = np.round(m["counterfactual"][d0:] + ctrl, 2), np.round(m["expected"][d0:] + ctrl, 2)
    ph, diff = m["phase"][d0:], ex - cf
    inc = {
        k: round(float(diff[ph == j].sum()), 2)
        for j, k in enumerate(WINDOWS, start=1)
        if k != "baseline"
    }
    inc["total"] = round(float(diff[ph >= 2].sum()), 2)
    lift_in = inc["preheat"] + inc["burst"] + inc["post"]
    out = m["out"][d0:]
    truth: dict[str, Any] = {
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "scale": scale,
        "scenario": scenario,
        "windows": {k: list(v) for k, v in m["windows"].items()},
        "counterfactual_daily_gmv": dict(zip(keys, cf.tolist(), strict=True)),
        "expected_daily_gmv": dict(zip(keys, ex.tolist(), strict=True)),
        "incremental_gmv": inc,
        "pull_forward_share": round(-inc["dip"] / lift_in, 4) if m["lift"] else None,
        "new_customer_repeat": {
            "campaign": {"p30": float(P30["campaign"] if m["lift"] else P30["organic"])},
            "organic": {"p30": P30["organic"]},
        },
        "ab_test": {
            "start": m["windows"]["preheat"][0],
            "end": m["windows"]["post"][1],
            "scope": f"campaign pages; the {m['control']['category']} control line is not in the test",
            "true_relative_lift_in_order_probability": round(AB_MULTIPLIER - 1, 6),
            "assignment": 0.5,
        },
        "control": {
            "category": m["control"]["category"],
            "incremental_gmv": 0.0,
            "expected_daily_gmv": dict(zip(keys, np.round(ctrl, 2).tolist(), strict=True)),
        },
        "stockouts": [
            {"sku": str(cat["sku"][s]), "dates": [keys[d] for d in np.flatnonzero(out[:, s])]}
            for s in np.flatnonzero(out.any(axis=0))
        ],
        "notes": (
            "Expected values are means of the generating process, not realisations. GMV as "
            "DESIGN.md defines it: paid_amount of order lines of orders not cancelled, before "
            "refunds, dated by order_time. counterfactual = the same process without the "
            "campaign; incremental_gmv = sum of expected - counterfactual per window, total "
            "over preheat..dip; pull_forward_share = -dip / (preheat + burst + post), "
            "METHODS.md 1.1. p30 = probability of another order within 30 days of the first; "
            "campaign cohort = first order in preheat..post. A/B: among users visiting in "
            "the window half are B, and B users are (1 + lift) times as likely to order. "
            "The daily series include the control line (category in control), which no "
            "promotion touches: its expected GMV is the same in both worlds."
        ),
    }
    if scenario == "channel_fault":
        truth["fault"] = {**FAULT, "date": str(m["dates"][_i(FAULT["date"])])}
    return truth

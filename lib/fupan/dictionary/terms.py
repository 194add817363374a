"""Concepts of the method that are not per-window KPIs: the glossary's one source."""

from __future__ import annotations

from dataclasses import dataclass

#: Festivals held on a date of the calendar (card ``festival`` → month, day): their burst ends on
#: that day, and last year's edition falls on the same date. The others (Black Friday, a brand
#: day, a live special) fall on a weekday.
FESTIVAL_DAYS: dict[str, tuple[int, int]] = {
    "double11": (11, 11),
    "618": (6, 18),
    "double12": (12, 12),
    "38": (3, 8),
    "new-year": (1, 1),
}


@dataclass(frozen=True)
class TermDef:
    """A concept the reports and worked examples name that is not a per-window KPI (glossary)."""

    key: str
    zh: str
    en: str
    definition_zh: str
    definition_en: str


#: Concepts of the method, defined once: the glossary (site and examples) reads them from here.
TERMS: dict[str, TermDef] = {
    t.key: t
    for t in (
        TermDef(
            "koujing",
            "口径",
            "Definition (koujing)",
            "一个指标的计算定义：算什么、怎么算、按什么时间窗。口径不同的数字不可比较",
            "a metric's exact definition: what is counted, how and over which window; figures under different definitions are not comparable",
        ),
        TermDef(
            "repurchase_rate",
            "复购率",
            "Repurchase rate",
            "同一窗口内下单 ≥ 2 天的买家 / 该窗口买家数（同一天多单算一次）",
            "buyers ordering on ≥ 2 days within one window / buyers of that window (several orders on one day count once)",
        ),
        TermDef(
            "return_rate",
            "回购率",
            "Buy-again rate",
            "窗口1的买家中在之后的窗口2再次购买的人数 / 窗口1买家数",
            "buyers of window 1 who buy again in a later window 2 / buyers of window 1",
        ),
        TermDef(
            "roi",
            "ROI（利润口径）",
            "ROI (margin)",
            "增量毛利 / 活动费用；不同于投产比 ROAS（支付金额 / 花费），保本线 1.0",
            "incremental gross profit / campaign cost; unlike ROAS (GMV / spend); break-even 1.0",
        ),
        TermDef(
            "rfm",
            "RFM 分层",
            "RFM segments",
            "按最近一次购买（R）、购买频次（F）、消费金额（M）高于或低于均值把客户分为 8 类",
            "customers split into 8 segments by recency (R), frequency (F) and monetary value (M) above or below the mean",
        ),
        TermDef(
            "counterfactual",
            "反事实基线",
            "Counterfactual baseline",
            "没有活动时本应发生的销售：用活动前的趋势与星期效应拟合后外推",
            "the sales that would have happened without the campaign: trend and weekday effects fitted before it, projected over it",
        ),
        TermDef(
            "incremental_gmv",
            "增量支付金额",
            "Incremental GMV",
            "实际支付金额 − 反事实基线，按阶段并给出区间",
            "actual GMV − counterfactual baseline, per phase, with an interval",
        ),
        TermDef(
            "pull_forward",
            "透支（需求前移）",
            "Pull-forward",
            "活动后回落期低于基线的部分 / 活动期增量：被提前买走的需求",
            "the shortfall below baseline after the campaign / the campaign's lift: demand bought early",
        ),
        TermDef(
            "cohort",
            "同期群",
            "Cohort",
            "按首单月份分组的客户，看其之后各月仍购买的比例",
            "customers grouped by the month of their first order, followed by the share still buying in each later month",
        ),
        TermDef(
            "srm",
            "样本比例失衡 SRM",
            "Sample ratio mismatch (SRM)",
            "各组实际人数与设计分流比例的卡方检验；p < 0.001 说明分流或埋点有问题，效果不可信",
            "χ² test of arm counts against the design split; p < 0.001 means randomisation or logging is broken and effects cannot be trusted",
        ),
        TermDef(
            "cuped",
            "CUPED 方差缩减",
            "CUPED",
            "用实验前同一指标做协变量：Y' = Y − θ(X − X̄)，θ 在合并样本上估计；方差乘以 (1 − ρ²)",
            "a pre-period covariate: Y' = Y − θ(X − X̄), θ estimated on the pooled arms; variance times (1 − ρ²)",
        ),
        TermDef(
            "peeking",
            "偷看（提前停止）",
            "Peeking",
            "每天看一次显著性、一显著就停：假阳性率远高于名义的 5%",
            "checking significance daily and stopping at the first significant look: false positives far above the nominal 5%",
        ),
        TermDef(
            "gower",
            "Gower 距离",
            "Gower distance",
            "混合类型属性（类别与数值）的平均距离，用于在案例库中找相似活动",
            "the mean distance over mixed attributes (categorical and numeric), used to find similar campaigns in the case library",
        ),
        TermDef(
            "phase",
            "活动阶段",
            "Campaign phases",
            "日常期（平销期，即统计上的基线期）→ 预热期 → 爆发期 → 返场期 → 回落期，窗口在案例卡中声明",
            "baseline (the everyday weeks before) → pre-heat → burst → post → dip, windows declared "
            "on the case card",
        ),
    )
}

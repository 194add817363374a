# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python (fupan)
#     language: python
#     name: fupan
# ---

# %% [markdown]
# # 01 第一次复盘：双十一演示活动 · A first retrospective: the demo Double 11 campaign
#
# 一家虚构的天猫美妆旗舰店做了 2025 年双十一。我们按复盘的五步走一遍：**背景 → 策略 → 执行 → 结果 → 复盘**，
# 每一步都用 fupan 计算数字（本页没有一个数字是手填的），并讲清楚每个指标的**口径**为什么重要。
#
# A fictional Tmall beauty shop ran Double 11 2025. We walk the five steps of a 复盘 — background →
# strategy → execution → result → retrospective — computing every number through fupan (none is
# typed in) and saying why each metric's definition (口径) matters.

# %%
import pandas as pd
from IPython.display import display

from fupan.learn import data, exercises, explorer, glossary

pd.set_option("display.float_format", lambda x: f"{x:,.2f}")
folder = data.demo_dir()  # generated once into build/learn/, never committed
r = data.retrospective(folder)
print(r.card.name, "·", r.card.platform, "·", r.card.currency)

# %% [markdown]
# ## 1 背景与策略 Background and strategy
#
# 案例卡（`campaign.yaml`）在活动**之前**写下目标、预算和假设：复盘时拿结果去对照它们，而不是事后再定标准。
# The case card states targets, budget and hypotheses *before* launch; the retrospective holds
# the results against them instead of setting the bar afterwards.

# %%
windows = r.kpis[["start", "end", "days"]]
display(windows)
display(pd.Series(dict(r.card.strategy.targets), name="目标 target"))

# %% [markdown]
# ## 2 执行：每天卖了多少 Execution: what sold each day
#
# 下面的探索器可以按阶段、渠道、新老客（新客 = 这一单是该顾客有史以来的第一单）、日期筛选，指标卡和图随之更新
# （在 JupyterLab 中运行时）；在静态网页里，按钮切换的是预先算好的各阶段视图。**读图**：爆发期（11.1–11.11）
# 的尖峰之后，回落期的日销低于基线——这是第 04 课要讲的“透支”。
#
# The explorer filters by phase, channel, customer segment (new = the order is the customer's first
# ever; returning) and dates (live in JupyterLab; on a static page the buttons switch precomputed
# views by phase). *Reading the chart*: after the burst's spike, daily sales in the dip fall below
# the baseline — the pull-forward of example 04.

# %%
explorer.Explorer.of(r)  # filters: phase, channel, segment (新客 new / 老客 returning), date range

# %% [markdown]
# ## 3 结果：GMV 与净GMV · Result: GMV vs net GMV
#
# GMV（支付金额）在退款**之前**计；净GMV 扣掉退款。大促的退款率通常高于平时（冲动下单、凑单后退），
# 所以只看 GMV 会高估大促。
# GMV is counted before refunds; net GMV after. Campaign refund rates run above normal (impulse
# orders, orders placed to reach a threshold and returned), so GMV alone flatters a campaign.

# %%
display(glossary.define("gmv", "net_gmv", "refund_rate"))
money = r.kpis[["gmv", "refunds", "net_gmv", "refund_rate"]]
money

# %% [markdown]
# ## 4 复购率 与 回购率 · Repurchase rate vs return rate
#
# 两个词常被混用，口径却不同：**复购率**看同一个窗口内买了两天以上的买家；**回购率**看窗口 1 的买家
# 在之后的窗口 2 是否回来。大促拉来的新客，复购率可能很高（预售 + 尾款两天下单），回购率却可能很低。
# Two words often mixed up: the *repurchase rate* counts buyers ordering on two or more days within
# one window; the *return rate* asks whether the buyers of window 1 come back in a later window 2.

# %%
display(glossary.define("repurchase_rate", "return_rate"))
c = r.customers
rates = pd.Series(
    {
        "复购率 repurchase rate": c.repurchase.rate,
        "回购率 return rate": c.return_rate.rate,
    },
    name="活动买家 campaign buyers",
)
rates

# %% [markdown]
# ## 5 ROAS 与 ROI · ROAS vs ROI
#
# 后台说的“ROI”其实是**投产比 ROAS** = 支付金额 / 推广花费。它不扣成本，也不扣没有活动也会卖掉的部分。
# **利润 ROI** = 增量毛利 / 活动费用，保本线是 1.0。ROAS 3.4 看起来赚钱，利润 ROI 可能不到 1。
# What dashboards call “ROI” is ROAS = GMV / spend: no costs deducted, no baseline removed.
# Margin ROI = incremental gross profit / campaign cost, break-even 1.0.

# %%
display(glossary.define("roas", "roi"))
m = r.margin
pd.Series(
    {
        "投产比 ROAS": m.roas,
        "利润ROI margin ROI": m.roi_margin,
        "推广花费 spend": m.spend,
        "增量毛利 incremental gross profit": m.igp,
    }
)

# %% [markdown]
# ## 6 漏斗 Funnel
#
# 每一步的转化率 = 本步人数 / 上一步人数；最大的流失点是复盘要追问的地方。
# Each step's conversion = users at this step / users at the previous one; the biggest leak is
# where the retrospective digs.

# %%
r.funnel

# %% [markdown]
# ## 练习 Exercises
#
# 用代码作答：把答案赋给变量，运行 `check`。它只会说 对 / 不对（以及原因）/ 尚未作答，不会显示答案；
# 卡住时调用 `exN.hint()`，提示分几级，由浅入深。
# Answer in code: assign your answer, run the check. It says right / wrong (and why) / not
# attempted, never the answer; `exN.hint()` gives hints in levels.

# %%
ex = exercises.ExerciseSet("01")
ex1 = ex.exercise(
    "01-1",
    "number",
    tol=1.0,
    hints=[
        ("净GMV 的口径是什么？看第 3 节的定义。", "What is net GMV's definition? See section 3."),
        ("r.kpis 的每一行是一个阶段；days 列是天数。", "Each row of r.kpis is a phase; column days counts its days."),
        ("爆发期 burst 的 net_gmv 除以它的 days。", "The burst row's net_gmv divided by its days."),
    ],
)
ex2 = ex.exercise(
    "01-2",
    "choice",
    choices=("baseline", "preheat", "burst", "post", "dip"),
    hints=[
        ("比较各阶段的日均支付金额，而不是总额（各阶段天数不同）。", "Compare GMV per day, not totals (phases differ in length)."),
        ("r.kpis 有一列 gmv_per_day。", "r.kpis has a column gmv_per_day."),
    ],
)
ex3 = ex.exercise(
    "01-3",
    "number",
    tol=0.001,
    hints=[
        ("回购率看的是两个窗口。", "The return rate looks at two windows."),
        ("r.customers 里有 return_rate，它有一个 rate 属性。", "r.customers has return_rate, with a rate attribute."),
    ],
)
ex4 = ex.exercise(
    "01-4",
    "number",
    tol=0.01,
    hints=[
        ("不是 ROAS。", "Not ROAS."),
        ("利润 ROI 在 r.margin 中。", "Margin ROI lives in r.margin."),
        ("每投 1 元，扣掉这 1 元本身之后还剩多少增量毛利？", "Per yuan spent, what incremental profit is left after that yuan itself?"),
    ],
)

# %% [markdown]
# **练习 1 Exercise 1.** 爆发期平均每天的净GMV是多少（元，容差 1 元）？ What was net GMV per day in the burst phase (yuan, ±1)?

# %%
# BEGIN SOLUTION answer_1
answer_1 = r.kpis.loc["burst", "net_gmv"] / r.kpis.loc["burst", "days"]
ex1.mistake(
    r.kpis.loc["burst", "gmv_per_day"],
    "这是每天的 GMV（退款前），题目问的是扣除退款后的净GMV。",
    "That is GMV per day before refunds; the question asks for net GMV.",
)
# END SOLUTION
ex1.check(answer_1)

# %% [markdown]
# **练习 2 Exercise 2.** 除日常期外，哪个阶段的**日均**支付金额最低？用阶段键作答（preheat / burst / post / dip）。
# Apart from the baseline, which phase had the lowest GMV *per day*? Answer with the phase key.

# %%
# BEGIN SOLUTION answer_2
answer_2 = r.kpis.drop(index=["baseline", "campaign"])["gmv_per_day"].idxmin()
ex2.mistake(
    r.kpis.drop(index=["baseline", "campaign"])["gmv"].idxmin(),
    "这是总额最低的阶段；各阶段天数不同，要比日均。",
    "That phase has the lowest total; phases differ in length, compare per day.",
)
# END SOLUTION
ex2.check(answer_2)

# %% [markdown]
# **练习 3 Exercise 3.** 活动买家的**回购率**是多少（0–1 之间的小数，容差 0.001）？
# What is the campaign buyers' *return rate* (a fraction, ±0.001)?

# %%
# BEGIN SOLUTION answer_3
answer_3 = r.customers.return_rate.rate
ex3.mistake(
    r.customers.repurchase.rate,
    "这是复购率（同一窗口内），不是回购率（跨两个窗口）。",
    "That is the repurchase rate (within one window), not the return rate (across two).",
)
# END SOLUTION
ex3.check(answer_3)

# %% [markdown]
# **练习 4 Exercise 4.** 每投入 1 元活动费用，扣除这 1 元本身后，净赚（或净亏）多少元增量毛利（净ROI，容差 0.01，亏损为负）？
# Per yuan of campaign cost, how much incremental gross profit is left after that yuan (net ROI, ±0.01, a loss is negative)?

# %%
# BEGIN SOLUTION answer_4
answer_4 = r.margin.roi_margin - 1
ex4.mistake(
    r.margin.roas - 1,
    "这是用投产比 ROAS（支付金额 / 花费）算的，不扣成本。",
    "That is computed from ROAS (GMV / spend), which deducts no cost.",
)
ex4.mistake(
    r.margin.roi_margin,
    "这是利润 ROI 本身，还没有扣掉投入的那 1 元。",
    "That is margin ROI itself, before taking away the yuan spent.",
)
# END SOLUTION
ex4.check(answer_4)

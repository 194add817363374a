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
# # 04 增量是真的吗 · Was the lift real?
#
# 大促后最常见的一句话：“这次活动多卖了 X 万。”X 通常是这样算的：**活动期 GMV − 基线日均 × 活动天数**。
# 这一课在演示活动上检验这个表格习惯：演示数据是生成的，生成器把真实的增量和透支写进了 `truth.json`，
# 所以我们能知道哪个估计更接近真相。
#
# After a campaign one hears “we sold X more”, with X = campaign GMV − baseline daily average ×
# campaign days. Here we test that spreadsheet habit on the demo, whose generator wrote the true
# lift and pull-forward into `truth.json` — so we can tell which estimate is closer to the truth.

# %%
import pandas as pd
from IPython.display import display

from fupan.learn import charts, data, exercises, glossary

pd.set_option("display.float_format", lambda x: f"{x:,.2f}")
folder = data.demo_dir()
r = data.retrospective(folder)
truth = data.truth(folder)  # the planted effects: what a good estimate should recover
k = r.kpis

# %% [markdown]
# ## 1 表格习惯 The spreadsheet habit
#
# 基线日均 × 活动天数 当作“没有活动时会卖多少”。它有两个隐含假设：没有增长趋势、没有星期效应；
# 而且它只看活动期，不看活动**之后**的回落。
# Baseline daily average × campaign days as “what would have sold anyway” assumes no trend and
# no weekday pattern, and looks only at the campaign, never at the dip after it.

# %%
baseline_per_day = k.loc["baseline", "gmv_per_day"]
spreadsheet = k.loc["campaign", "gmv"] - baseline_per_day * k.loc["campaign", "days"]
planted = truth["incremental_gmv"]
planted_campaign = planted["preheat"] + planted["burst"] + planted["post"]
pd.Series(
    {
        "表格估计 spreadsheet (campaign)": spreadsheet,
        "真实增量 planted (campaign)": planted_campaign,
        "真实增量含回落 planted net of the dip": planted["total"],
    }
)

# %% [markdown]
# ## 2 反事实基线 The counterfactual baseline
#
# fupan 用活动前一年的日销拟合趋势和星期效应（对数线性模型），外推出“没有活动时”的每日 GMV，
# 增量 = 实际 − 反事实，并用自助法给出区间。下图同时画出生成器的真实反事实。
# fupan fits trend and weekday effects on the year before the campaign and projects the
# no-campaign GMV; incremental = actual − counterfactual, with bootstrap intervals. The chart
# also draws the generator's true counterfactual.

# %%
display(glossary.define("counterfactual", "incremental_gmv"))
daily = r.lift.cf.daily
frame = daily.loc[daily.index >= pd.Timestamp("2025-09-15"), ["actual", "expected"]].copy()
frame["planted counterfactual"] = pd.Series(
    {pd.Timestamp(d): v for d, v in truth["counterfactual_daily_gmv"].items()}
)
frame.columns = ["实际 actual", "模型反事实 fitted counterfactual", "真实反事实 planted counterfactual"]
fig, drawn = charts.lines(frame, "实际与反事实 Actual vs counterfactual GMV")
fig

# %%
lift = r.lift.table[["actual", "expected", "incremental", "lower", "upper"]]
compare = lift.loc[["preheat", "burst", "post", "dip", "total"], ["incremental"]].assign(
    planted=[planted[p] for p in ("preheat", "burst", "post", "dip", "total")]
)
compare

# %% [markdown]
# ## 3 透支 Pull-forward
#
# 回落期低于反事实的部分，是被大促提前买走的需求。透支率 = −回落期增量 / 活动期增量。
# The dip below the counterfactual is demand bought early: pull-forward share = −dip lift /
# campaign lift.

# %%
display(glossary.define("pull_forward"))
pd.DataFrame(
    {
        "估计 estimate": r.lift.pull_forward,
        "真实 planted": pd.Series({"estimate": truth["pull_forward_share"]}),
    }
)

# %% [markdown]
# ## 4 利润ROI 与 ROAS · Margin ROI vs ROAS
#
# 增量有了，还要看它值不值：增量毛利扣掉折扣让利和可变成本，再除以活动费用。
# With the lift known, is it worth it: incremental gross profit after discounts and variable
# cost, over the campaign's cost.

# %%
m = r.margin
pd.Series(
    {
        "投产比 ROAS": m.roas,
        "利润ROI margin ROI": m.roi_margin,
        "保本销量提升 break-even unit lift": m.break_even_lift,
        "实际销量提升 unit lift": m.unit_lift,
    }
)

# %% [markdown]
# **读数 Reading.** ROAS 大于 3，但利润 ROI 小于 1：折扣和推广费吃掉了增量毛利。表格习惯既高估了增量
# （忽略趋势与回落），也没有回答“值不值”。
# ROAS above 3 but margin ROI below 1: discounts and spend ate the incremental profit. The
# spreadsheet habit overstates the lift (no trend, no dip) and never asks whether it paid.

# %% [markdown]
# ## 练习 Exercises

# %%
ex = exercises.ExerciseSet("04")
ex1 = ex.exercise(
    "04-1",
    "number",
    tol=0.005,
    hints=[
        ("先算表格估计相对真实活动期增量的误差。", "Compare the spreadsheet estimate with the planted campaign lift."),
        ("相对误差 = (估计 − 真实) / 真实。", "Relative error = (estimate − truth) / truth."),
        ("真实值在 truth['incremental_gmv'] 中，活动期 = preheat + burst + post。", "The truth is in truth['incremental_gmv']; campaign = preheat + burst + post."),
    ],
)
ex2 = ex.exercise(
    "04-2",
    "number",
    tol=0.005,
    hints=[
        ("这次比较的是“含回落”的真实增量。", "This time compare with the planted lift net of the dip."),
        ("truth['incremental_gmv']['total']", "truth['incremental_gmv']['total']"),
    ],
)
ex3 = ex.exercise(
    "04-3",
    "number",
    tol=0.005,
    hints=[
        ("透支率的估计在 r.lift 里。", "The pull-forward estimate is in r.lift."),
        ("r.lift.pull_forward 是一个 Series。", "r.lift.pull_forward is a Series."),
    ],
)
ex4 = ex.exercise(
    "04-4",
    "choice",
    choices=("yes", "no"),
    hints=[
        ("ROAS 不扣成本。", "ROAS deducts no cost."),
        ("利润 ROI 的保本线是 1.0。", "Margin ROI breaks even at 1.0."),
    ],
)

# %% [markdown]
# **练习 1 Exercise 1.** 表格估计比真实的活动期增量高估了多少（相对误差，小数，容差 0.005）？
# By how much does the spreadsheet estimate overstate the planted campaign lift (relative error, ±0.005)?

# %%
# BEGIN SOLUTION answer_1
answer_1 = (spreadsheet - planted_campaign) / planted_campaign
ex1.mistake(
    (spreadsheet - planted_campaign) / spreadsheet,
    "分母应是真实增量，不是表格估计。",
    "Divide by the planted lift, not by the spreadsheet estimate.",
)
# END SOLUTION
ex1.check(answer_1)

# %% [markdown]
# **练习 2 Exercise 2.** 如果把回落期的透支也算上，表格估计高估了多少（相对误差，容差 0.005）？
# Counting the dip's payback too, by how much does it overstate (relative error, ±0.005)?

# %%
# BEGIN SOLUTION answer_2
answer_2 = (spreadsheet - planted["total"]) / planted["total"]
# END SOLUTION
ex2.check(answer_2)

# %% [markdown]
# **练习 3 Exercise 3.** fupan 估计的透支率是多少（容差 0.005）？ fupan's pull-forward estimate (±0.005)?

# %%
# BEGIN SOLUTION answer_3
answer_3 = r.lift.pull_forward["estimate"]
ex3.mistake(
    truth["pull_forward_share"],
    "这是生成器写下的真实值，题目问的是 fupan 的估计。",
    "That is the planted value; the question asks for fupan's estimate.",
)
# END SOLUTION
ex3.check(answer_3)

# %% [markdown]
# **练习 4 Exercise 4.** 按利润口径，这次活动赚钱了吗？（yes / no）
# On margin, did the campaign pay for itself? (yes / no)

# %%
# BEGIN SOLUTION answer_4
answer_4 = "yes" if r.margin.roi_margin >= 1 else "no"
ex4.mistake(
    "yes" if r.margin.roas >= 1 else "no",
    "ROAS 大于 1 不代表赚钱：它不扣成本和折扣。",
    "ROAS above 1 does not mean profit: it deducts neither costs nor discounts.",
)
# END SOLUTION
ex4.check(answer_4)

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
# # 05 一场出了问题的活动：爆单断货 · A campaign that went wrong: orders the warehouse could not fulfil
#
# 一家京东数码配件店（虚构）的 11.11：订单量超出预期，6 个畅销 SKU 在爆发期断货，云仓发货超时，
# 取消和退款随之飙升。复盘要回答：**损失了多少、根因在哪、下次怎么做**。数据由场景预设
# `warehouse_stockout`（`fupan.demo.scenarios`）生成，数字全部由 fupan 计算。
#
# A fictional JD accessories shop's 11.11: more orders than expected, six best sellers out of
# stock during the burst, late shipments, cancellations and refunds soaring. The retrospective
# answers: how much was lost, what was the root cause, what to do next time.

# %%
import pandas as pd
from IPython.display import display

from fupan.learn import charts, data, exercises, glossary

pd.set_option("display.float_format", lambda x: f"{x:,.2f}")
folder = data.preset_dir("warehouse_stockout")
r = data.retrospective(folder)
print(r.card.name)

# %% [markdown]
# ## 1 症状：取消率与退款率 Symptoms: cancellations and refunds
#
# 爆发期的 GMV 指数很高，但取消率和退款率是基线的两三倍：卖出去的没能送到。
# The burst's GMV index is high, but cancellation and refund rates are two to three times the
# baseline: what was sold could not be delivered.

# %%
display(glossary.define("cancel_rate", "refund_rate"))
symptoms = r.kpis[["gmv_index", "cancel_rate", "refund_rate"]]
fig, drawn = charts.bars(symptoms["cancel_rate"], "各阶段取消率 Cancellation rate by phase")
display(symptoms)
fig

# %% [markdown]
# ## 2 损失：断货的 SKU 与流失的 GMV · The loss: SKUs out of stock and GMV lost
#
# 每个断货日的损失 = 该 SKU 断货前的日常日销（run rate：断货前 14 天在库日的 GMV，每天先除以
# 当天的 GMV 指数，折回日常水平）× 断货当天的 GMV 指数；只计有库存记录的日子。
# Each stock-out day loses the SKU's everyday run rate before it ran out (its in-stock days' GMV
# over the 14 days before, each divided by that day's GMV index) × that day's GMV index.

# %%
lost = r.inventory.lost
per_sku = lost[lost["sku"] != "_all"].set_index("sku")[["stockout_days", "run_rate", "lost_gmv"]]
per_sku

# %% [markdown]
# ## 3 根因与自动发现 Root cause and the drafted findings
#
# fupan 把每个结论连同数字一起起草出来；运营团队在案例卡里写下经验与行动。
# fupan drafts each finding with its numbers; the team writes lessons and actions in the card.

# %%
for f in r.findings:
    if f.kind == "miss":
        print("✘", f.zh)
print()
for a in r.card.retrospective.to_improve:
    print("·", a)

# %% [markdown]
# ## 练习 Exercises

# %%
ex = exercises.ExerciseSet("05")
ex1 = ex.exercise(
    "05-1",
    "number",
    tol=1.0,
    hints=[
        ("把每个断货 SKU 的损失加起来。", "Add up the loss of every SKU out of stock."),
        ("per_sku 的 lost_gmv 列。", "Column lost_gmv of per_sku."),
    ],
)
ex2 = ex.exercise(
    "05-2",
    "text",
    hints=[
        ("看 per_sku 表。", "Look at the per_sku table."),
        ("按 lost_gmv 找最大的一行，答 SKU 编号。", "The row with the largest lost_gmv; answer its SKU code."),
    ],
)
ex3 = ex.exercise(
    "05-3",
    "number",
    tol=0.01,
    hints=[
        ("比较爆发期与日常期的取消率。", "Compare the burst's cancellation rate with the baseline's."),
        ("倍数 = 爆发期 / 日常期。", "Multiple = burst / baseline."),
    ],
)

# %% [markdown]
# **练习 1 Exercise 1.** 断货一共损失了多少 GMV（元，容差 1）？ How much GMV did the stock-outs lose in all (±1)?

# %%
# BEGIN SOLUTION answer_1
answer_1 = per_sku["lost_gmv"].sum()
ex1.mistake(
    per_sku["run_rate"].sum(),
    "这是各 SKU 一天的日销节奏之和，还要乘以断货天数。",
    "That is one day of each SKU's run rate; multiply by its days out of stock.",
)
# END SOLUTION
ex1.check(answer_1)

# %% [markdown]
# **练习 2 Exercise 2.** 哪个 SKU 损失最大？（SKU 编号） Which SKU lost the most? (its code)

# %%
# BEGIN SOLUTION answer_2
answer_2 = per_sku["lost_gmv"].idxmax()
ex2.mistake(
    per_sku["stockout_days"].idxmax(),
    "这是断货天数最多的 SKU（之一）；损失还取决于它平时卖得多快。",
    "That SKU was out of stock longest; the loss also depends on how fast it sells.",
)
# END SOLUTION
ex2.check(answer_2)

# %% [markdown]
# **练习 3 Exercise 3.** 爆发期的取消率是日常期的几倍（容差 0.01）？ The burst's cancellation rate as a multiple of the baseline's (±0.01)?

# %%
# BEGIN SOLUTION answer_3
answer_3 = r.kpis.loc["burst", "cancel_rate"] / r.kpis.loc["baseline", "cancel_rate"]
ex3.mistake(
    r.kpis.loc["burst", "refund_rate"] / r.kpis.loc["baseline", "refund_rate"],
    "这是退款率的倍数，题目问的是取消率。",
    "That is the refund rate's multiple; the question asks about cancellations.",
)
# END SOLUTION
ex3.check(answer_3)

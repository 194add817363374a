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
# # 06 与案例库对标：哪些可以复用 · Comparing a new campaign with the case library: what to reuse
#
# 新活动复盘完，下一步是问：**和以前的活动比，它算好吗？最像哪几场？那几场踩过什么坑？**
# 本例在笔记本里建一个小案例库（4 个合成场景预设，`fupan.demo.scenarios`），用 `fupan.cases`
# 归档，再把示例 01 的双十一美妆活动（同一个演示生成器与种子，规模取三分之一，跑得更快）
# 和它们对标。数字全部由 fupan 计算。
#
# The retrospective is done; next: **compared with past campaigns, was it good? Which ones is it
# most like, and what went wrong in those?** This example builds a small case library here (four
# synthetic scenario presets), files it with `fupan.cases`, and benchmarks example 01's Double 11
# beauty campaign (the same demo generator and seed at a third of the size, to run faster) against
# it. Every number is computed by fupan.

# %%
import warnings

import pandas as pd
from IPython.display import display
from scipy.stats import percentileofscore

from fupan.cases import benchmark, load_index
from fupan.cases.kpis import METRIC_BY_KEY
from fupan.i18n import t
from fupan.learn import charts, data, exercises, glossary

warnings.simplefilter("ignore", RuntimeWarning)  # numerical warnings of the CLV fit on tiny shops
pd.set_option("display.float_format", lambda x: f"{x:,.2f}")

# %% [markdown]
# ## 1 一个小案例库 A small case library
#
# 真实团队的案例库由 `fupan run` + `fupan archive` 一场场积累（`make library` 建 16 个种子案例，
# 需要几分钟）。这里只取 4 个小店的预设：同类目同平台的一场、同类目换平台的一场、两场不同类目的。
# 每个案例的记录（case.json）在本进程内算出并归档；为了一分钟内跑完，报告页只写页脚。
#
# A real team's library grows one `fupan run` + `fupan archive` at a time (`make library` builds
# 16 seed cases in a few minutes). Here: four small presets — one of the same platform and
# category, one of the same category elsewhere, two of other categories. Each record is computed in
# this process and archived; to run within a minute the report page carries only its footer.

# %%
presets = ["beauty_reference", "live_channel_fault", "pets_small_shop", "no_lift"]
library = data.CACHE / "library-06"
filed = data.mini_library(presets, library)
index = pd.DataFrame(load_index(library)["cases"]).set_index("case_id")
index[["name", "platform", "category", "provenance"]]

# %% [markdown]
# ## 2 新活动：对标 The new campaign, benchmarked
#
# `benchmark` 读出案例库，把新活动放进同行里排位。同行 = 同平台同类目的案例，不够 `min_peers`
# 个就放宽到同类目、同平台、整个库。默认 10 个；这个库只有 4 个案例，所以这里设为 3——
# 4 个同行的百分位很粗（只有 0、25、50、75、100 几档），真实判断要更大的库。
#
# `benchmark` reads the library and ranks the new campaign among its peers: the same platform and
# category, widened to category, platform, the whole library until there are `min_peers`. The
# default is 10; this library holds four cases, so 3 here — a percentile among four peers is coarse
# (0, 25, 50, 75, 100), a real judgement needs a bigger library.

# %%
r = data.retrospective(data.demo_dir(scale=1.0))  # example 01's shop, a third of its size
b = benchmark(r, library, min_peers=3)
print(r.card.name, "·", r.card.platform, r.card.category)
print("同行层级 peer level:", b.peer_level, "·", b.library_size, "cases")
pd.Series(b.peer_counts, name="cases")

# %% [markdown]
# ### 2.1 为什么不比 GMV · Why GMV is not compared across sizes
#
# GMV、UV、订单数是**规模**：大店的 GMV 高，是因为店大，不是因为活动做得好。把它们排名，排的是店的大小。
# 所以案例之间只比**归一化指标**：比率（转化率、退款率）、每 UV 价值、相对本店基线的指数、爆发系数、
# 目标达成率。下表是同一个库里各案例的规模与两个归一化指标。
#
# GMV, UV and orders measure **size**: a big shop's GMV is high because the shop is big, not
# because its campaign went well; ranking them ranks shops by size. Cases are compared only on
# **normalised KPIs**: ratios, value per UV, indices against each case's own baseline, the burst
# multiple, target achievement. Below: each case's size and two normalised KPIs.

# %%
display(glossary.define("gmv_index", "gower"))
sizes = pd.DataFrame(
    [
        {
            "case": c.case_id,
            "GMV 万元": c.gmv / 1e4,
            "UV": c.uv,
            "gmv_index": c.values["gmv_index"],
            "gmv_per_uv": c.values["gmv_per_uv"],
        }
        for c in [b.subject, *(n.case for n in b.nearest)]
    ]
).set_index("case")
sizes

# %% [markdown]
# 看 GMV 一列：各店大小悬殊；再看支付金额指数（相对本店自己的基线）和每 UV 价值：差距小得多，
# 先后顺序也不一样——后两者才说明活动做得好不好。练习 3 会算出这个倍数。
# Look at the GMV column: the shops differ hugely in size; then at the GMV index (against each
# shop's own baseline) and GMV per UV: the gaps are far smaller and the order differs — these two say
# how well the campaign went. Exercise 3 computes the multiple.

# %% [markdown]
# ## 3 百分位排名 Percentile ranks on normalised KPIs
#
# 每个指标都按“越高越好”的方向排：退款率越低越好，所以它的百分位是“低于多少同行”。
# 直播支付金额占比是结构占比，不分优劣：它的百分位只说明由低到高的位置，报告里不称“优于同行”。
# 百分位 = scipy `percentileofscore(kind="rank")`；稳健 z = (x − 中位数) / (1.4826·MAD)。
#
# Every KPI is oriented so that higher is better: a low refund rate is good, so its percentile says
# how many peers it beats by being lower. Live-stream GMV share is a share of the mix, neither
# better nor worse: its percentile only places it from low to high, and the report never calls it
# "better than peers". Percentile: scipy `percentileofscore(kind="rank")`;
# robust z = (x − median) / (1.4826·MAD).

# %%
ranks = pd.DataFrame(
    [
        {
            "kpi": p.key,
            "指标": METRIC_BY_KEY[p.key].zh,
            "KPI": METRIC_BY_KEY[p.key].en,
            "value": p.value,
            "peer median": p.quartiles[1] if p.quartiles else None,
            "n": p.n,
            "percentile": p.percentile,
            "robust z": p.z,
        }
        for p in b.positions
    ]
).set_index("kpi")
fig, drawn = charts.bars(
    ranks["percentile"].rename(index=lambda k: METRIC_BY_KEY[k].zh),
    "新活动在同行中的百分位 Percentile among peers (higher = better)",
)
display(ranks)
fig

# %% [markdown]
# ## 4 最相似的案例（Gower）· The nearest cases (Gower similarity)
#
# 相似度看的是**活动本身**：平台、类目、节日（类别属性）与活动天数、折扣深度、预算量级
# （数值属性，按极差缩放）。Gower 相似度 = 1 − 各属性差异的平均。最相似的案例的经验最值得借鉴。
#
# Similarity is about **the campaign itself**: platform, category, festival (categorical) and
# duration, discount depth, budget magnitude (numeric, range-scaled). Gower similarity = 1 − the
# mean difference over the attributes. The nearest cases' lessons are the ones worth borrowing.

# %%
near = pd.DataFrame(
    [
        {
            "case": n.case.case_id,
            "similarity": n.similarity,
            "platform": n.case.attributes.platform,
            "category": n.case.attributes.category,
            "festival": n.case.attributes.festival,
            "days": n.case.attributes.duration_days,
            "discount depth": n.case.attributes.discount_depth,
            "log10 budget": n.case.attributes.log_budget,
        }
        for n in b.nearest
    ]
).set_index("case")
a = b.subject.attributes
print("新活动 new campaign:", a.platform, a.category, a.festival, a.duration_days)
near

# %% [markdown]
# 最相似的两个案例的团队写下的“待改进” · What the two nearest cases' teams wrote under “to improve”:

# %%
for n in b.nearest[:2]:
    print(n.case.case_id, "·", n.case.name)
    for lesson in n.case.lessons:
        print("   ·", lesson)

# %% [markdown]
# ## 5 复用风险清单 The reuse-risk checklist
#
# 把最相似案例的经验（待改进）和自动发现的问题按四个主题归类：资源、时机、协同、指标重心。
# 复用一个方案前，逐条问：这些坑我们这次填上了吗？
#
# The nearest cases' lessons (to improve) and drafted misses, sorted into four themes: resources,
# timing, coordination, metric focus. Before reusing a plan, ask of each: have we filled this hole?

# %%
for risk in b.risks:
    print(t(f"bm_risk_{risk.theme}", "zh"))
    print(t(f"bm_risk_{risk.theme}", "en"))
    lessons = [e for e in risk.evidence if e.source == "to_improve"]
    misses = [e for e in risk.evidence if e.source == "miss"]
    for e in lessons:
        print("   · [待改进 to improve]", e.text, "—", ", ".join(e.cases))
    print(f"   · 另有 {len(misses)} 条自动发现的问题 / and {len(misses)} drafted miss(es)")
    print()

# %% [markdown]
# **怎么用 How to use it.** 排名告诉你这场活动在同行里的位置，相似案例告诉你该向谁学，风险清单告诉你
# 复用它们的方案前要先补哪些课。库越大，百分位越可信；4 个案例只够演示方法。
# The ranks place the campaign among its peers, the nearest cases say whom to learn from, and the
# checklist says what to fix before reusing their plans. The bigger the library, the more a
# percentile means; four cases only show the method.

# %% [markdown]
# ## 练习 Exercises

# %%
ex = exercises.ExerciseSet("06")
ex1 = ex.exercise(
    "06-1",
    "number",
    tol=1.0,
    hints=[
        ("看第 3 节的排名表。", "Look at the ranks table of section 3."),
        (
            "退款率越低越好：fupan 的百分位已经按“越高越好”定向。",
            "Lower refund rates are better: fupan's percentile is already oriented so higher = better.",
        ),
    ],
)
ex2 = ex.exercise(
    "06-2",
    "text",
    hints=[
        ("看第 4 节的相似案例表。", "Look at the nearest-cases table of section 4."),
        (
            "相似度最高的一行，答它的案例编号。",
            "The row with the highest similarity; answer its case id.",
        ),
    ],
)
ex3 = ex.exercise(
    "06-3",
    "number",
    tol=0.1,
    hints=[
        (
            "b.subject.gmv 是新活动的 GMV；b.scale_peers 有同行的 GMV。",
            "b.subject.gmv is the new campaign's GMV; b.scale_peers holds the peers'.",
        ),
        (
            "倍数 = 新活动 GMV / 同行中最小的 GMV。",
            "Multiple = the new campaign's GMV / the smallest peer GMV.",
        ),
    ],
)

# %% [markdown]
# **练习 1 Exercise 1.** 新活动的退款率在同行中的百分位是多少（按越高越好定向，容差 1）？
# The new campaign's refund-rate percentile among its peers (oriented higher = better, ±1)?

# %%
# BEGIN SOLUTION answer_1
answer_1 = ranks.loc["refund_rate", "percentile"]
pos = next(p for p in b.positions if p.key == "refund_rate")
ex1.mistake(
    percentileofscore(pos.peers, pos.value, kind="rank"),
    "这是退款率数值本身的百分位；退款率越低越好，要反过来看。",
    "That is the percentile of the raw refund rate; lower is better, so turn it around.",
)
# END SOLUTION
ex1.check(answer_1)

# %% [markdown]
# **练习 2 Exercise 2.** 库里和新活动最相似的案例是哪一个？（案例编号）
# Which case in the library is most similar to the new campaign? (its case id)

# %%
# BEGIN SOLUTION answer_2
answer_2 = near["similarity"].idxmax()
ex2.mistake(
    near["similarity"].idxmin(),
    "这是最不相似的案例。",
    "That is the least similar case.",
)
# END SOLUTION
ex2.check(answer_2)

# %% [markdown]
# **练习 3 Exercise 3.** 新活动的 GMV 是库中最小同行 GMV 的几倍（容差 0.1）？这个倍数说明了什么？
# The new campaign's GMV as a multiple of the smallest peer's (±0.1)? What does it say about
# comparing GMV?

# %%
# BEGIN SOLUTION answer_3
answer_3 = b.subject.gmv / min(b.scale_peers["gmv"])
ex3.mistake(
    b.subject.uv / min(b.scale_peers["uv"]),
    "这是 UV 的倍数，题目问的是 GMV。",
    "That is the multiple of UV; the question asks about GMV.",
)
# END SOLUTION
ex3.check(answer_3)

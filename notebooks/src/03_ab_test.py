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
# # 03 读懂 A/B 测试 · Reading an A/B test properly
#
# 三个常见陷阱，用模拟数据演示（随机种子固定，结果可复现）：**样本比例失衡（SRM）**——分流坏了，结论全部作废；
# **CUPED**——用实验前的数据把方差降下来；**偷看**——每天看一次、显著就停，假阳性远超 5%。
# 每个数字都由 `fupan.metrics.abtest` 计算。
#
# Three traps, on simulated data (fixed seed): sample ratio mismatch — broken assignment voids the
# result; CUPED — pre-experiment data cuts the variance; peeking — stopping at the first significant
# daily look inflates false positives far beyond 5%. Every number comes from `fupan.metrics.abtest`.

# %%
import numpy as np
import pandas as pd
from IPython.display import display

from fupan.learn import charts, exercises, glossary
from fupan.metrics import abtest

pd.set_option("display.float_format", lambda x: f"{x:,.4f}")
rng = np.random.default_rng(20251111)

# %% [markdown]
# ## 1 先查分流：SRM · Check the split first: SRM
#
# 设计是 50/50。一个埋点 bug 让 B 组丢了 10% 的移动端用户（约占 B 组的 6%）。效果看起来还不错——但先看 SRM。
# The design is 50/50; a logging bug loses 10% of group B's mobile users (about 6% of B). The effect looks fine —
# but check the split first.

# %%
display(glossary.define("srm"))
n = 20_000
arm = rng.integers(0, 2, n)  # 0 = A, 1 = B
mobile = rng.random(n) < 0.6
lost = (arm == 1) & mobile & (rng.random(n) < 0.10)
seen = ~lost
counts = np.bincount(arm[seen], minlength=2)
srm = abtest.srm_test(counts, [0.5, 0.5])
pd.Series({"A 组人数 users A": counts[0], "B 组人数 users B": counts[1], "SRM p": srm.p_value, "报警 flagged": srm.flagged})

# %% [markdown]
# **读数 Reading.** p 值远小于 0.001：分流或埋点坏了，不管转化率差多少，都不能下结论。
# A p-value far below 0.001: the split or the logging is broken; no conclusion from this test.

# %% [markdown]
# ## 2 CUPED：用实验前的数据降方差 · CUPED: pre-experiment data cuts the variance
#
# 每个用户实验期的消费 Y 与实验前 30 天的消费 X 高度相关。Y' = Y − θ(X − X̄) 的均值差不变，方差变小，
# 置信区间变窄。
# Spend during the test Y correlates with spend in the 30 days before, X. Y' keeps the difference
# in means and shrinks its variance: a narrower interval.

# %%
display(glossary.define("cuped"))
m = 4_000
x = rng.gamma(2.0, 50.0, 2 * m)  # pre-period spend
group = np.repeat([0, 1], m)
y = 0.8 * x + rng.normal(0, 40, 2 * m) + np.where(group == 1, 5.0, 0.0)  # true effect +5
plain = abtest.welch_ttest(y[group == 0], y[group == 1])
cuped = abtest.cuped_adjust(y, x)
adj = np.asarray(cuped.adjusted)
adjusted = abtest.welch_ttest(adj[group == 0], adj[group == 1])
cuped_table = pd.DataFrame(
    {
        "差 diff": [plain.diff, adjusted.diff],
        "p": [plain.p_value, adjusted.p_value],
        "区间宽度 CI width": [plain.ci[1] - plain.ci[0], adjusted.ci[1] - adjusted.ci[0]],
    },
    index=["原始 plain", "CUPED"],
)
cuped_table

# %% [markdown]
# ## 3 偷看 Peeking
#
# 模拟 400 个**没有任何效果**的 A/A 测试，每个跑 20 天，每天看一次 p 值。只在最后看一次，假阳性率约 5%；
# 每天看、一显著就停，假阳性率高得多。
# 400 A/A tests with no effect at all, 20 days each, a p-value every day. Looking once at the end
# gives about 5% false positives; stopping at the first significant look gives far more.

# %%
display(glossary.define("peeking"))
tests, days, per_day, p0 = 400, 20, 200, 0.05
conv = rng.binomial(per_day, p0, size=(tests, 2, days)).cumsum(axis=2)
users = per_day * np.arange(1, days + 1)
pvalues = np.array(
    [
        [abtest.two_proportion_ztest(int(conv[t, 0, d]), int(users[d]), int(conv[t, 1, d]), int(users[d])).p_value for d in range(days)]
        for t in range(tests)
    ]
)
at_end = float((pvalues[:, -1] < 0.05).mean())
peeking = float((pvalues < 0.05).any(axis=1).mean())
by_day = pd.DataFrame(
    {"偷看累计假阳性 peeking, cumulative": [(pvalues[:, : d + 1] < 0.05).any(axis=1).mean() for d in range(days)]},
    index=pd.RangeIndex(1, days + 1, name="day"),
)
by_day["只看最后 looking once"] = at_end
fig, drawn = charts.lines(by_day, "偷看让假阳性累积 Peeking accumulates false positives", "false-positive rate")
fig

# %% [markdown]
# ## 练习 Exercises

# %%
ex = exercises.ExerciseSet("03")
ex1 = ex.exercise(
    "03-1",
    "choice",
    choices=("yes", "no"),
    hints=[
        ("先看 SRM，再看效果。", "SRM first, then the effect."),
        ("srm.flagged 说明了什么？", "What does srm.flagged say?"),
    ],
)
ex2 = ex.exercise(
    "03-2",
    "number",
    tol=0.01,
    hints=[
        ("比较两种方法的区间宽度。", "Compare the two interval widths."),
        ("比值 = CUPED 宽度 / 原始宽度。", "Ratio = CUPED width / plain width."),
    ],
)
ex3 = ex.exercise(
    "03-3",
    "number",
    tol=0.01,
    hints=[
        ("用 pvalues 矩阵：行是测试，列是天。", "Use the pvalues matrix: rows are tests, columns days."),
        ("只看前 10 天：任一天 p < 0.05 的测试占比。", "First 10 days only: the share of tests with p < 0.05 on any day."),
    ],
)

# %% [markdown]
# **练习 1 Exercise 1.** 第 1 节的测试结果可以用来下结论吗？（yes / no）
# Can the test of section 1 be used to draw a conclusion? (yes / no)

# %%
# BEGIN SOLUTION answer_1
answer_1 = "no" if srm.flagged else "yes"
# END SOLUTION
ex1.check(answer_1)

# %% [markdown]
# **练习 2 Exercise 2.** CUPED 的置信区间宽度是原始方法的几倍（比值，容差 0.01）？
# CUPED's interval width as a multiple of the plain one (ratio, ±0.01)?

# %%
# BEGIN SOLUTION answer_2
answer_2 = cuped_table.loc["CUPED", "区间宽度 CI width"] / cuped_table.loc["原始 plain", "区间宽度 CI width"]
ex2.mistake(
    cuped_table.loc["原始 plain", "区间宽度 CI width"] / cuped_table.loc["CUPED", "区间宽度 CI width"],
    "比值倒过来了：CUPED 在分子。",
    "The ratio is upside down: CUPED goes on top.",
)
# END SOLUTION
ex2.check(answer_2)

# %% [markdown]
# **练习 3 Exercise 3.** 如果只跑 10 天、每天偷看，假阳性率是多少（容差 0.01）？
# Running only 10 days and peeking daily, what is the false-positive rate (±0.01)?

# %%
# BEGIN SOLUTION answer_3
answer_3 = float((pvalues[:, :10] < 0.05).any(axis=1).mean())
ex3.mistake(
    float((pvalues[:, 9] < 0.05).mean()),
    "这是只在第 10 天看一次的假阳性率，不是每天偷看。",
    "That is looking once on day 10, not peeking every day.",
)
# END SOLUTION
ex3.check(answer_3)

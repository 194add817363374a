# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
campaign_dir: str = "../data/demo"  # campaign folder: campaign.yaml + its tables
lang: str = "zh"  # report language: "zh" (default) or "en"
prepared: str = ""  # validated tables written by fupan run, empty to validate the folder here
share_safe: bool = False  # True for the version for wider circulation, money as an index

# %% tags=["setup"]
from IPython.display import display

import fupan
from fupan.report import charts, render

r = fupan.load_retrospective(campaign_dir, lang=lang, prepared=prepared, share_safe=share_safe)
style = r.style  # language, currency and (share-safe) money index of every number below
display(render.share_safe_notice(style))
display(render.warnings(r.campaign.warnings, style))

# %% [markdown]
# # 背景 Background

# %%
display(render.background(r.card, style))

# %% [markdown]
# # 策略 Strategy

# %%
display(render.strategy(r.card, style))

# %% [markdown]
# # 执行 Execution
# ## 每日GMV与活动阶段 Daily GMV by phase and channel

# %%
display(*render.daily_gmv(r.agg.daily, r.windows, r.kpis, style))

# %% [markdown]
# ## 分小时峰值 Hourly peaks

# %%
display(charts.hourly_peaks(r.agg.hourly, fupan.peak_days(r), (r.card.windows.baseline.start, r.card.windows.baseline.end), style))
display(render.fragment("peak_hours", style, result=r.peak_hours))

# %% [markdown]
# ## 转化漏斗 Funnel

# %%
display(*render.funnel(r.funnel, r.funnel_channels, style))

# %% [markdown]
# ## 库存与缺货 Stock-outs

# %%
display(*render.stockouts(r.agg.stockouts, r.inventory, style))

# %% [markdown]
# ## 投放节奏 Spend pacing

# %%
display(*render.spend(r.agg.spend, r.card, r.channels, style))

# %% [markdown]
# ## 异常日 Anomalous days

# %%
display(render.day_anomalies(r.day_anomalies, style))
display(render.alerts(r.alerts, style, title=True))

# %% [markdown]
# # 结果 Result
# ## 核心指标 KPI cards

# %%
display(render.kpi_cards(r.kpis, r.targets, style))
display(render.targets_table(r.targets, style))

# %% [markdown]
# ## GMV 驱动拆解 GMV driver decomposition

# %%
display(*render.decomposition(r.decomposition, style))

# %% [markdown]
# ## 增量、透支与长尾 Incremental lift, pull-forward and halo

# %%
display(*render.lift_section(r.lift, r.windows, style))

# %% [markdown]
# ### 对照组双重差分 Difference-in-differences against control series

# %%
display(render.controls(r.controls, style))

# %% [markdown]
# ## 毛利ROI Margin-aware ROI

# %%
display(render.margin_roi(r.margin, style))
display(render.ltv_cac(r.ltv_cac, style))

# %% [markdown]
# ## 归因 Root cause

# %%
display(render.root_cause(r.segments, r.root_cause, style))

# %% [markdown]
# ## 假设检验 Hypotheses

# %%
display(render.hypotheses_table(r.hypotheses, style))
display(render.definitions(fupan.REPORTED_KPIS, fupan.DEFINITIONS_VERSION, style))

# %% [markdown]
# ## A/B 测试 A/B test

# %%
display(render.ab_test(r.ab, style))

# %% [markdown]
# ## 新客质量 New-customer quality

# %%
display(render.new_customer_quality(r.customers, style))

# %% [markdown]
# ## 客户分层与留存 RFM segments and cohorts

# %%
display(*render.rfm(r.customers, style))

# %% [markdown]
# ## 客户价值 Customer value

# %%
display(render.customer_value(r.customer_value, style))

# %% [markdown]
# # 复盘 Retrospective
# ## 自动发现 Findings

# %%
display(render.findings(r.findings, style))

# %% [markdown]
# ## 经验与行动 Lessons and actions

# %%
display(render.lessons(r.card, style))

# %% tags=["remove_cell"]
fupan.display_case_record(r)

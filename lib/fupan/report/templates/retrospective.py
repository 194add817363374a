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
from fupan.i18n import t
from fupan.report import charts, render

r = fupan.load_retrospective(campaign_dir, lang=lang, prepared=prepared, share_safe=share_safe)
k = r.kpis
display(render.share_safe_notice(r.money_index, lang))
display(render.warnings(r.campaign.warnings, lang))

# %% [markdown]
# # 背景 Background

# %%
display(render.background(r.card, lang))

# %% [markdown]
# # 策略 Strategy

# %%
display(render.strategy(r.card, lang))

# %% [markdown]
# # 执行 Execution
# ## 每日GMV与活动阶段 Daily GMV by phase and channel

# %%
display(charts.daily_gmv(r.agg.daily, r.windows, lang))
display(render.window_table(k, ("gmv", "gmv_per_day", "orders", "buyers", "aov", "new_customers", "refund_rate"), lang))

# %% [markdown]
# ## 分小时峰值 Hourly peaks

# %%
display(charts.hourly_peaks(r.agg.hourly, fupan.peak_days(r), (r.card.windows.baseline.start, r.card.windows.baseline.end), lang))

# %% [markdown]
# ## 转化漏斗 Funnel

# %%
if r.funnel is None:
    display(render.note(t("no_table", lang, table="events")))
else:
    display(charts.funnel(r.funnel, lang))
    display(render.funnel_channels(r.funnel_channels, lang))

# %% [markdown]
# ## 库存与缺货 Stock-outs

# %%
if r.agg.stockouts is None:
    display(render.note(t("no_table", lang, table="inventory")))
else:
    display(charts.stockout_days(r.agg.stockouts[r.agg.stockouts.phase == "campaign"], lang))
    display(render.inventory(r.inventory, lang))

# %% [markdown]
# ## 投放节奏 Spend pacing

# %%
if r.agg.spend is None:
    display(render.note(t("no_table", lang, table="spend")))
else:
    camp = r.card.windows.campaign
    display(charts.spend_pacing(r.agg.spend, r.card.strategy.budget, camp.start, camp.end, lang))
    display(charts.channel_roas(r.channels, lang))

# %% [markdown]
# ## 异常日 Anomalous days

# %%
display(render.day_anomalies(r.day_anomalies, lang, r.skipped.get("day_anomalies")))
display(render.alerts(r.alerts, lang, title=True))

# %% [markdown]
# # 结果 Result
# ## 核心指标 KPI cards

# %%
display(render.kpi_cards(k, r.targets, lang))
display(render.targets_table(r.targets, lang))

# %% [markdown]
# ## GMV 驱动拆解 GMV driver decomposition

# %%
if r.decomposition is None:
    display(render.note(t("no_table", lang, table="events")))
else:
    d = r.decomposition
    display(charts.waterfall(d["gmv_base"], d["lmdi"], d["gmv_current"], lang))
    display(render.decomposition_table(d, lang))

# %% [markdown]
# ## 增量、透支与长尾 Incremental lift, pull-forward and halo

# %%
if r.lift is not None:
    cf_daily = r.lift["cf"].daily
    display(charts.counterfactual(cf_daily[~cf_daily.closed], r.windows, lang))  # closed weekdays: 0 by design
display(render.lift(r.lift, lang, r.skipped.get("lift")))

# %% [markdown]
# ### 对照组双重差分 Difference-in-differences against control series

# %%
display(render.controls(r.controls, r.skipped.get("controls"), lang))

# %% [markdown]
# ## 毛利ROI Margin-aware ROI

# %%
display(render.margin_roi(r.margin, r.skipped.get("margin"), lang))
display(render.ltv_cac(r.ltv_cac, r.skipped.get("ltv_cac"), lang))

# %% [markdown]
# ## 归因 Root cause

# %%
display(render.root_cause(r.segments, r.anomaly_cause, r.target_cause, lang))

# %% [markdown]
# ## 假设检验 Hypotheses

# %%
display(render.hypotheses_table(r.hypotheses, lang))
display(render.definitions(fupan.REPORTED_KPIS, fupan.DEFINITIONS_VERSION, lang))

# %% [markdown]
# ## A/B 测试 A/B test

# %%
display(render.ab_test(r.ab, lang))

# %% [markdown]
# ## 新客质量 New-customer quality

# %%
if r.customers is None:
    display(render.note(r.skipped.get("customers", "")))
else:
    display(render.new_customer_quality(r.customers, lang))

# %% [markdown]
# ## 客户分层与留存 RFM segments and cohorts

# %%
if r.customers is not None:
    display(charts.rfm_segments(r.customers["rfm"], lang))
    display(render.rfm_table(r.customers, lang))
    display(charts.cohort_heatmap(r.customers["cohorts"], lang))

# %% [markdown]
# ## 客户价值 Customer value

# %%
display(render.customer_value(r.value, r.value_params, lang, r.skipped.get("customer_value")))

# %% [markdown]
# # 复盘 Retrospective
# ## 自动发现 Findings

# %%
display(render.findings(r.findings, lang))

# %% [markdown]
# ## 经验与行动 Lessons and actions

# %%
display(render.lessons(r.card, lang))

# %% tags=["remove_cell"]
fupan.display_case_record(r)

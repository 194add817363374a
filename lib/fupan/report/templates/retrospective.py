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
as_of: str = ""  # a war report (战报) up to this day, the campaign still running; empty: the whole campaign
library: str = ""  # case library folder; empty: none (fupan run: --library, else case_library/ where it runs)
report_dir: str = ""  # where report.html is written (links to the library's reports are relative to it)

# %% tags=["setup"]
from IPython.display import display

import fupan
from fupan import cases
from fupan.report import ops_charts, render
from fupan.report.sections import ops as ops_sections
from fupan.report.sections import ops_days

r = fupan.load_retrospective(
    campaign_dir, lang=lang, prepared=prepared, share_safe=share_safe, as_of=as_of
)
style = r.style  # language, currency and (share-safe) money index of every number below
display(render.share_safe_notice(style), render.war_report_notice(r.card, style))
display(render.warnings(r.campaign.warnings, style))
past = cases.carried_actions(r.card, library)  # the previous case of this shop, or why none

# %% [markdown]
# # 一页纸结论 Summary
# 目标达成、赚没赚钱、三个问题、三个行动；下文按 背景 → 策略 → 执行 → 结果 → 复盘 展开，口径与统计方法在附录。
# Targets, did it make money, three problems, three actions; then background → strategy →
# execution → result → retrospective, with definitions and methods in the appendix.

# %%
display(render.summary(r, style))

# %% [markdown]
# # 背景 Background
# ## 活动背景 Context

# %%
display(render.background(r.card, style))
display(render.carried_over(past, style, report_dir))

# %% [markdown]
# # 策略 · 目标回顾 Strategy and targets
# ## 目标与打法 Targets, budget and mechanics

# %%
display(render.strategy(r.card, style))

# %% [markdown]
# ## 目标达成 Targets achieved

# %%
display(render.kpi_cards(r.kpis, r.targets, style))
display(render.targets_table(r.targets, style))

# %% [markdown]
# # 执行 · 执行过程 Execution by phase
# ## 每日节奏与活动阶段 Daily GMV by phase and channel

# %%
display(*render.daily_gmv(r.agg.daily, r.windows, r.kpis, style, r.refund_maturity))

# %% [markdown]
# ## 分小时峰值 Hourly peaks

# %%
display(*render.peak_hours(r.agg.hourly, r.peak_hours, r.card.windows, style))

# %% [markdown]
# ## 转化漏斗 Funnel

# %%
display(*render.funnel(r.funnel, r.funnel_channels, style, pool=r.preheat_pool))

# %% [markdown]
# ## 库存与缺货 Stock-outs

# %%
display(*render.stockouts(r.agg.stockouts, r.inventory, style))

# %% [markdown]
# ## 服务与履约 Service and fulfilment

# %%
display(ops_sections.service(r.service, style), *ops_charts.service_figures(r.service, style))

# %% [markdown]
# ## 投放节奏 Spend pacing

# %%
display(*render.spend(r.agg.spend, r.card, r.channels, style))

# %% [markdown]
# ## 目标拆解与节奏 Pacing against the plan

# %%
display(ops_sections.pacing(r.pacing, style), *ops_charts.pacing_figures(r.pacing, style))

# %% [markdown]
# ## 预售：定金与尾款 Presale: deposits and balances

# %%
display(ops_sections.presale(r.presale, style))

# %% [markdown]
# ## 直播场次 Live sessions

# %%
display(ops_sections.live(r.live, style))

# %% [markdown]
# ## 商品结构 Products

# %%
display(ops_sections.products(r.products, style), *ops_charts.products_figures(r.products, style))

# %% [markdown]
# ## 价格力与控价 Price control

# %%
display(ops_sections.prices(r.prices, style))

# %% [markdown]
# ## 投放：渠道、工具与计划 Ads by channel, tool and plan

# %%
display(ops_sections.ads(r.ads, style))

# %% [markdown]
# ## 活动损益表 Campaign P&L

# %%
display(ops_sections.pnl(r.pnl, style))

# %% [markdown]
# # 结果 · 结果对比与原因分析 Results and causes
# ## 同比：去年同期 Year on year: the same days last year

# %%
display(render.year_on_year(r.year_on_year, style))

# %% [markdown]
# ## 增量、透支与长尾 Incremental lift, pull-forward and halo

# %%
display(*render.lift_section(r.lift, r.windows, style))

# %% [markdown]
# ## 赚没赚钱：利润ROI Did it make money (profit ROI)

# %%
display(render.margin_roi(r.margin, style))
display(render.ltv_cac(r.ltv_cac, style))

# %% [markdown]
# ## 新客质量 New-customer quality

# %%
display(render.new_customer_quality(r.customers, style))

# %% [markdown]
# ## 新老客与沉睡唤醒 New, returning and reactivated buyers

# %%
display(render.audiences(r.audiences, style))

# %% [markdown]
# ## 会员 Membership

# %%
display(ops_sections.membership(r.membership, style))

# %% [markdown]
# ## 原因分析：GMV 变化拆解 Causes: what moved daily GMV

# %%
display(*render.decomposition(r.decomposition, style))

# %% [markdown]
# ## 原因分析：目标缺口归因 Causes: Root cause

# %%
display(render.root_cause(r.segments, r.root_cause, style))

# %% [markdown]
# ## 原因分析：异常日 Causes: Anomalous days

# %%
display(render.day_anomalies(r.day_anomalies, style), ops_days.live_days(r.live, r.day_anomalies, style))
display(render.alerts(r.alerts, style, title=True))

# %% [markdown]
# ## 假设是否成立 Hypotheses

# %%
display(render.hypotheses_table(r.hypotheses, style))

# %% [markdown]
# ## A/B 测试 A/B test

# %%
display(render.ab_test(r.ab, style, r.card.strategy.ab_test))

# %% [markdown]
# ## 案例库对标 Benchmark against the case library

# %%
display(render.benchmark_part(cases.benchmark_or_skip(r, library), style, report_dir))

# %% [markdown]
# # 复盘 · 经验与行动 Retrospective: lessons and actions
# ## 数据发现 Findings

# %%
display(render.findings(r.findings, style))

# %% [markdown]
# ## 经验与行动 Lessons and actions

# %%
display(render.lessons_and_actions(r, style))
display(render.carried_closed(past, style))

# %% [markdown]
# ## 下次大促测算 Planning the next campaign

# %%
display(ops_sections.next_plan(r.next_plan, style))

# %% [markdown]
# ## 分岗位复盘 Review by role

# %%
display(render.roles(r, style))

# %% [markdown]
# # 附录 Appendix
# ## 口径 Definitions

# %%
display(render.definitions(fupan.REPORTED_KPIS, fupan.DEFINITIONS_VERSION, style))

# %% [markdown]
# ## 对照组双重差分 Difference-in-differences against control series

# %%
display(render.controls(r.controls, style))

# %% [markdown]
# ## 客户分层与留存 RFM segments and cohorts

# %%
display(*render.rfm(r.customers, style))

# %% [markdown]
# ## 客户价值 Customer value

# %%
display(render.customer_value(r.customer_value, style))

# %% tags=["remove_cell"]
fupan.display_case_record(r)
render.display_minutes(r, style, past)  # the review meeting's minutes.md

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
# # 02 真实数据复盘：UCI Online Retail · A retrospective on real data
#
# 演示数据是干净的，真实导出不是。这一课从一家英国礼品网店（UCI Online Retail，2010-12 至 2011-12，
# CC BY 4.0）的**原始列**出发：把它映射到 fupan 的订单契约，处理取消单（C 开头的发票）、缺失的客户号和
# 完全重复的行，看每个选择如何改变数字；然后做 RFM、同期群和复购。
#
# Demo data is clean; real exports are not. We start from the raw columns of a UK gift retailer
# (UCI Online Retail), map them onto fupan's order contract, deal with cancellations (C-invoices),
# missing customer ids and exact duplicate lines — seeing what each choice does to the numbers —
# then RFM, cohorts and repeat purchase. The data is read in place from `../shared/datasets`.

# %%
import pandas as pd
from IPython.display import display

from fupan.demo.realdata import uci_order_lines
from fupan.learn import charts, data, exercises, glossary
from fupan.metrics import customers as cm

pd.set_option("display.float_format", lambda x: f"{x:,.3f}")
raw = data.uci_raw()  # read in place, never copied
# customer ids never reach a page, even public ones: the first lines without that column
display(raw.dtypes.rename("dtype").to_frame())
raw.drop(columns="CustomerID").head()

# %% [markdown]
# ## 1 先核对来源 Check against the source first
#
# 数据来源的说明（`SOURCES.md`）写明了行数、发票数和客户数。第一步永远是核对：读进来的和发布的一致吗？
# The source notes state the row, invoice and customer counts. Always check them first.

# %%
facts = data.sources_facts()
counted = {
    "rows": len(raw),
    "invoices": raw["InvoiceNo"].nunique(),
    "customers": raw["CustomerID"].nunique(),
    "rows_without_customer": int(raw["CustomerID"].isna().sum()),
}
check_table = pd.DataFrame({"SOURCES.md": facts, "计算 computed": counted})
check_table["一致 agree"] = check_table["SOURCES.md"] == check_table["计算 computed"]
assert check_table["一致 agree"].all(), check_table
check_table

# %% [markdown]
# ## 2 原始列 → 订单契约 Raw columns → the order contract
#
# | 原始列 raw | 契约 contract | 说明 note |
# |---|---|---|
# | InvoiceNo | order_id | 一张发票 = 一个订单；C 开头 = 取消 |
# | CustomerID | user_id | 可能为空（游客下单）|
# | InvoiceDate | order_time | 英国当地时间 |
# | StockCode, Quantity | sku, quantity | |
# | Quantity × UnitPrice | paid_amount | 英镑 GBP |
# | Country | channel | uk / eu / intl |

# %%
raw = raw.assign(amount=raw["Quantity"] * raw["UnitPrice"])
is_cancel = raw["InvoiceNo"].str.startswith("C").astype(bool)
no_customer = raw["CustomerID"].isna()
duplicate = raw.duplicated(keep="first")
pd.Series(
    {
        "取消行 cancellation lines": int(is_cancel.sum()),
        "无客户号的行 lines without customer id": int(no_customer.sum()),
        "完全重复的行 exact duplicate lines": int(duplicate.sum()),
    }
)

# %% [markdown]
# ## 3 每个选择对数字的影响 What each choice does to the numbers
#
# 依次叠加四个选择，看销售额、发票数和客户数怎么变。没有“唯一正确”的选择，但必须**写下来**：
# 它就是这份复盘的口径。
# Add the choices one by one and watch sales, invoices and customers move. No choice is the
# only right one, but each must be written down: it is this retrospective's 口径.

# %%
display(glossary.define("koujing"))
steps = [
    ("全部行 all lines", pd.Series(True, index=raw.index)),
    ("去掉取消单 − cancellations", ~is_cancel),
    ("去掉无客户号 − no customer id", ~is_cancel & ~no_customer),
    ("去掉非正数量/价格 − qty or price ≤ 0", ~is_cancel & ~no_customer & (raw["Quantity"] > 0) & (raw["UnitPrice"] > 0)),
    ("再去掉完全重复行 − exact duplicates", ~is_cancel & ~no_customer & (raw["Quantity"] > 0) & (raw["UnitPrice"] > 0) & ~duplicate),
]
effect = pd.DataFrame(
    [
        {
            "choice": name,
            "lines": int(keep.sum()),
            "sales_gbp": raw.loc[keep, "amount"].sum(),
            "invoices": raw.loc[keep, "InvoiceNo"].nunique(),
            "customers": raw.loc[keep, "CustomerID"].nunique(),
        }
        for name, keep in steps
    ]
).set_index("choice")
effect

# %% [markdown]
# fupan 的做法（`fupan.demo.realdata.uci_order_lines`）是第 4 行：去掉取消单、无客户号和非正数量/价格的行，
# **保留**完全重复的行（同一发票里同一商品录了两次，可能是真的买了两次；案例卡写 `duplicate_lines: keep`）。
# 但去掉取消单还不够：取消发票冲销的是更早的一行（同一客户、同一商品、同样数量）。fupan 找到被冲销的行：
# 一天内冲销的按**已取消**计（不计入GMV），之后冲销的按**全额退款**计（计入GMV、从净GMV中扣除）。
# 2011-12-09 那张 £168,469.60 的发票 581483，12 分钟后就被 C581484 冲销了——只去掉取消单，它就成了“最大的一单”。
# 邮费、运费和手工录入（StockCode POST、DOT、C2、M…）计入GMV（客户付了钱），但不是商品：它们没有 SKU，
# 否则 POSTAGE 会是全数据GMV第 4 的“商品”。
# fupan's choice is row 4: exact duplicates are kept (the same item twice on one invoice may be
# two real purchases; the card says `duplicate_lines: keep`). Dropping the C-lines is not enough:
# each reverses an earlier line (same customer, item and quantity). fupan marks that line
# cancelled when reversed within a day (not in GMV), refunded when later (in GMV, out of net GMV).
# Invoice 581483 (£168,469.60, 2011-12-09) was reversed by C581484 twelve minutes later — with
# the C-lines merely dropped it would be the data's biggest order. Postage, carriage and manual
# entries (StockCode POST, DOT, C2, M, …) are in GMV — the customer paid them — but are no product:
# they have no SKU (else POSTAGE would be the data's 4th-largest "product" by GMV).

# %%
lines = uci_order_lines(data.UCI)
assert len(lines) == effect.loc["去掉非正数量/价格 − qty or price ≤ 0", "lines"]
display(lines.groupby("status").agg(lines=("order_id", "size"), paid=("paid_amount", "sum")))
orders = (
    lines[lines["status"] != "cancelled"]
    .assign(
        order_ts=lambda x: pd.to_datetime(x["order_time"]),
        paid_amount=lambda x: x["paid_amount"] - x["refund_amount"],  # net of returns
    )
    .groupby("order_id")
    .agg(user_id=("user_id", "first"), order_ts=("order_ts", "min"), net=("paid_amount", "sum"))
    .reset_index()
)
orders[["order_ts", "net"]].describe()

# %% [markdown]
# ## 4 RFM 分层 RFM segments
#
# 以数据最后一天的次日为观察点，按最近一次购买、频次、金额给每位客户打分并分成 8 类。
# As of the day after the data ends, score each customer on recency, frequency and money.

# %%
display(glossary.define("rfm"))
as_of = orders["order_ts"].max().normalize() + pd.Timedelta(days=1)
rfm = cm.rfm_scores(orders, as_of)
segments = cm.rfm_segments(rfm)
summary = segments.groupby("segment", observed=False).agg(
    customers=("recency", "size"),
    recency=("recency", "mean"),
    frequency=("frequency", "mean"),
    monetary=("monetary", "mean"),
    action=("action_en", "first"),
)
summary

# %% [markdown]
# ## 5 同期群与复购 Cohorts and repeat purchase
#
# 每一行是首单在某月的客户，每一列是之后第 n 个月仍有购买的比例。
# Each row: the customers whose first order fell in a month; column n: the share buying in month n.

# %%
display(glossary.define("cohort", "repurchase_rate", "return_rate"))
cohorts = cm.cohort_matrix(orders, "M")
cohorts.iloc[:6, :7].map(lambda v: f"{v:.0%}")  # shown in whole percent

# %%
fig, drawn = charts.lines(
    cohorts.iloc[:4, 1:13].T, "同期群留存 Cohort retention (first 4 cohorts)", "share"
)
fig

# %%
h1 = ("2011-01-01", "2011-06-30")
h2 = ("2011-07-01", "2011-12-09")
repeat = pd.Series(
    {
        "复购率 2011 H1 repurchase rate": cm.repurchase_rate(orders, *h1).rate,
        "回购率 H1 → H2 return rate": cm.return_rate(orders, h1, h2).rate,
    }
)
repeat

# %% [markdown]
# ## 练习 Exercises

# %%
ex = exercises.ExerciseSet("02")
ex1 = ex.exercise(
    "02-1",
    "integer",
    hints=[
        ("取消单的发票号以 C 开头。", "Cancellation invoices start with C."),
        ("数的是发票，不是行。", "Count invoices, not lines."),
    ],
)
ex2 = ex.exercise(
    "02-2",
    "number",
    tol=0.001,
    hints=[
        ("只看正数量、正价格、非取消的行。", "Only lines with positive quantity and price, not cancelled."),
        ("份额 = 无客户号行的金额 / 这些行的总金额。", "Share = amount of lines without id / amount of all those lines."),
    ],
)
ex3 = ex.exercise(
    "02-3",
    "number",
    tol=0.001,
    hints=[
        ("同期群矩阵 cohorts 的行是首单月份，列是之后第 n 个月。", "The rows of cohorts are first-order months, the columns month n after."),
        ("第一个同期群是 2010-12；看第 12 列（上表只显示到第 6 列）。", "The first cohort is 2010-12; look at column 12 (the table above stops at 6)."),
    ],
)
ex4 = ex.exercise(
    "02-4",
    "number",
    tol=1.0,
    hints=[
        ("在 fupan 的口径（第 4 行）之后再去掉完全重复行。", "Take fupan's lines (row 4), then drop exact duplicates."),
        ("看 effect 表：最后两行销售额之差。", "Look at the effect table: the difference in sales between the last two rows."),
    ],
)

# %% [markdown]
# **练习 1 Exercise 1.** 数据里有多少张取消发票？ How many cancellation invoices are there?

# %%
# BEGIN SOLUTION answer_1
answer_1 = raw.loc[raw["InvoiceNo"].str.startswith("C").astype(bool), "InvoiceNo"].nunique()
ex1.mistake(
    int(raw["InvoiceNo"].str.startswith("C").astype(bool).sum()),
    "这是取消的行数；一张发票可以有多行。",
    "That counts lines; one invoice has several lines.",
)
# END SOLUTION
ex1.check(answer_1)

# %% [markdown]
# **练习 2 Exercise 2.** 在非取消、数量和价格为正的行中，没有客户号的行占销售额的多少（小数，容差 0.001）？
# Among lines not cancelled with positive quantity and price, what share of sales has no customer id (±0.001)?

# %%
# BEGIN SOLUTION answer_2
valid = ~is_cancel & (raw["Quantity"] > 0) & (raw["UnitPrice"] > 0)
answer_2 = raw.loc[valid & no_customer, "amount"].sum() / raw.loc[valid, "amount"].sum()
ex2.mistake(
    (valid & no_customer).sum() / valid.sum(),
    "这是行数的份额，题目问的是销售额的份额。",
    "That is the share of lines; the question asks for the share of sales.",
)
# END SOLUTION
ex2.check(answer_2)

# %% [markdown]
# **练习 3 Exercise 3.** 2010-12 同期群在第 12 个月（一年后）的留存是多少（小数，容差 0.001）？
# The 2010-12 cohort's retention in month 12, a year later (±0.001)?

# %%
# BEGIN SOLUTION answer_3
answer_3 = cohorts.loc[cohorts.index[0], 12]
ex3.mistake(
    cohorts.loc[cohorts.index[0], 1],
    "这是第 1 个月的留存，题目问第 12 个月。",
    "That is month 1; the question asks for month 12.",
)
# END SOLUTION
ex3.check(answer_3)

# %% [markdown]
# **练习 4 Exercise 4.** 在 fupan 的口径之上再去掉完全重复行，销售额少了多少英镑（容差 1）？
# On top of fupan's choices, how many pounds of sales disappear when exact duplicates are dropped (±1)?

# %%
# BEGIN SOLUTION answer_4
answer_4 = effect["sales_gbp"].iloc[3] - effect["sales_gbp"].iloc[4]
ex4.mistake(
    effect["sales_gbp"].iloc[0] - effect["sales_gbp"].iloc[4],
    "这是从全部行算起的差；题目从 fupan 的口径（第 4 行）算起。",
    "That counts from all lines; the question starts from fupan's choice (row 4).",
)
# END SOLUTION
ex4.check(answer_4)

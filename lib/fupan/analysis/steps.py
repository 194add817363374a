"""The report's analyses beyond the headline KPIs: customers, funnel by channel, inventory health.

Each function takes a :class:`~fupan.analysis.retrospective.Retrospective`'s aggregates, calls the pure
metric functions and returns small frames (or ``None`` with the reason in ``r.skipped``). Customer
keys are hashes from the extract layer; no raw identifier is handled here.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..metrics import customers as cu
from ..metrics import funnel as fn
from ..metrics import inventory as inv

if TYPE_CHECKING:
    from .retrospective import Retrospective

REPEAT_DAYS = (7, 30, 60, 90)


def _end(r: Retrospective) -> pd.Timestamp:
    return pd.Timestamp(r.card.windows.items()[-1][1].end)


def customer_analysis(r: Retrospective, cohorts: dict[str, pd.Index]) -> dict:
    """New-customer quality, repeat rates by cohort, 复购率/回购率, RFM segments and cohorts."""
    o = r.agg.customer_orders.rename(columns={"user_key": "user_id"})
    camp, end = r.card.windows.campaign, _end(r)
    out: dict = {}
    quality = cu.new_customer_quality(o, cohorts["campaign_new"], cohorts["baseline_new"], end, k=30)
    out["quality"] = quality
    out["margin_per_customer"] = margin_per_customer(r, o, cohorts, end)
    out["repeat"] = pd.concat({name: cu.repeat_rates(o, cohorts[name], end, ks=REPEAT_DAYS)
                               for name in ("campaign_new", "baseline_new")}, names=["cohort"])
    out["repurchase"] = cu.repurchase_rate(o, camp.start, camp.end)
    if r.card.windows.dip is not None:
        out["return"] = cu.return_rate(o, (camp.start, camp.end), (r.card.windows.dip.start, r.card.windows.dip.end))
    as_of = pd.Timestamp(camp.end) + pd.Timedelta(days=1)
    recent = o[(o.order_ts < as_of) & (o.order_ts >= as_of - pd.Timedelta(days=365))]
    segments = cu.rfm_segments(cu.rfm_scores(recent, as_of), threshold="mean")
    table = segments.groupby("segment", observed=False).agg(
        customers=("segment", "size"), recency=("recency", "mean"), frequency=("frequency", "mean"),
        monetary=("monetary", "mean"), hint_zh=("action_zh", "first"), hint_en=("action_en", "first"))
    actions = {row[3]: (row[4], row[5]) for row in cu.SEGMENT_TABLE}  # empty segments keep their hint
    out["rfm"] = table.assign(share=table.customers / table.customers.sum(),
                              hint_zh=[actions[s][0] for s in table.index], hint_en=[actions[s][1] for s in table.index])
    out["rfm_thresholds"] = segments.attrs.get("thresholds", {})
    out["cohorts"] = cu.cohort_matrix(o, freq="M")
    return out


MARGIN_DAYS = (30, 60, 90)


def margin_per_customer(r: Retrospective, o: pd.DataFrame, cohorts: dict[str, pd.Index], end: pd.Timestamp
                        ) -> pd.DataFrame:
    """k-day gross margin per new customer, campaign vs organic (baseline) cohort, k = 30/60/90.

    口径: net spend (after refunds) in ``[first order, first order + k days]`` per customer
    observed for the full k days (right-censored like the repeat rates) × the gross margin rate
    of the cohort's acquisition window (1 − COGS/GMV of the campaign or baseline lines; NaN
    without unit costs). Rows k; columns ``<cohort>`` (money) and ``<cohort>_n`` (eligible).
    """
    w = r.agg.sku_window
    rates = {}
    for cohort, phase in (("campaign_new", "campaign"), ("baseline_new", "baseline")):
        x = w[w.phase == phase]
        gmv, cogs = float(x.gmv.sum()), float(x.cogs.sum(min_count=1)) if "cogs" in x else float("nan")
        rates[cohort] = 1 - cogs / gmv if gmv > 0 and np.isfinite(cogs) else float("nan")
    rows = {}
    for k in MARGIN_DAYS:
        q = cu.new_customer_quality(o, cohorts["campaign_new"], cohorts["baseline_new"], end, k=k)
        rows[k] = {"campaign_new": q.campaign_net_per_customer * rates["campaign_new"],
                   "campaign_new_n": q.campaign.n_eligible,
                   "baseline_new": q.organic_net_per_customer * rates["baseline_new"],
                   "baseline_new_n": q.organic.n_eligible}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("k")


def funnel_by_channel(r: Retrospective, phase: str = "campaign") -> pd.DataFrame | None:
    """Step conversion per channel in a window and each channel's biggest leak."""
    if r.agg.funnel is None:
        return None
    f = r.agg.funnel[(r.agg.funnel.phase == phase) & (r.agg.funnel.channel != "_all")]
    table = fn.funnel_table(f[["channel", "step", "users"]], by="channel")
    leak = fn.biggest_leak(table).set_index("channel")
    wide = table.pivot_table(index="channel", columns="step", values="users", aggfunc="sum")
    wide = wide[[s for s in fn.FUNNEL_STEPS if s in wide.columns]]
    return wide.assign(overall=wide.iloc[:, -1] / wide.iloc[:, 0]).join(leak)


def inventory_health(r: Retrospective) -> dict | None:
    """Stock-out rate, slow-moving rate, turnover days and GMV lost to stock-outs in the campaign."""
    if r.agg.sku_daily is None:
        return None
    d = r.agg.sku_daily
    camp = r.card.windows.campaign
    stock, sales = d[["date", "sku", "on_hand"]], d[["date", "sku", "units", "gmv", "cogs"]]
    out: dict = {"stockout_rate": inv.stockout_rate(stock, camp.start, camp.end),
                 "slow_moving_rate": inv.slow_moving_rate(stock, sales, camp.end, days=30)}
    unit_cost = d.dropna(subset=["unit_cost"]).groupby("sku").unit_cost.mean()
    try:
        out["turnover_days"] = inv.turnover_days(stock, sales, camp.start, camp.end, unit_cost)
    except ValueError as exc:
        out["turnover_days"], out["turnover_note"] = float("nan"), str(exc)
    # The day's GMV index scales each SKU's run rate: on a burst day a SKU in stock would have sold
    # its usual share of a much larger day. Without it the estimate is a conservative lower bound.
    day = r.agg.daily.groupby("date").gmv.sum()
    base = r.card.windows.baseline
    base_mean = day[(day.index >= pd.Timestamp(base.start)) & (day.index <= pd.Timestamp(base.end))].mean()
    uplift = (day / base_mean).clip(lower=1.0)
    out["lost"] = inv.lost_gmv_from_stockouts(stock, sales, camp.start, camp.end, lookback=14, uplift=uplift)
    out["lost_floor"] = float(inv.lost_gmv_from_stockouts(stock, sales, camp.start, camp.end, lookback=14)
                              .set_index("sku").at["_all", "lost_gmv"])
    out["lost_total"] = float(out["lost"].set_index("sku").at["_all", "lost_gmv"])
    return out


def cohort_share_at(matrix: pd.DataFrame, n: int) -> float:
    """Mean retention n periods after the first purchase over cohorts observed that long."""
    return float(np.nanmean(matrix[n])) if n in matrix.columns else float("nan")

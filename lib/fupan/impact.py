"""Was the lift real? The report's incremental-lift, margin-ROI and customer-economics analyses
(METHODS.md §1.1–1.4), built from the extract's aggregates and the pure metric functions."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .metrics import lift as lf
from .metrics import margin as mg

if TYPE_CHECKING:
    from .retrospective import Retrospective


def lift_analysis(r: Retrospective) -> dict:
    """Counterfactual daily GMV, incremental GMV per phase and the pull-forward share.

    口径 (METHODS.md §1.1): Ŷ from :func:`fupan.metrics.lift.fit_counterfactual` — log-linear trend
    and weekday effects learnt from up to a year of whole weeks up to the baseline end, promo-like
    days masked; incremental = Σ(Y − Ŷ) per phase; pull-forward = −Σ_dip / Σ_campaign; 95%
    intervals by block residual bootstrap.
    """
    hist = r.agg.history.set_index("date").gmv.asfreq("D", fill_value=0.0)
    end = pd.Timestamp(r.card.windows.items()[-1][1].end)
    b = r.card.windows.baseline
    cf = lf.fit_counterfactual(hist[:end], (b.start, b.end), predict_end=end, seed=0)
    table = lf.incremental_by_phase(cf, r.card.windows)
    pf = lf.pull_forward_share(cf, r.card.windows) if r.card.windows.dip is not None else None
    camp = r.card.windows.campaign
    expected = cf.daily.expected[pd.Timestamp(camp.start):pd.Timestamp(camp.end)].sum()
    base_daily = r.kpis.at["baseline", "gmv_per_day"]
    dip = r.card.windows.dip
    return {"cf": cf, "table": table, "pull_forward": pf, "dip_days": dip.days if dip else 0,
            "cf_factor": float(expected / (base_daily * r.kpis.at["campaign", "days"])),
            "growth_per_year": float(np.expm1(cf.params.get("trend", 0.0)))}


def sku_frame(r: Retrospective, cf_factor: float, variable_cost_rate: float = 0.0) -> pd.DataFrame:
    """One row per SKU for the margin analysis.

    口径: Q = campaign units; Q̂ = the SKU's baseline units per day × campaign days × ``cf_factor``
    (the counterfactual model's campaign GMV over the baseline daily GMV × campaign days, so Q̂
    carries the trend and weekday mix the model expects); p^reg = the SKU's average paid price per
    unit in the baseline (what Q̂ would have sold at); p^promo = its average paid price per unit in
    the campaign; c = average unit cost; v = ``variable_cost_rate`` × p^reg. SKUs that sold in one
    period only take the other period's price and cost.
    """
    w = r.agg.sku_window
    days = r.kpis["days"]
    base = w[w.phase == "baseline"].set_index("sku")
    camp = w[w.phase == "campaign"].set_index("sku")
    skus = base.index.union(camp.index)
    base, camp = base.reindex(skus), camp.reindex(skus)
    p_reg = (base.gmv / base.units).fillna(camp.list_amount / camp.units * _paid_to_list(base))
    p_promo = (camp.gmv / camp.units).fillna(p_reg)
    cost = (camp.cogs / camp.units).fillna(base.cogs / base.units)
    frame = pd.DataFrame({
        "units": camp.units.fillna(0.0),
        "units_baseline": base.units.fillna(0.0) / days["baseline"] * days["campaign"] * cf_factor,
        "price_promo": p_promo, "price_regular": p_reg, "unit_cost": cost,
        "variable_cost": variable_cost_rate * p_reg}, index=skus)
    return frame.dropna()


def _paid_to_list(base: pd.DataFrame) -> float:
    listed = float(base.list_amount.sum())
    ratio = float(base.gmv.sum()) / listed if listed > 0 else float("nan")
    return ratio if np.isfinite(ratio) and ratio > 0 else 1.0


def margin_analysis(r: Retrospective, cf_factor: float, variable_cost_rate: float = 0.0,
                    fees: float = 0.0, coupons: float = 0.0, fixed: float = 0.0) -> dict | None:
    """IGP, margin ROI (IGP/S) and net ROI beside ROAS, subsidy leakage, break-even lift and
    discount-depth buckets for the campaign (METHODS.md §1.2, §1.4)."""
    skus = sku_frame(r, cf_factor, variable_cost_rate)
    if skus.empty:
        return None
    per_sku = mg.igp_by_sku(skus)
    igp = float(per_sku.igp.sum())
    media = float(r.kpis.at["campaign", "spend"])
    out: dict = {"igp": igp, "subsidy_leakage": float(per_sku.subsidy_leakage.sum()),
                 "units": float(skus.units.sum()), "units_baseline": float(skus.units_baseline.sum()),
                 "variable_cost_rate": variable_cost_rate, "cf_factor": cf_factor,
                 "roas": float(r.kpis.at["campaign", "roas"])}
    if np.isfinite(media) and media > 0:
        s = mg.campaign_cost(media, fees, coupons, fixed)
        out |= {"spend": s, **mg.roi(igp, s)}
    q_hat_value = (skus.units_baseline * skus.price_regular).sum()
    depth = 1 - (skus.units * skus.price_promo).sum() / (skus.units * skus.price_regular).sum()
    margin = 1 - ((skus.units_baseline * (skus.unit_cost + skus.variable_cost)).sum() / q_hat_value)
    out |= {"discount_depth": float(depth), "unit_margin": float(margin),
            "unit_lift": float(skus.units.sum() / skus.units_baseline.sum() - 1)}
    try:
        out["break_even_lift"] = mg.break_even_lift(max(depth, 0.0), margin)
    except ValueError as exc:
        out["break_even_lift"], out["break_even_note"] = float("nan"), str(exc)
    out["buckets"] = mg.discount_depth_buckets(skus)
    try:
        out["elasticity"] = mg.promo_elasticity(skus)
    except ValueError as exc:
        out["elasticity"] = {"note": str(exc)}
    out["top_skus"] = per_sku.sort_values("igp").iloc[np.r_[0:3, -3:0]] if len(per_sku) > 6 else per_sku
    return out


def ltv_cac(r: Retrospective) -> dict | None:
    """LTV : CAC of the campaign's new customers.

    口径: CAC = campaign media spend / campaign new customers; LTV = (net spend in the first 30 days
    + predicted net value over the next 26 weeks from BG/NBD × Gamma–Gamma) × gross margin rate
    (1 − COGS/GMV of the campaign). Target ≥ 3 (METHODS.md §1.3). Both parts are per customer.
    """
    if r.customers is None or r.value is None or "campaign_new" not in r.value.index:
        return None
    spend, new = r.kpis.at["campaign", "spend"], r.kpis.at["campaign", "new_customers"]
    if not (np.isfinite(spend) and spend > 0 and new > 0):
        return None
    w = r.agg.sku_window
    camp = w[w.phase == "campaign"]
    gm = 1 - camp.cogs.sum() / camp.gmv.sum()
    first30 = r.customers["quality"].campaign_net_per_customer
    future = float(r.value.at["campaign_new", "value"])
    cac = spend / new
    ltv = (first30 + future) * gm
    return {"cac": float(cac), "ltv": float(ltv), "ratio": float(ltv / cac), "gross_margin_rate": float(gm),
            "first_30d_net": float(first30), "predicted_value": future}

"""利润: IGP, 利润ROI on total and incremental spend, break-even lift and 保本投产比 per channel.

METHODS.md §1.2, §1.4; from the extract's SKU × window aggregates and the pure functions of
:mod:`fupan.metrics.margin`.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..i18n import both
from ..metrics import margin as mg
from .results import LiftAnalysis, MarginAnalysis, Skip

if TYPE_CHECKING:
    from ..ingest.card import CampaignCard
    from ..ingest.validate import Campaign


def sku_frame(
    sku_window: pd.DataFrame,
    card: CampaignCard,
    kpis: pd.DataFrame,
    cf_factor: float,
    variable_cost_rate: float = 0.0,
) -> pd.DataFrame:
    """One row per SKU for the margin analysis.

    口径: Q = campaign units; Q̂ = the SKU's baseline units per day × campaign days × ``cf_factor``
    (the counterfactual model's campaign GMV over the baseline daily GMV × campaign days, so Q̂
    carries the trend and weekday mix the model expects); p^reg = the SKU's average paid price per
    unit in the baseline (what Q̂ would have sold at); p^promo = its average paid price per unit in
    the campaign; c = average unit cost; v = ``variable_cost_rate`` × p^reg. SKUs that sold in one
    period only take the other period's price and cost. SKUs the card declares as not promoted
    (``controls``: control categories, substitutes, complements) are left out.
    """
    c = card.controls
    w = sku_window[
        ~(
            sku_window.category.isin(c.categories)
            | sku_window.sku.isin(c.substitutes + c.complements)
        )
    ]
    days = kpis["days"]
    base = w[w.phase == "baseline"].set_index("sku")
    camp = w[w.phase == "campaign"].set_index("sku")
    skus = base.index.union(camp.index)
    base, camp = base.reindex(skus), camp.reindex(skus)
    p_reg = (base.gmv / base.units).fillna(camp.list_amount / camp.units * _paid_to_list(base))
    p_promo = (camp.gmv / camp.units).fillna(p_reg)
    cost = (camp.cogs / camp.units).fillna(base.cogs / base.units)
    frame = pd.DataFrame(
        {
            "units": camp.units.fillna(0.0),
            "units_baseline": base.units.fillna(0.0)
            / days["baseline"]
            * days["campaign"]
            * cf_factor,
            "price_promo": p_promo,
            "price_regular": p_reg,
            "unit_cost": cost,
            "variable_cost": variable_cost_rate * p_reg,
        },
        index=skus,
    )
    return frame.dropna()


def _paid_to_list(base: pd.DataFrame) -> float:
    listed = float(base.list_amount.sum())
    ratio = float(base.gmv.sum()) / listed if listed > 0 else float("nan")
    return ratio if np.isfinite(ratio) and ratio > 0 else 1.0


def margin_analysis(
    campaign: Campaign,
    sku_window: pd.DataFrame,
    kpis: pd.DataFrame,
    lift: LiftAnalysis | Skip,
    channels: pd.DataFrame | None,
) -> MarginAnalysis:
    """IGP, 利润ROI (IGP/S) and net ROI beside 投产比, leakage, break-even lift (METHODS.md §1.2, §1.4).

    Also the subsidy leakage and the discount-depth buckets of the campaign, 利润ROI on the
    incremental spend (S − the baseline window's spend per day × campaign days), the break-even
    lift with the spend included, 保本投产比 (:func:`fupan.metrics.margin.break_even_roas` on the
    campaign's discount depth d and unit contribution margin m) and, per channel of ``channels``
    (:func:`fupan.analysis.overview.channels`), 费比 and whether its 投产比 is below it.

    The campaign's counterfactual factor comes from ``lift`` (1.0 when the lift was skipped); the
    card's ``costs`` give the variable cost rate, fees, coupons and fixed costs.

    Raises
    ------
    ValueError
        The orders have no SKU or unit cost, or no SKU sold in both periods (bilingual reason).
    """
    card = campaign.card
    for column in ("sku", "unit_cost"):
        if not campaign.measures("orders", column):
            raise ValueError(both(f"margin_no_{column}_column"))
    cf_factor = lift.cf_factor if isinstance(lift, LiftAnalysis) else 1.0
    costs = card.costs
    variable_cost_rate = costs.variable_cost_rate
    skus = sku_frame(sku_window, card, kpis, cf_factor, variable_cost_rate)
    if skus.empty:
        raise ValueError(both("margin_no_sku"))
    per_sku = mg.igp_by_sku(skus)
    igp = float(per_sku.igp.sum())
    media = float(kpis.at["campaign", "spend"])
    out: dict[str, Any] = {
        "igp": igp,
        "subsidy_leakage": float(per_sku.subsidy_leakage.sum()),
        "units": float(skus.units.sum()),
        "units_baseline": float(skus.units_baseline.sum()),
        "variable_cost_rate": variable_cost_rate,
        "variable_cost_declared": "variable_cost_rate" in costs.model_fields_set,
        "cf_factor": cf_factor,
        "roas": float(kpis.at["campaign", "roas"]),
    }
    s = None
    if np.isfinite(media) and media > 0:
        s = mg.campaign_cost(media, costs.fees, costs.coupons, costs.fixed)
        out |= {"spend": s, **mg.roi(igp, s)}
        out |= _incremental_roi(igp, s, kpis)
        gmv = float(kpis.at["campaign", "gmv"])
        out["spend_ratio"] = media / gmv if gmv > 0 else None
    q_hat_value = (skus.units_baseline * skus.price_regular).sum()
    depth = 1 - (skus.units * skus.price_promo).sum() / (skus.units * skus.price_regular).sum()
    margin = 1 - ((skus.units_baseline * (skus.unit_cost + skus.variable_cost)).sum() / q_hat_value)
    out |= {
        "discount_depth": float(depth),
        "unit_margin": float(margin),
        "unit_lift": float(skus.units.sum() / skus.units_baseline.sum() - 1),
    }
    try:
        out["break_even_lift"] = mg.break_even_lift(max(depth, 0.0), margin)
        out["break_even_roas"] = mg.break_even_roas(max(depth, 0.0), margin)
        if s is not None and q_hat_value > 0:
            out["break_even_lift_with_spend"] = mg.break_even_lift_with_spend(
                max(depth, 0.0), margin, s / q_hat_value
            )
    except ValueError as exc:
        out["break_even_lift"], out["break_even_note"] = float("nan"), str(exc)
    # every unit at a loss (d ≥ m): no ROAS breaks even and every channel with spend is below
    be = math.inf if mg.no_roas_breaks_even(depth, margin) else out.get("break_even_roas")
    if be is not None and channels is not None and "spend" in channels:
        paid = channels[channels.spend.fillna(0) > 0]
        table = mg.channel_break_even(paid, be)
        out["channels"] = table
        out["below_break_even"] = tuple(
            str(c) for c in table.index[table.below_break_even.eq(True)]
        )
    # a SKU sold above its regular price in the campaign has a negative depth and no bucket: it
    # stays out of the buckets (counted), not the whole margin analysis with it
    rise = (1 - skus.price_promo / skus.price_regular).round(9) < 0
    out["price_rises"] = int(rise.sum())
    out["buckets"] = mg.discount_depth_buckets(skus[~rise])
    try:
        out["elasticity"] = mg.promo_elasticity(skus)
    except ValueError as exc:
        out["elasticity"] = {"note": str(exc)}
    out["top_skus"] = (
        per_sku.sort_values("igp").iloc[np.r_[0:3, -3:0]] if len(per_sku) > 6 else per_sku
    )
    return MarginAnalysis(**out)


def _incremental_roi(igp: float, cost: float, kpis: pd.DataFrame) -> dict[str, Any]:
    """利润ROI on the spend above the baseline run rate (:func:`fupan.metrics.margin.incremental_spend`)."""
    base_spend, base_days = kpis.at["baseline", "spend"], kpis.at["baseline", "days"]
    if not np.isfinite(base_spend):
        return {"incremental_note": both("margin_no_baseline_spend")}
    rate = float(base_spend) / float(base_days)
    extra = mg.incremental_spend(cost, rate, float(kpis.at["campaign", "days"]))
    out: dict[str, Any] = {"baseline_spend_per_day": rate, "spend_incremental": extra}
    if extra <= 0:
        return out | {"incremental_note": both("margin_no_incremental_spend")}
    r = mg.roi(igp, extra)
    return out | {"roi_margin_incremental": r["roi_margin"], "net_roi_incremental": r["net_roi"]}

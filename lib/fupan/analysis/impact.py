"""Was the lift real? Incremental lift, margin ROI, LTV:CAC and the control series (METHODS.md §1.1–1.4).

Built from the extract's aggregates and the pure metric functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..i18n import both
from ..metrics import lift as lf
from ..metrics.abtest import welch_ttest
from .margin import margin_analysis, sku_frame
from .results import (
    ControlAnalysis,
    CustomerAnalysis,
    CustomerValue,
    LiftAnalysis,
    LtvCac,
    NetIncrement,
    Pretrend,
    Skip,
)

if TYPE_CHECKING:
    from ..ingest.card import CampaignCard, Windows

__all__ = [
    "control_analysis",
    "dip_verdict",
    "lift_analysis",
    "ltv_cac",
    "margin_analysis",
    "sku_frame",
]

#: LTV : CAC at or above this is the rule-of-thumb target (METHODS.md §1.3)
LTV_CAC_TARGET = 3.0
#: days of a new customer's spend counted in LTV before the model's prediction takes over
LTV_FIRST_DAYS = 30


def dip_verdict(table: pd.DataFrame) -> str | None:
    """What the dip window did, judged by its 95% interval of Σ_dip(Y − Ŷ).

    ``"pull_forward"`` (interval below 0: sales were paid back after the campaign), ``"halo"``
    (above 0: the following days sold more than expected, 长尾带动), ``"flat"`` (the interval
    contains 0: not distinguishable from zero); ``None`` without a dip window.
    """
    if "dip" not in table.index:
        return None
    dip = table.loc["dip"]
    return "pull_forward" if dip.upper < 0 else "halo" if dip.lower > 0 else "flat"


def lift_analysis(history: pd.DataFrame, windows: Windows, kpis: pd.DataFrame) -> LiftAnalysis:
    """Counterfactual daily GMV, incremental GMV per phase and the pull-forward share.

    口径 (METHODS.md §1.1): Ŷ from :func:`fupan.metrics.lift.fit_counterfactual` — log-linear trend
    and weekday effects learnt from up to a year of whole weeks up to the baseline end, promo-like
    days masked; incremental = Σ(Y − Ŷ) per phase; pull-forward = −Σ_dip / Σ_campaign; 95%
    intervals by block residual bootstrap. The same model gives incremental orders and units.
    A weekday the shop is closed on (no sales on ≥ 90% of its training days) has Ŷ = 0; zero days
    on open weekdays (holidays, closures) stay out of the fit (``closed_weekdays``, ``zero_days``).
    ``dip_verdict``: pull-forward, halo or flat, from the dip's interval (:func:`dip_verdict`).
    Raises :class:`fupan.metrics.lift.LiftError` (a ValueError whose message is
    :func:`fupan.i18n.bilingual`) when the data cannot carry the model.
    """
    hist = history.set_index("date").gmv.asfreq("D", fill_value=0.0)
    end = pd.Timestamp(windows.items()[-1][1].end)
    b = windows.baseline
    cf = lf.fit_counterfactual(hist[:end], (b.start, b.end), predict_end=end, seed=0)
    table = lf.incremental_by_phase(cf, windows)
    pf = lf.pull_forward_share(cf, windows) if windows.dip is not None else None
    camp = windows.campaign
    expected = cf.daily.expected[pd.Timestamp(camp.start) : pd.Timestamp(camp.end)].sum()
    base_daily = kpis.at["baseline", "gmv_per_day"]
    dip = windows.dip
    volumes: dict[
        str, pd.DataFrame | None
    ] = {}  # the same model for orders and units: "did it sell more *things*"
    for metric in ("orders", "units"):
        series = history.set_index("date")[metric].astype(float).asfreq("D", fill_value=0.0)
        try:
            fit = lf.fit_counterfactual(series[:end], (b.start, b.end), predict_end=end, seed=0)
            volumes[metric] = lf.incremental_by_phase(fit, windows)
        except ValueError:
            volumes[metric] = None
    return LiftAnalysis(
        cf=cf,
        table=table,
        volumes=volumes,
        pull_forward=pf,
        dip_days=dip.days if dip else 0,
        dip_verdict=dip_verdict(table),
        closed_weekdays=tuple(cf.closed_weekdays),
        zero_days=int((cf.daily.role == "zero").sum()),
        cf_factor=float(expected / (base_daily * kpis.at["campaign", "days"])),
        growth_per_year=float(np.expm1(cf.params.get("trend", 0.0))),
    )


def ltv_cac(
    kpis: pd.DataFrame,
    sku_window: pd.DataFrame,
    customers: CustomerAnalysis | Skip,
    value: CustomerValue | Skip,
) -> LtvCac | None:
    """LTV : CAC of the campaign's new customers.

    口径: CAC = campaign media spend / campaign new customers; LTV = (net spend in the first
    :data:`LTV_FIRST_DAYS` days + predicted net value over the next 26 weeks from BG/NBD ×
    Gamma–Gamma) × gross margin rate (1 − COGS/GMV of the campaign). Target ≥
    :data:`LTV_CAC_TARGET` (METHODS.md §1.3). Both parts are per customer. ``None`` (not asked)
    without customers, customer value, campaign new customers or spend.

    Raises
    ------
    ValueError
        No campaign new customer observed for the first days yet (bilingual reason).
    """
    if (
        not isinstance(customers, CustomerAnalysis)
        or customers.quality is None
        or not isinstance(value, CustomerValue)
        or "campaign_new" not in value.table.index
    ):
        return None
    spend, new = kpis.at["campaign", "spend"], kpis.at["campaign", "new_customers"]
    if not (np.isfinite(spend) and spend > 0 and new > 0):
        return None
    camp = sku_window[sku_window.phase == "campaign"]
    gm = 1 - camp.cogs.sum() / camp.gmv.sum()
    first = customers.quality.campaign_net_per_customer
    future = float(value.table.at["campaign_new", "value"])
    if not (np.isfinite(first) and np.isfinite(future)):
        raise ValueError(both("ltv_cac_too_early", days=LTV_FIRST_DAYS))
    cac = spend / new
    ltv = (first + future) * gm
    return LtvCac(
        cac=float(cac),
        ltv=float(ltv),
        ratio=float(ltv / cac),
        gross_margin_rate=float(gm),
        first_30d_net=float(first),
        predicted_value=future,
        horizon_weeks=int(value.params.get("horizon_weeks", 26)),
    )


def _did_rows(treated: pd.Series, control: pd.Series, post: int) -> pd.DataFrame:
    day = treated.index.strftime("%Y-%m-%d")
    return pd.concat(
        [
            pd.DataFrame({"y": treated.to_numpy(), "treat": 1, "post": post, "day": day}),
            pd.DataFrame({"y": control.to_numpy(), "treat": 0, "post": post, "day": day}),
        ]
    )


#: the fewest baseline days the control's scale and the daily differences' variance rest on
DID_BASELINE_DAYS = 14


def control_analysis(controls: pd.DataFrame | None, card: CampaignCard) -> ControlAnalysis | None:
    """Difference-in-differences of the promoted lines against the card's control series.

    口径 (METHODS.md §1.1): the control is the daily GMV of ``controls.categories``, scaled to the
    promoted lines' baseline level (× Σ_baseline promoted / Σ_baseline control). Per phase,
    ``δ = (Ȳ_T,phase − Ȳ_T,baseline) − (Ȳ_C,phase − Ȳ_C,baseline)`` — promoted GMV per day above
    what the control's movement implies (``did_ols``); its 95% interval and p-value by Welch's
    test on the daily differences promoted − scaled control, phase vs baseline (a shock common
    to both series on a day cancels); incremental = δ × days, interval likewise.
    Pre-trend: the treated − control slope over the baseline's weeks (``pretrend_check``).
    Each substitute/complement SKU gets the same DiD over the campaign (pre-heat..post):
    cannibalisation = −Σ over substitutes, halo = Σ over complements; net incremental = promoted
    campaign lift − cannibalisation + halo − pull-forward (−dip incremental of the promoted lines;
    NaN — not measured, nothing netted — when the card has no dip window). A phase of one day has
    an estimate but no interval or p-value (NaN: no day-to-day variation to test against).

    Returns None when the card declares no control (``controls`` is the extract's daily GMV by
    series, None then).

    Raises
    ------
    ValueError
        The control cannot be used (a baseline under :data:`DID_BASELINE_DAYS` days, no GMV in
        the baseline or in a phase); bilingual.
    """
    x = controls
    if x is None:
        return None
    w = card.windows
    b = w.baseline
    base = x.loc[pd.Timestamp(b.start) : pd.Timestamp(b.end)]
    if len(base) < DID_BASELINE_DAYS:
        raise ValueError(both("did_short_baseline", days=len(base), need=DID_BASELINE_DAYS))
    if base.control.sum() <= 0 or base.promoted.sum() <= 0:
        raise ValueError(both("did_no_baseline_gmv"))
    periods = [(name, win) for name, win in w.items() if name != "baseline"] + [
        ("campaign", w.campaign)
    ]

    def did(col: str, lo: object, hi: object) -> dict[str, float]:
        scale = base[col].sum() / base.control.sum()
        post = x.loc[pd.Timestamp(lo) : pd.Timestamp(hi)]
        if post.empty or post.control.sum() <= 0:
            raise ValueError(both("did_no_phase_gmv", start=lo, end=hi))
        rows = pd.concat(
            [
                _did_rows(base[col], base.control * scale, 0),
                _did_rows(post[col], post.control * scale, 1),
            ]
        )
        delta = lf.did_ols(rows).estimate  # = did_means: the METHODS formula
        # Interval and p from the daily paired differences d_t = Y_T,t − C'_t (Welch, post vs
        # baseline): a shock common to both series on a day cancels in d_t.
        d_pre, d_post = base[col] - base.control * scale, post[col] - post.control * scale
        if len(d_post) < 2:  # one day: no day-to-day variation to test against — not measured
            lo = hi = p = float("nan")
        else:
            try:
                test = welch_ttest(d_pre.to_numpy(), d_post.to_numpy())
                lo, hi, p = test.ci[0], test.ci[1], test.p_value
            except ValueError:  # d_t constant within both periods: no sampling variation
                lo = hi = delta
                p = 1.0 if delta == 0 else 0.0
        n = len(post)
        return {
            "delta_per_day": delta,
            "incremental": delta * n,
            "lower": lo * n,
            "upper": hi * n,
            "p_value": p,
            "days": n,
            "actual": float(post[col].sum()),
            "expected": float(post[col].sum() - delta * n),
        }

    table = pd.DataFrame({name: did("promoted", win.start, win.end) for name, win in periods}).T
    scale = base.promoted.sum() / base.control.sum()
    week = ((base.index - base.index[0]).days // 7).to_numpy()
    pre = _did_rows(base.promoted, base.control * scale, 0).assign(period=np.tile(week, 2))
    trend = lf.pretrend_check(pre, cluster="day")
    c = card.controls
    skus = c.substitutes + c.complements
    camp = w.campaign
    items = {s: did(f"sku:{s}", camp.start, camp.end) for s in skus}
    days = x.loc[pd.Timestamp(camp.start) : pd.Timestamp(camp.end)]
    y = pd.DataFrame({"promoted": days.promoted, **{s: days[f"sku:{s}"] for s in skus}})
    yhat = y - pd.Series(
        {
            "promoted": table.at["campaign", "delta_per_day"],
            **{s: items[s]["delta_per_day"] for s in skus},
        }
    )
    pull = -float(table.at["dip", "incremental"]) if "dip" in table.index else 0.0
    net = lf.cannibalisation_halo(
        y, yhat, c.substitutes, c.complements, promoted=["promoted"], pull_forward=pull
    ).to_dict()
    if "dip" not in table.index:  # no dip window: nothing netted, and nothing measured — not ¥0
        net["pull_forward"] = float("nan")
    return ControlAnalysis(
        table=table,
        categories=tuple(c.categories),
        pretrend=Pretrend(
            slope_diff_per_week=trend.estimate, p_value=trend.p_value, parallel=bool(trend.parallel)
        ),
        items=pd.DataFrame(items).T if items else None,
        substitutes=tuple(c.substitutes),
        complements=tuple(c.complements),
        net=NetIncrement(**net),
    )

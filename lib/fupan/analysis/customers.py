"""Customers of the campaign: cohorts, new-customer quality, repeat rates, RFM, customer value.

Customer keys are hashes from the extract layer (``user_key``); no raw identifier is handled here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from ..i18n import Localized, both, join, t
from ..ingest.history import BASELINE_HISTORY_DAYS
from ..metrics import customers as cu
from ..metrics.lifetime import value_by_cohort
from .results import Audiences, CustomerAnalysis, CustomerValue

if TYPE_CHECKING:
    from ..ingest.card import Windows

#: k of the k-day repeat rates in the report
REPEAT_DAYS = (7, 30, 60, 90)
#: k of the k-day gross margin per new customer
MARGIN_DAYS = (30, 60, 90)
#: k of the new-customer quality test (campaign vs organic)
QUALITY_DAYS = 30

Cohorts = dict[str, pd.Index]


def data_end(windows: Windows) -> pd.Timestamp:
    """The last day of the card's last window (what customers are observed up to)."""
    return pd.Timestamp(windows.items()[-1][1].end)


def customer_cohorts(customer_orders: pd.DataFrame, windows: Windows) -> Cohorts:
    """Campaign-new, baseline-new ('organic') and campaign-returning customers, as hashed keys.

    口径: :func:`fupan.metrics.customers.buyer_status` of the campaign window's buyers (new: first
    order ever in the window) and of the baseline window's (its new buyers: baseline-new).
    """
    if customer_orders.empty:  # every order cancelled: no buyer, new or returning
        empty = pd.Index([], name="user_key")
        return {"campaign_new": empty, "baseline_new": empty, "campaign_returning": empty}
    o = customer_orders.rename(columns={"user_key": "user_id"})
    camp, base = windows.campaign, windows.baseline
    campaign = cu.buyer_status(o, camp.start, camp.end)
    baseline = cu.buyer_status(o, base.start, base.end)

    def keys(status: pd.Series, value: str) -> pd.Index:
        return pd.Index(status.index[status.to_numpy() == value], name="user_key")

    return {
        "campaign_new": keys(campaign, "new"),
        "baseline_new": keys(baseline, "new"),
        "campaign_returning": keys(campaign, "returning"),
    }


def audiences(customer_orders: pd.DataFrame, windows: Windows) -> Audiences:
    """The campaign window's buyers as new, returning and reactivated (沉睡唤醒).

    With the dormant pool when the campaign opened. 口径: :func:`fupan.metrics.customers.buyer_mix` over the campaign window (the first day of
    preheat or burst to the last of burst or post), dormant after
    :data:`~fupan.metrics.customers.DORMANT_DAYS` days without an order.
    """
    camp = windows.campaign
    o = customer_orders.rename(columns={"user_key": "user_id"})
    return Audiences(cu.buyer_mix(o, camp.start, camp.end), camp.start, camp.end)


def customer_value(
    customer_orders: pd.DataFrame, cohorts: Cohorts, windows: Windows
) -> CustomerValue:
    """BG/NBD × Gamma–Gamma value per customer by cohort, observed to the end of the last window.

    Raises
    ------
    ValueError
        The models cannot be fitted (:class:`fupan.metrics.clv.CLVModelError`, bilingual).
    """
    end = data_end(windows) + pd.Timedelta(days=1) - pd.Timedelta(microseconds=1)
    table, params = value_by_cohort(customer_orders, cohorts, end)
    return CustomerValue(table, params)


def customer_analysis(
    customer_orders: pd.DataFrame, sku_window: pd.DataFrame, cohorts: Cohorts, windows: Windows
) -> CustomerAnalysis:
    """New-customer quality, repeat rates by cohort, 复购率/回购率, RFM segments and cohorts.

    口径: see :mod:`fupan.metrics.customers`; RFM over the buyers of the year up to the campaign's
    end, mean thresholds; cohorts by first-purchase month.
    """
    o = customer_orders.rename(columns={"user_key": "user_id"})
    camp, end = windows.campaign, data_end(windows)
    names = ("campaign_new", "baseline_new")
    empty = [n for n in names if not len(cohorts[n])]
    quality = mpc = None
    if not empty:
        quality = cu.new_customer_quality(
            o, cohorts["campaign_new"], cohorts["baseline_new"], end, k=QUALITY_DAYS
        )
    repeat = pd.concat(
        {
            name: cu.repeat_rates(o, cohorts[name], end, ks=REPEAT_DAYS)
            for name in names
            if name not in empty
        }
        or {names[0]: pd.DataFrame(index=pd.Index([], name="k"))},  # no cohort: no rate
        names=["cohort"],
    )
    returning = (
        cu.return_rate(o, (camp.start, camp.end), (windows.dip.start, windows.dip.end))
        if windows.dip is not None
        else None
    )
    as_of = pd.Timestamp(camp.end) + pd.Timedelta(days=1)
    recent = o[(o.order_ts < as_of) & (o.order_ts >= as_of - pd.Timedelta(days=365))]
    segments = cu.rfm_segments(cu.rfm_scores(recent, as_of), threshold="mean")
    table = segments.groupby("segment", observed=False).agg(
        customers=("segment", "size"),
        recency=("recency", "mean"),
        frequency=("frequency", "mean"),
        monetary=("monetary", "mean"),
        hint_zh=("action_zh", "first"),
        hint_en=("action_en", "first"),
    )
    actions = {
        row[3]: (row[4], row[5]) for row in cu.SEGMENT_TABLE
    }  # empty segments keep their hint
    rfm = table.assign(
        share=table.customers / table.customers.sum(),
        hint_zh=[actions[s][0] for s in table.index],
        hint_en=[actions[s][1] for s in table.index],
    )
    if not empty:
        mpc = margin_per_customer(sku_window, o, cohorts, end)
    return CustomerAnalysis(
        quality=quality,
        margin_per_customer=mpc,
        repeat=repeat,
        repurchase=cu.repurchase_rate(o, camp.start, camp.end),
        return_rate=returning,
        rfm=rfm,
        rfm_thresholds=segments.attrs.get("thresholds", {}),
        cohorts=cu.cohort_matrix(o, freq="M"),
        cohorts_partial_through=_partial_month(o),
        quality_note=both("ncq_empty_cohort", cohorts=empty_names(empty)) if empty else "",
        organic_comparable=bool(
            o.order_ts.min().normalize()
            <= pd.Timestamp(windows.baseline.start) - pd.Timedelta(days=BASELINE_HISTORY_DAYS)
        ),
    )


def _partial_month(orders: pd.DataFrame) -> pd.Timestamp | None:
    """The orders' last day, when it is not the last day of its month (else None)."""
    if orders.empty:
        return None
    last = pd.Timestamp(orders.order_ts.max()).normalize()
    return None if last.is_month_end else last


def empty_names(empty: list[str]) -> Localized:
    """The cohorts without customers, named in each language."""
    return Localized(
        *(join([t(f"cohort_{n}", lang) for n in empty], lang) for lang in ("zh", "en"))
    )


def margin_per_customer(
    sku_window: pd.DataFrame, o: pd.DataFrame, cohorts: Cohorts, end: pd.Timestamp
) -> pd.DataFrame:
    """k-day gross margin per new customer, campaign vs organic (baseline) cohort, k = 30/60/90.

    口径: net spend (after refunds) in ``[first order, first order + k days]`` per customer
    observed for the full k days (right-censored like the repeat rates) × the gross margin rate
    of the cohort's acquisition window (1 − COGS/GMV of the campaign or baseline lines; NaN
    without unit costs). Rows k; columns ``<cohort>`` (money) and ``<cohort>_n`` (eligible).
    """
    w = sku_window
    rates = {}
    for cohort, phase in (("campaign_new", "campaign"), ("baseline_new", "baseline")):
        x = w[w.phase == phase]
        gmv, cogs = (
            float(x.gmv.sum()),
            float(x.cogs.sum(min_count=1)) if "cogs" in x else float("nan"),
        )
        rates[cohort] = 1 - cogs / gmv if gmv > 0 and np.isfinite(cogs) else float("nan")
    rows = {}
    # the two cohorts' orders, found once for the three k (each call would find them again)
    mine = o[o["user_id"].isin(cohorts["campaign_new"].append(cohorts["baseline_new"]))]
    for k in MARGIN_DAYS:
        q = cu.new_customer_quality(
            mine, cohorts["campaign_new"], cohorts["baseline_new"], end, k=k
        )
        rows[k] = {
            "campaign_new": q.campaign_net_per_customer * rates["campaign_new"],
            "campaign_new_n": q.campaign.n_eligible,
            "baseline_new": q.organic_net_per_customer * rates["baseline_new"],
            "baseline_new_n": q.organic.n_eligible,
        }
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("k")

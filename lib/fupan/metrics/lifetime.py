"""Predicted customer value by cohort: BG/NBD × Gamma–Gamma on the campaign's order history
(METHODS.md §3.3), to compare the customers a campaign bought with those it would have had anyway.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .clv import (
    expected_average_value,
    expected_purchases,
    fit_bgnbd,
    fit_gamma_gamma,
    prob_alive,
    summary_from_transactions,
)


def value_by_cohort(orders: pd.DataFrame, cohorts: dict[str, pd.Index], observation_end: pd.Timestamp,
                    horizon_weeks: int = 26) -> tuple[pd.DataFrame, dict]:
    """Mean P(alive), expected repeat purchases and expected value per customer in each cohort.

    口径: per customer (orders = one row per order not cancelled: ``user_key``, ``order_ts``,
    ``net``), weekly frequency / recency / T up to ``observation_end`` as in ``lifetimes``; BG/NBD
    (Fader, Hardie & Lee 2005) fitted on every customer; Gamma–Gamma fitted on repeat customers;
    expected value = E[repeat purchases in the next ``horizon_weeks`` weeks] × E[spend per purchase]
    (undiscounted; spend is net of refunds). Gamma–Gamma assumes spend independent of frequency:
    the returned ``corr_spend_frequency`` lets the reader check it (≈ 0 is fine).
    """
    need = {"user_key", "order_ts", "net"}
    if not need <= set(orders.columns):
        raise ValueError(f"orders need columns {sorted(need)}")
    if horizon_weeks <= 0:
        raise ValueError("horizon_weeks must be positive")
    obs = orders[orders.order_ts <= observation_end]
    summary = summary_from_transactions(obs, "user_key", "order_ts", "net", observation_end, freq="W")
    bg = fit_bgnbd(summary.frequency, summary.recency, summary["T"])
    repeat = summary[(summary.frequency > 0) & (summary.monetary_value > 0)]
    gg = fit_gamma_gamma(repeat.frequency, repeat.monetary_value)
    summary = summary.assign(
        p_alive=prob_alive(bg, summary.frequency, summary.recency, summary["T"]),
        purchases=expected_purchases(bg, horizon_weeks, summary.frequency, summary.recency, summary["T"]),
        # customers without a positive repeat spend get the population mean (the x = 0 case)
        spend=expected_average_value(gg, summary.frequency.where(summary.monetary_value > 0, 0),
                                     summary.monetary_value.where(summary.monetary_value > 0, 0.0)),
    )
    summary = summary.assign(value=summary.purchases * summary.spend)
    rows = []
    for name, members in cohorts.items():
        s = summary[summary.index.isin(members)]
        rows.append({"cohort": name, "customers": len(s), "p_alive": s.p_alive.mean(),
                     "purchases": s.purchases.mean(), "spend_per_purchase": s.spend.mean(), "value": s.value.mean()})
    corr = float(np.corrcoef(repeat.frequency, repeat.monetary_value)[0, 1]) if len(repeat) > 2 else float("nan")
    params = {"bgnbd": {"r": bg.r, "alpha": bg.alpha, "a": bg.a, "b": bg.b},
              "gamma_gamma": {"p": gg.p, "q": gg.q, "v": gg.v}, "horizon_weeks": horizon_weeks,
              "observation_end": pd.Timestamp(observation_end).date().isoformat(),
              "corr_spend_frequency": corr, "customers": len(summary)}
    return pd.DataFrame(rows).set_index("cohort"), params

"""Predicted customer value by cohort: BG/NBD × Gamma–Gamma (METHODS.md §3.3).

Fitted on the campaign's order history, to compare the customers a campaign bought with those it
would have had anyway.

Nothing from a model reaches the table unless the model passed its checks (:mod:`.clv`); when one
fails, :func:`value_by_cohort` raises :class:`~fupan.metrics.clv.CLVModelError` whose bilingual
message (``"English||中文"``, :func:`fupan.i18n.bilingual`) is the reason the report prints instead
of the table.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .clv import (
    CLVModelError,
    checked_predictions,
    expected_average_value,
    fit_bgnbd,
    fit_gamma_gamma,
    summary_from_transactions,
)


def value_by_cohort(
    orders: pd.DataFrame,
    cohorts: dict[str, pd.Index],
    observation_end: pd.Timestamp,
    horizon_weeks: int = 26,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Mean P(alive), expected repeat purchases and expected value per customer in each cohort.

    口径: per customer (orders = one row per order not cancelled: ``user_key``, ``order_ts``,
    ``net``), weekly frequency / recency / T up to ``observation_end`` as in ``lifetimes`` (a
    purchase = a week with at least one order, so at most one per week); BG/NBD (Fader, Hardie &
    Lee 2005) fitted on every customer; Gamma–Gamma fitted on repeat customers with a positive
    mean repeat spend; expected value = E[repeat purchases in the next ``horizon_weeks`` weeks] ×
    E[spend per purchase] (undiscounted; spend is net of refunds). Gamma–Gamma assumes spend
    independent of frequency: the returned ``corr_spend_frequency`` lets the reader check it
    (≈ 0 is fine).

    When the Gamma–Gamma's maximum is its ridge limit (``params["gamma_gamma"]["model"] ==
    "inverse_gamma_limit"``), a repeat buyer's expected spend is their own m̄.
    When the BG/NBD's maximum is its no-dropout limit (``params["bgnbd"]["model"] ==
    "nbd_no_dropout"``: no customer visibly stopped buying), P(alive) is not estimated and is
    NaN, and expected purchases are the NBD's — what customers would buy if none had left.

    Every prediction is checked (:func:`~fupan.metrics.clv.checked_predictions`): purchases
    finite, ≥ 0 and at most one per week, P(alive) in [0, 1], spend per purchase finite and > 0,
    value finite and ≥ 0.

    Raises
    ------
    CLVModelError
        A model could not be fitted or failed a check; the message says why in en and zh.
    ValueError
        Missing columns or a non-positive horizon.
    """
    need = {"user_key", "order_ts", "net"}
    if not need <= set(orders.columns):
        raise ValueError(f"orders need columns {sorted(need)}")
    if horizon_weeks <= 0:
        raise ValueError("horizon_weeks must be positive")
    obs = orders[orders.order_ts <= observation_end]
    if obs.empty:
        raise CLVModelError(
            "no order on or before the end of the observation window", "观察期结束前没有订单"
        )
    summary = summary_from_transactions(
        obs, "user_key", "order_ts", "net", observation_end, freq="W"
    )
    x, tx, big_t = summary.frequency, summary.recency, summary["T"]
    bg = fit_bgnbd(x, tx, big_t)
    purchases, alive = checked_predictions(bg, horizon_weeks, x, tx, big_t, max_per_period=1.0)
    repeat = summary[(summary.frequency > 0) & (summary.monetary_value > 0)]
    if len(repeat) < 2:
        raise CLVModelError(
            f"{len(repeat)} customer(s) with a positive repeat spend: too few to fit the spend model",
            f"有正的复购消费的客户仅 {len(repeat)} 位，不足以拟合消费模型",
        )
    gg = fit_gamma_gamma(repeat.frequency, repeat.monetary_value)
    # customers without a positive repeat spend get the population mean (the x = 0 case)
    spend = expected_average_value(
        gg,
        x.where(summary.monetary_value > 0, 0),
        summary.monetary_value.where(summary.monetary_value > 0, 0.0),
    )
    if not (np.all(np.isfinite(spend)) and np.all(spend > 0)):
        raise CLVModelError(
            "the fitted Gamma–Gamma gives a spend per purchase that is not a positive number",
            "拟合的 Gamma–Gamma 模型给出的单次消费不是正数",
        )
    summary = summary.assign(
        p_alive=np.nan if bg.no_dropout else alive,
        purchases=purchases,
        spend=spend,
        value=purchases * spend,
    )
    rows = []
    for name, members in cohorts.items():
        s = summary[summary.index.isin(members)]
        rows.append(
            {
                "cohort": name,
                "customers": len(s),
                "p_alive": s.p_alive.mean(),
                "purchases": s.purchases.mean(),
                "spend_per_purchase": s.spend.mean(),
                "value": s.value.mean(),
            }
        )
    corr = (
        float(np.corrcoef(repeat.frequency, repeat.monetary_value)[0, 1])
        if len(repeat) > 2
        else float("nan")
    )
    model = "nbd_no_dropout" if bg.no_dropout else "bg_nbd"
    params = {
        "bgnbd": {
            "model": model,
            "r": bg.r,
            "alpha": bg.alpha,
            "a": None if bg.no_dropout else bg.a,
            "b": None if bg.no_dropout else bg.b,
            "log_likelihood": bg.log_likelihood,
            "nbd_log_likelihood": bg.nbd_log_likelihood,
        },
        "gamma_gamma": {
            "model": "inverse_gamma_limit" if gg.on_ridge_limit else "gamma_gamma",
            "p": None if gg.on_ridge_limit else gg.p,
            "q": gg.q,
            "v": None if gg.on_ridge_limit else gg.v,
            "mean_spend": gg.mean_spend,
            "log_likelihood": gg.log_likelihood,
        },
        "horizon_weeks": horizon_weeks,
        "observation_end": pd.Timestamp(observation_end).date().isoformat(),
        "corr_spend_frequency": corr,
        "customers": len(summary),
    }
    return pd.DataFrame(rows).set_index("cohort"), params

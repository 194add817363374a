"""Predicted value by cohort, checked against the independent `lifetimes` package on CDNOW."""
from __future__ import annotations

import pandas as pd
import pytest

from conftest import SHARED
from fupan.metrics.lifetime import value_by_cohort

CDNOW = SHARED / "datasets" / "cdnow" / "CDNOW_master.txt"
END = pd.Timestamp("1997-09-30")


@pytest.fixture(scope="module")
def cdnow_orders() -> pd.DataFrame:
    if not CDNOW.is_file():
        pytest.skip(f"real data not present: {CDNOW} (see shared/datasets/SOURCES.md)")
    raw = pd.read_csv(CDNOW, sep=r"\s+", header=0, names=["user_key", "date", "cds", "net"], dtype={"date": str})
    raw = raw.assign(order_ts=pd.to_datetime(raw.date, format="%Y%m%d"))
    return raw[raw.user_key <= 3000][["user_key", "order_ts", "net"]]  # a sample keeps the test quick


@pytest.mark.realdata
def test_cohort_values_match_lifetimes(cdnow_orders):
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    first = cdnow_orders.groupby("user_key").order_ts.min()
    cohorts = {"jan": first[first < "1997-02-01"].index, "feb_mar": first[first >= "1997-02-01"].index}
    table, params = value_by_cohort(cdnow_orders, cohorts, END, horizon_weeks=26)

    obs = cdnow_orders[cdnow_orders.order_ts <= END]
    s = summary_data_from_transaction_data(obs, "user_key", "order_ts", "net", observation_period_end=END, freq="W")
    bg = BetaGeoFitter().fit(s.frequency, s.recency, s["T"])
    rep = s[(s.frequency > 0) & (s.monetary_value > 0)]
    gg = GammaGammaFitter().fit(rep.frequency, rep.monetary_value)
    purchases = bg.conditional_expected_number_of_purchases_up_to_time(26, s.frequency, s.recency, s["T"])
    freq_for_spend = s.frequency.where(s.monetary_value > 0, 0)
    spend = gg.conditional_expected_average_profit(freq_for_spend, s.monetary_value.where(s.monetary_value > 0, 0.0))
    value = purchases * spend
    for name, members in cohorts.items():
        idx = s.index.isin(members)
        assert table.at[name, "customers"] == idx.sum()
        assert table.at[name, "purchases"] == pytest.approx(purchases[idx].mean(), rel=2e-3)
        assert table.at[name, "value"] == pytest.approx(value[idx].mean(), rel=5e-3)
    assert params["bgnbd"]["r"] == pytest.approx(bg.params_["r"], rel=2e-3)


def test_bad_inputs_raise():
    orders = pd.DataFrame({"user_key": [1], "order_ts": [pd.Timestamp("2025-01-01")], "net": [1.0]})
    with pytest.raises(ValueError, match="columns"):
        value_by_cohort(orders.drop(columns="net"), {}, END)
    with pytest.raises(ValueError, match="horizon"):
        value_by_cohort(orders, {}, END, horizon_weeks=0)

"""Customer metrics: hand-computed tiny frames (arithmetic in the comments), failing inputs, and
property tests against deliberately naive per-user loops (METHODS.md §1.3, §3.1–3.2)."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import uci_invoices
from fupan.metrics.abtest import two_proportion_ztest
from fupan.metrics.customers import (
    SEGMENTS,
    BuyerRate,
    RepeatRate,
    buyer_mix,
    buyer_status,
    classify_customers,
    cohort_counts,
    cohort_matrix,
    first_orders,
    new_customer_quality,
    repeat_rate,
    repeat_rates,
    repurchase_rate,
    return_rate,
    rfm_scores,
    rfm_segments,
)


def frame(rows: list[tuple]) -> pd.DataFrame:
    """(user_id, 'YYYY-MM-DD[ HH:MM]', net) rows → the per-order frame; gmv = net + 1 (unused)."""
    df = pd.DataFrame(rows, columns=["user_id", "order_ts", "net"])
    return df.assign(
        order_ts=pd.to_datetime(df["order_ts"], format="ISO8601"), gmv=df["net"] + 1.0
    )[["user_id", "order_ts", "gmv", "net"]]


# ---------------------------------------------------------------- first orders, new vs returning

HISTORY = frame(
    [
        ("a", "2024-12-20 09:00", 10.0),  # a bought before the window → returning
        ("a", "2025-01-05 10:00", 20.0),
        ("b", "2025-01-06 23:59", 30.0),  # b's first order ever is inside the window → new
        ("b", "2025-01-07 08:00", 5.0),  # last day of the window, inclusive
        ("c", "2025-01-08 00:00", 40.0),  # the day after the window: c is no buyer of it
        ("d", "2025-01-01 00:00", 50.0),  # first day of the window at midnight → new
    ]
)
WINDOW = ("2025-01-01", "2025-01-07")


def test_first_orders_by_hand():
    expected = pd.DataFrame(
        {
            "first_ts": pd.to_datetime(
                ["2024-12-20 09:00", "2025-01-06 23:59", "2025-01-08 00:00", "2025-01-01 00:00"]
            ),
            "first_date": pd.to_datetime(["2024-12-20", "2025-01-06", "2025-01-08", "2025-01-01"]),
            "n_orders": [2, 2, 1, 1],
        },
        index=pd.Index(["a", "b", "c", "d"], name="user_id"),
    )
    pd.testing.assert_frame_equal(first_orders(HISTORY), expected, check_dtype=False)


def test_classify_customers_by_hand():
    out = classify_customers(HISTORY, *WINDOW)
    assert out.index.tolist() == ["a", "b", "d"]  # c ordered on 01-08 only
    assert out["status"].tolist() == ["returning", "new", "new"]
    assert out["orders_in_window"].tolist() == [1, 2, 1]
    # history starts 2024-12-20, later than 2025-01-01 − 365 days = 2024-01-02 → approximate
    assert out.attrs["approximate"] is True
    assert out.attrs["history_start"] == pd.Timestamp("2024-12-20")


def test_classify_customers_approximate_flag_boundaries():
    # a declared history start a year and more before the window → exact
    assert (
        classify_customers(HISTORY, *WINDOW, history_start="2023-06-01").attrs["approximate"]
        is False
    )
    # start − 12 days = 2024-12-20 = the first order's day: not later → exact (boundary)
    assert classify_customers(HISTORY, *WINDOW, lookback_days=12).attrs["approximate"] is False
    # start − 13 days = 2024-12-19, one day before the history starts → approximate
    assert classify_customers(HISTORY, *WINDOW, lookback_days=13).attrs["approximate"] is True


def test_classify_customers_empty_window_gives_empty_frame():
    out = classify_customers(HISTORY, "2026-01-01", "2026-01-31")
    assert out.empty and list(out.columns) == ["first_ts", "orders_in_window", "status"]


def test_classify_customers_rejects_bad_input():
    with pytest.raises(ValueError, match="before it starts"):
        classify_customers(HISTORY, "2025-01-07", "2025-01-01")
    with pytest.raises(ValueError, match="lookback_days"):
        classify_customers(HISTORY, *WINDOW, lookback_days=-1)
    with pytest.raises(ValueError, match="history_start"):
        classify_customers(HISTORY, *WINDOW, history_start="2025-01-01")  # orders exist before


@pytest.mark.parametrize(
    "bad",
    [
        HISTORY.drop(columns="order_ts"),
        HISTORY.iloc[0:0],
        HISTORY.assign(order_ts=HISTORY["order_ts"].astype(str)),
        HISTORY.assign(order_ts=HISTORY["order_ts"].dt.tz_localize("Asia/Shanghai")),
        HISTORY.assign(user_id=[None, "a", "b", "c", "d", "e"]),
        "not a frame",
    ],
)
def test_first_orders_rejects_bad_frames(bad):
    with pytest.raises(ValueError, match="orders|order_ts|user_id"):
        first_orders(bad)


# ---------------------------------------------------------------- k-day repeat (METHODS §1.3)

DATA_END = "2025-06-30"
REPEAT = frame(
    [
        ("a", "2025-01-01 10:00", 100.0),
        ("a", "2025-01-01 18:00", 50.0),  # same day, later: repeat
        ("b", "2025-01-03 12:00", 200.0),
        ("b", "2025-01-03 12:00", 20.0),  # identical ts: not a repeat
        ("b", "2025-03-10 09:00", 60.0),  # 65 d 21 h after the first
        ("c", "2025-01-20 08:00", 30.0),  # never again
        ("e", "2025-02-01 10:00", 10.0),
        ("e", "2025-03-03 10:00", 10.0),  # exactly 30 days later
        ("f", "2025-02-01 10:00", 10.0),
        ("f", "2025-03-03 10:01", 10.0),  # 30 days + 1 minute
        ("g", "2025-06-01 10:00", 10.0),
        ("g", "2025-06-05 10:00", 10.0),  # 4 days later
        ("h", "2025-05-31 23:00", 10.0),
        ("h", "2025-06-30 22:00", 10.0),  # 29 d 23 h later
        ("z", "2025-01-01 09:00", 10.0),
        ("z", "2025-01-02 09:00", 10.0),  # not in the cohort
    ]
)
COHORT = ["a", "b", "c", "e", "f", "g", "h"]


def test_repeat_rate_by_hand():
    # k=30: eligible iff first day ≤ 06-30 − 30 d = 05-31 → a b c e f h (g censored);
    # repeat: a (same day), e (exactly 30 d), h (29 d 23 h) → 3/6
    assert repeat_rate(REPEAT, COHORT, 30, DATA_END) == RepeatRate(30, 0.5, 6, 3, 1)
    # k=7: cutoff 06-23 → all 7 eligible; repeat: a, g → 2/7
    assert repeat_rate(REPEAT, COHORT, 7, DATA_END) == RepeatRate(7, 2 / 7, 7, 2, 0)


def test_repeat_rates_over_k_by_hand():
    out = repeat_rates(REPEAT, COHORT, DATA_END)
    expected = pd.DataFrame(
        {
            "rate": [2 / 7, 3 / 6, 3 / 5, 4 / 5],
            # k=60: cutoff 05-01 → a b c e f; repeat a e f (f: 30 d 1 min ≤ 60 d)
            # k=90: cutoff 04-01 → a b c e f; repeat a b e f (b: 65 d 21 h ≤ 90 d)
            "n_eligible": [7, 6, 5, 5],
            "n_repeat": [2, 3, 3, 4],
            "n_censored": [0, 1, 2, 2],
        },
        index=pd.Index([7, 30, 60, 90], name="k"),
    )
    pd.testing.assert_frame_equal(out, expected)


def test_repeat_rate_censoring_edges():
    # h's first order is on 05-31 = 06-30 − 30 d: still eligible (boundary) and repeats
    assert repeat_rate(REPEAT, ["h"], 30, DATA_END) == RepeatRate(30, 1.0, 1, 1, 0)
    # one day less of data: h's first order is within 30 days of data_end → excluded
    assert repeat_rate(REPEAT, ["h"], 30, "2025-06-29").n_censored == 1
    # a time of day on data_end is ignored (the whole last day counts as observed)
    assert repeat_rate(REPEAT, ["h"], 30, "2025-06-30 00:01") == RepeatRate(30, 1.0, 1, 1, 0)
    everyone_censored = repeat_rate(REPEAT, COHORT, 200, DATA_END)  # cutoff 2024-12-12
    assert math.isnan(everyone_censored.rate)
    assert (everyone_censored.n_eligible, everyone_censored.n_censored) == (0, 7)


def test_repeat_rate_same_day_rule():
    # identical timestamp = one purchase moment (拆单); one minute later on the same day = repeat
    same = frame([("x", "2025-01-01 12:00", 1.0), ("x", "2025-01-01 12:00", 1.0)])
    later = frame([("x", "2025-01-01 12:00", 1.0), ("x", "2025-01-01 12:01", 1.0)])
    assert repeat_rate(same, ["x"], 7, "2025-03-01").n_repeat == 0
    assert repeat_rate(later, ["x"], 7, "2025-03-01").n_repeat == 1


def test_repeat_rate_uses_first_order_of_whole_history_and_ignores_duplicates():
    # z's first order is 01-01 09:00 whoever else is in the cohort; a listed twice counts once
    assert repeat_rate(REPEAT, ["z", "a", "a"], 7, DATA_END) == RepeatRate(7, 1.0, 2, 2, 0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"k": 0}, "k must"),
        ({"k": -7}, "k must"),
        ({"k": 1.5}, "k must"),
        ({"k": True}, "k must"),
        ({"cohort_users": []}, "empty"),
        ({"cohort_users": ["a", "nobody"]}, "no order"),
        ({"cohort_users": "a"}, "collection"),
        ({"data_end": "not a date"}, "data_end"),
    ],
)
def test_repeat_rate_rejects_bad_input(kwargs, match):
    args = {"orders": REPEAT, "cohort_users": COHORT, "k": 30, "data_end": DATA_END} | kwargs
    with pytest.raises(ValueError, match=match):
        repeat_rate(**args)


def test_repeat_rates_rejects_bad_ks():
    with pytest.raises(ValueError, match="distinct"):
        repeat_rates(REPEAT, COHORT, DATA_END, ks=(30, 30))
    with pytest.raises(ValueError, match="distinct"):
        repeat_rates(REPEAT, COHORT, DATA_END, ks=())
    with pytest.raises(ValueError, match="each k"):
        repeat_rates(REPEAT, COHORT, DATA_END, ks=(7, 0))


# ---------------------------------------------------------------- 复购率 and 回购率 (METHODS §3.2)

WINDOWED = frame(
    [
        ("p", "2025-01-02 09:00", 1.0),
        ("p", "2025-01-02 20:00", 1.0),  # twice on one day
        ("q", "2025-01-05 10:00", 1.0),
        ("q", "2025-01-20 10:00", 1.0),  # two days
        ("r", "2025-01-10 10:00", 1.0),
        ("r", "2025-03-01 10:00", 1.0),  # once in Jan, March is outside
        ("s", "2024-12-31 23:59", 1.0),
        ("s", "2025-01-15 10:00", 1.0),  # once inside the window
        ("q", "2025-02-03 10:00", 1.0),  # q comes back in February
        ("t", "2025-02-01 00:00", 1.0),  # February only
    ]
)


def test_repurchase_rate_by_hand():
    # January buyers p q r s = 4. Distinct days: p 1, q 2, r 1, s 1 → 1/4
    assert repurchase_rate(WINDOWED, "2025-01-01", "2025-01-31") == BuyerRate(0.25, 4, 1)
    # every order counts: p 2, q 2 → 2/4
    assert repurchase_rate(WINDOWED, "2025-01-01", "2025-01-31", same_day_counts=True) == BuyerRate(
        0.5, 4, 2
    )
    empty = repurchase_rate(WINDOWED, "2026-01-01", "2026-01-31")
    assert math.isnan(empty.rate) and empty.n_buyers == 0


def test_return_rate_by_hand():
    # January buyers p q r s; of them only q buys in February (t is not a January buyer) → 1/4
    out = return_rate(WINDOWED, ("2025-01-01", "2025-01-31"), ("2025-02-01", "2025-02-28"))
    assert out == BuyerRate(0.25, 4, 1)
    # Jan → Feb..Mar adds r (03-01) → 2/4
    assert (
        return_rate(WINDOWED, ("2025-01-01", "2025-01-31"), ("2025-02-01", "2025-03-31")).n_repeat
        == 2
    )


def test_repurchase_and_return_rate_reject_bad_windows():
    with pytest.raises(ValueError, match="before it starts"):
        repurchase_rate(WINDOWED, "2025-01-31", "2025-01-01")
    with pytest.raises(ValueError, match="window2 must start after"):
        return_rate(WINDOWED, ("2025-01-01", "2025-01-31"), ("2025-01-31", "2025-02-28"))
    with pytest.raises(ValueError, match="pair"):
        return_rate(WINDOWED, "2025-01", ("2025-02-01", "2025-02-28"))


# ---------------------------------------------------------------- cohorts (METHODS §3.2)

COHORTS = frame(
    [
        ("u1", "2025-01-05", 1.0),
        ("u1", "2025-03-10", 1.0),  # Jan: n=0, gap, n=2
        ("u2", "2025-01-20", 1.0),
        ("u2", "2025-02-01", 1.0),
        ("u2", "2025-02-15", 1.0),  # Jan: n=0, 1
        ("u3", "2025-02-28 23:59", 1.0),
        ("u3", "2025-03-01 00:00", 1.0),  # Feb: n=0, 1
        ("u4", "2025-04-02", 1.0),  # Apr (no Mar cohort)
    ]
)


def test_cohort_counts_and_matrix_by_hand():
    na = pd.NA
    counts = cohort_counts(COHORTS)
    # last period April = Jan + 3 → columns 0..3; cells after April are unobserved (NA)
    expected = pd.DataFrame(
        [[2, 1, 1, 0], [1, 1, 0, na], [1, na, na, na]],
        dtype="Int64",
        index=pd.PeriodIndex(["2025-01", "2025-02", "2025-04"], freq="M", name="cohort"),
        columns=pd.RangeIndex(4, name="n"),
    )
    pd.testing.assert_frame_equal(counts, expected, check_column_type=False)
    nan = np.nan
    matrix = cohort_matrix(COHORTS)
    # Jan: 2/2, 1/2 (u2), 1/2 (u1 after a gap), 0/2; Feb: 1, 1, 0, unobserved; Apr: 1, …
    np.testing.assert_array_equal(
        matrix.to_numpy(), [[1, 0.5, 0.5, 0], [1, 1, 0, nan], [1, nan, nan, nan]]
    )
    assert (matrix[0] == 1.0).all()
    assert counts[0].sum() == 4  # every customer in exactly one cohort


def test_weekly_cohorts_run_monday_to_sunday():
    weekly = frame(
        [
            ("a", "2025-01-05", 1.0),
            ("a", "2025-01-06", 1.0),  # Sun then Mon: next week
            ("b", "2025-01-06", 1.0),
            ("b", "2025-01-12", 1.0),
        ]
    )  # Mon and Sun: same week
    m = cohort_matrix(weekly, freq="W")
    assert [str(p.start_time.date()) for p in m.index] == ["2024-12-30", "2025-01-06"]
    np.testing.assert_array_equal(m.to_numpy(), [[1.0, 1.0], [1.0, np.nan]])


def test_cohorts_reject_bad_input():
    with pytest.raises(ValueError, match="freq"):
        cohort_matrix(COHORTS, freq="D")
    with pytest.raises(ValueError, match="empty"):
        cohort_counts(COHORTS.iloc[0:0])


# ---------------------------------------------------------------- RFM (METHODS §3.1)

RFM_ORDERS = frame(
    [
        ("a", "2025-01-29", 100.0),
        ("a", "2025-01-30", 100.0),
        ("a", "2025-01-31", 100.0),  # R 1, F 3, M 300
        ("b", "2025-01-31 23:00", 50.0),  # R 1, F 1, M 50
        ("c", "2025-01-10", 500.0),
        ("c", "2025-01-11", 500.0),  # R 21, F 2, M 1000
        ("d", "2025-01-01", 10.0),  # R 31, F 1, M 10
        ("e", "2025-01-20", 40.0),
        ("e", "2025-01-25", 20.0),  # R 7, F 2, M 60
    ]
)
AS_OF = "2025-02-01"  # window end 01-31 + 1 day


def test_rfm_scores_by_hand():
    rfm = rfm_scores(RFM_ORDERS, AS_OF)
    assert rfm["recency"].tolist() == [1, 1, 21, 31, 7]
    assert rfm["frequency"].tolist() == [3, 1, 2, 1, 2]
    assert rfm["monetary"].tolist() == [300.0, 50.0, 1000.0, 10.0, 60.0]
    # 5 customers: qcut of ranks 1..5 into 5 bins gives score = rank.
    # R ranks −recency ascending: d(−31)1 c(−21)2 e(−7)3, tie a=b(−1): a first → a 4, b 5
    # F: tie b=d(1) → b 1, d 2; tie c=e(2) → c 3, e 4; a 5.   M: d 1, b 2, e 3, a 4, c 5
    assert rfm["r_score"].tolist() == [4, 5, 2, 1, 3]
    assert rfm["f_score"].tolist() == [5, 1, 3, 2, 4]
    assert rfm["m_score"].tolist() == [4, 2, 5, 1, 3]
    assert rfm["rfm_cell"].tolist() == ["454", "512", "235", "121", "343"]


def test_rfm_segments_mean_and_median_with_ties():
    rfm = rfm_scores(RFM_ORDERS, AS_OF)
    # mean: R 61/5 = 12.2, F 9/5 = 1.8, M 1420/5 = 284
    # a (1,3,300) HHH; b (1,1,50) HLL; c (21,2,1000) LHH; d (31,1,10) LLL; e (7,2,60) HHL
    mean = rfm_segments(rfm, "mean")
    assert mean["segment"].tolist() == [
        "重要价值客户",
        "一般发展客户",
        "重要保持客户",
        "一般挽留客户",
        "一般价值客户",
    ]
    assert mean.attrs["thresholds"] == {"recency": 12.2, "frequency": 1.8, "monetary": 284.0}
    # median: R 7, F 2, M 60. e sits exactly on all three: R 7 ≤ 7, F 2 ≥ 2, M 60 ≥ 60 → HHH;
    # c (21, 2, 1000): F 2 ≥ 2 → LHH
    median = rfm_segments(rfm, "median")
    assert median["segment"].tolist() == [
        "重要价值客户",
        "一般发展客户",
        "重要保持客户",
        "一般挽留客户",
        "重要价值客户",
    ]
    assert median.loc["e", ["r_high", "f_high", "m_high"]].tolist() == [True, True, True]


def test_rfm_segments_follow_the_methods_table():
    # every (R, F, M) combination once: values 1/100 (R), 1/10 (F), 1/1000 (M), means in between
    combos = [(r, f, m) for m in (1000, 1) for r in (1, 100) for f in (10, 1)]
    rfm = pd.DataFrame(combos, columns=["recency", "frequency", "monetary"])
    out = rfm_segments(rfm)
    # METHODS §3.1 rows in order: HHH HLH LHH LLH HHL HLL LHL LLL
    assert tuple(out["segment"]) == SEGMENTS
    assert list(out["action_en"]) == [
        "maintain",
        "raise frequency",
        "win back contact",
        "retention offer",
        "upsell AOV",
        "nurture",
        "low-cost touch",
        "deprioritise",
    ]
    assert out["action_zh"].notna().all()
    assert list(out["segment"].cat.categories) == list(SEGMENTS)


def test_rfm_rejects_bad_input():
    with pytest.raises(ValueError, match="after as_of"):
        rfm_scores(RFM_ORDERS, "2025-01-30")
    with pytest.raises(ValueError, match="at least 5"):
        rfm_scores(RFM_ORDERS[RFM_ORDERS["user_id"] != "e"], AS_OF)
    with pytest.raises(ValueError, match="net"):
        rfm_scores(RFM_ORDERS.drop(columns="net"), AS_OF)
    with pytest.raises(ValueError, match="finite"):
        rfm_scores(RFM_ORDERS.assign(net=np.nan), AS_OF)
    rfm = rfm_scores(RFM_ORDERS, AS_OF)
    with pytest.raises(ValueError, match="threshold"):
        rfm_segments(rfm, "mode")
    with pytest.raises(ValueError, match="columns"):
        rfm_segments(rfm.drop(columns="monetary"))


# ---------------------------------------------------------------- new-customer quality (§1.3)

QUALITY = frame(
    [
        ("c1", "2025-03-01 10:00", 100.0),
        ("c1", "2025-03-05", 50.0),  # repeat; net 150
        ("c2", "2025-03-02", 80.0),
        ("c2", "2025-04-15", 999.0),  # 44 days later: no; net 80
        ("c3", "2025-03-03", 60.0),  # no; net 60
        ("c4", "2025-06-15", 500.0),  # after 05-31 → censored
        ("o1", "2025-01-10", 200.0),
        ("o1", "2025-01-20", 100.0),  # repeat; net 300
        ("o2", "2025-01-11", 120.0),
        ("o2", "2025-01-12", 30.0),  # repeat; net 150
        ("o3", "2025-01-12", 90.0),  # no; net 90
        ("o4", "2025-06-20", 70.0),  # censored
    ]
)


def test_new_customer_quality_by_hand():
    q = new_customer_quality(
        QUALITY, ["c1", "c2", "c3", "c4"], ["o1", "o2", "o3", "o4"], DATA_END, k=30
    )
    assert q.campaign == RepeatRate(30, 1 / 3, 3, 1, 1)
    assert q.organic == RepeatRate(30, 2 / 3, 3, 2, 1)
    assert q.campaign_net_per_customer == pytest.approx((150 + 80 + 60) / 3)
    assert q.organic_net_per_customer == pytest.approx((300 + 150 + 90) / 3)
    # organic = control (arm 1), campaign = treatment (arm 2)
    assert q.test == two_proportion_ztest(2, 3, 1, 3)
    # pooled 3/6 = .5; SE = √(.25·(1/3 + 1/3)) = √(1/6); z = (1/3 − 2/3)/√(1/6) = −0.8165
    assert q.test.z == pytest.approx(-(1 / 3) / math.sqrt(1 / 6))
    table = q.to_frame()
    assert table.loc["campaign", "n_eligible"] == 3 and table.loc[
        "organic", "rate"
    ] == pytest.approx(2 / 3)


def test_new_customer_quality_without_variance_has_no_test():
    q = new_customer_quality(QUALITY, ["c2", "c3"], ["o3"], DATA_END)  # nobody repeats
    assert q.test is None and q.campaign.rate == 0.0
    q = new_customer_quality(QUALITY, ["c4"], ["o1"], DATA_END)  # campaign cohort all censored
    assert q.test is None and math.isnan(q.campaign_net_per_customer)


def test_new_customer_quality_rejects_bad_input():
    with pytest.raises(ValueError, match="both cohorts"):
        new_customer_quality(QUALITY, ["c1", "o1"], ["o1"], DATA_END)
    with pytest.raises(ValueError, match="net"):
        new_customer_quality(QUALITY.drop(columns="net"), ["c1"], ["o1"], DATA_END)
    with pytest.raises(ValueError, match="k must"):
        new_customer_quality(QUALITY, ["c1"], ["o1"], DATA_END, k=0)


def test_functions_do_not_mutate_their_input():
    before = REPEAT.copy(deep=True)
    first_orders(REPEAT)
    classify_customers(REPEAT, "2025-01-01", "2025-01-31")
    repeat_rates(REPEAT, COHORT, DATA_END)
    repurchase_rate(REPEAT, "2025-01-01", "2025-06-30")
    return_rate(REPEAT, ("2025-01-01", "2025-01-31"), ("2025-02-01", "2025-06-30"))
    cohort_matrix(REPEAT, "W")
    rfm_segments(rfm_scores(REPEAT, "2025-07-01"))
    new_customer_quality(REPEAT, ["a", "b"], ["c", "e"], DATA_END)
    pd.testing.assert_frame_equal(REPEAT, before)


# ---------------------------------------------------------------- property tests vs naive loops

BASE = datetime(2025, 1, 1)
USERS = [f"u{i}" for i in range(10)]
order_rows = st.lists(
    st.tuples(
        st.sampled_from(USERS),
        st.integers(0, 199),
        # few distinct minutes of the day so that identical timestamps happen often
        st.sampled_from([0, 9 * 60, 9 * 60 + 1, 23 * 60 + 59]),
        st.floats(0, 500, allow_nan=False),
    ),
    min_size=1,
    max_size=60,
)


def to_events(rows: list[tuple]) -> list[tuple[str, datetime, float]]:
    return [(u, BASE + timedelta(days=d, minutes=m), amount) for u, d, m, amount in rows]


def to_frame(events: list[tuple[str, datetime, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "user_id": [u for u, _, _ in events],
            "order_ts": pd.to_datetime([t for _, t, _ in events]),
            "gmv": [a for _, _, a in events],
            "net": [a for _, _, a in events],
        }
    )


def naive_repeat(events, cohort, k, data_end: date) -> tuple[int, int, int]:
    """(n_eligible, n_repeat, n_censored) by looping over users and their orders."""
    eligible = repeaters = censored = 0
    for user in set(cohort):
        times = [t for u, t, _ in events if u == user]
        t_first = min(times)
        if t_first.date() > data_end - timedelta(days=k):
            censored += 1
            continue
        eligible += 1
        if any(t_first < t <= t_first + timedelta(days=k) for t in times):
            repeaters += 1
    return eligible, repeaters, censored


def period_number(t: datetime, freq: str) -> int:
    if freq == "M":
        return t.year * 12 + t.month - 1
    return (t.date() - date(1970, 1, 5)).days // 7  # 1970-01-05 was a Monday


def naive_cohorts(events, freq: str) -> dict[tuple[int, int], float]:
    """{(cohort period, n): retention} for every observed cell, by looping."""
    first: dict[str, int] = {}
    for u, t, _ in events:
        first[u] = min(first.get(u, 10**9), period_number(t, freq))
    last = max(period_number(t, freq) for _, t, _ in events)
    size: dict[int, int] = defaultdict(int)
    for c in first.values():
        size[c] += 1
    active: dict[tuple[int, int], set[str]] = defaultdict(set)
    for u, t, _ in events:
        active[(first[u], period_number(t, freq) - first[u])].add(u)
    return {(c, n): len(active[(c, n)]) / size[c] for c in size for n in range(last - c + 1)}


@settings(max_examples=100, deadline=None, derandomize=True)
@given(order_rows, st.integers(0, 230), st.sampled_from([1, 7, 30, 60, 90]), st.data())
def test_repeat_rate_equals_a_naive_loop(rows, end_offset, k, data):
    events = to_events(rows)
    present = sorted({u for u, _, _ in events})
    cohort = data.draw(st.lists(st.sampled_from(present), min_size=1, unique=True))
    data_end = (BASE + timedelta(days=end_offset)).date()
    got = repeat_rate(to_frame(events), cohort, k, data_end)
    eligible, repeaters, censored = naive_repeat(events, cohort, k, data_end)
    assert (got.n_eligible, got.n_repeat, got.n_censored) == (eligible, repeaters, censored)
    assert math.isnan(got.rate) if eligible == 0 else got.rate == repeaters / eligible


@settings(max_examples=100, deadline=None, derandomize=True)
@given(order_rows, st.sampled_from(["M", "W"]), st.booleans())
def test_cohort_matrix_equals_a_naive_loop(rows, freq, grid):
    """Both ways of finding each (user, period) once: marks in a grid, or hashing (the grid's
    size limit set to 0)."""
    import fupan.metrics.customers as cu

    events = to_events(rows)
    limit = cu._GRID_CELLS
    cu._GRID_CELLS = limit if grid else 0
    try:
        matrix = cohort_matrix(to_frame(events), freq)
    finally:
        cu._GRID_CELLS = limit
    expected = naive_cohorts(events, freq)
    cohorts = [period_number(p.start_time.to_pydatetime(), freq) for p in matrix.index]
    assert cohorts == sorted({c for c, _ in expected})
    assert list(matrix.columns) == list(range(max(n for _, n in expected) + 1))
    for c, (_, row) in zip(cohorts, matrix.iterrows(), strict=True):
        for n, value in row.items():
            if (c, n) in expected:
                assert value == expected[(c, n)], (c, n)
            else:
                assert math.isnan(value), (c, n)  # beyond the last observed period
    assert (matrix[0] == 1.0).all()


# ---------------------------------------------------------------- buyer mix and reactivation

# window 2025-07-01 .. 2025-07-10, dormant after 180 days: a latest order on or before
# 2025-07-01 − 180 days = 2025-01-02 makes a customer dormant when the window opens
MIX = frame(
    [
        ("old", "2024-12-01 10:00", 99.0),  # history starts here: 212 days before the window
        ("old", "2025-01-02 23:00", 9.0),  # latest before: exactly 180 days → dormant
        ("old", "2025-07-03 12:00", 59.0),  # … and bought in the window: reactivated, gmv 60
        ("act", "2025-01-03 09:00", 9.0),  # 179 days before: not dormant
        ("act", "2025-07-01 00:00", 19.0),  # returning, gmv 20
        ("act", "2025-07-10 23:59", 29.0),  # returning, gmv 30 (last day, inclusive)
        ("new", "2025-07-05 08:00", 39.0),  # first order ever in the window: new, gmv 40
        ("nap", "2024-12-15 08:00", 9.0),  # dormant, no order in the window: in the pool only
        ("nap", "2025-07-11 00:00", 9.0),  # the day after the window: not counted
    ]
)


def test_buyer_mix_by_hand():
    m = buyer_mix(MIX.sample(frac=1, random_state=3), "2025-07-01", "2025-07-10")  # any order
    t = m.table
    assert list(t.index) == ["new", "returning", "reactivated"]
    assert t["buyers"].tolist() == [1, 1, 1]
    assert t["orders"].tolist() == [1, 2, 1]
    assert t["gmv"].tolist() == [40.0, 50.0, 60.0]
    assert t["gmv_share"].tolist() == pytest.approx([40 / 150, 50 / 150, 60 / 150])
    assert t["aov"].tolist() == [40.0, 25.0, 60.0]
    assert t["aov_buyer"].tolist() == [40.0, 50.0, 60.0]  # act: two orders, 50 in all
    assert (m.dormant, m.reactivated, m.dormant_days) == (2, 1, 180)  # old and nap asleep
    assert m.rate == 0.5
    assert m.history_start == pd.Timestamp("2024-12-01")


def test_buyer_mix_sorted_and_unsorted_agree():
    """The run-reading path (customer-then-time order) and the group-by path give one answer."""
    sorted_ = MIX.sort_values(["user_id", "order_ts"], ignore_index=True)
    coded = sorted_.assign(user_id=pd.factorize(sorted_["user_id"], sort=True)[0])
    a = buyer_mix(coded, "2025-07-01", "2025-07-10")
    b = buyer_mix(MIX.iloc[::-1], "2025-07-01", "2025-07-10")
    pd.testing.assert_frame_equal(a.table, b.table)
    assert (a.dormant, a.reactivated) == (b.dormant, b.reactivated) == (2, 1)


def test_buyer_mix_with_a_short_history_does_not_measure_reactivation():
    """Orders from 2025-01-05 only: 177 days before the window, nobody can have slept 180 days —
    no pool, no rate (not a 0), and every earlier buyer is returning."""
    late = MIX[MIX["order_ts"] >= "2025-01-03"]
    m = buyer_mix(late, "2025-07-01", "2025-07-10")
    assert (m.dormant, m.reactivated, m.rate) == (None, None, None)
    assert list(m.table.index) == ["new", "returning"]
    assert m.table["buyers"].tolist() == [2, 1]  # old is new here: its earlier orders are gone
    # with 170-day dormancy the same history is long enough: act (179 days) is asleep too
    m = buyer_mix(late, "2025-07-01", "2025-07-10", dormant_days=170)
    assert (m.dormant, m.reactivated) == (1, 1)


def test_buyer_mix_rejects_bad_input():
    with pytest.raises(ValueError, match="gmv"):
        buyer_mix(MIX.drop(columns="gmv"), "2025-07-01", "2025-07-10")
    with pytest.raises(ValueError, match="dormant_days"):
        buyer_mix(MIX, "2025-07-01", "2025-07-10", dormant_days=0)
    with pytest.raises(ValueError, match="before it starts"):
        buyer_mix(MIX, "2025-07-10", "2025-07-01")


# ---------------------------------------------------------------- one 口径 of new vs returning


def test_buyer_status_by_hand():
    """a ordered on 2024-12-20, before the window: returning; b and d first bought inside it;
    c only on 01-08, the day after: no buyer of the window."""
    s = buyer_status(HISTORY.iloc[::-1], *WINDOW)  # any row order
    assert s.to_dict() == {"a": "returning", "b": "new", "d": "new"}
    assert s.index.name == "user_id" and s.name == "status"
    assert buyer_status(HISTORY, "2026-01-01", "2026-01-31").empty
    with pytest.raises(ValueError, match="before it starts"):
        buyer_status(HISTORY, "2025-01-07", "2025-01-01")


@pytest.mark.realdata
def test_new_and_returning_agree_everywhere_on_uci():
    """UCI Online Retail's November 2011 buyers, split into new and returning by a plain loop over
    each customer's invoices (new: no invoice before 11-01); buyer_status, classify_customers,
    buyer_mix and the report's cohorts (customer_cohorts) give the same split."""
    from fupan.analysis.customers import customer_cohorts
    from fupan.ingest.card.windows import Windows

    inv = uci_invoices().assign(
        net=lambda x: x["gmv"], user_id=lambda x: x["user_id"].astype("int64")
    )
    lo, hi = datetime(2011, 11, 1), datetime(2011, 12, 1)
    times: dict[int, list[datetime]] = defaultdict(list)
    for user, ts in zip(inv["user_id"], inv["order_ts"], strict=True):
        times[int(user)].append(ts.to_pydatetime())
    expected = {
        u: ("new" if min(ts) >= lo else "returning")
        for u, ts in times.items()
        if any(lo <= t < hi for t in ts)
    }
    assert len(expected) > 1000 and sum(v == "new" for v in expected.values()) > 100

    got = buyer_status(inv, "2011-11-01", "2011-11-30")
    assert got.to_dict() == expected
    assert classify_customers(inv, "2011-11-01", "2011-11-30")["status"].to_dict() == expected
    mix = buyer_mix(inv, "2011-11-01", "2011-11-30").table
    assert mix.loc["new", "buyers"] == sum(v == "new" for v in expected.values())
    assert mix.loc[["returning", "reactivated"], "buyers"].sum() == sum(
        v == "returning" for v in expected.values()
    )
    w = Windows(baseline=["2011-10-01", "2011-10-31"], burst=["2011-11-01", "2011-11-30"])
    cohorts = customer_cohorts(inv.rename(columns={"user_id": "user_key"}), w)
    assert set(cohorts["campaign_new"]) == {u for u, v in expected.items() if v == "new"}
    assert set(cohorts["campaign_returning"]) == {
        u for u, v in expected.items() if v == "returning"
    }
    october = {
        u for u, ts in times.items() if datetime(2011, 10, 1) <= min(ts) < datetime(2011, 11, 1)
    }
    assert set(cohorts["baseline_new"]) == october

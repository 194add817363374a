"""Funnel: hand-computed tables, the biggest leak, events → step users, and a nested-loop oracle.

Steps visit → view → cart → order → pay. Every expected number below is worked out in a comment.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal

from fupan.dictionary import FUNNEL_STEPS
from fupan.metrics.funnel import (
    biggest_leak,
    funnel_from_events,
    funnel_table,
    measured_steps,
    window_funnel,
)

NAN = float("nan")


def _step_users(users: list[int], **keys: str) -> pd.DataFrame:
    return pd.DataFrame(
        {
            **{k: [v] * len(users) for k, v in keys.items()},
            "step": list(FUNNEL_STEPS)[: len(users)],
            "users": users,
        }
    )


def test_funnel_table_by_hand():
    # 10 visit → 8 view → 4 cart → 3 order → 3 pay
    # conversion: –, 8/10 = .8, 4/8 = .5, 3/4 = .75, 3/3 = 1; overall: 1, .8, .4, .3, .3
    out = funnel_table(_step_users([10, 8, 4, 3, 3]))
    expected = pd.DataFrame(
        {
            "step": list(FUNNEL_STEPS),
            "users": np.array([10, 8, 4, 3, 3], dtype="int64"),
            "conversion": [NAN, 0.8, 0.5, 0.75, 1.0],
            "drop_off": [NAN, 0.2, 0.5, 0.25, 0.0],
            "overall_conversion": [1.0, 0.8, 0.4, 0.3, 0.3],
        }
    )
    assert_frame_equal(out, expected)


def test_untracked_steps_are_left_out_and_a_group_missing_a_tracked_step_has_zero():
    # live: visit 4, view 2, pay 1. web: visit 3 only. Nobody has cart or order: not tracked, left out.
    # measured steps: visit, view, pay. live conversion: –, 2/4 = .5, 1/2 = .5; overall 1, .5, 1/4
    # web lacks the tracked view and pay → 0: conversion –, 0/3 = 0, 0/0 → NaN; overall 1, 0, 0
    step_users = pd.concat(
        [
            _step_users([4, 2], channel="live"),
            pd.DataFrame({"channel": ["live", "web"], "step": ["pay", "visit"], "users": [1, 3]}),
        ]
    )
    out = funnel_table(step_users, by=["channel"])
    assert out.channel.tolist() == ["live"] * 3 + ["web"] * 3
    assert out.step.tolist() == ["visit", "view", "pay"] * 2
    assert out.users.tolist() == [4, 2, 1, 3, 0, 0]
    assert_frame_equal(
        out[["conversion", "overall_conversion"]],
        pd.DataFrame(
            {
                "conversion": [NAN, 0.5, 0.5, NAN, 0.0, NAN],
                "overall_conversion": [1.0, 0.5, 0.25, 1.0, 0.0, 0.0],
            }
        ),
    )
    # told that the tracker records cart too (e.g. from the whole events table), cart is 0, not absent:
    # live: 4 → 2 → 0 → 1, conversion –, .5, 0/2 = 0, 1/0 → NaN
    told = funnel_table(step_users, by=["channel"], steps=["visit", "view", "cart", "pay"])
    assert told.step.tolist()[:4] == ["visit", "view", "cart", "pay"]
    assert told.users.tolist()[:4] == [4, 2, 0, 1]
    assert told.conversion.tolist()[1:3] == [0.5, 0.0] and math.isnan(told.conversion.iloc[3])
    with pytest.raises(ValueError, match="outside the measured steps"):
        funnel_table(step_users, by=["channel"], steps=["visit", "view"])


def _tracker_without_view() -> pd.DataFrame:
    """The extract's funnel aggregate (behaviour_window.sql) for a tracker that records no ``view`` events.

    campaign window; live: visit {u1..u6} = 6, cart {u1, u2, u3} = 3, order {u1, u2} = 2, pay {u1} = 1
                     web:  visit {u7..u10} = 4, cart {u7} = 1, order 0, pay 0
                     _all: visit 10, cart 4, order 2, pay 1 (no user on both channels)
    """
    rows = [
        ("campaign", ch, step, n)
        for ch, counts in (("_all", (10, 4, 2, 1)), ("live", (6, 3, 2, 1)), ("web", (4, 1, 0, 0)))
        for step, n in zip(("visit", "cart", "order", "pay"), counts, strict=True)
        if n
    ]
    rows.append(("baseline", "_all", "visit", 5))  # another window: ignored
    return pd.DataFrame(rows, columns=["phase", "channel", "step", "users"])


def test_headline_and_channel_funnels_agree_on_a_tracker_without_view():
    funnel = _tracker_without_view()
    headline = window_funnel(funnel, "campaign")
    # by hand: visit 10 → cart 4 (4/10 = .4) → order 2 (2/4 = .5) → pay 1 (1/2 = .5); overall 1, .4, .2, .1
    assert headline.step.tolist() == [
        "visit",
        "cart",
        "order",
        "pay",
    ]  # view not tracked: left out, not 0
    assert headline.users.tolist() == [10, 4, 2, 1]
    assert_frame_equal(
        headline[["conversion", "drop_off", "overall_conversion"]],
        pd.DataFrame(
            {
                "conversion": [NAN, 0.4, 0.5, 0.5],
                "drop_off": [NAN, 0.6, 0.5, 0.5],
                "overall_conversion": [1.0, 0.4, 0.2, 0.1],
            }
        ),
    )
    channels = funnel[(funnel.phase == "campaign") & (funnel.channel != "_all")]
    by_channel = funnel_table(channels[["channel", "step", "users"]], by="channel")
    # the same steps in both; live: 6 → 3 (.5) → 2 (2/3) → 1 (.5); web: 4 → 1 (.25) → 0 (0) → 0 (0/0 NaN)
    assert by_channel.step.tolist() == headline.step.tolist() * 2
    assert by_channel.users.tolist() == [6, 3, 2, 1, 4, 1, 0, 0]
    assert_frame_equal(
        by_channel[["conversion"]],
        pd.DataFrame({"conversion": [NAN, 0.5, 2 / 3, 0.5, NAN, 0.25, 0.0, NAN]}),
    )
    # one definition: each channel's funnel read through the headline function equals its row block
    for ch, block in by_channel.groupby("channel"):
        assert_frame_equal(
            window_funnel(funnel, "campaign", ch),
            block.drop(columns="channel").reset_index(drop=True),
        )
    # the biggest leaks, by hand: whole shop visit→cart (.4); live visit→cart (.5, first of the ties
    # .5/.5); web cart→order (0)
    assert biggest_leak(headline).iloc[0].tolist() == ["visit", "cart", 0.4, 6.0]
    assert biggest_leak(by_channel)[["from_step", "to_step"]].values.tolist() == [
        ["visit", "cart"],
        ["cart", "order"],
    ]


def test_window_funnel_of_a_window_without_events_is_empty_not_zero():
    out = window_funnel(_tracker_without_view(), "dip")
    assert out.empty and list(out.columns) == [
        "step",
        "users",
        "conversion",
        "drop_off",
        "overall_conversion",
    ]


def test_measured_steps_are_in_funnel_order():
    assert measured_steps(["pay", "visit", "pay"]) == ["visit", "pay"]
    assert measured_steps([], steps=["cart", "visit"]) == ["visit", "cart"]
    with pytest.raises(ValueError, match="unknown funnel step"):
        measured_steps(["click"])
    with pytest.raises(ValueError, match="no funnel step"):
        measured_steps([])


def test_biggest_leak_by_hand():
    # a: conversions .8, .5, .75, 1 → view→cart, lost 8 − 4 = 4
    # b: 10 → 5 → 5 → 1 → 1: .5, 1, .2, 1 → cart→order, lost 4
    table = funnel_table(
        pd.concat(
            [_step_users([10, 8, 4, 3, 3], shop="a"), _step_users([10, 5, 5, 1, 1], shop="b")]
        ),
        by="shop",
    )
    expected = pd.DataFrame(
        {
            "shop": ["a", "b"],
            "from_step": ["view", "cart"],
            "to_step": ["cart", "order"],
            "conversion": [0.5, 0.2],
            "users_lost": [4.0, 4.0],
        }
    )
    assert_frame_equal(biggest_leak(table), expected)


def test_biggest_leak_ties_go_to_the_earliest_and_undefined_groups_stay():
    # 8 → 4 → 2 → 1 → 1: conversions .5, .5, .5, 1 → the first .5 (visit→view), lost 4
    assert biggest_leak(funnel_table(_step_users([8, 4, 2, 1, 1]))).iloc[0].tolist() == [
        "visit",
        "view",
        0.5,
        4.0,
    ]
    # only pay is tracked: no transition to judge → one NaN row, not a dropped group
    lone = pd.DataFrame({"step": ["pay"], "users": [3]})
    assert funnel_table(lone).overall_conversion.tolist() == [1.0]  # pay is the first measured step
    row = biggest_leak(funnel_table(lone)).iloc[0]
    assert pd.isna(row.from_step) and math.isnan(row.conversion) and math.isnan(row.users_lost)


def test_funnel_from_events_counts_each_user_once_and_allows_conversion_above_one():
    # u1 visits twice and views; u2 views and pays without a visit event; u3 visits.
    # visit {u1, u3} = 2, view {u1, u2} = 2, cart 0, order 0, pay {u2} = 1
    events = pd.DataFrame(
        {
            "user_id": ["u1", "u1", "u1", "u2", "u2", "u3"],
            "event": ["visit", "visit", "view", "view", "pay", "visit"],
        }
    )
    before = events.copy()
    step_users = funnel_from_events(events)
    assert_frame_equal(
        step_users,
        pd.DataFrame(
            {"step": ["visit", "view", "pay"], "users": np.array([2, 2, 1], dtype="int64")}
        ),
    )
    assert_frame_equal(events, before)  # not mutated
    # now a view by u4 without a visit: view 3 > visit 2 → conversion 1.5, drop-off −0.5
    more = pd.concat(
        [events, pd.DataFrame({"user_id": ["u4"], "event": ["view"]})], ignore_index=True
    )
    table = funnel_table(funnel_from_events(more))
    assert table.conversion.iloc[1] == pytest.approx(1.5) and table.drop_off.iloc[
        1
    ] == pytest.approx(-0.5)
    # cart and order are not tracked in this log: view 3 → pay 1 is the leak, 1/3, 2 users lost
    assert table.step.tolist() == ["visit", "view", "pay"]
    assert biggest_leak(table).iloc[0].tolist() == ["view", "pay", pytest.approx(1 / 3), 2.0]


def test_funnel_from_events_by_two_keys_counts_a_user_in_each_group():
    # u1 visits on live and on web the same day: 1 in each channel
    events = pd.DataFrame(
        {
            "date": ["d1", "d1", "d1"],
            "channel": ["live", "web", "web"],
            "user_id": ["u1", "u1", "u1"],
            "event": ["visit", "visit", "cart"],
        }
    )
    out = funnel_from_events(events, by=["date", "channel"])
    assert out.to_dict("list") == {
        "date": ["d1"] * 3,
        "channel": ["live", "web", "web"],
        "step": ["visit", "visit", "cart"],
        "users": [1, 1, 1],
    }


@pytest.mark.parametrize(
    ("frame", "by", "match"),
    [
        (pd.DataFrame({"step": ["visit"]}), None, "lacks column"),
        (_step_users([3], channel="x"), ["shop"], "lacks column"),
        (pd.DataFrame({"step": [], "users": []}), None, "no rows"),
        (pd.DataFrame({"step": ["visit", "click"], "users": [3, 1]}), None, "unknown funnel step"),
        (pd.DataFrame({"step": ["visit"], "users": [-1]}), None, "non-negative integers"),
        (pd.DataFrame({"step": ["visit"], "users": [2.5]}), None, "non-negative integers"),
        (pd.DataFrame({"step": ["visit", "visit"], "users": [3, 1]}), None, "twice"),
        (
            pd.DataFrame({"channel": [None], "step": ["visit"], "users": [3]}),
            ["channel"],
            "missing values",
        ),
        (_step_users([3]), ["step"], "reserved"),
    ],
)
def test_funnel_table_rejects_bad_input(frame, by, match):
    with pytest.raises(ValueError, match=match):
        funnel_table(frame, by=by)


def test_biggest_leak_rejects_a_table_not_from_funnel_table():
    with pytest.raises(ValueError, match="conversion"):
        biggest_leak(_step_users([3, 2]))
    two = funnel_table(
        pd.concat([_step_users([3, 2], shop="a"), _step_users([4, 1], shop="b")]), by="shop"
    )
    with pytest.raises(ValueError, match="exactly once"):
        biggest_leak(two.iloc[:3])  # shop b lost its view row


@pytest.mark.parametrize(
    ("frame", "by", "match"),
    [
        (pd.DataFrame({"user_id": ["u"]}), None, "lacks column"),
        (pd.DataFrame({"user_id": ["u"], "event": ["purchase"]}), None, "unknown funnel step"),
        (pd.DataFrame({"user_id": [None], "event": ["visit"]}), None, "missing values"),
        (pd.DataFrame({"user_id": ["u"], "event": ["visit"]}), ["channel"], "lacks column"),
        (pd.DataFrame({"user_id": ["u"], "event": ["visit"]}), ["user_id"], "reserved"),
    ],
)
def test_funnel_from_events_rejects_bad_input(frame, by, match):
    with pytest.raises(ValueError, match=match):
        funnel_from_events(frame, by=by)


# ----------------------------------------------------------------------------- property tests
BY_CHOICES = [None, ["channel"], ["date"], ["date", "channel"]]
event_rows = st.lists(
    st.tuples(
        st.sampled_from(["d1", "d2"]),
        st.sampled_from(["app", "live", "web"]),
        st.integers(0, 7),
        st.sampled_from(FUNNEL_STEPS),
    ),
    min_size=1,
    max_size=60,
)


def _events(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["date", "channel", "user_id", "event"])


def _loop_funnel(rows: list[tuple], by: list[str] | None) -> pd.DataFrame:
    """Deliberately naive: a set of users per group and step, then the ratios one by one."""
    keys = by or []
    col = {"date": 0, "channel": 1}
    tracked = [s for s in FUNNEL_STEPS if any(row[3] == s for row in rows)]  # steps anyone has
    users: dict[tuple, dict[str, set]] = {}
    for row in rows:
        group = tuple(row[col[k]] for k in keys)
        users.setdefault(group, {s: set() for s in tracked})[row[3]].add(row[2])
    out = []
    for group in sorted(users):
        first = len(users[group][tracked[0]])
        prev = None
        for step in tracked:
            n = len(users[group][step])
            conv = NAN if prev is None or prev == 0 else n / prev
            out.append(
                {
                    **dict(zip(keys, group, strict=True)),
                    "step": step,
                    "users": n,
                    "conversion": conv,
                    "drop_off": 1 - conv,
                    "overall_conversion": n / first if first else NAN,
                }
            )
            prev = n
    return pd.DataFrame(out).astype({"users": "int64"})


@settings(max_examples=100, deadline=None)
@given(event_rows, st.sampled_from(BY_CHOICES))
def test_funnel_equals_a_nested_loop(rows, by):
    table = funnel_table(funnel_from_events(_events(rows), by=by), by=by)
    assert_frame_equal(table, _loop_funnel(rows, by), check_exact=False, rtol=1e-12)
    # leak = the lowest defined conversion of each group, found here by a plain loop
    leaks = biggest_leak(table)
    for i, (_, g) in enumerate(table.groupby(by or (lambda _: 0), sort=True)):
        conv = g.conversion.tolist()[1:]
        defined = [(c, j) for j, c in enumerate(conv) if not math.isnan(c)]
        if defined:
            c, j = min(defined)
            assert (leaks.from_step.iloc[i], leaks.conversion.iloc[i]) == (g.step.iloc[j], c)
        else:
            assert math.isnan(leaks.conversion.iloc[i])


@settings(max_examples=100, deadline=None)
@given(event_rows, st.sampled_from(BY_CHOICES))
def test_identities_hold_on_any_event_log(rows, by):
    table = funnel_table(funnel_from_events(_events(rows), by=by), by=by)
    defined = table.conversion.notna()
    # drop-off + conversion = 1 wherever conversion is defined; both NaN elsewhere
    assert np.allclose(table.drop_off[defined] + table.conversion[defined], 1.0)
    assert table.drop_off[~defined].isna().all()
    # conversion is defined exactly when the previous step has users, and is ≥ 0 (it may exceed 1)
    prev = table.groupby(by or (lambda _: 0), sort=False).users.shift(1)
    assert (defined == (prev > 0)).all()
    assert (table.conversion[defined] >= 0).all()
    assert (table.users >= 0).all() and len(table) % table.step.nunique() == 0
    assert table.step.nunique() == len({row[3] for row in rows})  # exactly the steps the log has


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["app", "web"]), st.integers(1, 5)), min_size=1, max_size=30)
)
def test_prefix_closed_logs_never_gain_users(depths):
    # each user reaches depth d and has every event before it: then users can only fall
    rows = [("d1", ch, u, step) for u, (ch, d) in enumerate(depths) for step in FUNNEL_STEPS[:d]]
    table = funnel_table(funnel_from_events(_events(rows), by="channel"), by="channel")
    for _, g in table.groupby("channel"):
        assert (np.diff(g.users.to_numpy()) <= 0).all()
    assert (table.conversion.dropna() <= 1).all() and (table.overall_conversion <= 1).all()
    assert (biggest_leak(table).users_lost.dropna() >= 0).all()

"""直播场次 (metrics.live, analysis.ops.live): the KOL who did not go live on 11-06 is found from
the live_sessions table and named against that day's KOL GMV (plain pandas)."""

from __future__ import annotations

import pytest

from fupan.analysis import ops
from fupan.format import Style
from fupan.report.sections import ops as sections
from ops_demo import ops_campaign, raw  # noqa: F401 (fixtures)


def test_no_show_recovered(ops_campaign, raw) -> None:  # noqa: F811
    truth = raw["truth"]["ops"]["live"]["no_show"]
    r = ops.live(ops_campaign)
    assert r.no_shows[["date", "host", "session_id"]].to_dict("records") == [
        {"date": truth["date"], "host": truth["host"], "session_id": truth["session_id"]}
    ]
    (effect,) = r.day_effects.to_dict("records")
    assert effect["date"] == truth["date"] and effect["kind"] == "kol"
    assert effect["hosts"] == truth["host"]
    o, s = raw["orders"], raw["sessions"]
    kol_ids = set(
        s.loc[(s["kind"] == "kol") & (s["start_time"].str[:10] == truth["date"]), "session_id"]
    )
    ok = o[(o["status"] != "cancelled") & o["session_id"].isin(kol_ids)]
    assert effect["gmv"] == pytest.approx(ok["paid_amount"].sum(), abs=0.01)
    # the typical day (median of the phase's other days) is the same kind's GMV, by hand
    daily = (
        o[(o["status"] != "cancelled") & o["session_id"].str.startswith("K", na=False)]
        .assign(d=lambda x: x["session_id"].str[1:9])
        .groupby("d")["paid_amount"]
        .sum()
    )
    burst = [d for d in daily.index if "20251101" <= d <= "20251111" and d != "20251106"]
    assert effect["typical"] == pytest.approx(daily[burst].median(), abs=0.01)


def test_hosts_equal_pandas(ops_campaign, raw) -> None:  # noqa: F811
    o, s = raw["orders"], raw["sessions"]
    ok = o[(o["status"] != "cancelled") & o["session_id"].notna()]
    per = ok.groupby("session_id").agg(gmv=("paid_amount", "sum"), refunds=("refund_amount", "sum"))
    s = s.join(per, on="session_id").fillna({"gmv": 0.0, "refunds": 0.0})
    s["cost"] = s["slot_fee"] + s["commission_rate"] * (s["gmv"] - s["refunds"])
    host = s.groupby("host").agg(gmv=("gmv", "sum"), cost=("cost", "sum"), views=("views", "sum"))
    r = ops.live(ops_campaign).hosts.set_index("host")
    for h, row in host.iterrows():
        assert r.at[h, "gmv"] == pytest.approx(row["gmv"], abs=0.01)
        assert r.at[h, "cost"] == pytest.approx(row["cost"], abs=0.01)
        if row["views"] > 0:
            assert r.at[h, "gpm"] == pytest.approx(row["gmv"] / row["views"] * 1000, rel=1e-9)


def test_section_names_the_no_show(ops_campaign, raw) -> None:  # noqa: F811
    truth = raw["truth"]["ops"]["live"]["no_show"]
    r = ops.live(ops_campaign)
    zh, en = (str(sections.live(r, Style(lang=lang))) for lang in ("zh", "en"))
    assert truth["host"] in zh and "未开播" in zh and truth["date"] in zh
    assert truth["host"] in en and "did not go live" in en and "ops_" not in en

"""会员 (ops review G7): the members table's figures per window against a plain pandas
computation of the same 口径 (fupan.metrics.members) on the raw files of a seeded campaign.

The members file is written here from the campaign's own customers: some joined long before, some
inside the campaign (a few of them after their first campaign order, so that their orders split
into other-then-member), one is listed twice (a later second join that must not count), one never
bought, and the export carries a phone column that must not survive loading.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from campaigns import make_campaign
from fupan.analysis import ops
from fupan.analysis.results.ops import MembershipResult
from fupan.extract.aggregates import extract
from fupan.format import Style
from fupan.ingest.validate import open_campaign
from fupan.metrics.members import membership_table
from fupan.report.sections import ops as sections
from ops_demo import ops_campaign, raw  # noqa: F401 (fixtures)

PHONE = "13912345678"


def _members(orders: pd.DataFrame, win: dict) -> pd.DataFrame:
    """Members drawn from the customers of ``orders`` (seeded), as an export lists them."""
    rng = np.random.default_rng(7)
    first = orders.groupby("user_id")["order_time"].min().sort_index()
    users = first.index.to_numpy()
    pick = rng.random(len(users))
    rows = []
    camp_a, camp_b = pd.Timestamp(win["preheat"][0]), pd.Timestamp(win["post"][1])
    for u, p, t in zip(users, pick, first, strict=True):
        if p < 0.15:  # an old member
            rows.append((u, pd.Timestamp("2020-03-01 10:00"), "gold", "店铺首页"))
        elif p < 0.35:  # joined on a campaign day, at a random time (before or after buying)
            day = camp_a + pd.Timedelta(days=int(rng.integers(0, (camp_b - camp_a).days + 1)))
            when = day + pd.Timedelta(minutes=int(rng.integers(0, 24 * 60)))
            rows.append((u, when, "silver", "直播间" if p < 0.28 else None))
        elif p < 0.40:  # joined at the very time of their first order (counts as a member order)
            rows.append((u, t, "silver", "私域"))
    out = pd.DataFrame(rows, columns=["user_id", "join_time", "level", "join_channel"])
    again = out.iloc[[0]].assign(join_time=pd.Timestamp(win["dip"][1]) + pd.Timedelta(hours=1))
    never = pd.DataFrame(
        [
            (
                "never-bought-1",
                pd.Timestamp(win["burst"][0]) + pd.Timedelta(hours=9),
                "silver",
                "直播间",
            )
        ],
        columns=out.columns,
    )
    out = pd.concat([out, again, never], ignore_index=True)
    out["phone"] = PHONE
    out["join_time"] = out["join_time"].dt.strftime("%Y-%m-%d %H:%M:%S")
    return out


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("members") / "c"
    planted = make_campaign(root, seed=31, orders_per_day=12.0, with_events=True)
    orders = pd.read_csv(root / "orders.csv", parse_dates=["order_time"])
    _members(orders, planted.windows).to_csv(root / "members.csv", index=False)
    card = yaml.safe_load((root / "campaign.yaml").read_text(encoding="utf-8"))
    card["tables"]["members"] = "members.csv"
    (root / "campaign.yaml").write_text(yaml.safe_dump(card, allow_unicode=True), encoding="utf-8")
    return root, planted.windows


@pytest.fixture(scope="module")
def result(folder) -> tuple[MembershipResult, object]:
    root, _ = folder
    campaign = open_campaign(root)
    agg = extract(campaign)
    r = ops.membership(campaign, agg.window_uv)
    assert isinstance(r, MembershipResult)
    return r, campaign


def _by_hand(root: Path, windows: dict) -> pd.DataFrame:
    """The 口径 of fupan.metrics.members, from the raw CSVs with plain pandas."""
    lines = pd.read_csv(root / "orders.csv", parse_dates=["order_time"])
    members = pd.read_csv(root / "members.csv", parse_dates=["join_time"])
    joined = members.groupby("user_id")["join_time"].min()
    lines["ok"] = lines["status"] != "cancelled"
    lines["paid_ok"] = lines["paid_amount"].where(lines["ok"], 0.0)
    per = lines.sort_values("order_time").groupby("order_id")
    o = pd.DataFrame(
        {
            "user_id": per["user_id"].first(),
            "ts": per["order_time"].min(),
            "gmv": per["paid_ok"].sum(),
            "live": per["ok"].any(),
        }
    )
    o = o[o["live"]]
    o["day"] = o["ts"].dt.normalize()
    o["joined"] = o["user_id"].map(joined)
    o["member"] = o["joined"].notna() & (o["joined"] <= o["ts"])
    first_day = o.groupby("user_id")["day"].min()
    rows = {}
    for name, (a, b) in windows.items():
        a, b = pd.Timestamp(a), pd.Timestamp(b)
        w = o[(o["day"] >= a) & (o["day"] <= b)]
        m, n = w[w["member"]], w[~w["member"]]
        mc, nc = m.groupby("user_id").size(), n.groupby("user_id").size()
        newcomers = first_day[(first_day >= a) & (first_day <= b)].index
        jn = joined.reindex(newcomers)
        rows[name] = {
            "new_members": int(((joined.dt.normalize() >= a) & (joined.dt.normalize() <= b)).sum()),
            "gmv": w["gmv"].sum(),
            "buyers": w["user_id"].nunique(),
            "member_gmv": m["gmv"].sum(),
            "member_buyers": len(mc),
            "member_repeaters": int((mc >= 2).sum()),
            "other_gmv": n["gmv"].sum(),
            "other_buyers": len(nc),
            "other_repeaters": int((nc >= 2).sum()),
            "new_customers": len(newcomers),
            "new_joined": int((jn.notna() & (jn.dt.normalize() <= b)).sum()),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def test_every_window_equals_plain_pandas(folder, result) -> None:
    root, win = folder
    r, _ = result
    windows = {**win, "campaign": (win["preheat"][0], win["post"][1])}
    expected = _by_hand(root, windows)
    got = r.table.loc[list(windows)]
    for col in expected.columns:
        assert got[col].to_numpy(dtype=float) == pytest.approx(
            expected[col].to_numpy(dtype=float), abs=0.005
        ), col
    camp = expected.loc["campaign"]
    # the campaign has members of both kinds, repeaters and joiners: nothing vacuous here
    assert camp.member_buyers > 5 and camp.other_buyers > 5 and camp.new_joined > 0
    assert got.at["campaign", "member_share"] == pytest.approx(camp.member_gmv / camp.gmv)
    assert got.at["campaign", "new_join_rate"] == pytest.approx(
        camp.new_joined / camp.new_customers
    )


def test_join_rate_is_over_the_windows_distinct_visitors(folder, result) -> None:
    root, win = folder
    r, _ = result
    events = pd.read_csv(root / "events.csv", parse_dates=["event_time"])
    a, b = pd.Timestamp(win["burst"][0]), pd.Timestamp(win["burst"][1]) + pd.Timedelta(days=1)
    visitors = events[(events.event_time >= a) & (events.event_time < b)]["user_id"].nunique()
    row = r.table.loc["burst"]
    assert row.visitors == visitors
    assert row.join_rate == pytest.approx(row.new_members / visitors)


def test_join_channels_of_the_campaign(folder, result) -> None:
    root, win = folder
    r, _ = result
    m = pd.read_csv(root / "members.csv", parse_dates=["join_time"])
    first = m.sort_values("join_time").groupby("user_id").first()
    a, b = pd.Timestamp(win["preheat"][0]), pd.Timestamp(win["post"][1])
    inside = first[(first.join_time.dt.normalize() >= a) & (first.join_time.dt.normalize() <= b)]
    expected = inside["join_channel"].fillna("—").value_counts()
    got = r.channels.set_index("join_channel")["new_members"]
    assert got.sort_index().to_dict() == expected.sort_index().to_dict()
    assert "—" in got.index  # an export row without a channel is counted, not dropped


def test_the_phone_column_and_raw_ids_do_not_survive_loading(folder, result) -> None:
    root, _ = folder
    _, campaign = result
    cols = [c[0] for c in campaign.con.execute("DESCRIBE members").fetchall()]
    assert "phone" not in cols
    ids = {v for (v,) in campaign.con.execute("SELECT DISTINCT user_id FROM members").fetchall()}
    raw_ids = set(pd.read_csv(root / "members.csv")["user_id"])
    assert ids and not ids & raw_ids  # pseudonyms only
    r, _ = result
    text = str(r.record()) + str(sections.membership(r, Style("zh")))
    assert PHONE not in text and not any(u in text for u in raw_ids)


def test_section_in_both_languages(result) -> None:
    r, _ = result
    zh, en = (str(sections.membership(r, Style(lang))) for lang in ("zh", "en"))
    c = r.table.loc["campaign"]
    assert "入会率" in zh and f"{int(c.new_members):,}" in zh and "直播间" in zh
    assert "join rate" in en and "ops_" not in en and "ops_" not in zh
    assert "nan" not in zh.lower() and "nan" not in en.lower()


def test_rates_without_a_denominator_are_not_measured() -> None:
    """By hand: a window with no buyers and no visitors has no rate, never 0."""
    sums = pd.DataFrame(
        [
            dict(new_members=3, gmv=100.0, buyers=4, member_gmv=40.0, member_buyers=2,
                 member_repeaters=1, other_gmv=60.0, other_buyers=3, other_repeaters=0,
                 new_customers=2, new_joined=1),
            dict(new_members=0, gmv=0.0, buyers=0, member_gmv=0.0, member_buyers=0,
                 member_repeaters=0, other_gmv=0.0, other_buyers=0, other_repeaters=0,
                 new_customers=0, new_joined=0),
        ],
        index=["burst", "dip"],
    )  # fmt: skip
    t = membership_table(sums, pd.Series({"burst": 50.0}))
    assert t.at["burst", "join_rate"] == pytest.approx(3 / 50)
    assert t.at["burst", "member_share"] == pytest.approx(0.4)
    assert t.at["burst", "member_aov"] == pytest.approx(20.0)
    assert t.at["burst", "other_aov"] == pytest.approx(20.0)
    assert t.at["burst", "member_repeat"] == pytest.approx(0.5)
    assert t.at["burst", "other_repeat"] == 0.0  # measured: nobody of 3 bought twice
    assert t.at["burst", "new_join_rate"] == pytest.approx(0.5)
    assert t.loc["dip", ["join_rate", "member_share", "member_aov", "new_join_rate"]].isna().all()


def test_chinese_headers_of_a_members_export_are_read(folder, tmp_path) -> None:
    import shutil

    root, _ = folder
    copy = tmp_path / "zh"
    shutil.copytree(root, copy)
    m = pd.read_csv(copy / "members.csv")
    m.rename(
        columns={"user_id": "会员ID", "join_time": "入会时间", "level": "会员等级",
                 "join_channel": "入会渠道", "phone": "手机号"}
    ).to_csv(copy / "members.csv", index=False)  # fmt: skip
    from fupan.ingest.validate import ValidationError

    with pytest.raises(ValidationError) as refused:  # the export's own headers: the card is told
        open_campaign(copy)
    said = str(refused.value)
    assert "mapping:" in said and "会员ID: user_id" in said and "入会时间: join_time" in said
    card = yaml.safe_load((copy / "campaign.yaml").read_text(encoding="utf-8"))
    card["mapping"] = {"members": {"会员ID": "user_id", "入会时间": "join_time",
                                   "会员等级": "level", "入会渠道": "join_channel"}}  # fmt: skip
    (copy / "campaign.yaml").write_text(yaml.safe_dump(card, allow_unicode=True), encoding="utf-8")
    campaign = open_campaign(copy)
    n = campaign.con.execute("SELECT count(*), count(join_channel) FROM members").fetchone()
    assert n == (len(m), int(m["join_channel"].notna().sum()))
    cols = [c[0] for c in campaign.con.execute("DESCRIBE members").fetchall()]
    assert "手机号" not in cols and "phone" not in cols


def test_the_demo_recovers_its_planted_campaign_join_rate(ops_campaign, raw) -> None:  # noqa: F811
    """The demo plants a join just before a new customer's first campaign order with probability
    JOIN_NEW (truth.json); the campaign's new-customer join rate must land within four binomial
    standard errors of it, and every campaign join must come from the campaign's window."""
    truth = raw["truth"]["ops"]["members"]
    p = truth["campaign_join_probability"]["new"]
    r = ops.membership(ops_campaign, extract(ops_campaign).window_uv)
    c = r.table.loc["campaign"]
    se = (p * (1 - p) / c.new_customers) ** 0.5
    assert abs(c.new_join_rate - p) < 4 * se, (c.new_join_rate, p, se)
    # the drive's joins are the campaign's new members (old members joined before it)
    assert int(c.new_members) == truth["campaign_joins"]
    assert r.channels["new_members"].sum() == truth["campaign_joins"]


def test_members_of_other_ids_are_warned_not_read_as_non_members(folder, tmp_path) -> None:
    """A members export keyed by member card numbers instead of the buyer id matches no order:
    the run is warned that the ids differ (every order would read as a non-member's), and a
    folder whose members do match gets no such warning."""
    import shutil

    root, _ = folder
    assert "members_unmatched" not in {p.code for p in open_campaign(root).warnings}
    copy = tmp_path / "cards"
    shutil.copytree(root, copy)
    m = pd.read_csv(copy / "members.csv")
    m["user_id"] = [f"VIP{i:08d}" for i in range(len(m))]
    m.to_csv(copy / "members.csv", index=False)
    (w,) = [p for p in open_campaign(copy).warnings if p.code == "members_unmatched"]
    assert w.column == "user_id" and w.file == "members.csv"
    assert f"{m['user_id'].nunique()}" in w.zh and "买家ID" in w.zh and "buyer id" in w.en


def test_members_meet_orders_read_in_place(folder, tmp_path) -> None:
    """Orders as Parquet (read in place, typed on raw ids while checked) beside a members CSV
    (pseudonymised on load): the demo's layout. The check compares pseudonyms on both sides, so a
    matching export is not warned, and the members are found as buyers."""
    import shutil

    root, _ = folder
    copy = tmp_path / "parquet"
    shutil.copytree(root, copy)
    pd.read_csv(copy / "orders.csv").to_parquet(copy / "orders.parquet", index=False)
    (copy / "orders.csv").unlink()
    card = yaml.safe_load((copy / "campaign.yaml").read_text(encoding="utf-8"))
    card["tables"]["orders"] = "orders.parquet"
    (copy / "campaign.yaml").write_text(yaml.safe_dump(card, allow_unicode=True), encoding="utf-8")
    campaign = open_campaign(copy)
    assert "members_unmatched" not in {p.code for p in campaign.warnings}
    r = ops.membership(campaign, extract(campaign).window_uv)
    assert r.table.at["campaign", "member_buyers"] > 5

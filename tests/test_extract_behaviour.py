"""The behaviour aggregates (UV, 访客数, funnel by day and window, A/B arms) against pandas.

The extract counts users from one staging row per (day, customer) with each channel's funnel steps
as bits (:mod:`fupan.extract.behaviour`); here every figure is recomputed the plain way — ``nunique``
of the user ids over the event rows of the demo campaign — and must be equal, channel by channel
and across channels ('_all', where a customer who came through two channels counts once).
"""

from __future__ import annotations

import pandas as pd
import pytest

from fupan.extract.aggregates import extract, window_frame
from fupan.ingest.validate import open_campaign


def _extracted(folder):
    """The campaign's aggregates, its windows, and its event rows from the first window's first
    day to the last one's last (read with pandas from the file)."""
    campaign = open_campaign(folder)
    try:
        agg = extract(campaign)
        windows = window_frame(campaign)
    finally:
        campaign.con.close()
    path = folder / campaign.card.tables.events
    events = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    events["date"] = pd.to_datetime(events.event_time).dt.normalize()
    lo, hi = pd.Timestamp(windows.start_date.min()), pd.Timestamp(windows.end_date.max())
    events = events[(events.date >= lo) & (events.date <= hi)]
    return agg, windows, events


@pytest.fixture(scope="module")
def behaviour(demo_dir):
    return _extracted(demo_dir)


def _with_all(events: pd.DataFrame, keys: list[str], name: str) -> pd.DataFrame:
    """Distinct users per ``keys`` + channel, and per ``keys`` alone as channel '_all'."""
    by_channel = events.groupby([*keys, "channel"]).user_id.nunique()
    across = events.groupby(keys).user_id.nunique()
    across = across.to_frame().assign(channel="_all").set_index("channel", append=True).user_id
    return pd.concat([by_channel, across]).rename(name).reset_index()


def _windowed(events: pd.DataFrame, windows: pd.DataFrame) -> pd.DataFrame:
    parts = []
    for phase, start, end in windows.itertuples(index=False):
        inside = events[(events.date >= pd.Timestamp(start)) & (events.date <= pd.Timestamp(end))]
        parts.append(inside.assign(phase=phase))
    return pd.concat(parts)


def _table(frame: pd.DataFrame, keys: list[str], value: str) -> dict:
    out = frame.copy()
    if "date" in out:
        out["date"] = pd.to_datetime(out["date"])
    return {tuple(r[:-1]): int(r[-1]) for r in out[[*keys, value]].itertuples(index=False)}


def test_the_demo_has_customers_in_two_channels_a_day(behaviour):
    _, _, events = behaviour
    channels = events.groupby(["date", "user_id"]).channel.nunique()
    assert (channels > 1).sum() > 100  # so '_all' differs from the channels' sum


def test_daily_uv_equals_nunique_per_day(behaviour):
    agg, _, events = behaviour
    expected = _with_all(events, ["date"], "uv")
    assert _table(agg.uv, ["date", "channel"], "uv") == _table(expected, ["date", "channel"], "uv")


def test_daily_funnel_equals_nunique_per_day_and_step(behaviour):
    agg, _, events = behaviour
    expected = _with_all(events, ["date", "event"], "users").rename(columns={"event": "step"})
    keys = ["date", "channel", "step"]
    assert _table(agg.funnel_daily, keys, "users") == _table(expected, keys, "users")


def test_window_visitors_and_days_equal_nunique_per_window(behaviour):
    agg, windows, events = behaviour
    inside = _windowed(events, windows)
    uv = _with_all(inside, ["phase"], "uv")
    days = pd.concat(
        [
            inside.groupby(["phase", "channel"]).date.nunique(),
            inside.groupby("phase")
            .date.nunique()
            .to_frame()
            .assign(channel="_all")
            .set_index("channel", append=True)
            .date,
        ]
    ).rename("days")
    expected = uv.merge(days.reset_index(), on=["phase", "channel"])
    keys = ["phase", "channel"]
    assert _table(agg.window_uv, keys, "uv") == _table(expected, keys, "uv")
    assert _table(agg.window_uv, keys, "days") == _table(expected, keys, "days")
    # 访客数 is distinct over the window: fewer than the days' UV summed whenever anyone returns
    summed = agg.uv[agg.uv.channel == "_all"].uv.sum()
    assert agg.window_uv.set_index(["phase", "channel"]).uv[("baseline", "_all")] < summed


def test_window_funnel_equals_nunique_per_window_and_step(behaviour):
    agg, windows, events = behaviour
    inside = _windowed(events, windows)
    expected = _with_all(inside, ["phase", "event"], "users").rename(columns={"event": "step"})
    keys = ["phase", "channel", "step"]
    assert _table(agg.funnel, keys, "users") == _table(expected, keys, "users")


def _orders_per_user(folder, start, end) -> pd.DataFrame:
    """Orders and GMV per raw user id in [start, end], from the orders file with pandas: an order
    dated by its first line, cancelled when every line is, its GMV the lines not cancelled."""
    from fupan.ingest.card import load_card

    path = folder / load_card(folder).tables.orders
    lines = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    lines["order_time"] = pd.to_datetime(lines.order_time)
    lines["kept"] = lines.paid_amount.where(lines.status != "cancelled", 0.0)
    o = lines.groupby("order_id").agg(
        user_id=("user_id", "min"),
        first=("order_time", "min"),
        cancelled=("status", lambda s: bool((s == "cancelled").all())),
        gmv=("kept", "sum"),
    )
    o = o[~o.cancelled & (o["first"].dt.normalize() >= start) & (o["first"].dt.normalize() <= end)]
    return o.groupby("user_id").agg(orders=("gmv", "size"), gmv=("gmv", "sum"))


def test_ab_arms_are_the_campaigns_exposed_users_summed_per_arm(behaviour, demo_dir):
    """Per (variant, mixed): users, converted users, and the mean and sample variance of the
    users' GMV in the campaign window (zeros included) — recomputed from the raw files by pandas
    on the raw ids, apart from the pseudonyms and the staging table."""
    agg, windows, events = behaviour
    _assert_ab_as_pandas(agg, windows, events, demo_dir)


def _assert_ab_as_pandas(agg, windows: pd.DataFrame, events: pd.DataFrame, folder) -> None:
    """The A/B arms of ``agg`` equal pandas' over the raw ids of ``events`` and the orders file."""
    camp = windows.set_index("phase").loc["campaign"]
    start, end = pd.Timestamp(camp.start_date), pd.Timestamp(camp.end_date)
    exposed = events[
        events.variant.notna()
        & (events.variant.astype(str).str.strip() != "")
        & (events.date >= start)
        & (events.date <= end)
    ]
    per_user = exposed.groupby("user_id").variant.agg(["min", "nunique"])
    per_user = per_user.join(_orders_per_user(folder, start, end)).fillna({"orders": 0, "gmv": 0.0})
    per_user["mixed"] = per_user["nunique"] > 1
    expected = per_user.groupby(["min", "mixed"]).agg(
        users=("gmv", "size"),
        converted=("orders", lambda x: int((x > 0).sum())),
        gmv_mean=("gmv", "mean"),
        gmv_var=("gmv", "var"),
    )
    got = agg.ab_arms.set_index(["variant", "mixed"])
    assert int(got.users.sum()) == len(per_user) > 0
    assert int(expected.converted.sum()) > 0
    assert sorted((v, bool(m)) for v, m in got.index) == sorted(
        (v, bool(m)) for v, m in expected.index
    )
    for (v, m), row in expected.iterrows():
        arm = got.loc[(v, m)]
        assert (int(arm.users), int(arm.converted)) == (int(row.users), int(row.converted))
        assert arm.gmv_mean == pytest.approx(row.gmv_mean, rel=1e-9)
        if row.users > 1:
            assert arm.gmv_var == pytest.approx(row.gmv_var, rel=1e-9)


def test_an_id_padded_with_spaces_is_the_same_customer_in_a_parquet_log(tmp_path):
    """Read in place, the pseudonyms are joined on the id as the file holds it (no per-row trim):
    ' a' and 'a' must still be one customer, in the UV and in the pseudonym the rows get."""
    from conftest import TINY_CARD, tiny_events, write_campaign

    rows = tiny_events()
    padded = [(f" {u}" if i % 2 else f"{u}  ", *rest) for i, (u, *rest) in enumerate(rows)]
    folder = write_campaign(
        tmp_path / "padded",
        card={**TINY_CARD, "tables": {**TINY_CARD["tables"], "events": "events.parquet"}},
        events=padded,
    )
    frame = pd.read_csv(folder / "events.csv", dtype=str, keep_default_na=False)
    frame.to_parquet(folder / "events.parquet", index=False)
    (folder / "events.csv").unlink()
    campaign = open_campaign(folder)
    try:
        assert "events" in campaign.inplace  # the in-place path, not the reader's copy
        users = campaign.con.execute("SELECT count(DISTINCT user_id) FROM events").fetchall()[0][0]
        agg = extract(campaign)
    finally:
        campaign.con.close()
    assert users == len({u for u, *_ in rows})  # a, b, d, e, f, x
    # two visitors a day on 01-01..04, four on 01-05..06, two on 01-07..08 (tests/conftest.py)
    daily = agg.uv[agg.uv.channel == "_all"].uv.tolist()
    assert daily == [2, 2, 2, 2, 4, 4, 2, 2]


def test_window_counts_hold_with_only_the_required_windows(demo_dir, tmp_path):
    """behaviour_window.sql gives each window a bit slot by its rank among the windows present:
    with baseline and burst alone (campaign = burst) the slots differ from the demo's six, and
    the counts must still be nunique's."""
    import re
    import shutil

    folder = tmp_path / "two-windows"
    shutil.copytree(demo_dir, folder)
    card = folder / "campaign.yaml"
    text = card.read_text(encoding="utf-8")
    for name in ("preheat", "post", "dip"):
        text, n = re.subn(rf"^  {name}: .*\n", "", text, flags=re.M)
        assert n == 1, name
    card.write_text(text, encoding="utf-8")
    agg, windows, events = _extracted(folder)
    assert sorted(windows.phase) == ["baseline", "burst", "campaign"]
    inside = _windowed(events, windows)
    uv = _with_all(inside, ["phase"], "uv")
    steps = _with_all(inside, ["phase", "event"], "users").rename(columns={"event": "step"})
    assert _table(agg.window_uv, ["phase", "channel"], "uv") == _table(
        uv, ["phase", "channel"], "uv"
    )
    keys = ["phase", "channel", "step"]
    assert _table(agg.funnel, keys, "users") == _table(steps, keys, "users")
    # campaign = burst here: the two windows' rows are the same counts
    by = agg.window_uv.set_index(["phase", "channel"]).uv
    assert by["campaign"].to_dict() == by["burst"].to_dict()


def _assert_as_nunique(agg, windows: pd.DataFrame, events: pd.DataFrame) -> None:
    """Every behaviour figure of ``agg`` equals nunique over ``events`` (the four checks above)."""
    keys = ["date", "channel"]
    assert _table(agg.uv, keys, "uv") == _table(_with_all(events, ["date"], "uv"), keys, "uv")
    steps = _with_all(events, ["date", "event"], "users").rename(columns={"event": "step"})
    keys = ["date", "channel", "step"]
    assert _table(agg.funnel_daily, keys, "users") == _table(steps, keys, "users")
    inside = _windowed(events, windows)
    keys = ["phase", "channel"]
    assert _table(agg.window_uv, keys, "uv") == _table(
        _with_all(inside, ["phase"], "uv"), keys, "uv"
    )
    days = inside.groupby(["phase", "channel"]).date.nunique().rename("days").reset_index()
    days_all = inside.groupby("phase").date.nunique().rename("days").reset_index()
    expected_days = pd.concat([days, days_all.assign(channel="_all")])
    assert _table(agg.window_uv, keys, "days") == _table(expected_days, keys, "days")
    steps = _with_all(inside, ["phase", "event"], "users").rename(columns={"event": "step"})
    keys = ["phase", "channel", "step"]
    assert _table(agg.funnel, keys, "users") == _table(steps, keys, "users")


@pytest.fixture(scope="module")
def many_channels(demo_dir, tmp_path_factory):
    """The demo with its events spread over 13 channels (more than the 10 one bit column holds;
    one name with a quote in it), each customer-day in one or two of them; variant B renamed
    0'b (a quote, and first in sort order)."""
    import shutil

    folder = tmp_path_factory.mktemp("behaviour") / "many-channels"
    shutil.copytree(demo_dir, folder)
    path = next(folder.glob("events.*"))
    events = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    names = [f"ch{k:02d}" for k in range(12)] + ["o'neil"]
    key = pd.util.hash_pandas_object(events.user_id.astype(str), index=False)
    second = (pd.Series(range(len(events))) % 5 == 0).to_numpy()  # a second channel, sometimes
    events["channel"] = [
        names[(int(k) % 13 + int(s)) % 13] for k, s in zip(key, second, strict=True)
    ]
    events["variant"] = events.variant.replace({"B": "0'b"})  # a quote, and now first in order
    if path.suffix == ".parquet":
        events.to_parquet(path, index=False)
    else:
        events.to_csv(path, index=False)
    return folder


def test_thirteen_channels_take_two_bit_columns_and_count_as_nunique(many_channels):
    agg, windows, events = _extracted(many_channels)
    assert events.channel.nunique() == 13
    assert set(agg.uv.channel) == {*events.channel, "_all"}
    _assert_as_nunique(agg, windows, events)


def test_a_channel_list_that_lacks_one_is_asked_again_of_the_events(many_channels):
    """The channels come from validation; were one missing, its customers would land in the
    unlisted slot, which the extract notices and then asks the events for the list."""
    campaign = open_campaign(many_channels)
    try:
        listed = campaign.event_channels
        assert listed is not None and len(listed) == 13 and "o'neil" in listed
        campaign.event_channels = listed[:3]
        agg = extract(campaign)
        windows = window_frame(campaign)
    finally:
        campaign.con.close()
    _, _, events = _extracted(many_channels)
    _assert_as_nunique(agg, windows, events)


def test_events_outside_every_window_give_empty_counts_not_zeros(demo_dir, tmp_path):
    """A behaviour log that misses the windows (here: shifted two years on) has no customer-day
    to count: the daily and window figures are empty — nothing measured, no row of zeros."""
    import shutil

    folder = tmp_path / "late-log"
    shutil.copytree(demo_dir, folder)
    path = next(folder.glob("events.*"))
    events = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    events["event_time"] = pd.to_datetime(events.event_time) + pd.DateOffset(years=2)
    if path.suffix == ".parquet":
        events.to_parquet(path, index=False)
    else:
        events.to_csv(path, index=False)
    agg, _, inside = _extracted(folder)
    assert inside.empty
    assert agg.uv.empty and agg.funnel_daily.empty
    assert agg.window_uv.empty and agg.funnel.empty


def test_a_variant_list_that_lacks_one_is_asked_again_and_arms_keep_their_names(many_channels):
    """The variants are ranked in their sort order (``0'b`` before ``A``); were one missing from
    validation's list, the extract notices the unlisted rank and asks the events again."""
    campaign = open_campaign(many_channels)
    try:
        assert campaign.event_variants == ["0'b", "A", None]
        campaign.event_variants = ["A"]
        agg = extract(campaign)
        windows = window_frame(campaign)
    finally:
        campaign.con.close()
    _, _, events = _extracted(many_channels)
    assert set(agg.ab_arms.variant) == {"0'b", "A"}
    _assert_ab_as_pandas(agg, windows, events, many_channels)


@pytest.fixture(scope="module")
def padded_log(demo_dir, tmp_path_factory):
    """The demo with its behaviour log read in place (Parquet) and every id in it padded with
    spaces, one side or the other, while the orders, copied from a CSV file, keep theirs: the
    log's customers are keyed by their raw ids, the orders' through their pseudonyms. Some of the
    spaces are an ideographic space (U+3000, as typed with a Chinese input method) or a no-break
    space (U+00A0, as copied from a web page), which DuckDB's ``trim`` removes as it does ' '."""
    import shutil

    folder = tmp_path_factory.mktemp("behaviour") / "padded-log"
    shutil.copytree(demo_dir, folder)
    events = pd.read_parquet(folder / "events.parquet")
    pads = ("{} ", " {}", "\u3000{}", "{}\u00a0", "\u00a0 {}\u3000")
    events["user_id"] = [
        pads[i % len(pads)].format(u) for i, u in enumerate(events.user_id.astype(str))
    ]
    events.to_parquet(folder / "events.parquet", index=False)
    _as_csv(folder, "orders")
    return folder


def _as_csv(folder, table: str) -> None:
    """Turn ``<table>.parquet`` of the campaign ``folder`` into a CSV file the card names, which
    the reader copies (with its ids pseudonymised) instead of reading it in place."""
    pd.read_parquet(folder / f"{table}.parquet").to_csv(folder / f"{table}.csv", index=False)
    (folder / f"{table}.parquet").unlink()
    card = folder / "campaign.yaml"
    text = card.read_text(encoding="utf-8")
    assert text.count(f"{table}.parquet") == 1
    card.write_text(text.replace(f"{table}.parquet", f"{table}.csv"), encoding="utf-8")


def test_a_padded_log_read_in_place_counts_and_matches_the_orders_customers(padded_log):
    """Every behaviour figure equals nunique over the trimmed ids, and the A/B arms find each
    exposed customer's orders (in a CSV the reader copied), as pandas does on the raw ids."""
    campaign = open_campaign(padded_log)
    try:
        assert set(campaign.inplace) == {"events"}  # the log in place, the orders copied
        assert campaign.inplace["events"].keyed == {"user_id": "VARCHAR"}
        assert campaign.inplace["events"].untrimmed == set()  # padded ids: keyed trimmed
    finally:
        campaign.con.close()
    agg, windows, events = _extracted(padded_log)
    events["user_id"] = events.user_id.str.strip()
    _assert_as_nunique(agg, windows, events)
    _assert_ab_as_pandas(agg, windows, events, padded_log)


def test_a_logs_text_read_as_written_only_where_typing_changes_nothing(demo_dir, tmp_path):
    """Read in place, the log's few-valued text columns (event, channel, variant) are passed
    through as the file has them when typing would change none of their values, and its ids are
    keyed without trimming when none has a space to trim: so for the demo's clean log. A log
    whose steps are upper-cased and padded, with blank and missing channels and padded variants,
    is typed row by row instead, and its figures still equal nunique over the values cleaned by
    hand."""
    import shutil

    campaign = open_campaign(demo_dir)
    try:
        view = campaign.inplace["events"]
        exprs, _ = view.typed
        assert {c: exprs[c] for c in ("event", "channel", "variant")} == {
            "event": '"event"',
            "channel": '"channel"',
            "variant": '"variant"',
        }
        assert view.untrimmed == {"user_id"}
    finally:
        campaign.con.close()

    folder = tmp_path / "messy-log"
    shutil.copytree(demo_dir, folder)
    events = pd.read_parquet(folder / "events.parquet")
    clean = events.copy()
    events["event"] = [f" {e.upper()}" if i % 3 == 0 else e for i, e in enumerate(events.event)]
    channel = events.channel.astype(object)
    channel[::7] = ""
    channel[1::7] = None
    events["channel"] = channel
    events["variant"] = [
        f"{v} " if isinstance(v, str) and i % 2 else v for i, v in enumerate(events.variant)
    ]
    events.to_parquet(folder / "events.parquet", index=False)
    campaign = open_campaign(folder)
    try:
        view = campaign.inplace["events"]
        exprs, _ = view.typed
        assert all(exprs[c] != f'"{c}"' for c in ("event", "channel", "variant"))
        assert view.untrimmed == {"user_id"}  # the ids are as clean as before
    finally:
        campaign.con.close()
    agg, windows, got = _extracted(folder)
    expected = clean.loc[got.index].assign(date=got.date)
    expected.loc[expected.index % 7 <= 1, "channel"] = "unknown"  # blank or missing: unknown
    _assert_as_nunique(agg, windows, expected)


def _pseudonyms(con, sql: str) -> dict[str, str]:
    return dict(con.execute(sql).fetchall())


def test_the_logs_pseudonyms_are_computed_per_row_as_the_orders_in_validation_and_kernel(
    padded_log, tmp_path
):
    """The log has no pseudonym table; its typed view computes each row's pseudonym from the
    connection's key. They equal privacy.pseudonym of the trimmed id and the orders' pseudonym of
    the same customer — in validation and in the kernel's reopened file, whose bytes hold neither
    the key nor any of the log's ids, and whose aggregates are validation's."""
    from fupan.extract.engines.secrets import pseudonym_key
    from fupan.ingest import privacy
    from fupan.ingest.validate import open_prepared, save_prepared

    salt = privacy.load_salt()
    raw = pd.read_parquet(padded_log / "events.parquet", columns=["user_id", "event_time"])
    sample = raw.drop_duplicates("user_id").head(40)
    orders = pd.read_csv(padded_log / "orders.csv", dtype={"user_id": str})
    expected = {u.strip(): privacy.pseudonym(u.strip(), salt) for u in sample.user_id}
    bought = set(orders.user_id) & set(expected)
    assert bought  # some of the sampled customers have orders
    times = ", ".join(f"TIMESTAMP '{t}'" for t in sample.event_time.astype(str))

    def check(con) -> None:
        got = con.execute(
            f"SELECT DISTINCT user_id FROM events WHERE event_time IN ({times})"
        ).fetchall()
        assert set(expected.values()) <= {r[0] for r in got}
        in_orders = {r[0] for r in con.execute("SELECT DISTINCT user_id FROM orders").fetchall()}
        assert {expected[u] for u in bought} <= in_orders
        # the key the extract joins on: the log's customer is the orders' customer
        keys = _pseudonyms(con, "SELECT user_id, user_key FROM customer_keys")
        log_keys = {
            r[0] for r in con.execute("SELECT DISTINCT user_key FROM events_keyed").fetchall()
        }
        assert {keys[expected[u]] for u in bought} <= log_keys

    campaign = open_campaign(padded_log)
    prepared = tmp_path / "prepared.duckdb"
    try:
        check(campaign.con)
        before = extract(campaign)
        save_prepared(campaign, prepared)
    finally:
        campaign.con.close()
    data = prepared.read_bytes()
    assert pseudonym_key(salt).encode() not in data
    assert not any(u.strip().encode() in data for u in sample.user_id)
    kernel = open_prepared(padded_log, prepared)
    try:
        assert kernel.inplace == {}  # the prepared file, not a second validation
        check(kernel.con)
        after = extract(kernel)
    finally:
        kernel.con.close()
    for name in ("uv", "window_uv", "funnel", "funnel_daily", "ab_arms", "daily"):
        pd.testing.assert_frame_equal(getattr(after, name), getattr(before, name))


def test_a_kernel_with_another_salt_validates_again(padded_log, tmp_path, monkeypatch):
    """The log's pseudonyms are computed with the kernel's own salt: when it is not the salt the
    campaign was validated with, the prepared file is not used (its orders carry the other
    salt's pseudonyms) and the folder is validated again, so the two tables still agree."""
    from fupan.ingest import privacy
    from fupan.ingest.validate import open_prepared, save_prepared

    campaign = open_campaign(padded_log)
    prepared = tmp_path / "prepared.duckdb"
    try:
        save_prepared(campaign, prepared)
    finally:
        campaign.con.close()
    other = tmp_path / "other-salt"
    other.write_text("0b" * 32 + "\n", encoding="ascii")
    monkeypatch.setenv("FUPAN_SALT_FILE", str(other))
    kernel = open_prepared(padded_log, prepared)
    try:
        assert kernel.inplace != {}  # validated again
        user = pd.read_csv(padded_log / "orders.csv", dtype={"user_id": str}).user_id.iloc[0]
        mine = privacy.pseudonym(user.strip(), bytes.fromhex("0b" * 32))
        assert (
            kernel.con.execute("SELECT count(*) FROM orders WHERE user_id = ?", [mine]).fetchall()[
                0
            ][0]
            > 0
        )
        in_log = kernel.con.execute(
            "SELECT count(*) FROM events WHERE user_id = ?", [mine]
        ).fetchall()[0][0]
        raw = pd.read_parquet(padded_log / "events.parquet", columns=["user_id"]).user_id
        assert in_log == int((raw.str.strip() == user.strip()).sum())
    finally:
        kernel.con.close()


def test_a_copied_log_keys_its_customers_by_pseudonym_and_matches_the_orders(demo_dir, tmp_path):
    """A CSV log is copied by the reader with its ids pseudonymised, so events_keyed and
    customer_keys key both tables by hash of the pseudonym instead of the raw id: every figure
    and the A/B arms still equal pandas' over the raw ids."""
    import shutil

    folder = tmp_path / "copied-log"
    shutil.copytree(demo_dir, folder)
    _as_csv(folder, "events")
    campaign = open_campaign(folder)
    try:
        assert "events" not in campaign.inplace  # copied, pseudonymised at loading
        kinds = dict(
            campaign.con.execute(
                "SELECT table_name, table_type FROM information_schema.tables "
                "WHERE table_name IN ('events_keyed', 'customer_keys')"
            ).fetchall()
        )
    finally:
        campaign.con.close()
    assert kinds == {"events_keyed": "VIEW", "customer_keys": "VIEW"}
    agg, windows, events = _extracted(folder)
    _assert_as_nunique(agg, windows, events)
    _assert_ab_as_pandas(agg, windows, events, folder)


def test_a_log_with_integer_ids_keys_them_as_the_orders_text_ids(tmp_path):
    """A Parquet log whose user_id is an integer column and orders whose ids are text: the log's
    key is of the id's text, so its customers match the orders' (a, b, d, e, f of the tiny
    campaign have both; x only events, c only orders), and its per-row pseudonyms are those of
    the text."""
    from conftest import TINY_CARD, TINY_ORDERS, tiny_events, write_campaign
    from fupan.ingest import privacy

    ids = {u: str(1000 + i) for i, u in enumerate("abcdefx")}
    orders = [(o, ids[u], *rest) for o, u, *rest in TINY_ORDERS]
    events = [(ids[u], *rest) for u, *rest in tiny_events()]
    folder = write_campaign(
        tmp_path / "integer-ids",
        card={**TINY_CARD, "tables": {**TINY_CARD["tables"], "events": "events.parquet"}},
        orders=orders,
        events=events,
    )
    frame = pd.read_csv(folder / "events.csv")
    assert frame.user_id.dtype == "int64"
    frame.to_parquet(folder / "events.parquet", index=False)
    (folder / "events.csv").unlink()
    campaign = open_campaign(folder)
    try:
        assert campaign.inplace["events"].keyed == {"user_id": "BIGINT"}
        con = campaign.con
        matched = con.execute(
            "SELECT count(*) FROM customer_keys "
            "JOIN (SELECT DISTINCT user_key FROM events_keyed) USING (user_key)"
        ).fetchall()[0][0]
        customers = con.execute("SELECT count(DISTINCT user_key) FROM events_keyed").fetchall()
        pseudonyms = {r[0] for r in con.execute("SELECT DISTINCT user_id FROM events").fetchall()}
    finally:
        campaign.con.close()
    assert matched == 5  # a, b, d, e, f
    assert customers == [(6,)]  # a, b, d, e, f, x
    salt = privacy.load_salt()
    assert pseudonyms == {privacy.pseudonym(ids[u], salt) for u in "abdefx"}


def test_the_preheat_pool_is_its_carters_and_those_who_paid_in_the_burst(behaviour):
    """预热蓄水: customers with a cart event on a pre-heat day, and those of them with a pay
    event on a burst day — distinct user ids in plain pandas."""
    agg, windows, events = behaviour
    w = windows.set_index("phase")

    def users(phase: str, event: str) -> set:
        start, end = pd.Timestamp(w.at[phase, "start_date"]), pd.Timestamp(w.at[phase, "end_date"])
        inside = events[(events.date >= start) & (events.date <= end) & (events.event == event)]
        return set(inside.user_id.str.strip())

    carters = users("preheat", "cart")
    converted = carters & users("burst", "pay")
    assert len(carters) > 100 and 0 < len(converted) < len(carters)  # the test can fail
    (row,) = agg.preheat_pool.to_dict("records")
    assert row == {"carters": len(carters), "converted": len(converted)}
    # the analysis's result, as the report states it and the case record keeps it
    from fupan.analysis.execution import preheat_pool

    assert preheat_pool(agg.preheat_pool).record() == {
        "carters": len(carters),
        "converted": len(converted),
        "rate": len(converted) / len(carters),
    }


@pytest.mark.parametrize(
    ("channels", "variants", "packed"),
    [
        (("organic",), ("A", "B"), True),  # the variants' 3 bits fit above 2 slots' 12
        # 9 channels + the unlisted slot fill the column's 60 bits: 4 ranks do not fit
        (tuple(f"c{i}" for i in range(8)) + ("organic",), ("A", "B", "C"), False),
    ],
)
def test_a_customers_variants_are_the_smallest_and_largest_seen_on_campaign_days(
    channels: tuple[str, ...], variants: tuple[str, ...], packed: bool
) -> None:
    """The ranks of the smallest and largest A/B variant a customer saw on the campaign window's
    days, whether ``user_days`` carries them as bits or as min and max: by hand, on five
    customers — B then A (0, 1), A before the campaign only (none), an unlisted variant (the
    rank after the listed ones), no variant at all (none), B twice (1, 1)."""
    import duckdb

    from fupan.extract import behaviour as b

    layout = b.Layout(channels, ("baseline", "campaign"), variants)
    assert (layout.variant_bits is not None) is packed
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE windows AS SELECT * FROM (VALUES "
        "('baseline', DATE '2025-01-01', DATE '2025-01-02'), "
        "('campaign', DATE '2025-01-03', DATE '2025-01-04')) t(phase, start_date, end_date)"
    )
    rows = [
        (1, "2025-01-03 10:00", "B"),
        (1, "2025-01-04 11:00", "A"),
        (2, "2025-01-01 09:00", "A"),
        (3, "2025-01-03 12:00", "Z"),
        (4, "2025-01-04 13:00", None),
        (5, "2025-01-04 14:00", "B"),
        (5, "2025-01-04 15:00", "B"),
    ]
    con.execute(
        "CREATE TABLE events_keyed (user_key UBIGINT, event_time TIMESTAMP, event VARCHAR, "
        "channel VARCHAR, variant VARCHAR)"
    )
    con.executemany(
        "INSERT INTO events_keyed VALUES (?, ?, 'visit', 'organic', ?)",
        [(k, t, v) for k, t, v in rows],
    )
    con.execute(f"CREATE TABLE user_days AS {b.user_days_sql(layout)}")
    con.execute(f"CREATE TABLE user_windows AS {b.user_windows_sql(layout)}")
    got = {
        k: (lo, hi)
        for k, lo, hi in con.execute(
            "SELECT user_key, variant_min, variant_max FROM user_windows"
        ).fetchall()
    }
    other = len(variants)  # the rank of a variant not listed
    assert got == {1: (0, 1), 2: (None, None), 3: (other, other), 4: (None, None), 5: (1, 1)}
    # the channel's bits are untouched by the variants': each customer seen, visiting, in organic
    organic = layout.channels.index("organic")
    column, shift = layout.place(organic)
    seen = b.SEEN | b.STEP_BITS["visit"]
    words = con.execute(f"SELECT user_key, w1_{column} FROM user_windows").fetchall()
    for key, word in words:
        assert (word >> shift) & 63 == (0 if key == 2 else seen), key
    assert con.execute(b.unlisted_variants_sql(layout)).fetchall() == [(1,)]

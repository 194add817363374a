"""商品结构 (metrics.products, analysis.ops.products): the hero gift set's sell-out is recovered
from the inventory and products tables and named; concentration and 连带率 against plain pandas."""

from __future__ import annotations

import pandas as pd
import pytest

from fupan.analysis import ops
from fupan.format import Style
from fupan.metrics.products import hero_stockout_rate, pareto, top_share
from fupan.report.sections import ops as sections
from ops_demo import in_window, ops_campaign, raw  # noqa: F401 (fixtures)


def test_pareto_by_hand() -> None:
    g = pd.Series({"a": 10.0, "b": 30.0, "c": 60.0})
    p = pareto(g)
    assert list(p["sku"]) == ["c", "b", "a"]
    assert list(p["cum_share"]) == pytest.approx([0.6, 0.9, 1.0])
    assert top_share(g, 2) == pytest.approx(0.9)
    heroes = pd.DataFrame({"gmv": [300.0, 100.0], "days_out": [3, 0]})
    assert hero_stockout_rate(heroes, 30) == pytest.approx(300 * 0.1 / 400)


def test_hero_sellout_recovered(ops_campaign, raw) -> None:  # noqa: F811
    truth = raw["truth"]["ops"]["hero_sellout"]
    r = ops.products(ops_campaign)
    hero = r.heroes.set_index("sku").loc[truth["sku"]]
    assert hero["name"] == truth["name"] and hero["role"] == "new"
    assert pd.Timestamp(hero["first_out"]).strftime("%Y-%m-%d") == truth["sold_out_at"][:10]
    assert int(hero["days_out"]) == len(truth["out_days"])
    assert hero["sell_through"] == pytest.approx(1.0)  # it sold its whole planned stock
    assert set(r.heroes["sku"]) == set(raw["card"]["strategy"]["hero_skus"])


def test_concentration_and_units_per_order_equal_pandas(ops_campaign, raw) -> None:  # noqa: F811
    ok = in_window(raw["orders"], raw["window"])
    gmv = ok.groupby("sku")["paid_amount"].sum().sort_values(ascending=False)
    r = ops.products(ops_campaign)
    assert r.top_share[5] == pytest.approx(gmv.head(5).sum() / gmv.sum(), rel=1e-9)
    assert r.units_per_order == pytest.approx(ok["quantity"].sum() / ok["order_id"].nunique())
    names = raw["products"].set_index("sku")["product_name"]
    top = r.skus.head(10)
    assert list(top["name"]) == [names[s] for s in top["sku"]]


def test_section_names_products(ops_campaign, raw) -> None:  # noqa: F811
    truth = raw["truth"]["ops"]["hero_sellout"]
    r = ops.products(ops_campaign)
    zh, en = (str(sections.products(r, Style(lang=lang))) for lang in ("zh", "en"))
    assert truth["name"] in zh and "售罄" in zh and truth["sold_out_at"][:10] in zh
    assert truth["name"] in en and "sold out by the start of" in en
    assert "role_" not in zh and "ops_" not in en


def test_hero_funnel_equals_pandas(ops_campaign, raw, demo_dir) -> None:  # noqa: F811
    ev = pd.read_parquet(
        demo_dir / "events.parquet", columns=["user_id", "event_time", "event", "sku"]
    )
    w = raw["window"]
    ev = ev[ev["event_time"].dt.strftime("%Y-%m-%d").between(*w)]
    r = ops.products(ops_campaign).heroes.set_index("sku")
    for sku in r.index:
        e = ev[ev["sku"] == sku]
        # distinct users (pseudonymised in fupan, one pseudonym per raw id: the counts agree)
        assert r.at[sku, "viewers"] == e.loc[e["event"] == "view", "user_id"].nunique()
        assert r.at[sku, "carters"] == e.loc[e["event"] == "cart", "user_id"].nunique()
        assert r.at[sku, "buyers"] == e.loc[e["event"] == "order", "user_id"].nunique()
    page = str(sections.products(ops.products(ops_campaign), Style(lang="en")))
    assert "Hero products&#39; funnel" in page or "Hero products' funnel" in page


def test_without_list_prices_or_heroes_nothing_is_shown_as_measured(tmp_path) -> None:
    """A platform export (the JD sample) with SKUs but no list price and a card naming no hero:
    the discount depth was 0.0 % for every SKU (the list amount defaults to the paid amount) and
    the 主推品 table was headers only. Now the depth is not measured (—) and the heroes' absence
    is said once; the SKUs' GMV is still the export's."""
    import shutil

    from conftest import ROOT, run_cli
    from fupan.ingest.validate import open_campaign
    from test_determinism import visible_text

    folder = tmp_path / "jd"
    folder.mkdir()
    shutil.copy(ROOT / "tests" / "samples" / "jd-orders.utf8bom.csv", folder / "orders.csv")
    assert run_cli("init", str(folder)).returncode == 0
    campaign = open_campaign(folder)
    try:
        assert not campaign.measures("orders", "list_amount")  # the export has no list price
        result = ops.products(campaign)
        paid = campaign.con.execute(
            "SELECT sum(paid_amount) FROM orders WHERE status <> 'cancelled' AND "
            "order_time::DATE BETWEEN ? AND ?",
            [campaign.card.windows.campaign.start, campaign.card.windows.campaign.end],
        ).fetchall()[0][0]
    finally:
        campaign.con.close()
    assert result.skus["discount_depth"].isna().all()
    assert result.skus["gmv"].sum() == pytest.approx(paid)
    assert result.heroes.empty
    for lang, said in (("zh", "没有主推品"), ("en", "No hero products")):
        text = visible_text(str(sections.products(result, Style(lang))))
        assert said in text
        assert ("主推品 SKU" if lang == "zh" else "Hero products SKU") not in text
        assert "0.0%" not in text


def test_inventory_skus_written_otherwise_are_not_measured_not_zero(demo_dir, tmp_path) -> None:
    """The demo's inventory with its SKU codes in lower case (skn-001 for SKN-001) matched no
    order line: the inventory read 0 lost GMV and every SKU slow-moving, and the heroes 0 days out
    and a 0 % stock-out rate — figures never measured. Now the inventory analysis is not measured
    (its note says why) and a hero without stock rows has no days out (—), nor a rate."""
    import shutil

    from fupan.analysis import execution
    from fupan.extract.aggregates import extract
    from fupan.ingest.validate import open_campaign

    folder = tmp_path / "lower"
    shutil.copytree(demo_dir, folder)
    stock = pd.read_csv(folder / "inventory.csv", dtype=str)
    stock["sku"] = stock["sku"].str.lower()
    assert (stock["sku"] != stock["sku"].str.upper()).all()  # every code now differs
    stock.to_csv(folder / "inventory.csv", index=False)
    campaign = open_campaign(folder)
    agg = extract(campaign)
    with pytest.raises(ValueError) as err:
        execution.inventory_health(agg.sku_daily, agg.daily, campaign.card.windows)
    assert "match none of the orders'" in str(err.value) and "对不上" in str(err.value)
    r = ops.products(campaign)
    campaign.con.close()
    assert not r.heroes.empty and r.heroes["days_out"].isna().all()
    assert r.hero_stockout_rate is None
    page = str(sections.products(r, Style(lang="en")))
    assert "sold out" not in page


def test_a_day_range_on_timestamps_keeps_exactly_the_days_a_date_cast_keeps() -> None:
    """ops_data.on_days compares timestamps instead of casting each to a date: at the edges of
    the range (midnight, the last microsecond, the next midnight, NULL) it keeps the rows
    ``::DATE BETWEEN`` keeps."""
    import datetime as dt

    import duckdb

    from fupan.analysis.ops_data import on_days

    con = duckdb.connect()
    con.execute("CREATE TABLE e (t TIMESTAMP)")
    edges = [
        "2025-10-31 23:59:59.999999",
        "2025-11-01 00:00:00",
        "2025-11-05 12:00:00",
        "2025-11-11 23:59:59.999999",
        "2025-11-12 00:00:00",
        None,
    ]
    con.executemany("INSERT INTO e VALUES (?)", [[x] for x in edges])
    a, b = dt.date(2025, 11, 1), dt.date(2025, 11, 11)
    kept = con.execute(
        "SELECT t FROM e WHERE t::DATE BETWEEN ? AND ? ORDER BY t", [a, b]
    ).fetchall()
    by_range = con.execute(f"SELECT t FROM e WHERE {on_days('t')} ORDER BY t", [a, b]).fetchall()
    assert [str(r[0]) for r in kept] == [
        "2025-11-01 00:00:00",
        "2025-11-05 12:00:00",
        "2025-11-11 23:59:59.999999",
    ]
    assert by_range == kept

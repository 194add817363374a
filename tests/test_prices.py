"""价格力与控价 (ops review G14): undercuts of the shop's own 到手价 (fupan.metrics.prices) by hand,
the demo's planted undercuts found exactly, the section, the skips and the Chinese seller words."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from campaigns import make_campaign
from fupan.analysis import ops
from fupan.analysis.results.ops import PricesResult
from fupan.format import Style
from fupan.ingest.validate import open_campaign
from fupan.metrics.prices import breaches, sku_table
from fupan.report.sections import ops as sections
from ops_demo import ops_campaign, raw  # noqa: F401 (fixtures)

D1, D2, D3 = (pd.Timestamp(d) for d in ("2025-11-01", "2025-11-02", "2025-11-03"))


def _rows() -> pd.DataFrame:
    return pd.DataFrame(
        [
            (D1, "A", "shop", "own", 100.0),
            (D1, "A", "shop", "own", 104.0),  # the shop's price is its lowest of the day: 100
            (D1, "A", "kol-1", "kol", 99.0),  # undercut by 1 %
            (D1, "A", "dist", "distributor", 100.0),  # the same price: not an undercut
            (D1, "A", "rival", "competitor", 90.0),  # cheaper rival, not an undercut
            (D2, "A", "kol-1", "kol", 50.0),  # no shop price that day: not judged
            (D3, "A", "shop", "own", 80.0),
            (D3, "A", "dist", "distributor", 120.0),
            (D3, "A", "dist", "distributor", 60.0),  # the seller's lowest of the day counts: 25 %
            (D1, "B", "shop", "own", 10.0),
            (D1, "B", "kol-2", "kol", 10.5),
        ],
        columns=["date", "sku", "seller", "seller_type", "final_price"],
    )


def test_undercuts_by_hand() -> None:
    b = breaches(_rows())
    assert b[["date", "sku", "seller", "price", "own_price"]].values.tolist() == [
        [D3, "A", "dist", 60.0, 80.0],
        [D1, "A", "kol-1", 99.0, 100.0],
    ]
    assert b["gap"].tolist() == pytest.approx([0.25, 0.01])
    rival = breaches(_rows(), ("competitor",))
    assert rival[["date", "seller", "price"]].values.tolist() == [[D1, "rival", 90.0]]


def test_sku_table_by_hand() -> None:
    daily = pd.DataFrame(
        [(D1, "A", 300.0), (D2, "A", 999.0), (D1, "B", 40.0)], columns=["date", "sku", "gmv"]
    )  # A sold nothing on D3 (a judged day: 0), D2 is not judged
    t = sku_table(_rows(), daily).set_index("sku")
    assert t.at["A", "days"] == 2 and t.at["A", "own_price"] == pytest.approx(90.0)
    assert t.at["A", "breach_days"] == 2 and t.at["A", "lowest"] == 60.0
    assert t.at["A", "lowest_seller"] == "dist" and t.at["A", "competitor_days"] == 1
    assert t.at["A", "gmv_breach"] == pytest.approx((300.0 + 0.0) / 2)
    assert pd.isna(t.at["A", "gmv_other"])  # every judged day of A was undercut
    assert t.at["B", "breach_days"] == 0 and pd.isna(t.at["B", "lowest"])
    assert pd.isna(t.at["B", "gmv_breach"]) and t.at["B", "gmv_other"] == pytest.approx(40.0)
    assert list(t.index) == ["A", "B"]  # undercut SKUs first


def test_the_demo_undercuts_are_found_exactly(ops_campaign, raw) -> None:  # noqa: F811
    planted = raw["truth"]["ops"]["prices"]["undercuts"]
    r = ops.prices(ops_campaign)
    assert isinstance(r, PricesResult)
    got = {
        (f"{x.date:%Y-%m-%d}", x.sku, x.seller, round(x.price, 2)) for x in r.breaches.itertuples()
    }
    assert got == {(u["date"], u["sku"], u["seller"], u["price"]) for u in planted}
    assert len(planted) == 4


def test_the_demo_shops_gmv_on_undercut_days_is_the_orders(ops_campaign, raw) -> None:  # noqa: F811
    """The GMV columns against plain pandas on the raw order lines (lines not cancelled, by day)."""
    r = ops.prices(ops_campaign)
    row = r.skus.set_index("sku").loc[raw["truth"]["ops"]["prices"]["undercuts"][0]["sku"]]
    o = raw["orders"]
    ok = o[(o["status"] != "cancelled") & (o["sku"] == row.name)]
    days = sorted({u["date"] for u in raw["truth"]["ops"]["prices"]["undercuts"][:3]})
    by_day = ok.groupby("day")["paid_amount"].sum()
    assert row.gmv_breach == pytest.approx(by_day.reindex(days).fillna(0).mean(), abs=0.01)


def test_section_names_the_undercut_in_both_languages(ops_campaign, raw) -> None:  # noqa: F811
    r = ops.prices(ops_campaign)
    zh, en = (str(sections.prices(r, Style(lang))) for lang in ("zh", "en"))
    seller = raw["truth"]["ops"]["prices"]["undercuts"][0]["seller"]
    assert "破价" in zh and seller in zh and "15.0%" in zh
    assert "below the shop" in en and seller in en and "ops_" not in en + zh
    assert "nan" not in (zh + en).lower()


def _with_prices(tmp_path, rows: list[tuple]) -> dict:
    make_campaign(tmp_path / "c", seed=9)
    pd.DataFrame(rows, columns=["date", "sku", "seller", "seller_type", "final_price"]).to_csv(
        tmp_path / "c" / "prices.csv", index=False
    )
    card = yaml.safe_load((tmp_path / "c" / "campaign.yaml").read_text(encoding="utf-8"))
    card["tables"]["prices"] = "prices.csv"
    text = yaml.safe_dump(card, allow_unicode=True)
    (tmp_path / "c" / "campaign.yaml").write_text(text, encoding="utf-8")
    return card


def test_chinese_seller_types_are_read(tmp_path) -> None:
    _with_prices(
        tmp_path,
        [
            ("2025-01-02", "SKU-01", "旗舰店", "本店", 50.0),
            ("2025-01-02", "SKU-01", "某达人", "达人", 45.0),
            ("2025-01-02", "SKU-01", "某分销", "分销", 55.0),
            ("2025-01-02", "SKU-01", "竞店", "竞品", 40.0),
        ],
    )
    campaign = open_campaign(tmp_path / "c")
    types = campaign.con.execute("SELECT seller_type FROM prices ORDER BY final_price").fetchall()
    assert [t for (t,) in types] == ["competitor", "kol", "own", "distributor"]


def test_without_the_shops_own_price_it_is_skipped_with_the_reason(tmp_path) -> None:
    """Only a KOL's price in the campaign: nothing to compare, said so; the same row beside the
    shop's own price of that day is an undercut of 10 % (by hand: 1 − 45 / 50)."""
    day = str(make_campaign(tmp_path / "probe", seed=9).windows["burst"][0])
    kol = (day, "SKU-01", "某达人", "kol", 45.0)
    _with_prices(tmp_path, [kol])
    with pytest.raises(ValueError, match="seller_type own"):
        ops.prices(open_campaign(tmp_path / "c"))
    _with_prices(tmp_path, [kol, (day, "SKU-01", "旗舰店", "own", 50.0)])
    r = ops.prices(open_campaign(tmp_path / "c"))
    assert r.breaches[["seller", "price", "own_price"]].values.tolist() == [["某达人", 45.0, 50.0]]
    assert r.breaches["gap"].tolist() == pytest.approx([0.1])


def test_the_undercuts_are_a_finding_for_products_and_supply(ops_campaign, raw) -> None:  # noqa: F811
    """The report's findings (数据发现) name the planted undercuts as a miss routed to the
    products-and-supply role; a campaign without an undercut has no such finding."""
    from fupan.analysis.findings import _undercuts
    from fupan.report.sections.roles import ROLES

    r = ops.prices(ops_campaign)
    (f,) = _undercuts(Style("zh"), r, ops.products(ops_campaign))
    first = raw["truth"]["ops"]["prices"]["undercuts"][0]
    assert f.kind == "miss" and f.metric == "price_control"
    assert first["seller"] in f.zh and first["sku"] in f.zh and "15.0%" in f.zh and "3天" in f.zh
    assert first["seller"] in f.en and "(3 d)" in f.en
    (role,) = [x for x in ROLES if "price_control" in x.findings]
    assert role.key == "products"
    calm = PricesResult(breaches=r.breaches.iloc[:0], competitor=r.competitor, skus=r.skus)
    assert _undercuts(Style("zh"), calm, None) == []


def test_a_shop_sku_the_orders_never_sold_is_warned(tmp_path) -> None:
    """An own price for a code the orders never carry (another code system): named in a warning
    with the count, since its GMV beside the undercut days would read 0; a sold SKU is not."""
    _with_prices(
        tmp_path,
        [
            ("2025-01-02", "SKU-01", "旗舰店", "own", 50.0),
            ("2025-01-02", "6901234567", "旗舰店", "own", 50.0),
            ("2025-01-02", "6901234568", "旗舰店", "own", 50.0),
            ("2025-01-02", "6901234568", "某达人", "kol", 45.0),
            ("2025-01-02", "ZZZ-KOL-ONLY", "某达人", "kol", 45.0),  # no own price: not the shop's
        ],
    )
    (w,) = [p for p in open_campaign(tmp_path / "c").warnings if p.code == "price_skus_unmatched"]
    assert w.column == "sku" and "2 个" in w.zh and "6901234567, 6901234568" in w.en
    assert "SKU-01" not in w.en and "ZZZ-KOL-ONLY" not in w.en

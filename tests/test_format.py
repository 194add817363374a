"""fupan.format: money in 万/亿 or K/M with the card's currency, the share-safe index, percentages.

Expected strings are written out by hand.
"""
from __future__ import annotations

import math

import pytest

from fupan import format as fmt


@pytest.fixture(autouse=True)
def _reset():
    yield
    fmt.set_currency("CNY")
    fmt.set_money_index(None)


@pytest.mark.parametrize(("code", "zh", "en", "small"), [
    ("CNY", "¥231.1万", "¥2.3M", "-¥473.52"),
    ("GBP", "£231.1万", "£2.3M", "-£473.52"),
    ("USD", "$231.1万", "$2.3M", "-$473.52"),
    ("EUR", "€231.1万", "€2.3M", "-€473.52"),
    ("CHF", "CHF 231.1万", "CHF 2.3M", "-CHF 473.52"),  # no symbol known: the code, written out
])
def test_money_in_the_cards_currency(code, zh, en, small):
    fmt.set_currency(code)
    assert fmt.money(2_311_234, "zh") == zh
    assert fmt.money(2_311_234, "en") == en
    assert fmt.money(-473.52, "en", digits=2) == small


def test_units_thresholds():
    assert fmt.money(9_999, "zh") == "¥9,999.0"
    assert fmt.money(10_000, "zh") == "¥1.0万"
    assert fmt.money(1.5e8, "zh") == "¥1.5亿"
    assert fmt.money(999, "en") == "¥999.0"
    assert fmt.money(1_500, "en") == "¥1.5K"
    assert fmt.money(2.5e9, "en") == "¥2.5B"


def test_not_measured_is_a_dash_never_zero():
    for x in (None, math.nan, math.inf, -math.inf):
        assert fmt.money(x) == "—"
        assert fmt.pct(x) == "—"
        assert fmt.number(x) == "—"


def test_currency_names_for_axis_titles():
    fmt.set_currency("GBP")
    assert (fmt.currency_name("zh"), fmt.currency_name("en")) == ("英镑", "GBP")
    assert fmt.currency_name("zh", "CNY") == "元"
    assert fmt.currency_name("en", "XYZ") == "XYZ"


def test_index_ignores_the_currency():
    """Share-safe: 100 = the baseline's daily GMV whatever the currency; no symbol at all."""
    fmt.set_currency("GBP")
    fmt.set_money_index(2_000.0)
    assert fmt.money(3_000, "zh") == "指数150"
    assert fmt.money(1_000, "en") == "idx 50.0"
    assert "£" not in fmt.money(10_000, "en")


@pytest.mark.parametrize("bad", ["gbp", "GB", "£", "", None, "GBPX"])
def test_bad_currency_code_is_refused(bad):
    with pytest.raises(ValueError, match="ISO 4217"):
        fmt.set_currency(bad)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_bad_index_base_is_refused(bad):
    with pytest.raises(ValueError, match="positive"):
        fmt.set_money_index(bad)

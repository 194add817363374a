"""fupan.format: money in 万/亿 or K/M with the card's currency, the share-safe index, percentages.

Expected strings are written out by hand. How a report formats is a Style value (language,
currency, money index), never module state.
"""

from __future__ import annotations

import math

import pytest

from fupan import format as fmt
from fupan.format import Style


@pytest.mark.parametrize(
    ("code", "zh", "en", "small"),
    [
        ("CNY", "¥231.1万", "¥2.31M", "-¥473.52"),
        ("GBP", "£231.1万", "£2.31M", "-£473.52"),
        ("USD", "$231.1万", "$2.31M", "-$473.52"),
        ("EUR", "€231.1万", "€2.31M", "-€473.52"),
        (
            "CHF",
            "CHF 231.1万",
            "CHF 2.31M",
            "-CHF 473.52",
        ),  # no symbol known: the code, written out
    ],
)
def test_money_in_the_cards_currency(code, zh, en, small):
    assert Style("zh", currency=code).money(2_311_234) == zh
    assert Style("en", currency=code).money(2_311_234) == en
    assert Style("en", currency=code).money(-473.52, digits=2) == small
    assert fmt.money(2_311_234, "zh", currency=code) == zh  # the plain function, currency named


def test_units_thresholds():
    zh, en = Style("zh"), Style("en")
    assert zh.money(9_999) == "¥9,999"  # whole yuan below 万 (issue 12)
    assert zh.money(10_000) == "¥1万"  # no trailing .0 before 万/亿/K/M (issue 12)
    assert zh.money(15_730_000) == "¥1,573万" and zh.money(15_735_000) == "¥1,573.5万"
    assert en.money(3_000_000) == "¥3M"
    assert zh.money(1.5e8) == "¥1.5亿"
    assert en.money(999) == "¥999" and en.money(99.5) == "¥99.5"
    assert en.money(1_500) == "¥1.5K"
    assert en.money(2.5e9) == "¥2.5B"
    # three figures in English too: 1,990,000 is ¥199万 and ¥1.99M, never ¥2M (a ¥2M target
    # beside it read as met); from 10 of a unit one decimal, as in 万
    assert en.money(1_990_000) == "¥1.99M" and zh.money(1_990_000) == "¥199万"
    assert en.money(1_080) == "¥1.08K" and en.money(1_200) == "¥1.2K"
    assert en.money(12_345_678) == "¥12.3M" and en.money(9_996_000) == "¥10M"


def test_a_small_or_zero_amount_has_no_trailing_point_zero():
    """A measured zero read '¥0.0' (an adjustment of nothing, a channel without sales), and '¥12.0'
    beside '¥12.5': the ops review asks for one form per amount (item 12). By hand: below ¥100
    one decimal, a trailing .0 dropped; what rounds to zero is '¥0' without a sign."""
    zh, en = Style("zh"), Style("en")
    assert zh.money(0) == "¥0" and en.money(0.0) == "¥0"
    assert zh.money(12.0) == "¥12" and zh.money(12.5) == "¥12.5" and zh.money(-12.04) == "-¥12"
    assert zh.money(-0.004) == "¥0" and zh.money(0.04) == "¥0" and zh.money(0.05) == "¥0.1"
    assert zh.money(99.96) == "¥100" and zh.money(100.4) == "¥100"
    assert zh.money(0, digits=2) == "¥0.00"  # a price keeps the decimals it asks for


def test_not_measured_is_a_dash_never_zero():
    for x in (None, math.nan, math.inf, -math.inf):
        assert fmt.money(x) == "—"
        assert Style("en", money_index=10.0).money(x) == "—"
        assert fmt.pct(x) == "—"
        assert fmt.number(x) == "—"
        assert fmt.signed(x) == "—"


def test_currency_names_for_axis_titles():
    assert (
        Style("zh", currency="GBP").currency_name(),
        Style("en", currency="GBP").currency_name(),
    ) == ("英镑", "GBP")
    assert fmt.currency_name("zh", "CNY") == "元"
    assert fmt.currency_name("en", "XYZ") == "XYZ"


def test_index_ignores_the_currency():
    """Share-safe: 100 = the baseline's daily GMV whatever the currency; no symbol at all."""
    assert Style("zh", money_index=2_000.0, currency="GBP").money(3_000) == "指数150"
    assert Style("en", money_index=2_000.0, currency="GBP").money(1_000) == "idx 50.0"
    assert "£" not in Style("en", money_index=2_000.0, currency="GBP").money(10_000)


def test_kpi_values_by_unit():
    s = Style("zh")
    assert s.value(1234.5, "money") == "¥1,234.50"  # below 1万: two decimals
    assert s.value(123_456, "money") == "¥12.3万"
    assert s.value(0.1236, "ratio") == "12.36%"
    assert s.value(101.26, "index") == "101.3"
    assert s.value(2.5, "multiple") == "2.50×"
    assert s.value(1234.4, "count") == "1,234"


@pytest.mark.parametrize("bad", ["gbp", "GB", "£", "", None, "GBPX"])
def test_bad_currency_code_is_refused(bad):
    with pytest.raises(ValueError, match="ISO 4217"):
        Style("zh", currency=bad)


@pytest.mark.parametrize("bad", [0.0, -1.0, math.nan, math.inf])
def test_bad_index_base_is_refused(bad):
    with pytest.raises(ValueError, match="positive"):
        Style("zh", money_index=bad)


def test_bad_language_is_refused():
    with pytest.raises(ValueError, match="zh"):
        Style("fr")


def test_no_module_state_is_left():
    """The module keeps nothing a report could set: no index base, no current currency."""
    for name in (
        "set_money_index",
        "set_currency",
        "money_as_index",
        "money_index_base",
        "_INDEX_BASE",
        "_CURRENCY",
    ):
        assert not hasattr(fmt, name), name


def test_money_column_has_one_unit_named_in_its_header():
    zh, en = Style("zh"), Style("en")
    assert zh.money_unit() == "（万元）" and en.money_unit() == " (CNY K)"
    # 98,000 yuan = 9.8 万 = 98.0 K; -8,620.2 = -0.9 万 (the column never mixes ¥8,242.7 and ¥3.3万)
    assert zh.money_col(98_000) == "9.8" and en.money_col(98_000) == "98.0"
    assert zh.money_col(-8_620.2) == "-0.9" and zh.money_col(12_345_678) == "1,234.6"
    assert zh.money_col(-100) == "0"  # -0.01 万 rounds to 0, never "-0.0"
    assert zh.money_col(float("nan")) == "—"
    shared = Style("zh", money_index=200.0)
    assert shared.money_unit() == "（指数）" and shared.money_col(300.0) == "150.0"


def test_thresholds_in_the_unit_of_their_kpi():
    zh = Style("zh")
    assert zh.threshold(0.4, "ratio") == "40%"  # beside "69.12%", never "0.4"
    assert zh.threshold(150, "index") == "150"
    assert zh.threshold(3.3, "multiple") == "3.3×"
    assert fmt.OPS[">="] == "≥"


def test_p_values_never_in_e_notation():
    assert fmt.p_text(7.8e-20) == "p < 0.001"
    assert fmt.p_text(0.0123) == "p = 0.012"
    assert fmt.p_text(float("nan")) == "—"


def test_display_names_replace_raw_keys():
    s = Style("zh", names=(("channel", "live", "自播", "Own live stream"),))
    assert s.channel("live") == "自播" and s.in_lang("en").channel("live") == "Own live stream"
    assert s.channel("unknown_key") == "unknown_key"  # no name: shown as it is
    assert s.name("platform", "live") == "live"  # names are per kind


@pytest.mark.parametrize(
    ("values", "lang", "labels"),
    [
        # a daily-GMV axis from 0 to 16,000 in steps of 2,000: below 万 whole, above it one
        # decimal where the tick needs it — ¥1万 once, not ¥1万 for 10,000, 12,000 and 14,000
        (
            [0, 2_000, 8_000, 10_000, 12_000, 14_000, 16_000],
            "zh",
            ["¥0", "¥2,000", "¥8,000", "¥1万", "¥1.2万", "¥1.4万", "¥1.6万"],
        ),
        ([0, 12_500, 25_000, 37_500], "zh", ["¥0", "¥1.25万", "¥2.5万", "¥3.75万"]),
        ([0, 20_000, 40_000], "zh", ["¥0", "¥2万", "¥4万"]),
        ([1e8, 1.5e8, 2e8], "zh", ["¥1亿", "¥1.5亿", "¥2亿"]),
        ([0, 500, 1_000, 1_500], "en", ["¥0", "¥500", "¥1K", "¥1.5K"]),
        ([2e6, 2.5e6, 3e6], "en", ["¥2M", "¥2.5M", "¥3M"]),
    ],
)
def test_money_ticks_read_apart_and_exact(values, lang, labels):
    assert Style(lang).money_ticks(values) == labels


def test_money_ticks_in_a_share_safe_report_are_the_index():
    # 100 = the baseline's average daily GMV of ¥5,000
    assert Style("zh", money_index=5_000).money_ticks([0, 5_000, 10_000]) == [
        "指数0",
        "指数100",
        "指数200",
    ]

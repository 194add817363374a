"""The report's text catalogue (fupan.i18n.catalogue): every entry in both languages, the same
named placeholders on both sides, and every key the code and the fragments name exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from fupan.i18n import CATALOGUE, Localized, bilingual, both, pick, t

LIB = Path(__file__).resolve().parents[1] / "lib" / "fupan"
#: punctuation that is empty or a space in one language (Chinese sentences join without a space)
PUNCTUATION = {"sentence_sep", "list_sep", "clause_sep", "sentence_end"}


def placeholders(text: str) -> set[str]:
    """The named fields of a str.format text (``{amount}``, ``{p:.2g}`` → ``amount``, ``p``)."""
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_entry_has_chinese_and_english_with_the_same_placeholders(key):
    zh, en = CATALOGUE[key]
    assert isinstance(zh, str) and isinstance(en, str), key
    assert (zh.strip() and en.strip()) or key in PUNCTUATION, key
    assert placeholders(zh) == placeholders(en), (key, placeholders(zh), placeholders(en))
    assert "" not in placeholders(zh), f"{key}: positional {{}} — name every placeholder"


def test_placeholder_check_catches_a_mismatch():
    """Control: the comparison above sees a renamed or dropped placeholder."""
    assert placeholders("净增量 {net}。") != placeholders("Net incremental GMV {amount}.")
    assert placeholders("{p:.2g} {a}") == {"p", "a"}


def test_chinese_and_english_differ_where_they_are_prose():
    """A sentence left untranslated would read the same on both sides (labels such as GMV may)."""
    same = [k for k, (zh, en) in CATALOGUE.items() if zh == en and len(zh) > 12]
    assert not same, same


def _named_keys() -> set[str]:
    """Keys the code (t / both calls) and the fragments (t(...)) name literally."""
    keys: set[str] = set()
    call = re.compile(r"""\b(?:t|both)\(\s*["']([a-z0-9_]+)["']\s*[,)]""")  # literal keys only
    for path in [*LIB.rglob("*.py"), *LIB.rglob("*.j2")]:
        if "cases/site" in str(path) or "catalogue" in path.parts:
            continue
        keys |= set(call.findall(path.read_text(encoding="utf-8")))
    return keys


def test_every_key_the_code_names_exists():
    named = _named_keys()
    assert len(named) > 150  # the scan reads the code and the fragments
    assert not named - set(CATALOGUE), sorted(named - set(CATALOGUE))


def test_lookup_fills_placeholders_per_language():
    assert t("lift_skipped", "zh", reason="历史不足") == "反事实增量分析未做：历史不足。"
    assert (
        t("lift_skipped", "en", reason="too short")
        == "The counterfactual lift analysis was not run: too short."
    )
    days = Localized("周六", "Saturday")
    assert "周六" in t("anom_note_closed", "zh", days=days) and "Saturday" in t(
        "anom_note_closed", "en", days=days
    )
    assert both("margin_no_sku") == bilingual(
        CATALOGUE["margin_no_sku"][1], CATALOGUE["margin_no_sku"][0]
    )
    assert pick(both("margin_no_sku"), "zh") == CATALOGUE["margin_no_sku"][0]
    with pytest.raises(ValueError, match="zh"):
        t("lift_skipped", "fr", reason="x")


def test_an_english_count_agrees_with_its_noun():
    """'3 SKU(s) ran out of stock', '14 test-day(s)': the English report wrote its plurals as a
    form. A noun marked (s) after a count is singular for 1 and plural otherwise; a (s) after no
    count (a list of names) stays; Chinese has no (s) to change."""
    from fupan.i18n import t

    one = t("finding_stockouts", "en", n=1, days=3, skus="A", lost="")
    many = t("finding_stockouts", "en", n=3, days=8, skus="A, B, C", lost="")
    assert one.startswith("1 SKU ran out") and many.startswith("3 SKUs ran out")
    assert "(s)" not in one + many
    assert t("bm_twins", "en", ids="a, b").startswith("Case(s) a, b")  # no count to agree with
    assert t("finding_stockouts", "zh", n=3, days=8, skus="A", lost="").startswith(
        "活动期有 3 个SKU"
    )


def test_funnel_steps_have_english_names():
    """The English funnel table and finding showed the event keys (visit view cart order pay)."""
    from fupan.i18n import step_label

    en = [step_label(s, "en") for s in ("visit", "view", "cart", "order", "pay")]
    assert en == ["Visit", "Product view", "Add to cart", "Order", "Payment"]
    assert step_label("cart", "zh") == "加购" and step_label("checkout", "en") == "checkout"

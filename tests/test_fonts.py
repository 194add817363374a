"""The CJK font: the Simplified Chinese face is used (not the collection's first, Japanese face),
charts draw Chinese without missing glyphs, and the HTML subset covers the text it is made for."""

from __future__ import annotations

import base64
import re
import warnings
from io import BytesIO

import matplotlib.pyplot as plt
from fontTools.ttLib import TTCollection, TTFont

from fupan import fonts

# Characters whose Simplified Chinese form differs from the Japanese one (checked in the .ttc:
# 直 is cid27873 in the JP face and cid27874 in SC; 骨 cid45132 vs cid45133).
SC_SENSITIVE = "直骨复"


def test_extracted_face_is_simplified_chinese_not_japanese():
    sc = TTFont(str(fonts.font_path()))
    assert sc["name"].getDebugName(1) == "Noto Sans CJK SC"
    collection = TTCollection(str(fonts._collection_path()))
    jp, sc_in_collection = collection.fonts[0], collection.fonts[fonts.SC_FACE_INDEX]
    for ch in SC_SENSITIVE:
        glyph = sc.getBestCmap()[ord(ch)]
        assert glyph == sc_in_collection.getBestCmap()[ord(ch)]
        assert glyph != jp.getBestCmap()[ord(ch)], f"{ch} would be drawn in its Japanese form"


def test_chart_text_in_chinese_has_no_missing_glyph():
    from fupan.report.charts import _style

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with _style():
            fig, ax = plt.subplots()
            ax.set_title("双十一美妆大促复盘：直播间新客占比")
        fig.savefig(BytesIO(), format="png")  # drawn after the style context has exited
    missing = [w for w in caught if "missing" in str(w.message).lower()]
    assert not missing, missing
    assert fig.axes[0].title.get_fontname() == "Noto Sans CJK SC"


def test_default_font_really_misses_these_glyphs():
    """The check above can fail: without the CJK font, matplotlib reports missing glyphs."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with plt.rc_context({"font.family": ["DejaVu Sans"]}):
            fig, ax = plt.subplots()
            ax.set_title("双十一")
            fig.savefig(BytesIO(), format="png")
    assert any("missing" in str(w.message).lower() for w in caught)


def test_embedded_subset_covers_exactly_the_text():
    text = "复盘报告：直播间GMV ¥123.4万"
    css = fonts.embedded_font_css(text)
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", css).group(1))
    font = TTFont(BytesIO(data))
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in set(text) if not ch.isspace())
    assert ord("猫") not in cmap  # a subset, not the whole 16 MB font
    assert len(data) < 60_000
    # same text, same bytes (fixed timestamp; cached by character set)
    assert fonts.embedded_font_css(text[::-1]) == css

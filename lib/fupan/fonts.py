"""The CJK font: Noto Sans CJK **SC** for charts and, subset and embedded, for the HTML report.

The font comes from the PyPI package ``noto-cjk-sans-otc`` (installed by requirements.txt, no root
needed). Its .ttc holds ten faces and the first is the Japanese one, which draws some characters in
Japanese forms; we extract face 2, Simplified Chinese, once into a cache folder. matplotlib's font
cache does not notice fonts installed after it was built, so the file is registered directly with
``fontManager.addfont``.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import os
from importlib import resources
from io import BytesIO
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

from .files import write_atomic

FAMILY = "Noto Sans CJK SC"
SC_FACE_INDEX = 2


def _collection_path() -> Path:
    try:
        return Path(str(resources.files("noto_cjk_sans_otc").joinpath("NotoSansCJK-Regular.ttc")))
    except ModuleNotFoundError as exc:
        raise RuntimeError(
            "the CJK font package is missing: pip install -r requirements.txt "
            "(noto-cjk-sans-otc) / 缺少中文字体包，请安装 requirements.txt"
        ) from exc


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "fupan"


@functools.cache
def font_path() -> Path:
    """Path of the Noto Sans CJK SC face as a standalone OpenType file (extracted once)."""
    target = cache_dir() / "NotoSansCJKsc-Regular.otf"
    if target.is_file() and target.stat().st_size > 1_000_000:
        return target
    collection = TTCollection(str(_collection_path()))
    face = collection.fonts[SC_FACE_INDEX]
    name = face["name"].getDebugName(1)
    if name != FAMILY:
        raise RuntimeError(
            f"face {SC_FACE_INDEX} of the CJK collection is {name!r}, not {FAMILY!r}"
        )
    buf = BytesIO()
    face.save(buf)
    write_atomic(target, buf.getvalue())
    return target


@functools.cache
def register_matplotlib() -> str:
    """Register the SC face with matplotlib and return its family name."""
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(font_path()))
    return FAMILY


def embedded_font_css(text: str, family: str = "FupanCJK") -> str:
    """An @font-face rule embedding a subset of the SC face holding exactly ``text``'s glyphs.

    The report stays one self-contained file that renders Chinese on machines without CJK fonts
    and without any network; a subset of a few hundred characters is ~100–200 KB. The subset is
    plain OpenType (WOFF2 would be ~25% smaller but its compression costs ~1.2 s per report), made
    with a fixed timestamp so the same text gives the same bytes, and cached by character set.
    """
    chars = "".join(sorted(set(text)))
    key = hashlib.sha256(f"{FAMILY}|{chars}".encode()).hexdigest()[:32]
    cached = cache_dir() / "subsets" / f"{key}.otf"
    if cached.is_file():
        data = cached.read_bytes()
    else:
        font = TTFont(str(font_path()), lazy=True, recalcTimestamp=False)
        sub = subset.Subsetter(subset.Options())
        sub.populate(text=chars)
        sub.subset(font)
        buf = BytesIO()
        font.save(buf)
        data = buf.getvalue()
        write_atomic(cached, data)
    encoded = base64.b64encode(data).decode("ascii")
    return (
        f"@font-face{{font-family:'{family}';font-style:normal;font-weight:400;"
        f"src:url(data:font/otf;base64,{encoded}) format('opentype');}}"
    )


if __name__ == "__main__":  # `python -m fupan.fonts`: extract the SC face now (used by make setup)
    print(f"CJK font ready: {font_path()} ({FAMILY})")

"""``fupan site``: the case library as a static knowledge base that works from ``file://``.

The site is plain files: ``index.html`` (every case, facets with counts, Chinese/English full-text
search, sort by any normalised KPI), ``compare.html#ids=a,b`` (chosen cases side by side),
``lessons.html`` (every case's lessons), ``glossary.html`` (the KPI definitions, 口径) and
``cases/<id>/report.html`` (each case's report, copied). The data is one classic script,
``assets/data.js`` (``window.FUPAN_SITE = {...}``), loaded with ``<script src>`` like MiniSearch's
UMD build and ``site.js`` — nothing is fetched, so the pages work opened from disk and from any
static web server, and no page makes a network request (PITFALLS.md, "Static search").

What reaches the site from a case record (an allow-list; nothing else is copied): the card's name,
platform, category, currency, campaign dates, mechanics and tags, the lessons (what went well,
what to improve, action items without their owners), the findings (zh and en), the normalised
KPIs of METHODS.md §6 and the definitions' version. Customer identifiers are in no record; the
shop name, owners and the column mapping are left out.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ...dictionary import DEFINITIONS_VERSION, KPI_DEFINITIONS
from ...errors import ArchiveConflictError, Problem
from ..kpis import METRIC_KEYS, METRICS, Metric, format_value  # noqa: F401  (re-exported: the site's KPIs)
from .data import SEARCH_FIELDS, case_entry, site_data  # noqa: F401  (the site's public names)
from .labels import CATEGORIES, PLATFORMS, UI, label  # noqa: F401
from .load import Case, _provenance, load_library, minutes_of  # noqa: F401

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"
#: the file that marks a folder as a site written by fupan (only such a folder is replaced)
MARKER = ".fupan-site"
ASSETS = "assets"
#: files of static/ copied into the site's assets/ (the version note stays in the package)
STATIC_FILES = ("minisearch.js", "MINISEARCH-LICENSE.txt", "site.js", "site.css")

# --------------------------------------------------------------------------- writing the site

#: the site's own pages (templates/<page>.html.j2)
PAGES = ("index", "compare", "lessons", "glossary")
#: More pages, from other modules of this package: each builder takes the site data, the Jinja2
#: environment and the pages' common context and returns {file name: html}. Add one line here.
PAGE_BUILDERS: list[
    Callable[[dict[str, Any], jinja2.Environment, dict[str, Any]], dict[str, str]]
] = []


@dataclass
class SiteResult:
    out: Path
    cases: int
    warnings: list[Problem]
    seconds: float


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _glossary() -> list[dict[str, Any]]:
    return [
        {
            "key": d.key,
            "zh": d.zh,
            "en": d.en,
            "unit": d.unit,
            "higher_is_better": d.higher_is_better,
            "mix": d.mix,
            "definition_zh": d.definition_zh,
            "definition_en": d.definition_en,
        }
        for d in KPI_DEFINITIONS.values()
    ]


def _render_pages(data: dict[str, Any]) -> dict[str, str]:
    env = _env()
    ui = {k: {"zh": zh, "en": en} for k, (zh, en) in UI.items()}
    common = {
        "ui": ui,
        "t": lambda key, **kw: UI[key][0].format(**kw),
        "assets": ASSETS,
        "cases": data["cases"],
        "metrics": data["metrics"],
        "facets": data["facets"],
        "definitions_version": DEFINITIONS_VERSION,
        "glossary": _glossary(),
        "platforms": PLATFORMS,
        "categories": CATEGORIES,
        "label": label,
    }
    pages = {}
    for page in PAGES:
        pages[f"{page}.html"] = env.get_template(f"{page}.html.j2").render(page=page, **common)
    for extra in PAGE_BUILDERS:
        pages.update(extra(data, env, common))
    return pages


def _minutes_pages(cases: list[Any], env: jinja2.Environment) -> dict[str, str]:
    """``cases/<id>/minutes.html`` of each case with the review meeting's minutes (:func:`minutes_of`):
    the Markdown as HTML, with any HTML written into it shown as text (mistune with escaping on:
    the minutes are the team's free text), on a page with no script. {case id: page}."""
    import mistune

    to_html = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
    template = env.get_template("minutes.html.j2")
    out = {}
    for case in cases:
        text = minutes_of(case)
        if text is None:
            continue
        title = next((ln[2:].strip() for ln in text.splitlines() if ln.startswith("# ")), case.id)
        lang = str((case.record.get("parameters") or {}).get("lang") or "zh")
        out[case.id] = template.render(
            title=title,
            body=Markup(to_html(text)),
            lang=lang,
            report=(case.folder / "report.html").is_file(),
            assets=ASSETS,
            t=lambda key, _l=lang: UI[key][0 if _l == "zh" else 1],
        )
    return out


def _data_js(data: dict[str, Any]) -> str:
    body = json.dumps(
        data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    )
    # a classic script, so it loads from file://; "</" and U+2028/9 escaped so it is safe anywhere
    body = body.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return (
        "/* fupan case library data: generated by `fupan site`, do not edit */\n"
        f"window.FUPAN_SITE = {body};\n"
    )


def _font_css(texts: list[str]) -> str:
    """An embedded subset of the CJK font holding every character the site shows (machines without
    a Chinese font still read it; nothing is downloaded)."""
    from ...fonts import embedded_font_css

    chars = {ch for text in texts for ch in text if ord(ch) > 0x2000}
    return embedded_font_css("".join(sorted(chars)), family="FupanCJK") + "\n"


def _prepare_out(out: Path) -> None:
    """Refuse to replace a folder that is not a site fupan wrote (it may hold someone's files)."""
    if out.exists() and not out.is_dir():
        raise ArchiveConflictError(f"--out {out} 是一个文件，不是文件夹 / is a file, not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        raise ArchiveConflictError(
            f"{out} 已存在且不是 fupan site 生成的站点，未做任何修改；请换一个 --out 文件夹 / {out} exists and "
            f"is not a site written by fupan site; nothing was changed — choose another --out folder"
        )


def build_site(library: Path, out: Path, *, instructor: bool = False) -> SiteResult:
    """Write the knowledge base of ``library`` into ``out`` (replacing a previous site there);
    with ``instructor`` the worked examples' instructor copies (their answers) too.

    The new site is written into a temporary folder beside ``out`` and swapped in at the end, so
    a failed build leaves the previous site as it was.
    """
    t0 = time.perf_counter()
    library, out = Path(library), Path(out)
    _prepare_out(out)
    cases, warnings = load_library(library)
    data = site_data(cases)
    pages = _render_pages(data)
    from .notebooks import site_pages  # the worked examples; the glossary's terms

    pages.update(site_pages(pages, instructor=instructor))
    data_js = _data_js(data)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp"))
    try:
        (tmp / ASSETS).mkdir()
        for name in STATIC_FILES:
            shutil.copyfile(STATIC / name, tmp / ASSETS / name)
        (tmp / ASSETS / "data.js").write_text(data_js, encoding="utf-8")
        for name, html in pages.items():
            (tmp / name).write_text(html, encoding="utf-8")
        minutes = _minutes_pages(cases, _env())
        for case in cases:
            folder = tmp / "cases" / case.id
            src = case.folder / "report.html"
            if src.is_file():
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, folder / "report.html")
            if case.id in minutes:
                folder.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(case.folder / "minutes.md", folder / "minutes.md")
                (folder / "minutes.html").write_text(minutes[case.id], encoding="utf-8")
        texts = [
            *pages.values(),
            *minutes.values(),
            data_js,
            (STATIC / "site.js").read_text(encoding="utf-8"),
        ]
        (tmp / ASSETS / "font.css").write_text(_font_css(texts), encoding="utf-8")
        digest = hashlib.sha256(data_js.encode()).hexdigest()
        (tmp / MARKER).write_text(
            f"written by fupan site; data sha256 {digest}\n", encoding="utf-8"
        )
        os.chmod(tmp, 0o755)
        if out.exists():
            old = out.parent / f".{out.name}.old-{os.getpid()}"
            os.replace(out, old)
            os.replace(tmp, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return SiteResult(out, len(cases), warnings, time.perf_counter() - t0)

"""The worked examples and the glossary in the knowledge-base site.

:func:`site_pages` is called by the site build with the pages it rendered and returns the pages to
add or replace:

- ``examples.html``: the worked examples in reading order, each as a student and an instructor page
  (``example-<name>.html``, ``example-<name>-instructor.html``) rendered from the executed
  notebooks in ``notebooks/`` with nbconvert — code shown, nothing fetched from a CDN (the lab
  template's require.js, MathJax and widget loaders are dropped; widget outputs fall back to their
  static HTML, whose views are switched by inline script);
- ``glossary.html`` gains every term of the method (:data:`fupan.dictionary.TERMS` and the result
  figures), a filter box, and for every entry links to the examples that use it;
- every page's navigation gains a link to the examples.

A site built from an installed wheel (no ``notebooks/`` beside the package) gets the glossary terms
and no example pages.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from ... import dictionary

#: the examples of the project (``<root>/notebooks``), when the package runs from its source tree
NOTEBOOKS = Path(__file__).resolve().parents[4] / "notebooks"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

_TEMPLATE = """{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{% block jupyter_widgets %}{% endblock jupyter_widgets %}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{% block extra_css %}<link rel="stylesheet" href="assets/font.css">
<style>html:root{--jp-content-font-family:FupanCJK,system-ui,sans-serif;
--jp-ui-font-family:FupanCJK,system-ui,sans-serif;--jp-code-font-family:"DejaVu Sans Mono",Menlo,Consolas,FupanCJK,monospace}
body{font-family:FupanCJK,system-ui,sans-serif;max-width:1100px;margin:0 auto}
pre,code,.jp-RenderedText pre,.jp-OutputArea-output pre{font-family:"DejaVu Sans Mono",Menlo,Consolas,FupanCJK,monospace !important}
.fp-ex-bar{padding:8px 12px;background:#f4efe6;border-bottom:1px solid #ddd;font-size:14px}
.fp-ex-bar a{margin-right:14px}button,input{font-family:inherit}.fp-x-btn[aria-pressed=true]{background:#c0392b;color:#fff}</style>
{% endblock extra_css %}
{%- block body_header -%}<body class="jp-Notebook" data-jp-theme-light="true" data-jp-theme-name="JupyterLab Light">
<!--FUPAN_EXAMPLE_BAR-->
<main>{%- endblock body_header -%}
{% block body_footer %}</main></body>{% endblock body_footer %}
"""


def examples(folder: Path = NOTEBOOKS) -> list[tuple[str, Path, Path | None]]:
    """(name, student copy, instructor copy or None) of every numbered example, in order."""
    if not folder.is_dir():
        return []
    out = []
    for student in sorted(folder.glob("[0-9][0-9]_*.ipynb")):
        instructor = folder / "instructor" / student.name
        out.append((student.stem, student, instructor if instructor.is_file() else None))
    return out


def _title(nb: Any) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return ""


def _static(nb: Any) -> Any:
    """Outputs without widget views (their static HTML stays) and no widget state."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data and WIDGET_VIEW in data:
                del data[WIDGET_VIEW]
    return nb


def render(path: Path, bar: str) -> tuple[str, str]:
    """(title, HTML page) of one executed notebook."""
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    nb = _static(nbformat.read(path, as_version=4))
    exporter = HTMLExporter(
        extra_loaders=[jinja2.DictLoader({"fupan_example.html.j2": _TEMPLATE})],
        template_file="fupan_example.html.j2",
    )
    title = _title(nb)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    body = re.sub(r'<script[^>]+src="https?://[^"]*"[^>]*>\s*</script>', "", body)
    return title, body.replace("<!--FUPAN_EXAMPLE_BAR-->", bar, 1)


def _bar(links: list[tuple[str, str]]) -> str:
    return (
        '<nav class="fp-ex-bar">'
        + "".join(f'<a href="{html.escape(href)}">{html.escape(text)}</a>' for href, text in links)
        + "</nav>"
    )


def _page_name(name: str, instructor: bool) -> str:
    return f"example-{name}{'-instructor' if instructor else ''}.html"


def _glossary_terms() -> list[tuple[str, str, str, str, str, str]]:
    """(key, zh, en, definition_zh, definition_en, kind) of every entry the dictionary defines."""
    out = []
    groups = (
        ("kpi", dictionary.KPI_DEFINITIONS),
        ("result", getattr(dictionary, "RESULT_DEFINITIONS", {})),
        ("term", getattr(dictionary, "TERMS", {})),
    )
    for kind, defs in groups:
        for d in defs.values():
            out.append((d.key, d.zh, d.en, d.definition_zh, d.definition_en, kind))
    return out


def _used_in(key: str, zh: str, texts: dict[str, tuple[str, str]]) -> list[tuple[str, str]]:
    """(page, title) of the examples whose source names the entry (its key or Chinese name)."""
    short = re.split(r"[（(]", zh)[0].strip()
    pattern = re.compile(rf"(?<![A-Za-z_]){re.escape(key)}(?![A-Za-z_])")
    return [
        (page, title)
        for page, (title, text) in texts.items()
        if pattern.search(text) or (len(short) >= 2 and short in text)
    ]


def _title_spans(title: str, fallback: str) -> str:
    """An example's "中文 · English" title as one span per language (either half may be missing)."""
    zh, _, en = (part.strip() for part in title.partition("·"))
    zh, en = zh or en or fallback, en or zh or fallback
    return (
        f'<span class="l-zh" lang="zh-CN">{html.escape(zh)}</span>'
        f'<span class="l-en" lang="en">{html.escape(en)}</span>'
    )


def _glossary_section(texts: dict[str, tuple[str, str]]) -> str:
    rows = []
    for key, zh, en, dzh, den, kind in _glossary_terms():
        used = _used_in(key, zh, texts)
        links = " ".join(f'<a href="{html.escape(p)}">{_title_spans(t, p)}</a>' for p, t in used)
        rows.append(
            f'<tr id="term-{html.escape(key)}" data-kind="{kind}"><th scope="row">'
            f'<span class="l-zh" lang="zh-CN">{html.escape(zh)}</span><span class="l-en" lang="en">{html.escape(en)}</span>'
            f"<br><small>{html.escape(zh)} · {html.escape(en)}</small></th>"
            f'<td><span class="l-zh" lang="zh-CN">{html.escape(dzh)}</span><span class="l-en" lang="en">{html.escape(den)}</span></td>'
            f"<td>{links or '—'}</td></tr>"
        )
    return (
        '<section class="fp-terms"><h2><span class="l-zh" lang="zh-CN">术语表（含示例链接）</span>'
        '<span class="l-en" lang="en">Glossary, with the examples that use each term</span></h2>'
        '<p><input type="search" id="fp-term-filter" placeholder="筛选术语 Filter terms" '
        "oninput=\"var q=this.value.toLowerCase();document.querySelectorAll('.fp-terms tbody tr')"
        '.forEach(function(r){r.hidden=q&&r.textContent.toLowerCase().indexOf(q)<0})"></p>'
        '<table class="glossary"><thead><tr>'
        '<th><span class="l-zh" lang="zh-CN">术语</span><span class="l-en" lang="en">Term</span></th>'
        '<th><span class="l-zh" lang="zh-CN">口径</span><span class="l-en" lang="en">Definition</span></th>'
        '<th><span class="l-zh" lang="zh-CN">示例</span><span class="l-en" lang="en">Used in</span></th>'
        "</tr></thead><tbody>" + "".join(rows) + "</tbody></table></section>"
    )


def _nav_link(page: str, current: bool = False) -> str:
    cls = "nav-link current" if current else "nav-link"
    return (
        f'<a class="{cls}" data-nav="examples" href="{page}"><span class="l-zh" lang="zh-CN">示例</span>'
        '<span class="l-en" lang="en">Examples</span></a>\n  </nav>'
    )


def site_pages(
    pages: dict[str, str], folder: Path = NOTEBOOKS, *, instructor: bool = False
) -> dict[str, str]:
    """The pages to add to (or replace in) the site: examples, the extended glossary, the nav.

    The instructor copies hold the exercises' answers, which the student copies' checks never
    show: they are published only with ``instructor`` (a teachers' site), not one click away on
    every reader's."""
    found = examples(folder)
    if not instructor:
        found = [(name, student, None) for name, student, _ in found]
    out: dict[str, str] = {}
    texts: dict[str, tuple[str, str]] = {}
    listing = []
    for name, student, instructor in found:
        links = [
            ("index.html", "知识库 Knowledge base"),
            ("examples.html", "示例 Examples"),
            ("glossary.html", "术语 Glossary"),
        ]
        variants = [(False, student)] + ([(True, instructor)] if instructor else [])
        titles = {}
        for is_instructor, path in variants:
            other = _page_name(name, not is_instructor)
            label = "学员版 Student copy" if is_instructor else "讲师版（含答案） Instructor copy"
            bar_links = [*links, (other, label)] if instructor else links
            title, page = render(path, _bar(bar_links))
            out[_page_name(name, is_instructor)] = page
            titles[is_instructor] = title
        source = student.read_text(encoding="utf-8")
        texts[_page_name(name, False)] = (titles[False], source)
        listing.append((name, titles[False], instructor is not None))
    glossary = pages.get("glossary.html")
    if glossary is not None:
        out["glossary.html"] = glossary.replace(
            "</main>", _glossary_section(texts) + "\n</main>", 1
        )
    if found:
        items = "".join(
            f'<li><a href="{_page_name(n, False)}">{html.escape(t or n)}</a>'
            + (f' · <a href="{_page_name(n, True)}">讲师版 instructor</a>' if has_instr else "")
            + "</li>"
            for n, t, has_instr in listing
        )
        base = pages.get("glossary.html", "<main></main>")
        head, tail = base.split("<main", 1)[0], base.split("</main>", 1)[1]
        head = head.replace(' aria-current="page"', "").replace("nav-link current", "nav-link")
        head = re.sub(  # its own title, not the glossary's it is cut from
            r"<title[^>]*>.*?</title>",
            '<title data-i18n-title-key="examples_title">示例与练习 · 复盘案例库</title>',
            head,
            count=1,
            flags=re.S,
        )
        out["examples.html"] = (
            head.replace('data-page="glossary"', 'data-page="examples"')
            + '<main class="page"><h1><span class="l-zh" lang="zh-CN">示例与练习</span>'
            '<span class="l-en" lang="en">Worked examples and exercises</span></h1>'
            "<p>按顺序阅读；学员版的练习可在 JupyterLab 中作答（make lab）。"
            " Read in order; answer the exercises of the student copies in JupyterLab (make lab).</p>"
            f'<ol class="fp-examples">{items}</ol></main>' + tail
        )
    for name in ("index.html", "compare.html", "lessons.html", "glossary.html", "examples.html"):
        page = out.get(name, pages.get(name))
        if page is not None and found and "</nav>" in page and 'data-nav="examples"' not in page:
            link = _nav_link("examples.html", current=name == "examples.html")
            out[name] = page.replace("\n  </nav>", "\n    " + link, 1)
    return out

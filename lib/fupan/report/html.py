"""HTML fragments: Jinja2 templates with autoescape, rendered in a report's :class:`~fupan.format.Style`.

Each section of the report is a template in ``fupan/report/fragments/`` (``<name>.html.j2``).
Every value put into a template is escaped — card fields, channels and SKUs render as text —
unless it is :class:`markupsafe.Markup`, the explicit mark of markup fupan wrote itself (a
rendered fragment, a ``<b>`` around a total). Sentences come from the catalogue
(:func:`fupan.i18n.t`) through the template global ``t``; the filters ``money``, ``value``,
``pct``, ``number`` and ``signed`` format numbers in the style of the rendering (``fmt`` applies a
format spec: ``x|fmt("+.1%")``).

:func:`environment` is reusable: any page that renders with a ``style`` in its context (the
knowledge-base site, for instance) can load its own templates next to these.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

import jinja2
from markupsafe import Markup

from ..format import Style, number, p_text, pct, signed
from ..i18n import t as translate


class Html:
    """A fragment Jupyter displays as HTML (``_repr_html_``) and tests can read as a string.

    ``__html__`` makes a fragment trusted markup inside another template.
    """

    def __init__(self, html: str):
        self.html = str(html)

    def _repr_html_(self) -> str:
        return self.html

    def __html__(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


#: What a section displays, in order: fragments and figures (empty when it has nothing to show).
Section = tuple[Any, ...]


@jinja2.pass_context
def _t(ctx: jinja2.runtime.Context, key: str, **fmt: object) -> str:
    return translate(key, ctx["style"].lang, **fmt)


@jinja2.pass_context
def _money(ctx: jinja2.runtime.Context, x: float | None, digits: int | None = None) -> str:
    return str(ctx["style"].money(x, digits))


@jinja2.pass_context
def _value(ctx: jinja2.runtime.Context, x: float | None, unit: str) -> str:
    return str(ctx["style"].value(x, unit))


def significance(p: float | None, lang: str, alpha: float = 0.05) -> Markup:
    """显著 / 不显著 with the p-value in its tooltip (plain words in the body, the statistic on hover)."""
    if p is None or p != p:
        return Markup("—")
    key = "significant" if p < alpha else "not_significant"
    return Markup('<span class="fp-sig" title="{}">{}</span>').format(
        p_text(p), translate(key, lang)
    )


@jinja2.pass_context
def _sig(ctx: jinja2.runtime.Context, p: float | None, alpha: float = 0.05) -> Markup:
    return significance(p, ctx["style"].lang, alpha)


@functools.cache
def environment(*extra: jinja2.BaseLoader) -> jinja2.Environment:
    """The Jinja2 environment of fupan's fragments (autoescape on, undefined names an error).

    ``extra`` loaders are searched first, so another package can add its own templates and use
    the same filters and globals. A template reads the report's :class:`~fupan.format.Style`
    from the variable ``style``.
    """
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader([*extra, jinja2.PackageLoader("fupan.report", "fragments")]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.do"],
    )
    env.globals["t"] = _t
    env.globals["sig"] = _sig
    env.filters.update(
        money=_money,
        value=_value,
        pct=pct,
        number=number,
        signed=signed,
        fmt=format,
        ptext=p_text,
    )
    return env


def compile_fragments() -> int:
    """Compile every fragment template ahead (the report's kernel does it as it starts, beside
    the validation): compiled at their first use they cost ~0.2 s of the report's last,
    one-core seconds (the charts and tables after the analyses). Returns how many."""
    env = environment()
    names = [n for n in env.list_templates() if n.endswith(".html.j2")]
    for name in names:
        env.get_template(name)
    return len(names)


def fragment(name: str, style: Style, **context: Any) -> Html:
    """Render ``fragments/<name>.html.j2`` with ``style`` and ``context``."""
    html = environment().get_template(f"{name}.html.j2").render(style=style, **context)
    return Html(html.strip())


def note(text: str) -> Html:
    """A note in place of a section's numbers (why it has none); ``text`` is escaped."""
    return Html(Markup('<div class="fp-skip">{}</div>').format(text))


def bold(text: object) -> Markup:
    """``<b>text</b>`` with ``text`` escaped: a table cell fupan emphasises."""
    return Markup("<b>{}</b>").format(text)


def table(
    header: list[Any], rows: Iterable[Iterable[Any]], style: Style, cls: str = "fp-table"
) -> Html:
    """A plain table: ``header`` and ``rows`` of cells, each escaped unless it is Markup."""
    return fragment("table", style, header=header, rows=[list(r) for r in rows], cls=cls)

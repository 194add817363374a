"""The benchmark against the case library as HTML: a :class:`~fupan.cases.compare.Benchmark` drawn
through the report's Jinja2 fragments (``fragments/benchmark.html.j2``) and catalogue
(:mod:`fupan.i18n.catalogue.benchmark`), in zh or en.

:func:`render_benchmark` gives one ``<section class="fp-bm">`` (scoped style inside) for 结果 of a
retrospective; :func:`benchmark_page` wraps it into one offline page (charts as inline SVG, the
CJK font embedded as a subset, no script, nothing fetched) that :func:`write_benchmark` writes
atomically (``fupan compare``). Operator text (names, lessons) is escaped by the templates.
"""

from __future__ import annotations

import html
import os
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from ... import __version__
from ... import format as fmt
from ...cases import benchmark_charts as charts
from ...cases.compare import FESTIVALS, Benchmark, CaseView, Neighbour, Position
from ...cases.kpis import METRIC_BY_KEY, METRICS, distinct_names, format_value
from ...cases.record import write_atomic
from ...cases.site.labels import CATEGORIES, PLATFORMS, label
from ...dictionary import DEFINITIONS_VERSION, KPI_DEFINITIONS
from ...format import Style
from ...i18n import pick, t
from ..html import fragment


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _name(table: dict, key: str, lang: str) -> str:
    return label(table, key)[0 if lang == "zh" else 1]


def _money(x: float | None, lang: str, currency: str) -> str:
    if x is None:
        return "—"
    return fmt.money(x, lang, digits=1, symbol=fmt.currency_symbol(currency))


def kpi_label(key: str, lang: str) -> str:
    d = METRIC_BY_KEY.get(key) or KPI_DEFINITIONS[key]
    return d.zh if lang == "zh" else d.en


def _join(items: list[str], lang: str) -> str:
    return ("、" if lang == "zh" else ", ").join(items)


def position_cell(p: Position, lang: str) -> str:
    if p.value is None:
        return t("bm_not_measured", lang)
    if p.n == 0 and p.other_currency:
        return t("bm_no_peer_same_currency", lang, n=p.other_currency)
    if p.n == 0:
        return t("bm_no_peer_value", lang)
    mix = "_mix" if METRIC_BY_KEY[p.key].mix else ""  # placed from low to high, not ranked
    if p.percentile is not None:
        pos = f"{p.percentile:.0f}" if lang == "zh" else _ordinal(round(p.percentile))
        return t(f"bm_pct{mix}", lang, pos=pos, n=p.n)
    if p.rank is None:
        return t("bm_no_peer_value", lang)
    r, of = p.rank
    return t(f"bm_rank{mix}", lang, pos=str(r) if lang == "zh" else _ordinal(r), of=of)


def _peer_statement(b: Benchmark, lang: str) -> str:
    a = b.subject.attributes
    plat, cat = _name(PLATFORMS, a.platform, lang), _name(CATEGORIES, a.category, lang)
    n = len(b.peer_ids)
    if b.peer_level == "platform_category":
        text = t("bm_peers_direct", lang, platform=plat, category=cat, n=n)
    else:
        level = t(f"bm_level_{b.peer_level}", lang, platform=plat, category=cat)
        n0 = b.peer_counts["platform_category"]
        text = t(
            "bm_peers_wider",
            lang,
            platform=plat,
            category=cat,
            n0=n0,
            min=b.min_peers,
            level=level,
            n=n,
        )
    if n < b.min_peers:
        text += " " + t("bm_peers_small", lang, min=b.min_peers)
    return text


def _versions(b: Benchmark, lang: str) -> list[str]:
    names = _join([kpi_label(m.key, lang) for m in METRICS], lang)
    out = [t("bm_twins", lang, ids=_join(list(b.twins), lang))] if b.twins else []
    for v in b.versions:
        if v.case_id == b.subject.case_id:
            head = t("bm_version_own", lang, v=v.version, cur=DEFINITIONS_VERSION)
        else:
            cur = b.subject.definitions_version
            head = t("bm_version_other", lang, id=v.case_id, v=v.version, cur=cur)
        if v.differing is None:
            tail = t("bm_version_unknown", lang, kpis=names)
        else:
            tail = t(
                "bm_version_known",
                lang,
                kpis=_join([kpi_label(k, lang) for k in v.differing], lang),
            )
        out.append(f"{head} {tail}")
    return out


def _positions(b: Benchmark, lang: str, share_safe: bool) -> list[dict[str, Any]]:
    cur, rows = b.subject.currency, []
    for p in b.positions:
        m = METRIC_BY_KEY[p.key]
        if share_safe and m.unit == "money":
            continue

        def f(v: float, unit: str = m.unit) -> str:
            return format_value(v, unit, lang, cur)

        q = p.quartiles
        rows.append(
            {
                "name": kpi_label(p.key, lang),
                "definition": m.definition_zh if lang == "zh" else m.definition_en,
                "lower_better": not m.higher_is_better and not m.mix,
                "mix": m.mix,
                "same_currency": p.same_currency_only,
                "value": f(p.value) if p.value is not None else "—",
                "median": f"{f(q[1])} [{f(q[0])}–{f(q[2])}]" if q else "—",
                "position": position_cell(p, lang),
                "z": f"{p.z:+.2f}" if p.z is not None else "—",
                "svg": Markup(charts.strip(p.peers, p.value, q, f, kpi_label(p.key, lang))),
            }
        )
    return rows


def _scale(b: Benchmark, lang: str, share_safe: bool) -> Markup:
    s = b.subject
    rows = [] if share_safe else [(t("bm_scale_gmv", lang), b.scale_peers["gmv"], s.gmv)]
    rows.append((t("bm_scale_uv", lang), b.scale_peers["uv"], s.uv))

    def f(v: float) -> str:
        return fmt.money(v, lang, digits=0, symbol="") if v >= 1e4 else f"{v:,.0f}"

    return Markup(charts.log_strip(rows, f, t("bm_h_scale", lang)))


def _bullets(b: Benchmark, lang: str) -> list[dict[str, Any]]:
    out = []
    for bl in b.bullets:
        d = KPI_DEFINITIONS[bl.kpi]
        name = d.zh if lang == "zh" else d.en
        achievement = bl.mode == "achievement"
        title = t("bm_achievement_of", lang, kpi=name) if achievement else name

        def f(v: float, unit: str = d.unit, achievement: bool = achievement) -> str:
            if achievement:
                return fmt.pct(v, 0)
            return format_value(v, unit, lang, b.subject.currency)

        q = "/".join(f(v) for v in bl.quartiles) if bl.quartiles else "—"
        actual = f(bl.actual) if bl.actual is not None else "—"
        out.append(
            {
                "title": title,
                "svg": Markup(charts.bullet(bl.actual, bl.plan, bl.quartiles, f, title)),
                "line": t("bm_bullet_line", lang, a=actual, p=f(bl.plan), q=q, n=bl.n),
                # a value bullet's peers are those that measured the KPI, not set a target
                "few": None
                if bl.quartiles
                else t(
                    "bm_bullet_few" if bl.mode == "achievement" else "bm_bullet_few_value",
                    lang,
                    n=bl.n,
                ),
            }
        )
    return out


def _href(report: Path | None, link_from: Path) -> str | None:
    if report is None:
        return None
    return Path(os.path.relpath(report.resolve(), link_from.resolve())).as_posix()


def _case_row(
    c: CaseView, sim: str, lang: str, link_from: Path, share_safe: bool, subject: bool = False
) -> dict[str, Any]:
    a, v = c.attributes, c.values
    cells = [
        sim,
        _name(PLATFORMS, a.platform, lang),
        _name(CATEGORIES, a.category, lang),
        _name(FESTIVALS, a.festival, lang),
        f"{a.duration_days:.0f}" if a.duration_days else "—",
        fmt.pct(a.discount_depth, 1) if a.discount_depth is not None else "—",
    ]
    if not share_safe:
        budget = 10**a.log_budget if a.log_budget is not None else None
        cells += [_money(budget, lang, c.currency), _money(c.gmv, lang, c.currency)]
    cells += [
        format_value(v["gmv_achievement"], "ratio", lang),
        format_value(v["gmv_index"], "index", lang),
        format_value(v["burst_multiple"], "multiple", lang),
        format_value(v["roas"], "multiple", lang),
    ]
    return {
        "case": c,
        "subject": subject,
        "href": None if subject else _href(c.report, link_from),
        "old_version": c.definitions_version != DEFINITIONS_VERSION,
        "cells": cells,
    }


def _similarity(n: Neighbour, lang: str) -> str:
    """The similarity, with the attributes it rests on when some were unknown for either case."""
    text = f"{n.similarity:.3f}"
    if 0 < n.compared < n.attributes:
        text += t("bm_sim_partial", lang, k=n.compared, n=n.attributes)
    return text


def _nearest(b: Benchmark, lang: str, link_from: Path, share_safe: bool) -> dict[str, Any]:
    keys = ["col_sim", "col_platform", "col_category", "col_festival", "col_days", "col_discount"]
    head = [t("bm_col_case", lang)] + [t(f"bm_{k}", lang) for k in keys]
    head += [] if share_safe else [t("bm_col_budget", lang), t("bm_col_gmv", lang)]
    head += [kpi_label(k, lang) for k in ("gmv_achievement", "gmv_index", "burst_multiple", "roas")]
    rows = [_case_row(b.subject, "—", lang, link_from, share_safe, subject=True)]
    rows += [
        _case_row(n.case, _similarity(n, lang), lang, link_from, share_safe) for n in b.nearest
    ]
    return {"head": head, "rows": rows}


def _daily(b: Benchmark, lang: str) -> dict[str, Any]:
    series = [(t("bm_this_case", lang), b.subject.daily, True)] if b.subject.daily else []
    names = _names(b)
    series += [(names[n.case.case_id], n.case.daily, False) for n in b.nearest if n.case.daily]
    missing = ([b.subject.case_id] if not b.subject.daily else []) + [
        n.case.case_id for n in b.nearest if not n.case.daily
    ]
    days = [d for _, s, _ in series for d, _ in s]
    svg = None
    if days:
        x_range = (max(min(days), -28), min(max(days), 35))
        title = t("bm_h_daily", lang)
        svg = Markup(
            charts.overlay(series, x_range, t("bm_day0", lang), t("bm_y_index", lang), title)
        )
    return {"svg": svg, "missing": ", ".join(missing)}


def _names(b: Benchmark) -> dict[str, str]:
    """The nearest cases' names, each followed by its id when two share a name."""
    return distinct_names((n.case.case_id, n.case.name) for n in b.nearest)


def _risks(b: Benchmark, lang: str) -> list[dict[str, Any]]:
    names = _names(b)
    return [
        {
            "theme": t("bm_risk_" + r.theme, lang),
            "evidence": [
                {
                    "source": t("bm_src_" + e.source, lang),
                    "text": pick(e.text, lang),
                    "cases": ("、" if lang == "zh" else "; ").join(
                        names.get(i, i) for i in e.cases
                    ),
                }
                for e in r.evidence
            ],
        }
        for r in b.risks
    ]


def render_benchmark(
    b: Benchmark,
    lang: str = "zh",
    *,
    link_from: Path | str = ".",
    share_safe: bool = False,
    heading: bool = True,
) -> str:
    """The benchmark as one HTML ``<section class="fp-bm">`` (scoped style inside).

    ``link_from``: the folder the page will live in (links to the cases' reports are relative to
    it). ``share_safe``: leave out amounts of money (GMV, budget, GMV per UV). ``heading``: the
    title and facts block of a page of its own; without it (inside a report, under the report's
    own heading) the parts are headed one level lower.
    """
    style = Style(lang=lang)
    s, a = b.subject, b.subject.attributes
    facts = t(
        "bm_facts",
        lang,
        id=s.case_id,
        platform=_name(PLATFORMS, a.platform, lang),
        category=_name(CATEGORIES, a.category, lang),
        festival=_name(FESTIVALS, a.festival, lang),
        days=f"{a.duration_days:.0f}" if a.duration_days else "—",
        version=s.definitions_version,
    )
    full = b.library_size > 0
    return fragment(
        "benchmark",
        style,
        b=b,
        heading=heading,
        h="h2" if heading else "h3",
        facts=facts,
        peers=_peer_statement(b, lang) if full else None,
        versions=_versions(b, lang),
        positions=_positions(b, lang, share_safe) if full else [],
        scale=_scale(b, lang, share_safe) if full else None,
        bullets=_bullets(b, lang) if full else [],
        nearest=_nearest(b, lang, Path(link_from), share_safe) if full else None,
        daily=_daily(b, lang) if full else None,
        risks=_risks(b, lang) if full else [],
        html_lang="zh-CN" if lang == "zh" else "en",
    ).html


def benchmark_page(
    b: Benchmark, lang: str = "zh", *, link_from: Path | str = ".", reproduce: str = ""
) -> str:
    """One self-contained HTML page: the fragment, a footer, and the CJK font subset it needs."""
    from ...fonts import embedded_font_css

    body = render_benchmark(b, lang, link_from=link_from)
    footer = t(
        "bm_footer", lang, v=__version__, d=DEFINITIONS_VERSION, cmd=reproduce or "fupan compare"
    )
    title = t("bm_title", lang, name=b.subject.name)
    visible = html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", body, flags=re.S))
    font = embedded_font_css(visible + footer + title + "0123456789.,%×—–+−·", family="FupanCJK")
    return (
        fragment(
            "benchmark_page",
            Style(lang=lang),
            body=Markup(body),
            font=Markup(font),
            footer=footer,
            title=title,
            html_lang="zh-CN" if lang == "zh" else "en",
        ).html
        + "\n"
    )


def write_benchmark(
    b: Benchmark, out_root: Path | str, lang: str = "zh", *, reproduce: str = ""
) -> Path:
    """Write ``<out_root>/<case id>/benchmark.html`` atomically (beside the case's report.html)."""
    folder = Path(out_root) / b.subject.case_id
    path = folder / "benchmark.html"
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(path, benchmark_page(b, lang, link_from=folder, reproduce=reproduce))
    return path

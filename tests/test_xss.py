"""Operator text and data values are shown as text, never run as markup (DESIGN "Safe to share").

The corpus below is put into every free-text field of the campaign card (name — the page <title>
and the navigation —, background, open actions, mechanics, budget channels, hypothesis ids and
texts, lessons, action items and owners), into the data values that reach the page (order
channels → anomalous days, event channels → funnel by channel, SKUs → stock-outs, findings) and
into the folder and table file names (→ the footer's reproduce line and file hashes).

* Fast, everywhere: the render fragments and :func:`fupan.report.run.export_html` are fed the corpus
  directly and the HTML is checked in pure Python (:mod:`html.parser`).
* ``slow``: the same campaign runs through the real ``fupan run`` twice — in Chinese with the whole
  corpus in every scalar field, and in English with one payload per field, a payload-named folder
  and a payload-named orders file. Each report.html is checked in pure Python and then loaded in
  headless Chromium with scripts enabled and virtual time to run them (skipped, with the reason,
  when Chromium is not installed).

Detection: every payload's element carries the attribute ``data-xss`` and every script in it sets
``document.title`` to ``PWNED``. The checks are that no element outside fupan's own vocabulary, no
``data-xss`` attribute, no event handler but the code toggle's, no ``javascript:`` or external URL
exists — in the served HTML and in the DOM after Chromium ran it —, that the title is still the
card's name, and that every payload is on the page as visible text, character for character.
Positive controls show that the same checks flag the payloads when they are inserted unescaped.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from conftest import TINY_CARD, run_cli, write_campaign
from fupan.analysis.results import Finding, FunnelByChannel, ShareAlerts
from fupan.errors import Problem
from fupan.format import Style
from fupan.ingest.card import CampaignCard
from fupan.report import render
from fupan.report.run import export_html, footer_html

JS = "document.title='PWNED'"

#: The corpus. Each would run ``JS`` or create an element carrying ``data-xss`` if it reached the
#: page unescaped (or unescaped twice, or rendered as markdown, or through a template engine).
PAYLOADS: list[str] = [
    f"<script data-xss>{JS}</script>",
    f'<img data-xss src=x onerror="{JS}">',
    f'<svg data-xss onload="{JS}"></svg>',
    f"<svg><script data-xss>{JS}</script></svg>",
    f"[x](javascript:{JS})",  # markdown link
    f'![x](x" data-xss onerror="{JS})',  # markdown image breaking out of its src
    f'"><script data-xss>{JS}</script>',  # double-quoted attribute breakout
    f"'><img data-xss src=x onerror={JS}>",  # single-quoted attribute breakout
    f"</style><script data-xss>{JS}</script>",
    f"</title><script data-xss>{JS}</script>",
    f"</textarea></pre></code></td></table><script data-xss>{JS}</script>",
    f'<iframe data-xss srcdoc="<script>parent.{JS}</script>"></iframe>',
    f'<details data-xss open ontoggle="{JS}">x</details>',
    f'<div data-xss style="width:expression({JS})">css expression</div>',
    f'<style data-xss>*{{background:url("javascript:{JS}")}}</style>',
    f"&lt;script data-xss&gt;{JS}&lt;/script&gt;",  # pre-escaped: harmful only if unescaped twice
    f"&#60;img data-xss src=x onerror={JS}&#62;",  # numeric entities
    f'<a data-xss href="javascript:{JS}">click</a>',
    f'<a data-xss href="&#106;avascript:{JS}">entity-obfuscated scheme</a>',
    '<a data-xss href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data URL</a>',
    f'<body data-xss onload="{JS}">',
    f'<input data-xss autofocus onfocus="{JS}">',
    f'<object data-xss data="javascript:{JS}"></object>',
    f'<embed data-xss src="javascript:{JS}">',
    '<base data-xss href="https://evil.example/">',
    f'<meta data-xss http-equiv="refresh" content="0;url=javascript:{JS}">',
    '<link data-xss rel="stylesheet" href="https://evil.example/x.css">',
    f"--><script data-xss>{JS}</script><!--",  # comment breakout
    f"<scr<script data-xss>ipt>{JS}</scr</script>ipt>",  # split tag
    f"<ScRiPt data-xss>{JS}</sCrIpT>",  # mixed case
    f'<math><mtext><table><mglyph><style><img data-xss src=x onerror="{JS}">',  # mutation XSS
    f'<noscript><p title="</noscript><img data-xss src=x onerror={JS}>">',
    f'<video data-xss><source onerror="{JS}"></video>',
    f'<form data-xss action="javascript:{JS}"><button>go</button></form>',
    "<img data-xss src=x onerror=&#100;ocument.title='PWNED'>",
    f"javascript:{JS}",  # bare URL (autolinking)
    "{{7*7}} {% if 1 %}jinja{% endif %} <%= 7*7 %> ${7*7}",  # template injection
    "/*FUPAN_CSS*/ /*FUPAN_FONT*/ <!--FUPAN_HEADER--> <!--FUPAN_FOOTER-->",  # fupan's own slots
]
#: Payloads that are inert text even when inserted raw; the visible-text check guards them.
TEXT_ONLY = {4, 5, 15, 16, 35, 36, 37}

#: Data values go through CSV, DuckDB, pandas and matplotlib too (no "$": matplotlib mathtext).
DATA_PAYLOADS = [PAYLOADS[i] for i in (0, 1, 6, 7, 9, 12, 15, 17, 20, 27)]

# ----------------------------------------------------------------------------- the checks
TOGGLE = ("button", "onclick", "document.body.classList.toggle('fp-show-code')")
#: Every element fupan and the nbconvert lab template put on the page.
ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "nav",
    "main",
    "footer",
    "div",
    "span",
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "ul",
    "ol",
    "li",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "b",
    "br",
    "a",
    "pre",
    "code",
    "img",
    "button",
    "details",
    "summary",
}
ALLOWED_ATTRS = {
    "class",
    "id",
    "href",
    "src",
    "alt",
    "title",
    "tabindex",
    "type",
    "lang",
    "charset",
    "name",
    "content",
    "data-mime-type",
    "data-type",
    "data-jp-theme-light",
    "data-jp-theme-name",
    "onclick",
}


class Page(HTMLParser):
    """The elements, the <title>, the navigation title and the visible text of an HTML page."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self.title = self.nav_title = ""
        self._text: list[str] = []
        self._in: str | None = None
        self.feed(html)
        self.close()
        self.text = "".join(self._text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.elements.append((tag, a))
        if tag in ("title", "style", "script"):
            self._in = tag
            if tag == "style":
                self.styles.append("")
        elif "fp-title" in (a.get("class") or "").split():
            self._in = "nav"

    def handle_endtag(self, tag):
        if tag in ("title", "style", "script", "div"):
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "style":
            self.styles[-1] += data
        elif self._in != "script":
            if self._in == "nav":
                self.nav_title += data
            self._text.append(data)


def injected(html: str) -> list[str]:
    """What on ``html`` is not fupan's own: foreign elements, attributes, handlers, URLs."""
    bad = []
    for tag, attrs in Page(html).elements:
        if tag not in ALLOWED_TAGS:
            bad.append(f"element <{tag}> {attrs}")
        for k, v in attrs.items():
            v = v or ""
            if k not in ALLOWED_ATTRS:
                bad.append(f"attribute {k}={v!r} on <{tag}>")
            if k.startswith("on") and (tag, k, v) != TOGGLE:
                bad.append(f"event handler {k}={v!r} on <{tag}>")
            if k == "href" and not v.startswith("#"):
                bad.append(f"link to {v!r}")
            if k == "src" and not v.startswith("data:image/png;base64,"):
                bad.append(f"<{tag} src={v!r}>")
        if tag == "meta" and not ({"charset"} == set(attrs) or attrs.get("name") == "viewport"):
            bad.append(f"<meta {attrs}>")
        if tag == "details" and attrs.get("class") != "fp-defs":
            bad.append(f"<details {attrs}>")
        if tag == "style" and attrs not in ({}, {"type": "text/css"}):
            bad.append(f"<style {attrs}>")
    return bad


def check_page(html: str, title: str, expected_text: list[str]) -> None:
    """Nothing injected, the title intact, every payload visible verbatim, fupan's styles in place."""
    assert not injected(html), injected(html)[:10]
    page = Page(html)
    assert page.title == title
    assert page.nav_title == title
    missing = [p for p in expected_text if p not in page.text]
    assert not missing, missing
    styles = "\n".join(page.styles)
    assert "/*FUPAN_" not in styles, "a style slot was not filled"
    assert styles.count("@font-face") == 1 and "nav.fp-toc" in styles
    assert "PWNED" not in styles and "evil.example" not in styles and "expression(" not in styles


def sections(html: str) -> dict[str, str]:
    """Visible text of each h1/h2 section (up to the next one), keyed by its anchor id."""
    parts = re.split(r'<h[12] id="([^"]+)"', html)
    return {hid: Page("<p" + part).text for hid, part in zip(parts[1::2], parts[2::2], strict=True)}


def section(html: str, english: str) -> str:
    """The one section whose anchor id ends with ``english``, e.g. ``"Funnel"``."""
    (text,) = [v for k, v in sections(html).items() if k.endswith(english)]
    return text


# ----------------------------------------------------------------------------- the campaign
CARD_WINDOWS = {
    "baseline": ["2025-01-01", "2025-01-08"],
    "burst": ["2025-01-09", "2025-01-11"],
    "dip": ["2025-01-12", "2025-01-14"],
}
DAYS = [f"{d:%Y-%m-%d}" for d in pd.date_range("2025-01-01", "2025-01-14")]
CHANNELS, SKUS = DATA_PAYLOADS[:4], DATA_PAYLOADS[4:]
OUT_OF_STOCK = SKUS[::2]  # from the first burst day on
ORDERS_FILE = PAYLOADS[1] + ".csv"  # the rotated campaign's orders file: a name with <, ", ', =


def payload_card(name: str, scalar: Callable[[int], str], orders_file: str = "orders.csv") -> dict:
    """A campaign card with a payload in every free-text field; ``scalar(i)`` fills the i-th scalar."""
    n = len(PAYLOADS)
    return {
        **{k: v for k, v in TINY_CARD.items() if k != "strategy"},
        "name": name,
        "category": scalar(0),
        "windows": CARD_WINDOWS,
        "background": {
            "market": scalar(1),
            "competition": scalar(2),
            "team": scalar(3),
            "product": scalar(4),
            "open_actions": PAYLOADS,
        },
        "strategy": {
            "targets": {"gmv": 5000.0, "roas": 2.0},
            "budget": {c: float(100 + i) for i, c in enumerate(CHANNELS)},
            "mechanics": PAYLOADS,
            "hypotheses": [
                {
                    "id": p,
                    "text": PAYLOADS[(i + 1) % n],
                    "kpi": "cr_index",
                    "op": ">=",
                    "value": 100,
                    "window": "burst",
                }
                for i, p in enumerate(PAYLOADS)
            ],
        },
        "retrospective": {
            "went_well": PAYLOADS,
            "to_improve": PAYLOADS[::-1],
            "actions": [
                {"what": p, "owner": PAYLOADS[(i + 5) % n], "due": "2025-02-01"}
                for i, p in enumerate(PAYLOADS)
            ],
        },
        "tables": {
            "orders": orders_file,
            "events": "events.csv",
            "spend": "spend.csv",
            "inventory": "inventory.csv",
        },
    }


def all_in_every_field() -> tuple[str, Callable[[int], str]]:
    everything = "\n".join(PAYLOADS)
    return "测试 " + PAYLOADS[0] + PAYLOADS[-1], lambda i: everything


def one_per_field() -> tuple[str, Callable[[int], str]]:
    return PAYLOADS[9], lambda i: PAYLOADS[(i * 7 + 3) % len(PAYLOADS)]


def build_campaign(
    folder: Path, name: str, scalar: Callable[[int], str], orders_file: str = "orders.csv"
) -> Path:
    """A small campaign carrying the corpus in its card and in its data.

    Four order channels named by payloads sell every day; on 01-04 one of them collapses, so the
    anomalous-days table lists payload channels. Every other SKU is out of stock in the burst, so
    the stock-out table lists payload SKUs; event channels are the order channels (funnel table).
    """
    orders, events, spend, stock = [], [], [], []
    for di, day in enumerate(DAYS):
        burst = CARD_WINDOWS["burst"][0] <= day <= CARD_WINDOWS["burst"][1]
        for j, channel in enumerate(CHANNELS):
            amount = (100.0 + 7 * ((di * 3 + j) % 5)) * (3 if burst else 1)
            if day == "2025-01-04" and j == 1:
                amount = 2.0
            user = f"u{(di * 4 + j) % 23}"
            t = pd.Timestamp(day) + pd.Timedelta(hours=9 + j)
            orders.append(
                (
                    f"o{di}-{j}",
                    user,
                    f"{t:%Y-%m-%d %H:%M:%S}",
                    amount,
                    channel,
                    "paid",
                    0.0,
                    SKUS[(di + j) % len(SKUS)],
                )
            )
            for k, u in enumerate((user, f"v{di}-{j}")):
                events.append(
                    (u, f"{t - pd.Timedelta(minutes=5 + k):%Y-%m-%d %H:%M:%S}", "visit", channel)
                )
            spend.append((day, channel, 20.0 + j))
        stock += [(day, sku, 0 if burst and sku in OUT_OF_STOCK else 50) for sku in SKUS]
    write_campaign(
        folder,
        payload_card(name, scalar, orders_file),
        orders=[o[:7] for o in orders],
        events=events,
        spend=spend,
    )
    frame = pd.read_csv(folder / "orders.csv", keep_default_na=False)
    (folder / "orders.csv").unlink()
    frame.assign(sku=[o[7] for o in orders]).to_csv(folder / orders_file, index=False)
    pd.DataFrame(stock, columns=["date", "sku", "on_hand"]).to_csv(
        folder / "inventory.csv", index=False
    )
    return folder


# ----------------------------------------------------------------------------- fast: no kernel
def _fragments(card: CampaignCard, lang: str) -> list[render.Html]:
    hyps = pd.DataFrame(
        [
            {
                "id": h.id,
                "text": h.text,
                "kpi": h.kpi,
                "window": h.window,
                "op": h.op,
                "value": h.value,
                "actual": 90.0,
                "status": "missed",
            }
            for h in card.strategy.hypotheses
        ]
    )
    alerts = pd.DataFrame(
        [
            {
                "date": pd.Timestamp("2025-01-04"),
                "phase": "baseline",
                "channel": c,
                "actual": 2.0,
                "expected": 85.0,
                "rel_dev": -0.97,
                "score": -16.6,
            }
            for c in PAYLOADS
        ]
    )
    funnel = pd.DataFrame(
        [
            {
                "channel": c,
                "visit": 10,
                "view": 8,
                "cart": 4,
                "order": 2,
                "pay": 2,
                "overall": 0.2,
                "from_step": "view",
                "to_step": "cart",
                "conversion": 0.5,
            }
            for c in PAYLOADS
        ]
    ).set_index("channel")
    findings = tuple(
        Finding(kind=kind, zh=p, en=p, weight=1.0, metric=p)
        for kind in ("win", "miss", "note")
        for p in PAYLOADS
    )
    problems = [Problem("x", p, p, p, column=p, severity="warning") for p in PAYLOADS[:5]]
    style = Style(lang)
    return [
        render.background(card, style),
        render.strategy(card, style),
        render.hypotheses_table(hyps, style),
        render.alerts(ShareAlerts(alerts), style, top=len(PAYLOADS)),
        render.funnel_channels(FunnelByChannel(funnel), style),
        render.findings(findings, style, top=len(PAYLOADS)),
        render.lessons(card, style),
        render.warnings(problems, style),
        *[render.note(p) for p in PAYLOADS],
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fragments_and_html_export_show_every_payload_as_text(lang):
    name, scalar = all_in_every_field()
    card = CampaignCard.model_validate(payload_card(name, scalar))
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 背景 Background")]
    for fragment in _fragments(card, lang):
        cell = nbformat.v4.new_code_cell("display(fragment)")
        cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": str(fragment)})]
        nb.cells.append(cell)
    record = {
        "data": {"files": {p: "0" * 64 for p in PAYLOADS[:8]}},
        "reproduce": "fupan run " + " ".join(PAYLOADS),
        "library_version": PAYLOADS[2],
        "definitions_version": PAYLOADS[3],
        "content_sha256": "f" * 64,
    }
    html = export_html(nb, card.name, lang, footer_html(record, lang))
    check_page(html, name, PAYLOADS)


def test_the_checks_flag_every_payload_inserted_unescaped():
    """Positive control: the same checks on a page where the payloads were not escaped."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# 背景 Background")]
    clean = export_html(nb, "ok", "zh", "footer")
    check_page(clean, "ok", [])
    for i, payload in enumerate(PAYLOADS):
        page = clean.replace("<main>", "<main>" + payload, 1)
        assert payload in Page(clean.replace("<main>", "<main>" + escape(payload), 1)).text
        if i not in TEXT_ONLY:
            assert injected(page), payload
        elif "&" in payload or "<!--" in payload:
            # entities decoded once too often, or a comment swallowed: not shown as written
            assert payload not in Page(page).text, payload


# ----------------------------------------------------------------------------- slow: the real CLI
@dataclass(frozen=True)
class Run:
    html: str
    name: str
    folder: Path
    minutes: str = ""


def _run(root: Path, lang: str, layout: Callable, folder_name: str, orders_file: str) -> Run:
    name, scalar = layout()
    folder = build_campaign(root / folder_name, name, scalar, orders_file)
    proc = run_cli("run", str(folder), "--out", str(root / "out"), "--lang", lang, "--quiet")
    assert proc.returncode == 0, proc.stderr[-3000:]
    case = root / "out" / TINY_CARD["id"]
    return Run(
        (case / "report.html").read_text(encoding="utf-8"),
        name,
        folder,
        (case / "minutes.md").read_text(encoding="utf-8"),
    )


@pytest.fixture(scope="module")
def zh_run(tmp_path_factory) -> Run:
    """Chinese report; every scalar card field holds the whole corpus."""
    return _run(tmp_path_factory.mktemp("zh"), "zh", all_in_every_field, "campaign", "orders.csv")


@pytest.fixture(scope="module")
def en_run(tmp_path_factory) -> Run:
    """English report; one payload per scalar field, payload-named folder and orders file."""
    return _run(tmp_path_factory.mktemp("en"), "en", one_per_field, PAYLOADS[7], ORDERS_FILE)


@pytest.fixture(params=["zh_run", "en_run"])
def report(request) -> Run:
    return request.getfixturevalue(request.param)


@pytest.mark.slow
def test_report_shows_every_payload_as_text_and_nothing_else(report):
    check_page(report.html, report.name, PAYLOADS)


#: what Markdown of the minutes may become: headings, paragraphs, lists, tables, emphasis
MINUTES_TAGS = {"h1", "h2", "p", "blockquote", "ul", "ol", "li", "strong", "em"}
MINUTES_TAGS |= {"table", "thead", "tbody", "tr", "th", "td", "br"}


@pytest.mark.slow
def test_minutes_show_every_payload_as_text_in_a_markdown_renderer(report):
    """minutes.md through mistune — which lets raw HTML through, as a wiki or chat may — makes no
    element, attribute or link of a payload, and shows every one verbatim (whitespace aside)."""
    import mistune

    # the last line is fupan's own, after a rule: versions and the case hash (in code), no
    # card or data text — checked as such, then the rest rendered
    body, rule, footer = report.minutes.rpartition("\n---\n")
    assert rule and re.fullmatch(
        r"\s*[^<>`]*fupan [\w.+-]+ · 口径 definitions v[\w.-]+ · case `[0-9a-f]{16}`\s*", footer
    ), footer
    rendered = mistune.html(body)
    page = Page(rendered)
    foreign = [(tag, a) for tag, a in page.elements if tag not in MINUTES_TAGS or a]
    assert not foreign, foreign[:10]
    text = " ".join(page.text.split())
    in_minutes = [p for p in PAYLOADS if " ".join(p.split()) in text]
    assert len(in_minutes) == len(PAYLOADS), sorted(set(PAYLOADS) - set(in_minutes))[:5]


@pytest.mark.slow
def test_payload_data_values_reach_their_tables_as_text(report):
    assert all(c in section(report.html, "Funnel") for c in CHANNELS)
    assert CHANNELS[1] in section(report.html, "Anomalous-days")
    assert any(c in section(report.html, "Root-cause") for c in CHANNELS)
    assert all(s in section(report.html, "Stock-outs") for s in OUT_OF_STOCK)


@pytest.mark.slow
def test_footer_shows_folder_and_file_names_as_text(en_run):
    footer = Page(en_run.html[en_run.html.index('<footer class="fp-footer">') :]).text
    assert shlex.quote(str(en_run.folder)) in footer  # the reproduce line, shell-quoted
    assert f"{ORDERS_FILE} " in footer  # the data file hashes


# ----------------------------------------------------------------------------- slow: in a browser
def dump_dom(page: Path, profile: Path) -> str:
    """The DOM of ``page`` after headless Chromium ran its scripts for 2 s of virtual time."""
    chromium = (
        shutil.which("chromium")
        or shutil.which("chromium-browser")
        or shutil.which("google-chrome")
    )
    if chromium is None:
        pytest.skip(
            "Chromium is not installed (Debian: apt-get install chromium); the browser check needs it"
        )
    proc = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=2000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0 and "</html>" in proc.stdout, proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.slow
def test_no_payload_runs_in_a_browser(report, tmp_path):
    page = tmp_path / "report.html"
    page.write_text(report.html, encoding="utf-8")
    dom = dump_dom(page, tmp_path / "profile")
    assert Page(dom).title == report.name  # every payload's script would have set it to PWNED
    assert not injected(dom), injected(dom)[:10]
    assert all(p in Page(dom).text for p in PAYLOADS)


@pytest.mark.slow
def test_the_browser_check_catches_an_unescaped_payload(zh_run, tmp_path):
    """Positive control: the same page with two payloads inserted raw does run them."""
    page = tmp_path / "report.html"
    page.write_text(
        zh_run.html.replace("<main>", "<main>" + PAYLOADS[0] + PAYLOADS[1], 1), encoding="utf-8"
    )
    dom = dump_dom(page, tmp_path / "profile")
    assert Page(dom).title == "PWNED"
    assert injected(dom)

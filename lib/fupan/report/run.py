"""Running a retrospective: papermill executes the template, nbconvert renders one HTML file.

Both run in this one Python process (a separate ``jupyter nbconvert`` costs 1.3–1.7 s more), the
kernel (:mod:`.kernel`: started early by ``fupan run``, on private IPC sockets) is shut down
immediately (papermill otherwise stalls ~3 s at shutdown about one run in six),
and the HTML is post-processed to be fully self-contained: no external script, style or font, the
CJK font embedded as a subset, a table of contents and a show/hide-code toggle.
"""

from __future__ import annotations

import contextlib
import copy
import html
import json
import re
import threading
import time
from contextlib import nullcontext
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat

from .. import __version__
from ..cases import MIME, write_atomic, write_record
from ..cases.context import library_fingerprint
from ..cases.record import run_mark
from ..config import TEMPLATE
from ..dictionary import DEFINITIONS_VERSION
from ..errors import NotebookExecutionError
from ..heap import settle_command
from ..i18n import t
from ..ingest.readers import file_sha256
from ..ingest.validate import Campaign, save_prepared
from ..slots import switch
from .sections.minutes import MIME as MINUTES_MIME

#: The packaged report template (:data:`fupan.config.TEMPLATE`).
DEFAULT_TEMPLATE = TEMPLATE


@dataclass(frozen=True)
class RunResult:
    notebook: Path | None  # None for a share-safe run (see :func:`run`)
    html: Path
    case: Path | None
    seconds: float
    #: the review meeting's minutes (minutes.md), when the template displayed them
    minutes: Path | None = None


def section_of(nb: nbformat.NotebookNode, cell_index: int) -> str:
    """Title of the top-level (``# ``) section that contains cell ``cell_index``."""
    for cell in reversed(nb.cells[: cell_index + 1]):
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return "(start)"


def execute(
    template: Path,
    output: Path,
    parameters: dict,
    cwd: Path,
    progress: bool = True,
    kernel: Any = None,
) -> nbformat.NotebookNode:
    """Execute ``template`` with ``parameters`` into ``output``; raise NotebookExecutionError on a
    failing cell. ``kernel``: a running kernel's manager (:func:`fupan.report.kernel.warm_kernel`,
    started in ``cwd``; its owner stops it), else one is started here and stopped at the end."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    from .kernel import stop_now, warm_kernel
    from .paced import NAME as PACED

    try:
        with warm_kernel(cwd) if kernel is None else nullcontext(kernel) as km:
            papermill.execute_notebook(
                str(template),
                str(output),
                parameters=parameters,
                kernel_name="python3",
                # papermill's own engine, asking for a batch's slot before each code cell
                engine_name=PACED,
                cwd=str(cwd),
                progress_bar=progress,
                log_output=False,
                # papermill otherwise writes the whole notebook (growing to ~2 MB of charts) at
                # every cell's start and end: ~130 writes, ~1.5 s of a tiny campaign's run. The
                # notebook is written once at the end, and on a failing cell before the error.
                request_save_on_cell_execute=False,
                km=km,
            )
        if kernel is not None:  # the caller's: its shutdown then only cleans up
            stop_now(kernel)
    except PapermillExecutionError as exc:
        nb = nbformat.read(output, as_version=4)
        # papermill inserts an injected-parameters cell: name the cell by its place in the template
        injected = sum(
            "injected-parameters" in c.metadata.get("tags", []) for c in nb.cells[: exc.cell_index]
        )
        raise NotebookExecutionError(
            section_of(nb, exc.cell_index),
            exc.cell_index - injected,
            exc.ename,
            str(exc.evalue)[:300],
            str(output),
        ) from None
    return nbformat.read(output, as_version=4)


def _displayed(nb: nbformat.NotebookNode, mime: str) -> Any:
    """The first output a template displayed with ``mime``, else None."""
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            value = out.get("data", {}).get(mime)
            if value is not None:
                return value
    return None


def case_from_notebook(nb: nbformat.NotebookNode) -> dict:
    """The case record a template displayed with the fupan case MIME type."""
    value = _displayed(nb, MIME)
    if value is None:
        raise NotebookExecutionError(
            "复盘",
            len(nb.cells) - 1,
            "MissingCaseRecord",
            "the template displayed no case record",
            "",
        )
    return json.loads(value) if isinstance(value, str) else dict(value)


def minutes_from_notebook(nb: nbformat.NotebookNode) -> str | None:
    """The meeting minutes a template displayed with the minutes MIME type, if any."""
    value = _displayed(nb, MINUTES_MIME)
    return value if value is None or isinstance(value, str) else "".join(value)


def _for_html(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy for readers: no stderr streams, no case-record or minutes payload, no cells tagged
    remove_cell."""
    nb = copy.deepcopy(nb)
    keep = []
    for cell in nb.cells:
        if "remove_cell" in cell.metadata.get("tags", []):
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.outputs
                if not (o.output_type == "stream" and o.name == "stderr")
                and not {MIME, MINUTES_MIME} & set(o.get("data", {}))
            ]
        keep.append(cell)
    nb.cells = keep
    return nb


def _toc(body: str) -> str:
    items = []
    for level, hid, text in re.findall(
        r'<h([12]) id="([^"]+)"[^>]*>(.*?)<a class="anchor-link"', body
    ):
        items.append(
            f'<li class="fp-h{level}"><a href="#{hid}">{re.sub("<[^>]+>", "", text)}</a></li>'
        )
    return "<ol>" + "".join(items) + "</ol>"


SHOP_MASK = {"zh": "某店铺", "en": "[shop]"}


def mask_names(page: str, names: list[str], lang: str) -> str:
    """``page`` with every (HTML-escaped) occurrence of each of ``names`` replaced by a mask."""
    for name in sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True):
        page = page.replace(html.escape(name), SHOP_MASK[lang]).replace(
            html.escape(name, quote=False), SHOP_MASK[lang]
        )
    return page


def export_html(
    nb: nbformat.NotebookNode, title: str, lang: str, footer: str, *, share_safe: bool = False
) -> str:
    """Render ``nb`` to one self-contained HTML string (code hidden, TOC, embedded CJK font).

    ``share_safe`` leaves the code out altogether (no toggle): the injected-parameters cell names
    local paths, and code is of no use to the wider audience of a share-safe report.
    """
    from nbconvert import HTMLExporter

    from ..fonts import embedded_font_css

    exporter = HTMLExporter(
        template_name="fupan", extra_template_basedirs=[str(Path(__file__).parent / "nbtemplate")]
    )
    exporter.exclude_anchor_links = False
    exporter.exclude_input = share_safe
    exporter.language_code = "zh-CN" if lang == "zh" else "en"
    nb = _for_html(nb)
    nb.metadata["title"] = title
    body, _ = exporter.from_notebook_node(nb)
    toggle = (
        ""
        if share_safe
        else (
            f'<button type="button" onclick="document.body.classList.toggle(\'fp-show-code\')">'
            f"{t('toggle_code', lang)}</button>"
        )
    )
    header = (
        f'<nav class="fp-toc"><div class="fp-title">{html.escape(title)}</div><div>{t("contents", lang)}</div>'
        f"{_toc(body)}{toggle}</nav>"
    )
    css = resources.files("fupan.report").joinpath("report.css").read_text(encoding="utf-8")
    # the slots are replaced as whole <style> elements: operator text is escaped, so it can never
    # contain "<style", but it may contain a bare /*FUPAN_…*/ marker (e.g. in the page <title>)
    slot = '<style type="text/css">/*FUPAN_{}*/</style>'
    page = (
        body.replace(slot.format("CSS"), f'<style type="text/css">{css}</style>')
        .replace("<!--FUPAN_HEADER-->", header)
        .replace("<!--FUPAN_FOOTER-->", f'<footer class="fp-footer">{footer}</footer>')
    )
    visible = re.sub(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", " ", page, flags=re.S)
    drawn = (
        "".join(re.findall(r'content:\s*"([^"]*)"', css)) + "0123456789. "
    )  # report.css's own glyphs, counters
    font = embedded_font_css(html.unescape(visible) + title + drawn)
    return page.replace(slot.format("FONT"), f'<style type="text/css">{font}</style>')


#: Set once :func:`warm_export` has run in this process (or in the one it was forked from).
WARMED = threading.Event()


def warm_export() -> None:
    """Do once, ahead, what the first :func:`export_html` of a process does besides its notebook:
    import nbconvert, compile the report's templates and the code highlighter, read the CJK
    font. ``fupan run`` calls it in a thread while the kernel executes the template (the run's own
    process waits on the kernel then), so that the export at the end takes its own work only;
    ``fupan batch`` once, in the process its runs are forked from (:mod:`fupan.report.warmed`)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 复盘 Warm-up\n\n**text**"),
        nbformat.v4.new_code_cell(
            "display(1)",
            outputs=[
                nbformat.v4.new_output(
                    "display_data", data={"text/html": "<table><tr><td>1</td></tr></table>"}
                )
            ],
        ),
    ]
    export_html(nb, "复盘", "zh", "")
    WARMED.set()


def _warm_quietly() -> None:
    """:func:`warm_export`, whose failure only means the export will do that work itself."""
    with contextlib.suppress(Exception):  # a warm-up that fails costs time, never the run
        warm_export()


def _warm_and_settle() -> None:
    """:func:`_warm_quietly`, then what this process holds frozen if it is a fupan command's
    (:func:`fupan.heap.settle_command`): nbconvert's templates and the rest, left out of the
    export's collections."""
    _warm_quietly()
    settle_command()


def footer_html(record: dict, lang: str) -> str:
    files = ", ".join(
        f"{html.escape(k)} <code>{v[:12]}</code>" for k, v in record["data"]["files"].items()
    )
    return (
        f"<b>{t('reproduce', lang)}</b>: <code>{html.escape(record['reproduce'])}</code><br>"
        f"fupan {html.escape(record['library_version'])} · 口径 definitions v{html.escape(record['definitions_version'])}"
        f" · case <code>{html.escape(record['content_sha256'][:16])}</code><br>sha256: {files}"
    )


def minutes_footer(record: dict, lang: str) -> str:
    """The minutes' last line: which run they are of (the case hash, as the report's footer shows
    it), which fupan archive checks before filing them (:mod:`fupan.cases.library`)."""
    return (
        f"\n---\n\n{t('minutes_footer', lang)}{'：' if lang == 'zh' else ': '}fupan {record['library_version']} · 口径 "
        f"definitions v{record['definitions_version']} · {run_mark(record)}\n"
    )


PREPARED_NAME = ".validated.duckdb"


def cache_key(hashes: dict[str, str], template: Path, lang: str, library: str | None = None) -> str:
    """The key under which a run's outputs stay valid (``fupan batch`` skips a run whose case.json
    carries it): SHA-256 over the inputs' hashes (card and tables), the template, the language,
    the library version and the 口径 version — and, when the report benchmarks against a case
    library, that library's fingerprint (:func:`fupan.cases.library_fingerprint`)."""
    import hashlib

    body: dict[str, object] = {
        "inputs": dict(sorted(hashes.items())),
        "template": file_sha256(Path(template)),
        "lang": lang,
        "fupan": __version__,
        "definitions": DEFINITIONS_VERSION,
    }
    if library:
        body["case_library"] = library
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def page_title(card: Any, lang: str) -> str:
    """The report's title: the campaign's name, and a war report's day (``as_of``)."""
    if not card.in_flight:
        return card.name
    return t("war_report_title", lang, name=card.name, as_of=card.as_of.isoformat())


def run(
    campaign: Campaign,
    out_root: Path,
    *,
    lang: str = "zh",
    template: Path = DEFAULT_TEMPLATE,
    reproduce: str = "",
    progress: bool = True,
    share_safe: bool = False,
    library: Path | None = None,
    kernel: Any = None,
) -> RunResult:
    """Execute the retrospective of a validated campaign and write the three files.

    ``share_safe`` writes only ``<out>/<id>/share/report.html``, the version for wider circulation:
    the shop name (``card.shop``) masked, money as an index (baseline daily GMV = 100), no code.
    No case record is written for it (case.json holds the real figures), and its executed notebook
    is kept only when a cell fails. ``library``: the case library the report benchmarks against
    and carries the shop's open actions from (left out when it does not exist, and always from a
    share-safe run). ``kernel``: a warm kernel started in the campaign folder
    (:func:`fupan.report.kernel.warm_kernel`), else one is started for the run. The campaign's
    DuckDB connection is closed once its tables are written for the kernel.
    """
    t0 = time.perf_counter()
    campaign_dir = campaign.folder.resolve()
    card = campaign.card
    out = Path(out_root) / card.id / ("share" if share_safe else "")
    out.mkdir(parents=True, exist_ok=True)
    nb_path = out / "report.ipynb"
    # The validated tables go to a fixed name beside the report (not a random temporary path), so
    # that the injected-parameters cell is the same on every run; removed once the kernel is done.
    prepared = out.resolve() / PREPARED_NAME
    try:
        save_prepared(campaign, prepared)
        # the kernel reads the prepared file: the validation's memory (pseudonym tables of every
        # customer, DuckDB's buffers) is given back before it starts, not held beside it
        campaign.con.close()
        switch("execute")  # under fupan batch: the next stage waits for a free core (fupan.slots)
        params: dict[str, object] = {
            "campaign_dir": str(campaign_dir),
            "lang": lang,
            "prepared": str(prepared),
        }
        if card.as_of is not None:  # a war report: as the notebook re-run on its own counts
            params["as_of"] = card.as_of.isoformat()
        if share_safe:
            params["share_safe"] = True
        elif library is not None and Path(library).is_dir():
            params["library"] = str(Path(library).resolve())
            params["report_dir"] = str(out.resolve())
        warm = None  # warm already when forked from a batch's warmed process
        if not WARMED.is_set():
            warm = threading.Thread(target=_warm_and_settle, name="fupan-warm-export", daemon=True)
            warm.start()  # this process only waits on the kernel meanwhile
        nb = execute(
            Path(template), nb_path, params, cwd=campaign_dir, progress=progress, kernel=kernel
        )
        if warm is not None:
            warm.join()
        switch("export")
    finally:
        for leftover in (prepared, prepared.with_name(prepared.name + ".wal")):
            leftover.unlink(missing_ok=True)
    html_path = out / "report.html"
    if share_safe:
        nb_path.unlink()
        footer = (
            f"{t('share_safe_footer', lang)} · fupan {html.escape(__version__)} · 口径 definitions "
            f"v{html.escape(DEFINITIONS_VERSION)}"
        )
        page = export_html(nb, page_title(card, lang), lang, footer, share_safe=True)
        write_atomic(html_path, mask_names(page, [card.shop or ""], lang))
        return RunResult(None, html_path, None, time.perf_counter() - t0)
    record = case_from_notebook(nb)
    record["parameters"] = {
        "lang": lang,
        "template": Path(template).name,
        # a war report has none: a batch over the same files later makes the whole retrospective
        "cache_key": None
        if card.as_of is not None
        else cache_key(
            campaign.hashes,
            Path(template),
            lang,
            library_fingerprint(str(params.get("library", ""))),
        ),
    }
    record["reproduce"] = reproduce or f"fupan run {campaign_dir.name} --lang {lang}"
    case_path = out / "case.json"
    sealed = write_record(case_path, record)
    write_atomic(
        html_path, export_html(nb, page_title(card, lang), lang, footer_html(sealed, lang))
    )
    minutes_path = out / "minutes.md"
    text = minutes_from_notebook(nb)
    if text is None:
        minutes_path.unlink(missing_ok=True)  # never an earlier run's minutes beside this report
        return RunResult(nb_path, html_path, case_path, time.perf_counter() - t0)
    write_atomic(minutes_path, text.rstrip("\n") + "\n" + minutes_footer(sealed, lang))
    return RunResult(nb_path, html_path, case_path, time.perf_counter() - t0, minutes_path)

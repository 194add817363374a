"""The worked examples run for real: each instructor copy executed top to bottom by papermill with
the kernel spec JupyterLab uses (``fupan``, registered by ``make setup``); every exercise's check
tried with the solution (right), a value within tolerance (right), one just outside (wrong) and
nothing (not attempted). The student copies (re-run by nbval in the default pytest run) and the
knowledge-base site are scanned for the plaintext answers; the site's example pages are opened in
headless Chromium from file:// with every http(s) request aborted and counted (0), the explorer's
static views switched, and a screenshot written to build/learn/screens/ for a look.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.slow(seconds=125)  # every example through papermill
KERNEL = "fupan"

PROBE = """
import json as _json
_res = {}
for _i, (_id, _e) in enumerate(ex.exercises.items(), 1):
    _a = globals()[f"answer_{_i}"]
    _r = {"kind": _e.kind, "tol": _e.tol, "right": _e.check(_a).status, "none": _e.check(...).status}
    if _e.kind == "number":
        _r.update(value=float(_a), inside=_e.check(float(_a) + 0.9 * _e.tol).status,
                  outside=_e.check(float(_a) + 2.1 * _e.tol).status,
                  outside_low=_e.check(float(_a) - 2.1 * _e.tol).status)
    elif _e.kind == "integer":
        _r.update(value=int(_a), outside=_e.check(int(_a) + 1).status)
    else:
        _r.update(value=str(_a), outside=_e.check("not-an-answer").status)
    _res[_id] = _r
_json.dump(_res, open(PROBE_OUT, "w"))
"""


def _instructor_copies() -> list[Path]:
    return sorted((NOTEBOOKS / "instructor").glob("[0-9][0-9]_*.ipynb"))


def test_kernel_spec_is_the_projects():
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        spec = KernelSpecManager().get_kernel_spec(KERNEL)
    except NoSuchKernel:
        pytest.fail("no kernel spec 'fupan': run make setup (it registers .venv's kernel)")
    assert Path(spec.argv[0]).resolve().parent == (ROOT / ".venv" / "bin").resolve() or Path(
        spec.argv[0]
    ).name.startswith("python")
    for nb in [*_instructor_copies(), *sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))]:
        assert nbformat.read(nb, 4).metadata["kernelspec"]["name"] == KERNEL, nb.name


@pytest.fixture(scope="module")
def probed(tmp_path_factory) -> dict[str, dict]:
    """Every instructor copy run by papermill (kernel ``fupan``), with the probe cell appended."""
    import papermill

    out: dict[str, dict] = {}
    tmp = tmp_path_factory.mktemp("papermill")
    copies = _instructor_copies()
    assert copies, "no instructor copies in notebooks/instructor (make notebooks)"
    for path in copies:
        nb = nbformat.read(path, 4)
        result = tmp / f"{path.stem}.json"
        nb.cells.append(nbformat.v4.new_code_cell(f"PROBE_OUT = {str(result)!r}\n" + PROBE))
        src = tmp / path.name
        nbformat.write(nb, src)
        papermill.execute_notebook(
            str(src),
            str(tmp / f"out-{path.name}"),
            kernel_name=KERNEL,
            cwd=str(path.parent),
            progress_bar=False,
        )
        out[path.stem] = json.loads(result.read_text(encoding="utf-8"))
    return out


def test_each_example_runs_and_every_check_behaves(probed):
    assert len(probed) >= 3
    for name, results in probed.items():
        assert results, f"{name} has no exercises"
        for id, r in results.items():
            assert r["right"] == "right", (name, id)
            assert r["none"] == "not_attempted", (name, id)
            assert r["outside"] == "wrong", (name, id)
            if r["kind"] == "number":
                assert r["inside"] == "right", (name, id)
                assert r["outside_low"] == "wrong", (name, id)


def _forms(r: dict) -> set[str]:
    """How an answer would look if printed: only forms specific enough to search for."""
    if r["kind"] in ("choice", "text"):
        return set()  # the vocabulary of a choice is public by design
    v = r["value"]
    if r["kind"] == "integer":
        return {str(v), f"{v:,}"} if abs(v) >= 1000 else set()
    d = max(0, -math.floor(math.log10(r["tol"])))
    forms = {repr(v), f"{v:.{d}f}", f"{v:,.{d}f}", f"{v:.{d + 1}f}", f"{v:,.{d + 1}f}"}
    return {f for f in forms if len(f.strip("-0.,")) >= 3}


def _texts_of(nb_path: Path) -> str:
    nb = nbformat.read(nb_path, 4)
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for o in cell.get("outputs", []):
            parts.append(json.dumps(o, ensure_ascii=False))
    return "\n".join(parts)


def _scan(text: str, probed: dict) -> list[tuple[str, str]]:
    hits = []
    for results in probed.values():
        for id, r in results.items():
            for form in _forms(r):
                if re.search(rf"(?<![\d.,]){re.escape(form)}(?![\d])", text):
                    hits.append((id, form))
    return hits


def test_student_copies_and_keys_hold_no_plaintext_answer(probed):
    students = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    assert len(students) == len(probed)
    searched = sum(len(_forms(r)) for rs in probed.values() for r in rs.values())
    assert searched >= 6, "the scan would be blind: too few answers with a searchable form"
    for path in students:
        text = _texts_of(path)
        assert "BEGIN SOLUTION" not in text and "mistake(" not in text
        assert not _scan(text, probed), (path.name, _scan(text, probed))
    for key in sorted((NOTEBOOKS / "keys").glob("*.json")):
        assert not _scan(key.read_text(encoding="utf-8"), probed), key.name


def test_the_scan_is_not_blind(probed):
    id, r = next((i, r) for rs in probed.values() for i, r in rs.items() if _forms(r))
    form = sorted(_forms(r))[0]
    assert _scan(f"answer: {form}\n", probed)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from fupan.cases.site import build_site

    root = tmp_path_factory.mktemp("site")
    (root / "case_library").mkdir()
    # a teachers' site: the instructor copies too (a reader's site has none, tests/test_site.py)
    build_site(root / "case_library", root / "site", instructor=True)
    return root / "site"


def test_site_has_examples_and_glossary(site, probed):
    names = [p.stem for p in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))]
    listing = (site / "examples.html").read_text(encoding="utf-8")
    for name in names:
        for page in (f"example-{name}.html", f"example-{name}-instructor.html"):
            assert (site / page).is_file(), page
            assert page in listing
    glossary = (site / "glossary.html").read_text(encoding="utf-8")
    for term in ("SRM", "CUPED", "复购率", "回购率", "透支", "Gower", "口径"):
        assert term in glossary, term
    # the terms link to the examples that use them
    row = re.search(r'<tr id="term-return_rate".*?</tr>', glossary, re.S).group(0)
    assert f"example-{names[0]}.html" in row
    for page in site.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r'<script[^>]+src="https?://', text), page.name
        assert "widget-view+json" not in text, page.name
        hits = _scan(re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", text), probed)
        assert not hits, (page.name, hits)


def _sync_playwright():
    if not CHROMIUM.is_file():
        pytest.skip("no /usr/bin/chromium (make system-deps): the examples' browser test skipped")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip(
            "playwright is not installed (requirements.txt): the examples' browser test skipped"
        )
    return sync_playwright


def test_example_pages_in_chromium(site):
    sync_playwright = _sync_playwright()
    screens = ROOT / "build" / "learn" / "screens"
    shutil.rmtree(screens, ignore_errors=True)
    screens.mkdir(parents=True)
    requests: list[str] = []
    first = sorted(site.glob("example-01_*[!r].html"))[0]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 1800})

        def block(route):
            requests.append(route.request.url)
            route.abort()

        page.route(re.compile(r"^https?://"), block)
        page.goto(first.as_uri())
        assert "双十一" in page.title() or "第一次复盘" in page.content()
        explorer = page.locator(".fp-explorer").first
        views = explorer.locator(".fp-x-view")
        assert views.count() >= 6
        assert views.nth(0).is_visible() and not views.nth(3).is_visible()
        explorer.locator('.fp-x-btn[data-view="burst"]').click()
        assert explorer.locator('.fp-x-view[data-view="burst"]').is_visible()
        assert not views.nth(0).is_visible()
        shown = explorer.locator('.fp-x-view[data-view="burst"] .fp-x-card').first.inner_text()
        assert "GMV" in shown
        explorer.screenshot(path=str(screens / "explorer-burst.png"))
        page.screenshot(path=str(screens / first.with_suffix(".png").name), full_page=False)
        for other in ("glossary.html", "examples.html"):
            page.goto((site / other).as_uri())
            page.screenshot(path=str(screens / other.replace(".html", ".png")))
        page.goto((site / "glossary.html").as_uri())
        page.fill("#fp-term-filter", "CUPED")
        visible = page.locator(".fp-terms tbody tr:visible")
        assert visible.count() == 1
        browser.close()
    assert requests == [], requests


def test_lab_starts_with_the_fupan_kernel(tmp_path):
    """The command of ``make lab`` (read from the Makefile) serves the examples with kernel fupan."""
    import os
    import socket
    import subprocess
    import time
    import urllib.request

    recipe = re.search(r"^lab:.*\n\t(.+)$", (ROOT / "Makefile").read_text(), re.M).group(1)
    assert "default_kernel_name=fupan" in recipe and recipe.startswith("cd notebooks")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [
        str(ROOT / ".venv" / "bin" / "jupyter"), "lab", "--MultiKernelManager.default_kernel_name=fupan",
        "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=",
        "--ServerApp.disable_check_xsrf=True", *(["--allow-root"] if os.geteuid() == 0 else []),
    ]  # fmt: skip
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path), JUPYTER_CONFIG_DIR=str(tmp_path))
    proc = subprocess.Popen(
        args, cwd=NOTEBOOKS, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        specs, contents = None, None
        for _ in range(120):
            time.sleep(0.5)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/kernelspecs") as r:
                    specs = json.load(r)
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/contents") as r:
                    contents = json.load(r)
                break
            except OSError:
                continue
        assert specs is not None, "jupyter lab did not answer within 60 s"
        assert specs["default"] == KERNEL and KERNEL in specs["kernelspecs"]
        names = {c["name"] for c in contents["content"]}
        assert {p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")} <= names
    finally:
        proc.terminate()
        proc.wait(timeout=30)

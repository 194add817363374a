"""Deterministic and tamper-evident (DESIGN "Qualities every part keeps": Deterministic).

The same inputs give the same case.json byte for byte and the same numbers in report.html, whatever
the machine's time zone and locale: the demo campaign is run through the real ``fupan run`` under
three time-zone × locale settings, one after another into the same ``--out`` folder (the reproduce
command recorded in the case is then the same too), and the bytes are compared between runs.

This machine has only the C, C.UTF-8 and POSIX locales installed, so German (decimal comma,
Monday-first calendar) and Simplified Chinese locales are compiled with ``localedef`` into a
temporary ``LOCPATH`` — no root needed. Where that is impossible the runs fall back to the
installed locales and say so.

A case record whose content was edited — a nested value, or the ``content_sha256`` itself — is
rejected on read with the file named (:func:`fupan.cases.read_record`).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import run_cli
from fupan.cases import read_record, write_record
from fupan.errors import CaseRecordError

CASE_ID = "2025-d11-beauty"
#: (time zone, locale to compile or use, how to compile it)
SETTINGS = [
    ("America/Los_Angeles", "de_DE.UTF-8", ("de_DE", "UTF-8")),
    ("Asia/Shanghai", "zh_CN.UTF-8", ("zh_CN", "UTF-8")),
    ("Asia/Kolkata", "POSIX", None),  # a half-hour offset and an ASCII locale
]


def _locale_works(env: dict[str, str]) -> bool:
    probe = "import locale; locale.setlocale(locale.LC_ALL, '')"
    return (
        subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True).returncode == 0
    )


def locale_env(name: str, source: tuple[str, str] | None, locpath: Path) -> dict[str, str]:
    """Environment selecting locale ``name``, compiled into ``locpath`` first when needed."""
    env = {"LC_ALL": name, "LANG": name, "LANGUAGE": ""}
    if source is None:
        return env
    localedef = shutil.which("localedef")
    if localedef:
        subprocess.run(
            [localedef, "-i", source[0], "-f", source[1], str(locpath / name)], capture_output=True
        )
        env["LOCPATH"] = str(locpath)
    if _locale_works({**os.environ, **env}):
        return env
    print(
        f"locale {name} could not be compiled (localedef and /usr/share/i18n needed); using POSIX instead"
    )
    return {"LC_ALL": "POSIX", "LANG": "POSIX", "LANGUAGE": ""}


class _Text(HTMLParser):
    def __init__(self, skip_code: bool):
        super().__init__(convert_charrefs=True)
        self.skip_code, self.parts, self._stack, self._code_depth = skip_code, [], [], None

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        self._stack.append(tag)
        if (
            self.skip_code
            and self._code_depth is None
            and "jp-InputArea" in (dict(attrs).get("class") or "")
        ):
            self._code_depth = len(self._stack)

    def handle_endtag(self, tag):
        if tag in VOID or tag not in self._stack:
            return
        while self._stack.pop() != tag:
            pass
        if self._code_depth is not None and len(self._stack) < self._code_depth:
            self._code_depth = None

    def handle_data(self, data):
        if self._code_depth is None and not (
            self._stack and self._stack[-1] in ("style", "script")
        ):
            self.parts.append(data)


VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


def visible_text(html: str, *, with_code: bool = False) -> str:
    """The report's text: no tags, styles, embedded font or base64 images; code cells (hidden until
    the reader toggles them) only ``with_code``."""
    parser = _Text(skip_code=not with_code)
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def shown_numbers(html: str) -> list[str]:
    """Every number a reader sees in the report (code hidden, as it is by default)."""
    return re.findall(r"[-+]?\d[\d,.:%-]*", visible_text(html))


def chart_hashes(html: str) -> list[str]:
    return [
        hashlib.sha256(m.encode()).hexdigest()[:12]
        for m in re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    ]


@pytest.fixture(scope="module")
def runs(demo_dir: Path, tmp_path_factory) -> dict[str, dict]:
    """The demo run under each setting into the same --out folder; bytes read between runs."""
    root = tmp_path_factory.mktemp("determinism")
    out = root / "reports"
    results = {}
    for tz, name, source in SETTINGS:
        env = {"TZ": tz, **locale_env(name, source, root)}
        proc = run_cli("run", str(demo_dir), "--out", str(out), "--quiet", env=env)
        assert proc.returncode == 0, (tz, name, proc.stderr[-3000:])
        case_dir = out / CASE_ID
        results[f"TZ={tz} LC_ALL={env['LC_ALL']}"] = {
            "case": (case_dir / "case.json").read_bytes(),
            "html": (case_dir / "report.html").read_text(encoding="utf-8"),
            "path": case_dir / "case.json",
        }
        print(
            f"ran under TZ={tz}, LC_ALL={env['LC_ALL']}"
            + (f", LOCPATH={env['LOCPATH']}" if "LOCPATH" in env else "")
        )
    return results


@pytest.mark.slow(seconds=80)  # three runs of the demo
def test_case_json_is_byte_identical_across_time_zones_and_locales(runs):
    (first, a), *rest = runs.items()
    assert len(runs) == len(SETTINGS)
    for label, b in rest:
        if b["case"] != a["case"]:
            ra, rb = json.loads(a["case"]), json.loads(b["case"])
            diff = [k for k in ra if ra[k] != rb.get(k)]
            pytest.fail(f"case.json differs between {first} and {label} in {diff}")


@pytest.mark.slow
def test_report_shows_the_same_numbers_and_text_across_time_zones_and_locales(runs):
    (first, a), *rest = runs.items()
    numbers = shown_numbers(a["html"])
    assert len(numbers) > 300  # KPI cards, tables, notes and the footer's hashes
    for label, b in rest:
        assert shown_numbers(b["html"]) == numbers, f"numbers differ between {first} and {label}"
        assert visible_text(b["html"]) == visible_text(a["html"]), (
            f"text differs between {first} and {label}"
        )


@pytest.mark.slow
def test_report_code_cells_are_the_same_across_runs(runs):
    (first, a), *rest = runs.items()
    for label, b in rest:
        assert visible_text(b["html"], with_code=True) == visible_text(a["html"], with_code=True), (
            first,
            label,
        )


@pytest.mark.slow
def test_charts_are_identical_across_time_zones_and_locales(runs):
    (first, a), *rest = runs.items()
    charts = chart_hashes(a["html"])
    assert len(charts) >= 7
    differ = {
        label: [
            i
            for i, (x, y) in enumerate(zip(charts, chart_hashes(b["html"]), strict=True))
            if x != y
        ]
        for label, b in rest
    }
    # matplotlib 3.11 shapes text for the locale's language unless rcParams["text.language"] is set
    # (charts._style sets it), and Noto Sans CJK has locale-specific forms: zh_CN would differ.
    assert not any(differ.values()), (first, differ)


@pytest.mark.slow
@pytest.mark.parametrize("edit", ["nested value", "content_sha256"])
def test_the_demo_record_edited_is_rejected_naming_the_file(runs, tmp_path, edit):
    path = next(iter(runs.values()))["path"]
    record = read_record(path)  # the untouched record reads
    if edit == "nested value":
        record["kpis"]["campaign"]["gmv"] += 1
    else:
        record["content_sha256"] = hashlib.sha256(b"forged").hexdigest()
    edited = tmp_path / "edited-case.json"
    edited.write_text(
        json.dumps(record, ensure_ascii=False, sort_keys=True, indent=2), encoding="utf-8"
    )
    with pytest.raises(CaseRecordError, match=re.escape(str(edited))):
        read_record(edited)


# ----------------------------------------------------------------------------- fast: a hand-made record
def minimal_record() -> dict:
    """The smallest record the schema accepts, with nested values to edit."""
    return {
        "schema_version": 1,
        "case_id": "tiny-test",
        "name": "测试活动",
        "library_version": "0",
        "definitions_version": "1",
        "parameters": {"lang": "zh"},
        "card": {"background": {"market": "美妆", "open_actions": ["复核赠品库存"]}},
        "kpis": {"campaign": {"gmv": 440.0, "orders": 3, "start": "2025-01-05"}},
        "channels": {"live": {"gmv": 360.0, "roas": None}},
        "targets": [{"kpi": "gmv", "target": 500.0, "status": "missed"}],
        "hypotheses": [],
        "decomposition": None,
        "findings": [{"kind": "miss", "zh": "GMV 未达目标", "en": "GMV missed its target"}],
        "data": {"files": {"orders.csv": "0" * 64}},
        "analyses": {},
        "skipped": {},
        "reproduce": "fupan run tiny --lang zh",
    }


def _edit_kpi(r):
    r["kpis"]["campaign"]["gmv"] = 441.0


def _edit_list_item(r):
    r["card"]["background"]["open_actions"][0] = "无"


def _edit_finding(r):
    r["findings"][0]["en"] = "GMV met its target"


def _forge_hash(r):
    r["content_sha256"] = hashlib.sha256(b"forged").hexdigest()


def _flip_hash_char(r):
    h = r["content_sha256"]
    r["content_sha256"] = ("0" if h[0] != "0" else "1") + h[1:]


def _drop_hash(r):
    del r["content_sha256"]


@pytest.mark.parametrize(
    "edit",
    [_edit_kpi, _edit_list_item, _edit_finding, _forge_hash, _flip_hash_char, _drop_hash],
    ids=lambda f: f.__name__.strip("_"),
)
def test_an_edited_record_is_rejected_on_read_naming_the_file(tmp_path, edit):
    path = tmp_path / "case.json"
    write_record(path, minimal_record())
    assert read_record(path)["kpis"]["campaign"]["gmv"] == 440.0  # the untouched record reads
    record = json.loads(path.read_text(encoding="utf-8"))
    edit(record)
    edited = tmp_path / "edited" / "case.json"
    edited.parent.mkdir()
    edited.write_text(
        json.dumps(record, ensure_ascii=False, sort_keys=True, indent=2) + "\n", encoding="utf-8"
    )
    with pytest.raises(CaseRecordError, match=re.escape(str(edited))) as info:
        read_record(edited)
    assert "content_sha256" in str(info.value)


def test_an_unedited_record_rewritten_byte_for_byte_still_reads(tmp_path):
    """Control for the test above: re-serialising the same content is not an edit."""
    path = tmp_path / "case.json"
    write_record(path, minimal_record())
    record = json.loads(path.read_text(encoding="utf-8"))
    again = tmp_path / "again.json"
    again.write_text(
        json.dumps(record, ensure_ascii=False, sort_keys=True, indent=2) + "\n", encoding="utf-8"
    )
    assert again.read_bytes() == path.read_bytes()
    assert read_record(again) == record

"""The privacy scan over every report the test suite wrote (issue "Trust", privacy by construction).

This module's name sorts last, so it runs after every other test module has written its reports
into the session's temporary folder. Each report.html, report.ipynb and case.json found there is
scanned for phone numbers, resident ID numbers and e-mail addresses (:func:`fupan.ingest.privacy.scan_text`,
base64 images and fonts skipped) and for any raw user id of the demo campaign.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from fupan.ingest.privacy import scan_text

OUTPUTS = ("report.html", "report.ipynb", "case.json")


@pytest.mark.slow
def test_no_personal_data_in_any_report_the_suite_wrote(demo_run, demo_dir, tmp_path_factory):
    root = tmp_path_factory.getbasetemp()
    files = sorted(p for name in OUTPUTS for p in root.rglob(name))
    html = [p for p in files if p.name == "report.html"]
    print(f"scanned {len(files)} outputs ({len(html)} report.html) under {root}")
    assert demo_run / "report.html" in files and len(html) >= 2
    users = set(pd.read_parquet(demo_dir / "orders.parquet", columns=["user_id"]).user_id)
    leaks = {}
    for path in files:
        text = path.read_text(encoding="utf-8")
        found = [f.kind for f in scan_text(text)]
        raw_ids = sorted(set(re.findall(r"\bu\d{6,}\b", text)) & users)
        if found or raw_ids:
            leaks[str(path.relative_to(root))] = (found[:5], raw_ids[:5])
    assert not leaks, leaks


def test_the_scan_would_see_a_leak(tmp_path):
    """The scanner is not blind: a report carrying a phone number, an ID number and an e-mail is flagged."""
    page = tmp_path / "report.html"
    page.write_text("<p>客户 13912345678 · 11010519491231002X · li.lei@example.com</p>"
                    '<img src="data:image/png;base64,AAAA13912345678AAAA">', encoding="utf-8")
    assert sorted(f.kind for f in scan_text(page.read_text(encoding="utf-8"))) == ["email", "id_card", "phone"]
    assert Path(page).name in OUTPUTS

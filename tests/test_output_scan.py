"""The privacy scan over every report the test suite writes (issue "Trust", privacy by construction).

The scan itself is a session fixture of conftest.py (``_no_personal_data_in_any_output``): after
the last test of any run — whatever the order, whatever ``-k`` selects — it scans each
report.html, report.ipynb, case.json and benchmark.html under the session's temporary folder for
phone numbers, resident ID numbers and e-mail addresses (:func:`fupan.ingest.privacy.scan_text`)
and for raw user ids of the demo campaign, and a leak fails the session. The tests here show that
the scanner is not blind, on outputs planted outside the session's folder.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest

from conftest import OUTPUTS, scan_outputs


@pytest.fixture
def planted() -> Path:
    """A folder outside the session's temporary folder (which the session scan reads)."""
    with tempfile.TemporaryDirectory(prefix="fupan-planted-") as tmp:
        yield Path(tmp)


def test_the_scan_would_see_a_leak(planted):
    """A report carrying a phone number, an ID number and an e-mail is flagged; the same digits
    inside a base64 image are not."""
    page = planted / "case-1" / "report.html"
    page.parent.mkdir()
    page.write_text(
        "<p>客户 13912345678 · 11010519491231002X · li.lei@example.com</p>"
        '<img src="data:image/png;base64,AAAA13912345678AAAA">',
        encoding="utf-8",
    )
    clean = planted / "case-2" / "case.json"
    clean.parent.mkdir()
    clean.write_text(
        '{"gmv": 13812345678.00, "ts": 1731312000000}', encoding="utf-8"
    )  # money, epoch ms
    files, leaks = scan_outputs(planted)
    assert files == [page, clean]
    assert leaks == {"case-1/report.html": (["phone", "id_card", "email"], [])}


def test_the_scan_sees_every_output_kind_and_raw_demo_ids(planted):
    demo = planted / "demo" / "campaign"
    demo.mkdir(parents=True)
    pd.DataFrame({"user_id": ["u0001234", "u0009999"]}).to_parquet(demo / "orders.parquet")
    (demo / "truth.json").write_text("{}", encoding="utf-8")
    for i, name in enumerate(OUTPUTS):
        out = planted / f"out{i}" / name
        out.parent.mkdir()
        out.write_text(
            f"buyer u0001234 and u7654321 in {name}", encoding="utf-8"
        )  # u7654321: not a demo user
    files, leaks = scan_outputs(planted)
    assert len(files) == len(OUTPUTS) == 5
    assert leaks == {f"out{i}/{name}": ([], ["u0001234"]) for i, name in enumerate(OUTPUTS)}

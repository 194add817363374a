"""``fupan run --share-safe``: the version for wider circulation (issue "Trust", safe sharing).

The shop name is masked, every amount of money is an index (100 = the baseline window's average
daily GMV), code is left out, no case record is written — and no secret from the environment or
the salt reaches the page, stdout or stderr. Expected index values are computed here with plain
pandas from the raw demo files.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import run_cli
from test_determinism import visible_text

pytestmark = pytest.mark.slow(seconds=50)
CASE_ID = "2025-d11-beauty"
SECRETS = {
    "DATABASE_URL": "postgresql://fupan_reader:S3cretPassw0rd-xyz@db.internal:5432/shop",
    "FUPAN_API_TOKEN": "tok_live_9f8e7d6c5b4a39281706SECRET",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY",
}


@pytest.fixture(scope="module")
def share(demo_dir: Path, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("share")
    proc = run_cli("run", str(demo_dir), "--out", str(out), "--share-safe", "--quiet", env=SECRETS)
    assert proc.returncode == 0, proc.stderr[-3000:]
    folder = out / CASE_ID / "share"
    return {
        "proc": proc,
        "folder": folder,
        "html": (folder / "report.html").read_text(encoding="utf-8"),
    }


def raw_gmv(folder: Path) -> dict[str, float]:
    """GMV by window from the raw files: Σ paid_amount of lines not cancelled, dated by the order's
    first line; plus the baseline's number of days."""
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    orders = pd.read_parquet(
        folder / "orders.parquet", columns=["order_id", "order_time", "paid_amount", "status"]
    )
    day = orders.groupby("order_id").order_time.transform("min").dt.normalize()
    live = orders.assign(day=day)[orders.status != "cancelled"]
    w = {k: (pd.Timestamp(a), pd.Timestamp(b)) for k, (a, b) in card["windows"].items()}
    w["campaign"] = (w["preheat"][0], w["post"][1])
    out = {
        k: float(live[(live.day >= a) & (live.day <= b)].paid_amount.sum())
        for k, (a, b) in w.items()
    }
    out["baseline_days"] = (w["baseline"][1] - w["baseline"][0]).days + 1
    out["shop"] = card["shop"]
    return out


def test_only_the_share_safe_page_is_written(share):
    assert sorted(p.name for p in share["folder"].iterdir()) == ["report.html"]
    assert not (share["folder"].parent / "case.json").exists()  # no record from a share-safe run
    assert "share-safe HTML" in share["proc"].stdout


def test_shop_name_is_masked_everywhere(share, demo_dir):
    shop = raw_gmv(demo_dir)["shop"]
    assert shop and shop in (demo_dir / "campaign.yaml").read_text(
        encoding="utf-8"
    )  # the card does name it
    assert shop not in share["html"]
    assert "某店铺" in visible_text(share["html"])


def test_money_is_an_index_to_the_baseline_daily_gmv(share, demo_dir):
    g = raw_gmv(demo_dir)
    text = visible_text(share["html"])
    assert "¥" not in text and "￥" not in text
    base = g["baseline"] / g["baseline_days"]
    for window in ("campaign", "burst", "baseline"):
        index = g[window] / base * 100
        assert f"指数{index:,.0f}" in text, (window, index)
    # the real amounts, in the forms a zh report writes them, are nowhere
    for window in ("campaign", "burst", "baseline"):
        for shown in (
            f"{g[window] / 1e4:,.1f}万",
            f"{g[window] / 1e4:,.2f}万",
            f"{g[window] / 1e8:,.2f}亿",
        ):
            assert shown not in text, shown
    assert "基期日均 GMV = 100" in text


def test_no_code_and_no_local_paths(share, demo_dir):
    page = share["html"]
    code_cells = re.findall(r'<div class="jp-Cell jp-CodeCell[^"]*"', page)
    assert code_cells and all("jp-mod-noInput" in c for c in code_cells)
    assert 'class="highlight' not in page and "<button" not in page
    assert "load_retrospective" not in page and "campaign_dir" not in page
    assert str(demo_dir) not in page
    assert ".validated.duckdb" not in page and "share_safe" not in page  # the injected parameters


def test_charts_are_still_there(share):
    assert len(re.findall(r'src="data:image/png;base64,', share["html"])) >= 7


def test_no_secret_from_the_environment_or_the_salt_reaches_any_output(share):
    salt = Path(os.environ["FUPAN_SALT_FILE"]).read_text(encoding="ascii").strip()
    outputs = {
        "html": share["html"],
        "stdout": share["proc"].stdout,
        "stderr": share["proc"].stderr,
    }
    for name, text in outputs.items():
        for key, secret in SECRETS.items():
            assert secret not in text, (name, key)
            assert "S3cretPassw0rd" not in text
        assert salt not in text and salt[:16] not in text, name


def test_normal_run_outputs_hold_no_secret_either(demo_dir, tmp_path):
    proc = run_cli("run", str(demo_dir), "--out", str(tmp_path), "--quiet", env=SECRETS)
    assert proc.returncode == 0, proc.stderr[-2000:]
    salt = Path(os.environ["FUPAN_SALT_FILE"]).read_text(encoding="ascii").strip()
    folder = tmp_path / CASE_ID
    texts = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.is_file()}
    texts.update(stdout=proc.stdout, stderr=proc.stderr)
    assert {"report.html", "report.ipynb", "case.json"} <= set(texts)
    for name, text in texts.items():
        for secret in SECRETS.values():
            assert secret not in text, name
        assert salt not in text, name
    assert not (folder / ".validated.duckdb").exists()  # the kernel's copy of the tables is removed

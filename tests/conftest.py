"""Shared fixtures: a tiny hand-built campaign whose every number can be computed by hand, and
the demo campaign run once per test session through the real CLI."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib
import pandas as pd
import pytest
import yaml

matplotlib.use("Agg")
ROOT = Path(__file__).resolve().parents[1]

# One pseudonymisation salt for the whole session (and the CLI subprocesses, which inherit the
# environment), so that runs compare byte for byte and no test touches ~/.config/fupan/salt.
# It is a test fixture, not a secret: real case libraries keep theirs outside the repository.
if not os.environ.get("FUPAN_SALT_FILE"):
    import tempfile

    _salt = Path(tempfile.mkdtemp(prefix="fupan-test-salt-")) / "salt"
    _salt.write_text("5a17" * 16 + "\n", encoding="ascii")
    os.environ["FUPAN_SALT_FILE"] = str(_salt)
SHARED = ROOT.parent / "shared"
DEMO_SCALE = 0.3
#: UCI Online Retail (../shared/datasets/SOURCES.md), which CI always has
UCI_RETAIL = SHARED / "datasets" / "uci-online-retail" / "online_retail.parquet"


def uci_invoices() -> pd.DataFrame:
    """UCI Online Retail as one row per sales invoice — ``user_id`` (CustomerID), ``order_ts``
    (its first line's time), ``gmv`` (Σ quantity × unit price) — read with plain pandas, for
    the tests that recount a metric on real data: cancellation invoices (C…), returned lines
    (quantity ≤ 0) and lines without a customer left out. Skips, saying why, without the file."""
    if not UCI_RETAIL.exists():
        print(f"{UCI_RETAIL} is absent; see ../shared/datasets/SOURCES.md")
        pytest.skip(f"{UCI_RETAIL} is absent")
    lines = pd.read_parquet(
        UCI_RETAIL, columns=["InvoiceNo", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"]
    )
    keep = (
        ~lines["InvoiceNo"].str.startswith("C").astype(bool)
        & (lines["Quantity"] > 0)
        & lines["CustomerID"].notna()
    )
    lines = lines[keep].assign(amount=lambda x: x["Quantity"] * x["UnitPrice"])
    return (
        lines.groupby("InvoiceNo")
        .agg(
            user_id=("CustomerID", "first"), order_ts=("InvoiceDate", "min"), gmv=("amount", "sum")
        )
        .reset_index(drop=True)
    )


TINY_CARD = {
    "id": "tiny-test",
    "name": "测试活动",
    "platform": "tmall",
    "category": "beauty",
    "currency": "CNY",
    "timezone": "Asia/Shanghai",
    "windows": {
        "baseline": ["2025-01-01", "2025-01-04"],
        "burst": ["2025-01-05", "2025-01-06"],
        "dip": ["2025-01-07", "2025-01-08"],
    },
    "strategy": {
        "targets": {"gmv": 500.0},
        "hypotheses": [
            {
                "id": "H1",
                "text": "转化率翻倍",
                "kpi": "cr_index",
                "op": ">=",
                "value": 200,
                "window": "burst",
            }
        ],
    },
    "tables": {"orders": "orders.csv", "events": "events.csv", "spend": "spend.csv"},
}

# Orders: (order_id, user_id, order_time, paid_amount, channel, status, refund_amount)
TINY_ORDERS = [
    ("o1", "a", "2025-01-01 10:00:00", 100.0, "live", "paid", 0.0),
    ("o2", "b", "2025-01-02 11:00:00", 50.0, "search", "paid", 0.0),
    ("o3", "a", "2025-01-03 12:00:00", 30.0, "live", "cancelled", 0.0),
    ("o4", "c", "2025-01-04 09:00:00", 20.0, "search", "refunded", 20.0),
    ("o5", "a", "2025-01-05 00:05:00", 200.0, "live", "paid", 0.0),
    ("o5", "a", "2025-01-05 00:06:10", 40.0, "live", "paid", 0.0),  # second line of o5, 70 s later
    ("o6", "d", "2025-01-05 20:00:00", 120.0, "live", "paid", 10.0),
    ("o7", "e", "2025-01-06 20:30:00", 80.0, "search", "paid", 0.0),
    ("o8", "b", "2025-01-07 10:00:00", 60.0, "search", "paid", 0.0),
    ("o9", "f", "2025-01-08 10:00:00", 10.0, "live", "paid", 0.0),
]


def keyed_hex(user_id: str, salt: bytes) -> str:
    """The customer key's keyed hash as the privacy rules state it, written out here apart from
    fupan's code: SHA-256 of the 32-hex-digit key (SHA-256 of "fupan-pseudonym-key:" + salt) followed
    by the id's UTF-8 text. The pseudonym shows its first 16 hex digits, a warehouse's key 15."""
    key = hashlib.sha256(b"fupan-pseudonym-key:" + salt).hexdigest()[:32]
    return hashlib.sha256(key.encode("ascii") + user_id.encode("utf-8")).hexdigest()


def tiny_events() -> list[tuple]:
    """Two visitors a day in the baseline (a, b on 01-01 …), four a day in the burst, two in the dip."""
    rows = []
    days = pd.date_range("2025-01-01", "2025-01-08")
    users = {
        d: (
            ["a", "b"]
            if d < pd.Timestamp("2025-01-05")
            else ["a", "d", "e", "x"]
            if d < pd.Timestamp("2025-01-07")
            else ["b", "f"]
        )
        for d in days
    }
    for d, us in users.items():
        for u in us:
            rows.append(
                (u, (d + pd.Timedelta(hours=8)).strftime("%Y-%m-%d %H:%M:%S"), "visit", "live")
            )
    return rows


def write_campaign(
    folder: Path,
    card: dict | None = None,
    orders: list[tuple] | None = None,
    events: list[tuple] | None = None,
    spend: list[tuple] | None = None,
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(card or TINY_CARD, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    pd.DataFrame(
        orders if orders is not None else TINY_ORDERS,
        columns=[
            "order_id",
            "user_id",
            "order_time",
            "paid_amount",
            "channel",
            "status",
            "refund_amount",
        ],
    ).to_csv(folder / "orders.csv", index=False)
    pd.DataFrame(
        events if events is not None else tiny_events(),
        columns=["user_id", "event_time", "event", "channel"],
    ).to_csv(folder / "events.csv", index=False)
    days = pd.date_range("2025-01-01", "2025-01-08").strftime("%Y-%m-%d")
    default_spend = [(d, "live", 10.0 if d < "2025-01-05" else 50.0) for d in days]
    pd.DataFrame(
        spend if spend is not None else default_spend, columns=["date", "channel", "spend"]
    ).to_csv(folder / "spend.csv", index=False)
    return folder


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    return write_campaign(tmp_path / "tiny")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def _fupan_command(args: tuple[str, ...]) -> list[str]:
    """The ``fupan`` command line for ``args``: ``run`` and ``batch`` get ``--no-library`` unless
    the test names a library (a library built in the repository must not change what it sees)."""
    if args and args[0] in ("run", "batch") and not {"--library", "--no-library"} & set(args):
        args = (*args, "--no-library")
    return [sys.executable, "-m", "fupan.cli", *args]


def run_cli(
    *args: str, cwd: Path | None = None, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run the real ``fupan`` entry point in a subprocess.

    ``run`` and ``batch`` get ``--no-library`` unless the test names a library: a case library
    built in the repository (``make library``) must not change what a test sees.
    """
    return subprocess.run(
        _fupan_command(args),
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def run_cli_on_terminal(*args: str) -> tuple[int, str]:
    """Run the real ``fupan`` entry point (as :func:`run_cli`) with its standard error on a
    pseudo-terminal of 24 × 100 characters: its exit code and what it drew there."""
    import fcntl
    import pty
    import struct
    import termios
    import threading

    master, slave = pty.openpty()
    # a new pty is 0 × 0, where tqdm draws an empty bar
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    chunks: list[bytes] = []

    def drain() -> None:  # a full pty buffer would block the writer
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every writer has closed the terminal
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        proc = subprocess.run(
            _fupan_command(args), stdout=subprocess.PIPE, stderr=slave, cwd=ROOT, timeout=600
        )
    finally:
        os.close(slave)
        reader.join(timeout=30)
        os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


#: the shared fixture folders this xdist worker made (:func:`once_per_run`): its privacy scan reads them
MADE_HERE: list[Path] = []


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, make) -> Path:
    """A session fixture's folder, made once per test run even when pytest-xdist runs the tests in
    several worker processes (``make test`` does, ``-n 2``): the first worker to ask makes it under
    the run's shared temporary root while holding a file lock, the others wait and reuse it.
    ``make(folder)`` fills an empty folder and returns the path the fixture yields. Without xdist
    it is a plain ``mktemp``. What is made must not be changed by the tests (as for any session
    fixture)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return make(tmp_path_factory.mktemp(name))  # under the basetemp the privacy scan reads
    from filelock import FileLock

    root = tmp_path_factory.getbasetemp().parent  # popen-gwN's parent: one per run
    folder, done = root / f"shared-{name}", root / f"shared-{name}.done"
    with FileLock(str(root / f"shared-{name}.lock")):
        if not done.is_file():
            shutil.rmtree(folder, ignore_errors=True)  # a worker that failed half-way
            folder.mkdir()
            done.write_text(str(make(folder)), encoding="utf-8")
            MADE_HERE.append(folder)
    return Path(done.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    from fupan.demo import generate_demo

    return once_per_run(
        tmp_path_factory, "demo", lambda d: generate_demo(d / "campaign", scale=DEMO_SCALE)
    )


@pytest.fixture(scope="session")
def shipped_demo_dir(tmp_path_factory) -> Path:
    """The demo campaign exactly as `make demo` / `fupan demo` writes it (default seed and scale,
    about 275,000 order lines): the accuracy claims about "the demo campaign" are tested on it."""
    from fupan.demo import generate_demo

    return once_per_run(tmp_path_factory, "shipped", lambda d: generate_demo(d / "campaign"))


@pytest.fixture(scope="session")
def demo_run(demo_dir: Path, tmp_path_factory) -> Path:
    """The demo retrospective, run once per test run through the CLI; returns reports/<id>/."""

    def make(out: Path) -> Path:
        proc = run_cli("run", str(demo_dir), "--out", str(out), "--quiet")
        assert proc.returncode == 0, proc.stderr[-3000:]
        (case_dir,) = [p for p in out.iterdir() if p.is_dir()]
        return case_dir

    return once_per_run(tmp_path_factory, "reports", make)


def copy_campaign(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


# ----------------------------------------------------------------------------- privacy scan
#: What fupan writes for a reader: `fupan run` (report.html, report.ipynb, case.json) and
#: `fupan compare` (benchmark.html).
OUTPUTS = ("report.html", "report.ipynb", "case.json", "minutes.md", "benchmark.html")
RAW_DEMO_ID = re.compile(r"\bu\d{6,}\b")  # the demo generator's raw user ids look like u000123


def scan_outputs(
    root: Path, *more: Path
) -> tuple[list[Path], dict[str, tuple[list[str], list[str]]]]:
    """Every output under ``root`` and, per file that leaks, the kinds of personal data found
    (:func:`fupan.ingest.privacy.scan_text`: phone, ID number, e-mail; base64 images and fonts
    skipped) and the raw user ids of any demo campaign under ``root`` that appear in it."""
    from fupan.ingest.privacy import scan_text

    roots = (root, *more)
    files = sorted(p for r in roots for name in OUTPUTS for p in r.rglob(name))
    users: set[str] = set()
    for orders in (o for r in roots for o in r.rglob("orders.parquet")):
        if (orders.parent / "truth.json").is_file():  # a generated demo campaign
            users |= set(pd.read_parquet(orders, columns=["user_id"]).user_id.astype(str))
    leaks = {}
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        found = [f.kind for f in scan_text(text)]
        raw_ids = sorted(set(RAW_DEMO_ID.findall(text)) & users)
        if found or raw_ids:
            under = next(r for r in roots if path.is_relative_to(r))
            leaks[str(path.relative_to(under))] = (found[:5], raw_ids[:5])
    return files, leaks


@pytest.fixture(scope="session", autouse=True)
def _no_personal_data_in_any_output(tmp_path_factory):
    """After the last test, whatever the order or selection (-k), scan every report the session
    wrote under its temporary folder; a leak fails the session (an error at teardown)."""
    yield
    root = tmp_path_factory.getbasetemp()  # under xdist, this worker's; plus the shared fixtures
    files, leaks = scan_outputs(root, *MADE_HERE)  # this worker made (each scanned once)
    print(f"\nprivacy scan: {len(files)} outputs under {root}, {len(leaks)} with personal data")
    assert not leaks, f"personal data in the outputs the tests wrote: {leaks}"


# ----------------------------------------------------------------------------- order under xdist
#: rough serial seconds of a worked example under nbval (their items carry no markers)
NOTEBOOK_SECONDS = 40


def file_seconds(item: pytest.Item) -> float:
    """The rough serial seconds an item's file takes, as its ``slow(seconds=…)`` marker says (a
    notebook: :data:`NOTEBOOK_SECONDS`; unmarked: 0)."""
    if item.nodeid.split("::")[0].endswith(".ipynb"):
        return NOTEBOOK_SECONDS
    mark = item.get_closest_marker("slow")
    return float(mark.kwargs.get("seconds", 30)) if mark else 0.0


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Longest files first. ``make test`` runs pytest-xdist with ``--dist loadfile
    --no-loadscope-reorder``: whole files go to the two workers in this order, so a four-minute file
    handed out last cannot leave one worker running alone at the end. The order within a file (a
    notebook's cells) is kept: the sort is stable."""
    cost: dict[str, float] = {}
    for item in items:
        path = item.nodeid.split("::")[0]
        cost[path] = max(cost.get(path, 0.0), file_seconds(item))
    items.sort(key=lambda item: -cost[item.nodeid.split("::")[0]])

"""The connection URL of a warehouse source is a secret: with a planted password it appears in no
output file, log, error message or case.json — also when the connection fails.

A real PostgreSQL 15 server (tests/pg_server.py) holds a small generated campaign; ``fupan run``
(the CLI, in a subprocess, so the kernel reconnects from its own process) reads it through the
URL in ``$FUPAN_SECRET_PG_URL``; every byte it prints or writes is searched for the URL, the
password and the user:password pair.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import engine_cases
import pg_server
from fupan.extract.engines.secrets import redact
from fupan.ingest.card import read_card

PASSWORD = "Sekr1t-Planted-pw-80417"
WRONG = "Wrong-Planted-pw-55129"
ENV = "FUPAN_SECRET_PG_URL"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def server():
    with pg_server.required(PASSWORD) as s:
        yield s


@pytest.fixture(scope="module")
def card_dir(server, tmp_path_factory):
    root = tmp_path_factory.mktemp("secret")
    folder = engine_cases.parquet_campaign(root / "files", 0.03)
    engine_cases.load_into_postgres(folder, server.url().replace("+psycopg", ""), schema="dw")
    return engine_cases.with_source(
        folder,
        root / "card",
        {"engine": "postgres", "url_env": ENV, "schema": "dw"},
        tables={n: n for n in engine_cases.TABLES},
    )


def _fupan(*args: str, url: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != ENV}
    if url is not None:
        env[ENV] = url
    return subprocess.run(
        [sys.executable, "-m", "fupan.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )


def _secrets(url: str, password: str) -> list[str]:
    return [url, password, f"fupan:{password}", url.replace("+psycopg", "")]


def _leaks(text: str, url: str, password: str) -> list[str]:
    return [s for s in _secrets(url, password) if s in text]


def _scan_tree(folder: Path, url: str, password: str) -> dict[str, list[str]]:
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            if leaks := _leaks(text, url, password):
                found[str(path)] = leaks
    return found


def test_the_scan_finds_a_planted_url(tmp_path, server):
    """The scanner is not blind: a file holding the URL is reported."""
    (tmp_path / "x.json").write_text(json.dumps({"u": server.url()}))
    assert _scan_tree(tmp_path, server.url(), PASSWORD)


def test_a_run_from_postgres_writes_the_url_nowhere(server, card_dir, tmp_path):
    out = tmp_path / "reports"
    result = _fupan("run", str(card_dir), "--out", str(out), "--no-library", url=server.url())
    assert result.returncode == 0, result.stderr[-3000:]
    case = json.loads(next(out.rglob("case.json")).read_text(encoding="utf-8"))
    assert case["kpis"]["campaign"]["gmv"] > 0  # the report was computed from the database
    assert set(case["data"]["files"]) == {"campaign.yaml"} | {
        f"postgres:dw.{n}" for n in engine_cases.TABLES
    }
    assert {p.name for p in out.rglob("*") if p.is_file()} >= {
        "report.html",
        "report.ipynb",
        "case.json",
    }
    assert _scan_tree(out, server.url(), PASSWORD) == {}
    assert _scan_tree(card_dir, server.url(), PASSWORD) == {}
    assert _leaks(result.stdout + result.stderr, server.url(), PASSWORD) == []
    assert engine_cases.PLANTED_PII not in next(out.rglob("report.html")).read_text("utf-8")


def test_validate_counts_the_rows_in_the_database_without_the_url(server, card_dir):
    result = _fupan("validate", str(card_dir), url=server.url())
    assert result.returncode == 0, result.stderr[-2000:]
    rows = len(duckdb.sql(f"SELECT * FROM '{card_dir.parent / 'files' / 'orders.parquet'}'"))
    assert f"orders: {rows:,} rows" in result.stdout  # counted by SQL in PostgreSQL
    assert _leaks(result.stdout + result.stderr, server.url(), PASSWORD) == []


def test_a_refused_login_is_a_bilingual_error_without_the_url(server, card_dir, tmp_path):
    bad = server.url(password=WRONG)
    out = tmp_path / "reports"
    for command in (["validate", str(card_dir)], ["run", str(card_dir), "--out", str(out)]):
        result = _fupan(*command, url=bad)
        assert result.returncode == 2, result.stderr[-2000:]
        text = result.stdout + result.stderr
        assert "无法连接" in text and "Could not connect" in text
        assert ENV in text  # says which variable to fix
        assert "Traceback" not in text
        assert _leaks(text, bad, WRONG) == []
    assert not out.exists() or _scan_tree(out, bad, WRONG) == {}


def test_an_unset_variable_is_named_not_guessed(card_dir):
    result = _fupan("validate", str(card_dir), url=None)
    assert result.returncode == 2
    assert ENV in result.stderr and "未设置" in result.stderr and "unset" in result.stderr


def test_a_url_written_into_the_card_is_refused_without_echoing_it(tmp_path, card_dir, server):
    text = (card_dir / "campaign.yaml").read_text(encoding="utf-8")
    (tmp_path / "campaign.yaml").write_text(
        text.replace(f"url_env: {ENV}", f"url_env: '{server.url()}'"), encoding="utf-8"
    )
    result = _fupan("validate", str(tmp_path), url=server.url())
    assert result.returncode == 2
    assert "source_url_in_card" in result.stderr and "环境变量" in result.stderr
    assert _leaks(result.stdout + result.stderr, server.url(), PASSWORD) == []
    card, problems = read_card(tmp_path)
    assert card is not None and problems == []
    assert _leaks(card.model_dump_json(), server.url(), PASSWORD) == []


def test_redact_hides_every_part_of_a_url():
    url = "postgresql+psycopg://analyst:p%40ss-Planted@db.internal:5432/dw"
    message = (
        f"connection to {url} failed: password authentication failed for user "
        f'"analyst" at db.internal (password=p@ss-Planted)'
    )
    text = redact(message, url)
    for secret in (url, "p%40ss-Planted", "p@ss-Planted", "analyst", "db.internal"):
        assert secret not in text
    assert "password authentication failed" in text

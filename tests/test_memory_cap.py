"""DuckDB's memory cap grows with the campaign's files, within the machine's memory."""

from __future__ import annotations

import os

from fupan.ingest.readers.load import memory_cap, open_connection


def test_small_campaigns_keep_the_one_gigabyte_cap(monkeypatch):
    monkeypatch.delenv("FUPAN_DUCKDB_MEMORY", raising=False)
    assert memory_cap(0) == memory_cap(130_000_000) == "1GB"  # ≤ 1 GiB at 8 bytes per file byte


def test_a_big_campaign_gets_eight_bytes_per_file_byte(monkeypatch):
    monkeypatch.delenv("FUPAN_DUCKDB_MEMORY", raising=False)
    # 314 MB of Parquet → 2.512 GB = 2395.6 MiB, floored
    assert memory_cap(314_000_000) == "2395MiB"


def test_the_cap_never_exceeds_a_quarter_of_the_machine(monkeypatch):
    monkeypatch.delenv("FUPAN_DUCKDB_MEMORY", raising=False)
    machine = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert memory_cap(10**15) == f"{machine // 4 // (1 << 20)}MiB"


def test_the_environment_overrides_and_duckdb_applies_it(monkeypatch):
    monkeypatch.setenv("FUPAN_DUCKDB_MEMORY", "512MB")
    assert memory_cap(10**12) == "512MB"
    con = open_connection(10**12)
    # DuckDB reports the limit in its own units: 512 MB = 488.2 MiB
    assert con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == "488.2 MiB"
    con.close()


def test_the_cap_comes_back_to_one_gigabyte_after_the_extract(monkeypatch):
    """shrink_memory: a big campaign's cap (314 MB of files: 2395 MiB) back to 1 GB = 953.6 MiB
    once its aggregations are done; a cap the environment sets is left as it is."""
    from fupan.ingest.readers.load import shrink_memory

    monkeypatch.delenv("FUPAN_DUCKDB_MEMORY", raising=False)
    con = open_connection(314_000_000)
    setting = "SELECT current_setting('memory_limit')"
    assert con.execute(setting).fetchall()[0][0] == "2.3 GiB"
    shrink_memory(con)
    assert con.execute(setting).fetchall()[0][0] == "953.6 MiB"
    con.close()
    monkeypatch.setenv("FUPAN_DUCKDB_MEMORY", "512MB")
    con = open_connection(314_000_000)
    shrink_memory(con)
    assert con.execute(setting).fetchall()[0][0] == "488.2 MiB"
    con.close()

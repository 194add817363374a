"""The small case library example 06 builds (fupan.learn.data.mini_library): real archived cases
that pass the library's own checks, and a benchmark against it whose rank is checked by hand."""

from __future__ import annotations

import json

from fupan.cases import benchmark, check_library, read_record
from fupan.demo.scenarios import PRESETS
from fupan.learn import data

NAMES = ["pets_small_shop", "no_lift"]  # the two smallest presets (scale 0.1 and 0.2)


def test_mini_library_files_checked_cases_and_ranks_by_hand(tmp_path):
    library = tmp_path / "library"
    ids = data.mini_library(NAMES, library)
    assert ids == [PRESETS[n].case_id for n in NAMES]
    cases = check_library(library)  # schema, content hash, file hashes: raises on a bad case
    assert sorted(c.case_id for c in cases) == sorted(ids)
    index = json.loads((library / "index.json").read_text(encoding="utf-8"))
    assert sorted(c["case_id"] for c in index["cases"]) == sorted(ids)
    for cid in ids:
        record = read_record(library / cid / "case.json")
        meta = json.loads((library / cid / "meta.json").read_text(encoding="utf-8"))
        assert meta["provenance"] == "synthetic"
        page = (library / cid / "report.html").read_text(encoding="utf-8")
        assert record["content_sha256"][:16] in page  # the report page belongs to this record

    # rebuilding empties the folder first: no case left from the run before
    assert data.mini_library(NAMES[:1], library) == ids[:1]
    assert [c.case_id for c in check_library(library)] == ids[:1]

    # the pets case against a library holding only the home case: one peer, ranked by hand
    data.mini_library(NAMES, library)
    subject = read_record(library / ids[0] / "case.json")
    peer = read_record(library / ids[1] / "case.json")
    b = benchmark(subject, library, min_peers=1)
    assert b.library_size == 1 and [n.case.case_id for n in b.nearest] == [ids[1]]
    mine = subject["kpis"]["campaign"]["refund_rate"]
    theirs = peer["kpis"]["campaign"]["refund_rate"]
    # lower refund rate is better; scipy's "rank" percentile among one peer: 100, 50 or 0
    expected = 100.0 if mine < theirs else 50.0 if mine == theirs else 0.0
    pos = next(p for p in b.positions if p.key == "refund_rate")
    assert pos.value == mine and pos.peers == (theirs,)
    assert pos.percentile == expected


def test_an_unreadable_prepared_file_is_made_again_in_place(tmp_path):
    """A prepared file this version cannot read was deleted and rebuilt: a second process (a
    notebook's kernel beside a test) opening it meanwhile found no file. Now it is rebuilt under
    the lock and renamed over the old one, and the retrospective is computed from the new one."""
    import shutil

    folder = tmp_path / "shop"
    shutil.copytree(data.preset_dir(NAMES[0]), folder)
    path = tmp_path / "shop.duckdb"
    path.write_bytes(b"not a database" * 100)
    r = data.retrospective(folder)
    assert r.card.name
    assert path.is_file() and path.read_bytes()[8:12] == b"DUCK"  # DuckDB's file magic
    assert not list(tmp_path.glob("shop.duckdb.tmp*"))

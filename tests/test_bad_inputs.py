"""The corpus of broken campaign folders (tests/bad_inputs/, made by make_corpus.py).

Every broken folder goes through the real ``fupan validate`` (in-process): exit code 2, its
expected problem reported with that file, row and column, every message bilingual, no traceback,
and nothing written anywhere. The ``ok-`` folders are tricky but valid: they pass, show the
warnings they must show, and their typed tables hold what the queries expect.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

from fupan.errors import Problem, ValidationError
from fupan.ingest.validate import open_campaign

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if (p / "expected.json").is_file())
BROKEN = [c for c in CASES if not c.startswith("ok-")]
VALID = [c for c in CASES if c.startswith("ok-")]


def _cjk(text: str) -> set[str]:
    return {ch for ch in text if "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"}


def _input_cjk(folder: Path) -> set[str]:
    """Chinese characters the input files contain: a message may quote them in any language."""
    chars: set[str] = set()
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            chars |= _cjk(data.decode("utf-8", errors="ignore")) | _cjk(
                data.decode("gb18030", errors="ignore")
            )
    return chars


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture(autouse=True)
def _salt(tmp_path_factory, monkeypatch) -> None:
    """A salt file that exists already and lies outside every snapshot."""
    path = tmp_path_factory.getbasetemp() / "fupan-salt"
    if not path.exists():
        path.write_text("ab" * 32 + "\n", encoding="ascii")
    monkeypatch.setenv("FUPAN_SALT_FILE", str(path))


def _copy(name: str, tmp_path: Path) -> tuple[Path, dict]:
    folder = shutil.copytree(CORPUS / name, tmp_path / "campaign")
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    (folder / "expected.json").unlink()
    return folder, expected


def _cli(folder: Path, monkeypatch, capsys) -> tuple[int, str]:
    from fupan.cli import main

    monkeypatch.setattr(sys, "argv", ["fupan", "validate", str(folder)])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, capsys.readouterr().err


def _assert_bilingual(p: Problem, allowed: set[str]) -> None:
    assert _cjk(p.zh), f"{p.code}: the Chinese message has no Chinese: {p.zh}"
    leaked = _cjk(p.en) - allowed
    assert not leaked, (
        f"{p.code}: the English message has Chinese of its own ({''.join(sorted(leaked))}): {p.en}"
    )
    assert p.en.strip() and p.zh != p.en


def test_the_corpus_has_at_least_40_broken_folders():
    assert len(BROKEN) >= 40, len(BROKEN)
    assert len(VALID) >= 5


@pytest.mark.parametrize("name", BROKEN)
def test_broken_folder_exits_2_naming_its_problem(name, tmp_path, monkeypatch, capsys):
    folder, expected = _copy(name, tmp_path)
    monkeypatch.chdir(tmp_path)  # a stray relative write would land inside the snapshot
    before = _snapshot(tmp_path)

    code, err = _cli(folder, monkeypatch, capsys)
    assert code == 2, err
    assert "Traceback" not in err
    assert f"({expected['code']})" in err and "错误" in err and "ERROR" in err

    with pytest.raises(ValidationError) as info:
        open_campaign(folder)
    problems = info.value.problems
    want = (expected["code"], expected["file"], expected["row"], expected["column"])
    got = [(p.code, p.file, p.row, p.column) for p in problems]
    assert want in got, f"{name}: expected {want}, got {got}"
    allowed = _input_cjk(folder)
    for p in problems + info.value.warnings:
        _assert_bilingual(p, allowed)
    assert _snapshot(tmp_path) == before, "validation wrote or changed a file"


@pytest.mark.parametrize("name", VALID)
def test_tricky_valid_folder_passes(name, tmp_path, monkeypatch, capsys):
    folder, expected = _copy(name, tmp_path)
    monkeypatch.chdir(tmp_path)
    before = _snapshot(tmp_path)

    code, err = _cli(folder, monkeypatch, capsys)
    assert code == 0, err
    assert "Traceback" not in err
    for w in expected["warnings"]:
        assert f"({w['code']})" in err

    campaign = open_campaign(folder)
    try:
        got = [(p.code, p.file, p.row, p.column) for p in campaign.warnings]
        for w in expected["warnings"]:
            assert (w["code"], w["file"], w["row"], w["column"]) in got, (name, got)
        allowed = _input_cjk(folder)
        for p in campaign.warnings:
            _assert_bilingual(p, allowed)
        for q in expected["queries"]:
            rows = [list(r) for r in campaign.con.execute(q["sql"]).fetchall()]
            assert rows == q["rows"], (name, q["sql"])
    finally:
        campaign.con.close()
    assert _snapshot(tmp_path) == before


def test_the_committed_corpus_is_what_make_corpus_writes(tmp_path):
    """Regenerate into tmp and compare: same cases, same expectations, same text files (binary
    files — Parquet, Excel — carry writer metadata, so only their presence is compared)."""
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    names = module.generate(tmp_path)
    assert sorted(names) == CASES
    for name in names:
        fresh, committed = tmp_path / name, CORPUS / name
        assert sorted(p.name for p in fresh.iterdir()) == sorted(
            p.name for p in committed.iterdir()
        ), name
        for path in fresh.iterdir():
            if path.suffix in (".json", ".yaml", ".csv"):
                assert path.read_bytes() == (committed / path.name).read_bytes(), (
                    f"{name}/{path.name}"
                )

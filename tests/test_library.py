"""Tests for the case library (fupan.cases.library): ``fupan archive`` and ``fupan run --archive``.

What is checked: a run is filed with its card, record, report and meta (provenance, 口径 version);
a duplicate is refused without --force (exit 2, bilingual) and replaced with it; a tampered record
is refused on archive and on read; refusals write nothing; and a process killed at every
file-system step of an archive, and at random moments, never leaves a half case or an index that
disagrees with the folders.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest
import yaml

from conftest import run_cli, write_campaign
from fupan.cases import library as lib
from fupan.cases.library import fs as lib_fs  # the file-system steps archive() calls
from fupan.cases.record import read_record, write_record
from fupan.dictionary import DEFINITIONS_VERSION
from fupan.errors import CaseRecordError, ValidationError

pytestmark = pytest.mark.slow(seconds=50)
CASE = "tiny-test"  # the id of conftest's tiny campaign


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture(scope="module")
def filed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The tiny campaign run once through ``fupan run --archive`` (card without provenance, so
    ``--provenance synthetic`` is given): its run folder and the library it was filed in."""
    root = tmp_path_factory.mktemp("filed")
    campaign = write_campaign(root / "campaign")
    t0 = time.perf_counter()
    proc = run_cli(
        "run",
        str(campaign),
        "--out",
        str(root / "reports"),
        "--quiet",
        "--archive",
        "--library",
        str(root / "library"),
        "--provenance",
        "synthetic",
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    print(f"fupan run --archive (tiny campaign): {time.perf_counter() - t0:.1f} s")
    return {
        "root": root,
        "campaign": campaign,
        "run": root / "reports" / CASE,
        "library": root / "library",
        "stdout": proc.stdout,
    }


def snapshot(folder: Path) -> dict[str, str]:
    """Every path under ``folder`` (hidden ones included) with the SHA-256 of each file."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        if p.is_file()
        else "dir"
        for p in sorted(folder.rglob("*"))
    }


def variant(run: Path, dst: Path, *, case_id: str | None = None, name: str | None = None) -> Path:
    """A copy of a finished run as another run would leave it: the record changed and re-sealed,
    the report's footer carrying the new hash."""
    shutil.copytree(run, dst)
    rec = json.loads((dst / "case.json").read_text(encoding="utf-8"))
    old = rec["content_sha256"]
    if case_id:
        rec["case_id"] = rec["card"]["id"] = case_id
    if name:
        rec["name"] = rec["card"]["name"] = name
    sealed = write_record(dst / "case.json", rec)
    page = (dst / "report.html").read_text(encoding="utf-8")
    assert old[:16] in page
    (dst / "report.html").write_text(
        page.replace(old[:16], sealed["content_sha256"][:16]), encoding="utf-8"
    )
    minutes = (dst / "minutes.md").read_text(encoding="utf-8")
    assert f"case `{old[:16]}`" in minutes
    (dst / "minutes.md").write_text(
        minutes.replace(old[:16], sealed["content_sha256"][:16]), encoding="utf-8"
    )
    return dst


def library_with(tmp: Path, filed: dict[str, Path]) -> Path:
    """A copy of the filed library (one case, its index, its lock file)."""
    dst = tmp / "library"
    shutil.copytree(filed["library"], dst)
    return dst


# --------------------------------------------------------------------------- filing a run


def test_run_archive_files_card_record_report_minutes_and_meta(filed: dict[str, Path]) -> None:
    case = filed["library"] / CASE
    assert sorted(p.name for p in case.iterdir()) == [
        "campaign.yaml",
        "case.json",
        "meta.json",
        "minutes.md",
        "report.html",
    ]
    # the record, report and minutes are the run's, byte for byte
    for name in ("case.json", "report.html", "minutes.md"):
        assert (case / name).read_bytes() == (filed["run"] / name).read_bytes()
    # the card kept is the operator's own file (it still is the card analysed)
    assert (case / "campaign.yaml").read_bytes() == (
        filed["campaign"] / "campaign.yaml"
    ).read_bytes()
    record = read_record(case / "case.json")
    meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    assert meta["provenance"] == "synthetic" and meta["provenance_source"] == "--provenance"
    assert meta["definitions_version"] == record["definitions_version"] == DEFINITIONS_VERSION
    assert meta["content_sha256"] == record["content_sha256"]
    for name in ("campaign.yaml", "case.json", "report.html", "minutes.md"):
        assert meta["files"][name] == hashlib.sha256((case / name).read_bytes()).hexdigest()
    # the minutes' last line names the run: the record's hash, as the report's footer does
    last = (case / "minutes.md").read_text(encoding="utf-8").rstrip("\n").splitlines()[-1]
    assert last.endswith(f"case `{record['content_sha256'][:16]}`")
    assert "含复盘会纪要 with the review meeting's minutes" in filed["stdout"]
    index = json.loads((filed["library"] / "index.json").read_text(encoding="utf-8"))
    assert [(e["case_id"], e["content_sha256"], e["provenance"]) for e in index["cases"]] == [
        (CASE, record["content_sha256"], "synthetic")
    ]
    # the command says what it filed, real or synthetic, and under which 口径 version
    assert (
        "合成数据 synthetic" in filed["stdout"]
        and f"definitions v{DEFINITIONS_VERSION}" in filed["stdout"]
    )
    assert lib.read_case(case).provenance == "synthetic"


def test_the_card_is_written_from_the_record_when_the_original_changed(
    filed: dict[str, Path], tmp_path: Path
) -> None:
    campaign = tmp_path / "campaign"
    shutil.copytree(filed["campaign"], campaign)
    run = variant(filed["run"], tmp_path / "run")
    nb = json.loads((run / "report.ipynb").read_text(encoding="utf-8"))
    nb["metadata"]["papermill"]["parameters"]["campaign_dir"] = str(campaign)
    (run / "report.ipynb").write_text(json.dumps(nb), encoding="utf-8")
    card = yaml.safe_load((campaign / "campaign.yaml").read_text(encoding="utf-8"))
    card["name"] = "改过的名字"  # edited after the run
    (campaign / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True), encoding="utf-8"
    )
    done = lib.archive(run, tmp_path / "library", provenance="real")
    assert done.card_source == "record" and done.provenance == "real"
    assert done.edited_card == campaign / "campaign.yaml"
    # the command says the edits were not archived, in both languages
    proc = run_cli("archive", str(run), "--library", str(tmp_path / "cli"), "--provenance", "real")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert f"{campaign / 'campaign.yaml'} 在运行后被修改过" in proc.stdout
    assert "was edited after the run" in proc.stdout and "run fupan run again" in proc.stdout
    from fupan.ingest.card import parse_card

    parsed, problems = parse_card((done.folder / "campaign.yaml").read_text(encoding="utf-8"))
    assert parsed is not None and not [p for p in problems if p.severity == "error"]
    assert parsed.name == "测试活动" == read_record(done.folder / "case.json")["card"]["name"]
    # an explicit --card that is not the analysed card is refused
    with pytest.raises(ValidationError) as exc:
        lib.archive(run, tmp_path / "other", provenance="real", card=campaign / "campaign.yaml")
    assert (
        exc.value.problems[0].code == "archive_card_changed" and not (tmp_path / "other").exists()
    )


def test_duplicate_is_refused_without_force(filed: dict[str, Path], tmp_path: Path) -> None:
    library = library_with(tmp_path, filed)
    before = snapshot(library)
    proc = run_cli(
        "archive", str(filed["run"]), "--library", str(library), "--provenance", "synthetic"
    )
    assert proc.returncode == 2
    assert "已有案例 tiny-test" in proc.stderr and "already holds tiny-test" in proc.stderr
    assert "--force" in proc.stderr and "Traceback" not in proc.stderr
    assert snapshot(library) == before
    # fupan run --archive refuses before running: no report is written again
    out = tmp_path / "reports"
    proc = run_cli(
        "run",
        str(filed["campaign"]),
        "--out",
        str(out),
        "--quiet",
        "--archive",
        "--library",
        str(library),
        "--provenance",
        "synthetic",
    )
    assert proc.returncode == 2 and "already holds tiny-test" in proc.stderr
    assert not out.exists() and snapshot(library) == before


def test_force_replaces_the_case(filed: dict[str, Path], tmp_path: Path) -> None:
    library = library_with(tmp_path, filed)
    old = read_record(library / CASE / "case.json")["content_sha256"]
    run = variant(filed["run"], tmp_path / "run2", name="测试活动（重跑）")
    proc = run_cli(
        "archive", str(run), "--library", str(library), "--provenance", "synthetic", "--force"
    )
    assert proc.returncode == 0, proc.stderr
    assert "已替换 replaced tiny-test" in proc.stdout
    new = read_record(library / CASE / "case.json")
    assert new["content_sha256"] != old and new["name"] == "测试活动（重跑）"
    assert (library / CASE / "report.html").read_bytes() == (run / "report.html").read_bytes()
    assert sorted(p.name for p in library.iterdir()) == [
        ".lock",
        "index.json",
        CASE,
    ]  # the old case is gone
    index = json.loads((library / "index.json").read_text(encoding="utf-8"))
    assert [(e["case_id"], e["content_sha256"]) for e in index["cases"]] == [
        (CASE, new["content_sha256"])
    ]


def test_tampered_record_is_refused_on_archive(filed: dict[str, Path], tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(filed["run"], run)
    text = (run / "case.json").read_text(encoding="utf-8")
    rec = json.loads(text)
    rec["kpis"]["campaign"]["gmv"] = rec["kpis"]["campaign"]["gmv"] * 2  # a better story, same hash
    (run / "case.json").write_text(json.dumps(rec, ensure_ascii=False, indent=2), encoding="utf-8")
    library = library_with(tmp_path, filed)
    before = snapshot(library)
    proc = run_cli(
        "archive", str(run), "--library", str(library), "--provenance", "synthetic", "--force"
    )
    assert proc.returncode == 2
    assert "内容与其哈希不符" in proc.stderr and "does not match its content_sha256" in proc.stderr
    assert "未写入任何内容" in proc.stderr and "nothing was written" in proc.stderr
    assert snapshot(library) == before
    fresh = tmp_path / "fresh-library"
    proc = run_cli("archive", str(run), "--library", str(fresh), "--provenance", "synthetic")
    assert proc.returncode == 2 and not fresh.exists()


@pytest.mark.parametrize("version", [99, 0, -3, "1"])
def test_a_record_of_another_schema_version_is_refused_with_its_hash_resealed(
    filed: dict[str, Path], tmp_path: Path, version
) -> None:
    """A case.json of schema 99 (as another fupan would write it: the content hash resealed) was
    read as schema 1 and ranked and published. It is refused, naming the version read and the
    one this fupan reads, in both languages; a record missing a key names the key, with no
    pydantic link."""
    import hashlib

    from fupan.cases.record import canonical
    from fupan.errors import CaseRecordError

    rec = json.loads((filed["run"] / "case.json").read_text(encoding="utf-8"))
    rec["schema_version"] = version
    rec["content_sha256"] = hashlib.sha256(canonical(rec).encode()).hexdigest()
    path = tmp_path / "case.json"
    path.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CaseRecordError) as err:
        read_record(path)
    said = str(err.value)
    assert f"schema_version 为 {version!r}" in said and "只读 1" in said
    assert f"schema_version is {version!r}" in said and "reads 1 only" in said
    del rec["schema_version"]
    path.write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CaseRecordError) as err:
        read_record(path)
    assert "schema_version" in str(err.value) and "键缺失" in str(err.value)
    assert "https://" not in str(err.value)


def test_tampered_case_is_refused_on_read(filed: dict[str, Path], tmp_path: Path) -> None:
    from fupan.cases.site.build import load_library

    library = library_with(tmp_path, filed)
    case = library / CASE
    assert lib.read_case(case).case_id == CASE
    # 1) the record edited in place: its content hash no longer matches
    good = (case / "case.json").read_text(encoding="utf-8")
    (case / "case.json").write_text(
        good.replace('"name": "测试活动"', '"name": "别的活动"', 1), encoding="utf-8"
    )
    with pytest.raises(CaseRecordError, match="content_sha256"):
        lib.read_case(case)
    with pytest.raises(CaseRecordError, match="content_sha256"):
        load_library(library)
    with pytest.raises(CaseRecordError):
        lib.check_library(library)
    # 2) the record swapped for another, properly sealed one: meta.json's file hash catches it
    write_record(case / "case.json", {**json.loads(good), "name": "别的活动"})
    with pytest.raises(CaseRecordError, match="does not match its hash in meta.json"):
        lib.read_case(case)
    # 3) the report edited
    (case / "case.json").write_text(good, encoding="utf-8")
    lib.read_case(case)
    (case / "report.html").write_bytes((case / "report.html").read_bytes() + b"<!-- edited -->")
    with pytest.raises(CaseRecordError, match="report.html does not match"):
        lib.read_case(case)
    # 4) the minutes edited after filing, then 5) deleted: meta.json lists them
    shutil.copyfile(filed["library"] / CASE / "report.html", case / "report.html")
    lib.read_case(case)
    minutes = (case / "minutes.md").read_bytes()
    (case / "minutes.md").write_bytes(minutes.replace("行动项".encode(), "行动".encode(), 1))
    with pytest.raises(CaseRecordError, match="minutes.md does not match"):
        lib.read_case(case)
    (case / "minutes.md").unlink()
    with pytest.raises(CaseRecordError, match="missing minutes.md listed in meta.json"):
        lib.read_case(case)


def test_the_minutes_as_the_team_amended_them_are_filed(
    filed: dict[str, Path], tmp_path: Path
) -> None:
    """The draft is amended in the meeting (its footer kept): the amended text is what is filed;
    a run without minutes (removed before filing) is filed without them."""
    run = tmp_path / "run"
    shutil.copytree(filed["run"], run)
    text = (run / "minutes.md").read_text(encoding="utf-8")
    amended = text.replace("## ", "## 会上补充：预售尾款催付提前一天\n\n## ", 1)
    assert amended != text
    (run / "minutes.md").write_text(amended, encoding="utf-8")
    library = tmp_path / "library"
    proc = run_cli("archive", str(run), "--library", str(library), "--provenance", "synthetic")
    assert proc.returncode == 0, proc.stderr
    assert (library / CASE / "minutes.md").read_text(encoding="utf-8") == amended
    assert lib.read_case(library / CASE).case_id == CASE
    # without minutes.md: filed as before, meta.json lists no minutes
    (run / "minutes.md").unlink()
    other = tmp_path / "other"
    proc = run_cli("archive", str(run), "--library", str(other), "--provenance", "synthetic")
    assert proc.returncode == 0, proc.stderr
    assert "复盘会纪要" not in proc.stdout
    meta = json.loads((other / CASE / "meta.json").read_text(encoding="utf-8"))
    assert sorted(meta["files"]) == ["campaign.yaml", "case.json", "report.html"]
    assert not (other / CASE / "minutes.md").exists()
    assert lib.read_case(other / CASE).case_id == CASE


@pytest.mark.parametrize(
    "problem",
    [
        "no_provenance",
        "conflict",
        "report_of_another_run",
        "missing_report",
        "no_run",
        "minutes_of_another_run",
        "minutes_footer_deleted",
        "minutes_not_utf8",
    ],
)
def test_refusals_are_bilingual_exit_2_and_write_nothing(
    problem: str, filed: dict[str, Path], tmp_path: Path
) -> None:
    run = tmp_path / "run"
    shutil.copytree(filed["run"], run)
    args = ["archive", str(run), "--library", str(tmp_path / "library")]
    code = {
        "no_provenance": "archive_no_provenance",
        "conflict": "archive_provenance_conflict",
        "report_of_another_run": "archive_report_mismatch",
        "missing_report": "archive_missing_file",
        "no_run": "archive_no_run",
        "minutes_of_another_run": "archive_minutes_mismatch",
        "minutes_footer_deleted": "archive_minutes_mismatch",
        "minutes_not_utf8": "archive_minutes_unreadable",
    }[problem]
    if problem == "conflict":
        rec = json.loads((run / "case.json").read_text(encoding="utf-8"))
        rec["card"]["provenance"] = "real"
        variant_dir = variant(run, tmp_path / "run-real")
        write_record(variant_dir / "case.json", rec)
        page = (run / "report.html").read_text(encoding="utf-8")
        new = read_record(variant_dir / "case.json")["content_sha256"]
        (variant_dir / "report.html").write_text(
            page.replace(rec["content_sha256"][:16], new[:16]), encoding="utf-8"
        )
        minutes = (run / "minutes.md").read_text(encoding="utf-8")
        (variant_dir / "minutes.md").write_text(
            minutes.replace(rec["content_sha256"][:16], new[:16]), encoding="utf-8"
        )
        args = [
            "archive",
            str(variant_dir),
            "--library",
            str(tmp_path / "library"),
            "--provenance",
            "synthetic",
        ]
    elif problem == "report_of_another_run":
        other = variant(filed["run"], tmp_path / "other", name="另一次运行")
        shutil.copyfile(other / "report.html", run / "report.html")
        args += ["--provenance", "synthetic"]
    elif problem == "missing_report":
        (run / "report.html").unlink()
        args += ["--provenance", "synthetic"]
    elif problem == "no_run":
        args[1] = str(tmp_path / "nowhere")
    elif problem == "minutes_of_another_run":
        other = variant(filed["run"], tmp_path / "other", name="另一次运行")
        shutil.copyfile(other / "minutes.md", run / "minutes.md")
        args += ["--provenance", "synthetic"]
    elif problem == "minutes_footer_deleted":
        lines = (run / "minutes.md").read_text(encoding="utf-8").rstrip("\n").splitlines()
        (run / "minutes.md").write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")
        args += ["--provenance", "synthetic"]
    elif problem == "minutes_not_utf8":
        (run / "minutes.md").write_bytes(
            (run / "minutes.md").read_text(encoding="utf-8").encode("gb18030")
        )
        args += ["--provenance", "synthetic"]
    proc = run_cli(*args)
    assert proc.returncode == 2, proc.stderr
    assert f"({code})" in proc.stderr and "Traceback" not in proc.stderr
    assert "未归档任何内容" in proc.stderr and "Nothing was archived" in proc.stderr
    assert not (tmp_path / "library").exists()


def test_load_index_rebuilds_an_index_out_of_step(filed: dict[str, Path], tmp_path: Path) -> None:
    library = library_with(tmp_path, filed)
    second = variant(filed["run"], tmp_path / "run2", case_id="tiny-second")
    lib.archive(second, library, provenance="synthetic")
    (library / "index.json").write_text(
        '{"format": "fupan.case-index/1", "cases": []}', encoding="utf-8"
    )
    index = lib.load_index(library)
    assert sorted(e["case_id"] for e in index["cases"]) == ["tiny-second", CASE]
    assert json.loads((library / "index.json").read_text(encoding="utf-8")) == index
    (library / "index.json").write_text("{not json", encoding="utf-8")
    assert lib.load_index(library, repair=False)["cases"] == index["cases"]


# --------------------------------------------------------------------------- killed archives

#: the os functions an archive changes the disk with (also those shutil.rmtree calls): the child
#: process counts every call and dies (os._exit, no clean-up) at the N-th
STEPS = ("open", "write", "fsync", "close", "mkdir", "rename", "replace", "unlink", "rmdir")


def _child(
    run: Path,
    library: Path,
    *,
    force: bool,
    kill_at: int | None = None,
    fallback: bool = False,
    go: int | None = None,
    report: int | None = None,
) -> int:
    """Fork a process that archives ``run`` into ``library``; returns its pid.

    ``kill_at``: die at that file-system step; ``fallback``: no atomic exchange (the two-rename
    path); ``go``: wait for a byte on this pipe first; ``report``: write the number of steps
    taken and the seconds from the go signal to the end of the archive to this pipe (JSON).
    """
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        if go is not None:
            os.read(go, 1)
        t0 = time.perf_counter()
        count = [0]

        def step(fn):
            def wrapped(*args, **kwargs):
                count[0] += 1
                if count[0] == kill_at:
                    os._exit(137)
                return fn(*args, **kwargs)

            return wrapped

        if fallback:
            lib_fs._exchange = lambda a, b: False
        real_write = os.write
        for name in STEPS:
            setattr(os, name, step(getattr(os, name)))
        lib_fs._exchange = step(lib_fs._exchange)
        lib.archive(run, library, force=force, provenance="synthetic")
        if report is not None:
            real_write(
                report,
                json.dumps({"steps": count[0], "seconds": time.perf_counter() - t0}).encode(),
            )
        code = 0
    finally:
        os._exit(code)


def _wait(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _steps(run: Path, base: Path, tmp: Path, *, force: bool, fallback: bool = False) -> int:
    library = tmp / "count"
    shutil.copytree(base, library)
    r, w = os.pipe()
    assert _wait(_child(run, library, force=force, fallback=fallback, report=w)) == 0
    os.close(w)
    n = json.loads(os.read(r, 256))["steps"]
    os.close(r)
    shutil.rmtree(library)
    return n


def _visible(library: Path) -> dict[str, str]:
    """case id → content hash of every visible case, each fully checked (a half case raises)."""
    return {c.case_id: c.record["content_sha256"] for c in lib.check_library(library)}


def _raw_index(library: Path) -> dict[str, str] | None:
    try:
        text = (library / "index.json").read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    return {
        e["case_id"]: e["content_sha256"] for e in json.loads(text)["cases"]
    }  # always whole JSON


def _check_after_kill(
    library: Path, before: dict[str, str], after: dict[str, str], third: Path
) -> str:
    """The library a killed archive left: the state before or after it, never in between; the
    index never ahead of the folders; readers see exactly the complete cases; the next archive
    cleans up. Returns "before" or "after"."""
    from fupan.cases.site.build import load_library

    visible = _visible(library)
    assert visible in (before, after), visible
    raw = _raw_index(library)
    assert raw in (before, after) or (raw is None and before == {}), raw
    if raw == after:
        assert visible == after  # the index is rewritten only once the case is in place
    assert {e["case_id"]: e["content_sha256"] for e in lib.load_index(library)["cases"]} == visible
    assert sorted(c.id for c in load_library(library)[0]) == sorted(visible)
    state = "after" if visible == after and visible != before else "before"
    # the next archive clears what the killed one left behind and leaves a consistent index
    lib.archive(third, library, provenance="synthetic")
    assert sorted(p.name for p in library.iterdir() if p.name.startswith(".")) == [".lock"]
    assert (
        _raw_index(library)
        == _visible(library)
        == {**visible, "tiny-third": _visible(library)["tiny-third"]}
    )
    return state


@pytest.fixture(scope="module")
def runs(filed: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("variants")
    return {
        "second": variant(filed["run"], tmp / "second", case_id="tiny-second"),
        "rerun": variant(filed["run"], tmp / "rerun", name="测试活动（重跑）"),
        "third": variant(filed["run"], tmp / "third", case_id="tiny-third"),
    }


@pytest.mark.parametrize("kind", ["new", "replace", "replace-without-exchange"])
def test_killed_at_every_file_system_step(
    kind: str, filed: dict[str, Path], runs: dict[str, Path], tmp_path: Path
) -> None:
    base = filed["library"]
    force, fallback = kind != "new", kind == "replace-without-exchange"
    run = runs["second"] if kind == "new" else runs["rerun"]
    before = _visible(base)
    after = {
        **before,
        read_record(run / "case.json")["case_id"]: read_record(run / "case.json")["content_sha256"],
    }
    n = _steps(run, base, tmp_path, force=force, fallback=fallback)
    assert n >= 20, n
    outcomes, gaps = [], 0
    for kill_at in range(1, n + 1):
        library = tmp_path / f"lib-{kill_at}"
        shutil.copytree(base, library)
        assert _wait(_child(run, library, force=force, kill_at=kill_at, fallback=fallback)) == 137
        if fallback:
            # between "old case aside" and "new case in" the case is briefly absent; the index
            # then lists a case no folder holds, and load_index (like the next archive) puts the
            # old case back before rewriting the index
            gone = CASE not in {p.name for p in library.iterdir()}
            gaps += gone
            index = lib.load_index(library)
            if gone:
                assert (library / CASE / "case.json").is_file()
                assert [(e["case_id"], e["content_sha256"]) for e in index["cases"]] == list(
                    before.items()
                )
        outcomes.append(_check_after_kill(library, before, after, runs["third"]))
        shutil.rmtree(library)
    print(
        f"{kind}: {n} kill points → {outcomes.count('before')} left the library as before, "
        f"{outcomes.count('after')} with the new case in place"
        + (
            f"; {gaps} between the two renames, the old case put back by load_index"
            if fallback
            else ""
        )
    )
    assert outcomes[0] == "before" and outcomes[-1] == "after"  # the kill points span the commit
    assert gaps >= 1 or not fallback


@pytest.mark.parametrize("kind", ["new", "replace"])
def test_sigkill_at_random_moments(
    kind: str, filed: dict[str, Path], runs: dict[str, Path], tmp_path: Path
) -> None:
    base, force = filed["library"], kind == "replace"
    run = runs["second"] if kind == "new" else runs["rerun"]
    before = _visible(base)
    rec = read_record(run / "case.json")
    after = {**before, rec["case_id"]: rec["content_sha256"]}
    rng = random.Random(20251111)
    outcomes, spans = [], []
    for trial in range(30):
        # how long an archive takes right now (in the child, from the go signal to its end) …
        library = tmp_path / f"time-{trial}"
        shutil.copytree(base, library)
        r, w = os.pipe()
        res_r, res_w = os.pipe()
        pid = _child(run, library, force=force, go=r, report=res_w)
        os.write(w, b"g")
        assert _wait(pid) == 0
        spans.append(json.loads(os.read(res_r, 256))["seconds"])
        for fd in (r, w, res_r, res_w):
            os.close(fd)
        shutil.rmtree(library)
        # … and another one killed at a random moment within that time
        library = tmp_path / f"lib-{trial}"
        shutil.copytree(base, library)
        r, w = os.pipe()
        pid = _child(run, library, force=force, go=r)
        os.write(w, b"g")
        time.sleep(rng.uniform(0, spans[-1]))
        os.kill(pid, signal.SIGKILL)
        code = _wait(pid)
        os.close(r)
        os.close(w)
        assert code in (0, -signal.SIGKILL)
        outcomes.append(
            _check_after_kill(library, before, after, runs["third"]) + (" (killed)" if code else "")
        )
        shutil.rmtree(library)
    killed = [o for o in outcomes if o.endswith("(killed)")]
    print(
        f"{kind}: an archive takes {min(spans) * 1000:.0f}–{max(spans) * 1000:.0f} ms; 30 SIGKILLs within it: "
        f"{len(killed)} killed mid-way ({sum(o.startswith('before') for o in killed)} before the commit, "
        f"{sum(o.startswith('after') for o in killed)} after it), {30 - len(killed)} finished first"
    )
    assert len(killed) >= 10 and all(o == "after" for o in outcomes if o not in killed)


def test_several_runs_are_archived_each_on_its_own_and_refusals_name_their_run(
    filed: dict[str, Path], tmp_path: Path
) -> None:
    """`fupan archive BAD GOOD`: the refusal of BAD named only 'campaign.yaml', said 'Nothing
    was archived' and GOOD was skipped without a word (in the other order GOOD was archived and
    then called not). Each run is archived or refused on its own now; a refusal names its run;
    a closing line counts both; exit 2."""
    bad = tmp_path / "bad-run"
    bad.mkdir()  # no case.json, no report: not a run
    library = tmp_path / "library"
    proc = run_cli(
        "archive", str(bad), str(filed["run"]), "--library", str(library),
        "--provenance", "synthetic",
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert f"未归档 not archived: {bad}" in proc.stderr and "Traceback" not in proc.stderr
    assert "1 archived, 1 not archived" in proc.stderr and "1 个已归档、1 个未归档" in proc.stderr
    assert (library / CASE / "case.json").is_file()  # the good run is in
    assert "已归档 archived" in proc.stdout and CASE in proc.stdout

"""Honest packaging: the built wheel, installed in a fresh venv, runs a retrospective on its own.

The wheel is built offline from a copy of the sources (pyproject.toml, README.md, lib/) with the
locked setuptools, installed without dependencies into a new venv, and that venv's ``fupan run``
is run on the tiny campaign from a folder outside the repository. Third-party packages come from
the project's venv through PYTHONPATH (the lock, reused cheaply); fupan itself must come from the
wheel — so a template, SQL file, stylesheet or font rule read from the source tree instead of the
package fails here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, write_campaign

pytestmark = pytest.mark.slow


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("wheel-src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "lib",
        src / "lib",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", ".*_cache"),
    )
    dist = tmp_path_factory.mktemp("dist")
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(dist),
            str(src),
        ]
    )
    (built,) = dist.glob("fupan-*.whl")
    return built


def test_the_wheel_holds_everything_read_at_run_time(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    tracked = _run(["git", "ls-files", "--", "lib/fupan"], cwd=ROOT).stdout.split()
    packaged = {Path(p).relative_to("lib").as_posix() for p in tracked if (ROOT / p).is_file()}
    assert packaged <= names, sorted(packaged - names)  # every file of the package, data included
    assert "fupan/report/templates/retrospective.ipynb" in names
    assert "fupan/extract/sql/ab_arms.sql" in names and "fupan/report/report.css" in names
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = [
        line
        for line in zipfile.ZipFile(wheel).read(meta).decode().splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    assert any(r.startswith("Requires-Dist: pandas<4,>=3.1") for r in requires), requires
    assert all(("<" in r and ">=" in r) for r in requires), (
        requires
    )  # ranges, not pins or bare names


def test_fupan_run_from_the_installed_wheel(wheel, tmp_path):
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    py = venv / "bin" / "python"
    purelib = _run(
        [str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]
    ).stdout.strip()
    _run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "-q",
            "--target",
            purelib,
            str(wheel),
        ]
    )
    # the console script as pip writes it for that venv (pip --target does not write scripts)
    lock = sysconfig.get_paths()["purelib"]  # the project venv: pandas, papermill … but not fupan
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PYTHONPATH"] = lock
    # the lock's data files (nbconvert's base templates, the kernel spec) live under its prefix
    env["JUPYTER_PATH"] = str(Path(sys.prefix) / "share" / "jupyter")
    where = _run(
        [
            str(py),
            "-c",
            "import fupan, fupan.config as c; print(fupan.__file__); print(c.TEMPLATE)",
        ],
        env=env,
        cwd=tmp_path,
    ).stdout.split()
    assert all(Path(p).is_relative_to(venv) for p in where), where  # fupan from the wheel, not lib/
    assert Path(where[1]).is_file()

    campaign = write_campaign(tmp_path / "tiny")
    out = tmp_path / "reports"
    proc = _run(
        [str(py), "-m", "fupan.cli", "run", str(campaign), "--out", str(out), "--quiet"],
        env=env,
        cwd=tmp_path,
    )
    case_dir = out / "tiny-test"
    assert (case_dir / "report.html").stat().st_size > 10_000, proc.stderr[-2000:]
    record = json.loads((case_dir / "case.json").read_text(encoding="utf-8"))
    assert (
        record["case_id"] == "tiny-test"
        and record["parameters"]["template"] == "retrospective.ipynb"
    )
    # by hand (tests/test_extract.py): the campaign proper is the burst, GMV 360 + 80 = 440
    assert record["kpis"]["campaign"]["gmv"] == pytest.approx(440.0)
    assert "测试活动" in (case_dir / "report.html").read_text(encoding="utf-8")

"""The seed case library: the recipes of the cases a fresh clone builds with ``make library``.

Sixteen cases, enough for ``fupan compare`` and ``fupan site`` to mean something before a team has
archived its own:

- three **real** ones from UCI Online Retail (a UK online gift retailer, 2010-12 … 2011-12; read
  from ``../shared/datasets``, never copied into the repository): its November 2011 peak, the
  2011 run-up to Christmas, and the December 2010 season, which has almost no history before it;
- thirteen **synthetic** ones: the twelve presets of :mod:`fupan.demo.scenarios` (seven
  platforms, nine categories, shops from scale 0.1 to 3, and the failures the case method warns
  about) and the demo shop's 618, the previous case of the demo campaign.

Nothing generated is committed. The recipe (:mod:`.seed_cards` and the presets) is: ``python -m
fupan.demo.seeds`` writes each campaign folder into ``build/seeds/campaigns/<id>/`` (skipped when
its recipe is unchanged), runs ``fupan run`` on those whose archived case is missing or stale
(``jobs`` at a time, from inside ``build/seeds`` and with ``--no-library``: seed cases are not
benchmarked against each other),
and files them with ``fupan archive --force`` into the library. A case is current when its
record's input hashes (card and tables), library version and 口径 version are those of today's
folder and code; a current case is left alone, so a second ``make library`` takes seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..dictionary import DEFINITIONS_VERSION
from .generator import GENERATOR_VERSION
from .seed_cards import (  # noqa: F401  (the recipes, re-exported)
    HUAYANG_618,
    OVERLAYS,
    REAL,
    SEEDS,
    RealSeed,
    SyntheticSeed,
    with_overlay,
)

HERE = Path(__file__).resolve().parent


# --------------------------------------------------------------------------- building


def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def recipe_key(seed: RealSeed | SyntheticSeed, uci: Path | None = None) -> str:
    """What the campaign folder is made from: the recipe, the generator's version and the source of
    the demo package (and, for a real seed, the size and time of the UCI file)."""
    parts = [repr(seed), GENERATOR_VERSION, *(_sha(p) for p in sorted(HERE.rglob("*.py")))]
    if isinstance(seed, RealSeed):
        st = seed.source(uci).stat()
        parts.append(f"{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _inputs(folder: Path) -> dict[str, str]:
    """SHA-256 of the card and of each table it names (what a run records under data.files)."""
    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    names = ["campaign.yaml", *sorted(set((card.get("tables") or {}).values()))]
    return {n: _sha(folder / n) for n in names}


def _library_version() -> str:
    """``fupan.__version__``, read from the already imported package: importing ``fupan`` here would
    tie demo/ to every layer the package's root re-exports (see the import contracts)."""
    return str(sys.modules["fupan"].__version__)


def is_current(case: Path, folder: Path) -> bool:
    """Was the archived case made from exactly this folder, by this library and 口径 version?"""
    try:
        record = json.loads((case / "case.json").read_text(encoding="utf-8"))
        meta = json.loads((case / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        record.get("data", {}).get("files") == _inputs(folder)
        and record.get("library_version") == _library_version()
        and record.get("definitions_version") == DEFINITIONS_VERSION
        and meta.get("content_sha256") == record.get("content_sha256")
    )


@dataclass(frozen=True)
class Built:
    case_id: str
    status: str  # "built" | "current" | "skipped" | "failed"
    seconds: float
    note: str = ""


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _write(seed: RealSeed | SyntheticSeed, campaigns: Path, uci: Path | None) -> Path:
    folder = campaigns / seed.case_id
    stamp = campaigns / f".{seed.case_id}.recipe"
    key = recipe_key(seed, uci)
    if folder.joinpath("campaign.yaml").is_file() and stamp.is_file() and stamp.read_text() == key:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    seed.write(folder, uci)
    stamp.write_text(key)
    return folder


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fupan.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )


def build(
    library: Path | str = Path("case_library"),
    work: Path | str = Path("build/seeds"),
    *,
    jobs: int = 2,
    force: bool = False,
    only: list[str] | None = None,
    uci: Path | None = None,
) -> list[Built]:
    """Build (or bring up to date) the seed cases in ``library``; see the module docstring."""
    library, work = Path(library).resolve(), Path(work).resolve()
    campaigns = work / "campaigns"
    campaigns.mkdir(parents=True, exist_ok=True)
    seeds = [s for s in SEEDS if not only or s.case_id in only]
    results: dict[str, Built] = {}
    if any(isinstance(s, RealSeed) for s in seeds):
        source = REAL[0].source(uci)
        if not source.is_file():
            _say(
                f"! 找不到 UCI Online Retail（{source}），跳过 {len(REAL)} 个真实数据案例。"
                f"UCI Online Retail not found at {source}: the {len(REAL)} real cases are skipped."
            )
            for s in seeds:
                if isinstance(s, RealSeed):
                    results[s.case_id] = Built(s.case_id, "skipped", 0.0, f"no {source}")
            seeds = [s for s in seeds if not isinstance(s, RealSeed)]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        folders = dict(
            zip(
                [s.case_id for s in seeds],
                pool.map(lambda s: _write(s, campaigns, uci), seeds),
                strict=True,
            )
        )
    _say(
        f"· {len(folders)} 个活动文件夹 campaign folders ready in {time.perf_counter() - t0:.1f} s ({campaigns})"
    )
    todo = []
    for s in seeds:
        if not force and is_current(library / s.case_id, folders[s.case_id]):
            results[s.case_id] = Built(s.case_id, "current", 0.0)
        else:
            todo.append(s)
    # the heaviest first, so that the pool is not left waiting on one big shop at the end
    todo.sort(key=lambda s: -(s.spec.scale if isinstance(s, SyntheticSeed) else 1.0))

    def run(s: RealSeed | SyntheticSeed) -> Built:
        t = time.perf_counter()
        # --no-library: seed cases are not benchmarked against each other (that would go in a
        # circle: each record would depend on the others' records)
        proc = _cli(
            "run", f"campaigns/{s.case_id}", "--out", "reports", "--quiet", "--no-library", cwd=work
        )
        took = time.perf_counter() - t
        if proc.returncode != 0:
            return Built(s.case_id, "failed", took, proc.stderr.strip()[-2000:])
        _say(f"  ✔ {s.case_id}: fupan run {took:.1f} s")
        return Built(s.case_id, "built", took)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for b in pool.map(run, todo):
            results[b.case_id] = b
    built = [s.case_id for s in todo if results[s.case_id].status == "built"]
    if built:
        proc = _cli(
            "archive",
            *(f"reports/{i}" for i in built),
            "--library",
            str(library),
            "--force",
            cwd=work,
        )
        if proc.returncode != 0:
            for i in built:
                results[i] = Built(i, "failed", results[i].seconds, proc.stderr.strip()[-2000:])
    order = [s.case_id for s in SEEDS if s.case_id in results]
    return [results[i] for i in order]


def summary(items: list[Built], seconds: float) -> str:
    label = {
        "built": "✔ 已生成 built",
        "current": "= 未变 current",
        "skipped": "- 跳过 skipped",
        "failed": "✘ 失败 failed",
    }
    width = max(len(i.case_id) for i in items) if items else 8
    lines = [
        f"{i.case_id:<{width}}  {i.seconds:6.1f} s  {label[i.status]}"
        + (f"  ({i.note})" if i.note and i.status == "skipped" else "")
        for i in items
    ]
    counts = {k: sum(i.status == k for i in items) for k in label}
    lines.append(
        f"种子案例库 seed library: {counts['built']} built, {counts['current']} current, "
        f"{counts['skipped']} skipped, {counts['failed']} failed — {seconds:.0f} s"
    )
    for i in items:
        if i.status == "failed":
            lines += ["", f"── {i.case_id}", i.note]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m fupan.demo.seeds",
        description="Build the seed case library (make library). 生成种子案例库。",
    )
    ap.add_argument(
        "--library", type=Path, default=Path("case_library"), help="the case library folder"
    )
    ap.add_argument(
        "--work",
        type=Path,
        default=Path("build/seeds"),
        help="where campaign folders and runs are kept (ignored by git)",
    )
    ap.add_argument("--jobs", "-j", type=int, default=2, help="retrospectives run at the same time")
    ap.add_argument("--force", action="store_true", help="re-run and re-archive every seed case")
    ap.add_argument("--only", nargs="*", help="only these case ids")
    ap.add_argument(
        "--uci",
        type=Path,
        default=None,
        help="UCI Online Retail parquet (default ../shared/datasets/…)",
    )
    ap.add_argument("--list", action="store_true", help="list the seed cases and exit")
    args = ap.parse_args(argv)
    if args.list:
        for s in SEEDS:
            kind = "real" if isinstance(s, RealSeed) else f"synthetic ({s.spec.key})"
            sys.stdout.write(f"{s.case_id}\t{kind}\n")
        return 0
    t0 = time.perf_counter()
    items = build(
        args.library, args.work, jobs=args.jobs, force=args.force, only=args.only, uci=args.uci
    )
    sys.stdout.write(summary(items, time.perf_counter() - t0) + "\n")
    return 1 if any(i.status == "failed" for i in items) else 0


if __name__ == "__main__":
    raise SystemExit(main())

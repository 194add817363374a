"""The seed case library: the recipes of the cases a fresh clone builds with ``make library``.

Fifteen cases, enough for ``fupan compare`` and ``fupan site`` to mean something before a team has
archived its own:

- three **real** ones from UCI Online Retail (a UK online gift retailer, 2010-12 … 2011-12; read
  from ``../shared/datasets``, never copied into the repository): its November 2011 peak, the
  2011 run-up to Christmas, and the December 2010 season, which has almost no history before it;
- twelve **synthetic** ones, the presets of :mod:`fupan.demo.scenarios`: seven platforms, nine
  categories, shops from scale 0.1 to 3, and the failures the case method warns about.

Nothing generated is committed. The recipe (this file and the presets) is: ``python -m
fupan.demo.seeds`` writes each campaign folder into ``build/seeds/campaigns/<id>/`` (skipped when
its recipe is unchanged), runs ``fupan run`` on those whose archived case is missing or stale
(``jobs`` at a time, from inside ``build/seeds`` so that no case library is in sight of the run),
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..dictionary import DEFINITIONS_VERSION
from .generator import GENERATOR_VERSION
from .realdata import default_uci_path, uci_campaign
from .scenarios import PRESETS, write_preset

HERE = Path(__file__).resolve().parent

# --------------------------------------------------------------------------- the real cases

_UCI_MARKET = (
    "真实数据：UCI Online Retail（Chen, Sain & Guo 2012，CC BY 4.0），一家英国在线礼品零售商 2010-12-01 至 "
    "2011-12-09 的全部交易；很多买家是批发商（单笔数量大）；金额为英镑。Real data: UCI Online Retail, every "
    "transaction of a UK online gift retailer, many of whose buyers are wholesalers; amounts in GBP."
)
_UCI_UNKNOWN = (
    "数据中没有促销、投放、流量与库存记录：窗口标的是季节高峰，不是计划的活动；转化率、投产比、利润ROI与断货无法测量；"
    "取消单、无客户编号的行与非正数量的行已剔除。No promotion, spend, traffic or stock is recorded: the windows "
    "mark a seasonal peak, not a planned campaign; CR, ROAS, margin ROI and stock-outs cannot be measured; "
    "cancellations, lines without a CustomerID and non-positive quantities are dropped."
)
_UCI_TAGS = [
    "真实数据",
    "real-data",
    "批发",
    "wholesale",
    "英国",
    "UK",
    "季节高峰",
    "seasonal-peak",
    "无促销记录",
    "no-promotion-recorded",
    "GBP",
]


@dataclass(frozen=True)
class RealSeed:
    """A campaign folder cut from UCI Online Retail (:func:`fupan.demo.realdata.uci_campaign`)."""

    case_id: str
    name: str
    windows: dict[str, tuple[str, str]]
    card: dict[str, Any]

    def write(self, out: Path, uci: Path | None = None) -> Path:
        extra = {"provenance": "real", **self.card}
        return uci_campaign(
            out,
            source=uci,
            windows=self.windows,
            case_id=self.case_id,
            name=self.name,
            card_extra=extra,
        )

    def source(self, uci: Path | None) -> Path:
        return Path(uci) if uci else default_uci_path()


@dataclass(frozen=True)
class SyntheticSeed:
    """A scenario preset of :mod:`fupan.demo.scenarios`."""

    preset: str
    case_id: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "case_id", PRESETS[self.preset].case_id)

    def write(self, out: Path, uci: Path | None = None) -> Path:
        return write_preset(self.preset, out)


REAL: tuple[RealSeed, ...] = (
    RealSeed(
        "uci-2011-11-peak",
        "英国礼品电商 2011年11月旺季高峰（UCI Online Retail）",
        {
            "baseline": ("2011-08-01", "2011-09-30"),
            "preheat": ("2011-10-01", "2011-10-31"),
            "burst": ("2011-11-01", "2011-11-30"),
            "dip": ("2011-12-01", "2011-12-09"),
        },
        {
            "background": {
                "market": _UCI_MARKET,
                "competition": "未知（数据中没有）。Unknown: not in the data.",
                "product": f"全场礼品与家居小物，约四千个商品编号。{_UCI_UNKNOWN}",
                "team": "未知。Unknown.",
            },
            "strategy": {
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "11月日均GMV至少是8–9月基线的1.5倍",
                        "kpi": "gmv_index",
                        "op": ">=",
                        "value": 150,
                        "window": "burst",
                    },
                    {
                        "id": "H2",
                        "text": "旺季新客占比不低于20%（圣诞采购带来新买家）",
                        "kpi": "new_customer_share",
                        "op": ">=",
                        "value": 0.2,
                        "window": "burst",
                    },
                ]
            },
            "retrospective": {
                "went_well": [
                    "2011年11月是数据中GMV与订单数最高的一个月（约£116万、2,657单），日均GMV指数约148（8–9月基线=100）",
                    "旺季的首购客30天内再次下单的比例高于非旺季的首购客",
                ],
                "to_improve": [
                    "爆发期新客占比（约19%）低于基线（约26%）：旺季主要靠老买家加单，不是拉新",
                    "回落期只有9天（数据止于2011-12-09），且12月9日一张约£16.8万的批发单占当天GMV的九成："
                    "回落期反而高于预期，透支无法评估",
                    "没有促销、投放与库存记录，无法区分季节性与经营动作的效果",
                    "批发与零售买家混在一起，客单价与新客质量被少数大买家主导",
                ],
                "actions": [
                    {"what": "复盘前先把批发买家（单笔数量大）与零售买家分开统计"},
                    {"what": "记录每次促销、投放与断货，下个旺季才能估计增量"},
                ],
            },
            "tags": [*_UCI_TAGS, "11月", "november"],
        },
    ),
    RealSeed(
        "uci-2011-xmas-run-up",
        "英国礼品电商 2011 圣诞前备货期（UCI Online Retail）",
        {
            "baseline": ("2011-09-05", "2011-10-02"),
            "preheat": ("2011-10-03", "2011-11-06"),
            "burst": ("2011-11-07", "2011-12-09"),
        },
        {
            "background": {
                "market": _UCI_MARKET,
                "competition": "未知（数据中没有）。Unknown: not in the data.",
                "product": f"圣诞前五周（至数据最后一天）：礼品零售商与批发买家的最后备货。{_UCI_UNKNOWN}",
                "team": "未知。Unknown.",
            },
            "strategy": {
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "圣诞前五周日均GMV至少是9月基线的1.3倍",
                        "kpi": "gmv_index",
                        "op": ">=",
                        "value": 130,
                        "window": "burst",
                    }
                ]
            },
            "retrospective": {
                "went_well": ["圣诞前五周日均GMV指数约140（9月基线=100），日均约90单，基线约57单"],
                "to_improve": [
                    "爆发期新客占比（约17%）低于基线（约23%）：增长来自老买家",
                    "数据止于2011-12-09，没有活动后的回落期：无法估计透支，增量只计到爆发期末",
                    "基线取9月，本身已处在秋季上升期，增量被低估的可能大于高估",
                    "没有流量与投放数据，转化率与投产比无法测量",
                ],
                "actions": [{"what": "保留至少一年的历史与活动后四周的数据，再评估圣诞季"}],
            },
            "tags": [*_UCI_TAGS, "圣诞", "christmas"],
        },
    ),
    RealSeed(
        "uci-2010-12-season",
        "英国礼品电商 2010 年12月季（UCI Online Retail，历史极短）",
        {
            "baseline": ("2010-12-01", "2010-12-05"),
            "burst": ("2010-12-06", "2010-12-23"),
            "dip": ("2011-01-04", "2011-01-31"),
        },
        {
            "background": {
                "market": _UCI_MARKET,
                "competition": "未知（数据中没有）。Unknown: not in the data.",
                "product": (
                    "数据从2010-12-01开始：基线只有季节本身的头5天，之前没有任何历史，所以“新客”几乎就是所有人，"
                    "同比与新老客区分都做不到；12月24日至1月3日店铺停业。Orders start on 2010-12-01: the baseline is "
                    "the season's own first 5 days, there is no history before it, so nearly every buyer counts as "
                    f"new and no year-on-year comparison exists; the shop was closed 24 Dec – 3 Jan. {_UCI_UNKNOWN}"
                ),
                "team": "未知。Unknown.",
            },
            "strategy": {
                "hypotheses": [
                    {
                        "id": "H1",
                        "text": "12月中旬日均GMV不低于12月头5天",
                        "kpi": "gmv_index",
                        "op": ">=",
                        "value": 100,
                        "window": "burst",
                    }
                ]
            },
            "retrospective": {
                "went_well": ["12月6日至16日的日销大多在£2.8万–£5.4万之间，与头5天相近"],
                "to_improve": [
                    "圣诞前最后一周（12-19至12-23）日销跌到£0.5万–£2万：批发买家的圣诞备货在12月中旬前已完成，"
                    "爆发期日均GMV指数只有约79",
                    "历史太短：基线就是旺季本身，增量、新客质量与透支都不可信，本案例只适合作季节形状的参照",
                    "1月的回落混合了节后淡季与停业后的恢复，不能当作透支",
                ],
                "actions": [{"what": "对比时以2011年的同期案例为准，本案例只看形状"}],
            },
            "tags": [*_UCI_TAGS, "历史不足", "short-history", "12月", "december"],
        },
    ),
)

SEEDS: tuple[RealSeed | SyntheticSeed, ...] = (*REAL, *(SyntheticSeed(k) for k in PRESETS))


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
    parts = [repr(seed), GENERATOR_VERSION, *(_sha(p) for p in sorted(HERE.glob("*.py")))]
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
    todo.sort(key=lambda s: -(PRESETS[s.preset].scale if isinstance(s, SyntheticSeed) else 1.0))

    def run(s: RealSeed | SyntheticSeed) -> Built:
        t = time.perf_counter()
        proc = _cli("run", f"campaigns/{s.case_id}", "--out", "reports", "--quiet", cwd=work)
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
            kind = "real" if isinstance(s, RealSeed) else f"synthetic ({s.preset})"
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

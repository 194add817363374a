"""The ``fupan`` command: validate a campaign folder, run its retrospective, make the demo.

Every user mistake ends with a bilingual message and a non-zero exit code (2 for invalid input,
3 for a failing report cell, 1 for a file system error such as a full disk or a file in the way),
never a traceback.
"""

from __future__ import annotations

import datetime as dt
import os
import shlex
import sys
import time
import warnings
from pathlib import Path
from typing import Annotated

import typer

from . import config
from .errors import FupanError, ValidationError
from .progress import on_terminal, watched

# ``python -m fupan.cli batch``: multiprocessing runs the main module again in each run's process,
# which has it imported already (fupan.batch.PRELOAD) — a warning per run on the batch's stderr
warnings.filterwarnings(
    "ignore", message="'fupan.cli' found in sys.modules", category=RuntimeWarning
)

#: ``FUPAN_HUGE_PAGES=1`` in the environment leaves transparent huge pages as the system has them
HUGE_PAGES_ENV = "FUPAN_HUGE_PAGES"


def no_huge_pages() -> bool:
    """Ask Linux for no transparent huge pages in this process and every process it starts (the
    report's kernel, a batch's runs: ``PR_SET_THP_DISABLE`` is inherited across fork and exec),
    unless ``$FUPAN_HUGE_PAGES`` is ``1``, which asks for the system's own setting back (for a
    process whose parent turned them off). True when huge pages were turned off.

    DuckDB maps its large buffers (aggregate hash tables) with ``MADV_HUGEPAGE`` and NumPy every
    array of 4 MiB or more. Where the first touch of a huge page is dear — on the virtual machines
    fupan was measured on, zeroing 2 MiB pages took most of a big run's system time — that costs
    more than the fewer page faults save: grouping 50M behaviour events into 25M customer-days
    took 5.5–5.8 s with them and 3.5–3.9 s without (system CPU 4.4 → 0.8 s); NumPy's arrays made
    the per-customer analyses of 8M orders take 9.2–9.5 s against 5.5–5.6 s. NumPy's own request
    is also turned off (``NUMPY_MADVISE_HUGEPAGE=0`` unless the environment sets it), for a system
    where the process-wide switch is refused."""
    keep = os.environ.get(HUGE_PAGES_ENV) == "1"
    if not keep:
        os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        # PR_SET_THP_DISABLE (Linux ≥ 3.15): 1 turns them off, 0 back to the system's setting
        done = libc.prctl(41, 0 if keep else 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
    return done and not keep


#: The environment variable OpenBLAS (NumPy's and SciPy's linear algebra) reads its thread count
#: from, once, when the library is loaded.
BLAS_THREADS_ENV = "OPENBLAS_NUM_THREADS"


def single_threaded_blas() -> None:
    """One OpenBLAS thread in this process and every process it starts (the report's kernel, a
    batch's runs), unless the environment already says how many.

    fupan's linear algebra is small (regressions over days, the customer-value fits' few
    parameters): a profile of 8 demo campaigns run two at a time found OpenBLAS's own worker
    threads spinning while they waited for work — 6.7 % of the batch's CPU, against 0.05 % in the
    matrix products themselves — taken from the run beside them. With one thread: 39.6–40.3 s
    against 42.6 s for the batch (``--jobs 2``), ``--jobs 1`` unchanged; a lone run of 10M order
    lines 43.4–44.2 s against 44.8–45.3 s (three alternated pairs, ~2.5 user CPU-seconds less).
    An ``OPENBLAS_NUM_THREADS`` the environment sets is kept."""
    os.environ.setdefault(BLAS_THREADS_ENV, "1")


#: glibc's malloc settings (``mallopt``) for fupan's processes: (environment variable, mallopt
#: parameter number, value). Allocations under 32 MiB from the heap, not each a fresh ``mmap``
#: (glibc's threshold starts at 128 KiB and only rises as such blocks are freed); freed heap kept
#: up to 1 GiB for the next allocation instead of given back; the heap grown 256 MiB at a time.
MALLOC_SETTINGS = (
    ("MALLOC_MMAP_THRESHOLD_", -3, 32 * 1024**2),
    ("MALLOC_TRIM_THRESHOLD_", -1, 1024**3),
    ("MALLOC_TOP_PAD_", -2, 256 * 1024**2),
)


def reused_memory() -> None:
    """Ask glibc's malloc to reuse the memory pandas and NumPy free rather than map fresh pages,
    which Linux must zero (:data:`MALLOC_SETTINGS`): in this process through ``mallopt``, and in
    every process it starts (the report's kernel, a batch's forkserver and runs) through the
    environment glibc reads when a process starts — unless the environment sets them already.

    Four alternated pairs of 10M-order-line runs: 45.4–46.8 s against 47.0–47.9 s (mean −1.2 s),
    ~1 system CPU-second less each; the largest process's peak RSS within 10 MB."""
    for name, _, value in MALLOC_SETTINGS:
        os.environ.setdefault(name, str(value))
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc
        return
    for name, param, _ in MALLOC_SETTINGS:
        value = os.environ[name]
        if value.isdigit():
            mallopt(param, int(value))


# before anything imports NumPy (it reads NUMPY_MADVISE_HUGEPAGE and OpenBLAS its thread count at
# import) or starts a process
no_huge_pages()
single_threaded_blas()
reused_memory()

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="fupan 复盘 — e-commerce campaign retrospectives. 电商大促复盘工具。",
)

Lang = Annotated[str, typer.Option("--lang", help="report language: zh (default) or en / 报告语言")]


def _echo_warnings(warnings) -> None:
    for w in warnings:
        typer.echo(w.format(), err=True)


def _progress_echo(message: str) -> None:
    """A long step's line, printed between the progress bar's redraws (fupan.progress)."""
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)


#: ``--as-of``: a war report (战报) of a campaign still running
AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        metavar="YYYY-MM-DD",
        help="a war report (战报) of a campaign still running: count up to this day (inclusive), "
        "the windows after it left out; the record cannot be archived",
    ),
]


def _as_of(value: str | None) -> dt.date | None:
    """``--as-of``'s day; a bilingual error for anything but an ISO date."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            [_bad_option("--as-of", value, "日期 YYYY-MM-DD", "a date, YYYY-MM-DD")]
        ) from None


def _validate(folder: Path, as_of: dt.date | None = None):
    from .ingest.validate import open_campaign

    typer.echo(f"校验 Validating {folder} …", err=True)
    campaign = open_campaign(folder, as_of=as_of)
    _echo_warnings(campaign.warnings)
    return campaign


@app.command()
def validate(
    folder: Annotated[Path, typer.Argument(help="campaign folder (campaign.yaml + tables)")],
    as_of: AsOf = None,
) -> None:
    """Check a campaign folder against its contract; write nothing. 校验活动文件夹，不写任何文件。"""
    day = _as_of(as_of)
    with watched(_progress_echo):
        campaign = _validate(folder, day)
    counts = ", ".join(
        f"{n}: {campaign.con.execute(f'SELECT count(*) FROM {n}').fetchall()[0][0]:,} rows"
        for n in campaign.tables
    )
    typer.echo(f"✔ 校验通过 valid: {campaign.card.id} ({counts})")


@app.command()
def run(
    folder: Annotated[Path, typer.Argument(help="campaign folder (campaign.yaml + tables)")],
    out: Annotated[
        Path, typer.Option("--out", help="output root; files go to OUT/<case id>/")
    ] = config.REPORTS,
    lang: Lang = "zh",
    template: Annotated[Path | None, typer.Option(help="report template notebook")] = None,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", help="no progress: no cell bar (drawn on a terminal only), no step lines"
        ),
    ] = False,
    share_safe: Annotated[
        bool,
        typer.Option(
            "--share-safe",
            help="write only OUT/<case id>/share/report.html for wider circulation: shop name "
            "masked, money as an index (baseline daily GMV = 100), no code, no case.json",
        ),
    ] = False,
    archive_case: Annotated[
        bool,
        typer.Option(
            "--archive",
            help="then file the run in the case library, as fupan archive does / 完成后归档到案例库",
        ),
    ] = False,
    library: Annotated[
        Path,
        typer.Option(
            "--library",
            help="the case library folder: the report benchmarks against it and carries over "
            "the shop's open actions when it exists",
        ),
    ] = config.CASE_LIBRARY,
    no_library: Annotated[
        bool,
        typer.Option(
            "--no-library", help="leave the case library out of the report (no benchmark part)"
        ),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="with --archive: replace a case of the same id")
    ] = False,
    provenance: Annotated[
        str | None,
        typer.Option(
            "--provenance", help="with --archive, when the card does not say it: real | synthetic"
        ),
    ] = None,
    as_of: AsOf = None,
) -> None:
    """Validate, execute the template and write report.html, report.ipynb and case.json. 生成复盘报告。

    With --as-of, a war report (战报) of a campaign still running, for the daily meeting.
    """
    t0 = time.perf_counter()  # "done in" counts the whole command, imports included
    if lang not in ("zh", "en"):
        raise ValidationError([_bad_option("--lang", lang, "zh 或 en", "zh or en")])
    day = _as_of(as_of)
    if day is not None and archive_case:
        raise ValidationError(
            [
                _bad_option(
                    "--archive",
                    "--as-of",
                    "不与 --as-of 同用（战报不归档，活动结束后再复盘归档）",
                    "not combined with --as-of (a war report is not archived: archive the "
                    "retrospective once the campaign is over)",
                )
            ]
        )
    _check_out(out)
    template = template or config.TEMPLATE
    if not template.is_file():
        raise ValidationError(
            [
                _bad_option(
                    "--template", str(template), "存在的 .ipynb 文件", "an existing .ipynb file"
                )
            ]
        )
    from .report.kernel import warm_kernel
    from .slots import switch

    switch("validate")  # under fupan batch: wait for a free core (fupan.slots); else nothing
    # the kernel starts first and imports the report's libraries while this process imports its
    # own and validates (fupan.report.kernel); it is stopped on every way out. Long steps, here
    # and in the kernel (which inherits the progress file), are printed as they go
    with watched(_progress_echo, enabled=not quiet), warm_kernel(folder.resolve()) as kernel:
        from .report.run import run as run_report

        t1 = time.perf_counter()
        campaign = _validate(folder, day)
        validated = time.perf_counter() - t1
        if archive_case:  # refuse before the long run, not after it
            from .cases.library import check_conflict, resolve_provenance

            if share_safe:
                campaign.con.close()
                raise ValidationError(
                    [
                        _bad_option(
                            "--archive",
                            "--share-safe",
                            "不与 --share-safe 同用（对外分享版没有 case.json）",
                            "not combined with --share-safe (a share-safe run writes no case.json)",
                        )
                    ]
                )
            try:
                resolve_provenance(campaign.card.provenance, provenance)
                check_conflict(library, campaign.card.id, force=force)
            except Exception:
                campaign.con.close()
                raise
        reproduce = shlex.join(
            ["fupan", "run", str(folder), "--out", str(out), "--lang", lang]
            + ([] if template == config.TEMPLATE else ["--template", str(template)])
            + ([] if day is None else ["--as-of", day.isoformat()])
        )
        kind = "对外分享版 share-safe " if share_safe else ""
        typer.echo(f"执行报告模板 Executing {kind}{template.name} …", err=True)
        try:
            result = run_report(
                campaign,
                out,
                lang=lang,
                template=template,
                reproduce=reproduce,
                progress=not quiet and on_terminal(),
                share_safe=share_safe,
                library=None if no_library else library,
                kernel=kernel,
            )
        finally:
            campaign.con.close()
    took = (
        f"✔ 完成 done in {time.perf_counter() - t0:.1f} s "
        f"(校验 validation {validated:.1f} s · 报告 report {result.seconds:.1f} s)"
    )
    if share_safe:
        typer.echo(f"{took}\n  share-safe HTML: {result.html}")
        return
    typer.echo(
        f"{took}\n  HTML:     {result.html}\n  notebook: {result.notebook}\n  case:     {result.case}"
        + (f"\n  minutes:  {result.minutes}" if result.minutes else "")
    )
    if archive_case:
        from .cases.library import archive as archive_run

        typer.echo(
            _archived(archive_run(result.case.parent, library, force=force, provenance=provenance))
        )


@app.command()
def archive(
    runs: Annotated[
        list[Path],
        typer.Argument(help="finished runs: reports/<case id> (case.json + report.html)"),
    ],
    library: Annotated[
        Path, typer.Option("--library", help="the case library folder")
    ] = config.CASE_LIBRARY,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="replace a case of the same id (the old one is removed "
            "only once the new one is in place)",
        ),
    ] = False,
    provenance: Annotated[
        str | None,
        typer.Option("--provenance", help="when the card does not say it: real | synthetic"),
    ] = None,
    card: Annotated[
        Path | None,
        typer.Option(
            "--card",
            help="the campaign.yaml to keep; must be the card the run analysed (one run only)",
        ),
    ] = None,
) -> None:
    """File finished runs in the case library, each atomically; never replace without --force. 归档到案例库。"""
    from .cases.library import archive as archive_run

    if card is not None and len(runs) > 1:
        raise ValidationError(
            [_bad_option("--card", str(card), "只与一个运行结果同用", "used with one run only")]
        )
    if len(runs) == 1:
        done = archive_run(runs[0], library, force=force, provenance=provenance, card=card)
        typer.echo(_archived(done))
        return
    # several runs: each is archived or refused on its own, the refusals named by their run
    refused: list[tuple[Path, FupanError]] = []
    for run_dir in runs:
        try:
            done = archive_run(run_dir, library, force=force, provenance=provenance, card=card)
        except FupanError as exc:
            refused.append((run_dir, exc))
            typer.echo(f"✘ 未归档 not archived: {run_dir}\n{exc}", err=True)
            continue
        typer.echo(_archived(done))
    if refused:
        typer.echo(
            f"{len(runs) - len(refused)} 个已归档、{len(refused)} 个未归档："
            f"{', '.join(str(r) for r, _ in refused)}\n"
            f"{len(runs) - len(refused)} archived, {len(refused)} not archived: "
            f"{', '.join(str(r) for r, _ in refused)}",
            err=True,
        )
        raise typer.Exit(max(exc.exit_code for _, exc in refused))


def _archived(done) -> str:
    kind = {"real": "真实数据 real data", "synthetic": "合成数据 synthetic data"}[done.provenance]
    verb = (
        "= 未变 unchanged"
        if done.unchanged
        else "✔ 已替换 replaced"
        if done.replaced
        else "✔ 已归档 archived"
    )
    text = (
        f"{verb} {done.case_id} → {done.folder} ({done.seconds:.2f} s)\n"
        f"  数据来源 provenance: {kind} · 口径版本 definitions v{done.definitions_version} · fupan {done.library_version}"
    )
    if done.minutes:
        text += "\n  含复盘会纪要 with the review meeting's minutes: minutes.md"
    if done.edited_card is not None:
        text += (
            f"\n  ⚠ {done.edited_card} 在运行后被修改过：归档的是运行时所用的卡片（case.json 中的），"
            f"修改未归档。要归档修改后的卡片，请先重新运行 fupan run。"
            f"\n  ⚠ {done.edited_card} was edited after the run: the card the run analysed (from "
            f"case.json) was archived, not the edits. To archive the edited card, run fupan run again first."
        )
    return text


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="a folder of exports (orders, events, spend …)")],
    platform: Annotated[
        str | None,
        typer.Option(help="tmall / taobao / jd / douyin / pdd / xiaohongshu / own-site / other"),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="replace campaign.yaml (kept as campaign.yaml.bak)")
    ] = False,
) -> None:
    """Write a first campaign card for a folder of exports, to check and complete. 生成卡片草稿。"""
    from .cases import write_atomic
    from .ingest.card.base import Platform
    from .ingest.scaffold import card_text, daily_gmv, recognise, suggest_windows

    platforms = Platform.__args__
    if platform is not None and platform not in platforms:
        raise ValidationError(
            [_bad_option("--platform", platform, " / ".join(platforms), " / ".join(platforms))]
        )
    if not folder.is_dir():
        raise ValidationError(
            [_bad_option("FOLDER", str(folder), "一个存在的文件夹", "an existing folder")]
        )
    card = folder / "campaign.yaml"
    if card.exists() and not force:
        raise ValidationError(
            [
                _bad_option(
                    "FOLDER",
                    str(folder),
                    f"一个还没有 campaign.yaml 的文件夹（{card} 已存在；--force 会替换它并保留为 campaign.yaml.bak）",
                    f"a folder without a campaign.yaml ({card} exists; --force replaces it, keeping "
                    f"it as campaign.yaml.bak)",
                )
            ]
        )
    typer.echo(f"识别 Recognising the tables in {folder} …", err=True)
    found = recognise(folder)
    for r in found:
        if r.table:
            how = (
                f"profile {r.profile}"
                if r.profile
                else (f"{len(r.mapping)} 列映射 columns mapped" if r.mapping else "")
            )
            typer.echo(f"  ✔ {r.file} → {r.table}" + (f" ({how})" if how else ""))
        else:
            typer.echo(f"  ? {r.file} 未识别 not recognised" + (f"：{r.why()}" if r.why() else ""))
    orders = next((r for r in found if r.table == "orders"), None)
    unread: list = []
    hints: dict = {}
    windows = (
        suggest_windows(daily_gmv(folder, orders, unread, hints)) if orders is not None else None
    )
    if unread and orders is not None:  # the file's own problems: said now, not after the windows
        typer.echo(
            f"  ✘ 无法从 {orders.file} 推断窗口：文件本身有以下问题 / no windows suggested from "
            f"{orders.file}: the file itself has these problems",
            err=True,
        )
        typer.echo("\n".join(p.format() for p in unread), err=True)
    if windows is not None:
        phases = [("baseline", windows.baseline), ("burst", windows.burst), ("dip", windows.dip)]
        typer.echo(
            "  建议窗口 suggested windows: "
            + ", ".join(f"{name} {w[0]} … {w[1]}" for name, w in phases if w is not None)
            + f" (最高日 best day {windows.best_day})"
        )
    if card.exists():
        card.replace(card.with_name("campaign.yaml.bak"))
    write_atomic(card, card_text(folder, found, windows, platform, hints.get("money")))
    typer.echo(f"✔ 卡片草稿 card written: {card}")
    try:
        with watched(_progress_echo):
            campaign = _validate(folder)
    except ValidationError as exc:
        typer.echo(str(exc), err=True)
        typer.echo(
            f"下一步 Next: 按上面的提示修改 {card}，再运行 fupan validate {folder} / edit {card} as "
            f"said above, then run fupan validate {folder}",
            err=True,
        )
        if unread:  # the export itself is faulty: not a draft to complete, a file to fix
            raise typer.Exit(2) from None
        return
    campaign.con.close()
    typer.echo(
        f"✔ 校验通过 valid. 下一步 Next: 核对 {card} 的窗口、名称和类目，填写策略，然后运行 fupan run {folder} / "
        f"check the windows, name and category in {card}, add the strategy, then run fupan run {folder}"
    )


@app.command()
def demo(
    out: Annotated[
        Path, typer.Option("--out", help="where to write the demo campaign")
    ] = config.DEMO,
    seed: Annotated[int, typer.Option(help="random seed; same seed, same files")] = 20251111,
    scale: Annotated[
        float, typer.Option(help="size multiplier (1.0 ≈ 30k customers; the demo shop is 3.0)")
    ] = 3.0,
    scenario: Annotated[str, typer.Option(help="standard | no_lift | channel_fault")] = "standard",
) -> None:
    """Generate the seeded demo campaign (Tmall beauty Double 11). 生成演示活动数据。"""
    from .demo import generate_demo

    _check_out(out)
    typer.echo(f"生成演示数据 Generating demo campaign into {out} (seed {seed}) …", err=True)
    generate_demo(out, seed=seed, scale=scale, scenario=scenario)
    typer.echo(f"✔ demo campaign: {out}")


@app.command()
def site(
    library: Annotated[
        Path, typer.Option("--library", help="the case library folder")
    ] = config.CASE_LIBRARY,
    out: Annotated[
        Path, typer.Option("--out", help="where to write the static site")
    ] = config.SITE,
    instructor: Annotated[
        bool,
        typer.Option(
            "--instructor",
            help="also publish the worked examples' instructor copies, with the answers "
            "(a teachers' site) / 同时发布含答案的讲师版",
        ),
    ] = False,
) -> None:
    """Write the case library as a static, offline, searchable site. 生成案例知识库静态网站。"""
    from .cases.site import build_site

    _check_out(out)
    typer.echo(f"生成知识库 Building the knowledge base of {library} into {out} …", err=True)
    result = build_site(library, out, instructor=instructor)
    _echo_warnings(result.warnings)
    typer.echo(
        f"✔ {result.cases} 个案例 cases, done in {result.seconds:.1f} s\n"
        f"  open: {(result.out / 'index.html').resolve().as_uri()}"
    )


@app.command()
def compare(
    subject: Annotated[
        str,
        typer.Argument(help="campaign folder, case id in the library, or a case.json / its folder"),
    ],
    library: Annotated[
        Path, typer.Option("--library", help="the case library folder")
    ] = config.CASE_LIBRARY,
    out: Annotated[
        Path, typer.Option("--out", help="output root; writes OUT/<case id>/benchmark.html")
    ] = config.REPORTS,
    lang: Lang = "zh",
    k: Annotated[int, typer.Option("-k", help="how many similar cases to show / 相似案例个数")] = 5,
) -> None:
    """Rank a campaign among archived cases and write a benchmark report. 与历史案例对标。"""
    t0 = time.perf_counter()
    from .cases.compare import benchmark, resolve_subject
    from .report.sections.benchmark import write_benchmark

    if lang not in ("zh", "en"):
        raise ValidationError([_bad_option("--lang", lang, "zh 或 en", "zh or en")])
    if k < 1:
        raise ValidationError([_bad_option("-k", str(k), "不小于 1 的整数", "an integer ≥ 1")])
    _check_out(out)
    typer.echo(f"对标 Benchmarking {subject} against {library} …", err=True)
    resolved = resolve_subject(subject, library)
    result = benchmark(resolved, library, k=k)
    reproduce = shlex.join(
        ["fupan", "compare", subject, "--library", str(library), "--out", str(out), "--lang", lang]
        + ([] if k == 5 else ["-k", str(k)])
    )
    path = write_benchmark(result, out, lang, reproduce=reproduce)
    typer.echo(
        f"✔ 完成 done in {time.perf_counter() - t0:.1f} s · {len(result.peer_ids)} peers, "
        f"{len(result.nearest)} nearest\n  HTML: {path}"
    )


@app.command()
def batch(
    campaigns: Annotated[
        list[str], typer.Argument(help="campaign folders or glob patterns, e.g. 'campaigns/*'")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="output root; files go to OUT/<case id>/")
    ] = config.REPORTS,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=1, help="retrospectives run at the same time (the largest first)"
        ),
    ] = 1,
    lang: Lang = "zh",
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="re-run campaigns whose inputs are unchanged, and validate again those whose "
            "last run failed validation",
        ),
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", help="no progress: no bar (on a terminal) or line per campaign (elsewhere)"
        ),
    ] = False,
    library: Annotated[
        Path, typer.Option("--library", help="the case library the reports benchmark against")
    ] = config.CASE_LIBRARY,
    no_library: Annotated[
        bool, typer.Option("--no-library", help="leave the case library out of the reports")
    ] = False,
    as_of: AsOf = None,
) -> None:
    """Run many retrospectives in parallel; unchanged ones are skipped. 批量生成复盘报告。

    A campaign that failed validation is reported again, not re-validated, until it changes.
    With --as-of, each campaign's war report (战报) to that day; none is skipped.
    """
    day = _as_of(as_of)
    from .batch import Interrupted, expand, run_batch, summary

    if lang not in ("zh", "en"):
        raise ValidationError([_bad_option("--lang", lang, "zh 或 en", "zh or en")])
    folders = expand(campaigns)
    if not folders:
        raise ValidationError(
            [
                _bad_option(
                    "CAMPAIGNS",
                    " ".join(campaigns),
                    "至少一个活动文件夹",
                    "at least one campaign folder",
                )
            ]
        )
    _check_out(out)
    try:
        items = run_batch(
            folders,
            out,
            jobs=jobs,
            lang=lang,
            force=force,
            progress=not quiet,
            library=None if no_library else library,
            as_of=day,
        )
    except Interrupted as stopped:  # Ctrl-C: what had ended is kept, and said
        typer.echo(summary(stopped.items))
        raise KeyboardInterrupt from None
    typer.echo(summary(items))
    if any(i.status == "failed" for i in items):
        raise SystemExit(
            1
        )  # some campaign failed (typer.Exit would be swallowed outside standalone mode)


def _bad_option(option: str, got: str, zh: str, en: str):
    from .errors import Problem

    return Problem(
        "bad_option",
        None,
        f"选项 {option} 的值 {got!r} 无效，应为{zh}。",
        f"Option {option} got {got!r}; expected {en}.",
        column=option,
    )


def _check_out(out: Path, option: str = "--out") -> None:
    """Refuse, before any work, an output folder that cannot be one: a file there, a file where
    one of its parents should be, or a place this user may not write (``fupan run`` would
    otherwise fail only after its report was computed)."""
    import os

    from .errors import Problem

    base = out
    while not base.exists() and base != base.parent:
        base = base.parent
    if base == out and not out.is_dir():
        zh, en = f"{out} 是一个文件，不是文件夹", f"{out} is a file, not a folder"
    elif not base.is_dir():
        zh, en = (
            f"{base} 是一个文件，无法在其下建立 {out}",
            f"{base} is a file, so {out} cannot be made under it",
        )
    elif not os.access(base, os.W_OK | os.X_OK):
        zh, en = f"没有在 {base} 中写入的权限", f"no permission to write in {base}"
    else:
        return
    raise ValidationError(
        [
            Problem(
                "out_unusable",
                None,
                f"选项 {option} 的输出位置不可用：{zh}。请换一个文件夹。",
                f"Option {option} names an output place that cannot be used: {en}. Choose "
                "another folder.",
                column=option,
            )
        ]
    )


def _os_error(exc: OSError) -> str:
    """A file system error (disk full, a permission, a file in the way) as fupan says any error:
    bilingual, with the path, without a traceback."""
    where = f"：{exc.filename}" if exc.filename else ""
    where_en = f": {exc.filename}" if exc.filename else ""
    reason = exc.strerror or exc.__class__.__name__
    return (
        f"文件系统错误{where}（{reason}）。请检查路径、权限与剩余空间后重试。\n"
        f"File system error{where_en} ({reason}). Check the path, the permissions and the free "
        "space, then try again."
    )


def _usage_errors() -> tuple[type, ...]:
    """The command-line usage errors: click's, and those of the click typer ships within itself
    (typer 0.29 raises its own ``typer._click`` classes, which are not click's)."""
    import click

    found: list[type] = [click.exceptions.ClickException]
    try:
        from typer._click.exceptions import ClickException
    except ImportError:  # a typer that uses click itself
        return tuple(found)
    return (*found, ClickException)


def _aborts() -> tuple[type, ...]:
    import click

    return (click.exceptions.Abort, typer.Abort)


#: click's usage errors in Chinese: the English message follows
_USAGE_ZH = {
    "MissingParameter": "缺少必需的参数或选项",
    "NoSuchOption": "没有这个选项",
    "BadParameter": "参数或选项的值无效（例如应为数字处写了文字）",
    "BadOptionUsage": "选项用法有误",
    "BadArgumentUsage": "参数用法有误",
}


def _usage_zh(exc: Exception) -> str:
    """The Chinese line said before click's English usage error."""
    kind = next(
        (_USAGE_ZH[c.__name__] for c in type(exc).__mro__ if c.__name__ in _USAGE_ZH),
        "命令行用法有误",
    )
    return f"命令行用法有误：{kind}（英文说明见下方；运行 fupan --help 查看用法）。"


def main() -> None:
    from . import heap

    heap.command_process = True  # this process ends with its command (fupan.heap)
    try:
        code = app(standalone_mode=False)
    except FupanError as exc:
        typer.echo(str(exc), err=True)
        sys.exit(exc.exit_code)
    except OSError as exc:  # the machine's doing, not fupan's: said plainly, no traceback
        typer.echo(_os_error(exc), err=True)
        sys.exit(1)
    except (typer.Exit, SystemExit) as exc:
        sys.exit(getattr(exc, "exit_code", getattr(exc, "code", 0)))
    except Exception as exc:  # usage errors arrive here in non-standalone mode
        if isinstance(exc, _usage_errors()):
            typer.echo(_usage_zh(exc), err=True)
            exc.show()  # click's own English message with the command's usage
            sys.exit(2)
        if isinstance(exc, _aborts()):
            sys.exit(130)
        raise
    if isinstance(code, int) and code:  # outside standalone mode typer *returns* an Exit's code
        if code == 130:  # Ctrl-C: typer turns KeyboardInterrupt into Exit(130)
            typer.echo("\n已中断 Interrupted (Ctrl-C).", err=True)
        sys.exit(code)


if __name__ == "__main__":
    main()

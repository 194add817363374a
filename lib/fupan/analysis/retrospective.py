"""One campaign's retrospective: validated data → aggregates → every number the report shows.

:data:`PIPELINE` is the whole analysis as one list: each line names a result, the function that
computes it and the inputs it takes — the campaign, its card, the extract's aggregates
(``agg.<frame>``) and results of earlier lines. :func:`build` runs the lines (:func:`run_pipeline`:
each once its inputs exist, independent ones side by side) and builds the frozen
:class:`~fupan.analysis.results.Retrospective` once, at the end. A line whose input no earlier
line produced fails before anything runs, naming both (reordering cannot make a section
disappear).

An *analysis* line (``skippable``) that raises ValueError yields a
:class:`~fupan.analysis.results.Skip` with the error's (bilingual) message; a *core* line's error
propagates. ``record`` names the result's key under ``analyses`` in case.json.

:func:`load_retrospective` is what the template's first cell calls.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import warnings
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .. import progress
from ..config import threads
from ..extract.aggregates import Aggregates, extract, window_frame
from ..ingest.readers.load import shrink_memory
from ..ingest.validate import Campaign, open_campaign, open_prepared
from . import anomalies, customers, execution, findings, impact, ops, overview, rootcause
from .results import Retrospective, Skip


@dataclass(frozen=True)
class Step:
    """One line of the wiring list: ``name = run(*inputs)``."""

    name: str
    run: Callable[..., Any]
    inputs: tuple[str, ...]
    skippable: bool = False
    record: str | None = None


def core(name: str, run: Callable[..., Any], *inputs: str) -> Step:
    """A line whose failure is the report's failure (its ValueError propagates)."""
    return Step(name, run, inputs)


def analysis(name: str, run: Callable[..., Any], *inputs: str, record: str | None = None) -> Step:
    """A line that may be skipped with its reason (ValueError → Skip), recorded in case.json."""
    return Step(name, run, inputs, skippable=True, record=record or name)


#: The retrospective, in order. Inputs: ``campaign``, ``card``, ``agg``, ``lang``, ``share_safe``,
#: attributes of them (``agg.history``, ``card.windows``) and the names of earlier lines.
PIPELINE: tuple[Step, ...] = (
    core("windows", window_frame, "campaign"),
    core("kpis", overview.kpis, "campaign", "windows", "agg"),
    core("style", overview.report_style, "card", "kpis", "lang", "share_safe"),
    core("channels", overview.channels, "agg", "card.windows"),
    core("targets", overview.targets, "kpis", "card"),
    core("hypotheses", overview.hypotheses, "kpis", "card.strategy"),
    core("decomposition", overview.decomposition, "kpis"),
    Step(
        "refund_maturity",
        overview.refund_maturity,
        ("kpis", "agg.history"),
        record="refund_maturity",
    ),
    core("funnel", overview.funnel_steps, "agg.funnel"),
    core("cohorts", customers.customer_cohorts, "agg.customer_orders", "card.windows"),
    Step(
        "alerts",
        execution.share_alerts,
        ("agg.daily", "windows", "campaign.flags"),
        record="alerts",
    ),
    analysis("day_anomalies", anomalies.analyse, "campaign", "agg", "style"),
    analysis("ab", execution.ab_test, "agg.ab_arms", record="ab_test"),
    analysis(
        "customer_value", customers.customer_value, "agg.customer_orders", "cohorts", "card.windows"
    ),
    analysis(
        "customers",
        customers.customer_analysis,
        "agg.customer_orders",
        "agg.sku_window",
        "cohorts",
        "card.windows",
    ),
    analysis("audiences", customers.audiences, "agg.customer_orders", "card.windows"),
    Step(
        "funnel_channels", execution.funnel_by_channel, ("agg.funnel",), record="funnel_by_channel"
    ),
    Step("preheat_pool", execution.preheat_pool, ("agg.preheat_pool",), record="preheat_pool"),
    analysis("inventory", execution.inventory_health, "agg.sku_daily", "agg.daily", "card.windows"),
    Step(
        "peak_hours",
        execution.peak_hours,
        ("agg.daily", "agg.hourly", "card.windows"),
        skippable=True,  # not measured when the orders carry dates only; not in case.json
    ),
    Step(
        "daily_index",
        overview.daily_index,
        ("agg.daily", "kpis", "card.planned_windows"),
        record="daily_gmv_index",
    ),
    analysis("year_on_year", overview.year_on_year, "agg.customer_orders", "card"),
    analysis("lift", impact.lift_analysis, "agg.history", "card.windows", "kpis"),
    analysis(
        "margin", impact.margin_analysis, "campaign", "agg.sku_window", "kpis", "lift", "channels"
    ),
    analysis("ltv_cac", impact.ltv_cac, "kpis", "agg.sku_window", "customers", "customer_value"),
    analysis("controls", impact.control_analysis, "agg.controls", "card"),
    analysis(
        "pnl", ops.pnl, "campaign"
    ),  # the ops questions (issue 13), each skipped without its data
    analysis("presale", ops.presale, "campaign"),
    analysis("live", ops.live, "campaign", record="live_sessions"),
    analysis("membership", ops.membership, "campaign", "agg.window_uv"),
    analysis("products", ops.products, "campaign"),
    analysis("prices", ops.prices, "campaign", record="price_control"),
    analysis("service", ops.service, "campaign"),
    analysis("next_plan", ops.next_plan, "card", "channels", "margin"),
    analysis("ads", ops.ads, "campaign", "agg.windows", "agg.new_customers", "margin"),
    analysis("pacing", ops.pacing, "campaign"),
    analysis(
        "segments", rootcause.segment_effects, "agg.segments", "agg.uv", "kpis", "card.windows"
    ),
    Step(
        "root_cause",
        rootcause.root_cause,
        (
            "alerts",
            "windows",
            "agg.segments",
            "agg.history",
            "kpis",
            "card.strategy.targets",
            "card.windows",
            "card.controls.categories",
            "pacing",
        ),
        record="root_cause",
    ),
    core(
        "findings",
        findings.draft_findings,
        "style",
        "kpis",
        "targets",
        "hypotheses",
        "channels",
        "agg",
        "decomposition",
        "funnel",
        "inventory",
        "customers",
        "lift",
        "margin",
        "root_cause",
        "ab",
        "day_anomalies",
        "alerts",
        "live",
        "products",
        "card.windows",
        "prices",
        "service",
    ),
)


def _resolve(name: str, data: dict[str, Any], step: Step) -> Any:
    head, *attrs = name.split(".")
    value = data[head]
    for attr in attrs:
        value = getattr(value, attr)
    return value


def _needs(inputs: dict[str, Any], steps: tuple[Step, ...]) -> dict[str, set[str]]:
    """Each step's earlier steps it reads.

    A step reading what neither ``inputs`` nor an earlier step provides fails here, before
    anything runs, naming both.
    """
    known, needs = set(inputs), {}
    for step in steps:
        heads = {name.split(".")[0] for name in step.inputs}
        for head in sorted(heads - known):
            raise KeyError(
                f"step {step.name!r} needs {head!r}, which no earlier step of the pipeline produces"
            )
        needs[step.name] = heads - set(inputs)
        known.add(step.name)
    return needs


def _run_step(step: Step, data: dict[str, Any]) -> Any:
    """One step's result (a :class:`Skip` for a skippable step's ValueError)."""
    args = [_resolve(name, data, step) for name in step.inputs]
    try:
        with progress.step("分析", f"analysis: {step.name}"):
            return step.run(*args)
    except ValueError as exc:
        if not step.skippable:
            raise
        return Skip(str(exc))


def _reads_campaign(step: Step) -> bool:
    """Whether ``step`` reads the campaign, whose DuckDB connection is not thread-safe."""
    return any(name.split(".")[0] == "campaign" for name in step.inputs)


def workers() -> int:
    """How many steps run side by side.

    The cores one run may use (:func:`fupan.config.threads`, which ``fupan batch --jobs N``
    lowers), at most 4 (the pipeline is not wider).
    """
    return max(1, min(4, threads() or os.cpu_count() or 1))


#: Warnings a library raises and silences itself, inside ``warnings.catch_warnings()`` — which
#: before Python 3.14 swaps one process-wide filter list, so one analysis thread leaving its own
#: block can restore a list without another thread's filter and the silenced warning is printed
#: (in a notebook: a stderr output). scipy's BFGS (the CLV fits) retries a failed line search so.
SILENCED = (("The line search algorithm did not converge", RuntimeWarning),)


@contextlib.contextmanager
def _silenced() -> Iterator[None]:
    """:data:`SILENCED` ignored from the main thread for the whole threaded pipeline.

    Set before the threads start, it is in every filter list a thread saves and restores.
    """
    with warnings.catch_warnings():
        for message, category in SILENCED:
            warnings.filterwarnings("ignore", message=message, category=category)
        yield


def run_pipeline(
    inputs: dict[str, Any], steps: tuple[Step, ...] = PIPELINE, *, parallel: int | None = None
) -> dict[str, Any]:
    """Run ``steps`` over ``inputs``; each step's result is stored under its name.

    A step starts once the steps it reads have finished, up to ``parallel`` (default
    :func:`workers`) at a time in threads, in the list's order among those ready; a step reading
    the campaign waits, without taking a thread, while another one uses its connection. The customer analyses (pandas and scipy, which
    release the interpreter's lock for their array work) then overlap: at 10M order lines the
    analyses took 10.5 s one after another. Results do not depend on the order (every step is a
    function of its inputs). When steps fail, the first failure in the list's order is raised,
    after the steps already running have finished; nothing after a failure starts.
    """
    needs = _needs(inputs, steps)
    data = dict(inputs)
    parallel = workers() if parallel is None else max(1, parallel)
    if parallel == 1:
        for step in steps:
            data[step.name] = _run_step(step, data)
        return data
    order = {step.name: i for i, step in enumerate(steps)}
    waiting, done = list(steps), set[str]()
    failed: dict[int, BaseException] = {}
    running: dict[Future[Any], Step] = {}
    with _silenced(), ThreadPoolExecutor(parallel, thread_name_prefix="fupan-analysis") as pool:
        while waiting or running:
            connection_busy = any(_reads_campaign(s) for s in running.values())
            for step in [] if failed else list(waiting):
                if len(running) >= parallel:
                    break
                if needs[step.name] <= done and not (connection_busy and _reads_campaign(step)):
                    waiting.remove(step)
                    running[pool.submit(_run_step, step, data)] = step
                    connection_busy = connection_busy or _reads_campaign(step)
            if not running:
                break
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                step = running.pop(future)
                error = future.exception()
                if error is not None:
                    failed[order[step.name]] = error
                else:
                    data[step.name] = future.result()
                    done.add(step.name)
    if failed:
        raise failed[min(failed)]
    return data


def build(
    campaign: Campaign, agg: Aggregates, lang: str = "zh", *, share_safe: bool = False
) -> Retrospective:
    """Compute every number of the retrospective from validated data and its aggregates.

    ``share_safe`` makes every amount of money the report formats (findings, tables, chart axes)
    an index, 100 = the baseline window's average daily GMV (the result ``style``).
    """
    inputs = {
        "campaign": campaign,
        "card": campaign.card,
        "agg": agg,
        "lang": lang,
        "share_safe": share_safe,
    }
    data = run_pipeline(inputs)
    results = MappingProxyType({s.name: data[s.name] for s in PIPELINE})
    return Retrospective(
        campaign=campaign,
        agg=agg,
        results=results,
        recorded=tuple((s.name, s.record) for s in PIPELINE if s.record),
    )


def load_retrospective(
    campaign_dir: str | Path,
    lang: str = "zh",
    prepared: str | Path | None = None,
    share_safe: bool = False,
    as_of: str | dt.date | None = None,
) -> Retrospective:
    """Validate, extract and compute: the single call a report template starts with.

    ``prepared`` is the DuckDB file ``fupan run`` wrote after validating (with its ``as_of``); when
    it is absent (the notebook re-run on its own), the folder is validated here, as of ``as_of``
    (ISO date; empty or None: the whole campaign — :attr:`CampaignCard.as_of`). ``share_safe``:
    see :func:`build`.
    """
    if prepared and Path(prepared).is_file():
        with progress.step("打开", "opening the validated tables"):
            campaign = open_prepared(campaign_dir, prepared)
    else:
        day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) and as_of else as_of
        campaign = open_campaign(campaign_dir, as_of=day or None)
    agg = extract(campaign)
    shrink_memory(campaign.con)  # the analyses' pandas frames need the room the extract had
    return build(campaign, agg, lang, share_safe=share_safe)


__all__ = [
    "PIPELINE",
    "Retrospective",
    "Skip",
    "Step",
    "build",
    "load_retrospective",
    "run_pipeline",
]

"""The wiring list of the retrospective (fupan.analysis.retrospective.PIPELINE): each step takes
what earlier steps produced, reordering fails loudly instead of dropping a section, results are
frozen, a skippable step's ValueError becomes a Skip with its reason, and the result types
import no analysis code."""

from __future__ import annotations

import ast
import dataclasses
import inspect
from pathlib import Path

import pytest

import fupan
from conftest import write_campaign
from fupan.analysis import results
from fupan.analysis.results import LtvCac, Retrospective, Skip
from fupan.analysis.retrospective import PIPELINE, Step, build, run_pipeline
from fupan.cases import build_record
from fupan.extract.aggregates import extract
from fupan.ingest.validate import open_campaign

BASE = {"campaign", "card", "agg", "lang", "share_safe"}


def test_every_input_is_produced_before_it_is_read():
    made = set(BASE)
    for step in PIPELINE:
        for name in step.inputs:
            assert name.split(".")[0] in made, f"{step.name} reads {name} before any step makes it"
        assert step.name not in made, f"{step.name} is produced twice"
        made.add(step.name)


def test_every_step_takes_exactly_its_inputs():
    for step in PIPELINE:
        params = [
            p
            for p in inspect.signature(step.run).parameters.values()
            if p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD
        ]
        assert len(params) == len(step.inputs), (step.name, [p.name for p in params], step.inputs)


@pytest.fixture(scope="module")
def tiny_inputs(tmp_path_factory):
    campaign = open_campaign(write_campaign(tmp_path_factory.mktemp("tiny") / "c"))
    yield {
        "campaign": campaign,
        "card": campaign.card,
        "agg": extract(campaign),
        "lang": "zh",
        "share_safe": False,
    }
    campaign.con.close()


def test_moving_a_step_before_its_inputs_fails_naming_both(tiny_inputs):
    """The old build() returned ltv_cac = None when customers were not computed yet; now the
    reordered list stops at once."""
    order = [s.name for s in PIPELINE]
    moved = list(PIPELINE)
    ltv = moved.pop(order.index("ltv_cac"))
    moved.insert(order.index("customers"), ltv)
    with pytest.raises(KeyError, match="'ltv_cac' needs 'customers'"):
        run_pipeline(tiny_inputs, tuple(moved))


def test_a_skippable_step_says_why_and_a_core_step_fails(tiny_inputs):
    def refuse(kpis):
        raise ValueError("too early||太早")

    steps = (*PIPELINE[:3], Step("probe", refuse, ("kpis",), skippable=True, record="probe"))
    assert run_pipeline(tiny_inputs, steps)["probe"] == Skip("too early||太早")
    assert (
        Skip("too early||太早").text("zh") == "太早"
        and Skip("too early||太早").text("en") == "too early"
    )
    with pytest.raises(ValueError, match="too early"):
        run_pipeline(tiny_inputs, (*PIPELINE[:3], Step("probe", refuse, ("kpis",))))


@pytest.fixture(scope="module")
def retro(tiny_inputs):
    return build(tiny_inputs["campaign"], tiny_inputs["agg"])


def test_the_retrospective_and_its_results_are_frozen(retro):
    assert isinstance(retro, Retrospective)
    with pytest.raises(dataclasses.FrozenInstanceError):
        retro.results = {}
    with pytest.raises(TypeError):
        retro.results["lift"] = None  # a read-only mapping
    for name, value in retro.results.items():
        if dataclasses.is_dataclass(value):
            field = dataclasses.fields(value)[0].name
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(value, field, None)
            print(f"{name}: {type(value).__name__} frozen")
    assert [s.name for s in PIPELINE] == list(retro.results)
    with pytest.raises(AttributeError, match="no result 'lfit'"):
        retro.lfit  # noqa: B018


def test_skipped_lists_the_skips_with_their_reasons(retro):
    skips = {k: v.reason for k, v in retro.results.items() if isinstance(v, Skip)}
    assert retro.skipped == skips
    # the tiny campaign: 4 baseline days cannot carry the counterfactual, its orders have no SKU
    assert "lift" in skips and "margin" in skips and "sku" in skips["margin"]


def test_the_record_has_one_entry_per_recorded_step(retro):
    record = build_record(retro, {}, "")
    assert set(record["analyses"]) == {s.record for s in PIPELINE if s.record}
    for name, key in retro.recorded:
        value = retro.results[name]
        assert (record["analyses"][key] is None) == (value is None or isinstance(value, Skip)), name
    assert set(record["skipped"]) >= set(retro.skipped)


def test_ltv_cac_is_not_asked_without_customer_value():
    """A step reads its inputs' types: a skipped customer value means no LTV : CAC (None), not an error."""
    from fupan.analysis.impact import ltv_cac

    assert ltv_cac(None, None, Skip("x"), Skip("y")) is None
    assert "horizon_weeks" not in LtvCac(1.0, 3.0, 3.0, 0.5, 1.0, 2.0).record()


def test_result_types_import_no_analysis_code():
    """The results package reads only the catalogue at run time (its own modules apart); every
    other import is for type hints (``if TYPE_CHECKING:``)."""
    folder = Path(results.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        runtime = [
            n for n in tree.body if isinstance(n, ast.ImportFrom) and n.module != "__future__"
        ]
        outside = [
            ast.unparse(n)
            for n in runtime
            if n.level != 1
            and not (n.level == 3 and n.module == "i18n")
            and n.module not in ("collections.abc", "dataclasses", "typing", "pandas")
        ]
        assert not outside, (path.name, outside)
    assert (folder / "core.py").is_file() and (folder / "impact.py").is_file()


def test_load_retrospective_is_the_same_build(tmp_path):
    folder = write_campaign(tmp_path / "c")
    r = fupan.load_retrospective(folder, lang="en")
    assert r.style.lang == "en" and r.lang == "en" and r.card.id == "tiny-test"


# ----------------------------------------------------------------------------- side by side
def _timed_run(specs, inputs: dict, parallel: int) -> tuple[dict, dict]:
    """Run steps that each sleep (``specs``: name, seconds, inputs); their results and the
    (start, end) of each, for the overlap checks."""
    import time

    spans: dict = {}

    def sleeper(name: str, seconds: float):
        def run(*_):
            start = time.perf_counter()
            time.sleep(seconds)
            spans[name] = (start, time.perf_counter())
            return name

        return run

    steps = tuple(Step(name, sleeper(name, sec), ins) for name, sec, ins in specs)
    return run_pipeline(inputs, steps, parallel=parallel), spans


def test_independent_steps_run_side_by_side():
    """Two steps that each wait for the other at a barrier finish only if they run at once."""
    import threading

    barrier = threading.Barrier(2, timeout=10)

    def meet(_):
        barrier.wait()
        return "met"

    steps = (Step("a", meet, ("x",)), Step("b", meet, ("x",)))
    assert run_pipeline({"x": 1}, steps, parallel=2) == {"x": 1, "a": "met", "b": "met"}


def test_steps_reading_the_campaign_take_turns_and_others_overlap_them():
    campaign = type("Campaign", (), {"card": "a card"})()
    specs = [("c1", 0.2, ("campaign",)), ("c2", 0.2, ("campaign.card",)), ("p", 0.2, ("agg",))]
    _, spans = _timed_run(specs, {"campaign": campaign, "agg": 0}, parallel=3)
    (a0, a1), (b0, b1), (p0, p1) = spans["c1"], spans["c2"], spans["p"]
    assert a1 <= b0 or b1 <= a0  # the connection is never used by two steps at once
    assert p0 < max(a1, b1) and min(a0, b0) < p1  # the pure step ran beside one of them


def test_a_step_starts_only_after_what_it_reads():
    specs = [("first", 0.1, ("x",)), ("second", 0.01, ("first",)), ("other", 0.01, ("x",))]
    out, spans = _timed_run(specs, {"x": 0}, parallel=4)
    assert spans["second"][0] >= spans["first"][1]
    assert out["second"] == "second" and out["other"] == "other"


def test_the_first_failure_in_the_lists_order_is_raised_and_nothing_after_starts():
    import time

    started: list = []

    def slow_fail(_):
        started.append("slow")
        time.sleep(0.2)
        raise RuntimeError("slow step broke")

    def fast_fail(_):
        started.append("fast")
        raise RuntimeError("fast step broke")

    def later(_):
        started.append("later")
        return 1

    steps = (
        Step("slow", slow_fail, ("x",)),
        Step("fast", fast_fail, ("x",)),
        Step("later", later, ("fast",)),
        Step("tail", later, ("x",)),
    )
    with pytest.raises(RuntimeError, match="slow step broke"):
        run_pipeline({"x": 0}, steps, parallel=2)
    assert sorted(started) == ["fast", "slow"]  # 'later' reads the failed step, 'tail' waits


def test_a_missing_input_fails_before_any_step_runs():
    ran: list = []
    steps = (Step("a", lambda x: ran.append("a"), ("x",)), Step("b", len, ("nowhere",)))
    for parallel in (1, 2):
        with pytest.raises(KeyError, match="'b' needs 'nowhere'"):
            run_pipeline({"x": 0}, steps, parallel=parallel)
    assert ran == []


def test_the_demos_record_is_the_same_one_step_at_a_time_and_side_by_side(demo_dir, monkeypatch):
    campaign = open_campaign(demo_dir)
    try:
        agg = extract(campaign)
        records = {}
        for cores in ("1", "4"):
            monkeypatch.setenv("FUPAN_THREADS", cores)
            records[cores] = build_record(build(campaign, agg), {}, "")
    finally:
        campaign.con.close()
    assert records["1"]["analyses"]["customer_value"] is not None
    assert records["1"] == records["4"]


def test_a_warning_a_library_silences_stays_silent_beside_other_threads():
    """scipy's BFGS (the CLV fits) silences its line-search warning inside catch_warnings, which
    before Python 3.14 swaps one process-wide filter list: another analysis thread leaving its own
    catch_warnings put back a list without scipy's filter, and the warning reached a notebook's
    stderr (nbval failed notebook 05's first cell, 2 runs in 20). Here one step warns as scipy
    does while another enters and leaves catch_warnings; nothing may be shown."""
    import sys
    import warnings

    class LineSearchWarning(RuntimeWarning):
        pass

    def like_scipy() -> int:
        for _ in range(3000):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", LineSearchWarning)
                warnings.warn(
                    "The line search algorithm did not converge", LineSearchWarning, stacklevel=1
                )
        return 0

    def churn() -> int:
        for _ in range(30000):
            with warnings.catch_warnings():
                pass
        return 0

    steps = (Step("fit", like_scipy, ()), Step("other", churn, ()))
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads take turns often: the race shows in every run
    try:
        with warnings.catch_warnings(record=True) as shown:
            warnings.simplefilter("always")
            for _ in range(5):
                run_pipeline({}, steps, parallel=2)
    finally:
        sys.setswitchinterval(interval)
    leaked = [w for w in shown if "line search" in str(w.message)]
    assert not leaked, f"{len(leaked)} silenced warning(s) shown"

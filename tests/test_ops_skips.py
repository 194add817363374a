"""The ops steps (issue 13) on the valid folders of the bad-input corpus — small campaigns without
the ops tables or columns: each step gives a result or a Skip with a bilingual reason, never an
error, and the report's section says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from fupan.analysis import ops
from fupan.analysis.results import Skip
from fupan.analysis.retrospective import Step, run_pipeline
from fupan.extract import extract
from fupan.format import Style
from fupan.ingest.validate import open_campaign
from fupan.report.sections import ops as sections

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
VALID = sorted(p.name for p in CORPUS.iterdir() if p.name.startswith("ok-") and p.is_dir())
STEPS = (
    Step("pnl", ops.pnl, ("campaign",), True),
    Step("presale", ops.presale, ("campaign",), True),
    Step("live", ops.live, ("campaign",), True),
    Step("products", ops.products, ("campaign",), True),
    Step("ads", ops.ads, ("campaign", "agg.windows", "agg.new_customers", "pnl"), True),
    Step("pacing", ops.pacing, ("campaign",), True),
    Step("membership", ops.membership, ("campaign", "agg.window_uv"), True),
    Step("prices", ops.prices, ("campaign",), True),
)


@pytest.fixture(autouse=True)
def _salt(tmp_path_factory, monkeypatch) -> None:
    path = tmp_path_factory.getbasetemp() / "fupan-salt"
    if not path.exists():
        path.write_text("cd" * 32 + "\n", encoding="ascii")
    monkeypatch.setenv("FUPAN_SALT_FILE", str(path))


@pytest.mark.parametrize("name", VALID)
def test_steps_answer_or_say_why(name: str) -> None:
    campaign = open_campaign(CORPUS / name)
    out = run_pipeline({"campaign": campaign, "agg": extract(campaign)}, STEPS)
    skipped = [s.name for s in STEPS if isinstance(out[s.name], Skip)]
    # none of these folders has presale columns, live sessions, a plan, members or prices
    assert {"presale", "live", "pacing", "membership", "prices"} <= set(skipped)
    for step in skipped:
        reason = out[step].reason
        assert "||" in reason and reason.split("||")[0] and reason.split("||")[1], step
        for lang in ("zh", "en"):
            page = str(getattr(sections, step)(out[step], Style(lang=lang)))
            assert out[step].text(lang) in page

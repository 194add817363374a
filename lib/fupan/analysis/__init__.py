"""Analysis: every number of the retrospective, from the aggregates and the pure metrics.

- :mod:`.retrospective` — :data:`~.retrospective.PIPELINE`, the wiring list of the steps, and
  :func:`load_retrospective` / :func:`build`, which run it;
- :mod:`.results` — the frozen results the steps return (and :class:`~.results.Skip`), read by the
  report and the case record; it imports no analysis code;
- :mod:`.overview` — KPIs per window, the report's style, channels, targets, hypotheses, the GMV
  decomposition, the funnel;
- :mod:`.execution` — channel-share alerts, the funnel by channel, inventory health, the A/B test;
- :mod:`.customers` — cohorts, new-customer quality, RFM, customer value;
- :mod:`.impact` — was the lift real: counterfactual lift, margin ROI, LTV:CAC, controls;
- :mod:`.rootcause` — segment effects, the anomalous day and the gap to target (Adtributor);
- :mod:`.anomalies` / :mod:`.anomaly_drivers` — day-level anomalies and what drove each;
- :mod:`.findings` — the auto-drafted findings.
"""

from __future__ import annotations

from typing import Any

from .results import Retrospective, Skip

_LAZY = ("PIPELINE", "build", "load_retrospective")


def __getattr__(name: str) -> Any:
    # the steps (scipy, statsmodels: ~2.5 s of imports) load on first use, so a process that only
    # reads results — the CLI around the kernel, the case library — does not pay for them
    if name in _LAZY:
        from . import retrospective

        return getattr(retrospective, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["PIPELINE", "Retrospective", "Skip", "build", "load_retrospective"]

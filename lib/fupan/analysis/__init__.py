"""Analysis: every number of the retrospective, from the aggregates and the pure metrics.

- :mod:`.retrospective` — :func:`load_retrospective` / :func:`build`, the wiring of the steps;
- :mod:`.steps` — customers, funnel by channel, inventory health;
- :mod:`.impact` — was the lift real: counterfactual lift, margin ROI, LTV:CAC, controls;
- :mod:`.rootcause` — segment effects, the anomalous day and the gap to target (Adtributor);
- :mod:`.anomalies` — day-level anomalies and their drivers.
"""
from __future__ import annotations

from .retrospective import Retrospective, build, load_retrospective

__all__ = ["Retrospective", "build", "load_retrospective"]

"""Campaign folders to learn and test on: the seeded demo with planted truth, and real public data.

- :mod:`.generator` — :func:`generate_demo`, a Tmall beauty shop's Double 11 with known effects
  written to ``truth.json``.
- :mod:`.realdata` — :func:`uci_campaign`, a campaign folder built from UCI Online Retail.
"""

from __future__ import annotations

from .generator import GENERATOR_VERSION, WINDOWS, Scenario, generate_demo
from .realdata import default_uci_path, uci_campaign

__all__ = [
    "GENERATOR_VERSION",
    "WINDOWS",
    "Scenario",
    "default_uci_path",
    "generate_demo",
    "uci_campaign",
]

"""fupan (复盘) — campaign retrospectives for e-commerce operations teams.

Concepts
--------
campaign folder
    ``campaign.yaml`` (the case card: 背景 background and 策略 strategy written before launch,
    复盘 lessons after) plus its tables (orders required; events, spend, inventory optional).
    :func:`open_campaign` validates it before any kernel starts.
extract
    SQL run by DuckDB where the data lives; only aggregates reach pandas (:mod:`fupan.extract`).
metrics
    Pure functions whose 口径 (definitions) come from :mod:`fupan.dictionary`.
retrospective
    :func:`load_retrospective` = validate + extract + compute: what a report template calls.
case record
    ``case.json``, validated and hashed (:mod:`fupan.cases`).
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING

from .dictionary import DEFINITIONS_VERSION, KPI_DEFINITIONS  # noqa: E402
from .errors import FupanError, Problem, ValidationError  # noqa: E402

if TYPE_CHECKING:
    from .analysis.retrospective import Retrospective, load_retrospective
    from .ingest.validate import open_campaign

# The heavy parts (pandas, DuckDB, scipy, statsmodels) load on first use, so that `fupan --help`
# and the CLI's error messages do not wait for them (PEP 562).
_LAZY = {
    "Retrospective": ".analysis.retrospective",
    "load_retrospective": ".analysis.retrospective",
    "open_campaign": ".ingest.validate",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'fupan' has no attribute {name!r}")


#: KPIs whose definitions every report lists.
REPORTED_KPIS = (
    "gmv",
    "net_gmv",
    "refunds",
    "orders",
    "buyers",
    "uv",
    "uv_daily_sum",
    "cr",
    "cr_daily",
    "orders_per_buyer",
    "aov",
    "aov_buyer",
    "spend",
    "roas",
    "spend_ratio",
    "new_customers",
    "new_customer_share",
    "live_new_customer_share",
    "gmv_index",
    "cr_index",
    "aov_index",
    "aov_buyer_index",
    "burst_multiple",
)


def peak_days(r: Retrospective) -> list:
    """The campaign's peak days as the ``peak_hours`` step chose them (one choice, in date order).

    The hourly chart marks the same days the 分小时峰值 table lists; empty when that step was
    skipped.
    """
    from .analysis.results import Table

    chosen = r.results.get("peak_hours")
    return list(chosen.table["date"]) if isinstance(chosen, Table) else []


def display_case_record(r: Retrospective) -> None:
    """Emit the case record as a notebook output the runner collects (hidden from readers)."""
    from IPython.display import display

    from .cases import MIME, build_record

    display({MIME: build_record(r, parameters={}, reproduce="")}, raw=True)


__all__ = [
    "DEFINITIONS_VERSION",
    "KPI_DEFINITIONS",
    "REPORTED_KPIS",
    "FupanError",
    "Problem",
    "Retrospective",
    "ValidationError",
    "display_case_record",
    "load_retrospective",
    "open_campaign",
    "peak_days",
    "__version__",
]

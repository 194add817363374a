"""The results of "was the lift real": lift, margin ROI, LTV:CAC, the control series, root cause."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from .core import by_index, records_of

if TYPE_CHECKING:
    from ...metrics.lift import Counterfactual


@dataclass(frozen=True)
class LiftAnalysis:
    """Counterfactual daily GMV, incremental GMV per phase and what the dip did (METHODS §1.1).

    ``dip_verdict``: ``pull_forward`` / ``halo`` / ``flat`` from the dip's interval, ``None``
    without a dip window; ``cf_factor``: the model's campaign GMV over the baseline daily GMV ×
    campaign days.
    """

    cf: Counterfactual
    table: pd.DataFrame
    volumes: Mapping[str, pd.DataFrame | None]
    pull_forward: pd.Series | None
    dip_days: int
    dip_verdict: str | None
    closed_weekdays: tuple[int, ...]
    zero_days: int
    cf_factor: float
    growth_per_year: float

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        volumes = {f"{m}_by_phase": by_index(v) for m, v in self.volumes.items() if v is not None}
        return {
            "by_phase": by_index(self.table),
            **volumes,
            "pull_forward_share": self.pull_forward.to_dict()
            if self.pull_forward is not None
            else None,
            "growth_per_year": self.growth_per_year,
            "cf_factor": self.cf_factor,
        }


@dataclass(frozen=True)
class MarginAnalysis:
    """IGP, 利润ROI beside 投产比, leakage, break-even lift and 保本投产比 (METHODS §1.2, §1.4).

    ``spend``, ``roi_margin`` and ``net_roi`` are ``None`` without media spend; the notes say why
    a figure is missing. Definitions: :data:`fupan.dictionary.RESULT_DEFINITIONS`.

    - ``roi_margin`` (利润ROI, total spend) = IGP / S; ``roi_margin_incremental`` (利润ROI,
      incremental spend) = IGP / ``spend_incremental``, where ``spend_incremental`` = S −
      ``baseline_spend_per_day`` × campaign days (``None`` with its note when the campaign spent
      no more than its run rate); ``net_roi_incremental`` = that − 1.
    - ``break_even_lift`` covers **the discount only** (``break_even_lift_scope`` says so), not
      the spend; ``break_even_lift_with_spend`` covers both.
    - ``break_even_roas`` (保本投产比) = (1 − d)/(m − d); ``channels``: per channel with spend its
      GMV, spend, 投产比, 费比, the break-even and whether it is below (``None`` = not judged);
      ``below_break_even`` names the channels below; ``spend_ratio`` = the campaign's 费比.
    """

    igp: float
    subsidy_leakage: float
    units: float
    units_baseline: float
    variable_cost_rate: float
    cf_factor: float
    roas: float
    discount_depth: float
    unit_margin: float
    unit_lift: float
    break_even_lift: float
    buckets: pd.DataFrame
    elasticity: Mapping[str, Any]
    top_skus: pd.DataFrame
    spend: float | None = None
    roi_margin: float | None = None
    net_roi: float | None = None
    break_even_note: str | None = None
    break_even_lift_scope: str = "discount_only"
    break_even_lift_with_spend: float | None = None
    baseline_spend_per_day: float | None = None
    spend_incremental: float | None = None
    roi_margin_incremental: float | None = None
    net_roi_incremental: float | None = None
    incremental_note: str | None = None
    spend_ratio: float | None = None
    break_even_roas: float | None = None
    channels: pd.DataFrame | None = None
    below_break_even: tuple[str, ...] = ()
    #: whether the card states costs.variable_cost_rate (0 written is a declared 0, not unknown)
    variable_cost_declared: bool = True
    #: SKUs whose campaign price was above their regular price: no discount-depth bucket
    price_rises: int = 0

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        optional = (
            "spend",
            "roi_margin",
            "net_roi",
            "break_even_note",
            "incremental_note",
            "channels",
        )
        out = {
            k: v
            for k, v in vars(self).items()
            if k not in ("buckets", "top_skus", "elasticity", "channels")
            and not (v is None and k in optional)
        }
        if self.channels is not None:
            out["channels"] = by_index(self.channels)
        return out | {
            "elasticity": dict(self.elasticity),
            "buckets": records_of(self.buckets),
            "below_break_even": list(self.below_break_even),
        }


@dataclass(frozen=True)
class LtvCac:
    """LTV : CAC of the campaign's new customers (METHODS §1.3); per customer."""

    cac: float
    ltv: float
    ratio: float
    gross_margin_rate: float
    first_30d_net: float
    predicted_value: float
    #: weeks of the customer-value prediction in LTV (not recorded: the model's own parameter)
    horizon_weeks: int = 26

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        return {k: v for k, v in vars(self).items() if k != "horizon_weeks"}


@dataclass(frozen=True)
class Pretrend:
    """Parallel-trends check over the baseline: promoted − control weekly slope."""

    slope_diff_per_week: float
    p_value: float
    parallel: bool


@dataclass(frozen=True)
class NetIncrement:
    """Promoted lift − cannibalisation + halo − pull-forward = net incremental GMV."""

    lift_promoted: float
    cannibalisation: float
    halo: float
    pull_forward: float
    net_incremental: float


@dataclass(frozen=True)
class ControlAnalysis:
    """Difference-in-differences against the card's control series (METHODS §1.1)."""

    table: pd.DataFrame
    categories: tuple[str, ...]
    pretrend: Pretrend
    items: pd.DataFrame | None
    substitutes: tuple[str, ...]
    complements: tuple[str, ...]
    net: NetIncrement

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        return {
            "by_phase": by_index(self.table),
            "pretrend": dict(vars(self.pretrend)),
            "items": by_index(self.items) if self.items is not None else None,
            "net": dict(vars(self.net)),
            "categories": list(self.categories),
        }


@dataclass(frozen=True)
class DayCause:
    """Adtributor's causes of the largest alert's day against a typical day of its phase.

    ``candidates``: :func:`fupan.metrics.rootcause.adtributor` (with ``contribution`` and
    ``rest`` in money); ``excluded``: the control categories left out of the attribution.
    """

    date: str
    phase: str
    total_change: float
    candidates: pd.DataFrame
    excluded: tuple[str, ...] = ()


@dataclass(frozen=True)
class GapCause:
    """Adtributor's causes of the gap between the campaign's GMV and its target.

    ``candidates`` as in :class:`DayCause`; ``excluded``: the control categories, never named.
    """

    target: float
    actual: float
    candidates: pd.DataFrame
    excluded: tuple[str, ...] = ()
    #: the channels' part of the target split by the team's plan (else by baseline shares)
    channels_by_plan: bool = False


def _cause_record(cause: DayCause | GapCause | None) -> dict[str, Any] | None:
    if cause is None:
        return None
    out = {k: v for k, v in vars(cause).items() if k != "candidates"}
    return out | {
        "candidates": records_of(
            cause.candidates.assign(elements=cause.candidates.elements.map(list))
        )
    }


@dataclass(frozen=True)
class RootCause:
    """Root cause of the anomalous day and of the GMV gap to target (either may be ``None``)."""

    day: DayCause | None
    gap: GapCause | None

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        return {"anomalous_day": _cause_record(self.day), "target_gap": _cause_record(self.gap)}

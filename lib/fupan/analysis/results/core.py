"""Results of the headline, execution and customer analyses, the findings and the Retrospective.

See :mod:`fupan.analysis.results` (imports no analysis code).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from ...i18n import pick, t

if TYPE_CHECKING:
    import datetime as dt

    from ...extract.aggregates import Aggregates
    from ...format import Style
    from ...ingest.card import CampaignCard
    from ...ingest.validate import Campaign
    from ...metrics.customers import BuyerMix, BuyerRate, NewCustomerQuality
    from ...metrics.yoy import YearOnYear


@dataclass(frozen=True)
class Skip:
    """An analysis that could not be answered, and why.

    ``reason`` is :func:`fupan.i18n.bilingual` (``"English||中文"``) or, from a library message,
    one text; :meth:`text` gives the report's side.
    """

    reason: str

    def text(self, lang: str) -> str:
        """The reason in ``lang`` (the whole text when it has one language only)."""
        return pick(self.reason, lang)


def records_of(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as dicts (a case-record list)."""
    rows: list[dict[str, Any]] = frame.to_dict(orient="records")
    return rows


def by_index(frame: pd.DataFrame) -> dict[Any, Any]:
    """The frame's rows as dicts keyed by its index (a case-record mapping)."""
    rows: dict[Any, Any] = frame.to_dict(orient="index")
    return rows


@dataclass(frozen=True)
class Finding:
    """One auto-drafted finding: a sentence in both languages with the numbers it rests on.

    ``kind``: ``win`` / ``miss`` / ``note``; ``priority`` 0 = target, 1 = hypothesis, 2 = other;
    ``weight`` ranks findings of one kind and priority; ``metric``: what it is about.
    """

    kind: str
    zh: str
    en: str
    weight: float
    metric: str
    priority: int = 2

    def text(self, lang: str) -> str:
        """The finding in ``lang``."""
        return self.zh if lang == "zh" else self.en

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        return {"kind": self.kind, "zh": self.zh, "en": self.en, "metric": self.metric}


@dataclass(frozen=True)
class Decomposition:
    """Daily GMV campaign vs baseline split into UV, CR and AOV effects (LMDI and Shapley)."""

    base: Mapping[str, float]
    current: Mapping[str, float]
    gmv_base: float
    gmv_current: float
    lmdi: pd.Series
    shapley: pd.Series

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        return {
            "basis": "daily average, campaign vs baseline",
            "base": dict(self.base),
            "current": dict(self.current),
            "gmv_base": self.gmv_base,
            "gmv_current": self.gmv_current,
            "lmdi": self.lmdi.to_dict(),
            "shapley": self.shapley.to_dict(),
        }


@dataclass(frozen=True)
class RefundMaturity:
    """Whether each window's refunds had time to settle by the data's last day.

    ``measured_on``: the last order day of the data (refunds are as of then); ``maturity_days``:
    :data:`fupan.dictionary.REFUND_MATURITY_DAYS`; ``table`` per window: ``end``,
    ``days_observed`` (measured_on − the window's last day) and ``mature`` (≥ maturity_days);
    ``immature`` names the windows whose refund figures read low (退款尚未完结).
    """

    measured_on: str
    maturity_days: int
    table: pd.DataFrame
    immature: tuple[str, ...]

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        return {
            "measured_on": self.measured_on,
            "maturity_days": self.maturity_days,
            "by_phase": by_index(self.table),
            "immature": list(self.immature),
        }


@dataclass(frozen=True)
class Table:
    """A result that is one frame (funnel by channel, segment effects); recorded by its index."""

    table: pd.DataFrame

    def record(self) -> Any:
        """The JSON-ready form kept in case.json."""
        return by_index(self.table)


class FunnelByChannel(Table):
    """Users per funnel step and channel, overall conversion and each channel's biggest leak."""


@dataclass(frozen=True)
class Audiences:
    """新老客结构与沉睡唤醒: the campaign's buyers by their history, and the dormant woken.

    ``mix``: :func:`fupan.metrics.customers.buyer_mix` over the campaign window ``start`` …
    ``end`` (its 口径: new, returning, reactivated; the dormant pool and 唤醒率).
    """

    mix: BuyerMix
    start: dt.date
    end: dt.date

    def record(self) -> dict[str, Any]:
        """The case-record form: the window, each audience's row, the dormant pool and its rate."""
        m = self.mix
        return {
            "window": [self.start.isoformat(), self.end.isoformat()],
            "audiences": by_index(m.table),
            "dormant_days": m.dormant_days,
            "dormant": m.dormant,
            "reactivated": m.reactivated,
            "reactivation_rate": m.rate,
        }


@dataclass(frozen=True)
class YearOnYearAnalysis:
    """同比: the campaign and its burst against the same days last year.

    ``yoy``: :func:`fupan.metrics.yoy.year_on_year` (its 口径: which days are last year's, when
    last year counts as measured).
    """

    yoy: YearOnYear

    def record(self) -> dict[str, Any]:
        """The case-record form: which days last year are, and each window's figures."""
        table = self.yoy.table.copy()
        for c in ("start", "end", "ly_start", "ly_end"):
            table[c] = [d.isoformat() for d in table[c]]
        return {
            "same_weekdays": not self.yoy.calendar,
            "history_start": self.yoy.history_start.date().isoformat(),
            "windows": by_index(table),
        }


@dataclass(frozen=True)
class PreheatPool:
    """预热蓄水: pre-heat carters and those of them who paid in the burst.

    ``carters``: customers who added to cart on a pre-heat day (any channel); ``converted``: those
    of them who paid on a burst day.
    """

    carters: int
    converted: int

    @property
    def rate(self) -> float | None:
        """Share of the carters who paid in the burst; None without a pre-heat carter."""
        return self.converted / self.carters if self.carters else None

    def record(self) -> dict[str, Any]:
        """The case-record form: carters, converted and their rate."""
        return {"carters": self.carters, "converted": self.converted, "rate": self.rate}


class DailyIndex(Table):
    """Each day's GMV as an index of the baseline's average day, by promotion day (day 0 = burst start)."""

    def record(self) -> Any:
        """Rows ``{day, date, index}`` in day order: the series the case library overlays."""
        return [
            {"day": int(d), "date": str(date), "index": float(i)}
            for d, date, i in zip(
                self.table["day"], self.table["date"], self.table["index"], strict=True
            )
        ]


class SegmentEffects(Table):
    """Traffic / mix / CR / AOV effects on daily GMV per dimension (rows: dimension)."""


@dataclass(frozen=True)
class ShareAlerts:
    """Channel-days whose GMV share moved against their phase, largest money gap first."""

    table: pd.DataFrame

    def record(self) -> list[dict[str, Any]]:
        """The JSON-ready form kept in case.json."""
        dates = pd.to_datetime(self.table.date).dt.strftime("%Y-%m-%d")
        return records_of(self.table.head(10).assign(date=dates))


@dataclass(frozen=True)
class ABTest:
    """The campaign's A/B test (:func:`fupan.metrics.experiment.evaluate_arms`): B against A."""

    users: Mapping[str, int]
    converted: Mapping[str, int]
    conversion: Mapping[str, float]
    conversion_diff: float
    conversion_diff_ci: tuple[float, float]
    p_value: float
    relative_lift: float
    relative_lift_ci: tuple[float, float]
    revenue_per_user: Mapping[str, float]
    revenue_diff: float
    revenue_diff_ci: tuple[float, float]
    revenue_p_value: float
    srm_p_value: float
    srm_flagged: bool
    users_in_both_arms: int
    alpha: float

    @property
    def significant(self) -> bool:
        """P below the test's alpha."""
        return bool(self.p_value < self.alpha)

    def verdict(self, style: Style) -> str:
        """One plain-language sentence on the test's outcome, in ``style``'s language."""
        lang = style.lang
        if self.srm_flagged:
            return t("ab_srm", lang, p=self.srm_p_value)
        lo, hi = self.relative_lift_ci
        adopt = self.significant and self.relative_lift > 0
        return t(
            "ab_verdict",
            lang,
            direction=t("ab_raised" if self.relative_lift >= 0 else "ab_lowered", lang),
            significance=t("ab_significant" if self.significant else "ab_not_significant", lang),
            lift=abs(self.relative_lift),
            lo=lo,
            hi=hi,
            p=self.p_value,
            diff=style.money(self.revenue_diff, digits=2),
            advice=t("ab_adopt" if adopt else "ab_keep", lang),
        )

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        return {
            k: (dict(v) if isinstance(v, Mapping) else list(v) if isinstance(v, tuple) else v)
            for k, v in vars(self).items()
        }


@dataclass(frozen=True)
class CustomerValue:
    """Predicted repeat purchases and value per customer by cohort (BG/NBD × Gamma–Gamma)."""

    table: pd.DataFrame
    params: Mapping[str, Any]

    @property
    def no_dropout(self) -> bool:
        """The BG/NBD's maximum is its no-dropout limit: P(alive) assumed, not estimated."""
        return bool(self.params["bgnbd"].get("model") == "nbd_no_dropout")

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        return {"by_cohort": by_index(self.table), "model": self.params}


@dataclass(frozen=True)
class CustomerAnalysis:
    """New-customer quality, repeat rates, 复购率/回购率, RFM segments and monthly cohorts."""

    #: None (with ``margin_per_customer``) when a cohort has no customer — CDNOW's later seasons
    #: have no new buyers — and ``quality_note`` says why; RFM and cohorts do not need them
    quality: NewCustomerQuality | None
    margin_per_customer: pd.DataFrame | None
    repeat: pd.DataFrame
    repurchase: BuyerRate
    return_rate: BuyerRate | None
    rfm: pd.DataFrame
    rfm_thresholds: Mapping[str, float]
    cohorts: pd.DataFrame
    #: whether the 'organic new' cohort is one: the orders begin at least
    #: :data:`fupan.ingest.history.BASELINE_HISTORY_DAYS` before the baseline (else its buyers
    #: are mostly old ones seen for the first time, and no verdict is drawn against them)
    organic_comparable: bool = True
    #: why ``quality`` is None (bilingual), else ""
    quality_note: str = ""
    #: the orders' last day when it is not its month's last: the cohorts' last month is partial
    #: (its cells read low), and the heatmap marks them
    cohorts_partial_through: pd.Timestamp | None = None

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        q, mpc = self.quality, self.margin_per_customer
        return {
            "new_customer_quality": {
                "k": q.k,
                "campaign": vars(q.campaign),
                "organic": vars(q.organic),
                "test": vars(q.test) if q.test is not None else None,
                "campaign_net_per_customer": q.campaign_net_per_customer,
                "organic_net_per_customer": q.organic_net_per_customer,
            }
            if q is not None
            else None,
            "repeat_rates": records_of(self.repeat.reset_index()),
            "margin_per_customer": {str(k): v for k, v in by_index(mpc).items()}
            if mpc is not None
            else None,
            "repurchase_rate": vars(self.repurchase),
            # 回购率 (buyers of the campaign who came back in the dip): "return_rate" until 口径
            # 2025.11-1, which English readers took for a refund rate (read with
            # fupan.dictionary.read_key)
            "repurchase_return_rate": vars(self.return_rate)
            if self.return_rate is not None
            else None,
            "rfm_segments": by_index(self.rfm),
            "rfm_thresholds": dict(self.rfm_thresholds),
        }


@dataclass(frozen=True)
class InventoryHealth:
    """Stock-out and slow-moving rates, turnover days and GMV lost to stock-outs (campaign)."""

    stockout_rate: float
    slow_moving_rate: float
    turnover_days: float
    lost: pd.DataFrame
    lost_floor: float
    lost_total: float
    turnover_note: str | None = None

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        out: dict[str, Any] = {
            "stockout_rate": self.stockout_rate,
            "slow_moving_rate": self.slow_moving_rate,
            "turnover_days": self.turnover_days,
            "lost_floor": self.lost_floor,
            "lost_total": self.lost_total,
        }
        if self.turnover_note is not None:
            out["turnover_note"] = self.turnover_note
        return out | {"lost_by_sku": records_of(self.lost)}


@dataclass(frozen=True)
class AnomalyParams:
    """The thresholds the day-level anomaly tests ran with (module constants of the step)."""

    z: float
    min_rel_dev: float
    fdr: float
    window: int
    min_periods: int
    fit_days: int
    min_orders: int
    p_sigma: float
    concentration: float
    top_n: int


@dataclass(frozen=True)
class DayAnomalies:
    """Days whose GMV, orders, CR or refund rate broke from their phase, with their drivers.

    ``flags``: one row per flagged metric × slice × day (``driver_zh``/``driver_en``: what drove
    it); ``tests``: how many tests BH ran over; ``tested``: days tested and flagged per metric ×
    slice; ``not_measured`` (metric → bilingual reason) and ``notes`` (bilingual).
    """

    flags: pd.DataFrame
    tests: int
    tested: pd.DataFrame
    all_tests: pd.DataFrame
    not_measured: Mapping[str, str]
    notes: tuple[str, ...]
    closed_weekdays: tuple[int, ...]
    period: tuple[str, str]
    params: AnomalyParams

    def record(self) -> dict[str, Any]:
        """The JSON-ready form kept in case.json."""
        flags = self.flags.assign(date=pd.to_datetime(self.flags.date).dt.strftime("%Y-%m-%d"))
        return {
            "flags": records_of(flags),
            "tests": self.tests,
            "tested": records_of(self.tested),
            "not_measured": {k: pick(v, "en") for k, v in self.not_measured.items()},
            "notes": [pick(n, "en") for n in self.notes],
            "closed_weekdays": list(self.closed_weekdays),
            "period": list(self.period),
            "params": dict(vars(self.params)),
        }


@dataclass(frozen=True)
class Retrospective:
    """One campaign's retrospective: its data and every result.

    Built once by :func:`fupan.analysis.retrospective.build`.

    ``results`` maps each step of the wiring list to what it returned (a result, ``None`` or a
    :class:`Skip`); each is also an attribute (``r.lift``, ``r.kpis``, ``r.style``).
    ``recorded`` pairs a result's name with its key under ``analyses`` in case.json.
    """

    campaign: Campaign
    agg: Aggregates
    results: Mapping[str, Any]
    recorded: tuple[tuple[str, str], ...] = ()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("campaign", "agg", "results", "recorded"):
            raise AttributeError(name)
        try:
            return self.results[name]
        except KeyError:
            raise AttributeError(
                f"the retrospective has no result {name!r}; it has {sorted(self.results)}"
            ) from None

    @property
    def card(self) -> CampaignCard:
        """The campaign's card."""
        return self.campaign.card

    @property
    def lang(self) -> str:
        """The report's language (``style.lang``)."""
        style: Style = self.results["style"]
        return style.lang

    @property
    def skipped(self) -> dict[str, str]:
        """Reason of every analysis that could not be answered, by name (as in case.json)."""
        return {name: v.reason for name, v in self.results.items() if isinstance(v, Skip)}

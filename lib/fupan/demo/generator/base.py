"""The demo shop's constants (windows, channels, catalogue, campaign table, control line, media)
and the small helpers every part of the generator uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

GENERATOR_VERSION = "fupan.demo/1.4"
Scenario = Literal["standard", "no_lift", "channel_fault"]

START, END = np.datetime64("2024-10-01"), np.datetime64("2025-11-30")
WINDOWS = {
    "baseline": ("2025-09-15", "2025-10-14"),
    "preheat": ("2025-10-15", "2025-10-31"),
    "burst": ("2025-11-01", "2025-11-11"),
    "post": ("2025-11-12", "2025-11-15"),
    "dip": ("2025-11-16", "2025-11-30"),
}
CHANNELS = np.array(["live", "search_ads", "feed_ads", "kol", "private_domain", "organic"])
EVENTS = np.array(["visit", "view", "cart", "order", "pay"])
P30 = {"campaign": 0.12, "organic": 0.20}  # true 30-day repeat probability of new customers
AB_MULTIPLIER = 1.10  # variant B multiplies a visitor's probability of ordering
FAULT = {"date": "2025-11-05", "channel": "live", "conversion_multiplier": 0.1}
_CATEGORIES = (
    ("护肤", "SKN", 22, 420.0),
    ("彩妆", "MKP", 18, 220.0),
    ("香水", "FRG", 8, 620.0),
    ("个护", "PSC", 12, 110.0),
)
_WEEKDAY = np.array([0.95, 0.93, 0.95, 0.97, 1.02, 1.10, 1.08])  # Monday .. Sunday
_LINES_P = np.array([[0.70, 0.22, 0.08], [0.60, 0.28, 0.12], [0.45, 0.35, 0.20]])  # by tier
_QTY_P = np.array([[0.82, 0.13, 0.05], [0.72, 0.20, 0.08], [0.60, 0.28, 0.12]])
_BASKET = (_LINES_P @ [1, 2, 3]) * (_QTY_P @ [1, 2, 3])  # expected units per order, by tier
_HOURS = np.array(
    [
        [
            2.0,
            1.0,
            0.5,
            0.3,
            0.2,
            0.2,
            0.4,
            0.9,
            1.8,
            2.8,
            3.5,
            3.8,
            3.9,
            3.6,
            3.5,
            3.6,
            3.8,
            4.0,
            4.5,
            5.5,
            6.5,
            7.0,
            6.0,
            4.0,
        ],
        [
            26,
            6,
            2,
            1,
            0.5,
            0.5,
            0.5,
            1,
            2,
            3,
            3.5,
            3.8,
            3.9,
            3.6,
            3.5,
            3.6,
            3.8,
            4,
            5,
            7,
            20,
            9,
            7,
            5,
        ],
    ]
)  # normal day, peak day (midnight and 20:00 rushes)
# channel mix (order of CHANNELS) of orders by new / returning customers, normal / campaign days
_MIX_NEW = np.array([[0.20, 0.20, 0.15, 0.10, 0.03, 0.32], [0.38, 0.15, 0.15, 0.12, 0.02, 0.18]])
_MIX_RET = np.array([[0.12, 0.15, 0.05, 0.03, 0.25, 0.40], [0.25, 0.15, 0.07, 0.05, 0.25, 0.23]])
_MIX_VISIT = np.array([[0.15, 0.25, 0.20, 0.08, 0.07, 0.25], [0.28, 0.18, 0.20, 0.12, 0.06, 0.16]])
# promotions, rows of (first day, last day, order multiplier(s), discount, basket tier,
# new-customer share; a negative share multiplies the organic one)
# Double 11 of the year before (Levers.last_year_double11), at the same calendar dates as this
# year's campaign and on the same plan (deposit presale, burst, 返场, trough) but smaller: a history
# the counterfactual's fit has to mask, and a 同比 against a real promotion. New-customer shares are
# absolute: the shop is weeks old then, nearly every buyer is new.
_PROMO_D11_LAST_YEAR = (
    ("2024-10-15", "2024-10-15", 1.20, 0.90, 1, 0.85),
    ("2024-10-16", "2024-10-31", 0.92, 0.92, 0, 0.80),
    (
        "2024-11-01",
        "2024-11-11",
        np.array([4.5, 2.2, 1.9, 1.6, 1.6, 1.6, 1.6, 1.6, 1.6, 2.6, 7.0]),
        0.78,
        2,
        0.88,
    ),
    ("2024-11-12", "2024-11-15", np.array([1.3, 1.2, 1.1, 1.05]), 0.88, 1, 0.80),
    ("2024-11-16", "2024-11-30", np.linspace(0.60, 0.90, 15), 0.925, 0, -1.0),
)
_PEAKS_LAST_YEAR = ("2024-11-01", "2024-11-11")
_PROMO_618 = (
    ("2025-05-28", "2025-05-31", 1.3, 0.90, 1, -1.25),
    ("2025-06-01", "2025-06-03", 2.0, 0.85, 1, -1.25),
    ("2025-06-04", "2025-06-15", 1.2, 0.88, 1, -1.25),
    ("2025-06-16", "2025-06-17", 1.6, 0.85, 1, -1.25),
    ("2025-06-18", "2025-06-18", 3.5, 0.82, 1, -1.25),
)
_CAMPAIGN = (
    ("2025-10-15", "2025-10-15", 1.30, 0.88, 1, 0.55),  # presale launch day
    ("2025-10-16", "2025-10-31", 0.89, 0.90, 0, 0.46),  # deposit presale lull
    (
        "2025-11-01",
        "2025-11-11",
        np.array([5.5, 2.6, 2.1, 1.8, 1.8, 1.8, 1.8, 1.8, 1.8, 3.0, 8.5]),
        0.75,
        2,
        0.60,
    ),
    ("2025-11-01", "2025-11-01", 1.0, 0.72, 2, 0.66),
    ("2025-11-11", "2025-11-11", 1.0, 0.72, 2, 0.66),
    ("2025-11-12", "2025-11-15", np.array([1.5, 1.3, 1.2, 1.15]), 0.86, 1, 0.50),
    # the post-Double-11 trough: beauty buyers stocked up at the deposit presale and the
    # burst, so orders fall to 45 % of normal the day after 返场 and recover to 85 % by the
    # end of November — about a fifth of the campaign's lift is paid back (pull-forward)
    ("2025-11-16", "2025-11-30", np.linspace(0.45, 0.85, 15), 0.925, 0, -1.0),
)
# The control line (洗护, everyday hair & body care): not part of any promotion, bought by a pool of
# loyal customers acquired in the first weeks of the history; its orders follow the no-promotion
# demand λ_base (trend, weekday, Spring Festival) and nothing else — the DiD control series.
CONTROL = {
    "category": "洗护",
    "code": "HBC",
    "share": 1.0,
    "pool": 2500,
    "disc": (0.97, 1.0),
    "price": (59.0, 69.0, 79.0, 89.0, 99.0, 129.0),
    "weight": (0.25, 0.22, 0.18, 0.15, 0.12, 0.08),
    "channel": {"organic": 0.7, "private_domain": 0.3},
    "cancel": 0.035,
    "refund": 0.04,
}
_SPEND = {
    "live": (5200, 40, 0.04),
    "search_ads": (4200, 60, 0.05),
    "feed_ads": (3300, 25, 0.015),
    "kol": (2500, 80, 0.02),
    "private_domain": (700, 5, 0.10),
}  # daily CNY, CPM, CTR


@dataclass(frozen=True)
class Levers:
    """What a scenario preset (:mod:`fupan.demo.scenarios`) may change; the defaults are the demo
    shop, and with them :func:`generate_demo` writes exactly the files it always wrote.

    - ``catalogue``: (category, SKU code, number of SKUs, mean list price) per promoted category;
      ``control``: (category, SKU code) of the untouched control line (prices as in :data:`CONTROL`);
      ``cost_share``: unit cost as a share of list price, drawn uniformly in this range per SKU.
    - ``campaign_lift`` scales the campaign's order multipliers around 1 (m → 1 + k·(m − 1)) from
      preheat to post; ``discount_depth`` scales its discount off list (1 − d → k·(1 − d));
      ``dip``: the order multiplier on the first and last day of the after-campaign trough.
    - ``conversion``: visitor conversion on campaign days relative to the demo's (0.4 → 2.5 times
      the visitors per order); ``campaign_spend`` multiplies media spend from preheat to post.
    - ``stockout_skus`` hot SKUs (None: 2 or 3, drawn) among the ``stockout_pool`` best sellers sell
      out in the burst for ``stockout_days`` (shortest, longest) days each; ``after_sales``
      multiplies the cancel and refund rates of burst, post and dip days (late shipments).
    - ``shift_days`` moves every date written (−365: Double 11 2024; +31: Double 12 2025); the
      model itself is unchanged, so the weekday pattern moves with it.
    - ``last_year_double11`` plants the year before's Double 11 in the history (presale lull,
      burst, 返场, trough; smaller than this year's) — off for the demo shop so far.
    """

    catalogue: tuple[tuple[str, str, int, float], ...] = _CATEGORIES
    control: tuple[str, str] = (CONTROL["category"], CONTROL["code"])
    cost_share: tuple[float, float] = (0.30, 0.45)
    campaign_lift: float = 1.0
    discount_depth: float = 1.0
    dip: tuple[float, float] = (0.45, 0.85)
    conversion: float = 1.0
    campaign_spend: float = 1.0
    stockout_skus: int | None = None
    stockout_pool: int = 6
    stockout_days: tuple[int, int] = (1, 3)
    after_sales: float = 1.0
    shift_days: int = 0
    last_year_double11: bool = False

    def shop(self) -> Levers:
        """Only what describes the shop (catalogue, control line, costs, dates, its history): the
        plan's levers."""
        return Levers(
            catalogue=self.catalogue,
            control=self.control,
            cost_share=self.cost_share,
            shift_days=self.shift_days,
            last_year_double11=self.last_year_double11,
        )


_DEFAULT_LEVERS = Levers()  # the demo shop


def _shifted(date: str, days: int) -> str:
    return str(np.datetime64(date) + days) if days else date


def windows(shift_days: int = 0) -> dict[str, tuple[str, str]]:
    """The campaign windows, moved by ``shift_days`` (see :class:`Levers`)."""
    return {k: (_shifted(a, shift_days), _shifted(b, shift_days)) for k, (a, b) in WINDOWS.items()}


def _campaign_table(lv: Levers) -> tuple[tuple[Any, ...], ...]:
    """:data:`_CAMPAIGN` with the levers applied (the very same table with the defaults)."""
    if (lv.campaign_lift, lv.discount_depth, lv.dip) == (1.0, 1.0, (0.45, 0.85)):
        return _CAMPAIGN
    rows = []
    for a, b, mult, disc, tier, nu in _CAMPAIGN[:-1]:
        rows.append(
            (
                a,
                b,
                1 + lv.campaign_lift * (np.asarray(mult) - 1),
                1 - lv.discount_depth * (1 - disc),
                tier,
                nu,
            )
        )
    a, b, _, disc, tier, nu = _CAMPAIGN[-1]  # the dip row: its own lever, regular discount
    return (*rows, (a, b, np.linspace(*lv.dip, 15), disc, tier, nu))


def _i(date: str) -> int:
    return int((np.datetime64(date) - START).astype(int))


def _span(a: str, b: str) -> slice:
    return slice(_i(a), _i(b) + 1)


def _cum(p: np.ndarray) -> np.ndarray:
    p = np.asarray(p, dtype=float)
    return np.cumsum(p / p.sum(axis=-1, keepdims=True), axis=-1)


def _draw(rng: np.random.Generator, cum_rows: np.ndarray) -> np.ndarray:
    """One categorical draw per row of a matrix of cumulative probabilities."""
    u = rng.random(len(cum_rows))
    return np.minimum((u[:, None] >= cum_rows).sum(axis=1), cum_rows.shape[1] - 1)


def _nice(x: float, digits: int, rounding: Any = np.round) -> float:
    """``x`` rounded (or floored with ``rounding=np.floor``) to ``digits`` significant digits."""
    if not x:
        return 0.0
    exponent = int(np.floor(np.log10(abs(x)))) - digits + 1
    return round(float(rounding(x / 10.0**exponent) * 10.0**exponent), max(0, -exponent))


def _strings(prefix: str, numbers: np.ndarray, width: int) -> np.ndarray:
    return np.strings.add(prefix, np.strings.zfill(numbers.astype("U"), width))

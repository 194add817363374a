"""Small seeded campaign folders for tests, with a planted lift whose size is known.

:func:`make_campaign` writes ``campaign.yaml`` + ``orders.csv`` (and, when asked, ``events.csv``
and ``spend.csv``) in the input contract of DESIGN.md "The campaign folder", and returns a
:class:`Planted` record of what it planted, so that a test can check the report's numbers against
the generating model rather than against the code under test.

The model, for each day ``t`` of the history (``n_days_history`` days up to the baseline's end)
and the campaign windows after it:

- expected orders ``λ_t = orders_per_day · weekday_t · (1 + trend)^((t − baseline end)/365)``
  (the counterfactual, "no campaign") times ``1 + lift`` on pre-heat, burst and post days and
  ``1 − dip_drop`` on dip days; ``λ_t = 0`` on ``closed_weekdays`` and ``zero_days``. Realised
  counts are Poisson. ``lift`` is a rise in orders; with the campaign ``discount`` the expected
  GMV of a campaign day is ``(1 + lift) · discount`` times its counterfactual.
- each order is placed by a returning customer (one of the customers still active, in
  proportion to a propensity of their own) with probability ``repeat_share``, otherwise by a new
  customer; after each order its customer stops buying for good with a probability of their own
  (mean ``churn``; the BG/NBD story). ``repeat_share=0`` means nobody ever buys twice.
- an order has one line, or two a minute apart (probability ``TWO_LINES``); a line is a SKU of
  :data:`CATALOGUE` drawn uniformly, quantity 1–3 (``QUANTITY_P``), paid at its list price, times
  ``discount`` from pre-heat to post. ``cancel_share`` of orders are cancelled and
  ``refund_share`` refunded in full. Expected GMV (DESIGN.md 口径: orders not cancelled, before
  refunds) is therefore ``λ_t · (1 − cancel_share) · E[lines] · E[quantity] · mean list price
  · price factor_t`` (:data:`MEAN_ORDER_VALUE` at list price).

Customer ids look like ``cust0000123`` so that a test can search a report for any of them.
Everything comes from ``numpy.random.default_rng(seed)``: the same arguments give the same files.

The end of the module reads a report back for such tests: its visible text, its sections by
heading, the amounts of money and the non-finite words (``nan``, ``inf``) in a text.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from bs4 import BeautifulSoup, NavigableString, Tag

#: Monday .. Sunday demand factors of an ordinary shop
WEEKDAY = (0.92, 0.95, 1.0, 1.0, 1.05, 1.1, 0.98)
CHANNELS = ("live", "search", "feed")
CHANNEL_P = (0.5, 0.3, 0.2)
#: (sku, category, unit list price, unit cost)
CATALOGUE = (
    ("SKU-01", "护肤", 59.0, 21.0),
    ("SKU-02", "护肤", 89.0, 30.0),
    ("SKU-03", "护肤", 129.0, 45.0),
    ("SKU-04", "彩妆", 39.0, 12.0),
    ("SKU-05", "彩妆", 69.0, 25.0),
    ("SKU-06", "彩妆", 99.0, 40.0),
    ("SKU-07", "个护", 29.0, 9.0),
    ("SKU-08", "个护", 49.0, 18.0),
)
QUANTITY_P = (0.7, 0.2, 0.1)
TWO_LINES = 0.125
#: expected value of an order at list price: E[lines] · E[quantity] · mean unit list price
MEAN_ORDER_VALUE = (
    (1 + TWO_LINES)
    * sum((k + 1) * p for k, p in enumerate(QUANTITY_P))
    * float(np.mean([c[2] for c in CATALOGUE]))
)
#: default phase lengths in days (baseline before the campaign start, the others after it)
PHASE_DAYS = {"baseline": 28, "preheat": 4, "burst": 7, "post": 3, "dip": 10}
CAMPAIGN_START = dt.date(2024, 11, 1)


@dataclass(frozen=True)
class Planted:
    """What :func:`make_campaign` wrote and planted.

    ``expected_gmv`` / ``counterfactual_gmv``: expected daily GMV with and without the campaign
    (index: every day from the first history day to the dip's end). ``incremental`` maps a phase
    (and ``campaign`` = pre-heat + burst + post, ``total`` = those + dip) to its expected
    incremental GMV Σ(E[Y] − E[Y⁰]).
    """

    folder: Path
    windows: dict[str, tuple[dt.date, dt.date]]
    history_start: dt.date
    lift: float
    dip_drop: float
    closed_weekdays: tuple[int, ...]
    zero_days: tuple[dt.date, ...]
    currency: str
    n_orders: int
    n_lines: int
    expected_gmv: pd.Series
    counterfactual_gmv: pd.Series
    incremental: dict[str, float] = field(default_factory=dict)

    @property
    def campaign(self) -> tuple[dt.date, dt.date]:
        return self.windows["preheat"][0], self.windows["post"][1]


def _windows(
    campaign_start: dt.date, phase_days: dict[str, int]
) -> dict[str, tuple[dt.date, dt.date]]:
    out: dict[str, tuple[dt.date, dt.date]] = {}
    b = phase_days["baseline"]
    out["baseline"] = (campaign_start - dt.timedelta(days=b), campaign_start - dt.timedelta(days=1))
    day = campaign_start
    for name in ("preheat", "burst", "post", "dip"):
        n = phase_days[name]
        out[name] = (day, day + dt.timedelta(days=n - 1))
        day += dt.timedelta(days=n)
    return out


def _as_dates(days: Iterable, start: dt.date) -> tuple[dt.date, ...]:
    """Dates, or integer offsets from ``start``, as sorted unique dates."""
    out = set()
    for d in days:
        if isinstance(d, int | np.integer):
            out.add(start + dt.timedelta(days=int(d)))
        else:
            out.add(pd.Timestamp(d).date())
    return tuple(sorted(out))


def make_campaign(
    folder: Path | str,
    *,
    seed: int,
    n_days_history: int = 400,
    orders_per_day: float = 10.0,
    repeat_share: float = 0.3,
    closed_weekdays: Iterable[int] = (),
    zero_days: Iterable = (),
    lift: float = 1.0,
    dip_drop: float = 0.0,
    trend: float = 0.1,
    currency: str = "CNY",
    timezone: str = "Asia/Shanghai",
    with_events: bool = False,
    with_spend: bool = False,
    with_costs: bool = True,
    discount: float = 0.85,
    cancel_share: float = 0.03,
    refund_share: float = 0.02,
    churn: float = 0.25,
    campaign_start: dt.date = CAMPAIGN_START,
    phase_days: dict[str, int] | None = None,
    case_id: str | None = None,
    cover_edges: bool = True,
) -> Planted:
    """Write a campaign folder with a planted lift and return what was planted (see the module).

    ``closed_weekdays``: 0 = Monday … 6 = Sunday, days the shop never trades. ``zero_days``:
    dates (or day offsets from the first history day) with no order at all (an outage).
    ``n_days_history``: days of orders up to and including the baseline's last day; at least
    the baseline's length. ``with_events`` writes visit/view/cart/order/pay events from the
    baseline on (every buyer's journey plus visitors who do not buy); ``with_spend`` a daily
    spend per paid channel; ``with_costs`` unit costs on the order lines. ``cover_edges`` gives
    the first and the last day at least one order when the shop is open then (a tiny shop would
    otherwise often have none, and the validator wants orders to span the windows).
    """
    folder = Path(folder)
    phases = {**PHASE_DAYS, **(phase_days or {})}
    if n_days_history < phases["baseline"]:
        raise ValueError(
            f"n_days_history ({n_days_history}) must cover the baseline ({phases['baseline']} days)"
        )
    if not 0 <= repeat_share < 1:
        raise ValueError("repeat_share must be in [0, 1)")
    closed = tuple(sorted(set(int(d) for d in closed_weekdays)))
    if len(closed) >= 7 or any(not 0 <= d <= 6 for d in closed):
        raise ValueError("closed_weekdays are 0..6 and leave at least one open day")
    rng = np.random.default_rng(seed)
    win = _windows(campaign_start, phases)
    history_start = win["baseline"][1] - dt.timedelta(days=n_days_history - 1)
    zeros = _as_dates(zero_days, history_start)
    days = pd.date_range(history_start, win["dip"][1], freq="D")
    years = (days - pd.Timestamp(win["baseline"][1])).days.to_numpy() / 365.0
    weekday = np.asarray(WEEKDAY)[days.day_of_week]
    open_day = ~np.isin(days.day_of_week, closed) & ~days.isin(
        pd.DatetimeIndex(pd.to_datetime(zeros))
    )
    lam_cf = orders_per_day * weekday * (1 + trend) ** years * open_day
    mult = np.ones(len(days))
    for name in ("preheat", "burst", "post"):
        mult[(days >= pd.Timestamp(win[name][0])) & (days <= pd.Timestamp(win[name][1]))] = 1 + lift
    mult[(days >= pd.Timestamp(win["dip"][0])) & (days <= pd.Timestamp(win["dip"][1]))] = (
        1 - dip_drop
    )
    lam = lam_cf * mult

    # orders: day, time of day, customer, value, channel, status
    counts = rng.poisson(lam)
    if cover_edges:  # an order on the first and the last day, so the folder spans its windows
        for i in (0, len(days) - 1):
            counts[i] = max(counts[i], int(lam[i] > 0))
    day_idx = np.repeat(np.arange(len(days)), counts)
    n = len(day_idx)
    ts = days[day_idx] + pd.to_timedelta(rng.integers(8 * 3600, 24 * 3600 - 120, n), unit="s")
    order = np.argsort(ts.to_numpy(), kind="stable")
    day_idx, ts = day_idx[order], ts[order]
    customer = _customers(rng, n, repeat_share, churn)
    channel = np.asarray(CHANNELS)[rng.choice(len(CHANNELS), size=n, p=CHANNEL_P)]
    u = rng.random(n)
    status = np.where(
        u < cancel_share, "cancelled", np.where(u < cancel_share + refund_share, "refunded", "paid")
    )
    in_campaign = (days[day_idx] >= pd.Timestamp(win["preheat"][0])) & (
        days[day_idx] <= pd.Timestamp(win["post"][1])
    )
    price_factor = np.where(in_campaign, discount, 1.0)
    two_lines = rng.random(n) < TWO_LINES
    lines = []
    for k in range(2):
        sel = np.arange(n) if k == 0 else np.flatnonzero(two_lines)
        sku = rng.choice(len(CATALOGUE), size=len(sel))
        qty = rng.choice(len(QUANTITY_P), size=len(sel), p=QUANTITY_P) + 1
        unit_list = np.array([c[2] for c in CATALOGUE])[sku]
        paid = np.round(unit_list * qty * price_factor[sel], 2)
        frame = pd.DataFrame(
            {
                "order_id": [f"g{seed}-{i:07d}" for i in sel],
                "user_id": [f"cust{c:07d}" for c in customer[sel]],
                "order_time": (ts[sel] + pd.to_timedelta(60 * k, unit="s")).strftime(
                    "%Y-%m-%d %H:%M:%S"
                ),
                "paid_amount": paid,
                "sku": np.array([c[0] for c in CATALOGUE])[sku],
                "category": np.array([c[1] for c in CATALOGUE])[sku],
                "quantity": qty,
                "list_amount": np.round(unit_list * qty, 2),
                "channel": channel[sel],
                "status": status[sel],
                "refund_amount": np.where(status[sel] == "refunded", paid, 0.0),
            }
        )
        if with_costs:
            frame["unit_cost"] = np.array([c[3] for c in CATALOGUE])[sku]
        lines.append(frame)
    orders = pd.concat(lines, ignore_index=True).sort_values(
        ["order_time", "order_id"], kind="stable"
    )
    folder.mkdir(parents=True, exist_ok=True)
    orders.to_csv(folder / "orders.csv", index=False)

    tables = {"orders": "orders.csv"}
    if with_events:
        _events(rng, folder, orders, win, seed)
        tables["events"] = "events.csv"
    if with_spend:
        spend_days = pd.date_range(win["baseline"][0], win["dip"][1], freq="D")
        camp = (spend_days >= pd.Timestamp(win["preheat"][0])) & (
            spend_days <= pd.Timestamp(win["post"][1])
        )
        rows = [
            (d.strftime("%Y-%m-%d"), ch, round(level * orders_per_day * (2.0 if c else 1.0), 2))
            for d, c in zip(spend_days, camp, strict=True)
            for ch, level in (("live", 8.0), ("feed", 4.0))
        ]
        pd.DataFrame(rows, columns=["date", "channel", "spend"]).to_csv(
            folder / "spend.csv", index=False
        )
        tables["spend"] = "spend.csv"

    per_order_gmv = (1 - cancel_share) * MEAN_ORDER_VALUE
    in_campaign_day = (days >= pd.Timestamp(win["preheat"][0])) & (
        days <= pd.Timestamp(win["post"][1])
    )
    expected = pd.Series(
        lam * per_order_gmv * np.where(in_campaign_day, discount, 1.0),
        index=days,
        name="expected_gmv",
    )
    counterfactual = pd.Series(lam_cf * per_order_gmv, index=days, name="counterfactual_gmv")
    inc = {}
    for name in ("preheat", "burst", "post", "dip"):
        a, b = pd.Timestamp(win[name][0]), pd.Timestamp(win[name][1])
        inc[name] = float((expected - counterfactual)[a:b].sum())
    inc["campaign"] = inc["preheat"] + inc["burst"] + inc["post"]
    inc["total"] = inc["campaign"] + inc["dip"]
    campaign_gmv = float(
        expected[pd.Timestamp(win["preheat"][0]) : pd.Timestamp(win["post"][1])].sum()
    )
    card = {
        "id": case_id or f"gen-{seed}",
        "name": f"测试大促 {seed}",
        "platform": "tmall",
        "category": "beauty",
        "currency": currency,
        "timezone": timezone,
        "windows": {k: [v[0].isoformat(), v[1].isoformat()] for k, v in win.items()},
        "background": {"market": "生成的测试数据 / generated test data"},
        "strategy": {
            "targets": {"gmv": round(max(campaign_gmv, 1.0) * 1.1, 2)},
            "hypotheses": [
                {
                    "id": "H1",
                    "text": "爆发期GMV指数不低于150",
                    "kpi": "gmv_index",
                    "op": ">=",
                    "value": 150,
                    "window": "burst",
                }
            ],
        },
        "tables": tables,
    }
    (folder / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return Planted(
        folder=folder,
        windows=win,
        history_start=history_start,
        lift=lift,
        dip_drop=dip_drop,
        closed_weekdays=closed,
        zero_days=zeros,
        currency=currency,
        n_orders=n,
        n_lines=len(orders),
        expected_gmv=expected,
        counterfactual_gmv=counterfactual,
        incremental=inc,
    )


def _customers(rng: np.random.Generator, n: int, repeat_share: float, churn: float) -> np.ndarray:
    """Customer number of each order, in time order: a returning customer with probability
    ``repeat_share`` when anyone is active, else a new one. A returning order goes to an active
    customer with probability proportional to a Gamma(0.5) propensity drawn when the customer
    arrives (people differ in how often they buy); after each order its customer stops buying
    for good with a probability of their own, Beta(2, 2(1 − churn)/churn)-distributed with mean
    ``churn`` (the BG/NBD story: heterogeneous purchase rates and dropout)."""
    returning, pick, u = rng.random(n) < repeat_share, rng.random(n), rng.random(n)
    dropout = rng.beta(2.0, 2.0 * (1 - churn) / churn, n) if churn > 0 else np.zeros(n)
    propensity = rng.gamma(0.5, 1.0, n)
    active: list[int] = []
    weight: list[float] = []
    out = np.empty(n, dtype=np.int64)
    new = 0
    for i in range(n):
        if returning[i] and active:
            cum = np.cumsum(weight)
            k = min(int(np.searchsorted(cum, pick[i] * cum[-1], side="right")), len(active) - 1)
            c = active[k]
        else:
            c, new = new, new + 1
            active.append(c)
            weight.append(float(propensity[c]) + 1e-9)
            k = len(active) - 1
        out[i] = c
        if u[i] < dropout[c]:
            active[k], weight[k] = active[-1], weight[-1]
            active.pop()
            weight.pop()
    return out


def _events(
    rng: np.random.Generator,
    folder: Path,
    orders: pd.DataFrame,
    win: dict[str, tuple[dt.date, dt.date]],
    seed: int,
) -> None:
    """Every buyer's visit → view → cart → order → pay a few minutes before the order, and about
    four visitors who do not buy per order (a third of them view, a tenth add to cart)."""
    first = orders.drop_duplicates("order_id")
    t = pd.to_datetime(first.order_time)
    keep = (t >= pd.Timestamp(win["baseline"][0])) & (
        t < pd.Timestamp(win["dip"][1]) + pd.Timedelta(days=1)
    )
    first, t = first[keep], t[keep]
    frames = []
    for k, step in enumerate(("visit", "view", "cart", "order", "pay")):
        frames.append(
            pd.DataFrame(
                {
                    "user_id": first.user_id.to_numpy(),
                    "event_time": t - pd.to_timedelta(300 - 60 * k, unit="s"),
                    "event": step,
                    "channel": first.channel.to_numpy(),
                }
            )
        )
    days = pd.date_range(win["baseline"][0], win["dip"][1], freq="D")
    per_day = first.assign(day=t.dt.normalize()).groupby("day").size().reindex(days, fill_value=0)
    n_visits = rng.poisson(4 * np.maximum(per_day.to_numpy(), 1))
    day = np.repeat(days.to_numpy(), n_visits)
    m = len(day)
    visitor = rng.integers(0, max(1000, 3 * m // 4), m)
    when = pd.DatetimeIndex(day) + pd.to_timedelta(
        rng.integers(8 * 3600, 24 * 3600 - 60, m), unit="s"
    )
    channel = np.asarray(CHANNELS)[rng.choice(len(CHANNELS), size=m, p=CHANNEL_P)]
    depth = rng.random(m)
    browse = pd.DataFrame(
        {
            "user_id": [f"vis{seed}-{v:06d}" for v in visitor],
            "event_time": when,
            "event": "visit",
            "channel": channel,
        }
    )
    frames += [
        browse,
        browse[depth < 0.33].assign(
            event="view", event_time=lambda f: f.event_time + pd.Timedelta(seconds=30)
        ),
        browse[depth < 0.10].assign(
            event="cart", event_time=lambda f: f.event_time + pd.Timedelta(seconds=90)
        ),
    ]
    events = pd.concat(frames, ignore_index=True).sort_values(
        ["event_time", "user_id", "event"], kind="stable"
    )
    events["event_time"] = events.event_time.dt.strftime("%Y-%m-%d %H:%M:%S")
    events.to_csv(folder / "events.csv", index=False)


# ----------------------------------------------------------------------------- reading a report back
#: a number that is not one, as Python, pandas or JavaScript would print it, or as a symbol
NON_FINITE = re.compile(r"(?<![A-Za-z])(?:nan|infinity|inf)(?![A-Za-z])|∞", re.IGNORECASE)
#: an amount of money as fupan.format.money writes it: sign, symbol, digits, 万/亿 or K/M/B
MONEY = re.compile(
    r"(-?)(JP¥|HK\$|NT\$|MOP\$|S\$|A\$|C\$|[¥£$€₩])(\d[\d,]*(?:\.\d+)?)(亿|万|[BMK](?![A-Za-z]))?"
)
_UNIT = {"亿": 1e8, "万": 1e4, "B": 1e9, "M": 1e6, "K": 1e3, "": 1.0}
HEADINGS = ("h1", "h2", "h3")
CJK = re.compile(r"[\u3400-\u9fff]")
#: 元 as the yuan, not as the end of 美元, 港元, 欧元, 日元, 澳元, 加元, 新加坡元, 澳门元
YUAN = re.compile(r"(?<![美港欧日澳加坡门])元")


def visible_text(html: str) -> str:
    """What a reader sees of an HTML fragment or page: no script, style or hidden code input."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(["script", "style"]):
        tag.decompose()
    for tag in soup.select(
        "div.jp-CodeCell > div.jp-Cell-inputWrapper"
    ):  # code is hidden by default
        tag.decompose()
    return " ".join(soup.get_text(" ").split())


def report_sections(page: str) -> dict[str, str]:
    """The visible text of a report page under each heading (h1–h3; text before the first heading
    under ``""``), code inputs, scripts and styles left out. Keys are the headings' text."""
    soup = BeautifulSoup(page, "html.parser")
    for tag in soup.find_all(["script", "style"]):
        tag.decompose()
    for tag in soup.select("div.jp-CodeCell > div.jp-Cell-inputWrapper"):
        tag.decompose()
    for tag in soup.select("a.anchor-link"):
        tag.decompose()
    root = soup.find("main") or soup
    out: dict[str, list[str]] = {"": []}
    current = ""
    for node in root.descendants:
        if isinstance(node, Tag) and node.name in HEADINGS:
            current = " ".join(node.get_text(" ").split())
            out.setdefault(current, [])
        elif type(node) is NavigableString and node.find_parent(HEADINGS) is None:  # not a comment
            out[current].append(str(node))
    return {k: " ".join(" ".join(v).split()) for k, v in out.items()}


def section(sections: dict[str, str], word: str) -> tuple[str, str]:
    """The one section whose heading contains ``word``: (heading, text)."""
    found = [(k, v) for k, v in sections.items() if word in k]
    if len(found) != 1:
        raise KeyError(
            f"{len(found)} headings contain {word!r}: {[k for k, _ in found] or list(sections)}"
        )
    return found[0]


def money_amounts(text: str) -> list[tuple[str, str, float]]:
    """Every amount of money in ``text``: (as written, its symbol, value in currency units)."""
    out = []
    for m in MONEY.finditer(text):
        sign, symbol, digits, unit = m.groups()
        amount = float(digits.replace(",", "")) * _UNIT[unit or ""]
        out.append((m.group(0), symbol, -amount if sign else amount))
    return out


def shown_reason(reason: str, lang: str) -> str:
    """The part of a skip reason a report in ``lang`` shows: a bilingual reason (``English||中文``,
    or the older ``中文 | English``) in the report's language — the side with Chinese characters
    is the Chinese one —, any other reason as it is."""
    parts = [p.strip() for p in re.split(r"\|\||\s\|\s", reason, maxsplit=1)]
    if len(parts) != 2:
        return reason.strip()
    zh = [p for p in parts if CJK.search(p)]
    en = [p for p in parts if not CJK.search(p)]
    if len(zh) != 1 or len(en) != 1:
        return reason.strip()
    return zh[0] if lang == "zh" else en[0]


# ----------------------------------------------------------------------------- independent figures
def plain_orders(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per order from contract-shaped order lines, in plain pandas (DESIGN.md 口径): the
    order's user, time and day are its first line's; ``cancelled`` when every line is; ``gmv`` =
    Σ paid_amount and ``refunds`` = Σ refund_amount of its lines not cancelled; ``net`` = gmv −
    refunds; ``channel`` (when the lines have one) is the first line's. Times are taken as written
    (the card's zone, no offset in the files)."""
    x = lines.assign(order_time=pd.to_datetime(lines.order_time))
    status = x["status"] if "status" in x else pd.Series("paid", index=x.index)
    live = status != "cancelled"
    refund = (
        x["refund_amount"].fillna(0.0) if "refund_amount" in x else pd.Series(0.0, index=x.index)
    )
    x = x.assign(_live=live, _gmv=x.paid_amount.where(live, 0.0), _ref=refund.where(live, 0.0))
    x = x.sort_values(["order_id", "order_time"], kind="stable")
    per = x.groupby("order_id", sort=False).agg(
        user_id=("user_id", "first"),
        ts=("order_time", "first"),
        live=("_live", "any"),
        gmv=("_gmv", "sum"),
        refunds=("_ref", "sum"),
        **({"channel": ("channel", "first")} if "channel" in x else {}),
    )
    per = per.assign(cancelled=~per.live, day=per.ts.dt.normalize(), net=per.gmv - per.refunds)
    return per.drop(columns="live").reset_index()


def window_totals(per_order: pd.DataFrame, windows: dict) -> dict[str, dict[str, float]]:
    """GMV and order count (orders not cancelled) per window and for the campaign (pre-heat start
    to post end, or the burst's bounds when those are absent)."""
    w = {k: (pd.Timestamp(v[0]), pd.Timestamp(v[1])) for k, v in windows.items()}
    w["campaign"] = ((w.get("preheat") or w["burst"])[0], (w.get("post") or w["burst"])[1])
    live = per_order[~per_order.cancelled]
    out = {}
    for name, (a, b) in w.items():
        o = live[(live.day >= a) & (live.day <= b)]
        out[name] = {"gmv": float(o.gmv.sum()), "orders": int(o.order_id.nunique())}
    return out


def customer_bounds(
    per_order: pd.DataFrame, observation_end: pd.Timestamp, horizon_weeks: int
) -> dict[str, float]:
    """What the data could support for a customer-value prediction, in plain pandas.

    ``rate``: the population's observed repeat orders per customer-week (Σ repeat orders / Σ
    weeks from each customer's first order to ``observation_end``); ``purchases_cap``: the most
    repeat purchases per customer a cohort could plausibly be expected to make in
    ``horizon_weeks`` — ten times the population's rate over the horizon, and never less than
    one; ``max_order``: the largest net order value. Orders not cancelled, up to the end.
    """
    live = per_order[~per_order.cancelled & (per_order.ts <= observation_end)]
    first = live.groupby("user_id").ts.min()
    repeats = live.groupby("user_id").size() - 1
    weeks = ((observation_end - first).dt.total_seconds() / (7 * 86400)).clip(lower=1 / 7)
    rate = float(repeats.sum() / weeks.sum()) if len(weeks) else 0.0
    return {
        "rate": rate,
        "purchases_cap": max(1.0, 10 * rate * horizon_weeks),
        "max_order": float(live.net.max()) if len(live) else 0.0,
        "customers": int(len(first)),
    }


def cohort_sizes(per_order: pd.DataFrame, windows: dict) -> dict[str, int]:
    """Customers first seen in the campaign / in the baseline, and customers of the campaign first
    seen before it (orders not cancelled), in plain pandas."""
    w = {k: (pd.Timestamp(v[0]), pd.Timestamp(v[1])) for k, v in windows.items()}
    camp = ((w.get("preheat") or w["burst"])[0], (w.get("post") or w["burst"])[1])
    live = per_order[~per_order.cancelled]
    first = live.groupby("user_id").day.min()
    in_camp = set(live[(live.day >= camp[0]) & (live.day <= camp[1])].user_id)
    new = set(first[(first >= camp[0]) & (first <= camp[1])].index)
    base = first[(first >= w["baseline"][0]) & (first <= w["baseline"][1])]
    return {
        "campaign_new": len(new),
        "baseline_new": len(base),
        "campaign_returning": len(in_camp - new),
    }


# ----------------------------------------------------------------------------- what every report must satisfy
#: the symbol money is written with, by the card's currency (hand-written, not fupan's table)
SYMBOL = {"CNY": "¥", "GBP": "£", "USD": "$", "EUR": "€"}
#: analyses that are either in the case record with numbers or in its ``skipped`` with a reason,
#: with a word of the heading of the report section that shows them (None: no section of its own)
ANALYSES = {
    "lift": "增量",
    "customer_value": "客户价值",
    "customers": "新客质量",
    "margin": "利润ROI",
    "segments": None,
}
PERCENT = re.compile(r"([+-]?\d[\d,]*(?:\.\d+)?)%")
CUSTOMER_ID = re.compile(r"cust\d{7}")


def _context(text: str, m: re.Match, width: int = 40) -> str:
    return "…" + text[max(0, m.start() - width) : m.end() + width] + "…"


def _num(x) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def report_problems(
    *,
    sections: dict[str, str],
    record: dict,
    plain: pd.DataFrame,
    windows: dict,
    currency: str,
    lang: str,
    charts: dict[str, str] | None = None,
    closed_weekdays: Iterable[int] = (),
    max_money: float | None = None,
) -> list[str]:
    """Every way in which a rendered retrospective shows an absurd number, as sentences.

    ``sections``: heading → visible text (:func:`report_sections`, or the template's outputs);
    ``record``: the case record; ``plain``: :func:`plain_orders` of the campaign's own lines;
    ``windows``: phase → (start, end); ``charts``: heading → text drawn in its figures.
    ``max_money`` bounds any amount shown (default: ten times the GMV of the whole history).
    """
    problems: list[str] = []
    add = problems.append
    charts = charts or {}
    total_gmv = float(plain.loc[~plain.cancelled, "gmv"].sum())
    cap = max_money if max_money is not None else 10 * max(total_gmv, 1.0)
    symbol = SYMBOL[currency]

    # 1. nothing printed as nan / inf, no amount beyond what the data could make, one currency
    for where, texts in (("section", sections), ("chart", charts)):
        for head, text in texts.items():
            for m in NON_FINITE.finditer(text):
                add(f"{where} {head!r} shows {m.group(0)!r}: {_context(text, m)}")
            if CUSTOMER_ID.search(text):
                add(f"{where} {head!r} shows a customer id")
            if currency != "CNY":
                for m in re.finditer(
                    r"¥|CNY" + (f"|{YUAN.pattern}" if where == "chart" else ""), text
                ):
                    add(
                        f"{where} {head!r} of a {currency} campaign shows yuan: {_context(text, m)}"
                    )
    for head, text in sections.items():
        for shown, sym, amount in money_amounts(text):
            if abs(amount) > cap:
                add(
                    f"section {head!r} shows {shown} (= {amount:,.0f}), beyond {cap:,.0f} (10 × the GMV of the whole history)"
                )
            if sym != symbol:
                add(
                    f"section {head!r} of a {currency} campaign shows {shown!r}; money should read {symbol}…"
                )
        for m in PERCENT.finditer(text):
            if abs(float(m.group(1).replace(",", ""))) > 1e5:
                add(
                    f"section {head!r} shows an absurd percentage {m.group(0)}: {_context(text, m)}"
                )

    # 2. the case record: JSON numbers only, KPI figures equal to plain pandas
    if CUSTOMER_ID.search(json.dumps(record, ensure_ascii=False)):
        add("case record holds a customer id")
    truth = window_totals(plain, windows)
    for phase, t in truth.items():
        got = record["kpis"].get(phase, {})
        if got.get("orders") != t["orders"]:
            add(f"kpis.{phase}.orders = {got.get('orders')}, plain pandas {t['orders']}")
        if not (
            _num(got.get("gmv")) and math.isclose(got["gmv"], t["gmv"], rel_tol=1e-9, abs_tol=0.005)
        ):
            add(f"kpis.{phase}.gmv = {got.get('gmv')}, plain pandas {t['gmv']:.2f}")
        for key in (
            "new_customer_share",
            "live_new_customer_share",
            "live_gmv_share",
            "refund_rate",
            "cancel_rate",
        ):
            v = got.get(key)
            if v is not None and not 0 <= v <= 1:
                add(f"kpis.{phase}.{key} = {v}, a share outside [0, 1]")
    for ch, row in record["channels"].items():
        if row.get("gmv_share") is not None and not 0 <= row["gmv_share"] <= 1:
            add(f"channels.{ch}.gmv_share = {row['gmv_share']}, outside [0, 1]")

    # 3. each analysis: numbers, or skipped with a reason the report shows (and no model number)
    analyses, skipped = record["analyses"], record["skipped"]
    for key, word in ANALYSES.items():
        present, reason = analyses.get(key) is not None, skipped.get(key)
        if present and reason:
            add(f"{key} is in the record and also skipped ({reason!r})")
        if not present and not (isinstance(reason, str) and reason.strip()):
            add(f"{key} is neither in the record nor skipped with a reason (skipped: {reason!r})")
        if not present and reason and word:
            try:
                head, text = section(sections, word)
            except KeyError as exc:
                add(f"{key} is skipped but its section cannot be found: {exc}")
                continue
            shown = shown_reason(reason, lang)
            flat = " ".join(shown.split())
            if flat not in text:
                add(
                    f"{key} is skipped ({reason!r}) but section {head!r} does not show why: {text[:200]!r}"
                )
            rest = text.replace(flat, " ")
            if re.search(r"\d", rest):
                add(f"{key} is skipped but section {head!r} still shows numbers: {rest[:200]!r}")

    lift = analyses.get("lift")
    if lift is not None:
        for phase, row in lift["by_phase"].items():
            vals = {k: row.get(k) for k in ("actual", "expected", "incremental", "lower", "upper")}
            bad = [k for k, v in vals.items() if not _num(v)]
            if bad:
                add(f"lift.by_phase.{phase}: {bad} not finite numbers ({vals})")
                continue
            if vals["expected"] < 0:
                add(
                    f"lift.by_phase.{phase}.expected = {vals['expected']}: a negative counterfactual GMV"
                )
            if vals["lower"] > vals["upper"]:
                add(f"lift.by_phase.{phase}: lower {vals['lower']} > upper {vals['upper']}")
            if max(abs(v) for v in vals.values()) > cap:
                add(f"lift.by_phase.{phase}: {vals} beyond {cap:,.0f}")
            if not math.isclose(
                vals["incremental"], vals["actual"] - vals["expected"], rel_tol=1e-6, abs_tol=0.01
            ):
                add(f"lift.by_phase.{phase}: incremental {vals['incremental']} ≠ actual − expected")
            if phase in truth and not math.isclose(
                vals["actual"], truth[phase]["gmv"], rel_tol=1e-9, abs_tol=0.01
            ):
                add(
                    f"lift.by_phase.{phase}.actual = {vals['actual']}, plain pandas GMV {truth[phase]['gmv']:.2f}"
                )
        if phase_total := lift["by_phase"].get("total"):
            parts = [
                lift["by_phase"][p]["actual"]
                for p in ("preheat", "burst", "post", "dip")
                if p in lift["by_phase"]
            ]
            if _num(phase_total.get("actual")) and not math.isclose(
                sum(parts), phase_total["actual"], rel_tol=1e-9, abs_tol=0.01
            ):
                add(f"lift.by_phase.total.actual {phase_total['actual']} ≠ Σ phases {sum(parts)}")
        if not (_num(lift.get("cf_factor")) and lift["cf_factor"] >= 0):
            add(f"lift.cf_factor = {lift.get('cf_factor')}")

    value = analyses.get("customer_value")
    if value is not None:
        model = value["model"]
        end = (
            pd.Timestamp(model["observation_end"])
            + pd.Timedelta(days=1)
            - pd.Timedelta(microseconds=1)
        )
        bounds = customer_bounds(plain, end, int(model["horizon_weeks"]))
        sizes = cohort_sizes(plain, windows)
        # the models' documented limits: no visible dropout (P(alive) not estimated, no a, b) and
        # the Gamma–Gamma ridge (each repeat buyer's own mean spend, no p, v)
        no_dropout = (model.get("bgnbd") or {}).get("model") == "nbd_no_dropout"
        ridge = (model.get("gamma_gamma") or {}).get("model") == "inverse_gamma_limit"
        for cohort, row in value["by_cohort"].items():
            n = row.get("customers")
            if cohort in sizes and n != sizes[cohort]:
                add(f"customer_value.{cohort}.customers = {n}, plain pandas {sizes[cohort]}")
            if not n:
                continue
            p, q, s, v = (
                row.get(k) for k in ("p_alive", "purchases", "spend_per_purchase", "value")
            )
            if not (_num(p) and 0 <= p <= 1) and not (p is None and no_dropout):
                add(f"customer_value.{cohort}.p_alive = {p}, not a probability")
            if not (_num(q) and 0 <= q <= bounds["purchases_cap"]):
                add(
                    f"customer_value.{cohort}.purchases = {q} repeat purchases per customer in "
                    f"{model['horizon_weeks']} weeks; the data support at most {bounds['purchases_cap']:.2f} "
                    f"(population rate {bounds['rate']:.4f} per customer-week)"
                )
            if not (_num(s) and 0 < s <= bounds["max_order"] * (1 + 1e-9)):
                add(
                    f"customer_value.{cohort}.spend_per_purchase = {s}; orders are worth at most {bounds['max_order']:.2f}"
                )
            if not (_num(v) and 0 <= v <= bounds["purchases_cap"] * bounds["max_order"]):
                add(
                    f"customer_value.{cohort}.value = {v}; at most {bounds['purchases_cap'] * bounds['max_order']:,.2f} is plausible"
                )
        for name, keys in (
            ("bgnbd", ("r", "alpha") + (() if no_dropout else ("a", "b"))),
            ("gamma_gamma", ("q",) if ridge else ("p", "q", "v")),
        ):
            for k in keys:
                x = (model.get(name) or {}).get(k)
                if not (_num(x) and x > 0):
                    add(f"customer_value.model.{name}.{k} = {x}, not a positive number")
        gg_q = (model.get("gamma_gamma") or {}).get("q")
        if _num(gg_q) and gg_q <= 1:
            add(
                f"customer_value.model.gamma_gamma.q = {gg_q}: the mean spend p·v/(q−1) does not exist"
            )
        mean_spend = (model.get("gamma_gamma") or {}).get("mean_spend")
        if mean_spend is not None and not (
            _num(mean_spend) and 0 < mean_spend <= bounds["max_order"] * (1 + 1e-9)
        ):
            add(
                f"customer_value.model.gamma_gamma.mean_spend = {mean_spend}; orders are worth at most {bounds['max_order']:.2f}"
            )
        c = model.get("corr_spend_frequency")
        if c is not None and not -1 <= c <= 1:
            add(f"customer_value.model.corr_spend_frequency = {c}")

    customers = analyses.get("customers")
    if customers is not None:
        for row in customers.get("repeat_rates", []):
            r = row.get("rate")
            if r is not None and not 0 <= r <= 1:
                add(f"customers.repeat_rates {row['cohort']} k={row['k']}: rate {r}")
            if r is None and row.get("n_eligible"):
                add(
                    f"customers.repeat_rates {row['cohort']} k={row['k']}: no rate for {row['n_eligible']} eligible customers"
                )
        shares = [s.get("share") for s in customers.get("rfm_segments", {}).values()]
        if shares and (
            any(s is None or not 0 <= s <= 1 for s in shares)
            or not math.isclose(sum(shares), 1, abs_tol=1e-6)
        ):
            add(f"customers.rfm_segments shares {shares} are not a partition")

    # 4. a closed weekday is not an anomaly
    closed = set(closed_weekdays)
    if closed:
        for a in analyses.get("alerts") or []:
            if pd.Timestamp(a["date"]).weekday() in closed:
                add(f"alert on {a['date']} ({a.get('channel')}), a weekday the shop is closed")
        for a in (analyses.get("day_anomalies") or {}).get("flags") or []:
            if pd.Timestamp(a["date"]).weekday() in closed:
                add(f"day anomaly on {a['date']} ({a.get('metric')}), a weekday the shop is closed")
        try:
            head, text = section(sections, "异常日")
            for d in re.findall(r"\d{4}-\d{2}-\d{2}", text):
                if pd.Timestamp(d).weekday() in closed:
                    add(f"section {head!r} lists {d}, a weekday the shop is closed")
        except KeyError as exc:
            add(f"no anomaly section: {exc}")
    return problems


def plain_reversals(raw: pd.DataFrame, x: pd.DataFrame) -> dict:
    """Line index → time of the C-line reversing it, by a loop (not fupan's merge): each C-line
    of a customer, in time order, takes the latest line of the same customer, StockCode and
    quantity at or before it, unless an earlier C-line took that line (then it reverses none)."""
    c = raw[raw.InvoiceNo.str.startswith("C").astype(bool) & raw.CustomerID.notna()]
    c = c[c.Quantity < 0]
    wanted = set(zip(c.CustomerID, c.StockCode, -c.Quantity, strict=True))
    lines: dict = {}
    ordered = x.sort_values("InvoiceDate", kind="stable")
    for i, cust, stock, qty, when in zip(
        ordered.index, ordered.CustomerID, ordered.StockCode, ordered.Quantity,
        ordered.InvoiceDate, strict=True,
    ):  # fmt: skip
        if (cust, stock, qty) in wanted:  # only a key some C-line reverses
            lines.setdefault((cust, stock, qty), []).append((when, i))
    taken: dict = {}
    for row in c.sort_values("InvoiceDate", kind="stable").itertuples():
        before = [i for t, i in lines.get((row.CustomerID, row.StockCode, -row.Quantity), [])
                  if t <= row.InvoiceDate]  # fmt: skip
        if before and before[-1] not in taken:
            taken[before[-1]] = row.InvoiceDate
    return taken

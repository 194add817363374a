"""Campaign folders built from real public data (UCI Online Retail), for tests, examples and cases.

The UCI Online Retail data (Chen, Sain & Guo 2012; CC BY 4.0) is every transaction of a UK online
gift retailer from 2010-12-01 to 2011-12-09. It is never copied into the repository: it is read
from ``../shared/datasets/uci-online-retail/online_retail.parquet`` (or a path given) and turned
into a campaign folder in fupan's input contract:

- ``order_id`` = InvoiceNo, ``user_id`` = CustomerID, ``order_time`` = InvoiceDate (UK local time,
  so the card's time zone is Europe/London), ``sku`` = StockCode, ``quantity`` = Quantity,
  ``paid_amount`` = Quantity × UnitPrice (pounds, so the card's currency is GBP);
- ``channel`` = the buyer's market: ``uk`` for the United Kingdom, ``eu`` for the EU member states of
  2011 and ``intl`` for the rest;
- cancellation invoices (InvoiceNo ``C…``, negative quantities) carry no link to the invoice they
  cancel; one that exactly reverses an earlier line of the same customer (same StockCode, same
  quantity) — the latest such line not yet reversed — marks that line: ``cancelled`` when it came
  within :data:`CANCEL_DAYS` day of it (the order never shipped: 581483, 80,995 units for
  £168,469.60 on 2011-12-09 09:15, cancelled at 09:27), else ``refunded`` with its whole amount as
  ``refund_amount`` (a return). Counted as paid, the 4,032 reversed lines (£495k) put a cancelled
  £16.8万 order into the 2011 dip. C-lines that reverse no line exactly (part quantities,
  discounts, lines of another export period) are dropped;
- postage, carriage, fees and manual entries (:data:`NON_PRODUCT`: POST, DOT, C2, M, …) are
  kept — the customer paid them, so they are in GMV — with no ``sku``: they are not products
  (counted as one, POSTAGE was the data's 4th best-selling product by GMV and "Manual" its 9th);
- dropped, and said so in the card: lines with no CustomerID (guest checkouts: they cannot be
  told apart as customers), lines with a non-positive quantity or price (stock adjustments, bad
  debt write-offs). Exact duplicate lines are kept (``duplicate_lines: keep``).

The shop trades on weekdays and Sundays and never on Saturdays: a real shop with a structurally
zero weekday. There are no behaviour events, spend or inventory tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import yaml

#: the data set, relative to the project root (``<root>/../shared/datasets/...``)
UCI_RELATIVE = Path("shared") / "datasets" / "uci-online-retail" / "online_retail.parquet"
UCI_COLUMNS = [
    "InvoiceNo",
    "StockCode",
    "Quantity",
    "InvoiceDate",
    "UnitPrice",
    "CustomerID",
    "Country",
]

#: StockCodes of lines that are no product — postage (POST, DOT = dotcom postage), carriage (C2),
#: manual entries (M, m), bank charges, Amazon's fee, CRUK commission, discount (D), samples (S),
#: bad-debt adjustment (B): their money stays in GMV, their ``sku`` is empty
NON_PRODUCT = frozenset(
    {"POST", "DOT", "C2", "M", "m", "BANK CHARGES", "AMAZONFEE", "CRUK", "D", "S", "B"}
)

#: EU member states in 2011 as they are spelled in the data set's Country column
EU_2011 = frozenset(
    {
        "Austria",
        "Belgium",
        "Cyprus",
        "Czech Republic",
        "Denmark",
        "EIRE",
        "Finland",
        "France",
        "Germany",
        "Greece",
        "Italy",
        "Lithuania",
        "Malta",
        "Netherlands",
        "Poland",
        "Portugal",
        "Spain",
        "Sweden",
        "Channel Islands",
    }
)

#: The 2011 pre-Christmas season of the retailer, as a campaign: the baseline is late summer, the
#: burst the November peak of its wholesale buyers, the dip the first days of December.
HOLIDAY_2011: dict[str, tuple[str, str]] = {
    "baseline": ("2011-08-01", "2011-09-30"),
    "preheat": ("2011-10-01", "2011-10-31"),
    "burst": ("2011-11-01", "2011-11-20"),
    "post": ("2011-11-21", "2011-11-27"),
    "dip": ("2011-11-28", "2011-12-09"),
}


def default_uci_path(root: Path | None = None) -> Path:
    """Where the UCI Parquet file is expected: ``<project root>/../shared/datasets/...``."""
    root = root or Path(__file__).resolve().parents[3]
    return root.parent / UCI_RELATIVE


#: a cancellation invoice this many days or less after the line it reverses cancels the order;
#: later it is a return (the line is refunded)
CANCEL_DAYS = 1


def _reversals(raw: pd.DataFrame, lines: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """For each of ``lines`` (positive, with a customer): the time of the C-line that exactly
    reverses it (NaT if none) — the latest line (the last written of one time) of the same
    customer, StockCode and quantity
    at or before the C-line, each line reversed at most once (a C-line whose line was taken by an
    earlier one reverses nothing)."""
    c = raw[
        raw["InvoiceNo"].str.startswith("C").astype(bool)
        & raw["CustomerID"].notna()
        & (raw["Quantity"] < 0)
    ]
    keys = ["CustomerID", "StockCode", "_q"]
    left = c.assign(_q=-c["Quantity"], _t=c["InvoiceDate"]).sort_values("_t", kind="stable")
    right = lines.assign(_q=lines["Quantity"], _line=lines.index, _t=lines["InvoiceDate"])
    hit = pd.merge_asof(
        left[[*keys, "_t"]].rename(columns={"_t": "_cancel"}),
        right.sort_values("_t", kind="stable")[[*keys, "_t", "_line"]],
        left_on="_cancel",
        right_on="_t",
        by=keys,
        direction="backward",
    ).dropna(subset=["_line"])
    hit = hit.drop_duplicates("_line", keep="first")
    at = pd.Series(pd.NaT, index=lines.index, dtype="datetime64[ns]")
    at.loc[hit["_line"].astype(lines.index.dtype).to_numpy()] = hit["_cancel"].to_numpy()
    return at, at - lines["InvoiceDate"]


def uci_order_lines(path: Path | str) -> pd.DataFrame:
    """The UCI lines in fupan's order contract (see the module docstring for what is dropped
    and how a cancellation invoice marks the line it reverses)."""
    raw = pd.read_parquet(path, columns=UCI_COLUMNS)
    keep = (
        ~raw["InvoiceNo"].str.startswith("C").astype(bool)
        & raw["CustomerID"].notna()
        & (raw["Quantity"] > 0)
        & (raw["UnitPrice"] > 0)
    )
    lines = raw[keep]
    cancelled_at, lag = _reversals(raw, lines)
    reversed_ = cancelled_at.notna()
    soon = reversed_ & (lag <= pd.Timedelta(days=CANCEL_DAYS))
    paid = (lines["Quantity"] * lines["UnitPrice"]).round(2)
    status = pd.Series("paid", index=lines.index).mask(soon, "cancelled")
    status = status.mask(reversed_ & ~soon, "refunded")
    sku = lines["StockCode"].astype(str)
    sku = sku.where(~sku.isin(NON_PRODUCT), None)  # in GMV, but no product
    channel = lines["Country"].map(
        lambda c: "uk" if c == "United Kingdom" else "eu" if c in EU_2011 else "intl"
    )
    return pd.DataFrame(
        {
            "order_id": lines["InvoiceNo"].astype(str).to_numpy(),
            "user_id": lines["CustomerID"].astype("int64").astype(str).to_numpy(),
            "order_time": lines["InvoiceDate"].dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
            "paid_amount": paid.to_numpy(),
            "sku": sku.to_numpy(),
            "quantity": lines["Quantity"].astype("int64").to_numpy(),
            "channel": channel.to_numpy(),
            "status": status.to_numpy(),
            "refund_amount": paid.where(reversed_ & ~soon, 0.0).to_numpy(),
        }
    )


def uci_campaign(
    out_dir: Path | str,
    *,
    source: Path | str | None = None,
    windows: dict[str, tuple[str, str]] | None = None,
    case_id: str = "uci-2011-holiday",
    name: str = "英国礼品电商 2011 圣诞季（UCI Online Retail）",
    card_extra: dict[str, Any] | None = None,
) -> Path:
    """Write a campaign folder (``campaign.yaml`` + ``orders.parquet``) from the UCI data.

    ``windows`` default to :data:`HOLIDAY_2011`. Orders start at the data set's first day
    (2010-12-01), so customers first seen before the campaign are known as returning.
    """
    source = Path(source) if source else default_uci_path()
    if not source.is_file():
        raise FileNotFoundError(
            f"UCI Online Retail not found at {source} (see shared/datasets/SOURCES.md)"
        )
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    uci_order_lines(source).to_parquet(out / "orders.parquet", index=False)
    win = windows or HOLIDAY_2011
    card: dict[str, Any] = {
        "id": case_id,
        "name": name,
        "platform": "own-site",
        "category": "gifts",
        "currency": "GBP",
        "timezone": "Europe/London",
        "windows": {k: list(v) for k, v in win.items()},
        "background": {
            "market": "UCI Online Retail (Chen, Sain & Guo 2012, CC BY 4.0): a UK online gift retailer, "
            "many of whose customers are wholesalers.",
            "product": "All-occasion gifts. No promotion is recorded in the data: the windows mark its "
            "seasonal peak, not a planned campaign. A line a cancellation invoice reverses exactly "
            "is cancelled (within a day) or refunded (later). Postage, carriage and manual "
            "entries count in GMV but are no product (no SKU).",
        },
        "tables": {"orders": "orders.parquet"},
        "duplicate_lines": "keep",
    }
    card.update(card_extra or {})
    (out / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return out

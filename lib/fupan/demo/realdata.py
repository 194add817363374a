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
- dropped, and said so in the card: cancellation invoices (InvoiceNo ``C…``, negative quantities;
  they carry no link to the invoice they cancel), lines with no CustomerID (guest checkouts: they
  cannot be told apart as customers), lines with a non-positive quantity or price (stock
  adjustments, bad debt write-offs). Exact duplicate lines are kept (``duplicate_lines: keep``).

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


def uci_order_lines(path: Path | str) -> pd.DataFrame:
    """The UCI lines in fupan's order contract (see the module docstring for what is dropped)."""
    raw = pd.read_parquet(path, columns=UCI_COLUMNS)
    keep = (
        ~raw["InvoiceNo"].str.startswith("C").astype(bool)
        & raw["CustomerID"].notna()
        & (raw["Quantity"] > 0)
        & (raw["UnitPrice"] > 0)
    )
    lines = raw[keep]
    channel = lines["Country"].map(
        lambda c: "uk" if c == "United Kingdom" else "eu" if c in EU_2011 else "intl"
    )
    return pd.DataFrame(
        {
            "order_id": lines["InvoiceNo"].astype(str).to_numpy(),
            "user_id": lines["CustomerID"].astype("int64").astype(str).to_numpy(),
            "order_time": lines["InvoiceDate"].dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(),
            "paid_amount": (lines["Quantity"] * lines["UnitPrice"]).round(2).to_numpy(),
            "sku": lines["StockCode"].astype(str).to_numpy(),
            "quantity": lines["Quantity"].astype("int64").to_numpy(),
            "channel": channel.to_numpy(),
            "status": "paid",
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
            "seasonal peak, not a planned campaign.",
        },
        "tables": {"orders": "orders.parquet"},
        "duplicate_lines": "keep",
    }
    card.update(card_extra or {})
    (out / "campaign.yaml").write_text(
        yaml.safe_dump(card, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    return out

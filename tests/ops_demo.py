"""Shared by the ops tests (issue 13): the demo campaign validated once, its raw files in pandas.

Expected values in the tests come from these raw frames with plain pandas, never from fupan's
aggregates.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml


@pytest.fixture(scope="session")
def ops_campaign(demo_dir: Path) -> Any:
    from fupan.ingest.validate import open_campaign

    return open_campaign(demo_dir)


@pytest.fixture(scope="session")
def raw(demo_dir: Path) -> dict[str, Any]:
    card = yaml.safe_load((demo_dir / "campaign.yaml").read_text(encoding="utf-8"))
    orders = pd.read_parquet(demo_dir / "orders.parquet")
    orders["day"] = orders["order_time"].dt.strftime("%Y-%m-%d")
    w = card["windows"]
    return {
        "card": card,
        "truth": json.loads((demo_dir / "truth.json").read_text(encoding="utf-8")),
        "orders": orders,
        "spend": pd.read_csv(demo_dir / "spend.csv"),
        "sessions": pd.read_csv(demo_dir / "live_sessions.csv"),
        "coupons": pd.read_csv(demo_dir / "coupons.csv"),
        "products": pd.read_csv(demo_dir / "products.csv"),
        "inventory": pd.read_csv(demo_dir / "inventory.csv"),
        "targets": pd.read_csv(demo_dir / "targets.csv"),
        "window": (str(w["preheat"][0]), str(w["post"][1])),
    }


def in_window(orders: pd.DataFrame, window: tuple[str, str]) -> pd.DataFrame:
    """Lines not cancelled, ordered in the window."""
    ok = orders[orders["status"] != "cancelled"]
    return ok[ok["day"].between(*window)]


def html(h: object) -> str:
    return str(h)

"""The card's shared base: a frozen pydantic model that refuses unknown keys, and the card's limits."""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import BaseModel, ConfigDict

CARD_FILE = "campaign.yaml"
#: Dates a campaign window may use; anything else is a typo (2205 for 2025) or a zero date.
EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
#: the occasion a campaign is built around (大促节点)
Festival = Literal[
    "double11",
    "618",
    "double12",
    "black-friday",
    "new-year",
    "38",
    "brand-day",
    "live-special",
    "other",
]
Platform = Literal["tmall", "taobao", "jd", "douyin", "pdd", "xiaohongshu", "own-site", "other"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def amounts(v: dict[str, float], what: str, what_zh: str) -> dict[str, float]:
    """``v`` (amounts by channel, such as a budget) when each is a finite number ≥ 0.

    Else the bilingual error naming ``what`` / ``what_zh`` (the card key) and the channel.
    """
    for k, x in v.items():
        if not (x >= 0 and math.isfinite(x)):
            raise ValueError(
                f"{what} {k} must be a finite number ≥ 0, got {x}"
                f"||{what_zh} {k} 必须是不小于 0 的有限数字，收到 {x}"
            )
    return v

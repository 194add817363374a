"""The demo shop's membership export (会员, ops review G7): who joined, when and where.

Drawn from a random stream of its own (``default_rng([seed, 17])``) from the orders already
written, so every other table keeps its values. Planted (recorded under
``truth["ops"]["members"]``):

- **members before the campaign**: a share (:data:`OLD_SHARE`) of the customers who bought
  before it joined within a month of their first order (店铺首页 or 私域);
- **the campaign's 入会有礼 drive**: a customer's first order of the campaign (pre-heat to 返场)
  comes with a join a few minutes before it — with probability :data:`JOIN_NEW` for a new customer
  (first order ever), :data:`JOIN_RETURNING` for a returning one not yet a member — mostly from
  the live room (直播间), so that order is already a member order;
- a customer with three orders or more is 高级会员, the others 普通会员.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

#: of the customers who bought before the campaign, the share who joined then
OLD_SHARE = 0.25
#: probability that a campaign buyer joins just before their first campaign order
JOIN_NEW, JOIN_RETURNING = 0.35, 0.15
CAMPAIGN_CHANNELS = (("直播间", 0.5), ("店铺首页", 0.3), ("私域", 0.2))
OLD_CHANNELS = (("店铺首页", 0.6), ("私域", 0.4))


def _pick(rng: np.random.Generator, options: tuple[tuple[str, float], ...], n: int) -> np.ndarray:
    names, p = zip(*options, strict=True)
    return rng.choice(np.array(names, dtype=object), size=n, p=np.array(p))


def members_table(
    seed: int, lines: pd.DataFrame, win: dict[str, tuple[str, str]]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The members export (user_id, join_time, level, join_channel) and its truth.

    ``lines``: the order lines (``user_id``, ``order_id``, ``order_time``, ``status``).
    """
    rng = np.random.default_rng([seed, 17])
    ok = lines[lines["status"] != "cancelled"]
    orders = ok.groupby("order_id", sort=True).agg(
        user_id=("user_id", "first"), ts=("order_time", "min")
    )
    per_user = orders.groupby("user_id")["ts"]
    first, count = per_user.min().sort_index(), per_user.size().sort_index()
    camp_a = pd.Timestamp(win["preheat"][0])
    camp_end = pd.Timestamp(win["post"][1]) + pd.Timedelta(days=1)
    in_camp = orders[(orders["ts"] >= camp_a) & (orders["ts"] < camp_end)]
    first_camp = in_camp.groupby("user_id")["ts"].min().sort_index()

    old = first[first < camp_a]
    old = old[rng.random(len(old)) < OLD_SHARE]
    lag = pd.to_timedelta(rng.integers(0, 30 * 24 * 60, len(old)), unit="min")
    old_join = np.minimum(old + lag, camp_a - pd.Timedelta(minutes=1))
    rows = [
        pd.DataFrame(
            {
                "user_id": old.index,
                "join_time": old_join.to_numpy(),
                "join_channel": _pick(rng, OLD_CHANNELS, len(old)),
            }
        )
    ]
    candidates = first_camp[~first_camp.index.isin(old.index)]
    new = first.reindex(candidates.index) >= camp_a
    p = np.where(new.to_numpy(), JOIN_NEW, JOIN_RETURNING)
    join = candidates[rng.random(len(candidates)) < p]
    before = pd.to_timedelta(rng.integers(1, 31, len(join)), unit="min")
    rows.append(
        pd.DataFrame(
            {
                "user_id": join.index,
                "join_time": (join - before).to_numpy(),
                "join_channel": _pick(rng, CAMPAIGN_CHANNELS, len(join)),
            }
        )
    )
    out = pd.concat(rows, ignore_index=True)
    out["level"] = np.where(count.reindex(out["user_id"]).to_numpy() >= 3, "高级会员", "普通会员")
    out = out.sort_values(["join_time", "user_id"], ignore_index=True)
    out["join_time"] = pd.to_datetime(out["join_time"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    truth = {
        "old_member_share": OLD_SHARE,
        "campaign_join_probability": {"new": JOIN_NEW, "returning": JOIN_RETURNING},
        "campaign_joins": int(len(join)),
        "note": "a campaign join comes 1-30 minutes before the member's first campaign order",
    }
    return out[["user_id", "join_time", "level", "join_channel"]], truth

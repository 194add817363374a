"""The demo's ops tables: live sessions (with the orders' session ids), ad tools and plans on the
spend rows, products with names and roles, and the plan by channel and day (see :mod:`.ops`)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

OWN_HOSTS = ("店播·小夜", "店播·小美", "店播·安琪")  # the own room's three 8-hour shifts
KOL_HOSTS = ("达人·李白白", "达人·Vivi", "达人·阿May", "达人·糖糖")
KOL_FEES = {"达人·李白白": (15000.0, 0.20), "达人·Vivi": (8000.0, 0.18)} | {
    "达人·阿May": (8000.0, 0.20),
    "达人·糖糖": (5000.0, 0.25),
}  # slot fee per session, commission rate on settled GMV
#: platform-attributed GMV / order-channel GMV, by channel (15-day click window, multi-touch)
ATTRIBUTION = {
    "live": 1.10,
    "search_ads": 1.35,
    "feed_ads": 1.60,
    "kol": 0.90,
    "private_domain": 1.20,
}
TOOLS = {
    "live": ("万相台·直播推广", "WXT", "直播观看"),
    "search_ads": ("直通车", "ZTC", "关键词成交"),
    "feed_ads": ("引力魔方", "YLMF", "人群拉新"),
    "kol": ("淘宝客·达人推广", "TBK", "达人带货"),
    "private_domain": ("会员通·短信", "HYT", "老客召回"),
}
PLAN_SHARES = {
    "live": 0.33,
    "search_ads": 0.13,
    "feed_ads": 0.12,
    "kol": 0.10,
    "organic": 0.22,
    "private_domain": 0.10,
}
PLAN_MISSING = "private_domain"  # the channel the plan forgot
_NOUNS = {
    "护肤": ("焕亮精华水", "水光保湿面霜", "舒缓修护乳", "玻尿酸面膜", "紧致眼霜", "氨基酸洁面乳"),
    "彩妆": ("丝绒唇釉", "柔雾粉底液", "持妆散粉", "眼影盘", "睫毛膏", "腮红"),
    "香水": ("白茶淡香水", "玫瑰香水", "木质香水", "柑橘淡香水"),
    "个护": ("护手霜", "身体乳", "沐浴啫喱", "润唇膏"),
    "洗护": ("控油洗发水", "修护护发素", "头皮精华", "发膜"),
}


def _days(win: dict[str, tuple[str, str]]) -> list[str]:
    a, b = np.datetime64(win["preheat"][0]), np.datetime64(win["post"][1])
    return [str(d) for d in np.arange(a, b + 1)]


def live_sessions(
    rng: np.random.Generator,
    lines: pd.DataFrame,
    win: dict[str, tuple[str, str]],
    no_show: dict[str, str],
) -> tuple[pd.DataFrame, pa.Array, dict[str, Any]]:
    """The sessions of the campaign window, the session id of each order line and the truth."""
    head = ~lines["order_id"].duplicated()
    orders = lines.loc[head, ["order_id", "order_time", "channel"]].reset_index(drop=True)
    orders["day"] = orders["order_time"].dt.strftime("%Y-%m-%d")
    session = np.full(len(orders), "", dtype=object)
    rows = []
    for i, day in enumerate(_days(win)):
        ymd, t0 = day.replace("-", ""), pd.Timestamp(day)
        for k, host in enumerate(OWN_HOSTS):
            sid = f"L{ymd}-{k + 1}"
            rows.append((sid, t0 + pd.Timedelta(hours=8 * k), 8 * 3600 - 1, "own", host, True))
            pick = (
                (orders["day"] == day)
                & (orders["channel"] == "live")
                & (orders["order_time"].dt.hour // 8 == k)
            )
            session[pick.to_numpy()] = sid
        kols = [KOL_HOSTS[i % 4], KOL_HOSTS[(i + 1) % 4]]
        if day == no_show["date"] and no_show["host"] not in kols:
            kols[1] = no_show["host"]
        if day in (win["burst"][0], win["burst"][1]):
            kols.append(KOL_HOSTS[(i + 2) % 4])
        live = [h != no_show["host"] or day != no_show["date"] for h in kols]
        sids = [f"K{ymd}-{j + 1}" for j in range(len(kols))]
        for sid, host, on in zip(sids, kols, live, strict=True):
            rows.append((sid, t0 + pd.Timedelta(hours=19), 4 * 3600, "kol", host, on))
        pick = ((orders["day"] == day) & (orders["channel"] == "kol")).to_numpy()
        on_ids = np.array([s for s, on in zip(sids, live, strict=True) if on])
        weights = np.linspace(1.5, 1.0, on_ids.size)
        session[pick] = on_ids[rng.choice(on_ids.size, int(pick.sum()), p=weights / weights.sum())]
    n_orders = pd.Series(session[session != ""]).value_counts()
    out = []
    for sid, start, seconds, kind, host, on in rows:
        n = int(n_orders.get(sid, 0))
        viewers = round(n * rng.uniform(18, 30) if kind == "own" else n * rng.uniform(25, 40))
        viewers = max(viewers, int(rng.integers(80, 300)))  # a room that went live is watched
        fee, rate = KOL_FEES.get(host, (0.0, 0.0))
        out.append(
            {
                "session_id": sid,
                "start_time": start.strftime("%Y-%m-%d %H:%M:%S"),
                "end_time": (start + pd.Timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S"),
                "kind": kind,
                "host": host,
                "views": round(viewers * rng.uniform(1.5, 2.2)) if on else 0,
                "viewers": viewers if on else 0,
                "avg_watch_seconds": round(float(rng.uniform(50, 160)), 1) if on else 0.0,
                "interactions": round(viewers * rng.uniform(0.04, 0.10)) if on else 0,
                "new_followers": round(viewers * rng.uniform(0.01, 0.03)) if on else 0,
                "slot_fee": fee if on else 0.0,
                "commission_rate": rate,
            }
        )
    by_order = pd.Series(session, index=orders["order_id"])
    per_line = by_order.reindex(lines["order_id"]).to_numpy()
    missed = next(r for r in rows if not r[5])
    truth = {
        "no_show": {"date": no_show["date"], "host": no_show["host"], "session_id": missed[0]},
        "sessions": len(rows),
        "kol_hosts": list(KOL_HOSTS),
        "own_hosts": list(OWN_HOSTS),
    }
    return pd.DataFrame(out), pa.array(per_line.astype(str), mask=per_line == ""), truth


def ad_columns(
    rng: np.random.Generator,
    spend: pd.DataFrame,
    lines: pd.DataFrame,
    win: dict[str, tuple[str, str]],
) -> pd.DataFrame:
    """tool, plan_id, objective and the platform's attributed GMV and orders of each spend row."""
    ok = lines[lines["status"] != "cancelled"]
    day = ok["order_time"].dt.strftime("%Y-%m-%d")
    gmv = ok.groupby([day, ok["channel"]])["paid_amount"].sum()
    orders = ok.groupby([day, ok["channel"]])["order_id"].nunique()
    phase = np.select(
        [
            spend["date"].between(*win["preheat"]),
            spend["date"].between(*win["burst"]),
            spend["date"].between(*win["post"]),
        ],
        ["预热", "爆发", "返场"],
        "日常",
    )
    key = pd.MultiIndex.from_arrays([spend["date"], spend["channel"]])
    mult = spend["channel"].map(ATTRIBUTION).to_numpy() * rng.lognormal(0, 0.05, len(spend))
    return pd.DataFrame(
        {
            "tool": spend["channel"].map(lambda c: TOOLS[c][0]),
            "plan_id": [f"{TOOLS[c][1]}-{p}" for c, p in zip(spend["channel"], phase, strict=True)],
            "objective": spend["channel"].map(lambda c: TOOLS[c][2]),
            "attributed_gmv": np.round(gmv.reindex(key).fillna(0).to_numpy() * mult, 2),
            "attributed_orders": np.round(orders.reindex(key).fillna(0).to_numpy() * mult).astype(
                int
            ),
            "attribution_window": "15d",
        }
    )


def products(
    lines: pd.DataFrame, cat: dict[str, Any], m: dict[str, Any], win: dict[str, tuple[str, str]]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Names, roles, list prices and planned stock of every SKU sold; the heroes and the gift set."""
    ok = lines[lines["status"] != "cancelled"]
    day = ok["order_time"].dt.strftime("%Y-%m-%d")
    units = ok[day.between(win["preheat"][0], win["post"][1])].groupby("sku")["quantity"].sum()
    sku, category = list(cat["sku"]), list(cat["category"])
    price, weight = list(cat["price"]), np.asarray(cat["weight"])
    control = sorted(set(lines.loc[lines["category"] == m["control"]["category"], "sku"]))
    out_any = np.asarray(cat["out"]).any(
        axis=0
    )  # the planned stock-outs: the same in every scenario
    skn = [i for i, c in enumerate(category) if c == "护肤"]
    heroes = sorted(skn, key=lambda i: -weight[i])[:2]
    stocked = [i for i in np.flatnonzero(out_any) if category[i] == "香水"] or list(
        np.flatnonzero(out_any)
    )
    frg = [i for i, c in enumerate(category) if c == "香水"]
    gift = int(stocked[0]) if stocked else max(frg or range(len(sku)), key=lambda i: weight[i])
    rows, seen = [], dict[str, int]()
    for i, s in enumerate([*sku, *control]):
        c = category[i] if i < len(sku) else m["control"]["category"]
        nouns = _NOUNS.get(c, (c,))
        k = seen[c] = seen.get(c, -1) + 1
        name = f"花漾{nouns[k % len(nouns)]}" + (
            f" {k // len(nouns) + 1}号" if k >= len(nouns) else ""
        )
        role, launch, sold = "profit", None, int(units.get(s, 0))
        stock = int(np.ceil(sold * 1.3 / 10) * 10)
        if c == "个护":
            role = "traffic"
        if i in heroes:
            role, stock = "hero", int(np.ceil(sold * 1.15 / 10) * 10)
            name = ("花漾修护精华露 30ml", "花漾清透防晒乳 SPF50+")[heroes.index(i)]
        if i == gift:
            role, launch, stock, name = "new", win["preheat"][0], sold, "花漾香氛礼盒（新品）"
        rows.append(
            {
                "sku": s,
                "spu": s.split("-")[0] + "-" + str(k // 2 + 1).zfill(2),
                "product_name": name,
                "role": role,
                "launch_date": launch,
                "list_price": price[i] if i < len(sku) else None,
                "planned_stock": stock,
            }
        )
    out_days = [str(d) for d in m["dates"][np.asarray(m["out"])[:, gift]]]  # none without lift
    sellout = (
        {
            "sku": str(sku[gift]),
            "name": "花漾香氛礼盒（新品）",
            "sold_out_at": f"{out_days[0]}T00:00:00",
            "out_days": out_days,
            "planned_stock": int(units.get(sku[gift], 0)),
        }
        if out_days
        else None
    )
    hero_skus = [str(sku[i]) for i in heroes] + [str(sku[gift])]
    return pd.DataFrame(rows), {"hero_skus": hero_skus, "sellout": sellout}


def plan_table(
    m: dict[str, Any],
    win: dict[str, tuple[str, str]],
    presale_share: float = 0.0,
    balance_day: str | None = None,
) -> tuple[pd.DataFrame, dict]:
    """The plan by day and channel (preheat..post) from the standard campaign's expected GMV, 7.5 %
    above it; no row for :data:`PLAN_MISSING`. Made as the card counts GMV (on the balance day):
    ``presale_share`` of the pre-heat's promoted GMV is planned on ``balance_day``, when its
    balances are paid, not on the day its deposits are."""
    dates = np.datetime_as_string(m["dates"])

    def at(series: np.ndarray, day: str) -> float:
        return float(series[np.flatnonzero(dates == day)[0]])

    days = _days(win)
    balance_day = balance_day if balance_day in days else None
    preheat = [d for d in days if win["preheat"][0] <= d <= win["preheat"][1]]
    moved = sum(at(m["expected"], d) for d in preheat) * presale_share if balance_day else 0.0
    rows = []
    for day in days:
        promoted = at(m["expected"], day)
        if moved and day in preheat:
            promoted *= 1 - presale_share
        g = promoted + at(m["control_expected"], day) + (moved if day == balance_day else 0.0)
        g *= 1.075
        conv = 0.03 if day <= win["preheat"][1] else 0.05
        for ch, share in PLAN_SHARES.items():
            if ch == PLAN_MISSING:
                continue
            gmv = round(g * share, 2)
            aov = 330.0
            rows.append(
                {
                    "date": day,
                    "channel": ch,
                    "gmv": gmv,
                    "visitors": round(gmv / aov / conv),
                    "conversion": conv,
                    "aov": aov,
                    "new_customers": round(gmv / aov * 0.45),
                }
            )
    plan = pd.DataFrame(rows)
    truth = {
        "missing_channel": PLAN_MISSING,
        "channels": [c for c in PLAN_SHARES if c != PLAN_MISSING],
        "gmv_total": round(float(plan["gmv"].sum()), 2),
        "basis": "balance_paid" if balance_day else "order_time",
    }
    return plan, truth

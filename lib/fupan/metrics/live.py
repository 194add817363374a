"""直播场次: per session and per host — GMV, orders, viewer conversion, GPM, follow rate, cost, ROI.

口径: one row per session of the live_sessions table with its orders' sums (orders carrying its
``session_id``, not cancelled): ``gmv`` (支付金额, before refunds), ``refunds``, ``orders``,
``buyers``.

- 观看成交转化率 conversion = buyers / viewers; GPM 千次观看成交额 = GMV / views · 1000;
  转粉率 follow rate = new_followers / viewers; 互动率 = interactions / viewers;
- cost = slot_fee + commission_rate · settled GMV (GMV − refunds); ROI = GMV / cost;
- a session with views = 0 did not go live (未开播); its rates are not computed (NaN, shown —).
"""

from __future__ import annotations

import pandas as pd

from ._ratios import ratio as _ratio

__all__ = ["host_table", "no_shows", "session_table"]


def session_table(sessions: pd.DataFrame, sales: pd.DataFrame) -> pd.DataFrame:
    """Each session's output and cost (口径 in the module docstring).

    Parameters
    ----------
    sessions : DataFrame
        The live_sessions table (``session_id``, ``kind``, ``host``, ``views``, ``viewers``,
        ``new_followers``, ``interactions``, ``slot_fee``, ``commission_rate`` …).
    sales : DataFrame
        ``session_id``, ``gmv``, ``refunds``, ``orders``, ``buyers``.

    Returns
    -------
    DataFrame
        ``sessions`` with the sales and ``conversion``, ``gpm``, ``follow_rate``,
        ``interaction_rate``, ``cost``, ``roi`` and ``went_live``.
    """
    s = sessions.merge(sales, on="session_id", how="left")
    for c in ("gmv", "refunds", "orders", "buyers"):
        s[c] = s[c].fillna(0)
    for c in ("views", "viewers", "new_followers", "interactions", "slot_fee", "commission_rate"):
        s[c] = s[c].astype(float).fillna(0.0)
    s["went_live"] = s["views"] > 0
    s["conversion"] = _ratio(s["buyers"], s["viewers"])
    s["gpm"] = _ratio(s["gmv"] * 1000.0, s["views"])
    s["follow_rate"] = _ratio(s["new_followers"], s["viewers"])
    s["interaction_rate"] = _ratio(s["interactions"], s["viewers"])
    s["cost"] = s["slot_fee"] + s["commission_rate"] * (s["gmv"] - s["refunds"])
    s["roi"] = _ratio(s["gmv"], s["cost"])
    return s


def host_table(table: pd.DataFrame) -> pd.DataFrame:
    """Per host: sessions, sessions not live, GMV, orders, refunds, cost, conversion, GPM, ROI.

    Parameters
    ----------
    table : DataFrame
        :func:`session_table`'s result.

    Returns
    -------
    DataFrame
        Indexed by ``host`` (``kind`` kept), ordered by GMV, largest first; the rates are ratios of
        the sums (not means of the sessions' rates).
    """
    g = table.groupby(["kind", "host"], dropna=False).agg(
        sessions=("session_id", "count"),
        no_show=("went_live", lambda x: int((~x).sum())),
        gmv=("gmv", "sum"),
        orders=("orders", "sum"),
        buyers=("buyers", "sum"),
        refunds=("refunds", "sum"),
        views=("views", "sum"),
        viewers=("viewers", "sum"),
        new_followers=("new_followers", "sum"),
        cost=("cost", "sum"),
    )
    g["conversion"] = _ratio(g["buyers"], g["viewers"])
    g["gpm"] = _ratio(g["gmv"] * 1000.0, g["views"])
    g["follow_rate"] = _ratio(g["new_followers"], g["viewers"])
    g["roi"] = _ratio(g["gmv"], g["cost"])
    return g.reset_index().sort_values("gmv", ascending=False, kind="stable")


def no_shows(table: pd.DataFrame) -> pd.DataFrame:
    """Scheduled sessions that did not go live (views = 0).

    Parameters
    ----------
    table : DataFrame
        :func:`session_table`'s result, with ``start_time``.

    Returns
    -------
    DataFrame
        ``date``, ``session_id``, ``kind``, ``host`` of each, in time order.
    """
    out = table.loc[~table["went_live"], ["start_time", "session_id", "kind", "host"]].copy()
    out.insert(0, "date", pd.to_datetime(out.pop("start_time")).dt.strftime("%Y-%m-%d"))
    return out.sort_values(["date", "session_id"], kind="stable").reset_index(drop=True)

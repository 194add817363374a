"""下次大促测算 (planning the next campaign, ops review G15): this campaign's channel returns.

Applied to the next campaign's budget. 口径, per channel of this campaign (its campaign window):

- a channel **with spend** returns its 投产比 (ROAS = its orders' GMV ÷ its spend) on the next
  budget: ``next_gmv`` = next budget × ROAS; its 毛利贡献 ``next_contribution`` = next_gmv ÷ the
  保本投产比 (break-even ROAS: the GMV at which a channel's gross margin after the discount pays
  its spend exactly) − next budget — positive above the break-even, negative below;
- a channel **without spend** (natural traffic, private domain without ad spend) keeps this
  campaign's GMV;
- a channel given a budget in the plan but without spend in this campaign has no return to go
  on: ``next_gmv`` is not measured (NaN) and the total says so;
- the plan's ``gap`` = GMV target − the projected total; ``extra_budget`` = the spend that would
  close it at the ROAS of the best channel still above its break-even (none above: not measured).

This is a linear projection: every ¥ of budget is assumed to return what this campaign's average
¥ did. Returns fall as a channel's spend grows (diminishing returns), so a budget well above this
campaign's reads optimistic; the same season, mix and prices are assumed.
"""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["plan_table", "plan_totals"]


def plan_table(channels: pd.DataFrame, budget: dict[str, float], be_roas: float) -> pd.DataFrame:
    """The planning sheet by channel (口径 in the module docstring).

    Parameters
    ----------
    channels : DataFrame
        Indexed by channel with this campaign's ``gmv`` and ``spend`` (0 or NaN without spend).
    budget : dict
        The next campaign's budget by channel; a channel with spend that the plan does not name
        keeps this campaign's spend.
    be_roas : float
        The break-even ROAS (positive; ``inf`` when no ROAS breaks even).

    Returns
    -------
    DataFrame
        Indexed by channel: ``gmv``, ``spend``, ``roas``, ``next_budget``, ``next_gmv``,
        ``next_contribution`` (NaN for a channel without spend), ``planned`` (named in the plan).
    """
    out = pd.DataFrame(index=pd.Index(list(channels.index), name="channel"))
    out["gmv"] = channels["gmv"].astype(float).fillna(0.0)
    out["spend"] = channels["spend"].astype(float).fillna(0.0)
    for name in budget:
        if name not in out.index:
            out.loc[name] = {"gmv": 0.0, "spend": 0.0}
    paid = out["spend"] > 0
    out["roas"] = (out["gmv"] / out["spend"].where(paid)).astype(float)
    out["planned"] = [c in budget for c in out.index]
    out["next_budget"] = [
        float(budget.get(c, s)) for c, s in zip(out.index, out["spend"], strict=True)
    ]
    out["next_gmv"] = out["next_budget"] * out["roas"]
    unpaid = ~paid & (out["next_budget"] == 0)
    out.loc[unpaid, "next_gmv"] = out.loc[unpaid, "gmv"]  # no spend now or next: kept as it is
    margin = 0.0 if math.isinf(be_roas) else 1.0 / be_roas
    out["next_contribution"] = (out["next_gmv"] * margin - out["next_budget"]).where(paid)
    return out


def plan_totals(table: pd.DataFrame, target: float | None) -> dict[str, float | str | None]:
    """The sheet's totals.

    This campaign's GMV and spend, the next budget and projected GMV (None when a planned channel
    has no return to go on), the target, its gap and the extra budget that would close it at the
    best channel's ROAS among those above break-even (and that channel).
    """
    measured = bool(table["next_gmv"].notna().all())
    projected = float(table["next_gmv"].sum()) if measured else None
    gap = None if target is None or projected is None else float(target) - projected
    above = table[(table["next_contribution"] > 0) & table["roas"].notna()]
    best = float(above["roas"].max()) if len(above) else None
    extra = None
    if gap is not None and gap > 0 and best:
        extra = gap / best
    return {
        "gmv": float(table["gmv"].sum()),
        "spend": float(table["spend"].sum()),
        "next_budget": float(table["next_budget"].sum()),
        "next_gmv": projected,
        "target": None if target is None else float(target),
        "gap": gap,
        "best_roas": best,
        "best_channel": None if best is None else str(above["roas"].idxmax()),
        "extra_budget": extra,
    }

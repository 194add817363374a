"""Accuracy benchmark: how often does the report recover the generator's planted lift?

For each seed, the demo campaign (standard scenario, the demo's scale unless --scale) is generated
and loaded as `fupan run` loads it; the report's estimates are compared with truth.json:

- total incremental GMV (pre-heat..dip, METHODS.md §1.1) and the pull-forward share
  −Σ_dip / Σ_campaign from the counterfactual model — within 10 % of the truth? truth inside the
  95 % interval?
- the pull-forward share from the difference-in-differences against the control line;
- as the reference, measured in the same run, the spreadsheet habit: baseline average daily GMV ×
  days as the counterfactual (no trend, no weekday mix).

With --no-lift it also runs the no_lift scenario and counts how often the total's interval
contains zero; with --last-year the history holds the year before's Double 11 (a promotion the
counterfactual's training year must mask). Nothing is asserted; the counts are printed for the
issue note.

    .venv/bin/python bench/bench_lift_recovery.py [--seeds 20] [--scale 3.0] [--no-lift] [--last-year]
"""

from __future__ import annotations

import argparse
import inspect
import json
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import fupan
from fupan.analysis.results import ControlAnalysis
from fupan.demo import generate_demo
from fupan.demo.generator import Levers


def spreadsheet(r) -> tuple[float, float]:
    """(total incremental, pull-forward share) with Ŷ = baseline average daily GMV."""
    hist = r.agg.history.set_index("date").gmv
    w = r.card.windows
    base = hist[pd.Timestamp(w.baseline.start) : pd.Timestamp(w.baseline.end)].mean()

    def inc(win) -> float:
        part = hist[pd.Timestamp(win.start) : pd.Timestamp(win.end)]
        return float(part.sum() - base * ((win.end - win.start).days + 1))

    camp = sum(inc(win) for name, win in w.items() if name in ("preheat", "burst", "post"))
    dip = inc(w.dip)
    return camp + dip, -dip / camp


def one(seed: int, scale: float, scenario: str, last_year: bool = False) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        levers = Levers(last_year_double11=True) if last_year else None
        folder = generate_demo(
            Path(tmp) / "c", seed=seed, scale=scale, scenario=scenario, levers=levers
        )
        truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
        r = fupan.load_retrospective(folder)
        total, pf = r.lift.table.loc["total"], r.lift.pull_forward
        out = {
            "seed": seed,
            "total": total.incremental,
            "total_lo": total.lower,
            "total_hi": total.upper,
            "true_total": truth["incremental_gmv"]["total"],
        }
        if scenario == "standard":
            did = r.controls.table if isinstance(r.controls, ControlAnalysis) else None
            s_total, s_pf = spreadsheet(r)
            out.update(
                pf=pf["estimate"],
                pf_lo=pf["lower"],
                pf_hi=pf["upper"],
                true_pf=truth["pull_forward_share"],
                did_pf=(-did.at["dip", "incremental"] / did.at["campaign", "incremental"])
                if did is not None
                else np.nan,
                sheet_total=s_total,
                sheet_pf=s_pf,
            )
        return out


def main() -> None:
    default_scale = inspect.signature(generate_demo).parameters["scale"].default
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20, help="number of seeds (1, 2, …)")
    ap.add_argument(
        "--scale",
        type=float,
        default=default_scale,
        help=f"demo scale (default {default_scale}, the demo's)",
    )
    ap.add_argument("--no-lift", action="store_true", help="also run the no_lift scenario")
    ap.add_argument(
        "--last-year",
        action="store_true",
        help="plant last year's Double 11 in the history (Levers.last_year_double11)",
    )
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    rows, t0 = [], time.perf_counter()
    for seed in range(1, args.seeds + 1):
        rows.append(one(seed, args.scale, "standard", args.last_year))
        x = rows[-1]
        print(
            f"seed {seed:>3}: total {x['total'] / x['true_total'] - 1:+6.1%}  pull-forward model "
            f"{x['pf'] / x['true_pf'] - 1:+6.1%}  DiD {x['did_pf'] / x['true_pf'] - 1:+6.1%}  spreadsheet "
            f"{x['sheet_pf'] / x['true_pf'] - 1:+6.1%}   ({time.perf_counter() - t0:.0f} s)",
            flush=True,
        )
    f = pd.DataFrame(rows)
    n = len(f)

    def within(est: str, true: str) -> str:
        err = (f[est] / f[true] - 1).abs()
        return f"{(err <= 0.10).sum()}/{n} within 10 %, median |error| {err.median():.1%}, max {err.max():.1%}"

    print(
        f"\nscale {args.scale}, {n} seeds (true pull-forward share {f.true_pf.mean():.1%} on average)"
    )
    print(
        f"total incremental GMV, model:        {within('total', 'true_total')}; truth in 95 % CI "
        f"{((f.total_lo < f.true_total) & (f.true_total < f.total_hi)).sum()}/{n}"
    )
    print(f"total incremental GMV, spreadsheet:  {within('sheet_total', 'true_total')}")
    print(
        f"pull-forward share, model:           {within('pf', 'true_pf')}; truth in 95 % CI "
        f"{((f.pf_lo < f.true_pf) & (f.true_pf < f.pf_hi)).sum()}/{n}"
    )
    print(f"pull-forward share, DiD vs control:  {within('did_pf', 'true_pf')}")
    print(f"pull-forward share, spreadsheet:     {within('sheet_pf', 'true_pf')}")
    if args.no_lift:
        zs = []
        for seed in range(1, args.seeds + 1):
            zs.append(one(seed, args.scale, "no_lift"))
            print(
                f"no-lift seed {seed:>3}: total {zs[-1]['total']:+,.0f} in [{zs[-1]['total_lo']:+,.0f}, "
                f"{zs[-1]['total_hi']:+,.0f}]   ({time.perf_counter() - t0:.0f} s)",
                flush=True,
            )
        z = pd.DataFrame(zs)
        print(
            f"no-lift scenario: total's 95 % CI contains 0 in {((z.total_lo < 0) & (z.total_hi > 0)).sum()}/{len(z)} seeds"
        )


if __name__ == "__main__":
    main()

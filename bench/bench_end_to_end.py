"""End-to-end benchmark: `fupan run` on a tiny campaign (the demo generator at scale 0.02, a few
thousand order lines: what is measured is the fixed cost of a report) vs a bare papermill + nbconvert run of a
notebook drawing the same number of charts, both measured here, in the same run, as subprocesses
(so both pay interpreter start-up and imports), alternating, with the peak RSS of every process of
each (the kernel included; bench_scale.measured polls them). Timings are printed, never asserted;
the issue's target is fupan / bare ≤ 1.5.

    .venv/bin/python bench/bench_end_to_end.py [--repeat 3] [--scale 0.02 | --campaign data/demo]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]

BARE = """
import sys, time, nbformat, papermill
from nbconvert import HTMLExporter
src, out, html = sys.argv[1:4]
papermill.execute_notebook(src, out, kernel_name="python3", progress_bar=False, shutdown_kernel="immediate")
body, _ = HTMLExporter(template_name="lab").from_notebook_node(nbformat.read(out, as_version=4))
open(html, "w", encoding="utf-8").write(body)
"""


def bare_notebook(n_charts: int) -> nbformat.NotebookNode:
    """Imports pandas/matplotlib/seaborn and draws ``n_charts`` simple charts of 77 points."""
    cells = [
        nbformat.v4.new_code_cell(
            "import numpy as np, pandas as pd, matplotlib.pyplot as plt, seaborn as sns\n"
            "rng = np.random.default_rng(0)\n"
            "df = pd.DataFrame({'day': pd.date_range('2025-09-15', periods=77), 'gmv': rng.gamma(5, 1e4, 77)})"
        )
    ]
    for i in range(n_charts):
        cells.append(
            nbformat.v4.new_code_cell(
                f"fig, ax = plt.subplots(figsize=(10, 4))\nax.bar(df.day, df.gmv * {i + 1})\nax.set_title('chart {i}')\nplt.show()"
            )
        )
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


PEAKS: dict[str, float] = {}


def timed(cmd: list[str], label: str = "") -> float:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_scale import measured

    r = measured(cmd)
    PEAKS[label] = max(PEAKS.get(label, 0.0), r["peak_tree_rss_gib"] or 0.0)
    return float(r["seconds"])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--campaign", type=Path, default=None, help="a campaign folder instead")
    parser.add_argument("--scale", type=float, default=0.02, help="the generated campaign's scale")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fupan-bench-"))
    if args.campaign is None:
        from fupan.demo import generate_demo

        args.campaign = generate_demo(work / "tiny", scale=args.scale)
    if not (args.campaign / "campaign.yaml").is_file():
        sys.exit(f"no campaign at {args.campaign}")
    fupan_times, bare_times = [], []
    for i in range(args.repeat):
        out = work / f"fupan{i}"
        fupan_times.append(
            timed(
                [
                    sys.executable,
                    "-m",
                    "fupan.cli",
                    "run",
                    str(args.campaign),
                    "--out",
                    str(out),
                    "--quiet",
                    "--no-library",
                ],
                "fupan",
            )
        )
        if i == 0:
            (case_dir,) = list(out.iterdir())
            nb = nbformat.read(case_dir / "report.ipynb", as_version=4)
            n_charts = sum(
                "image/png" in o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])
            )
            bare_src = work / "bare.ipynb"
            nbformat.write(bare_notebook(n_charts), bare_src)
        bare_times.append(
            timed(
                [
                    sys.executable,
                    "-c",
                    BARE,
                    str(bare_src),
                    str(work / f"bare{i}.ipynb"),
                    str(work / f"bare{i}.html"),
                ],
                "bare",
            )
        )
    f, b = statistics.median(fupan_times), statistics.median(bare_times)
    result = {
        "charts": n_charts,
        "repeat": args.repeat,
        "fupan_run_s": round(f, 2),
        "bare_papermill_nbconvert_s": round(b, 2),
        "ratio": round(f / b, 2),
        "peak_tree_rss_gib": PEAKS,
        "fupan_all_s": [round(x, 2) for x in fupan_times],
        "bare_all_s": [round(x, 2) for x in bare_times],
    }
    print(
        f"fupan run (validate + DuckDB extract + {n_charts} charts + HTML with font subset): median {f:.2f} s"
    )
    print(
        f"bare papermill + nbconvert, {n_charts} charts, same process layout:             median {b:.2f} s"
    )
    print(f"ratio fupan / bare = {f / b:.2f}   (target ≤ 1.5)")
    print(f"peak RSS of all processes together, GiB: {PEAKS}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

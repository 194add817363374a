"""Where the extract's time goes: every statement of :func:`fupan.extract.extract` timed by name.

    .venv/bin/python bench/profile_extract.py data/bench-s      # after `make bench-data SIZE=S`

Validates the campaign, writes the prepared DuckDB file and reopens it as the report's kernel does
(as ``bench_scale.py --worker extract``), then runs the extract with each staging table
(``materialise``) and each query (``query``) timed, and prints them longest first with the peak RSS
of this process. Figures are for comparison within one run; nothing is asserted.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("folder", type=Path, help="a campaign folder")
    args = ap.parse_args()

    from fupan.extract import aggregates
    from fupan.ingest.validate import open_campaign, open_prepared, save_prepared

    timings: list[tuple[float, str]] = []
    names = {aggregates.sql(n): n for n in aggregates.STAGING}
    names.update(
        {
            aggregates.sql(p.stem): p.stem
            for p in (Path(aggregates.__file__).parent / "sql").glob("*.sql")
        }
    )

    def timed(label: str, fn, *a):
        t = time.perf_counter()
        try:
            return fn(*a)
        finally:
            timings.append((time.perf_counter() - t, label))

    from fupan.extract.engines.duck import DuckEngine

    materialise, query = DuckEngine.materialise, DuckEngine.query

    def materialise_timed(self, name, duck_sql):
        return timed(f"materialise {name}", materialise, self, name, duck_sql)

    def query_timed(self, duck_sql):
        return timed(f"query {names.get(duck_sql, duck_sql[:40])}", query, self, duck_sql)

    t0 = time.perf_counter()
    campaign = open_campaign(args.folder)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        prepared = Path(tmp) / "prepared.duckdb"
        save_prepared(campaign, prepared)
        campaign.con.close()
        kernel_side = open_prepared(args.folder, prepared)
        DuckEngine.materialise, DuckEngine.query = materialise_timed, query_timed  # type: ignore[method-assign]
        t2 = time.perf_counter()
        aggregates.extract(kernel_side)
        t3 = time.perf_counter()
    print(f"campaign {args.folder}")
    print(f"validate {t1 - t0:.2f} s · extract {t3 - t2:.2f} s")
    for seconds, label in sorted(timings, reverse=True):
        print(f"  {seconds:8.2f}  {label}")
    print(f"  {sum(s for s, _ in timings):8.2f}  (sum)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak RSS of this process: {peak:.2f} GiB")


if __name__ == "__main__":
    main()

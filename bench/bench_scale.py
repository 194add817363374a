"""Scale benchmark: fupan on a big campaign beside hand-written DuckDB SQL and plain pandas.

Everything is measured here, in one run, each step as its own process (so each pays its start-up
and imports) with the peak resident memory of every process of its tree polled by psutil — for
``fupan run`` that includes the Jupyter kernel. Printed, never asserted.

    .venv/bin/python bench/bench_scale.py data/bench-s [--skip-pandas] [--skip-run]

Steps:

- ``validate``: ``fupan validate <folder>`` (the CLI, as a user runs it).
- ``extract``: in one process, validation then :func:`fupan.extract.extract` timed alone on the
  validated campaign, after materialising the typed tables as ``fupan run`` does for the kernel
  (the kernel reads them from that file).
- ``run``: ``fupan run <folder>`` end to end (validation, kernel, every chart, HTML).
- ``duckdb``: five core retrospective aggregations written by hand in DuckDB SQL over the Parquet
  files (daily GMV by channel; distinct users per funnel step and window; daily UV; new customers
  and their 30-day repeat; RFM scores), results fetched into pandas.
- ``pandas``: the same five with pandas on the same files (the columns needed only).

Targets (issue 16): S end to end ≤ 15 s and ≤ 1.5 GiB, L ≤ 45 s and ≤ 4 GiB, extract at L ≤ 1.2×
the hand-written DuckDB SQL.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
GiB = 1024**3


# ----------------------------------------------------------------------------- measuring
def measured(cmd: list[str], poll: float = 0.05, check: bool = True) -> dict:
    """Run ``cmd``; wall seconds, CPU seconds (user + system of every process of its tree, from
    the kernel's accounting of reaped children or, when larger, the sum polled per process) and
    the peak RSS of each process (polled). A non-zero exit stops the benchmark unless ``check`` is
    false (its code is then in ``returncode``)."""
    import resource

    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    root = psutil.Process(proc.pid)
    peaks: dict[int, tuple[str, int]] = {}
    sums: list[int] = []
    seen_cpu: dict[int, float] = {}  # each process's CPU when last polled
    while proc.poll() is None:
        total = 0
        try:
            tree = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            tree = []
        for p in tree:
            try:
                rss = p.memory_info().rss
                times = p.cpu_times()
                seen_cpu[p.pid] = times.user + times.system
                # the command line read only for a new peak: the monitor's own CPU is taken from
                # the processes it watches when every core is busy
                if rss > peaks.get(p.pid, ("", 0))[1]:
                    peaks[p.pid] = (" ".join(p.cmdline()[:4])[-80:], rss)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                continue
            total += rss
        sums.append(total)
        time.sleep(poll)
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)  # every process of the tree, once reaped
    reaped = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    # processes reaped by another (the runs a forkserver forks, fupan batch) never reach this
    # process's RUSAGE_CHILDREN: their CPU as last polled (short of their last poll interval)
    cpu = max(reaped, sum(seen_cpu.values()))
    if proc.returncode and check:
        sys.exit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err[-3000:]}")
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_gib": round(max(rss for _, rss in peaks.values()) / GiB, 3) if peaks else None,
        "peak_tree_rss_gib": round(max(sums) / GiB, 3) if sums else None,
        "processes": sorted(
            ({"cmd": n, "peak_rss_gib": round(r / GiB, 3)} for n, r in peaks.values()),
            key=lambda x: -x["peak_rss_gib"],
        ),
        "stdout": out.strip().splitlines()[-1:] if out.strip() else [],
        "returncode": proc.returncode,
        "output": out,
    }


def worker(mode: str, folder: Path) -> None:
    """One measured step, run in its own process; prints a JSON line with inner timings. Every
    worker runs with the memory settings of the ``fupan`` command (no transparent huge pages:
    :func:`fupan.cli.no_huge_pages`), so that fupan and the hand-written versions are compared on
    equal terms."""
    from fupan.cli import no_huge_pages

    no_huge_pages()
    t0 = time.perf_counter()
    if mode == "extract":
        from fupan.extract import extract
        from fupan.ingest.validate import open_campaign, open_prepared, save_prepared

        campaign = open_campaign(folder)
        t1 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            prepared = Path(tmp) / "prepared.duckdb"
            save_prepared(campaign, prepared)
            t2 = time.perf_counter()
            campaign.con.close()
            kernel_side = open_prepared(folder, prepared)
            t3 = time.perf_counter()
            extract(kernel_side)
            t4 = time.perf_counter()
        print(
            json.dumps(
                {
                    "validate_s": round(t1 - t0, 2),
                    "materialise_s": round(t2 - t1, 2),
                    "open_prepared_s": round(t3 - t2, 2),
                    "extract_s": round(t4 - t3, 2),
                }
            )
        )
    elif mode == "duckdb":
        frames = hand_duckdb(folder)
        print(json.dumps({"seconds": round(time.perf_counter() - t0, 2), "rows": frames}))
    elif mode == "pandas":
        frames = hand_pandas(folder)
        print(json.dumps({"seconds": round(time.perf_counter() - t0, 2), "rows": frames}))


# ----------------------------------------------------------------------------- hand-written
def _windows(folder: Path) -> dict[str, tuple[str, str]]:
    import yaml

    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    return {k: (str(v[0]), str(v[1])) for k, v in card["windows"].items()}


def _orders_columns(folder: Path) -> dict[str, str]:
    import yaml

    card = yaml.safe_load((folder / "campaign.yaml").read_text(encoding="utf-8"))
    mapping = (card.get("mapping") or {}).get("orders") or {}
    return {dst: src for src, dst in mapping.items()}


def windows_table(con, windows: dict[str, tuple[str, str]]) -> None:
    """The temporary table ``windows`` (phase, start_date, end_date) of ``windows``."""
    con.execute(
        "CREATE TEMP TABLE windows AS SELECT * FROM (VALUES "
        + ", ".join(f"('{k}', DATE '{a}', DATE '{b}')" for k, (a, b) in windows.items())
        + ") AS t(phase, start_date, end_date)"
    )


def hand_duckdb(folder: Path) -> dict[str, int]:
    """The five core aggregations in DuckDB SQL over the files; returns each result's row count."""
    import duckdb

    w = _windows(folder)
    c = _orders_columns(folder)

    def col(name: str) -> str:
        return f'"{c.get(name, name)}" AS {name}'

    con = duckdb.connect()
    orders = f"'{folder / 'orders.parquet'}'"
    events = f"'{folder / 'events.parquet'}'"
    windows_table(con, w)
    con.execute(
        f"CREATE TEMP VIEW o AS SELECT {col('order_id')}, {col('user_id')}, {col('order_time')}, "
        f"{col('paid_amount')}, {col('channel')}, {col('status')} FROM {orders}"
    )
    start, end = w["baseline"][0], w["dip"][1]
    out = {}
    out["daily_channel"] = con.execute(
        "SELECT order_time::DATE AS d, channel, sum(paid_amount) AS gmv, count(DISTINCT order_id) "
        "AS orders, count(DISTINCT user_id) AS buyers FROM o WHERE status <> 'cancelled' "
        "GROUP BY ALL"
    ).df()
    out["funnel"] = con.execute(
        f"SELECT phase, event, count(DISTINCT user_id) AS users FROM {events} e JOIN windows w "
        "ON e.event_time::DATE BETWEEN w.start_date AND w.end_date GROUP BY ALL"
    ).df()
    out["daily_uv"] = con.execute(
        f"SELECT event_time::DATE AS d, count(DISTINCT user_id) AS uv FROM {events} "
        f"WHERE event_time >= DATE '{start}' AND event_time < DATE '{end}' + 1 GROUP BY ALL"
    ).df()
    out["new_repeat"] = con.execute(
        """
        WITH f AS (SELECT user_id, min(order_time) AS first_time FROM o
                   WHERE status <> 'cancelled' GROUP BY user_id),
             r AS (SELECT f.user_id, f.first_time, count(DISTINCT o.order_id) > 0 AS repeat30
                   FROM f LEFT JOIN o ON o.user_id = f.user_id AND o.status <> 'cancelled'
                    AND o.order_time > f.first_time
                    AND o.order_time <= f.first_time + INTERVAL 30 DAY
                   GROUP BY ALL)
        SELECT w.phase, count(*) AS new_customers, avg(repeat30::INT) AS repeat30
        FROM r JOIN windows w ON r.first_time::DATE BETWEEN w.start_date AND w.end_date
        GROUP BY ALL
        """
    ).df()
    out["rfm"] = (
        con.execute(
            f"""
        WITH u AS (SELECT user_id, date_diff('day', max(order_time)::DATE, DATE '{end}') AS recency,
                          count(DISTINCT order_id) AS frequency, sum(paid_amount) AS monetary
                   FROM o WHERE status <> 'cancelled' AND order_time < DATE '{end}' + 1
                   GROUP BY user_id)
        SELECT ntile(5) OVER (ORDER BY recency DESC) AS r,
               least(frequency, 5) AS f, ntile(5) OVER (ORDER BY monetary) AS m
        FROM u
        """
        )
        .df()
        .value_counts()
        .reset_index()
    )
    return {k: len(v) for k, v in out.items()}


def hand_pandas(folder: Path) -> dict[str, int]:
    """The same five aggregations with pandas (reading only the columns needed)."""
    import pandas as pd

    w = _windows(folder)
    c = _orders_columns(folder)
    need = ["order_id", "user_id", "order_time", "paid_amount", "channel", "status"]
    o = pd.read_parquet(folder / "orders.parquet", columns=[c.get(n, n) for n in need])
    o.columns = need
    e = pd.read_parquet(folder / "events.parquet", columns=["user_id", "event_time", "event"])
    start, end = pd.Timestamp(w["baseline"][0]), pd.Timestamp(w["dip"][1])
    paid = o[o.status != "cancelled"]
    out = {}
    out["daily_channel"] = paid.groupby([paid.order_time.dt.date, "channel"]).agg(
        gmv=("paid_amount", "sum"), orders=("order_id", "nunique"), buyers=("user_id", "nunique")
    )
    e_day = e.event_time.dt.normalize()
    parts = []
    for phase, (a, b) in w.items():
        sel = e[(e_day >= pd.Timestamp(a)) & (e_day <= pd.Timestamp(b))]
        parts.append(sel.groupby("event").user_id.nunique().rename(phase))
    out["funnel"] = pd.concat(parts, axis=1)
    sel = e[(e_day >= start) & (e_day <= end)]
    out["daily_uv"] = sel.groupby(e_day[sel.index]).user_id.nunique()
    first = paid.groupby("user_id").order_time.min().rename("first_time")
    j = paid[["user_id", "order_id", "order_time"]].join(first, on="user_id")
    later = j[
        (j.order_time > j.first_time) & (j.order_time <= j.first_time + pd.Timedelta(days=30))
    ]
    repeat = first.to_frame().assign(repeat30=first.index.isin(later.user_id.unique()))
    rows = []
    for phase, (a, b) in w.items():
        d = repeat.first_time.dt.normalize()
        sel = repeat[(d >= pd.Timestamp(a)) & (d <= pd.Timestamp(b))]
        rows.append((phase, len(sel), sel.repeat30.mean()))
    out["new_repeat"] = pd.DataFrame(rows, columns=["phase", "new_customers", "repeat30"])
    u = (
        paid[paid.order_time < end + pd.Timedelta(days=1)]
        .groupby("user_id")
        .agg(last=("order_time", "max"), f=("order_id", "nunique"), m=("paid_amount", "sum"))
    )
    u["recency"] = (end - u["last"].dt.normalize()).dt.days
    scores = pd.DataFrame(
        {
            "r": pd.qcut(-u.recency.rank(method="first"), 5, labels=False),
            "f": u.f.clip(upper=5),
            "m": pd.qcut(u.m.rank(method="first"), 5, labels=False),
        }
    )
    out["rfm"] = scores.value_counts()
    return {k: len(v) for k, v in out.items()}


# ----------------------------------------------------------------------------- main
def _inner(step: dict) -> dict:
    try:
        return json.loads(step["stdout"][0])
    except (IndexError, ValueError):
        return {}


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("folder", type=Path, nargs="?", default=ROOT / "data" / "bench-s")
    ap.add_argument("--worker", choices=["extract", "duckdb", "pandas"])
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--skip-run", action="store_true")
    args = ap.parse_args()
    folder = args.folder.resolve()
    if args.worker:
        worker(args.worker, folder)
        return
    if not (folder / "campaign.yaml").is_file():
        sys.exit(f"no campaign at {folder}: run `make bench-data SIZE=S` first")
    py, me = sys.executable, str(Path(__file__).resolve())
    fupan = [py, "-m", "fupan.cli"]
    results: dict[str, dict] = {}
    results["validate"] = measured([*fupan, "validate", str(folder)])
    results["extract"] = measured([py, me, "--worker", "extract", str(folder)])
    results["duckdb"] = measured([py, me, "--worker", "duckdb", str(folder)])
    if not args.skip_pandas:
        results["pandas"] = measured([py, me, "--worker", "pandas", str(folder)])
    if not args.skip_run:
        with tempfile.TemporaryDirectory(prefix="fupan-scale-") as out:
            results["run"] = measured([*fupan, "run", str(folder), "--out", out, "--quiet"])
    inner = _inner(results["extract"])
    hand = _inner(results["duckdb"]).get("seconds")
    print(f"campaign {folder.name} ({psutil.cpu_count()} cores)")
    print(f"{'step':<34}{'seconds':>9}{'peak RSS GiB':>14}{'tree GiB':>10}")
    for name, r in results.items():
        print(
            f"{name:<34}{r['seconds']:>9.2f}{r['peak_rss_gib'] or 0:>14.3f}"
            f"{r['peak_tree_rss_gib'] or 0:>10.3f}"
        )
    for key, value in inner.items():
        print(f"  extract process: {key:<16}{value:>9.2f}")
    for name in ("duckdb", "pandas"):
        if name in results:
            print(f"  {name} aggregations alone: {_inner(results[name]).get('seconds')} s")
    if hand and inner.get("extract_s"):
        print(f"ratio fupan extract / hand DuckDB SQL = {inner['extract_s'] / hand:.2f}")
    if "run" in results:
        print("processes of fupan run (peak RSS GiB):")
        for p in results["run"]["processes"][:6]:
            print(f"  {p['peak_rss_gib']:>7.3f}  {p['cmd']}")
        if hand:
            print(
                f"ratio fupan run end to end / hand DuckDB SQL = {results['run']['seconds'] / hand:.1f}"
            )
    print(
        json.dumps(
            {
                k: {x: y for x, y in v.items() if x not in ("stdout", "output")}
                for k, v in results.items()
            }
        )
    )


if __name__ == "__main__":
    main()

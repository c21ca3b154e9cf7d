"""Issue 10 at 1,000,000 cases: every dataset of one month, the monthly PDF, a whole year's datasets.

    .venv/bin/python bench/bench_reports.py [--db bench/data/report-1m.db] [--build] [--backlog 10000]
                                            [--no-backup] [--login L --password P]

`--build` makes the database with `xinfang demo --cases 1000000` (minutes of CPU; run once, with nice).
`--backlog N` first adds 积案 records (bench_backlog.seed_backlog: 20 batches, 12 包案领导) until the file holds N,
so that the PDF's 附件2 is measured with them (a few minutes, once per copy).
Prints a table (targets: one month's dataset ≤ 0.5 s, the monthly PDF ≤ 3 s, a year's datasets ≤ 3 s) with the
wall time and this process's CPU time of each measure (all its threads: a dataset counts on two connections at
once, so on an idle 2-core machine the CPU time may exceed the wall time; on a shared machine the wall time also
waits for the others), and from the same run the time of each section of one month's dataset and the ratios.
Every month is read once before the timed runs (the first pass is printed too: it measures the disk).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xinfang.services import Workspace  # noqa: E402

NOW = datetime(2026, 11, 20, 12, 0)


def timed(fn, repeat: int = 3) -> tuple[float, float, object]:
    """(best wall seconds, the CPU seconds of that run, result). The CPU time of this process is what the
    work costs when it has a core to itself; on a shared machine the wall time waits for the others too."""
    best, cpu, result = float("inf"), 0.0, None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        wall = time.perf_counter() - t
        if wall < best:
            best, cpu = wall, time.process_time() - c
    return best, cpu, result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(ROOT / "bench" / "data" / "report-1m.db"))
    ap.add_argument("--build", action="store_true")
    ap.add_argument("--login", help="sign in as this 领导 account first (a file with accounts)")
    ap.add_argument("--password", default="bench-pass-1")
    ap.add_argument("--backlog", type=int, default=0, help="add 积案 records until the file holds this many")
    ap.add_argument("--no-backup", action="store_true", help="a bench copy: migrate without the pre-migration copy")
    args = ap.parse_args()
    if args.build or not Path(args.db).exists():
        subprocess.run(["nice", "-n", "10", sys.executable, "-m", "xinfang", "--db", args.db, "demo", "--cases",
                        "1000000", "--now", NOW.isoformat(sep=" ")], check=True)
    t_open = time.perf_counter()
    ws = Workspace.open(args.db, now=lambda: NOW, backup_before_migration=not args.no_backup)   # migrates once
    t_open = time.perf_counter() - t_open
    if args.login:                 # a file with accounts (e.g. one bench_unit_scope.py used) needs a sign-in
        ws.users.sign_in(args.login, args.password)
    if args.backlog:
        sys.path.insert(0, str(ROOT / "bench"))
        from bench_backlog import seed_backlog
        t_seed = time.perf_counter()
        print(f"积案 records: {seed_backlog(ws, args.backlog, 20)} in {time.perf_counter() - t_seed:.0f} s", flush=True)
    load_start = os.getloadavg()
    total = ws.store.total_cases()
    r = ws.reports
    months = [r.month(f"2026-{m:02d}") for m in range(1, 11)]
    rows = []

    # read every month once (the first read of a many-GB file measures the disk, not the code)
    t_cold, c_cold = time.perf_counter(), time.process_time()
    for p in months:
        r.dataset(p)
    t_cold, c_cold = time.perf_counter() - t_cold, time.process_time() - c_cold

    # the CPU time the helper thread spends counting (Builder.read_ahead), to tell the two threads' shares apart
    import threading
    from xinfang.services import report_numbers
    helper_cpu: list[float] = [0.0]
    count = report_numbers.Builder._count

    def timed_count(self, s, name):
        if threading.current_thread() is threading.main_thread():
            return count(self, s, name)
        c = time.thread_time()
        try:
            return count(self, s, name)
        finally:
            helper_cpu[0] += time.thread_time() - c
    report_numbers.Builder._count = timed_count

    month_times, month_cpu, month_helper = [], [], []
    sections: dict[str, float] = {}
    for p in months:
        marks = []
        helper_cpu[0] = 0.0
        t0, c0 = time.perf_counter(), time.process_time()
        r.dataset(p, progress=lambda pct, label: marks.append((time.perf_counter(), label)))
        month_times.append(time.perf_counter() - t0)
        month_cpu.append(time.process_time() - c0)
        month_helper.append(helper_cpu[0])
        if p == months[-1]:
            for (t_a, label), (t_b, _) in zip(marks, marks[1:]):
                sections[label] = t_b - t_a
    worst = max(range(len(months)), key=lambda i: month_times[i])
    rows.append(("one month's dataset, 2026-01 … 2026-10: the slowest", month_times[worst], month_cpu[worst], 0.5))
    mid = sorted(range(len(months)), key=lambda i: month_times[i])[len(months) // 2]
    rows.append(("one month's dataset: median", month_times[mid], month_cpu[mid], 0.5))
    unit = ws.store.q("SELECT handling_unit FROM cases INDEXED BY cases_unit_stats WHERE handling_unit <> '' "
                      "GROUP BY handling_unit ORDER BY count(*) DESC LIMIT 1")[0][0]
    rows.append((f"one month, the largest unit ({unit})", *timed(lambda: r.dataset(months[-1], unit))[:2], 0.5))

    t_pdf, c_pdf, pdf = timed(lambda: r.pdf(r.dataset(months[-1]), "bench"), repeat=2)
    rows.append(("monthly PDF 2026-10 (dataset + PDF)", t_pdf, c_pdf, 3.0))
    rows.append(("monthly XLSX 2026-10 (dataset + XLSX)", *timed(lambda: r.xlsx(r.dataset(months[-1])), repeat=2)[:2],
                 None))
    year = r.period("2025-01", "2025-12")
    t_year, c_year, _ = timed(lambda: r.dataset(year), repeat=2)
    rows.append(("the year 2025 as one dataset", t_year, c_year, 3.0))
    t_months, c_months, _ = timed(lambda: [r.dataset(r.month(f"2025-{m:02d}")) for m in range(1, 13)], repeat=1)
    rows.append(("the 12 monthly datasets of 2025", t_months, c_months, None))
    rows.append(("the 4 quarterly datasets of 2025",
                 *timed(lambda: [r.dataset(r.quarter(2025, q)) for q in range(1, 5)], repeat=1)[:2], None))
    # the deadline counts of one month, in this run: the previous round's join to the cases + GROUP BY, and
    # the ranges of clocks_unit_due (migration 0049); both must give the same rows
    from xinfang.storage.stats_store import DUTY_STEPS, StatsStore
    stats = StatsStore(ws.store.conn)
    q = {"kind": "clock", "steps": list(DUTY_STEPS), "from": "2026-10-01", "to": "2026-10-31"}
    old_sql = ("SELECT k.step, c.handling_unit, c.channel = ?, count(*), "
               "sum(k.stopped_on IS NOT NULL AND k.stopped_on <= k.due) FROM clocks k INDEXED BY clocks_step_due "
               "JOIN cases c INDEXED BY cases_row_stats ON c.id = k.case_id WHERE k.step IN (%s) AND k.due >= ? "
               "AND k.due <= ? GROUP BY 1, 2, 3" % ",".join("?" * len(DUTY_STEPS)))
    t_old, c_old, old_rows = timed(lambda: ws.store.conn.execute(
        old_sql, ["12345", *DUTY_STEPS, q["from"], q["to"]]).fetchall())
    t_new, c_new, new_rows = timed(lambda: stats.clock_table(q, "12345"))
    same = sorted((a, b, bool(c), n, m or 0) for a, b, c, n, m in old_rows) == sorted(new_rows)
    rows.append(("deadline counts of 2026-10 by step, unit, 12345: join + GROUP BY (before 0049)", t_old, c_old,
                 None))
    rows.append((f"… the same from clocks_unit_due (0049){'' if same else ' — DIFFERENT ROWS'}", t_new, c_new, None))
    d = r.dataset(months[-1])
    leaders = r.leader_items(d) or []
    t_ids, c_ids, ids = timed(lambda: r.case_ids(d["queries"]["control.open_at_end"]))
    rows.append((f"list the cases behind control.open_at_end ({len(ids):,} ids)", t_ids, c_ids, None))

    print(f"cases: {total:,}; database {args.db} ({Path(args.db).stat().st_size / 2**30:.2f} GiB); "
          f"opening (with any migration) {t_open:.1f} s")
    print("load average (1, 5, 15 min) at start: %.1f %.1f %.1f, at end: %.1f %.1f %.1f; %d cores"
          % (*load_start, *os.getloadavg(), os.cpu_count()))
    print(f"2026-10: total {d['total']['count']:,}, open at end {d['control']['open_at_end']:,}, "
          f"units {len(d['units'])}, PDF {len(pdf):,} bytes; 附件2: {len(leaders)} leaders, "
          f"{sum(x['assigned'] for x in leaders):,} 包案 records counted, {sum(len(x['rows']) for x in leaders):,} listed")
    print(f"first pass over the 10 months (page cache cold or warm as found): {t_cold:.2f} s wall, {c_cold:.2f} s CPU")
    print("\n| measure | wall s | CPU s | target | wall | CPU |\n|---|---|---|---|---|---|")
    for name, sec, cpu, target in rows:
        verdict = ("", "") if target is None else tuple("ok" if v <= target else "MISSED" for v in (sec, cpu))
        print(f"| {name} | {sec:.3f} | {cpu:.3f} | {'' if target is None else f'≤ {target:g} s'} | "
              f"{verdict[0]} | {verdict[1]} |")
    print("\n| section of one month's dataset (2026-10) | wall s |\n|---|---|")
    for label, sec in sections.items():
        print(f"| {label} | {sec:.3f} |")
    print(f"\nCPU of the median month by thread: main {month_cpu[mid] - month_helper[mid]:.3f} s, helper "
          f"{month_helper[mid]:.3f} s (on an idle 2-core machine the wall time is about the larger share); "
          f"slowest month: main {month_cpu[worst] - month_helper[worst]:.3f} s, helper {month_helper[worst]:.3f} s")
    m = month_times[mid]
    print(f"\nratios in this run (wall): year dataset / month dataset = {t_year / m:.1f}; "
          f"PDF / month dataset = {t_pdf / m:.1f}; 12 months / year dataset = {t_months / t_year:.1f}; "
          f"wall / CPU of the median month = {m / max(month_cpu[mid], 1e-9):.1f}; deadline counts before / after "
          f"0049 = {t_old / t_new:.1f} (wall), {c_old / max(c_new, 1e-9):.1f} (CPU), same rows: {same}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Ledger and bulk-load safety at 1M cases (issue 6 §1, §2): register p95 with the ledger, `check --anchor`
from a recent anchor, the full `check` (with its worker processes, and CPU seconds so loaded runs can be
read), and the demo load with the safe settings (WAL, synchronous=NORMAL) against the old unsafe ones
(in-memory rollback journal, synchronous=OFF), alternated in the same run for a ratio.

    nice .venv/bin/python bench/bench_ledger.py --db /tmp/ledger-1m.db [--compare 20000] [--rounds 2]
                                                [--skip-full] [--single] [--parts]

`--db` is a COPY of a 1M-case database (e.g. `cp /work/bench1m/base.db /tmp/ledger-1m.db`): the bench
registers 200 cases in it (the register p50/p95 in wall and CPU time are printed in the same run as the
checks). A copy built before migration 0050 is upgraded first (the state digests are sealed: timed). `--single` also times the full check in one process (the ratio of the two)."""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from xinfang.services.demo import generate_demo
from xinfang.services.intake import draft_from_dict
from xinfang.services.workspace import Workspace
from xinfang.storage import bulk

NOW = datetime(2026, 11, 20, 10, 0)


def cpu() -> float:
    """CPU seconds of this process and its finished children (the check's workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def load(path: Path, cases: int, unsafe: bool) -> float:
    """Seconds for a demo load of `cases` into a new file at `path`."""
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    ws = Workspace.open(path, now=lambda: NOW)
    saved = bulk.BULK_SYNCHRONOUS
    if unsafe:                        # what bulk.py did before issue 6 §1
        bulk.BULK_SYNCHRONOUS = "OFF"
        ws.store.conn.execute("PRAGMA journal_mode = MEMORY")
    try:
        t0 = time.perf_counter()
        generate_demo(ws, cases, seed=1, build_index=False, workers=1)
        return time.perf_counter() - t0
    finally:
        bulk.BULK_SYNCHRONOUS = saved
        ws.close()


def register_times(ws: Workspace, n: int = 200) -> tuple[list[float], list[float]]:
    """Sorted wall and CPU seconds of `n` registrations (CPU leaves out waiting for the disk's fsync and
    for a core on a loaded machine)."""
    times, cpus = [], []
    for i in range(n):
        d = draft_from_dict({"channel": "来信", "received_at": "2026-11-19 09:00", "purpose": "申诉求决",
                             "category": "劳动和社会保障/拖欠工资", "summary": f"拖欠工资基准{i}", "content": "工资未付",
                             "demands": "支付", "petitioners": [{"name": f"基准{i}", "phone": f"139{i:08d}"}]})
        t0, c0 = time.perf_counter(), time.thread_time()
        ws.register(d, "bench")
        times.append(time.perf_counter() - t0)
        cpus.append(time.thread_time() - c0)
    return sorted(times), sorted(cpus)


def p95(values: list[float]) -> float:
    return values[int(len(values) * 0.95) - 1] * 1000


def timed(f) -> tuple[object, float, float]:
    t0, c0 = time.perf_counter(), cpu()
    out = f()
    return out, time.perf_counter() - t0, cpu() - c0


def parts(path: str, say) -> None:
    """The full check's parts one after the other, each in this process on a read-only connection (the check runs
    SQLite's own check in a thread beside the rest, and the cases in worker processes)."""
    from xinfang.services import integrity
    from xinfang.storage import digests, verify, verify_engine
    conn = verify_engine.open_file_reader(path)
    conn.execute("BEGIN")
    _, wall, used = timed(lambda: conn.execute("PRAGMA integrity_check").fetchone())
    say("part: SQLite integrity_check (whole file)", f"{wall:.1f} s (CPU {used:.1f} s)")
    _, wall, used = timed(lambda: verify.walk_ledger(conn))
    say("part: ledger walk", f"{wall:.1f} s (CPU {used:.1f} s)")
    _, wall, used = timed(lambda: digests.batch_problems(conn))
    say("part: sealed digests against their batches", f"{wall:.1f} s (CPU {used:.1f} s)")
    lo, hi = verify.case_id_span(conn)
    sample = (lo, lo + 99_999)
    _, wall, used = timed(lambda: integrity.check_cases(conn, None, sample, None, trust=True))
    say("part: cases, fast path (chains + rows' digests), first 100,000 ids", f"{wall:.1f} s (CPU {used:.1f} s)")
    _, wall, used = timed(lambda: integrity.check_cases(conn, None, sample, None, trust=False))
    say("part: cases, replayed (chains + replay of every event), first 100,000 ids", f"{wall:.1f} s (CPU {used:.1f} s)")
    conn.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="a copy of a 1M-case database (it is written to)")
    ap.add_argument("--compare", type=int, default=20_000, help="cases per load in the safe/unsafe comparison")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--skip-full", action="store_true")
    ap.add_argument("--skip-load", action="store_true", help="no safe/unsafe demo load comparison")
    ap.add_argument("--single", action="store_true", help="also time the full check in one process")
    ap.add_argument("--parts", action="store_true", help="also time the check's parts one by one")
    args = ap.parse_args()
    rows = []

    def say(name, value, note=""):
        rows.append((name, value, note))
        print(f"{name}  {value}  {note}  [load {os.getloadavg()[0]:.1f}]", flush=True)

    # a database built before version 50 is upgraded here: its cases' state digests are sealed (from the replay
    # of their events), once; the bench copy skips the pre-migration backup (another 9 GB)
    ws, wall, used = timed(lambda: Workspace.open(args.db, now=lambda: NOW, backup_before_migration=False))
    sealed = ws.store.conn.execute("SELECT count(*) FROM projection_digests").fetchone()[0]
    say(f"open (upgrade: {sealed:,} sealed state digests in the file afterwards)", f"{wall:.1f} s (CPU {used:.1f} s)",
        "one-time, on the first open after the upgrade")
    n = ws.count()
    anchor = ws.anchor()
    times, cpus = register_times(ws)
    say("register one case with the ledger (200×): wall p50 / p95",
        f"{statistics.median(times) * 1000:.1f} / {p95(times):.1f} ms", "≤ 30 ms p95")
    say("the same registrations, CPU p50 / p95", f"{statistics.median(cpus) * 1000:.1f} / {p95(cpus):.1f} ms")
    report, wall, used = timed(lambda: ws.check(anchor=anchor))
    say(f"check --anchor (the 200 cases registered since), {n:,} cases", f"{wall:.2f} s (CPU {used:.2f} s)",
        "ok" if report["ok"] else f"problems: {report['problems'][:3]}")
    if not args.skip_full:
        report, wall, used = timed(lambda: ws.check())
        say(f"full check, {report['cases']:,} cases, {report['ledger_entries']:,} ledger entries, 2 workers",
            f"{wall:.1f} s (CPU {used:.1f} s)", "ok" if report["ok"] else f"problems: {report['problems'][:3]}")
        if args.single:
            report, wall1, used1 = timed(lambda: ws.check(workers=1))
            say("full check in one process (integrity_check still in its thread)",
                f"{wall1:.1f} s (CPU {used1:.1f} s)", f"2 workers / 1: {wall / wall1:.2f}× wall")
    ws.close()
    if args.parts:
        parts(args.db, say)

    if args.skip_load:
        return
    safe, unsafe = [], []
    with tempfile.TemporaryDirectory(dir=os.path.dirname(os.path.abspath(args.db))) as tmp:
        for _ in range(args.rounds):     # alternated, so a change of load hits both alike
            safe.append(load(Path(tmp) / "safe.db", args.compare, unsafe=False))
            unsafe.append(load(Path(tmp) / "unsafe.db", args.compare, unsafe=True))
    s, u = statistics.median(safe), statistics.median(unsafe)
    say(f"demo load {args.compare:,} cases, WAL + synchronous=NORMAL (now), median of {args.rounds}",
        f"{s:.1f} s", f"{args.compare / s:,.0f} cases/s")
    say(f"demo load {args.compare:,} cases, MEMORY journal + synchronous=OFF (before), median of {args.rounds}",
        f"{u:.1f} s", f"{args.compare / u:,.0f} cases/s")
    say("speed given up for a safe load (safe time / unsafe time)", f"{s / u:.2f}×",
        "runs: " + ", ".join(f"{a:.1f}/{b:.1f}" for a, b in zip(safe, unsafe)))
    print()
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"| {name:<{width}} | {value} | {note} |")


if __name__ == "__main__":
    main()

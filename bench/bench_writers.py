"""Many writers on one SQLite file (issue 12 §2 and §5): registration throughput and per-registration wall /
CPU p95 with 1 writer and with 4 concurrent writer processes, in the same run (the ratio is what a loaded
machine cannot distort), plus the cost of the case-version check on an action, and how long the upgrade to
the counters and versions (migrations 0057–0059) takes on an existing database.

    nice .venv/bin/python bench/bench_writers.py --db /tmp/pgmove-1m.db [--each 150] [--rounds 2]
    nice .venv/bin/python bench/bench_writers.py --fresh 20000          # no copy: a new demo database

`--db` is a COPY of a 1M-case database (`cp /work/bench1m/base.db /tmp/pgmove-1m.db`, with -wal/-shm when
present): opening it migrates it (timed, without the pre-upgrade backup copy), then the bench registers
(1 + 4) × each × rounds cases and acts on some of them. Prints a Markdown table."""
from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from xinfang.services.demo import generate_demo
from xinfang.services.intake import draft_from_dict
from xinfang.services.workspace import Workspace

NOW = datetime(2026, 11, 20, 10, 0)


def _now():
    return NOW


def _draft(tag: str, i: int):
    return draft_from_dict({
        "channel": "来信", "received_at": "2026-11-19 09:00", "purpose": "申诉求决",
        "category": "劳动和社会保障/拖欠工资", "summary": f"拖欠工资并发基准{tag}-{i}", "content": "工资未付",
        "demands": "支付工资", "petitioners": [{"name": f"并发{tag}号{i:05d}", "phone": f"13{abs(hash(tag)) % 1000:03d}{i:06d}"}]})


def _writer(path: str, tag: str, each: int, start, results) -> None:
    ws = Workspace.open(path, now=_now, backup_before_migration=False)
    walls, cpus, numbers, errors = [], [], [], []
    start.wait()
    t0 = time.perf_counter()
    for i in range(each):
        w0, c0 = time.perf_counter(), time.process_time()
        try:
            numbers.append(ws.register(_draft(tag, i), f"bench-{tag}").case.number)
        except Exception as exc:      # noqa: BLE001 - counted and shown: a busy timeout is a finding
            errors.append(f"{type(exc).__name__}: {getattr(exc, 'message', exc)}")
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    results.put((tag, walls, cpus, numbers, errors, time.perf_counter() - t0))
    ws.close()


def run_writers(path: str, writers: int, each: int, round_no: int) -> dict:
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(writers), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(path, f"r{round_no}w{writers}-{k}", each, start, results))
             for k in range(writers)]
    for p in procs:
        p.start()
    out = [results.get(timeout=3600) for _ in procs]
    for p in procs:
        p.join()
    walls = sorted(w for _, ws_, _, _, _, _ in out for w in ws_)
    cpus = sorted(c for _, _, cs, _, _, _ in out for c in cs)
    numbers = [n for o in out for n in o[3]]
    errors = [e for o in out for e in o[4]]
    span = max(o[5] for o in out)
    return {"writers": writers, "done": len(numbers), "unique": len(set(numbers)) == len(numbers),
            "errors": errors, "throughput": len(numbers) / span, "p50": statistics.median(walls),
            "p95": walls[int(0.95 * (len(walls) - 1))], "cpu_p95": cpus[int(0.95 * (len(cpus) - 1))],
            "cpu_mean": statistics.mean(cpus)}


def version_check_cost(path: str, n: int = 100) -> tuple[float, float]:
    """Mean CPU ms of an action (直接受理) with the version check, and of the claim statement alone."""
    ws = Workspace.open(path, now=_now, backup_before_migration=False)
    rows = [ws.register(_draft("act", i), "bench-act").case.row for i in range(n)]
    c0 = time.process_time()
    for row in rows:
        ws.act(row, "accept", "bench-act", version=ws.store.load_case(row, with_events=False).version)
    act_ms = (time.process_time() - c0) * 1000 / n
    c0 = time.process_time()
    for row in rows:
        with ws.store.transaction():
            ws.store.claim_case(row, ws.store.one("SELECT version FROM cases WHERE id = ?", (row,)))
    claim_ms = (time.process_time() - c0) * 1000 / n
    ws.close()
    return act_ms, claim_ms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="a COPY of a large database (it is migrated and written to)")
    ap.add_argument("--fresh", type=int, default=0, help="instead: a new demo database with this many cases")
    ap.add_argument("--each", type=int, default=150, help="registrations per writer per round")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    if args.db:
        path = args.db
    else:
        path = str(Path(tempfile.mkdtemp(prefix="bench-writers-")) / "writers.db")
        ws = Workspace.open(path, now=_now)
        generate_demo(ws, cases=args.fresh or 20000, seed=1)
        ws.close()
    w0, c0 = time.perf_counter(), time.process_time()
    ws = Workspace.open(path, now=_now, backup_before_migration=False)
    opened = (time.perf_counter() - w0, time.process_time() - c0)
    cases = ws.count()
    ws.close()
    print(f"database: {path} ({cases:,} cases); open + migrate: {opened[0]:.2f} s wall, {opened[1]:.2f} s CPU; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; {os.cpu_count()} cores\n")
    print("| round | writers | registered | numbers unique | errors | throughput /s | p50 wall ms | p95 wall ms "
          "| p95 CPU ms | mean CPU ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    ratios = []
    for r in range(args.rounds):
        one = run_writers(path, 1, args.each, r)
        four = run_writers(path, 4, args.each, r)
        for x in (one, four):
            print(f"| {r + 1} | {x['writers']} | {x['done']} | {'yes' if x['unique'] else 'NO'} | {len(x['errors'])} "
                  f"| {x['throughput']:.1f} | {x['p50'] * 1000:.1f} | {x['p95'] * 1000:.1f} | {x['cpu_p95'] * 1000:.1f} "
                  f"| {x['cpu_mean'] * 1000:.1f} |")
            for e in sorted(set(x["errors"]))[:3]:
                print(f"|  | error: {e} |")
        ratios.append((four["throughput"] / one["throughput"], four["p95"] / one["p95"]))
    print("\n4 writers ÷ 1 writer, per round (throughput, p95 wall): " +
          "; ".join(f"{t:.2f}×, {p:.2f}×" for t, p in ratios))
    act_ms, claim_ms = version_check_cost(path)
    print(f"直接受理 with the version check: {act_ms:.1f} ms CPU mean; the claim statement alone: {claim_ms:.2f} ms CPU")
    load = os.getloadavg()
    rusage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"load average at the end {load[0]:.1f}; writer processes' CPU {rusage.ru_utime + rusage.ru_stime:.1f} s")
    if not args.db:
        shutil.rmtree(Path(path).parent, ignore_errors=True)


if __name__ == "__main__":
    main()

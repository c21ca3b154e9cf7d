"""`check` on a PostgreSQL server at 1M cases (issue 12): the full check's wall time, the CPU of this process and
its case workers, and the CPU of the server's backends for that database, in one run.

    nice .venv/bin/python bench/bench_check_pg.py [--url URL] [--workers N] [--deep]

`--url` defaults to the shared 1M database (/work/bench1m/pg-ready). The check only reads (one REPEATABLE READ
READ ONLY snapshot): the database is opened WITHOUT migrating, so a shared bench database is not written to.
The server's CPU is the user+system time of the postgres processes serving that database (read from /proc
before and after; other clients of the same database in that time would be counted too)."""
from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from xinfang.services.integrity import Integrity
from xinfang.storage.store import Store

READY = Path("/work/bench1m/pg-ready")


def cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def server_cpu(dbname: str) -> dict[int, float]:
    """CPU seconds of each postgres backend whose process title names `dbname`, by pid."""
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            if not title.startswith("postgres: ") or f" {dbname} " not in title:
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            out[int(proc.name)] = (int(fields[11]) + int(fields[12])) / tick
        except (OSError, IndexError, ValueError):
            continue
    return out


def open_without_migrating(url: str) -> Store:
    """A Store on the server database as it is (the bench must not write to a shared database)."""
    from xinfang.storage.pg import search as pg_search
    from xinfang.storage.pg.connection import PgConnection
    store = Store.__new__(Store)
    store.path, store.conn = url, PgConnection.open(url)
    store.dialect, store.text_index, store.read_only, store.db = store.conn.dialect, pg_search, False, None
    return store


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default=READY.read_text().strip() if READY.exists() else None)
    ap.add_argument("--workers", type=int, default=None)
    ap.add_argument("--deep", action="store_true")
    args = ap.parse_args()
    store = open_without_migrating(args.url)
    dbname = store.one("SELECT current_database()")
    cases = store.total_cases()
    entries = store.one("SELECT coalesce(max(seq), 0) FROM ledger")
    # the backends of the check's connections (one per range of cases) end with them: sample every second and
    # keep each backend's newest figure (at most its last second is missed)
    import threading
    stop = threading.Event()
    before_server = server_cpu(dbname)
    seen = dict(before_server)

    def sample():
        while not stop.wait(1):
            seen.update(server_cpu(dbname))
    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    t0, c0 = time.perf_counter(), cpu()
    report = Integrity(store, workers=args.workers).check(deep=args.deep)
    wall, used = time.perf_counter() - t0, cpu() - c0
    stop.set()
    watcher.join()
    seen.update(server_cpu(dbname))
    server_used = sum(v - before_server.get(pid, 0.0) for pid, v in seen.items())
    store.close()
    rows = [("database", f"{dbname}: {cases:,} cases, {entries:,} ledger entries"),
            ("full check wall", f"{wall:.1f} s"),
            ("client CPU (this process + case workers)", f"{used:.1f} s"),
            ("server CPU (backends of the database, sampled each second)", f"{server_used:.1f} s"),
            ("result", f"ok={report['ok']}, problems={len(report['problems'])}, "
                       f"file check: {report['integrity'][:40]}"),
            ("machine", f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f} at the end")]
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    for p in report["problems"][:10]:
        print("  -", p)


if __name__ == "__main__":
    main()

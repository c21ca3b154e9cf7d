"""Issue 12 §5 at 1,000,000 cases on PostgreSQL: search, registration, 4 concurrent clients, a month's report.

    nice .venv/bin/python bench/bench_pg_speed.py --url "$(cat /work/bench1m/pg-ready)" \
        --sqlite /work/bench1m/base.db [--lite-copy /work/bench1m/pgspeed-lite.db] [--each 150]

`--url`: the shared 1M server database (`base1m`, built by `migrate-to` from base.db); opening it applies this
program's migrations (the first open after 0066 rewrites the search table: minutes). `--sqlite`: base.db,
only READ (`immutable=1`): the same 42 queries on its FTS5 index give the hit counts and first pages to compare
and the ratios. `--lite-copy`: a COPY of base.db already opened once by this program (registration writes to
it): SQLite's single writer beside the server's clients; without it that row is left out.

Sections, each printed as a Markdown table (wall and CPU; CPU = this process + the server backend serving it,
read from /proc, so the server is on this machine):
1. search: the newest 50 (first page) and the count of each query, once to warm, then 3 times timed;
   the answers compared with SQLite's on the same cases (ids up to base.db's last: cases registered by an
   earlier run of this bench are left out of the comparison, not out of the timed statements);
2. register: one client, `--each` registrations, p50/p95 wall and CPU;
3. 4 client processes registering at once on the server vs 1 server client vs SQLite's single writer;
4. a month's report datasets on the server (2026-10; each of 2026-01…10 once, then the slowest timed).
The registered cases are marked `registered_by = 'bench-…'`.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sqlite3
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_foundation import QUERIES, pct, query_class  # noqa: E402
from bench_pg_search import data_queries  # noqa: E402
from xinfang.services.intake import draft_from_dict  # noqa: E402
from xinfang.services.workspace import Workspace  # noqa: E402
from xinfang.storage import search as lite_search  # noqa: E402
from xinfang.storage.pg import search as pg_search  # noqa: E402
from xinfang.storage.store import Store  # noqa: E402

NOW = datetime(2026, 11, 20, 10, 0)
TIMED = 3
TICK = os.sysconf("SC_CLK_TCK")


def _now():
    return NOW


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process on this machine (the server backend of a connection)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


class Meter:
    """Wall and CPU (this process + the backend of `conn`) of one call."""
    def __init__(self, conn):
        self.backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0] if conn is not None else None

    def cpu(self) -> float:
        return time.process_time() + (proc_cpu(self.backend) if self.backend else 0.0)

    def __call__(self, fn, *args):
        c0, t0 = self.cpu(), time.perf_counter()
        out = fn(*args)
        return time.perf_counter() - t0, self.cpu() - c0, out


def ms(x: float) -> str:
    return f"{x * 1000:.1f}"


def open_server(url: str) -> Workspace:
    # Workspace.open takes a URL once the front ends accept servers; on_store works either way
    return Workspace.on_store(Store(url), now=_now)


# ---- 1. search ----------------------------------------------------------------------------------------------
def bench_search(pg, lite: sqlite3.Connection) -> None:
    top = lite.execute("SELECT max(id) FROM cases").fetchone()[0]
    queries = QUERIES + data_queries(lite, random.Random(42))
    meter = Meter(pg)

    def run(sql_params):
        sql, params = sql_params
        return pg.execute(sql.replace("?", "%s"), params).fetchall()

    def pg_first(q):
        st = pg_search.newest_statement(q, 50)
        return [] if st is None else [r[0] for r in run(st)]

    def pg_count(q):
        st = pg_search.count_statement(q)
        return 0 if st is None else run(st)[0][0]

    def pg_same_cases(q):
        """The answers on the cases base.db has (an earlier run's registrations left out); not timed."""
        cond = pg_search.condition(q)
        if cond is None:
            return 0, []
        n = pg.execute(f"SELECT count(*) FROM case_search WHERE {cond[0]} AND case_id <= %s", (*cond[1], top)).fetchone()[0]
        page = [r[0] for r in pg.execute(f"SELECT case_id FROM case_search WHERE {cond[0]} AND case_id <= %s "
                                         "ORDER BY case_id DESC LIMIT 50", (*cond[1], top))]
        return n, page

    def lite_first(q):
        e = lite_search.match_expression(q)
        return [] if e is None else [r[0] for r in lite.execute(
            "SELECT rowid FROM case_search WHERE case_search MATCH ? ORDER BY rowid DESC LIMIT 50", (e,))]

    def lite_count(q):
        e = lite_search.match_expression(q)
        return 0 if e is None else lite.execute("SELECT count(*) FROM case_search WHERE case_search MATCH ?",
                                                (e,)).fetchone()[0]

    lite_meter = Meter(None)
    rows, differs = [], []
    print("\n| query | hits | PG first page ms | PG count ms | PG count CPU ms | SQLite first page ms | SQLite count ms |")
    print("|---|---|---|---|---|---|---|")
    for q in queries:
        rec = {"q": q}
        for name, fn, m in (("pf", pg_first, meter), ("pc", pg_count, meter),
                            ("lf", lite_first, lite_meter), ("lc", lite_count, lite_meter)):
            fn(q)                                       # warm the pages it touches
            samples = [m(fn, q) for _ in range(TIMED)]
            rec[name] = [s[0] for s in samples]
            rec[name + "_cpu"] = [s[1] for s in samples]
            rec[name + "_out"] = samples[-1][2]
        n, page = pg_same_cases(q)
        if n != rec["lc_out"] or page != rec["lf_out"]:
            differs.append(f"{q!r}: PG {n:,} SQLite {rec['lc_out']:,}, first pages {'equal' if page == rec['lf_out'] else 'differ'}")
        rows.append(rec)
        print(f"| {q} | {rec['pc_out']:,} | {ms(max(rec['pf']))} | {ms(max(rec['pc']))} | {ms(max(rec['pc_cpu']))} "
              f"| {ms(max(rec['lf']))} | {ms(max(rec['lc']))} |", flush=True)

    print("\n| class | queries | PG first page p50 / p95 ms | PG count p50 / p95 ms | PG count CPU p95 ms "
          "| SQLite first page p95 ms | SQLite count p95 ms |")
    print("|---|---|---|---|---|---|---|")
    classes: dict[str, list] = {"all": rows}
    for rec in rows:
        classes.setdefault(query_class(rec["q"]), []).append(rec)
    for name in ("all", "1 char", "2 chars", "3–8 chars", "digits / codes"):
        recs = classes.get(name, [])
        if not recs:
            continue

        def s(key):
            return [x for r in recs for x in r[key]]
        print(f"| {name} | {len(recs)} | {ms(pct(s('pf'), 50))} / {ms(pct(s('pf'), 95))} | {ms(pct(s('pc'), 50))} / "
              f"{ms(pct(s('pc'), 95))} | {ms(pct(s('pc_cpu'), 95))} | {ms(pct(s('lf'), 95))} | {ms(pct(s('lc'), 95))} |")
    print(f"\nsame hit count and first page as SQLite (cases up to {top:,}): {len(queries) - len(differs)} of {len(queries)}")
    for d in differs:
        print("  DIFFERS " + d)


# ---- 2./3. registration -------------------------------------------------------------------------------------
def _draft(tag: str, i: int):
    # words no bench query contains, so an earlier run's cases change no count by much
    return draft_from_dict({
        "channel": "来信", "received_at": "2026-11-19 09:00", "purpose": "申诉求决",
        "category": "城乡建设/市政设施", "summary": f"测速登记{tag}第{i}件", "content": "测速用来信",
        "demands": "测速", "petitioners": [{"name": f"测速{tag}", "phone": ""}]})


def _writer(target: str, tag: str, each: int, start, results) -> None:
    if "://" in target or "host=" in target:
        ws = open_server(target)
        meter = Meter(ws.store.conn.raw)
    else:
        ws = Workspace.open(target, now=_now, backup_before_migration=False)
        meter = Meter(None)
    ws.register(_draft(tag, -1), f"bench-{tag}")             # the connection's first statements, not timed
    walls, cpus, numbers = [], [], []
    start.wait()
    t0 = time.perf_counter()
    for i in range(each):
        wall, cpu, reg = meter(ws.register, _draft(tag, i), f"bench-{tag}")
        walls.append(wall)
        cpus.append(cpu)
        numbers.append(reg.case.number)
    results.put((walls, cpus, numbers, time.perf_counter() - t0))
    ws.close()


def run_writers(target: str, writers: int, each: int, tag: str) -> dict:
    ctx = multiprocessing.get_context("spawn")
    start, results = ctx.Barrier(writers), ctx.Queue()
    procs = [ctx.Process(target=_writer, args=(target, f"{tag}-{k}", each, start, results)) for k in range(writers)]
    for p in procs:
        p.start()
    out = [results.get(timeout=1800) for _ in procs]
    for p in procs:
        p.join()
    walls = sorted(w for o in out for w in o[0])
    cpus = sorted(c for o in out for c in o[1])
    numbers = [n for o in out for n in o[2]]
    return {"done": len(numbers), "unique": len(set(numbers)) == len(numbers),
            "throughput": len(numbers) / max(o[3] for o in out), "p50": statistics.median(walls),
            "p95": pct(walls, 95), "cpu_p95": pct(cpus, 95), "cpu_mean": statistics.mean(cpus)}


def bench_writers(url: str, lite_copy: str | None, each: int) -> None:
    stamp = datetime.now().strftime("%H%M%S")
    runs = [("server, 1 client", url, 1), ("server, 4 client processes", url, 4)]
    if lite_copy:
        runs.append(("SQLite, 1 writer (the file's only writer)", lite_copy, 1))
    print("\n| registering | clients | registered | numbers unique | throughput /s | p50 wall ms | p95 wall ms "
          "| p95 CPU ms (client + server) | mean CPU ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for label, target, n in runs:
        x = run_writers(target, n, each, f"{stamp}{'s' if target == url else 'l'}{n}")
        print(f"| {label} | {n} | {x['done']} | {'yes' if x['unique'] else 'NO'} | {x['throughput']:.1f} | "
              f"{ms(x['p50'])} | {ms(x['p95'])} | {ms(x['cpu_p95'])} | {ms(x['cpu_mean'])} |", flush=True)
    if not lite_copy:
        print("(SQLite's single writer: no --lite-copy given)")


# ---- 4. a month's report ------------------------------------------------------------------------------------
def bench_report(ws: Workspace) -> None:
    r = ws.reports
    meter = Meter(ws.store.conn.raw)
    print("\n| report on the server | wall s | CPU s (client + server) | target |\n|---|---|---|---|")
    try:
        firsts = []
        for m in range(1, 11):
            p = r.month(f"2026-{m:02d}")
            firsts.append((meter(r.dataset, p)[0], p))
        worst = max(firsts, key=lambda x: x[0])[1]
        timed = [meter(r.dataset, worst) for _ in range(TIMED)]
        best = min(timed, key=lambda x: x[0])
        print(f"| one month's datasets, each of 2026-01…10 once: slowest first read | {max(f[0] for f in firsts):.2f} | | |")
        print(f"| one month's datasets ({worst.label if hasattr(worst, 'label') else worst}), timed ×{TIMED}: "
              f"best / worst | {best[0]:.2f} / {max(t[0] for t in timed):.2f} | {best[1]:.2f} | ≤ 1 s |")
    except Exception as exc:                      # noqa: BLE001 - reported: the statistics are someone's port
        print(f"| one month's datasets | failed: {type(exc).__name__}: {str(exc)[:200]} | | ≤ 1 s |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="the 1M server database (libpq string or URL)")
    ap.add_argument("--sqlite", required=True, help="base.db: read only (immutable), for the answers and ratios")
    ap.add_argument("--lite-copy", help="a COPY of base.db opened once by this program: SQLite's single writer")
    ap.add_argument("--each", type=int, default=150, help="registrations per client")
    ap.add_argument("--skip", default="", help="comma list of sections to leave out: search,write,report")
    ap.add_argument("--search-table-only", action="store_true",
                    help="--url holds only a loaded case_search table (a design check): search alone, no Store")
    args = ap.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    load0 = os.getloadavg()
    if args.search_table_only:
        import psycopg
        pg = psycopg.connect(args.url, autocommit=True)
        pg.execute("SET work_mem = '32MB'")             # as pg/db.connect does
        print(f"search table only; load average {' '.join(f'{x:.1f}' for x in load0)}; {datetime.now():%Y-%m-%d %H:%M}")
        bench_search(pg, sqlite3.connect(f"file:{args.sqlite}?immutable=1", uri=True))
        return
    t0, c0 = time.perf_counter(), time.process_time()
    ws = open_server(args.url)
    pg = ws.store.conn.raw
    print(f"{pg.execute('SELECT version()').fetchone()[0].split(',')[0]}; {ws.store.total_cases():,} cases; "
          f"open + migrate {time.perf_counter() - t0:.1f} s ({time.process_time() - c0:.1f} s CPU here); "
          f"{os.cpu_count()} cores; load average {' '.join(f'{x:.1f}' for x in load0)}; {datetime.now():%Y-%m-%d %H:%M}")
    lite = sqlite3.connect(f"file:{args.sqlite}?immutable=1", uri=True)
    if "search" not in skip:
        bench_search(pg, lite)
    if "report" not in skip:
        bench_report(ws)
    ws.close()
    if "write" not in skip:
        bench_writers(args.url, args.lite_copy, args.each)
    print(f"\nload average at the end {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"whole bench {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()

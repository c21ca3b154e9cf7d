"""Substring search on PostgreSQL at 1,000,000 cases (issue 12 §1 and §5; not a test).

    nice .venv/bin/python bench/bench_pg_search.py --sqlite /tmp/pg-1m.db [--pg-dir /tmp/xinfang-pg-bench]

`--sqlite` is a copy of a 1M demo database (`xinfang --db F demo --cases 1000000`; never the shared
original). The bench starts its own PostgreSQL server with `.ci/pg` (durable settings) in `--pg-dir`,
loads the search text of every case (storage/pg/search.py: `doc` and `grams`) into `case_search`, builds
the indexes and runs the 40 queries of bench_foundation.py (the same fixed words, plus names, ID-number,
phone and case-number fragments from the data) against:

- PG, the design: 1–2 characters through the GIN index on `grams` (characters and character pairs),
  3+ through pg_trgm's GIN index on `doc`;
- PG, a smaller variant (`--chars-variant`): a GIN index on the distinct characters only, a 2-character
  query as "both characters" plus `doc LIKE` (recheck);
- PG, pg_trgm alone (what 1–2-character queries cost without a per-character index);
- SQLite's FTS5 index of the same file, in the same run (ratios), with the hit counts compared.

Each query runs once to warm, then 3 times timed (first page = the newest 50 ids; count). Prints a table.
The server is stopped at the end; `--keep` leaves the loaded cluster in --pg-dir for another run.
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import psycopg  # noqa: E402

from bench_foundation import QUERIES, ms, pct, query_class  # noqa: E402
from xinfang.storage import search as lite_search  # noqa: E402
from xinfang.storage.pg import search as pg_search  # noqa: E402

TIMED_RUNS = 3


def start_server(folder: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "XINFANG_PG_FAST"}
    out = subprocess.run(["bash", str(ROOT / ".ci/pg"), "start", str(folder)], env=env, check=True,
                         capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def stop_server(folder: Path) -> None:
    subprocess.run(["bash", str(ROOT / ".ci/pg"), "stop", str(folder)], check=False)


def documents(lite: sqlite3.Connection, lo: int, hi: int, chars: bool):
    """(case_id, doc, grams[, chars]) of the cases lo <= id < hi, with the fields storage.store.index_case
    indexes."""
    people = lite.execute("SELECT case_id, name, id_number, phone FROM petitioners WHERE case_id >= ? AND "
                          "case_id < ? ORDER BY case_id, pos", (lo, hi))
    pending = people.fetchone()
    for cid, number, order_no, summary, content, demands, place, category in lite.execute(
            "SELECT id, number, work_order_no, summary, content, demands, place, category FROM cases "
            "WHERE id >= ? AND id < ? ORDER BY id", (lo, hi)):
        names, ids = [], []
        while pending is not None and pending[0] < cid:
            pending = people.fetchone()
        while pending is not None and pending[0] == cid:
            names.append(pending[1])
            ids += [x for x in (pending[2], pending[3]) if x]
            pending = people.fetchone()
        doc, grams = pg_search.document(number, names, ids + [order_no], [summary, content, demands, place, category])
        yield (cid, doc, grams, [g for g in grams if len(g) == 1]) if chars else (cid, doc, grams)


def _copy_part(args: tuple) -> int:
    """One worker: fold the cases of one id range and COPY them over its own connection."""
    sqlite_path, conninfo, lo, hi, chars = args
    lite = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    columns = "case_id, doc, grams" + (", chars" if chars else "")
    n = 0
    with psycopg.connect(conninfo, autocommit=True) as pg, pg.cursor() as cur, \
            cur.copy(f"COPY case_search ({columns}) FROM STDIN") as copy:
        for rec in documents(lite, lo, hi, chars):
            copy.write_row(rec)
            n += 1
    return n


def load(pg: psycopg.Connection, conninfo: str, sqlite_path: Path, total: int, chars: bool, workers: int) -> dict:
    pg.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    pg.execute("DROP TABLE IF EXISTS case_search")
    # as in schema.postgres.sql (no FK: only the search text is loaded), plus `chars` for the smaller variant
    pg.execute("CREATE TABLE case_search (case_id bigint PRIMARY KEY, doc text NOT NULL, grams text[] NOT NULL"
               + (", chars text[] NOT NULL" if chars else "") + ")")
    lite = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    top = lite.execute("SELECT max(id) FROM cases").fetchone()[0] + 1
    step = 50_000
    parts = [(str(sqlite_path), conninfo, lo, min(lo + step, top), chars) for lo in range(1, top, step)]
    t = time.perf_counter()
    done = 0
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for n in pool.imap_unordered(_copy_part, parts):
            done += n
            print(f"  … {done:,}/{total:,} rows after {time.perf_counter() - t:.0f} s", flush=True)
    return {f"load (fold in Python + COPY, {workers} processes)": time.perf_counter() - t}


INDEXES = {
    "design": [("index doc gin_trgm_ops", "case_search_doc", "USING gin (doc gin_trgm_ops)"),
               ("index grams (chars + pairs)", "case_search_grams", "USING gin (grams)")],
    "chars": [("index chars only", "case_search_chars", "USING gin (chars)")],
}


def _create_index(conninfo: str, label: str, name: str, how: str) -> tuple[str, float]:
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '512MB'")
        t = time.perf_counter()
        conn.execute(f"CREATE INDEX {name} ON case_search {how}")
        return label, time.perf_counter() - t


def build_indexes(pg: psycopg.Connection, conninfo: str, variants: list[str]) -> dict:
    """The indexes the variants need and do not have yet, each built on its own connection at the same
    time (a run killed during an index build resumes here)."""
    timings = {}
    have = {r[0] for r in pg.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'case_search'")}
    todo = [ix for v in variants for ix in INDEXES.get(v, []) if ix[1] not in have]
    if todo:
        t = time.perf_counter()
        with ThreadPoolExecutor(len(todo)) as pool:
            for label, seconds in pool.map(lambda ix: _create_index(conninfo, *ix), todo):
                timings[label] = seconds
                print(f"  {label}: {seconds:.1f} s", flush=True)
        timings["all indexes, built at the same time"] = time.perf_counter() - t
    if todo or not pg.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'case_search'").fetchone()[0]:
        t = time.perf_counter()
        pg.execute("VACUUM ANALYZE case_search")
        timings["VACUUM ANALYZE"] = time.perf_counter() - t
    return timings


def data_queries(lite: sqlite3.Connection, rng: random.Random) -> list[str]:
    """Names, ID-number, phone and case-number fragments, chosen as bench_foundation.data_queries does."""
    n = lite.execute("SELECT max(id) FROM cases").fetchone()[0]
    out = []
    for _ in range(3):
        r = lite.execute("SELECT name, id_number, phone FROM petitioners WHERE case_id = ? AND kind = '个人' "
                         "AND name <> '' LIMIT 1", (rng.randint(1, n),)).fetchall()
        if r:
            name, idn, phone = r[0]
            out.append(name)
            if idn:
                out += [idn[-6:], idn[:10]]
            if phone:
                out.append(phone[-4:] if len(out) % 2 else phone[3:8])
    number = lite.execute("SELECT number FROM cases WHERE id = ?", (rng.randint(1, n),)).fetchone()[0]
    return out + [number, number[-6:], "GD2026"]


def timed(run, *args):
    run(*args)                                          # warm the pages this query touches
    samples, result = [], None
    for _ in range(TIMED_RUNS):
        t = time.perf_counter()
        result = run(*args)
        samples.append(time.perf_counter() - t)
    return samples, result


def pg_runner(pg: psycopg.Connection, variant: str):
    def where(q: str) -> tuple[str, tuple] | None:
        norm = lite_search.normalise_query(q)
        if not norm:
            return None
        if variant == "design":
            return pg_search.condition(q)
        if variant == "chars" and len(norm) <= 2:
            return ("chars @> %s::text[] AND doc LIKE %s", (list(norm), f"%{norm}%"))
        return ("doc LIKE %s", (f"%{norm}%",))        # pg_trgm alone (and the design for 3+)

    def first(q: str) -> list[int]:
        w = where(q)
        return [] if w is None else [r[0] for r in pg.execute(
            f"SELECT case_id FROM case_search WHERE {w[0]} ORDER BY case_id DESC LIMIT 50", w[1])]

    def count(q: str) -> int:
        w = where(q)
        return 0 if w is None else pg.execute(f"SELECT count(*) FROM case_search WHERE {w[0]}", w[1]).fetchone()[0]
    return first, count


def lite_runner(lite: sqlite3.Connection):
    # the queries storage.store.Store.first_page/count run for a text-only filter
    def first(q: str) -> list[int]:
        e = lite_search.match_expression(q)
        return [] if e is None else [r[0] for r in lite.execute(
            "SELECT rowid FROM case_search WHERE case_search MATCH ? ORDER BY rowid DESC LIMIT 50", (e,))]

    def count(q: str) -> int:
        e = lite_search.match_expression(q)
        return 0 if e is None else lite.execute("SELECT count(*) FROM case_search WHERE case_search MATCH ?",
                                                (e,)).fetchone()[0]
    return first, count


def sizes(pg: psycopg.Connection) -> list[tuple[str, int]]:
    # a table's own size (heap + TOAST) apart from its indexes
    return pg.execute("SELECT relname, CASE relkind WHEN 'r' THEN pg_table_size(oid) ELSE pg_relation_size(oid) END "
                      "FROM pg_class WHERE relname IN "
                      "('case_search', 'case_search_doc', 'case_search_grams', 'case_search_chars', "
                      "'case_search_pkey') ORDER BY relname").fetchall()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sqlite", type=Path, required=True, help="a copy of a 1M-case xinfang database")
    ap.add_argument("--pg-dir", type=Path, default=Path("/tmp/xinfang-pg-bench"))
    ap.add_argument("--keep", action="store_true", help="leave the server's folder for the next run")
    ap.add_argument("--workers", type=int, default=2, help="processes folding and copying the text")
    ap.add_argument("--chars-variant", action="store_true",
                    help="also build and time the characters-only index (slow at 1M; see RESULTS.md at 20k)")
    ap.add_argument("--trgm-only-queries", type=int, default=4,
                    help="how many 1–2-character queries to time with pg_trgm alone (each can take seconds)")
    args = ap.parse_args()

    lite = sqlite3.connect(f"file:{args.sqlite}?mode=ro", uri=True)
    total = lite.execute("SELECT count(*) FROM cases").fetchone()[0]
    print(f"SQLite copy: {args.sqlite} ({total:,} cases); load average {os.getloadavg()[0]:.1f}", flush=True)
    conninfo = start_server(args.pg_dir)
    try:
        admin = psycopg.connect(conninfo, autocommit=True)
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = 'bench'").fetchone():
            admin.execute("CREATE DATABASE bench TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'")
        pg = psycopg.connect(conninfo.replace("dbname=postgres", "dbname=bench"), autocommit=True)
        print(pg.execute("SELECT version()").fetchone()[0])
        loaded = pg.execute("SELECT to_regclass('case_search') IS NOT NULL").fetchone()[0] and \
            pg.execute("SELECT count(*) FROM case_search").fetchone()[0] == total
        timings = {} if loaded else load(pg, conninfo.replace("dbname=postgres", "dbname=bench"), args.sqlite,
                                         total, args.chars_variant, args.workers)
        variants = ["design"] + (["chars"] if args.chars_variant else [])
        timings.update(build_indexes(pg, conninfo.replace("dbname=postgres", "dbname=bench"), variants))
        pg.execute("SET work_mem = '64MB'")             # a bitmap of 1M rows stays exact (no lossy recheck)
        run(pg, lite, timings, args.trgm_only_queries, variants)
    finally:
        stop_server(args.pg_dir)
        if not args.keep:
            subprocess.run(["rm", "-rf", str(args.pg_dir)], check=False)


def run(pg: psycopg.Connection, lite: sqlite3.Connection, timings: dict, trgm_queries: int,
        variants: list[str]) -> None:
    for name, seconds in timings.items():
        print(f"  build: {name:<34} {seconds:8.1f} s")
    for name, size in sizes(pg):
        print(f"  size: {name:<35} {size / 2**20:8.0f} MiB")
    queries = QUERIES + data_queries(lite, random.Random(42))
    engines = {"PG design": pg_runner(pg, "design"), "SQLite FTS5": lite_runner(lite)}
    if "chars" in variants:
        engines = {"PG design": engines["PG design"], "PG chars-only": pg_runner(pg, "chars"),
                   "SQLite FTS5": engines["SQLite FTS5"]}
    results: dict[str, dict[str, tuple]] = {e: {} for e in engines}
    for q in queries:
        line = [f"{q!r:<24}"]
        for engine, (first, count) in engines.items():
            if engine == "PG chars-only" and len(lite_search.normalise_query(q)) > 2:
                continue                                 # the same query as the design for 3+ characters
            f_samples, f_ids = timed(first, q)
            c_samples, n = timed(count, q)
            results[engine][q] = (f_samples, c_samples, n, f_ids)
            line.append(f"{engine}: {ms(max(f_samples)):>9} {ms(max(c_samples)):>9} {n:>8,}")
        print("  " + " | ".join(line), flush=True)

    print("\n| engine | class | queries | first page p50 | first page p95 | count p50 | count p95 |")
    print("|---|---|---|---|---|---|---|")
    for engine, per_query in results.items():
        classes: dict[str, list] = {"all": []}
        for q, rec in per_query.items():
            classes.setdefault(query_class(q), []).append(rec)
            classes["all"].append(rec)
        for name in ("all", "1 char", "2 chars", "3–8 chars", "digits / codes"):
            recs = classes.get(name)
            if not recs:
                continue
            f = [s for r in recs for s in r[0]]
            c = [s for r in recs for s in r[1]]
            print(f"| {engine} | {name} | {len(recs)} | {ms(pct(f, 50))} | {ms(pct(f, 95))} | "
                  f"{ms(pct(c, 50))} | {ms(pct(c, 95))} |")

    design, lite_res = results["PG design"], results["SQLite FTS5"]
    same_count = [q for q in queries if design[q][2] == lite_res[q][2]]
    same_page = [q for q in queries if design[q][3] == lite_res[q][3]]
    print(f"\nsame count as SQLite: {len(same_count)}/{len(queries)}; same first page: {len(same_page)}/{len(queries)}")
    for q in queries:
        if design[q][2] != lite_res[q][2]:
            print(f"  differs: {q!r}: PG {design[q][2]:,} SQLite {lite_res[q][2]:,}")

    trgm_first, trgm_count = pg_runner(pg, "trgm")
    pg.execute("SET statement_timeout = '120s'")
    short = [q for q in queries if len(lite_search.normalise_query(q)) <= 2]
    for q in short[:trgm_queries // 2] + short[len(short) - trgm_queries // 2:]:
        t = time.perf_counter()
        n = trgm_count(q)
        c = time.perf_counter() - t
        t = time.perf_counter()
        trgm_first(q)
        f = time.perf_counter() - t
        print(f"  pg_trgm alone, {q!r}: first page {ms(f)}, count {ms(c)} ({n:,})")
    plan = pg.execute("EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM case_search WHERE grams @> ARRAY['王']::text[]")
    print("\n".join("    " + r[0] for r in plan.fetchall()))


if __name__ == "__main__":
    main()

"""Orchestration: cases generated in batches, in this process or in forked workers that each write a
transport file (storage.bulk) copied in batch order; `generate_demo` and the search index (`index_demo`)."""
from __future__ import annotations

import os
import random
import shutil
import sys
import tempfile
import time
from typing import Callable

from ...domain.problems import DomainError
from ...storage import bulk, digests
from .case import _base, _Case
from .context import _OISO, _context, _Ctx, _mix
from .lifecycle import _lifecycle
from .pools import CLERKS
from .repeats import _is_repeat, _make_repeat

Progress = Callable[[int, int], "bool | None"]

_CTX: _Ctx | None = None


def _generate(ctx: _Ctx, i: int) -> _Case:
    c = _base(ctx, i)
    if _is_repeat(ctx, i):
        _make_repeat(ctx, c, random.Random(_mix(ctx.mix_key ^ i ^ 0xABCDEF)))
    _lifecycle(ctx, c)
    return c


def _chunk(ctx: _Ctx, lo: int, hi: int) -> tuple[list, list, list, list, list]:
    cases, pets, clocks, events, repeats = [], [], [], [], []
    oiso = _OISO
    for i in range(lo, hi):
        c = _generate(ctx, i)
        cases.append(c.row)
        cid = c.id
        people = c.people
        if len(people) == 1:
            pets.append((cid, 0) + people[0])
        else:
            pets.extend((cid, pos) + p for pos, p in enumerate(people))
        clocks.extend((cid, k, oiso[v[0]], v[1], v[2], int(v[3]), v[4], v[5], oiso[v[6]],
                       oiso[v[7]] if v[7] else None) for k, v in c.clocks.items())
        events.extend(c.events)
        repeats.extend(c.repeat_rows)
    return cases, pets, clocks, events, repeats


def _tally(counts: dict, statuses: dict, cs, ps, cl, ev, rp) -> None:
    """Add one generated chunk to the row counts and the status histogram."""
    counts["cases"] += len(cs)
    counts["petitioners"] += len(ps)
    counts["clocks"] += len(cl)
    counts["events"] += len(ev)
    counts["repeats"] += len(rp)
    for row in cs:
        statuses[row[26]] = statuses.get(row[26], 0) + 1
        counts["no_longer_candidates"] += row[31]


def _chunk_worker(args: tuple[int, int]):
    return _chunk(_CTX, *args)


def _file_worker(args: tuple[int, int, str]) -> dict:
    """Generate cases lo..hi-1 into the transport file `path` (storage.bulk); returns the counts."""
    lo, hi, path = args
    ctx = _CTX
    out = {"path": path, "cases": 0, "petitioners": 0, "clocks": 0, "events": 0, "repeats": 0,
           "no_longer_candidates": 0, "statuses": {}}
    statuses = out["statuses"]
    conn = bulk.transport_create(path)
    try:
        for a in range(lo, hi, 5_000):
            cs, ps, cl, ev, rp = _chunk(ctx, a, min(hi, a + 5_000))
            bulk.transport_insert(conn, cs, ps, cl, ev, rp)
            _tally(out, statuses, cs, ps, cl, ev, rp)
    finally:
        bulk.transport_close(conn)
    return out


def _docs_worker(rows):
    return bulk.documents(rows), len(rows)


def _server_docs_worker(rows):
    return bulk.server_documents(rows), len(rows)


# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------
def _pool(workers: int):
    import multiprocessing
    return multiprocessing.get_context("fork").Pool(workers)


def _auto_workers(cases: int) -> int:
    if cases < 50_000 or getattr(sys, "frozen", False) or not hasattr(os, "fork"):
        return 1
    return max(1, min(2, os.cpu_count() or 1))


def generate_demo(ws, cases: int, seed: int = 1, build_index: bool = True,
                  progress: Progress | None = None, *, workers: int | None = None, chunk: int | None = None) -> dict:
    """Fill the workspace with `cases` realistic demo petitions; deterministic for (seed, cases, ws.now()).

    `progress(done, total)` is called after each batch with total = cases (twice that with the search index,
    whose batches count on from the generated cases up to total); returning False stops generating — the
    cases written so far stay, consistent and indexed (the search-index phase itself is not interrupted). `workers` generate rows in
    forked processes (default: 2 for ≥ 50,000 cases on a multi-core POSIX machine, else 1).

    Returns {"cases", "events", "petitioners", "repeats", "clocks", "no_longer_candidates", "statuses",
    "seconds_insert" (rows and B-tree indexes), "seconds_indexes" (B-tree rebuild, part of seconds_insert),
    "seconds_copy" / "seconds_wait" (main process copying worker files / waiting for them), "seconds_seal"
    (state digests, storage/digests.py), "seconds_index"
    (search index), "rate_per_s", "cancelled"}."""
    global _CTX
    from ..access import DEMO
    ws.access.require(DEMO)
    if cases < 0:
        raise ValueError("cases must be >= 0")
    t0 = time.perf_counter()
    ctx = _context(ws, max(cases, 1), seed)
    if cases and ws.store.find_row(_base(ctx, 0).uuid) is not None:
        # the same seed makes the same case identities: refuse rather than collide half-way
        raise DomainError(f"本数据库已有用种子 {seed} 生成的演示数据，再次生成会重复；"
                          f"请换一个种子（如 --seed {seed + 1}）")
    _CTX = ctx
    conn = ws.store.conn
    first_id = ctx.base_id
    workers = _auto_workers(cases) if workers is None else max(1, workers)
    parallel = workers > 1 and cases > (chunk or 20_000)
    step = chunk or (20_000 if parallel else 2_000 if cases <= 20_000 else 10_000)
    ranges = [(lo, min(cases, lo + step)) for lo in range(0, cases, step)]
    total_progress = cases * (2 if build_index else 1)
    stats = {"cases": 0, "events": 0, "petitioners": 0, "repeats": 0, "clocks": 0, "no_longer_candidates": 0,
             "statuses": {}, "cancelled": False, "seconds_copy": 0.0, "seconds_wait": 0.0, "seconds_seal": 0.0}
    statuses: dict[str, int] = {}
    pool = _pool(workers) if parallel else None
    tmpdir = tempfile.mkdtemp(prefix="xinfang-demo-") if parallel else None
    try:
        now_s = ws.now().isoformat()
        with bulk.bulk_mode(conn) as info:
            bulk.begin(conn)
            bulk.insert_users(conn, [(login, name, "登记", now_s) for login, name in CLERKS])
            if pool is not None:
                # each worker generates AND writes its share (a transport file per batch); this process only
                # copies the files in order with INSERT … SELECT, so Python's per-row binding runs on all cores
                bulk.commit(conn)
                tasks = [(lo, hi, os.path.join(tmpdir, f"{lo:09d}.db")) for lo, hi in ranges]
                t_wait = time.perf_counter()
                for res in _ordered(pool, _file_worker, tasks, workers * 2):
                    t_copy = time.perf_counter()
                    stats["seconds_wait"] += t_copy - t_wait
                    bulk.copy_transport(conn, res["path"])
                    t_wait = time.perf_counter()
                    stats["seconds_copy"] += t_wait - t_copy
                    for key in ("cases", "petitioners", "clocks", "events", "repeats", "no_longer_candidates"):
                        stats[key] += res[key]
                    for st, n in res["statuses"].items():
                        statuses[st] = statuses.get(st, 0) + n
                    if progress is not None and progress(stats["cases"], total_progress) is False:
                        stats["cancelled"] = True
                        break
                bulk.begin(conn)
            else:
                pending = 0
                for cs, ps, cl, ev, rp in (_chunk(ctx, lo, hi) for lo, hi in ranges):
                    bulk.insert_cases(conn, cs)
                    bulk.insert_petitioners(conn, ps)
                    bulk.insert_clocks(conn, cl)
                    bulk.insert_events(conn, ev)
                    bulk.insert_repeats(conn, rp)
                    _tally(stats, statuses, cs, ps, cl, ev, rp)
                    pending += len(cs)
                    if pending >= 100_000:
                        bulk.commit(conn)
                        bulk.begin(conn)
                        pending = 0
                    if progress is not None and progress(stats["cases"], total_progress) is False:
                        stats["cancelled"] = True
                        break
            bulk.commit(conn)
        stats["seconds_indexes"] = info["seconds_indexes"]
        t1 = time.perf_counter()
        stats["seconds_insert"] = t1 - t0
        stats["seconds_index"] = 0.0
        if build_index and stats["cases"]:
            stats["seconds_index"] = index_demo(
                ws, after_id=first_id, pool=pool,
                progress=(lambda d, t: progress(
                    stats["cases"] + (d * (total_progress - stats["cases"])) // max(t, 1), total_progress))
                if progress else None)
    finally:
        if pool is not None:
            pool.terminate()
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
        _CTX = None
    if stats["cases"]:
        # the run is a record in the ledger: which case ids it wrote (清除演示数据 reads it, services/demo_data.py)
        from ..demo_data import record_load
        with ws.store.transaction():
            record_load(conn, seed, first_id + 1, first_id + stats["cases"], ws.now(), ws.access.actor("demo"))
        # the loaded cases' state digests, so that check need not replay them (storage/digests.py); a load killed
        # before this only makes check slower for them
        # (SQLite only: sealing reads the rows with SQLite's own text functions; on a server check replays them)
        t_seal = time.perf_counter()
        if not ws.store.dialect.server:
            digests.seal(conn, ws.now(), first_id=first_id + 1)
        stats["seconds_seal"] = time.perf_counter() - t_seal
    stats["statuses"] = dict(sorted(statuses.items()))
    stats["rate_per_s"] = stats["cases"] / stats["seconds_insert"] if stats["seconds_insert"] else 0.0
    return stats


def _ordered(pool, fn, items, ahead: int):
    """pool.imap with at most `ahead` results in flight (bounded memory)."""
    queue = []
    it = iter(items)
    for item in it:
        queue.append(pool.apply_async(fn, (item,)))
        if len(queue) >= ahead:
            break
    while queue:
        res = queue.pop(0).get()
        nxt = next(it, None)
        if nxt is not None:
            queue.append(pool.apply_async(fn, (nxt,)))
        yield res


def index_demo(ws, after_id: int = 0, batch: int = 10_000, pool=None,
               progress: Progress | None = None) -> float:
    """Build the search index for cases with id > after_id (bulk-loaded without it); returns seconds."""
    t0 = time.perf_counter()
    conn = ws.store.conn
    total = bulk.max_case_id(conn) - after_id
    done = 0
    with bulk.bulk_mode(conn, drop_indexes=False):
        bulk.begin(conn)
        last = after_id

        def batches():
            nonlocal last
            while True:
                rows = bulk.search_rows(conn, last, batch)
                if not rows:
                    return
                last = rows[-1][0]
                yield rows

        worker = _server_docs_worker if ws.store.dialect.server else _docs_worker
        if pool is None:
            docs_iter = (worker(rows) for rows in batches())
        else:
            docs_iter = _ordered(pool, worker, batches(), 4)
        for docs, n in docs_iter:
            bulk.insert_search(conn, docs)
            done += n
            if progress is not None:
                progress(min(done, total), total)
        bulk.commit(conn)
    return time.perf_counter() - t0

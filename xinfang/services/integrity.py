"""数据完整性: the anchor of the ledger and the check of the whole database (or of what came after an anchor).

`ws.integrity.check()` verifies, with progress: SQLite's integrity (quick_check; `deep=True`: integrity_check); the append-only triggers are the shipped
ones; the global ledger has no gap and every hash follows from the previous one; every event is in the ledger;
every record's own chain verifies and ends where its row says (count and head); the search index covers every
case. `check(anchor="SEQ:HASH")` first requires the ledger to still pass through that point unchanged, then
checks only what came after it (entries, and the records they touched)."""
from __future__ import annotations

import os
import re
import sys
from typing import Any, Callable

from ..domain.problems import DomainError
from ..storage import (digests, ledger, mediation_store, projection, reindex, verify, verify_engine,
                       verify_fast, verify_records)

Progress = Callable[[int, int], Any]

# What the chain cannot show without an anchor kept outside the PC (README, 数据完整性).
LIMITS = ("没有外部锚点时，能改写数据库文件的人可以从某一条起重新计算此后全部事件和账本的哈希"
          "（或删除最新的若干条并重算），这样的改写本检查发现不了；"
          "把“锚点”抄在纸上或报给另一单位，日后用 --anchor 核对，即可发现锚点之前的任何改动。")

# Projection parts in the words of the office (check reports).
FIELD_LABELS = {
    "status": "状态", "handling_unit": "承办单位", "disposition": "处置方式", "petitioners": "信访人",
    "clocks": "期限", "route": "分流结果", "restricted": "保密标记", "outcome": "答复意见", "rating": "评价",
    "closure_reason": "终结理由", "closed_at": "终结时间", "next_due": "下一到期日", "next_step": "下一环节",
    "summary": "主要诉求", "content": "事实与理由", "demands": "诉求", "category": "类别", "number": "编号",
    "received_at": "收到时间", "channel": "来源", "petitioner_names": "信访人姓名", "repeats": "重复件关联",
    "attachments": "附件", "headcount": "人数", "office": "登记单位", "repeat_of": "重复件",
}

# What an anchored check reports for SQLite's whole-file integrity (it looks only after the anchor).
INTEGRITY_SKIPPED = "未做（从锚点起的核对只查锚点之后的记录，全库完整性由完整检查核对）"

_ANCHOR = re.compile(r"^\s*(\d+)\s*:\s*([0-9a-fA-F]{64})\s*$")


def parse_anchor(text: str) -> tuple[int, str]:
    m = _ANCHOR.match(text or "")
    if not m:
        raise DomainError(f"锚点“{text}”格式不对，应为“序号:64位哈希”，如 128734:9f2c…（由 check --json 输出）")
    return int(m.group(1)), m.group(2).lower()


class Integrity:
    def __init__(self, store, workers: int | None = None):
        self.store = store
        self.workers = workers          # processes replaying cases in a full check; None: by size and machine
        self._workers = workers
        self._trust = True              # the sealed digests verified (set by each check)
        self._reader = None             # how case workers read the check's snapshot (set by each check)

    @property
    def conn(self):
        return self.store.conn

    def anchor(self) -> str:
        """The ledger head as "SEQ:HASH" (what an office writes down or sends away)."""
        seq, h = ledger.head(self.conn)
        return f"{seq}:{h}"

    def reindex(self, progress: Progress | None = None, batch: int = 10_000) -> int:
        """Rebuild the search index of every case, in one transaction (a kill leaves the old index whole);
        returns how many cases were indexed."""
        conn = self.conn
        with self.store.transaction():
            done = reindex.rebuild_case_search(conn, self.store.text_index, self.store.total_cases(), progress, batch)
            mediation_store.rebuild_search(conn)       # the disputes' index is rebuilt in the same step
        return done

    def check(self, anchor: str | None = None, progress: Progress | None = None,
              workers: int | None = None, deep: bool = False) -> dict:
        """See the module text; `workers`: processes replaying the cases of a full check (None: two from
        50,000 cases on a multi-core machine, else none); `deep`: SQLite's integrity_check, which also
        matches every index entry with its row, instead of its quick_check (2–3 more minutes at 1M cases)."""
        conn = self.conn
        self._workers = workers if workers is not None else self.workers
        start = parse_anchor(anchor) if anchor else (0, ledger.GENESIS)
        # the engine's own check of its files runs beside the walk (a thread, a second core); an anchored check
        # looks only at what came after the anchor, so it leaves that to the full check
        background = None if anchor else verify_engine.background_check(conn, self.store.path,
                                                                         self.store.read_only, deep=deep)
        try:
            # one snapshot for every query of the walk (writers go on meanwhile); the workers read it too
            with verify_engine.snapshot(conn, self.store.path, self.store.read_only) as self._reader:
                report = self._check(anchor, start, progress)
            report["integrity"] = background.get() if background else INTEGRITY_SKIPPED
            report["integrity_kind"] = background.kind if background else verify_engine.KINDS["anchor"]
            report["integrity_of"] = "数据库服务器" if verify_engine.is_server(conn) else "SQLite 文件"
        except BaseException:
            if background is not None:
                background.cancel()
            raise
        if progress is not None:
            progress(1, 1)
        if report["integrity"] != "ok" and report["integrity"] != INTEGRITY_SKIPPED and \
                not verify_engine.owned_by_server(report["integrity"]):
            report["problems"].insert(0, f"{background.problem}{report['integrity']}")
            report["ok"] = False
        return report

    def _check(self, anchor: str | None, start: tuple[int, str], progress: Progress | None) -> dict:
        conn = self.conn
        problems: list[str] = []
        integrity = INTEGRITY_SKIPPED
        problems += verify.trigger_problems(conn)
        anchor_ok = None
        if anchor:
            at = verify.entry_at(conn, start[0])
            anchor_ok = at == start[1]
            if at is None:
                problems.append(f"锚点 {start[0]} 已不在账本中（账本被删减）")
            elif not anchor_ok:
                problems.append(f"账本第 {start[0]} 条已不是锚点记下的内容（锚点之前的记录被改写）")
        entries = verify.ledger_count(conn, start[0])
        cases = self.store.total_cases()
        total = entries + (cases if not anchor else 0) + 1
        done = 0

        def step(d, _t):
            if progress is not None:
                progress(min(done + d, total - 1), total)

        if anchor_ok is False:          # nothing after a broken anchor can be trusted: say so and stop
            return self._report(problems, [], integrity, cases, start, 0)
        # the sealed digests, all verified, let the full check hash each case's rows instead of replaying it; a
        # sealed digest changed behind the program's back vouches for nothing, so then every case is replayed.
        # An anchored check replays the few cases it looks at.
        sealed_problems = [] if anchor else digests.batch_problems(conn)
        self._trust = not anchor and not sealed_problems
        # a full check's case workers start now and run beside the walk: together with SQLite's own check in
        # its thread that keeps both cores busy from the start (at 1M: 123 s → see bench/RESULTS.md)
        started = None if anchor else self._start_cases(cases)
        try:
            walk = verify.walk_ledger(conn, *start, progress=step)
            problems += walk.problems
            done += entries
            since = verify.event_ids_at(conn, start[0])
            problems += verify.unledgered_events(conn, since, walk.kinds)
            problems += verify.purge_problems(conn)
            problems += sealed_problems
            case_ids, records = verify.touched_since(conn, since) if anchor else (None, None)
            # the rest of the check runs while the workers (if any) still check cases; its findings are listed
            # after theirs, as always
            clock_owners = list(verify.clock_owner_problems(conn, case_ids))
            rest = self._records_and_search(case_ids, records)
            broken = self._cases(started, case_ids, problems, step if not anchor else None)
        except BaseException:
            _stop(started)
            raise
        for number, problem in clock_owners:
            if number not in broken:
                broken.append(number)
            if len(problems) < 200:
                problems.append(problem)
        done += cases if not anchor else 0
        more, missing = rest
        problems += more
        return self._report(problems, broken, integrity, cases, start, missing)

    def _records_and_search(self, case_ids: list[int] | None, records: dict | None) -> tuple[list[str], int]:
        """The other records' chains and replays, the projections' shipped definitions, and the search indexes
        (all cases, or those of an anchored check); returns the findings and the count of unindexed cases."""
        conn = self.conn
        problems: list[str] = []
        for kind_name in ledger.KINDS:
            if kind_name == "case":
                continue
            wanted = None if records is None else set(records[kind_name])
            for key, n, h, events in verify.record_chains(conn, kind_name):
                if wanted is not None and key not in wanted:
                    continue
                problems += verify.chain_problems(f"{ledger.KINDS[kind_name].label} {key}", key, kind_name,
                                                  events, n, h)
        problems += verify.projection_problems(conn)
        problems += verify_records.problems(conn, records)     # disputes, the small 积案 kinds, passwords
        missing, missing_numbers = verify.missing_from_search(conn) if case_ids is None else \
            verify.missing_from_search_among(conn, case_ids)
        if missing:
            problems.append(f"有 {missing} 件案件不在搜索索引中（如 {'、'.join(missing_numbers[:5])}），"
                            "请运行 xinfang reindex 重建")
        unindexed = mediation_store.missing_from_search(conn)
        if unindexed:
            problems.append(f"有 {unindexed} 件矛盾纠纷不在搜索索引中，请运行 xinfang reindex 重建")
        return problems, missing

    def _start_cases(self, cases: int):
        """The worker processes of a full check over ranges of case ids, started (None: the cases are checked
        in this process, by `_cases`). Each worker reads the check's snapshot on its own read-only connection."""
        workers = self._workers if self._workers is not None else _default_workers(cases)
        span = verify.case_id_span(self.conn) if workers > 1 else None
        if span is None or self._reader is None:
            return None
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        # spawn, not fork: safe from a GUI thread and the same on Windows
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        futures = [pool.submit(check_case_range, self._reader, r, self._trust) for r in _ranges(span)]
        return pool, futures

    def _cases(self, started, case_ids: list[int] | None, problems: list[str], step) -> list[str]:
        """Each case's chain against its row, then its rows against its state digest or its replayed events
        (case row, petitioners, clocks, repeat links, attachments); returns the numbers of the cases found
        wrong. `started`: the workers of `_start_cases`, whose results are gathered here."""
        if started is None:
            # a server hands a whole query's rows over at once: a full check there reads range by range
            span = verify.case_id_span(self.conn) if case_ids is None and verify_engine.is_server(self.conn) else None
            broken: list[str] = []
            checked = 0
            for between in _ranges(span) if span else [None]:
                def moved(d, _t, base=checked):
                    if step is not None:
                        step(base + d, 0)
                found, bad, n = check_cases(self.conn, case_ids, between, moved, self._trust)
                problems += found[:max(0, PROBLEM_LIMIT - len(problems))]
                broken += bad
                checked += n
                if step is not None and span:
                    step(checked, 0)
            return broken
        pool, futures = started
        broken = []
        checked = 0
        try:
            for fut in futures:
                found, bad, n = fut.result()
                problems += found[:max(0, PROBLEM_LIMIT - len(problems))]
                broken += bad
                checked += n
                if step is not None:
                    step(checked, 0)
        except BaseException:
            _stop(started)
            raise
        pool.shutdown()
        return broken

    def _report(self, problems, broken, integrity, cases, start, missing) -> dict:
        head_seq, head_hash = ledger.head(self.conn)
        return {"ok": not problems, "integrity": integrity, "broken_chains": broken, "cases": cases,
                "anchor": f"{head_seq}:{head_hash}", "problems": problems, "ledger_entries": head_seq,
                "checked_from": start[0], "missing_from_search": missing, "limits": LIMITS}


def _stop(started) -> None:
    """Cancel the case workers' ranges not yet begun (the user cancelled, or the walk failed); the ranges
    already running finish first."""
    if started is not None:
        started[0].shutdown(wait=True, cancel_futures=True)


PROBLEM_LIMIT = 200                      # problems listed (every broken case is still counted in broken_chains)


def _default_workers(cases: int) -> int:
    """Worker processes for a full check: two from 50,000 cases on a multi-core machine (one core walks,
    SQLite's own check uses the other meanwhile, then both replay cases), else none."""
    if cases < 50_000 or getattr(sys, "frozen", False) or (os.cpu_count() or 1) < 2:
        return 1
    return 2


def _ranges(span: tuple[int, int]) -> list[tuple[int, int]]:
    """~64 closed ranges of case ids over `span`, at least 1,000 ids each: steady progress, even load."""
    lo, hi = span
    size = max(1_000, (hi - lo + 1) // 64 + 1)
    return [(a, min(a + size - 1, hi)) for a in range(lo, hi + 1, size)]


def check_case_range(reader: verify_engine.Reader, between: tuple[int, int],
                     trust: bool = True) -> tuple[list[str], list[str], int]:
    """A worker process: `check_cases` over a range of case ids on its own read-only connection."""
    conn = verify_engine.open_reader(reader)
    try:
        return check_cases(conn, None, between, None, trust)
    finally:
        conn.close()


def check_cases(conn, case_ids: list[int] | None, between: tuple[int, int] | None,
                step, trust: bool = True) -> tuple[list[str], list[str], int]:
    """(problems, numbers of the broken cases, cases checked) for the given cases (all when both are None).
    `trust`: the sealed digests verified, so a whole range takes the fast path (storage/verify_fast.py) and only
    the cases it cannot vouch for are replayed; else every case's events are replayed and compared with its rows
    (case row, petitioners, clocks, repeat links, attachments) part by part."""
    if trust and case_ids is None:
        return _fast_cases(conn, between, step)
    defaults = dict(projection.case_columns(conn))
    rows = projection.all_current(conn, case_ids, between)
    pending = next(rows, None)
    problems: list[str] = []
    broken: list[str] = []
    checked = 0
    for row, cid, events in verify.case_chains(conn, case_ids, between):
        label = f"案件 {row[2]}" if row else f"案件（内部序号 {cid}）"
        found = verify.chain_problems(label, row[1] if row else "", "case", events,
                                      row[3] if row else None, row[4] if row else None)
        while pending is not None and pending[0] < cid:
            pending = next(rows, None)
        if row is not None and pending is not None and pending[0] == cid and not found:
            replayed = projection.replay([digests.payload_dict(e[5]) for e in events])
            wrong = projection.mismatches(replayed, pending[1], defaults)
            if wrong:
                found.append(f"{label}：{'、'.join(FIELD_LABELS.get(w, w) for w in wrong)}与事件记录不符"
                             "（被绕过程序直接改动）")
            found += verify.ended_problem(label, row[5], events)
        if found:
            broken.append(row[2] if row else f"#{cid}")
            if len(problems) < PROBLEM_LIMIT:
                problems += found
        checked += 1
        if step is not None and checked % 20_000 == 0:
            step(checked, 0)
    return problems, broken, checked


def _fast_cases(conn, between: tuple[int, int] | None, step) -> tuple[list[str], list[str], int]:
    """`check_cases` of a range by its fast path; the cases it cannot vouch for (and events whose case row is
    gone) are checked one by one the exact way, which also words the findings."""
    lo, hi = between or (-(2 ** 63), 2 ** 63 - 1)
    events = digests.Peek(verify_fast.case_events(conn, (lo, hi)))
    rows_digests = digests.Peek(digests.row_digests(conn, None, (lo, hi)))
    known = digests.sealed(conn, None, (lo, hi))
    orphans = [r[0] for r in conn.execute("SELECT DISTINCT case_id FROM events WHERE case_id BETWEEN ? AND ? "
                                          "AND case_id NOT IN (SELECT id FROM cases)", (lo, hi))]
    slow = list(orphans)
    checked = len(orphans)
    problems: list[str] = []
    broken: list[str] = []
    for cid, uuid, number, count, head, ended_at in conn.execute(
            "SELECT id, uuid, number, event_count, head_hash, ended_at FROM cases WHERE id BETWEEN ? AND ? ORDER BY id",
            (lo, hi)):
        evs = events.get(cid) or []
        if verify_fast.passes(evs, uuid, count, head, rows_digests.get(cid), known.get(cid)):
            found = verify.ended_problem(f"案件 {number}", ended_at, evs)
            if found:
                broken.append(number)
                problems += found[:max(0, PROBLEM_LIMIT - len(problems))]
        else:
            slow.append(cid)
        checked += 1
        if step is not None and checked % 20_000 == 0:
            step(checked, 0)
    if slow:
        found, bad, _n = check_cases(conn, slow, None, None, trust=False)
        problems += found[:max(0, PROBLEM_LIMIT - len(problems))]
        broken += bad
    return problems, broken, checked

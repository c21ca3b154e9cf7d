"""人民调解 at scale (issue 9 §6): 200,000 disputes beside 1,000,000 cases. Times the dispute list's first screen
(service calls and the Qt model the 纠纷 page uses, text search through the dispute_search index) and `dispute stats`
for a year. Prints a table; not a test.

    .venv/bin/python bench/bench_mediation.py [--db bench/data/mediation.db] [--cases 1000000] [--disputes 200000]

The cases: with `--demo` the demo generator makes them (minutes of CPU per million); by default they are
filler rows written by one SQL statement (every NOT NULL column filled, the case indexes in place, no events),
because no dispute query reads the cases table: they are there for the file size and the page cache. The
disputes are made with the mediation store and the ledger (every event chained), spread over 2025–2026 in
60 committees with 4 mediators each.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from xinfang.calendar.deadlines import due_date  # noqa: E402
from xinfang.domain import mediation as m  # noqa: E402
from xinfang.services import ListFilter, Workspace  # noqa: E402
from xinfang.services.mediation import DisputeFilter  # noqa: E402
from xinfang.storage import ledger  # noqa: E402

NOW = datetime(2026, 11, 27, 10, 0)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂"
SUMMARIES = ("楼上漏水致楼下天花板受损", "相邻通道通行纠纷", "装修噪音扰民", "拖欠货款", "宅基地界址争议", "交通事故赔偿",
             "物业费与服务质量争议", "婚后财产分割", "劳务报酬未结清", "医疗费用争议", "商品质量退换")


def filler_cases(ws: Workspace, n: int) -> None:
    have = ws.store.one("SELECT count(*) FROM cases")
    if have >= n:
        return
    with ws.store.transaction():
        ws.store.conn.execute(
            "WITH RECURSIVE k(i) AS (SELECT ? UNION ALL SELECT i + 1 FROM k WHERE i < ?) "
            "INSERT INTO cases(uuid, number, office, year, seq, channel, received_at, registered_at, purpose, category, "
            "summary, status, next_due, next_step, updated_at) "
            "SELECT lower(hex(randomblob(16))), printf('2026-信-%07d', i), 'BENCH', 2026, i, '来访', "
            "date('2025-01-01', '+' || (i % 690) || ' days') || 'T09:00:00', "
            "date('2025-01-01', '+' || (i % 690) || ' days') || 'T09:30:00', '申诉求决', '城乡建设/物业管理', "
            "'填充信访件 ' || i, CASE i % 3 WHEN 0 THEN 'handling' WHEN 1 THEN 'closed' ELSE 'registered' END, "
            "CASE i % 3 WHEN 1 THEN NULL ELSE date('2025-02-01', '+' || (i % 690) || ' days') END, "
            "CASE i % 3 WHEN 1 THEN NULL ELSE 'handle' END, '2026-11-27T09:00:00' FROM k", (have + 1, n))


def setup(ws: Workspace, rng: random.Random) -> list[tuple[dict, list[dict]]]:
    med = ws.mediation
    hosts = [code for code, _, _, kind, level, *_ in ws.store.unit_rows() if kind in ("社区", "街道乡镇") and level <= 6]
    out = []
    for i, host in enumerate(hosts[:60]):
        name = f"调委会{i + 1:02d}"
        c = med.db.find_committee(name) or med.add_committee(name, host, "bench", prefix=f"调{i + 1:02d}")
        mediators = med.mediators(c["code"]) or [
            med.add_mediator(rng.choice(SURNAMES) + rng.choice(GIVEN) + str(j), c["code"], "bench") for j in range(4)]
        out.append((c, mediators))
    return out


def make_disputes(ws: Workspace, n: int, rng: random.Random) -> float:
    med = ws.mediation
    have = med.db.total()
    if have >= n:
        return 0.0
    committees = setup(ws, rng)
    types = med.types()
    cal = ws.calendar
    started = time.perf_counter()
    conn = ws.store.conn
    seqs: dict[tuple[str, int], int] = {}
    for start in range(have, n, 10_000):          # a commit per 10,000: an interrupted build keeps its progress
        with ws.store.transaction():
            _chunk(ws, med, conn, committees, types, cal, rng, seqs, start, min(n, start + 10_000))
        print(f"  {min(n, start + 10_000):,} disputes ({time.perf_counter() - started:.0f} s)", flush=True)
    return time.perf_counter() - started


def _chunk(ws, med, conn, committees, types, cal, rng, seqs, first: int, end: int) -> None:
    for _ in range(first, end):
        if True:        # (one dispute)
            c, mediators = rng.choice(committees)
            chosen = rng.sample(mediators, rng.choice((1, 1, 2)))
            received = datetime(2025, 1, 1, 9) + timedelta(days=rng.randint(0, 695), minutes=rng.randint(0, 480))
            year = received.year
            key = (c["code"], year)
            if key not in seqs:
                seqs[key] = med.db.next_seq(c["code"], year) - 1
            seqs[key] += 1
            seq = seqs[key]
            r = rng.random()
            status = ("registered" if r < .05 else "mediating" if r < .2 else "declined" if r < .24 else
                      "succeeded" if r < .82 else "failed" if r < .94 else "withdrawn" if r < .98 else "handed_over")
            if received.date() > date(2026, 11, 10) and status not in ("registered", "declined"):
                status = "mediating"
            accepted = received.date() + timedelta(days=rng.randint(0, 3))
            outcome = accepted + timedelta(days=rng.randint(1, 40))
            risk_reasons = rng.choice(["", "", "", "", m.RISK_CRIMINAL, m.RISK_GROUP_PETITION])
            fields = {"number": m.dispute_number(year, c["prefix"], seq), "committee": c["code"], "year": year, "seq": seq,
                      "received_at": received, "registered_at": received, "registered_by": "bench",
                      "source": rng.choice([s.value for s in m.Source]), "type": rng.choice(types),
                      "risk": rng.choice(["", "低", "中", "高"]) if not risk_reasons else "高",
                      "risk_reasons": risk_reasons, "headcount": rng.choice((2, 2, 2, 3, 5, 12)),
                      "amount_cents": rng.randint(0, 50_000) * 100, "mediator_names": "、".join(x["name"] for x in chosen),
                      "summary": rng.choice(SUMMARIES), "status": status, "updated_at": received}
            names = [rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) for _ in range(2)]
            fields["party_names"] = "、".join(names)
            parties = [{"side": side, "kind": "个人", "name": nm, "id_number": "", "phone": f"139{rng.randint(0, 10**8 - 1):08d}",
                        "address": ""} for side, nm in zip(("申请人", "被申请人"), names)]
            events = [("register", received, {"number": fields["number"]})]
            if status not in ("registered", "declined") and not (status in ("withdrawn", "handed_over") and r > .99):
                fields["accepted_on"] = accepted
                events.append(("accept", datetime.combine(accepted, datetime.min.time()).replace(hour=10), {}))
            if status == "declined":
                fields["outcome_on"] = accepted
                events.append(("decline", datetime.combine(accepted, datetime.min.time()).replace(hour=10),
                               {"reason": m.DECLINE_GROUNDS[0]}))
            if status in ("succeeded", "failed", "withdrawn", "handed_over"):
                fields.update(outcome_on=outcome, sessions=1, last_session_on=outcome)
                at = datetime.combine(outcome, datetime.min.time()).replace(hour=15)
                events.append(("session", at, {"place": "调解室", "record": "双方陈述"}))
                if status == "succeeded":
                    cents = rng.randint(0, 30_000) * 100
                    due = outcome + timedelta(days=rng.choice((0, 7, 30, 90)))
                    fields.update(agreement_form=rng.choice(("书面", "书面", "书面", "口头")), agreement_cents=cents,
                                  effective_on=outcome, performance_due=due)
                    events.append(("succeed", at, {"terms": "赔偿", "amount": cents / 100}))
                    if due < NOW.date() and rng.random() < .8:
                        fields.update(performance=rng.choice(("即时履行", "按期履行", "按期履行", "部分履行")),
                                      performed_on=due)
                        events.append(("perform", at + timedelta(days=(due - outcome).days), {}))
                    if fields["agreement_form"] == "书面" and rng.random() < .3:
                        fields.update(confirm_applied_on=outcome + timedelta(days=rng.randint(1, 35)))
                        fields["confirm_late"] = int(fields["confirm_applied_on"] > outcome + timedelta(days=30))
                        fields["confirm_result"] = "确认有效" if rng.random() < .9 else "不予确认"
                else:
                    events.append(({"failed": "fail", "withdrawn": "withdraw", "handed_over": "handover"}[status], at, {}))
            fields["next_due"] = quick_next_due(fields, cal)
            fields["next_step"] = "mediate" if status == "mediating" else ("followup" if fields["next_due"] else None)
            row, uid = med.db.insert_dispute(fields, parties, [x["id"] for x in chosen])
            # one chained event per dispute (its history in the payload): the list and the statistics read the
            # dispute rows, not the events, and 200,000 × 5 ledger appends take too long on a shared machine
            ledger.append(conn, "dispute", uid, "register", received, received, "bench",
                          {"number": fields["number"], "history": [a for a, _, _ in events]})


def quick_next_due(f: dict, cal) -> str | None:
    """The earliest running duty clock, as MediationService._next_due computes it (without explanations)."""
    if f["status"] == "mediating" and f.get("accepted_on"):
        return due_date(f["accepted_on"], 30, "calendar", cal, True).isoformat()
    if f["status"] == "succeeded" and not f.get("performed_on"):
        return f["performance_due"].isoformat()
    if f["status"] == "succeeded":
        return due_date(f["performance_due"], 15, "calendar", cal, True).isoformat()
    return None


def timed(fn, runs: int = 5) -> tuple[float, object]:
    fn()                                       # warm the pages
    times, result = [], None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), result


def first_screen(ws: Workspace, f: DisputeFilter):
    med = ws.mediation
    ids = med.first_page(f, 200)
    total = med.count(f) if len(ids) == 200 else len(ids)
    rows = med.list_rows(ids[:40])
    return total, len(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(ROOT / "bench" / "data" / "mediation.db"))
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--disputes", type=int, default=200_000)
    ap.add_argument("--demo", action="store_true", help="cases from the demo generator instead of filler rows")
    args = ap.parse_args()
    Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    ws = Workspace.open(args.db, now=lambda: NOW)
    rng = random.Random(9)
    t = time.perf_counter()
    if args.demo and ws.store.total_cases() < args.cases:
        from xinfang.services.demo import generate_demo
        generate_demo(ws, cases=args.cases - ws.store.total_cases(), seed=1)
    else:
        filler_cases(ws, args.cases)
    print(f"cases: {ws.store.total_cases():,} ({time.perf_counter() - t:.1f} s)")
    build = make_disputes(ws, args.disputes, rng)
    if build:
        ws.store.conn.execute("ANALYZE")
    print(f"disputes: {ws.mediation.db.total():,} (built in {build:.1f} s)")
    med = ws.mediation
    committee = med.committees()[0]
    mediator = med.mediators(committee["code"])[0]
    rows = []
    for label, f in (("no filter", DisputeFilter()), ("committee", DisputeFilter(committee=committee["code"])),
                     ("mediator", DisputeFilter(mediator=mediator["id"])), ("type 邻里", DisputeFilter(type="邻里")),
                     ("status 调解中", DisputeFilter(status=("mediating",))),
                     ("due 逾期", med.due_filter("逾期", DisputeFilter(), NOW.date())),
                     ("search 2 chars “漏水”", DisputeFilter(text="漏水")),
                     ("search name fragment “王伟”", DisputeFilter(text="王伟")),
                     ("search 1 char “王”", DisputeFilter(text="王")),
                     ("search phone fragment “13912”", DisputeFilter(text="13912")),
                     ("search “漏水” + committee", DisputeFilter(text="漏水", committee=committee["code"]))):
        ms, (total, shown) = timed(lambda f=f: first_screen(ws, f))
        rows.append((f"dispute list first screen, {label}", ms, 300, total))
    from xinfang.ui.qt import QApplication
    app = QApplication.instance() or QApplication([])
    from xinfang.ui.mediation.list_model import COLUMNS, DisputeListModel
    model = DisputeListModel(ws)

    def model_screen():
        model.load(DisputeFilter())
        return sum(1 for r in range(30) for c in range(len(COLUMNS)) if model.data(model.index(r, c)) is not None)
    ms, _ = timed(model_screen)
    rows.append(("纠纷 page model: load + 30 rows × 10 columns", ms, 300, model.total))
    ms, _ = timed(lambda: model.complete() or len(model._ids), runs=3)
    for label, start, end, com in (("stats 2026 (a year), all committees", date(2026, 1, 1), date(2026, 12, 31), ""),
                                   ("stats 2025 (a year), all committees", date(2025, 1, 1), date(2025, 12, 31), ""),
                                   ("stats 2026, one committee", date(2026, 1, 1), date(2026, 12, 31), committee["name"]),
                                   ("stats one month (2026-10)", date(2026, 10, 1), date(2026, 10, 31), "")):
        ms, s = timed(lambda a=start, b=end, c=com: med.stats(a, b, c))
        rows.append((label, ms, 1000, s["accepted"]))
    base_ms, _ = timed(lambda: (ws.first_page(ListFilter(), 200), ws.count(ListFilter())))
    rows.append(("reference: case list first page + count (same file, same run)", base_ms, None, ws.store.total_cases()))
    del app
    print(f"\n{'measure':64} {'median ms':>10} {'target':>8} {'rows':>10}")
    for label, ms, target, n in rows:
        verdict = "" if target is None else ("ok" if ms <= target else "MISSED")
        print(f"{label:64} {ms:10.1f} {target or '':>8} {n:>10,} {verdict}")
    ws.close()


if __name__ == "__main__":
    main()

"""积案 at scale (issue 8 §5): in the 1M-case database, 10,000 积案 records in 20 batches (made through
ws.backlog, in one outer transaction), then time the board (service + widget), `backlog stats` for everything
(service and the CLI process) and the 积案候选 screen. Prints a table; not a test.

    nice .venv/bin/xinfang --db bench/data/backlog-1m.db demo --cases 1000000     # once
    .venv/bin/python bench/bench_backlog.py [--db bench/data/backlog-1m.db] [--records 10000] [--batches 20]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from xinfang.services import Workspace  # noqa: E402

POSTS = ("区委书记", "区长", "区委副书记", "区委常委、政法委书记", "区委常委、组织部长", "区委常委、常务副区长", "副区长",
         "副区长、公安分局局长", "区人大常委会主任", "区政协主席", "区纪委书记", "区委常委、宣传部长")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def seed_backlog(ws: Workspace, records: int, batches: int, seed: int = 8) -> dict:
    """Leaders, batches and records with a realistic spread of states, all through the service."""
    rng = random.Random(seed)
    bl = ws.backlog
    now = ws.now()
    today = now.date()
    units = [u["code"] for u in ws.units_list()]
    with ws.store.transaction():
        leaders = []
        for i, post in enumerate(POSTS):
            name = f"{SURNAMES[i]}{'建国明华志强德林'[i % 8]}{'书记区长主任'[i % 6]}"
            if bl.db.leader(name) is None:
                bl.add_leader(name, post, "bench")
            leaders.append(name)
        batch_ids = []
        for i in range(batches):
            issued = today - timedelta(days=60 + (batches - i) * 30)
            b = bl.db.batch(f"{issued.year}年第{i + 1}批信访积案")
            if b is None:
                b = bl.add_batch(f"{issued.year}年第{i + 1}批信访积案", rng.choice(("市信访联席办", "省信访局", "区委")),
                                 issued, issued + timedelta(days=rng.choice((180, 270, 365))), "bench",
                                 target_rate=rng.choice((0.85, 0.9, 0.95)))["id"]
            else:
                b = b[0]
            batch_ids.append(b)
        total = ws.store.one("SELECT max(id) FROM cases")
        taken = set(r for r, in ws.store.q("SELECT case_id FROM backlog_records"))
        made = len(taken)
        while made < records:
            row = rng.randint(1, total)
            if row in taken:
                continue
            received = datetime.fromisoformat(ws.store.one("SELECT received_at FROM cases WHERE id = ?", (row,)))
            bid = rng.choice(batch_ids)
            batch_row = bl.db.batch(str(bid))
            issued, target = date.fromisoformat(batch_row[3]), date.fromisoformat(batch_row[4])
            day = max(issued, received.date()) + timedelta(days=rng.randint(0, 20))
            if day > today:
                continue
            at = datetime.combine(day, datetime.min.time()).replace(hour=9)
            rec = bl.take_on(row, bid, rng.choice(("上级交办", "上级交办", "本级排查")), "bench",
                             leader=rng.choice(leaders) if rng.random() < 0.9 else "",
                             unit=rng.choice(units), plan="一案一策：约谈、协调、救助", at=at,
                             due=day + timedelta(days=rng.choice((60, 90, 180)))
                             if rng.random() < 0.4 or target < day else None)
            taken.add(row)
            made += 1
            t = at
            for _ in range(rng.randint(0, 3)):
                t += timedelta(days=rng.randint(1, 40))
                if t > now:
                    break
                bl.act(rec["id"], "progress", "bench", at=t, data={"text": "约谈信访人，了解诉求"})
            if rng.random() < 0.5:
                t += timedelta(days=rng.randint(1, 120))
                if t <= now:
                    bl.act(rec["id"], "resolve", "bench", at=t, data={"way": rng.choice(bl.ways())})
                    if rng.random() < 0.1 and t + timedelta(days=10) <= now:
                        t += timedelta(days=10)
                        bl.act(rec["id"], "reopen", "bench", at=t, data={"reason": "信访人再次上访"})
                    elif rng.random() < 0.5 and t + timedelta(days=5) <= now:
                        t += timedelta(days=5)
                        bl.act(rec["id"], "close", "bench", at=t)
                        if rng.random() < 0.4 and t + timedelta(days=5) <= now:
                            bl.act(rec["id"], "delist", "bench", at=t + timedelta(days=5), data={"approver": "王书记"})
    return {"records": made, "batches": len(batch_ids), "leaders": len(leaders)}


def timed(fn, repeat: int = 5) -> tuple[float, object]:
    out, times = None, []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(ROOT / "bench/data/backlog-1m.db"))
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--batches", type=int, default=20)
    args = ap.parse_args()
    ws = Workspace.open(args.db)
    cases = ws.store.total_cases()
    t = time.perf_counter()
    seeded = seed_backlog(ws, args.records, args.batches)
    seed_s = time.perf_counter() - t
    events = ws.store.one("SELECT count(*) FROM record_events WHERE kind = 'backlog'")
    rows: list[tuple[str, str, str]] = [("cases in the database", f"{cases:,}", ""),
                                        ("积案 records / batches / leaders / record events",
                                         f"{seeded['records']:,} / {seeded['batches']} / {seeded['leaders']} / {events:,}", ""),
                                        ("making them through ws.backlog (one outer transaction)", f"{seed_s:.1f} s", "")]

    s_stats, stats = timed(lambda: ws.backlog.stats())
    rows.append(("ws.backlog.stats() everything, median of 5", f"{s_stats * 1000:.0f} ms", "≤ 300 ms"))
    s_batch, _ = timed(lambda: ws.backlog.stats(batch=stats["batches"][0]["id"]))
    rows.append(("ws.backlog.stats(batch=…), median of 5", f"{s_batch * 1000:.0f} ms", ""))
    s_records, recs = timed(lambda: ws.backlog.records())
    rows.append((f"ws.backlog.records() all {len(recs):,} rows (the board's list), median of 5",
                 f"{s_records * 1000:.0f} ms", ""))
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "xinfang", "--db", args.db, "--json", "backlog", "stats"],
                         capture_output=True, cwd=ROOT)
    cli = time.perf_counter() - t
    assert out.returncode == 0, out.stderr.decode()
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import xinfang.cli.main"], capture_output=True, cwd=ROOT)
    startup = time.perf_counter() - t
    rows.append(("`xinfang backlog stats --json` whole process (of which Python + import)",
                 f"{cli * 1000:.0f} ms ({startup * 1000:.0f} ms)", ""))
    s_cand, cand = timed(lambda: ws.backlog.candidates(), repeat=3)
    rows.append((f"ws.backlog.candidates() ({len(cand['items']):,} proposals), median of 3",
                 f"{s_cand * 1000:.0f} ms", "≤ 2 s"))

    from xinfang.ui.backlog.board import BacklogBoard
    from xinfang.ui.backlog.candidates import CandidatesPage
    from xinfang.ui.qt import QApplication
    app = QApplication.instance() or QApplication([])
    board = BacklogBoard(ws, "bench")
    board.resize(1366, 700)
    board.show()
    s_board, _ = timed(lambda: (board.refresh(), app.processEvents()))
    rows.append(("积案看板 refresh (stats + filters + list + paint), median of 5", f"{s_board * 1000:.0f} ms", "≤ 300 ms"))
    page = CandidatesPage(ws, "bench")
    page.resize(1366, 700)
    page.show()
    s_page, _ = timed(lambda: (page.refresh(), app.processEvents()), repeat=3)
    rows.append(("积案候选 page refresh (query + table), median of 3", f"{s_page * 1000:.0f} ms", "≤ 2 s"))
    s_check, chk = timed(lambda: ws.backlog.check(), repeat=1)
    rows.append(("ws.backlog.check() (chains + replay vs projection)", f"{s_check * 1000:.0f} ms",
                 "ok" if chk["ok"] else "BROKEN"))
    board.close()
    page.close()
    ws.close()

    load = os.getloadavg()[0]
    print(f"\n{date.today()} · load average {load:.1f} · {os.cpu_count()} cores\n")
    print("| measure | value | target |\n|---|---|---|")
    for m, v, target in rows:
        print(f"| {m} | {v} | {target} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

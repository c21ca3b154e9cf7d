"""Foundation benchmark at 1,000,000 petitions (not a test).

    .venv/bin/python bench/bench_foundation.py                 # 1M cases in bench/data/bench.db (reused)
    .venv/bin/python bench/bench_foundation.py --cases 100000 --db /tmp/b.db --rebuild
    .venv/bin/python bench/bench_foundation.py --build-only     # just make the data set

Measures: demo insert rate and search-index build; search first page / count p50/p95 over ~40 queries;
registering one case on the big database; 100,000 due-date computations; case sheet PDF; list_ids of all
cases; the dashboard; and, when the GUI is present, start-up / first screen / jump to end / RSS of
`xinfang-gui` in a subprocess (QT_QPA_PLATFORM=offscreen). Prints a table (and --json writes the numbers).
"""
from __future__ import annotations

import argparse
import json
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

from xinfang.calendar.deadlines import due_date  # noqa: E402
from xinfang.domain.enums import Channel, Purpose  # noqa: E402
from xinfang.domain.model import CaseDraft, Petitioner  # noqa: E402
from xinfang.domain.validation import make_id_number  # noqa: E402
from xinfang.services.demo import generate_demo  # noqa: E402
from xinfang.services.workspace import Workspace  # noqa: E402
from xinfang.storage.store import ListFilter  # noqa: E402

ROWS: list[tuple[str, str, str, str]] = []      # (measure, value, target, verdict)


def row(measure: str, value: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    ROWS.append((measure, value, target, verdict))
    print(f"  {measure:<52} {value:>18}  {target:<12} {verdict}", flush=True)


def pct(values: list[float], p: float) -> float:
    v = sorted(values)
    return v[min(len(v) - 1, max(0, int(round(p / 100 * (len(v) - 1)))))]


def ms(x: float) -> str:
    return f"{x * 1000:.1f} ms"


# ---------------------------------------------------------------------------------------------------------
def build(db: Path, cases: int, rebuild: bool) -> dict | None:
    if db.exists() and not rebuild:
        ws = Workspace.open(db)
        # cases registered by earlier benchmark runs (registered_by = 'bench') do not count
        n = ws.store.one("SELECT count(*) FROM cases WHERE registered_by <> 'bench'")
        ws.close()
        if n == cases:
            print(f"reusing {db} ({n:,} cases)")
            stats_file = db.with_suffix(".stats.json")
            return json.loads(stats_file.read_text()) if stats_file.exists() else None
        print(f"{db} has {n:,} cases, not {cases:,}: rebuilding")
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    ws = Workspace.open(db)
    t = time.perf_counter()
    last = [0.0]

    def progress(done: int, total: int):
        if time.perf_counter() - last[0] > 10:
            last[0] = time.perf_counter()
            print(f"  … {done:,}/{total:,} after {time.perf_counter() - t:.0f} s", flush=True)

    stats = generate_demo(ws, cases, seed=1, progress=progress)
    ws.close()
    stats["db_bytes"] = db.stat().st_size
    db.with_suffix(".stats.json").write_text(json.dumps(stats, ensure_ascii=False, indent=1))
    return stats


# ---------------------------------------------------------------------------------------------------------
QUERIES = [
    # single characters (surnames, common words)
    "王", "李", "张", "欧", "鞠", "款",
    # 2-character words
    "拖欠", "物业", "噪音", "补偿", "电梯", "退费", "医院", "低保", "油烟", "违建",
    # 3–8 character phrases
    "拖欠工", "农民工工资", "校外培训退费", "垃圾中转站", "征收补偿", "夜间噪音扰民", "维修资金", "医疗过错",
    "物业公司拖欠维修", "工伤认定", "阳光房",
]


def data_queries(ws: Workspace, rng: random.Random) -> list[str]:
    """Names, ID-number, phone and case-number fragments taken from the data."""
    n = ws.store.total_cases()
    out = []
    for _ in range(3):
        r = ws.store.q("SELECT name, id_number, phone FROM petitioners WHERE case_id = ? AND kind = '个人' "
                       "AND name <> '' LIMIT 1", (rng.randint(1, n),))
        if r:
            name, idn, phone = r[0]
            out.append(name)
            if idn:
                out += [idn[-6:], idn[:10]]
            if phone:
                out.append(phone[-4:] if len(out) % 2 else phone[3:8])
    number = ws.store.one("SELECT number FROM cases WHERE id = ?", (rng.randint(1, n),))
    out += [number, number[-6:], "GD2026"]
    return out


def query_class(q: str) -> str:
    """1 char, 2 chars, 3–8 chars (words, phrases and names) or digits / codes (anything with a digit)."""
    if any(ch.isdigit() for ch in q):
        return "digits / codes"
    return "1 char" if len(q) == 1 else "2 chars" if len(q) == 2 else "3–8 chars"


def bench_search(ws: Workspace) -> None:
    rng = random.Random(42)
    queries = QUERIES + data_queries(ws, rng)
    first, count, slow = [], [], []
    for q in queries:
        f = ListFilter(text=q)
        ws.first_page(f, 50)                     # warm the pages this query touches once
        t = time.perf_counter()
        ws.first_page(f, 50)
        t1 = time.perf_counter()
        n = ws.count(f)
        t2 = time.perf_counter()
        first.append(t1 - t)
        count.append(t2 - t1)
        slow.append((t2 - t1, t1 - t, q, n))
    row(f"search first page (50 ids), {len(queries)} queries, p50", ms(pct(first, 50)))
    row("search first page p95", ms(pct(first, 95)), "≤ 100 ms", pct(first, 95) <= 0.100)
    row("search total count p50", ms(pct(count, 50)))
    row("search total count p95", ms(pct(count, 95)), "≤ 500 ms", pct(count, 95) <= 0.500)
    classes: dict[str, list[tuple[float, float]]] = {}
    for c, f, q, _n in slow:
        classes.setdefault(query_class(q), []).append((f, c))
    for name in ("1 char", "2 chars", "3–8 chars", "digits / codes"):
        got = classes.get(name, [])
        if got:
            row(f"  {name} ({len(got)} queries): first page / count p95",
                f"{ms(pct([f for f, _ in got], 95))} / {ms(pct([c for _, c in got], 95))}")
    print("    slowest (count, first page, query, hits):")
    for c, f, q, n in sorted(slow, reverse=True)[:8]:
        print(f"      {c * 1000:8.1f} ms {f * 1000:8.1f} ms  {q!r:<26} {n:>9,}")


def bench_register(ws: Workspace, n: int = 200) -> None:
    rng = random.Random(7)
    cats = [c[0] for c in ws.categories()]
    times = []
    now = ws.now()
    for i in range(n):
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(20000))
        draft = CaseDraft(
            channel=Channel.VISIT, received_at=now - timedelta(minutes=rng.randrange(600)),
            purpose=Purpose.COMPLAINT, category=rng.choice(cats),
            summary=f"反映江城市鑫达建筑工程有限公司拖欠{rng.randrange(2, 40)}名工人工资{rng.randrange(10, 99)}万元",
            content="信访人称其在项目务工，工资被拖欠，多次讨要无果。", demands="要求尽快支付拖欠工资",
            place="城东区东湖街道樱园社区",
            petitioners=(Petitioner(name=rng.choice("王李张刘陈") + rng.choice(["建国", "秀英", "志强", "丽娟"]),
                                    id_number=make_id_number("420102", birth, rng.randrange(1000)),
                                    phone=f"139{rng.randrange(10**8):08d}", address="江城市城东区解放路1号"),))
        t = time.perf_counter()
        ws.register(draft, "bench")
        times.append(time.perf_counter() - t)
    row(f"register one case (ws.register), {n}×, p50", ms(pct(times, 50)))
    row("register one case p95", ms(pct(times, 95)), "≤ 30 ms", pct(times, 95) <= 0.030)


def bench_deadlines(ws: Workspace) -> None:
    cal = ws.calendar
    rng = random.Random(3)
    start = date(2024, 1, 1).toordinal()
    args = [(date.fromordinal(start + rng.randrange(1000)), rng.choice((15, 60, 30, 5)),
             rng.choice(("calendar", "calendar", "working"))) for _ in range(100_000)]
    t = time.perf_counter()
    for d, n, unit in args:
        due_date(d, n, unit, cal, True)
    dt = time.perf_counter() - t
    row("100,000 due dates (calendar.deadlines.due_date)", f"{dt:.3f} s", "≤ 0.5 s", dt <= 0.5)


def bench_sheet(ws: Workspace) -> None:
    n = ws.store.total_cases()
    ws.sheet_pdf(n // 2, "bench")             # loads reportlab and fonts
    times = []
    for k in range(9):
        t = time.perf_counter()
        ws.sheet_pdf(n // 3 + k * 997, "bench")
        times.append(time.perf_counter() - t)
    med = statistics.median(times)
    row("case sheet PDF (ws.sheet_pdf), warm median", ms(med), "≤ 150 ms", med <= 0.150)


def bench_lists(ws: Workspace) -> None:
    t = time.perf_counter()
    ids = ws.list_ids()
    dt = time.perf_counter() - t
    row(f"ws.list_ids() of all {len(ids):,} ids", ms(dt))
    t = time.perf_counter()
    ws.list_ids(order="received_at")
    row("ws.list_ids(order='received_at')", ms(time.perf_counter() - t))
    t = time.perf_counter()
    board = ws.dashboard("zhangmh")
    row("ws.dashboard()", ms(time.perf_counter() - t))
    print("    dashboard counts:", {k: v["count"] for k, v in board.items()})


def gui_probe(db: str, launched: float) -> None:
    """Runs in a subprocess (QT_QPA_PLATFORM=offscreen): the steps of xinfang.ui.app.main, timed."""
    t_import = time.time()
    from xinfang.ui.app import make_app
    from xinfang.ui.main_window import MainWindow
    from xinfang.ui.qt import QApplication
    from xinfang.ui.workers import wait_all

    app = make_app()
    ws = Workspace.open(db)
    window = MainWindow(ws, "bench", db)
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    window.grab()                                    # painted once
    shown = time.time()
    # first screen of the list: switch to the 信访件 tab, paint the visible rows
    screen = window.case_list
    t = time.perf_counter()
    window.show_list()
    app.processEvents()
    screen.view.viewport().grab()
    first = time.perf_counter() - t
    # wait for the full id list (background worker), then jump to the last row
    t = time.perf_counter()
    while screen.model.loading and time.perf_counter() - t < 60:
        app.processEvents()
        time.sleep(0.005)
    ids_loaded = time.perf_counter() - t
    t = time.perf_counter()
    screen.view.scrollToBottom()
    app.processEvents()
    screen.view.viewport().grab()
    jump = time.perf_counter() - t
    rows = screen.model.rowCount()
    rss = 0.0
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1]) / 1024
    window.close()
    wait_all()
    ws.close()
    print(json.dumps({"start": shown - launched, "python_and_imports": t_import - launched,
                      "first_screen": first, "ids_loaded_after": ids_loaded, "jump_end": jump, "rows": rows,
                      "rss_mb": rss}))
    QApplication.instance().quit()


def bench_gui(db: Path) -> None:
    if not (ROOT / "xinfang" / "ui" / "app.py").exists():
        row("GUI", "not present yet")
        return
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    runs = []
    for _ in range(3):
        launched = time.time()
        out = subprocess.run([sys.executable, __file__, "--gui-probe", str(db), "--launched", repr(launched)],
                             capture_output=True, text=True, env=env, timeout=300, cwd=ROOT)
        try:
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        except (ValueError, IndexError):
            row("GUI probe", "failed: " + ((out.stderr.strip().splitlines() or ["?"])[-1])[:70])
            return
    r = {k: statistics.median(x[k] for x in runs) for k in runs[0]}
    row("GUI: process start to interactive main window (median of 3)", f"{r['start']:.2f} s", "≤ 1.5 s",
        r["start"] <= 1.5)
    row("  of which Python start + imports before Qt", f"{r['python_and_imports']:.2f} s")
    row("GUI: first screen of the list", f"{r['first_screen']:.3f} s", "≤ 0.3 s", r["first_screen"] <= 0.3)
    row(f"GUI: full id list in the background ({int(r['rows']):,} rows)", f"{r['ids_loaded_after']:.2f} s")
    row("GUI: jump to the last row", f"{r['jump_end']:.3f} s", "≤ 0.15 s", r["jump_end"] <= 0.15)
    row("GUI: RSS after the jump", f"{r['rss_mb']:.0f} MB", "≤ 250 MB", r["rss_mb"] <= 250)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cases", type=int, default=1_000_000)
    p.add_argument("--db", type=Path, default=ROOT / "bench" / "data" / "bench.db")
    p.add_argument("--rebuild", action="store_true")
    p.add_argument("--build-only", action="store_true")
    p.add_argument("--no-gui", action="store_true")
    p.add_argument("--json", type=Path, default=None, help="also write the table as JSON")
    p.add_argument("--gui-probe", default=None, help=argparse.SUPPRESS)
    p.add_argument("--launched", type=float, default=0.0, help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.gui_probe:
        gui_probe(a.gui_probe, a.launched or time.time())
        return 0
    print(f"foundation benchmark: {a.cases:,} cases in {a.db}")
    stats = build(a.db, a.cases, a.rebuild)
    if stats:
        row("demo insert rate (rows + B-tree indexes, 2 workers)", f"{stats['rate_per_s']:,.0f} cases/s", "≥ 20,000/s",
            stats["rate_per_s"] >= 20_000)
        row("demo insert time", f"{stats['seconds_insert']:.1f} s")
        row("  of which B-tree index rebuild", f"{stats.get('seconds_indexes', 0):.1f} s")
        if stats.get("seconds_copy"):
            row("  main process copying worker files (INSERT … SELECT)", f"{stats['seconds_copy']:.1f} s")
            row("  main process waiting for the workers", f"{stats['seconds_wait']:.1f} s")
        row("search index build (FTS5, separate)", f"{stats['seconds_index']:.1f} s")
        row("rows: events / petitioners / repeats",
            f"{stats['events'] / stats['cases']:.2f} / {stats['petitioners'] / stats['cases']:.2f} / "
            f"{stats['repeats'] / stats['cases']:.3f} per case")
        if "db_bytes" in stats:
            row("database size", f"{stats['db_bytes'] / 2**30:.2f} GiB")
    if a.build_only:
        return 0
    ws = Workspace.open(a.db)
    try:
        bench_search(ws)
        bench_lists(ws)
        bench_deadlines(ws)
        bench_sheet(ws)
        bench_register(ws)
    finally:
        ws.close()
    if not a.no_gui:
        bench_gui(a.db)
    if a.json:
        a.json.write_text(json.dumps(ROWS, ensure_ascii=False, indent=1))
    print("\n| measure | value | target | |\n|---|---|---|---|")
    for m, v, t, ok in ROWS:
        print(f"| {m} | {v} | {t} | {ok} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

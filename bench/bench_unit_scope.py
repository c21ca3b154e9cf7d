"""What the 承办 scope costs (issue 7 §2: a 承办 user sees only the cases of its own unit; the accused unit's
users never see a restricted accusation against it) on a large database.

    nice .venv/bin/python bench/bench_unit_scope.py --db /tmp/backup-1m.db [--repeat 5]

Use a COPY of a demo database (opening migrates it). For the largest and a mid-sized handling unit it times,
as that unit's 承办 user and — in the same run, for the ratio — as a 领导 reading everything and as the
built-in user filtering the same unit (the office's own 承办单位 filter): the list's count, first screen
(50 ids) and full id list (what the windowed list model loads), the dashboard (five counters with their first
rows), and a text search of 3 characters. Median of --repeat runs, warm cache. Accounts are added to the copy
(demo accounts are not used: the units are chosen here)."""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xinfang.domain import passwords  # noqa: E402
from xinfang.services import ListFilter, Workspace  # noqa: E402

PASSWORD = "bench-pass-1"


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def units_by_size(ws) -> list[tuple[str, int]]:
    return ws.store.q("SELECT c.handling_unit, count(*) FROM cases c JOIN units u ON u.code = c.handling_unit "
                      "WHERE u.kind = '党政部门' GROUP BY c.handling_unit ORDER BY 2 DESC")


def ensure_accounts(ws, units: list[str]) -> None:
    if ws.store.account("bench-admin") is None:
        ws.users.add("bench-admin", ["管理员"], PASSWORD)
    ws.users.sign_in("bench-admin", PASSWORD)
    if ws.store.account("bench-leader") is None:
        ws.users.add("bench-leader", ["领导"], PASSWORD)
    for code in units:
        login = f"bench-{code}"
        if ws.store.account(login) is None:
            ws.users.add(login, ["承办"], PASSWORD, unit=code)
    ws.users.sign_out()


def operations(api, unit: str, today_filters: dict, word: str) -> dict:
    """The list and dashboard calls through ``api`` (the Workspace, scoped by who is logged in, or the Store,
    unscoped like the built-in user); ``unit`` = the office's 承办单位 filter ("" for the 承办 user himself)."""
    base = ListFilter(unit=unit)

    def dashboard():
        for f in today_filters.values():
            g = replace(f, unit=unit)
            api.count(g)
            api.first_page(g, 20)
    return {
        "count": lambda: api.count(base),
        "first screen (50 ids)": lambda: api.first_page(base, 50),
        "all ids (windowed list)": lambda: api.list_ids(base),
        "dashboard (5 counters + first rows)": dashboard,
        f"search “{word}”": lambda: api.count(replace(base, text=word)),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--word", default="拖欠工")
    args = ap.parse_args()
    passwords.COST = 2 ** 10          # logins are not what is measured
    # a bench copy: no pre-migration backup of it (it would double the disk use at 1M)
    ws = Workspace.open(args.db, backup_before_migration=False)
    total = ws.store.total_cases()
    sizes = units_by_size(ws)
    chosen = [sizes[0], sizes[len(sizes) // 2]]
    ensure_accounts(ws, [c for c, _ in chosen])
    today = ws.now().date()
    print(f"{total:,} cases; units: " + ", ".join(f"{c} ({n:,} cases)" for c, n in chosen), flush=True)
    print("\n| unit | operation | 承办 of the unit, ms | 领导 + unit filter, ms | built-in + unit filter, ms | "
          "承办 ÷ built-in |\n|---|---|---|---|---|---|")
    filters = ws.due_filters(today)
    for code, n in chosen:
        results: dict[str, list[float]] = {}
        for who in (f"bench-{code}", "bench-leader", None):
            if who:
                ws.users.sign_in(who, PASSWORD)
                api, unit = ws, ("" if who.endswith(code) else code)
            else:
                api, unit = ws.store, code          # the built-in user: no scope at all
            if who and who.endswith(code):
                seen = ws.count()       # its unit's cases less the restricted accusations against the unit
                assert seen <= n
                print(f"  {who} sees {seen:,} of its unit's {n:,} cases", flush=True)
            for name, fn in operations(api, unit, filters, args.word).items():
                fn()                                    # warm
                results.setdefault(name, []).append(median_ms(fn, args.repeat))
        for name, (own, leader, builtin) in results.items():
            print(f"| {code} ({n:,}) | {name} | {own:.1f} | {leader:.1f} | {builtin:.1f} | "
                  f"{own / builtin if builtin else float('nan'):.2f} |", flush=True)
    ws.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

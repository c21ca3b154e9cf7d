"""The cost `check` adds by comparing disputes (and the small 积案 kinds, and passwords) with the replay of their
events (storage/verify_records.py), per dispute, beside the chain read the check already did for them.
Builds N disputes through the mediation service in a temporary database (half of them accepted, so two events
each on average), then times the comparison and the 0052 baseline. Prints a table; not a test.

    nice .venv/bin/python bench/bench_record_check.py [--disputes 5000]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from xinfang.services import Workspace  # noqa: E402
from xinfang.storage import ledger, record_projection, verify, verify_records  # noqa: E402

NOW = datetime(2026, 11, 5, 9, 0)
PARTIES = [{"name": "张三", "kind": "个人", "id_number": "11010519491231002X", "phone": "13912345678",
            "address": "樱园小区1栋101", "side": "申请人"},
           {"name": "李四", "kind": "个人", "phone": "13812345678", "address": "樱园小区1栋201", "side": "被申请人"}]


def timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--disputes", type=int, default=5000)
    args = ap.parse_args()
    n = args.disputes
    with tempfile.TemporaryDirectory() as folder:
        ws = Workspace.open(Path(folder) / "bench.db", now=lambda: NOW, sample=True)
        med = ws.mediation
        med.add_committee("樱园社区人民调解委员会", "420102001001", "bench", prefix="樱园")
        med.add_mediator("王调解", "樱园社区人民调解委员会", "bench")

        def build():
            for i in range(n):
                row = med.register({"received_at": "2026-11-01 09:00", "source": "当事人申请", "type": "邻里",
                                    "committee": "樱园社区人民调解委员会", "mediators": ["王调解"],
                                    "summary": f"楼上漏水致楼下受损（{i}）", "requests": "赔偿", "parties": PARTIES,
                                    "amount": 5000, "headcount": 2}, "bench")["row"]
                if i % 2 == 0:
                    med.act(row, "accept", "bench", datetime(2026, 11, 2, 10))
        _, build_wall, build_cpu = timed(build)
        conn = ws.store.conn
        events = conn.execute("SELECT count(*) FROM record_events WHERE kind = 'dispute'").fetchone()[0]
        found, cmp_wall, cmp_cpu = timed(lambda: verify_records.problems(conn))
        assert found == [], found
        _, chain_wall, chain_cpu = timed(lambda: [verify.chain_problems("x", k, "dispute", e, c, h)
                                                  for k, c, h, e in verify.record_chains(conn, "dispute")])

        # the 0052 baseline on the same disputes as if their events stated nothing (what an upgrade does)
        def baseline():
            with ws.store.transaction():
                keys = [k for k, _e, _a in record_projection.states(conn, "dispute")]
                for key in keys:
                    ledger.append(conn, "dispute", key, ledger.BASELINE, NOW, NOW, "system",
                                  {"changes": record_projection.current(conn, "dispute", key), "note": "bench"})
        _, base_wall, base_cpu = timed(baseline)
        ws.close()
    load = os.getloadavg()[0]
    print(f"disputes {n:,}, dispute events {events:,}; load average {load:.1f} (other developers share the machine)")
    print(f"{'step':<52}{'wall s':>9}{'CPU s':>9}{'CPU ms / dispute':>18}")
    for label, wall, cpu in (("build through the service (not part of check)", build_wall, build_cpu),
                             ("check: rows compared with the replay (this module)", cmp_wall, cmp_cpu),
                             ("check: the disputes' chains (already done before)", chain_wall, chain_cpu),
                             ("migration 0052: a 建账 event per dispute", base_wall, base_cpu)):
        print(f"{label:<52}{wall:>9.2f}{cpu:>9.2f}{cpu / n * 1000:>18.3f}")
    print(f"ratio comparison / chain check (one run): {cmp_cpu / max(chain_cpu, 1e-9):.1f}")


if __name__ == "__main__":
    main()

"""Moving an office onto a server (issue 12 §3): `migrate-to` of a SQLite file into a new database of a running
PostgreSQL server, each step timed (wall and this process's CPU), then the rows per table and the checks.

    nice .venv/bin/python bench/bench_migrate.py --db COPY.db --server "host=/work/bench1m/pg port=54329 user=xinfang"

COPY.db must already be at this program's version (open it once: `Workspace.open(path,
backup_before_migration=False)`); it is only read. Without --db a fresh demo file of --fresh cases is built in a
temporary folder. The target database (--name, default bench_move) is created from template0 with the collation
Store requires and dropped afterwards unless --keep."""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> int:
    import psycopg

    from xinfang.services import Workspace
    from xinfang.storage.pg import transfer  # noqa: F401  (fails early without psycopg)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="an upgraded SQLite file (only read)")
    ap.add_argument("--fresh", type=int, default=20_000, help="without --db: demo cases of a temporary file")
    ap.add_argument("--server", required=True, help='libpq "key=value" of the server (no dbname)')
    ap.add_argument("--name", default="bench_move")
    ap.add_argument("--keep", action="store_true", help="keep the target database")
    args = ap.parse_args()

    tmp = None
    path = Path(args.db) if args.db else None
    if path is None:
        from xinfang.services.demo import generate_demo
        tmp = Path(tempfile.mkdtemp(prefix="bench-move-"))
        path = tmp / "fresh.db"
        ws = Workspace.open(path)
        generate_demo(ws, args.fresh, seed=1)
        ws.close()
    admin = f"{args.server} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {args.name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' "
                     "LC_CTYPE 'C.UTF-8'")
    parts = dict(item.split("=", 1) for item in args.server.split())
    url = f"postgresql:///{args.name}?" + "&".join(f"{k}={v}" for k, v in parts.items())
    steps: list[tuple[str, float, float]] = []
    mark = {"what": "start", "wall": time.perf_counter(), "cpu": _cpu()}

    def progress(what, _done, _total):
        if what != mark["what"]:
            wall, cpu = time.perf_counter(), _cpu()
            steps.append((mark["what"], wall - mark["wall"], cpu - mark["cpu"]))
            mark.update(what=what, wall=wall, cpu=cpu)

    t0, c0 = time.perf_counter(), _cpu()
    try:
        ws = Workspace.open(path, read_only=True)
        try:
            report = ws.moving.to(url, progress=progress)
        finally:
            ws.close()
        progress("end", 0, 0)
        wall, cpu = time.perf_counter() - t0, _cpu() - c0
        print(f"migrate-to {path} → {url}\n")
        print("| step | wall s | CPU s (this process and its workers; the server's own CPU is not in it) |\n|---|---|---|")
        small = [0.0, 0.0, 0]
        for what, w, c in steps[1:]:
            if w < 1.0 and what not in ("check_source", "verify", "check_target", "indexes"):
                small[0] += w
                small[1] += c
                small[2] += 1
                continue
            print(f"| {what} | {w:.1f} | {c:.1f} |")
        print(f"| {small[2]} other steps (small tables …) | {small[0]:.1f} | {small[1]:.1f} |")
        print(f"| **total** | **{wall:.1f}** | {cpu:.1f} |\n")
        big = sorted(report["tables"].items(), key=lambda kv: -kv[1]["source"])[:8]
        print("rows: " + ", ".join(f"{k} {v['source']:,}" + ("" if v["ok"] else " ≠") for k, v in big))
        print(f"anchor equal: {report['anchor']['ok']}; source check: {report['check']['source']['ok']}; "
              f"server check ran: {report['check']['target']['ran']} ok: {report['check']['target']['ok']}; "
              f"usable: {report['usable']}; ok: {report['ok']}")
        print(report["message"])
    finally:
        if not args.keep:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {args.name} WITH (FORCE)")
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

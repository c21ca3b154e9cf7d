"""Backups at scale: online copy, sha256, verify (working copy + integrity + ledger check) and restore.

    .venv/bin/python bench/bench_backup.py [--cases 200000] [--db bench/data/backup.db]

Builds the demo database once (reused when it already holds that many cases), then times each step once
(they are seconds to minutes long; the OS cache is warm after the first read) and prints a table; a second
table gives each step as a ratio to a plain file copy measured in the same run, which stays meaningful while
other work shares the machine."""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xinfang.services import Workspace  # noqa: E402
from xinfang.services.backups import verify_copy  # noqa: E402
from xinfang.storage import backup as files  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=200_000)
    ap.add_argument("--db", default=str(ROOT / "bench" / "data" / "backup.db"))
    args = ap.parse_args()
    db = Path(args.db)
    db.parent.mkdir(parents=True, exist_ok=True)
    ws = Workspace.open(db)
    if ws.count() < args.cases:
        from xinfang.services.demo import generate_demo
        print(f"building {args.cases:,} demo cases in {db} …", flush=True)
        (_, secs) = timed(lambda: generate_demo(ws, cases=args.cases - ws.count(), seed=1))
        print(f"  built in {secs:.1f} s", flush=True)
    cases = ws.count()
    work = Path(tempfile.mkdtemp(prefix="xf-bench-backup-", dir=db.parent))
    rows = []
    try:
        ws.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db.stat().st_size
        _, plain = timed(lambda: shutil.copyfile(db, work / "plain.db"))
        rows.append(("plain file copy (reference)", plain))
        made, secs = timed(lambda: ws.backups.create(out=work / "copy.db"))
        rows.append(("backup: online copy + manifest (incl. sha256)", secs))
        _, secs = timed(lambda: files.file_sha256(made["file"]))
        rows.append(("  of which sha256 of the copy", secs))
        report, secs = timed(lambda: verify_copy(made["file"], work))
        assert report["ok"], report["problems"]
        rows.append(("verify: sha256 + working copy + integrity + ledger check", secs))
        _, secs = timed(lambda: ws.check())
        rows.append(("  of which the check alone (on the live file)", secs))
        result, secs = timed(lambda: ws.backups.restore(made["file"]))
        assert result["cases"] == cases
        Path(result["previous_saved_as"]).unlink()
        files.manifest_path(result["previous_saved_as"]).unlink()
        rows.append(("restore: verify + prerestore backup + swap + reopen", secs))
    finally:
        ws.close()
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n{cases:,} cases, database {size / 2**30:.2f} GiB\n")
    print("| step | seconds | × plain copy |\n|---|---|---|")
    for name, secs in rows:
        print(f"| {name} | {secs:.1f} | {secs / plain:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

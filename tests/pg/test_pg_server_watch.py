"""A test run that is killed does not leave its PostgreSQL server running: `.ci/pg start` with
XINFANG_PG_OWNER_PID starts a watcher that stops the server and deletes its folder once that process is gone."""
from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# the "test run": starts a server as the pg_server fixture does, says where, then waits to be killed
OWNER = """
import os, subprocess, sys, time
env = {**os.environ, "XINFANG_PG_FAST": "1", "XINFANG_PG_OWNER_PID": str(os.getpid()), "XINFANG_PG_PORT": "54338"}
started = subprocess.run(["bash", sys.argv[1], "start", sys.argv[2]], env=env, capture_output=True, text=True)
print(started.returncode, flush=True)
time.sleep(600)
"""


def _running(folder: Path) -> bool:
    return subprocess.run(["pgrep", "-f", f"postgres -D {folder}/data"], capture_output=True).returncode == 0


def test_a_killed_owner_takes_its_server_with_it():
    folder = Path(tempfile.mkdtemp(prefix="xinfang-pg-watch-"))
    owner = subprocess.Popen([sys.executable, "-c", OWNER, str(ROOT / ".ci" / "pg"), str(folder)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert owner.stdout.readline().strip() == "0"
        assert _running(folder)
        owner.send_signal(signal.SIGKILL)                    # as a CI timeout or a killed pytest would
        owner.wait()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (folder.exists() or _running(folder)):
            time.sleep(0.2)
        assert not _running(folder) and not folder.exists()
    finally:
        if owner.poll() is None:
            owner.kill()
        if folder.exists():
            subprocess.run(["bash", str(ROOT / ".ci" / "pg"), "stop", str(folder)], capture_output=True)
            subprocess.run(["rm", "-rf", str(folder)])

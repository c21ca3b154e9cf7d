"""Time the statutory calendar (not a test): 100,000 calls each of compute_due (calendar / working mode, with the
full Chinese explanation and with explain=False), add_working_days, the due_date fast path, and due_state.
Triggers are random days 2004–2026, periods 5/15/30/60/90 days.

    .venv/bin/python bench/bench_calendar.py
"""
from __future__ import annotations

import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from xinfang.calendar import WorkCalendar, compute_due, due_date, due_state  # noqa: E402

N = 100_000


def main() -> int:
    t0 = time.perf_counter()
    cal = WorkCalendar.default()
    build = time.perf_counter() - t0

    rng = random.Random(20250930)
    start = date(2004, 1, 1).toordinal()
    triggers = [date.fromordinal(start + rng.randrange(23 * 365)) for _ in range(N)]
    days = [rng.choice((5, 15, 30, 60, 90)) for _ in range(N)]
    todays = [t + timedelta(days=rng.randrange(120)) for t in triggers]

    results: list[tuple[str, float]] = []

    def run(label, fn):
        t = time.perf_counter()
        fn()
        results.append((label, time.perf_counter() - t))

    run("compute_due calendar (with explain)",
        lambda: [compute_due(t, n, "calendar", cal) for t, n in zip(triggers, days)])
    run("compute_due working  (with explain)",
        lambda: [compute_due(t, n, "working", cal) for t, n in zip(triggers, days)])
    run("WorkCalendar.add_working_days",
        lambda: [cal.add_working_days(t, n) for t, n in zip(triggers, days)])
    run("compute_due calendar (explain=False)",
        lambda: [compute_due(t, n, "calendar", cal, explain=False) for t, n in zip(triggers, days)])
    run("compute_due working  (explain=False)",
        lambda: [compute_due(t, n, "working", cal, explain=False) for t, n in zip(triggers, days)])
    run("due_date calendar    (no explain)",
        lambda: [due_date(t, n, "calendar", cal) for t, n in zip(triggers, days)])
    run("due_date working     (no explain)",
        lambda: [due_date(t, n, "working", cal) for t, n in zip(triggers, days)])
    dues = [due_date(t, n, "calendar", cal) for t, n in zip(triggers, days)]
    run("due_state",
        lambda: [due_state(d, today, cal) for d, today in zip(dues, todays)])

    print(f"WorkCalendar.default() build: {build * 1000:.1f} ms  ({cal!r})")
    print(f"{'operation (100,000 calls)':40s} {'total s':>8s} {'µs/call':>8s}")
    for label, secs in results:
        print(f"{label:40s} {secs:8.3f} {secs / N * 1e6:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

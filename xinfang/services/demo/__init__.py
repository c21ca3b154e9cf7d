"""Demo data: realistic, deterministic petitions for a fresh database (GUI first run) and for benchmarks.

    stats = generate_demo(ws, 2000)            # the GUI's first run
    stats = generate_demo(ws, 1_000_000)       # bench/bench_foundation.py

Everything comes from `random.Random` seeded per case from (seed, case index): the same seed, count and
`ws.now()` give the same database, whatever the number of worker processes. "Today" is `ws.now()`, never the
wall clock.

* Received dates spread over the last three years, denser towards today (the density rises linearly, today's
  is three times that of three years ago). Case ids follow the received time; numbers are `年-前缀-序号` per year.
* Channels, purposes, categories (from `ws.categories()`), handling units (from the unit directory), places
  (streets/communities of the district) and petitioners (names, valid ID numbers and USCCs, phones, addresses,
  representatives of collective visits, agents, anonymous letters) with template texts per matter.
* About 8% are repeats: the same person and the same matter (same category, re-worded) as an earlier case,
  linked in `repeats`, with `repeat_of` and, when the earlier case was already closed after 复核, the 不再受理
  candidate flag — exactly what `Workspace.register` would record.
* Each case runs through the part of the lifecycle its age allows (`lifecycle.TABLE`), with the clocks of the
  deadline profile on the office calendar, a hash-chained event per step with the payload `Workspace.act`
  writes, and `next_due`/`next_step` of the running duty clocks. The transition rules are mirrored here for
  speed (a million cases); tests/services/test_demo.py replays the events through `lifecycle.plan` and
  `clocks.apply_ops` and compares.

Large loads use a bulk mode (storage.bulk): secondary indexes rebuilt after the rows, `synchronous=OFF` only
during the load. With worker processes (fork), each worker generates a batch of cases AND writes it into a
transport SQLite file of its own (`bulk.transport_*`); the main process copies the files in batch order with
`INSERT … SELECT` (`bulk.copy_transport`), so ids and row order are those of a single-process load. The search
index is built afterwards from the stored rows (`index_demo`), timed separately.

Modules: `pools` (reference data, word pools, matter templates), `context` (the per-run context, the
received-time line, ISO caches), `case` (the registration of one case), `sim` (the duty-clock/event
simulator with its payload fragments and due-date memo), `lifecycle` (the paths a case takes), `repeats`
(repeat petitions), `generate` (batches, worker processes and transport files, `generate_demo`,
`index_demo`).
"""
from .case import _id_number  # noqa: F401  (tests check it against make_id_number)
from .generate import Progress, generate_demo, index_demo
from .pools import CLERKS, FALLBACK_CATEGORIES, FALLBACK_PLACES, FALLBACK_UNITS

__all__ = ["CLERKS", "FALLBACK_CATEGORIES", "FALLBACK_PLACES", "FALLBACK_UNITS", "Progress", "generate_demo",
           "index_demo"]

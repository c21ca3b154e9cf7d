"""Time render_case_sheet: cold (first call in a fresh process, including the import of reportlab and
font registration) and warm (median of 20 after one warm-up). Target: warm ≤ 150 ms.

    .venv/bin/python bench/bench_pdf.py

Each cold figure comes from its own subprocess, so nothing is cached between runs.
"""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 150.0
COLD_RUNS = 3
WARM_RUNS = 20

_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
sys.path[:0] = [ROOT, ROOT + "/tests"]
from reports.report_samples import make_case, make_deadlines, PRINTED_AT, CONTENT_PARAGRAPH
t_import0 = time.perf_counter()
from xinfang.reports.case_sheet import render_case_sheet
from xinfang.reports.slips import render_transfer_slip
t_import1 = time.perf_counter()
from xinfang.reports.fonts import register_fonts
register_fonts()
t_fonts = time.perf_counter()
case, dl = make_case(), make_deadlines()
long_case = make_case(single=True, content="\n".join([CONTENT_PARAGRAPH] * 6))
def sheet(c=case):
    return render_case_sheet(c, dl, office_name="福州市鼓楼区信访局", printed_at=PRINTED_AT, printed_by="张敏")
def slip():
    return render_transfer_slip(case, kind="转送", to_unit_name="鼓楼区住房和城乡建设局",
        from_unit_name="福州市鼓楼区信访局", decision_lines=["属于住建部门职责范围"],
        due_text="请于15日内书面告知信访人是否受理", report_due=None, slip_no="鼓信转〔2026〕45号",
        printed_at=PRINTED_AT, show_reporter=True)
t1 = time.perf_counter(); pdf = sheet(); t2 = time.perf_counter()
out = {"import_ms": (t_import1 - t_import0) * 1000, "fonts_ms": (t_fonts - t_import1) * 1000,
       "first_render_ms": (t2 - t1) * 1000, "cold_total_ms": (t2 - t_import0) * 1000,
       "bytes": len(pdf)}
if WARM:
    def median(fn):
        fn()
        xs = []
        for _ in range(WARM):
            a = time.perf_counter(); fn(); xs.append((time.perf_counter() - a) * 1000)
        xs.sort()
        return xs[len(xs) // 2] if len(xs) % 2 else (xs[len(xs) // 2 - 1] + xs[len(xs) // 2]) / 2, xs[-1]
    out["warm_sheet"] = median(sheet)
    out["warm_long"] = median(lambda: sheet(long_case))
    out["warm_slip"] = median(slip)
    out["long_bytes"] = len(sheet(long_case))
    out["slip_bytes"] = len(slip())
print(json.dumps(out))
"""


def run(warm: int) -> dict:
    code = f"ROOT = {str(ROOT)!r}\nWARM = {warm}\n" + _CHILD
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    return json.loads(res.stdout.strip().splitlines()[-1])


def _pad(s: str, width: int) -> str:
    """Left-justify by display width (CJK characters take two columns)."""
    w = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)
    return s + " " * max(0, width - w)


def main() -> int:
    colds = [run(0) for _ in range(COLD_RUNS)]
    warm = run(WARM_RUNS)
    med = lambda key: statistics.median(c[key] for c in colds)  # noqa: E731
    rows = [
        ("cold: import xinfang.reports (+reportlab)", med("import_ms"), f"median of {COLD_RUNS} processes"),
        ("cold: register fonts (WQY TTC)", med("fonts_ms"), ""),
        ("cold: first case sheet render", med("first_render_ms"), f"{colds[0]['bytes'] / 1024:.0f} KB"),
        ("cold: total (import + fonts + render)", med("cold_total_ms"), ""),
        ("warm: case sheet, 3 petitioners, 2 pages", warm["warm_sheet"][0],
         f"median of {WARM_RUNS}, max {warm['warm_sheet'][1]:.0f} ms"),
        ("warm: case sheet, long content, 2 pages", warm["warm_long"][0],
         f"max {warm['warm_long'][1]:.0f} ms, {warm['long_bytes'] / 1024:.0f} KB"),
        ("warm: 转送单, 1 page", warm["warm_slip"][0],
         f"max {warm['warm_slip'][1]:.0f} ms, {warm['slip_bytes'] / 1024:.0f} KB"),
    ]
    print(f"{'measurement':<44} {'ms':>8}  note")
    print("-" * 80)
    for name, ms, note in rows:
        print(f"{_pad(name, 44)} {ms:8.1f}  {note}")
    ok = warm["warm_sheet"][0] <= TARGET_MS
    print("-" * 80)
    print(f"warm case sheet {'within' if ok else 'OVER'} the {TARGET_MS:.0f} ms target")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Mixed digit/ideograph queries (case numbers, amounts, dates): the per-character text phrase alone
versus the same phrase AND the 4-grams of its longest digit run (`codes` column). One run, same data.

Usage: .venv/bin/python bench/bench_search_mixed.py [--db bench/data/bench.db]
"""
import argparse
import sqlite3
import time

from xinfang.storage import search

QUERIES = ["2024-信-161079", "信-179504", "2026年3月", "工资20000元", "GD2025", "3号楼2单元"]


def plain_expression(q: str) -> str:
    """The expression before the `codes` conjunction (kept here only to compare)."""
    n = search.normalise_query(q)
    grams, _ = search.code_tokens(n)
    return f'({{names body}} : "{" ".join(n)}") OR ({{number ids}} : "{grams}")'


def timed(conn, expr: str) -> tuple[float, int]:
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        conn.execute("SELECT rowid FROM case_search WHERE case_search MATCH ? ORDER BY rowid DESC LIMIT 50",
                     (expr,)).fetchall()
        count = conn.execute("SELECT count(*) FROM case_search WHERE case_search MATCH ?", (expr,)).fetchone()[0]
        best = min(best, time.perf_counter() - t0)
    return best * 1000, count


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="bench/data/bench.db")
    conn = sqlite3.connect(ap.parse_args().db)
    print("| query | hits | text phrase only (ms) | with codes 4-grams (ms) | ratio |")
    print("|---|---|---|---|---|")
    for q in QUERIES:
        old_ms, old_n = timed(conn, plain_expression(q))
        new_ms, new_n = timed(conn, search.match_expression(q))
        assert old_n == new_n, (q, old_n, new_n)
        print(f"| {q} | {new_n} | {old_ms:.1f} | {new_ms:.1f} | {old_ms / new_ms:.1f}× |")


if __name__ == "__main__":
    main()

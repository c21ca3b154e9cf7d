"""Rebuilding the case search index from the rows (`xinfang reindex`, 设置 › 数据完整性), on either engine: the
index's own statements come from `store.text_index` (storage/search.py's FTS5, or storage/pg/search.py)."""
from __future__ import annotations

from typing import Any, Callable

from . import bulk

Progress = Callable[[int, int], Any]


def rebuild_case_search(conn, text_index, total: int, progress: Progress | None = None,
                        batch: int = 10_000) -> int:
    """Empty the case search index and index every case again, inside the caller's transaction; returns how
    many cases were indexed."""
    conn.execute(text_index.clear_statement("case_search"))
    done, last = 0, 0
    while True:
        rows = bulk.search_rows(conn, last, batch)
        if not rows:
            return done
        statements = [text_index.index_statement(cid, number, names, ids, body)
                      for cid, number, names, ids, body in rows]
        conn.executemany(statements[0][0], [params for _sql, params in statements])
        last = rows[-1][0]
        done += len(rows)
        if progress is not None:
            progress(done, total)

"""The progress callback of long actions (backups, purges): (done, total, Chinese text)."""
from __future__ import annotations

from typing import Callable

Progress = Callable[[int, int, str], None]


def silent(done: int, total: int, text: str) -> None:
    """For callers that show no progress (the CLI without a bar, tests)."""

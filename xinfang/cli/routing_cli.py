"""Units, 权责清单 and routing commands."""
from __future__ import annotations


def register(sub, common, handlers) -> None:
    return None

"""Which storage engine a `--db` target names (issue 12 §1). Kept free of psycopg so that asking costs
nothing on a PC that only ever opens files."""
from __future__ import annotations

SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_url(target: object) -> bool:
    """`--db` names a server when it is a postgresql:// (or postgres://) URL; anything else is a file."""
    return str(target).startswith(SERVER_SCHEMES)

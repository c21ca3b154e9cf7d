"""Password hashes with the standard library's scrypt (memory-hard); only the hash is ever stored.

Format: ``scrypt$N$r$p$salt$hash`` (salt and hash in base64), so the cost can be raised later and
older hashes still verify.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

from .problems import DomainError

# N=2^14, r=8: 16 MiB of memory per attempt, about 0.1 s on an office PC.
COST = 2 ** 14
BLOCK = 8
PARALLEL = 1
MIN_LENGTH = 8


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=256 * 1024 * 1024, dklen=32)


def hash_password(password: str, cost: int | None = None) -> str:
    n = cost or COST
    salt = os.urandom(16)
    digest = _derive(password, salt, n, BLOCK, PARALLEL)
    b64 = base64.b64encode
    return f"scrypt${n}${BLOCK}${PARALLEL}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = _derive(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def check_new_password(password: str, login: str = "") -> str:
    """A new password must be long enough and not the login name; returns it unchanged."""
    if password is None or len(password) < MIN_LENGTH:
        raise DomainError(f"密码至少 {MIN_LENGTH} 位")
    if login and password.strip().lower() == login.strip().lower():
        raise DomainError("密码不能与登录名相同")
    if password != password.strip():
        raise DomainError("密码首尾不能有空格")
    return password

"""Accounts and the access log: the tables `users` (every actor) and `accounts` (who may log in)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Sequence

from . import ledger
from .record_projection import password_digest


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


class AccountsStore:
    """Mixed into Store; uses its `conn`, `q` and `one`."""

    conn: Any
    dialect: Any                                            # provided by Store

    def q(self, sql: str, params: Sequence | dict = ()) -> list[tuple]: ...   # provided by Store
    def one(self, sql: str, params: Sequence | dict = ()) -> Any: ...         # provided by Store

    ACCOUNT_COLUMNS = ("login", "display", "roles", "unit", "active", "password_hash", "failed_logins",
                       "locked_until", "created_at", "changed_at")

    def password_accounts(self) -> int:
        return self.one("SELECT count(*) FROM accounts WHERE password_hash <> ''")

    def account(self, login: str) -> dict | None:
        r = self.conn.execute(
            "SELECT u.login, u.name, u.roles, a.unit, a.active, a.password_hash, a.failed_logins, a.locked_until, "
            "u.created_at, a.changed_at FROM accounts a JOIN users u ON u.login = a.login WHERE a.login = ?",
            (login,)).fetchone()
        return dict(zip(self.ACCOUNT_COLUMNS, r)) if r else None

    def accounts(self) -> list[dict]:
        return [dict(zip(self.ACCOUNT_COLUMNS, r)) for r in self.q(
            "SELECT u.login, u.name, u.roles, a.unit, a.active, a.password_hash, a.failed_logins, a.locked_until, "
            "u.created_at, a.changed_at FROM accounts a JOIN users u ON u.login = a.login ORDER BY u.login")]

    # Every change of an account is an event of its user record in the ledger (docs/ledger.md).
    def save_account(self, login: str, display: str, roles: str, unit: str, active: bool, now: datetime,
                     actor: str, action: str) -> None:
        new = self.conn.execute("INSERT OR IGNORE INTO users(login, name, roles, created_at) VALUES (?, ?, ?, ?)",
                                (login, display, roles, _iso(now))).rowcount
        if not new:
            self.conn.execute("UPDATE users SET name = ?, roles = ? WHERE login = ?", (display, roles, login))
        self.conn.execute("INSERT INTO accounts(login, unit, active, changed_at) VALUES (?, ?, ?, ?) "
                          "ON CONFLICT(login) DO UPDATE SET unit = excluded.unit, active = excluded.active, "
                          "changed_at = excluded.changed_at", (login, unit, int(active), _iso(now)))
        stored = self.one("SELECT password_hash FROM accounts WHERE login = ?", (login,))
        ledger.append(self.conn, "user", login, "create" if new else action, now, now, actor,
                      {"name": display, "roles": roles, "unit": unit, "active": bool(active),
                       "password": password_digest(stored)})

    def set_password_hash(self, login: str, password_hash: str, now: datetime, actor: str, action: str) -> None:
        self.conn.execute("UPDATE accounts SET password_hash = ?, failed_logins = 0, locked_until = NULL, "
                          "changed_at = ? WHERE login = ?", (password_hash, _iso(now), login))
        # never the hash itself: a digest of it, so a hash replaced in the file disagrees with the events
        ledger.append(self.conn, "user", login, action, now, now, actor, {"password": password_digest(password_hash)})

    def record_login_failure(self, login: str, failures: int, locked_until: datetime | None, now: datetime) -> None:
        self.conn.execute("UPDATE accounts SET failed_logins = ?, locked_until = ? WHERE login = ?",
                          (failures, _iso(locked_until), login))
        ledger.append(self.conn, "user", login, "lock" if locked_until else "login-failed", now, now, login,
                      {"locked_until": _iso(locked_until)} if locked_until else {"failures": failures})

    def record_login(self, login: str, now: datetime) -> None:
        self.conn.execute("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE login = ?", (login,))
        ledger.append(self.conn, "user", login, "login", now, now, login, {})

    def unlock_account(self, login: str, now: datetime, actor: str) -> None:
        self.conn.execute("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE login = ?", (login,))
        ledger.append(self.conn, "user", login, "unlock", now, now, actor, {})

    def access_log(self, limit: int = 500, offset: int = 0) -> list[tuple]:
        """Unmaskings of personal data, newest first: (recorded_at, actor, number, payload)."""
        return self.q("SELECT e.recorded_at, e.actor, c.number, e.payload FROM events e INDEXED BY events_access "
                      "JOIN cases c ON c.id = e.case_id WHERE e.action = 'unmask' "
                      "ORDER BY e.recorded_at DESC, e.id DESC LIMIT ? OFFSET ?", (limit, offset))

    def registered_by_of(self, ids: Sequence[int]) -> dict[int, str]:
        """Who registered each of these cases (for the restricted ones only: the list hides the others' nothing)."""
        out: dict[int, str] = {}
        ids = list(ids)
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            out.update(self.q(f"SELECT id, registered_by FROM cases WHERE {self.dialect.true('restricted')} AND id IN "
                              f"({','.join('?' * len(part))})", part))
        return out

-- Accounts (issue 7): who may log in. `users` stays the list of every actor named in the log; an
-- account adds the unit, the state and the password hash (scrypt; never the password itself).
CREATE TABLE accounts (
    login         TEXT PRIMARY KEY REFERENCES users(login),
    unit          TEXT NOT NULL DEFAULT '',      -- 承办单位 / 调解委员会 code
    active        INTEGER NOT NULL DEFAULT 1,
    password_hash TEXT NOT NULL DEFAULT '',
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until  TEXT,
    changed_at    TEXT NOT NULL
);

-- 访问记录: every unmasking of personal data, newest first, without scanning the event log.
CREATE INDEX events_access ON events(recorded_at) WHERE action = 'unmask';

-- The database-wide ledger (storage/ledger.py, docs/ledger.md): every event of every record kind gets a
-- gap-free sequence number and a hash over the previous entry; each record row keeps its event count and
-- the hash of its newest event. Existing events are chained by storage/db.py after this script.

ALTER TABLE cases ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN head_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN head_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE settings ADD COLUMN head_hash TEXT NOT NULL DEFAULT '';

-- Events of every record kind except cases, hash-chained per (kind, record).
CREATE TABLE record_events (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    record      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    action      TEXT NOT NULL,
    at          TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    actor       TEXT NOT NULL,
    payload     TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    UNIQUE (kind, record, seq)
);
CREATE TRIGGER record_events_no_update BEFORE UPDATE ON record_events
BEGIN SELECT RAISE(ABORT, '事件记录只能追加，不能修改'); END;
CREATE TRIGGER record_events_no_delete BEFORE DELETE ON record_events
BEGIN SELECT RAISE(ABORT, '事件记录只能追加，不能删除'); END;

-- The global chain: entry `seq` covers event `event_id` of `kind` (table `events` for cases, else
-- `record_events`); hash = sha256(previous hash | seq | kind | event_id | the event's hash).
CREATE TABLE ledger (
    seq      INTEGER PRIMARY KEY,
    kind     TEXT NOT NULL,
    event_id INTEGER NOT NULL,
    hash     TEXT NOT NULL
);
-- The few entries of kinds other than cases, for an anchored check (storage/verify.py).
CREATE INDEX ledger_other ON ledger(kind, seq) WHERE kind <> 'case';
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
BEGIN SELECT RAISE(ABORT, '账本只能追加，不能修改'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, '账本只能追加，不能删除'); END;

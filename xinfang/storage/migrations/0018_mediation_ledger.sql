-- 人民调解 events move into the database-wide ledger (docs/ledger.md): disputes keep their event count and
-- head hash; the events already in dispute_events are re-appended through the ledger, in the order they
-- were written, by storage/db.py right after this script; 0028 drops the old table.

ALTER TABLE disputes ADD COLUMN event_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE disputes ADD COLUMN head_hash TEXT NOT NULL DEFAULT '';
